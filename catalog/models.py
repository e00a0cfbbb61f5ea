"""Models and versions: rows, default version, aliases, comments, metadata, files and functions."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import orjson

from snowreg.catalog.files import FilesPart
from snowreg.catalog.manifest import FunctionSpec, VersionSpec
from snowreg.catalog.store import Store, ids_in, nothing_stale, now

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


def _tuples(v: Any) -> Any:
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


class ModelsPart:
    """Model and version rows with their functions and files; every method that writes runs in one
    transaction. A model's grants, tags and future grants are other families': see Catalog."""

    def __init__(self, store: Store, files: FilesPart) -> None:
        self.store = store
        self.files = files
        # An in-memory registry's live versions, model id → name → row: kept here until COMMIT VERSION
        # inserts the row (a persistent registry writes them to snowreg.versions / live_versions at once)
        self._held: dict[int, dict[str, VersionRow]] = {}

    # -- reads -------------------------------------------------------------------------------

    def get_model(self, database: str, schema: str, name: str) -> ModelRow | None:
        return self.store.cached(("model", database, schema, name), lambda: self._load_model(database, schema, name))

    def _load_model(self, database: str, schema: str, name: str) -> ModelRow | None:
        row = self.store.query_one(
            f"SELECT {MODEL_COLS} FROM snowreg.models WHERE database_name = ? AND schema_name = ? AND name = ?",
            [database, schema, name],
        )
        return ModelRow(*row) if row else None

    def get_model_by_id(self, model_id: int) -> ModelRow | None:
        row = self.store.query_one(f"SELECT {MODEL_COLS} FROM snowreg.models WHERE id = ?", [model_id])
        return ModelRow(*row) if row else None

    def list_models(self, database: str | None = None, schema: str | None = None) -> list[ModelRow]:
        return list(self.store.cached(("model", "list", database, schema), lambda: self._load_models(database, schema)))

    def _load_models(self, database: str | None, schema: str | None) -> list[ModelRow]:
        sql, params = f"SELECT {MODEL_COLS} FROM snowreg.models WHERE true", []
        if database is not None:
            sql += " AND database_name = ?"
            params.append(database)
        if schema is not None:
            sql += " AND schema_name = ?"
            params.append(schema)
        rows = self.store.query(sql + " ORDER BY database_name, schema_name, name", params)
        return [ModelRow(*r) for r in rows]

    def list_versions(self, model_id: int) -> list[VersionRow]:
        return list(self.version_index(model_id).rows)

    def version_index(self, model_id: int) -> VersionIndex:
        """A model's committed versions with their name and alias lookups (cached until a write changes them)."""
        return self.store.cached(("versions", model_id), lambda: self._load_versions(model_id))

    def _load_versions(self, model_id: int) -> VersionIndex:
        rows = self.store.query(f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE model_id = ? AND {_COMMITTED} "
                          "ORDER BY seq", [model_id])
        return VersionIndex.of(tuple(VersionRow(*r) for r in rows))

    def list_versions_of(self, model_ids: list[int]) -> dict[int, VersionIndex]:
        """Versions of many models (SHOW MODELS): cached indexes, one query for the missing ones."""
        out: dict[int, VersionIndex] = self.store.cached_many("versions", model_ids)
        missing = [m for m in model_ids if m not in out]
        if missing:
            rows = self.store.query(
                f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE list_contains(?, model_id) AND {_COMMITTED} "
                "ORDER BY seq",
                [missing],
            )
            loaded: dict[int, list[VersionRow]] = {m: [] for m in missing}
            for r in rows:
                loaded[r[1]].append(VersionRow(*r))
            for m, versions in loaded.items():
                index = VersionIndex.of(tuple(versions))
                out[m] = self.store.cached(("versions", m), lambda i=index: i)  # type: ignore[misc]
        return out

    def functions(self, version_id: int) -> list[FunctionSpec]:
        return list(self.functions_of([version_id])[version_id])

    def functions_of(self, version_ids: list[int]) -> dict[int, tuple[FunctionSpec, ...]]:
        """The functions of many versions (SHOW VERSIONS): cached, one query for the missing ones."""
        out: dict[int, tuple[FunctionSpec, ...]] = self.store.cached_many("functions", version_ids)
        missing = [v for v in version_ids if v not in out]
        if missing:
            rows = self.store.query("SELECT version_id, spec FROM snowreg.functions WHERE list_contains(?, version_id) "
                              "ORDER BY version_id, pos", [missing])
            loaded: dict[int, list[FunctionSpec]] = {v: [] for v in missing}
            for version_id, spec in rows:
                loaded[version_id].append(function_from_json(spec))
            for v, specs in loaded.items():
                value = tuple(specs)
                out[v] = self.store.cached(("functions", v), lambda f=value: f)  # type: ignore[misc]
        return out

    # -- writes ------------------------------------------------------------------------------

    def insert_model(self, database: str, schema: str, name: str, owner: str | None,
                     version_name: str, content: VersionContent) -> int:
        """The rows of a new model and its first version (Catalog.create_model adds its future grants)."""
        with self.store.transaction(stale=lambda k: k[0] == "model") as tx:
            model_id = self.store.next_id()
            tx.execute(
                "INSERT INTO snowreg.models VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 'USER_MODEL')",
                [model_id, database, schema, name, now(), owner, version_name],
            )
            self._insert_version(tx, model_id, version_name, content)
            return model_id

    def add_version(self, model_id: int, version_name: str, content: VersionContent) -> int:
        """A new version; the cached version index of the model takes it without a reload."""
        key = ("versions", model_id)
        with self.store.lock:  # the write and the write-through are one step for other threads
            with self.store.transaction(stale=nothing_stale) as tx:
                row = self._insert_version(tx, model_id, version_name, content)
            cache = self.store.fresh_cache()
            index = cache.get(key) if cache is not None else None
            if cache is not None and isinstance(index, VersionIndex):
                cache[key] = index.appended(row)
                cache[("functions", row.id)] = content.spec.functions
            elif cache is not None:
                cache.pop(key, None)
        return row.id

    def _insert_version(self, tx: duckdb.DuckDBPyConnection, model_id: int, name: str,
                        content: VersionContent) -> VersionRow:
        """One statement per table: the files (sizes and checksums from the blobs), the version, its functions."""
        version_id = self.store.next_id()
        spec = content.spec
        ts = now()
        sizes = self.files.insert_from_blobs(tx, "version", version_id, content.files, ts)
        row = VersionRow(
            version_id, model_id, name, version_id, ts, ts, content.comment, content.metadata, None,
            spec.model_spec, spec.model_type, orjson.dumps(spec.model_attributes).decode(),
            orjson.dumps(list(spec.runnable_in)).decode(), orjson.dumps(spec.user_data).decode(),
            spec.python_version, spec.dependencies, spec.language, sum(sizes))
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
        if self.store.path is None:
            return self._held.get(model_id, {}).get(name)
        return self.store.cached(("live", model_id, name), lambda: self._load_live_version(model_id, name))

    def _load_live_version(self, model_id: int, name: str) -> VersionRow | None:
        row = self.store.query_one(f"SELECT {VERSION_COLS} FROM snowreg.versions WHERE model_id = ? AND name = ? "
                             f"AND NOT {_COMMITTED}", [model_id, name])
        return VersionRow(*row) if row else None

    def has_version_named(self, model_id: int, name: str) -> bool:
        """Whether a committed or live version has this name (both cached reads)."""
        return name in self.version_index(model_id).by_name or name in self.live_names(model_id)

    def live_names(self, model_id: int) -> frozenset[str]:
        """The names of a model's uncommitted live versions (cached; ADD LIVE VERSION writes through)."""
        if self.store.path is None:
            with self.store.lock:
                return frozenset(self._held.get(model_id, ()))
        return self.store.cached(("live", model_id), lambda: frozenset(r[0] for r in self.store.query(
            f"SELECT name FROM snowreg.versions WHERE model_id = ? AND NOT {_COMMITTED}", [model_id])))

    def insert_live_model(self, database: str, schema: str, name: str, owner: str | None, version_name: str
                          ) -> int:
        """A model whose one version is live: no default version until it is committed (Catalog.create_live_model
        adds its future grants)."""
        with self.store.transaction() as tx:
            model_id = self.store.next_id()
            tx.execute("INSERT INTO snowreg.models VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 'USER_MODEL')",
                       [model_id, database, schema, name, now(), owner])
            self.add_live_version(model_id, version_name)
            return model_id

    def add_live_version(self, model_id: int, name: str) -> int:
        """An empty live version of a model (cached reads of committed versions stay; the new row is
        written through, so the PUTs into it need no read). In memory for an in-memory registry."""
        if self.store.path is None:
            return self._hold_live_version(model_id, name)
        with self.store.lock:
            cache = self.store.fresh_cache()
            names = cache.get(("live", model_id)) if cache is not None else None
            with self.store.transaction(stale=lambda key: key[0] == "live" and key[1] == model_id) as tx:
                ts = now()
                row = tx.execute("INSERT INTO snowreg.versions (id, model_id, name, seq, created_on, last_altered_on) "
                                 "SELECT id, ?, ?, id, ?, ? FROM (SELECT nextval('snowreg.ids') AS id) "
                                 f"RETURNING {VERSION_COLS}", [model_id, name, ts, ts]).fetchone()
                assert row is not None
                tx.execute("INSERT INTO snowreg.live_versions VALUES (?)", [row[0]])
            cache = self.store.fresh_cache()
            if cache is not None:
                cache[("live", model_id, name)] = VersionRow(*row)
                if isinstance(names, frozenset):
                    cache[("live", model_id)] = names | {name}
            return model_id

    def _hold_live_version(self, model_id: int, name: str) -> int:
        """An in-memory registry's live version: its row (the columns' defaults) and its PUTs' files wait
        in memory, so ADD LIVE VERSION costs one statement (its id) and COMMIT VERSION inserts the row.
        Made inside a transaction (CREATE MODEL ... WITH LIVE VERSION), it exists once that commits."""
        with self.store.lock:
            ts = now()
            version_id = self.store.next_id()
            row = VersionRow(version_id, model_id, name, version_id, ts, ts, None, "{}", None, None, None, "{}",
                             '["WAREHOUSE"]', "{}", None, None, "PYTHON", 0)

            def held() -> None:
                self._held.setdefault(model_id, {})[name] = row
                self.files.hold(version_id)

            self.store.after_commit(held)
            return model_id

    def commit_live_version(self, version: VersionRow, spec: VersionSpec, name: str,
                            model_values: dict[str, Any]) -> None:
        """The live version takes what its files declare and its final name; the model may be renamed
        (`model_values`) and takes the version as its default when it has none."""
        assert set(model_values) <= {"database_name", "schema_name", "name"}, model_values
        with self.store.lock:  # the write and the write-through are one step for other threads
            row, default = self._commit_live(version, spec, name, model_values)
            if not model_values:  # the model's cached version index and rows take the committed version
                self._version_committed(row)
                self._replace_cached_models(version.model_id, {"default_version": default})

    def _commit_live(self, version: VersionRow, spec: VersionSpec, name: str, model_values: dict[str, Any]
                     ) -> tuple[VersionRow, str | None]:
        """The statements of commit_live_version (one per table); returns the committed version's row and
        the model's default version. Without a rename only the model's live versions and (written through
        by the caller) its version index and default version change."""
        stale = None if model_values else (  # a renamed model drops every cached read
            lambda key: key[0] == "live" or key == ("functions", version.id))
        with self.store.transaction(stale=stale) as tx:
            self.files.settle(tx, version.id)  # the files its PUTs held in memory
            values = [name, spec.model_spec, spec.model_type, orjson.dumps(spec.model_attributes).decode(),
                      orjson.dumps(list(spec.runnable_in)).decode(), orjson.dumps(spec.user_data).decode(),
                      spec.python_version, spec.dependencies, spec.language]
            if self._held.get(version.model_id, {}).get(version.name) is version:  # its row goes in now
                returned = tx.execute(
                    f"INSERT INTO snowreg.versions ({VERSION_COLS}) SELECT ?, ?, ?, ?, ?, ?, NULL, '{{}}', NULL, "
                    "?, ?, ?, ?, ?, ?, ?, ?, coalesce(sum(size), 0) FROM snowreg.files "
                    f"WHERE owner_kind = 'version' AND owner_id = ? RETURNING {VERSION_COLS}",
                    [version.id, version.model_id, name, version.seq, version.created_on, now(), *values[1:],
                     version.id]).fetchone()
                self.store.after_commit(lambda: self._release_held(version.model_id, [version.name]))
            else:
                returned = tx.execute(
                    "UPDATE snowreg.versions SET name = ?, model_spec = ?, model_type = ?, model_attributes = ?, "
                    "runnable_in = ?, user_data = ?, python_version = ?, dependencies = ?, language = ?, "
                    "size = (SELECT coalesce(sum(size), 0) FROM snowreg.files WHERE owner_kind = 'version' "
                    f"AND owner_id = ?), last_altered_on = ? WHERE id = ? RETURNING {VERSION_COLS}",
                    [*values, version.id, now(), version.id]).fetchone()
                tx.execute("DELETE FROM snowreg.live_versions WHERE version_id = ?", [version.id])
            assert returned is not None
            if spec.functions:
                tx.execute("INSERT INTO snowreg.functions VALUES " + ", ".join(["(?, ?, ?, ?)"] * len(spec.functions)),
                           [x for pos, fn in enumerate(spec.functions)
                            for x in (version.id, pos, fn.name, function_to_json(fn))])
            sets = "".join(f", {column} = ?" for column in model_values)
            default = tx.execute(f"UPDATE snowreg.models SET default_version = coalesce(default_version, ?){sets} "
                                 "WHERE id = ? RETURNING default_version",
                                 [name, *model_values.values(), version.model_id]).fetchone()
        return VersionRow(*returned), default[0] if default else None

    def _release_held(self, model_id: int, names: list[str]) -> None:
        """Live versions kept in memory that were committed or dropped (their files go with them)."""
        with self.store.lock:
            held = self._held.get(model_id, {})
            for name in names:
                held.pop(name, None)
            if not held:
                self._held.pop(model_id, None)

    def _version_committed(self, row: VersionRow) -> None:
        """Write-through after a commit: a fresh cached index of the model gains the row when it sorts
        last (versions are listed by seq), and is dropped otherwise."""
        key = ("versions", row.model_id)
        cache = self.store.fresh_cache()
        index = cache.get(key) if cache is not None else None
        if cache is None or index is None:
            return  # not cached, or the cache is dropped on its next use
        if isinstance(index, VersionIndex) and (not index.rows or index.rows[-1].seq < row.seq):
            cache[key] = index.appended(row)
        else:
            cache.pop(key, None)

    def version_content(self, version: VersionRow) -> VersionContent:
        """The content of an existing version, to copy it into another model."""
        files = self.files.files_as_content("version", version.id, "")
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
        return VersionContent(files, spec, version.comment, version.metadata)

    def model_ids_in(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None = None) -> list[int]:
        """Inside a transaction: the ids of the models in a database (or one of its schemas)."""
        return ids_in(tx, "models", database, schema)

    def delete_model_rows(self, tx: duckdb.DuckDBPyConnection, model_id: int) -> None:
        """Inside a transaction: a model's row with its versions, functions and files (its tags and grants
        are other families': Catalog.drop_model drops them with it)."""
        for (version_id,) in tx.execute("SELECT id FROM snowreg.versions WHERE model_id = ?", [model_id]).fetchall():
            self._delete_version_rows(tx, version_id)
        held = list(self._held.get(model_id, {}).values())
        if held:  # an in-memory registry's live versions, with their files, once the drop commits
            self.files.delete_owned(tx, "version", [v.id for v in held])
            self.store.after_commit(lambda: self._release_held(model_id, [v.name for v in held]))
        tx.execute("DELETE FROM snowreg.models WHERE id = ?", [model_id])

    def _delete_version_rows(self, tx: duckdb.DuckDBPyConnection, version_id: int) -> None:
        tx.execute("DELETE FROM snowreg.live_versions WHERE version_id = ?", [version_id])
        tx.execute("DELETE FROM snowreg.functions WHERE version_id = ?", [version_id])
        self.files.delete_owned(tx, "version", [version_id])
        tx.execute("DELETE FROM snowreg.versions WHERE id = ?", [version_id])

    def drop_version(self, version_id: int) -> None:
        with self.store.transaction() as tx:
            self._delete_version_rows(tx, version_id)

    def assign_owner(self, tx: duckdb.DuckDBPyConnection, model_id: int, owner: str) -> None:
        """Inside a transaction: a new model's owner, as its schema's future grants say."""
        tx.execute("UPDATE snowreg.models SET owner = ? WHERE id = ?", [owner, model_id])

    def update_model(self, model_id: int, **values: Any) -> None:
        """Set columns of a model row (comment, default_version, database_name, schema_name, name)."""
        allowed = {"comment", "default_version", "database_name", "schema_name", "name", "owner"}
        assert set(values) <= allowed, values
        sets = ", ".join(f"{k} = ?" for k in values)
        in_place = set(values) <= {"comment", "default_version", "owner"}  # no cache key names them
        self.store.write_one(f"UPDATE snowreg.models SET {sets} WHERE id = ?", [*values.values(), model_id],
                             stale=nothing_stale if in_place else (lambda key: key[0] == "model"),
                             deferred=True)
        if in_place:
            with self.store.lock:  # write through: cached model rows take the new values
                self._replace_cached_models(model_id, values)
        if "owner" in values:
            self.store.access_changed()

    def _replace_cached_models(self, model_id: int, values: dict[str, Any]) -> None:
        cache = self.store.fresh_cache()
        if cache is None:
            return  # the cache is dropped on its next use anyway
        for key, cached in list(cache.items()):
            if key[0] != "model":
                continue
            if isinstance(cached, ModelRow) and cached.id == model_id:
                cache[key] = dataclasses.replace(cached, **values)
            elif isinstance(cached, list) and any(m.id == model_id for m in cached):
                cache[key] = [dataclasses.replace(m, **values) if m.id == model_id else m for m in cached]

    def update_version(self, version: VersionRow, **values: Any) -> None:
        """Set comment, metadata or alias of a version; last_altered_on follows."""
        assert set(values) <= {"comment", "metadata", "alias"}, values
        sets = ", ".join(f"{k} = ?" for k in values)
        ts = now()
        key = ("versions", version.model_id)
        self.store.write_one(f"UPDATE snowreg.versions SET {sets}, last_altered_on = ? WHERE id = ?",
                       [*values.values(), ts, version.id], stale=nothing_stale, deferred=True)
        with self.store.lock:  # write through: the cached version index takes the new values
            cache = self.store.fresh_cache()
            cached = cache.get(key) if cache is not None else None
            current = cached.by_name.get(version.name) if isinstance(cached, VersionIndex) else None
            if cache is not None and cached is not None and current is not None:
                cache[key] = cached.replaced(dataclasses.replace(current, **values, last_altered_on=ts))
            elif cache is not None:
                cache.pop(key, None)
            if cache is not None:
                cache.pop(("live", version.model_id, version.name), None)
