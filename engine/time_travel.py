"""DROP TABLE kept for UNDROP TABLE, UNDROP TABLE itself, and SHOW TABLES HISTORY's dropped tables (Time Travel).

https://docs.snowflake.com/en/sql-reference/sql/undrop-table: the most recent dropped version of a table
comes back with its data, comments and grants, in the schema it was dropped from; a table or view of
that name makes it fail. The catalog keeps a dropped table under a hidden name for the retention
period (catalog/dropped.py); nothing else (SHOW, INFORMATION_SCHEMA, queries) sees it meanwhile.
Temporary tables are dropped for good. UNDROP SCHEMA / DATABASE stay refused (DECISIONS.md L2).
"""

from __future__ import annotations

import re
from datetime import datetime

from snowreg import errors
from snowreg.catalog.dropped import DroppedRow
from snowreg.catalog.relations import RelationRow, kept_table
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import Translation
from snowreg.grammar.text import quote_ident

_DROP_TABLE = re.compile(r"DROP TABLE\b", re.I)
_UNDROP_TABLE = re.compile(r"\s*UNDROP\s+TABLE\s+(?P<name>.+?)\s*;?\s*", re.I | re.S)


def drop_table(session: Session, tr: Translation) -> Result | None:
    """DROP TABLE of a permanent or transient table that exists: kept for UNDROP, `T successfully dropped.`;
    None for any other statement (or a table DuckDB cannot set aside): the caller runs it as before."""
    ref = next((t for t in tr.tables if t.write), None)
    if tr.kind != "drop" or ref is None or ref.object_kind != "table" or not _DROP_TABLE.match(tr.sql):
        return None
    database, schema = ref.database or session.database, ref.schema or session.schema
    catalog = session.catalog
    if database is None or schema is None or catalog.databases.relation_kind(database, schema, ref.name) != "TABLE" \
            or catalog.tables.table_shape(database, schema, ref.name).kind == "TEMPORARY" \
            or (database, schema, ref.name) in session.temporary_tables:
        return None
    if not catalog.keep_dropped_table(database, schema, ref.name):
        return None
    return status(f"{ref.name} successfully dropped.")  # the text DROP TABLE gives (engine.sql.run)


def undrop_table(session: Session, sql: str) -> Result:
    """UNDROP TABLE <name>: `Table T successfully restored.`; 002002 when a table or view has the name,
    002003 when no dropped version the session's roles own is kept."""
    m = _UNDROP_TABLE.fullmatch(sql)
    if m is None or m.group("name").upper().startswith("IDENTIFIER"):
        raise errors.not_supported("This form of UNDROP TABLE (a table named by its name)")
    database, schema, name = session.qualify(qualified_name(m.group("name")))
    check_container(session, database, schema)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    if not privileges.can_see_schema(session, database, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
    if session.catalog.databases.relation_kind(database, schema, name) is not None:
        raise errors.already_exists("Object", name)
    kept = session.catalog.dropped.listed(database, schema, name)
    if not kept or not _owns(session, kept[0]):
        raise errors.does_not_exist("Table", fqn)
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
