"""Tasks: kept and shown, never scheduled; EXECUTE TASK runs a task graph once and records each run.

https://docs.snowflake.com/en/sql-reference/sql/create-task, …/alter-task, …/execute-task, …/show-tasks,
https://docs.snowflake.com/en/sql-reference/functions/task_history (conformance/sql/tasks.test; DECISIONS.md Q15-Q22).
"""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.errors import ProgrammingError


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def show(cur: Any, sql: str, *columns: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return [tuple(r[names.index(c)] for c in columns) for r in cur.fetchall()]


def history(cur: Any) -> list[tuple[Any, ...]]:
    return run(cur, "SELECT name, state, error_code FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY()) "
                    "ORDER BY completed_time, name")


@pytest.fixture
def graph(cur: Any) -> Any:
    run(cur, "CREATE TABLE log (step VARCHAR)")
    run(cur, "CREATE TASK root WAREHOUSE = wh SCHEDULE = '60 MINUTE' COMMENT = 'r' AS INSERT INTO log VALUES ('root')")
    run(cur, "CREATE TASK child AFTER root AS INSERT INTO log VALUES ('child')")
    run(cur, "CREATE TASK grandchild AFTER child WHEN 1 = 0 AS INSERT INTO log VALUES ('never')")
    return cur


def test_created_suspended_and_shown(graph: Any) -> None:
    rows = show(graph, "SHOW TASKS", "name", "state", "schedule", "predecessors", "warehouse", "comment")
    assert sorted(rows) == [
        ("CHILD", "suspended", None, rows[0][3], None, ""),
        ("GRANDCHILD", "suspended", None, rows[1][3], None, ""),
        ("ROOT", "suspended", "60 MINUTE", "[]", "WH", "r")]
    assert rows[0][3].endswith('.ROOT"]') and rows[1][3].endswith('.CHILD"]')
    assert show(graph, "DESC TASK root", "definition") == [("INSERT INTO log VALUES ('root')",)]
    assert run(graph, "SELECT COUNT(*) FROM log") == [(0,)]  # nothing runs on a schedule


def test_execute_runs_the_root_and_resumed_children_evaluating_when(graph: Any) -> None:
    cur = graph
    run(cur, "EXECUTE TASK root")
    assert run(cur, "SELECT step FROM log") == [("root",)]  # children suspended: not run
    run(cur, "ALTER TASK child RESUME")
    run(cur, "ALTER TASK grandchild RESUME")
    run(cur, "EXECUTE TASK root")
    assert sorted(run(cur, "SELECT step FROM log")) == [("child",), ("root",), ("root",)]
    assert [r[:2] for r in history(cur)][-3:] == [("ROOT", "SUCCEEDED"), ("CHILD", "SUCCEEDED"),
                                                  ("GRANDCHILD", "SKIPPED")]
    with pytest.raises(ProgrammingError, match="root task"):
        run(cur, "EXECUTE TASK child")


def test_failed_run_is_recorded_and_stops_its_children(cur: Any) -> None:
    run(cur, "CREATE TABLE log (step VARCHAR)")
    run(cur, "CREATE TASK bad AS INSERT INTO missing VALUES (1)")
    run(cur, "CREATE TASK after_bad AFTER bad AS INSERT INTO log VALUES ('x')")
    run(cur, "ALTER TASK after_bad RESUME")
    run(cur, "EXECUTE TASK bad")
    assert history(cur) == [("BAD", "FAILED", "002003")]
    assert run(cur, "SELECT COUNT(*) FROM log") == [(0,)]
    assert run(cur, "SELECT COUNT(*) FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(ERROR_ONLY => TRUE))") == [(1,)]


def test_scripting_body_runs(cur: Any) -> None:
    run(cur, "CREATE TABLE t (a INT)")
    run(cur, "CREATE TASK s AS EXECUTE IMMEDIATE $$ BEGIN INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); "
             "RETURN 'ok'; END; $$")
    run(cur, "EXECUTE TASK s")
    assert run(cur, "SELECT SUM(a) FROM t") == [(3,)]
    assert run(cur, "SELECT state, return_value FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'S'))") == \
        [("SUCCEEDED", None)]
    # the block without delimiters, as Snowsight's examples write it
    run(cur, "CREATE TASK s2 WHEN 1 = 1 AS DECLARE x INT DEFAULT 4; BEGIN INSERT INTO t VALUES (:x); END;")
    assert show(cur, "DESC TASK s2", "definition") == [("DECLARE x INT DEFAULT 4; BEGIN INSERT INTO t VALUES (:x); END;",)]
    run(cur, "EXECUTE TASK s2")
    assert run(cur, "SELECT SUM(a) FROM t") == [(7,)]


@pytest.mark.parametrize("schedule", ["5 MINUT", "0 MINUTE", "99999 MINUTE", "USING CRON 0 9 * * America/Los_Angeles",
                                      "USING CRON 0 9 * * * Mars/Olympus"])
def test_bad_schedule_is_refused(cur: Any, schedule: str) -> None:
    with pytest.raises(ProgrammingError, match="SCHEDULE"):
        run(cur, f"CREATE TASK k SCHEDULE = '{schedule}' AS SELECT 1")
    assert run(cur, "SHOW TASKS") == []


@pytest.mark.parametrize("cron", ["99 * * * *", "0 25 * * *", "0 9 32 * *", "0 9 * 13 *", "0 9 * * 8",
                                  "0 9 * * MON-XYZ", "*/0 * * * *", "0 9-24 * * *"])
def test_out_of_range_cron_field_is_refused_and_changes_nothing(cur: Any, cron: str) -> None:
    """Each cron field's documented range (minute 0-59, hour 0-23, day 1-31, month 1-12, day of week 0-6 or
    SUN-SAT; DECISIONS.md X21), in CREATE TASK and ALTER TASK alike."""
    with pytest.raises(ProgrammingError, match="SCHEDULE") as e:
        run(cur, f"CREATE TASK k SCHEDULE = 'USING CRON {cron} UTC' AS SELECT 1")
    assert e.value.errno == 1008
    assert run(cur, "SHOW TASKS") == []
    run(cur, "CREATE TASK k SCHEDULE = 'USING CRON 0 9 * * * UTC' AS SELECT 1")
    with pytest.raises(ProgrammingError, match="SCHEDULE"):
        run(cur, f"ALTER TASK k SET SCHEDULE = 'USING CRON {cron} UTC'")
    assert show(cur, "SHOW TASKS", "schedule") == [("USING CRON 0 9 * * * UTC",)]


@pytest.mark.parametrize("cron", ["59 23 31 12 6", "0 9-17 * * SUN", "*/5 0,12 L JAN-MAR 5L", "0 0 1 4/3 MON-FRI",
                                  "0 0 15W * 1#2", "0 0 ? * *"])
def test_cron_fields_within_range_are_kept(cur: Any, cron: str) -> None:
    run(cur, f"CREATE TASK k SCHEDULE = 'USING CRON {cron} UTC' AS SELECT 1")
    assert show(cur, "SHOW TASKS", "schedule") == [(f"USING CRON {cron} UTC",)]


def test_graph_rules(graph: Any) -> None:
    cur = graph
    with pytest.raises(ProgrammingError, match="cannot have a SCHEDULE"):
        run(cur, "CREATE TASK k SCHEDULE = '5 MINUTE' AFTER root AS SELECT 1")
    with pytest.raises(ProgrammingError, match="does not exist"):
        run(cur, "CREATE TASK k AFTER nope AS SELECT 1")
    with pytest.raises(ProgrammingError, match="cycle"):
        run(cur, "ALTER TASK child ADD AFTER grandchild")


def test_alter_set_unset_modify_and_or_alter(graph: Any) -> None:
    cur = graph
    run(cur, "ALTER TASK root SET SCHEDULE = 'USING CRON 0 9 * * * UTC' COMMENT = 'c2'")
    run(cur, "ALTER TASK root UNSET WAREHOUSE")
    run(cur, "ALTER TASK root MODIFY AS INSERT INTO log VALUES ('changed')")
    run(cur, "ALTER TASK child MODIFY WHEN 1 = 1")
    run(cur, "ALTER TASK grandchild REMOVE AFTER child")
    assert show(cur, "SHOW TASKS LIKE 'ROOT'", "schedule", "warehouse", "comment", "definition") == \
        [("USING CRON 0 9 * * * UTC", None, "c2", "INSERT INTO log VALUES ('changed')")]
    assert show(cur, "SHOW TASKS LIKE 'GRANDCHILD'", "predecessors") == [("[]",)]
    run(cur, "ALTER TASK root RESUME")
    with pytest.raises(ProgrammingError, match="suspend it first"):
        run(cur, "ALTER TASK root SET COMMENT = 'x'")
    run(cur, "ALTER TASK root SUSPEND")
    run(cur, "CREATE OR ALTER TASK root WAREHOUSE = wh2 AS SELECT 1")
    assert show(cur, "SHOW TASKS LIKE 'ROOT'", "warehouse", "state") == [("WH2", "suspended")]
    with pytest.raises(ProgrammingError, match="already exists"):
        run(cur, "CREATE TASK root AS SELECT 1")
    run(cur, "DROP TASK grandchild")
    assert [r[0] for r in show(cur, "SHOW TASKS", "name")] == ["CHILD", "ROOT"]


def test_get_ddl_runs_back_and_grants_follow_ownership(graph: Any) -> None:
    cur = graph
    run(cur, "ALTER TASK child SET COMMENT = 'it''s' ALLOW_OVERLAPPING_EXECUTION = TRUE")
    ddl = run(cur, "SELECT GET_DDL('TASK', 'child')")[0][0]
    assert ddl.startswith("create or replace task CHILD\n\t") and ddl.endswith("as INSERT INTO log VALUES ('child');")
    before = show(cur, "SHOW TASKS LIKE 'CHILD'", "comment", "predecessors", "allow_overlapping_execution")
    run(cur, ddl)  # GET_DDL's text makes the same task again
    assert show(cur, "SHOW TASKS LIKE 'CHILD'", "comment", "predecessors", "allow_overlapping_execution") == before
    run(cur, "CREATE ROLE r")
    run(cur, "GRANT OPERATE ON TASK child TO ROLE r")
    run(cur, "GRANT OWNERSHIP ON TASK child TO ROLE r COPY CURRENT GRANTS")
    assert show(cur, "SHOW TASKS LIKE 'CHILD'", "owner") == [("R",)]
    assert sorted(r[1] for r in run(cur, "SHOW GRANTS ON TASK child")) == ["OPERATE", "OWNERSHIP"]
    run(cur, "DROP ROLE r")  # its objects go to the dropping role
    assert show(cur, "SHOW TASKS LIKE 'CHILD'", "owner") != [("R",)]


def test_when_calls_functions_through_the_ordinary_sql_path(cur: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """WHEN is evaluated as a query (DECISIONS.md Q19, Q34): SYSTEM$STREAM_HAS_DATA fails the run with the error the
    same call in a SELECT gets, and once the function is answered (here a stand-in for streams' own), WHEN reads its
    answer. https://docs.snowflake.com/en/sql-reference/sql/create-task (WHEN: SYSTEM$STREAM_HAS_DATA)."""
    from snowreg.engine.sql import system

    run(cur, "CREATE TABLE log (step VARCHAR)")
    run(cur, "CREATE TASK gated WHEN SYSTEM$STREAM_HAS_DATA('MYSTREAM') AS INSERT INTO log VALUES ('ran')")
    with pytest.raises(snowreg.Error) as direct:
        run(cur, "SELECT SYSTEM$STREAM_HAS_DATA('MYSTREAM')")
    run(cur, "EXECUTE TASK gated")
    [(state, error_code, message)] = run(cur, "SELECT state, error_code, error_message FROM "
                                              "TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'GATED'))")
    assert (state, int(error_code), message) == ("FAILED", direct.value.errno, direct.value.msg)
    answers: list[Any] = []
    monkeypatch.setitem(system._FUNCTIONS, "SYSTEM$STREAM_HAS_DATA",
                        lambda _session, args: answers.append(args) or args == ["MYSTREAM"])
    run(cur, "EXECUTE TASK gated")
    assert run(cur, "SELECT step FROM log") == [("ran",)] and answers == [["MYSTREAM"]]
    run(cur, "ALTER TASK gated SUSPEND")
    run(cur, "ALTER TASK gated MODIFY WHEN SYSTEM$STREAM_HAS_DATA('OTHER')")
    run(cur, "EXECUTE TASK gated")
    assert run(cur, "SELECT COUNT(*) FROM log") == [(1,)]
    assert run(cur, "SELECT state FROM TABLE(INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'GATED')) "
                    "ORDER BY completed_time DESC LIMIT 1") == [("SKIPPED",)]


def test_undrop_task_restores_the_most_recent_dropped_version_suspended(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/undrop-task (DECISIONS.md Q42): the task comes back with its
    settings and grants, suspended; a task of that name makes it fail, as a name never dropped does."""
    run(cur, "CREATE ROLE WATCHER")
    run(cur, "CREATE TASK t WAREHOUSE = wh SCHEDULE = '5 MINUTE' COMMENT = 'first' AS SELECT 1")
    run(cur, "DROP TASK t")
    run(cur, "CREATE TASK t WAREHOUSE = wh SCHEDULE = '10 MINUTE' COMMENT = 'second' AS SELECT 2")
    run(cur, "GRANT MONITOR ON TASK t TO ROLE WATCHER")
    run(cur, "ALTER TASK t RESUME")
    with pytest.raises(ProgrammingError) as info:
        run(cur, "UNDROP TASK t")
    assert info.value.errno == 2002
    run(cur, "DROP TASK t")
    assert show(cur, "SHOW TASKS LIKE 'T'", "name") == []
    assert run(cur, "UNDROP TASK t") == [("Task T successfully restored.",)]
    assert show(cur, "SHOW TASKS LIKE 'T'", "comment", "schedule", "state", "definition") == \
        [("second", "10 MINUTE", "suspended", "SELECT 2")]
    assert [r[1] for r in run(cur, "SHOW GRANTS ON TASK t") if r[5] == "WATCHER"] == ["MONITOR"]
    with pytest.raises(ProgrammingError) as info:
        run(cur, "UNDROP TASK never_made")
    assert info.value.errno == 2003
