"""WEEK_START and WEEK_OF_YEAR_POLICY (engine.sql.weeks): one statement text, translated once and shared by
every session and the shape caches, answers by each session's own values; after UNSET as the defaults say;
a view's body by the querying session's values; a login may set them (conformance/DECISIONS.md T50-T52)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg

_WEEKLY = ("SELECT DAYOFWEEK(d), WEEK(d), YEAROFWEEK(d), DATE_TRUNC('WEEK', d), LAST_DAY(d, 'WEEK'), "
           "DATEDIFF(week, d, d + 1), DAYOFWEEKISO(d), WEEKISO(d), DAYNAME(d) FROM days ORDER BY d")
# Sunday 2017-01-01 and Saturday 2016-12-31
_DEFAULTS = [(6, 52, 2016, "2016-12-26", "2017-01-01", 0, 6, 52, "Sat"),
             (0, 52, 2016, "2016-12-26", "2017-01-01", 1, 7, 52, "Sun")]
_SUNDAY_JAN1 = [(7, 53, 2016, "2016-12-25", "2016-12-31", 1, 6, 52, "Sat"),
                (1, 1, 2017, "2017-01-01", "2017-01-07", 0, 7, 52, "Sun")]


@pytest.fixture
def conn() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE w")
        cur.execute("CREATE TABLE days (d DATE)")
        cur.execute("INSERT INTO days VALUES ('2016-12-31'), ('2017-01-01')")
        yield conn


def _rows(cur: Any, sql: str = _WEEKLY) -> list[tuple[Any, ...]]:
    return [tuple(str(v) if hasattr(v, "isoformat") else v for v in row) for row in cur.execute(sql).fetchall()]


def test_same_text_follows_alter_session_and_unset(conn: Any) -> None:
    cur = conn.cursor()
    assert _rows(cur) == _DEFAULTS
    cur.execute("ALTER SESSION SET WEEK_START = 7, WEEK_OF_YEAR_POLICY = 1")
    assert _rows(cur) == _SUNDAY_JAN1
    cur.execute("ALTER SESSION UNSET WEEK_START")
    assert [r[:3] for r in _rows(cur)] == [(6, 53, 2016), (0, 1, 2017)]  # Monday weeks, January 1 in week 1
    cur.execute("ALTER SESSION UNSET WEEK_OF_YEAR_POLICY")
    assert _rows(cur) == _DEFAULTS


def test_literal_only_statement_and_shape_cache_follow_the_session(conn: Any) -> None:
    cur = conn.cursor()
    texts = [f"SELECT DAYOFWEEK('2017-01-0{n}'::DATE), WEEK('2017-01-0{n}'::DATE)" for n in (1, 2, 3)]
    before = [cur.execute(t).fetchone() for t in texts]  # the third is answered from the shape's template
    assert before == [(0, 52), (1, 1), (2, 1)]
    cur.execute("ALTER SESSION SET WEEK_START = 2")
    assert [cur.execute(t).fetchone() for t in texts] == [(6, 53), (7, 53), (1, 1)]
    cur.execute("ALTER SESSION SET WEEK_START = 0")  # the default written out is the default
    assert [cur.execute(t).fetchone() for t in texts] == before


def test_sessions_keep_their_own_values(conn: Any) -> None:
    first = conn.cursor()
    with snowreg.connect(session_parameters={"WEEK_START": 7, "WEEK_OF_YEAR_POLICY": 1}) as other:
        second = other.cursor()
        second.execute("CREATE DATABASE w2")
        second.execute("CREATE TABLE days (d DATE)")
        second.execute("INSERT INTO days VALUES ('2016-12-31'), ('2017-01-01')")
        for _ in range(2):
            assert _rows(first) == _DEFAULTS
            assert _rows(second) == _SUNDAY_JAN1


def test_a_view_answers_by_the_querying_sessions_values(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("CREATE VIEW weekly AS SELECT d, DAYOFWEEK(d) AS dow, DATE_TRUNC('WEEK', d) AS wk FROM days")
    assert _rows(cur, "SELECT dow, wk FROM weekly ORDER BY d") == [(6, "2016-12-26"), (0, "2016-12-26")]
    cur.execute("ALTER SESSION SET WEEK_START = 7")
    assert _rows(cur, "SELECT dow, wk FROM weekly ORDER BY d") == [(7, "2016-12-25"), (1, "2017-01-01")]


def test_timestamps_keep_their_type_and_time_of_day_is_cut(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("ALTER SESSION SET WEEK_START = 3")
    row = cur.execute("SELECT DATE_TRUNC('WEEK', '2017-01-01 10:30:00'::TIMESTAMP), "
                      "DATEDIFF(week, '2017-01-03 23:00'::TIMESTAMP, '2017-01-04 01:00'::TIMESTAMP)").fetchone()
    assert str(row[0]) == "2016-12-28 00:00:00" and row[1] == 1
    assert cur.description[0][1] == 8  # TIMESTAMP_NTZ


def test_null_and_shown_values(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("ALTER SESSION SET WEEK_START = 5")
    assert cur.execute("SELECT DAYOFWEEK(NULL::DATE), WEEK(NULL::DATE)").fetchone() == (None, None)
    row = cur.execute("SHOW PARAMETERS LIKE 'WEEK_START'").fetchone()
    assert (row[0], row[1], row[3]) == ("WEEK_START", "5", "SESSION")
