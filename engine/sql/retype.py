"""ALTER TABLE … ALTER COLUMN … SET DATA TYPE: the changes Snowflake allows, checked before DuckDB runs any.

https://docs.snowflake.com/en/sql-reference/sql/alter-table-column lists them: a synonymous type, a longer
VARCHAR (or BINARY), a larger NUMBER precision, and a smaller one only while every value still fits. It
refuses a different type (STRING to NUMBER, NUMBER to VARCHAR), a shorter VARCHAR and another NUMBER scale.
A VARCHAR column's DuckDB type does not change (it is VARCHAR at every length): its length CHECK does, as
engine.sql.lengths rebuilds the table after the statement ran.
"""

from __future__ import annotations

from snowreg import errors
from snowreg.catalog import coltypes
from snowreg.catalog.coltypes import TEXT_LENGTH, ColumnType
from snowreg.catalog.relations import list_columns
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import TableRef, Translation


def check(session: Session, tr: Translation, target: TableRef | None) -> None:
    """Raise Snowflake's refusal for a retyped column the docs do not allow (state unchanged)."""
    table = tr.table
    if table is None or not table.retyped or target is None:
        return
    database, schema = target.database or session.database, target.schema or session.schema
    if database is None or schema is None:
        return
    stored = {c.name: c.duckdb_type for c in list_columns(session.catalog.store, database, schema, target.name)}
    if not stored:
        return  # no such table: the statement's own error (or IF EXISTS) follows
    shape = session.catalog.tables.table_shape(database, schema, target.name)
    for name, text in table.retyped:
        if name not in stored:
            raise errors.invalid_identifier(name)
        new = coltypes.parse(text) if text else None
        if new is not None:
            _allowed(name, shape.column_type(name, stored[name]), new)


def _allowed(name: str, old: ColumnType, new: ColumnType) -> None:
    why = None
    if old.kind != new.kind:
        why = ""
    elif old.kind == "TEXT" and (new.length or TEXT_LENGTH) < (old.length or TEXT_LENGTH):
        why = " because reducing the byte-length of a varchar is not supported"
    elif old.kind == "FIXED" and (new.scale or 0) != (old.scale or 0):
        why = " because changing the scale of a number is not supported"
    if why is not None:
        raise errors.column_type_change(name, old.text, new.text, why)


def text_lengths(tr: Translation) -> dict[str, int]:
    """The VARCHAR columns the statement retyped, by Snowflake name → their new length."""
    table = tr.table
    found: dict[str, int] = {}
    for name, text in table.retyped if table is not None else ():
        parsed = coltypes.parse(text) if text else None
        if parsed is not None and parsed.kind == "TEXT":
            found[name] = parsed.length or TEXT_LENGTH
    return found
