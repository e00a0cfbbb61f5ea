"""COPY INTO <table> FROM @stage of staged CSV, JSON and parquet files, and named file formats
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, …/create-file-format)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

import snowreg

RESULT = ["file", "status", "rows_parsed", "rows_loaded", "error_limit", "errors_seen", "first_error",
          "first_error_line", "first_error_character", "first_error_column_name"]


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE ld")
    cursor.execute("USE SCHEMA ld.public")
    cursor.execute("CREATE STAGE st")
    cursor.tmp = tmp_path
    return cursor


def put(cur: Any, name: str, text: str | bytes, where: str = "@st", compress: bool = True) -> None:
    path = cur.tmp / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    cur.execute(f"PUT '{path.as_uri()}' {where} AUTO_COMPRESS = {'TRUE' if compress else 'FALSE'}")


CSV = "id,name,amount,day\n1,alice,10.5,2024-01-02\n2,bob,abc,2024-01-03\n3,\"carol, jr\",7,2024-01-04\n"


def test_csv_loads_by_position_with_the_documented_result_columns(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, name VARCHAR, amount NUMBER(10, 2), day DATE)")
    put(cur, "good.csv", "1,alice,10.5,2024-01-02\n2,\"bob, jr\",,2024-01-03\n")
    rows = cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"')").fetchall()
    assert [d[0] for d in cur.description] == RESULT
    assert rows == [("st/good.csv.gz", "LOADED", 2, 2, 1, 0, None, None, None, None)]
    assert cur.execute("SELECT id, name, amount, day::VARCHAR FROM t ORDER BY id").fetchall() == [
        (1, "alice", pytest.approx(10.5), "2024-01-02"), (2, "bob, jr", None, "2024-01-03")]


def test_abort_statement_fails_with_the_place_and_leaves_the_table_unchanged(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, name VARCHAR, amount NUMBER(10, 2), day DATE)")
    put(cur, "a.csv", CSV)
    cur.execute("CREATE FILE FORMAT f TYPE = CSV SKIP_HEADER = 1 FIELD_OPTIONALLY_ENCLOSED_BY = '\"'")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO t FROM @st FILE_FORMAT = (FORMAT_NAME = f)")
    assert caught.value.errno == 100038
    assert caught.value.msg.startswith("Numeric value 'abc' is not recognized\n  File 'st/a.csv.gz', line 3, "
                                       "character 7\n  Row 2, column \"T\"[\"AMOUNT\":3]")
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]
    # nothing was recorded as loaded: the same COPY with CONTINUE loads the file
    rows = cur.execute("COPY INTO t FROM @st FILE_FORMAT = (FORMAT_NAME = f) ON_ERROR = CONTINUE").fetchall()
    assert rows == [("st/a.csv.gz", "PARTIALLY_LOADED", 3, 2, 3, 1, "Numeric value 'abc' is not recognized", 3, 7,
                     '"T"["AMOUNT":3]')]
    assert cur.execute("SELECT id FROM t ORDER BY id").fetchall() == [(1,), (3,)]


def test_skip_file_loads_nothing_of_a_file_with_an_error(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, name VARCHAR, amount NUMBER(10, 2), day DATE)")
    put(cur, "a.csv", CSV)
    put(cur, "b.csv", "id,name,amount,day\n9,zed,1,2024-02-02\n")
    rows = cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 "
                       "FIELD_OPTIONALLY_ENCLOSED_BY = '\"') ON_ERROR = SKIP_FILE").fetchall()
    assert [(r[0], r[1], r[3]) for r in rows] == [("st/a.csv.gz", "LOAD_FAILED", 0), ("st/b.csv.gz", "LOADED", 1)]
    assert cur.execute("SELECT id FROM t").fetchall() == [(9,)]


def test_load_metadata_skips_loaded_files_unless_force(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    put(cur, "n.csv", "1\n2\n")
    assert cur.execute("COPY INTO t FROM @st").fetchall()[0][1] == "LOADED"
    assert cur.execute("COPY INTO t FROM @st").fetchall() == [("Copy executed with 0 files processed.",)]
    assert [d[0] for d in cur.description] == ["status"]
    assert cur.execute("COPY INTO t FROM @st FORCE = TRUE").fetchall()[0][3] == 2
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(4,)]
    cur.execute("CREATE OR REPLACE TABLE t (a INT)")  # a new table has no load metadata
    assert cur.execute("COPY INTO t FROM @st").fetchall()[0][3] == 2
    cur.execute("TRUNCATE TABLE t")  # nor a truncated one (the TRUNCATE TABLE page)
    assert cur.execute("COPY INTO t FROM @st").fetchall()[0][3] == 2


def test_files_pattern_and_purge(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    put(cur, "x1.csv", "1\n", "@st/d/", compress=False)
    put(cur, "x2.csv", "2\n", "@st/d/", compress=False)
    put(cur, "y.txt", "3\n", "@st/d/", compress=False)
    assert [r[0] for r in cur.execute("COPY INTO t FROM @st/d/ FILES = ('x2.csv')").fetchall()] == ["st/d/x2.csv"]
    rows = cur.execute("COPY INTO t FROM @st PATTERN = '.*x[0-9][.]csv' PURGE = TRUE").fetchall()
    assert [r[0] for r in rows] == ["st/d/x1.csv"]
    assert sorted(r[0] for r in cur.execute("LIST @st").fetchall()) == ["st/d/x2.csv", "st/d/y.txt"]


def test_null_if_empty_fields_and_enclosed_empty_strings(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a VARCHAR, b VARCHAR, c VARCHAR)")
    put(cur, "n.csv", 'x,,\\N\n"",NULL,y\n')
    cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"' "
                "NULL_IF = ('\\\\N', 'NULL'))")
    assert cur.execute("SELECT a, b, c FROM t ORDER BY c NULLS FIRST").fetchall() == [("x", None, None),
                                                                                       ("", None, "y")]


def test_delimiters_date_format_and_column_list(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, day DATE, note VARCHAR DEFAULT 'none')")
    put(cur, "p.psv", "1|02/01/2024\n2|31/12/2023\n")
    cur.execute("COPY INTO t (id, day) FROM @st FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' "
                "DATE_FORMAT = 'DD/MM/YYYY')")
    assert cur.execute("SELECT id, day::VARCHAR, note FROM t ORDER BY id").fetchall() == [
        (1, "2024-01-02", "none"), (2, "2023-12-31", "none")]


def test_column_count_mismatch(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT, b INT)")
    put(cur, "m.csv", "1,2,3\n")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO t FROM @st")
    assert caught.value.errno == 100080
    assert "Number of columns in file (3) does not match that of the corresponding table (2)" in caught.value.msg
    cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE)")
    assert cur.execute("SELECT a, b FROM t").fetchall() == [(1, 2)]


def test_stage_file_format_and_match_by_column_name_with_parse_header(cur: Any) -> None:
    cur.execute("CREATE STAGE hs FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE)")
    cur.execute("CREATE TABLE t (name VARCHAR, id INT, extra VARCHAR)")
    put(cur, "h.csv", "ID,Name\n1,ann\n", "@hs")
    cur.execute("COPY INTO t FROM @hs MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert cur.execute("SELECT name, id, extra FROM t").fetchall() == [("ann", 1, None)]


def test_json_into_one_variant_column_and_by_column_name(cur: Any) -> None:
    cur.execute("CREATE TABLE v (doc VARIANT)")
    put(cur, "d.json", '[{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}]')
    rows = cur.execute("COPY INTO v FROM @st FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE)").fetchall()
    assert rows[0][1:4] == ("LOADED", 2, 2)
    assert cur.execute("SELECT doc:id::INT, ARRAY_SIZE(doc:tags) FROM v ORDER BY 1").fetchall() == [(1, 1), (2, 0)]
    cur.execute("CREATE TABLE w (id INT, tags ARRAY)")
    with pytest.raises(snowreg.ProgrammingError, match="one and only one column of type variant"):
        cur.execute("COPY INTO w FROM @st FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE)")
    cur.execute("COPY INTO w FROM @st FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE) "
                "MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert cur.execute("SELECT id, ARRAY_SIZE(tags) FROM w ORDER BY id").fetchall() == [(1, 1), (2, 0)]


def test_parquet_by_column_name(cur: Any) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"ID": [1, 2], "NAME": ["a", None]}), cur.tmp / "p.parquet")
    cur.execute(f"PUT '{(cur.tmp / 'p.parquet').as_uri()}' @st AUTO_COMPRESS = FALSE")
    cur.execute("CREATE TABLE t (id NUMBER, name VARCHAR)")
    cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_SENSITIVE")
    assert cur.execute("SELECT id, name FROM t ORDER BY id").fetchall() == [(1, "a"), (2, None)]


def test_uncompressed_and_gzip_files_are_both_read(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    put(cur, "raw.csv", "1\n", compress=False)
    put(cur, "pre.csv.gz", gzip.compress(b"2\n"), compress=False)
    cur.execute("COPY INTO t FROM @st")
    assert cur.execute("SELECT a FROM t ORDER BY a").fetchall() == [(1,), (2,)]


def test_file_format_statements(cur: Any) -> None:
    cur.execute("CREATE FILE FORMAT f TYPE = JSON STRIP_OUTER_ARRAY = TRUE COMMENT = 'docs'")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("CREATE FILE FORMAT f TYPE = CSV")
    assert caught.value.errno == 2002
    shown = cur.execute("SHOW FILE FORMATS LIKE 'F'").fetchall()
    assert [(r[1], r[4], r[6]) for r in shown] == [("F", "JSON", "docs")]
    described = {r[0]: r[2] for r in cur.execute("DESC FILE FORMAT f").fetchall()}
    assert described["TYPE"] == "JSON" and described["STRIP_OUTER_ARRAY"] == "true"
    cur.execute("DROP FILE FORMAT f")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("DESC FILE FORMAT f")
    assert caught.value.errno == 2003
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("COPY INTO nope FROM @st FILE_FORMAT = (FORMAT_NAME = f)")
    assert caught.value.errno == 2003


def test_a_temporary_file_format_is_its_sessions_own(cur: Any) -> None:
    cur.execute("CREATE TEMPORARY FILE FORMAT tf TYPE = CSV")
    other = snowreg.dbapi.Connection(cur.connection._catalog).cursor()
    other.execute("USE SCHEMA ld.public")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        other.execute("DESC FILE FORMAT tf")
    assert caught.value.errno == 2003


@pytest.mark.parametrize("sql", [
    "CREATE FILE FORMAT x TYPE = XML",
    "CREATE FILE FORMAT x TYPE = CSV ESCAPE_UNENCLOSED_FIELD = NONE BINARY_FORMAT = BASE64",
    "COPY INTO t FROM @st ON_ERROR = SKIP_FILE_3",
    "COPY INTO t FROM @st SIZE_LIMIT = 10",
    "COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV COMPRESSION = BZ2)",
])
def test_what_is_not_emulated_is_refused_by_name(cur: Any, sql: str) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    put(cur, "n.csv", "1\n")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute(sql)


@pytest.mark.parametrize("option", ["SKIP_HEADER = 'x'", "SKIP_HEADER = -1", "SKIP_HEADER = 1.5", "SKIP_HEADER = TRUE",
                                    "TRIM_SPACE = 'maybe'", "PARSE_HEADER = 1", "EMPTY_FIELD_AS_NULL = AUTO"])
def test_a_typed_option_of_another_type_is_refused_and_changes_nothing(cur: Any, option: str) -> None:
    """A boolean option takes TRUE | FALSE, SKIP_HEADER a whole number (DECISIONS.md X23): 001008, in CREATE
    and ALTER FILE FORMAT alike."""
    name = option.split()[0]
    with pytest.raises(snowreg.ProgrammingError, match=f"for parameter '{name}'") as caught:
        cur.execute(f"CREATE FILE FORMAT bad TYPE = CSV {option}")
    assert caught.value.errno == 1008
    assert cur.execute("SHOW FILE FORMATS LIKE 'BAD'").fetchall() == []
    cur.execute("CREATE FILE FORMAT good TYPE = CSV SKIP_HEADER = 2 TRIM_SPACE = 'true'")
    with pytest.raises(snowreg.ProgrammingError, match=f"for parameter '{name}'"):
        cur.execute(f"ALTER FILE FORMAT good SET {option}")
    described = {r[0]: r[2] for r in cur.execute("DESC FILE FORMAT good").fetchall()}
    assert (described["SKIP_HEADER"], described["TRIM_SPACE"], described["PARSE_HEADER"]) == ("2", "true", "false")


def test_csv_text_into_a_variant_column_is_refused(cur: Any) -> None:
    cur.execute("CREATE TABLE t (v VARIANT)")
    put(cur, "n.csv", "1\n")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("COPY INTO t FROM @st")
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]


def test_not_null_and_too_long_values_are_row_errors(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT NOT NULL, b VARCHAR(2))")
    put(cur, "n.csv", ",x\n1,long\n2,ok\n")
    rows = cur.execute("COPY INTO t FROM @st ON_ERROR = CONTINUE").fetchall()
    assert rows[0][1:7] == ("PARTIALLY_LOADED", 3, 1, 3, 2, "NULL result in a non-nullable column")
    assert cur.execute("SELECT a, b FROM t").fetchall() == [(2, "ok")]


def test_querying_staged_files_with_metadata_columns(cur: Any) -> None:
    """The querying-metadata page's example: two `|`-delimited files, `t.$1`, METADATA$FILENAME and row numbers."""
    cur.execute("CREATE OR REPLACE FILE FORMAT myformat TYPE = 'csv' FIELD_DELIMITER = '|'")
    put(cur, "data1.csv", "a|b\nc|d\n")
    put(cur, "data2.csv", "e|f\ng|h\n")
    rows = cur.execute("SELECT METADATA$FILENAME, METADATA$FILE_ROW_NUMBER, t.$1, t.$2 FROM @st "
                       "(file_format => myformat) t ORDER BY 1, 2").fetchall()
    assert rows == [("data1.csv.gz", 1, "a", "b"), ("data1.csv.gz", 2, "c", "d"), ("data2.csv.gz", 1, "e", "f"),
                    ("data2.csv.gz", 2, "g", "h")]
    # the headers are what was written, upper-cased: `T.$1` (the page's example output)
    assert [d[0] for d in cur.description] == ["METADATA$FILENAME", "METADATA$FILE_ROW_NUMBER", "T.$1", "T.$2"]
    assert cur.execute("SELECT $1, $2 FROM @st (FILE_FORMAT => 'myformat', PATTERN => '.*data2.*') "
                       "ORDER BY 1").fetchall() == [("e", "f"), ("g", "h")]
    assert cur.execute("SELECT '@st' FROM (SELECT 1)").fetchall() == [("@st",)]  # a literal stays a literal
    assert cur.execute("SELECT STRTOK('a@b.c', '@.', 2), 'x', '@st'").fetchall() == [("b", "x", "@st")]


def test_querying_staged_json(cur: Any) -> None:
    cur.execute("CREATE FILE FORMAT jf TYPE = JSON")
    put(cur, "d.json", '{"id": 1, "name": "x"}\n{"id": 2, "name": "y"}\n')
    assert cur.execute("SELECT $1:id::INT, $1:name::VARCHAR FROM @st (FILE_FORMAT => 'jf') ORDER BY 1").fetchall() \
        == [(1, "x"), (2, "y")]


def test_staged_rows_insert_into_a_table_and_a_view_over_them_is_refused(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a VARCHAR, b VARCHAR)")
    put(cur, "p.csv", "x,y\n")
    cur.execute("INSERT INTO t SELECT $1, $2 FROM @st")
    assert cur.execute("SELECT a, b FROM t").fetchall() == [("x", "y")]
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("CREATE VIEW v AS SELECT $1 FROM @st")


def test_infer_schema_of_staged_csv_and_json(cur: Any) -> None:
    """INFER_SCHEMA over CSV with PARSE_HEADER and over JSON objects: names, types, expressions (P40)."""
    cur.execute("CREATE FILE FORMAT hdr TYPE = CSV PARSE_HEADER = TRUE")
    put(cur, "i.csv", "id,price,day,flag,name\n1,2.50,2024-01-02,true,ann\n12,3.1,2024-02-03,false,bob\n", "@st/c/")
    rows = cur.execute("SELECT COLUMN_NAME, TYPE, EXPRESSION, ORDER_ID FROM TABLE(INFER_SCHEMA("
                       "LOCATION => '@st/c/', FILE_FORMAT => 'hdr')) ORDER BY ORDER_ID").fetchall()
    assert rows == [("id", "NUMBER(2, 0)", "$1::NUMBER(2, 0)", 0), ("price", "NUMBER(3, 2)", "$2::NUMBER(3, 2)", 1),
                    ("day", "DATE", "$3::DATE", 2), ("flag", "BOOLEAN", "$4::BOOLEAN", 3),
                    ("name", "TEXT", "$5::TEXT", 4)]
    cur.execute("CREATE FILE FORMAT js TYPE = JSON")
    put(cur, "i.json", '{"a": 1, "b": "x", "c": [1]}\n{"a": 2.5, "b": null}\n', "@st/j/")
    rows = cur.execute("SELECT COLUMN_NAME, TYPE, EXPRESSION FROM TABLE(INFER_SCHEMA(LOCATION => '@st/j/', "
                       "FILE_FORMAT => 'js')) ORDER BY ORDER_ID").fetchall()
    assert rows == [("a", "REAL", '$1:"a"::REAL'), ("b", "TEXT", '$1:"b"::TEXT'), ("c", "ARRAY", '$1:"c"::ARRAY')]


def test_alter_file_format_set_and_rename(cur: Any) -> None:
    cur.execute("CREATE FILE FORMAT f TYPE = CSV")
    cur.execute("ALTER FILE FORMAT f SET FIELD_DELIMITER = '|' SKIP_HEADER = 1 COMMENT = 'pipes'")
    described = {r[0]: r[2] for r in cur.execute("DESC FILE FORMAT f").fetchall()}
    assert (described["FIELD_DELIMITER"], described["SKIP_HEADER"]) == ("|", "1")
    cur.execute("ALTER FILE FORMAT f RENAME TO g")
    assert [(r[1], r[6]) for r in cur.execute("SHOW FILE FORMATS").fetchall()] == [("G", "pipes")]
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("ALTER FILE FORMAT g SET TYPE = JSON")
    cur.execute("ALTER FILE FORMAT IF EXISTS nope SET SKIP_HEADER = 2")
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("ALTER FILE FORMAT nope SET SKIP_HEADER = 2")
    assert caught.value.errno == 2003


def test_a_stages_copy_options_apply_under_the_statements_own(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("CREATE STAGE lax COPY_OPTIONS = (ON_ERROR = CONTINUE)")
    put(cur, "bad.csv", "1\nx\n3\n", "@lax")
    row = cur.execute("COPY INTO t FROM @lax").fetchall()[0]
    assert (row[1], row[2], row[3]) == ("PARTIALLY_LOADED", 3, 2)
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(2,)]
    with pytest.raises(snowreg.ProgrammingError):  # the statement's ON_ERROR wins
        cur.execute("COPY INTO t FROM @lax ON_ERROR = ABORT_STATEMENT FORCE = TRUE")
    assert [r[1] for r in cur.execute("COPY INTO t FROM @lax ON_ERROR = SKIP_FILE FORCE = TRUE").fetchall()] == \
        ["LOAD_FAILED"]
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(2,)]


def test_a_stages_purge_force_and_match_by_column_name(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT, b VARCHAR)")
    cur.execute("CREATE STAGE kept FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE) "
                "COPY_OPTIONS = (FORCE = TRUE MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE)")
    put(cur, "h.csv", "B,A\nx,1\n", "@kept")
    cur.execute("COPY INTO t FROM @kept")
    cur.execute("COPY INTO t FROM @kept")  # FORCE from the stage: loaded again
    assert cur.execute("SELECT a, b FROM t").fetchall() == [(1, "x"), (1, "x")]
    assert cur.execute("COPY INTO t FROM @kept FORCE = FALSE").fetchall()[0][0].startswith("Copy executed with 0")
    cur.execute("ALTER STAGE kept SET COPY_OPTIONS = (PURGE = TRUE MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE)")
    assert cur.execute("COPY INTO t FROM @kept").fetchall()[0][0].startswith("Copy executed with 0")
    cur.execute("COPY INTO t FROM @kept FORCE = TRUE")
    assert cur.execute("LIST @kept").fetchall() == []
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(3,)]


def test_a_stage_the_role_cannot_read_lends_no_options(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("CREATE STAGE other COPY_OPTIONS = (MATCH_BY_COLUMN_NAME = CASE_SENSITIVE)")
    cur.execute("CREATE ROLE r")
    cur.execute("GRANT USAGE ON DATABASE ld TO ROLE r")
    cur.execute("GRANT USAGE ON SCHEMA ld.public TO ROLE r")
    cur.execute("GRANT INSERT, SELECT ON TABLE t TO ROLE r")
    cur.execute("GRANT ROLE r TO USER admin")
    cur.execute("USE ROLE r")
    with pytest.raises(snowreg.ProgrammingError) as info:  # not the column-list error the stage's option would give
        cur.execute("COPY INTO t (a) FROM @other")
    assert info.value.errno == 2003
