"""COPY INTO @stage[/path] FROM <table> | ( <query> ): unloading rows into staged CSV, JSON or parquet files
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-location).

The query runs as any query (SELECT privileges, snowreg's values); snowreg's Python writes the file. One file per
statement: `<prefix>data_0_0_0.<ext>` (with a path not ending in `/`, the path's last part stands for `data`), or
with SINGLE = TRUE the path itself. WRITE on the stage is needed, as for PUT."""

from __future__ import annotations

import datetime
import decimal
import gzip
import io
import json
import re
from collections.abc import Callable
from typing import Any

from snowreg import errors
from snowreg.engine import stages
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading import file_formats
from snowreg.engine.loading.options import FileFormat, parse_options
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.grammar import ast, parse

_UNLOAD = re.compile(r"COPY\s+INTO\s+(?P<location>'@(?:[^'\\]|\\.|'')*'|@[^\s;()]+)\s+FROM\s+(?P<source>.+?)"
                     r"(?P<rest>(?:\s+(?:FILE_FORMAT|HEADER|SINGLE|OVERWRITE|MAX_FILE_SIZE|PARTITION|"
                     r"INCLUDE_QUERY_ID|DETAILED_OUTPUT|VALIDATION_MODE|FILE_EXTENSION|ENCRYPTION|CREDENTIALS|"
                     r"STORAGE_INTEGRATION)\b.*)?)\s*;?\s*$", re.I | re.S)
_OPTIONS = {"FILE_FORMAT", "HEADER", "SINGLE", "OVERWRITE", "MAX_FILE_SIZE", "INCLUDE_QUERY_ID", "DETAILED_OUTPUT"}
_COLUMNS = ["rows_unloaded", "input_bytes", "output_bytes"]
_SEMI = ("VARIANT", "OBJECT", "ARRAY")


def handles(text: str) -> bool:
    return _UNLOAD.match(text) is not None


def unload(session: Session, text: str, describe_only: bool = False,
           statement: Callable[[str], Result] | None = None) -> Result:
    from snowreg.engine.sql.run import run_sql

    m = _UNLOAD.match(text)
    assert m is not None
    given = parse_options(m.group("rest") or "")
    for name in given:
        if name not in _OPTIONS:
            raise errors.not_supported(f"COPY INTO <location> … {name}")
    if given.get("INCLUDE_QUERY_ID") is True or given.get("DETAILED_OUTPUT") is True:
        raise errors.not_supported("COPY INTO <location> … INCLUDE_QUERY_ID / DETAILED_OUTPUT = TRUE")
    location = m.group("location")
    if location.startswith("'"):
        location = location[1:-1].replace("''", "'").replace("\\'", "'")
    stmt = parse(f"REMOVE {location}")[0]
    assert isinstance(stmt, ast.RemoveFiles)
    ref = stmt.stage
    if ref.kind == "model":
        raise errors.not_supported("Unloading into a model version")
    source = m.group("source").strip()
    query = source[1:-1] if source.startswith("(") and source.endswith(")") else f"SELECT * FROM {source}"
    if describe_only:
        return from_rows(_COLUMNS, [], ["FIXED", "FIXED", "FIXED"])
    loc, existing = stages.write_location(session, ref)
    fmt = file_formats.resolve_for(session, stages.stage_row(session, ref), given.get("FILE_FORMAT"))
    result = statement(query) if statement is not None else run_sql(session, query)
    names = [c.name for c in result.columns]
    rows = result.rows
    if not rows:
        return from_rows(_COLUMNS, [(0, 0, 0)], ["FIXED", "FIXED", "FIXED"])
    kinds = ["semi" if c.type in _SEMI else "text" if c.type == "TEXT" else "" for c in result.columns]
    data = _write(fmt, names, kinds, rows, given.get("HEADER") is True)
    compression = fmt.get("COMPRESSION")
    extension = {"CSV": "csv", "JSON": "json", "PARQUET": "snappy.parquet"}[fmt.type]
    if fmt.type != "PARQUET" and compression in ("AUTO", "GZIP"):
        data, extension = gzip.compress(data, mtime=0), extension + ".gz"
    prefix = loc[2]
    if given.get("SINGLE") is True:
        path = prefix if prefix and not prefix.endswith("/") else prefix + "data"
    else:
        path = (prefix + "data" if not prefix or prefix.endswith("/") else prefix) + f"_0_0_0.{extension}"
    if path in existing and given.get("OVERWRITE") is not True:
        shown = {"user": "~", "table": f"%{ref.name.name if ref.name else ''}"}.get(ref.kind, str(
            ref.name.name if ref.name else '').lower())
        raise lerrors.files_exist(f"@{shown}/{path}")
    if given.get("OVERWRITE") is True:
        stages.remove_paths(session, loc, [p for p in existing if p.startswith(prefix)])
    stages.write_paths(session, loc, [(path, data)])
    return from_rows(_COLUMNS, [(len(rows), len(data), len(data))], ["FIXED", "FIXED", "FIXED"])


def _write(fmt: FileFormat, names: list[str], kinds: list[str], rows: list[tuple[Any, ...]], header: bool) -> bytes:
    """The file's bytes (uncompressed); `kinds`: "semi" for a VARIANT / OBJECT / ARRAY column (JSON text),
    "text" for a string column."""
    semi = [k == "semi" for k in kinds]
    if fmt.type == "PARQUET":
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({n: pa.array([_json_text(r[i]) if semi[i] and r[i] is not None else r[i] for r in rows])
                          for i, n in enumerate(names)})
        out = io.BytesIO()
        pq.write_table(table, out, compression="snappy")
        return out.getvalue()
    if fmt.type == "JSON":
        if len(names) != 1 or not semi[0]:
            raise lerrors.json_one_column("JSON file format can only be used with a single column of type VARIANT, "
                                          "OBJECT or ARRAY.")
        return "".join(_json_text(r[0]) + "\n" for r in rows if r[0] is not None).encode()
    return _csv(fmt, names, kinds, rows, header).encode()


def _csv(fmt: FileFormat, names: list[str], kinds: list[str], rows: list[tuple[Any, ...]], header: bool) -> str:
    """CSV text: with FIELD_OPTIONALLY_ENCLOSED_BY every string value is enclosed (its quotes doubled), and
    any other value that holds the delimiter, a newline or the quote
    (https://docs.snowflake.com/en/user-guide/data-unload-considerations)."""
    fd, rd = fmt.none_or("FIELD_DELIMITER") or "", fmt.none_or("RECORD_DELIMITER") or ""
    quote = fmt.none_or("FIELD_OPTIONALLY_ENCLOSED_BY")
    null_if = list(fmt.get("NULL_IF") or [])
    null_text = null_if[0] if null_if and null_if != ["\\N"] else ""
    lines = [fd.join(_field(n, fd, rd, quote, True) for n in names)] if header else []
    for row in rows:
        lines.append(fd.join(null_text if v is None else
                             _field(_json_text(v) if k == "semi" else _text(v), fd, rd, quote, k == "text")
                             for v, k in zip(row, kinds, strict=True)))
    return "".join(line + rd for line in lines)


def _field(text: str, fd: str, rd: str, quote: str | None, string: bool) -> str:
    if quote is None:
        return text
    if string or (fd and fd in text) or (rd and rd in text) or quote in text or "\n" in text:
        return quote + text.replace(quote, quote + quote) + quote
    return text


def _text(value: Any) -> str:
    """A value as the unloaded CSV writes it: the session's default output formats."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        if value.tzinfo is not None:
            offset = value.strftime("%z")
            text += f" {offset}"
        return text
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e15 else str(int(value))
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex().upper()
    return str(value)


def _json_text(value: Any) -> str:
    parsed = json.loads(value) if isinstance(value, str) else value
    return json.dumps(parsed, separators=(",", ":"), ensure_ascii=False)
