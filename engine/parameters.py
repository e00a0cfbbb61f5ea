"""Session parameters (https://docs.snowflake.com/en/sql-reference/parameters#session-parameters): what each
is, its default, the values it may take, and what snowreg does with it.

Every parameter is one of three kinds (conformance/DECISIONS.md T30):

* HONOURED: snowreg reads the value and answers as Snowflake would (TIMEZONE, AUTOCOMMIT, …).
* INERT: any valid value is kept and shown, and provably changes nothing snowreg answers (QUERY_TAG, the
  client drivers' CLIENT_* / JDBC_* / ODBC_* settings, LOCK_TIMEOUT: a conflicting write is refused at once
  whatever it says).
* DEFAULT_ONLY: snowreg answers as the default says; setting it to another valid value is refused as not
  supported (000002), the parameter unchanged: never accepted and silently ignored.

A name that is no session parameter is refused (T31), and so is a value the parameter cannot take (001008).
Nothing here runs for a statement other than ALTER SESSION / SHOW PARAMETERS / a login that sets some."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from snowreg import error_catalog, errors
from snowreg.engine import input_formats, output_formats
from snowreg.engine.sql.translation import INFORMATION_MARKER

Effect = Literal["HONOURED", "INERT", "DEFAULT_ONLY"]
HONOURED: Effect = "HONOURED"
INERT: Effect = "INERT"
DEFAULT_ONLY: Effect = "DEFAULT_ONLY"

# The spellings a BOOLEAN parameter takes (those of TO_BOOLEAN, https://docs.snowflake.com/en/sql-reference/
# functions/to_boolean; conformance/DECISIONS.md T32), shown as `true` / `false`.
_TRUE = frozenset({"TRUE", "T", "YES", "Y", "ON", "1"})
_FALSE = frozenset({"FALSE", "F", "NO", "N", "OFF", "0"})


@dataclass(frozen=True, slots=True)
class Parameter:
    default: str  # as SHOW PARAMETERS shows it
    type: Literal["BOOLEAN", "NUMBER", "STRING"]
    effect: Effect
    description: str
    values: frozenset[str] | None = None  # a STRING's allowed values, upper case (None: any text)
    low: int = 0  # a NUMBER's range
    high: int = 2**31 - 1
    same: frozenset[str] = frozenset()  # DEFAULT_ONLY: other spellings of what snowreg does (upper case)


def _b(default: bool, effect: Effect, description: str) -> Parameter:
    return Parameter("true" if default else "false", "BOOLEAN", effect, description)


def _n(default: int, effect: Effect, description: str, low: int = 0, high: int = 2**31 - 1) -> Parameter:
    return Parameter(str(default), "NUMBER", effect, description, low=low, high=high)


def _s(default: str, effect: Effect, description: str, values: tuple[str, ...] | None = None,
       same: tuple[str, ...] = ()) -> Parameter:
    allowed = frozenset(values) if values is not None else None
    return Parameter(default, "STRING", effect, description, allowed, same=frozenset(same))


# https://docs.snowflake.com/en/sql-reference/parameters: each session parameter's section gives its type,
# values and default. The descriptions are short readings of those sections (conformance/DECISIONS.md T33).
PARAMETERS: dict[str, Parameter] = {
    "ABORT_DETACHED_QUERY": _b(False, INERT, "Whether a query whose connection is lost is aborted."),
    "ACTIVE_PYTHON_PROFILER": _s("DISABLED", INERT, "Which profiler of Python handlers is active.",
                                 ("LINE", "MEMORY", "DISABLED")),
    "AUTOCOMMIT": _b(True, HONOURED, "The autocommit property determines whether statement should be implicitly "
                     "wrapped within a transaction or not."),
    "BINARY_INPUT_FORMAT": _s("HEX", HONOURED, "The format of VARCHAR values read as BINARY.",
                              ("HEX", "BASE64", "UTF8", "UTF-8")),
    "BINARY_OUTPUT_FORMAT": _s("HEX", HONOURED, "The format of BINARY values shown as VARCHAR.",
                               ("HEX", "BASE64")),
    "CLIENT_ENABLE_LOG_INFO_STATEMENT_PARAMETERS": _b(False, INERT, "Whether the driver logs bind values."),
    "CLIENT_MEMORY_LIMIT": _n(1536, INERT, "The memory (MB) the driver uses for result chunks."),
    "CLIENT_METADATA_REQUEST_USE_CONNECTION_CTX": _b(False, INERT, "Whether the driver's metadata requests keep "
                                                     "to the current database and schema."),
    "CLIENT_PREFETCH_THREADS": _n(4, INERT, "Threads the driver downloads result chunks with.", 1, 10),
    "CLIENT_RESULT_CHUNK_SIZE": _n(160, INERT, "The largest result chunk (MB) the driver downloads.", 48, 160),
    "CLIENT_RESULT_COLUMN_CASE_INSENSITIVE": _b(False, INERT, "Whether the driver matches column names "
                                                "ignoring case."),
    "CLIENT_SESSION_KEEP_ALIVE": _b(False, INERT, "Whether the driver keeps the session alive."),
    "CLIENT_SESSION_KEEP_ALIVE_HEARTBEAT_FREQUENCY": _n(3600, INERT, "Seconds between the driver's heartbeats.",
                                                        900, 3600),
    "CLIENT_TIMESTAMP_TYPE_MAPPING": _s("TIMESTAMP_LTZ", INERT, "The TIMESTAMP_* variation the JDBC and ODBC "
                                        "drivers bind timestamps as.", ("TIMESTAMP_LTZ", "TIMESTAMP_NTZ")),
    "CSV_TIMESTAMP_FORMAT": _s("", DEFAULT_ONLY, "The format of timestamps unloaded to CSV files."),
    "DATE_INPUT_FORMAT": _s("AUTO", HONOURED, "The input format for the DATE data type."),
    "DATE_OUTPUT_FORMAT": _s("YYYY-MM-DD", HONOURED, "The display format for the DATE data type."),
    "DEFAULT_NULL_ORDERING": _s("LAST", HONOURED, "Default NULL ordering", ("FIRST", "LAST")),
    "ENABLE_UNLOAD_PHYSICAL_TYPE_OPTIMIZATION": _b(True, DEFAULT_ONLY, "Whether unloaded Parquet columns take "
                                                   "the smallest physical type."),
    "ERROR_ON_NONDETERMINISTIC_MERGE": _b(True, HONOURED, "Whether to return an error when a MERGE statement "
                                          "joins one target row to several source rows."),
    "ERROR_ON_NONDETERMINISTIC_UPDATE": _b(False, HONOURED, "Whether to return an error when an UPDATE statement "
                                           "joins one target row to several source rows."),
    "GEOGRAPHY_OUTPUT_FORMAT": _s("GeoJSON", INERT, "The display format for GEOGRAPHY values.",
                                  ("GEOJSON", "WKT", "WKB", "EWKT", "EWKB")),
    "GEOMETRY_OUTPUT_FORMAT": _s("GeoJSON", INERT, "The display format for GEOMETRY values.",
                                 ("GEOJSON", "WKT", "WKB", "EWKT", "EWKB")),
    # the descriptions of LOCK_TIMEOUT and HYBRID_TABLE_LOCK_TIMEOUT are those the transactions page prints
    "HYBRID_TABLE_LOCK_TIMEOUT": _n(3600, INERT, "Number of seconds to wait while trying to acquire locks, before "
                                    "timing out and aborting the statement. A value of 0 turns off lock waiting i.e. "
                                    "the statement must acquire the lock immediately or abort.", 0, 100000),
    "JDBC_TREAT_DECIMAL_AS_INT": _b(True, INERT, "Whether the JDBC driver reads NUMBER(p, 0) as an integer."),
    "JDBC_TREAT_TIMESTAMP_NTZ_AS_UTC": _b(False, INERT, "Whether the JDBC driver reads TIMESTAMP_NTZ in UTC."),
    "JDBC_USE_SESSION_TIMEZONE": _b(True, INERT, "Whether the JDBC driver uses the session's time zone."),
    "JSON_INDENT": _n(2, HONOURED, "The number of spaces OBJECT and ARRAY values are indented by in text.",
                      0, 16),
    "JS_TREAT_INTEGER_AS_BIGINT": _b(False, INERT, "Whether JavaScript handlers read integers as BigInt "
                                     "(snowreg runs no JavaScript handler)."),
    "LOCK_TIMEOUT": _n(43200, INERT, "Number of seconds to wait while trying to lock a resource, before timing out "
                       "and aborting the statement. A value of 0 turns off lock waiting i.e. the statement must "
                       "acquire the lock immediately or abort. If multiple resources need to be locked by the "
                       "statement, the timeout applies separately to each lock attempt."),
    "LOG_LEVEL": _s("OFF", INERT, "The severity of messages handlers log to the event table.",
                    ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF")),
    "MULTI_STATEMENT_COUNT": _n(1, HONOURED, "The number of statements one request may hold (0: any number).",
                                0, 2**31 - 1),
    "NOORDER_SEQUENCE_AS_DEFAULT": _b(True, DEFAULT_ONLY, "Whether new sequences and identity columns are "
                                      "NOORDER unless they say ORDER."),
    "ODBC_TREAT_DECIMAL_AS_INT": _b(False, INERT, "Whether the ODBC driver reads NUMBER(p, 0) as an integer."),
    "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": _s("ARROW", INERT, "Format used for query results.", ("ARROW", "JSON")),
    "PYTHON_PROFILER_MODULES": _s("", INERT, "The modules the Python profiler follows."),
    "PYTHON_PROFILER_TARGET_STAGE": _s("", INERT, "The stage the Python profiler writes to."),
    "QUERY_TAG": _s("", INERT, "String (up to 2000 characters) with which to tag queries"),
    "QUOTED_IDENTIFIERS_IGNORE_CASE": _b(False, DEFAULT_ONLY, "If true, the case of quoted identifiers is ignored."),
    "ROWS_PER_RESULTSET": _n(0, DEFAULT_ONLY, "The largest number of rows a result holds (0: no limit)."),
    "S3_STAGE_VPCE_DNS_NAME": _s("", INERT, "The DNS name of an Amazon S3 interface endpoint."),
    "SEARCH_PATH": _s("$current, $public", DEFAULT_ONLY, "The schemas searched for unqualified names of functions "
                      "and procedures.", same=("$CURRENT,$PUBLIC",)),
    "SIMULATED_DATA_SHARING_CONSUMER": _s("", DEFAULT_ONLY, "The consumer account whose view of shared data the "
                                          "session simulates."),
    "STATEMENT_QUEUED_TIMEOUT_IN_SECONDS": _n(0, INERT, "Seconds a statement may wait in a warehouse's queue "
                                              "(snowreg queues none)."),
    "STATEMENT_TIMEOUT_IN_SECONDS": _n(172800, HONOURED, "Timeout in seconds for statements.", 0, 604800),
    "STRICT_JSON_OUTPUT": _b(False, HONOURED, "Whether NaN and Infinity in JSON output are written as strings."),
    "TIMESTAMP_DAY_IS_ALWAYS_24H": _b(False, HONOURED, "Whether a day added to TIMESTAMP_LTZ / TZ is always "
                                      "24 hours."),
    "TIMESTAMP_INPUT_FORMAT": _s("AUTO", HONOURED, "The input format for the TIMESTAMP data types."),
    "TIMESTAMP_LTZ_OUTPUT_FORMAT": _s("", HONOURED, "The display format for TIMESTAMP_LTZ values (empty: "
                                      "TIMESTAMP_OUTPUT_FORMAT)."),
    "TIMESTAMP_NTZ_OUTPUT_FORMAT": _s(output_formats.DEFAULT_NTZ, HONOURED, "The display format for TIMESTAMP_NTZ "
                                      "values (empty: TIMESTAMP_OUTPUT_FORMAT)."),
    "TIMESTAMP_OUTPUT_FORMAT": _s(output_formats.DEFAULT_TIMESTAMP, HONOURED, "The display format for the TIMESTAMP "
                                  "data types."),
    "TIMESTAMP_TYPE_MAPPING": _s("TIMESTAMP_NTZ", HONOURED, "If TIMESTAMP type is used, what specific TIMESTAMP "
                                 "type it should map to.", ("TIMESTAMP_LTZ", "TIMESTAMP_NTZ", "TIMESTAMP_TZ")),
    "TIMESTAMP_TZ_OUTPUT_FORMAT": _s("", HONOURED, "The display format for TIMESTAMP_TZ values (empty: "
                                     "TIMESTAMP_OUTPUT_FORMAT)."),
    "TIMEZONE": _s("America/Los_Angeles", HONOURED, "time zone"),
    "TIME_INPUT_FORMAT": _s("AUTO", HONOURED, "The input format for the TIME data type."),
    "TIME_OUTPUT_FORMAT": _s("HH24:MI:SS", HONOURED, "The display format for the TIME data type."),
    "TRACE_LEVEL": _s("OFF", INERT, "Which trace events handlers record in the event table.",
                      ("ALWAYS", "ON_EVENT", "PROPAGATE", "OFF")),
    "TRANSACTION_ABORT_ON_ERROR": _b(False, HONOURED, "Whether an error in a statement of an explicit "
                                     "transaction aborts the transaction."),
    "TRANSACTION_DEFAULT_ISOLATION_LEVEL": _s("READ COMMITTED", HONOURED, "The isolation level of transactions.",
                                              ("READ COMMITTED",)),
    "TWO_DIGIT_CENTURY_START": _n(1970, HONOURED, "The century start year of two-digit years (YY).", 1900, 2100),
    "UNSUPPORTED_DDL_ACTION": _s("ignore", DEFAULT_ONLY, "What unsupported DDL (constraints of some kinds) does.",
                                 ("IGNORE", "FAIL")),
    "USE_CACHED_RESULT": _b(True, HONOURED, "If enabled, query results can be reused between successive invocations "
                            "of the same query as long as the original result has not expired"),
    "WEEK_OF_YEAR_POLICY": _n(0, HONOURED, "How the first week of a year is chosen (0: ISO).", 0, 1),
    "WEEK_START": _n(0, HONOURED, "The first day of the week (0: ISO Monday, 1-7: Monday-Sunday).", 0, 7),
}
# Parameters translated SQL reads as DuckDB variables (Session.sync_duckdb_variables): set there as soon as
# they change, since a macro reading one (`snowreg_varchar`) does not show in the statement's text.
READ_BY_SQL = frozenset({"WEEK_START", "WEEK_OF_YEAR_POLICY", *output_formats.PARAMETERS, *input_formats.VARIABLES,
                         "BINARY_INPUT_FORMAT", "BINARY_OUTPUT_FORMAT", "TWO_DIGIT_CENTURY_START",
                         "TIMESTAMP_DAY_IS_ALWAYS_24H"})
# Appended to a statement of a session whose DEFAULT_NULL_ORDERING is FIRST (engine.sql.session_texts): its
# ORDER BY keys that say neither NULLS FIRST nor NULLS LAST are read with NULLs lowest (engine.sql.translate).
NULLS_FIRST_MARKER = "/*snowreg:nulls_first*/"
_MAX_TAG = 2000


def unmarked(text: str) -> str:
    """A statement's text without the marks the session's parameters appended to it (a view's text as written)."""
    for mark in (NULLS_FIRST_MARKER, input_formats.MARKER, INFORMATION_MARKER):
        text = text.replace(" " + mark, "")
    return text  # QUERY_TAG: "String (up to 2000 characters)"


def value_text(written: str) -> str:
    """The value as ALTER SESSION wrote it: a string literal's text, or the bare word or number."""
    text = written.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'").replace("\\'", "'")
    return text


def lookup(name: str) -> Parameter:
    """The parameter of that name; a name that is no session parameter is refused (T31)."""
    found = PARAMETERS.get(name.upper())
    if found is None:
        raise error_catalog.invalid_parameter(name.upper())
    return found


def checked(name: str, value: str) -> str:
    """The text `value` is kept and shown as; raises when the parameter cannot take it (001008) or when
    snowreg does not emulate what it would change (000002). TIMEZONE's zone name is checked by the session."""
    key = name.upper()
    p = lookup(key)
    text = value.strip()
    if p.type == "BOOLEAN":
        upper = text.upper()
        if upper not in _TRUE and upper not in _FALSE:
            raise errors.invalid_parameter_value(key, text)
        text = "true" if upper in _TRUE else "false"
    elif p.type == "NUMBER":
        try:
            number = int(text)
        except ValueError:
            raise errors.invalid_parameter_value(key, text) from None
        if not p.low <= number <= p.high:
            raise errors.invalid_parameter_value(key, text)
        text = str(number)
    elif p.values is not None:
        if text.upper() not in p.values:
            raise errors.invalid_parameter_value(key, text)
    elif key == "QUERY_TAG" and len(text) > _MAX_TAG:
        raise errors.invalid_parameter_value(key, text)
    if key in output_formats.PARAMETERS and not _is_default(p, text):
        output_formats.checked(key, text)
    if key in input_formats.VARIABLES:
        input_formats.checked(key, text)
    if p.effect == DEFAULT_ONLY and not _is_default(p, text):
        written = (text.upper() if p.type == "BOOLEAN" else text) or "''"
        raise errors.not_supported(f"{key} = {written}")
    if p.values is not None and p.type == "STRING":  # an enumerated value shows as the catalogue spells it
        text = p.default if text.upper() == p.default.upper() else text.upper()
    return text


def _is_default(p: Parameter, text: str) -> bool:
    if p.type != "STRING":
        return text == p.default
    upper = " ".join(text.upper().split())
    return upper == " ".join(p.default.upper().split()) or upper in p.same


def shown(key: str, session_values: dict[str, str] | None) -> tuple[str, str]:
    """(value, level) of a parameter for SHOW PARAMETERS: the session's value when set there (None: the
    account's or user's view, where no parameter is set: T33)."""
    p = PARAMETERS[key]
    if session_values is not None and key in session_values:
        return session_values[key], "SESSION"
    return p.default, ""
