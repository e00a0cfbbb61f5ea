"""SHOW TABLES / VIEWS / OBJECTS / COLUMNS / PRIMARY / UNIQUE / IMPORTED KEYS and DESCRIBE TABLE / VIEW."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import datetime
from typing import Any

import orjson

from snowreg import errors
from snowreg.catalog.coltypes import ColumnType
from snowreg.catalog.names import physical
from snowreg.catalog.relations import (
    ColumnRow,
    RelationRow,
    list_columns,
    list_keys,
    list_relations,
    list_sequences,
)
from snowreg.catalog.tables import Clustering
from snowreg.engine import secure_views, show_derived, tags, time_travel
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.engine.show import page
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident

_TERSE = ["created_on", "name", "kind", "database_name", "schema_name"]
SHOW_TABLES_COLUMNS = [
    "created_on", "name", "database_name", "schema_name", "kind", "comment", "cluster_by", "rows", "bytes",
    "owner", "retention_time", "automatic_clustering", "change_tracking", "search_optimization",
    "search_optimization_progress", "search_optimization_bytes", "is_external", "enable_schema_evolution",
    "owner_role_type", "is_event", "budget", "is_hybrid", "is_iceberg", "is_dynamic", "is_immutable"]
SHOW_VIEWS_COLUMNS = ["created_on", "name", "reserved", "database_name", "schema_name", "owner", "comment", "text",
                      "is_secure", "is_materialized", "owner_role_type", "change_tracking"]
SHOW_OBJECTS_COLUMNS = ["created_on", "name", "database_name", "schema_name", "kind", "comment", "cluster_by",
                        "rows", "bytes", "owner", "retention_time", "owner_role_type", "budget", "is_hybrid",
                        "is_dynamic", "is_iceberg"]
SHOW_COLUMNS_COLUMNS = ["table_name", "schema_name", "column_name", "data_type", "null?", "default", "kind",
                        "expression", "comment", "database_name", "autoincrement", "schema_evolution_record"]
SHOW_PRIMARY_KEYS_COLUMNS = ["created_on", "database_name", "schema_name", "table_name", "column_name",
                             "key_sequence", "constraint_name", "rely", "comment"]
SHOW_IMPORTED_KEYS_COLUMNS = ["created_on", "pk_database_name", "pk_schema_name", "pk_table_name", "pk_column_name",
                              "fk_database_name", "fk_schema_name", "fk_table_name", "fk_column_name", "key_sequence",
                              "update_rule", "delete_rule", "fk_name", "pk_name", "deferrability", "rely", "comment"]
DESCRIBE_COLUMNS = ["name", "type", "kind", "null?", "default", "primary key", "unique key", "check", "expression",
                    "comment", "policy name", "privacy domain"]
_TIMES = {"created_on", "refreshed_on", "compacted_on", "data_timestamp", "last_suspended_on"}
# SHOW TABLES / OBJECTS `retention_time` is text ('1'), as its value always was (DECISIONS.md S40).
_NUMBERS = {"rows", "bytes", "key_sequence", "search_optimization_progress", "search_optimization_bytes"}


def show_objects(session: Session, stmt: ast.ShowObjects) -> Result:
    """One SHOW command over the tables and views the session's roles may see, sorted by name."""
    if stmt.kind == "TAGS":  # without IN: the current database, else the account (the SHOW TAGS page)
        if stmt.terse or stmt.scope in ("TABLE", "VIEW") or stmt.starts_with is not None or stmt.limit is not None:
            raise errors.not_supported("SHOW TAGS with TERSE, IN TABLE | VIEW, STARTS WITH or LIMIT")
        scoped = stmt.scope is not None or session.database is None
        return tags.show_tags(session, stmt, *(_container(session, stmt) if scoped else
                                               _container(session, dataclasses.replace(stmt, scope="DATABASE"))))
    if stmt.kind == "TASKS":
        from snowreg.engine import tasks

        return tasks.show(session, stmt, *_container(session, stmt))
    if stmt.kind == "STAGES":
        from snowreg.engine import stages

        return stages.show(session, stmt, *_container(session, stmt))
    relations = [r for r in _in_scope(session, stmt)
                 if privileges.can_see_table(session, r.database_name, r.schema_name, r.name, r.owner)]
    if stmt.kind in ("MATERIALIZED VIEWS", "DYNAMIC TABLES"):
        return _show_derived(session, stmt, relations)
    if stmt.kind == "SEQUENCES":
        return _show_sequences(session, stmt)
    if stmt.kind == "COLUMNS":
        return _show_columns(session, stmt, relations)
    if stmt.kind in ("PRIMARY KEYS", "UNIQUE KEYS"):
        return _show_keys(session, relations, "UNIQUE" if stmt.kind == "UNIQUE KEYS" else "PRIMARY KEY")
    if stmt.kind == "IMPORTED KEYS":
        return _show_imported_keys(session, relations)
    if stmt.history and stmt.kind != "TABLES":
        raise errors.compilation_error(f"HISTORY is not valid for SHOW {stmt.kind}.")
    if stmt.history and not stmt.terse:
        return _tables_history(session, stmt, relations)
    wanted = {"TABLES": ("TABLE",), "VIEWS": ("VIEW",), "OBJECTS": ("TABLE", "VIEW")}[stmt.kind]
    chosen = [r for r in relations if r.kind in wanted and like(stmt.like, r.name)]
    chosen = page(chosen, lambda r: r.name, stmt.starts_with, stmt.limit, stmt.limit_from)
    if stmt.terse:
        return _result(_TERSE, [(r.created_on, r.name, r.kind, r.database_name, r.schema_name) for r in chosen])
    if stmt.kind == "TABLES":
        return _result(SHOW_TABLES_COLUMNS, [_table_row(r, _table_kind(session, r), _retention(session, r),
                                                        _clustering(session, r), show_derived.is_dynamic(session, r))
                                             for r in chosen])
    if stmt.kind == "VIEWS":
        return _result(SHOW_VIEWS_COLUMNS, [  # a secure view's text is its owner's (engine.secure_views)
            (r.created_on, r.name, "", r.database_name, r.schema_name, r.owner or "", r.comment or "",
             r.text if secure_views.text_shown(session, r) else "",
             "true" if secure_views.is_secure(session, r.database_name, r.schema_name, r.name) else "false",
             "true" if show_derived.is_materialized(session, r) else "false", "ROLE", "OFF") for r in chosen])
    return _result(SHOW_OBJECTS_COLUMNS, [
        (r.created_on, r.name, r.database_name, r.schema_name, r.kind, r.comment or "",
         (c.key if (c := _clustering(session, r)) else ""), _rows(r), None, r.owner or "", _retention(session, r),
         "ROLE", None, "N", "N", "N") for r in chosen])


def _tables_history(session: Session, stmt: ast.ShowObjects, relations: list[RelationRow]) -> Result:
    """SHOW TABLES HISTORY (https://docs.snowflake.com/en/sql-reference/sql/show-tables): the tables, then a row
    per dropped version still kept, with `dropped_on` after `retention_time` (NULL for a table that exists;
    DECISIONS.md L3)."""
    found: list[tuple[RelationRow, str, datetime | None]] = [
        (r, _table_kind(session, r), None) for r in relations if r.kind == "TABLE"]
    found += time_travel.dropped_tables(session, *_container(session, stmt))
    found = [f for f in found if like(stmt.like, f[0].name)]
    found.sort(key=lambda f: (f[0].database_name, f[0].schema_name, f[0].name, -f[2].timestamp() if f[2] else -1e18))
    found = page(found, lambda f: f[0].name, stmt.starts_with, stmt.limit, stmt.limit_from)
    at = SHOW_TABLES_COLUMNS.index("retention_time") + 1
    names = SHOW_TABLES_COLUMNS[:at] + ["dropped_on"] + SHOW_TABLES_COLUMNS[at:]
    # a dropped version was kept with a retention of 1 (with 0 nothing is kept)
    rows = [(row := _table_row(r, kind, *((_retention(session, r), _clustering(session, r)) if dropped is None
                                          else ("1", None))))[:at] + (dropped,)
            + row[at:] for r, kind, dropped in found]
    return from_rows(names, rows, ["TIMESTAMP_LTZ" if n in ("created_on", "dropped_on") else "FIXED" if n in _NUMBERS
                                   else "TEXT" for n in names])


def _rows(r: RelationRow) -> int | None:
    return int(r.rows or 0) if r.kind == "TABLE" else None


def _table_kind(session: Session, r: RelationRow) -> str:
    """SHOW TABLES' kind: TABLE, TRANSIENT or TEMPORARY (https://docs.snowflake.com/en/sql-reference/sql/show-tables)."""
    kind = session.catalog.tables.table_shape(r.database_name, r.schema_name, r.name).kind
    return kind if kind in ("TRANSIENT", "TEMPORARY") else "TABLE"


def _retention(session: Session, r: RelationRow) -> str:
    """A table's retention_time: its DATA_RETENTION_TIME_IN_DAYS, its own or inherited (engine.retention); a
    view's 1, as before."""
    if r.kind != "TABLE":
        return "1"
    return str(session.catalog.retention.days(r.database_name, r.schema_name, r.name))


def _clustering(session: Session, r: RelationRow) -> Clustering | None:
    """A table's clustering key (https://docs.snowflake.com/en/user-guide/tables-clustering-keys); a view has none."""
    return session.catalog.tables.clustering(r.database_name, r.schema_name, r.name) if r.kind == "TABLE" else None


def _table_row(r: RelationRow, kind: str, retention: str, clustering: Clustering | None, dynamic: bool = False
               ) -> tuple[Any, ...]:
    """A row of SHOW TABLES: `cluster_by` the key (`LINEAR(C1, C2)`), `automatic_clustering` ON for a clustered
    table unless its reclustering is suspended."""
    key, auto = ("", "OFF") if clustering is None else (clustering.key, "OFF" if clustering.suspended else "ON")
    return (r.created_on, r.name, r.database_name, r.schema_name, kind, r.comment or "", key, _rows(r), None,
            r.owner or "", retention, auto, "OFF", "OFF", None, None, "N", "N", "ROLE", "N", None, "N", "N",
            "Y" if dynamic else "N", "N")


def _result(names: list[str], rows: list[tuple[Any, ...]]) -> Result:
    types = ["TIMESTAMP_LTZ" if n in _TIMES else "FIXED" if n in _NUMBERS else "TEXT" for n in names]
    return from_rows(names, rows, types)


def _in_scope(session: Session, stmt: ast.ShowObjects) -> list[RelationRow]:
    """The relations SHOW looks at: IN ACCOUNT / DATABASE / SCHEMA / TABLE, else the current schema."""
    if stmt.scope in ("TABLE", "VIEW"):
        assert stmt.scope_name is not None
        return [one_relation(session, stmt.scope_name, "Table" if stmt.scope == "TABLE" else "View")]
    database, schema = _container(session, stmt)
    return list_relations(session.catalog.store, database, schema)


def _show_derived(session: Session, stmt: ast.ShowObjects, relations: list[RelationRow]) -> Result:
    """SHOW MATERIALIZED VIEWS | DYNAMIC TABLES [LIKE] [IN …] (engine.materialized, engine.dynamic)."""
    if stmt.terse or stmt.starts_with is not None or stmt.history:
        raise errors.not_supported(f"SHOW {stmt.kind} with TERSE, HISTORY or STARTS WITH")
    chosen = page([r for r in relations if like(stmt.like, r.name)], lambda r: r.name, None, stmt.limit,
                  stmt.limit_from)
    if stmt.kind == "MATERIALIZED VIEWS":
        return _result(show_derived.MATERIALIZED_COLUMNS, show_derived.materialized_rows(session, chosen))
    return _result(show_derived.DYNAMIC_COLUMNS, show_derived.dynamic_rows(session, chosen))


def _container(session: Session, stmt: ast.ShowObjects) -> tuple[str | None, str | None]:
    """The database and schema an IN ACCOUNT / DATABASE / SCHEMA clause (else the current schema) names."""
    scope, qn = stmt.scope, stmt.scope_name
    if scope is None:
        scope = "SCHEMA" if session.schema is not None else "DATABASE" if session.database else "ACCOUNT"
    if scope == "ACCOUNT":
        return None, None
    if scope == "DATABASE":
        db = session.name(qn.name) if qn is not None else session.current_database()
        if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
        return db, None
    if qn is None and (session.database is None or session.schema is None):
        raise errors.object_not_found_or_op()
    db, schema = session.qualify_schema(qn) if qn is not None else (session.current_database(), session.schema)
    assert schema is not None
    if session.catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    return db, schema


_IDENTITY_SEQ = re.compile(r".*\$SEQ(O?)\$[0-9a-f]{16}")  # an identity column's sequence (engine.sql.dml.IDENTITY_MARK)
SHOW_SEQUENCES_COLUMNS = ["created_on", "name", "schema_name", "database_name", "next_value", "interval", "owner",
                          "owner_role_type", "comment", "ordered"]
def describe_sequence(session: Session, stmt: ast.Describe) -> Result:
    """DESCRIBE SEQUENCE (https://docs.snowflake.com/en/sql-reference/sql/desc-sequence): SHOW SEQUENCES'
    row of that sequence; 002003 when there is none."""
    db, schema, name = session.qualify(stmt.name)
    shown = _show_sequences(session, ast.ShowObjects("SEQUENCES", scope="SCHEMA",
                                                     scope_name=ast.QualifiedName(schema, db)))
    shown.rows = [r for r in shown.rows if r[1] == name]
    if not shown.rows:
        raise errors.does_not_exist("Sequence", ".".join(quote_ident(p) for p in (db, schema, name)))
    shown.rowcount = len(shown.rows)
    return shown


def _show_sequences(session: Session, stmt: ast.ShowObjects) -> Result:
    """SHOW SEQUENCES (https://docs.snowflake.com/en/sql-reference/sql/show-sequences): sequences made by
    CREATE SEQUENCE (not those behind AUTOINCREMENT columns) that the roles hold, with their owner; `ordered` N
    (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_06/bcr-1225). snowreg records no creation
    time for a sequence (conformance/DECISIONS.md T16, Z2)."""
    if stmt.terse or stmt.scope in ("TABLE", "VIEW"):
        raise errors.not_supported("SHOW TERSE SEQUENCES and SHOW SEQUENCES IN TABLE | VIEW")
    database, schema = _container(session, stmt)
    rows = []
    for q in list_sequences(session.catalog.store):
        db, sch = q.database_name, q.schema_name
        if (database is None or db == database) and (schema is None or sch == schema) \
                and like(stmt.like, q.name) and privileges.can_use_sequence(session, db, sch, q.name) \
                and session.catalog.databases.get_schema(db, sch) is not None:
            owner = session.catalog.grants.sequence_owner(db, sch, q.name)
            rows.append((None, q.name, sch, db, q.next_value, q.increment, owner, "ROLE" if owner else None,
                         q.comment or "", "N"))
    rows = page(rows, lambda r: str(r[1]), stmt.starts_with, stmt.limit, stmt.limit_from)
    return from_rows(SHOW_SEQUENCES_COLUMNS, rows, ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "FIXED", "FIXED",
                                                    "TEXT", "TEXT", "TEXT", "TEXT"])


def one_relation(session: Session, qn: ast.QualifiedName, kind: str) -> RelationRow:
    db, schema, name = session.qualify(qn)
    found = list_relations(session.catalog.store, db, schema, name)
    if not found or not privileges.can_see_table(session, db, schema, name, found[0].owner):
        raise errors.does_not_exist(kind, ".".join(quote_ident(p) for p in (db, schema, name)), "42S02")
    return found[0]


# ---------------------------------------------------------------------------------------------
# Columns and keys
# ---------------------------------------------------------------------------------------------

def column_types(session: Session, r: RelationRow) -> list[tuple[ColumnRow, ColumnType]]:
    """A table's or view's columns with their Snowflake types: declared ones where recorded."""
    shape = session.catalog.tables.table_shape(r.database_name, r.schema_name, r.name)
    return [(c, shape.column_type(c.name, c.duckdb_type))
            for c in list_columns(session.catalog.store, r.database_name, r.schema_name, r.name)]


_NEXTVAL = re.compile(r"nextval\('((?:[^']|'')*)'\)", re.I)
_NAME_PART = re.compile(r'"((?:[^"]|"")*)"|([^."]+)')
# DuckDB's text of the defaults snowreg writes for Snowflake's (engine.sql.rewrites) → Snowflake's text.
_CLOCKS = {"get_current_timestamp()": "CURRENT_TIMESTAMP()", "current_date()": "CURRENT_DATE()",
           "current_date": "CURRENT_DATE()", "get_current_time()": "CURRENT_TIME()"}


def column_default(session: Session, r: RelationRow, column: ColumnRow) -> tuple[str | None, str | None]:
    """A column's DEFAULT as Snowflake shows it, and SHOW COLUMNS' `autoincrement` (or None): an identity
    column's default is `IDENTITY START s INCREMENT i NOORDER` and its autoincrement `start s increment i
    noorder` (https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_06/bcr-1225; NOORDER, the default
    of new columns since https://docs.snowflake.com/en/release-notes/bcr-bundles/2024_01/bcr-1483), a
    sequence's `DB.SCHEMA.SEQ.NEXTVAL`; DuckDB's own spelling never shows (conformance/DECISIONS.md T15)."""
    text = column.default
    if text is None:
        return None, None
    m = _NEXTVAL.fullmatch(text.strip())
    if m is None:
        return _CLOCKS.get(text.strip().lower(), text), None
    parts = [(q.replace('""', '"') if q else u) for q, u in _NAME_PART.findall(m.group(1).replace("''", "'"))]
    database, schema = (parts[-3] if len(parts) > 2 else r.database_name), (parts[-2] if len(parts) > 1 else r.schema_name)
    identity = _IDENTITY_SEQ.fullmatch(parts[-1])
    if parts[-1] == f"{physical(r.name)}${physical(column.name)}$SEQ" or identity:
        order = "ORDER" if identity and identity.group(1) else "NOORDER"
        found = session.catalog.store.data_query(
            "SELECT start_value, increment_by FROM duckdb_sequences() WHERE database_name = ? AND schema_name = ? "
            "AND sequence_name = ?", [database, schema, parts[-1]])
        if found:
            return (f"IDENTITY START {found[0][0]} INCREMENT {found[0][1]} {order}",
                    f"start {found[0][0]} increment {found[0][1]} {order.lower()}")
    return ".".join(quote_ident(p) for p in (database, schema, parts[-1])) + ".NEXTVAL", None


def _data_type_json(column: ColumnRow, t: ColumnType) -> str:
    """SHOW COLUMNS' data_type (https://docs.snowflake.com/en/sql-reference/sql/show-columns)."""
    kind = t.kind
    value: dict[str, Any] = {"type": kind}
    if kind == "FIXED":
        value.update(precision=t.precision, scale=t.scale)
    elif kind in ("TEXT", "BINARY"):
        value.update(length=t.length, byteLength=t.byte_length)
    elif kind.startswith("TIMESTAMP") or kind == "TIME":
        value.update(precision=0, scale=t.scale)
    value["nullable"] = column.nullable
    if kind in ("TEXT", "BINARY"):
        value["fixed"] = False
    return orjson.dumps(value).decode()


def _show_columns(session: Session, stmt: ast.ShowObjects, relations: list[RelationRow]) -> Result:
    rows = []
    for r in relations:
        for c, t in column_types(session, r):
            if like(stmt.like, c.name):
                default, identity = column_default(session, r, c)
                rows.append((r.name, r.schema_name, c.name, _data_type_json(c, t), str(c.nullable).lower(),
                             "" if identity else default or "", "COLUMN", "", c.comment or "", r.database_name,
                             identity or "", None))
    return _result(SHOW_COLUMNS_COLUMNS, page(rows, lambda row: str(row[2]), stmt.starts_with, stmt.limit,
                                              stmt.limit_from))


def _constraint_name(r: RelationRow) -> str:
    digest = hashlib.sha1(f"{r.database_name}.{r.schema_name}.{r.name}".encode()).hexdigest()
    return f"SYS_CONSTRAINT_{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _show_keys(session: Session, relations: list[RelationRow], kind: str) -> Result:
    """SHOW PRIMARY KEYS / SHOW UNIQUE KEYS: one row per column of each key (DECISIONS.md T9)."""
    rows: list[tuple[Any, ...]] = []
    for r in relations:
        for key in list_keys(session.catalog.store, r.database_name, r.schema_name, r.name):
            if key.kind == kind:
                rows.extend((key.created_on or r.created_on, r.database_name, r.schema_name, r.name, column, i + 1,
                             key.name or _constraint_name(r), "false", None) for i, column in enumerate(key.columns))
    return _result(SHOW_PRIMARY_KEYS_COLUMNS, rows)


def describe(session: Session, stmt: ast.Describe) -> Result:
    """DESCRIBE TABLE / VIEW: one row per column (a view may also be described as a table)."""
    db, schema, name = session.qualify(stmt.name)
    if schema == "INFORMATION_SCHEMA":
        return _describe_information_view(session, db, name, "Table" if stmt.kind == "TABLE" else "View")
    relation = one_relation(session, stmt.name, "Table" if stmt.kind == "TABLE" else "View")
    if stmt.kind == "VIEW" and relation.kind != "VIEW":
        raise errors.does_not_exist("View", ".".join(
            quote_ident(p) for p in (relation.database_name, relation.schema_name, relation.name)), "42S02")
    keys = list_keys(session.catalog.store, relation.database_name, relation.schema_name, relation.name)
    primary = {c for k in keys if k.kind == "PRIMARY KEY" for c in k.columns}
    unique = {c for k in keys if k.kind == "UNIQUE" for c in k.columns}
    rows = [(c.name, t.text, "COLUMN", "Y" if c.nullable else "N", column_default(session, relation, c)[0],
             "Y" if c.name in primary else "N", "Y" if c.name in unique else "N", None, None, c.comment, None, None)
            for c, t in column_types(session, relation)]
    return from_rows(DESCRIBE_COLUMNS, rows, ["TEXT"] * len(DESCRIBE_COLUMNS))


def _describe_information_view(session: Session, db: str, name: str, kind: str) -> Result:
    """DESCRIBE of one of the INFORMATION_SCHEMA views snowreg answers: its columns as a query over it describes
    them, all nullable (DECISIONS.md S47). Another name, or a database the role does not see, does not exist."""
    columns = session.catalog.information_columns().get(name)
    if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
        raise errors.does_not_exist("Database", quote_ident(db))
    if columns is None:
        raise errors.does_not_exist(kind, ".".join(quote_ident(p) for p in (db, "INFORMATION_SCHEMA", name)), "42S02")
    rows = [(column, t.text, "COLUMN", "Y", None, "N", "N", None, None, None, None, None) for column, t in columns]
    return from_rows(DESCRIBE_COLUMNS, rows, ["TEXT"] * len(DESCRIBE_COLUMNS))


def describe_schema(session: Session, name: ast.QualifiedName) -> Result:
    """DESCRIBE SCHEMA [db.]s (https://docs.snowflake.com/en/sql-reference/sql/desc-schema): `created_on`, `name`
    and `kind` (TABLE, VIEW, MATERIALIZED_VIEW, as the page's example shows) of the tables and views SHOW OBJECTS
    IN SCHEMA s lists, in name order (DECISIONS.md S43)."""
    if name.database is not None:
        raise errors.does_not_exist("Schema", ".".join(quote_ident(session.name(p)) for p in
                                                       (name.database, name.schema, name.name) if p is not None))
    scope = ast.ShowObjects("OBJECTS", scope="SCHEMA", scope_name=name)
    rows = [(r.created_on, r.name, "MATERIALIZED_VIEW" if show_derived.is_materialized(session, r) else r.kind)
            for r in _in_scope(session, scope)
            if privileges.can_see_table(session, r.database_name, r.schema_name, r.name, r.owner)]
    return from_rows(["created_on", "name", "kind"], rows, ["TIMESTAMP_LTZ", "TEXT", "TEXT"])


def describe_result(session: Session, stmt: ast.DescribeResult) -> Result:
    """DESCRIBE RESULT: one row per column of an earlier result, in DESCRIBE TABLE's columns
    (https://docs.snowflake.com/en/sql-reference/sql/desc-result): its name, its type as the result
    describes it (the same as RESULT_SCAN reads it), nullable."""
    query_id = stmt.query_id
    if query_id is None:  # LAST_QUERY_ID([n]): -1 the statement before this one, 1 the session's first
        ids, n = session.query_ids, stmt.position
        index = n if n < 0 else n - 1
        if n == 0 or not -len(ids) <= index < len(ids):
            raise errors.statement_not_found(f"LAST_QUERY_ID({'' if n == -1 else n})")
        query_id = ids[index]
    result = session.result_of(query_id)
    if result is None:
        raise errors.statement_not_found(query_id)
    rows = [(c.name, c.declared(), "COLUMN", "Y" if c.nullable else "N", None, "N", "N", None, None, None, None, None)
            for c in result.columns]
    return from_rows(DESCRIBE_COLUMNS, rows, ["TEXT"] * len(DESCRIBE_COLUMNS))


def _show_imported_keys(session: Session, relations: list[RelationRow]) -> Result:
    """SHOW IMPORTED KEYS: one row per column of each foreign key of the tables in scope (DECISIONS.md T9)."""
    rows: list[tuple[Any, ...]] = []
    for r in relations:
        for key in list_keys(session.catalog.store, r.database_name, r.schema_name, r.name):
            if key.kind != "FOREIGN KEY" or key.references is None:
                continue
            pk_db, pk_schema, pk_table = key.references
            pk_name = _referenced_key(session, key.references, key.ref_columns)
            for i, (fk_column, pk_column) in enumerate(zip(key.columns, key.ref_columns, strict=False)):
                rows.append((key.created_on or r.created_on, pk_db, pk_schema, pk_table, pk_column, r.database_name,
                             r.schema_name, r.name, fk_column, i + 1, "NO ACTION", "NO ACTION", key.name, pk_name,
                             "NOT DEFERRABLE", "false", None))
    return _result(SHOW_IMPORTED_KEYS_COLUMNS, rows)


def _referenced_key(session: Session, table: tuple[str, str, str], columns: tuple[str, ...]) -> str | None:
    """The name of the primary or unique key a foreign key references (None when there is none, or when
    the session may not see that table)."""
    found = list_relations(session.catalog.store, *table)
    if not found or not privileges.can_see_table(session, *table, found[0].owner):
        return None
    for key in list_keys(session.catalog.store, *table):
        if key.kind in ("PRIMARY KEY", "UNIQUE") and key.columns == columns:
            return key.name
    return None
