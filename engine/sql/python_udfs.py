"""Python user-defined functions: CREATE FUNCTION … LANGUAGE PYTHON HANDLER = 'fn' AS $$ … $$ (in-line code):
scalar functions, and table functions (RETURNS TABLE, a handler class with `process` and `end_partition`).

https://docs.snowflake.com/en/developer-guide/udf/python/udf-python-creating. The handler code is the SQL
author's own and runs in this process (as a model's code does: conformance/DECISIONS.md U30). Like a SQL
UDF, the function is a catalog row with one DuckDB macro, reached only through `udf_calls.bind` after the
USAGE check; the macro calls a DuckDB Python function named after an id drawn at CREATE
(`__snowreg_py_<id>`), registered on the data instance from the stored definition the first time a
statement needs it (`ensure`) and never reachable by name from user SQL (the binder allows only
Snowflake's functions and the catalog's).

Values cross as the SQL-Python data type mappings say
(https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-data-type-mapping#sql-python-data-type-mappings):
NUMBER with scale 0 → int, other NUMBER → decimal.Decimal, FLOAT → float, VARCHAR → str, BINARY → bytes,
BOOLEAN → bool, DATE → datetime.date, TIME → datetime.time, TIMESTAMP_NTZ → naive datetime.datetime,
VARIANT → the JSON value (dict, list, str, int, float, bool or None), OBJECT → dict, ARRAY → list.
"""

from __future__ import annotations

import datetime
import decimal
import importlib.metadata
import importlib.util
import inspect
import re
import traceback
import uuid
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson

from snowreg import error_catalog, errors

if TYPE_CHECKING:
    import duckdb

    from snowreg.catalog.store import Store
    from snowreg.catalog.udfs import FunctionRow
    from snowreg.engine.session import Session
    from snowreg.grammar.ast.functions import CreateFunction

PREFIX = "__snowreg_py_"
CODE_FILE = "_udf_code.py"  # the file name a handler's frames show in a traceback
_RUNTIMES = ("3.9", "3.10", "3.11", "3.12", "3.13")
# the argument / result type of the DuckDB function, by Snowflake type family (NUMBER: its DECIMAL)
_DUCK = {"FLOAT": "DOUBLE", "VARCHAR": "VARCHAR", "BINARY": "BLOB", "BOOLEAN": "BOOLEAN", "DATE": "DATE",
         "TIME": "TIME", "TIMESTAMP_NTZ": "TIMESTAMP", "VARIANT": "JSON", "OBJECT": "JSON", "ARRAY": "JSON"}
_UNSUPPORTED = ("IMPORTS", "TARGET_PATH", "SECRETS", "EXTERNAL_ACCESS_INTEGRATIONS", "ARTIFACT_REPOSITORY",
                "ARTIFACT_REPOSITORY_PACKAGES", "RESOURCE_CONSTRAINT")
_REGISTERED: weakref.WeakKeyDictionary[Store, set[str]] = weakref.WeakKeyDictionary()


class PythonUdfFailure(Exception):  # noqa: N818 - its name is the marker duckerrors reads in DuckDB's message
    """Raised through DuckDB by a failing handler: its text is the whole 100357 message."""


# ---------------------------------------------------------------------------------------------
# CREATE FUNCTION … LANGUAGE PYTHON
# ---------------------------------------------------------------------------------------------


def definition(stmt: CreateFunction, family: Callable[[str], str | None]) -> tuple[dict[str, Any], list[list[object]]]:
    """The Python part of a new function's JSON and its macros, once the statement's properties and types
    are checked (its code first runs when `ensure` registers it, before the row is stored: a handler that
    is missing or fails to load refuses the CREATE)."""
    if any(a.default is not None for a in stmt.args):
        raise errors.not_supported("DEFAULT arguments of a Python function")
    if "_snowflake" in stmt.body:
        raise errors.not_supported("Vectorized Python UDFs and the _snowflake module")
    runtime, handler, packages = handler_properties(stmt, "FUNCTION")
    kinds = [kind_of(a.type, family) for a in stmt.args]
    types = [_duck_type(a.type, k) for a, k in zip(stmt.args, kinds, strict=True)]
    spec: dict[str, Any] = {"id": uuid.uuid4().hex, "handler": handler, "runtime": runtime, "packages": packages,
                            "strict": stmt.strict, "kinds": kinds, "scales": [scale_of(a.type) for a in stmt.args],
                            "types": types}
    params = [f"__SNOWREG_P{i}" for i in range(len(types))]
    args = ", ".join(f'TO_JSON("{p}")' if t == "JSON" else f'CAST("{p}" AS {t})' for p, t in zip(params, types, strict=True))
    call = f'{PREFIX}{spec["id"]}({args})'
    if stmt.returns is None:  # a UDTF: the handler class's rows, one list of structs per call, unnested
        spec["columns"] = [[n, kind_of(t, family), _duck_type(t, kind_of(t, family))] for n, t in stmt.columns]
        items = ", ".join(f"CAST(u.{_quoted(n)} AS {d}) AS {_quoted(n)}" for n, _, d in spec["columns"])
        return spec, [[len(params), params, f"SELECT {items} FROM (SELECT unnest({call}) AS u) AS s"]]
    kind = kind_of(stmt.returns, family)
    returns = _duck_type(stmt.returns, kind)
    spec["returns"] = [kind, returns]
    return spec, [[len(params), params, f"CAST({call} AS {returns})"]]


def handler_properties(stmt: CreateFunction, kind: str, may_miss: tuple[str, ...] = ()) -> tuple[str, str, list[str]]:
    """RUNTIME_VERSION, HANDLER and PACKAGES of CREATE FUNCTION | PROCEDURE … LANGUAGE PYTHON, checked; staged
    code and the other properties snowreg does not emulate are refused by name (`may_miss`: packages that
    need not be installed here at CREATE)."""
    values = {k: v.strip() for k, v in stmt.values}
    for name in _UNSUPPORTED:
        if name in values or name in stmt.options:
            raise errors.not_supported(f"{name} in CREATE {kind} … LANGUAGE PYTHON (only in-line handler code)")
    runtime = values.get("RUNTIME_VERSION", "")  # the docs' examples write it quoted and not: 3.12, '3.12'
    runtime = runtime if re.fullmatch(r"\d+\.\d+", runtime) else _literal(values.get("RUNTIME_VERSION"),
                                                                           "RUNTIME_VERSION")
    if runtime not in _RUNTIMES:
        raise errors.compilation_error(f"Unsupported Python runtime version {runtime!r}: one of "
                                       f"{', '.join(_RUNTIMES)}")
    handler = _literal(values.get("HANDLER"), "HANDLER")
    if "." in handler:
        raise errors.not_supported("A handler in a module (HANDLER = 'module.name': staged code)")
    if not handler.isidentifier():
        raise errors.compilation_error(f"Invalid handler {handler!r}: the name of a function of the code")
    return runtime, handler, _packages(values.get("PACKAGES"), may_miss)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str | None, name: str) -> str:
    if text is None:
        raise errors.compilation_error(f"Missing option(s): [{name}] for a Python function.")
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        raise errors.compilation_error(f"{name} takes a string literal, not {text}")
    return text[1:-1].replace("''", "'")


def _packages(text: str | None, may_miss: tuple[str, ...] = ()) -> list[str]:
    """PACKAGES = ('name[==version]', …): each must be importable here (DECISIONS U32); versions are
    recorded, not enforced."""
    if text is None:
        return []
    inner = text.strip()
    if not (inner.startswith("(") and inner.endswith(")")):
        raise errors.compilation_error(f"PACKAGES takes a list of string literals, not {text}")
    found = re.findall(r"'((?:[^']|'')*)'", inner[1:-1])
    if re.sub(r"'(?:[^']|'')*'|[\s,]", "", inner[1:-1]):
        raise errors.compilation_error(f"PACKAGES takes a list of string literals, not {text}")
    missing = [p for p in found if not _installed(name := package_name(p)) and name.lower() not in may_miss]
    if missing:
        raise error_catalog.unknown_python_packages(missing)
    return found


def package_name(spec: str) -> str:
    """A PACKAGES entry's distribution name (`numpy==1.26` → numpy)."""
    return re.split(r"[=<>!~\s]", spec, maxsplit=1)[0]


def snowpark_installed() -> bool:
    """Whether `snowflake.snowpark` imports here (find_spec of a submodule raises when its parent is missing)."""
    try:
        return importlib.util.find_spec("snowflake.snowpark") is not None
    except ImportError:
        return False


def _installed(name: str) -> bool:
    if name.lower() in ("snowflake-snowpark-python", "snowflake.snowpark"):
        return snowpark_installed()
    try:
        importlib.metadata.distribution(name)
        return True
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        return importlib.util.find_spec(name.replace("-", "_")) is not None
    except (ImportError, ValueError):
        return False


def kind_of(declared: str, family: Callable[[str], str | None]) -> str:
    kind = family(declared)
    if kind != "NUMBER" and kind not in _DUCK:
        raise errors.not_supported(f"The data type {declared} in a Python function")
    return kind


def _duck_type(declared: str, kind: str) -> str:
    if kind == "NUMBER":
        sizes = declared[declared.index("(") + 1:declared.rindex(")")].replace(" ", "") if "(" in declared else "38,0"
        if "," not in sizes:
            sizes += ",0"
        return f"DECIMAL({sizes})"
    return _DUCK[kind]


def load(body: str, handler: str, function: str) -> Callable[..., Any]:
    """Run the code once (a module of its own) and take its handler; 100357 when the code fails."""
    namespace: dict[str, Any] = {"__name__": "_udf_code", "__file__": CODE_FILE}
    try:
        exec(compile(body, CODE_FILE, "exec"), namespace)  # noqa: S102 - the SQL author's own handler (U30)
    except Exception as e:  # noqa: BLE001 - any failure of the author's code is theirs to read
        raise error_catalog.python_handler_error(function, handler, traceback_text(e)) from None
    fn = namespace.get(handler)
    if not callable(fn):
        raise errors.compilation_error(f"Python handler function '{handler}' is not defined in the function's code.")
    return fn  # type: ignore[no-any-return]


def traceback_text(e: BaseException) -> str:
    """The exception and the frames of the handler's own code, as Snowflake shows them."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == CODE_FILE]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames)] if frames else []
    lines += traceback.format_exception_only(type(e), e)
    return "".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# Calls: the handler registered in DuckDB, values converted both ways
# ---------------------------------------------------------------------------------------------


def is_python(row: FunctionRow) -> bool:
    return row.spec.get("language") == "PYTHON"


def ensure(session: Session, row: FunctionRow, seen: set[tuple[str, ...]] | None = None) -> None:
    """Register the DuckDB functions of `row` and of the functions its body calls (down the chain) that are
    Python ones, when not registered yet on this registry's data instance."""
    seen = set() if seen is None else seen
    key = (row.database_name, row.schema_name, row.signature_name)
    if key in seen:
        return
    seen.add(key)
    if is_python(row):
        _register(session.catalog.store, row)
    for database, schema, name, arguments in row.spec.get("calls", ()):
        inner = session.catalog.udfs.get(database, schema, name, arguments)
        if inner is not None:
            ensure(session, inner, seen)


def ensure_all(session: Session) -> None:
    """Register every Python function of the registry (once per registry: a view's text may call one
    without a bind)."""
    store = session.catalog.store
    if store in _REGISTERED:
        return
    _REGISTERED.setdefault(store, set())
    for row in session.catalog.udfs.listed():
        if is_python(row):
            try:
                _register(store, row)
            except errors.Error:  # its code no longer loads: a call reports that (through `ensure`)
                continue


def _register(store: Store, row: FunctionRow) -> None:
    py = row.spec["python"]
    name = PREFIX + py["id"]
    with store.lock:
        done = _REGISTERED.setdefault(store, set())
        if name in done:
            return
        _create(store.data, name, row)
        done.add(name)


def _create(data: duckdb.DuckDBPyConnection, name: str, row: FunctionRow) -> None:
    import duckdb

    spec = row.spec
    py = spec["python"]
    handler = load(spec["body"], py["handler"], row.name)  # the code runs once, from the stored definition
    if getattr(handler, "_sf_vectorized_input", None) is not None:
        raise errors.not_supported("Vectorized Python UDFs")
    families, scales = py["kinds"], py["scales"]
    columns = py.get("columns")
    if columns is not None and not (isinstance(handler, type) and callable(getattr(handler, "process", None))):
        raise errors.compilation_error(f"Python handler '{py['handler']}' of a table function must be a class with a "
                                       "process method.")
    ret_family, ret_duck = py["returns"] if columns is None else ("TABLE", _rows_type(columns))
    fn_name, handler_name = row.name, py["handler"]

    def call(*args: Any) -> Any:
        try:
            values = [to_python(v, f, s) for v, f, s in zip(args, families, scales, strict=True)]
            if columns is not None:
                return _table_rows(handler, values, columns)
            return to_sql(handler(*values), ret_family)
        except Exception as e:  # noqa: BLE001 - the handler's failure, reported as Snowflake does
            raise PythonUdfFailure(error_catalog.python_handler_error(fn_name, handler_name, traceback_text(e)).msg
                                   ) from None

    # DuckDB counts the function's parameters: give the varargs closure the function's arity
    call.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(f"a{i}", inspect.Parameter.POSITIONAL_ONLY) for i in range(len(families))])
    params: list[Any] = [duckdb.sqltype(t) for t in py["types"]]
    data.create_function(name, call, params, duckdb.sqltype(ret_duck),  # type: ignore[call-overload]
                         null_handling="default" if py["strict"] else "special",
                         side_effects=False)  # DECISIONS.md U34: DuckDB may share a call's result within a query


def _rows_type(columns: list[list[str]]) -> str:
    return "STRUCT(" + ", ".join(f"{_quoted(n)} {d}" for n, _, d in columns) + ")[]"


def _table_rows(handler: Any, values: list[Any], columns: list[list[str]]) -> list[dict[str, Any]]:
    """A UDTF's rows for one input row: a new instance of the handler class, `process` then `end_partition`
    (each input row its own partition: DECISIONS.md U38)."""
    instance = handler()
    out = list(instance.process(*values) or ())
    end = getattr(instance, "end_partition", None)
    if callable(end):
        out += list(end() or ())
    rows = []
    for found in out:
        if not isinstance(found, tuple | list) or len(found) != len(columns):
            raise TypeError(f"A row of a table function must be a tuple of {len(columns)} values, got {found!r}")
        rows.append({n: to_sql(v, k) for (n, k, _), v in zip(columns, found, strict=True)})
    return rows


def scale_of(declared: str) -> int:
    if "," not in declared:
        return 0
    return int(declared[declared.index(",") + 1:declared.rindex(")")].strip())


def to_python(value: Any, kind: str, scale: int) -> Any:
    if value is None:
        return None
    if kind == "NUMBER":
        return int(value) if scale == 0 else value
    if kind in ("VARIANT", "OBJECT", "ARRAY"):
        return orjson.loads(value)
    return value


def to_sql(value: Any, kind: str) -> Any:
    """The handler's result as the DuckDB function returns it (a type it cannot be raises TypeError)."""
    if value is None:
        return None
    if kind in ("VARIANT", "OBJECT", "ARRAY"):
        if kind == "OBJECT" and not isinstance(value, dict) or kind == "ARRAY" and not isinstance(value, list | tuple):
            raise TypeError(f"Expected {'dict' if kind == 'OBJECT' else 'list'} for {kind} result, got "
                            f"{type(value).__name__}")
        # keys in order at every depth, as PARSE_JSON keeps an OBJECT's (DECISIONS.md F108, F135)
        return orjson.dumps(value, default=_json_default,
                            option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS).decode()
    expected: dict[str, tuple[type, ...]] = {
        "NUMBER": (int, decimal.Decimal, float), "FLOAT": (float, int, decimal.Decimal), "VARCHAR": (str,),
        "BINARY": (bytes, bytearray), "BOOLEAN": (bool,), "DATE": (datetime.date,), "TIME": (datetime.time,),
        "TIMESTAMP_NTZ": (datetime.datetime,)}
    allowed = expected.get(kind, ())
    if not isinstance(value, allowed) or (kind in ("NUMBER", "FLOAT") and isinstance(value, bool)):
        raise TypeError(f"Cannot convert a Python {type(value).__name__} to {kind}")
    if kind == "NUMBER":
        return decimal.Decimal(str(value)) if isinstance(value, float) else value
    if kind == "FLOAT":
        return float(value)  # type: ignore[arg-type]
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes | bytearray):
        return value.hex()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"Cannot convert a Python {type(value).__name__} to VARIANT")
