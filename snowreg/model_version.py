"""`ModelVersion` of the Python registry: metrics, aliases, comment, functions, run, load and export.

Names follow snowflake-ml-python: `version_name` and `model_name` are in identifier form (`V1`, `"v1"`);
everything goes through SQL on the registry's connection.
"""

from __future__ import annotations

import enum
import random
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

from snowreg.grammar.text import (
    dollar_literal,
    like_literal,
    literal,
    quote_ident,
    resolve_client_ident,
)

if TYPE_CHECKING:
    import pandas as pd

    from snowreg.registry import Registry

METRICS_SCHEMA_VERSION = "2024-01-01"
_INTEGER_TYPES = ("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64")


class Names(NamedTuple):
    """A model's database, schema and name, resolved."""

    database: str
    schema: str
    model: str

    @property
    def schema_fqn(self) -> str:
        return f"{quote_ident(self.database)}.{quote_ident(self.schema)}"

    @property
    def fqn(self) -> str:
        return f"{self.schema_fqn}.{quote_ident(self.model)}"


class ExportMode(enum.Enum):
    """What `export` downloads: the packaged model (default), or every file of the version."""

    MODEL = "model"
    FULL = "full"


_EXPORT_PATHS = {"model": ("model/",), "full": ("",), "minimal": ("model/model.yaml", "model/env/",
                                                                   "model/runtimes/")}


# ---------------------------------------------------------------------------------------------
# ModelVersion
# ---------------------------------------------------------------------------------------------


class ModelVersion:
    """`snowflake.ml.model.ModelVersion`: one version of a model."""

    def __init__(self, registry: Registry, names: Names, version: str) -> None:
        self._registry = registry
        self._names = names
        self._version = version  # resolved

    def __repr__(self) -> str:
        return f"ModelVersion(\n  name='{self.model_name}',\n  version='{self.version_name}',\n)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelVersion) and (self._names, self._version) == (other._names,
                                                                                    other._version)

    def __hash__(self) -> int:
        return hash((self._names, self._version))

    @property
    def model_name(self) -> str:
        return quote_ident(self._names.model)

    @property
    def version_name(self) -> str:
        return quote_ident(self._version)

    @property
    def fully_qualified_model_name(self) -> str:
        return self._names.fqn

    def _sql(self, sql: str) -> list[dict[str, Any]]:
        return self._registry._sql(sql)

    def _alter(self, clause: str) -> None:
        self._sql(f"ALTER MODEL {self._names.fqn} {clause}")

    def _show(self) -> dict[str, Any]:
        rows = self._sql(f"SHOW VERSIONS LIKE '{like_literal(self._version)}' IN MODEL {self._names.fqn}")
        rows = [r for r in rows if r["name"] == self._version]
        if len(rows) != 1:
            raise ValueError(f"Unable to find version {self.version_name} in model {self._names.fqn}")
        return rows[0]

    # -- comment, metrics, aliases ---------------------------------------------------------------

    @property
    def comment(self) -> str | None:
        value: str | None = self._show()["comment"]
        return value

    @comment.setter
    def comment(self, comment: str) -> None:
        self._alter(f"MODIFY VERSION {self.version_name} SET COMMENT={dollar_literal(comment)}")

    description = comment

    def _metadata(self) -> dict[str, Any]:
        data: dict[str, Any] = orjson.loads(self._show()["metadata"] or "{}")
        return data

    def show_metrics(self) -> dict[str, Any]:
        metadata = self._metadata()
        version = metadata.get("snowpark_ml_schema_version")
        if version is None:
            return {}
        if version != METRICS_SCHEMA_VERSION:
            raise ValueError(f"Unsupported model metadata schema version {version} is detected.")
        metrics: dict[str, Any] = metadata.get("metrics", {})
        return metrics

    def get_metric(self, metric_name: str) -> Any:
        metrics = self.show_metrics()
        if metric_name not in metrics:
            raise KeyError(f"Cannot find metric with name {metric_name}.")
        return metrics[metric_name]

    def set_metric(self, metric_name: str, value: Any) -> None:
        self._set_metrics({metric_name: value})

    def _set_metrics(self, values: dict[str, Any]) -> None:
        metadata = self._metadata()
        metrics = metadata.get("metrics", {}) if metadata.get("snowpark_ml_schema_version") else {}
        metadata["metrics"] = {**metrics, **values}
        metadata["snowpark_ml_schema_version"] = METRICS_SCHEMA_VERSION
        self._write_metadata(metadata)

    def delete_metric(self, metric_name: str) -> None:
        metadata = self._metadata()
        if metric_name not in metadata.get("metrics", {}):
            raise KeyError(f"Cannot find metric with name {metric_name}.")
        del metadata["metrics"][metric_name]
        self._write_metadata(metadata)

    def _write_metadata(self, metadata: dict[str, Any]) -> None:
        text = orjson.dumps(metadata, option=orjson.OPT_SERIALIZE_NUMPY).decode()
        self._alter(f"MODIFY VERSION {self.version_name} SET METADATA={dollar_literal(text)}")

    def set_alias(self, alias_name: str) -> None:
        self._alter(f"VERSION {self.version_name} SET ALIAS = {quote_ident(resolve_client_ident(alias_name))}")

    def unset_alias(self, version_or_alias: str) -> None:
        self._alter(f"VERSION {quote_ident(resolve_client_ident(version_or_alias))} UNSET ALIAS")

    def get_model_task(self) -> str:
        """The task recorded when the model was logged (e.g. TABULAR_BINARY_CLASSIFICATION), or UNKNOWN."""
        attributes = orjson.loads(self._show().get("model_attributes") or "{}")
        return str(attributes.get("task") or "UNKNOWN")

    # -- functions -------------------------------------------------------------------------------

    @cached_property
    def _spec(self) -> dict[str, Any]:
        """The version's model.yaml (SHOW VERSIONS `model_spec`)."""
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        spec: dict[str, Any] = yaml.load(self._show().get("model_spec") or "{}", Loader=loader) or {}
        return spec

    def show_functions(self) -> list[dict[str, Any]]:
        """[{name, target_method, target_method_function_type, signature, is_partitioned}] per SQL function."""
        signatures = self._spec.get("signatures") or {}
        properties = self._spec.get("function_properties") or {}
        out = []
        for row in self._sql(f"SHOW FUNCTIONS IN MODEL {self._names.fqn} VERSION {self.version_name}"):
            name = row["name"]
            target = name if name in signatures else next((k for k in signatures if k.upper() == name), name)
            is_table = "TABLE" in str(row.get("return_type") or "")
            partitioned = bool((properties.get(target) or {}).get("PARTITIONED", True)) if is_table else False
            out.append({"name": name, "target_method": target,
                        "target_method_function_type": "TABLE_FUNCTION" if is_table else "FUNCTION",
                        "signature": signatures.get(target), "is_partitioned": partitioned})
        return out

    def _function(self, function_name: str | None) -> dict[str, Any]:
        functions = self.show_functions()
        if function_name is None:
            if len(functions) != 1:
                raise ValueError(f"There are more than 1 target methods available in the model "
                                 f"{self._names.fqn} version {self.version_name}. Please specify a "
                                 "`function_name` when calling the `run` method.")
            return functions[0]
        wanted = resolve_client_ident(function_name)
        for fn in functions:
            if fn["name"] in (wanted, function_name) or fn["target_method"] == function_name:
                return fn
        raise ValueError(f"There is no method with name {function_name} available in the model "
                         f"{self._names.fqn} version {self.version_name}")

    # -- run -------------------------------------------------------------------------------------

    def run(self, X: pd.DataFrame, *, function_name: str | None = None, partition_column: str | None = None,
            strict_input_validation: bool = False, params: dict[str, Any] | None = None,
            service_name: str | None = None) -> pd.DataFrame:
        """Run a method on a pandas DataFrame in SQL (`MODEL(m, v)!METHOD(…)`); returns its outputs."""
        import pandas as pd

        from snowreg import errors

        if service_name is not None:
            raise errors.not_supported("Inference through a service (run(..., service_name=...))")
        if not isinstance(X, pd.DataFrame):
            raise TypeError("snowreg's run() takes a pandas DataFrame.")
        fn = self._function(function_name)
        signature = fn["signature"] or {}
        frame = _input_frame(X, [f["name"] for f in signature.get("inputs", [])])
        view = f"SNOWREG_RUN_INPUT_{random.randrange(16**10):010X}"
        args = [quote_ident(str(c)) for c in frame.columns]
        args += [literal(v) for v in (params or {}).values()]
        call = f"MODEL({self._names.fqn}, {self.version_name})!{quote_ident(fn['name'])}({', '.join(args)})"
        duck = self._registry._conn.session.duck
        duck.register(view, frame)
        try:
            if fn["target_method_function_type"] == "TABLE_FUNCTION":
                return self._run_table(call, view, frame, fn, partition_column, signature)
            rows = self._sql(f"SELECT {call} AS TMP_RESULT FROM {view}")
        finally:
            duck.unregister(view)
        outputs = [o["name"] for o in signature.get("outputs", [])]
        records = [orjson.loads(r["TMP_RESULT"]) if r["TMP_RESULT"] else {} for r in rows]
        result = pd.DataFrame.from_records(records, columns=outputs or None)
        return _typed(result, signature.get("outputs", []))

    def _run_table(self, call: str, view: str, frame: pd.DataFrame, fn: dict[str, Any],
                   partition_column: str | None, signature: dict[str, Any]) -> pd.DataFrame:
        partitioned = fn["is_partitioned"] or partition_column is not None
        over = ""
        if partitioned:
            over = f" OVER (PARTITION BY {quote_ident(resolve_client_ident(partition_column)) if partition_column else '1'})"
        rows = self._sql(f"SELECT * FROM {view}, TABLE({call}{over})")
        import pandas as pd

        result = pd.DataFrame(rows)
        keep = {resolve_client_ident(partition_column)} if partition_column else set()
        inputs = [c for c in frame.columns if c not in keep and c in result.columns]
        result = result.drop(columns=inputs)
        by_upper = {str(o["name"]).upper(): o["name"] for o in signature.get("outputs", [])}
        return result.rename(columns={c: by_upper.get(str(c).upper(), c) for c in result.columns})

    # -- files -----------------------------------------------------------------------------------

    def _download(self, target: Path, paths: tuple[str, ...]) -> list[str]:
        """LIST then GET each file of the version below `paths` into the mirrored place under `target`."""
        base = f"snow://model/{self._names.fqn}/versions/{self._version}/"
        got = []
        for rel in paths:
            for row in self._sql(f"LIST {literal(base + rel)}"):
                path = "/".join(row["name"].split("/")[2:])  # versions/<v>/...
                local_dir = _below(target, path).parent
                local_dir.mkdir(parents=True, exist_ok=True)
                self._sql(f"GET {literal(base + path)} {literal(local_dir.resolve().as_uri())}")
                got.append(path)
        return got

    def export(self, target_path: str, *, export_mode: ExportMode | str = ExportMode.MODEL) -> None:
        """Download the version's files (`model/`, or everything with ExportMode.FULL) into a directory."""
        target = Path(target_path)
        if target.is_file() or (target.is_dir() and any(target.iterdir())):
            raise ValueError(f"Target path {target} is a file or an non-empty folder.")
        target.mkdir(parents=False, exist_ok=True)
        mode = export_mode.value if isinstance(export_mode, ExportMode) else str(export_mode).lower()
        self._download(target, _EXPORT_PATHS[mode])

    def load(self, *, force: bool = False, options: dict[str, Any] | None = None) -> Any:
        """The original Python model object. Only the model's owner role may load it (as in the client)."""
        from snowreg.engine.api import load_model

        owner = self._registry.get_model(self._names.fqn)._show()["owner"]
        role = self._registry._conn.session.role  # the session's own, never a value SQL could set
        if not role or role != owner:
            raise RuntimeError("model registry: cannot load this model — only the model's owner role is "
                               "permitted. You may use export() instead.")
        with tempfile.TemporaryDirectory(prefix="snowreg-load-") as tmp:
            paths = self._download(Path(tmp), ("model/",))
            files = {p: Path(tmp, p).read_bytes() for p in paths}
        return load_model(files).model


def _below(target: Path, path: str) -> Path:
    """`target / path`, refused unless it stays inside `target` (export never writes elsewhere)."""
    base = target.resolve()
    full = (base / path).resolve()
    if base not in full.parents:
        raise ValueError(f"The version file path {path!r} would leave the export folder {target}.")
    return full


def _input_frame(X: pd.DataFrame, inputs: list[str]) -> pd.DataFrame:
    """The columns of X in the signature's input order, named as the signature names them."""
    if not inputs:
        return X
    by_name = {str(c): c for c in X.columns}
    by_upper = {str(c).upper(): c for c in X.columns}
    chosen = [by_name.get(n, by_upper.get(n.upper())) for n in inputs]
    if any(c is None for c in chosen):
        if len(X.columns) != len(inputs):
            missing = [n for n, c in zip(inputs, chosen, strict=True) if c is None]
            raise ValueError(f"Input data columns do not match the model signature: missing {missing}.")
        frame = X.copy(deep=False)
    else:
        frame = X[chosen]
    return frame.set_axis(inputs, axis=1)


def _typed(result: pd.DataFrame, outputs: list[dict[str, Any]]) -> pd.DataFrame:
    """Output columns cast to their signature types (as the client's conversion does)."""
    for spec in outputs:
        name, typ = spec.get("name"), str(spec.get("type") or "").upper()
        if name not in result.columns or spec.get("shape") or result[name].isna().any():
            continue
        if typ in _INTEGER_TYPES:
            result[name] = result[name].astype(typ.lower())
        elif typ in ("FLOAT", "DOUBLE"):
            result[name] = result[name].astype("float32" if typ == "FLOAT" else "float64")
        elif typ == "BOOL":
            result[name] = result[name].astype(bool)
    return result
