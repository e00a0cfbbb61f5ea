"""Materialized views and privileges: CREATE MATERIALIZED VIEW on the schema to make one, SELECT on it to read
it, OWNERSHIP to alter or drop it; a role holding nothing on it is told it does not exist, on every path.

https://docs.snowflake.com/en/user-guide/security-access-control-privileges (schema: CREATE MATERIALIZED VIEW;
materialized view: SELECT, OWNERSHIP).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.T (a INT)", "INSERT INTO ML.DEV.T VALUES (1)",
    "CREATE MATERIALIZED VIEW ML.DEV.MV AS SELECT a FROM ML.DEV.T", "CREATE ROLE ANALYST",
    "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.T TO ROLE ANALYST", "GRANT CREATE VIEW ON SCHEMA ML.DEV TO ROLE ANALYST",
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


def test_unseen_materialized_view_is_missing_on_every_path(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "SELECT * FROM MV") == 2003
    assert run(alice, "SHOW MATERIALIZED VIEWS") == []
    assert run(alice, "SHOW VIEWS") == []
    assert run(alice, "SELECT table_name FROM ML.INFORMATION_SCHEMA.TABLES WHERE table_name = 'MV'") == []
    for sql in ("ALTER MATERIALIZED VIEW MV SUSPEND", "DROP MATERIALIZED VIEW MV", "DESC MATERIALIZED VIEW MV",
                "SELECT GET_DDL('VIEW', 'MV')"):
        assert errno(alice, sql) == 2003, sql
    run(admin, "GRANT SELECT ON MATERIALIZED VIEW ML.DEV.MV TO ROLE ANALYST")
    assert run(alice, "SELECT * FROM MV") == [(1,)]
    assert [r[1] for r in run(alice, "SHOW MATERIALIZED VIEWS")] == ["MV"]
    for sql in ("ALTER MATERIALIZED VIEW MV SUSPEND", "ALTER MATERIALIZED VIEW MV RENAME TO MV2",
                "DROP MATERIALIZED VIEW MV"):  # SELECT is not OWNERSHIP
        assert errno(alice, sql) == 3001, sql
    assert run(admin, "SELECT * FROM ML.DEV.MV") == [(1,)]  # nothing changed


def test_create_needs_create_materialized_view_not_create_view(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert errno(alice, "CREATE MATERIALIZED VIEW MINE AS SELECT a FROM T") == 3001
    assert run(admin, "SHOW MATERIALIZED VIEWS LIKE 'MINE' IN SCHEMA ML.DEV") == []
    run(admin, "GRANT CREATE MATERIALIZED VIEW ON SCHEMA ML.DEV TO ROLE ANALYST")
    run(alice, "CREATE MATERIALIZED VIEW MINE AS SELECT a FROM T")
    run(alice, "ALTER MATERIALIZED VIEW MINE SUSPEND")  # its owner
    assert [r[13] for r in run(admin, "SHOW MATERIALIZED VIEWS LIKE 'MINE' IN SCHEMA ML.DEV")] == ["ANALYST"]


def test_base_table_is_read_with_the_creators_privileges(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "CREATE TABLE ML.DEV.SECRET (s INT)")
    run(admin, "GRANT CREATE MATERIALIZED VIEW ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert errno(alice, "CREATE MATERIALIZED VIEW PEEK AS SELECT s FROM SECRET") == 2003
    assert run(admin, "SHOW MATERIALIZED VIEWS LIKE 'PEEK' IN SCHEMA ML.DEV") == []
