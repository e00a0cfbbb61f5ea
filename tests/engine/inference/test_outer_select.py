"""The SELECT around the fast path's subquery (engine/inference/outer.py), as the model client writes it
(`SELECT CAST(TMP['k'] AS BIGINT) … FROM (WITH I AS (…) SELECT *, MODEL(m, v)!PREDICT(…) AS TMP FROM I)
ORDER BY "_ID"`): every statement runs with the rewrites on and off (twice each: planned, then reused)
and rows, column metadata and errors must be equal; each case also states which rewrites it takes, so no
comparison passes by both sides taking the same road."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import outer, statement

N = 300
RNG = np.random.default_rng(7)
DATA = pd.DataFrame({"A": RNG.normal(size=N), "B": RNG.normal(size=N)})


class Votes:
    """Integer labels 0..2, NULL where A is NULL."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        votes = (df["A"].fillna(0) > 0).astype(np.int64) + (df["B"].fillna(0) > 0).astype(np.int64)
        if not df["A"].isna().any():
            return pd.DataFrame({"VOTE": votes})
        return pd.DataFrame({"VOTE": [None if pd.isna(a) else int(v) for a, v in zip(df["A"], votes, strict=True)]},
                            dtype=object)


class Huge:
    """Integers near 2**62, and a second output."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        big = np.full(len(df), 2**62 - 1, dtype=np.int64) - (df["A"] > 0).astype(np.int64)
        return pd.DataFrame({"BIG": big, "SMALL": (df["B"] > 0).astype(np.int64)})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute('CREATE TABLE t ("_ID" NUMBER, a DOUBLE, b DOUBLE, note VARCHAR, doc VARIANT)')
    rows = [f"SELECT {i}, {a!r}, {b!r}, {('n' + str(i % 3))!r}, PARSE_JSON('{i % 12}')"
            for i, (a, b) in enumerate(DATA.itertuples(index=False))]
    cur.execute("INSERT INTO t " + " UNION ALL ".join(rows))
    cur.execute('CREATE TABLE holes AS SELECT "_ID", CASE WHEN "_ID" % 7 = 0 THEN NULL ELSE a END AS a, b FROM t')
    reg = snowreg.Registry(c)
    sample = DATA.head(5)
    reg.log_model(LogisticRegression().fit(DATA, (DATA.A - DATA.B > 0.1).astype(int)), model_name="CLF",
                  version_name="V1", sample_input_data=sample)
    reg.log_model(LinearRegression().fit(DATA, DATA.A - DATA.B), model_name="REG", version_name="V1",
                  sample_input_data=sample)
    for name, model in (("VOTES", Votes()), ("HUGE", Huge())):
        reg.log_model(model, model_name=name, version_name="V1", sample_input_data=sample)
    yield c
    c.close()


@pytest.fixture
def rewrites(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which rewrites each enabled run made: `typed` (an output read as its column), `key` (a sort key dropped)."""
    seen: list[str] = []
    simplify = outer.simplify

    def recorded(plan: Any, tree: Any) -> None:
        before = tree.sql(dialect="duckdb")
        simplify(plan, tree)
        after = tree.sql(dialect="duckdb")
        if after.count("snowreg_dpath") < before.count("snowreg_dpath"):
            seen.append("typed")
        if after.count("snowreg_vkey_any") < before.count("snowreg_vkey_any"):
            seen.append("key")

    monkeypatch.setattr(outer, "simplify", recorded)
    return seen


def outcome(conn: Connection, sql: str) -> tuple[Any, ...]:
    try:
        cur = conn.cursor().execute(sql)
    except snowreg.Error as e:
        return ("error", type(e).__name__, e.errno, e.sqlstate, e.msg)
    described = [(d.name, d.type_code, d.precision, d.scale, d.is_nullable) for d in cur.description]
    return ("rows", cur.fetchall(), described)


def both(conn: Connection, sql: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """The outcome with the rewrites on and off, each planned afresh and then reused (statement.py's recipes)."""
    runs = []
    for enabled in (True, False):
        monkeypatch.setattr(outer, "ENABLED", enabled)
        monkeypatch.setattr(statement, "_PLANS", statement._Plans())
        runs += [outcome(conn, sql), outcome(conn, sql)]
    assert runs[0] == runs[1] == runs[2] == runs[3], sql
    return runs[0]


def client(select: str, call: str, source: str = "t", order: str = ' ORDER BY "_ID" ASC NULLS FIRST') -> str:
    """The model client's statement around `call` (its arguments read from the CTE)."""
    return (f'SELECT {select} FROM (WITH SNOWPARK_ML_MODEL_INFERENCE_INPUT_AB1CD2EF3G AS (SELECT "_ID", a, b '
            f"FROM {source}) SELECT *, {call} AS TMP_RESULT_0Z9Y8X7W6V "
            f"FROM SNOWPARK_ML_MODEL_INFERENCE_INPUT_AB1CD2EF3G){order}")


LABEL = "CAST(\"TMP_RESULT_0Z9Y8X7W6V\"['output_feature_0'] AS BIGINT) AS \"output_feature_0\""
CASES = [
    # the client's mv.run on a pandas frame: both rewrites
    (client(LABEL, "MODEL(CLF, V1)!PREDICT(a, b)"), ["typed", "key"]),
    # on a Snowpark frame: the input columns too
    (client('"A", "B", ' + LABEL, "MODEL(CLF, V1)!PREDICT(a, b)", order=""), ["typed"]),
    # integer outputs with NULLs; a NUMBER(38, 0) and a NUMBER(38, 10) target
    (client("TMP_RESULT_0Z9Y8X7W6V['VOTE']::NUMBER(38, 0) AS v, TMP_RESULT_0Z9Y8X7W6V['VOTE']::NUMBER(38, 10) AS w",
            "VOTES!PREDICT(a, b)", "holes"), ["typed", "key"]),
    # two outputs, one near 2**62
    (client("TMP_RESULT_0Z9Y8X7W6V['BIG']::NUMBER AS big, TMP_RESULT_0Z9Y8X7W6V['SMALL']::INT AS small",
            "HUGE!PREDICT(a, b)"), ["typed", "key"]),
    # a float output keeps its JSON road; the sort key still goes
    (client("TMP_RESULT_0Z9Y8X7W6V['output_feature_0']::FLOAT AS y", "REG!PREDICT(a, b)"), ["key"]),
    # a target too narrow for every integer (an overflow would fail differently): left alone
    (client("TMP_RESULT_0Z9Y8X7W6V['output_feature_0']::NUMBER(10, 0) AS p", "CLF!PREDICT(a, b)"), ["key"]),
    # sorted by the OBJECT itself, or by a VARIANT column (numbers: 10 after 9): their sort keys stay
    (client(LABEL, "MODEL(CLF, V1)!PREDICT(a, b)", order=" ORDER BY TMP_RESULT_0Z9Y8X7W6V"), ["typed"]),
    ('SELECT TMP_RESULT_0Z9Y8X7W6V[\'output_feature_0\']::INT AS p FROM (SELECT doc, "_ID", '
     'CLF!PREDICT(a, b) AS TMP_RESULT_0Z9Y8X7W6V FROM t) ORDER BY doc, "_ID"', ["typed", "key"]),
    # a star outside, or the key read through another name: left alone
    (client("*", "MODEL(CLF, V1)!PREDICT(a, b)"), []),
    (client("TMP_RESULT_0Z9Y8X7W6V:output_feature_0::INT AS \"_ID\"", "MODEL(CLF, V1)!PREDICT(a, b)"), ["typed"]),
    # grouped outside: left alone
    (client("COUNT(*) AS n, TMP_RESULT_0Z9Y8X7W6V['output_feature_0']::INT AS p", "MODEL(CLF, V1)!PREDICT(a, b)",
            order=" GROUP BY p ORDER BY p"), []),
]


@pytest.mark.parametrize(("sql", "expected"), CASES)
def test_the_outer_select_answers_as_before(conn: Connection, rewrites: list[str], monkeypatch: pytest.MonkeyPatch,
                                            sql: str, expected: list[str]) -> None:
    kind, rows, _ = both(conn, sql, monkeypatch)
    assert kind == "rows" and rows
    assert rewrites == expected  # the enabled run that planned (the reused one runs its recipe)


def test_labels_and_order_are_the_models(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rewritten statement against numbers worked out here: VOTES' labels (NULL where A is), by _ID."""
    monkeypatch.setattr(outer, "ENABLED", True)
    frame = conn.cursor().execute('SELECT a, b FROM holes ORDER BY "_ID"').fetchall()
    expected = [(None if a is None else int(a > 0) + int(b > 0),) for a, b in frame]
    sql = client("TMP_RESULT_0Z9Y8X7W6V['VOTE']::NUMBER(38, 0) AS v", "VOTES!PREDICT(a, b)", "holes")
    assert conn.cursor().execute(sql).fetchall() == expected


def test_an_overflow_fails_the_same_way(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    sql = client("TMP_RESULT_0Z9Y8X7W6V['BIG']::NUMBER(5, 0) AS big", "HUGE!PREDICT(a, b)")
    assert both(conn, sql, monkeypatch)[0] == "error"
