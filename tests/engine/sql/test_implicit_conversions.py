"""A VARCHAR meeting a NUMBER, DATE or TIMESTAMP in a comparison or a conditional is converted as Snowflake
converts it (engine/sql/comparisons.py; conformance/sql/implicit_conversions.test, DECISIONS.md O50-O52)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Any:
    cur = snowreg.connect().cursor()
    for sql in ("CREATE DATABASE d", "USE SCHEMA d.public", "CREATE TABLE t (k INT, s VARCHAR, d DATE)",
                "INSERT INTO t VALUES (1, '5', '2024-01-02'), (2, '12.5', '2024-03-04')"):
        cur.execute(sql)
    return cur


def _errno(cur: Any, sql: str) -> tuple[int, str]:
    with pytest.raises(snowreg.ProgrammingError) as e:
        cur.execute(sql)
    return e.value.errno, e.value.msg


def test_a_varchar_column_compared_with_a_number_is_compared_as_a_number(cur: Any) -> None:
    assert cur.execute("SELECT k FROM t WHERE s > 6").fetchall() == [(2,)]  # as text '12.5' < '6'
    assert cur.execute("SELECT k FROM t WHERE s BETWEEN 1 AND 10 ORDER BY k").fetchall() == [(1,)]
    assert cur.execute("SELECT k FROM t WHERE k < s ORDER BY k").fetchall() == [(1,), (2,)]


def test_a_varchar_compared_with_a_date_or_timestamp_is_read_as_one(cur: Any) -> None:
    cur.execute("CREATE TABLE e (s VARCHAR, d DATE)")
    cur.execute("INSERT INTO e VALUES ('2024-01-01', '2024-01-02'), ('2024-05-01', '2024-01-02')")
    assert cur.execute("SELECT s FROM e WHERE s < d").fetchall() == [("2024-01-01",)]
    assert cur.execute("SELECT s FROM e WHERE s > '2024-02-01 00:00:00'::TIMESTAMP").fetchall() == [("2024-05-01",)]
    cur.execute("CREATE TABLE h (s VARCHAR, tm TIME)")
    cur.execute("INSERT INTO h VALUES ('10:00:00', '11:00:00'), ('12:30:00', '11:00:00')")
    assert cur.execute("SELECT s FROM h WHERE s < tm").fetchall() == [("10:00:00",)]
    cur.execute("INSERT INTO h VALUES ('later', '11:00:00')")
    assert _errno(cur, "SELECT s FROM h WHERE s < tm") == (100108, "Time 'later' is not recognized")


def test_a_conditional_of_varchar_and_number_is_a_number(cur: Any) -> None:
    rows = cur.execute("SELECT COALESCE(s, 0), IFF(k = 1, s, 0), CASE WHEN k = 2 THEN s ELSE 1 END FROM t "
                       "ORDER BY k").fetchall()
    assert [tuple(float(v) for v in r) for r in rows] == [(5.0, 5.0, 1.0), (12.5, 0.0, 12.5)]
    cur.execute("SELECT COALESCE(s, 0) FROM t")
    assert (cur.description[0].precision, cur.description[0].scale) == (18, 5)  # the COALESCE page


def test_text_that_does_not_convert_fails_as_in_snowflake(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (3, 'foo', NULL)")
    assert _errno(cur, "SELECT k FROM t WHERE s = 5") == (100038, "Numeric value 'foo' is not recognized")
    assert _errno(cur, "SELECT COALESCE(s, 0) FROM t")[0] == 100038
    assert _errno(cur, "SELECT k FROM t WHERE s < d")[0] == 100040  # '12.5' or 'foo' is no date
    assert _errno(cur, "SELECT k FROM t WHERE s < CURRENT_TIMESTAMP()")[0] == 100035


def test_a_varchar_operand_is_read_as_a_number_with_a_current_database(cur: Any) -> None:
    # the probe that finds the operand names the macros' catalog in upper case: it must still be attached
    assert cur.execute("SELECT s + 1 FROM t WHERE k = 1").fetchall() == [(6,)]


def test_an_update_or_merge_converting_a_condition_still_assigns_its_values(cur: Any) -> None:
    cur.execute("UPDATE t SET k = k + 10 WHERE s > 6")  # SET's `k = …` is an assignment, not a comparison
    assert cur.execute("SELECT k FROM t ORDER BY k").fetchall() == [(1,), (12,)]
    cur.execute("CREATE TABLE src (s VARCHAR)")
    cur.execute("INSERT INTO src VALUES ('1')")
    cur.execute("MERGE INTO t USING src ON t.k = src.s WHEN MATCHED THEN UPDATE SET s = 'one'")
    assert cur.execute("SELECT s FROM t WHERE k = 1").fetchall() == [("one",)]
