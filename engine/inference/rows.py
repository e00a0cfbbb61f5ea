"""Result rows read from DuckDB as Arrow: column by column, repeated values converted once.

DuckDB's `fetchall` builds every value and row tuple itself, one at a time; for a million OBJECT texts
that is most of a statement's time. Read as Arrow instead, a column whose values repeat (a classifier's
labels, hence its OBJECT texts) is dictionary-encoded and each distinct value becomes one Python object,
shared by the rows that hold it; the row tuples are built in one pass with the cyclic garbage
collector paused (a million new tuples would otherwise trigger many full collections).

Only columns whose Python values are the same either way are read like this (`ARROW_TYPES`); the
values are exactly those `fetchall` returns.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# DuckDB types whose Arrow values convert to the same Python values as DuckDB's own fetch (str, float,
# bool, None), and which the result shaping leaves as they are; JSON only for texts already formatted.
ARROW_TYPES = frozenset({"VARCHAR", "DOUBLE", "FLOAT", "BOOLEAN", "JSON"})
_SHARED = 4  # dictionary-encode a column when it has at most one distinct value per this many rows
_SPAN = 4096  # integer columns spanning at most this many values are coded by subtraction


Texts = dict[int, tuple[str, str]]  # column index → (prefix, suffix) of the OBJECT text around each value


def rows_of(table: pa.Table, texts: Texts | None = None) -> list[tuple[Any, ...]]:
    """The table's rows as tuples of Python values; a column in `texts` as the OBJECT text of each value."""
    if table.num_columns == 0:
        return [() for _ in range(table.num_rows)]
    texts = texts or {}
    columns = [_values(table.column(i), texts.get(i)) for i in range(table.num_columns)]
    with _collector_paused():
        if len(columns) == 1 and isinstance(columns[0], tuple):
            distinct, codes = columns[0]
            return _listed(_one_tuple_each(distinct), codes)  # a shared 1-tuple per value
        listed = [_listed(c[0], c[1]) if isinstance(c, tuple) else c for c in columns]
        return list(zip(*listed, strict=True))


def object_texts(rows: list[tuple[Any, ...]], texts: Texts) -> list[tuple[Any, ...]]:
    """Rows fetched by DuckDB, the columns in `texts` made OBJECT texts (each distinct value once)."""
    made: dict[Any, str] = {}

    def text(value: Any, around: tuple[str, str]) -> str:
        key = (value, type(value), around)
        if key not in made:
            made[key] = around[0] + _json_scalar(value) + around[1]
        return made[key]
    with _collector_paused():
        return [tuple(text(v, texts[i]) if i in texts else v for i, v in enumerate(row)) for row in rows]


def _json_scalar(value: Any) -> str:
    """An integer, boolean or NULL as JSON (what DuckDB's CAST to VARCHAR prints for them)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(int(value))


Codes = list["np.ndarray"]  # each row's index into a column's distinct values, one array per Arrow chunk


def _values(column: pa.ChunkedArray, around: tuple[str, str] | None) -> list[Any] | tuple[np.ndarray, Codes]:
    """A column's Python values, or (distinct values as an object array, each row's code)."""
    import numpy as np
    import pyarrow as pa

    # an integer or boolean column is coded chunk by chunk (the fast path's outputs come in one chunk per
    # model call): no combined copy of it
    coded = _in_range(column) if len(column) >= 64 else None
    if coded is None:
        array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
        if isinstance(array.type, pa.BaseExtensionType):
            array = array.storage
        if len(array) < 64 or pa.types.is_floating(array.type):
            values = array.to_pylist()
            return values if around is None else [around[0] + _json_scalar(v) + around[1] for v in values]
        encoded = array.dictionary_encode()
        indices = encoded.indices if encoded.indices.null_count == 0 else encoded.indices.fill_null(len(encoded.dictionary))
        coded = encoded.dictionary.to_pylist(), [indices.to_numpy(zero_copy_only=False)]
    values, codes = coded
    if len(values) * _SHARED > len(column) and around is None:
        return column.to_pylist()  # type: ignore[no-any-return]
    distinct = np.empty(len(values) + 1, dtype=object)
    distinct[:-1] = values
    distinct[-1] = None  # the code of NULL
    if around is not None:
        distinct[:] = [around[0] + _json_scalar(v) + around[1] for v in distinct]
    return distinct, codes


def _in_range(column: pa.ChunkedArray | pa.Array) -> tuple[list[Any], Codes] | None:
    """(values, each row's index into them, per chunk; NULL → len(values)) of an integer or boolean column
    whose values span at most `_SPAN` (a classifier's labels): no hashing, one subtraction; None otherwise."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values: list[Any]
    if pa.types.is_boolean(column.type):
        low, values = 0, [False, True]
    elif pa.types.is_integer(column.type) and column.null_count < len(column):
        extremes = pc.min_max(column)
        low, high = extremes["min"].as_py(), extremes["max"].as_py()
        if high - low >= _SPAN or low < -(1 << 63) or high >= 1 << 63:
            return None
        values = list(range(low, high + 1))
    else:
        return None
    pieces = []
    for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
        filled = chunk.fill_null(False if pa.types.is_boolean(chunk.type) else low) if chunk.null_count else chunk
        codes = filled.to_numpy(zero_copy_only=False)
        if low or codes.dtype != np.intp or chunk.null_count:  # else the labels are the codes: no copy
            codes = np.subtract(codes, low, dtype=np.intp)
        if chunk.null_count:
            codes[chunk.is_null().to_numpy(zero_copy_only=False)] = len(values)
        pieces.append(codes)
    return values, pieces


_SCRATCH_ROWS = 1 << 16, 1 << 22  # results of these many rows take their values in a reused buffer (`_Scratch`)


class _Scratch:
    """Object arrays used again for the values of large results (`_listed`): a fresh 8 MB array per million
    rows cost more in page faults than the copy into it (in this VM the memory a process frees goes back
    to the system and comes back page by page; bench/README.md, "Issue 13, fourteenth round"). One
    buffer per statement at a time (deque's append and pop are atomic: statements may run in threads),
    at most `KEEP` wait. A buffer keeps references to the latest values it took until it is used again:
    the rows made of them hold the same objects, and no more than one result's worth."""

    KEEP = 2

    def __init__(self) -> None:
        import collections

        self.free: collections.deque[np.ndarray] = collections.deque(maxlen=self.KEEP)

    def take(self, values: np.ndarray, codes: Codes) -> list[Any]:
        import numpy as np

        rows = sum(len(c) for c in codes)
        if not _SCRATCH_ROWS[0] <= rows <= _SCRATCH_ROWS[1]:
            return values.take(codes[0] if len(codes) == 1 else np.concatenate(codes)).tolist()  # type: ignore[no-any-return]
        try:
            buffer = self.free.pop()
        except IndexError:
            buffer = None
        if buffer is None or len(buffer) < rows:
            buffer = np.empty(max(rows, 0 if buffer is None else len(buffer)), dtype=object)
        try:
            at = 0
            for piece in codes:  # "raise" would take into a new array first; every code is valid
                np.take(values, piece, out=buffer[at:at + len(piece)], mode="clip")
                at += len(piece)
            return buffer[:rows].tolist()  # type: ignore[no-any-return]
        finally:
            self.free.append(buffer)


_scratch = _Scratch()


def _listed(values: np.ndarray, codes: Codes) -> list[Any]:
    """[values[c] for each piece of codes for c in it], every code a valid index (`_values` makes them)."""
    return _scratch.take(values, codes)


def _one_tuple_each(values: np.ndarray) -> np.ndarray:
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = (v,)
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """New tuples of str/float/bool/None can hold no reference cycle: collecting while they are
    made finds nothing, and costs a full pass over the heap each time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
