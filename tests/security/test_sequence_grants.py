"""GRANT / REVOKE … ON SEQUENCE: USAGE lets a role use a sequence (NEXTVAL, column defaults), OWNERSHIP moves.

https://docs.snowflake.com/en/user-guide/security-access-control-privileges (sequence: USAGE, OWNERSHIP),
https://docs.snowflake.com/en/sql-reference/sql/grant-privilege (ON SEQUENCE, ON ALL / FUTURE SEQUENCES).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE SEQUENCE ML.DEV.SSEQ START = 100", "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT CREATE TABLE ON SCHEMA ML.DEV TO ROLE ANALYST",
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


def test_usage_lets_a_role_use_a_sequence_but_not_drop_or_replace_it(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "SELECT SSEQ.NEXTVAL") == 2003
    run(admin, "GRANT USAGE ON SEQUENCE ML.DEV.SSEQ TO ROLE ANALYST")
    assert run(alice, "SELECT SSEQ.NEXTVAL, ML.DEV.SSEQ.NEXTVAL") == [(100, 101)]
    run(alice, "CREATE TABLE T (x INT DEFAULT SSEQ.NEXTVAL, y INT)")
    run(alice, "INSERT INTO T (y) VALUES (0)")
    assert run(alice, "SELECT x FROM T") == [(102,)]
    assert [r[1] for r in run(alice, "SHOW SEQUENCES IN SCHEMA ML.DEV")] == ["SSEQ"]
    assert run(alice, "SELECT SEQUENCE_NAME FROM ML.INFORMATION_SCHEMA.SEQUENCES") == [("SSEQ",)]
    for sql in ("DROP SEQUENCE SSEQ", "CREATE OR REPLACE SEQUENCE SSEQ", "GRANT USAGE ON SEQUENCE SSEQ TO ROLE PUBLIC",
                "GRANT OWNERSHIP ON SEQUENCE SSEQ TO ROLE ANALYST"):
        assert errno(alice, sql) == 3001, sql
    run(admin, "REVOKE USAGE ON SEQUENCE SSEQ FROM ROLE ANALYST")
    assert errno(alice, "SELECT SSEQ.NEXTVAL") == 2003
    assert errno(alice, "SHOW GRANTS ON SEQUENCE SSEQ") == 2003
    assert run(alice, "SHOW SEQUENCES IN SCHEMA ML.DEV") == []
    assert run(admin, "SELECT SSEQ.NEXTVAL") == [(103,)]


def test_show_grants_on_and_to_list_sequence_grants(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT USAGE ON SEQUENCE SSEQ TO ROLE ANALYST")
    rows = run(admin, "SHOW GRANTS ON SEQUENCE SSEQ")
    assert sorted((r[1], r[2], r[3], r[5], r[7]) for r in rows) == [
        ("OWNERSHIP", "SEQUENCE", 'ML.DEV.SSEQ', "ACCOUNTADMIN", "ACCOUNTADMIN"),
        ("USAGE", "SEQUENCE", 'ML.DEV.SSEQ', "ANALYST", "ACCOUNTADMIN")]
    to_role = [(r[1], r[2], r[3]) for r in run(admin, "SHOW GRANTS TO ROLE ANALYST") if r[2] == "SEQUENCE"]
    assert to_role == [("USAGE", "SEQUENCE", 'ML.DEV.SSEQ')]
    assert [r[1] for r in run(alice, "SHOW GRANTS ON SEQUENCE SSEQ")] == ["OWNERSHIP", "USAGE"]


def test_all_and_future_sequences(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "CREATE SEQUENCE S2")
    run(admin, "CREATE TABLE AUTO (id INT AUTOINCREMENT, v INT)")  # its own sequence is no schema object
    run(admin, "GRANT USAGE ON ALL SEQUENCES IN SCHEMA ML.DEV TO ROLE ANALYST")
    assert run(alice, "SELECT SSEQ.NEXTVAL, S2.NEXTVAL") == [(100, 1)]
    run(admin, "GRANT USAGE ON FUTURE SEQUENCES IN SCHEMA ML.DEV TO ROLE ANALYST")
    assert [(r[1], r[2], r[3]) for r in run(admin, "SHOW FUTURE GRANTS IN SCHEMA ML.DEV")] == [
        ("USAGE", "SEQUENCE", 'ML.DEV.<SEQUENCE>')]
    run(admin, "CREATE SEQUENCE S3 START = 7")
    assert run(alice, "SELECT S3.NEXTVAL") == [(7,)]
    run(admin, "REVOKE USAGE ON FUTURE SEQUENCES IN SCHEMA ML.DEV FROM ROLE ANALYST")
    run(admin, "CREATE SEQUENCE S4")
    assert errno(alice, "SELECT S4.NEXTVAL") == 2003


def test_ownership_moves_and_a_dropped_sequence_takes_its_grants(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT USAGE ON SEQUENCE SSEQ TO ROLE PUBLIC")
    assert errno(admin, "GRANT OWNERSHIP ON SEQUENCE SSEQ TO ROLE ANALYST") == 3111  # a dependent grant
    run(admin, "GRANT OWNERSHIP ON SEQUENCE SSEQ TO ROLE ANALYST REVOKE CURRENT GRANTS")
    assert [(r[1], r[6]) for r in run(alice, "SHOW SEQUENCES")] == [("SSEQ", "ANALYST")]
    assert [(r[1], r[5]) for r in run(alice, "SHOW GRANTS ON SEQUENCE SSEQ")] == [("OWNERSHIP", "ANALYST")]
    run(alice, "GRANT USAGE ON SEQUENCE SSEQ TO ROLE PUBLIC")  # the owner grants
    run(alice, "DROP SEQUENCE SSEQ")
    run(admin, "CREATE SEQUENCE SSEQ")
    assert errno(alice, "SELECT SSEQ.NEXTVAL") == 2003  # a new sequence: no grant of the old one's survives
    assert [(r[1], r[5]) for r in run(admin, "SHOW GRANTS ON SEQUENCE SSEQ")] == [("OWNERSHIP", "ACCOUNTADMIN")]


@pytest.mark.parametrize("sql", ["GRANT SELECT ON SEQUENCE SSEQ TO ROLE ANALYST",
                                 "GRANT USAGE ON SEQUENCE NOPE TO ROLE ANALYST"])
def test_bad_sequence_grants_are_refused(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, _ = pair
    assert errno(admin, sql) in (2003, 3011, 2000, 1003)
    assert [r[1] for r in run(admin, "SHOW GRANTS ON SEQUENCE SSEQ")] == ["OWNERSHIP"]


def test_explain_access_names_who_holds_a_sequence(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    denied = snowreg.explain_access(alice, "SEQUENCE ML.DEV.SSEQ", "USAGE")
    assert not denied and denied.outcome.startswith("002003") and denied.owner == "ACCOUNTADMIN"
    run(admin, "GRANT USAGE ON SEQUENCE SSEQ TO ROLE ANALYST")
    granted = snowreg.explain_access(alice, "SEQUENCE ML.DEV.SSEQ", "USAGE")
    assert granted and "USAGE held by ANALYST: the primary role itself" in str(granted)
    assert not snowreg.explain_access(alice, "SEQUENCE ML.DEV.SSEQ", "OWNERSHIP")
    assert not snowreg.explain_access(alice, "SEQUENCE ML.DEV.NOPE", "USAGE").exists
