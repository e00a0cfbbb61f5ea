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


# -- J83-J85: ALTER USER, and who may run which form -------------------------------------------------


def _props(conn: Connection, user: str) -> dict[str, str]:
    return {r[0]: r[1] for r in run(conn, f"DESCRIBE USER {user}")}


@pytest.mark.parametrize("sql", [
    "ALTER USER SET DEFAULT_WAREHOUSE = WH1", "ALTER USER ALICE SET DEFAULT_NAMESPACE = 'ML.MINE'",
    "ALTER USER ALICE SET DEFAULT_ROLE = ANALYST", "ALTER USER SET DEFAULT_SECONDARY_ROLES = ('ALL')",
    "ALTER USER ALICE UNSET DEFAULT_WAREHOUSE",
])
def test_a_user_sets_its_own_defaults(pair: Pair, sql: str) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/alter-user: "Individual users can use this command to
    alter specific properties and any session parameter defaults for themselves"."""
    _, alice = pair
    assert run(alice, sql) == [("Statement executed successfully.",)]


def test_own_defaults_are_kept(pair: Pair) -> None:
    _, alice = pair
    run(alice, "ALTER USER SET DEFAULT_WAREHOUSE = WH1, DEFAULT_NAMESPACE = 'ML.MINE' DEFAULT_ROLE = analyst")
    props = _props(alice, "ALICE")
    assert (props["DEFAULT_WAREHOUSE"], props["DEFAULT_NAMESPACE"], props["DEFAULT_ROLE"]) == ("WH1", "ML.MINE", "ANALYST")
    run(alice, "ALTER USER ALICE UNSET DEFAULT_WAREHOUSE")
    assert _props(alice, "ALICE")["DEFAULT_WAREHOUSE"] == "null"


OWNER_ONLY = [
    "ALTER USER ALICE SET PASSWORD = 'chosen by me'", "ALTER USER SET DISABLED = FALSE", "ALTER USER ALICE SET COMMENT = 'x'",
    "ALTER USER ALICE RENAME TO ALICIA", "ALTER USER ALICE RESET PASSWORD", "ALTER USER ALICE UNSET PASSWORD",
    "ALTER USER ALICE SET EMAIL = 'a@b.c'", "ALTER USER ALICE SET LOGIN_NAME = 'other'",
    "ALTER USER ALICE SET RSA_PUBLIC_KEY = 'MIIB'", "ALTER USER ALICE ABORT ALL QUERIES",
]


@pytest.mark.parametrize("sql", OWNER_ONLY)
def test_a_user_without_ownership_cannot_change_the_rest_of_itself(pair: Pair, sql: str) -> None:
    """Only the role with OWNERSHIP on a user (or a higher role) changes most of its properties
    (https://docs.snowflake.com/en/user-guide/admin-user-management); ALICE's own user is ACCOUNTADMIN's."""
    admin, alice = pair
    error = refused(alice, sql)
    assert (error.errno, "Insufficient privileges to operate on user 'ALICE'" in str(error)) == (3001, True)
    assert [r[0] for r in run(admin, "SHOW USERS LIKE 'ALIC%'")] == ["ALICE"]


@pytest.mark.parametrize("sql", ["ALTER USER HIDDEN_USER SET DEFAULT_ROLE = ANALYST", "ALTER USER ADMIN SET PASSWORD = 'x'",
                                 "ALTER USER ADMIN SET DISABLED = TRUE", "ALTER USER ADMIN RENAME TO NOT_ADMIN",
                                 "ALTER USER NOBODY SET COMMENT = 'x'", "ALTER USER ADMIN RESET PASSWORD"])
def test_a_user_the_role_cannot_see_does_not_exist(pair: Pair, sql: str) -> None:
    """Another user, not owned by the session's roles, answers as a missing one (J41), with IF EXISTS too."""
    admin, alice = pair
    error = refused(alice, sql)
    assert error.errno == 2003 and "does not exist or not authorized" in str(error)
    quiet = sql.replace("ALTER USER ", "ALTER USER IF EXISTS ", 1)
    assert run(alice, quiet) == [("Statement executed successfully.",)]
    assert _props(admin, "ADMIN")["DISABLED"] == "false" and [r[0] for r in run(admin, "SHOW USERS LIKE 'ADMIN'")]


def test_the_owner_sets_a_password_stored_hashed(pair: Pair) -> None:
    from snowreg.engine.access import governance

    admin, alice = pair
    run(admin, "ALTER USER ALICE SET PASSWORD = 'it''s secret'")
    stored = admin._catalog.grants.get_user("ALICE").properties
    assert "secret" not in stored and "pbkdf2_sha256$" in stored
    governance.authenticate(admin._catalog, "ALICE", "it's secret")
    with pytest.raises(snowreg.Error) as info:
        governance.authenticate(admin._catalog, "ALICE", "wrong")
    assert info.value.errno == 390100
    assert _props(admin, "ALICE")["PASSWORD"] == "********"
    run(admin, "ALTER USER ALICE UNSET PASSWORD")
    with pytest.raises(snowreg.Error):
        governance.authenticate(admin._catalog, "ALICE", "it's secret")


def test_the_owner_disables_and_renames(pair: Pair) -> None:
    from snowreg.engine.access import governance

    admin, alice = pair
    run(admin, "ALTER USER ALICE SET PASSWORD = 'pw' DISABLED = TRUE")
    with pytest.raises(snowreg.Error) as info:
        governance.authenticate(admin._catalog, "ALICE", "pw")
    assert info.value.errno == 390101
    assert admin.user_stamp("ALICE") is None  # `snowreg serve` ends the user's sessions (J72)
    run(admin, "ALTER USER ALICE SET DISABLED = FALSE")
    run(admin, "ALTER USER ALICE RENAME TO ALICIA")
    assert [r[0] for r in run(admin, "SHOW USERS LIKE 'ALIC%'")] == ["ALICIA"]
    assert ("ANALYST", "USER", "ALICIA") in [(r[1], r[2], r[3]) for r in run(admin, "SHOW GRANTS OF ROLE ANALYST")]
    assert refused(admin, "ALTER USER ALICIA RENAME TO HIDDEN_USER").errno == 2002
    assert refused(admin, "ALTER USER ALICIA SET DISABLED = maybe").errno == 1008


def test_a_users_parameter_defaults_are_checked_then_refused(pair: Pair) -> None:
    """ALTER USER … SET <session parameter>: the user itself may (the page), another needs the owner; snowreg
    keeps no user-level parameter value (T33), so it is refused after the check."""
    _, alice = pair
    error = refused(alice, "ALTER USER SET TIMEZONE = 'UTC'")
    assert error.errno == 2 and "TIMEZONE" in str(error)
    assert refused(alice, "ALTER USER ADMIN SET TIMEZONE = 'UTC'").errno == 2003


# -- J86: PARSE_URL writes its argument once ------------------------------------------------------------


def test_nested_parse_url_is_translated_once_per_call(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """PARSE_URL's translation wrote its argument twenty times, so three nested calls sent DuckDB 20^3 copies,
    which it bound past STATEMENT_TIMEOUT_IN_SECONDS (the timeout interrupts execution only): any role held
    a core and its session for good with one short statement. The text sent is looked at, not run."""
    from snowreg.engine.sql import run as run_module

    _, alice = pair
    assert run(alice, "SELECT PARSE_URL(PARSE_URL('http://h/x://y/z'):path::VARCHAR):path::VARCHAR") == [("z",)]
    assert run(alice, "SELECT PARSE_URL(NULL) IS NULL, PARSE_URL('nothing', 1):error::VARCHAR") == [
        (True, "scheme not specified")]
    sent: list[str] = []

    def capture(session: Any, tr: Any) -> None:
        sent.append(tr.sql)
        raise RuntimeError("not run")

    monkeypatch.setattr(run_module, "_execute", capture)
    with pytest.raises(RuntimeError):
        run(alice, "SELECT PARSE_URL(PARSE_URL(PARSE_URL('http://h/x://y/z://w/v'):path::VARCHAR):path::VARCHAR)")
    assert sent[-1].count("http://h/x://y/z://w/v") == 1


# -- J87: DROP ROLE of a role named in future grants -------------------------------------------------


def test_the_owner_drops_a_role_named_in_future_grants(pair: Pair) -> None:
    """https://docs.snowflake.com/en/release-notes/bcr-bundles/2026_01/bcr-2167: dropping a role granted future
    grants "requires OWNERSHIP of that role and no additional privileges" (the DROP ROLE page still asks for
    MANAGE GRANTS, the reading before that bundle). The future grants naming it go with it; a role that does
    not own it is refused."""
    admin, alice = pair
    run(admin, "CREATE ROLE FUTURE_HOLDER")
    run(admin, "GRANT SELECT ON FUTURE TABLES IN SCHEMA ML.DEV TO ROLE FUTURE_HOLDER")
    assert refused(alice, "DROP ROLE FUTURE_HOLDER").errno == 3001
    run(admin, "GRANT OWNERSHIP ON ROLE FUTURE_HOLDER TO ROLE ANALYST")
    assert run(alice, "DROP ROLE FUTURE_HOLDER") == [("FUTURE_HOLDER successfully dropped.",)]
    assert [r for r in run(admin, "SHOW FUTURE GRANTS IN SCHEMA ML.DEV") if r[5] == "FUTURE_HOLDER"] == []
    run(admin, "CREATE ROLE FUTURE_HOLDER")
    run(admin, "CREATE TABLE ML.DEV.LATER (x INT)")
    assert [r[5] for r in run(admin, "SHOW GRANTS ON TABLE ML.DEV.LATER")] == ["ACCOUNTADMIN"]
