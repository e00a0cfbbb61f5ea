"""The engine's outer error boundary: whatever a statement raises leaves it as a Snowflake-shaped error."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import duckdb

from snowreg import errors
from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.engine.sql import duckerrors

_DEFAULT_TIMEOUT = 172800  # Snowflake's default STATEMENT_TIMEOUT_IN_SECONDS (two days): no timer

# Sessions running a statement now, by session id (SYSTEM$CANCEL_ALL_QUERIES); the lock also keeps a cancel
# from landing between a statement's end and the next one.
_running: dict[int, Session] = {}  # a statement's `finally` takes its session out
_running_lock = threading.Lock()


def guarded(session: Session, run: Callable[[], Result]) -> Result:
    """Run one statement: DuckDB, OS, regex and recursion failures become snowreg errors, the
    session's STATEMENT_TIMEOUT_IN_SECONDS interrupts DuckDB, and a failed statement never leaves the
    session's DuckDB connection in an aborted transaction."""
    if session.canceled.is_set():  # cancelled before it started
        session.canceled.clear()
        raise errors.statement_canceled()
    # STATEMENT_TIMEOUT_IN_SECONDS unset: no timer (its default, two days, sets none either)
    timer = _Timer(session) if "STATEMENT_TIMEOUT_IN_SECONDS" in session.parameters else None
    outer = session.deadline  # a statement inside a procedure keeps its CALL's deadline when that is sooner
    if timer is not None and timer.running:
        mine = (time.monotonic() + timer.seconds, timer.seconds)
        session.deadline = mine if outer is None or mine[0] < outer[0] else outer
    with _running_lock:
        _running[session.id] = session
    session.settle()  # what an earlier statement left open
    try:
        return run()
    except BaseException as e:
        _recover(session)
        if session.canceled.is_set():
            session.canceled.clear()
            raise errors.statement_canceled() from None
        if timer is not None and timer.fired:
            raise errors.statement_timeout(timer.seconds) from None
        translated = _translate(e, session)
        if translated is None:
            raise
        raise translated from None
    finally:
        if timer is not None:
            timer.cancel()
        session.deadline = outer
        with _running_lock:
            _running.pop(session.id, None)
            if session.canceled.is_set():  # a cancel that came as it ended has nothing left to stop
                session.canceled.clear()


def cancel_all(caller: Session, session_id: int) -> int:
    """SYSTEM$CANCEL_ALL_QUERIES: cancel the statement another session of the same registry is running (one
    at a time runs per session); the caller's user's sessions, any under ACCOUNTADMIN. The number cancelled."""
    with _running_lock:
        other = _running.get(session_id)
        if other is None or other is caller or other.catalog is not caller.catalog \
                or (other.user != caller.user and caller.role != "ACCOUNTADMIN"):
            return 0
        cancel(other)
    return 1


def when_idle(session: Session, act: Callable[[], None]) -> bool:
    """Run `act` while `session` runs no statement, keeping it from starting one meanwhile (SYSTEM$ABORT_TRANSACTION
    rolls back another session's transaction on its connection); False, nothing done, when it is running one."""
    with _running_lock:
        if session.id in _running and _running[session.id] is session:
            return False
        act()
    return True


def cancel(session: Session) -> None:
    """Cancel the session's running statement from another thread: it fails with 000604 (DuckDB work
    is interrupted, model calls stop at their next batch). Call it only while a statement runs."""
    session.canceled.set()
    threading.Thread(target=_interrupt_until_over, args=(session,), daemon=True).start()


def _interrupt_until_over(session: Session, every: float = 0.02, limit: float = 60.0) -> None:
    """Interrupt the session's DuckDB work until the statement is over (`guarded` clears the flag): an
    interrupt that comes while the statement is still in Python finds nothing to stop, and DuckDB forgets
    it, so one interrupt is not enough."""
    deadline = time.monotonic() + limit
    while session.canceled.is_set() and time.monotonic() < deadline:
        duck = session.open_duck
        if duck is not None:
            duck.interrupt()
        time.sleep(every)


def _translate(e: BaseException, session: Session) -> errors.Error | None:
    if isinstance(e, errors.Error):
        return None
    if isinstance(e, RecursionError):
        return errors.nested_too_deeply()
    if isinstance(e, duckdb.Error):
        return duckerrors.translate(e, session.database, session.schema)
    if isinstance(e, re.error):
        return errors.invalid_regex(str(e.pattern), str(e))
    if isinstance(e, OSError):
        where = f": {e.filename}" if e.filename else ""
        return errors.os_error(f"{e.strerror or e}{where}")
    return None


def _recover(session: Session) -> None:
    """DuckDB refuses everything after an error inside an explicit transaction until a ROLLBACK;
    Snowflake's connection stays usable. Roll the aborted transaction back so the next statement runs."""
    duck = session.open_duck
    if duck is None:
        return
    try:
        duck.execute("SELECT 1").fetchall()
    except duckdb.TransactionException:
        try:
            duck.execute("ROLLBACK")
        except duckdb.Error:
            pass
        session.forget_duckdb_path()
    except duckdb.Error:
        pass


class _Timer:
    """Interrupts the session's DuckDB work once the statement timeout has passed."""

    def __init__(self, session: Session) -> None:
        self.fired = False
        self.seconds = _timeout(session)
        self._timer: threading.Timer | None = None
        if 0 < self.seconds < _DEFAULT_TIMEOUT:
            self._timer = threading.Timer(self.seconds, self._fire, [session])
            self._timer.daemon = True
            self._timer.start()

    def _fire(self, session: Session) -> None:
        self.fired = True
        duck = session.open_duck
        if duck is not None:
            duck.interrupt()

    @property
    def running(self) -> bool:
        """Whether this statement has a timeout (the default, two days, sets no timer)."""
        return self._timer is not None

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _timeout(session: Session) -> int:
    text = session.parameters.get("STATEMENT_TIMEOUT_IN_SECONDS")
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0
