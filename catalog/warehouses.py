"""Warehouses: recorded, never run (snowreg has no compute), for SHOW WAREHOUSES and CURRENT_WAREHOUSE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import orjson

from snowreg.catalog.store import Store, now

_COLS = "name, created_on, updated_on, resumed_on, owner, state, properties"


@dataclass(frozen=True, slots=True)
class WarehouseRow:
    name: str
    created_on: datetime
    updated_on: datetime
    resumed_on: datetime | None
    owner: str
    state: str  # STARTED | SUSPENDED
    properties: str  # JSON object of the CREATE / ALTER properties, keys upper case

    def property(self, key: str) -> str | None:
        value = orjson.loads(self.properties).get(key)
        return None if value is None else str(value)


class WarehousesPart:
    """The warehouses table (see schema.sql). A warehouse's grants are another family's: Catalog creates
    (with OR REPLACE) and drops warehouses with them."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get_warehouse(self, name: str) -> WarehouseRow | None:
        row = self.store.query_one(f"SELECT {_COLS} FROM snowreg.warehouses WHERE name = ?", [name])
        return WarehouseRow(*row) if row else None

    def list_warehouses(self) -> list[WarehouseRow]:
        return [WarehouseRow(*r) for r in self.store.query(f"SELECT {_COLS} FROM snowreg.warehouses ORDER BY name")]

    def insert_warehouse(self, tx: duckdb.DuckDBPyConnection, name: str, owner: str, state: str,
                         properties: dict[str, str]) -> None:
        """Inside a transaction: a new warehouse's row (Catalog.create_warehouse)."""
        stamp = now()
        tx.execute(f"INSERT INTO snowreg.warehouses ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [name, stamp, stamp, stamp if state == "STARTED" else None, owner, state,
                    orjson.dumps(properties).decode()])

    def alter_warehouse(self, name: str, state: str | None = None, properties: dict[str, str] | None = None
                        ) -> None:
        row = self.get_warehouse(name)
        if row is None:
            return
        merged = {**orjson.loads(row.properties), **(properties or {})}
        stamp = now()
        resumed = stamp if state == "STARTED" and row.state != "STARTED" else row.resumed_on
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.warehouses SET state = ?, properties = ?, updated_on = ?, resumed_on = ? "
                       "WHERE name = ?", [state or row.state, orjson.dumps(merged).decode(), stamp, resumed, name])

    def delete_warehouse_row(self, tx: duckdb.DuckDBPyConnection, name: str) -> None:
        """Inside a transaction: a warehouse's row (its grants: see Catalog.drop_warehouse)."""
        tx.execute("DELETE FROM snowreg.warehouses WHERE name = ?", [name])
