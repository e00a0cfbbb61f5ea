"""Text read as a DATE, TIME or TIMESTAMP by the session's DATE_ / TIME_ / TIMESTAMP_INPUT_FORMAT when one is not
AUTO (engine.input_formats, conformance/DECISIONS.md T65-T66).

The translation of a statement is cached by its text and shared by every session, and a session that keeps
AUTO must pay nothing. So a session with a format of its own runs its statements with MARKER appended
(engine.sql.session_texts): only such a text is translated with the conversions below, which read the format
at run time (`getvariable`, NULL while that parameter is AUTO: the conversion snowreg always made).

* every cast to DATE / TIME / TIMESTAMP / TIMESTAMPTZ, and the macros TO_DATE / TO_TIMESTAMP_* / `::DATE` of
  an expression become (engine.sql.dates), of a VARCHAR reads it by the format: `x::DATE`, CAST, TRY_CAST,
  TO_DATE / DATE / TO_TIME / TO_TIMESTAMP_* without a format, and the values INSERT / UPDATE / MERGE write
  into such a column (engine.sql.assign casts them);
* a string literal compared with (or IN a list against) an expression is made an expression (`'…' || ''`),
  so a comparison with a DATE / TIME / TIMESTAMP converts it as engine.sql.comparisons converts a VARCHAR
  operand: by a cast, which the first point reads by the format.

Text that does not match the format is 100040 `Date '…' is not recognized` (100108 Time, 100035
Timestamp); TRY_ forms give NULL."""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.engine.input_formats import MARKER as MARKER  # the mark engine.sql.translate looks for
from snowreg.engine.sql import variant

_T = exp.DataType.Type

_KINDS = {  # macro, variable, the SQL type made, the kind an error names
    "date": ("snowreg_date_input_format", "CAST({} AS DATE)", "Date"),
    "time": ("snowreg_time_input_format", "CAST({} AS TIME)", "Time"),
    "ntz": ("snowreg_timestamp_input_format", "CAST({} AS TIMESTAMP)", "Timestamp"),
    "ltz": ("snowreg_timestamp_input_format", "CAST(CAST({} AS TIMESTAMP) AS TIMESTAMPTZ)", "Timestamp"),
}


def _failed(kind: str) -> str:
    """A cast that fails naming the text (engine.sql.duckerrors: 100040 / 100108 / 100035)."""
    return f"CAST(CAST('snowreg_not_recognized:{kind}:' || s AS INTEGER) AS VARCHAR)"




def _read(v: str) -> str:
    """The text read by the format; a two-digit year (YY) in TWO_DIGIT_CENTURY_START's century (engine.sql.dates)."""
    read = f"try_strptime(trim(s), getvariable({v!r}))"
    return f"(CASE WHEN contains(getvariable({v!r}), '%y') THEN {variant.MACRO_CATALOG}.main.snowreg_two_digit_year({read}) ELSE {read} END)"


MACROS = {
    f"snowreg_in_{kind}(s, safe)": (
        f"CASE WHEN s IS NULL THEN NULL ELSE coalesce({made.format(_read(v))}, "
        f"CASE WHEN safe THEN NULL ELSE {made.format(_failed(name))} END) END")  # not error(): ORDER BY 1 stays
    for kind, (v, made, name) in _KINDS.items()
}
_CAST_KINDS = {_T.DATE: "date", _T.TIME: "time", _T.TIMESTAMP: "ntz", _T.TIMESTAMPNTZ: "ntz", _T.TIMESTAMPTZ: "ltz",
               _T.TIMESTAMPLTZ: "ltz"}
_MACRO_KINDS = {"snowreg_cast_date": "date", "snowreg_to_date": "date", "snowreg_cast_ntz": "ntz",
                "snowreg_to_ntz": "ntz", "snowreg_cast_ltz": "ltz", "snowreg_to_ltz": "ltz"}
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_DIGIT = re.compile(r"\d")
_PATHS = (exp.JSONExtract, exp.JSONExtractScalar, exp.Bracket)  # a VARIANT's path: compared as a VARIANT


def literals(stmt: exp.Expr) -> bool:
    """String literals (holding a digit: no other text is a date) compared with an expression, or converted to
    a date, time or timestamp, become an expression: the translation then reads them at run time (it writes a
    literal in an AUTO format other than ISO as an ISO one, engine.sql.dates.auto_date). True when a compared
    one was: its comparison is then probed (engine.sql.comparisons) from the first run."""
    compared = False
    for lit in list(stmt.find_all(exp.Literal)):
        parent = lit.parent
        converted = isinstance(parent, exp.Cast) and isinstance(parent.to, exp.DataType) and \
            parent.to.this in _CAST_KINDS or isinstance(parent, exp.Anonymous) and \
            parent.name.upper() in ("TO_TIME", "TRY_TO_TIME", "TIME") and len(parent.expressions) == 1
        if converted and lit.is_string and lit.arg_key in ("this", "expressions") and _DIGIT.search(lit.this):
            lit.replace(_expression(lit))
    for node in list(stmt.find_all(*_COMPARISONS, exp.Between, exp.In)):
        if isinstance(node, exp.EQ) and isinstance(node.parent, exp.Update | exp.SetItem | exp.Set):
            continue  # `SET c = v` assigns (engine.sql.assign converts the value)
        if isinstance(node, exp.Between):
            facing, operands = node.this, [node.args.get("low"), node.args.get("high")]
        elif isinstance(node, exp.In):
            facing, operands = node.this, list(node.expressions)
        else:
            facing, operands = None, [node.this, node.expression]
        wrapped = False
        for operand in operands:
            other = facing if facing is not None else (node.expression if operand is node.this else node.this)
            if isinstance(operand, exp.Literal) and operand.is_string and _DIGIT.search(operand.this) and \
                    not isinstance(other, exp.Literal | exp.Null) and other.find(*_PATHS) is None:
                operand.replace(_expression(operand))
                wrapped = True
        if isinstance(node, exp.In) and wrapped and node.expressions:  # `x IN (a, b)`: `(x = a OR x = b)`, probed
            node.replace(exp.Paren(this=exp.or_(*(exp.EQ(this=node.this.copy(), expression=e.copy())
                                                  for e in node.expressions))))
        compared = compared or wrapped
    return compared


def _expression(literal: exp.Literal) -> exp.Expr:
    return exp.Paren(this=exp.DPipe(this=literal.copy(), expression=exp.Literal.string("")))


def casts(stmt: exp.Expr) -> None:
    """Each conversion to a date, time or timestamp (translated for DuckDB) reads a VARCHAR by the format."""
    for node in reversed(list(stmt.find_all(exp.Cast, exp.Dot, bfs=False))):
        kind, value, safe = _conversion(node)
        if kind is None or value is None:
            continue
        variable = _KINDS[kind][0]
        is_text = exp.and_(exp.EQ(this=variant.fn("typeof", value.copy()), expression=exp.Literal.string("VARCHAR")),
                           exp.Not(this=exp.Is(this=variant.fn("getvariable", exp.Literal.string(variable)),
                                               expression=exp.Null())))
        read = variant.macro(f"snowreg_in_{kind}", exp.Cast(this=value.copy(), to=exp.DataType.build("VARCHAR")),
                             exp.Boolean(this=safe))
        node.replace(exp.Case().when(is_text, read).else_(node.copy()))


def _conversion(node: exp.Expr) -> tuple[str | None, exp.Expr | None, bool]:
    """(kind, the value converted, TRY_) of a conversion `casts` reads by a format; (None, …) otherwise."""
    if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType) and node.to.this in _CAST_KINDS:
        value = node.this
        if isinstance(value, exp.Literal | exp.Null):  # the user's literals are `('…' || '')` by now (`literals`):
            return None, None, False  # a literal here is the translation's own (`DATE '1970-01-01' + t`)
        return _CAST_KINDS[node.to.this], value, isinstance(node, exp.TryCast) or bool(node.args.get("safe"))
    name = variant.macro_called(node)
    if name in _MACRO_KINDS and isinstance(node, exp.Dot):
        args = node.expression.expressions
        safe = len(args) > 1 and isinstance(args[1], exp.Boolean) and bool(args[1].this)
        return _MACRO_KINDS[name], args[0], safe
    return None, None, False
