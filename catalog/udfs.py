"""User-defined functions: one row per signature in snowreg.udfs, their macros in the data instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import duckdb
import orjson

from snowreg.catalog.store import Store, now, quote

_COLS = "database_name, schema_name, name, arguments, created_on, owner, comment, secure, is_table, macro, definition"


@dataclass(frozen=True)
class FunctionRow:
    database_name: str
    schema_name: str
    name: str
    arguments: str  # the argument type families: 'NUMBER, VARCHAR'
    created_on: datetime
    owner: str | None
    comment: str | None
    secure: bool
    is_table: bool
    macro: str  # the DuckDB macros' name, before '/<arity>'
    definition: str  # JSON: see engine.udf.define

    @property
    def signature_name(self) -> str:
        """The function's name in grants and messages: `F(NUMBER, VARCHAR)`."""
        return f"{self.name}({self.arguments})"

    @cached_property
    def spec(self) -> dict[str, Any]:
        found: dict[str, Any] = orjson.loads(self.definition)
        return found

    @property
    def arity(self) -> int:
        return len(self.spec["args"])

    @property
    def min_arity(self) -> int:
        """The number of arguments without a DEFAULT (those with one come last)."""
        return sum(1 for a in self.spec["args"] if a[2] is None)


class UdfsPart:
    """The functions table (or, `table` procedures, the stored procedures' one: the same columns). Grants on
    them are the grants family's (ObjectKey FUNCTION / PROCEDURE, by signature name); Catalog drops a
    schema's or database's functions and procedures with it."""

    def __init__(self, store: Store, table: str = "udfs") -> None:
        self.store = store
        self.table = f"snowreg.{table}"

    def named(self, database: str, schema: str, name: str) -> list[FunctionRow]:
        """Every signature of a name in a schema."""
        rows = self.store.query(f"SELECT {_COLS} FROM {self.table} WHERE database_name = ? AND schema_name = ? "
                                "AND name = ? ORDER BY arguments", [database, schema, name])
        return [FunctionRow(*r) for r in rows]

    def get(self, database: str, schema: str, name: str, arguments: str) -> FunctionRow | None:
        row = self.store.query_one(f"SELECT {_COLS} FROM {self.table} WHERE database_name = ? AND "
                                   "schema_name = ? AND name = ? AND arguments = ?", [database, schema, name, arguments])
        return FunctionRow(*row) if row else None

    def listed(self, database: str | None = None, schema: str | None = None) -> list[FunctionRow]:
        """The functions of one schema, one database (schema None) or the account (both None)."""
        rows = self.store.query(
            f"SELECT {_COLS} FROM {self.table} WHERE (? IS NULL OR database_name = ?) AND "
            "(? IS NULL OR schema_name = ?) ORDER BY name, arguments, database_name, schema_name",
            [database, database, schema, schema])
        return [FunctionRow(*r) for r in rows]

    def any_defined(self) -> bool:
        return self.store.query_one(f"SELECT 1 FROM {self.table} LIMIT 1") is not None

    def insert(self, tx: duckdb.DuckDBPyConnection, row: FunctionRow) -> None:
        """Inside a transaction: a new function's row (it replaces one of the same signature)."""
        tx.execute(f"DELETE FROM {self.table} WHERE database_name = ? AND schema_name = ? AND name = ? "
                   "AND arguments = ?", [row.database_name, row.schema_name, row.name, row.arguments])
        tx.execute(f"INSERT INTO {self.table} ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [row.database_name, row.schema_name, row.name, row.arguments, row.created_on or now(),
                    row.owner, row.comment, row.secure, row.is_table, row.macro, row.definition])

    def delete(self, tx: duckdb.DuckDBPyConnection, row: FunctionRow) -> None:
        tx.execute(f"DELETE FROM {self.table} WHERE database_name = ? AND schema_name = ? AND name = ? "
                   "AND arguments = ?", [row.database_name, row.schema_name, row.name, row.arguments])

    def delete_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None = None) -> None:
        """Inside a transaction: the functions of a dropped database or schema (their macros went with it)."""
        where, params = ("database_name = ?", [database]) if schema is None else \
            ("database_name = ? AND schema_name = ?", [database, schema])
        tx.execute(f"DELETE FROM {self.table} WHERE {where}", params)

    def update(self, tx: duckdb.DuckDBPyConnection, row: FunctionRow, **values: Any) -> None:
        """Inside a transaction: change columns of a function's row (rename, comment, secure)."""
        sets = ", ".join(f"{k} = ?" for k in values)
        tx.execute(f"UPDATE {self.table} SET {sets} WHERE database_name = ? AND schema_name = ? AND name = ? "
                   "AND arguments = ?", [*values.values(), row.database_name, row.schema_name, row.name,
                                         row.arguments])


def macro_name(row: FunctionRow, arity: int) -> str:
    """The qualified DuckDB name of the macro that runs `row` called with `arity` arguments."""
    return ".".join(quote(p) for p in (row.database_name, row.schema_name, f"{row.macro}/{arity}"))


def install_macros(data: duckdb.DuckDBPyConnection, row: FunctionRow) -> None:
    """Create (or replace) the function's macros: `spec["macros"]` holds [arity, parameters, DuckDB body]."""
    kind = "TABLE " if row.is_table else ""
    for arity, params, body in row.spec["macros"]:
        data.execute(f"CREATE OR REPLACE MACRO {macro_name(row, arity)}({', '.join(quote(p) for p in params)}) "
                     f"AS {kind}{body}")


def remove_macros(data: duckdb.DuckDBPyConnection, row: FunctionRow) -> None:
    kind = "TABLE " if row.is_table else ""
    for arity, _, _ in row.spec["macros"]:
        data.execute(f"DROP MACRO {kind}IF EXISTS {macro_name(row, arity)}")
