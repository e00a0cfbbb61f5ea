"""Queries with model constructs, DESCRIBE, SHOW of tables and views, live versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from snowreg.grammar.ast.names import NO_SPAN, Name, QualifiedName, Span

# ---------------------------------------------------------------------------------------------
# Queries with model constructs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelRef:
    """The callee of a method: `m`, `db.s.m`, `MODEL(m)`, `MODEL(m, v)`, or a `WITH … AS MODEL` alias."""

    model: QualifiedName
    version: Name | None = None  # None → default version
    explicit: bool = False  # written as MODEL(...)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class Arg:
    """One call argument: its Snowflake SQL text as a template (it may hold nested model calls)."""

    value: Template
    name: str | None = None  # `name => expr` (resolved identifier)
    span: Span = field(default=NO_SPAN, compare=False)  # where the value's text starts


@dataclass(frozen=True, slots=True)
class ModelCall:
    """`callee!method(args)`. `callee` is a ModelRef or the name of a `WITH … AS MODEL` alias."""

    callee: ModelRef
    method: str  # resolved identifier: PREDICT, or "predict" when quoted
    args: tuple[Arg, ...]
    span: Span = field(default=NO_SPAN, compare=False)
    written: str = field(default="", compare=False)  # the call's text as written (a view's text keeps it)


@dataclass(frozen=True, slots=True)
class TableCall:
    """`TABLE(<model call> [OVER (PARTITION BY …)])` in FROM."""

    call: ModelCall
    partition_by: tuple[Template, ...] | None = None  # None: no OVER clause
    order_by: Template | None = None
    span: Span = field(default=NO_SPAN, compare=False)
    written: str = field(default="", compare=False)  # `TABLE(…)` as written


@dataclass(frozen=True, slots=True)
class Template:
    """Snowflake SQL text with model constructs taken out: plain text pieces and call nodes in order."""

    parts: tuple[str | ModelCall | TableCall, ...]
    # Where the text pieces were written: (offset in `text`, length, line, column) of each stretch
    # copied from the source, so that a place in text made from the template maps back to it.
    source: tuple[tuple[int, int, int, int], ...] = field(default=(), compare=False)
    # Made once with the template (every statement reads them, several times): whether it holds a model call,
    # and its plain text (only meaningful when there are no calls).
    has_calls: bool = field(init=False, repr=False, compare=False)
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        texts = [p for p in self.parts if isinstance(p, str)]
        object.__setattr__(self, "has_calls", len(texts) != len(self.parts))
        object.__setattr__(self, "text", "".join(texts))


@dataclass(frozen=True, slots=True)
class ModelAlias:
    """`WITH alias AS MODEL m [VERSION v]`."""

    alias: str  # resolved identifier
    model: QualifiedName
    version: Name | None = None
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class Query:
    """Any plain SQL statement (SELECT, WITH, INSERT, CREATE TABLE, …) possibly holding model calls.

    `verb` is the upper-cased first keyword(s) (SELECT, WITH, INSERT, UPDATE, DELETE, MERGE, CREATE TABLE,
    CREATE VIEW, DROP TABLE, …). `model_aliases` are the `WITH … AS MODEL` items, already removed from
    `body` (the ordinary CTEs stay in the body, with their WITH keyword).
    """

    verb: str
    body: Template
    model_aliases: tuple[ModelAlias, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)
    # Where a `WITH … AS MODEL` clause inside the statement stood (grammar.nested_with): the index of the
    # blank piece of `body` left in its place. None: the aliases opened the statement.
    aliases_part: int | None = None


@dataclass(frozen=True, slots=True)
class AnonymousBlock:
    """A Snowflake Scripting block sent as a statement: `[DECLARE …] BEGIN … END;` (grammar.scripting)."""

    text: str
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Describe:
    """DESCRIBE|DESC <kind> name (e.g. TABLE, VIEW, STAGE, ARTIFACT REPOSITORY) [TYPE = COLUMNS | STAGE]."""

    kind: str
    name: QualifiedName
    arg_types: tuple[str, ...] | None = None  # DESCRIBE FUNCTION f(NUMBER, VARCHAR)
    type: str | None = None  # TYPE = COLUMNS | STAGE, as written (DESCRIBE TABLE only)
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DescribeResult:
    """DESC[RIBE] RESULT { '<query_id>' | LAST_QUERY_ID() }: the columns of an earlier query's result."""

    query_id: str | None  # None: LAST_QUERY_ID(position)
    position: int = -1  # LAST_QUERY_ID(n): -1 the latest query, -2 the one before, 1 the session's first
    span: Span = field(default=NO_SPAN, compare=False)

@dataclass(frozen=True, slots=True)
class LiveVersion:
    """The client's undocumented live-commit path (docs/SNOWFLAKE.md#s1-1): `CREATE [OR REPLACE] MODEL
    [IF NOT EXISTS] m WITH LIVE VERSION v`, `ALTER MODEL [IF EXISTS] m ADD LIVE VERSION v`,
    `ALTER MODEL [IF EXISTS] m COMMIT VERSION v [RENAME TO m2] [RENAME VERSION TO v2]`."""

    action: Literal["CREATE", "ADD", "COMMIT"]
    name: QualifiedName
    version: Name
    or_replace: bool = False
    if_not_exists: bool = False
    if_exists: bool = False
    rename_to: QualifiedName | None = None  # COMMIT: the model's new name
    rename_version_to: Name | None = None  # COMMIT: the version's new name
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands
    rename_version_to_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowObjects:
    """SHOW [TERSE] TABLES | VIEWS | OBJECTS | COLUMNS | PRIMARY / UNIQUE / IMPORTED KEYS | SEQUENCES | TAGS | STAGES … [LIKE] [IN …] [STARTS WITH]
    [LIMIT n [FROM 'name']]."""

    kind: Literal["TABLES", "VIEWS", "OBJECTS", "COLUMNS", "PRIMARY KEYS", "UNIQUE KEYS", "IMPORTED KEYS",
                  "SEQUENCES", "TAGS", "MATERIALIZED VIEWS", "TASKS", "DYNAMIC TABLES", "STAGES"]
    terse: bool = False
    like: str | None = None
    scope: Literal["ACCOUNT", "DATABASE", "SCHEMA", "TABLE", "VIEW"] | None = None
    scope_name: QualifiedName | None = None  # DATABASE d → name=d; SCHEMA [d.]s → name=s, schema=d
    starts_with: str | None = None
    limit: int | None = None
    limit_from: str | None = None  # LIMIT n FROM 'name'
    history: bool = False  # SHOW TABLES HISTORY: dropped tables too, with a dropped_on column
    span: Span = field(default=NO_SPAN, compare=False)
