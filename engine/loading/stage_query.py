"""Querying staged files: `SELECT [t.]$1, $2, METADATA$FILENAME … FROM @stage[/path] [( FILE_FORMAT => 'fmt',
PATTERN => '…' )] [t]` (https://docs.snowflake.com/en/user-guide/querying-stage,
https://docs.snowflake.com/en/user-guide/querying-metadata).

Each staged location in FROM becomes a derived table over an Arrow relation snowreg's own Python read
(engine.loading.formats) and registered for this one statement: `$n` is the n-th CSV field (text), or for JSON
and parquet `$1` the record as a VARIANT; METADATA$FILENAME (the path in the stage), METADATA$FILE_ROW_NUMBER,
METADATA$FILE_CONTENT_KEY (the file's MD5) and METADATA$FILE_LAST_MODIFIED follow the data columns."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.engine import stages
from snowreg.engine.loading import file_formats, formats
from snowreg.engine.loading.options import parse_options
from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.grammar import ast, parse
from snowreg.grammar.text import HEADER_PAD, LITERALS_AND_COMMENTS, Spliced

_views = itertools.count(1)
# FROM / JOIN / a comma, then a stage location, its optional ( FILE_FORMAT => …, PATTERN => … ), an alias.
# The blanks between two arguments read one way only (`\s*,?` then `\s*` read them two ways per argument,
# so a list with no `)` took 2^n steps, holding the interpreter's lock: DECISIONS.md J62)
_ARG = r"(?:FILE_FORMAT|PATTERN)\s*=>\s*(?:'(?:[^'\\]|\\.|'')*'|[\w.\"$]+)"
_STAGED = re.compile(r"(?P<lead>\bFROM\s+|\bJOIN\s+|,\s*)(?P<location>@[^\s(),;]+|'@(?:[^'\\]|\\.|'')*')"
                     r"(?P<args>\s*\(\s*" + _ARG + r"(?:(?:\s*,\s*|\s+)" + _ARG + r")*\s*,?\s*\))?"
                     r"(?P<alias>\s+(?:AS\s+)?(?!(?:WHERE|GROUP|ORDER|LIMIT|JOIN|INNER|LEFT|RIGHT|FULL|CROSS|ON|"
                     r"UNION|QUALIFY|HAVING|WINDOW|NATURAL|USING|MINUS|EXCEPT|INTERSECT|FETCH|OFFSET)\b)"
                     r"[A-Za-z_][\w$]*)?", re.I | re.S)
_METADATA = ("METADATA$FILENAME", "METADATA$FILE_ROW_NUMBER", "METADATA$FILE_CONTENT_KEY",
             "METADATA$FILE_LAST_MODIFIED")


_DIRECTORY = re.compile(r"\bDIRECTORY\s*\(\s*'?@", re.I)


def mentions_stage(text: str) -> bool:
    """Whether a query reads a stage location in FROM (outside literals and comments). A directory table,
    `DIRECTORY(@stage)`, is refused as not supported: snowreg's stages have none (DECISIONS.md U64)."""
    if "@" in text and _DIRECTORY.search(_masked(text)):
        raise errors.not_supported("A directory table, DIRECTORY(@stage)")
    return "@" in text and _find(text) != []


def _find(text: str) -> list[re.Match[str]]:
    hidden = _masked(text)
    # a quoted location only right after FROM or JOIN: a string argument such as STRTOK(s, '@.') is none
    return [m for m in _STAGED.finditer(hidden) if m.group("location")
            and not (m.group("location").startswith("'") and m.group("lead").startswith(","))]


def _masked(text: str) -> str:
    """The text with comments and string literals other than `'@…'` locations blanked (same length)."""
    def blank(m: re.Match[str]) -> str:
        s = m.group(0)
        return s if s.startswith("'@") else s[0] + " " * (len(s) - 2) + s[-1] if s[0] in "'\"" else " " * len(s)
    return LITERALS_AND_COMMENTS.sub(blank, text)


def run(session: Session, text: str, describe_only: bool) -> Result:
    from snowreg.engine.sql.run import run_sql

    registered: list[str] = []
    aliases: list[str] = []
    edits: list[tuple[int, int, str]] = []
    try:
        found = _find(text)
        # every `$n` the query names is a column, also of a location with fewer fields (or no file): NULL there
        named = max((int(g) for pair in re.findall(r"(?<![\w$])\$(\d+)\b|\.\$(\d+)\b", _masked(text))
                     for g in pair if g), default=1)
        for m in found:
            args = text[m.start("args"):m.end("args")] if m.group("args") else None  # its literals as written
            view, columns = _register(session, text[m.start("location"):m.end("location")], args, registered,
                                      named)
            alias = (m.group("alias") or "").strip()
            alias = re.sub(r"^AS\s+", "", alias, flags=re.I)
            edits.append((m.start("location"), m.end(), f"(SELECT {', '.join(columns)} FROM {view}) {alias or view}"))
            aliases.append((alias or view).upper())
        # `t.$2` of a staged location's alias: its column C2 (the binder reads `$n` alone, by position); the
        # header stays what was written (`T.$2`)
        hidden = _masked(text)
        spans = [(m.start("location"), m.end()) for m in found]
        for mm in re.finditer(r"\b([A-Za-z_][\w$]*)\.\$(\d+)\b", hidden):
            if mm.group(1).upper() in aliases and not any(a <= mm.start() < b for a, b in spans):
                edits.append((mm.start(), mm.end(), f'{mm.group(1)}."C{mm.group(2)}"'))
        written = Spliced.edited(text, sorted(edits))
        base = list(text)  # the derived tables' own columns keep their names: no header text stands there
        for start, end in spans:
            base[start:end] = HEADER_PAD * (end - start)
        written.header_base = "".join(base)
        return run_sql(session, written.text, describe_only, frozenset(registered), written)
    finally:
        for view in registered:
            session.duck.unregister(view)


def _location_ref(text: str) -> ast.StageRef:
    if text.startswith("'"):
        text = text[1:-1].replace("''", "'").replace("\\'", "'")
    stmt = parse(f"LIST {text}")[0]
    assert isinstance(stmt, ast.ListFiles)
    return stmt.stage


def _register(session: Session, location: str, args: str | None, registered: list[str], named: int = 1
              ) -> tuple[str, list[str]]:
    """Read a location's files into an Arrow relation registered for the statement: (its name, the select
    list of the derived table over it)."""
    import pyarrow as pa

    given = parse_options(args.strip()[1:-1]) if args else {}
    pattern = given.get("PATTERN")
    ref = _location_ref(location)
    if ref.kind == "table":  # https://docs.snowflake.com/en/sql-reference/sql/copy-into-table: "Selecting data
        # from files is supported only by named stages (internal or external) and user stages"
        raise errors.not_supported("Querying the files of a table stage (@%table; named and user stages can be "
                                   "queried)")
    loc, entries = stages.files_at(session, ref, None if pattern is None else str(pattern))
    name = given.get("FILE_FORMAT")
    fmt = file_formats.resolve_for(session, stages.stage_row(session, ref),
                                   None if name is None else {"FORMAT_NAME": str(name)})
    rows: list[list[Any]] = []
    meta: list[tuple[str, int, str, Any]] = []
    for path, _, md5, modified in entries:
        data = stages.read_file(session, loc, path)
        if data is None:
            continue
        _, records = formats.read(path, data, fmt)
        for number, record in enumerate(records, 1):
            if record.error is not None:
                raise record.error
            if fmt.type == "CSV":
                rows.append(list(record.values))
            else:
                rows.append([json.dumps(record.values[0], ensure_ascii=False)])
            meta.append((path, number, md5, modified))
    width = max([named, *(len(r) for r in rows)])
    names = [f"C{i}" for i in range(1, width + 1)]
    columns: dict[str, Any] = {n: pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
                               for i, n in enumerate(names)}
    columns[_METADATA[0]] = pa.array([m[0] for m in meta], pa.string())
    columns[_METADATA[1]] = pa.array([m[1] for m in meta], pa.int64())
    columns[_METADATA[2]] = pa.array([m[2] for m in meta], pa.string())
    columns[_METADATA[3]] = pa.array([_naive(m[3]) for m in meta], pa.timestamp("us"))
    table = pa.table(columns)
    view = f"SNOWREG_STAGE_{next(_views)}"
    session.duck.register(view, table.rename_columns([physical(c) for c in table.column_names]))
    registered.append(view)
    data_items = [f"PARSE_JSON({n}) AS {n}" if fmt.type != "CSV" else n for n in names]
    return view, [*data_items, *_METADATA]


def _naive(value: Any) -> Any:
    from datetime import datetime

    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        raise errors.not_supported("METADATA$FILE_LAST_MODIFIED of this stage")
    return value
