"""Node rewrites of translate.py's one pass: types, DDL properties, clocks, session context, VARIANT ORDER BY, VALUES.

Each takes one sqlglot node (its children already rewritten) and returns its replacement, or None after
changing it in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from snowreg.catalog.names import snowflake
from snowreg.engine.sql import intervals, json_order, lambdas, query_clauses, texts, variant
from snowreg.engine.sql.ddl import TOO_LONG_MARK
from snowreg.errors import compilation_error, not_supported, syntax_error_detail

_T = exp.DataType.Type
_INTEGERS = {_T.INT, _T.BIGINT, _T.SMALLINT, _T.TINYINT, _T.MEDIUMINT}
_UNSIZED = {_T.BINARY, _T.VARBINARY, _T.TIME, _T.TIMESTAMPTZ, _T.TIMESTAMPLTZ}


def _data_type(node: exp.DataType) -> exp.Expr | None:
    """VARIANT/OBJECT/ARRAY → JSON; INT & co. → NUMBER(38,0) as in Snowflake; FLOAT4/REAL → DOUBLE."""
    if node.this in (_T.VARIANT, _T.OBJECT, _T.ARRAY, _T.MAP):
        return exp.DataType(this=_T.JSON)
    if node.this in _INTEGERS:
        return exp.DataType(this=_T.DECIMAL, expressions=[
            exp.DataTypeParam(this=exp.Literal.number(38)), exp.DataTypeParam(this=exp.Literal.number(0))])
    if node.this is _T.FLOAT:
        return exp.DataType(this=_T.DOUBLE)
    if node.this in _UNSIZED and node.expressions:  # DuckDB takes no length or precision for these
        return exp.DataType(this=node.this)
    if node.this in (_T.TIMESTAMP, _T.TIMESTAMPNTZ) and node.expressions and _fraction_digits(node) > 6:
        return exp.DataType(this=_T.TIMESTAMP)  # microseconds, as every value (conformance/DECISIONS.md T93)
    if node.this in (_T.GEOGRAPHY, _T.GEOMETRY, _T.VECTOR):
        raise not_supported(f"The data type {node.this.value}")
    return None


def _fraction_digits(node: exp.DataType) -> int:
    """The fraction digits a TIMESTAMP(p) names (DuckDB's TIMESTAMP(7-9) would keep nanoseconds)."""
    param = node.expressions[0]
    value = param.this if isinstance(param, exp.DataTypeParam) else param
    return int(value.this) if isinstance(value, exp.Literal) and value.is_int else 0


# Storage hints DuckDB has no use for; dropping them changes no query result.
_DROPPED_PROPERTIES = (exp.TransientProperty, exp.ClusterProperty, exp.SchemaCommentProperty)


def _properties(node: exp.Properties) -> exp.Expr | None:
    """CREATE TRANSIENT TABLE … CLUSTER BY (…) COMMENT = '…' → CREATE TABLE …"""
    node.set("expressions", [p for p in node.expressions if not isinstance(p, _DROPPED_PROPERTIES)])
    return None


def _column_def(node: exp.ColumnDef) -> exp.Expr | None:
    """`a INT COMMENT 'x'` → `a DECIMAL(38, 0)`."""
    constraints = node.args.get("constraints") or []
    kept = [c for c in constraints if not isinstance(c.args.get("kind"), exp.CommentColumnConstraint)]
    if len(kept) != len(constraints):
        node.set("constraints", kept)
    return None


def _generator(node: exp.Generator) -> exp.Expr | None:
    if node.args.get("timelimit") is not None:
        raise not_supported("GENERATOR(TIMELIMIT => …)")
    return None


def _parenthesized_table(node: exp.Subquery) -> exp.Expr | None:
    """`FROM (TABLE(GENERATOR(…)))` and `FROM (t)`, as Snowpark's `session.range()` and `create_dataframe`
    write them → `FROM TABLE(GENERATOR(…))`, `FROM t`: DuckDB takes no parentheses around a table."""
    inner = node.this
    if not isinstance(inner, exp.TableFromRows | exp.Table) or node.args.get("pivots"):
        return None
    if node.alias and not inner.alias:
        inner.set("alias", node.args.get("alias"))
    return inner


def before_walk(stmt: exp.Expr, sql: str) -> None:
    """The whole-statement rewrites the translation's walk builds on: table sources (`table_sources`), TIMEADD as
    DATEADD (sqlglot reads it as another node, which kept no DATE a DATE), interval constants as DATEADD calls (engine.sql.intervals), lambda arguments without a type as VARIANTs."""
    if "OVER" in sql.upper():
        query_clauses.ordered_windows(stmt)
    table_sources(stmt)
    for node in list(stmt.find_all(exp.TimeAdd)) if "TIMEADD" in sql.upper() else ():  # DATEADD's alias
        node.replace(exp.DateAdd(**{k: v for k, v in node.args.items() if k in ("this", "expression", "unit")}))
    if "INTERVAL" in sql.upper():
        intervals.rewrite(stmt)
    if "(" in sql and any(t in sql.upper() for t in ("ARRAY(", "OBJECT(", "MAP(")):
        lambdas.structured_casts(stmt)
    if "->" in sql:
        lambdas.variant_arguments(stmt)
    if "+" in sql:
        query_clauses.join_marks(stmt)
    if ".$" in sql:
        query_clauses.qualified_positions(stmt)


def table_sources(stmt: exp.Expr) -> None:
    """The FROM items to read before translating: parenthesized table functions and `TABLE('name')`."""
    unparenthesize_table_functions(stmt)
    table_literals(stmt)


def table_literals(stmt: exp.Expr) -> None:
    """`FROM TABLE('db.s.t')` (and `TABLE($var)`, its variable already a literal) is a synonym of
    `IDENTIFIER('db.s.t')` in a FROM clause (https://docs.snowflake.com/en/sql-reference/identifier-literal):
    the table node IDENTIFIER() gives, so its name is resolved, recorded and privilege-checked alike."""
    for rows in list(stmt.find_all(exp.TableFromRows)):
        if isinstance(rows.this, exp.Literal) and rows.this.is_string \
                and not any(v for k, v in rows.args.items() if k not in ("this", "alias")):
            rows.replace(exp.Table(this=exp.DynamicIdentifier(this=rows.this.copy()), alias=rows.args.get("alias")))


def unparenthesize_table_functions(stmt: exp.Expr) -> None:
    """`FROM (TABLE(f(…)))` (Snowpark's session.table_function) reads as `FROM TABLE(f(…))`: the parentheses
    around a table function add nothing, and its rewrites (a LATERAL subquery, a table) cannot stand in them."""
    for sub in list(stmt.find_all(exp.Subquery)):
        rows = sub.this
        if not isinstance(rows, exp.TableFromRows) or any(v for k, v in sub.args.items() if k not in ("this", "alias")):
            continue
        if sub.args.get("alias") is not None and rows.args.get("alias") is None:
            rows.set("alias", sub.args["alias"])
        sub.replace(rows)


def _binary_cast(node: exp.Cast) -> exp.Expr | None:
    """`'0A1B'::BINARY` → `unhex('0A1B')`: a string becomes BINARY through BINARY_INPUT_FORMAT, HEX unless
    set (https://docs.snowflake.com/en/user-guide/binary-input-output); DuckDB's cast keeps the text's bytes."""
    length = _text_length(node)
    if length is not None:
        return _length_checked(node, length)
    if node.to.this not in (_T.BINARY, _T.VARBINARY):
        return variant.cast(node)  # the VARIANT casts (this entry takes variant.REWRITES' place)
    if isinstance(node.this, exp.Literal) and node.this.is_string:  # as BINARY_INPUT_FORMAT says
        return variant.macro("snowreg_text_binary", node.this, exp.Boolean(this=isinstance(node, exp.TryCast)))
    if variant.is_json(node.this):
        return variant.cast(node)
    return texts.text_to_binary(node.this, isinstance(node, exp.TryCast))  # a column's text, as the format says


_SHORT_TEXT = (_T.VARCHAR, _T.CHAR, _T.NCHAR, _T.NVARCHAR, _T.TEXT)
_TEXT_MAX = 16777216


def _text_length(node: exp.Cast) -> int | None:
    """The n of a CAST(… AS VARCHAR(n)) shorter than the largest VARCHAR (not TRY_CAST: sqlglot's rendering
    of it already gives NULL for a longer value, as the TRY_CAST page's `'ABCD' AS CHAR(2)` shows)."""
    if isinstance(node, exp.TryCast) or node.to.this not in _SHORT_TEXT or len(node.to.expressions) != 1:
        return None
    param = node.to.expressions[0]
    given = param.this if isinstance(param, exp.DataTypeParam) else param
    if not (isinstance(given, exp.Literal) and given.is_int) or int(given.this) >= _TEXT_MAX:
        return None
    return int(given.this)


def _length_checked(node: exp.Cast, length: int) -> exp.Expr:
    """CAST(x AS VARCHAR(n)) of a longer value fails with 100074 rather than keeping it whole (DuckDB ignores
    the n; https://docs.snowflake.com/en/sql-reference/functions/try_cast: TRY_CAST gives NULL there, so the
    cast fails; conformance/DECISIONS.md E9)."""
    whole = exp.Cast(this=node.this, to=exp.DataType(this=_T.VARCHAR))
    text = variant.cast(whole) or whole
    message = exp.DPipe(this=exp.DPipe(this=exp.Literal.string(f"{TOO_LONG_MARK}String '"), expression=text.copy()),
                        expression=exp.Literal.string("' is too long and would be truncated"))
    too_long = exp.GT(this=variant.fn("length", text.copy()), expression=exp.Literal.number(length))
    return exp.Case(ifs=[exp.If(this=too_long, true=variant.fn("error", message))], default=text)


def _to_binary(node: exp.ToBinary) -> exp.Expr | None:
    """TO_BINARY(s) reads s in BINARY_INPUT_FORMAT, HEX unless set (the TO_BINARY page); DuckDB's
    to_binary would give the text's bits as a string."""
    if node.args.get("format") is None:  # as BINARY_INPUT_FORMAT says
        text = exp.Cast(this=node.this, to=exp.DataType.build("VARCHAR"))
        return variant.macro("snowreg_text_binary", text, exp.Boolean(this=bool(node.args.get("safe"))))
    given = node.args["format"]
    if node.args.get("safe") or not (isinstance(given, exp.Literal) and given.name.upper() == "HEX") \
            or (isinstance(node.this, exp.Literal) and node.this.is_string):
        return None
    return variant.fn("unhex", texts.hex_checked(node.this))  # a column's text that is no hex: 100115


def _clock(node: exp.Expr) -> exp.Expr | None:
    """CURRENT_TIMESTAMP → get_current_timestamp(): DuckDB binds a bare CURRENT_TIMESTAMP to the select
    alias of the same name (which every unaliased item now has) and refuses it."""
    if isinstance(node, exp.CurrentTimestamp):
        now = variant.fn("get_current_timestamp")
        return exp.AtTimeZone(this=now, zone=exp.Literal.string("UTC")) if node.args.get("sysdate") else \
            _precision(now, node.this)
    if isinstance(node, exp.CurrentDate):
        return variant.fn("current_date")
    # CURRENT_TIME / LOCALTIME: a TIME (no zone) on the session's clock, as Snowflake's TIME type is.
    return _precision(exp.Cast(this=variant.fn("get_current_time"), to=exp.DataType(this=_T.TIME)), node.this)


def _precision(now: exp.Expr, digits: exp.Expr | None) -> exp.Expr:
    """CURRENT_TIMESTAMP(p) / CURRENT_TIME(p) / LOCALTIME(p): the clock cut to p fraction digits (the pages'
    fract_sec_precision, 0-9; DuckDB's clock has six, DECISIONS.md T88)."""
    if not (isinstance(digits, exp.Literal) and digits.is_int) or int(digits.name) >= 6:
        return now
    step = 10 ** (6 - int(digits.name))
    rest = exp.Mod(this=variant.fn("date_part", exp.Literal.string("microseconds"), now.copy()),
                   expression=exp.Literal.number(step))
    return exp.Paren(this=exp.Sub(this=now, expression=variant.fn("to_microseconds", rest)))


# Expressions whose type cannot be seen in the text: a VARIANT may hide behind them.
_OPAQUE = (exp.Column, exp.Dot, exp.Anonymous, exp.Case, exp.Coalesce, exp.Subquery)
# Our macros that answer a number (engine.sql.numbers' divisions and MODs): no VARIANT behind them, and a
# sort key around the alias of one would make DuckDB inline an expression it deems to have side effects.
_NUMBER_MACROS = frozenset({"snowreg_ndiv", "snowreg_fdiv", "snowreg_mod", "snowreg_nmod"})


def _replaced(projections: list[exp.Expr]) -> dict[str, exp.Expr]:
    """`* REPLACE (expr AS c)` (or `t.* REPLACE …`): the expression the output column c holds."""
    found: dict[str, exp.Expr] = {}
    for p in projections:
        star = p.this if isinstance(p, exp.Column) else p.unnest()
        for item in star.args.get("replace") or [] if isinstance(star, exp.Star) else []:
            if isinstance(item, exp.Alias):
                found[item.alias] = item.this
    return found


def _order_item(ordered: exp.Ordered, items: dict[str, exp.Expr], positions: list[str] | None,
                substitute: bool, window: bool, replaced: frozenset[str] = frozenset()) -> list[exp.Ordered]:
    """One ORDER BY item → keys that sort VARIANT values by Snowflake's order. A `* REPLACE` column
    (`replaced`) is its expression inside a key: there DuckDB would read the table's column of that name."""
    key = ordered.this
    ref = key
    if positions is not None and isinstance(key, exp.Literal) and key.is_int:
        n = int(key.this)
        if not 1 <= n <= len(positions) or positions.count(positions[n - 1]) > 1:
            return [ordered]  # out of range, or a name two items have (`e.id, m.id`): the ordinal itself
        ref = exp.column(exp.Identifier(this=positions[n - 1], quoted=True))
        key = ref
    target = items.get(ref.name, ref) if isinstance(ref, exp.Column) and not ref.table else ref
    if substitute and target is not ref and ref.name in replaced:
        ref = target
    if variant.is_json(target):
        arg = target.copy() if substitute and variant.is_path(target) else ref.copy()
        return [_ordered(ordered, variant.macro("snowreg_vorder", arg))]
    if isinstance(target, _OPAQUE) and variant.macro_called(target) not in _NUMBER_MACROS:
        variant_key = _ordered(ordered, variant.macro("snowreg_vkey_any", ref.copy()))
        # a column of the rows read: translate.py may drop the key (VARIANT_KEY). Not in a window, whose
        # ORDER BY may name a select alias (DuckDB resolves it; `items` does not hold the aliases there).
        if isinstance(target, exp.Column) and not window:
            variant_key.meta[VARIANT_KEY] = True
        return [variant_key, _ordered(ordered, key)]
    return [ordered]


# Marks the VARIANT sort key of a bare column, which a table without VARIANT columns does not need.
VARIANT_KEY = "snowreg_variant_key"


def _ordered(like: exp.Ordered, this: exp.Expr) -> exp.Ordered:
    return exp.Ordered(this=this, desc=like.args.get("desc"), nulls_first=like.args.get("nulls_first"))


def _order_by(node: exp.Expr) -> exp.Expr | None:
    """ORDER BY of a query or window: VARIANT values sort numerically, then by type rank."""
    order = node.args.get("order")
    if not isinstance(order, exp.Order) or _offset_range(node):
        return None
    items: dict[str, exp.Expr] = {}
    replaced: dict[str, exp.Expr] = {}
    positions: list[str] | None = None
    substitute = False
    if not isinstance(node, exp.Window):
        first = node
        while isinstance(first, exp.SetOperation):
            first = first.this
        projections = first.expressions if isinstance(first, exp.Select) else []
        items = {p.alias: p.this for p in projections if isinstance(p, exp.Alias)}
        positions = [p.alias_or_name for p in projections]
        if any(isinstance(p.unnest(), exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
               for p in projections):
            positions = None
        if positions is None and isinstance(node, exp.Select) and _replaced(projections) \
                and all(isinstance(o.this, exp.Literal) and o.this.is_int for o in order.expressions):
            return _ordinals_outside(node, order)
        substitute = isinstance(node, exp.Select) and not node.args.get("distinct") and not node.args.get("group")
        replaced = _replaced(projections) if substitute else {}
        items.update(replaced)
        _order_by_all(order, positions)
    outside = substitute and _sorts_outside(node, order, items, positions)
    keys = [k for o in order.expressions
            for k in _order_item(o, items, positions, substitute and not outside, isinstance(node, exp.Window),
                                 frozenset(replaced))]
    order.set("expressions", keys)
    if outside and isinstance(node, exp.Select):
        _sort_outside(node)
    return None


def _offset_range(node: exp.Expr) -> bool:
    """A window framed `RANGE BETWEEN <offset> …`: its one ORDER BY key is a number, date or time
    (https://docs.snowflake.com/en/sql-reference/functions-analytic), never a VARIANT, and DuckDB takes
    no second key there."""
    spec = node.args.get("spec") if isinstance(node, exp.Window) else None
    if not isinstance(spec, exp.WindowSpec) or str(spec.args.get("kind") or "").upper() != "RANGE":
        return False
    return any(isinstance(spec.args.get(side), exp.Expr) for side in ("start", "end"))


def _ordinals_outside(node: exp.Select, order: exp.Order) -> exp.Expr:
    """`SELECT * REPLACE (… AS c) … ORDER BY 2`: the ordinal names an output column whose place only DuckDB
    knows (the star's columns), and a VARIANT there sorts by Snowflake's order: the query becomes a subquery
    (`_sort_outside`) and the outer query sorts by its positional columns (`#2`)."""
    _sort_outside(node)
    keys: list[exp.Ordered] = []
    for ordered in order.expressions:
        position = exp.Var(this=f"#{int(ordered.this.this)}")
        keys += [_ordered(ordered, variant.macro("snowreg_vkey_any", position)), _ordered(ordered, position.copy())]
    node.set("order", exp.Order(expressions=keys))
    return node


# The clauses that stay on a query sorted outside (`_sort_outside`); every other one moves inside.
_OUTSIDE = frozenset({"order", "limit", "offset", "with_"})
SORTED = "snowreg_sorted"  # the alias of the inner query of a query sorted outside


def _sorts_outside(node: exp.Expr, order: exp.Order, items: dict[str, exp.Expr], positions: list[str] | None) -> bool:
    """Sort the statement's rows outside it (`_sort_outside`)? Only where that gains something and cannot
    change the answer: the statement's own SELECT (its output names are the statement's), which orders by a
    VARIANT path select item (whose sort key would otherwise repeat the path, which DuckDB binds and plans
    again, ~1 ms for a path that may hold DOUBLEs) and orders only by its items, named or by position,
    whose names are distinct (DuckDB compares them case-blind), with no model call (the inference engine
    reads the statement's shape)."""
    if node.parent is not None or not isinstance(node, exp.Select) or positions is None:
        return False
    names = [name.upper() for name in positions]
    if not all(names) or len(set(names)) != len(names) \
            or not all(isinstance(p, (exp.Alias, exp.Column)) for p in node.expressions):
        return False
    gains = False
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, exp.Literal) and key.is_int and 1 <= int(key.this) <= len(positions):
            key = exp.column(exp.Identifier(this=positions[int(key.this) - 1], quoted=True))
        if not (isinstance(key, exp.Column) and not key.table and key.name in positions):
            return False
        target = items.get(key.name, key)
        gains = gains or (variant.is_json(target) and variant.is_path(target))
    return gains and not variant.calls_model(node)


def _sort_outside(node: exp.Select) -> None:
    """`SELECT items FROM … ORDER BY keys LIMIT n` → `SELECT * FROM (SELECT items FROM …) ORDER BY keys
    LIMIT n`, in place: the keys then read the items' values by name, so a VARIANT path is bound once."""
    inner = exp.Select()
    for key, value in list(node.args.items()):
        if key not in _OUTSIDE and value is not None and value != []:
            node.set(key, None)
            inner.set(key, value)
    node.set("expressions", [exp.Star()])
    alias = exp.TableAlias(this=exp.Identifier(this=SORTED, quoted=True))
    node.set("from_", exp.From(this=exp.Subquery(this=inner, alias=alias)))


def _order_by_all(order: exp.Order, positions: list[str] | None) -> None:
    """`ORDER BY ALL [ASC | DESC] [NULLS …]` (https://docs.snowflake.com/en/sql-reference/constructs/order-by):
    every select item, left to right, in that direction; the items' ordinals (DuckDB's ALL with a star)."""
    if len(order.expressions) != 1 or (positions is not None and "ALL" in positions):
        return
    item = order.expressions[0]
    column = item.this
    if not (isinstance(column, exp.Column) and not column.table and column.name == "ALL"):  # names are bound
        return
    keys: list[exp.Expr] = [exp.Var(this="ALL")] if positions is None else \
        [exp.Literal.number(n) for n in range(1, len(positions) + 1)]
    order.set("expressions", [exp.Ordered(this=key, desc=item.args.get("desc"), nulls_first=item.args.get("nulls_first"))
                              for key in keys])


def _with(node: exp.With) -> exp.Expr | None:
    """A CTE that reads itself is recursive with or without the keyword ("The keyword RECURSIVE is optional",
    https://docs.snowflake.com/en/sql-reference/constructs/with); DuckDB needs WITH RECURSIVE."""
    if node.args.get("recursive"):
        return None
    for cte in node.expressions:
        name = cte.alias
        if any(t.name == name and not t.db for t in cte.this.find_all(exp.Table)):
            node.set("recursive", True)
            break
    return None


def _sample(node: exp.TableSample) -> exp.Expr | None:
    """SAMPLE (n ROWS) is a fixed-size sample (DuckDB's reservoir: exactly min(n, rows) rows); BLOCK is
    SYSTEM and ROW is BERNOULLI (https://docs.snowflake.com/en/sql-reference/constructs/sample)."""
    method = node.args.get("method")
    query_clauses.fixed_sample(node)
    if node.args.get("size") is not None:
        node.set("method", exp.Var(this="RESERVOIR"))
    elif isinstance(method, exp.Var) and method.name.upper() in ("BLOCK", "ROW"):  # BERNOULLI | ROW, SYSTEM | BLOCK
        node.set("method", exp.Var(this="SYSTEM" if method.name.upper() == "BLOCK" else "BERNOULLI"))
    return None


def _asof(node: exp.Join) -> exp.Expr | None:
    """ASOF JOIN … MATCH_CONDITION (…) [ON …] → DuckDB's ASOF LEFT JOIN with both conditions: a left row
    without a match keeps NULLs (https://docs.snowflake.com/en/sql-reference/constructs/asof-join)."""
    condition = node.args.get("match_condition")
    if condition is None:
        return None
    if node.args.get("using"):
        condition = query_clauses.asof_using(node, condition)
    on = node.args.get("on")
    node.set("on", exp.and_(on, condition) if on is not None else condition)
    node.set("match_condition", None)
    node.set("side", "LEFT")
    return None


def _pivot(node: exp.Pivot) -> exp.Expr | None:
    """PIVOT … IN (ANY …) / IN (subquery): the columns depend on the data, which snowreg does not emulate;
    nor DEFAULT ON NULL. UNPIVOT's `col AS alias` names its rows by the alias as written."""
    for field in node.args.get("fields") or []:
        if any(isinstance(e, exp.PivotAny | exp.Query) for e in field.expressions):
            raise not_supported("PIVOT with IN (ANY …) or IN (<subquery>)")
        for alias in (e.args.get("alias") for e in field.expressions if isinstance(e, exp.PivotAlias)):
            if node.args.get("unpivot") and isinstance(alias, exp.Identifier):
                alias.set("this", snowflake(alias.this))
    if node.args.get("default_on_null"):  # pivot_defaults took the ones it can write
        raise not_supported("PIVOT … DEFAULT ON NULL with several aggregates")
    return None


def pivot_defaults(stmt: exp.Expr) -> None:
    """PIVOT … DEFAULT ON NULL (d): the pivoted columns of the table the pivot reads wrapped in
    COALESCE(column, d), DuckDB's PIVOT having no such clause
    (https://docs.snowflake.com/en/sql-reference/constructs/pivot). Runs before the tree is bound, so
    the subquery it writes is bound like any other; a pivot of several aggregates or FOR columns is left
    for `_pivot` to refuse."""
    for pivot in list(stmt.find_all(exp.Pivot)):
        default, fields = pivot.args.get("default_on_null"), pivot.args.get("fields") or []
        source = pivot.parent
        if default is None or len(fields) != 1 or len(pivot.expressions) != 1 or not isinstance(source, exp.Table | exp.Subquery):
            continue
        values = fields[0].expressions
        alias = pivot.args.get("alias")
        renamed = alias.args.get("columns") if isinstance(alias, exp.TableAlias) else None
        names = [c.copy() for c in renamed[len(renamed) - len(values):]] if renamed else \
            [_pivot_name(v) for v in values]
        pivot.set("default_on_null", None)
        replaced = [exp.Alias(this=exp.Coalesce(this=exp.Column(this=n.copy()), expressions=[default.copy()]),
                              alias=n.copy()) for n in names]
        inner = exp.Select(expressions=[exp.Star(replace=replaced)]).from_(source.copy())
        outer = exp.TableAlias(this=alias.this.copy()) if isinstance(alias, exp.TableAlias) and alias.this else None
        source.replace(exp.Subquery(this=inner, alias=outer))


CONNECT_BY_LEVELS = 1000


def connect_by_limit(stmt: exp.Expr) -> None:
    """CONNECT BY over data with a cycle would recurse forever on DuckDB (sqlglot writes it as a recursive
    CTE): past CONNECT_BY_LEVELS levels the join condition raises a not-supported error instead. Runs on
    the bound tree, just before it is written out (`PRIOR level` is the CTE's own depth column)."""
    for select in stmt.find_all(exp.Select):
        connect = select.args.get("connect")
        if not isinstance(connect, exp.Connect):
            continue
        predicate = connect.args.get("connect")
        if predicate is None or predicate.find(exp.Prior) is None:
            continue
        message = f"snowreg_unsupported:CONNECT BY deeper than {CONNECT_BY_LEVELS} levels (does the data hold a cycle?)"
        too_deep = exp.GTE(this=exp.Prior(this=exp.column("level")), expression=exp.Literal.number(CONNECT_BY_LEVELS))
        guard = exp.Case(ifs=[exp.If(this=too_deep, true=exp.Anonymous(this="error", expressions=[
            exp.Literal.string(message)]))], default=exp.true())
        connect.set("connect", exp.and_(exp.Paren(this=predicate), guard))


def star_rename_guard(stmt: exp.Expr) -> None:
    """`* RENAME (c AS x)` naming no column c is an error in Snowflake (conformance/DECISIONS.md O31); DuckDB
    renames nothing and says nothing. A WHERE term naming each renamed column (`CASE WHEN FALSE THEN c IS
    NULL ELSE TRUE END`, always true, folded away) makes DuckDB's binder report a missing one. Runs on the
    bound tree (the names are resolved)."""
    for star in list(stmt.find_all(exp.Star)):
        select = star.parent.parent if isinstance(star.parent, exp.Column) else star.parent
        if not star.args.get("rename") or not isinstance(select, exp.Select) or not select.args.get("from_"):
            continue
        table = star.parent.args.get("table") if isinstance(star.parent, exp.Column) else None
        for renamed in star.args["rename"]:
            name = renamed.this if isinstance(renamed, exp.Alias) else None
            if not isinstance(name, exp.Column):
                continue
            column = exp.Column(this=name.this.copy(), table=table.copy() if table is not None else None)
            select.where(exp.Case(ifs=[exp.If(this=exp.false(), true=exp.Is(this=column, expression=exp.null()))],
                                  default=exp.true()), copy=False)


def _pivot_name(value: exp.Expr) -> exp.Identifier:
    """The column PIVOT names after an IN value: its alias, else the value as written (`'2023_Q1'`)."""
    if isinstance(value, exp.PivotAlias) and isinstance(value.args.get("alias"), exp.Identifier):
        return value.args["alias"].copy()
    return exp.Identifier(this=value.sql(dialect="snowflake"), quoted=True)


def _star(node: exp.Star) -> exp.Expr | None:
    """`* ILIKE 'p'` with RENAME / REPLACE where engine.sql.star_ilike could not write the pattern as an EXCLUDE
    (the star's columns are not known there): DuckDB filters a star by pattern only alone (refused). With
    EXCLUDE it is an error (https://docs.snowflake.com/en/sql-reference/sql/select lists ILIKE and EXCLUDE
    as alternatives; conformance/DECISIONS.md S6). A column both replaced and renamed DuckDB's star cannot
    take: refused (N41), not DuckDB's syntax error."""
    replaced = {a.alias.upper() for a in node.args.get("replace") or [] if isinstance(a, exp.Alias)}
    if replaced and any(isinstance(a, exp.Alias) and a.this.name.upper() in replaced for a in node.args.get("rename") or []):
        raise not_supported("SELECT * … REPLACE and RENAME of the same column")
    if node.args.get("ilike") is None:
        return None
    if node.args.get("except_"):
        raise compilation_error("SELECT * ILIKE … cannot be combined with EXCLUDE.")
    if node.args.get("rename") or node.args.get("replace"):
        raise not_supported("SELECT * ILIKE … with RENAME or REPLACE")
    return None


_BIGINT_MAX = 2 ** 63 - 1


def _wide_integer(node: exp.Literal) -> exp.Expr | None:
    """An integer literal past BIGINT, of at most 38 digits, added, subtracted or multiplied is a NUMBER(38, 0)
    (https://docs.snowflake.com/en/sql-reference/data-types-numeric): DuckDB reads it as a HUGEINT, whose
    arithmetic went on past 38 digits (`99999999999999999999999999999999999999 + 1` was 10^38) where
    NUMBER's fails with 100046. Elsewhere (a sequence's bounds, a lone value) it stays as it is."""
    operand = node.parent if isinstance(node.parent, exp.Neg) else node
    if not isinstance(operand.parent, exp.Add | exp.Sub | exp.Mul) or node.is_string or not node.is_int \
            or not _BIGINT_MAX < int(node.this) < 10 ** 38:
        return None
    return exp.Cast(this=node.copy(), to=exp.DataType.build("DECIMAL(38, 0)"))


def _empty_pattern_list(node: exp.Any | exp.All) -> exp.Expr | None:
    """`LIKE ANY ()` / `ILIKE ALL ()`: no pattern is a syntax error (the pattern list takes one or more)."""
    if isinstance(node.this, exp.Tuple) and not node.this.expressions:
        raise syntax_error_detail(f"unexpected ')': {node.key.upper()} needs at least one pattern")
    return None


def _values(node: exp.Values) -> exp.Expr | None:
    """`VALUES (…)` as a row source has columns COLUMN1, COLUMN2, … (DuckDB would say col0, col1)."""
    alias = node.args.get("alias")
    if isinstance(node.parent, exp.Insert) or (alias is not None and alias.args.get("columns")):
        return None
    first = node.expressions[0] if node.expressions else None
    width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
    columns = [exp.Identifier(this=f"COLUMN{i + 1}", quoted=True) for i in range(width)]
    name = alias.this if alias is not None else exp.Identifier(this="VALUES", quoted=True)
    node.set("alias", exp.TableAlias(this=name, columns=columns))
    return None


# Session context lives in the engine; it hands it to DuckDB as variables (Session.sync_duckdb_variables).
_CONTEXT_VARIABLES: dict[type[exp.Expr], str] = {
    exp.CurrentRole: "snowreg_role",
    exp.CurrentUser: "snowreg_user",
    exp.CurrentDatabase: "snowreg_database",
    exp.CurrentSchema: "snowreg_schema",
    exp.CurrentWarehouse: "snowreg_warehouse",
    exp.CurrentSession: "snowreg_session",
    exp.CurrentTransaction: "snowreg_transaction",  # NULL outside a transaction (engine.transaction)
}
# The fake account snowreg answers as (conformance/DECISIONS.md): the same for every session, so
# written into the SQL rather than set on every new DuckDB connection (each SET costs ~0.2 ms).
ACCOUNT_CONTEXT: dict[type[exp.Expr], str] = {
    exp.CurrentAccount: "SNOWREG",  # the account locator
    exp.CurrentAccountName: "SNOWREG",
    exp.CurrentOrganizationName: "SNOWREG",
    exp.CurrentRegion: "AWS_US_WEST_2",
    exp.CurrentClient: "snowreg",
}


def _context(node: exp.Expr) -> exp.Expr:
    """`CURRENT_ROLE()` → `getvariable('snowreg_role')`, and likewise for the other session values."""
    constant = ACCOUNT_CONTEXT.get(type(node))
    if constant is not None:
        return exp.Literal.string(constant)
    return variant.fn("getvariable", exp.Literal.string(_CONTEXT_VARIABLES[type(node)]))



def _keep_null_unique(node: exp.JSONObject) -> exp.Expr | None:
    """OBJECT_CONSTRUCT_KEEP_NULL with a key that may be given twice: the Duplicate field key error OBJECT_CONSTRUCT
    gives (DECISIONS.md F94), where DuckDB's json_object kept both members."""
    keys = [p.this.name if isinstance(p, exp.JSONKeyValue) and isinstance(p.this, exp.Literal) else None
            for p in node.expressions]
    if None not in keys and len(set(keys)) == len(keys):  # constant keys: their members in key order (F108)
        node.set("expressions", sorted(node.expressions, key=lambda p: keys[node.expressions.index(p)] or ""))
        return None
    return json_order.ordered(variant.macro("snowreg_object_unique", node.copy()))


REWRITES: dict[type[exp.Expr], Callable[[Any], exp.Expr | None]] = {
    exp.JSONObject: _keep_null_unique,
    exp.Transform: lambdas.transform,  # one structured_casts wrote (a written TRANSFORM is bound by its name)
    exp.DPipe: texts.concat_args,
    exp.Concat: texts.concat_args,
    exp.DataType: _data_type,
    exp.Generator: _generator,
    exp.Subquery: _parenthesized_table,
    exp.Cast: _binary_cast,
    exp.TryCast: _binary_cast,
    exp.ToBinary: _to_binary,
    exp.CurrentTimestamp: _clock,
    exp.CurrentDate: _clock,
    exp.Localtime: _clock,
    exp.Select: _order_by,
    exp.Union: _order_by,
    exp.Except: _order_by,
    exp.Intersect: _order_by,
    exp.Window: _order_by,
    exp.Properties: _properties,
    exp.ColumnDef: _column_def,
    exp.Values: _values,
    exp.With: _with,
    exp.TableSample: _sample,
    exp.Join: _asof,
    exp.Pivot: _pivot,
    exp.Limit: query_clauses.row_count,
    exp.Offset: query_clauses.row_count,
    exp.Fetch: query_clauses.row_count,
    exp.Star: _star,
    exp.Any: _empty_pattern_list,
    exp.All: _empty_pattern_list,
    exp.Literal: _wide_integer,
    exp.Parameter: lambda node: exp.Var(this=f"#{node.name}") if node.name.isdigit() else None,
    **{cls: _context for cls in (*_CONTEXT_VARIABLES, *ACCOUNT_CONTEXT)},
}
