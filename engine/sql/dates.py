"""Snowflake's dates and times where DuckDB differs: DATEADD's result type, epoch numbers, zone offsets.

- DATEADD of a DATE by days or longer units is a DATE (https://docs.snowflake.com/en/sql-reference/functions/dateadd);
  DuckDB makes every `date + interval` a TIMESTAMP. A string argument is a timestamp, time part kept.
- A number (or a string of digits) cast to a timestamp counts seconds since the epoch, or milli-, micro-
  or nanoseconds when it is too large for seconds
  (https://docs.snowflake.com/en/sql-reference/functions/to_timestamp).
- `'2026-01-01 10:00:00 +09:00'::TIMESTAMP_TZ`: DuckDB reads the offset only without the space.
- A TIMESTAMP_LTZ / TZ cast to TIME is its time of day in the session's zone.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import map_date_part

from snowreg import errors
from snowreg.engine.sql import auto_formats, input_texts, variant, weeks, zoned

_T = exp.DataType.Type
DAY_OR_LONGER = frozenset({"YEAR", "QUARTER", "MONTH", "WEEK", "DAY"})
_TIMESTAMPS = {_T.TIMESTAMP, _T.TIMESTAMPNTZ, _T.TIMESTAMPLTZ, _T.TIMESTAMPTZ}
_DIGITS = re.compile(r"\s*-?\d+\s*\Z")
_OFFSET = re.compile(r"(\d)\s+([+-]\d{2}:?\d{2})\s*\Z")
_ZONE_AT_END = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*[+-](\d{2}):?(\d{2})\s*\Z")

# Snowflake's thresholds: below 31536000000 seconds, below 31536000000000 milliseconds, and so on; "negative
# values are always treated as seconds" (the to_timestamp page's usage notes).
_MICROS = ("CAST(CASE WHEN {v} < 31536000000 THEN {v} * 1000000 WHEN {v} < 31536000000000 "
           "THEN {v} * 1000 WHEN {v} < 31536000000000000 THEN {v} ELSE {v} // 1000 END AS BIGINT)")
_EPOCH_MICROS = _MICROS.format(v="CAST(v AS DECIMAL(38, 9))")

# TO_TIMESTAMP_* / TO_DATE of a value whose type the text does not show: its text (a VARIANT's string or
# number unquoted), a number (or a string of digits) counting from the epoch, else the text as a timestamp.
_TEXT = ("(CASE WHEN typeof(v) = 'JSON' THEN json_extract_string(CAST(CAST(v AS VARCHAR) AS JSON), '$') "
         "ELSE CAST(v AS VARCHAR) END)")
_IS_NUMBER = ("(typeof(v) LIKE 'DECIMAL%' OR typeof(v) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', "
              "'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE') OR (typeof(v) = 'JSON' AND "
              "json_type(CAST(CAST(v AS VARCHAR) AS JSON)) IN ('BIGINT', 'UBIGINT', 'DOUBLE')) OR "
              f"regexp_full_match({_TEXT}, '\\s*-?\\d+\\s*'))")
_FROM_TEXT = _MICROS.format(v=f"CAST(trim({_TEXT}) AS DECIMAL(38, 9))")
def _read(text: str, to: str) -> str:
    """CAST(text AS to), trying the AUTO formats DuckDB lacks (engine.sql.auto_formats) before failing
    (TRY_CAST when `safe`)."""
    if to == "TIME":
        auto = auto_formats.time_read(text)
    elif to == "TIMESTAMPTZ":
        auto = f"coalesce({auto_formats.zoned_read(text)}, CAST({auto_formats.ntz_read(text)} AS TIMESTAMPTZ))"
    else:
        auto = f"CAST({auto_formats.ntz_read(text)} AS {to})"
    return (f"coalesce(TRY_CAST({text} AS {to}), {auto}, CASE WHEN safe THEN NULL "
            f"ELSE CAST({text} AS {to}) END)")


# The wall-clock time of a TIMESTAMP_LTZ / TZ value (TO_TIMESTAMP_NTZ drops the zone, keeps the local time).
_WALL = (f"(CASE WHEN typeof(v) = 'TIMESTAMP WITH TIME ZONE' THEN strftime(CAST(v AS TIMESTAMPTZ), "
         f"'%Y-%m-%d %H:%M:%S.%f') ELSE {_TEXT} END)")

# Seconds since midnight of a date or timestamp (its local time of day).
_DAY_SECONDS = "(epoch(CAST({0} AS TIMESTAMP)) - epoch(CAST(CAST({0} AS DATE) AS TIMESTAMP)))"
_LAST = "day(CAST({0} AS DATE)) = day(last_day(CAST({0} AS DATE)))"

# `x::TIMESTAMP` / `::DATE` of a column or expression: a number, or a string of digits, counts from the epoch;
# anything else is DuckDB's cast (typeof is a constant while DuckDB binds, so a DATE or TIMESTAMP column
# costs nothing more).
_CAST_NUMBER = ("(typeof(v) LIKE 'DECIMAL%' OR typeof(v) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', "
                "'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'DOUBLE') OR (typeof(v) = 'VARCHAR' AND "
                "regexp_full_match(CAST(v AS VARCHAR), '\\s*-?\\d+\\s*')))")
_CAST_MOMENT = "make_timestamp(" + _MICROS.format(v="CAST(trim(CAST(v AS VARCHAR)) AS DECIMAL(38, 9))") + ")"


def _cast_macro(moment: str, to: str) -> str:
    return (f"CASE WHEN v IS NULL THEN NULL WHEN {_CAST_NUMBER} THEN {moment} WHEN typeof(v) = 'VARCHAR' "
            f"THEN {_read('CAST(v AS VARCHAR)', to)} WHEN safe THEN TRY_CAST(v AS {to}) ELSE CAST(v AS {to}) END")


# TWO_DIGIT_CENTURY_START (https://docs.snowflake.com/en/sql-reference/parameters#two-digit-century-start): a
# year DuckDB's %y read (1969-2068) moved to the year of [start, start + 99] with the same last two digits.
CENTURY_VARIABLE = "snowreg_two_digit_century_start"  # NULL: the default, 1970
_START = f"coalesce(getvariable('{CENTURY_VARIABLE}'), 1970)"

DAY_VARIABLE = "snowreg_day_is_always_24h"  # TIMESTAMP_DAY_IS_ALWAYS_24H (NULL: the default, FALSE)

MACROS: dict[str, str] = {
    # https://docs.snowflake.com/en/sql-reference/parameters#timestamp-day-is-always-24h: DuckDB adds an interval's
    # days by the calendar of the session's zone and its microseconds as elapsed time.
    "snowreg_days(x, n)": (f"CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' AND coalesce(getvariable('{DAY_VARIABLE}'), "
                           "false) THEN to_microseconds(CAST(n AS BIGINT) * 86400000000) ELSE to_days(CAST(n AS INTEGER)) END"),
    "snowreg_two_digit_year(x)": (f"x + to_years(CAST((((year(x) - {_START}) % 100) + 100) % 100 + {_START} - year(x) "
                                  "AS INTEGER))"),
    "snowreg_cast_ntz(v, safe)": _cast_macro(_CAST_MOMENT, "TIMESTAMP"),
    "snowreg_cast_ltz(v, safe)": _cast_macro(f"{_CAST_MOMENT} AT TIME ZONE 'UTC'", "TIMESTAMPTZ"),
    "snowreg_cast_date(v, safe)": _cast_macro(f"CAST({_CAST_MOMENT} AS DATE)", "DATE"),
    # a string of digits counts from the epoch (https://docs.snowflake.com/en/sql-reference/functions/to_time)
    "snowreg_cast_time(v, safe)": (f"CASE WHEN v IS NULL THEN NULL WHEN typeof(v) = 'VARCHAR' AND {_CAST_NUMBER} "
                                   f"THEN CAST({_CAST_MOMENT} AS TIME) WHEN typeof(v) = 'VARCHAR' THEN "
                                   f"{_read('CAST(v AS VARCHAR)', 'TIME')} WHEN safe THEN TRY_CAST(v AS TIME) "
                                   "ELSE CAST(v AS TIME) END"),
    "snowreg_epoch_ntz(v)": f"make_timestamp({_EPOCH_MICROS})",
    "snowreg_epoch_ltz(v)": f"make_timestamp({_EPOCH_MICROS}) AT TIME ZONE 'UTC'",
    "snowreg_to_ntz(v, safe)": (f"CASE WHEN v IS NULL THEN NULL WHEN {_IS_NUMBER} THEN make_timestamp({_FROM_TEXT}) "
                                f"ELSE {_read(_WALL, 'TIMESTAMP')} END"),
    # TO_DATE: a text that is no timestamp fails as a date (`Date 'abc' is not recognized`).
    "snowreg_to_date(v, safe)": (f"CASE WHEN v IS NULL THEN NULL WHEN {_IS_NUMBER} THEN CAST(make_timestamp({_FROM_TEXT}) "
                                 f"AS DATE) ELSE coalesce(CAST(TRY_CAST({_WALL} AS TIMESTAMP) AS DATE), "
                                 f"{_read(_WALL, 'DATE')}) END"),
    "snowreg_to_ltz(v, safe)": (f"CASE WHEN v IS NULL THEN NULL WHEN {_IS_NUMBER} THEN make_timestamp({_FROM_TEXT}) "
                                f"AT TIME ZONE 'UTC' ELSE {_read(_TEXT, 'TIMESTAMPTZ')} END"),
    # MONTHS_BETWEEN (https://docs.snowflake.com/en/sql-reference/functions/months_between): whole months
    # from year and month; the fraction counts days and time of day in 31-day months, and is 0 for the
    # same day of the month or two last days; the examples show 6 decimals.
    "snowreg_months_between(a, b)": f"""CAST(round((year(CAST(a AS DATE)) - year(CAST(b AS DATE))) * 12
        + month(CAST(a AS DATE)) - month(CAST(b AS DATE))
        + CASE WHEN day(CAST(a AS DATE)) = day(CAST(b AS DATE)) OR ({_LAST.format('a')} AND {_LAST.format('b')}) THEN 0
          ELSE (day(CAST(a AS DATE)) - day(CAST(b AS DATE))) / 31.0
               + ({_DAY_SECONDS.format('a')} - {_DAY_SECONDS.format('b')}) / (31.0 * 86400) END, 6) AS DOUBLE)""",
    # TYPEOF of a value made a VARIANT in the same expression: the value's own type (typeof is a constant
    # while DuckDB binds). A zoned timestamp is TZ or LTZ by a text this macro does not see: refused.
    # (the refusal is a failing cast: error() would make the item volatile, and `ORDER BY 1` refused)
    "snowreg_typeof_value(x)": f"""CASE WHEN x IS NULL THEN NULL WHEN typeof(x) = 'BLOB' THEN 'BINARY'
        WHEN typeof(x) LIKE 'TIMESTAMP WITH%' THEN CAST(CAST('snowreg_unsupported:TYPEOF of a TIMESTAMP_LTZ or '
            || 'TIMESTAMP_TZ value made a VARIANT (cast it to TIMESTAMP_LTZ or TIMESTAMP_TZ first)' AS INTEGER) AS VARCHAR)
        ELSE {variant.MACRO_CATALOG}.main.snowreg_typeof(x) END""",
    **weeks.MACROS,
    **input_texts.MACROS,
}


def typeof_variant(value: exp.Expr) -> exp.Expr | None:
    """TYPEOF(TO_VARIANT(x)) / TYPEOF(x::VARIANT): the type x keeps inside the VARIANT (DATE, TIMESTAMP_NTZ,
    BINARY, … https://docs.snowflake.com/en/sql-reference/functions/typeof), which the VARIANT's JSON text
    would lose; None when `value` is not such a conversion."""
    inner = _made_variant(value)
    if inner is None:
        return None
    if (isinstance(inner, exp.Cast) and isinstance(inner.to, exp.DataType) and inner.to.this is _T.TIMESTAMPTZ) \
            or _zoned_call(inner):
        return exp.Case().when(exp.Is(this=inner.copy(), expression=exp.Null()), exp.Null()).else_(
            exp.Literal.string("TIMESTAMP_TZ"))
    return variant.macro("snowreg_typeof" if _zoned(inner) else "snowreg_typeof_value", inner)


def _made_variant(value: exp.Expr) -> exp.Expr | None:
    """x of TO_VARIANT(x) / x::VARIANT, as written or as translated (variant.variant_of)."""
    while isinstance(value, exp.Paren):
        value = value.this
    if isinstance(value, exp.ToVariant):
        return value.this
    if isinstance(value, exp.Cast) and isinstance(value.to, exp.DataType):
        if value.to.this is _T.VARIANT:
            return value.this
        if value.to.this is _T.JSON and variant.macro_called(value.this) == "snowreg_variant":
            return value.this.expression.expressions[0]
    return None


def probe_date(operand: exp.Expr, marker: str, index: int, time_index: int | None = None) -> exp.Expr:
    """An expression that fails while DuckDB binds when `operand` is a DATE, naming probe `index` (or, with
    `time_index`, when it is a TIME, naming that one)."""
    ifs = [exp.If(this=exp.EQ(this=variant.fn("typeof", operand.copy()), expression=exp.Literal.string(kind)),
                  true=exp.Cast(this=exp.Literal.string(f"{marker}{number}"), to=exp.DataType.build("INT")))
           for kind, number in (("DATE", index), ("TIME", time_index)) if number is not None]
    check = exp.Case(ifs=ifs, default=exp.Literal.number(1))
    return variant.fn("round", exp.Literal.number("0.0"), check)


def time_trunc(node: exp.Expr) -> exp.Expr:
    """DATE_TRUNC of a TIME: truncated as the time of day of 1970-01-01, and a TIME again."""
    moment = exp.Add(this=exp.Cast(this=exp.Literal.string("1970-01-01"), to=exp.DataType.build("DATE")),
                     expression=node.this.copy())
    trunc = node.copy()
    trunc.set("this", moment)
    return exp.Cast(this=trunc, to=exp.DataType.build("TIME"))


def dateadd(node: exp.DateAdd, is_date: bool | None, probe: exp.Expr | None) -> exp.Expr | None:
    """DATEADD: a DATE stays a DATE for day-or-longer units; a string is a timestamp.

    `is_date` says what is known of the operand (None: unknown, then `probe` guards the guess).
    """
    unit = node.args.get("unit")
    unit_name = unit.name.upper() if isinstance(unit, exp.Var | exp.Literal) else "DAY"
    operand = node.this
    if isinstance(operand, exp.Literal) and operand.is_string:
        node.set("this", exp.Cast(this=operand.copy(), to=exp.DataType.build("TIMESTAMP")))
        return None
    added = _days_added(node) if unit_name == "DAY" and not is_date else None
    if unit_name not in DAY_OR_LONGER or is_date is False:
        return added
    if is_date:
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DATE"))
    assert probe is not None
    return exp.Case(ifs=[exp.If(this=exp.Is(this=probe, expression=exp.Null()), true=exp.Null())],
                    default=added or node.copy())


def _days_added(node: exp.DateAdd) -> exp.Expr:
    """DATEADD of days to a value that may be a TIMESTAMP_LTZ / TZ: `x + snowreg_days(x, n)`, calendar days or,
    under TIMESTAMP_DAY_IS_ALWAYS_24H, 24 hours each (read at run time, like the week parameters)."""
    return exp.Paren(this=exp.Add(this=node.this.copy(), expression=variant.macro(
        "snowreg_days", node.this.copy(), node.expression.copy())))


def keep_date(node: exp.Expr, is_date: bool | None, probe: exp.Expr | None) -> exp.Expr | None:
    """DATE_TRUNC / TRUNC / ADD_MONTHS of a DATE is a DATE (https://docs.snowflake.com/en/sql-reference/functions/date_trunc:
    the result has the input's type); DuckDB makes it a TIMESTAMP. `probe` guards an unknown type."""
    if is_date:
        return exp.Cast(this=node.copy(), to=exp.DataType.build("DATE"))
    if is_date is False or probe is None:
        return node
    return exp.Case(ifs=[exp.If(this=exp.Is(this=probe, expression=exp.Null()), true=exp.Null())],
                    default=node.copy())


# ADD_MONTHS (https://docs.snowflake.com/en/sql-reference/functions/add_months): the last day of a month moves
# to the last day of the result's month, the time of day kept (sqlglot's form compares a TIMESTAMP with its
# LAST_DAY, which only a DATE at midnight equals); months are rounded to an integer.
_ADD_MONTHS = ("CASE WHEN day(CAST(__x AS DATE)) = day(last_day(CAST(__x AS DATE))) "
               "THEN (__x + to_months(CAST(__n AS INTEGER))) + to_days(day(last_day(CAST(__x + to_months(CAST(__n AS "
               "INTEGER)) AS DATE))) - day(CAST(__x + to_months(CAST(__n AS INTEGER)) AS DATE))) "
               "ELSE __x + to_months(CAST(__n AS INTEGER)) END")


def date_kept(node: exp.Expr) -> exp.Expr:
    """The DuckDB expression of a DATE_TRUNC (as it is) or an ADD_MONTHS (`_ADD_MONTHS`)."""
    if not isinstance(node, exp.AddMonths):
        return node
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        value = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    tree: exp.Expr = exp.maybe_parse(_ADD_MONTHS, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        column.replace((value if column.name == "__x" else node.expression).copy())
    return exp.Paren(this=tree)


def operand_is_date(node: exp.Expr) -> bool | None:
    """True / False when the text shows whether an operand is a DATE; None when it does not."""
    if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType):
        return node.to.this is _T.DATE
    if isinstance(node, exp.CurrentDate | exp.TsOrDsToDate | exp.DateFromParts | exp.LastDay):
        return True
    if isinstance(node, exp.CurrentTimestamp | exp.Literal):
        return False
    return None


# DATE_PART / EXTRACT of the epoch (https://docs.snowflake.com/en/sql-reference/functions-date-time#label-supported-date-time-parts):
# whole units since 1970-01-01, as an integer (DuckDB's EXTRACT(EPOCH) is a fractional FLOAT and its
# EPOCH_SECOND rounds): microseconds per unit, None for nanoseconds.
_EPOCH_UNITS: dict[str, int | None] = {
    "EPOCH": 1_000_000, "EPOCH_SECOND": 1_000_000, "EPOCH_SECONDS": 1_000_000,
    "EPOCH_MILLISECOND": 1_000, "EPOCH_MILLISECONDS": 1_000,
    "EPOCH_MICROSECOND": 1, "EPOCH_MICROSECONDS": 1, "EPOCH_NANOSECOND": None, "EPOCH_NANOSECONDS": None}


_PART_ALIASES = {"YEARDAY": "DAYOFYEAR", "NANOSECONDS": "NANOSECOND"}


def extract(node: exp.Extract) -> exp.Expr | None:
    """EXTRACT / DATE_PART of an epoch unit: whole seconds (milli-, micro-, nanoseconds), rounded down."""
    unit = node.this.name.upper() if isinstance(node.this, exp.Var | exp.Literal) else ""
    if unit and (mapped := map_date_part(exp.var(unit), "snowflake")) is not None and mapped.name != unit:
        unit = mapped.name  # EXTRACT(ns FROM …) keeps the abbreviation DATE_PART(ns, …) resolves
        node.set("this", exp.Var(this=unit))
    if unit in _PART_ALIASES:  # aliases of the parts page that sqlglot does not know
        unit = _PART_ALIASES[unit]
        node.set("this", exp.Var(this=unit))
    value = node.expression
    if isinstance(value, exp.Literal) and value.is_string:  # a string is read as a timestamp
        value = exp.Cast(this=value.copy(), to=exp.DataType.build("TIMESTAMP"))
        if unit not in _EPOCH_UNITS:
            node.set("expression", value)
    if value.is_type(_T.TIMESTAMPTZ, _T.TIMESTAMPLTZ) and (spelled := _spelled(value)) is not None:
        if unit in ("TIMEZONE_HOUR", "TIMEZONE_MINUTE"):
            minutes = _minutes(spelled)
            hours = int(minutes / 60)  # toward zero: -05:30 is -5 hours and -30 minutes
            return exp.Literal.number(hours if unit == "TIMEZONE_HOUR" else minutes - 60 * hours)
        if unit not in _EPOCH_UNITS:  # the wall-clock time at the literal's own offset (DECISIONS.md T94)
            node.set("expression", _wall_clock(spelled))
    elif value.is_type(_T.TIMESTAMPTZ, _T.TIMESTAMPLTZ):
        _zoned_part(node, value)
    if unit == "NANOSECOND":  # of a TIME too (sqlglot's strftime took none): the microseconds' digits, in ns
        micros = variant.fn("date_part", exp.Literal.string("microseconds"), node.expression)
        return exp.Cast(this=exp.Mul(this=exp.Paren(this=exp.Mod(this=micros, expression=exp.Literal.number(
            1_000_000))), expression=exp.Literal.number(1000)), to=exp.DataType.build("BIGINT"))
    if unit not in _EPOCH_UNITS:
        return None
    per = _EPOCH_UNITS[unit]
    if per is None:
        return variant.fn("epoch_ns", value)
    micros = variant.fn("epoch_us", value)
    if per == 1:
        return micros
    whole = variant.fn("floor", exp.Div(this=micros, expression=exp.Literal.number(per)))
    return exp.Cast(this=whole, to=exp.DataType.build("BIGINT"))


# The part functions (HOUR, YEAR, DAYNAME, …) whose argument is a date or timestamp.
PART_CALLS = (exp.Year, exp.Quarter, exp.Month, exp.Day, exp.DayOfMonth, exp.DayOfWeek, exp.DayOfWeekIso,
              exp.DayOfYear, exp.WeekOfYear, exp.Week, exp.YearOfWeek, exp.YearOfWeekIso, exp.Hour, exp.Minute,
              exp.Second, exp.Dayname, exp.Monthname)


def _wall_clock(spelled: re.Match[str]) -> exp.Expr:
    """The wall-clock time a TIMESTAMP_TZ literal spells, at its own offset, as a TIMESTAMP_NTZ."""
    wall = f"{spelled.group(1)} {spelled.group(2)}" + (f".{spelled.group(3)}" if spelled.group(3) else "")
    return exp.Cast(this=exp.Literal.string(wall), to=exp.DataType(this=_T.TIMESTAMP))


def wall_clock_part(node: exp.Expr) -> exp.Expr | None:
    """HOUR / YEAR / … of a TIMESTAMP_TZ literal with an offset of its own: read at that offset (T94)."""
    spelled = _spelled(node.this)
    if spelled is not None:
        node.set("this", _wall_clock(spelled))
    return None


def _zoned_part(node: exp.Extract, value: exp.Expr) -> None:
    """A part of a TIMESTAMP_LTZ is read in the session's zone, as DuckDB reads its zoned timestamps (sqlglot
    refuses any zoned operand): in parentheses, sqlglot does not see the type. (A TIMESTAMP_TZ literal with an
    offset of its own is read at that offset by `extract`.)"""
    node.set("expression", exp.Paren(this=value.copy()))


def cast(node: exp.Cast) -> exp.Expr | None:
    """Epoch numbers to timestamps; a space before a zone offset in a TIMESTAMP_TZ/LTZ literal."""
    to = node.to
    if isinstance(to, exp.DataType) and to.this is _T.TIME and _zoned(node.this):
        # DuckDB casts a zoned timestamp to TIME only through its local (session zone) reading.
        return exp.Cast(this=exp.Cast(this=node.this, to=exp.DataType(this=_T.TIMESTAMP)), to=to)
    if isinstance(to, exp.DataType) and to.this in (*_TIMESTAMPS, _T.DATE) and variant.is_json(node.this):
        # a VARIANT: a number (or a string of digits) counts from the epoch, else its text is read
        name = {_T.DATE: "snowreg_to_date", _T.TIMESTAMPLTZ: "snowreg_to_ltz", _T.TIMESTAMPTZ: "snowreg_to_ltz"}
        return variant.macro(name.get(to.this, "snowreg_to_ntz"), node.this,
                             exp.Boolean(this=isinstance(node, exp.TryCast)))
    if isinstance(to, exp.DataType) and to.this in (*_TIMESTAMPS, _T.DATE) and _untyped(node.this):
        name = {_T.DATE: "snowreg_cast_date", _T.TIMESTAMPLTZ: "snowreg_cast_ltz", _T.TIMESTAMPTZ: "snowreg_cast_ltz"}
        return variant.macro(name.get(to.this, "snowreg_cast_ntz"), node.this,
                             exp.Boolean(this=isinstance(node, exp.TryCast)))
    if isinstance(to, exp.DataType) and to.this in (*_TIMESTAMPS, _T.DATE) and isinstance(node.this, exp.Literal) \
            and node.this.is_string:
        node.this.set("this", auto_date(node.this.this))
        if (m := _ZONE_AT_END.search(node.this.this)) and (int(m.group(1)) > 23 or int(m.group(2)) > 59):
            # hours run 00-23 (the page's valid ranges), an offset's too; DuckDB takes any (DECISIONS.md T97)
            if isinstance(node, exp.TryCast):
                return exp.Cast(this=exp.Null(), to=to.copy())
            raise errors.datetime_not_recognized("Date" if to.this is _T.DATE else "Timestamp", node.this.this)
    if isinstance(to, exp.DataType) and to.this is _T.TIME:
        if isinstance(node.this, exp.Literal) and node.this.is_string:
            node.this.set("this", auto_formats.iso_time(node.this.this))
        elif _untyped(node.this):
            return variant.macro("snowreg_cast_time", node.this, exp.Boolean(this=isinstance(node, exp.TryCast)))
    if not isinstance(to, exp.DataType) or to.this not in _TIMESTAMPS:
        return None
    value = node.this
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal) and not value.this.is_string:
        number: exp.Expr | None = value
    elif isinstance(value, exp.Literal) and (not value.is_string or _DIGITS.match(value.this)):
        number = exp.Literal.number(value.this.strip()) if value.is_string else value
    else:
        number = None
    if number is not None:
        zoned = to.this in (_T.TIMESTAMPLTZ, _T.TIMESTAMPTZ)
        return variant.macro("snowreg_epoch_ltz" if zoned else "snowreg_epoch_ntz", number)
    if isinstance(value, exp.Literal) and value.is_string and _OFFSET.search(value.this):
        value.set("this", _OFFSET.sub(r"\1\2", value.this))
    return None


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Paren, exp.Column, exp.Dot)
_NOT_NUMBERS = {_T.DATE, _T.TIME, *_TIMESTAMPS, _T.VARCHAR, _T.TEXT, _T.CHAR, _T.JSON}


def _untyped(node: exp.Expr) -> bool:
    """An operand that may be a number (a column, arithmetic, a cast to a number): not a literal."""
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return False
    if isinstance(node, exp.Cast):
        return isinstance(node.to, exp.DataType) and node.to.this not in _NOT_NUMBERS
    return isinstance(node, _ARITHMETIC)


def auto_date(text: str) -> str:
    """A literal in an AUTO date or timestamp format besides ISO written as the ISO text DuckDB reads
    (engine.sql.auto_formats); other text unchanged."""
    return auto_formats.iso_timestamp(text)


def _zoned(node: exp.Expr) -> bool:
    """The text shows a TIMESTAMP_LTZ / TIMESTAMP_TZ value: the clock, or a cast to one."""
    if isinstance(node, exp.Anonymous) and node.name.lower() == "get_current_timestamp":
        return True
    return isinstance(node, exp.CurrentTimestamp) or (
        isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType)
        and node.to.this in (_T.TIMESTAMPLTZ, _T.TIMESTAMPTZ))


def zoned_columns(stmt: exp.Expr) -> tuple[int, ...]:
    """Positions of the select items that are TIMESTAMP_TZ casts (`::TIMESTAMP_TZ`, TO_TIMESTAMP_TZ).

    DuckDB has one zoned timestamp type for Snowflake's TZ and LTZ; the text tells them apart here.
    """
    if not isinstance(stmt, exp.Select):
        return ()
    items = stmt.expressions
    if any(isinstance(i.unnest(), exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star))
           for i in items):
        return ()
    return tuple(n for n, item in enumerate(items)
                 if (isinstance(inner := item.unalias(), exp.Cast) and isinstance(inner.to, exp.DataType)
                     and inner.to.this is _T.TIMESTAMPTZ) or _zoned_call(inner))


def _zoned_call(node: exp.Expr) -> bool:
    """A TO_TIMESTAMP_TZ call (sqlglot keeps the name, or a target type)."""
    if isinstance(node, exp.Anonymous):
        return node.name.upper() in ("TO_TIMESTAMP_TZ", "TRY_TO_TIMESTAMP_TZ")
    if isinstance(node, exp.TimestampTzFromParts):  # in the session's zone (DECISIONS.md T98)
        return True
    target = node.args.get("target_type") if isinstance(node, exp.Func) else None
    return isinstance(target, exp.DataType) and target.this is _T.TIMESTAMPTZ


def install(con: Any, qualify: str) -> None:
    """Create the epoch macros (the caller holds the macro install lock)."""
    for signature, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE MACRO {qualify}{signature} AS {body}")


# https://docs.snowflake.com/en/sql-reference/data-types-datetime: TIMESTAMP_TZ "stores UTC time together
# with an associated time zone offset"; a string's own offset is the one kept. DuckDB's zoned timestamp
# keeps the instant only (DECISIONS.md P10), so the offset a literal spells is known to the translation
# alone: a select item that is such a literal cast to TIMESTAMP_TZ comes back at that offset, and its
# text (`::VARCHAR`, TO_VARCHAR) is written from the literal (DECISIONS.md N4).
_SPELLED = re.compile(r"\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)\s*",
                      re.IGNORECASE)


def _spelled(node: exp.Expr) -> re.Match[str] | None:
    """A string literal with an explicit offset cast to TIMESTAMP_TZ (TO_TIMESTAMP_TZ parses as that)."""
    if not (isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and node.to.this is _T.TIMESTAMPTZ
            and isinstance(node.this, exp.Literal) and node.this.is_string):
        return None
    m = _SPELLED.fullmatch(auto_date(node.this.this))
    return m if m is None or abs(_minutes(m)) < 24 * 60 else None  # no such offset: not recognized (T97)


def _minutes(m: re.Match[str]) -> int:
    zone = m.group(4).replace(":", "")
    if zone.upper() == "Z":
        return 0
    sign = -1 if zone[0] == "-" else 1
    return sign * (int(zone[1:3]) * 60 + int(zone[3:5] or 0))  # `+07` (TZH alone) is whole hours


def fixed_offsets(stmt: exp.Expr) -> tuple[tuple[int, int], ...]:
    """(position, offset in minutes) of the select items that are TIMESTAMP_TZ literals with an offset."""
    if not isinstance(stmt, exp.Select):
        return ()
    out: list[tuple[int, int]] = []
    for n, item in enumerate(stmt.expressions):
        m = _spelled(item.unalias())
        if m is not None:
            out.append((n, _minutes(m)))
    return tuple(out)


def converted_zones(stmt: exp.Expr) -> tuple[tuple[int, str], ...]:
    """(position, zone) of the select items that are two-argument CONVERT_TIMEZONE(<zone>, ts), made the
    instant itself: such an item is a TIMESTAMP_TZ in the target zone
    (https://docs.snowflake.com/en/sql-reference/functions/convert_timezone), so it comes back read in that
    zone (engine.sql.run). Elsewhere in an expression the call stays the target zone's wall-clock time (W6)."""
    if not isinstance(stmt, exp.Select) or any(
            isinstance(i.unnest(), exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star))
            for i in stmt.expressions):
        return ()
    out: list[tuple[int, str]] = []
    for n, item in enumerate(stmt.expressions):
        node = item.unalias()
        target, value = node.args.get("target_tz"), node.args.get("timestamp")
        if not isinstance(node, exp.ConvertTimezone) or node.args.get("source_tz") is not None or value is None \
                or not (isinstance(target, exp.Literal) and target.is_string) or not _known_zone(target.this):
            continue
        node.replace(exp.Cast(this=value.copy(), to=exp.DataType(this=_T.TIMESTAMPTZ)))
        out.append((n, target.this))
    return tuple(out)


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return False
    return True


def spelled_texts(stmt: exp.Expr) -> None:
    """`TO_TIMESTAMP_TZ('… +0300')::VARCHAR` → its text at that offset (`YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM`)."""
    for node in list(stmt.find_all(exp.Cast, exp.ToChar)):
        text_cast = isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and node.to.this in (
            _T.VARCHAR, _T.TEXT, _T.CHAR, _T.NVARCHAR)
        given = node.args.get("format") if isinstance(node, exp.ToChar) else None
        pattern = zoned.pattern(given.this) if isinstance(given, exp.Literal) and given.is_string else None
        if not (text_cast or (isinstance(node, exp.ToChar) and (given is None or pattern is not None))):
            continue
        m = _spelled(node.this)
        if m is None:
            continue
        minutes = _minutes(m)
        seconds = m.group(2) if m.group(2).count(":") == 2 else m.group(2) + ":00"
        fraction = (m.group(3) or "").ljust(3, "0")[:6]  # six digits kept (T93), whatever the format writes
        zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        wall = exp.Cast(this=exp.Literal.string(f"{m.group(1)} {seconds}.{fraction}"), to=exp.DataType.build("TIMESTAMP"))
        written = zoned.tz_format() if pattern is None else exp.Literal.string(pattern)
        node.replace(variant.macro("snowreg_ztext", wall, exp.Literal.string(zone), written))
