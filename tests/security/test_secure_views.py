"""A secure view's text is shown only to the roles granted the role that owns it
(https://docs.snowflake.com/en/user-guide/views-secure): a role holding SELECT on it reads its rows through every
path, and its text through none (SHOW VIEWS, INFORMATION_SCHEMA.VIEWS, GET_DDL of the view, its schema or its
database, a clone of its schema); MANAGE GRANTS is not ownership. Only its owner makes it secure or not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SECRET = "secret_marker_42"
SETUP = [
    "CREATE TABLE ML.DEV.T (a INT, b VARCHAR)", "INSERT INTO ML.DEV.T VALUES (1, 'x'), (2, 'y')",
    f"CREATE SECURE VIEW ML.DEV.SV AS SELECT a FROM ML.DEV.T WHERE b <> '{SECRET}'",
    "CREATE VIEW ML.DEV.PV AS SELECT a FROM ML.DEV.T", "CREATE ROLE ANALYST",
    f"CREATE SECURE MATERIALIZED VIEW ML.DEV.SMV AS SELECT a FROM ML.DEV.T WHERE b <> '{SECRET}'",
    "GRANT SELECT ON MATERIALIZED VIEW ML.DEV.SMV TO ROLE ANALYST",
    "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT SELECT ON VIEW ML.DEV.SV TO ROLE ANALYST", "GRANT SELECT ON VIEW ML.DEV.PV TO ROLE ANALYST",
    "GRANT CREATE SCHEMA ON DATABASE ML TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def errno(conn: Any, sql: str) -> int:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return int(info.value.errno)


def leaks(rows: list[Any]) -> bool:
    return any(SECRET in str(v) for row in rows for v in row)


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def test_reader_gets_rows_but_never_the_text(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert sorted(run(alice, "SELECT * FROM SV")) == [(1,), (2,)]
    shown = {r[1]: r for r in run(alice, "SHOW VIEWS")}
    assert shown["SV"][7] == "" and shown["SV"][8] == "true"
    assert shown["PV"][7] != ""  # a plain view's text is shown to its readers
    assert run(alice, "SELECT view_definition, is_secure FROM ML.INFORMATION_SCHEMA.VIEWS "
                      "WHERE table_name = 'SV'") == [(None, "YES")]
    assert errno(alice, "SELECT GET_DDL('VIEW', 'ML.DEV.SV')") == 2003
    assert errno(alice, "SELECT GET_DDL('TABLE', 'ML.DEV.SV')") == 2003
    assert sorted(run(alice, "SELECT * FROM SMV")) == [(1,), (2,)]
    assert errno(alice, "SELECT GET_DDL('VIEW', 'ML.DEV.SMV')") == 2003
    for sql in ("SHOW MATERIALIZED VIEWS", "SELECT GET_DDL('SCHEMA', 'ML.DEV')", "SELECT GET_DDL('DATABASE', 'ML')", "DESCRIBE VIEW SV",
                "SHOW OBJECTS", "SHOW COLUMNS IN VIEW SV", "SELECT * FROM ML.INFORMATION_SCHEMA.VIEWS",
                "SELECT * FROM ML.INFORMATION_SCHEMA.TABLES", "SELECT * FROM ML.INFORMATION_SCHEMA.COLUMNS"):
        assert not leaks(run(alice, sql)), sql
    assert "PV" in run(alice, "SELECT GET_DDL('SCHEMA', 'ML.DEV')")[0][0]  # what the role may read stays
    # the owner sees it all
    assert leaks(run(admin, "SHOW VIEWS")) and leaks(run(admin, "SELECT GET_DDL('VIEW', 'ML.DEV.SV')"))
    assert leaks(run(admin, "SHOW MATERIALIZED VIEWS"))
    assert leaks(run(admin, "SELECT view_definition FROM ML.INFORMATION_SCHEMA.VIEWS WHERE table_name = 'SV'"))


def test_the_owners_answer_is_not_reused_for_a_reader(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    sql = "SELECT view_definition FROM ML.INFORMATION_SCHEMA.VIEWS WHERE table_name = 'SV'"
    assert leaks(run(admin, sql)) and leaks(run(admin, "SHOW VIEWS"))
    assert run(alice, sql) == [(None,)]
    assert not leaks(run(alice, "SHOW VIEWS"))


def test_manage_grants_is_not_ownership(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT MANAGE GRANTS ON ACCOUNT TO ROLE ANALYST")
    assert not leaks(run(alice, "SHOW VIEWS IN SCHEMA ML.DEV"))
    assert not leaks(run(alice, "SELECT * FROM ML.INFORMATION_SCHEMA.VIEWS"))
    assert errno(alice, "SELECT GET_DDL('VIEW', 'ML.DEV.SV')") == 2003


def test_a_role_granted_the_owner_role_sees_the_text(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "CREATE ROLE OWNERS")
    run(admin, "GRANT OWNERSHIP ON VIEW ML.DEV.SV TO ROLE OWNERS COPY CURRENT GRANTS")
    run(admin, "GRANT ROLE OWNERS TO ROLE ANALYST")
    assert leaks(run(alice, "SHOW VIEWS"))
    assert leaks(run(alice, "SELECT GET_DDL('VIEW', 'ML.DEV.SV')"))


def test_only_the_owner_changes_secure(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "ALTER VIEW SV UNSET SECURE") == 3001
    assert errno(alice, "ALTER VIEW PV SET SECURE") == 3001
    assert errno(alice, "ALTER MATERIALIZED VIEW SMV UNSET SECURE") == 3001
    run(admin, "REVOKE SELECT ON VIEW ML.DEV.SV FROM ROLE ANALYST")
    assert errno(alice, "ALTER VIEW SV UNSET SECURE") == 2003  # nothing held: it does not exist
    assert run(alice, "ALTER VIEW IF EXISTS SV UNSET SECURE") == [("Statement executed successfully.",)]
    assert [r[8] for r in run(admin, "SHOW VIEWS LIKE 'SV'")] == ["true"]  # nothing changed


def test_clone_does_not_hand_the_text_to_a_reader(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "CREATE SCHEMA ML.COPY CLONE ML.DEV") == 2
    run(admin, "CREATE SCHEMA ML.COPY CLONE ML.DEV")  # its owner's clone stays secure
    assert [r[8] for r in run(admin, "SHOW VIEWS LIKE 'SV' IN SCHEMA ML.COPY")] == ["true"]
