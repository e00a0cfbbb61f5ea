"""The SELECT around the fast path's subquery: typed outputs read as columns, constant sort keys dropped.

The model client wraps its call in a subquery and reads the result from outside (`mv.run`):

    SELECT CAST(TMP['output_feature_0'] AS BIGINT) AS "output_feature_0"
    FROM (WITH I AS (…) SELECT *, MODEL(m, v)!PREDICT(a, b) AS TMP FROM I) ORDER BY "_ID"

After the fast path (fast.py) the subquery reads its registered Arrow table and TMP is a JSON object of
the output columns, so DuckDB builds a JSON document per row, finds the key in it again (snowreg_dpath,
regular expressions and all) and parses the number back. Two rewrites of the outer SELECT, each only
where the answer cannot change:

- `CAST(CAST(snowreg_dpath(TMP, '$.k') AS JSON) AS <number>)`, where TMP is the subquery's
  `json_object(…, 'k', <output>, …)` and the output is an integer column, becomes a cast of that
  output column (passed through the subquery under its own unique name): an integer read back from
  its JSON text is the same integer, and NULL stays NULL.
- `ORDER BY snowreg_vkey_any(c), c` where c is a column of the registered table whose Arrow type is no
  JSON (DuckDB folds the key to a constant NULL while binding a macro of ~30 expressions, ~1 ms): the
  constant key is dropped; it never told two rows apart.

Anything else (a star outside, joins, grouping or DISTINCT on either side, a name two items share)
is left as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp

from snowreg.engine.inference.plan import Plan, column

if TYPE_CHECKING:
    import pyarrow as pa

ENABLED = True  # tests run each statement both ways and compare

_OUTER_ARGS = frozenset({"expressions", "from_", "order", "limit", "offset"})
_INNER_ARGS = frozenset({"expressions", "from_", "with_", "where"})


def simplify(plan: Plan, tree: exp.Expr) -> None:
    """Rewrite the outer SELECT of `tree` in place, where it reads the fast path's subquery (see above)."""
    if not ENABLED or not isinstance(tree, exp.Select) or not _only(tree, _OUTER_ARGS):
        return
    source = tree.args["from_"].this if isinstance(tree.args.get("from_"), exp.From) else None
    if not isinstance(source, exp.Subquery) or not _only(source, {"this", "alias"}):
        return
    inner = source.this
    if not isinstance(inner, exp.Select) or not _only(inner, _INNER_ARGS) or _has_star(tree):
        return
    schema = _registered_schema(plan, inner)
    if schema is None:
        return
    alias = source.alias_or_name
    _typed_outputs(tree, inner, schema, alias)
    _constant_keys(tree, inner, schema, alias)


def _only(node: exp.Expr, allowed: frozenset[str] | set[str]) -> bool:
    return all(k in allowed for k, v in node.args.items() if v)


def _has_star(select: exp.Select) -> bool:
    return any(isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star))
               for i in select.expressions)


def _registered_schema(plan: Plan, inner: exp.Select) -> pa.Schema | None:
    """The Arrow schema of the fast path's table the subquery reads alone (FROM it, no join)."""
    source = inner.args["from_"].this if isinstance(inner.args.get("from_"), exp.From) else None
    if not isinstance(source, exp.Table) or not _only(source, {"this", "alias"}) or source.name not in plan.arrow:
        return None
    return plan.arrow[source.name].schema


def _outer_column(node: exp.Expr, alias: str) -> str | None:
    """The name a plain column reference of the outer SELECT reads from the subquery."""
    if not isinstance(node, exp.Column) or not _only(node, {"this", "table"}) or not isinstance(node.this, exp.Identifier):
        return None
    if node.table and node.table != alias:
        return None
    return node.name


def _items_named(select: exp.Select, name: str) -> list[exp.Expr]:
    return [i for i in select.expressions if i.alias_or_name.lower() == name.lower()]


def _macro(node: exp.Expr, name: str) -> exp.Anonymous | None:
    """`"snowreg_fn"."main".<name>(…)` (or the bare call) as the translator writes a macro call."""
    call = node.expression if isinstance(node, exp.Dot) else node
    return call if isinstance(call, exp.Anonymous) and call.name.lower() == name else None


# ---------------------------------------------------------------------------------------------
# Typed outputs
# ---------------------------------------------------------------------------------------------


def _typed_outputs(tree: exp.Select, inner: exp.Select, schema: pa.Schema, alias: str) -> None:
    passed: set[str] = set()
    for node in list(tree.find_all(exp.Anonymous)):
        found = _path_cast(node, alias)
        if found is None:
            continue
        outer_cast, document, key = found
        items = _items_named(inner, document)
        if len(items) != 1 or _items_named(tree, document):  # an outer item of that name: leave it be
            continue
        output = _object_value(items[0], key)
        if output is None or schema.names.count(output) != 1 or _items_named(inner, output) \
                or not _exact_target(outer_cast.to, schema.field(output).type):
            continue
        outer_cast.set("this", column(output))  # a name of its own: the outer SELECT reads one source
        passed.add(output)
    for output in sorted(passed):  # the subquery hands each output on under its own (unique) name
        inner.append("expressions", exp.alias_(column(output, _inner_alias(inner)), output, quoted=True))


def _path_cast(node: exp.Anonymous, alias: str) -> tuple[exp.Cast, str, str] | None:
    """(the numeric cast, the document's column, the key) of
    `CAST(CAST(snowreg_dpath(<column>, '$.<key>') AS JSON) AS <number>)`."""
    if node.name.lower() != "snowreg_dpath" or len(node.expressions) != 2:
        return None
    holder = node.parent if isinstance(node.parent, exp.Dot) and node.parent.expression is node else node
    json_cast, outer_cast = holder.parent, holder.parent.parent if holder.parent is not None else None
    if not (type(json_cast) is exp.Cast and json_cast.this is holder and json_cast.to.is_type(exp.DataType.Type.JSON)):
        return None
    if not (type(outer_cast) is exp.Cast and outer_cast.this is json_cast
            and outer_cast.to.is_type(*exp.DataType.NUMERIC_TYPES)):
        return None
    document, path = node.expressions
    name = _outer_column(document, alias)
    key = _simple_key(path)
    return None if name is None or key is None else (outer_cast, name, key)


def _exact_target(to: exp.DataType, t: pa.DataType) -> bool:
    """Does every value of the integer type `t` fit `to` (so neither cast can fail, and both are exact)?
    BIGINT for signed integers, HUGEINT (INT128), and DECIMAL(p, s) with p - s >= 20."""
    import pyarrow as pa

    if not pa.types.is_integer(t) or isinstance(t, pa.BaseExtensionType):
        return False
    if to.is_type(exp.DataType.Type.INT128):
        return True
    if to.is_type(exp.DataType.Type.BIGINT):
        return pa.types.is_signed_integer(t)
    if not to.is_type(exp.DataType.Type.DECIMAL) or len(to.expressions) != 2:
        return False
    params = [p.this for p in to.expressions]
    if not all(isinstance(p, exp.Literal) and str(p.this).isdigit() for p in params):
        return False
    precision, scale = (int(p.this) for p in params)
    return precision - scale >= 20


def _simple_key(path: exp.Expr) -> str | None:
    """k of the literal path `'$.k'` (a plain key: letters, digits and underscores)."""
    if not isinstance(path, exp.Literal) or not path.is_string:
        return None
    text = str(path.this)
    key = text[2:] if text.startswith("$.") else None
    return key if key and (key.replace("_", "a").isalnum() and key.isascii()) else None


def _object_value(item: exp.Expr, key: str) -> str | None:
    """The output column a subquery item `json_object(…, 'key', <table>.<output>, …) AS name` holds under `key`."""
    value = item.this if isinstance(item, exp.Alias) else None
    pairs: list[tuple[exp.Expr, exp.Expr]] = []
    if isinstance(value, exp.Anonymous) and value.name.lower() == "json_object" and len(value.expressions) % 2 == 0:
        args = value.expressions
        pairs = list(zip(args[::2], args[1::2], strict=True))
    elif isinstance(value, exp.JSONObject) and _only(value, {"expressions", "return_type", "encoding"}):
        pairs = [(kv.this, kv.expression) for kv in value.expressions if isinstance(kv, exp.JSONKeyValue)]
        if len(pairs) != len(value.expressions):
            return None
    keys = [k.this for k, _ in pairs if isinstance(k, exp.Literal) and k.is_string]
    if len(keys) != len(pairs) or keys.count(key) != 1:
        return None
    found = pairs[keys.index(key)][1]
    if not isinstance(found, exp.Column) or not _only(found, {"this", "table"}) or not isinstance(found.this, exp.Identifier):
        return None
    return found.name


def _inner_alias(inner: exp.Select) -> str | None:
    table = inner.args["from_"].this
    return table.alias_or_name if isinstance(table, exp.Table) else None


# ---------------------------------------------------------------------------------------------
# Constant sort keys
# ---------------------------------------------------------------------------------------------


def _constant_keys(tree: exp.Select, inner: exp.Select, schema: pa.Schema, alias: str) -> None:
    order = tree.args.get("order")
    if not isinstance(order, exp.Order):
        return
    kept = [o for o in order.expressions if not _constant_key(o, tree, inner, schema, alias)]
    if kept and len(kept) != len(order.expressions):
        order.set("expressions", kept)


def _constant_key(ordered: exp.Expr, tree: exp.Select, inner: exp.Select, schema: pa.Schema, alias: str) -> bool:
    """Is this `snowreg_vkey_any(c)` of a column the registered table holds as no JSON?"""
    call = _macro(ordered.this, "snowreg_vkey_any") if isinstance(ordered, exp.Ordered) else None
    if call is None or len(call.expressions) != 1:
        return False
    name = _outer_column(call.expressions[0], alias)
    if name is None or _items_named(tree, name):  # the outer SELECT's own item of that name is sorted
        return False
    source = _source_column(inner, name, schema)
    return source is not None and _never_json(schema.field(source).type)


def _source_column(inner: exp.Select, name: str, schema: pa.Schema) -> str | None:
    """The registered table's column the subquery's output `name` is: an item that is a plain column
    of it, or that column through the subquery's `*` (DuckDB matches names without case)."""
    items = _items_named(inner, name)
    if len(items) == 1:
        item = items[0]
        target = item.this if isinstance(item, exp.Alias) else item
        if not isinstance(target, exp.Column) or not isinstance(target.this, exp.Identifier) \
                or target.table not in ("", _inner_alias(inner)):
            return None
        name = target.name
    elif items or not _has_star(inner):
        return None
    matches = [n for n in schema.names if n.lower() == name.lower()]
    return matches[0] if len(matches) == 1 else None


def _never_json(t: pa.DataType) -> bool:
    """Arrow types DuckDB reads as a type other than JSON (typeof() is then never 'JSON')."""
    import pyarrow as pa

    return (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t)
            or pa.types.is_date(t) or pa.types.is_timestamp(t)) and not isinstance(t, pa.BaseExtensionType)
