"""The arguments of a function call as written, whatever node sqlglot made of it."""

from __future__ import annotations

from sqlglot import exp


def call_args(node: exp.Expr) -> list[exp.Expr]:
    """An Anonymous call's expressions; a typed node's named arguments first (in sqlglot's order), then its
    expressions."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    out = [v for k, v in node.args.items() if k != "expressions" and isinstance(v, exp.Expr)]
    return out + list(node.expressions)
