"""FLATTEN over what a model method returns (one OBJECT per row, keyed by the signature's outputs:
https://docs.snowflake.com/en/developer-guide/snowflake-ml/inference/native-batch-inference-sql; FLATTEN
takes any OBJECT or ARRAY, https://docs.snowflake.com/en/sql-reference/functions/flatten). A statement that
calls a model is translated, then read again: FLATTEN's `json_extract(w, n)` was written `w -> n`, which the
second reading took for a lambda, and every such statement failed with DuckDB's `This scalar function does
not support lambdas!`."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


class TwoOutputs:
    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"LOW": df["X1"] - 1, "HIGH": df["X1"] + 1})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE t (ID INT, X1 FLOAT, X2 FLOAT)")
    c.cursor().execute("INSERT INTO t VALUES (1, 1, 2), (2, 3, 4)")
    reg = snowreg.Registry(c)
    reg.log_model(TwoOutputs(), model_name="M", version_name="V1", sample_input_data=X)
    reg.log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="R", version_name="V1",
                  sample_input_data=X)
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


@pytest.mark.parametrize("flatten", [
    "LATERAL FLATTEN(input => m!predict(x1, x2)) f",
    "LATERAL FLATTEN(m!predict(x1, x2)) f",
    "TABLE(FLATTEN(input => MODEL(m, v1)!predict(x1, x2))) f",
])
def test_flatten_the_object_a_method_returns(conn: Connection, flatten: str) -> None:
    got = rows(conn, f"SELECT t.id, f.key, f.value::INT FROM t, {flatten} ORDER BY t.id, f.key")
    assert got == [(1, "HIGH", 2), (1, "LOW", 0), (2, "HIGH", 4), (2, "LOW", 2)]


def test_flatten_a_column_of_a_subquery_that_calls_a_model(conn: Connection) -> None:
    got = rows(conn, "SELECT p.id, f.key FROM (SELECT id, m!predict(x1, x2) AS o FROM t) p, "
                     "LATERAL FLATTEN(input => p.o) f WHERE f.value::INT > 1 ORDER BY p.id, f.key")
    assert got == [(1, "HIGH"), (2, "HIGH"), (2, "LOW")]


def test_flatten_an_array_next_to_a_model_call(conn: Connection) -> None:
    got = rows(conn, "SELECT f.index, f.value::INT, r!predict(x1, x2):output_feature_0::INT FROM t, "
                     "LATERAL FLATTEN(input => ARRAY_CONSTRUCT(x1, x2)) f WHERE t.id = 1 ORDER BY f.index")
    assert got == [(0, 1, 1), (1, 2, 1)]
