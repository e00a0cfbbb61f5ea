"""The queryId a driver receives is the one the session knows: LAST_QUERY_ID(), RESULT_SCAN and error ids.

Snowflake's LAST_QUERY_ID() returns "the ID of a specified query in the current session"
(https://docs.snowflake.com/en/sql-reference/functions/last_query_id), the same id a driver reports as
its cursor's sfqid; RESULT_SCAN takes that id.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import snowreg
from snowreg.remote import RemoteConnection


@pytest.fixture
def remote(server: str) -> Iterator[RemoteConnection]:
    with snowreg.connect(server=server, password="admin-pw") as conn:
        yield conn


def test_last_query_id_is_the_drivers_query_id(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    cur.execute("SELECT 41 + 1 AS ANSWER")
    sent = cur.sfqid
    assert sent
    assert cur.execute("SELECT LAST_QUERY_ID()").fetchone() == (sent,)
    assert cur.execute(f"SELECT ANSWER FROM TABLE(RESULT_SCAN('{sent}'))").fetchall() == [(42,)]
    assert cur.execute("SELECT LAST_QUERY_ID(-3)").fetchone() == (sent,)  # before the two above


def test_a_failed_statements_id_is_the_errors(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    with pytest.raises(snowreg.ProgrammingError) as failed:
        cur.execute("SELECT * FROM NO_SUCH_TABLE")
    assert failed.value.sfqid
    assert cur.execute("SELECT LAST_QUERY_ID()").fetchone() == (failed.value.sfqid,)


def test_each_statement_has_its_own_id_in_the_session_history(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    cur.execute("SELECT 1")
    first = cur.sfqid
    cur.execute("SELECT 2")
    assert cur.sfqid != first
    assert cur.execute("SELECT LAST_QUERY_ID(-2)").fetchone() == (first,)
