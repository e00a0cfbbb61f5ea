"""SYS_CONNECT_BY_PATH in a CONNECT BY query (https://docs.snowflake.com/en/sql-reference/constructs/connect-by).

sqlglot writes `START WITH … CONNECT BY` for DuckDB as a recursive CTE and threads CONNECT_BY_ROOT through
it as an extra column: the anchor row binds it, the recursive arm copies the parent's. A path is threaded
the same way, except that the recursive arm appends the child's value to the parent's path:

    anchor:    sep || v                          (the START WITH row)
    recursive: _parent_row.path || sep || _child_row.v

so each row's path lists the values from its root down to itself, every one preceded by the separator
(the page's example: ` -> President -> Vice President Engineering`). A NULL value adds nothing but its
separator (conformance/DECISIONS.md S20). Runs on the bound tree, after `rewrites.connect_by_limit` (`guarded`).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.generators.duckdb import connect_by_to_recursive_cte

from snowreg.engine.sql import rewrites
from snowreg.errors import compilation_error, not_supported, wrong_arguments

NAME = "SYS_CONNECT_BY_PATH"
_MARK = "SNOWREG_CONNECT_BY_PATH"


def _calls(node: exp.Expr) -> list[exp.Anonymous]:
    return [c for c in node.find_all(exp.Anonymous) if c.name.upper() == NAME]


def _piece(value: exp.Expr, separator: exp.Expr) -> exp.Expr:
    """`sep || v` with v as text (NULL adds nothing)."""
    text = exp.Coalesce(this=exp.Cast(this=value, to=exp.DataType.build("VARCHAR")),
                        expressions=[exp.Literal.string("")])
    return exp.DPipe(this=separator, expression=text, safe=True)


def _scope(node: exp.Expr) -> exp.Select | None:
    select = node.find_ancestor(exp.Select)
    return select if isinstance(select, exp.Select) else None


def guarded(stmt: exp.Expr) -> exp.Expr:
    """The statement with CONNECT BY's depth guard (rewrites.connect_by_limit) and its paths threaded."""
    rewrites.connect_by_limit(stmt)
    return paths(stmt)


def paths(stmt: exp.Expr) -> exp.Expr:
    """Thread every SYS_CONNECT_BY_PATH of a CONNECT BY select list through its recursive CTE (the statement,
    or its replacement when the statement is that query); anywhere else the call is an error (it has no
    hierarchy to follow)."""
    calls = _calls(stmt)
    starred = [s for s in stmt.find_all(exp.Select) if s.args.get("connect") and s.is_star]
    if not calls and not starred:
        return stmt
    selects = [*starred, *(s for s in (_scope(c) for c in calls) if s is not None)]
    for select in {id(s): s for s in selects}.values():
        query = _thread(select)
        if select is stmt:
            stmt = query
    if _calls(stmt):  # what is left was not in a CONNECT BY select list
        raise compilation_error(f"{NAME} is only valid in the select list of a query with CONNECT BY.")
    return stmt


def _star(select: exp.Select) -> exp.Star | None:
    for item in select.expressions:
        item = item.this if isinstance(item, exp.Column) and isinstance(item.this, exp.Star) else item
        if isinstance(item, exp.Star):
            return item
    return None


def _star_as_written(query: exp.Select, written: exp.Star | None) -> None:
    """`*` is the source's columns as the query wrote them, never the CTE's LEVEL column. sqlglot rebuilds
    the star: it dropped `* EXCLUDE / REPLACE / RENAME`, and kept LEVEL in it when the select list named
    LEVEL too, so `SELECT *, LEVEL` had LEVEL twice (DECISIONS.md S21)."""
    star = _star(query)
    if star is None or written is None:
        return
    excepted = [*(written.args.get("except_") or []), *(star.args.get("except_") or [])]
    if not any(isinstance(c, exp.Column) and c.name.lower() == "level" for c in excepted):
        excepted.append(exp.column("level"))
    star.set("except_", excepted)
    for arg in ("replace", "rename"):
        star.set(arg, written.args.get(arg))


def _thread(select: exp.Select) -> exp.Expr:
    connect = select.args.get("connect")
    if not isinstance(connect, exp.Connect) or connect.args["connect"].find(exp.Prior) is None:
        return select
    if select.args.get("joins"):
        raise not_supported(f"{NAME} in a CONNECT BY query over a join")
    marks: dict[str, tuple[exp.Expr, exp.Expr]] = {}
    for item in select.expressions:
        for call in _calls(item):
            if _scope(call) is not select:
                continue
            if len(call.expressions) != 2:
                raise wrong_arguments(NAME, 2, len(call.expressions))
            value, separator = call.expressions
            mark = f"{_MARK}_{len(marks)}"
            marks[mark] = (value, separator)
            call.replace(exp.ConnectByRoot(this=exp.Anonymous(this=mark, expressions=[])))
    if not marks and not select.is_star:
        return select
    written = _star(select)
    written = written.copy() if written is not None else None
    query = connect_by_to_recursive_cte(select)
    if query is select or not isinstance(query, exp.Select):  # sqlglot left it (no FROM): no mark may stay
        if marks:
            raise not_supported(f"{NAME} in this CONNECT BY query")
        return select
    _star_as_written(query, written)
    cte = next(c for c in query.args["with_"].expressions if isinstance(c.this, exp.Union))
    anchor, recursive = cte.this.this, cte.this.expression
    names: dict[str, str] = {}
    for alias in anchor.expressions:
        inner = alias.this if isinstance(alias, exp.Alias) else None
        if isinstance(inner, exp.Anonymous) and inner.name in marks:
            value, separator = marks[inner.name]
            names[alias.alias] = inner.name
            inner.replace(_piece(value.copy(), separator.copy()))
    for alias in recursive.expressions:
        if isinstance(alias, exp.Alias) and alias.alias in names:
            value, separator = marks[names[alias.alias]]
            child = value.copy()
            for column in child.find_all(exp.Column):
                column.set("table", exp.to_identifier("_child_row"))
            alias.set("this", exp.DPipe(this=alias.this, expression=_piece(child, separator.copy()), safe=True))
    select.replace(query)
    return query
