"""ALTER USER (https://docs.snowflake.com/en/sql-reference/sql/alter-user; DECISIONS.md J83-J85).

Who may change what: "Only the role with the OWNERSHIP privilege on a user, or a higher role, can modify most
user properties using SQL (ALTER USER). In addition, the role must have the global CREATE USER privilege"
(https://docs.snowflake.com/en/user-guide/admin-user-management); individual users may change a few
properties and the session parameter defaults of themselves (the ALTER USER page). A user the session may
not see (SHOW USERS hides it: not its own, not owned by its roles, no MANAGE GRANTS) does not exist for it.
"""

from __future__ import annotations

import re

from snowreg import errors
from snowreg.catalog import users
from snowreg.catalog.grants import UserRow
from snowreg.engine import parameters
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident, resolve_ident

# One token at a time, each alternative anchored on its first character: linear on any text.
_TOKEN = re.compile(r"'(?:[^'\\]|''|\\.)*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*|[0-9]+|\S")
_ACTIONS = frozenset({"SET", "UNSET", "RENAME", "RESET", "ABORT", "ADD", "REMOVE", "MODIFY", "ENROLL", "UNENROLL"})
# What a user may set and unset on itself (UNCERTAIN list: the defaults a session starts with)
SELF_SERVICE = frozenset({"DEFAULT_WAREHOUSE", "DEFAULT_NAMESPACE", "DEFAULT_ROLE", "DEFAULT_SECONDARY_ROLES"})
# What snowreg keeps (SHOW USERS / DESCRIBE USER show them; PASSWORD and DISABLED govern logins, J70, J71)
KEPT = SELF_SERVICE | {"PASSWORD", "DISABLED", "COMMENT", "DISPLAY_NAME", "FIRST_NAME", "MIDDLE_NAME", "LAST_NAME",
                       "EMAIL"}


def alter_user(session: Session, text: str) -> Result:
    tokens = _TOKEN.findall(text)[2:]  # after ALTER USER
    at = 0
    if_exists = [t.upper() for t in tokens[:2]] == ["IF", "EXISTS"]
    if if_exists:
        at = 2
    if at >= len(tokens):
        raise errors.not_supported("This form of ALTER USER")
    name = session.user
    if tokens[at].upper() not in _ACTIONS:
        if tokens[at].upper() == "IDENTIFIER":
            raise errors.not_supported("ALTER USER IDENTIFIER(…)")
        name, at = resolve_ident(tokens[at]), at + 1
    user = _visible(session, name)
    if user is None:
        if if_exists:
            return status()
        raise errors.does_not_exist("User", quote_ident(name))
    action = [t.upper() for t in tokens[at:at + 2]]
    rest = tokens[at + 1:]
    if action == ["RENAME", "TO"] and len(rest) == 2:
        _check_owner(session, user)
        return _rename(session, user, resolve_ident(rest[1]))
    words = {t.upper() for t in rest}
    if action[:1] == ["SET"] and len(rest) > 1 and rest[1] == "=":  # not SET TAG, SET … POLICY
        return _set(session, user, _assignments(rest))
    if action[:1] == ["UNSET"] and rest and rest[0].upper() != "TAG" and "POLICY" not in words:
        return _set(session, user, {resolve_ident(t): None for t in rest if t != ","})
    _check_owner(session, user)  # RESET PASSWORD, ABORT ALL QUERIES, tags, policies, MFA, delegation
    raise errors.not_supported(f"ALTER USER … {' '.join(action)}")


def _visible(session: Session, name: str) -> UserRow | None:
    user = session.catalog.grants.get_user(name)
    a = privileges.access(session)
    if user is not None and (a.manage_grants or user.owner in a.roles or user.name == session.user):
        return user
    return None  # as for a user that does not exist (DECISIONS.md J41)


def _check_owner(session: Session, user: UserRow) -> None:
    """OWNERSHIP on the user (through the roles' hierarchy, or MANAGE GRANTS as DROP USER reads it), and the
    account's CREATE USER."""
    a = privileges.access(session)
    if user.owner not in a.roles and not a.manage_grants:
        raise errors.insufficient_privileges("user", user.name)
    privileges.check_account(session, "CREATE USER")


def _assignments(tokens: list[str]) -> dict[str, str | None]:
    """`KEY = value [,] …` → {KEY: value as written}; a parenthesised value is kept whole."""
    out: dict[str, str | None] = {}
    at = 0
    while at < len(tokens):
        if tokens[at] == ",":
            at += 1
            continue
        if at + 2 >= len(tokens) or tokens[at + 1] != "=":
            raise errors.not_supported("This form of ALTER USER … SET")
        key, at = resolve_ident(tokens[at]), at + 2
        if tokens[at] == "(":
            end = tokens.index(")", at) if ")" in tokens[at:] else len(tokens) - 1
            out[key], at = " ".join(tokens[at:end + 1]), end + 1
        else:
            out[key], at = tokens[at], at + 1
    return out


def _set(session: Session, user: UserRow, changes: dict[str, str | None]) -> Result:
    """SET / UNSET of properties and parameters: the user itself may change SELF_SERVICE and its session
    parameters' defaults, anything else needs the owner; what snowreg does not keep is then refused."""
    if not changes:
        raise errors.not_supported("This form of ALTER USER")
    own = user.name == session.user
    if not own or any(k not in SELF_SERVICE and k not in parameters.PARAMETERS for k in changes):
        _check_owner(session, user)
    for key in changes:
        if key in parameters.PARAMETERS:  # a user's parameter defaults are not kept (DECISIONS.md T33)
            raise errors.not_supported(f"ALTER USER … {'SET' if changes[key] is not None else 'UNSET'} {key}")
        if key not in KEPT:
            raise errors.not_supported(f"ALTER USER … SET | UNSET {key}")
    values = {key: None if value is None else _value(key, value) for key, value in changes.items()}
    users.update_user(session.catalog.store, user.name, user.properties, values)
    return status()


def _value(key: str, written: str) -> str:
    if key == "PASSWORD":
        if len(written) < 2 or written[0] != "'":
            raise errors.invalid_parameter_value(key, written)
        return written[1:-1].replace("''", "'")
    if key == "DISABLED":
        if written.upper() not in ("TRUE", "FALSE"):
            raise errors.invalid_parameter_value(key, written)
        return written.upper()
    if len(written) >= 2 and written[0] == written[-1] == "'":
        written = written[1:-1].replace("''", "'")
    return resolve_ident(written) if key == "DEFAULT_ROLE" else written


def _rename(session: Session, user: UserRow, new: str) -> Result:
    if new == user.name:
        return status()
    if session.catalog.grants.get_user(new) is not None:
        raise errors.already_exists("Object", new)
    users.rename_user(session.catalog.store, user.name, new)
    if session.user == user.name:  # the session goes on as the renamed user
        session.user = new
    return status()
