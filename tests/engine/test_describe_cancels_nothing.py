"""cursor.describe() of SYSTEM$CANCEL_QUERY / SYSTEM$CANCEL_ALL_QUERIES describes the answer and cancels nothing
(the connector's describe-only run compiles a statement without running it), as for SYSTEM$ABORT_TRANSACTION."""

from __future__ import annotations

import pytest

import snowreg


def test_describe_of_cancel_query_calls_no_canceler() -> None:
    conn = snowreg.connect(database="DB", schema="PUBLIC")
    asked: list[str] = []
    conn.session.query_canceler = lambda query_id: asked.append(query_id) or True
    described = conn.cursor().describe("SELECT SYSTEM$CANCEL_QUERY('01b2c3d4-0000-0000-0000-000000000001')")
    assert len(described) == 1
    assert asked == []
    conn.cursor().execute("SELECT SYSTEM$CANCEL_QUERY('01b2c3d4-0000-0000-0000-000000000001')").fetchall()
    assert asked == ["01b2c3d4-0000-0000-0000-000000000001"]  # the same statement run does ask


def test_describe_of_cancel_all_queries_cancels_no_session(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = snowreg.connect(database="DB", schema="PUBLIC")
    other = snowreg.connect(database="DB", schema="PUBLIC")
    cancelled: list[int] = []
    monkeypatch.setattr("snowreg.engine.sql.system.cancel_all",
                        lambda caller, session_id: cancelled.append(session_id) or 1)
    sql = f"SELECT SYSTEM$CANCEL_ALL_QUERIES({other.session.id})"
    assert len(conn.cursor().describe(sql)) == 1
    assert cancelled == []
    assert conn.cursor().execute(sql).fetchall() == [("1 cancelled.",)]
    assert cancelled == [other.session.id]
