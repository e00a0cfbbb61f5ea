"""INFORMATION_SCHEMA.OBJECT_PRIVILEGES, USAGE_PRIVILEGES, APPLICABLE_ROLES and ENABLED_ROLES: the documented
columns, and a role sees the grants only of objects it holds a privilege on (as TABLE_PRIVILEGES).

https://docs.snowflake.com/en/sql-reference/info-schema/object_privileges, …/usage_privileges,
…/applicable_roles, …/enabled_roles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from snowreg.dbapi import Connection

SETUP = [
    "CREATE SEQUENCE SSEQ", "CREATE TABLE T (x INT)", "CREATE SCHEMA PRIV", "CREATE TABLE PRIV.HIDDEN (x INT)",
    "CREATE SEQUENCE PRIV.HSEQ", "USE SCHEMA ML.DEV", "CREATE ROLE ANALYST", "CREATE ROLE READER",
    "GRANT ROLE READER TO ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT SELECT ON TABLE T TO ROLE READER",
    "GRANT USAGE ON SEQUENCE SSEQ TO ROLE ANALYST", "CREATE FUNCTION F(x INT) RETURNS INT AS 'x'",
    "GRANT USAGE ON FUNCTION F(INT) TO ROLE ANALYST", "CREATE FUNCTION G(x INT) RETURNS INT AS 'x'",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]
COLUMNS = ["GRANTOR", "GRANTEE", "GRANTED_TO", "OBJECT_CATALOG", "OBJECT_SCHEMA", "OBJECT_NAME", "OBJECT_TYPE",
           "PRIVILEGE_TYPE", "IS_GRANTABLE", "CREATED"]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP, schema=None)


@pytest.mark.parametrize("view", ["OBJECT_PRIVILEGES", "USAGE_PRIVILEGES"])
def test_the_documented_columns(pair: tuple[Connection, Connection], view: str) -> None:
    admin, _ = pair
    cur = admin.cursor().execute(f"SELECT * FROM ML.INFORMATION_SCHEMA.{view}")
    assert [d[0] for d in cur.description] == COLUMNS
    assert [d[1] for d in cur.description][-1] in (6, 7, 8)  # CREATED: a timestamp (LTZ: 6)


def test_a_role_sees_the_grants_of_what_it_holds_only(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    sql = ("SELECT OBJECT_SCHEMA, OBJECT_NAME, OBJECT_TYPE, PRIVILEGE_TYPE, GRANTEE FROM "
           "ML.INFORMATION_SCHEMA.OBJECT_PRIVILEGES")
    seen = set(run(alice, sql))
    assert ("DEV", "T", "TABLE", "SELECT", "READER") in seen  # through the role READER granted to ANALYST
    assert ("DEV", "SSEQ", "SEQUENCE", "USAGE", "ANALYST") in seen
    assert ("DEV", "F(NUMBER)", "FUNCTION", "OWNERSHIP", "ACCOUNTADMIN") in seen  # every grantee's rows
    assert not {r for r in seen if r[1] in ("HIDDEN", "HSEQ", "G(NUMBER)", "PRIV")}
    every = set(run(admin, sql))
    assert seen < every and ("PRIV", "HSEQ", "SEQUENCE", "OWNERSHIP", "ACCOUNTADMIN") in every
    assert run(alice, "SELECT OBJECT_NAME, PRIVILEGE_TYPE, GRANTEE FROM ML.INFORMATION_SCHEMA.USAGE_PRIVILEGES") == [
        ("SSEQ", "OWNERSHIP", "ACCOUNTADMIN"), ("SSEQ", "USAGE", "ANALYST")]
    run(admin, "REVOKE USAGE ON SEQUENCE SSEQ FROM ROLE ANALYST")
    assert run(alice, "SELECT * FROM ML.INFORMATION_SCHEMA.USAGE_PRIVILEGES") == []


def test_applicable_and_enabled_roles(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert run(alice, "SELECT * FROM ML.INFORMATION_SCHEMA.APPLICABLE_ROLES") == [
        ("ALICE", "ANALYST", "ACCOUNTADMIN", "NO"), ("ANALYST", "READER", "ACCOUNTADMIN", "NO")]
    assert run(alice, "SELECT ROLE_NAME FROM ML.INFORMATION_SCHEMA.ENABLED_ROLES") == [
        ("ANALYST",), ("PUBLIC",), ("READER",)]
    run(admin, "GRANT USAGE ON DATABASE ML TO ROLE READER")
    run(alice, "USE ROLE READER")
    assert run(alice, "SELECT ROLE_NAME FROM ML.INFORMATION_SCHEMA.ENABLED_ROLES") == [("PUBLIC",), ("READER",)]
    # the ADMIN user's grants, not ALICE's; ACCOUNTADMIN owns ANALYST, so may grant it on
    assert ("ADMIN", "ACCOUNTADMIN", "", "NO") in run(admin, "SELECT * FROM ML.INFORMATION_SCHEMA.APPLICABLE_ROLES")
    assert ("ALICE",) not in run(admin, "SELECT GRANTEE FROM ML.INFORMATION_SCHEMA.APPLICABLE_ROLES")
