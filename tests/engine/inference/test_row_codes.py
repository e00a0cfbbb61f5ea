"""Large results read by rows.py: columns coded chunk by chunk and taken into a reused buffer give exactly
the values (and OBJECT texts) of converting each row, whatever the chunks, NULLs, sizes in turn and
threads."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from snowreg.engine.inference import rows

LARGE = (1 << 16) + 4_321  # past the size from which the reused buffer serves
AROUND = ('{\n  "output_feature_0": ', "\n}")


def _chunked(values: list[Any], cuts: list[int], type_: pa.DataType) -> pa.ChunkedArray:
    bounds = [0, *cuts, len(values)]
    return pa.chunked_array([pa.array(values[a:b], type_) for a, b in zip(bounds, bounds[1:], strict=False)], type_)


def _labels(n: int, seed: int, low: int = -3, span: int = 7, holes: bool = True) -> list[Any]:
    rng = np.random.default_rng(seed)
    labels: list[Any] = (rng.integers(0, span, n) + low).tolist()
    if holes:
        for i in rng.integers(0, n, n // 50).tolist():
            labels[i] = None
    return labels


def _text(value: Any) -> str:
    shown = "null" if value is None else ("true" if value is True else "false" if value is False else str(value))
    return AROUND[0] + shown + AROUND[1]


@pytest.mark.parametrize("type_", [pa.int64(), pa.int32(), pa.int8(), pa.uint16()])
def test_integer_labels_in_chunks(type_: pa.DataType) -> None:
    low = 0 if pa.types.is_unsigned_integer(type_) else -3
    labels = _labels(LARGE, 1, low=low)
    table = pa.table({"L": _chunked(labels, [1_000, 40_000, 40_001], type_)})
    assert rows.rows_of(table) == [(v,) for v in labels]
    assert rows.rows_of(table, {0: AROUND}) == [(_text(v),) for v in labels]


def test_labels_that_are_their_codes_without_nulls() -> None:
    labels = _labels(LARGE, 2, low=0, span=2, holes=False)
    table = pa.table({"L": _chunked(labels, [30_000, 60_000], pa.int64())})
    assert rows.rows_of(table, {0: AROUND}) == [(_text(v),) for v in labels]


def test_booleans_in_chunks() -> None:
    flags = [None if v is None else v > 0 for v in _labels(LARGE, 3)]
    table = pa.table({"F": _chunked(flags, [5, 50_000], pa.bool_())})
    assert rows.rows_of(table) == [(v,) for v in flags]
    assert rows.rows_of(table, {0: AROUND}) == [(_text(v),) for v in flags]


def test_two_coded_columns_and_a_plain_one() -> None:
    labels, other = _labels(LARGE, 4), _labels(LARGE, 5, low=10, span=3)
    names = [f"n{i % 5}" for i in range(LARGE)]
    table = pa.table({"A": _chunked(labels, [7_000], pa.int64()), "B": _chunked(other, [60_000], pa.int16()),
                      "C": pa.array(names)})
    assert rows.rows_of(table, {1: AROUND}) == list(zip(labels, [_text(v) for v in other], names, strict=True))


def test_sizes_in_turn_reuse_the_buffer() -> None:
    """A larger result, then a smaller one, then one past the buffer's size: each exactly its own rows."""
    for n, seed in ((LARGE + 20_000, 6), (LARGE, 7), (LARGE + 50_000, 8), (1_000, 9)):
        labels = _labels(n, seed)
        table = pa.table({"L": _chunked(labels, [n // 3, n // 2], pa.int64())})
        assert rows.rows_of(table, {0: AROUND}) == [(_text(v),) for v in labels]


def test_statements_in_threads() -> None:
    tables = [(labels := _labels(LARGE + 1_000 * k, 10 + k), pa.table({"L": _chunked(labels, [LARGE // 2], pa.int64())}))
              for k in range(4)]
    wrong: list[int] = []

    def read(k: int) -> None:
        labels, table = tables[k]
        for _ in range(3):
            if rows.rows_of(table, {0: AROUND}) != [(_text(v),) for v in labels]:
                wrong.append(k)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(len(tables))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
