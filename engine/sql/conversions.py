"""Snowflake's conversion functions where sqlglot's DuckDB rendering differs: TO_TIMESTAMP_* / TO_DATE, ::BOOLEAN.

- TO_TIMESTAMP / _NTZ / _LTZ / _TZ, TO_DATE / DATE and their TRY_ forms of a value whose type the text
  does not show (a column, an expression, a number): a number, or a string of digits, counts seconds
  (milli-, micro-, nanoseconds by its magnitude) since the epoch; any other value is read as a
  timestamp (https://docs.snowflake.com/en/sql-reference/functions/to_timestamp). With a scale
  (`TO_TIMESTAMP(n, 3)`) the number counts 10^-scale seconds. The macros are engine.sql.dates'.
  TO_TIMESTAMP is TO_TIMESTAMP_NTZ (TIMESTAMP_TYPE_MAPPING's default).
- `CAST(x AS BOOLEAN)` reads 'on' / 'off' too, as TO_BOOLEAN does
  (https://docs.snowflake.com/en/sql-reference/data-types-logical: "by using the TO_BOOLEAN or CAST functions").
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.engine.sql import variant

_T = exp.DataType.Type

# The function's name → what it gives: NTZ, LTZ (TZ is an LTZ value described as TIMESTAMP_TZ), DATE.
TARGETS: dict[str, str] = {
    **dict.fromkeys(("TO_TIMESTAMP", "TO_TIMESTAMP_NTZ", "TRY_TO_TIMESTAMP", "TRY_TO_TIMESTAMP_NTZ"), "NTZ"),
    **dict.fromkeys(("TO_TIMESTAMP_LTZ", "TRY_TO_TIMESTAMP_LTZ"), "LTZ"),
    **dict.fromkeys(("TO_TIMESTAMP_TZ", "TRY_TO_TIMESTAMP_TZ"), "TZ"),
    **dict.fromkeys(("TO_DATE", "DATE", "TRY_TO_DATE"), "DATE"),
}
_DIGITS = re.compile(r"\s*-?\d+\s*\Z")


def arguments(node: exp.Expr) -> list[exp.Expr]:
    """The call's arguments as written (sqlglot's nodes keep a target type among them: not an argument)."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    keys = ("this", "format", "scale", "expression")
    return [node.args[k] for k in keys if isinstance(node.args.get(k), exp.Expr)] + list(node.expressions)


def timestamp_call(name: str, node: exp.Expr) -> exp.Expr | None:
    """TO_TIMESTAMP_* / TO_DATE of a value of unknown type or with a scale; None leaves the call as it is
    (a string literal that is no integer, or a format: sqlglot's own rendering)."""
    args = arguments(node)
    target = TARGETS[name]
    safe = exp.Boolean(this=name.startswith("TRY_"))
    if len(args) == 2 and _integer(args[1]) is not None and target != "DATE":
        return _scaled(args[0], int(_integer(args[1]) or 0), target)
    if len(args) != 1:
        six_fraction_digits(node)
        return two_digit_years(node)
    value = args[0]
    if isinstance(value, exp.Literal) and value.is_string and not _DIGITS.match(value.this):
        return None
    if isinstance(value, exp.Literal) and value.is_string:
        value = exp.Literal.number(value.this.strip())
    if target == "NTZ":
        return variant.macro("snowreg_to_ntz", value, safe)
    if target == "DATE":
        return variant.macro("snowreg_to_date", value, safe)
    return variant.macro("snowreg_to_ltz", value, safe)


_NINE = "%f_nine"  # sqlglot's FF / FF9 while parsed (DuckDB's %n once generated)


def six_fraction_digits(node: exp.Expr) -> None:
    """A conversion whose format reads up to nine fraction digits (FF, FF7-FF9: sqlglot's %n, which DuckDB
    reads into nanoseconds and rounds to microseconds after) keeps the first six, cut, as every other road
    keeps them (conformance/DECISIONS.md T93): the text's digits past the sixth are dropped and %f reads it."""
    fmt = node.args.get("format")
    if isinstance(fmt, exp.Literal) and fmt.is_string and ("%n" in fmt.this or _NINE in fmt.this):
        fmt.set("this", fmt.this.replace(_NINE, "%f").replace("%n", "%f"))
        cut = exp.Anonymous(this="regexp_replace", expressions=[
            exp.Cast(this=node.this.copy(), to=exp.DataType(this=exp.DataType.Type.VARCHAR)),
            exp.Literal.string(r"(\.\d{6})\d+"), exp.Literal.string(r"\1")])
        node.set("this", cut)


def two_digit_years(node: exp.Expr) -> exp.Expr | None:
    """A conversion whose format reads a two-digit year (YY, sqlglot's %y): its year moved into the century
    TWO_DIGIT_CENTURY_START says (engine.sql.dates' `snowreg_two_digit_year`, read at run time)."""
    fmt = node.args.get("format")
    if isinstance(fmt, exp.Literal) and fmt.is_string and "%y" in fmt.this:
        moved = variant.macro("snowreg_two_digit_year", node.copy())
        return exp.Cast(this=moved, to=exp.DataType.build("DATE")) if isinstance(
            node, (exp.TsOrDsToDate, exp.StrToDate)) else moved  # DuckDB's DATE + INTERVAL is a TIMESTAMP
    return None


def _integer(arg: exp.Expr) -> str | None:
    return arg.this if isinstance(arg, exp.Literal) and arg.is_int else None


def _scaled(value: exp.Expr, scale: int, target: str) -> exp.Expr:
    """`TO_TIMESTAMP(n, s)`: n × 10^-s seconds since the epoch."""
    number = exp.Cast(this=value, to=exp.DataType.build("DECIMAL(38, 9)"))
    factor = exp.Literal.number(f"{10 ** (6 - scale)}" if scale <= 6 else f"0.{'0' * (scale - 7)}1")
    micros = exp.Cast(this=variant.fn("floor", exp.Mul(this=number, expression=factor)),
                      to=exp.DataType(this=_T.BIGINT))
    moment = variant.fn("make_timestamp", micros)
    if target == "NTZ":
        return moment
    return exp.AtTimeZone(this=moment, zone=exp.Literal.string("UTC"))


def boolean_cast(node: exp.Cast) -> exp.Expr | None:
    """`CAST(x AS BOOLEAN)` of a string or a value of unknown type: 'on' / 'off' as TO_BOOLEAN reads them."""
    to = node.to
    if type(node) is not exp.Cast or not isinstance(to, exp.DataType) or to.this is not _T.BOOLEAN:
        return None
    value = node.this
    if isinstance(value, exp.Boolean | exp.Null) or (isinstance(value, exp.Literal) and not value.is_string):
        return None
    word = variant.fn("upper", variant.fn("trim", exp.Cast(this=value.copy(), to=exp.DataType(this=_T.VARCHAR))))
    return exp.Case(ifs=[exp.If(this=exp.EQ(this=word.copy(), expression=exp.Literal.string("ON")),
                                true=exp.Boolean(this=True)),
                         exp.If(this=exp.EQ(this=word, expression=exp.Literal.string("OFF")),
                                true=exp.Boolean(this=False))],
                    default=exp.Cast(this=value, to=to.copy()))


BITWISE = (exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseNot, exp.BitwiseAndAgg, exp.BitwiseOrAgg,
            exp.BitwiseXorAgg)


def bitwise_operands(node: exp.Expr) -> exp.Expr | None:
    """BITAND / BITOR / BITXOR / BITNOT and their _AGG forms take integers: a NUMBER (an INT column is
    NUMBER(38,0), which DuckDB's `&` refuses) or FLOAT is rounded to a 128-bit integer first
    (https://docs.snowflake.com/en/sql-reference/functions/bitand: "numeric expression", result NUMBER)."""
    for key in ("this", "expression"):
        arg = node.args.get(key)
        if isinstance(arg, exp.Expr) and not (isinstance(arg, exp.Literal) and arg.is_int) \
                and not isinstance(arg, exp.Null):
            arg.replace(_whole(arg.copy()))
    return None


def _whole(arg: exp.Expr) -> exp.Expr:
    """The 128-bit integer of a number, or of text holding one (`'7.9'` is 8, the BITAND_AGG page)."""
    whole = exp.DataType(this=_T.INT128)
    text = exp.EQ(this=variant.fn("typeof", arg.copy()), expression=exp.Literal.string("VARCHAR"))
    return exp.Case(ifs=[exp.If(this=text, true=exp.Cast(this=exp.Cast(this=arg.copy(), to=exp.DataType(
        this=_T.DOUBLE)), to=whole.copy()))], default=exp.Cast(this=arg, to=whole))
