"""Read a model version directory (MANIFEST.yml + model/model.yaml) into what the catalog stores."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from snowreg import errors

MANIFEST_PATH = "MANIFEST.yml"
MODEL_SPEC_PATH = "model/model.yaml"
FUNCTION = "FUNCTION"
TABLE_FUNCTION = "TABLE_FUNCTION"
BOTH_PLATFORMS = ("WAREHOUSE", "SNOWPARK_CONTAINER_SERVICES")

# Signature data type (model.yaml) -> the SQL type the client writes in MANIFEST.yml (Snowpark's own mapping).
SQL_TYPE_OF = {
    "INT8": "BYTEINT", "UINT8": "BYTEINT", "INT16": "SMALLINT", "UINT16": "SMALLINT",
    "INT32": "INT", "UINT32": "INT", "INT64": "BIGINT", "UINT64": "BIGINT",
    "FLOAT": "FLOAT", "DOUBLE": "DOUBLE", "BOOL": "BOOLEAN", "STRING": "STRING", "BYTES": "BINARY",
    "TIMESTAMP_NTZ": "TIMESTAMP", "OBJECT": "OBJECT",
}

_UNQUOTED_ANY_CASE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_UNQUOTED_UPPER = re.compile(r"[A-Z_][A-Z0-9_$]*")
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def resolve_name(name: str, *, case_sensitive: bool = False) -> str:
    """The stored (resolved) form of a method, feature or parameter name, as the client computes it.

    Case-insensitive names must be plain identifiers (upper-cased) or quoted ones (unquoted);
    case-sensitive names are kept exactly. Raises ValueError for a name SQL cannot express.
    """
    if case_sensitive:
        return name
    if _QUOTED.fullmatch(name):
        return name[1:-1].replace('""', '"')
    if _UNQUOTED_ANY_CASE.fullmatch(name):
        return name.upper()
    raise ValueError(
        f"{name} cannot be resolved as a valid SQL identifier. Try specifying `case_sensitive` as True."
    )


def sql_type(feature: Mapping[str, Any]) -> str:
    """The MANIFEST.yml SQL type of one model.yaml feature or parameter spec."""
    if "specs" in feature:
        return "ARRAY" if feature.get("shape") else "OBJECT"
    if feature.get("shape"):
        return "ARRAY"
    dtype = str(feature.get("type", feature.get("dtype", "")))
    return SQL_TYPE_OF.get(dtype, dtype)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """One SQL-callable method of a model version."""

    name: str
    target_method: str
    type: str
    inputs: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]
    params: tuple[tuple[str, str, str], ...] = ()
    is_partitioned: bool = False
    volatility: str = "IMMUTABLE"
    handler: str = ""

    @property
    def is_table_function(self) -> bool:
        return self.type == TABLE_FUNCTION


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """What CREATE MODEL / ADD VERSION learns from a version directory's MANIFEST.yml and model.yaml."""

    functions: tuple[FunctionSpec, ...]
    model_spec: str
    model_type: str
    task: str
    model_attributes: dict[str, Any]
    runnable_in: tuple[str, ...]
    user_data: dict[str, Any] = field(default_factory=dict)
    python_version: str = ""
    dependencies: str = ""
    language: str = "PYTHON"


def read_version(files: Mapping[str, bytes]) -> VersionSpec:
    """Parse a version directory; raise a SQL compilation error when MANIFEST.yml is missing or invalid."""
    manifest = _load_yaml(files, MANIFEST_PATH, required=True)
    if not isinstance(manifest, dict):
        raise _bad(f"{MANIFEST_PATH} must be a mapping, not {_kind(manifest)}.")
    spec_text = _text(files, MODEL_SPEC_PATH) if MODEL_SPEC_PATH in files else ""
    model_meta = _load_yaml(files, MODEL_SPEC_PATH, required=False) if spec_text else {}
    if not isinstance(model_meta, dict):
        raise _bad(f"{MODEL_SPEC_PATH} must be a mapping, not {_kind(model_meta)}.")
    runtimes = _mapping(manifest, "runtimes", required=True)
    methods = manifest.get("methods")
    if not isinstance(methods, list) or not methods:
        raise _bad(f"{MANIFEST_PATH} must list at least one entry under 'methods'.")
    model_type = str(model_meta.get("model_type") or "")
    functions = tuple(_function(m, i, runtimes, model_meta, model_type) for i, m in enumerate(methods))
    _check_unique(functions)
    _check_named_files(files, runtimes, functions, model_meta, bool(spec_text))
    task = str(model_meta.get("task") or "UNKNOWN")
    runtime = _first_runtime(runtimes, methods)
    return VersionSpec(
        functions=functions,
        model_spec=spec_text,
        model_type=model_type,
        task=task,
        model_attributes={"framework": model_type, "task": task},
        runnable_in=_platforms(manifest),
        user_data=_user_data(manifest),
        python_version=str(runtime.get("version") or ""),
        dependencies=_dependencies(files, runtime),
        language=str(runtime.get("language") or "PYTHON"),
    )


def _check_named_files(files: Mapping[str, bytes], runtimes: Mapping[str, Any], functions: tuple[FunctionSpec, ...],
                       model_meta: Mapping[str, Any], has_model_spec: bool) -> None:
    """Every file MANIFEST.yml and model/model.yaml name is in the folder, so that a version that was
    created can also be called: handler modules, runtime imports and dependency files, model blobs."""
    for fn in functions:
        module = fn.handler.rsplit(".", 1)[0].replace(".", "/") + ".py"
        _require(files, module, f"the handler of method {fn.name} ({fn.handler})")
    for name, runtime in runtimes.items():
        if not isinstance(runtime, dict):
            continue
        for path in runtime.get("imports") or []:
            _require(files, str(path), f"an import of runtime {name}")
        deps = runtime.get("dependencies")
        for kind, path in (deps.items() if isinstance(deps, dict) else ()):
            if isinstance(path, str) and path:
                _require(files, path, f"the {kind} dependencies of runtime {name}")
    imports_model = any(isinstance(r, dict) and any(str(p).startswith("model/") for p in r.get("imports") or [])
                        for r in runtimes.values())
    if imports_model and not has_model_spec:
        raise _bad(f"{MANIFEST_PATH} imports model/, but {MODEL_SPEC_PATH} is missing.")
    models = model_meta.get("models")
    for name, blob in (models.items() if isinstance(models, dict) else ()):
        if isinstance(blob, dict) and isinstance(blob.get("path"), str):
            _require(files, f"model/models/{name}/{blob['path']}", f"the file of model {name} in {MODEL_SPEC_PATH}")
    env = model_meta.get("env")
    for kind in ("conda", "pip"):
        path = env.get(kind) if isinstance(env, dict) else None
        if isinstance(path, str) and path:
            _require(files, f"model/{path}", f"the {kind} environment in {MODEL_SPEC_PATH}")


def _require(files: Mapping[str, bytes], path: str, what: str) -> None:
    """A file, or a directory (`path/`, or any path with files below it)."""
    path = path.lstrip("/")
    if path in files:
        return
    prefix = path if path.endswith("/") else path + "/"
    if not any(f.startswith(prefix) for f in files):
        raise _bad(f"{path} ({what}) is not in the version folder.")


def show_functions_row(fn: FunctionSpec, version_name: str) -> dict[str, Any]:
    """The SHOW FUNCTIONS IN MODEL values of one function (all columns but created_on)."""
    args = [f"{name} {typ}" for name, typ in fn.inputs]
    text = ", ".join(args)
    if fn.params:
        optional = ", ".join(f"{name} {typ}" for name, typ, _ in fn.params)
        text = f"{text} [, {optional}]" if text else f"[{optional}]"
    if fn.is_table_function:
        return_type = "TABLE (" + ", ".join(f"{name} {typ}" for name, typ in fn.outputs) + ")"
    else:
        return_type = "OBJECT"
    return {
        "name": fn.name,
        "version_name": version_name,
        "min_num_arguments": len(fn.inputs),
        "max_num_arguments": len(fn.inputs) + len(fn.params),
        "arguments": f"({text})",
        "return_type": return_type,
        "description": "user-defined function",
        "language": "PYTHON",
        "is_table_function": "TRUE" if fn.is_table_function else "FALSE",
    }


# ---------------------------------------------------------------------------------------------
# Parsing helpers
# ---------------------------------------------------------------------------------------------


def _bad(detail: str) -> errors.ProgrammingError:
    return errors.compilation_error(f"Invalid model version: {detail}")


def _kind(value: Any) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def _text(files: Mapping[str, bytes], path: str) -> str:
    try:
        return files[path].decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad(f"{path} is not UTF-8 text ({e.reason} at byte {e.start}).") from None


# YAML texts this process dumped (sha256 → the data, as JSON with sorted keys): log_model packages a
# version and COMMIT VERSION reads its MANIFEST.yml and model.yaml a moment later.
_WRITTEN: dict[str, bytes] = {}
_WRITTEN_LIMIT = 16
_written_lock = threading.Lock()


def written_yaml(text: bytes, data: Any) -> None:
    """`text` was dumped (keys sorted) from `data` by this process: reading it back may take a copy of
    `data` instead of parsing. Kept only for plain data (mappings with string keys, lists, strings,
    finite numbers, booleans, null), which YAML gives back exactly as it was dumped."""
    if not _plain(data):
        return
    try:
        kept = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits: YAML keeps it, JSON would not
        return
    key = hashlib.sha256(text).hexdigest()
    with _written_lock:
        _WRITTEN.pop(key, None)
        _WRITTEN[key] = kept
        while len(_WRITTEN) > _WRITTEN_LIMIT:
            del _WRITTEN[next(iter(_WRITTEN))]


def _plain(data: Any) -> bool:
    if data is None or isinstance(data, str | bool | int):
        return True
    if isinstance(data, float):
        return math.isfinite(data)
    if isinstance(data, list):
        return all(_plain(x) for x in data)
    if isinstance(data, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in data.items())
    return False


def _load_yaml(files: Mapping[str, bytes], path: str, *, required: bool) -> Any:
    import yaml

    if path in files:
        kept = _WRITTEN.get(hashlib.sha256(files[path]).hexdigest())
        if kept is not None:
            return orjson.loads(kept)
    if path not in files:
        if required:
            raise errors.compilation_error(
                f"Invalid model version: {path} is missing. A model version directory must contain "
                f"{MANIFEST_PATH} at its root (as written by snowflake-ml-python's log_model)."
            )
        return {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(_text(files, path), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise _bad(f"{path} is not valid YAML: {problem}{where}.") from None


def _mapping(parent: Mapping[str, Any], key: str, *, required: bool,
             where: str = MANIFEST_PATH) -> dict[str, Any]:
    value = parent.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict) or (required and not value):
        raise _bad(f"{where}: '{key}' must be a non-empty mapping.")
    return value


def _function(method: Any, index: int, runtimes: Mapping[str, Any], model_meta: Mapping[str, Any],
              model_type: str) -> FunctionSpec:
    where = f"{MANIFEST_PATH}: methods[{index}]"
    if not isinstance(method, dict):
        raise _bad(f"{where} must be a mapping.")
    name, kind, handler = (_required_str(method, k, where) for k in ("name", "type", "handler"))
    if kind not in (FUNCTION, TABLE_FUNCTION):
        raise _bad(f"{where} ({name}): type must be FUNCTION or TABLE_FUNCTION, not {kind!r}.")
    runtime = method.get("runtime")
    if runtime is not None and runtime not in runtimes:
        raise _bad(f"{where} ({name}): runtime {runtime!r} is not declared under 'runtimes'.")
    signatures = model_meta.get("signatures") or {}
    target = _target_method(name, handler, signatures)
    inputs = _fields(method.get("inputs"), f"{where} ({name}) inputs", named=True)
    if kind == TABLE_FUNCTION:
        outputs = _fields(method.get("outputs"), f"{where} ({name}) outputs", named=True)
    else:
        _fields(method.get("outputs"), f"{where} ({name}) outputs", named=False)
        outputs = _signature_outputs(signatures.get(target))
    return FunctionSpec(
        name=name,
        target_method=target,
        type=kind,
        inputs=inputs,
        outputs=outputs,
        params=_params(method.get("params"), f"{where} ({name}) params"),
        is_partitioned=_partitioned(model_meta, target, kind),
        volatility=str(method.get("volatility") or ("VOLATILE" if model_type == "custom" else "IMMUTABLE")),
        handler=handler,
    )


def _required_str(method: Mapping[str, Any], key: str, where: str) -> str:
    value = method.get(key)
    if not isinstance(value, str) or not value:
        raise _bad(f"{where}: '{key}' must be a non-empty string.")
    return value


def _fields(value: Any, where: str, *, named: bool) -> tuple[tuple[str, str], ...]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise _bad(f"{where} must be a list.")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise _bad(f"{where}[{i}] must be a mapping with a 'type'.")
        name = item.get("name")
        if named and (not isinstance(name, str) or not name):
            raise _bad(f"{where}[{i}] must have a 'name'.")
        out.append((str(name or ""), item["type"]))
    return tuple(out)


def _params(value: Any, where: str) -> tuple[tuple[str, str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad(f"{where} must be a list.")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("name", "type")):
            raise _bad(f"{where}[{i}] must be a mapping with a 'name' and a 'type'.")
        default = item.get("default")
        out.append((item["name"], item["type"], "NULL" if default is None else str(default)))
    return tuple(out)


def _target_method(name: str, handler: str, signatures: Mapping[str, Any]) -> str:
    """The Python method behind a SQL function: the client matches `"abc"` first, then `ABC`."""
    if name in signatures:
        return name
    for method in signatures:
        try:
            if resolve_name(str(method)) == name:
                return str(method)
        except ValueError:
            continue
    parts = handler.split(".")
    return parts[-2] if len(parts) >= 3 else name.lower()


def _signature_outputs(signature: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(signature, dict):
        return ()
    outputs = signature.get("outputs") or []
    return tuple((str(o.get("name", "")), sql_type(o)) for o in outputs if isinstance(o, dict))


def _partitioned(model_meta: Mapping[str, Any], target: str, kind: str) -> bool:
    """Whether a table method has an `end_partition` handler. The client's model composer writes a
    partitioned handler only when `function_properties` says PARTITIONED: true; without it a
    TABLE_FUNCTION gets a vectorised `process` handler (one output row per input row)."""
    if kind != TABLE_FUNCTION:
        return False
    props = (model_meta.get("function_properties") or {}).get(target) or {}
    return bool(props.get("PARTITIONED", props.get("partitioned", False)))


def _check_unique(functions: tuple[FunctionSpec, ...]) -> None:
    seen: set[str] = set()
    for fn in functions:
        if fn.name in seen:
            raise _bad(f"{MANIFEST_PATH} declares the method {fn.name} more than once.")
        seen.add(fn.name)


def _platforms(manifest: Mapping[str, Any]) -> tuple[str, ...]:
    value = manifest.get("target_platforms")
    if value is None or value == []:
        return BOTH_PLATFORMS
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(f"{MANIFEST_PATH}: 'target_platforms' must be a list of names.")
    return tuple(value)


def _user_data(manifest: Mapping[str, Any]) -> dict[str, Any]:
    value = manifest.get("user_data")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad(f"{MANIFEST_PATH}: 'user_data' must be a mapping.")
    return value


def _first_runtime(runtimes: Mapping[str, Any], methods: list[Any]) -> Mapping[str, Any]:
    wanted = next((m.get("runtime") for m in methods if isinstance(m, dict) and m.get("runtime")), None)
    runtime = runtimes.get(wanted) if wanted else next(iter(runtimes.values()))
    return runtime if isinstance(runtime, dict) else {}


def _dependencies(files: Mapping[str, bytes], runtime: Mapping[str, Any]) -> str:
    """The runtime's package requirements as a JSON array (conda dependencies first, then pip)."""
    deps = runtime.get("dependencies") or {}
    found: list[str] = []
    conda = files.get(str(deps.get("conda") or ""))
    if conda is not None:
        found += _conda_packages(conda)
    pip = files.get(str(deps.get("pip") or ""))
    if pip is not None:
        found += [ln.strip() for ln in pip.decode("utf-8", "replace").splitlines() if ln.strip()]
    return json.dumps(found)


def _conda_packages(blob: bytes) -> list[str]:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        env = yaml.load(blob.decode("utf-8", "replace"), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return []
    deps = env.get("dependencies") if isinstance(env, dict) else None
    return [d for d in deps or [] if isinstance(d, str) and not d.startswith("python==")]
