"""The shortcuts past DuckDB's final scan (engine/inference/shortcut.py) give exactly the general path's
answers: each statement runs with the shortcuts enabled and disabled (twice each, so the reused plan
runs too), and rows, column metadata and errors must be equal; the cases where a shortcut applies are
checked to have taken it, so no comparison passes by both sides taking the same road."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import shortcut

N = 400
RNG = np.random.default_rng(13)
DATA = pd.DataFrame({"A": RNG.normal(size=N), "B": RNG.normal(size=N)})
CLF = LogisticRegression().fit(DATA, (DATA.A - DATA.B > 0.1).astype(int))


class Votes:
    """Integer labels 0..2, NULL where A is NULL (Python ints and None: an integer output with NULLs)."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        votes = (df["A"].fillna(0) > 0).astype(np.int64) + (df["B"].fillna(0) > 0).astype(np.int64)
        if not df["A"].isna().any():
            return pd.DataFrame({"VOTE": votes})  # the signature's sample: an integer column
        return pd.DataFrame({"VOTE": [None if pd.isna(a) else int(v) for a, v in zip(df["A"], votes, strict=True)]},
                            dtype=object)


class Huge:
    """Integers near 2**62: a 64-bit running sum of them wraps."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"BIG": np.full(len(df), 2**62 - 1, dtype=np.int64) - (df["A"] > 0).astype(np.int64)})


class Spread:
    """Integer labels spanning far more values than the rows' coding by subtraction takes."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"ID": (df["A"] * 1e6).round().astype(np.int64)})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id NUMBER, a DOUBLE, b DOUBLE, note VARCHAR)")
    rows = [f"({i}, {a!r}, {b!r}, {('n' + str(i % 3))!r})" for i, (a, b) in enumerate(DATA.itertuples(index=False))]
    cur.execute(f"INSERT INTO t VALUES {', '.join(rows)}")
    cur.execute("CREATE TABLE holes AS SELECT id, CASE WHEN id % 7 = 0 THEN NULL ELSE a END AS a, "
                "CASE WHEN id % 5 = 0 THEN NULL ELSE b END AS b, note FROM t")
    cur.execute("CREATE TABLE u (id NUMBER, w VARCHAR)")
    cur.execute("INSERT INTO u VALUES (1, 'one'), (2, 'two'), (3, 'three')")
    reg = snowreg.Registry(c)
    sample = DATA.head(5)
    reg.log_model(CLF, model_name="CLF", version_name="V1", sample_input_data=sample,
                  options={"target_methods": ["predict", "predict_proba"]})
    reg.log_model(LinearRegression().fit(DATA, DATA.A - DATA.B), model_name="REG", version_name="V1",
                  sample_input_data=sample)
    for name, model in (("VOTES", Votes()), ("HUGE", Huge()), ("SPREAD", Spread())):
        reg.log_model(model, model_name=name, version_name="V1", sample_input_data=sample)
    yield c
    c.close()


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each shortcut that answered a statement."""
    seen: list[str] = []
    project, aggregate = shortcut.project, shortcut.aggregate

    def projected(plan: Any, cut: shortcut.Projection) -> Any:
        seen.append("projection")
        return project(plan, cut)

    def aggregated(plan: Any, cut: shortcut.Aggregates) -> list[int | None] | None:
        partials = aggregate(plan, cut)
        seen.append("aggregates" if partials is not None else "aggregates refused")
        return partials

    monkeypatch.setattr(shortcut, "project", projected)
    monkeypatch.setattr(shortcut, "aggregate", aggregated)
    return seen


Outcome = tuple[Any, ...]


def outcome(conn: Connection, sql: str) -> Outcome:
    """Rows and metadata, or the error, of a statement."""
    try:
        cur = conn.cursor().execute(sql)
    except snowreg.Error as e:
        return ("error", type(e).__name__, e.errno, e.sqlstate, e.msg)
    described = [(d.name, d.type_code, d.precision, d.scale, d.is_nullable) for d in cur.description]
    return ("rows", cur.fetchall(), described)


def both(conn: Connection, sql: str, monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """The statement's outcome with the shortcuts on and off (each run twice: planned, then reused)."""
    runs = []
    for enabled in (True, False, True, False):
        monkeypatch.setattr(shortcut, "ENABLED", enabled)
        runs.append(outcome(conn, sql))
    assert runs[0] == runs[1] == runs[2] == runs[3], sql
    return runs[0]


PROJECTIONS = [
    "SELECT clf!predict(a, b) FROM t",
    "SELECT note, a, clf!predict(a, b) AS p FROM t",
    "SELECT clf!predict(a, b) AS p, t.note FROM t WHERE b > 0.25",
    "SELECT clf!predict(a, b) AS p FROM t LIMIT 7",
    "SELECT clf!predict(a, b) AS p, note FROM t WHERE a < 0 LIMIT 5 OFFSET 3",
    "SELECT clf!predict(a, b) AS p FROM t LIMIT 0",
    "SELECT votes!predict(a, b) AS v, note FROM holes",
    "SELECT spread!predict(a, b) AS s FROM t",
    "SELECT x.note, clf!predict(x.a, x.b) FROM t AS x",
]


def udf_route(sql: str) -> str:
    """The same statement through the per-vector UDF: a join in FROM keeps the fast path away."""
    return re.sub(r" FROM (t AS x|t|holes)\b", lambda m: f" FROM {m.group(1)} JOIN (SELECT 1 AS one) j ON TRUE",
                  sql, count=1)


@pytest.mark.parametrize("sql", PROJECTIONS)
def test_projections_equal_the_general_path(conn: Connection, taken: list[str], monkeypatch: pytest.MonkeyPatch,
                                            sql: str) -> None:
    kind, rows, _ = both(conn, sql, monkeypatch)
    assert kind == "rows"
    assert taken == ["projection"] * 2  # only the enabled runs, planned and reused
    through_udf = conn.cursor().execute(udf_route(sql)).fetchall()
    if "LIMIT" in sql:
        assert len(through_udf) == len(rows)
    else:
        assert sorted(through_udf, key=repr) == sorted(rows, key=repr)


AGGREGATES = [
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM t",
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s, MIN(clf!predict(a, b):output_feature_0::int), "
    "MAX(clf!predict(a, b):output_feature_0::int) AS hi, COUNT(*) AS n FROM t WHERE b < 0",
    "SELECT COUNT(clf!predict(a, b):output_feature_0::int) AS n FROM t WHERE id >= 100",
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s, COUNT(*) FROM t WHERE id < 0",
    "SELECT SUM(votes!predict(a, b):VOTE::int) AS s, MIN(votes!predict(a, b):VOTE::int) AS lo, "
    "COUNT(votes!predict(a, b):VOTE::int) AS n, COUNT(*) AS rows_ FROM holes",
    "SELECT SUM(clf!predict(a, b):output_feature_0::int)::FLOAT AS f FROM t",
]


@pytest.mark.parametrize("sql", AGGREGATES)
def test_aggregates_equal_the_general_path(conn: Connection, taken: list[str], monkeypatch: pytest.MonkeyPatch,
                                           sql: str) -> None:
    kind, rows, _ = both(conn, sql, monkeypatch)
    assert kind == "rows" and len(rows) == 1
    if "id < 0" in sql:  # no rows: the model is not called and the outputs have no type to reduce
        assert taken == []
        assert rows == [(None, 0)]
    else:
        assert taken == ["aggregates"] * 2
    assert conn.cursor().execute(udf_route(sql)).fetchall() == rows


def test_votes_sums_as_expected(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """The NULL-aware aggregates against numbers worked out here."""
    frame = conn.cursor().execute("SELECT a, b FROM holes ORDER BY id").fetchall()
    votes = [None if a is None else int(a > 0) + int((b or 0) > 0) for a, b in frame]
    known = [v for v in votes if v is not None]
    sql = AGGREGATES[4]
    assert both(conn, sql, monkeypatch)[1] == [(sum(known), min(known), len(known), N)]


FALLBACKS = [
    # a 64-bit partial sum could wrap: the general path sums in 128 bits
    ("SELECT SUM(huge!predict(a, b):BIG::int) AS s FROM t", ["aggregates refused"] * 2),
    # float outputs: the order of a float sum is the general path's own
    ("SELECT SUM(reg!predict(a, b):output_feature_0::float) AS s FROM t", []),
    ("SELECT note, SUM(clf!predict(a, b):output_feature_0::int) AS s FROM t GROUP BY note ORDER BY note", []),
    ("SELECT AVG(clf!predict(a, b):output_feature_0::int) AS s FROM t", []),
    ("SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s FROM t HAVING COUNT(*) > 1", []),
    ("SELECT COUNT(DISTINCT clf!predict(a, b):output_feature_0::int) AS s FROM t", []),
    ("SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s, SUM(id) AS i FROM t", []),
    # a join keeps the call on the per-vector UDF
    ("SELECT u.w, clf!predict(t.a, t.b) AS p FROM t JOIN u ON t.id = u.id ORDER BY u.id", []),
    ("SELECT SUM(clf!predict(t.a, t.b):output_feature_0::int) AS s FROM t JOIN u ON t.id = u.id", []),
    # ordered, distinct, or computed over the OBJECT: DuckDB does the work
    ("SELECT clf!predict(a, b) AS p FROM t ORDER BY id LIMIT 9", []),
    ("SELECT DISTINCT clf!predict(a, b) AS p FROM t", []),
    ("SELECT clf!predict(a, b):output_feature_0 AS v FROM t LIMIT 4", []),
    ("SELECT id, clf!predict(a, b) AS p FROM t", []),
    ("SELECT * FROM (SELECT clf!predict(a, b) AS p FROM t) LIMIT 3", []),
    ("SELECT reg!predict(a, b) AS r FROM t", []),
    # only NULL outputs: a column without a type to reduce
    ("SELECT SUM(votes!predict(a, b):VOTE::int) AS s FROM holes WHERE a IS NULL", []),
    # no rows: the model is not called, its outputs have no type and the statement reads no label
    ("SELECT clf!predict(a, b) AS p FROM t WHERE id < 0", []),
]


@pytest.mark.parametrize(("sql", "expected"), FALLBACKS)
def test_other_statements_keep_the_general_path(conn: Connection, taken: list[str],
                                                monkeypatch: pytest.MonkeyPatch, sql: str,
                                                expected: list[str]) -> None:
    kind, rows, _ = both(conn, sql, monkeypatch)
    assert kind == "rows" and (rows or "id < 0" in sql)
    assert taken == expected


def test_limit_and_offset_over_many_batches(conn: Connection, taken: list[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Several DuckDB row groups, so several Arrow batches: LIMIT / OFFSET without ORDER BY take the
    same rows both ways, in the table's order."""
    conn.cursor().execute(
        "CREATE OR REPLACE TABLE many AS SELECT seq4()::DOUBLE AS x, ((seq4() * 7919) % 10007)::FLOAT / 10007 - 0.5 "
        "AS a, ((seq4() * 104729) % 10009)::FLOAT / 10009 - 0.5 AS b FROM TABLE(GENERATOR(ROWCOUNT => 300000))")
    for sql, first in (("SELECT x, clf!predict(a, b) AS p FROM many LIMIT 4 OFFSET 250000", 250000),
                       ("SELECT x, clf!predict(a, b) AS p FROM many WHERE x >= 1000 LIMIT 3 OFFSET 200000", 201000)):
        rows = both(conn, sql, monkeypatch)[1]
        assert [r[0] for r in rows] == [float(first + i) for i in range(len(rows))] and rows
    assert taken == ["projection"] * 4


def test_huge_sum_is_exact(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    positive = sum(1 for a in DATA.A if a > 0)
    assert both(conn, FALLBACKS[0][0], monkeypatch)[1] == [(N * (2**62 - 1) - positive,)]


@pytest.mark.parametrize("sql", [
    "SELECT clf!predict(a, b) FROM holes",  # scikit-learn refuses NaN: the UDF error, both ways
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM holes",
    "SELECT clf!predict(a) FROM t",
    "SELECT clf!predict(a, b) FROM t LIMIT -1",
    "SELECT nosuch!predict(a, b) FROM t",
])
def test_errors_are_the_same(conn: Connection, monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    assert both(conn, sql, monkeypatch)[0] == "error"


def test_a_role_without_usage_gets_the_privilege_error_first(conn: Connection, taken: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cur = conn.cursor()
    for sql in ("CREATE ROLE IF NOT EXISTS analyst", "CREATE USER IF NOT EXISTS ana",
                "GRANT ROLE analyst TO USER ana", "GRANT USAGE ON DATABASE DB TO ROLE analyst",
                "GRANT USAGE ON SCHEMA DB.S TO ROLE analyst", "GRANT SELECT ON TABLE DB.S.T TO ROLE analyst"):
        cur.execute(sql)
    analyst = Connection(conn._catalog, user="ana", role="analyst", database="DB", schema="S")
    statements = [PROJECTIONS[0], AGGREGATES[0]]
    owner = {sql: both(conn, sql, monkeypatch) for sql in statements}  # the owner's plans are cached
    for sql in statements:
        got = both(analyst, sql, monkeypatch)
        assert got[:3] == ("error", "ProgrammingError", 2003)
        assert got[4] == "SQL compilation error:\nModel 'DB.S.CLF' does not exist or not authorized."
    cur.execute("GRANT USAGE ON MODEL DB.S.CLF TO ROLE analyst")
    try:
        for sql in statements:
            assert both(analyst, sql, monkeypatch) == owner[sql]
    finally:
        cur.execute("REVOKE USAGE ON MODEL DB.S.CLF FROM ROLE analyst")
    assert both(analyst, statements[1], monkeypatch)[2] == 2003
    analyst.close()


def test_the_answers_are_the_models(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only equal both ways: equal to the model called directly."""
    labels = CLF.predict(DATA)
    texts = [r[0] for r in both(conn, PROJECTIONS[0], monkeypatch)[1]]
    assert texts == ['{\n  "output_feature_0": ' + str(v) + '\n}' for v in labels]
    assert both(conn, AGGREGATES[0], monkeypatch)[1] == [(int(labels.sum()),)]
    spread = (DATA.A * 1e6).round().astype(np.int64)
    assert [r[0] for r in both(conn, PROJECTIONS[7], monkeypatch)[1]] == [
        '{\n  "ID": ' + str(v) + '\n}' for v in spread]

