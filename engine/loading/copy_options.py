"""The copy options of COPY INTO <table> (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table,
"Copy options"): those a statement gives and those a named stage keeps (CREATE / ALTER STAGE … COPY_OPTIONS),
checked alike; what snowreg's COPY cannot honour is refused as not supported."""

from __future__ import annotations

import re
from typing import Any

from snowreg import errors
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading.options import parse_options

_OPTIONS = {"FILES", "PATTERN", "FILE_FORMAT", "ON_ERROR", "PURGE", "FORCE", "MATCH_BY_COLUMN_NAME",
            "RETURN_FAILED_ONLY", "ENFORCE_LENGTH", "TRUNCATECOLUMNS", "LOAD_UNCERTAIN_FILES", "SIZE_LIMIT",
            "VALIDATION_MODE", "INCLUDE_METADATA", "LOAD_MODE", "FILE_PROCESSOR"}
_DEFAULTS = {"ENFORCE_LENGTH": True, "TRUNCATECOLUMNS": False, "LOAD_UNCERTAIN_FILES": False}


def statement_options(text: str) -> dict[str, Any]:
    given = parse_options(text)
    for name in given:
        if name not in _OPTIONS:
            raise lerrors.invalid_value(f"invalid parameter '{name}' for COPY INTO <table>.")
    _refuse_unemulated(given)
    return given


# The statement's own parameters, not copy options a stage keeps (https://docs.snowflake.com/en/sql-reference/sql/
# copy-into-table: FILES, PATTERN, FILE_FORMAT and VALIDATION_MODE stand outside `copyOptions`).
_NOT_STAGE_OPTIONS = ("FILES", "PATTERN", "FILE_FORMAT", "VALIDATION_MODE")
_BOOLEANS = ("PURGE", "FORCE", "RETURN_FAILED_ONLY", "LOAD_UNCERTAIN_FILES", "ENFORCE_LENGTH", "TRUNCATECOLUMNS")


def stage_copy_options(text: str) -> dict[str, Any]:
    """CREATE / ALTER STAGE … COPY_OPTIONS = ( … ): the copy options a stage keeps, checked as a COPY INTO <table>
    checks them (those snowreg cannot honour refused as not supported), their words upper case."""
    inner = text.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise lerrors.syntax(f"syntax error: unexpected '{inner[:20]}'.")
    given = parse_options(inner[1:-1])
    for name, value in given.items():
        if name not in _OPTIONS or name in _NOT_STAGE_OPTIONS:
            raise lerrors.invalid_value(f"invalid parameter '{name}' for COPY_OPTIONS.")
        if name in _BOOLEANS and not isinstance(value, bool):
            raise lerrors.invalid_value(f"invalid value ['{value}'] for parameter '{name}'")
    _refuse_unemulated(given)
    if "ON_ERROR" in given:
        given["ON_ERROR"] = on_error_mode(given["ON_ERROR"])
    if "MATCH_BY_COLUMN_NAME" in given:
        given["MATCH_BY_COLUMN_NAME"] = match_by_column_name(given)
    return given


def _refuse_unemulated(given: dict[str, Any]) -> None:
    for name, value in given.items():
        if name in ("SIZE_LIMIT", "INCLUDE_METADATA", "LOAD_MODE", "FILE_PROCESSOR"):
            raise errors.not_supported(f"COPY INTO <table> … {name}")
        if name in _DEFAULTS and value != _DEFAULTS[name] and name != "LOAD_UNCERTAIN_FILES":
            raise errors.not_supported(f"COPY INTO <table> … {name} = {str(value).upper()}")


def match_by_column_name(given: dict[str, Any]) -> str:
    match_by = str(given.get("MATCH_BY_COLUMN_NAME", "NONE")).upper()
    if match_by not in ("NONE", "CASE_SENSITIVE", "CASE_INSENSITIVE"):
        raise lerrors.invalid_value(f"invalid value ['{match_by}'] for parameter 'MATCH_BY_COLUMN_NAME'")
    return match_by


def on_error_mode(value: Any) -> str:
    mode = str(value or "ABORT_STATEMENT").upper()
    if mode not in ("ABORT_STATEMENT", "CONTINUE", "SKIP_FILE"):
        if re.fullmatch(r"SKIP_FILE_\d+%?", mode):
            raise errors.not_supported(f"ON_ERROR = {mode} (ABORT_STATEMENT, CONTINUE and SKIP_FILE are)")
        raise lerrors.invalid_value(f"invalid value ['{value}'] for parameter 'ON_ERROR'")
    return mode
