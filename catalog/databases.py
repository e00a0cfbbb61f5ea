"""Databases and schemas: their registry rows, and the tables and views DuckDB holds in them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from snowreg import errors
from snowreg.catalog.names import HIDDEN, physical, snowflake
from snowreg.catalog.pristine import INSERT_DATABASE, INSERT_SCHEMA
from snowreg.catalog.store import Store, now, quote


@dataclass(frozen=True, slots=True)
class DatabaseRow:
    name: str
    created_on: datetime
    owner: str | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class SchemaRow:
    database_name: str
    name: str
    created_on: datetime
    owner: str | None
    comment: str | None


class DatabasesPart:
    """The databases and schemas tables, and the DuckDB databases and schemas they stand for. Creating
    or dropping one also changes other families (grants, models, stages, tags): the Catalog does that,
    with the row steps here."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reads -------------------------------------------------------------------------------

    def get_database(self, name: str) -> DatabaseRow | None:
        return self.store.cached(("database", name), lambda: self._load_database(name))

    def _load_database(self, name: str) -> DatabaseRow | None:
        pristine = self.store.pristine
        if pristine is not None:
            found = pristine.databases.get(name)
            return DatabaseRow(*found[:4]) if found else None
        row = self.store.query_one(
            "SELECT name, created_on, owner, comment FROM snowreg.databases WHERE name = ?", [name]
        )
        return DatabaseRow(*row) if row else None

    def list_databases(self) -> list[DatabaseRow]:
        rows = self.store.query("SELECT name, created_on, owner, comment FROM snowreg.databases ORDER BY name")
        return [DatabaseRow(*r) for r in rows]

    def get_schema(self, database: str, name: str) -> SchemaRow | None:
        return self.store.cached(("schema", database, name), lambda: self._load_schema(database, name))

    def _load_schema(self, database: str, name: str) -> SchemaRow | None:
        pristine = self.store.pristine
        if pristine is not None:
            found = pristine.schemas.get((database, name))
            return SchemaRow(*found[:5]) if found else None
        row = self.store.query_one(
            "SELECT database_name, name, created_on, owner, comment FROM snowreg.schemas "
            "WHERE database_name = ? AND name = ?",
            [database, name],
        )
        return SchemaRow(*row) if row else None

    def list_schemas(self, database: str | None = None) -> list[SchemaRow]:
        sql = "SELECT database_name, name, created_on, owner, comment FROM snowreg.schemas"
        params: list[Any] = []
        if database is not None:
            sql += " WHERE database_name = ?"
            params.append(database)
        return [SchemaRow(*r) for r in self.store.query(sql + " ORDER BY database_name, name", params)]

    def schema_managed_access(self, database: str, schema: str) -> bool:
        pristine = self.store.pristine
        if pristine is not None:
            found = pristine.schemas.get((database, schema))
            return bool(found and found[5])
        row = self.store.query_one("SELECT managed_access FROM snowreg.schemas WHERE database_name = ? AND name = ?",
                                   [database, schema])
        return bool(row and row[0])

    def relation_kind(self, database: str, schema: str, name: str) -> str | None:
        """TABLE or VIEW when a user table or view of that name exists in DuckDB, else None.

        Cached until the next registry write or `relations_changed()` (plain DDL calls it).
        """
        return self.store.cached(("relation", database, schema, name),
                                 lambda: self._relation_kind(database, schema, name))

    def relation_created(self, database: str, schema: str, name: str) -> None:
        """Plain SQL just created a table of that name (after `relations_changed()`): remember its kind."""
        self.store.cached(("relation", database, schema, name), lambda: "TABLE")

    def relation_gone(self, database: str, schema: str, name: str) -> None:
        """Plain SQL just dropped (or set aside) the table of that name (after `relations_changed()`)."""
        self.store.cached(("relation", database, schema, name), lambda: None)

    def _relation_kind(self, database: str, schema: str, name: str) -> str | None:
        # Two queries, the views only when no table has the name (a name is never both): each listing
        # costs ~0.6 ms CPU, their UNION ALL ~1.7 ms (DuckDB plans the union and both listings every time).
        if HIDDEN in name:  # a dropped table kept for UNDROP is no table of that name
            return None
        key = [database, schema, physical(name)]
        if self.store.data_query("SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                                 "AND table_name = ? LIMIT 1", key):
            return "TABLE"
        if self.store.data_query("SELECT 1 FROM duckdb_views() WHERE database_name = ? AND schema_name = ? "
                                 "AND view_name = ? AND NOT internal LIMIT 1", key):
            return "VIEW"
        return None

    def has_variant_column(self, database: str, schema: str, name: str) -> bool:
        """Does the user table or view of that name have a VARIANT / OBJECT / ARRAY column (DuckDB JSON)?
        Cached like `relation_kind`."""
        return self.store.cached(("relation", database, schema, name, "variant"), lambda: bool(self.store.data_query(
            "SELECT 1 FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
            "AND data_type = 'JSON' LIMIT 1", [database, schema, physical(name)])))

    def column_types(self, database: str, schema: str, name: str) -> tuple[tuple[str, str], ...]:
        """The Snowflake name and DuckDB type of each column of a user table, in order. Cached like
        `relation_kind`."""
        rows = self.store.cached(("relation", database, schema, name, "types"), lambda: self.store.data_query(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index", [database, schema, physical(name)]))
        return tuple((snowflake(str(column)), str(kind)) for column, kind in rows)

    def relation_names(self, database: str, schema: str, kind: str) -> list[str]:
        """The Snowflake names of the user tables (kind TABLE) or views (VIEW) of a schema, sorted."""
        table, column = ("duckdb_tables()", "table_name") if kind == "TABLE" else ("duckdb_views()", "view_name")
        rows = self.store.data_query(f"SELECT {column} FROM {table} WHERE database_name = ? AND schema_name = ? "
                                     f"AND NOT internal AND NOT contains({column}, chr(30))", [database, schema])
        return sorted(snowflake(r[0]) for r in rows)

    # -- the steps of creating and dropping (the Catalog runs them with the other families') -----

    def attach_new(self, name: str) -> str | None:
        """Attach a new database's DuckDB database with its PUBLIC schema; returns its file (None in memory).
        A dropped database of that name left nothing to inherit."""
        store = self.store
        if store.own_catalog(name):  # the ATTACH below would silently be that catalog
            raise errors.not_supported(f"A database named {name} (snowreg's data instance keeps a catalog of "
                                       "that name for itself)")
        file = None
        if store.path is not None:
            file = hashlib.sha1(name.encode()).hexdigest()[:16] + ".duckdb"
            store.remove_database_file(file)
        store.attach(name, file)
        try:
            store.data.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(name)}.\"PUBLIC\"")
        except BaseException:
            self.detach(name)
            raise
        return file

    def detach(self, name: str) -> None:
        self.store.data.execute(f"DETACH DATABASE IF EXISTS {quote(name)}")
        self.store.data_catalog_changed()

    def insert_database(self, tx: duckdb.DuckDBPyConnection, name: str, owner: str | None, comment: str | None,
                        file: str | None) -> None:
        """The rows of a new database and its PUBLIC schema."""
        tx.execute(INSERT_DATABASE, [name, now(), owner, comment, file])
        tx.execute(INSERT_SCHEMA, [name, "PUBLIC", now(), owner, None, False])

    def database_file(self, name: str) -> str | None:
        row = self.store.db.execute("SELECT file FROM snowreg.databases WHERE name = ?", [name]).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def delete_database_rows(self, tx: duckdb.DuckDBPyConnection, name: str) -> None:
        tx.execute("DELETE FROM snowreg.schemas WHERE database_name = ?", [name])
        tx.execute("DELETE FROM snowreg.databases WHERE name = ?", [name])

    def create_schema_in_data(self, database: str, name: str) -> None:
        self.store.data.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(database)}.{quote(name)}")
        self.store.data_catalog_changed()

    def insert_schema(self, tx: duckdb.DuckDBPyConnection, database: str, name: str, owner: str | None,
                      comment: str | None, managed_access: bool) -> None:
        tx.execute(INSERT_SCHEMA, [database, name, now(), owner, comment, managed_access])

    def set_comment(self, database: str, schema: str | None, comment: str | None) -> None:
        """COMMENT ON DATABASE (schema None) | SCHEMA; ALTER … SET / UNSET (None) COMMENT."""
        with self.store.transaction(stale=lambda key: key[0] in ("database", "schema")) as tx:
            if schema is None:
                tx.execute("UPDATE snowreg.databases SET comment = ? WHERE name = ?", [comment, database])
            else:
                tx.execute("UPDATE snowreg.schemas SET comment = ? WHERE database_name = ? AND name = ?",
                           [comment, database, schema])

    def set_managed_access(self, database: str, schema: str, managed: bool) -> None:
        """ALTER SCHEMA … ENABLE | DISABLE MANAGED ACCESS."""
        with self.store.transaction(stale=lambda key: key[0] in ("database", "schema")) as tx:
            tx.execute("UPDATE snowreg.schemas SET managed_access = ? WHERE database_name = ? AND name = ?",
                       [managed, database, schema])

    def set_owner(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, owner: str | None) -> None:
        tx.execute("UPDATE snowreg.schemas SET owner = ? WHERE database_name = ? AND name = ?", [owner, database, schema])

    def delete_schema_row(self, tx: duckdb.DuckDBPyConnection, database: str, name: str) -> None:
        tx.execute("DELETE FROM snowreg.schemas WHERE database_name = ? AND name = ?", [database, name])

    def drop_schema_in_data(self, database: str, name: str) -> None:
        self.store.data.execute(f"DROP SCHEMA IF EXISTS {quote(database)}.{quote(name)} CASCADE")
        self.store.data_catalog_changed()
