"""Snowflake's REST protocol on top of sessions: login, query requests, results, errors."""

from __future__ import annotations

import functools
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import snowreg
from snowreg import errors
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident, resolve_client_ident
from snowreg.server import bindings, rowsets
from snowreg.server.cancels import Cancels, Flight
from snowreg.server.chunks import Chunks
from snowreg.server.sessions import MASTER_VALIDITY, HttpSession, Sessions
from snowreg.server.transfer import Transfers

Json = dict[str, Any]

# statementTypeId values the drivers look at (DML ids make them read the affected-row counts).
SELECT, DML, DDL = 0x1000, 0x3000, 0x6000
_DML_IDS = {"INSERT": DML + 0x100, "UPDATE": DML + 0x200, "DELETE": DML + 0x300, "MERGE": DML + 0x400}
FILE_TRANSFER = 0x7000
# Statements the server must look at before the engine does: files and local directories.
_INSPECTED = ("PUT", "GET", "CREATE")
_QUERY_WORDS = ("SELECT", "WITH", "VALUES", "SHOW", "DESCRIBE", "DESC", "LIST", "LS", "TABLE", "(")
_FIRST_WORD = re.compile(r"(?>\s+|--[^\n]*|/\*.*?\*/)*+(\(|\w+)", re.S)  # atomic: no backtracking into spaces
_RESULT_SCAN = re.compile(
    r"\s*select\s+\*\s+from\s+table\s*\(\s*result_scan\s*\(\s*'([0-9a-f-]{36})'\s*\)\s*\)\s*;?\s*$", re.I)
ASYNC_CODE = "333334"


def ok(data: Any) -> Json:
    return {"data": data, "code": None, "message": None, "success": True}


def failure(e: errors.Error, query_id: str | None = None) -> Json:
    """Snowflake's error answer: code, message, sqlState (the drivers raise errno/sqlstate from these)."""
    code = f"{e.errno:06d}" if e.errno >= 0 else "000000"
    data = {"internalError": False, "errorCode": code, "age": 0, "sqlState": e.sqlstate or "",
            "queryId": query_id, "line": e.line if e.line is not None else -1,
            "pos": e.column if e.column is not None else -1,
            "errorClass": type(e).__name__}  # not Snowflake's: snowreg.connect(server=...) raises the same class
    return {"data": data, "code": code, "message": e.msg, "success": False, "headers": None}


# ---------------------------------------------------------------------------------------------
# Login
# ---------------------------------------------------------------------------------------------


def login(sessions: Sessions, query: dict[str, str], body: Json) -> Json:
    data = body.get("data") or {}
    params = data.get("SESSION_PARAMETERS") or {}
    want_json = str(params.get("PYTHON_CONNECTOR_QUERY_RESULT_FORMAT", "")).upper() == "JSON"
    try:
        session = sessions.login(data.get("LOGIN_NAME"), data.get("PASSWORD"), query.get("roleName"),
                                 query.get("warehouse"), str(data.get("CLIENT_APP_ID") or ""), want_json)
    except errors.Error as e:
        return failure(e)
    try:  # the session parameters the driver logs in with (connect(session_parameters=…, timezone=…))
        for key, value in params.items():
            session.conn.session.set_parameter(str(key), str(value).lower() if isinstance(value, bool) else str(value))
    except errors.Error as e:
        sessions.close(session)
        return failure(e)
    _use(session, "DATABASE", query.get("databaseName") or sessions.database)
    _use(session, "SCHEMA", query.get("schemaName") or sessions.schema)
    conn = session.conn
    return ok({
        "token": session.token, "masterToken": session.master_token, "sessionId": session.session_id,
        "validityInSeconds": sessions.session_seconds, "masterValidityInSeconds": MASTER_VALIDITY,
        "displayUserName": conn.user, "serverVersion": f"snowreg {snowreg.__version__}", "firstLogin": False,
        "remMeToken": None, "remMeValidityInSeconds": 0, "healthCheckInterval": 45, "newClientForUpgrade": None,
        "idToken": None, "idTokenValidityInSeconds": 0, "mfaToken": None, "mfaTokenValidityInSeconds": 0,
        "responseData": None, "parameters": session_parameters(session),
        "sessionInfo": {"databaseName": conn.database, "schemaName": conn.schema,
                        "warehouseName": conn.warehouse, "roleName": conn.role},
    })


def _use(session: HttpSession, kind: str, name: str | None) -> None:
    """Snowflake logs in even when the requested database/schema is missing: it is then left unset."""
    if not name:
        return
    # The name as the client reads it (plain: upper-cased; quoted: unquoted; else as written), quoted when a bare
    # name would not read back the same: a reserved word ("SELECT"), lower case, spaces
    try:
        session.conn.cursor().execute(f"USE {kind} {quote_ident(resolve_client_ident(name))}")
    except errors.Error:
        pass


def session_parameters(session: HttpSession) -> list[Json]:
    values = {
        "AUTOCOMMIT": session.conn.session.parameters.get("AUTOCOMMIT", "true") == "true",
        "TIMEZONE": session.conn.session.timezone, "CLIENT_SESSION_KEEP_ALIVE": False,
        "CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY": 3600, "CLIENT_PREFETCH_THREADS": 4,
        "CLIENT_RESULT_CHUNK_SIZE": 160, "CLIENT_TIMESTAMP_TYPE_MAPPING": "TIMESTAMP_LTZ",
        # Large executemany batches stay inline (no array binding through a stage).
        "CLIENT_STAGE_ARRAY_BINDING_THRESHOLD": 1_000_000_000,
        "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": "ARROW" if session.arrow else "JSON",
        "DATE_OUTPUT_FORMAT": "YYYY-MM-DD", "TIME_OUTPUT_FORMAT": "HH24:MI:SS",
        "TIMESTAMP_OUTPUT_FORMAT": "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", "TIMESTAMP_NTZ_OUTPUT_FORMAT": "",
        "TIMESTAMP_LTZ_OUTPUT_FORMAT": "", "TIMESTAMP_TZ_OUTPUT_FORMAT": "", "BINARY_OUTPUT_FORMAT": "HEX",
        "CLIENT_RESULT_COLUMN_CASE_INSENSITIVE": False, "JS_TREAT_INTEGER_AS_BIGINT": False,
        "CLIENT_TELEMETRY_ENABLED": False, "CLIENT_TELEMETRY_OOB_ENABLED": False,
    }
    values.update(_formats(session))
    return [{"name": k, "value": v} for k, v in values.items()]


def _formats(session: HttpSession) -> dict[str, str]:
    """The output formats the session set (a driver that writes values as text, as SnowSQL does, reads them)."""
    return {k: v for k, v in session.conn.session.parameters.items() if k.endswith("_OUTPUT_FORMAT")}


def renew(sessions: Sessions, master_token: str | None, body: Json) -> Json:
    try:
        session = sessions.renew(master_token, body.get("oldSessionToken"))
    except errors.Error as e:
        return failure(e)
    return ok({"sessionToken": session.token, "validityInSecondsST": sessions.session_seconds,
               "masterToken": session.master_token, "validityInSecondsMT": MASTER_VALIDITY,
               "sessionId": session.session_id})


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------


class Queries:
    """Runs query requests for sessions; asynchronous ones on a pool, their results kept by query id."""

    def __init__(self, sessions: Sessions, workers: int = 8) -> None:
        self.sessions = sessions
        self.transfers = Transfers()
        self.chunks = Chunks()
        self.cancels = Cancels()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="snowreg-async")

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self.transfers.close()

    def submit(self, session: HttpSession, body: Json, base_url: str, request_id: str | None = None) -> Json:
        query_id = str(uuid.uuid4())
        text = str(body.get("sqlText") or "")
        scanned = _RESULT_SCAN.match(text)
        if scanned:
            return self._result_scan(session, scanned.group(1))
        if first_word(text) in _INSPECTED:
            special = self._inspect(session, text, body.get("bindings") or {}, base_url, query_id)
            if special is not None:
                return special
        if session.conn.session.query_canceler is None:
            session.conn.session.query_canceler = functools.partial(self._cancel_query, session)
        stored = self.sessions.start_result(query_id, session.conn.user)
        flight = self.cancels.begin(session, query_id, request_id)
        if body.get("asyncExec"):
            self._pool.submit(self._finish, flight, body, stored, base_url)
            return {"data": {"queryId": query_id, "getResultUrl": f"/queries/{query_id}/result",
                             "queryAbortsAfterSecs": 172800, "progressDesc": None}, "code": ASYNC_CODE,
                    "message": "Asynchronous execution in progress. Use provided query id to perform query "
                               "monitoring and management.", "success": True}
        return self._finish(flight, body, stored, base_url)

    def _cancel_query(self, session: HttpSession, query_id: str) -> bool:
        """SYSTEM$CANCEL_QUERY from `session`: its user's statements, anyone's under ACCOUNTADMIN."""
        return self.cancels.cancel(session.conn.user, query_id=query_id,
                                   any_user=session.conn.session.role == "ACCOUNTADMIN")

    def _finish(self, flight: Flight, body: Json, stored: Any, base_url: str) -> Json:
        session, query_id = flight.session, flight.query_id
        try:
            with session.lock:
                try:
                    ran = self.cancels.start(flight)
                    response = run(session, body, query_id) if ran else failure(errors.statement_canceled(), query_id)
                finally:
                    self.cancels.end(flight)
            if response["success"]:
                self._chunk(session, response["data"], base_url)
        except Exception as e:  # noqa: BLE001 - a bug must still answer the client, never hang it
            response = failure(errors.internal_error(f"{type(e).__name__}: {e}"), query_id)
        stored.response = response
        stored.done.set()
        return response

    def _chunk(self, session: HttpSession, data: Json, base_url: str) -> None:
        """A large result keeps its first rows inline; the rest go out as chunks (chunks.py)."""
        rows = data.pop("_rows", None)
        if rows is None:
            return
        description = data.pop("_description")
        arrow = data["queryResultFormat"] == "arrow"
        inline = self.chunks.split(data, description, rows, arrow, base_url,  # `returned` stays the whole count
                                   session.conn.user)
        if arrow:
            data["rowsetBase64"] = rowsets.arrow_rowset(description, inline)
        else:
            data["rowset"] = rowsets.json_rowset(description, inline)

    def _inspect(self, session: HttpSession, text: str, binds: Json, base_url: str,
                 query_id: str) -> Json | None:
        """PUT and GET move files through presigned URLs; a stage on a server directory is refused.

        The engine's own PUT/GET read and write local paths: over the network those name the client's
        files, so they never reach the engine from a request.
        """
        try:
            executions = bindings.rows_of(binds) if binds else [{}]
            texts = [bindings.substitute(text, values) for values in executions] if binds else [text]
            statements = [s for t in texts for s in snowreg.parse(t)]
            if any(isinstance(s, ast.CreateStage) and s.url is not None for s in statements):
                raise errors.not_supported("A stage on a server directory (URL = 'file://...') over snowreg serve")
            stmt = statements[0] if len(statements) == 1 else None
            if not isinstance(stmt, ast.Put | ast.Get):
                if any(isinstance(s, ast.Put | ast.Get) for s in statements):
                    raise errors.not_supported("PUT or GET among several statements")
                return None
            with session.lock:
                data = (self.transfers.put(session, stmt, base_url) if isinstance(stmt, ast.Put)
                        else self.transfers.get(session, stmt, base_url))
        except errors.Error as e:
            return failure(e, query_id)
        conn = session.conn
        data.update(queryId=query_id, statementTypeId=FILE_TRANSFER, finalDatabaseName=conn.database,
                    finalSchemaName=conn.schema, finalWarehouseName=conn.warehouse, finalRoleName=conn.role)
        return ok(data)

    def _result_scan(self, session: HttpSession, query_id: str) -> Json:
        stored = self.sessions.result(query_id, session.conn.user)
        if stored is None:
            return failure(errors.statement_not_found(query_id), str(uuid.uuid4()))
        stored.done.wait()
        assert stored.response is not None
        return stored.response

    def result(self, session: HttpSession, query_id: str) -> Json:
        """GET /queries/<id>/result: the stored answer (waiting for a running query)."""
        return self._result_scan(session, query_id)

    def status(self, session: HttpSession, query_id: str) -> Json:
        """GET /monitoring/queries/<id>: RUNNING, SUCCESS or FAILED_WITH_ERROR."""
        stored = self.sessions.result(query_id, session.conn.user)
        if stored is None:
            return ok({"queries": []})
        entry: Json = {"id": query_id, "status": "RUNNING"}
        response = stored.response
        if response is not None:
            entry["status"] = "SUCCESS" if response["success"] else "FAILED_WITH_ERROR"
            if not response["success"]:
                entry.update(errorCode=response["code"], errorMessage=response["message"])
        return ok({"queries": [entry]})


def run(session: HttpSession, body: Json, query_id: str) -> Json:
    """Run one query request on the session's connection and answer it."""
    conn = session.conn
    text = str(body.get("sqlText") or "")
    describe_only = bool(body.get("describeOnly"))
    binds = body.get("bindings") or {}
    started = time.time()
    try:
        executions = bindings.rows_of(binds) if binds else [{}]
        cur = conn.cursor()
        affected = 0
        for values in executions:
            cur._given_query_id = query_id  # the driver's queryId is the session's LAST_QUERY_ID()
            cur.execute(bindings.substitute(text, values) if binds else text, _describe_only=describe_only)
            affected += cur.rowcount or 0
        description = list(cur.description or [])
        rows = [] if describe_only else cur.fetchall()
    except errors.Error as e:
        return failure(e, query_id)
    kind = statement_type(text, description)
    if len(executions) > 1 and kind in _DML_IDS.values() and rows:
        rows = [(affected,) + tuple(rows[0][1:])]
    return ok(_result_data(session, description, rows, kind, query_id, len(binds), started))


def _result_data(session: HttpSession, description: list[Any], rows: list[Any], kind: int, query_id: str,
                 binds: int, started: float) -> Json:
    conn = session.conn
    data: Json = {
        "parameters": [{"name": "TIMEZONE", "value": conn.session.timezone},
                       *({"name": k, "value": v} for k, v in _formats(session).items())],
        "rowtype": rowsets.rowtype(description), "total": len(rows), "returned": len(rows),
        "queryId": query_id, "databaseProvider": None, "finalDatabaseName": conn.database,
        "finalSchemaName": conn.schema, "finalWarehouseName": conn.warehouse, "finalRoleName": conn.role,
        "numberOfBinds": binds, "arrayBindSupported": False, "statementTypeId": kind, "version": 1,
        "sendResultTime": int(started * 1000),
    }
    data["queryResultFormat"] = "arrow" if session.arrow and kind not in _DML_IDS.values() else "json"
    data["_rows"], data["_description"] = rows, description  # encoded (and chunked) by Queries._chunk
    return data


def first_word(text: str) -> str:
    m = _FIRST_WORD.match(text)
    return m.group(1).upper() if m else ""


def statement_type(text: str, description: list[Any]) -> int:
    """The statementTypeId of a statement, from its first word (DML ones carry affected-row counts)."""
    word = first_word(text)
    if word in _DML_IDS and description and description[0][0].startswith("number of rows"):
        return _DML_IDS[word]
    if word in _QUERY_WORDS:
        return SELECT
    return DDL
