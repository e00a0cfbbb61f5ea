"""Tasks and privileges: CREATE TASK on the schema; EXECUTE TASK (account) with OWNERSHIP or OPERATE to run or
resume one; the body runs with its owner's privileges; a role holding nothing on a task never sees it or its runs.

https://docs.snowflake.com/en/user-guide/tasks-intro (access control), https://docs.snowflake.com/en/sql-reference/
sql/execute-task (EXECUTE TASK; OWNERSHIP or OPERATE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (s INT)", "CREATE TASK ML.DEV.FILL AS INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
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


def test_unseen_task_is_missing_on_every_path(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "EXECUTE TASK FILL")
    assert run(alice, "SHOW TASKS") == []
    assert run(alice, "SELECT COUNT(*) FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY())") == [(0,)]
    for sql in ("DESC TASK FILL", "EXECUTE TASK FILL", "ALTER TASK FILL RESUME", "ALTER TASK FILL SET COMMENT = 'x'",
                "DROP TASK FILL", "GRANT OPERATE ON TASK FILL TO ROLE ANALYST"):
        assert errno(alice, sql) == 2003, sql
    assert run(admin, "SELECT COUNT(*) FROM ML.DEV.SECRET") == [(1,)]


def test_operate_and_execute_task_run_the_body_with_the_owners_privileges(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT OPERATE ON TASK ML.DEV.FILL TO ROLE ANALYST")
    assert [r[1] for r in run(alice, "SHOW TASKS")] == ["FILL"]
    assert errno(alice, "EXECUTE TASK FILL") == 3001  # no EXECUTE TASK on the account
    assert errno(alice, "ALTER TASK FILL RESUME") == 3001
    run(admin, "GRANT EXECUTE TASK ON ACCOUNT TO ROLE ANALYST")
    run(alice, "EXECUTE TASK FILL")
    assert run(admin, "SELECT s FROM ML.DEV.SECRET") == [(42,)]  # written with the owner's INSERT
    assert errno(alice, "SELECT * FROM SECRET") == 2003  # ALICE still cannot read it
    assert run(alice, "SELECT name, state FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY())") == [("FILL", "SUCCEEDED")]
    for sql in ("ALTER TASK FILL MODIFY AS DELETE FROM SECRET", "DROP TASK FILL"):  # OPERATE is not OWNERSHIP
        assert errno(alice, sql) == 3001, sql
    run(alice, "ALTER TASK FILL RESUME")
    run(alice, "ALTER TASK FILL SUSPEND")


def test_create_task_needs_the_schema_privilege(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "CREATE TASK MINE AS SELECT 1") == 3001
    run(admin, "GRANT CREATE TASK ON SCHEMA ML.DEV TO ROLE ANALYST")
    run(admin, "GRANT EXECUTE MANAGED TASK ON ACCOUNT TO ROLE ANALYST")  # MINE is serverless (no WAREHOUSE)
    run(alice, "CREATE TASK MINE AS INSERT INTO SECRET VALUES (1)")
    run(admin, "GRANT EXECUTE TASK ON ACCOUNT TO ROLE ANALYST")
    run(alice, "EXECUTE TASK MINE")  # runs with ANALYST's privileges: no INSERT on SECRET
    assert run(admin, "SELECT COUNT(*) FROM ML.DEV.SECRET") == [(0,)]
    assert run(alice, "SELECT state, error_code FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'MINE'))") \
        == [("FAILED", "002003")]


def test_a_serverless_task_needs_execute_managed_task_at_create(pair: tuple[Connection, Connection]) -> None:
    """https://docs.snowflake.com/en/user-guide/tasks-intro (serverless tasks: "the role that executes the CREATE TASK
    command must have the global EXECUTE MANAGED TASK privilege"; DECISIONS.md Q35); a task naming a warehouse does
    not need it, and nothing is made when it is missing."""
    admin, alice = pair
    run(admin, "GRANT CREATE TASK ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert errno(alice, "CREATE TASK SERVERLESS AS SELECT 1") == 3001
    assert errno(alice, "CREATE TASK SERVERLESS USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE = 'XSMALL' AS SELECT 1") == 3001
    assert [r[1] for r in run(admin, "SHOW TASKS LIKE 'SERVERLESS'")] == []
    run(alice, "CREATE TASK WITH_WH WAREHOUSE = wh AS SELECT 1")
    run(admin, "GRANT EXECUTE MANAGED TASK ON ACCOUNT TO ROLE ANALYST")
    run(alice, "CREATE TASK SERVERLESS AS SELECT 1")
    assert sorted(r[1] for r in run(admin, "SHOW TASKS")) == ["FILL", "SERVERLESS", "WITH_WH"]


def test_unsetting_the_warehouse_needs_execute_managed_task(pair: tuple[Connection, Connection]) -> None:
    """ALTER TASK … UNSET WAREHOUSE makes the task serverless: the privilege CREATE TASK without a warehouse
    needs (DECISIONS.md Q35, Q41); the task keeps its warehouse when it is missing."""
    admin, alice = pair
    run(admin, "GRANT CREATE TASK ON SCHEMA ML.DEV TO ROLE ANALYST")
    run(alice, "CREATE TASK WITH_WH WAREHOUSE = wh AS SELECT 1")
    assert errno(alice, "ALTER TASK WITH_WH UNSET WAREHOUSE") == 3001
    cursor = alice.cursor().execute("SHOW TASKS LIKE 'WITH_WH'")
    column = [d[0] for d in cursor.description].index("warehouse")
    assert [r[column] for r in cursor.fetchall()] == ["WH"]
    run(alice, "ALTER TASK WITH_WH UNSET COMMENT")  # other properties need no account privilege
    run(admin, "GRANT EXECUTE MANAGED TASK ON ACCOUNT TO ROLE ANALYST")
    run(alice, "ALTER TASK WITH_WH UNSET WAREHOUSE")
    cursor = alice.cursor().execute("SHOW TASKS LIKE 'WITH_WH'")
    assert [r[column] for r in cursor.fetchall()] == [None]


def test_callers_session_variables_do_not_steer_the_owners_body(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "CREATE TABLE ML.DEV.PUBLIC_LOG (s INT)")
    run(admin, "CREATE TABLE ML.DEV.OPEN_SRC (s INT)")
    run(admin, "INSERT INTO ML.DEV.OPEN_SRC VALUES (7)")
    run(admin, "INSERT INTO ML.DEV.SECRET VALUES (99)")
    run(admin, "CREATE TASK ML.DEV.COPIER AS INSERT INTO PUBLIC_LOG SELECT s FROM IDENTIFIER($src)")
    run(admin, "GRANT OPERATE ON TASK ML.DEV.COPIER TO ROLE ANALYST")
    run(admin, "GRANT EXECUTE TASK ON ACCOUNT TO ROLE ANALYST")
    run(alice, "SET src = 'ML.DEV.SECRET'")
    run(alice, "EXECUTE TASK COPIER")  # a task's session has no variables: the run fails, SECRET is not copied
    assert run(admin, "SELECT COUNT(*) FROM ML.DEV.PUBLIC_LOG") == [(0,)]
    assert run(alice, "SELECT state FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'COPIER'))") \
        == [("FAILED",)]
    assert run(alice, "SELECT $src") == [("ML.DEV.SECRET",)]  # the caller's own variables are untouched


def test_a_task_executing_itself_stops(pair: tuple[Connection, Connection]) -> None:
    admin, _ = pair
    run(admin, "CREATE TASK ML.DEV.LOOP AS EXECUTE TASK ML.DEV.LOOP")
    run(admin, "EXECUTE TASK ML.DEV.LOOP")
    states = {r[0] for r in run(admin, "SELECT state FROM TABLE(ML.INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'LOOP'))")}
    assert "FAILED" in states


def test_undrop_task_needs_the_ownership_of_the_dropped_task(pair: tuple[Connection, Connection]) -> None:
    """A role that held only MONITOR on a dropped task is told it does not exist (DECISIONS.md Q42)."""
    admin, alice = pair
    run(admin, "GRANT MONITOR ON TASK ML.DEV.FILL TO ROLE ANALYST")
    run(admin, "DROP TASK ML.DEV.FILL")
    assert errno(alice, "UNDROP TASK ML.DEV.FILL") == 2003
    assert run(admin, "SHOW TASKS LIKE 'FILL'") == []
    run(admin, "UNDROP TASK ML.DEV.FILL")
    assert [r[1] for r in run(alice, "SHOW TASKS LIKE 'FILL'")] == ["FILL"]  # MONITOR came back with it
