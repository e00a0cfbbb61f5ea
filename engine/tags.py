"""CREATE TAG / DROP TAG: the tags that ALTER MODEL … SET TAG refers to."""

from __future__ import annotations

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident


def create_tag(session: Session, stmt: ast.CreateTag) -> Result:
    db, schema, name = session.qualify(stmt.name)
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    existing = session.catalog.objects.get_tag(db, schema, name)
    if existing is not None:
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
    if tag is None:
        if stmt.if_exists:
            return status()
        raise errors.does_not_exist("Tag", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_tag(session, tag, "own")
    session.catalog.drop_tag(db, schema, name)
    return status(f"{quote_ident(name)} successfully dropped.")
