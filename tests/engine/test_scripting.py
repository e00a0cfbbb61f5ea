"""Snowflake Scripting blocks through connect() and the command line: results, transactions, privileges, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def test_a_block_is_one_statement_with_one_column_named_anonymous_block(cur: Any) -> None:
    assert rows(cur, "BEGIN\n  RETURN 1 + 1;\nEND;") == [(2,)]
    assert [d[0] for d in cur.description] == ["anonymous block"]
    assert rows(cur, "DECLARE\n  s VARCHAR DEFAULT 'a';\nBEGIN\n  s := s || 'b';\n  RETURN s;\nEND") == [("ab",)]
    assert cur.description[0][1] == 2  # TEXT: the type of the value returned


def test_begin_alone_or_with_transaction_or_work_opens_a_transaction(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    for begin in ("BEGIN", "BEGIN;", "BEGIN TRANSACTION", "BEGIN WORK", "BEGIN NAME tx1"):
        cur.execute(begin)
        cur.execute("INSERT INTO t VALUES (1)")
        assert rows(cur, "SELECT CURRENT_TRANSACTION() IS NOT NULL") == [(True,)]
        cur.execute("ROLLBACK")
    assert rows(cur, "SELECT COUNT(*) FROM t") == [(0,)]


def test_a_transaction_inside_a_block_follows_the_transaction_rules(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    block = ("BEGIN\n  BEGIN TRANSACTION;\n  INSERT INTO t VALUES (1);\n  ROLLBACK;\n"
             "  INSERT INTO t VALUES (2);\n  RETURN (SELECT COUNT(*) FROM t);\nEND;")
    assert rows(cur, block) == [(1,)]
    assert rows(cur, "SELECT a FROM t") == [(2,)]


def test_statements_inside_a_block_need_the_privileges_they_need_when_sent(cur: Any) -> None:
    for sql in ("CREATE TABLE secret (a INT)", "INSERT INTO secret VALUES (7)", "CREATE ROLE analyst",
                "CREATE USER ann", "GRANT ROLE analyst TO USER ann", "GRANT USAGE ON DATABASE test_db TO ROLE analyst",
                "GRANT USAGE ON SCHEMA test_db.public TO ROLE analyst"):
        cur.execute(sql)
    other = Connection(cur.connection._catalog, user="ann", role="analyst").cursor()
    other.execute("USE SCHEMA test_db.public")
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute("BEGIN\n  LET n := 0;\n  SELECT COUNT(*) INTO :n FROM secret;\n  RETURN n;\nEND;")
    assert info.value.errno == 2003
    assert "Uncaught exception of type 'STATEMENT_ERROR' on line 3" in info.value.msg


def test_a_declared_exception_uncaught_carries_its_number_and_p0001(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("DECLARE\n  e EXCEPTION (-20002, 'Raised E.');\nBEGIN\n  RAISE e;\nEND;")
    assert (info.value.errno, info.value.sqlstate) == (-20002, "P0001")
    assert str(info.value) == "-20002 (P0001): Uncaught exception of type 'E' on line 4 at position 2 : Raised E."


def test_variables_bind_as_typed_values_and_never_as_sql_text(cur: Any) -> None:
    cur.execute("CREATE TABLE t (s VARCHAR, d DATE, f FLOAT)")
    block = ("DECLARE\n  s VARCHAR DEFAULT 'it''s; DROP TABLE t; --';\n  d DATE DEFAULT '2024-02-29';\n"
             "  f FLOAT DEFAULT 1.5;\nBEGIN\n  INSERT INTO t VALUES (:s, :d, :f);\n  RETURN SQLROWCOUNT;\nEND;")
    assert rows(cur, block) == [(1,)]
    got = rows(cur, "SELECT s, d::VARCHAR, f FROM t")
    assert got == [("it's; DROP TABLE t; --", "2024-02-29", 1.5)]


def test_a_path_into_a_variant_is_not_a_bind_variable(cur: Any) -> None:
    block = "BEGIN\n  LET r RESULTSET := (SELECT PARSE_JSON('{\"k\": 5}'):k::INT AS k);\n  RETURN TABLE(r);\nEND;"
    assert rows(cur, block) == [(5,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("BEGIN\n  SELECT :nope;\nEND;")
    assert "Bind variable :NOPE not set" in info.value.msg


def test_a_syntax_error_in_a_block_points_into_it(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("BEGIN\n  IF (1 = 1) THEN\n    RETURN 1;\n  END;\nEND;")
    assert info.value.errno == 1003
    assert (info.value.line, info.value.column) == (4, 5)


def snowreg_cmd(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "snowreg", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_snowreg_run_and_check_keep_a_bare_block_whole(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text(
        "CREATE DATABASE d;\nCREATE TABLE t (a INT);\nDECLARE\n  n INT DEFAULT 0;\nBEGIN\n"
        "  INSERT INTO t VALUES (1), (2);\n  n := SQLROWCOUNT;\n  RETURN n;\nEND;\nBEGIN TRANSACTION;\n"
        "INSERT INTO t VALUES (3);\nCOMMIT;\nSELECT COUNT(*) AS c FROM t;\n"
        "CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS\nBEGIN\n  RETURN 7;\nEND;\nCALL p();\n")
    done = snowreg_cmd("run", "--format", "json", "s.sql", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [o["rows"] for o in out][2] == [{"anonymous block": 2}]
    assert out[-3]["rows"] == [{"C": 3}]
    assert out[-1]["rows"] == [{"P": 7}]
    checked = snowreg_cmd("check", "s.sql", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "9 statement(s)" in checked.stderr


def test_a_not_supported_error_is_never_caught_by_a_handler(cur: Any) -> None:
    block = ("BEGIN\n  EXECUTE IMMEDIATE 'SELECT 1; SELECT 2';\n  RETURN 'ran';\n"
             "EXCEPTION\n  WHEN OTHER THEN\n    RETURN 'caught';\nEND;")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute(block)

