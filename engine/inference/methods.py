"""Running a model method on whole batches: argument columns in, typed output columns out.

Arguments arrive as Arrow columns (inputs in signature order, then parameters); the model sees numpy
columns (or a DataFrame when it needs names), and its outputs go back as Arrow arrays, one per
signature output. Every exception raised by model code becomes Snowflake's Python UDF error.
"""

from __future__ import annotations

import math
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import orjson

from snowreg import errors
from snowreg.catalog.manifest import FunctionSpec, resolve_name
from snowreg.engine.inference.load import LoadedModel

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

Column: TypeAlias = Any  # a pyarrow Array or ChunkedArray (pyarrow ships no type hints)

# MANIFEST.yml argument types → the DuckDB type an argument is cast to before the model sees it.
DUCK_TYPES = {
    "BYTEINT": "TINYINT", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT", "INT": "INTEGER", "INTEGER": "INTEGER",
    "BIGINT": "BIGINT", "NUMBER": "DOUBLE", "DECIMAL": "DOUBLE", "FLOAT": "FLOAT", "FLOAT4": "FLOAT",
    "DOUBLE": "DOUBLE", "REAL": "DOUBLE", "FLOAT8": "DOUBLE", "BOOLEAN": "BOOLEAN", "STRING": "VARCHAR",
    "VARCHAR": "VARCHAR", "TEXT": "VARCHAR", "BINARY": "BLOB", "TIMESTAMP": "TIMESTAMP",
    "TIMESTAMP_NTZ": "TIMESTAMP", "DATE": "DATE", "OBJECT": "JSON", "ARRAY": "JSON", "VARIANT": "JSON",
}


def duck_type(sql_type: str) -> str:
    """The DuckDB type of a manifest SQL type (unknown types are passed as VARCHAR)."""
    base = sql_type.upper().split("(")[0].strip()
    return DUCK_TYPES.get(base, "VARCHAR")


@dataclass(frozen=True)
class Method:
    """One SQL-callable method bound to its loaded model."""

    sql_name: str  # PREDICT, or predict when quoted: names errors
    fn: FunctionSpec
    loaded: LoadedModel

    @property
    def target(self) -> str:
        return self.fn.target_method

    @property
    def wide(self) -> bool:
        """All inputs travel in one OBJECT argument (more than 500 features, docs/SNOWFLAKE.md#s5-2)."""
        sig = self.loaded.signatures.get(self.target)
        return (len(self.fn.inputs) == 1 and self.fn.inputs[0][1].upper() == "OBJECT"
                and sig is not None and len(sig.inputs) != 1)

    @property
    def output_names(self) -> tuple[str, ...]:
        """The OBJECT keys (scalar methods) or column names (table methods), as the signature spells them."""
        if self.fn.outputs:
            return tuple(name for name, _ in self.fn.outputs)
        sig = self.loaded.signatures.get(self.target)
        return sig.outputs if sig is not None else ()


# ---------------------------------------------------------------------------------------------
# Scalar methods
# ---------------------------------------------------------------------------------------------


def run_scalar(method: Method, columns: Sequence[Column]) -> list[pa.Array]:
    """Outputs (one Arrow array per output name) of a scalar method over argument columns."""
    n_in = len(method.fn.inputs)
    rows = len(columns[0]) if columns else 0
    inputs, params = list(columns[:n_in]), list(columns[n_in:])
    if method.wide:
        frame, wide_params = _unpack_wide(method, inputs[0])
        groups = _param_groups(method, params, rows, wide_params)
        return _run_groups(method, groups, rows, lambda take: _frame_columns(frame, take))
    matrix = None if params else input_matrix(method, inputs)
    if matrix is not None:
        return run_matrix(method, matrix)
    arrays = [to_numpy(c) for c in inputs]
    groups = _param_groups(method, params, rows, None)
    return _run_groups(method, groups, rows, lambda take: [a if take is None else a[take] for a in arrays])


def _run_groups(method: Method, groups: list[tuple[dict[str, Any], Any]], rows: int,
                columns_of: Callable[[Any], list[np.ndarray]]) -> list[pa.Array]:
    """One model call per distinct parameter tuple (one call in the usual case of literal parameters)."""
    import pyarrow as pa
    if len(groups) == 1 and groups[0][1] is None:
        return _call(method, _numpy_call(method, columns_of(None), groups[0][0]), rows)
    import numpy as np

    pieces = [(take, _call(method, _numpy_call(method, columns_of(take), params), len(take)))
              for params, take in groups]
    order = np.argsort(np.concatenate([take for take, _ in pieces]), kind="stable")
    width = len(pieces[0][1])
    return [pa.concat_arrays([p[1][i] for p in pieces]).take(pa.array(order)) for i in range(width)]


def run_matrix(method: Method, matrix: np.ndarray) -> list[pa.Array]:
    """Outputs of a scalar method over its inputs as one matrix (`fill_matrix`), as `run_scalar` calls it."""
    return _call(method, lambda: method.loaded.call_matrix(method.target, matrix), len(matrix))


def matrix_ready(method: Method, n_args: int) -> bool:
    """Whether a call with `n_args` arguments hands the model its inputs as one matrix when they are
    numbers without NULLs (`fill_matrix`): the model takes a plain array, and no parameter is passed.
    Asked on the statement's thread: it reads the model's attributes. The fill itself runs no model
    code, so it may run on the thread that reads the arguments (fast.py)."""
    return not method.wide and n_args == len(method.fn.inputs) and method.loaded.numpy_ready(method.target)


def input_matrix(method: Method, inputs: Sequence[Column]) -> np.ndarray | None:
    """The input columns as the one Fortran-ordered matrix the model is called with, when the model
    takes a plain array and every input is a number column without NULLs; None otherwise."""
    if not inputs or not method.loaded.numpy_ready(method.target):
        return None
    return fill_matrix(inputs)


def fill_matrix(inputs: Sequence[Column], memory: Matrices | None = None) -> np.ndarray | None:
    """Number columns without NULLs as one Fortran-ordered matrix, filled straight from the Arrow chunks
    (one copy of each value), in `memory` when given; None when a column holds NULLs or no numbers."""
    import numpy as np
    import pyarrow as pa

    if not inputs or any(c.null_count or not (pa.types.is_integer(c.type) or pa.types.is_floating(c.type))
                         for c in inputs):
        return None
    dtype = np.result_type(*(c.type.to_pandas_dtype() for c in inputs))
    shape = (len(inputs[0]), len(inputs))
    matrix = np.empty(shape, dtype=dtype, order="F") if memory is None or not shape[0] else memory.matrix(shape, dtype)
    for j, col in enumerate(inputs):
        at = 0
        for chunk in col.chunks if isinstance(col, pa.ChunkedArray) else [col]:
            matrix[at:at + len(chunk), j] = chunk.to_numpy()
            at += len(chunk)
    return matrix


class Matrices:
    """Memory for the fast path's input matrices, used again for a later batch (of any statement) once
    nothing refers to a batch's matrix any more: a new matrix per batch pays the first touch of each of
    its pages (a page fault per 4 KiB, in this VM costing more than the copy into it), and freed memory
    goes back to the system between statements. Each matrix hands the model a view of its buffer
    through its own owner object (`_Lease`), which every view of it, and any Arrow array made from one,
    keeps alive: the buffer returns only when the last of them is gone, so a matrix the model keeps, or
    an output that shares its memory, is never written over. At most `KEEP` buffers wait (one batch's
    matrix is at most 3.5 MB: fast.py `CALL_VALUES`). Thread-safe (deque's append and pop): filled on the reading
    thread, released on the statement's, shared by concurrent statements."""

    KEEP = 4

    def __init__(self) -> None:
        import collections

        self.free: collections.deque[np.ndarray] = collections.deque(maxlen=self.KEEP)

    def matrix(self, shape: tuple[int, int], dtype: np.dtype[Any]) -> np.ndarray:
        """An uninitialised Fortran-ordered matrix of `shape`."""
        import numpy as np

        size = shape[0] * shape[1]
        try:
            raw = self.free.pop()  # atomic: another thread may release one meanwhile
        except IndexError:
            raw = None
        if raw is None or raw.dtype != dtype or raw.size < size:
            raw = np.empty(size, dtype=dtype)
        return np.asarray(_Lease(raw, shape, self.free))


SHARED = Matrices()


class _Lease:
    """The owner of one matrix handed out by `Matrices`: it gives the buffer back when it goes."""

    __slots__ = ("__array_interface__", "free", "raw")

    def __init__(self, raw: np.ndarray, shape: tuple[int, int], free: Any) -> None:
        self.raw, self.free = raw, free
        self.__array_interface__ = {"shape": shape, "typestr": raw.dtype.str, "data": (raw.ctypes.data, False),
                                    "strides": (raw.itemsize, raw.itemsize * shape[0]), "version": 3}

    def __del__(self) -> None:
        self.free.append(self.raw)


def _call(method: Method, run: Callable[[], list[np.ndarray]], rows: int) -> list[pa.Array]:
    try:
        outputs = run()
    except errors.Error:
        raise
    except Exception as e:  # model code: Snowflake reports it as a failing Python UDF
        raise udf_error(method, e) from None
    names = method.output_names
    if len(outputs) != len(names) and names:
        raise udf_error(method, ValueError(
            f"The method returned {len(outputs)} outputs; its signature has {len(names)}: {list(names)}."))
    arrays = [to_arrow(o) for o in outputs]
    if any(len(a) != rows for a in arrays):
        raise udf_error(method, ValueError(
            f"The method returned {len(arrays[0])} rows for {rows} input rows."))
    return arrays


def _numpy_call(method: Method, columns: list[np.ndarray],
                params: dict[str, Any]) -> Callable[[], list[np.ndarray]]:
    return lambda: method.loaded.call_numpy(method.target, columns, params or None)


def udf_error(method: Method, e: BaseException) -> errors.ProgrammingError:
    """100357: the exception's text and the model code's frames, as a failing Python UDF shows them."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if not f.filename.startswith(_OWN_FILES)]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(frames[-5:])] if frames else []
    lines += traceback.format_exception_only(type(e), e)
    return errors.python_udf_error(method.sql_name, "".join(lines).rstrip() + "\n")


_OWN_FILES = (os.path.dirname(os.path.dirname(os.path.abspath(__file__))),)  # the snowreg package


def _param_groups(method: Method, params: list[Column], rows: int,
                  wide: dict[str, list[Any]] | None) -> list[tuple[dict[str, Any], Any]]:
    """[(parameters, row indexes or None for all rows)]; NULL leaves a parameter at its default."""
    names = _param_names(method)
    values: dict[str, list[Any]] = dict(wide or {})
    for name, col in zip(names, params, strict=False):
        values[name] = col.to_pylist()
    if not values:
        return [({}, None)]
    keys = list(values)
    tuples = list(zip(*(values[k] for k in keys), strict=True)) if rows else []
    distinct = dict.fromkeys(_hashable(t) for t in tuples)
    if len(distinct) <= 1:
        first = tuples[0] if tuples else (None,) * len(keys)
        return [(dict(zip(keys, first, strict=True)), None)]
    import numpy as np

    index: dict[Any, list[int]] = {}
    for i, t in enumerate(tuples):
        index.setdefault(_hashable(t), []).append(i)
    return [(dict(zip(keys, tuples[idx[0]], strict=True)), np.asarray(idx)) for idx in index.values()]


def _hashable(value: tuple[Any, ...]) -> bytes:
    return orjson.dumps(value, default=str)


def _param_names(method: Method) -> list[str]:
    """The model's own parameter names, in the order of the SQL function's parameters."""
    sig = method.loaded.signatures.get(method.target)
    own = [name for name, _ in sig.params] if sig is not None else []
    out = []
    for i, (sql_name, _, _) in enumerate(method.fn.params):
        match = next((p for p in own if _same_name(p, sql_name)), None)
        out.append(match or (own[i] if i < len(own) else sql_name))
    return out


def _same_name(own: str, sql_name: str) -> bool:
    try:
        return own == sql_name or resolve_name(own) == sql_name
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------
# Wide inputs: one OBJECT per row
# ---------------------------------------------------------------------------------------------


def _unpack_wide(method: Method, column: Column) -> tuple[pd.DataFrame, dict[str, list[Any]]]:
    """Split the OBJECT argument into the signature's input columns and parameter values."""
    import pandas as pd

    sig = method.loaded.signatures[method.target]
    records = [orjson.loads(v) if isinstance(v, str | bytes) else (v or {}) for v in column.to_pylist()]
    keys = {k for r in records for k in r}
    by_name = {_key_for(k, sig.inputs): k for k in keys}
    frame = pd.DataFrame({name: [r.get(by_name.get(name, name)) for r in records] for name in sig.inputs})
    params = {}
    for own, _ in sig.params:
        key = next((k for k in keys if _same_name(own, k) or k == own), None)
        if key is not None:
            params[own] = [r.get(key) for r in records]
    return frame, params


def run_wide(method: Method, keys: Sequence[str], values: Sequence[Column], params: Sequence[Column]) -> list[pa.Array]:
    """The wide form written as `object_construct_keep_null('K1', v1, …)`: one argument column per key,
    so no OBJECT is built or parsed per row. Keys name inputs (or parameters) as the OBJECT would."""
    import numpy as np

    sig = method.loaded.signatures[method.target]
    rows = len(values[0]) if values else len(params[0]) if params else 0
    by_key = dict(zip(keys, values, strict=True))
    inputs = []
    for name in sig.inputs:
        key = name if name in by_key else next((k for k in keys if _same_name(name, k)), None)
        inputs.append(to_numpy(by_key[key]) if key is not None else np.full(rows, None, dtype=object))
    wide = {}
    for own, _ in sig.params:
        key = next((k for k in keys if k == own or _same_name(own, k)), None)
        if key is not None:
            wide[own] = by_key[key].to_pylist()
    groups = _param_groups(method, list(params), rows, wide)
    return _run_groups(method, groups, rows, lambda take: [a if take is None else a[take] for a in inputs])


def _key_for(key: str, names: Sequence[str]) -> str:
    if key in names:
        return key
    return next((n for n in names if _same_name(n, key)), key)


def _frame_columns(frame: pd.DataFrame, take: Any) -> list[np.ndarray]:
    part = frame if take is None else frame.iloc[take]
    return [part[c].to_numpy() for c in part.columns]


# ---------------------------------------------------------------------------------------------
# Table methods
# ---------------------------------------------------------------------------------------------


def run_table(method: Method, frame: pd.DataFrame) -> pd.DataFrame:
    """One call of a table method on one partition (or on all rows when the call has no OVER)."""
    try:
        out = method.loaded.call(method.target, frame)
    except errors.Error:
        raise
    except Exception as e:
        raise udf_error(method, e) from None
    names = method.output_names
    if names and list(out.columns) != list(names):
        out = out.set_axis([_column_for(c, names, i) for i, c in enumerate(out.columns)], axis=1)
    return out


def _column_for(column: Any, names: Sequence[str], position: int) -> str:
    text = str(column)
    match = next((n for n in names if n == text or _same_name(text, n)), None)
    if match is not None:
        return match
    return names[position] if position < len(names) else text


# ---------------------------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------------------------


def to_numpy(column: Column) -> np.ndarray:
    """An Arrow column as numpy: numbers stay numbers (NULL → NaN), anything else as objects."""
    import pyarrow as pa
    if isinstance(column, pa.ChunkedArray) and column.num_chunks == 1:
        column = column.chunk(0)
    if pa.types.is_decimal(column.type):
        column = column.cast(pa.float64())
    if isinstance(column.type, pa.BaseExtensionType):
        column = column.storage if isinstance(column, pa.Array) else pa.chunked_array(
            [c.storage for c in column.chunks], column.type.storage_type)
    return column.to_numpy(zero_copy_only=False)


def to_arrow(values: Any) -> pa.Array:
    """A model output column as Arrow: NaN → NULL (as the UDF handler's records do), nested values as lists."""
    import numpy as np
    import pyarrow as pa

    values = np.asarray(values)
    if values.ndim > 1:
        values = _rows_of(values)
    if values.dtype.kind in "biufM":
        return pa.array(values, from_pandas=True)
    if values.dtype.kind == "U":
        return pa.array(values.astype(object))
    items = [v.tolist() if isinstance(v, np.ndarray) else v for v in values.tolist()]
    try:
        return pa.array(items, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return json_array([None if v is None else orjson.dumps(v, default=str).decode() for v in items])


def _rows_of(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    out = np.empty(len(matrix), dtype=object)
    for i, row in enumerate(matrix):
        out[i] = row
    return out


def json_array(texts: list[str | None]) -> pa.Array:
    """Arrow strings tagged as JSON, which DuckDB reads as its JSON type."""
    import pyarrow as pa
    return pa.ExtensionArray.from_storage(pa.json_(), pa.array(texts, pa.string()))


def json_objects(names: Sequence[str], columns: Sequence[pa.Array]) -> pa.Array:
    """One JSON object per row, keyed by the output names (NULL values kept as JSON null).

    Numbers, booleans and NULLs are formatted by Arrow kernels over the whole column; only other
    values (strings, lists) take the per-row route.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    parts: list[Any] = []
    # keys in order, as every OBJECT keeps them (DECISIONS.md F108, F132): `=` and DISTINCT compare the text
    for i, (name, col) in enumerate(sorted(zip(names, columns, strict=True), key=lambda pair: pair[0])):
        text = _json_values(col)
        if text is None:
            return _json_objects_by_row(names, columns)
        parts += [("{" if i == 0 else ",") + orjson.dumps(name).decode() + ":", text]
    if not parts:
        return json_array(["{}"] * (len(columns[0]) if columns else 0))
    rows = pc.binary_join_element_wise(*parts, "}", "")
    return pa.ExtensionArray.from_storage(pa.json_(), rows)


def _json_values(col: pa.Array) -> pa.Array | None:
    """JSON text of each value of a number/boolean/NULL column; None for other types."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = col.type
    if pa.types.is_null(t):
        return pa.array(["null"] * len(col), pa.string())
    if pa.types.is_boolean(t):
        text = pc.if_else(col, "true", "false")
    elif pa.types.is_integer(t):
        text = pc.cast(col, pa.string())
    elif pa.types.is_floating(t):
        if pc.any(pc.is_inf(col)).as_py():
            return None
        # A VARIANT DOUBLE is a JSON number with an exponent (engine/sql/variant_values.py prints it as
        # Snowflake does, `1.000000000000000e+00`; without one it reads back as a DECIMAL): `1.5e0`, `3e0`.
        text = pc.cast(col, pa.string())
        plain = pc.invert(pc.match_substring_regex(text, "[eEn]"))
        text = pc.if_else(plain, pc.binary_join_element_wise(text, "e0", ""), text)
    else:
        return None
    return pc.fill_null(text, "null")


def _json_objects_by_row(names: Sequence[str], columns: Sequence[pa.Array]) -> pa.Array:
    values = [c.to_pylist() for c in columns]
    rows = len(values[0]) if values else 0
    texts = [orjson.dumps(dict(zip(names, (_double_texts(v[i]) for v in values), strict=True)),
                          option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SORT_KEYS, default=_json_default).decode() for i in range(rows)]
    return json_array(list(texts))


def _double_texts(value: Any) -> Any:
    """A row's float values as JSON numbers with an exponent (VARIANT DOUBLEs, as `_json_values` writes them)."""
    if isinstance(value, float) and math.isfinite(value):
        text = repr(value)
        return orjson.Fragment(text if "e" in text else text + "e0")
    return value


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
