"""Markers for a translation template: where a statement's lifted literals land in its DuckDB text.

`engine.sql.shapes` translates a statement once with these markers in place of its lifted literals
(`snowreg.grammar.shape`) and cuts the DuckDB text at them into a template.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

LITERAL = "\ue000{}\ue001"  # literal n, where its node stands in the tree (a string keeps its quotes)
HEADER = 0xF000  # chr(HEADER + n): each character of literal n in a select item's header


def header_text(sql: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The text headers are made from: `sql`, with the characters of literal n as `chr(HEADER + n)`."""
    if not spans:
        return sql
    out, pos = [], 0
    for n, (a, b) in enumerate(spans):
        out += [sql[pos:a], chr(HEADER + n) * (b - a)]
        pos = b
    out.append(sql[pos:])
    return "".join(out)


def mark_literals(parts: Sequence[exp.Expr], sql: str, spans: tuple[tuple[int, int], ...]) -> bool:
    """Write each literal at `spans` as its marker; False when one is gone or was changed."""
    wanted = {(a, b - 1): n for n, (a, b) in enumerate(spans)}
    seen = set()
    for part in parts:
        for node in part.find_all(exp.Literal):
            n = wanted.get((int(node.meta.get("start", -1)), int(node.meta.get("end", -1)))) if node._meta else None
            if n is None:
                continue
            a, b = spans[n]
            if str(node.this) != (sql[a + 1:b - 1] if node.is_string else sql[a:b]):
                return False
            node.set("this", LITERAL.format(n))
            seen.add(n)
    return len(seen) == len(spans)
