"""ALTER DATABASE / ALTER SCHEMA SET / UNSET COMMENT and a schema's ENABLE / DISABLE MANAGED ACCESS (DECISIONS.md
S62): they were refused as not supported; the other forms stay refused by name, and a refused or failed
statement changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection
from snowreg.errors import Error


@pytest.fixture
def conn() -> Connection:
    c = snowreg.connect(database="DB", schema="PUBLIC")
    c.cursor().execute("CREATE SCHEMA s")
    return c


def _schema(conn: Connection, name: str = "S") -> dict[str, Any]:
    cur = conn.cursor().execute(f"SHOW SCHEMAS LIKE '{name}' IN DATABASE DB")
    names = [d[0] for d in cur.description]
    (row,) = cur.fetchall()
    return dict(zip(names, row, strict=True))


def _errno(conn: Connection, sql: str) -> int:
    with pytest.raises(Error) as e:
        conn.cursor().execute(sql)
    return e.value.errno


def test_set_and_unset_comment_with_retention_in_one_statement(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("ALTER SCHEMA s SET DATA_RETENTION_TIME_IN_DAYS = 0 COMMENT = 'it''s the schema'")
    row = _schema(conn)
    assert (row["comment"], row["retention_time"]) == ("it's the schema", 0)
    cur.execute("ALTER SCHEMA s UNSET COMMENT, DATA_RETENTION_TIME_IN_DAYS")
    row = _schema(conn)
    assert (row["comment"], row["retention_time"]) == ("", 1)
    cur.execute("ALTER DATABASE DB SET COMMENT = $$the database$$")
    assert cur.execute("SELECT comment FROM INFORMATION_SCHEMA.DATABASES WHERE database_name = 'DB'").fetchall() \
        == [("the database",)]


def test_managed_access_is_switched_by_the_owner(conn: Connection) -> None:
    conn.cursor().execute("ALTER SCHEMA s ENABLE MANAGED ACCESS")
    assert _schema(conn)["options"] == "MANAGED ACCESS"
    conn.cursor().execute("ALTER SCHEMA s DISABLE MANAGED ACCESS")
    assert _schema(conn)["options"] == ""
    assert _errno(conn, "ALTER DATABASE DB ENABLE MANAGED ACCESS") == 1003  # not in ALTER DATABASE's syntax


def test_a_role_that_does_not_own_the_schema_changes_nothing(conn: Connection) -> None:
    cur = conn.cursor()
    for sql in ("CREATE ROLE user_r", "GRANT USAGE ON DATABASE DB TO ROLE user_r",
                "GRANT USAGE ON SCHEMA DB.S TO ROLE user_r", "GRANT ROLE user_r TO USER ADMIN",
                "CREATE ROLE granter", "GRANT MANAGE GRANTS ON ACCOUNT TO ROLE granter",
                "GRANT USAGE ON DATABASE DB TO ROLE granter", "GRANT ROLE granter TO USER ADMIN"):
        cur.execute(sql)
    cur.execute("USE ROLE user_r")
    assert _errno(conn, "ALTER SCHEMA DB.S SET COMMENT = 'x'") == 3001
    assert _errno(conn, "ALTER SCHEMA DB.S ENABLE MANAGED ACCESS") == 3001
    cur.execute("USE ROLE granter")  # MANAGE GRANTS switches managed access, but sets no comment
    cur.execute("ALTER SCHEMA DB.S ENABLE MANAGED ACCESS")
    assert _errno(conn, "ALTER SCHEMA DB.S SET COMMENT = 'x'") == 3001
    cur.execute("USE ROLE ACCOUNTADMIN")
    row = _schema(conn)
    assert (row["comment"], row["options"]) == ("", "MANAGED ACCESS")


@pytest.mark.parametrize(("sql", "errno"), [
    ("ALTER SCHEMA s RENAME TO s2", 2), ("ALTER SCHEMA s SWAP WITH PUBLIC", 2), ("ALTER SCHEMA s SET TAG t = 'v'", 2003),
    ("ALTER SCHEMA s SET MAX_DATA_EXTENSION_TIME_IN_DAYS = 3 COMMENT = 'x'", 2),
    ("ALTER SCHEMA s SET COMMENT = 'x' DEFAULT_DDL_COLLATION = 'en'", 2),
    ("ALTER SCHEMA s SET COMMENT = 'x' DATA_RETENTION_TIME_IN_DAYS = 5", 2),
    ("ALTER SCHEMA s SET COMMENT = nope", 1003), ("ALTER SCHEMA nope SET COMMENT = 'x'", 2003),
    ("ALTER DATABASE nope SET COMMENT = 'x'", 2003)])
def test_refused_or_failing_forms_change_nothing(conn: Connection, sql: str, errno: int) -> None:
    assert _errno(conn, sql) == errno
    row = _schema(conn)
    assert (row["comment"], row["retention_time"]) == ("", 1)


def test_if_exists_of_a_missing_schema_succeeds(conn: Connection) -> None:
    conn.cursor().execute("ALTER SCHEMA IF EXISTS nope SET COMMENT = 'x'")
    conn.cursor().execute("ALTER DATABASE IF EXISTS nope UNSET COMMENT")
