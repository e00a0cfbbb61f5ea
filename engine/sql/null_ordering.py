"""DEFAULT_NULL_ORDERING (https://docs.snowflake.com/en/sql-reference/parameters#default-null-ordering): where
NULLs sort when an ORDER BY key says neither NULLS FIRST nor NULLS LAST (the usage notes of
https://docs.snowflake.com/en/sql-reference/constructs/order-by). sqlglot reads Snowflake's default, LAST (NULLs
the highest value); a statement of a session whose value is FIRST carries parameters.NULLS_FIRST_MARKER
(engine.sql.session_texts) and is read with NULLs the lowest value, in every key the parser reads: a query's,
a window's, WITHIN GROUP (conformance/DECISIONS.md V10-V12)."""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokens import Token

from snowreg.engine.parameters import NULLS_FIRST_MARKER


class NullOrderingParser(SnowflakeParser):
    """The parser's ORDER BY keys as the statement's DEFAULT_NULL_ORDERING says."""

    nulls_lowest = False

    def parse(self, raw_tokens: list[Token], sql: str) -> list[exp.Expr | None]:
        self.nulls_lowest = NULLS_FIRST_MARKER in sql
        return super().parse(raw_tokens, sql)

    def _parse_ordered(self, parse_method: Callable[[], exp.Expr | None] | None = None) -> exp.Ordered | None:
        ordered = super()._parse_ordered(parse_method)
        if ordered is not None and self.nulls_lowest:
            said = [t.text.upper() for t in self._tokens[max(self._index - 2, 0):self._index]]
            if not (len(said) == 2 and said[0] == "NULLS" and said[1] in ("FIRST", "LAST")):
                ordered.set("nulls_first", not ordered.args.get("desc"))
        return ordered
