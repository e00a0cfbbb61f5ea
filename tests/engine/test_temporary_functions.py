"""CREATE TEMPORARY FUNCTION: "temporary … only exists for the duration of the session … not visible to other
sessions" (https://docs.snowflake.com/en/sql-reference/sql/create-function, the TEMP | TEMPORARY parameter). It is
what Snowpark's `udf()` / `@udf` registers by default (conformance/DECISIONS.md K60)."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.dbapi import Connection

PY = ("CREATE {kind} FUNCTION d.public.plus_one(x INT) RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION=3.11 VOLATILE "
      "PACKAGES=('cloudpickle>=2.0') HANDLER='compute' AS $$\ndef compute(x):\n    return x + 1\n$$")


@pytest.fixture
def owner() -> Connection:
    conn = snowreg.connect()
    conn.cursor().execute("CREATE DATABASE d")
    return conn


def test_a_temporary_function_runs_in_its_session(owner: Connection) -> None:
    cur = owner.cursor()
    cur.execute(PY.format(kind="TEMPORARY"))
    cur.execute("CREATE OR REPLACE TEMP FUNCTION d.public.twice(x NUMBER) RETURNS NUMBER AS 'x * 2'")
    assert cur.execute("SELECT d.public.plus_one(1), d.public.twice(4)").fetchall() == [(2, 8)]
    names = [r[1] for r in cur.execute("SHOW USER FUNCTIONS IN SCHEMA d.public").fetchall()]
    assert names == ["PLUS_ONE", "TWICE"]


def test_another_session_does_not_see_it(owner: Connection) -> None:
    owner.cursor().execute(PY.format(kind="TEMPORARY"))
    other = Connection(owner._catalog).cursor()
    with pytest.raises(snowreg.ProgrammingError) as caught:
        other.execute("SELECT d.public.plus_one(1)")
    assert caught.value.errno == 2140
    assert other.execute("SHOW USER FUNCTIONS IN SCHEMA d.public").fetchall() == []
    assert other.execute("SELECT COUNT(*) FROM d.information_schema.functions").fetchall() == [(0,)]
    for sql in ("DROP FUNCTION d.public.plus_one(INT)", "GRANT USAGE ON FUNCTION d.public.plus_one(INT) TO ROLE public",
                "SHOW GRANTS ON FUNCTION d.public.plus_one(INT)", "DESCRIBE FUNCTION d.public.plus_one(INT)"):
        with pytest.raises(snowreg.ProgrammingError) as hidden:
            other.execute(sql)
        assert hidden.value.errno == 2003, sql


def test_listings_of_other_sessions_leave_it_out(owner: Connection) -> None:
    owner.cursor().execute(PY.format(kind="TEMPORARY"))
    owner.cursor().execute("CREATE TEMPORARY PROCEDURE d.public.tmp_p() RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN 1; END'")
    other = Connection(owner._catalog).cursor()
    for sql in ("SELECT GET_DDL('SCHEMA', 'd.public')", "SELECT GET_DDL('DATABASE', 'd')",
                "SHOW GRANTS TO ROLE accountadmin"):
        shown = str(other.execute(sql).fetchall()).upper()
        assert "PLUS_ONE" not in shown and "TMP_P" not in shown, sql
    assert "PLUS_ONE" in str(owner.cursor().execute("SHOW GRANTS TO ROLE accountadmin").fetchall())


def test_it_goes_when_its_session_closes(owner: Connection) -> None:
    first = Connection(owner._catalog)
    first.cursor().execute(PY.format(kind="TEMPORARY"))
    first.close()
    cur = owner.cursor()
    assert cur.execute("SHOW USER FUNCTIONS IN SCHEMA d.public").fetchall() == []
    cur.execute(PY.format(kind=""))  # the name is free again
    assert Connection(owner._catalog).cursor().execute("SELECT d.public.plus_one(9)").fetchall() == [(10,)]


def test_a_temporary_procedure_is_its_sessions_too(owner: Connection) -> None:
    """What Snowpark's @sproc registers (K65): a function and a procedure of one signature stay apart."""
    first = Connection(owner._catalog)
    cur = first.cursor()
    cur.execute("CREATE TEMPORARY PROCEDURE d.public.p(x INT) RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN x * 10; END'")
    cur.execute("CREATE TEMPORARY FUNCTION d.public.p(x INT) RETURNS INT AS 'x + 1'")
    assert cur.execute("CALL d.public.p(4)").fetchall() == [(40,)]
    assert cur.execute("SELECT d.public.p(4)").fetchall() == [(5,)]
    other = owner.cursor()
    with pytest.raises(snowreg.ProgrammingError) as caught:
        other.execute("CALL d.public.p(4)")
    assert caught.value.errno == 2140
    assert other.execute("SHOW PROCEDURES IN SCHEMA d.public").fetchall() == []
    first.close()
    assert other.execute("SHOW USER PROCEDURES IN SCHEMA d.public").fetchall() == []
    other.execute("CREATE PROCEDURE d.public.p(x INT) RETURNS INT LANGUAGE SQL AS 'BEGIN RETURN x; END'")
    assert other.execute("CALL d.public.p(4)").fetchall() == [(4,)]


def test_the_default_artifact_repository_is_unset(owner: Connection) -> None:
    """SYSTEM$GET_DEFAULT_PYTHON_ARTIFACT_REPOSITORY, which Snowpark asks before it registers a function: NULL,
    "never set", so it takes its default repository without logging a failed query (K68)."""
    cur = owner.cursor()
    cur.execute("SELECT SYSTEM$GET_DEFAULT_PYTHON_ARTIFACT_REPOSITORY('3.11', 'schema', '\"PUBLIC\"')")
    assert cur.fetchall() == [(None,)]


def test_a_temporary_function_left_by_a_session_that_is_gone_is_replaced(owner: Connection) -> None:
    """A persistent registry whose process ended without closing the session keeps the row, seen by no one: a new
    function of its signature takes its place (K60)."""
    first = Connection(owner._catalog)
    first.cursor().execute(PY.format(kind="TEMPORARY"))
    owner._catalog.temporary_routines.clear()  # as after a restart: no live session holds it
    cur = owner.cursor()
    cur.execute("CREATE FUNCTION d.public.plus_one(x INT) RETURNS INT AS 'x + 100'")
    assert cur.execute("SELECT d.public.plus_one(1)").fetchall() == [(101,)]
    first.close()  # the row it made is not its own any more: the new function stays
    assert owner.cursor().execute("SELECT d.public.plus_one(1)").fetchall() == [(101,)]
