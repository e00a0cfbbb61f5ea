"""Snowflake Scripting: a block's declarations and statements, as grammar.scripting reads them.

Expressions and SQL statements stay text: the engine binds the block's variables into them and sends
them down the one statement pipeline (engine.scripting). Names are resolved (unquoted: upper case).
"""

from __future__ import annotations

from dataclasses import dataclass

Pos = tuple[int, int]  # (1-based line, 0-based column) of a statement in the block's text


@dataclass(frozen=True, slots=True)
class DeclareVar:
    """`name [type] [DEFAULT | := expr]` (DECLARE) or `LET name [type] {DEFAULT | :=} expr`."""

    name: str
    type: str | None
    default: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class DeclareCursor:
    """`name CURSOR FOR <query>` or `name CURSOR FOR <resultset name>` (`resultset` set)."""

    name: str
    query: str | None
    resultset: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class DeclareResultset:
    """`name RESULTSET [DEFAULT | := (<query>)]`: the query text without its parentheses."""

    name: str
    query: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class DeclareException:
    """`name EXCEPTION [(number, 'message')]`."""

    name: str
    code: int
    message: str
    pos: Pos = (1, 0)


Declaration = DeclareVar | DeclareCursor | DeclareResultset | DeclareException


@dataclass(frozen=True, slots=True)
class Handler:
    """`WHEN name [OR name …] THEN statements` of an EXCEPTION section (names: OTHER, STATEMENT_ERROR …)."""

    names: tuple[str, ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Block:
    """`[DECLARE …] BEGIN … [EXCEPTION …] END`."""

    declarations: tuple[Declaration, ...]
    body: tuple[Stmt, ...]
    handlers: tuple[Handler, ...]
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Let:
    declaration: Declaration
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Assign:
    """`name := expr` (a RESULTSET's expression is a parenthesised query)."""

    name: str
    expr: str
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class If:
    branches: tuple[tuple[str, tuple[Stmt, ...]], ...]  # (condition, statements) of IF and each ELSEIF
    otherwise: tuple[Stmt, ...] | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Case:
    operand: str | None  # None: a searched CASE (each WHEN holds a condition)
    whens: tuple[tuple[str, tuple[Stmt, ...]], ...]
    otherwise: tuple[Stmt, ...] | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class ForRange:
    var: str
    reverse: bool
    start: str
    end: str
    body: tuple[Stmt, ...]
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class ForCursor:
    """`FOR row IN cursor_or_resultset DO …`."""

    var: str
    source: str
    body: tuple[Stmt, ...]
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class While:
    cond: str
    body: tuple[Stmt, ...]
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Repeat:
    body: tuple[Stmt, ...]
    until: str
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Loop:
    body: tuple[Stmt, ...]
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Break:
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Continue:
    label: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Return:
    expr: str | None
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class ReturnTable:
    """`RETURN TABLE(resultset)` or `RETURN TABLE(RESULTSET_FROM_CURSOR(cursor))` (`cursor` set)."""

    source: str
    cursor: bool
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Raise:
    name: str | None  # None: re-raise the exception being handled
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Open:
    name: str
    using: tuple[str, ...]
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Fetch:
    name: str
    into: tuple[str, ...]
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Close:
    name: str
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Null:
    pos: Pos = (1, 0)


@dataclass(frozen=True, slots=True)
class Sql:
    """A SQL statement (the text up to its `;`), run through the engine with the variables bound."""

    text: str
    pos: Pos = (1, 0)


Stmt = (Block | Let | Assign | If | Case | ForRange | ForCursor | While | Repeat | Loop | Break | Continue
        | Return | ReturnTable | Raise | Open | Fetch | Close | Null | Sql)
