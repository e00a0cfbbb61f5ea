"""A VARCHAR compared with a NUMBER, a DATE, a TIMESTAMP or a TIME: Snowflake converts the VARCHAR to the other
side's type (https://docs.snowflake.com/en/sql-reference/data-type-conversion, "Implicit casting
(coercion)"; DECISIONS.md O50), and text that is not one fails (100038 `Numeric value 'x' is not
recognized`, 100040 `Date 'x' is not recognized`, 100035 for a timestamp, 100108 for a time).

DuckDB refuses such a comparison while binding. The statement is then translated again with a probe on
each comparison operand whose type the text does not show (engine.sql.numbers' TEXT_MARKER, as for an
arithmetic operand): while DuckDB binds, the probe raises the marker with the operand's number and the
kind of the other side when it is a VARCHAR facing a number, a date or a timestamp; that operand is then
cast, and the rest keep their probes until the statement binds (engine.sql.learned remembers the text).
"""

from __future__ import annotations

from typing import Any

import duckdb
from sqlglot import exp

from snowreg.engine.sql import duckerrors, variant
from snowreg.errors import Error

# Comparison operands are numbered from here (arithmetic operands below it): 8 numbers per operand, the
# last three bits the kind of what it faces (1 a number, 2 a date, 3 a timestamp, 4 a time).
FIRST = 100_000
_CASTS = {1: "DOUBLE", 2: "DATE", 3: "TIMESTAMP", 4: "TIME"}
_NUMERIC = ("'TINYINT'", "'SMALLINT'", "'INTEGER'", "'BIGINT'", "'HUGEINT'", "'UTINYINT'", "'USMALLINT'",
            "'UINTEGER'", "'UBIGINT'", "'FLOAT'", "'DOUBLE'", "'INTEGER_LITERAL'")


def macros(marker: str) -> dict[str, str]:
    """The probe, raising `marker` || (k + kind) while DuckDB binds (ROUND of a DECIMAL evaluates its scale
    then) when x is a VARCHAR and y a number, a date or a timestamp."""
    kind = (f"CASE WHEN typeof(y) IN ({', '.join(_NUMERIC)}) OR typeof(y) LIKE 'DECIMAL%' THEN 1 "
            "WHEN typeof(y) = 'DATE' THEN 2 WHEN typeof(y) LIKE 'TIMESTAMP%' THEN 3 WHEN typeof(y) = 'TIME' THEN 4 "
            "ELSE 0 END")
    return {"snowreg_compare_probe(x, y, k)": (
        f"CASE WHEN round(CAST(0 AS DECIMAL(2, 1)), CASE WHEN typeof(x) = 'VARCHAR' AND ({kind}) > 0 "
        f"THEN CAST('{marker}' || (k + ({kind})) AS INTEGER) ELSE 0 END) = 0 THEN x ELSE x END")}


_TYPED = (exp.Literal, exp.Cast, exp.TryCast, exp.Null, exp.Boolean)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)
_CONDITIONALS = (exp.Coalesce, exp.If, exp.Case)


def _sites(node: exp.Expr) -> list[tuple[Any, Any, exp.Expr]]:
    """(the node holding an operand, its arg key, the value it faces) for a comparison; for a conditional
    each value faces a number literal among the others if there is one, else the next value."""
    if isinstance(node, exp.Between):
        return [(node, "this", node.args["low"]), (node, "low", node.this), (node, "high", node.this)]
    if isinstance(node, _COMPARISONS):
        return [(node, "this", node.expression), (node, "expression", node.this)]
    values: list[tuple[Any, Any, Any]]
    if isinstance(node, exp.Coalesce):
        values = [(node, "this", node.this)] + [(node, i, v) for i, v in enumerate(node.expressions)]
    elif isinstance(node, exp.If):
        values = [(node, "true", node.args.get("true")), (node, "false", node.args.get("false"))]
    else:
        values = [(i, "true", i.args.get("true")) for i in node.args.get("ifs") or []] + \
            [(node, "default", node.args.get("default"))]
    present = [(holder, key, v) for holder, key, v in values if v is not None and not isinstance(v, exp.Null)]
    numbers = [v for _, _, v in present if isinstance(v, exp.Literal) and v.is_number]
    out = []
    for holder, key, value in present:
        others = [v for _, _, v in present if v is not value]
        facing = numbers[0] if numbers and numbers[0] is not value else others[0] if others else None
        if facing is not None:
            out.append((holder, key, facing))
    return out


def operands(stmt: exp.Expr, texts: frozenset[int]) -> None:
    """Each comparison (conditional) operand whose type the text does not show: cast as `texts` says (a
    number in it for the operand's number plus a kind), else probed against the value it faces."""
    k = FIRST
    for node in list(stmt.find_all(*_COMPARISONS, *_CONDITIONALS)):
        if isinstance(node, exp.EQ) and isinstance(node.parent, (exp.Update, exp.SetItem, exp.Set)):
            continue  # `SET c = v` assigns (engine.sql.assign converts the value)
        for holder, key, facing in _sites(node):
            operand = holder.expressions[key] if isinstance(key, int) else holder.args.get(key)
            inner = operand.unnest() if isinstance(operand, exp.Paren) else operand
            if operand is None or isinstance(inner, _TYPED):
                continue
            cast = next((_CASTS[kind] for kind in _CASTS if k + kind in texts), None)
            if cast == "DOUBLE":  # a conditional's value is NUMBER(18, 5) (the COALESCE page)
                cast = "DECIMAL(18, 5)" if isinstance(node, _CONDITIONALS) else cast
                operand = exp.Trim(this=operand.copy())
            new = exp.cast(operand.copy(), cast) if cast else \
                variant.macro("snowreg_compare_probe", operand.copy(), facing.copy(), exp.Literal.number(k))
            if isinstance(key, int):
                holder.expressions[key].replace(new)
            else:
                holder.set(key, new)
            k += 8


def refused(message: str) -> bool:
    """DuckDB's words for a VARCHAR compared (mixed in a conditional) with a value of another type."""
    first = message.split("\n")[0]
    return "VARCHAR" in first and ("Cannot compare values of type" in first or "Cannot mix values of type" in first)


def refusal(e: duckdb.Error, database: str | None, schema: str | None) -> Error | None:
    """The error to raise for DuckDB's refused comparison when probing finds no VARCHAR operand to convert
    (a comparison of types Snowflake does not convert either); None for any other error."""
    return duckerrors.translate(e, database, schema) if refused(str(e)) else None
