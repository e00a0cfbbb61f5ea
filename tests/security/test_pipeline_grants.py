"""Privileges on tasks, materialized views and dynamic tables appear wherever other objects' do:
INFORMATION_SCHEMA.OBJECT_PRIVILEGES, SHOW GRANTS ON / TO ROLE and explain_access.

https://docs.snowflake.com/en/sql-reference/info-schema/object_privileges, https://docs.snowflake.com/en/sql-reference/
sql/show-grants; DECISIONS.md Q10, Q21, Q27, Q32.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.T (a INT)", "CREATE TASK ML.DEV.FILL AS INSERT INTO ML.DEV.T VALUES (1)",
    "CREATE MATERIALIZED VIEW ML.DEV.MV AS SELECT a FROM ML.DEV.T",
    "CREATE DYNAMIC TABLE ML.DEV.DT TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT a FROM ML.DEV.T",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT MONITOR ON TASK ML.DEV.FILL TO ROLE ANALYST", "GRANT SELECT ON VIEW ML.DEV.MV TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.DT TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]
PRIVILEGES = ("SELECT object_name, privilege_type FROM ML.INFORMATION_SCHEMA.OBJECT_PRIVILEGES "
              "WHERE object_schema = 'DEV' ORDER BY 1, 2")


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def test_object_privileges_list_the_grants_of_tasks_and_their_owners(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert run(alice, PRIVILEGES) == [("DT", "OWNERSHIP"), ("DT", "SELECT"), ("FILL", "MONITOR"), ("FILL", "OWNERSHIP"),
                                      ("MV", "OWNERSHIP"), ("MV", "SELECT")]
    rows = run(admin, PRIVILEGES)
    assert ("FILL", "OWNERSHIP") in rows and ("MV", "OWNERSHIP") in rows and ("DT", "OWNERSHIP") in rows


def test_show_grants_to_role_lists_task_ownership(pair: tuple[Connection, Connection]) -> None:
    admin, _ = pair
    rows = [(r[1], r[2], r[3]) for r in run(admin, "SHOW GRANTS TO ROLE ACCOUNTADMIN")]
    assert ("OWNERSHIP", "TASK", "ML.DEV.FILL") in rows
    assert ("OWNERSHIP", "VIEW", "ML.DEV.MV") in rows and ("OWNERSHIP", "TABLE", "ML.DEV.DT") in rows
    granted = [(r[1], r[2], r[3]) for r in run(admin, "SHOW GRANTS TO ROLE ANALYST")]
    assert {("MONITOR", "TASK", "ML.DEV.FILL"), ("SELECT", "VIEW", "ML.DEV.MV"),
            ("SELECT", "TABLE", "ML.DEV.DT")} <= set(granted)


def test_explain_access_answers_for_tasks_materialized_views_and_dynamic_tables(
        pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    monitor = snowreg.explain_access(alice, "TASK ML.DEV.FILL", "MONITOR")
    assert monitor and "MONITOR held by ANALYST" in str(monitor)
    operate = snowreg.explain_access(alice, "TASK ML.DEV.FILL", "OPERATE")
    assert not operate and operate.outcome.startswith("003001")
    assert snowreg.explain_access(alice, "VIEW ML.DEV.MV", "SELECT")
    assert snowreg.explain_access(alice, "TABLE ML.DEV.DT", "SELECT")
    assert not snowreg.explain_access(alice, "TABLE ML.DEV.DT", "OPERATE")


def test_clone_of_a_schema_holding_a_task_the_role_cannot_see_is_refused(pair: tuple[Connection, Connection]) -> None:
    """As for tables and views (DECISIONS.md L4, Q30): a clone would copy a task the role holds nothing on."""
    admin, alice = pair
    for sql in ("CREATE SCHEMA ML.SRC", "CREATE TASK ML.SRC.HIDDEN AS SELECT 1",
                "GRANT USAGE ON SCHEMA ML.SRC TO ROLE ANALYST", "GRANT CREATE SCHEMA ON DATABASE ML TO ROLE ANALYST"):
        run(admin, sql)
    with pytest.raises(snowreg.Error) as info:
        run(alice, "CREATE SCHEMA ML.COPY CLONE ML.SRC")
    assert info.value.errno == 2 and "task" in info.value.msg
    assert [r[1] for r in run(admin, "SHOW SCHEMAS IN DATABASE ML") if r[1] == "COPY"] == []
    run(admin, "GRANT MONITOR ON TASK ML.SRC.HIDDEN TO ROLE ANALYST")
    run(alice, "CREATE SCHEMA ML.COPY CLONE ML.SRC")
    assert [(r[1], r[5]) for r in run(alice, "SHOW TASKS IN SCHEMA ML.COPY")] == [("HIDDEN", "ACCOUNTADMIN")]


def test_show_grants_to_role_lists_every_kind_of_object_it_owns(pair: tuple[Connection, Connection]) -> None:
    """Each object a role creates shows as an OWNERSHIP row (functions and procedures by signature, in the
    form of their USAGE grants); DECISIONS.md Q40."""
    admin, alice = pair
    for sql in ("CREATE SCHEMA ML.OWN", "GRANT OWNERSHIP ON SCHEMA ML.OWN TO ROLE ANALYST",
                "GRANT CREATE WAREHOUSE ON ACCOUNT TO ROLE ANALYST"):
        run(admin, sql)
    for sql in ("CREATE FUNCTION ML.OWN.F(a NUMBER) RETURNS NUMBER AS 'a + 1'",
                "CREATE PROCEDURE ML.OWN.P(x VARCHAR) RETURNS INT LANGUAGE SQL AS $$BEGIN RETURN 1; END$$",
                "CREATE TABLE ML.OWN.T (a INT)", "CREATE STREAM ML.OWN.TS ON TABLE ML.OWN.T",
                "CREATE FILE FORMAT ML.OWN.CSVF TYPE = CSV", "CREATE STAGE ML.OWN.ST", "CREATE SEQUENCE ML.OWN.SEQ",
                "CREATE TASK ML.OWN.TK WAREHOUSE = wh AS SELECT 1", "CREATE WAREHOUSE AWH"):
        run(alice, sql)
    run(admin, "GRANT USAGE ON FUNCTION ML.OWN.F(NUMBER) TO ROLE PUBLIC")
    owned = {(r[2], r[3]) for r in run(admin, "SHOW GRANTS TO ROLE ANALYST") if r[1] == "OWNERSHIP"}
    assert owned >= {("SCHEMA", "ML.OWN"), ("FUNCTION", 'ML.OWN."F(NUMBER)"'), ("PROCEDURE", 'ML.OWN."P(VARCHAR)"'),
                     ("TABLE", "ML.OWN.T"), ("STREAM", "ML.OWN.TS"), ("FILE_FORMAT", "ML.OWN.CSVF"),
                     ("STAGE", "ML.OWN.ST"), ("SEQUENCE", "ML.OWN.SEQ"), ("TASK", "ML.OWN.TK"),
                     ("WAREHOUSE", "AWH")}
    usage = [r[3] for r in run(admin, "SHOW GRANTS TO ROLE PUBLIC") if r[2] == "FUNCTION"]
    assert usage == ['ML.OWN."F(NUMBER)"']
    assert all(r[0] is not None and r[4:] == ("ROLE", "ANALYST", "true", "ANALYST")
               for r in run(alice, "SHOW GRANTS TO ROLE ANALYST") if r[1] == "OWNERSHIP")


def test_another_sessions_temporary_objects_are_not_in_show_grants(pair: tuple[Connection, Connection]) -> None:
    """A temporary stage or file format is its session's own: SHOW GRANTS TO ROLE lists its OWNERSHIP in that
    session only, never its name to another one (DECISIONS.md Q43)."""
    admin, alice = pair
    for sql in ("CREATE SCHEMA ML.OWN", "GRANT OWNERSHIP ON SCHEMA ML.OWN TO ROLE ANALYST",
                "GRANT ROLE ANALYST TO ROLE SYSADMIN"):
        run(admin, sql)
    for sql in ("CREATE TEMPORARY FILE FORMAT ML.OWN.TMPF TYPE = CSV", "CREATE TEMPORARY STAGE ML.OWN.TMPST",
                "CREATE FILE FORMAT ML.OWN.KEPT TYPE = CSV"):
        run(alice, sql)

    def owned(conn: Connection) -> set[str]:
        return {r[3] for r in run(conn, "SHOW GRANTS TO ROLE ANALYST") if r[1] == "OWNERSHIP"}

    assert {"ML.OWN.TMPF", "ML.OWN.TMPST", "ML.OWN.KEPT"} <= owned(alice)
    assert "ML.OWN.KEPT" in owned(admin)
    assert not {"ML.OWN.TMPF", "ML.OWN.TMPST"} & owned(admin)
