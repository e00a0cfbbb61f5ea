"""SQL stored procedures through connect(): CALL's result, rights, nesting, persistence and failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def test_call_names_its_column_after_the_procedure_and_casts_to_the_return_type(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE half(x NUMBER) RETURNS NUMBER(10, 2) LANGUAGE SQL AS 'BEGIN RETURN x / 2; END;'")
    assert rows(cur, "CALL half(5)") == [(pytest.approx(2.5),)]
    name, type_code, _, _, precision, scale, _ = cur.description[0]
    assert (name, type_code, precision, scale) == ("HALF", 0, 10, 2)


def test_an_argument_is_a_typed_value_never_sql_text(cur: Any) -> None:
    cur.execute("CREATE TABLE t (s VARCHAR)")
    cur.execute("CREATE PROCEDURE put(s VARCHAR) RETURNS NUMBER LANGUAGE SQL AS "
                "$$ BEGIN INSERT INTO t VALUES (:s); RETURN SQLROWCOUNT; END; $$")
    assert rows(cur, "CALL put('x''); DROP TABLE t; --')") == [(1,)]
    assert rows(cur, "SELECT s FROM t") == [("x'); DROP TABLE t; --",)]


def test_owners_rights_end_with_the_call_even_when_it_fails(cur: Any) -> None:
    for sql in ("CREATE TABLE secret (a INT)", "CREATE ROLE analyst", "CREATE USER ann",
                "GRANT ROLE analyst TO USER ann", "GRANT USAGE ON DATABASE test_db TO ROLE analyst",
                "GRANT USAGE ON SCHEMA test_db.public TO ROLE analyst",
                "CREATE PROCEDURE fails() RETURNS INT LANGUAGE SQL AS "
                "$$ BEGIN INSERT INTO secret VALUES (1); SELECT * FROM nowhere; RETURN 1; END; $$",
                "GRANT USAGE ON PROCEDURE fails() TO ROLE analyst"):
        cur.execute(sql)
    other = Connection(cur.connection._catalog, user="ann", role="analyst").cursor()
    other.execute("USE SCHEMA test_db.public")
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute("CALL fails()")
    assert info.value.errno == 2003
    assert rows(other, "SELECT CURRENT_ROLE()") == [("ANALYST",)]
    with pytest.raises(snowreg.ProgrammingError):
        other.execute("INSERT INTO secret VALUES (2)")  # the owner's privileges went with the call
    assert rows(cur, "SELECT COUNT(*) FROM secret") == [(1,)]  # the statement before the failure stays


def test_a_procedure_calling_itself_stops_at_a_depth_limit(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE down(n NUMBER) RETURNS NUMBER LANGUAGE SQL AS $$\n"
                "BEGIN\n  IF (n <= 0) THEN\n    RETURN 0;\n  END IF;\n  LET r NUMBER := 0;\n"
                "  CALL down(:n - 1) INTO :r;\n  RETURN r + 1;\nEND;\n$$")
    assert rows(cur, "CALL down(5)") == [(5,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CALL down(100)")
    assert "nested more than" in info.value.msg


def test_a_secure_procedures_body_is_shown_to_its_owner_only(cur: Any) -> None:
    for sql in ("CREATE SECURE PROCEDURE s() RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN 7; END;'",
                "CREATE ROLE analyst", "CREATE USER ann", "GRANT ROLE analyst TO USER ann",
                "GRANT USAGE ON DATABASE test_db TO ROLE analyst", "GRANT USAGE ON SCHEMA test_db.public TO ROLE analyst",
                "GRANT USAGE ON PROCEDURE s() TO ROLE analyst"):
        cur.execute(sql)
    assert dict(rows(cur, "DESCRIBE PROCEDURE s()"))["body"] == "BEGIN RETURN 7; END;"
    other = Connection(cur.connection._catalog, user="ann", role="analyst").cursor()
    other.execute("USE SCHEMA test_db.public")
    assert dict(rows(other, "DESCRIBE PROCEDURE s()"))["body"] == ""
    assert rows(other, "CALL s()") == [(7,)]
    assert rows(other, "SELECT procedure_definition FROM information_schema.procedures") == [(None,)]


def test_procedures_persist_and_go_with_their_schema(tmp_path: Path) -> None:
    conn = snowreg.connect(path=tmp_path / "reg")
    cur = conn.cursor()
    cur.execute("CREATE DATABASE d")
    cur.execute("CREATE PROCEDURE d.public.one() RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN 1; END;'")
    conn.close()
    cur = snowreg.connect(path=tmp_path / "reg", database="d", schema="public").cursor()
    assert rows(cur, "CALL one()") == [(1,)]
    cur.execute("DROP SCHEMA d.public")
    cur.execute("CREATE SCHEMA d.public")
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CALL one()")
    assert info.value.errno == 2140


def test_a_procedure_called_inside_a_transaction_may_not_end_it(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("CREATE PROCEDURE tx() RETURNS INT LANGUAGE SQL AS "
                "$$ BEGIN BEGIN TRANSACTION; INSERT INTO t VALUES (1); COMMIT; RETURN 1; END; $$")
    assert rows(cur, "CALL tx()") == [(1,)]
    cur.execute("BEGIN")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("CALL tx()")
    cur.execute("ROLLBACK")
    assert rows(cur, "SELECT COUNT(*) FROM t") == [(1,)]


def test_session_variables_are_the_callers_own_under_caller_rights_only(cur: Any) -> None:
    cur.execute("SET v = 5")
    cur.execute("CREATE PROCEDURE owner_reads() RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN $v; END;'")
    cur.execute("CREATE PROCEDURE caller_reads() RETURNS INT LANGUAGE SQL EXECUTE AS CALLER AS 'BEGIN RETURN $v; END;'")
    assert rows(cur, "CALL caller_reads()") == [(5,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CALL owner_reads()")
    assert info.value.errno == 2211


def test_a_body_without_delimiters_ends_at_its_end(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE greet(who VARCHAR) RETURNS VARCHAR LANGUAGE SQL AS\nDECLARE\n  x VARCHAR DEFAULT "
                "'it''s ';\nBEGIN\n  RETURN x || who;\nEND;")
    assert rows(cur, "CALL greet('me')") == [("it's me",)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CREATE PROCEDURE broken() RETURNS INT LANGUAGE SQL AS\nBEGIN\n  RETURN 1\nEND")
    assert (info.value.errno, info.value.line) == (1003, 4)
