"""Session state of one connection (user, role, database, schema, variables) and name resolution."""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from snowreg import errors
from snowreg.catalog import Catalog, ModelRow, quote
from snowreg.catalog.names import MAX_IDENTIFIER, physical
from snowreg.engine import input_formats, output_formats, parameters
from snowreg.grammar import ast
from snowreg.grammar.lexical import qualified, split_names
from snowreg.grammar.text import quote_ident, resolve_ident

_session_ids = itertools.count(1)
_UNSET = object()  # a DuckDB variable this session never set
_COMPLETES = hasattr(duckdb.DuckDBPyConnection, "complete")  # DuckDB 2: a result left open is finished (settle)
RECENT_RESULTS = 64  # results kept for RESULT_SCAN (Snowflake keeps 24 hours' worth)
# Values (rows × columns) the results kept before the latest may hold together: the latest result is always
# kept, older ones go, oldest first, while the others hold more (DECISIONS Y10). Without it 64 results of a
# million rows each stayed alive, and each new result was built in memory the process had never touched
# (bench/README.md, "Issue 13, fourteenth round").
KEPT_VALUES = 1_000_000
DEFAULT_TIMEZONE = "America/Los_Angeles"  # Snowflake's default for the TIMEZONE parameter
# The latest results of every session of a registry, by query id, with the user who ran them: "the command
# or query can be from the current session or any of your other sessions" (RESULT_SCAN's page), and the
# connector's get_results_from_sfqid reads them too. Only their own user may read them.
_SHARED_LOCK = threading.Lock()
_SHARED_RESULTS: weakref.WeakKeyDictionary[Catalog, KeptResults] = weakref.WeakKeyDictionary()


class KeptResults:
    """Results by query id, oldest first, within `RECENT_RESULTS` and `KEPT_VALUES` (the latest always kept)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._values = 0  # of every kept item

    def add(self, query_id: str, item: Any, values: int) -> None:
        self.pop(query_id)
        self._items[query_id] = (item, values)
        self._values += values
        while len(self._items) > RECENT_RESULTS or (len(self._items) > 1 and self._values - values > KEPT_VALUES):
            self._values -= self._items.popitem(last=False)[1][1]

    def get(self, query_id: str) -> Any | None:
        found = self._items.get(query_id)
        return None if found is None else found[0]

    def pop(self, query_id: str) -> None:
        found = self._items.pop(query_id, None)
        if found is not None:
            self._values -= found[1]

    def __len__(self) -> int:
        return len(self._items)


def values_of(result: Any) -> int:
    """How many values a result holds: rows × columns (its Arrow table's rows when it kept no row tuples)."""
    rows = len(result.rows) or (result.arrow.num_rows if result.arrow is not None else 0)
    return rows * max(1, len(result.columns))


@dataclass
class Session:
    """What a Snowflake session holds; shared by all cursors of one connection."""

    catalog: Catalog
    user: str
    role: str
    database: str | None = None
    schema: str | None = None
    warehouse: str | None = None
    secondary_roles: str = "NONE"
    live_versions: bool = True  # SYSTEM$ML_PLATFORM_CAPABILITIES reports the live-version path
    variables: dict[str, Any] = field(default_factory=dict)
    # when each variable was first SET and last SET (SHOW VARIABLES' created_on / updated_on)
    variable_times: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_session_ids))
    started_on: datetime = field(default_factory=lambda: datetime.now(UTC))
    _cursor: duckdb.DuckDBPyConnection | None = None
    _cursor_path: tuple[str | None, str | None] = (None, None)
    _duck_vars: dict[str, Any] = field(default_factory=dict)
    _duck_timezone: str | None = None
    _parameter_variables: bool = False  # a variable of parameters.READ_BY_SQL is set to a value in DuckDB
    _stale: bool = False
    _exposed: bool = False  # INFORMATION_SCHEMA rows may be registered on the cursor: withdraw them
    _registered: dict[str, Any] = field(default_factory=dict)  # what the cursor surely holds (name → rows)
    _unsure: bool = False  # a ROLLBACK may have brought back rows of any earlier query: withdraw all first
    _information: bool = False  # the INFORMATION_SCHEMA macros are on the cursor for good
    # (kind, database, schema, name, arguments) of its temporary functions and procedures: dropped at close too
    temporary_routines: set[tuple[str, str, str, str, str]] = field(default_factory=set)
    # the connector's `execute(…, file_stream=f)` while its PUT runs: the bytes of the one file the PUT names
    upload_stream: Any = None
    canceled: threading.Event = field(default_factory=threading.Event)  # set by engine.boundary.cancel
    # (time.monotonic() at which STATEMENT_TIMEOUT_IN_SECONDS runs out, its seconds) while a statement with a
    # timeout runs (engine.boundary.guarded); check_canceled stops Python work past it
    deadline: tuple[float, int] | None = None
    # SYSTEM$CANCEL_QUERY: cancels a running statement by query id (a server's sessions; None in process,
    # where a statement has finished before its id is known)
    query_canceler: Callable[[str], bool] | None = None
    # The one host folder PUT may read and GET may write, stage URLs excepted (a network session: its own
    # folder of the server's scratch, where the server puts uploads and fetches downloads); None: any, as
    # the process's own user may (engine.stages.host_path)
    host_files: Path | None = None
    inference_stats: Counter[str] = field(default_factory=Counter)  # model calls by path: fast, vector, table
    query_ids: list[str] = field(default_factory=list)  # every statement's id, in order (LAST_QUERY_ID)
    results: KeptResults = field(default_factory=KeptResults)  # the latest results by query id (RESULT_SCAN)
    transaction: bool = False  # a transaction is open on the DuckDB connection (engine.transaction)
    transaction_writes: list[str] = field(default_factory=list)  # its writes so far, as DuckDB SQL
    transaction_id: str | None = None  # CURRENT_TRANSACTION(): the open transaction's id
    last_transaction: str | None = None  # LAST_TRANSACTION(): the last one committed or rolled back
    # the transaction an error aborted under TRANSACTION_ABORT_ON_ERROR = TRUE: every statement but COMMIT and
    # ROLLBACK fails until one of them ends it (engine.transaction.refuse_if_aborted)
    aborted_transaction: str | None = None
    # the caller's transaction while a stored procedure called inside it runs: the body may not end it
    # (the transactions page: "Modifying a transaction that has started at a different scope is not allowed.")
    enclosing_transaction: str | None = None
    describing: bool = False  # a describe-only run (cursor.describe): nothing may act, only answer
    # load metadata the open transaction wrote (COPY) or deleted (TRUNCATE): the registry takes it at COMMIT
    pending_loads: list[tuple[Any, ...]] = field(default_factory=list)

    # -- DuckDB side ----------------------------------------------------------------------------

    @property
    def duck(self) -> duckdb.DuckDBPyConnection:
        """This session's DuckDB connection, switched to the current database and schema (a statement
        cancelled before it reached DuckDB, where the interrupt found nothing to stop, ends here)."""
        if self.canceled.is_set():
            raise errors.statement_canceled()
        if self._cursor is None:
            self._cursor = self.catalog.store.cursor()
            if not self.catalog.store.has_functions:  # else the data instance attached them prebuilt
                from snowreg.engine.sql import numbers, variant  # sqlglot: not loaded for a plain start

                variant.install(self._cursor)
                numbers.install(self._cursor)
            self._cursor_path = (None, None)
            self._duck_vars = {}
            self._duck_timezone = None
            self._exposed = False
            self._registered = {}
            self._information = False
        want = (self.database, self.schema)
        if want != self._cursor_path or self._stale:
            self._stale = False
            self._use_in_duckdb(want)
        return self._cursor

    @property
    def open_duck(self) -> duckdb.DuckDBPyConnection | None:
        """The DuckDB connection if one was opened (no switching of database or schema)."""
        return self._cursor

    def _use_in_duckdb(self, want: tuple[str | None, str | None]) -> None:
        """Point the DuckDB cursor at the current schema, or at an empty one while there is none."""
        assert self._cursor is not None
        db, schema = want
        if db is not None and schema is not None and self.catalog.databases.get_schema(db, schema) is not None:
            target = f"{quote(db)}.{quote(schema)}"
        elif db is not None and self.catalog.databases.get_database(db) is not None:
            target = f"{quote(db)}.main"  # `schema.table` names resolve in the current database
        else:
            target = self.catalog.store.empty_schema()
        try:
            self._cursor.execute(f"USE {target}")
        except duckdb.Error:
            # Inside an explicit transaction begun before the schema existed (it was created through the
            # catalog's handle), DuckDB cannot see it yet: stand in the empty schema, never the previous
            # one, and try again once the transaction has ended (a ROLLBACK still runs).
            self._stale = True
            try:
                self._cursor.execute(f"USE {self.catalog.store.empty_schema()}")
            except duckdb.Error:
                pass  # the transaction is aborted: the statement fails and the boundary rolls back
            return
        self._cursor_path = want

    def require_context(self, tables: Any, kind: str = "operation") -> None:
        """Unqualified object names need a current database (090105) and schema (090106).

        `kind` names the statement in the message (`Cannot perform CREATE TABLE.`)."""
        for t in tables:
            if t.database is None and getattr(t, "object_kind", "table") != "schema":
                if self.database is None or self.catalog.databases.get_database(self.database) is None:
                    raise errors.no_current_database(kind)
                if t.schema is None and (self.schema is None or (
                        self.schema != "INFORMATION_SCHEMA"
                        and self.catalog.databases.get_schema(self.database, self.schema) is None)):
                    raise errors.no_current_schema(kind)

    def sync_duckdb_variables(self, extra: dict[str, Any], variables: bool = True) -> None:
        """Hand the session's context to DuckDB as variables the translated SQL reads (only on change);
        `variables=False`: only the time zone (the statement reads no variable)."""
        duck = self.duck
        timezone = self.parameters.get("TIMEZONE", DEFAULT_TIMEZONE)
        if timezone != self._duck_timezone:
            self.use_timezone(timezone)
        if not variables:
            return
        want: dict[str, Any] = {
            "snowreg_role": self.role, "snowreg_user": self.user, "snowreg_database": self.database,
            "snowreg_schema": self.schema, "snowreg_warehouse": self.warehouse, "snowreg_session": str(self.id),
            "snowreg_transaction": self.transaction_id, "snowreg_last_transaction": self.last_transaction,
        }  # the account's own values are constants in the translated SQL (rewrites.ACCOUNT_CONTEXT)
        if self.parameters or self._parameter_variables:  # a session that never set one skips them
            want.update(self._parameter_values())
        for key, value in self.variables.items():
            if not key.lower().startswith("snowreg_"):  # DuckDB's names are case-blind: never shadow ours
                want[key] = value
        want.update(extra)
        for key, value in want.items():
            known = self._duck_vars.get(key, _UNSET)
            if known is _UNSET and value is None:  # DuckDB reads a variable never set as NULL already
                self._duck_vars[key] = None
            elif known is _UNSET or known != value:
                duck.execute(f"SET VARIABLE {quote(key)} = ?", [value])
                self._duck_vars[key] = value

    def _parameter_values(self) -> dict[str, Any]:
        """The DuckDB variables of the parameters SQL reads (parameters.READ_BY_SQL); unset is NULL, which
        the macros read as the default (engine.sql.weeks, `snowreg_varchar` for the output formats)."""
        week_start, policy = self.parameters.get("WEEK_START"), self.parameters.get("WEEK_OF_YEAR_POLICY")
        values: dict[str, Any] = {"snowreg_week_start": None if week_start is None else int(week_start),
                                  "snowreg_week_policy": None if policy is None else int(policy)}
        values.update(output_formats.variables(self.parameters))
        values.update(input_formats.variables(self.parameters))
        century = self.parameters.get("TWO_DIGIT_CENTURY_START")
        values["snowreg_two_digit_century_start"] = None if century is None else int(century)
        values["snowreg_day_is_always_24h"] = True if self.parameters.get("TIMESTAMP_DAY_IS_ALWAYS_24H") == "true" else None
        self._parameter_variables = any(v is not None for v in values.values())
        return values

    def check_canceled(self) -> None:
        """Raise 000604 when the running statement was cancelled, 000630 when its STATEMENT_TIMEOUT_IN_SECONDS
        has passed (work done in Python asks now and then: model calls between batches, MATCH_RECOGNIZE)."""
        if self.canceled.is_set():
            raise errors.statement_canceled()
        if self.deadline is not None and time.monotonic() >= self.deadline[0]:
            raise errors.statement_timeout(self.deadline[1])

    @property
    def timezone(self) -> str:
        """The session's TIMEZONE parameter (Snowflake's default when unset)."""
        return self.parameters.get("TIMEZONE", DEFAULT_TIMEZONE)

    def record_query(self, query_id: str, result: Any) -> None:
        """Remember a statement's id, and its result (None if it failed), for LAST_QUERY_ID / RESULT_SCAN."""
        self.query_ids.append(query_id)
        if result is not None:
            values = values_of(result)
            self.results.add(query_id, result, values)
            with _SHARED_LOCK:
                shared = _SHARED_RESULTS.get(self.catalog)
                if shared is None:
                    shared = _SHARED_RESULTS[self.catalog] = KeptResults()
                shared.add(query_id, (self.user, result), values)

    def forget_queries_since(self, count: int) -> None:
        """Forget the statements recorded after the first `count` (ids and results, here and shared): what an
        owner's-rights procedure ran is not the caller's to read (DECISIONS J21)."""
        dropped = self.query_ids[count:]
        if not dropped:
            return
        del self.query_ids[count:]
        for query_id in dropped:
            self.results.pop(query_id)
        with _SHARED_LOCK:
            shared = _SHARED_RESULTS.get(self.catalog)
            if shared is not None:
                for query_id in dropped:
                    shared.pop(query_id)

    def result_of(self, query_id: str) -> Any | None:
        """The result of a query this session ran, or this user ran in another session of the registry."""
        found = self.results.get(query_id)
        if found is not None:
            return found
        with _SHARED_LOCK:
            shared = _SHARED_RESULTS.get(self.catalog)
            entry = shared.get(query_id) if shared is not None else None
        return entry[1] if entry is not None and entry[0] == self.user else None

    def use_timezone(self, name: str) -> None:
        """Make `name` the zone of TIMESTAMP_LTZ values and CURRENT_TIMESTAMP (parameter TIMEZONE)."""
        try:
            self.duck.execute("SET TimeZone = ?", [name])
        except duckdb.Error:
            raise errors.invalid_timezone(name) from None
        self._duck_timezone = name

    def set_parameter(self, key: str, value: str) -> None:
        """Set a session parameter at login (engine.parameters: an unknown name, a value it cannot take or one
        snowreg does not emulate is refused). The client drivers' own CLIENT_* settings that are no session
        parameter are theirs: ignored here (conformance/DECISIONS.md T35)."""
        if key.upper().startswith("CLIENT_") and key.upper() not in parameters.PARAMETERS:
            return
        text = parameters.checked(key, value)
        if key.upper() == "TIMEZONE":
            self.use_timezone(text)  # a bad zone name fails here, the parameter unchanged
        self.parameters[key.upper()] = text
        if key.upper() in parameters.READ_BY_SQL:
            self.sync_duckdb_variables({})

    def expose_information(self, visible: list[int] | None, views: Iterable[str]) -> None:
        """INFORMATION_SCHEMA rows of the `visible` models (None: all) for the next query, which reads
        the INFORMATION_SCHEMA `views`.

        The macros behind the views are created on the cursor the first time a query needs them; made
        inside a transaction they could be rolled back with it, so they are made again until one
        query outside a transaction has made them. Rows still registered from the session's previous
        query are not handed over again when they are the same (no DuckDB call then); the relations the
        views do not read are left empty."""
        duck = self.duck
        if not self._information:
            self.catalog.install_session(duck)
            self._registered = {}  # installing withdrew them
            self._information = not self.transaction
        elif self._unsure:
            self.catalog.withdraw_information(duck)
            self._registered = {}
        self.catalog.expose_information(duck, visible, self._registered, views)
        self._exposed = True
        self._unsure = self.transaction
        if self.transaction:  # a ROLLBACK may bring back whatever the cursor held before: assume nothing
            self._registered = {}

    def withdraw_information(self) -> None:
        """Take the INFORMATION_SCHEMA rows back before a query that does not read them.

        Inside a transaction a ROLLBACK would bring back rows withdrawn in it, so they stay marked as
        exposed: the next query after it withdraws them again."""
        if self._exposed:
            self.catalog.withdraw_information(self.duck)
            self._registered = {}
            self._exposed = self._unsure = self.transaction

    def settle(self) -> None:
        """Finish a DuckDB result a query left open (a `fetchone()` does): DuckDB 2 refuses `register` and
        `create_function` on a connection until its last result is read to the end."""
        if _COMPLETES and self._cursor is not None:  # DuckDB 2 (earlier versions discard an open result by themselves)
            self._cursor.complete()

    @property
    def temporary_tables(self) -> set[tuple[str, str, str]]:
        """The temporary tables and views this session made, under their current names (dropped at close;
        engine.access.temporary keeps them)."""
        return {key for key, owner in list(self.catalog.temporary_owners.items()) if owner == self.id}

    def forget_duckdb_path(self) -> None:
        """Called when a database or schema was dropped or created: re-run USE before the next query."""
        self._stale = True

    def close(self) -> None:
        self.catalog.drop_session_stages(self.id)
        self._drop_temporary_routines()
        if self._cursor is not None:
            if self.transaction:  # Snowflake rolls back what a closing session left uncommitted
                self._cursor.execute("ROLLBACK")
                self.transaction = False
            for db, schema, name in self.temporary_tables:
                for kind in ("TABLE", "VIEW"):  # DuckDB's DROP TABLE refuses a view, and the reverse
                    try:
                        self._cursor.execute(f"DROP {kind} IF EXISTS {quote(db)}.{quote(schema)}.{quote(physical(name))}")
                        self.catalog.forget_table(db, schema, name)  # its grants and recorded shape go too
                        break
                    except duckdb.Error:
                        pass  # the other kind, or its database or schema went first
                self.catalog.temporary_owners.pop((db, schema, name), None)
            self.catalog.store.relations_changed()
            self._cursor.close()
            self._cursor = None

    def _drop_temporary_routines(self) -> None:
        """The session's temporary functions and procedures go with it (those still its own: not replaced or
        dropped since)."""
        catalog = self.catalog
        for kind, db, schema, name, arguments in self.temporary_routines:
            part, drop = (catalog.udfs, catalog.drop_function) if kind == "FUNCTION" else \
                (catalog.procedures, catalog.drop_procedure)
            row = part.get(db, schema, name, arguments)
            if row is not None and row.spec.get("temporary") and not catalog.others_temporary_routine(self.id, row, kind):
                catalog.temporary_routines.pop((kind, db, schema, row.signature_name), None)
                drop(row)
        self.temporary_routines.clear()

    # -- names ----------------------------------------------------------------------------------

    def name(self, part: ast.Name) -> str:
        """Resolve a name part: plain text, `IDENTIFIER($var)` or `IDENTIFIER('text')`; at most 255
        characters (https://docs.snowflake.com/en/sql-reference/identifiers-syntax)."""
        if isinstance(part, str):
            text = part
        elif isinstance(part, ast.VarRef):
            if part.var not in self.variables:
                raise errors.variable_not_found(f"${part.var}")
            if self.variables[part.var] is None:  # not the name 'NONE': a NULL names nothing
                raise errors.compilation_error(f"IDENTIFIER(${part.var}): the variable is NULL and names no object.")
            text = resolve_ident(str(self.variables[part.var]))
        else:
            text = resolve_ident(part.text)
        if len(text) > MAX_IDENTIFIER:
            raise errors.identifier_too_long(text, MAX_IDENTIFIER)
        return text

    def current_database(self) -> str:
        if self.database is None:
            raise errors.no_current_database()
        return self.database

    def _spread(self, qn: ast.QualifiedName, limit: int) -> ast.QualifiedName:
        """`IDENTIFIER($v)` whose variable holds a qualified name (`'db.s.x'`) stands for its parts, as
        `IDENTIFIER('db.s.x')` does (https://docs.snowflake.com/en/sql-reference/identifier-literal)."""
        part = qn.name
        if qn.schema is not None or not isinstance(part, ast.VarRef) or part.var not in self.variables:
            return qn
        text = str(self.variables[part.var])
        names, end = split_names(text)
        if 1 < len(names) <= limit and end == len(text):
            return qualified([ast.IdentFromString(n) for n in names])
        return qn

    def qualify(self, qn: ast.QualifiedName) -> tuple[str, str, str]:
        """(database, schema, name) of a schema object name, using the current database and schema."""
        qn = self._spread(qn, 3)
        name = self.name(qn.name)
        if qn.database is not None:
            assert qn.schema is not None
            return self.name(qn.database), self.name(qn.schema), name
        if qn.schema is not None:
            return self.current_database(), self.name(qn.schema), name
        if self.database is None:
            raise errors.no_current_database()
        if self.schema is None:
            raise errors.no_current_schema()
        return self.database, self.schema, name

    def qualify_schema(self, qn: ast.QualifiedName) -> tuple[str, str]:
        """(database, schema) of a schema name `[db.]schema`."""
        qn = self._spread(qn, 2)
        schema = self.name(qn.name)
        if qn.schema is not None:
            return self.name(qn.schema), schema
        return self.current_database(), schema


def model_fqn(model: ModelRow) -> str:
    return ".".join(quote_ident(p) for p in (model.database_name, model.schema_name, model.name))
