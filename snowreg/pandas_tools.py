"""`write_pandas` for snowreg connections: the DataFrame goes straight into a table through DuckDB.

The real connector writes parquet files, PUTs them to a temporary stage and runs COPY INTO; the
outcome (a table holding the frame's rows) is the same, without the files. The table is created
through SQL, so the CREATE privilege checks apply; rows are then inserted from the frame directly.
A temporary table is a table of the schema that its session drops when it closes (engine/query.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import orjson

from snowreg.engine import api
from snowreg.grammar.text import quote_ident

if TYPE_CHECKING:
    import pandas as pd

    from snowreg.dbapi import Connection

CopyRow = tuple[str, str, int, int, int, int, str | None, int | None, int | None, str | None]


def write_pandas(conn: Connection, df: pd.DataFrame, table_name: str, database: str | None = None,
                 schema: str | None = None, chunk_size: int | None = None, compression: str = "gzip",
                 on_error: str = "abort_statement", parallel: int = 4, quote_identifiers: bool = True,
                 auto_create_table: bool = False, create_temp_table: bool = False, overwrite: bool = False,
                 table_type: str = "", use_logical_type: bool | None = None,
                 **kwargs: Any) -> tuple[bool, int, int, list[CopyRow]]:
    """Write a DataFrame to a table, with `snowflake.connector.pandas_tools.write_pandas`'s arguments.

    Returns (success, number of chunks, number of rows, COPY INTO-style output rows).
    """
    if create_temp_table:
        table_type = "temporary"
    if table_type and table_type.lower() not in ("temp", "temporary", "transient"):
        raise ValueError("Unsupported table type. Expected table types: temp/temporary, transient")
    # The connector's CREATE TEMPORARY STAGE is DDL: it commits the open transaction.
    api.transaction.commit(conn.session)
    name = _location(conn, database, schema, table_name, quote_identifiers)
    columns = [_column_name(str(c), quote_identifiers) for c in df.columns]
    cur = conn.cursor()
    created = False
    try:
        if auto_create_table:
            definition = ", ".join(f"{quote_ident(c)} {_sql_type(df[col])}" for c, col in zip(
                columns, df.columns, strict=True))
            verb = "CREATE OR REPLACE" if overwrite else "CREATE"
            exists = "" if overwrite else " IF NOT EXISTS"
            created = overwrite or conn.session.catalog.databases.relation_kind(*_qualified(conn, name)) is None
            kind = {"temp": " TEMPORARY", "temporary": " TEMPORARY", "transient": " TRANSIENT"}.get(table_type.lower(), "")
            cur.execute(f"{verb}{kind} TABLE{exists} {name} ({definition})")
        if not created:
            if overwrite and not auto_create_table:
                cur.execute(f"TRUNCATE TABLE {name}")
            # A zero-row INSERT: the INSERT privilege check (and a clear error for a missing table).
            listed = ", ".join(quote_ident(c) for c in columns)
            cur.execute(f"INSERT INTO {name} ({listed}) SELECT {listed} FROM {name} WHERE FALSE")
    finally:
        cur.close()
    _insert(conn, name, df, columns)
    copied = _copy_rows(len(df), chunk_size)
    return True, len(copied), len(df), copied


def _copy_rows(rows: int, chunk_size: int | None) -> list[CopyRow]:
    """COPY INTO's answer as the connector's write_pandas gets it: one LOADED row per parquet chunk of
    `chunk_size` rows (one chunk when it is None, or the frame is empty)."""
    size = chunk_size or rows or 1
    counts = [min(size, rows - start) for start in range(0, rows, size)] or [0]
    return [(f"file{i}.txt", "LOADED", n, n, 1, 0, None, None, None, None) for i, n in enumerate(counts)]


def _location(conn: Connection, database: str | None, schema: str | None, table: str, quote: bool) -> str:
    """The table's name as SQL text, qualified like the connector's `build_location_helper`."""
    given = [p for p in (database, schema, table) if p]
    return ".".join(quote_ident(p) if quote else p for p in given)


def _qualified(conn: Connection, name: str) -> tuple[str, str, str]:
    """(database, schema, table) a table name stands for in the connection's session."""
    return api.qualify_table(conn.session, name)


def _column_name(name: str, quote: bool) -> str:
    """The stored column name: as written when quoted, else by identifier rules (upper case)."""
    return name if quote else name.upper()


# ---------------------------------------------------------------------------------------------
# Types: what the connector's parquet + INFER_SCHEMA path would create
# ---------------------------------------------------------------------------------------------


def _sql_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind == "b":
        return "BOOLEAN"
    if kind in "iu":
        return "NUMBER(38, 0)"
    if kind == "f":
        return "FLOAT"
    if kind == "M":
        return "TIMESTAMP_LTZ" if getattr(series.dtype, "tz", None) is not None else "TIMESTAMP_NTZ"
    if kind == "m":
        return "NUMBER(38, 0)"
    sample = next((v for v in series if v is not None and v == v), None)
    return _value_type(sample)


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "NUMBER(38, 0)"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return f"NUMBER(38, {-exponent if isinstance(exponent, int) and exponent < 0 else 0})"
    if isinstance(value, dt.datetime):
        return "TIMESTAMP_NTZ" if value.tzinfo is None else "TIMESTAMP_LTZ"
    if isinstance(value, dt.date):
        return "DATE"
    if isinstance(value, bytes | bytearray):
        return "BINARY"
    if isinstance(value, dict | list | tuple):
        return "VARIANT"
    return "VARCHAR"


def _json_text(value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    # keys in order at every depth, as PARSE_JSON keeps an OBJECT's (DECISIONS.md F108, F130)
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_SORT_KEYS, default=str).decode()


def _insert(conn: Connection, name: str, df: pd.DataFrame, columns: list[str]) -> None:
    """INSERT the frame's rows into the table named `name` (already checked) straight from pandas."""
    frame = df.copy(deep=False)
    frame.columns = [f"c{i}" for i in range(len(columns))]
    converters: dict[str, Callable[[Any], Any]] = {}
    for i, col in enumerate(df.columns):
        if _sql_type(df[col]) == "VARIANT":
            converters[f"c{i}"] = _json_text
    for key, fn in converters.items():
        frame[key] = frame[key].map(fn)
    api.insert_frame(conn.session, name, frame, columns)
