"""Which calls the parser builds as sqlglot's function nodes: those of Snowflake's functions, not other dialects'."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from snowreg.engine.sql import functions

_SNOWFLAKE = Dialect.get_or_raise("snowflake")


def builders(known: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """sqlglot's function builders (name → builder), a name no Snowflake function has building the plain
    call the text wrote: it is left for a user-defined function of that name (functions.bind_call), where
    sqlglot's node would lose what was written (LOG2(x) is a LOG(2, x)) or refuse it (STUFF wants four
    arguments). https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions"""
    built = {name: build if name in functions.FUNCTIONS and name not in functions.AS_WRITTEN
             else _plain_call(name, build)
             for name, build in known.items()}
    # REGEXP(subject, pattern[, parameters]) is RLIKE's synonym (https://docs.snowflake.com/en/sql-reference/functions/regexp)
    return {**built, "REGEXP": built["RLIKE"]} if "RLIKE" in built else built


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
