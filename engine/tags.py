"""CREATE TAG / DROP TAG / SHOW TAGS: the tags that ALTER MODEL … SET TAG refers to."""

from __future__ import annotations

import orjson

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident


def create_tag(session: Session, stmt: ast.CreateTag) -> Result:
    db, schema, name = session.qualify(stmt.name)
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    existing = session.catalog.objects.get_tag(db, schema, name)
    if existing is not None:
        privileges.check_create_before_telling(session, db, schema, "TAG", privileges.can_see_tag(session, existing))
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
    privileges.check_create_in_schema(session, db, schema, "TAG")
    with session.catalog.store.transaction():
        if existing is not None:
            session.catalog.drop_tag(db, schema, name)
        session.catalog.objects.create_tag(db, schema, name, session.role, stmt.allowed_values, stmt.comment)
    return status(f"Tag {quote_ident(name)} successfully created.")


def drop_tag(session: Session, stmt: ast.DropTag) -> Result:
    db, schema, name = session.qualify(stmt.name)
    tag = session.catalog.objects.get_tag(db, schema, name)
    if tag is not None and stmt.if_exists and not privileges.can_see_tag(session, tag):
        tag = None  # hidden: answered as a missing tag (J24)
    if tag is None:
        if stmt.if_exists:
            check_container(session, db, schema)
            return status()
        raise errors.does_not_exist("Tag", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_tag(session, tag, "own")
    session.catalog.drop_tag(db, schema, name)
    return status(f"{quote_ident(name)} successfully dropped.")


# https://docs.snowflake.com/en/sql-reference/sql/show-tags (conformance/DECISIONS.md H9)
SHOW_TAGS_COLUMNS = ["created_on", "name", "database_name", "schema_name", "owner", "comment", "allowed_values",
                     "owner_role_type"]


def show_tags(session: Session, stmt: ast.ShowObjects, database: str | None, schema: str | None) -> Result:
    """SHOW TAGS in a schema, a database or the account: the tags the session's roles hold a privilege on
    (MANAGE GRANTS: all), LIKE matching names case-insensitively."""
    rows = [(t.created_on, t.name, t.database_name, t.schema_name, t.owner or "", t.comment or "",
             orjson.dumps(list(t.allowed_values)).decode() if t.allowed_values is not None else None, "ROLE")
            for t in session.catalog.objects.list_tags(database, schema)
            if like(stmt.like, t.name) and privileges.can_see_tag(session, t)]
    return from_rows(SHOW_TAGS_COLUMNS, rows, ["TIMESTAMP_LTZ", *["TEXT"] * 7])
