"""Typed AST of the registry dialect: frozen dataclasses, one `Statement` union."""

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
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class SetVariable:
    """SET var = expr, or SET (a, b) = (expr1, expr2). Expressions are Snowflake SQL text."""

    names: tuple[str, ...]
    exprs: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UnsetVariable:
    names: tuple[str, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class AlterSession:
    """ALTER SESSION SET p = v [...] / ALTER SESSION UNSET p [, ...]."""

    set: tuple[tuple[str, str], ...] = ()  # (PARAM, value text)
    unset: tuple[str, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowParameters:
    like: str | None = None
    scope: Literal["SESSION", "ACCOUNT", "USER"] | None = None
    span: Span = field(default=NO_SPAN, compare=False)


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FromModel:
    """`FROM MODEL src [VERSION v|alias]`."""

    model: QualifiedName
    version: Name | None = None


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


@dataclass(frozen=True, slots=True)
class UnsetAlias:
    """ALTER MODEL m VERSION v|alias UNSET ALIAS."""

    name: QualifiedName
    version: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


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


@dataclass(frozen=True, slots=True)
class DropVersion:
    name: QualifiedName
    version: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


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



@dataclass(frozen=True, slots=True)
class ShowAccountFunctions:
    """SHOW [USER | BUILT-IN] FUNCTIONS [LIKE] [IN ACCOUNT | DATABASE [d] | SCHEMA [s]] (not IN MODEL)."""

    kind: Literal["USER", "BUILT-IN"] | None = None
    like: str | None = None
    scope: Literal["ACCOUNT", "DATABASE", "SCHEMA"] | None = None
    scope_name: QualifiedName | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowWarehouses:
    like: str | None = None
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


# ---------------------------------------------------------------------------------------------
# Roles, users, grants
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateRole:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    comment: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropRole:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateUser:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    properties: tuple[tuple[str, str], ...] = ()  # (PROPERTY, value text), e.g. DEFAULT_ROLE
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropUser:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class GrantRole:
    role: Name
    grantee_kind: Literal["ROLE", "USER"]
    grantee: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class RevokeRole:
    role: Name
    grantee_kind: Literal["ROLE", "USER"]
    grantee: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UseRole:
    name: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UseSecondaryRoles:
    mode: Literal["ALL", "NONE"]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowRoles:
    like: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowUsers:
    like: str | None = None
    terse: bool = False
    starts_with: str | None = None
    limit: int | None = None
    limit_from: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ObjectTarget:
    """ON <kind> name (kind: MODEL, SCHEMA, DATABASE, TABLE, VIEW, STAGE, TAG, ROLE, ...)."""

    kind: str
    name: QualifiedName


@dataclass(frozen=True, slots=True)
class BulkTarget:
    """ON ALL|FUTURE <kinds> IN SCHEMA s | DATABASE d."""

    mode: Literal["ALL", "FUTURE"]
    kind: str  # singular object kind: MODEL, TABLE, ...
    container_kind: Literal["SCHEMA", "DATABASE"]
    container: QualifiedName


@dataclass(frozen=True, slots=True)
class AccountTarget:
    """ON ACCOUNT (global privileges such as CREATE ROLE, MANAGE GRANTS, APPLY TAG)."""


GrantTarget = ObjectTarget | BulkTarget | AccountTarget


@dataclass(frozen=True, slots=True)
class GrantPrivileges:
    privileges: tuple[str, ...]  # upper-case, e.g. ("USAGE", "READ"), ("CREATE MODEL",), ("ALL",)
    target: GrantTarget
    role: Name
    with_grant_option: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class RevokePrivileges:
    privileges: tuple[str, ...]
    target: GrantTarget
    role: Name
    grant_option_for: bool = False
    cascade: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class GrantOwnership:
    target: GrantTarget
    role: Name
    current_grants: Literal["REVOKE", "COPY"] | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowGrants:
    """SHOW GRANTS [ON <kind> n | TO ROLE r | TO USER u | OF ROLE r]; SHOW FUTURE GRANTS IN SCHEMA|DATABASE n."""

    variant: Literal["ON", "TO_ROLE", "TO_USER", "OF_ROLE", "FUTURE_IN", "CURRENT_USER", "ON_ACCOUNT"]
    kind: str | None = None  # object kind for ON; SCHEMA/DATABASE for FUTURE_IN
    name: QualifiedName | None = None
    limit: int | None = None
    span: Span = field(default=NO_SPAN, compare=False)


# ---------------------------------------------------------------------------------------------
# Queries with model constructs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelRef:
    """The callee of a method: `m`, `db.s.m`, `MODEL(m)`, `MODEL(m, v)`, or a `WITH … AS MODEL` alias."""

    model: QualifiedName
    version: Name | None = None  # None → default version
    explicit: bool = False  # written as MODEL(...)


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


@dataclass(frozen=True, slots=True)
class TableCall:
    """`TABLE(<model call> [OVER (PARTITION BY …)])` in FROM."""

    call: ModelCall
    partition_by: tuple[Template, ...] | None = None  # None: no OVER clause
    order_by: Template | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Template:
    """Snowflake SQL text with model constructs taken out: plain text pieces and call nodes in order."""

    parts: tuple[str | ModelCall | TableCall, ...]

    @property
    def has_calls(self) -> bool:
        return any(not isinstance(p, str) for p in self.parts)

    @property
    def text(self) -> str:
        """The plain text (only meaningful when there are no calls)."""
        return "".join(p for p in self.parts if isinstance(p, str))


@dataclass(frozen=True, slots=True)
class ModelAlias:
    """`WITH alias AS MODEL m [VERSION v]`."""

    alias: str  # resolved identifier
    model: QualifiedName
    version: Name | None = None


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


@dataclass(frozen=True, slots=True)
class Describe:
    """DESCRIBE|DESC <kind> name (e.g. TABLE, VIEW, STAGE, ARTIFACT REPOSITORY)."""

    kind: str
    name: QualifiedName
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


@dataclass(frozen=True, slots=True)
class ShowObjects:
    """SHOW [TERSE] TABLES | VIEWS | OBJECTS | COLUMNS | PRIMARY KEYS [LIKE] [IN …] [STARTS WITH] [LIMIT]."""

    kind: Literal["TABLES", "VIEWS", "OBJECTS", "COLUMNS", "PRIMARY KEYS"]
    terse: bool = False
    like: str | None = None
    scope: Literal["ACCOUNT", "DATABASE", "SCHEMA", "TABLE", "VIEW"] | None = None
    scope_name: QualifiedName | None = None  # DATABASE d → name=d; SCHEMA [d.]s → name=s, schema=d
    starts_with: str | None = None
    limit: int | None = None
    span: Span = field(default=NO_SPAN, compare=False)


Statement = (
    CreateDatabase
    | DropDatabase
    | CreateSchema
    | DropSchema
    | Use
    | ShowDatabases
    | ShowSchemas
    | SetVariable
    | UnsetVariable
    | AlterSession
    | ShowParameters
    | CreateModel
    | DropModel
    | AlterModelSet
    | AlterModelUnset
    | AlterModelSetTag
    | AlterModelUnsetTag
    | SetAlias
    | UnsetAlias
    | RenameModel
    | AddVersion
    | DropVersion
    | ModifyVersion
    | CommentOn
    | ShowModels
    | ShowObjects
    | ShowVersions
    | ShowFunctions
    | CreateTag
    | DropTag
    | CreateStage
    | DropStage
    | Put
    | Get
    | ListFiles
    | RemoveFiles
    | CreateRole
    | DropRole
    | CreateUser
    | DropUser
    | GrantRole
    | RevokeRole
    | UseRole
    | UseSecondaryRoles
    | ShowRoles
    | ShowUsers
    | ShowAccountFunctions
    | ShowWarehouses
    | CreateWarehouse
    | DropWarehouse
    | AlterWarehouse
    | GrantPrivileges
    | RevokePrivileges
    | GrantOwnership
    | ShowGrants
    | Query
    | Describe
    | LiveVersion
)
