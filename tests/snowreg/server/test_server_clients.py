"""Real clients against `snowreg serve`, each from its own environment, started as a user starts them.

`.ci/run` installs each client into its own environment beside the checkout: the connector 5.x in
`.venv-client5` (with snowreg, `.[client5-tests]`; these checks do not use it), the `snow` CLI
(snowflake-cli) in `.venv-snowcli`, dbt-snowflake in `.venv-dbt`.
A test is skipped (with the command that installs it) only where that environment is missing. One
server (`python -m snowreg serve --port 0`) serves the whole module, over a registry directory that
already holds model CLF and table DB.PUBLIC.FEATURES; every client process has a timeout.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
CLIENTS = Path(__file__).resolve().parent / "clients"
CLIENT_TIMEOUT = 300  # seconds for one client process; each finishes in well under a minute
pytestmark = pytest.mark.slow


def client_tool(venv: str, tool: str, install: str) -> Path:
    """The executable `tool` of the environment `venv`, or a skip saying how `.ci/run` makes it."""
    path = ROOT / venv / "bin" / tool
    if not path.exists():
        pytest.skip(f"no {venv}: `python3 -m venv {venv} && {venv}/bin/pip install {install}` (.ci/run does)")
    return path


def client_env(**extra: str) -> dict[str, str]:
    """The environment of a client process: ours without pytest's and this virtualenv's variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "VIRTUAL_ENV"}
    # the connector 5.x's core would ask the EC2 metadata service (off this machine) for AWS credentials
    return {**env, "AWS_EC2_METADATA_DISABLED": "true", **extra}


def run_client(args: list[str | Path], env: dict[str, str], cwd: Path = ROOT,
               expect: int = 0) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    assert proc.returncode == expect, f"{args[:3]} exited {proc.returncode}:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    return proc


# ---------------------------------------------------------------------------------------------
# The server, started as a user would, and a raw-HTTP look at what the clients left behind
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def registry_dir(clf_registry: Callable[..., Path]) -> Path:
    """A registry directory holding model CLF (version V1) and table DB.PUBLIC.FEATURES."""
    return clf_registry()


@pytest.fixture(scope="module")
def server(registry_dir: Path, serve_command: Any) -> Iterator[str]:
    """`python -m snowreg serve --port 0 --db DIR`; its URL from the one line it prints."""
    proc, url = serve_command.start("--db", str(registry_dir), "--database", "DB", "--schema", "PUBLIC")
    yield url
    code, _, err = serve_command.stop(proc)
    assert code == 0 and "Traceback" not in err, err[-3000:]


def post(url: str, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if token:
        headers["Authorization"] = f'Snowflake Token="{token}"'
    request = urllib.request.Request(url + path, data=gzip.compress(json.dumps(body).encode()), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def served_rows(url: str, sql: str) -> list[list[str | None]]:
    """The JSON rowset of `sql` over a fresh raw-HTTP session (as ADMIN, in DB.PUBLIC)."""
    login = post(url, "/session/v1/login-request?databaseName=DB&schemaName=PUBLIC",
                 {"data": {"LOGIN_NAME": "ADMIN", "PASSWORD": "admin-pw", "CLIENT_APP_ID": "raw-http"}})
    token = login["data"]["token"]
    answer = post(url, "/queries/v1/query-request", {"sqlText": sql}, token)
    assert answer["success"], answer
    rows: list[list[str | None]] = answer["data"]["rowset"]
    return rows


def test_repeated_slashes_and_head_requests(server: str) -> None:
    """What the connector 5.x's core sends: `/monitoring/queries//<id>`, HEAD before an upload."""
    login = post(server, "/session/v1/login-request", {"data": {"LOGIN_NAME": "ADMIN", "PASSWORD": "admin-pw"}})
    token = login["data"]["token"]
    query_id = post(server, "/queries/v1/query-request", {"sqlText": "SELECT 1"}, token)["data"]["queryId"]
    request = urllib.request.Request(f"{server}/monitoring/queries//{query_id}",
                                     headers={"Authorization": f'Snowflake Token="{token}"'})
    with urllib.request.urlopen(request, timeout=30) as response:
        status = json.loads(response.read())
    assert status["data"]["queries"] == [{"id": query_id, "status": "SUCCESS"}]
    head = urllib.request.Request(f"{server}/snowreg/stage-files/unknown/x.csv", method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(head, timeout=30)
    assert e.value.code == 400


def upload(url: str, body: bytes) -> int:
    """HTTP PUT of `body` on a presigned URL, as the drivers upload a file: the status."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, method="PUT"), timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_the_first_presigned_url_names_the_file_the_driver_uploads(server: str) -> None:
    """The connector 5.x uploads through the URL of PUT's first answer, and asks for a URL per file
    (the PUT again, naming that file) only when that upload is answered 400. The file it sends is
    gzip-compressed under AUTO_COMPRESS (its name then ends in `.gz`); a wildcard names no one file."""
    login = post(server, "/session/v1/login-request?databaseName=DB&schemaName=PUBLIC",
                 {"data": {"LOGIN_NAME": "ADMIN", "PASSWORD": "admin-pw"}})
    token = login["data"]["token"]

    def put_url(sql: str) -> str:
        answer = post(server, "/queries/v1/query-request", {"sqlText": sql}, token)
        assert answer["success"] and answer["data"]["command"] == "UPLOAD", answer
        url: str = answer["data"]["stageInfo"]["presignedUrl"]
        return url

    post(server, "/queries/v1/query-request", {"sqlText": "CREATE OR REPLACE STAGE FIRST_URL"}, token)
    assert upload(put_url("PUT file:///tmp/in/one.csv @FIRST_URL/gz"), gzip.compress(b"1,x\n")) == 200
    assert upload(put_url("PUT file:///tmp/in/one.csv @FIRST_URL/plain AUTO_COMPRESS = FALSE"), b"1,x\n") == 200
    assert upload(put_url("PUT file:///tmp/in/d.parquet @FIRST_URL/pq"), b"PAR1") == 200  # sent as it is
    assert upload(put_url("PUT file:///tmp/in/*.csv @FIRST_URL/many"), gzip.compress(b"a\n")) == 400
    assert upload(put_url("PUT file:///tmp/in/a.csv.gz @FIRST_URL/many"), gzip.compress(b"a\n")) == 200
    listed = sorted(row[0] for row in served_rows(server, "LIST @FIRST_URL"))
    assert listed == ["first_url/gz/one.csv.gz", "first_url/many/a.csv.gz", "first_url/plain/one.csv",
                      "first_url/pq/d.parquet"]


# ---------------------------------------------------------------------------------------------
# snowflake-connector-python 5.x
# ---------------------------------------------------------------------------------------------


def test_connector_5x(server: str) -> None:
    """The checks of tests/snowreg/server/clients/connector5_checks.py, run by the connector 5.x environment's pytest."""
    python = client_tool(".venv-client5", "python", "-e '.[client5-tests]'")
    proc = run_client([python, "-m", "pytest", CLIENTS / "connector5_checks.py", "-p", "no:cacheprovider",
                       "--noconftest", "-W", "ignore::FutureWarning", "-W", "ignore::DeprecationWarning"],
                      client_env(SNOWREG_SERVER=server))
    summary = proc.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "skipped" not in summary and "failed" not in summary, proc.stdout[-3000:]


# ---------------------------------------------------------------------------------------------
# The `snow` CLI (snowflake-cli)
# ---------------------------------------------------------------------------------------------


def snow_config(home: Path, url: str) -> dict[str, str]:
    """A config.toml whose default connection points at the server; the environment that reads it."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    home.mkdir(exist_ok=True)
    config = home / "config.toml"
    config.write_text('default_connection_name = "snowreg"\n\n[connections.snowreg]\naccount = "snowreg"\n'
                      f'user = "ADMIN"\npassword = "admin-pw"\nhost = "{host}"\nport = {port}\nprotocol = "http"\n'
                      'database = "DB"\nschema = "PUBLIC"\n')
    config.chmod(0o600)  # the CLI refuses a config file others can read
    return client_env(SNOWFLAKE_HOME=str(home), HOME=str(home))


def snow_json(snow: Path, env: dict[str, str], *args: str) -> Any:
    proc = run_client([snow, *args, "--format", "json"], env)
    return json.loads(proc.stdout)


def test_snow_cli_sql_and_registry(server: str, tmp_path: Path) -> None:
    """`snow connection test` and `snow sql` through a config.toml connection (few runs: each starts slowly)."""
    snow = client_tool(".venv-snowcli", "snow", "'snowflake-cli>=3.30,<4'")
    env = snow_config(tmp_path / "snowhome", server)
    assert snow_json(snow, env, "connection", "test")["Status"] == "OK"
    # Several statements in one -q: the CLI sends them one by one and prints one result per statement.
    results = snow_json(snow, env, "sql", "-q", "SELECT 1 AS ONE, 'a' AS S, CURRENT_DATABASE() AS D; "
                        "CREATE OR REPLACE TABLE SNOW_T (ID INT, NAME VARCHAR); "
                        "INSERT INTO SNOW_T VALUES (1, 'x'), (2, 'y'); SELECT NAME FROM SNOW_T ORDER BY ID; "
                        "SHOW MODELS; SHOW VERSIONS IN MODEL CLF; "
                        "SELECT CLF!PREDICT(A, B, C):output_feature_0::INT AS P FROM FEATURES ORDER BY A")
    first, _, inserted, names, models, versions, scored = results
    assert first == [{"ONE": 1, "S": "a", "D": "DB"}]
    assert inserted == [{"number of rows inserted": 2}]
    assert names == [{"NAME": "x"}, {"NAME": "y"}]
    clf = [m for m in models if m["name"] == "CLF"]
    assert clf and clf[0]["database_name"] == "DB" and clf[0]["default_version_name"] == "V1"
    assert [v["name"] for v in versions] == ["V1"] and versions[0]["is_default_version"] is True
    assert scored == [{"P": 0}, {"P": 1}]
    failed = run_client([snow, "sql", "-q", "SELECT * FROM NOPE"], env, expect=1)
    assert "002003 (42S02)" in failed.stdout + failed.stderr


def test_snow_cli_temporary_connection(server: str, tmp_path: Path) -> None:
    """No config file: every setting on the command line (`--temporary-connection`)."""
    snow = client_tool(".venv-snowcli", "snow", "'snowflake-cli>=3.30,<4'")
    host, port = server.removeprefix("http://").rsplit(":", 1)
    env = client_env(SNOWFLAKE_HOME=str(tmp_path), HOME=str(tmp_path), SNOWFLAKE_PASSWORD="admin-pw")
    proc = run_client([snow, "sql", "--temporary-connection", "--account", "snowreg", "--user", "ADMIN",
                       "--host", host, "--port", port, "--protocol", "http", "--database", "DB",
                       "--schema", "PUBLIC", "--format", "json", "-q", "SELECT COUNT(*) AS N FROM FEATURES"], env)
    assert json.loads(proc.stdout) == [{"N": 2}]


# ---------------------------------------------------------------------------------------------
# dbt-snowflake
# ---------------------------------------------------------------------------------------------


def dbt_command(dbt: Path, project: Path, env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    """`dbt ARGS` on the project; the results it wrote, each of which succeeded."""
    run_client([dbt, *args, "--profiles-dir", project, "--project-dir", project], env, cwd=project)
    results: list[dict[str, Any]] = json.loads((project / "target" / "run_results.json").read_text())["results"]
    assert results and all(r["status"] in ("success", "pass") for r in results), results
    return results


def test_dbt_seed_run_and_test(server: str, tmp_path: Path) -> None:
    """tests/snowreg/server/clients/dbt_project against the server: `dbt seed`, `dbt run`, `dbt test`, an incremental run."""
    dbt = client_tool(".venv-dbt", "dbt", "'dbt-core>=1.10,<1.11' 'dbt-snowflake>=1.10,<1.11'")
    project = tmp_path / "project"
    shutil.copytree(CLIENTS / "dbt_project", project)
    env = client_env(SNOWREG_PORT=server.rsplit(":", 1)[1], DBT_SEND_ANONYMOUS_USAGE_STATS="false",
                     DO_NOT_TRACK="1", DBT_VERSION_CHECK="false", HOME=str(tmp_path))
    assert len(dbt_command(dbt, project, env, "seed")) == 1
    assert len(dbt_command(dbt, project, env, "run")) == 3
    tests = dbt_command(dbt, project, env, "test")
    assert len(tests) == 5 and all(r["failures"] == 0 for r in tests)
    assert served_rows(server, "SELECT A, B, C, LABEL FROM DB.PUBLIC.SCORED_FEATURES ORDER BY A") == \
        [["-1.0", "-1.0", "0.0", "0"], ["1.0", "1.0", "0.0", "1"]]
    assert served_rows(server, "SELECT ID, NAME FROM PEOPLE_NAMES ORDER BY ID") == [["1", "A"], ["2", "B"]]
    # The incremental model merges what is new (dbt stages it in a temporary view, gone afterwards).
    served_rows(server, "INSERT INTO PEOPLE VALUES (3, 'c')")
    dbt_command(dbt, project, env, "run", "--select", "people_latest")
    assert served_rows(server, "SELECT ID, NAME FROM PEOPLE_LATEST ORDER BY ID") == [["1", "a"], ["2", "b"], ["3", "c"]]
    assert served_rows(server, "SHOW VIEWS LIKE 'PEOPLE_LATEST__DBT_TMP'") == []
