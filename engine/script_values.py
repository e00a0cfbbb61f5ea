"""Snowflake Scripting values: variables, their SQL literals, and binding them into expressions and statements.

A variable's value travels into SQL as a typed literal (`CAST('1.5' AS FLOAT)`), so every expression and
statement of a block is plain SQL for the one statement pipeline. In a SQL statement a variable is named
`:name` (https://docs.snowflake.com/en/developer-guide/snowflake-scripting/variables#using-a-variable-in-a-sql-statement-binding);
in an expression of Scripting itself (`x := y + 1`, `IF (y > 0)`) it is named bare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from snowreg import errors
from snowreg.engine.result import Column, Result
from snowreg.grammar.scripting import Tok, tokens
from snowreg.grammar.text import resolve_ident


@dataclass
class Value:
    """A variable's value, the Snowflake type it is cast to in SQL and the result column it came from."""

    value: Any
    type: str | None
    column: Column
    declared: bool = False  # the type was declared (DECLARE x NUMBER): later values are cast to it


@dataclass
class CursorVar:
    """A cursor: its query (or the RESULTSET it reads), and once open its rows and position."""

    query: str | None
    resultset: str | None
    result: Result | None = None
    pos: int = 0


@dataclass
class ResultsetVar:
    result: Result | None = None


@dataclass(eq=False)
class ExceptionVar:
    """A declared exception; handlers match it by identity (the declaration in scope)."""

    name: str
    code: int
    message: str


@dataclass
class Record:
    """A FOR loop's row variable: `row.column` reads a column of the current row."""

    columns: list[Column]
    row: tuple[Any, ...]

    def field(self, name: str) -> Value | None:
        for i, col in enumerate(self.columns):
            if col.name == name or col.name.upper() == name:
                return Value(self.row[i], type_of(col), col)
        return None


Slot = Value | CursorVar | ResultsetVar | ExceptionVar | Record


@dataclass
class Scope:
    """The names a block declares; lookups go out through the enclosing blocks."""

    names: dict[str, Slot] = field(default_factory=dict)
    parent: Scope | None = None

    def lookup(self, name: str) -> Slot | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None

    def owner(self, name: str) -> Scope | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope
            scope = scope.parent
        return None


_TYPE_TEXT = {"REAL": "FLOAT", "TEXT": "VARCHAR"}


def type_of(col: Column) -> str:
    """The Snowflake type a result column's values are cast to: FIXED(10,2) → NUMBER(10,2)."""
    if col.type == "FIXED":
        return f"NUMBER({col.precision or 38},{col.scale or 0})"
    return _TYPE_TEXT.get(col.type, col.type)


def literal(v: Value) -> str:
    """A SQL expression that has the value and type of `v`."""
    x = v.value
    if x is None:
        return f"CAST(NULL AS {v.type})" if v.type else "NULL"
    if isinstance(x, bool):
        text = "TRUE" if x else "FALSE"
    elif isinstance(x, int | Decimal):
        text = f"({x})" if x < 0 else str(x)
    elif isinstance(x, float):
        text = f"CAST('{x!r}' AS FLOAT)"
    elif isinstance(x, datetime | date | time):
        kind = v.type or ("TIMESTAMP_NTZ" if isinstance(x, datetime) else "DATE" if isinstance(x, date) else "TIME")
        return f"CAST('{x.isoformat(sep=' ') if isinstance(x, datetime) else x.isoformat()}' AS {kind})"
    elif isinstance(x, bytes | bytearray):
        text = f"TO_BINARY('{bytes(x).hex().upper()}', 'HEX')"
    else:
        quoted = "'" + str(x).replace("\\", "\\\\").replace("'", "''") + "'"
        if v.type in ("VARIANT", "OBJECT", "ARRAY"):
            return f"PARSE_JSON({quoted})" + ("" if v.type == "VARIANT" else f"::{v.type}")
        text = quoted
    return f"CAST({text} AS {v.type})" if v.type and v.type not in ("BOOLEAN", "VARCHAR", "BINARY") else text


Lookup = Any  # Callable[[str], Slot | None]: a name (resolved) → what it names, built-ins included


def _replace(text: str, edits: list[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, new in edits:
        out.append(text[last:start])
        out.append(new)
        last = end
    out.append(text[last:])
    return "".join(out)


def _reference(toks: list[Tok], i: int, lookup: Lookup) -> tuple[int, str] | None:
    """The variable reference at token i (`name` or `record.column`): how many tokens it spans, its literal."""
    slot = lookup(resolve_ident(toks[i].text))
    if isinstance(slot, Value):
        return 1, literal(slot)
    if isinstance(slot, Record) and i + 2 < len(toks) and toks[i + 1].text == ".":
        found = slot.field(resolve_ident(toks[i + 2].text))
        if found is not None:
            return 3, literal(found)
    return None


def bind_statement(text: str, lookup: Lookup) -> str:
    """A SQL statement with each `:name` (and `:row.column`) replaced by the variable's literal.

    A colon that follows a name, `)` or `]` without a space is a path into a semi-structured value
    (`v:field`), not a variable; `::` is a cast."""
    toks = tokens(text)
    edits: list[tuple[int, int, str]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.text == ":" and i + 1 < len(toks) and toks[i + 1].kind in ("word", "qident") \
                and toks[i + 1].start == tok.start + 1 and not _path(toks, i):
            ref = _reference(toks, i + 1, lookup)
            if ref is None:
                raise errors.script_bind_not_set(resolve_ident(toks[i + 1].text))
            span, lit = ref
            last = toks[i + span]
            edits.append((tok.start, last.start + len(last.text), lit))
            i += span + 1
            continue
        i += 1
    return _replace(text, edits) if edits else text


def _path(toks: list[Tok], i: int) -> bool:
    if i == 0:
        return False
    prev = toks[i - 1]
    adjacent = prev.start + len(prev.text) == toks[i].start
    return adjacent and (prev.kind in ("word", "qident", "number") or prev.text in (")", "]"))


def bind_expression(text: str, lookup: Lookup) -> str:
    """An expression of Scripting with its variables (bare or `:name`) replaced by their literals; a name
    followed by `(` is a function, one after `.` a part of a qualified name. Inside a query in the
    expression (`(SELECT …)`) the query's rules hold: only `:name` is a variable, a bare name a column."""
    toks = tokens(text)
    edits: list[tuple[int, int, str]] = []
    parens: list[bool] = []  # for each open parenthesis: does it hold a query?
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.text == "(":
            parens.append(i + 1 < len(toks) and toks[i + 1].upper in ("SELECT", "WITH"))
        elif tok.text == ")" and parens:
            parens.pop()
        bind = tok.text == ":" and i + 1 < len(toks) and not _path(toks, i)
        j = i + 1 if bind else i
        if (bind or not any(parens)) and j < len(toks) and toks[j].kind in ("word", "qident") \
                and not (j > 0 and toks[j - 1].text == ".") and not (j + 1 < len(toks) and toks[j + 1].text == "("):
            ref = _reference(toks, j, lookup)
            if ref is not None:
                span, lit = ref
                last = toks[j + span - 1]
                edits.append((tok.start, last.start + len(last.text), lit))
                i = j + span
                continue
        i += 1
    return _replace(text, edits) if edits else text


def bind_placeholders(text: str, values: list[Value]) -> str:
    """EXECUTE IMMEDIATE … USING / OPEN … USING: each `?` in turn takes the next value's literal."""
    toks = tokens(text)
    marks = [t for t in toks if t.text == "?"]
    if len(marks) != len(values):
        raise errors.compilation_error(f"Wrong number of bind values: the statement has {len(marks)} '?' and "
                                       f"USING gives {len(values)}.")
    return _replace(text, [(t.start, t.start + 1, literal(v)) for t, v in zip(marks, values, strict=True)])


# Integer arithmetic and comparisons answered without a query (a loop's `i := i + 1`, `IF (n > 0)`): exact
# for NUMBER(p, 0) values, whose sum, difference and product Snowflake types NUMBER(38, 0) as well.
_INTEGER_TYPES = frozenset({"NUMBER", "NUMBER(38,0)", "NUMBER(38, 0)", "INT", "INTEGER", "BIGINT", "SMALLINT",
                            "TINYINT", "BYTEINT", "NUMERIC", "DECIMAL"})
_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b}
_COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<>": lambda a, b: a != b,
            "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
INTEGER_COLUMN = Column("anonymous block", "FIXED", 38, 0)


def _integer(tok: Tok, lookup: Lookup) -> int | None:
    if tok.kind == "number" and tok.text.isdigit():
        return int(tok.text)
    if tok.kind in ("word", "qident"):
        v = lookup(resolve_ident(tok.text))
        if isinstance(v, Value) and type(v.value) is int and v.column.type == "FIXED" and not v.column.scale:
            return v.value
    return None


def quick_value(expr: str, lookup: Lookup, declared: str | None) -> Value | None:
    """`a`, `a op b` (op: + - * or a comparison) of integers and integer variables, or None (run a query)."""
    if declared is not None and declared.upper() not in _INTEGER_TYPES:
        return None
    toks = tokens(expr)
    while len(toks) >= 2 and toks[0].text == "(" and toks[-1].text == ")":
        toks = toks[1:-1]
    if len(toks) not in (1, 3):
        return None
    a = _integer(toks[0], lookup)
    if a is None:
        return None
    if len(toks) == 1:
        return Value(a, declared or "NUMBER(38,0)", INTEGER_COLUMN, declared is not None)
    b, op = _integer(toks[2], lookup), toks[1].text
    if b is None:
        return None
    if op in _COMPARE and declared is None:
        return Value(_COMPARE[op](a, b), "BOOLEAN", Column("anonymous block", "BOOLEAN"))
    if op not in _ARITHMETIC or (result := _ARITHMETIC[op](a, b)) is None or abs(result) >= 10 ** 38:
        return None
    return Value(result, declared or "NUMBER(38,0)", INTEGER_COLUMN, declared is not None)
