"""Snowflake column types as DESCRIBE, SHOW COLUMNS and INFORMATION_SCHEMA.COLUMNS report them.

A column's type is its declared type in canonical text (`VARCHAR(10)`, `NUMBER(10,2)`, `FLOAT`,
`TIMESTAMP_NTZ(3)`, …; https://docs.snowflake.com/en/sql-reference/intro-summary-data-types), recorded
when a table is created or altered; a column without a record reads from its DuckDB type (`from_duckdb`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEXT_LENGTH = 16777216  # VARCHAR's default (and, as reported, maximum) length
BINARY_LENGTH = 8388608


@dataclass(frozen=True, slots=True)
class ColumnType:
    """One column type, split into the fields the metadata commands report."""

    text: str  # DESCRIBE TABLE's `type`: VARCHAR(10), NUMBER(38,0), FLOAT, TIMESTAMP_NTZ(9), …
    kind: str  # the connector's type name (FIXED, TEXT, REAL, …) and SHOW COLUMNS' "type"
    data_type: str  # INFORMATION_SCHEMA.COLUMNS DATA_TYPE: TEXT, NUMBER, FLOAT, TIMESTAMP_NTZ, …
    length: int | None = None  # characters (TEXT) or bytes (BINARY)
    precision: int | None = None  # NUMBER only
    scale: int | None = None  # NUMBER, and the fractional digits of TIME / TIMESTAMP_*

    @property
    def byte_length(self) -> int | None:
        """Bytes a value may take: 4 per character for text, up to the maximum (DECISIONS.md T3)."""
        if self.kind == "TEXT" and self.length is not None:
            return min(self.length * 4, TEXT_LENGTH)
        return self.length


_SIZED = re.compile(r"^([A-Z_]+)(?:\((\d+)(?:,(\d+))?\))?$")
# Canonical name → (connector kind, INFORMATION_SCHEMA DATA_TYPE)
_KINDS = {
    "NUMBER": ("FIXED", "NUMBER"), "FLOAT": ("REAL", "FLOAT"), "VARCHAR": ("TEXT", "TEXT"),
    "BINARY": ("BINARY", "BINARY"), "BOOLEAN": ("BOOLEAN", "BOOLEAN"), "DATE": ("DATE", "DATE"),
    "TIME": ("TIME", "TIME"), "TIMESTAMP_NTZ": ("TIMESTAMP_NTZ", "TIMESTAMP_NTZ"),
    "TIMESTAMP_LTZ": ("TIMESTAMP_LTZ", "TIMESTAMP_LTZ"), "TIMESTAMP_TZ": ("TIMESTAMP_TZ", "TIMESTAMP_TZ"),
    "VARIANT": ("VARIANT", "VARIANT"), "OBJECT": ("OBJECT", "OBJECT"), "ARRAY": ("ARRAY", "ARRAY"),
}


def parse(text: str) -> ColumnType | None:
    """A canonical type text (`VARCHAR(10)`, `NUMBER(10,2)`, `TIMESTAMP_NTZ(3)`, `FLOAT`) → its fields."""
    m = _SIZED.match(text)
    if m is None or m.group(1) not in _KINDS:
        return None
    name = m.group(1)
    kind, data_type = _KINDS[name]
    first = int(m.group(2)) if m.group(2) else None
    second = int(m.group(3)) if m.group(3) else None
    if name == "NUMBER":
        return ColumnType(text, kind, data_type, precision=first, scale=second)
    if name in ("VARCHAR", "BINARY"):
        return ColumnType(text, kind, data_type, length=first)
    if name == "TIME" or name.startswith("TIMESTAMP"):
        return ColumnType(text, kind, data_type, scale=first)
    return ColumnType(text, kind, data_type)


def from_duckdb(duckdb_type: str) -> ColumnType:
    """The type a column of this DuckDB type reads as when nothing was recorded for it."""
    t = duckdb_type.upper()
    if t.startswith("DECIMAL"):
        inner = t[t.index("(") + 1: t.index(")")].split(",") if "(" in t else ["38", "0"]
        return must(f"NUMBER({int(inner[0])},{int(inner[1])})")
    if t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
             "UBIGINT", "UHUGEINT"):
        return must("NUMBER(38,0)")
    if t in ("FLOAT", "DOUBLE", "REAL"):
        return must("FLOAT")
    if t in ("BOOLEAN", "DATE"):
        return must(t)
    if t.startswith("TIMESTAMP WITH TIME ZONE"):
        return must("TIMESTAMP_LTZ(9)")
    if t.startswith("TIMESTAMP"):
        return must("TIMESTAMP_NTZ(9)")
    if t.startswith("TIME"):
        return must("TIME(9)")
    if t == "BLOB":
        return must(f"BINARY({BINARY_LENGTH})")
    if t == "JSON" or t.startswith(("STRUCT", "MAP")):
        return must("VARIANT")
    if t.endswith("[]") or t.startswith("LIST"):
        return must("ARRAY")
    return must(f"VARCHAR({TEXT_LENGTH})")


def must(text: str) -> ColumnType:
    """The fields of a canonical type text snowreg writes itself (never None)."""
    found = parse(text)
    assert found is not None, text
    return found
