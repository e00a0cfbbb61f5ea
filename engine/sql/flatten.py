"""FLATTEN: a lateral FLATTEN as DuckDB's UNNEST of the rows built from its JSON input, with its SEQ column."""

from __future__ import annotations

import functools

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from snowreg.catalog.names import physical
from snowreg.engine.sql import variant
from snowreg.errors import not_supported

_DUCKDB = Dialect.get_or_raise("duckdb")


def seq(node: exp.Expr, source: exp.Expr) -> exp.Expr | None:
    """SEQ, "a unique sequence number associated with the input record" (not ordered, not gap-free):
    1 for an input that reads no column; over a table, the row's number in it (its rowid + 1), when
    every column the input reads belongs to one table of the FROM clause, and the query names SEQ.
    None: no SEQ column (naming it then fails as not supported, engine.sql.bind.column_error)."""
    columns = list(source.find_all(exp.Column))
    if not columns:
        return exp.Literal.number(1)
    select = node.find_ancestor(exp.Select)
    if select is None or not any(c.name.upper() == "SEQ" for c in select.find_all(exp.Column)):
        return None  # only named SEQ is given: a view, subquery or CTE has no row number to give
    sources = [select.args["from_"].this] if select.args.get("from_") else []
    sources += [j.this for j in select.args.get("joins") or []]
    # The FROM clause's tables are translated after the lateral (the walk goes children-first, right
    # to left): their names are still as written, the input's columns already resolved.
    names = [_written(t.args["alias"].this if t.args.get("alias") else t.this) for t in sources
             if isinstance(t, exp.Table) and isinstance(t.this, exp.Identifier)]
    owners = {c.table for c in columns}
    if owners == {""} and len(names) == 1:
        owner = names[0]
    elif len(owners) == 1 and columns[0].table in names:
        owner = columns[0].table
    else:
        return None
    rowid = exp.Column(this=exp.to_identifier("rowid"), table=exp.to_identifier(owner, quoted=True))
    return exp.Add(this=rowid, expression=exp.Literal.number(1))


def _written(node: exp.Expr) -> str:
    """The physical name of an identifier the pass has not reached yet."""
    if not isinstance(node, exp.Identifier):
        return ""
    return physical(node.this if node.quoted else node.this.upper())


# ---------------------------------------------------------------------------------------------
# FLATTEN → a lateral UNNEST of the rows built from the JSON input
# ---------------------------------------------------------------------------------------------

# The input is evaluated once (bound to the lambda parameter `s`). UNNEST in a lateral projection
# usually keeps the elements in order; like Snowflake, no order is promised without ORDER BY.
# A VALUE that is a DOUBLE (a number written with an exponent) stays one, in Snowflake's DOUBLE text: the
# input is wrapped once (`w`, variant.snowreg_dwrap, as paths do) and each VALUE unwrapped.
_Q = f"{variant.MACRO_CATALOG}.main."
_FLATTEN_ROWS = f"""CASE {{kinds}}
  WHEN 'ARRAY' THEN list_transform([{_Q}snowreg_dwrapped(s)], lambda w: list_transform(
    range(CAST(json_array_length(s) AS BIGINT)), lambda n: {{'KEY': CAST(NULL AS VARCHAR),
    'PATH': "__flatten_path" || '[' || n || ']', 'INDEX': n, 'VALUE': {_Q}snowreg_dunwrap(json_extract(w, n)), 'THIS': s}}))[1]
  WHEN 'OBJECT' THEN list_transform([{_Q}snowreg_dwrapped(s)], lambda w: list_transform(json_keys(s),
    lambda k: {{'KEY': k, 'PATH': CASE WHEN "__flatten_path" = '' THEN k ELSE "__flatten_path" || '.' || k END,
    'INDEX': CAST(NULL AS BIGINT),
    'VALUE': {_Q}snowreg_dunwrap(json_extract(w, k)), 'THIS': s}}))[1] END"""
# OUTER => TRUE: one row of NULLs where there is nothing to flatten.
_FLATTEN_OUTER = f"""coalesce(nullif({_FLATTEN_ROWS}, []), [{{'KEY': CAST(NULL AS VARCHAR),
  'PATH': CAST(NULL AS VARCHAR), 'INDEX': CAST(NULL AS BIGINT), 'VALUE': CAST(NULL AS JSON), 'THIS': s}}])"""
_FLATTEN_SQL = """SELECT unnest(flatten(list_transform(["__flatten_input"], lambda s: {rows})), recursive := true)"""
_FLATTEN_ARGS = ("INPUT", "PATH", "OUTER", "RECURSIVE", "MODE")


# MODE => 'ARRAY' / 'OBJECT' flattens that kind only: the other gives no rows (one of NULLs with OUTER).
_KINDS = {"BOTH": "json_type(s)", "ARRAY": "nullif(json_type(s), 'OBJECT')", "OBJECT": "nullif(json_type(s), 'ARRAY')"}


# RECURSIVE => TRUE: every element below the input, in document order, from DuckDB's json_tree (its rows in
# pre-order: ids grow); THIS is the parent's value, the tree read twice and joined on the parent's id. An
# array's elements have an INDEX and no KEY. PATH is json_tree's full key without its `$.`, a quoted key
# unquoted as the rows above write it (`a b`, `c.d`). OUTER gives the one row of NULLs, THIS the input.
_W = f"{_Q}snowreg_dwrapped(\"__flatten_input\")"
_TREE_PATH = """regexp_replace(regexp_replace(c.fullkey, '^\\$\\.?', ''), '"((?:[^"\\\\]|\\\\.)*)"', '\\1', 'g')"""
_RECURSIVE_SQL = f"""SELECT r."KEY", r."PATH", r."INDEX", r."VALUE", {{this}} AS "THIS" FROM (SELECT 1) AS d
  {{join}} (SELECT CASE WHEN p.type = 'ARRAY' THEN NULL ELSE c.key END AS "KEY",
    CASE WHEN "__flatten_path" = '' THEN {_TREE_PATH} WHEN starts_with({_TREE_PATH}, '[')
      THEN "__flatten_path" || {_TREE_PATH} ELSE "__flatten_path" || '.' || {_TREE_PATH} END AS "PATH",
    CASE WHEN p.type = 'ARRAY' THEN CAST(c.key AS BIGINT) END AS "INDEX",
    {_Q}snowreg_dunwrap(c.value) AS "VALUE", {_Q}snowreg_dunwrap(p.value) AS "THIS", c.id AS id
    FROM json_tree({_W}) AS c JOIN json_tree({_W}) AS p ON c.parent = p.id {{only}} ORDER BY c.id) AS r ON TRUE"""
# MODE => 'OBJECT' / 'ARRAY' with RECURSIVE: only the rows reached through objects (no `[n]` step in the full
# key) / arrays (no `.key` step), its quoted keys left out before looking.
_STEPS = """regexp_replace(c.fullkey, '"(?:[^"\\\\]|\\\\.)*"', '', 'g')"""
_ONLY = {"BOTH": "", "OBJECT": f"WHERE NOT contains({_STEPS}, '[')", "ARRAY": f"WHERE NOT contains({_STEPS}, '.')"}


@functools.cache
def _flatten_template(outer: bool, mode: str, recursive: bool = False) -> exp.Select:
    if recursive:
        this = 'coalesce(r."THIS", "__flatten_input")' if outer else 'r."THIS"'
        sql = _RECURSIVE_SQL.format(this=this, join="LEFT JOIN" if outer else "JOIN", only=_ONLY[mode])
    else:
        rows = (_FLATTEN_OUTER if outer else _FLATTEN_ROWS).replace("{kinds}", _KINDS[mode])
        sql = _FLATTEN_SQL.format(rows=rows)
    tree = _DUCKDB.parse(sql)[0]
    assert isinstance(tree, exp.Select)
    # `json_extract(w, n)` stays a call: sqlglot writes it `w -> n`, which a second reading of the SQL (a
    # statement that calls a model is read again) takes for a lambda
    for node in list(tree.find_all(exp.JSONExtract)):
        node.replace(variant.fn("json_extract", node.this, node.expression))
    return tree


def rewrite(node: exp.Expr) -> exp.Expr:
    """`LATERAL FLATTEN(input => v:a) f` → `LATERAL (SELECT unnest(<rows of v:a>, recursive := true)) AS f`.

    Columns SEQ (`seq` below), KEY, PATH, INDEX, VALUE, THIS. SPLIT_TO_TABLE / STRTOK_SPLIT_TO_TABLE: `_split`.
    """
    if isinstance(node.this, tuple(_PARTS)):
        return _split(node)
    explode = node.this
    given = [explode.this, *explode.expressions]
    args: dict[str, exp.Expr] = {}
    for position, arg in enumerate(given):
        if isinstance(arg, exp.Kwarg):
            args[arg.this.name.upper()] = arg.expression
        elif position < len(_FLATTEN_ARGS):
            args[_FLATTEN_ARGS[position]] = arg
    mode = args.get("MODE", exp.Literal.string("BOTH")).name.upper()
    recursive = _truthy(args.get("RECURSIVE"))
    if "INPUT" not in args or mode not in _KINDS:
        raise not_supported("FLATTEN without INPUT" if "INPUT" not in args else f"FLATTEN with MODE => '{mode}'")
    source = args["INPUT"]
    if "PATH" in args and args["PATH"].name:
        path = args["PATH"].name
        source = variant.fn("json_extract", source, exp.Literal.string(("$" if path[0] == "[" else "$.") + path))
    select = _flatten_template(_truthy(args.get("OUTER")), mode, recursive).copy()
    number = seq(node, source)
    if number is not None:
        select.set("expressions", [exp.alias_(number, "SEQ", quoted=True), *select.expressions])
    for placeholder in [c for c in select.find_all(exp.Column) if c.name == "__flatten_input"]:
        placeholder.replace(source.copy())
    # PATH starts with the PATH argument (`path => 'a'` gives `a[0]`, as the Snowpark flatten example shows)
    prefix = args["PATH"].name if "PATH" in args else ""
    for column in [c for c in select.find_all(exp.Column) if c.name == "__flatten_path"]:
        column.replace(exp.Literal.string(prefix))
    alias = node.args.get("alias")
    name = alias.this if isinstance(alias, exp.TableAlias) and alias.this else exp.Identifier(
        this="FLATTEN", quoted=True)
    return exp.Lateral(this=exp.Subquery(this=select), alias=exp.TableAlias(this=name))


def _truthy(node: exp.Expr | None) -> bool:
    return isinstance(node, exp.Boolean) and bool(node.this)


# ---------------------------------------------------------------------------------------------
# SPLIT_TO_TABLE / STRTOK_SPLIT_TO_TABLE → a lateral UNNEST of the parts SPLIT / STRTOK_TO_ARRAY give
# ---------------------------------------------------------------------------------------------

# https://docs.snowflake.com/en/sql-reference/functions/split_to_table and
# https://docs.snowflake.com/en/sql-reference/functions/strtok_split_to_table: columns SEQ, INDEX (from 1),
# VALUE (VARCHAR). A NULL string gives no rows; SPLIT_TO_TABLE of '' one row of '', STRTOK_SPLIT_TO_TABLE
# of '' none (its tokens are the non-empty ones, as STRTOK_TO_ARRAY's).
_SPLIT_SQL = "SELECT unnest(list_transform(__parts, lambda v, i: {'INDEX': i, 'VALUE': v}), recursive := true)"
_PARTS = {exp.SplitToTable: "SPLIT(__s, __d)", exp.StrtokSplitToTable: "STRTOK_TO_ARRAY(__s, __d)"}
_NAMES = {exp.SplitToTable: "SPLIT_TO_TABLE", exp.StrtokSplitToTable: "STRTOK_SPLIT_TO_TABLE"}
TABLE_FUNCTIONS = (exp.Explode, *_PARTS)


def _split(node: exp.Expr) -> exp.Expr:
    call = node.this
    number = seq(node, call.this)
    join = node.parent
    if isinstance(join, exp.Join) and join.side == "LEFT":
        # "input rows with a NULL value are omitted from the result of a lateral join, even when you specify
        # LEFT JOIN LATERAL" (SPLIT_TO_TABLE's usage notes; STRTOK_SPLIT_TO_TABLE alike: DECISIONS.md F47)
        join.set("side", None)
        join.set("kind", None)
    # The string is text (a number or VARIANT argument is read as its text), the delimiter too.
    given = {"__s": call.this, "__d": call.args.get("expression") or exp.Literal.string(" ")}
    parts: exp.Expr = exp.maybe_parse(_PARTS[type(call)], dialect="snowflake")
    for column in list(parts.find_all(exp.Column)):
        value = given[column.name]
        column.replace(value if isinstance(value, exp.Literal) and value.is_string else
                       variant.macro("snowreg_varchar", value))
    select = _DUCKDB.parse(_SPLIT_SQL)[0]
    assert isinstance(select, exp.Select)
    next(c for c in select.find_all(exp.Column) if c.name == "__parts").replace(parts)
    if number is not None:
        select.set("expressions", [exp.alias_(number, "SEQ", quoted=True), *select.expressions])
    alias = node.args.get("alias")
    name = alias.this if isinstance(alias, exp.TableAlias) and alias.this else exp.Identifier(
        this=_NAMES[type(call)], quoted=True)
    return exp.Lateral(this=exp.Subquery(this=select), alias=exp.TableAlias(this=name))
