"""Another user's transaction is not a session's to see, describe or abort: SHOW TRANSACTIONS lists the current
user's, DESCRIBE TRANSACTION and SYSTEM$ABORT_TRANSACTION answer a foreign id as an unknown one, and only the user
who started a transaction or an account administrator may abort it.

https://docs.snowflake.com/en/sql-reference/functions/system_abort_transaction ("Transactions can be aborted only by
the user who started the transaction or an account administrator"),
https://docs.snowflake.com/en/sql-reference/sql/show-transactions (IN ACCOUNT: account administrators only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.T (I INT)", "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT SELECT, INSERT, UPDATE ON TABLE ML.DEV.T TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
    "CREATE USER BOB DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER BOB",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def errno(conn: Any, sql: str) -> int:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return int(info.value.errno)


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def _bobs_transaction(admin: Connection) -> tuple[Connection, str]:
    bob = Connection(admin._catalog, user="BOB")
    run(bob, "BEGIN NAME bobs")
    run(bob, "INSERT INTO ML.DEV.T VALUES (1)")
    return bob, str(run(bob, "SELECT CURRENT_TRANSACTION()")[0][0])


def test_another_users_transaction_is_unseen_and_cannot_be_aborted(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    bob, txn = _bobs_transaction(admin)
    assert run(alice, "SHOW TRANSACTIONS") == []
    assert errno(alice, "SHOW TRANSACTIONS IN ACCOUNT") == 3001
    assert errno(alice, f"DESCRIBE TRANSACTION {txn}") == 2003
    assert errno(alice, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == 2003
    # the same answer as for an id that names nothing: no oracle of other users' transactions
    assert errno(alice, f"SELECT SYSTEM$ABORT_TRANSACTION({int(txn) + 7})") == 2003
    assert run(bob, "SELECT CURRENT_TRANSACTION(), COUNT(*) FROM ML.DEV.T") == [(txn, 1)]
    run(bob, "COMMIT")
    assert errno(alice, f"DESCRIBE TRANSACTION {txn}") == 2003  # ended, still Bob's
    assert run(alice, "SELECT COUNT(*) FROM T") == [(1,)]


def test_the_user_who_started_it_may_abort_it_from_another_session(pair: tuple[Connection, Connection]) -> None:
    admin, _alice = pair
    bob, txn = _bobs_transaction(admin)
    bob_again = Connection(admin._catalog, user="BOB", role="PUBLIC")  # another role of the same user
    assert run(bob_again, f"DESCRIBE TRANSACTION {txn}")[0][5] == "running"
    assert run(bob_again, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == [(f"Aborted transaction id: {txn}",)]
    assert run(bob, "SELECT CURRENT_TRANSACTION(), COUNT(*) FROM ML.DEV.T") == [(None, 0)]


def test_an_account_administrator_may_describe_and_abort_it(pair: tuple[Connection, Connection]) -> None:
    admin, _alice = pair
    bob, txn = _bobs_transaction(admin)
    run(admin, "USE ROLE SYSADMIN")
    assert errno(admin, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == 2003  # not as another role
    run(admin, "USE ROLE ACCOUNTADMIN")
    assert run(admin, f"DESCRIBE TRANSACTION {txn}")[0][1:6:4] == ("BOB", "running")
    assert run(admin, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == [(f"Aborted transaction id: {txn}",)]
    assert run(bob, "SELECT COUNT(*) FROM ML.DEV.T") == [(0,)]
    assert run(admin, f"DESCRIBE TRANSACTION {txn}")[0][5] == "rolled back"


def test_commit_and_rollback_end_only_the_sessions_own_transaction(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    bob, txn = _bobs_transaction(admin)
    run(alice, "BEGIN")
    run(alice, "ROLLBACK")
    run(alice, "COMMIT")
    assert run(alice, "SELECT COUNT(*) FROM T") == [(0,)]  # Bob's row is still his own, uncommitted
    assert run(bob, "SELECT CURRENT_TRANSACTION()") == [(txn,)]
    run(bob, "ROLLBACK")
    assert run(alice, "SELECT COUNT(*) FROM T") == [(0,)]
