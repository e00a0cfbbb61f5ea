"""Logged-in clients: one snowreg Connection per HTTP session, found by its session token."""

from __future__ import annotations

import itertools
import secrets
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snowreg import error_catalog, errors
from snowreg.dbapi import Connection
from snowreg.grammar.text import resolve_ident

SESSION_VALIDITY = 3600  # seconds, as Snowflake's session token
MASTER_VALIDITY = 4 * 3600  # the master token renews the session for this long
MAX_RETRIES = 5  # wrong passwords in a row that lock a user (Snowflake's default password policy) ...
LOCKOUT_SECONDS = 15 * 60  # ... for this long
KEPT_FAILURES = 10_000  # login names whose wrong passwords are counted, oldest forgotten first
KEPT_RESULTS = 256  # results kept per user for RESULT_SCAN / get_results_from_sfqid, its oldest dropped first
ARROW_CLIENTS = ("PythonConnector", "PythonSnowpark", "SnowparkPythonAPI")


@dataclass
class HttpSession:
    """One client login: its connection, tokens and how it wants result sets."""

    conn: Connection
    token: str
    master_token: str
    session_id: int
    client: str
    arrow: bool
    expires: float
    master_expires: float
    user_made: Any = None  # when the user was made: a dropped, replaced or disabled user's session ends
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class StoredResult:
    """A finished (or failed, or still running) query, kept for its owner's later fetches."""

    user: str
    done: threading.Event = field(default_factory=threading.Event)
    response: dict[str, Any] | None = None


class Sessions:
    """Every open HTTP session of one server, over one shared registry."""

    def __init__(self, root: Connection, database: str | None = None, schema: str | None = None,
                 session_seconds: float = SESSION_VALIDITY) -> None:
        self.root = root
        self.session_seconds = session_seconds
        self.database = database
        self.schema = schema
        self._by_token: dict[str, HttpSession] = {}
        self._by_master: dict[str, HttpSession] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1_000_001)
        self._results: OrderedDict[str, StoredResult] = OrderedDict()
        # wrong passwords in a row per login name (a name no user has too, so that a locked name says
        # nothing of whether the user exists): (how many, locked until)
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()
        # The server's scratch folder: each session gets a folder of its own there, the only host files
        # its statements may touch (engine Session.host_files); uploads and downloads pass through it.
        self.scratch = Path(tempfile.mkdtemp(prefix="snowreg-serve-"))

    # -- login and tokens ---------------------------------------------------------------------

    def login(self, user: str | None, password: str | None, role: str | None, warehouse: str | None,
              client: str, want_json: bool) -> HttpSession:
        """A new session as `user` (errors.login_failed for a wrong password or unknown user; after
        MAX_RETRIES of them in a row the name is locked for LOCKOUT_SECONDS, right password or not)."""
        key = resolve_ident(user) if user else "ADMIN"  # the user it names, however spelt
        with self._lock:
            _, locked_until = self._failures.get(key, (0, 0.0))
        if time.monotonic() < locked_until:
            raise error_catalog.user_locked()
        try:
            # always a password login: a user without a password, or a client sending none, is refused
            conn = self.root.open_session(user=user, password=password or "", role=role or None,
                                          warehouse=warehouse or None)
        except errors.Error as e:
            if error_catalog.is_login_failure(e):
                self._failed(key)
            if e.errno == 3013:  # the role is not granted: Snowflake refuses the login itself
                raise errors.login_role_not_granted(str(role)) from None
            raise
        with self._lock:
            self._failures.pop(key, None)
        self._sweep()
        now = time.monotonic()
        session = HttpSession(conn, _token("ST"), _token("MT"), next(self._ids), client,
                              client in ARROW_CLIENTS and not want_json, now + self.session_seconds,
                              now + MASTER_VALIDITY)
        session.user_made = self.root.user_stamp(conn.user)
        conn.session.host_files = Path(tempfile.mkdtemp(dir=self.scratch))
        with self._lock:
            self._by_token[session.token] = session
            self._by_master[session.master_token] = session
        return session

    def _sweep(self) -> None:
        """Close the sessions no token can reach any more (session token and master token both past):
        a client that went away without logging out leaves no connection, temporary object or folder."""
        now = time.monotonic()
        with self._lock:
            gone = [s for s in self._by_master.values() if now > max(s.expires, s.master_expires)]
        for session in gone:
            self.close(session)

    def _failed(self, key: str) -> None:
        with self._lock:
            count, _ = self._failures.pop(key, (0, 0.0))
            count += 1
            locked = count >= MAX_RETRIES
            self._failures[key] = (0 if locked else count, time.monotonic() + LOCKOUT_SECONDS if locked else 0.0)
            while len(self._failures) > KEPT_FAILURES:
                self._failures.popitem(last=False)

    def find(self, token: str | None) -> HttpSession:
        """The session of a session token: 390104 when unknown, 390112 when expired (the driver renews)."""
        session = self._by_token.get(token or "")
        if session is None or not self._user_holds(session):
            raise errors.session_gone()
        if time.monotonic() > session.expires:
            raise errors.session_expired()
        return session

    def stands(self, session: HttpSession) -> bool:
        """Is the session still open (not logged out, swept or ended with its user)? Its presigned URLs
        work only while it is."""
        with self._lock:
            registered = self._by_master.get(session.master_token) is session
        return registered and self._user_holds(session)

    def _user_holds(self, session: HttpSession) -> bool:
        """Is the session's user still the one that logged in (not dropped, replaced or disabled)?
        A session whose user is not is closed: its tokens answer as a logged-out session's."""
        if self.root.user_stamp(session.conn.user) == session.user_made:
            return True
        self.close(session)
        return False

    def renew(self, master_token: str | None, old_token: str | None) -> HttpSession:
        """New session token for the master token's session (the old one stops working)."""
        session = self._by_master.get(master_token or "")
        if session is None or time.monotonic() > session.master_expires or not self._user_holds(session):
            raise errors.master_token_expired()
        with self._lock:
            self._by_token.pop(session.token, None)
            session.token = _token("ST")
            session.expires = time.monotonic() + self.session_seconds
            self._by_token[session.token] = session
        return session

    def heartbeat(self, session: HttpSession) -> None:
        session.expires = time.monotonic() + self.session_seconds

    def close(self, session: HttpSession) -> None:
        with self._lock:
            self._by_token.pop(session.token, None)
            self._by_master.pop(session.master_token, None)
        with session.lock:  # an in-flight statement of this session finishes first
            folder = session.conn.session.host_files
            session.conn.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def close_all(self) -> None:
        with self._lock:
            sessions = list(self._by_master.values())
        for s in sessions:
            self.close(s)
        shutil.rmtree(self.scratch, ignore_errors=True)

    # -- results kept for RESULT_SCAN and monitoring ------------------------------------------

    def start_result(self, query_id: str, user: str) -> StoredResult:
        """Keep a query's result for its user; past KEPT_RESULTS of the user's, its oldest goes (never
        another user's: a user's queries cannot push out what another will fetch)."""
        stored = StoredResult(user)
        with self._lock:
            self._results[query_id] = stored
            mine = [q for q, r in self._results.items() if r.user == user]
            for old in mine[:max(0, len(mine) - KEPT_RESULTS)]:
                self._results.pop(old, None)
        return stored

    def result(self, query_id: str, user: str) -> StoredResult | None:
        """The stored result of a query of this user (other users' queries are not visible)."""
        stored = self._results.get(query_id)
        return stored if stored is not None and stored.user == user else None


def _token(kind: str) -> str:
    return f"snowreg-{kind}-{secrets.token_urlsafe(24)}"
