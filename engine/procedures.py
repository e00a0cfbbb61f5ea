"""SQL stored procedures: CREATE / ALTER / DROP / DESCRIBE PROCEDURE, SHOW [USER] PROCEDURES and CALL.

https://docs.snowflake.com/en/sql-reference/sql/create-procedure (LANGUAGE SQL: a Snowflake Scripting
block) and …/call. A procedure is kept like a user-defined function (catalog.udfs rows, grants by
signature) and its body runs through engine.scripting, each statement through the engine's dispatch.
An in-line Python procedure's handler runs through engine.python_procedures; other languages (Java,
JavaScript, Scala) are refused as not supported.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import orjson

from snowreg import error_catalog, errors
from snowreg.catalog.store import now
from snowreg.catalog.udfs import FunctionRow
from snowreg.engine import python_procedures, routines, transaction
from snowreg.engine.access import privileges
from snowreg.engine.result import Column, Result, from_rows, status
from snowreg.engine.routines import PROCEDURE, fqn
from snowreg.engine.script_values import Value, literal, type_of
from snowreg.engine.scripting import Interpreter, Runner, argument_scope
from snowreg.engine.session import Session
from snowreg.engine.sql.session_texts import declared_types
from snowreg.engine.sql.udf_calls import family
from snowreg.grammar import ast
from snowreg.grammar import functions as parse
from snowreg.grammar.ast.functions import CreateFunction, FunctionSignature
from snowreg.grammar.scripting import parse_script
from snowreg.grammar.text import outside_literals, quote_ident, resolve_ident

# A runner for a procedure's statements; `refuse` sees each statement first (owner's rights' restrictions),
# a `record`ed one gets a query id (the block's SQL statements, not its expressions' SELECTs).
MakeRunner = Callable[[Callable[[ast.Statement], None] | None, bool], Runner]
MAX_DEPTH = 32  # nested CALLs (the docs give no number: DECISIONS.md X12)
_depth: dict[int, int] = {}
_depth_lock = threading.Lock()


def run(session: Session, verb: str, sql: str) -> Result:
    """CREATE, DROP or ALTER PROCEDURE."""
    transaction.before_plain(session, "ddl")
    if verb == "CREATE PROCEDURE":
        return create_procedure(session, parse.parse_create(sql, "PROCEDURE"))
    if verb == "DROP PROCEDURE":
        stmt = parse.parse_drop(sql, "PROCEDURE")
        return drop_procedure(session, stmt.signature, stmt.if_exists)
    return alter_procedure(session, sql)


def create_procedure(session: Session, stmt: CreateFunction) -> Result:
    python = stmt.language.upper() == "PYTHON"
    routines.refuse_unemulated(PROCEDURE, stmt, "only SQL procedures, whose body is Snowflake Scripting, and "
                               "in-line Python ones", python)
    if stmt.execute_as == "RESTRICTED CALLER":
        raise errors.not_supported("EXECUTE AS RESTRICTED CALLER")
    found = routines.creating(session, PROCEDURE, stmt)
    if isinstance(found, Result):
        return found
    (db, schema, name, arguments), existing = found
    py = None
    if python:  # its properties checked and its code compiled (it runs at a CALL)
        py = python_procedures.definition(stmt, name)
        if not stmt.body.strip():
            raise errors.compilation_error("A Python procedure's handler code is given in line: AS $$ … $$.")
    else:
        parse_script(stmt.body)  # a body that does not parse fails here, as Snowflake compiles it at CREATE
    row = FunctionRow(db, schema, name, arguments, now(), session.role, stmt.comment, stmt.secure,
                      stmt.returns is None, "", _definition(stmt, py))
    session.catalog.create_procedure(row, existing, stmt.copy_grants)
    routines.made_temporary(session, PROCEDURE, row, stmt.temporary)
    return status(f"Function {quote_ident(name)} successfully created.")


def _definition(stmt: CreateFunction, python: dict[str, object] | None) -> str:
    """The row's JSON: the statement's parts and what DESCRIBE and INFORMATION_SCHEMA.PROCEDURES show (a
    Python procedure: its handler's properties under `python`, its code as `body`)."""
    return orjson.dumps({
        "args": [[a.name, a.type, a.default] for a in stmt.args], "returns": stmt.returns,
        "columns": [list(c) for c in stmt.columns], "body": stmt.body, "not_null": stmt.not_null,
        "execute_as": stmt.execute_as, "volatility": stmt.volatility, **routines.type_details(stmt),
        **({"language": "PYTHON", "python": python} if python is not None else {}),
        **({"temporary": True} if stmt.temporary else {}),
    }).decode()


def drop_procedure(session: Session, sig: FunctionSignature, if_exists: bool) -> Result:
    return routines.drop(session, PROCEDURE, sig, if_exists, session.catalog.drop_procedure)


def alter_procedure(session: Session, sql: str) -> Result:
    stmt = parse.parse_alter(sql, "PROCEDURE")
    key, row = routines.find(session, PROCEDURE, stmt.signature)
    if row is None:
        if stmt.if_exists:
            return status("Statement executed successfully.")
        raise routines.missing(PROCEDURE, key)
    routines.check(session, PROCEDURE, row, "own")
    if stmt.action == "RENAME":
        assert stmt.new_name is not None
        db, schema, name = session.qualify(stmt.new_name)
        if session.catalog.databases.get_schema(db, schema) is None:
            raise errors.does_not_exist("Schema", fqn(db, schema))
        if session.catalog.procedures.get(db, schema, name, row.arguments) is not None:
            raise errors.already_exists("Object", name)
        if (db, schema) != (row.database_name, row.schema_name):
            privileges.check_create_in_schema(session, db, schema, "PROCEDURE")
        new = dataclasses.replace(row, database_name=db, schema_name=schema, name=name)
    elif stmt.action in ("SET COMMENT", "UNSET COMMENT"):
        new = dataclasses.replace(row, comment=stmt.comment)
    elif stmt.action.startswith("EXECUTE AS"):
        spec = dict(row.spec, execute_as=stmt.action.removeprefix("EXECUTE AS "))
        new = dataclasses.replace(row, definition=orjson.dumps(spec).decode())
    else:
        new = dataclasses.replace(row, secure=stmt.action == "SET SECURE")
    session.catalog.change_procedure(row, new)
    if row.spec.get("temporary") and stmt.action == "RENAME":  # still its session's, under the new name
        routines.made_temporary(session, PROCEDURE, row, False)
        routines.made_temporary(session, PROCEDURE, new, True)
    return status("Statement executed successfully.")


# ---------------------------------------------------------------------------------------------
# DESCRIBE PROCEDURE, SHOW PROCEDURES
# ---------------------------------------------------------------------------------------------


def describe_procedure(session: Session, sig: FunctionSignature) -> Result:
    """DESCRIBE PROCEDURE p(types) (https://docs.snowflake.com/en/sql-reference/sql/desc-procedure): property /
    value rows; a secure procedure's body is shown to its owner only."""
    row, rows = routines.describe_rows(session, PROCEDURE, sig)
    return from_rows(["property", "value"], [*rows, ("execute as", row.spec["execute_as"])], ["TEXT", "TEXT"])


def show_rows(session: Session, database: str | None, schema: str | None, like: str | None
              ) -> list[tuple[object, ...]]:
    """SHOW [USER] PROCEDURES' rows: the procedures in scope the session's roles hold a privilege on."""
    return routines.show_rows(session, PROCEDURE, (database, schema), like, lambda row: ())


SHOW_COLUMNS = ["created_on", "name", "schema_name", "is_builtin", "is_aggregate", "is_ansi", "min_num_arguments",
                "max_num_arguments", "arguments", "description", "catalog_name", "is_table_function",
                "valid_for_clustering", "is_secure", "secrets", "external_access_integrations"]
SHOW_TYPES = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "FIXED", "FIXED", "TEXT", "TEXT", "TEXT",
              "TEXT", "TEXT", "TEXT", "TEXT", "TEXT"]


def show_procedures(session: Session, scope: tuple[str | None, str | None], like: str | None) -> Result:
    return from_rows(SHOW_COLUMNS, show_rows(session, scope[0], scope[1], like), SHOW_TYPES)


# ---------------------------------------------------------------------------------------------
# CALL
# ---------------------------------------------------------------------------------------------


def call(session: Session, sql: str, make_runner: MakeRunner) -> Result:
    """CALL p(args): the arguments computed in the caller's session, the body run with the owner's or the
    caller's rights; one column named after the procedure, or RETURNS TABLE's rows."""
    name, arg_texts = parse.parse_call(sql)
    runner = make_runner(None, False)
    row, given = _resolved(session, name, arg_texts, runner)
    spec = row.spec
    values = [_evaluate(runner, literal(v) if v is not None else a[2], a[1])  # None: the argument's DEFAULT
              for v, a in zip(given, spec["args"], strict=True)]
    owner = spec["execute_as"] == "OWNER"
    with _nested(session), rights(session, row.owner if owner else None), _scope(session, row.name):
        refuse = refusals(owner, session.transaction)
        try:
            if spec.get("language") == "PYTHON":
                return python_procedures.call(session, row, values, make_runner(refuse, False), refuse)
            block = parse_script(spec["body"])
            interpreter = Interpreter(make_runner(refuse, False), make_runner(refuse, True), column=row.name,
                                      returns=spec["returns"], check=session.check_canceled,
                                      declared_type=declared_types(session))
            result = interpreter.run(block, argument_scope([a[0] for a in spec["args"]], values))
        except errors.Error as e:  # its positions count in the body, not in the CALL's text: they never move
            error = type(e)(e.msg, e.errno, e.sqlstate)
            error.inner = e
            raise error from None
    return _shaped(result, row)


@contextmanager
def _scope(session: Session, name: str) -> Iterator[None]:
    """A stored procedure's transactions (https://docs.snowflake.com/en/sql-reference/transactions, stored
    procedures and transactions): called inside a transaction, its body may not end that one (COMMIT, ROLLBACK
    and DDL fail); called outside one, a transaction it begins and leaves open (explicitly, or by DML with
    AUTOCOMMIT off) is rolled back when it ends, and the CALL fails (with the body's own error, if any)."""
    enclosing = session.transaction_id if session.transaction else None
    saved = session.enclosing_transaction
    if enclosing is not None:
        session.enclosing_transaction = enclosing
    failed = True
    try:
        yield
        failed = False
    finally:
        session.enclosing_transaction = saved
        left_open = enclosing is None and session.transaction
        if left_open:
            transaction.rollback(session)
    if left_open and not failed:
        raise error_catalog.transaction_left_open(name)


def describe_call(session: Session, sql: str, make_runner: MakeRunner) -> Result:
    """The columns CALL p(args) answers with, without running the body: one named after the procedure of
    its declared return type, or RETURNS TABLE's declared columns (the arguments are computed to choose
    among overloads, as CALL does)."""
    name, arg_texts = parse.parse_call(sql)
    runner = make_runner(None, False)
    row, _ = _resolved(session, name, arg_texts, runner)
    spec = row.spec
    if spec["returns"] is not None:
        typed = runner(f"SELECT CAST(NULL AS {spec['returns']})")
        col = typed.columns[0]
        return Result([Column(row.name, col.type, col.precision, col.scale, True, col.internal_size)])
    columns = spec["columns"] or []
    if not columns:
        return Result([])
    typed = runner("SELECT " + ", ".join(f"CAST(NULL AS {kind}) AS {quote_ident(n)}" for n, kind in columns))
    return Result([dataclasses.replace(c, name=n) for c, (n, _) in zip(typed.columns, columns, strict=True)])


_NAMED = re.compile(r"\s*(\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)\s*=>(.*)", re.S)


def _resolved(session: Session, name: ast.QualifiedName, texts: tuple[str, ...], runner: Runner
              ) -> tuple[FunctionRow, list[Value | None]]:
    """The procedure a CALL names and its arguments in declared order (None: left to the DEFAULT), given
    by position or, all of them, by name (`p(b => 2, a => 1)`: https://docs.snowflake.com/en/sql-reference/sql/call;
    DECISIONS.md U45)."""
    named = [_NAMED.fullmatch(t) for t in texts]
    if not any(named):
        values = _arguments(runner, texts)
        row = resolve(session, name, values)
        return row, [*values, *[None] * (row.arity - len(values))]
    if not all(named):
        raise errors.compilation_error("Arguments of a call are given all by position or all by name (x => value).")
    names = [resolve_ident(m.group(1)) for m in named if m is not None]
    if len(set(names)) != len(names):
        raise errors.compilation_error("An argument is named twice in the call.")
    by_name = dict(zip(names, _arguments(runner, tuple(m.group(2) for m in named if m is not None)), strict=True))
    rows = [r for r in _usable(session, name) if set(names) <= {a[0] for a in r.spec["args"]}
            and all(a[0] in by_name for a in r.spec["args"] if a[2] is None)]
    if len(rows) != 1:
        shown = ", ".join(f"{n} => {family(v.type or '') or '?'}" for n, v in by_name.items())
        raise errors.invalid_arguments(f"Invalid argument types for function '{session.qualify(name)[2]}': ({shown})")
    return rows[0], [by_name.get(a[0]) for a in rows[0].spec["args"]]


def _arguments(runner: Runner, texts: tuple[str, ...]) -> list[Value]:
    if not texts:
        return []
    result = runner("SELECT " + ", ".join(f"({t})" for t in texts))
    return [Value(v, type_of(c), c) for v, c in zip(result.rows[0], result.columns, strict=True)]


def _evaluate(runner: Runner, expr: str, declared: str) -> Value:
    result = runner(f"SELECT CAST(({expr}) AS {declared})")
    return Value(result.rows[0][0], declared, result.columns[0], True)


def resolve(session: Session, name: ast.QualifiedName, values: list[Value]) -> FunctionRow:
    """The procedure a CALL names: the session's schema, then PUBLIC; among overloads, by the number of
    arguments and then their types (DECISIONS.md U4); one the roles may not use is unknown."""
    proc = session.qualify(name)[2]
    rows = _usable(session, name)
    fitting = [r for r in rows if r.min_arity <= len(values) <= r.arity]
    given = [family(v.type or "") for v in values]

    def score(r: FunctionRow) -> int:
        return sum(1 for g, a in zip(given, r.arguments.split(", "), strict=False) if g == a)

    fitting.sort(key=score, reverse=True)
    if not fitting or (len(fitting) > 1 and score(fitting[0]) == score(fitting[1])):
        shown = ", ".join(g or "?" for g in given)
        raise errors.invalid_arguments(f"Invalid argument types for function '{proc}': ({shown})")
    return fitting[0]


def _usable(session: Session, name: ast.QualifiedName) -> list[FunctionRow]:
    """The signatures of the name a CALL may use: the session's schema, then PUBLIC; those the roles hold
    USAGE or OWNERSHIP on (none: 002140, as for a name that does not exist)."""
    db, schema, proc = session.qualify(name)
    rows = session.catalog.procedures.named(db, schema, proc)
    if not rows and name.schema is None:
        rows = session.catalog.procedures.named(db, "PUBLIC", proc)
    rows = [r for r in rows if {"USAGE", "OWNERSHIP"} & routines.held(session, PROCEDURE, r)]
    if not rows:
        raise errors.unknown_function(proc)
    return rows


def _shaped(result: Result, row: FunctionRow) -> Result:
    spec = row.spec
    if spec["returns"] is None:
        columns = spec["columns"]
        if columns and len(columns) == len(result.columns):
            result.columns = [dataclasses.replace(c, name=n) for c, (n, _) in zip(result.columns, columns, strict=True)]
        return result
    if spec["not_null"] and result.rows and result.rows[0][0] is None:
        raise errors.null_violation("NULL result in a non-nullable column")
    col = result.columns[0]
    result.columns = [Column(row.name, col.type, col.precision, col.scale, True, col.internal_size)]
    return result


# Statements an owner's-rights procedure may not run: they read or change the caller's session
# (https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-rights).
_SESSION_STATEMENTS = {"AlterSession": "ALTER_SESSION", "Use": "USE", "UseRole": "USE", "UseSecondaryRoles": "USE",
                       "SetVariable": "SET", "UnsetVariable": "UNSET"}


_TRANSACTION_VERBS = frozenset({"BEGIN", "START", "COMMIT", "ROLLBACK"})
_SESSION_VARIABLE = re.compile(r"(?<![\w$])\$([A-Za-z_][\w$]*)")


_PROCEDURE = "a stored procedure called"


def refusals(owner: bool, in_transaction: bool, what: str = _PROCEDURE) -> Callable[[ast.Statement], None] | None:
    """What a body may not run: an owner's-rights one the statements that change the caller's session (or
    read its variables); any procedure, ALTER SESSION of AUTOCOMMIT (the transactions page: "Do not change
    AUTOCOMMIT settings inside a stored procedure. You will get an error message."); one called (`what`: an
    anonymous block run) inside a transaction, BEGIN / COMMIT / ROLLBACK (Snowflake's scoped transactions: not
    emulated; a procedure's COMMIT / ROLLBACK fail as the page says)."""
    if not owner and not in_transaction and what != _PROCEDURE:
        return None

    def refuse(stmt: ast.Statement) -> None:
        kind = _SESSION_STATEMENTS.get(type(stmt).__name__)
        if owner and kind is not None:
            raise errors.owner_rights_statement(kind)
        if what == _PROCEDURE and transaction.changes_autocommit(stmt):
            raise error_catalog.autocommit_in_procedure()
        if owner and isinstance(stmt, ast.Query):  # the caller's session variables are not the owner's to read
            found = outside_literals(_SESSION_VARIABLE, stmt.body.text)
            if found:
                raise errors.variable_not_found(f"${found[0].group(1).upper()}")
        if in_transaction and isinstance(stmt, ast.Query) and stmt.verb in _TRANSACTION_VERBS:
            if what != _PROCEDURE:
                raise errors.not_supported(f"Scoped transactions (BEGIN, COMMIT or ROLLBACK in {what} inside a "
                                           "transaction)")
            if stmt.verb in ("COMMIT", "ROLLBACK"):  # the caller's: not the body's to end
                raise error_catalog.transaction_of_another_scope()
            raise errors.not_supported(f"Scoped transactions (BEGIN in {what} inside a transaction)")
    return refuse


@contextmanager
def rights(session: Session, owner: str | None) -> Iterator[None]:
    """The body's statements run with the owner's role (owner's rights) or the caller's (owner None); an
    owner's-rights body leaves no statement behind for the caller's LAST_QUERY_ID / RESULT_SCAN."""
    if owner is None:
        yield
        return
    saved = session.role, session.secondary_roles
    recorded = len(session.query_ids)
    session.role, session.secondary_roles = owner, "NONE"
    try:
        yield
    finally:
        session.role, session.secondary_roles = saved
        session.forget_queries_since(recorded)  # their results were read with the owner's privileges


@contextmanager
def as_owner(session: Session, owner: str, database: str | None, schema: str | None) -> Iterator[None]:
    """A task's run or a dynamic table's refresh: the owner's rights, in the object's database and schema, in a
    session of its own as Snowflake runs them: no session variables of the caller's, no statement left behind, and
    at most MAX_DEPTH deep (a task that executes itself)."""
    saved = session.database, session.schema, session.variables
    with _nested(session), rights(session, owner):
        session.database, session.schema, session.variables = database, schema, {}
        try:
            yield
        finally:
            session.database, session.schema, session.variables = saved


@contextmanager
def _nested(session: Session) -> Iterator[None]:
    with _depth_lock:
        depth = _depth.get(session.id, 0) + 1
        if depth > MAX_DEPTH:
            raise errors.execution_error(f"Stored procedure calls nested more than {MAX_DEPTH} deep.")
        _depth[session.id] = depth
    try:
        yield
    finally:
        with _depth_lock:
            if depth == 1:
                _depth.pop(session.id, None)
            else:
                _depth[session.id] = depth - 1

