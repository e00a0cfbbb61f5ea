"""Python stored procedures: CREATE PROCEDURE … LANGUAGE PYTHON HANDLER = 'run' AS $$ … $$ (in-line code), and
what CALL does with one.

https://docs.snowflake.com/en/developer-guide/stored-procedure/python/procedure-python-writing: the handler
takes a Snowpark `Session` and then the procedure's arguments, and returns a value of the declared type, or
(RETURNS TABLE) a Snowpark DataFrame. The code is the SQL author's own and runs in this process, as a Python
UDF's does (conformance/DECISIONS.md U30, U40): it is compiled from the stored definition text at each CALL,
never unpickled. The Session the handler gets is bound to the calling snowreg session: every statement it
sends goes through the engine's one statement path, with the procedure's rights (engine.procedures swaps the
role for owner's rights and refuses the statements an owner's-rights procedure may not run). The Session
itself is made by the connection layer (`snowreg.dbapi` registers `set_session_factory`): it wraps the
engine session in a connector-like connection, which the engine does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from snowreg import error_catalog, errors
from snowreg.engine.sql import python_udfs
from snowreg.grammar.text import quote_ident

if TYPE_CHECKING:  # the rest loads with the first procedure (the connection layer imports this module)
    from snowreg.catalog.udfs import FunctionRow
    from snowreg.engine.result import Result
    from snowreg.engine.script_values import Value
    from snowreg.engine.session import Session
    from snowreg.grammar.ast import Statement
    from snowreg.grammar.ast.functions import CreateFunction

SNOWPARK = "snowflake-snowpark-python"
Refuse: TypeAlias = "Callable[[Statement], None] | None"
Runner: TypeAlias = "Callable[[str], Result]"
# (engine session, the statements the body may not run) → (Snowpark Session, a function that closes it)
SessionFactory: TypeAlias = Callable[["Session", Refuse], tuple[Any, Callable[[], None]]]
_factory: list[SessionFactory] = []


def set_session_factory(factory: SessionFactory) -> None:
    """The connection layer's maker of a handler's Snowpark Session (one, the latest registered)."""
    _factory[:] = [factory]


# ---------------------------------------------------------------------------------------------
# CREATE PROCEDURE … LANGUAGE PYTHON
# ---------------------------------------------------------------------------------------------


def definition(stmt: CreateFunction, name: str) -> dict[str, Any]:
    """The Python part of a new procedure's JSON, once its properties and types are checked and its code
    compiles (a syntax error refuses the CREATE with 100357). The code runs first at a CALL: Snowpark need
    not be installed to create one (DECISIONS.md U41)."""
    from snowreg.engine.sql.udf_calls import family

    if stmt.execute_as == "RESTRICTED CALLER":
        raise errors.not_supported("EXECUTE AS RESTRICTED CALLER")
    runtime, handler, packages = python_udfs.handler_properties(stmt, "PROCEDURE", (SNOWPARK,))
    kinds = [python_udfs.kind_of(a.type, family) for a in stmt.args]
    returns = None if stmt.returns is None else python_udfs.kind_of(stmt.returns, family)
    for _, declared in stmt.columns:
        python_udfs.kind_of(declared, family)
    try:
        compile(stmt.body, python_udfs.CODE_FILE, "exec")
    except SyntaxError as e:
        raise error_catalog.python_handler_error(name, handler, python_udfs.traceback_text(e)) from None
    return {"handler": handler, "runtime": runtime, "packages": packages, "strict": stmt.strict, "kinds": kinds,
            "scales": [python_udfs.scale_of(a.type) for a in stmt.args], "returns": returns}


# ---------------------------------------------------------------------------------------------
# CALL
# ---------------------------------------------------------------------------------------------


def call(session: Session, row: FunctionRow, values: list[Value], runner: Runner, refuse: Refuse) -> Result:
    """Run the handler of `row` with a Snowpark Session bound to `session` (whose role is already the
    procedure's) and the arguments; its result as CALL returns it: one column named after the procedure,
    or the rows of the DataFrame it returned (RETURNS TABLE). Any exception of the handler is 100357."""
    spec = row.spec
    py = spec["python"]
    name, handler_name = row.name, py["handler"]
    if py["strict"] and any(v.value is None for v in values):  # RETURNS NULL ON NULL INPUT: not called
        return _scalar(row, None, runner)
    if not _factory:  # an engine session no connection layer made: nothing can give the handler a Session
        raise errors.not_supported("A Python procedure's CALL outside a snowreg connection")
    if not python_udfs.snowpark_installed():
        raise error_catalog.python_handler_error(
            name, handler_name, f"ModuleNotFoundError: No module named 'snowflake.snowpark' (the package "
            f"'{SNOWPARK}', which gives a Python stored procedure's handler its Session, is not installed where "
            "snowreg runs: pip install snowflake-snowpark-python)\n")
    handler = python_udfs.load(spec["body"], handler_name, name)  # from the stored definition, at each CALL
    arguments = [python_udfs.to_python(v.value, kind, scale)
                 for v, kind, scale in zip(values, py["kinds"], py["scales"], strict=True)]
    snowpark, close = _factory[0](session, refuse)
    try:
        try:
            returned = handler(snowpark, *arguments)
            if spec["returns"] is None:
                return _table(row, returned, runner)
            return _scalar(row, _to_sql(returned, py["returns"]), runner)
        except errors.Error:
            raise  # snowreg's own (the result's statements): as they are
        except Exception as e:  # noqa: BLE001 - the handler's failure, reported as Snowflake does
            refused = _not_supported(e)
            if refused is not None:  # what snowreg does not emulate is never the handler's error
                raise refused from None
            raise error_catalog.python_handler_error(name, handler_name, python_udfs.traceback_text(e)) from None
    finally:
        close()


def _to_sql(value: Any, kind: str) -> Any:
    """A handler's return value as the declared type takes it (python_udfs' mapping); for VARCHAR any value
    but a DataFrame is its `str()` (DECISIONS.md U44)."""
    if kind == "VARCHAR" and value is not None and not isinstance(value, str) and not _is_dataframe(value):
        return str(value)
    if _is_dataframe(value):
        raise TypeError(f"A DataFrame is returned only by a procedure declared RETURNS TABLE, not {kind}")
    return python_udfs.to_sql(value, kind)


def _scalar(row: FunctionRow, value: Any, runner: Runner) -> Result:
    from snowreg.engine.script_values import Value, literal

    declared = row.spec["returns"]
    if value is None and row.spec["not_null"]:
        raise errors.null_violation("NULL result in a non-nullable column")
    kind = row.spec["python"]["returns"]
    typed = literal(Value(value, kind if kind in ("VARIANT", "OBJECT", "ARRAY") else declared, None))  # type: ignore[arg-type]
    result = runner(f"SELECT CAST({typed} AS {declared}) AS {quote_ident(row.name)}")
    return result


def _is_dataframe(value: Any) -> bool:
    return any(c.__name__ == "DataFrame" and c.__module__.startswith("snowflake.snowpark") for c in type(value).__mro__)


def _table(row: FunctionRow, returned: Any, runner: Runner) -> Result:
    """RETURNS TABLE: the rows of the DataFrame the handler returned, its queries run with the procedure's
    rights; declared columns take its columns by position, cast to their types."""
    if not _is_dataframe(returned):
        raise TypeError(f"A procedure declared RETURNS TABLE returns a Snowpark DataFrame, not "
                        f"{type(returned).__name__}")
    plan = returned.queries
    *before, last = plan["queries"]
    try:
        for text in before:
            runner(text)
        result = runner(last)
        columns = row.spec["columns"] or []
        if columns:
            if len(columns) != len(result.columns):
                raise errors.execution_error(f"The DataFrame of procedure {row.name} has {len(result.columns)} "
                                             f"columns where RETURNS TABLE declares {len(columns)}.")
            items = ", ".join(f"CAST(q.{quote_ident(c.name)} AS {kind}) AS {quote_ident(n)}"
                              for c, (n, kind) in zip(result.columns, columns, strict=True))
            result = runner(f"SELECT {items} FROM ({last}) AS q")
    finally:
        for text in plan.get("post_actions", []):
            runner(text)
    return result


def _not_supported(e: BaseException) -> errors.Error | None:
    """The not-supported error (000002) a statement of the handler met, when that is what it raised (the
    connector's and Snowpark's wrappers around it included)."""
    seen: set[int] = set()
    found: BaseException | None = e
    while found is not None and id(found) not in seen:
        seen.add(id(found))
        errno = getattr(found, "errno", None) or getattr(found, "sql_error_code", None)
        if errno == 2 and getattr(found, "sqlstate", None) == "0A000":
            return errors.NotSupportedError(getattr(found, "msg", None) or str(found), 2, "0A000")
        found = found.__cause__ or found.__context__
    return None
