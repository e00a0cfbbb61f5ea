"""Positions and names: spans, name parts, qualified names and stage references."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# ---------------------------------------------------------------------------------------------
# Positions and names
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node stands in the source text: 0-based offsets, 1-based line, 0-based column."""

    start: int
    end: int
    line: int = 1
    column: int = 0
    # A statement's span also holds every single name part written inside it and where each stands,
    # so an error about a role or a database the statement names can point at it (fields holding a
    # plain `Name` have no span of their own). Not part of equality.
    names: tuple[NameSpan, ...] = field(default=(), compare=False)


NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True)
class VarRef:
    """`IDENTIFIER($var)` or `$var` where a name is expected: resolved from session variables."""

    var: str  # upper-cased variable name


@dataclass(frozen=True, slots=True)
class IdentFromString:
    """`IDENTIFIER('text')`: the string is read as an identifier (unquoted → upper, "q" → q)."""

    text: str


# A name part: already resolved by identifier rules (unquoted → upper case, quoted → as written),
# or a reference to be resolved by the engine.
Name = str | VarRef | IdentFromString


@dataclass(frozen=True, slots=True)
class NameSpan:
    """One name part the statement writes (a role, a user, a database, a warehouse, a version, …)."""

    name: Name
    span: Span


@dataclass(frozen=True, slots=True)
class QualifiedName:
    """`[db.][schema.]name`; parts are resolved identifier text (None where not given)."""

    name: Name
    schema: Name | None = None
    database: Name | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class StageRef:
    """`@[ns.]stage[/path]`, `@~[/path]`, `@%table[/path]` or `'snow://model/<fqn>/versions/<v>/path'`."""

    kind: Literal["named", "user", "table", "model"]
    name: QualifiedName | None  # stage name, table name, or model name for snow://model
    path: str = ""  # the path after the stage, without a leading '/'
    version: str | None = None  # for snow://model URLs: the resolved version text
