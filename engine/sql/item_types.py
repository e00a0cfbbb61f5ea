"""The Snowflake type a select item's text decides, where DuckDB's type of the result would say less.

DuckDB keeps VARIANT, ARRAY and OBJECT values alike as JSON, and every text as an unsized VARCHAR, so
the type the result describes (engine.sql.table_meta.describe) and a CTAS records (table_meta.record)
is read from the item as written, before translation:
- a CAST (`::T`, CAST, TRY_CAST) is its target type (engine.sql.ddl.declared_type);
- the functions whose pages give ARRAY or OBJECT as their return type, and the ARRAY / OBJECT constants
  `[1, 2]` / `{'a': 1}` (https://docs.snowflake.com/en/sql-reference/data-types-semistructured), are
  ARRAY / OBJECT (type codes 10 / 9); PARSE_JSON, GET, paths and `[]` stay VARIANT;
- a string literal is VARCHAR of its length, and CONCAT / `||` of such items the sum of their lengths
  (https://docs.snowflake.com/en/sql-reference/functions/system_typeof: `'something'` is VARCHAR(9),
  CONCAT('every', 'body') VARCHAR(9)), at most VARCHAR's maximum.
Anything else (None) reads from DuckDB's type: other string functions VARCHAR(16777216) (DECISIONS.md Y2).
A CASE / IFF / COALESCE / NVL / NVL2 / DECODE names its `branches`: the result is ARRAY or OBJECT when every
branch that is not NULL is (engine.sql.table_meta.describe resolves them, columns included).
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.catalog.coltypes import TEXT_LENGTH
from snowreg.engine.sql.functions import written_name

# By the name the text spells (each function's page, "Returns"); the constants, and OBJECT_CONSTRUCT_KEEP_NULL
# (a JSONObject whose name sqlglot does not place), by their nodes.
_ARRAY_FUNCTIONS = frozenset("""ARRAY_CONSTRUCT ARRAY_CONSTRUCT_COMPACT ARRAY_AGG ARRAYAGG ARRAY_UNIQUE_AGG ARRAY_UNION_AGG
    SPLIT STRTOK_TO_ARRAY ARRAY_CAT ARRAY_COMPACT ARRAY_SLICE OBJECT_KEYS TO_ARRAY AS_ARRAY ARRAYS_ZIP
    REGEXP_SUBSTR_ALL REGEXP_EXTRACT_ALL TRANSFORM FILTER ARRAY_SORT ARRAY_DISTINCT ARRAY_INTERSECTION ARRAY_EXCEPT
    ARRAY_FLATTEN ARRAY_APPEND ARRAY_PREPEND ARRAY_INSERT ARRAY_REMOVE ARRAY_REMOVE_AT ARRAY_GENERATE_RANGE
    ARRAY_REVERSE""".split())
_OBJECT_FUNCTIONS = frozenset("""OBJECT_CONSTRUCT OBJECT_CONSTRUCT_KEEP_NULL OBJECT_AGG OBJECT_INSERT
    OBJECT_DELETE OBJECT_PICK AS_OBJECT TO_OBJECT ARRAYS_TO_OBJECT PARSE_URL""".split())


# A model method's call, as the inference road writes it (engine.inference.statement): SHOW FUNCTIONS IN MODEL
# gives OBJECT as every scalar method's return type (DECISIONS.md I53).
_MODEL_CALL = re.compile(r"__SNOWREG_CALL_\d+")


def item_type(node: exp.Expr, sql: str) -> str | None:
    """The canonical type text of one select item (unaliased, not a CAST: engine.sql.ddl reads those), or
    None when its text does not decide it."""
    while isinstance(node, exp.Paren | exp.Window | exp.WithinGroup):
        node = node.this
    length = text_length(node)
    if length is not None:
        return f"VARCHAR({length})"
    name = written_name(node, sql) if isinstance(node, exp.Func) else None
    if name in _ARRAY_FUNCTIONS or (name is None and isinstance(node, exp.Array)):
        return "ARRAY"
    if name in _OBJECT_FUNCTIONS or (name is None and isinstance(node, exp.Struct | exp.JSONObject)) \
            or (name is not None and _MODEL_CALL.fullmatch(name) is not None):
        return "OBJECT"
    return None


def text_length(node: exp.Expr) -> int | None:
    """The length of a string literal, or of a concatenation of them; None for anything else."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Literal) and node.is_string:
        return max(len(node.this), 1)
    if isinstance(node, exp.DPipe):
        parts = [node.this, node.expression]
    elif isinstance(node, exp.Concat):
        parts = list(node.expressions)
    else:
        return None
    lengths = [text_length(p) for p in parts if isinstance(p, exp.Expr)]
    if not lengths or any(n is None for n in lengths):
        return None
    return min(sum(n for n in lengths if n is not None), TEXT_LENGTH)


def branches(node: exp.Expr) -> list[exp.Expr]:
    """The values a conditional item may take, NULL constants left out ([] for anything else)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.If | exp.Nvl2):
        found = [node.args.get("true"), node.args.get("false")]
    elif isinstance(node, exp.Case):
        found = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
    elif isinstance(node, exp.Coalesce):
        found = [node.this, *node.expressions]
    elif isinstance(node, exp.DecodeCase):
        rest = node.expressions[1:]
        found = rest[1::2] + (rest[-1:] if len(rest) % 2 else [])
    else:
        return []
    return [b for b in found if isinstance(b, exp.Expr) and not isinstance(b, exp.Null)]
