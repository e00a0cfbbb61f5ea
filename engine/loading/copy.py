"""COPY INTO <table> FROM @stage: staged CSV, JSON and parquet files into a table
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table).

snowreg's own Python reads the files (engine.loading.formats); the values reach DuckDB as an Arrow relation of
text and are converted by SQL casts, so privileges (INSERT on the table) and conversions are the usual ones.
Every file is read and checked before one INSERT loads the rows of all of them: a COPY that fails (ON_ERROR =
ABORT_STATEMENT) leaves the table unchanged. Load metadata (the files a table loaded, by path and content) makes
a second COPY skip them unless FORCE = TRUE."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from snowreg import errors
from snowreg.engine import loading, stages
from snowreg.engine.loading import convert, file_formats, formats
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading.convert import Target
from snowreg.engine.loading.copy_options import match_by_column_name, on_error_mode, statement_options
from snowreg.engine.loading.options import FileFormat
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.engine.show_objects import column_types, one_relation
from snowreg.grammar import ast, parse
from snowreg.grammar.text import quote_ident

_NAME = file_formats.NAME
# `COPY INTO t` with no FROM loads from the table's own stage `@%t`
_LOAD = re.compile(r"COPY\s+INTO\s+(?P<target>" + _NAME + r")(?![\w$])\s*(?:\((?P<columns>[^()]*)\))?\s*(?:FROM\s+"
                   r"(?P<location>'(?:[^'\\]|\\.|'')*'|@[^\s;()]+)|(?=\s*(?:;?\s*$|[A-Za-z_]+\s*=)))(?P<rest>.*)$", re.I | re.S)
RESULT_COLUMNS = ["file", "status", "rows_parsed", "rows_loaded", "error_limit", "errors_seen", "first_error",
                  "first_error_line", "first_error_character", "first_error_column_name"]
RESULT_TYPES = ["TEXT", "TEXT", "FIXED", "FIXED", "FIXED", "FIXED", "TEXT", "FIXED", "FIXED", "TEXT"]


def handles(text: str) -> bool:
    """Whether a COPY statement is a load from stage files (not write_pandas' transformation, not an unload)."""
    return _LOAD.match(text) is not None


@dataclass(slots=True)
class _RowError:
    line: int
    character: int
    column: str | None
    position: int
    row: int
    error: errors.Error


@dataclass(slots=True)
class _File:
    path: str
    shown: str
    md5: str
    rows_parsed: int = 0
    good: list[list[str | None]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)  # each good row's record number in the file
    problems: list[_RowError] = field(default_factory=list)


def _location(text: str) -> ast.StageRef:
    if text.startswith("'"):
        text = text[1:-1].replace("''", "'").replace("\\'", "'")
    stmt = parse(f"LIST {text}")[0]
    assert isinstance(stmt, ast.ListFiles)
    return stmt.stage


def _with_stage_options(session: Session, ref: ast.StageRef, given: dict[str, Any]) -> dict[str, Any]:
    """The named stage's own copy options under the statement's (the statement's win). A stage the role may not
    read adds none: reading its files answers for it."""
    if ref.kind != "named" or ref.name is None:
        return given
    try:
        stage = stages.find_stage(session, ref.name, "read")
    except errors.ProgrammingError:
        return given
    return {**session.catalog.loads.stage_copy_options(stage.id), **given}


def load(session: Session, text: str, describe_only: bool = False) -> Result:
    m = _LOAD.match(text)
    assert m is not None
    ref = _location(m.group("location") or f"@%{m.group('target').strip()}")
    given = _with_stage_options(session, ref, statement_options(m.group("rest")))
    on_error = on_error_mode(given.get("ON_ERROR"))
    match_by = match_by_column_name(given)
    relation = one_relation(session, file_formats.qualified(m.group("target")), "Table")
    if relation.kind != "TABLE":
        raise errors.not_supported("COPY INTO a view")
    targets = _targets(session, relation, m.group("columns"), match_by != "NONE")
    if describe_only:
        return from_rows(RESULT_COLUMNS, [], RESULT_TYPES)
    loc, entries = stages.files_at(session, ref)
    fmt = file_formats.resolve_for(session, stages.stage_row(session, ref), given.get("FILE_FORMAT"))
    if match_by != "NONE" and fmt.type == "CSV" and not fmt.get("PARSE_HEADER"):
        raise errors.compilation_error("MATCH_BY_COLUMN_NAME with TYPE = CSV needs PARSE_HEADER = TRUE in the file "
                                       "format.")
    if match_by == "NONE" and fmt.type != "CSV" and (len(targets) != 1 or not targets[0].semi):
        raise lerrors.json_one_column(f"{fmt.type} file format can produce one and only one column of type variant, "
                                       "object, or array. Use CSV file format if you want to load more than one "
                                       "column.")
    entries = _selected(session, loc[2], entries, given)
    table_key = (relation.database_name, relation.schema_name, relation.name, str(relation.created_on))
    mode = _validation_mode(given.get("VALIDATION_MODE"))
    every = given.get("FORCE") is True or mode == "RETURN_ALL_ERRORS"  # ALL: files loaded before too
    done = set() if every else loading.loaded(session, table_key)
    base = f"{str(ref.name.name).lower()}/" if ref.kind == "named" and ref.name is not None else ""
    files = [_File(path, base + path, md5) for path, _, md5, _ in entries if (path, md5) not in done]
    if not files:
        return status("Copy executed with 0 files processed.")
    for f in files:
        data = stages.read_file(session, loc, f.path)
        if data is not None:
            _read(session, f, data, fmt, targets, match_by)
    if mode is not None:  # nothing is loaded, recorded or purged
        from snowreg.engine.loading import validate

        return validate.answer(session, mode, files, relation, targets, fmt)
    if on_error == "ABORT_STATEMENT":
        for f in files:
            if f.problems:
                p = f.problems[0]
                raise lerrors.located(p, f.shown, relation.name)
    loaded = [f for f in files if not (on_error == "SKIP_FILE" and f.problems) and f.good]
    _insert(session, relation, targets, fmt, [row for f in loaded for row in f.good])
    rows = [_result_row(f, on_error, f in loaded, relation.name) for f in files]
    kept = [(f.path, f.md5) for f, r in zip(files, rows, strict=True) if r[1] != "LOAD_FAILED"]
    loading.record_loads(session, table_key, kept, [_history_row(r) for r in rows])
    if given.get("PURGE") is True:
        stages.remove_paths(session, loc, [p for p, _ in kept])
    if given.get("RETURN_FAILED_ONLY") is True:
        rows = [r for r in rows if r[1] != "LOADED"]
    return from_rows(RESULT_COLUMNS, rows, RESULT_TYPES)


def _validation_mode(value: Any) -> str | None:
    """VALIDATION_MODE: RETURN_ERRORS, RETURN_ALL_ERRORS or RETURN_<n>_ROWS (None: a load)."""
    if value is None:
        return None
    mode = str(value).upper()
    if mode in ("RETURN_ERRORS", "RETURN_ALL_ERRORS") or re.fullmatch(r"RETURN_[1-9]\d*_ROWS", mode):
        return mode
    raise lerrors.invalid_value(f"invalid value ['{value}'] for parameter 'VALIDATION_MODE'")


def _targets(session: Session, relation: Any, listed: str | None, by_name: bool) -> list[Target]:
    columns = [Target(c.name, t.text, c.nullable) for c, t in column_types(session, relation)]
    if listed is None or not listed.strip():
        return columns
    if by_name:
        raise errors.compilation_error("MATCH_BY_COLUMN_NAME cannot be used with a column list.")
    by = {c.name: c for c in columns}
    out = []
    for part in listed.split(","):
        name = file_formats.qualified(part).name
        if name not in by:
            raise errors.compilation_error(f"invalid identifier '{quote_ident(str(name))}'", 904, "42000")
        out.append(by[str(name)])
    return out


def _selected(session: Session, prefix: str, entries: list[Any], given: dict[str, Any]) -> list[Any]:
    """The files FILES names (relative to the location) or PATTERN matches (their path in the stage)."""
    if "FILES" in given:
        names = given["FILES"] if isinstance(given["FILES"], list) else [given["FILES"]]
        start = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        wanted = {stages.confined(start + str(n)) for n in names} | {stages.confined(prefix + str(n)) for n in names}
        entries = [e for e in entries if e[0] in wanted]
    if "PATTERN" in given:
        keep = set(stages.matching(session, str(given["PATTERN"]), [e[0] for e in entries]))
        entries = [e for e in entries if e[0] in keep]
    return entries


def _read(session: Session, f: _File, data: bytes, fmt: FileFormat, targets: list[Target], match_by: str) -> None:
    """Parse one file into rows of text for the targets; a record that fails is noted with its first error."""
    try:
        header, records = formats.read(f.shown, data, fmt)
    except errors.Error as e:
        f.problems.append(_RowError(1, 1, None, 0, 1, e))
        return
    from_text = fmt.type == "CSV"
    by_name = match_by != "NONE"
    mapping = convert.matched(header or [], targets, match_by == "CASE_SENSITIVE") if by_name and from_text else None
    candidates: list[tuple[int, formats.Record, list[str | None]]] = []
    for number, record in enumerate(records, 1):
        f.rows_parsed += 1
        if record.error is not None:
            f.problems.append(_RowError(record.line, 1, None, 0, number, record.error))
            continue
        try:
            candidates.append((number, record, _cells(record, targets, fmt, from_text, mapping, match_by)))
        except errors.Error as e:
            f.problems.append(_RowError(record.line, 1, None, 0, number, e))
    failing = _failing(session, [c[2] for c in candidates], targets, fmt)
    for index, (number, record, cells) in enumerate(candidates):
        position = next((i for i, (t, v) in enumerate(zip(targets, cells, strict=True))
                         if (v is None and not t.nullable) or i in failing.get(index, ())), None)
        if position is None:
            f.good.append(cells)
            f.numbers.append(number)
            continue
        start = record.starts[position] if position < len(record.starts) else 1
        f.problems.append(_RowError(record.line, start, targets[position].name, position + 1, number,
                                    convert.error_for(targets[position], cells[position])))
    f.problems.sort(key=lambda p: p.row)


def _cells(record: formats.Record, targets: list[Target], fmt: FileFormat, from_text: bool,
           mapping: list[int | None] | None, match_by: str) -> list[str | None]:
    values = record.values
    if from_text and mapping is not None:
        return [None if i is None or i >= len(values) else convert.cell(t, values[i], True)
                for t, i in zip(targets, mapping, strict=True)]
    if from_text:
        if len(values) != len(targets) and fmt.get("ERROR_ON_COLUMN_COUNT_MISMATCH"):
            raise lerrors.column_count(len(values), len(targets))
        values = (values + [None] * len(targets))[:len(targets)]
        return [convert.cell(t, v, True) for t, v in zip(targets, values, strict=True)]
    value = values[0]
    if match_by == "NONE":
        return [convert.cell(targets[0], value, False)]
    if not isinstance(value, dict):
        return [None] * len(targets)
    keys = list(value)
    index = convert.matched(keys, targets, match_by == "CASE_SENSITIVE")
    return [None if i is None else convert.cell(t, value[keys[i]], False) for t, i in zip(targets, index, strict=True)]


def _failing(session: Session, rows: list[list[str | None]], targets: list[Target], fmt: FileFormat
             ) -> dict[int, set[int]]:
    """{row index: the target positions whose text does not convert}, by TRY_CAST in one query over the rows."""
    if not rows:
        return {}
    import pyarrow as pa

    names = [f"C{i}" for i in range(len(targets))]
    relation = pa.table({**{n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)},
                         "R": pa.array(range(len(rows)), pa.int64())})
    conditions = [convert.failing(t, fmt, n) for t, n in zip(targets, names, strict=True)]
    if all(c == "FALSE" for c in conditions):
        return {}
    found = convert.over(session, f"SELECT R, {', '.join(conditions)} FROM {{view}} WHERE {' OR '.join(conditions)}",
                  relation).rows
    return {int(r[0]): {i for i, flag in enumerate(r[1:]) if flag} for r in found}


def _insert(session: Session, relation: Any, targets: list[Target], fmt: FileFormat,
            rows: list[list[str | None]]) -> None:
    if not rows:
        return
    import pyarrow as pa

    names = [f"C{i}" for i in range(len(targets))]
    data = pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
    table = ".".join(quote_ident(p) for p in (relation.database_name, relation.schema_name, relation.name))
    columns = ", ".join(quote_ident(t.name) for t in targets)
    select = ", ".join(convert.expression(t, fmt, n) for t, n in zip(targets, names, strict=True))
    convert.over(session, f"INSERT INTO {table} ({columns}) SELECT {select} FROM {{view}}", data)


def _history_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A COPY result row as INFORMATION_SCHEMA.LOAD_HISTORY keeps it (its page writes the statuses LOADED, LOAD
    FAILED and PARTIALLY LOADED): file, status, rows loaded, rows parsed, first error message, line, character,
    column, error count, error limit."""
    file, state, parsed, loaded, limit, seen, message, line, character, column = row
    return (file, state.replace("_", " "), loaded, parsed, message, line, character, column, seen, limit)


def _result_row(f: _File, on_error: str, loaded: bool, table: str) -> tuple[Any, ...]:
    rows_loaded = len(f.good) if loaded else 0
    if not f.problems:
        state = "LOADED"
    elif on_error == "SKIP_FILE" or rows_loaded == 0:
        state = "LOAD_FAILED"
    else:
        state = "PARTIALLY_LOADED"
    limit = f.rows_parsed if on_error == "CONTINUE" else 1
    if not f.problems:
        return (f.shown, state, f.rows_parsed, rows_loaded, limit, 0, None, None, None, None)
    p = f.problems[0]
    column = lerrors.column_label(table, p.column, p.position) if p.column is not None else None
    return (f.shown, state, f.rows_parsed, rows_loaded, limit, len(f.problems), p.error.msg, p.line, p.character,
            column)
