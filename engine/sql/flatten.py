"""FLATTEN's SEQ column: which input record each output row of a lateral FLATTEN comes from."""

from __future__ import annotations

from sqlglot import exp

from snowreg.catalog.names import physical


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
