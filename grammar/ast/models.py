"""Statements about models and their versions: CREATE / ALTER / DROP / SHOW MODEL and versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from snowreg.grammar.ast.names import NO_SPAN, Name, QualifiedName, Span, StageRef

# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FromModel:
    """`FROM MODEL src [VERSION v|alias]`."""

    model: QualifiedName
    version: Name | None = None
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class FromStage:
    """`FROM @stage/path` (or a snow:// URL)."""

    stage: StageRef


ModelSource = FromModel | FromStage


@dataclass(frozen=True, slots=True)
class CreateModel:
    name: QualifiedName
    source: ModelSource
    version: Name | None = None  # WITH VERSION v
    or_replace: bool = False
    if_not_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class DropModel:
    name: QualifiedName
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterModelSet:
    """ALTER MODEL m SET [COMMENT = '…'] [DEFAULT_VERSION = v]."""

    name: QualifiedName
    comment: str | None = None
    default_version: Name | None = None
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    default_version_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterModelUnset:
    """ALTER MODEL m UNSET COMMENT."""

    name: QualifiedName
    comment: bool = True
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterModelSetTag:
    name: QualifiedName
    tags: tuple[tuple[QualifiedName, str], ...]
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterModelUnsetTag:
    name: QualifiedName
    tags: tuple[QualifiedName, ...]
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class SetAlias:
    """ALTER MODEL m VERSION v SET ALIAS = a."""

    name: QualifiedName
    version: Name
    alias: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands
    alias_span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UnsetAlias:
    """ALTER MODEL m VERSION v|alias UNSET ALIAS."""

    name: QualifiedName
    version: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class RenameModel:
    name: QualifiedName
    new_name: QualifiedName
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AddVersion:
    name: QualifiedName
    version: Name
    source: ModelSource
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class DropVersion:
    name: QualifiedName
    version: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class ModifyVersion:
    """ALTER MODEL m MODIFY VERSION v SET [COMMENT = '…'] [METADATA = '…'] / UNSET COMMENT|METADATA."""

    name: QualifiedName
    version: Name
    comment: str | None = None
    metadata: str | None = None
    unset_comment: bool = False
    unset_metadata: bool = False
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands


@dataclass(frozen=True, slots=True)
class CommentOn:
    """COMMENT [IF EXISTS] ON <kind> name IS '…'."""

    kind: str  # MODEL, TABLE, SCHEMA, DATABASE, ...
    name: QualifiedName
    comment: str
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowModels:
    like: str | None = None
    scope: Literal["ACCOUNT", "DATABASE", "SCHEMA"] | None = None
    scope_name: QualifiedName | None = None  # DATABASE d → name=d; SCHEMA [d.]s → name=s, schema=d
    starts_with: str | None = None
    limit: int | None = None
    limit_from: str | None = None  # LIMIT n FROM 'name'
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowVersions:
    model: QualifiedName
    like: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowFunctions:
    model: QualifiedName
    version: Name | None = None
    like: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)
    version_span: Span = field(default=NO_SPAN, compare=False)  # where the version name stands



@dataclass(frozen=True, slots=True)
class ShowAccountFunctions:
    """SHOW [USER | BUILT-IN] FUNCTIONS | PROCEDURES [LIKE] [IN ACCOUNT | DATABASE [d] | SCHEMA [s]] (not IN MODEL)."""

    kind: Literal["USER", "BUILT-IN"] | None = None
    like: str | None = None
    scope: Literal["ACCOUNT", "DATABASE", "SCHEMA"] | None = None
    scope_name: QualifiedName | None = None
    procedures: bool = False  # SHOW … PROCEDURES
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowWarehouses:
    like: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowTransactions:
    """SHOW TRANSACTIONS [IN ACCOUNT] (https://docs.snowflake.com/en/sql-reference/sql/show-transactions)."""

    in_account: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowLocks:
    """SHOW LOCKS [IN ACCOUNT] (https://docs.snowflake.com/en/sql-reference/sql/show-locks)."""

    in_account: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateWarehouse:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    properties: tuple[tuple[str, str], ...] = ()  # (PROPERTY, value text), e.g. WAREHOUSE_SIZE
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropWarehouse:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterWarehouse:
    name: Name
    action: Literal["SET", "SUSPEND", "RESUME"]
    properties: tuple[tuple[str, str], ...] = ()
    if_exists: bool = False
    if_suspended: bool = False  # RESUME IF SUSPENDED
    span: Span = field(default=NO_SPAN, compare=False)
