"""The HTTP front: routes Snowflake's REST endpoints to the protocol, one JSON answer per request."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from snowreg import errors
from snowreg.dbapi import Connection
from snowreg.server import protocol
from snowreg.server.chunks import KEY_HEADER as CHUNK_KEY
from snowreg.server.chunks import PREFIX as RESULT_CHUNKS
from snowreg.server.protocol import Json, failure, ok
from snowreg.server.sessions import SESSION_VALIDITY, HttpSession, Sessions
from snowreg.server.transfer import PREFIX as STAGE_FILES

STOP_GRACE = 10.0  # seconds running statements get to finish when the server stops
STOP_WAIT = 30.0  # at most this long for cancelled statements and unsent answers

_TOKEN = re.compile(r'Snowflake\s+Token="([^"]*)"', re.I)
_MONITORING = re.compile(r"/monitoring/queries/([0-9a-f-]{36})$")
_RESULT = re.compile(r"/queries/([0-9a-f-]{36})/result$")
_SLASHES = re.compile(r"//+")
_ABORT = re.compile(r"/queries/([0-9a-f-]{36})/abort-request$")
# Requests answered without a session token, and how large a body they may send (unpacked): a login is
# small. A session's requests may send more (bindings of a large executemany stay inline).
_OPEN_PATHS = ("/session/v1/login-request", "/session/token-request", "/telemetry/send", "/telemetry/send/sessionless")
OPEN_BODY_LIMIT = 1 << 20
SESSION_BODY_LIMIT = 512 << 20


class BodyTooLarge(ValueError):
    """A request body (or what it unpacks to) past its limit."""


class SnowflakeServer(ThreadingHTTPServer):
    """A threading HTTP server holding the sessions and query runner of one registry."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], root: Connection, database: str | None = None,
                 schema: str | None = None, session_seconds: float = SESSION_VALIDITY,
                 grace: float = STOP_GRACE) -> None:
        super().__init__(address, Handler)
        self.sessions = Sessions(root, database, schema, session_seconds)
        self.queries = protocol.Queries(self.sessions)
        self.grace = grace
        self.generated_password: str | None = None  # ADMIN's, when start() had to make one up
        self._stopped = threading.Event()
        self._requests = 0  # requests being answered
        self._answered = threading.Condition()

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Count a request until its answer is sent (stop() waits for them)."""
        with self._answered:
            self._requests += 1
        try:
            yield
        finally:
            with self._answered:
                self._requests -= 1
                self._answered.notify_all()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"

    def stop(self) -> None:
        """Stop accepting requests; statements in flight get `grace` seconds to finish and are then
        cancelled (answering 000604); every request gets its answer; then every session and the
        registry close (a `--db` registry is checkpointed: nothing is lost)."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.shutdown()
        cancels = self.queries.cancels
        if not cancels.wait_idle(self.grace):
            cancels.cancel_all()
            cancels.wait_idle(STOP_WAIT)
        with self._answered:
            self._answered.wait_for(lambda: self._requests == 0, timeout=STOP_WAIT)
        self.queries.shutdown()
        self.sessions.close_all()
        self.sessions.root.close()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    """One request: decode (gzip) JSON, check the session token, dispatch, answer in one send."""

    server: SnowflakeServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Requests are not logged (the server prints only its listening line)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self._handle("POST")

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_HEAD(self) -> None:  # noqa: N802
        path = _SLASHES.sub("/", urlsplit(self.path).path)
        if path.startswith(STAGE_FILES):
            self._stage_file("HEAD", path)
        else:
            self._send_bytes(404, b"", "application/json", head_only=True)

    def _handle(self, method: str) -> None:
        with self.server.answering():
            self._answer(method)

    def _answer(self, method: str) -> None:
        parts = urlsplit(self.path)
        # Repeated slashes name the same resource (the connector 5.x asks `/monitoring/queries//<id>`).
        parts = parts._replace(path=_SLASHES.sub("/", parts.path))
        if parts.path.startswith(STAGE_FILES):
            self._stage_file(method, parts.path)
            return
        if parts.path.startswith(RESULT_CHUNKS) and method == "GET":
            status, data = self.server.queries.chunks.download(parts.path, self.headers.get(CHUNK_KEY))
            self._send_bytes(status, data, "application/octet-stream")
            return
        query = dict(parse_qsl(parts.query))
        session = None
        if parts.path not in _OPEN_PATHS:  # the token first: a body is read only for a session
            try:
                session = self.server.sessions.find(self._token())
            except errors.Error as e:
                self._skip_body()
                self._send(200, failure(e))
                return
        try:
            body = self._body(SESSION_BODY_LIMIT if session is not None else OPEN_BODY_LIMIT)
        except BodyTooLarge:
            self.close_connection = True
            self._send(400, {"success": False, "code": "390400", "data": None,
                             "message": "The request body is too large."})
            return
        except (ValueError, OSError, zlib.error):
            self._send(400, {"success": False, "code": "390400", "data": None,
                             "message": "The request body is not valid (gzip) JSON."})
            return
        try:
            status, answer = self._route(method, parts.path, query, body, session)
        except Exception as e:  # noqa: BLE001 - a driver retries an HTTP 500 forever: answer in JSON
            status, answer = 200, failure(errors.internal_error(f"{type(e).__name__}: {e}"))
        self._send(status, answer)

    def _stage_file(self, method: str, path: str) -> None:
        """A presigned URL of a PUT or GET: the ticket in the URL is the credential, as on GCS."""
        transfers = self.server.queries.transfers
        if method in ("PUT", "GET"):  # a live ticket of a session that still stands, before any body
            session = transfers.session_of(path, "upload" if method == "PUT" else "download")
            if session is None or not self.server.sessions.stands(session):
                self._skip_body()
                self._send_bytes(400 if method == "PUT" else 404, b"The presigned URL is unknown or has expired.",
                                 "text/plain")
                return
        if method == "PUT":
            only_if_new = self.headers.get("x-goog-if-generation-match", "").strip() == "0"
            status, message = transfers.upload(path, self._raw(), only_if_new)
            self._send_bytes(status, message.encode(), "text/plain")
        elif method == "HEAD":
            self._send_bytes(transfers.exists(path), b"", "text/plain", head_only=True)
        elif method == "GET":
            status, data = transfers.download(path)
            self._send_bytes(status, data, "application/octet-stream")
        else:
            self._send_bytes(405, b"Only PUT and GET.", "text/plain")

    def _skip_body(self) -> None:
        """A request refused before its body: a small body is read past (the connection goes on), a
        larger one is left unread and the connection closes after the answer."""
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= OPEN_BODY_LIMIT:
            self.rfile.read(length)
        elif length > 0:
            self.close_connection = True

    def _raw(self, limit: int | None = None) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if limit is not None and length > limit:
            raise BodyTooLarge(length)
        return self.rfile.read(length) if length > 0 else b""

    def _body(self, limit: int) -> Json:
        raw = self._raw(limit)
        if raw[:2] == b"\x1f\x8b" or self.headers.get("Content-Encoding", "").lower() == "gzip":
            raw = _gunzip(raw, limit)
        if not raw.strip():
            return {}
        body = orjson.loads(raw)
        return body if isinstance(body, dict) else {}

    def _token(self) -> str | None:
        m = _TOKEN.search(self.headers.get("Authorization") or "")
        return m.group(1) if m else None

    def _route(self, method: str, path: str, query: dict[str, str], body: Json,
               session: HttpSession | None) -> tuple[int, Json]:
        server = self.server
        if path == "/session/v1/login-request":
            return 200, protocol.login(server.sessions, query, body)
        if path == "/session/token-request":
            return 200, protocol.renew(server.sessions, self._token(), body)
        if session is None:  # telemetry
            return 200, ok("Log Received")
        if path == "/queries/v1/query-request":
            return 200, server.queries.submit(session, body, self._base_url(), query.get("requestId"))
        if path == "/queries/v1/abort-request":
            server.queries.cancels.cancel(session.conn.user, request_id=str(body.get("requestId") or ""))
            return 200, ok(None)
        if m := _ABORT.match(path):
            server.queries.cancels.cancel(session.conn.user, query_id=m.group(1))
            return 200, ok(None)
        if path == "/session/heartbeat":
            server.sessions.heartbeat(session)
            return 200, ok({})
        if path == "/session" and (query.get("delete") == "true" or method == "DELETE"):
            server.sessions.close(session)
            return 200, ok(None)
        if m := _MONITORING.match(path):
            return 200, server.queries.status(session, m.group(1))
        if m := _RESULT.match(path):
            return 200, server.queries.result(session, m.group(1))
        return 404, {"success": False, "code": "390404", "data": None,
                     "message": f"snowreg serve does not support {method} {path}."}

    def _base_url(self) -> str:
        """This server as the client reached it (presigned URLs must work from the client's host)."""
        return f"http://{self.headers.get('Host') or self.server.url.removeprefix('http://')}"

    def _send(self, status: int, answer: Json) -> None:
        self._send_bytes(status, orjson.dumps(answer, default=str), "application/json")

    def _send_bytes(self, status: int, payload: bytes, content_type: str, head_only: bool = False) -> None:
        """Head and body in one send: no Nagle / delayed-ACK stall between them (a HEAD: no body)."""
        head = (f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
        self.wfile.write(head if head_only else head + payload)
        self.wfile.flush()


def _gunzip(raw: bytes, limit: int) -> bytes:
    """The gzip members of a body unpacked, refused (BodyTooLarge) as soon as they pass `limit` bytes."""
    out = bytearray()
    while raw:
        unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += unpack.decompress(raw, limit + 1 - len(out))
        if len(out) > limit or unpack.unconsumed_tail:
            raise BodyTooLarge(len(out))
        if not unpack.eof:
            raise ValueError("a truncated gzip body")
        raw = unpack.unused_data
    return bytes(out)
