"""Dropped tables kept for UNDROP TABLE and SHOW TABLES HISTORY (Snowflake's Time Travel), as the registry records them.

DROP TABLE renames the DuckDB table in its own schema to a hidden name holding HIDDEN (chr(30), which
no listing shows: catalog/relations.py and views.sql leave such names out), renames the table's records
with it and keeps its grants aside (snowreg.dropped_grants). It stays so for the retention period
(one day, DATA_RETENTION_TIME_IN_DAYS = 1; with 0 nothing is kept: catalog/retention.py, DECISIONS.md L33),
then is purged. The Catalog runs these steps with the other families' (catalog/__init__.py).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from snowreg.catalog.names import HIDDEN
from snowreg.catalog.store import Store, now

RETENTION = timedelta(days=1)

_COLS = "database_name, schema_name, name, hidden, created_on, owner, dropped_on"


@dataclass(frozen=True, slots=True)
class DroppedRow:
    database_name: str
    schema_name: str
    name: str
    hidden: str  # the Snowflake-form name the table and its records are kept under
    created_on: datetime | None
    owner: str | None
    dropped_on: datetime


@dataclass(frozen=True, slots=True)
class DroppedContainer:
    """A dropped database (`schema_name` None) or schema, as SHOW … HISTORY lists it."""

    database_name: str
    schema_name: str | None
    created_on: datetime | None
    owner: str | None
    comment: str | None
    dropped_on: datetime


_NEXTVAL = re.compile(r"nextval\('((?:[^']|'')*)'\)", re.I)


def reads_shared_sequence(defaults: Iterable[str | None]) -> bool:
    """Whether a table's column defaults (DuckDB's texts) read a sequence other than its own identity
    sequences (`T$C$SEQ$…`): DuckDB would keep such a sequence from being dropped or replaced while the table
    is kept, where Snowflake lets it go, so such a table is dropped for good (DECISIONS.md L2)."""
    return any("$SEQ$" not in m and "$SEQO$" not in m for d in defaults if d for m in _NEXTVAL.findall(d))


def hidden_name(name: str) -> str:
    """A fresh hidden name for a dropped table `name` (what it is kept under until UNDROP or purge)."""
    return f"{name}{HIDDEN}{secrets.token_hex(8)}"


class DroppedPart:
    """The dropped_tables rows (the grants kept aside are the grants family's: GrantsPart)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._checked: datetime | None = None  # when `expired` last looked (it looks at most once a minute)

    def listed(self, database: str | None = None, schema: str | None = None, name: str | None = None
               ) -> list[DroppedRow]:
        """Kept tables (of one database, schema or name) still within their retention, the most recently
        dropped first."""
        return [r for r in self._rows(database, schema, name) if r.dropped_on > now() - RETENTION]

    def _rows(self, database: str | None = None, schema: str | None = None, name: str | None = None
              ) -> list[DroppedRow]:
        if self.store.pristine is not None:
            return []
        rows = self.store.query(
            f"SELECT {_COLS} FROM snowreg.dropped_tables WHERE (? IS NULL OR database_name = ?) AND "
            "(? IS NULL OR schema_name = ?) AND (? IS NULL OR name = ?) ORDER BY dropped_on DESC",
            [database, database, schema, schema, name, name])
        return [DroppedRow(*r) for r in rows]

    def expired(self, at: datetime) -> list[DroppedRow]:
        """Kept tables whose retention has ended (none when it looked less than a minute ago: `listed`
        leaves them out meanwhile, so a DROP TABLE does not pay for the look each time)."""
        if self._checked is not None and at - self._checked < timedelta(minutes=1):
            return []
        self._checked = at
        return [r for r in self._rows() if r.dropped_on <= at - RETENTION]

    def insert(self, tx: duckdb.DuckDBPyConnection, row: DroppedRow) -> None:
        tx.execute(f"INSERT INTO snowreg.dropped_tables ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [row.database_name, row.schema_name, row.name, row.hidden, row.created_on, row.owner,
                    row.dropped_on])

    def delete(self, tx: duckdb.DuckDBPyConnection, hidden: str) -> None:
        tx.execute("DELETE FROM snowreg.dropped_tables WHERE hidden = ?", [hidden])

    def forget_container(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None) -> None:
        """A dropped database or schema takes the tables kept in it along (their DuckDB tables go with it)."""
        where = "database_name = ?" + ("" if schema is None else " AND schema_name = ?")
        params = [database] if schema is None else [database, schema]
        tx.execute(f"DELETE FROM snowreg.dropped_grants WHERE {where}", params)
        tx.execute(f"DELETE FROM snowreg.dropped_tables WHERE {where}", params)

    def containers(self, database: str | None = None, schemas: bool = False) -> list[DroppedContainer]:
        """Dropped databases (`schemas` False) or schemas (of `database`, or all) still within their retention,
        the most recently dropped first."""
        if self.store.pristine is not None:
            return []
        rows = self.store.query(
            "SELECT database_name, schema_name, created_on, owner, comment, dropped_on FROM snowreg.dropped_containers "
            "WHERE (schema_name IS NOT NULL) = ? AND (? IS NULL OR database_name = ?) AND dropped_on > ? "
            "ORDER BY dropped_on DESC", [schemas, database, database, now() - RETENTION])
        return [DroppedContainer(*r) for r in rows]

    def remember_container(self, tx: duckdb.DuckDBPyConnection, row: DroppedContainer) -> None:
        """DROP DATABASE | SCHEMA: what SHOW … HISTORY shows of it (its contents are not kept)."""
        tx.execute("INSERT INTO snowreg.dropped_containers VALUES (?, ?, ?, ?, ?, ?)",
                   [row.database_name, row.schema_name, row.created_on, row.owner, row.comment, row.dropped_on])
