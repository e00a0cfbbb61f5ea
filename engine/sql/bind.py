"""The binder: Snowflake's identifier rules, object resolution and column errors for plain SQL.

Translation calls `identifier` on every name of the sqlglot tree (unquoted → upper case, at most 255
characters, then the physical DuckDB name of `snowreg.catalog.names`) and records where each column
reference stands. Before DuckDB runs the result, `resolve_tables` finds every object the statement
names in the catalog, with the session's current database and schema, so a name snowreg does not know
is Snowflake's 002003 and never reaches DuckDB. Unknown columns are left to DuckDB's binder, whose
error `column_error` turns into Snowflake's 000904 at the identifier's line and position.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import duckdb
from sqlglot import exp

from snowreg import errors
from snowreg.catalog.names import MAX_IDENTIFIER, physical, snowflake
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident

# Kinds whose write target must already exist (CREATE makes it; DROP has its own IF EXISTS rules).
_TARGET_MUST_EXIST = frozenset({"insert", "update", "delete", "merge", "truncate", "alter"})
_NAME_PARTS = ("catalog", "db")


@dataclass(frozen=True, slots=True)
class ColumnSite:
    """Where a column reference stands in the statement text, to report it as Snowflake does."""

    physical: str  # the column's DuckDB name, as DuckDB reports it
    qualifier: str | None  # the physical table name or alias before it, if any
    display: str  # Snowflake's spelling: T.ZZZ, "zzz"
    start: int  # offset of its first character in the statement text


def identifier(node: exp.Identifier, container: bool) -> None:
    """Resolve one identifier in place; `container` names a database or schema (kept as resolved)."""
    name = node.this if node.quoted else node.this.upper()
    if len(name) > MAX_IDENTIFIER and node._meta:  # written in the text, not a column header made from it
        raise errors.identifier_too_long(name, MAX_IDENTIFIER)
    node.set("this", name if container else physical(name))
    node.set("quoted", True)


def is_container_part(node: exp.Identifier) -> bool:
    """The database or schema part of a qualified table or column name."""
    return node.arg_key in _NAME_PARTS and isinstance(node.parent, (exp.Table, exp.Column))


def column_site(node: exp.Column) -> ColumnSite | None:
    """The column reference's site, from the position sqlglot recorded for its first name part."""
    parts = [p for p in (node.args.get("table"), node.this) if isinstance(p, exp.Identifier)]
    if not parts or not isinstance(node.this, exp.Identifier):
        return None
    start = parts[0].meta.get("start")
    if start is None:
        return None
    table = node.args.get("table")
    qualifier = table.this if isinstance(table, exp.Identifier) else None
    display = ".".join(quote_ident(snowflake(p.this)) for p in parts)
    return ColumnSite(node.this.this, qualifier, display, int(start))


# ---------------------------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------------------------


class ObjectRef(Protocol):
    """What translation records of a named object (translate.TableRef)."""

    @property
    def database(self) -> str | None: ...
    @property
    def schema(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def write(self) -> bool: ...
    @property
    def object_kind(self) -> str: ...


def resolve_tables(session: Session, refs: Iterable[ObjectRef], kind: str, local: frozenset[str] = frozenset()
                   ) -> None:
    """Every table or view the statement reads (or writes into) must exist: else 002003, as Snowflake.

    `local` names relations the engine registered on the session's DuckDB handle for this statement.
    """
    catalog = session.catalog
    for ref in refs:
        if ref.schema is None and ref.database is None and ref.name in local:
            continue
        if ref.schema == "INFORMATION_SCHEMA" or ref.object_kind == "schema":
            continue
        if ref.write and kind not in _TARGET_MUST_EXIST:
            continue
        database = ref.database or session.database
        schema = ref.schema or session.schema
        if database is None or schema is None:
            continue  # require_context has reported the missing current database or schema
        if catalog.get_database(database) is None or catalog.get_schema(database, schema) is None \
                or catalog.relation_kind(database, schema, ref.name) is None:
            fqn = ".".join(quote_ident(p) for p in (database, schema, ref.name))
            raise errors.does_not_exist("Object", fqn, "42S02")


# ---------------------------------------------------------------------------------------------
# Columns DuckDB could not bind
# ---------------------------------------------------------------------------------------------

_NOT_FOUND = re.compile(r'(?:Referenced column|Column) "((?:[^"]|"")+)" (?:not found|referenced that exists in '
                        r'the SELECT clause)')
_NOT_IN_TABLE = re.compile(r'(?:Table|Values list) "((?:[^"]|"")+)" does not have a column named "((?:[^"]|"")+)"')


def column_error(e: duckdb.Error, sites: tuple[ColumnSite, ...], sql: str) -> errors.Error | None:
    """DuckDB's "column not found" → `000904 … error line L at position P invalid identifier 'X'`."""
    if not isinstance(e, duckdb.BinderException):
        return None
    text = str(e)
    qualifier: str | None = None
    m = _NOT_FOUND.search(text)
    if m is not None:
        column = m.group(1).replace('""', '"')
    else:
        m = _NOT_IN_TABLE.search(text)
        if m is None:
            return None
        qualifier, column = m.group(1).replace('""', '"'), m.group(2).replace('""', '"')
    site = _site(sites, column, qualifier)
    if site is None:
        display = quote_ident(snowflake(column))
        return invalid_identifier(display, sql, None)
    return invalid_identifier(site.display, sql, site.start)


def _site(sites: tuple[ColumnSite, ...], column: str, qualifier: str | None) -> ColumnSite | None:
    folded = column.lower()
    for site in sites:  # DuckDB reports names as the SQL spells them, matched case-blind
        if site.physical.lower() == folded and (qualifier is None or (site.qualifier or "").lower()
                                                == qualifier.lower()):
            return site
    return None


def invalid_identifier(display: str, sql: str, start: int | None) -> errors.Error:
    """000904: Snowflake names the identifier and where it stands (line from 1, position from 0)."""
    line, position = 0, 0
    if start is not None:
        line = sql.count("\n", 0, start) + 1
        position = start - (sql.rfind("\n", 0, start) + 1)
    return errors.invalid_identifier(display, line, position)
