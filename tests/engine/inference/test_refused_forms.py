"""Statements around a model call that snowreg does not run are refused by name, in Snowflake's format,
changing nothing: a multi-table INSERT (https://docs.snowflake.com/en/sql-reference/sql/insert-multi-table)
failed with `Unknown function __SNOWREG_CALL_0` (an internal name), and CREATE TEMPORARY TABLE … AS with
DuckDB's own `TEMPORARY table names can *only* use the "temp" catalog`."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    for sql in ("CREATE TABLE t (X1 FLOAT, X2 FLOAT)", "INSERT INTO t VALUES (1, 5)", "CREATE TABLE a1 (P INT)",
                "CREATE TABLE a2 (P INT)"):
        c.cursor().execute(sql)
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    yield c
    c.close()


@pytest.mark.parametrize("sql, what", [
    ("INSERT ALL INTO a1 INTO a2 SELECT m!predict(x1, x2):output_feature_0::INT AS p FROM t", "multi-table INSERT"),
    ("INSERT FIRST WHEN p > 0 THEN INTO a1 ELSE INTO a2 SELECT m!predict(x1, x2):output_feature_0::INT AS p FROM t",
     "multi-table INSERT"),
    ("CREATE TEMPORARY TABLE tmp AS SELECT m!predict(x1, x2) AS p FROM t", "TEMPORARY"),
    ("CREATE OR REPLACE TEMP TABLE tmp AS SELECT m!predict(x1, x2) AS p FROM t", "TEMPORARY"),
])
def test_refused_by_name_and_nothing_changes(conn: Connection, sql: str, what: str) -> None:
    with pytest.raises(snowreg.NotSupportedError) as caught:
        conn.cursor().execute(sql)
    assert (caught.value.errno, caught.value.sqlstate) == (2, "0A000")
    assert what in caught.value.msg and "__SNOWREG" not in caught.value.msg
    assert conn.cursor().execute("SELECT (SELECT COUNT(*) FROM a1) + (SELECT COUNT(*) FROM a2)").fetchall() == [(0,)]
    assert conn.cursor().execute("SHOW TABLES LIKE 'TMP'").fetchall() == []


def test_a_transient_table_of_predictions_is_made(conn: Connection) -> None:
    conn.cursor().execute("CREATE TRANSIENT TABLE preds AS SELECT m!predict(x1, x2):output_feature_0::INT AS p FROM t")
    assert conn.cursor().execute("SELECT p FROM preds").fetchall() == [(1,)]
