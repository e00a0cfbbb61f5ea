"""CREATE TABLE / CREATE VIEW with `[WITH] TAG ( t = 'v' [, …] )` on the object and on its columns
(https://docs.snowflake.com/en/sql-reference/sql/create-table, …/create-view; conformance/DECISIONS.md G28): every
tag is checked first (it exists, the roles may apply it, its value is allowed, at most 50 an object), the clauses are
blanked out of the text (positions kept) and the statement runs as usual; then the new object and its columns carry
the values. A statement that fails sets nothing; `IF NOT EXISTS` of an existing object sets nothing either."""

from __future__ import annotations

import re
from collections.abc import Callable

from snowreg import errors
from snowreg.catalog import TagRow, TagTarget
from snowreg.catalog.relations import column_types
from snowreg.engine import object_tags, tags
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import LITERALS_AND_COMMENTS, place

_HEAD = re.compile(rf"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:LOCAL|GLOBAL)\s+)?(?:(?:TEMP|TEMPORARY|VOLATILE|TRANSIENT)"
                   rf"\s+)?(?:SECURE\s+)?(?:RECURSIVE\s+)?(?P<kind>TABLE|VIEW)\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
                   rf"(?P<name>{QUALIFIED_NAME})", re.I | re.S)
_CLAUSE = re.compile(r"(?<![\w$])(?:WITH\s+)?TAG\s*\(", re.I)
_AS = re.compile(r"(?<![\w$])AS(?![\w$])", re.I)
_IDENT = re.compile(r'\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)')

Clause = tuple[int, int, str | None, int, int]  # start, end, column (None: the object), inner start, inner end


def handles(sql: str) -> bool:
    """Whether a CREATE TABLE / VIEW (not a materialized view) has tag clauses."""
    return _HEAD.match(sql) is not None and bool(_clauses(sql))


def create(session: Session, sql: str, run: Callable[[str], Result]) -> Result:
    head = _HEAD.match(sql)
    assert head is not None
    clauses = _clauses(sql)
    on_object: list[tuple[TagRow, str]] = []
    on_columns: dict[str, list[tuple[TagRow, str]]] = {}
    pairs: dict[str | None, list[tuple[ast.QualifiedName, str]]] = {}
    for _, _, column, start, end in clauses:
        pairs.setdefault(column, []).extend(object_tags.pairs_in(sql, start, end))
    for column, given in pairs.items():
        values = tags.for_new_object(session, given)
        if column is None:
            on_object = values
        else:
            on_columns[column] = values
    database, schema, name = session.qualify(qualified_name(head.group("name")))
    existed = session.catalog.databases.relation_kind(database, schema, name) is not None
    text = list(sql)
    for start, end, _, _, _ in clauses:
        text[start:end] = [c if c == "\n" else " " for c in sql[start:end]]
    result = run("".join(text))
    if head.group("ine") and existed:
        return result
    columns = {c.name for c in column_types(session.catalog.store, database, schema, name)}
    objects = session.catalog.objects
    if on_object:
        objects.set_tags(TagTarget("TABLE", database=database, schema=schema, name=name), on_object)
    for written, values in on_columns.items():
        column = written[1:-1].replace('""', '"') if written.startswith('"') else written.upper()
        if column in columns:
            objects.set_tags(TagTarget("COLUMN", database=database, schema=schema, name=name, column=column), values)
    return result


def _clauses(sql: str) -> list[Clause]:
    """The tag clauses before the statement's top-level AS (a view's query, a CTAS): on the object at depth 0,
    on a column at depth 1 (the column is the first name of its definition)."""
    head = _HEAD.match(sql)
    if head is None:
        return []
    out: list[Clause] = []
    depth, at, column_start = 0, head.end(), None
    while at < len(sql):
        skip = LITERALS_AND_COMMENTS.match(sql, at)  # strings, comments and quoted names
        if skip is not None:
            at = skip.end()
            continue
        if depth == 0 and _AS.match(sql, at):
            break
        clause = _CLAUSE.match(sql, at)
        if clause is not None and depth in (0, 1):
            close = _closing(sql, clause.end())
            column = None
            if depth == 1:
                found = _IDENT.match(sql, column_start or at)
                if found is None:
                    raise errors.syntax_error(*place(sql, at), "TAG")
                column = found.group(1)
            out.append((at, close + 1, column, clause.end(), close))
            at = close + 1
            continue
        ch = sql[at]
        if ch == "(":
            depth += 1
            if depth == 1:
                column_start = at + 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 1:
            column_start = at + 1
        at += 1
    return out


def _closing(sql: str, at: int) -> int:
    """The offset of the parenthesis closing the one opened before `at`."""
    depth = 1
    while at < len(sql):
        skip = LITERALS_AND_COMMENTS.match(sql, at)
        if skip is not None:
            at = skip.end()
            continue
        depth += {"(": 1, ")": -1}.get(sql[at], 0)
        if depth == 0:
            return at
        at += 1
    raise errors.syntax_error(*place(sql, len(sql)), "<EOF>")
