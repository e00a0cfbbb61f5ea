"""TIMESTAMP_TYPE_MAPPING (engine.sql.timestamp_mapping, conformance/DECISIONS.md T63-T64): the bare TIMESTAMP
in DDL, casts and literals, and TO_TIMESTAMP / TRY_TO_TIMESTAMP / TIMESTAMP_FROM_PARTS, mean the session's
variation; a name `timestamp` stays a name; translations cached by text never answer for another mapping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import timestamp_mapping

_LTZ, _TZ, _NTZ = 6, 7, 8  # the connector's type codes
_Q = ("SELECT '2020-01-01 10:00'::TIMESTAMP AS a, CAST('2020-01-01 10:00' AS TIMESTAMP(3)) AS b, "
      "TIMESTAMP '2020-01-01 10:00' AS c, TO_TIMESTAMP('2020-01-01 10:00') AS d, TRY_TO_TIMESTAMP('2020-01-01') AS e, "
      "TIMESTAMP_FROM_PARTS(2020, 1, 1, 10, 0, 0) AS f")


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE m")
        yield cur


def _types(cur: Any, sql: str) -> list[int]:
    cur.execute(sql)
    return [d[1] for d in cur.description]


def test_casts_literals_and_functions_follow_the_mapping_and_unset(cur: Any) -> None:
    assert _types(cur, _Q) == [_NTZ] * 6
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ")
    assert _types(cur, _Q) == [_LTZ] * 6
    row = cur.fetchone()
    assert row[0].utcoffset() is not None and row[0].hour == 10  # read in the session's zone
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = 'timestamp_tz'")
    assert _types(cur, _Q.replace(", TIMESTAMP_FROM_PARTS(2020, 1, 1, 10, 0, 0) AS f", "")) == [_TZ] * 5
    assert cur.execute("SHOW PARAMETERS LIKE 'TIMESTAMP_TYPE_MAPPING'").fetchone()[1:4] == (
        "TIMESTAMP_TZ", "TIMESTAMP_NTZ", "SESSION")
    cur.execute("ALTER SESSION UNSET TIMESTAMP_TYPE_MAPPING")
    assert _types(cur, _Q) == [_NTZ] * 6


def test_ddl_records_the_mapped_type(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ")
    cur.execute("CREATE TABLE t (timestamp TIMESTAMP, n TIMESTAMP_NTZ, c TIMESTAMP(3) NOT NULL)")
    cur.execute("ALTER TABLE t ADD COLUMN e TIMESTAMP")
    cur.execute("CREATE TABLE s AS SELECT '2020-01-01'::TIMESTAMP AS z")
    described = [(r[0], r[1]) for r in cur.execute("DESCRIBE TABLE t").fetchall()]
    assert described == [("TIMESTAMP", "TIMESTAMP_LTZ(9)"), ("N", "TIMESTAMP_NTZ(9)"), ("C", "TIMESTAMP_LTZ(3)"),
                         ("E", "TIMESTAMP_LTZ(9)")]
    assert cur.execute("DESCRIBE TABLE s").fetchone()[1] == "TIMESTAMP_LTZ(9)"
    cur.execute("ALTER SESSION UNSET TIMESTAMP_TYPE_MAPPING")  # what was created keeps its type
    assert cur.execute("DESCRIBE TABLE t").fetchone()[1] == "TIMESTAMP_LTZ(9)"
    cur.execute("CREATE TABLE u (x TIMESTAMP)")
    assert cur.execute("DESCRIBE TABLE u").fetchone()[1] == "TIMESTAMP_NTZ(9)"


def test_a_function_signature_maps_too(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ")
    cur.execute("CREATE FUNCTION f(x TIMESTAMP) RETURNS TIMESTAMP AS 'x'")
    assert _types(cur, "SELECT f('2020-01-01'::TIMESTAMP_NTZ)") == [_LTZ]


def test_headers_and_error_places_are_what_the_user_wrote(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_TZ")
    cur.execute("SELECT '2020-01-01'::timestamp, TO_TIMESTAMP('2020-01-01')")
    assert [d[0] for d in cur.description] == ["'2020-01-01'::TIMESTAMP", "TO_TIMESTAMP('2020-01-01')"]
    with pytest.raises(snowreg.ProgrammingError, match="position 32") as e:
        cur.execute("SELECT '2020-01-01'::TIMESTAMP, nosuchcol FROM (SELECT 1 AS a)")
    assert e.value.errno == 904


def test_a_statement_text_answers_by_each_sessions_mapping(cur: Any) -> None:
    sql = "SELECT '2020-01-01 10:00'::TIMESTAMP AS a"
    with snowreg.connect(session_parameters={"TIMESTAMP_TYPE_MAPPING": "TIMESTAMP_LTZ"}) as other:
        ocur = other.cursor()
        for _ in range(2):  # interleaved: neither session's cached translation answers for the other
            assert _types(cur, sql) == [_NTZ]
            assert _types(ocur, sql) == [_LTZ]


def test_values_it_cannot_take_are_refused(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError, match="invalid value") as e:
        cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP")
    assert e.value.errno == 1008
    assert cur.execute("SHOW PARAMETERS LIKE 'TIMESTAMP_TYPE_MAPPING'").fetchone()[3] == ""


@pytest.mark.parametrize(("sql", "mapped"), [
    ("SELECT timestamp, t.timestamp, x AS timestamp, y timestamp FROM t", []),
    ("CREATE VIEW v AS SELECT a, b timestamp FROM t", []),
    ("CREATE TABLE t (timestamp TIMESTAMP)", ["TIMESTAMP"]),
    ("SELECT x::TIMESTAMP(3), TRY_CAST(y AS TIMESTAMP), CAST(z AS TIMESTAMP WITH TIME ZONE) FROM t",
     ["TIMESTAMP", "TIMESTAMP"]),
    ("SELECT TIMESTAMP '2020-01-01', 'TIMESTAMP', \"TIMESTAMP\" -- TIMESTAMP '1'", ["TIMESTAMP"]),
    ("ALTER TABLE t ALTER COLUMN c SET DATA TYPE TIMESTAMP", ["TIMESTAMP"]),
    ("ALTER TABLE t ADD COLUMN timestamp TIMESTAMP", ["TIMESTAMP"]),
    ("ALTER TABLE t ADD COLUMN IF NOT EXISTS c TIMESTAMP, d TIMESTAMP", ["TIMESTAMP", "TIMESTAMP"]),
    ("ALTER TABLE t DROP COLUMN a, timestamp", []),
    ("SELECT s.to_timestamp, TO_TIMESTAMP(x), TIMESTAMPFROMPARTS(1, 2, 3, 4, 5, 6)",
     ["TO_TIMESTAMP", "TIMESTAMPFROMPARTS"]),
])
def test_which_words_are_types(sql: str, mapped: list[str]) -> None:
    edits = timestamp_mapping._edits(sql, "TIMESTAMP_LTZ")  # noqa: SLF001 - the classification itself
    assert [sql[start:end].upper() for start, end, _ in edits] == mapped


def test_a_sql_function_body_maps_as_it_is_created(cur: Any) -> None:
    """A string or $$ body's TIMESTAMP is the creating session's variation, as its RETURNS is (DECISIONS.md W36)."""
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ")
    cur.execute("CREATE FUNCTION m.public.quoted() RETURNS VARCHAR AS '''2020-01-01 10:00''::TIMESTAMP::VARCHAR'")
    cur.execute("CREATE FUNCTION m.public.dollar() RETURNS VARCHAR AS $$ TO_TIMESTAMP('2020-01-01 10:00')::VARCHAR $$")
    cur.execute("CREATE FUNCTION m.public.query() RETURNS VARCHAR AS $$ SELECT (TIMESTAMP '2020-01-01 10:00')::VARCHAR "
                "$$")
    cur.execute("SELECT m.public.quoted(), m.public.dollar(), m.public.query()")
    assert cur.fetchone() == ("2020-01-01 10:00:00.000 -0800",) * 3
    cur.execute("ALTER SESSION UNSET TIMESTAMP_TYPE_MAPPING")  # the function keeps what it was made with
    cur.execute("SELECT m.public.quoted()")
    assert cur.fetchone() == ("2020-01-01 10:00:00.000 -0800",)


def test_a_scripting_declare_keeps_the_variation_it_was_declared_with(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMEZONE = 'UTC'")
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ")
    cur.execute("EXECUTE IMMEDIATE $$ DECLARE t TIMESTAMP DEFAULT '2020-01-01 10:00:00+03:00'; BEGIN "
                "ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_NTZ; RETURN t; END; $$")
    value = cur.fetchone()[0]
    assert value.utcoffset() is not None and value.hour == 7  # still a TIMESTAMP_LTZ
    cur.execute("EXECUTE IMMEDIATE $$ DECLARE t TIMESTAMP(3); BEGIN "
                "ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = TIMESTAMP_LTZ; t := '2020-01-01 10:00:00+03:00'; "
                "RETURN t; END; $$")
    value = cur.fetchone()[0]
    assert value.utcoffset() is None and value.hour == 10  # declared under TIMESTAMP_NTZ
