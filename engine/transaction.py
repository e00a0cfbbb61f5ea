"""Snowflake transactions on a session's DuckDB connection: BEGIN / COMMIT / ROLLBACK, AUTOCOMMIT, DDL.

Snowflake's rules (https://docs.snowflake.com/en/sql-reference/transactions):
- BEGIN opens a transaction; a BEGIN inside an open transaction is ignored. COMMIT and ROLLBACK
  outside one succeed and do nothing.
- A DDL statement commits the open transaction first and then runs as a transaction of its own.
- With AUTOCOMMIT off, the first DML statement after a transaction ended opens one implicitly.
- A statement that fails inside a transaction is rolled back alone; the transaction stays open.
- Uncommitted writes are invisible to other sessions.

DuckDB gives each session's connection its own transaction (snapshot isolation), so uncommitted writes
stay private. DuckDB aborts the whole transaction when one statement fails; snowreg then rolls it back
and replays the writes that had succeeded, which is Snowflake's statement-level rollback.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

import duckdb

from snowreg import error_catalog, errors
from snowreg.catalog.store import now
from snowreg.engine.result import Result, from_rows, in_zone, status
from snowreg.engine.session import Session
from snowreg.grammar import ast

_BEGIN = re.compile(r"\s*(?:BEGIN(?:\s+(?:WORK|TRANSACTION))?|START\s+TRANSACTION)"
                    r"(?:\s+NAME\s+(\w+|\"(?:[^\"]|\"\")*\"))?\s*;?\s*\Z", re.I)
_END = re.compile(r"\s*(COMMIT|ROLLBACK)(?:\s+WORK)?\s*;?\s*\Z", re.I)
_CONTROL = re.compile(r"\s*(?:BEGIN|START|COMMIT|ROLLBACK|DESC)", re.I)  # how _BEGIN, _END and _DESCRIBE start
_DESCRIBE = re.compile(r"\s*DESC(?:RIBE)?\s+TRANSACTION\s+(.*?)\s*;?\s*\Z", re.I | re.S)

_ids = threading.Lock()
_last_id = [0]
# The open transactions of this process, for SHOW TRANSACTIONS: id → (its session, name, start).
_open: dict[str, tuple[weakref.ref[Session], str, datetime]] = {}
# The tables each open transaction has written, for SHOW LOCKS: id → table → (acquired on, the number of the
# statement that wrote it first among its session's statements, whose query id the session records after it).
_locks: dict[str, dict[str, tuple[datetime, int]]] = {}
# The tables each open transaction has changed with UPDATE, DELETE, MERGE, TRUNCATE or INSERT OVERWRITE: such a
# statement of another session on one of them would wait for the lock in Snowflake (DECISIONS.md M21).
_changed: dict[str, set[str]] = {}
# Transactions that ended, for DESCRIBE TRANSACTION: id → (its registry, user, session number, name, started on,
# state, ended on); the newest _HISTORY_LIMIT are kept.
_history: OrderedDict[str, tuple[weakref.ref[Any], str, int, str, datetime, str, datetime | None]] = OrderedDict()
_HISTORY_LIMIT = 10_000
COMMITTED, ROLLED_BACK, RUNNING = "committed", "rolled back", "running"


def new_id() -> str:
    """A transaction id in the shape of Snowflake's (the CURRENT_TRANSACTION page shows
    `1661899308790000000`: epoch milliseconds times 10**6), unique and increasing in this process."""
    with _ids:
        _last_id[0] = max(_last_id[0] + 1, time.time_ns() // 1_000_000 * 1_000_000)
        return str(_last_id[0])


@cache
def _ddl_statements() -> tuple[type, ...]:
    """Registry statements that are DDL: they commit the open transaction and run as their own (a
    function: naming them loads the AST topics, which a session sending only SQL never needs)."""
    return (
        ast.CreateDatabase, ast.DropDatabase, ast.CreateSchema, ast.DropSchema, ast.CreateModel, ast.DropModel,
        ast.AlterModelSet, ast.AlterModelUnset, ast.AlterModelSetTag, ast.AlterModelUnsetTag, ast.SetAlias,
        ast.UnsetAlias, ast.RenameModel, ast.AddVersion, ast.DropVersion, ast.ModifyVersion, ast.CommentOn,
        ast.CreateTag, ast.DropTag, ast.CreateStage, ast.DropStage, ast.CreateRole, ast.DropRole, ast.CreateUser,
        ast.DropUser, ast.GrantRole, ast.RevokeRole, ast.GrantPrivileges, ast.RevokePrivileges, ast.GrantOwnership,
    )


# Plain-SQL statement kinds (engine.sql.translate.Kind) that are DDL, and those that write rows.
DDL_KINDS = frozenset({"create_table", "create_view", "drop", "alter", "ddl"})
DML_KINDS = frozenset({"insert", "update", "delete", "merge", "truncate"})
LOCKING_KINDS = frozenset({"update", "delete", "merge", "truncate"})  # an INSERT OVERWRITE too


def control(session: Session, text: str, describe_only: bool = False) -> Result | None:
    """BEGIN / START TRANSACTION / COMMIT / ROLLBACK / DESCRIBE TRANSACTION, run here; None for any other
    statement."""
    if len(text) > 80 or _CONTROL.match(text) is None:  # (one test for the three forms below)
        return None
    described = _DESCRIBE.match(text)
    if described:
        at = described.start(1)
        return describe(session, described.group(1), describe_only,
                        (text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at) - 1))
    m = _BEGIN.match(text)
    if m:
        if not describe_only:
            begin(session, _transaction_name(m.group(1)))
        return status()
    end = _END.match(text)
    if end is None:
        return None
    if describe_only:
        return status()
    if end.group(1).upper() == "COMMIT":
        commit(session)
    else:
        rollback(session)
    return status()


def _transaction_name(written: str | None) -> str | None:
    if written is None:
        return None
    return written[1:-1].replace('""', '"') if written.startswith('"') else written.upper()


def begin(session: Session, name: str | None = None) -> None:
    """Open a transaction; inside an open one BEGIN is ignored (Snowflake: no nested transactions).
    Without NAME it gets a system name, a UUID (the SHOW TRANSACTIONS page)."""
    if session.transaction:
        return
    session.duck.execute("BEGIN TRANSACTION")
    session.transaction = True
    session.transaction_writes = []
    session.transaction_id = new_id()
    with _ids:
        _open[session.transaction_id] = (weakref.ref(session), name or str(uuid.uuid4()), now())


# What other parts of the engine do when a transaction commits (inside it, before DuckDB's COMMIT; after
# it succeeded) or ends: the table streams' offsets move (engine.sql.stream_changes).
BEFORE_COMMIT: list[Callable[[Session], None]] = []
AFTER_COMMIT: list[Callable[[Session], None]] = []
ENDED: list[Callable[[Session], None]] = []


def written_database(session: Session) -> str | None:
    """The database the open transaction's DML has written, when known (DuckDB lets a transaction write
    one; SHOW LOCKS' records name its tables `database.schema.table`)."""
    with _ids:
        held = list(_locks.get(session.transaction_id or "", {}))
    return held[0].split(".", 1)[0] if held else None


def _ended(session: Session, state: str = ROLLED_BACK) -> None:
    """The open transaction ended (committed, rolled back or abandoned): LAST_TRANSACTION names it, DESCRIBE
    TRANSACTION shows its `state`; DDL it held is now visible to every session, or gone."""
    session.catalog.store.data_catalog_changed()
    session.transaction = False
    session.transaction_writes = []
    session.pending_loads = []
    with _ids:
        entry = _open.pop(session.transaction_id or "", None)
        _locks.pop(session.transaction_id or "", None)
        _changed.pop(session.transaction_id or "", None)
        if entry is not None and session.transaction_id is not None:
            _remember(session, session.transaction_id, entry[1], entry[2], state)
    session.last_transaction, session.transaction_id = session.transaction_id, None
    for hook in ENDED:
        hook(session)


def commit(session: Session) -> None:
    """Make the open transaction's writes visible to every session; nothing to do without one."""
    if not session.transaction:
        return
    _check_scope(session)
    loads = session.pending_loads
    for hook in BEFORE_COMMIT:
        hook(session)
    committing = session.transaction_id
    _ended(session, COMMITTED)
    try:
        session.duck.execute("COMMIT")
    except duckdb.Error:
        _abandon(session)
        _restate(committing, ROLLED_BACK)
        raise errors.not_supported(  # DuckDB's own text names its internals, never what the user wrote
            "Committing writes that conflict with another session's committed writes (the transaction was rolled "
            "back)") from None
    session.catalog.loads.settle(loads)  # what COPY and TRUNCATE did to load metadata, now the rows are in
    for hook in AFTER_COMMIT:
        hook(session)


def rollback(session: Session) -> None:
    """Undo the open transaction's writes; nothing to do without one."""
    if not session.transaction:
        return
    _check_scope(session)
    _ended(session)
    session.duck.execute("ROLLBACK")


def before_statement(session: Session, stmt: ast.Statement) -> None:
    """Registry DDL commits the open transaction first; changing AUTOCOMMIT commits it too."""
    if isinstance(stmt, ast.Query):
        return  # plain SQL: `before_plain` decides by its kind
    if isinstance(stmt, _ddl_statements()) or changes_autocommit(stmt):
        commit(session)


def changes_autocommit(stmt: ast.Statement) -> bool:
    """ALTER SESSION SET / UNSET AUTOCOMMIT (with other parameters or alone)."""
    return isinstance(stmt, ast.AlterSession) and any(
        k.upper() == "AUTOCOMMIT" for k in [*(k for k, _ in stmt.set), *stmt.unset])


def before_plain(session: Session, kind: str, table: str | None = None, overwrite: bool = False) -> None:
    """Plain SQL: DDL commits the open transaction; with AUTOCOMMIT off, DML opens one. An UPDATE, DELETE,
    MERGE, TRUNCATE or INSERT OVERWRITE of `table` (fully qualified) that another session's open transaction
    changed so is refused: Snowflake would wait for that transaction's lock (the transactions page: these
    statements "hold locks that generally prevent them from running in parallel"); DuckDB would let the
    later write win and lose the open transaction's change."""
    if table is not None and (kind in LOCKING_KINDS or overwrite):
        with _ids:
            holders = [(txn, _open[txn][0]()) for txn, tables in _changed.items()
                       if table in tables and txn != session.transaction_id and txn in _open]
        # a closed session's transaction was rolled back; another registry's table of that name is another table
        if any(s is not None and s.transaction and s.transaction_id == txn and s.catalog is session.catalog
               for txn, s in holders):
            raise error_catalog.lock_wait()
    if kind in DDL_KINDS:
        commit(session)
    elif kind in DML_KINDS and not session.transaction and not autocommit(session):
        begin(session)


def after_plain(session: Session, kind: str, duckdb_sql: str, table: str | None = None,
                overwrite: bool = False) -> None:
    """Remember a successful write of the open transaction, to replay it if a later statement fails, and
    the lock it holds on the table it wrote (`table`, fully qualified). A DML or DDL statement outside one
    was a transaction of its own (autocommit): LAST_TRANSACTION names it."""
    if session.transaction and kind in DML_KINDS:
        session.transaction_writes.append(duckdb_sql)
        if table is not None and session.transaction_id is not None:
            with _ids:
                held = _locks.setdefault(session.transaction_id, {})
                held.setdefault(table, (now(), len(session.query_ids)))
                if kind in LOCKING_KINDS or overwrite:
                    _changed.setdefault(session.transaction_id, set()).add(table)
    elif not session.transaction and (kind in DML_KINDS or kind in DDL_KINDS):
        session.last_transaction = new_id()
        at = now()
        with _ids:
            _remember(session, session.last_transaction, str(uuid.uuid4()), at, COMMITTED, at)


UNREPLAYABLE = ""  # a write the transaction cannot repeat (model calls, file loads): see recover()


def after_other_write(session: Session) -> None:
    """A write of the open transaction that cannot be replayed (its inputs are gone afterwards)."""
    if session.transaction:
        session.transaction_writes.append(UNREPLAYABLE)


def mark(session: Session) -> tuple[str | None, int]:
    """Where the open transaction stands before a statement: its id and how many writes it has made."""
    return session.transaction_id, len(session.transaction_writes)


def recover(session: Session, before: tuple[str | None, int] | None = None) -> None:
    """After a failed statement: keep the transaction and its earlier writes (DuckDB aborted it all). `before`
    (mark(), taken as the statement began): what the failed statement itself wrote goes too, even when DuckDB
    kept it (a CALL whose body wrote rows before it failed: the transactions page, "the changes made by that
    failed statement are rolled back").

    When the earlier writes cannot be repeated, the transaction is rolled back and that is said loudly.
    """
    if not session.transaction:
        return
    duck = session.duck
    writes = session.transaction_writes
    keep = before[1] if before is not None and before[0] == session.transaction_id else len(writes)
    if keep >= len(writes):
        try:
            duck.execute("SELECT 1")
            return  # the statement failed before it reached DuckDB: the transaction is intact
        except duckdb.Error:
            pass
    writes = session.transaction_writes = writes[:keep]
    duck.execute("ROLLBACK")
    duck.execute("BEGIN TRANSACTION")
    try:
        if UNREPLAYABLE in writes:
            raise duckdb.Error("unreplayable")
        for sql in writes:
            duck.execute(sql)
    except duckdb.Error:
        _abandon(session)
        raise errors.not_supported(
            "Keeping a transaction's earlier writes after a failed statement when they loaded files, called "
            "models or conflict with another session's; the whole transaction was rolled back") from None


def _abandon(session: Session) -> None:
    """Leave DuckDB with no transaction after one could not be kept."""
    _ended(session)
    try:
        session.duck.execute("ROLLBACK")
    except duckdb.Error:
        pass  # nothing was open


def autocommit(session: Session) -> bool:
    """The session's AUTOCOMMIT parameter (TRUE unless set otherwise)."""
    value = session.parameters.get("AUTOCOMMIT")
    return value is None or value.strip().upper() not in ("FALSE", "0", "OFF", "NO")


SHOW_TRANSACTIONS_COLUMNS = ["id", "user", "session", "name", "started_on", "state", "scope"]


def show_transactions(session: Session, stmt: ast.ShowTransactions) -> Result:
    """SHOW TRANSACTIONS [IN ACCOUNT] (https://docs.snowflake.com/en/sql-reference/sql/show-transactions):
    the running transactions of the current user's sessions over this registry (IN ACCOUNT: every user's,
    for the ACCOUNTADMIN role only); state `running`, scope 0 (no stored procedures)."""
    if stmt.in_account and session.role != "ACCOUNTADMIN":
        raise errors.insufficient_privileges("account", "SNOWREG")
    rows = []
    with _ids:
        entries = list(_open.items())
    for txn_id, (ref, name, started) in entries:
        other = ref()
        if other is None or other.transaction_id != txn_id or other.catalog is not session.catalog:
            continue
        if stmt.in_account or other.user == session.user:
            rows.append((int(txn_id), other.user, other.id, name, started, "running", 0))
    rows.sort(key=lambda r: r[0])
    return from_rows(SHOW_TRANSACTIONS_COLUMNS, rows,
                     ["FIXED", "TEXT", "FIXED", "TEXT", "TIMESTAMP_LTZ", "TEXT", "FIXED"])


SHOW_LOCKS_COLUMNS = ["resource", "type", "transaction", "transaction_started_on", "status", "acquired_on",
                      "query_id", "session"]


def show_locks(session: Session, stmt: ast.ShowLocks) -> Result:
    """SHOW LOCKS [IN ACCOUNT] (https://docs.snowflake.com/en/sql-reference/sql/show-locks): a row per table an
    open transaction of the current user's sessions (IN ACCOUNT: every user's, ACCOUNTADMIN only) has written,
    type PARTITIONS, status HOLDING (a conflicting write is refused, never waits: conformance/DECISIONS.md D3);
    `session` only for the ACCOUNTADMIN role, as the page says."""
    if stmt.in_account and session.role != "ACCOUNTADMIN":
        raise errors.insufficient_privileges("account", "SNOWREG")
    rows = []
    with _ids:
        entries = [(txn_id, entry, dict(_locks.get(txn_id, {}))) for txn_id, entry in _open.items()]
    for txn_id, (ref, _name, started), held in entries:
        other = ref()
        if other is None or other.transaction_id != txn_id or other.catalog is not session.catalog \
                or not (stmt.in_account or other.user == session.user):
            continue
        for table, (acquired, statement) in held.items():
            query_id = other.query_ids[statement] if statement < len(other.query_ids) else None
            rows.append((table, "PARTITIONS", int(txn_id), started, "HOLDING", acquired, query_id,
                         other.id if session.role == "ACCOUNTADMIN" else None))
    rows.sort(key=lambda r: (r[2], r[5], r[0]))
    return from_rows(SHOW_LOCKS_COLUMNS, rows,
                     ["TEXT", "TEXT", "FIXED", "TIMESTAMP_LTZ", "TEXT", "TIMESTAMP_LTZ", "TEXT",
                      "FIXED"])


# -- what ended transactions leave, DESCRIBE TRANSACTION, SYSTEM$ABORT_TRANSACTION ----------------------------


def _remember(session: Session, txn_id: str, name: str, started: datetime, state: str,
              ended: datetime | None = None) -> None:
    """Keep an ended transaction for DESCRIBE TRANSACTION (hold `_ids`)."""
    _history[txn_id] = (weakref.ref(session.catalog), session.user, session.id, name, started, state, ended or now())
    while len(_history) > _HISTORY_LIMIT:
        _history.popitem(last=False)


def _restate(txn_id: str | None, state: str) -> None:
    """A transaction recorded as committed whose COMMIT failed after all: rolled back."""
    with _ids:
        record = _history.get(txn_id or "")
        if txn_id is not None and record is not None:
            _history[txn_id] = (*record[:5], state, record[6])


DESCRIBE_TRANSACTION_COLUMNS = ["id", "user", "session", "name", "started_on", "state", "ended_on"]
_DESCRIBE_TYPES = ["FIXED", "TEXT", "FIXED", "TEXT", "TIMESTAMP_LTZ", "TEXT", "TIMESTAMP_LTZ"]


def _visible(session: Session, user: str) -> bool:
    """A transaction is the current user's to see or abort, or any user's for an account administrator
    (https://docs.snowflake.com/en/sql-reference/functions/system_abort_transaction: "the user who started the
    transaction or an account administrator"; SHOW TRANSACTIONS IN ACCOUNT: the ACCOUNTADMIN role)."""
    return user == session.user or session.role == "ACCOUNTADMIN"


def _transaction_row(session: Session, txn_id: str) -> tuple[Any, ...] | None:
    """(id, user, session, name, started on, state, ended on) of a transaction of this registry the session may
    see, running or ended; None for any other id."""
    with _ids:
        running = _open.get(txn_id)
        ended = _history.get(txn_id)
    if running is not None:
        other = running[0]()
        if other is not None and other.transaction_id == txn_id and other.catalog is session.catalog:
            return (int(txn_id), other.user, other.id, running[1], running[2], RUNNING, None) \
                if _visible(session, other.user) else None
    if ended is not None and ended[0]() is session.catalog and _visible(session, ended[1]):
        return (int(txn_id), *ended[1:])
    return None


def _missing(written: str) -> errors.Error:
    """An id that names no transaction the session may see (another user's answers the same: UNCERTAIN,
    conformance/DECISIONS.md M28)."""
    return errors.does_not_exist("Transaction", written)


def describe(session: Session, written: str, describe_only: bool = False, at: tuple[int, int] = (1, 0)) -> Result:
    """DESCRIBE TRANSACTION <id> (https://docs.snowflake.com/en/sql-reference/sql/desc-transaction): the
    transaction's id, user, session, name, start, state (running, committed, rolled back) and end. The id is a
    literal ("not a session variable")."""
    if re.fullmatch(r"[-+]?\d+", written) is None:  # `$v`, a name, an expression: not a literal id
        raise errors.syntax_error(*at, written.split()[0] if written.split() else "<EOF>")
    if describe_only:
        return from_rows(DESCRIBE_TRANSACTION_COLUMNS, [], _DESCRIBE_TYPES)
    row = _transaction_row(session, str(int(written)))
    if row is None:
        raise _missing(str(int(written)))
    return in_zone(from_rows(DESCRIBE_TRANSACTION_COLUMNS, [row], _DESCRIBE_TYPES), session.timezone)


def abort(session: Session, written: str, when_idle: Callable[[Session, Callable[[], None]], bool]) -> str:
    """SYSTEM$ABORT_TRANSACTION(<id>) (https://docs.snowflake.com/en/sql-reference/functions/system_abort_transaction):
    rolls back a running transaction of the current user (any user's for an account administrator); one that
    has ended is left as it is. `when_idle(other, act)` runs `act` while the other session runs no statement
    (False when it is running one: refused, snowreg does not interrupt it)."""
    txn_id = str(int(written))
    row = _transaction_row(session, txn_id)
    if row is None:
        raise _missing(txn_id)
    if row[5] == RUNNING:
        with _ids:
            other = _open[txn_id][0]() if txn_id in _open else None
        if other is not None:
            def act() -> None:
                if other.transaction and other.transaction_id == txn_id:
                    _abandon(other)
            if other is session:
                act()
            elif not when_idle(other, act):
                raise errors.not_supported("Aborting a transaction while its session is running a statement")
    return f"Aborted transaction id: {txn_id}"


# -- TRANSACTION_ABORT_ON_ERROR, and transactions of another scope --------------------------------------------


def _abort_on_error(session: Session) -> bool:
    value = session.parameters.get("TRANSACTION_ABORT_ON_ERROR")
    return value is not None and value.strip().upper() in ("TRUE", "T", "YES", "Y", "ON", "1")


def after_failure(session: Session, before: tuple[str | None, int] | None = None) -> None:
    """A statement failed inside a transaction: it alone is undone (recover), or, with TRANSACTION_ABORT_ON_ERROR
    = TRUE (https://docs.snowflake.com/en/sql-reference/parameters#transaction-abort-on-error), the whole
    transaction is aborted and every later statement fails until COMMIT or ROLLBACK ends it."""
    if not session.transaction:
        return
    if _abort_on_error(session) and session.enclosing_transaction is None:
        aborted = session.transaction_id
        _abandon(session)
        session.aborted_transaction = aborted
        return
    recover(session, before)


def refuse_if_aborted(session: Session, stmt: ast.Statement) -> None:
    """While a transaction an error aborted is still to be ended, only COMMIT and ROLLBACK run (they end it,
    committing nothing)."""
    aborted = session.aborted_transaction
    if aborted is None:
        return
    if isinstance(stmt, ast.Query) and stmt.verb in ("COMMIT", "ROLLBACK") and _END.match(stmt.body.text):
        session.aborted_transaction = None
        return
    raise error_catalog.transaction_aborted(aborted)


def _check_scope(session: Session) -> None:
    """A stored procedure called inside a transaction may not end it, by COMMIT, ROLLBACK or the implicit
    commit of DDL (the transactions page, scoped transactions)."""
    if session.enclosing_transaction is not None and session.transaction_id == session.enclosing_transaction:
        raise error_catalog.transaction_of_another_scope()
