"""Infer model signatures (feature names and types) from sample data, the way snowflake-ml-python does."""

from __future__ import annotations

import datetime
import inspect
import json
import math
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from snowreg import errors

_INTS = {1: "INT8", 2: "INT16", 4: "INT32", 8: "INT64"}
_UINTS = {1: "UINT8", 2: "UINT16", 4: "UINT32", 8: "UINT64"}
_FLOATS = {4: "FLOAT", 8: "DOUBLE"}
_PY_TYPES: dict[Any, str] = {int: "INT64", float: "DOUBLE", str: "STRING", bool: "BOOL", bytes: "BYTES",
                             datetime.datetime: "TIMESTAMP_NTZ"}


def dtype_name(dtype: Any) -> str:
    """The signature data type (DOUBLE, INT64, STRING, ...) of a numpy or pandas dtype."""
    import numpy as np
    import pandas as pd

    if isinstance(dtype, pd.StringDtype):
        return "STRING"
    if isinstance(dtype, pd.BooleanDtype):
        return "BOOL"
    if isinstance(dtype, pd.DatetimeTZDtype):
        return "TIMESTAMP_NTZ"
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        dtype = getattr(dtype, "numpy_dtype", None)
        if dtype is None:
            raise errors.not_supported(f"A column of pandas type {dtype} in a model signature")
    np_dtype = np.dtype(dtype)
    kind, size = np_dtype.kind, np_dtype.itemsize
    found = {"b": "BOOL", "U": "STRING", "S": "BYTES", "M": "TIMESTAMP_NTZ", "O": "OBJECT"}.get(kind)
    found = found or {"i": _INTS, "u": _UINTS, "f": _FLOATS}.get(kind, {}).get(size)
    if found is None:
        raise NotImplementedError(f"Type {np_dtype} is not supported as a DataType.")
    return found


def infer_features(data: Any, role: str) -> list[dict[str, Any]]:
    """Feature specs ({name, nullable, type[, shape]}) of model input or output data.

    numpy arrays give `<role>_feature_<i>` (not nullable); DataFrames keep their column names unless the
    columns are integer labels, which become `<role>_feature_<label>` (nullable).
    """
    import numpy as np
    import pandas as pd

    if isinstance(data, pd.Series):
        data = data.to_frame()
    if isinstance(data, list | tuple):
        if data and all(isinstance(x, np.ndarray) for x in data):
            raise errors.not_supported("A model method returning a list of arrays (multi-output estimators)")
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        return _numpy_features(data, role)
    if isinstance(data, pd.DataFrame):
        return _frame_features(data, role)
    raise errors.not_supported(f"Model {role} data of type {type(data).__name__} (use a pandas DataFrame or "
                               "numpy array)")


def _numpy_features(arr: Any, role: str) -> list[dict[str, Any]]:
    import pandas as pd

    if arr.shape == () or arr.size == 0:
        raise ValueError("Data Validation Error: Empty or scalar data is found.")
    if arr.dtype == object:
        return _frame_features(pd.DataFrame(arr if arr.ndim > 1 else arr.reshape(-1, 1)), role)
    dtype = dtype_name(arr.dtype)
    prefix = f"{role}_feature_"
    if arr.ndim == 1:
        return [{"name": f"{prefix}0", "nullable": False, "type": dtype}]
    shape = list(arr.shape[2:])
    out = []
    for i in range(arr.shape[1]):
        spec: dict[str, Any] = {"name": f"{prefix}{i}", "nullable": False, "type": dtype}
        if shape:
            spec["shape"] = shape
        out.append(spec)
    return out


def _frame_features(df: Any, role: str) -> list[dict[str, Any]]:
    import numpy as np

    if df.columns.has_duplicates:
        raise ValueError("Data Validation Error: Duplicate column index is found.")
    numbered = df.columns.dtype in (np.int64, np.uint64, np.float64)
    out = []
    for label in df.columns:
        name = f"{role}_feature_{label}" if numbered else str(label)
        out.append(_column_feature(df[label], name))
    return out


def _column_feature(col: Any, name: str) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    nulls = col.isnull()
    if nulls.all():
        raise ValueError(f"Data Validation Error: There is no non-null data in column {name} so the "
                         "signature cannot be inferred.")
    values = col[~nulls] if nulls.any() else col
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = dtype.categories
        if cats.dtype == object or isinstance(cats.dtype, pd.StringDtype):
            first = cats[0]
            kind = "STRING" if isinstance(first, str) else "BYTES" if isinstance(first, bytes) else None
            if kind is None:
                raise errors.not_supported(f"Categories of type {type(first).__name__} in column {name}")
            return {"name": name, "nullable": True, "type": kind}
        return {"name": name, "nullable": True, "type": dtype_name(cats.dtype)}
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        return _object_feature(values.iloc[0], values, name)
    if isinstance(dtype, np.dtype) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return {"name": name, "nullable": True, "type": dtype_name(dtype)}
    raise errors.not_supported(f"Column {name} of type {dtype}")


def _object_feature(first: Any, values: Any, name: str) -> dict[str, Any]:
    import numpy as np

    if isinstance(first, str):
        return {"name": name, "nullable": True, "type": "STRING"}
    if isinstance(first, bytes):
        return {"name": name, "nullable": True, "type": "BYTES"}
    if isinstance(first, bool | np.bool_):
        return {"name": name, "nullable": True, "type": "BOOL"}
    if isinstance(first, np.ndarray | list):
        arrays = [np.asarray(v) for v in values]
        shape = list(arrays[0].shape)
        if any(list(a.shape) != shape for a in arrays):
            shape = [-1]
        return {"name": name, "nullable": True, "shape": shape, "type": dtype_name(arrays[0].dtype)}
    kind = type(first).__name__
    raise errors.not_supported(f"Column {name} holding Python {kind} objects in a model signature")


def param_specs(fn: Callable[..., Any]) -> list[dict[str, Any]]:
    """Inference parameters of a method: its keyword-only arguments with defaults, as model.yaml specs."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    try:
        hints = typing.get_type_hints(fn)
    except Exception:
        hints = {}
    out = []
    for p in sig.parameters.values():
        if p.kind is not inspect.Parameter.KEYWORD_ONLY or p.default is inspect.Parameter.empty:
            continue
        annotation = hints.get(p.name, p.annotation)
        dtype, shape = _python_type(annotation, p.default)
        spec: dict[str, Any] = {"default_value": _plain_default(p.default), "dtype": dtype, "name": p.name}
        if shape:
            spec["shape"] = shape
        out.append(spec)
    return out


def _python_type(annotation: Any, default: Any) -> tuple[str, list[int]]:
    if annotation is inspect.Parameter.empty:
        annotation = type(default)
    shape: list[int] = []
    while typing.get_origin(annotation) is list:
        args = typing.get_args(annotation)
        if not args:
            raise ValueError("Bare 'list' type is not supported. Please specify the element type, "
                             "e.g., list[str].")
        shape.append(-1)
        annotation = args[0]
    if annotation not in _PY_TYPES:
        raise NotImplementedError(f"Python type {annotation} is not supported as a DataType.")
    return _PY_TYPES[annotation], shape


def _plain_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain_default(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# model/sample_input_data.json
# ---------------------------------------------------------------------------------------------


def sample_input_json(df: Any, sigs: Mapping[str, Mapping[str, Any]]) -> tuple[str, list[str]] | None:
    """The captured sample row (`dataframe_split` JSON) and the methods whose inputs it matches, if any."""
    if df is None or len(df) == 0:
        return None
    df = df.reset_index(drop=True)
    columns = {str(c) for c in df.columns}
    reference: tuple[str, list[str]] | None = None
    for method, sig in sigs.items():
        names = [str(f.get("name")) for f in sig.get("inputs", [])]
        if len(names) != len(df.columns):
            continue
        if set(names) == columns:
            reference = (method, names)
            break
        reference = reference or (method, names)
    if reference is None:
        return None
    method, names = reference
    row = df.iloc[int(df.isna().sum(axis=1).idxmin())].tolist()
    data = [[_json(v) for v in row]]
    payload: dict[str, Any] = {"dataframe_split": {"index": [0], "columns": names, "data": data}}
    params = {p["name"]: _json(p.get("default_value")) for p in sigs[method].get("params") or []}
    if params:
        payload["params"] = params
    wanted = sorted(names)
    matching = [m for m, sig in sigs.items() if _input_names(sig) == wanted]
    return json.dumps(payload), matching


def _input_names(sig: Mapping[str, Any]) -> list[str]:
    return sorted(str(f.get("name")) for f in sig.get("inputs", []))


def _json(value: Any) -> Any:
    import numpy as np
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return _json(value.item())
    if isinstance(value, np.ndarray):
        return [_json(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_json(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().isoformat(sep=" ")
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, str) and len(value) > 1000:
        return value[:1000] + "... (truncated)"
    if value is pd.NA:
        return None
    return value
