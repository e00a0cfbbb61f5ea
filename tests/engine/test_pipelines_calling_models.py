"""Tasks, dynamic tables and materialized views whose query calls a model. Their statements keep the query
as text; the grammar had taken the model calls out of that text (they stand apart in the statement's
template), so `CREATE TASK … AS INSERT … SELECT m!predict(…):output_feature_0` kept
`INSERT … SELECT :output_feature_0` and every run failed (252004, a bind variable), silently changed.
https://docs.snowflake.com/en/sql-reference/sql/create-task (the body is any single SQL statement),
https://docs.snowflake.com/en/developer-guide/snowflake-ml/inference/native-batch-inference-sql."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


@pytest.fixture
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    c.cursor().execute("INSERT INTO t VALUES (1, 5), (3, 7)")
    c.cursor().execute("CREATE TABLE scores (X1 FLOAT, P FLOAT)")
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


def test_a_task_that_calls_a_model_keeps_and_runs_its_call(conn: Connection) -> None:
    body = "INSERT INTO scores SELECT x1, m!predict(x1, x2):output_feature_0::FLOAT FROM t"
    conn.cursor().execute(f"CREATE TASK score_task AS {body}")
    [definition] = [r[0] for r in rows(conn, 'SHOW TASKS ->> SELECT "definition" FROM $1')]
    assert "M!PREDICT(x1, x2):output_feature_0::FLOAT" in definition
    conn.cursor().execute("EXECUTE TASK score_task")
    states = rows(conn, "SELECT name, state, error_message FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY())")
    assert states == [("SCORE_TASK", "SUCCEEDED", None)]
    assert [(x, round(p)) for x, p in rows(conn, "SELECT x1, p FROM scores ORDER BY x1")] == [(1.0, 1), (3.0, 3)]


def test_a_dynamic_table_over_model_calls(conn: Connection) -> None:
    conn.cursor().execute("CREATE DYNAMIC TABLE dt TARGET_LAG = '1 hour' WAREHOUSE = wh AS "
                          "SELECT x1, MODEL(m, v1)!predict(x1, x2):output_feature_0::FLOAT AS p FROM t")
    assert [(x, round(p)) for x, p in rows(conn, "SELECT x1, p FROM dt ORDER BY x1")] == [(1.0, 1), (3.0, 3)]
    conn.cursor().execute("INSERT INTO t VALUES (2, 0)")
    conn.cursor().execute("ALTER DYNAMIC TABLE dt REFRESH")
    assert [round(p) for (p,) in rows(conn, "SELECT p FROM dt ORDER BY x1")] == [1, 2, 3]
