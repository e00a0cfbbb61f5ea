"""SYSTEM$CANCEL_QUERY over `snowreg serve`: one session cancels another's running statement by its id.

"Cancels the specified query (or statement) if it is currently active/running. A user can cancel their own
running SQL operations using this SQL function. Canceling running operations executed by another user
requires a role with [...] ACCOUNTADMIN role." (https://docs.snowflake.com/en/sql-reference/functions/system_cancel_query)
What it returns for a statement that is not running is not documented: see conformance/DECISIONS.md.
"""

from __future__ import annotations

import time

import pytest

import snowreg
from snowreg.remote import RemoteConnection

# Minutes of DuckDB work: only a working cancel ends it within the tests' time limits.
HEAVY = ("WITH X AS (SELECT SEQ4() AS I FROM TABLE(GENERATOR(ROWCOUNT => 200000))), "
         "Y AS (SELECT SEQ4() AS J FROM TABLE(GENERATOR(ROWCOUNT => 200000))) "
         "SELECT COUNT(*) AS N FROM X, Y WHERE MOD(I * J, 7) = 1")
NOT_RUNNING = "Identified SQL statement is not currently executing."
pytestmark = pytest.mark.slow


def running(conn: RemoteConnection, qid: str) -> bool:
    deadline = time.monotonic() + 30
    while conn.get_query_status(qid).name != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    return bool(conn.get_query_status(qid).name == "RUNNING")


def cancel(conn: RemoteConnection, qid: str) -> str:
    return str(conn.cursor().execute(f"SELECT SYSTEM$CANCEL_QUERY('{qid}')").fetchone()[0])


def test_a_session_cancels_its_users_running_statement(server: str) -> None:
    with snowreg.connect(server=server, password="admin-pw") as busy, snowreg.connect(server=server, password="admin-pw") as other:
        cur = busy.cursor()
        qid = cur.execute_async(HEAVY)["queryId"]
        assert running(busy, qid)
        assert cancel(other, qid) == f"query [{qid}] terminated."
        with pytest.raises(snowreg.OperationalError) as e:
            cur.get_results_from_sfqid(qid)
            cur.fetchall()
        assert (e.value.errno, e.value.sqlstate) == (604, "57014")
        assert cancel(other, qid) == NOT_RUNNING  # over: nothing left to cancel
        assert cur.execute("SELECT 1").fetchone() == (1,)


def test_another_users_statement_needs_accountadmin(server: str) -> None:
    with snowreg.connect(server=server, password="admin-pw") as admin:
        admin.cursor().execute("CREATE USER IF NOT EXISTS TRUDY PASSWORD = 't'")
        with snowreg.connect(server=server, user="TRUDY", password="t") as trudy:
            qid = trudy.cursor().execute_async(HEAVY)["queryId"]
            assert running(trudy, qid)
            admin.cursor().execute("CREATE USER IF NOT EXISTS MALLORY PASSWORD = 'm'")
            with snowreg.connect(server=server, user="MALLORY", password="m") as mallory:
                assert mallory.role != "ACCOUNTADMIN"
                assert cancel(mallory, qid) == NOT_RUNNING
            assert trudy.get_query_status(qid).name == "RUNNING"
            assert admin.role == "ACCOUNTADMIN"
            assert cancel(admin, qid) == f"query [{qid}] terminated."


def test_unknown_ids_and_in_process_sessions(server: str) -> None:
    with snowreg.connect(server=server, password="admin-pw") as remote:
        assert cancel(remote, "01b2c3d4-0000-0000-0000-000000000000") == NOT_RUNNING
    with snowreg.connect() as conn:  # in process a statement is over before its id is known
        assert conn.cursor().execute("SELECT SYSTEM$CANCEL_QUERY('x')").fetchone() == (NOT_RUNNING,)
        with pytest.raises(snowreg.ProgrammingError):
            conn.cursor().execute("SELECT SYSTEM$CANCEL_QUERY()")
