"""The fast path streams a SELECT's call arguments out of DuckDB and calls the model once per batch:
batch boundaries change nothing in the answer or the row order, NULLs and model errors in a later
batch behave as in one call, a cancel or a timeout stops the statement between batches, and the
connection is usable after every failure (the stream is closed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import fast, stream

SAMPLE = pd.DataFrame({"A": [0.1, -0.4, 0.3, 0.8], "B": [0.5, 0.2, -0.7, 0.1]})
SIZES = {name: getattr(fast, name) for name in ("BATCH_VALUES", "CALL_VALUES", "MIN_BATCH_ROWS")}


class Recording:
    """A custom model that appends each call's row count to a file (the registry loads its own copy
    of the model, so the count travels through the file)."""

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def record(self, df: pd.DataFrame) -> None:
        with open(self.log, "a") as f:
            f.write(f"{len(df)}\n")


class Linear(Recording):
    """y = 2A + B, NULL (NaN) in → NULL out."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        self.record(df)
        return pd.DataFrame({"y": df["A"] * 2 + df["B"]})


class FailsLate(Recording):
    """Raises on the row whose A is exactly 7 (placed in a later batch)."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        self.record(df)
        if (df["A"] == 7).any():
            raise ValueError("A is seven")
        return pd.DataFrame({"y": df["A"]})


class Slow(Recording):
    """Takes a while per batch."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        self.record(df)
        time.sleep(0.15)
        return pd.DataFrame({"y": df["A"]})


class Mixed(Recording):
    """A one-element list for A below 2,048 (the first batch), beyond it a number or a string by row:
    one Arrow type for the first batch, JSON text for the others."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"y": [[v] if v < 2048 else ("x" if v % 2 else v) for v in df["A"]]})


def calls(log: Path) -> list[int]:
    """The row count of each call so far."""
    return [int(n) for n in log.read_text().split()] if log.exists() else []


def table(conn: Connection, rows: int, name: str = "T") -> None:
    """id, and two doubles that vary row by row (deterministic)."""
    conn.cursor().execute(
        f"CREATE OR REPLACE TABLE {name} AS SELECT seq4() AS id, "
        "((seq4() * 7919) % 10007)::FLOAT / 10007 - 0.5 AS a, "
        "((seq4() * 104729) % 10009)::FLOAT / 10009 - 0.5 AS b "
        f"FROM TABLE(GENERATOR(ROWCOUNT => {rows}))")


def frame(conn: Connection, sql: str = "SELECT a, b FROM t ORDER BY id") -> pd.DataFrame:
    return pd.DataFrame(np.array(conn.cursor().execute(sql).fetchall(), dtype=float).reshape(-1, 2), columns=["A", "B"])


@pytest.fixture(params=[False, True], ids=["in turn", "read ahead"])
def conn(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """A registry whose model calls take 2,048-row batches, read in turn or one batch ahead in a thread."""
    monkeypatch.setattr(fast, "BATCH_VALUES", 4096)  # two arguments: 2,048 rows a batch
    monkeypatch.setattr(fast, "CALL_VALUES", 4096)  # and a call
    monkeypatch.setattr(fast, "MIN_BATCH_ROWS", 2048)
    monkeypatch.setattr(stream, "AHEAD", request.param)
    c = snowreg.connect(database="DB", schema="S")
    yield c
    c.close()


@pytest.fixture
def clf(conn: Connection) -> LogisticRegression:
    model = LogisticRegression().fit(SAMPLE, [1, 0, 0, 1])
    snowreg.Registry(conn).log_model(model, model_name="CLF", version_name="V1", sample_input_data=SAMPLE,
                                     options={"target_methods": ["predict"]})
    return model


def log(conn: Connection, model: Any, name: str) -> None:
    snowreg.Registry(conn).log_model(model, model_name=name, version_name="V1", sample_input_data=SAMPLE)


@pytest.mark.parametrize("rows", [0, 1, 2047, 2048, 5000, 6144])
def test_answers_and_row_order_equal_one_call_at_every_batch_boundary(conn: Connection, clf: LogisticRegression,
                                                                      rows: int) -> None:
    table(conn, rows)
    x = frame(conn)
    expected = clf.predict(x) if rows else np.array([], dtype=int)
    cur = conn.cursor()
    total = cur.execute("SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM t").fetchall()[0][0]
    assert (total is None and rows == 0) or int(total) == int(expected.sum())
    # the projection keeps DuckDB's row order: the table's own
    got = cur.execute("SELECT id, clf!predict(a, b) FROM t").fetchall()
    assert [r[0] for r in got] == list(range(rows))
    assert [r[1] for r in got] == [f'{{\n  "output_feature_0": {v}\n}}' for v in expected]
    ordered = cur.execute("SELECT id, clf!predict(a, b):output_feature_0::int AS p FROM t ORDER BY id DESC").fetchall()
    assert ordered == [(i, int(v)) for i, v in zip(range(rows - 1, -1, -1), expected[::-1], strict=True)]


def test_many_rows_at_the_real_batch_size(monkeypatch: pytest.MonkeyPatch, clf: LogisticRegression,
                                               conn: Connection) -> None:
    for name, value in SIZES.items():  # the engine's own: a first batch, then calls of whole parts
        monkeypatch.setattr(fast, name, value)
    table(conn, 300_001)
    expected = clf.predict(frame(conn))
    cur = conn.cursor()
    total = cur.execute("SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM t").fetchall()[0][0]
    assert int(total) == int(expected.sum())
    labels = cur.execute("SELECT clf!predict(a, b):output_feature_0::int FROM t").fetchall()
    assert [r[0] for r in labels] == expected.tolist()


def test_each_batch_is_one_call_and_the_outputs_join_in_order(conn: Connection, tmp_path: Path) -> None:
    log(conn, Linear(tmp_path / "calls"), "LIN")
    table(conn, 5000)
    (tmp_path / "calls").unlink(missing_ok=True)
    got = conn.cursor().execute("SELECT id, lin!predict(a, b):y::float FROM t").fetchall()
    assert calls(tmp_path / "calls") == [2048, 2048, 904]
    x = frame(conn)
    assert [r[1] for r in got] == pytest.approx((x.A * 2 + x.B).tolist())


def test_nulls_in_a_later_batch_equal_the_per_vector_route(conn: Connection, clf: LogisticRegression,
                                                           tmp_path: Path) -> None:
    log(conn, Linear(tmp_path / "calls"), "LIN")
    table(conn, 5000)
    conn.cursor().execute("UPDATE t SET a = NULL WHERE id IN (5, 4100, 4101)")
    cur = conn.cursor()
    fast_rows = cur.execute("SELECT id, lin!predict(a, b) FROM t ORDER BY id").fetchall()
    vector_rows = cur.execute("SELECT id, lin!predict(a, b) FROM t JOIN (SELECT 1 AS one) u ON TRUE "
                              "ORDER BY id").fetchall()
    assert fast_rows == vector_rows
    assert fast_rows[4100][1] == '{\n  "y": null\n}'
    # scikit-learn refuses NaN: the statement fails as one call on all rows would, and returns nothing
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("SELECT clf!predict(a, b) FROM t")
    assert caught.value.errno == 100357 and "NaN" in caught.value.msg
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(5000,)]


def test_model_error_in_a_later_batch_returns_nothing_and_leaves_the_connection_usable(
        conn: Connection, tmp_path: Path) -> None:
    log(conn, FailsLate(tmp_path / "calls"), "LATE")
    table(conn, 5000)
    conn.cursor().execute("UPDATE t SET a = 7 WHERE id = 4300")
    cur = conn.cursor()
    (tmp_path / "calls").unlink(missing_ok=True)
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("SELECT id, late!predict(a, b) FROM t")
    assert caught.value.errno == 100357 and "A is seven" in caught.value.msg
    assert calls(tmp_path / "calls") == [2048, 2048, 904]  # the third batch raised
    assert cur.description is None
    assert cur.execute("SELECT SUM(late!predict(a, b):y::float) FROM t WHERE id < 4000").fetchall()[0][0] \
        == pytest.approx(float(frame(conn, "SELECT a, b FROM t WHERE id < 4000").A.sum()))


def test_duckdb_error_in_a_later_batch_is_the_same_error_as_in_one_batch(
        conn: Connection, clf: LogisticRegression, monkeypatch: pytest.MonkeyPatch) -> None:
    table(conn, 5000)
    conn.cursor().execute("CREATE TABLE s AS SELECT id, a::VARCHAR AS a, b FROM t")
    conn.cursor().execute("UPDATE s SET a = 'not a number' WHERE id = 4200")
    sql = "SELECT clf!predict(a, b) FROM s"
    errors = []
    for values in (4096, 1 << 30):  # batches of 2,048 rows, then one batch
        monkeypatch.setattr(fast, "BATCH_VALUES", values)
        monkeypatch.setattr(fast, "CALL_VALUES", values)
        with pytest.raises(snowreg.ProgrammingError) as caught:
            conn.cursor().execute(sql)
        errors.append((caught.value.errno, caught.value.sqlstate, caught.value.msg))
    assert errors[0] == errors[1]
    assert errors[0][0] == 100038 and "not a number" in errors[0][2]
    assert conn.cursor().execute("SELECT COUNT(*) FROM s").fetchall() == [(5000,)]


def test_cancel_stops_the_statement_at_the_next_batch(conn: Connection, tmp_path: Path) -> None:
    log(conn, Slow(tmp_path / "calls"), "SLOW")
    table(conn, 20_480)
    (tmp_path / "calls").unlink(missing_ok=True)

    def cancel_when_started() -> None:
        deadline = time.monotonic() + 10
        while not calls(tmp_path / "calls") and time.monotonic() < deadline:
            time.sleep(0.01)
        conn.cancel()

    canceller = threading.Thread(target=cancel_when_started)
    canceller.start()
    with pytest.raises(snowreg.OperationalError) as caught:
        conn.cursor().execute("SELECT slow!predict(a, b) FROM t")
    canceller.join()
    assert caught.value.errno == 604
    made = calls(tmp_path / "calls")
    assert made and set(made) == {2048} and sum(made) < 20_480  # batches, and not all of them
    assert conn.cursor().execute("SELECT COUNT(*) FROM t").fetchall() == [(20_480,)]


def test_statement_timeout_stops_the_model_calls(conn: Connection, tmp_path: Path) -> None:
    log(conn, Slow(tmp_path / "calls"), "SLOW")
    table(conn, 40_960)
    cur = conn.cursor()
    cur.execute("ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1")
    (tmp_path / "calls").unlink(missing_ok=True)
    with pytest.raises(snowreg.OperationalError) as caught:
        cur.execute("SELECT slow!predict(a, b) FROM t")
    assert caught.value.errno == 630
    assert len(calls(tmp_path / "calls")) < 20  # 20 batches of 0.15 s would take 3 s
    cur.execute("ALTER SESSION UNSET STATEMENT_TIMEOUT_IN_SECONDS")
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(40_960,)]


def test_a_source_that_calls_a_model_per_vector_feeds_the_batches(conn: Connection, tmp_path: Path) -> None:
    """The inner call keeps its per-vector UDF (a join), which DuckDB runs while the outer call's batches
    stream: the answer is the model applied twice, row by row."""
    log(conn, Linear(tmp_path / "calls"), "LIN")
    table(conn, 5000)
    got = conn.cursor().execute(
        "SELECT id, lin!predict(x, b):y::float AS y FROM (SELECT t.id, lin!predict(t.a, t.b):y::float AS x, t.b "
        "FROM t JOIN (SELECT 1 AS one) u ON TRUE) s ORDER BY id").fetchall()
    x = frame(conn)
    assert [r[0] for r in got] == list(range(5000))
    assert [r[1] for r in got] == pytest.approx(((x.A * 2 + x.B) * 2 + x.B).tolist())


def test_outputs_typed_differently_by_batch_read_as_one_call_would(conn: Connection, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    log(conn, Mixed(tmp_path / "calls"), "MIX")
    conn.cursor().execute("CREATE TABLE t AS SELECT seq4() AS id, seq4()::FLOAT AS a, 0.5::FLOAT AS b "
                          "FROM TABLE(GENERATOR(ROWCOUNT => 5000))")
    sql = "SELECT id, mix!predict(a, b) AS y, mix!predict(a, b):y AS v FROM t ORDER BY id"
    batched = conn.cursor().execute(sql).fetchall()
    monkeypatch.setattr(fast, "BATCH_VALUES", 1 << 30)  # one call on all rows
    whole = conn.cursor().execute(sql).fetchall()
    assert batched == whole
    assert whole[0][2].startswith("[") and whole[2049][2] == '"x"' and not whole[2050][2].startswith(("[", '"'))
