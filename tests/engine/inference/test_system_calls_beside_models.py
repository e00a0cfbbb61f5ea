"""SYSTEM$ functions, GET_DDL and LAST_QUERY_ID in a statement that calls a model, or that names a view over
model calls (such statements take the inference road). That road spliced session variables into the text
but not the other text rewrites of the plain road, so each of these was refused as `The function … is not
supported by snowreg` there, GET_DDL('VIEW', '<a view over model calls>') included."""

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
    cur.execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    cur.execute("INSERT INTO t VALUES (1, 2)")
    snowreg.Registry(c).log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M",
                                  version_name="V1", sample_input_data=X)
    cur.execute("CREATE TAG stage")
    cur.execute("ALTER MODEL m SET TAG stage = 'prod'")
    yield c
    c.close()


def test_a_system_function_beside_a_model_call(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("SELECT m!predict(X1, X2):output_feature_0::FLOAT AS p, SYSTEM$GET_TAG('DB.S.STAGE', 'M', 'MODULE') "
                "AS stage FROM t")
    assert cur.fetchall() == [(pytest.approx(1.0), "prod")]
    assert [d[0] for d in cur.description] == ["P", "STAGE"]


def test_last_query_id_beside_a_model_call_is_the_previous_statement_each_time(conn: Connection) -> None:
    cur = conn.cursor()
    sql = "SELECT LAST_QUERY_ID() AS q, m!predict(X1, X2):output_feature_0::FLOAT AS p FROM t"
    for _ in range(3):  # the same text again: the value is never replayed from an earlier plan
        before = cur.execute("SELECT 1").sfqid
        assert cur.execute(sql).fetchall() == [(before, pytest.approx(1.0))]


def test_get_ddl_of_a_view_over_model_calls_writes_its_query_as_written(conn: Connection) -> None:
    """Its statement is kept as any view's (DECISIONS.md N39); GET_DDL once refused it."""
    cur = conn.cursor()
    cur.execute("CREATE VIEW plain AS SELECT X1 FROM t")
    cur.execute("CREATE VIEW scored AS SELECT m!predict(X1, X2) AS p FROM t")
    assert "create or replace view PLAIN" in cur.execute("SELECT GET_DDL('VIEW', 'plain')").fetchone()[0]
    assert cur.execute("SELECT GET_DDL('VIEW', 'scored')").fetchone()[0] == \
        "create or replace view SCORED(\n\tP\n) as SELECT m!predict(X1, X2) AS p FROM t;"


def test_an_error_in_a_system_function_points_where_it_was_written(conn: Connection) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        conn.cursor().execute("SET v = 1")
        conn.cursor().execute("SELECT m!predict($v, X2) AS p,\n  GET_DDL('TABLE', 'nope') FROM t")
    assert caught.value.errno == 2003
