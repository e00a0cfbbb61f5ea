"""Logins over `snowreg serve` need the user's password, as Snowflake's do.

A user made with PASSWORD logs in only with that password; a user without one (the registry's ADMIN
before the server gives it one, users made by `connect(user=...)` or CREATE USER without PASSWORD)
cannot log in with a password at all; a DISABLED user is refused. The server gives ADMIN the password
it is started with, or a random one it hands to whoever started it.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

import snowreg
import snowreg.server
from snowreg.dbapi import Connection
from snowreg.server.app import SnowflakeServer

ROOT = Path(__file__).resolve().parents[2]


def _post(url: str, path: str, body: Any, token: str | None = None) -> dict[str, Any]:
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if token is not None:
        headers["Authorization"] = f'Snowflake Token="{token}"'
    request = urllib.request.Request(url + path, data=gzip.compress(json.dumps(body).encode()), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as e:
        return dict(json.loads(e.read()))


def login(url: str, user: str, password: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"LOGIN_NAME": user, "CLIENT_APP_ID": "raw-http"}
    if password is not None:
        data["PASSWORD"] = password
    return _post(url, "/session/v1/login-request", {"data": data})


def run(url: str, token: str, sql: str) -> dict[str, Any]:
    return _post(url, "/queries/v1/query-request?requestId=1", {"sqlText": sql}, token)


@pytest.fixture
def served(request: pytest.FixtureRequest) -> Iterator[SnowflakeServer]:
    kwargs = getattr(request, "param", {"admin_password": "root-pw"})
    server = snowreg.server.start(database="DB", schema="PUBLIC", **kwargs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stop()
    thread.join(timeout=30)


def _admin(server: SnowflakeServer) -> str:
    answer = login(server.url, "ADMIN", "root-pw")
    assert answer["success"], answer
    return str(answer["data"]["token"])


def test_admin_logs_in_only_with_the_servers_password(served: SnowflakeServer) -> None:
    for password in ("any", "", None, "ROOT-PW"):
        wrong = login(served.url, "ADMIN", password)
        assert (wrong["success"], wrong["code"], wrong["message"]) == (
            False, "390100", "Incorrect username or password was specified.")
    assert login(served.url, "admin", "root-pw")["success"] is True


def test_a_user_without_a_password_cannot_log_in_with_one(served: SnowflakeServer) -> None:
    token = _admin(served)
    assert run(served.url, token, "CREATE USER NOPW DEFAULT_ROLE = PUBLIC")["success"]
    Connection(served.sessions.root._catalog, user="LOCAL").close()  # made as `connect(user=...)` makes one
    for user in ("NOPW", "LOCAL"):
        for password in ("any", "", None):
            assert login(served.url, user, password)["code"] == "390100"
    assert login(served.url, "NOBODY_AT_ALL", "x")["code"] == "390100"


def test_a_users_password_is_its_only_key_and_is_stored_hashed(served: SnowflakeServer) -> None:
    token = _admin(served)
    assert run(served.url, token, "CREATE USER PAT PASSWORD = 'open sesame'")["success"]
    assert login(served.url, "PAT", "open sesame")["success"] is True
    assert login(served.url, "PAT", "open sesame ")["code"] == "390100"
    stored = served.sessions.root._catalog.grants.get_user("PAT")
    assert stored is not None and "open sesame" not in stored.properties
    assert orjson.loads(stored.properties)["PASSWORD"].startswith("pbkdf2_sha256$")
    admin = served.sessions.root._catalog.grants.get_user("ADMIN")
    assert admin is not None and "root-pw" not in admin.properties


def test_a_disabled_user_is_refused(served: SnowflakeServer) -> None:
    token = _admin(served)
    assert run(served.url, token, "CREATE USER GONE PASSWORD = 'pw' DISABLED = TRUE")["success"]
    refused = login(served.url, "GONE", "pw")
    assert (refused["code"], refused["message"]) == (
        "390101", "User access disabled. Contact your local system administrator.")
    assert login(served.url, "GONE", "not it")["code"] == "390100"  # says nothing to who lacks the password
    assert run(served.url, token, "CREATE OR REPLACE USER GONE PASSWORD = 'pw' DISABLED = FALSE")["success"]
    assert login(served.url, "GONE", "pw")["success"] is True


def test_a_password_stored_before_hashing_is_hashed_at_its_next_login(served: SnowflakeServer) -> None:
    token = _admin(served)
    assert run(served.url, token, "CREATE USER OLD")["success"]
    grants = served.sessions.root._catalog.grants
    with grants.store.transaction() as tx:  # as a registry of before hashing holds it
        tx.execute("UPDATE snowreg.users SET properties = ? WHERE name = 'OLD'", ['{"PASSWORD": "plain"}'])
        grants.store.access_changed()
    assert login(served.url, "OLD", "nope")["code"] == "390100"
    assert login(served.url, "OLD", "plain")["success"] is True
    user = grants.get_user("OLD")
    assert user is not None and "plain" not in user.properties
    assert login(served.url, "OLD", "plain")["success"] is True


@pytest.mark.parametrize("served", [{}], indirect=True)
def test_without_a_password_the_server_makes_one_up(served: SnowflakeServer) -> None:
    made = served.generated_password
    assert made and len(made) >= 20
    assert login(served.url, "ADMIN", "any")["code"] == "390100"
    assert login(served.url, "ADMIN", made)["success"] is True


def test_a_registrys_admin_password_is_kept_when_none_is_given(tmp_path: Path) -> None:
    first = snowreg.server.start(path=tmp_path, admin_password="kept")
    first.server_close()
    first.sessions.root.close()
    again = snowreg.server.start(path=tmp_path)
    try:
        assert again.generated_password is None
        assert again.sessions.root._catalog.grants.password_matches("ADMIN", "kept") is True
    finally:
        again.server_close()
        again.sessions.root.close()


def test_in_process_sessions_still_open_without_a_password() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as admin:
        admin.cursor().execute("CREATE USER HELPER")
        assert admin.open_session(user="HELPER").user == "HELPER"
        with pytest.raises(snowreg.DatabaseError) as e:
            admin.open_session(user="HELPER", password="anything")
        assert e.value.errno == 390100


def test_the_command_prints_the_password_it_made_on_stderr(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SNOWREG_ADMIN_PASSWORD"}
    proc = subprocess.Popen([sys.executable, "-m", "snowreg", "serve", "--port", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stderr is not None
        said = proc.stderr.readline()
        ready = proc.stdout.readline()
        assert ready.startswith("snowreg serve: listening on http://"), (ready, said)
        assert said.startswith("snowreg serve: ADMIN's password is "), said
        password = said.split(" is ", 1)[1].split(" ", 1)[0]
        url = ready.split(" on ", 1)[1].strip()
        assert login(url, "ADMIN", "any")["code"] == "390100"
        assert login(url, "ADMIN", password)["success"] is True
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
