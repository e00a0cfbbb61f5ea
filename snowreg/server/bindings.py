"""Server-side bindings (`"bindings": {"1": {"type": "FIXED", "value": "1"}}`) turned into SQL literals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from snowreg import errors
from snowreg.grammar.text import literal, outside_literals

# Text where a placeholder is not one: string literals, quoted identifiers, $$ strings and comments.
_PLACEHOLDER = re.compile(r"\?|(?<![:\w]):([A-Za-z_]\w*|\d+)")
EPOCH = dt.datetime(1970, 1, 1)


def value_of(binding: Mapping[str, Any], value: Any) -> Any:
    """A bound value (a string in the driver's encoding for its declared type) as a Python value."""
    if value is None:
        return None
    kind = str(binding.get("type", "TEXT")).upper()
    text = str(value)
    if kind == "FIXED":
        return int(text) if text.lstrip("-").isdigit() else Decimal(text)
    if kind == "REAL":
        return float(text)
    if kind == "BOOLEAN":
        return text.lower() in ("true", "1", "t", "yes", "y", "on")
    if kind == "DATE":  # milliseconds since the epoch
        return (EPOCH + dt.timedelta(milliseconds=int(text))).date()
    if kind == "TIME":  # nanoseconds since midnight
        micros = int(text) // 1000
        return (dt.datetime.min + dt.timedelta(microseconds=micros)).time()
    if kind in ("TIMESTAMP_NTZ", "TIMESTAMP_LTZ", "TIMESTAMP_TZ", "TIMESTAMP"):
        return _timestamp(kind, text)
    if kind == "BINARY":
        return bytes.fromhex(text)
    return text


def _timestamp(kind: str, text: str) -> dt.datetime:
    nanos, _, zone = text.partition(" ")
    moment = EPOCH + dt.timedelta(microseconds=int(nanos) // 1000)
    if kind == "TIMESTAMP_NTZ":
        return moment
    offset = dt.timedelta(minutes=int(zone) - 1440) if zone else dt.timedelta(0)
    return moment.replace(tzinfo=dt.UTC).astimezone(dt.timezone(offset))


def rows_of(bindings: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One mapping name -> Python value per execution: several when the values are arrays (executemany)."""
    columns = {name: b.get("value") for name, b in bindings.items()}
    arrays = [v for v in columns.values() if isinstance(v, list)]
    if not arrays:
        return [{name: value_of(bindings[name], v) for name, v in columns.items()}]
    count = len(arrays[0])
    return [{name: value_of(bindings[name], v[i] if isinstance(v, list) else v) for name, v in columns.items()}
            for i in range(count)]


def substitute(sql: str, values: Mapping[str, Any]) -> str:
    """Replace `?` (in order) and `:1` / `:name` placeholders by literals; text in strings stays."""
    out: list[str] = []
    pos = 0
    position = 0
    for m in outside_literals(_PLACEHOLDER, sql):
        name = m.group(1)
        if name is None:
            position += 1
            key = str(position)
        elif name.isdigit() or name in values:
            key = name
        else:
            continue  # `a:b` path syntax on a VARIANT, not a placeholder
        if key not in values:
            raise errors.bind_count_mismatch()
        out.append(sql[pos:m.start()])
        out.append(literal(values[key]))
        pos = m.end()
    out.append(sql[pos:])
    return "".join(out)
