"""The fast path prepares each batch's input matrix before the model call (on the thread that reads the
batches when they are read ahead) in memory it uses again for later batches and statements: the answers
are the same read ahead or in turn, in batches or in one call, on the fast path or the per-vector one; a
matrix the model returns or keeps is never written over; a model's failure in a later batch is the
same Python UDF error."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import fast, methods, stream

SAMPLE = pd.DataFrame({"A": [0.1, -0.4, 0.3, 0.8], "B": [0.5, 0.2, -0.7, 0.1], "C": [0.0, 0.3, -0.2, 0.9],
                       "D": [0.4, -0.1, 0.6, -0.5]})
ROWS = 9000  # batches of 2,048 rows: four full ones and a short one
FALLBACK = " JOIN (SELECT 1 AS one) u ON TRUE"  # a join keeps the per-vector UDF


@pytest.fixture
def conn(monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    monkeypatch.setattr(fast, "BATCH_VALUES", 8192)  # four arguments: 2,048 rows a batch
    monkeypatch.setattr(fast, "CALL_VALUES", 8192)  # and a call
    monkeypatch.setattr(fast, "MIN_BATCH_ROWS", 2048)
    c = registry()
    yield c
    c.close()


def registry() -> Connection:
    """A fresh registry with table t: id and four doubles that vary row by row (deterministic)."""
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute(
        "CREATE TABLE t AS SELECT seq4() AS id, ((seq4() * 7919) % 10007)::FLOAT / 10007 - 0.5 AS a, "
        "((seq4() * 104729) % 10009)::FLOAT / 10009 - 0.5 AS b, ((seq4() * 1299709) % 10037)::FLOAT / 10037 - 0.5 AS c, "
        f"((seq4() * 15485863) % 10039)::FLOAT / 10039 - 0.5 AS d FROM TABLE(GENERATOR(ROWCOUNT => {ROWS}))")
    return c


def runs(conn: Connection, monkeypatch: pytest.MonkeyPatch, sql: str) -> dict[str, list[tuple[object, ...]]]:
    """The statement's rows read ahead, in turn (twice each: the replayed plan runs too), with every
    reader thread busy, in one model call, and on the per-vector route."""
    out: dict[str, list[tuple[object, ...]]] = {}
    cur = conn.cursor()
    for ahead in (True, False):
        monkeypatch.setattr(stream, "AHEAD", ahead)
        for n in (1, 2):
            out[f"{'ahead' if ahead else 'in turn'} {n}"] = cur.execute(sql).fetchall()
    with monkeypatch.context() as busy:
        busy.setattr(stream, "AHEAD", True)
        busy.setattr(stream, "_free_readers", threading.BoundedSemaphore(1))
        stream._free_readers.acquire()  # every reader busy with another statement: read in turn
        out["readers busy"] = cur.execute(sql).fetchall()
    with monkeypatch.context() as one_call:
        one_call.setattr(fast, "BATCH_VALUES", 1 << 30)
        out["one call"] = cur.execute(sql).fetchall()
    where = sql.find(" ORDER BY")
    out["per vector"] = cur.execute(sql[:where] + FALLBACK + sql[where:] if where > 0 else sql + FALLBACK).fetchall()
    return out


def same(results: dict[str, list[tuple[object, ...]]]) -> list[tuple[object, ...]]:
    first = next(iter(results.values()))
    for name, rows in results.items():
        assert rows == first, name
    return first


def test_classifier_answers_equal_on_every_road(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    model = LogisticRegression().fit(SAMPLE, [1, 0, 0, 1])
    snowreg.Registry(conn).log_model(model, model_name="CLF", version_name="V1", sample_input_data=SAMPLE,
                                     options={"target_methods": ["predict", "predict_proba"]})
    x = pd.DataFrame(np.array(conn.cursor().execute("SELECT a, b, c, d FROM t ORDER BY id").fetchall(), dtype=float),
                     columns=list("ABCD"))
    labels = model.predict(x)
    before = conn.session.inference_stats["fast"]
    total = same(runs(conn, monkeypatch, "SELECT SUM(clf!predict(a, b, c, d):output_feature_0::int) FROM t"))
    assert int(total[0][0]) == int(labels.sum())
    objects = same(runs(conn, monkeypatch, "SELECT id, clf!predict(a, b, c, d) FROM t ORDER BY id"))
    assert [r[1] for r in objects] == [f'{{\n  "output_feature_0": {v}\n}}' for v in labels]
    probabilities = same(runs(conn, monkeypatch, "SELECT id, clf!predict_proba(a, b, c, d) AS p, p:output_feature_1::float "
                                                 "FROM t ORDER BY id"))
    assert [r[2] for r in probabilities] == model.predict_proba(x)[:, 1].tolist()
    assert conn.session.inference_stats["fast"] - before == 3 * (5 * 5 + 1)  # the per-vector road counts no "fast"


def test_a_model_that_returns_its_input_matrix_keeps_every_batch(conn: Connection,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """FunctionTransformer's transform returns the very matrix it is given: its outputs are views of
    the batch's matrix, whose memory must not be used again for a later batch while they live."""
    identity = FunctionTransformer(validate=True).fit(SAMPLE)
    snowreg.Registry(conn).log_model(identity, model_name="IDN", version_name="V1", sample_input_data=SAMPLE,
                                     options={"target_methods": ["transform"]})
    sql = ("SELECT id, idn!transform(a, b, c, d):output_feature_0::float AS x, "
           "idn!transform(a, b, c, d):output_feature_3::float AS y FROM t ORDER BY id")
    got = same(runs(conn, monkeypatch, sql))
    assert got == conn.cursor().execute("SELECT id, a, d FROM t ORDER BY id").fetchall()


def test_a_model_failure_in_a_later_batch_is_the_udf_error(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """An infinity in the fourth batch: scikit-learn's own check raises inside the model call."""
    identity = FunctionTransformer(validate=True).fit(SAMPLE)
    snowreg.Registry(conn).log_model(identity, model_name="IDN", version_name="V1", sample_input_data=SAMPLE,
                                     options={"target_methods": ["transform"]})
    conn.cursor().execute("UPDATE t SET c = 'inf'::FLOAT WHERE id = 7000")
    failures = []
    for ahead in (True, False):
        monkeypatch.setattr(stream, "AHEAD", ahead)
        with pytest.raises(snowreg.ProgrammingError) as caught:
            conn.cursor().execute("SELECT SUM(idn!transform(a, b, c, d):output_feature_0::float) FROM t")
        failures.append((caught.value.errno, caught.value.msg))
    assert failures[0] == failures[1]
    assert failures[0][0] == 100357 and "infinity" in failures[0][1]
    assert conn.cursor().execute("SELECT COUNT(*) FROM t").fetchall() == [(ROWS,)]


def test_memory_is_used_again_only_when_nothing_refers_to_it() -> None:
    memory = methods.Matrices()
    first = memory.matrix((1000, 4), np.dtype(np.float64))
    assert first.flags.f_contiguous and first.flags.writeable and first.shape == (1000, 4)
    address = first.__array_interface__["data"][0]
    kept = first[:, 1]  # a view the model kept (or an output sharing the memory)
    del first
    gc.collect()
    second = memory.matrix((1000, 4), np.dtype(np.float64))
    assert second.__array_interface__["data"][0] != address
    kept[:] = 7.0
    second[:] = 0.0
    assert (kept == 7.0).all()
    del kept
    gc.collect()
    third = memory.matrix((500, 4), np.dtype(np.float64))  # a shorter batch fits in the freed memory
    assert third.__array_interface__["data"][0] == address and third.flags.f_contiguous and third.shape == (500, 4)
    other = memory.matrix((1000, 4), np.dtype(np.int64))  # another type never reads a double buffer
    assert other.dtype == np.int64 and other.__array_interface__["data"][0] != address


def test_concurrent_statements_share_the_memory_and_keep_their_answers(conn: Connection) -> None:
    """Two registries, each queried on its own thread, read ahead at once: the matrices' memory is one
    pool for the process, and each statement's rows stay its own."""
    other = registry()
    identity = FunctionTransformer(validate=True).fit(SAMPLE)
    for c in (conn, other):
        snowreg.Registry(c).log_model(identity, model_name="IDN", version_name="V1", sample_input_data=SAMPLE,
                                      options={"target_methods": ["transform"]})
    queries = {"x": "SELECT id, idn!transform(a, b, c, d):output_feature_0::float FROM t ORDER BY id",
               "y": "SELECT id, idn!transform(d, c, b, a):output_feature_0::float FROM t ORDER BY id"}
    expected = {"x": conn.cursor().execute("SELECT id, a FROM t ORDER BY id").fetchall(),
                "y": conn.cursor().execute("SELECT id, d FROM t ORDER BY id").fetchall()}
    got: dict[str, list[list[tuple[object, ...]]]] = {"x": [], "y": []}
    failures: list[BaseException] = []

    def run(name: str, c: Connection) -> None:
        try:
            for _ in range(4):
                got[name].append(c.cursor().execute(queries[name]).fetchall())
        except BaseException as e:  # noqa: BLE001 - reported on the test's thread
            failures.append(e)

    threads = [threading.Thread(target=run, args=("x", conn)), threading.Thread(target=run, args=("y", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert not failures
    assert len(got["x"]) == len(got["y"]) == 4
    assert all(rows == expected["x"] for rows in got["x"]) and all(rows == expected["y"] for rows in got["y"])
