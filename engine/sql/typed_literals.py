"""Typed literals (`DATE '…'`, `TIMESTAMP '…'`, `TIME '…'`) as Snowflake reads them: one constant, which the
operators after it apply to.

https://docs.snowflake.com/en/sql-reference/data-types-datetime#date-and-time-constants. sqlglot's parser
applies the postfix operators after the string to the string alone, so `TIMESTAMP '2024-01-01 10:00'::VARCHAR`
read as `TIMESTAMP ('2024-01-01 10:00'::VARCHAR)`: a TIMESTAMP where Snowflake answers the VARCHAR
(conformance/DECISIONS.md W34).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.parser import TIME_ZONE_RE
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokens import TokenType


class TypedLiteralParser(SnowflakeParser):
    """Snowflake's parser, with a typed literal's `::`, `[…]`, `:` and `.` applying to the constant."""

    def _parse_type(self, parse_interval: bool = True, fallback_to_identifier: bool = False) -> exp.Expr | None:
        curr, after = self._curr, self._next
        if fallback_to_identifier or curr is None or after is None or after.token_type is not TokenType.STRING \
                or curr.token_type not in self.TYPE_TOKENS or curr.token_type is TokenType.INTERVAL:  # `'1' DAY`
            return super()._parse_type(parse_interval, fallback_to_identifier)
        index = self._index
        data_type = self._parse_types(check_func=True, allow_identifiers=False)
        literal = self._parse_primary() if isinstance(data_type, exp.DataType) else None
        if not isinstance(literal, exp.Literal) or not isinstance(data_type, exp.DataType):
            self._retreat(index)
            return super()._parse_type(parse_interval, fallback_to_identifier)
        if self.ZONE_AWARE_TIMESTAMP_CONSTRUCTOR and TIME_ZONE_RE.search(literal.name):
            if data_type.is_type(exp.DType.TIMESTAMP):
                data_type = exp.DType.TIMESTAMPTZ.into_expr()
            elif data_type.is_type(exp.DType.TIME):
                data_type = exp.DType.TIMETZ.into_expr()
        parser = self.TYPE_LITERAL_PARSERS.get(data_type.this)
        constant = parser(self, literal, data_type) if parser else self.expression(exp.Cast(this=literal, to=data_type))
        return self._parse_column_ops(constant)

    def _parse_interval(self, require_interval: bool = True,
                        parse_function_unit: bool = True) -> exp.Add | exp.Interval | None:
        """One interval constant (https://docs.snowflake.com/en/sql-reference/data-types-datetime#interval-constants:
        one string holds every increment). sqlglot reads `INTERVAL '1 day' + '2024-01-01'::DATE` as a sum of two
        intervals (another dialect's `INTERVAL '1' DAY + '2' HOUR`), casting the sum; here `+` after the
        constant is the operator (conformance/DECISIONS.md T90)."""
        index = self._index
        found = super()._parse_interval(require_interval, parse_function_unit)
        if not isinstance(found, exp.Add):
            return found
        self._retreat(index)
        if not self._match(TokenType.INTERVAL) and require_interval:
            return None
        this = self._parse_primary() if self._match(TokenType.STRING, advance=False) else self._parse_term()
        return self._parse_interval_span(this, parse_function_unit=parse_function_unit) if this else None
