"""The part of a statement Snowflake's error names when DuckDB refused it without saying which: an aggregate
in WHERE or ON, nested aggregates, a window function outside SELECT / QUALIFY / ORDER BY, an ORDER BY
position past the select list (conformance/DECISIONS.md O53-O55).

Snowflake prints the call as it resolved it: names upper case, a column qualified by its table when the
query reads one (`SUM(T.A)`), a window's keys with their order and NULLS placement
(`ROW_NUMBER() OVER (ORDER BY T.I ASC NULLS LAST)`). This reads the statement's own text again (only
after such an error) and prints the first offending call so.
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg import error_catalog
from snowreg.engine.sql import arrays, bind, duckerrors, translate
from snowreg.errors import Error, not_supported, syntax_error


def _parsed(source: str) -> exp.Expr | None:
    try:
        return translate.parse(source)
    except Exception:  # noqa: BLE001 - a text only the rewritten form parses: no name to give
        return None


def _table(node: exp.Expr) -> str | None:
    """The name (alias) of the one table the query around `node` reads, if it reads exactly one."""
    query = node.find_ancestor(exp.Select, exp.Delete, exp.Update)
    if query is None:
        return None
    tables = [t for t in query.find_all(exp.Table) if t.find_ancestor(exp.Select, exp.Delete, exp.Update) is query]
    if len(tables) != 1:
        return None
    return (tables[0].alias or tables[0].name).upper()


def render(node: exp.Expr) -> str:
    """`node` as Snowflake prints it in an error."""
    table = _table(node)
    copy = node.copy()
    for column in list(copy.find_all(exp.Column)):
        if not column.table and table is not None:
            column.set("table", exp.to_identifier(table))
    for ident in copy.find_all(exp.Identifier):
        if not ident.quoted:
            ident.set("this", ident.this.upper())
    if isinstance(copy, exp.Window):
        return _window(copy)
    for window in list(copy.find_all(exp.Window)):
        window.replace(exp.Var(this=_window(window)))
    return copy.sql(dialect="snowflake")


def _window(window: exp.Window) -> str:
    parts = []
    if window.args.get("partition_by"):
        parts.append("PARTITION BY " + ", ".join(p.sql(dialect="snowflake") for p in window.args["partition_by"]))
    order = window.args.get("order")
    if order is not None:
        keys = []
        for key in order.expressions:
            desc = bool(key.args.get("desc"))
            nulls_first = key.args.get("nulls_first")
            first = desc if nulls_first is None else bool(nulls_first)
            keys.append(f"{key.this.sql(dialect='snowflake')} {'DESC' if desc else 'ASC'} NULLS "
                        f"{'FIRST' if first else 'LAST'}")
        parts.append("ORDER BY " + ", ".join(keys))
    return f"{window.this.sql(dialect='snowflake')} OVER ({' '.join(parts)})"


def _aggregate(node: exp.Expr) -> bool:
    return isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Window)


def aggregate_place(source: str) -> tuple[str, str] | None:
    """(the clause, the call) of the first aggregate in a WHERE or a join's ON (`where clause`, `ON clause`)."""
    root = _parsed(source)
    if root is None:
        return None
    for where in root.find_all(exp.Where):
        call = next((n for n in where.find_all(exp.AggFunc) if _aggregate(n) and _own(n, where)), None)
        if call is not None:
            return "where clause", render(call)
    for join in root.find_all(exp.Join):
        on = join.args.get("on")
        call = next((n for n in on.find_all(exp.AggFunc) if _aggregate(n)), None) if on is not None else None
        if call is not None:
            return "ON clause", render(call)
    return None


def _own(node: exp.Expr, clause: exp.Expr) -> bool:
    """`node` belongs to `clause`'s query, not to a subquery inside it."""
    return node.find_ancestor(exp.Select, exp.Where) is clause or \
        node.find_ancestor(exp.Subquery, exp.Where) is clause


def grouped_aggregate(source: str) -> str | None:
    """The first aggregate a GROUP BY holds."""
    root = _parsed(source)
    for group in root.find_all(exp.Group) if root is not None else ():
        call = next((n for n in group.find_all(exp.AggFunc) if _aggregate(n)), None)
        if call is not None:
            return render(call)
    return None


def window_outside(source: str) -> str | None:
    """The first window function in a WHERE, GROUP BY, ON or HAVING."""
    root = _parsed(source)
    for clause in root.find_all(exp.Where, exp.Group, exp.Join, exp.Having) if root is not None else ():
        window = next(clause.find_all(exp.Window), None)
        if window is not None:
            return render(window)
    return None


def nested(source: str) -> tuple[str, str] | None:
    """(the inner, the outer) of the first aggregate inside another's arguments."""
    root = _parsed(source)
    for outer in root.find_all(exp.AggFunc) if root is not None else ():
        if not _aggregate(outer):
            continue
        inner = next((n for n in outer.find_all(exp.AggFunc) if n is not outer and _aggregate(n)), None)
        if inner is not None:
            return render(inner), render(outer)
    return None


def order_position(source: str, clause: type[exp.Expr] = exp.Order) -> str | None:
    """The first ORDER BY (GROUP BY) position past its query's select list."""
    root = _parsed(source)
    for order in root.find_all(clause) if root is not None else ():
        query = order.parent
        if not isinstance(query, exp.Select):
            continue
        for key in order.expressions:
            value = key.this if isinstance(key, exp.Ordered) else key
            if isinstance(value, exp.Literal) and value.is_int and not 1 <= int(value.name) <= len(query.expressions):
                return value.name
    return None


# DuckDB naming one of its own functions (`from_base64`, `strftime`) the translation calls for a Snowflake one.
_FOREIGN = re.compile(r"""(No function matches the given name and argument types '|Could not choose a best """
                      r"""candidate function for the function call ")(\w+)\((.*)\)['"]""")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})*")


def hex_literal(source: str) -> str | None:
    """The first string literal in `source` a hex decoding reads that is no hex (the text a column holds is not
    known here)."""
    root = _parsed(source)
    for literal in root.find_all(exp.Literal) if root is not None else ():
        if literal.is_string and not _HEX.fullmatch(literal.this) and literal.find_ancestor(exp.Unhex, exp.Func):
            return str(literal.this)
    return None


_NEAR = re.compile(r'syntax error at or near "([^"]+)"')


def _unexpected(first: str, source: str) -> Error | None:
    """DuckDB's parser refused the translated text at a token (`syntax error at or near "ON"`): Snowflake's
    001003 names the token where the statement writes it (`syntax error line 1 at position 33 unexpected
    'ON'.`), at its first place outside strings and comments (conformance/DECISIONS.md Q57)."""
    m = _NEAR.search(first)
    if m is None:
        return None
    token = m.group(1)
    code = bind.code_only(source)
    edge = r"(?<![\w$])" if token[:1].isalnum() or token[:1] == "_" else ""
    found = re.search(edge + re.escape(token) + (r"(?![\w$])" if edge else ""), code, re.I)
    if found is None:
        return None
    start = found.start()
    line = source.count("\n", 0, start) + 1
    return syntax_error(line, start - (source.rfind("\n", 0, start) + 1), source[start:found.end()])


def error(message: str, source: str) -> Error | None:
    """Snowflake's error for DuckDB's `message` about a clause's part, naming the part found in `source`."""
    first = message.split("\n")[0]
    if "syntax error at or near" in first:
        return _unexpected(first, source)
    if "clause cannot contain aggregates" in first:
        if first.startswith(("Binder Error: GROUP BY", "GROUP BY")):
            call = grouped_aggregate(source)
            return error_catalog.invalid_group_by_expression(call) if call else None
        place = aggregate_place(source)
        return error_catalog.misplaced_aggregate(*place) if place else None
    if "clause cannot contain window functions" in first:
        call = window_outside(source)
        return error_catalog.misplaced_window(call) if call else None
    if "aggregate function calls cannot be nested" in first:
        pair = nested(source)
        return error_catalog.nested_aggregates(*pair) if pair else None
    if "ORDER term out of range" in first:
        position = order_position(source)
        return error_catalog.invalid_order_by_expression(position) if position else None
    if "GROUP term out of range" in first or "GROUP BY term out of range" in first:
        position = order_position(source, exp.Group)
        return error_catalog.invalid_group_by_expression(position) if position else None
    if "Invalid input for hex digit" in first:
        text = hex_literal(source)
        return error_catalog.not_hex(text) if text is not None else None
    if "aggregate function calls cannot contain window function calls" in first:
        root = _parsed(source)
        window = next((w for a in root.find_all(exp.AggFunc) if _aggregate(a) for w in a.find_all(exp.Window)),
                      None) if root is not None else None
        return error_catalog.window_in_aggregate(render(window)) if window is not None else None
    if "aggregate functions are not allowed in UPDATE" in first:
        root = _parsed(source)
        found = next((n for n in root.find_all(exp.AggFunc) if _aggregate(n)), None) if root is not None else None
        return error_catalog.misplaced_aggregate("SET clause", render(found)) if found is not None else None
    if (m := _FOREIGN.search(first)) is not None and not re.search(rf"\b{m.group(2)}\s*\(", source, re.I):
        types = [t.strip() for t in re.split(r",\s*(?![^()]*\))", m.group(3)) if t.strip()]
        names = [duckerrors.snowflake_type(t) for t in types]
        if m.group(2) == arrays.GUARD_FUNCTION:  # an ARRAY / OBJECT argument of another type (DECISIONS.md W35)
            called = [f for f in arrays.GUARDED if re.search(rf"\b{f}\s*\(", source, re.I)]
            if len(called) == 1:
                return error_catalog.semi_structured_argument(called[0], ", ".join(names))
        if "VARCHAR" in types:  # Snowflake converts it (DECISIONS.md E11)
            return not_supported("A function of a VARCHAR argument here (cast it, e.g. x::NUMBER or x::DATE)")
        return error_catalog.unnamed_function_arguments(", ".join(names))  # one the statement does not call
    if "LIMIT/OFFSET cannot be negative" in first:
        count = negative_count(source)
        return error_catalog.negative_row_count(*count) if count else None
    return None


def negative_count(source: str) -> tuple[str, str] | None:
    """(the clause, the value) of the first LIMIT / OFFSET (FETCH) of a negative number."""
    root = _parsed(source)
    for node in root.find_all(exp.Limit, exp.Offset, exp.Fetch) if root is not None else ():
        value = node.args.get("count") if isinstance(node, exp.Fetch) else node.expression
        if isinstance(value, exp.Neg) or (isinstance(value, exp.Literal) and value.name.startswith("-")):
            clause = "FETCH" if isinstance(node, exp.Fetch) else type(node).__name__.upper()
            return clause, value.sql(dialect="snowflake")
    return None
