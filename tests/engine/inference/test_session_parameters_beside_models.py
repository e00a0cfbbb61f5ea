"""Session parameters that change a statement's translation (DEFAULT_NULL_ORDERING, the input formats,
TIMESTAMP_TYPE_MAPPING: engine/sql/session_texts.py) apply to a statement that calls a model as they do to
any other statement: the inference road rewrites its text the way the plain road does."""

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
    cur = c.cursor()
    cur.execute("CREATE TABLE t (K INT, X1 FLOAT, X2 FLOAT)")
    cur.execute("INSERT INTO t VALUES (2, 1, 2), (NULL, 0, 1), (1, 3, 0)")
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    yield c
    c.close()


SQL = "SELECT k, m!predict(X1, X2):output_feature_0::FLOAT AS p FROM t ORDER BY k"


def test_default_null_ordering_orders_a_statement_with_model_calls(conn: Connection) -> None:
    cur = conn.cursor()
    assert [r[0] for r in cur.execute(SQL).fetchall()] == [1, 2, None]  # LAST, the default
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = 'FIRST'")
    assert [r[0] for r in cur.execute(SQL).fetchall()] == [None, 1, 2]
    assert [r[0] for r in cur.execute(SQL.replace("p FROM", "p, 1 AS one FROM")).fetchall()] == [None, 1, 2]
    cur.execute("ALTER SESSION UNSET DEFAULT_NULL_ORDERING")
    assert [r[0] for r in cur.execute(SQL).fetchall()] == [1, 2, None]  # no plan of the other setting replayed


def test_date_input_format_reads_text_beside_a_model_call(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY'")
    rows = cur.execute("SELECT '03/02/2024'::DATE AS d, m!predict(X1, X2):output_feature_0::FLOAT AS p "
                       "FROM t WHERE k = 2").fetchall()
    assert str(rows[0][0]) == "2024-02-03" and rows[0][1] == pytest.approx(1.0)


def test_timestamp_type_mapping_types_a_statement_with_model_calls(conn: Connection) -> None:
    cur = conn.cursor()
    sql = ("SELECT '2024-01-01 10:00'::TIMESTAMP AS ts, m!predict(X1, X2):output_feature_0::FLOAT AS p "
           "FROM t WHERE k = 2")
    plain = "SELECT '2024-01-01 10:00'::TIMESTAMP AS ts"
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = 'TIMESTAMP_LTZ'")
    expected = cur.execute(plain).description[0].type_code
    assert cur.execute(sql).description[0].type_code == expected
    cur.execute("ALTER SESSION UNSET TIMESTAMP_TYPE_MAPPING")
    assert cur.execute(sql).description[0].type_code == cur.execute(plain).description[0].type_code != expected
