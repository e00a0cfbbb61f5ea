"""Attacks on `snowreg serve`'s sessions, tokens and kept results (conformance/DECISIONS.md J70-J89).

Each test is one attack: what it tried, and that the server now refuses it.
"""

from __future__ import annotations

import gzip
import socket
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg.server
from snowreg.server.app import SnowflakeServer

sys.path.insert(0, str(Path(__file__).parent))
from test_server_logins import _post, login, run  # noqa: E402 - the raw protocol helpers beside this file

SETUP = ("CREATE ROLE R", "CREATE TABLE SECRET (X INT)", "INSERT INTO SECRET VALUES (42)",
         "GRANT USAGE ON DATABASE DB TO ROLE R", "GRANT USAGE ON SCHEMA DB.PUBLIC TO ROLE R",
         "GRANT SELECT ON TABLE DB.PUBLIC.SECRET TO ROLE R", "CREATE USER U PASSWORD = 'p' DEFAULT_ROLE = R",
         "GRANT ROLE R TO USER U")


@pytest.fixture
def served() -> Iterator[SnowflakeServer]:
    server = snowreg.server.start(database="DB", schema="PUBLIC", admin_password="root-pw")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.stop()
    thread.join(timeout=30)


@pytest.fixture
def admin(served: SnowflakeServer) -> str:
    token = str(login(served.url, "ADMIN", "root-pw")["data"]["token"])
    for sql in SETUP:
        assert run(served.url, token, sql)["success"], sql
    return token


def _rows(answer: dict[str, Any]) -> Any:
    return (answer.get("data") or {}).get("rowset") if answer.get("success") else answer.get("code")


def _renew(url: str, master: str, old: str) -> dict[str, Any]:
    return _post(url, "/session/token-request", {"oldSessionToken": old, "requestType": "RENEW"}, master)


@pytest.mark.parametrize("change", ["DROP USER U", "CREATE OR REPLACE USER U PASSWORD = 'p2'",
                                    "CREATE OR REPLACE USER U PASSWORD = 'p' DEFAULT_ROLE = R DISABLED = TRUE"])
def test_a_dropped_replaced_or_disabled_users_session_ends(served: SnowflakeServer, admin: str, change: str) -> None:
    """The session of a user dropped (or replaced by another of the name, or disabled) kept its role and
    read what the role may read, and its master token kept renewing it."""
    logged = login(served.url, "U", "p")["data"]
    token, master = logged["token"], logged["masterToken"]
    assert _rows(run(served.url, token, "SELECT X FROM DB.PUBLIC.SECRET")) == [["42"]]
    assert run(served.url, admin, change)["success"]
    assert _rows(run(served.url, token, "SELECT X FROM DB.PUBLIC.SECRET")) == "390104"
    assert _renew(served.url, master, token)["code"] == "390114"


def test_a_renewed_session_still_ends_with_its_user(served: SnowflakeServer, admin: str) -> None:
    logged = login(served.url, "U", "p")["data"]
    renewed = _renew(served.url, logged["masterToken"], logged["token"])["data"]
    assert _rows(run(served.url, logged["token"], "SELECT 1")) == "390104"  # the old token is gone
    assert _rows(run(served.url, renewed["sessionToken"], "SELECT 1")) == [["1"]]
    assert run(served.url, admin, "DROP USER U")["success"]
    assert _rows(run(served.url, renewed["sessionToken"], "SELECT 1")) == "390104"


def test_other_users_sessions_go_on(served: SnowflakeServer, admin: str) -> None:
    logged = login(served.url, "U", "p")["data"]
    assert run(served.url, admin, "CREATE USER V PASSWORD = 'v'")["success"]
    assert run(served.url, admin, "DROP USER V")["success"]
    assert _rows(run(served.url, logged["token"], "SELECT 1")) == [["1"]]
    assert _rows(run(served.url, admin, "SELECT 1")) == [["1"]]


def test_guessing_a_password_locks_the_user(served: SnowflakeServer, admin: str) -> None:
    """Nothing bounded the guesses: a client could try passwords against ADMIN as fast as it could send
    them. As Snowflake's default password policy: five wrong in a row lock the user for 15 minutes,
    the right password included."""
    for _ in range(5):
        assert login(served.url, "U", "guess")["code"] == "390100"
    locked = login(served.url, "U", "p")
    assert (locked["code"], locked["message"]) == (
        "390102", "User temporarily locked. Try again later, or contact your local system administrator.")
    assert login(served.url, "ADMIN", "root-pw")["success"] is True  # other users are not locked
    for _ in range(5):  # a name no user has locks alike: a lock says nothing of who exists
        assert login(served.url, "NOBODY", "guess")["code"] == "390100"
    assert login(served.url, "NOBODY", "guess")["code"] == "390102"


def test_a_right_password_resets_the_count_and_the_lock_ends(served: SnowflakeServer, admin: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(4):
        assert login(served.url, "U", "guess")["code"] == "390100"
    assert login(served.url, "U", "p")["success"] is True
    for _ in range(4):
        assert login(served.url, "U", "guess")["code"] == "390100"
    assert login(served.url, "U", "p")["success"] is True
    monkeypatch.setattr("snowreg.server.sessions.LOCKOUT_SECONDS", 0)  # a lock that is already over
    for _ in range(5):
        login(served.url, "U", "guess")
    assert login(served.url, "U", "p")["success"] is True


def _raw_request(url: str, head: str, body: bytes = b"") -> bytes:
    """One request written by hand on a socket; the first bytes of the answer (the connection may close)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        return sock.recv(65536)


@pytest.mark.parametrize("path", ["/queries/v1/query-request", "/snowreg/stage-files/no-such-ticket/f.csv"])
def test_a_request_without_credentials_is_answered_before_its_body_is_read(served: SnowflakeServer, path: str) -> None:
    """The server read a request's whole body (as long as Content-Length said) before it looked at the
    token or the ticket: anyone reaching the port could hold a thread and as much memory as they sent."""
    method = "PUT" if "stage-files" in path else "POST"
    answer = _raw_request(served.url, f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n"
                                      "Content-Type: application/json\r\n", b"{")
    assert answer.startswith(b"HTTP/1.1 "), answer
    assert b"390104" in answer or b" 400 " in answer[:16], answer


def test_a_gzip_bomb_is_refused_before_it_is_unpacked(served: SnowflakeServer) -> None:
    """A login body of 1 MB of gzip unpacked to 1 GB in the server's memory, before any credential."""
    bomb = gzip.compress(b'{"data": {"LOGIN_NAME": "' + b"A" * (1 << 30) + b'"}}', compresslevel=9)
    answer = _raw_request(served.url, "POST /session/v1/login-request HTTP/1.1\r\nHost: x\r\n"
                                      f"Content-Length: {len(bomb)}\r\nContent-Encoding: gzip\r\n", bomb)
    assert b'"390400"' in answer and b"too large" in answer, answer[:300]


def test_a_login_body_larger_than_a_login_is_refused(served: SnowflakeServer) -> None:
    body = b'{"data": {"LOGIN_NAME": "' + b"A" * (2 << 20) + b'"}}'
    answer = _raw_request(served.url, "POST /session/v1/login-request HTTP/1.1\r\nHost: x\r\n"
                                      f"Content-Length: {len(body)}\r\n", body)
    assert b'"390400"' in answer and b"too large" in answer, answer[:300]


# -- REFUSED: tried this round and found refused already (kept so they stay refused) -------------------


def test_refused_tokens_after_logout_and_renewal(served: SnowflakeServer, admin: str) -> None:
    logged = login(served.url, "U", "p")["data"]
    token, master = logged["token"], logged["masterToken"]
    renewed = _renew(served.url, master, token)["data"]["sessionToken"]
    assert _rows(run(served.url, token, "SELECT 1")) == "390104"  # the token a renewal replaced
    assert _post(served.url, "/session?delete=true", {}, renewed)["success"]
    assert _rows(run(served.url, renewed, "SELECT 1")) == "390104"  # logged out
    assert _renew(served.url, master, renewed)["code"] == "390114"  # nor renewed after
    assert _rows(run(served.url, master, "SELECT 1")) == "390104"  # a master token is no session token


def test_refused_another_users_results_by_query_id(served: SnowflakeServer, admin: str) -> None:
    query_id = run(served.url, admin, "SELECT X FROM DB.PUBLIC.SECRET")["data"]["queryId"]
    other = str(login(served.url, "U", "p")["data"]["token"])
    assert run(served.url, admin, "REVOKE SELECT ON TABLE DB.PUBLIC.SECRET FROM ROLE R")["success"]
    for sql in (f"select * from table(result_scan('{query_id}'))",
                f"SELECT X FROM TABLE(RESULT_SCAN('{query_id}')) WHERE X > 0"):
        assert _rows(run(served.url, other, sql)) == "000709"
    assert _post(served.url, f"/queries/{query_id}/result", {}, other)["code"] == "000709"
    assert _post(served.url, f"/monitoring/queries/{query_id}", {}, other)["data"] == {"queries": []}
    assert _post(served.url, f"/queries/{query_id}/result", {}, None)["code"] == "390104"


def test_another_users_queries_do_not_push_out_a_users_kept_results(served: SnowflakeServer, admin: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The server kept the last 256 results of everyone together: any user could make another user's
    results (an async query's, which the driver fetches later) vanish by running 256 queries."""
    monkeypatch.setattr("snowreg.server.sessions.KEPT_RESULTS", 4)
    kept = run(served.url, admin, "SELECT X FROM DB.PUBLIC.SECRET")["data"]["queryId"]
    other = str(login(served.url, "U", "p")["data"]["token"])
    for _ in range(6):
        assert run(served.url, other, "SELECT 1")["success"]
    assert _rows(_post(served.url, f"/queries/{kept}/result", {}, admin)) == [["42"]]
    for _ in range(4):  # a user's own later results push out its earlier ones
        assert run(served.url, admin, "SELECT 2")["success"]
    assert _post(served.url, f"/queries/{kept}/result", {}, admin)["code"] == "000709"


def test_another_users_large_results_do_not_push_out_a_users_chunks(served: SnowflakeServer, admin: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("snowreg.server.chunks.KEPT_CHUNKED", 2)
    large = "SELECT SEQ4() AS N FROM TABLE(GENERATOR(ROWCOUNT => 10001))"
    mine = _post(served.url, "/queries/v1/query-request?requestId=1", {"sqlText": large}, admin)["data"]
    other = str(login(served.url, "U", "p")["data"]["token"])
    for _ in range(3):
        assert run(served.url, other, large)["success"]
    request = urllib.request.Request(mine["chunks"][0]["url"], headers=mine["chunkHeaders"])
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.read() == b'["10000"]'


def test_a_session_no_token_can_reach_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that went away without logging out left its session open for good: its connection, its
    temporary tables (holding their names, J76) and its folder, long after neither token could reach it."""
    monkeypatch.setattr("snowreg.server.sessions.MASTER_VALIDITY", 0)
    server = snowreg.server.start(database="DB", schema="PUBLIC", admin_password="root-pw", session_seconds=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        first = login(server.url, "ADMIN", "root-pw")["data"]["token"]
        [abandoned] = list(server.sessions._by_token.values())
        assert login(server.url, "ADMIN", "root-pw")["success"]
        assert abandoned.conn.is_closed() and abandoned.conn.session.host_files is not None
        assert not abandoned.conn.session.host_files.exists()
        assert _rows(run(server.url, first, "SELECT 1")) == "390104"
    finally:
        server.stop()
        thread.join(timeout=30)


def test_the_lock_holds_however_the_name_is_spelt(served: SnowflakeServer, admin: str) -> None:
    """The count was kept per spelling of the login name, while `admin`, ` ADMIN`, `"ADMIN"` and
    `ADMIN  ` all log in as ADMIN: a new spelling every fifth guess guessed without end."""
    for spelling in ("admin", " ADMIN", '"ADMIN"', "ADMIN  ", "Admin"):
        assert login(served.url, spelling, "guess")["code"] == "390100"
    assert login(served.url, "ADMIN ", "root-pw")["code"] == "390102"


def _upload(url: str, presigned: str, body: bytes) -> int:
    request = urllib.request.Request(presigned, data=body, method="PUT")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def test_an_upload_url_dies_with_its_users_session(served: SnowflakeServer, admin: str) -> None:
    """A presigned upload URL ran its PUT on the session that asked for it, checked by nothing but its
    ticket: after its user was dropped (and another user of the name made), the file still went into
    the user stage of that name, the new user's."""
    token = str(login(served.url, "U", "p")["data"]["token"])
    put = run(served.url, token, "PUT file:///tmp/leftover.csv @~ AUTO_COMPRESS = FALSE")
    presigned = put["data"]["stageInfo"]["presignedUrl"]
    assert run(served.url, admin, "DROP USER U")["success"]
    assert run(served.url, admin, "CREATE USER U PASSWORD = 'p2'")["success"]
    assert _upload(served.url, presigned, b"a,b\n") == 400
    newcomer = str(login(served.url, "U", "p2")["data"]["token"])
    assert _rows(run(served.url, newcomer, "LIST @~")) == []


def test_an_upload_url_works_while_its_session_does(served: SnowflakeServer, admin: str) -> None:
    token = str(login(served.url, "U", "p")["data"]["token"])
    put = run(served.url, token, "PUT file:///tmp/kept.csv @~ AUTO_COMPRESS = FALSE")
    assert _upload(served.url, put["data"]["stageInfo"]["presignedUrl"], b"a,b\n") == 200
    assert [row[0] for row in _rows(run(served.url, token, "LIST @~"))] == ["kept.csv"]
