"""CREATE / ALTER / DROP / DESCRIBE FUNCTION and SHOW USER FUNCTIONS: SQL user-defined functions.

https://docs.snowflake.com/en/sql-reference/sql/create-function (SQL UDFs and UDTFs); a body runs as
DuckDB macros made by engine.sql.udf_bodies; an in-line Python handler (LANGUAGE PYTHON) runs through
engine.sql.python_udfs. Other handler languages (Java, JavaScript, Scala) are refused as not supported.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import orjson

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.catalog.store import now
from snowreg.catalog.udfs import FunctionRow
from snowreg.engine import routines, transaction
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.routines import FUNCTION, fqn
from snowreg.engine.session import Session
from snowreg.grammar import functions as parse
from snowreg.grammar.ast.functions import CreateFunction, FunctionSignature
from snowreg.grammar.text import quote_ident

if TYPE_CHECKING:
    from snowreg.engine.sql.udf_bodies import Compiled


def run(session: Session, verb: str, sql: str) -> Result:
    """One function DDL statement (`verb`: CREATE FUNCTION, DROP FUNCTION or ALTER FUNCTION)."""
    transaction.before_plain(session, "ddl")
    if verb == "CREATE FUNCTION":
        return create_function(session, parse.parse_create(sql))
    if verb == "DROP FUNCTION":
        stmt = parse.parse_drop(sql)
        return drop_function(session, stmt.signature, stmt.if_exists)
    return alter_function(session, sql)


def create_function(session: Session, stmt: CreateFunction) -> Result:
    python = stmt.language.upper() == "PYTHON"
    routines.refuse_unemulated(FUNCTION, stmt, "only SQL and in-line Python functions", python)
    found = routines.creating(session, FUNCTION, stmt, _not_built_in)
    if isinstance(found, Result):
        return found
    (db, schema, name, arguments), existing = found
    if python:
        from snowreg.engine.sql import python_udfs, udf_bodies, udf_calls

        spec, macros = python_udfs.definition(stmt, udf_calls.family)
        if stmt.not_null:  # RETURNS … NOT NULL: a NULL result is Snowflake's 100072, as for a SQL body
            macros[0][2] = f"(CASE WHEN {macros[0][2]} IS NULL THEN error('{udf_bodies.NULL_RESULT}') " \
                f"ELSE {macros[0][2]} END)"
        definition = _definition(stmt, None, macros, spec)
    else:
        from snowreg.engine.sql import udf_bodies  # translation (sqlglot) loads with the first function made

        body = udf_bodies.compile_body(session, stmt, udf_bodies.Place(db, schema, name))
        definition = _definition(stmt, body)
    row = FunctionRow(db, schema, name, arguments, now(), session.role, stmt.comment, stmt.secure,
                      stmt.returns is None, f"{physical(name)}({arguments})", definition)
    if python:
        python_udfs.ensure(session, row)  # DuckDB binds a macro's calls when it is made
    session.catalog.create_function(row, existing, stmt.copy_grants)
    routines.made_temporary(session, FUNCTION, row, stmt.temporary)
    return status(f"Function {quote_ident(name)} successfully created.")


def _not_built_in(name: str) -> None:
    """"Snowflake does not allow creating functions with the same name as any of the system-defined
    functions" (https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions)."""
    from snowreg.engine.sql import functions  # the built-ins' table (sqlglot) loads with the first function

    if functions.is_builtin(name.upper()):
        raise errors.compilation_error(f"Function '{name}' cannot be created: a system-defined function has "
                                       "that name.")


def _definition(stmt: CreateFunction, body: Compiled | None, macros: list[list[object]] | None = None,
                python: dict[str, object] | None = None) -> str:
    """The row's JSON: the statement's parts, the macros, and what DESCRIBE and INFORMATION_SCHEMA show
    (a Python function: its handler's properties under `python`, its code as `body`)."""
    return orjson.dumps({
        "args": [[a.name, a.type, a.default] for a in stmt.args], "returns": stmt.returns,
        "columns": [list(c) for c in stmt.columns], "body": stmt.body, "not_null": stmt.not_null,
        "language": "PYTHON" if python is not None else "SQL", "volatility": stmt.volatility,
        "memoizable": stmt.memoizable, "macros": body.macros if body is not None else macros,
        "reads": body.reads if body is not None else [], "calls": body.calls if body is not None else [],
        **({"python": python} if python is not None else {}), **routines.type_details(stmt),
        **({"temporary": True} if stmt.temporary else {}),
    }).decode()


def drop_function(session: Session, sig: FunctionSignature, if_exists: bool) -> Result:
    return routines.drop(session, FUNCTION, sig, if_exists, session.catalog.drop_function)


def alter_function(session: Session, sql: str) -> Result:
    stmt = parse.parse_alter(sql)
    key, row = routines.find(session, FUNCTION, stmt.signature)
    if row is None:
        if stmt.if_exists:
            return status("Statement executed successfully.")
        raise routines.missing(FUNCTION, key)
    routines.check(session, FUNCTION, row, "own")
    if stmt.action == "RENAME":
        assert stmt.new_name is not None
        db, schema, name = session.qualify(stmt.new_name)
        _not_built_in(name)
        if session.catalog.databases.get_schema(db, schema) is None:
            raise errors.does_not_exist("Schema", fqn(db, schema))
        if session.catalog.udfs.get(db, schema, name, row.arguments) is not None:
            raise errors.already_exists("Object", name)
        if (db, schema) != (row.database_name, row.schema_name):
            privileges.check_create_in_schema(session, db, schema, "FUNCTION")
        new = dataclasses.replace(row, database_name=db, schema_name=schema, name=name,
                                  macro=f"{physical(name)}({row.arguments})")
        if row.spec.get("language") == "PYTHON":
            from snowreg.engine.sql import python_udfs

            python_udfs.ensure(session, row)  # its macro is made again under the new name
    elif stmt.action in ("SET COMMENT", "UNSET COMMENT"):
        new = dataclasses.replace(row, comment=stmt.comment)
    else:
        new = dataclasses.replace(row, secure=stmt.action == "SET SECURE")
    session.catalog.change_function(row, new)
    if row.spec.get("temporary") and stmt.action == "RENAME":  # still its session's, under the new name
        routines.made_temporary(session, FUNCTION, row, False)
        routines.made_temporary(session, FUNCTION, new, True)
    return status("Statement executed successfully.")


# ---------------------------------------------------------------------------------------------
# DESCRIBE FUNCTION, SHOW USER FUNCTIONS
# ---------------------------------------------------------------------------------------------


def describe_function(session: Session, sig: FunctionSignature) -> Result:
    """DESCRIBE FUNCTION f(types): property / value rows
    (https://docs.snowflake.com/en/sql-reference/sql/desc-function); a secure function's body is shown
    to its owner only."""
    _, rows = routines.describe_rows(session, FUNCTION, sig)
    return from_rows(["property", "value"], rows, ["TEXT", "TEXT"])


def show_rows(session: Session, database: str | None, schema: str | None, like: str | None
              ) -> list[tuple[object, ...]]:
    """SHOW USER FUNCTIONS' rows: the functions in scope the session's roles hold a privilege on."""
    return routines.show_rows(session, FUNCTION, (database, schema), like,
                              lambda row: ("N", row.spec.get("language", "SQL"), "Y" if row.spec["memoizable"] else "N", "N"))
