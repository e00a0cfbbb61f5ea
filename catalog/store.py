"""The DuckDB instances behind a registry: connections, transactions, cached reads and generations."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from snowreg.catalog import migrations, sandbox
from snowreg.catalog.pristine import Pristine, seed

T = TypeVar("T")


def now() -> datetime:
    return datetime.now(UTC)


def quote(name: str) -> str:
    """A DuckDB identifier for a resolved Snowflake name."""
    return '"' + name.replace('"', '""') + '"'


def ids_in(tx: duckdb.DuckDBPyConnection, table: str, database: str, schema: str | None = None) -> list[int]:
    """Inside a transaction: the ids of a registry table's rows in a database (or one of its schemas)."""
    where, params = ("database_name = ?", [database]) if schema is None else \
        ("database_name = ? AND schema_name = ?", [database, schema])
    return [int(r[0]) for r in tx.execute(f"SELECT id FROM snowreg.{table} WHERE {where}", params).fetchall()]


def nothing_stale(key: tuple[Any, ...]) -> bool:
    """The `stale` of a write no cached read holds (or whose new values the writer puts in the cache
    itself): committing it keeps every cached read without looking at each one."""
    return False


def _relation_key(key: tuple[Any, ...]) -> bool:
    """Is a cached read about DuckDB's user tables and views (which plain DDL changes)?"""
    return key[0] == "relation"


class Store:
    """Owns both DuckDB instances; every registry write goes through `transaction()`.

    `db` holds registry state (users, roles, grants, models, files) and is used only by the catalog;
    `data` holds the Snowflake databases users query, sandboxed (see `sandbox.open_data`). Session
    cursors come from `data`, so no SQL a user writes can name, read or change registry state.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 stage_roots: Iterable[str | os.PathLike[str]] = (),
                 functions: sandbox.FunctionCatalog | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # Folders local-directory stages may use: those granted, and the registry's own directory.
        self.stage_roots = [Path(r).resolve() for r in stage_roots]
        if self.path is not None:
            self.stage_roots.append(self.path.resolve())
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / "databases").mkdir(exist_ok=True)
        self._db: duckdb.DuckDBPyConnection | None = None
        # A fresh in-memory registry starts without its tables (see pristine.py); a directory's opens them.
        self._pristine: Pristine | None = Pristine(now()) if self.path is None else None
        self.data, self.has_functions, self._functions_pending = sandbox.open_data(
            self.path / "databases" if self.path is not None else None, functions)
        self.lock = threading.RLock()
        self._python_done: set[str] = set()  # the sandbox.PYTHON_FUNCTIONS created on `data`
        self._in_tx = False
        self.generation = 0  # bumped by every committed write; lets caches notice changes
        # bumped with it by every write that may change models, versions or their files: not by plain DDL
        # (relations_changed) nor by the records of a table it made (`transaction(tables_only=True)`);
        # the model cache keys on it (a client makes a temporary table before each model call)
        self.versions_generation = 0
        self._tx_tables_only = False
        # bumped whenever the data instance's catalog (its databases, schemas, tables, views) may have changed
        self.relations_generation = 0
        # moves with relations_generation except after a CREATE TABLE, which adds no view (inference/view_index.py)
        self.views_generation = 0
        self._read_cache: dict[tuple[Any, ...], Any] = {}
        # INFORMATION_SCHEMA rows as Arrow tables by visible model ids, of one generation (information.py)
        self.information_tables: dict[tuple[int, ...] | None, tuple[int, dict[str, Any]]] = {}
        # MODEL_VERSIONS rows by model id, with the cached reads they were made of (information.ModelVersionRows)
        self.model_version_rows: dict[int, Any] = {}
        # the last combined MODEL_VERSIONS table of each set of visible models, with its models' ids and tables
        self.model_version_sets: dict[tuple[int, ...] | None, tuple[tuple[int, ...], tuple[Any, ...], Any]] = {}
        self._cache_generation = -1
        self._tx_stale_all = True
        self._files_dropped = False  # set by writes that delete file rows: unused blobs go at commit
        self._on_commit: list[Callable[[], None]] = []  # run once the open transaction has committed
        self.blob_shas: set[str] | None = None  # hashes of the stored blobs, once read (catalog/files.py)
        # moves on every write that can change who may do what; access_cache holds answers of one generation
        self.access_generation = 0
        self.access_cache: dict[Any, Any] = {}
        # Query results a repeated query may reuse, least recently used first (engine/sql/reuse.py)
        self.query_results: dict[tuple[Any, ...], Any] = {}
        self._empty_schema: str | None = None
        # Row updates of an in-memory registry not yet run on DuckDB, by (statement, row id): applied,
        # in order of their last occurrence, before anything else reaches the registry instance.
        self._deferred: dict[tuple[str, Any], list[Any]] = {}
        if self.path is not None:
            self._db = sandbox.open_registry(self.path)
            self._bootstrap(self._db, now())
            for (name, file) in self._db.execute("SELECT name, file FROM snowreg.databases").fetchall():
                self.attach(name, file)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def db(self) -> duckdb.DuckDBPyConnection:
        """The registry's own DuckDB instance; a fresh registry creates its tables on first use."""
        db = self._db
        if db is None:
            db = self._materialise()
        if self._deferred:
            self._flush(db)
        return db

    @db.setter
    def db(self, value: duckdb.DuckDBPyConnection) -> None:  # a profiler's spy (bench/) stands in
        self._db = value

    @property
    def pristine(self) -> Pristine | None:
        """The Python state of a registry that has not created its tables yet (None once it has)."""
        return self._pristine

    def _materialise(self) -> duckdb.DuckDBPyConnection:
        """Create the registry tables of a fresh registry and replay what it recorded so far."""
        with self.lock:
            if self._db is not None:
                return self._db
            pristine = self._pristine
            assert pristine is not None
            db = sandbox.open_registry(None)
            try:
                self._bootstrap(db, pristine.created_on)
                for sql, params in pristine.writes:
                    db.execute(sql, params)
            except BaseException:
                db.close()
                raise
            self._db, self._pristine = db, None
            return db

    def _bootstrap(self, db: duckdb.DuckDBPyConnection, created_on: datetime) -> None:
        ddl = resources.files("snowreg.catalog").joinpath("schema.sql").read_text()
        db.execute(ddl)
        migrations.migrate(db)
        seed(db, created_on)
        if self.path is not None:
            self._forget_stale(db)

    @cached_property
    def main(self) -> str:
        """The data instance's own catalog (DuckDB's name for the in-memory database it starts with)."""
        row = self.data.execute("SELECT current_database()").fetchone()
        assert row is not None
        return str(row[0])

    def own_catalog(self, name: str) -> bool:
        """Is `name` one of the catalogs the data instance keeps for itself (its own, DuckDB's system and temp,
        the prebuilt functions')? DuckDB matches catalog names case-blind."""
        return name.lower() in (self.main.lower(), "system", "temp", sandbox.MACRO_CATALOG)

    def empty_schema(self) -> str:
        """An empty schema a session's DuckDB cursor stands in while it has no current database/schema
        (created on first use), as `catalog.schema`."""
        if self._empty_schema is None:
            with self.lock:
                self.data.execute("CREATE SCHEMA IF NOT EXISTS snowreg_none")
                self._empty_schema = f"{quote(self.main)}.snowreg_none"
        return self._empty_schema

    def _forget_stale(self, db: duckdb.DuckDBPyConnection) -> None:
        """What a process killed mid-way left: temporary stages (their sessions are gone), unused file
        content, and the scratch folder of an interrupted upload. No other process holds the registry."""
        db.execute("DELETE FROM snowreg.files WHERE owner_kind = 'stage' AND owner_id IN "
                   "(SELECT id FROM snowreg.stages WHERE temporary)")
        db.execute("DELETE FROM snowreg.stages WHERE temporary")
        db.execute("DELETE FROM snowreg.grants WHERE object_kind = 'STAGE' AND object_id NOT IN "
                   "(SELECT id FROM snowreg.stages)")
        db.execute("DELETE FROM snowreg.blobs WHERE sha NOT IN (SELECT sha FROM snowreg.files)")
        self.blob_shas = None
        assert self.path is not None
        shutil.rmtree(self.path / "scratch", ignore_errors=True)

    def scratch(self) -> Path | None:
        """A folder for the files of an upload in progress (inside a persistent registry, emptied when it
        is next opened); None for an in-memory registry."""
        if self.path is None:
            return None
        folder = self.path / "scratch"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A DuckDB connection of its own (session state) over the sandboxed data instance."""
        with self.lock:
            return self.data.cursor()

    def functions_for(self, sql: str | None = None) -> None:
        """Attach the prebuilt functions before a statement that calls them (`sql` names their catalog;
        None: a statement that may call them without naming them). Once per registry, on the data
        instance's own connection, never inside a session's transaction: every session sees them and no
        ROLLBACK takes them back."""
        if sql is not None and len(self._python_done) < len(sandbox.PYTHON_FUNCTIONS):
            for name in sandbox.PYTHON_FUNCTIONS:
                if name not in self._python_done and (name in sql or name.upper() in sql):
                    self.python_function(name)
        pending = self._functions_pending
        if pending is None or (sql is not None and pending.name not in sql and pending.name.upper() not in sql):
            return
        with self.lock:
            if self._functions_pending is None:
                return
            if not sandbox.attach_functions(self.data, pending):
                assert pending.create is not None  # open_data defers only functions it can create
                pending.create(self.data)
            self._functions_pending = None

    def python_function(self, name: str) -> None:
        """Create the Python function `name` of sandbox.PYTHON_FUNCTIONS on the data instance (once)."""
        with self.lock:
            if name not in self._python_done:
                sandbox.PYTHON_FUNCTIONS[name](self.data)
                self._python_done.add(name)

    def stage_root_allowed(self, directory: Path) -> bool:
        """May a local-directory stage use `directory` (resolved)? Only below a granted root."""
        return any(directory == root or root in directory.parents for root in self.stage_roots)

    def allow_stage_root(self, directory: str | os.PathLike[str]) -> None:
        """Grant one more folder to local-directory stages (the embedding program's own decision)."""
        root = Path(directory).resolve()
        if root not in self.stage_roots:
            self.stage_roots.append(root)

    def data_query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read DuckDB's own information about user tables (never registry state)."""
        with self.lock:
            return self.data.execute(sql, params).fetchall()

    def close(self) -> None:
        with self.lock:
            self.data.close()
            if self._db is not None:
                self._db.close()

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self, stale: Callable[[tuple[Any, ...]], bool] | None = None, tables_only: bool = False
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run registry writes atomically: all of them or none (nested calls join the outer one).

        `stale` names the cached reads the writes can change; without it every cached read is dropped.
        `tables_only`: the writes touch only the records of plain tables (their kind, columns, keys and
        grants), never a model, version or file: `versions_generation` stays.
        """
        with self.lock:
            if self._in_tx:
                self._tx_stale_all = True  # a nested write: do not trust the outer one's `stale`
                self._tx_tables_only = False
                yield self.db
                return
            self._tx_stale_all = stale is None
            self._tx_tables_only = tables_only
            self.db.execute("BEGIN TRANSACTION")
            self._in_tx = True
            try:
                yield self.db
            except BaseException:
                self._in_tx = False
                self._files_dropped = False
                self._on_commit.clear()
                self.db.execute("ROLLBACK")
                self.blob_shas = None  # read inside the transaction, they may name content it had stored
                self.generation += 1  # reads made inside the transaction may have been cached
                self.versions_generation += 1
                raise
            self._in_tx = False
            if self._files_dropped:
                self._files_dropped = False
                self.db.execute("DELETE FROM snowreg.blobs WHERE sha NOT IN (SELECT sha FROM snowreg.files)")
                self.blob_shas = None  # the remembered hashes of stored content (put_blobs) may be gone
            self.db.execute("COMMIT")
            self._committed(None if self._tx_stale_all else stale, versions=not self._tx_tables_only)
            done, self._on_commit = self._on_commit, []
            for callback in done:
                callback()

    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def access_changed(self) -> None:
        """A write that can change who may do what (grants, roles, owners, containers) happened."""
        self.access_generation += 1

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the open transaction commits (never if it rolls back); at once outside one."""
        if self._in_tx:
            self._on_commit.append(callback)
        else:
            callback()

    def files_dropped(self) -> None:
        """Called inside a transaction that deletes file rows: their unshared content is freed at commit."""
        self._files_dropped = True

    def write_one(self, sql: str, params: list[Any], stale: Callable[[tuple[Any, ...]], bool] | None = None,
                  deferred: bool = False) -> None:
        """One write statement: atomic by itself in DuckDB, so it needs no BEGIN / COMMIT round trips.

        `deferred`: an UPDATE of one row by id (its last parameter) that cannot fail, whose new values the
        caller keeps in its cached reads. In an in-memory registry it is run on DuckDB only when something
        next reaches the registry instance (a query, a transaction), and a later update by the same
        statement of the same row replaces it (see `_flush`). Persistent registries write at once.
        """
        with self.lock:
            if self._in_tx:
                self._tx_stale_all = True
                self._tx_tables_only = False
                self.db.execute(sql, params)
                return
            if deferred and self.path is None and self._db is not None:
                key = (sql, params[-1])
                self._deferred.pop(key, None)  # moved to the end: it is now the last of its kind
                self._deferred[key] = params
            else:
                self.db.execute(sql, params)
            self._committed(stale)

    def _flush(self, db: duckdb.DuckDBPyConnection) -> None:
        """Run the deferred updates. Each one sets the same columns every time, so running only the last
        of each (statement, row) in order of last occurrence leaves every column as the full sequence would."""
        with self.lock:
            writes, self._deferred = self._deferred, {}
            if not writes:
                return
            if len(writes) == 1:
                ((sql, _), params), = writes.items()
                db.execute(sql, params)
                return
            db.execute("BEGIN TRANSACTION")
            try:
                for (sql, _), params in writes.items():
                    db.execute(sql, params)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _committed(self, stale: Callable[[tuple[Any, ...]], bool] | None, versions: bool = True) -> None:
        """After a write: bump the generation; keep the cached reads `stale` does not name. `versions`
        False: no model, version or file changed (`versions_generation` stays)."""
        self.generation += 1
        if versions:
            self.versions_generation += 1
        if stale is nothing_stale and self._cache_generation == self.generation - 1:
            self._cache_generation = self.generation  # a scan of thousands of keys (~0.2 ms) for nothing
        elif stale is not None and self._cache_generation == self.generation - 1:
            for key in [k for k in self._read_cache if stale(k)]:
                del self._read_cache[key]
            self._cache_generation = self.generation

    def pristine_written(self) -> None:
        """A write the pristine state recorded (no DuckDB transaction): cached reads are dropped."""
        with self.lock:
            self._committed(None)

    def relations_changed(self, views: bool = True) -> None:
        """Plain SQL changed DuckDB's tables or views behind the registry's back: the generation moves on
        (plans and INFORMATION_SCHEMA rows keyed by it are rebuilt) and the cached reads of relations go.
        Cached registry rows stay: they live in the registry's own instance, which plain SQL cannot reach.
        `views=False`: the statement can have created, changed or dropped no view (a CREATE TABLE)."""
        with self.lock:
            self.relations_generation += 1
            self.views_generation += views
            self._committed(_relation_key, versions=False)

    def data_catalog_changed(self) -> None:
        """A database or schema of the data instance was attached, created, dropped or detached, or a
        session's transaction (which may hold DDL) ended: caches of DuckDB's catalog (not registry rows) go."""
        self.relations_generation += 1
        self.views_generation += 1

    def cached(self, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        """A registry read served from memory until the next write (never inside a transaction)."""
        with self.lock:
            if self._in_tx:
                return load()
            if self._cache_generation != self.generation:
                self._read_cache.clear()
                self._cache_generation = self.generation
            if key in self._read_cache:
                return self._read_cache[key]  # type: ignore[no-any-return]
            value = self._read_cache[key] = load()
            return value

    def cached_many(self, kind: str, ids: list[int]) -> dict[int, Any]:
        """The cached values of (kind, id) keys that are still fresh."""
        with self.lock:
            if self._cache_generation != self.generation or self._in_tx:
                return {}
            return {i: self._read_cache[(kind, i)] for i in ids if (kind, i) in self._read_cache}

    def fresh_cache(self) -> dict[tuple[Any, ...], Any] | None:
        """The cached reads, for a write to write its new values through (call under the lock, after the
        write): None when they are dropped on next use anyway (stale, or inside a transaction)."""
        if self._in_tx or self._cache_generation != self.generation:
            return None
        return self._read_cache

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.db.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        with self.lock:
            return self.db.execute(sql, params).fetchone()

    def next_id(self) -> int:
        row = self.db.execute("SELECT nextval('snowreg.ids')").fetchone()
        assert row is not None
        return int(row[0])

    # -- the data instance's databases -------------------------------------------------------

    def attach(self, name: str, file: str | None) -> None:
        """Attach a Snowflake database to the data instance (its own file in a persistent registry)."""
        target = ":memory:" if file is None or self.path is None else str((self.path / "databases" / file).resolve())
        self.data.execute(f"ATTACH IF NOT EXISTS '{target}' AS {quote(name)}")
        self.data_catalog_changed()

    def remove_database_file(self, file: str) -> None:
        """Delete a detached database's DuckDB file (and its write-ahead log)."""
        assert self.path is not None
        for suffix in ("", ".wal"):
            (self.path / "databases" / (file + suffix)).unlink(missing_ok=True)
