"""A method's DOUBLE outputs as VARIANT DOUBLEs wherever the call is written.

The fast path (engine/inference/fast.py) turns a call into `json_object('k', <output column>, …)`, the form
engine/inference/outer.py reads. DuckDB's json_object, and its `->` path steps, write a double as
`1.0000000000000002`, which a view, subquery, CTE, CTAS or TYPEOF then read as a DECIMAL, while the same call at
the top of a SELECT printed `1.000000000000000e+00`. In snowreg a VARIANT DOUBLE is a JSON number with an
exponent (engine/sql/variant.py, conformance/DECISIONS.md F4), so once outer.py is done the objects of calls
with DOUBLE outputs become JSON text whose doubles have one (all 17 digits kept), and paths into them read
through snowreg_dpath, which keeps it.
"""

from __future__ import annotations

import orjson
from sqlglot import exp

from snowreg.engine.sql.variant import macro

DOUBLES = "snowreg_double_outputs"  # meta of a call's json_object: the names of its DOUBLE output columns


def as_variant(tree: exp.Expr) -> None:
    for obj in list(tree.find_all(exp.Anonymous)):
        doubles = obj.meta.get(DOUBLES)
        if not doubles or obj.name.lower() != "json_object":
            continue
        node: exp.Expr = obj.replace(_text(obj.expressions, doubles))
        while isinstance(node.parent, exp.JSONExtract) and node.parent.this is node \
                and isinstance(node.parent.expression, exp.JSONPath):
            extract = node.parent
            path = exp.Literal.string(_path_text(extract.expression))
            node = extract.replace(exp.Cast(this=macro("snowreg_dpath", node.copy(), path),
                                            to=exp.DataType.build("JSON")))


def _text(args: list[exp.Expr], doubles: set[str]) -> exp.Expr:
    parts: list[exp.Expr] = []
    for i, (key, value) in enumerate(zip(args[::2], args[1::2], strict=True)):
        parts.append(exp.Literal.string(("{" if i == 0 else ",") + orjson.dumps(key.this).decode() + ":"))
        text: exp.Expr = exp.Cast(this=exp.Anonymous(this="to_json", expressions=[value.copy()]),
                                  to=exp.DataType.build("VARCHAR"))
        if isinstance(value, exp.Column) and value.name in doubles:
            exponent = exp.Anonymous(this="printf", expressions=[exp.Literal.string("%.17e"), value.copy()])
            finite = exp.Anonymous(this="isfinite", expressions=[value.copy()])
            text = exp.Case(ifs=[exp.If(this=finite, true=exponent)], default=text)
        parts.append(exp.Coalesce(this=text, expressions=[exp.Literal.string("null")]))
    parts.append(exp.Literal.string("}"))
    return exp.Cast(this=exp.Anonymous(this="concat", expressions=parts), to=exp.DataType.build("JSON"))


def _path_text(path: exp.JSONPath) -> str:
    """The path as DuckDB's json_extract takes it (`$.k`)."""
    text = path.sql(dialect="duckdb")
    return text[1:-1].replace("''", "'") if text.startswith("'") else text
