"""COPY INTO @stage FROM <table> | (<query>): unloading rows into staged CSV, JSON and parquet files that load
and query back (https://docs.snowflake.com/en/sql-reference/sql/copy-into-location)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE ul")
    cursor.execute("USE SCHEMA ul.public")
    cursor.execute("CREATE STAGE st")
    cursor.execute("CREATE TABLE t (id INT, name VARCHAR, d DATE, v VARIANT)")
    cursor.execute("INSERT INTO t SELECT 1, 'ann', '2024-01-02'::DATE, PARSE_JSON('{\"k\": [1, 2]}')")
    cursor.execute("INSERT INTO t SELECT 2, NULL, NULL, NULL")
    return cursor


def test_csv_unload_answers_rows_unloaded_and_reads_back(cur: Any) -> None:
    rows = cur.execute("COPY INTO @st/out/ FROM t").fetchall()
    assert [d[0] for d in cur.description] == ["rows_unloaded", "input_bytes", "output_bytes"]
    assert rows[0][0] == 2
    assert [r[0] for r in cur.execute("LIST @st").fetchall()] == ["st/out/data_0_0_0.csv.gz"]
    assert cur.execute("SELECT $1, $3 FROM @st/out/ ORDER BY 1").fetchall() == [("1", "2024-01-02"), ("2", None)]
    cur.execute("CREATE TABLE back (id INT, name VARCHAR, d DATE)")
    cur.execute("COPY INTO @st/two/ FROM (SELECT id, name, d FROM t)")
    cur.execute("COPY INTO back FROM @st/two/")
    assert cur.execute("SELECT id, name, d::VARCHAR FROM back ORDER BY id").fetchall() == [
        (1, "ann", "2024-01-02"), (2, None, None)]


def test_an_existing_file_needs_overwrite(cur: Any) -> None:
    cur.execute("COPY INTO @st/out/ FROM t")
    with pytest.raises(snowreg.ProgrammingError, match="Use overwrite option"):
        cur.execute("COPY INTO @st/out/ FROM t")
    cur.execute("COPY INTO @st/out/ FROM (SELECT id FROM t WHERE id = 1) OVERWRITE = TRUE")
    assert cur.execute("SELECT $1 FROM @st/out/").fetchall() == [("1",)]


def test_header_enclosure_single_and_no_compression(cur: Any) -> None:
    cur.execute("COPY INTO @st/s.csv FROM (SELECT id, name FROM t ORDER BY id) SINGLE = TRUE HEADER = TRUE "
                "FILE_FORMAT = (TYPE = CSV COMPRESSION = NONE FIELD_OPTIONALLY_ENCLOSED_BY = '\"')")
    assert [r[0] for r in cur.execute("LIST @st").fetchall()] == ["st/s.csv"]
    # read without an enclosure: the header and the string values were enclosed, the number was not
    assert cur.execute("SELECT $1, $2 FROM @st/s.csv").fetchall() == [('"ID"', '"NAME"'), ("1", '"ann"'), ("2", None)]
    cur.execute("CREATE FILE FORMAT q TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"' SKIP_HEADER = 1")
    assert cur.execute("SELECT $1, $2 FROM @st/s.csv (FILE_FORMAT => 'q')").fetchall() == [("1", "ann"), ("2", None)]


def test_json_and_parquet_unloads_load_back(cur: Any) -> None:
    cur.execute("COPY INTO @st/j/ FROM (SELECT OBJECT_CONSTRUCT('id', id, 'v', v) FROM t) "
                "FILE_FORMAT = (TYPE = JSON)")
    cur.execute("CREATE TABLE docs (doc VARIANT)")
    cur.execute("COPY INTO docs FROM @st/j/ FILE_FORMAT = (TYPE = JSON)")
    assert cur.execute("SELECT doc:id::INT, ARRAY_SIZE(doc:v:k) FROM docs ORDER BY 1").fetchall() == [(1, 2), (2, None)]
    with pytest.raises(snowreg.ProgrammingError, match="single column"):
        cur.execute("COPY INTO @st/j2/ FROM t FILE_FORMAT = (TYPE = JSON)")
    pytest.importorskip("pyarrow")
    cur.execute("COPY INTO @st/p/ FROM (SELECT id, name, d FROM t) FILE_FORMAT = (TYPE = PARQUET)")
    assert [r[0] for r in cur.execute("LIST @st/p").fetchall()] == ["st/p/data_0_0_0.snappy.parquet"]
    cur.execute("CREATE TABLE back (id INT, name VARCHAR, d DATE)")
    cur.execute("COPY INTO back FROM @st/p/ FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert cur.execute("SELECT id, name, d::VARCHAR FROM back ORDER BY id").fetchall() == [
        (1, "ann", "2024-01-02"), (2, None, None)]


def test_no_rows_writes_no_file(cur: Any) -> None:
    assert cur.execute("COPY INTO @st/e/ FROM (SELECT * FROM t WHERE FALSE)").fetchall() == [(0, 0, 0)]
    assert cur.execute("LIST @st").fetchall() == []
