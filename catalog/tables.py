"""Plain-SQL tables: the declared column types, table kind and unenforced keys DuckDB cannot hold."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import orjson

from snowreg.catalog import coltypes
from snowreg.catalog.coltypes import ColumnType
from snowreg.catalog.relations import list_columns
from snowreg.catalog.store import Store, now

_KEY_COLS = ("database_name, schema_name, table_name, position, kind, constraint_name, columns, ref_database, "
             "ref_schema, ref_table, ref_columns, created_on")


@dataclass(frozen=True, slots=True)
class KeySpec:
    """A PRIMARY KEY, UNIQUE or FOREIGN KEY constraint as CREATE TABLE declares it (names resolved)."""

    kind: str  # PRIMARY KEY | UNIQUE | FOREIGN KEY
    columns: tuple[str, ...]
    name: str | None = None
    references: tuple[str, str, str] | None = None  # FOREIGN KEY: database, schema, table
    ref_columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column's declared type, with the DuckDB type it was stored as."""

    name: str
    duck_type: str
    type: ColumnType


@dataclass(frozen=True, slots=True)
class TableShape:
    """What the registry recorded about one table (empty for a table it knows nothing of)."""

    kind: str = "TABLE"  # TABLE | TRANSIENT | TEMPORARY
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    not_null: frozenset[str] = frozenset()  # columns declared NOT NULL (or PRIMARY KEY)

    def column_type(self, name: str, duck_type: str) -> ColumnType:
        """The column's declared type, or the one its DuckDB type reads as (also for a stale record)."""
        spec = self.columns.get(name)
        if spec is not None and spec.duck_type == duck_type:
            return spec.type
        return coltypes.from_duckdb(duck_type)


_WHERE = "database_name = ? AND schema_name = ? AND {name} = ?"
# Each record table and its column naming the table: what follows a table through DROP and RENAME.
_RECORDS = (("table_kinds", "name"), ("table_columns", "table_name"), ("table_keys", "table_name"),
            ("table_retention", "name"), ("table_clustering", "name"), ("dynamic_tables", "name"),
            ("materialized_views", "name"), ("view_texts", "name"), ("secure_views", "name"))
_TABLE_RECORDS = _RECORDS[:-3]  # a table has no view text and is no materialized or secure view
_CLUSTERING = "SELECT key_text, suspended FROM snowreg.table_clustering WHERE " + _WHERE.format(name="name")


@dataclass(frozen=True, slots=True)
class Clustering:
    """A table's clustering key as SHOW TABLES shows it, and whether its reclustering is suspended."""

    key: str  # LINEAR(C1, C2)
    suspended: bool = False


class TablesPart:
    """The table_kinds / table_columns / table_keys tables (see schema.sql). A table's grants are another
    family's: Catalog forgets and renames tables with them."""

    def __init__(self, store: Store) -> None:
        self.store = store
        # Whether no table may have a DATA_RETENTION_TIME_IN_DAYS row (Catalog asks catalog/retention.py): a
        # dropped table then skips that DELETE
        self.no_retention_rows: Callable[[], bool] = lambda: False
        # Whether no table is known to have a clustering key: DROP and CREATE then skip that DELETE (set by a
        # look outside a transaction, cleared by every write of a key)
        self._no_clustering = False

    def record_table(self, database: str, schema: str, name: str, kind: str, columns: Sequence[ColumnSpec],
                     keys: Sequence[KeySpec], text: str | None = None, not_null: frozenset[str] = frozenset()
                     ) -> None:
        """A table was (re)created: what it is replaces whatever an earlier table of that name left
        (`text`: a view's CREATE statement as written; `not_null`: its columns DuckDB holds NOT NULL, as
        `_load_shape` would read them). Of the cached reads only this table's recorded shape can change
        (registry rows stay cached)."""
        self._look_for_clustering()
        with self.store.transaction(stale=lambda key: key[0] == "table_shape", tables_only=True) as tx:
            self._forget_shape(tx, database, schema, name)
            tx.execute("INSERT INTO snowreg.table_kinds VALUES (?, ?, ?, ?)", [database, schema, name, kind])
            if text is not None:
                tx.execute("INSERT INTO snowreg.view_texts VALUES (?, ?, ?, ?)", [database, schema, name, text])
            self._insert_columns(tx, database, schema, name, columns)
            self._insert_keys(tx, database, schema, name, keys, 0)
        # What `table_shape` would read back now (the statements that follow a CREATE ask for it at once);
        # kept only outside a transaction (`cached` keeps nothing inside one).
        recorded = {c.name: ColumnSpec(c.name, c.duck_type, parsed) for c in columns
                    if (parsed := coltypes.parse(c.type.text)) is not None}
        self.store.cached(("table_shape", database, schema, name), lambda: TableShape(kind, recorded, not_null))

    def add_keys(self, database: str, schema: str, name: str, keys: Sequence[KeySpec]) -> None:
        """ALTER TABLE … ADD [CONSTRAINT n] PRIMARY KEY | UNIQUE | FOREIGN KEY."""
        with self.store.transaction() as tx:
            row = tx.execute("SELECT coalesce(max(position) + 1, 0) FROM snowreg.table_keys WHERE "
                             + _WHERE.format(name="table_name"), [database, schema, name]).fetchone()
            self._insert_keys(tx, database, schema, name, keys, int(row[0]) if row else 0)

    def forget_keys(self, database: str, schema: str, name: str, constraints: Sequence[str]) -> None:
        """ALTER TABLE … DROP CONSTRAINT n."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.table_keys WHERE " + _WHERE.format(name="table_name")
                       + " AND list_contains(?::VARCHAR[], constraint_name)", [database, schema, name, list(constraints)])

    def _insert_keys(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str,
                     keys: Sequence[KeySpec], start: int) -> None:
        rows = []
        for position, key in enumerate(keys, start):
            ref = key.references or (None, None, None)
            rows.append([database, schema, name, position, key.kind, key.name or f"SYS_CONSTRAINT_{uuid.uuid4()}",
                         list(key.columns), *ref, list(key.ref_columns) if key.references else None, now()])
        if rows:  # one statement for all of them: each statement is a round trip to DuckDB
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?::VARCHAR[], ?, ?, ?, ?::VARCHAR[], ?)"] * len(rows))
            tx.execute(f"INSERT INTO snowreg.table_keys ({_KEY_COLS}) VALUES {values}", [v for r in rows for v in r])

    def record_columns(self, database: str, schema: str, name: str, columns: Sequence[ColumnSpec]) -> None:
        """ALTER TABLE … ADD COLUMN: the new columns' declared types."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.table_columns WHERE " + _WHERE.format(name="table_name")
                       + " AND list_contains(?::VARCHAR[], column_name)",
                       [database, schema, name, [c.name for c in columns]])
            self._insert_columns(tx, database, schema, name, columns)

    def _insert_columns(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str,
                        columns: Sequence[ColumnSpec]) -> None:
        params: list[object] = []
        for c in columns:
            t = c.type
            params += [database, schema, name, c.name, c.duck_type, t.text, t.data_type, t.length, t.byte_length,
                       t.precision if t.kind == "FIXED" else None, t.scale if t.kind == "FIXED" else None,
                       t.scale if t.kind != "FIXED" else None]
        if columns:
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(columns))
            tx.execute(f"INSERT INTO snowreg.table_columns VALUES {values}", params)

    def table_shape(self, database: str, schema: str, name: str) -> TableShape:
        """What was recorded about a table (cached until the next write or DDL)."""
        if self.store.pristine is not None:  # nothing recorded yet: recording materialises the registry
            return TableShape()
        return self.store.cached(("table_shape", database, schema, name), lambda: self._load_shape(database, schema, name))

    def _load_shape(self, database: str, schema: str, name: str) -> TableShape:
        kind = self.store.query_one("SELECT kind FROM snowreg.table_kinds WHERE " + _WHERE.format(name="name"),
                              [database, schema, name])
        rows = self.store.query("SELECT column_name, duck_type, type_text FROM snowreg.table_columns WHERE "
                          + _WHERE.format(name="table_name"), [database, schema, name])
        columns = {}
        for column, duck_type, text in rows:
            parsed = coltypes.parse(text)
            if parsed is not None:
                columns[column] = ColumnSpec(column, duck_type, parsed)
        not_null = frozenset(c.name for c in list_columns(self.store, database, schema, name) if not c.nullable)
        return TableShape(str(kind[0]) if kind else "TABLE", columns, not_null)

    def clustering(self, database: str, schema: str, name: str) -> Clustering | None:
        """A table's clustering key (None: not clustered), cached with its recorded shape."""
        if self.store.pristine is not None or self._look_for_clustering():
            return None
        row = self.store.cached(("table_shape", database, schema, name, "CLUSTER BY"),
                                lambda: self.store.query_one(_CLUSTERING, [database, schema, name]))
        return None if row is None else Clustering(str(row[0]), bool(row[1]))

    def set_clustering(self, database: str, schema: str, name: str, clustering: Clustering | None) -> None:
        """CREATE TABLE … CLUSTER BY, ALTER TABLE … CLUSTER BY / DROP CLUSTERING KEY (None) / SUSPEND | RESUME
        RECLUSTER."""
        self._no_clustering = False
        with self.store.transaction(stale=lambda key: key[0] == "table_shape") as tx:
            tx.execute("DELETE FROM snowreg.table_clustering WHERE " + _WHERE.format(name="name"),
                       [database, schema, name])
            if clustering is not None:
                tx.execute("INSERT INTO snowreg.table_clustering VALUES (?, ?, ?, ?, ?)",
                           [database, schema, name, clustering.key, clustering.suspended])

    def _look_for_clustering(self) -> bool:
        """Whether no table has a clustering key (looked up once, outside a transaction, until a key is set)."""
        if not self._no_clustering and not self.store.in_transaction and self.store.pristine is None:
            found = self.store.query_one("SELECT NOT EXISTS (SELECT 1 FROM snowreg.table_clustering)")
            self._no_clustering = found == (True,)
        return self._no_clustering

    def view_text(self, database: str, schema: str, name: str) -> str | None:
        """A view's CREATE statement as written (None for a view made by an earlier snowreg)."""
        if self.store.pristine is not None:
            return None
        row = self.store.query_one("SELECT text FROM snowreg.view_texts WHERE " + _WHERE.format(name="name"),
                                   [database, schema, name])
        return None if row is None else str(row[0])

    def secure_views(self) -> frozenset[tuple[str, str, str]]:
        """The secure views (cached: SHOW VIEWS and GET_DDL ask of every view they show)."""
        if self.store.pristine is not None:
            return frozenset()
        return self.store.cached(("table_shape", "secure"), lambda: frozenset(
            (str(r[0]), str(r[1]), str(r[2])) for r in self.store.query(
                "SELECT database_name, schema_name, name FROM snowreg.secure_views")))

    def set_secure(self, database: str, schema: str, name: str, secure: bool) -> None:
        """CREATE SECURE VIEW (after the view was recorded), ALTER VIEW … SET | UNSET SECURE."""
        with self.store.transaction(stale=lambda key: key[0] == "table_shape", tables_only=True) as tx:
            tx.execute("DELETE FROM snowreg.secure_views WHERE " + _WHERE.format(name="name"), [database, schema, name])
            if secure:
                tx.execute("INSERT INTO snowreg.secure_views VALUES (?, ?, ?)", [database, schema, name])

    def record_materialized(self, database: str, schema: str, name: str, source: tuple[str, str, str],
                            text: str) -> None:
        """CREATE MATERIALIZED VIEW: the view just recorded is a materialized view over one base table, made by
        the statement `text`."""
        with self.store.transaction(stale=lambda key: key[0] == "table_shape", tables_only=True) as tx:
            tx.execute("UPDATE snowreg.table_kinds SET kind = 'MATERIALIZED VIEW' WHERE " + _WHERE.format(name="name"),
                       [database, schema, name])
            tx.execute("INSERT INTO snowreg.materialized_views VALUES (?, ?, ?, ?, ?, ?, false)",
                       [database, schema, name, *source])
            tx.execute("UPDATE snowreg.view_texts SET text = ? WHERE " + _WHERE.format(name="name"),
                       [text, database, schema, name])

    def materialized(self, database: str, schema: str, name: str) -> tuple[tuple[str, str, str], bool] | None:
        """A materialized view's base table and whether it is suspended (None: not a materialized view)."""
        if self.store.pristine is not None:
            return None
        row = self.store.cached(("table_shape", "materialized", database, schema, name), lambda: self.store.query_one(
            "SELECT source_database, source_schema, source_table, suspended FROM snowreg.materialized_views WHERE "
            + _WHERE.format(name="name"), [database, schema, name]))
        return None if row is None else ((str(row[0]), str(row[1]), str(row[2])), bool(row[3]))

    def suspended_materialized(self) -> frozenset[tuple[str, str, str]]:
        """The materialized views ALTER MATERIALIZED VIEW … SUSPEND suspended (cached: read on every query)."""
        if self.store.pristine is not None:
            return frozenset()
        return self.store.cached(("table_shape", "materialized"), lambda: frozenset(
            (str(r[0]), str(r[1]), str(r[2])) for r in self.store.query(
                "SELECT database_name, schema_name, name FROM snowreg.materialized_views WHERE suspended")))

    def suspend_materialized(self, database: str, schema: str, name: str, suspended: bool) -> None:
        """ALTER MATERIALIZED VIEW … SUSPEND | RESUME."""
        self.store.write_one("UPDATE snowreg.materialized_views SET suspended = ? WHERE " + _WHERE.format(name="name"),
                             [suspended, database, schema, name], stale=lambda key: key[0] == "table_shape")

    def dynamic(self, database: str, schema: str, name: str) -> dict[str, Any] | None:
        """A dynamic table's query and settings (None: not a dynamic table)."""
        if self.store.pristine is not None or (database, schema, name) not in self.dynamic_names():
            return None
        row = self.store.cached(("table_shape", "dynamic", database, schema, name), lambda: self.store.query_one(
            "SELECT spec FROM snowreg.dynamic_tables WHERE " + _WHERE.format(name="name"), [database, schema, name]))
        return None if row is None else dict(orjson.loads(row[0]))

    def dynamic_names(self) -> frozenset[tuple[str, str, str]]:
        """The dynamic tables (cached: DML checks its target against them)."""
        if self.store.pristine is not None:
            return frozenset()
        return self.store.cached(("table_shape", "dynamic"), lambda: frozenset(
            (str(r[0]), str(r[1]), str(r[2])) for r in self.store.query(
                "SELECT database_name, schema_name, name FROM snowreg.dynamic_tables")))

    def set_dynamic(self, database: str, schema: str, name: str, spec: dict[str, Any]) -> None:
        """CREATE DYNAMIC TABLE (after the table was recorded), ALTER DYNAMIC TABLE, a refresh."""
        with self.store.transaction(stale=lambda key: key[0] == "table_shape", tables_only=True) as tx:
            tx.execute("DELETE FROM snowreg.dynamic_tables WHERE " + _WHERE.format(name="name"), [database, schema, name])
            tx.execute("INSERT INTO snowreg.dynamic_tables VALUES (?, ?, ?, ?)",
                       [database, schema, name, orjson.dumps(spec, default=str).decode()])

    def forget_columns(self, database: str, schema: str, name: str, columns: Sequence[str]) -> None:
        """ALTER TABLE … DROP COLUMN / ALTER COLUMN … SET DATA TYPE: their records go."""
        with self.store.transaction() as tx:
            for column in columns:
                tx.execute("DELETE FROM snowreg.table_columns WHERE " + _WHERE.format(name="table_name")
                           + " AND column_name = ?", [database, schema, name, column])

    def rename_column(self, database: str, schema: str, name: str, old: str, new: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.table_columns SET column_name = ? WHERE " + _WHERE.format(name="table_name")
                       + " AND column_name = ?", [new, database, schema, name, old])
            tx.execute("UPDATE snowreg.table_keys SET columns = list_transform(columns, lambda c: CASE WHEN c = ? THEN ? "
                       "ELSE c END) WHERE " + _WHERE.format(name="table_name"), [old, new, database, schema, name])

    # -- steps of Catalog's cross-family writes (inside its transaction) ---------------------------

    def forget(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> None:
        """A dropped table's records go, and its stage's files."""
        self._forget_shape(tx, database, schema, name)
        _forget_table_stages(tx, "database_name = ? AND schema_name = ? AND name = ?", [database, schema, name])

    def rename(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, old: str, new: str,
               view: bool = True) -> None:
        """ALTER TABLE … RENAME: the records follow the table (`view` False: a table, which has no view text)."""
        tx.execute("UPDATE snowreg.implicit_stages SET name = ? WHERE kind = 'table' AND database_name = ? AND "
                   "schema_name = ? AND name = ?", [new, database, schema, old])  # the table stage follows
        for table, column in _RECORDS if view else _TABLE_RECORDS:
            if table == "table_clustering" and self._no_clustering:
                continue
            tx.execute(f"UPDATE snowreg.{table} SET {column} = ? WHERE " + _WHERE.format(name=column),
                       [new, database, schema, old])

    def copy_records(self, tx: duckdb.DuckDBPyConnection, source: tuple[str, str], target: tuple[str, str],
                     names: Sequence[str]) -> None:
        """CREATE SCHEMA … CLONE: the records of the tables `names` of schema `source` for their clones in
        `target`; a foreign key to a table of the source schema references its clone, and so does a materialized
        view over a table of the source schema (its view was made again in the clone's context)."""
        moved = {"database_name": "$1", "schema_name": "$2",
                 "ref_database": "CASE WHEN ref_database = $3 AND ref_schema = $4 THEN $1 ELSE ref_database END",
                 "ref_schema": "CASE WHEN ref_database = $3 AND ref_schema = $4 THEN $2 ELSE ref_schema END",
                 "source_database": "CASE WHEN source_database = $3 AND source_schema = $4 THEN $1 "
                                    "ELSE source_database END",
                 "source_schema": "CASE WHEN source_database = $3 AND source_schema = $4 THEN $2 ELSE source_schema END"}
        self._no_clustering = False
        for table, column in _RECORDS:
            columns = [str(d[0]) for d in tx.execute(f"SELECT * FROM snowreg.{table} LIMIT 0").description or ()]
            picked = ", ".join(moved.get(c, f'"{c}"') for c in columns)
            tx.execute(f"DELETE FROM snowreg.{table} WHERE database_name = ? AND schema_name = ? AND "
                       f"list_contains(?::VARCHAR[], {column})", [*target, list(names)])
            tx.execute(f"INSERT INTO snowreg.{table} SELECT {picked} FROM snowreg.{table} WHERE database_name = $3 "
                       f"AND schema_name = $4 AND list_contains($5::VARCHAR[], {column})",
                       [*target, *source, list(names)])

    def forget_container(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None) -> None:
        """The records of every table in a dropped (or re-created) database or schema go."""
        where, params = ("database_name = ?", [database]) if schema is None else \
            ("database_name = ? AND schema_name = ?", [database, schema])
        for table, _ in _RECORDS:
            tx.execute(f"DELETE FROM snowreg.{table} WHERE {where}", params)
        _forget_table_stages(tx, where, params)

    def _forget_shape(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> None:
        skip = ("table_retention" if self.no_retention_rows() else None,
                "table_clustering" if self._no_clustering else None)
        records = [(table, column) for table, column in _RECORDS if table not in skip]
        # One look at which kinds hold a record of the name (a new name: none), then a DELETE only for those:
        # each statement is a round trip to DuckDB (a UNION ALL: DuckDB plans EXISTS subqueries slowly)
        found = {row[0] for row in tx.execute(" UNION ALL ".join(
            f"SELECT {i} FROM snowreg.{table} WHERE database_name = $1 AND schema_name = $2 AND {column} = $3"
            for i, (table, column) in enumerate(records)), [database, schema, name]).fetchall()}
        for i, (table, column) in enumerate(records):
            if i in found:
                tx.execute(f"DELETE FROM snowreg.{table} WHERE " + _WHERE.format(name=column), [database, schema, name])


def _forget_table_stages(tx: duckdb.DuckDBPyConnection, where: str, params: list[str]) -> None:
    """The stages of dropped tables (`where` over implicit_stages' names) go with their files."""
    ids = [r[0] for r in tx.execute(f"SELECT id FROM snowreg.implicit_stages WHERE kind = 'table' AND {where}",
                                    params).fetchall()]
    if ids:
        tx.execute("DELETE FROM snowreg.files WHERE owner_kind = 'table' AND list_contains(?, owner_id)", [ids])
        tx.execute("DELETE FROM snowreg.implicit_stages WHERE list_contains(?, id)", [ids])
