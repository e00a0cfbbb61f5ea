"""Models and versions: rows, default version, aliases, comments, metadata, files and functions."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import orjson

from snowreg import errors
from snowreg.catalog.manifest import FunctionSpec, VersionSpec
from snowreg.catalog.store import Store, now

MODEL_COLS = "id, database_name, schema_name, name, created_on, owner, comment, default_version, model_type"
VERSION_COLS = (
    "id, model_id, name, seq, created_on, last_altered_on, comment, metadata, alias, model_spec, model_type, "
    "model_attributes, runnable_in, user_data, python_version, dependencies, language, size"
)


@dataclass(frozen=True, slots=True)
class ModelRow:
    id: int
    database_name: str
    schema_name: str
    name: str
    created_on: datetime
    owner: str | None
    comment: str | None
    default_version: str | None
    model_type: str

    @property
    def fqn(self) -> str:
        return f"{self.database_name}.{self.schema_name}.{self.name}"


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: int
    model_id: int
    name: str
    seq: int
    created_on: datetime
    last_altered_on: datetime
    comment: str | None
    metadata: str
    alias: str | None
    model_spec: str | None
    model_type: str | None
    model_attributes: str
    runnable_in: str
    user_data: str
    python_version: str | None
    dependencies: str | None
    language: str | None
    size: int


@dataclass(frozen=True, slots=True)
class VersionContent:
    """What a new version is made of: its files (path → blob sha) and what its manifest declares."""

    files: tuple[tuple[str, str], ...]
    spec: VersionSpec
    comment: str | None = None
    metadata: str = "{}"


def function_to_json(fn: FunctionSpec) -> str:
    return orjson.dumps(dataclasses.asdict(fn)).decode()


def function_from_json(text: str) -> FunctionSpec:
    data = orjson.loads(text)
    values = {}
    for f in dataclasses.fields(FunctionSpec):
        v = data.get(f.name)
        values[f.name] = _tuples(v) if isinstance(v, list) else v
    return FunctionSpec(**values)


def stored_path(path: str) -> str:
    """A file path as stored: relative, '/'-separated, with no '.', '..' or empty segment (refused otherwise)."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path or any(
            s in ("", ".", "..") for s in path.split("/")):
        raise errors.stage_path_outside(path)
    return path


def _tuples(v: Any) -> Any:
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


class ModelsPart(Store):
    """Model and version rows; every method that writes runs in one transaction."""

    # -- reads -------------------------------------------------------------------------------

    def get_model(self, database: str, schema: str, name: str) -> ModelRow | None:
        return self.cached(("model", database, schema, name), lambda: self._load_model(database, schema, name))

    def _load_model(self, database: str, schema: str, name: str) -> ModelRow | None:
        row = self.query_one(
            f"SELECT {MODEL_COLS} FROM snowreg.models WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        return ModelRow(*row) if row else None

    def get_model_by_id(self, model_id: int) -> ModelRow | None:
        row = self.query_one(f"SELECT {MODEL_COLS} FROM snowreg.models WHERE id = ?", [model_id])
        return ModelRow(*row) if row else None

    def list_models(self, database: str | None = None, schema: str | None = None) -> list[ModelRow]:
        return list(self.cached(("model", "list", database, schema), lambda: self._load_models(database, schema)))

    def _load_models(self, database: str | None, schema: str | None) -> list[ModelRow]:
        sql, params = f"SELECT {MODEL_COLS} FROM snowreg.models WHERE true", []
        if database is not None:
            sql += " AND database_name = ?"
            params.append(database)
        if schema is not None:
            sql += " AND schema_name = ?"
            params.append(schema)
        rows = self.query(sql + " ORDER BY database_name, schema_name, name", params)
        return [ModelRow(*r) for r in rows]

    def list_versions(self, model_id: int) -> list[VersionRow]:
        return list(self.cached(("versions", model_id), lambda: self._load_versions(model_id)))

    def _load_versions(self, model_id: int) -> list[VersionRow]:
        rows = self.query(f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE model_id = ? ORDER BY seq", [model_id])
        return [VersionRow(*r) for r in rows]

    def list_versions_of(self, model_ids: list[int]) -> dict[int, list[VersionRow]]:
        """Versions of many models (SHOW MODELS): cached lists, one query for the missing ones."""
        with self.lock:
            fresh = self._cache_generation == self.generation and not self._in_tx
            out = {m: list(self._read_cache[("versions", m)]) for m in model_ids
                   if fresh and ("versions", m) in self._read_cache}
        missing = [m for m in model_ids if m not in out]
        if missing:
            rows = self.query(
                f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE list_contains(?, model_id) ORDER BY seq",
                [missing],
            )
            loaded: dict[int, list[VersionRow]] = {m: [] for m in missing}
            for r in rows:
                loaded[r[1]].append(VersionRow(*r))
            for m, versions in loaded.items():
                out[m] = list(self.cached(("versions", m), lambda v=versions: v))  # type: ignore[misc]
        return out

    def functions(self, version_id: int) -> list[FunctionSpec]:
        return list(self.cached(("functions", version_id), lambda: self._load_functions(version_id)))

    def _load_functions(self, version_id: int) -> list[FunctionSpec]:
        rows = self.query("SELECT spec FROM snowreg.functions WHERE version_id = ? ORDER BY pos", [version_id])
        return [function_from_json(r[0]) for r in rows]

    # -- writes ------------------------------------------------------------------------------

    def create_model(self, database: str, schema: str, name: str, owner: str | None,
                     version_name: str, content: VersionContent) -> int:
        with self.transaction() as tx:
            model_id = self.next_id()
            tx.execute(
                "INSERT INTO snowreg.models VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 'USER_MODEL')",
                [model_id, database, schema, name, now(), owner, version_name],
            )
            self._insert_version(tx, model_id, version_name, content)
            return model_id

    def add_version(self, model_id: int, version_name: str, content: VersionContent) -> int:
        with self.transaction() as tx:
            return self._insert_version(tx, model_id, version_name, content)

    def _insert_version(self, tx: duckdb.DuckDBPyConnection, model_id: int, name: str,
                        content: VersionContent) -> int:
        version_id = self.next_id()
        spec = content.spec
        size = 0
        ts = now()
        for path, sha in content.files:
            row = tx.execute("SELECT octet_length(content) FROM snowreg.blobs WHERE sha = ?", [sha]).fetchone()
            assert row is not None, f"blob {sha} missing"
            size += int(row[0])
            tx.execute(
                "INSERT INTO snowreg.files SELECT 'version', ?, ?, sha, octet_length(content), md5(content), ? "
                "FROM snowreg.blobs WHERE sha = ?",
                [version_id, path, ts, sha],
            )
        tx.execute(
            f"INSERT INTO snowreg.versions ({VERSION_COLS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [version_id, model_id, name, version_id, ts, ts, content.comment, content.metadata,
             spec.model_spec, spec.model_type, orjson.dumps(spec.model_attributes).decode(),
             orjson.dumps(list(spec.runnable_in)).decode(), orjson.dumps(spec.user_data).decode(),
             spec.python_version, spec.dependencies, spec.language, size],
        )
        for pos, fn in enumerate(spec.functions):
            tx.execute("INSERT INTO snowreg.functions VALUES (?, ?, ?, ?)",
                       [version_id, pos, fn.name, function_to_json(fn)])
        return version_id

    def put_blob(self, content: bytes) -> str:
        sha = hashlib.sha256(content).hexdigest()
        with self.transaction() as tx:
            tx.execute("INSERT OR IGNORE INTO snowreg.blobs VALUES (?, ?)", [sha, content])
        return sha

    def version_content(self, version: VersionRow) -> VersionContent:
        """The content of an existing version, to copy it into another model."""
        files = self.query(
            "SELECT path, sha FROM snowreg.files WHERE owner_kind = 'version' AND owner_id = ? ORDER BY path",
            [version.id],
        )
        spec = VersionSpec(
            functions=tuple(self.functions(version.id)),
            model_spec=version.model_spec or "",
            model_type=version.model_type or "",
            task=str(orjson.loads(version.model_attributes).get("task", "UNKNOWN")),
            model_attributes=orjson.loads(version.model_attributes),
            runnable_in=tuple(orjson.loads(version.runnable_in)),
            user_data=orjson.loads(version.user_data),
            python_version=version.python_version or "",
            dependencies=version.dependencies or "",
            language=version.language or "PYTHON",
        )
        return VersionContent(tuple((p, s) for p, s in files), spec, version.comment, version.metadata)

    def drop_model(self, model_id: int) -> None:
        with self.transaction() as tx:
            self._delete_model_rows(tx, model_id)

    def _delete_model_rows(self, tx: duckdb.DuckDBPyConnection, model_id: int) -> None:
        for (version_id,) in tx.execute("SELECT id FROM snowreg.versions WHERE model_id = ?", [model_id]).fetchall():
            self._delete_version_rows(tx, version_id)
        tx.execute("DELETE FROM snowreg.tag_references WHERE domain = 'MODULE' AND object_id = ?", [model_id])
        tx.execute("DELETE FROM snowreg.models WHERE id = ?", [model_id])
        self._after_model_dropped(tx, model_id)

    def _after_model_dropped(self, tx: duckdb.DuckDBPyConnection, model_id: int) -> None:
        """Hook for other parts (grants) to forget a dropped model."""

    def _delete_version_rows(self, tx: duckdb.DuckDBPyConnection, version_id: int) -> None:
        tx.execute("DELETE FROM snowreg.functions WHERE version_id = ?", [version_id])
        tx.execute("DELETE FROM snowreg.files WHERE owner_kind = 'version' AND owner_id = ?", [version_id])
        self.files_dropped()
        tx.execute("DELETE FROM snowreg.versions WHERE id = ?", [version_id])

    def drop_version(self, version_id: int) -> None:
        with self.transaction() as tx:
            self._delete_version_rows(tx, version_id)

    def update_model(self, model_id: int, **values: Any) -> None:
        """Set columns of a model row (comment, default_version, database_name, schema_name, name)."""
        allowed = {"comment", "default_version", "database_name", "schema_name", "name", "owner"}
        assert set(values) <= allowed, values
        sets = ", ".join(f"{k} = ?" for k in values)
        self.write_one(f"UPDATE snowreg.models SET {sets} WHERE id = ?", [*values.values(), model_id],
                       stale=lambda key: key[0] == "model")

    def update_version(self, version: VersionRow, **values: Any) -> None:
        """Set comment, metadata or alias of a version; last_altered_on follows."""
        assert set(values) <= {"comment", "metadata", "alias"}, values
        sets = ", ".join(f"{k} = ?" for k in values)
        ts = now()
        key = ("versions", version.model_id)
        self.write_one(f"UPDATE snowreg.versions SET {sets}, last_altered_on = ? WHERE id = ?",
                       [*values.values(), ts, version.id], stale=lambda _: False)
        with self.lock:  # write through: the cached version list takes the new values
            cached = self._read_cache.get(key)
            if cached is not None and self._cache_generation == self.generation:
                self._read_cache[key] = [
                    dataclasses.replace(v, **values, last_altered_on=ts) if v.id == version.id else v
                    for v in cached]
            else:
                self._read_cache.pop(key, None)

    # -- files -------------------------------------------------------------------------------

    def list_files(self, owner_kind: str, owner_id: int, prefix: str = "") -> list[tuple[str, int, str, datetime]]:
        """(path, size, md5, last_modified) of the files under `prefix`, sorted by path."""
        return [
            (r[0], int(r[1]), r[2], r[3])
            for r in self.query(
                "SELECT path, size, md5, last_modified FROM snowreg.files "
                "WHERE owner_kind = ? AND owner_id = ? AND starts_with(path, ?) ORDER BY path",
                [owner_kind, owner_id, prefix],
            )
        ]

    def read_files(self, owner_kind: str, owner_id: int, prefix: str = "") -> dict[str, bytes]:
        """The files under a prefix; each one's content must still hash to what was recorded when it was stored."""
        rows = self.query(
            "SELECT f.path, f.sha, b.content FROM snowreg.files f JOIN snowreg.blobs b USING (sha) "
            "WHERE f.owner_kind = ? AND f.owner_id = ? AND starts_with(f.path, ?)",
            [owner_kind, owner_id, prefix],
        )
        files = {}
        for path, sha, content in rows:
            data = bytes(content)
            if hashlib.sha256(data).hexdigest() != sha:
                raise errors.tampered_file(path)
            files[path] = data
        return files

    def write_file(self, owner_kind: str, owner_id: int, path: str, content: bytes, overwrite: bool = True) -> bool:
        """Store one file; False when it exists and `overwrite` is off."""
        stored_path(path)
        with self.transaction() as tx:  # one transaction with its blob: nothing frees it in between
            sha = self.put_blob(content)
            self.files_dropped()  # an overwritten file's old content
            exists = tx.execute(
                "SELECT 1 FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND path = ?",
                [owner_kind, owner_id, path],
            ).fetchone()
            if exists and not overwrite:
                return False
            tx.execute("DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND path = ?",
                       [owner_kind, owner_id, path])
            tx.execute(
                "INSERT INTO snowreg.files SELECT ?, ?, ?, sha, octet_length(content), md5(content), ? "
                "FROM snowreg.blobs WHERE sha = ?",
                [owner_kind, owner_id, path, now(), sha],
            )
        return True

    def remove_files(self, owner_kind: str, owner_id: int, paths: list[str]) -> None:
        with self.transaction() as tx:
            self.files_dropped()
            tx.execute(
                "DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND list_contains(?, path)",
                [owner_kind, owner_id, paths],
            )

    def files_as_content(self, owner_kind: str, owner_id: int, prefix: str) -> tuple[tuple[str, str], ...]:
        """(relative path, sha) of the files under a prefix: the content of a version made from a stage."""
        rows = self.query(
            "SELECT path, sha FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND starts_with(path, ?) "
            "ORDER BY path",
            [owner_kind, owner_id, prefix],
        )
        return tuple((stored_path(p[len(prefix):]), s) for p, s in rows)

    def mapping_files(self, files: Mapping[str, bytes]) -> tuple[tuple[str, str], ...]:
        """Store a path → bytes mapping as blobs; returns the (path, sha) pairs."""
        return tuple((stored_path(path), self.put_blob(data)) for path, data in sorted(files.items()))
