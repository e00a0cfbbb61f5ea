"""Snowflake's NUMBER division (`/`, AVG, DIV0: exact, Snowflake's result scale) and ROUND's modes.

https://docs.snowflake.com/en/sql-reference/operators-arithmetic: for NUMBER(p1, s1) / NUMBER(p2, s2)
the result scale is max(s1, min(s1 + 6, 12)), so `1/3` is 0.333333 and `7/2` is 3.500000; FLOAT
operands divide as FLOAT. Division by zero is error 100051 (22012) for both.

DuckDB divides DECIMALs as DOUBLE. The macros here divide exactly instead (integer arithmetic on the
unscaled values, rounded half away from zero) and derive the scale from the operand types while DuckDB
binds (`typeof` is a constant there). Whether an operand is FLOAT is often visible in the text
(`1e3`, `::FLOAT`); when it is not (a column), the exact macro is tried and raises a marker naming
the division at the first FLOAT row, and the statement is translated again with that division as FLOAT.

Integer literals are NUMBER(38, 0) too: `folded` computes + - * over them where DuckDB's INTEGER would overflow.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from snowreg.engine.sql import arrays, comparisons, conditionals, date_texts, dates, variant
from snowreg.errors import invalid_arguments, not_supported, value_not_recognized

FLOAT_MARKER = "snowreg_flip_operand:"  # a probe found the other type: translate again
TEXT_MARKER = "snowreg_text_operand:"  # an arithmetic operand found to be a VARCHAR (text_operands)
UNSUPPORTED_MARKER = "snowreg_unsupported:"
_MARKER = re.compile(FLOAT_MARKER + r"(\d+)")
_TEXT = re.compile(TEXT_MARKER + r"(\d+)")

_Q = f"{variant.MACRO_CATALOG}.main."  # macros call each other by their qualified names
_P10 = "[" + ", ".join(["1::HUGEINT"] + [str(10 ** i) for i in range(1, 39)]) + "]"
_FLOATS = "('DOUBLE', 'FLOAT')"


def _scale(arg: str) -> str:
    """The scale of an argument's DuckDB type, a constant while DuckDB binds (0 for integer types)."""
    return (f"(CASE WHEN typeof({arg}) LIKE 'DECIMAL(%' THEN CAST(split_part(split_part(typeof({arg}), ',', 2), "
            f"')', 1) AS INTEGER) ELSE 0 END)")


_S1, _S2 = _scale("a"), _scale("b")
_S = f"greatest({_S1}, least({_S1} + 6, 12))"

# name(args) → body. snowreg_ndiv's scale above 12 (a dividend with scale > 12) is refused.
# The result scale, evaluated while DuckDB binds ROUND: a FLOAT operand or a scale snowreg cannot
# reach fails that evaluation, with a message naming the division, even when no row is divided.
_CHECKED_SCALE = (f"CASE WHEN typeof(a) IN {_FLOATS} OR typeof(b) IN {_FLOATS} "
                  f"THEN CAST('{FLOAT_MARKER}' || k AS INTEGER) "
                  f"WHEN {_S1} > 12 THEN CAST('{UNSUPPORTED_MARKER}dividing a NUMBER with scale above 12' AS INTEGER) "
                  f"ELSE {_S} END")
_SM = f"greatest({_S1}, {_S2})"
_CHECKED_MOD = (f"CASE WHEN {_SM} > 12 THEN CAST('{UNSUPPORTED_MARKER}MOD of a NUMBER with scale above 12' AS INTEGER) "
                f"ELSE {_SM} END")
_DIVIDE = (f"{_Q}snowreg_round_div({_Q}snowreg_unscaled(a, {_S1}) * {_Q}snowreg_p10({_S} + {_S2} - {_S1}), "
           f"{_Q}snowreg_unscaled(b, {_S2}))")
MACROS: dict[str, str] = {
    "snowreg_p10(n)": f"({_P10})[n + 1]",
    "snowreg_unscaled(x, s)": f"CAST(x * {_Q}snowreg_p10(s) AS HUGEINT)",
    "snowreg_round_div(n, d)": ("CASE WHEN (n < 0) = (d < 0) THEN (2 * abs(n) + abs(d)) // (2 * abs(d)) "
                                "ELSE -((2 * abs(n) + abs(d)) // (2 * abs(d))) END"),
    "snowreg_ndiv(a, b, k)": (
        f"CASE WHEN b = 0 AND a IS NOT NULL THEN error('Division by zero') "
        f"ELSE round(CAST({_DIVIDE} * {_Q}snowreg_p10(12 - {_S}) AS DECIMAL(38, 0)) * 0.000000000001, "
        f"{_CHECKED_SCALE}) END"),
    "snowreg_fdiv(a, b)": "CASE WHEN b = 0 AND a IS NOT NULL THEN error('Division by zero') ELSE CAST(a AS DOUBLE) / b END",
    # AVG in a PIVOT, whose one aggregate is the list of the values (DuckDB's PIVOT takes exactly one)
    "snowreg_ndiv_list(v, k)": f"{_Q}snowreg_ndiv(list_aggregate(v, 'sum'), list_aggregate(v, 'count'), k)",
    "snowreg_fdiv_list(v)": f"{_Q}snowreg_fdiv(list_aggregate(v, 'sum'), list_aggregate(v, 'count'))",
    # MOD / % (https://docs.snowflake.com/en/sql-reference/functions/mod): DuckDB's own % is exact for NUMBERs of
    # one scale and for FLOATs; NUMBERs of two scales it answers as a DOUBLE, so a check that DuckDB folds
    # while planning raises the marker naming this MOD, and the statement is translated again with
    # snowreg_nmod: exact, with the larger scale (MOD(2, 1.70) is 0.30). The remainder takes the dividend's sign.
    "snowreg_mod(a, b, k)": (
        f"CASE WHEN b = 0 AND a IS NOT NULL THEN error('Division by zero') "
        f"WHEN (CASE WHEN typeof(a) NOT IN {_FLOATS} AND typeof(b) NOT IN {_FLOATS} AND {_S1} <> {_S2} "
        f"THEN CAST('{FLOAT_MARKER}' || k AS INTEGER) ELSE 0 END) = 0 THEN a % b END"),
    "snowreg_nmod(a, b)": (
        f"CASE WHEN b = 0 AND a IS NOT NULL THEN error('Division by zero') "
        f"ELSE round(CAST(({_Q}snowreg_unscaled(a, {_SM}) % {_Q}snowreg_unscaled(b, {_SM})) "
        f"* {_Q}snowreg_p10(12 - {_SM}) AS DECIMAL(38, 0)) * 0.000000000001, {_CHECKED_MOD}) END"),
}

# A VARCHAR operand of an arithmetic operator (https://docs.snowflake.com/en/sql-reference/operators-arithmetic,
# DECISIONS.md S13): the probe keeps its operand as it is and, while DuckDB binds it, raises TEXT_MARKER
# with the operand's number when it is a VARCHAR (ROUND of a DECIMAL evaluates its scale while binding);
# such an operand is then read as an integer: 100038 for text that is no number, refused for a fraction.
MACROS.update({
    "snowreg_text_probe(x, k)": (f"CASE WHEN round(CAST(0 AS DECIMAL(2, 1)), CASE WHEN typeof(x) = 'VARCHAR' "
                                 f"THEN CAST('{TEXT_MARKER}' || k AS INTEGER) ELSE 0 END) = 0 THEN x ELSE x END"),
    "snowreg_text_integer(x)": (
        "CASE WHEN x IS NULL THEN NULL WHEN regexp_full_match(x, '\\s*[+-]?\\d+\\s*') THEN CAST(trim(x) AS DECIMAL(38, 0)) "
        f"WHEN TRY_CAST(trim(x) AS DOUBLE) IS NOT NULL THEN error('{UNSUPPORTED_MARKER}arithmetic on a VARCHAR "
        "holding a number with a fraction or an exponent (cast it, e.g. x::NUMBER(10, 2))') "
        "ELSE CAST(x AS DECIMAL(38, 0)) END"),
    **conditionals.MACROS,
    **comparisons.macros(TEXT_MARKER),
})

WIDENED = conditionals.WIDENED
_install_lock = threading.Lock()


def install(con: Any) -> None:
    """Create the division macros next to variant's (idempotent, serialised like variant.install)."""
    with _install_lock:
        for signature, body in MACROS.items():
            con.execute(f"CREATE OR REPLACE MACRO {variant.MACRO_CATALOG}.main.{signature} AS {body}")
        dates.install(con, _Q)
        for signature, body in arrays.MACROS.items():
            con.execute(f"CREATE OR REPLACE MACRO {_Q}{signature} AS {body}")


def text_operand(message: str) -> int | None:
    """The number of the arithmetic operand a DuckDB error says is a VARCHAR, if it says so."""
    m = _TEXT.search(message)
    return int(m.group(1)) if m else None


_TYPED = (exp.Literal, exp.Cast, exp.TryCast, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Interval,
          exp.Null, exp.Boolean)


def text_operands(stmt: exp.Expr, texts: frozenset[int]) -> None:
    """Arithmetic operands whose type the text does not show: each numbered operand in `texts` (a VARCHAR)
    is read as an integer, every other one is probed (snowreg_text_probe); then comparison and conditional
    operands (engine.sql.comparisons) and those of date functions (engine.sql.date_texts)."""
    k = 0
    for node in list(stmt.find_all(exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        for key in ("this", "expression"):
            operand = node.args.get(key)
            inner = operand.unnest() if isinstance(operand, exp.Paren) else operand
            if operand is None or isinstance(inner, _TYPED):
                continue
            wrapped = variant.macro("snowreg_text_integer", operand.copy()) if k in texts else \
                variant.macro("snowreg_text_probe", operand.copy(), exp.Literal.number(k))
            node.set(key, wrapped)
            k += 1
    comparisons.operands(stmt, texts)
    date_texts.operands(stmt, texts)


def float_operand(message: str) -> int | None:
    """The number of the division a DuckDB error says has a FLOAT operand, if it says so."""
    m = _MARKER.search(message)
    return int(m.group(1)) if m else None


class Divisions:
    """Numbers the typed rewrites (divisions, DATEADDs) of one statement; `floats` are those whose
    operand turned out to be of the other type (a FLOAT for a division, a DATE for DATEADD).

    `floats=None` keeps DuckDB's own typing for operands whose type the text does not show.
    """

    def __init__(self, floats: frozenset[int] | None, scales: frozenset[tuple[int, str]] | None = None) -> None:
        self.floats = floats
        self.checks = conditionals.Checks(scales)  # the conditionals of NUMBERs of different scales
        self.count = 0
        self._numbers: dict[tuple[int, str], int] = {}

    def number(self, site: exp.Expr, width: int = 1) -> int:
        """The (first of `width`) number(s) of the rewrite at `site`: one per expression text within a SELECT,
        so that `SELECT a % 2 … GROUP BY a % 2` rewrites both alike (DuckDB matches the GROUP BY expression by
        its text, and a probe that learns one's type learns the other's)."""
        scope = site.find_ancestor(exp.Select)
        key = (id(scope), f"{type(site).__name__}:{site.sql()}")
        if key not in self._numbers:
            self._numbers[key] = self.count
            self.count += width
        return self._numbers[key]

    def divide(self, a: exp.Expr, b: exp.Expr, site: exp.Expr) -> exp.Expr:
        k = self.number(site)
        kinds = (_kind(a), _kind(b))
        if "float" in kinds or (self.floats is None and "unknown" in kinds) or \
                (self.floats is not None and k in self.floats):
            return variant.macro("snowreg_fdiv", a, b)
        return variant.macro("snowreg_ndiv", a, b, exp.Literal.number(k))

    def dateadd(self, node: exp.DateAdd) -> exp.Expr | None:
        """DATEADD (engine.sql.dates): a DATE operand by days or longer gives a DATE."""
        known = dates.operand_is_date(node.this)
        if known is None and self.floats is None:
            return dates.dateadd(node, False, None)
        k = self.number(node)
        if known is None and self.floats is not None and k in self.floats:
            known = True
        probe = dates.probe_date(node.this, FLOAT_MARKER, k) if known is None else None
        return dates.dateadd(node, known, probe)

    def keeps_date(self, node: exp.Expr) -> exp.Expr | None:
        """DATE_TRUNC, ADD_MONTHS (engine.sql.dates): a DATE stays a DATE, where DuckDB makes it a TIMESTAMP; a TIME
        stays a TIME for DATE_TRUNC, which DuckDB takes for no TIME. Two numbers: the first flips to DATE, the
        second to TIME."""
        if not isinstance(node, exp.AddMonths) and node.this.is_type(exp.DataType.Type.TIME):
            return dates.time_trunc(node)  # TRUNC('08:50:48'::TIME, 'minute'): DuckDB's DATE_TRUNC takes no TIME
        built = dates.date_kept(node)
        known = dates.operand_is_date(node.this)
        if known is not None or self.floats is None:
            return dates.keep_date(built, known, None)
        k = self.number(node, 2)
        if k in self.floats:
            return dates.keep_date(built, True, None)
        if k + 1 in self.floats and not isinstance(node, exp.AddMonths):
            return dates.time_trunc(node)
        return dates.keep_date(built, None, dates.probe_date(node.this, FLOAT_MARKER, k, k + 1))

    def mod(self, node: exp.Mod) -> exp.Expr:
        """MOD(a, b) / a % b: DuckDB's own % (snowreg_mod), or the exact snowreg_nmod once this MOD was found to
        have NUMBERs of two scales."""
        variant.numeric_args(node)
        a, b = node.this, node.expression
        k = self.number(node)
        if self.floats is not None and k in self.floats:
            return variant.macro("snowreg_nmod", a, b)
        return variant.macro("snowreg_mod", a, b, exp.Literal.number(k))

    def conditional(self, node: exp.Expr) -> exp.Expr | None:
        """IFF / CASE / COALESCE / NVL / NVL2 / GREATEST / LEAST (engine.sql.conditionals)."""
        return self.checks.visit(node)

    def div(self, node: exp.Div) -> exp.Expr:
        """a / b; a VARIANT operand is read as a number first, as `*` and MOD read it (it failed with 001044)."""
        variant.numeric_args(node)
        return self.divide(node.this, node.expression, node)

    def avg(self, node: exp.Avg) -> exp.Expr | None:
        """AVG(x) → SUM(x) / COUNT(x) with the division's scale (AVG of INT is a NUMBER with scale 6)."""
        if isinstance(node.parent, exp.Window):
            return None  # done by window(), which sees the whole OVER (...)
        arg, filtered = node.this, node.parent if isinstance(node.parent, exp.Filter) else None
        if filtered is not None and isinstance(filtered.parent, exp.Window):
            raise not_supported("AVG … FILTER (WHERE …) as a window function")
        if filtered is not None and isinstance(where := filtered.expression, exp.Where):
            # AVG(x) FILTER (WHERE c): the average of the x where c holds (DuckDB's FILTER takes no macro)
            arg = exp.Case(ifs=[exp.If(this=where.this.copy(), true=arg.copy())])
        division = self.divide(exp.Sum(this=arg.copy()), exp.Count(this=arg.copy()), node)
        if filtered is not None:
            filtered.replace(division)
            return None
        site = node.parent.parent if isinstance(node.parent, exp.Alias) else node.parent
        if isinstance(site, exp.Pivot) and isinstance(division, exp.Dot):
            # DuckDB's PIVOT takes one aggregate: the values' list, summed and counted in a macro (N31)
            call = division.expression
            call.set("this", f"{call.name}_list")
            call.set("expressions", [variant.fn("list", arg.copy()), *call.expressions[2:]])
        return division

    def window(self, node: exp.Window) -> exp.Expr | None:
        """AVG(x) OVER (w) → SUM(x) OVER (w) / COUNT(x) OVER (w); RATIO_TO_REPORT(x) OVER (w) → x divided by
        SUM(x) over w's partition (https://docs.snowflake.com/en/sql-reference/functions/ratio_to_report:
        an ORDER BY in the OVER clause does not affect it)."""
        if isinstance(node.this, exp.Anonymous) and node.this.name.upper() == "RATIO_TO_REPORT" \
                and len(node.this.expressions) == 1:
            arg = node.this.expressions[0]
            total = node.copy()
            total.set("this", exp.Sum(this=arg.copy()))
            total.set("order", None)
            total.set("spec", None)
            return self.divide(arg.copy(), total, node)
        if not isinstance(node.this, exp.Avg):
            return None
        arg = node.this.this
        total, count = node.copy(), node.copy()
        total.set("this", exp.Sum(this=arg.copy()))
        count.set("this", exp.Count(this=arg.copy()))
        return self.divide(total, count, node)


_T = exp.DataType.Type
_FLOAT_TYPES = {_T.FLOAT, _T.DOUBLE}


def _kind(node: exp.Expr) -> str:
    """'float', 'number' or 'unknown': what the text shows of an operand's type."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg):
        return _kind(node.this)
    if isinstance(node, exp.Literal) and not node.is_string:
        return "float" if "e" in node.this.lower() else "number"
    if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType):
        if node.to.this in _FLOAT_TYPES:
            return "float"
        return "number" if node.to.this is _T.DECIMAL else "unknown"
    return "unknown"


# Snowflake's integer literals are NUMBER(38, 0) (https://docs.snowflake.com/en/sql-reference/data-types-numeric):
# `60 * 60 * 24 * 365 * 1000` is 31536000000. DuckDB types a small literal INTEGER and fails with its own
# overflow error past 2^31, so + - * of integer literals with a step past 2^31 is computed here (while the
# result has at most 38 digits). Smaller ones stay, for the translation template of their shape (shapes.py).
_FOLDS: dict[type[exp.Binary], Callable[[int, int], int]] = {exp.Add: lambda a, b: a + b, exp.Sub: lambda a, b: a - b, exp.Mul: lambda a, b: a * b}
_INT32 = 2 ** 31


def _evaluated(node: exp.Expr | None) -> tuple[int, bool] | None:
    """The value of + - * over integer literals (signed, in parentheses) and whether DuckDB's INTEGER
    arithmetic gets it right (every step below 2^31); None for anything else."""
    if isinstance(node, exp.Paren):
        return _evaluated(node.this)
    if isinstance(node, exp.Neg):
        inner = _evaluated(node.this)
        return (-inner[0], inner[1]) if inner is not None else None
    if isinstance(node, exp.Literal):
        return (int(node.this), True) if not node.is_string and node.this.isdigit() else None
    fold = _FOLDS.get(type(node)) if isinstance(node, exp.Binary) else None
    if fold is None or not isinstance(node, exp.Binary):
        return None
    left, right = _evaluated(node.this), _evaluated(node.expression)
    if left is None or right is None:
        return None
    value = fold(left[0], right[0])
    return value, left[1] and right[1] and abs(value) < _INT32


def folded(node: exp.Expr | None) -> exp.Expr | None:
    """An arithmetic chain of integer literals that DuckDB would overflow, as the literal of its value."""
    found = _evaluated(node) if isinstance(node, tuple(_FOLDS)) else None
    if found is None or found[1] or abs(found[0]) >= 10 ** 38:
        return node  # DuckDB's answer is right, or out of NUMBER's range: Snowflake's 100046 too
    number = exp.Literal.number(abs(found[0]))
    return exp.Neg(this=number) if found[0] < 0 else number


# ---------------------------------------------------------------------------------------------
# ROUND(x, scale, rounding_mode)
# ---------------------------------------------------------------------------------------------

_MODES = ("HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN")


def round_mode(node: exp.Expr) -> exp.Expr | None:
    """ROUND(x, scale, 'HALF_AWAY_FROM_ZERO' | 'HALF_TO_EVEN') (https://docs.snowflake.com/en/sql-reference/functions/round):
    a mode is for a NUMBER only ("Data types for floating point numbers (e.g. FLOAT) are not supported with
    this argument"); the mode is read case-insensitively (conformance/DECISIONS.md E2). None: no mode given."""
    mode = node.args.get("truncate") if isinstance(node, exp.Round) else None
    if mode is None:
        return None
    if not (isinstance(mode, exp.Literal) and mode.is_string):
        raise not_supported("ROUND with a rounding mode that is not a string literal")
    name = str(mode.this).strip().upper()
    if name not in _MODES:
        raise invalid_arguments(f"Invalid rounding mode '{mode.this}' for ROUND: expected one of {', '.join(_MODES)}")
    node.set("truncate", None)
    x, scale = node.this, node.args.get("decimals") or exp.Literal.number(0)
    rounded = variant.fn("round_even", x.copy(), exp.Cast(this=scale.copy(), to=exp.DataType(this=_T.INT))) \
        if name == "HALF_TO_EVEN" else node.copy()
    is_float = exp.In(this=variant.fn("typeof", x.copy()), expressions=[exp.Literal.string("DOUBLE"),
                                                                     exp.Literal.string("FLOAT")])
    refused = variant.fn("error", exp.Literal.string(f"{UNSUPPORTED_MARKER}ROUND of a FLOAT with a rounding mode "
                                                     "(Snowflake refuses a mode for a floating-point value)"))
    return exp.Case(ifs=[exp.If(this=is_float, true=refused)], default=rounded)


# https://docs.snowflake.com/en/sql-reference/operators-arithmetic: a string operand of an arithmetic
# operator is read as the number it spells (unary `+'3'` is 3; a string that is no number is 100038).
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_NUMBER_TEXT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")


def _spelled(node: exp.Expr | None) -> exp.Expr | None:
    """A string literal that spells a number, as that number's literal (None for anything else)."""
    if not (isinstance(node, exp.Literal) and node.is_string and _NUMBER_TEXT.fullmatch(node.this)):
        return None
    text = node.this.strip()
    number = exp.Literal.number(text.lstrip("+-"))
    return exp.Neg(this=number) if text.startswith("-") else number


def numeric_operands(node: exp.Expr | None) -> exp.Expr | None:
    """`'3' + 4` → `3 + 4` along a chain of arithmetic operators (a string that spells no number stays:
    next to a DATE it may be a date)."""
    link = node
    while isinstance(link, _ARITHMETIC):
        for key in ("this", "expression"):
            if (number := _spelled(link.args.get(key))) is not None:
                link.set(key, number)
        link = link.this
    return node


def signed(operand: exp.Expr | None, negate: bool) -> exp.Expr | None:
    """Unary `+` / `-`: a string operand is the number it spells, or Snowflake's 100038."""
    if isinstance(operand, exp.Literal) and operand.is_string:
        number = _spelled(operand)
        if number is None:
            raise value_not_recognized("Numeric", operand.this)
        operand = number
    return exp.Neg(this=operand) if negate else operand
