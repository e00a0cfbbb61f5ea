"""Model calls whose value no one reads: checked like any call, never run (conformance/DECISIONS.md M1).

The model client asks `SELECT "_ID" FROM (… SELECT *, MODEL(m, v)!PREDICT(…) AS TMP FROM I) LIMIT 1` before
its real query: the outer SELECT reads only an input column. Snowflake's optimizer drops a projection no
one reads (the call is compiled, so an unknown model, a missing privilege or a wrong argument count still
fails, but its function is not evaluated); snowreg used to run the model over every row for it.

A SELECT's calls are dropped here when every one of them is a whole select item of a SELECT that is the
only source of an outer SELECT, that outer SELECT names none of their aliases and has no star (so no
reader can see them), and neither SELECT groups, filters on them or removes duplicates (so the rows do
not depend on them). Before dropping, DuckDB binds the query that would have fed the model (argument
casts and all), so a compile-time error is still raised; the values themselves are never computed.
"""

from __future__ import annotations

from sqlglot import exp

ENABLED = True  # tests run each statement both ways and compare

_INNER_REFUSED = ("distinct", "group", "having", "qualify", "windows", "joins", "laterals")
_OUTER_REFUSED = ("joins", "laterals")


def items(select: exp.Select, nodes: list[exp.Anonymous]) -> list[exp.Alias] | None:
    """The select items of `select` that are its calls `nodes`, when no reader needs them (see above);
    None when any of them may be read."""
    if not ENABLED or any(select.args.get(k) for k in _INNER_REFUSED):
        return None
    found: list[exp.Alias] = []
    for node in nodes:
        item = node.parent
        if not isinstance(item, exp.Alias) or item.parent is not select or item not in select.expressions \
                or not all(_plain(a) for a in node.expressions):
            return None
        found.append(item)
    subquery = select.parent
    source = subquery.parent if isinstance(subquery, exp.Subquery) else None
    outer = source.parent if isinstance(source, exp.From) else None
    if not isinstance(outer, exp.Select) or any(outer.args.get(k) for k in _OUTER_REFUSED):
        return None
    names = {item.alias.lower() for item in found}
    for seen in outer.walk(prune=lambda n: n is subquery):  # not into the calls' own SELECT
        if isinstance(seen, exp.Star) or (isinstance(seen, exp.Column) and seen.name.lower() in names):
            return None
    return found


def _plain(arg: exp.Expr) -> bool:
    """A column or a constant, cast to its parameter's type (an expression could fail while compiling in
    Snowflake where snowreg's cast fails only at run time, e.g. ARRAY_CONSTRUCT(…) for a FLOAT)."""
    while isinstance(arg, exp.Cast):
        arg = arg.this
    return isinstance(arg, (exp.Column, exp.Literal, exp.Null))


def drop(select: exp.Select, found: list[exp.Alias]) -> None:
    """Remove the unread call items from the SELECT (it keeps its other items, at least `*` or one)."""
    kept = [e for e in select.expressions if not any(e is f for f in found)]
    select.set("expressions", kept or [exp.Star()])
