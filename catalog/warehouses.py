"""Warehouses: recorded, never run (snowreg has no compute), for SHOW WAREHOUSES and CURRENT_WAREHOUSE."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson

from snowreg.catalog.grants import GrantsPart, ObjectKey
from snowreg.catalog.store import now

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


class WarehousesPart(GrantsPart):
    """The warehouses table (see schema.sql)."""

    def get_warehouse(self, name: str) -> WarehouseRow | None:
        row = self.query_one(f"SELECT {_COLS} FROM snowreg.warehouses WHERE name = ?", [name])
        return WarehouseRow(*row) if row else None

    def list_warehouses(self) -> list[WarehouseRow]:
        return [WarehouseRow(*r) for r in self.query(f"SELECT {_COLS} FROM snowreg.warehouses ORDER BY name")]

    def create_warehouse(self, name: str, owner: str, state: str, properties: dict[str, str],
                         replace: bool = False) -> None:
        stamp = now()
        with self.transaction() as tx:
            if replace:  # CREATE OR REPLACE: the old warehouse's grants go with it
                tx.execute("DELETE FROM snowreg.warehouses WHERE name = ?", [name])
                self._forget_object(tx, ObjectKey("WAREHOUSE", name=name))
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
        with self.transaction() as tx:
            tx.execute("UPDATE snowreg.warehouses SET state = ?, properties = ?, updated_on = ?, resumed_on = ? "
                       "WHERE name = ?", [state or row.state, orjson.dumps(merged).decode(), stamp, resumed, name])

    def drop_warehouse(self, name: str) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM snowreg.warehouses WHERE name = ?", [name])
            self._forget_object(tx, ObjectKey("WAREHOUSE", name=name))
