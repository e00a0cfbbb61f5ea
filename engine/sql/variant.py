"""Snowflake VARIANT/OBJECT/ARRAY on DuckDB JSON: expression rewrites, runtime macros, result values."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from snowreg.catalog.sandbox import MACRO_CATALOG
from snowreg.engine.sql import binary_formats, json_order, numformat, zoned
from snowreg.errors import not_supported

# DuckDB looks a function up in the current catalog only, and `USE` moves that; the macros therefore
# live in one attached in-memory catalog (MACRO_CATALOG) and translated SQL calls them fully qualified.

_NUMERIC_JSON = "('BIGINT', 'UBIGINT', 'DOUBLE')"
# json_type()'s answers in VARIANT order, one per 20 characters (the numbers share the first 20)
_JSON_TYPES = "".join(t.ljust(20) for t in ("BIGINT UBIGINT DOUBLE", "VARCHAR", "BOOLEAN", "ARRAY", "OBJECT", "NULL"))
_MACROS: dict[str, str] = {
    # Sort/compare key of a JSON value: numbers by value (integers and decimals interleave), then
    # strings by bytes, booleans, arrays, objects, JSON null; SQL NULL stays NULL for NULLS FIRST/LAST.
    "snowreg_vkey(j)": f"""CASE WHEN j IS NULL THEN NULL ELSE {{
        'r': CASE WHEN json_type(j) IN {_NUMERIC_JSON} THEN 1 WHEN json_type(j) = 'VARCHAR' THEN 2
                  WHEN json_type(j) = 'BOOLEAN' THEN 3 WHEN json_type(j) = 'ARRAY' THEN 4
                  WHEN json_type(j) = 'OBJECT' THEN 5 ELSE 6 END,
        'n': CASE WHEN json_type(j) IN {_NUMERIC_JSON} THEN CAST(j AS DOUBLE) ELSE 0.0 END,
        's': CASE WHEN json_type(j) = 'VARCHAR' THEN json_extract_string(j, '$')
                  WHEN json_type(j) IN {_NUMERIC_JSON} THEN '' ELSE CAST(j AS VARCHAR) END}} END""",
    # The sort key of ORDER BY: the same order in fewer expressions, since DuckDB spends ~25 µs binding
    # each (snowreg_vkey's ~35 cost ~0.9 ms a query). The type rank is where json_type()'s answer
    # stands in _JSON_TYPES, in steps of 20 (the three number types share the first step); numbers
    # then sort by value, everything else by its text (the string unquoted). Unlike snowreg_vkey, equal
    # numbers written differently (1, 1.0) are told apart by their text: no tie, which ORDER BY may
    # break as it likes, but comparisons may not, so they keep snowreg_vkey.
    # The lambdas here bind their argument once (see snowreg_dpath_text): `j` is often a path macro's
    # whole expression, and naming it five times made DuckDB bind and plan it five times over.
    "snowreg_vorder(j)": f"""list_transform([j], lambda v: CASE WHEN v IS NULL THEN NULL ELSE {{
        'r': strpos('{_JSON_TYPES}', json_type(v)) // 20,
        'n': coalesce(TRY_CAST(CAST(v AS VARCHAR) AS DOUBLE), 0.0),
        's': coalesce(json_extract_string(v, '$'), '')}} END)[1]""",
    # The same for a value whose type is unknown when translating (a bare column): typeof() is
    # folded to a constant at bind time, so for non-JSON columns this is a constant NULL.
    "snowreg_vkey_any(x)": f"""CASE WHEN typeof(x) = 'JSON'
        THEN {MACRO_CATALOG}.main.snowreg_vorder(to_json(x)) ELSE NULL END""",
    # `x::VARCHAR` for an unknown type: a VARIANT string loses its quotes, and times and timestamps
    # take Snowflake's default output formats (TIME_OUTPUT_FORMAT `HH24:MI:SS`, TIMESTAMP_NTZ_OUTPUT_FORMAT
    # `YYYY-MM-DD HH24:MI:SS.FF3`, TIMESTAMP_OUTPUT_FORMAT `YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM`).
    # VARIANT → VARCHAR: a string unquoted, anything else its JSON text, in which a DOUBLE (a number with
    # an exponent: F4, F11) reads as Snowflake prints it (`1.000000000000000e+20`), not as DuckDB does.
    "snowreg_dtext(t)": """array_to_string(list_transform(regexp_extract_all(t,
            '"(?:[^"\\\\]|\\\\.)*"|-?[0-9][0-9.]*[eE][+-]?[0-9]+|[^"0-9-]+|[0-9-]', 0),
        lambda s: CASE WHEN regexp_full_match(s, '-?[0-9][0-9.]*[eE][+-]?[0-9]+')
            THEN printf('%.15e', CAST(s AS DOUBLE)) ELSE s END), '')""",
    "snowreg_vtext(j)": f"""CASE WHEN json_type(j) = 'VARCHAR' THEN json_extract_string(j, '$')
        WHEN NOT regexp_matches(CAST(j AS VARCHAR), '[0-9][eE][+-]?[0-9]') THEN json_extract_string(j, '$')
        WHEN json_type(j) IN ('OBJECT', 'ARRAY') THEN {MACRO_CATALOG}.main.snowreg_dtext(CAST(j AS VARCHAR))
        ELSE printf('%.15e', CAST(j AS DOUBLE)) END""",
    # A DOUBLE's JSON text as Snowflake writes it: `1.500000000000000e+00`; NaN, Infinity and -Infinity bare (F95).
    # (It binds for any type: callers' branches for other types are bound too.)
    "snowreg_djson(x)": """CASE WHEN isnan(TRY_CAST(x AS DOUBLE)) THEN 'NaN' WHEN isinf(TRY_CAST(x AS DOUBLE))
        THEN CASE WHEN TRY_CAST(x AS DOUBLE) > 0 THEN 'Infinity' ELSE '-Infinity' END ELSE printf('%.15e', x) END""",
    # A list made a VARIANT ARRAY (ARRAY_AGG): DOUBLEs in Snowflake's DOUBLE text, as snowreg_variant writes one.
    "snowreg_agg_array(l)": f"""CASE WHEN typeof(l) IN ('DOUBLE[]', 'FLOAT[]')
            THEN CAST('[' || array_to_string(list_transform(l, lambda d: {MACRO_CATALOG}.main.snowreg_djson(d)), ',') || ']' AS JSON)
        ELSE to_json(l) END""",
    **zoned.MACROS, **json_order.MACROS,
    **binary_formats.MACROS,
    # BINARY → VARCHAR: as BINARY_OUTPUT_FORMAT says, HEX unless set (engine.sql.binary_formats).
    # FLOAT → VARCHAR (conformance/DECISIONS.md N2): at most 15 significant digits, no trailing zeros, an
    # exponent below 1e-4 and from 1e15 on (C's `%.15g`: `100`, `1.5`, `1e+20`, `1.5e-07`); NaN as `NaN`.
    "snowreg_ftext(d)": "CASE WHEN isnan(d) THEN 'NaN' ELSE printf('%.15g', d) END",
    "snowreg_varchar(x)": f"""CASE WHEN typeof(x) = 'JSON' THEN {MACRO_CATALOG}.main.snowreg_vtext(CAST(x AS JSON))
        WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN {zoned.TEXT}
        WHEN typeof(x) IN ('TIMESTAMP', 'TIMESTAMP_NS', 'TIMESTAMP_MS', 'TIMESTAMP_S')
            THEN strftime(CAST(x AS TIMESTAMP), coalesce(getvariable('snowreg_ntz_output_format'), '%Y-%m-%d %H:%M:%S.%g'))
        WHEN typeof(x) = 'TIME' THEN strftime(DATE '1970-01-01' + CAST(x AS TIME),
            coalesce(getvariable('snowreg_time_output_format'), '%H:%M:%S'))
        WHEN typeof(x) = 'DATE' AND getvariable('snowreg_date_output_format') IS NOT NULL
            THEN strftime(CAST(x AS DATE), getvariable('snowreg_date_output_format'))
        WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN {MACRO_CATALOG}.main.snowreg_ftext(CAST(x AS DOUBLE))
        WHEN typeof(x) = 'BLOB' THEN {binary_formats.TEXT}
        ELSE CAST(x AS VARCHAR) END""",
    # TYPEOF: the type of the value a VARIANT holds (a typed argument is first made a VARIANT).
    "snowreg_typeof(x)": """CASE WHEN x IS NULL THEN NULL
        WHEN regexp_matches(typeof(x), '^(DECIMAL\\(\\d+,0\\)|U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?)$') THEN 'INTEGER'
        WHEN typeof(x) LIKE 'DECIMAL%' THEN 'DECIMAL'
        WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN 'DOUBLE'
        WHEN typeof(x) IN ('VARCHAR', 'BOOLEAN', 'DATE', 'TIME') THEN typeof(x)
        WHEN typeof(x) LIKE 'TIMESTAMP WITH%' THEN 'TIMESTAMP_LTZ'
        WHEN typeof(x) LIKE 'TIMESTAMP%' THEN 'TIMESTAMP_NTZ'
        ELSE CASE json_type(to_json(x)) WHEN 'NULL' THEN 'NULL_VALUE' WHEN 'BIGINT' THEN 'INTEGER'
            WHEN 'UBIGINT' THEN 'INTEGER'
            WHEN 'DOUBLE' THEN CASE WHEN regexp_matches(CAST(x AS VARCHAR), '^-?\\d+$') THEN 'INTEGER'
                WHEN regexp_matches(CAST(x AS VARCHAR), '[eE]') THEN 'DOUBLE' ELSE 'DECIMAL' END
            ELSE json_type(to_json(x)) END END""",
    # OBJECT_CONSTRUCT(*): a row's columns by their Snowflake names (catalog/names.py), NULLs left out.
    "snowreg_object_star(r)": """to_json(map_from_entries(list_sort(list_transform(list_filter(
        map_entries(CAST(to_json(r) AS MAP(VARCHAR, JSON))), lambda e: json_type(e.value) <> 'NULL'),
        lambda e: {'k': regexp_replace(e.key, '\\x1f[0-9a-f]+$', ''), 'v': e.value}))))""",
    # PARSE_JSON / TRY_PARSE_JSON (https://docs.snowflake.com/en/sql-reference/functions/parse_json): empty
    # or blank text is NULL; duplicate keys (of the top object) fail unless allowed; a number written
    # with an exponent is a DOUBLE, so text holding one keeps its numbers as written (blanks outside
    # strings removed) instead of DuckDB's re-serialised form; an empty array element (Snowflake's
    # `undefined`) is refused. `strict`: duplicates are an error; `quiet`: errors give NULL.
    "snowreg_json_dup(j)": """json_type(j) = 'OBJECT'
        AND len(json_keys(j)) <> len(list_distinct(json_keys(j)))""",
    # true / false / null in any case outside strings are JSON's keywords (the TRY_PARSE_JSON page's `FALSE`, F99):
    # written in lower case before DuckDB reads the text, which takes them in lower case only.
    "snowreg_json_keywords(x)": """CASE WHEN NOT regexp_matches(x,
            'T[Rr][Uu][Ee]|t(R[Uu][Ee]|rU[Ee]|ruE)|F[Aa][Ll][Ss][Ee]|f(A|aL|alS|alsE)|N[Uu][Ll][Ll]|n(U|uL|ulL)') THEN x
        ELSE array_to_string(list_transform(regexp_extract_all(x, '"(?:[^"\\\\]|\\\\.)*"|[A-Za-z]+|[^"A-Za-z]+|"', 0),
            lambda t: CASE WHEN lower(t) IN ('true', 'false', 'null') THEN lower(t) ELSE t END), '') END""",
    "snowreg_parse_json_text(x, strict, quiet)": f"""CASE WHEN x IS NULL OR regexp_full_match(x, '\\s*') THEN NULL
        WHEN quiet AND NOT json_valid(x) THEN NULL
        WHEN regexp_matches(regexp_replace(x, '"(?:[^"\\\\]|\\\\.)*"', '""', 'g'), ',\\s*[,\\]}}]|\\[\\s*,')
            THEN error('snowreg_unsupported:PARSE_JSON of text with an empty array element or a trailing comma '
                       || '(Snowflake keeps an undefined element)')
        WHEN {MACRO_CATALOG}.main.snowreg_json_dup(json(x))
            THEN CASE WHEN quiet AND strict THEN NULL
                      WHEN strict THEN error('Error parsing JSON: duplicate object attribute')
                      ELSE error('snowreg_unsupported:PARSE_JSON of duplicate keys with the d parameter') END
        WHEN regexp_matches(x, '[0-9][eE][+-]?[0-9]')
            THEN CAST(regexp_replace(x, '("(?:[^"\\\\]|\\\\.)*")|\\s+', '\\1', 'g') AS JSON)
        ELSE json(x) END""",
    "snowreg_parse_json(x, strict, quiet)": f"""{MACRO_CATALOG}.main.snowreg_parse_json_text({MACRO_CATALOG}.main.snowreg_json_keywords(x), strict, quiet)""",
    # A value made a VARIANT: a FLOAT keeps Snowflake's DOUBLE text (`3.000000000000000e+00`), which
    # TYPEOF reads as DOUBLE and results print as Snowflake does; anything else is DuckDB's to_json.
    "snowreg_variant(a)": f"""CASE WHEN typeof(a) IN ('DOUBLE', 'FLOAT') THEN CAST({MACRO_CATALOG}.main.snowreg_djson(a) AS JSON)
        WHEN typeof(a) = 'JSON' THEN CAST(a AS JSON) ELSE to_json(a) END""",
    # A path into a document holding DOUBLEs (numbers written with an exponent: PARSE_JSON keeps them so,
    # snowreg_variant writes FLOATs so) keeps them DOUBLEs: DuckDB's json_extract would re-serialise
    # `1.5e+00` as `1.5`, which TYPEOF reads as DECIMAL. Such numbers (outside strings) travel through
    # the extraction as strings "\u0001D<number>" and come back as the numbers they were, every digit kept
    # (a model's outputs have 17; results print them as Snowflake prints a DOUBLE).
    "snowreg_dwrap(t)": """regexp_replace(replace(regexp_replace(t,
            '("(?:[^"\\\\]|\\\\.)*")|(-?[0-9][0-9.]*[eE][+-]?[0-9]+)', '\\1' || chr(2) || '\\2' || chr(3), 'g'),
            chr(2) || chr(3), ''), chr(2) || '([^' || chr(3) || ']*)' || chr(3), '"\\\\u0001D\\1"', 'g')""",
    "snowreg_dunwrap(r)": """list_transform([r], lambda u: CASE WHEN json_type(u) = 'VARCHAR' AND starts_with(json_extract_string(u, '$'), chr(1) || 'D')
            THEN CAST(substr(json_extract_string(u, '$'), 3) AS JSON)
        WHEN json_type(u) IN ('OBJECT', 'ARRAY')
            THEN CAST(regexp_replace(CAST(u AS VARCHAR), '"\\\\u0001D([^"]*)"', '\\1', 'g') AS JSON)
        ELSE u END)[1]""",
    "snowreg_dwrapped(j)": f"""CASE WHEN regexp_matches(CAST(j AS VARCHAR), '[0-9][eE][+-]?[0-9]')
        THEN CAST({MACRO_CATALOG}.main.snowreg_dwrap(CAST(j AS VARCHAR)) AS JSON) ELSE j END""",
    # `v:a::VARCHAR`: DuckDB's `->>` unless the value may hold a DOUBLE (snowreg_dpath, snowreg_vtext);
    # strings, integers and booleans (the usual case) are decided by their type alone, without a regex.
    # The lambda binds the path's value once: a macro argument is copied wherever the macro names it,
    # and DuckDB computes a repeated expression for every row, whichever CASE branch the row takes.
    "snowreg_dpath_text(j, p)": f"""CASE WHEN coalesce(json_type(j, p), 'NULL') IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'BOOLEAN', 'NULL')
            THEN j ->> p
        WHEN NOT regexp_matches(CAST(j AS VARCHAR), '[0-9][eE][+-]?[0-9]') THEN j ->> p
        ELSE list_transform([CAST({MACRO_CATALOG}.main.snowreg_dpath(j, p) AS JSON)],
            lambda d: {MACRO_CATALOG}.main.snowreg_vtext(d))[1] END""",
    "snowreg_dpath(j, p)": f"""CASE WHEN regexp_matches(CAST(j AS VARCHAR), '[0-9][eE][+-]?[0-9]')
        THEN {MACRO_CATALOG}.main.snowreg_dunwrap(json_extract(
            CAST({MACRO_CATALOG}.main.snowreg_dwrap(CAST(j AS VARCHAR)) AS JSON), p))
        ELSE json_extract(j, p) END""",
    # GET(v, k) / v[k] with a computed key: a string is an OBJECT key (taken as written), a number an ARRAY
    # index (negative ones find nothing); typeof(k) is a constant while DuckDB binds, so one branch runs.
    "snowreg_get(v, k)": """CASE WHEN typeof(k) IN ('VARCHAR', 'JSON')
            THEN json_extract(v, '$."' || replace(CAST(k AS VARCHAR), '"', '\\"') || '"')
        WHEN TRY_CAST(k AS BIGINT) < 0 THEN NULL
        ELSE json_extract(v, TRY_CAST(k AS BIGINT)) END""",
    "snowreg_array_size(a)": "CASE WHEN json_type(a) = 'ARRAY' THEN json_array_length(a) END",
    "snowreg_to_array(x)": """CASE WHEN x IS NULL THEN NULL
        WHEN json_type(to_json(x)) = 'ARRAY' THEN to_json(x) ELSE json_array(x) END""",
    "snowreg_array_to_string(a, sep)": """array_to_string(list_transform(CAST(a AS JSON[]),
        lambda e: coalesce(json_extract_string(e, '$'), '')), sep)""",
}


_install_lock = threading.Lock()
_DUCKDB = Dialect.get_or_raise("duckdb")


def install(con: Any) -> None:
    """Create the macros translated SQL relies on (idempotent). Serialised: sessions opening at the
    same moment would otherwise collide on CREATE OR REPLACE MACRO (a DuckDB write-write conflict)."""
    with _install_lock:
        con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {MACRO_CATALOG}")
        for signature, body in _MACROS.items():
            con.execute(f"CREATE OR REPLACE MACRO {MACRO_CATALOG}.main.{signature} AS {body}")


def macro(name: str, *args: exp.Expr) -> exp.Expr:
    """A call of one of our macros, qualified with its catalog."""
    call = exp.Anonymous(this=name, expressions=list(args))
    return exp.Dot.build([exp.to_identifier(MACRO_CATALOG), exp.to_identifier("main"), call])


def macro_called(node: exp.Expr) -> str | None:
    """The name of our macro that `node` calls (`macro`), if it is such a call."""
    if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous) \
            and isinstance(node.this, exp.Dot) and node.this.this.name == MACRO_CATALOG:
        return str(node.expression.this)
    return None


def fn(name: str, *args: exp.Expr) -> exp.Anonymous:
    """A DuckDB function call that sqlglot renders verbatim."""
    return exp.Anonymous(this=name, expressions=list(args))


# ---------------------------------------------------------------------------------------------
# What is JSON after rewriting
# ---------------------------------------------------------------------------------------------

_T = exp.DataType.Type
_TEXT_TYPES = {_T.VARCHAR, _T.TEXT, _T.CHAR, _T.NVARCHAR, _T.NCHAR}
_JSON_NODES = (exp.JSONExtract, exp.GetExtract, exp.ParseJSON, exp.JSONObject)
_JSON_FUNCS = frozenset({"to_json", "json", "json_array", "json_object", "json_extract"})
_CALL = re.compile(r"__snowreg_call_\d+$", re.IGNORECASE)


def is_json(node: exp.Expr) -> bool:
    """True when the (already rewritten) expression certainly yields a VARIANT, i.e. DuckDB JSON."""
    while isinstance(node, (exp.Paren, exp.Alias)):
        node = node.this
    if isinstance(node, _JSON_NODES):
        return True
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.is_type(_T.JSON)
    if isinstance(node, exp.Coalesce):
        return is_json(node.this)
    if isinstance(node, exp.Anonymous):
        name = node.name
        return name.lower() in _JSON_FUNCS or bool(_CALL.match(name))
    return False


def calls_model(node: exp.Expr) -> bool:
    """Whether the expression holds a model call (translate.py's `__snowreg_call_<n>` placeholders)."""
    return any(_CALL.match(call.name) for call in node.find_all(exp.Anonymous))


def is_path(node: exp.Expr) -> bool:
    """A chain of path steps over a column: cheap and deterministic, safe to repeat in ORDER BY."""
    while isinstance(node, (exp.JSONExtract, exp.GetExtract, exp.Paren)):
        node = node.this
    return isinstance(node, exp.Column)


def as_string(node: exp.Expr) -> exp.Expr:
    """VARIANT → VARCHAR as Snowflake does it: strings unquoted, anything else as JSON text (snowreg_vtext)."""
    if isinstance(node, exp.JSONExtract) and isinstance(node.expression, exp.JSONPath):
        return macro("snowreg_dpath_text", node.this, _path_literal(node.expression))
    return macro("snowreg_vtext", node)


def _as_compared(node: exp.Expr) -> exp.Expr:
    """A VARIANT compared with a string: its string unquoted (DuckDB's `->>`, cheaper than as_string;
    a DOUBLE's text does not matter there)."""
    if isinstance(node, exp.JSONExtract) and isinstance(node.expression, exp.JSONPath):
        return exp.JSONExtractScalar(this=node.this, expression=node.expression)
    return fn("json_extract_string", node, exp.Literal.string("$"))


def _as(node: exp.Expr, kind: str) -> exp.Expr:
    if kind == "text":
        return _as_compared(node)
    return exp.TryCast(this=node, to=exp.DataType(this=_T.DOUBLE if kind == "number" else _T.BOOLEAN))


# ---------------------------------------------------------------------------------------------
# Rewrites: each takes a node whose children are final and returns its replacement (or None)
# ---------------------------------------------------------------------------------------------


def bracket(node: exp.Bracket) -> exp.Expr | None:
    """`v['a'][0]` → `v -> '$.a[0]'`; a computed index → `json_extract(v, i)`."""
    if len(node.expressions) != 1:
        return None
    index = node.expressions[0]
    step: exp.Expr
    if isinstance(index, exp.Literal) and index.is_string:
        step = exp.JSONPathKey(this=index.this)
    elif isinstance(index, exp.Literal) and index.is_int and int(index.this) >= 0:
        step = exp.JSONPathSubscript(this=int(index.this))
    else:
        return _json_node(macro("snowreg_get", node.this, index))
    base = node.this
    if isinstance(base, exp.JSONExtract) and isinstance(base.expression, exp.JSONPath):
        path = base.expression
        path.append("expressions", step)
        return base
    return exp.JSONExtract(this=base, expression=exp.JSONPath(expressions=[exp.JSONPathRoot(), step]))


def double_paths(stmt: exp.Expr) -> None:
    """After rewriting: each path step `v -> '$.a'` becomes snowreg_dpath, which keeps a DOUBLE inside
    the document a DOUBLE (conformance/DECISIONS.md F4)."""
    for node in list(stmt.find_all(exp.JSONExtract)):
        path, base = node.expression, node.this
        while isinstance(base, exp.JSONExtract | exp.Paren):
            base = base.this
        if isinstance(base, exp.Anonymous) and _CALL.match(base.name):
            continue  # a model call's output (the inference engine reads `call -> '$.k'`; it holds no exponent)
        if isinstance(path, exp.JSONPath):
            node.replace(_json_node(macro("snowreg_dpath", node.this, _path_literal(path))))


def _path_literal(path: exp.JSONPath) -> exp.Expr:
    """A JSON path as the string literal DuckDB's json_extract takes (`'$.a'`)."""
    text = _DUCKDB.generate(path)
    return exp.Literal.string(text[1:-1].replace("''", "'")) if text.startswith("'") else path


def _json_node(node: exp.Expr) -> exp.Expr:
    return exp.Cast(this=node, to=exp.DataType(this=_T.JSON))


def json_extract(node: exp.JSONExtract | exp.GetExtract) -> exp.Expr | None:
    """GET(v, <column>): the key's type decides between OBJECT key and ARRAY index (snowreg_get)."""
    key = node.expression
    if isinstance(key, (exp.JSONPath, exp.Literal)):
        return None
    return _json_node(macro("snowreg_get", node.this, key))


def cast(node: exp.Cast) -> exp.Expr | None:
    """`x::VARIANT` → `to_json(x)`; `v:a::VARCHAR` → `v ->> '$.a'`; `col::VARCHAR` → guarded macro."""
    to = node.to
    if to.is_type(_T.JSON):
        return None if is_json(node.this) else variant_of(node.this)
    if to.this not in _TEXT_TYPES:
        return None  # JSON → DOUBLE/DECIMAL/BOOLEAN/DATE/TIMESTAMP casts work on DuckDB as they are
    if is_json(node.this):
        return as_string(node.this)
    if typed_elsewhere(node.this) and not isinstance(node, exp.TryCast):
        return macro("snowreg_varchar", node.this)
    return None


def typed_elsewhere(node: exp.Expr) -> bool:
    """An operand whose type the text does not show (a column, a call, a cast to another type): it may
    be a VARIANT or a date/time value, whose text differs from DuckDB's."""
    if isinstance(node, exp.Literal) and not node.is_string and "e" in node.this.lower():
        return True  # a FLOAT literal (`1e2`): Snowflake's text is `100` (N2)
    if isinstance(node, (exp.Literal, exp.Boolean, exp.Null)):
        return False
    if isinstance(node, (exp.Cast, exp.TryCast)) and node.to.this in _TEXT_TYPES:
        return False
    if isinstance(node, (*_ARITHMETIC, exp.Neg, exp.Paren)):  # a FLOAT result prints as Snowflake's (N2)
        return True
    return isinstance(node, exp.Dot) or not isinstance(node, exp.Binary)  # a Dot: a macro's call


_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)


def to_char(node: exp.ToChar) -> exp.Expr | None:
    """TO_VARCHAR(v:a) / TO_CHAR(v:a) without a format: the same as `::VARCHAR`; with a date/time
    format, the operand is formatted as a date or timestamp whatever the text shows of its type."""
    given = node.args.get("format")
    if isinstance(given, exp.Literal) and given.is_string and numformat.is_number_format(given.this):
        operand = exp.Cast(this=node.this, to=exp.DataType(this=_T.DOUBLE)) if is_json(node.this) else node.this
        return numformat.render(operand, given.this)
    if isinstance(given, exp.Literal) and given.is_string and _DATE_FORMAT.search(given.this) \
            and not _NUMBER_FORMAT.search(given.this):
        return zoned.formatted(node.this, given.this)
    binary = _BINARY_FORMATS.get(given.this.strip().upper()) if isinstance(given, exp.Literal) and given.is_string \
        else None
    if binary is not None:  # TO_VARCHAR(<binary>, 'HEX' | 'BASE64' | 'UTF-8') (the TO_CHAR page)
        return fn(binary, node.this)
    if given is not None:
        return None
    if is_json(node.this):
        return as_string(node.this)
    return macro("snowreg_varchar", node.this) if typed_elsewhere(node.this) else None


_BINARY_FORMATS = {"HEX": "hex", "BASE64": "to_base64", "UTF-8": "decode", "UTF8": "decode"}
_DATE_FORMAT = re.compile(r"YYYY|YY|MM|DD|HH|MI|SS|MON|DY|FF|AM|PM|TZH|TZM", re.IGNORECASE)
_NUMBER_FORMAT = re.compile(r"[90][.,]|[.,][90]|\$9|^[90]+$")


def _literal_kind(node: exp.Expr) -> str | None:
    if isinstance(node, exp.Neg):
        node = node.this
    if isinstance(node, exp.Literal):
        return "text" if node.is_string else "number"
    if isinstance(node, exp.Boolean):
        return "bool"
    if isinstance(node, (exp.Cast, exp.TryCast)) and not is_json(node):
        if node.to.this in _TEXT_TYPES:
            return "text"
        return "number" if node.to.is_type(*exp.DataType.NUMERIC_TYPES) else None
    return None


_ORDERING = (exp.GT, exp.GTE, exp.LT, exp.LTE)


def compare(node: exp.Binary) -> exp.Expr | None:
    """`v:a > 5` compares numerically, `v:s = 'x'` as text, `v:a < v:b` by VARIANT order."""
    left, right = node.this, node.expression
    lj, rj = is_json(left), is_json(right)
    if lj and rj:
        if isinstance(node, _ORDERING):
            left.replace(macro("snowreg_vkey", left.copy()))
            right.replace(macro("snowreg_vkey", right.copy()))
        return None
    side, other = (left, right) if lj else (right, left)
    kind = _literal_kind(other) if (lj or rj) else None
    if kind is not None:
        side.replace(_as(side.copy(), kind))
    return None


def in_list(node: exp.In) -> exp.Expr | None:
    """`v:a IN (1, 2)` / `v:s IN ('x')` like the comparisons."""
    kinds = {_literal_kind(e) for e in node.expressions}
    if is_json(node.this) and len(kinds) == 1 and None not in kinds:
        node.this.replace(_as(node.this.copy(), kinds.pop() or ""))
    return None


def between(node: exp.Between) -> exp.Expr | None:
    kinds = {_literal_kind(node.args["low"]), _literal_kind(node.args["high"])}
    if is_json(node.this) and len(kinds) == 1 and None not in kinds:
        node.this.replace(_as(node.this.copy(), kinds.pop() or ""))
    return None


def numeric_args(node: exp.Expr) -> exp.Expr | None:
    """Arithmetic and SUM/AVG on VARIANT cast it to a number first, as Snowflake does implicitly."""
    for child in list(node.iter_expressions()):
        if is_json(child):
            child.replace(exp.Cast(this=child.copy(), to=exp.DataType(this=_T.DOUBLE)))
    return None


_TEMPORAL = {_T.DATE, _T.TIME, _T.TIMESTAMP, _T.TIMESTAMPNTZ, _T.TIMESTAMPLTZ, _T.TIMESTAMPTZ}


def text_args(node: exp.Expr) -> exp.Expr | None:
    """String functions and `||` on VARIANT see the unquoted string, as Snowflake does implicitly;
    `||` and CONCAT write a column or a date/time value in its output format (as `::VARCHAR` does)."""
    concat = isinstance(node, (exp.DPipe, exp.Concat, exp.ConcatWs))
    for child in list(node.iter_expressions()):
        if is_json(child):
            child.replace(as_string(child.copy()))
        elif concat and typed_elsewhere(child) and not is_text(child):
            child.replace(macro("snowreg_varchar", child.copy()))
    return None


def is_text(node: exp.Expr) -> bool:
    """The text shows a string: `||`, a string function, a text cast (no FLOAT or date/time behind it)."""
    return isinstance(node, (exp.DPipe, exp.Concat, exp.ConcatWs, exp.Upper, exp.Lower, exp.Trim, exp.Substring,
                             exp.Replace, exp.Initcap)) or (isinstance(node, exp.Anonymous) and node.name.lower()
                                                            == "snowreg_varchar")


def min_max(node: exp.Expr) -> exp.Expr | None:
    """MIN/MAX of VARIANT by VARIANT order, not by JSON text."""
    if not is_json(node.this) or node.expressions:
        return None
    name = "arg_max" if isinstance(node, exp.Max) else "arg_min"
    return fn(name, node.this, macro("snowreg_vkey", node.this.copy()))


def object_construct(node: exp.Struct) -> exp.Expr:
    """OBJECT_CONSTRUCT('a', x, …) → JSON object text built from the pairs whose value is not NULL."""
    parts: list[exp.Expr] = []
    constant = [p.this.name if isinstance(p, exp.PropertyEQ) and isinstance(p.this, exp.Identifier | exp.Literal)
                else None for p in node.expressions]
    pairs = sorted(node.expressions, key=lambda p: constant[node.expressions.index(p)] or "") \
        if None not in constant else node.expressions  # constant keys: in their order at once (F108)
    for pair in pairs:
        if not isinstance(pair, exp.PropertyEQ):
            raise not_supported("OBJECT_CONSTRUCT with this argument")
        key, value = pair.this, pair.expression
        if isinstance(key, exp.Identifier):
            key = exp.Literal.string(key.name)
        if isinstance(value, exp.Null):
            continue
        member: exp.Expr = fn("concat", fn("to_json", key), exp.Literal.string(":"), variant_of(value))
        nullable = [e for e in (key, value) if not isinstance(e, (exp.Literal, exp.Boolean))]
        if nullable:
            missing = exp.or_(*(exp.Is(this=e.copy(), expression=exp.Null()) for e in nullable))
            member = exp.Case(ifs=[exp.If(this=missing, true=exp.Null())], default=member)
        parts.append(member)
    body = fn("concat_ws", exp.Literal.string(","), *parts) if parts else exp.Literal.string("")
    text = fn("concat", exp.Literal.string("{"), body, exp.Literal.string("}"))
    keys = [p.this.name if isinstance(p.this, exp.Identifier | exp.Literal) else None for p in node.expressions]
    built = exp.Cast(this=text, to=exp.DataType(this=_T.JSON))
    if None not in keys and len(set(keys)) == len(keys):
        return built  # its members were put in the order of their keys (F108)
    return json_order.ordered(macro("snowreg_object_unique", built))


def object_constant_keys(stmt: exp.Expr) -> None:
    """`{'k': v}`: sqlglot reads the constant's string keys as unquoted names, which would be upper-cased;
    they are strings, kept as written (https://docs.snowflake.com/en/sql-reference/data-types-semistructured,
    OBJECT constants). OBJECT_CONSTRUCT's keys are already strings."""
    for node in stmt.find_all(exp.Struct):
        for pair in node.expressions:
            if isinstance(pair, exp.PropertyEQ) and isinstance(pair.this, exp.Identifier) and not pair.this.quoted:
                pair.set("this", exp.Literal.string(pair.this.this))


def object_star(node: exp.Expr) -> exp.Expr:
    """OBJECT_CONSTRUCT(*) over one row source: its columns as an OBJECT, NULL values left out."""
    select = node.find_ancestor(exp.Select)
    source = select.args.get("from_") if select is not None else None
    if select is None or source is None or select.args.get("joins"):
        raise not_supported("OBJECT_CONSTRUCT(*) over anything but one table, view, subquery or VALUES")
    if isinstance(source.this, exp.Subquery) and not source.this.alias_or_name:
        source.this.set("alias", exp.TableAlias(this=exp.Identifier(this="snowreg_row", quoted=True)))
    row = exp.column(exp.Identifier(this=source.this.alias_or_name, quoted=True))
    return macro("snowreg_object_star", row)


_UNDEFINED = ("snowreg_unsupported:ARRAY_CONSTRUCT of a SQL NULL (Snowflake keeps it as an undefined element; "
              "ARRAY_CONSTRUCT_COMPACT leaves it out)")


def array_construct(node: exp.Array) -> exp.Expr:
    """ARRAY_CONSTRUCT(…) / `[…]` → `json_array(…)`. A SQL NULL argument is an `undefined` element in
    Snowflake (https://docs.snowflake.com/en/sql-reference/functions/array_construct), which a JSON array
    cannot hold: refused, at translation for a NULL literal, else when a row gives one."""
    args = node.expressions
    if any(isinstance(a, exp.Null) for a in args):
        raise not_supported("ARRAY_CONSTRUCT of a SQL NULL (Snowflake keeps it as an undefined element)")
    built: exp.Expr = json_array_text([variant_of(a.copy()) for a in args])
    nullable = [a for a in args if not isinstance(a, (exp.Literal, exp.Boolean)) and not is_json(a)]
    if nullable:
        missing = exp.or_(*(exp.Is(this=a.copy(), expression=exp.Null()) for a in nullable))
        built = exp.Cast(this=exp.Case(ifs=[exp.If(this=missing, true=fn("error", exp.Literal.string(_UNDEFINED)))],
                                       default=built), to=exp.DataType(this=_T.JSON))
    return built


def to_variant(node: exp.Expr) -> exp.Expr:
    return variant_of(node.this)


def json_array_text(items: list[exp.Expr]) -> exp.Expr:
    """A JSON array of VARIANT items, joined as text so each keeps its own form (DuckDB's json_array
    would re-serialise a DOUBLE's exponent away); NULL items are left out."""
    texts = [exp.Cast(this=i, to=exp.DataType(this=_T.VARCHAR)) for i in items]
    body = fn("concat_ws", exp.Literal.string(","), *texts) if texts else exp.Literal.string("")
    text = fn("concat", exp.Literal.string("["), body, exp.Literal.string("]"))
    return exp.Cast(this=text, to=exp.DataType(this=_T.JSON))


def variant_of(value: exp.Expr) -> exp.Expr:
    """`value` as a VARIANT (DuckDB JSON): as it is when it already is one, else snowreg_variant."""
    if is_json(value):
        return value
    if isinstance(value, (exp.Literal, exp.Boolean, exp.Null)) and not typed_elsewhere(value):
        return fn("to_json", value)  # a FLOAT literal (`1.5e0`) is a DOUBLE: snowreg_variant's text (F97)
    return exp.Cast(this=macro("snowreg_variant", value), to=exp.DataType(this=_T.JSON))


def wrap_json(node: exp.Expr) -> None:
    """Functions that return a DuckDB list where Snowflake returns an ARRAY: SPLIT."""
    wrap(node, lambda e: fn("to_json", e), outermost=False)


def wrap(node: exp.Expr, wrap: Callable[[exp.Expr], exp.Expr], *, outermost: bool = True) -> None:
    """Replace `node` (or, for an aggregate, its WITHIN GROUP/FILTER/OVER) by `wrap(node)`."""
    target = node
    while outermost and isinstance(target.parent, (exp.WithinGroup, exp.Window, exp.Filter)) \
            and target.arg_key == "this":
        target = target.parent
    placeholder = exp.Null()
    target.replace(placeholder)
    placeholder.replace(wrap(target))


def _json_default(node: exp.Expr, empty: str) -> exp.Expr:
    return exp.Coalesce(this=node, expressions=[
        exp.Cast(this=exp.Literal.string(empty), to=exp.DataType(this=_T.JSON))])


def array_agg(node: exp.ArrayAgg) -> None:
    """ARRAY_AGG → a JSON array; `[]` (not NULL) when nothing was aggregated."""
    wrap(node, lambda e: _json_default(macro("snowreg_agg_array", e), "[]"))


def listagg(node: exp.GroupConcat) -> None:
    """LISTAGG of no rows, or of NULLs only, is an empty string (https://docs.snowflake.com/en/sql-reference/functions/listagg);
    its values are written as `::VARCHAR` writes them (a FLOAT as `1.5`, not DuckDB's `1.0`)."""
    inner = node.this.this if isinstance(node.this, exp.Order) else node.this
    if isinstance(inner, exp.Distinct) and isinstance(node.this, exp.Order):
        inner = None  # DuckDB wants DISTINCT's ORDER BY keys among its values: left as they are (N2)
    values = inner.expressions if isinstance(inner, exp.Distinct) else [inner]
    for value in values:
        if value is not None and not is_json(value) and typed_elsewhere(value) and not is_text(value):
            value.replace(macro("snowreg_varchar", value.copy()))
    wrap(node, lambda e: exp.Coalesce(this=e, expressions=[exp.Literal.string("")]))


def _sql_name(cls: type[exp.Expr]) -> str:
    if cls is exp.StarMap:
        return "OBJECT_CONSTRUCT(*)"
    names = cls.sql_names() if issubclass(cls, exp.Func) else []
    return names[0] if names else cls.__name__.upper()


# sqlglot maps these Snowflake ARRAY/OBJECT functions to DuckDB list functions, which do not work on
# our JSON arrays; better a clear error than a wrong answer.
UNSUPPORTED: dict[type[exp.Expr], str] = {
    getattr(exp, name): _sql_name(getattr(exp, name)) for name in (
        "ArrayAppend", "ArrayPrepend", "ArrayConcat", "ArrayCompact", "ArrayDistinct", "ArrayExcept",
        "ArrayIntersect", "ArrayInsert", "ArrayRemove", "ArrayRemoveAt", "ArraySlice", "ArraySort",
        "ArrayReverse", "ArrayPosition", "ArrayMax", "ArrayMin", "ArraySum", "ArrayOverlaps",
        "ArraysZip", "ArrayFilter", "ArrayConstructCompact", "ArrayUnionAgg", "ArrayUniqueAgg",
        "ArrayConcatAgg", "Flatten", "Typeof",
    ) if hasattr(exp, name)
}

REWRITES: dict[type[exp.Expr], Callable[[Any], exp.Expr | None]] = {
    exp.Bracket: bracket,
    exp.JSONExtract: json_extract,
    exp.GetExtract: json_extract,
    exp.Cast: cast,
    exp.TryCast: cast,
    exp.ToChar: to_char,
    **{cls: compare for cls in (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ,
                                exp.NullSafeNEQ)},
    exp.In: in_list,
    exp.Between: between,
    **{cls: numeric_args for cls in (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Sum,
                                     exp.Avg, exp.Round, exp.Abs, exp.Ceil, exp.Floor)},
    **{cls: text_args for cls in (exp.DPipe, exp.Concat, exp.ConcatWs, exp.Upper, exp.Lower,
                                  exp.Length, exp.Substring, exp.Trim, exp.Like, exp.ILike,
                                  exp.RegexpLike, exp.StartsWith, exp.Initcap)},
    exp.Max: min_max,
    exp.Min: min_max,
    exp.Struct: object_construct,
    exp.Array: array_construct,
    exp.StarMap: object_star,
    exp.ToVariant: to_variant,
    exp.Split: wrap_json,
    # OBJECT_KEYS in Snowflake's key order, sorted (the OBJECT_KEYS Snowpark example: age, name, zip)
    exp.JSONKeys: lambda n: fn("to_json", fn("list_sort", n.copy())),
    exp.ArrayAgg: array_agg,
    exp.GroupConcat: listagg,
    exp.ArraySize: lambda n: macro("snowreg_array_size", n.this),
    exp.ToArray: lambda n: macro("snowreg_to_array", n.this),
    exp.ArrayContains: lambda n: macro("snowreg_array_contains", n.expression, n.this),
    exp.ArrayToString: lambda n: macro("snowreg_array_to_string", n.this, n.expression),
}
