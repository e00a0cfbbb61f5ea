"""CREATE TAG / DROP TAG / SHOW TAGS, and what setting a tag on any object checks (ALTER MODEL … SET TAG here,
ALTER TABLE / VIEW / SCHEMA / DATABASE and columns in engine/object_tags.py): the tag exists and the roles may
apply it, its value is allowed, and no object carries more than 50 tags
(https://docs.snowflake.com/en/user-guide/object-tagging/introduction)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from snowreg import errors
from snowreg.catalog import TagRow, TagTarget
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


# "The tag value can be up to 256 characters"; "Snowflake allows a maximum number of 50 unique tags that can be set
# on a single object" (https://docs.snowflake.com/en/user-guide/object-tagging/introduction; DECISIONS.md G24).
MAX_VALUE_LENGTH = 256
MAX_TAGS_PER_OBJECT = 50


def find_tag(session: Session, qn: ast.QualifiedName) -> TagRow:
    """A tag the session sets or unsets: unqualified parts resolve like any object name; it must exist (002003)
    and the roles must hold APPLY or OWNERSHIP on it, or APPLY TAG on the account (003001)."""
    db, schema, name = session.qualify(qn)
    tag = session.catalog.objects.get_tag(db, schema, name)
    if tag is None:
        raise errors.does_not_exist("Tag", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_tag(session, tag, "apply")
    return tag


def checked_values(session: Session, pairs: Sequence[tuple[ast.QualifiedName, str]]) -> list[tuple[TagRow, str]]:
    """`SET TAG t = 'v', …`: each tag found and its value checked (length, ALLOWED_VALUES), before any is set."""
    values = []
    for tag_name, value in pairs:
        tag = find_tag(session, tag_name)
        if len(value) > MAX_VALUE_LENGTH:
            raise errors.compilation_error(f"Tag value for '{tag.fqn}' is longer than {MAX_VALUE_LENGTH} characters.")
        if tag.allowed_values is not None and value not in tag.allowed_values:
            raise errors.compilation_error(f"Tag value '{value}' is not an allowed value of tag '{tag.fqn}'.")
        values.append((tag, value))
    return values


def for_new_object(session: Session, pairs: Sequence[tuple[ast.QualifiedName, str]]) -> list[tuple[TagRow, str]]:
    """`CREATE … WITH TAG (…)`: the values checked as SET TAG checks them, at most 50 distinct tags."""
    values = checked_values(session, pairs)
    if len({(t.database_name, t.schema_name, t.name) for t, _ in values}) > MAX_TAGS_PER_OBJECT:
        raise errors.compilation_error(f"Exceeded the limit of {MAX_TAGS_PER_OBJECT} tags on one object.")
    return values


def set_values(session: Session, target: TagTarget, values: list[tuple[TagRow, str]], what: str) -> None:
    """Set checked tag values on a model or a named object (`what`: how an error names it), unless the object
    would then carry more than 50 tags (nothing set)."""
    held = {tuple(t[:3]) for t in session.catalog.objects.tags_on(target)}
    held |= {(tag.database_name, tag.schema_name, tag.name) for tag, _ in values}
    if len(held) > MAX_TAGS_PER_OBJECT:
        raise errors.compilation_error(f"Exceeded the limit of {MAX_TAGS_PER_OBJECT} tags on {what}.")
    session.catalog.objects.set_tags(target, values)
