"""Package a Python model into the files of a model version directory, laid out as snowflake-ml-python."""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from snowreg import errors
from snowreg.engine.api import TABLE_FUNCTION, resolve_name, sql_type
from snowreg.modelenv import EnvFiles, build_env, dump_yaml
from snowreg.signatures import infer_features, param_specs, sample_input_json

META_VERSION = "2023-12-01"
SKLEARN_METHODS = ("predict", "transform", "predict_proba", "predict_log_proba", "decision_function",
                   "score_samples")
BOOSTER_METHODS = ("predict", "predict_proba")
WIDE_INPUT_LIMIT = 500
SAMPLE_ROWS = 100
SAMPLE_FILE = "sample_input_data.json"


@dataclass
class Handler:
    """How one kind of model is stored: the facts the real client's handler for it writes."""

    model_type: str
    handler_version: str = META_VERSION
    min_version: str = "1.0.12"
    blob_name: str = "model.pkl"
    default_methods: tuple[str, ...] = SKLEARN_METHODS
    packages: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    cuda_version: str | None = None


def package_model(
    model: Any,
    *,
    model_name: str,
    version_name: str,
    sample_input_data: Any = None,
    signatures: Mapping[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    python_version: str | None = None,
    task: Any = None,
    user_files: Mapping[str, list[str]] | None = None,
    comment: str | None = None,
    target_platforms: list[Any] | None = None,
    conda_dependencies: list[str] | None = None,
    pip_requirements: list[str] | None = None,
    metadata: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """The files (path -> bytes) of a version directory for `model`, as `log_model` would upload them.

    `version_name` and `comment` do not appear in the files (the registry applies them in SQL); they are
    accepted so callers can pass log_model's arguments through unchanged.
    """
    del version_name, comment
    opts = dict(options or {})
    if opts.get("enable_explainability"):
        raise errors.not_supported("Model explainability (enable_explainability=True)")
    name = _resolved_model_name(model_name)
    handler = handler_for(model)
    methods = _target_methods(model, handler, opts, signatures)
    sigs = _signatures(model, handler, methods, sample_input_data, signatures)
    partitioned = _partitioned_methods(model, handler)
    files: dict[str, bytes] = {}
    models_meta, packages, min_version = _write_blobs(model, name, handler, files)
    env = build_env(packages=packages, conda=conda_dependencies, pip=pip_requirements,
                    python_version=python_version, cuda_version=handler.cuda_version,
                    relax=bool(opts.get("relax_version", True)) and not pip_requirements)
    files.update(env.files)
    sample_methods = _add_sample(files, sample_input_data, sigs)
    is_custom = handler.model_type == "custom"
    fn_props = {m: {"PARTITIONED": m in partitioned} for m in methods} if is_custom else {}
    if fn_props:
        models_meta[name]["function_properties"] = fn_props
    spec = {
        "creation_timestamp": str(datetime.now(UTC).replace(tzinfo=None)), "env": env.model_env,
        "explainability": None, "function_properties": fn_props, "metadata": metadata,
        "method_options": _plain(opts.get("method_options", {})), "min_snowpark_ml_version": min_version,
        "model_type": handler.model_type, "models": models_meta, "name": name, "runtimes": env.model_runtimes,
        "signatures": {m: {**s, **({"sample_input_file_path": SAMPLE_FILE} if m in sample_methods else {})}
                       for m, s in sigs.items()},
        "task": _task(model, handler, task), "version": META_VERSION,
    }
    if "case_sensitive" in opts:
        spec["case_sensitive"] = bool(opts["case_sensitive"])
    files["model/model.yaml"] = dump_yaml(spec)
    platforms = [str(getattr(p, "value", p)) for p in target_platforms or []]
    listed = _add_user_files(files, user_files)
    files["MANIFEST.yml"] = dump_yaml(_manifest(sigs, partitioned, opts, env, platforms, listed, files))
    return files


# ---------------------------------------------------------------------------------------------
# Model kinds
# ---------------------------------------------------------------------------------------------


def _classes(model: Any) -> set[str]:
    return {f"{c.__module__}.{c.__qualname__}" for c in type(model).__mro__}


def handler_for(model: Any) -> Handler:
    """The handler the client would pick (xgboost, lightgbm, sklearn, custom); plain objects are custom."""
    mro = _classes(model)
    if "xgboost.core.Booster" in mro:  # the native API (`xgboost.train`): methods take a DMatrix
        return Handler("xgboost", blob_name="model.ubj", default_methods=("predict",),
                       packages=("scikit-learn", "xgboost"), cuda_version="12.4",
                       options={"enable_categorical": False, "xgb_estimator_type": "Booster"})
    if "lightgbm.basic.Booster" in mro:
        return Handler("lightgbm", handler_version="2024-03-19", min_version="1.3.1", default_methods=("predict",),
                       packages=("lightgbm", "scikit-learn"), options={"lightgbm_estimator_type": "Booster"})
    if "xgboost.sklearn.XGBModel" in mro:
        return Handler("xgboost", blob_name="model.ubj", default_methods=BOOSTER_METHODS,
                       packages=("scikit-learn", "xgboost"), cuda_version="12.4",
                       options={"enable_categorical": bool(getattr(model, "enable_categorical", False)),
                                "xgb_estimator_type": type(model).__name__})
    if "lightgbm.sklearn.LGBMModel" in mro:
        return Handler("lightgbm", handler_version="2024-03-19", min_version="1.3.1",
                       default_methods=BOOSTER_METHODS, packages=("lightgbm", "scikit-learn"),
                       options={"lightgbm_estimator_type": type(model).__name__})
    if "sklearn.base.BaseEstimator" in mro:
        return Handler("sklearn", packages=(*_pipeline_packages(model), "scikit-learn"))
    if "snowflake.ml.model.custom_model.CustomModel" in mro:
        return Handler("custom", default_methods=())
    return Handler("custom")


def _pipeline_packages(model: Any) -> tuple[str, ...]:
    out: list[str] = []
    for _, step in getattr(model, "steps", None) or []:
        mro = _classes(step)
        for pkg in ("lightgbm", "xgboost"):
            if any(c.startswith(pkg + ".") for c in mro) and pkg not in out:
                out.append(pkg)
    return tuple(out)


def is_custom_model(model: Any) -> bool:
    return "snowflake.ml.model.custom_model.CustomModel" in _classes(model)


def _target_methods(model: Any, handler: Handler, opts: Mapping[str, Any],
                    signatures: Mapping[str, Any] | None) -> list[str]:
    if signatures:
        methods = list(signatures)
    elif opts.get("target_methods"):
        methods = list(opts["target_methods"])
    elif is_custom_model(model):
        methods = [f.__name__ for f in model._get_infer_methods()]
    else:
        methods = [m for m in handler.default_methods if callable(getattr(model, m, None))]
    for m in methods:
        if not callable(getattr(model, m, None)):
            raise ValueError(f"Target method {m} is not callable or does not exist in the model.")
    if not methods:
        raise ValueError(f"{type(model).__name__} has none of the methods {list(SKLEARN_METHODS)}; "
                         "name them with options={'target_methods': [...]}.")
    return methods


def _partitioned_methods(model: Any, handler: Handler) -> set[str]:
    """Methods declared with `@custom_model.partitioned_api` (a plain object may declare them the
    same way, through a `_get_partitioned_methods()` returning method names)."""
    own = getattr(model, "_get_partitioned_methods", None)
    if handler.model_type != "custom" or not callable(own):
        return set()
    return {m if isinstance(m, str) else m.__name__ for m in own()}


# ---------------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------------


def _signatures(model: Any, handler: Handler, methods: list[str], sample: Any,
                given: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    if given:
        return {m: _given_signature(s) for m, s in given.items()}
    if sample is None:
        raise ValueError("Either of `signatures` or `sample_input_data` must be provided for this kind of "
                         "model.")
    inputs = infer_features(_head(sample), "input")
    out: dict[str, dict[str, Any]] = {}
    for m in methods:
        fn = getattr(model, m)
        data = _head(sample)
        if handler.model_type == "custom":
            data = _as_frame(data)
        elif "xgboost.core.Booster" in _classes(model):
            import xgboost

            data = xgboost.DMatrix(_as_frame(data))
        result = _run(fn, data)
        params = param_specs(fn) if handler.model_type == "custom" else []
        out[m] = {"inputs": inputs, "outputs": infer_features(result, "output"), "params": params}
    return out


def _given_signature(sig: Any) -> dict[str, Any]:
    raw = sig.to_dict() if hasattr(sig, "to_dict") else sig
    if not isinstance(raw, Mapping) or "inputs" not in raw or "outputs" not in raw:
        raise TypeError("A signature must be a snowflake.ml ModelSignature or a mapping with 'inputs' and "
                        "'outputs' lists of {name, type[, nullable, shape]}.")
    out = _plain(dict(raw))
    out.setdefault("params", [])
    return dict(out)


def _head(sample: Any) -> Any:
    return sample.head(SAMPLE_ROWS) if hasattr(sample, "head") else sample[:SAMPLE_ROWS]


def _as_frame(data: Any) -> Any:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    return pd.DataFrame(data)


def _run(fn: Callable[..., Any], data: Any) -> Any:
    if inspect.iscoroutinefunction(fn):
        import asyncio

        return asyncio.run(fn(data))
    return fn(data)


def _add_sample(files: dict[str, bytes], sample: Any, sigs: Mapping[str, dict[str, Any]]) -> set[str]:
    if sample is None:
        return set()
    found = sample_input_json(_as_frame(_head(sample)), sigs)
    if found is None:
        return set()
    text, methods = found
    files[f"model/{SAMPLE_FILE}"] = text.encode("utf-8")
    return set(methods)


def _task(model: Any, handler: Handler, given: Any) -> str:
    passed = str(getattr(given, "value", given) or "UNKNOWN")
    inferred = "UNKNOWN"
    if handler.model_type in ("sklearn", "xgboost", "lightgbm"):
        inferred = infer_task(model)
    return inferred if inferred != "UNKNOWN" else passed


def infer_task(model: Any) -> str:
    """TABULAR_* task of a scikit-learn / xgboost / lightgbm model, as the client infers it."""
    mro = _classes(model)
    if "xgboost.core.Booster" in mro or "xgboost.sklearn.XGBModel" in mro:
        if "xgboost.core.Booster" in mro:
            objective = orjson.loads(model.save_config()).get("learner", {}).get("objective", "")
            objective = str(objective.get("name", "") if isinstance(objective, dict) else objective)
        else:
            objective = str((model.get_params() or {}).get("objective") or "")
        for prefix, found in (("binary:", "BINARY_CLASSIFICATION"), ("multi:", "MULTI_CLASSIFICATION"),
                              ("rank:", "RANKING"), ("reg:", "REGRESSION")):
            if prefix in objective:
                return f"TABULAR_{found}"
        return "UNKNOWN"
    if "lightgbm.basic.Booster" in mro:
        return _lightgbm_task(str((getattr(model, "params", None) or {}).get("objective", "")))
    if "lightgbm.sklearn.LGBMModel" in mro:
        return _lightgbm_task(str(getattr(model, "objective_", "")))
    if "sklearn.pipeline.Pipeline" in mro:
        has = hasattr(model, "predict_proba") or hasattr(model, "predict")
        return infer_task(model.steps[-1][1]) if has else "UNKNOWN"
    from sklearn.base import is_classifier, is_regressor

    if is_regressor(model):
        return "TABULAR_REGRESSION"
    if is_classifier(model):
        n = getattr(model, "n_classes_", None) or len(getattr(model, "classes_", []))
        if isinstance(n, int):
            return "TABULAR_MULTI_CLASSIFICATION" if n > 2 else "TABULAR_BINARY_CLASSIFICATION"
    return "UNKNOWN"


def _lightgbm_task(objective: str) -> str:
    if objective == "binary":
        return "TABULAR_BINARY_CLASSIFICATION"
    if objective in ("multiclass", "multiclassova"):
        return "TABULAR_MULTI_CLASSIFICATION"
    if objective in ("lambdarank", "rank_xendcg"):
        return "TABULAR_RANKING"
    regression = ("regression", "regression_l1", "huber", "fair", "poisson", "quantile", "tweedie", "mape",
                  "gamma")
    return "TABULAR_REGRESSION" if objective in regression else "UNKNOWN"


# ---------------------------------------------------------------------------------------------
# Blobs and user files
# ---------------------------------------------------------------------------------------------


def pickle_dumps(obj: Any) -> bytes:
    """cloudpickle (what the client uses) when installed, else the standard pickle."""
    try:
        import cloudpickle
    except ImportError:
        import pickle

        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return bytes(cloudpickle.dumps(obj))


def _write_blobs(model: Any, name: str, handler: Handler,
                 files: dict[str, bytes]) -> tuple[dict[str, dict[str, Any]], tuple[str, ...], str]:
    """Write the model blob(s); return model.yaml `models`, the packages they need, the minimum version."""
    base = f"model/models/{name}"
    if handler.model_type == "xgboost":
        files[f"{base}/{handler.blob_name}"] = _xgboost_bytes(model)
    elif handler.model_type in ("sklearn", "lightgbm"):
        files[f"{base}/{handler.blob_name}"] = pickle_dumps(model)
    elif is_custom_model(model):
        artifacts = _write_artifacts(model.context.artifacts, base, files)
        metas = {name: _blob_meta(name, handler, artifacts)}
        packages, version = handler.packages, handler.min_version
        for sub_name, ref in (getattr(model.context, "model_refs", None) or {}).items():
            sub_handler = handler_for(ref.model)
            if sub_handler.model_type == "custom":
                kind = type(ref.model).__name__
                raise errors.not_supported(f"Sub-model {sub_name} of type {kind} in a custom model")
            sub_metas, sub_packages, sub_version = _write_blobs(ref.model, sub_name, sub_handler, files)
            metas.update(sub_metas)
            packages = (*packages, *(p for p in sub_packages if p not in packages))
            version = max(version, sub_version, key=lambda v: tuple(int(x) for x in v.split(".")))
        with _pickled_by_value(model):
            files[f"{base}/{handler.blob_name}"] = pickle_dumps((type(model), model.context))
        return metas, packages, version
    else:
        with _pickled_by_value(model):
            files[f"{base}/{handler.blob_name}"] = pickle_dumps(model)
    return {name: _blob_meta(name, handler, {})}, handler.packages, handler.min_version


def _blob_meta(name: str, handler: Handler, artifacts: dict[str, str]) -> dict[str, Any]:
    return {"artifacts": artifacts, "function_properties": {}, "handler_version": handler.handler_version,
            "model_type": handler.model_type, "name": name, "options": dict(handler.options),
            "path": handler.blob_name}


def _xgboost_bytes(model: Any) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.ubj")
        model.save_model(path)
        with open(path, "rb") as f:
            return f.read()


class _pickled_by_value:
    """Pickle the module that defines a user model by value, so loading does not need that module."""

    def __init__(self, model: Any) -> None:
        self.module = sys.modules.get(type(model).__module__)
        self.registered = False

    def __enter__(self) -> None:
        try:
            import cloudpickle
        except ImportError:
            return
        mod = self.module
        if mod is None or mod.__name__ in ("__main__", "builtins"):
            return
        if mod.__name__ not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(mod)
            self.registered = True

    def __exit__(self, *exc: object) -> None:
        if self.registered and self.module is not None:
            import cloudpickle

            cloudpickle.unregister_pickle_by_value(self.module)


def _write_artifacts(artifacts: Mapping[str, str], base: str, files: dict[str, bytes]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, path in artifacts.items():
        top = os.path.basename(os.path.normpath(path))
        for rel, blob in _read_tree(path):
            files[f"{base}/artifacts/{rel}"] = blob
        out[key] = f"artifacts/{top}"
    return out


def _read_tree(path: str) -> Iterator[tuple[str, bytes]]:
    """(relative posix path, bytes) of a file, or of every file under a directory, named from its basename."""
    top = os.path.basename(os.path.normpath(path))
    if os.path.isfile(path):
        with open(path, "rb") as f:
            yield top, f.read()
        return
    if not os.path.isdir(path):
        raise FileNotFoundError(f"{path} does not exist.")
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for fname in sorted(names):
            full = os.path.join(root, fname)
            rel = os.path.relpath(full, os.path.dirname(os.path.normpath(path)))
            with open(full, "rb") as f:
                yield rel.replace(os.sep, "/"), f.read()


def _add_user_files(files: dict[str, bytes], user_files: Mapping[str, list[str]] | None) -> list[str]:
    listed: list[str] = []
    for subdir, paths in (user_files or {}).items():
        sub = subdir.strip("/")
        for path in paths:
            for rel, blob in _read_tree(path):
                files[f"user_files/{sub}/{rel}"] = blob
            listed.append(f"{sub}/{os.path.basename(os.path.normpath(path))}")
    return listed


# ---------------------------------------------------------------------------------------------
# MANIFEST.yml and handler stubs
# ---------------------------------------------------------------------------------------------


def _manifest(sigs: Mapping[str, dict[str, Any]], partitioned: set[str], opts: Mapping[str, Any],
              env: EnvFiles, platforms: list[str], user_files: list[str],
              files: dict[str, bytes]) -> dict[str, Any]:
    methods = []
    for target, sig in sigs.items():
        entry, stub = _method(target, sig, target in partitioned, opts)
        files[f"functions/{target}.py"] = stub.encode("utf-8")
        methods.append(entry)
    names = [m["name"] for m in methods]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ValueError(f"Found duplicate method named resolved as {', '.join(dups)} in the model. "
                         "Set case_sensitive as True for those methods to distinguish them.")
    out: dict[str, Any] = {"manifest_version": "1.0", "methods": methods,
                           "runtimes": {"python_runtime": env.manifest_runtime}}
    if user_files:
        out["user_files"] = user_files
    if platforms:
        out["target_platforms"] = platforms
    return out


def _method(target: str, sig: Mapping[str, Any], partitioned: bool,
            opts: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    own = dict((opts.get("method_options") or {}).get(target) or {})
    case = bool(own.get("case_sensitive", opts.get("case_sensitive", False)))
    default_type = TABLE_FUNCTION if partitioned else "FUNCTION"
    kind = str(own.get("function_type", opts.get("function_type", default_type)))
    if kind not in ("FUNCTION", TABLE_FUNCTION):
        raise NotImplementedError(f"Function type {kind} is not supported.")
    try:
        sql_name = resolve_name(target, case_sensitive=case)
    except ValueError:
        raise ValueError(f"Your target method {target} cannot be resolved as valid SQL identifier. "
                         "Try specifying `case_sensitive` as True.") from None
    inputs = [_arg(f, case) for f in sig["inputs"]]
    _no_duplicates(inputs, target, "input feature")
    if len(inputs) > WIDE_INPUT_LIMIT:
        inputs = [{"name": "INPUT", "type": "OBJECT"}]
    outputs = [_arg(f, case) for f in sig["outputs"]] if kind == TABLE_FUNCTION else [{"type": "OBJECT"}]
    entry: dict[str, Any] = {"handler": f"functions.{target}.infer", "inputs": inputs, "name": sql_name,
                             "outputs": outputs, "runtime": "python_runtime", "type": kind}
    if sig.get("params"):
        entry["params"] = [{**_arg(p, case), "default": sql_literal(p.get("default_value"))}
                           for p in sig["params"]]
        _no_duplicates(entry["params"] + inputs, target, "parameter or input")
    volatility = own.get("volatility") or opts.get("volatility")
    if volatility:
        entry["volatility"] = str(getattr(volatility, "name", volatility)).upper()
    batch = own.get("max_batch_size", opts.get("max_batch_size"))
    return entry, handler_stub(target, kind, partitioned, batch)


def _arg(feature: Mapping[str, Any], case_sensitive: bool) -> dict[str, Any]:
    try:
        name = resolve_name(str(feature["name"]), case_sensitive=case_sensitive)
    except ValueError:
        raise ValueError(f"Your feature {feature['name']} cannot be resolved as valid SQL identifier. "
                         "Try specifying `case_sensitive` as True.") from None
    return {"name": name, "type": sql_type(feature)}


def _no_duplicates(args: list[dict[str, Any]], target: str, what: str) -> None:
    names = [a["name"] for a in args]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise ValueError(f"Found duplicate {what} named resolved as {', '.join(dups)} in the method "
                         f"{target}. "
                         "Set case_sensitive as True to distinguish names that differ only by case.")


def sql_literal(value: Any) -> str:
    """A parameter default as the SQL literal text the client writes into MANIFEST.yml."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "\\'") + "'"
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    if isinstance(value, datetime):
        return f"'{value.isoformat(sep=' ')}'::TIMESTAMP_NTZ"
    if hasattr(value, "isoformat"):
        return f"'{value.isoformat()}'::DATE"
    if isinstance(value, dict):
        inner = ", ".join(f"'{k}', {sql_literal(v)}" for k, v in value.items())
        return f"OBJECT_CONSTRUCT_KEEP_NULL({inner})"
    return str(value)


def handler_stub(target: str, kind: str, partitioned: bool, max_batch_size: Any) -> str:
    """functions/<method>.py: the UDF handler Snowflake would import (never run by snowreg itself)."""
    lines = [
        f'"""Snowflake UDF handler for model method {target!r} (type {kind}); entry point `infer`."""',
        "import os", "import sys", "", "import pandas as pd",
        "from _snowflake import vectorized", "from snowflake.ml.model._packager import model_packager", "",
        "_dir = os.path.join(sys._xoptions['snowflake_import_directory'], 'model')",
        "_pk = model_packager.ModelPackager(_dir)",
        "_pk.load(as_custom_model=True)",
        f"_sig = _pk.meta.signatures[{target!r}]",
        "_cols = [f.name for f in _sig.inputs]", "_types = {f.name: f.as_dtype() for f in _sig.inputs}",
        f"_method = getattr(_pk.model, {target!r})", "",
    ]
    call = "_method(df.set_axis(_cols, axis=1).astype(_types))"
    if kind == TABLE_FUNCTION:
        lines += ["", "class infer:", "    @vectorized(input=pd.DataFrame)",
                  "    def end_partition(self, df: pd.DataFrame) -> pd.DataFrame:" if partitioned
                  else "    def process(self, df: pd.DataFrame) -> pd.DataFrame:",
                  f"        return {call}", ""]
    else:
        lines += ["", f"@vectorized(input=pd.DataFrame, max_batch_size={max_batch_size!r})",
                  "def infer(df: pd.DataFrame) -> dict:",
                  f"    return {call}.replace({{float('nan'): None}}).to_dict('records')", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _resolved_model_name(model_name: str) -> str:
    """The stored model name, as the client writes it: the last part of a qualified name, unquoted.

    An unquoted name is kept as given, because callers (Registry.log_model) pass the resolved name.
    """
    buf, quoted = "", False
    for ch in model_name:
        if ch == '"':
            quoted = not quoted
        buf = "" if ch == "." and not quoted else buf + ch
    last = buf.strip()
    return resolve_name(last) if last.startswith('"') else last


def _plain(value: Any) -> Any:
    """Plain YAML-safe data: tuples to lists, enums to their names, numpy scalars to Python values."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    if hasattr(value, "name") and hasattr(value, "value") and not isinstance(value, str | int | float):
        return value.name
    return value


