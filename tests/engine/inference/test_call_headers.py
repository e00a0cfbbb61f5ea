"""The name of an unaliased result column that calls a model is the call as written, upper-cased, as
Snowflake names any unaliased item (https://docs.snowflake.com/en/developer-guide/udf/udf-calling-sql shows
`UDF_CONCATENATE_STRINGS(THIRD_ARG => 'THREE', FIRST_ARG => 'ONE', SECOND_ARG => 'TWO')` for a call by
name). A call with named arguments was named from its positional rewrite: `M!PREDICT(X2 => 2.0, X1 => 1.0)`
came out as `M!PREDICT(1.0, 2.0)`, and an omitted parameter showed as a NULL that was never written."""

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
    c.cursor().execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    c.cursor().execute("INSERT INTO t VALUES (1, 2), (3, 4)")
    reg = snowreg.Registry(c)
    reg.log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M", version_name="V1",
                  sample_input_data=X)
    yield c
    c.close()


def names(conn: Connection, sql: str) -> list[str]:
    cur = conn.cursor().execute(sql)
    cur.fetchall()
    return [d[0] for d in cur.description]


@pytest.mark.parametrize("sql, expected", [
    ("SELECT m!predict(x2 => 2.0, x1 => 1.0)", "M!PREDICT(X2 => 2.0, X1 => 1.0)"),
    ("SELECT m!predict(X1 => x1, X2 => x2) FROM t", "M!PREDICT(X1 => X1, X2 => X2)"),
    ("SELECT MODEL(m, V1)!predict(X2 => x2, X1 => x1):output_feature_0 FROM t",
     "MODEL(M, V1)!PREDICT(X2 => X2, X1 => X1):OUTPUT_FEATURE_0"),
    ("WITH mv AS MODEL m VERSION v1 SELECT mv!predict(x2 => x2 + 1, x1 => x1) FROM t",
     "MV!PREDICT(X2 => X2 + 1, X1 => X1)"),
    # a named argument holding another call: each call keeps its own written form
    ("SELECT m!predict(x2 => 0.5, x1 => m!predict(x2 => 1.0, x1 => 2.0):output_feature_0::FLOAT)",
     "M!PREDICT(X2 => 0.5, X1 => M!PREDICT(X2 => 1.0, X1 => 2.0):OUTPUT_FEATURE_0::FLOAT)"),
    # positional calls keep the name they had
    ("SELECT m!predict(1.0, 2.0)", "M!PREDICT(1.0, 2.0)"),
])
def test_a_call_by_name_is_named_as_written(conn: Connection, sql: str, expected: str) -> None:
    assert names(conn, sql) == [expected]


def test_the_answer_of_a_call_by_name_does_not_depend_on_the_order(conn: Connection) -> None:
    cur = conn.cursor()
    one = cur.execute("SELECT m!predict(x2 => x2, x1 => x1) FROM t ORDER BY x1").fetchall()
    two = cur.execute("SELECT m!predict(x1 => x1, x2 => x2) FROM t ORDER BY x1").fetchall()
    three = cur.execute("SELECT m!predict(x1, x2) FROM t ORDER BY x1").fetchall()
    assert one == two == three
