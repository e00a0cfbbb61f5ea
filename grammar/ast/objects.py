"""Statements about tags, stages and files: CREATE / DROP TAG and STAGE, PUT, GET, LIST, REMOVE."""

from __future__ import annotations

from dataclasses import dataclass, field

from snowreg.grammar.ast.names import NO_SPAN, QualifiedName, Span, StageRef

# ---------------------------------------------------------------------------------------------
# Tags, stages, files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateTag:
    name: QualifiedName
    or_replace: bool = False
    if_not_exists: bool = False
    allowed_values: tuple[str, ...] = ()
    comment: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropTag:
    name: QualifiedName
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateStage:
    """CREATE [OR REPLACE] [SCOPED] [TEMPORARY] STAGE [IF NOT EXISTS] s [URL = 'file:///dir'] [...]."""

    name: QualifiedName
    or_replace: bool = False
    if_not_exists: bool = False
    temporary: bool = False
    url: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # other KEY = value options, as text
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropStage:
    name: QualifiedName
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Put:
    """PUT 'file://…' @stage/path [OPTION = value ...]."""

    local: str  # the file:// URL as written (glob allowed)
    stage: StageRef
    options: tuple[tuple[str, str], ...] = ()  # (OPTION, value text), options upper-cased
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Get:
    """GET @stage/path|'snow://…' 'file://dir' [PATTERN = '…']."""

    stage: StageRef
    local: str
    pattern: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ListFiles:
    """LIST @stage[/path] | 'snow://…' [PATTERN = '…']."""

    stage: StageRef
    pattern: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class RemoveFiles:
    stage: StageRef
    pattern: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)
