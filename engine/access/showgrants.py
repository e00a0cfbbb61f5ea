"""SHOW ROLES, SHOW USERS, SHOW GRANTS (ON, TO ROLE, TO USER, OF ROLE) and SHOW FUTURE GRANTS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from snowreg import errors
from snowreg.catalog.grants import FutureGrantRow, GrantRow, ObjectKey, UserRow
from snowreg.engine.access import grants, privileges
from snowreg.engine.access.privileges import ACCOUNT_NAME
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident

ROLES_COLUMNS = ["created_on", "name", "is_default", "is_current", "is_inherited", "assigned_to_users",
                 "granted_to_roles", "granted_roles", "owner", "comment", "owner_role_type"]
USERS_COLUMNS = ["name", "created_on", "login_name", "display_name", "first_name", "last_name", "email",
                 "mins_to_unlock", "days_to_expiry", "comment", "disabled", "must_change_password",
                 "snowflake_lock", "default_warehouse", "default_namespace", "default_role",
                 "default_secondary_roles", "ext_authn_duo", "ext_authn_uid", "mins_to_bypass_mfa", "owner",
                 "last_success_login", "expires_at_time", "locked_until_time", "has_password",
                 "has_rsa_public_key", "type", "has_mfa",
                 "has_pat", "has_federated_workload_authentication"]  # BCR 2025_03 (1951)
# SHOW TERSE USERS (https://docs.snowflake.com/en/sql-reference/sql/show-users)
TERSE_USERS_COLUMNS = ["name", "created_on", "display_name", "first_name", "last_name", "email", "org_identity",
                       "comment", "has_password", "has_rsa_public_key", "type", "has_mfa", "has_pat",
                       "has_federated_workload_authentication"]
GRANTS_TO_COLUMNS = ["created_on", "privilege", "granted_on", "name", "granted_to", "grantee_name", "grant_option",
                     "granted_by"]
GRANTS_ON_COLUMNS = GRANTS_TO_COLUMNS + ["granted_by_role_type"]
GRANTS_OF_COLUMNS = ["created_on", "role", "granted_to", "grantee_name", "granted_by"]
FUTURE_COLUMNS = ["created_on", "privilege", "grant_on", "name", "grant_to", "grantee_name", "grant_option"]


def _result(names: list[str], rows: list[tuple[Any, ...]], limit: int | None = None) -> Result:
    types = ["TIMESTAMP_LTZ" if n in ("created_on", "last_success_login", "expires_at_time", "locked_until_time")
             else "FIXED" if n in ("assigned_to_users", "granted_to_roles", "granted_roles") else "TEXT"
             for n in names]
    return from_rows(names, rows[:limit] if limit is not None else rows, types)


def _flag(value: bool) -> str:
    return "true" if value else "false"


# ---------------------------------------------------------------------------------------------
# SHOW ROLES / SHOW USERS
# ---------------------------------------------------------------------------------------------


def show_roles(session: Session, stmt: ast.ShowRoles) -> Result:
    """Every role of the account (role names reveal no object; Snowflake lists them to any role), in name
    order, filtered by LIKE, then STARTS WITH and LIMIT n [FROM 'name'] as the other SHOW commands page.
    TERSE (the page's column list names no `name`) and IN CLASS (snowreg has no classes) are refused
    (DECISIONS.md S41)."""
    if stmt.terse:
        raise errors.not_supported("SHOW TERSE ROLES")
    if stmt.in_class is not None:
        raise errors.not_supported("SHOW ROLES IN CLASS")
    catalog = session.catalog
    graph = catalog.grants.role_graph()
    user = catalog.grants.get_user(session.user)
    default = user.default_role if user is not None else None
    active = privileges.access(session).roles
    rows = []
    for r in catalog.grants.list_roles():
        if not like(stmt.like, r.name):
            continue
        users = sum(1 for e in graph.edges if e.role == r.name and e.grantee_kind == "USER")
        parents = sum(1 for e in graph.edges if e.role == r.name and e.grantee_kind == "ROLE")
        children = len(graph.children.get(r.name, ()))
        rows.append((r.created_on, r.name, "Y" if r.name == default else "N", "Y" if r.name == session.role else "N",
                     "Y" if r.name in active and r.name != session.role else "N", users, parents, children,
                     r.owner, r.comment or "", "ROLE" if r.owner else ""))
    rows.sort(key=lambda row: row[1])
    rows = [row for row in rows if _paged(row[1], stmt.starts_with, stmt.limit_from)]
    return _result(ROLES_COLUMNS, rows, stmt.limit)


def _paged(name: str, starts_with: str | None, start: str | None) -> bool:
    """STARTS WITH 'x' and LIMIT n FROM 'y' (names >= it), both case-sensitive, as every SHOW command pages."""
    return (starts_with is None or name.startswith(starts_with)) and (start is None or name >= start)


def visible_users(session: Session) -> list[UserRow]:
    """Users owned by the session's roles and the session's own user; MANAGE GRANTS sees them all (in name
    order): what SHOW USERS lists, and all the REPL's completion may offer (DECISIONS.md J41, J51)."""
    a = privileges.access(session)
    return [u for u in session.catalog.grants.list_users()
            if a.manage_grants or u.owner in a.roles or u.name == session.user]


def _visible_users(session: Session, stmt: ast.ShowUsers) -> list[UserRow]:
    """visible_users matching LIKE, then STARTS WITH and LIMIT n [FROM 'name'] (names >= it)."""
    users = [u for u in visible_users(session) if like(stmt.like, u.name)]
    users = [u for u in users if _paged(u.name, stmt.starts_with, stmt.limit_from)]
    return users[:stmt.limit] if stmt.limit is not None else users


def show_users(session: Session, stmt: ast.ShowUsers) -> Result:
    rows: list[tuple[Any, ...]] = []
    for u in _visible_users(session, stmt):
        props = orjson.loads(u.properties)
        password = "true" if "PASSWORD" in props else "false"
        if stmt.terse:
            rows.append((u.name, u.created_on, props.get("DISPLAY_NAME", u.name), props.get("FIRST_NAME"),
                         props.get("LAST_NAME"), props.get("EMAIL"), None, u.comment, password, "false",
                         props.get("TYPE"), "false", "false", "false"))
            continue
        rows.append((u.name, u.created_on, props.get("LOGIN_NAME", u.name), props.get("DISPLAY_NAME", u.name),
                     props.get("FIRST_NAME"), props.get("LAST_NAME"), props.get("EMAIL"), None, None,
                     u.comment, props.get("DISABLED", "false").lower(), "false", "false",
                     props.get("DEFAULT_WAREHOUSE"), props.get("DEFAULT_NAMESPACE"), u.default_role,
                     props.get("DEFAULT_SECONDARY_ROLES"), "false", None, None, u.owner, None, None, None,
                     password, "false", props.get("TYPE"), "false", "false", "false"))
    return _result(TERSE_USERS_COLUMNS if stmt.terse else USERS_COLUMNS, rows)


# ---------------------------------------------------------------------------------------------
# SHOW GRANTS
# ---------------------------------------------------------------------------------------------


def show_grants(session: Session, stmt: ast.ShowGrants) -> Result:
    match stmt.variant:
        case "ON":
            assert stmt.kind is not None and stmt.name is not None
            kind = " ".join(stmt.kind.upper().split())
            kind = grants.ALIASES.get(kind, kind)
            target = grants.function_target(session, ast.ObjectTarget(kind, stmt.name, stmt.arg_types)) \
                if kind in ("FUNCTION", "PROCEDURE") else grants.resolve(session, kind, stmt.name)
            return _grants_on(session, target, stmt.limit)
        case "ON_ACCOUNT":  # only the rows of roles SHOW GRANTS TO ROLE would show (DECISIONS.md J40)
            target = grants.Target(ObjectKey("ACCOUNT"), "", ACCOUNT_NAME, ACCOUNT_NAME)
            return _grants_on(session, target, stmt.limit, _grantee_seen(session))
        case "TO_ROLE":
            assert stmt.name is not None
            return _grants_to_role(session, _visible_role(session, session.name(stmt.name.name)), stmt.limit)
        case "OF_ROLE":
            assert stmt.name is not None
            return _grants_of_role(session, _visible_role(session, session.name(stmt.name.name)), stmt.limit)
        case "TO_USER" | "CURRENT_USER":
            user = session.user if stmt.name is None else session.name(stmt.name.name)
            return _grants_to_user(session, user, stmt.limit)
        case "FUTURE_IN":
            assert stmt.name is not None
            return _future_grants(session, stmt)
    raise errors.not_supported(f"SHOW GRANTS {stmt.variant}")


def _visible_role(session: Session, name: str) -> str:
    """SHOW GRANTS TO/OF ROLE: a role in the session's hierarchy, owned by it, or any with MANAGE GRANTS."""
    row = session.catalog.grants.get_role(name)
    a = privileges.access(session)
    if row is None or not (name in a.roles or row.owner in a.roles or a.manage_grants):
        raise errors.does_not_exist("Role", quote_ident(name))
    return name


def _grantee_seen(session: Session, owner: str = "") -> Callable[[str], bool]:
    """Whether a grant row to this role may be shown: a role `_visible_role` admits, any for MANAGE GRANTS
    or when the session's roles own the container (`owner`)."""
    a = privileges.access(session)
    if a.manage_grants or (owner and owner in a.roles):
        return lambda _role: True

    def seen(role: str) -> bool:
        row = session.catalog.grants.get_role(role)
        return role in a.roles or (row is not None and row.owner in a.roles)
    return seen


def _grants_on(session: Session, target: grants.Target, limit: int | None,
               seen: Callable[[str], bool] = lambda _role: True) -> Result:
    kind = target.key.kind
    rows: list[tuple[Any, ...]] = []
    if target.owner and kind not in ("TABLE", "VIEW", "SEQUENCE", "STREAM"):  # those hold OWNERSHIP as a grant
        rows.append((_created(session, target.key), "OWNERSHIP", kind, target.display, "ROLE", target.owner,
                     "true", target.owner, "ROLE"))
    for g in session.catalog.grants.grants_on(target.key):
        if not seen(g.grantee):
            continue
        rows.append((g.created_on, g.privilege, kind, target.display, "ROLE", g.grantee, _flag(g.grant_option),
                     g.granted_by, "ROLE" if g.granted_by else ""))
    return _result(GRANTS_ON_COLUMNS, rows, limit)


def _created(session: Session, key: ObjectKey) -> datetime | None:
    catalog = session.catalog
    row: Any = None
    if key.kind == "DATABASE":
        row = catalog.databases.get_database(key.database)
    elif key.kind == "SCHEMA":
        row = catalog.databases.get_schema(key.database, key.schema)
    elif key.kind == "MODEL":
        row = catalog.models.get_model_by_id(key.id)
    elif key.kind == "ROLE":
        row = catalog.grants.get_role(key.name)
    elif key.kind == "USER":
        row = catalog.grants.get_user(key.name)
    elif key.kind == "TASK":
        row = catalog.tasks.get_task(key.database, key.schema, key.name)
    return getattr(row, "created_on", None)


def display_name(session: Session, g: GrantRow) -> str:
    """The `name` column of a grant row: FQN of schema objects, the account name for account grants."""
    if g.object_kind == "MODEL":
        model = session.catalog.models.get_model_by_id(g.object_id)
        return model_fqn(model) if model is not None else ""
    if g.object_kind == "STAGE":
        stage = session.catalog.objects.get_stage_by_id(g.object_id)
        return ".".join(quote_ident(p) for p in (stage.database_name, stage.schema_name, stage.name)) if stage else ""
    if g.object_kind == "ACCOUNT":
        return ACCOUNT_NAME
    parts = [p for p in (g.database_name, g.schema_name, g.name) if p]
    return ".".join(quote_ident(p) for p in parts)


def _grants_to_role(session: Session, role: str, limit: int | None) -> Result:
    catalog = session.catalog
    rows: list[tuple[Any, ...]] = []
    for kind, db, schema, name, object_id, created in catalog.grants.owned_objects(role, session.id):
        if catalog.hidden_routine(session.id, kind, db, schema, name):  # another session's temporary one
            continue
        if kind == "MODEL":
            model = catalog.models.get_model_by_id(object_id)
            display = model_fqn(model) if model else ""
        else:
            display = ".".join(quote_ident(p) for p in (db, schema, name) if p)
        rows.append((created, "OWNERSHIP", kind, display, "ROLE", role, "true", role))
    for g in catalog.grants.grants_to([role]):
        rows.append((g.created_on, g.privilege, g.object_kind, display_name(session, g), "ROLE", role,
                     _flag(g.grant_option), g.granted_by))
    for e in catalog.grants.role_graph().edges:
        if e.grantee_kind == "ROLE" and e.grantee == role:
            rows.append((e.created_on, "USAGE", "ROLE", e.role, "ROLE", role, "false", e.granted_by))
    return _result(GRANTS_TO_COLUMNS, rows, limit)


def _grants_of_role(session: Session, role: str, limit: int | None) -> Result:
    rows = [(e.created_on, e.role, e.grantee_kind, e.grantee, e.granted_by)
            for e in session.catalog.grants.role_graph().edges if e.role == role]
    return _result(GRANTS_OF_COLUMNS, rows, limit)


def _grants_to_user(session: Session, user: str, limit: int | None) -> Result:
    """The roles granted to a user (PUBLIC is not listed), in the classic five columns."""
    a = privileges.access(session)
    row = session.catalog.grants.get_user(user)
    if row is None or not (user == session.user or row.owner in a.roles or a.manage_grants):
        raise errors.does_not_exist("User", quote_ident(user))
    rows = [(e.created_on, e.role, "USER", e.grantee, e.granted_by)
            for e in session.catalog.grants.role_graph().edges if e.grantee_kind == "USER" and e.grantee == user]
    return _result(GRANTS_OF_COLUMNS, rows, limit)


def _future_grants(session: Session, stmt: ast.ShowGrants) -> Result:
    assert stmt.name is not None
    container = (stmt.kind or "SCHEMA").upper()
    target = ast.BulkTarget("FUTURE", "MODEL", "DATABASE" if container == "DATABASE" else "SCHEMA", stmt.name)
    db, schema = grants._container(session, target)
    prefix = ".".join(quote_ident(p) for p in (db, schema) if p)
    owner = session.catalog.grants.owner_of(ObjectKey(target.container_kind, db, schema)) or ""
    seen = _grantee_seen(session, owner)  # DECISIONS.md J40
    rows = [_future_row(prefix, f) for f in session.catalog.grants.future_grants(target.container_kind, db, schema)
            if seen(f.grantee)]
    return _result(FUTURE_COLUMNS, rows, stmt.limit)


def _future_row(prefix: str, f: FutureGrantRow) -> tuple[Any, ...]:
    return (f.created_on, f.privilege, f.object_kind, f"{prefix}.<{f.object_kind}>", "ROLE", f.grantee,
            _flag(f.grant_option))


# ---------------------------------------------------------------------------------------------
# DESCRIBE USER
# ---------------------------------------------------------------------------------------------

# https://docs.snowflake.com/en/sql-reference/sql/desc-user: one row per property (property, value,
# default, description), values as text with `null` for none. The properties and descriptions follow the
# page's example; snowreg keeps the ones CREATE USER sets (DECISIONS.md N6).
_USER_PROPERTIES: tuple[tuple[str, str, str], ...] = (
    ("NAME", "null", "Name"),
    ("COMMENT", "null", "user comment associated to an object in the dictionary"),
    ("DISPLAY_NAME", "null", "Display name of the associated object"),
    ("LOGIN_NAME", "null", "Login name of the user"),
    ("FIRST_NAME", "null", "First name of the user"),
    ("MIDDLE_NAME", "null", "Middle name of the user"),
    ("LAST_NAME", "null", "Last name of the user"),
    ("EMAIL", "null", "Email address of the user"),
    ("PASSWORD", "null", "Password of the user"),
    ("MUST_CHANGE_PASSWORD", "false", "User must change the password"),
    ("DISABLED", "false", "Whether the user is disabled"),
    ("SNOWFLAKE_LOCK", "false", "Whether the user or account is locked by Snowflake"),
    ("SNOWFLAKE_SUPPORT", "false", "Snowflake Support is allowed to use the user or account"),
    ("DAYS_TO_EXPIRY", "null", "User record will be treated as expired after specified number of days"),
    ("MINS_TO_UNLOCK", "null", "Temporary lock on the user will be removed after specified number of minutes"),
    ("DEFAULT_WAREHOUSE", "null", "Default warehouse for this user"),
    ("DEFAULT_NAMESPACE", "null", "Default database namespace prefix for this user"),
    ("DEFAULT_ROLE", "null", "Primary principal of user session will be set to this role"),
    ("DEFAULT_SECONDARY_ROLES", "null", "The secondary roles will be set to all roles provided here"),
    ("EXT_AUTHN_DUO", "false", "Whether Duo Security is enabled as second factor authentication"),
    ("EXT_AUTHN_UID", "null", "External authentication ID of the user"),
    ("MINS_TO_BYPASS_MFA", "null", "Temporary bypass MFA for the user for a specified number of minutes"),
    ("MINS_TO_BYPASS_NETWORK_POLICY", "null",
     "Temporary bypass network policy on the user for a specified number of minutes"),
    ("RSA_PUBLIC_KEY_FP", "null", "Fingerprint of user's RSA public key."),
    ("RSA_PUBLIC_KEY_2_FP", "null", "Fingerprint of user's second RSA public key."),
    ("PASSWORD_LAST_SET_TIME", "null", "The timestamp on which the last non-null password was set for the user. "
     "Default to null if no password has been set yet."),
)


def describe_user(session: Session, stmt: ast.Describe) -> Result:
    """DESCRIBE USER u: its properties, for a role that may see it (as SHOW USERS: its owner, MANAGE GRANTS,
    or the user itself); 002003 otherwise."""
    name = session.name(stmt.name.name)
    user = session.catalog.grants.get_user(name)
    a = privileges.access(session)
    if user is None or not (a.manage_grants or user.owner in a.roles or user.name == session.user):
        raise errors.does_not_exist("User", quote_ident(name))
    props = orjson.loads(user.properties)
    known: dict[str, Any] = {"NAME": user.name, "COMMENT": user.comment, "DISPLAY_NAME": user.name,
                             "LOGIN_NAME": user.name, "DEFAULT_ROLE": user.default_role}
    known.update({k: v for k, v in props.items() if k not in ("NAME", "DEFAULT_ROLE")})
    if "PASSWORD" in known:
        known["PASSWORD"] = "********"
    rows = []
    for prop, default, description in _USER_PROPERTIES:
        value = known.get(prop)
        text = default if value is None else str(value).lower() if default == "false" else str(value)
        rows.append((prop, text, default, description))
    return from_rows(["property", "value", "default", "description"], rows, ["TEXT"] * 4)
