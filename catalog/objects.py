"""Stages and tags: the schema objects models are made from and labelled with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import orjson

from snowreg.catalog.files import FilesPart
from snowreg.catalog.store import Store, ids_in, now

STAGE_COLS = "id, database_name, schema_name, name, created_on, owner, url, temporary, session_id, comment"


@dataclass(frozen=True, slots=True)
class StageRow:
    id: int
    database_name: str
    schema_name: str
    name: str
    created_on: datetime
    owner: str | None
    url: str | None
    temporary: bool
    session_id: int | None
    comment: str | None

    @property
    def fqn(self) -> str:
        return f"{self.database_name}.{self.schema_name}.{self.name}"


@dataclass(frozen=True, slots=True)
class TagRow:
    database_name: str
    schema_name: str
    name: str
    created_on: datetime
    owner: str | None
    comment: str | None
    allowed_values: tuple[str, ...] | None

    @property
    def fqn(self) -> str:
        return f"{self.database_name}.{self.schema_name}.{self.name}"


class ObjectsPart:
    """Stages (internal, or backed by a local directory) and tags with their references. Their grants
    are another family's: Catalog creates and drops stages and drops tags with them."""

    def __init__(self, store: Store, files: FilesPart) -> None:
        self.store = store
        self.files = files

    # -- stages ------------------------------------------------------------------------------

    def get_stage(self, database: str, schema: str, name: str) -> StageRow | None:
        return self.store.cached(("stage", database, schema, name), lambda: self._load_stage(database, schema, name))

    def _load_stage(self, database: str, schema: str, name: str) -> StageRow | None:
        row = self.store.query_one(
            f"SELECT {STAGE_COLS} FROM snowreg.stages WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        return StageRow(*row) if row else None

    def get_stage_by_id(self, stage_id: int) -> StageRow | None:
        row = self.store.query_one(f"SELECT {STAGE_COLS} FROM snowreg.stages WHERE id = ?", [stage_id])
        return StageRow(*row) if row else None

    def list_stages(self, session_id: int | None = None) -> list[StageRow]:
        """Every permanent stage of the account (and the temporary ones of session `session_id`)."""
        return [StageRow(*r) for r in self.store.query(
            f"SELECT {STAGE_COLS} FROM snowreg.stages WHERE NOT temporary OR session_id = ?", [session_id])]

    def stage_names(self, database: str, schema: str) -> list[str]:
        """The names of a schema's permanent stages, sorted."""
        return [str(r[0]) for r in self.store.query(
            "SELECT name FROM snowreg.stages WHERE database_name = ? AND schema_name = ? AND NOT temporary "
            "ORDER BY name", [database, schema])]

    def insert_stage(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str, owner: str | None,
                     url: str | None, temporary: bool, session_id: int | None, comment: str | None = None) -> int:
        """Inside a transaction: a new stage's row (Catalog.create_stage adds its future grants)."""
        stage_id = self.store.next_id()
        tx.execute(
            f"INSERT INTO snowreg.stages ({STAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [stage_id, database, schema, name, now(), owner, url, temporary, session_id, comment],
        )
        return stage_id

    def update_stage(self, stage_id: int, database: str, schema: str, name: str, comment: str | None) -> None:
        """ALTER STAGE … RENAME TO | SET | UNSET COMMENT: the stage's name and comment (its id, files, format
        and grants stay)."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.stages SET database_name = ?, schema_name = ?, name = ?, comment = ? "
                       "WHERE id = ?", [database, schema, name, comment, stage_id])

    def session_stage_ids(self, tx: duckdb.DuckDBPyConnection, session_id: int) -> list[int]:
        """Inside a transaction: the temporary stages of a connection."""
        return [int(r[0]) for r in tx.execute(
            "SELECT id FROM snowreg.stages WHERE temporary AND session_id = ?", [session_id]).fetchall()]

    def stage_ids_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None = None) -> list[int]:
        """Inside a transaction: the ids of the stages in a database (or one of its schemas)."""
        return ids_in(tx, "stages", database, schema)

    def delete_stage_rows(self, tx: duckdb.DuckDBPyConnection, stage_ids: list[int]) -> None:
        """Inside a transaction: stages with their files (their grants: see Catalog.drop_stage)."""
        if not stage_ids:
            return
        self.files.delete_owned(tx, "stage", stage_ids)
        tx.execute("DELETE FROM snowreg.stage_formats WHERE list_contains(?, stage_id)", [stage_ids])
        tx.execute("DELETE FROM snowreg.stage_copy_options WHERE list_contains(?, stage_id)", [stage_ids])
        tx.execute("DELETE FROM snowreg.stages WHERE list_contains(?, id)", [stage_ids])

    # -- tags --------------------------------------------------------------------------------

    def get_tag(self, database: str, schema: str, name: str) -> TagRow | None:
        row = self.store.query_one(
            "SELECT database_name, schema_name, name, created_on, owner, comment, allowed_values "
            "FROM snowreg.tags WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        return None if row is None else _tag_row(row)

    def list_tags(self, database: str | None = None, schema: str | None = None) -> list[TagRow]:
        """The tags of one schema, one database (schema None) or the account (both None), by database, schema, name."""
        rows = self.store.query(
            "SELECT database_name, schema_name, name, created_on, owner, comment, allowed_values FROM snowreg.tags "
            "WHERE (? IS NULL OR database_name = ?) AND (? IS NULL OR schema_name = ?) ORDER BY 1, 2, 3",
            [database, database, schema, schema])
        return [_tag_row(r) for r in rows]

    def create_tag(self, database: str, schema: str, name: str, owner: str | None,
                   allowed_values: tuple[str, ...] = (), comment: str | None = None) -> None:
        allowed = orjson.dumps(list(allowed_values)).decode() if allowed_values else None
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO snowreg.tags VALUES (?, ?, ?, ?, ?, ?, ?)",
                [database, schema, name, now(), owner, comment, allowed],
            )

    def update_tag(self, tag: TagRow, allowed_values: tuple[str, ...] | None, comment: str | None) -> None:
        """ALTER TAG … ADD | DROP | UNSET ALLOWED_VALUES, SET | UNSET COMMENT: the tag's new properties."""
        allowed = orjson.dumps(list(allowed_values)).decode() if allowed_values is not None else None
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.tags SET allowed_values = ?, comment = ? WHERE database_name = ? AND "
                       "schema_name = ? AND name = ?", [allowed, comment, tag.database_name, tag.schema_name, tag.name])

    def delete_tag_rows(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> None:
        """Inside a transaction: a tag with its references (its grants: see Catalog.drop_tag)."""
        key = [database, schema, name]
        tx.execute("DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? "
                   "AND tag_name = ?", key)
        tx.execute("DELETE FROM snowreg.tags WHERE database_name = ? AND schema_name = ? AND name = ?", key)

    def delete_tags_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None = None) -> None:
        """Inside a transaction: the tags of a dropped database or schema (tags are schema objects), with
        the values they set on objects elsewhere."""
        where, params = ("database_name = ?", [database]) if schema is None else \
            ("database_name = ? AND schema_name = ?", [database, schema])
        tx.execute("DELETE FROM snowreg.tag_references WHERE (tag_database, tag_schema, tag_name) IN "
                   f"(SELECT database_name, schema_name, name FROM snowreg.tags WHERE {where})", params)
        tx.execute(f"DELETE FROM snowreg.tags WHERE {where}", params)

    def forget_model_tags(self, tx: duckdb.DuckDBPyConnection, model_id: int) -> None:
        """Inside a transaction: the tag values set on a dropped model."""
        tx.execute("DELETE FROM snowreg.tag_references WHERE domain = 'MODULE' AND object_id = ?", [model_id])

    def set_tags(self, target: TagTarget, values: list[tuple[TagRow, str]]) -> None:
        """Set (or change) the values of tags on a model or a named object, in one transaction."""
        with self.store.transaction() as tx:
            for tag, value in values:
                key = [tag.database_name, tag.schema_name, tag.name, *target.key]
                tx.execute(f"DELETE FROM snowreg.tag_references WHERE {_REFERENCE}", key)
                tx.execute(f"INSERT INTO snowreg.tag_references ({_REF_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [*key, value])

    def unset_tags(self, target: TagTarget, tags: list[TagRow]) -> None:
        with self.store.transaction() as tx:
            for tag in tags:
                tx.execute(f"DELETE FROM snowreg.tag_references WHERE {_REFERENCE}",
                           [tag.database_name, tag.schema_name, tag.name, *target.key])

    def tags_on(self, target: TagTarget) -> list[tuple[str, str, str, str]]:
        """(tag database, tag schema, tag name, value) of the tags set on a model or a named object itself."""
        return [tuple(r) for r in self.store.query(  # type: ignore[misc]
            "SELECT tag_database, tag_schema, tag_name, value FROM snowreg.tag_references WHERE "
            + _TARGET + " ORDER BY 1, 2, 3", target.key)]

    def column_tags(self, database: str, schema: str, table: str) -> list[tuple[str, str, str, str, str]]:
        """(column, tag database, tag schema, tag name, value) of the tags set on a table's or view's columns."""
        return [tuple(r) for r in self.store.query(  # type: ignore[misc]
            "SELECT column_name, tag_database, tag_schema, tag_name, value FROM snowreg.tag_references "
            "WHERE domain = 'COLUMN' AND object_database = ? AND object_schema = ? AND object_name = ? "
            "ORDER BY 1, 2, 3, 4", [database, schema, table])]

    # -- steps of Catalog's cross-family writes: tags set on tables, views and columns follow them --

    def forget_relation_tags(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> None:
        """Inside a transaction: the tags set on a dropped table or view and on its columns."""
        tx.execute("DELETE FROM snowreg.tag_references WHERE domain IN ('TABLE', 'COLUMN') AND object_database = ? "
                   "AND object_schema = ? AND object_name = ?", [database, schema, name])

    def rename_relation_tags(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, old: str,
                             new: str) -> None:
        """Inside a transaction: a renamed table or view keeps its tags and its columns' (also when DROP TABLE
        sets it aside for UNDROP under a hidden name)."""
        tx.execute("UPDATE snowreg.tag_references SET object_name = ? WHERE domain IN ('TABLE', 'COLUMN') "
                   "AND object_database = ? AND object_schema = ? AND object_name = ?", [new, database, schema, old])

    def copy_relation_tags(self, tx: duckdb.DuckDBPyConnection, source: tuple[str, str], target: tuple[str, str],
                           names: list[str]) -> None:
        """Inside a transaction: CREATE SCHEMA | DATABASE … CLONE: the clones of tables and views `names` of schema
        `source` in `target` carry the tags set on them and on their columns."""
        where = ("domain IN ('TABLE', 'COLUMN') AND object_database = ? AND object_schema = ? "
                 "AND list_contains(?::VARCHAR[], object_name)")
        tx.execute(f"DELETE FROM snowreg.tag_references WHERE {where}", [*target, names])
        tx.execute(f"INSERT INTO snowreg.tag_references ({_REF_COLS}) SELECT tag_database, tag_schema, tag_name, "
                   f"domain, object_id, ?, ?, object_name, column_name, value FROM snowreg.tag_references "
                   f"WHERE {where}", [*target, *source, names])

    def forget_column_tags(self, database: str, schema: str, table: str, columns: list[str]) -> None:
        """ALTER TABLE … DROP COLUMN: the dropped columns' tags go."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.tag_references WHERE domain = 'COLUMN' AND object_database = ? AND "
                       "object_schema = ? AND object_name = ? AND list_contains(?, column_name)",
                       [database, schema, table, columns])

    def rename_column_tags(self, database: str, schema: str, table: str, old: str, new: str) -> None:
        """ALTER TABLE … RENAME COLUMN: the column keeps its tags."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.tag_references SET column_name = ? WHERE domain = 'COLUMN' AND "
                       "object_database = ? AND object_schema = ? AND object_name = ? AND column_name = ?",
                       [new, database, schema, table, old])

    def forget_references_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None) -> None:
        """Inside a transaction: the tags set on a dropped (or re-created) database or schema and on every
        object named in it."""
        where, params = ("object_database = ?", [database]) if schema is None else \
            ("object_database = ? AND object_schema = ?", [database, schema])
        tx.execute(f"DELETE FROM snowreg.tag_references WHERE domain <> 'MODULE' AND {where}", params)


@dataclass(frozen=True, slots=True)
class TagTarget:
    """What a tag is set on: a model (domain MODULE, by id) or a database, schema, table or view (domain TABLE)
    or column, by name ('' for the parts its domain has none of)."""

    domain: str
    object_id: int = 0
    database: str = ""
    schema: str = ""
    name: str = ""
    column: str = ""

    @classmethod
    def model(cls, model_id: int) -> TagTarget:
        return cls("MODULE", model_id)

    @property
    def key(self) -> list[Any]:
        return [self.domain, self.object_id, self.database, self.schema, self.name, self.column]


_REF_COLS = ("tag_database, tag_schema, tag_name, domain, object_id, object_database, object_schema, object_name, "
             "column_name, value")
_TARGET = ("domain = ? AND object_id = ? AND coalesce(object_database, '') = ? AND coalesce(object_schema, '') = ? "
           "AND coalesce(object_name, '') = ? AND coalesce(column_name, '') = ?")
_REFERENCE = "tag_database = ? AND tag_schema = ? AND tag_name = ? AND " + _TARGET


def _tag_row(row: Any) -> TagRow:
    allowed = tuple(orjson.loads(row[6])) if row[6] else None
    return TagRow(row[0], row[1], row[2], row[3], row[4], row[5], allowed)
