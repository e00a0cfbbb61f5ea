"""CREATE / ALTER / DROP / DESCRIBE FUNCTION and SHOW USER FUNCTIONS: SQL user-defined functions.

https://docs.snowflake.com/en/sql-reference/sql/create-function (SQL UDFs and UDTFs); a body runs as
DuckDB macros made by engine.sql.udf_bodies. Handler languages (Python, Java, JavaScript, Scala) would
run arbitrary code inside snowreg: refused as not supported.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import orjson

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.catalog.store import now
from snowreg.catalog.udfs import FunctionRow
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.engine.sql import udf_calls
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


def _fqn(*parts: str) -> str:
    return ".".join(quote_ident(p) for p in parts)


def arguments_of(types: tuple[str, ...]) -> str:
    """The signature's argument families, as the catalog keys them: 'NUMBER, VARCHAR'."""
    out = []
    for t in types:
        found = udf_calls.family(t)
        if found is None:
            raise errors.not_supported(f"The data type {t} in a function signature")
        out.append(found)
    return ", ".join(out)


def create_function(session: Session, stmt: CreateFunction) -> Result:
    if stmt.language.upper() != "SQL":
        raise errors.not_supported(f"CREATE FUNCTION … LANGUAGE {stmt.language.upper()} (snowreg runs no handler "
                                   "code: only SQL functions)")
    if stmt.temporary:
        raise errors.not_supported("CREATE TEMPORARY FUNCTION")
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.invalid_property_combination()
    db, schema, name = session.qualify(stmt.name)
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", _fqn(db, schema))
    _not_built_in(name)
    arguments = arguments_of(tuple(a.type for a in stmt.args))
    existing = session.catalog.udfs.get(db, schema, name, arguments)
    if existing is not None:
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        check(session, existing, "own")
    privileges.check_create_in_schema(session, db, schema, "FUNCTION")
    from snowreg.engine.sql import udf_bodies  # translation (sqlglot) loads with the first function made

    body = udf_bodies.compile_body(session, stmt, udf_bodies.Place(db, schema, name))
    row = FunctionRow(db, schema, name, arguments, now(), session.role, stmt.comment, stmt.secure,
                      stmt.returns is None, f"{physical(name)}({arguments})", _definition(stmt, body))
    session.catalog.create_function(row, existing, stmt.copy_grants)
    return status(f"Function {quote_ident(name)} successfully created.")


def _not_built_in(name: str) -> None:
    """"Snowflake does not allow creating functions with the same name as any of the system-defined
    functions" (https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions)."""
    from snowreg.engine.sql import functions  # the built-ins' table (sqlglot) loads with the first function

    if name.upper() in functions.FUNCTIONS or name.upper() in functions.NOT_EMULATED:
        raise errors.compilation_error(f"Function '{name}' cannot be created: a system-defined function has "
                                       "that name.")


def _definition(stmt: CreateFunction, body: Compiled) -> str:
    """The row's JSON: the statement's parts, the macros, and what DESCRIBE and INFORMATION_SCHEMA show."""
    signature = "(" + ", ".join(f"{quote_ident(a.name)} {udf_calls.family(a.type)}" for a in stmt.args) + ")"
    if stmt.returns is None:
        shown = "TABLE (" + ", ".join(f"{quote_ident(n)} {display_type(t)}" for n, t in stmt.columns) + ")"
    else:
        shown = display_type(stmt.returns)
    kind = shown.split("(", 1)[0].strip() if stmt.returns is not None else shown
    sizes = [int(s) for s in shown[shown.index("(") + 1:-1].split(",")] if stmt.returns and "(" in shown else []
    return orjson.dumps({
        "args": [[a.name, a.type, a.default] for a in stmt.args], "returns": stmt.returns,
        "columns": [list(c) for c in stmt.columns], "body": stmt.body, "not_null": stmt.not_null,
        "language": "SQL", "volatility": stmt.volatility, "memoizable": stmt.memoizable, "macros": body.macros,
        "reads": body.reads, "calls": body.calls,
        "signature": signature, "data_type": kind,
        "precision": sizes[0] if kind == "NUMBER" else None, "scale": sizes[1] if kind == "NUMBER" else None,
        "length": sizes[0] if kind in ("VARCHAR", "BINARY") else None,
    }).decode()


def find(session: Session, sig: FunctionSignature) -> tuple[tuple[str, str, str, str], FunctionRow | None]:
    """The function a signature names ((db, schema, name, arguments), None when there is none)."""
    db, schema, name = session.qualify(sig.name)
    arguments = arguments_of(sig.types)
    return (db, schema, name, arguments), session.catalog.udfs.get(db, schema, name, arguments)


def _missing(key: tuple[str, str, str, str]) -> errors.Error:
    db, schema, name, arguments = key
    return errors.does_not_exist("Function", f"{_fqn(db, schema, name)}({arguments})")


def check(session: Session, row: FunctionRow, action: str) -> None:
    """OWNERSHIP for DROP / ALTER / OR REPLACE (`own`); any privilege to DESCRIBE (`see`). A role that holds
    none is told the function does not exist."""
    a = privileges.access(session)
    held = a.held(("FUNCTION", row.database_name, row.schema_name, row.signature_name), row.owner)
    usable = a.schema_usable(row.database_name, row.schema_name)
    if usable and ("OWNERSHIP" in held or (action == "see" and held)):
        return
    if usable and held:
        raise errors.insufficient_privileges("function", row.name)
    raise _missing((row.database_name, row.schema_name, row.name, row.arguments))


def drop_function(session: Session, sig: FunctionSignature, if_exists: bool) -> Result:
    key, row = find(session, sig)
    if row is None:
        if if_exists:
            check_container(session, key[0], key[1])
            return status(f"Drop statement executed successfully ({quote_ident(key[2])} already dropped).")
        raise _missing(key)
    check(session, row, "own")
    session.catalog.drop_function(row)
    return status(f"{quote_ident(row.name)} successfully dropped.")


def alter_function(session: Session, sql: str) -> Result:
    stmt = parse.parse_alter(sql)
    key, row = find(session, stmt.signature)
    if row is None:
        if stmt.if_exists:
            return status("Statement executed successfully.")
        raise _missing(key)
    check(session, row, "own")
    if stmt.action == "RENAME":
        assert stmt.new_name is not None
        db, schema, name = session.qualify(stmt.new_name)
        _not_built_in(name)
        if session.catalog.databases.get_schema(db, schema) is None:
            raise errors.does_not_exist("Schema", _fqn(db, schema))
        if session.catalog.udfs.get(db, schema, name, row.arguments) is not None:
            raise errors.already_exists("Object", name)
        if (db, schema) != (row.database_name, row.schema_name):
            privileges.check_create_in_schema(session, db, schema, "FUNCTION")
        new = dataclasses.replace(row, database_name=db, schema_name=schema, name=name,
                                  macro=f"{physical(name)}({row.arguments})")
    elif stmt.action in ("SET COMMENT", "UNSET COMMENT"):
        new = dataclasses.replace(row, comment=stmt.comment)
    else:
        new = dataclasses.replace(row, secure=stmt.action == "SET SECURE")
    session.catalog.change_function(row, new)
    return status("Statement executed successfully.")


# ---------------------------------------------------------------------------------------------
# DESCRIBE FUNCTION, SHOW USER FUNCTIONS
# ---------------------------------------------------------------------------------------------


def signature_text(row: FunctionRow) -> str:
    """`(A NUMBER, B VARCHAR)`: the argument names and declared types."""
    return "(" + ", ".join(f"{quote_ident(a[0])} {udf_calls.family(a[1])}" for a in row.spec["args"]) + ")"


def display_type(declared: str) -> str:
    """A declared type as DESCRIBE shows it: `INT` → NUMBER(38,0), `VARCHAR` → VARCHAR(16777216)."""
    kind = udf_calls.family(declared) or declared
    sizes = declared[declared.index("("):] if "(" in declared else ""
    if kind == "NUMBER":
        return "NUMBER" + (sizes.replace(" ", "") if sizes else "(38,0)")
    if kind in ("VARCHAR", "BINARY"):
        return kind + (sizes if sizes else "(16777216)" if kind == "VARCHAR" else "(8388608)")
    return kind


def returns_text(row: FunctionRow) -> str:
    spec = row.spec
    if spec["returns"] is None:
        return "TABLE (" + ", ".join(f"{quote_ident(n)} {display_type(t)}" for n, t in spec["columns"]) + ")"
    return display_type(spec["returns"]) + (" NOT NULL" if spec["not_null"] else "")


def describe_function(session: Session, sig: FunctionSignature) -> Result:
    """DESCRIBE FUNCTION f(types): property / value rows
    (https://docs.snowflake.com/en/sql-reference/sql/desc-function); a secure function's body is shown
    to its owner only."""
    key, row = find(session, sig)
    if row is None:
        raise _missing(key)
    check(session, row, "see")
    spec = row.spec
    owner = row.owner in privileges.access(session).roles
    body = spec["body"] if owner or not row.secure else ""
    rows = [("signature", signature_text(row)), ("returns", returns_text(row)), ("language", "SQL"),
            ("null handling", "CALLED ON NULL INPUT"), ("volatility", spec["volatility"]),
            ("body", body)]
    return from_rows(["property", "value"], rows, ["TEXT", "TEXT"])


def show_rows(session: Session, database: str | None, schema: str | None, like: str | None
              ) -> list[tuple[object, ...]]:
    """SHOW USER FUNCTIONS' rows: the functions in scope the session's roles hold a privilege on."""
    from snowreg.grammar.text import like as matches

    out: list[tuple[object, ...]] = []
    a = privileges.access(session)
    for row in session.catalog.udfs.listed(database, schema):
        held = a.held(("FUNCTION", row.database_name, row.schema_name, row.signature_name), row.owner)
        if not (held and a.schema_usable(row.database_name, row.schema_name)) or not matches(like, row.name):
            continue
        spec = row.spec
        ret = "TABLE (" + ", ".join(f"{quote_ident(n)} {t}" for n, t in spec["columns"]) + ")" \
            if row.is_table else udf_calls.family(spec["returns"]) or spec["returns"]
        out.append((row.created_on, row.name, row.schema_name, "N", "N", "N", row.min_arity, row.arity,
                    f"{row.name}({row.arguments}) RETURN {ret}", row.comment or "user-defined function",
                    row.database_name, "Y" if row.is_table else "N", "N", "Y" if row.secure else "N", None, None,
                    "N", "SQL", "Y" if spec["memoizable"] else "N", "N"))
    return out

