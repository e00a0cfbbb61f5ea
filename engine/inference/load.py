"""Load the model stored in a version's files and run its methods on whole batches."""

from __future__ import annotations

import importlib.util
import inspect
import os
import pickle
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from snowreg import errors

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MODEL_SPEC_PATH = "model/model.yaml"
_NUMERIC_KINDS = frozenset("biuf")
_NAMES_WARNING = "X does not have valid feature names"


@dataclass(frozen=True, slots=True)
class MethodSignature:
    """Names a method's inputs, outputs and parameters take, from model.yaml."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    params: tuple[tuple[str, Any], ...] = ()


class LoadedModel:
    """A model ready to call: `call` takes and returns DataFrames, `call_numpy` lists of column arrays."""

    def __init__(self, model: Any, model_type: str, signatures: Mapping[str, MethodSignature],
                 workdir: Any = None) -> None:
        self.model = model
        self.model_type = model_type
        self.signatures = dict(signatures)
        self._workdir = workdir  # keeps a real custom model's artifact files alive as long as the model
        self._numpy_mode = _numpy_mode(model, model_type, signatures)

    @property
    def methods(self) -> list[str]:
        return list(self.signatures)

    def numpy_ready(self, target_method: str) -> bool:
        """Whether `call_numpy` hands the model a plain 2-D array (no DataFrame is built)."""
        return self._numpy_mode is not None and target_method in self.signatures and _has_attr(self.model, target_method)

    def call(self, target_method: str, inputs: pd.DataFrame,
             params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run one method on a batch; columns are taken by position and named as the signature's inputs."""
        sig = self._signature(target_method)
        if len(inputs.columns) != len(sig.inputs):
            raise ValueError(f"Method {target_method} takes {len(sig.inputs)} inputs "
                             f"{list(sig.inputs)}, got {len(inputs.columns)}.")
        frame = inputs.set_axis(list(sig.inputs), axis=1)
        result = self._invoke(target_method, sig, frame, params)
        return _as_frame(result, sig.outputs)

    def call_numpy(self, target_method: str, columns: Sequence[np.ndarray],
                   params: Mapping[str, Any] | None = None) -> list[np.ndarray]:
        """Like `call`, but column arrays in and out; skips pandas when the model takes a plain array."""
        import numpy as np

        sig = self._signature(target_method)
        if len(columns) != len(sig.inputs):
            raise ValueError(f"Method {target_method} takes {len(sig.inputs)} inputs, got {len(columns)}.")
        numeric = all(c.dtype.kind in _NUMERIC_KINDS for c in columns)
        if self._numpy_mode is not None and not params and numeric:
            # One Fortran-ordered matrix filled column by column: a single copy of each input.
            matrix = np.empty((len(columns[0]) if columns else 0, len(columns)),
                              dtype=np.result_type(*columns) if columns else float, order="F")
            for j, column in enumerate(columns):
                matrix[:, j] = column
            return self.call_matrix(target_method, matrix)
        import pandas as pd

        frame = pd.DataFrame(dict(zip(sig.inputs, columns, strict=True)), copy=False)
        out = self.call(target_method, frame, params)
        return [out[c].to_numpy() for c in out.columns]

    def call_matrix(self, target_method: str, matrix: np.ndarray) -> list[np.ndarray]:
        """A `numpy_ready` method on one numeric 2-D array whose columns are the signature's inputs."""
        sig = self._signature(target_method)
        if self._numpy_mode is None or matrix.ndim != 2 or matrix.shape[1] != len(sig.inputs):
            raise ValueError(f"Method {target_method} takes {len(sig.inputs)} inputs as a plain matrix.")
        with warnings.catch_warnings():
            if self._numpy_mode == "quiet":
                warnings.filterwarnings("ignore", message=_NAMES_WARNING)
            result = getattr(self.model, target_method)(matrix)
        return _as_arrays(result, sig.outputs)

    def _signature(self, target_method: str) -> MethodSignature:
        sig = self.signatures.get(target_method)
        if sig is None:
            raise ValueError(f"The model has no method {target_method!r}; it has {self.methods}.")
        return sig

    def _invoke(self, target_method: str, sig: MethodSignature, frame: pd.DataFrame,
                params: Mapping[str, Any] | None) -> Any:
        method = getattr(self.model, target_method, None)
        if method is None:  # (a client-added method of a version loaded without snowflake-ml-python)
            raise _unavailable(f"the method {target_method!r} exists only in snowflake-ml-python's wrapper of "
                               "this model; install snowflake-ml-python (and shap for EXPLAIN) to run it.")
        kwargs = {k: v for k, v in sig.params}
        unknown = set(params or {}) - set(kwargs)
        if unknown:
            raise ValueError(f"Method {target_method} has no parameter {sorted(unknown)}; "
                             f"it has {list(kwargs)}.")
        kwargs.update({k: v for k, v in (params or {}).items() if v is not None})
        if inspect.iscoroutinefunction(method):
            import asyncio

            return asyncio.run(method(frame, **kwargs))
        return method(frame, **kwargs)


def load_model(files: Mapping[str, bytes]) -> LoadedModel:
    """Unpickle the model of a version directory written by snowreg or by snowflake-ml-python."""
    meta = _model_meta(files)
    name = str(meta.get("name") or "")
    blob_meta = (meta.get("models") or {}).get(name)
    if not isinstance(blob_meta, dict):
        raise _broken(f"{MODEL_SPEC_PATH} has no entry for model {name!r} under 'models'.")
    model_type = str(blob_meta.get("model_type") or meta.get("model_type") or "")
    signatures = _signatures(meta)
    if model_type in ("sklearn", "lightgbm", "xgboost"):
        blob = _blob(files, name, blob_meta)
        model = _load_xgboost(blob, blob_meta) if model_type == "xgboost" else _unpickle(blob, model_type)
        if all(_has_attr(model, method) for method in signatures) or not _client_installed():
            return LoadedModel(model, model_type, signatures)
        # A method the client adds around the estimator (`explain`, logged with enable_explainability):
        # only the client's own wrapper of the version has it.
    if model_type == "custom":
        obj = _unpickle(_blob(files, name, blob_meta), model_type)
        if not _is_custom_model_pair(obj):
            return LoadedModel(obj, model_type, signatures)
    return _load_with_client(files, model_type, signatures)


# ---------------------------------------------------------------------------------------------
# Reading the version directory (bytes only: nothing outside `files` is ever opened)
# ---------------------------------------------------------------------------------------------


def _broken(detail: str) -> errors.ProgrammingError:
    return errors.compilation_error(f"Cannot load the model of this version: {detail}")


def _unavailable(detail: str) -> errors.NotSupportedError:
    return errors.NotSupportedError(f"Cannot run this model in snowreg: {detail}", 2, "0A000")


def _model_meta(files: Mapping[str, bytes]) -> dict[str, Any]:
    import yaml

    blob = files.get(MODEL_SPEC_PATH)
    if blob is None:
        raise _broken(f"{MODEL_SPEC_PATH} is missing.")
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        meta = yaml.load(blob.decode("utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise _broken(f"{MODEL_SPEC_PATH} is not valid YAML ({e}).") from None
    if not isinstance(meta, dict):
        raise _broken(f"{MODEL_SPEC_PATH} is not a mapping.")
    return meta


def _signatures(meta: Mapping[str, Any]) -> dict[str, MethodSignature]:
    out = {}
    for method, sig in (meta.get("signatures") or {}).items():
        sig = sig or {}
        inputs = tuple(str(f.get("name")) for f in sig.get("inputs") or [])
        outputs = tuple(str(f.get("name")) for f in sig.get("outputs") or [])
        params = tuple((str(p.get("name")), p.get("default_value")) for p in sig.get("params") or [])
        out[str(method)] = MethodSignature(inputs, outputs, params)
    return out


def _blob(files: Mapping[str, bytes], name: str, blob_meta: Mapping[str, Any]) -> bytes:
    path = f"model/models/{name}/{blob_meta.get('path') or 'model.pkl'}"
    blob = files.get(path)
    if blob is None:
        raise _broken(f"the model blob {path} is missing.")
    return blob


def _unpickle(blob: bytes, model_type: str) -> Any:
    try:
        return pickle.loads(blob)  # noqa: S301 - bytes the registry itself stored for this version
    except ModuleNotFoundError as e:
        if (e.name or "").startswith("snowflake"):
            raise _unavailable("it is a snowflake-ml-python CustomModel; install snowflake-ml-python "
                               "(and what the model needs) to run it.") from None
        raise _unavailable(f"the {model_type} model needs the Python package {e.name!r}, "
                           "which is not installed.") from None


def _load_xgboost(blob: bytes, blob_meta: Mapping[str, Any]) -> Any:
    try:
        import xgboost
    except ImportError:
        raise _unavailable("the model is an xgboost model and xgboost is not installed.") from None
    kind = str((blob_meta.get("options") or {}).get("xgb_estimator_type") or "XGBModel")
    cls = getattr(xgboost, kind, None)
    if cls is None:
        raise _broken(f"unknown xgboost estimator type {kind!r}.")
    model = cls()
    model.load_model(bytearray(blob))
    return _NativeXGBoost(model) if isinstance(model, xgboost.Booster) else model


class _NativeXGBoost:
    """A native-API `xgboost.Booster` (`xgboost.train(...)`), whose methods take a DMatrix: each call
    wraps the batch in one, as snowflake-ml-python's handler does, so the logged Booster's `predict`
    answers on the named input columns."""

    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.booster, name)
        if not callable(method):
            return method

        def call(frame: Any, **kwargs: Any) -> Any:
            import xgboost

            return method(xgboost.DMatrix(frame), **kwargs)

        return call


def _is_custom_model_pair(obj: Any) -> bool:
    """The client stores a CustomModel as (class, ModelContext), not as an instance."""
    return (isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], type)
            and hasattr(obj[0], "_get_infer_methods"))


def _client_installed() -> bool:
    try:
        return importlib.util.find_spec("snowflake.ml") is not None
    except ModuleNotFoundError:  # no `snowflake` package at all
        return False


def _load_with_client(files: Mapping[str, bytes], model_type: str,
                      signatures: Mapping[str, MethodSignature]) -> LoadedModel:
    """Models only snowflake-ml-python can rebuild (CustomModel with artifacts, other frameworks)."""
    try:
        from snowflake.ml.model._packager import model_packager
    except ImportError:
        raise _unavailable(f"model type {model_type!r} needs snowflake-ml-python, which is not "
                           "installed.") from None
    workdir = tempfile.TemporaryDirectory(prefix="snowreg-model-")
    root = os.path.realpath(workdir.name)
    for path, blob in files.items():
        if not path.startswith("model/"):
            continue
        target = os.path.realpath(os.path.join(root, path))
        if not target.startswith(root + os.sep):
            raise _broken(f"file path {path!r} escapes the version directory.")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(blob)
    packager = model_packager.ModelPackager(os.path.join(root, "model"))
    packager.load(as_custom_model=True)
    return LoadedModel(packager.model, model_type, signatures, workdir)


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


def _as_frame(result: Any, outputs: Sequence[str]) -> pd.DataFrame:
    """A method's result as a DataFrame: unnamed (integer) columns take the signature's output names."""
    import numpy as np
    import pandas as pd

    if isinstance(result, pd.Series):
        result = result.to_frame()
    elif isinstance(result, list):
        result = np.asarray(result)
    if isinstance(result, np.ndarray):
        if result.ndim == 1:
            result = result.reshape(-1, 1)
        if result.ndim != 2:
            raise errors.not_supported(f"A model output of {result.ndim} dimensions")
        result = pd.DataFrame(result, copy=False)
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"The model returned {type(result).__name__}; expected a DataFrame, Series or array.")
    if result.columns.dtype in (np.int64, np.uint64, np.float64):
        if len(result.columns) != len(outputs):
            raise ValueError("Data does not have the same number of features as signature. Signature "
                             f"requires {len(outputs)} features, but have {len(result.columns)} in the "
                             "output.")
        result = result.set_axis(list(outputs), axis=1)
    if not isinstance(result.index, pd.RangeIndex) or result.index.start != 0:
        result = result.reset_index(drop=True)
    return result


def _as_arrays(result: Any, outputs: Sequence[str]) -> list[np.ndarray]:
    import numpy as np

    if not isinstance(result, np.ndarray):
        frame = _as_frame(result, outputs)
        return [frame[c].to_numpy() for c in frame.columns]
    if result.ndim == 1:
        arrays = [result]
    elif result.ndim == 2:
        arrays = [result[:, i] for i in range(result.shape[1])]
    else:
        raise errors.not_supported(f"A model output of {result.ndim} dimensions")
    if len(arrays) != len(outputs):
        raise ValueError("Data does not have the same number of features as signature. Signature requires "
                         f"{len(outputs)} features, but have {len(arrays)} in the output.")
    return arrays


def _numpy_mode(model: Any, model_type: str, signatures: Mapping[str, MethodSignature]) -> str | None:
    """'plain' or 'quiet' when the model gives the same answer for a 2-D array as for the named DataFrame.

    Fitted on arrays ('plain'), or a single estimator fitted on exactly the signature's column names
    ('quiet': the positional array is the same data; only the feature-name warning must be hushed).
    """
    if (model_type not in ("sklearn", "xgboost", "lightgbm") or hasattr(type(model), "_get_infer_methods")
            or isinstance(model, _NativeXGBoost)):
        return None  # (the client's CustomModel wrapper takes DataFrames only; a DMatrix keeps the names)
    names = getattr(model, "feature_names_in_", None) if _has_attr(model, "feature_names_in_") else None
    if names is None:
        return "plain"
    if model_type == "sklearn" and _has_sub_estimators(model):
        return None
    expected = {sig.inputs for sig in signatures.values()}
    return "quiet" if expected == {tuple(str(n) for n in names)} else None


def _has_attr(obj: Any, name: str) -> bool:
    try:
        return getattr(obj, name, None) is not None
    except Exception:  # fitted-attribute properties may raise anything when absent
        return False


def _has_sub_estimators(model: Any) -> bool:
    """Meta-estimators (Pipeline, ColumnTransformer, ensembles of pipelines) may select columns by name."""
    try:
        values = list(model.get_params(deep=False).values())
    except Exception:
        return True
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            target = item[-1] if isinstance(item, tuple) and item else item
            if hasattr(target, "fit") and hasattr(target, "get_params"):
                return True
    return False
