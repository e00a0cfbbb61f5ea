"""The only writer of registry state: DuckDB tables, SHOW / INFORMATION_SCHEMA views, stages and files."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import duckdb

from snowreg.catalog import information
from snowreg.catalog.databases import DatabaseRow, DatabasesPart, SchemaRow
from snowreg.catalog.dropped import (
    DroppedContainer,
    DroppedPart,
    DroppedRow,
    hidden_name,
    reads_shared_sequence,
)
from snowreg.catalog.files import FilesPart
from snowreg.catalog.grants import GrantsPart, ObjectKey
from snowreg.catalog.information import ModelVersionRows
from snowreg.catalog.loads import LoadsPart
from snowreg.catalog.models import ModelRow, ModelsPart, VersionContent, VersionIndex, VersionRow
from snowreg.catalog.names import physical
from snowreg.catalog.objects import ObjectsPart, StageRow, TagRow, TagTarget
from snowreg.catalog.relations import column_types
from snowreg.catalog.retention import RetentionPart
from snowreg.catalog.sandbox import FunctionCatalog
from snowreg.catalog.store import Store, now, quote
from snowreg.catalog.tables import ColumnSpec, KeySpec, TableShape, TablesPart
from snowreg.catalog.tasks import TaskRow, TasksPart
from snowreg.catalog.udfs import FunctionRow, UdfsPart, install_macros, remove_macros
from snowreg.catalog.warehouses import WarehouseRow, WarehousesPart

__all__ = [
    "Catalog", "ColumnSpec", "DatabaseRow", "FunctionCatalog", "FunctionRow", "KeySpec", "ModelRow", "ModelVersionRows",
    "SchemaRow", "StageRow", "Store", "TableShape", "TagRow", "TagTarget", "VersionContent", "VersionIndex", "VersionRow",
    "WarehouseRow", "quote",
]


class Catalog:
    """A registry, in memory or persistent under a directory: a façade over its families.

    `store` holds the DuckDB instances, transactions, cached reads and generations; each family is a
    part over that one store: `databases` (databases, schemas, their tables as DuckDB holds them),
    `files` (stage and version files over blobs), `models` (models, versions, functions), `objects`
    (stages, tags), `tables` (what plain-SQL tables declared beyond DuckDB: column types,
    kind, unenforced keys), `grants` (roles, users, grants, future grants, ownership), `warehouses`,
    `dropped` (tables kept for UNDROP), `retention` (DATA_RETENTION_TIME_IN_DAYS). A part
    writes only its own family's rows. Writes that span families (a database or schema with what is
    in it, a model, stage, tag or warehouse with its grants) are the methods here, each in one
    transaction.
    """

    _views_sql: str | None = None
    _shared: ClassVar[dict[Path, list[Any]]] = {}  # directory → [catalog, number of users]
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 stage_roots: Iterable[str | os.PathLike[str]] = (), functions: FunctionCatalog | None = None
                 ) -> None:
        self.store = store = Store(path, stage_roots, functions)
        self.databases = DatabasesPart(store)
        self.files = FilesPart(store)
        self.models = ModelsPart(store, self.files)
        self.objects = ObjectsPart(store, self.files)
        self.grants = GrantsPart(store)
        self.warehouses = WarehousesPart(store)
        self.tables = TablesPart(store)
        self.udfs = UdfsPart(store)
        self.tasks = TasksPart(store)
        self.dropped = DroppedPart(store)
        self.retention = RetentionPart(store)
        self.tables.no_retention_rows = self.retention.known_none_on_tables
        self.procedures = UdfsPart(store, "procedures")
        self.loads = LoadsPart(store)
        # (database, schema, name) of each live temporary table → the id of the session that made it:
        # only that session sees it (https://docs.snowflake.com/en/user-guide/tables-temp-transient)
        self.temporary_owners: dict[tuple[str, str, str], int] = {}
        # ('FUNCTION' | 'PROCEDURE', database, schema, 'NAME(ARGUMENT TYPES)') of each live temporary function or
        # procedure → the id of the session that made it (engine.routines.made_temporary)
        self.temporary_routines: dict[tuple[str, str, str, str], int] = {}

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
            catalog.store.allow_stage_root(root)
        return catalog

    def release(self) -> None:
        """One user of `open()` is done: close when it was the last (or when the catalog is private)."""
        with Catalog._shared_lock:
            key = self.store.path.resolve() if self.store.path is not None else None
            entry = Catalog._shared.get(key) if key is not None else None
            if entry is not None and entry[0] is self:
                entry[1] -= 1
                if entry[1] > 0:
                    return
                del Catalog._shared[key]  # type: ignore[arg-type]
        self.store.close()

    def install_session(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Create the per-session macros behind INFORMATION_SCHEMA names on a new DuckDB cursor."""
        if Catalog._views_sql is None:
            Catalog._views_sql = resources.files("snowreg.catalog").joinpath("views.sql").read_text()
        information.withdraw(self.store, cursor)
        cursor.execute(Catalog._views_sql)
        information.install_own_columns(cursor)

    def information_columns(self) -> dict[str, list[tuple[str, Any]]]:
        """The INFORMATION_SCHEMA views snowreg answers, each with its columns and their Snowflake types
        (catalog.coltypes.ColumnType), described on a cursor of the store's own the first time."""
        found = information.own_columns()
        if not found:
            with self.store.lock, self.store.db.cursor() as cursor:
                self.install_session(cursor)
            found = information.own_columns()
        return found

    def withdraw_information(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Take back what `expose_information` handed a session cursor (empty relations in its place)."""
        information.withdraw(self.store, cursor)

    def expose_information(self, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None,
                           registered: dict[str, Any], views: Iterable[str]) -> None:
        """Give a session cursor, for its next query over the INFORMATION_SCHEMA `views`, the rows they
        read of the `visible` models (`registered`: what the cursor holds already, updated)."""
        information.expose(self.store, cursor, visible, registered, information.relations(views), self.models)

    def model_version_parts(self, visible: Sequence[int] | None) -> tuple[Any, list[ModelVersionRows]] | None:
        """MODEL_VERSIONS' Arrow schema and the `visible` models' rows (None: all models), one entry per
        model, as Python tuples: the rows `expose_information` hands a cursor (for a query answered without
        DuckDB: engine.sql.information_rows). None inside a registry transaction."""
        parts = information.model_version_parts(self.store, self.models, visible)
        return None if parts is None else (information.model_versions_schema(self.store), parts)

    def forget_model_version_rows(self) -> None:
        """Drop the kept MODEL_VERSIONS rows (made afresh from the cached reads by the next query)."""
        information.forget_model_versions(self.store)

    def close(self) -> None:
        self.store.close()

    # -- databases and schemas: writes across the families (rows, models, stages, tags, grants) --

    def create_database(self, name: str, owner: str | None, comment: str | None = None) -> None:
        """Create a database with its PUBLIC schema; the caller checked it does not exist."""
        store = self.store
        with store.lock:
            file = self.databases.attach_new(name)
            try:
                pristine = store.pristine
                if pristine is not None:  # nothing else to forget or write: record it
                    pristine.add_database(name, now(), owner, comment)
                    pristine.add_schema(name, "PUBLIC", now(), owner, None, False)
                    store.pristine_written()
                else:
                    with store.transaction() as tx:
                        self._forget_container(tx, name, None)  # stale grants of an earlier database of that name
                        self.databases.insert_database(tx, name, owner, comment, file)
            except BaseException:
                self.databases.detach(name)
                raise
            store.access_changed()

    def drop_database(self, name: str, remember: bool = True) -> None:
        """Drop a database with its schemas, models, stages, tags and the grants on all of them (`remember`:
        listed by SHOW DATABASES HISTORY; not a clone that failed midway)."""
        store = self.store
        with store.lock:
            file = self.databases.database_file(name)
            found = self.databases.get_database(name) if remember else None
            with store.transaction() as tx:
                if found is not None:
                    self.dropped.remember_container(tx, DroppedContainer(name, None, found.created_on, found.owner,
                                                                         found.comment, now()))
                for model_id in self.models.model_ids_in(tx, name):
                    self._drop_model_rows(tx, model_id)
                self.databases.delete_database_rows(tx, name)
                self.objects.delete_stage_rows(tx, self.objects.stage_ids_in(tx, name))
                self.objects.delete_tags_in(tx, name)
                self.udfs.delete_in(tx, name)
                self.procedures.delete_in(tx, name)
                self.loads.delete_in(tx, name)
                self._forget_container(tx, name, None)
            self.databases.detach(name)
            if file is not None:
                store.remove_database_file(file)

    def create_schema(self, database: str, name: str, owner: str | None, comment: str | None = None,
                      managed_access: bool = False) -> None:
        store = self.store
        with store.lock:
            self.databases.create_schema_in_data(database, name)
            pristine = store.pristine
            if pristine is not None:  # no grants or future grants to forget yet: record it
                pristine.add_schema(database, name, now(), owner, comment, managed_access)
                store.pristine_written()
            else:
                with store.transaction() as tx:
                    self._forget_container(tx, database, name)  # stale grants of an earlier schema of that name
                    self.databases.insert_schema(tx, database, name, owner, comment, managed_access)
            store.access_changed()

    def drop_schema(self, database: str, name: str, remember: bool = True) -> None:
        """Drop a schema with its models, stages, tags and the grants on all of them (`remember`: listed by
        SHOW SCHEMAS HISTORY; not a clone that failed midway)."""
        store = self.store
        with store.lock:
            found = self.databases.get_schema(database, name) if remember else None
            with store.transaction() as tx:
                if found is not None:
                    self.dropped.remember_container(tx, DroppedContainer(database, name, found.created_on, found.owner,
                                                                         found.comment, now()))
                for model_id in self.models.model_ids_in(tx, database, name):
                    self._drop_model_rows(tx, model_id)
                self.databases.delete_schema_row(tx, database, name)
                self.objects.delete_stage_rows(tx, self.objects.stage_ids_in(tx, database, name))
                self.objects.delete_tags_in(tx, database, name)
                self.udfs.delete_in(tx, database, name)
                self.procedures.delete_in(tx, database, name)
                self.loads.delete_in(tx, database, name)
                self._forget_container(tx, database, name)
            self.databases.drop_schema_in_data(database, name)

    # -- objects with their grants ---------------------------------------------------------------

    def _forget_container(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None) -> None:
        """What is kept by name about a database or schema and what was in it: grants, table records."""
        self.grants.forget_container(tx, database, schema)
        self.tables.forget_container(tx, database, schema)
        self.objects.forget_references_in(tx, database, schema)
        self.dropped.forget_container(tx, database, schema)
        self.retention.forget_container(tx, database, schema)
        self.tasks.forget_container(tx, database, schema)

    # -- tasks (catalog/tasks.py) and their grants --

    def put_task(self, task: TaskRow, replaced: TaskRow | None) -> None:
        """CREATE [OR REPLACE | OR ALTER] TASK, ALTER TASK: the task's row; a replaced task (another id) loses its
        grants."""
        with self.store.transaction() as tx:
            self.tasks.put_rows(tx, task, replaced)
            if replaced is not None and replaced.id != task.id:
                self.grants.forget_object(tx, ObjectKey("TASK", *replaced.key))
            self.store.access_changed()

    def drop_task(self, task: TaskRow) -> None:
        """DROP TASK: the task is kept for UNDROP TASK, its grants set aside with it (those kept past their
        retention go now)."""
        hidden = hidden_name(task.name)
        with self.store.transaction() as tx:
            for old in self.tasks.expire_dropped(tx):
                self.grants.restore_table_grants(tx, old, restore=False)
            self.grants.keep_table_grants(tx, *task.key, hidden, kinds=("TASK",))
            self.tasks.keep_dropped(tx, task, hidden)
            self.tasks.drop_rows(tx, task)

    def undrop_task(self, task: TaskRow, hidden: str) -> None:
        """UNDROP TASK: a kept task comes back as `task`, with its grants."""
        with self.store.transaction() as tx:
            self.tasks.put_rows(tx, task, None)
            self.grants.restore_table_grants(tx, hidden)
            self.tasks.forget_dropped(tx, hidden)
            self.store.access_changed()

    # -- plain-SQL tables: their grants and their records (catalog/tables.py) --

    def forget_table(self, database: str, schema: str, name: str) -> None:
        """A table or view was dropped: its grants and records go, in one transaction."""
        with self.store.transaction() as tx:
            self.grants.forget_table(database, schema, name)
            self.tables.forget(tx, database, schema, name)
            self.objects.forget_relation_tags(tx, database, schema, name)
        self.temporary_owners.pop((database, schema, name), None)

    def keep_dropped_table(self, database: str, schema: str, name: str, copy_grants: bool = False
                           ) -> DroppedRow | None:
        """DROP TABLE of a table kept for UNDROP TABLE (catalog/dropped.py): renamed to a hidden name with its
        records, its grants set aside (`copy_grants`: copied aside, they stay on the name for the table that
        replaces it), in one registry transaction. None (nothing changed) when DuckDB cannot rename it (a table
        other DuckDB objects depend on) or when a default reads a sequence not its own: the caller drops it as
        before. The name's cached reads say at once that no relation has it."""
        self.purge_dropped()
        defaults = self.column_defaults(database, schema, name)  # CREATE TABLE left them cached
        if not defaults or reads_shared_sequence(defaults):
            return None
        hidden = hidden_name(name)
        if not self._rename_data(database, schema, name, hidden):
            return None
        try:
            with self.store.transaction(stale=_table_read, tables_only=True) as tx:
                created, owner = self.grants.keep_table_grants(tx, database, schema, name, hidden, copy_grants)
                self.tables.rename(tx, database, schema, name, hidden, view=False)
                self.objects.rename_relation_tags(tx, database, schema, name, hidden)
                row = DroppedRow(database, schema, name, hidden, created, owner, now())
                self.dropped.insert(tx, row)
        except BaseException:
            self._rename_data(database, schema, hidden, name)
            raise
        self.databases.relation_gone(database, schema, name)
        return row

    def column_defaults(self, database: str, schema: str, name: str,
                        known: Sequence[str | None] | None = None) -> tuple[str | None, ...]:
        """The column defaults DuckDB holds for a table, in order (none: no such table), cached like
        `relation_kind` (any DDL drops them); `known`: what a CREATE TABLE just read of them."""
        return self.store.cached(("relation", database, schema, name, "defaults"), lambda: tuple(
            known if known is not None else (c.default for c in column_types(self.store, database, schema, name))))

    def undrop_table(self, row: DroppedRow) -> None:
        """UNDROP TABLE: a kept table takes its name back, with its records and grants."""
        if not self._rename_data(row.database_name, row.schema_name, row.hidden, row.name):
            raise duckdb.CatalogException(f"the dropped table {row.name} could not be restored")
        try:
            with self.store.transaction() as tx:
                self.grants.restore_table_grants(tx, row.hidden)
                self.tables.rename(tx, row.database_name, row.schema_name, row.hidden, row.name)
                self.objects.rename_relation_tags(tx, row.database_name, row.schema_name, row.hidden, row.name)
                self.dropped.delete(tx, row.hidden)
        except BaseException:
            self._rename_data(row.database_name, row.schema_name, row.name, row.hidden)
            raise

    def purge_dropped(self) -> None:
        """Kept tables whose retention has ended go for good (data, records and grants)."""
        for row in self.dropped.expired(now()):
            self.store.data.execute(f"DROP TABLE IF EXISTS {quote(row.database_name)}.{quote(row.schema_name)}."
                                    f"{quote(physical(row.hidden))}")
            self.store.relations_changed()
            with self.store.transaction() as tx:
                self.grants.restore_table_grants(tx, row.hidden, restore=False)
                self.tables.forget(tx, row.database_name, row.schema_name, row.hidden)
                self.objects.forget_relation_tags(tx, row.database_name, row.schema_name, row.hidden)
                self.dropped.delete(tx, row.hidden)

    def _rename_data(self, database: str, schema: str, old: str, new: str) -> bool:
        try:
            self.store.data.execute(f"ALTER TABLE {quote(database)}.{quote(schema)}.{quote(physical(old))} "
                                    f"RENAME TO {quote(physical(new))}")
        except duckdb.Error:
            return False
        finally:
            self.store.relations_changed()
        return True

    def inherit_schema(self, source: tuple[str, str], target_database: str, owner: str | None) -> None:
        """CREATE DATABASE … CLONE: a cloned schema gets the source schema's owner and grants."""
        with self.store.transaction() as tx:
            self.databases.set_owner(tx, target_database, source[1], owner)
            self.grants.copy_schema_grants(tx, source[0], target_database, source[1])

    def copy_table_records(self, source: tuple[str, str], target: tuple[str, str], names: Sequence[str],
                           sequences: Sequence[str] = ()) -> None:
        """CREATE SCHEMA … CLONE: the cloned tables', views' and sequences' records and grants, in one transaction."""
        owners = {name: self.grants.sequence_owner(*source, name) for name in sequences}
        try:
            with self.store.transaction() as tx:
                self.tables.copy_records(tx, source, target, names)
                self.objects.copy_relation_tags(tx, source, target, list(names))
                self.grants.copy_table_grants(tx, source, target, names)
                if owners:
                    self.grants.copy_sequence_grants(tx, source, target, owners)
        finally:
            self.retention.tables_added()

    def copy_tasks(self, source: tuple[str, str], target: tuple[str, str]) -> None:
        """CREATE SCHEMA … CLONE: the source's tasks, suspended, with the grants on them (object-clone: "Cloning and
        tasks"), in one transaction."""
        with self.store.transaction() as tx:
            names = self.tasks.copy_rows(tx, source, target)
            self.grants.copy_table_grants(tx, source, target, names, kinds=("TASK",))

    def rename_table(self, database: str, schema: str, old: str, new: str) -> None:
        """ALTER TABLE … RENAME: grants and records follow the table, in one transaction."""
        with self.store.transaction() as tx:
            self.grants.rename_table(database, schema, old, new)
            self.tables.rename(tx, database, schema, old, new)
            self.objects.rename_relation_tags(tx, database, schema, old, new)
        owner = self.temporary_owners.pop((database, schema, old), None)
        if owner is not None:  # a temporary table stays its session's under its new name
            self.temporary_owners[(database, schema, new)] = owner

    # -- models: with their grants, tags and files --

    def create_model(self, database: str, schema: str, name: str, owner: str | None,
                     version_name: str, content: VersionContent) -> int:
        """A model with its first version, granted what its schema's future grants say."""
        with self.store.transaction() as tx:
            model_id = self.models.insert_model(database, schema, name, owner, version_name, content)
            self._apply_model_future_grants(tx, model_id, database, schema, owner)
            return model_id

    def create_live_model(self, database: str, schema: str, name: str, owner: str | None, version_name: str
                          ) -> int:
        """A model whose one version is live, granted what its schema's future grants say."""
        with self.store.transaction() as tx:
            model_id = self.models.insert_live_model(database, schema, name, owner, version_name)
            self._apply_model_future_grants(tx, model_id, database, schema, owner)
            return model_id

    def _apply_model_future_grants(self, tx: duckdb.DuckDBPyConnection, model_id: int, database: str,
                                   schema: str, owner: str | None) -> None:
        new_owner = self.grants.apply_future_grants(tx, ObjectKey("MODEL", id=model_id), database, schema,
                                                    owner or "")
        if new_owner != (owner or ""):
            self.models.assign_owner(tx, model_id, new_owner)

    def drop_model(self, model_id: int) -> None:
        """A model with its versions, files, tag values and grants."""
        with self.store.transaction() as tx:
            self._drop_model_rows(tx, model_id)

    def _drop_model_rows(self, tx: duckdb.DuckDBPyConnection, model_id: int) -> None:
        self.models.delete_model_rows(tx, model_id)
        self.objects.forget_model_tags(tx, model_id)
        self.grants.forget_object(tx, ObjectKey("MODEL", id=model_id))

    def create_stage(self, database: str, schema: str, name: str, owner: str | None, url: str | None,
                     temporary: bool, session_id: int | None, comment: str | None = None) -> int:
        """A stage, granted what its schema's future grants say."""
        with self.store.transaction() as tx:
            stage_id = self.objects.insert_stage(tx, database, schema, name, owner, url, temporary, session_id,
                                                 comment)
            self.grants.apply_future_grants(tx, ObjectKey("STAGE", id=stage_id), database, schema, owner or "")
            return stage_id

    def drop_stage(self, stage_id: int) -> None:
        """A stage with its files and grants."""
        with self.store.transaction() as tx:
            self.objects.delete_stage_rows(tx, [stage_id])
            self.grants.forget_object(tx, ObjectKey("STAGE", id=stage_id))

    def drop_session_stages(self, session_id: int) -> None:
        """Temporary stages end with the connection that created them (with their files and grants)."""
        if self.store.pristine is not None:
            return  # a registry without its tables has no stages
        with self.store.transaction() as tx:
            ids = self.objects.session_stage_ids(tx, session_id)
            self.objects.delete_stage_rows(tx, ids)
            self.loads.drop_session_formats(session_id)
            if ids:
                self.grants.forget_dropped_stages(tx)

    def drop_tag(self, database: str, schema: str, name: str) -> None:
        """A tag with its values on models and its grants."""
        with self.store.transaction() as tx:
            self.objects.delete_tag_rows(tx, database, schema, name)
            self.grants.forget_object(tx, ObjectKey("TAG", database, schema, name))

    # -- user-defined functions: their rows, macros and grants --

    def create_function(self, row: FunctionRow, replaced: FunctionRow | None, copy_grants: bool) -> None:
        """A new function (or one replacing `replaced`, whose grants go unless `copy_grants`)."""
        store = self.store
        with store.lock:
            if replaced is not None:
                remove_macros(store.data, replaced)
            install_macros(store.data, row)
            try:
                with store.transaction() as tx:
                    key = ObjectKey("FUNCTION", row.database_name, row.schema_name, row.signature_name)
                    if replaced is not None and not copy_grants:
                        self.grants.forget_object(tx, key)
                    self.udfs.insert(tx, row)
                    store.access_changed()
            except BaseException:
                remove_macros(store.data, row)
                if replaced is not None:
                    install_macros(store.data, replaced)
                raise

    def others_temporary_routine(self, session_id: int, row: FunctionRow, kind: str) -> bool:
        """Is this a temporary function or procedure (`kind`) of another session than `session_id`, or one left
        by a session that is gone? "Temporary … only exists for the duration of the session … not visible to
        other sessions" (https://docs.snowflake.com/en/sql-reference/sql/create-function): to them it is as if
        it did not exist."""
        if not row.spec.get("temporary"):
            return False
        key = (kind, row.database_name, row.schema_name, row.signature_name)
        return self.temporary_routines.get(key) != session_id

    def hidden_routine(self, session_id: int, kind: str, database: str, schema: str, signature_name: str) -> bool:
        """Is the function or procedure of this grant key another session's temporary one (others_temporary_routine)?"""
        if kind not in ("FUNCTION", "PROCEDURE") or not signature_name.endswith(")"):
            return False
        name, arguments = signature_name[:-1].split("(", 1)
        row = (self.udfs if kind == "FUNCTION" else self.procedures).get(database, schema, name, arguments)
        return row is not None and self.others_temporary_routine(session_id, row, kind)

    def drop_function(self, row: FunctionRow) -> None:
        """A function with its macros and its grants."""
        store = self.store
        with store.lock:
            with store.transaction() as tx:
                self.udfs.delete(tx, row)
                self.grants.forget_object(tx, ObjectKey("FUNCTION", row.database_name, row.schema_name,
                                                        row.signature_name))
            remove_macros(store.data, row)

    def change_function(self, row: FunctionRow, new: FunctionRow) -> None:
        """ALTER FUNCTION: rename (its grants follow it), comment or secure."""
        store = self.store
        with store.lock:
            moved = (new.database_name, new.schema_name, new.name) != (row.database_name, row.schema_name, row.name)
            if moved:
                install_macros(store.data, new)
            with store.transaction() as tx:
                self.udfs.delete(tx, row)
                self.udfs.insert(tx, new)
                if moved:
                    tx.execute("UPDATE snowreg.grants SET database_name = ?, schema_name = ?, name = ? WHERE "
                               "object_kind = 'FUNCTION' AND database_name = ? AND schema_name = ? AND name = ?",
                               [new.database_name, new.schema_name, new.signature_name, row.database_name,
                                row.schema_name, row.signature_name])
                    store.access_changed()
            if moved:
                remove_macros(store.data, row)

    # -- stored procedures: their rows and grants --

    def create_procedure(self, row: FunctionRow, replaced: FunctionRow | None, copy_grants: bool) -> None:
        """A new procedure (or one replacing `replaced`, whose grants go unless `copy_grants`)."""
        with self.store.transaction() as tx:
            if replaced is not None and not copy_grants:
                self.grants.forget_object(tx, ObjectKey("PROCEDURE", row.database_name, row.schema_name,
                                                        row.signature_name))
            self.procedures.insert(tx, row)
            self.store.access_changed()

    def drop_procedure(self, row: FunctionRow) -> None:
        """A procedure with its grants."""
        with self.store.transaction() as tx:
            self.procedures.delete(tx, row)
            self.grants.forget_object(tx, ObjectKey("PROCEDURE", row.database_name, row.schema_name,
                                                    row.signature_name))

    def change_procedure(self, row: FunctionRow, new: FunctionRow) -> None:
        """ALTER PROCEDURE: rename (its grants follow it), comment, secure or rights."""
        with self.store.transaction() as tx:
            self.procedures.delete(tx, row)
            self.procedures.insert(tx, new)
            if (new.database_name, new.schema_name, new.name) != (row.database_name, row.schema_name, row.name):
                tx.execute("UPDATE snowreg.grants SET database_name = ?, schema_name = ?, name = ? WHERE "
                           "object_kind = 'PROCEDURE' AND database_name = ? AND schema_name = ? AND name = ?",
                           [new.database_name, new.schema_name, new.signature_name, row.database_name,
                            row.schema_name, row.signature_name])
                self.store.access_changed()

    def create_warehouse(self, name: str, owner: str, state: str, properties: dict[str, str],
                         replace: bool = False) -> None:
        """A warehouse; CREATE OR REPLACE drops the old one's grants with it."""
        with self.store.transaction() as tx:
            if replace:
                self.warehouses.delete_warehouse_row(tx, name)
                self.grants.forget_object(tx, ObjectKey("WAREHOUSE", name=name))
            self.warehouses.insert_warehouse(tx, name, owner, state, properties)

    def drop_warehouse(self, name: str) -> None:
        """A warehouse with its grants."""
        with self.store.transaction() as tx:
            self.warehouses.delete_warehouse_row(tx, name)
            self.grants.forget_object(tx, ObjectKey("WAREHOUSE", name=name))


def _table_read(key: tuple[Any, ...]) -> bool:
    """The `stale` of a write to plain tables' records and grants: the cached reads about relations."""
    return key[0] in ("relation", "table_shape", "view_names")
