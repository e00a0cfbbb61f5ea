"""Tables and views of the Snowflake databases, read from DuckDB's own catalog, with their Snowflake names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from snowreg.catalog.names import physical, snowflake
from snowreg.catalog.store import Store, quote

# DuckDB keeps constraints and columns per physical table; they are read on the user-data instance, and
# the filter (the registry's database names, `?`) keeps Snowflake databases only. A name holding chr(30)
# is a dropped table kept for UNDROP (catalog/dropped.py): never listed.
_RELATIONS = """
SELECT t.database_name, t.schema_name, t.table_name, 'TABLE', t.estimated_size, t.comment, NULL
FROM duckdb_tables() t
WHERE NOT t.internal AND NOT contains(t.table_name, chr(30)) AND list_contains(?::VARCHAR[], t.database_name) {where_t}
UNION ALL
SELECT v.database_name, v.schema_name, v.view_name, 'VIEW', NULL, v.comment, v.sql
FROM duckdb_views() v
WHERE NOT v.internal AND list_contains(?::VARCHAR[], v.database_name) {where_v}
ORDER BY 1, 2, 3"""

_COLUMNS = """
SELECT column_name, data_type, is_nullable, column_default, column_index, comment
FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index"""

_KEYS = """
SELECT c.database_name, c.schema_name, c.table_name, c.constraint_type, c.constraint_column_names
FROM duckdb_constraints() c
WHERE c.constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') AND NOT contains(c.table_name, chr(30))
  AND list_contains(?::VARCHAR[], c.database_name) {where}
ORDER BY 1, 2, 3, c.constraint_index"""

_RECORDED_KEYS = """
SELECT k.database_name, k.schema_name, k.table_name, k.kind, k.columns, k.constraint_name, k.ref_database,
       k.ref_schema, k.ref_table, k.ref_columns, k.created_on
FROM snowreg.table_keys k WHERE true {where} ORDER BY 1, 2, 3, k.position"""

_CREATED = """
SELECT database_name, schema_name, name, min(created_on), arg_min(grantee, created_on) FROM snowreg.grants
WHERE object_kind IN ('TABLE', 'VIEW') AND privilege = 'OWNERSHIP' GROUP BY 1, 2, 3"""

# Sequences made by CREATE SEQUENCE: not those behind AUTOINCREMENT / IDENTITY columns.
_SEQUENCES = """SELECT q.database_name, q.schema_name, q.sequence_name,
       coalesce(q.last_value + q.increment_by, q.start_value), q.start_value, q.increment_by, q.comment
FROM duckdb_sequences() q
WHERE NOT regexp_full_match(q.sequence_name, '.*\\$SEQO?\\$[0-9a-f]{16}')  -- identity sequences (engine/sql/dml.py)
  AND NOT EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.database_name = q.database_name
                  AND c.schema_name = q.schema_name AND starts_with(c.column_default, 'nextval(')
                  AND ends_with(c.column_default, '"' || q.sequence_name || '"'')')
                  AND q.sequence_name = c.table_name || '$' || c.column_name || '$SEQ')
ORDER BY 1, 2, 3"""

# How the comment of a view over model calls starts (engine.inference.views keeps its query there): no comment
# of the user's, so the listings show none
MODEL_VIEW_MARK = "snowreg model view "
_VIEW_TEXTS = "SELECT database_name, schema_name, name, text FROM snowreg.view_texts"


@dataclass(frozen=True, slots=True)
class RelationRow:
    database_name: str
    schema_name: str
    name: str
    kind: str  # TABLE | VIEW
    rows: int | None
    comment: str | None
    text: str | None  # a view's definition
    created_on: datetime | None
    owner: str | None


@dataclass(frozen=True, slots=True)
class ColumnRow:
    name: str
    duckdb_type: str
    nullable: bool
    default: str | None
    position: int  # from 1
    comment: str | None


@dataclass(frozen=True, slots=True)
class SequenceRow:
    database_name: str
    schema_name: str
    name: str
    next_value: int
    start: int
    increment: int
    comment: str | None


@dataclass(frozen=True, slots=True)
class KeyRow:
    database_name: str
    schema_name: str
    table_name: str
    kind: str  # PRIMARY KEY | UNIQUE | FOREIGN KEY
    columns: tuple[str, ...]
    name: str | None = None  # the constraint's name (None: a key DuckDB holds, of a table made before)
    references: tuple[str, str, str] | None = None  # FOREIGN KEY: database, schema, table
    ref_columns: tuple[str, ...] = ()
    created_on: datetime | None = None


def _where(prefix: str, database: str | None, schema: str | None, name_column: str,
           name: str | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    for column, value in (("database_name", database), ("schema_name", schema), (name_column, name)):
        if value is not None:
            sql += f" AND {prefix}.{column} = ?"
            params.append(physical(value) if column == name_column else value)
    return sql, params


def _database_names(store: Store) -> list[str]:
    return [str(r[0]) for r in store.query("SELECT name FROM snowreg.databases")]


def list_relations(store: Store, database: str | None = None, schema: str | None = None,
                   name: str | None = None) -> list[RelationRow]:
    """The tables and views of one schema, one database, or all of them (sorted by database, schema, name)."""
    where_t, params_t = _where("t", database, schema, "table_name", name)
    where_v, params_v = _where("v", database, schema, "view_name", name)
    names = _database_names(store)
    rows = store.data_query(_RELATIONS.format(where_t=where_t, where_v=where_v), [names, *params_t, names, *params_v])
    created = {(r[0], r[1], r[2]): (r[3], r[4]) for r in store.query(_CREATED)}
    texts = {(r[0], r[1], r[2]): r[3] for r in store.query(_VIEW_TEXTS)} if any(r[3] == "VIEW" for r in rows) else {}
    out = []
    for db, sch, physical_name, kind, size, comment, text in rows:
        sf = snowflake(physical_name)
        made, owner = created.get((db, sch, sf), (None, None))
        written = texts.get((db, sch, sf), text) if kind == "VIEW" else text
        if kind == "VIEW" and comment and comment.startswith(MODEL_VIEW_MARK):  # snowreg's, not the user's
            comment = None
        out.append(RelationRow(db, sch, sf, kind, size, comment, written, made, owner))
    out.sort(key=lambda r: (r.database_name, r.schema_name, r.name))
    return out


def list_columns(store: Store, database: str, schema: str, name: str) -> list[ColumnRow]:
    """The columns of a table or view, in order, with their Snowflake names."""
    rows = store.data_query(_COLUMNS, [database, schema, physical(name)])
    return [ColumnRow(snowflake(r[0]), str(r[1]), bool(r[2]), r[3], int(r[4]), r[5]) for r in rows]


def column_types(store: Store, database: str, schema: str, name: str) -> list[ColumnRow]:
    """The columns of a table that exists (one just created or altered), in order, with their DuckDB types:
    `list_columns` without the comments, from DuckDB's entry for that one table (pragma_table_info: ~0.5 ms
    less than listing every column of every table and keeping one table's); a lookup that fails falls back
    to `list_columns` (a table that is not there has no columns)."""
    qualified = ".".join(quote(part) for part in (database, schema, physical(name)))
    try:
        rows = store.data_query('SELECT name, type, NOT "notnull", dflt_value, cid + 1 FROM pragma_table_info(?) '
                                "ORDER BY cid", [qualified])
    except duckdb.Error:
        return list_columns(store, database, schema, name)
    return [ColumnRow(snowflake(r[0]), str(r[1]), bool(r[2]), r[3], int(r[4]), None) for r in rows]


def list_keys(store: Store, database: str | None = None, schema: str | None = None,
              table: str | None = None) -> list[KeyRow]:
    """Primary, unique and foreign keys of tables, their columns by Snowflake name: those the registry
    recorded (catalog/tables.py), then those DuckDB enforces on tables made before it recorded them."""
    where, params = _where("c", database, schema, "table_name", table)
    legacy = [KeyRow(r[0], r[1], snowflake(r[2]), r[3], tuple(snowflake(c) for c in r[4]))
              for r in store.data_query(_KEYS.format(where=where), [_database_names(store), *params])]
    if store.pristine is not None:
        return legacy
    where, params = _where("k", database, schema, "table_name", None)
    if table is not None:
        where, params = where + " AND k.table_name = ?", [*params, table]
    recorded = [KeyRow(r[0], r[1], r[2], r[3], tuple(r[4]), r[5], (r[6], r[7], r[8]) if r[8] else None,
                       tuple(r[9] or ()), r[10])
                for r in store.query(_RECORDED_KEYS.format(where=where), params)]
    return sorted(recorded + legacy, key=lambda k: (k.database_name, k.schema_name, k.table_name))


def list_sequences(store: Store) -> list[SequenceRow]:
    """The sequences CREATE SEQUENCE made, every database's, with their Snowflake names (sorted by database,
    schema, name)."""
    return [SequenceRow(r[0], r[1], snowflake(r[2]), int(r[3]), int(r[4]), int(r[5]), r[6])
            for r in store.data_query(_SEQUENCES)]


def kept_table(store: Store, database: str, schema: str, hidden: str, name: str, created_on: datetime | None,
               owner: str | None) -> RelationRow | None:
    """A dropped table kept for UNDROP under `hidden` (catalog/dropped.py), as a row named `name`."""
    rows = store.data_query("SELECT estimated_size, comment FROM duckdb_tables() WHERE database_name = ? AND "
                            "schema_name = ? AND table_name = ?", [database, schema, physical(hidden)])
    if not rows:
        return None
    return RelationRow(database, schema, name, "TABLE", rows[0][0], rows[0][1], None, created_on, owner)


def schema_sequences(store: Store, database: str, schema: str) -> list[tuple[str, int, int, str | None]]:
    """Every DuckDB sequence of a schema, those behind AUTOINCREMENT / IDENTITY columns too: (DuckDB name,
    next value, increment, comment)."""
    rows = store.data_query("SELECT sequence_name, coalesce(last_value + increment_by, start_value), increment_by, "
                            "comment FROM duckdb_sequences() WHERE database_name = ? AND schema_name = ?",
                            [database, schema])
    return [(str(r[0]), int(r[1]), int(r[2]), r[3]) for r in rows]


def sequence_readers(store: Store, database: str, schema: str, name: str) -> list[tuple[str, str, str, str]]:
    """The columns (database, schema, table, column: Snowflake names) whose default reads a sequence: DuckDB
    keeps such a sequence from being dropped or made again while they do (engine/sql/dml.py writes the
    default as `nextval('"DB"."SCHEMA"."SEQ"')`)."""
    text = ".".join(quote(p) for p in (database, schema, physical(name))).replace("'", "''")
    rows = store.data_query("SELECT database_name, schema_name, table_name, column_name FROM duckdb_columns() "
                            "WHERE contains(column_default, ?) ORDER BY ALL", [f"nextval('{text}')"])
    return [(str(r[0]), str(r[1]), snowflake(str(r[2])), str(r[3])) for r in rows]
