"""SHOW ROLES' paging, SHOW PARAMETERS' scopes (FOR, USER <name>, WAREHOUSE, TASK) and the types SHOW TABLES
reports (DECISIONS.md S40-S42)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    cur = conn.cursor()
    cur.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def names(conn: Any, sql: str) -> list[str]:
    return [r["name"] for r in rows(conn, sql)]


def test_show_roles_pages_with_starts_with_and_limit_from() -> None:
    with snowreg.connect() as conn:
        for role in ("r_c", "r_a", "r_b", '"r_low"'):
            conn.cursor().execute(f"CREATE ROLE {role}")
        assert names(conn, "SHOW ROLES LIKE 'r\\_%'") == ["R_A", "R_B", "R_C", "r_low"]
        assert names(conn, "SHOW ROLES STARTS WITH 'R_'") == ["R_A", "R_B", "R_C"]
        assert names(conn, "SHOW ROLES STARTS WITH 'r_'") == ["r_low"]
        assert names(conn, "SHOW ROLES LIKE 'r%' LIMIT 2 FROM 'R_B'") == ["R_B", "R_C"]
        assert names(conn, "SHOW ROLES LIKE 'r%' LIMIT 1") == ["R_A"]
        assert names(conn, "SHOW ROLES STARTS WITH 'R_A' LIMIT 3 FROM 'R_B'") == []


@pytest.mark.parametrize("sql", ["SHOW TERSE ROLES", "SHOW ROLES IN CLASS snowflake.ml.anomaly_detection"])
def test_show_roles_terse_and_in_class_are_refused_by_name(sql: str) -> None:
    with snowreg.connect() as conn, pytest.raises(snowreg.NotSupportedError) as info:
        conn.cursor().execute(sql)
    assert info.value.errno == 2 and sql.split(" snowflake")[0] in info.value.msg


def test_show_parameters_takes_for_as_in() -> None:
    with snowreg.connect() as conn:
        conn.cursor().execute("ALTER SESSION SET TIMEZONE = 'UTC'")
        assert [(r["key"], r["value"], r["level"]) for r in rows(conn, "SHOW PARAMETERS LIKE 'TIMEZONE' FOR SESSION")] \
            == [("TIMEZONE", "UTC", "SESSION")]
        assert [(r["key"], r["level"]) for r in rows(conn, "SHOW PARAMETERS LIKE 'TIMEZONE' FOR USER")] \
            == [("TIMEZONE", "")]


def test_show_parameters_in_user_names_a_user_the_role_can_see() -> None:
    with snowreg.connect() as admin:
        admin.cursor().execute("CREATE USER tester")
        admin.cursor().execute("CREATE ROLE analyst")
        admin.cursor().execute("GRANT ROLE analyst TO USER tester")
        assert [r["key"] for r in rows(admin, "SHOW PARAMETERS LIKE 'TIMEZONE' IN USER tester")] == ["TIMEZONE"]
        analyst = Connection(admin._catalog, user="tester", role="ANALYST")
        assert [r["key"] for r in rows(analyst, "SHOW PARAMETERS LIKE 'TIMEZONE' IN USER tester")] == ["TIMEZONE"]
        with pytest.raises(snowreg.ProgrammingError) as info:
            analyst.cursor().execute("SHOW PARAMETERS LIKE 'TIMEZONE' IN USER admin")
        assert info.value.errno == 2003 and "User 'ADMIN' does not exist or not authorized." in info.value.msg


def test_show_parameters_in_warehouse_shows_what_the_warehouse_set() -> None:
    with snowreg.connect() as conn:
        conn.cursor().execute("CREATE WAREHOUSE wh WITH MAX_CONCURRENCY_LEVEL = 4")
        found = {r["key"]: (r["value"], r["default"], r["level"], r["type"])
                 for r in rows(conn, "SHOW PARAMETERS IN WAREHOUSE wh")}
        assert found == {"MAX_CONCURRENCY_LEVEL": ("4", "8", "WAREHOUSE", "NUMBER"),
                         "STATEMENT_QUEUED_TIMEOUT_IN_SECONDS": ("0", "0", "", "NUMBER"),
                         "STATEMENT_TIMEOUT_IN_SECONDS": ("172800", "172800", "", "NUMBER")}
        conn.cursor().execute("ALTER WAREHOUSE wh SET STATEMENT_TIMEOUT_IN_SECONDS = 60")
        # without a name: the session's warehouse (CREATE WAREHOUSE made it current)
        assert [(r["key"], r["value"]) for r in rows(conn, "SHOW PARAMETERS LIKE 'STATEMENT_T%' FOR WAREHOUSE")] \
            == [("STATEMENT_TIMEOUT_IN_SECONDS", "60")]


def test_show_parameters_in_warehouse_needs_a_warehouse_the_role_sees() -> None:
    with snowreg.connect() as admin:
        admin.cursor().execute("CREATE WAREHOUSE wh_private")
        admin.cursor().execute("CREATE ROLE analyst")
        admin.cursor().execute("CREATE USER tester")
        admin.cursor().execute("GRANT ROLE analyst TO USER tester")
        analyst = Connection(admin._catalog, user="tester", role="ANALYST")
        for sql in ("SHOW PARAMETERS IN WAREHOUSE wh_private", "SHOW PARAMETERS IN WAREHOUSE nosuch"):
            with pytest.raises(snowreg.ProgrammingError) as info:
                analyst.cursor().execute(sql)
            assert info.value.errno == 2003 and "does not exist or not authorized" in info.value.msg
        with pytest.raises(snowreg.ProgrammingError) as info:
            analyst.cursor().execute("SHOW PARAMETERS IN WAREHOUSE")
        assert "No active warehouse" in info.value.msg
    with snowreg.connect(warehouse="implicit_wh") as conn:  # a session warehouse never created has the defaults
        assert [r["value"] for r in rows(conn, "SHOW PARAMETERS LIKE 'MAX%' IN WAREHOUSE implicit_wh")] == ["8"]


def test_show_parameters_in_task_is_refused_by_name() -> None:
    with snowreg.connect() as conn, pytest.raises(snowreg.NotSupportedError) as info:
        conn.cursor().execute("SHOW PARAMETERS FOR TASK t")
    assert "SHOW PARAMETERS IN TASK is not supported" in info.value.msg


@pytest.mark.parametrize("sql", ["SHOW TABLES", "SHOW OBJECTS", "SHOW TABLES HISTORY"])
def test_show_tables_retention_time_is_described_as_the_text_it_holds(sql: str) -> None:
    with snowreg.connect(database="d", schema="public") as conn:
        conn.cursor().execute("CREATE TABLE t (x INT)")
        cur = conn.cursor()
        cur.execute(sql)
        types = {d[0]: d[1] for d in cur.description}
        row = dict(zip(types, cur.fetchone(), strict=True))
        assert row["retention_time"] == "1" and types["retention_time"] == 2  # TEXT, as RESULT_SCAN reads it
        assert isinstance(row["rows"], int) and types["rows"] == 0
        cur.execute("SELECT \"retention_time\" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))")
        assert cur.description[0][1] == 2 and cur.fetchone() == ("1",)


def test_show_columns_in_a_bare_name_lists_that_tables_columns() -> None:
    with snowreg.connect(database="d", schema="public") as conn:
        conn.cursor().execute("CREATE SCHEMA d.s")
        conn.cursor().execute("CREATE TABLE d.s.t (id INT PRIMARY KEY, note STRING)")
        conn.cursor().execute("CREATE TABLE d.public.s (other INT)")  # a table named like the schema
        conn.cursor().execute("USE SCHEMA d.public")  # CREATE SCHEMA made d.s the current schema
        assert [r["column_name"] for r in rows(conn, "SHOW COLUMNS IN s.t")] == ["ID", "NOTE"]
        assert [r["column_name"] for r in rows(conn, "SHOW COLUMNS IN d.s.t")] == ["ID", "NOTE"]
        assert [r["column_name"] for r in rows(conn, "SHOW COLUMNS IN s")] == ["OTHER"]  # the table, not the schema
        assert [r["column_name"] for r in rows(conn, "SHOW PRIMARY KEYS IN d.s.t")] == ["ID"]
        assert [r["name"] for r in rows(conn, "SHOW TABLES IN s")] == ["T"]  # SHOW TABLES: the schema
        with pytest.raises(snowreg.ProgrammingError) as info:
            conn.cursor().execute("SHOW TABLES IN d.s.t")  # a schema's name has two parts at most
        assert info.value.errno == 1003


def test_describe_database_and_schema_list_what_the_role_may_see() -> None:
    with snowreg.connect() as admin:
        cur = admin.cursor()
        for sql in ("CREATE DATABASE d", "CREATE SCHEMA d.s", "CREATE TABLE d.s.open_t (i INT)",
                    "CREATE TABLE d.s.secret (i INT)", "CREATE VIEW d.s.v AS SELECT i FROM d.s.open_t",
                    "CREATE SCHEMA d.hidden", "CREATE ROLE analyst", "CREATE USER tester",
                    "GRANT ROLE analyst TO USER tester", "GRANT USAGE ON DATABASE d TO ROLE analyst",
                    "GRANT USAGE ON SCHEMA d.s TO ROLE analyst", "GRANT SELECT ON TABLE d.s.open_t TO ROLE analyst"):
            cur.execute(sql)
        assert [(r["name"], r["kind"]) for r in rows(admin, "DESCRIBE DATABASE d")] == [
            ("HIDDEN", "SCHEMA"), ("INFORMATION_SCHEMA", "SCHEMA"), ("PUBLIC", "SCHEMA"), ("S", "SCHEMA")]
        assert all(r["created_on"] is not None for r in rows(admin, "DESCRIBE DATABASE d"))
        assert [(r["name"], r["kind"]) for r in rows(admin, "DESC SCHEMA d.s")] == [
            ("OPEN_T", "TABLE"), ("SECRET", "TABLE"), ("V", "VIEW")]
        analyst = Connection(admin._catalog, user="tester", role="ANALYST")
        assert [r["name"] for r in rows(analyst, "DESCRIBE DATABASE d")] == ["INFORMATION_SCHEMA", "S"]
        assert [r["name"] for r in rows(analyst, "DESCRIBE SCHEMA d.s")] == ["OPEN_T"]
        for sql, text in (("DESCRIBE SCHEMA d.hidden", "Schema 'D.HIDDEN'"), ("DESCRIBE DATABASE nope", "'NOPE'")):
            with pytest.raises(snowreg.ProgrammingError) as info:
                analyst.cursor().execute(sql)
            assert info.value.errno == 2003 and text in info.value.msg


@pytest.mark.parametrize("sql", ["CREATE TRANSIENT DATABASE tdb", "CREATE TRANSIENT SCHEMA d.ts",
                                 "CREATE OR REPLACE TRANSIENT SCHEMA d.public"])
def test_transient_databases_and_schemas_are_refused_before_anything_changes(sql: str) -> None:
    with snowreg.connect(database="d", schema="public") as conn:
        before = rows(conn, "SHOW SCHEMAS IN ACCOUNT")
        with pytest.raises(snowreg.NotSupportedError) as info:
            conn.cursor().execute(sql)
        assert "CREATE TRANSIENT" in info.value.msg
        assert rows(conn, "SHOW SCHEMAS IN ACCOUNT") == before
        assert [r["name"] for r in rows(conn, "SHOW DATABASES")] == ["D"]


def test_show_schemas_options_names_managed_access() -> None:
    with snowreg.connect(database="d", schema="public") as conn:
        conn.cursor().execute("CREATE SCHEMA d.locked WITH MANAGED ACCESS")
        assert {r["name"]: r["options"] for r in rows(conn, "SHOW SCHEMAS IN DATABASE d")} == {
            "INFORMATION_SCHEMA": "", "LOCKED": "MANAGED ACCESS", "PUBLIC": ""}
        assert rows(conn, "SELECT is_managed_access FROM d.information_schema.schemata "
                          "WHERE schema_name = 'LOCKED'") == [{"IS_MANAGED_ACCESS": "YES"}]


def test_describe_result_takes_last_query_ids_position() -> None:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("SELECT 1 AS a")
        cur.execute("SELECT 'x' AS b, 2 AS c")
        assert [r["name"] for r in rows(conn, "DESCRIBE RESULT LAST_QUERY_ID(-2)")] == ["A"]
        assert [r["name"] for r in rows(conn, "DESC RESULT LAST_QUERY_ID(1)")] == ["A"]
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute("DESC RESULT LAST_QUERY_ID(-99)")
        assert info.value.errno == 709


def test_show_schemas_without_a_current_database_lists_the_accounts() -> None:
    with snowreg.connect() as conn:
        conn.cursor().execute("CREATE DATABASE d1")
        conn.cursor().execute("CREATE DATABASE d2")
        fresh = Connection(conn._catalog)  # no current database
        assert [(r["database_name"], r["name"]) for r in rows(fresh, "SHOW SCHEMAS")] == [
            ("D1", "PUBLIC"), ("D2", "PUBLIC")]
        with pytest.raises(snowreg.ProgrammingError) as info:  # a named database must exist
            fresh.cursor().execute("SHOW SCHEMAS IN DATABASE nope")
        assert info.value.errno == 2003


def test_no_current_database_errors_name_the_show_command() -> None:
    with snowreg.connect() as conn, pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute("SHOW TABLES IN DATABASE")
    assert info.value.errno == 90105 and "Cannot perform SHOW TABLES." in info.value.msg
