"""`snowreg.connect(server=URL)`: a DB-API connection to a running `snowreg serve`, over HTTP.

It speaks the same Snowflake REST protocol as the real drivers (login, query requests, chunked JSON
results, token renewal, abort), with the standard library only. The cursor offers the in-process
cursor's surface: execute / executemany / fetch* / description / rowcount / sfqid, and errors arrive
as the snowreg error classes with Snowflake's errno, sqlstate and message.
"""

from __future__ import annotations

import gzip
import http.client
import json
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from snowreg import errors, wire_values
from snowreg.connector import CursorBasics
from snowreg.params import MANY, PARAMSTYLES, bind, multi_row_insert, statement_args, style_for

ASYNC_CODE = "333334"
SESSION_EXPIRED = 390112
_DML_COUNTS = ("number of rows updated", "number of multi-joined rows updated", "number of rows deleted")
_DML_TYPES = range(0x3000, 0x4000)


class _Http:
    """One keep-alive HTTP connection to the server (reopened after a failure), one request at a time."""

    def __init__(self, url: str, timeout: float | None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise errors.InterfaceError(f"Not a snowreg serve URL: {url!r} (expected http://HOST:PORT)")
        self.scheme, self.host = parts.scheme, parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()

    def _open(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
        return cls(self.host, self.port, timeout=self.timeout)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                headers: Mapping[str, str] | None = None) -> bytes:
        """The body of the answer (raises OperationalError when the server cannot be reached)."""
        send = {"Accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = gzip.compress(json.dumps(body).encode(), compresslevel=1)
            send.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        if token is not None:
            send["Authorization"] = f'Snowflake Token="{token}"'
        with self._lock:
            try:
                if self._conn is None:
                    self._conn = self._open()
                self._conn.request(method, path, body=data, headers=send)
                response = self._conn.getresponse()
                payload = response.read()
            except BaseException as e:  # a broken (or interrupted) exchange leaves the socket unusable
                self.close()
                if isinstance(e, OSError | http.client.HTTPException):
                    raise errors.server_unreachable(self.url, str(e) or type(e).__name__) from None
                raise
        if response.status >= 500:
            raise errors.server_unreachable(self.url, f"HTTP {response.status}")
        return payload

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _json(payload: bytes, url: str) -> dict[str, Any]:
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise errors.server_unreachable(url, "the answer is not a JSON object (is it snowreg serve?)")
    return answer


class RemoteConnection:
    """A logged-in session on a `snowreg serve`; its cursors run statements there."""

    def __init__(self, server: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, schema: str | None = None, role: str | None = None,
                 warehouse: str | None = None, session_parameters: Mapping[str, Any] | None = None,
                 timeout: float | None = None, paramstyle: str | None = None) -> None:
        if paramstyle is not None and paramstyle not in PARAMSTYLES:
            raise errors.invalid_value("Invalid paramstyle is specified")
        self._paramstyle = paramstyle or "pyformat"
        self.server = server.rstrip("/")
        self._credentials = (user, password, warehouse, session_parameters, timeout)
        self._http = _Http(self.server, timeout)
        self._closed = False
        self.messages: list[Any] = []
        self.errorhandler = None
        query = {k: v for k, v in (("databaseName", database), ("schemaName", schema), ("roleName", role),
                                   ("warehouse", warehouse)) if v}
        body = {"data": {"CLIENT_APP_ID": "snowreg", "CLIENT_APP_VERSION": _version(),
                         "LOGIN_NAME": user or "ADMIN", "PASSWORD": password or "",
                         "SESSION_PARAMETERS": dict(session_parameters or {})}}
        answer = _json(self._http.request("POST", "/session/v1/login-request?" + urlencode(query), body), self.server)
        if not answer.get("success"):
            self._http.close()
            raise wire_values.error(answer)
        data = answer["data"]
        self._token, self._master = data["token"], data["masterToken"]
        self._session_id = int(data.get("sessionId") or 0)
        self._user = str(data.get("displayUserName") or user or "ADMIN").upper()
        info = data.get("sessionInfo") or {}
        self._context = {"database": info.get("databaseName"), "schema": info.get("schemaName"),
                         "role": info.get("roleName"), "warehouse": info.get("warehouseName")}
        self._parameters = {p["name"]: p["value"] for p in data.get("parameters") or []}

    # -- the session as the server last reported it ------------------------------------------------

    @property
    def database(self) -> str | None:
        return self._context["database"]

    @property
    def schema(self) -> str | None:
        return self._context["schema"]

    @property
    def role(self) -> str | None:
        return self._context["role"]

    @property
    def warehouse(self) -> str | None:
        return self._context["warehouse"]

    @property
    def user(self) -> str:
        return self._user

    @property
    def session_id(self) -> int:
        return self._session_id

    @property
    def timezone(self) -> str:
        return str(self._parameters.get("TIMEZONE") or "UTC")

    def is_closed(self) -> bool:
        return self._closed

    @property
    def expired(self) -> bool:
        return self._closed

    # -- requests ----------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        """A session request; an expired session token is renewed with the master token once."""
        if self._closed:
            raise errors.connection_closed()
        answer = _json(self._http.request(method, path, body, self._token), self.server)
        if not answer.get("success") and str(answer.get("code")) == str(SESSION_EXPIRED):
            self._renew()
            answer = _json(self._http.request(method, path, body, self._token), self.server)
        return answer

    def _renew(self) -> None:
        answer = _json(self._http.request("POST", f"/session/token-request?requestId={uuid.uuid4()}",
                                          {"oldSessionToken": self._token, "requestType": "RENEW"}, self._master),
                       self.server)
        if not answer.get("success"):
            raise wire_values.error(answer)
        self._token = answer["data"]["sessionToken"]

    def download(self, url: str, headers: Mapping[str, str]) -> bytes:
        """A result chunk (its URL points back at the server)."""
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._http.request("GET", path, headers=headers)

    def abort(self, request_id: str, sql: str) -> None:
        """Ask the server to cancel the statement of a running request (on a connection of its own)."""
        side = _Http(self.server, 30)
        try:
            side.request("POST", "/queries/v1/abort-request", {"sqlText": sql, "requestId": request_id},
                         self._token)
        finally:
            side.close()

    def update_context(self, data: Mapping[str, Any]) -> None:
        for key, name in (("database", "finalDatabaseName"), ("schema", "finalSchemaName"),
                          ("role", "finalRoleName"), ("warehouse", "finalWarehouseName")):
            if name in data:
                self._context[key] = data[name]
        for p in data.get("parameters") or []:
            self._parameters[p["name"]] = p["value"]

    def sibling(self) -> RemoteConnection:
        """Another session of the same user on the same server, on this one's database, schema and role."""
        user, password, warehouse, parameters, timeout = self._credentials
        return RemoteConnection(self.server, user=user, password=password, database=self.database,
                                schema=self.schema, role=self.role, warehouse=warehouse,
                                session_parameters=parameters, timeout=timeout)

    # -- DB-API ------------------------------------------------------------------------------------

    def cursor(self, cursor_class: type[Any] | None = None) -> RemoteCursor:
        if self._closed:
            raise errors.connection_closed()
        if cursor_class is not None and issubclass(cursor_class, RemoteCursor):
            return cursor_class(self)
        as_dict = cursor_class is not None and any(c.__name__ == "DictCursor" for c in cursor_class.__mro__)
        return RemoteDictCursor(self) if as_dict else RemoteCursor(self)

    def execute_string(self, sql_text: str, remove_comments: bool = False, return_cursors: bool = True,
                       cursor_class: type[Any] | None = None, **kwargs: Any) -> list[RemoteCursor]:
        """Run every statement of a text (split by the snowreg grammar); one cursor per statement."""
        from snowreg.grammar import parse

        cursors = []
        for stmt in parse(sql_text):
            cursors.append(self.cursor(cursor_class).execute(sql_text[stmt.span.start:stmt.span.end]))
        return cursors

    def commit(self) -> None:
        self.cursor().execute("COMMIT")

    def rollback(self) -> None:
        self.cursor().execute("ROLLBACK")

    def autocommit(self, mode: bool) -> None:
        if not isinstance(mode, bool):
            raise errors.invalid_value(f"Invalid parameter: {mode}")
        self.cursor().execute(f"ALTER SESSION SET AUTOCOMMIT = {str(mode).upper()}")

    def get_query_status(self, sfqid: str) -> Any:
        """The connector's QueryStatus of a query of this user (RUNNING, SUCCESS, FAILED_WITH_ERROR)."""
        from snowreg.connector import _status

        queries = (self.request("GET", f"/monitoring/queries/{sfqid}").get("data") or {}).get("queries") or []
        return _status(queries[0]["status"] if queries else "FAILED_WITH_ERROR")

    def close(self) -> None:
        """Log out (the server closes the session after its running statement)."""
        if self._closed:
            return
        try:
            self._http.request("POST", "/session?delete=true", {}, self._token)
        except errors.Error:
            pass  # the server is gone: nothing is left to close there
        finally:
            self._closed = True
            self._http.close()

    def __enter__(self) -> RemoteConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteCursor(CursorBasics):
    """A PEP 249 cursor whose statements run on the server; the whole result is fetched at execute."""

    arraysize = 1
    lastrowid = None

    def __init__(self, connection: RemoteConnection) -> None:
        self.connection = connection
        self.query: str | None = None
        self.sqlstate: str | None = None
        self._rows: list[tuple[Any, ...]] | None = None
        self._description: list[tuple[Any, ...]] | None = None
        self._rowcount: int | None = None
        self._pos = 0
        self._sfqid: str | None = None
        self._closed = False

    # -- execution ---------------------------------------------------------------------------------

    def execute(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                _describe_only: bool = False, timeout: float | None = None, **kwargs: Any) -> RemoteCursor:
        """Run one statement on the server; `timeout` seconds later it is cancelled (000604), as the
        connector's `timeout` does. Ctrl-C while it runs cancels it too."""
        command, params = statement_args(command, params, kwargs)
        if self._closed or self.connection.is_closed():
            raise errors.cursor_closed()
        self.sqlstate = None
        text = bind(command, params, style_for(self.connection._paramstyle, kwargs))
        self.query = text
        request_id = str(uuid.uuid4())
        body = {"sqlText": text, "asyncExec": False, "sequenceId": 1, "describeOnly": _describe_only,
                "parameters": {}, "isInternal": False, "queryContextDTO": {"entries": []}}
        timer = threading.Timer(timeout, self.connection.abort, [request_id, text]) if timeout else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            answer = self.connection.request("POST", f"/queries/v1/query-request?requestId={request_id}", body)
        except KeyboardInterrupt:
            self.connection.abort(request_id, text)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        self._take(answer)
        return self

    def _take(self, answer: dict[str, Any]) -> None:
        data = answer.get("data") or {}
        if not answer.get("success"):
            e = wire_values.error(answer)
            e.query = self.query
            self.sqlstate, self._sfqid = e.sqlstate, e.sfqid
            self._rows = self._description = self._rowcount = None
            raise e
        self.connection.update_context(data)
        self._sfqid = data.get("queryId")
        rowtype = data.get("rowtype") or []
        self._description = wire_values.description(rowtype)
        decode = wire_values.decoders(rowtype, self.connection.timezone)
        rows = wire_values.decode_rows(data.get("rowset") or [], decode)
        for chunk in self._chunks(data):
            rows.extend(wire_values.decode_rows(chunk, decode))
        self._rows, self._pos = rows, 0
        self._rowcount = _rowcount(data.get("statementTypeId"), self._description, rows)

    def _chunks(self, data: dict[str, Any]) -> Iterator[list[list[str | None]]]:
        """The rest of a large result, downloaded chunk by chunk from the URLs the answer names."""
        headers = dict(data.get("chunkHeaders") or {})
        for chunk in data.get("chunks") or []:
            payload = self.connection.download(chunk["url"], headers)
            if payload[:2] == b"\x1f\x8b":
                payload = gzip.decompress(payload)
            yield json.loads(b"[" + payload + b"]")

    def executemany(self, command: str | None = None,
                    seqparams: Sequence[Sequence[Any] | Mapping[str, Any]] | None = None,
                    **kwargs: Any) -> RemoteCursor:
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
        if self._rows is not None:
            self._rowcount = total
        return self

    def describe(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                 **kwargs: Any) -> list[tuple[Any, ...]]:
        """The columns a statement would return, without running it."""
        self.execute(*statement_args(command, params, kwargs), _describe_only=True)
        return self.description or []

    def execute_async(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                      **kwargs: Any) -> dict[str, Any]:
        """Submit a statement to run in the background; returns {"queryId": ...}."""
        command, params = statement_args(command, params, kwargs)
        text = bind(command, params, style_for(self.connection._paramstyle, kwargs))
        answer = self.connection.request("POST", f"/queries/v1/query-request?requestId={uuid.uuid4()}",
                                         {"sqlText": text, "asyncExec": True, "sequenceId": 1})
        if not answer.get("success"):
            raise wire_values.error(answer)
        self._sfqid = answer["data"]["queryId"]
        return {"queryId": self._sfqid}

    def get_results_from_sfqid(self, sfqid: str) -> None:
        """This cursor on the result of an earlier query of the same user (waits for it to finish)."""
        self.query = f"select * from table(result_scan('{sfqid}'))"
        self._take(self.connection.request("GET", f"/queries/{sfqid}/result"))

    # -- results -----------------------------------------------------------------------------------

    @property
    def description(self) -> list[tuple[Any, ...]] | None:
        return None if self._description is None else list(self._description)

    @property
    def rowcount(self) -> int | None:
        return self._rowcount

    @property
    def sfqid(self) -> str | None:
        return self._sfqid

    @property
    def rownumber(self) -> int | None:
        return None if self._rows is None else self._pos

    def _result(self) -> list[tuple[Any, ...]]:
        if self._closed:
            raise errors.cursor_closed()
        if self._rows is None:
            raise errors.no_result_set()
        return self._rows

    def fetchone(self) -> Any:
        rows = self._result()
        if self._pos >= len(rows):
            return None
        self._pos += 1
        return self._row(rows[self._pos - 1])

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._result()
        out = rows[self._pos:self._pos + (self.arraysize if size is None else size)]
        self._pos += len(out)
        return [self._row(r) for r in out]

    def fetchall(self) -> list[Any]:
        rows = self._result()
        out, self._pos = rows[self._pos:], len(rows)
        return [self._row(r) for r in out]

    def fetch_pandas_all(self, **kwargs: Any) -> Any:
        """The remaining rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        names = [d[0] for d in self._description or []]
        rows = self._result()[self._pos:]
        self._pos = len(self._result())
        return pd.DataFrame.from_records(rows, columns=names)

    def _row(self, row: tuple[Any, ...]) -> Any:
        return row


class RemoteDictCursor(RemoteCursor):
    """Rows as dicts keyed by column name."""

    def _row(self, row: tuple[Any, ...]) -> Any:
        return {d[0]: v for d, v in zip(self._description or [], row, strict=True)}


def _rowcount(kind: Any, description: list[tuple[Any, ...]], rows: list[tuple[Any, ...]]) -> int:
    """Affected rows for DML (the count columns of its one row, as the connector sums them), else rows."""
    if isinstance(kind, int) and kind in _DML_TYPES and rows:
        return sum(int(v or 0) for d, v in zip(description, rows[0], strict=True)
                   if d[0] in _DML_COUNTS or d[0].startswith("number of rows inserted"))
    return len(rows)


def _version() -> str:
    from snowreg import __version__

    return __version__
