"""A version logged without WAREHOUSE in target_platforms does not run in a warehouse: "If the runnable_in
column has WAREHOUSE as a value, you can run it"
(https://docs.snowflake.com/en/developer-guide/snowflake-ml/inference/native-batch-inference-sql).
Its methods are refused by name from SQL, every call form alike; the version stays listed (SHOW VERSIONS,
SHOW FUNCTIONS), and a version that has WAREHOUSE runs as before (conformance/DECISIONS.md K40)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"A": [0.0, 1.0, 2.0, 3.0], "B": [1.0, 0.0, 1.0, 0.5]})


@pytest.fixture
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    model = LinearRegression().fit(X, 2 * X.A + X.B)
    reg = snowreg.Registry(c)
    reg.log_model(model, model_name="M", version_name="WH", sample_input_data=X,
                  target_platforms=["WAREHOUSE", "SNOWPARK_CONTAINER_SERVICES"])
    reg.log_model(model, model_name="M", version_name="SPCS", sample_input_data=X,
                  target_platforms=["SNOWPARK_CONTAINER_SERVICES"])
    c.cursor().execute("CREATE TABLE t (a DOUBLE, b DOUBLE)")
    c.cursor().execute("INSERT INTO t VALUES (1.0, 1.0)")
    yield c
    c.close()


@pytest.mark.parametrize("sql", [
    "SELECT MODEL(m, spcs)!predict(a, b) FROM t",
    "WITH mv AS MODEL m VERSION spcs SELECT mv!predict(a, b) FROM t",
    "SELECT MODEL(m, LAST)!predict(1.0, 2.0)",
])
def test_a_version_not_runnable_in_a_warehouse_is_refused(conn: Connection, sql: str) -> None:
    with pytest.raises(snowreg.NotSupportedError) as info:
        conn.cursor().execute(sql)
    assert info.value.errno == 2 and info.value.sqlstate == "0A000"
    assert "version SPCS of model DB.S.M" in info.value.msg
    assert 'runnable_in ["SNOWPARK_CONTAINER_SERVICES"]' in info.value.msg


def test_the_version_is_still_listed_and_others_run(conn: Connection) -> None:
    cur = conn.cursor()
    assert cur.execute("SELECT m!predict(a, b):output_feature_0::int FROM t").fetchall() == [(3,)]
    assert cur.execute("SELECT MODEL(m, wh)!predict(a, b):output_feature_0::int FROM t").fetchall() == [(3,)]
    names = [r[1] for r in cur.execute("SHOW VERSIONS IN MODEL m").fetchall()]
    assert sorted(names) == ["SPCS", "WH"]
    assert [r[1] for r in cur.execute("SHOW FUNCTIONS IN MODEL m VERSION spcs").fetchall()] == ["PREDICT"]


def test_a_plan_kept_for_a_statement_does_not_skip_the_check() -> None:
    """LAST moves to a version logged for Snowpark Container Services only: the statement that ran
    before is refused now (the kept plan of its first run is not reused)."""
    c = snowreg.connect(database="DB", schema="S")
    model = LinearRegression().fit(X, 2 * X.A + X.B)
    reg = snowreg.Registry(c)
    reg.log_model(model, model_name="M", version_name="WH", sample_input_data=X)
    sql = "SELECT MODEL(m, LAST)!predict(1.0, 1.0):output_feature_0::int"
    assert c.cursor().execute(sql).fetchall() == [(3,)]
    assert c.cursor().execute(sql).fetchall() == [(3,)]
    reg.log_model(model, model_name="M", version_name="SPCS", sample_input_data=X,
                  target_platforms=["SNOWPARK_CONTAINER_SERVICES"])
    with pytest.raises(snowreg.NotSupportedError, match="version SPCS of model DB.S.M"):
        c.cursor().execute(sql)
    c.close()
