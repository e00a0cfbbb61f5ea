"""Who may run a Python stored procedure, and with whose rights its handler's Session works.

ADMIN owns ML.DEV.SECRET (42) and the procedures; ALICE's role ANALYST may use ML and ML.DEV but holds nothing
on SECRET. https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-rights: an
owner's-rights procedure runs with its owner's privileges and may not change or read the caller's session;
a caller's-rights one has exactly the caller's.
"""

from __future__ import annotations

import builtins
import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


HAVE_SNOWPARK = _have("snowflake.snowpark")
needs_snowpark = pytest.mark.skipif(not HAVE_SNOWPARK, reason="re-run in the client environment")

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)", "CREATE ROLE ANALYST",
    "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]


def proc(name: str, code: str, returns: str = "VARCHAR", rights: str = "OWNER") -> str:
    return (f"CREATE OR REPLACE PROCEDURE ML.DEV.{name}() RETURNS {returns} LANGUAGE PYTHON RUNTIME_VERSION = '3.12' "
            f"PACKAGES = ('snowflake-snowpark-python') HANDLER = 'run' EXECUTE AS {rights} AS $$\n{code}\n$$")


READ_SECRET = "def run(session):\n    return str(session.sql('SELECT MAX(x) FROM ML.DEV.SECRET').collect()[0][0])"


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def refused(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return info.value


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def test_a_role_without_usage_cannot_call_describe_or_see_it(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("OWNED", READ_SECRET))
    e = refused(alice, "CALL ML.DEV.OWNED()")
    assert e.errno == 2140 and "Unknown function OWNED" in e.msg  # as for a name that does not exist
    assert refused(alice, "DESCRIBE PROCEDURE ML.DEV.OWNED()").errno == 2003
    assert refused(alice, "SELECT GET_DDL('PROCEDURE', 'ML.DEV.OWNED()')").errno == 2003
    assert run(alice, "SHOW PROCEDURES IN SCHEMA ML.DEV") == []
    assert run(alice, "SELECT * FROM ML.INFORMATION_SCHEMA.PROCEDURES") == []


@needs_snowpark
def test_owners_rights_read_what_the_owner_may_and_leave_nothing_to_the_caller(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("OWNED", "def run(session):\n    cur = session.connection.cursor()\n"
                    "    cur.execute('SELECT MAX(x) FROM ML.DEV.SECRET')\n    return cur.sfqid"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.OWNED() TO ROLE ANALYST")
    assert refused(alice, "SELECT * FROM ML.DEV.SECRET").errno == 2003
    inner = run(alice, "CALL ML.DEV.OWNED()")[0][0]  # the id of the statement the owner's rights read
    assert alice.session.role == "ANALYST"
    assert run(alice, "SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))") == [(inner,)]  # the CALL's own result
    e = refused(alice, f"SELECT * FROM TABLE(RESULT_SCAN('{inner}'))")  # never the caller's to read (J21)
    assert e.errno == 709 and "42" not in e.msg.replace(inner, "")


@needs_snowpark
def test_callers_rights_cannot_exceed_the_caller(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("MINE", READ_SECRET, rights="CALLER"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.MINE() TO ROLE ANALYST")
    assert run(admin, "CALL ML.DEV.MINE()") == [("42",)]
    e = refused(alice, "CALL ML.DEV.MINE()")
    assert e.errno == 100357 and "SECRET" in e.msg and "does not exist or not authorized" in e.msg
    run(admin, "ALTER PROCEDURE ML.DEV.MINE() EXECUTE AS OWNER")
    assert run(alice, "CALL ML.DEV.MINE()") == [("42",)]


@needs_snowpark
@pytest.mark.parametrize(("statement", "kind"), [
    ("USE ROLE ACCOUNTADMIN", "USE"), ("ALTER SESSION SET TIMEZONE = 'UTC'", "ALTER_SESSION"), ("SET v = 1", "SET"),
])
def test_owners_rights_may_not_change_the_callers_session(pair: tuple[Connection, Connection], statement: str,
                                                           kind: str) -> None:
    admin, alice = pair
    run(admin, proc("CHANGER", f"def run(session):\n    session.sql(\"{statement}\").collect()\n    return 'done'"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.CHANGER() TO ROLE ANALYST")
    e = refused(alice, "CALL ML.DEV.CHANGER()")
    assert f"Unsupported statement type '{kind}'" in e.msg
    assert alice.session.role == "ANALYST" and run(alice, "SELECT CURRENT_ROLE()") == [("ANALYST",)]
    assert "V" not in alice.session.variables


@needs_snowpark
def test_owners_rights_do_not_read_the_callers_variables(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("READER", "def run(session):\n    return str(session.sql('SELECT $mine').collect())"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.READER() TO ROLE ANALYST")
    run(alice, "SET mine = 'private'")
    e = refused(alice, "CALL ML.DEV.READER()")
    assert "private" not in e.msg and "$MINE" in e.msg


@needs_snowpark
def test_a_session_the_handler_keeps_runs_nothing_after_the_call(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("KEEPER", "import builtins\ndef run(session):\n    builtins._snowreg_kept = session\n"
                    "    return 'kept'"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.KEEPER() TO ROLE ANALYST")
    try:
        assert run(alice, "CALL ML.DEV.KEEPER()") == [("kept",)]
        kept = builtins._snowreg_kept  # type: ignore[attr-defined]
        with pytest.raises(Exception) as info:
            kept.sql("SELECT MAX(x) FROM ML.DEV.SECRET").collect()
        assert "42" not in str(info.value)
    finally:
        builtins.__dict__.pop("_snowreg_kept", None)


@needs_snowpark
def test_the_role_is_back_after_a_failing_handler(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, proc("FAILS", "def run(session):\n    session.sql('SELECT 1').collect()\n    raise RuntimeError('x')"))
    run(admin, "GRANT USAGE ON PROCEDURE ML.DEV.FAILS() TO ROLE ANALYST")
    assert refused(alice, "CALL ML.DEV.FAILS()").errno == 100357
    assert alice.session.role == "ANALYST"
    assert refused(alice, "SELECT * FROM ML.DEV.SECRET").errno == 2003


if not HAVE_SNOWPARK:
    def test_python_procedure_rights_in_client_environment(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file where Snowpark is installed."""
        rerun_in_client(__file__, timeout=300)
