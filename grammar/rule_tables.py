"""Rules whose AST value is a plain function of their children: the clause and statement tables that
`build.Builder` falls back to, and the small helpers it shares with them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from lark import Token

from snowreg.grammar import ast as a
from snowreg.grammar.lexical import BuildError, decode_string
from snowreg.grammar.text import resolve_ident

_PATTERN = frozenset({"PATTERN"})
_GET_OPTS = frozenset({"PATTERN", "PARALLEL"})

@dataclass(slots=True)
class Opt:
    """`KEY = value` with the key upper-cased and the value as text (strings decoded)."""

    key: str
    value: str
    pos: int
    written: str


def flag(value: object) -> bool:
    return value is not None


# A version or alias name comes as an a.NameSpan; statements keep it as a field `x` and its `x_span`.
def name_of(at: a.NameSpan | None) -> a.Name | None:
    return at.name if at is not None else None


def span_of(at: a.NameSpan | None) -> a.Span:
    return at.span if at is not None else a.NO_SPAN


def _pattern(opts: list[Opt], allowed: frozenset[str]) -> str | None:
    """The PATTERN option of GET/LIST/REMOVE; an option outside `allowed` is a syntax error."""
    pattern = None
    for opt in opts:
        if opt.key not in allowed:
            raise BuildError(opt.pos, opt.written)
        if opt.key == "PATTERN":
            pattern = opt.value
    return pattern


def name_from(c: list[Any]) -> a.Name:
    x = c[0]
    if isinstance(x, Token):
        return a.VarRef(x[1:].upper()) if x.type == "VARIABLE" else resolve_ident(x)
    return x  # type: ignore[no-any-return]  # from ident_fn


def _ident_fn(c: list[Any]) -> a.Name:
    x = c[0]
    return a.VarRef(x[1:].upper()) if isinstance(x, Token) else a.IdentFromString(x)


def _text(c: list[Token]) -> str:
    """A string literal's value, or a bare token's text (FILE_URL)."""
    tok = c[0]
    return decode_string(tok) if tok.type in ("STRING", "DOLLAR_STRING") else str(tok)


def _first(c: list[Any]) -> Any:
    return c[0]


def _true(c: list[Any]) -> bool:
    return True


def words(c: list[Any]) -> str:
    return " ".join(str(t).upper() for t in c if t is not None)


def _desc_type(c: list[Any]) -> str:
    """DESCRIBE TABLE's `TYPE = COLUMNS | STAGE` (read as words, so that TYPE stays a name elsewhere)."""
    key, value = str(c[0]).upper(), str(c[1]).upper()
    bad = c[0] if key != "TYPE" else c[1] if value not in ("COLUMNS", "STAGE") else None
    if bad is not None:
        raise BuildError(bad.start_pos, str(bad))
    return value


def _to_name(c: list[Any]) -> a.QualifiedName:
    return a.QualifiedName(c[0])


def _fn_type(c: list[Any]) -> str:
    """`NUMBER(10, 2)` → 'NUMBER(10,2)', `double precision` → 'DOUBLE PRECISION'."""
    names = [str(t).upper() for t in c if t is not None and not str(t).isdigit()]
    sizes = [str(t) for t in c if t is not None and str(t).isdigit()]
    return " ".join(names) + (f"({','.join(sizes)})" if sizes else "")


# SHOW … IN <name> without a keyword: a table or view for the commands about columns and keys
# (https://docs.snowflake.com/en/sql-reference/sql/show-columns: `[ TABLE ] <table_name> | [ VIEW ] <view_name>`),
# a schema for the others (`<schema_name>`, https://docs.snowflake.com/en/sql-reference/sql/show-tables).
_OF_A_TABLE = frozenset({"COLUMNS", "PRIMARY KEYS", "UNIQUE KEYS", "IMPORTED KEYS"})


_Scope = Literal["ACCOUNT", "DATABASE", "SCHEMA", "TABLE", "VIEW"]


def _objects_scope(kind: str, scope: tuple[Any, Any] | None) -> tuple[_Scope | None, Any]:
    if scope is None:
        return None, None
    if scope[0] != "NAME":
        return scope
    name: a.QualifiedName = scope[1]
    if kind in _OF_A_TABLE:
        return "TABLE", name
    if name.database is not None:  # a schema's name has at most two parts
        raise BuildError(name.span.start)
    return "SCHEMA", name


def _models_in(kind: str) -> Callable[[list[Any]], tuple[str, Any]]:
    return lambda c: (kind, c[0] if kind == "SCHEMA" or c[0] is None else a.QualifiedName(c[0]))


# Rules whose value is a plain function of their children (keywords already filtered out).
CLAUSES: dict[str, Callable[[list[Any]], Any]] = {
    "ident": lambda c: resolve_ident(c[0]), "ident_fn": _ident_fn,
    "string": _text, "local_file": _text, "last_query_id": lambda c: -1 if c[0] is None else c[0],  # the position LAST_QUERY_ID([n]) names
    "query_position": lambda c: int("".join(str(t) for t in c if t is not None)), "limit": lambda c: int(c[0]),
    "limit_from": lambda c: (int(c[0]), c[1]), "terse": _true, "history": _true,
    "function_kind": words,
    "warehouse_set": lambda c: ("SET", tuple((o.key, o.value) for o in c), False),
    "warehouse_suspend": lambda c: ("SUSPEND", (), False),
    "warehouse_resume": lambda c: ("RESUME", (), c[0] is not None), "if_suspended": _true,
    "version_value": _first, "with_version": _first, "with_version_ref": _first,
    "like": _first, "starts_with": _first, "comment_prop": _first, "roles_in_class": _first,
    "or_replace": _true, "if_not_exists": _true, "if_exists": _true, "managed_access": _true,
    "cascade": _true, "with_grant_option": _true, "grant_option_for": _true, "recursive": _true,
    "call_args": lambda c: tuple(x for x in c if x is not None),
    "object_kind": words, "use_kind": words, "secondary_mode": words, "version_unset": words,
    "grantee_kind": words, "bulk_mode": words, "container_kind": words, "revoke_mode": words,
    "desc_kind": words, "desc_type": _desc_type, "clone_of": _first, "query_kind": words, "unsupported_kind": words, "show_kind": words, "bare_verb": words,
    "plural_kind": lambda c: words(c)[:-1],  # MODELS → MODEL, FILE FORMATS → FILE FORMAT
    "privilege": lambda c: "ALL" if words(c) in ("ALL", "ALL PRIVILEGES") else words(c),
    "privileges": tuple, "allowed_values": tuple, "obj_mods": list, "column_list": list,
    "param_scope": lambda c: (str(c[-1]).upper(), None),
    "param_in_database": lambda c: ("DATABASE", None if c[-1] is None else a.QualifiedName(c[-1])),
    "param_in_schema": lambda c: ("SCHEMA", c[-1]), "param_in_table": lambda c: ("TABLE", c[-1]),
    "param_in_user": lambda c: ("USER", a.QualifiedName(c[-1])), "param_in_task": lambda c: ("TASK", c[-1]),
    "param_in_warehouse": lambda c: ("WAREHOUSE", None if c[-1] is None else a.QualifiedName(c[-1])),
    "retention_prop": lambda c: int(c[0]),
    "current_grants": lambda c: str(c[0]).upper(),
    "from_model": lambda c: a.FromModel(c[0], name_of(c[1]), span_of(c[1])),
    "from_stage": lambda c: a.FromStage(c[0]),
    "prop_comment": lambda c: ("COMMENT", c[0]), "vprop_comment": lambda c: ("COMMENT", c[0]),
    "prop_default_version": lambda c: ("DEFAULT_VERSION", c[0]),
    "vprop_metadata": lambda c: ("METADATA", c[0]),
    "tag_assign": tuple,
    "with_tag": tuple,
    "schemas_in_database": lambda c: ("DATABASE", c[0]),
    "in_account": lambda c: ("ACCOUNT", None),
    "models_in_database": _models_in("DATABASE"), "models_in_schema": _models_in("SCHEMA"),
    "objects_in_table": lambda c: ("TABLE", c[0]), "objects_in_view": lambda c: ("VIEW", c[0]),
    "objects_in_name": lambda c: ("NAME", c[0]),
    "objects_kind": words,
    "object_target": lambda c: a.ObjectTarget(c[0], c[1], c[2]),
    "fn_types": lambda c: tuple(t for t in c if t is not None),
    "fn_type": _fn_type,
    "bulk_target": lambda c: a.BulkTarget(c[0], c[1], c[2], c[3]),
    "account_target": lambda c: a.AccountTarget(),
    "grants_on": lambda c: ("ON", c[0], c[1], c[2]),
    "grants_on_account": lambda c: ("ON_ACCOUNT", None, None),
    "grants_to_role": lambda c: ("TO_ROLE", None, _to_name(c)),
    "grants_to_user": lambda c: ("TO_USER", None, _to_name(c)),
    "grants_of_role": lambda c: ("OF_ROLE", None, _to_name(c)),
}

# Statements that are a plain function of their children; `s` is the statement's span.
STATEMENTS: dict[str, Callable[[list[Any], a.Span], a.Statement]] = {
    "drop_database": lambda c, s: a.DropDatabase(c[1], flag(c[0]), span=s),
    "drop_schema": lambda c, s: a.DropSchema(c[1], flag(c[0]), span=s),
    "use": lambda c, s: a.Use(c[0], c[1], span=s),
    "use_role": lambda c, s: a.UseRole(c[0], span=s),
    "use_secondary": lambda c, s: a.UseSecondaryRoles(c[0], span=s),
    "show_databases": lambda c, s: a.ShowDatabases(
        c[2], c[3], c[4][0] if c[4] else None, c[0] is not None, c[1] is not None,
        c[4][1] if c[4] else None, span=s,
    ),
    "show_schemas": lambda c, s: a.ShowSchemas(
        c[2], c[3][1] if c[3] else None, bool(c[3]) and c[3][0] == "ACCOUNT", c[4], c[5][0] if c[5] else None,
        c[0] is not None, c[5][1] if c[5] else None, c[1] is not None, span=s
    ),
    "unset_variable": lambda c, s: a.UnsetVariable(tuple(n.name for n in c), span=s,
                                                   name_spans=tuple(n.span for n in c)),
    "alter_session_set": lambda c, s: a.AlterSession(set=tuple((o.key, o.value) for o in c), span=s),
    "alter_session_unset": lambda c, s: a.AlterSession(unset=tuple(str(t).upper() for t in c), span=s),
    "show_parameters": lambda c, s: a.ShowParameters(c[0], (c[1] or (None, None))[0], (c[1] or (None, None))[1],
                                                     span=s),
    "show_variables": lambda c, s: a.ShowVariables(c[0], span=s),
    "drop_model": lambda c, s: a.DropModel(c[1], flag(c[0]), span=s),
    "alter_model_set": lambda c, s: a.AlterModelSet(
        c[1], dict(c[2:]).get("COMMENT"), name_of(dict(c[2:]).get("DEFAULT_VERSION")), flag(c[0]), span=s,
        default_version_span=span_of(dict(c[2:]).get("DEFAULT_VERSION")),
    ),
    "alter_model_unset": lambda c, s: a.AlterModelUnset(c[1], True, flag(c[0]), span=s),
    "alter_model_set_tag": lambda c, s: a.AlterModelSetTag(c[1], tuple(c[2:]), flag(c[0]), span=s),
    "alter_model_unset_tag": lambda c, s: a.AlterModelUnsetTag(c[1], tuple(c[2:]), flag(c[0]), span=s),
    "set_alias": lambda c, s: a.SetAlias(c[1], c[2].name, c[3].name, flag(c[0]), span=s, version_span=c[2].span,
                                         alias_span=c[3].span),
    "unset_alias": lambda c, s: a.UnsetAlias(c[1], c[2].name, flag(c[0]), span=s, version_span=c[2].span),
    "rename_model": lambda c, s: a.RenameModel(c[1], c[2], flag(c[0]), span=s),
    "add_version": lambda c, s: a.AddVersion(c[1], c[2].name, c[3], flag(c[0]), span=s, version_span=c[2].span),
    "drop_version": lambda c, s: a.DropVersion(c[1], c[2].name, flag(c[0]), span=s, version_span=c[2].span),
    "modify_version_set": lambda c, s: a.ModifyVersion(
        c[1], c[2].name, dict(c[3:]).get("COMMENT"), dict(c[3:]).get("METADATA"), if_exists=flag(c[0]), span=s,
        version_span=c[2].span,
    ),
    "modify_version_unset": lambda c, s: a.ModifyVersion(
        c[1], c[2].name, unset_comment="COMMENT" in c[3:], unset_metadata="METADATA" in c[3:],
        if_exists=flag(c[0]), span=s, version_span=c[2].span,
    ),
    "comment_on": lambda c, s: a.CommentOn(c[1], c[2], c[3], flag(c[0]), span=s),
    "show_models": lambda c, s: a.ShowModels(
        c[0], c[1][0] if c[1] else None, c[1][1] if c[1] else None, c[2], c[3][0] if c[3] else None,
        c[3][1] if c[3] else None, span=s,
    ),
    "show_objects": lambda c, s: a.ShowObjects(
        c[1], flag(c[0]), c[3], *_objects_scope(c[1], c[4]), c[5],
        c[6][0] if c[6] else None, c[6][1] if c[6] else None, c[2] is not None, span=s
    ),
    "show_versions": lambda c, s: a.ShowVersions(c[1], c[0], span=s),
    "show_functions": lambda c, s: a.ShowFunctions(c[1], name_of(c[2]), c[0], span=s, version_span=span_of(c[2])),
    "drop_tag": lambda c, s: a.DropTag(c[1], flag(c[0]), span=s),
    "drop_stage": lambda c, s: a.DropStage(c[1], flag(c[0]), span=s),
    "put": lambda c, s: a.Put(c[0], c[1], tuple((o.key, o.value) for o in c[2:]), span=s),
    "get": lambda c, s: a.Get(c[0], c[1], _pattern(c[2:], _GET_OPTS), span=s),
    "list_files": lambda c, s: a.ListFiles(c[0], _pattern(c[1:], _PATTERN), span=s),
    "remove_files": lambda c, s: a.RemoveFiles(c[0], _pattern(c[1:], _PATTERN), span=s),
    "drop_role": lambda c, s: a.DropRole(c[1], flag(c[0]), span=s),
    "drop_user": lambda c, s: a.DropUser(c[1], flag(c[0]), span=s),
    "grant_role": lambda c, s: a.GrantRole(c[0], c[1], c[2], span=s),
    "revoke_role": lambda c, s: a.RevokeRole(c[0], c[1], c[2], span=s),
    "show_roles": lambda c, s: a.ShowRoles(
        c[1], c[0] is not None, c[2], c[3], c[4][0] if c[4] else None, c[4][1] if c[4] else None, span=s
    ),
    "show_users": lambda c, s: a.ShowUsers(
        c[1], c[0] is not None, c[2], c[3][0] if c[3] else None, c[3][1] if c[3] else None, span=s
    ),
    "show_warehouses": lambda c, s: a.ShowWarehouses(c[0], span=s),
    "show_transactions": lambda c, s: a.ShowTransactions(False, span=s),
    "show_account_transactions": lambda c, s: a.ShowTransactions(True, span=s),
    "show_locks": lambda c, s: a.ShowLocks(False, span=s),
    "show_account_locks": lambda c, s: a.ShowLocks(True, span=s),
    "show_account_functions": lambda c, s: a.ShowAccountFunctions(
        c[0], c[1], c[2][0] if c[2] else None, c[2][1] if c[2] else None, span=s
    ),
    "show_account_procedures": lambda c, s: a.ShowAccountFunctions(
        c[0], c[1], c[2][0] if c[2] else None, c[2][1] if c[2] else None, True, span=s
    ),
    "drop_warehouse": lambda c, s: a.DropWarehouse(c[1], flag(c[0]), span=s),
    "alter_warehouse": lambda c, s: a.AlterWarehouse(
        c[1], c[2][0], c[2][1], flag(c[0]), c[2][2], span=s
    ),
    "grant_privileges": lambda c, s: a.GrantPrivileges(c[0], c[1], c[2], flag(c[3]), span=s),
    "revoke_privileges": lambda c, s: a.RevokePrivileges(
        c[1], c[2], c[3], flag(c[0]), c[4] == "CASCADE", span=s
    ),
    "grant_ownership": lambda c, s: a.GrantOwnership(c[0], c[1], c[2], span=s),
    "show_grants": lambda c, s: a.ShowGrants(
        c[0][0] if c[0] else "CURRENT_USER", c[0][1] if c[0] else None, c[0][2] if c[0] else None, c[1],
        c[0][3] if c[0] and len(c[0]) > 3 else None, span=s
    ),
    "show_future_grants": lambda c, s: a.ShowGrants("FUTURE_IN", c[0], c[1], c[2], span=s),
    "describe": lambda c, s: a.Describe(c[0], c[1], c[2], c[3], span=s),
    "describe_result": lambda c, s: a.DescribeResult(c[0], span=s) if isinstance(c[0], str)
    else a.DescribeResult(None, c[0], span=s),
    "add_live_version": lambda c, s: a.LiveVersion("ADD", c[1], c[2].name, if_exists=flag(c[0]), span=s,
                                                   version_span=c[2].span),
    "commit_version": lambda c, s: a.LiveVersion(
        "COMMIT", c[1], c[2].name, if_exists=flag(c[0]), rename_to=c[3], rename_version_to=name_of(c[4]), span=s,
        version_span=c[2].span, rename_version_to_span=span_of(c[4])),
    "commit_rename_model": lambda c, s: c[0],
    "commit_rename_version": lambda c, s: c[0],
}
