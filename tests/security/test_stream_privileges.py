"""Table streams and privileges: querying a stream needs SELECT on the stream and on its source table;
CREATE STREAM needs CREATE STREAM on the schema and SELECT on the table; DROP / ALTER need OWNERSHIP; a role
holding nothing on a stream is told it does not exist, in SELECT, SHOW STREAMS, DESCRIBE and
SYSTEM$STREAM_HAS_DATA alike.

https://docs.snowflake.com/en/user-guide/streams-intro (access control requirements),
https://docs.snowflake.com/en/user-guide/security-access-control-privileges (stream: SELECT, OWNERSHIP).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.SRC (ID INT, V VARCHAR)", "CREATE STREAM ML.DEV.SRC_CHANGES ON TABLE ML.DEV.SRC",
    "INSERT INTO ML.DEV.SRC VALUES (1, 'a')", "CREATE ROLE ANALYST",
    "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
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


def test_a_role_without_privileges_does_not_see_the_stream(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert errno(alice, "SELECT * FROM ML.DEV.SRC_CHANGES") == 2003
    assert errno(alice, "DESCRIBE STREAM ML.DEV.SRC_CHANGES") == 2003
    assert errno(alice, "SELECT SYSTEM$STREAM_HAS_DATA('ML.DEV.SRC_CHANGES')") == 2003
    assert errno(alice, "DROP STREAM ML.DEV.SRC_CHANGES") == 2003
    assert run(alice, "SHOW STREAMS IN SCHEMA ML.DEV") == []


def test_select_on_the_stream_needs_select_on_the_table_too(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT SELECT ON STREAM ML.DEV.SRC_CHANGES TO ROLE ANALYST")
    assert [r[1] for r in run(alice, "SHOW STREAMS IN SCHEMA ML.DEV")] == ["SRC_CHANGES"]
    assert errno(alice, "SELECT * FROM ML.DEV.SRC_CHANGES") == 2003  # the table is invisible to it
    run(admin, "GRANT SELECT ON TABLE ML.DEV.SRC TO ROLE ANALYST")
    assert [r[:3] for r in run(alice, "SELECT * FROM ML.DEV.SRC_CHANGES")] == [(1, "a", "INSERT")]
    assert errno(alice, "DROP STREAM ML.DEV.SRC_CHANGES") == 3001  # seen, not owned
    assert errno(alice, "ALTER STREAM ML.DEV.SRC_CHANGES SET COMMENT = 'x'") == 3001


def test_create_stream_needs_the_schema_privilege_and_select_on_the_table(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "CREATE STREAM ML.DEV.MINE ON TABLE ML.DEV.SRC") == 3001
    run(admin, "GRANT CREATE STREAM ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert errno(alice, "CREATE STREAM ML.DEV.MINE ON TABLE ML.DEV.SRC") == 2003
    run(admin, "GRANT SELECT ON TABLE ML.DEV.SRC TO ROLE ANALYST")
    run(alice, "CREATE STREAM ML.DEV.MINE ON TABLE ML.DEV.SRC")
    assert [r[4] for r in run(alice, "SHOW STREAMS LIKE 'MINE' IN SCHEMA ML.DEV")] == ["ANALYST"]
    run(alice, "DROP STREAM ML.DEV.MINE")


def test_ownership_moves_and_shows_once(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT OWNERSHIP ON STREAM ML.DEV.SRC_CHANGES TO ROLE ANALYST")
    grants = run(admin, "SHOW GRANTS ON STREAM ML.DEV.SRC_CHANGES")
    assert [(r[1], r[5]) for r in grants] == [("OWNERSHIP", "ANALYST")]
    assert errno(alice, "SELECT * FROM ML.DEV.SRC_CHANGES") == 2003  # the owner still needs the table
    run(admin, "GRANT SELECT ON TABLE ML.DEV.SRC TO ROLE ANALYST")
    assert len(run(alice, "SELECT * FROM ML.DEV.SRC_CHANGES")) == 1
    run(alice, "ALTER STREAM ML.DEV.SRC_CHANGES SET COMMENT = 'mine'")
    run(alice, "DROP STREAM ML.DEV.SRC_CHANGES")
    assert run(admin, "SHOW STREAMS IN SCHEMA ML.DEV") == []


def test_a_view_over_a_stream_is_refused(pair: tuple[Connection, Connection]) -> None:
    admin, _ = pair
    with pytest.raises(snowreg.NotSupportedError):
        run(admin, "CREATE VIEW ML.DEV.V AS SELECT * FROM ML.DEV.SRC_CHANGES")


def test_get_ddl_of_a_stream_needs_a_privilege_on_it(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "SELECT GET_DDL('STREAM', 'ML.DEV.SRC_CHANGES')") == 2003
    assert "SRC_CHANGES" not in run(alice, "SELECT GET_DDL('SCHEMA', 'ML.DEV')")[0][0]
    run(admin, "GRANT SELECT ON STREAM ML.DEV.SRC_CHANGES TO ROLE ANALYST")
    assert run(alice, "SELECT GET_DDL('STREAM', 'ML.DEV.SRC_CHANGES')")[0][0].startswith(
        "create or replace stream SRC_CHANGES on table ML.DEV.SRC")


def test_all_and_future_streams_grants_need_the_granting_authority(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "GRANT SELECT ON FUTURE STREAMS IN SCHEMA ML.DEV TO ROLE ANALYST") == 3001
    run(alice, "GRANT SELECT ON ALL STREAMS IN SCHEMA ML.DEV TO ROLE ANALYST")  # none it may grant: nothing happens
    assert errno(alice, "SELECT * FROM ML.DEV.SRC_CHANGES") == 2003
    run(admin, "GRANT SELECT ON FUTURE STREAMS IN SCHEMA ML.DEV TO ROLE ANALYST")
    run(admin, "CREATE STREAM ML.DEV.LATER ON TABLE ML.DEV.SRC")
    assert errno(alice, "SELECT * FROM ML.DEV.SRC_CHANGES") == 2003
    assert errno(alice, "SELECT * FROM ML.DEV.LATER") == 2003  # SELECT on the stream, not on its table (W18)
    run(admin, "GRANT SELECT ON TABLE ML.DEV.SRC TO ROLE ANALYST")
    assert run(alice, "SELECT ID FROM ML.DEV.LATER") == []
