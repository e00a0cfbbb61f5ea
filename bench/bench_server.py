"""`snowreg serve` over HTTP with the unmodified Python connector, against fakesnow's server.

Cases, each through `snowflake.connector.connect(host=..., port=..., protocol="http")`: `SELECT 1` round
trip; a 10k-row fetch as JSON rowsets (`fetchall`) and as Arrow (`fetchall`, `fetch_pandas_all`);
`log_model` of a small scikit-learn model with the unmodified snowflake-ml-python over a Snowpark
session (snowreg only: fakesnow has no registry); and throughput of 1, 4 and 16 concurrent clients each
running `SELECT 1` on its own connection. Both servers run as subprocesses started the way users start
them (`python -m snowreg serve --port 0`, `fakesnow -s -p PORT`); the client runs in this process.
Issue 14's goals: `SELECT 1` round trip below fakesnow's server, and 16 clients without errors.

Needs the client environment (`.venv-client`: the connector, Snowpark, snowflake-ml-python); the script
re-runs itself there. fakesnow comes from `bench/setup_peers.sh` (skipped when missing).
Run: .venv/bin/python bench/bench_server.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import common
from common import fmt_time

CLIENT_PYTHON = common.ROOT / ".venv-client" / "bin" / "python"
ROWS = 10_000


# -- the servers ----------------------------------------------------------------------------------


class Server:
    """A server subprocess and its address."""

    def __init__(self, name: str, argv: list[str], port: int | None = None) -> None:
        self.name = name
        # Only snowreg's one listening line is read: a peer logging every request to a pipe nobody
        # reads would block once the pipe is full.
        self.proc = subprocess.Popen(argv, cwd=common.ROOT, stdout=subprocess.PIPE if port is None else
                                     subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
        if port is None:  # snowreg announces its address on one line
            line = self.proc.stdout.readline() if self.proc.stdout else ""
            if "listening on http://" not in line:
                raise RuntimeError(f"{name}: no listening line ({line!r})")
            port = int(line.rsplit(":", 1)[1])
        self.port = port
        _wait_port(port)

    def connect(self, **kwargs: Any) -> Any:
        import snowflake.connector

        return snowflake.connector.connect(host="127.0.0.1", port=self.port, protocol="http", account="bench",
                                           user="ADMIN", password="x", database="DB", schema="PUBLIC",
                                           **kwargs)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def start_servers() -> tuple[dict[str, Server], dict[str, str]]:
    servers: dict[str, Server] = {}
    notes: dict[str, str] = {}
    servers["snowreg"] = Server("snowreg", [sys.executable, "-m", "snowreg", "serve", "--port", "0",
                                            "--database", "DB", "--schema", "PUBLIC"])
    fakesnow = common.VENVS_DIR / "fakesnow" / "bin" / "fakesnow"
    if fakesnow.exists():
        port = _free_port()
        try:
            servers["fakesnow"] = Server("fakesnow", [str(fakesnow), "-s", "-p", str(port)], port)
        except RuntimeError as e:
            notes["fakesnow"] = str(e)
    else:
        notes["fakesnow"] = "not installed (bench/setup_peers.sh)"
    return servers, notes


def prepare(server: Server) -> None:
    """Database DB.PUBLIC and a 10k-row table T10K (id, name, amount, flag)."""
    import snowflake.connector

    conn = snowflake.connector.connect(host="127.0.0.1", port=server.port, protocol="http", account="bench",
                                       user="ADMIN", password="x")
    cur = conn.cursor()
    cur.execute("CREATE DATABASE IF NOT EXISTS DB")
    cur.execute("CREATE SCHEMA IF NOT EXISTS DB.PUBLIC")
    cur.execute("CREATE OR REPLACE TABLE DB.PUBLIC.T10K (ID INT, NAME VARCHAR, AMOUNT FLOAT, FLAG BOOLEAN)")
    cur.execute(f"INSERT INTO DB.PUBLIC.T10K SELECT SEQ4(), 'name ' || SEQ4(), SEQ4() * 0.5, SEQ4() % 2 = 0 "
                f"FROM TABLE(GENERATOR(ROWCOUNT => {ROWS}))")
    conn.close()


# -- the cases ------------------------------------------------------------------------------------


def single_client(servers: dict[str, Server], quick: bool, out: dict[str, Any]) -> None:
    arrow = {name: s.connect() for name, s in servers.items()}
    as_json = {name: s.connect(session_parameters={"PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": "JSON"})
               for name, s in servers.items()}
    cases = {
        "SELECT 1 round trip": (lambda c: c.cursor().execute("SELECT 1").fetchall(), arrow, 60, 2.0),
        "10k rows, JSON rowsets, fetchall": (lambda c: _check(c.cursor().execute("SELECT * FROM T10K").fetchall()),
                                             as_json, 10, 4.0),
        "10k rows, Arrow, fetchall": (lambda c: _check(c.cursor().execute("SELECT * FROM T10K").fetchall()),
                                      arrow, 10, 4.0),
        "10k rows, Arrow, fetch_pandas_all": (
            lambda c: _check(c.cursor().execute("SELECT * FROM T10K").fetch_pandas_all()), arrow, 10, 4.0),
    }
    for title, (fn, conns, rounds, budget) in cases.items():
        contenders = {name: common.local(lambda fn=fn, c=c: fn(c)) for name, c in conns.items()}
        stats = common.round_robin(contenders, rounds=max(3, rounds // (4 if quick else 1)), calls=5 if
                                   "SELECT 1" in title else 1, budget_s=budget / (4 if quick else 1))
        print(common.table(title, common.comparison_rows(stats, "snowreg"), common.COMPARISON_HEADER) + "\n")
        out["cases"][title] = common.stats_json(stats)
    for c in [*arrow.values(), *as_json.values()]:
        c.close()


def _check(rows: Any) -> None:
    if len(rows) != ROWS:
        raise AssertionError(f"{len(rows)} rows, not {ROWS}")


def concurrency(servers: dict[str, Server], quick: bool, out: dict[str, Any]) -> None:
    """Statements per second with N clients, each on its own connection, for a fixed time."""
    seconds = 1.0 if quick else 3.0
    rows = []
    for name, server in servers.items():
        for clients in (1, 4, 16):
            done, errors = _hammer(server, clients, seconds)
            rows.append([name, str(clients), f"{done / seconds:,.0f}", str(errors)])
            out["concurrency"].setdefault(name, {})[clients] = {"per_second": done / seconds, "errors": errors}
    print(common.table(f"SELECT 1 throughput, N clients each on its own connection ({seconds:.0f} s)", rows,
                       ["server", "clients", "statements/s", "errors"]) + "\n")


def _hammer(server: Server, clients: int, seconds: float) -> tuple[int, int]:
    conns = [server.connect() for _ in range(clients)]
    counts = [0] * clients
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        cur = conns[i].cursor()
        start.wait()
        while not stop.is_set():
            try:
                cur.execute("SELECT 1").fetchall()
                counts[i] += 1
            except Exception:  # noqa: BLE001 - counted, not raised: the table reports them
                errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    for c in conns:
        c.close()
    return sum(counts), sum(errors)


def log_model(server: Server, quick: bool, out: dict[str, Any]) -> None:
    """The unmodified snowflake-ml-python `log_model` over a Snowpark session to snowreg serve."""
    import warnings

    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from snowflake.ml.registry import Registry
    from snowflake.snowpark import Session

    warnings.filterwarnings("ignore")
    session = Session.builder.configs({"host": "127.0.0.1", "port": server.port, "protocol": "http",
                                       "account": "bench", "user": "ADMIN", "password": "x",
                                       "database": "DB", "schema": "PUBLIC"}).create()
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(200, 3)), columns=["A", "B", "C"])
    model = LogisticRegression().fit(X, (X["A"] > 0).astype(int))
    reg = Registry(session=session)
    counter = iter(range(1000))

    def call() -> None:
        reg.log_model(model, model_name="BENCH", version_name=f"V{next(counter)}", sample_input_data=X.head(5))

    stats = common.round_robin({"snowreg": common.local(call)}, rounds=3 if quick else 8, warmup=1,
                               budget_s=30)
    print(common.table("log_model over HTTP (snowflake-ml-python + Snowpark; fakesnow has no registry)",
                       common.comparison_rows(stats, None), common.COMPARISON_HEADER) + "\n")
    out["cases"]["log_model over HTTP"] = common.stats_json(stats)
    session.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    args = parser.parse_args()
    try:
        import snowflake.connector  # noqa: F401
    except ImportError:
        if not CLIENT_PYTHON.exists():
            print("bench_server: needs .venv-client (pip install -e '.[client-tests]')", file=sys.stderr)
            return 2
        os.execv(str(CLIENT_PYTHON), [str(CLIENT_PYTHON), *sys.argv])
    servers, notes = start_servers()
    out: dict[str, Any] = {"machine": common.machine_info(), "notes": notes, "cases": {}, "concurrency": {},
                           "versions": common.versions("snowflake-connector-python", "snowflake-ml-python",
                                                       "duckdb")}
    for name, note in notes.items():
        print(f"note: {name}: {note}")
    try:
        for server in servers.values():
            prepare(server)
        single_client(servers, args.quick, out)
        concurrency(servers, args.quick, out)
        log_model(servers["snowreg"], args.quick, out)
    finally:
        for server in servers.values():
            server.stop()
    select = out["cases"]["SELECT 1 round trip"]
    if "fakesnow" in select:
        ours, theirs = select["snowreg"]["median_s"], select["fakesnow"]["median_s"]
        verdict = "below" if ours < theirs else "NOT below"
        print(f"goal: SELECT 1 round trip {fmt_time(ours)}, {verdict} fakesnow's {fmt_time(theirs)}")
    errors = out["concurrency"]["snowreg"][16]["errors"]
    print(f"goal: 16 concurrent clients, {errors} errors")
    print(f"\nresults: {common.save('bench_server', out).relative_to(common.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
