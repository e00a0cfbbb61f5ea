"""PARSE_URL(string[, permissive]): the parts of a URL as an OBJECT, written as one DuckDB expression.

https://docs.snowflake.com/en/sql-reference/functions/parse_url: the keys fragment, host, parameters, path, port,
query and scheme, NULL for a NULL argument. The page's three URLs fix the reading: `https://www.snowflake.com/`
has host `www.snowflake.com`, path `""` (the slash after the host is not part of the path) and every other key
null; `HTTP://USER:PASS@EXAMPLE.INT:4345/HELLO.PHP?USER=1` keeps the user information in the host
(`USER:PASS@EXAMPLE.INT`), its port as text (`"4345"`), path `HELLO.PHP`, query `USER=1` and parameters
`{"USER": "1"}`, the case as written; `mailto:abc@xyz.com` has no host and path `abc@xyz.com`. A text without a
scheme fails, or with `permissive` 1 gives an OBJECT whose only key is `error` (conformance/DECISIONS.md F73).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from snowreg import errors
from snowreg.engine.sql.call_args import call_args as _args
from snowreg.engine.sql.numbers import UNSUPPORTED_MARKER
from snowreg.engine.sql.texts import as_text

BAD_URL = "snowreg_bad_url:"  # starts the error of a URL without a scheme (engine.sql.duckerrors)
NO_SCHEME = "scheme not specified"

# scheme ':' ['//' authority] path ['?' query] ['#' fragment]; a group that took part is told from an empty
# one by the group around its leading mark (2 for '//', 5 for '?', 7 for '#').
_URL = r"(?s)^([A-Za-z][A-Za-z0-9+.\-]*):(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?$"


def _part(group: int) -> str:
    return f"regexp_extract(__u, '{_URL}', {group})"


def _has(group: int) -> str:
    return f"{_part(group)} <> ''"


# The authority's port: the digits after its last ':' (a ':' inside the user information is not one).
_HOST = f"regexp_extract({_part(3)}, '^(.*?)(:([0-9]*))?$', 1)"
_PORT = f"nullif(regexp_extract({_part(3)}, '^(.*?)(:([0-9]*))?$', 3), '')"
# The path without the one '/' that ends the authority; a URL with a host and nothing after it has none.
_PATH = (f"CASE WHEN {_has(2)} THEN CASE WHEN {_part(4)} = '' THEN NULL ELSE regexp_replace({_part(4)}, '^/', '') END "
         f"ELSE {_part(4)} END")
# The query's name=value pairs (a name without '=' has a null value); a name given twice is refused.
_PAIRS = f"list_filter(string_split({_part(6)}, '&'), lambda __p: __p <> '')"
_NAMES = f"list_transform({_PAIRS}, lambda __p: split_part(__p, '=', 1))"
_VALUES = (f"list_transform({_PAIRS}, lambda __p: CASE WHEN strpos(__p, '=') > 0 "
           "THEN substr(__p, strpos(__p, '=') + 1) END)")
# A failing cast rather than error(), which would make the expression volatile (`ORDER BY 1` of it refused).
_TWICE = f"CAST('{UNSUPPORTED_MARKER}PARSE_URL of a query naming a parameter twice' AS INTEGER)"
_PARAMETERS = (f"CASE WHEN NOT {_has(5)} THEN NULL WHEN len(list_distinct({_NAMES})) < len({_NAMES}) "
               f"THEN CAST({_TWICE} AS JSON) ELSE to_json(map({_NAMES}, {_VALUES})) END")
_OBJECT = (f"json_object('fragment', CASE WHEN {_has(7)} THEN {_part(8)} END, "
           f"'host', CASE WHEN {_has(2)} THEN {_HOST} END, 'parameters', {_PARAMETERS}, 'path', {_PATH}, "
           f"'port', CASE WHEN {_has(2)} THEN {_PORT} END, 'query', CASE WHEN {_has(5)} THEN {_part(6)} END, "
           f"'scheme', {_part(1)})")


def _template(permissive: bool) -> str:
    invalid = (f"json_object('error', '{NO_SCHEME}')" if permissive
               else f"CAST(CAST('{BAD_URL}{NO_SCHEME}' AS INTEGER) AS JSON)")
    return f"CASE WHEN __u IS NULL THEN NULL WHEN NOT regexp_matches(__u, '{_URL}') THEN {invalid} ELSE {_OBJECT} END"


def parse_url(node: exp.Expr) -> exp.Expr:
    args = _args(node)
    if not 1 <= len(args) <= 2:
        raise errors.wrong_arguments("PARSE_URL", 1 if not args else 2, len(args))
    permissive = args[1] if len(args) == 2 else exp.Literal.number(0)
    if isinstance(permissive, exp.Null):
        return exp.Cast(this=exp.Null(), to=exp.DataType.build("JSON", dialect="duckdb"))
    if not (isinstance(permissive, exp.Literal) and permissive.is_int and permissive.this in ("0", "1")):
        raise errors.not_supported("PARSE_URL with a permissive argument other than 0 or 1")
    # The template reads the text twenty times: it is a lambda's parameter, so the argument is written (and
    # computed) once. Written into each place, PARSE_URL(PARSE_URL(PARSE_URL(…):path::VARCHAR):path::VARCHAR)
    # held 20^3 copies, which DuckDB bound for longer than any statement timeout (DECISIONS.md J86).
    once = f"list_transform([__arg], lambda __u: {_template(permissive.this == '1')})[1]"
    tree: exp.Expr = exp.maybe_parse(once, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        if column.name == "__arg":
            column.replace(as_text(args[0].copy()))
    return tree


REWRITES: dict[str, Callable[[exp.Expr], exp.Expr | None]] = {"PARSE_URL": parse_url}
