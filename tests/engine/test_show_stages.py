"""SHOW STAGES [LIKE '…'] [IN ACCOUNT | DATABASE [d] | SCHEMA [s]] (https://docs.snowflake.com/en/sql-reference/sql/show-stages):
the named stages the roles hold a privilege on, with SHOW STAGES' columns (conformance/DECISIONS.md K61)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

COLUMNS = ["created_on", "name", "database_name", "schema_name", "url", "has_credentials", "has_encryption_key",
           "owner", "comment", "region", "type", "cloud", "notification_channel", "storage_integration", "endpoint",
           "owner_role_type", "directory_enabled"]


@pytest.fixture
def conn() -> Connection:
    conn = snowreg.connect(database="D", schema="S")
    cur = conn.cursor()
    cur.execute("CREATE STAGE raw COMMENT = 'landing files'")
    cur.execute("CREATE TEMPORARY STAGE scratch")
    cur.execute("CREATE SCHEMA d.other")
    cur.execute("CREATE STAGE d.other.elsewhere")
    cur.execute("USE SCHEMA d.s")  # CREATE SCHEMA made d.other current
    return conn


def shown(cur: Any, sql: str) -> list[dict[str, Any]]:
    cur.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_the_documented_columns_and_values(conn: Connection) -> None:
    cur = conn.cursor()
    found = shown(cur, "SHOW STAGES")
    assert [d[0] for d in cur.description] == COLUMNS
    assert [(r["name"], r["type"]) for r in found] == [("RAW", "INTERNAL"), ("SCRATCH", "INTERNAL TEMPORARY")]
    raw = found[0]
    assert (raw["database_name"], raw["schema_name"], raw["owner"], raw["comment"]) == ("D", "S", "ACCOUNTADMIN",
                                                                                        "landing files")
    assert (raw["url"], raw["has_credentials"], raw["has_encryption_key"], raw["owner_role_type"],
            raw["directory_enabled"]) == ("", "N", "N", "ROLE", "N")
    assert raw["region"] is None and raw["cloud"] is None


def test_like_and_scopes(conn: Connection) -> None:
    cur = conn.cursor()
    assert [r["name"] for r in shown(cur, "SHOW STAGES LIKE 'r%'")] == ["RAW"]
    assert [r["name"] for r in shown(cur, "SHOW STAGES IN SCHEMA d.other")] == ["ELSEWHERE"]
    assert [r["name"] for r in shown(cur, "SHOW STAGES IN DATABASE d")] == ["ELSEWHERE", "RAW", "SCRATCH"]
    assert [r["name"] for r in shown(cur, "show stages in account")] == ["ELSEWHERE", "RAW", "SCRATCH"]
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("SHOW STAGES IN SCHEMA d.nope")
    assert caught.value.errno == 2003


def test_another_sessions_temporary_stage_and_unprivileged_roles_see_nothing(conn: Connection) -> None:
    other = Connection(conn._catalog).cursor()
    other.execute("USE SCHEMA d.s")
    assert [r["name"] for r in shown(other, "SHOW STAGES")] == ["RAW"]
    cur = conn.cursor()
    cur.execute("CREATE ROLE analyst")
    cur.execute("GRANT USAGE ON DATABASE d TO ROLE analyst")
    cur.execute("GRANT USAGE ON SCHEMA d.s TO ROLE analyst")
    cur.execute("GRANT ROLE analyst TO USER admin")
    cur.execute("USE ROLE analyst")
    assert shown(cur, "SHOW STAGES IN SCHEMA d.s") == []
    cur.execute("USE ROLE accountadmin")
    cur.execute("GRANT READ ON STAGE d.s.raw TO ROLE analyst")
    cur.execute("USE ROLE analyst")
    assert [r["name"] for r in shown(cur, "SHOW STAGES IN SCHEMA d.s")] == ["RAW"]
