"""WITH RECURSIVE over data with a cycle: an error past a number of iterations, never DuckDB's endless loop.

Snowflake limits the iterations of a recursive CTE (https://docs.snowflake.com/en/user-guide/queries-cte,
conformance/DECISIONS.md O34). The bound tree is rewritten just before it is written out:

    WITH RECURSIVE c (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c)
 →  WITH RECURSIVE "C<RS>" (n, "<RS>depth") AS (SELECT 1, 0 UNION ALL
         SELECT n + 1, CASE WHEN c."<RS>depth" >= 1000 THEN error(…) ELSE c."<RS>depth" + 1 END FROM "C<RS>" AS c),
     c AS (SELECT * EXCLUDE ("<RS>depth") FROM "C<RS>")

Every row of one iteration has the same depth, so the added column changes no DISTINCT and no row.
"""

from __future__ import annotations

from sqlglot import exp

ITERATIONS = 10_000  # deep enough for date spines and hierarchies; a cycle fails in a fraction of a second
DEPTH = "\x1edepth"  # U+001E: no user's name holds it (conformance/DECISIONS.md Z1)
_MESSAGE = (f"snowreg_unsupported:WITH RECURSIVE past {ITERATIONS} iterations of its recursive clause "
            "(does the data hold a cycle?)")


def limit(stmt: exp.Expr) -> None:
    """Guard every recursive CTE of `stmt` of the form `anchor UNION ALL step` (see the module)."""
    for with_ in list(stmt.find_all(exp.With)):
        if with_.args.get("recursive"):
            for cte in list(with_.expressions):
                _guard(with_, cte)


def _guard(with_: exp.With, cte: exp.CTE) -> None:
    body, name = cte.this, cte.alias
    if not isinstance(body, exp.Union) or body.args.get("distinct") or not isinstance(body.this, exp.Select) \
            or not isinstance(body.expression, exp.Select) or not name:
        return
    anchor, step = body.this, body.expression
    refs = [t for t in step.find_all(exp.Table) if t.name == name and not t.db]
    if len(refs) != 1 or step.args.get("group") or any(t.name == name for t in anchor.find_all(exp.Table)):
        return
    hidden = exp.Identifier(this=f"{name}\x1e", quoted=True)
    ref = refs[0]
    alias = ref.alias or name
    ref.set("this", hidden.copy())
    ref.set("alias", exp.TableAlias(this=exp.Identifier(this=alias, quoted=True)))
    depth = exp.Column(this=exp.Identifier(this=DEPTH, quoted=True), table=exp.Identifier(this=alias, quoted=True))
    _without_depth(step, alias)
    anchor.select(exp.alias_(exp.Literal.number(0), DEPTH, quoted=True), copy=False)
    too_deep = exp.GTE(this=depth, expression=exp.Literal.number(ITERATIONS))
    step.select(exp.alias_(exp.Case(
        ifs=[exp.If(this=too_deep, true=exp.Anonymous(this="error", expressions=[exp.Literal.string(_MESSAGE)]))],
        default=exp.Add(this=depth.copy(), expression=exp.Literal.number(1))), DEPTH, quoted=True), copy=False)
    table_alias = cte.args["alias"]
    columns = table_alias.args.get("columns")
    if columns:
        table_alias.set("columns", [*columns, exp.Identifier(this=DEPTH, quoted=True)])
    outer = exp.CTE(this=exp.Select(expressions=[exp.Star(except_=[exp.column(DEPTH, quoted=True)])]).from_(
        exp.Table(this=hidden.copy())), alias=exp.TableAlias(this=table_alias.this.copy()))
    table_alias.set("this", hidden.copy())
    ctes = list(with_.expressions)
    at = next(i for i, each in enumerate(ctes) if each is cte) + 1
    with_.set("expressions", [*ctes[:at], outer, *ctes[at:]])


def _without_depth(step: exp.Select, alias: str) -> None:
    """`*` and `<alias>.*` in the recursive clause leave the depth column out (it is added once, last)."""
    for item in step.expressions:
        star = item.this if isinstance(item, exp.Column) and isinstance(item.this, exp.Star) else item
        if not isinstance(star, exp.Star) or (star is not item and item.table != alias):
            continue
        star.set("except_", [*(star.args.get("except_") or []), exp.column(DEPTH, quoted=True)])
