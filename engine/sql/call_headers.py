"""The names of unaliased result columns that call a model: in the text translate() reads, a call stands as
a placeholder `__SNOWREG_CALL_<n>(…)` whose arguments are in signature order; its header is the call as
Snowflake names it (conformance/DECISIONS.md I44)."""

from __future__ import annotations

import re

_CALL_TEXT = re.compile(r"__SNOWREG_CALL_(\d+)")
_CALL_OPEN = re.compile(r"__SNOWREG_CALL_(\d+)\(")


def named(text: str, names: tuple[str, ...], heads: tuple[str | None, ...]) -> str:
    """An upper-cased header `text` with each placeholder named: by `heads[n]` (the whole call as written,
    arguments included: a call by name) where given, else by `names[n]` (the callee and method, `M!PREDICT`)
    followed by the placeholder's own arguments."""
    if any(heads):
        text = _headed(text, heads)

    def call(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return names[n].upper() if n < len(names) else m.group(0)

    return _CALL_TEXT.sub(call, text)


def _headed(text: str, heads: tuple[str | None, ...]) -> str:
    """Each placeholder call that has a head, its arguments included, replaced by the head (which may hold
    the placeholders of calls in its arguments: they are named in turn)."""
    pos = 0
    while (m := _CALL_OPEN.search(text, pos)) is not None:
        n = int(m.group(1))
        head = heads[n] if n < len(heads) else None
        end = _closing(text, m.end()) if head else None
        if head is None or end is None:
            pos = m.end()
            continue
        text = text[:m.start()] + " ".join(head.split()).upper() + text[end + 1:]
        pos = m.start() + 1
    return text


def _closing(text: str, at: int) -> int | None:
    """Where the parenthesis open just before `at` closes (quoted texts skipped); None if it does not."""
    depth, quote = 1, ""
    for i in range(at, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
    return None
