"""The regular-expression functions' parameters string and REGEXP_REPLACE's occurrence.

Snowflake's parameters (https://docs.snowflake.com/en/sql-reference/functions-regexp#specifying-the-parameters-for-the-regular-expression):
`c` case-sensitive (the default), `i` case-insensitive (the last of `c` / `i` wins), `m` multi-line (`^` and
`$` at every line), `s` the wildcard `.` matches a newline too, `e` extract sub-matches. DuckDB's own option
letters mean other things (its `m` is "newline sensitive", it has no `e` or `c` in every function), so the
flags become RE2's inline flags in front of the pattern (`(?ims)`) and the parameters argument is dropped.
"""

from __future__ import annotations

import re
import warnings

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql.numbers import UNSUPPORTED_MARKER

_T = exp.DataType.Type
# The argument holding the parameters string, by node class (sqlglot's names).
PARAMETERS: dict[type[exp.Expr], str] = {
    exp.RegexpLike: "flag", exp.RegexpReplace: "modifiers", exp.RegexpCount: "parameters",
    exp.RegexpInstr: "parameters",
}
_NAMES: dict[type[exp.Expr], str] = {exp.RegexpLike: "REGEXP_LIKE", exp.RegexpReplace: "REGEXP_REPLACE",
                                      exp.RegexpCount: "REGEXP_COUNT", exp.RegexpInstr: "REGEXP_INSTR"}
_LETTERS = set("cimes")


def inline_flags(parameters: str, name: str) -> str:
    """RE2's inline flags for Snowflake's parameters string: `'is'` → `(?is)`, `'ic'` → `` (c wins)."""
    unknown = sorted(set(parameters) - _LETTERS)
    if unknown:
        raise errors.not_supported(f"{name} with the regular expression parameter '{unknown[0]}'")
    flags = ""
    if "i" in parameters and "c" not in parameters.rsplit("i", 1)[1]:
        flags += "i"
    flags += "".join(f for f in "ms" if f in parameters)
    return f"(?{flags})" if flags else ""


def flagged(pattern: exp.Expr, parameters: str, name: str) -> exp.Expr:
    """The pattern with the parameters' flags in front; an empty literal pattern stays empty (it matches
    nothing in REGEXP_INSTR / REGEXP_COUNT, whose renderings test for it)."""
    flags = inline_flags(parameters, name)
    if not flags or (isinstance(pattern, exp.Literal) and pattern.is_string and not pattern.this):
        return pattern
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return exp.Literal.string(flags + pattern.this)
    return exp.DPipe(this=exp.Literal.string(flags), expression=pattern)


def normalize(node: exp.Expr) -> exp.Expr | None:
    """REGEXP_LIKE / RLIKE / REGEXP_REPLACE / REGEXP_COUNT / REGEXP_INSTR: the parameters as inline flags.
    REGEXP_INSTR keeps an `e` (engine.sql.texts.regexp_instr_groups refuses it). Returns REGEXP_REPLACE's
    rendering when it replaces one occurrence above the first."""
    key = PARAMETERS.get(type(node))
    given = node.args.get(key) if key else None
    if key is None or given is None:
        return replace_occurrence(node) if isinstance(node, exp.RegexpReplace) else None
    name = _NAMES[type(node)]
    if not (isinstance(given, exp.Literal) and given.is_string):
        raise errors.not_supported(f"{name} with parameters that are not a string literal")
    text = str(given.this)
    node.set("expression", flagged(node.args["expression"], text, name))
    kept = "e" if isinstance(node, exp.RegexpInstr) and "e" in text else ""
    node.set(key, exp.Literal.string(kept) if kept else None)
    return replace_occurrence(node) if isinstance(node, exp.RegexpReplace) else None


def _call(name: str, *args: exp.Expr) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def replace_occurrence(node: exp.Expr) -> exp.Expr | None:
    """REGEXP_REPLACE(subject, pattern, replacement, position, occurrence) with an occurrence above 1
    (https://docs.snowflake.com/en/sql-reference/functions/regexp_replace: "which occurrence of the pattern to
    replace"): the text before the occurrence's start is kept, and the first match from there on replaced.
    The start is the lengths of the pieces and matches before it, read over the whole subject. A pattern that
    looks at the character before a match (`^`, `\\b`, `\\B`) could match differently from that start, and a
    pattern that matches an empty string splits the text otherwise: both are refused."""
    occurrence = node.args.get("occurrence")
    if occurrence is None:
        return None
    if not (isinstance(occurrence, exp.Literal) and occurrence.is_int):
        raise errors.not_supported("REGEXP_REPLACE with an occurrence that is not an integer literal")
    count = int(occurrence.this)
    if count <= 1:
        return None
    pattern = node.args["expression"]
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise errors.not_supported("REGEXP_REPLACE of an occurrence above 1 with a pattern that is not a literal")
    body = str(pattern.this)
    if "^" in body.replace("[^", "") or "\\b" in body or "\\B" in body or "\\A" in body:
        raise errors.not_supported("REGEXP_REPLACE of an occurrence above 1 with an anchored pattern (^, \\b, \\B)")
    position = node.args.get("position") or exp.Literal.number(1)
    start = exp.Cast(this=position, to=exp.DataType(this=_T.BIGINT))
    subject = node.this
    replacement = node.args.get("replacement") or exp.Literal.string("")
    text = _call("substr", subject.copy(), start.copy())
    before = _call("left", subject.copy(), exp.Sub(this=start.copy(), expression=exp.Literal.number(1)))
    matches = _call("regexp_extract_all", text.copy(), pattern.copy())
    pieces = _call("string_split_regex", text.copy(), pattern.copy())
    upto = exp.Literal.number(count - 1)

    def lengths(parts: exp.Expr) -> exp.Expr:
        taken = exp.Bracket(this=parts, expressions=[exp.Slice(this=exp.Literal.number(1), expression=upto.copy())])
        summed = _call("list_sum", _call("list_transform", taken, exp.Lambda(
            this=_call("length", exp.to_identifier("x")), expressions=[exp.to_identifier("x")])))
        return _call("coalesce", summed, exp.Literal.number(0))

    offset = exp.Cast(this=exp.Add(this=lengths(pieces), expression=lengths(matches.copy())),
                      to=exp.DataType(this=_T.BIGINT))
    rest = _call("substr", text.copy(), exp.Add(this=offset.copy(), expression=exp.Literal.number(1)))
    replaced = exp.DPipe(this=exp.DPipe(this=before, expression=_call("left", text.copy(), offset)),
                         expression=_call("regexp_replace", rest, pattern.copy(), replacement))
    few = exp.LT(this=_call("len", matches.copy()), expression=exp.Literal.number(count))
    ifs = [exp.If(this=few, true=subject.copy())]
    empty = _matches_empty(body)
    if empty:
        raise errors.not_supported(_EMPTY)
    if empty is None:  # Python cannot read the pattern: checked on the matches when the query runs
        refused = _call("error", exp.Literal.string(f"{UNSUPPORTED_MARKER}{_EMPTY}"))
        ifs.insert(0, exp.If(this=_call("list_contains", matches.copy(), exp.Literal.string("")), true=refused))
    return exp.Case(ifs=ifs, default=replaced)


_EMPTY = "REGEXP_REPLACE of an occurrence above 1 with a pattern matching an empty string"


def _matches_empty(pattern: str) -> bool | None:
    """Whether the pattern (no anchors left) matches an empty string; None when Python's `re` cannot read it
    (RE2's POSIX classes such as `[[:digit:]]`)."""
    if "[:" in pattern or "\\p" in pattern or "\\P" in pattern:  # read otherwise by Python
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.search(pattern, "") is not None
    except re.error:
        return None
