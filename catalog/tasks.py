"""Tasks and the record of their runs (snowreg.tasks, snowreg.task_history; see schema.sql)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson

from snowreg.catalog.dropped import RETENTION
from snowreg.catalog.store import Store, now

_COLS = "id, database_name, schema_name, name, created_on, owner, state, definition, comment, properties"
HISTORY_COLS = ("query_id, database_name, schema_name, name, query_text, condition_text, state, error_code, "
                "error_message, scheduled_time, query_start_time, completed_time, root_task_id, graph_version, run_id, "
                "return_value")


@dataclass(frozen=True, slots=True)
class TaskRow:
    id: int
    database_name: str
    schema_name: str
    name: str
    created_on: datetime
    owner: str
    state: str  # started | suspended
    definition: str
    comment: str | None
    properties: dict[str, Any]  # warehouse, schedule, predecessors ([db, schema, name] lists), condition, …

    @property
    def key(self) -> tuple[str, str, str]:
        return self.database_name, self.schema_name, self.name


def _row(r: tuple[Any, ...]) -> TaskRow:
    return TaskRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], orjson.loads(r[9]))


class TasksPart:
    """Tasks by schema and name; a task's grants other than OWNERSHIP are the grants family's."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get_task(self, database: str, schema: str, name: str) -> TaskRow | None:
        if self.store.pristine is not None:
            return None
        row = self.store.query_one(f"SELECT {_COLS} FROM snowreg.tasks WHERE database_name = ? AND schema_name = ? "
                                   "AND name = ?", [database, schema, name])
        return None if row is None else _row(row)

    def list_tasks(self, database: str | None = None, schema: str | None = None) -> list[TaskRow]:
        if self.store.pristine is not None:
            return []
        where, params = "true", []
        if database is not None:
            where, params = "database_name = ?", [database]
        if schema is not None:
            where, params = where + " AND schema_name = ?", [*params, schema]
        return [_row(r) for r in self.store.query(f"SELECT {_COLS} FROM snowreg.tasks WHERE {where} "
                                                  "ORDER BY database_name, schema_name, name", params)]

    def put_rows(self, tx: Any, task: TaskRow, replaced: TaskRow | None) -> None:
        """Catalog.put_task's step: the task's row replaces `replaced` (the task of that name, if any)."""
        if replaced is not None:
            tx.execute("DELETE FROM snowreg.tasks WHERE id = ?", [replaced.id])
        tx.execute(f"INSERT INTO snowreg.tasks ({_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [task.id, *task.key, task.created_on, task.owner, task.state, task.definition, task.comment,
                    orjson.dumps(task.properties).decode()])

    def new_id(self) -> int:
        with self.store.transaction() as tx:
            row = tx.execute("SELECT nextval('snowreg.ids')").fetchone()
            assert row is not None
            return int(row[0])

    def drop_rows(self, tx: Any, task: TaskRow) -> None:
        """Catalog.drop_task's step."""
        tx.execute("DELETE FROM snowreg.tasks WHERE id = ?", [task.id])

    def copy_rows(self, tx: Any, source: tuple[str, str], target: tuple[str, str]) -> list[str]:
        """Catalog.copy_tasks' step: each task of schema `source` again in `target` with an id of its own, suspended,
        its predecessors (all in its schema) the clones; the names of the tasks copied."""
        names = []
        for task in self.list_tasks(*source):
            found = tx.execute("SELECT nextval('snowreg.ids')").fetchone()
            props = dict(task.properties)
            props["predecessors"] = [[*target, p[2]] for p in props.get("predecessors") or []]
            self.put_rows(tx, replace(task, id=int(found[0]), database_name=target[0], schema_name=target[1],
                                      created_on=now(), state="suspended", properties=props), None)
            names.append(task.name)
        return names

    def record_run(self, rows: list[dict[str, Any]]) -> None:
        """The runs of one EXECUTE TASK (TASK_HISTORY's rows)."""
        names = [c.strip() for c in HISTORY_COLS.split(",")]
        with self.store.transaction() as tx:
            for r in rows:
                tx.execute(f"INSERT INTO snowreg.task_history ({HISTORY_COLS}) VALUES "
                           f"({', '.join('?' * len(names))})", [r.get(n) for n in names])

    def forget_container(self, tx: Any, database: str, schema: str | None) -> None:
        """The tasks of a dropped database or schema go, those kept for UNDROP too (their grants go with the
        container's)."""
        where, params = ("database_name = ?", [database]) if schema is None else \
            ("database_name = ? AND schema_name = ?", [database, schema])
        tx.execute(f"DELETE FROM snowreg.tasks WHERE {where}", params)
        tx.execute(f"DELETE FROM snowreg.dropped_tasks WHERE {where}", params)

    # -- dropped tasks kept for UNDROP TASK (Catalog.drop_task, Catalog.undrop_task) --

    def keep_dropped(self, tx: Any, task: TaskRow, hidden: str) -> None:
        tx.execute(f"INSERT INTO snowreg.dropped_tasks ({_COLS}, hidden, dropped_on) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [task.id, *task.key, task.created_on, task.owner, task.state, task.definition, task.comment,
                    orjson.dumps(task.properties).decode(), hidden, now()])

    def dropped(self, database: str, schema: str, name: str) -> list[tuple[TaskRow, str]]:
        """The kept versions of a task name still within their retention, the most recently dropped first, each
        with its hidden name."""
        if self.store.pristine is not None:
            return []
        rows = self.store.query(f"SELECT {_COLS}, hidden FROM snowreg.dropped_tasks WHERE database_name = ? AND "
                                "schema_name = ? AND name = ? AND dropped_on > ? ORDER BY dropped_on DESC",
                                [database, schema, name, now() - RETENTION])
        return [(_row(r), str(r[10])) for r in rows]

    def expire_dropped(self, tx: Any) -> list[str]:
        """Kept tasks whose retention has ended go; their hidden names (for their grants kept aside)."""
        rows = tx.execute("DELETE FROM snowreg.dropped_tasks WHERE dropped_on <= ? RETURNING hidden",
                          [now() - RETENTION]).fetchall()
        return [str(r[0]) for r in rows]

    def forget_dropped(self, tx: Any, hidden: str) -> None:
        tx.execute("DELETE FROM snowreg.dropped_tasks WHERE hidden = ?", [hidden])

    def history(self) -> list[tuple[Any, ...]]:
        if self.store.pristine is not None:
            return []
        return self.store.query(f"SELECT {HISTORY_COLS} FROM snowreg.task_history ORDER BY scheduled_time DESC")


def created() -> datetime:
    return now()
