"""MATCH_RECOGNIZE's PATTERN: its parser and a backtracking matcher over one partition's rows
(https://docs.snowflake.com/en/sql-reference/constructs/match_recognize, "PATTERN: Specifying the pattern to match").

Symbols, `^` / `$`, concatenation, `|` (the leftmost alternative preferred), `( … )`, `{- … -}` (exclusion),
PERMUTE(…), and the quantifiers `* + ? {n} {n,} {,m} {n,m}`, greedy or reluctant (a trailing `?`). The match
found is the first in preference order (greedy quantifiers try more rows first, then backtrack), as a
backtracking regular expression engine finds it."""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from snowreg import errors


@dataclass(frozen=True)
class Symbol:
    name: str


@dataclass(frozen=True)
class Anchor:
    start: bool  # `^` (True) or `$`


@dataclass(frozen=True)
class Concat:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alternation:
    options: tuple[Node, ...]


@dataclass(frozen=True)
class Repeat:
    item: Node
    low: int
    high: int | None
    greedy: bool


@dataclass(frozen=True)
class Exclude:
    item: Node


Node = Symbol | Anchor | Concat | Alternation | Repeat | Exclude

_TOKEN = re.compile(r'\s*(?:(?P<quoted>"(?:[^"]|"")+")|(?P<name>[A-Za-z_][\w$]*)|(?P<brace>\{\s*\d*\s*(?:,\s*\d*\s*)?\})'
                    r"|(?P<op>\{-|-\}|[()|^$*+?,]))")


def _bad(text: str, detail: str) -> errors.Error:
    return errors.syntax_error_detail(f"invalid MATCH_RECOGNIZE pattern '{text.strip()}': {detail}")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _bad(text, f"unexpected '{text[pos:].strip()[:10]}'")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def parse(text: str) -> Node:
    """The pattern's tree; a malformed pattern is a syntax error (001003)."""
    tokens = _tokens(text)
    if not tokens:
        raise _bad(text, "the pattern is empty")
    parser = _Parser(text, tokens)
    node = parser.alternation()
    if parser.at < len(tokens):
        raise _bad(text, f"unexpected '{tokens[parser.at][1]}'")
    return node


def symbol_name(token: str) -> str:
    """A symbol as Snowflake names it: unquoted names upper-cased, quoted ones as written."""
    if token.startswith('"'):
        return token[1:-1].replace('""', '"')
    return token.upper()


class _Parser:
    def __init__(self, text: str, tokens: list[tuple[str, str]]) -> None:
        self.text, self.tokens, self.at = text, tokens, 0

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _take(self, value: str) -> None:
        token = self._peek()
        if token is None or token[1] != value:
            found = "end of pattern" if token is None else token[1]
            raise _bad(self.text, f"expected '{value}', found '{found}'")
        self.at += 1

    def alternation(self) -> Node:
        options = [self.concat()]
        while (token := self._peek()) is not None and token[1] == "|":
            self.at += 1
            options.append(self.concat())
        return options[0] if len(options) == 1 else Alternation(tuple(options))

    def concat(self) -> Node:
        items: list[Node] = []
        while (token := self._peek()) is not None and token[1] not in ("|", ")", "-}", ","):
            items.append(self.quantified())
        if not items:
            raise _bad(self.text, "an empty alternative")
        return items[0] if len(items) == 1 else Concat(tuple(items))

    def quantified(self) -> Node:
        item = self.primary()
        while (token := self._peek()) is not None and (token[0] == "brace" or token[1] in ("*", "+", "?")):
            if isinstance(item, Anchor):
                raise _bad(self.text, "a quantifier after an anchor")
            self.at += 1
            low, high = _bounds(self.text, token[1])
            greedy = True
            nxt = self._peek()
            if nxt is not None and nxt[1] == "?":
                self.at += 1
                greedy = False
            item = Repeat(item, low, high, greedy)
        return item

    def primary(self) -> Node:
        token = self._peek()
        if token is None:
            raise _bad(self.text, "unexpected end of pattern")
        kind, value = token
        self.at += 1
        if kind in ("name", "quoted"):
            if kind == "name" and value.upper() == "PERMUTE" and (nxt := self._peek()) is not None and nxt[1] == "(":
                return self._permute()
            return Symbol(symbol_name(value))
        if value in ("^", "$"):
            return Anchor(value == "^")
        if value == "(":
            inner = self.alternation()
            self._take(")")
            return inner
        if value == "{-":
            inner = self.alternation()
            self._take("-}")
            return Exclude(inner)
        raise _bad(self.text, f"unexpected '{value}'")

    def _permute(self) -> Node:
        self._take("(")
        parts = [self.alternation()]
        while (token := self._peek()) is not None and token[1] == ",":
            self.at += 1
            parts.append(self.alternation())
        self._take(")")
        orders = [Concat(tuple(p)) if len(p) > 1 else p[0] for p in itertools.permutations(parts)]
        return orders[0] if len(orders) == 1 else Alternation(tuple(orders))


def _bounds(text: str, token: str) -> tuple[int, int | None]:
    if token == "*":
        return 0, None
    if token == "+":
        return 1, None
    if token == "?":
        return 0, 1
    body = token[1:-1].replace(" ", "")
    if "," not in body:
        if not body:
            raise _bad(text, "an empty quantifier '{}'")
        return int(body), int(body)
    low_text, high_text = body.split(",", 1)
    low = int(low_text) if low_text else 0
    high = int(high_text) if high_text else None
    if high is not None and high < low:
        raise _bad(text, f"the quantifier {token} has its upper bound below its lower bound")
    if high == 0:
        raise _bad(text, f"the quantifier {token} matches nothing")
    return low, high


def symbols(node: Node) -> list[str]:
    """The symbols a pattern names, in order of first mention."""
    out: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, Symbol):
            if n.name not in out:
                out.append(n.name)
        elif isinstance(n, (Concat, Alternation)):
            for c in (n.items if isinstance(n, Concat) else n.options):
                walk(c)
        elif isinstance(n, (Repeat, Exclude)):
            walk(n.item)

    walk(node)
    return out


@dataclass(frozen=True)
class Step:
    """One row of a match: its position in the partition, the symbol it was mapped to, whether excluded."""

    row: int
    symbol: str
    excluded: bool


# A match's steps so far, newest first (a persistent list: backtracking drops the newest).
_Path = tuple["Step", "_Path"] | None
_Cont = Callable[[int, _Path, bool], tuple[int, _Path] | None]


TICK = 4096  # the matcher's steps between two calls of its `tick`


class Matcher:
    """The pattern over one partition: `holds(row, symbol)` says whether the row satisfies the symbol's DEFINE;
    `tick`, called every TICK steps of matching, may stop it by raising (a backtracking pattern such as
    `(a | a)* b` takes steps exponential in the rows: DECISIONS.md J54)."""

    def __init__(self, pattern: Node, size: int, holds: Callable[[int, str], bool],
                 tick: Callable[[], None] | None = None) -> None:
        self.pattern, self.size, self.holds, self.tick = pattern, size, holds, tick
        self._steps = 0

    def at(self, start: int) -> list[Step] | None:
        """The preferred match starting at row `start` (its steps in order; [] for an empty match), or None."""
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 50 * (self.size - start) + 2000))
        try:
            found = self._match(self.pattern, start, None, False, lambda p, path, _: (p, path))
        except RecursionError:
            raise errors.not_supported("A MATCH_RECOGNIZE match this long") from None
        finally:
            sys.setrecursionlimit(limit)
        if found is None:
            return None
        steps: list[Step] = []
        path = found[1]
        while path is not None:
            steps.append(path[0])
            path = path[1]
        return steps[::-1]

    def _match(self, node: Node, pos: int, path: _Path, excluded: bool, k: _Cont) -> tuple[int, _Path] | None:
        self._steps += 1
        if self._steps % TICK == 0 and self.tick is not None:
            self.tick()
        if isinstance(node, Symbol):
            if pos < self.size and self.holds(pos, node.name):
                return k(pos + 1, (Step(pos, node.name, excluded), path), excluded)
            return None
        if isinstance(node, Anchor):
            return k(pos, path, excluded) if pos == (0 if node.start else self.size) else None
        if isinstance(node, Concat):
            return self._sequence(node.items, 0, pos, path, excluded, k)
        if isinstance(node, Alternation):
            for option in node.options:
                found = self._match(option, pos, path, excluded, k)
                if found is not None:
                    return found
            return None
        if isinstance(node, Exclude):
            return self._match(node.item, pos, path, True, lambda p, s, _: k(p, s, excluded))
        return self._repeat(node, 0, pos, path, excluded, k)

    def _sequence(self, items: Sequence[Node], i: int, pos: int, path: _Path, excluded: bool, k: _Cont
                  ) -> tuple[int, _Path] | None:
        if i == len(items):
            return k(pos, path, excluded)
        return self._match(items[i], pos, path, excluded,
                           lambda p, s, _: self._sequence(items, i + 1, p, s, excluded, k))

    def _repeat(self, node: Repeat, count: int, pos: int, path: _Path, excluded: bool, k: _Cont
                ) -> tuple[int, _Path] | None:
        def more() -> tuple[int, _Path] | None:
            if node.high is not None and count >= node.high:
                return None
            # an iteration that matched no row ends the repetition once its minimum is met (no endless loop)
            return self._match(node.item, pos, path, excluded,
                               lambda p, s, _: None if p == pos and count >= node.low
                               else self._repeat(node, count + 1, p, s, excluded, k))

        def stop() -> tuple[int, _Path] | None:
            return k(pos, path, excluded) if count >= node.low else None

        first, second = (more, stop) if node.greedy else (stop, more)
        found = first()
        return found if found is not None else second()
