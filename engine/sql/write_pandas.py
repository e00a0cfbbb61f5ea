"""The connector's `write_pandas` path in SQL: file formats, INFER_SCHEMA and COPY INTO from parquet.

snowflake-connector-python's write_pandas PUTs parquet files to a temporary stage, then sends
`CREATE TEMPORARY FILE FORMAT … TYPE=PARQUET`, `SELECT COLUMN_NAME, TYPE FROM table(infer_schema(…))`
and `COPY INTO t (cols) FROM (SELECT $1:"A"::REAL, … FROM '@stage') …` (docs/SNOWFLAKE.md#c4, #c8).
Only that shape is emulated: parquet files, `$1:"field"[::type]` items. DuckDB reads the parquet; the INSERT
itself runs as ordinary SQL, so privileges and type conversions are the usual ones. File formats are
engine.loading's (COPY and INFER_SCHEMA here read parquet whatever the format says); so is COPY INTO <table>
FROM a stage location without a transformation.
"""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.engine import stages
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.engine.sql.run import run_sql
from snowreg.grammar import ast, parse

_views = itertools.count(1)
_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.S)
_STRING = r"'(?:[^'\\]|\\.|'')*'"
_INFER = re.compile(r"table\s*\(\s*infer_schema\s*\((?P<args>(?:[^()']|" + _STRING + r")*)\)\s*\)", re.I)
_NAMED_ARG = re.compile(r"(\w+)\s*=>\s*(" + _STRING + ")", re.I)
_COPY = re.compile(r"COPY\s+INTO\s+(?P<target>.+?)\s*(?:\((?P<columns>[^()]*)\))?\s*FROM\s*\(\s*SELECT\s+"
                   r"(?P<items>.+?)\s+FROM\s+(?P<stage>" + _STRING + r"|@\S+?)\s*\)(?P<options>.*)$", re.I | re.S)
# COPY INTO <location> unloads into a stage or a URL (https://docs.snowflake.com/en/sql-reference/sql/copy-into-location)
_UNLOAD = re.compile(r"COPY\s+INTO\s+(?:@|')", re.I)
# `$1:"A"[::T] [AS "A"]`: the connector 5.x names each item after its target column (the column list
# decides where each value goes, so the alias changes nothing).
_ITEM = re.compile(r'\$1\s*:\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)\s*(?:::\s*(.+?))?'
                   r'(?:\s+AS\s+(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?$', re.S | re.I)
_PARQUET_TYPES = (("int", "NUMBER(38, 0)"), ("uint", "NUMBER(38, 0)"), ("double", "REAL"), ("float", "REAL"),
                  ("bool", "BOOLEAN"), ("string", "TEXT"), ("large_string", "TEXT"), ("date32", "DATE"),
                  ("timestamp", "TIMESTAMP_NTZ"), ("binary", "BINARY"), ("decimal", "NUMBER(38, 0)"))


def handles(stmt: ast.Query) -> bool:
    """Whether a plain statement is one of the write_pandas shapes handled here (after engine.loading's)."""
    verb = stmt.verb
    if verb == "COPY":
        return True
    return verb == "SELECT" and "infer_schema" in stmt.body.text.lower()


def run(session: Session, stmt: ast.Query, describe_only: bool = False) -> Result:
    text = _COMMENTS.sub(" ", stmt.body.text).strip()
    if stmt.verb == "COPY":
        return copy_into(session, text, describe_only)
    return infer_schema(session, text, describe_only)


# ---------------------------------------------------------------------------------------------
# Reading the parquet files of a stage
# ---------------------------------------------------------------------------------------------


def _stage_ref(location: str) -> ast.StageRef:
    """`'@"DB"."S"."ST"'` or `@ST/path` → the stage reference LIST would use."""
    location = location.strip()
    if location.startswith("'"):
        location = location[1:-1].replace("\\'", "'")
    stmt = parse(f"LIST {location}")[0]
    if not isinstance(stmt, ast.ListFiles):
        raise errors.not_supported(f"The stage location {location}")
    return stmt.stage


def _parquet_tables(session: Session, ref: ast.StageRef) -> dict[str, Any]:
    """{file name: Arrow table} of the stage's files (all must be parquet)."""
    import pyarrow.parquet as pq

    kind, owner, prefix = stages.locate_for_read(session, ref)
    out = {}
    for name, data in stages.read_tree(session, kind, owner, prefix).items():
        try:
            out[name] = pq.read_table(io.BytesIO(data))
        except Exception as e:  # noqa: BLE001 - pyarrow raises several kinds for a non-parquet file
            raise errors.parquet_error(name, str(e)) from None
    return out


def _snowflake_type(arrow_type: Any) -> str:
    text = str(arrow_type)
    return next((t for prefix, t in _PARQUET_TYPES if text.startswith(prefix)), "VARIANT")


def infer_schema(session: Session, text: str, describe_only: bool) -> Result:
    """`SELECT … FROM table(infer_schema(location=>'@st', file_format=>'ff'))` over the stage's parquet (CSV
    and JSON files when the named format says so: engine.loading.infer)."""
    m = _INFER.search(text)
    if m is None:
        raise errors.not_supported("INFER_SCHEMA in this form")
    args = {k.upper(): v for k, v in _NAMED_ARG.findall(m.group("args"))}
    if "LOCATION" not in args:
        raise errors.compilation_error("INFER_SCHEMA needs LOCATION => '@stage'.")
    fmt = _named_format(session, args.get("FILE_FORMAT"))
    if fmt is not None and fmt.type != "PARQUET":  # CSV and JSON: engine.loading reads them
        from snowreg.engine.loading import infer

        return _inferred(session, text, m, infer.rows(session, _stage_ref(args["LOCATION"]), fmt), describe_only)
    columns: dict[str, list[Any]] = {}
    for file_name, table in sorted(_parquet_tables(session, _stage_ref(args["LOCATION"])).items()):
        for position, field in enumerate(table.schema):
            entry = columns.setdefault(field.name, [field.name, _snowflake_type(field.type), True,
                                                    f'$1:"{field.name}"::{_snowflake_type(field.type)}',
                                                    file_name, position])
            entry[4] = entry[4] if file_name in entry[4].split(",") else f"{entry[4]},{file_name}"
    return _inferred(session, text, m, list(columns.values()), describe_only)


def _named_format(session: Session, name: str | None) -> Any:
    """The named file format INFER_SCHEMA's FILE_FORMAT => '…' gives (None without one)."""
    if name is None:
        return None
    from snowreg.engine.loading import file_formats

    return file_formats.resolve_for(session, None, {"FORMAT_NAME": name[1:-1].replace("''", "'")})


def _inferred(session: Session, text: str, m: re.Match[str], rows: list[list[Any]], describe_only: bool) -> Result:
    import pyarrow as pa

    names = ["COLUMN_NAME", "TYPE", "NULLABLE", "EXPRESSION", "FILENAMES", "ORDER_ID"]
    relation = pa.table({n: pa.array([r[i] for r in rows], type=pa.bool_() if n == "NULLABLE" else
                                     (pa.int64() if n == "ORDER_ID" else pa.string()))
                         for i, n in enumerate(names)})
    return _over_relation(session, text[:m.start()] + "{view}" + text[m.end():], relation, describe_only)


def _over_relation(session: Session, template: str, relation: Any, describe_only: bool) -> Result:
    view = f"SNOWREG_COPY_{next(_views)}"
    duck = session.duck
    relation = relation.rename_columns([physical(c) for c in relation.column_names])  # as SQL names them
    duck.register(view, relation)
    try:
        return run_sql(session, template.replace("{view}", view), describe_only, frozenset({view}))
    finally:
        duck.unregister(view)


# ---------------------------------------------------------------------------------------------
# COPY INTO
# ---------------------------------------------------------------------------------------------


def copy_into(session: Session, text: str, describe_only: bool) -> Result:
    """`COPY INTO t [(cols)] FROM (SELECT $1:"a"::T, … FROM '@stage') [options]`, one INSERT per file."""
    if _UNLOAD.match(text):
        raise errors.not_supported("COPY INTO <location> (unloading rows into stage files, as Snowpark's "
                                   "DataFrame.write.copy_into_location does)")
    m = _COPY.match(text)
    if m is None:
        raise errors.not_supported("COPY INTO other than FROM (SELECT $1:\"field\"::type, ... FROM '@stage')")
    texts = _split_items(m.group("items"))
    for item in texts:  # refused before any file is read
        _item(item, None)
    options = m.group("options").upper()
    target, listed = m.group("target"), f" ({m.group('columns')})" if m.group("columns") else ""
    names = ["file", "status", "rows_parsed", "rows_loaded", "error_limit", "errors_seen", "first_error",
             "first_error_line", "first_error_character", "first_error_column_name"]
    types = ["TEXT", "TEXT", "FIXED", "FIXED", "FIXED", "FIXED", "TEXT", "FIXED", "FIXED", "TEXT"]
    if describe_only:
        return from_rows(names, [], types)
    ref = _stage_ref(m.group("stage"))
    rows = []
    for file_name, table in sorted(_parquet_tables(session, ref).items()):
        select = ", ".join(_item(i, table.schema) for i in texts)
        _over_relation(session, f"INSERT INTO {target}{listed} SELECT {select} FROM " + "{view}", table, False)
        rows.append((file_name, "LOADED", table.num_rows, table.num_rows, 1, 0, None, None, None, None))
    if re.search(r"\bPURGE\s*=\s*TRUE\b", options):
        stages.remove(session, ast.RemoveFiles(stage=ref))
    return from_rows(names, rows, types)


def _split_items(text: str) -> list[str]:
    """Split a select list on top-level commas (types such as NUMBER(38, 0) hold commas)."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [i.strip() for i in items]


def _item(text: str, schema: Any) -> str:
    """`$1:"A"::REAL [AS "A"]` → `"A"::REAL` (the parquet field as a column of the file's relation). A field
    holding structs or maps (a frame's dicts) made a VARIANT / OBJECT / ARRAY goes through PARSE_JSON of its
    text, which puts every object's keys in order (DuckDB's cast keeps the struct's field order; F131)."""
    m = _ITEM.match(text)
    if m is None:
        raise errors.not_supported(f"The COPY select item {text} (only $1:\"field\"[::type])")
    field = m.group(1) if m.group(1).startswith('"') else f'"{m.group(1)}"'
    cast = m.group(2).strip() if m.group(2) else None
    name = field[1:-1].replace('""', '"')
    if schema is not None and name in schema.names and _nested(schema.field(name).type) \
            and (cast is None or cast.upper() in ("VARIANT", "OBJECT", "ARRAY")):
        return f"PARSE_JSON({field}::VARIANT::VARCHAR)::{cast or 'VARIANT'}"
    return f"{field}::{cast}" if cast else field


def _nested(arrow_type: Any) -> bool:
    """Whether values of the Arrow type hold structs or maps, at any depth."""
    text = str(arrow_type)
    return "struct<" in text or "map<" in text
