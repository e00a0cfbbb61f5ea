"""AST → canonical SQL text: upper-case keywords, identifiers quoted only when needed; parses back equal."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from snowreg.grammar import ast as a
from snowreg.grammar.text import SNOWFLAKE_RESERVED

# Snowflake's reserved words, plus the keywords of snowreg.lark that the parser accepts in a state
# where a name may also stand (tests recompute that set from the parse table): a name spelled like
# one of these is quoted, so it can never be read back as the keyword.
RESERVED = SNOWFLAKE_RESERVED | frozenset(
    """
    ADD ALLOWED_VALUES CASCADE COMMENT COMMIT COPY DEFAULT_VERSION IDENTIFIER IF LIMIT METADATA
    MODIFY OWNERSHIP RECURSIVE RENAME RESTRICT ROLE SECONDARY STARTS UNSET URL VERSION WAREHOUSE
    RESUME SUSPEND CLONE DATA_RETENTION_TIME_IN_DAYS TAG
    """.split()
)

_PLAIN_IDENT = re.compile(r"[A-Z_][A-Z0-9_$]*")
_BARE_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*|\d+(?:\.\d+)?")
_STAGE_PATH = re.compile(r"[^\s;']*")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*+'|\$\$[\s\S]*?\$\$|\"(?:[^\"]|\"\")*+\"")
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", "'": "''", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"})


# ---------------------------------------------------------------------------------------------
# Names, literals, stages, templates
# ---------------------------------------------------------------------------------------------


def ident(text: str) -> str:
    """A resolved identifier as SQL: bare when that reads back the same, else double-quoted."""
    if _PLAIN_IDENT.fullmatch(text) and text not in RESERVED:
        return text
    return '"' + text.replace('"', '""') + '"'


def string(text: str) -> str:
    return "'" + text.translate(_STRING_ESCAPES) + "'"


def name(part: a.Name) -> str:
    if isinstance(part, a.VarRef):
        return f"IDENTIFIER(${part.var})"
    if isinstance(part, a.IdentFromString):
        return f"IDENTIFIER({string(part.text)})"
    return ident(part)


def qname(q: a.QualifiedName) -> str:
    return ".".join(name(p) for p in (q.database, q.schema, q.name) if p is not None)


def _is_group(text: str) -> bool:
    """Whether `text` is one parenthesised group (so an option value can be written as is)."""
    bare = _QUOTED.sub("x", text)  # quoted parts cannot open or close a group
    if not (bare.startswith("(") and bare.endswith(")")) or "'" in bare or '"' in bare:
        return False
    depth = 0
    for i, ch in enumerate(bare):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and i < len(bare) - 1 or depth < 0:
            return False
    return depth == 0


def value(text: str) -> str:
    """An option value: a bare word or number, a parenthesised group as written, else a string."""
    if _BARE_VALUE.fullmatch(text) or _is_group(text):
        return text
    return string(text)


def _options(options: tuple[tuple[str, str], ...]) -> str:
    return "".join(f" {key} = {value(v)}" for key, v in options)


def stage(ref: a.StageRef) -> str:
    path = f"/{ref.path}" if ref.path else ""
    if ref.kind == "model":
        assert ref.name is not None
        version = f"/versions/{ref.version}" if ref.version is not None else ""
        return string(f"snow://model/{qname(ref.name)}{version}{path}")
    if ref.kind == "user":
        text = f"@~{path}"
    else:
        assert ref.name is not None
        text = f"@{'%' if ref.kind == 'table' else ''}{qname(ref.name)}{path}"
    return text if _STAGE_PATH.fullmatch(ref.path) else string(text)


def template(t: a.Template) -> str:
    return "".join(p if isinstance(p, str) else _call_or_table(p) for p in t.parts)


def _call_or_table(node: a.ModelCall | a.TableCall) -> str:
    return call(node) if isinstance(node, a.ModelCall) else table_call(node)


def call(c: a.ModelCall) -> str:
    ref = c.callee
    if ref.explicit or ref.version is not None:
        version = f", {name(ref.version)}" if ref.version is not None else ""
        callee = f"MODEL({qname(ref.model)}{version})"
    else:
        callee = qname(ref.model)
    args = ", ".join((f"{ident(x.name)} => " if x.name else "") + template(x.value) for x in c.args)
    return f"{callee}!{ident(c.method)}({args})"


def table_call(t: a.TableCall) -> str:
    over = []
    if t.partition_by:
        over.append("PARTITION BY " + ", ".join(template(p) for p in t.partition_by))
    if t.order_by is not None:
        over.append("ORDER BY " + template(t.order_by))
    clause = f" OVER ({' '.join(over)})" if t.partition_by is not None or t.order_by is not None else ""
    return f"TABLE({call(t.call)}{clause})"


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


def _opt(flag: bool, text: str) -> str:
    return text if flag else ""


def _create(kind: str, s: Any, modifier: str = "") -> str:
    return (
        f"CREATE {_opt(s.or_replace, 'OR REPLACE ')}{modifier}{kind} "
        f"{_opt(s.if_not_exists, 'IF NOT EXISTS ')}"
    )


def _retention(days: int | None) -> str:
    return "" if days is None else f" DATA_RETENTION_TIME_IN_DAYS = {days}"


def _with_tag(tags: tuple[tuple[a.QualifiedName, str], ...]) -> str:
    return f" WITH TAG ({', '.join(f'{qname(t)} = {string(v)}' for t, v in tags)})" if tags else ""


def _comment(comment: str | None) -> str:
    return f" COMMENT = {string(comment)}" if comment is not None else ""


def _show_tail(like: str | None, middle: str = "", starts: str | None = None, limit: int | None = None) -> str:
    return (
        (f" LIKE {string(like)}" if like is not None else "")
        + middle
        + (f" STARTS WITH {string(starts)}" if starts is not None else "")
        + (f" LIMIT {limit}" if limit is not None else "")
    )


def _limit_from(start: str | None) -> str:
    return f" FROM {string(start)}" if start is not None else ""


def _scope(scope: str | None, scope_name: a.QualifiedName | None) -> str:
    if scope is None:
        return ""
    return f" IN {scope}" + (f" {qname(scope_name)}" if scope_name is not None else "")


def _alter_warehouse(s: a.AlterWarehouse) -> str:
    head = f"ALTER WAREHOUSE {_opt(s.if_exists, 'IF EXISTS ')}{name(s.name)} "
    if s.action == "SET":
        return head + "SET" + _options(s.properties)
    return head + s.action + _opt(s.if_suspended, " IF SUSPENDED")


def _alter(s: Any) -> str:
    return f"ALTER MODEL {_opt(s.if_exists, 'IF EXISTS ')}{qname(s.name)} "


def _drop(kind: str, s: Any, target: str) -> str:
    return f"DROP {kind} {_opt(s.if_exists, 'IF EXISTS ')}{target}"


def _source(src: a.ModelSource) -> str:
    if isinstance(src, a.FromStage):
        return stage(src.stage)
    version = f" VERSION {name(src.version)}" if src.version is not None else ""
    return f"MODEL {qname(src.model)}{version}"


def _fn_types(types: tuple[str, ...] | None) -> str:
    return "" if types is None else "(" + ", ".join(types) + ")"


def _target(t: a.GrantTarget) -> str:
    if isinstance(t, a.ObjectTarget):
        return f"{t.kind} {qname(t.name)}{_fn_types(t.arg_types)}"
    if isinstance(t, a.BulkTarget):
        return f"{t.mode} {t.kind}S IN {t.container_kind} {qname(t.container)}"
    return "ACCOUNT"


def _query(q: a.Query) -> str:
    body = template(q.body)
    if not q.model_aliases:
        return body
    aliases = ", ".join(
        f"{ident(m.alias)} AS MODEL {qname(m.model)}"
        + (f" VERSION {name(m.version)}" if m.version is not None else "")
        for m in q.model_aliases
    )
    if q.aliases_part is not None:  # inside the statement, where it was written (grammar.nested_with)
        before = template(a.Template(q.body.parts[:q.aliases_part]))
        after = template(a.Template(q.body.parts[q.aliases_part + 1:]))
        keeps_with = re.search(r"(?<![\w$.\"])WITH\s*$", before, re.I) is not None
        return before + (f"{aliases}, " if keeps_with else f"WITH {aliases} ") + after
    for prefix in ("WITH RECURSIVE ", "WITH "):
        if body.startswith(prefix):
            return f"{prefix}{aliases}, {body[len(prefix):]}"
    return f"WITH {aliases} {body}"


def _show_models(s: a.ShowModels) -> str:
    scope = ""
    if s.scope == "ACCOUNT":
        scope = " IN ACCOUNT"
    elif s.scope == "DATABASE":
        scope = " IN DATABASE" + (f" {name(s.scope_name.name)}" if s.scope_name else "")
    elif s.scope == "SCHEMA":
        scope = " IN SCHEMA" + (f" {qname(s.scope_name)}" if s.scope_name else "")
    return "SHOW MODELS" + _show_tail(s.like, scope, s.starts_with, s.limit) + _limit_from(s.limit_from)


def _show_objects(s: a.ShowObjects) -> str:
    scope = ""
    if s.scope == "ACCOUNT":
        scope = " IN ACCOUNT"
    elif s.scope == "DATABASE":
        scope = " IN DATABASE" + (f" {name(s.scope_name.name)}" if s.scope_name else "")
    elif s.scope is not None:
        scope = f" IN {s.scope}" + (f" {qname(s.scope_name)}" if s.scope_name else "")
    terse = "TERSE " if s.terse else ""
    return f"SHOW {terse}{s.kind}{' HISTORY' if s.history else ''}" + _show_tail(s.like, scope, s.starts_with, s.limit) + _limit_from(s.limit_from)


def _show_schemas(s: a.ShowSchemas) -> str:
    scope = " IN ACCOUNT" if s.in_account else ""
    scope = f" IN DATABASE {name(s.in_database)}" if s.in_database is not None else scope
    return f"SHOW {_opt(s.terse, 'TERSE ')}SCHEMAS{_opt(s.history, ' HISTORY')}" + _show_tail(s.like, scope, s.starts_with, s.limit) \
        + _limit_from(s.limit_from)


def _set_variable(s: a.SetVariable) -> str:
    if len(s.names) == 1:
        return f"SET {ident(s.names[0])} = {s.exprs[0]}"
    return f"SET ({', '.join(ident(n) for n in s.names)}) = ({', '.join(s.exprs)})"


def _unset_variable(s: a.UnsetVariable) -> str:
    names = ", ".join(ident(n) for n in s.names)
    return f"UNSET {names}" if len(s.names) == 1 else f"UNSET ({names})"


def _alter_session(s: a.AlterSession) -> str:
    if s.unset:
        return "ALTER SESSION UNSET " + ", ".join(s.unset)
    return "ALTER SESSION SET" + _options(s.set)


def _alter_model_set(s: a.AlterModelSet) -> str:
    default = f" DEFAULT_VERSION = {name(s.default_version)}" if s.default_version is not None else ""
    return _alter(s) + "SET" + _comment(s.comment) + default


def _modify_version(s: a.ModifyVersion) -> str:
    head = f"{_alter(s)}MODIFY VERSION {name(s.version)} "
    if s.comment is not None or s.metadata is not None:
        metadata = f" METADATA = {string(s.metadata)}" if s.metadata is not None else ""
        return head + "SET" + _comment(s.comment) + metadata
    kinds = [k for k, on in (("COMMENT", s.unset_comment), ("METADATA", s.unset_metadata)) if on]
    return head + "UNSET " + ", ".join(kinds)


def _create_stage(s: a.CreateStage) -> str:
    url = f" URL = {string(s.url)}" if s.url is not None else ""
    return _create("STAGE", s, _opt(s.temporary, "TEMPORARY ")) + qname(s.name) + url + _options(s.options)


def _pattern(pattern: str | None) -> str:
    return f" PATTERN = {string(pattern)}" if pattern is not None else ""


def _grant_privileges(s: a.GrantPrivileges) -> str:
    return (
        f"GRANT {', '.join(s.privileges)} ON {_target(s.target)} TO ROLE {name(s.role)}"
        + _opt(s.with_grant_option, " WITH GRANT OPTION")
    )


def _revoke_privileges(s: a.RevokePrivileges) -> str:
    return (
        f"REVOKE {_opt(s.grant_option_for, 'GRANT OPTION FOR ')}{', '.join(s.privileges)} "
        f"ON {_target(s.target)} FROM ROLE {name(s.role)}{_opt(s.cascade, ' CASCADE')}"
    )


_GRANTEES = {"TO_ROLE": "TO ROLE", "TO_USER": "TO USER", "OF_ROLE": "OF ROLE"}


def _show_grants(s: a.ShowGrants) -> str:
    limit = f" LIMIT {s.limit}" if s.limit is not None else ""
    if s.name is None:
        return f"SHOW GRANTS{' ON ACCOUNT' if s.variant == 'ON_ACCOUNT' else ''}{limit}"
    if s.variant == "FUTURE_IN":
        return f"SHOW FUTURE GRANTS IN {s.kind} {qname(s.name)}{limit}"
    if s.variant == "ON":
        return f"SHOW GRANTS ON {s.kind} {qname(s.name)}{_fn_types(s.arg_types)}{limit}"
    return f"SHOW GRANTS {_GRANTEES[s.variant]} {name(s.name.name)}{limit}"


def _live_version(s: a.LiveVersion) -> str:
    if s.action == "CREATE":
        return f"{_create('MODEL', s)}{qname(s.name)} WITH LIVE VERSION {name(s.version)}"
    verb = "ADD LIVE VERSION" if s.action == "ADD" else "COMMIT VERSION"
    tail = (f" RENAME TO {qname(s.rename_to)}" if s.rename_to is not None else "") + (
        f" RENAME VERSION TO {name(s.rename_version_to)}" if s.rename_version_to is not None else "")
    return f"{_alter(s)}{verb} {name(s.version)}{tail}"


@cache
def _renderers() -> dict[type, Callable[[Any], str]]:
    """Statement type → its renderer, built on first use (naming every node type loads every AST topic)."""
    return {
        a.CreateDatabase: lambda s: _create("DATABASE", s, _opt(s.transient, "TRANSIENT "))
        + name(s.name)
        + (f" CLONE {qname(s.clone)}" if s.clone is not None else "")
        + _retention(s.retention) + _comment(s.comment) + _with_tag(s.tags),
        a.DropDatabase: lambda s: _drop("DATABASE", s, name(s.name)),
        a.CreateSchema: lambda s: _create("SCHEMA", s, _opt(s.transient, "TRANSIENT "))
        + qname(s.name)
        + (f" CLONE {qname(s.clone)}" if s.clone is not None else "")
        + _opt(s.managed_access, " WITH MANAGED ACCESS")
        + _retention(s.retention) + _comment(s.comment) + _with_tag(s.tags),
        a.DropSchema: lambda s: _drop("SCHEMA", s, qname(s.name)),
        a.Use: lambda s: f"USE {s.kind + ' ' if s.kind else ''}{qname(s.name)}",
        a.ShowDatabases: lambda s: f"SHOW {_opt(s.terse, 'TERSE ')}DATABASES{_opt(s.history, ' HISTORY')}"
        + _show_tail(s.like, "", s.starts_with, s.limit) + _limit_from(s.limit_from),
        a.ShowSchemas: _show_schemas,
        a.SetVariable: _set_variable,
        a.UnsetVariable: _unset_variable,
        a.AlterSession: _alter_session,
        a.ShowParameters: lambda s: "SHOW PARAMETERS"
        + _show_tail(s.like, (f" IN {s.scope}" if s.scope else "") + (f" {qname(s.target)}" if s.target else "")),
        a.CreateModel: lambda s: _create("MODEL", s)
        + qname(s.name)
        + (f" WITH VERSION {name(s.version)}" if s.version is not None else "")
        + f" FROM {_source(s.source)}",
        a.DropModel: lambda s: _drop("MODEL", s, qname(s.name)),
        a.AlterModelSet: _alter_model_set,
        a.AlterModelUnset: lambda s: _alter(s) + "UNSET COMMENT",
        a.AlterModelSetTag: lambda s: _alter(s)
        + "SET TAG "
        + ", ".join(f"{qname(t)} = {string(v)}" for t, v in s.tags),
        a.AlterModelUnsetTag: lambda s: _alter(s) + "UNSET TAG " + ", ".join(qname(t) for t in s.tags),
        a.SetAlias: lambda s: f"{_alter(s)}VERSION {name(s.version)} SET ALIAS = {name(s.alias)}",
        a.UnsetAlias: lambda s: f"{_alter(s)}VERSION {name(s.version)} UNSET ALIAS",
        a.RenameModel: lambda s: f"{_alter(s)}RENAME TO {qname(s.new_name)}",
        a.AddVersion: lambda s: f"{_alter(s)}ADD VERSION {name(s.version)} FROM {_source(s.source)}",
        a.DropVersion: lambda s: f"{_alter(s)}DROP VERSION {name(s.version)}",
        a.ModifyVersion: _modify_version,
        a.CommentOn: lambda s: f"COMMENT {_opt(s.if_exists, 'IF EXISTS ')}ON {s.kind} {qname(s.name)} "
        f"IS {string(s.comment)}",
        a.ShowModels: _show_models,
        a.ShowObjects: _show_objects,
        a.ShowVersions: lambda s: "SHOW VERSIONS" + _show_tail(s.like) + f" IN MODEL {qname(s.model)}",
        a.ShowFunctions: lambda s: "SHOW FUNCTIONS"
        + _show_tail(s.like)
        + f" IN MODEL {qname(s.model)}"
        + (f" VERSION {name(s.version)}" if s.version is not None else ""),
        a.CreateTag: lambda s: _create("TAG", s)
        + qname(s.name)
        + (" ALLOWED_VALUES " + ", ".join(string(v) for v in s.allowed_values) if s.allowed_values else "")
        + _comment(s.comment),
        a.DropTag: lambda s: _drop("TAG", s, qname(s.name)),
        a.CreateStage: _create_stage,
        a.DropStage: lambda s: _drop("STAGE", s, qname(s.name)),
        a.Put: lambda s: f"PUT {string(s.local)} {stage(s.stage)}{_options(s.options)}",
        a.Get: lambda s: f"GET {stage(s.stage)} {string(s.local)}{_pattern(s.pattern)}",
        a.ListFiles: lambda s: f"LIST {stage(s.stage)}{_pattern(s.pattern)}",
        a.RemoveFiles: lambda s: f"REMOVE {stage(s.stage)}{_pattern(s.pattern)}",
        a.CreateRole: lambda s: _create("ROLE", s) + name(s.name) + _comment(s.comment),
        a.DropRole: lambda s: _drop("ROLE", s, name(s.name)),
        a.CreateUser: lambda s: _create("USER", s) + name(s.name) + _options(s.properties),
        a.DropUser: lambda s: _drop("USER", s, name(s.name)),
        a.GrantRole: lambda s: f"GRANT ROLE {name(s.role)} TO {s.grantee_kind} {name(s.grantee)}",
        a.RevokeRole: lambda s: f"REVOKE ROLE {name(s.role)} FROM {s.grantee_kind} {name(s.grantee)}",
        a.UseRole: lambda s: f"USE ROLE {name(s.name)}",
        a.UseSecondaryRoles: lambda s: f"USE SECONDARY ROLES {s.mode}",
        a.ShowRoles: lambda s: f"SHOW {_opt(s.terse, 'TERSE ')}ROLES"
        + _show_tail(s.like, f" IN CLASS {qname(s.in_class)}" if s.in_class else "", s.starts_with, s.limit)
        + _limit_from(s.limit_from),
        a.ShowVariables: lambda s: "SHOW VARIABLES" + _show_tail(s.like),
        a.ShowUsers: lambda s: f"SHOW {_opt(s.terse, 'TERSE ')}USERS"
        + _show_tail(s.like, "", s.starts_with, s.limit) + _limit_from(s.limit_from),
        a.ShowWarehouses: lambda s: "SHOW WAREHOUSES" + _show_tail(s.like),
        a.ShowTransactions: lambda s: "SHOW TRANSACTIONS" + (" IN ACCOUNT" if s.in_account else ""),
        a.ShowLocks: lambda s: "SHOW LOCKS" + (" IN ACCOUNT" if s.in_account else ""),
        a.ShowAccountFunctions: lambda s: f"SHOW {s.kind + ' ' if s.kind else ''}"
        + ("PROCEDURES" if s.procedures else "FUNCTIONS")
        + _show_tail(s.like, _scope(s.scope, s.scope_name)),
        a.CreateWarehouse: lambda s: _create("WAREHOUSE", s) + name(s.name) + _options(s.properties),
        a.DropWarehouse: lambda s: f"DROP WAREHOUSE {_opt(s.if_exists, 'IF EXISTS ')}{name(s.name)}",
        a.AlterWarehouse: _alter_warehouse,
        a.GrantPrivileges: _grant_privileges,
        a.RevokePrivileges: _revoke_privileges,
        a.GrantOwnership: lambda s: f"GRANT OWNERSHIP ON {_target(s.target)} TO ROLE {name(s.role)}"
        + (f" {s.current_grants} CURRENT GRANTS" if s.current_grants else ""),
        a.ShowGrants: _show_grants,
        a.Query: _query,
        a.Describe: lambda s: f"DESCRIBE {s.kind} {qname(s.name)}{_fn_types(s.arg_types)}",
        a.DescribeResult: lambda s: "DESCRIBE RESULT " + (string(s.query_id) if s.query_id is not None else
                                                          f"LAST_QUERY_ID({'' if s.position == -1 else s.position})"),
        a.LiveVersion: _live_version,
        a.AnonymousBlock: lambda stmt: stmt.text,
    }


def render(stmt: a.Statement) -> str:
    """Canonical SQL text of one statement (no trailing `;`); `parse(render(s)) == [s]`."""
    return _renderers()[type(stmt)](stmt)
