"""The fast path's Arrow tables are registered in DuckDB only when a DuckDB statement reads them: a SUM
the aggregate shortcut answers, and a projection replayed from its recipe, register nothing, and give
the same rows, metadata and errors as the general path (which still registers and reads them). A
replayed statement of plain aggregates runs no final DuckDB statement at all; any other cast does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import snowreg
from snowreg.dbapi import Connection
from snowreg.engine.inference import shortcut

N = 300
RNG = np.random.default_rng(7)
DATA = pd.DataFrame({"A": RNG.normal(size=N), "B": RNG.normal(size=N)})
CLF = LogisticRegression().fit(DATA, (DATA.A + DATA.B > 0).astype(int))


class Huge:
    """Integers near 2**62: a 64-bit running sum of them could wrap, so the shortcut refuses."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"BIG": np.full(len(df), 2**62 - 1, dtype=np.int64) - (df["A"] > 0).astype(np.int64)})


class Recording:
    """The session's DuckDB connection, recording the names of the Arrow tables registered on it and
    the final aggregate statements (over the partials' VALUES row) run on it."""

    def __init__(self, duck: Any, seen: list[str]) -> None:
        self._duck, self._seen = duck, seen

    def register(self, name: str, table: Any) -> Any:
        self._seen.append(name)
        return self._duck.register(name, table)

    def execute(self, sql: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(sql, str) and "(VALUES (CAST(? AS" in sql:
            self._seen.append("final aggregate")
        return self._duck.execute(sql, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._duck, name)


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute("CREATE TABLE t (id NUMBER, a DOUBLE, b DOUBLE, note VARCHAR)")
    rows = [f"({i}, {a!r}, {b!r}, 'n{i % 4}')" for i, (a, b) in enumerate(DATA.itertuples(index=False))]
    cur.execute(f"INSERT INTO t VALUES {', '.join(rows)}")
    reg = snowreg.Registry(c)
    reg.log_model(CLF, model_name="CLF", version_name="V1", sample_input_data=DATA.head(5))
    reg.log_model(Huge(), model_name="HUGE", version_name="V1", sample_input_data=DATA.head(5))
    yield c
    c.close()


@pytest.fixture
def registered(conn: Connection, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the fast path's tables registered in DuckDB while the test runs."""
    seen: list[str] = []
    session: Any = conn.session
    monkeypatch.setattr(session, "_cursor", Recording(session.duck, seen))  # `duck` opens it
    return seen


def outcome(conn: Connection, sql: str) -> tuple[Any, ...]:
    try:
        cur = conn.cursor().execute(sql)
    except snowreg.Error as e:
        return ("error", e.errno, e.sqlstate, e.msg)
    described = [(d.name, d.type_code, d.precision, d.scale, d.is_nullable) for d in cur.description]
    return ("rows", cur.fetchall(), described)


def fast_tables(names: list[str]) -> list[str]:
    return [n for n in names if n.startswith("__snowreg_in_")]


def labels(where: str = "") -> np.ndarray:
    frame = DATA if not where else DATA[DATA.B > 0]
    return CLF.predict(frame)


def test_sum_by_the_shortcut_registers_nothing(conn: Connection, registered: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sql = "SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s, COUNT(*) AS n FROM t WHERE b > 0"
    on = [outcome(conn, sql) for _ in range(3)]  # planned, then replayed twice
    assert fast_tables(registered) == []
    monkeypatch.setattr(shortcut, "ENABLED", False)
    off = [outcome(conn, sql) for _ in range(2)]
    assert len(fast_tables(registered)) == 2  # the general path reads the table: registered each time
    assert on[0] == on[1] == on[2] == off[0] == off[1]
    assert on[0][1] == [(int(labels("b > 0").sum()), int((DATA.B > 0).sum()))]


def test_replayed_projection_registers_nothing(conn: Connection, registered: list[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sql = "SELECT note, clf!predict(a, b) AS p FROM t LIMIT 50 OFFSET 5"
    first = outcome(conn, sql)  # planned: DuckDB binds the statement over the registered table
    planned = len(fast_tables(registered))
    again = [outcome(conn, sql) for _ in range(3)]  # replayed: the binding is the recipe's
    assert planned >= 1 and len(fast_tables(registered)) == planned
    monkeypatch.setattr(shortcut, "ENABLED", False)
    off = outcome(conn, sql)
    assert first == again[0] == again[1] == again[2] == off
    assert [r[1] for r in first[1]] == [f'{{\n  "output_feature_0": {v}\n}}' for v in labels()[5:55]]


def test_refused_sum_registers_and_answers(conn: Connection, registered: list[str]) -> None:
    """A SUM whose 64-bit partial could wrap leaves the shortcut: DuckDB reads the registered table."""
    sql = "SELECT SUM(huge!predict(a, b):BIG::int) AS s FROM t"
    runs = [outcome(conn, sql) for _ in range(2)]
    assert len(fast_tables(registered)) == 2
    expected = int(Huge().predict(DATA)["BIG"].astype(object).sum())
    assert runs[0] == runs[1] and runs[0][1] == [(expected,)]


def test_errors_unchanged(conn: Connection, registered: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A statement that fails after the fast path reports the same error with and without the shortcuts."""
    sql = "SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s FROM t WHERE nope > 0"
    on = [outcome(conn, sql) for _ in range(2)]
    monkeypatch.setattr(shortcut, "ENABLED", False)
    assert on[0] == on[1] == outcome(conn, sql)
    assert on[0][0] == "error"


PLAIN = [
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) FROM t",
    "SELECT SUM(clf!predict(a, b):output_feature_0::int) AS s, MIN(clf!predict(a, b):output_feature_0::int) AS lo, "
    "MAX(clf!predict(a, b):output_feature_0::int), COUNT(clf!predict(a, b):output_feature_0::int) AS c, "
    "COUNT(*) FROM t WHERE a > 0",
    "SELECT MAX(huge!predict(a, b):BIG::int) AS hi, COUNT(*) AS n FROM t",
]


@pytest.mark.parametrize("sql", PLAIN)
def test_plain_aggregates_replay_without_duckdb(conn: Connection, registered: list[str],
                                                monkeypatch: pytest.MonkeyPatch, sql: str) -> None:
    on = [outcome(conn, sql) for _ in range(3)]
    assert registered.count("final aggregate") == 1  # planned: DuckDB's row, then the same without it
    monkeypatch.setattr(shortcut, "ENABLED", False)
    off = outcome(conn, sql)
    assert on[0] == on[1] == on[2] == off and on[0][0] == "rows"
    assert [type(v) for v in on[1][1][0]] == [type(v) for v in off[1][0]]


def test_plain_sum_value(conn: Connection) -> None:
    for _ in range(3):
        assert outcome(conn, PLAIN[0])[1] == [(int(labels().sum()),)]


@pytest.mark.parametrize("sql", [
    "SELECT SUM(clf!predict(a, b):output_feature_0::int)::FLOAT AS f FROM t",
    "SELECT MAX(clf!predict(a, b):output_feature_0::int)::DOUBLE AS d, COUNT(*) AS n FROM t",
])
def test_other_casts_keep_duckdb(conn: Connection, registered: list[str], monkeypatch: pytest.MonkeyPatch,
                                 sql: str) -> None:
    on = [outcome(conn, sql) for _ in range(3)]
    assert registered.count("final aggregate") == 3 and fast_tables(registered) == []
    monkeypatch.setattr(shortcut, "ENABLED", False)
    assert on[0] == on[1] == on[2] == outcome(conn, sql)
