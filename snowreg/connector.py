"""The snowflake-connector-python surface of snowreg cursors and connections (docs/SNOWFLAKE.md#c8).

Arrow and pandas fetches, results by query id, "asynchronous" queries (they run at once; their results
wait under their query id) and the attributes Snowpark and snowflake-ml-python read. These are mixins of
`snowreg.dbapi.Cursor` / `Connection`; nothing here imports snowflake.connector (but `connector_error`,
when it runs).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from snowreg import errors

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from snowreg.engine.api import Result

# Errors of execute_async kept per connection for get_results_from_sfqid / query_result, newest last; results
# are the session's (engine/session.py, within its budget of kept values).
RECENT_QUERIES = 64


class QueryStatus(enum.Enum):
    """The connector's QueryStatus names (the real enum is used when the connector is loaded)."""

    RUNNING = 0
    ABORTING = 1
    SUCCESS = 2
    FAILED_WITH_ERROR = 3
    ABORTED = 4
    QUEUED = 5
    FAILED_WITH_INCIDENT = 6
    DISCONNECTED = 7
    RESUMING_WAREHOUSE = 8
    QUEUED_REPARING_WAREHOUSE = 9
    RESTARTED = 10
    BLOCKED = 11
    NO_DATA = 12


def _status(name: str) -> Any:
    """A QueryStatus member: the real connector's when it is already imported (so comparisons hold)."""
    constants = sys.modules.get("snowflake.connector.constants")
    real = getattr(constants, "QueryStatus", None)
    return real[name] if real is not None else QueryStatus[name]


# ---------------------------------------------------------------------------------------------
# Arrow conversion of a result
# ---------------------------------------------------------------------------------------------


# The connector's pandas / Arrow types (its CArrowTableIterator): integers in the narrowest width the
# values need (the server sends Int8 … Int64 columns), scaled NUMBER as float64, times and timestamps in the
# unit their scale needs, TIMESTAMP_LTZ / TZ in the session's time zone.
_INT_TYPES = ((1 << 7, "int8"), (1 << 15, "int16"), (1 << 31, "int32"), (1 << 63, "int64"))


def _unit(scale: int | None) -> str:
    scale = 9 if scale is None else scale
    return "s" if scale == 0 else "ms" if scale <= 3 else "us" if scale <= 6 else "ns"


def _int_type(values: list[Any]) -> pa.DataType:
    import pyarrow as pa

    present = [v for v in values if v is not None]
    widest = max((max(v, -v - 1) for v in present), default=0)
    name = next((n for bound, n in _INT_TYPES if widest < bound), "decimal")
    return pa.decimal128(38, 0) if name == "decimal" else getattr(pa, name)()


def _arrow_type(kind: str, scale: int | None, timezone: str, values: list[Any], decimals: bool,
                micros: bool = False) -> pa.DataType:
    """The Arrow type the connector hands out for a Snowflake column type (`decimals`: the connection's
    arrow_number_to_decimal, scaled NUMBER as decimal128 rather than float64; `micros`: its
    force_microsecond_precision, nanosecond timestamps in microseconds)."""
    import pyarrow as pa

    if kind == "FIXED":
        return _int_type(values) if not scale else pa.decimal128(38, scale) if decimals else pa.float64()
    if kind.startswith("TIMESTAMP_"):
        unit = "us" if micros and _unit(scale) == "ns" else _unit(scale)
        return pa.timestamp(unit, None if kind == "TIMESTAMP_NTZ" else timezone)
    if kind == "TIME":  # the connector truncates TIME(7..9) to microseconds: Python's time has no nanoseconds
        unit = _unit(scale)
        return pa.time32(unit) if unit in ("s", "ms") else pa.time64("us")
    simple = {"REAL": pa.float64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "BINARY": pa.binary()}
    return simple.get(kind, pa.string())


def _arrow_column(values: list[Any], kind: str, scale: int | None, timezone: str, decimals: bool,
                  micros: bool = False) -> pa.Array:
    import pyarrow as pa

    if kind == "FIXED" and not (scale and decimals):
        values = [None if v is None else float(v) if scale else int(v) if isinstance(v, Decimal) and v % 1 == 0
                  else v for v in values]
    try:
        typ = _arrow_type(kind, scale, timezone, values, decimals, micros)
        if pa.types.is_timestamp(typ) or pa.types.is_time(typ):
            # built in microseconds (Python's precision), then brought to the column's unit: truncated to a
            # coarser one; kept in microseconds where nanoseconds overflow int64, as the connector does
            wide = pa.timestamp("us", typ.tz) if pa.types.is_timestamp(typ) else pa.time64("us")
            built = pa.array(values, type=wide)
            if typ.unit != "ns":
                return built.cast(typ, safe=False)
            try:
                return built.cast(typ)
            except pa.ArrowInvalid:
                return built
        return pa.array(values, type=typ)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def arrow_table(result: Result, rows: Sequence[tuple[Any, ...]], timezone: str = "UTC",
                decimals: bool = False, micros: bool = False) -> pa.Table:
    """Rows of a result as an Arrow table with one column per result column (names may repeat);
    `timezone`: the session's, for TIMESTAMP_LTZ / TZ columns; `decimals`: scaled NUMBER as decimal128;
    `micros`: nanosecond timestamps in microseconds."""
    import pyarrow as pa

    if not rows:  # the connector's empty table: its fixed type per column type (FIELD_TYPES' pa_type)
        empty = {"FIXED": pa.int64(), "REAL": pa.float64(), "DATE": pa.date64(), "TIME": pa.time64("ns"),
                 "BINARY": pa.binary(), "BOOLEAN": pa.bool_(), "TIMESTAMP_NTZ": pa.timestamp("ns"),
                 "TIMESTAMP_LTZ": pa.timestamp("ns"), "TIMESTAMP_TZ": pa.timestamp("ns")}
        schema = pa.schema([pa.field(c.name, empty.get(c.type, pa.string())) for c in result.columns])
        return schema.empty_table()
    columns = list(zip(*rows, strict=True))
    arrays = [_arrow_column(list(values), c.type, c.scale, timezone, decimals, micros)
              for c, values in zip(result.columns, columns, strict=True)]
    return pa.Table.from_arrays(arrays, names=[c.name for c in result.columns])


def with_bytearrays(result: Result | None) -> Result | None:
    """The result with its BINARY values as `bytearray`, as the connector's Arrow converter hands them out
    (snowreg's own cursor gives `bytes`); the same result when it has no BINARY value."""
    if result is None or not result.rows:
        return result
    binary = {i for i, c in enumerate(result.columns) if c.type == "BINARY"}
    if not binary:
        return result
    rows = [tuple(bytearray(v) if i in binary and v is not None else v for i, v in enumerate(row))
            for row in result.rows]
    return dataclasses.replace(result, rows=rows)


class ResultBatch:
    """What `get_result_batches()` hands out: rows that can be iterated or turned into Arrow / pandas."""

    def __init__(self, result: Result, timezone: str = "UTC", decimals: bool = False) -> None:
        self._result = result
        self._timezone = timezone
        self._decimals = decimals
        self.rowcount = len(result.rows)
        self.compressed_size: int | None = None
        self.uncompressed_size: int | None = None

    @property
    def schema(self) -> list[Any]:
        return [c.describe() for c in self._result.columns]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._result.rows)

    def create_iter(self, **kwargs: Any) -> Iterator[tuple[Any, ...]]:
        return iter(self._result.rows)

    def to_arrow(self, connection: Any = None) -> pa.Table:
        return arrow_table(self._result, self._result.rows, self._timezone, self._decimals)

    def to_pandas(self, connection: Any = None, **kwargs: Any) -> pd.DataFrame:
        return self.to_arrow().to_pandas()


# ---------------------------------------------------------------------------------------------
# Cursor surface
# ---------------------------------------------------------------------------------------------


class CursorBasics:
    """PEP 249's housekeeping, the same for the in-process and the remote cursor."""

    _closed: bool

    def fetchone(self) -> Any:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:
        while (row := self.fetchone()) is not None:
            yield row

    def setinputsizes(self, sizes: Any) -> None:
        """PEP 249: accepted and ignored."""

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        """PEP 249: accepted and ignored."""

    def close(self) -> bool:
        self._closed = True
        return True

    def is_closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CursorSurface(CursorBasics):
    """What snowflake-connector-python cursors offer beyond PEP 249 (mixed into snowreg.dbapi.Cursor)."""

    connection: Any
    query: str | None
    _result: Result | None
    _pos: int
    _sfqid: str | None
    _query_result_format = "arrow"
    lastrowid = None
    sqlstate: str | None = None

    def _rows(self) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def execute(self, command: str | None = None, params: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    def describe(self, command: str | None = None, params: Any = None, **kwargs: Any) -> Any:
        raise NotImplementedError

    def _take_rest(self) -> list[tuple[Any, ...]]:
        rows = self._rows()
        rest = rows[self._pos:]
        self._pos = len(rows)
        return rest

    def fetch_arrow_all(self, force_return_table: bool = False,
                        force_microsecond_precision: bool | None = None) -> pa.Table | None:
        """The remaining rows as one Arrow table; None when there are none (unless `force_return_table`).
        `force_microsecond_precision` (default: the connection's): nanosecond timestamps in microseconds."""
        rest = self._take_rest()
        assert self._result is not None
        if not rest and not force_return_table:
            return None
        micros = force_microsecond_precision
        if micros is None:
            micros = bool(getattr(self.connection, "_force_microsecond_precision", False))
        return arrow_table(self._result, rest, self._timezone(), self._decimals(), micros)

    def _timezone(self) -> str:
        """The session's TIMEZONE (the zone of TIMESTAMP_LTZ / TZ columns in Arrow and pandas)."""
        return str(self.connection.session.timezone)

    def _decimals(self) -> bool:
        """The connection's arrow_number_to_decimal: scaled NUMBER columns as decimals in Arrow and pandas."""
        return bool(getattr(self.connection, "_arrow_number_to_decimal", False))

    def fetch_arrow_batches(self, force_microsecond_precision: bool | None = None) -> Iterator[pa.Table]:
        """The remaining rows as Arrow tables (one batch: results are held in memory)."""
        table = self.fetch_arrow_all(force_microsecond_precision=force_microsecond_precision)
        if table is not None:
            yield table

    def fetch_pandas_all(self, **kwargs: Any) -> pd.DataFrame:
        """The remaining rows as a pandas DataFrame (an empty one with the columns when there are none)."""
        table = self.fetch_arrow_all(True, kwargs.get("force_microsecond_precision"))
        assert table is not None
        return table.to_pandas()

    def fetch_pandas_batches(self, **kwargs: Any) -> Iterator[pd.DataFrame]:
        for table in self.fetch_arrow_batches(kwargs.get("force_microsecond_precision")):
            yield table.to_pandas()

    def get_result_batches(self) -> list[ResultBatch] | None:
        """The result as one batch (results are held in memory, not split in remote chunks)."""
        if self._result is None:
            return None
        return [ResultBatch(self._result, self._timezone(), self._decimals())]

    def check_can_use_arrow_resultset(self) -> None:
        """Arrow results are always available."""

    def check_can_use_pandas(self) -> None:
        """pandas results are available whenever pandas is installed."""

    def _load_query(self, sfqid: str) -> None:
        result = self.connection._result_of(sfqid)
        self._result, self._pos, self._sfqid = result, 0, sfqid

    def get_results_from_sfqid(self, sfqid: str) -> None:
        """Point this cursor at the result of an earlier query of the same connection."""
        self._load_query(sfqid)

    def query_result(self, qid: str) -> CursorSurface:
        self._load_query(qid)
        return self

    def execute_async(self, command: str | None = None, params: Sequence[Any] | Mapping[str, Any] | None = None,
                      **kwargs: Any) -> dict[str, Any]:
        """Run the statement now; its result (or error) waits under the returned query id."""
        try:
            self.execute(command, params, **kwargs)
        except Exception as e:  # snowreg's error, or under patch() the connector's class of it
            qid = getattr(e, "sfqid", None)
            if not qid:
                raise
            self.connection._remember_error(qid, e)
            return {"queryId": qid}
        return {"queryId": self._sfqid}

    def _describe_internal(self, command: str, params: Any = None, **kwargs: Any) -> Any:
        """The result columns of a statement, typed without running it (Snowpark's schema probe)."""
        return self.describe(command, params)

    def _upload(self, local_file_name: str, stage_location: str, options: dict[str, Any] | None = None,
                _do_reset: bool = True) -> None:
        """The connector's file upload (write_pandas' parquet chunks): a PUT of `local_file_name`, a
        quoted `'file://…'` URL, to `stage_location` (`@stage[/path]`), uncompressed as given."""
        self.execute(f"PUT {local_file_name} {stage_location} AUTO_COMPRESS = FALSE OVERWRITE = TRUE")

    def _log_telemetry_job_data(self, *args: Any, **kwargs: Any) -> None:
        """Telemetry goes nowhere."""

    def abort_query(self, qid: str) -> bool:
        """Statements finish before execute returns: there is never anything to abort."""
        return False


# ---------------------------------------------------------------------------------------------
# Connection surface
# ---------------------------------------------------------------------------------------------


class ConnectionSurface:
    """What snowflake-connector-python connections offer beyond PEP 249 (mixed into snowreg.dbapi.Connection)."""

    _paramstyle = "pyformat"
    host = "snowreg.local"
    port = 443
    account = "SNOWREG"
    region = None
    application = "snowreg"
    telemetry_enabled = False
    _recent: OrderedDict[str, Exception]

    @property
    def arrow_number_to_decimal(self) -> bool:
        return bool(getattr(self, "_arrow_number_to_decimal", False))

    @property
    def is_pyformat(self) -> bool:
        return self._paramstyle in ("pyformat", "format")

    def _remember_error(self, sfqid: str, error: Exception) -> None:
        if not hasattr(self, "_recent"):
            self._recent = OrderedDict()
        self._recent[sfqid] = error
        while len(self._recent) > RECENT_QUERIES:
            self._recent.popitem(last=False)

    def _result_of(self, sfqid: str) -> Result:
        """A result (or the error) of this connection's query, or the result of one its user ran in
        another session of the registry."""
        found = getattr(self, "_recent", {}).get(sfqid) or self._session_result(sfqid)
        if found is None:
            raise errors.statement_not_found(sfqid)
        if isinstance(found, Exception):
            raise found
        return found

    def _session_result(self, sfqid: str) -> Result | None:
        session = getattr(self, "session", None)
        return None if session is None else session.result_of(sfqid)  # type: ignore[no-any-return]

    def get_query_status(self, sfqid: str) -> Any:
        found = getattr(self, "_recent", {}).get(sfqid) or self._session_result(sfqid)
        if found is None:
            return _status("NO_DATA")
        return _status("FAILED_WITH_ERROR" if isinstance(found, Exception) else "SUCCESS")

    def get_query_status_throw_if_error(self, sfqid: str) -> Any:
        self._result_of(sfqid)
        return _status("SUCCESS")

    @staticmethod
    def is_still_running(status: Any) -> bool:
        return getattr(status, "name", status) in ("RUNNING", "QUEUED", "RESUMING_WAREHOUSE",
                                                   "QUEUED_REPARING_WAREHOUSE", "NO_DATA")

    @staticmethod
    def is_an_error(status: Any) -> bool:
        return getattr(status, "name", status) in ("ABORTING", "FAILED_WITH_ERROR", "ABORTED",
                                                   "FAILED_WITH_INCIDENT", "DISCONNECTED", "BLOCKED")


# ---------------------------------------------------------------------------------------------
# Errors: snowreg's → the real connector's classes, at the connection boundary (patch() and the Session
# a Python stored procedure's handler gets)
# ---------------------------------------------------------------------------------------------


def connector_error(e: errors.Error) -> Exception:
    """The `snowflake.connector.errors` counterpart of a snowreg error (same class name, errno, sqlstate);
    the snowreg error itself when the connector is not installed."""
    try:
        from snowflake.connector import errors as sf
    except ImportError:
        return e

    cls = next((getattr(sf, k.__name__) for k in type(e).__mro__ if hasattr(sf, k.__name__)), sf.Error)
    msg = _TEXTS_5X.get(e.errno, e.msg) if _connector_major() >= 5 else e.msg
    fields = {"msg": msg, "errno": e.errno if e.errno >= 0 else None, "sqlstate": e.sqlstate,
              "sfqid": e.sfqid, "query": e.query}
    try:
        return cls(**fields, send_telemetry=False)  # type: ignore[no-any-return]
    except TypeError:  # connectors before 3.1 have no send_telemetry
        return cls(**fields)  # type: ignore[no-any-return]


# The connector's own client-side errors that the 5.x words differently from 3.x / 4.x (whose words
# snowreg's errors carry): a closed cursor, whatever the call, and a closed connection.
_TEXTS_5X = {252006: "Cursor is closed.", 250002: "Connection is closed."}


def _connector_major() -> int:
    """The major version of the imported `snowflake.connector` (0 when it is not imported or says none)."""
    import sys

    version = getattr(sys.modules.get("snowflake.connector"), "__version__", "")
    head = str(version).split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def translating(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except errors.Error as e:
            raise connector_error(e) from None

    return wrapper


CURSOR_METHODS = ("execute", "executemany", "describe", "_describe_internal", "get_results_from_sfqid",
                  "query_result", "fetchone", "fetchmany", "fetchall", "fetch_arrow_all", "fetch_pandas_all",
                  "nextset")
