"""The only writer of registry state: DuckDB tables, SHOW / INFORMATION_SCHEMA views, stages and files."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from snowreg.catalog import information
from snowreg.catalog.models import ModelRow, VersionContent, VersionIndex, VersionRow
from snowreg.catalog.objects import StageRow, TagRow
from snowreg.catalog.pristine import INSERT_DATABASE, INSERT_SCHEMA
from snowreg.catalog.sandbox import FunctionCatalog
from snowreg.catalog.store import DatabaseRow, SchemaRow, now, quote
from snowreg.catalog.tables import ColumnSpec, KeySpec, TableShape, TablesPart
from snowreg.catalog.warehouses import WarehouseRow

__all__ = [
    "Catalog", "ColumnSpec", "DatabaseRow", "KeySpec", "TableShape", "FunctionCatalog", "ModelRow", "SchemaRow", "StageRow", "TagRow", "VersionContent", "VersionIndex",
    "VersionRow", "WarehouseRow", "quote",
]


@cache
def _ml_version() -> str:
    """snowflake-ml-python's version, or "" (importlib.metadata is loaded only when the package is there)."""
    try:
        if importlib.util.find_spec("snowflake.ml") is None:
            return ""
    except (ImportError, ValueError):
        return ""
    from importlib import metadata

    try:
        return metadata.version("snowflake-ml-python")
    except metadata.PackageNotFoundError:
        return ""


class Catalog(TablesPart):
    """A registry: in memory, or persistent under a directory. Writes that span families (a database
    or schema with its models, stages, tags and grants) are here, each in one transaction."""

    _views_sql: str | None = None
    _shared: ClassVar[dict[Path, list[Any]]] = {}  # directory → [catalog, number of users]
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None,
             stage_roots: Iterable[str | os.PathLike[str]] = (), functions: FunctionCatalog | None = None
             ) -> Catalog:
        """A fresh in-memory registry, or the one catalog this process holds for a directory.

        Every connection to one directory in one process shares its state (a REVOKE through one is
        enforced through all); `release()` closes it when the last user is done. `functions`: the
        prebuilt functions user SQL calls (without them each session creates its own).
        """
        if path is None:
            return cls(None, stage_roots, functions)
        key = Path(path).resolve()
        with cls._shared_lock:
            entry = cls._shared.get(key)
            if entry is None:
                entry = cls._shared[key] = [cls(key, stage_roots, functions), 0]
            entry[1] += 1
            catalog: Catalog = entry[0]
        for root in stage_roots:
            catalog.allow_stage_root(root)
        return catalog

    def release(self) -> None:
        """One user of `open()` is done: close when it was the last (or when the catalog is private)."""
        with Catalog._shared_lock:
            key = self.path.resolve() if self.path is not None else None
            entry = Catalog._shared.get(key) if key is not None else None
            if entry is not None and entry[0] is self:
                entry[1] -= 1
                if entry[1] > 0:
                    return
                del Catalog._shared[key]  # type: ignore[arg-type]
        self.close()

    def install_session(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Create the per-session macros behind INFORMATION_SCHEMA names on a new DuckDB cursor."""
        if Catalog._views_sql is None:
            Catalog._views_sql = resources.files("snowreg.catalog").joinpath("views.sql").read_text()
        information.withdraw(self, cursor)
        cursor.execute(Catalog._views_sql.replace("{ml_version}", _ml_version()))

    def withdraw_information(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Take back what `expose_information` handed a session cursor (empty relations in its place)."""
        information.withdraw(self, cursor)

    def expose_information(self, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None,
                           registered: dict[str, Any], views: Iterable[str]) -> None:
        """Give a session cursor, for its next query over the INFORMATION_SCHEMA `views`, the rows they
        read of the `visible` models (`registered`: what the cursor holds already, updated)."""
        information.expose(self, cursor, visible, registered, information.relations(views))

    # -- databases and schemas: writes across the families (rows, models, stages, tags, grants) --

    def create_database(self, name: str, owner: str | None, comment: str | None = None) -> None:
        """Create a database with its PUBLIC schema; the caller checked it does not exist."""
        file = None
        if self.path is not None:
            file = hashlib.sha1(name.encode()).hexdigest()[:16] + ".duckdb"
            self._remove_database_file(file)  # a dropped database of that name left nothing to inherit
        with self.lock:
            self._attach(name, file)
            try:
                self.data.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(name)}.\"PUBLIC\"")
                pristine = self.pristine
                if pristine is not None:  # nothing else to forget or write: record it
                    pristine.add_database(name, now(), owner, comment)
                    pristine.add_schema(name, "PUBLIC", now(), owner, None, False)
                    self._committed(None)
                else:
                    with self.transaction() as tx:
                        self._forget_container(tx, name, None)  # stale grants of an earlier database of that name
                        tx.execute(INSERT_DATABASE, [name, now(), owner, comment, file])
                        tx.execute(INSERT_SCHEMA, [name, "PUBLIC", now(), owner, None, False])
            except BaseException:
                self.data.execute(f"DETACH DATABASE IF EXISTS {quote(name)}")
                raise
            self._access_changed()

    def drop_database(self, name: str) -> None:
        with self.lock:
            row = self.db.execute("SELECT file FROM snowreg.databases WHERE name = ?", [name]).fetchone()
            with self.transaction() as tx:
                model_ids = [r[0] for r in tx.execute(
                    "SELECT id FROM snowreg.models WHERE database_name = ?", [name]).fetchall()]
                for model_id in model_ids:
                    self._delete_model_rows(tx, model_id)
                tx.execute("DELETE FROM snowreg.schemas WHERE database_name = ?", [name])
                tx.execute("DELETE FROM snowreg.databases WHERE name = ?", [name])
                tx.execute("DELETE FROM snowreg.stages WHERE database_name = ?", [name])
                tx.execute("DELETE FROM snowreg.tags WHERE database_name = ?", [name])
                self._forget_container(tx, name, None)  # its grants go in the same transaction
            self.data.execute(f"DETACH DATABASE IF EXISTS {quote(name)}")
            if row is not None and row[0] is not None:
                self._remove_database_file(row[0])

    def create_schema(self, database: str, name: str, owner: str | None, comment: str | None = None,
                      managed_access: bool = False) -> None:
        with self.lock:
            self.data.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(database)}.{quote(name)}")
            pristine = self.pristine
            if pristine is not None:  # no grants or future grants to forget yet: record it
                pristine.add_schema(database, name, now(), owner, comment, managed_access)
                self._committed(None)
            else:
                with self.transaction() as tx:
                    self._forget_container(tx, database, name)  # stale grants of an earlier schema of that name
                    tx.execute(INSERT_SCHEMA, [database, name, now(), owner, comment, managed_access])
            self._access_changed()

    def drop_schema(self, database: str, name: str) -> None:
        with self.lock:
            with self.transaction() as tx:
                model_ids = [r[0] for r in tx.execute(
                    "SELECT id FROM snowreg.models WHERE database_name = ? AND schema_name = ?",
                    [database, name]).fetchall()]
                for model_id in model_ids:
                    self._delete_model_rows(tx, model_id)
                tx.execute("DELETE FROM snowreg.schemas WHERE database_name = ? AND name = ?", [database, name])
                tx.execute("DELETE FROM snowreg.stages WHERE database_name = ? AND schema_name = ?",
                           [database, name])
                self._forget_container(tx, database, name)  # its grants go in the same transaction
            self.data.execute(f"DROP SCHEMA IF EXISTS {quote(database)}.{quote(name)} CASCADE")
