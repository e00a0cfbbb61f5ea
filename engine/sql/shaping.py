"""DuckDB's rows and column types → a Result with Snowflake's column metadata and the connector's values."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from snowreg import errors
from snowreg.catalog.names import SEPARATOR, snowflake
from snowreg.engine.result import Column, Result, duckdb_type


def shape(rows: list[tuple[Any, ...]], columns: list[tuple[str, str]], zoned: tuple[int, ...] = ()) -> Result:
    """Rows from DuckDB with Snowflake column metadata; VARIANT values become the connector's JSON text.

    `zoned` columns are TIMESTAMP_TZ (DuckDB's zoned type reads as TIMESTAMP_LTZ otherwise)."""
    cols = []
    converted = []
    for i, (name, type_name) in enumerate(columns):
        column, converting = _column(name, type_name, i in zoned)
        cols.append(column)
        if converting:
            converted.append(i)
    if converted and rows:
        from snowreg.engine.sql.variant_values import to_snowflake_column  # orjson: loaded when first needed

        columns_out = [list(c) for c in zip(*rows, strict=True)]
        for i in converted:
            columns_out[i] = to_snowflake_column(columns_out[i], columns[i][1])
        rows = list(zip(*columns_out, strict=True))
    return Result(cols, rows)


_JSON_KINDS = frozenset({"VARIANT", "OBJECT", "ARRAY"})


def json_indented(result: Result, indent: str | None) -> Result:
    """A result's VARIANT / OBJECT / ARRAY text laid out as the session's JSON_INDENT says (None or 2: as it is)."""
    if indent is None or indent == "2" or not result.rows:
        return result
    at = [i for i, c in enumerate(result.columns) if c.type in _JSON_KINDS]
    if not at:
        return result
    from snowreg.engine.sql.variant_values import relaid

    n = int(indent)
    rows = [tuple(relaid(v, n) if i in at and isinstance(v, str) else v for i, v in enumerate(row))
            for row in result.rows]
    return dataclasses.replace(result, rows=rows)


def json_strict(result: Result, strict: str | None) -> Result:
    """A result's VARIANT / OBJECT / ARRAY text with NaN, Infinity and -Infinity written as JSON strings when the
    session's STRICT_JSON_OUTPUT is TRUE (https://docs.snowflake.com/en/sql-reference/parameters#strict-json-output)."""
    if strict != "true" or not result.rows:
        return result
    at = [i for i, c in enumerate(result.columns) if c.type in _JSON_KINDS]
    if not at:
        return result
    from snowreg.engine.sql.variant_values import strict_text

    rows = [tuple(strict_text(v) if i in at and isinstance(v, str) else v for i, v in enumerate(row))
            for row in result.rows]
    return dataclasses.replace(result, rows=rows)


@functools.lru_cache(maxsize=1024)
def _column(name: str, type_name: str, zoned: bool) -> tuple[Column, bool]:
    """A result column's metadata (Column is frozen: one instance serves every result) and whether its
    values need converting (engine.sql.variant_values: JSON text, DECIMAL(p, 0) as int)."""
    from snowreg.engine.sql.variant_values import converts

    if SEPARATOR in name:
        name = snowflake(name)
    if type_name.upper() == "INTERVAL":  # `ts - ts`: DuckDB's interval, no Snowflake value (DECISIONS.md T81)
        raise errors.not_supported("The difference of two timestamps as a value (DATEDIFF / TIMESTAMPDIFF count it)")
    kind, precision, scale = duckdb_type(type_name)
    if kind == "TIMESTAMP_LTZ" and zoned:
        kind = "TIMESTAMP_TZ"
    return Column(name, kind, precision, scale, True, 16777216 if kind == "TEXT" else None), converts(type_name)


def written_headers(result: Result, sql: str, text: str) -> Result:
    """Select items whose text a rewrite changed (`$x`, LAST_QUERY_ID()) named as the user wrote them."""
    from snowreg.engine.sql import translate

    written, rewritten = translate.headers(sql), translate.headers(text)
    if written is None or rewritten is None or not len(written) == len(rewritten) == len(result.columns):
        return result
    columns = [dataclasses.replace(c, name=w) if w is not None and w != r else c
               for c, w, r in zip(result.columns, written, rewritten, strict=True)]
    arrow = result.arrow.rename_columns([c.name for c in columns]) if result.arrow is not None else None
    return dataclasses.replace(result, columns=columns, arrow=arrow)
