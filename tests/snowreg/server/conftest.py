"""What the server tests share: `snowreg serve` started as a user starts it, and a server in this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import snowreg.server

ROOT = Path(__file__).resolve().parents[3]  # tests/snowreg/server/ -> the checkout
# ADMIN's password on every server these tests start (the files spell it out as "admin-pw"): set for
# `snowreg serve` started as a command, and read by the Node.js scripts and the dbt profile.
ADMIN_PASSWORD = "admin-pw"
os.environ["SNOWREG_ADMIN_PASSWORD"] = ADMIN_PASSWORD


class ServeCommand:
    """`python -m snowreg serve --port 0 ...` as a subprocess, and its clean stop."""

    @staticmethod
    def start(*args: str) -> tuple[subprocess.Popen[str], str]:
        """The process and the URL of the one line it prints when ready."""
        proc = subprocess.Popen([sys.executable, "-m", "snowreg", "serve", "--port", "0", *args], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(proc.stdout.readline() if proc.stdout else ""))
        reader.start()
        reader.join(timeout=60)
        if not line or not line[0].startswith("snowreg serve: listening on http://"):
            proc.kill()
            raise AssertionError(f"no listening line: {line!r} {proc.stderr.read() if proc.stderr else ''}")
        return proc, line[0].split(" on ", 1)[1].strip()

    @staticmethod
    def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str, str]:
        """Send `sig` and wait: the exit code, stdout and stderr."""
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
        return proc.returncode, out, err


@pytest.fixture(scope="session")
def serve_command() -> ServeCommand:
    return ServeCommand()


@pytest.fixture(scope="session")
def clf_registry(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """Builds a registry directory for `snowreg serve --db`: model DB.PUBLIC.CLF (a LogisticRegression on
    A, B, C) with the given versions, then the given statements, then table DB.PUBLIC.FEATURES (A, B, C)
    holding (1, 1, 0) and (-1, -1, 0)."""
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    linear = pytest.importorskip("sklearn.linear_model")

    def build(versions: tuple[str, ...] = ("V1",), statements: tuple[str, ...] = ()) -> Path:
        path = tmp_path_factory.mktemp("registry")
        X = pd.DataFrame(np.random.default_rng(7).normal(size=(50, 3)), columns=["A", "B", "C"])
        clf = linear.LogisticRegression().fit(X, (X["A"] + X["B"] > 0).astype(int))
        with snowreg.connect(database="DB", schema="PUBLIC", path=path) as conn:
            reg = snowreg.Registry(conn)
            for version in versions:
                reg.log_model(clf, model_name="CLF", version_name=version, sample_input_data=X.head(5))
            cur = conn.cursor()
            for sql in (*statements, "CREATE TABLE FEATURES (A FLOAT, B FLOAT, C FLOAT)",
                        "INSERT INTO FEATURES VALUES (1, 1, 0), (-1, -1, 0)"):
                cur.execute(sql)
        return path

    return build


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A server in this process on a fresh in-memory registry (files that need a registry on disk and
    the command itself override this fixture)."""
    served = snowreg.server.start(database="DB", schema="PUBLIC", admin_password=ADMIN_PASSWORD)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    yield served.url
    served.stop()
    thread.join(timeout=30)
