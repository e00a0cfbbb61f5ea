"""The fast path for scalar model calls: stream a SELECT's arguments once, run each model on every batch.

For a SELECT with one source (a table, a CTE, a subquery, or none) whose calls do not depend on
aggregates, the call arguments are computed by DuckDB in one query together with the columns the
SELECT reads (WHERE applied when it holds no call), streamed as Arrow batches, each batch passed to
the model in one call as it arrives, and the outputs are appended as columns. The SELECT then reads
that Arrow table under the source's alias, and each call becomes an expression over the output
columns: `CAST(call:k AS NUMBER)` becomes a cast of the typed output column, anything else a JSON
object of the outputs. Anything the fast path cannot prove equivalent (joins, correlated arguments,
calls on aggregates) stays on the per-vector UDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import orjson
from sqlglot import exp

from snowreg.engine.inference import stream, unused
from snowreg.engine.inference.doubles import DOUBLES
from snowreg.engine.inference.methods import (
    SHARED,
    Method,
    fill_matrix,
    json_array,
    matrix_ready,
    run_matrix,
    run_scalar,
    run_wide,
)
from snowreg.engine.inference.plan import Plan, call_nodes, column, owner_select, quoted
from snowreg.engine.inference.trees import duckdb_text

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

    Outputs = list[list[tuple[str, str, pa.DataType]]]  # per group: (key, column name, Arrow type)

ARG = "__snowreg_a"
OUT = "__snowreg_o"
_NOT_FAST = (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException)


@dataclass
class _Group:
    """Identical calls (same site, same arguments) of one SELECT: materialised and run once."""

    site: int
    args: list[exp.Expr]
    nodes: list[exp.Anonymous]
    arg_names: list[str]
    keys: list[str] | None = None  # the wide form's OBJECT keys, when its values are separate arguments


@dataclass(frozen=True)
class Round:
    """One materialisation as it ran: its DuckDB SQL, the calls it fed and the Arrow types they gave."""

    sql: str
    groups: tuple[_Group, ...]
    types: tuple[str, ...]


def replay(plan: Plan, rounds: list[Round]) -> bool:
    """Run recorded rounds again (same SQL, same registered names); False, with nothing kept, when the
    source no longer binds as it did or a model's outputs changed type (the statement must be planned)."""
    for recorded in rounds:
        ran = _materialised(plan, recorded.sql, list(recorded.groups))
        if ran is None:
            return False
        table, outputs = ran
        if _types(outputs) != recorded.types:
            return False
        plan.register(table, keep=True)
    return True


def _types(outputs: Outputs) -> tuple[str, ...]:
    return tuple(str(t) for names in outputs for _, _, t in names)


def materialise(plan: Plan, tree: exp.Expr) -> None:
    """Run every call the fast path can take; the others keep their UDF."""
    for select in _selects(tree):
        rounds = 0
        while rounds < 8 and _round(plan, select):
            rounds += 1  # a call whose arguments hold another call of the same SELECT waits a round


def _selects(tree: exp.Expr) -> list[exp.Select]:
    owners: dict[int, exp.Select] = {}
    for node, _ in call_nodes(tree):
        select = owner_select(node)
        if select is not None:
            owners[id(select)] = select
    # CTE bodies first (a later SELECT reads them), then the deepest first (they feed their parents).
    return sorted(owners.values(), key=lambda s: (s.find_ancestor(exp.CTE) is None, -_depth(s)))


def _depth(node: exp.Expr) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _round(plan: Plan, select: exp.Select) -> bool:
    nodes = [(n, i) for n, i in call_nodes(select) if owner_select(n) is select]
    if not nodes or select.args.get("joins") or select.args.get("laterals"):
        return False
    source = _Source(plan, select)
    aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
    groups = _ready(plan, nodes, aliases, source)
    if not groups:
        return False
    needed = _needed(select, groups, source)
    if needed is False:
        return False
    where = select.args.get("where")
    filtered = where is not None and not _has_call(where)
    query = _materialisation(select, groups, needed, filtered)
    plan.ensure_udfs(query)
    sql = duckdb_text(query)
    found = unused.items(select, [n for n, _ in nodes]) if sum(len(g.nodes) for g in groups) == len(nodes) else None
    if found is not None and _binds(plan, sql):  # compiled, never run (unused.py)
        unused.drop(select, found)
        return True
    ran = _materialised(plan, sql, groups)
    if ran is None:  # e.g. a correlated reference: the source cannot stand alone
        return False
    table, outputs = ran
    plan.rounds.append(Round(sql, tuple(_Group(g.site, g.args, [], g.arg_names, g.keys) for g in groups),
                             _types(outputs)))
    _rewrite(plan, select, plan.register(table, keep=True), groups, outputs, filtered)
    return True


def _binds(plan: Plan, sql: str) -> bool:
    """Does DuckDB bind the query that feeds the calls (their arguments' casts included)?"""
    try:
        plan.sql(sql)
    except duckdb.Error:
        return False
    return True


class _Source:
    """The column names of a SELECT's single source, asked of DuckDB only when a decision needs them."""

    def __init__(self, plan: Plan, select: exp.Select) -> None:
        self.plan, self.select = plan, select
        self._columns: list[str] | None = None
        self._asked = False

    def columns(self) -> list[str] | None:
        """The names (none without FROM); None when the source cannot stand alone."""
        if not self._asked:
            self._asked = True
            self._columns = self._probe()
        return self._columns

    def lower(self) -> set[str] | None:
        cols = self.columns()
        return None if cols is None else {c.lower() for c in cols}

    def _probe(self) -> list[str] | None:
        source = self.select.args.get("from_")
        if source is None:
            return []
        probe = exp.Select(expressions=[exp.Star()])
        probe.set("from_", source.copy())
        add_ctes(probe, self.select)
        self.plan.ensure_udfs(probe)
        try:
            return list(self.plan.sql(duckdb_text(probe)).columns)
        except _NOT_FAST:
            return None


def _ready(plan: Plan, nodes: list[tuple[exp.Anonymous, int]], aliases: dict[str, exp.Expr],
           source: _Source) -> list[_Group]:
    """Calls whose arguments (lateral aliases resolved) are plain row expressions; equal calls (same
    version, method and arguments) are grouped and run once."""
    groups: dict[tuple[object, tuple[exp.Expr, ...]], _Group] = {}
    for node, site in nodes:
        args = [_resolve_aliases(a.copy(), aliases, source, 0) for a in node.expressions]
        if any(a is None or _has_call(a) or a.find(exp.AggFunc, exp.Window) for a in args):
            continue
        target = plan.sites[site]
        same: object = site
        if target.version is not None and not target.volatile:
            same = (target.version.id, target.fn.name)
        plain = [a for a in args if a is not None]
        keys = _object_keys(plain[0]) if target.wide and plain else None
        if keys is not None:
            plain = [kv.expression for kv in _unwrap(plain[0]).expressions] + plain[1:]
        key = (same, tuple(plain))  # sqlglot nodes hash and compare by structure
        group = groups.get(key)
        if group is None:
            n = len(groups)
            group = groups[key] = _Group(site, plain, [], [f"{ARG}{n}_{j}" for j in range(len(plain))], keys)
        group.nodes.append(node)
    return list(groups.values())


def _unwrap(node: exp.Expr) -> exp.Expr:
    while isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.JSON):
        node = node.this
    return node


def _object_keys(arg: exp.Expr) -> list[str] | None:
    """The keys of `object_construct_keep_null('K1', v1, …)` when all are literal strings."""
    obj = _unwrap(arg)
    if not isinstance(obj, exp.JSONObject) or not obj.expressions:
        return None
    keys = []
    for kv in obj.expressions:
        if not (isinstance(kv, exp.JSONKeyValue) and isinstance(kv.this, exp.Literal) and kv.this.is_string):
            return None
        keys.append(kv.this.this)
    return keys


def _resolve_aliases(arg: exp.Expr, aliases: dict[str, exp.Expr], source: _Source,
                     depth: int) -> exp.Expr | None:
    """`SELECT 8 AS h, m!predict(h)`: a name that is no source column but an earlier select item."""
    if depth > 16:
        return None
    for col in list(arg.find_all(exp.Column)):
        name = col.name.lower()
        if col.table or isinstance(col.this, exp.Star) or name not in aliases:
            continue
        names = source.lower()
        if names is None:
            return None
        if name in names:
            continue
        value = _resolve_aliases(aliases[name].copy(), aliases, source, depth + 1)
        if value is None:
            return None
        if col is arg:
            return value
        col.replace(value)
    return arg


def _has_call(node: exp.Expr) -> bool:
    return next(call_nodes(node), None) is not None


def _needed(select: exp.Select, groups: list[_Group], source: _Source) -> list[str] | None | bool:
    """The source columns the rewritten SELECT still reads: None for all of them (`*`), False when the
    source cannot be read alone."""
    for item in select.expressions:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            return None
    inside = {id(n) for g in groups for node in g.nodes for n in node.walk()}
    names = {c.name.lower() for c in select.find_all(exp.Column) if id(c) not in inside}
    if not names:
        return []
    columns = source.columns()
    if columns is None:
        return False
    return [c for c in columns if c.lower() in names]


def _materialisation(select: exp.Select, groups: list[_Group], needed: list[str] | None | bool,
                     filtered: bool) -> exp.Select:
    items: list[exp.Expr] = [exp.Star()] if not isinstance(needed, list) else [column(c) for c in needed]
    for group in groups:
        items += [exp.alias_(arg, name, quoted=True) for arg, name in zip(group.args, group.arg_names,
                                                                          strict=True)]
    if not items:
        items = [exp.alias_(exp.Literal.number(1), f"{ARG}row", quoted=True)]
    query = exp.Select(expressions=items)
    source = select.args.get("from_")
    if source is not None:
        query.set("from_", source.copy())
    if filtered:
        query.set("where", select.args["where"].copy())
    add_ctes(query, select)
    return query


def add_ctes(query: exp.Select, select: exp.Select) -> None:
    """Give a standalone query the CTEs visible at `select` (outermost first)."""
    found: list[list[exp.CTE]] = []
    recursive = False
    child: exp.Expr = select
    node: exp.Expr | None = select
    while node is not None:
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            ctes = list(with_.expressions)
            if child is with_ and not with_.args.get("recursive"):
                inner = next((i for i, c in enumerate(ctes) if c is _cte_of(select, with_)), len(ctes))
                ctes = ctes[:inner]
            found.insert(0, [c.copy() for c in ctes])
            recursive = recursive or bool(with_.args.get("recursive"))
        child, node = node, node.parent
    ctes_all = [c for group in found for c in group]
    if ctes_all:
        query.set("with_", exp.With(expressions=ctes_all, recursive=recursive or None))


def _cte_of(node: exp.Expr, with_: exp.With) -> exp.Expr | None:
    while node.parent is not None and node.parent is not with_:
        node = node.parent
    return node if node.parent is with_ else None



def _materialised(plan: Plan, sql: str, groups: list[_Group]) -> tuple[pa.Table, Outputs] | None:
    """The source's rows (the columns the SELECT still reads) with each group's outputs appended; None
    when the source cannot stand alone. DuckDB streams the arguments in batches and each model runs on
    every part of them as it arrives (`batch_rows`: a small first batch, then parts of `call_rows`), so
    the arguments are never held whole and a cancel stops the statement at the next part. Models are
    loaded first: loading reads the catalog, and the connection runs nothing else while the stream is
    open."""
    methods = [plan.method(plan.sites[g.site]) for g in groups]
    width = max(len(g.arg_names) for g in groups)
    rows = batch_rows(width)
    try:
        rel = plan.sql(sql)
        texts = {str(n) for n, t in zip(rel.columns, rel.types, strict=True) if str(t).upper() == "JSON"}
        reader = rel.to_arrow_reader(rows)
    except _NOT_FAST:
        return None
    except duckdb.Error as e:
        raise plan.failure(e) from None
    try:
        try:
            # a query that calls Python UDFs is read in turn: no model runs while one of them does
            with closing(stream.batches(reader, rows, plan.check_canceled, ahead=not plan.functions,
                                        prepare=_preparation(groups, methods),
                                        part=call_rows(width))) as batches:
                table, outputs = _run(plan, reader.schema, batches, groups, methods)
        finally:
            reader.close()  # the connection runs nothing else while a stream is open
    except stream.StreamError as e:
        raise _stream_failure(plan, sql, e.error) from None
    return _json_kept(table, texts), outputs


def _json_kept(table: pa.Table, names: set[str]) -> pa.Table:
    """The source's VARIANT / OBJECT / ARRAY columns (DuckDB's JSON, which Arrow hands over as plain
    text) typed JSON again, so the statement reads them as it would read the table itself."""
    import pyarrow as pa

    for name in names & set(table.column_names):
        i = table.column_names.index(name)
        column = table.column(i)
        if pa.types.is_string(column.type):
            typed = pa.chunked_array([pa.ExtensionArray.from_storage(pa.json_(), c) for c in column.chunks],
                                     pa.json_())
            table = table.set_column(i, table.field(i).with_type(pa.json_()), typed)
    return table


BATCH_VALUES = 1 << 17  # argument values per batch DuckDB hands over, and in the first model call
CALL_VALUES = 7 << 16  # argument values per model call after the first (458,752: 3.5 MB of doubles)
MIN_BATCH_ROWS = 4096  # rows per batch and per model call at least, however wide the arguments


def batch_rows(width: int) -> int:
    """Rows per DuckDB batch for `width` arguments (the first model call takes one batch): `BATCH_VALUES`
    values in whole DuckDB vectors (2,048 rows), at least `MIN_BATCH_ROWS`. Small, so the model starts
    early when a reading thread reads ahead while it runs (stream.AHEAD; off by default, and then the
    size changes nothing measurable). 4 arguments: 32,768 rows."""
    return _rows(BATCH_VALUES, width)


def call_rows(width: int) -> int:
    """Rows per model call after the first batch: `CALL_VALUES` values (batches joined or split to
    exactly that), at least one batch. Measured with scikit-learn's LogisticRegression over 1M rows of
    4 arguments (bench/README.md, "Issue 13, tenth round"): each call costs ~130 µs of validation
    whatever its size, so fewer calls cost less, up to where OpenBLAS runs the matrix-vector product
    on its threads (its gemv threads from m × n = 115,200 × GEMM_MULTITHREAD_THRESHOLD, 4 by default:
    460,800 values), which spin for a core that DuckDB's scan and the reading thread want (at load 5,
    1M rows in 131,072-row calls took 3× the main thread's CPU of 114,688-row calls). 4 arguments:
    114,688 rows, 9 calls per million rows after the first batch (16–17 in DuckDB's batches of 65,536
    rows); 100 arguments: 4,096 rows
    (99 ms per million rows, against 236 ms in 2,048 and 470–840 ms in 8,192–16,384)."""
    return max(batch_rows(width), _rows(CALL_VALUES, width))


def _rows(values: int, width: int) -> int:
    return max(MIN_BATCH_ROWS, values // max(width, 1) // 2048 * 2048)


def _stream_failure(plan: Plan, sql: str, error: OSError) -> BaseException:
    """The error of a statement whose stream failed. The stream keeps DuckDB's message but not its type,
    which the translation into Snowflake's errors reads: the query is run again whole (on this error
    path only) for DuckDB's own exception. A cancelled statement, or a model's own failure in a per-vector
    call, is reported as it is without running anything again."""
    plan.check_canceled()
    if str(error).startswith("INTERRUPT Error"):  # a statement timeout: the boundary reports it
        return duckdb.InterruptException(str(error))
    if plan.failures:
        return plan.failure(duckdb.Error(str(error)))
    try:
        plan.sql(sql).to_arrow_table()
    except duckdb.Error as e:
        return plan.failure(e)
    return plan.failure(duckdb.Error(str(error)))


def _preparation(groups: list[_Group], methods: list[Method]) -> Callable[[pa.RecordBatch], list[np.ndarray | None]]:
    """What each batch is prepared into before its model calls (with stream.AHEAD, on the thread that reads
    it, while the model runs on the batch before): the input matrix of each group whose model takes
    one (methods.py `matrix_ready`, asked here, on the statement's thread), the same matrix the call
    would fill itself; None for the others, and for a batch whose inputs hold NULLs or no numbers."""
    ready = [g.keys is None and matrix_ready(m, len(g.arg_names)) for g, m in zip(groups, methods, strict=True)]
    memory = [SHARED if r else None for r in ready]

    def prepare(batch: stream.Part) -> list[np.ndarray | None]:
        return [fill_matrix([batch.column(n) for n in g.arg_names], m) if m is not None else None
                for g, m in zip(groups, memory, strict=True)]
    return prepare


def _run(plan: Plan, schema: pa.Schema, batches: Iterator[stream.Prepared], groups: list[_Group],
         methods: list[Method]) -> tuple[pa.Table, Outputs]:
    """Call each model on each batch; the table keeps the source columns and gains the outputs."""
    import pyarrow as pa

    args = {name for g in groups for name in g.arg_names} | {f"{ARG}row"}
    keep = [i for i, name in enumerate(schema.names) if name not in args]
    parts: list[pa.RecordBatch] = []
    pieces: list[list[list[pa.Array]]] = [[[] for _ in m.output_names] for m in methods]
    for batch, matrices in batches:
        kept_part = batch.select(keep)
        parts += kept_part.to_batches() if isinstance(kept_part, pa.Table) else [kept_part]
        for group, method, outputs, matrix in zip(groups, methods, pieces, matrices, strict=True):
            plan.stats["fast"] += 1
            for i, array in enumerate(_call_batch(method, group, batch, matrix)):
                outputs[i].append(array)
        del matrices  # the batch's matrices are done with
    kept = pa.Table.from_batches(parts, schema=pa.schema([schema.field(i) for i in keep]))
    outputs_all: Outputs = []
    for n, (method, arrays) in enumerate(zip(methods, pieces, strict=True)):
        names = []
        for i, (key, chunks) in enumerate(zip(method.output_names, arrays, strict=True)):
            column = _chunked(chunks) if chunks else pa.chunked_array([], pa.null())
            name = f"{OUT}{plan.uid}_{len(plan.tables)}_{n}_{i}"
            kept = kept.append_column(name, column)
            names.append((key, name, column.type))
        outputs_all.append(names)
    return kept, outputs_all


def _call_batch(method: Method, group: _Group, batch: stream.Part, matrix: np.ndarray | None) -> list[pa.Array]:
    """The method's outputs over one batch of argument rows (`matrix`: its inputs, already prepared)."""
    if matrix is not None:
        return run_matrix(method, matrix)
    columns = [batch.column(name) for name in group.arg_names]
    if group.keys is not None:
        n_keys = len(group.keys)
        return run_wide(method, group.keys, columns[:n_keys], columns[n_keys:])
    return run_scalar(method, columns)


def _chunked(arrays: list[pa.Array]) -> pa.ChunkedArray:
    """Batches of one output as one column; batches that came back with different types are unified."""
    import pyarrow as pa
    types = {a.type for a in arrays if not pa.types.is_null(a.type)}
    if len(types) == 1:
        target = types.pop()
        return pa.chunked_array([a if a.type == target else a.cast(target) for a in arrays], target)
    if types and all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in types):
        return pa.chunked_array([a.cast(pa.float64()) for a in arrays], pa.float64())
    values: list[Any] = []
    for a in arrays:
        if isinstance(a.type, pa.BaseExtensionType):  # JSON text: values Arrow could not type (to_arrow)
            values += [None if v is None else orjson.loads(v) for v in a.storage.to_pylist()]
        else:
            values += a.to_pylist()
    try:
        return pa.chunked_array([pa.array(values)])
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # as one call on all rows would give them
        return pa.chunked_array([json_array([None if v is None else orjson.dumps(v, default=str).decode()
                                             for v in values])])


def _rewrite(plan: Plan, select: exp.Select, table: str, groups: list[_Group], outputs: Outputs,
             filtered: bool) -> None:
    source = select.args.get("from_")
    alias = source.this.alias_or_name if source is not None else ""
    select.set("from_", exp.From(this=exp.Table(this=quoted(table),
                                                alias=exp.TableAlias(this=quoted(alias)) if alias else None)))
    if filtered:
        select.set("where", None)
    for col in select.find_all(exp.Column):
        if alias and col.table == alias and (col.args.get("db") or col.args.get("catalog")):
            col.set("db", None)
            col.set("catalog", None)
    items = _formattable_items(select)
    for group, names in zip(groups, outputs, strict=True):
        for node in group.nodes:
            item = node.parent.alias if isinstance(node.parent, exp.Alias) else None
            deferred = _deferred(node, names, alias or None) if item in items else None
            if item is not None and deferred is not None:
                plan.deferred[item] = deferred
            elif item in items and _formatted(node, names, alias or None):
                plan.formatted.add(item)
            else:
                _substitute(node, names, alias or None)
    _exclude_outputs(select, [name for names in outputs for _, name, _ in names], alias)


def _substitute(node: exp.Anonymous, names: list[tuple[str, str, pa.DataType]], alias: str | None) -> None:
    """`CAST(call -> '$.k' AS <number>)` → a cast of numeric output k; any other use → the JSON object."""
    import pyarrow as pa
    parent, grand = node.parent, node.parent.parent if node.parent is not None else None
    keys = {key: (name, typ) for key, name, typ in names}
    if isinstance(parent, exp.JSONExtract) and parent.this is node and isinstance(grand, exp.Cast | exp.TryCast):
        key = _single_key(parent.expression)
        if key in keys and _numeric_target(grand.to) and _is_number(keys[key][1]):
            parent.replace(column(keys[key][0], alias))
            if pa.types.is_integer(keys[key][1]):
                _sum_then_cast(grand)
            return
    pairs: list[exp.Expr] = []
    for key, name, _ in sorted(names, key=lambda n: n[0]):  # keys in order, as every OBJECT keeps them (F108, F132)
        pairs += [exp.Literal.string(key), column(name, alias)]
    obj = exp.Anonymous(this="json_object", expressions=pairs)
    obj.meta[DOUBLES] = {name for _, name, typ in names if pa.types.is_floating(typ)}
    node.replace(obj)


def _formattable_items(select: exp.Select) -> set[str]:
    """Aliases of the statement's own result columns whose OBJECT text may be made here: the outermost
    SELECT, whose rows are not ordered, grouped or deduplicated by the object, with unique names that
    nothing else in the SELECT reads."""
    if select.parent is not None or any(select.args.get(k) for k in ("distinct", "order", "group", "having",
                                                                      "qualify")):
        return set()
    names = [item.alias_or_name for item in select.expressions]
    if any(isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star))
           for item in select.expressions):
        return set()
    referenced = {c.name.lower() for c in select.find_all(exp.Column)}  # e.g. a lateral `x:k` reads x's value
    return {n for n in names if names.count(n) == 1 and n.lower() not in referenced}


def _deferred(node: exp.Anonymous, names: list[tuple[str, str, pa.DataType]],
              alias: str | None) -> tuple[str, str] | None:
    """A result column that is exactly a call with one integer or boolean output (a classifier's
    label): the SELECT returns the output itself, and its OBJECT text, `prefix + value + suffix` as
    the connector prints it, is made once per distinct value when the rows are fetched (rows.py)."""
    import orjson
    import pyarrow as pa

    if len(names) != 1 or not (pa.types.is_integer(names[0][2]) or pa.types.is_boolean(names[0][2])):
        return None
    key, name, _ = names[0]
    node.replace(column(name, alias))
    return "{\n  " + orjson.dumps(key).decode() + ": ", "\n}"


def _formatted(node: exp.Anonymous, names: list[tuple[str, str, pa.DataType]], alias: str | None) -> bool:
    """A result column that is exactly a call: its OBJECT text, as the connector prints it (2-space
    indent, doubles as `%.15e`), built by DuckDB over the typed output columns instead of one JSON
    parse and print per row in Python. Numbers and booleans only; False leaves the node alone."""
    import orjson
    import pyarrow as pa

    if not names or not all(pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_float64(t)
                            for _, _, t in names):
        return False
    parts: list[exp.Expr] = []
    for i, (key, name, typ) in enumerate(sorted(names, key=lambda n: n[0])):  # keys in order (F132)
        parts.append(exp.Literal.string(("{\n  " if i == 0 else ",\n  ") + orjson.dumps(key).decode() + ": "))
        value: exp.Expr = column(name, alias)
        value = exp.Anonymous(this="printf", expressions=[exp.Literal.string("%.15e"), value]) \
            if pa.types.is_float64(typ) else exp.Cast(this=value, to=exp.DataType.build("VARCHAR"))
        parts.append(exp.Coalesce(this=value, expressions=[exp.Literal.string("null")]))
    parts.append(exp.Literal.string("\n}"))
    node.replace(exp.Cast(this=exp.Anonymous(this="concat", expressions=parts), to=exp.DataType.build("JSON")))
    return True


def _sum_then_cast(cast: exp.Cast | exp.TryCast) -> None:
    """`SUM(CAST(int AS NUMBER(38, 0)))` → `CAST(SUM(int) AS NUMBER(38, 0))`: the same exact integer, but
    DuckDB sums 64-bit integers ten times faster than 128-bit decimals (the benchmark's `::int`)."""
    total = cast.parent
    scale = cast.to.expressions[1].this if len(cast.to.expressions) == 2 else None
    if not (isinstance(total, exp.Sum) and total.this is cast and cast.to.is_type(exp.DataType.Type.DECIMAL)
            and isinstance(scale, exp.Literal) and scale.this == "0"):
        return
    if isinstance(total.parent, exp.Window | exp.Filter) or total.find(exp.Distinct):
        return
    total.replace(exp.Cast(this=exp.Sum(this=cast.this.copy()), to=cast.to.copy()))


def _single_key(path: exp.Expr | None) -> str | None:
    if not isinstance(path, exp.JSONPath):
        return None
    steps = path.expressions
    if len(steps) == 2 and isinstance(steps[0], exp.JSONPathRoot) and isinstance(steps[1], exp.JSONPathKey):
        return str(steps[1].this)
    return None


def _numeric_target(to: exp.DataType) -> bool:
    """Number → number casts agree with JSON number → number casts (both round half away from zero)."""
    return to.is_type(*exp.DataType.NUMERIC_TYPES)


def _is_number(t: pa.DataType) -> bool:
    import pyarrow as pa
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def _exclude_outputs(select: exp.Select, names: list[str], alias: str) -> None:
    """`SELECT *` must not show the output columns the fast path added."""
    for item in select.expressions:
        star = item if isinstance(item, exp.Star) else item.this if (
            isinstance(item, exp.Column) and isinstance(item.this, exp.Star)) else None
        if star is None:
            continue
        if isinstance(item, exp.Column) and alias and item.table.lower() != alias.lower():
            continue
        excluded = list(star.args.get("except_") or [])
        star.set("except_", excluded + [column(n) for n in names])
