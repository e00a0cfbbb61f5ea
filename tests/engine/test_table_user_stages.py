"""Table stages `@%t` and the user stage `@~`
(https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage): PUT, LIST, GET, REMOVE,
COPY INTO t from its own stage with no FROM, queries over them, unloading into them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE ts")
    cursor.execute("USE SCHEMA ts.public")
    cursor.tmp = tmp_path
    return cursor


def put(cur: Any, name: str, text: str, where: str) -> list[Any]:
    path = cur.tmp / name
    path.write_text(text)
    return cur.execute(f"PUT '{path.as_uri()}' {where}").fetchall()


def test_copy_into_a_table_with_no_from_loads_its_own_stage(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, name VARCHAR)")
    assert put(cur, "a.csv", "1,x\n2,y\n", "@%t")[0][6] == "UPLOADED"
    assert [r[0] for r in cur.execute("LIST @%t").fetchall()] == ["a.csv.gz"]
    rows = cur.execute("COPY INTO t").fetchall()
    assert [(r[0], r[1], r[3]) for r in rows] == [("a.csv.gz", "LOADED", 2)]
    assert cur.execute("SELECT id, name FROM t ORDER BY id").fetchall() == [(1, "x"), (2, "y")]
    # loaded once: the second COPY skips it
    assert cur.execute("COPY INTO t FROM @%t").fetchall() == [("Copy executed with 0 files processed.",)]
    # a table stage's files are loaded, not queried (named and user stages are)
    with pytest.raises(snowreg.NotSupportedError) as caught:
        cur.execute("SELECT t.$2 FROM @%t t")
    assert caught.value.sqlstate == "0A000"
    assert cur.execute("SELECT t.$2 FROM @~ t").fetchall() == []


def test_a_table_stage_is_its_own_and_goes_with_the_table(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT)")
    cur.execute("CREATE TABLE u (id INT)")
    put(cur, "a.csv", "1\n", "@%t")
    assert cur.execute("LIST @%u").fetchall() == []
    cur.execute("ALTER TABLE t RENAME TO t2")
    assert [r[0] for r in cur.execute("LIST @%t2").fetchall()] == ["a.csv.gz"]
    cur.execute("CREATE OR REPLACE TABLE t2 (id INT)")
    assert cur.execute("LIST @%t2").fetchall() == []  # a new table has a new, empty stage


def test_a_missing_table_or_a_view_has_no_stage(cur: Any) -> None:
    cur.execute("CREATE VIEW v AS SELECT 1 AS x")
    for where in ("@%nosuch", "@%v"):
        with pytest.raises(snowreg.ProgrammingError) as caught:
            cur.execute(f"LIST {where}")
        assert caught.value.errno == 2003
        assert "does not exist or not authorized" in caught.value.msg
    with pytest.raises(snowreg.ProgrammingError) as caught:
        put(cur, "a.csv", "1\n", "@%nosuch")
    assert caught.value.errno == 2003


def test_user_stage_put_list_get_remove(cur: Any) -> None:
    put(cur, "a.csv", "1,x\n", "@~/in")
    put(cur, "b.csv", "2,y\n", "@~/in")
    assert [r[0] for r in cur.execute("LIST @~").fetchall()] == ["in/a.csv.gz", "in/b.csv.gz"]
    out = cur.tmp / "out"
    got = cur.execute(f"GET @~/in/a.csv.gz '{out.as_uri()}'").fetchall()
    assert got[0][0] == "a.csv.gz" and (out / "a.csv.gz").exists()
    cur.execute("CREATE TABLE t (id INT, name VARCHAR)")
    rows = cur.execute("COPY INTO t FROM @~/in PATTERN = '.*b.*'").fetchall()
    assert [(r[0], r[3]) for r in rows] == [("in/b.csv.gz", 1)]
    assert cur.execute("REMOVE @~/in/a.csv.gz").fetchall() == [("in/a.csv.gz", "removed")]
    assert [r[0] for r in cur.execute("LIST @~").fetchall()] == ["in/b.csv.gz"]


def test_unload_into_the_user_stage(cur: Any) -> None:
    cur.execute("CREATE TABLE t AS SELECT 1 AS id")
    assert cur.execute("COPY INTO @~/out/ FROM t").fetchall()[0][0] == 1
    assert [r[0] for r in cur.execute("LIST @~/out").fetchall()] == ["out/data_0_0_0.csv.gz"]
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO @~/out/ FROM t")
    assert "@~/out/data_0_0_0.csv.gz" in caught.value.msg


def test_path_traversal_is_refused_on_table_and_user_stages(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT)")
    for where in ("@~/../x", "@%t/../x", "@~/a/./b"):
        with pytest.raises(snowreg.ProgrammingError):
            put(cur, "a.csv", "1\n", where)
    assert cur.execute("LIST @~").fetchall() == []


def test_load_metadata_goes_with_a_rolled_back_transaction(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT)")
    put(cur, "a.csv", "1\n", "@%t")
    cur.execute("BEGIN")
    assert cur.execute("COPY INTO t").fetchall()[0][1] == "LOADED"
    # inside the transaction the file counts as loaded
    assert cur.execute("COPY INTO t").fetchall() == [("Copy executed with 0 files processed.",)]
    cur.execute("ROLLBACK")
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
    # the rows went, and so did the record of loading them: the file loads again
    cur.execute("BEGIN")
    assert cur.execute("COPY INTO t").fetchall()[0][1] == "LOADED"
    cur.execute("COMMIT")
    assert cur.execute("COPY INTO t").fetchall() == [("Copy executed with 0 files processed.",)]
    # a TRUNCATE rolled back keeps the load metadata too
    cur.execute("BEGIN")
    cur.execute("TRUNCATE TABLE t")
    assert cur.execute("COPY INTO t").fetchall()[0][1] == "LOADED"
    cur.execute("ROLLBACK")
    assert cur.execute("COPY INTO t").fetchall() == [("Copy executed with 0 files processed.",)]
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(1,)]


VALIDATION_COLUMNS = ["ERROR", "FILE", "LINE", "CHARACTER", "BYTE_OFFSET", "CATEGORY", "CODE", "SQL_STATE",
                      "COLUMN_NAME", "ROW_NUMBER", "ROW_START_LINE", "REJECTED_RECORD"]


def test_validation_mode_return_errors_loads_nothing(cur: Any) -> None:
    cur.execute("CREATE TABLE t (name VARCHAR NOT NULL, id INT, quota NUMBER)")
    put(cur, "data1.csv", "Joe Smith,456111,0\nTom Jones,111111,3400\nBad,abc,1\n", "@%t")
    rows = cur.execute("COPY INTO t VALIDATION_MODE = 'RETURN_ERRORS'").fetchall()
    assert [d[0] for d in cur.description] == VALIDATION_COLUMNS
    assert rows == [("Numeric value 'abc' is not recognized", "data1.csv.gz", 3, 5, None, "conversion", 100038,
                     "22018", '"T"["ID":2]', 3, 3, None)]
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
    # nothing was recorded as loaded either
    assert cur.execute("COPY INTO t ON_ERROR = CONTINUE").fetchall()[0][1:4] == ("PARTIALLY_LOADED", 3, 2)
    # RETURN_ERRORS leaves out files loaded before; RETURN_ALL_ERRORS reads them too
    assert cur.execute("COPY INTO t VALIDATION_MODE = RETURN_ERRORS").fetchall() == [
        ("Copy executed with 0 files processed.",)]
    assert len(cur.execute("COPY INTO t VALIDATION_MODE = RETURN_ALL_ERRORS").fetchall()) == 1


def test_validation_mode_return_n_rows(cur: Any) -> None:
    cur.execute("CREATE TABLE t (name VARCHAR, id INT, quota NUMBER)")
    put(cur, "data1.csv", "Joe Smith,456111,0\nTom Jones,111111,3400\nBad,abc,1\n", "@%t")
    rows = cur.execute("COPY INTO t VALIDATION_MODE = 'RETURN_2_ROWS'").fetchall()
    assert [d[0] for d in cur.description] == ["NAME", "ID", "QUOTA"]
    assert rows == [("Joe Smith", 456111, 0), ("Tom Jones", 111111, 3400)]
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO t VALIDATION_MODE = 'RETURN_3_ROWS'")
    assert caught.value.errno == 100038
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO t VALIDATION_MODE = 'RETURN_SOME_ROWS'")
    assert caught.value.errno == 1008
