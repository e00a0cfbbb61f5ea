"""The session's earlier results in SQL: LAST_QUERY_ID(), RESULT_SCAN('<query id>') and pipe numbers.

https://docs.snowflake.com/en/sql-reference/functions/last_query_id,
https://docs.snowflake.com/en/sql-reference/functions/result_scan,
https://docs.snowflake.com/en/sql-reference/operators-flow (`->>`: `FROM $n` is the result n statements back).
LAST_QUERY_ID(n) becomes the query id as a literal before translation; a result named in RESULT_SCAN is
handed to DuckDB as an Arrow view of this session's connection, under RESULT_VIEW's name for its id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.engine.result import Column, Result
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import history_view
from snowreg.grammar.text import LITERALS_AND_COMMENTS, Spliced, literal

_LAST_QUERY_ID = re.compile(r"(?<![\w$.])LAST_QUERY_ID\s*\(\s*([-+]?\d+)?\s*\)", re.I)
_RESULT_SCAN = re.compile(r"(?<![\w$.])RESULT_SCAN\s*\(\s*'([^']*)'\s*\)", re.I)


def result_view(query_id: str) -> str:
    """The DuckDB name under which a result is scanned (translate's FROM rewrite uses the same)."""
    return history_view(query_id)


def expand(session: Session, sql: str) -> Spliced | None:
    """Replace LAST_QUERY_ID(…) by its value and make every RESULT_SCAN('id') scannable; None when the
    text names neither."""
    lowered = sql.lower()
    if "last_query_id" not in lowered and "result_scan" not in lowered:
        return None
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for skip in [*LITERALS_AND_COMMENTS.finditer(sql), None]:
        stop = len(sql) if skip is None else skip.start()
        edits.extend((m.start(), m.end(), _last_query_id(session, m.group(1)))
                     for m in _LAST_QUERY_ID.finditer(sql, pos, stop))
        pos = stop if skip is None else skip.end()
    text = Spliced.edited(sql, edits)
    for query_id in _RESULT_SCAN.findall(text.text):
        _register(session, query_id)
    return text if edits else None


def _last_query_id(session: Session, n: str | None) -> str:
    """LAST_QUERY_ID(-1) is the latest query, -2 the one before; 1 is the session's first; NULL if none."""
    position = -1 if n is None else int(n)
    ids = session.query_ids
    index = position if position < 0 else position - 1
    if position == 0 or not -len(ids) <= index < len(ids):
        return "NULL"
    return literal(ids[index])


def _register(session: Session, query_id: str) -> None:
    result = session.result_of(query_id)
    if result is None:
        raise errors.statement_not_found(query_id)
    duck = session.duck
    session.settle()
    duck.register(result_view(query_id), _arrow(result))


def arrow_of(result: Result) -> Any:
    """`_arrow` for the engine's other paths that hand rows they made to the database."""
    return _arrow(result)


def _arrow(result: Result) -> Any:
    """The rows as an Arrow table, with the result's column names and, where the values allow, the Arrow
    type of each column's Snowflake type: RESULT_SCAN reads a NUMBER(5,2) as NUMBER(5,2) and a VARIANT,
    OBJECT or ARRAY as JSON (https://docs.snowflake.com/en/sql-reference/functions/result_scan: "as if
    the result was a table"), not as whatever the values look like."""
    import pyarrow as pa

    columns = list(zip(*result.rows, strict=True)) if result.rows else [() for _ in result.columns]
    arrays = []
    for column, values in zip(result.columns, columns, strict=True):
        typed = _arrow_type(pa, column)
        try:
            arrays.append(pa.array(list(values), type=typed))
            continue
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
            pass
        try:
            arrays.append(pa.array(list(values)))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array([None if v is None else str(v) for v in values], type=pa.string()))
    # Column names as the binder spells them in DuckDB (lower-case SHOW columns keep their case).
    return pa.Table.from_arrays(arrays, names=[physical(c.name) for c in result.columns])


def _arrow_type(pa: Any, column: Column) -> Any:
    """The Arrow type DuckDB reads back as the column's Snowflake type (None: inferred from the values)."""
    if column.type == "FIXED" and column.precision is not None:
        return pa.decimal128(column.precision, column.scale or 0)
    if column.type in ("VARIANT", "OBJECT", "ARRAY"):
        return pa.json_(pa.string()) if hasattr(pa, "json_") else None
    return _ARROW_TYPES.get(column.type, lambda _: None)(pa)


_ARROW_TYPES: dict[str, Callable[[Any], Any]] = {
    "REAL": lambda pa: pa.float64(), "TEXT": lambda pa: pa.string(), "BOOLEAN": lambda pa: pa.bool_(),
    "DATE": lambda pa: pa.date32(), "TIME": lambda pa: pa.time64("us"), "BINARY": lambda pa: pa.binary(),
    "TIMESTAMP_NTZ": lambda pa: pa.timestamp("us"), "TIMESTAMP_LTZ": lambda pa: pa.timestamp("us", tz="UTC"),
    "TIMESTAMP_TZ": lambda pa: pa.timestamp("us", tz="UTC"),
}


_PIPE = "->>"
_PIPE_INPUT = re.compile(r"(?<![\w$])(FROM|JOIN)\s+\$(\d+)(?![\w$])", re.I)


def split_pipe(text: str) -> list[str]:
    """`s1 ->> s2 ->> s3` → its statements (the operator outside strings, quoted names and comments)."""
    if _PIPE not in text:
        return [text]
    parts, start, pos = [], 0, 0
    for skip in [*LITERALS_AND_COMMENTS.finditer(text), None]:
        end = skip.start() if skip is not None else len(text)
        while (i := text.find(_PIPE, pos, end)) >= 0:
            parts.append(text[start:i])
            start = pos = i + len(_PIPE)
        pos = skip.end() if skip is not None else len(text)
    parts.append(text[start:])
    return [p.strip() for p in parts]


def pipe_inputs(statement: str, earlier: list[str]) -> str:
    """`FROM $n` → `FROM TABLE(RESULT_SCAN('<id>'))` of the statement n places back in the chain."""
    out, at = [], 0
    for start, end, replacement in pipe_input_edits(statement, earlier):
        out += [statement[at:start], replacement]
        at = end
    return "".join(out) + statement[at:]


def pipe_input_edits(statement: str, earlier: list[str]) -> list[tuple[int, int, str]]:
    """What `pipe_inputs` replaces: each `FROM $n`'s start and end in `statement`, and its replacement
    (so a position in the rewritten text can be placed back where the user wrote it)."""
    edits = []
    for m in _PIPE_INPUT.finditer(statement):
        n = int(m.group(2))
        if not 1 <= n <= len(earlier):
            raise errors.compilation_error(f"Pipe number ${n} does not refer to an earlier statement")
        edits.append((m.start(), m.end(), f"{m.group(1)} TABLE(RESULT_SCAN({literal(earlier[-n])}))"))
    return edits
