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
# Versions made by the live-commit path are invisible until committed.
_COMMITTED = "id NOT IN (SELECT version_id FROM snowreg.live_versions)"


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
class VersionIndex:
    """A model's versions in creation order, looked up by name and by user alias without a scan."""

    rows: tuple[VersionRow, ...]
    by_name: dict[str, VersionRow]
    by_alias: dict[str, VersionRow]
    by_lower_name: dict[str, list[VersionRow]]
    ascii_names: bool  # every name is ASCII, so a case-insensitive match is a lower-case lookup
    positions: dict[str, int]  # name → index in rows

    @classmethod
    def of(cls, rows: tuple[VersionRow, ...]) -> VersionIndex:
        lower: dict[str, list[VersionRow]] = {}
        for v in rows:
            lower.setdefault(v.name.lower(), []).append(v)
        return cls(rows, {v.name: v for v in rows}, {v.alias: v for v in rows if v.alias is not None}, lower,
                   all(v.name.isascii() for v in rows), {v.name: i for i, v in enumerate(rows)})

    def replaced(self, row: VersionRow) -> VersionIndex:
        """The index with one version's row replaced (same name, same position): copies, no rebuild."""
        i = self.positions[row.name]
        old = self.rows[i]
        by_alias = {a: v for a, v in self.by_alias.items() if v.id != row.id}
        if row.alias is not None:
            by_alias[row.alias] = row
        lower = dict(self.by_lower_name)
        lower[row.name.lower()] = [row if v.id == row.id else v for v in lower[row.name.lower()]]
        return VersionIndex(self.rows[:i] + (row,) + self.rows[i + 1:], {**self.by_name, row.name: row}, by_alias,
                            lower, self.ascii_names, self.positions) if old.id == row.id else self

    def appended(self, row: VersionRow) -> VersionIndex:
        lower = dict(self.by_lower_name)
        lower[row.name.lower()] = [*lower.get(row.name.lower(), ()), row]
        by_alias = self.by_alias if row.alias is None else {**self.by_alias, row.alias: row}
        return VersionIndex((*self.rows, row), {**self.by_name, row.name: row}, by_alias, lower,
                            self.ascii_names and row.name.isascii(), {**self.positions, row.name: len(self.rows)})


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
        return list(self.version_index(model_id).rows)

    def version_index(self, model_id: int) -> VersionIndex:
        """A model's committed versions with their name and alias lookups (cached until a write changes them)."""
        return self.cached(("versions", model_id), lambda: self._load_versions(model_id))

    def _load_versions(self, model_id: int) -> VersionIndex:
        rows = self.query(f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE model_id = ? AND {_COMMITTED} "
                          "ORDER BY seq", [model_id])
        return VersionIndex.of(tuple(VersionRow(*r) for r in rows))

    def _cached_many(self, kind: str, ids: list[int]) -> dict[int, Any]:
        """The cached values of (kind, id) keys that are still fresh."""
        with self.lock:
            if self._cache_generation != self.generation or self._in_tx:
                return {}
            return {i: self._read_cache[(kind, i)] for i in ids if (kind, i) in self._read_cache}

    def list_versions_of(self, model_ids: list[int]) -> dict[int, VersionIndex]:
        """Versions of many models (SHOW MODELS): cached indexes, one query for the missing ones."""
        out: dict[int, VersionIndex] = self._cached_many("versions", model_ids)
        missing = [m for m in model_ids if m not in out]
        if missing:
            rows = self.query(
                f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE list_contains(?, model_id) AND {_COMMITTED} "
                "ORDER BY seq",
                [missing],
            )
            loaded: dict[int, list[VersionRow]] = {m: [] for m in missing}
            for r in rows:
                loaded[r[1]].append(VersionRow(*r))
            for m, versions in loaded.items():
                index = VersionIndex.of(tuple(versions))
                out[m] = self.cached(("versions", m), lambda i=index: i)  # type: ignore[misc]
        return out

    def functions(self, version_id: int) -> list[FunctionSpec]:
        return list(self.functions_of([version_id])[version_id])

    def functions_of(self, version_ids: list[int]) -> dict[int, tuple[FunctionSpec, ...]]:
        """The functions of many versions (SHOW VERSIONS): cached, one query for the missing ones."""
        out: dict[int, tuple[FunctionSpec, ...]] = self._cached_many("functions", version_ids)
        missing = [v for v in version_ids if v not in out]
        if missing:
            rows = self.query("SELECT version_id, spec FROM snowreg.functions WHERE list_contains(?, version_id) "
                              "ORDER BY version_id, pos", [missing])
            loaded: dict[int, list[FunctionSpec]] = {v: [] for v in missing}
            for version_id, spec in rows:
                loaded[version_id].append(function_from_json(spec))
            for v, specs in loaded.items():
                value = tuple(specs)
                out[v] = self.cached(("functions", v), lambda f=value: f)  # type: ignore[misc]
        return out

    # -- writes ------------------------------------------------------------------------------

    def create_model(self, database: str, schema: str, name: str, owner: str | None,
                     version_name: str, content: VersionContent) -> int:
        with self.transaction(stale=lambda k: k[0] == "model") as tx:
            model_id = self.next_id()
            tx.execute(
                "INSERT INTO snowreg.models VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 'USER_MODEL')",
                [model_id, database, schema, name, now(), owner, version_name],
            )
            self._insert_version(tx, model_id, version_name, content)
            return model_id

    def add_version(self, model_id: int, version_name: str, content: VersionContent) -> int:
        """A new version; the cached version index of the model takes it without a reload."""
        key = ("versions", model_id)
        with self.lock:  # the write and the write-through are one step for other threads
            with self.transaction(stale=lambda _: False) as tx:
                row = self._insert_version(tx, model_id, version_name, content)
            index = self._read_cache.get(key)
            if not self._in_tx and self._cache_generation == self.generation and isinstance(index, VersionIndex):
                self._read_cache[key] = index.appended(row)
                self._read_cache[("functions", row.id)] = content.spec.functions
            else:
                self._read_cache.pop(key, None)
        return row.id

    def _insert_version(self, tx: duckdb.DuckDBPyConnection, model_id: int, name: str,
                        content: VersionContent) -> VersionRow:
        """One statement per table: the files (sizes and checksums from the blobs), the version, its functions."""
        version_id = self.next_id()
        spec = content.spec
        ts = now()
        sizes = tx.execute(
            "INSERT INTO snowreg.files SELECT 'version', ?, f.path, b.sha, octet_length(b.content), md5(b.content), ? "
            "FROM (SELECT unnest(?::VARCHAR[]) AS path, unnest(?::VARCHAR[]) AS sha) f "
            "JOIN snowreg.blobs b ON b.sha = f.sha RETURNING size",
            [version_id, ts, [p for p, _ in content.files], [s for _, s in content.files]],
        ).fetchall()
        assert len(sizes) == len(content.files), "a blob of the version is missing"
        row = VersionRow(
            version_id, model_id, name, version_id, ts, ts, content.comment, content.metadata, None,
            spec.model_spec, spec.model_type, orjson.dumps(spec.model_attributes).decode(),
            orjson.dumps(list(spec.runnable_in)).decode(), orjson.dumps(spec.user_data).decode(),
            spec.python_version, spec.dependencies, spec.language, sum(int(r[0]) for r in sizes))
        tx.execute(f"INSERT INTO snowreg.versions ({VERSION_COLS}) VALUES ({', '.join('?' * 18)})",
                   list(dataclasses.astuple(row)))
        if spec.functions:
            tx.execute("INSERT INTO snowreg.functions VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(spec.functions)),
                       [x for pos, fn in enumerate(spec.functions)
                        for x in (version_id, pos, fn.name, function_to_json(fn))])
        return row

    # -- live versions -----------------------------------------------------------------------

    def live_version(self, model_id: int, name: str) -> VersionRow | None:
        """An uncommitted live version of a model, by name (cached: PUT asks once per folder)."""
        return self.cached(("live", model_id, name), lambda: self._load_live_version(model_id, name))

    def _load_live_version(self, model_id: int, name: str) -> VersionRow | None:
        row = self.query_one(f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE model_id = ? AND name = ? "
                             f"AND NOT {_COMMITTED}", [model_id, name])
        return VersionRow(*row) if row else None

    def has_version_named(self, model_id: int, name: str) -> bool:
        """Whether a committed or live version has this name."""
        return self.query_one("SELECT 1 FROM snowreg.versions WHERE model_id = ? AND name = ?",
                              [model_id, name]) is not None

    def create_live_model(self, database: str, schema: str, name: str, owner: str | None, version_name: str
                          ) -> int:
        """A model whose one version is live: no default version until it is committed."""
        with self.transaction() as tx:
            model_id = self.next_id()
            tx.execute("INSERT INTO snowreg.models VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'USER_MODEL')",
                       [model_id, database, schema, name, now(), owner])
            self.add_live_version(model_id, version_name)
            return model_id

    def add_live_version(self, model_id: int, name: str) -> int:
        """An empty live version of a model (cached reads of committed versions stay)."""
        with self.transaction(stale=lambda key: key[0] == "live") as tx:
            version_id = self.next_id()
            ts = now()
            tx.execute("INSERT INTO snowreg.versions (id, model_id, name, seq, created_on, last_altered_on) "
                       "VALUES (?, ?, ?, ?, ?, ?)", [version_id, model_id, name, version_id, ts, ts])
            tx.execute("INSERT INTO snowreg.live_versions VALUES (?)", [version_id])
            return model_id

    def commit_live_version(self, version: VersionRow, spec: VersionSpec, name: str,
                            model_values: dict[str, Any]) -> None:
        """The live version takes what its files declare and its final name; the model may be renamed
        (`model_values`) and takes the version as its default when it has none."""
        assert set(model_values) <= {"database_name", "schema_name", "name"}, model_values
        with self.lock:  # the write and the write-through are one step for other threads
            row = self._commit_live(version, spec, name, model_values)
            if not model_values:  # the model's cached version index takes the committed version
                self._version_committed(row)

    def _commit_live(self, version: VersionRow, spec: VersionSpec, name: str, model_values: dict[str, Any]
                     ) -> VersionRow:
        """The statements of commit_live_version (one per table); returns the committed version's row.
        Without a rename only the model's rows, its live versions and (written through by the caller)
        its version index change."""
        stale = None if model_values else (  # a renamed model drops every cached read
            lambda key: key[0] in ("live", "model") or key == ("functions", version.id))
        with self.transaction(stale=stale) as tx:
            returned = tx.execute(
                "UPDATE snowreg.versions SET name = ?, model_spec = ?, model_type = ?, model_attributes = ?, "
                "runnable_in = ?, user_data = ?, python_version = ?, dependencies = ?, language = ?, "
                "size = (SELECT coalesce(sum(size), 0) FROM snowreg.files WHERE owner_kind = 'version' "
                f"AND owner_id = ?), last_altered_on = ? WHERE id = ? RETURNING {VERSION_COLS}",
                [name, spec.model_spec, spec.model_type, orjson.dumps(spec.model_attributes).decode(),
                 orjson.dumps(list(spec.runnable_in)).decode(), orjson.dumps(spec.user_data).decode(),
                 spec.python_version, spec.dependencies, spec.language, version.id, now(), version.id]).fetchone()
            assert returned is not None
            if spec.functions:
                tx.execute("INSERT INTO snowreg.functions VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(spec.functions)),
                           [x for pos, fn in enumerate(spec.functions)
                            for x in (version.id, pos, fn.name, function_to_json(fn))])
            tx.execute("DELETE FROM snowreg.live_versions WHERE version_id = ?", [version.id])
            sets = "".join(f", {column} = ?" for column in model_values)
            tx.execute(f"UPDATE snowreg.models SET default_version = coalesce(default_version, ?){sets} WHERE id = ?",
                       [name, *model_values.values(), version.model_id])
        return VersionRow(*returned)

    def _version_committed(self, row: VersionRow) -> None:
        """Write-through after a commit: a fresh cached index of the model gains the row when it sorts
        last (versions are listed by seq), and is dropped otherwise."""
        key = ("versions", row.model_id)
        index = self._read_cache.get(key)
        if index is None:
            return
        if (not self._in_tx and self._cache_generation == self.generation and isinstance(index, VersionIndex)
                and (not index.rows or index.rows[-1].seq < row.seq)):
            self._read_cache[key] = index.appended(row)
        else:
            self._read_cache.pop(key, None)

    def put_blob(self, content: bytes) -> str:
        return self.put_blobs([content])[0]

    def put_blobs(self, contents: list[bytes]) -> list[str]:
        """Store contents by SHA-256 in one statement (blobs already there are kept); returns the hashes."""
        shas = [hashlib.sha256(c).hexdigest() for c in contents]
        with self.lock:
            known = self._known_blobs()
            new = {sha: c for sha, c in zip(shas, contents, strict=True) if sha not in known}
            if not new:
                return shas
            if self._in_tx:  # remembered at once: a rollback forgets every remembered hash
                self.db.execute("INSERT INTO snowreg.blobs SELECT unnest(?::VARCHAR[]), unnest(?::BLOB[])",
                                [list(new), list(new.values())])
            else:  # INSERT OR IGNORE costs ~10x: the remembered hashes say what is there
                self.write_one("INSERT INTO snowreg.blobs VALUES " + ", ".join(["(?, ?)"] * len(new)),
                               [x for item in new.items() for x in item], stale=lambda _: False)
            known.update(new)
        return shas

    def _known_blobs(self) -> set[str]:
        """The hashes of the stored blobs, read once per catalog and again after content was freed or a
        transaction rolled back."""
        known = self._blob_shas
        if known is None:  # read inside a transaction: forgotten again if it is rolled back
            known = self._blob_shas = {r[0] for r in self.db.execute("SELECT sha FROM snowreg.blobs").fetchall()}
        return known

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
        tx.execute("DELETE FROM snowreg.live_versions WHERE version_id = ?", [version_id])
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
        in_place = set(values) <= {"comment", "default_version", "owner"}  # no cache key names them
        self.write_one(f"UPDATE snowreg.models SET {sets} WHERE id = ?", [*values.values(), model_id],
                       stale=(lambda _: False) if in_place else (lambda key: key[0] == "model"), deferred=True)
        if in_place:
            with self.lock:  # write through: cached model rows take the new values
                self._replace_cached_models(model_id, values)

    def _replace_cached_models(self, model_id: int, values: dict[str, Any]) -> None:
        if self._cache_generation != self.generation:
            return  # the cache is dropped on its next use anyway
        for key, cached in list(self._read_cache.items()):
            if key[0] != "model":
                continue
            if isinstance(cached, ModelRow) and cached.id == model_id:
                self._read_cache[key] = dataclasses.replace(cached, **values)
            elif isinstance(cached, list) and any(m.id == model_id for m in cached):
                self._read_cache[key] = [dataclasses.replace(m, **values) if m.id == model_id else m for m in cached]

    def update_version(self, version: VersionRow, **values: Any) -> None:
        """Set comment, metadata or alias of a version; last_altered_on follows."""
        assert set(values) <= {"comment", "metadata", "alias"}, values
        sets = ", ".join(f"{k} = ?" for k in values)
        ts = now()
        key = ("versions", version.model_id)
        self.write_one(f"UPDATE snowreg.versions SET {sets}, last_altered_on = ? WHERE id = ?",
                       [*values.values(), ts, version.id], stale=lambda _: False, deferred=True)
        with self.lock:  # write through: the cached version index takes the new values
            cached = self._read_cache.get(key)
            current = cached.by_name.get(version.name) if isinstance(cached, VersionIndex) else None
            if cached is not None and current is not None and self._cache_generation == self.generation:
                self._read_cache[key] = cached.replaced(dataclasses.replace(current, **values, last_altered_on=ts))
            else:
                self._read_cache.pop(key, None)
            self._read_cache.pop(("live", version.model_id, version.name), None)

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

    def write_files(self, owner_kind: str, owner_id: int, files: list[tuple[str, bytes]], overwrite: bool = True
                    ) -> list[bool]:
        """Store several files atomically, a statement per step; False for each one kept as it was.
        When their content is already stored and no path is replaced, that is one INSERT (no transaction)."""
        paths = [stored_path(p) for p, _ in files]
        with self.lock:  # no other write between the read of the existing paths and the writes
            if not overwrite and not self._in_tx and len(set(paths)) == len(paths):
                added = self._add_absent_files(owner_kind, owner_id, paths, [c for _, c in files])
                if added is not None:
                    return [p in added for p in paths]
            existing = {r[0] for r in self.db.execute(
                "SELECT path FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND list_contains(?, path)",
                [owner_kind, owner_id, paths]).fetchall()}
            written = [overwrite or p not in existing for p in paths]
            chosen = [(p, c) for p, (_, c), w in zip(paths, files, written, strict=True) if w]
            if not chosen:
                return written
            replaced = not existing.isdisjoint(p for p, _ in chosen)
            known = self._known_blobs()
            if not replaced and not self._in_tx and all(hashlib.sha256(c).hexdigest() in known for _, c in chosen):
                self.write_one(*self._insert_files(owner_kind, owner_id, chosen), stale=lambda _: False)
                return written
            with self.transaction(stale=lambda _: False) as tx:  # no cached read holds files
                self.put_blobs([c for _, c in chosen])
                if replaced:
                    tx.execute("DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? "
                               "AND list_contains(?, path)", [owner_kind, owner_id, [p for p, _ in chosen]])
                    self.files_dropped()  # an overwritten file's old content
                tx.execute(*self._insert_files(owner_kind, owner_id, chosen))
        return written

    def _add_absent_files(self, owner_kind: str, owner_id: int, paths: list[str], contents: list[bytes]
                          ) -> set[str] | None:
        """The paths not stored yet get rows, in one statement that also says which they were (a PUT
        without OVERWRITE, the client's upload of each file of a version); None, and nothing written,
        when some content is not stored yet (that needs a transaction: write_files' other road)."""
        shas = [hashlib.sha256(c).hexdigest() for c in contents]
        if not set(shas) <= self._known_blobs():
            return None
        rows = self.db.execute(
            "INSERT INTO snowreg.files SELECT ?, ?, path, sha, size, md5, ? FROM (SELECT unnest(?::VARCHAR[]) AS path, "
            "unnest(?::VARCHAR[]) AS sha, unnest(?::BIGINT[]) AS size, unnest(?::VARCHAR[]) AS md5) AS new "
            "WHERE path NOT IN (SELECT path FROM snowreg.files WHERE owner_kind = ? AND owner_id = ?) RETURNING path",
            [owner_kind, owner_id, now(), paths, shas, [len(c) for c in contents],
             [hashlib.md5(c, usedforsecurity=False).hexdigest() for c in contents], owner_kind, owner_id]).fetchall()
        if rows:
            self._committed(lambda _: False)  # no cached read holds files
        return {r[0] for r in rows}

    @staticmethod
    def _insert_files(owner_kind: str, owner_id: int, files: list[tuple[str, bytes]]) -> tuple[str, list[Any]]:
        """The INSERT of file rows whose content is stored; size and MD5 as DuckDB's octet_length / md5
        of that content give them."""
        return ("INSERT INTO snowreg.files SELECT ?, ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                "unnest(?::BIGINT[]), unnest(?::VARCHAR[]), ?",
                [owner_kind, owner_id, [p for p, _ in files], [hashlib.sha256(c).hexdigest() for _, c in files],
                 [len(c) for _, c in files], [hashlib.md5(c, usedforsecurity=False).hexdigest() for _, c in files],
                 now()])

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
        """Store a path → bytes mapping as blobs (one statement); returns the (path, sha) pairs."""
        paths = sorted(files)
        return tuple(zip([stored_path(p) for p in paths], self.put_blobs([files[p] for p in paths]), strict=True))
