"""Snowflake's higher-order functions on semi-structured ARRAYs: TRANSFORM and FILTER with a lambda expression
(`a INT -> a * 2`), as DuckDB's list_transform / list_filter over the ARRAY's elements
(https://docs.snowflake.com/en/sql-reference/functions/transform, https://docs.snowflake.com/en/sql-reference/functions/filter).

A lambda argument with a type gets each element coerced to it ("When the data type for the lambda argument is
specified explicitly, the array element is coerced to the specified type"): the parser writes every use of
it as that cast of the element, a VARIANT. Without a type the argument is the VARIANT itself: before the
rewrites its uses are marked as VARIANTs (`variant_arguments`), so the body is rewritten as the same
expression on a VARIANT column would be (DECISIONS.md F44). REDUCE stays refused.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql import variant

_T = exp.DataType.Type
_Q = f"{variant.MACRO_CATALOG}.main."

# Each result as a VARIANT (a FLOAT in Snowflake's DOUBLE text, as TO_VARIANT gives it); a SQL NULL result is
# an undefined element in Snowflake's ARRAY, which snowreg's arrays do not hold (F10).
_RESULTS = (f"list_transform([list_transform(__l, lambda r: {_Q}snowreg_variant(r))], lambda l: CASE WHEN "
            "list_contains(list_transform(l, lambda e: e IS NULL), true) THEN error('snowreg_unsupported:TRANSFORM "
            f"giving a SQL NULL (Snowflake keeps it as an undefined element)') ELSE {_Q}snowreg_json_list(l) END)[1]")


def variant_arguments(stmt: exp.Expr) -> None:
    """Before the rewrites: each use of a TRANSFORM / FILTER lambda's argument that is not already a cast
    (a typed argument's uses all are: the parser writes them as its cast) becomes `CAST(a AS VARIANT)`, so
    that the VARIANT rewrites of the body see a VARIANT (its paths, arithmetic and comparisons)."""
    for fn in list(stmt.find_all(exp.Lambda)):
        if not isinstance(fn.parent, exp.Transform | exp.ArrayFilter):
            continue
        names = {p.this for p in fn.expressions if isinstance(p, exp.Identifier)}
        for use in list(fn.this.find_all(exp.Identifier)):
            parent = use.parent
            if use.this not in names or isinstance(parent, exp.Column | exp.Dot | exp.Table | exp.Cast | exp.TryCast) \
                    or (isinstance(parent, exp.PropertyEQ) and use.arg_key == "this"):
                continue
            use.replace(exp.Cast(this=use.copy(), to=exp.DataType(this=_T.JSON)))


def _lambda(name: str, node: exp.Expr) -> exp.Lambda:
    found = node.args.get("expression")
    if not isinstance(found, exp.Lambda) or len(found.expressions) != 1:
        raise errors.compilation_error(f"{name} takes a lambda expression of one argument as its last argument")
    return found


def _elements(array: exp.Expr) -> exp.Expr:
    """The ARRAY's elements as JSON values (engine.sql.arrays' snowreg_elements): a JSON null stays a JSON null,
    which `a -> a IS NULL` must not see as a SQL NULL."""
    return variant.macro("snowreg_elements", variant.variant_of(array))


def _guarded(array: exp.Expr, result: exp.Expr) -> exp.Expr:
    """NULL for a NULL ARRAY (the pages: "If either argument is NULL, the function returns NULL")."""
    return exp.Case(ifs=[exp.If(this=exp.Is(this=variant.variant_of(array.copy()), expression=exp.Null()),
                                true=exp.Null())], default=result)


def transform(node: exp.Expr) -> exp.Expr:
    fn = _lambda("TRANSFORM", node)
    results = variant.fn("list_transform", _elements(node.this), fn)
    tree: exp.Expr = exp.maybe_parse(_RESULTS, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        if column.name == "__l":
            column.replace(results.copy())
    return exp.Cast(this=_guarded(node.this, tree), to=exp.DataType.build("JSON"))


def filter_(node: exp.Expr) -> exp.Expr:
    fn = _lambda("FILTER", node)
    kept = variant.macro("snowreg_json_list", variant.fn("list_filter", _elements(node.this), fn))
    return exp.Cast(this=_guarded(node.this, kept), to=exp.DataType.build("JSON"))


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "TRANSFORM": transform,
    "FILTER": filter_,
}
