"""String functions of BINARY arguments, in bytes: SUBSTR / SUBSTRING, POSITION / CHARINDEX, CONTAINS, STARTSWITH,
ENDSWITH (their pages: the input is "a string or BINARY expression", "Both expressions must be text or binary
expressions"; https://docs.snowflake.com/en/sql-reference/functions/substr,
https://docs.snowflake.com/en/sql-reference/functions/position, https://docs.snowflake.com/en/sql-reference/functions/contains,
https://docs.snowflake.com/en/sql-reference/functions/startswith, https://docs.snowflake.com/en/sql-reference/functions/endswith).

DuckDB has none of them for a BLOB, and a BINARY read as its text gave the hex text's characters (`SUBSTR(x, 1, 1)`
was `'A'`). A BINARY the text shows (a cast, TO_BINARY, a hex or base64 decoding, `X'…'`: texts.is_binary) is worked
on as its hex text, two characters a byte: a position p is the hex character 2p - 1, a length n is 2n characters,
and a match counts only where it starts on a byte (an even offset), so `SUBSTR` gives the bytes back as a BINARY
(conformance/DECISIONS.md F107). A BINARY column is still read as its text: its type is known only while DuckDB
binds (as F98 and F104 read it).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg.engine.sql import texts, variant
from snowreg.engine.sql.call_args import call_args as _args

_T = exp.DataType.Type
_ALIGNED = "^(?:..)*?"  # any whole number of bytes before the match (hex text holds no regex metacharacter)


def _hex(arg: exp.Expr) -> exp.Expr:
    return variant.fn("hex", arg.copy())


def _int(arg: exp.Expr) -> exp.Expr:
    return exp.Paren(this=exp.Cast(this=arg.copy(), to=exp.DataType(this=_T.BIGINT)))


def _two(arg: exp.Expr) -> exp.Expr:
    return exp.Mul(this=exp.Literal.number(2), expression=_int(arg))


def _aligned(haystack: exp.Expr, needle: exp.Expr) -> exp.Expr:
    """Whether the hex text `needle` occurs in the hex text `haystack` at a byte's start."""
    return variant.fn("regexp_matches", haystack, exp.DPipe(this=exp.Literal.string(_ALIGNED), expression=needle))


def substr(node: exp.Expr) -> exp.Expr | None:
    """SUBSTR(binary, start[, length]): the bytes from `start` (from the end when negative; 0 reads as 1, as for
    text), `length` of them, as a BINARY."""
    if not isinstance(node, exp.Substring) or not texts.is_binary(node.this):
        return None
    start, length = node.args.get("start"), node.args.get("length")
    if start is None:
        return None
    first = exp.Case(ifs=[exp.If(this=exp.LT(this=_int(start), expression=exp.Literal.number(0)), true=_two(start)),
                          exp.If(this=exp.GT(this=_int(start), expression=exp.Literal.number(0)),
                                 true=exp.Sub(this=_two(start), expression=exp.Literal.number(1))),
                          exp.If(this=exp.EQ(this=_int(start), expression=exp.Literal.number(0)),
                                 true=exp.Literal.number(1))])
    if length is None:
        return variant.fn("unhex", variant.fn("substr", _hex(node.this), first))
    count = exp.Case(ifs=[exp.If(this=exp.LT(this=_int(length), expression=exp.Literal.number(0)),
                                 true=exp.Literal.number(0))], default=_two(length))
    return variant.fn("unhex", variant.fn("substr", _hex(node.this), first, count))


def position(node: exp.Expr) -> exp.Expr | None:
    """POSITION(needle IN binary[, from]) / CHARINDEX: the 1-based byte where `needle` first starts at or after
    `from` (a `from` below 1 reads as 1), 0 when it is not there."""
    if not isinstance(node, exp.StrPosition):
        return None
    haystack, needle, start = node.this, node.args.get("substr"), node.args.get("position")
    if needle is None or not (texts.is_binary(haystack) and texts.is_binary(needle)):
        return None
    begin: exp.Expr = exp.Literal.number(1)
    if start is not None:
        begin = exp.Case(ifs=[exp.If(this=exp.LTE(this=_int(start), expression=exp.Literal.number(0)),
                                     true=exp.Literal.number(1))], default=_int(start))
    rest = variant.fn("substr", _hex(haystack), exp.Sub(this=exp.Mul(this=exp.Literal.number(2), expression=begin),
                                                       expression=exp.Literal.number(1)))
    before = variant.fn("regexp_extract", rest.copy(), exp.DPipe(
        this=exp.Literal.string("^((?:..)*?)"), expression=_hex(needle)), exp.Literal.number(1))
    found = exp.Add(this=exp.IntDiv(this=variant.fn("length", before), expression=exp.Literal.number(2)),
                    expression=begin.copy())
    return exp.Case(ifs=[exp.If(this=exp.Not(this=_aligned(rest, _hex(needle))), true=exp.Literal.number(0))],
                    default=found)


def _matching(kind: str) -> Callable[[exp.Expr], exp.Expr | None]:
    def rewrite(node: exp.Expr) -> exp.Expr | None:
        args = _args(node)
        if len(args) != 2 or not all(texts.is_binary(a) for a in args):
            return None
        whole, part = _hex(args[0]), _hex(args[1])
        if kind == "contains":
            return _aligned(whole, part)
        return variant.fn("starts_with" if kind == "starts" else "ends_with", whole, part)
    return rewrite


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "SUBSTR": substr,
    "SUBSTRING": substr,
    "POSITION": position,
    "CHARINDEX": position,
    "CONTAINS": _matching("contains"),
    "STARTSWITH": _matching("starts"),
    "ENDSWITH": _matching("ends"),
}
