"""The text rewrite of a statement by the session's parameters that change its translation (the last of
engine.sql.run's text rewrites): TIMESTAMP_TYPE_MAPPING names the variation where TIMESTAMP is a type
(engine.sql.timestamp_mapping), and an input format that is not AUTO marks the text (engine.sql.input_texts), as
DEFAULT_NULL_ORDERING = FIRST does (engine.sql.translate reads its ORDER BY keys with NULLs lowest).
Every cache keyed by a statement's text then holds the translation for those values; a session that keeps
the defaults pays three dictionary look-ups per statement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from snowreg.engine import input_formats, parameters
from snowreg.engine.session import Session
from snowreg.engine.sql import timestamp_mapping
from snowreg.engine.sql.translation import INFORMATION_MARKER
from snowreg.grammar.text import Spliced


def expand(session: Session, sql: str) -> Spliced | None:
    """`sql` as the session's TIMESTAMP_TYPE_MAPPING and input formats say, and marked when its current schema is
    INFORMATION_SCHEMA (its unqualified names are that schema's); None when they change nothing."""
    values = session.parameters
    edits = _parameter_edits(values, sql) if values else []
    if session.schema == "INFORMATION_SCHEMA" and INFORMATION_MARKER not in sql:
        edits.append((len(sql), len(sql), " " + INFORMATION_MARKER))
    return Spliced.edited(sql, edits) if edits else None


def _parameter_edits(values: dict[str, Any], sql: str) -> list[tuple[int, int, str]]:
    edits = timestamp_mapping.edits(values, sql)
    if input_formats.active(values) and input_formats.MARKER not in sql:
        edits.append((len(sql), len(sql), " " + input_formats.MARKER))
    if values.get("DEFAULT_NULL_ORDERING") == "FIRST" and parameters.NULLS_FIRST_MARKER not in sql:
        edits.append((len(sql), len(sql), " " + parameters.NULLS_FIRST_MARKER))
    return edits


def mapped_text(session: Session, sql: str) -> str:
    """`sql` as the session's parameters make it (a CREATE FUNCTION / PROCEDURE's signature: never marked as read
    in INFORMATION_SCHEMA), or `sql` itself."""
    edits = _parameter_edits(session.parameters, sql) if session.parameters else []
    return Spliced.edited(sql, edits).text if edits else sql


def declared_types(session: Session) -> Callable[[str], str]:
    """How a scripting block names a declared type: the session's TIMESTAMP_TYPE_MAPPING when it is declared."""
    return lambda type_text: timestamp_mapping.declared_type(session.parameters, type_text)
