"""Snowflake identifier rules in one place: resolving written names and writing resolved ones."""

from __future__ import annotations

import re

_PLAIN_UPPER = re.compile(r"[A-Z_][A-Z0-9_$]*")


def resolve(text: str) -> str:
    """The name an identifier as written stands for: `"x"` keeps its case, unquoted is upper-cased."""
    text = text.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.upper()


def quote(name: str) -> str:
    """A resolved name as it must be written: bare when it reads back the same, else double-quoted."""
    if _PLAIN_UPPER.fullmatch(name):
        return name
    return '"' + name.replace('"', '""') + '"'
