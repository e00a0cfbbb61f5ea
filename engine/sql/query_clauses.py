"""Query clauses Snowflake writes or bounds differently from DuckDB (conformance/DECISIONS.md Q50-Q56): LIMIT /
OFFSET / FETCH counts given as empty strings, outer joins written with `(+)` in WHERE, ASOF JOIN … USING,
rank-related window functions without ORDER BY, fixed-size SAMPLE bounds, and `v.$n` of a VALUES source.

Each is rewritten (or refused) on sqlglot's tree before or while translate.py walks it, so the query DuckDB
runs reads the rows Snowflake's would; what cannot be written so is refused as not supported.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.transforms import eliminate_join_marks

from snowreg.errors import compilation_error, invalid_identifier, not_supported


def _key(name: str) -> str:
    """A name compared as Snowflake compares unquoted ones (these rewrites read names before binding)."""
    return name.upper()


def row_count(node: exp.Limit | exp.Offset | exp.Fetch) -> exp.Expr | None:
    """`LIMIT ''`, `LIMIT $$$$`, `OFFSET ''` (FETCH alike): https://docs.snowflake.com/en/sql-reference/constructs/limit
    accepts NULL, '' and $$$$ as a count ("unlimited") and as a start (0), for drivers binding an incomplete
    parameter list. DuckDB reads NULL so (no limit, no rows skipped); the empty strings become NULL."""
    key = "count" if isinstance(node, exp.Fetch) else "expression"
    value = node.args.get(key)
    if ((isinstance(value, exp.Literal) and value.is_string) or isinstance(value, exp.RawString)) \
            and value.name == "":
        node.set(key, exp.Null())
    return None


# The rank-related window functions whose pages write `OVER ( [ PARTITION BY … ] ORDER BY … )`
_ORDERED = {exp.RowNumber: "ROW_NUMBER", exp.Rank: "RANK", exp.DenseRank: "DENSE_RANK", exp.Ntile: "NTILE",
            exp.PercentRank: "PERCENT_RANK", exp.CumeDist: "CUME_DIST", exp.Lag: "LAG", exp.Lead: "LEAD"}


def ordered_windows(stmt: exp.Expr) -> None:
    """ROW_NUMBER, RANK, DENSE_RANK, NTILE, PERCENT_RANK, CUME_DIST, LAG and LEAD need ORDER BY in OVER (…)
    (their pages' syntax): Snowflake fails with `Window function type [ROW_NUMBER] requires ORDER BY in
    window specification.` where DuckDB numbered the rows in whatever order it read them."""
    for window in stmt.find_all(exp.Window):
        name = _ORDERED.get(type(window.this))
        if name is not None and window.args.get("order") is None:
            raise compilation_error(f"Window function type [{name}] requires ORDER BY in window specification.")


def join_marks(stmt: exp.Expr) -> None:
    """`FROM t1, t2 WHERE t1.c = t2.c(+)` → `FROM t1 LEFT JOIN t2 ON t1.c = t2.c`: the (+) marks the table
    whose rows may be missing (https://docs.snowflake.com/en/sql-reference/constructs/where, "Joins in the
    WHERE clause"). Only the plain form is written so: tables listed with commas, every marked column
    qualified by one of them, each marked condition a conjunct of WHERE naming one marked table. Other uses
    (a mark under OR, beside JOIN … ON, on an unqualified column) are refused as not supported."""
    selects = [s for s in stmt.find_all(exp.Select) if _marked(s.args.get("where"))]
    if not selects:
        if any(c.args.get("join_mark") for c in stmt.find_all(exp.Column)):
            raise not_supported("The (+) outer join operator outside a WHERE clause")
        return
    for select in selects:
        _check(select)
    orders = [(select, _names(select)) for select in selects]
    try:
        eliminate_join_marks(stmt)
    except Exception as e:  # noqa: BLE001 - sqlglot's asserts: a form it cannot turn into joins
        raise not_supported("This use of the (+) outer join operator") from e
    for select, names in orders:
        _order_joins(select, names)


def _marked(where: exp.Expr | None) -> bool:
    return where is not None and any(c.args.get("join_mark") for c in where.find_all(exp.Column))


def _names(select: exp.Select) -> list[str]:
    """The FROM list's table names (aliases), in order."""
    source = select.args.get("from_")
    items = [source.this] if source is not None else []
    items += [j.this for j in select.args.get("joins") or []]
    return [i.alias_or_name for i in items]


def _check(select: exp.Select) -> None:
    for join in select.args.get("joins") or []:
        if any(join.args.get(k) for k in ("on", "using", "side", "kind", "method", "match_condition")):
            raise not_supported("The (+) outer join operator in a query with JOIN … ON / USING")
    if not select.args.get("joins"):
        raise not_supported("The (+) outer join operator in a query of one table")
    by_name = {_key(n): n for n in _names(select)}
    where = select.args["where"]
    for column in where.find_all(exp.Column):
        if not column.args.get("join_mark"):
            continue
        if column.find_ancestor(exp.Or, exp.Not, exp.Where) is not where:
            raise not_supported("The (+) outer join operator under OR or NOT")
        if column.find_ancestor(exp.Subquery, exp.Select) is not select:
            raise not_supported("The (+) outer join operator in a subquery's condition")
        table = column.args.get("table")
        written = by_name.get(_key(table.name)) if isinstance(table, exp.Identifier) else None
        if written is None:
            raise not_supported("The (+) outer join operator on a column not qualified by a table of the FROM list")
        table.set("this", written)  # sqlglot matches the table by its name as written


def _order_joins(select: exp.Select, names: list[str]) -> None:
    """The joins in the order the FROM list named their tables, so each ON reads only tables joined before it."""
    joins = select.args.get("joins") or []
    order = {_key(n): i for i, n in enumerate(names)}
    joins.sort(key=lambda j: order.get(_key(j.this.alias_or_name), len(order)))
    select.set("joins", joins)


def asof_using(node: exp.Join, condition: exp.Expr) -> exp.Expr:
    """ASOF JOIN … MATCH_CONDITION (…) USING (c, …): the equality conditions written out (`l.c = r.c`),
    for DuckDB's ASOF join takes no USING beside another condition. A USING join projects one column of
    each pair (https://docs.snowflake.com/en/sql-reference/constructs/asof-join): a query that selects an
    unqualified `*` would show both, so it is refused as not supported."""
    select = node.parent
    if not isinstance(select, exp.Select) or (select.args.get("joins") or [None])[0] is not node:
        raise not_supported("ASOF JOIN … USING after another join (write ON)")
    if any(isinstance(e, exp.Star) for e in select.expressions):
        raise not_supported("SELECT * over ASOF JOIN … USING (write ON, or name the columns)")
    left = select.args["from_"].this.alias_or_name
    right = node.this.alias_or_name
    using = node.args.get("using") or []
    equalities = [exp.EQ(this=exp.column(u.copy(), table=exp.to_identifier(left)),
                         expression=exp.column(u.copy(), table=exp.to_identifier(right)))
                  for u in using]
    node.set("using", None)
    # an unqualified name of a USING column reads the left table's (never NULL in this outer join)
    names = {_key(u.name) for u in using}
    aliases = {_key(e.alias) for e in select.expressions  # names a select item gives something else
               if isinstance(e, exp.Alias) and not (isinstance(e.this, exp.Column) and _key(e.this.name) == _key(e.alias))}
    for column in select.find_all(exp.Column):
        if not column.table and _key(column.name) in names - aliases \
                and column.find_ancestor(exp.Select) is select and column.find_ancestor(exp.Join) is None:
            column.set("table", exp.to_identifier(left))
    return exp.and_(*equalities, condition)


_MOST_ROWS = 1_000_000


def fixed_sample(node: exp.TableSample) -> None:
    """SAMPLE (n ROWS): "SYSTEM (or BLOCK) … doesn't support fixed-size sampling", and n is "any integer between
    0 and 1000000" (https://docs.snowflake.com/en/sql-reference/constructs/sample). DuckDB took both (a SYSTEM
    sample of n rows, any n), so they fail here as compilation errors (texts UNCERTAIN: DECISIONS.md Q54)."""
    size, method = node.args.get("size"), node.args.get("method")
    if size is None:
        return
    if isinstance(method, exp.Var) and method.name.upper() in ("SYSTEM", "BLOCK"):
        raise compilation_error(f"{method.name.upper()} sampling does not support a fixed number of rows; "
                                "use BERNOULLI (ROW) or a probability")
    if isinstance(size, exp.Literal) and not size.is_string:
        try:
            count = float(size.name)
        except ValueError:
            return
        if count > _MOST_ROWS or count != int(count):
            raise compilation_error(f"Invalid number of rows {size.name} in SAMPLE: it must be an integer from 0 to "
                                    f"{_MOST_ROWS}")


def qualified_positions(stmt: exp.Expr) -> None:
    """`v1.$2` of a VALUES source (https://docs.snowflake.com/en/sql-reference/constructs/values: `SELECT v1.$2,
    v2.$2 FROM (VALUES …) AS v1 INNER JOIN (VALUES …) AS v2 …`): its n-th column, COLUMNn or the name its
    alias gives; DuckDB reads `#n` only unqualified. Of any other source it is refused as not supported
    (the columns of a table are not known while translating; a staged file's `t.$n` is read before this)."""
    for column in list(stmt.find_all(exp.Column)):
        position = column.this
        if not isinstance(position, exp.Parameter) or not position.name.isdigit() or not column.table:
            continue
        values = _values_source(column, column.table)
        n = int(position.name)
        if values is None:
            raise not_supported(f"A column position of a table or subquery ({column.table}.${n}: name the column)")
        alias = values.args.get("alias")
        named = alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None
        first = values.expressions[0] if values.expressions else None
        width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
        if not 1 <= n <= width:
            raise invalid_identifier(f"{column.table.upper()}.${n}")
        column.set("this", named[n - 1].copy() if named else exp.Identifier(this=f"COLUMN{n}", quoted=True))


def _values_source(column: exp.Column, table: str) -> exp.Values | None:
    """The VALUES row source named `table` in the FROM clause of a query around `column`."""
    select = column.find_ancestor(exp.Select)
    while select is not None:
        source = select.args.get("from_")
        items = ([source.this] if source is not None else []) + [j.this for j in select.args.get("joins") or []]
        for item in items:
            inner = item.this if isinstance(item, exp.Subquery) and isinstance(item.this, exp.Values) else item
            if _key(item.alias_or_name) == _key(table) or _key(inner.alias_or_name) == _key(table):
                return inner if isinstance(inner, exp.Values) else None
        select = select.find_ancestor(exp.Select)
    return None
