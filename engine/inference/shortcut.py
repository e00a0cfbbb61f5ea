"""Statements that read nothing but the fast path's Arrow table: answered without DuckDB scanning it again.

After the fast path (fast.py), the outermost SELECT often reads only the one Arrow table it registered:

    SELECT "T"."<out>" AS "M!PREDICT(A, B, C, D)" FROM "<in>" AS "T" [LIMIT n [OFFSET m]]    -- a projection
    SELECT CAST(SUM("T"."<out>") AS DECIMAL(38, 0)) AS "…" FROM "<in>" AS "T"               -- aggregates

For a million rows DuckDB scanning that table (and handing it back as Arrow) costs about a third of
the model call. A projection's rows are taken from the Arrow table itself; DuckDB still binds the
statement, so the result's names and types are DuckDB's own. Aggregates (SUM, MIN and MAX of an
integer column, COUNT) are reduced in Arrow to partial results, and DuckDB runs the same aggregates
(COUNT as MAX of the count) over one row `VALUES (CAST(? AS <the column's type>), …)` holding them:
the same function overloads on the same types, hence the same result types, and exact integer
arithmetic (a SUM whose partial could overflow 64 bits keeps the general path). The row travels as
parameters: registering a table costs a DuckDB catalog change, which waits for a core on a busy
machine. When every result column is such an aggregate, plain or cast to DECIMAL(38, 0), a replayed
statement's row is the partials themselves in DuckDB's types (`answer`): the types are those DuckDB
bound the statement to, kept per recipe only after DuckDB returned that very row, value and type.
Anything else keeps the general path, as does any statement when `ENABLED` is False (tests run each
statement both ways and compare).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb
from sqlglot import exp

from snowreg.engine.inference.plan import Plan, quoted

if TYPE_CHECKING:
    import pyarrow as pa

ENABLED = True

_PROJECTION_ARGS = frozenset({"expressions", "from_", "limit", "offset"})
_AGGREGATE_ARGS = frozenset({"expressions", "from_"})
_INT64 = 1 << 63
# DuckDB result types `answer` reproduces (an aggregate of one integer row, or that cast to NUMBER(38, 0))
_INTEGER_RESULTS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                              "UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL(38,0)"})
# Arrow integer types → the DuckDB types DuckDB reads them as
_DUCK_INTEGERS = {"int8": "TINYINT", "int16": "SMALLINT", "int32": "INTEGER", "int64": "BIGINT",
                  "uint8": "UTINYINT", "uint16": "USMALLINT", "uint32": "UINTEGER", "uint64": "UBIGINT"}


@dataclass(frozen=True)
class Projection:
    """The result is columns of the registered table, in this order, rows `offset:offset+limit`."""

    table: str
    columns: tuple[str, ...]
    offset: int = 0
    limit: int | None = None


@dataclass(frozen=True)
class Aggregates:
    """The result is `sql`, the statement's aggregates over one row `VALUES (CAST(? AS <type>), …)`
    whose parameters are the `partials` (kind: sum / min / max / count / rows, and the column of
    `table` it reduces)."""

    table: str
    sql: str
    partials: tuple[tuple[str, str], ...]
    plain: bool = False  # every result column is one of the aggregates, cast to nothing but DECIMAL(38, 0)


Shortcut = Projection | Aggregates


def find(tree: exp.Expr, plan: Plan) -> Shortcut | None:
    """The shortcut the final statement allows, or None."""
    if not isinstance(tree, exp.Select):
        return None
    table = _source(tree, plan)
    if table is None:
        return None
    schema = plan.arrow[table].schema
    found: Shortcut | None = _projection(tree, table, schema) if _only_args(tree, _PROJECTION_ARGS) else None
    if found is None and _only_args(tree, _AGGREGATE_ARGS):
        found = _aggregates(tree, table, schema, plan)
    return found


def project(plan: Plan, cut: Projection) -> pa.Table:
    """The projection's rows, as an Arrow table (column names are not used)."""
    table = plan.arrow[cut.table].select(list(cut.columns))
    if cut.offset or cut.limit is not None:
        table = table.slice(cut.offset, cut.limit)
    return table


def answer(cut: Aggregates, partials: list[int | None], columns: list[tuple[str, str]] | None
           ) -> tuple[Any, ...] | None:
    """The row DuckDB returns for `cut.sql` over `partials`, without running it, when every result
    column is a plain aggregate of one integer row (its value itself) and `columns` are the (name,
    type) DuckDB bound the statement to: an integer type holds the value, DECIMAL(38,0) holds it as
    a Decimal (exact: the partial is a 64-bit integer). None otherwise. The caller keeps `columns`
    only after this gave DuckDB's own row for the same statement (statement.py)."""
    if not cut.plain or columns is None or len(columns) != len(partials):
        return None
    row: list[Any] = []
    for (_, type_name), value in zip(columns, partials, strict=True):
        if type_name not in _INTEGER_RESULTS:
            return None
        row.append(None if value is None else Decimal(value) if type_name == "DECIMAL(38,0)" else int(value))
    return tuple(row)


def aggregate(plan: Plan, cut: Aggregates) -> list[int | None] | None:
    """The parameters of `cut.sql`: the partial results; None when one of them cannot be exact."""
    source = plan.arrow[cut.table]
    values = []
    for kind, column in cut.partials:
        exact, value = _partial(source, kind, column)
        if not exact:
            return None
        values.append(value)
    return values


Described = dict[tuple[object, ...], list[tuple[str, str]]]  # what DuckDB bound a recipe's statement to


def schemas(plan: Plan) -> tuple[object, ...]:
    """The names and column types of the fast path's Arrow tables: all a projection's binding reads."""
    return tuple((name, tuple((f.name, str(f.type)) for f in table.schema)) for name, table in plan.arrow.items())


def final_rows(duck: duckdb.DuckDBPyConnection, sql: str, partials: list[int | None] | None,
               cut: Shortcut | None, described: Described | None) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    """The final statement's rows and (name, type) columns. Plain aggregates of the partials (`answer`)
    are answered without DuckDB once DuckDB gave the same row, same types, for this recipe's statement."""
    key = ("aggregates", sql)
    if partials is not None and isinstance(cut, Aggregates) and described is not None:
        row = answer(cut, partials, described.get(key))
        if row is not None:
            return [row], described[key]
    duck.execute(sql, partials)
    rows = duck.fetchall()
    columns = [(str(d[0]), str(d[1])) for d in duck.description or []]
    if partials is not None and isinstance(cut, Aggregates) and described is not None \
            and repr([answer(cut, partials, columns)]) == repr(rows):
        described[key] = columns
    return rows, columns


# ---------------------------------------------------------------------------------------------
# Recognising the two shapes
# ---------------------------------------------------------------------------------------------


def _source(tree: exp.Select, plan: Plan) -> str | None:
    """The registered table the SELECT reads, when its FROM is that table alone."""
    source = tree.args.get("from_")
    table = source.this if isinstance(source, exp.From) else None
    if not isinstance(table, exp.Table) or not _only_args(table, {"this", "alias"}):
        return None
    alias = table.args.get("alias")
    if alias is not None and not _only_args(alias, {"this"}):
        return None
    return table.name if table.name in plan.arrow else None


def _only_args(node: exp.Expr, allowed: Collection[str]) -> bool:
    """Whether the node sets no argument (clause, modifier) but these."""
    return all(k in allowed for k, v in node.args.items() if v)


def _column(node: exp.Expr, tree: exp.Select, schema: pa.Schema) -> str | None:
    """The registered table's column a plain column reference names (DuckDB matches names without case)."""
    if not isinstance(node, exp.Column) or not _only_args(node, {"this", "table"}) or \
            not isinstance(node.this, exp.Identifier):
        return None
    table = tree.args["from_"].this
    if node.table and node.table not in (table.alias_or_name, table.name):
        return None
    if node.name in schema.names:
        return node.name if schema.names.count(node.name) == 1 else None
    matches = [n for n in schema.names if n.lower() == node.name.lower()]
    return matches[0] if len(matches) == 1 else None


def _projection(tree: exp.Select, table: str, schema: pa.Schema) -> Projection | None:
    columns = []
    for item in tree.expressions:
        name = _column(item.this if isinstance(item, exp.Alias) else item, tree, schema)
        if name is None:
            return None
        columns.append(name)
    limit, offset = _count(tree.args.get("limit")), _count(tree.args.get("offset"))
    if (tree.args.get("limit") and limit is None) or (tree.args.get("offset") and offset is None):
        return None
    return Projection(table, tuple(columns), offset or 0, limit)


def _count(node: exp.Expr | None) -> int | None:
    """The row count of `LIMIT n` / `OFFSET n` when it is a plain non-negative integer."""
    if not isinstance(node, exp.Limit | exp.Offset) or not _only_args(node, {"expression"}):
        return None
    value = node.expression
    if isinstance(value, exp.Literal) and not value.is_string and str(value.this).isdigit():
        return int(value.this)
    return None


def _aggregates(tree: exp.Select, table: str, schema: pa.Schema, plan: Plan) -> Aggregates | None:
    import pyarrow as pa

    rewritten = tree.copy()
    partials: list[tuple[str, str]] = []
    plain = True
    for item in rewritten.expressions:
        inner = _aggregate_of(item)
        plain = plain and inner is not None and _plain(item, inner)
        found = None if inner is None else _aggregate(inner, rewritten, schema)
        if inner is None or found is None:
            return None
        kind, column = found
        reference = exp.Column(this=quoted(f"__snowreg_p{len(partials)}"))
        partials.append((kind, column))
        if kind in ("count", "rows"):
            inner.replace(exp.Max(this=reference))  # the one row holds the count: same BIGINT
        else:
            target = inner.this.this if isinstance(inner.this, exp.Cast) else inner.this
            target.replace(reference)
    if not all(pa.types.is_integer(schema.field(c).type) for k, c in partials if k != "rows"):
        return None
    types = []  # the types DuckDB reads the table's columns as
    for kind, column in partials:
        known = "BIGINT" if kind in ("count", "rows") else _DUCK_INTEGERS.get(str(schema.field(column).type))
        if known is None:
            return None
        types.append(known)
    row = exp.Tuple(expressions=[exp.Cast(this=exp.Placeholder(), to=exp.DataType.build(t)) for t in types])
    alias = exp.TableAlias(this=quoted(rewritten.args["from_"].this.alias_or_name),
                           columns=[quoted(f"__snowreg_p{i}") for i in range(len(partials))])
    rewritten.set("from_", exp.From(this=exp.Values(expressions=[row], alias=alias)))
    return Aggregates(table, rewritten.sql(dialect="duckdb", identify=True), tuple(partials), plain)


def _plain(item: exp.Expr, inner: exp.AggFunc) -> bool:
    """`agg AS name` or `CAST(agg AS DECIMAL(38, 0)) AS name`, `agg` one of SUM / MIN / MAX / COUNT
    (of a column, not DISTINCT): over one integer row, its value is the row's value."""
    if not isinstance(inner, exp.Sum | exp.Min | exp.Max | exp.Count):
        return False
    outer = item.this if isinstance(item, exp.Alias) else None
    if outer is inner:
        return True
    return isinstance(outer, exp.Cast) and outer.this is inner and outer.to.sql(dialect="duckdb") == "DECIMAL(38, 0)"


def _aggregate_of(item: exp.Expr) -> exp.AggFunc | None:
    """The aggregate of a named result column `agg AS name` or `CAST(agg AS t) AS name`."""
    inner = item.this if isinstance(item, exp.Alias) else None
    while isinstance(inner, exp.Cast) and _only_args(inner, {"this", "to", "_type"}):
        inner = inner.this
    return inner if isinstance(inner, exp.AggFunc) else None


def _aggregate(node: exp.AggFunc, tree: exp.Select, schema: pa.Schema) -> tuple[str, str] | None:
    """(kind, column) of `SUM(c)`, `MIN(c)`, `MAX(c)` (also over `CAST(c AS DECIMAL(38, 0))`),
    `COUNT(c)` and `COUNT(*)`."""
    if not _only_args(node, {"this", "big_int"} if isinstance(node, exp.Count) else {"this"}):
        return None
    if isinstance(node, exp.Count) and isinstance(node.this, exp.Star):
        return ("rows", "") if _only_args(node.this, set()) else None
    kinds = {exp.Count: "count", exp.Sum: "sum", exp.Min: "min", exp.Max: "max"}
    kind = kinds.get(type(node))
    if kind is None:
        return None
    argument = node.this
    if kind != "sum" and isinstance(argument, exp.Cast) and _only_args(argument, {"this", "to", "_type"}) \
            and argument.to.sql(dialect="duckdb") == "DECIMAL(38, 0)":
        # From an integer: exact, never NULL and monotonic, so the count and extremes cast the same
        argument = argument.this
    column = _column(argument, tree, schema)
    return None if column is None else (kind, column)


# ---------------------------------------------------------------------------------------------
# Partial results
# ---------------------------------------------------------------------------------------------


def _partial(table: pa.Table, kind: str, column: str) -> tuple[bool, int | None]:
    """(exact, value): the column's count / extreme / sum (None: no value); not exact for a sum that
    could wrap in 64 bits or does not fit the column's own type (DuckDB sums in 128 bits)."""
    import numpy as np
    import pyarrow.compute as pc

    if kind == "rows":
        return True, table.num_rows
    values = table.column(column)
    if kind == "count":
        return True, len(values) - values.null_count
    extremes = pc.min_max(values)
    low, high = extremes["min"].as_py(), extremes["max"].as_py()
    if kind in ("min", "max"):
        return True, low if kind == "min" else high
    if low is None:  # nothing to sum: NULL
        return True, None
    if max(abs(low), abs(high)) * len(values) >= _INT64:
        return False, None
    total = pc.sum(values).as_py()
    bounds = np.iinfo(values.type.to_pandas_dtype())
    return bounds.min <= total <= bounds.max, total
