"""Loading data: named file formats, a stage's own file format, and COPY INTO <table>'s load metadata."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import orjson

from snowreg.catalog.store import Store, ids_in, now

_FORMAT_COLS = "id, database_name, schema_name, name, created_on, owner, format_type, options, temporary, " \
               "session_id, comment"


@dataclass(frozen=True, slots=True)
class FileFormatRow:
    id: int
    database_name: str
    schema_name: str
    name: str
    created_on: datetime
    owner: str | None
    format_type: str
    options: dict[str, Any]  # the options the statement gave (upper-case names), TYPE excluded
    temporary: bool
    session_id: int | None
    comment: str | None


def _row(r: tuple[Any, ...]) -> FileFormatRow:
    return FileFormatRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], orjson.loads(r[7]), bool(r[8]), r[9], r[10])


class LoadsPart:
    """The file_formats, stage_formats, stage_copy_options and load_history tables (see schema.sql)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- named file formats ------------------------------------------------------------------

    def get_format(self, database: str, schema: str, name: str) -> list[FileFormatRow]:
        """The file formats of that name (a session's temporary one may hide a permanent one)."""
        return self.store.cached(("file_format", database, schema, name), lambda: [_row(r) for r in self.store.query(
            f"SELECT {_FORMAT_COLS} FROM snowreg.file_formats WHERE database_name = ? AND schema_name = ? "
            "AND name = ? ORDER BY temporary DESC", [database, schema, name])])

    def list_formats(self) -> list[FileFormatRow]:
        return [_row(r) for r in self.store.query(f"SELECT {_FORMAT_COLS} FROM snowreg.file_formats "
                                                  "ORDER BY database_name, schema_name, name")]

    def create_format(self, database: str, schema: str, name: str, owner: str | None, format_type: str,
                      options: dict[str, Any], temporary: bool, session_id: int | None, comment: str | None,
                      replaced: int | None) -> None:
        with self.store.transaction() as tx:
            if replaced is not None:
                tx.execute("DELETE FROM snowreg.file_formats WHERE id = ?", [replaced])
            tx.execute(f"INSERT INTO snowreg.file_formats ({_FORMAT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [self.store.next_id(), database, schema, name, now(), owner, format_type,
                        orjson.dumps(options).decode(), temporary, session_id, comment])

    def drop_format(self, format_id: int) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.file_formats WHERE id = ?", [format_id])

    def drop_session_formats(self, session_id: int) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.file_formats WHERE temporary AND session_id = ?", [session_id])

    def delete_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None = None) -> None:
        """Inside a transaction: the file formats of a dropped database (or schema)."""
        ids = ids_in(tx, "file_formats", database, schema)
        if ids:
            tx.execute("DELETE FROM snowreg.file_formats WHERE list_contains(?, id)", [ids])

    # -- a stage's own file format -----------------------------------------------------------

    def stage_format(self, stage_id: int) -> dict[str, Any] | None:
        row = self.store.query_one("SELECT options FROM snowreg.stage_formats WHERE stage_id = ?", [stage_id])
        return orjson.loads(row[0]) if row else None

    def set_stage_format(self, stage_id: int, options: dict[str, Any]) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO snowreg.stage_formats VALUES (?, ?)",
                       [stage_id, orjson.dumps(options).decode()])

    def stage_copy_options(self, stage_id: int) -> dict[str, Any]:
        row = self.store.query_one("SELECT options FROM snowreg.stage_copy_options WHERE stage_id = ?", [stage_id])
        return orjson.loads(row[0]) if row else {}

    def set_stage_copy_options(self, stage_id: int, options: dict[str, Any]) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO snowreg.stage_copy_options VALUES (?, ?)",
                       [stage_id, orjson.dumps(options).decode()])

    # -- load metadata -----------------------------------------------------------------------

    def loaded(self, table: tuple[str, str, str, str]) -> set[tuple[str, str]]:
        """(path, md5) of the files a table has loaded."""
        return {(r[0], r[1]) for r in self.store.query(
            "SELECT path, md5 FROM snowreg.load_history WHERE database_name = ? AND schema_name = ? AND "
            "table_name = ? AND table_created = ?", list(table))}

    def record_loads(self, table: tuple[str, str, str, str], files: list[tuple[str, str]],
                     records: Sequence[tuple[Any, ...]] = ()) -> None:
        """The files a COPY loaded (`files`: path, md5) and its LOAD_HISTORY rows (`records`: file name, status,
        rows loaded, rows parsed, first error message, line, character, column, error count, error limit)."""
        if not files and not records:
            return
        at = now()
        with self.store.transaction() as tx:
            for path, md5 in files:
                tx.execute("INSERT INTO snowreg.load_history VALUES (?, ?, ?, ?, ?, ?, ?)", [*table, path, md5, at])
            for record in records:
                tx.execute("INSERT INTO snowreg.load_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [*table, record[0], at, *record[1:]])

    def settle(self, pending: list[tuple[Any, ...]]) -> None:
        """A committed transaction's load metadata, in order: ("record", table key, files, records) and
        ("forget", database, schema, table)."""
        for op in pending:
            if op[0] == "record":
                self.record_loads(op[1], op[2], op[3] if len(op) > 3 else ())
            else:
                self.forget_loads(*op[1:])

    def forget_loads(self, database: str, schema: str, table: str) -> None:
        """TRUNCATE TABLE: the table's load metadata goes."""
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.load_history WHERE database_name = ? AND schema_name = ? AND "
                       "table_name = ?", [database, schema, table])

    # -- the stages of tables and users ----------------------------------------------------------

    def implicit_stage(self, key: tuple[str, str, str, str, str], make: bool = False) -> int | None:
        """The id of a table's or user's stage, `key` (kind, database, schema, name, created); `make`: one is
        made when there is none yet (a PUT), else None means an empty stage."""
        query = ("SELECT id FROM snowreg.implicit_stages WHERE kind = ? AND database_name = ? AND schema_name = ? "
                 "AND name = ? AND created = ?")
        row = self.store.query_one(query, list(key))
        if row is not None or not make:
            return None if row is None else int(row[0])
        with self.store.transaction() as tx:
            found = tx.execute(query, list(key)).fetchone()
            if found is not None:
                return int(found[0])
            stage_id = self.store.next_id()
            tx.execute("INSERT INTO snowreg.implicit_stages VALUES (?, ?, ?, ?, ?, ?)", [*key, stage_id])
        return stage_id
