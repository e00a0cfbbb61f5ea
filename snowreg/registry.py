"""The Python registry: snowflake-ml-python's `Registry` / `Model` / `ModelVersion` names, over SQL.

Everything here issues SQL through a connection, so the engine's rules and privilege checks apply
exactly as they do to a SQL author.
"""

from __future__ import annotations

import random
import re
import tempfile
from pathlib import Path
from typing import Any

import orjson

from snowreg import errors

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
METRICS_SCHEMA_VERSION = "2024-01-01"
_ADJECTIVES = ("ancient", "brave", "calm", "daring", "eager", "fancy", "gentle", "happy", "jolly", "kind",
               "lively", "mighty", "noble", "proud", "quick", "silent", "swift", "wise")
_ANIMALS = ("owl", "fox", "bear", "wolf", "hawk", "otter", "lynx", "seal", "crane", "bison", "heron", "moose")


def sql_identifier(name: str) -> str:
    """A name as an SQL identifier, by the client's rules: `v1` → V1, `'"v1"'` stays quoted."""
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return name
    if _PLAIN.fullmatch(name):
        return name.upper()
    return '"' + name.replace('"', '""') + '"'


def resolved(name: str) -> str:
    """The stored form of an identifier: `v1` → V1, `'"v1"'` → v1."""
    ident = sql_identifier(name)
    return ident[1:-1].replace('""', '"') if ident.startswith('"') else ident


def _dollar(text: str) -> str:
    if "$$" in text:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"$${text}$$"


def connection_of(session_or_connection: Any) -> Any:
    """The snowreg DB-API connection behind a snowreg connection or a Snowpark session built on one."""
    conn = session_or_connection
    for attr in ("_conn", "_conn"):  # Snowpark Session → ServerConnection → connector connection
        if not hasattr(conn, "cursor") and hasattr(conn, attr):
            conn = getattr(conn, attr)
    if hasattr(conn, "_conn") and not hasattr(conn, "execute_string"):
        conn = conn._conn
    if not hasattr(conn, "cursor"):
        raise TypeError(f"not a connection or Snowpark session: {type(session_or_connection).__name__}")
    return conn


class Registry:
    """`snowflake.ml.registry.Registry` over a snowreg connection (or a Snowpark session on one)."""

    def __init__(self, session_or_connection: Any, *, database_name: str | None = None,
                 schema_name: str | None = None, options: dict[str, Any] | None = None) -> None:
        self._conn = connection_of(session_or_connection)
        db = database_name or self._conn.database
        if db is None:
            raise ValueError("You need to provide a database to use the registry.")
        schema = schema_name or ("PUBLIC" if database_name else self._conn.schema) or "PUBLIC"
        self._database, self._schema = resolved(db), resolved(schema)
        if not self._sql(f"SHOW DATABASES LIKE '{self._database}'"):
            raise ValueError(f"Database {sql_identifier(db)} does not exist.")
        if not self._sql(f"SHOW SCHEMAS LIKE '{self._schema}' IN DATABASE {sql_identifier(db)}"):
            raise ValueError(f"Schema {sql_identifier(schema)} does not exist.")

    # -- plumbing --------------------------------------------------------------------------------

    def _sql(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        cur = self._conn.cursor()
        try:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            cur.close()

    @property
    def location(self) -> str:
        return f"{sql_identifier(self._database)}.{sql_identifier(self._schema)}"

    def _fqn(self, model_name: str) -> str:
        parts = model_name.split(".") if not model_name.startswith('"') else [model_name]
        if len(parts) == 3:
            return ".".join(sql_identifier(p) for p in parts)
        return f"{self.location}.{sql_identifier(model_name)}"

    # -- models ----------------------------------------------------------------------------------

    def log_model(self, model: Any, *, model_name: str, version_name: str | None = None,
                  comment: str | None = None, metrics: dict[str, Any] | None = None,
                  sample_input_data: Any = None, signatures: Any = None, options: dict[str, Any] | None = None,
                  task: Any = None, **unused: Any) -> ModelVersion:
        """Log a Python model (or copy a `ModelVersion`) as a new version of `model_name`."""
        fqn = self._fqn(model_name)
        exists = self._model_exists(fqn)
        if isinstance(model, ModelVersion):
            version = sql_identifier(version_name or model.version_name)
            source = f"FROM MODEL {model.fully_qualified_model_name} VERSION {sql_identifier(model.version_name)}"
            self._create_or_add(fqn, version, source, exists)
        else:
            version = sql_identifier(version_name or self._random_version(fqn, exists))
            if exists and self._sql(f"SHOW VERSIONS LIKE '{resolved(version)}' IN MODEL {fqn}"):
                raise ValueError(f"Model {fqn} version {version} already existed.")
            self._upload_and_create(model, fqn, version, sample_input_data, signatures, options, task, exists)
        mv = ModelVersion(self, fqn, resolved(version))
        if comment is not None:
            mv.comment = comment
        if metrics:
            for key, value in metrics.items():
                mv.set_metric(key, value)
        return mv

    def _model_exists(self, fqn: str) -> bool:
        db, schema, name = fqn.split(".") if '"' not in fqn else _split_fqn(fqn)
        return bool(self._sql(f"SHOW MODELS LIKE '{resolved(name)}' IN SCHEMA {db}.{schema}"))

    def _random_version(self, fqn: str, exists: bool) -> str:
        taken = {r["name"] for r in self._sql(f"SHOW VERSIONS IN MODEL {fqn}")} if exists else set()
        while True:
            name = f"{random.choice(_ADJECTIVES)}_{random.choice(_ANIMALS)}_{random.randint(1, 9)}"
            if name.upper() not in taken:
                return name

    def _create_or_add(self, fqn: str, version: str, source: str, exists: bool) -> None:
        if exists:
            self._sql(f"ALTER MODEL {fqn} ADD VERSION {version} {source}")
        else:
            self._sql(f"CREATE MODEL {fqn} WITH VERSION {version} {source}")

    def _upload_and_create(self, model: Any, fqn: str, version: str, sample_input_data: Any, signatures: Any,
                           options: dict[str, Any] | None, task: Any, exists: bool) -> None:
        from snowreg.packaging import package_model

        files = package_model(model, model_name=resolved(fqn.split(".")[-1]), version_name=resolved(version),
                              sample_input_data=sample_input_data, signatures=signatures, options=options,
                              task=task)
        stage = f"{self.location}.SNOWREG_TEMP_STAGE_{random.randrange(16**10):010X}"
        self._sql(f"CREATE TEMPORARY STAGE {stage}")
        try:
            with tempfile.TemporaryDirectory(prefix="snowreg-") as tmp:
                by_dir: dict[str, list[str]] = {}
                for rel, data in files.items():
                    path = Path(tmp) / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    by_dir.setdefault(str(Path(rel).parent), []).append(rel)
                for rel_dir, rels in sorted(by_dir.items()):
                    target = "model" if rel_dir == "." else f"model/{rel_dir}"
                    for rel in rels:
                        local = (Path(tmp) / rel).as_posix()
                        self._sql(f"PUT 'file://{local}' @{stage}/{target} AUTO_COMPRESS = FALSE OVERWRITE = TRUE")
            self._create_or_add(fqn, version, f"FROM @{stage}/model", exists)
        finally:
            self._sql(f"DROP STAGE IF EXISTS {stage}")

    def get_model(self, model_name: str) -> Model:
        fqn = self._fqn(model_name)
        if not self._model_exists(fqn):
            raise ValueError(f"Unable to find model {fqn}")
        return Model(self, fqn)

    def models(self) -> list[Model]:
        rows = self._sql(f"SHOW MODELS IN SCHEMA {self.location}")
        return [Model(self, f"{self.location}.{sql_identifier(_quote_if_needed(r['name']))}") for r in rows]

    def show_models(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self._sql(f"SHOW MODELS IN SCHEMA {self.location}"))

    def delete_model(self, model_name: str) -> None:
        self._sql(f"DROP MODEL {self._fqn(model_name)}")


def _quote_if_needed(name: str) -> str:
    return name if re.fullmatch(r"[A-Z_][A-Z0-9_$]*", name) else '"' + name.replace('"', '""') + '"'


def _split_fqn(fqn: str) -> list[str]:
    parts, cur, quoted = [], "", False
    for ch in fqn:
        if ch == '"':
            quoted = not quoted
        if ch == "." and not quoted:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


class Model:
    """`snowflake.ml.model.Model`: a registered model."""

    def __init__(self, registry: Registry, fqn: str) -> None:
        self._registry = registry
        self.fully_qualified_name = fqn
        self.name = _split_fqn(fqn)[-1]

    def _show(self) -> dict[str, Any]:
        db, schema, name = _split_fqn(self.fully_qualified_name)
        rows = self._registry._sql(f"SHOW MODELS LIKE '{resolved(name)}' IN SCHEMA {db}.{schema}")
        if len(rows) != 1:
            raise ValueError(f"Unable to find model {self.fully_qualified_name}")
        return rows[0]

    @property
    def comment(self) -> str | None:
        return self._show()["comment"]

    @comment.setter
    def comment(self, text: str) -> None:
        self._registry._sql(f"COMMENT ON MODEL {self.fully_qualified_name} IS {_dollar(text)}")

    description = comment

    @property
    def default(self) -> ModelVersion:
        return ModelVersion(self._registry, self.fully_qualified_name, self._show()["default_version_name"])

    @default.setter
    def default(self, version: str | ModelVersion) -> None:
        name = version.version_name if isinstance(version, ModelVersion) else resolved(version)
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} SET DEFAULT_VERSION = {_quote_if_needed(name)}")

    def version(self, version_or_alias: str) -> ModelVersion:
        target = resolved(version_or_alias)
        for row in self._registry._sql(f"SHOW VERSIONS IN MODEL {self.fully_qualified_name}"):
            if row["name"] == target or target in orjson.loads(row["aliases"] or "[]"):
                return ModelVersion(self._registry, self.fully_qualified_name, row["name"])
        raise ValueError(f"Unable to find version or alias {version_or_alias} in model {self.fully_qualified_name}")

    def versions(self) -> list[ModelVersion]:
        rows = self._registry._sql(f"SHOW VERSIONS IN MODEL {self.fully_qualified_name}")
        return [ModelVersion(self._registry, self.fully_qualified_name, r["name"]) for r in rows]

    def show_versions(self) -> Any:
        import pandas as pd

        return pd.DataFrame(self._registry._sql(f"SHOW VERSIONS IN MODEL {self.fully_qualified_name}"))

    def first(self) -> ModelVersion:
        return self.version("FIRST")

    def last(self) -> ModelVersion:
        return self.version("LAST")

    def delete_version(self, version_name: str) -> None:
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} DROP VERSION {sql_identifier(version_name)}")

    def rename(self, model_name: str) -> None:
        new = self._registry._fqn(model_name)
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_name} RENAME TO {new}")
        self.fully_qualified_name, self.name = new, _split_fqn(new)[-1]


class ModelVersion:
    """`snowflake.ml.model.ModelVersion`: one version of a model."""

    def __init__(self, registry: Registry, model_fqn: str, version_name: str) -> None:
        self._registry = registry
        self.fully_qualified_model_name = model_fqn
        self.model_name = _split_fqn(model_fqn)[-1]
        self.version_name = version_name  # resolved text

    @property
    def _ident(self) -> str:
        return _quote_if_needed(self.version_name)

    def _show(self) -> dict[str, Any]:
        rows = self._registry._sql(
            f"SHOW VERSIONS LIKE '{self.version_name}' IN MODEL {self.fully_qualified_model_name}")
        rows = [r for r in rows if r["name"] == self.version_name]
        if len(rows) != 1:
            raise ValueError(f"Unable to find version {self.version_name} in {self.fully_qualified_model_name}")
        return rows[0]

    def __repr__(self) -> str:
        return f"ModelVersion(name='{self.model_name}', version='{self.version_name}')"

    @property
    def comment(self) -> str | None:
        return self._show()["comment"]

    @comment.setter
    def comment(self, text: str) -> None:
        self._alter(f"MODIFY VERSION {self._ident} SET COMMENT={_dollar(text)}")

    description = comment

    def _alter(self, clause: str) -> None:
        self._registry._sql(f"ALTER MODEL {self.fully_qualified_model_name} {clause}")

    def _metadata(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self._show()["metadata"] or "{}")
        return data

    def show_metrics(self) -> dict[str, Any]:
        metadata = self._metadata()
        if "snowpark_ml_schema_version" not in metadata:
            return {}
        metrics: dict[str, Any] = metadata.get("metrics", {})
        return metrics

    def get_metric(self, metric_name: str) -> Any:
        metrics = self.show_metrics()
        if metric_name not in metrics:
            raise KeyError(f"Cannot find metric with name {metric_name}.")
        return metrics[metric_name]

    def set_metric(self, metric_name: str, value: Any) -> None:
        metadata = self._metadata()
        metadata.setdefault("metrics", {})[metric_name] = value
        metadata["snowpark_ml_schema_version"] = METRICS_SCHEMA_VERSION
        self._alter(f"MODIFY VERSION {self._ident} SET METADATA={_dollar(orjson.dumps(metadata).decode())}")

    def delete_metric(self, metric_name: str) -> None:
        metadata = self._metadata()
        if metric_name not in metadata.get("metrics", {}):
            raise KeyError(f"Cannot find metric with name {metric_name}.")
        del metadata["metrics"][metric_name]
        self._alter(f"MODIFY VERSION {self._ident} SET METADATA={_dollar(orjson.dumps(metadata).decode())}")

    def set_alias(self, alias_name: str) -> None:
        self._alter(f"VERSION {self._ident} SET ALIAS = {sql_identifier(alias_name)}")

    def unset_alias(self, version_or_alias: str) -> None:
        self._alter(f"VERSION {sql_identifier(version_or_alias)} UNSET ALIAS")

    def show_functions(self) -> list[dict[str, Any]]:
        rows = self._registry._sql(
            f"SHOW FUNCTIONS IN MODEL {self.fully_qualified_model_name} VERSION {self._ident}")
        return [{"name": r["name"], "target_method": r["name"].lower() if r["name"].isupper() else r["name"],
                 "target_method_function_type": "TABLE_FUNCTION" if r["is_table_function"] == "true" else "FUNCTION",
                 "signature": r["arguments"], "is_partitioned": r["is_table_function"] == "true"} for r in rows]

    def run(self, X: Any, *, function_name: str | None = None, partition_column: str | None = None,
            **unused: Any) -> Any:
        """Run a method on a pandas DataFrame through SQL (`MODEL(m, v)!METHOD(...)`)."""
        import pandas as pd

        functions = self.show_functions()
        if function_name is None:
            if len(functions) != 1:
                raise ValueError(f"There are more than 1 target methods available in the model "
                                 f"{self.fully_qualified_model_name} version {self.version_name}. Please specify "
                                 "a `function_name` when calling the `run` method.")
            fn = functions[0]
        else:
            want = resolved(function_name)
            fn = next((f for f in functions if f["name"] == want), None)  # type: ignore[assignment]
            if fn is None:
                raise ValueError(f"There is no method with name {function_name} available in the model "
                                 f"{self.fully_qualified_model_name} version {self.version_name}")
        if not isinstance(X, pd.DataFrame):
            raise TypeError("run() takes a pandas DataFrame here")
        table = f"SNOWREG_RUN_INPUT_{random.randrange(16**10):010X}"
        duck = self._registry._conn.session.duck
        duck.register(table, X)
        try:
            args = ", ".join(_quote_if_needed(str(c)) for c in X.columns)
            call = f"MODEL({self.fully_qualified_model_name}, {self._ident})!{_quote_if_needed(fn['name'])}({args})"
            if fn["target_method_function_type"] == "TABLE_FUNCTION":
                over = f" OVER (PARTITION BY {_quote_if_needed(partition_column)})" if partition_column else ""
                rows = self._registry._sql(f"SELECT * FROM {table}, TABLE({call}{over})")
                return pd.DataFrame(rows)
            rows = self._registry._sql(f"SELECT {call} AS TMP_RESULT FROM {table}")
        finally:
            duck.unregister(table)
        outputs = pd.DataFrame([orjson.loads(r["TMP_RESULT"]) for r in rows], index=X.index)
        return pd.concat([X, outputs], axis=1)

__all__ = ["Model", "ModelVersion", "Registry", "errors"]
