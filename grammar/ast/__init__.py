"""Typed AST of the registry dialect: frozen dataclasses by topic, one `Statement` union, one import.

`from snowreg.grammar import ast` then `ast.CreateModel`, `ast.Statement`: the modules of this package
hold the nodes by topic (names, containers, models, objects, access, queries).

The nodes of `names` and `queries` (every statement's names and spans, and plain SQL) load with the
package; the other topics when one of their names is first used (`ast.CreateModel`): building the
frozen slotted dataclasses costs time a session that sends only SQL never needs to pay.
"""

from __future__ import annotations

import functools
import importlib
import operator
from typing import TYPE_CHECKING, Any

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
from snowreg.grammar.ast.queries import (
    AnonymousBlock,
    Arg,
    Describe,
    DescribeResult,
    LiveVersion,
    ModelAlias,
    ModelCall,
    ModelRef,
    Query,
    ShowObjects,
    TableCall,
    Template,
)

# Topic module → the names it holds that load with their first use.
_LAZY_TOPICS: dict[str, tuple[str, ...]] = {
    "access": (
        "AccountTarget",
        "BulkTarget",
        "CreateRole",
        "CreateUser",
        "DropRole",
        "DropUser",
        "GrantOwnership",
        "GrantPrivileges",
        "GrantRole",
        "GrantTarget",
        "ObjectTarget",
        "RevokePrivileges",
        "RevokeRole",
        "ShowGrants",
        "ShowRoles",
        "ShowUsers",
        "UseRole",
        "UseSecondaryRoles",
    ),
    "containers": (
        "AlterSession",
        "CreateDatabase",
        "CreateSchema",
        "DropDatabase",
        "DropSchema",
        "SetVariable",
        "ShowVariables",
        "ShowDatabases",
        "ShowParameters",
        "ShowSchemas",
        "UnsetVariable",
        "Use",
    ),
    "models": (
        "AddVersion",
        "AlterModelSet",
        "AlterModelSetTag",
        "AlterModelUnset",
        "AlterModelUnsetTag",
        "AlterWarehouse",
        "CommentOn",
        "CreateModel",
        "CreateWarehouse",
        "DropModel",
        "DropVersion",
        "DropWarehouse",
        "FromModel",
        "FromStage",
        "ModelSource",
        "ModifyVersion",
        "RenameModel",
        "SetAlias",
        "ShowAccountFunctions",
        "ShowFunctions",
        "ShowModels",
        "ShowVersions",
        "ShowTransactions",
        "ShowLocks",
        "ShowWarehouses",
        "UnsetAlias",
    ),
    "objects": (
        "CreateStage",
        "CreateTag",
        "DropStage",
        "DropTag",
        "Get",
        "ListFiles",
        "Put",
        "RemoveFiles",
    ),
}
_TOPIC_OF: dict[str, str] = {name: topic for topic, names in _LAZY_TOPICS.items() for name in names}

# The statements a parse returns, in this order (`Statement` is their union).
_STATEMENTS: tuple[str, ...] = (
    "CreateDatabase",
    "DropDatabase",
    "CreateSchema",
    "DropSchema",
    "Use",
    "ShowDatabases",
    "ShowSchemas",
    "SetVariable",
    "UnsetVariable",
    "AlterSession",
    "ShowParameters",
    "ShowVariables",
    "CreateModel",
    "DropModel",
    "AlterModelSet",
    "AlterModelUnset",
    "AlterModelSetTag",
    "AlterModelUnsetTag",
    "SetAlias",
    "UnsetAlias",
    "RenameModel",
    "AddVersion",
    "DropVersion",
    "ModifyVersion",
    "CommentOn",
    "ShowModels",
    "ShowObjects",
    "ShowVersions",
    "ShowFunctions",
    "CreateTag",
    "DropTag",
    "CreateStage",
    "DropStage",
    "Put",
    "Get",
    "ListFiles",
    "RemoveFiles",
    "CreateRole",
    "DropRole",
    "CreateUser",
    "DropUser",
    "GrantRole",
    "RevokeRole",
    "UseRole",
    "UseSecondaryRoles",
    "ShowRoles",
    "ShowUsers",
    "ShowAccountFunctions",
    "ShowWarehouses",
    "ShowTransactions",
    "ShowLocks",
    "CreateWarehouse",
    "DropWarehouse",
    "AlterWarehouse",
    "GrantPrivileges",
    "RevokePrivileges",
    "GrantOwnership",
    "ShowGrants",
    "Query",
    "Describe",
    "DescribeResult",
    "LiveVersion",
    "AnonymousBlock",
)

if TYPE_CHECKING:
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
        ShowVariables,
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
        ShowLocks,
        ShowModels,
        ShowTransactions,
        ShowVersions,
        ShowWarehouses,
        UnsetAlias,
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
        | ShowVariables
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
        | ShowLocks
        | CreateWarehouse
        | DropWarehouse
        | AlterWarehouse
        | GrantPrivileges
        | RevokePrivileges
        | GrantOwnership
        | ShowGrants
        | Query
        | Describe
        | DescribeResult
        | LiveVersion
        | AnonymousBlock
    )
else:
    def __getattr__(name: str) -> Any:
        """A node of a topic not loaded yet (its module is imported once), or the `Statement` union."""
        if name == "Statement":
            value = functools.reduce(operator.or_, (globals().get(n) or __getattr__(n) for n in _STATEMENTS))
        elif name in _TOPIC_OF:
            value = getattr(importlib.import_module(f"{__name__}.{_TOPIC_OF[name]}"), name)
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        globals()[name] = value
        return value

__all__ = [
    "AccountTarget",
    "AddVersion",
    "AlterModelSet",
    "AlterModelSetTag",
    "AlterModelUnset",
    "AlterModelUnsetTag",
    "AlterSession",
    "AlterWarehouse",
    "AnonymousBlock",
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
    "DescribeResult",
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
    "ShowVariables",
    "ShowVersions",
    "ShowTransactions",
    "ShowLocks",
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
