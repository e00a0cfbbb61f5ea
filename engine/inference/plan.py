"""The call sites of one statement and what it registers in DuckDB while it runs (Arrow tables, UDFs)."""

from __future__ import annotations

import functools
import inspect
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import duckdb
from duckdb.func import ARROW, SPECIAL
from sqlglot import exp

from snowreg import errors
from snowreg.catalog import VersionRow
from snowreg.catalog.manifest import FunctionSpec
from snowreg.engine.inference.methods import Method, duck_type, json_objects, run_scalar
from snowreg.engine.sql import duckerrors

if TYPE_CHECKING:
    import pyarrow as pa

CALL = re.compile(r"__snowreg_call_(\d+)$", re.IGNORECASE)
TABLE_CALL = re.compile(r"__snowreg_tcall_(\d+)$", re.IGNORECASE)
UDF = re.compile(r"__snowreg_udf_\d+_(\d+)$", re.IGNORECASE)
_ids = itertools.count(1)

# How calls ran, process-wide: `fast` model calls on whole materialised batches, `vector` UDF calls
# (one per DuckDB vector of at most 2,048 rows), `table` table-method calls. Tests and bench read it.


@cache
def arrow_types() -> dict[str, pa.DataType]:
    """DuckDB type names → Arrow types, for typed empty results (describe-only) and table method outputs.

    A function, so that pyarrow loads with the first model call rather than with `import snowreg`."""
    import pyarrow as pa

    return {
        "TINYINT": pa.int8(), "SMALLINT": pa.int16(), "INTEGER": pa.int32(), "BIGINT": pa.int64(),
        "FLOAT": pa.float32(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(), "VARCHAR": pa.string(),
        "BLOB": pa.binary(), "TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32(), "JSON": pa.json_(),
    }


@dataclass
class Site:
    """One model call in the statement (`__snowreg_call_<index>` or `__snowreg_tcall_<index>`)."""

    index: int
    fn: FunctionSpec
    sql_name: str  # the method as written, resolved: PREDICT, or predict when quoted
    label: str  # `M!PREDICT`, for messages
    line: int
    column: int
    arity_ok: bool
    version: VersionRow | None = None
    method: Method | None = None  # bound lazily: describe-only never loads the model
    args: tuple[tuple[str, int, int], ...] = ()  # (text, line, column) of each argument as written

    @property
    def wide(self) -> bool:
        return len(self.fn.inputs) == 1 and self.fn.inputs[0][1].upper() == "OBJECT"

    def arg_types(self) -> list[str]:
        """DuckDB types the arguments are cast to: inputs, then parameters."""
        return [duck_type(t) for _, t in self.fn.inputs] + [duck_type(t) for _, t, _ in self.fn.params]

    @property
    def volatile(self) -> bool:
        return self.fn.volatility.upper() == "VOLATILE"


@dataclass
class Plan:
    """Per-statement state; `close()` removes everything it registered."""

    duck: duckdb.DuckDBPyConnection
    sites: dict[int, Site]
    describe_only: bool
    loader: Callable[[Site], Method]  # loads (through the cache) the model behind a site
    check_canceled: Callable[[], None] = lambda: None  # raises 000604 once the statement is cancelled
    uid: int = field(default_factory=lambda: next(_ids))
    tables: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)  # which path ran how often: the session's counter
    # Output columns of the statement that already hold the connector's OBJECT text (see fast.py).
    formatted: set[str] = field(default_factory=set)
    # Output columns that hold a call's single number/boolean output, to be printed as its OBJECT text
    # `prefix + value + suffix` when fetched (fast.py `_deferred`).
    deferred: dict[str, tuple[str, str]] = field(default_factory=dict)
    # What the fast path ran, round by round (fast.py `Round`), so that a statement of the same shape
    # can run it again without planning (statement.py `_replay`).
    rounds: list[Any] = field(default_factory=list)
    # The fast path's Arrow tables by registered name (shortcut.py reads them instead of DuckDB).
    arrow: dict[str, pa.Table] = field(default_factory=dict)
    # Kept tables not registered in DuckDB yet (`register`, `flush`).
    pending: dict[str, pa.Table] = field(default_factory=dict)

    def method(self, site: Site) -> Method:
        if site.method is None:
            site.method = self.loader(site)
        return site.method

    def register(self, table: pa.Table, keep: bool = False) -> str:
        """Register an Arrow table for this statement; `keep` also keeps it in `arrow` (the fast path's)
        and registers it in DuckDB only when a DuckDB statement may read it (`flush`): a statement the
        shortcuts answer from `arrow` alone (shortcut.py) costs DuckDB no catalog change."""
        name = f"__snowreg_in_{self.uid}_{len(self.tables)}"
        self.tables.append(name)
        if keep:
            self.arrow[name] = table
            self.pending[name] = table
        else:
            self.duck.register(name, table)
        return name

    def flush(self) -> None:
        """Register in DuckDB the kept tables not registered yet (before any statement that may read them)."""
        while self.pending:
            name, table = next(iter(self.pending.items()))
            self.duck.register(name, table)
            del self.pending[name]

    def udf_name(self, site: Site) -> str:
        return f"__snowreg_udf_{self.uid}_{site.index}"

    def register_udf(self, site: Site) -> None:
        """The per-vector fallback: a vectorised Python UDF that returns one JSON object per row."""
        name = self.udf_name(site)
        if name in self.functions:
            return
        types: list[Any] = [duckdb.sqltype(t) for t in site.arg_types()]
        self.duck.create_function(name, self._udf(site), types, duckdb.sqltype("JSON"), type=ARROW,
                                  null_handling=SPECIAL, side_effects=site.volatile)
        self.functions.append(name)

    def ensure_udfs(self, tree: exp.Expr) -> None:
        """Register the UDF of every call left in a query about to run (only those: each costs a
        catalog change in DuckDB, and the fast path usually leaves none)."""
        for _, index in call_nodes(tree):
            self.register_udf(self.sites[index])

    def _udf(self, site: Site) -> Any:
        def call(*columns: pa.Array) -> pa.Array:
            self.stats["vector"] += 1
            try:
                self.check_canceled()
                method = self.method(site)
                return json_objects(method.output_names, run_scalar(method, list(columns)))
            except BaseException as e:
                self.failures.append(e)
                raise
        # DuckDB counts the function's parameters: give the varargs closure the call's arity.
        params = [inspect.Parameter(f"a{i}", inspect.Parameter.POSITIONAL_ONLY) for i in range(len(site.arg_types()))]
        call.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        return call

    def sql(self, query: str) -> duckdb.DuckDBPyRelation:
        self.flush()
        rel = self.duck.sql(query)
        assert rel is not None
        return rel

    def failure(self, e: duckdb.Error) -> errors.Error:
        """The error to report for a failed DuckDB statement: the model's own exception comes first."""
        for f in self.failures:
            if isinstance(f, errors.Error):
                return f
        if self.failures:
            return errors.python_udf_error("UDF", f"{type(self.failures[0]).__name__}: {self.failures[0]}")
        translated = duckerrors.translate(e)
        if translated.errno in (100037, 100038) and translated.line is None:
            where = _argument_at_fault(self.sites.values(), str(e))
            if where is not None:
                translated.line, translated.column = where
        return translated

    def close(self) -> None:
        for name in self.tables:
            if name in self.pending:  # never registered
                continue
            try:
                self.duck.unregister(name)
            except duckdb.Error:
                pass
        for name in self.functions:
            try:
                self.duck.remove_function(name)
            except duckdb.Error:
                pass
        self.tables.clear()
        self.functions.clear()
        self.arrow.clear()
        self.pending.clear()


_NOT_CONVERTED = re.compile(r"Could not convert string ['\"](.*?)['\"] to [^\n]*?(?: when casting from source column (\S+))?$",
                            re.M)


def _argument_at_fault(sites: Iterable[Site], text: str) -> tuple[int, int] | None:
    """(line, column) of the call argument a failed conversion came from: the column DuckDB names, or
    the string literal it could not convert."""
    m = _NOT_CONVERTED.search(text)
    if m is None:
        return None
    value, source = m.group(1), (m.group(2) or "").strip('"').upper()
    for site in sites:
        for arg, line, column in site.args:
            name = arg.rsplit(".", 1)[-1].strip('"').upper()
            if (source and name == source) or (not source and arg == "'" + value.replace("'", "''") + "'"):
                return line, column
    return None


def call_nodes(tree: exp.Expr, pattern: re.Pattern[str] = UDF) -> Iterator[tuple[exp.Anonymous, int]]:
    """(node, site index) of every call placeholder matching `pattern`."""
    for node in list(tree.find_all(exp.Anonymous)):
        m = pattern.match(node.name)
        if m:
            yield node, int(m.group(1))


def owner_select(node: exp.Expr) -> exp.Select | None:
    """The innermost SELECT whose row a call is evaluated for."""
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


@functools.lru_cache(maxsize=64)
def _datatype(name: str) -> exp.DataType:
    return exp.DataType.build(name, dialect="duckdb")


def datatype(name: str) -> exp.DataType:
    """A DuckDB type node (parsed once per name; each use gets its own copy)."""
    return _datatype(name).copy()


def quoted(name: str) -> exp.Identifier:
    return exp.Identifier(this=name, quoted=True)


def column(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=quoted(name), table=quoted(table) if table else None)


def arity_error(site: Site, types: list[str]) -> errors.ProgrammingError:
    """001044: Snowflake's text for a call whose arguments do not fit the function's signature; for people
    (run, check, the REPL) a hint saying what the method takes."""
    error = errors.invalid_arguments(
        f"Invalid argument types for function '{site.sql_name}': ({', '.join(types)})",
        line=site.line, column=site.column)
    takes = [f"{name} {kind}" for name, kind in site.fn.inputs]
    takes += [f"{name} {kind} DEFAULT {default}" for name, kind, default in site.fn.params]
    error.hint = f"{site.label} takes ({', '.join(takes)})."
    return error


def snowflake_type(duck: str, node: exp.Expr | None) -> str:
    """How Snowflake names the type of an argument DuckDB typed as `duck`."""
    if isinstance(node, exp.Literal):
        if node.is_string:
            return f"VARCHAR({len(node.this)})"
        digits = node.this.lstrip("-")
        if digits.replace(".", "").isdigit():
            whole, _, frac = digits.partition(".")
            return f"NUMBER({len(whole.lstrip('0') or '0') + len(frac)},{len(frac)})"
    if isinstance(node, exp.Null):
        return "NULL"
    t = duck.upper()
    if t.startswith("DECIMAL"):
        return "NUMBER" + t[len("DECIMAL"):].replace(" ", "")
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "INTEGER_LITERAL"):
        return "NUMBER(38,0)"
    if t in ("DOUBLE", "FLOAT"):
        return "FLOAT"
    if t in ("VARCHAR", "STRING_LITERAL"):
        return "VARCHAR(16777216)"
    if t == "JSON":
        return "VARIANT"
    if t.startswith("TIMESTAMP WITH"):
        return "TIMESTAMP_LTZ(9)"
    if t.startswith("TIMESTAMP"):
        return "TIMESTAMP_NTZ(9)"
    if t == "BLOB":
        return "BINARY(8388608)"
    return t
