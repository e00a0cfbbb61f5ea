"""Client-side parameter binding (qmark `?`, pyformat `%s` / `%(name)s`), as the real connector does it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from snowreg import errors
from snowreg.grammar.text import LITERALS_AND_COMMENTS, literal, outside_literals

_PLACEHOLDER = re.compile(r"\?|%\((\w+)\)s|%s|%%")


def bind(sql: str, params: Sequence[Any] | Mapping[str, Any] | None) -> str:
    """Substitute parameters into SQL text; placeholders inside literals and comments are left alone."""
    if params is None:
        return sql
    if not isinstance(params, Mapping | Sequence) or isinstance(params, str | bytes):
        params = (params,)
    out: list[str] = []
    pos = 0
    position = 0
    for m in outside_literals(_PLACEHOLDER, sql):
        out.append(sql[pos:m.start()])
        token = m.group(0)
        if token == "%%":
            out.append("%")
        elif m.group(1) is not None:
            if not isinstance(params, Mapping) or m.group(1) not in params:
                raise errors.bind_variable_not_set(m.group(1))
            out.append(literal(params[m.group(1)]))
        else:
            if isinstance(params, Mapping) or position >= len(params):
                raise errors.bind_count_mismatch()
            out.append(literal(params[position]))
            position += 1
        pos = m.end()
    out.append(sql[pos:])
    return "".join(out)


_INSERT = re.compile(r"\s*insert\s+into\b", re.I)
_VALUES = re.compile(r"\bvalues\s*\(", re.I)


def multi_row_insert(command: str, seqparams: Sequence[Sequence[Any] | Mapping[str, Any]]) -> str | None:
    """executemany of `INSERT INTO … VALUES (…)` as the real connector sends it: one INSERT whose VALUES
    tuple is repeated with each parameter set bound into it, so the rows go in together (one count, and
    a bad row inserts none). None for any other statement, or a VALUES clause of several tuples."""
    if not seqparams or not _INSERT.match(command):
        return None
    masked = LITERALS_AND_COMMENTS.sub(lambda m: " " * len(m.group()), command)
    found = _VALUES.search(masked)
    if found is None:
        return None
    start = found.end() - 1
    depth, end = 0, -1
    for i in range(start, len(masked)):
        depth += {"(": 1, ")": -1}.get(masked[i], 0)
        if depth == 0:
            end = i + 1
            break
    if end < 0 or masked[end:].lstrip().startswith(","):
        return None
    row = command[start:end]
    return command[:start] + ", ".join(bind(row, p) for p in seqparams) + command[end:]
