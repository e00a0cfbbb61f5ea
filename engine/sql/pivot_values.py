"""PIVOT … IN (ANY [ORDER BY …]) and IN (<subquery>): the pivot values read from the data first.

https://docs.snowflake.com/en/sql-reference/constructs/pivot: ANY pivots on every distinct value of the
pivot column (in the ORDER BY's order when given), a subquery on the values it returns. The columns
depend on the data, so the engine runs a query for the values (with the session's privileges, as any
query) and then the statement with those values written as literals, the way a user would list them:
the columns are named after them as for a written list (`'2023_Q1'`). NULL is no pivot value (it
matches no row); no value at all is refused (what columns Snowflake gives then is not documented). Only statements whose text has both PIVOT and such an IN list come here.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp

from snowreg import errors
from snowreg.engine.result import Result
from snowreg.grammar.text import string_literal

MAX_VALUES = 10_000  # more columns than any table should get: refused rather than built


def resolved(sql: str, run: Callable[[str], Result]) -> str:
    """`sql` with every PIVOT's IN (ANY …) / IN (<subquery>) replaced by the values `run` finds."""
    tree = sqlglot.parse_one(sql, read="snowflake")
    changed = False
    for pivot in list(tree.find_all(exp.Pivot)):
        fields = pivot.args.get("fields") or []
        if pivot.args.get("unpivot") or len(fields) != 1 or len(fields[0].expressions) != 1:
            continue
        field = fields[0]
        listed = field.expressions[0]
        query: exp.Query
        if isinstance(listed, exp.PivotAny):
            query = _distinct_values(pivot, field.this, listed)
        elif isinstance(listed, exp.Query):
            query = listed.copy()
        else:
            continue
        rows = run(query.sql(dialect="snowflake")).rows
        values = [r[0] for r in rows if r and r[0] is not None]
        if not values:
            raise errors.not_supported("PIVOT … IN (ANY | <subquery>) where there are no values to pivot on")
        if len(values) > MAX_VALUES:
            raise errors.not_supported(f"PIVOT … IN (ANY) over more than {MAX_VALUES} values")
        field.set("expressions", [_literal(v) for v in dict.fromkeys(values)])
        changed = True
    return tree.sql(dialect="snowflake") if changed else sql


def _distinct_values(pivot: exp.Pivot, column: exp.Expr, any_: exp.PivotAny) -> exp.Select:
    """SELECT DISTINCT <pivot column> FROM <the pivot's source> [ORDER BY …]."""
    source = pivot.parent
    if not isinstance(source, exp.Table | exp.Subquery):
        raise errors.not_supported("PIVOT … IN (ANY) over this kind of source")
    source = source.copy()
    source.set("pivots", None)
    source.set("alias", None)
    query = exp.select(column.copy()).distinct().from_(source)
    order = any_.this
    if isinstance(order, exp.Order):
        query.set("order", order.copy())
    else:
        query = query.order_by(column.copy())
    return query


def _literal(value: Any) -> exp.Expr:
    """A pivot value as the literal a user would write (numbers bare, anything else a string)."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | Decimal | float):
        return exp.Literal.number(str(value))
    return sqlglot.parse_one(string_literal(str(value)), read="snowflake")
