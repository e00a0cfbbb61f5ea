"""A role holding no privilege on an object is told it does not exist, on every path: GET_DDL of a sequence
or of its schema, USE / SHOW / SHOW GRANTS of a warehouse, DROP of a tag, SHOW SCHEMAS of a database, UNDROP TABLE of a name a table holds.

https://docs.snowflake.com/en/user-guide/security-access-control-overview (a role sees only what it holds
privileges on), https://docs.snowflake.com/en/user-guide/security-access-control-privileges (warehouse USAGE:
"Enables using a virtual warehouse"; sequence USAGE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE SEQUENCE SSEQ", "CREATE SEQUENCE ML.PUBLIC.HIDDEN_SEQ", "CREATE TAG TG", "CREATE WAREHOUSE WH", "CREATE DATABASE OTHERDB", "USE SCHEMA ML.DEV",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT OWNERSHIP ON SCHEMA ML.PUBLIC TO ROLE ANALYST",
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


def test_get_ddl_shows_no_sequence_the_role_holds_nothing_on(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "SELECT GET_DDL('SEQUENCE', 'SSEQ')") == 2003
    ddl = run(alice, "SELECT GET_DDL('SCHEMA', 'ML.PUBLIC')")[0][0]  # the schema is hers, the sequence is not
    assert "HIDDEN_SEQ" not in ddl and "create or replace schema" in ddl
    run(admin, "GRANT USAGE ON SEQUENCE SSEQ TO ROLE ANALYST")
    assert "SSEQ" in run(alice, "SELECT GET_DDL('SEQUENCE', 'SSEQ')")[0][0]


def test_a_warehouse_is_used_and_listed_with_a_privilege_only(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "USE WAREHOUSE WH") == 2003
    assert "WH" not in [r[0] for r in run(alice, "SHOW WAREHOUSES")]
    assert errno(alice, "SHOW GRANTS ON WAREHOUSE WH") == 2003
    assert errno(alice, "GRANT USAGE ON WAREHOUSE WH TO ROLE ANALYST") == 2003
    run(admin, "GRANT USAGE ON WAREHOUSE WH TO ROLE ANALYST")
    run(alice, "USE WAREHOUSE WH")
    assert run(alice, "SELECT CURRENT_WAREHOUSE()") == [("WH",)]
    assert [r[0] for r in run(alice, "SHOW WAREHOUSES")] == ["WH"]
    run(alice, "USE WAREHOUSE NEVER_CREATED")  # a name no warehouse has stays the session's own, as before


def test_a_tag_the_role_holds_nothing_on_is_not_dropped_nor_revealed(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "DROP TAG TG") == 2003
    assert errno(alice, "DROP TAG NO_SUCH_TAG") == 2003
    run(admin, "GRANT APPLY ON TAG TG TO ROLE ANALYST")
    assert errno(alice, "DROP TAG TG") == 3001
    assert [r[1] for r in run(admin, "SHOW TAGS")] == ["TG"]


def test_show_schemas_of_an_unseen_database_is_refused(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert errno(alice, "SHOW SCHEMAS IN DATABASE OTHERDB") == 2003
    assert errno(alice, "SHOW SCHEMAS IN DATABASE NO_SUCH_DB") == 2003


@pytest.mark.parametrize("sql", [
    "SELECT * FROM ML.INFORMATION_SCHEMA.TAG_REFERENCES",
    "SELECT * FROM TABLE(ML.INFORMATION_SCHEMA.TAG_REFERENCES('ML.DEV.T'))",
    "SELECT * FROM TABLE(ML.INFORMATION_SCHEMA.TAG_REFERENCES(OBJECT_NAME => 'ML.DEV.T', OBJECT_DOMAIN => 'TABLE'))",
])
def test_information_schema_calls_of_the_wrong_shape_are_a_clear_error(pair: tuple[Connection, Connection],
                                                                       sql: str) -> None:
    admin, _ = pair  # it was DuckDB's message about its own macro
    with pytest.raises(snowreg.NotSupportedError, match="INFORMATION_SCHEMA.TAG_REFERENCES other than"):
        run(admin, sql)


def test_undrop_table_does_not_tell_a_role_of_a_table_it_cannot_see(pair: tuple[Connection, Connection]) -> None:
    """UNDROP TABLE of a name a table holds: 002002 names the table, so only a role that may see it gets it;
    another is told what CREATE TABLE tells it (002003)."""
    admin, alice = pair
    run(admin, "CREATE TABLE SECRET_T (A INT)")
    assert errno(alice, "UNDROP TABLE SECRET_T") == 2003
    assert errno(admin, "UNDROP TABLE SECRET_T") == 2002
    run(admin, "GRANT SELECT ON TABLE SECRET_T TO ROLE ANALYST")
    assert errno(alice, "UNDROP TABLE SECRET_T") == 2002
