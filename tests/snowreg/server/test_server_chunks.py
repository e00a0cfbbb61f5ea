"""Large results from `snowreg serve` in chunks, as Snowflake sends them, read by every client.

The first rows travel inline, the rest as `chunks` the drivers download from URLs that point back at
the server with the `chunkHeaders` of the answer. Checked on the raw protocol, with
`snowreg.connect(server=...)`, the unmodified snowflake-connector-python (Arrow and JSON, over HTTP)
and the Node.js snowflake-sdk, each fetching 200,000 rows.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import snowreg
import snowreg.server

ROOT = Path(__file__).resolve().parents[3]  # tests/snowreg/server/ -> the checkout
NODE_CLIENT = ROOT / ".node-client"
HAVE_CONNECTOR = importlib.util.find_spec("snowflake") is not None and \
    importlib.util.find_spec("snowflake.connector") is not None
ROWS = 200_000
BIG = (f"SELECT SEQ4() AS I, 'r' || SEQ4() AS S, SEQ4() / 2 AS H FROM TABLE(GENERATOR(ROWCOUNT => {ROWS})) "
       "ORDER BY I")
pytestmark = pytest.mark.slow


def post(url: str, body: Any, token: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if token:
        headers["Authorization"] = f'Snowflake Token="{token}"'
    request = urllib.request.Request(url, data=gzip.compress(json.dumps(body).encode()), headers=headers)
    with urllib.request.urlopen(request, timeout=120) as response:
        return dict(json.loads(response.read()))


def fetch(url: str, headers: dict[str, str]) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=120) as response:
        return bytes(response.read())


def test_raw_protocol_inline_rows_then_chunks(server: str) -> None:
    token = post(server + "/session/v1/login-request", {"data": {"LOGIN_NAME": "ADMIN", "PASSWORD": "admin-pw",
                                                                 "CLIENT_APP_ID": "raw-http"}})["data"]["token"]
    data = post(server + "/queries/v1/query-request", {"sqlText": BIG.replace(str(ROWS), "25000")}, token)["data"]
    # `total` and `returned` count the whole result (the Node driver reads `returned` rows across chunks)
    assert (data["total"], data["returned"], len(data["rowset"])) == (25000, 25000, 10000)
    chunks, headers = data["chunks"], data["chunkHeaders"]
    assert [c["rowCount"] for c in chunks] == [15000]
    body = fetch(chunks[0]["url"], headers)
    assert chunks[0]["uncompressedSize"] == len(body)
    rows = json.loads(b"[" + body + b"]")  # the drivers' reading of a JSON chunk
    assert rows[0] == ["10000", "r10000", "5000.000000"] and rows[-1][0] == "24999"
    for forged in ({}, {next(iter(headers)): "wrong"}):  # the key of the answer is the credential
        with pytest.raises(urllib.error.HTTPError) as e:
            fetch(chunks[0]["url"], forged)
        assert e.value.code == 404
    small = post(server + "/queries/v1/query-request", {"sqlText": "SELECT 1"}, token)["data"]
    assert "chunks" not in small


def test_snowreg_connect_server_reads_every_chunk(server: str) -> None:
    with snowreg.connect(server=server, password="admin-pw", database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor().execute(BIG)
        rows = cur.fetchall()
        assert cur.rowcount == ROWS and len(rows) == ROWS
        assert [r[0] for r in rows] == list(range(ROWS))
        assert rows[-1][1] == f"r{ROWS - 1}"
        with snowreg.connect() as local:
            sample = local.cursor().execute(BIG.replace(str(ROWS), "20")).fetchall()
        assert rows[:20] == sample


def test_node_snowflake_sdk_streams_every_chunk(server: str) -> None:
    node = shutil.which("node")
    if node is None or not (NODE_CLIENT / "node_modules" / "snowflake-sdk").is_dir():
        pytest.skip("no Node.js snowflake-sdk: `npm install --prefix .node-client snowflake-sdk@3` (.ci/run does)")
    env = {**os.environ, "NODE_PATH": str(NODE_CLIENT / "node_modules"), "NODE_NO_WARNINGS": "1"}
    proc = subprocess.run([node, str(Path(__file__).resolve().parent / "node_chunks.js"), server, BIG], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (out["count"], out["ordered"]) == (ROWS, True)
    assert out["first"] == {"I": 0, "S": "r0", "H": 0}
    assert out["last"]["S"] == f"r{ROWS - 1}"


if HAVE_CONNECTOR:
    @pytest.mark.parametrize("fmt", ["ARROW", "JSON"])
    def test_connector_downloads_every_chunk(server: str, fmt: str) -> None:
        import snowflake.connector

        host, port = server.removeprefix("http://").rsplit(":", 1)
        with snowflake.connector.connect(host=host, port=int(port), protocol="http", account="snowreg",
                                         user="ADMIN", password="admin-pw", database="DB", schema="PUBLIC",
                                         session_parameters={"PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": fmt}) as conn:
            cur = conn.cursor()
            rows = cur.execute(BIG).fetchall()
            assert len(rows) == ROWS and [r[0] for r in rows] == list(range(ROWS))
            assert rows[-1][1] == f"r{ROWS - 1}"
            assert len(cur.get_result_batches() or []) > 1  # the inline rows and the downloaded chunks
            if fmt == "ARROW":
                frame = cur.execute(BIG).fetch_pandas_all()
                assert frame.shape == (ROWS, 3) and frame["I"].tolist() == list(range(ROWS))
else:
    @pytest.mark.parametrize("venv", [".venv-client", ".venv-client5"])  # the connector 4.x, and 5.x
    def test_real_connector_in_its_environment(rerun_in_client: Callable[..., None], venv: str) -> None:
        """Re-run this file with a client environment's interpreter (CI creates both)."""
        rerun_in_client(__file__, "connector", timeout=600, venv=venv)
