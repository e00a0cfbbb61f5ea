"""Roles and users: logging in, CREATE/DROP ROLE and USER, GRANT/REVOKE ROLE, USE [SECONDARY] ROLE(S)."""

from __future__ import annotations

import orjson

from snowreg import error_catalog, errors
from snowreg.catalog import Catalog, passwords
from snowreg.catalog.grants import SYSTEM_ROLES, RoleRow
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident, resolve_ident

# ---------------------------------------------------------------------------------------------
# Connecting and switching roles
# ---------------------------------------------------------------------------------------------


def authenticate(catalog: Catalog, user: str | None, password: str | None) -> None:
    """A login to an existing user.

    With a password (a network login: `snowreg serve` always gives one, "" when the client sent none),
    the user must have a password and this must be it (390100 otherwise, the same answer for an unknown
    user, a user without a password and a wrong password, as Snowflake gives), and must not be disabled
    (390101, said only to who gave the right password). Without one (an in-process `open_session`), a
    user holding a password is refused and one without is let in.
    """
    name = resolve_ident(user) if user else "ADMIN"
    row = catalog.grants.get_user(name)
    props = orjson.loads(row.properties) if row is not None else {}
    stored = props.get("PASSWORD") or None
    if password is None:
        if row is None or stored is not None:
            raise errors.login_failed()
    elif not passwords.matches(stored, password) or row is None:
        raise errors.login_failed()
    elif not passwords.is_hashed(stored or ""):  # written before passwords were hashed: hash it now
        catalog.grants.set_password(name, password)
    if str(props.get("DISABLED", "FALSE")).upper() == "TRUE":
        raise error_catalog.user_disabled()


def login(catalog: Catalog, user: str | None, role: str | None) -> tuple[str, str]:
    """The user and primary role a new connection starts with.

    No user: ADMIN, holding ACCOUNTADMIN. A user that does not exist yet is created holding only PUBLIC.
    `role` must be granted to the user (003013 otherwise); without it the user's default role is used
    when it is granted, else PUBLIC.
    """
    name = resolve_ident(user) if user else "ADMIN"
    row = catalog.grants.get_user(name)
    if row is None:
        catalog.grants.create_user(name, "USERADMIN")
    allowed = catalog.grants.role_graph().user_closure(name)
    if role:
        wanted = resolve_ident(role)
        if wanted not in allowed or catalog.grants.get_role(wanted) is None:
            raise errors.role_not_assigned(wanted)
        return name, wanted
    default = row.default_role if row is not None else None
    if default and default in allowed and catalog.grants.get_role(default) is not None:
        return name, default
    return name, "PUBLIC"


def use_role(session: Session, stmt: ast.UseRole) -> Result:
    """USE ROLE: the role must be granted to the user, directly or through the role hierarchy."""
    name = session.name(stmt.name)
    if session.catalog.grants.get_role(name) is None:
        raise errors.does_not_exist("Role", quote_ident(name))
    if name not in session.catalog.grants.role_graph().user_closure(session.user):
        raise errors.role_not_assigned(name)
    session.role = name
    return status()


def use_secondary_roles(session: Session, stmt: ast.UseSecondaryRoles) -> Result:
    session.secondary_roles = stmt.mode
    return status()


# ---------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------


def _both_modifiers(or_replace: bool, if_not_exists: bool) -> None:
    if or_replace and if_not_exists:
        raise errors.invalid_property_combination()


def find_role(session: Session, name: str) -> RoleRow:
    """A role the session may know of (any role: SHOW ROLES lists them all); 002003 when missing."""
    row = session.catalog.grants.get_role(name)
    if row is None:
        raise errors.does_not_exist("Role", quote_ident(name))
    return row


def check_role_owner(session: Session, role: RoleRow) -> None:
    """Granting, revoking or dropping a role needs its ownership or MANAGE GRANTS."""
    a = privileges.access(session)
    if role.owner not in a.roles and not a.manage_grants:
        raise errors.insufficient_privileges("role", role.name)


def create_role(session: Session, stmt: ast.CreateRole) -> Result:
    _both_modifiers(stmt.or_replace, stmt.if_not_exists)
    name = session.name(stmt.name)
    privileges.check_account(session, "CREATE ROLE")
    existing = session.catalog.grants.get_role(name)
    with session.catalog.store.transaction():
        if existing is not None:
            if stmt.if_not_exists:
                return status(f"{quote_ident(name)} already exists, statement succeeded.")
            if not stmt.or_replace:
                raise errors.already_exists("Object", name)
            _droppable(session, existing)
            session.catalog.grants.drop_role(name, session.role)
        session.catalog.grants.create_role(name, session.role, stmt.comment)
    return status(f"Role {quote_ident(name)} successfully created.")


def _droppable(session: Session, role: RoleRow) -> None:
    if role.name in SYSTEM_ROLES:
        raise errors.system_role(role.name)
    check_role_owner(session, role)


def drop_role(session: Session, stmt: ast.DropRole) -> Result:
    name = session.name(stmt.name)
    role = session.catalog.grants.get_role(name)
    if role is None:
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("Role", quote_ident(name))
    _droppable(session, role)
    session.catalog.grants.drop_role(name, session.role)  # what it owned passes to the dropping role
    return status(f"{quote_ident(name)} successfully dropped.")


def grant_role(session: Session, stmt: ast.GrantRole) -> Result:
    role = find_role(session, session.name(stmt.role))
    grantee = _grantee(session, stmt.grantee_kind, session.name(stmt.grantee))
    check_role_owner(session, role)
    if stmt.grantee_kind == "ROLE":
        graph = session.catalog.grants.role_graph()
        if grantee == role.name or grantee in graph.closure(role.name):
            raise error_catalog.role_cycle(role.name, grantee)
    if role.name != "PUBLIC":  # every user and role holds PUBLIC already
        session.catalog.grants.grant_role(role.name, stmt.grantee_kind, grantee, role.owner or session.role)
    return status()


def revoke_role(session: Session, stmt: ast.RevokeRole) -> Result:
    role = find_role(session, session.name(stmt.role))
    grantee = _grantee(session, stmt.grantee_kind, session.name(stmt.grantee))
    check_role_owner(session, role)
    session.catalog.grants.revoke_role(role.name, stmt.grantee_kind, grantee)
    return status()


def _grantee(session: Session, kind: str, name: str) -> str:
    exists = session.catalog.grants.get_role(name) if kind == "ROLE" else session.catalog.grants.get_user(name)
    if exists is None:
        raise errors.does_not_exist("Role" if kind == "ROLE" else "User", quote_ident(name))
    return name


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------


def _property_value(text: str) -> str:
    """A CREATE USER property value: 'text' or an identifier."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def create_user(session: Session, stmt: ast.CreateUser) -> Result:
    _both_modifiers(stmt.or_replace, stmt.if_not_exists)
    name = session.name(stmt.name)
    privileges.check_account(session, "CREATE USER")
    props = {key.upper(): _property_value(value) for key, value in stmt.properties}
    default_role = props.pop("DEFAULT_ROLE", None)
    comment = props.pop("COMMENT", None)
    existing = session.catalog.grants.get_user(name)
    with session.catalog.store.transaction():
        if existing is not None:
            if stmt.if_not_exists:
                return status(f"{quote_ident(name)} already exists, statement succeeded.")
            if not stmt.or_replace:
                raise errors.already_exists("Object", name)
            _check_user_owner(session, existing.name, existing.owner)
            session.catalog.grants.drop_user(name)
        role = resolve_ident(default_role) if default_role else None
        session.catalog.grants.create_user(name, session.role, role, comment, props)
    return status(f"User {quote_ident(name)} successfully created.")


def _check_user_owner(session: Session, name: str, owner: str) -> None:
    a = privileges.access(session)
    if owner not in a.roles and not a.manage_grants:
        raise errors.insufficient_privileges("user", name)


def drop_user(session: Session, stmt: ast.DropUser) -> Result:
    name = session.name(stmt.name)
    user = session.catalog.grants.get_user(name)
    a = privileges.access(session)
    if user is not None and not (a.manage_grants or user.owner in a.roles or user.name == session.user):
        user = None  # a user SHOW USERS hides is answered as a missing one (DECISIONS.md J41)
    if user is None:
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("User", quote_ident(name))
    _check_user_owner(session, user.name, user.owner)
    session.catalog.grants.drop_user(name)
    return status(f"{quote_ident(name)} successfully dropped.")
