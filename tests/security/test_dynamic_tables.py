"""Dynamic tables and privileges: CREATE DYNAMIC TABLE on the schema; SELECT to read one, OPERATE (or OWNERSHIP)
to refresh, suspend or resume it, OWNERSHIP to change or drop it; its refresh reads with its owner's privileges.

https://docs.snowflake.com/en/user-guide/dynamic-tables-privileges
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (s INT)", "INSERT INTO ML.DEV.SECRET VALUES (1)",
    "CREATE DYNAMIC TABLE ML.DEV.DT TARGET_LAG = '1 hour' WAREHOUSE = wh AS SELECT s FROM ML.DEV.SECRET",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
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


def test_unseen_dynamic_table_is_missing_on_every_path(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert run(alice, "SHOW DYNAMIC TABLES") == []
    for sql in ("SELECT * FROM DT", "ALTER DYNAMIC TABLE DT REFRESH", "ALTER DYNAMIC TABLE DT SUSPEND",
                "DROP DYNAMIC TABLE DT", "DESC DYNAMIC TABLE DT", "GRANT SELECT ON DYNAMIC TABLE DT TO ROLE ANALYST"):
        assert errno(alice, sql) == 2003, sql


def test_operate_refreshes_with_the_owners_privileges(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "GRANT SELECT, OPERATE ON DYNAMIC TABLE ML.DEV.DT TO ROLE ANALYST")
    assert run(alice, "SELECT s FROM DT") == [(1,)]
    run(admin, "INSERT INTO ML.DEV.SECRET VALUES (2)")
    run(alice, "ALTER DYNAMIC TABLE DT REFRESH")  # reads SECRET as the owner, which ALICE cannot
    assert sorted(run(alice, "SELECT s FROM DT")) == [(1,), (2,)]
    assert errno(alice, "SELECT * FROM SECRET") == 2003
    run(alice, "ALTER DYNAMIC TABLE DT SUSPEND")
    for sql in ("ALTER DYNAMIC TABLE DT SET TARGET_LAG = '2 hours'", "DROP DYNAMIC TABLE DT",
                "ALTER DYNAMIC TABLE DT RENAME TO DT2"):
        assert errno(alice, sql) == 3001, sql
    assert errno(alice, "INSERT INTO DT VALUES (9)") == 2000  # nobody writes a dynamic table but its refresh
    assert errno(admin, "GRANT INSERT ON DYNAMIC TABLE ML.DEV.DT TO ROLE ANALYST") == 2000  # not a privilege of one


def test_create_needs_the_schema_privilege_and_the_creators_select(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    sql = "CREATE DYNAMIC TABLE MINE TARGET_LAG = '1 hour' WAREHOUSE = wh AS SELECT s FROM SECRET"
    assert errno(alice, sql) == 3001
    run(admin, "GRANT CREATE DYNAMIC TABLE ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert errno(alice, sql) == 2003  # no SELECT on SECRET
    assert run(admin, "SHOW DYNAMIC TABLES LIKE 'MINE' IN SCHEMA ML.DEV") == []
