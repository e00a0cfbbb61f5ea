"""A table's columns read next to a model call keep what they are, as `SELECT *, MODEL(m, v)!PREDICT(…)`
(what snowflake-ml-python's run() sends) reads every column of its input. The calls are run on a copy of the
rows (the fast path's Arrow table), where VARIANT, OBJECT and ARRAY values had become plain text: they came
out as compact JSON typed TEXT (`{"k":1.5}`) where the same SELECT without the call gives the connector's
JSON text typed VARIANT / OBJECT / ARRAY (https://docs.snowflake.com/en/sql-reference/data-types-semistructured)."""

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
    cur = c.cursor()
    cur.execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT, O OBJECT, A ARRAY, V VARIANT, TS TIMESTAMP_NTZ(3), "
                "N NUMBER(10, 2), S VARCHAR(10))")
    cur.execute("INSERT INTO t SELECT 1, 2, OBJECT_CONSTRUCT('k', 1.5), ARRAY_CONSTRUCT(1, 'a'), "
                "PARSE_JSON('{\"z\": [2.5]}'), '2024-01-01 00:00:00.123', 1.25, 'abc'")
    cur.execute("INSERT INTO t SELECT 3, 4, NULL, NULL, NULL, NULL, NULL, NULL")
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    yield c
    c.close()


COLUMNS = "O, A, V, TS, N, S"


@pytest.mark.parametrize("call", ["m!predict(x1, x2)", "MODEL(m, v1)!predict(x1, x2):output_feature_0",
                                  "m!predict(x1, x2) AS p"])
def test_columns_beside_a_call_read_as_without_it(conn: Connection, call: str) -> None:
    plain = conn.cursor().execute(f"SELECT {COLUMNS} FROM t ORDER BY x1")
    expected, types = plain.fetchall(), [tuple(d[1:]) for d in plain.description]
    beside = conn.cursor().execute(f"SELECT {COLUMNS}, {call} FROM t ORDER BY x1")
    got = beside.fetchall()
    assert [r[:6] for r in got] == expected
    assert [tuple(d[1:]) for d in beside.description][:6] == types


def test_star_beside_a_call(conn: Connection) -> None:
    cur = conn.cursor().execute("SELECT *, m!predict(x1, x2) AS p FROM t ORDER BY x1")
    row = cur.fetchall()[0]
    assert row[2:5] == ('{\n  "k": 1.5\n}', '[\n  1,\n  "a"\n]', '{\n  "z": [\n    2.5\n  ]\n}')
    assert [d[1] for d in cur.description][2:5] == [9, 10, 5]  # OBJECT, ARRAY, VARIANT
