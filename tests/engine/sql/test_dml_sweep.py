"""DML and transactions, second sweep: an UPDATE, DELETE, MERGE, TRUNCATE or INSERT OVERWRITE of a table
that another session's open transaction has changed so is refused (Snowflake would wait for the lock),
instead of DuckDB letting the later write win and the open transaction's change be lost
(conformance/DECISIONS.md M21)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


@pytest.fixture
def sessions() -> Any:
    conn = snowreg.connect()
    cur = conn.cursor()
    cur.execute("CREATE DATABASE d")
    cur.execute("USE SCHEMA d.public")
    cur.execute("CREATE TABLE t (i INT)")
    cur.execute("INSERT INTO t VALUES (1), (2), (3)")
    other = Connection(conn._catalog)
    yield cur, other
    other.close()
    conn.close()


def _rows(cur: Any) -> list[int]:
    cur.execute("SELECT i FROM d.public.t ORDER BY i")
    return [r[0] for r in cur.fetchall()]


@pytest.mark.parametrize("first", ["UPDATE d.public.t SET i = 100 WHERE i = 2", "DELETE FROM d.public.t WHERE i = 3",
                                   "MERGE INTO d.public.t USING (SELECT 2 AS k) s ON t.i = s.k "
                                   "WHEN MATCHED THEN UPDATE SET i = 100"])
@pytest.mark.parametrize("second", ["DELETE FROM t WHERE i = 2", "UPDATE t SET i = 5 WHERE i = 1", "TRUNCATE TABLE t",
                                    "MERGE INTO t USING (SELECT 1 AS k) s ON t.i = s.k WHEN MATCHED THEN DELETE",
                                    "INSERT OVERWRITE INTO t VALUES (7)"])
def test_a_write_waiting_for_another_sessions_lock_is_refused(sessions: Any, first: str, second: str) -> None:
    cur, other = sessions
    theirs = other.cursor()
    theirs.execute("BEGIN")
    theirs.execute(first)
    with pytest.raises(snowreg.NotSupportedError) as info:
        cur.execute(second)
    assert info.value.errno == 2 and "LOCK_TIMEOUT" in info.value.msg
    theirs.execute("COMMIT")
    expected = _rows(cur)
    assert 100 in expected or 3 not in expected  # the open transaction's change was kept
    cur.execute(second)  # the lock is gone with the transaction: the statement runs
    assert cur.fetchall()


def test_inserts_and_other_tables_do_not_wait(sessions: Any) -> None:
    cur, other = sessions
    cur.execute("CREATE TABLE u (i INT)")
    theirs = other.cursor()
    theirs.execute("BEGIN")
    theirs.execute("INSERT INTO d.public.t VALUES (9)")
    cur.execute("UPDATE t SET i = 0 WHERE i = 1")  # an INSERT's new rows hold no lock on the others
    theirs.execute("DELETE FROM d.public.t WHERE i = 3")
    cur.execute("DELETE FROM u")  # another table
    cur.execute("INSERT INTO t VALUES (4)")
    theirs.execute("ROLLBACK")
    assert _rows(cur) == [0, 2, 3, 4]


def test_a_closed_or_own_transaction_holds_no_lock(sessions: Any) -> None:
    cur, other = sessions
    theirs = other.cursor()
    theirs.execute("BEGIN")
    theirs.execute("DELETE FROM d.public.t WHERE i = 2")
    other.close()  # Snowflake rolls back what a closing session left open
    cur.execute("BEGIN")
    cur.execute("DELETE FROM t WHERE i = 1")
    cur.execute("UPDATE t SET i = 30 WHERE i = 3")  # its own lock does not stop it
    cur.execute("COMMIT")
    assert _rows(cur) == [2, 30]


@pytest.mark.parametrize(("sql", "columns"), [
    ("INSERT INTO t VALUES (4)", ["number of rows inserted"]),
    ("INSERT OVERWRITE INTO t VALUES (4)", ["number of rows inserted"]),
    ("UPDATE t SET i = 0", ["number of rows updated", "number of multi-joined rows updated"]),
    ("DELETE FROM t", ["number of rows deleted"]),
    ("MERGE INTO t USING (SELECT 1 AS k) s ON t.i = s.k WHEN MATCHED THEN DELETE "
     "WHEN NOT MATCHED THEN INSERT VALUES (s.k)", ["number of rows inserted", "number of rows deleted"]),
    ("INSERT ALL INTO t SELECT 5", ["number of rows inserted into T"]),
    ("TRUNCATE TABLE t", ["status"]),
])
def test_describing_a_dml_statement_gives_its_count_columns_and_changes_nothing(
        sessions: Any, sql: str, columns: list[str]) -> None:
    """cursor.describe() of DML: the columns it answers with (NUMBER counts), not DDL's `status`, and
    no row changes (DECISIONS.md M24)."""
    cur, _ = sessions
    described = cur.describe(sql)
    assert [d.name for d in described] == columns
    if columns != ["status"]:
        assert {d.type_code for d in described} == {0}  # FIXED
    assert _rows(cur) == [1, 2, 3]


@pytest.mark.parametrize("body", ["BEGIN COMMIT; RETURN 1; END;",
                                  "BEGIN BEGIN TRANSACTION; INSERT INTO d.public.t VALUES (9); ROLLBACK; RETURN 1; END;"])
def test_an_anonymous_block_inside_a_transaction_may_not_end_it(sessions: Any, body: str) -> None:
    """A block's BEGIN / COMMIT / ROLLBACK inside an open transaction would be Snowflake's scoped transaction,
    as a procedure's: refused, where it had committed or rolled back the caller's transaction (M25)."""
    cur, _ = sessions
    cur.execute("BEGIN")
    cur.execute("INSERT INTO t VALUES (4)")
    with pytest.raises(snowreg.NotSupportedError) as info:
        cur.execute(f"EXECUTE IMMEDIATE $${body}$$")
    assert "anonymous block" in info.value.msg
    cur.execute("SELECT CURRENT_TRANSACTION() IS NOT NULL")
    assert cur.fetchall() == [(True,)]
    cur.execute("ROLLBACK")
    assert _rows(cur) == [1, 2, 3]


def test_an_anonymous_block_outside_a_transaction_runs_its_own(sessions: Any) -> None:
    cur, _ = sessions
    cur.execute("EXECUTE IMMEDIATE $$BEGIN BEGIN TRANSACTION; INSERT INTO d.public.t VALUES (9); ROLLBACK; "
                "INSERT INTO d.public.t VALUES (8); RETURN 1; END;$$")
    assert _rows(cur) == [1, 2, 3, 8]


def test_another_registrys_table_of_the_same_name_holds_no_lock(sessions: Any) -> None:
    cur, _ = sessions
    elsewhere = snowreg.connect()
    theirs = elsewhere.cursor()
    theirs.execute("CREATE DATABASE d")
    theirs.execute("CREATE TABLE d.public.t (i INT)")
    theirs.execute("BEGIN")
    theirs.execute("DELETE FROM d.public.t")
    cur.execute("DELETE FROM t WHERE i = 1")  # d.public.t of this registry: no lock on it
    assert _rows(cur) == [2, 3]
    elsewhere.close()
