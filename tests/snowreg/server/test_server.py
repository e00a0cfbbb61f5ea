"""`snowreg serve` driven over HTTP: the raw protocol, then the unmodified snowflake-connector-python.

The server runs as a user starts it (`python -m snowreg serve --port 0`) over a registry directory that
already holds a model. The raw-protocol tests run in any environment; the connector tests run where the
connector is installed (`.venv-client`, which `.ci/run` creates): in the project environment one test
re-runs this file there.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]  # tests/snowreg/server/ -> the checkout
NODE_SCRIPT = Path(__file__).with_name("node_client.js")  # beside this file
NODE_CLIENT = ROOT / ".node-client"  # `npm install --prefix .node-client snowflake-sdk` (.ci/run does)
HAVE_CONNECTOR = importlib.util.find_spec("snowflake") is not None and \
    importlib.util.find_spec("snowflake.connector") is not None
pytestmark = pytest.mark.slow


# ---------------------------------------------------------------------------------------------
# The server, started as a user would
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry_dir(clf_registry: Callable[..., Path]) -> Path:
    """A registry directory holding model CLF (versions V1, V2) and table DB.PUBLIC.FEATURES."""
    return clf_registry(("V1", "V2"))


@pytest.fixture(scope="module")
def server(registry_dir: Path, serve_command: Any) -> Iterator[str]:
    proc, url = serve_command.start("--db", str(registry_dir), "--database", "DB", "--schema", "PUBLIC")
    yield url
    code, out, err = serve_command.stop(proc)
    assert code == 0, err
    assert out == "" and "Traceback" not in err


# ---------------------------------------------------------------------------------------------
# The raw protocol
# ---------------------------------------------------------------------------------------------


def call(url: str, path: str, body: Any = None, token: str | None = None, method: str = "POST",
         compress: bool = False) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if compress and data is not None:
        data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
    if token is not None:
        headers["Authorization"] = f'Snowflake Token="{token}"'
    request = urllib.request.Request(url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def login(url: str, user: str = "ADMIN", password: str = "admin-pw", query: str = "") -> dict[str, Any]:
    body = {"data": {"LOGIN_NAME": user, "PASSWORD": password, "CLIENT_APP_ID": "raw-http",
                     "SESSION_PARAMETERS": {}}}
    return call(url, "/session/v1/login-request" + query, body, compress=True)[1]


def query(url: str, token: str, sql: str, **extra: Any) -> dict[str, Any]:
    return call(url, "/queries/v1/query-request?requestId=1", {"sqlText": sql, **extra}, token, compress=True)[1]


def test_serve_prints_one_line_and_stops_on_sigint(serve_command: Any) -> None:
    proc, url = serve_command.start()
    assert url.startswith("http://127.0.0.1:")
    code, out, err = serve_command.stop(proc, signal.SIGINT)
    assert (code, out) == (0, "")
    assert "Traceback" not in err


def test_login_answers_tokens_session_and_parameters(server: str) -> None:
    answer = login(server, query="?databaseName=db&schemaName=PUBLIC&roleName=ACCOUNTADMIN&warehouse=WH")
    assert answer["success"] is True
    data = answer["data"]
    assert data["token"] and data["masterToken"] and isinstance(data["sessionId"], int)
    assert data["sessionInfo"] == {"databaseName": "DB", "schemaName": "PUBLIC", "warehouseName": "WH",
                                   "roleName": "ACCOUNTADMIN"}
    # SYSADMIN holds no privilege on DB (ACCOUNTADMIN created it): the session starts without it.
    assert login(server, query="?databaseName=DB&roleName=SYSADMIN")["data"]["sessionInfo"]["databaseName"] is None
    params = {p["name"]: p["value"] for p in data["parameters"]}
    assert params["AUTOCOMMIT"] is True and params["PYTHON_CONNECTOR_QUERY_RESULT_FORMAT"] == "JSON"


def test_login_applies_the_session_parameters_it_is_given(server: str) -> None:
    def with_parameters(params: dict[str, Any]) -> dict[str, Any]:
        body = {"data": {"LOGIN_NAME": "ADMIN", "PASSWORD": "admin-pw", "CLIENT_APP_ID": "raw-http",
                         "SESSION_PARAMETERS": params}}
        return call(server, "/session/v1/login-request", body, compress=True)[1]

    answer = with_parameters({"QUERY_TAG": "at login", "AUTOCOMMIT": False, "CLIENT_PREFETCH_THREADS": 4})
    assert answer["success"] is True
    assert {p["name"]: p["value"] for p in answer["data"]["parameters"]}["AUTOCOMMIT"] is False
    rows = query(server, answer["data"]["token"], "SHOW PARAMETERS LIKE 'QUERY_TAG'")["data"]["rowset"]
    assert rows[0][:2] == ["QUERY_TAG", "at login"]
    refused = with_parameters({"ROWS_PER_RESULTSET": 4})  # not emulated: the login fails rather than ignore it
    assert refused["success"] is False and refused["code"] == "000002"


def test_login_with_a_missing_database_leaves_it_unset(server: str) -> None:
    data = login(server, query="?databaseName=NOPE")["data"]
    assert data["sessionInfo"]["databaseName"] is None


def test_login_uses_a_database_and_schema_named_by_reserved_words(server: str) -> None:
    """The login's USE quotes what it names: a database created as "SELECT" (a reserved word) is set, as are
    names written in lower case (unquoted: upper-cased), in double quotes, or with characters a bare name lacks."""
    token = login(server)["data"]["token"]
    for sql in ('CREATE DATABASE IF NOT EXISTS "SELECT"', 'CREATE SCHEMA IF NOT EXISTS "SELECT"."TABLE"',
                'CREATE DATABASE IF NOT EXISTS "Mixed db"', 'CREATE SCHEMA IF NOT EXISTS "Mixed db"."ORDER"'):
        assert query(server, token, sql)["success"] is True, sql
    for database, schema, expected in (("SELECT", "TABLE", ("SELECT", "TABLE")),
                                       ("select", "table", ("SELECT", "TABLE")),
                                       ('"SELECT"', '"TABLE"', ("SELECT", "TABLE")),
                                       ('"Mixed db"', "order", ("Mixed db", "ORDER")),
                                       ("Mixed db", '"ORDER"', ("Mixed db", "ORDER"))):
        info = login(server, query="?" + urllib.parse.urlencode({"databaseName": database, "schemaName": schema}))
        assert (info["data"]["sessionInfo"]["databaseName"], info["data"]["sessionInfo"]["schemaName"]) == expected


def test_query_json_rowset_rowtype_and_bindings(server: str) -> None:
    token = login(server)["data"]["token"]
    answer = query(server, token, "SELECT ? AS N, :2 AS S, 1.5::NUMBER(5,2) AS D, TRUE AS F, NULL AS Z",
                   bindings={"1": {"type": "FIXED", "value": "7"}, "2": {"type": "TEXT", "value": "it's"}})
    assert answer["success"], answer
    data = answer["data"]
    assert data["rowset"] == [["7", "it's", "1.50", "1", None]]
    assert (data["returned"], data["total"], data["statementTypeId"]) == (1, 1, 0x1000)
    types = [(c["name"], c["type"], c["precision"], c["scale"]) for c in data["rowtype"]]
    assert types[0] == ("N", "fixed", 38, 0) and types[2] == ("D", "fixed", 5, 2)
    assert types[1][:2] == ("S", "text") and types[3][:2] == ("F", "boolean")
    assert (data["finalDatabaseName"], data["finalSchemaName"]) == ("DB", "PUBLIC")


def test_describe_only_types_without_running(server: str) -> None:
    token = login(server)["data"]["token"]
    answer = query(server, token, "SELECT A, B FROM FEATURES", describeOnly=True)
    assert answer["success"], answer
    assert [c["name"] for c in answer["data"]["rowtype"]] == ["A", "B"]
    assert answer["data"]["rowset"] == []


def test_dml_statement_type_and_use_moves_final_schema(server: str) -> None:
    token = login(server)["data"]["token"]
    assert query(server, token, "CREATE OR REPLACE TABLE RAW_T (X INT)")["data"]["statementTypeId"] == 0x6000
    data = query(server, token, "INSERT INTO RAW_T VALUES (1), (2)")["data"]
    assert (data["statementTypeId"], data["rowset"]) == (0x3100, [["2"]])
    query(server, token, "CREATE SCHEMA IF NOT EXISTS OTHER")
    data = query(server, token, "USE SCHEMA OTHER")["data"]
    assert (data["finalDatabaseName"], data["finalSchemaName"]) == ("DB", "OTHER")


def test_errors_carry_code_message_and_sqlstate(server: str) -> None:
    token = login(server)["data"]["token"]
    answer = query(server, token, "SELECT * FROM NOPE")
    assert answer["success"] is False
    assert answer["code"] == "002003" and answer["data"]["errorCode"] == "002003"
    assert answer["data"]["sqlState"] == "42S02" and "does not exist" in answer["message"]
    assert answer["data"]["queryId"]
    syntax = query(server, token, "SELEC 1")
    assert (syntax["code"], syntax["data"]["sqlState"]) == ("001003", "42000")


def test_bad_token_and_logged_out_session_are_refused(server: str) -> None:
    answer = query(server, "not-a-token", "SELECT 1")
    assert (answer["success"], answer["code"]) == (False, "390104")
    token = login(server)["data"]["token"]
    assert call(server, "/session/heartbeat", {}, token)[1]["success"] is True
    assert call(server, "/session?delete=true", {}, token)[1]["success"] is True
    assert query(server, token, "SELECT 1")["code"] == "390104"


def test_token_renewal_replaces_the_session_token(server: str) -> None:
    data = login(server)["data"]
    renewed = call(server, "/session/token-request?requestId=1",
                   {"oldSessionToken": data["token"], "requestType": "RENEW"}, data["masterToken"])[1]
    assert renewed["success"] and renewed["data"]["sessionToken"] != data["token"]
    assert query(server, data["token"], "SELECT 1")["code"] == "390104"
    assert query(server, renewed["data"]["sessionToken"], "SELECT 1")["success"] is True
    bad = call(server, "/session/token-request", {"requestType": "RENEW"}, "nope")[1]
    assert bad["code"] == "390114"


def test_wrong_password_unknown_user_and_role(server: str) -> None:
    token = login(server)["data"]["token"]
    assert query(server, token, "CREATE USER IF NOT EXISTS RAWU PASSWORD = 'secret'")["success"]
    wrong = login(server, "RAWU", "nope")
    assert (wrong["success"], wrong["code"]) == (False, "390100")
    assert wrong["message"] == "Incorrect username or password was specified."
    assert login(server, "NOBODY", "x")["code"] == "390100"
    assert login(server, "RAWU", "secret")["success"] is True
    assert login(server, "RAWU", "secret", "?roleName=ACCOUNTADMIN")["code"] == "390189"
    shown = query(server, token, "SHOW USERS LIKE 'RAWU'")["data"]
    assert "secret" not in json.dumps(shown)


def test_async_query_monitoring_and_result_scan(server: str) -> None:
    token = login(server)["data"]["token"]
    answer = query(server, token, "SELECT COUNT(*) AS N FROM FEATURES", asyncExec=True)
    assert answer["code"] == "333334"
    qid = answer["data"]["queryId"]
    scanned = query(server, token, f"select * from table(result_scan('{qid}'))")
    assert scanned["data"]["rowset"] == [["2"]]
    status = call(server, f"/monitoring/queries/{qid}", token=token, method="GET")[1]
    assert status["data"]["queries"][0]["status"] == "SUCCESS"
    assert call(server, f"/queries/{qid}/result", token=token, method="GET")[1]["data"]["rowset"] == [["2"]]
    assert query(server, token, "CREATE USER IF NOT EXISTS SCANNER PASSWORD = 'pw'")["success"]
    other = login(server, "SCANNER", "pw")["data"]["token"]  # another user never sees this user's results
    assert query(server, other, f"select * from table(result_scan('{qid}'))")["code"] == "000709"


def test_a_slow_statement_does_not_stall_other_sessions(server: str) -> None:
    slow, quick = login(server)["data"]["token"], login(server)["data"]["token"]
    heavy = ("WITH X AS (SELECT SEQ4() AS I FROM TABLE(GENERATOR(ROWCOUNT => 12000))), "
             "Y AS (SELECT SEQ4() AS J FROM TABLE(GENERATOR(ROWCOUNT => 12000))) "
             "SELECT COUNT(*) AS N FROM X, Y WHERE MOD(I * J, 7) = 1")
    qid = query(server, slow, heavy, asyncExec=True)["data"]["queryId"]
    assert query(server, quick, "SELECT 1")["data"]["rowset"] == [["1"]]
    status = call(server, f"/monitoring/queries/{qid}", token=slow, method="GET")[1]
    assert status["data"]["queries"][0]["status"] == "RUNNING"  # still running: SELECT 1 did not wait
    assert call(server, f"/queries/{qid}/result", token=slow, method="GET")[1]["success"] is True


def test_telemetry_abort_and_unknown_endpoints(server: str) -> None:
    token = login(server)["data"]["token"]
    assert call(server, "/telemetry/send", {"logs": []}, token)[1]["success"] is True
    assert call(server, "/queries/v1/abort-request", {"requestId": "x"}, token)[1]["success"] is True
    status, answer = call(server, "/api/v2/statements", {"statement": "SELECT 1"}, token)
    assert status == 404 and answer["success"] is False and "does not support" in answer["message"]


def test_server_directories_stay_out_of_reach(server: str) -> None:
    """A client names its own files: a stage on a server directory is refused, and a PUT only ever
    answers with upload instructions (the server opens no path the client names)."""
    token = login(server)["data"]["token"]
    refused = query(server, token, "CREATE STAGE LEAK URL = 'file:///etc'")
    assert (refused["code"], refused["data"]["sqlState"]) == ("000002", "0A000")
    bound = query(server, token, "CREATE STAGE LEAK URL = ?", bindings={"1": {"type": "TEXT", "value": "file:///"}})
    assert bound["code"] == "000002"
    assert query(server, token, "CREATE STAGE IF NOT EXISTS RAW_ST")["success"]
    data = query(server, token, "PUT file:///etc/hostname @RAW_ST")["data"]
    assert data["command"] == "UPLOAD" and data["src_locations"] == ["/etc/hostname"]
    assert data["stageInfo"]["presignedUrl"].startswith(server + "/snowreg/stage-files/")
    assert query(server, token, "LIST @RAW_ST")["data"]["rowset"] == []
    forged = urllib.request.Request(server + "/snowreg/stage-files/forged/x", data=b"x", method="PUT")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(forged, timeout=30)
    assert e.value.code == 400


def test_registry_sql_over_http(server: str) -> None:
    token = login(server)["data"]["token"]
    models = query(server, token, "SHOW MODELS")["data"]
    names = [c["name"] for c in models["rowtype"]]
    assert [r[names.index("name")] for r in models["rowset"]] == ["CLF"]
    assert query(server, token, "ALTER MODEL CLF SET DEFAULT_VERSION = V2")["success"]
    assert query(server, token, "ALTER MODEL CLF VERSION V1 SET ALIAS = PROD")["success"]
    versions = query(server, token, "SHOW VERSIONS IN MODEL CLF")["data"]
    names = [c["name"] for c in versions["rowtype"]]
    default = {r[names.index("name")]: r[names.index("is_default_version")] for r in versions["rowset"]}
    assert default == {"V1": "0", "V2": "1"}  # a BOOLEAN column: JSON rowsets carry "1" / "0"
    scored = query(server, token, "SELECT CLF!PREDICT(A, B, C):output_feature_0::INT AS P FROM FEATURES ORDER BY A")
    assert scored["success"], scored
    assert scored["data"]["rowset"] == [["0"], ["1"]]


def test_node_snowflake_sdk(server: str) -> None:
    """The Node.js driver with `accessUrl` pointing at the server (it reads JSON rowsets)."""
    node = shutil.which("node")
    if node is None or not (NODE_CLIENT / "node_modules" / "snowflake-sdk").is_dir():
        pytest.skip("no Node.js snowflake-sdk: `npm install --prefix .node-client snowflake-sdk` (.ci/run does)")
    env = {**os.environ, "NODE_PATH": str(NODE_CLIENT / "node_modules"), "NODE_NO_WARNINGS": "1"}
    proc = subprocess.run([node, str(NODE_SCRIPT), server], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["select"] == [{"ONE": 1, "S": "a", "F": 1.5, "B": True, "Z": None}]
    assert out["insert"] == [{"number of rows inserted": 2}]
    assert out["rows"] == [{"ID": 1, "NAME": "x"}, {"ID": 2, "NAME": "y"}]
    assert "CLF" in out["models"]
    assert out["error"] == ["002003", "42S02"]
    assert out["login"] == ["390100", "Incorrect username or password was specified."]


# ---------------------------------------------------------------------------------------------
# The unmodified snowflake-connector-python over HTTP
# ---------------------------------------------------------------------------------------------


def connect(url: str, **kwargs: Any) -> Any:
    import snowflake.connector

    host, port = url.removeprefix("http://").rsplit(":", 1)
    settings = {"user": "ADMIN", "password": "admin-pw", "database": "DB", "schema": "PUBLIC", **kwargs}
    return snowflake.connector.connect(host=host, port=int(port), protocol="http", account="snowreg",
                                       login_timeout=30, network_timeout=60, **settings)


if HAVE_CONNECTOR:
    from snowflake.connector import errors as sf_errors

    def test_connector_ddl_dml_select_and_pandas(server: str) -> None:
        with connect(server) as conn:
            cur = conn.cursor()
            cur.execute("CREATE OR REPLACE TABLE CT (ID INT, NAME VARCHAR, AMOUNT NUMBER(10,2), "
                        "AT TIMESTAMP_NTZ, OK BOOLEAN, DAY DATE, V VARIANT)")
            cur.execute("INSERT INTO CT SELECT 1, 'a', 1.25, '2024-01-02 03:04:05.5'::TIMESTAMP_NTZ, TRUE, "
                        "'2024-01-02'::DATE, PARSE_JSON('{\"k\": [1, 2]}')")
            assert cur.rowcount == 1
            cur.executemany("INSERT INTO CT (ID, NAME) VALUES (%s, %s)", [(2, "b"), (3, None)])
            assert cur.rowcount == 2
            rows = cur.execute("SELECT ID, NAME, AMOUNT, AT, OK, DAY FROM CT ORDER BY ID").fetchall()
            import datetime as dt
            from decimal import Decimal
            assert rows[0] == (1, "a", Decimal("1.25"), dt.datetime(2024, 1, 2, 3, 4, 5, 500000), True,
                               dt.date(2024, 1, 2))
            assert rows[2] == (3, None, None, None, None, None)
            assert [d.name for d in cur.description] == ["ID", "NAME", "AMOUNT", "AT", "OK", "DAY"]
            frame = cur.execute("SELECT ID, NAME, AMOUNT, V FROM CT ORDER BY ID").fetch_pandas_all()
            assert frame["ID"].tolist() == [1, 2, 3] and frame["NAME"].tolist()[:2] == ["a", "b"]
            assert json.loads(frame["V"][0]) == {"k": [1, 2]}
            assert cur.execute("SELECT COUNT(*) FROM CT WHERE ID > %s", (1,)).fetchone() == (2,)
            assert (conn.database, conn.schema) == ("DB", "PUBLIC")

    def test_connector_types_alike_in_arrow_and_json(server: str) -> None:
        import datetime as dt
        from decimal import Decimal

        sql = ("SELECT '2024-01-02 03:04:05'::TIMESTAMP_LTZ AS LTZ, '12:34:56.789'::TIME AS T, "
               "TO_BINARY('abcd', 'HEX') AS B, '1969-12-31'::DATE AS D, "
               "12345678901234567890123::NUMBER(38,0) AS BIG, -1.5::NUMBER(10,3) AS DEC, 2.5::FLOAT AS F, "
               "FALSE AS NO, NULL AS Z")
        got = {}
        for fmt in ("ARROW", "JSON"):
            with connect(server, session_parameters={"PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": fmt}) as conn:
                got[fmt] = conn.cursor().execute(sql).fetchone()
        assert got["ARROW"][1:] == (dt.time(12, 34, 56, 789000), bytearray(b"\xab\xcd"), dt.date(1969, 12, 31),
                                    12345678901234567890123, Decimal("-1.500"), 2.5, False, None)
        assert got["ARROW"] == got["JSON"]
        # A TIMESTAMP_LTZ literal reads in the session's TIMEZONE, America/Los_Angeles by default (UTC-8).
        assert got["ARROW"][0] == dt.datetime(2024, 1, 2, 11, 4, 5, tzinfo=dt.UTC)

    def test_connector_time_columns_as_snowreg_gives_them(server: str) -> None:
        """Times and timestamps travel with their column's scale, so the connector reads each in the unit Snowflake's
        would: TIME(9) (TIME's default) in microseconds (its CArrowTableIterator truncates TIME past scale 6:
        Python's time has no nanoseconds), TIME(3) in milliseconds, TIMESTAMP_NTZ(3) in milliseconds, in Arrow
        and JSON alike, and snowreg's own cursor gives the same types and values (DECISIONS.md W37)."""
        import pyarrow as pa

        import snowreg

        sql = ("SELECT '12:34:56.123456789'::TIME(9) AS T9, '01:02:03'::TIME AS T, '12:34:56.123'::TIME(3) AS T3, "
               "'12:34:56'::TIME(0) AS T0, '2024-01-01 12:34:56.123456789'::TIMESTAMP_NTZ AS N9, "
               "'2024-01-01 12:34:56.123'::TIMESTAMP_NTZ(3) AS N3, '1960-06-01 01:02:03.456'::TIMESTAMP_NTZ(3) AS OLD, "
               "'2024-01-01 12:34:56'::TIMESTAMP_LTZ(0) AS L0")
        rows = {}
        for fmt in ("ARROW", "JSON"):
            with connect(server, session_parameters={"PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": fmt}) as conn:
                cur = conn.cursor()
                rows[fmt] = cur.execute(sql).fetchall()
                scales = [d.scale for d in cur.description]
                if fmt == "ARROW":
                    real = cur.execute(sql).fetch_arrow_all()
        with snowreg.connect() as own_conn:
            own_cur = own_conn.cursor()
            own = own_cur.execute(sql).fetch_arrow_all()
            own_rows = own_cur.execute(sql).fetchall()
        assert scales == [d[5] for d in own_cur.description] == [9, 9, 3, 0, 9, 3, 3, 0]
        assert real.schema.types == own.schema.types
        assert own.schema.types[:4] == [pa.time64("us"), pa.time64("us"), pa.time32("ms"), pa.time32("s")]
        assert own.schema.types[5:7] == [pa.timestamp("ms")] * 2
        assert real.to_pylist() == own.to_pylist()
        assert rows["ARROW"] == rows["JSON"] == own_rows

    def test_connector_qmark_bindings_and_describe(server: str) -> None:
        with connect(server, paramstyle="qmark") as conn:
            cur = conn.cursor()
            cur.execute("CREATE OR REPLACE TABLE QT (ID INT, NAME VARCHAR)")
            cur.executemany("INSERT INTO QT VALUES (?, ?)", [(i, f"n{i}") for i in range(50)])
            assert cur.rowcount == 50
            assert cur.execute("SELECT NAME FROM QT WHERE ID = ?", (7,)).fetchall() == [("n7",)]
            assert [d.name for d in cur.describe("SELECT ID, NAME FROM QT")] == ["ID", "NAME"]

    def test_connector_errors_and_passwords(server: str) -> None:
        with connect(server) as conn:
            cur = conn.cursor()
            with pytest.raises(sf_errors.ProgrammingError) as e:
                cur.execute("SELECT * FROM MISSING_TABLE")
            assert (e.value.errno, e.value.sqlstate) == (2003, "42S02") and e.value.sfqid
            cur.execute("CREATE USER IF NOT EXISTS ALICE PASSWORD = 'wonder'")
        with pytest.raises(sf_errors.DatabaseError) as e:
            connect(server, user="ALICE", password="wrong")
        assert (e.value.errno, e.value.sqlstate) == (390100, "28000")
        with connect(server, user="alice", password="wonder") as alice:
            assert alice.cursor().execute("SELECT CURRENT_USER(), CURRENT_ROLE()").fetchone() == ("ALICE", "PUBLIC")
            with pytest.raises(sf_errors.ProgrammingError) as e:  # PUBLIC holds nothing on the model
                alice.cursor().execute("SHOW VERSIONS IN MODEL DB.PUBLIC.CLF")
            assert e.value.errno == 2003

    def test_connector_async_and_results_by_query_id(server: str) -> None:
        with connect(server) as conn:
            cur = conn.cursor()
            qid = cur.execute_async("SELECT COUNT(*) FROM FEATURES")["queryId"]
            cur.get_results_from_sfqid(qid)
            assert cur.fetchall() == [(2,)]
            assert conn.get_query_status(qid).name == "SUCCESS"

    def test_connector_registry_sql(server: str) -> None:
        with connect(server) as conn:
            cur = conn.cursor()
            names = [r[1] for r in cur.execute("SHOW MODELS").fetchall()]
            assert "CLF" in names
            cur.execute("ALTER MODEL CLF SET COMMENT = 'served'")
            comments = {r[1]: r for r in cur.execute("SHOW MODELS LIKE 'CLF'").fetchall()}
            assert "served" in comments["CLF"]
            out = cur.execute("SELECT CLF!PREDICT(A, B, C) AS P FROM FEATURES ORDER BY A").fetchall()
            assert [json.loads(p)["output_feature_0"] for (p,) in out] == [0, 1]

    def test_connector_transactions(server: str) -> None:
        """The connector's autocommit / commit / rollback, and SYSTEM$ABORT_TRANSACTION, DESCRIBE TRANSACTION and
        TRANSACTION_ABORT_ON_ERROR across two of its sessions (https://docs.snowflake.com/en/sql-reference/transactions)."""
        with connect(server, autocommit=False) as conn, connect(server) as other:
            cur = conn.cursor()
            cur.execute("CREATE OR REPLACE TABLE TXN_T (I INT)")
            cur.execute("INSERT INTO TXN_T VALUES (1)")
            conn.rollback()
            cur.execute("INSERT INTO TXN_T VALUES (2)")
            conn.commit()
            assert cur.execute("SELECT I FROM TXN_T").fetchall() == [(2,)]
            conn.autocommit(True)
            cur.execute("BEGIN NAME PROBE")
            cur.execute("INSERT INTO TXN_T VALUES (3)")
            txn = cur.execute("SELECT CURRENT_TRANSACTION()").fetchone()[0]
            assert other.cursor().execute(f"SELECT SYSTEM$ABORT_TRANSACTION({txn})").fetchall() == \
                [(f"Aborted transaction id: {txn}",)]
            assert other.cursor().execute(f"DESCRIBE TRANSACTION {txn}").fetchone()[3:6:2] == ("PROBE", "rolled back")
            assert cur.execute("SELECT COUNT(*), CURRENT_TRANSACTION() FROM TXN_T").fetchall() == [(1, None)]
            cur.execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
            cur.execute("BEGIN")
            with pytest.raises(sf_errors.ProgrammingError):
                cur.execute("INSERT INTO TXN_T VALUES ('x')")
            with pytest.raises(sf_errors.ProgrammingError, match="was aborted"):
                cur.execute("SELECT 1")
            conn.rollback()
            assert cur.execute("SELECT COUNT(*) FROM TXN_T").fetchone() == (1,)

    def test_connector_put_and_get_through_presigned_urls(server: str, tmp_path: Path) -> None:
        source = tmp_path / "in"
        source.mkdir()
        for name in ("a.csv", "b.csv"):
            (source / name).write_text(f"{name},1\n")
        with connect(server) as conn:
            cur = conn.cursor()
            cur.execute("CREATE STAGE IF NOT EXISTS FILES")
            put = cur.execute(f"PUT file://{source}/*.csv @FILES/dir OVERWRITE = TRUE").fetchall()
            assert sorted((r[0], r[1], r[6]) for r in put) == [("a.csv", "a.csv.gz", "UPLOADED"),
                                                              ("b.csv", "b.csv.gz", "UPLOADED")]
            listed = sorted(r[0] for r in cur.execute("LIST @FILES").fetchall())
            assert listed == ["files/dir/a.csv.gz", "files/dir/b.csv.gz"]
            out = tmp_path / "out"
            out.mkdir()  # the driver itself refuses a missing directory (253005), as against Snowflake
            got = cur.execute(f"GET @FILES/dir file://{out}/ PATTERN = '.*a.*'").fetchall()
            assert [(r[0], r[2]) for r in got] == [("a.csv.gz", "DOWNLOADED")]
            import gzip as gz
            assert gz.decompress((out / "a.csv.gz").read_bytes()) == b"a.csv,1\n"
            cur.execute("CREATE USER IF NOT EXISTS BOB PASSWORD = 'b'")
        with connect(server, user="BOB", password="b") as bob:  # PUBLIC holds nothing on the stage
            with pytest.raises(sf_errors.ProgrammingError) as e:
                bob.cursor().execute(f"GET @DB.PUBLIC.FILES file://{out}/")
            assert e.value.errno == 2003

    def test_snowflake_ml_registry_over_the_network(server: str, tmp_path: Path) -> None:
        """The unmodified snowflake-ml-python Registry on a Snowpark session to the server."""
        pytest.importorskip("snowflake.ml")
        import numpy as np
        import pandas as pd
        from sklearn.linear_model import LogisticRegression
        from snowflake.ml.registry import Registry
        from snowflake.snowpark import Session

        host, port = server.removeprefix("http://").rsplit(":", 1)
        session = Session.builder.configs({"host": host, "port": int(port), "protocol": "http",
                                           "account": "snowreg", "user": "ADMIN", "password": "admin-pw",
                                           "database": "DB", "schema": "PUBLIC"}).create()
        try:
            X = pd.DataFrame(np.random.default_rng(3).normal(size=(40, 3)), columns=["A", "B", "C"])
            clf = LogisticRegression().fit(X, (X["A"] > 0).astype(int))
            reg = Registry(session=session)
            mv = reg.log_model(clf, model_name="NET", version_name="V1", sample_input_data=X.head(5))
            out = mv.run(X, function_name="predict")
            assert out["output_feature_0"].tolist() == clf.predict(X).tolist()
            mv2 = reg.log_model(clf, model_name="NET", version_name="V2", sample_input_data=X.head(5))
            model = reg.get_model("NET")
            model.default = mv2
            assert model.default.version_name == "V2"
            assert sorted(v.version_name for v in model.versions()) == ["V1", "V2"]
            # one file: GET writes every file under its bare name, and a version holds two conda.yml
            # (env/ and runtimes/cpu/env/), which the connector would download to one path at once
            got = session.sql(f"GET 'snow://model/DB.PUBLIC.NET/versions/V1/MANIFEST.yml' 'file://{tmp_path}/'"
                              ).collect()
            assert "MANIFEST.yml" in {r[0] for r in got}
            assert (tmp_path / "MANIFEST.yml").read_text().startswith("manifest_version")
        finally:
            session.close()

    def test_connector_renews_an_expired_session_token() -> None:
        """A session token past its validity is 390112; the connector renews it with the master token
        and the statement goes through (a server started in-process with one-second sessions)."""
        import time

        import snowreg.server

        served = snowreg.server.start(database="DB", schema="PUBLIC", session_seconds=1, admin_password="admin-pw")
        thread = threading.Thread(target=served.serve_forever, daemon=True)
        thread.start()
        try:
            with connect(served.url) as conn:
                cur = conn.cursor()
                assert cur.execute("SELECT 1").fetchone() == (1,)
                before = conn.rest.token
                time.sleep(1.5)
                assert cur.execute("SELECT 2").fetchone() == (2,)
                assert conn.rest.token != before
        finally:
            served.stop()
            thread.join(timeout=10)

    def test_sixteen_concurrent_clients(server: str) -> None:
        failures: list[BaseException] = []
        results: list[Any] = []

        def client() -> None:
            try:
                with connect(server) as conn:
                    for _ in range(5):
                        results.append(conn.cursor().execute("SELECT 1").fetchone())
            except BaseException as e:  # noqa: BLE001 - collected and reported below
                failures.append(e)

        threads = [threading.Thread(target=client) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not failures, failures[:3]
        assert results == [(1,)] * 80
else:
    @pytest.mark.parametrize("venv", [".venv-client", ".venv-client5"])  # the connector 4.x, and 5.x
    def test_real_connector_in_its_environment(rerun_in_client: Callable[..., None], venv: str) -> None:
        """Re-run this file with a client environment's interpreter (CI creates both)."""
        rerun_in_client(__file__, "connector or concurrent or network", timeout=300, venv=venv)
