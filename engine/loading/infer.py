"""INFER_SCHEMA over staged CSV and JSON files (https://docs.snowflake.com/en/sql-reference/functions/infer_schema):
a row per column with its name (the header's with PARSE_HEADER, else C1, C2, …; a JSON object's keys), the type
its values suggest, and the expression that reads it (DECISIONS.md P40). Parquet is engine.sql.write_pandas'."""

from __future__ import annotations

import re
from typing import Any

from snowreg.engine import stages
from snowreg.engine.loading import formats
from snowreg.engine.loading.options import FileFormat
from snowreg.engine.session import Session
from snowreg.grammar import ast

_INT = re.compile(r"[+-]?\d+")
_DEC = re.compile(r"[+-]?(\d*)\.(\d+)")
_REAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?")


def _type_of(values: list[str]) -> str:
    """The narrowest type every (non-NULL) text fits: NUMBER(p, s), REAL, BOOLEAN, DATE, TIMESTAMP_NTZ, else TEXT."""
    texts = [v.strip() for v in values if v is not None]
    if not texts:
        return "TEXT"
    if all(_INT.fullmatch(t) for t in texts):
        digits = max(len(t.lstrip("+-")) for t in texts)
        return f"NUMBER({min(38, digits)}, 0)" if digits <= 38 else "REAL"
    decimal = [_DEC.fullmatch(t) or _INT.fullmatch(t) for t in texts]
    if all(decimal):
        scale = max(len(m.group(2)) if m.lastindex else 0 for m in decimal if m)
        whole = max(len((m.group(1) if m.lastindex else m.group(0).lstrip("+-")) or "0") for m in decimal if m)
        return f"NUMBER({min(38, whole + scale)}, {scale})"
    if all(_REAL.fullmatch(t) or _DEC.fullmatch(t) or _INT.fullmatch(t) for t in texts):
        return "REAL"
    if all(t.lower() in ("true", "false") for t in texts):
        return "BOOLEAN"
    if all(_DATE.fullmatch(t) for t in texts):
        return "DATE"
    if all(_TIMESTAMP.fullmatch(t) for t in texts):
        return "TIMESTAMP_NTZ"
    return "TEXT"


def _json_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if not present:
        return "TEXT"
    if all(isinstance(v, bool) for v in present):
        return "BOOLEAN"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return _type_of([str(v) for v in present])
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "REAL"
    if all(isinstance(v, str) for v in present):
        return _type_of(present)
    if all(isinstance(v, dict) for v in present):
        return "OBJECT"
    if all(isinstance(v, list) for v in present):
        return "ARRAY"
    return "VARIANT"


def rows(session: Session, ref: ast.StageRef, fmt: FileFormat) -> list[list[Any]]:
    """[COLUMN_NAME, TYPE, NULLABLE, EXPRESSION, FILENAMES, ORDER_ID] of the location's CSV or JSON files."""
    loc, entries = stages.files_at(session, ref)
    names: list[str] = []
    values: dict[str, list[Any]] = {}
    files: dict[str, list[str]] = {}
    for path, _, _, _ in entries:
        data = stages.read_file(session, loc, path)
        if data is None:
            continue
        header, records = formats.read(path, data, fmt)
        for record in records:
            if record.error is not None:
                raise record.error
            if fmt.type == "CSV":
                pairs = [(header[i] if header and i < len(header) else f"c{i + 1}", v)
                         for i, v in enumerate(record.values)]
            elif isinstance(record.values[0], dict):
                pairs = list(record.values[0].items())
            else:
                continue
            for name, value in pairs:
                if name not in values:
                    names.append(name)
                    values[name], files[name] = [], []
                values[name].append(value)
                if path not in files[name]:
                    files[name].append(path)
    out = []
    for order, name in enumerate(names):
        kind = _type_of(values[name]) if fmt.type == "CSV" else _json_type(values[name])
        expression = f"${order + 1}::{kind}" if fmt.type == "CSV" else f'$1:"{name}"::{kind}'
        out.append([name, kind, True, expression, ",".join(files[name]), order])
    return out
