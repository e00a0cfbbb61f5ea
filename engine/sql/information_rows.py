"""A query over INFORMATION_SCHEMA.MODEL_VERSIONS of a simple shape, answered from the registry's rows in Python.

The guide's query (`SELECT …, metadata:metric:accuracy AS accuracy, … FROM db.INFORMATION_SCHEMA.MODEL_VERSIONS
ORDER BY accuracy DESC`) spent ~2.5 of its ~3.3 ms in DuckDB binding the translated text and in handing the
rows to the session's cursor. A query whose translation (the DuckDB text: names resolved, NULL ordering and
database made explicit) has only these parts is answered here instead, from the same Arrow rows the
cursor would have read:

- select items: `*`, bare columns of MODEL_VERSIONS, and `CAST(snowreg_dpath("<json column>", '<path>') AS
  JSON)` (a VARIANT path, `metadata:metric:accuracy`), each under a distinct name;
- FROM `SNOWREG_MODEL_VERSIONS('<database>')` alone; WHERE: `"<text column>" = '<text>'`, joined by AND;
- ORDER BY select items (by name or position; bare columns that are not JSON, or a path item by its
  VARIANT order `snowreg_vorder`), ASC / DESC, NULLS FIRST / LAST; LIMIT / OFFSET of integers.

Anything else (another function, a cast, a JSON column in a sort key, a name this module does not find
exactly) goes the general way, so errors are always the general path's. A path's value and its sort key
are DuckDB's own: the translated macros run once over the documents not seen before (one small query,
cached per document and path), and the rows then take the same conversion to Snowflake values as any
result (`run.shape`). Rows that sort equal may come in another order than DuckDB's (SQL leaves it open).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snowreg.engine.session import Session
    from snowreg.engine.sql.translation import Translation

_FN = ('"snowreg_fn"', '"main"')  # the macro catalog and schema the translation qualifies macros with


@dataclasses.dataclass(frozen=True, slots=True)
class Item:
    """One select item: a column of MODEL_VERSIONS, or a VARIANT path into one of its JSON columns."""

    name: str
    column: str
    path: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Key:
    """One sort key: the select item at `item`, by its plain value, its VARIANT order (`variant`), or
    `snowreg_vkey_any` of a column that is not JSON (`constant`: DuckDB folds it to NULL)."""

    item: int
    kind: str  # "value" | "variant" | "constant"
    desc: bool
    nulls_first: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    database: str
    items: tuple[Item, ...]
    where: tuple[tuple[str, str], ...]
    order: tuple[Key, ...]
    limit: int | None
    offset: int


ENABLED = [True]  # tests turn it off to compare with the general path
_PLANS: dict[str, Plan | None] = {}
_PLANS_KEPT = 256
_VALUES: dict[tuple[str, str | None], tuple[str | None, Any]] = {}  # (path, document) → (JSON text, sort key)
_VALUES_KEPT = 20_000
_lock = threading.Lock()


def answer(session: Session, tr: Translation) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]] | None:
    """The statement's rows as the cursor would fetch them, with its columns' names and DuckDB types (for
    `run.shape`); None when its shape is not one answered here (run it the general way)."""
    if not ENABLED[0] or tr.kind != "select" or tr.udfs or tr.set_probes or tr.guard is not None or tr.offsets \
            or len(tr.tables) != 1 or tr.tables[0].name != "MODEL_VERSIONS":
        return None
    plan = _plan(tr.sql)
    if plan is None:
        return None
    from snowreg.engine.access import privileges

    table = session.catalog.model_version_rows(privileges.visible_model_ids(session))
    types = _types(table.schema, plan)
    if types is None:
        return None
    session.sync_duckdb_variables({}, variables=False)  # the cursor's time zone, as the general path sets it
    zone = _zone(session.timezone)
    if zone is None:
        return None
    return _result(session, plan, types, _columns(table, plan, zone))


def _types(schema: Any, plan: Plan) -> list[str] | None:
    """The DuckDB type name of each item, as the cursor would describe it; None for a type not handled."""
    import pyarrow as pa

    out = []
    for item in plan.items:
        field = schema.field(item.column)
        json = getattr(field.type, "extension_name", None) == "arrow.json"
        if item.path is not None:
            if not json:
                return None
            out.append("JSON")
        elif json:
            out.append("JSON")
        elif field.type == pa.string():
            out.append("VARCHAR")
        elif pa.types.is_timestamp(field.type) and field.type.tz is not None and field.type.unit == "us":
            out.append("TIMESTAMP WITH TIME ZONE")
        else:
            return None
    for key in plan.order:  # a bare JSON column sorts by its VARIANT order: not done here
        if key.kind != "variant" and out[key.item] == "JSON":
            return None
    for column, _ in plan.where:
        if schema.field(column).type != pa.string():
            return None
    return out


def _columns(table: Any, plan: Plan, zone: Any) -> dict[str, list[Any]]:
    """The needed columns of the plan's database's rows, that pass its WHERE, as Python lists (the
    values the cursor would fetch: timestamps in the session's zone)."""
    databases = table.column("DATABASE_NAME").to_pylist()
    keep = [i for i, d in enumerate(databases) if d == plan.database]
    for column, value in plan.where:
        values = table.column(column).to_pylist()
        keep = [i for i in keep if values[i] == value]
    needed = sorted({item.column for item in plan.items})
    if len(keep) != len(databases):
        import pyarrow as pa

        table = table.select(needed).take(pa.array(keep, type=pa.int64()))
    return {c: _pylist(table.column(c), zone) for c in needed}


_EPOCH: list[Any] = []
_TIMES: dict[tuple[str, int], Any] = {}  # (zone, microseconds since the epoch) → datetime in that zone
_TIMES_KEPT = 50_000


def _pylist(column: Any, zone: Any) -> list[Any]:
    """An Arrow column's values in Python. pyarrow makes a zoned timestamp ~10 µs and a JSON extension
    value ~2 µs: timestamps are made from their microseconds once per zone and value, JSON is read as
    its text."""
    import pyarrow as pa

    kind = column.type
    if getattr(kind, "extension_name", None) == "arrow.json":
        return pa.chunked_array([c.storage for c in column.chunks], type=kind.storage_type).to_pylist()
    if not (pa.types.is_timestamp(kind) and kind.tz is not None):
        return list(column.to_pylist())
    import datetime as dt

    if not _EPOCH:
        _EPOCH.append(dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    epoch, times, name, out = _EPOCH[0], _TIMES, zone.key, []
    if len(times) > _TIMES_KEPT:
        times.clear()
    for us in column.cast(pa.int64()).to_pylist():
        value = None if us is None else times.get((name, us))
        if value is None and us is not None:
            value = times[(name, us)] = (epoch + dt.timedelta(microseconds=us)).astimezone(zone)
        out.append(value)
    return out


def _result(session: Session, plan: Plan, types: list[str], columns: dict[str, list[Any]]
            ) -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    values: list[list[Any]] = []
    keys: dict[int, list[Any]] = {}
    for i, item in enumerate(plan.items):
        raw = columns[item.column]
        if item.path is not None:
            found = _path_values(session, item.path, raw)
            values.append([found[d][0] for d in raw])
            keys[i] = [found[d][1] for d in raw]
        else:
            values.append(raw)
    order = list(range(len(values[0]) if values else 0))
    for key in reversed(plan.order):  # stable sorts, the last key first
        if key.kind == "constant":
            continue
        column = keys[key.item] if key.kind == "variant" else values[key.item]
        order.sort(key=_sort_key(column, key.nulls_first == key.desc), reverse=key.desc)
    stop = None if plan.limit is None else plan.offset + plan.limit
    chosen = order[plan.offset:stop]
    if chosen != list(range(len(order))):
        values = [[v[r] for r in chosen] for v in values]
    return list(zip(*values, strict=True)), [(item.name, kind) for item, kind in zip(plan.items, types, strict=True)]


def _sort_key(column: list[Any], high: bool) -> Callable[[int], tuple[Any, ...]]:
    """Row position → its sort key in `column`, NULLs above every value (`high`) or below (where NULLs
    go in a sort that `reverse` may turn round)."""
    null, value = (1 if high else 0,), 0 if high else 1
    return lambda r: null if column[r] is None else (value, column[r])


def _zone(name: str) -> Any:
    """The tzinfo DuckDB gives TIMESTAMP WITH TIME ZONE values in under TimeZone `name` (None: unknown)."""
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def _path_values(session: Session, path: str, documents: list[str | None]) -> dict[str | None, tuple[Any, Any]]:
    """Each document's value at the path (JSON text, as the cursor returns it) and its VARIANT sort key,
    computed by the translation's own macros for the documents not seen before."""
    found = {d: _VALUES.get((path, d)) for d in set(documents)}
    missing = [d for d, v in found.items() if v is None]
    if missing:
        from snowreg.catalog.sandbox import MACRO_CATALOG

        fn = f"{MACRO_CATALOG}.main"
        sql = (f"SELECT x, v, {fn}.snowreg_vorder(v) FROM (SELECT x, CAST({fn}.snowreg_dpath(CAST(x AS JSON), ?) "
               f"AS JSON) AS v FROM unnest(CAST(? AS VARCHAR[])) AS t(x))")
        session.catalog.store.functions_for(sql)
        rows = session.duck.execute(sql, [path, missing]).fetchall()
        with _lock:
            if len(_VALUES) > _VALUES_KEPT:
                _VALUES.clear()
            for x, v, k in rows:
                found[x] = _VALUES[(path, x)] = (v, None if k is None else _vorder_key(k))
    return found  # type: ignore[return-value]


def _vorder_key(k: dict[str, Any]) -> tuple[Any, ...]:
    """snowreg_vorder's struct as a Python key in DuckDB's order (rank, number, text; NaN above numbers)."""
    n = k["n"]
    return (k["r"], n != n, 0.0 if n != n else n, k["s"])


# -- the plan: the translated DuckDB text read back ----------------------------------------------------


def _plan(sql: str) -> Plan | None:
    with _lock:
        if sql in _PLANS:
            return _PLANS[sql]
    try:
        plan = _read_plan(sql)
    except _Unsupported:
        plan = None
    with _lock:
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.clear()
        _PLANS[sql] = plan
    return plan


class _Unsupported(Exception):
    """A part of the translated text this module does not answer."""


def _read_plan(sql: str) -> Plan:
    import sqlglot
    from sqlglot import exp

    try:
        root = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        raise _Unsupported from None
    if not isinstance(root, exp.Select):
        raise _Unsupported
    _only(root, {"expressions", "from", "from_", "where", "order", "limit", "offset"})
    source = root.args.get("from_") or root.args.get("from")
    inner = root
    if source is not None and isinstance(source.this, exp.Subquery):  # SELECT * FROM (…) AS "snowreg_sorted" ORDER BY …
        sub = source.this
        if len(root.expressions) != 1 or not isinstance(root.expressions[0], exp.Star) or root.args.get("where") \
                or not isinstance(sub.this, exp.Select) or sub.alias != "snowreg_sorted":
            raise _Unsupported
        _only(sub, {"this", "alias"})
        inner = sub.this
        _only(inner, {"expressions", "from", "from_", "where"})
    database, alias = _source(inner)
    items = _items(inner, alias)
    where = _where(inner.args.get("where"), alias)
    names = [item.name for item in items]
    if len(set(names)) != len(names):
        raise _Unsupported
    order = _order(root.args.get("order"), items, wrapped=inner is not root)
    limit, offset = _number(root.args.get("limit")), _number(root.args.get("offset"))
    return Plan(database, tuple(items), where, order, limit, offset or 0)


def _only(node: Any, allowed: set[str]) -> None:
    if any(value and key not in allowed for key, value in node.args.items()):
        raise _Unsupported


def _source(select: Any) -> tuple[str, str]:
    """`FROM SNOWREG_MODEL_VERSIONS('<database>') AS "<alias>"`: the database and the alias."""
    from sqlglot import exp

    source = select.args.get("from_") or select.args.get("from")
    table = source.this if source is not None else None
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Anonymous) \
            or table.this.name.upper() != "SNOWREG_MODEL_VERSIONS" or len(table.this.expressions) != 1:
        raise _Unsupported
    _only(table, {"this", "alias"})
    database = table.this.expressions[0]
    if not isinstance(database, exp.Literal) or not database.is_string:
        raise _Unsupported
    return database.this, table.alias


def _column(node: Any, alias: str) -> str:
    """A bare column of MODEL_VERSIONS (its exact name), optionally qualified by the FROM alias."""
    from sqlglot import exp

    from snowreg.catalog.information import MODEL_VERSIONS_COLUMNS

    if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier) \
            or node.name not in MODEL_VERSIONS_COLUMNS or node.args.get("db") or node.args.get("catalog") \
            or (node.table and node.table != alias):
        raise _Unsupported
    return str(node.name)


def _macro(node: Any, name: str) -> list[Any]:
    """The arguments of `"snowreg_fn"."main".<name>(…)`."""
    from sqlglot import exp

    if not isinstance(node, exp.Dot) or not isinstance(node.expression, exp.Anonymous) \
            or node.expression.name != name or node.this.sql(dialect="duckdb") != ".".join(_FN):
        raise _Unsupported
    return list(node.expression.expressions)


def _items(select: Any, alias: str) -> list[Item]:
    from sqlglot import exp

    from snowreg.catalog.information import MODEL_VERSIONS_COLUMNS

    items: list[Item] = []
    for node in select.expressions:
        if isinstance(node, exp.Star):
            items += [Item(c, c) for c in MODEL_VERSIONS_COLUMNS]
            continue
        if not isinstance(node, exp.Alias) or not isinstance(node.args.get("alias"), exp.Identifier):
            raise _Unsupported
        value, name = node.this, node.alias
        if isinstance(value, exp.Cast) and value.to.is_type("json") and not value.args.get("format"):
            args = _macro(value.this, "snowreg_dpath")
            if len(args) != 2 or not isinstance(args[1], exp.Literal) or not args[1].is_string:
                raise _Unsupported
            items.append(Item(name, _column(args[0], alias), args[1].this))
        else:
            items.append(Item(name, _column(value, alias)))
    return items


def _where(where: Any, alias: str) -> tuple[tuple[str, str], ...]:
    """`"<column>" = '<text>'` conditions joined by AND."""
    from sqlglot import exp

    if where is None:
        return ()
    out: list[tuple[str, str]] = []
    pending = [where.this]
    while pending:
        node = pending.pop()
        if isinstance(node, exp.And):
            pending += [node.this, node.expression]
        elif isinstance(node, exp.EQ) and isinstance(node.expression, exp.Literal) and node.expression.is_string:
            out.append((_column(node.this, alias), node.expression.this))
        else:
            raise _Unsupported
    return tuple(out)


def _order(order: Any, items: list[Item], wrapped: bool) -> tuple[Key, ...]:
    """The sort keys; a name must be one select item's (unwrapped, one that names no column of the view, or
    is that same bare column, so reading it as the item or as the column gives the same value)."""
    from sqlglot import exp

    from snowreg.catalog.information import MODEL_VERSIONS_COLUMNS

    if order is None:
        return ()
    keys: list[Key] = []
    names = {item.name: i for i, item in enumerate(items)}
    for ordered in order.expressions:
        node, variant, macro = ordered.this, False, ""
        if isinstance(node, exp.Dot):
            macro = node.expression.name if isinstance(node.expression, exp.Anonymous) else ""
            if macro not in ("snowreg_vorder", "snowreg_vkey_any"):
                raise _Unsupported
            (node,) = _macro(node, macro)
            variant = True
        if isinstance(node, exp.Literal) and not node.is_string and not variant:
            index = int(node.this) - 1
            if not 0 <= index < len(items):
                raise _Unsupported
        elif isinstance(node, exp.Column) and not node.table and node.name in names:
            index = names[node.name]
            if not wrapped and node.name in MODEL_VERSIONS_COLUMNS \
                    and (items[index].path is not None or items[index].column != node.name):
                raise _Unsupported  # the item's name is also a column's: which one DuckDB sorts by is not ours to say
        else:
            raise _Unsupported
        is_path = items[index].path is not None
        if macro == "snowreg_vkey_any" and not is_path:
            kind = "constant"  # NULL unless the column is JSON (refused in _types)
        elif variant == is_path and macro != "snowreg_vkey_any":
            kind = "variant" if variant else "value"
        else:
            raise _Unsupported
        keys.append(Key(index, kind, bool(ordered.args.get("desc")), bool(ordered.args.get("nulls_first"))))
    return tuple(keys)


def _number(node: Any) -> int | None:
    from sqlglot import exp

    if node is None:
        return None
    value = node.args.get("expression") or node.this
    if not isinstance(value, exp.Literal) or value.is_string or not value.this.isdigit():
        raise _Unsupported
    return int(value.this)
