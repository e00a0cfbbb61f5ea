"""`SUM(m!predict(…):k::int)` and its neighbours over more rows than one model call takes: the fast path
reads a first batch, then calls the model on parts of exactly `fast.call_rows` rows, joined across and
split inside DuckDB's batches (which never span its 122,880-row row groups). Every answer is checked
against the model's own outputs with Snowflake's NUMBER semantics (`::int` rounds half away from zero,
SUM skips NULLs and is NULL over no rows), and against the same statement on the general path (no
shortcut) and on the per-vector route (a join keeps the UDF), at the engine's own sizes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import fast, shortcut, stream

ROWS = 300_001  # a first batch, two whole parts and a short one, across three row groups
SAMPLE = pd.DataFrame({"A": [0.5, -1.5, 2.5, 3.0], "B": [1.0, 2.0, 3.0, 4.0]})
JOIN = " JOIN (SELECT 1 AS one) u ON TRUE"  # a join keeps the per-vector UDF


class Halves:
    """y = A (NULL in → NULL out), each call's row count appended to a file (the registry loads its
    own copy of the model, so the count travels through the file)."""

    def __init__(self, log: Path) -> None:
        self.log = str(log)

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        with open(self.log, "a") as f:
            f.write(f"{len(df)}\n")
        return pd.DataFrame({"Y": df["A"].astype(float)})


def identity_regressor() -> LinearRegression:
    """y = A exactly (set, not fitted: a fit leaves the last bits of the coefficients to the solver),
    so `A` on a half gives an output on a half."""
    model = LinearRegression().fit(SAMPLE, SAMPLE.A)
    model.coef_ = np.array([1.0, 0.0])
    model.intercept_ = 0.0
    return model


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    # a: halves from -50.5 to 50.5 and other values, NULL on every 1,000th row; g: five groups
    cur.execute("CREATE TABLE t AS SELECT seq4() AS id, seq4() % 5 AS g, "
                "CASE WHEN seq4() % 1000 = 7 THEN NULL "
                "WHEN seq4() % 3 = 0 THEN (seq4() % 102)::FLOAT - 50.5 "
                "ELSE ((seq4() * 7919) % 10007)::FLOAT / 64 - 78 END AS a, "
                f"(seq4() % 17)::FLOAT AS b FROM TABLE(GENERATOR(ROWCOUNT => {ROWS}))")
    cur.execute("CREATE TABLE e (id INT, g INT, a FLOAT, b FLOAT)")
    registry = snowreg.Registry(c)
    registry.log_model(identity_regressor(), model_name="REG", version_name="V1", sample_input_data=SAMPLE)
    registry.log_model(Halves(tmp_path_factory.mktemp("calls") / "calls"), model_name="HALVES", version_name="V1",
                       sample_input_data=SAMPLE)
    yield c
    c.close()


def snowflake_int(value: float) -> int:
    """`::int` of a number: rounded half away from zero (Python's round() rounds half to even)."""
    return int(Decimal(float(value)).to_integral_value(rounding=ROUND_HALF_UP))


def table(conn: Connection, where: str = "") -> pd.DataFrame:
    rows = conn.cursor().execute(f"SELECT id, g, a, b FROM t {where} ORDER BY id").fetchall()
    return pd.DataFrame(rows, columns=["ID", "G", "A", "B"]).astype({"A": float, "B": float})


def routes(conn: Connection, monkeypatch: pytest.MonkeyPatch, sql: str) -> list[tuple[Any, ...]]:
    """The statement's rows on the fast path (twice: the replayed plan runs too), with the shortcuts
    off, and on the per-vector route; all must be equal."""
    cur = conn.cursor()
    found = [cur.execute(sql).fetchall(), cur.execute(sql).fetchall()]
    with monkeypatch.context() as general:
        general.setattr(shortcut, "ENABLED", False)
        found.append(cur.execute(sql).fetchall())
    where = next((sql.find(k) for k in (" WHERE", " GROUP BY") if k in sql), len(sql))
    found.append(cur.execute(sql[:where] + JOIN + sql[where:]).fetchall())
    assert all(f == found[0] for f in found[1:]), found
    return found[0]


def test_the_engine_calls_the_model_on_exact_parts(conn: Connection, tmp_path: Path) -> None:
    """A first batch, then parts of `call_rows` rows whatever DuckDB's batches are; rows stay in order."""
    log = tmp_path / "calls"
    snowreg.Registry(conn).log_model(Halves(log), model_name="COUNTED", version_name="V1", sample_input_data=SAMPLE)
    log.unlink(missing_ok=True)  # the sample's call while logging
    got = conn.cursor().execute("SELECT id, COUNTED!predict(a, b):Y::FLOAT FROM t WHERE a IS NOT NULL").fetchall()
    expected = table(conn, "WHERE a IS NOT NULL")
    assert [r[0] for r in got] == expected.ID.tolist()
    assert [r[1] for r in got] == expected.A.tolist()
    first, part = fast.batch_rows(2), fast.call_rows(2)
    assert first < part
    rest = len(expected) - first
    assert [int(n) for n in log.read_text().split()] == [first] + [part] * (rest // part) + [rest % part] * (rest % part > 0)


def test_sum_of_int_casts_rounds_half_away_from_zero(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    data = table(conn, "WHERE a IS NOT NULL")
    outputs = identity_regressor().predict(data[["A", "B"]])
    assert (outputs == data.A).all() and (np.abs(outputs) % 1 == 0.5).sum() > 50_000
    expected = sum(snowflake_int(v) for v in outputs)
    assert expected != sum(round(v) for v in outputs)  # the test tells the two roundings apart
    sql = "SELECT SUM(reg!predict(a, b):output_feature_0::int) FROM t WHERE a IS NOT NULL"
    assert routes(conn, monkeypatch, sql) == [(expected,)]
    labels = conn.cursor().execute("SELECT reg!predict(a, b):output_feature_0::int FROM t WHERE a IS NOT NULL "
                                   "ORDER BY id").fetchall()
    assert [r[0] for r in labels] == [snowflake_int(v) for v in outputs]


def test_null_outputs_are_skipped(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    data = table(conn)
    values = data.A.dropna()
    sql = ("SELECT SUM(halves!predict(a, b):Y::int), COUNT(halves!predict(a, b):Y::int), COUNT(*), "
           "MIN(halves!predict(a, b):Y::int) FROM t")
    assert routes(conn, monkeypatch, sql) == [(sum(snowflake_int(v) for v in values), len(values), ROWS,
                                               min(snowflake_int(v) for v in values))]
    only_nulls = "SELECT SUM(halves!predict(a, b):Y::int), COUNT(halves!predict(a, b):Y::int) FROM t WHERE a IS NULL"
    assert routes(conn, monkeypatch, only_nulls) == [(None, 0)]


def test_empty_table(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    sql = "SELECT SUM(reg!predict(a, b):output_feature_0::int), COUNT(*) FROM e"
    assert routes(conn, monkeypatch, sql) == [(None, 0)]


def test_where_filter(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    data = table(conn, "WHERE a IS NOT NULL AND id % 7 IN (1, 2) AND b > 3")
    expected = sum(snowflake_int(v) for v in identity_regressor().predict(data[["A", "B"]]))
    sql = ("SELECT SUM(reg!predict(a, b):output_feature_0::int) FROM t "
           "WHERE a IS NOT NULL AND id % 7 IN (1, 2) AND b > 3")
    assert routes(conn, monkeypatch, sql) == [(expected,)]


def test_group_by(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    data = table(conn, "WHERE a IS NOT NULL")
    data["P"] = [snowflake_int(v) for v in identity_regressor().predict(data[["A", "B"]])]
    expected = [(g, int(p)) for g, p in data.groupby("G").P.sum().items()]
    sql = ("SELECT g, SUM(reg!predict(a, b):output_feature_0::int) FROM t WHERE a IS NOT NULL "
           "GROUP BY g ORDER BY g")
    assert routes(conn, monkeypatch, sql) == expected


@pytest.mark.parametrize("ahead", [True, False], ids=["read ahead", "in turn"])
def test_parts_read_ahead_or_in_turn_agree(conn: Connection, monkeypatch: pytest.MonkeyPatch, ahead: bool) -> None:
    monkeypatch.setattr(stream, "AHEAD", ahead)
    data = table(conn, "WHERE a IS NOT NULL")
    expected = sum(snowflake_int(v) for v in identity_regressor().predict(data[["A", "B"]]))
    got = conn.cursor().execute("SELECT SUM(reg!predict(a, b):output_feature_0::int) FROM t "
                                "WHERE a IS NOT NULL").fetchall()
    assert got == [(expected,)]
