"""Snowflake's higher-order functions on semi-structured ARRAYs: TRANSFORM, FILTER and REDUCE with a lambda
expression (`a INT -> a * 2`), as DuckDB's list_transform / list_filter / list_reduce over the ARRAY's
elements (https://docs.snowflake.com/en/sql-reference/functions/transform,
https://docs.snowflake.com/en/sql-reference/functions/filter, https://docs.snowflake.com/en/sql-reference/functions/reduce).

A lambda argument with a type gets each element coerced to it ("When the data type for the lambda argument is
specified explicitly, the array element is coerced to the specified type"): the parser writes every use of
it as that cast, which the VARIANT rewrites have already made a cast of a VARIANT. Without a type the
argument is a VARIANT, which the rewrites of the lambda's body cannot see: such a lambda is refused
(DECISIONS.md F44).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql import variant

_Q = f"{variant.MACRO_CATALOG}.main."

# A SQL NULL result is an undefined element in Snowflake's ARRAY, which snowreg's arrays do not hold.
_NO_UNDEFINED = ("CASE WHEN list_contains(list_transform(__l, lambda e: e IS NULL), true) THEN error("
                 "'snowreg_unsupported:TRANSFORM giving a SQL NULL (Snowflake keeps it as an undefined element)') "
                 "ELSE to_json(__l) END")


def _lambda(name: str, node: exp.Expr, arity: int) -> exp.Lambda:
    """The call's lambda, its arguments typed (else refused)."""
    found = node.args.get("expression") if name != "REDUCE" else node.args.get("merge")
    if not isinstance(found, exp.Lambda) or len(found.expressions) != arity:
        raise errors.compilation_error(f"{name} takes a lambda expression of {arity} argument"
                                       f"{'s' if arity > 1 else ''} as its last argument")
    for param in found.expressions:
        uses = [i for i in found.this.find_all(exp.Identifier) if i.this == param.this
                and not isinstance(i.parent, exp.Column | exp.Dot)]
        if any(not isinstance(u.parent, exp.Cast | exp.TryCast) and not _cast_made(u) for u in uses):
            raise errors.not_supported(f"{name} with a lambda argument without a data type (a VARIANT)")
    return found


def _cast_made(use: exp.Identifier) -> bool:
    """A use of a typed argument the VARIANT rewrites already turned into a conversion (a macro's call)."""
    call = use.parent
    return isinstance(call, exp.Anonymous) and call.parent is not None and variant.macro_called(call.parent) is not None


def _elements(array: exp.Expr) -> exp.Expr:
    return exp.Cast(this=variant.variant_of(array), to=exp.DataType.build("JSON[]"))


def _guarded(array: exp.Expr, result: exp.Expr) -> exp.Expr:
    """NULL for a NULL ARRAY (the pages: "If either argument is NULL, the function returns NULL")."""
    return exp.Case(ifs=[exp.If(this=exp.Is(this=variant.variant_of(array.copy()), expression=exp.Null()),
                                true=exp.Null())], default=result)


def transform(node: exp.Expr) -> exp.Expr:
    fn = _lambda("TRANSFORM", node, 1)
    results = variant.fn("list_transform", _elements(node.this), fn)
    tree: exp.Expr = exp.maybe_parse(_NO_UNDEFINED, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        if column.name == "__l":
            column.replace(results.copy())
    return exp.Cast(this=_guarded(node.this, tree), to=exp.DataType.build("JSON"))


def filter_(node: exp.Expr) -> exp.Expr:
    fn = _lambda("FILTER", node, 1)
    kept = variant.macro("snowreg_json_list", variant.fn("list_filter", _elements(node.this), fn))
    return exp.Cast(this=_guarded(node.this, kept), to=exp.DataType.build("JSON"))


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "TRANSFORM": transform,
    "FILTER": filter_,
}
