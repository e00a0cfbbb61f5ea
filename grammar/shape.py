"""A statement's shape: its text with the literals that are plain values lifted out, for shape caches.

`SELECT 5` and `SELECT 6` have one shape, so the parser and the translator can answer the second
from what they did for the first. A literal is lifted only where it stands as a value: a select item,
an operand of a comparison or of arithmetic, a CASE branch. Everywhere else (LIMIT n, ORDER BY 1,
GROUP BY 1, type parameters, function arguments such as TO_DATE formats or IDENTIFIER('x'),
GENERATOR(ROWCOUNT => n), LIKE patterns, typed literals like DATE '…') it stays part of the shape.
A lifted literal keeps its length and its class in the key: a number its digits and scale (so
NUMBER(1,0) and NUMBER(2,1) never share), a string each character's kind (digit, letter, or the
character itself), so `'2024-01-01'` and `'abc'` never share. Offsets therefore match between
statements of one shape, and everything positional (spans, error places) carries over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>--[^\n]*|//[^\n]*|/\*.*?\*/)
    |(?P<string>'(?:[^'\\]|\\.|'')*')
    |(?P<dollar>\$\$.*?\$\$)
    |(?P<quoted>"(?:[^"]|"")*")
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    |(?P<word>[^\W\d][\w$]*|\$\w*)
    |(?P<op><=|>=|<>|!=|\|\||::|=>|->>|->|[^\s])""",
    re.S | re.X)
_PLAIN_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?\Z")
_PLAIN_STRING = re.compile(r"'[^'\\\x00-\x1f]*'\Z")  # no escapes, no control characters
_CLASS = str.maketrans("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                       "9" * 10 + "a" * 52)
_VALUE_OPERATORS = frozenset({"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "||"})
_VALUE_KEYWORDS = frozenset({"SELECT", "WHEN", "THEN", "ELSE"})
_SIGNS = frozenset({"+", "-"})
# Keywords after which a comma no longer separates select items.
_CLAUSES = frozenset({"FROM", "WHERE", "GROUP", "ORDER", "HAVING", "QUALIFY", "LIMIT", "OFFSET", "FETCH",
                      "UNION", "EXCEPT", "MINUS", "INTERSECT", "WINDOW", "INTO", "VALUES", "SET", "PARTITION",
                      "BY", "ON", "USING", "JOIN", "TOP", "DISTINCT", "OVER", "WITHIN"})
_SIGNIFICANT = ("number", "string", "word", "quoted", "op", "dollar")
_VALUE_ENDS = frozenset({"number", "string", "quoted", "dollar"})


@dataclass(frozen=True, slots=True)
class Shape:
    """`key` is the text with each lifted literal replaced by its class; `spans` are their offsets."""

    key: str
    spans: tuple[tuple[int, int], ...]

    def literals(self, text: str) -> tuple[str, ...]:
        """The lifted literals' source text, in order."""
        return tuple(text[a:b] for a, b in self.spans)


ENABLED = True  # False turns the shape caches off (the tests compare both roads)


def lift(text: str) -> Shape | None:
    """The text's shape, or None when no literal can be lifted (or the text is not lexable)."""
    return _lift(text) if ENABLED else None


@lru_cache(maxsize=256)
def _lift(text: str) -> Shape | None:
    if "\x00" in text:
        return None
    spans: list[tuple[int, int]] = []
    select_list = [False]  # per parenthesis level: does a comma there separate select items?
    before: tuple[str, str] = ("", "")  # the last two significant tokens (kind, upper-cased text)
    last: tuple[str, str] = ("", "")
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind not in _SIGNIFICANT:
            continue
        token = m.group()
        if kind == "op" and token in "'\"":
            return None  # an unterminated string or quoted name: leave it to the parser's errors
        upper = token.upper() if kind in ("word", "op") else token
        if kind in ("number", "string") and _liftable(kind, token, text, m.end()) \
                and _value_place(last, before, select_list[-1]):
            spans.append(m.span())
        if token == "(":
            select_list.append(False)
        elif token == ")" and len(select_list) > 1:
            select_list.pop()
        elif kind == "word" and upper == "SELECT":
            select_list[-1] = True
        elif kind == "word" and upper in _CLAUSES:
            select_list[-1] = False
        before, last = last, (kind, upper)
    if not spans:
        return None
    key, pos = [], 0
    for a, b in spans:
        key.append(text[pos:a])
        key.append("\x00" + text[a:b].translate(_CLASS))
        pos = b
    key.append(text[pos:])
    return Shape("".join(key), tuple(spans))


def _liftable(kind: str, token: str, text: str, end: int) -> bool:
    """A plain number (no exponent, no leading zero) or a string without escapes, ending a token."""
    if kind == "number":
        return _PLAIN_NUMBER.match(token) is not None and (end >= len(text) or not _word_char(text[end]))
    return _PLAIN_STRING.match(token) is not None


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "_$."


def _value_place(last: tuple[str, str], before: tuple[str, str], select_list: bool) -> bool:
    """Does a literal after `last` (and `before` it) stand as a value?"""
    kind, token = last
    if token in _SIGNS and kind == "op" and before[0] not in _VALUE_ENDS and before[1] != ")" \
            and before[0] != "word":  # a unary sign: judge by what stands before it
        kind, token = before
    if kind == "op":
        return token in _VALUE_OPERATORS or (token == "," and select_list)
    return kind == "word" and token in _VALUE_KEYWORDS


_CLOSING = {")": "(", "]": "[", "}": "{"}
# The operators the grammar's plain text holds (grammar/snowreg.lark, _TEXT_UNIT), with `,`, `=>` and
# parentheses; `@` (a stage) and anything else leave the text to the grammar.
_PLAIN_OPS = frozenset({"::", "||", "<=", ">=", "<>", "!=", "->>", "->", "=", "-", "/", "+", "*", "%", "<",
                        ">", ".", ":", "[", "]", "{", "}", "?", "~", "^", "&", "|", ",", "(", ")", "=>", ";"})


def plain_select(text: str) -> tuple[int, int] | None:
    """Where a lone plain SELECT stands in `text` (start, end without the closing `;`), or None.

    Plain: one statement whose first word is SELECT, holding no model call (`!` other than `!=`), no
    comment, no `$` word or `$$` text, and no `;` but a last one. Such a text is one chunk of plain SQL
    to the grammar, so the parser can be skipped for it (the grammar tests check both agree).
    """
    simple = _SIMPLE_SELECT.fullmatch(text)
    if simple is not None:  # nothing but words, numbers and a few operators: no token needs a look
        return simple.start(1), simple.start(2)
    return _scanned_select(text)


# SELECT and words, numbers, spaces and `, . + * = < >` only, no `;`: what `_scanned_select` finds plain
# without a doubt (tests/grammar/test_plain_select.py checks both agree)
_SIMPLE_SELECT = re.compile(r"[ \t\r\n]*(SELECT)[ \t\r\n]+[A-Za-z0-9_ \t\r\n,.+*=<>]*[A-Za-z0-9_,.+*=<>]"
                            r"([ \t\r\n]*)", re.I | re.A)


def _scanned_select(text: str) -> tuple[int, int] | None:
    """plain_select, token by token."""
    first = last = None
    count = 0  # significant tokens, the closing `;` included
    depth = {"(": 0, "[": 0, "{": 0}  # brackets must pair up, or the grammar reports where they do not
    for m in TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "space":
            continue
        token = m.group()
        if kind in ("comment", "dollar") or token.startswith("$") or not token.isascii() \
                or (kind == "op" and token not in _PLAIN_OPS):
            return None
        if first is None:
            if kind != "word" or token.upper() != "SELECT":
                return None
            first = m.start()
        if last is not None and last[1]:  # something after a `;`
            return None
        last = (m.end(), token == ";")
        count += 1
        if token in depth:
            depth[token] += 1
        elif token in _CLOSING:
            depth[_CLOSING[token]] -= 1
            if depth[_CLOSING[token]] < 0:
                return None
    if first is None or last is None or count - last[1] < 2 or any(depth.values()):
        return None  # a bare SELECT, or unpaired brackets: the grammar's error
    end = last[0] - 1 if last[1] else last[0]
    return (first, end) if text[first:end].rstrip() == text[first:end] else None
