"""Client-side parameter binding (qmark `?`, pyformat `%s` / `%(name)s`), as the real connector does it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from snowreg import errors
from snowreg.grammar.text import literal, outside_literals

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
