"""PEP 249 connection and cursor over a registry, with the snowflake-connector-python surface."""

from __future__ import annotations

import datetime
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import orjson

from snowreg import errors
from snowreg.connector import (
    CURSOR_METHODS,
    ConnectionSurface,
    CursorSurface,
    connector_error,
    translating,
    with_bytearrays,
)
from snowreg.engine.api import (
    Catalog,
    Result,
    Session,
    authenticate,
    cancel,
    guarded,
    history,
    login,
    set_session_factory,
    transaction,
)
from snowreg.engine.api import execute as execute_statement
from snowreg.grammar import ast, parse
from snowreg.grammar.text import quote_ident, resolve_ident
from snowreg.params import MANY, PARAMSTYLES, bind, multi_row_insert, statement_args, style_for

apilevel = "2.0"
threadsafety = 2
paramstyle = "pyformat"


# PEP 249's constructors and type objects (a description's type_code compares equal to its group).
Date, Time, Timestamp, Binary = datetime.date, datetime.time, datetime.datetime, bytes


def DateFromTicks(ticks: float) -> datetime.date:  # noqa: N802 - PEP 249's name
    return datetime.date.fromtimestamp(ticks)


def TimeFromTicks(ticks: float) -> datetime.time:  # noqa: N802 - PEP 249's name
    return datetime.datetime.fromtimestamp(ticks).time()


def TimestampFromTicks(ticks: float) -> datetime.datetime:  # noqa: N802 - PEP 249's name
    return datetime.datetime.fromtimestamp(ticks)


class DBAPITypeObject:
    """A PEP 249 type object: equal to each type code of its group."""

    def __init__(self, *codes: int) -> None:
        self.codes = frozenset(codes)

    def __eq__(self, other: object) -> bool:
        return other in self.codes if isinstance(other, int) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.codes)


# The connector's groups of its type codes (FIXED 0, REAL 1, TEXT 2, DATE 3, TIMESTAMP* 4/6/7/8, VARIANT 5,
# OBJECT 9, ARRAY 10, BINARY 11, TIME 12, BOOLEAN 13).
STRING = DBAPITypeObject(2)
BINARY = DBAPITypeObject(5, 9, 10, 11)
NUMBER = DBAPITypeObject(0, 1)
DATETIME = DBAPITypeObject(3, 4, 6, 7, 8, 12)
ROWID = DBAPITypeObject()


class ResultMetadata(NamedTuple):
    """One `description` entry, field for field the real connector's."""

    name: str
    type_code: int
    display_size: int | None
    internal_size: int | None
    precision: int | None
    scale: int | None
    is_nullable: bool


def new_query_id() -> str:
    """A random (version 4) UUID's text, as `str(uuid.uuid4())` writes it, made without the UUID object."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}  # RFC 4122's variant bits, 10xx


class Connection(ConnectionSurface):
    """A Snowflake-like connection: one session (user, role, database, schema) shared by its cursors."""

    def __init__(self, catalog: Catalog, *, user: str | None = None, role: str | None = None,
                 database: str | None = None, schema: str | None = None, warehouse: str | None = None,
                 owns_catalog: bool = False, live_versions: bool = True, autocommit: bool | None = None,
                 session_parameters: Mapping[str, Any] | None = None, paramstyle: str | None = None,
                 arrow_number_to_decimal: bool = False, force_microsecond_precision: bool = False) -> None:
        if paramstyle is not None and paramstyle not in PARAMSTYLES:
            raise errors.invalid_value("Invalid paramstyle is specified")
        self._paramstyle = paramstyle or "pyformat"
        self._arrow_number_to_decimal = bool(arrow_number_to_decimal)
        self._force_microsecond_precision = bool(force_microsecond_precision)
        self._catalog = catalog
        self._owns_catalog = owns_catalog
        self._closed = False
        self._lock = threading.RLock()
        user_name, role_name = login(catalog, user, role)
        self._session = Session(catalog, user=user_name, role=role_name,
                                warehouse=resolve_ident(warehouse) if warehouse is not None else None,
                                live_versions=live_versions)
        parameters = {str(k).upper(): v for k, v in (session_parameters or {}).items()}
        if autocommit is not None:
            if not isinstance(autocommit, bool):
                raise errors.invalid_value(f"Invalid autocommit parameter: {autocommit!r}")
            parameters["AUTOCOMMIT"] = autocommit
        for key, value in parameters.items():  # session parameters the login sets, as the connector does
            self._session.set_parameter(key, str(value).lower() if isinstance(value, bool) else str(value))
        self._open_context(database, schema)
        self.messages: list[Any] = []
        self.errorhandler = None
        self._session_parameters: dict[str, Any] = {}
        self._telemetry = None

    def _open_context(self, database: str | None, schema: str | None) -> None:
        """`connect(database=…, schema=…)` creates what is missing, as a test fixture expects. What this
        creates becomes current, as in Snowflake: a USE then follows only for what existed already."""
        if database is None:
            return
        db = resolve_ident(database)
        session = self._session
        with self.cursor() as cur:
            if self._catalog.databases.get_database(db) is None:
                cur.execute(f"CREATE DATABASE IF NOT EXISTS {quote_ident(db)}")
            if session.database != db:
                cur.execute(f"USE DATABASE {quote_ident(db)}")
            if schema is not None:
                name = resolve_ident(schema)
                if self._catalog.databases.get_schema(db, name) is None and name != "INFORMATION_SCHEMA":
                    cur.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_ident(db)}.{quote_ident(name)}")
                if (session.database, session.schema) != (db, name):
                    cur.execute(f"USE SCHEMA {quote_ident(db)}.{quote_ident(name)}")

    def open_session(self, *, user: str | None = None, password: str | None = None, role: str | None = None,
                     warehouse: str | None = None) -> Connection:
        """Another connection to this connection's registry, logging in as a network client does.

        The user must exist. With `password` (a network login) the user must have that password (390100
        otherwise) and not be disabled (390101); without, it must have none (an in-process open). The session
        then has exactly that user's privileges and no current database (the caller sends USE).
        A server opens one per client login.
        """
        authenticate(self._catalog, user, password)
        return Connection(self._catalog, user=user, role=role, warehouse=warehouse)

    def user_has_password(self, user: str) -> bool:
        """Whether `user` has a password (the operator's question, as `snowreg serve` asks it of ADMIN)."""
        return self._catalog.grants.password_matches(resolve_ident(user), "") is not None

    def user_stamp(self, user: str) -> Any:
        """When `user` was made (a later user of the name has another), or None when it is gone or
        disabled: `snowreg serve` ends a session whose user's stamp changed."""
        row = self._catalog.grants.get_user(resolve_ident(user))
        if row is None or str(orjson.loads(row.properties).get("DISABLED", "")).upper() == "TRUE":
            return None
        return row.created_on

    def set_user_password(self, user: str, password: str) -> None:
        """Give an existing user this password (stored hashed), outside SQL: how `snowreg serve` sets
        ADMIN's. Whoever holds this process holds the registry anyway (README "Not protected")."""
        self._catalog.grants.set_password(resolve_ident(user), password)

    # -- connector surface ------------------------------------------------------------------------

    @property
    def session(self) -> Session:
        return self._session

    @property
    def database(self) -> str | None:
        return self._session.database

    @property
    def schema(self) -> str | None:
        return self._session.schema

    @property
    def role(self) -> str | None:
        return self._session.role

    @property
    def user(self) -> str:
        return self._session.user

    @property
    def warehouse(self) -> str | None:
        return self._session.warehouse

    @property
    def session_id(self) -> int:
        return self._session.id

    @property
    def expired(self) -> bool:
        return self._closed

    def is_closed(self) -> bool:
        return self._closed

    def cursor(self, cursor_class: type[Cursor] | None = None) -> Cursor:
        if self._closed:
            raise errors.connection_closed()
        return (cursor_class or Cursor)(self)

    def execute_string(self, sql_text: str, remove_comments: bool = False, return_cursors: bool = True,
                       cursor_class: type[Cursor] | None = None, **kwargs: Any) -> list[Cursor]:
        """Run every statement of a text; one cursor (of `cursor_class`) per statement."""
        cursors = []
        for stmt in parse(sql_text):
            cur = self.cursor(cursor_class)
            cur._run(stmt, sql_text[stmt.span.start:stmt.span.end])
            cursors.append(cur)
        return cursors

    def execute_stream(self, stream: Any, remove_comments: bool = False, cursor_class: type[Cursor] | None = None,
                       **kwargs: Any) -> Iterator[Cursor]:
        """The statements read from a text stream, run one by one: a cursor per statement, as each runs."""
        yield from self.execute_string(stream.read(), remove_comments, cursor_class=cursor_class)

    def is_valid(self) -> bool:
        """Whether the connection can still run statements (the connector sends a heartbeat)."""
        return not self._closed

    def cancel(self) -> None:
        """Cancel the statement running on this connection (from another thread): it raises 000604
        "SQL execution canceled". Only call it while a statement runs (a server tracks that)."""
        cancel(self._session)

    def commit(self) -> None:
        """Commit the open transaction (runs COMMIT, as the connector does)."""
        self._control("COMMIT")

    def rollback(self) -> None:
        """Roll back the open transaction (runs ROLLBACK, as the connector does)."""
        self._control("ROLLBACK")

    def autocommit(self, mode: bool) -> None:
        """Turn the session's AUTOCOMMIT on or off (runs ALTER SESSION SET AUTOCOMMIT, as the connector does)."""
        if not isinstance(mode, bool):
            raise errors.invalid_value(f"Invalid parameter: {mode}")
        self._control(f"ALTER SESSION SET AUTOCOMMIT = {str(mode).upper()}")

    def get_autocommit(self) -> bool:
        return transaction.autocommit(self._session)

    def _control(self, sql: str) -> None:
        with self.cursor() as cur:
            cur.execute(sql)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:  # Snowflake rolls back what a session left open at its end (DESCRIBE TRANSACTION: rolled back)
            transaction.rollback(self._session)
        except Exception:  # noqa: BLE001 - closing always succeeds; Session.close rolls DuckDB back anyway
            pass
        self._session.close()
        if self._owns_catalog:
            self._catalog.release()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        """Like the connector: with AUTOCOMMIT off, commit on success and roll back on an exception."""
        try:
            if not self._closed and not transaction.autocommit(self._session):
                self.commit() if exc_type is None else self.rollback()
        finally:
            self.close()


class Cursor(CursorSurface):
    """A PEP 249 cursor; results are held in memory after each execute."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._result: Result | None = None
        self._pos = 0
        self._sfqid: str | None = None
        self._given_query_id: str | None = None  # the server's id for its next statement
        self.query: str | None = None
        self._closed = False
        self._request_id = uuid.uuid4()
        self._results: list[Result] = []

    # -- execution --------------------------------------------------------------------------------

    def execute(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                _describe_only: bool = False, num_statements: int | None = None,
                **kwargs: Any) -> Cursor:
        """Run one statement (or `num_statements` of them; 0 means any number). Returns the cursor."""
        if kwargs or not isinstance(command, str):  # (a text and no keyword: as statement_args would give them)
            command, params = statement_args(command, params, kwargs)
        if self._closed or self.connection._closed:
            raise errors.cursor_closed(in_execute=True)
        self.sqlstate = None
        try:
            text = command if params is None else bind(command, params, style_for(self.connection._paramstyle, kwargs))
        except errors.Error as e:
            raise self._fail(e) from None
        self.query = text
        if "->>" in text and len(parts := history.split_pipe(text)) > 1:
            return self._pipe(text, parts, _describe_only)
        statements = self._parse(text)
        session = self.connection._session
        if num_statements is None:  # MULTI_STATEMENT_COUNT: how many statements a text may hold (0: any)
            count = session.parameters.get("MULTI_STATEMENT_COUNT")
            num_statements = 1 if count is None else int(count)
        expected = num_statements
        if expected and len(statements) != expected:
            raise self._fail(errors.statement_count_mismatch(len(statements), expected))
        self._results = []
        session.upload_stream = kwargs.get("file_stream") if kwargs else None  # a PUT's bytes (engine.stages.put)
        try:
            for stmt in statements:
                self._run(stmt, text, describe_only=_describe_only)
                self._results.append(self._result)  # type: ignore[arg-type]
        finally:
            session.upload_stream = None
        if len(self._results) > 1:
            self._result = self._results[0]
            self._pos = 0
        return self

    def _pipe(self, text: str, parts: list[str], describe_only: bool) -> Cursor:
        """`s1 ->> s2 ->> …`: each statement in turn, `FROM $n` reading the result n statements back."""
        ids: list[str] = []
        for part in parts:
            statement = history.pipe_inputs(part, ids)
            statements = self._parse(statement)
            if len(statements) != 1:
                raise self._fail(errors.compilation_error("Each statement of a pipe must be one statement"))
            self._run(statements[0], statement, describe_only)
            ids.append(self._sfqid or "")
        self.query = text
        self._results = [self._result] if self._result is not None else []
        return self

    def _parse(self, text: str) -> list[ast.Statement]:
        try:
            statements = parse(text)
        except errors.Error as e:
            raise self._fail(e) from None
        if not statements:
            raise self._fail(errors.ProgrammingError("Empty SQL statement.", 900, "42000"))
        return statements

    def _fail(self, e: errors.Error) -> errors.Error:
        self.sqlstate = e.sqlstate
        self._sfqid = e.sfqid = self._query_id()
        e.query = self.query
        self._result = None
        return e

    def _query_id(self) -> str:
        """A new query id, or the one the server gave this cursor's statement (so LAST_QUERY_ID() = queryId)."""
        given, self._given_query_id = self._given_query_id, None
        return given or new_query_id()

    def _run(self, stmt: ast.Statement, text: str, describe_only: bool = False) -> None:
        self.query = text
        connection = self.connection
        session = connection._session
        try:
            with connection._lock:  # threads sharing a connection take turns (threadsafety 2)
                result = guarded(session, lambda: execute_statement(stmt, session, describe_only))
        except errors.Error as e:
            if "unexpected '<EOF>'" in e.msg:  # `SELECT 1 +;`: unexpected ';' (DECISIONS.md O72)
                from snowreg.grammar.parse import at_semicolon

                at_semicolon(e, text)
            failed = self._fail(e)
            session.record_query(failed.sfqid or "", None)
            raise failed from None
        self._sfqid = result.query_id = self._query_id()
        session.record_query(result.query_id, result)
        self._result = result
        self._pos = 0

    def executemany(self, command: str | None = None,
                    seqparams: Sequence[Sequence[Any] | Mapping[str, Any]] | None = None, **kwargs: Any) -> Cursor:
        command, seqparams = statement_args(command, seqparams, kwargs, MANY)
        seqparams = list(seqparams or ())
        style = style_for(self.connection._paramstyle, kwargs)
        one = multi_row_insert(command, seqparams, style) if "num_statements" not in kwargs else None
        if one is not None:  # the connector sends the rows of an INSERT … VALUES as one statement
            return self.execute(one, **kwargs)
        total = 0
        for params in seqparams:
            self.execute(command, params, **kwargs)
            total += self.rowcount or 0
        if self._result is not None:
            self._result.rowcount = total
        return self

    def describe(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                 **kwargs: Any) -> list[ResultMetadata]:
        """The columns a statement would return, without running it."""
        self.execute(*statement_args(command, params, kwargs), _describe_only=True)
        return self.description or []

    def nextset(self) -> bool | None:
        if self._result is None or self._result not in self._results:
            return None
        i = self._results.index(self._result)
        if i + 1 >= len(self._results):
            return None
        self._result = self._results[i + 1]
        self._pos = 0
        return True

    # -- results ----------------------------------------------------------------------------------

    @property
    def description(self) -> list[ResultMetadata] | None:
        if self._result is None:
            return None
        return [ResultMetadata(*c.describe()) for c in self._result.columns]

    @property
    def rowcount(self) -> int | None:
        return None if self._result is None else self._result.rowcount

    @property
    def sfqid(self) -> str | None:
        return self._sfqid

    @property
    def request_id(self) -> uuid.UUID:
        return self._request_id

    @property
    def rownumber(self) -> int | None:
        return None if self._result is None else self._pos

    def _rows(self) -> list[tuple[Any, ...]]:
        if self._closed:
            raise errors.cursor_closed()
        if self._result is None:
            raise errors.no_result_set()
        return self._result.rows

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self._rows()
        if self._pos >= len(rows):
            return None
        self._pos += 1
        return self._row(rows[self._pos - 1])

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows()
        n = self.arraysize if size is None else size
        out = rows[self._pos:self._pos + n]
        self._pos += len(out)
        return self._rows_out(out)

    def fetchall(self) -> list[Any]:
        rows = self._rows()
        out = rows[self._pos:]
        self._pos = len(rows)
        return self._rows_out(out)

    def _row(self, row: tuple[Any, ...]) -> Any:
        return row

    def _rows_out(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        """The fetched rows as this cursor shapes them; the tuples themselves when it keeps them as they are."""
        if type(self)._row is Cursor._row:
            return rows  # already a fresh list (a slice): no call per row
        return [self._row(r) for r in rows]


class DictCursor(Cursor):
    """Rows as dicts keyed by column name, like `snowflake.connector.DictCursor`."""

    def _row(self, row: tuple[Any, ...]) -> Any:
        assert self._result is not None
        return {c.name: v for c, v in zip(self._result.columns, row, strict=True)}


# ---------------------------------------------------------------------------------------------
# The Snowpark Session a Python stored procedure's handler gets (engine.python_procedures)
# ---------------------------------------------------------------------------------------------


class _ProcedureCursor(Cursor):
    """A cursor of a procedure's Session: each statement is first shown to the procedure's `refuse` (what an
    owner's-rights body may not run); values and errors are the real connector's, as under patch()."""

    connection: ProcedureConnection

    def _run(self, stmt: ast.Statement, text: str, describe_only: bool = False) -> None:
        refuse = self.connection.refuse
        if refuse is not None:
            try:
                refuse(stmt)
            except errors.Error as e:
                self.query = text
                raise self._fail(e) from None
        super()._run(stmt, text, describe_only)
        self._result = with_bytearrays(self._result)


class _ProcedureDictCursor(_ProcedureCursor, DictCursor):
    """The same, with dict rows (the connector's DictCursor)."""


for _cls in (_ProcedureCursor, _ProcedureDictCursor):
    for _name in CURSOR_METHODS:
        setattr(_cls, _name, translating(getattr(_cls, _name)))


class ProcedureConnection(Connection):
    """A connection over the session that runs a CALL (not a login of its own): what a Python procedure's
    handler sends runs in that session, with the role the CALL gave it. Closing it leaves the session open;
    once the CALL ends it is closed, so a Session the handler kept runs nothing more."""

    def __init__(self, session: Session, refuse: Callable[[ast.Statement], None] | None) -> None:  # noqa: PLW0231
        self._paramstyle = "pyformat"
        self._arrow_number_to_decimal = False
        self._catalog = session.catalog
        self._owns_catalog = False
        self._closed = False
        self._lock = threading.RLock()
        self._session = session
        self.refuse = refuse
        self.messages = []
        self.errorhandler = None
        self._session_parameters = {}
        self._telemetry = None

    def cursor(self, cursor_class: type[Cursor] | None = None) -> Cursor:
        if self._closed:
            raise connector_error(errors.connection_closed())
        dict_rows = cursor_class is not None and cursor_class.__name__ == "DictCursor"
        return (_ProcedureDictCursor if dict_rows else _ProcedureCursor)(self)

    def close(self) -> None:
        self._closed = True


def _procedure_session(session: Session, refuse: Callable[[ast.Statement], None] | None
                       ) -> tuple[Any, Callable[[], None]]:
    """A Snowpark Session on a ProcedureConnection over `session`, and what ends it."""
    from snowflake.snowpark import Session as SnowparkSession

    conn = ProcedureConnection(session, refuse)
    snowpark = SnowparkSession.builder.configs({"connection": conn}).create()

    def close() -> None:
        try:
            snowpark.close()
        finally:
            conn.close()

    return snowpark, close


set_session_factory(_procedure_session)
