"""Snowflake's errors where DuckDB's would leak: sequences a default reads, qualified built-in names, star
options naming no column, NOT NULL columns added to rows, recursive CTEs over cycles (through connect())."""

from __future__ import annotations

import datetime
import subprocess
import sys
from typing import Any

import pytest

import snowreg


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def error(cur: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        cur.execute(sql)
    assert "Error:" not in info.value.msg and "DuckDB" not in info.value.msg, info.value.msg
    return info.value


@pytest.fixture
def with_default(cur: Any) -> Any:
    cur.execute("CREATE SEQUENCE sq")
    cur.execute("CREATE TABLE t (id INT DEFAULT sq.NEXTVAL, v INT)")
    cur.execute("INSERT INTO t (v) VALUES (10)")
    return cur


@pytest.mark.parametrize("sql", ["DROP SEQUENCE sq", "CREATE OR REPLACE SEQUENCE sq",
                                 "ALTER SEQUENCE sq RENAME TO sq2", "ALTER SEQUENCE sq SET INCREMENT BY 5"])
def test_a_sequence_a_default_reads_is_refused_by_name_and_kept(with_default: Any, sql: str) -> None:
    e = error(with_default, sql)
    assert (e.errno, e.sqlstate) == (2, "0A000"), str(e)
    assert "TEST_DB.PUBLIC.T.ID" in e.msg and "TEST_DB.PUBLIC.SQ" in e.msg
    assert rows(with_default, "INSERT INTO t (v) VALUES (20)") == [(1,)]
    assert rows(with_default, "SELECT id, v FROM t ORDER BY v") == [(1, 10), (2, 20)]


def test_a_sequence_no_default_reads_still_drops(with_default: Any) -> None:
    with_default.execute("CREATE SEQUENCE free")
    assert rows(with_default, "DROP SEQUENCE free") == [("FREE successfully dropped.",)]


@pytest.mark.parametrize("call, shown", [("ML.DEV.NOSUCH(1)", "ML.DEV.NOSUCH"), ("ML.DEV.COT(1)", "ML.DEV.COT"),
                                         ("DEV.UPPER('a')", "DEV.UPPER"), ("test_db.public.cot(1)",
                                                                           "TEST_DB.PUBLIC.COT")])
def test_a_qualified_call_names_a_user_function_never_a_built_in(cur: Any, call: str, shown: str) -> None:
    cur.execute("CREATE DATABASE ml")
    cur.execute("CREATE SCHEMA ml.dev")
    cur.execute("USE SCHEMA test_db.public")
    e = error(cur, f"SELECT {call}")
    assert (e.errno, e.sqlstate, e.msg.splitlines()[-1]) == (2140, "42601", f"Unknown function {shown}")


def test_a_qualified_user_function_is_still_called(cur: Any) -> None:
    cur.execute("CREATE FUNCTION twice(x FLOAT) RETURNS FLOAT AS 'x * 2'")
    assert rows(cur, "SELECT test_db.public.twice(2), public.twice(3), COT(1) > 0") == [(4.0, 6.0, True)]


@pytest.mark.parametrize("star", ["* EXCLUDE (missing)", "* EXCLUDE missing", "* REPLACE (1 AS missing)",
                                  "* RENAME (missing AS x)", "* RENAME missing AS x", "t.* RENAME (missing AS x)",
                                  "* EXCLUDE (b) RENAME (missing AS x)"])
def test_a_star_option_naming_no_column_is_an_invalid_identifier(cur: Any, star: str) -> None:
    cur.execute("CREATE TABLE t (a INT, b INT)")
    cur.execute("INSERT INTO t VALUES (1, 2)")
    e = error(cur, f"SELECT {star} FROM t")
    assert (e.errno, e.sqlstate, e.msg.splitlines()[-1]) == (904, "42000", "invalid identifier 'MISSING'")


def test_star_options_naming_columns_still_work(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT, b INT)")
    cur.execute("INSERT INTO t VALUES (1, 2)")
    assert rows(cur, "SELECT * RENAME (a AS x) FROM t WHERE b = 2") == [(1, 2)]
    assert [d[0] for d in cur.description] == ["X", "B"]
    assert rows(cur, "SELECT t.* EXCLUDE (b) RENAME a AS y FROM t") == [(1,)]
    assert [d[0] for d in cur.description] == ["Y"]


def test_a_not_null_column_without_a_default_is_not_added_to_rows(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("CREATE TABLE empty (a INT)")
    cur.execute("INSERT INTO t VALUES (1)")
    e = error(cur, "ALTER TABLE t ADD COLUMN c INT NOT NULL")
    assert (e.errno, e.sqlstate) == (2000, "42601") and "non-empty table" in e.msg and "'C'" in e.msg, str(e)
    assert [r[0] for r in rows(cur, "DESCRIBE TABLE t")] == ["A"]
    rows(cur, "ALTER TABLE empty ADD COLUMN c INT NOT NULL")
    assert [r[0] for r in rows(cur, "DESCRIBE TABLE empty")] == ["A", "C"]


def test_a_recursive_cte_over_a_cycle_stops_with_an_error(cur: Any) -> None:
    cur.execute("CREATE TABLE edges (src INT, dst INT)")
    cur.execute("INSERT INTO edges VALUES (1, 2), (2, 3), (3, 1)")
    e = error(cur, "WITH RECURSIVE walk (node) AS (SELECT 1 UNION ALL "
                   "SELECT e.dst FROM walk w JOIN edges e ON e.src = w.node) SELECT COUNT(*) FROM walk")
    assert (e.errno, e.sqlstate) == (2, "0A000") and "WITH RECURSIVE" in e.msg, str(e)
    e = error(cur, "WITH walk AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM walk) SELECT * FROM walk")
    assert "WITH RECURSIVE" in e.msg, str(e)


def test_a_finite_recursive_cte_keeps_its_columns_and_rows(cur: Any) -> None:
    assert rows(cur, "WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5) "
                     "SELECT * FROM c ORDER BY n") == [(1,), (2,), (3,), (4,), (5,)]
    assert [d[0] for d in cur.description] == ["N"]
    assert rows(cur, "WITH c AS (SELECT 1 AS n, 'a' AS s UNION ALL SELECT n + 1, s || 'a' FROM c WHERE n < 3) "
                     "SELECT c.* FROM c ORDER BY n DESC LIMIT 1") == [(3, "aaa")]
    assert [d[0] for d in cur.description] == ["N", "S"]


def test_a_deep_recursive_cte_is_not_taken_for_a_cycle(cur: Any) -> None:
    """Ten years of days, one recursion per day: well inside the limit (DECISIONS.md O34)."""
    assert rows(cur, "WITH RECURSIVE d (day) AS (SELECT '2020-01-01'::DATE UNION ALL "
                     "SELECT DATEADD(day, 1, day) FROM d WHERE day < '2029-12-31'::DATE) "
                     "SELECT COUNT(*), MAX(day) FROM d") == [(3653, datetime.date(2029, 12, 31))]


@pytest.mark.parametrize("sql, errno, text", [
    ("SELECT (SELECT column1 FROM VALUES (1), (2))", 90150, "Single-row subquery returns more than one row."),
    ("SELECT 1 UNION ALL SELECT 1, 2", 2057, "invalid number of result columns for set operator input branches"),
    ("SELECT REGEXP_LIKE('a', '(')", 100048, "Invalid regular expression: '(', missing )"),
])
def test_everyday_runtime_errors_in_snowflake_words(cur: Any, sql: str, errno: int, text: str) -> None:
    e = error(cur, sql)
    assert (e.errno, e.msg.splitlines()[-1]) == (errno, text)


@pytest.mark.parametrize("increment, shown", [("= 0", "0"), ("BY 0", "0"), ("BY -0", "0"), ("0", "0"),
                                               ("= 9223372036854775808", "9223372036854775808")])
def test_a_sequence_interval_of_zero_or_past_64_bits_is_refused(cur: Any, increment: str, shown: str) -> None:
    """CREATE SEQUENCE … INCREMENT takes a non-zero 64-bit integer: refused as ALTER SEQUENCE refuses it, not
    as a syntax error, and nothing is made (DECISIONS.md X24)."""
    e = error(cur, f"CREATE SEQUENCE sq0 START = 1 INCREMENT {increment}")
    assert (e.errno, e.msg.splitlines()[-1]) == (2000, f"Invalid value [{shown}] for sequence interval.")
    assert rows(cur, "SHOW SEQUENCES LIKE 'SQ0'") == []
    cur.execute("CREATE SEQUENCE sq0 START = 10 INCREMENT = -3")
    assert rows(cur, "SELECT sq0.NEXTVAL") == [(10,)]


def test_a_path_sqlglot_cannot_read_writes_nothing_to_stderr() -> None:
    """In a plain process (pytest's own log capture would hide it): library code never writes to stderr."""
    code = ("import snowreg; cur = snowreg.connect().cursor(); cur.execute('CREATE DATABASE d'); "
            "cur.execute('CREATE TABLE v (x VARIANT)'); cur.execute(\"SELECT GET_PATH(x, '[') FROM v\"); "
            "print(cur.fetchall())")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert (done.stdout, done.stderr) == ("[]\n", "")


def test_join_using_a_missing_column_and_comparisons_needing_a_cast(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, name VARCHAR, d DATE)")
    cur.execute("CREATE TABLE u (id INT, x INT)")
    e = error(cur, "SELECT * FROM t JOIN u USING (x)")
    assert (e.errno, e.msg.splitlines()[-1]) == (904, "invalid identifier 'X'")
    assert rows(cur, "SELECT * FROM t WHERE name > 1") == []  # the VARCHAR is read as a number (O50)
    e = error(cur, "SELECT * FROM t WHERE d > 5")
    assert (e.errno, e.sqlstate) == (2, "0A000") and "DATE value with a NUMBER(38,0)" in e.msg, str(e)
    assert rows(cur, "SELECT * FROM t JOIN u USING (id) WHERE name > '1'") == []
