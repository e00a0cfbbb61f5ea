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
from snowreg.engine.inference import statement

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


def label_text(label: int) -> str:
    """The connector's text of the OBJECT {"output_feature_0": label}."""
    return '{\n  "output_feature_0": ' + str(label) + '\n}'


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
    assert labels == [label_text(v) for v in LABELS]
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
    assert [r[3] for r in got] == [label_text(v) for v in LABELS]
    assert [r[4] for r in got] == [str(v) for v in LABELS]
    arrow_only = fetch(conn, "SELECT note, a, clf!predict(a, b) AS p FROM t")
    assert arrow_only == [(r[1], r[2], r[3]) for r in got]


def test_cursor_kinds_and_partial_fetches(conn: Connection) -> None:
    sql = "SELECT clf!predict(a, b) AS p FROM t"
    expected = [label_text(v) for v in LABELS]
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


# ---------------------------------------------------------------------------------------------
# Plans reused by statements of the same shape, and what invalidates them
# ---------------------------------------------------------------------------------------------


class Times:
    """y = k * A, to tell versions apart."""

    def __init__(self, k: float) -> None:
        self.k = k

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"Y": df["A"] * self.k})


@pytest.fixture
def planned(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Model TIMES: V1 (k=1, default), V2 (k=2), V3 (k=3); records each time a statement is bound."""
    reg = snowreg.Registry(conn)
    for k in (1, 2, 3):
        reg.log_model(Times(k), model_name="TIMES", version_name=f"V{k}", sample_input_data=DATA[["A"]].head(3))
    bound: list[str] = []
    original = statement.Binder.spliced

    def spliced(self: Any, template: Any, *args: Any) -> Any:
        bound.append("bind")
        return original(self, template, *args)
    monkeypatch.setattr(statement.Binder, "spliced", spliced)
    return bound


def factor(conn: Connection, call: str = "times!predict(a)") -> float:
    got = fetch(conn, f"SELECT SUM({call}:Y::float) / SUM(a) FROM t WHERE id < 10")
    return round(float(got[0][0]), 9)


def test_a_repeated_statement_is_not_planned_again(conn: Connection, planned: list[str]) -> None:
    assert factor(conn) == 1.0
    first = len(planned)
    assert first > 0
    for _ in range(3):
        assert factor(conn) == 1.0
    assert len(planned) == first  # bound once: the plan was reused
    assert fetch(conn, "SELECT times!predict(a) AS p FROM t WHERE id = 0") == \
        fetch(conn, "SELECT times!predict(a) AS p FROM t WHERE id = 0")
    conn.cursor().execute("INSERT INTO t VALUES (-1, 1.0, 0.0, 'new')")  # data changes are read again
    assert fetch(conn, "SELECT times!predict(a):Y::float FROM t WHERE id = -1") == [(1.0,)]


@pytest.mark.parametrize("change, call, expected", [
    ("ALTER MODEL times SET DEFAULT_VERSION = V2", "times!predict(a)", 2.0),
    ("ALTER MODEL times DROP VERSION V3", "MODEL(times, V3)!predict(a)", None),  # gone: the next call says so
    ("CREATE OR REPLACE MODEL times WITH VERSION V1 FROM MODEL times2", "times!predict(a)", 5.0),
])
def test_registry_changes_take_effect_at_once(conn: Connection, planned: list[str], change: str, call: str,
                                              expected: float | None) -> None:
    snowreg.Registry(conn).log_model(Times(5), model_name="TIMES2", version_name="V1",
                                     sample_input_data=DATA[["A"]].head(3))
    before = 1.0 if call.startswith("times") else 3.0
    assert factor(conn, call) == before and factor(conn, call) == before
    conn.cursor().execute(change)
    if expected is None:
        with pytest.raises(snowreg.ProgrammingError) as info:
            factor(conn, call)
        assert info.value.errno == 2003
    else:
        assert factor(conn, call) == expected


def test_alias_moves_take_effect_at_once(conn: Connection, planned: list[str]) -> None:
    conn.cursor().execute("ALTER MODEL times VERSION v3 SET ALIAS = prod")
    assert factor(conn, "MODEL(times, prod)!predict(a)") == 3.0
    conn.cursor().execute("ALTER MODEL times VERSION v3 UNSET ALIAS")
    conn.cursor().execute("ALTER MODEL times VERSION v2 SET ALIAS = prod")
    assert factor(conn, "MODEL(times, prod)!predict(a)") == 2.0


def test_revoked_usage_takes_effect_at_once(conn: Connection, planned: list[str]) -> None:
    cur = conn.cursor()
    for sql in ("CREATE ROLE analyst", f"GRANT ROLE analyst TO USER {conn.user}",
                "GRANT USAGE ON DATABASE db TO ROLE analyst", "GRANT USAGE ON SCHEMA db.s TO ROLE analyst",
                "GRANT SELECT ON TABLE db.s.t TO ROLE analyst", "GRANT USAGE ON MODEL db.s.times TO ROLE analyst",
                "USE ROLE analyst"):
        cur.execute(sql)
    assert factor(conn) == 1.0 and factor(conn) == 1.0
    cur.execute("USE ROLE ACCOUNTADMIN")
    cur.execute("REVOKE USAGE ON MODEL db.s.times FROM ROLE analyst")
    cur.execute("USE ROLE analyst")
    with pytest.raises(snowreg.ProgrammingError) as info:
        factor(conn)
    assert info.value.errno == 2003
    cur.execute("USE ROLE ACCOUNTADMIN")
    assert factor(conn) == 1.0  # another role, another plan


def test_table_replaced_and_variables(conn: Connection, planned: list[str]) -> None:
    assert factor(conn) == 1.0 and factor(conn) == 1.0
    conn.cursor().execute("CREATE OR REPLACE TABLE t (id NUMBER, a VARCHAR)")
    conn.cursor().execute("INSERT INTO t VALUES (1, '2.5')")
    assert fetch(conn, "SELECT SUM(times!predict(a):Y::float) FROM t WHERE id < 10") == [(2.5,)]
    conn.cursor().execute("SET k = 1")
    assert fetch(conn, "SELECT times!predict(a::float + $k):Y::float FROM t") == [(3.5,)]
    conn.cursor().execute("SET k = 2")
    assert fetch(conn, "SELECT times!predict(a::float + $k):Y::float FROM t") == [(4.5,)]
