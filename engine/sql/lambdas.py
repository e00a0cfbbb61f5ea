"""Snowflake's higher-order functions on ARRAYs: TRANSFORM, FILTER and REDUCE with a lambda expression
(`a INT -> a * 2`, `(acc, val) -> acc + val`), as DuckDB's list_transform / list_filter / list_reduce over the
ARRAY's elements (https://docs.snowflake.com/en/sql-reference/functions/transform,
https://docs.snowflake.com/en/sql-reference/functions/filter, https://docs.snowflake.com/en/sql-reference/functions/reduce).

A lambda argument with a type gets each element coerced to it ("When the data type for the lambda argument is
specified explicitly, the array element is coerced to the specified type"): the parser writes every use of
it as that cast of the element, a VARIANT. Without a type the argument is the VARIANT itself: before the
rewrites its uses are marked as VARIANTs (`variant_arguments`), so the body is rewritten as the same
expression on a VARIANT column would be (DECISIONS.md F44). For a structured ARRAY (`[1, 2]::ARRAY(INT)`) an
argument without a type has the element's type, as if written with it ("If the input array is structured, the
data type of the lambda argument is the data type of the array element"; F105). REDUCE's accumulator without a
type is what the initial value is: a VARIANT when that is an ARRAY, OBJECT or VARIANT, else the value itself (F106).
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
    """Before the rewrites: each use of a TRANSFORM / FILTER / REDUCE lambda's argument that is not already a cast
    (a typed argument's uses all are: the parser writes them as its cast) becomes `CAST(a AS VARIANT)`, so
    that the VARIANT rewrites of the body see a VARIANT (its paths, arithmetic and comparisons); over a structured
    ARRAY the cast is to the element's type (F105). REDUCE's accumulator is marked only when its initial value
    is semi-structured (F106)."""
    for fn in list(stmt.find_all(exp.Lambda)):
        call = fn.parent
        if not isinstance(call, exp.Transform | exp.ArrayFilter | exp.Reduce):
            continue
        params = [p.this for p in fn.expressions if isinstance(p, exp.Identifier)]
        element = _element_type(call.this)
        types: dict[str, exp.DataType] = {}
        if isinstance(call, exp.Reduce):
            if len(params) == 2:
                types[params[1]] = element
                if _semi_structured(call.args.get("initial")):
                    types[params[0]] = exp.DataType(this=_T.JSON)
        else:
            types = dict.fromkeys(params, element)
        for use in list(fn.this.find_all(exp.Identifier)):
            parent = use.parent
            if use.this not in types or isinstance(parent, exp.Column | exp.Dot | exp.Table | exp.Cast | exp.TryCast) \
                    or (isinstance(parent, exp.PropertyEQ) and use.arg_key == "this"):
                continue
            use.replace(exp.Cast(this=use.copy(), to=types[use.this].copy()))


_STRUCTURED = (_T.ARRAY, _T.OBJECT, _T.MAP)


def structured_casts(stmt: exp.Expr) -> None:
    """Before the rewrites: `x::ARRAY(INT)` (a structured ARRAY of a scalar type,
    https://docs.snowflake.com/en/sql-reference/data-types-structured) casts each element as a typed lambda
    argument does, `TRANSFORM(x, e INT -> e)`, and stays marked structured (F105). A cast to a structured OBJECT
    or MAP, or to an ARRAY of them, is refused: snowreg keeps no structured type to check keys and values against."""
    for cast in list(stmt.find_all(exp.Cast)):
        to = cast.to
        if not to.is_type(*_STRUCTURED) or not to.expressions:
            continue
        element = to.expressions[0]
        if not to.is_type(_T.ARRAY) or len(to.expressions) != 1 or not isinstance(element, exp.DataType) \
                or element.is_type(*_STRUCTURED, _T.VARIANT, _T.JSON) or isinstance(cast, exp.TryCast):
            raise errors.not_supported(f"A cast to the structured type {to.sql(dialect='snowflake')}")
        name = exp.to_identifier("__snowreg_e")
        coerced = exp.Lambda(this=exp.Cast(this=name.copy(), to=element.copy()), expressions=[name])
        cast.set("this", exp.Transform(this=cast.this.copy(), expression=coerced))


def _element_type(array: exp.Expr) -> exp.DataType:
    """The type of an untyped lambda argument: VARIANT, or a structured ARRAY's element type (`x::ARRAY(INT)`)."""
    while isinstance(array, exp.Paren):
        array = array.this
    if isinstance(array, exp.Cast) and array.to.is_type(_T.ARRAY) and len(array.to.expressions) == 1 \
            and isinstance(array.to.expressions[0], exp.DataType):
        return array.to.expressions[0].copy()
    return exp.DataType(this=_T.JSON)


def _semi_structured(init: exp.Expr | None) -> bool:
    """An initial value the text shows to be an ARRAY, OBJECT or VARIANT (a constant, a constructor, a cast)."""
    while isinstance(init, exp.Paren):
        init = init.this
    if isinstance(init, exp.Array | exp.Struct | exp.ParseJSON | exp.ToVariant):
        return True
    if isinstance(init, exp.Cast | exp.TryCast):
        return init.to.is_type(_T.JSON, _T.VARIANT, _T.ARRAY, _T.OBJECT)
    return isinstance(init, exp.Func) and init.sql_name() in _SEMI_CALLS


_SEMI_CALLS = frozenset({"ARRAY_CONSTRUCT", "OBJECT_CONSTRUCT", "TO_VARIANT", "TO_ARRAY", "TO_OBJECT"})


def _lambda(name: str, node: exp.Expr, arity: int = 1) -> exp.Lambda:
    found = node.args.get("merge" if arity == 2 else "expression")
    if not isinstance(found, exp.Lambda) or len(found.expressions) != arity:
        what = "one argument" if arity == 1 else "two arguments"
        raise errors.compilation_error(f"{name} takes a lambda expression of {what} as its last argument")
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


def reduce_(node: exp.Expr) -> exp.Expr:
    """REDUCE(array, init, (acc, val) -> expr) (https://docs.snowflake.com/en/sql-reference/functions/reduce): the
    lambda applied to each element in order, the accumulator starting at `init`; `init` for an empty ARRAY; NULL for a
    NULL ARRAY or a NULL `init`, and a NULL the lambda returns stays the accumulator (so `acc + val` over a NULL is
    NULL from there on, as the page's ZEROIFNULL example shows). DuckDB's list_reduce widens the accumulator to the
    type the lambda returns, the page's "largest physical type of the three" (F106)."""
    fn = _lambda("REDUCE", node, arity=2)
    init = node.args.get("initial")
    if init is None:
        raise errors.compilation_error("REDUCE takes an ARRAY, an initial value and a lambda expression")
    reduced = variant.fn("list_reduce", _elements(node.this), fn, init)
    guard = exp.Is(this=init.copy(), expression=exp.Null())
    return exp.Case(ifs=[exp.If(this=guard, true=exp.Null())], default=_guarded(node.this, reduced))


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "TRANSFORM": transform,
    "FILTER": filter_,
    "REDUCE": reduce_,
}
