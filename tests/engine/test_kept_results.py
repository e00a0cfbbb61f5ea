"""Which earlier results RESULT_SCAN and get_results_from_sfqid can still read (DECISIONS Y10).

RESULT_SCAN's page (https://docs.snowflake.com/en/sql-reference/functions/result_scan) keeps every
result for 24 hours; snowreg keeps the latest 64 within a budget of values (rows × columns) and
always the latest result, whatever its size, so `RESULT_SCAN(LAST_QUERY_ID())` never fails."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.engine import session as sessions

BUDGET = 100  # values, for these tests (the default is a million)


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sessions, "KEPT_VALUES", BUDGET)


def _rows(cur: Any, n: int, columns: int = 1) -> str:
    items = ", ".join(f"SEQ4() + {c} AS C{c}" for c in range(columns))
    return cur.execute(f"SELECT {items} FROM TABLE(GENERATOR(ROWCOUNT => {n}))").sfqid


def _scan(cur: Any, qid: str) -> list[Any]:
    return cur.execute(f"SELECT COUNT(*) FROM TABLE(RESULT_SCAN('{qid}'))").fetchall()


def _gone(cur: Any, qid: str) -> None:
    with pytest.raises(snowreg.ProgrammingError) as e:
        _scan(cur, qid)
    assert e.value.errno == 709
    with pytest.raises(snowreg.ProgrammingError) as e:
        cur.get_results_from_sfqid(qid)
    assert e.value.errno == 709


@pytest.mark.usefixtures("small_budget")
def test_the_latest_result_is_kept_whatever_its_size(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    _rows(cur, 10 * BUDGET)
    assert cur.execute("SELECT COUNT(*) FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))").fetchall() == [(10 * BUDGET,)]
    big = _rows(cur, 3 * BUDGET)
    other = snowreg_conn.cursor()
    other.get_results_from_sfqid(big)
    assert len(other.fetchall()) == 3 * BUDGET


@pytest.mark.usefixtures("small_budget")
def test_older_results_go_oldest_first_once_they_hold_more_than_the_budget(snowreg_conn: Any) -> None:
    cur, reader = snowreg_conn.cursor(), snowreg_conn.cursor()
    sizes = (40, 40, 20, 30)  # before the latest (30): 100 values, the budget exactly
    ids = [_rows(cur, n) for n in sizes]
    for qid, n in zip(ids, sizes, strict=True):
        reader.get_results_from_sfqid(qid)  # reads without making a result of its own
        assert len(reader.fetchall()) == n
    _rows(cur, 1)  # 130 values before it: the oldest goes, 90 remain
    _gone(reader, ids[0])
    for qid, n in zip(ids[1:], sizes[1:], strict=True):
        reader.get_results_from_sfqid(qid)
        assert len(reader.fetchall()) == n


@pytest.mark.usefixtures("small_budget")
def test_the_budget_counts_values_not_rows(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    wide = _rows(cur, BUDGET // 4 + 1, columns=4)  # just over the budget in values, a quarter of it in rows
    _rows(cur, 1)
    _gone(cur, wide)


def test_small_results_stay_as_before(snowreg_conn: Any) -> None:
    """Under the default budget a test's usual results (a few rows each) are all kept, up to 64."""
    cur = snowreg_conn.cursor()
    ids = [cur.execute(f"SELECT {i} AS X").sfqid for i in range(sessions.RECENT_RESULTS)]
    assert cur.execute(f"SELECT X FROM TABLE(RESULT_SCAN('{ids[1]}'))").fetchall() == [(1,)]
    _gone(cur, ids[0])  # the 65th result pushed the first out


@pytest.mark.usefixtures("small_budget")
def test_another_session_of_the_user_reads_within_the_same_budget(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    old = _rows(cur, 2 * BUDGET)
    _rows(cur, 2 * BUDGET)
    later = snowreg_conn.open_session(user=snowreg_conn.user).cursor()
    _gone(later, old)


@pytest.mark.usefixtures("small_budget")
def test_a_failed_async_query_keeps_its_error(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    failed = cur.execute_async("SELECT * FROM NOPE")["queryId"]
    for _ in range(3):
        _rows(cur, 2 * BUDGET)
    assert snowreg_conn.get_query_status(failed).name == "FAILED_WITH_ERROR"
    with pytest.raises(snowreg.ProgrammingError) as e:
        cur.get_results_from_sfqid(failed)
    assert e.value.errno == 2003
