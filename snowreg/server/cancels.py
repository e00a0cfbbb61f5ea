"""Statements in flight, so that an abort request (or a stopping server) can cancel them.

Every query request is registered from its arrival (it may wait for its session's earlier statement)
until it has run. An abort names the request (`/queries/v1/abort-request` with the `requestId` the
query was sent with, as the drivers do on a timeout or Ctrl-C) or the query id
(`/queries/<id>/abort-request`, the connector's `abort_query`). A statement cancelled before it starts
never runs; a running one is cancelled through its connection (`Connection.cancel`: DuckDB is
interrupted, model calls stop at their next batch) and answers 000604 "SQL execution canceled".
Only the user who sent a statement may cancel it, or (SYSTEM$CANCEL_QUERY) a session under ACCOUNTADMIN.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from snowreg.server.sessions import HttpSession


@dataclass(eq=False)
class Flight:
    """One query request between its arrival and the end of its statement."""

    session: HttpSession
    query_id: str
    request_id: str | None
    canceled: bool = False
    running: bool = False


class Cancels:
    """The flights of one server."""

    def __init__(self) -> None:
        self._flights: set[Flight] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def begin(self, session: HttpSession, query_id: str, request_id: str | None) -> Flight:
        flight = Flight(session, query_id, request_id or None)
        with self._lock:
            self._flights.add(flight)
        return flight

    def start(self, flight: Flight) -> bool:
        """Mark the flight running (its session lock held); False when it was cancelled while waiting."""
        with self._lock:
            flight.running = not flight.canceled
            return flight.running

    def end(self, flight: Flight) -> None:
        """The statement is over: a cancel that raced with its end must not reach the next statement."""
        with self._lock:
            self._flights.discard(flight)
            if flight.running:
                flight.session.conn.session.canceled.clear()
            flight.running = False
            self._idle.notify_all()

    def cancel(self, user: str, request_id: str | None = None, query_id: str | None = None,
               any_user: bool = False) -> bool:
        """Cancel the user's statement (any user's with `any_user`) of that request or query id; False
        when there is none in flight."""
        with self._lock:
            found = [f for f in self._flights if (any_user or f.session.conn.user == user) and
                     ((request_id and f.request_id == request_id) or (query_id and f.query_id == query_id))]
            for flight in found:
                self._cancel(flight)
        return bool(found)

    def cancel_all(self) -> None:
        with self._lock:
            for flight in self._flights:
                self._cancel(flight)

    def _cancel(self, flight: Flight) -> None:
        flight.canceled = True
        if flight.running:
            flight.session.conn.cancel()

    def wait_idle(self, seconds: float) -> bool:
        """Wait until no statement is in flight (at most `seconds`); True when none is."""
        deadline = time.monotonic() + seconds
        with self._lock:
            while self._flights:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True
