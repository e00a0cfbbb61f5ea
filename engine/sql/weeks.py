"""Calendar weeks and weekdays as the session's WEEK_START and WEEK_OF_YEAR_POLICY say
(https://docs.snowflake.com/en/sql-reference/functions-date-time#label-calendar-weeks-weekdays).

A translation is made once per statement text and shared by every session (engine.sql.translate's
caches, engine.sql.shapes), and a view's body is run with the querying session's parameters, so the
parameters are never written into the DuckDB text: each week-dependent call becomes a macro call whose
arguments read them through `getvariable('snowreg_week_start')` / `getvariable('snowreg_week_policy')`,
which the session sets only when it holds a value (Session.sync_duckdb_variables). DuckDB binds a
variable as a constant, so the macro's choice of branch is made once per statement, not per row, and a
session that sets neither parameter runs DuckDB's own ISO functions as before (conformance/DECISIONS.md
T50-T52).

WEEK_START 0 (the default, "legacy") counts weeks from Monday as 1 does; only DAYOFWEEK differs (0 for
Sunday … 6 for Saturday). 1-7 start the week on Monday … Sunday and DAYOFWEEK counts 1-7 from that day.
WEEK_OF_YEAR_POLICY 0: a week belongs to the year that holds at least four of its days (ISO's rule, from
the week's first day); 1: the week holding January 1 is week 1 and YEAROFWEEK is the calendar year.
DAYOFWEEKISO, WEEKISO, YEAROFWEEKISO and DAYNAME do not change.
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.engine.sql import variant

START_VARIABLE = "snowreg_week_start"
POLICY_VARIABLE = "snowreg_week_policy"

_START = "greatest(coalesce(ws, 0), 1)"  # the ISO number (Monday 1) of the week's first day
_BACK = f"CAST((isodow(v) - {_START} + 7) % 7 AS INTEGER)"  # days since the week's first day
_BACK_JAN1 = f"CAST((isodow(date_trunc('year', CAST(v AS DATE))) - {_START} + 7) % 7 AS INTEGER)"
_ISO = "coalesce(ws, 0) <= 1 AND coalesce(wp, 0) = 0"  # DuckDB's own ISO functions answer

MACROS: dict[str, str] = {
    "snowreg_dayofweek(v, ws)": f"CASE WHEN coalesce(ws, 0) = 0 THEN dayofweek(v) ELSE {_BACK} + 1 END",
    "snowreg_week(v, ws, wp)": (f"CASE WHEN {_ISO} THEN week(v) WHEN coalesce(wp, 0) = 0 "
                                f"THEN (dayofyear(CAST(v AS DATE) - {_BACK} + 3) - 1) // 7 + 1 "
                                f"ELSE (dayofyear(v) - 1 + {_BACK_JAN1}) // 7 + 1 END"),
    "snowreg_yearofweek(v, ws, wp)": (f"CASE WHEN {_ISO} THEN isoyear(v) WHEN coalesce(wp, 0) = 0 "
                                      f"THEN year(CAST(v AS DATE) - {_BACK} + 3) ELSE year(v) END"),
    "snowreg_week_trunc(v, ws)": (f"CASE WHEN coalesce(ws, 0) <= 1 THEN date_trunc('week', v) "
                                  f"ELSE date_trunc('day', v) - to_days({_BACK}) END"),
    "snowreg_week_last(v, ws)": f"CAST(v AS DATE) + (6 - {_BACK})",
    "snowreg_week_start_date(v, ws)": f"CAST(v AS DATE) - {_BACK}",
}

# A statement whose text has none of these names no week-dependent call (the parts' spellings:
# https://docs.snowflake.com/en/sql-reference/functions-date-time#supported-date-and-time-parts).
MAY_DEPEND = re.compile(r"WEEK|DOW|\bDW\b|\bW\b|\bWK\b|\bWOY\b|\bWY\b", re.I)
_DAYOFWEEK = frozenset({"DAYOFWEEK", "DOW", "DW", "WEEKDAY"})
_WEEK = frozenset({"WEEK", "W", "WK", "WEEKOFYEAR", "WOY", "WY"})
_YEAROFWEEK = frozenset({"YEAROFWEEK"})


def _start() -> exp.Expr:
    return variant.fn("getvariable", exp.Literal.string(START_VARIABLE))


def _policy() -> exp.Expr:
    return variant.fn("getvariable", exp.Literal.string(POLICY_VARIABLE))


def _part(unit: exp.Expr | None) -> str | None:
    if isinstance(unit, exp.Var | exp.Literal | exp.Column | exp.Identifier):
        return unit.name.upper()
    return None


def _operand(value: exp.Expr) -> exp.Expr:
    """A string literal is read as a timestamp (DuckDB's week functions would not choose a type for it)."""
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    return value


def _extracted(kind: str, value: exp.Expr) -> exp.Expr:
    value = _operand(value)
    if kind in _DAYOFWEEK:
        return variant.macro("snowreg_dayofweek", value, _start())
    name = "snowreg_week" if kind in _WEEK else "snowreg_yearofweek"
    return variant.macro(name, value, _start(), _policy())


def _replacement(node: exp.Expr) -> exp.Expr | None:
    if isinstance(node, exp.DayOfWeek):
        return _extracted("DAYOFWEEK", node.this)
    if isinstance(node, exp.Week) and not node.args.get("mode"):  # WEEKISO parses as WeekOfYear
        return _extracted("WEEK", node.this)
    if isinstance(node, exp.YearOfWeek):
        return _extracted("YEAROFWEEK", node.this)
    if isinstance(node, exp.Extract):
        kind = _part(node.this)
        if kind in _DAYOFWEEK or kind in _WEEK or kind in _YEAROFWEEK:
            return _extracted(kind, node.expression)
        return None
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc) and _part(node.args.get("unit")) in _WEEK:
        return variant.macro("snowreg_week_trunc", _operand(node.this), _start())
    if isinstance(node, exp.LastDay) and _part(node.args.get("unit")) in _WEEK:
        return variant.macro("snowreg_week_last", _operand(node.this), _start())
    if isinstance(node, exp.DateDiff) and _part(node.args.get("unit")) in _WEEK:
        later = variant.macro("snowreg_week_start_date", _operand(node.this), _start())
        earlier = variant.macro("snowreg_week_start_date", _operand(node.expression), _start())
        days = variant.fn("date_diff", exp.Literal.string("day"), earlier, later)
        return exp.Paren(this=exp.IntDiv(this=days, expression=exp.Literal.number(7)))
    return None


def rewrite(stmt: exp.Expr) -> None:
    """Every week-dependent call in `stmt` (already rewritten for DuckDB) reads the session's parameters."""
    for node in list(stmt.walk(bfs=False)):
        new = _replacement(node)
        if new is not None:
            node.replace(new)
