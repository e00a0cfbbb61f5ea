"""A VARCHAR where a date function wants a date or timestamp, as the DATEDIFF page's example of string columns
shows (https://docs.snowflake.com/en/sql-reference/data-type-conversion: VARCHAR converts implicitly to DATE and
TIMESTAMP).

Only DuckDB knows a column's type, so this is learnt as arithmetic operands are (engine.sql.numbers.text_operands,
engine.sql.learned): DuckDB's refusal of such a call (engine.sql.duckerrors.text_arithmetic) makes the statement
run again with each operand of the functions below whose type the text does not show probed; an operand found to
be a VARCHAR is then read as a TIMESTAMP_NTZ (AUTO, as `x::TIMESTAMP_NTZ` reads it). Only functions whose result
does not take the operand's type are covered (parts, names, differences, LAST_DAY, MONTHS_BETWEEN), so reading
text as a timestamp changes no result type (conformance/DECISIONS.md T86). A statement DuckDB never refused so
runs the text it ran before.
"""

from __future__ import annotations

from sqlglot import exp

from snowreg.engine.sql import variant

FIRST = 10_000_000  # the probes' numbers (arithmetic operands count from 0, comparisons from comparisons.FIRST)

# The calls and the arguments of each that are a date or timestamp.
_OPERANDS: dict[type[exp.Expr], tuple[str, ...]] = {
    **dict.fromkeys((exp.Year, exp.Quarter, exp.Month, exp.Day, exp.DayOfMonth, exp.DayOfWeek, exp.DayOfWeekIso,
                     exp.DayOfYear, exp.WeekOfYear, exp.Week, exp.YearOfWeek, exp.YearOfWeekIso, exp.Hour,
                     exp.Minute, exp.Second, exp.Dayname, exp.Monthname, exp.LastDay), ("this",)),
    exp.Extract: ("expression",),
    **dict.fromkeys((exp.DateDiff, exp.MonthsBetween), ("this", "expression")),
}
_TEXT_TYPES = (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR, exp.DataType.Type.NVARCHAR)


def _typed(node: exp.Expr) -> bool:
    """An operand whose type the text shows, other than text (a cast to VARCHAR is probed too)."""
    if isinstance(node, exp.Cast | exp.TryCast):
        return not (isinstance(node.to, exp.DataType) and node.to.this in _TEXT_TYPES)
    return isinstance(node, exp.Literal | exp.Null | exp.Boolean | exp.Interval)


def operands(stmt: exp.Expr, texts: frozenset[int]) -> None:
    """Each date operand whose type the text does not show: read as a timestamp when `texts` holds its number,
    else probed (numbers.snowreg_text_probe raises its number while DuckDB binds it when it is a VARCHAR)."""
    k = FIRST
    for node in list(stmt.find_all(*_OPERANDS)):
        if isinstance(node, exp.Extract) and not isinstance(node.this, exp.Var | exp.Literal):
            continue
        for key in _OPERANDS[type(node)]:
            operand = node.args.get(key)
            if not isinstance(operand, exp.Expr) or _typed(operand.unnest()):
                continue
            node.set(key, variant.macro("snowreg_cast_ntz", operand.copy(), exp.false()) if k in texts else
                     variant.macro("snowreg_text_probe", operand.copy(), exp.Literal.number(k)))
            k += 1
