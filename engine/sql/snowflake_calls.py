"""Which calls the parser builds as sqlglot's function nodes: those of Snowflake's functions, not other dialects'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from snowreg import errors
from snowreg.engine.sql import functions

_SNOWFLAKE = Dialect.get_or_raise("snowflake")


def builders(known: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """sqlglot's function builders (name → builder), a name no Snowflake function has building the plain
    call the text wrote: it is left for a user-defined function of that name (functions.bind_call), where
    sqlglot's node would lose what was written (LOG2(x) is a LOG(2, x)) or refuse it (STUFF wants four
    arguments). https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions"""
    # TO_CHAR / TO_VARCHAR stay calls with the format as written (sqlglot turns one of a typed date or time into
    # strftime, losing what its pattern cannot say: TZH:TZM, quoted text); variant.to_char writes them.
    known = {**known, **dict.fromkeys(("TO_CHAR", "TO_VARCHAR"), _to_char)}
    built = {name: _sturdy(name, build) if name in functions.FUNCTIONS and name not in functions.AS_WRITTEN
             else _plain_call(name, build)
             for name, build in known.items()}
    # REGEXP(subject, pattern[, parameters]) is RLIKE's synonym (https://docs.snowflake.com/en/sql-reference/functions/regexp)
    return {**built, "REGEXP": built["RLIKE"]} if "RLIKE" in built else built


def _to_char(args: list[exp.Expr], dialect: object = None) -> exp.Expr:
    return exp.ToChar.from_arg_list(args)


def _sturdy(name: str, build: Callable[..., Any]) -> Callable[[list[exp.Expr]], exp.Expr]:
    """sqlglot's builder of a Snowflake function, giving the plain call where the builder fails on arguments
    it did not expect (OBJECT_CONSTRUCT('a') is an IndexError there): the call is then refused as a call of
    that function, never with a Python error. A function of functions.ARITY has its written arguments
    counted first."""
    least, most = functions.ARITY.get(name, (0, 10 ** 6))

    def sturdy(args: list[exp.Expr]) -> exp.Expr:
        if not least <= len(args) <= most:
            raise errors.wrong_arguments(name, least if len(args) < least else most, len(args))
        try:
            try:
                built: exp.Expr = build(args)
            except TypeError:
                built = build(args, dialect=_SNOWFLAKE)
        except (IndexError, KeyError, ValueError, AttributeError):
            return exp.Anonymous(this=name, expressions=args)
        return built
    return sturdy


def _plain_call(name: str, build: Callable[..., Any]) -> Callable[[list[exp.Expr]], exp.Expr]:
    """sqlglot's builder of a function Snowflake does not have, giving the plain call where sqlglot would
    give a function node (what it builds otherwise, such as TABLE(…)'s rows, it keeps)."""
    def plain(args: list[exp.Expr]) -> exp.Expr:
        try:
            try:
                built = build(args)
            except TypeError:
                built = build(args, dialect=_SNOWFLAKE)
        except Exception:  # noqa: BLE001 - arguments sqlglot's function does not take: the plain call
            return exp.Anonymous(this=name, expressions=args)
        return exp.Anonymous(this=name, expressions=args) if isinstance(built, exp.Func) else built
    return plain


def function_parsers(known: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """sqlglot's own parsers of some calls, with the count of arguments of functions.ARITY checked first: the
    parser of INITCAP drops a third argument, and DATE_PART's builds a node that cannot be written."""
    return {**known, **{name: _counted(name, known[name]) for name in functions.ARITY if name in known}}


def _counted(name: str, parse: Callable[[Any], exp.Expr | None]) -> Callable[[Any], exp.Expr | None]:
    least, most = functions.ARITY[name]

    def counted(parser: Any) -> exp.Expr | None:
        start = parser._index  # noqa: SLF001 - sqlglot's parser state: the arguments are read twice
        given = len(parser._parse_function_args())  # noqa: SLF001
        parser._retreat(start)  # noqa: SLF001
        if not least <= given <= most:
            raise errors.wrong_arguments(name, least if given < least else most, given)
        return parse(parser)
    return counted
