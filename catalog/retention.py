"""DATA_RETENTION_TIME_IN_DAYS of the account, databases, schemas and tables, as the registry records them.

https://docs.snowflake.com/en/user-guide/data-time-travel ("Specifying the data retention period for an
object"): a table without its own value takes its schema's, then its database's, then the account's; the
default is 1. snowreg keeps a dropped table one day or not at all, so the values are 0 and 1
(conformance/DECISIONS.md L30). A table's own value is one of its records (catalog/tables.py: it follows
the table through RENAME, DROP and UNDROP); a database's or schema's goes with it.
"""

from __future__ import annotations

from typing import Literal

import duckdb

from snowreg import errors
from snowreg.catalog.store import Store

DEFAULT = 1
PARAMETER = "DATA_RETENTION_TIME_IN_DAYS"
Level = Literal["", "ACCOUNT", "DATABASE", "SCHEMA", "TABLE"]

# A table's own value.
_TABLE = "SELECT days FROM snowreg.table_retention WHERE database_name = ? AND schema_name = ? AND name = ?"
# A schema's or database's value and the level it was set at, the most specific first (the account's is a meta row).
_SETTING = (
    "SELECT days, level FROM ("
    " SELECT days, 'SCHEMA' AS level, 2 AS o FROM snowreg.container_retention"
    "  WHERE ?::VARCHAR IS NOT NULL AND database_name = ? AND schema_name = ?"
    " UNION ALL SELECT days, 'DATABASE', 3 FROM snowreg.container_retention"
    "  WHERE ?::VARCHAR IS NOT NULL AND database_name = ? AND schema_name IS NULL"
    f" UNION ALL SELECT value::INTEGER, 'ACCOUNT', 4 FROM snowreg.meta WHERE key = '{PARAMETER}'"
    ") ORDER BY o LIMIT 1")


def check_days(text: str) -> int:
    """The value of `DATA_RETENTION_TIME_IN_DAYS = <text>`: 0 or 1; another integer is not supported (snowreg
    keeps a dropped table one day or not at all), anything else is not a value of the parameter."""
    value = text.strip().strip("'")
    if not value.isdigit():
        raise errors.invalid_parameter_value(PARAMETER, value)
    days = int(value)
    if days not in (0, 1):
        raise errors.not_supported(f"{PARAMETER} = {days} (snowreg keeps a dropped table for one day or not at all: "
                                   "0 or 1)")
    return days


class RetentionPart:
    """The table_retention / container_retention rows and the account's meta row (see schema.sql)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Values read, by (database, schema), and whether no table has a value of its own: kept until one of
        # these rows changes (DROP TABLE asks for them each time, and the registry writes of a DROP drop
        # the store's cached reads). Nothing is kept from inside a transaction (it may roll back).
        self._memo: dict[tuple[str | None, str | None], tuple[int, Level]] = {}
        self._no_table_values = False

    def setting(self, database: str | None = None, schema: str | None = None, name: str | None = None
                ) -> tuple[int, Level]:
        """The retention in effect for the account (no arguments), a database, a schema or a table, and the
        level it was set at ("": the default)."""
        if self.store.pristine is not None:  # nothing set yet
            return DEFAULT, ""
        if name is not None and not self._none_on_tables():
            # cached with the table's recorded shape: a CREATE that records a table drops both
            own = self.store.cached(("table_shape", database, schema, name, PARAMETER),
                                    lambda: self.store.query_one(_TABLE, [database, schema, name]))
            if own is not None:
                return int(own[0]), "TABLE"
        memo = self._memo.get((database, schema))
        if memo is not None:
            return memo
        row = self.store.query_one(_SETTING, [schema, database, schema, database, database])
        found: tuple[int, Level] = (DEFAULT, "") if row is None else (int(row[0]), row[1])
        if not self.store.in_transaction:
            self._memo[(database, schema)] = found
        return found

    def _none_on_tables(self) -> bool:
        """Whether no table has a value of its own (table values are added only by `set_table` and
        `tables_added`, which forget the answer; one removed only makes the answer a look more)."""
        if not self._no_table_values:
            none = self.store.query_one("SELECT NOT EXISTS (SELECT 1 FROM snowreg.table_retention)") == (True,)
            self._no_table_values = none and not self.store.in_transaction
            return none
        return True

    def known_none_on_tables(self) -> bool:
        """Whether no table is known to have a value of its own, without a look (False: not known)."""
        return self._no_table_values

    def tables_added(self) -> None:
        """Table values were copied (CREATE SCHEMA … CLONE) or set: `_none_on_tables` looks again."""
        self._no_table_values = False

    def _changed(self) -> None:
        self._memo.clear()
        self._no_table_values = False

    def days(self, database: str, schema: str, name: str) -> int:
        """The retention of a table (its own, else inherited)."""
        return self.setting(database, schema, name)[0]

    def set_account(self, days: int | None) -> None:
        """ALTER ACCOUNT SET (`days`) / UNSET (None)."""
        try:
            with self.store.transaction() as tx:
                tx.execute("DELETE FROM snowreg.meta WHERE key = ?", [PARAMETER])
                if days is not None:
                    tx.execute("INSERT INTO snowreg.meta VALUES (?, ?)", [PARAMETER, str(days)])
        finally:
            self._changed()

    def set_container(self, database: str, schema: str | None, days: int | None) -> None:
        """CREATE / ALTER DATABASE | SCHEMA … SET (`days`) / UNSET (None) of a database (`schema` None) or schema."""
        try:
            with self.store.transaction() as tx:
                self.forget_container(tx, database, schema, only=True)
                if days is not None:
                    tx.execute("INSERT INTO snowreg.container_retention VALUES (?, ?, ?)", [database, schema, days])
        finally:
            self._changed()

    def set_table(self, database: str, schema: str, name: str, days: int | None) -> None:
        """CREATE TABLE … DATA_RETENTION_TIME_IN_DAYS = n, ALTER TABLE … SET (`days`) / UNSET (None)."""
        try:
            with self.store.transaction() as tx:
                tx.execute("DELETE FROM snowreg.table_retention WHERE database_name = ? AND schema_name = ? "
                           "AND name = ?", [database, schema, name])
                if days is not None:
                    tx.execute("INSERT INTO snowreg.table_retention VALUES (?, ?, ?, ?)",
                               [database, schema, name, days])
        finally:
            self._changed()

    def forget_container(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None,
                         only: bool = False) -> None:
        """A dropped (or re-created) database takes its own and its schemas' values along, a schema its own
        (`only`: just the database's own row, not its schemas')."""
        self._memo.clear()
        if schema is None and only:
            tx.execute("DELETE FROM snowreg.container_retention WHERE database_name = ? AND schema_name IS NULL",
                       [database])
        elif schema is None:
            tx.execute("DELETE FROM snowreg.container_retention WHERE database_name = ?", [database])
        else:
            tx.execute("DELETE FROM snowreg.container_retention WHERE database_name = ? AND schema_name = ?",
                       [database, schema])
