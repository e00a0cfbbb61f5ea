"""SOUNDEX and SOUNDEX_P123: the American Soundex code of a string, written as one DuckDB expression.

https://docs.snowflake.com/en/sql-reference/functions/soundex: "uses the Soundex phonetic algorithm" with no
special handling of surname prefixes; the value is the first letter and three digits (`P236` for Pfister:
the second letter's code is dropped when it equals the first's). SOUNDEX_P123
(https://docs.snowflake.com/en/sql-reference/functions/soundex_p123) keeps that code (`P123`). The steps
of the algorithm: letters coded b f p v 1, c g j k q s x z 2, d t 3, l 4, m n 5, r 6, vowels and y 0 (they
separate equal codes), h and w nothing (they do not); equal adjacent codes counted once; zeros dropped;
padded with zeros to three digits. The first letter keeps its case (the page's own examples of the form
are `s400` and `c130`). Characters other than the letters A-Z are skipped, and a string without any gives
an empty string (conformance/DECISIONS.md F51).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql.call_args import call_args as _args

_CODES = "'AEIOUYHWBFPVCGJKQSXZDTLMNR', '00000099111122222222334556'"
_LETTERS = "regexp_replace(upper(CAST(__s AS VARCHAR)), '[^A-Z]', '', 'g')"
_FIRST = "left(regexp_replace(CAST(__s AS VARCHAR), '[^A-Za-z]', '', 'g'), 1)"  # the first letter as written


def _template(keep_second: bool) -> str:
    # The first letter's code leads the codes of the others (h and w taken out); SOUNDEX_P123 leads with a
    # mark no code equals, so the second letter's code is never taken as a repeat of the first's.
    first = "'-'" if keep_second else f"translate(left({_LETTERS}, 1), {_CODES})"
    codes = f"string_split({first} || replace(translate(substr({_LETTERS}, 2), {_CODES}), '9', ''), '')"
    kept = (f"list_filter(list_transform(range(1, len({codes}) + 1), lambda __i: CASE WHEN __i = 1 "
            f"OR {codes}[__i] <> {codes}[__i - 1] THEN {codes}[__i] END), lambda __c: __c IS NOT NULL)")
    digits = f"array_to_string(list_filter({kept}[2:], lambda __c: __c <> '0'), '')"
    return f"CASE WHEN {_LETTERS} = '' THEN '' ELSE rpad({_FIRST} || left({digits}, 3), 4, '0') END"


def _soundex(name: str, keep_second: bool) -> Callable[[exp.Expr], exp.Expr]:
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        if len(args) != 1:
            raise errors.wrong_arguments(name, 1, len(args))
        tree: exp.Expr = exp.maybe_parse(_template(keep_second), dialect="duckdb")
        for column in list(tree.find_all(exp.Column)):
            if column.name == "__s":
                column.replace(args[0].copy())
        return tree
    return rewrite


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "SOUNDEX": _soundex("SOUNDEX", keep_second=False),
    "SOUNDEX_P123": _soundex("SOUNDEX_P123", keep_second=True),
}
