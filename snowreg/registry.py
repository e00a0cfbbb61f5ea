"""The Python registry: snowflake-ml-python's `Registry` and `Model`, with the same names and signatures.

Code moves between `snowflake.ml.registry.Registry` and `snowreg.Registry` by changing an import.
Everything here issues SQL through a connection, so the engine's rules and privilege checks apply
exactly as they do to a SQL author.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from snowreg.grammar.text import (
    dollar_literal,
    like_literal,
    quote_ident,
    resolve_client_ident,
    split_name,
)
from snowreg.model_version import ExportMode, ModelVersion, Names

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ExportMode", "Model", "ModelVersion", "Registry"]

_ADJECTIVES = ("ancient", "brave", "calm", "daring", "eager", "fancy", "gentle", "happy", "jolly", "kind",
               "lively", "mighty", "noble", "proud", "quick", "silent", "swift", "wise")
_ANIMALS = ("owl", "fox", "bear", "wolf", "hawk", "otter", "lynx", "seal", "crane", "bison", "heron", "moose")
# log_model arguments that cannot go with copying a ModelVersion (the client refuses them too).
_COPY_REFUSES = ("comment", "metrics", "conda_dependencies", "pip_requirements", "artifact_repository_map",
                 "resource_constraint", "target_platforms", "python_version", "signatures", "sample_input_data",
                 "user_files", "code_paths", "ext_modules", "options")


def connection_of(session_or_connection: Any) -> Any:
    """The snowreg DB-API connection behind a snowreg connection or a Snowpark session built on one."""
    conn = session_or_connection
    for _ in range(2):  # Snowpark Session → ServerConnection → connector connection
        if hasattr(conn, "session") and hasattr(conn, "execute_string"):
            return conn
        inner = getattr(conn, "_conn", None)
        if inner is None:
            break
        conn = inner
    if not (hasattr(conn, "session") and hasattr(conn, "cursor")):
        raise TypeError(f"not a snowreg connection or a Snowpark session on one: "
                        f"{type(session_or_connection).__name__}")
    return conn


class Registry:
    """`snowflake.ml.registry.Registry` over a snowreg connection (or a Snowpark session on one)."""

    def __init__(self, session_or_connection: Any, *, database_name: str | None = None,
                 schema_name: str | None = None, options: dict[str, Any] | None = None) -> None:
        self._conn = connection_of(session_or_connection)
        self._stage_dir: tuple[str, Path] | None = None
        self._live: bool | None = None
        self._workdir: tempfile.TemporaryDirectory[str] | None = None
        self._upload_lock = threading.Lock()
        self._uploaded: dict[str, bytes] = {}  # relative path → SHA-256 of the file in the upload directory
        self._live_uploaded: dict[str, bytes] = {}  # the same, for the live versions' folders
        self._live_folders: dict[str, str] = {}  # version folder → its local folder's name
        db = database_name or self._conn.database
        if db is None:
            raise ValueError("You need to provide a database to use the registry.")
        schema = schema_name or ("PUBLIC" if database_name else self._conn.schema) or "PUBLIC"
        self._database = resolve_client_ident(db) if database_name else db
        self._schema = resolve_client_ident(schema) if schema_name or database_name else schema
        if not self._sql(f"SHOW DATABASES LIKE '{like_literal(self._database)}'"):
            raise ValueError(f"Database {quote_ident(self._database)} does not exist.")
        if not self._sql(f"SHOW SCHEMAS LIKE '{like_literal(self._schema)}' IN DATABASE {quote_ident(self._database)}"):
            raise ValueError(f"Schema {quote_ident(self._schema)} does not exist.")

    # -- plumbing --------------------------------------------------------------------------------

    def _sql(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        """Rows of one statement as dicts keyed by column name."""
        with self._conn.cursor() as cur:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @property
    def location(self) -> str:
        return f"{quote_ident(self._database)}.{quote_ident(self._schema)}"

    def _names(self, model_name: str) -> Names:
        """(database, schema, model) of a possibly qualified model name, resolved."""
        parts = split_name(model_name)
        if len(parts) == 3:
            return Names(*parts)
        if len(parts) == 2:
            return Names(self._database, *parts)
        return Names(self._database, self._schema, parts[0])

    def _exists(self, names: Names) -> bool:
        rows = self._sql(f"SHOW MODELS LIKE '{like_literal(names.model)}' IN SCHEMA {names.schema_fqn}")
        return any(r["name"] == names.model for r in rows)

    # -- models ----------------------------------------------------------------------------------

    def log_model(self, model: Any, *, model_name: str, version_name: str | None = None,
                  comment: str | None = None, metrics: dict[str, Any] | None = None,
                  conda_dependencies: list[str] | None = None, pip_requirements: list[str] | None = None,
                  artifact_repository_map: dict[str, str] | None = None,
                  resource_constraint: dict[str, str] | None = None, target_platforms: list[Any] | None = None,
                  python_version: str | None = None, signatures: dict[str, Any] | None = None,
                  sample_input_data: Any = None, user_files: dict[str, list[str]] | None = None,
                  code_paths: list[Any] | None = None, ext_modules: list[Any] | None = None,
                  task: Any = None, options: dict[str, Any] | None = None) -> ModelVersion:
        """Log a Python model (or copy a `ModelVersion`) as a new version of `model_name`."""
        names = self._names(model_name)
        exists = self._exists(names)
        if version_name is None:
            version = self._random_version(names, exists)
        else:
            version = resolve_client_ident(version_name)
        if isinstance(model, ModelVersion):
            given = locals()
            refused = [k for k in _COPY_REFUSES if given[k] is not None]
            if refused or task is not None:
                raise ValueError(f"When calling log_model with a ModelVersion, only model_name and version_name "
                                 f"may be specified. The following args are not allowed: {refused or ['task']}")
            source = f"FROM MODEL {model.fully_qualified_model_name} VERSION {model.version_name}"
            self._create_or_add(names, version, source, exists)
            return ModelVersion(self, names, version)
        if exists and any(r["name"] == version for r in self._sql(
                f"SHOW VERSIONS LIKE '{like_literal(version)}' IN MODEL {names.fqn}")):
            raise ValueError(f"Model {model_name} version {version_name} already existed. "
                             "To auto-generate `version_name`, skip that argument.")
        if code_paths or ext_modules:
            from snowreg import errors

            raise errors.not_supported("log_model(code_paths=..., ext_modules=...) in snowreg.Registry")
        from snowreg.packaging import package_model

        files = package_model(
            model, model_name=names.model, version_name=version, sample_input_data=sample_input_data,
            signatures=signatures, options=options, python_version=python_version, task=task,
            user_files=user_files, target_platforms=target_platforms, conda_dependencies=conda_dependencies,
            pip_requirements=pip_requirements)
        self._upload_and_create(files, names, version, exists)
        mv = ModelVersion(self, names, version)
        try:
            if comment is not None:
                mv.comment = comment
            if metrics:
                mv._set_metrics(metrics)
        except BaseException:  # all or nothing: no model or version is left by a failed log_model
            self._sql(f"ALTER MODEL {names.fqn} DROP VERSION {quote_ident(version)}" if exists
                      else f"DROP MODEL {names.fqn}")
            raise
        return mv

    def _random_version(self, names: Names, exists: bool) -> str:
        taken = {r["name"] for r in self._sql(f"SHOW VERSIONS IN MODEL {names.fqn}")} if exists else set()
        while True:
            name = f"{random.choice(_ADJECTIVES)}_{random.choice(_ANIMALS)}_{random.randint(1, 9)}".upper()
            if name not in taken:
                return name

    def _create_or_add(self, names: Names, version: str, source: str, exists: bool) -> None:
        if exists:
            self._sql(f"ALTER MODEL {names.fqn} ADD VERSION {quote_ident(version)} {source}")
        else:
            self._sql(f"CREATE MODEL {names.fqn} WITH VERSION {quote_ident(version)} {source}")

    def _upload_and_create(self, files: dict[str, bytes], names: Names, version: str, exists: bool) -> None:
        if self._live_versions():
            self._upload_live(files, names, version, exists)
        else:
            self._upload_to_stage(files, names, version, exists)

    def _live_versions(self) -> bool:
        """Whether the account reports live versions (as snowflake-ml-python asks, once)."""
        if self._live is None:
            rows = self._sql("SELECT SYSTEM$ML_PLATFORM_CAPABILITIES() AS FEATURES")
            features = orjson.loads(rows[0]["FEATURES"]) if rows else {}
            self._live = bool(features.get("ENABLE_LIVE_VERSION_IN_SDK"))
        return self._live

    def _upload_live(self, files: dict[str, bytes], names: Names, version: str, exists: bool) -> None:
        """The live-commit path, as snowflake-ml-python 2.x takes it: a hidden live version (of a pending
        model when the model is new), one PUT per file into it, then COMMIT VERSION with the final names.
        It needs no stage, so USAGE and CREATE MODEL on the schema are enough."""
        suffix = f"{random.randrange(16**8):08X}"
        live = f"LIVE_{suffix}_VERSION"
        target = names if exists else Names(names.database, names.schema, f"PENDING_{suffix}_MODEL")
        if exists:
            self._sql(f"ALTER MODEL {target.fqn} ADD LIVE VERSION {live}")
        else:
            self._sql(f"CREATE MODEL {target.fqn} WITH LIVE VERSION {live}")
        try:
            with self._upload_lock:
                for folder, local in self._sync_live(files).items():  # one PUT per folder, of all its files
                    dest = f"snow://model/{target.fqn}/versions/{live}/" + (folder + "/" if folder else "")
                    source = (local.as_uri() + "/*").replace("'", "\\'")
                    self._sql(f"PUT '{source}' '{dest.replace(chr(39), chr(92) + chr(39))}' "
                              "auto_compress = False overwrite = True")
            rename = "" if exists else f" RENAME TO {names.fqn}"
            self._sql(f"ALTER MODEL {target.fqn} COMMIT VERSION {live}{rename} RENAME VERSION TO {quote_ident(version)}")
        except BaseException:
            if not exists:
                with contextlib.suppress(Exception):
                    self._sql(f"DROP MODEL IF EXISTS {target.fqn}")
            raise

    def _upload_to_stage(self, files: dict[str, bytes], names: Names, version: str, exists: bool) -> None:
        """The files go below the registry's temporary stage, which reads a local directory (no PUT
        needed), then CREATE MODEL / ADD VERSION copies them into the version.

        The upload directory is kept between calls and only the files that changed are rewritten:
        creating and removing directories is what costs most on a slow file system."""
        with self._upload_lock:
            stage, root = self._stage()
            try:
                self._sync_upload(root / "upload", files)
                try:
                    self._create_or_add(names, version, f"FROM @{stage}/upload/model", exists)
                except Exception as e:  # snowreg's error, or the connector's under patch()
                    if getattr(e, "errno", None) != 2003 or "Stage" not in str(e):
                        raise
                    self._stage_dir = None  # the stage was dropped behind our back: make a new one, once
                    stage, root = self._stage(root)
                    self._create_or_add(names, version, f"FROM @{stage}/upload/model", exists)
            except BaseException:
                self._uploaded = {}
                shutil.rmtree(root / "upload", ignore_errors=True)
                raise

    def _sync_live(self, files: dict[str, bytes]) -> dict[str, Path]:
        """The files in local folders of their own, one per version folder (kept between calls, only
        changed files rewritten): version folder → local folder holding exactly its files."""
        root = self._scratch() / "live"
        flat, folders = {}, {}
        for rel, data in files.items():
            folder, _, name = rel.rpartition("/")
            index = self._live_folders.setdefault(folder, str(len(self._live_folders)))
            folders[folder] = root / "model" / index
            flat[f"{index}/{name}"] = data
        try:
            self._sync_upload(root, flat, self._live_uploaded)
        except BaseException:
            self._live_uploaded.clear()
            shutil.rmtree(root, ignore_errors=True)
            raise
        return folders

    def _scratch(self) -> Path:
        """This registry's own local folder, made on first use."""
        if self._workdir is None:
            scratch = self._conn.session.catalog.store.scratch()  # inside a persistent registry: freed on reopen
            self._workdir = tempfile.TemporaryDirectory(prefix="snowreg-registry-", dir=scratch)
        return Path(self._workdir.name).resolve()

    def _sync_upload(self, base: Path, files: dict[str, bytes], uploaded: dict[str, bytes] | None = None) -> None:
        """Make `base/model` hold exactly `files`: drop the previous upload's extra files, write new contents."""
        uploaded = self._uploaded if uploaded is None else uploaded
        hashes = {rel: hashlib.sha256(data).digest() for rel, data in files.items()}
        for rel in [r for r in uploaded if r not in files]:
            (base / "model" / rel).unlink(missing_ok=True)
            del uploaded[rel]
        for rel, data in files.items():
            if uploaded.get(rel) == hashes[rel]:
                continue
            path = base / "model" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            uploaded[rel] = hashes[rel]

    def _stage(self, root: Path | None = None) -> tuple[str, Path]:
        """(name, local directory) of this registry's temporary stage, created on first use."""
        if self._stage_dir is None:
            if root is None:
                root = self._scratch()
            name = f"{self.location}.SNOWREG_TEMP_STAGE_{random.randrange(16**10):010X}"
            self._conn.session.catalog.store.allow_stage_root(root)  # the registry's own folder, granted by us
            url = root.as_uri().replace("'", "\\'")
            self._sql(f"CREATE TEMPORARY STAGE {name} URL = '{url}'")
            self._stage_dir = (name, root)
        return self._stage_dir

    def get_model(self, model_name: str) -> Model:
        names = self._names(model_name)
        if not self._exists(names):
            raise ValueError(f"Unable to find model {model_name}")
        return Model(self, names)

    def models(self) -> list[Model]:
        rows = self._sql(f"SHOW MODELS IN SCHEMA {self.location}")
        return [Model(self, Names(self._database, self._schema, r["name"])) for r in rows]

    def show_models(self) -> pd.DataFrame:
        import pandas as pd

        rows = self._sql(f"SHOW MODELS IN SCHEMA {self.location}")
        return pd.DataFrame(rows) if rows else pd.DataFrame()

    def delete_model(self, model_name: str) -> None:
        self._sql(f"DROP MODEL {self._names(model_name).fqn}")


class Model:
    """`snowflake.ml.model.Model`: a registered model."""

    def __init__(self, registry: Registry, names: Names) -> None:
        self._registry = registry
        self._names = names

    def __repr__(self) -> str:
        return f"Model(\n  name='{self.name}',\n  database_name='{quote_ident(self._names.database)}',\n" \
               f"  schema_name='{quote_ident(self._names.schema)}'\n)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self._names == other._names

    def __hash__(self) -> int:
        return hash(self._names)

    @property
    def name(self) -> str:
        return quote_ident(self._names.model)

    @property
    def fully_qualified_name(self) -> str:
        return self._names.fqn

    def _show(self) -> dict[str, Any]:
        rows = self._registry._sql(
            f"SHOW MODELS LIKE '{like_literal(self._names.model)}' IN SCHEMA {self._names.schema_fqn}")
        rows = [r for r in rows if r["name"] == self._names.model]
        if len(rows) != 1:
            raise ValueError(f"Unable to find model {self.fully_qualified_name}")
        return rows[0]

    @property
    def comment(self) -> str | None:
        value: str | None = self._show()["comment"]
        return value

    @comment.setter
    def comment(self, comment: str) -> None:
        self._registry._sql(f"COMMENT ON MODEL {self.fully_qualified_name} IS {dollar_literal(comment)}")

    description = comment

    @property
    def default(self) -> ModelVersion:
        return ModelVersion(self._registry, self._names, self._show()["default_version_name"])

    @default.setter
    def default(self, version: str | ModelVersion) -> None:
        mv = version if isinstance(version, ModelVersion) else self.version(version)
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} SET DEFAULT_VERSION = {mv.version_name}")

    def version(self, version_or_alias: str) -> ModelVersion:
        """A version by name or by alias (user aliases and DEFAULT / FIRST / LAST).

        Aliases come from SHOW MODELS' `aliases` (alias → version) and a name from SHOW VERSIONS LIKE,
        so the lookup does not list every version of the model."""
        target = resolve_client_ident(version_or_alias)
        rows = self._registry._sql(
            f"SHOW MODELS LIKE '{like_literal(self._names.model)}' IN SCHEMA {self._names.schema_fqn}")
        for row in rows:
            if row["name"] == self._names.model and target in orjson.loads(row["aliases"] or "{}"):
                return ModelVersion(self._registry, self._names, orjson.loads(row["aliases"])[target])
        rows = self._registry._sql(f"SHOW VERSIONS LIKE '{like_literal(target)}' IN MODEL {self.fully_qualified_name}")
        if any(row["name"] == target for row in rows):
            return ModelVersion(self._registry, self._names, target)
        raise ValueError(f"Unable to find version or alias {version_or_alias} in model "
                         f"{self.fully_qualified_name}")

    def versions(self) -> list[ModelVersion]:
        with self._registry._conn.cursor() as cur:  # names only: no dict per row
            rows = cur.execute(f"SHOW VERSIONS IN MODEL {self.fully_qualified_name}").fetchall()
            at = [d[0] for d in cur.description or []].index("name")
        return [ModelVersion(self._registry, self._names, r[at]) for r in rows]

    def show_versions(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self._registry._sql(f"SHOW VERSIONS IN MODEL {self.fully_qualified_name}"))

    def first(self) -> ModelVersion:
        return self.version("FIRST")

    def last(self) -> ModelVersion:
        return self.version("LAST")

    def delete_version(self, version_name: str) -> None:
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} DROP VERSION {quote_ident(resolve_client_ident(version_name))}")

    def rename(self, model_name: str) -> None:
        """Rename (a qualified new name may move the model to another schema)."""
        new = self._registry._names(model_name)
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} RENAME TO {new.fqn}")
        self._names = new

    # -- tags ------------------------------------------------------------------------------------

    def _tag_fqn(self, tag_name: str) -> str:
        parts = split_name(tag_name)
        if len(parts) == 1:
            parts = [self._names.database, self._names.schema, parts[0]]
        elif len(parts) == 2:
            parts = [self._names.database, *parts]
        return ".".join(quote_ident(p) for p in parts)

    def show_tags(self) -> dict[str, str]:
        """{"DB.SCHEMA.TAG": value} of the tags set on the model."""
        rows = self._registry._sql(
            f"SELECT TAG_DATABASE, TAG_SCHEMA, TAG_NAME, TAG_VALUE FROM TABLE("
            f"{quote_ident(self._names.database)}.INFORMATION_SCHEMA.TAG_REFERENCES("
            f"{dollar_literal(self.fully_qualified_name)}, 'MODULE'))")
        return {".".join(quote_ident(r[k]) for k in ("TAG_DATABASE", "TAG_SCHEMA", "TAG_NAME")): r["TAG_VALUE"]
                for r in rows}

    def get_tag(self, tag_name: str) -> str | None:
        rows = self._registry._sql(f"SELECT SYSTEM$GET_TAG({dollar_literal(self._tag_fqn(tag_name))}, "
                                   f"{dollar_literal(self.fully_qualified_name)}, 'MODULE') AS TAG_VALUE")
        value: str | None = rows[0]["TAG_VALUE"]
        return value

    def set_tag(self, tag_name: str, tag_value: str) -> None:
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} SET TAG {self._tag_fqn(tag_name)} = "
                            f"{dollar_literal(tag_value)}")

    def unset_tag(self, tag_name: str) -> None:
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} UNSET TAG {self._tag_fqn(tag_name)}")

