"""Table methods in FROM: `t, TABLE(MODEL(m, v)!method(cols) [OVER (PARTITION BY …)])`.

The rows of the source on the left are materialised with the call's arguments (and partition and
order keys), the method runs once per partition (once over all rows without OVER), and the SELECT
reads two Arrow tables joined by position: the source's columns under the source's alias and the
method's output columns under the call's alias (so `o.*` is the outputs only).

A method logged without PARTITIONED (the client's default) has a vectorised `process` handler: one
output row per input row, each next to its input row's columns, with or without OVER. A partitioned
method (`end_partition`) emits rows that belong to no input row: the source's columns are NULL there
(docs/SNOWFLAKE.md#c4). https://docs.snowflake.com/en/developer-guide/udf/python/udf-python-tabular-vectorized
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
from sqlglot import exp

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.engine.inference.fast import add_ctes
from snowreg.engine.inference.methods import duck_type, run_table, to_arrow, udf_error
from snowreg.engine.inference.plan import TABLE_CALL, Plan, Site, arrow_types, datatype, quoted

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_ARG, _PART, _SORT = "__snowreg_targ", "__snowreg_tpart", "__snowreg_tsort"


def expand(plan: Plan, tree: exp.Expr) -> None:
    """Replace every `TABLE(__snowreg_tcall_<n>(…))` by the Arrow table of its results."""
    for node in list(tree.find_all(exp.Table)):
        found = _table_call(node)
        if found is not None:
            call, window = found
            m = TABLE_CALL.match(call.name)
            assert m is not None
            _expand(plan, node, plan.sites[int(m.group(1))], call, window)


def _table_call(node: exp.Table) -> tuple[exp.Anonymous, exp.Window | None] | None:
    inner = node.this
    if not (isinstance(inner, exp.Anonymous) and inner.name.upper() == "TABLE" and len(inner.expressions) == 1):
        return None
    call = inner.expressions[0]
    window = call if isinstance(call, exp.Window) else None
    if window is not None:
        call = window.this
    if isinstance(call, exp.Anonymous) and TABLE_CALL.match(call.name):
        return call, window
    return None


def _expand(plan: Plan, node: exp.Table, site: Site, call: exp.Anonymous, window: exp.Window | None) -> None:
    select = node.find_ancestor(exp.Select)
    if select is None:
        raise errors.not_supported("A table method outside a SELECT")
    left = _left_source(select, node)
    n_args = len(call.expressions)
    parts = list(window.args.get("partition_by") or []) if window is not None else []
    order = window.args.get("order") if window is not None else None
    sorts = list(order.expressions) if isinstance(order, exp.Order) else []
    query = _materialisation(select, left, site, call, parts, sorts)
    if plan.describe_only:
        query.set("limit", exp.Limit(expression=exp.Literal.number(0)))
    plan.ensure_udfs(query)
    try:
        table = plan.sql(query.sql(dialect="duckdb", identify=True)).to_arrow_table()
    except duckdb.Error as e:
        raise plan.failure(e) from None
    inputs, outputs = _results(plan, site, table, n_args, len(parts), sorts, window is not None)
    _rewrite(select, node, left, plan.register(inputs), plan.register(outputs))


def _left_source(select: exp.Select, node: exp.Table) -> exp.Expr | None:
    """The one source the call reads from (None when the call stands alone in FROM)."""
    source = select.args.get("from_")
    joins = select.args.get("joins") or []
    if source is not None and source.this is node and not joins:
        return None
    if source is not None and len(joins) == 1 and joins[0].this is node:
        return source.this
    raise errors.not_supported("A table method joined with anything but one table, CTE or subquery")


def _materialisation(select: exp.Select, left: exp.Expr | None, site: Site, call: exp.Anonymous,
                     parts: list[exp.Expr], sorts: list[exp.Expr]) -> exp.Select:
    types = site.arg_types()
    items: list[exp.Expr] = [exp.Star()] if left is not None else []
    for j, arg in enumerate(call.expressions):
        typed = exp.Cast(this=arg.copy(), to=datatype(types[j])) if j < len(types) else arg.copy()
        items.append(exp.alias_(typed, f"{_ARG}{j}", quoted=True))
    items += [exp.alias_(p.copy(), f"{_PART}{j}", quoted=True) for j, p in enumerate(parts)]
    items += [exp.alias_(s.this.copy(), f"{_SORT}{j}", quoted=True) for j, s in enumerate(sorts)]
    query = exp.Select(expressions=items)
    if left is not None:
        query.set("from_", exp.From(this=left.copy()))
    add_ctes(query, select)
    return query


def _results(plan: Plan, site: Site, table: pa.Table, n_args: int, n_parts: int, sorts: list[exp.Expr],
             windowed: bool) -> tuple[pa.Table, pa.Table]:
    """The source's rows and the method's outputs, row for row, partition by partition.

    A `process` handler keeps each input row's columns (and must return one row per input row);
    rows from a partitioned handler (`end_partition`) have NULLs there.
    """
    import pyarrow as pa
    helper = [c for c in table.column_names if c.startswith("__snowreg_t")]
    left = table.drop_columns(helper)
    if plan.describe_only or table.num_rows == 0:
        return left.slice(0, 0), _empty_outputs(site)
    frame = table.select(helper).to_pandas()
    args = frame[[f"{_ARG}{j}" for j in range(n_args)]]
    method = plan.method(site)
    lefts, pieces = [], []
    for rows in _partitions(frame, n_parts, sorts) if windowed else [list(range(len(frame)))]:
        plan.stats["table"] += 1
        piece = run_table(method, args.iloc[rows])
        if site.fn.is_partitioned:
            lefts.append(_nulls(left.schema, len(piece)))
        elif len(piece) == len(rows):
            lefts.append(left.take(pa.array(rows, pa.int64())))
        else:
            raise udf_error(method, ValueError(
                f"The method returned {len(piece)} rows for {len(rows)} input rows; a method that is not "
                "partitioned (a vectorised process handler) returns one row per input row."))
        pieces.append(piece)
    return pa.concat_tables(lefts), _arrow_outputs(site, pieces)


def _partitions(frame: pd.DataFrame, n_parts: int, sorts: list[exp.Expr]) -> list[list[int]]:
    """Row positions of each partition, in the OVER clause's ORDER BY order."""
    import numpy as np

    work = frame.reset_index(drop=True)
    if sorts:
        by = [f"{_SORT}{j}" for j in range(len(sorts))]
        ascending = [not s.args.get("desc") for s in sorts]
        work = work.sort_values(by, ascending=ascending, kind="stable", na_position="last")
    positions = work.index.to_numpy()
    if not n_parts:
        return [positions.tolist()]
    keys = work[[f"{_PART}{j}" for j in range(n_parts)]]
    groups = keys.groupby(list(keys.columns), dropna=False, sort=False).indices
    return [positions[np.asarray(idx)].tolist() for idx in groups.values()]


def _arrow_outputs(site: Site, pieces: list[pd.DataFrame]) -> pa.Table:
    import pandas as pd
    import pyarrow as pa

    frame = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0].reset_index(drop=True)
    names = [name for name, _ in site.fn.outputs] or [str(c) for c in frame.columns]
    empty = _empty_outputs(site)
    arrays = []
    for i, name in enumerate(names):
        source = name if name in frame.columns else frame.columns[i] if i < len(frame.columns) else None
        if source is None:
            arrays.append(pa.nulls(len(frame), empty.schema.field(i).type if i < empty.num_columns else pa.null()))
        else:
            arrays.append(to_arrow(frame[source].to_numpy()))
    return pa.Table.from_arrays(arrays, names=[physical(n) for n in names])


def _empty_outputs(site: Site) -> pa.Table:
    import pyarrow as pa
    fields = [pa.field(physical(name), arrow_types().get(duck_type(t), pa.string())) for name, t in site.fn.outputs]
    return pa.Table.from_arrays([pa.array([], f.type) for f in fields], schema=pa.schema(fields))


def _nulls(schema: pa.Schema, rows: int) -> pa.Table:
    import pyarrow as pa
    return pa.Table.from_arrays([pa.nulls(rows, f.type) for f in schema], schema=schema)


def _rewrite(select: exp.Select, node: exp.Table, left: exp.Expr | None, inputs: str, outputs: str) -> None:
    """FROM <inputs> AS <source alias> POSITIONAL JOIN <outputs> AS <call alias>."""
    call_alias = node.alias_or_name if node.args.get("alias") else outputs
    out = exp.Table(this=quoted(outputs), alias=exp.TableAlias(this=quoted(call_alias)))
    if left is None:
        select.set("from_", exp.From(this=out))
        select.set("joins", None)
        return
    source = exp.Table(this=quoted(inputs), alias=exp.TableAlias(this=quoted(left.alias_or_name)))
    select.set("from_", exp.From(this=source))
    select.set("joins", [exp.Join(this=out, method="POSITIONAL")])
