"""The rows of INFORMATION_SCHEMA.STAGES and FILE_FORMATS a session may see, worked out here (privileges, a
format's options with its type's defaults) and handed to the views' macros (catalog/views.sql) as JSON texts.

Both pages: "only displays objects for which the current role for the session has been granted access
privileges" (https://docs.snowflake.com/en/sql-reference/info-schema/stages, …/file_formats). Their note that the
views do not honor MANAGE GRANTS is the limitation the 2026_07 bundle removes
(https://docs.snowflake.com/en/release-notes/bcr-bundles/2026_07/bcr-2416): MANAGE GRANTS shows every object, as
SHOW and snowreg's other INFORMATION_SCHEMA views do (conformance/DECISIONS.md S52).
"""

from __future__ import annotations

from typing import Any

import orjson

from snowreg.engine.access import privileges
from snowreg.engine.session import Session

# FILE_FORMATS' option columns, in the view's order (a format type without the option shows NULL)
FORMAT_OPTIONS = ("RECORD_DELIMITER", "FIELD_DELIMITER", "SKIP_HEADER", "DATE_FORMAT", "TIME_FORMAT",
                  "TIMESTAMP_FORMAT", "BINARY_FORMAT", "ESCAPE", "ESCAPE_UNENCLOSED_FIELD", "TRIM_SPACE",
                  "FIELD_OPTIONALLY_ENCLOSED_BY", "NULL_IF", "COMPRESSION", "ERROR_ON_COLUMN_COUNT_MISMATCH")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def stage_rows(session: Session) -> list[str]:
    """A JSON object per named stage the session's roles hold a privilege on, in a schema they may use (the
    session's own temporary stages too; another session's do not exist for it)."""
    a = privileges.access(session)
    out = []
    for s in session.catalog.objects.list_stages():
        if s.temporary and s.session_id != session.id:
            continue
        if not a.manage_grants and (not a.schema_usable(s.database_name, s.schema_name)
                                    or not a.held(("STAGE", s.id), s.owner)):
            continue
        out.append(_json({"STAGE_CATALOG": s.database_name, "STAGE_SCHEMA": s.schema_name, "STAGE_NAME": s.name,
                          "STAGE_URL": s.url, "STAGE_TYPE": "External Named" if s.url else "Internal Named",
                          "STAGE_OWNER": s.owner, "COMMENT": s.comment, "CREATED": s.created_on}))
    return out


def file_format_rows(session: Session) -> list[str]:
    """A JSON object per named file format the session's roles hold a privilege on (grants on file formats are
    not emulated: its ownership), in a schema they may use, with its options as DESCRIBE FILE FORMAT gives them."""
    from snowreg.engine.loading import options as opts

    a = privileges.access(session)
    out = []
    for f in session.catalog.loads.list_formats():
        if f.temporary and f.session_id != session.id:
            continue
        if not a.manage_grants and (not a.schema_usable(f.database_name, f.schema_name) or not a.held(
                ("FILE FORMAT", f.database_name, f.schema_name, f.name), f.owner)):
            continue
        shown = opts.resolve(f.format_type, f.options).options
        row: dict[str, Any] = {"FILE_FORMAT_CATALOG": f.database_name, "FILE_FORMAT_SCHEMA": f.schema_name,
                               "FILE_FORMAT_NAME": f.name, "FILE_FORMAT_OWNER": f.owner,
                               "FILE_FORMAT_TYPE": f.format_type, "CREATED": f.created_on, "COMMENT": f.comment}
        for name in FORMAT_OPTIONS:
            if name in shown and shown[name] is not None:
                text = opts.option_text(shown[name])
                row[name] = "".join(_ESCAPES.get(ch, ch) for ch in text)
        out.append(_json(row))
    return out


def _json(row: dict[str, Any]) -> str:
    return orjson.dumps(row).decode()
