"""A method's DOUBLE outputs are VARIANT doubles wherever the call stands. Called at the top of a SELECT
they printed as Snowflake prints a double in an OBJECT (`1.000000000000000e+00`); inside a subquery, a CTE,
a view or a CTAS the same values came out as decimals (`1.0000000000000002`), typed DECIMAL, so one call
gave two texts and two types depending on where it was written."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


class Labelled:
    """A float output next to a string output (the per-row road of the JSON objects)."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"SCORE": df["X1"] / 3.0, "LABEL": np.where(df["X1"] > 1, "high", "low")})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    cur = c.cursor()
    cur.execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    cur.execute("INSERT INTO t VALUES (1, 2), (3, 4)")
    reg = snowreg.Registry(c)
    reg.log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M", version_name="V1",
                  sample_input_data=X)
    reg.log_model(Labelled(), model_name="L", version_name="V1", sample_input_data=X)
    cur.execute("CREATE VIEW vw AS SELECT X1, m!predict(X1, X2) AS p FROM t")
    cur.execute("CREATE TABLE ctas AS SELECT X1, m!predict(X1, X2) AS p FROM t")
    cur.execute("CREATE VIEW lvw AS SELECT X1, l!predict(X1, X2) AS p FROM t")
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


@pytest.mark.parametrize("source", [
    "(SELECT X1, m!predict(X1, X2) AS p FROM t)",
    "vw",
    "ctas",
])
def test_a_double_output_reads_alike_at_the_top_and_inside(conn: Connection, source: str) -> None:
    top = rows(conn, "SELECT m!predict(X1, X2) AS p, TYPEOF(p:output_feature_0) FROM t ORDER BY X1")
    inside = rows(conn, f"SELECT p, TYPEOF(p:output_feature_0) FROM {source} ORDER BY X1")
    assert inside == top
    assert [r[0] for r in top] == ['{\n  "output_feature_0": 1.000000000000000e+00\n}',
                                   '{\n  "output_feature_0": 3.000000000000000e+00\n}']
    assert {r[1] for r in top} == {"DOUBLE"}


def test_a_cte_reads_the_double_as_a_double(conn: Connection) -> None:
    assert rows(conn, "WITH c AS (SELECT X1, m!predict(X1, X2) AS p FROM t) "
                      "SELECT p:output_feature_0::VARCHAR, TYPEOF(p:output_feature_0) FROM c ORDER BY X1") == [
        ("1.000000000000000e+00", "DOUBLE"), ("3.000000000000000e+00", "DOUBLE")]


def test_a_double_next_to_a_string_output_is_a_double_too(conn: Connection) -> None:
    top = rows(conn, "SELECT l!predict(X1, X2) AS p FROM t ORDER BY X1")
    assert rows(conn, "SELECT p FROM lvw ORDER BY X1") == top
    assert top[0][0] == '{\n  "LABEL": "low",\n  "SCORE": 3.333333333333333e-01\n}'
