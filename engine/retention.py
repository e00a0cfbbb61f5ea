"""DATA_RETENTION_TIME_IN_DAYS: ALTER ACCOUNT | DATABASE | SCHEMA | TABLE … SET / UNSET, and SHOW PARAMETERS' rows of it.

https://docs.snowflake.com/en/sql-reference/parameters#data-retention-time-in-days: an object parameter of
the account, databases, schemas and tables, 1 by default; https://docs.snowflake.com/en/user-guide/data-time-travel
("Specifying the data retention period for an object"): 0 turns Time Travel off for the object, and an object
without its own value inherits its container's. snowreg keeps a dropped table for one day or not at all, so
0 and 1 are accepted and other values refused as not supported (conformance/DECISIONS.md L30-L33). With 0 a
dropped or replaced table goes for good (engine.time_travel).
"""

from __future__ import annotations

import re
from typing import Any

from snowreg import errors
from snowreg.catalog.retention import DEFAULT, PARAMETER, check_days
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, check_container, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident

_CHANGE = rf"(?:SET\s+{PARAMETER}\s*=\s*(?P<days>[^\s;]+)|UNSET\s+{PARAMETER})\s*;?\s*"
_ALTER_ACCOUNT = re.compile(rf"\s*ALTER\s+ACCOUNT\s+{_CHANGE}", re.I | re.S)
_ALTER_OBJECT = re.compile(rf"\s*ALTER\s+(?P<kind>TABLE|SCHEMA|DATABASE)\s+(?P<if_exists>IF\s+EXISTS\s+)?"
                           rf"(?P<name>{QUALIFIED_NAME})\s+{_CHANGE}", re.I | re.S)
__all__ = ["alter_account", "alter_object", "check_days", "handles", "owned_object", "parameter_rows"]
# What SHOW PARAMETERS shows of it (the parameters page's description).
DESCRIPTION = "number of days to retain the old version of deleted/updated data"


def alter_account(session: Session, sql: str) -> Result:
    """ALTER ACCOUNT SET / UNSET DATA_RETENTION_TIME_IN_DAYS (https://docs.snowflake.com/en/sql-reference/sql/alter-account:
    only ACCOUNTADMIN sets account parameters); any other ALTER ACCOUNT is not supported."""
    m = _ALTER_ACCOUNT.fullmatch(sql)
    if m is None:
        raise errors.not_supported(f"ALTER ACCOUNT other than SET / UNSET {PARAMETER}")
    days = None if m.group("days") is None else check_days(m.group("days"))
    if "ACCOUNTADMIN" not in privileges.access(session).roles:
        raise errors.insufficient_privileges("account", privileges.ACCOUNT_NAME)
    transaction.before_plain(session, "ddl")
    session.catalog.retention.set_account(days)
    return status()


def handles(sql: str) -> bool:
    """Whether an ALTER TABLE is one `alter_object` runs (any other goes the plain SQL path)."""
    return PARAMETER in sql.upper() and _ALTER_OBJECT.fullmatch(sql) is not None


def alter_object(session: Session, verb: str, sql: str) -> Result:
    """ALTER TABLE | SCHEMA | DATABASE [IF EXISTS] <name> SET / UNSET DATA_RETENTION_TIME_IN_DAYS (their owner
    only); another ALTER SCHEMA | DATABASE is not supported."""
    m = _ALTER_OBJECT.fullmatch(sql)
    if m is None:
        raise errors.not_supported(f"{verb} other than SET / UNSET {PARAMETER}")
    days = None if m.group("days") is None else check_days(m.group("days"))
    kind, optional = m.group("kind").upper(), m.group("if_exists") is not None
    place = owned_object(session, kind, qualified_name(m.group("name")), optional)
    if place is None:
        return status()
    transaction.before_plain(session, "ddl")
    retention = session.catalog.retention
    if kind == "TABLE":
        retention.set_table(place[0], place[1], place[2], days)
    else:
        retention.set_container(place[0], place[1] if kind == "SCHEMA" else None, days)
    return status()


def owned_object(session: Session, kind: str, qn: ast.QualifiedName, optional: bool, *,
                 owner_or_manage_grants: bool = False) -> tuple[str, ...] | None:
    """The object an ALTER names, checked to exist and be owned by the session's roles (None: IF EXISTS of a
    missing one). `owner_or_manage_grants`: a schema's owner, or a role with MANAGE GRANTS."""
    catalog = session.catalog
    if kind == "DATABASE":
        if qn.schema is not None:
            raise errors.invalid_object_name(str(qn.name))
        name = str(qn.name)
        if (catalog.databases.get_database(name) is None or not privileges.can_see_database(session, name)) \
                and optional:
            return None
        if catalog.databases.get_database(name) is None:
            raise errors.does_not_exist("Database", quote_ident(name))
        privileges.check_database_owner(session, name)
        return (name,)
    if kind == "SCHEMA":
        if qn.database is not None:
            raise errors.invalid_object_name(str(qn.name))
        database, schema = session.qualify_schema(ast.QualifiedName(qn.name, qn.schema))
        if optional and (catalog.databases.get_schema(database, schema) is None
                         or not privileges.can_see_schema(session, database, schema)):
            return None
        if catalog.databases.get_database(database) is None:
            raise errors.does_not_exist("Database", quote_ident(database))
        if catalog.databases.get_schema(database, schema) is None:
            raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
        if not (owner_or_manage_grants and privileges.access(session).manage_grants
                and catalog.databases.get_schema(database, schema) is not None):
            privileges.check_schema_owner(session, database, schema)
        return database, schema
    database, schema, name = session.qualify(qn)
    check_container(session, database, schema)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    if catalog.databases.relation_kind(database, schema, name) != "TABLE" \
            or privileges.others_temporary(session, database, schema, name):
        if optional:
            return None
        raise errors.does_not_exist("Table", fqn)
    a = privileges.access(session)
    owner = catalog.grants.owner_of(privileges.ObjectKey("TABLE", database, schema, name))
    held = a.held(("TABLE", database, schema, name), owner) if a.schema_usable(database, schema) else frozenset()
    if "OWNERSHIP" not in held:
        if not held and not a.manage_grants:
            raise errors.does_not_exist("Table", fqn)
        raise errors.insufficient_privileges("table", name)
    return database, schema, name


def parameter_rows(session: Session, stmt: ast.ShowParameters) -> list[tuple[Any, ...]]:
    """SHOW PARAMETERS' row of DATA_RETENTION_TIME_IN_DAYS IN ACCOUNT | DATABASE | SCHEMA | TABLE (none for
    another scope, or when LIKE leaves it out): its value there, the default and the level it was set at. The
    object named must exist (and be visible) whatever LIKE says: 002003 even when no row would be shown (X22)."""
    if stmt.scope not in ("ACCOUNT", "DATABASE", "SCHEMA", "TABLE"):
        return []
    retention = session.catalog.retention
    if stmt.scope == "ACCOUNT":
        days, level = retention.setting()
    elif stmt.scope == "DATABASE":
        name = session.name(stmt.target.name) if stmt.target is not None else session.current_database()
        if session.catalog.databases.get_database(name) is None or not privileges.can_see_database(session, name):
            raise errors.does_not_exist("Database", quote_ident(name))
        days, level = retention.setting(name)
    elif stmt.scope == "SCHEMA":
        database, schema = _schema(session, stmt.target)
        days, level = retention.setting(database, schema)
    else:
        assert stmt.target is not None  # the grammar requires the table's name
        database, schema, name = session.qualify(stmt.target)
        check_container(session, database, schema)
        kind = session.catalog.databases.relation_kind(database, schema, name)
        owner = session.catalog.grants.owner_of(privileges.ObjectKey("TABLE", database, schema, name))
        if kind != "TABLE" or not privileges.can_see_table(session, database, schema, name, owner):
            raise errors.does_not_exist("Table", ".".join(quote_ident(p) for p in (database, schema, name)))
        days, level = retention.setting(database, schema, name)
    if not like(stmt.like, PARAMETER):
        return []
    return [(PARAMETER, str(days), str(DEFAULT), level, DESCRIPTION, "NUMBER")]


def _schema(session: Session, target: ast.QualifiedName | None) -> tuple[str, str]:
    if target is None:
        database = session.current_database()
        if session.schema is None:
            raise errors.no_current_schema()
        schema = session.schema
    else:
        database, schema = session.qualify_schema(target)
    if session.catalog.databases.get_schema(database, schema) is None \
            or not privileges.can_see_schema(session, database, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
    return database, schema
