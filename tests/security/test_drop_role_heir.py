"""DROP ROLE hands everything the dropped role owned to the role that drops it, of every kind snowreg keeps:
no object, and no object kept for UNDROP, is left owned by a role that no longer exists.

https://docs.snowflake.com/en/sql-reference/sql/drop-role ("Ownership of any objects owned by the dropped role
is transferred to the role that executes the DROP ROLE command"; conformance/DECISIONS.md W32).
"""

from __future__ import annotations

from typing import Any

import snowreg
from snowreg.dbapi import Connection

OBJECTS = [
    "CREATE WAREHOUSE rwh", "CREATE DATABASE rd", "CREATE SCHEMA rd.s", "USE SCHEMA rd.s",
    "CREATE TABLE t (id INT)", "CREATE TABLE gone (id INT)", "DROP TABLE gone", "CREATE VIEW v AS SELECT id FROM t",
    "CREATE SEQUENCE q", "CREATE STREAM st ON TABLE t", "CREATE STAGE stg", "CREATE FILE FORMAT ff TYPE = CSV",
    "CREATE TAG tg", "CREATE FUNCTION f(x INT) RETURNS INT AS 'x + 1'",
    "CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN 1; END'",
    "CREATE TASK tk WAREHOUSE = rwh AS SELECT 1", "CREATE TASK dropped_task WAREHOUSE = rwh AS SELECT 1",
    "DROP TASK dropped_task", "CREATE MATERIALIZED VIEW mv AS SELECT id FROM t",
    "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = rwh AS SELECT id FROM t",
    "CREATE SCHEMA rd.gone_schema", "DROP SCHEMA rd.gone_schema", "CREATE ROLE sub", "CREATE USER bob",
    "GRANT ROLE sub TO USER bob",
]


def owned_by(admin: Connection, role: str) -> list[tuple[str, str]]:
    """Every registry row naming `role` as an owner, grantee or grantor, by table and column."""
    store: Any = admin._catalog.store
    columns = store.query("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
                          "'snowreg' AND column_name IN ('owner', 'grantee', 'granted_by')")
    found = []
    for table, column in columns:
        if store.query(f'SELECT count(*) FROM snowreg."{table}" WHERE "{column}" = ?', [role])[0][0]:
            found.append((table, column))
    return sorted(found)


def test_nothing_is_left_owned_by_a_dropped_role() -> None:
    admin = snowreg.connect()
    for sql in ["CREATE ROLE r", "GRANT CREATE DATABASE, CREATE WAREHOUSE, CREATE ROLE, CREATE USER, EXECUTE TASK "
                "ON ACCOUNT TO ROLE r", "CREATE USER alice DEFAULT_ROLE = r", "GRANT ROLE r TO USER alice"]:
        admin.cursor().execute(sql)
    alice = Connection(admin._catalog, user="ALICE")
    for sql in OBJECTS:
        alice.cursor().execute(sql)
    assert owned_by(admin, "R")  # what the check below reads does name owners
    alice.close()
    admin.cursor().execute("DROP ROLE r")
    left = owned_by(admin, "R")
    assert left == [], left
    cur = admin.cursor()
    assert cur.execute("SHOW WAREHOUSES LIKE 'RWH'").fetchall()[0][[d[0] for d in cur.description].index("owner")] \
        == "ACCOUNTADMIN"
    assert cur.execute("SHOW FILE FORMATS IN SCHEMA rd.s").fetchall()[0][
        [d[0] for d in cur.description].index("owner")] == "ACCOUNTADMIN"
    cur.execute("USE SCHEMA rd.s")
    cur.execute("UNDROP TASK dropped_task")  # the heir owns what was dropped too
    assert cur.execute("SHOW TASKS LIKE 'DROPPED_TASK'").fetchall()[0][
        [d[0] for d in cur.description].index("owner")] == "ACCOUNTADMIN"
    cur.execute("UNDROP TABLE gone")
    assert cur.execute("SHOW TABLES LIKE 'GONE'").fetchall()[0][[d[0] for d in cur.description].index("owner")] \
        == "ACCOUNTADMIN"
