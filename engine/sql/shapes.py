"""The translation cache by shape: statements that differ only in lifted literals share one translation.

`SELECT 5` and `SELECT 6` have one shape (`snowreg.grammar.shape`): the second is answered by writing
its literals into a template of the DuckDB text made from the first ones, instead of parsing with
sqlglot, fixing up and generating again. Literals go into the DuckDB text as text (not as DuckDB
parameters, whose types DuckDB infers differently from a literal's), so DuckDB sees exactly what the
uncached path would give it and the result types stay the same.

A template is made the second time a shape is seen with a different text, and kept only when it
gives back, byte for byte, the translations of both texts; a shape whose translation depends on a
literal's value (a fix-up that read it, a header or CURRENT_STATEMENT() holding it) fails that test
and is translated each time. Only SELECT statements are kept. A translation depends on the text
alone (no session state: names are resolved and privileges checked on every run), as the per-text
cache of `translate.translate` already relies on, so nothing needs to invalidate these entries.
"""

from __future__ import annotations

import dataclasses
import re

from snowreg.engine.sql import marks, translate
from snowreg.grammar.shape import Shape, lift

_LIMIT = 1024
_MARKS = re.compile("'?" + marks.LITERAL.format(r"(\d+)") + "'?|([" + chr(marks.HEADER) + "-" + chr(marks.HEADER + 255)
                    + "])+")

# A hole is (literal number, True for a header). A text template alternates text and holes; a
# template has one for `sql` and one for `plain` (or None), and the translation it was made from.
_Text = tuple[tuple[str, ...], tuple[tuple[int, bool], ...]]
_Template = tuple[_Text, _Text | None, translate.Translation]
Scales = frozenset[tuple[int, str]] | None  # the decisions on conditionals (engine.sql.conditionals)
_Key = tuple[str, frozenset[int] | None, Scales]

_templates: dict[_Key, _Template | None] = {}
_first: dict[_Key, tuple[str, translate.Translation]] = {}  # the first text seen of a shape
_filled: dict[_Key, translate.Translation] = {}  # texts answered from templates


def translation(text: str, floats: frozenset[int] | None, scales: Scales = None) -> translate.Translation:
    """`translate.translate(text, floats=floats, scales=scales)`, from a template of its shape when there is one."""
    shape = lift(text)
    if shape is None:
        return translate.translate(text, floats=floats, scales=scales)
    key = (shape.key, floats, scales)
    if key in _templates:
        template = _templates[key]
        if template is None:
            return translate.translate(text, floats=floats, scales=scales)
        filled = _filled.get((text, floats, scales))
        if filled is None:
            if len(_filled) >= _LIMIT:
                _filled.clear()
            filled = _filled[(text, floats, scales)] = _fill(template, text, shape)
        return filled
    tr = translate.translate(text, floats=floats, scales=scales)
    if tr.udfs:  # a user function's overload may follow its literal arguments' types: no template
        return tr
    first = _first.get(key)
    if first is None:
        if len(_first) >= _LIMIT:
            _first.clear()
        _first[key] = (text, tr)
    elif first[0] != text:
        _first.pop(key, None)  # another thread may have taken it
        if len(_templates) >= _LIMIT:
            _templates.clear()
        _templates[key] = _make(shape, text, tr, floats, first, scales)
    return tr


def _fill(template: _Template, text: str, shape: Shape) -> translate.Translation:
    sql, plain, b = template
    literals = shape.literals(text)
    # the constructor, not dataclasses.replace: this is the hot path
    return translate.Translation(_text_of(sql, literals), b.tables, b.kind, b.returns_rows, text, b.columns,
                                 b.join_aliases, b.counts, b.zoned, b.guard, b.table, b.read_table, b.projected,
                                 b.deterministic, None if plain is None else _text_of(plain, literals), b.atomic,
                                 b.multi_joined, b.steps, b.udfs, b.set_probes, b.offsets, b.conditionals, b.scales)


def _text_of(template: _Text, literals: tuple[str, ...]) -> str:
    texts, holes = template
    out = [texts[0]]
    for (n, header), rest in zip(holes, texts[1:], strict=True):
        out.append(_header(literals[n]) if header else literals[n])
        out.append(rest)
    return "".join(out)


def _header(literal: str) -> str:
    """How a literal reads inside a select item's header: spaces collapsed, upper case, quoted for DuckDB."""
    return " ".join(literal.split()).upper().replace('"', '""')


def _make(shape: Shape, text: str, tr: translate.Translation, floats: frozenset[int] | None,
          first: tuple[str, translate.Translation], scales: Scales = None) -> _Template | None:
    """A template of the shape from `text`, if it rebuilds the translations of `text` and `first`."""
    if tr.kind != "select" or tr.guard is not None or len(shape.spans) > 255:
        return None
    marked = translate.marked(text, shape.spans, floats, scales)
    if marked is None or dataclasses.replace(marked, sql=tr.sql, plain=tr.plain) != tr \
            or (marked.plain is None) != (tr.plain is None):
        return None
    sql = _text_template(marked.sql, shape)
    plain = None if marked.plain is None else _text_template(marked.plain, shape)
    if sql is None or (marked.plain is not None and plain is None):
        return None
    template: _Template = (sql, plain, tr)
    first_shape = lift(first[0])
    if _fill(template, text, shape) != tr or first_shape is None or _fill(template, first[0], first_shape) != first[1]:
        return None
    return template


def _text_template(marked: str, shape: Shape) -> _Text | None:
    """A DuckDB text with literal marks → its text template (None if a header's marks are broken)."""
    texts: list[str] = []
    holes: list[tuple[int, bool]] = []
    pos = 0
    for m in _MARKS.finditer(marked):
        texts.append(marked[pos:m.start()])
        if m.group(1) is not None:
            holes.append((int(m.group(1)), False))
        else:
            n = ord(m.group(2)) - marks.HEADER
            if m.group() != m.group(2) * (shape.spans[n][1] - shape.spans[n][0]):
                return None  # two headers' marks run together, or a header was cut
            holes.append((n, True))
        pos = m.end()
    texts.append(marked[pos:])
    return tuple(texts), tuple(holes)
