"""A named stage's properties besides its file format: COPY_OPTIONS (kept, applied by COPY INTO <table> under the
statement's own, shown by DESCRIBE STAGE), ENCRYPTION and DIRECTORY (https://docs.snowflake.com/en/sql-reference/
sql/create-stage, …/alter-stage, …/desc-stage; conformance/DECISIONS.md U60-U65)."""

from __future__ import annotations

from typing import Any

from snowreg import errors
from snowreg.engine.session import Session

# DESCRIBE STAGE's STAGE_COPY_OPTIONS rows as the page's example lists them: (property, type, default).
_DESCRIBED: tuple[tuple[str, str, Any], ...] = (
    ("ON_ERROR", "String", "ABORT_STATEMENT"), ("SIZE_LIMIT", "Long", None), ("PURGE", "Boolean", False),
    ("RETURN_FAILED_ONLY", "Boolean", False), ("ENFORCE_LENGTH", "Boolean", True),
    ("TRUNCATECOLUMNS", "Boolean", False), ("FORCE", "Boolean", False))
# Kept copy options the example does not list: shown after them when a stage sets them (U62).
_MORE: tuple[tuple[str, str, Any], ...] = (("MATCH_BY_COLUMN_NAME", "String", "NONE"),
                                           ("LOAD_UNCERTAIN_FILES", "Boolean", False))
# An external stage's parameters besides URL (create-stage's externalStageParams).
_EXTERNAL = ("CREDENTIALS", "STORAGE_INTEGRATION", "ENDPOINT", "USE_PRIVATELINK_ENDPOINT", "AWS_ACCESS_POINT_ARN")
_INTERNAL_ENCRYPTION = ("SNOWFLAKE_FULL", "SNOWFLAKE_SSE")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def checked(options: tuple[tuple[str, str], ...]) -> dict[str, Any] | None:
    """CREATE STAGE's COPY_OPTIONS (None when not given), after its ENCRYPTION and DIRECTORY are checked and any
    other option than FILE_FORMAT and COMMENT refused: all before anything is made."""
    from snowreg.engine.loading import copy_options

    kept = None
    for key, value in options:
        name = key.upper()
        if name == "COPY_OPTIONS":
            kept = copy_options.stage_copy_options(value)
        elif name == "ENCRYPTION":
            _encryption(value)
        elif name == "DIRECTORY":
            _directory(value)
        elif name in _EXTERNAL:
            raise errors.not_supported(f"CREATE STAGE … {name} (snowreg's stages are internal or file:// folders, "
                                       "with no credentials or cloud settings)")
        elif name not in ("FILE_FORMAT", "COMMENT"):
            from snowreg.engine.loading import errors as lerrors

            raise lerrors.syntax(f"syntax error: unexpected '{key}'.")  # it used to be accepted and dropped (U65)
    return kept


def _parsed(value: str, what: str) -> dict[str, Any]:
    from snowreg.engine.loading import errors as lerrors
    from snowreg.engine.loading.options import parse_options

    inner = value.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise lerrors.syntax(f"syntax error: unexpected '{inner[:20]}' after {what}.")
    return parse_options(inner[1:-1])


def _encryption(value: str) -> None:
    """ENCRYPTION = (TYPE = 'SNOWFLAKE_FULL' | 'SNOWFLAKE_SSE'), an internal stage's: accepted, nothing to change
    offline and nothing DESCRIBE or SHOW STAGES shows of it (U63). Other types and keys are external stages'."""
    given = _parsed(value, "ENCRYPTION")
    for name, item in given.items():
        kind = str(item).upper()
        if name != "TYPE" or kind not in _INTERNAL_ENCRYPTION:
            shown = f"{name} = {kind}" if name == "TYPE" else name
            raise errors.not_supported(f"CREATE STAGE … ENCRYPTION = ({shown}) (an internal stage's TYPE = "
                                       "'SNOWFLAKE_FULL' | 'SNOWFLAKE_SSE' is)")


def _directory(value: str) -> None:
    """DIRECTORY = (ENABLE = FALSE) is a stage without a directory table, as snowreg's are; a directory table
    (ENABLE = TRUE) and its other settings are refused by name (U64)."""
    for name, item in _parsed(value, "DIRECTORY").items():
        if name != "ENABLE" or item is not False:
            shown = f"{name} = {_text(item).upper()}"
            raise errors.not_supported(f"CREATE STAGE … DIRECTORY = ({shown}) (directory tables are not emulated)")


def describe_rows(session: Session, stage_id: int) -> list[tuple[str, str, str, str, str]]:
    """DESCRIBE STAGE's STAGE_COPY_OPTIONS rows: the stage's own values over the defaults."""
    kept = session.catalog.loads.stage_copy_options(stage_id)
    rows = [("STAGE_COPY_OPTIONS", name, kind, _text(kept.get(name, default)), _text(default))
            for name, kind, default in _DESCRIBED]
    rows += [("STAGE_COPY_OPTIONS", name, kind, _text(kept[name]), _text(default))
             for name, kind, default in _MORE if name in kept]
    return rows
