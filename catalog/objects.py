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

    def set_tags(self, model_id: int, values: list[tuple[TagRow, str]]) -> None:
        with self.store.transaction() as tx:
            for tag, value in values:
                key = [tag.database_name, tag.schema_name, tag.name, model_id]
                tx.execute(
                    "DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? AND tag_name = ? "
                    "AND domain = 'MODULE' AND object_id = ?", key)
                tx.execute("INSERT INTO snowreg.tag_references VALUES (?, ?, ?, 'MODULE', ?, ?)",
                           [*key[:3], model_id, value])

    def unset_tags(self, model_id: int, tags: list[TagRow]) -> None:
        with self.store.transaction() as tx:
            for tag in tags:
                tx.execute(
                    "DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? AND tag_name = ? "
                    "AND domain = 'MODULE' AND object_id = ?",
                    [tag.database_name, tag.schema_name, tag.name, model_id])

    def model_tags(self, model_id: int) -> list[tuple[str, str, str, str]]:
        """(tag database, tag schema, tag name, value) of a model's tags."""
        return [tuple(r) for r in self.store.query(  # type: ignore[misc]
            "SELECT tag_database, tag_schema, tag_name, value FROM snowreg.tag_references "
            "WHERE domain = 'MODULE' AND object_id = ? ORDER BY 1, 2, 3", [model_id])]


def _tag_row(row: Any) -> TagRow:
    allowed = tuple(orjson.loads(row[6])) if row[6] else None
    return TagRow(row[0], row[1], row[2], row[3], row[4], row[5], allowed)
