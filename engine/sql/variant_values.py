"""VARIANT, OBJECT and ARRAY results as the Snowflake connector returns them: JSON text laid out as Snowflake prints it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

import orjson

_BIG_INT = re.compile(rb"(?<![\d.eE+-])-?\d{19,}(?![\d.eE])")  # integer tokens only


def to_snowflake_value(value: Any, duckdb_type: Any, *, doubles_as_exponent: bool = False) -> Any:
    """One fetched value → what the Snowflake connector returns for it.

    JSON (VARIANT/OBJECT/ARRAY) becomes JSON text indented by 2 spaces (`'{\\n  "a": 1\\n}'`, `'42'`,
    `'"banana"'`), an object's keys in sorted order as Snowflake prints them (the OBJECT_CONSTRUCT page:
    `OBJECT_CONSTRUCT(*)` of (province, created_date) shows CREATED_DATE first); DECIMAL(p, 0) becomes int. Snowflake prints VARIANT doubles as
    `6.647030303030303e+01`; DuckDB's JSON does not keep double vs decimal apart, so that form is
    opt-in (`doubles_as_exponent`) for columns known to hold doubles (model outputs).
    """
    return _converter(duckdb_type, doubles_as_exponent)(value)


def to_snowflake_column(values: Iterable[Any], duckdb_type: Any, *,
                        doubles_as_exponent: bool = False) -> list[Any]:
    """The same conversion for a whole column (a list, or anything with `to_pylist()`)."""
    if hasattr(values, "to_pylist"):
        values = values.to_pylist()
    convert = _converter(duckdb_type, doubles_as_exponent)
    return [convert(v) for v in values]


def converts(duckdb_type: Any) -> bool:
    """Whether values of this DuckDB type change on the way out (`_converter` is not the identity)."""
    name = str(duckdb_type).upper()
    return name == "JSON" or (name.startswith("DECIMAL") and name.replace(" ", "").endswith(",0)"))


def _converter(duckdb_type: Any, exponent: bool) -> Callable[[Any], Any]:
    name = str(duckdb_type).upper()
    if name == "JSON":
        return lambda v: None if v is None else pretty_json(v, doubles_as_exponent=exponent)
    if name.startswith("DECIMAL") and name.replace(" ", "").endswith(",0)"):
        return lambda v: None if v is None else int(v)
    return lambda v: v


def pretty_json(text: str | bytes, *, doubles_as_exponent: bool = False) -> str:
    """Compact JSON text → the connector's 2-space-indented form."""
    raw = text.encode() if isinstance(text, str) else text
    if _EXPONENT.search(raw):  # a number written with an exponent is a DOUBLE (snowreg_parse_json)
        floats = _all_doubles if doubles_as_exponent else _double
        value = json.loads(raw, parse_int=_Number, parse_float=floats, parse_constant=_Number)
        return _dump(value, "")
    if not _BIG_INT.search(raw):
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            if doubles_as_exponent:
                value = _exponent_floats(value)
            return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    # Numbers orjson would round (more than 64 bits, overflowing doubles) keep their text.
    value = json.loads(raw, parse_int=_Number, parse_float=_Number, parse_constant=_Number)
    return _dump(value, "")


def _exponent_floats(value: Any) -> Any:
    if isinstance(value, float):
        return orjson.Fragment(format(value, ".15e"))
    if isinstance(value, dict):
        return {k: _exponent_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exponent_floats(v) for v in value]
    return value


class _Number(str):
    """A JSON number kept as its text."""


_EXPONENT = re.compile(rb"\d[eE][+-]?\d")


def _all_doubles(text: str) -> _Number:
    return _Number(format(float(text), ".15e"))


def _double(text: str) -> _Number:
    """A JSON number: with an exponent, printed as Snowflake prints a VARIANT DOUBLE (`1.912000000000000e+02`)."""
    return _Number(format(float(text), ".15e") if "e" in text or "E" in text else text)


def _dump(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dump(v, inner)}" for k, v in sorted(value.items())]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}" if items else "{}"
    if isinstance(value, list):
        elems = [inner + _dump(v, inner) for v in value]
        return "[\n" + ",\n".join(elems) + f"\n{indent}]" if elems else "[]"
    if isinstance(value, _Number):
        return str.__str__(value)
    return json.dumps(value, ensure_ascii=False)


_NON_FINITE = re.compile(r'("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)')


def strict_text(text: str) -> str:
    """JSON text with the bare NaN, Infinity and -Infinity Snowflake allows made JSON strings (STRICT_JSON_OUTPUT:
    "non-finite numeric values ... mapped to strings with valid JavaScript representations"); strings untouched."""
    if "NaN" not in text and "Infinity" not in text:
        return text
    return _NON_FINITE.sub(lambda m: m.group(1) or f'"{m.group(2)}"', text)


def relaid(text: str, indent: int) -> str:
    """The 2-space layout `pretty_json` writes, indented by `indent` spaces instead (JSON_INDENT,
    https://docs.snowflake.com/en/sql-reference/parameters#json-indent); 0 removes every blank space and newline
    outside strings. A string never spans lines (JSON escapes newlines), so a line's leading spaces are its depth."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    out = []
    for line in lines:
        body = line.lstrip(" ")
        if indent:
            out.append(" " * ((len(line) - len(body)) // 2 * indent) + body)
            continue
        end = _string_end(body) if body.startswith('"') else -1
        out.append(body[:end + 1] + ":" + body[end + 3:] if end > 0 and body[end + 1:end + 3] == ": " else body)
    return ("\n" if indent else "").join(out)


def _string_end(text: str) -> int:
    """Where the JSON string that opens `text` closes (the index of its closing quote; -1: not closed)."""
    i = 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i
        i += 1
    return -1
