"""A query over INFORMATION_SCHEMA.MODEL_VERSIONS of a simple shape, answered from the registry's rows in Python.

The guide's query (`SELECT …, metadata:metric:accuracy AS accuracy, … FROM db.INFORMATION_SCHEMA.MODEL_VERSIONS
ORDER BY accuracy DESC`) spent ~2.5 of its ~3.3 ms in DuckDB binding the translated text and in handing the
rows to the session's cursor. A query whose translation (the DuckDB text: names resolved, NULL ordering and
database made explicit) has only these parts is answered here instead, from the same rows the cursor
would have read (the catalog's per-model MODEL_VERSIONS rows, `catalog.ModelVersionRows`, as Python tuples):

- select items: `*`, bare columns of MODEL_VERSIONS, and `CAST(snowreg_dpath("<json column>", '<path>') AS
  JSON)` (a VARIANT path, `metadata:metric:accuracy`), each under a distinct name;
- FROM `SNOWREG_MODEL_VERSIONS('<database>')` alone; WHERE: `"<text column>" = '<text>'`, joined by AND;
- ORDER BY select items (by name or position; bare columns that are not JSON, or a path item by its
  VARIANT order `snowreg_vorder`), ASC / DESC, NULLS FIRST / LAST; LIMIT / OFFSET of integers.

Anything else (another function, a cast, a JSON column in a sort key, a name this module does not find
exactly) goes the general way, so errors are always the general path's. A path's value and its sort key
are DuckDB's own: the translated macros run once over the documents not seen before (one small query,
cached per document and path), and the rows then take the same conversion to Snowflake values as any
result (`run.shape`). Rows that sort equal keep the view's order (model, then version), which may not be
DuckDB's (SQL leaves it open; conformance/DECISIONS.md M2).

The answer (each row made and its sort key, in order) is kept per registry, plan, time zone and set of
visible models. The catalog keeps a row that no write changed as the same object, so after a write only
the rows that are new objects are made (and moved into place by their keys) and the ones gone are taken
out: the first query after a write to one version costs about what that version's row costs, not what
the registry's rows do.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from snowreg.catalog.information import MODEL_VERSIONS_COLUMNS
from snowreg.engine.result import Result

if TYPE_CHECKING:
    from snowreg.catalog import Catalog
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


def answer(session: Session, tr: Translation, shape: Callable[[list[tuple[Any, ...]], list[tuple[str, str]]], Result]
           ) -> Result | None:
    """The statement's result as the general path gives it (`shape`: its conversion of fetched rows to a
    Result); None when its shape is not one answered here (run it the general way)."""
    if not ENABLED[0] or tr.kind != "select" or tr.udfs or tr.set_probes or tr.guard is not None or tr.offsets \
            or len(tr.tables) != 1 or tr.tables[0].name != "MODEL_VERSIONS":
        return None
    plan = _plan(tr.sql)
    if plan is None:
        return None
    from snowreg.engine.access import privileges

    visible = privileges.visible_model_ids(session)
    found = session.catalog.model_version_parts(visible)
    if found is None:  # inside a registry transaction
        return None
    schema, parts = found
    types = _types(schema, plan)
    if types is None:
        return None
    session.sync_duckdb_variables({}, variables=False)  # the cursor's time zone, as the general path sets it
    zone = _zone(session.timezone)
    if zone is None:
        return None
    key = (plan, zone.key, None if visible is None else tuple(visible))
    with _lock:
        kept = _ANSWERS.setdefault(session.catalog.store, {})
        last = kept.get(key)
    columns = [(item.name, kind) for item, kind in zip(plan.items, types, strict=True)]
    made = _Making(session, plan, zone, shape, columns)
    now = made.updated(last, [p for p in parts if p.model.database_name == plan.database])
    if now is not last:
        with _lock:
            if len(kept) >= _ANSWERS_KEPT and key not in kept:
                kept.clear()
            kept[key] = now
    stop = None if plan.limit is None else plan.offset + plan.limit
    return Result(list(now.columns), now.outs[plan.offset:stop])


def forget(catalog: Catalog) -> None:
    """Drop every answer kept here and the registry's kept MODEL_VERSIONS rows, so the next query makes
    them afresh (tests compare an answer patched after writes with one made afresh)."""
    with _lock:
        _ANSWERS.clear()
    catalog.forget_model_version_rows()


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


# -- the answer kept per plan, time zone and visible models, patched row by row after a write ----------


@dataclasses.dataclass(frozen=True, slots=True)
class _Answer:
    """A plan's rows in one time zone for one set of visible models, sorted, with what they were made of:
    the registry's per-model rows (catalog.ModelVersionRows), whose unchanged rows stay the same objects,
    so a write remakes only the rows it changed and moves them into place."""

    parts: dict[int, tuple[tuple[Any, ...], ...]]  # model id → the rows of that model it was made of
    made: dict[int, tuple[tuple[Any, ...], Any, Any]]  # id(row) → (row, sort key, output row); key None: filtered out
    keys: list[Any]  # the sort keys of the rows answered, in order (unique: they end on model id and version seq)
    outs: list[tuple[Any, ...]]  # the rows answered, in that order (before OFFSET / LIMIT)
    columns: list[Any]  # the result's columns


# per registry (its Store): (plan, zone, visible model ids) → its answer
_ANSWERS: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _Answer]] = weakref.WeakKeyDictionary()
_ANSWERS_KEPT = 32
_PATCHED_AT_MOST = 64  # rows changed at once beyond which the answer is sorted afresh


class _Desc:
    """A sort key part that orders the other way round (a descending key within one ascending key)."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and bool(self.v == other.v)

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.v < self.v)

    __hash__ = None  # type: ignore[assignment]


@dataclasses.dataclass(slots=True)
class _Making:
    """What making rows of a plan needs: the session (path values), the zone, the general path's `shape`."""

    session: Session
    plan: Plan
    zone: Any
    shape: Callable[[list[tuple[Any, ...]], list[tuple[str, str]]], Result]
    columns: list[tuple[str, str]]

    def updated(self, last: _Answer | None, parts: list[Any]) -> _Answer:
        """`last` with the rows of the models that changed since made again (or made afresh)."""
        current = {p.model.id: p for p in parts}
        leaving, coming = _moves(last.parts if last is not None else {}, current)
        parts_now = {mid: p.rows for mid, p in current.items()}
        if last is not None and not leaving and not coming:  # the same rows (perhaps in new tuples)
            same = len(last.parts) == len(parts_now) and all(last.parts.get(m) is r for m, r in parts_now.items())
            return last if same else dataclasses.replace(last, parts=parts_now)
        made = dict(last.made) if last is not None else {}
        left = [made.pop(id(r))[1] for r in leaving]
        new = self.rows(coming)
        for entry in new:
            made[id(entry[0])] = entry
        columns = last.columns if last is not None else self.shape([], self.columns).columns
        if last is not None and len(leaving) + len(coming) <= _PATCHED_AT_MOST:
            keys, outs = list(last.keys), list(last.outs)
            for key in left:
                if key is not None:
                    i = bisect.bisect_left(keys, key)
                    del keys[i], outs[i]
            for _, key, out in new:
                if key is not None:
                    i = bisect.bisect_left(keys, key)
                    keys.insert(i, key)
                    outs.insert(i, out)
            return _Answer(parts_now, made, keys, outs, columns)
        answered = self.sorted([e for e in made.values() if e[1] is not None])
        return _Answer(parts_now, made, [e[1] for e in answered], [e[2] for e in answered], columns)

    def sorted(self, entries: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """Entries in their sort keys' order: stable sorts by each part, the last first, from the view's
        order (what a sort by the whole key gives, without comparing key parts in Python)."""
        entries.sort(key=lambda e: e[1][-1])
        order = [k for k in self.plan.order if k.kind != "constant"]
        for j in reversed(range(len(order))):
            if order[j].desc:
                entries.sort(key=lambda e, j=j: e[1][j].v, reverse=True)  # type: ignore[misc]
            else:
                entries.sort(key=lambda e, j=j: e[1][j])  # type: ignore[misc]
        return entries

    def rows(self, coming: list[tuple[int, int, tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
        """(row, sort key, output row) of each registry row (with its model id and version seq); the key
        and output row are None for a row the plan's WHERE leaves out."""
        plan = self.plan
        where = [(_POSITION[c], value) for c, value in plan.where]
        chosen = [(mid, seq, r) for mid, seq, r in coming if all(r[c] == value for c, value in where)]
        out: list[tuple[Any, ...]] = [(r, None, None) for _, _, r in coming if not all(r[c] == value for c, value in where)]
        if not chosen:
            return out
        values: list[list[Any]] = []  # by item, the values the cursor would fetch
        keys: dict[int, list[Any]] = {}
        for i, item in enumerate(plan.items):
            raw = [r[_POSITION[item.column]] for _, _, r in chosen]
            if item.path is not None:
                found = _path_values(self.session, item.path, raw)
                values.append([found[d][0] for d in raw])
                keys[i] = [found[d][1] for d in raw]
            elif self.columns[i][1] == "TIMESTAMP WITH TIME ZONE":
                values.append([_zoned(t, self.zone) for t in raw])
            else:
                values.append(raw)
        shaped = self.shape(list(zip(*values, strict=True)), self.columns).rows
        parts = []
        for key in plan.order:
            if key.kind == "constant":
                continue
            column = keys[key.item] if key.kind == "variant" else values[key.item]
            part = _sort_part(column, key.nulls_first == key.desc)
            parts.append([_Desc(p) for p in part] if key.desc else part)
        for n, (mid, seq, r) in enumerate(chosen):
            out.append((r, (*(p[n] for p in parts), (mid, seq)), shaped[n]))
        return out


_POSITION = {name: i for i, name in enumerate(MODEL_VERSIONS_COLUMNS)}


def _moves(before: dict[int, tuple[tuple[Any, ...], ...]], current: dict[int, Any]
           ) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, tuple[Any, ...]]]]:
    """The rows an answer made of the `before` rows (by model id) loses and the ones it gains (with their
    model id and version seq) to be made of the `current` models' rows: those that are other objects."""
    leaving: list[tuple[Any, ...]] = []
    coming: list[tuple[int, int, tuple[Any, ...]]] = []
    for mid, rows in before.items():
        if mid not in current:
            leaving += rows
    for mid, part in current.items():
        old, new, versions = before.get(mid, ()), part.rows, part.index.rows
        if old is new:
            continue
        if len(old) == len(new):  # the same versions in the same places, but for a few
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                if a is not b:
                    leaving.append(a)
                    coming.append((mid, versions[i].seq, b))
            continue
        old_ids, new_ids = {id(r) for r in old}, {id(r) for r in new}
        leaving += [r for r in old if id(r) not in new_ids]
        coming += [(mid, versions[i].seq, r) for i, r in enumerate(new) if id(r) not in old_ids]
    return leaving, coming


def _sort_part(column: list[Any], high: bool) -> list[tuple[Any, ...]]:
    """Each value's sort key, NULLs above every value (`high`) or below (ascending; a descending key wraps
    these in _Desc)."""
    null, value = (1 if high else 0,), 0 if high else 1
    return [null if v is None else (value, v) for v in column]


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
_TIMES: dict[tuple[str, int], Any] = {}  # (zone, microseconds since the epoch) → datetime in that zone
_TIMES_KEPT = 50_000


def _zoned(value: dt.datetime | None, zone: Any) -> dt.datetime | None:
    """A registry timestamp as the cursor fetches it from the Arrow rows: the same instant (a naive value
    read as UTC, as pyarrow stores it), in the session's zone, made once per zone and value."""
    if value is None:
        return None
    us = ((value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)) - _EPOCH) // _US
    name = zone.key
    found = _TIMES.get((name, us))
    if found is None:
        if len(_TIMES) > _TIMES_KEPT:
            _TIMES.clear()
        found = _TIMES[(name, us)] = (_EPOCH + dt.timedelta(microseconds=us)).astimezone(zone)
    return found


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
