"""A role that holds nothing on an object must get the same answer as for a name nothing holds: CREATE,
CREATE OR REPLACE and CREATE … IF NOT EXISTS in a schema where it may not create told it which hidden
objects exist ("already exists, statement succeeded." or 002003, where a free name gets 003001).

https://docs.snowflake.com/en/user-guide/security-access-control-overview (objects a role holds no privilege
on are not visible to it). ADMIN owns everything in ML.DEV; ALICE's role ANALYST may only use ML and ML.DEV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.H (x INT)", "CREATE VIEW ML.DEV.HV AS SELECT 1 AS a", "CREATE SEQUENCE ML.DEV.HS",
    "CREATE STAGE ML.DEV.HST", "CREATE TAG ML.DEV.HT", "CREATE FUNCTION ML.DEV.HF(a NUMBER) RETURNS NUMBER AS 'a'",
    "CREATE PROCEDURE ML.DEV.HP() RETURNS NUMBER LANGUAGE SQL AS 'BEGIN RETURN 1; END'", "CREATE SCHEMA ML.HSCH",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE", "USE SCHEMA ML.DEV",
]

# (statement with {n}, the hidden object's name, a name nothing has)
STATEMENTS = [
    ("CREATE TABLE {n} (x INT)", "H"), ("CREATE TABLE IF NOT EXISTS {n} (x INT)", "H"),
    ("CREATE OR REPLACE TABLE {n} (x INT)", "H"), ("CREATE VIEW {n} AS SELECT 1 AS a", "HV"),
    ("CREATE VIEW IF NOT EXISTS {n} AS SELECT 1 AS a", "HV"), ("CREATE OR REPLACE VIEW {n} AS SELECT 1 AS a", "HV"),
    ("CREATE SEQUENCE {n}", "HS"), ("CREATE SEQUENCE IF NOT EXISTS {n}", "HS"), ("CREATE OR REPLACE SEQUENCE {n}", "HS"),
    ("CREATE STAGE {n}", "HST"), ("CREATE STAGE IF NOT EXISTS {n}", "HST"), ("CREATE TAG {n}", "HT"),
    ("CREATE TAG IF NOT EXISTS {n}", "HT"), ("CREATE FUNCTION {n}(a NUMBER) RETURNS NUMBER AS 'a'", "HF"),
    ("CREATE FUNCTION IF NOT EXISTS {n}(a NUMBER) RETURNS NUMBER AS 'a'", "HF"),
    ("CREATE PROCEDURE IF NOT EXISTS {n}() RETURNS NUMBER LANGUAGE SQL AS 'BEGIN RETURN 1; END'", "HP"),
    ("CREATE SCHEMA IF NOT EXISTS ML.{n}", "HSCH"), ("CREATE SCHEMA ML.{n}", "HSCH"),
]


def answer(conn: Any, sql: str, name: str) -> str:
    try:
        rows = conn.cursor().execute(sql).fetchall()
        return f"ok {rows}".replace(name, "<name>")
    except snowreg.Error as e:
        return f"{e.errno} {e.msg}".replace(name, "<name>")


@pytest.fixture(scope="module")
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


@pytest.mark.parametrize(("sql", "hidden"), STATEMENTS)
def test_a_hidden_name_answers_as_a_free_one(pair: tuple[Connection, Connection], sql: str, hidden: str) -> None:
    _, alice = pair
    free = "NOTHING_HERE"
    assert answer(alice, sql.format(n=hidden), hidden) == answer(alice, sql.format(n=free), free)


def test_models_too(tmp_path: Any, version_dir: Any) -> None:
    admin = snowreg.connect(database="ML", schema="DEV", stage_roots=[tmp_path])
    for sql in (*SETUP, f"CREATE STAGE ST URL = '{version_dir.as_uri()}'", "CREATE MODEL HM WITH VERSION V1 FROM @ST",
                "CREATE MODEL SHOWN WITH VERSION V1 FROM @ST", "GRANT USAGE ON MODEL SHOWN TO ROLE ANALYST"):
        admin.cursor().execute(sql)
    alice = Connection(admin._catalog, user="ALICE")
    alice.cursor().execute("USE SCHEMA ML.DEV")
    for sql in ("CREATE MODEL {n} FROM MODEL SHOWN", "CREATE MODEL IF NOT EXISTS {n} FROM MODEL SHOWN",
                "CREATE OR REPLACE MODEL {n} FROM MODEL SHOWN"):
        assert answer(alice, sql.format(n="HM"), "HM") == answer(alice, sql.format(n="FREE"), "FREE"), sql
    alice.close()
    admin.close()


@pytest.mark.parametrize(("sql", "hidden"), [
    ("DROP TABLE IF EXISTS {n}", "H"), ("DROP VIEW IF EXISTS {n}", "HV"), ("DROP SEQUENCE IF EXISTS {n}", "HS"),
    ("ALTER TABLE IF EXISTS {n} ADD COLUMN y INT", "H"), ("TRUNCATE TABLE IF EXISTS {n}", "H"),
    ("ALTER TABLE IF EXISTS {n} RENAME TO ZZ", "H"), ("DROP FUNCTION IF EXISTS {n}(NUMBER)", "HF"),
    ("DROP PROCEDURE IF EXISTS {n}()", "HP"), ("DROP TAG IF EXISTS {n}", "HT"), ("DROP STAGE IF EXISTS {n}", "HST"),
])
def test_if_exists_of_a_hidden_object_answers_as_for_a_missing_one(pair: tuple[Connection, Connection], sql: str,
                                                                  hidden: str) -> None:
    """DECISIONS J24: and the hidden object stays as it was."""
    admin, alice = pair
    free = "NOTHING_HERE"
    assert answer(alice, sql.format(n=hidden), hidden) == answer(alice, sql.format(n=free), free)
    shown = {r[1] for r in admin.cursor().execute("SHOW OBJECTS IN SCHEMA ML.DEV").fetchall()}
    assert {"H", "HV"} <= shown
    assert admin.cursor().execute("DESCRIBE TABLE ML.DEV.H").fetchall()[0][0] == "X"
    assert len(admin.cursor().execute("SHOW USER FUNCTIONS IN SCHEMA ML.DEV").fetchall()) == 1
    assert len(admin.cursor().execute("SHOW USER PROCEDURES IN SCHEMA ML.DEV").fetchall()) == 1
    assert len(admin.cursor().execute("SHOW TAGS IN SCHEMA ML.DEV").fetchall()) == 1
    assert len(admin.cursor().execute("SHOW SEQUENCES IN SCHEMA ML.DEV").fetchall()) == 1


@pytest.mark.parametrize("sql", ["SELECT {n}.NEXTVAL", "SELECT ML.DEV.{n}.NEXTVAL", "SELECT DEV.{n}.NEXTVAL + 1"])
def test_nextval_of_a_hidden_sequence_answers_as_for_a_missing_one(pair: tuple[Connection, Connection],
                                                                   sql: str) -> None:
    """002003 `Sequence '…' does not exist or not authorized.` both ways (the missing one said `Object …`, 42S02)."""
    _, alice = pair
    assert answer(alice, sql.format(n="HS"), "HS") == answer(alice, sql.format(n="NOTHING_HERE"), "NOTHING_HERE")
