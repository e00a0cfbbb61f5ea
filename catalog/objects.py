"""Stages and tags: the schema objects models are made from and labelled with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson

from snowreg.catalog.models import ModelsPart
from snowreg.catalog.store import now

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


class ObjectsPart(ModelsPart):
    """Stages (internal, or backed by a local directory) and tags with their references."""

    # -- stages ------------------------------------------------------------------------------

    def get_stage(self, database: str, schema: str, name: str) -> StageRow | None:
        return self.cached(("stage", database, schema, name), lambda: self._load_stage(database, schema, name))

    def _load_stage(self, database: str, schema: str, name: str) -> StageRow | None:
        row = self.query_one(
            f"SELECT {STAGE_COLS} FROM snowreg.stages WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        return StageRow(*row) if row else None

    def create_stage(self, database: str, schema: str, name: str, owner: str | None, url: str | None,
                     temporary: bool, session_id: int | None, comment: str | None = None) -> int:
        with self.transaction() as tx:
            stage_id = self.next_id()
            tx.execute(
                f"INSERT INTO snowreg.stages ({STAGE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [stage_id, database, schema, name, now(), owner, url, temporary, session_id, comment],
            )
            return stage_id

    def drop_stage(self, stage_id: int) -> None:
        with self.transaction() as tx:
            tx.execute("DELETE FROM snowreg.files WHERE owner_kind = 'stage' AND owner_id = ?", [stage_id])
            tx.execute("DELETE FROM snowreg.stages WHERE id = ?", [stage_id])
            self.files_dropped()

    def drop_session_stages(self, session_id: int) -> None:
        """Temporary stages end with the connection that created them."""
        with self.transaction() as tx:
            ids = [r[0] for r in tx.execute(
                "SELECT id FROM snowreg.stages WHERE temporary AND session_id = ?", [session_id]).fetchall()]
            for stage_id in ids:
                tx.execute("DELETE FROM snowreg.files WHERE owner_kind = 'stage' AND owner_id = ?", [stage_id])
            tx.execute("DELETE FROM snowreg.stages WHERE temporary AND session_id = ?", [session_id])
            if ids:
                self.files_dropped()

    # -- tags --------------------------------------------------------------------------------

    def get_tag(self, database: str, schema: str, name: str) -> TagRow | None:
        row = self.query_one(
            "SELECT database_name, schema_name, name, created_on, owner, comment, allowed_values "
            "FROM snowreg.tags WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        if row is None:
            return None
        allowed = tuple(orjson.loads(row[6])) if row[6] else None
        return TagRow(row[0], row[1], row[2], row[3], row[4], row[5], allowed)

    def create_tag(self, database: str, schema: str, name: str, owner: str | None,
                   allowed_values: tuple[str, ...] = (), comment: str | None = None) -> None:
        allowed = orjson.dumps(list(allowed_values)).decode() if allowed_values else None
        with self.transaction() as tx:
            tx.execute(
                "INSERT INTO snowreg.tags VALUES (?, ?, ?, ?, ?, ?, ?)",
                [database, schema, name, now(), owner, comment, allowed],
            )

    def drop_tag(self, database: str, schema: str, name: str) -> None:
        with self.transaction() as tx:
            key = [database, schema, name]
            tx.execute("DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? "
                       "AND tag_name = ?", key)
            tx.execute("DELETE FROM snowreg.tags WHERE database_name = ? AND schema_name = ? AND name = ?", key)

    def set_tags(self, model_id: int, values: list[tuple[TagRow, str]]) -> None:
        with self.transaction() as tx:
            for tag, value in values:
                key = [tag.database_name, tag.schema_name, tag.name, model_id]
                tx.execute(
                    "DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? AND tag_name = ? "
                    "AND domain = 'MODULE' AND object_id = ?", key)
                tx.execute("INSERT INTO snowreg.tag_references VALUES (?, ?, ?, 'MODULE', ?, ?)",
                           [*key[:3], model_id, value])

    def unset_tags(self, model_id: int, tags: list[TagRow]) -> None:
        with self.transaction() as tx:
            for tag in tags:
                tx.execute(
                    "DELETE FROM snowreg.tag_references WHERE tag_database = ? AND tag_schema = ? AND tag_name = ? "
                    "AND domain = 'MODULE' AND object_id = ?",
                    [tag.database_name, tag.schema_name, tag.name, model_id])

    def model_tags(self, model_id: int) -> list[tuple[str, str, str, str]]:
        """(tag database, tag schema, tag name, value) of a model's tags."""
        return [tuple(r) for r in self.query(  # type: ignore[misc]
            "SELECT tag_database, tag_schema, tag_name, value FROM snowreg.tag_references "
            "WHERE domain = 'MODULE' AND object_id = ? ORDER BY 1, 2, 3", [model_id])]
