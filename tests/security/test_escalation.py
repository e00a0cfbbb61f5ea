"""Attacks by a role on what it holds nothing on, through objects it may make itself: ownership handed to a
stronger role so that code the weak role wrote runs with the strong role's rights.

ADMIN owns ML.DEV.SECRET (42); ALICE's role ANALYST owns the schema ML.SAND and may use ML and ML.DEV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE SCHEMA ML.SAND", "CREATE ROLE ANALYST", "CREATE ROLE HELPER", "GRANT ROLE HELPER TO ROLE ANALYST",
    "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT OWNERSHIP ON SCHEMA ML.SAND TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE", "USE SCHEMA ML.DEV",
]

OWNER_RIGHTS_PROCEDURE = ("CREATE PROCEDURE ML.SAND.P() RETURNS NUMBER LANGUAGE SQL AS "
                          "$$ BEGIN RETURN (SELECT MAX(x) FROM ML.DEV.SECRET); END $$")


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def refused(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return info.value


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP, schema="ML.SAND")


@pytest.mark.parametrize("target", [
    "PROCEDURE ML.SAND.P()", "ALL PROCEDURES IN SCHEMA ML.SAND", "SCHEMA ML.SAND",
])
def test_ownership_goes_only_to_a_role_active_in_the_session(pair: tuple[Connection, Connection], target: str) -> None:
    """https://docs.snowflake.com/en/release-notes/bcr-bundles/2026_07/bcr-2395: GRANT OWNERSHIP succeeds only
    to a role activated in the current session, or for a role with MANAGE GRANTS. Without it ANALYST made an
    owner's-rights procedure reading ML.DEV.SECRET, kept USAGE on it, gave it to ACCOUNTADMIN and called it."""
    admin, alice = pair
    run(alice, OWNER_RIGHTS_PROCEDURE)
    run(alice, "GRANT USAGE ON PROCEDURE ML.SAND.P() TO ROLE ANALYST")
    e = refused(alice, f"GRANT OWNERSHIP ON {target} TO ROLE ACCOUNTADMIN COPY CURRENT GRANTS")
    assert "ownership can only be transferred to a role that is activated in the current session" in str(e)
    assert "42" not in str(refused(alice, "CALL ML.SAND.P()")).replace("42501", "").replace("42S02", "")
    assert run(admin, "SHOW GRANTS ON SCHEMA ML.SAND")[0][5] == "ANALYST"


def test_ownership_still_goes_to_the_sessions_own_roles_and_from_manage_grants(
        pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(alice, OWNER_RIGHTS_PROCEDURE)
    run(alice, "GRANT OWNERSHIP ON PROCEDURE ML.SAND.P() TO ROLE HELPER")  # in ANALYST's hierarchy
    run(admin, "CREATE ROLE OUTSIDER")
    run(admin, "GRANT OWNERSHIP ON PROCEDURE ML.SAND.P() TO ROLE OUTSIDER")  # ACCOUNTADMIN: MANAGE GRANTS
    owners = [r for r in run(admin, "SHOW GRANTS ON PROCEDURE ML.SAND.P()") if r[1] == "OWNERSHIP"]
    assert [r[5] for r in owners] == ["OUTSIDER"]


def test_an_owners_rights_procedures_statements_leave_no_result_to_scan(pair: tuple[Connection, Connection]) -> None:
    """The body's statements ran with the owner's privileges: their results are not the caller's to read
    with RESULT_SCAN (LAST_QUERY_ID(n) does not reach them), only the CALL's (DECISIONS J21). Inside the body RESULT_SCAN(LAST_QUERY_ID()) still reads the statement before."""
    admin, alice = pair
    run(admin, "CREATE PROCEDURE ML.DEV.TOTAL() RETURNS NUMBER LANGUAGE SQL AS $$ BEGIN "
               "SELECT x FROM ML.DEV.SECRET; "
               "RETURN (SELECT COUNT(*) FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))); END $$")
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.TOTAL() TO ROLE ANALYST")
    cur = alice.cursor()
    assert cur.execute("CALL ML.DEV.TOTAL()").fetchall() == [(1,)]
    call_id = cur.sfqid
    assert run(alice, "SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))") == [(1,)]  # the CALL's own result
    seen = []
    for n in range(1, 12):
        for position in (n, -n):
            query_id = run(alice, f"SELECT LAST_QUERY_ID({position})")[0][0]
            if query_id is None:
                continue
            seen.append(query_id)
            try:
                rows = run(alice, f"SELECT * FROM TABLE(RESULT_SCAN('{query_id}'))")
            except snowreg.Error:
                continue
            assert (42,) not in rows, (position, query_id)
    assert call_id in seen


@pytest.mark.parametrize("to", ["ML.DEV.MOVED", "ML.PUBLIC.MOVED", "OTHER.PUBLIC.MOVED", "DEV.MOVED"])
def test_a_view_renamed_into_another_schema_is_refused_not_renamed_in_place(pair: tuple[Connection, Connection],
                                                                            to: str) -> None:
    """ALTER VIEW … RENAME TO db.schema.name moves the view in Snowflake (with CREATE VIEW on the target
    schema); snowreg renamed it within its own schema, whatever schema was named, and said it succeeded."""
    admin, alice = pair
    run(alice, "CREATE VIEW ML.SAND.V AS SELECT 1 AS a")
    assert refused(alice, f"ALTER VIEW ML.SAND.V RENAME TO {to}").errno == 2
    assert run(alice, "SELECT * FROM ML.SAND.V") == [(1,)]
    run(alice, "ALTER VIEW ML.SAND.V RENAME TO ML.SAND.W")
    run(alice, "ALTER VIEW W RENAME TO V2")
    assert run(alice, "SELECT * FROM ML.SAND.V2") == [(1,)]
    assert [r[1] for r in run(admin, "SHOW VIEWS IN DATABASE ML")] == ["V2"]
