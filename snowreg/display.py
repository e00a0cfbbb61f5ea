"""Results as text for people: aligned tables, CSV and JSON (used by the CLI and the REPL)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson


def cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return str(value)


# The type codes of the connector's description (https://docs.snowflake.com/en/developer-guide/python-connector/
# python-connector-api#label-python-connector-type-codes) whose values Snowflake shows by an output format
# parameter (BINARY by BINARY_OUTPUT_FORMAT).
_TEMPORAL = {3: "DATE", 12: "TIME", 8: "TIMESTAMP_NTZ", 6: "TIMESTAMP_LTZ", 7: "TIMESTAMP_TZ", 4: "TIMESTAMP_NTZ",
             11: "BINARY"}


def as_shown(type_codes: Sequence[Any], rows: Sequence[Sequence[Any]], parameters: Any) -> list[tuple[Any, ...]]:
    """Rows with their DATE / TIME / TIMESTAMP_* / BINARY values as the text Snowflake shows them by the session's
    output format parameters (`parameters`: the session's values; engine.output_formats), the rest as they are."""
    from snowreg.engine import output_formats

    kinds = [_TEMPORAL.get(code) for code in type_codes]
    if not any(kinds):
        return json_marked(type_codes, rows)
    out = []
    for row in rows:
        out.append(tuple(v if k is None or v is None else (output_formats.text(v, k, parameters) or v)
                         for v, k in zip(row, kinds, strict=True)))
    return json_marked(type_codes, out)


class JsonText(str):
    """A VARIANT, OBJECT or ARRAY value's text (Snowflake's, as a table or CSV shows it): JSON output nests
    the value itself."""

    __slots__ = ()


SEMI_STRUCTURED = frozenset({5, 9, 10})  # the connector's type codes of VARIANT, OBJECT and ARRAY


def json_marked(type_codes: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Rows with their VARIANT / OBJECT / ARRAY texts marked as JSON (`JsonText`), the rest as they are."""
    semi = [code in SEMI_STRUCTURED for code in type_codes]
    if not any(semi):
        return [tuple(row) for row in rows]
    return [tuple(JsonText(v) if j and isinstance(v, str) else v for v, j in zip(row, semi, strict=True))
            for row in rows]


def table(names: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    """An aligned table with a header rule, in the style of snowsql."""
    cells = [[_clip(cell(v), max_width) for v in row] for row in rows]
    widths = [len(n) for n in names]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], max((len(line) for line in text.split("\n")), default=0))
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [rule, "|" + "|".join(f" {n:<{w}} " for n, w in zip(names, widths, strict=True)) + "|", rule]
    for row in cells:
        out.append("|" + "|".join(f" {_one_line(t):<{w}} " for t, w in zip(row, widths, strict=True)) + "|")
    out.append(rule)
    return "\n".join(out)


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in text.split("\n"))


def _clip(text: str, width: int) -> str:
    flat = _one_line(text)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def to_csv(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if v is None else cell(v) for v in row])
    return buf.getvalue().rstrip("\n")


def _json_value(value: Any) -> Any:
    if isinstance(value, JsonText):
        return orjson.loads(value.encode())
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return value


def json_records(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as JSON-ready objects keyed by column name."""
    return [{n: _json_value(v) for n, v in zip(names, row, strict=True)} for row in rows]


def to_json(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    return orjson.dumps(json_records(names, rows), option=orjson.OPT_INDENT_2, default=str).decode()


def render(names: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table") -> str:
    if fmt == "csv":
        return to_csv(names, rows)
    if fmt == "json":
        return to_json(names, rows)
    return table(names, rows)
