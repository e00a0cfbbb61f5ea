"""Lexical pieces of the registry dialect the builder reads from token text: identifiers, strings,
qualified names and stage locations (`@stage/path`, `snow://model/...`)."""

from __future__ import annotations

import re
from typing import Literal

from snowreg.grammar import ast as a
from snowreg.grammar.text import resolve_ident

# ---------------------------------------------------------------------------------------------
# Lexical helpers: identifiers, strings, qualified names, stage locations
# ---------------------------------------------------------------------------------------------


class BuildError(Exception):
    """A shape the grammar lets through but the statement forbids: a syntax error at offset `pos`.

    `token` is the offending token's text when known; otherwise the syntax error names the token
    that starts at (or, past spaces and comments, after) `pos`.
    """

    def __init__(self, pos: int, token: str | None = None) -> None:
        super().__init__(token)
        self.pos = pos
        self.token = token


_IDENT = re.compile(r'[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+"')
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|([0-7]{3})|(.))|''", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "0": "\0"}
_VERSIONS = re.compile(r"/versions/([^/]+)(?:/(.*))?", re.I | re.S)


def _unescape(m: re.Match[str]) -> str:
    hexa, uni, octal, char = m.groups()
    if m.group(0) == "''":
        return "'"
    if hexa or uni or octal:
        return chr(int(hexa or uni, 16) if hexa or uni else int(octal, 8))
    return _SIMPLE_ESCAPES.get(char, char)


def decode_string(token: str) -> str:
    """The value of a '…' literal ('' and backslash escapes) or a $$…$$ literal (verbatim)."""
    if token.startswith("$$"):
        return token[2:-2]
    body = token[1:-1]
    if "\\" not in body and "''" not in body:
        return body
    return _ESCAPE.sub(_unescape, body)


def split_names(text: str, pos: int = 0) -> tuple[list[str], int]:
    """The dotted identifiers at `pos` (as written, quotes kept) and the offset just after them."""
    parts: list[str] = []
    while m := _IDENT.match(text, pos):
        parts.append(m.group(0))
        pos = m.end()
        if not (text.startswith(".", pos) and _IDENT.match(text, pos + 1)):
            break
        pos += 1
    return parts, pos


def qualified(parts: list[a.Name]) -> a.QualifiedName:
    """`[db.][schema.]name` from its 1–3 parts."""
    return a.QualifiedName(
        parts[-1], parts[-2] if len(parts) > 1 else None, parts[-3] if len(parts) > 2 else None
    )


def names_at(text: str, pos: int) -> tuple[a.QualifiedName, int] | None:
    parts, end = split_names(text, pos)
    if not 1 <= len(parts) <= 3:
        return None
    return qualified([resolve_ident(p) for p in parts]), end


def stage_from_text(text: str) -> a.StageRef | None:
    """`@stage/path`, `@~/path`, `@%table/path` (`@[ns.]%table/path` too) or
    `snow://model/<fqn>/versions/<v>/path`; None if malformed."""
    if text[:13].lower() == "snow://model/":
        return _model_url(text)
    kind: Literal["named", "user", "table"]
    name: a.QualifiedName | None = None
    if text.startswith("@~"):
        kind, end = "user", 2
    elif text.startswith("@"):
        kind = "table" if text.startswith("@%") else "named"
        found = names_at(text, 2 if kind == "table" else 1)
        if found is None:
            return None
        name, end = found
        if kind == "named" and name.database is None and text.startswith(".%", end):  # `@[ns.]%table`
            table = names_at(text, end + 2)
            if table is None or table[0].schema is not None:
                return None
            name, end = a.QualifiedName(table[0].name, name.name, name.schema), table[1]
            kind = "table"
    else:
        return None
    if end < len(text) and text[end] != "/":
        return None
    return a.StageRef(kind, name, text[end:].lstrip("/"))


def _model_url(text: str) -> a.StageRef | None:
    """`snow://model/<fqn>[/versions/<version>[/<path>]]`: the version as written (resolved form)."""
    found = names_at(text, 13)
    if found is None:
        return None
    name, end = found
    m = _VERSIONS.fullmatch(text, end)
    if m:
        return a.StageRef("model", name, m.group(2) or "", m.group(1))
    return a.StageRef("model", name) if text[end:] in ("", "/") else None
