"""`WITH <alias> AS MODEL <m> [VERSION <v>]` where a statement's query does not open it.

The grammar reads the model-alias form of WITH only at the start of a statement (`with_query`). A
CREATE TABLE … AS, CREATE VIEW … AS, INSERT INTO … or a parenthesised subquery is plain text to it (a
soup), so there the clause reached DuckDB as written and the calls named the alias as a model of the
current schema (`Model 'DB.S.MV' does not exist`). Snowflake takes any query in those places
(https://docs.snowflake.com/en/sql-reference/sql/create-table, …/create-view, …/insert), and the form is
its documented way to call a version (https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/overview).

`find` locates such clauses in the text of one plain statement (outside literals, comments and model
calls); the builder blanks them out of the statement's template (spaces, so every offset stays) and
hands the aliases to the binder as a leading WITH's are (DECISIONS.md I54).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from snowreg.grammar.text import LITERALS_AND_COMMENTS

_IDENT = r'(?:[A-Za-z_][A-Za-z0-9_$]*+|"(?:[^"]|"")++")'
_WITH = re.compile(r"(?<![\w$.\"])WITH\s++", re.I)
_ITEM = re.compile(
    rf"(?P<alias>{_IDENT})\s++AS\s++MODEL\s++(?P<model>{_IDENT}(?:\s*+\.\s*+{_IDENT}){{0,2}})"
    rf"(?:\s++VERSION\s++(?P<version>{_IDENT}))?(?![\w$.(\"])", re.I)
_COMMA = re.compile(r"\s*+,\s*+")


@dataclass(frozen=True, slots=True)
class Item:
    """One `<alias> AS MODEL <model> [VERSION <version>]`: each part's offsets in the text."""

    alias: tuple[int, int]
    model: tuple[int, int]
    version: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class Clause:
    """The text to blank (`cut`), and the items it held. A clause followed by ordinary CTEs keeps its
    WITH keyword: `cut` then starts at the first item and ends after the comma that follows the last."""

    cut: tuple[int, int]
    items: tuple[Item, ...]
    keeps_with: bool


def find(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Clause]:
    """The clauses in `text[start:end]`, outside literals, comments and the spans in `taken` (calls)."""
    skipped = [(m.start(), m.end()) for m in LITERALS_AND_COMMENTS.finditer(text, start, end)] + taken
    clauses: list[Clause] = []
    for w in _WITH.finditer(text, start, end):
        if any(a <= w.start() < b for a, b in skipped):
            continue
        items: list[Item] = []
        pos = w.end()
        comma_end = None
        while (m := _ITEM.match(text, pos, end)) is not None:
            version = (m.start("version"), m.end("version")) if m.group("version") else None
            items.append(Item((m.start("alias"), m.end("alias")), (m.start("model"), m.end("model")), version))
            pos = m.end()
            comma = _COMMA.match(text, pos, end)
            if comma is None:
                comma_end = None
                break
            comma_end = comma.end()
            pos = comma.end()
        if not items:
            continue
        if comma_end is not None:
            clauses.append(Clause((w.end(), comma_end), tuple(items), True))
        else:
            clauses.append(Clause((w.start(), pos), tuple(items), False))
    return clauses
