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
    A pattern that looks at the character before a match (`^`, `\\b`, `\\B`) could match differently from that
    start: refused (and see `_nth`)."""
    occurrence = node.args.get("occurrence")
    if occurrence is None:
        return None
    if not (isinstance(occurrence, exp.Literal) and occurrence.is_int):
        raise errors.not_supported("REGEXP_REPLACE with an occurrence that is not an integer literal")
    count = int(occurrence.this)
    if count <= 1:
        return None
    pattern = node.args["expression"]
    what = "REGEXP_REPLACE of an occurrence above 1"
    body = _literal_pattern(pattern, what)
    if "^" in body.replace("[^", "") or "\\b" in body or "\\B" in body or "\\A" in body:
        raise errors.not_supported(f"{what} with an anchored pattern (^, \\b, \\B)")
    subject = node.this
    before, text = _from_position(subject, node.args.get("position"))
    matches, offset, guard = _nth(text, pattern, count, what)
    rest = _call("substr", text.copy(), exp.Add(this=offset.copy(), expression=exp.Literal.number(1)))
    replacement = node.args.get("replacement") or exp.Literal.string("")
    replaced = exp.DPipe(this=exp.DPipe(this=before, expression=_call("left", text.copy(), offset)),
                         expression=_call("regexp_replace", rest, pattern.copy(), replacement))
    few = exp.LT(this=_call("len", matches.copy()), expression=exp.Literal.number(count))
    ifs = [exp.If(this=few, true=subject.copy())]
    if guard is not None:
        ifs.insert(0, exp.If(this=guard[0], true=exp.Cast(this=guard[1], to=exp.DataType(this=_T.VARCHAR))))
    return exp.Case(ifs=ifs, default=replaced)


def _literal_pattern(pattern: exp.Expr, what: str) -> str:
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise errors.not_supported(f"{what} with a pattern that is not a literal")
    return str(pattern.this)


def _from_position(subject: exp.Expr, position: exp.Expr | None) -> tuple[exp.Expr, exp.Expr]:
    """The subject's text before the position, and from it on."""
    start = exp.Cast(this=position or exp.Literal.number(1), to=exp.DataType(this=_T.BIGINT))
    before = _call("left", subject.copy(), exp.Sub(this=start.copy(), expression=exp.Literal.number(1)))
    return before, _call("substr", subject.copy(), start)


def _nth(text: exp.Expr, pattern: exp.Expr, count: int, what: str
         ) -> tuple[exp.Expr, exp.Expr, tuple[exp.Expr, exp.Expr] | None]:
    """The matches over the text, the 0-based start of the count-th one (the lengths of the pieces and matches
    before it), and, when only the rows can tell whether the pattern matches an empty string (DuckDB splits and
    extracts such matches inconsistently, so they are refused), the condition and failing INTEGER for a CASE."""
    matches = _call("regexp_extract_all", text.copy(), pattern.copy())
    pieces = _call("string_split_regex", text.copy(), pattern.copy())

    def lengths(parts: exp.Expr, upto: int) -> exp.Expr:
        taken = exp.Bracket(this=parts, expressions=[exp.Slice(this=exp.Literal.number(1),
                                                               expression=exp.Literal.number(upto))])
        summed = _call("list_sum", _call("list_transform", taken, exp.Lambda(
            this=_call("length", exp.to_identifier("x")), expressions=[exp.to_identifier("x")])))
        return _call("coalesce", summed, exp.Literal.number(0))

    offset = exp.Cast(this=exp.Add(this=lengths(pieces, count), expression=lengths(matches.copy(), count - 1)),
                      to=exp.DataType(this=_T.BIGINT))
    empty = _matches_empty(str(pattern.this))
    if empty:
        raise errors.not_supported(f"{what} with a pattern matching an empty string")
    guard = None
    if empty is None:  # a failing cast, not error(): that would make `ORDER BY 1` of the expression refused
        failing = exp.Cast(this=exp.Literal.string(f"{UNSUPPORTED_MARKER}{what} with a pattern matching an empty "
                                                   "string"), to=exp.DataType(this=_T.INT))
        guard = (_call("list_contains", matches.copy(), exp.Literal.string("")), failing)
    return matches, offset, guard


def instr_group(given: dict[str, exp.Expr], group: int, parameters: str) -> exp.Expr:
    """REGEXP_INSTR of a capture group (https://docs.snowflake.com/en/sql-reference/functions/regexp_instr: with
    'e' or a group_num, the position of the group within the match; option 1 the position after it). The match
    is found as `_nth` finds it; within it the group's offset is the length of what the pattern before the group
    matched, read by matching the match again with that part captured. That holds when the group is outside
    every other group, the pattern has no `|` outside groups and no quantifier follows the group, and nothing
    looks at the characters around the match (`\\b`, `\\B`); other patterns are refused."""
    what = "REGEXP_INSTR of a capture group"
    pattern = given["expression"]
    body = _literal_pattern(pattern, what)
    opening = _top_level_group(body, group, what) if group else 0  # group 0: the whole match
    if "\\b" in body or "\\B" in body:
        raise errors.not_supported(f"{what} with a pattern looking around the match (\\b, \\B)")
    for key in ("occurrence", "option"):
        arg = given.get(key)
        if arg is not None and not (isinstance(arg, exp.Literal) and arg.is_int):
            raise errors.not_supported(f"{what} with an {key} that is not an integer literal")
    count = int(given["occurrence"].this) if "occurrence" in given else 1
    after = "option" in given and given["option"].this == "1"
    flagged_pattern = flagged(pattern, parameters, "REGEXP_INSTR")
    subject = given["this"]
    before, text = _from_position(subject, given.get("position"))
    matches, offset, guard = _nth(text, flagged_pattern, max(count, 1), what)
    flags = inline_flags(parameters, "REGEXP_INSTR")
    split = exp.Literal.string(f"{flags}\\A({body[:opening]}){body[opening:]}\\z")  # not ^ $: (?m) moves those
    nth = _call("list_extract", matches.copy(), exp.Literal.number(max(count, 1)))
    inside: exp.Expr = _call("length", _call("regexp_extract", nth.copy(), split.copy(), exp.Literal.number(1)))
    if after:
        inside = exp.Add(this=inside, expression=_call("length", _call(
            "regexp_extract", nth.copy(), split.copy(), exp.Literal.number(group + 1)) if group else nth.copy()))
    found = exp.Add(this=exp.Add(this=_call("length", before), expression=offset),
                    expression=exp.Add(this=inside, expression=exp.Literal.number(1)))
    few = exp.LT(this=_call("len", matches.copy()), expression=exp.Literal.number(max(count, 1)))
    ifs = [exp.If(this=few, true=exp.Literal.number(0))]
    if guard is not None:
        ifs.insert(0, exp.If(this=guard[0], true=guard[1]))
    return exp.Case(ifs=ifs, default=exp.Cast(this=found, to=exp.DataType(this=_T.BIGINT)))


def _top_level_group(body: str, group: int, what: str) -> int:
    """Where the group-th capturing group opens, refusing a pattern whose group `instr_group` cannot place."""
    groups, alternation = _groups(body)
    if group > len(groups):
        raise errors.not_supported(f"{what} the pattern does not have")  # Snowflake's error is not documented
    opening, depth, closing = groups[group - 1]
    if depth:
        raise errors.not_supported(f"{what} inside another group")
    if body[closing + 1:closing + 2] in ("*", "+", "?", "{"):
        raise errors.not_supported(f"{what} followed by a quantifier")
    if alternation:
        raise errors.not_supported(f"{what} in a pattern with alternatives (|)")
    return opening


def group_count(body: str) -> int:
    """The capturing groups of a pattern."""
    return len(_groups(body)[0])


def _groups(body: str) -> tuple[list[tuple[int, int, int]], bool]:
    """Each capturing group's opening index, depth and closing index, in their numbers' order, and whether
    the pattern has a `|` outside every group."""
    groups: list[list[int]] = []
    stack: list[int] = []  # per open parenthesis: its group's place in `groups`, -1 for a non-capturing one
    alternation, i = False, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a class: up to its closing ']' (one right after '[' or '[^' is a member)
            i += 2 if body[i + 1:i + 2] == "^" else 1
            i += 1 if body[i:i + 1] == "]" else 0
            while i < len(body) and body[i] != "]":
                i += 2 if body[i] == "\\" else 1
        elif char == "(":
            capturing = body[i + 1:i + 2] != "?" or body[i + 2:i + 4] == "P<"
            if capturing:
                groups.append([i, len(stack), -1])
            stack.append(len(groups) - 1 if capturing else -1)
        elif char == ")" and stack:
            place = stack.pop()
            if place >= 0:
                groups[place][2] = i
        elif char == "|" and not stack:
            alternation = True
        i += 1
    return [(g[0], g[1], g[2]) for g in groups], alternation


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
