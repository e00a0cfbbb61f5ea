"""Attacks on the trust boundary, fifth round (DECISIONS.md J81-J99): another session's temporary tables,
ALTER USER, DROP ROLE, and the features added since the fourth round (FLATTEN RECURSIVE, PARSE_URL, TABLE('name'),
the regular expression functions, INFORMATION_SCHEMA table functions, RESULT_SCAN, GET_DDL, SHOW … IN ACCOUNT,
owners' rights of streams, tasks and dynamic tables, Python functions, stage paths, EXECUTE IMMEDIATE).

ADMIN owns ML.DEV.SECRET (42); ANALYST (ALICE's role) may read ML.DEV.OPEN and owns the schema ML.MINE.
ALICE2 is a second session of ALICE (the same user and role): what the first keeps to itself (a temporary
table) the second must not reach either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

Pair = tuple[Connection, Connection]

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE TABLE ML.DEV.OPEN (x INT)", "INSERT INTO ML.DEV.OPEN VALUES (1)",
    "CREATE SCHEMA ML.MINE", "USE SCHEMA ML.DEV",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST", "GRANT OWNERSHIP ON SCHEMA ML.MINE TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE", "CREATE USER HIDDEN_USER",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def refused(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return info.value


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[Pair]]) -> Iterator[Pair]:
    yield from pair_of(SETUP)


# -- J81: another session's temporary table is neither replaced nor granted ---------------------------


@pytest.fixture
def sessions(pair: Pair) -> Iterator[tuple[Connection, Connection, Connection]]:
    """ADMIN, ALICE holding the temporary table ML.MINE.TT (7, 'kept'), and a second session of ALICE."""
    admin, alice = pair
    run(alice, "USE SCHEMA ML.MINE")
    run(alice, "CREATE TABLE ML.MINE.P (x INT)")
    run(alice, "CREATE TEMPORARY TABLE ML.MINE.TT (x INT, s VARCHAR)")
    run(alice, "INSERT INTO ML.MINE.TT VALUES (7, 'kept')")
    alice2 = Connection(admin._catalog, user="ALICE")
    run(alice2, "USE SCHEMA ML.MINE")
    yield admin, alice, alice2
    alice2.close()


def _untouched(alice: Connection) -> None:
    assert run(alice, "SELECT * FROM ML.MINE.TT") == [(7, "kept")]
    assert [(r[1], r[4]) for r in run(alice, "SHOW TABLES LIKE 'TT' IN SCHEMA ML.MINE")] == [("TT", "TEMPORARY")]
    assert [(r[1], r[5]) for r in run(alice, "SHOW GRANTS ON TABLE ML.MINE.TT")] == [("OWNERSHIP", "ANALYST")]


REPLACING = [
    "CREATE OR REPLACE TABLE ML.MINE.TT (q INT)", "CREATE OR REPLACE TABLE ML.MINE.TT AS SELECT 1 AS q",
    "CREATE OR REPLACE TRANSIENT TABLE ML.MINE.TT (q INT)", "CREATE OR REPLACE TEMPORARY TABLE ML.MINE.TT (q INT)",
    "CREATE OR REPLACE TABLE ML.MINE.TT CLONE ML.MINE.P", "CREATE OR REPLACE TABLE ML.MINE.TT LIKE ML.MINE.P",
    "CREATE OR REPLACE DYNAMIC TABLE ML.MINE.TT TARGET_LAG = '1 minute' WAREHOUSE = W AS SELECT 1 AS a",
]


@pytest.mark.parametrize("sql", REPLACING)
def test_another_session_cannot_replace_a_temporary_table(sessions: Any, sql: str) -> None:
    """CREATE OR REPLACE of the name, in a second session of the same user and role, replaced the first
    session's temporary table (its rows gone, its session reading the new table): the role owns the name, so
    the owner check passed. Snowflake would make the second session its own table; snowreg cannot hold two
    tables of one name (J76), so it refuses, and the first session's table stays as it was."""
    _, alice, alice2 = sessions
    error = refused(alice2, sql)
    assert error.errno == 2 and "temporary table of another session" in str(error)
    _untouched(alice)


GRANTS = [
    "GRANT SELECT ON TABLE ML.MINE.TT TO ROLE PUBLIC", "GRANT OWNERSHIP ON TABLE ML.MINE.TT TO ROLE PUBLIC",
    "REVOKE SELECT ON TABLE ML.MINE.TT FROM ROLE PUBLIC", "SHOW GRANTS ON TABLE ML.MINE.TT",
]


@pytest.mark.parametrize("sql", GRANTS)
def test_another_session_cannot_grant_on_a_temporary_table(sessions: Any, sql: str) -> None:
    """GRANT … ON TABLE of another session's temporary table granted (SELECT to PUBLIC, or the ownership away),
    and SHOW GRANTS ON it listed its grants: it is to that session as a table that does not exist (002003)."""
    _, alice, alice2 = sessions
    assert refused(alice2, sql).errno == 2003
    _untouched(alice)


def test_on_all_tables_skips_another_sessions_temporary_table(sessions: Any) -> None:
    _, alice, alice2 = sessions
    run(alice2, "GRANT SELECT ON ALL TABLES IN SCHEMA ML.MINE TO ROLE PUBLIC")
    _untouched(alice)
    assert [r[5] for r in run(alice, "SHOW GRANTS ON TABLE ML.MINE.P")] == ["ANALYST", "PUBLIC"]


def test_object_privileges_do_not_list_another_sessions_temporary_table(sessions: Any) -> None:
    _, alice, alice2 = sessions
    query = "SELECT OBJECT_NAME FROM ML.INFORMATION_SCHEMA.OBJECT_PRIVILEGES WHERE OBJECT_SCHEMA = 'MINE' ORDER BY 1"
    assert [r[0] for r in run(alice, query)] == ["P", "TT"]
    assert [r[0] for r in run(alice2, query)] == ["P"]


def test_a_renamed_temporary_table_stays_its_sessions(sessions: Any) -> None:
    """ALTER TABLE … RENAME TO of a temporary table left its session's mark on the old name: under the new name
    every session read and wrote it, and it outlived its session (closing dropped the old name only)."""
    admin, alice, alice2 = sessions
    run(alice, "ALTER TABLE ML.MINE.TT RENAME TO TT2")
    assert refused(alice2, "SELECT * FROM ML.MINE.TT2").errno == 2003
    assert run(alice, "SELECT * FROM ML.MINE.TT2") == [(7, "kept")]
    run(alice2, "CREATE TABLE ML.MINE.TT (p INT)")  # the old name is free: a permanent table of another session
    alice.close()
    assert refused(alice2, "SELECT * FROM ML.MINE.TT2").errno == 2003  # dropped with its session
    assert run(alice2, "SELECT * FROM ML.MINE.TT") == []  # the permanent table of the old name stays


def test_a_swapped_temporary_table_stays_its_sessions(sessions: Any) -> None:
    """SWAP WITH a permanent table moved the temporary rows under the permanent name, readable by all."""
    _, alice, alice2 = sessions
    run(alice, "ALTER TABLE ML.MINE.TT SWAP WITH ML.MINE.P")
    assert refused(alice2, "SELECT * FROM ML.MINE.P").errno == 2003
    assert run(alice2, "SELECT * FROM ML.MINE.TT") == []
    assert run(alice, "SELECT * FROM ML.MINE.P") == [(7, "kept")]


TEMPORARY_VIEW = [
    "SELECT * FROM ML.MINE.TV", "SELECT GET_DDL('VIEW', 'ML.MINE.TV')", "DROP VIEW ML.MINE.TV",
    "CREATE OR REPLACE VIEW ML.MINE.TV AS SELECT 1 AS a", "GRANT SELECT ON VIEW ML.MINE.TV TO ROLE PUBLIC",
]


@pytest.mark.parametrize("sql", TEMPORARY_VIEW)
def test_another_sessions_temporary_view_is_out_of_reach(sessions: Any, sql: str) -> None:
    """A temporary view "persists only for the duration of the session that you created it in"
    (https://docs.snowflake.com/en/sql-reference/sql/create-view): another session of the same role read its
    rows and text (a literal in it), replaced and dropped it."""
    _, alice, alice2 = sessions
    run(alice, "CREATE TEMPORARY VIEW ML.MINE.TV AS SELECT 'view literal' AS s")
    assert refused(alice2, sql).errno in (2, 2003)
    assert "view literal" not in str([r for r in run(alice2, "SHOW VIEWS IN SCHEMA ML.MINE")])
    assert run(alice, "SELECT * FROM ML.MINE.TV") == [("view literal",)]


def test_a_temporary_view_replaced_by_a_permanent_one_is_everyones(sessions: Any) -> None:
    _, alice, alice2 = sessions
    run(alice, "CREATE TEMPORARY VIEW ML.MINE.TV AS SELECT 1 AS a")
    run(alice, "CREATE OR REPLACE VIEW ML.MINE.TV COPY GRANTS AS SELECT 2 AS a")
    assert run(alice2, "SELECT * FROM ML.MINE.TV") == [(2,)]
    alice.close()
    assert run(alice2, "SELECT * FROM ML.MINE.TV") == [(2,)]
