"""DESCRIBE TRANSACTION, SYSTEM$ABORT_TRANSACTION, TRANSACTION_ABORT_ON_ERROR and the transactions of stored
procedures, as https://docs.snowflake.com/en/sql-reference/transactions and the pages it links describe them."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg import errors
from snowreg.dbapi import Connection


@pytest.fixture
def conn() -> Connection:
    c = snowreg.connect(database="txn", schema="public")
    c.cursor().execute("CREATE TABLE t (i INT)")
    return c


def _rows(conn: Connection, sql: str) -> list[Any]:
    return conn.cursor().execute(sql).fetchall()


def _one(conn: Connection, sql: str) -> Any:
    return _rows(conn, sql)[0][0]


def _count(conn: Connection) -> int:
    return int(_one(conn, "SELECT COUNT(*) FROM txn.public.t"))


def _describe(conn: Connection, txn: str) -> dict[str, Any]:
    cur = conn.cursor().execute(f"DESCRIBE TRANSACTION {txn}")
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


# -- DESCRIBE TRANSACTION (https://docs.snowflake.com/en/sql-reference/sql/desc-transaction) ---------------------


def test_describe_transaction_shows_a_running_then_committed_transaction(conn: Connection) -> None:
    conn.cursor().execute("BEGIN NAME my_txn")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    cur = conn.cursor().execute(f"DESC TRANSACTION {txn}")
    assert [d[0] for d in cur.description] == ["id", "user", "session", "name", "started_on", "state", "ended_on"]
    running = dict(zip([d[0] for d in cur.description], cur.fetchall()[0], strict=True))
    assert (str(running["id"]), running["user"], running["name"], running["state"], running["ended_on"]) == \
        (txn, conn.user, "MY_TXN", "running", None)
    assert running["session"] == conn.session_id
    conn.cursor().execute("COMMIT")
    ended = _describe(conn, txn)
    assert ended["state"] == "committed" and ended["ended_on"] >= ended["started_on"]


def test_describe_transaction_of_a_rollback_an_autocommit_statement_and_a_closed_session(conn: Connection) -> None:
    conn.cursor().execute("BEGIN")
    rolled = _one(conn, "SELECT CURRENT_TRANSACTION()")
    conn.cursor().execute("ROLLBACK")
    assert _describe(conn, rolled)["state"] == "rolled back"
    conn.cursor().execute("INSERT INTO t VALUES (1)")  # a transaction of its own (AUTOCOMMIT)
    assert _describe(conn, _one(conn, "SELECT LAST_TRANSACTION()"))["state"] == "committed"
    other = Connection(conn._catalog)
    other.cursor().execute("BEGIN")
    left = _one(other, "SELECT CURRENT_TRANSACTION()")
    other.close()  # the end of a session rolls back its open transaction
    assert _describe(conn, left)["state"] == "rolled back"


def test_describe_transaction_refuses_a_variable_and_an_unknown_id(conn: Connection) -> None:
    conn.cursor().execute("SET txn = 1")
    with pytest.raises(errors.ProgrammingError) as e:
        conn.cursor().execute("DESCRIBE TRANSACTION $txn")  # "a literal, not a session variable"
    assert e.value.errno == 1003
    with pytest.raises(errors.ProgrammingError) as e:
        conn.cursor().execute("DESCRIBE TRANSACTION 1234567")
    assert e.value.errno == 2003 and "Transaction '1234567' does not exist or not authorized" in e.value.msg


def test_describe_only_of_describe_transaction_names_its_columns(conn: Connection) -> None:
    described = conn.cursor().describe("DESCRIBE TRANSACTION 1")
    assert described is not None
    assert [d.name for d in described] == ["id", "user", "session", "name", "started_on", "state", "ended_on"]


# -- SYSTEM$ABORT_TRANSACTION (https://docs.snowflake.com/en/sql-reference/functions/system_abort_transaction) ----


def test_abort_transaction_rolls_back_the_sessions_own_transaction(conn: Connection) -> None:
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    assert _one(conn, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == f"Aborted transaction id: {txn}"
    assert _rows(conn, "SELECT COUNT(*), CURRENT_TRANSACTION(), LAST_TRANSACTION() FROM t") == [(0, None, txn)]
    assert _describe(conn, txn)["state"] == "rolled back"


def test_abort_transaction_of_another_session_releases_its_lock(conn: Connection) -> None:
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    holder = Connection(conn._catalog)
    holder.cursor().execute("BEGIN")
    holder.cursor().execute("UPDATE txn.public.t SET i = 2")
    txn = _one(holder, "SELECT CURRENT_TRANSACTION()")
    with pytest.raises(errors.NotSupportedError):  # waits for the holder's lock in Snowflake
        conn.cursor().execute("UPDATE t SET i = 3")
    assert _one(conn, f"SELECT SYSTEM$ABORT_TRANSACTION('{txn}')") == f"Aborted transaction id: {txn}"
    conn.cursor().execute("UPDATE t SET i = 3")
    assert _rows(holder, "SELECT i, CURRENT_TRANSACTION() FROM txn.public.t") == [(3, None)]
    holder.cursor().execute("COMMIT")  # nothing of the aborted transaction comes back
    assert _one(conn, "SELECT i FROM t") == 3


def test_abort_transaction_leaves_an_ended_transaction_as_it_was(conn: Connection) -> None:
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    conn.cursor().execute("COMMIT")
    assert _one(conn, f"SELECT SYSTEM$ABORT_TRANSACTION({txn})") == f"Aborted transaction id: {txn}"
    assert _count(conn) == 1 and _describe(conn, txn)["state"] == "committed"


def test_abort_transaction_refuses_bad_arguments_and_unknown_ids(conn: Connection) -> None:
    for call in ("SYSTEM$ABORT_TRANSACTION()", "SYSTEM$ABORT_TRANSACTION('x')", "SYSTEM$ABORT_TRANSACTION(1, 2)"):
        with pytest.raises(errors.ProgrammingError) as e:
            conn.cursor().execute(f"SELECT {call}")
        assert e.value.errno == 2000
    with pytest.raises(errors.ProgrammingError) as e:
        conn.cursor().execute("SELECT SYSTEM$ABORT_TRANSACTION(42)")
    assert e.value.errno == 2003


def test_abort_transaction_is_refused_while_the_other_session_runs_a_statement(conn: Connection) -> None:
    from snowreg.engine import boundary, transaction

    other = Connection(conn._catalog)
    other.cursor().execute("BEGIN")
    other.cursor().execute("INSERT INTO txn.public.t VALUES (1)")
    txn = _one(other, "SELECT CURRENT_TRANSACTION()")
    with boundary._running_lock:  # as guarded() records a statement that runs
        boundary._running[other.session.id] = other.session
    try:
        with pytest.raises(errors.NotSupportedError):
            transaction.abort(conn.session, txn, boundary.when_idle)
    finally:
        with boundary._running_lock:
            boundary._running.pop(other.session.id, None)
    assert _one(other, "SELECT CURRENT_TRANSACTION()") == txn and _one(other, "SELECT COUNT(*) FROM txn.public.t") == 1


# -- TRANSACTION_ABORT_ON_ERROR (https://docs.snowflake.com/en/sql-reference/parameters#transaction-abort-on-error) --


def test_abort_on_error_aborts_the_transaction_until_commit_or_rollback(conn: Connection) -> None:
    conn.cursor().execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
    conn.cursor().execute("BEGIN TRANSACTION")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    with pytest.raises(errors.ProgrammingError) as e:
        conn.cursor().execute("INSERT INTO t VALUES ('This is not a valid integer.')")
    assert e.value.errno == 100038
    for statement in ("SELECT 1", "INSERT INTO t VALUES (2)", "SHOW TABLES"):
        with pytest.raises(errors.ProgrammingError, match=f"Transaction {txn} was aborted"):
            conn.cursor().execute(statement)
    conn.cursor().execute("COMMIT")  # ends it, committing nothing
    assert _count(conn) == 0 and _describe(conn, txn)["state"] == "rolled back"
    conn.cursor().execute("INSERT INTO t VALUES (3)")  # statements run again
    assert _count(conn) == 1


def test_abort_on_error_with_autocommit_off_and_rollback(conn: Connection) -> None:
    conn.cursor().execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
    conn.autocommit(False)
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("SELECT no_such_column FROM t")
    with pytest.raises(errors.ProgrammingError, match="was aborted"):
        conn.cursor().execute("SELECT COUNT(*) FROM t")
    conn.rollback()
    assert _count(conn) == 0


def test_abort_on_error_false_keeps_the_transaction_and_an_error_outside_one_changes_nothing(conn: Connection) -> None:
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("INSERT INTO t VALUES ('x')")
    conn.cursor().execute("COMMIT")
    assert _count(conn) == 1
    conn.cursor().execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("INSERT INTO t VALUES ('x')")
    conn.cursor().execute("INSERT INTO t VALUES (2)")  # no transaction was open: nothing to abort
    assert _count(conn) == 2


# -- Stored procedures and transactions (the transactions page, "Stored procedures and transactions") -------------


def _procedure(conn: Connection, name: str, *body: str) -> None:
    lines = "\n".join(f"  {b};" for b in body)
    conn.cursor().execute(f"CREATE PROCEDURE {name}() RETURNS VARCHAR LANGUAGE SQL AS $$\nBEGIN\n{lines}\n"
                          "  RETURN 'done';\nEND;\n$$")


def test_a_transaction_a_procedure_leaves_open_is_rolled_back_and_the_call_fails(conn: Connection) -> None:
    _procedure(conn, "leave_open", "BEGIN TRANSACTION", "INSERT INTO t VALUES (1)")
    with pytest.raises(errors.ProgrammingError, match="open transaction"):
        conn.cursor().execute("CALL leave_open()")
    assert _rows(conn, "SELECT COUNT(*), CURRENT_TRANSACTION() FROM t") == [(0, None)]


def test_with_autocommit_off_a_procedures_implicit_transaction_is_rolled_back(conn: Connection) -> None:
    _procedure(conn, "p1", "INSERT INTO t VALUES (1)")
    conn.autocommit(False)
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("CALL p1()")
    assert _count(conn) == 0
    conn.cursor().execute("BEGIN TRANSACTION")  # the page's remedy: the transaction around the CALL
    assert _one(conn, "CALL p1()") == "done"
    conn.commit()
    assert _count(conn) == 1


def test_a_procedure_called_inside_a_transaction_may_not_end_it(conn: Connection) -> None:
    _procedure(conn, "ddl_inside", "CREATE TABLE t2 (x INT)")
    _procedure(conn, "commit_inside", "INSERT INTO t VALUES (5)", "COMMIT")
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    for call in ("CALL ddl_inside()", "CALL commit_inside()"):
        with pytest.raises(errors.ProgrammingError,
                           match="Modifying a transaction that has started at a different scope is not allowed"):
            conn.cursor().execute(call)
    # the failed CALLs changed nothing (the INSERT of 5 went with its CALL); the caller's transaction is open
    assert _rows(conn, "SELECT COUNT(*), CURRENT_TRANSACTION() FROM t") == [(1, txn)]
    conn.cursor().execute("ROLLBACK")
    assert _count(conn) == 0
    assert _rows(conn, "SHOW TABLES LIKE 'T2'") == []


def test_a_failed_call_inside_a_transaction_undoes_only_its_own_writes(conn: Connection) -> None:
    _procedure(conn, "half", "INSERT INTO t VALUES (2)", "SELECT 1 / 0")
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("CALL half()")
    conn.cursor().execute("COMMIT")
    assert _rows(conn, "SELECT i FROM t") == [(1,)]


def test_a_procedures_own_transaction_commits_inside_it(conn: Connection) -> None:
    _procedure(conn, "own", "BEGIN TRANSACTION", "INSERT INTO t VALUES (1)", "COMMIT")
    assert _one(conn, "CALL own()") == "done"
    assert _rows(conn, "SELECT COUNT(*), CURRENT_TRANSACTION() FROM t") == [(1, None)]


def test_lock_timeout_parameters_show_as_the_transactions_page_prints_them(conn: Connection) -> None:
    """The page's "Lock timeout parameters" examples: SHOW PARAMETERS after ALTER SESSION SET."""
    conn.cursor().execute("ALTER SESSION SET LOCK_TIMEOUT=7200")
    assert _rows(conn, "SHOW PARAMETERS LIKE 'lock_timeout'") == [(
        "LOCK_TIMEOUT", "7200", "43200", "SESSION",
        "Number of seconds to wait while trying to lock a resource, before timing out and aborting the statement. "
        "A value of 0 turns off lock waiting i.e. the statement must acquire the lock immediately or abort. If "
        "multiple resources need to be locked by the statement, the timeout applies separately to each lock "
        "attempt.", "NUMBER")]
    conn.cursor().execute("ALTER SESSION SET HYBRID_TABLE_LOCK_TIMEOUT=600")
    assert _rows(conn, "SHOW PARAMETERS LIKE 'hybrid_table_lock_timeout'") == [(
        "HYBRID_TABLE_LOCK_TIMEOUT", "600", "3600", "SESSION",
        "Number of seconds to wait while trying to acquire locks, before timing out and aborting the statement. A "
        "value of 0 turns off lock waiting i.e. the statement must acquire the lock immediately or abort.",
        "NUMBER")]


def test_a_commit_duckdb_refuses_is_a_rollback_said_in_snowreg_words(conn: Connection) -> None:
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("UPDATE t SET i = 5")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    Connection(conn._catalog).cursor().execute("DROP TABLE txn.public.t")  # commits under the open transaction
    with pytest.raises(errors.NotSupportedError) as e:
        conn.cursor().execute("COMMIT")
    assert "TransactionContext" not in e.value.msg and "Failed to commit" not in e.value.msg
    assert _describe(conn, txn)["state"] == "rolled back"
    assert _one(conn, "SELECT CURRENT_TRANSACTION()") is None


def test_a_procedure_may_not_change_autocommit(conn: Connection) -> None:
    """The transactions page: "Do not change AUTOCOMMIT settings inside a stored procedure. You will get an error
    message." (a caller's-rights procedure may otherwise run ALTER SESSION)."""
    conn.cursor().execute("CREATE PROCEDURE set_ac() RETURNS VARCHAR LANGUAGE SQL EXECUTE AS CALLER AS $$\nBEGIN\n"
                          "  ALTER SESSION SET AUTOCOMMIT = FALSE;\n  RETURN 'x';\nEND;\n$$")
    conn.cursor().execute("CREATE PROCEDURE set_tz() RETURNS VARCHAR LANGUAGE SQL EXECUTE AS CALLER AS $$\nBEGIN\n"
                          "  ALTER SESSION SET TIMEZONE = 'UTC';\n  RETURN 'x';\nEND;\n$$")
    with pytest.raises(errors.ProgrammingError, match="AUTOCOMMIT"):
        conn.cursor().execute("CALL set_ac()")
    assert conn.get_autocommit() is True
    assert _one(conn, "CALL set_tz()") == "x"  # other session parameters stay the caller's to change


def test_describing_an_abort_aborts_nothing(conn: Connection) -> None:
    """cursor.describe() (the connector's describe-only run) reports the columns without running the statement."""
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    txn = _one(conn, "SELECT CURRENT_TRANSACTION()")
    described = conn.cursor().describe(f"SELECT SYSTEM$ABORT_TRANSACTION({txn})")
    assert described is not None and len(described) == 1
    assert _rows(conn, "SELECT CURRENT_TRANSACTION(), COUNT(*) FROM t") == [(txn, 1)]


def test_a_scoped_transaction_is_refused_and_the_callers_transaction_is_kept(conn: Connection) -> None:
    """BEGIN in a procedure called inside a transaction opens a scoped transaction in Snowflake: not emulated."""
    _procedure(conn, "scoped", "BEGIN TRANSACTION", "INSERT INTO t VALUES (2)", "COMMIT")
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    with pytest.raises(errors.NotSupportedError, match=r"Scoped transactions \(BEGIN in a stored procedure"):
        conn.cursor().execute("CALL scoped()")
    conn.cursor().execute("COMMIT")
    assert _rows(conn, "SELECT i FROM t") == [(1,)]


def test_abort_on_error_and_a_procedure_that_handles_its_error(conn: Connection) -> None:
    """An error the body handles is not the CALL's: the caller's transaction goes on; a CALL that fails aborts it."""
    conn.cursor().execute("CREATE PROCEDURE handled() RETURNS VARCHAR LANGUAGE SQL AS $$\nBEGIN\n"
                          "  INSERT INTO t VALUES ('x');\n  RETURN 'done';\nEXCEPTION\n  WHEN OTHER THEN\n"
                          "    RETURN 'handled';\nEND;\n$$")
    _procedure(conn, "unhandled", "INSERT INTO t VALUES ('x')")
    conn.cursor().execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
    conn.cursor().execute("BEGIN")
    conn.cursor().execute("INSERT INTO t VALUES (1)")
    assert _one(conn, "CALL handled()") == "handled"
    assert _count(conn) == 1
    with pytest.raises(errors.ProgrammingError):
        conn.cursor().execute("CALL unhandled()")
    with pytest.raises(errors.ProgrammingError, match="was aborted"):
        conn.cursor().execute("SELECT 1")
    conn.cursor().execute("ROLLBACK")
    assert _count(conn) == 0
