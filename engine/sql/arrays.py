"""ARRAY and OBJECT functions on VARIANT values (DuckDB JSON): slices, inserts, deletes, AS_<type>, IS_<type>.

Each rewrite takes the call's arguments as written and returns the DuckDB expression. Arrays and objects
go through DuckDB lists and maps of JSON values and back to JSON text; the macros live with
`engine.sql.variant`'s.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql import variant

_T = exp.DataType.Type
_Q = f"{variant.MACRO_CATALOG}.main."

# Members of an OBJECT as (key, JSON value) entries, and back.
_ENTRIES = "map_entries(CAST(o AS MAP(VARCHAR, JSON)))"
_OBJECT = "to_json(map_from_entries({0}))"

MACROS: dict[str, str] = {
    # A list of JSON values as a JSON array, each element keeping its own text.
    "snowreg_json_list(l)": "CAST('[' || array_to_string(list_transform(l, lambda e: CAST(e AS VARCHAR)), ',') || ']' AS JSON)",
    "snowreg_bound(i, n)": "least(greatest(CASE WHEN i < 0 THEN n + i ELSE i END, 0), n)",
    # OBJECT_INSERT (https://docs.snowflake.com/en/sql-reference/functions/object_insert): a SQL NULL key or
    # value leaves the pair out (an update then drops the key); an existing key needs the update flag.
    "snowreg_object_insert(o, k, v, u)": f"""CASE WHEN o IS NULL THEN NULL
        WHEN NOT u AND k IS NOT NULL AND list_contains(json_keys(o), k)
            THEN error('Duplicate field key ''' || k || ''' in OBJECT_INSERT')
        WHEN k IS NULL OR v IS NULL THEN
            CASE WHEN u THEN {_OBJECT.format(f"list_filter({_ENTRIES}, lambda e: e.key <> k)")} ELSE o END
        ELSE {_OBJECT.format(f"list_append(list_filter({_ENTRIES}, lambda e: e.key <> k), {{'key': k, 'value': v}})")}
        END""",
    "snowreg_object_delete(o, ks)": f"""CASE WHEN o IS NULL THEN NULL
        ELSE {_OBJECT.format(f"list_filter({_ENTRIES}, lambda e: NOT list_contains(ks, e.key))")} END""",
    "snowreg_object_pick(o, ks)": f"""CASE WHEN o IS NULL THEN NULL
        ELSE {_OBJECT.format(f"list_filter({_ENTRIES}, lambda e: list_contains(ks, e.key))")} END""",
    # ARRAY_SLICE (https://docs.snowflake.com/en/sql-reference/functions/array_slice): `from` inclusive, `to`
    # exclusive, both from 0, negative ones counted from the end, clamped to the array.
    "snowreg_array_slice(a, f, t)": f"""CASE WHEN a IS NULL OR f IS NULL OR t IS NULL THEN NULL
        ELSE {_Q}snowreg_json_list(list_slice(CAST(a AS JSON[]),
            {_Q}snowreg_bound(f, json_array_length(a)) + 1, {_Q}snowreg_bound(t, json_array_length(a)))) END""",
    # ARRAY_COMPACT (https://docs.snowflake.com/en/sql-reference/functions/array_compact): JSON nulls go too.
    "snowreg_array_compact(a)": f"""CASE WHEN a IS NULL THEN NULL
        ELSE {_Q}snowreg_json_list(list_filter(CAST(a AS JSON[]), lambda e: json_type(e) <> 'NULL')) END""",
}


def _args(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    out = [v for k, v in node.args.items() if k != "expressions" and isinstance(v, exp.Expr)]
    return out + list(node.expressions)


def _json(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType(this=_T.JSON))


def _keys(keys: list[exp.Expr]) -> exp.Expr:
    return variant.fn("list_value", *(exp.Cast(this=k, to=exp.DataType(this=_T.VARCHAR)) for k in keys))


def object_insert(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) not in (3, 4):
        raise errors.wrong_arguments("OBJECT_INSERT", 3, len(args))
    update = args[3] if len(args) == 4 else exp.Boolean(this=False)
    key = exp.Cast(this=args[1], to=exp.DataType(this=_T.VARCHAR))
    return _json(variant.macro("snowreg_object_insert", variant.variant_of(args[0]), key,
                               variant.variant_of(args[2]), update))


def _object_keys_call(name: str, macro: str) -> Callable[[exp.Expr], exp.Expr]:
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        if len(args) < 2:
            raise errors.wrong_arguments(name, 2, len(args))
        if len(args) == 2 and variant.is_json(args[1]):
            raise errors.not_supported(f"{name} with an ARRAY of keys")
        return _json(variant.macro(macro, variant.variant_of(args[0]), _keys(args[1:])))
    return rewrite


def array_slice(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 3:
        raise errors.wrong_arguments("ARRAY_SLICE", 3, len(args))
    bounds = [exp.Cast(this=a, to=exp.DataType(this=_T.BIGINT)) for a in args[1:]]
    return _json(variant.macro("snowreg_array_slice", variant.variant_of(args[0]), *bounds))


def array_compact(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("ARRAY_COMPACT", 1, len(args))
    return _json(variant.macro("snowreg_array_compact", variant.variant_of(args[0])))


def array_unique_agg(node: exp.Expr) -> exp.Expr:
    """ARRAY_UNIQUE_AGG(x) (https://docs.snowflake.com/en/sql-reference/functions/array_unique_agg): the distinct
    non-NULL values as an ARRAY (sorted), `[]` for none; as a window function it is refused."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("ARRAY_UNIQUE_AGG", 1, len(args))
    if isinstance(node.parent, exp.Window):
        raise errors.not_supported("ARRAY_UNIQUE_AGG as a window function")
    # The order of the values is not documented; sorted, so that every run of a statement gives one answer
    # (DuckDB's DISTINCT hands them over in the order of its hash table).
    distinct = exp.Distinct(expressions=[args[0]])
    values = exp.ArrayAgg(this=exp.Order(this=distinct, expressions=[exp.Ordered(this=args[0].copy())]),
                          nulls_excluded=True)
    return exp.Coalesce(this=variant.fn("to_json", values),
                        expressions=[exp.Cast(this=exp.Literal.string("[]"), to=exp.DataType(this=_T.JSON))])


def _typeof(value: exp.Expr) -> exp.Expr:
    return variant.macro("snowreg_typeof", value)


# AS_<type> (https://docs.snowflake.com/en/sql-reference/functions/as): the value when the VARIANT holds
# that type (TYPEOF's name), else NULL.
_AS: dict[str, tuple[tuple[str, ...], Callable[[exp.Expr], exp.Expr]]] = {
    "AS_VARCHAR": (("VARCHAR",), lambda v: variant.fn("json_extract_string", v, exp.Literal.string("$"))),
    "AS_CHAR": (("VARCHAR",), lambda v: variant.fn("json_extract_string", v, exp.Literal.string("$"))),
    "AS_BOOLEAN": (("BOOLEAN",), lambda v: exp.Cast(this=v, to=exp.DataType(this=_T.BOOLEAN))),
    "AS_INTEGER": (("INTEGER",), lambda v: exp.Cast(this=v, to=exp.DataType.build("DECIMAL(38, 0)"))),
    "AS_DOUBLE": (("DOUBLE",), lambda v: exp.Cast(this=v, to=exp.DataType(this=_T.DOUBLE))),
    "AS_REAL": (("DOUBLE",), lambda v: exp.Cast(this=v, to=exp.DataType(this=_T.DOUBLE))),
    "AS_OBJECT": (("OBJECT",), _json),
    "AS_ARRAY": (("ARRAY",), _json),
}
# IS_<type> (https://docs.snowflake.com/en/sql-reference/functions/is): IS_DOUBLE holds for any number,
# IS_DECIMAL for fixed-point ones and integers.
_IS: dict[str, tuple[str, ...]] = {
    "IS_VARCHAR": ("VARCHAR",), "IS_CHAR": ("VARCHAR",), "IS_BOOLEAN": ("BOOLEAN",), "IS_OBJECT": ("OBJECT",),
    "IS_INTEGER": ("INTEGER",), "IS_DECIMAL": ("INTEGER", "DECIMAL"), "IS_DOUBLE": ("INTEGER", "DECIMAL", "DOUBLE"),
    "IS_REAL": ("INTEGER", "DECIMAL", "DOUBLE"),
}


def _as(name: str) -> Callable[[exp.Expr], exp.Expr]:
    types, convert = _AS[name]

    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        if len(args) != 1:
            raise errors.wrong_arguments(name, 1, len(args))
        value = variant.variant_of(args[0])
        holds = exp.In(this=_typeof(value.copy()), expressions=[exp.Literal.string(t) for t in types])
        return exp.Case(ifs=[exp.If(this=holds, true=convert(value))], default=exp.Null())
    return rewrite


def _is(name: str) -> Callable[[exp.Expr], exp.Expr]:
    types = _IS[name]

    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        if len(args) != 1:
            raise errors.wrong_arguments(name, 1, len(args))
        return exp.In(this=_typeof(variant.variant_of(args[0])), expressions=[exp.Literal.string(t) for t in types])
    return rewrite


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "OBJECT_INSERT": object_insert,
    "OBJECT_DELETE": _object_keys_call("OBJECT_DELETE", "snowreg_object_delete"),
    "OBJECT_PICK": _object_keys_call("OBJECT_PICK", "snowreg_object_pick"),
    "ARRAY_SLICE": array_slice,
    "ARRAY_COMPACT": array_compact,
    "ARRAY_UNIQUE_AGG": array_unique_agg,
    **{name: _as(name) for name in _AS},
    **{name: _is(name) for name in _IS},
}
