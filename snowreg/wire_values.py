"""Snowflake's JSON wire values read back into the Python values the in-process cursor returns.

Used by `snowreg.remote` (the HTTP client of `snowreg serve`): `rowtype` entries become PEP 249
descriptions, JSON rowset strings become ints, Decimals, dates, datetimes, bytes, ..., and an error
answer becomes the snowreg error class the server raised, with Snowflake's errno, sqlstate and message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from snowreg import errors

# Snowflake's type names (rowtype "type") and the connector's type codes (PEP 249 `type_code`).
TYPE_CODES = {
    "fixed": 0, "real": 1, "text": 2, "date": 3, "timestamp": 4, "variant": 5, "timestamp_ltz": 6,
    "timestamp_tz": 7, "timestamp_ntz": 8, "object": 9, "array": 10, "binary": 11, "time": 12, "boolean": 13,
}
_TEXT_KINDS = ("text", "variant", "object", "array", "binary")
_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_DATE = dt.date(1970, 1, 1)
_CLASSES: dict[str, type[errors.Error]] = {
    cls.__name__: cls for cls in (errors.Error, errors.InterfaceError, errors.DatabaseError, errors.InternalError,
                                  errors.OperationalError, errors.ProgrammingError, errors.IntegrityError,
                                  errors.DataError, errors.NotSupportedError)
}
Decoder = Callable[[str], Any]


def description(rowtype: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """PEP 249 7-tuples from a `rowtype`, as the in-process cursor describes the same columns."""
    out = []
    for c in rowtype:
        kind = str(c.get("type") or "text").lower()
        size = c.get("length") if kind in ("text", "binary", "array") else None
        precision, scale = c.get("precision"), c.get("scale")
        if kind not in ("fixed",) and not kind.startswith("time"):
            precision = scale = None
        out.append((c["name"], TYPE_CODES.get(kind, 2), None, size, precision, scale, bool(c.get("nullable", True))))
    return out


def decoders(rowtype: Sequence[dict[str, Any]], timezone: str) -> list[Decoder]:
    """One decoder per column for JSON rowset strings (NULL is handled by the caller)."""
    zone = _zone(timezone)
    return [_decoder(str(c.get("type") or "text").lower(), int(c.get("scale") or 0), zone) for c in rowtype]


def decode_rows(rows: Sequence[Sequence[str | None]], columns: Sequence[Decoder]) -> list[tuple[Any, ...]]:
    return [tuple(None if v is None else f(v) for f, v in zip(columns, row, strict=True)) for row in rows]


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def _decoder(kind: str, scale: int, zone: dt.tzinfo) -> Decoder:
    if kind == "fixed":
        return int if scale == 0 else Decimal
    if kind == "timestamp_ltz":
        return lambda v: _timestamp(v).replace(tzinfo=dt.UTC).astimezone(zone)
    simple: dict[str, Decoder] = {
        "real": float, "boolean": lambda v: v in ("1", "true", "TRUE"), "date": _date, "time": _time,
        "timestamp_ntz": _timestamp, "timestamp": _timestamp, "timestamp_tz": _timestamp_tz,
        "binary": bytes.fromhex,
    }
    return simple.get(kind, str)


def _seconds(text: str) -> dt.timedelta:
    whole, _, fraction = text.partition(".")
    micros = int((fraction + "000000")[:6]) if fraction else 0
    seconds = int(whole)
    if text.startswith("-") and micros:
        return dt.timedelta(seconds=seconds, microseconds=-micros)
    return dt.timedelta(seconds=seconds, microseconds=micros)


def _timestamp(text: str) -> dt.datetime:
    return _EPOCH + _seconds(text)


def _timestamp_tz(text: str) -> dt.datetime:
    value, _, offset = text.partition(" ")
    zone = dt.timezone(dt.timedelta(minutes=int(offset or 1440) - 1440))
    return _timestamp(value).replace(tzinfo=dt.UTC).astimezone(zone)


def _time(text: str) -> dt.time:
    return (dt.datetime.min + _seconds(text)).time()


def _date(text: str) -> dt.date:
    return _EPOCH_DATE + dt.timedelta(days=int(text))


def error(answer: dict[str, Any]) -> errors.Error:
    """The snowreg error of a `success: false` answer (its class, errno, sqlstate, message, position)."""
    data = answer.get("data") or {}
    code = str(answer.get("code") or data.get("errorCode") or "")
    errno = int(code) if code.isdigit() else -1
    sqlstate = data.get("sqlState") or None
    cls = _CLASSES.get(str(data.get("errorClass") or ""), _class_for(sqlstate))
    line, pos = data.get("line"), data.get("pos")
    return cls(str(answer.get("message") or "Unknown error"), errno, sqlstate,
               line=line if isinstance(line, int) and line >= 0 else None,
               column=pos if isinstance(pos, int) and pos >= 0 else None, sfqid=data.get("queryId"))


def _class_for(sqlstate: str | None) -> type[errors.Error]:
    """A server that does not name the class (a real Snowflake): the connector's reading of the sqlstate."""
    head = (sqlstate or "")[:2]
    return {"0A": errors.NotSupportedError, "08": errors.OperationalError, "28": errors.DatabaseError,
            "57": errors.OperationalError, "XX": errors.InternalError}.get(head, errors.ProgrammingError)
