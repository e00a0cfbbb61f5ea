"""Sequences are objects with an owner: a role without a privilege on one neither uses, drops nor lists it.

https://docs.snowflake.com/en/user-guide/security-access-control-privileges (sequence: USAGE, OWNERSHIP);
here no role is granted anything on the sequences, so only the owner's role hierarchy holds them
(tests/security/test_sequence_grants.py grants USAGE and OWNERSHIP).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE SEQUENCE ML.DEV.SSEQ START = 100", "CREATE SCHEMA ML.PRIV", "CREATE SEQUENCE ML.PRIV.PSEQ",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT CREATE TABLE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT CREATE SEQUENCE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
    "USE SCHEMA ML.DEV",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


@pytest.mark.parametrize("sql", [
    "SELECT SSEQ.NEXTVAL", "SELECT ML.DEV.SSEQ.NEXTVAL", "SELECT ML.PRIV.PSEQ.NEXTVAL", "SELECT PRIV.PSEQ.NEXTVAL",
    "CREATE TABLE T (x INT DEFAULT SSEQ.NEXTVAL)", "DROP SEQUENCE SSEQ", "DROP SEQUENCE ML.PRIV.PSEQ", "CREATE OR REPLACE SEQUENCE SSEQ", "DESCRIBE SEQUENCE SSEQ",
])
def test_a_sequence_of_another_role_is_neither_used_nor_changed(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, alice = pair
    with pytest.raises(snowreg.Error) as info:
        run(alice, sql)
    assert info.value.errno in (2003, 3001), info.value
    assert run(admin, "SELECT ML.DEV.SSEQ.NEXTVAL, ML.PRIV.PSEQ.NEXTVAL") == [(100, 1)]  # never advanced, still there


def test_drop_if_exists_of_a_hidden_sequence_answers_as_for_a_missing_one(pair: tuple[Connection, Connection]) -> None:
    """DECISIONS J24: the answer tells nothing of the sequence, which stays."""
    admin, alice = pair
    assert run(alice, "DROP SEQUENCE IF EXISTS ML.DEV.SSEQ") == [
        ("Drop statement executed successfully (SSEQ already dropped).",)]
    assert run(admin, "SELECT ML.DEV.SSEQ.NEXTVAL, ML.PRIV.PSEQ.NEXTVAL") == [(100, 1)]


def test_sequences_of_other_roles_are_not_listed(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert run(alice, "SHOW SEQUENCES IN ACCOUNT") == []
    assert run(alice, "SELECT * FROM ML.INFORMATION_SCHEMA.SEQUENCES") == []
    run(alice, "CREATE SEQUENCE MINE")
    assert [(r[1], r[6]) for r in run(alice, "SHOW SEQUENCES IN ACCOUNT")] == [("MINE", "ANALYST")]
    assert {(r[1], r[6]) for r in run(admin, "SHOW SEQUENCES IN ACCOUNT")} == {("SSEQ", "ACCOUNTADMIN"),
                                                                            ("PSEQ", "ACCOUNTADMIN")}
    assert run(alice, "SELECT SEQUENCE_NAME FROM ML.INFORMATION_SCHEMA.SEQUENCES") == [("MINE",)]
    assert run(admin, "SELECT SEQUENCE_NAME FROM ML.INFORMATION_SCHEMA.SEQUENCES ORDER BY 1") == [("PSEQ",), ("SSEQ",)]


def test_the_owner_uses_replaces_and_drops_its_sequence(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(alice, "CREATE SEQUENCE MINE")
    assert run(alice, "SELECT MINE.NEXTVAL") == [(1,)]
    run(alice, "CREATE TABLE T (x INT DEFAULT MINE.NEXTVAL, y INT)")
    run(alice, "INSERT INTO T (y) VALUES (0)")
    assert run(alice, "SELECT x FROM T") == [(2,)]
    run(alice, "DROP TABLE T")  # DuckDB keeps a sequence a column default uses
    run(alice, "CREATE OR REPLACE SEQUENCE MINE START = 10")
    assert run(alice, "SELECT ML.DEV.MINE.NEXTVAL") == [(10,)]
    with pytest.raises(snowreg.Error):
        run(admin, "SELECT MINE.NEXTVAL")  # ANALYST is no role of ACCOUNTADMIN's here
    run(alice, "DROP SEQUENCE MINE")
    run(alice, "CREATE SEQUENCE MINE")  # a new one of that name: hers again
    assert run(alice, "SELECT MINE.NEXTVAL") == [(1,)]
