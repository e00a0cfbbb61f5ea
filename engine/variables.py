"""Session variables (SET / UNSET) and session parameters (ALTER SESSION, SHOW PARAMETERS)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from snowreg import errors
from snowreg.engine import parameters, retention, warehouses
from snowreg.engine.access import showgrants
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.engine.sql.run import evaluate_scalars
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident


def set_variable(session: Session, stmt: ast.SetVariable) -> Result:
    if len(stmt.names) != len(stmt.exprs):
        raise errors.compilation_error("SET: the number of variables and values differ.")
    values = evaluate_scalars(session, list(stmt.exprs), stmt.expr_spans)
    now = datetime.datetime.now(datetime.UTC)
    for name, value in zip(stmt.names, values, strict=True):
        session.variables[name.upper()] = value
        created = session.variable_times.get(name.upper(), (now, now))[0]
        session.variable_times[name.upper()] = (created, now)
    return status()


def unset_variable(session: Session, stmt: ast.UnsetVariable) -> Result:
    spans = stmt.name_spans or (None,) * len(stmt.names)
    for name, at in zip(stmt.names, spans, strict=True):  # all checked first: a failed UNSET drops none
        if name.upper() not in session.variables:
            raise errors.variable_not_found(name.upper(), at.line if at else None, at.column if at else None)
    for name in stmt.names:
        del session.variables[name.upper()]
        session.variable_times.pop(name.upper(), None)
    return status()


# https://docs.snowflake.com/en/sql-reference/sql/show-variables: the SET page's example shows a NUMBER
# variable's type as `fixed`; the other type words follow Snowflake's internal type names (DECISIONS.md N5).
def _variable_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | decimal.Decimal):
        return "fixed"
    if isinstance(value, float):
        return "real"
    if isinstance(value, datetime.datetime):
        return "timestamp_ntz" if value.tzinfo is None else "timestamp_ltz"
    if isinstance(value, datetime.date):
        return "date"
    return "text"


def _variable_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def show_variables(session: Session, stmt: ast.ShowVariables) -> Result:
    """SHOW VARIABLES [LIKE]: the session's variables by name, with the session's id."""
    rows: list[tuple[Any, ...]] = []
    for name in sorted(session.variables):
        if not like(stmt.like, name):
            continue
        value = session.variables[name]
        created, updated = session.variable_times.get(name, (None, None))
        rows.append((session.id, created, updated, name, _variable_text(value), _variable_type(value), ""))
    return from_rows(["session_id", "created_on", "updated_on", "name", "value", "type", "comment"], rows,
                     ["FIXED", "TIMESTAMP_LTZ", "TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT"])


def alter_session(session: Session, stmt: ast.AlterSession) -> Result:
    """ALTER SESSION SET / UNSET (engine.parameters): every name and value is checked before any changes."""
    values = []
    for key, written in stmt.set:
        text = parameters.checked(key, parameters.value_text(written))
        if key.upper() == "TIMEZONE":
            session.use_timezone(text)  # a bad zone name fails here; the next statement restores the zone in use
        values.append((key.upper(), text))
    for key in stmt.unset:
        parameters.lookup(key)
    session.parameters.update(values)
    for key in stmt.unset:
        session.parameters.pop(key.upper(), None)
    if any(key.upper() in parameters.READ_BY_SQL for key in [*(k for k, _ in stmt.set), *stmt.unset]):
        session.sync_duckdb_variables({})  # a statement that calls a macro reading them may not sync first
    return status()


def show_parameters(session: Session, stmt: ast.ShowParameters) -> Result:
    """SHOW PARAMETERS [LIKE] [{IN | FOR} SESSION | USER [u] | ACCOUNT]: every session parameter, with the session's value
    where it set one (IN USER / ACCOUNT: the defaults, as snowreg sets none there, T33). IN ACCOUNT also
    DATA_RETENTION_TIME_IN_DAYS; IN DATABASE | SCHEMA | TABLE only that object parameter (engine.retention);
    IN WAREHOUSE the warehouse's three parameters (engine.warehouses); IN TASK is refused (DECISIONS.md S42)."""
    if stmt.scope == "TASK":
        raise errors.not_supported("SHOW PARAMETERS IN TASK")
    if stmt.scope == "WAREHOUSE":
        return from_rows(["key", "value", "default", "level", "description", "type"],
                         warehouses.parameter_rows(session, stmt.target, stmt.like))
    if stmt.scope == "USER" and stmt.target is not None:
        name = session.name(stmt.target.name)
        if name != session.user and all(u.name != name for u in showgrants.visible_users(session)):
            raise errors.does_not_exist("User", quote_ident(name))  # one SHOW USERS hides is answered missing
    rows: list[tuple[Any, ...]] = retention.parameter_rows(session, stmt)
    if stmt.scope not in ("DATABASE", "SCHEMA", "TABLE"):
        own = session.parameters if stmt.scope in (None, "SESSION") else None
        for key, p in parameters.PARAMETERS.items():
            if like(stmt.like, key):
                value, level = parameters.shown(key, own)
                rows.append((key, value, p.default, level, p.description, p.type))
    rows.sort(key=lambda r: r[0])
    return from_rows(["key", "value", "default", "level", "description", "type"], rows)
