"""CREATE TAG / DROP TAG / SHOW TAGS, and what setting a tag on any object checks (ALTER MODEL … SET TAG here,
ALTER TABLE / VIEW / SCHEMA / DATABASE and columns in engine/object_tags.py): the tag exists and the roles may
apply it, its value is allowed, and no object carries more than 50 tags
(https://docs.snowflake.com/en/user-guide/object-tagging/introduction)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import orjson

from snowreg import errors
from snowreg.catalog import TagRow, TagTarget
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, check_container, qualified_name
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, place, quote_ident


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


# ALTER TAG (https://docs.snowflake.com/en/sql-reference/sql/alter-tag; DECISIONS.md G30)
_STRING = r"(?:'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$)"
_ALTER_TAG = re.compile(rf"\s*ALTER\s+TAG\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+(?P<rest>.*?)\s*;?\s*",
                        re.I | re.S)
_VALUES = re.compile(rf"(?P<op>ADD|DROP)\s+ALLOWED_VALUES\s+(?P<values>{_STRING}(?:\s*,\s*{_STRING})*)", re.I | re.S)
_COMMENT = re.compile(rf"SET\s+COMMENT\s*=\s*(?P<value>{_STRING})", re.I | re.S)
_UNSET = re.compile(r"UNSET\s+(?P<what>ALLOWED_VALUES|COMMENT)", re.I)


def alter_tag(session: Session, sql: str) -> Result:
    """ALTER TAG [IF EXISTS] t { ADD | DROP } ALLOWED_VALUES 'v' [, …] | UNSET ALLOWED_VALUES | SET COMMENT = 'c' |
    UNSET COMMENT, by the tag's owner. RENAME TO, masking policies and propagation are refused by name."""
    m = _ALTER_TAG.fullmatch(sql)
    if m is None:
        raise errors.syntax_error(*place(sql, 0), "ALTER")
    rest = m.group("rest")
    values, comment, unset = _VALUES.fullmatch(rest), _COMMENT.fullmatch(rest), _UNSET.fullmatch(rest)
    if values is None and comment is None and unset is None:
        words = " ".join(rest.split()[:2]).upper()
        raise errors.not_supported(f"ALTER TAG … {words}")
    db, schema, name = session.qualify(qualified_name(m.group("name")))
    tag = session.catalog.objects.get_tag(db, schema, name)
    if tag is not None and m.group("if_exists") and not privileges.can_see_tag(session, tag):
        tag = None  # hidden: answered as a missing tag (J24)
    if tag is None:
        if m.group("if_exists"):
            check_container(session, db, schema)
            return status()
        raise errors.does_not_exist("Tag", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_tag(session, tag, "own")
    allowed, text = tag.allowed_values, tag.comment
    if values is not None:
        given = [_text(v) for v in re.findall(_STRING, values.group("values"), re.S)]
        if values.group("op").upper() == "ADD":
            allowed = tuple(dict.fromkeys([*(allowed or ()), *given]))
        else:
            allowed = tuple(v for v in allowed or () if v not in given)
    elif comment is not None:
        text = _text(comment.group("value"))
    elif unset is not None and unset.group("what").upper() == "COMMENT":
        text = None
    else:
        allowed = None
    session.catalog.objects.update_tag(tag, allowed, text)
    return status()


def _text(literal: str) -> str:
    if literal.startswith("$$"):
        return literal[2:-2]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", literal[1:-1])
