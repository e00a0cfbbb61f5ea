"""DEFAULT_NULL_ORDERING (https://docs.snowflake.com/en/sql-reference/parameters#default-null-ordering, the usage
notes of https://docs.snowflake.com/en/sql-reference/constructs/order-by): where NULLs sort when an ORDER BY key
says neither NULLS FIRST nor NULLS LAST: LAST (the default) as the highest value, FIRST as the lowest; in a
query's ORDER BY, a window's ORDER BY and WITHIN GROUP alike (conformance/DECISIONS.md V10-V12)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import ProgrammingError


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE d")
        cur.execute("CREATE TABLE t (k INT, v INT)")
        cur.execute("INSERT INTO t VALUES (1, 2), (2, NULL), (3, 1)")
        yield cur


_ASC = "SELECT v FROM t ORDER BY v"
_DESC = "SELECT v FROM t ORDER BY v DESC"


def _column(cur: Any, sql: str) -> list[Any]:
    return [r[0] for r in cur.execute(sql).fetchall()]


def test_first_puts_nulls_lowest_and_last_highest(cur: Any) -> None:
    assert _column(cur, _ASC) == [1, 2, None]
    assert _column(cur, _DESC) == [None, 2, 1]
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = FIRST")
    assert _column(cur, _ASC) == [None, 1, 2]
    assert _column(cur, _DESC) == [2, 1, None]
    assert _column(cur, "SELECT v FROM t ORDER BY v NULLS LAST") == [1, 2, None]  # said: kept
    assert _column(cur, "SELECT v FROM t ORDER BY v DESC NULLS FIRST") == [None, 2, 1]
    assert cur.execute("SHOW PARAMETERS LIKE 'DEFAULT_NULL_ORDERING'").fetchone()[1:4] == ("FIRST", "LAST", "SESSION")
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = 'last'")
    assert _column(cur, _ASC) == [1, 2, None]
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = FIRST")
    cur.execute("ALTER SESSION UNSET DEFAULT_NULL_ORDERING")
    assert _column(cur, _ASC) == [1, 2, None]
    assert _column(cur, _DESC) == [None, 2, 1]


def test_windows_and_within_group_follow_it(cur: Any) -> None:
    win = "SELECT k, ROW_NUMBER() OVER (ORDER BY v) FROM t ORDER BY k"
    agg = "SELECT ARRAY_AGG(k) WITHIN GROUP (ORDER BY v) FROM t"
    listagg = "SELECT LISTAGG(k, ',') WITHIN GROUP (ORDER BY v DESC) FROM t"
    assert cur.execute(win).fetchall() == [(1, 2), (2, 3), (3, 1)]
    assert cur.execute(listagg).fetchone()[0] == "2,1,3"
    before = cur.execute(agg).fetchone()[0]
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = FIRST")
    assert cur.execute(win).fetchall() == [(1, 3), (2, 1), (3, 2)]
    assert cur.execute(listagg).fetchone()[0] == "1,3,2"
    after = cur.execute(agg).fetchone()[0]
    assert before.split() != after.split() and after.replace(" ", "").replace("\n", "") == "[2,3,1]"


def test_two_sessions_share_no_translation(cur: Any) -> None:
    sql = "SELECT column1 FROM VALUES (2), (NULL), (1) ORDER BY column1"  # the translation cache is the process's
    with snowreg.connect(session_parameters={"DEFAULT_NULL_ORDERING": "FIRST"}) as other:
        oc = other.cursor()
        assert _column(oc, sql) == [None, 1, 2]
        assert _column(cur, sql) == [1, 2, None]
        assert _column(oc, sql) == [None, 1, 2]
        assert oc.execute("SELECT 1 AS a ORDER BY a").description[0][0] == "A"  # the mark is no part of a header


def test_bad_value_is_refused_and_changes_nothing(cur: Any) -> None:
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = FIRST")
    with pytest.raises(ProgrammingError) as e:
        cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = MIDDLE")
    assert e.value.errno == 1008
    assert _column(cur, _ASC) == [None, 1, 2]


def test_a_view_keeps_the_ordering_it_was_made_with_and_shows_its_text(cur: Any) -> None:
    cur.execute("ALTER SESSION SET DEFAULT_NULL_ORDERING = FIRST")
    cur.execute("CREATE VIEW w AS SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS r FROM t")
    cur.execute("ALTER SESSION UNSET DEFAULT_NULL_ORDERING")
    assert cur.execute("SELECT v FROM w WHERE r = 1").fetchone()[0] is None
    assert cur.execute("SELECT GET_DDL('VIEW', 'w')").fetchone()[0].endswith("ORDER BY v) AS r FROM t;")
