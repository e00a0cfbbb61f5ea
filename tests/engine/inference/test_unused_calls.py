"""A model call no reader needs (the client's `SELECT "_ID" FROM (… MODEL(m, v)!PREDICT(…) AS TMP …) LIMIT 1`
probe) is compiled but never run (engine/inference/unused.py, conformance/DECISIONS.md M1): the same rows as
running it, the same compile errors, and a failing model fails the query that reads its output."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.inference import unused

SOURCE = 'SELECT "_ID", CAST("X1" AS DOUBLE) AS "X1", CAST("X2" AS DOUBLE) AS "X2" FROM {table}'
CALL = "SELECT *, MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) AS TMP FROM I"
INNER = "(WITH I AS (" + SOURCE + ") " + CALL + ")"
PROBE = 'SELECT "_ID" FROM ' + INNER + " LIMIT 1"
RESULT = 'SELECT CAST(TMP[\'output_feature_0\'] AS FLOAT) AS "out" FROM ' + INNER + ' ORDER BY "_ID"'

NOT_READ = [  # the call's value is read by no one: dropped
    PROBE,
    'SELECT "_ID" FROM ' + INNER + ' ORDER BY "_ID"',
    'SELECT "_ID" * 2 AS d, X1 FROM ' + INNER + ' WHERE X2 > 0 ORDER BY 1',
    'SELECT COUNT("_ID") AS n FROM ' + INNER,
    'SELECT "_ID" FROM ' + INNER + ' AS s ORDER BY s."_ID" DESC LIMIT 3',
    'SELECT "_ID" FROM (SELECT MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) AS TMP, "_ID" FROM {table}) ORDER BY 1',
]
READ = [  # the call's value may be read, or decides the rows: run
    RESULT,
    "SELECT * FROM " + INNER + " LIMIT 1",
    'SELECT "_ID", TMP FROM ' + INNER + ' ORDER BY "_ID" LIMIT 2',
    'SELECT "_ID" FROM ' + INNER + ' WHERE TMP IS NOT NULL ORDER BY 1',
    'SELECT "_ID" FROM (WITH I AS (' + SOURCE + ') SELECT DISTINCT "_ID", MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) AS TMP '
    'FROM I) ORDER BY 1',
    'SELECT "_ID" FROM (WITH I AS (' + SOURCE + ') SELECT "_ID", MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) AS TMP FROM I '
    "WHERE MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) IS NOT NULL) ORDER BY 1",
    "SELECT MODEL(ML.DEV.M, V1)!PREDICT(X1, X2) AS TMP FROM {table} ORDER BY \"_ID\" LIMIT 1",
]
COMPILE_ERRORS = [  # raised whether or not the call would run
    PROBE.replace("ML.DEV.M,", "ML.DEV.NOPE,"),
    PROBE.replace("PREDICT(X1, X2)", "PREDICT(X1)"),
    PROBE.replace("PREDICT(X1, X2)", "NO_SUCH_METHOD(X1, X2)"),
    PROBE.replace("PREDICT(X1, X2)", "PREDICT(X1, NOPE)"),
    PROBE.replace("PREDICT(X1, X2)", "PREDICT(X1, ARRAY_CONSTRUCT(1, 2))"),
]


@pytest.fixture
def admin(analyst_pair: tuple[Any, Any]) -> Iterator[Any]:
    """ADMIN with table T (20 rows) and F (the same with an X1 of NULL, which the model refuses)."""
    admin, _ = analyst_pair
    cur = admin.cursor()
    cur.execute('CREATE TABLE T (X1 FLOAT, X2 FLOAT, "_ID" NUMBER(38, 0))')
    cur.execute("INSERT INTO T SELECT seq4() / 3, 1 - seq4() / 7, seq4() FROM TABLE(GENERATOR(ROWCOUNT => 20))")
    cur.execute("CREATE TABLE F AS SELECT CASE WHEN \"_ID\" = 4 THEN NULL ELSE X1 END AS X1, X2, \"_ID\" FROM T")
    yield admin


def both_ways(conn: Any, sql: str) -> list[Any]:
    """(description, rows) or (error class, text), with unread calls dropped and then run."""
    out = []
    for drop in (True, False):
        unused.ENABLED = drop
        conn.cursor().execute(f"ALTER SESSION SET QUERY_TAG = 'dropped {drop}'")  # not the other run's plan
        try:
            cur = conn.cursor().execute(sql)
            out.append((cur.description, cur.fetchall()))
        except snowreg.Error as e:
            out.append((type(e), str(e)))
        finally:
            unused.ENABLED = True
    conn.cursor().execute("ALTER SESSION UNSET QUERY_TAG")
    return out


def model_calls(conn: Any) -> int:
    return sum(conn._session.inference_stats.values())


@pytest.mark.parametrize("sql", NOT_READ)
def test_an_unread_call_gives_the_same_rows_without_running(admin: Any, sql: str) -> None:
    dropped, ran = both_ways(admin, sql.replace("{table}", "T"))
    assert dropped == ran and ran[1]
    before = model_calls(admin)
    admin.cursor().execute(sql.replace("{table}", "T")).fetchall()
    assert model_calls(admin) == before  # the model never ran


@pytest.mark.parametrize("sql", READ)
def test_a_read_call_runs(admin: Any, sql: str) -> None:
    dropped, ran = both_ways(admin, sql.replace("{table}", "T"))
    assert dropped == ran and ran[1]
    before = model_calls(admin)
    admin.cursor().execute(sql.replace("{table}", "T")).fetchall()
    assert model_calls(admin) > before


@pytest.mark.parametrize("sql", READ)
def test_a_failing_model_fails_a_query_that_reads_it(admin: Any, sql: str) -> None:
    dropped, ran = both_ways(admin, sql.replace("{table}", "F"))
    assert dropped == ran
    assert isinstance(dropped[0], type) and issubclass(dropped[0], snowreg.Error)
    assert "NaN" in dropped[1]


def test_a_failing_model_is_not_run_for_a_probe_that_does_not_read_it(admin: Any) -> None:
    """The client's probe answers from the input rows; its real query then raises the model's error."""
    dropped, ran = both_ways(admin, PROBE.replace("{table}", "F"))
    assert dropped[1] == [(0,)]  # Snowflake's optimizer drops the unread projection (DECISIONS.md M1)
    assert isinstance(ran[0], type) and "NaN" in ran[1]  # running it anyway fails
    with pytest.raises(snowreg.Error, match="NaN"):
        admin.cursor().execute(RESULT.replace("{table}", "F")).fetchall()


@pytest.mark.parametrize("sql", COMPILE_ERRORS)
def test_compile_errors_are_raised_for_an_unread_call(admin: Any, sql: str) -> None:
    dropped, ran = both_ways(admin, sql.replace("{table}", "T"))
    assert dropped == ran
    assert isinstance(dropped[0], type) and issubclass(dropped[0], snowreg.Error)


def test_a_role_without_usage_on_the_model_is_refused(analyst_pair: tuple[Any, Any], admin: Any) -> None:
    _, alice = analyst_pair
    admin.cursor().execute("GRANT SELECT ON TABLE T TO ROLE ANALYST")
    dropped, ran = both_ways(alice, PROBE.replace("{table}", "T"))
    assert dropped == ran
    assert isinstance(dropped[0], type) and "M" in dropped[1]
    admin.cursor().execute("GRANT USAGE ON MODEL M TO ROLE ANALYST")
    dropped, ran = both_ways(alice, PROBE.replace("{table}", "T"))
    assert dropped == ran and dropped[1] == [(0,)]
