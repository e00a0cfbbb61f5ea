"""`snowreg serve`: Snowflake's HTTP wire protocol over one shared registry, so real drivers connect."""

from __future__ import annotations

import os
import secrets
import signal
import sys
import threading
from typing import TextIO

import snowreg
from snowreg.server.app import STOP_GRACE, SnowflakeServer
from snowreg.server.sessions import SESSION_VALIDITY

__all__ = ["SnowflakeServer", "serve", "start"]


def start(path: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 0,
          database: str | None = None, schema: str | None = None,
          session_seconds: float = SESSION_VALIDITY, grace: float = STOP_GRACE,
          admin_password: str | None = None) -> SnowflakeServer:
    """A server bound to host:port (0: a free port) over the registry at `path` (in memory without).

    Call `serve_forever()` on it (or run it in a thread) and `stop()` to end it. Session tokens last
    `session_seconds` (an hour, as Snowflake's) before the drivers must renew them. On `stop()`,
    running statements get `grace` seconds to finish before they are cancelled.

    Every login gives a user's password. `admin_password` becomes ADMIN's (stored hashed, replacing
    the one it had); without it ADMIN keeps the password it has, and one that has none gets a random
    one, which the server's `generated_password` holds (None otherwise) for whoever starts it.
    """
    root = snowreg.connect(database=database, schema=schema, path=path)
    try:
        generated = None
        if admin_password is None and not root.user_has_password("ADMIN"):
            admin_password = generated = secrets.token_urlsafe(18)
        if admin_password is not None:
            root.set_user_password("ADMIN", admin_password)
        server = SnowflakeServer((host, port), root, database, schema, session_seconds, grace)
        server.generated_password = generated
        return server
    except BaseException:
        root.close()
        raise


def serve(path: str | os.PathLike[str] | None = None, host: str = "127.0.0.1", port: int = 0,
          database: str | None = None, schema: str | None = None, out: TextIO = sys.stdout,
          grace: float = STOP_GRACE, admin_password: str | None = None, err: TextIO = sys.stderr) -> None:
    """Run until SIGINT or SIGTERM, announcing `snowreg serve: listening on http://HOST:PORT` when ready
    (and, on `err` before it, ADMIN's password when the server had to make one up)."""
    server = start(path, host, port, database, schema, grace=grace, admin_password=admin_password)
    if server.generated_password is not None:
        print(f"snowreg serve: ADMIN's password is {server.generated_password} (generated; set "
              "SNOWREG_ADMIN_PASSWORD to choose it)", file=err, flush=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=server.serve_forever, name="snowreg-serve", daemon=True)
    thread.start()
    print(f"snowreg serve: listening on {server.url}", file=out, flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
        thread.join(timeout=10)
        for s, handler in previous.items():
            signal.signal(s, handler)
