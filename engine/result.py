"""Results: rows plus column metadata derived from the returned data, as the connector describes it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

# Snowflake's FIELD_TYPES codes, as the real connector reports them in `description`.
TYPE_CODES = {
    "FIXED": 0, "REAL": 1, "TEXT": 2, "DATE": 3, "TIMESTAMP": 4, "VARIANT": 5, "TIMESTAMP_LTZ": 6,
    "TIMESTAMP_TZ": 7, "TIMESTAMP_NTZ": 8, "OBJECT": 9, "ARRAY": 10, "BINARY": 11, "TIME": 12, "BOOLEAN": 13,
}

# The `length` of a column of these types when its declaration gives none (VARCHAR(16777216), BINARY(8388608)).
_SIZED = {"TEXT": None, "BINARY": 8388608, "ARRAY": 16777216}


@dataclass(frozen=True, slots=True)
class Column:
    """One result column; `type` is a Snowflake type name (FIXED, REAL, TEXT, VARIANT, ...)."""

    name: str
    type: str = "TEXT"
    precision: int | None = None
    scale: int | None = None
    nullable: bool = True
    internal_size: int | None = None

    @property
    def type_code(self) -> int:
        return TYPE_CODES[self.type]

    def declared(self) -> str:
        """The column's type in Snowflake's canonical text, as DESCRIBE shows it (`VARCHAR(10)`, `NUMBER(5,2)`,
        `TIMESTAMP_LTZ(9)`, `ARRAY`)."""
        kind, scale = self.type, 9 if self.scale is None else self.scale
        if kind == "FIXED":
            return f"NUMBER({self.precision or 38},{self.scale or 0})"
        if kind in ("TEXT", "BINARY"):
            size = self.internal_size or _SIZED[kind] or 16777216
            return f"{'VARCHAR' if kind == 'TEXT' else 'BINARY'}({size})"
        if kind == "TIME" or kind.startswith("TIMESTAMP"):
            return f"{kind}({scale})"
        return {"REAL": "FLOAT", "TIMESTAMP": "TIMESTAMP_NTZ(9)"}.get(kind, kind)

    def describe(self) -> tuple[Any, ...]:
        """The PEP 249 7-tuple, as the connector's ResultMetadata gives it: `internal_size` is the rowtype's
        `length`, which Snowflake sends for text, binary and array columns only."""
        size = self.internal_size if self.type in _SIZED else None
        if size is None:
            size = _SIZED.get(self.type)
        return (self.name, self.type_code, None, size, self.precision, self.scale, self.nullable)


@dataclass
class Result:
    """What one statement returns."""

    columns: list[Column]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    rowcount: int | None = None
    query_id: str | None = None
    arrow: Any = None  # a pyarrow.Table when the rows came from DuckDB (fast fetch_arrow / pandas)

    def __post_init__(self) -> None:
        if self.rowcount is None:
            self.rowcount = len(self.rows)


def status(message: str = "Statement executed successfully.") -> Result:
    """DDL answers with one row, one column `status`."""
    return Result([Column("status", "TEXT", internal_size=16777216)], [(message,)])


def in_zone(result: Result, zone: str) -> Result:
    """The result with its TIMESTAMP_LTZ values (zoned datetimes) shown in `zone`, the session's TIMEZONE:
    https://docs.snowflake.com/en/sql-reference/data-types-datetime (TIMESTAMP_LTZ "uses the time zone
    specified by the TIMEZONE parameter")."""
    local = [i for i, c in enumerate(result.columns) if c.type == "TIMESTAMP_LTZ"]
    if not local or not result.rows or result.arrow is not None:
        return result
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return result
    rows = []
    for row in result.rows:
        values = list(row)
        for i in local:
            value = values[i]
            if isinstance(value, datetime) and value.tzinfo is not None:
                values[i] = value.astimezone(tz)
        rows.append(tuple(values))
    result.rows = rows
    return result


def from_rows(names: Sequence[str], rows: list[tuple[Any, ...]], types: Sequence[str] | None = None) -> Result:
    """A result for rows built in Python (SHOW output); types inferred from values when not given."""
    if types is None:
        types = [_infer_type([r[i] for r in rows]) for i in range(len(names))]
    cols = []
    for n, t in zip(names, types, strict=True):
        precision, scale = _SHOWN_PRECISION.get(t, (None, None))
        cols.append(Column(n, t, precision, scale, internal_size=16777216 if t == "TEXT" else None))
    return Result(cols, rows)


# (precision, scale) of the columns of Python-built results (SHOW output): NUMBER(38,0), and timestamps to the
# millisecond, as Snowflake describes SHOW's `created_on` (TIMESTAMP_LTZ, precision 0, scale 3).
_SHOWN_PRECISION = {"FIXED": (38, 0), "TIMESTAMP_LTZ": (0, 3), "TIMESTAMP_NTZ": (0, 3), "TIMESTAMP_TZ": (0, 3),
                    "TIME": (0, 3)}


def _infer_type(values: list[Any]) -> str:
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            return "BOOLEAN"
        if isinstance(v, int):
            return "FIXED"
        if isinstance(v, float):
            return "REAL"
        if isinstance(v, Decimal):
            return "FIXED"
        if isinstance(v, datetime):
            return "TIMESTAMP_LTZ" if v.tzinfo else "TIMESTAMP_NTZ"
        if isinstance(v, date):
            return "DATE"
        if isinstance(v, time):
            return "TIME"
        if isinstance(v, bytes | bytearray):
            return "BINARY"
        return "TEXT"
    return "TEXT"


def duckdb_type(type_name: str) -> tuple[str, int | None, int | None]:
    """Snowflake type (and precision, scale) for a DuckDB type string from a relation's types."""
    t = type_name.upper()
    if t.startswith("DECIMAL"):
        inner = t[t.index("(") + 1: t.index(")")].split(",") if "(" in t else ["38", "0"]
        return "FIXED", int(inner[0]), int(inner[1])
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
             "UBIGINT", "UHUGEINT"):
        return "FIXED", 38, 0
    if t in ("FLOAT", "DOUBLE", "REAL"):
        return "REAL", None, None
    if t == "BOOLEAN":
        return "BOOLEAN", None, None
    if t == "DATE":
        return "DATE", None, None
    if t.startswith("TIMESTAMP WITH TIME ZONE"):
        return "TIMESTAMP_LTZ", 0, 9
    if t.startswith("TIMESTAMP"):
        return "TIMESTAMP_NTZ", 0, 9
    if t.startswith("TIME"):
        return "TIME", 0, 9
    if t in ("BLOB",):
        return "BINARY", None, None
    if t == "JSON" or t.startswith("STRUCT") or t.startswith("MAP") or t == "VARIANT":
        return "VARIANT", None, None
    if t.endswith("[]") or t.startswith("LIST"):
        return "ARRAY", None, None
    return "TEXT", None, None
