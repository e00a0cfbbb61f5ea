"""Staged values into table columns by Snowflake's conversion rules. Each value reaches DuckDB as text and is
converted by the same SQL casts a query uses (`TRY_CAST` finds the values that would fail, so one bad value
fails its row, not the statement); the error a failing value gets is Snowflake's for the column's type
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, ON_ERROR)."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.engine.loading.options import FileFormat
from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident, string_literal

_NUMERIC = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*")
SEMI_STRUCTURED = ("VARIANT", "OBJECT", "ARRAY")


@dataclass(frozen=True, slots=True)
class Target:
    """A column a load fills: its name, its Snowflake type as DESCRIBE shows it, whether it takes NULL."""

    name: str
    type: str
    nullable: bool

    @property
    def base(self) -> str:
        return self.type.split("(")[0].upper()

    @property
    def semi(self) -> bool:
        return self.base in SEMI_STRUCTURED


def _format_call(target: Target, fmt: FileFormat, column: str, try_: bool) -> str | None:
    """`TO_DATE(c, 'fmt')` and the like where the format gives DATE / TIME / TIMESTAMP_FORMAT."""
    base = target.base
    option = "DATE_FORMAT" if base == "DATE" else "TIME_FORMAT" if base == "TIME" else \
        "TIMESTAMP_FORMAT" if base.startswith("TIMESTAMP") or base == "DATETIME" else None
    if option is None or str(fmt.options.get(option, "AUTO")).upper() == "AUTO":
        return None
    function = {"DATE": "TO_DATE", "TIME": "TO_TIME", "DATETIME": "TO_TIMESTAMP_NTZ"}.get(base, f"TO_{base}")
    return f"{'TRY_' if try_ else ''}{function}({column}, {string_literal(str(fmt.options[option]))})"


def expression(target: Target, fmt: FileFormat, column: str) -> str:
    """The SQL that converts text column `column` into the target's type."""
    if target.semi:
        return f"PARSE_JSON({column})" if target.base == "VARIANT" else f"PARSE_JSON({column})::{target.base}"
    return _format_call(target, fmt, column, False) or f"CAST({column} AS {target.type})"


def failing(target: Target, fmt: FileFormat, column: str) -> str:
    """A condition true where the text in `column` does not convert."""
    if target.semi:
        return "FALSE"
    tried = _format_call(target, fmt, column, True) or f"TRY_CAST({column} AS {target.type})"
    return f"({column} IS NOT NULL AND {tried} IS NULL)"


def error_for(target: Target, value: str | None) -> errors.Error:
    """Snowflake's error for a value that does not convert into the target's type (None: a NULL into NOT NULL)."""
    if value is None:
        return errors.null_violation("NULL result in a non-nullable column")
    base = target.base
    if base in ("NUMBER", "DECIMAL", "NUMERIC", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "BYTEINT"):
        return errors.numeric_value_out_of_range(value) if _NUMERIC.fullmatch(value) else \
            errors.value_not_recognized("Numeric", value)
    if base in ("FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "REAL", "DOUBLE PRECISION"):
        return errors.value_not_recognized("Numeric", value)
    if base == "BOOLEAN":
        return errors.value_not_recognized("Boolean", value)
    if base == "DATE":
        return errors.datetime_not_recognized("Date", value)
    if base == "TIME":
        return errors.datetime_not_recognized("Time", value)
    if base.startswith("TIMESTAMP") or base == "DATETIME":
        return errors.datetime_not_recognized("Timestamp", value)
    if base in ("VARCHAR", "TEXT", "STRING", "CHAR", "CHARACTER", "NCHAR", "NVARCHAR"):
        return errors.string_too_long(value)
    raise errors.not_supported(f"Loading into a column of type {target.type}")


def cell(target: Target, value: Any, from_text: bool) -> str | None:
    """One staged value as the text `expression` converts: CSV text as it is; a JSON or parquet value as its
    JSON text for a VARIANT / OBJECT / ARRAY column, else as the text of the scalar."""
    if value is None:
        return None
    if from_text:
        if target.semi:
            raise errors.not_supported(f"Loading CSV text into the {target.base} column {quote_ident(target.name)} "
                                       "(use TYPE = JSON or PARQUET, or COPY with a transformation)")
        return str(value)
    if target.semi:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def matched(names: list[str], targets: list[Target], case_sensitive: bool) -> list[int | None]:
    """For each target column, the index of the file column (header or object key) of its name, by
    MATCH_BY_COLUMN_NAME's rule (CASE_INSENSITIVE compares upper case)."""
    index = {(n if case_sensitive else n.upper()): i for i, n in enumerate(names)}
    return [index.get(t.name if case_sensitive else t.name.upper()) for t in targets]


_views = itertools.count(1)


def over(session: Session, template: str, relation: Any) -> Result:
    """A statement over an Arrow relation registered for it alone (never an object user SQL can name)."""
    from snowreg.engine.sql.run import run_sql

    view = f"SNOWREG_LOAD_{next(_views)}"
    duck = session.duck
    relation = relation.rename_columns([physical(c) for c in relation.column_names])
    duck.register(view, relation)
    try:
        return run_sql(session, template.replace("{view}", view), False, frozenset({view}))
    finally:
        duck.unregister(view)
