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
from snowreg.engine.sql.call_args import call_args as _args

_T = exp.DataType.Type
_Q = f"{variant.MACRO_CATALOG}.main."

# Members of an OBJECT as (key, JSON value) entries, and back.
_ENTRIES = "map_entries(CAST(o AS MAP(VARCHAR, JSON)))"
_OBJECT = "to_json(map_from_entries(list_sort({0})))"  # keys in order (json_order, F108)

# CHECK_JSON (https://docs.snowflake.com/en/sql-reference/functions/check_json): the text before a value
# missing after a key's colon (strings skipped whole), whose closing bracket the page's message names.
_MISSING_VALUE = r"""regexp_extract(t, '^((?:"(?:[^"\\]|\\.)*"|[^"])*?:\s*)[}\]]', 1)"""

# The guard of an ARRAY / OBJECT argument (conformance/DECISIONS.md W35): `strlen(raw)` binds only for a
# VARCHAR, JSON (ARRAY, OBJECT, VARIANT) or NULL `raw`, so an argument of another declared type (a NUMBER column,
# a BOOLEAN) fails while the statement is bound, before any row is read, as Snowflake's 001044 does at compile
# time; the dead branch is folded away, so `raw` is never evaluated. engine.sql.misplaced names the function.
GUARD_FUNCTION = "strlen"
MACROS: dict[str, str] = {
    "snowreg_semi_structured(raw, v)": f"CASE WHEN false AND {GUARD_FUNCTION}(raw) IS NULL THEN v ELSE v END",
    # CHECK_JSON: NULL for a valid document, NULL or blank text; a value missing before `}` / `]` is the
    # page's `misplaced }, pos 32` (the bracket's 1-based place); any other error is `Invalid JSON`, as
    # no page gives their texts (DECISIONS.md I5). A VARIANT is checked when it holds a string.
    "snowreg_check_json_text(t)": f"""CASE WHEN t IS NULL OR regexp_full_match(t, '\\s*') OR json_valid(t) THEN NULL
        WHEN {_MISSING_VALUE} <> '' THEN 'misplaced ' || substr(t, length({_MISSING_VALUE}) + 1, 1)
            || ', pos ' || CAST(length({_MISSING_VALUE}) + 1 AS VARCHAR)
        ELSE 'Invalid JSON' END""",
    # A list of JSON values as a JSON array, each element keeping its own text.
    # (DuckDB reads a JSON null element of a JSON[] as a SQL NULL: it is written back as null.)
    "snowreg_json_list(l)": "CAST('[' || array_to_string(list_transform(l, lambda e: coalesce(CAST(e AS VARCHAR), 'null')), ',') || ']' AS JSON)",
    "snowreg_bound(i, n)": "least(greatest(CASE WHEN i < 0 THEN n + i ELSE i END, 0), n)",
    # OBJECT_AGG (https://docs.snowflake.com/en/sql-reference/functions/object_agg): the list of each row's
    # `"key":value` member, NULL where the key or the value is; DISTINCT (d) leaves out equal pairs; "Duplicate
    # keys within a group result in a Duplicate field key 'key' error". No row: `{}`.
    "snowreg_object_agg(p, d)": f"""list_transform([p], lambda l: CASE WHEN l IS NULL THEN CAST('{{}}' AS JSON)
        ELSE {_Q}snowreg_object_of(list_transform(CASE WHEN d THEN list_distinct(l)
            ELSE list_filter(l, lambda m: m IS NOT NULL) END,
            lambda m: {{'k': json_keys(CAST('{{' || m || '}}' AS JSON))[1], 'm': m}})) END)[1]""",
    "snowreg_object_of(q)": """CASE WHEN len(list_distinct(list_transform(q, lambda e: e.k))) < len(q)
        THEN error('Duplicate field key ' || chr(39) || list_filter(list_transform(q, lambda e: e.k),
            lambda x, i: list_position(list_transform(q, lambda e: e.k), x) < i)[1] || chr(39))
        ELSE CAST('{' || array_to_string(list_transform(list_sort(q), lambda e: e.m), ',') || '}' AS JSON) END""",
    # OBJECT_CONSTRUCT with a key given twice (pairs left out for a NULL do not count): the OBJECT_AGG page's
    # Duplicate field key error (DECISIONS.md F94; the OBJECT_CONSTRUCT page is silent).
    "snowreg_object_unique(j)": """CASE WHEN len(list_distinct(json_keys(j))) = len(json_keys(j)) THEN j
        ELSE error('Duplicate field key ' || chr(39) || list_filter(json_keys(j),
            lambda x, i: list_position(json_keys(j), x) < i)[1] || chr(39)) END""",
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
    # The ARRAY functions below compare elements as VARIANT values: numbers by value (`5` and `5.00` are one
    # element), an OBJECT by its text with its keys in order (whatever order they were written in: F103),
    # anything else by its JSON text (DECISIONS.md W2).
    "snowreg_ekey(e)": """CASE WHEN json_type(e) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(CAST(e AS DOUBLE) AS VARCHAR)
        WHEN json_type(e) = 'OBJECT'
            THEN CAST(to_json(map_from_entries(list_sort(map_entries(CAST(e AS MAP(VARCHAR, JSON)))))) AS VARCHAR)
        ELSE coalesce(CAST(e AS VARCHAR), 'null') END""",
    "snowreg_ekeys(a)": f"list_transform(CAST(a AS JSON[]), lambda x: {_Q}snowreg_ekey(x))",
    # ARRAY_DISTINCT: the first of equal elements, in their order.
    "snowreg_array_distinct(a)": f"""CASE WHEN a IS NULL THEN NULL ELSE {_Q}snowreg_json_list(list_filter(
        CAST(a AS JSON[]), lambda e, i: list_position({_Q}snowreg_ekeys(a), {_Q}snowreg_ekey(e)) = i)) END""",
    "snowreg_array_position(v, a)": f"""CASE WHEN v IS NULL OR a IS NULL THEN NULL
        ELSE list_position({_Q}snowreg_ekeys(a), {_Q}snowreg_ekey(v)) - 1 END""",
    # ARRAY_CONTAINS (https://docs.snowflake.com/en/sql-reference/functions/array_contains): a JSON null finds a
    # JSON null element; a SQL NULL finds nothing (snowreg's arrays hold no undefined element): NULL.
    "snowreg_array_contains(v, a)": f"""CASE WHEN v IS NULL OR a IS NULL THEN NULL
        ELSE list_contains({_Q}snowreg_ekeys(a), {_Q}snowreg_ekey(to_json(v))) END""",
    "snowreg_arrays_overlap(a, b)": f"""CASE WHEN a IS NULL OR b IS NULL THEN NULL
        ELSE list_has_any({_Q}snowreg_ekeys(a), {_Q}snowreg_ekeys(b)) END""",
    # ARRAY_INTERSECTION / ARRAY_EXCEPT work on multisets: an element n times in one and m times in the other
    # is min(n, m) times in the intersection and n - m times in the difference, in the first array's order.
    "snowreg_array_multiset(a, b, keep)": f"""CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE
        {_Q}snowreg_json_list(list_filter(CAST(a AS JSON[]), lambda e, i:
            (len(list_filter({_Q}snowreg_ekeys(a)[1:i], lambda x: x = {_Q}snowreg_ekey(e)))
             <= len(list_filter({_Q}snowreg_ekeys(b), lambda x: x = {_Q}snowreg_ekey(e)))) = keep)) END""",
    # A SQL NULL element is Snowflake's `undefined`, which snowreg's arrays do not hold (ARRAY_CONSTRUCT).
    "snowreg_no_undefined(v)": "CASE WHEN v IS NULL THEN error('snowreg_unsupported:An ARRAY element that is a "
                               "SQL NULL (Snowflake keeps it as an undefined element)') ELSE v END",
    "snowreg_array_append(a, v)": f"""CASE WHEN a IS NULL THEN NULL ELSE {_Q}snowreg_json_list(
        list_append(CAST(a AS JSON[]), {_Q}snowreg_no_undefined(v))) END""",
    "snowreg_array_prepend(a, v)": f"""CASE WHEN a IS NULL THEN NULL ELSE {_Q}snowreg_json_list(
        list_prepend({_Q}snowreg_no_undefined(v), CAST(a AS JSON[]))) END""",
    # ARRAY_INSERT: a position from 0, a negative one from the end; past the end Snowflake pads with
    # undefined elements, which snowreg does not hold.
    "snowreg_array_insert(a, p, v)": f"""CASE WHEN a IS NULL OR p IS NULL THEN NULL
        WHEN (CASE WHEN p < 0 THEN json_array_length(a) + p ELSE p END) NOT BETWEEN 0 AND json_array_length(a)
            THEN error('snowreg_unsupported:ARRAY_INSERT outside the ARRAY (Snowflake pads it with undefined elements)')
        ELSE {_Q}snowreg_json_list(list_concat(
            CAST(a AS JSON[])[1:(CASE WHEN p < 0 THEN json_array_length(a) + p ELSE p END)],
            [{_Q}snowreg_no_undefined(v)],
            CAST(a AS JSON[])[(CASE WHEN p < 0 THEN json_array_length(a) + p ELSE p END) + 1:])) END""",
    "snowreg_array_remove(a, v)": f"""CASE WHEN a IS NULL OR v IS NULL THEN NULL
        ELSE {_Q}snowreg_json_list(list_filter(CAST(a AS JSON[]), lambda e: {_Q}snowreg_ekey(e) <> {_Q}snowreg_ekey(v))) END""",
    "snowreg_array_remove_at(a, p)": f"""CASE WHEN a IS NULL OR p IS NULL THEN NULL
        ELSE {_Q}snowreg_json_list(list_filter(CAST(a AS JSON[]), lambda e, i:
            i - 1 <> (CASE WHEN p < 0 THEN json_array_length(a) + p ELSE p END))) END""",
    "snowreg_array_reverse(a)": f"CASE WHEN a IS NULL THEN NULL ELSE {_Q}snowreg_json_list(list_reverse(CAST(a AS JSON[]))) END",
    # ARRAY_SORT in the VARIANT order of ORDER BY (numbers by value, then strings, booleans, arrays, objects);
    # where Snowflake puts a JSON null is not documented, so an array holding one is refused.
    "snowreg_array_sort(a, up)": f"""CASE WHEN a IS NULL OR up IS NULL THEN NULL
        WHEN len(list_filter(CAST(a AS JSON[]), lambda e: e IS NULL)) > 0
            THEN error('snowreg_unsupported:ARRAY_SORT of an ARRAY holding a JSON null')
        ELSE {_Q}snowreg_json_list(list_transform([list_transform(list_sort(list_transform(CAST(a AS JSON[]),
            lambda e: {{'k': {_Q}snowreg_vorder(e), 'v': e}})), lambda s: s.v)],
            lambda l: CASE WHEN up THEN l ELSE list_reverse(l) END)[1]) END""",
    # ARRAY_FLATTEN: one level; an element that is no ARRAY is an error, a JSON null one gives NULL.
    "snowreg_array_flatten(a)": f"""CASE WHEN a IS NULL THEN NULL
        WHEN len(list_filter(CAST(a AS JSON[]), lambda e: e IS NULL)) > 0 THEN NULL
        WHEN len(list_filter(CAST(a AS JSON[]), lambda e: json_type(e) <> 'ARRAY')) > 0
            THEN error('Not an array: ''Input argument to ARRAY_FLATTEN is not an array of arrays''')
        ELSE {_Q}snowreg_json_list(flatten(list_transform(CAST(a AS JSON[]), lambda e: CAST(e AS JSON[])))) END""",
    "snowreg_array_range(f, t, s)": """CASE WHEN s = 0
            THEN error('snowreg_unsupported:ARRAY_GENERATE_RANGE with a step of 0')
        ELSE to_json(range(f, t, s)) END""",
    # GET_IGNORE_CASE of an OBJECT: the key as written when there is one, else one that differs in case only.
    "snowreg_get_ignore_case(o, k)": f"""CASE WHEN json_type(o) = 'OBJECT' THEN list_transform([coalesce(
            list_filter(json_keys(o), lambda x: x = CAST(k AS VARCHAR))[1],
            list_filter(json_keys(o), lambda x: lower(x) = lower(CAST(k AS VARCHAR)))[1])],
            lambda kk: json_extract(o, '$."' || replace(kk, '"', '\\"') || '"'))[1]
        ELSE {variant.MACRO_CATALOG}.main.snowreg_get(o, k) END""",
    # ARRAY_COMPACT (https://docs.snowflake.com/en/sql-reference/functions/array_compact): JSON nulls go too.
    "snowreg_array_compact(a)": f"""CASE WHEN a IS NULL THEN NULL
        ELSE {_Q}snowreg_json_list(list_filter(CAST(a AS JSON[]), lambda e: json_type(e) <> 'NULL')) END""",
    # ARRAY_MIN / ARRAY_MAX (https://docs.snowflake.com/en/sql-reference/functions/array_min): the lowest /
    # highest element as a VARIANT, NULL for an empty ARRAY; numbers compare by value, strings and booleans
    # as ORDER BY does; an ARRAY of JSON nulls only gives a JSON null (the Snowpark array_max example).
    # Elements of different kinds (a JSON null among numbers too), ARRAYs and OBJECTs have no documented
    # order: refused (DECISIONS.md F40).
    # TO_OBJECT (https://docs.snowflake.com/en/sql-reference/functions/to_object): an OBJECT as it is, NULL for
    # NULL or a JSON null; anything else is an error whose text the page does not give: refused.
    "snowreg_to_object(v)": """CASE WHEN v IS NULL OR json_type(v) = 'NULL' THEN NULL WHEN json_type(v) = 'OBJECT' THEN v
        ELSE error('snowreg_unsupported:TO_OBJECT of a value that is not an OBJECT (an error in Snowflake)') END""",
    # ARRAYS_TO_OBJECT (https://docs.snowflake.com/en/sql-reference/functions/arrays_to_object): the page's
    # errors 215001 / 215002 (duckerrors); a JSON null key (the page omits a NULL key, which snowreg's ARRAYs
    # do not hold) and repeated keys are not documented: refused (DECISIONS.md F46).
    "snowreg_arrays_to_object(k, v)": f"""CASE WHEN k IS NULL OR v IS NULL THEN NULL
        WHEN json_array_length(k) <> json_array_length(v)
            THEN error('Key array and value array had unequal lengths in ARRAYS_TO_OBJECT')
        WHEN list_contains(list_transform(CAST(k AS JSON[]), lambda e: e IS NULL), true)
            THEN error('snowreg_unsupported:ARRAYS_TO_OBJECT with a JSON null key')
        WHEN list_contains(list_transform(CAST(k AS JSON[]), lambda e: json_type(e) <> 'VARCHAR'), true)
            THEN error('Key supplied for ARRAYS_TO_OBJECT does not have string type')
        WHEN len(list_distinct(list_transform(CAST(k AS JSON[]), lambda e: CAST(e AS VARCHAR)))) <> json_array_length(k)
            THEN error('snowreg_unsupported:ARRAYS_TO_OBJECT with a key given twice')
        ELSE {_OBJECT.format("list_transform(range(CAST(json_array_length(k) AS BIGINT)), lambda i: "
                             "{'key': json_extract_string(k, i), 'value': coalesce(json_extract(v, i), CAST('null' AS JSON))})")}
        END""",
    "snowreg_ekind(e)": """CASE WHEN e IS NULL THEN 'NULL' WHEN json_type(e) IN ('BIGINT', 'UBIGINT', 'DOUBLE')
        THEN 'NUMBER' ELSE json_type(e) END""",
    "snowreg_array_extreme(a, up, f)": f"""CASE WHEN a IS NULL OR json_array_length(a) = 0 THEN NULL
        ELSE list_transform([{_Q}snowreg_elements(a)], lambda l: CASE
        WHEN len(list_distinct(list_transform(l, lambda e: {_Q}snowreg_ekind(e)))) > 1
            OR {_Q}snowreg_ekind(l[1]) IN ('ARRAY', 'OBJECT')
            THEN error('snowreg_unsupported:' || f || ' of an ARRAY whose elements are not all numbers, all '
                || 'strings, all booleans or all JSON nulls')
        WHEN {_Q}snowreg_ekind(l[1]) = 'NULL' THEN CAST('null' AS JSON)
        ELSE list_transform([list_transform(list_sort(list_transform(l,
            lambda e: {{'k': {_Q}snowreg_vorder(e), 'v': e}})), lambda s: s.v)],
            lambda m: CASE WHEN up THEN m[-1] ELSE m[1] END)[1] END)[1] END""",
    # The elements of an ARRAY as JSON values, each with its own text: a JSON null stays one (a cast to JSON[]
    # makes it a SQL NULL) and a DOUBLE keeps Snowflake's DOUBLE text (F4; DuckDB would re-serialise it).
    "snowreg_elements(a)": f"""list_transform([{_Q}snowreg_dwrapped(a)], lambda w: list_transform(
        range(CAST(json_array_length(w) AS BIGINT)), lambda n: {_Q}snowreg_dunwrap(json_extract(w, n))))[1]""",
    # ARRAY_UNION_AGG over the group's ARRAYs (`l`, a list): each distinct element (compared as W2 says) as
    # many times as one ARRAY holds it at most; JSON nulls and NULL ARRAYs left out, `[]` for none. The
    # order is not documented: the elements are sorted, as ARRAY_UNIQUE_AGG's (S14), so each run agrees.
    "snowreg_array_union(l)": f"""list_transform([list_transform(coalesce(l, []), lambda a: list_filter(
        {_Q}snowreg_elements(a), lambda e: json_type(e) <> 'NULL'))], lambda arrays: {_Q}snowreg_json_list(flatten(
        list_transform(list_transform(list_sort(list_transform(list_filter(flatten(arrays), lambda e, i:
            list_position(list_transform(flatten(arrays), lambda x: {_Q}snowreg_ekey(x)), {_Q}snowreg_ekey(e)) = i),
            lambda e: {{'k': {_Q}snowreg_vorder(e), 'v': e}})), lambda s: s.v),
        lambda e: list_transform(range(CAST(list_max(list_transform(arrays, lambda a: len(list_filter(a,
            lambda x: {_Q}snowreg_ekey(x) = {_Q}snowreg_ekey(e))))) AS BIGINT)), lambda n: e)))))[1]""",
}


def _json(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType(this=_T.JSON))


def _semi(arg: exp.Expr) -> exp.Expr:
    """An argument Snowflake declares ARRAY or OBJECT, as a VARIANT, refused while binding when its type is
    none of those (or VARCHAR, which is left to run time, lenient)."""
    value = variant.variant_of(arg)
    if variant.is_json(arg) or isinstance(arg, exp.Null) or isinstance(arg, exp.Literal) and arg.is_string:
        return value
    return variant.macro("snowreg_semi_structured", arg.copy(), value)


def _keys(keys: list[exp.Expr]) -> exp.Expr:
    return variant.fn("list_value", *(exp.Cast(this=k, to=exp.DataType(this=_T.VARCHAR)) for k in keys))


def object_insert(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) not in (3, 4):
        raise errors.wrong_arguments("OBJECT_INSERT", 3, len(args))
    update = args[3] if len(args) == 4 else exp.Boolean(this=False)
    key = exp.Cast(this=args[1], to=exp.DataType(this=_T.VARCHAR))
    return _json(variant.macro("snowreg_object_insert", _semi(args[0]), key,
                               variant.variant_of(args[2]), update))


_KEY_ARRAY = ("list_transform(CASE WHEN json_type(__k) = 'ARRAY' THEN CAST(__k AS JSON[]) ELSE [__k] END, "
              "lambda e: json_extract_string(e, '$'))")


def _object_keys_call(name: str, macro: str) -> Callable[[exp.Expr], exp.Expr]:
    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _args(node)
        if len(args) < 2:
            raise errors.wrong_arguments(name, 2, len(args))
        if len(args) == 2 and variant.is_json(args[1]):
            if name != "OBJECT_PICK":
                raise errors.not_supported(f"{name} with an ARRAY of keys")
            # https://docs.snowflake.com/en/sql-reference/functions/object_pick: the keys may be one ARRAY
            keys: exp.Expr = exp.maybe_parse(_KEY_ARRAY, dialect="duckdb")
            for column in [c for c in keys.find_all(exp.Column) if c.name == "__k"]:
                column.replace(args[1].copy())
            return _json(variant.macro(macro, _semi(args[0]), keys))
        return _json(variant.macro(macro, _semi(args[0]), _keys(args[1:])))
    return rewrite


def array_slice(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 3:
        raise errors.wrong_arguments("ARRAY_SLICE", 3, len(args))
    bounds = [exp.Cast(this=a, to=exp.DataType(this=_T.BIGINT)) for a in args[1:]]
    return _json(variant.macro("snowreg_array_slice", _semi(args[0]), *bounds))


def array_compact(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("ARRAY_COMPACT", 1, len(args))
    return _json(variant.macro("snowreg_array_compact", _semi(args[0])))


def array_extreme(node: exp.Expr) -> exp.Expr:
    """ARRAY_MIN / ARRAY_MAX(array): snowreg_array_extreme, a VARIANT."""
    name = "ARRAY_MAX" if isinstance(node, exp.ArrayMax) or node.name.upper() == "ARRAY_MAX" else "ARRAY_MIN"
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments(name, 1, len(args))
    return _json(variant.macro("snowreg_array_extreme", _semi(args[0]),
                               exp.Boolean(this=name == "ARRAY_MAX"), exp.Literal.string(name)))


def to_object(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("TO_OBJECT", 1, len(args))
    return _json(variant.macro("snowreg_to_object", variant.variant_of(args[0])))


def arrays_to_object(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if len(args) != 2:
        raise errors.wrong_arguments("ARRAYS_TO_OBJECT", 2, len(args))
    return _json(variant.macro("snowreg_arrays_to_object", *(_semi(a) for a in args)))


def arrays_zip(node: exp.Expr) -> exp.Expr:
    """ARRAYS_ZIP(a1[, a2 …]) (https://docs.snowflake.com/en/sql-reference/functions/arrays_zip): the n-th
    object holds the n-th element of input k under the key `$k`; NULL when any input is NULL. Past the end
    of a shorter input its key holds a JSON null (DECISIONS.md F41)."""
    args = [_semi(a) for a in _args(node)]
    if not args:
        raise errors.wrong_arguments("ARRAYS_ZIP", 1, 0)
    names = [f"__z{k}" for k in range(len(args))]
    # Each object's text joined from its elements' texts (json_object would re-serialise a DOUBLE, F4).
    pairs = " || ',' || ".join(f"'\"${k + 1}\":' || coalesce(CAST(__snowreg_e[{k + 1}][__snowreg_n + 1] AS VARCHAR), "
                               "'null')" for k in range(len(names)))
    tree: exp.Expr = exp.maybe_parse(
        f"CASE WHEN {' OR '.join(f'{n} IS NULL' for n in names)} THEN NULL ELSE list_transform(["
        f"[{', '.join(f'{_Q}snowreg_elements({n})' for n in names)}]], lambda __snowreg_e: {_Q}snowreg_json_list("
        f"list_transform(range(CAST(list_max(list_transform(__snowreg_e, lambda __snowreg_l: len(__snowreg_l))) "
        f"AS BIGINT)), lambda __snowreg_n: CAST('{{' || {pairs} || '}}' AS JSON))))[1] END", dialect="duckdb")
    values = dict(zip(names, args, strict=True))
    for column in list(tree.find_all(exp.Column)):
        if column.name in values:
            column.replace(values[column.name].copy())
    return _json(tree)


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


def array_union_agg(node: exp.Expr) -> exp.Expr:
    """ARRAY_UNION_AGG(a) (https://docs.snowflake.com/en/sql-reference/functions/array_union_agg): the union of
    the group's ARRAYs with multiset semantics (DECISIONS.md F134); as a window function it is refused."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("ARRAY_UNION_AGG", 1, len(args))
    union = _json(variant.macro("snowreg_array_union", exp.ArrayAgg(this=_semi(args[0]), nulls_excluded=True)))
    window = node.parent
    if not isinstance(window, exp.Window):
        return union
    if window.args.get("spec") is not None or window.args.get("order") is not None:  # the page: no frames
        raise errors.not_supported("ARRAY_UNION_AGG with an ORDER BY or a window frame in its OVER clause")
    # over each partition: the group's ARRAYs gathered by the window, the union made of them
    over = window.copy()
    over.set("this", exp.ArrayAgg(this=_semi(args[0]), nulls_excluded=True))
    window.replace(_json(variant.macro("snowreg_array_union", over)))
    return union


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


# The ARRAY functions emulated by one macro each: the macro, the arguments in Snowflake's order (their kind:
# `a` an ARRAY, `v` a VARIANT value, `i` an integer, `b` a boolean, `k` a key or index as GET takes it; the
# default of an optional one) and the keys sqlglot's node keeps them under.
_Arg = tuple[str, exp.Expr | None]
_CALLS: dict[str, tuple[str, tuple[_Arg, ...], tuple[str, ...]]] = {
    # https://docs.snowflake.com/en/sql-reference/functions/array_distinct
    "ARRAY_DISTINCT": ("snowreg_array_distinct", (("a", None),), ("this",)),
    # https://docs.snowflake.com/en/sql-reference/functions/array_position (from 0; NULL when absent)
    "ARRAY_POSITION": ("snowreg_array_position", (("v", None), ("a", None)), ("expression", "this")),
    "ARRAYS_OVERLAP": ("snowreg_arrays_overlap", (("a", None), ("a", None)), ("this", "expression")),
    "ARRAY_APPEND": ("snowreg_array_append", (("a", None), ("v", None)), ("this", "expression")),
    "ARRAY_PREPEND": ("snowreg_array_prepend", (("a", None), ("v", None)), ("this", "expression")),
    "ARRAY_INSERT": ("snowreg_array_insert", (("a", None), ("i", None), ("v", None)),
                     ("this", "position", "expression")),
    "ARRAY_REMOVE": ("snowreg_array_remove", (("a", None), ("v", None)), ("this", "expression")),
    "ARRAY_REMOVE_AT": ("snowreg_array_remove_at", (("a", None), ("i", None)), ("this", "position")),
    "ARRAY_REVERSE": ("snowreg_array_reverse", (("a", None),), ("this",)),
    # https://docs.snowflake.com/en/sql-reference/functions/array_sort: nulls_first places SQL NULL elements,
    # which snowreg's arrays never hold, so it is read and dropped
    "ARRAY_SORT": ("snowreg_array_sort", (("a", None), ("b", exp.true()), ("b", exp.false())),
                   ("this", "asc", "nulls_first")),
    "ARRAY_FLATTEN": ("snowreg_array_flatten", (("a", None),), ("this",)),
    # https://docs.snowflake.com/en/sql-reference/functions/array_generate_range (`stop` excluded)
    "ARRAY_GENERATE_RANGE": ("snowreg_array_range", (("i", None), ("i", None), ("i", exp.Literal.number(1))),
                             ("start", "end", "step")),
    "GET_IGNORE_CASE": ("snowreg_get_ignore_case", (("a", None), ("k", None)), ("this", "expression")),
}
_NOT_VARIANT = frozenset({"ARRAY_POSITION", "ARRAYS_OVERLAP"})  # an integer, a boolean


def _written(node: exp.Expr, keys: tuple[str, ...]) -> list[exp.Expr]:
    """The arguments in Snowflake's order (sqlglot's node may keep them in another)."""
    if isinstance(node, exp.Anonymous):
        return _args(node)
    out: list[exp.Expr] = []
    for key in keys:  # up to the first one not written (sqlglot fills some later ones with defaults)
        arg = node.args.get(key)
        if not isinstance(arg, exp.Expr):
            break
        out.append(arg)
    return out


def _convert(kind: str, arg: exp.Expr) -> exp.Expr:
    if kind == "a":
        return _semi(arg)
    if kind == "v":
        return variant.variant_of(arg)
    if kind == "i":
        return exp.Cast(this=arg, to=exp.DataType(this=_T.BIGINT))
    if kind == "b":
        return exp.Cast(this=arg, to=exp.DataType(this=_T.BOOLEAN))
    return arg


def _call(name: str) -> Callable[[exp.Expr], exp.Expr]:
    macro, kinds, keys = _CALLS[name]

    def rewrite(node: exp.Expr) -> exp.Expr:
        args = _written(node, keys)
        required = sum(1 for _, default in kinds if default is None)
        if not required <= len(args) <= len(kinds):
            raise errors.wrong_arguments(name, required, len(args))
        given = [*args, *(d for _, d in kinds[len(args):] if d is not None)]
        converted = [_convert(k, a) for (k, _), a in zip(kinds, given, strict=True)]
        if name == "ARRAY_SORT":
            converted = converted[:2]
        call = variant.macro(macro, *converted)
        return call if name in _NOT_VARIANT else _json(call)
    return rewrite


def array_multiset(node: exp.Expr) -> exp.Expr:
    """ARRAY_INTERSECTION / ARRAY_EXCEPT (https://docs.snowflake.com/en/sql-reference/functions/array_intersection,
    https://docs.snowflake.com/en/sql-reference/functions/array_except)."""
    args = _args(node)
    name = "ARRAY_EXCEPT" if isinstance(node, exp.ArrayExcept) else "ARRAY_INTERSECTION"
    if len(args) != 2:
        raise errors.wrong_arguments(name, 2, len(args))
    keep = exp.true() if name == "ARRAY_INTERSECTION" else exp.false()
    return _json(variant.macro("snowreg_array_multiset", *(_semi(a) for a in args), keep))


def check_json(node: exp.Expr) -> exp.Expr:
    """CHECK_JSON(text or VARIANT): NULL, or the parse error's text (snowreg_check_json_text)."""
    args = _args(node)
    if len(args) != 1:
        raise errors.wrong_arguments("CHECK_JSON", 1, len(args))
    text = args[0]
    if variant.is_json(text):  # a VARIANT: the string it holds (anything else is no document to check)
        text = exp.Case().when(exp.EQ(this=variant.fn("json_type", text.copy()), expression=exp.Literal.string(
            "VARCHAR")), variant.fn("json_extract_string", text.copy(), exp.Literal.string("$")))
    return variant.macro("snowreg_check_json_text", exp.Cast(this=text, to=exp.DataType.build("VARCHAR")))


# The functions whose ARRAY / OBJECT arguments _semi guards (engine.sql.misplaced names them in 001044).
GUARDED = ("ARRAY_DISTINCT", "ARRAY_POSITION", "ARRAYS_OVERLAP", "ARRAY_APPEND", "ARRAY_PREPEND", "ARRAY_INSERT",
           "ARRAY_REMOVE", "ARRAY_REMOVE_AT", "ARRAY_REVERSE", "ARRAY_SORT", "ARRAY_FLATTEN", "GET_IGNORE_CASE",
           "ARRAY_INTERSECTION", "ARRAY_EXCEPT", "OBJECT_INSERT", "OBJECT_DELETE", "OBJECT_PICK", "ARRAY_SLICE",
           "ARRAY_COMPACT", "ARRAY_MIN", "ARRAY_MAX", "ARRAYS_ZIP", "ARRAYS_TO_OBJECT")

REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {
    "CHECK_JSON": check_json,
    **{name: _call(name) for name in _CALLS},
    "ARRAY_INTERSECTION": array_multiset,
    "ARRAY_EXCEPT": array_multiset,
    "OBJECT_INSERT": object_insert,
    "OBJECT_DELETE": _object_keys_call("OBJECT_DELETE", "snowreg_object_delete"),
    "OBJECT_PICK": _object_keys_call("OBJECT_PICK", "snowreg_object_pick"),
    "ARRAY_SLICE": array_slice,
    "ARRAY_COMPACT": array_compact,
    "ARRAY_MIN": array_extreme,
    "ARRAY_MAX": array_extreme,
    "ARRAYS_ZIP": arrays_zip,
    "TO_OBJECT": to_object,
    "ARRAYS_TO_OBJECT": arrays_to_object,
    "ARRAY_UNIQUE_AGG": array_unique_agg,
    "ARRAY_UNION_AGG": array_union_agg,
    **{name: _as(name) for name in _AS},
    **{name: _is(name) for name in _IS},
}
