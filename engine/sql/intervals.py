"""Interval constants in date arithmetic (https://docs.snowflake.com/en/sql-reference/data-types-datetime#interval-constants).

`x + INTERVAL '1 year, 3 hours'` adds its increments in the order listed, each as DATEADD would, so a DATE plus
days or longer stays a DATE (the page's `to_date('2018-04-15') + INTERVAL '1 year'` is `2019-04-15`) and one with
a time part becomes a TIMESTAMP_NTZ. A number without a part counts seconds; parts take their abbreviations
(`1 y, 3 q, 4 mm, 5 w, 6 d, 7 h, 9 m, 8 s, 1000 ms, 445343232 us, 898498273498 ns`). DuckDB reads none of the
list, the abbreviations or the order, and makes every `DATE + INTERVAL` a TIMESTAMP, so the sum is rewritten as
nested DATEADD calls before the translation sees it (engine.sql.numbers then keeps a DATE a DATE).
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg import errors

# The parts an interval takes, with their abbreviations and variations
# (https://docs.snowflake.com/en/sql-reference/functions-date-time#label-supported-date-time-parts).
_PARTS: dict[str, str] = {
    **dict.fromkeys("year y yy yyy yyyy yr years yrs".split(), "YEAR"),
    **dict.fromkeys("quarter q qtr qtrs quarters".split(), "QUARTER"),
    **dict.fromkeys("month mm mon mons months".split(), "MONTH"),
    **dict.fromkeys("week w wk weekofyear woy wy weeks".split(), "WEEK"),
    **dict.fromkeys("day d dd days dayofmonth".split(), "DAY"),
    **dict.fromkeys("hour h hh hr hours hrs".split(), "HOUR"),
    **dict.fromkeys("minute m mi min minutes mins".split(), "MINUTE"),
    **dict.fromkeys("second s sec seconds secs".split(), "SECOND"),
    **dict.fromkeys("millisecond ms msec milliseconds".split(), "MILLISECOND"),
    **dict.fromkeys("microsecond us usec microseconds".split(), "MICROSECOND"),
    **dict.fromkeys("nanosecond ns nsec nanosec nsecond nanoseconds nanosecs nseconds".split(), "NANOSECOND"),
}
_INCREMENT = re.compile(r"\s*([+-]?\d+)\s*([A-Za-z_]*)\s*\Z")


def increments(interval: exp.Interval) -> list[tuple[int, str]] | None:
    """The (count, part) increments of an interval constant in the order written; None when the text is not one
    (left to DuckDB, whose error it then is)."""
    value = interval.this
    if not isinstance(value, exp.Literal) or not value.is_string:
        return None
    text = value.this
    unit = interval.args.get("unit")
    if unit is not None:  # sqlglot splits `INTERVAL '1 year'` into '1' and YEAR
        if not isinstance(unit, exp.Var):
            return None
        text = f"{text} {unit.name}"
    found: list[tuple[int, str]] = []
    for piece in text.split(","):
        m = _INCREMENT.match(piece)
        if m is None:
            return None
        part = _PARTS.get(m.group(2).lower()) if m.group(2) else "SECOND"
        if part is None:
            return None
        found.append((int(m.group(1)), part))
    return found


def _added(value: exp.Expr, interval: exp.Interval, sign: int) -> exp.Expr | None:
    steps = increments(interval)
    if steps is None:
        return None
    result = value.copy()
    for count, part in steps:
        result = exp.DateAdd(this=result, expression=exp.Literal.number(sign * count), unit=exp.Var(this=part))
    return result


_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)
# DuckDB's spelling of each part shorter than a month (a week is seven days, a nanosecond is refused below).
_DUCKDB_PARTS = {"WEEK": "days", "DAY": "days", "HOUR": "hours", "MINUTE": "minutes", "SECOND": "seconds",
                 "MILLISECOND": "milliseconds", "MICROSECOND": "microseconds"}


def _compared(interval: exp.Interval) -> exp.Expr | None:
    """An interval constant compared with a value (`ts1 - ts2 > INTERVAL '1 d, 3 h'`): DuckDB's interval of the
    same length (conformance/DECISIONS.md T91). Months, quarters and years have no length in days: refused."""
    steps = increments(interval)
    if steps is None:
        return None
    if any(part in ("YEAR", "QUARTER", "MONTH") for _, part in steps):
        raise errors.not_supported("An interval constant of years, quarters or months compared with a value (a "
                                   "month has no fixed length; compare DATEDIFF(month, …) or DATEADD instead)")
    words = []
    for count, part in steps:
        if part == "NANOSECOND":
            if count % 1000:
                raise errors.not_supported("An interval constant of nanoseconds that are no whole microseconds "
                                           "(snowreg keeps microseconds)")
            count, part = count // 1000, "MICROSECOND"
        words.append(f"{count * 7 if part == 'WEEK' else count} {_DUCKDB_PARTS[part]}")
    return exp.Interval(this=exp.Literal.string(" ".join(words)))


def rewrite(stmt: exp.Expr) -> None:
    """Every `x + INTERVAL '…'`, `INTERVAL '…' + x` and `x - INTERVAL '…'` of `stmt` as nested DATEADD calls; an
    interval constant compared with a value as DuckDB's interval of its length."""
    for node in [n for n in reversed(list(stmt.walk(bfs=False))) if isinstance(n, exp.Add | exp.Sub)]:
        left, right = node.this, node.expression
        new: exp.Expr | None = None
        if isinstance(right, exp.Interval) and not isinstance(left, exp.Interval):
            new = _added(left, right, -1 if isinstance(node, exp.Sub) else 1)
        elif isinstance(left, exp.Interval) and isinstance(node, exp.Add) and not isinstance(right, exp.Interval):
            new = _added(right, left, 1)
        if new is not None:
            node.replace(new)
    for interval in [n for n in stmt.find_all(exp.Interval) if isinstance(n.parent, _COMPARISONS)]:
        if (length := _compared(interval)) is not None:
            interval.replace(length)
