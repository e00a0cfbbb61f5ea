"""The parts of a SQL statement inside a Scripting block that Scripting itself answers: `INTO :var` and
EXECUTE IMMEDIATE's target and USING values.

https://docs.snowflake.com/en/developer-guide/snowflake-scripting/variables (SELECT … INTO :var) and
https://docs.snowflake.com/en/sql-reference/sql/execute-immediate (USING binds `?` to variables).
"""

from __future__ import annotations

from dataclasses import dataclass

from snowreg.grammar.scripting import Tok, tokens
from snowreg.grammar.text import resolve_ident


@dataclass(frozen=True, slots=True)
class SqlParts:
    text: str  # the statement, its INTO clause left out
    into: tuple[str, ...] = ()  # the variables INTO names
    immediate: str | None = None  # EXECUTE IMMEDIATE's target as written: '…', $$…$$, :var, var or $var
    using: tuple[str, ...] = ()  # USING's expressions


def split_sql(text: str) -> SqlParts:
    toks = tokens(text)
    words = [t.upper for t in toks[:2]]
    if words == ["EXECUTE", "IMMEDIATE"] and len(toks) > 2:
        return _immediate(text, toks)
    if words[:1] and words[0] in ("SELECT", "WITH", "CALL"):
        return _into(text, toks)
    return SqlParts(text)


def _into(text: str, toks: list[Tok]) -> SqlParts:
    depth = 0
    for i, tok in enumerate(toks):
        depth += tok.text == "("
        depth -= tok.text == ")"
        if depth or tok.upper != "INTO" or i + 2 >= len(toks) or toks[i + 1].text != ":":
            continue
        names, j = [], i + 1
        while j + 1 < len(toks) and toks[j].text == ":" and toks[j + 1].kind in ("word", "qident"):
            names.append(resolve_ident(toks[j + 1].text))
            j += 2
            if j < len(toks) and toks[j].text == ",":
                j += 1
            else:
                break
        end = toks[j].start if j < len(toks) else len(text)
        return SqlParts(text[:tok.start] + " " + text[end:], tuple(names))
    return SqlParts(text)


def _immediate(text: str, toks: list[Tok]) -> SqlParts:
    i = 2
    tok = toks[i]
    if tok.text in (":", "$") and i + 1 < len(toks):
        target = tok.text + toks[i + 1].text
        i += 2
    else:
        target = tok.text
        i += 1
    using: list[str] = []
    if i < len(toks) and toks[i].upper == "USING" and i + 1 < len(toks) and toks[i + 1].text == "(":
        i += 2
        depth, first = 0, i
        while i < len(toks):
            t = toks[i]
            if depth == 0 and t.text in (",", ")"):
                last = toks[i - 1]
                using.append(text[toks[first].start:last.start + len(last.text)])
                first = i + 1
                if t.text == ")":
                    break
            depth += t.text == "("
            depth -= t.text == ")"
            i += 1
    return SqlParts(text, (), target, tuple(using))
