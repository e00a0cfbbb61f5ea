"""TIMESTAMP_TYPE_MAPPING (https://docs.snowflake.com/en/sql-reference/parameters#timestamp-type-mapping): which
TIMESTAMP_* variation the bare TIMESTAMP means, where a statement names it as a type (a column definition, a cast,
`TIMESTAMP '…'`, RETURNS) and in TO_TIMESTAMP / TRY_TO_TIMESTAMP / TIMESTAMP_FROM_PARTS, which "map to" the
variation's function (https://docs.snowflake.com/en/sql-reference/functions/to_timestamp, …/timestamp_from_parts).

A session that keeps the default (TIMESTAMP_NTZ, what the translation makes of TIMESTAMP) pays one dictionary
look-up per statement. Any other value rewrites the statement's text before translation (engine.sql.session_texts:
headers and error places stay the user's), so every cache keyed by a statement's text holds the mapped
statement, never an answer made under another mapping (conformance/DECISIONS.md T63-T64).

TIMESTAMP stays a name where it is one: a column, alias or table called timestamp."""

from __future__ import annotations

import re
from collections.abc import Mapping

from snowreg.grammar.text import Spliced

PARAMETER = "TIMESTAMP_TYPE_MAPPING"
# A literal, quoted name or comment (kept whole), a word, `::`, or any other character.
_TOKEN = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"]|\"\")*\"|\$\$.*?\$\$|--[^\n]*|/\*.*?\*/|[A-Za-z_][\w$]*|::|\S",
                    re.S)
_FUNCTIONS = {"TO_TIMESTAMP": "TO_{}", "TRY_TO_TIMESTAMP": "TRY_TO_{}", "TIMESTAMP_FROM_PARTS": "{}_FROM_PARTS",
              "TIMESTAMPFROMPARTS": "{}_FROM_PARTS"}
_CASTS = frozenset({"CAST", "TRY_CAST"})
_AFTER_TYPE = frozenset({"RETURNS", "TYPE"})  # RETURNS TIMESTAMP; ALTER … SET DATA TYPE TIMESTAMP
_ADD = frozenset({"COLUMN", "ADD", "EXISTS"})  # ALTER TABLE t ADD [COLUMN] [IF NOT EXISTS] c TIMESTAMP
_QUERY = frozenset({"AS", "SELECT", "WITH"})  # a CREATE's query or body: its names are no column definitions


def edits(values: Mapping[str, str], sql: str) -> list[tuple[int, int, str]]:
    """The edits that name the session's variation for the bare TIMESTAMP types and TO_TIMESTAMP-like calls of
    `sql`; none under the default mapping (engine.sql.session_texts makes them a text)."""
    mapping = values.get(PARAMETER)
    if mapping is None or mapping.upper() == "TIMESTAMP_NTZ" or "TIMESTAMP" not in sql.upper():
        return []
    return _edits(sql, mapping.upper())


def _edits(sql: str, mapping: str) -> list[tuple[int, int, str]]:
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(sql)
              if not m.group().startswith(("--", "/*"))]
    words = [t[0].upper() for t in tokens]
    ddl = bool(words) and words[0] in ("CREATE", "ALTER")
    opened: list[str] = []  # the word before each open parenthesis
    edits: list[tuple[int, int, str]] = []
    for i, (_, start, end) in enumerate(tokens):
        word = words[i]
        prev = words[i - 1] if i else ""
        if word == "(":
            opened.append(prev)
        elif word == ")" and opened:
            opened.pop()
        elif ddl and not opened and word in _QUERY:
            ddl = False
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in _FUNCTIONS and nxt == "(" and prev != ".":
            edits.append((start, end, _FUNCTIONS[word].format(mapping)))
        elif word == "TIMESTAMP" and nxt not in ("WITH", "WITHOUT") and prev != "." and _is_type(
                words, tokens, i, opened, ddl):
            edits.append((start, end, mapping))
    return edits


def _is_type(words: list[str], tokens: list[tuple[str, int, int]], i: int, opened: list[str], ddl: bool) -> bool:
    prev = words[i - 1] if i else ""
    nxt = tokens[i + 1][0] if i + 1 < len(tokens) else ""
    if prev == "::" or prev in _AFTER_TYPE or nxt.startswith(("'", "$$")):
        return True
    if prev == "AS" and opened and opened[-1] in _CASTS:
        return True
    # a column or argument definition: `( name TIMESTAMP`, `, name TIMESTAMP`, `ADD [COLUMN] name TIMESTAMP` (not
    # the name of `ADD COLUMN timestamp …`)
    before = words[i - 2] if i >= 2 else ""
    name = tokens[i - 1][0] if i else ""
    return ddl and bool(name) and (name[0].isalpha() or name[0] in '_"') and (
        (before in ("(", ",") and (bool(opened) or words[0] == "ALTER")) or (before in _ADD and prev not in _ADD))



def mapped(values: Mapping[str, str], sql: str) -> str:
    """`sql` (a SQL function's body, which the statement's own rewrite leaves alone inside its literal) with the
    session's variation named (conformance/DECISIONS.md W36)."""
    done = edits(values, sql)
    return Spliced.edited(sql, done).text if done else sql


_BARE = re.compile(r"\s*TIMESTAMP\s*(\(\s*\d+\s*\))?\s*", re.I)


def declared_type(values: Mapping[str, str], type_text: str) -> str:
    """A declared type (a scripting variable's) with the bare TIMESTAMP named as the session's variation now, so
    the variable keeps it when the mapping changes later (DECISIONS.md W36)."""
    mapping = values.get(PARAMETER)
    m = _BARE.fullmatch(type_text)
    if m is None or mapping is None:
        return type_text
    return mapping.upper() + (m.group(1) or "")
