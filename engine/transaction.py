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
from collections.abc import Callable
from datetime import datetime
from functools import cache

import duckdb

from snowreg import error_catalog, errors
from snowreg.catalog.store import now
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast

_BEGIN = re.compile(r"\s*(?:BEGIN(?:\s+(?:WORK|TRANSACTION))?|START\s+TRANSACTION)"
                    r"(?:\s+NAME\s+(\w+|\"(?:[^\"]|\"\")*\"))?\s*;?\s*\Z", re.I)
_END = re.compile(r"\s*(COMMIT|ROLLBACK)(?:\s+WORK)?\s*;?\s*\Z", re.I)

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
    """BEGIN / START TRANSACTION / COMMIT / ROLLBACK, run here; None for any other statement."""
    if len(text) > 80:
        return None
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


def _ended(session: Session) -> None:
    """The open transaction ended (committed, rolled back or abandoned): LAST_TRANSACTION names it; DDL
    it held is now visible to every session, or gone."""
    session.catalog.store.data_catalog_changed()
    session.transaction = False
    session.transaction_writes = []
    session.pending_loads = []
    with _ids:
        _open.pop(session.transaction_id or "", None)
        _locks.pop(session.transaction_id or "", None)
        _changed.pop(session.transaction_id or "", None)
    session.last_transaction, session.transaction_id = session.transaction_id, None
    for hook in ENDED:
        hook(session)


def commit(session: Session) -> None:
    """Make the open transaction's writes visible to every session; nothing to do without one."""
    if not session.transaction:
        return
    loads = session.pending_loads
    for hook in BEFORE_COMMIT:
        hook(session)
    _ended(session)
    try:
        session.duck.execute("COMMIT")
    except duckdb.Error as e:
        _abandon(session)
        raise errors.not_supported(
            f"Committing writes that conflict with another session's committed writes ({_first_line(e)})"
        ) from None
    session.catalog.loads.settle(loads)  # what COPY and TRUNCATE did to load metadata, now the rows are in
    for hook in AFTER_COMMIT:
        hook(session)


def rollback(session: Session) -> None:
    """Undo the open transaction's writes; nothing to do without one."""
    if not session.transaction:
        return
    _ended(session)
    session.duck.execute("ROLLBACK")


def before_statement(session: Session, stmt: ast.Statement) -> None:
    """Registry DDL commits the open transaction first; changing AUTOCOMMIT commits it too."""
    if isinstance(stmt, ast.Query):
        return  # plain SQL: `before_plain` decides by its kind
    if isinstance(stmt, _ddl_statements()):
        commit(session)
    elif isinstance(stmt, ast.AlterSession) and any(
            k.upper() == "AUTOCOMMIT" for k in [*(k for k, _ in stmt.set), *stmt.unset]):
        commit(session)


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


UNREPLAYABLE = ""  # a write the transaction cannot repeat (model calls, file loads): see recover()


def after_other_write(session: Session) -> None:
    """A write of the open transaction that cannot be replayed (its inputs are gone afterwards)."""
    if session.transaction:
        session.transaction_writes.append(UNREPLAYABLE)


def recover(session: Session) -> None:
    """After a failed statement: keep the transaction and its earlier writes (DuckDB aborted it all).

    When the earlier writes cannot be repeated, the transaction is rolled back and that is said loudly.
    """
    if not session.transaction:
        return
    duck = session.duck
    try:
        duck.execute("SELECT 1")
        return  # the statement failed before it reached DuckDB: the transaction is intact
    except duckdb.Error:
        pass
    writes = session.transaction_writes
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


def _first_line(e: Exception) -> str:
    return str(e).splitlines()[0] if str(e) else type(e).__name__


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
