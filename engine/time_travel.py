"""DROP TABLE kept for UNDROP TABLE, UNDROP TABLE itself, and SHOW TABLES HISTORY's dropped tables (Time Travel).

https://docs.snowflake.com/en/sql-reference/sql/undrop-table: the most recent dropped version of a table
comes back with its data, comments and grants, in the schema it was dropped from; a table or view of
that name makes it fail. The catalog keeps a dropped table under a hidden name for the retention
period (catalog/dropped.py); nothing else (SHOW, INFORMATION_SCHEMA, queries) sees it meanwhile.
Temporary tables, and tables whose DATA_RETENTION_TIME_IN_DAYS is 0 (engine.retention), are dropped for good.
UNDROP SCHEMA / DATABASE stay refused (DECISIONS.md L2).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from snowreg import errors
from snowreg.catalog.dropped import DroppedContainer, DroppedRow
from snowreg.catalog.relations import RelationRow, kept_table, list_relations
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import TableRef, Translation
from snowreg.grammar.text import quote_ident

_DROP_TABLE = re.compile(r"DROP TABLE\b", re.I)
_COPY_GRANTS = re.compile(r"\bCOPY\s+GRANTS\b", re.I)
_UNDROP_TABLE = re.compile(r"\s*UNDROP\s+(?P<dynamic>DYNAMIC\s+)?TABLE\s+(?P<name>.+?)\s*;?\s*", re.I | re.S)
_UNDROP_CONTAINER = re.compile(r"\s*UNDROP\s+(?:SCHEMA|DATABASE)\s+(?P<name>.+?)\s*;?\s*", re.I | re.S)


def drop_table(session: Session, tr: Translation) -> Result | None:
    """DROP TABLE of a permanent or transient table that exists: kept for UNDROP, `T successfully dropped.`;
    None for any other statement (or a table DuckDB cannot set aside): the caller runs it as before."""
    ref = next((t for t in tr.tables if t.write), None)
    if tr.kind != "drop" or ref is None or ref.object_kind != "table" or not _DROP_TABLE.match(tr.sql) \
            or not _retained(session, ref):
        return None
    place = _keepable(session, ref)
    if place is None or session.catalog.keep_dropped_table(*place, ref.name) is None:
        return None
    return status(f"{ref.name} successfully dropped.")  # the text DROP TABLE gives (engine.sql.run)


def replacing(session: Session, tr: Translation, text: str, temporary: bool, run: Callable[[], Result]) -> Result:
    """`run()` a statement; for CREATE OR REPLACE [TRANSIENT] TABLE over a permanent or transient table, the
    replaced table is kept for UNDROP first, as Snowflake keeps it (create-table, OR REPLACE; DECISIONS.md
    L10), with its grants (still on the new table with COPY GRANTS); if the statement fails it comes back."""
    ref = next((t for t in tr.tables if t.write), None) if tr.kind == "create_table" else None
    if ref is None or temporary or not tr.sql.startswith("CREATE OR REPLACE ") or not _retained(session, ref) \
            or _reads_itself(session, tr, ref):
        return run()
    place = _keepable(session, ref)
    kept = None if place is None else session.catalog.keep_dropped_table(
        *place, ref.name, copy_grants=_COPY_GRANTS.search(text) is not None)
    if kept is None:
        return run()
    try:
        return run()
    except BaseException:
        session.catalog.undrop_table(kept)
        raise


def _retained(session: Session, ref: TableRef) -> bool:
    """Whether the table `ref` names has a retention (DATA_RETENTION_TIME_IN_DAYS, its own or inherited) above 0:
    with 0 it is dropped or replaced for good, as before tables were kept (engine.retention)."""
    database, schema = ref.database or session.database, ref.schema or session.schema
    return database is None or schema is None or session.catalog.retention.days(database, schema, ref.name) > 0


def _keepable(session: Session, ref: TableRef) -> tuple[str, str] | None:
    """The database and schema of a permanent or transient table `ref` names, or None (no such table, a
    temporary one, no current schema)."""
    database, schema = ref.database or session.database, ref.schema or session.schema
    catalog = session.catalog
    if database is None or schema is None or catalog.databases.relation_kind(database, schema, ref.name) != "TABLE" \
            or (database, schema, ref.name) in session.temporary_tables \
            or catalog.tables.table_shape(database, schema, ref.name).kind == "TEMPORARY":
        return None
    return database, schema


def _reads_itself(session: Session, tr: Translation, target: TableRef) -> bool:
    """CREATE OR REPLACE TABLE t AS SELECT … FROM t, or from a view or a user function that may read t: the
    replaced table cannot be set aside before the query runs, so it is replaced for good, as before
    (DECISIONS.md L10)."""
    where = (target.database or session.database, target.schema or session.schema, target.name)
    for t in tr.tables:
        database, schema = t.database or session.database, t.schema or session.schema
        if t.write:
            continue
        if (database, schema, t.name) == where or (t.object_kind == "table" and database and schema and
                                                   session.catalog.databases.relation_kind(database, schema, t.name) == "VIEW"):
            return True
    return bool(tr.udfs)


def undrop_table(session: Session, sql: str) -> Result:
    """UNDROP [DYNAMIC] TABLE <name>: `Table T successfully restored.`; 002002 when a table or view has the name,
    002003 when no dropped version the session's roles own is kept (UNDROP DYNAMIC TABLE: or the most recent one
    is no dynamic table; https://docs.snowflake.com/en/sql-reference/sql/undrop-dynamic-table needs OWNERSHIP only)."""
    m = _UNDROP_TABLE.fullmatch(sql)
    if m is None or m.group("name").upper().startswith("IDENTIFIER"):
        raise errors.not_supported("This form of UNDROP TABLE (a table named by its name)")
    database, schema, name = session.qualify(qualified_name(m.group("name")))
    check_container(session, database, schema)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    if not privileges.can_see_schema(session, database, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
    existing = list_relations(session.catalog.store, database, schema, name)
    if existing:  # a table or view has the name: told only to a role that may see it (CREATE TABLE's 002003)
        if not privileges.can_see_table(session, database, schema, name, existing[0].owner):
            raise errors.does_not_exist("Object", fqn, "42S02")
        raise errors.already_exists("Object", name)
    kept = session.catalog.dropped.listed(database, schema, name)
    dynamic = m.group("dynamic") is not None
    if not kept or not _owns(session, kept[0]) or (dynamic and session.catalog.tables.dynamic(
            database, schema, kept[0].hidden) is None):
        raise errors.does_not_exist("Table", fqn)
    if not dynamic:
        privileges.check_create_in_schema(session, database, schema, "TABLE")
    transaction.before_plain(session, "ddl")
    session.catalog.undrop_table(kept[0])
    return status(f"Table {quote_ident(name)} successfully restored.")


def _owns(session: Session, row: DroppedRow) -> bool:
    a = privileges.access(session)
    return a.manage_grants or (row.owner is not None and row.owner in a.roles)


def dropped_tables(session: Session, database: str | None, schema: str | None
                   ) -> list[tuple[RelationRow, str, datetime]]:
    """SHOW TABLES HISTORY's dropped versions in scope (each with its kind and dropped_on), those the roles
    held a privilege on (MANAGE GRANTS: all), as SHOW TABLES lists tables."""
    catalog = session.catalog
    catalog.purge_dropped()
    a = privileges.access(session)
    out = []
    for row in catalog.dropped.listed(database, schema):
        if not a.manage_grants and not (a.schema_usable(row.database_name, row.schema_name)
                                        and catalog.grants.kept_table_grantees(row.hidden) & a.roles):
            continue
        found = kept_table(catalog.store, row.database_name, row.schema_name, row.hidden, row.name, row.created_on,
                           row.owner)
        if found is not None:
            kind = catalog.tables.table_shape(row.database_name, row.schema_name, row.hidden).kind
            out.append((found, kind if kind == "TRANSIENT" else "TABLE", row.dropped_on))
    return out


def undrop_container(session: Session, verb: str, sql: str) -> Result:
    """UNDROP SCHEMA | DATABASE <name> (https://docs.snowflake.com/en/sql-reference/sql/undrop-schema,
    …/undrop-database): 002002 when one of the name exists, 002003 when none the session's roles owned was
    dropped within the retention period; a kept one is refused as not supported: snowreg keeps what SHOW …
    HISTORY shows of a dropped schema or database, not the tables, views, models, stages and functions that
    went with it, and restores nothing partly (DECISIONS.md L11)."""
    m = _UNDROP_CONTAINER.fullmatch(sql)
    if m is None or m.group("name").upper().startswith("IDENTIFIER"):
        raise errors.not_supported(f"This form of {verb} (one named by its name)")
    q = qualified_name(m.group("name"))  # its parts are plain names (no IDENTIFIER)
    parts = [str(p) if p is not None else None for p in (q.database, q.schema, q.name)]
    catalog = session.catalog
    if verb == "UNDROP DATABASE":
        if parts[1] is not None:
            raise errors.invalid_object_name(m.group("name"))
        name = str(parts[2])
        if catalog.databases.get_database(name) is not None:  # told only to a role that may see it (J52)
            if not privileges.can_see_database(session, name):
                raise errors.does_not_exist("Database", quote_ident(name))
            raise errors.already_exists("Object", name)
        if not [c for c in dropped_containers(session, None, schemas=False) if c.database_name == name]:
            raise errors.does_not_exist("Database", quote_ident(name))
        privileges.check_account(session, "CREATE DATABASE")
        what = "database"
    else:
        if parts[0] is not None:
            raise errors.invalid_object_name(m.group("name"))
        database = parts[1] or session.current_database()
        name = str(parts[2])
        if database is None or catalog.databases.get_database(database) is None \
                or not privileges.can_see_database(session, database):
            raise errors.does_not_exist("Database", quote_ident(database or ""))
        if catalog.databases.get_schema(database, name) is not None:  # told only to a role that may see it (J52)
            if not privileges.can_see_schema(session, database, name):
                raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(name)}")
            raise errors.already_exists("Object", name)
        if not [c for c in dropped_containers(session, database) if c.schema_name == name]:
            raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(name)}")
        privileges.check_create_schema(session, database)
        what = "schema"
    raise errors.not_supported(f"{verb} (snowreg keeps a dropped table for UNDROP TABLE, not a dropped {what} "
                               "with the tables, views, sequences, models, stages and functions in it)")


def dropped_containers(session: Session, database: str | None, schemas: bool | None = None
                       ) -> list[DroppedContainer]:
    """Dropped schemas (of `database`; `schemas` None: when `database` is given) or databases still within their
    retention, those the session's roles owned (MANAGE GRANTS: all), for SHOW … HISTORY and UNDROP."""
    a = privileges.access(session)
    want_schemas = database is not None if schemas is None else schemas
    found = session.catalog.dropped.containers(database, want_schemas)
    return [c for c in found if a.manage_grants or (c.owner is not None and c.owner in a.roles)]
