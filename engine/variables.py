"""Session variables (SET / UNSET) and session parameters (ALTER SESSION, SHOW PARAMETERS)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from snowreg import errors
from snowreg.engine import retention
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session, check_parameter
from snowreg.engine.sql.run import evaluate_scalars
from snowreg.grammar import ast
from snowreg.grammar.text import like

_BOOLEANS_ALLOWED = frozenset({"TRUE", "FALSE"})
# Session parameters that SHOW PARAMETERS knows, with their defaults (a small, honest subset).
PARAMETER_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "QUOTED_IDENTIFIERS_IGNORE_CASE": ("false", "BOOLEAN", "If true, the case of quoted identifiers is ignored."),
    "TIMEZONE": ("America/Los_Angeles", "STRING", "time zone"),
    "QUERY_TAG": ("", "STRING", "String (up to 4000 characters) with which to tag queries"),
    "AUTOCOMMIT": ("true", "BOOLEAN", "The autocommit property determines whether statement should be "
                   "implicitly wrapped within a transaction or not."),
    "TIMESTAMP_TYPE_MAPPING": ("TIMESTAMP_NTZ", "STRING", "If TIMESTAMP type is used, what specific TIMESTAMP "
                               "type it should map to."),
    "DEFAULT_NULL_ORDERING": ("LAST", "STRING", "Default NULL ordering"),
    "STATEMENT_TIMEOUT_IN_SECONDS": ("172800", "NUMBER", "Timeout in seconds for statements."),
    "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": ("ARROW", "STRING", "Format used for query results."),
    # https://docs.snowflake.com/en/sql-reference/parameters#use-cached-result (engine/sql/reuse.py)
    "USE_CACHED_RESULT": ("true", "BOOLEAN", "If enabled, query results can be reused between successive "
                          "invocations of the same query as long as the original result has not expired"),
    # https://docs.snowflake.com/en/sql-reference/parameters: the DML and transaction parameters. LOCK_TIMEOUT is
    # kept but never waited on (a conflicting write is refused at once, conformance/DECISIONS.md P2).
    "ERROR_ON_NONDETERMINISTIC_MERGE": ("true", "BOOLEAN", "Whether to return an error when a MERGE statement "
                                        "joins one target row to several source rows."),
    "ERROR_ON_NONDETERMINISTIC_UPDATE": ("false", "BOOLEAN", "Whether to return an error when an UPDATE statement "
                                         "joins one target row to several source rows."),
    "LOCK_TIMEOUT": ("43200", "NUMBER", "Number of seconds to wait while trying to lock a resource, before timing "
                     "out and aborting the statement."),
    "TRANSACTION_ABORT_ON_ERROR": ("false", "BOOLEAN", "Whether an error in a statement of an explicit "
                                   "transaction aborts the transaction."),
    "TRANSACTION_DEFAULT_ISOLATION_LEVEL": ("READ COMMITTED", "STRING", "The isolation level of transactions."),
}
# Values a parameter may take (upper case): anything else is refused with 001008, the parameter unchanged.
_VALUES = {"USE_CACHED_RESULT": _BOOLEANS_ALLOWED, "ERROR_ON_NONDETERMINISTIC_MERGE": _BOOLEANS_ALLOWED,
           "ERROR_ON_NONDETERMINISTIC_UPDATE": _BOOLEANS_ALLOWED, "TRANSACTION_ABORT_ON_ERROR": _BOOLEANS_ALLOWED,
           "TRANSACTION_DEFAULT_ISOLATION_LEVEL": frozenset({"READ COMMITTED"})}
_BOOLEANS = {"TRUE": "true", "FALSE": "false"}


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
    for key, value in stmt.set:  # values checked first: a refused one changes no parameter
        allowed = _VALUES.get(key.upper())
        if allowed is not None and value.strip("'").upper() not in allowed:
            raise errors.invalid_parameter_value(key.upper(), value.strip("'"))
        if key.upper() == "LOCK_TIMEOUT" and not value.strip("'").strip().isdigit():
            raise errors.invalid_parameter_value(key.upper(), value.strip("'"))
        check_parameter(key, value.strip("'"))
    for key, value in stmt.set:
        if key.upper() == "TIMEZONE":
            session.use_timezone(value.strip("'"))  # a bad zone name fails here, the parameter unchanged
        text = value.strip("'")
        if PARAMETER_DEFAULTS.get(key.upper(), ("", ""))[1] == "BOOLEAN":
            text = text.lower()  # SHOW PARAMETERS shows booleans as true / false, however they were written
        session.set_parameter(key, text)
    for key in stmt.unset:
        session.parameters.pop(key.upper(), None)
    return status()


def show_parameters(session: Session, stmt: ast.ShowParameters) -> Result:
    """The session's parameters (IN ACCOUNT also DATA_RETENTION_TIME_IN_DAYS); IN DATABASE | SCHEMA | TABLE the
    object parameter snowreg keeps, DATA_RETENTION_TIME_IN_DAYS (engine.retention)."""
    rows: list[tuple[Any, ...]] = retention.parameter_rows(session, stmt)
    for key, (default, kind, description) in sorted(PARAMETER_DEFAULTS.items()):
        if not like(stmt.like, key) or stmt.scope in ("DATABASE", "SCHEMA", "TABLE"):
            continue
        value = session.parameters.get(key, default)
        level = "SESSION" if key in session.parameters else ""
        rows.append((key, value, default, level, description, kind))
    rows.sort(key=lambda r: r[0])
    return from_rows(["key", "value", "default", "level", "description", "type"], rows)
