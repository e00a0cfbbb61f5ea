"""Tags on databases, schemas, tables, views and columns: ALTER TABLE | VIEW | SCHEMA | DATABASE … SET TAG / UNSET
TAG, ALTER TABLE | VIEW … { ALTER | MODIFY } [COLUMN] c SET / UNSET TAG, SYSTEM$GET_TAG on those domains, and the
rows of TAG_REFERENCES / TAG_REFERENCES_ALL_COLUMNS with tag inheritance
(https://docs.snowflake.com/en/user-guide/object-tagging/introduction, …/inheritance; conformance/DECISIONS.md
G20-G29). The tag values live where a model's do (catalog.objects, snowreg.tag_references); what setting one
checks is engine.tags'."""

from __future__ import annotations

import re
from dataclasses import dataclass

from snowreg import errors
from snowreg.catalog import TagTarget
from snowreg.catalog.relations import column_types
from snowreg.engine import tags, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, check_container, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import place, quote_ident

_IDENT = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)'
_STRING = r"(?:'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$)"
_ALTER = re.compile(
    rf"\s*ALTER\s+(?P<kind>TABLE|VIEW|SCHEMA|DATABASE)\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
    rf"(?:(?:ALTER|MODIFY)\s+(?:COLUMN\s+)?(?P<column>{_IDENT})\s+)?(?P<verb>SET|UNSET)\s+TAG\b\s*(?P<rest>.*?)\s*;?\s*",
    re.I | re.S)
_PAIR = re.compile(rf"\s*(?P<tag>{QUALIFIED_NAME})\s*=\s*(?P<value>{_STRING})\s*", re.S)
_NAME = re.compile(rf"\s*(?P<tag>{QUALIFIED_NAME})\s*", re.S)

# The domains whose objects snowreg keeps tags on by name (models: engine.models, domain MODULE).
NAMED_DOMAINS = ("DATABASE", "SCHEMA", "TABLE", "COLUMN")
# Documented domains of SYSTEM$GET_TAG / TAG_REFERENCES (https://docs.snowflake.com/en/sql-reference/functions/
# tag_references) whose objects snowreg has but keeps no tags on: refused by name (DECISIONS.md G27).
UNTAGGED_DOMAINS = ("ACCOUNT", "ALERT", "FUNCTION", "PROCEDURE", "ROLE", "STAGE", "STREAM", "TASK", "USER",
                    "WAREHOUSE", "DATABASE ROLE", "INTEGRATION", "NETWORK POLICY", "SHARE", "COMPUTE POOL",
                    "FAILOVER GROUP", "REPLICATION GROUP", "INSTANCE", "BACKUP POLICY", "BACKUP SET")


def handles(sql: str) -> bool:
    """Whether an ALTER statement sets or unsets tags on a table, view, column, schema or database."""
    return _ALTER.fullmatch(sql) is not None


def alter(session: Session, sql: str) -> Result:
    m = _ALTER.fullmatch(sql)
    assert m is not None
    kind, column, rest = m.group("kind").upper(), m.group("column"), m.group("rest")
    if column is not None and kind not in ("TABLE", "VIEW"):
        raise errors.syntax_error(*place(sql, m.start("column")), column)
    if column is not None and re.search(r",\s*COLUMN\b", re.sub(_STRING, "''", rest, flags=re.S), re.I):
        raise errors.not_supported(f"ALTER {kind} … MODIFY COLUMN … SET / UNSET TAG of several columns in one "
                                   "statement (one statement a column is)")
    where = (sql, m.start("rest"), m.end("rest"))
    pairs = pairs_in(*where) if m.group("verb").upper() == "SET" else None
    names = None if pairs is not None else _names(*where)
    target = resolve(session, kind, qualified_name(m.group("name")), m.group("if_exists") is not None, column,
                     at=place(sql, m.start("column")) if column is not None else None)
    if target is None:
        return status()
    transaction.before_plain(session, "ddl")
    if pairs is not None:
        tags.set_values(session, target.target, tags.checked_values(session, pairs), target.what)
    else:
        assert names is not None
        session.catalog.objects.unset_tags(target.target, [tags.find_tag(session, n) for n in names])
    return status()


def pairs_in(sql: str, start: int, end: int) -> list[tuple[ast.QualifiedName, str]]:
    return [(qualified_name(m.group("tag")), _text(m.group("value"))) for m in _list(_PAIR, sql, start, end)]


def _names(sql: str, start: int, end: int) -> list[ast.QualifiedName]:
    return [qualified_name(m.group("tag")) for m in _list(_NAME, sql, start, end)]


def _list(item: re.Pattern[str], sql: str, at: int, end: int) -> list[re.Match[str]]:
    """`item [, item …]` filling sql[at:end]; a syntax error where it stops matching."""
    out = []
    while True:
        m = item.match(sql, at, end)
        if m is None or not m.group(0).strip():
            while at < end and sql[at].isspace():
                at += 1
            raise errors.syntax_error(*place(sql, at), (sql[at:end].split() or ["<EOF>"])[0])
        out.append(m)
        at = m.end()
        if at >= end:
            return out
        if sql[at] != ",":
            raise errors.syntax_error(*place(sql, at), sql[at:end].split()[0])
        at += 1


def _text(literal: str) -> str:
    if literal.startswith("$$"):
        return literal[2:-2]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", literal[1:-1])


@dataclass(frozen=True, slots=True)
class Resolved:
    target: TagTarget
    what: str  # how an error names the object: "table 'T'", "column 'T.C'"


def resolve(session: Session, kind: str, qn: ast.QualifiedName, optional: bool, column: str | None = None,
            *, check: bool = True, at: tuple[int, int] | None = None) -> Resolved | None:
    """The object a tag is set on, checked to exist and be visible (002003 otherwise; None for IF EXISTS), and with
    `check`, that the roles may set tags on it: OWNERSHIP of it, or APPLY TAG on the account and any privilege on
    it (https://docs.snowflake.com/en/user-guide/object-tagging/introduction, "Tag privileges"; 003001)."""
    catalog, a = session.catalog, privileges.access(session)
    apply_tag = privileges.GLOBAL_APPLY_TAG in a.privs.get(("ACCOUNT",), frozenset())
    if kind == "DATABASE":
        if qn.schema is not None:
            raise errors.invalid_object_name(str(qn.name))
        name = str(qn.name)
        if catalog.databases.get_database(name) is None or not a.sees_database(name):
            if optional:
                return None
            raise errors.does_not_exist("Database", quote_ident(name))
        held = a.privs.get(("DATABASE", name), frozenset())
        _check_held(held, a.manage_grants, apply_tag, check, "database", name)
        return Resolved(TagTarget("DATABASE", database=name), f"database '{name}'")
    if kind == "SCHEMA":
        if qn.database is not None:
            raise errors.invalid_object_name(str(qn.name))
        database, schema = session.qualify_schema(ast.QualifiedName(qn.name, qn.schema))
        if catalog.databases.get_schema(database, schema) is None or not a.sees_schema(database, schema):
            if optional:
                return None
            if catalog.databases.get_database(database) is None or not a.sees_database(database):
                raise errors.does_not_exist("Database", quote_ident(database))
            raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
        held = a.privs.get(("SCHEMA", database, schema), frozenset())
        _check_held(held, a.manage_grants, apply_tag, check, "schema", schema)
        return Resolved(TagTarget("SCHEMA", database=database, schema=schema), f"schema '{schema}'")
    database, schema, name = session.qualify(qn)
    if optional and (catalog.databases.get_schema(database, schema) is None
                     or not a.sees_schema(database, schema)):
        return None
    check_container(session, database, schema)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    found = catalog.databases.relation_kind(database, schema, name)
    wanted = {"TABLE": ("TABLE",), "VIEW": ("VIEW",)}.get(kind, ("TABLE", "VIEW"))
    label = "View" if kind == "VIEW" else "Table"
    if found not in wanted or privileges.others_temporary(session, database, schema, name):
        if optional:
            return None
        raise errors.does_not_exist(label, fqn)
    owner = catalog.grants.owner_of(privileges.ObjectKey("TABLE", database, schema, name))
    held = a.held(("TABLE", database, schema, name), owner) if a.schema_usable(database, schema) else frozenset()
    if not held and not a.manage_grants:
        if optional:
            return None
        raise errors.does_not_exist(label, fqn)
    _check_held(held, a.manage_grants, apply_tag, check, label.lower(), name)
    if column is None:
        return Resolved(TagTarget("TABLE", database=database, schema=schema, name=name), f"{label.lower()} '{name}'")
    col = column[1:-1].replace('""', '"') if column.startswith('"') else column.upper()
    if col not in {c.name for c in column_types(catalog.store, database, schema, name)}:
        raise errors.invalid_identifier(quote_ident(col), *at) if at else errors.invalid_identifier(quote_ident(col))
    return Resolved(TagTarget("COLUMN", database=database, schema=schema, name=name, column=col),
                    f"column '{name}.{col}'")


def _check_held(held: frozenset[str], manage_grants: bool, apply_tag: bool, check: bool, kind: str,
                name: str) -> None:
    if not check or "OWNERSHIP" in held or (apply_tag and (held or manage_grants)):
        return
    raise errors.insufficient_privileges(kind, name)


# ---------------------------------------------------------------------------------------------
# SYSTEM$GET_TAG and TAG_REFERENCES over the named domains
# ---------------------------------------------------------------------------------------------


def lookup(session: Session, object_text: str, domain: str) -> Resolved:
    """The object SYSTEM$GET_TAG / TAG_REFERENCES name (`t.c` for a column), visible to the session (002003)."""
    domain = domain.upper()
    if domain in UNTAGGED_DOMAINS:
        raise errors.not_supported(f"Tags on the domain '{domain}' (snowreg keeps tags on models, databases, "
                                   "schemas, tables, views and columns)")
    if domain not in NAMED_DOMAINS:
        raise errors.compilation_error(f"Invalid object domain '{domain}'.")
    if domain == "COLUMN":
        qn, column = _column_name(object_text)
        found = resolve(session, "RELATION", qn, False, column, check=False)
    else:
        kind = "RELATION" if domain == "TABLE" else domain  # TABLE: "all table-like objects such as views"
        found = resolve(session, kind, qualified_name(object_text), False, check=False)
    assert found is not None
    return found


def _column_name(text: str) -> tuple[ast.QualifiedName, str]:
    """`[db.][schema.]table.column` → the table's name and the column as written."""
    parts = re.findall(r'"(?:[^"]|"")+"|[^."]+', text.strip())
    if not 2 <= len(parts) <= 4:
        raise errors.invalid_object_name(text)
    return qualified_name(".".join(p.strip() for p in parts[:-1])), parts[-1].strip()


def get_tag(session: Session, tag_text: str, object_text: str, domain: str) -> str | None:
    """`SYSTEM$GET_TAG(tag, object, domain)` on a database, schema, table, view or column: the value set on the
    object itself, NULL when none (not an inherited one: DECISIONS.md G22). The tag must exist and be visible."""
    found = lookup(session, object_text, domain)
    db, schema, name = session.qualify(qualified_name(tag_text))
    tag, a = session.catalog.objects.get_tag(db, schema, name), privileges.access(session)
    if tag is None or not (a.schema_usable(db, schema) or a.manage_grants):  # "USAGE on the database and schema"
        raise errors.does_not_exist("Tag", ".".join(quote_ident(p) for p in (db, schema, name)))
    for tag_db, tag_schema, tag_name, value in session.catalog.objects.tags_on(found.target):
        if (tag_db, tag_schema, tag_name) == (db, schema, name):
            return value
    return None


COLUMNS = ("TAG_DATABASE", "TAG_SCHEMA", "TAG_NAME", "TAG_VALUE", "APPLY_METHOD", "LEVEL", "OBJECT_DATABASE",
           "OBJECT_SCHEMA", "OBJECT_NAME", "DOMAIN", "COLUMN_NAME")
Row = tuple[str | None, ...]


def references(session: Session, object_text: str, domain: str) -> list[Row]:
    """TAG_REFERENCES(object, domain): the tags set on the object and those it inherits from its table, schema and
    database (a tag set nearer wins), one row each (DECISIONS.md G20, G21)."""
    found = lookup(session, object_text, domain)
    return _inherited(session, found.target)


def references_all_columns(session: Session, object_text: str, domain: str) -> list[Row]:
    """TAG_REFERENCES_ALL_COLUMNS(table, 'TABLE'): the rows of TAG_REFERENCES for every column of the table or
    view, in column order."""
    if domain.upper() != "TABLE":
        raise errors.compilation_error(f"Invalid object domain '{domain.upper()}': TAG_REFERENCES_ALL_COLUMNS takes "
                                       "the domain TABLE.")
    found = lookup(session, object_text, "TABLE")
    t = found.target
    rows: list[Row] = []
    for col in column_types(session.catalog.store, t.database, t.schema, t.name):
        rows += _inherited(session, TagTarget("COLUMN", database=t.database, schema=t.schema, name=t.name,
                                              column=col.name))
    return rows


def _inherited(session: Session, target: TagTarget) -> list[Row]:
    objects = session.catalog.objects
    levels = [target]
    if target.domain == "COLUMN":
        levels.append(TagTarget("TABLE", database=target.database, schema=target.schema, name=target.name))
    if target.domain in ("COLUMN", "TABLE"):
        levels.append(TagTarget("SCHEMA", database=target.database, schema=target.schema))
    if target.domain in ("COLUMN", "TABLE", "SCHEMA"):
        levels.append(TagTarget("DATABASE", database=target.database))
    seen: set[tuple[str, str, str]] = set()
    rows: list[Row] = []
    where: tuple[str | None, str | None, str] = {  # OBJECT_DATABASE, OBJECT_SCHEMA, OBJECT_NAME (G21)
        "DATABASE": (None, None, target.database), "SCHEMA": (target.database, None, target.schema),
    }.get(target.domain, (target.database, target.schema, target.name))
    for level in levels:
        for tag_db, tag_schema, tag_name, value in objects.tags_on(level):
            if (tag_db, tag_schema, tag_name) in seen:
                continue  # set nearer the object: that value wins
            seen.add((tag_db, tag_schema, tag_name))
            rows.append((tag_db, tag_schema, tag_name, value, "MANUAL" if level is target else "INHERITED",
                         level.domain, *where, target.domain, target.column or None))
    return rows
