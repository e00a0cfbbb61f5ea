"""Snowflake aggregate and window functions DuckDB spells or frames differently: MAX_BY / MIN_BY with a count,
BOOLXOR_AGG, CONDITIONAL_TRUE_EVENT.

- MAX_BY / MIN_BY(x, key, n) (https://docs.snowflake.com/en/sql-reference/functions/max_by): an ARRAY of up
  to n values, by the key descending (MIN_BY ascending); DuckDB's list becomes a VARIANT ARRAY.
- BOOLXOR_AGG (https://docs.snowflake.com/en/sql-reference/functions/boolxor_agg): TRUE when exactly one
  value is TRUE (non-zero), NULL when every value is NULL.
- CONDITIONAL_TRUE_EVENT(c) OVER (…) (https://docs.snowflake.com/en/sql-reference/functions/conditional_true_event):
  from 0, one more at each row where c holds, counted up to and with the current row.
- CONDITIONAL_CHANGE_EVENT(x) OVER (… ORDER BY …): below.
- PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x) of a NUMBER, OBJECT_AGG: below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from snowreg import error_catalog, errors
from snowreg.engine.sql import variant
from snowreg.engine.sql.call_args import call_args as _args

_T = exp.DataType.Type


def by_count(node: exp.Expr) -> exp.Expr | None:
    """MAX_BY / MIN_BY with a count (sqlglot's ArgMax / ArgMin, which it builds without the name's place)."""
    args = _args(node)
    if len(args) != 3:
        return None  # the one-value form is DuckDB's arg_max / arg_min
    name, duck = ("MIN_BY", "arg_min") if isinstance(node, exp.ArgMin) else ("MAX_BY", "arg_max")
    if isinstance(node.parent, exp.Window):
        raise errors.not_supported(f"{name} with a count as a window function")
    count = exp.Cast(this=args[2], to=exp.DataType(this=_T.BIGINT))
    return variant.macro("snowreg_agg_array", variant.fn(duck, args[0], args[1], count))


def _boolxor_agg(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("BOOLXOR_AGG", 1, len(args))
    if isinstance(node.parent, exp.Window):
        raise errors.not_supported("BOOLXOR_AGG as a window function")
    truth = exp.Cast(this=args[0], to=exp.DataType(this=_T.BOOLEAN))
    one = exp.EQ(this=variant.fn("count_if", truth), expression=exp.Literal.number(1))
    none = exp.EQ(this=exp.Count(this=args[0].copy()), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=none, true=exp.Null())], default=one)


def _conditional_true_event(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("CONDITIONAL_TRUE_EVENT", 1, len(args))
    window = node.parent
    if not isinstance(window, exp.Window):
        raise errors.compilation_error("CONDITIONAL_TRUE_EVENT is a window function: it needs OVER (…)")
    if window.args.get("spec") is not None:
        raise errors.compilation_error("CONDITIONAL_TRUE_EVENT takes no window frame")
    window.set("spec", exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"))
    holds = exp.Cast(this=args[0], to=exp.DataType(this=_T.BOOLEAN))
    return exp.Sum(this=exp.Case(ifs=[exp.If(this=holds, true=exp.Literal.number(1))], default=exp.Literal.number(0)))


# CONDITIONAL_CHANGE_EVENT (https://docs.snowflake.com/en/sql-reference/functions/conditional_change_event): "calculated
# as CONDITIONAL_TRUE_EVENT(<expr1> != LAG(<expr1>) OVER(window_frame))", the changes from a row's predecessor up
# to the current row; "NULL values are not considered a new or changed value". Whether a value after NULLs is
# compared with the NULL (the formula) or with the value before them (the note) the page leaves open: where the
# two differ the query is refused (DECISIONS.md F43). DuckDB nests no window in another: the values so far are
# one window's list (`__w`), and the changes are counted in it.
_CHANGED = "len(list_filter(range(2, len({0}) + 1), lambda i: {0}[i] <> {0}[i - 1]))"
_CHANGES = (f"list_transform([__w], lambda l: list_transform([list_filter(l, lambda v: v IS NOT NULL)], lambda f: "
            f"CASE WHEN {_CHANGED.format('l')} = {_CHANGED.format('f')} THEN {_CHANGED.format('l')} ELSE error("
            "'snowreg_unsupported:CONDITIONAL_CHANGE_EVENT of a value that differs before and after NULLs') END)[1])[1]")


def _conditional_change_event(node: exp.Expr) -> exp.Expr:
    args, window = _args(node), node.parent
    if len(args) != 1:
        raise errors.wrong_arguments("CONDITIONAL_CHANGE_EVENT", 1, len(args))
    if not isinstance(window, exp.Window):
        raise errors.compilation_error("CONDITIONAL_CHANGE_EVENT is a window function: it needs OVER (…)")
    if window.args.get("order") is None or window.args.get("spec") is not None:
        raise errors.compilation_error("CONDITIONAL_CHANGE_EVENT needs OVER ([PARTITION BY …] ORDER BY …), no frame")
    window.set("spec", exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW"))
    changes: exp.Expr = exp.maybe_parse(_CHANGES, dialect="duckdb")
    placeholder = next(c for c in changes.find_all(exp.Column) if c.name == "__w")
    window.replace(changes)
    placeholder.replace(window)
    return exp.Anonymous(this="list", expressions=[args[0]])


def _interpolate_fill(name: str, forward: bool) -> Callable[[exp.Expr], exp.Expr]:
    """INTERPOLATE_FFILL / INTERPOLATE_BFILL(x) OVER ([PARTITION BY …] ORDER BY …)
    (https://docs.snowflake.com/en/sql-reference/functions/interpolate_bfill): a NULL takes the value of the
    previous (next) row that has one, in the window's order; "They don't support explicit window frames";
    the input's type. The last (first) non-NULL value up to (from) the row."""
    def rewrite(node: exp.Expr) -> exp.Expr:
        args, window = _args(node), node.parent
        if len(args) != 1:
            raise errors.wrong_arguments(name, 1, len(args))
        if not isinstance(window, exp.Window):
            raise errors.compilation_error(f"{name} is a window function: it needs OVER (…)")
        if window.args.get("order") is None or window.args.get("spec") is not None:
            raise errors.compilation_error(f"{name} needs OVER ([PARTITION BY …] ORDER BY …), no frame")
        window.set("spec", exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
                   if forward else exp.WindowSpec(kind="ROWS", start="CURRENT ROW", end="UNBOUNDED",
                                                  end_side="FOLLOWING"))
        return exp.IgnoreNulls(this=(exp.LastValue if forward else exp.FirstValue)(this=args[0]))
    return rewrite


def _whole_partition(name: str, node: exp.Expr) -> None:
    """MEDIAN, MODE, PERCENTILE_CONT / _DISC, APPROX_PERCENTILE and OBJECT_AGG as window functions: "it does not support: An ORDER BY
    clause within the OVER clause. Explicit window frames." (their pages; the error's text is not given)."""
    window = node.parent.parent if isinstance(node.parent, exp.WithinGroup) else node.parent
    if isinstance(window, exp.Window) and (window.args.get("order") is not None
                                           or window.args.get("spec") is not None):
        raise errors.compilation_error(f"{name} as a window function takes neither ORDER BY nor a window frame "
                                       "in OVER (…): OVER ([PARTITION BY …])")


def _median(node: exp.Expr) -> None:
    """MEDIAN of a NUMBER(p, s) is a NUMBER with scale s + 3 (https://docs.snowflake.com/en/sql-reference/functions/median:
    DECIMAL(10,2) values give 22.50000; the midpoint of two values is exact at that scale). Multiplying
    by 1.000 as DECIMAL(38, 3) gives DuckDB's median that scale; a FLOAT stays a FLOAT."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("MEDIAN", 1, len(args))
    _whole_partition("MEDIAN", node)
    one = exp.Cast(this=exp.Literal.number(1), to=exp.DataType.build("DECIMAL(38, 3)"))
    args[0].replace(exp.Mul(this=args[0].copy(), expression=one))


def _percentile_cont(node: exp.Expr) -> None:
    """PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x) (https://docs.snowflake.com/en/sql-reference/functions/percentile_cont):
    the linear interpolation of the two nearest values. DuckDB answers a DECIMAL(p, s) at scale s, cutting the
    interpolated fraction (an INT column's 1 and 2 at 0.25 gave 1); the value is given scale s + 3 as MEDIAN,
    which is PERCENTILE_CONT(0.5), has (DECISIONS.md N30): x times 1.000 as DECIMAL(38, 3), a positive factor
    that keeps the order. A FLOAT stays a FLOAT."""
    _whole_partition("PERCENTILE_CONT", node)
    within = node.parent
    order = within.args.get("expression") if isinstance(within, exp.WithinGroup) else None
    keys = order.expressions if isinstance(order, exp.Order) else []
    if len(keys) != 1:
        return  # no WITHIN GROUP, or several keys: DuckDB's own error
    value = keys[0].this if isinstance(keys[0], exp.Ordered) else keys[0]
    one = exp.Cast(this=exp.Literal.number(1), to=exp.DataType.build("DECIMAL(38, 3)"))
    value.replace(exp.Mul(this=value.copy(), expression=one))


def object_agg(node: exp.ObjectAgg) -> None:
    """OBJECT_AGG([DISTINCT] k, v) [OVER (…)] → the snowreg_object_agg macro (engine.sql.arrays) of the list of
    each row's `"key":value` member: one aggregate, so a key given twice can fail as documented."""
    _whole_partition("OBJECT_AGG", node)
    distinct = isinstance(node.this, exp.Distinct)
    pair = node.this.expressions if isinstance(node.this, exp.Distinct) else [node.this, node.expression]
    if len(pair) != 2 or pair[1] is None:
        raise errors.wrong_arguments("OBJECT_AGG", 2, len([p for p in pair if p is not None]))
    key = exp.Cast(this=pair[0], to=exp.DataType(this=_T.VARCHAR))
    member = exp.DPipe(this=exp.DPipe(this=variant.fn("to_json", key), expression=exp.Literal.string(":")),
                       expression=variant.variant_of(pair[1]))
    call = variant.fn("list", member)
    node.replace(call)
    variant.wrap(call, lambda e: variant.macro("snowreg_object_agg", e, exp.Boolean(this=distinct)))


def count_of_several(node: exp.Count) -> None:
    """COUNT(expr1, expr2, …) (https://docs.snowflake.com/en/sql-reference/functions/count): the rows where no
    expression is NULL, as sqlglot already writes COUNT(DISTINCT expr1, expr2, …); DuckDB's COUNT takes one."""
    rest = node.expressions
    if not rest or isinstance(node.this, exp.Distinct):
        return
    values = [node.this, *rest]
    node.set("this", exp.Case(ifs=[exp.If(this=exp.Is(this=v.copy(), expression=exp.Null()), true=exp.Null())
                                   for v in values], default=exp.Literal.number(1)))
    node.set("expressions", [])


# The sqlglot nodes rewritten here (engine.sql.translate's dispatch).
NODES: dict[type[exp.Expr], Callable[[Any], exp.Expr | None]] = {
    exp.ArgMax: by_count, exp.ArgMin: by_count, exp.ObjectAgg: object_agg, exp.Count: count_of_several}

def _approx_count_distinct(node: exp.Expr) -> exp.Expr:
    """APPROX_COUNT_DISTINCT / HLL([DISTINCT] x, …) (https://docs.snowflake.com/en/sql-reference/functions/approx_count_distinct):
    Snowflake's HyperLogLog estimate is its own; snowreg counts exactly, an estimate with no error (DECISIONS.md
    N38), rather than with DuckDB's HyperLogLog (50,244 for 50,000 distinct values)."""
    values = node.this.expressions if isinstance(node.this, exp.Distinct) else _args(node)
    return exp.Count(this=exp.Distinct(expressions=[v.copy() for v in values]))


def _approx_percentile(node: exp.Expr) -> exp.Expr:
    """APPROX_PERCENTILE(x, p) (https://docs.snowflake.com/en/sql-reference/functions/approx_percentile): "The
    output is returned as a DOUBLE value"; the value is the interpolated percentile of the values (Snowflake's
    t-Digest estimate is its own: DECISIONS.md N37). No ORDER BY or frame in OVER, as the page says."""
    args = _args(node)
    if len(args) != 2:
        raise errors.wrong_arguments("APPROX_PERCENTILE", 2, len(args))
    _whole_partition("APPROX_PERCENTILE", node)
    p = args[1]
    number = p.this if isinstance(p, exp.Neg) else p
    if isinstance(number, exp.Literal) and not number.is_string \
            and not 0 <= float(number.this) * (-1 if p is not number else 1) <= 1:
        raise error_catalog.percentile_out_of_range("APPROX_PERCENTILE")
    value = exp.Cast(this=args[0].copy(), to=exp.DataType(this=_T.DOUBLE))
    return variant.fn("quantile_cont", value, p.copy())


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "APPROX_COUNT_DISTINCT": _approx_count_distinct,
    "HLL": _approx_count_distinct,
    "APPROX_PERCENTILE": _approx_percentile,
    "MEDIAN": _median,
    "PERCENTILE_CONT": _percentile_cont,
    "PERCENTILE_DISC": lambda node: _whole_partition("PERCENTILE_DISC", node),
    "MODE": lambda node: _whole_partition("MODE", node),
    "INTERPOLATE_FFILL": _interpolate_fill("INTERPOLATE_FFILL", forward=True),
    "INTERPOLATE_BFILL": _interpolate_fill("INTERPOLATE_BFILL", forward=False),
    "BOOLXOR_AGG": _boolxor_agg,
    "CONDITIONAL_CHANGE_EVENT": _conditional_change_event,
    "CONDITIONAL_TRUE_EVENT": _conditional_true_event,
}
