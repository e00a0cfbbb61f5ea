"""Dynamic tables: filled on create, recomputed by ALTER … REFRESH, never refreshed on their own offline, closed
to DML; SHOW DYNAMIC TABLES, SUSPEND / RESUME, SET TARGET_LAG.

https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table, …/alter-dynamic-table, …/show-dynamic-tables
(conformance/sql/dynamic_tables.test; DECISIONS.md Q23-Q27).
"""

from __future__ import annotations

from pathlib import Path
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


@pytest.fixture
def source(cur: Any) -> Any:
    run(cur, "CREATE TABLE s (a INT, b VARCHAR)")
    run(cur, "INSERT INTO s VALUES (1, 'x'), (2, 'y')")
    return cur


def test_filled_on_create_and_read_as_of_the_last_refresh(source: Any) -> None:
    cur = source
    assert run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT b, SUM(a) AS total "
                    "FROM s GROUP BY b") == [("Dynamic table DT successfully created.",)]
    run(cur, "INSERT INTO s VALUES (3, 'x')")
    assert sorted(run(cur, "SELECT * FROM dt")) == [("x", 1), ("y", 2)]  # no refresh happens offline
    run(cur, "ALTER DYNAMIC TABLE dt REFRESH")
    assert sorted(run(cur, "SELECT * FROM dt")) == [("x", 4), ("y", 2)]
    assert show(cur, "SHOW DYNAMIC TABLES", "name", "target_lag", "warehouse", "scheduling_state", "rows") == \
        [("DT", "1 minute", "WH", "ACTIVE", 2)]
    assert show(cur, "SHOW TABLES LIKE 'DT'", "is_dynamic") == [("Y",)]
    assert [r[0] for r in run(cur, "DESC DYNAMIC TABLE dt")] == ["B", "TOTAL"]


def test_lag_is_read_as_target_lag(source: Any) -> None:
    """`LAG = '…'`, what Snowpark's DataFrame.create_or_replace_dynamic_table writes (DECISIONS.md K66)."""
    cur = source
    run(cur, "CREATE OR REPLACE DYNAMIC TABLE dt LAG = '5 minutes' WAREHOUSE = wh AS SELECT * FROM s")
    assert show(cur, "SHOW DYNAMIC TABLES", "name", "target_lag") == [("DT", "5 minutes")]
    with pytest.raises(ProgrammingError) as caught:
        run(cur, "CREATE OR REPLACE DYNAMIC TABLE dt2 LAG = '1 minute' TARGET_LAG = '2 minutes' WAREHOUSE = wh "
                 "AS SELECT * FROM s")
    assert caught.value.errno == 2025 and "'LAG' and 'TARGET_LAG'" in caught.value.msg


def test_show_results_read_back_with_result_scan(source: Any) -> None:
    """What Snowpark's `session.sql("SHOW DYNAMIC TABLES").select(…)` sends: counting the rows for SHOW had left
    a DuckDB result open, and RESULT_SCAN then failed with DuckDB's `Resource In Use Error`."""
    cur = source
    run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT * FROM s")
    run(cur, "CREATE MATERIALIZED VIEW mv AS SELECT a FROM s")
    for show_sql in ("SHOW DYNAMIC TABLES", "SHOW MATERIALIZED VIEWS"):
        run(cur, show_sql)
        assert run(cur, 'SELECT "name", "rows" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))') in ([("DT", 2)], [("MV", 2)])


def test_on_schedule_starts_empty(source: Any) -> None:
    cur = source
    run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = DOWNSTREAM WAREHOUSE = wh INITIALIZE = ON_SCHEDULE AS SELECT a FROM s")
    assert run(cur, "SELECT COUNT(*) FROM dt") == [(0,)]
    assert show(cur, "SHOW DYNAMIC TABLES", "target_lag", "initialize", "data_timestamp") == \
        [("DOWNSTREAM", "ON_SCHEDULE", None)]
    run(cur, "ALTER DYNAMIC TABLE dt REFRESH")
    assert run(cur, "SELECT COUNT(*) FROM dt") == [(2,)]


@pytest.mark.parametrize("sql", ["INSERT INTO dt VALUES (9)", "UPDATE dt SET a = 0", "DELETE FROM dt",
                                 "TRUNCATE TABLE dt", "MERGE INTO dt USING s ON dt.a = s.a WHEN MATCHED THEN DELETE"])
def test_dml_is_refused(source: Any, sql: str) -> None:
    cur = source
    run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 hour' WAREHOUSE = wh AS SELECT a FROM s")
    with pytest.raises(ProgrammingError, match="dynamic table 'DT'"):
        run(cur, sql)
    assert sorted(run(cur, "SELECT a FROM dt")) == [(1,), (2,)]


def test_alter_and_drop(source: Any) -> None:
    cur = source
    run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 hour' WAREHOUSE = wh AS SELECT a FROM s")
    run(cur, "ALTER DYNAMIC TABLE dt SUSPEND")
    run(cur, "ALTER DYNAMIC TABLE dt SET TARGET_LAG = '2 days' WAREHOUSE = wh2")
    assert show(cur, "SHOW DYNAMIC TABLES", "scheduling_state", "target_lag", "warehouse") == \
        [("SUSPENDED", "2 days", "WH2")]
    for bad in ("'30 seconds'", "'1 fortnight'"):
        with pytest.raises(ProgrammingError, match="TARGET_LAG"):
            run(cur, f"ALTER DYNAMIC TABLE dt SET TARGET_LAG = {bad}")
    run(cur, "ALTER DYNAMIC TABLE dt RESUME")
    run(cur, "ALTER DYNAMIC TABLE dt RENAME TO dt2")
    assert show(cur, "SHOW DYNAMIC TABLES", "name", "scheduling_state") == [("DT2", "ACTIVE")]
    with pytest.raises(ProgrammingError, match="not specified type 'DYNAMIC_TABLE'"):
        run(cur, "DROP DYNAMIC TABLE s")
    run(cur, "DROP DYNAMIC TABLE dt2")
    assert show(cur, "SHOW DYNAMIC TABLES", "name") == []
    with pytest.raises(ProgrammingError, match="Missing option"):
        run(cur, "CREATE DYNAMIC TABLE x TARGET_LAG = '1 hour' AS SELECT a FROM s")


def test_clustering_key_is_its_own_tables_only(source: Any) -> None:
    cur = source
    run(cur, "CREATE TABLE k (a INT) CLUSTER BY (a)")
    assert run(cur, "SELECT table_name, clustering_key FROM information_schema.tables "
                    "WHERE table_schema = 'PUBLIC' ORDER BY 1") == [("K", "LINEAR(A)"), ("S", None)]


def test_kept_in_a_persistent_registry(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg", database="D") as conn:
        cur = conn.cursor()
        run(cur, "CREATE TABLE s (a INT)")
        run(cur, "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 hour' WAREHOUSE = wh AS SELECT a FROM s")
    with snowreg.connect(path=tmp_path / "reg", database="D", schema="PUBLIC") as conn:
        cur = conn.cursor()
        run(cur, "INSERT INTO s VALUES (5)")
        run(cur, "ALTER DYNAMIC TABLE dt REFRESH")
        assert run(cur, "SELECT a FROM dt") == [(5,)]
        with pytest.raises(ProgrammingError, match="dynamic table"):
            run(cur, "DELETE FROM dt")


def test_drop_table_drops_a_dynamic_table_and_its_record(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/drop-dynamic-table: "You can also drop a dynamic table using
    the DROP TABLE command" (DECISIONS.md Q33): a table made later under its name is an ordinary table."""
    cur.execute("CREATE TABLE src (a INT)")
    cur.execute("CREATE DYNAMIC TABLE gone TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT a FROM src")
    assert cur.execute("DROP TABLE gone").fetchall() == [("GONE successfully dropped.",)]
    assert cur.execute("SHOW DYNAMIC TABLES").fetchall() == []
    cur.execute("CREATE TABLE gone (z INT)")
    cur.execute("INSERT INTO gone VALUES (1)")  # not refused as DML on a dynamic table
    assert cur.execute("SHOW DYNAMIC TABLES").fetchall() == []


def test_undrop_dynamic_table_restores_the_dropped_dynamic_table(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/undrop-dynamic-table: "Restores the most recent version of a
    dropped dynamic table"; a dropped plain table of that name is not one (DECISIONS.md Q36)."""
    cur.execute("CREATE TABLE src (a INT)")
    cur.execute("INSERT INTO src VALUES (1)")
    cur.execute("CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT a FROM src")
    cur.execute("DROP DYNAMIC TABLE dt")
    assert cur.execute("UNDROP DYNAMIC TABLE dt").fetchall() == [("Table DT successfully restored.",)]
    assert [r[1] for r in cur.execute("SHOW DYNAMIC TABLES").fetchall()] == ["DT"]
    cur.execute("INSERT INTO src VALUES (2)")
    cur.execute("ALTER DYNAMIC TABLE dt REFRESH")  # its query came back with it
    assert cur.execute("SELECT a FROM dt ORDER BY a").fetchall() == [(1,), (2,)]
    with pytest.raises(ProgrammingError) as existing:
        cur.execute("UNDROP DYNAMIC TABLE dt")
    assert existing.value.errno == 2002
    cur.execute("CREATE TABLE plain (a INT)")
    cur.execute("DROP TABLE plain")
    with pytest.raises(ProgrammingError) as plain:
        cur.execute("UNDROP DYNAMIC TABLE plain")
    assert plain.value.errno == 2003
    assert cur.execute("UNDROP TABLE plain").fetchall() == [("Table PLAIN successfully restored.",)]
