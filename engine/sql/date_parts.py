"""Snowflake date functions built from parts: TIMESTAMP_*_FROM_PARTS with overflowing parts, TIME_SLICE, YEAROFWEEKISO.

- TIMESTAMP_FROM_PARTS / TIMESTAMP_NTZ_FROM_PARTS / TIMESTAMP_LTZ_FROM_PARTS / TIMESTAMP_TZ_FROM_PARTS
  (https://docs.snowflake.com/en/sql-reference/functions/timestamp_from_parts): a part outside its usual
  range carries into the next larger one (`second => -3600` is an hour earlier); DuckDB's make_timestamp
  refuses such parts. The form with a time zone argument is refused.
- TIME_SLICE (https://docs.snowflake.com/en/sql-reference/functions/time_slice): slices aligned to
  1970-01-01, weeks to the start of the week holding it (Monday 1969-12-29 with the default WEEK_START).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlglot import exp

from snowreg import error_catalog, errors
from snowreg.engine.sql import dates, variant
from snowreg.engine.sql.call_args import call_args as _args

_T = exp.DataType.Type

# The moment of (y, mo, d, h, mi, s, ns): January 1st of the year, then every part added as an interval,
# so that each part may overflow (a month 14 is February of the next year, a day 0 the last of the month before).
_PARTS = ("CAST(make_date(CAST(__y AS BIGINT), 1, 1) AS TIMESTAMP) + to_months(CAST(__mo AS BIGINT) - 1) "
          "+ to_days(CAST(__d AS BIGINT) - 1) + to_hours(CAST(__h AS BIGINT)) + to_minutes(CAST(__mi AS BIGINT)) "
          "+ to_microseconds(CAST(__s AS BIGINT) * 1000000 + CAST(__ns AS BIGINT) // 1000)")
_NAMES = ("__y", "__mo", "__d", "__h", "__mi", "__s", "__ns")


def _template(text: str, values: dict[str, exp.Expr]) -> exp.Expr:
    """DuckDB text whose placeholder columns (`__x`) become the given expressions."""
    tree: exp.Expr = exp.maybe_parse(text, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        if column.name in values:
            column.replace(values[column.name].copy())
    return tree


def _from_parts(name: str) -> Callable[[exp.Expr], exp.Expr | None]:
    def rewrite(node: exp.Expr) -> exp.Expr | None:
        args = _args(node)
        if len(args) == 2 and name not in ("TIMESTAMP_LTZ_FROM_PARTS", "TIMESTAMP_TZ_FROM_PARTS"):  # (date, time)
            return _template("CAST(__d AS DATE) + CAST(__t AS TIME)", {"__d": args[0], "__t": args[1]})
        if len(args) == 8:  # a TIMESTAMP_TZ would need that zone's offset of its own (P10)
            raise errors.not_supported(f"{name} with a time zone argument")
        if len(args) not in (6, 7):
            raise errors.wrong_arguments(name, 6, len(args))
        values = dict(zip(_NAMES, [*args, exp.Literal.number(0)], strict=False))
        moment = _template(_PARTS, values)
        if name in ("TIMESTAMP_LTZ_FROM_PARTS", "TIMESTAMP_TZ_FROM_PARTS"):  # the wall-clock time in the session's zone
            return exp.Cast(this=moment, to=exp.DataType(this=_T.TIMESTAMPTZ))
        return moment
    return rewrite


def _yearofweekiso(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("YEAROFWEEKISO", 1, len(args))
    value = args[0]
    if isinstance(value, exp.Literal) and value.is_string:
        value = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP"))
    return exp.Cast(this=variant.fn("isoyear", value), to=exp.DataType.build("BIGINT"))


_SLICE_UNITS = {"YEAR": ("MONTH", 12), "QUARTER": ("MONTH", 3), "MONTH": ("MONTH", 1), "WEEK": ("DAY", 7),
                "DAY": ("DAY", 1), "HOUR": ("HOUR", 1), "MINUTE": ("MINUTE", 1), "SECOND": ("SECOND", 1)}
_DATE_UNITS = frozenset({"YEAR", "QUARTER", "MONTH", "WEEK", "DAY"})


def _literal_text(arg: exp.Expr, what: str) -> str:
    if isinstance(arg, exp.Var):  # sqlglot reads the part's string as a name
        return arg.name.strip().upper()
    if not (isinstance(arg, exp.Literal) and arg.is_string):
        raise errors.not_supported(f"TIME_SLICE with a {what} that is not a constant string")
    return arg.name.strip().upper()


def _lateral_alias(value: exp.Expr) -> exp.Expr:
    """The expression a select item of a SELECT without FROM names (`SELECT '2019-02-28'::DATE AS "DATE",
    TIME_SLICE("DATE", …)`, the TIME_SLICE page's example), else `value` itself."""
    select = value.find_ancestor(exp.Select)
    if not isinstance(value, exp.Column) or value.table or select is None or select.args.get("from_") is not None:
        return value
    named = [item.this for item in select.expressions if isinstance(item, exp.Alias) and isinstance(
        alias := item.args.get("alias"), exp.Identifier) and (alias.this if alias.quoted else alias.this.upper()) == value.name]
    return named[0] if len(named) == 1 else value


def _time_slice(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) not in (3, 4):
        raise errors.wrong_arguments("TIME_SLICE", 3, len(args))
    value, length = args[0], args[1]
    unit = _literal_text(args[2], "date or time part")
    edge = _literal_text(args[3], "START / END argument") if len(args) == 4 else "START"
    if unit not in _SLICE_UNITS:
        raise errors.compilation_error(f"Invalid date or time part for TIME_SLICE: '{args[2].name}'")
    if edge not in ("START", "END"):
        raise errors.compilation_error(f"Invalid value for TIME_SLICE's start_or_end: '{args[3].name}'")
    if not (isinstance(length, exp.Literal) and length.is_int and int(length.name) >= 1):
        raise errors.not_supported("TIME_SLICE with a slice length that is not a constant integer of at least 1")
    is_date = dates.operand_is_date(_lateral_alias(value))
    if isinstance(value, exp.Literal) and value.is_string:
        value, is_date = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMP")), False
    if is_date and unit not in _DATE_UNITS:
        raise errors.compilation_error(f"Invalid argument for TIME_SLICE of a DATE: '{unit}'")
    step, per = _SLICE_UNITS[unit]
    width = f"INTERVAL ({int(length.name) * per}) {step}"
    origin = "'1969-12-29'" if unit == "WEEK" else "'1970-01-01'"
    kind = "DATE" if is_date else "TIMESTAMP"
    # a DATE origin: time_bucket keeps a DATE a DATE and reads it as midnight for a TIMESTAMP
    start = _template(f"time_bucket({width}, __v, DATE {origin})", {"__v": value})
    if edge == "START":
        return start
    if is_date is None:
        raise errors.not_supported("TIME_SLICE(…, 'END') of a value whose type the statement does not show "
                                   "(cast it to DATE or TIMESTAMP_NTZ)")
    return exp.Cast(this=_template(f"__b + {width}", {"__b": start}), to=exp.DataType.build(kind))


def _text_operand(node: exp.Expr) -> exp.Expr | None:
    """A string literal where a date or timestamp goes is read as a TIMESTAMP_NTZ (Snowflake casts it implicitly;
    DuckDB finds no function for a string): `YEAR('2024-05-08')`, `DATE_TRUNC('month', '2024-05-08')`."""
    operand = node.args.get("this")
    if isinstance(operand, exp.Literal) and operand.is_string:
        operand.replace(exp.Cast(this=operand.copy(), to=exp.DataType.build("TIMESTAMP")))
    day = node.args.get("expression") if isinstance(node, exp.NextDay | exp.PreviousDay) else None
    if isinstance(day, exp.Expr):
        day.replace(_day_prefix(day, "NEXT_DAY" if isinstance(node, exp.NextDay) else "PREVIOUS_DAY"))
    unit = node.args.get("unit")
    if isinstance(node, exp.TimestampTrunc | exp.DateTrunc) and isinstance(unit, exp.Var | exp.Literal) \
            and unit.name.upper() in ("NANOSECOND", "NANOSECONDS"):
        return node.this.copy()  # snowreg's times hold microseconds: nothing below a nanosecond to cut
    return None


_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BAD_DAY_MARK = "snowreg_bad_day:"  # engine.sql.duckerrors reads `<mark><function>:<day name>` as O84's error


def _day_prefix(day: exp.Expr, function: str) -> exp.Expr:
    """NEXT_DAY / PREVIOUS_DAY's day name (https://docs.snowflake.com/en/sql-reference/functions/next_day: it
    "must start with the first two characters (case-insensitive) of the day name"; "Any leading spaces and
    trailing characters, including spaces, in the string are ignored"): its first two letters, upper-cased.
    A name whose first two letters name no day is an error (conformance/DECISIONS.md O84), not NULL."""
    if isinstance(day, exp.Literal) and day.is_string:
        if (prefix := day.name.lstrip()[:2].upper()) not in _DAYS:
            raise error_catalog.invalid_day_of_week(function, day.name, at_run_time=False)
        return exp.Literal.string(prefix)
    return _template(f"CASE WHEN __d IS NULL OR upper(left(ltrim(__d), 2)) IN {_DAYS} THEN upper(left(ltrim(__d), 2)) "
                     f"ELSE error('{BAD_DAY_MARK}{function}:' || __d) END", {"__d": day})


def _convert_timezone(node: exp.Expr) -> exp.Expr | None:
    """CONVERT_TIMEZONE(target, ts) (https://docs.snowflake.com/en/sql-reference/functions/convert_timezone: a
    value without a zone is in the session's zone) is the wall-clock time in the target zone (DECISIONS.md W6);
    DuckDB's `AT TIME ZONE` of a TIMESTAMP read it as in the target zone instead."""
    value = node.args.get("timestamp")
    if not isinstance(node, exp.ConvertTimezone) or node.args.get("source_tz") is not None or value is None:
        return None
    cast = exp.Cast(this=value.copy(), to=exp.DataType(this=_T.TIMESTAMPTZ))
    value.replace(dates.cast(cast) or cast)  # `'… +02:00'`: the page's example spaces the offset
    return None


# The parts DATEADD and DATEDIFF take (https://docs.snowflake.com/en/sql-reference/functions/dateadd), as sqlglot
# names them after reading the abbreviations (`yy`, `mon`, `hh`, `ms`, …).
_INTERVAL_PARTS = frozenset({"YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND",
                             "MICROSECOND", "NANOSECOND"})


# Every date and time part Snowflake's functions know, with its abbreviations
# (https://docs.snowflake.com/en/sql-reference/functions-date-time#label-supported-date-time-parts).
SNOWFLAKE_PARTS = frozenset("""YEAR Y YY YYY YYYY YR YEARS YRS MONTH MM MON MONS MONTHS DAY D DD DAYS DAYOFMONTH
    DAYOFWEEK WEEKDAY DOW DW DAYOFWEEKISO WEEKDAY_ISO DOW_ISO DW_ISO DAYOFYEAR YEARDAY DOY DY WEEK W WK WEEKOFYEAR
    WOY WY WEEKISO WEEK_ISO WEEKOFYEARISO WEEKOFYEAR_ISO QUARTER Q QTR QTRS QUARTERS YEAROFWEEK YEAROFWEEKISO HOUR
    H HH HR HOURS HRS MINUTE M MI MIN MINUTES MINS SECOND S SEC SECONDS SECS MILLISECOND MS MSEC MILLISECONDS
    MICROSECOND US USEC MICROSECONDS NANOSECOND NS NSEC NANOSEC NSECOND NANOSECONDS NANOSECS NSECONDS EPOCH_SECOND
    EPOCH EPOCH_SECONDS EPOCH_MILLISECOND EPOCH_MILLISECONDS EPOCH_MICROSECOND EPOCH_MICROSECONDS EPOCH_NANOSECOND
    EPOCH_NANOSECONDS TIMEZONE_HOUR TZH TIMEZONE_MINUTE TZM""".split())
_UNSUPPORTED_PART = re.compile(r"Unsupported date part '(.+)' in (\w+) function")
_UNSUPPORTED_COLLATION = re.compile(r"Snowflake collation specifier '(\w+)' has no DuckDB equivalent")
_UNSUPPORTED_ARGUMENT = re.compile(r"Argument '(\w+)' is not supported for expression '(\w+)'")


def refusal(text: str) -> errors.Error:
    """The error for what the translation cannot write for DuckDB (sqlglot's `text`): a date part Snowflake does
    not know is Snowflake's error, anything else is not supported, in words that do not name the storage."""
    text = text.strip().rstrip(".").replace(" when targeting DuckDB", "")
    if (m := _UNSUPPORTED_PART.search(text)) is not None:
        if m.group(1).upper() not in SNOWFLAKE_PARTS:
            return error_catalog.not_a_date_part(m.group(1).upper(), m.group(2).upper())
        return errors.not_supported(f"{m.group(2).upper()} by the part {m.group(1).upper()}")
    if (m := _UNSUPPORTED_COLLATION.search(text)) is not None:  # a documented specifier snowreg cannot honour
        return errors.not_supported(f"COLLATE with '{m.group(1)}' (snowreg compares and sorts text by its code points)")
    if (m := _UNSUPPORTED_ARGUMENT.search(text)) is not None:  # ToChar → TO_CHAR
        function = re.sub(r"(?<!^)(?=[A-Z])", "_", m.group(2)).upper()
        return errors.not_supported(f"{function} with this {m.group(1)} argument")
    return errors.not_supported(f"This expression ({text.replace('DuckDB', 'snowreg')})")


def _interval_part(node: exp.Expr) -> exp.Expr | None:
    """DATEADD / DATEDIFF by a part that is no interval (DAYOFWEEK, EPOCH, …): refused rather than DuckDB's syntax
    error or an answer by some other unit (DECISIONS.md W8)."""
    unit = node.args.get("unit")
    if isinstance(unit, exp.Var) and unit.name.upper() == "NANOSECONDS":  # a variation sqlglot does not know
        node.set("unit", exp.Var(this="NANOSECOND"))
        return None
    if isinstance(unit, exp.Var | exp.Literal) and unit.name.upper() not in _INTERVAL_PARTS:
        name = "DATEDIFF" if isinstance(node, exp.DateDiff) else "DATEADD"
        if unit.name.upper() not in SNOWFLAKE_PARTS:
            raise error_catalog.not_a_date_part(unit.name.upper(), name)
        raise errors.not_supported(f"{name} by the part {unit.name.upper()}")
    return None


# The functions of one date or timestamp whose operand may be written as a string.
_TEXT_OPERAND = """YEAR QUARTER MONTH WEEK WEEKOFYEAR WEEKISO YEAROFWEEK DAY DAYOFMONTH DAYOFWEEK DAYOFWEEKISO
    DAYOFYEAR HOUR MINUTE SECOND DAYNAME MONTHNAME LAST_DAY DATE_TRUNC NEXT_DAY PREVIOUS_DAY""".split()


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    **dict.fromkeys(_TEXT_OPERAND, _text_operand),
    **{name: _from_parts(name) for name in ("TIMESTAMP_FROM_PARTS", "TIMESTAMP_NTZ_FROM_PARTS",
                                            "TIMESTAMP_LTZ_FROM_PARTS", "TIMESTAMP_TZ_FROM_PARTS")},
    # the synonyms the function pages list (https://docs.snowflake.com/en/sql-reference/functions/timestamp_from_parts)
    "TIMESTAMPFROMPARTS": _from_parts("TIMESTAMP_FROM_PARTS"),
    "TIMESTAMPNTZFROMPARTS": _from_parts("TIMESTAMP_NTZ_FROM_PARTS"),
    "TIMESTAMPLTZFROMPARTS": _from_parts("TIMESTAMP_LTZ_FROM_PARTS"),
    "TIMESTAMPTZFROMPARTS": _from_parts("TIMESTAMP_TZ_FROM_PARTS"),  # in the session's zone (DECISIONS.md T98)
    "YEAROFWEEKISO": _yearofweekiso,
    "CONVERT_TIMEZONE": _convert_timezone,
    **dict.fromkeys(("DATEADD", "TIMEADD", "TIMESTAMPADD", "DATEDIFF", "TIMEDIFF", "TIMESTAMPDIFF"), _interval_part),
    "TIME_SLICE": _time_slice,
}
