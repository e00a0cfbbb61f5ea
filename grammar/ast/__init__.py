"""Typed AST of the registry dialect: frozen dataclasses by topic, one `Statement` union, one import.

`from snowreg.grammar import ast` then `ast.CreateModel`, `ast.Statement`: the modules of this package
hold the nodes by topic (names, containers, models, objects, access, queries).
"""

from __future__ import annotations

from snowreg.grammar.ast.access import (
    AccountTarget,
    BulkTarget,
    CreateRole,
    CreateUser,
    DropRole,
    DropUser,
    GrantOwnership,
    GrantPrivileges,
    GrantRole,
    GrantTarget,
    ObjectTarget,
    RevokePrivileges,
    RevokeRole,
    ShowGrants,
    ShowRoles,
    ShowUsers,
    UseRole,
    UseSecondaryRoles,
)
from snowreg.grammar.ast.containers import (
    AlterSession,
    CreateDatabase,
    CreateSchema,
    DropDatabase,
    DropSchema,
    SetVariable,
    ShowDatabases,
    ShowParameters,
    ShowSchemas,
    UnsetVariable,
    Use,
)
from snowreg.grammar.ast.models import (
    AddVersion,
    AlterModelSet,
    AlterModelSetTag,
    AlterModelUnset,
    AlterModelUnsetTag,
    AlterWarehouse,
    CommentOn,
    CreateModel,
    CreateWarehouse,
    DropModel,
    DropVersion,
    DropWarehouse,
    FromModel,
    FromStage,
    ModelSource,
    ModifyVersion,
    RenameModel,
    SetAlias,
    ShowAccountFunctions,
    ShowFunctions,
    ShowModels,
    ShowTransactions,
    ShowVersions,
    ShowWarehouses,
    UnsetAlias,
)
from snowreg.grammar.ast.names import (
    NO_SPAN,
    IdentFromString,
    Name,
    NameSpan,
    QualifiedName,
    Span,
    StageRef,
    VarRef,
)
from snowreg.grammar.ast.objects import (
    CreateStage,
    CreateTag,
    DropStage,
    DropTag,
    Get,
    ListFiles,
    Put,
    RemoveFiles,
)
from snowreg.grammar.ast.queries import (
    Arg,
    Describe,
    LiveVersion,
    ModelAlias,
    ModelCall,
    ModelRef,
    Query,
    ShowObjects,
    TableCall,
    Template,
)

__all__ = [
    "AccountTarget",
    "AddVersion",
    "AlterModelSet",
    "AlterModelSetTag",
    "AlterModelUnset",
    "AlterModelUnsetTag",
    "AlterSession",
    "AlterWarehouse",
    "Arg",
    "BulkTarget",
    "CommentOn",
    "CreateDatabase",
    "CreateModel",
    "CreateRole",
    "CreateSchema",
    "CreateStage",
    "CreateTag",
    "CreateUser",
    "CreateWarehouse",
    "Describe",
    "DropDatabase",
    "DropModel",
    "DropRole",
    "DropSchema",
    "DropStage",
    "DropTag",
    "DropUser",
    "DropVersion",
    "DropWarehouse",
    "FromModel",
    "FromStage",
    "Get",
    "GrantOwnership",
    "GrantPrivileges",
    "GrantRole",
    "GrantTarget",
    "IdentFromString",
    "ListFiles",
    "LiveVersion",
    "ModelAlias",
    "ModelCall",
    "ModelRef",
    "ModelSource",
    "ModifyVersion",
    "NO_SPAN",
    "Name",
    "NameSpan",
    "ObjectTarget",
    "Put",
    "QualifiedName",
    "Query",
    "RemoveFiles",
    "RenameModel",
    "RevokePrivileges",
    "RevokeRole",
    "SetAlias",
    "SetVariable",
    "ShowAccountFunctions",
    "ShowDatabases",
    "ShowFunctions",
    "ShowGrants",
    "ShowModels",
    "ShowObjects",
    "ShowParameters",
    "ShowRoles",
    "ShowSchemas",
    "ShowUsers",
    "ShowVersions",
    "ShowTransactions",
    "ShowWarehouses",
    "Span",
    "StageRef",
    "TableCall",
    "Template",
    "UnsetAlias",
    "UnsetVariable",
    "Use",
    "UseRole",
    "UseSecondaryRoles",
    "VarRef",
    "Statement",
]

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
    | ShowTransactions
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
