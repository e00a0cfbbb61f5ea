"""Reading staged files by their file format, in snowreg's own Python (the sandboxed DuckDB that runs user
SQL opens no file): decompression, CSV records with Snowflake's enclosure, escape and NULL rules, JSON
documents, parquet rows (https://docs.snowflake.com/en/sql-reference/sql/create-file-format, "Format type
options"). Every reader answers records: the line a record starts on and its values."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from snowreg import errors
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading.options import FileFormat

_GZIP_MAGIC = b"\x1f\x8b"
_UNESCAPED = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0"}


@dataclass(slots=True)
class Record:
    """One record of a file: CSV field texts (None for SQL NULL), or one JSON / parquet value."""

    line: int
    values: list[Any]
    starts: list[int] = field(default_factory=list)  # CSV: each field's character in its line, from 1
    error: errors.Error | None = None  # a record that could not be parsed (JSON)


def decompress(name: str, data: bytes, compression: str) -> bytes:
    """A staged file's bytes uncompressed: AUTO detects gzip (and bz2) by content; NONE takes them as they are."""
    if compression == "NONE":
        return data
    if compression == "GZIP" or data[:2] == _GZIP_MAGIC:
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as e:
            raise lerrors.decompression(name, str(e)) from None
    if compression == "AUTO" and data[:3] == b"BZh":
        return bz2.decompress(data)
    return data


def _text(data: bytes, fmt: FileFormat) -> str:
    if fmt.get("SKIP_BYTE_ORDER_MARK") and data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    return data.decode("utf-8", errors="replace" if fmt.get("REPLACE_INVALID_CHARACTERS") else "strict")


def decode(name: str, data: bytes, fmt: FileFormat) -> str:
    try:
        return _text(data, fmt)
    except UnicodeDecodeError:
        raise lerrors.bad_data(f"Invalid UTF8 detected in string '{data[:20]!r}' File '{name}'") from None


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def read_csv(text: str, fmt: FileFormat) -> tuple[list[str] | None, list[Record]]:
    """(the header's names with PARSE_HEADER, the records after SKIP_HEADER lines)."""
    records = _split(text, fmt)
    header = None
    if fmt.get("PARSE_HEADER"):
        if records:
            header = [v or "" for v in records.pop(0).values]
    skip = int(fmt.get("SKIP_HEADER"))
    records = [r for r in records if r.line > skip] if skip else records
    if fmt.get("SKIP_BLANK_LINES"):
        records = [r for r in records if r.values != [None] and r.values != [""]]
    return header, records


def _split(text: str, fmt: FileFormat) -> list[Record]:
    fd, rd = fmt.none_or("FIELD_DELIMITER"), fmt.none_or("RECORD_DELIMITER")
    quote, esc, esc_un = (fmt.none_or(k) for k in ("FIELD_OPTIONALLY_ENCLOSED_BY", "ESCAPE", "ESCAPE_UNENCLOSED_FIELD"))
    trim, empty_null = bool(fmt.get("TRIM_SPACE")), bool(fmt.get("EMPTY_FIELD_AS_NULL"))
    null_if = set(fmt.get("NULL_IF") or [])
    records: list[Record] = []
    n, i, line, line_start = len(text), 0, 1, 0
    while i < n:
        record = Record(line, [], [])
        while True:  # one field
            if trim:
                while i < n and text[i] in " \t" and not (fd and text.startswith(fd, i)):
                    i += 1
            record.starts.append(i - line_start + 1)
            enclosed = bool(quote) and i < n and text[i] == quote
            buf: list[str] = []
            raw_start = i
            if enclosed:
                i += 1
                while i < n:
                    ch = text[i]
                    if esc and ch == esc and i + 1 < n:
                        buf.append(text[i + 1])
                        i += 2
                        continue
                    if ch == quote:
                        if i + 1 < n and text[i + 1] == quote:
                            buf.append(quote)
                            i += 2
                            continue
                        i += 1
                        break
                    if ch == "\n":
                        line, line_start = line + 1, i + 1
                    buf.append(ch)
                    i += 1
            while i < n:
                if fd and text.startswith(fd, i):
                    break
                if rd and (text.startswith(rd, i) or (rd == "\n" and text.startswith("\r\n", i))):
                    break
                ch = text[i]
                if esc_un and ch == esc_un and i + 1 < n and not enclosed:
                    buf.append(_UNESCAPED.get(text[i + 1], text[i + 1]))
                    i += 2
                    continue
                if not (enclosed and ch in " \t"):
                    buf.append(ch)
                i += 1
            raw = text[raw_start:i]
            text_value = "".join(buf)
            value: str | None = text_value.strip() if trim and not enclosed else text_value
            if (not enclosed and raw in null_if) or (enclosed and value in null_if) or \
                    (not enclosed and value == "" and empty_null):
                value = None
            record.values.append(value)
            if i < n and fd and text.startswith(fd, i):
                i += len(fd)
                continue
            break
        if i < n:  # a record delimiter
            width = 2 if rd == "\n" and text.startswith("\r\n", i) else len(rd or "")
            i += width
            if rd and "\n" in rd:
                line, line_start = line + 1, i
        records.append(record)
    return records


# ---------------------------------------------------------------------------------------------
# JSON and parquet
# ---------------------------------------------------------------------------------------------


def read_json(text: str, fmt: FileFormat) -> list[Record]:
    """The file's JSON documents, one a record (the outer array's elements with STRIP_OUTER_ARRAY). A
    document that does not parse ends the file with a record carrying its error."""
    decoder = json.JSONDecoder()
    records: list[Record] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\r\n":
            i += 1
        if i >= n:
            break
        line = text.count("\n", 0, i) + 1
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as e:
            records.append(Record(line, [None], error=lerrors.bad_data(f"Error parsing JSON: {e.msg}, pos {e.pos - i + 1}")))
            break
        values = value if fmt.get("STRIP_OUTER_ARRAY") and isinstance(value, list) else [value]
        for v in values:
            if fmt.get("STRIP_NULL_VALUES"):
                v = _strip_nulls(v)
            records.append(Record(line, [v]))
    return records


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def read_parquet(name: str, data: bytes) -> list[Record]:
    """A parquet file's rows, each an object of its columns (dates and timestamps as ISO text)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - pyarrow raises several kinds for a non-parquet file
        raise errors.parquet_error(name, str(e)) from None
    return [Record(n + 1, [{k: _plain(v) for k, v in row.items()}]) for n, row in enumerate(table.to_pylist())]


def _plain(value: Any) -> Any:
    """A parquet value as JSON holds it."""
    import datetime
    import decimal

    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex().upper()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read(name: str, data: bytes, fmt: FileFormat) -> tuple[list[str] | None, list[Record]]:
    """(CSV header names, records) of one staged file."""
    data = decompress(name, data, fmt.get("COMPRESSION")) if fmt.type != "PARQUET" else data
    if fmt.type == "PARQUET":
        return None, read_parquet(name, data)
    text = decode(name, data, fmt)
    if fmt.type == "JSON":
        return None, read_json(text, fmt)
    return read_csv(text, fmt)
