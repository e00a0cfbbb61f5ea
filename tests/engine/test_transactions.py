"""Transactions through the DB-API: commit(), rollback(), autocommit, and BEGIN/COMMIT in SQL."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.dbapi import Connection


@pytest.fixture
def conn() -> Connection:
    c = snowreg.connect(database="txn", schema="public")
    c.cursor().execute("CREATE TABLE t (i INT)")
    return c


def _count(conn: Connection) -> int:
    row = conn.cursor().execute("SELECT COUNT(*) FROM txn.public.t").fetchone()
    assert row is not None
    return int(row[0])


def test_rollback_undoes_an_insert_when_autocommit_is_off(conn: Connection) -> None:
    conn.autocommit(False)
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    conn.rollback()
    assert _count(conn) == 0
    conn.cursor().execute("INSERT INTO t VALUES (2)")
    conn.commit()
    conn.rollback()
    assert _count(conn) == 1


def test_connect_autocommit_false_and_session_parameters() -> None:
    for kwargs in ({"autocommit": False}, {"session_parameters": {"AUTOCOMMIT": False}}):
        c = snowreg.connect(database="txn", schema="public", **kwargs)  # type: ignore[arg-type]
        assert c.get_autocommit() is False
        cur = c.cursor()
        cur.execute("CREATE TABLE t (i INT)")
        cur.execute("INSERT INTO t VALUES (1)")
        c.rollback()
        assert cur.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)


def test_with_block_commits_on_success_and_rolls_back_on_error_when_autocommit_is_off(conn: Connection) -> None:
    catalog = conn._catalog
    with Connection(catalog, autocommit=False) as first:
        first.cursor().execute("INSERT INTO txn.public.t VALUES (1)")
    assert _count(conn) == 1
    second = Connection(catalog, autocommit=False)
    with pytest.raises(RuntimeError), second:
        second.cursor().execute("INSERT INTO txn.public.t VALUES (2)")
        raise RuntimeError("boom")
    assert _count(conn) == 1


def test_commit_and_rollback_do_nothing_with_autocommit_on(conn: Connection) -> None:
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    conn.rollback()
    assert _count(conn) == 1


def test_uncommitted_rows_are_invisible_to_other_sessions_until_commit(conn: Connection) -> None:
    other = Connection(conn._catalog)
    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO t VALUES (1)")
    assert _count(conn) == 1
    assert _count(other) == 0
    conn.commit()
    assert _count(other) == 1


def test_closing_a_connection_rolls_back_its_open_transaction(conn: Connection) -> None:
    other = Connection(conn._catalog, autocommit=False)
    other.cursor().execute("INSERT INTO txn.public.t VALUES (1)")
    other.close()
    assert _count(conn) == 0


def test_registry_ddl_commits_the_open_transaction(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO t VALUES (1)")
    cur.execute("CREATE TAG txn_tag")
    cur.execute("ROLLBACK")
    assert _count(conn) == 1


def test_failed_statement_keeps_the_transaction_and_its_writes(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("BEGIN TRANSACTION")
    cur.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("INSERT INTO t VALUES ('not a number')")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT nope FROM t")
    cur.execute("INSERT INTO t VALUES (2)")
    cur.execute("COMMIT")
    assert cur.execute("SELECT i FROM t ORDER BY i").fetchall() == [(1,), (2,)]


def test_autocommit_rejects_a_non_boolean(conn: Connection) -> None:
    with pytest.raises(snowreg.ProgrammingError):
        conn.autocommit("yes")  # type: ignore[arg-type]


def test_write_pandas_commits_the_open_transaction_like_its_temporary_stage_ddl(conn: Connection) -> None:
    import pandas as pd

    from snowreg.pandas_tools import write_pandas

    cur = conn.cursor()
    cur.execute("BEGIN")
    cur.execute("INSERT INTO t VALUES (1)")
    write_pandas(conn, pd.DataFrame({"I": [2, 3]}), "T")  # CREATE TEMPORARY STAGE is DDL: it commits
    cur.execute("ROLLBACK")
    assert _count(conn) == 3
