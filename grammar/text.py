"""Snowflake's text rules in one place: identifiers, literals, LIKE patterns, and spans in SQL text.

Everyone who reads or writes SQL text uses these: the grammar's builder, the engine, the DB-API, the
Python registry, the REPL and the CLI. DuckDB's own quoting lives in the catalog (`catalog.quote`).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

# ---------------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------------

_PLAIN_UPPER = re.compile(r"[A-Z_][A-Z0-9_$]*")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NAME_PART = re.compile(r'"(?:[^"]|"")*"|[^."]+')


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


def quote_ident(name: str) -> str:
    """A resolved name as it must be written: bare when it reads back the same, else double-quoted."""
    if _PLAIN_UPPER.fullmatch(name):
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


@lru_cache(maxsize=256)
def _like_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def like(pattern: str | None, text: str) -> bool:
    """SHOW … LIKE: case-insensitive, `%` and `_` wildcards, backslash escapes; no pattern matches all."""
    return pattern is None or _like_regex(pattern).fullmatch(text) is not None


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
    """The source line holding `offset`, and a caret under it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)]
    return f"{line}\n{' ' * (offset - start)}^"
