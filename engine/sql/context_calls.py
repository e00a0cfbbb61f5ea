"""Snowflake's context functions answered from the session: the role functions (the session's roles are DuckDB
variables that engine.sql.run.sync_context sets when a statement names them) and SYSTIMESTAMP."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql import variant
from snowreg.engine.sql.call_args import call_args as _args
from snowreg.engine.sql.translation import ROLES_VARIABLE

_T = exp.DataType.Type


def is_role_in_session(node: exp.Expr) -> exp.Expr:
    """IS_ROLE_IN_SESSION('<role>') (https://docs.snowflake.com/en/sql-reference/functions/is_role_in_session):
    whether the role is in the active primary or secondary roles' hierarchy; the name as written or upper-cased."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("IS_ROLE_IN_SESSION", 1, len(args))
    roles = variant.fn("getvariable", exp.Literal.string(ROLES_VARIABLE))
    name = exp.Cast(this=args[0], to=exp.DataType(this=_T.VARCHAR))
    return exp.Or(this=variant.fn("list_contains", roles, name.copy()),
                  expression=variant.fn("list_contains", roles.copy(), variant.fn("upper", name)))


def available_roles(node: exp.Expr) -> exp.Expr:
    """CURRENT_AVAILABLE_ROLES() (https://docs.snowflake.com/en/sql-reference/functions/current_available_roles):
    the roles granted to the user with their hierarchies, as a JSON list in a VARCHAR, by name (DECISIONS.md F42)."""
    if _args(node):
        raise errors.wrong_arguments("CURRENT_AVAILABLE_ROLES", 0, len(_args(node)))
    roles = variant.fn("getvariable", exp.Literal.string(f"{ROLES_VARIABLE}_available"))
    return exp.Cast(this=variant.fn("to_json", roles), to=exp.DataType(this=_T.VARCHAR))


def _no_arguments(name: str, value: Callable[[exp.Expr], exp.Expr | None]) -> Callable[[exp.Expr], exp.Expr | None]:
    """A function the page says takes no arguments ("This function must be called with parentheses")."""
    def rewrite(node: exp.Expr) -> exp.Expr | None:
        if _args(node):
            raise errors.wrong_arguments(name, 0, len(_args(node)))
        return value(node)
    return rewrite


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "IS_ROLE_IN_SESSION": is_role_in_session,
    "CURRENT_AVAILABLE_ROLES": available_roles,
    # https://docs.snowflake.com/en/sql-reference/functions/systimestamp: CURRENT_TIMESTAMP's TIMESTAMP_LTZ,
    # without its precision argument
    "SYSTIMESTAMP": _no_arguments("SYSTIMESTAMP", lambda node: None),
    # https://docs.snowflake.com/en/sql-reference/functions/current_role_type: the primary role is an account
    # role (never a database role; snowreg runs no native application)
    "CURRENT_ROLE_TYPE": _no_arguments("CURRENT_ROLE_TYPE", lambda node: exp.Literal.string("ROLE")),
}
