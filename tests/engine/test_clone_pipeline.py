"""CREATE SCHEMA / DATABASE … CLONE of tasks, materialized views and dynamic tables.

https://docs.snowflake.com/en/user-guide/object-clone ("Cloning and tasks": the tasks of a cloned database or schema
are cloned, suspended), https://docs.snowflake.com/en/user-guide/dynamic-tables-clone (cloned dynamic tables are
suspended, also as part of a cloned database or schema); DECISIONS.md Q30-Q31.
"""

from __future__ import annotations

from typing import Any

import pytest


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def show(cur: Any, sql: str, *columns: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return sorted(tuple(r[names.index(c)] for c in columns) for r in cur.fetchall())


@pytest.fixture
def source(cur: Any) -> Any:
    for sql in ("CREATE SCHEMA S1", "CREATE TABLE t (a INT)", "INSERT INTO t VALUES (1), (2)",
                "CREATE MATERIALIZED VIEW mv AS SELECT a FROM t WHERE a > 1",
                "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT a * 10 AS b FROM t",
                "CREATE TASK root WAREHOUSE = wh SCHEDULE = '5 MINUTE' AS INSERT INTO t VALUES (3)",
                "CREATE TASK child AFTER root AS INSERT INTO t VALUES (4)",
                "ALTER TASK child RESUME", "ALTER TASK root RESUME",
                "CREATE ROLE watcher", "GRANT MONITOR ON TASK root TO ROLE watcher"):
        run(cur, sql)
    return cur


def test_schema_clone_clones_tasks_suspended_in_a_graph_of_their_own(source: Any) -> None:
    cur = source
    run(cur, "CREATE SCHEMA S2 CLONE S1")
    assert show(cur, "SHOW TASKS IN SCHEMA S2", "name", "state", "schedule", "owner") == [
        ("CHILD", "suspended", None, "ACCOUNTADMIN"), ("ROOT", "suspended", "5 MINUTE", "ACCOUNTADMIN")]
    assert show(cur, "SHOW TASKS IN SCHEMA S1", "name", "state") == [("CHILD", "started"), ("ROOT", "started")]
    [(predecessors,)] = show(cur, "SHOW TASKS LIKE 'CHILD' IN SCHEMA S2", "predecessors")
    assert '"TEST_DB.S2.ROOT"' in predecessors.replace("\\", "")
    assert ("MONITOR", "TASK", "TEST_DB.S2.ROOT", "WATCHER") in show(
        cur, "SHOW GRANTS ON TASK S2.root", "privilege", "granted_on", "name", "grantee_name")
    run(cur, "ALTER TASK S2.child RESUME")
    run(cur, "EXECUTE TASK S2.root")  # the clone's body reads the clone's tables
    assert run(cur, "SELECT a FROM S2.t ORDER BY a") == [(1,), (2,), (3,), (4,)]
    assert run(cur, "SELECT a FROM S1.t ORDER BY a") == [(1,), (2,)]


def test_database_clone_clones_tasks(source: Any) -> None:
    cur = source
    run(cur, "CREATE DATABASE D2 CLONE TEST_DB")
    assert show(cur, "SHOW TASKS IN SCHEMA D2.S1", "name", "state", "database_name") == [
        ("CHILD", "suspended", "D2"), ("ROOT", "suspended", "D2")]
    assert show(cur, "SHOW DYNAMIC TABLES IN SCHEMA D2.S1", "name", "scheduling_state") == [("DT", "SUSPENDED")]
    assert show(cur, "SHOW MATERIALIZED VIEWS IN SCHEMA D2.S1", "source_database_name", "source_schema_name") == [
        ("D2", "S1")]
    run(cur, "INSERT INTO D2.S1.t VALUES (9)")
    run(cur, "ALTER DYNAMIC TABLE D2.S1.dt REFRESH")  # reads the cloned database's table
    assert run(cur, "SELECT b FROM D2.S1.dt ORDER BY b") == [(10,), (20,), (90,)]


def test_cloned_materialized_view_reads_the_cloned_base_table(source: Any) -> None:
    cur = source
    run(cur, "CREATE SCHEMA S2 CLONE S1")
    assert show(cur, "SHOW MATERIALIZED VIEWS IN SCHEMA S2", "name", "source_database_name", "source_schema_name",
                "source_table_name", "invalid") == [("MV", "TEST_DB", "S2", "T", "false")]
    run(cur, "INSERT INTO S2.t VALUES (5)")
    assert run(cur, "SELECT a FROM S2.mv ORDER BY a") == [(2,), (5,)]
    assert run(cur, "SELECT a FROM S1.mv ORDER BY a") == [(2,)]


def test_cloned_dynamic_table_is_suspended_and_refreshes_from_the_clone(source: Any) -> None:
    cur = source
    run(cur, "CREATE SCHEMA S2 CLONE S1")
    assert show(cur, "SHOW DYNAMIC TABLES IN SCHEMA S2", "name", "scheduling_state") == [("DT", "SUSPENDED")]
    assert show(cur, "SHOW DYNAMIC TABLES IN SCHEMA S1", "name", "scheduling_state") == [("DT", "ACTIVE")]
    assert run(cur, "SELECT b FROM S2.dt ORDER BY b") == [(10,), (20,)]  # the source's rows
    run(cur, "INSERT INTO S2.t VALUES (7)")
    run(cur, "ALTER DYNAMIC TABLE S2.dt REFRESH")
    assert run(cur, "SELECT b FROM S2.dt ORDER BY b") == [(10,), (20,), (70,)]
    assert run(cur, "SELECT b FROM S1.dt ORDER BY b") == [(10,), (20,)]
