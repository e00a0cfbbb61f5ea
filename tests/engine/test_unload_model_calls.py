"""COPY INTO @stage FROM (<query that calls a model>): unloading predictions into staged files
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-location: the source is any SELECT). The statement
was refused as `The statement COPY TRUE is not supported by snowreg.`: the grammar had taken the call out of
the statement's text, and what was left was no COPY statement snowreg knew."""

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
    c.cursor().execute("CREATE TABLE t (ID INT, X1 FLOAT, X2 FLOAT)")
    c.cursor().execute("INSERT INTO t VALUES (1, 1, 5), (2, 3, 7)")
    c.cursor().execute("CREATE STAGE st")
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


def test_unload_the_predictions_of_a_query(conn: Connection) -> None:
    got = rows(conn, "COPY INTO @st/preds/ FROM (SELECT id, m!predict(x1, x2):output_feature_0::INT AS p "
                     "FROM t ORDER BY id) FILE_FORMAT = (TYPE = CSV)")
    assert [r[0] for r in got] == [2]  # rows_unloaded
    assert rows(conn, "SELECT $1, $2 FROM @st/preds/ ORDER BY $1") == [("1", "1"), ("2", "3")]


def test_unload_the_objects_a_method_returns(conn: Connection) -> None:
    rows(conn, "COPY INTO @st/objs/ FROM (SELECT MODEL(m, v1)!predict(x1, x2) AS p FROM t) "
               "FILE_FORMAT = (TYPE = JSON)")
    got = rows(conn, "SELECT $1:output_feature_0::FLOAT FROM @st/objs/ ORDER BY 1")  # one object per row
    assert [round(r[0]) for r in got] == [1, 3]


def test_unloading_a_call_needs_the_model(conn: Connection) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        rows(conn, "COPY INTO @st/x/ FROM (SELECT nosuch!predict(x1, x2) FROM t)")
    assert caught.value.errno == 2003
    assert rows(conn, "LIST @st") == []
