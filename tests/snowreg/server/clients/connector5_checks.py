"""snowflake-connector-python 5.x against `snowreg serve`, run by tests/snowreg/server/test_server_clients.py.

This file runs with the interpreter of `.venv-client5` (which holds the connector 5.x and pytest, not
snowreg): `python -m pytest tests/snowreg/server/clients/connector5_checks.py --noconftest` with SNOWREG_SERVER set
to the server's URL. The server holds model CLF (version V1) and table DB.PUBLIC.FEATURES (A, B, C)
with the rows (1, 1, 0) and (-1, -1, 0).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections.abc import Iterator
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import snowflake.connector
from snowflake.connector import errors

URL = os.environ["SNOWREG_SERVER"]


def connect(**kwargs: Any) -> Any:
    host, port = URL.removeprefix("http://").rsplit(":", 1)
    settings = {"user": "ADMIN", "password": "admin-pw", "database": "DB", "schema": "PUBLIC", **kwargs}
    return snowflake.connector.connect(host=host, port=int(port), protocol="http", account="snowreg",
                                       login_timeout=30,
                                       enable_server_session_keep_alive_auto_detection=False, **settings)


@pytest.fixture
def cur() -> Iterator[Any]:
    with connect() as conn:
        yield conn.cursor()


def test_the_connector_is_5x() -> None:
    assert version("snowflake-connector-python").startswith("5.")


def test_connect_and_select(cur: Any) -> None:
    row = cur.execute("SELECT 1 AS ONE, 'a' AS S, 1.5::FLOAT AS F, TRUE AS B, NULL AS Z").fetchone()
    assert row == (1, "a", 1.5, True, None)
    assert [d.name for d in cur.description] == ["ONE", "S", "F", "B", "Z"]
    assert (cur.connection.database, cur.connection.schema) == ("DB", "PUBLIC")
    assert cur.execute("SELECT CURRENT_USER(), CURRENT_ROLE()").fetchone() == ("ADMIN", "ACCOUNTADMIN")


def test_ddl_dml_and_types(cur: Any) -> None:
    cur.execute("CREATE OR REPLACE TABLE C5 (ID INT, NAME VARCHAR, AMOUNT NUMBER(10,2), AT TIMESTAMP_NTZ, "
                "OK BOOLEAN, DAY DATE, V VARIANT)")
    cur.execute("INSERT INTO C5 SELECT 1, 'a', 1.25, '2024-01-02 03:04:05.5'::TIMESTAMP_NTZ, TRUE, "
                "'2024-01-02'::DATE, PARSE_JSON('{\"k\": [1, 2]}')")
    assert cur.rowcount == 1
    cur.execute("UPDATE C5 SET NAME = 'b' WHERE ID = 1")
    assert cur.rowcount == 1
    rows = cur.execute("SELECT ID, NAME, AMOUNT, AT, OK, DAY, V FROM C5").fetchall()
    assert rows[0][:6] == (1, "b", Decimal("1.25"), dt.datetime(2024, 1, 2, 3, 4, 5, 500000), True,
                           dt.date(2024, 1, 2))
    assert json.loads(rows[0][6]) == {"k": [1, 2]}
    cur.execute("DELETE FROM C5")
    assert cur.rowcount == 1


def test_bindings_pyformat_and_qmark(cur: Any) -> None:
    cur.execute("CREATE OR REPLACE TABLE C5B (ID INT, NAME VARCHAR)")
    cur.executemany("INSERT INTO C5B VALUES (%s, %s)", [(1, "x"), (2, None)])
    assert cur.rowcount == 2
    assert cur.execute("SELECT NAME FROM C5B WHERE ID = %(id)s", {"id": 1}).fetchall() == [("x",)]
    with connect(paramstyle="qmark") as conn:
        qcur = conn.cursor()
        qcur.executemany("INSERT INTO C5B VALUES (?, ?)", [(i, f"n{i}") for i in range(3, 23)])
        assert qcur.rowcount == 20
        assert qcur.execute("SELECT COUNT(*) FROM C5B WHERE ID >= ?", (3,)).fetchone() == (20,)
        got = qcur.execute("SELECT ?::DATE, ?::TIMESTAMP_NTZ, ?::NUMBER(10,2)",
                           (dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5), Decimal("2.50"))).fetchone()
        assert got == (dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5), Decimal("2.50"))


def test_fetch_pandas_all_reads_arrow(cur: Any) -> None:
    frame = cur.execute("SELECT A, B, C FROM FEATURES ORDER BY A").fetch_pandas_all()
    assert list(frame.columns) == ["A", "B", "C"]
    assert frame["A"].tolist() == [-1.0, 1.0]
    batches = cur.execute("SELECT A FROM FEATURES").get_result_batches()
    assert sum(b.rowcount for b in batches) == 2


def test_write_pandas(cur: Any) -> None:
    """5.x's write_pandas: PUT of a parquet file, then `COPY INTO ... (SELECT $1:"A" AS "A" ...)`."""
    import pandas as pd
    from snowflake.connector.pandas_tools import write_pandas

    frame = pd.DataFrame({"ID": [1, 2], "NAME": ["x", "y"], "F": [0.5, 1.5]})
    cur.execute("CREATE OR REPLACE TABLE C5_WP (ID INT, NAME VARCHAR, F FLOAT)")
    cur.execute("DROP TABLE IF EXISTS C5_WP_AUTO")
    written = write_pandas(cur.connection, frame, "C5_WP")
    assert (written.success, written.nrows) == (True, 2)
    created = write_pandas(cur.connection, frame, "C5_WP_AUTO", auto_create_table=True)
    assert (created.success, created.nrows) == (True, 2)
    for table in ("C5_WP", "C5_WP_AUTO"):
        assert cur.execute(f'SELECT "ID", "NAME", "F" FROM {table} ORDER BY 1').fetchall() == \
            [(1, "x", 0.5), (2, "y", 1.5)]


def test_errors_carry_errno_sqlstate_and_query_id(cur: Any) -> None:
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("SELECT * FROM MISSING_TABLE")
    assert (e.value.errno, e.value.sqlstate) == (2003, "42S02") and e.value.sfqid
    assert "does not exist or not authorized" in e.value.msg
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("SELEC 1")
    assert (e.value.errno, e.value.sqlstate) == (1003, "42000")


def test_wrong_password_is_390100(cur: Any) -> None:
    cur.execute("CREATE USER IF NOT EXISTS C5USER PASSWORD = 'right'")
    with pytest.raises(errors.DatabaseError) as e:
        connect(user="C5USER", password="wrong")
    assert (e.value.errno, e.value.sqlstate) == (390100, "28000")
    with connect(user="C5USER", password="right", database=None, schema=None) as conn:
        assert conn.cursor().execute("SELECT CURRENT_USER()").fetchone() == ("C5USER",)


def test_async_query_and_results_by_query_id(cur: Any) -> None:
    qid = cur.execute_async("SELECT COUNT(*) FROM FEATURES")["queryId"]
    cur.get_results_from_sfqid(qid)
    assert cur.fetchall() == [(2,)]
    assert cur.connection.get_query_status(qid).name == "SUCCESS"


def test_model_queries(cur: Any) -> None:
    models = {r[1]: r for r in cur.execute("SHOW MODELS").fetchall()}
    assert "CLF" in models
    versions = [r[1] for r in cur.execute("SHOW VERSIONS IN MODEL CLF").fetchall()]
    assert versions == ["V1"]
    out = cur.execute("SELECT CLF!PREDICT(A, B, C):output_feature_0::INT AS P FROM FEATURES ORDER BY A").fetchall()
    assert out == [(0,), (1,)]
    frame = cur.execute("SELECT A, CLF!PREDICT(A, B, C) AS P FROM FEATURES ORDER BY A").fetch_pandas_all()
    assert [json.loads(p)["output_feature_0"] for p in frame["P"]] == [0, 1]


def test_put_and_get_through_the_server(cur: Any, tmp_path: Path) -> None:
    source = tmp_path / "data.csv"
    source.write_text("1,x\n2,y\n")
    cur.execute("CREATE OR REPLACE STAGE C5_STAGE")
    put = cur.execute(f"PUT 'file://{source}' @C5_STAGE AUTO_COMPRESS = FALSE").fetchall()
    assert put[0][0] == "data.csv" and put[0][6] == "UPLOADED"
    assert [r[0] for r in cur.execute("LIST @C5_STAGE").fetchall()] == ["c5_stage/data.csv"]
    source.write_text("changed\n")  # OVERWRITE = FALSE (the default) keeps the staged file
    again = cur.execute(f"PUT 'file://{source}' @C5_STAGE AUTO_COMPRESS = FALSE").fetchall()
    assert again[0][6] == "SKIPPED"
    target = tmp_path / "back"
    target.mkdir()
    cur.execute(f"GET @C5_STAGE 'file://{target}/'")
    assert (target / "data.csv").read_text() == "1,x\n2,y\n"


def test_put_compressed_and_by_wildcard(cur: Any, tmp_path: Path) -> None:
    """Under AUTO_COMPRESS (the default) the staged file is the `.gz` the driver reports; a wildcard
    stages each matching file under its own name."""
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(f"{name}\n")
    cur.execute("CREATE OR REPLACE STAGE C5_GZ")
    one = cur.execute(f"PUT 'file://{tmp_path}/a.csv' @C5_GZ/one").fetchall()
    assert [(r[0], r[1], r[6]) for r in one] == [("a.csv", "a.csv.gz", "UPLOADED")]
    many = cur.execute(f"PUT file://{tmp_path}/*.csv @C5_GZ/many").fetchall()
    assert sorted((r[1], r[6]) for r in many) == [("a.csv.gz", "UPLOADED"), ("b.csv.gz", "UPLOADED")]
    assert sorted(r[0] for r in cur.execute("LIST @C5_GZ").fetchall()) == \
        ["c5_gz/many/a.csv.gz", "c5_gz/many/b.csv.gz", "c5_gz/one/a.csv.gz"]
    target = tmp_path / "back"
    target.mkdir()
    cur.execute(f"GET @C5_GZ/one 'file://{target}/'")
    assert gzip.decompress((target / "a.csv.gz").read_bytes()) == b"a.csv\n"
