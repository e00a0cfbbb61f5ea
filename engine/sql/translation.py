"""What a translated statement is (Translation, TableRef), without sqlglot: statements that need none skip it.

`engine.sql.translate` makes these from Snowflake text with sqlglot. A statement of literal integers
only (`SELECT 1`, `SELECT 1, 2`) has a translation that reads nothing but its digits, so `trivial`
writes it directly, and a fresh interpreter that runs only such statements never imports sqlglot
(`tests/engine/sql/test_trivial_select.py` checks it gives what `translate.translate` gives).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from snowreg import errors
from snowreg.catalog.names import snowflake

if TYPE_CHECKING:
    from snowreg.engine.sql.bind import ColumnSite
    from snowreg.engine.sql.conditionals import Site
    from snowreg.engine.sql.ddl import TableDDL

Kind = Literal["select", "insert", "update", "delete", "merge", "create_table", "create_view", "drop",
               "alter", "truncate", "ddl", "transaction"]
ObjectKind = Literal["table", "view", "schema", "sequence"]


@dataclass(frozen=True, slots=True)
class TableRef:
    """An object the statement names, resolved by Snowflake identifier rules (unquoted → upper case).

    `write` marks the statement's target (INSERT/UPDATE/DELETE/MERGE/CREATE/DROP/ALTER/TRUNCATE).
    For a schema DDL target `schema` is the schema and `name` is "". References to
    `INFORMATION_SCHEMA.MODEL_VERSIONS`/`PACKAGES`/`TAG_REFERENCES` appear with schema
    "INFORMATION_SCHEMA": they are views, already filtered by role, not tables to check.
    """

    database: str | None
    schema: str | None
    name: str
    write: bool = False
    object_kind: ObjectKind = "table"
    start: int | None = field(default=None, compare=False)  # offset of its name in the statement text
    optional: bool = False  # the target of ALTER / TRUNCATE … IF EXISTS: missing, nothing happens


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A call of a name no built-in function has: a user-defined function, bound when the statement runs
    (engine.sql.udf_calls) by replacing `udf_placeholder(n)` in the DuckDB text with its macro's name."""

    database: str | None
    schema: str | None
    name: str
    arity: int
    table: bool  # called in FROM: TABLE(f(…)) or LATERAL f(…)
    kinds: tuple[str | None, ...] = ()  # the type family of each literal argument (None: not known)
    start: int | None = field(default=None, compare=False)  # offset of the name in the statement text


def udf_placeholder(n: int) -> str:
    """The name call n of a user-defined function has in translated text."""
    return f"__snowreg_udf_{n}"


@dataclass(frozen=True, slots=True)
class Projected:
    """One result column's origin: a column of the one source table (or of a joined table), a type its
    text decides (a CAST, engine.sql.item_types), or `*`."""

    column: str | None = None  # a bare column reference (or "*": all of the source's columns)
    type: str | None = None  # the type the item's text decides
    source: tuple[str | None, str | None, str] | None = None  # a join's table the column is qualified by
    # the values the item may take (CASE / IFF / COALESCE branches, a set operation's sides): typed ARRAY /
    # OBJECT when every one of them is (table_meta.describe)
    branches: tuple[Projected, ...] = ()


@dataclass(frozen=True, slots=True)
class Translation:
    """The DuckDB text of one statement and what the engine needs to run it."""

    sql: str
    tables: tuple[TableRef, ...]
    kind: Kind
    returns_rows: bool
    source: str = ""  # the Snowflake text, for error positions
    columns: tuple[ColumnSite, ...] = ()  # where each column reference stands in `source`
    join_aliases: frozenset[str] = frozenset()  # select aliases a JOIN … ON may mean (bind.join_aliases)
    counts: tuple[str, ...] = ()  # a DML statement's count columns (engine.sql.dml)
    zoned: tuple[int, ...] = ()  # result columns that are TIMESTAMP_TZ, not TIMESTAMP_LTZ (engine.sql.dates)
    guard: str | None = None  # a query that must return no row before the statement runs (dml.merge_guard)
    table: TableDDL | None = None  # what CREATE / ALTER TABLE declare beyond DuckDB's catalog
    # a SELECT's one table (ddl.select_projection), or the earlier result it scans (scanned_result)
    read_table: tuple[str | None, str | None, str] | None = None
    projected: tuple[Projected, ...] = ()  # … and where its result columns come from
    # a query over INFORMATION_SCHEMA calling no function evaluated at execution time (volatility.py)
    deterministic: bool = False
    # `sql` without the VARIANT sort keys of bare columns, for a query that reads only tables (no view,
    # CTE, subquery, table function or set operation): run when none of them has a VARIANT column
    plain: str | None = None
    atomic: bool = False  # several DuckDB statements that succeed or fail together (INSERT OVERWRITE)
    multi_joined: str | None = None  # UPDATE … FROM: counts the target rows joining several rows (dml)
    steps: tuple[tuple[str, str | None], ...] = ()  # INSERT ALL / FIRST: each statement and its count column
    udfs: tuple[FunctionRef, ...] = ()  # calls of user-defined functions, bound when the statement runs
    set_probes: tuple[tuple[str, ...], ...] = ()  # each set operation's branches alone (engine.sql.setops)
    # TIMESTAMP_TZ columns at a literal's offset (minutes) or in a named zone (engine.sql.dates)
    offsets: tuple[tuple[int, int | str], ...] = ()
    # conditionals whose values' types the columns of the tables read decide (engine.sql.conditionals.Site) …
    conditionals: tuple[Site, ...] = ()
    scales: frozenset[tuple[int, str]] | None = None  # … and the decisions it was translated with


class ScaleCut(Exception):  # noqa: N818 - a signal to translate again, never shown to users
    """Conditional `index` would cut its values' fraction digits: translate it again with its values cast to
    `target` (engine.sql.conditionals)."""

    def __init__(self, index: int, target: str) -> None:
        super().__init__(index, target)
        self.index, self.target = index, target


class FloatOperand(Exception):  # noqa: N818 - a signal to translate again, never shown to users
    """Division `index` of the statement has a FLOAT operand: translate it again as a FLOAT division
    (raised by engine.sql.numbers' checks)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class TextOperand(Exception):  # noqa: N818 - a signal to translate again, never shown to users
    """An arithmetic operand is a VARCHAR: `index` names it (engine.sql.numbers.text_operands), None when
    DuckDB refused the arithmetic before any operand was probed."""

    def __init__(self, index: int | None, refusal: Exception | None = None) -> None:
        super().__init__(index)
        self.index, self.refusal = index, refusal  # refusal: raised when probing finds nothing new


# Ends the name of an AUTOINCREMENT / IDENTITY column's sequence in a translation (engine.sql.dml); each run
# writes 16 hex digits of its own there (engine.sql.run), so every table made gets new sequences: a table
# dropped, replaced or renamed never hands its counter to a new table of the same name. A column declared
# ORDER gets `$SEQO$` instead (DESCRIBE shows it; NOORDER is the default of new columns).
IDENTITY_MARK = "$SEQ$" + "~" * 16

# The DuckDB variable holding the session's active roles, for IS_ROLE_IN_SESSION (engine.sql.functions).
ROLES_VARIABLE = "snowreg_active_roles"


def scanned_result(query_id: str) -> tuple[str, str, str]:
    """How a SELECT's `read_table` names the earlier result it reads by TABLE(RESULT_SCAN('<id>')): an
    empty database, which no catalog object has."""
    return ("", "RESULT_SCAN", query_id)


# The database and schema translation writes into every object name the statement leaves unqualified (or
# names only a schema of): `qualified` (below) puts the names the binder resolved in their place before
# DuckDB runs the text, so DuckDB never resolves a name by its own search path (where the session's temporary
# relations come first, and a view's query resolves in the view's schema). No identifier holds U+001E.
# Appended to a statement of a session whose current schema is INFORMATION_SCHEMA (engine.sql.session_texts): its
# unqualified table names and table functions are that schema's views and functions (engine.sql.translate).
INFORMATION_MARKER = "/*snowreg:information_schema*/"
CURRENT_DATABASE = "\x1edatabase"
CURRENT_SCHEMA = "\x1eschema"


_QUOTED_DATABASE, _QUOTED_SCHEMA = f'"{CURRENT_DATABASE}"', f'"{CURRENT_SCHEMA}"'
# DuckDB text's string literals, quoted identifiers and comments, one token each
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)
_LOCAL = re.compile(rf'\.{_QUOTED_SCHEMA}\.("(?:[^"]|"")*")')


def qualified(tr: Translation, database: str | None, schema: str | None,
              local: frozenset[str] = frozenset()) -> Translation:
    """The translation with the binder's `database` and `schema` written where it left an object name
    unqualified (CURRENT_DATABASE, CURRENT_SCHEMA); `local` names relations the engine registered on the
    session's DuckDB handle for this statement, which stay unqualified."""
    if CURRENT_DATABASE[0] not in tr.sql and (not tr.steps or not any(CURRENT_DATABASE[0] in s for s, _ in tr.steps)) \
            and (not tr.set_probes or not any(CURRENT_DATABASE[0] in p for probes in tr.set_probes for p in probes)):
        return tr

    def named(text: str | None) -> str | None:
        return None if text is None else _written(text, database, schema, local)

    return replace(tr, sql=_written(tr.sql, database, schema, local), plain=named(tr.plain), guard=named(tr.guard),
                   multi_joined=named(tr.multi_joined), steps=tuple((_written(s, database, schema, local), label)
                                                                   for s, label in tr.steps),
                   set_probes=tuple(tuple(_written(p, database, schema, local) for p in probes)
                                    for probes in tr.set_probes))


def _written(text: str, database: str | None, schema: str | None, local: frozenset[str]) -> str:
    """`text` with the marks replaced: as identifiers, or inside a string literal (an identity column's
    `nextval('<sequence>')`) as the literal's text."""
    if CURRENT_DATABASE[0] not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in _TOKENS.finditer(text):
        token = m.group()
        if m.start() < pos or CURRENT_DATABASE[0] not in token:
            continue
        end = m.end()
        if token == _QUOTED_DATABASE and (after := _LOCAL.match(text, end)) is not None \
                and snowflake(after.group(1)[1:-1].replace('""', '"')) in local:
            end, name = after.end(), after.group(1)
        elif token in (_QUOTED_DATABASE, _QUOTED_SCHEMA):
            name = _container(token, database, schema)
        elif token.startswith("'"):
            name = token
            for mark in (_QUOTED_DATABASE, _QUOTED_SCHEMA):
                if mark in name:
                    name = name.replace(mark, _container(mark, database, schema).replace("'", "''"))
        else:
            continue
        out.extend((text[pos:m.start()], name))
        pos = end
    return "".join(out) + text[pos:]


def _container(mark: str, database: str | None, schema: str | None) -> str:
    """The quoted database or schema name a mark stands for (the session's must be set)."""
    if mark == _QUOTED_DATABASE:
        if database is None:
            raise errors.no_current_database()
        return _quote(database)
    if schema is None:
        raise errors.no_current_schema()
    return _quote(schema)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def history_view(query_id: str) -> str:
    """The DuckDB name of a scanned result (engine.sql.history.result_view)."""
    return "snowreg_result_" + re.sub(r"\W", "_", query_id)


# `SELECT` and one or more integer literals without sign or leading zero (at most 18 digits: an INT64),
# separated by commas, nothing else: no alias, comment, cast, semicolon or other literal.
_INTEGERS = re.compile(r"\s*SELECT\s+(?:0|[1-9][0-9]{0,17})(?:\s*,\s*(?:0|[1-9][0-9]{0,17}))*\s*", re.I | re.A)
_INTEGER = re.compile(r"[0-9]+")


def trivial(text: str) -> Translation | None:
    """The translation of a SELECT of integer literals only, as `translate.translate` gives it (each
    column named by its literal's text), or None for any other text."""
    return _trivial(text) if len(text) <= 200 else None  # long texts never match, nor stay in the cache


@functools.lru_cache(maxsize=512)  # a repeated text (`SELECT 1` in a loop) skips the match
def _trivial(text: str) -> Translation | None:
    if _INTEGERS.fullmatch(text) is None:
        return None
    digits = _INTEGER.findall(text)
    sql = "SELECT " + ", ".join(f'{d} AS "{d}"' for d in digits)
    return Translation(sql, (), "select", True, text, projected=(Projected(),) * len(digits))
