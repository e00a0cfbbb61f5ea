"""Cancelling statements: `Connection.cancel`, abort requests to `snowreg serve` (by request id and by
query id, as the drivers send them), the clients' timeouts, and a server stopped by SIGTERM.

A cancelled statement fails with Snowflake's 000604 "SQL execution canceled" (sqlstate 57014) and the
session goes on; a stopping server answers every request and loses nothing of a `--db` registry.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import snowreg
import snowreg.server

ROOT = Path(__file__).resolve().parents[3]  # tests/snowreg/server/ -> the checkout
HAVE_CONNECTOR = importlib.util.find_spec("snowflake") is not None and \
    importlib.util.find_spec("snowflake.connector") is not None
# Minutes of DuckDB work: only a working cancel ends it within the tests' time limits.
HEAVY = ("WITH X AS (SELECT SEQ4() AS I FROM TABLE(GENERATOR(ROWCOUNT => 200000))), "
         "Y AS (SELECT SEQ4() AS J FROM TABLE(GENERATOR(ROWCOUNT => 200000))) "
         "SELECT COUNT(*) AS N FROM X, Y WHERE MOD(I * J, 7) = 1")
pytestmark = pytest.mark.slow


def post(url: str, body: Any, token: str | None = None, method: str = "POST") -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if token:
        headers["Authorization"] = f'Snowflake Token="{token}"'
    data = None if body is None else gzip.compress(json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return dict(json.loads(response.read()))


def login(url: str, user: str = "ADMIN", password: str = "admin-pw") -> str:
    body = {"data": {"LOGIN_NAME": user, "PASSWORD": password, "CLIENT_APP_ID": "raw-http"}}
    return str(post(url + "/session/v1/login-request", body)["data"]["token"])


def status(url: str, token: str, qid: str) -> dict[str, Any]:
    return dict(post(f"{url}/monitoring/queries/{qid}", None, token, "GET")["data"]["queries"][0])


def wait_status(url: str, token: str, qid: str, want: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (entry := status(url, token, qid))["status"] != want and time.monotonic() < deadline:
        time.sleep(0.1)
    return entry


def test_connection_cancel_in_process() -> None:
    with snowreg.connect() as conn:
        threading.Timer(0.5, conn.cancel).start()
        started = time.monotonic()
        with pytest.raises(snowreg.OperationalError) as e:
            conn.cursor().execute(HEAVY)
        assert (e.value.errno, e.value.sqlstate, e.value.msg) == (604, "57014", "SQL execution canceled")
        assert time.monotonic() - started < 30
        assert conn.cursor().execute("SELECT 1").fetchone() == (1,)  # the session goes on


class Slow:
    """A custom model that takes its time on every batch, counting its calls."""

    calls = 0

    def predict(self, df: Any) -> Any:
        import pandas as pd

        type(self).calls += 1
        time.sleep(0.3)
        return pd.DataFrame({"Y": df["A"]})


def test_cancel_stops_model_calls_between_batches() -> None:
    """A joined call runs per vector (2048 rows) in a UDF: 60,000 rows are ~30 calls of 0.3 s; a cancel
    after a second stops them at the next vector."""
    pd = pytest.importorskip("pandas")
    with snowreg.connect(database="DB", schema="S") as conn:
        snowreg.Registry(conn).log_model(Slow(), model_name="SLOW", version_name="V1",
                                         sample_input_data=pd.DataFrame({"A": [1.0, 2.0]}))
        cur = conn.cursor()
        cur.execute("CREATE TABLE T AS SELECT SEQ4() AS ID, SEQ4() * 1.0 AS A FROM TABLE(GENERATOR(ROWCOUNT => 60000))")
        Slow.calls = 0
        threading.Timer(1.0, conn.cancel).start()
        with pytest.raises(snowreg.OperationalError) as e:
            cur.execute("SELECT SLOW!PREDICT(U.A):Y::FLOAT AS Y FROM T JOIN T U ON T.ID = U.ID")
        assert (e.value.errno, e.value.sqlstate) == (604, "57014")
        assert 0 < Slow.calls < 20  # stopped well before the last vector
        assert cur.execute("SELECT COUNT(*) FROM T").fetchone() == (60000,)


def test_abort_by_request_id_cancels_the_running_statement(server: str) -> None:
    token = login(server)
    request_id = str(uuid.uuid4())
    answers: list[dict[str, Any]] = []
    query = threading.Thread(target=lambda: answers.append(
        post(f"{server}/queries/v1/query-request?requestId={request_id}", {"sqlText": HEAVY}, token)))
    query.start()
    time.sleep(1)
    assert post(server + "/queries/v1/abort-request", {"sqlText": HEAVY, "requestId": request_id}, token)["success"]
    query.join(timeout=60)
    assert answers and answers[0]["success"] is False
    assert (answers[0]["code"], answers[0]["message"], answers[0]["data"]["sqlState"]) == \
        ("000604", "SQL execution canceled", "57014")
    again = post(f"{server}/queries/v1/query-request?requestId={uuid.uuid4()}", {"sqlText": "SELECT 1"}, token)
    assert again["data"]["rowset"] == [["1"]]


def test_abort_by_query_id_and_only_by_its_user(server: str) -> None:
    token = login(server)
    post(server + "/queries/v1/query-request", {"sqlText": "CREATE USER IF NOT EXISTS MALLORY PASSWORD = 'm'"}, token)
    qid = post(server + "/queries/v1/query-request", {"sqlText": HEAVY, "asyncExec": True}, token)["data"]["queryId"]
    wait_status(server, token, qid, "RUNNING")
    other = login(server, "MALLORY", "m")
    post(f"{server}/queries/{qid}/abort-request", {}, other)  # not hers: nothing happens
    time.sleep(0.5)
    assert status(server, token, qid)["status"] == "RUNNING"
    assert post(f"{server}/queries/{qid}/abort-request", {}, token)["success"]
    entry = wait_status(server, token, qid, "FAILED_WITH_ERROR")
    assert (entry["status"], entry["errorCode"], entry["errorMessage"]) == \
        ("FAILED_WITH_ERROR", "000604", "SQL execution canceled")


def test_snowreg_client_timeout_cancels_on_the_server(server: str) -> None:
    with snowreg.connect(server=server, password="admin-pw") as conn:
        cur = conn.cursor()
        with pytest.raises(snowreg.OperationalError) as e:
            cur.execute(HEAVY, timeout=1)
        assert (e.value.errno, e.value.sqlstate) == (604, "57014") and e.value.sfqid
        assert cur.execute("SELECT 2").fetchone() == (2,)


def test_sigterm_cancels_running_statements_and_keeps_the_registry(tmp_path: Path) -> None:
    def start() -> tuple[subprocess.Popen[str], str]:
        proc = subprocess.Popen([sys.executable, "-m", "snowreg", "serve", "--port", "0", "--db", str(tmp_path),
                                 "--database", "DB", "--schema", "PUBLIC", "--grace", "1"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        return proc, proc.stdout.readline().split(" on ", 1)[1].strip()

    proc, url = start()
    errors: list[BaseException] = []
    with snowreg.connect(server=url, password="admin-pw", database="DB", schema="PUBLIC") as conn:
        conn.cursor().execute("CREATE TABLE KEPT (X INT)")
        conn.cursor().execute("INSERT INTO KEPT VALUES (1), (2)")

        def run() -> None:
            try:
                conn.cursor().execute(HEAVY)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        worker = threading.Thread(target=run)
        worker.start()
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        worker.join(timeout=60)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err, err
    assert errors and isinstance(errors[0], snowreg.OperationalError) and errors[0].errno == 604
    proc, url = start()
    try:
        with snowreg.connect(server=url, password="admin-pw", database="DB", schema="PUBLIC") as conn:
            assert conn.cursor().execute("SELECT SUM(X) FROM KEPT").fetchone() == (3,)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert proc.returncode == 0


if HAVE_CONNECTOR:
    def test_connector_timeout_and_abort_query(server: str) -> None:
        import snowflake.connector
        from snowflake.connector import errors as sf_errors

        host, port = server.removeprefix("http://").rsplit(":", 1)
        settings = {"host": host, "port": int(port), "protocol": "http", "account": "snowreg", "user": "ADMIN",
                    "password": "admin-pw", "database": "DB", "schema": "PUBLIC"}
        if snowflake.connector.__version__.startswith("5."):
            # The connector 5.x has no `execute(timeout=)` (it swallows the argument); its `query_timeout`
            # gives up on the query with its own error (it applies to every query of the connection, so
            # nothing else runs on this one: a loaded machine may take longer to cancel).
            with snowflake.connector.connect(**settings, query_timeout=1) as conn:
                with pytest.raises(sf_errors.OperationalError) as timed_out:
                    conn.cursor().execute(HEAVY)
                assert (timed_out.value.errno, timed_out.value.sqlstate) == (14, "HYT00")
        with snowflake.connector.connect(**settings) as conn:
            cur = conn.cursor()
            if not snowflake.connector.__version__.startswith("5."):
                with pytest.raises(sf_errors.ProgrammingError) as e:
                    cur.execute(HEAVY, timeout=1)  # the connector posts abort-request with the query's requestId
                assert (e.value.errno, e.value.sqlstate) == (604, "57014")
                assert "SQL execution canceled" in e.value.msg
            qid = cur.execute_async(HEAVY)["queryId"]
            time.sleep(0.5)
            assert cur.abort_query(qid) is True
            deadline = time.monotonic() + 60
            while conn.is_still_running(conn.get_query_status(qid)) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert conn.get_query_status(qid).name == "FAILED_WITH_ERROR"
            assert cur.execute("SELECT 3").fetchone() == (3,)
else:
    @pytest.mark.parametrize("venv", [".venv-client", ".venv-client5"])  # the connector 4.x, and 5.x
    def test_real_connector_in_its_environment(rerun_in_client: Callable[..., None], venv: str) -> None:
        """Re-run this file with a client environment's interpreter (CI creates both)."""
        rerun_in_client(__file__, "connector", timeout=600, venv=venv)
