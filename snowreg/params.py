"""Parameter binding as the real connector does it: pyformat client-side, qmark / numeric server-side.

- `pyformat` / `format` (the default): `%s` and `%(name)s` are replaced in the text by the connector's
  client-side rendering of each value (`SnowflakeConverter.to_snowflake` + `escape` + `quote`): numbers
  and booleans bare, `bytes` as `X'…'`, a `Decimal`, date, time or datetime as a quoted *string*, a list or
  tuple as its items joined by commas (for `IN (%s)`). So `SELECT %s` of a date is VARCHAR, as on Snowflake.
  snowreg also accepts `?` placeholders in a pyformat text that has no `%s` (the connector would not).
- `qmark` (`?`) and `numeric` (`:1`, `:2`, …), chosen by `connect(paramstyle=…)` or the connector's
  `_force_qmark_paramstyle=True`: the values keep their Snowflake types as server-side binding types them
  (int / Decimal NUMBER, float FLOAT, str VARCHAR, bytes BINARY, bool BOOLEAN, date DATE, time TIME,
  datetime TIMESTAMP_NTZ); a `(type, value)` pair binds the value as that type.
https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-api (paramstyle, data type
mappings for qmark and numeric bindings).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from snowreg import errors
from snowreg.grammar.text import LITERALS_AND_COMMENTS, literal, outside_literals, string_literal

PARAMSTYLES = ("pyformat", "format", "qmark", "numeric")


def statement_args(command: str | None, params: Any, kwargs: dict[str, Any],
                   names: tuple[str, str] = ("operation", "parameters")) -> tuple[str, Any]:
    """A statement call's text and parameters under any of their names, taken out of `kwargs`: the
    connector 4.x's `command` / `params` (`seqparams` for executemany), PEP 249's and the connector
    5.x's `operation` / `parameters` (`seq_of_parameters`), 5.x keeping the 4.x names as aliases."""
    command = kwargs.pop(names[0], command)
    params = kwargs.pop(names[1], params)
    if not isinstance(command, str):
        raise TypeError(f"the statement text ({names[0]}) must be a string, not {type(command).__name__}")
    return command, params


MANY = ("operation", "seq_of_parameters")  # executemany's names for statement_args


def style_for(connection_style: str, kwargs: Mapping[str, Any]) -> str:
    """The paramstyle one execute call binds with: the connection's, except that the connector's
    `_force_qmark_paramstyle` (sent by its own statements) turns the client-side styles into qmark."""
    forced = kwargs.get("_force_qmark_paramstyle") and connection_style in ("pyformat", "format")
    return "qmark" if forced else connection_style
_PYFORMAT = re.compile(r"%\((\w+)\)s|%s|%%")
_QMARK = re.compile(r"\?")
_NUMERIC = re.compile(r"(?<![:\w]):(\d+)\b")
_SERVER_TYPES = ("FIXED", "REAL", "TEXT", "BINARY", "BOOLEAN", "DATE", "TIME", "TIMESTAMP_NTZ", "TIMESTAMP_LTZ",
                 "TIMESTAMP_TZ", "ANY")
_CASTS = {"FIXED": "NUMBER", "REAL": "FLOAT", "TEXT": "VARCHAR", "ANY": None}


def bind(sql: str, params: Sequence[Any] | Mapping[str, Any] | None, style: str = "pyformat") -> str:
    """Substitute parameters into SQL text; placeholders inside literals and comments are left alone."""
    if params is None:
        return sql
    if style in ("qmark", "numeric"):  # the server reads both markers, whichever the client chose
        return _bind_server(sql, params, "numeric" if outside_literals(_NUMERIC, sql) else "qmark")
    if not isinstance(params, Mapping | Sequence) or isinstance(params, str | bytes):
        params = (params,)
    if not isinstance(params, Mapping) and not outside_literals(_PYFORMAT, sql) and outside_literals(_QMARK, sql):
        return _bind_server(sql, params, "qmark")
    return _substitute(sql, _PYFORMAT, params, client_literal, percent=True)


def _bind_server(sql: str, params: Any, style: str) -> str:
    if not isinstance(params, list | tuple):
        raise errors.bind_not_a_list(params)
    return _substitute(sql, _QMARK if style == "qmark" else _NUMERIC, params, server_literal)


def _substitute(sql: str, pattern: re.Pattern[str], params: Sequence[Any] | Mapping[str, Any],
                render: Any, percent: bool = False) -> str:
    """`percent`: `%%` is `%` in literals too, as Python's `%` formatting of the text gives it."""
    out: list[str] = []
    pos = 0
    position = 0
    for m in outside_literals(pattern, sql):
        out.append(sql[pos:m.start()].replace("%%", "%") if percent else sql[pos:m.start()])
        token = m.group(0)
        if token == "%%":
            out.append("%")
        elif token.startswith("%("):
            if not isinstance(params, Mapping) or m.group(1) not in params:
                raise errors.bind_variable_not_set(m.group(1))
            out.append(render(params[m.group(1)]))
        elif token.startswith(":"):
            n = int(m.group(1))
            if isinstance(params, Mapping) or not 1 <= n <= len(params):
                raise errors.bind_count_mismatch()
            out.append(render(params[n - 1]))
        else:
            if isinstance(params, Mapping) or position >= len(params):
                raise errors.bind_count_mismatch()
            out.append(render(params[position]))
            position += 1
        pos = m.end()
    out.append(sql[pos:].replace("%%", "%") if percent else sql[pos:])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# pyformat: the connector's client-side text
# ---------------------------------------------------------------------------------------------


def client_literal(value: Any) -> str:
    """A value as the connector writes it into a pyformat text."""
    if value is None or isinstance(value, bool | int | bytes | bytearray):
        return literal(value)
    if isinstance(value, float):
        return literal(value)
    if isinstance(value, list | tuple):
        return ",".join(client_literal(v) for v in value)
    if isinstance(value, str):
        return string_literal(value)
    text = _client_text(value)
    if text is None:
        if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
            return client_literal(value.item())
        raise errors.bind_type_not_supported(type(value).__name__.lower())
    return string_literal(text)


def _client_text(value: Any) -> str | None:
    """The quoted text of a Decimal, datetime, date, time or timedelta (None for other types)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
        offset = value.utcoffset()
        if offset is None:
            return text
        sign = "+" if offset >= dt.timedelta(0) else "-"
        hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
        return f"{text}{sign}{hours:02d}:{minutes:02d}"
    if isinstance(value, dt.date):
        return f"{value.year:d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
    if isinstance(value, dt.timedelta):
        hours, rest = divmod(value.seconds, 3600)
        text = f"{hours + value.days * 24:02d}:{rest // 60:02d}:{rest % 60:02d}"
        return text + (f".{value.microseconds:06d}" if value.microseconds else "")
    return None


# ---------------------------------------------------------------------------------------------
# qmark / numeric: typed values, as server-side binding types them
# ---------------------------------------------------------------------------------------------


def server_literal(value: Any) -> str:
    """A bound value with the Snowflake type the connector sends for it (or the type it is paired with)."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return _typed(value[0].upper(), value[1])
    if isinstance(value, tuple | list):
        raise errors.not_supported("Binding a list to a qmark / numeric parameter (array binding)")
    if isinstance(value, float):
        return f"{literal(value)}::FLOAT" if value == value and abs(value) != float("inf") else literal(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:  # TIMESTAMP_NTZ of its UTC instant
        return literal(value.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(value, dt.timedelta):
        return f"{string_literal(_client_text(value) or '')}::TIME"
    if value is None or isinstance(value, bool | int | Decimal | str | bytes | bytearray | dt.date | dt.time):
        return literal(value)
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        return server_literal(value.item())
    raise errors.bind_type_not_inferred(type(value).__name__.lower())


def _typed(kind: str, value: Any) -> str:
    """`(kind, value)`: the value as Snowflake type `kind` (the connector's explicit binding type)."""
    if kind not in _SERVER_TYPES:
        raise errors.bind_type_unknown(kind)
    if value is None:
        return "NULL"
    if isinstance(value, dt.datetime) and kind == "TIMESTAMP_NTZ" and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = client_literal(value) if not isinstance(value, bytes | bytearray | bool) else literal(value)
    target = _CASTS.get(kind, kind)
    return text if target is None else f"{text}::{target}"


_INSERT = re.compile(r"\s*insert\s+into\b", re.I)
_VALUES = re.compile(r"\bvalues\s*\(", re.I)


def multi_row_insert(command: str, seqparams: Sequence[Sequence[Any] | Mapping[str, Any]],
                     style: str = "pyformat") -> str | None:
    """executemany of `INSERT INTO … VALUES (…)` as the real connector sends it: one INSERT whose VALUES
    tuple is repeated with each parameter set bound into it, so the rows go in together (one count, and
    a bad row inserts none). None for any other statement, or a VALUES clause of several tuples."""
    if not seqparams or not _INSERT.match(command):
        return None
    masked = LITERALS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), command)
    found = _VALUES.search(masked)
    if found is None:
        return None
    start = found.end() - 1
    depth, end = 0, -1
    for i in range(start, len(masked)):
        depth += {"(": 1, ")": -1}.get(masked[i], 0)
        if depth == 0:
            end = i + 1
            break
    if end < 0 or masked[end:].lstrip().startswith(","):
        return None
    row = command[start:end]
    return command[:start] + ", ".join(bind(row, p, style) for p in seqparams) + command[end:]
