"""Statements about databases, schemas, the session, its variables and parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from snowreg.grammar.ast.names import NO_SPAN, Name, QualifiedName, Span

# ---------------------------------------------------------------------------------------------
# Databases, schemas, session
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateDatabase:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    comment: str | None = None
    transient: bool = False
    clone: QualifiedName | None = None  # CLONE database (the name in .name)
    retention: int | None = None  # DATA_RETENTION_TIME_IN_DAYS = n
    tags: tuple[tuple[QualifiedName, str], ...] = ()  # [WITH] TAG ( t = 'v', … )
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropDatabase:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateSchema:
    name: QualifiedName  # name.name = schema, name.schema = database
    or_replace: bool = False
    if_not_exists: bool = False
    comment: str | None = None
    transient: bool = False
    managed_access: bool = False
    clone: QualifiedName | None = None  # CLONE [db.]schema
    retention: int | None = None  # DATA_RETENTION_TIME_IN_DAYS = n
    tags: tuple[tuple[QualifiedName, str], ...] = ()  # [WITH] TAG ( t = 'v', … )
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropSchema:
    name: QualifiedName  # name.name = schema, name.schema = database
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Use:
    """USE [DATABASE|SCHEMA|WAREHOUSE] n. kind None: one part = database, two parts = schema."""

    kind: Literal["DATABASE", "SCHEMA", "WAREHOUSE"] | None
    name: QualifiedName
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowDatabases:
    like: str | None = None
    starts_with: str | None = None
    limit: int | None = None
    terse: bool = False
    history: bool = False
    limit_from: str | None = None  # LIMIT n FROM 'name'
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowSchemas:
    like: str | None = None
    in_database: Name | None = None
    in_account: bool = False
    starts_with: str | None = None
    limit: int | None = None
    terse: bool = False
    limit_from: str | None = None  # LIMIT n FROM 'name'
    history: bool = False  # SHOW SCHEMAS HISTORY: a dropped_on column
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowVariables:
    """SHOW VARIABLES [LIKE 'pattern']: the session's variables."""

    like: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class SetVariable:
    """SET var = expr, or SET (a, b) = (expr1, expr2). Expressions are Snowflake SQL text."""

    names: tuple[str, ...]
    exprs: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    expr_spans: tuple[Span, ...] = field(default=(), compare=False)  # where each expression is written


@dataclass(frozen=True, slots=True)
class UnsetVariable:
    names: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    name_spans: tuple[Span, ...] = field(default=(), compare=False)  # where each name is written


@dataclass(frozen=True, slots=True)
class AlterSession:
    """ALTER SESSION SET p = v [...] / ALTER SESSION UNSET p [, ...]."""

    set: tuple[tuple[str, str], ...] = ()  # (PARAM, value text)
    unset: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowParameters:
    like: str | None = None
    scope: Literal["SESSION", "ACCOUNT", "USER", "DATABASE", "SCHEMA", "TABLE", "WAREHOUSE", "TASK"] | None = None
    target: QualifiedName | None = None  # IN USER | DATABASE | SCHEMA | TABLE | ... <name> (None: the current one)
    span: Span = field(default=NO_SPAN, compare=False)
