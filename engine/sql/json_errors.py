"""The reason PARSE_JSON gives for text that is not JSON, in Snowflake's words rather than DuckDB's.

DuckDB reports `Malformed JSON at byte N of input: unexpected character.  Input: "<text>"` (the text cut
after about 50 characters). Snowflake's 100069 message is `Error parsing JSON: <reason>, pos <n>`; its
reasons are not documented (https://docs.snowflake.com/en/sql-reference/functions/parse_json), so the ones
here are UNCERTAIN (conformance/DECISIONS.md F92): a bare word is an `unknown keyword`, text that ends inside
a string, an object or an array is an `unterminated string` / `incomplete object value` / `incomplete array
value`, a closing bracket that closes nothing open is `misplaced`, anything else an `unexpected character`.
`pos` counts the characters read when the parser stopped.
"""

from __future__ import annotations

import re

_MALFORMED = re.compile(r'Malformed JSON at byte (\d+) of input: (.*?)\.\s+Input: "(.*)"', re.DOTALL)
_CUT = "..."  # DuckDB's mark of an input it cut
_WORD = re.compile(r"[A-Za-z0-9_+.-]+")


def reason(detail: str) -> str | None:
    """The reason and position for DuckDB's malformed-JSON error text; None when it is not one."""
    m = _MALFORMED.search(detail)
    if m is None:
        return None
    offset, what, shown = int(m.group(1)), m.group(2), re.sub(r'" when casting from source column .*$', "", m.group(3),
                                                               flags=re.DOTALL)
    data = shown.encode()
    cut = shown.endswith(_CUT) and len(data) - len(_CUT) <= offset
    # characters before the byte DuckDB stopped at (beyond a cut text, its bytes)
    at = offset if cut else len(data[:offset].decode(errors="ignore"))
    if what.startswith("unexpected end of data"):
        if cut:
            return f"incomplete JSON value, pos {at}"
        return f"{_unfinished(shown)}, pos {at}"
    rest = shown[at:]
    word = _WORD.match(rest)
    if word is not None and not rest[:1].isdigit() and rest[:1] not in "+-." and not (cut and word.end() == len(rest)):
        return f'unknown keyword "{word.group()}", pos {at + word.end()}'
    if rest[:1] in ("}", "]"):
        return f"misplaced {rest[:1]}, pos {at + 1}"
    return f"unexpected character, pos {at + 1}"


def _unfinished(text: str) -> str:
    """What the complete text leaves open at its end: a string, an object or an array."""
    open_: list[str] = []
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            open_.append(ch)
        elif ch in "]}" and open_:
            open_.pop()
    if in_string:
        return "unterminated string"
    word = re.search(r"[A-Za-z_][A-Za-z0-9_]*$", text)
    if word is not None:  # `tru`: a keyword cut short
        return f'unknown keyword "{word.group()}"'
    if open_:
        return "incomplete object value" if open_[-1] == "{" else "incomplete array value"
    return "incomplete JSON value"
