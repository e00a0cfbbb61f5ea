"""Snowflake's text rules in one place: identifiers, literals, LIKE patterns, and spans in SQL text.

Everyone who reads or writes SQL text uses these: the grammar's builder, the engine, the DB-API, the
Python registry, the REPL and the CLI. DuckDB's own quoting lives in the catalog (`catalog.quote`).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache
from typing import Any

# ---------------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------------

_PLAIN_UPPER = re.compile(r"[A-Z_][A-Z0-9_$]*")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NAME_PART = re.compile(r'"(?:[^"]|"")*"|[^."]+')
# Snowflake's reserved keywords (https://docs.snowflake.com/en/sql-reference/reserved-keywords): a name
# spelled like one of them must be double-quoted.
SNOWFLAKE_RESERVED = frozenset(
    """
    ACCOUNT ALL ALTER AND ANY AS BETWEEN BY CASE CAST CHECK COLUMN CONNECT CONNECTION CONSTRAINT
    CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DELETE
    DISTINCT DROP ELSE EXISTS FALSE FOLLOWING FOR FROM FULL GRANT GROUP GSCLUSTER HAVING ILIKE IN
    INCREMENT INNER INSERT INTERSECT INTO IS ISSUE JOIN LATERAL LEFT LIKE LOCALTIME LOCALTIMESTAMP
    MINUS NATURAL NOT NULL OF ON OR ORDER ORGANIZATION QUALIFY REGEXP REVOKE RIGHT RLIKE ROW ROWS
    SAMPLE SCHEMA SELECT SET SOME START TABLE TABLESAMPLE THEN TO TRIGGER TRUE TRY_CAST UNION UNIQUE
    UPDATE USING VALUES VIEW WHEN WHENEVER WHERE WINDOW WITH
    """.split()
)


def resolve_ident(text: str) -> str:
    """The name an identifier as written stands for: `"x"` keeps its case, unquoted is upper-cased."""
    text = text.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.upper()


def resolve_client_ident(text: str) -> str:
    """The client's reading of a name (SqlIdentifier): plain names upper-cased, quoted ones unquoted,
    anything else (a name with spaces, say) kept exactly as written."""
    text = text.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.upper() if _PLAIN.fullmatch(text) else text


def is_plain_ident(name: str) -> bool:
    """Whether a resolved name can be written without double quotes (upper case, not a reserved word)."""
    return _PLAIN_UPPER.fullmatch(name) is not None and name not in SNOWFLAKE_RESERVED


def quote_ident(name: str) -> str:
    """A resolved name as it must be written: bare when it reads back the same, else double-quoted."""
    if is_plain_ident(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def split_name(text: str) -> list[str]:
    """`DB."sch".m` → ['DB', 'sch', 'M'] by the client's rules (dots inside quotes do not split)."""
    parts = _NAME_PART.findall(text.strip())
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"Invalid name {text!r}.")
    return [resolve_client_ident(p) for p in parts]


# ---------------------------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------------------------

# A string literal, a quoted identifier, a $$ string or a comment: what text scanners must skip over.
LITERALS_AND_COMMENTS = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|--[^\n]*|/\*.*?\*/", re.S
)


def outside_literals(pattern: re.Pattern[str], sql: str) -> list[re.Match[str]]:
    """The matches of `pattern` in `sql` that are not inside a literal, quoted identifier or comment."""
    found: list[re.Match[str]] = []
    pos = 0
    for skip in LITERALS_AND_COMMENTS.finditer(sql):
        found.extend(pattern.finditer(sql, pos, skip.start()))
        pos = skip.end()
    found.extend(pattern.finditer(sql, pos))
    return found


def literal(value: Any) -> str:
    """A Python value as a Snowflake SQL literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else f"'{value}'::FLOAT"
    if isinstance(value, bytes | bytearray):
        return f"X'{bytes(value).hex()}'"
    if isinstance(value, dt.datetime):
        kind = "TIMESTAMP_TZ" if value.tzinfo else "TIMESTAMP_NTZ"
        return f"'{value.isoformat(sep=' ')}'::{kind}"
    if isinstance(value, dt.date):
        return f"'{value.isoformat()}'::DATE"
    if isinstance(value, dt.time):
        return f"'{value.isoformat()}'::TIME"
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return literal(value.item())
    return string_literal(str(value))


def string_literal(text: str) -> str:
    """Text as a single-quoted Snowflake string literal (backslash escapes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def dollar_literal(text: str) -> str:
    """Free text as the client sends it: `$$…$$` (a quoted literal when the text holds `$$`)."""
    if "$$" in text:
        return string_literal(text)
    return f"$${text}$$"


# ---------------------------------------------------------------------------------------------
# LIKE patterns (SHOW … LIKE)
# ---------------------------------------------------------------------------------------------


def like_literal(name: str) -> str:
    """A resolved name inside a LIKE pattern's quotes, as the client sends it (`_` still matches any char)."""
    return name.replace("\\", "\\\\").replace("'", "\\'")


_ANY_RUN, _ANY_ONE = object(), object()  # `%` and `_` in a LIKE pattern, among its literal characters


@lru_cache(maxsize=256)
def _like_tokens(pattern: str) -> tuple[object, ...]:
    """A SHOW … LIKE pattern as `%` / `_` markers and literal characters (a backslash escapes the next one)."""
    out: list[object] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i + 1])
            i += 2
            continue
        if c == "%":
            if not out or out[-1] is not _ANY_RUN:  # `%%` is `%`
                out.append(_ANY_RUN)
        else:
            out.append(_ANY_ONE if c == "_" else c)
        i += 1
    return tuple(out)


def _same(a: str, b: str) -> bool:
    return a == b or a.lower() == b.lower() or a.upper() == b.upper()


def like(pattern: str | None, text: str) -> bool:
    """SHOW … LIKE: case-insensitive, `%` and `_` wildcards, backslash escapes; no pattern matches all.

    Matched by the greedy wildcard walk (at most len(pattern) × len(text) steps), not a backtracking regular
    expression: `%%%%%%%%%%%%!` made Python's `re` take hours over one name, holding the process
    (conformance/DECISIONS.md J61)."""
    if pattern is None:
        return True
    tokens = _like_tokens(pattern)
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        token = tokens[p] if p < len(tokens) else None
        if token is _ANY_RUN:
            star, mark = p, t
            p += 1
        elif token is not None and (token is _ANY_ONE or _same(str(token), text[t])):
            p += 1
            t += 1
        elif star >= 0:  # the last `%` takes one more character
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while p < len(tokens) and tokens[p] is _ANY_RUN:
        p += 1
    return p == len(tokens)


# ---------------------------------------------------------------------------------------------
# Positions in text: 1-based lines; Snowflake's "position" in a line is 0-based
# ---------------------------------------------------------------------------------------------


def location(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset in a text."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def offset_of(text: str, line: int, column: int) -> int:
    """The offset of a 1-based line and 0-based column (Snowflake's "position") in a text."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            break
        start = nl + 1
    return min(start + column, len(text))


def excerpt(text: str, offset: int) -> str:
    """The source line holding `offset` (without a Windows line end's `\r`), and a caret under it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)].removesuffix("\r")
    return f"{line}\n{' ' * (offset - start)}^"


def place(text: str, offset: int) -> tuple[int, int]:
    """Snowflake's place of an offset in a text: 1-based line, 0-based position in that line."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1)


HEADER_PAD = "\x00"  # fills a header where a replacement is longer than what the user wrote (Spliced.header)


class Spliced:
    """A text made of pieces: stretches copied from what the user wrote, and new text standing for
    something written there (a placeholder for a model call, a variable's value). A place in it (of an
    error) maps back to the line and position where the user wrote that character."""

    __slots__ = ("_parts", "_starts", "_origins", "_length", "_sources", "header_base")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []  # where each piece starts in the text
        self._origins: list[tuple[int, int, bool]] = []  # (line, position, copied) where it was written
        self._length = 0
        self._sources: list[tuple[int, int]] = []  # edited(): the characters of `source` each piece stands for
        self.header_base = ""  # edited(): what `header` is made from (the edited text, or one as long as it)

    @classmethod
    def edited(cls, source: str, edits: list[tuple[int, int, str]]) -> Spliced:
        """`source` with each `(start, end, new)` of `edits` (in order, not overlapping) replaced; a
        replacement shorter than what it replaces is padded with spaces (see `header`)."""
        out, pos = cls(), 0
        out.header_base = source
        for start, end, new in edits:
            out._sourced(source[pos:start], source, pos, pos, start, True)
            out._sourced(new.ljust(end - start), source, start, start, end, False)
            pos = end
        out._sourced(source[pos:], source, pos, pos, len(source), True)
        return out

    def _sourced(self, text: str, source: str, at: int, start: int, end: int, copied: bool) -> None:
        if text:
            self._add(text, *place(source, at), copied)
            self._sources.append((start, end))

    def header(self, before: str) -> str:
        """`before` (a text as long as this one's source, e.g. the source itself) with each replaced stretch
        padded with HEADER_PAD to its replacement's length: as long as this text, so that a select item's
        header is made from what the user wrote where the item stands here (`SYSTEM$GET_TAG(…)`, `$V`)."""
        assert len(self._sources) == len(self._starts), "only an edited() text has a header"
        text, out = self.text, []
        for i, (start, end) in enumerate(self._sources):
            stop = self._starts[i + 1] if i + 1 < len(self._starts) else len(text)
            out.append(before[start:end].ljust(stop - self._starts[i], HEADER_PAD))
        return "".join(out)

    def copy(self, text: str, line: int, column: int) -> None:
        """`text` exactly as written from `line`, `column` on."""
        self._add(text, line, column, True)

    def put(self, text: str, line: int, column: int) -> None:
        """New `text` standing for what is written at `line`, `column`."""
        self._add(text, line, column, False)

    def _add(self, text: str, line: int, column: int, copied: bool) -> None:
        if text:
            self._parts.append(text)
            self._starts.append(self._length)
            self._origins.append((line, column, copied))
            self._length += len(text)

    @property
    def text(self) -> str:
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]  # the pieces are kept by their starts alone
        return self._parts[0] if self._parts else ""

    def extend(self, other: Spliced, start: int = 0, end: int | None = None) -> None:
        """The characters `start` to `end` of `other`, each keeping where it was written."""
        text = other.text
        end = len(text) if end is None else end
        for i, at in enumerate(other._starts):
            stop = other._starts[i + 1] if i + 1 < len(other._starts) else len(text)
            low, high = max(at, start), min(stop, end)
            if low < high:
                line, column = other._origin(low)
                self._add(text[low:high], line, column, other._origins[i][2])

    def written_at(self, line: int, column: int) -> tuple[int, int]:
        """Where the character at `line`, `column` of this text was written (line 0: unknown)."""
        if line <= 0 or not self._starts:
            return line, column
        return self._origin(offset_of(self.text, line, column))

    def _origin(self, offset: int) -> tuple[int, int]:
        text = self.text
        i = max(bisect_right(self._starts, offset) - 1, 0)
        start = self._starts[i]
        at_line, at_column, copied = self._origins[i]
        if not copied:
            return at_line, at_column
        newlines = text.count("\n", start, offset)
        if newlines == 0:
            return at_line, at_column + offset - start
        return at_line + newlines, offset - (text.rfind("\n", start, offset) + 1)


def top_level_as(text: str, start: int = 0) -> int | None:
    """Where the first `AS` keyword outside literals, comments and parentheses stands from `start` (the AS of
    `CREATE TASK | DYNAMIC TABLE … AS <query>`), or None."""
    depth, pos = 0, start
    while pos < len(text):
        skip = LITERALS_AND_COMMENTS.match(text, pos)
        if skip is not None:
            pos = skip.end()
            continue
        depth += {"(": 1, ")": -1}.get(text[pos], 0)
        if depth == 0 and text[pos:pos + 2].upper() == "AS" and not _in_word(text, pos - 1) \
                and not _in_word(text, pos + 2):
            return pos
        pos += 1
    return None


def _in_word(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] in "_$")
