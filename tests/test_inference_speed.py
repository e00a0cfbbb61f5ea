"""The fast routes of model calls in SQL give exactly the answers of the general routes: OBJECT texts
read as Arrow, a classifier's label printed once per distinct value, the input matrix filled from Arrow
chunks, and statements whose inference plan is reused. (Speed itself is measured in bench/, never here.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

import snowreg
from snowreg.dbapi import Connection, DictCursor

N = 300  # more rows than the smallest batch the Arrow route dictionary-encodes
RNG = np.random.default_rng(7)
DATA = pd.DataFrame({"A": RNG.normal(size=N), "B": RNG.normal(size=N)})
CLF = LogisticRegression().fit(DATA, (DATA.A - DATA.B > 0.2).astype(int))
LABELS = CLF.predict(DATA)
# The per-vector UDF route: a join keeps every call off the fast path.
UDF_ROUTE = " JOIN (SELECT 1 AS one) u ON TRUE"


class Flags:
    """A custom model with one boolean output."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"POSITIVE": df["A"] > 0})


@pytest.fixture
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE t (id NUMBER, a DOUBLE, b DOUBLE, note VARCHAR)")
    values = ", ".join(f"({i}, {a!r}, {b!r}, {('n' + str(i % 3))!r})" for i, (a, b) in enumerate(DATA.itertuples(index=False)))
    c.cursor().execute(f"INSERT INTO t VALUES {values}")
    reg = snowreg.Registry(c)
    reg.log_model(CLF, model_name="CLF", version_name="V1",
                  sample_input_data=DATA.head(5), options={"target_methods": ["predict", "predict_proba"]})
    reg.log_model(LinearRegression().fit(DATA, DATA.A * 2 - DATA.B), model_name="REG", version_name="V1",
                  sample_input_data=DATA.head(5))
    reg.log_model(Flags(), model_name="FLAGS", version_name="V1", sample_input_data=DATA.head(5))
    yield c
    c.close()


def fetch(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return conn.cursor().execute(sql).fetchall()


def test_object_texts_equal_the_udf_route(conn: Connection) -> None:
    for call in ("clf!predict(a, b)", "clf!predict_proba(a, b)", "reg!predict(a, b)", "flags!predict(a, b)"):
        fast = fetch(conn, f"SELECT {call} AS x FROM t ORDER BY id")
        assert fast == fetch(conn, f"SELECT {call} AS x FROM t{UDF_ROUTE} ORDER BY id")
        unordered = fetch(conn, f"SELECT {call} AS x FROM t")  # the Arrow route: no ORDER BY on the object
        assert sorted(unordered) == sorted(fast) and len(unordered) == N
    labels = [r[0] for r in fetch(conn, "SELECT clf!predict(a, b) FROM t")]
    assert set(labels) == {'{\n  "output_feature_0": 0\n}', '{\n  "output_feature_0": 1\n}'}
    assert labels == ['{\n  "output_feature_0": %d\n}' % v for v in LABELS]
    flags = {r[0] for r in fetch(conn, "SELECT flags!predict(a, b) FROM t")}
    assert flags == {'{\n  "POSITIVE": true\n}', '{\n  "POSITIVE": false\n}'}


def test_object_next_to_other_columns(conn: Connection) -> None:
    """Plain columns beside the OBJECT keep their values and types, whichever route reads them
    (NUMBER is not read as Arrow, VARCHAR and DOUBLE are)."""
    cur = conn.cursor().execute("SELECT id, note, a, clf!predict(a, b) AS p, clf!predict(a, b):output_feature_0 AS v "
                                "FROM t")
    assert [(d.name, d.type_code) for d in cur.description] == [("ID", 0), ("NOTE", 2), ("A", 1), ("P", 9),
                                                                ("V", 5)]
    got = cur.fetchall()
    assert [r[0] for r in got] == list(range(N)) and all(type(r[0]) is int for r in got)
    assert [r[1] for r in got] == [f"n{i % 3}" for i in range(N)]
    assert [r[2] for r in got] == list(DATA.A)
    assert [r[3] for r in got] == ['{\n  "output_feature_0": %d\n}' % v for v in LABELS]
    assert [r[4] for r in got] == [str(v) for v in LABELS]
    arrow_only = fetch(conn, "SELECT note, a, clf!predict(a, b) AS p FROM t")
    assert arrow_only == [(r[1], r[2], r[3]) for r in got]


def test_cursor_kinds_and_partial_fetches(conn: Connection) -> None:
    sql = "SELECT clf!predict(a, b) AS p FROM t"
    expected = ['{\n  "output_feature_0": %d\n}' % v for v in LABELS]
    cur = conn.cursor().execute(sql)
    assert cur.fetchone() == (expected[0],)
    assert cur.fetchmany(2) == [(expected[1],), (expected[2],)]
    assert cur.fetchall() == [(v,) for v in expected[3:]]
    assert conn.cursor(DictCursor).execute(sql).fetchall() == [{"P": v} for v in expected]


def test_nulls_and_empty_results(conn: Connection) -> None:
    conn.cursor().execute("INSERT INTO t VALUES (1000, NULL, 0.5, NULL)")
    got = fetch(conn, "SELECT id, note, flags!predict(a, b) FROM t WHERE id = 1000")
    assert got == [(1000, None, '{\n  "POSITIVE": false\n}')]  # NaN > 0 in the model
    assert fetch(conn, "SELECT clf!predict(a, b) FROM t WHERE id < 0") == []
    assert fetch(conn, "SELECT note, clf!predict(a, b) FROM t WHERE id < 0") == []


def test_sum_of_labels_and_input_types(conn: Connection) -> None:
    assert fetch(conn, "SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM t") == [(int(LABELS.sum()),)]
    # integer and float inputs mixed, and NULL inputs, take the general route to the same answer
    conn.cursor().execute("CREATE TABLE mixed AS SELECT id::INT AS i, a::FLOAT AS f FROM t")
    model = LinearRegression().fit(pd.DataFrame({"I": np.arange(5.0), "F": np.arange(5.0) * 2}), np.arange(5.0))
    snowreg.Registry(conn).log_model(model, model_name="MIX", version_name="V1",
                                     sample_input_data=pd.DataFrame({"I": [1, 2], "F": [0.5, 1.5]}))
    got = [r[0] for r in fetch(conn, "SELECT mix!predict(i, f):output_feature_0::double FROM mixed ORDER BY i")]
    frame = pd.DataFrame({"I": np.arange(N), "F": DATA.A.astype(np.float32)})
    np.testing.assert_allclose(got, model.predict(frame), rtol=1e-6)
