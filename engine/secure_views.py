"""Secure views: which views are secure, who may read their text, and ALTER VIEW … SET | UNSET SECURE.

"With secure views, the view definition and details are visible only to authorized users (i.e. users who are
granted the role that owns the view)" (https://docs.snowflake.com/en/user-guide/views-secure): SHOW VIEWS'
`text`, INFORMATION_SCHEMA.VIEWS' VIEW_DEFINITION (catalog/views.sql) and GET_DDL ask here. A secure view is
recorded in snowreg.secure_views (catalog/tables.py), which follows the view through RENAME, CLONE and DROP.
"""

from __future__ import annotations

import re

from snowreg import errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.relations import RelationRow
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident

# ALTER VIEW [IF EXISTS] <name> SET SECURE | UNSET SECURE (https://docs.snowflake.com/en/sql-reference/sql/alter-view)
_ALTER = re.compile(rf"\s*ALTER\s+VIEW\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
                    r"(?P<verb>SET|UNSET)\s+SECURE\s*;?\s*", re.I | re.S)


def handles(sql: str) -> bool:
    """Whether an ALTER VIEW statement is SET | UNSET SECURE (the other forms are plain SQL's)."""
    return _ALTER.fullmatch(sql) is not None


def is_secure(session: Session, database: str, schema: str, name: str) -> bool:
    return (database, schema, name) in session.catalog.tables.secure_views()


def text_shown(session: Session, r: RelationRow) -> bool:
    """Whether the session may read the view's text: any view's but a secure one's, which only the roles
    granted its owner role may read (MANAGE GRANTS does not make a role the owner)."""
    if not is_secure(session, r.database_name, r.schema_name, r.name):
        return True
    return bool(r.owner) and r.owner in privileges.access(session).roles


def alter(session: Session, sql: str) -> Result:
    """ALTER VIEW … SET | UNSET SECURE: its owner only; a role holding nothing on the view is told it does not
    exist, one holding another privilege that it lacks the privilege (as for ALTER of other objects)."""
    m = _ALTER.fullmatch(sql)
    if m is None:
        raise errors.not_supported("This form of ALTER VIEW")
    database, schema, name = session.qualify(qualified_name(m.group("name")))
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    catalog = session.catalog
    a = privileges.access(session)
    kind = catalog.databases.relation_kind(database, schema, name)
    owner = catalog.grants.owner_of(ObjectKey("VIEW", database, schema, name))
    held = a.held(("TABLE", database, schema, name), owner) if kind == "VIEW" and a.schema_usable(database, schema) \
        else frozenset()
    if kind != "VIEW" or not (held or a.manage_grants):
        if m.group("if_exists"):
            return status()
        raise errors.does_not_exist("View", fqn)
    if "OWNERSHIP" not in held:
        raise errors.insufficient_privileges("view", name)
    transaction.before_plain(session, "ddl")
    catalog.tables.set_secure(database, schema, name, m.group("verb").upper() == "SET")
    return status()
