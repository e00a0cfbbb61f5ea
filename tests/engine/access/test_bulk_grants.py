"""GRANT … ON ALL TABLES | VIEWS | STAGES IN SCHEMA | DATABASE reaches every such object, quoted names too.

https://docs.snowflake.com/en/sql-reference/sql/grant-privilege: "ON ALL <object_type_plural> IN
{ DATABASE | SCHEMA }" grants the privilege on all existing objects of that type in the container.
"""

from __future__ import annotations

from typing import Any

import pytest

from snowreg.errors import ProgrammingError


@pytest.fixture
def granted(cur: Any) -> Any:
    for sql in ("CREATE TABLE t1 (a INT)", "INSERT INTO t1 VALUES (1)", 'CREATE TABLE "lower" (b INT)',
                "CREATE VIEW v1 AS SELECT a FROM t1", "CREATE STAGE st", "CREATE ROLE r", "GRANT ROLE r TO USER ADMIN",
                "GRANT USAGE ON DATABASE test_db TO ROLE r", "GRANT USAGE ON SCHEMA test_db.public TO ROLE r"):
        cur.execute(sql)
    return cur


def _granted_on(cur: Any, kind: str) -> list[tuple[str, str]]:
    rows = cur.execute("SHOW GRANTS TO ROLE r").fetchall()
    return sorted((r[1], r[3]) for r in rows if r[2] == kind)


def test_all_tables_in_schema_grants_each_table(granted: Any) -> None:
    granted.execute("GRANT SELECT ON ALL TABLES IN SCHEMA test_db.public TO ROLE r")
    assert _granted_on(granted, "TABLE") == [("SELECT", 'TEST_DB.PUBLIC."lower"'), ("SELECT", "TEST_DB.PUBLIC.T1")]
    assert _granted_on(granted, "VIEW") == []  # views are not tables


def test_all_views_in_database_grants_each_view(granted: Any) -> None:
    granted.execute("GRANT SELECT ON ALL VIEWS IN DATABASE test_db TO ROLE r")
    assert _granted_on(granted, "VIEW") == [("SELECT", "TEST_DB.PUBLIC.V1")]
    assert _granted_on(granted, "TABLE") == []


def test_all_stages_in_schema(granted: Any) -> None:
    granted.execute("GRANT READ ON ALL STAGES IN SCHEMA test_db.public TO ROLE r")
    assert _granted_on(granted, "STAGE") == [("READ", "TEST_DB.PUBLIC.ST")]


def test_the_bulk_grant_lets_the_role_read(granted: Any) -> None:
    granted.execute("USE ROLE r")
    with pytest.raises(ProgrammingError):
        granted.execute("SELECT a FROM t1")
    granted.execute("USE ROLE ACCOUNTADMIN")
    granted.execute("GRANT SELECT ON ALL TABLES IN SCHEMA test_db.public TO ROLE r")
    granted.execute("USE ROLE r")
    assert granted.execute("SELECT a FROM t1").fetchall() == [(1,)]
