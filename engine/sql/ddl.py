"""What CREATE / ALTER TABLE declare that DuckDB does not keep: column types, table kind, keys.

- Declared types in Snowflake's canonical text (https://docs.snowflake.com/en/sql-reference/intro-summary-data-types):
  STRING, TEXT, CHAR(n) … are VARCHAR (CHAR without a length is VARCHAR(1), VARCHAR without one
  VARCHAR(16777216), https://docs.snowflake.com/en/sql-reference/data-types-text); INT & co. are
  NUMBER(38,0); DOUBLE, REAL, FLOAT8 … are FLOAT (https://docs.snowflake.com/en/sql-reference/data-types-numeric).
- PRIMARY KEY / UNIQUE / FOREIGN KEY are recorded, not enforced; a primary key's columns are NOT NULL
  (https://docs.snowflake.com/en/sql-reference/constraints-overview). They are taken out of the
  statement before DuckDB sees it, which would enforce them.
- A VARCHAR(n) column of CREATE TABLE refuses a longer value (a CHECK that raises 100074's text); columns
  made otherwise get theirs from engine.sql.lengths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlglot import exp

from snowreg.catalog.coltypes import BINARY_LENGTH, TEXT_LENGTH
from snowreg.catalog.retention import PARAMETER, check_days
from snowreg.engine.sql import clustering, item_types
from snowreg.engine.sql.duckerrors import TOO_LONG_MARK
from snowreg.engine.sql.translation import Projected, scanned_result
from snowreg.errors import compilation_error, not_supported

_T = exp.DataType.Type
_TEXT = {_T.VARCHAR, _T.TEXT, _T.NVARCHAR, _T.CHAR, _T.NCHAR}
_INTEGERS = {_T.INT, _T.BIGINT, _T.SMALLINT, _T.TINYINT, _T.MEDIUMINT, _T.UTINYINT}
_FLOATS = {_T.FLOAT, _T.DOUBLE}
_PLAIN = {_T.BOOLEAN: "BOOLEAN", _T.DATE: "DATE", _T.VARIANT: "VARIANT", _T.OBJECT: "OBJECT", _T.ARRAY: "ARRAY"}
_TIMES = {_T.TIME: "TIME", _T.TIMESTAMP: "TIMESTAMP_NTZ", _T.DATETIME: "TIMESTAMP_NTZ",
          _T.TIMESTAMPNTZ: "TIMESTAMP_NTZ", _T.TIMESTAMPLTZ: "TIMESTAMP_LTZ", _T.TIMESTAMPTZ: "TIMESTAMP_TZ"}


@dataclass(frozen=True, slots=True)
class KeyDecl:
    """A key as written: names resolved by identifier rules; a FOREIGN KEY's table maybe unqualified."""

    kind: str  # PRIMARY KEY | UNIQUE | FOREIGN KEY
    columns: tuple[str, ...]
    name: str | None = None
    references: tuple[str | None, str | None, str] | None = None
    ref_columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableDDL:
    """The table facts of one CREATE TABLE or ALTER TABLE, for the registry (catalog/tables.py)."""

    action: Literal["create", "alter"]
    kind: str = "TABLE"  # TABLE | TRANSIENT | TEMPORARY
    columns: tuple[tuple[str, str | None], ...] = ()  # declared or added: (name, type text or None)
    keys: tuple[KeyDecl, ...] = ()
    dropped: tuple[str, ...] = ()  # ALTER: columns dropped or retyped (their record goes)
    renamed: tuple[tuple[str, str], ...] = ()  # ALTER … RENAME COLUMN a TO b
    dropped_keys: tuple[str, ...] = ()  # ALTER … DROP CONSTRAINT n
    source: tuple[str | None, str | None, str] | None = None  # CTAS / CLONE: the one table read
    projected: tuple[Projected, ...] = ()
    copies_keys: bool = False  # CREATE TABLE … LIKE: the source's keys too
    retyped: tuple[tuple[str, str | None], ...] = ()  # ALTER … SET DATA TYPE: (column, new type text or None)
    dropped_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()  # DROP PRIMARY KEY | UNIQUE (a, b): kind, columns
    renamed_to: tuple[str | None, str | None, str] | None = None  # ALTER TABLE … RENAME TO [db.][schema.]name
    retention: int | None = None  # CREATE TABLE … DATA_RETENTION_TIME_IN_DAYS = n (catalog/retention.py)
    cluster_by: str | None = None  # CREATE TABLE … CLUSTER BY (…): the key as SHOW TABLES shows it
    copies_clustering: bool = False  # CREATE TABLE … LIKE / CLONE without a CLUSTER BY: the source's key
    secure: bool = False  # CREATE SECURE VIEW (catalog/tables.py secure_views)


def _name(node: exp.Expr | None) -> str:
    ident = node.this if isinstance(node, exp.Column) else node
    if not isinstance(ident, exp.Identifier):
        return ""
    return ident.this if ident.quoted else ident.this.upper()


def _param(node: exp.DataType, i: int) -> int | None:
    params = node.expressions
    if i >= len(params):
        return None
    value = params[i].this if isinstance(params[i], exp.DataTypeParam) else params[i]
    return int(value.this) if isinstance(value, exp.Literal) and value.is_int else None


def declared_type(node: exp.DataType) -> str | None:
    """A written type → Snowflake's canonical text (None for a type snowreg does not describe)."""
    kind = node.this
    if kind in _TEXT:
        default = 1 if kind in (_T.CHAR, _T.NCHAR) else TEXT_LENGTH
        return f"VARCHAR({_param(node, 0) or default})"
    if kind is _T.DECIMAL:
        return f"NUMBER({_param(node, 0) or 38},{_param(node, 1) or 0})"
    if kind in _INTEGERS:
        return "NUMBER(38,0)"
    if kind in _FLOATS:
        return "FLOAT"
    if kind in (_T.BINARY, _T.VARBINARY):
        return f"BINARY({_param(node, 0) or BINARY_LENGTH})"
    if kind in _TIMES:
        name = _TIMES[kind]
        scale = _param(node, 0)
        return f"{name}({9 if scale is None else scale})"
    return _PLAIN.get(kind)


def _check_column_count(schema: exp.Expr, query: exp.Expr | None) -> None:
    """CTAS with a column list: "the number of column names specified must match the number of SELECT
    list items in the query" (https://docs.snowflake.com/en/sql-reference/sql/create-table); DuckDB would
    name the first ones and keep the rest. Checked where the items can be counted (no `*`)."""
    while isinstance(query, exp.SetOperation):
        query = query.this
    if not isinstance(schema, exp.Schema) or not isinstance(query, exp.Select):
        return
    named = [e for e in schema.expressions if isinstance(e, exp.ColumnDef | exp.Identifier)]
    items = query.expressions
    if not named or any(isinstance(i.unnest(), exp.Star) or isinstance(i, exp.Star)
                        or isinstance(i.this, exp.Star) for i in items):
        return
    if len(named) != len(items):
        raise compilation_error(f"The column list names {len(named)} columns but the query returns {len(items)}")


def table_kind(stmt: exp.Create) -> str:
    properties = stmt.args.get("properties")
    found = {type(p) for p in properties.expressions} if isinstance(properties, exp.Properties) else set()
    if exp.TemporaryProperty in found:
        return "TEMPORARY"
    return "TRANSIENT" if exp.TransientProperty in found else "TABLE"


def create_table(stmt: exp.Create, sql: str = "") -> TableDDL:
    """Read a CREATE TABLE (before translation; `sql` its text) and take its keys out of it."""
    schema = stmt.this
    defs = [d for d in schema.expressions if isinstance(d, exp.ColumnDef)] if isinstance(schema, exp.Schema) else []
    columns = tuple((_name(d.this), declared_type(d.args["kind"]) if isinstance(d.args.get("kind"), exp.DataType)
                     else None) for d in defs)
    keys = _take_keys(schema) if isinstance(schema, exp.Schema) else ()
    _check_column_count(schema, stmt.args.get("expression"))
    like = _like(stmt)
    source, projected = (like, (Projected("*"),)) if like else \
        _projection(stmt.args.get("expression"), stmt.args.get("clone"), sql)
    key = clustering.take_key(stmt)
    if key is not None and defs:
        clustering.check_columns(key, (c for c, _ in columns))
    return TableDDL("create", table_kind(stmt), columns, keys, source=source, projected=projected,
                    copies_keys=like is not None, cluster_by=None if key is None else clustering.key_text(key),
                    copies_clustering=key is None and (like is not None or stmt.args.get("clone") is not None))


def create_view(stmt: exp.Create, sql: str = "") -> TableDDL:
    """A view over one table: its columns copied from the table keep their declared types."""
    source, projected = _projection(stmt.args.get("expression"), None, sql)
    properties = stmt.args.get("properties")
    secure = [p for p in properties.expressions if isinstance(p, exp.SecureProperty)] \
        if isinstance(properties, exp.Properties) else []
    for p in secure:  # recorded, not handed to DuckDB (https://docs.snowflake.com/en/sql-reference/sql/create-view)
        p.pop()
    return TableDDL("create", "VIEW", source=source, projected=projected, secure=bool(secure))


def _like(stmt: exp.Create) -> tuple[str | None, str | None, str] | None:
    """`CREATE TABLE t LIKE s`: the table whose column definitions and constraints t copies
    (https://docs.snowflake.com/en/sql-reference/sql/create-table, CREATE TABLE … LIKE)."""
    properties = stmt.args.get("properties")
    for p in properties.expressions if isinstance(properties, exp.Properties) else []:
        if isinstance(p, exp.LikeProperty) and isinstance(p.this, exp.Table):
            return _table_parts(p.this)
    return None


def alter_table(stmt: exp.Alter) -> TableDDL:
    """Read an ALTER TABLE's column actions (ADD / DROP / RENAME COLUMN, SET DATA TYPE) and take its key
    actions (ADD [CONSTRAINT n] PRIMARY KEY | UNIQUE | FOREIGN KEY, DROP CONSTRAINT n) out of it."""
    added: list[tuple[str, str | None]] = []
    dropped: list[str] = []
    renamed: list[tuple[str, str]] = []
    keys: list[KeyDecl] = []
    dropped_keys: list[str] = []
    retyped: list[tuple[str, str | None]] = []
    dropped_kinds: list[tuple[str, tuple[str, ...]]] = []
    renamed_to = None
    kept: list[exp.Expr] = []
    for action in stmt.args.get("actions") or []:
        _default_change(action)
        if isinstance(action, exp.AddConstraint):
            found = [k for k in map(_table_key, action.expressions) if k is not None]
            if len(found) != len(action.expressions):
                kept.append(action)
                continue
            keys.extend(found)
            kept.extend(_set_not_null(c) for k in found if k.kind == "PRIMARY KEY" for c in k.columns)
            continue
        if isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "CONSTRAINT":
            dropped_keys.extend(_name(t.this) for t in action.args.get("tables") or [])
            continue
        dropped_kind = _dropped_kind(action)
        if dropped_kind is not None:
            dropped_kinds.extend(dropped_kind)
            continue
        kept.append(action)
        if isinstance(action, exp.ColumnDef):
            kind = action.args.get("kind")
            added.append((_name(action.this), declared_type(kind) if isinstance(kind, exp.DataType) else None))
            found = _column_keys(action)  # `ADD COLUMN c INT PRIMARY KEY`: recorded, its column NOT NULL
            keys.extend(found)
            kept.extend(_set_not_null(c) for k in found if k.kind == "PRIMARY KEY" for c in k.columns)
        elif isinstance(action, exp.Drop) and str(action.args.get("kind") or "").upper() == "COLUMN":
            dropped.extend(_name(c) for c in action.args.get("tables") or [])
        elif isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
            renamed_to = _table_parts(action.this)
        elif isinstance(action, exp.RenameColumn):
            renamed.append((_name(action.this), _name(action.args.get("to"))))
        elif isinstance(action, exp.AlterColumn) and isinstance(action.args.get("dtype"), exp.DataType):
            retype = (_name(action.this), declared_type(action.args["dtype"]))
            dropped.append(retype[0])
            added.append(retype)
            retyped.append(retype)
            if action.args["dtype"].this in _TEXT:  # DuckDB's column stays VARCHAR: only its length CHECK
                kept.pop()  # changes (engine.sql.retype checks the old type, engine.sql.lengths rebuilds)
    for action in kept:
        if isinstance(action, exp.AlterColumn) and action.args.get("allow_null") is False \
                and not action.args.get("drop"):
            action.set("allow_null", True)  # sqlglot's generator refuses False; True writes the same SET NOT NULL
    stmt.set("actions", kept)
    return TableDDL("alter", columns=tuple(added), keys=tuple(keys), dropped=tuple(dropped), renamed=tuple(renamed),
                    dropped_keys=tuple(dropped_keys), retyped=tuple(retyped), dropped_kinds=tuple(dropped_kinds),
                    renamed_to=renamed_to)


def alter_view(stmt: exp.Alter) -> TableDDL | None:
    """ALTER VIEW … RENAME TO [db.][schema.]name: where the view is to go (engine.sql.renames checks it)."""
    for action in stmt.args.get("actions") or []:
        if isinstance(action, exp.AlterRename) and isinstance(action.this, exp.Table):
            return TableDDL("alter", renamed_to=_table_parts(action.this))
    return None


_DROPPED_KEY = re.compile(r"\s*(PRIMARY\s+KEY|(UNIQUE|FOREIGN\s+KEY)\s*\((.*)\))\s*(?:CASCADE|RESTRICT)?\s*",
                          re.I | re.S)


def _dropped_kind(action: exp.Expr) -> list[tuple[str, tuple[str, ...]]] | None:
    """`DROP PRIMARY KEY` / `DROP UNIQUE | FOREIGN KEY (a, b)` → the key to forget; `DROP CLUSTERING KEY` among other
    actions → nothing (alone it is engine.clustering's); None for any other action."""
    if not isinstance(action, exp.Command) or action.name.upper() != "DROP":
        return None
    text = action.expression.name if isinstance(action.expression, exp.Literal) else str(action.expression or "")
    if " ".join(text.upper().split()) == "CLUSTERING KEY":
        return []
    m = _DROPPED_KEY.fullmatch(text)
    if m is None:
        return None
    if m.group(2) is None:
        return [("PRIMARY KEY", ())]
    columns = [c.strip() for c in m.group(3).split(",")]
    kind = "UNIQUE" if m.group(2).upper() == "UNIQUE" else "FOREIGN KEY"
    return [(kind, tuple(c[1:-1].replace('""', '"') if c.startswith('"') else c.upper() for c in columns))]


def _default_change(action: exp.Expr) -> None:
    """ALTER COLUMN … SET DEFAULT: only a sequence's NEXTVAL; adding or changing any other default is
    unsupported (https://docs.snowflake.com/en/sql-reference/sql/alter-table-column; the error's text is
    not documented, conformance/DECISIONS.md K5)."""
    if not isinstance(action, exp.AlterColumn) or action.args.get("default") is None:
        return
    value = action.args["default"]
    if not (isinstance(value, exp.Column) and value.name.upper() == "NEXTVAL" and value.table):
        raise compilation_error("Unsupported feature 'Alter Column Set Default'.")


def _set_not_null(column: str) -> exp.AlterColumn:
    """`ALTER COLUMN c SET NOT NULL`: what ADD PRIMARY KEY leaves for DuckDB (the key itself is recorded)."""
    return exp.AlterColumn(this=exp.Identifier(this=column, quoted=True), allow_null=False)


def _projection(query: exp.Expr | None, clone: exp.Expr | None, sql: str = "",
                ctes: dict[str, exp.Expr] | None = None
                ) -> tuple[tuple[str | None, str | None, str] | None, tuple[Projected, ...]]:
    """CTAS, a view or a SELECT: the one table read (CLONE's, or a SELECT's over one table without a join or
    CTE) and where each result column comes from: a column of that table, a column of the subquery or CTE
    read, or the type its text decides; a set operation's columns come from all of its sides."""
    if isinstance(clone, exp.Clone) and isinstance(clone.this, exp.Table):
        return _table_parts(clone.this), (Projected("*"),)
    if isinstance(query, exp.Subquery):
        return _projection(query.this, None, sql, ctes)
    if isinstance(query, exp.SetOperation):
        return None, _set_items(query, sql, ctes)
    if not isinstance(query, exp.Select):
        return None, ()
    ctes = {**(ctes or {}), **_ctes(query)}
    source = query.args.get("from_") or query.args.get("from")
    read = source.this if isinstance(source, exp.From) and not query.args.get("joins") else None
    inner = _inner(read, ctes, sql)
    table = read if inner is None and not ctes else None
    joined = _joined(query) if query.args.get("joins") and not ctes else {}
    items: list[Projected] = []
    for item in query.expressions:
        if inner is not None and isinstance(item, exp.Star) and not any(item.args.values()):
            items.extend(inner[1])  # `SELECT *` of a subquery or CTE: its items
            continue
        projected = _item(item.this if isinstance(item, exp.Alias) else item, table, joined, inner, sql)
        if projected is None:
            return None, ()  # not the source's columns one for one
        items.append(projected)
    if isinstance(table, exp.Table):
        return _table_parts(table), tuple(items)
    return _scanned(table), tuple(items)


_Inner = tuple[dict[str, Projected], tuple[Projected, ...]]  # a subquery's items by name, and all of them


def _item(inner: exp.Expr, table: exp.Expr | None, joined: dict[str, tuple[str | None, str | None, str]],
          derived: _Inner | None, sql: str) -> Projected | None:
    """Where one select item comes from (None: a `*` that is not the source's columns one for one)."""
    star = inner if isinstance(inner, exp.Star) else \
        inner.this if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star) else None
    if star is not None:
        if any(star.args.get(k) for k in ("except", "replace", "rename")):
            return None
        return Projected("*")
    if isinstance(inner, exp.Column) and joined:
        qualifier = inner.args.get("table")
        found = joined.get(_name(qualifier)) if isinstance(qualifier, exp.Identifier) else None
        return Projected(_name(inner.this), source=found) if found else Projected()
    if isinstance(inner, exp.Column) and derived is not None:
        return _derived_column(_name(inner.this), derived)
    if isinstance(inner, exp.Column):
        return Projected(_name(inner.this) if isinstance(table, exp.Table | exp.TableFromRows) else None)
    if isinstance(inner, exp.Cast) and isinstance(inner.args.get("to"), exp.DataType):
        return Projected(type=declared_type(inner.args["to"]))
    typed = item_types.item_type(inner, sql)
    branches = item_types.branches(inner) if typed is None else None
    if not branches:
        return Projected(type=typed)
    each = [_item(b, table, joined, derived, sql) or Projected() for b in branches]
    return Projected(branches=tuple(each)) if all(p.column or p.type or p.branches for p in each) else Projected()


def _derived_column(name: str, derived: _Inner) -> Projected:
    """A column of the subquery or CTE read: the item it names, or a column of the one table its `*` reads."""
    found = derived[0].get(name)
    if found is not None:
        return found
    stars = [p for p in derived[1] if p.column == "*" and p.source is not None]
    return Projected(name, source=stars[0].source) if len(stars) == 1 else Projected()


def _ctes(query: exp.Select) -> dict[str, exp.Expr]:
    """The CTEs a SELECT defines, by name (one whose alias renames its columns as None: not read through)."""
    with_ = query.args.get("with_") or query.args.get("with")
    out: dict[str, exp.Expr] = {}
    for cte in with_.expressions if isinstance(with_, exp.With) else []:
        alias = cte.args.get("alias")
        if isinstance(alias, exp.TableAlias):
            out[_name(alias.this)] = exp.Null() if alias.columns else cte.this
    return out


def _inner(read: exp.Expr | None, ctes: dict[str, exp.Expr], sql: str) -> _Inner | None:
    """The items of the subquery or CTE a SELECT reads alone, by their names (None: it reads neither)."""
    if isinstance(read, exp.Table) and not read.args.get("db") and _name(read.this) in ctes:
        body: exp.Expr = ctes[_name(read.this)]
        rest = {k: v for k, v in ctes.items() if k != _name(read.this)}
    elif isinstance(read, exp.Subquery):
        alias = read.args.get("alias")
        body, rest = (exp.Null() if isinstance(alias, exp.TableAlias) and alias.columns else read.this), ctes
    else:
        return None
    table, items = _projection(body, None, sql, rest)
    first = body
    while isinstance(first, exp.SetOperation | exp.Subquery):
        first = first.this
    if not items or not isinstance(first, exp.Select):
        return {}, ()
    items = _sourced(table, items)
    if len(first.expressions) != len(items):  # a `*` of a subquery or CTE: its items by their columns' names
        return {p.column: p for p in items if p.column and p.column != "*"}, items
    return {_output_name(e): p for e, p in zip(first.expressions, items, strict=True)}, items


def _output_name(item: exp.Expr) -> str:
    """The name a select item gives its column ("" when it is named by its text)."""
    if isinstance(item, exp.Alias):
        return _name(item.args.get("alias"))
    return _name(item.this) if isinstance(item, exp.Column) and not isinstance(item.this, exp.Star) else ""


def _sourced(table: tuple[str | None, str | None, str] | None, items: tuple[Projected, ...]) -> tuple[Projected, ...]:
    """A subquery's items as the enclosing query reads them: a column of its one table qualified by that table."""
    real = table if table is not None and table[0] != "" else None
    return tuple(Projected(p.column, source=p.source or real) if p.column and real else
                 Projected(p.column, source=p.source) if p.column and p.source else
                 p if not p.column else Projected() for p in items)


def _set_items(query: exp.SetOperation, sql: str, ctes: dict[str, exp.Expr] | None) -> tuple[Projected, ...]:
    """UNION [ALL] / INTERSECT / EXCEPT (MINUS): each column is the branches of all sides."""
    sides = []
    for side in (query.this, query.expression):
        table, items = _projection(side, None, sql, ctes)
        if not items or any(p.column == "*" for p in items):
            return ()
        sides.append(_sourced(table, items))
    if len(sides[0]) != len(sides[1]):
        return ()
    return tuple(Projected(branches=(*(a.branches or (a,)), *(b.branches or (b,))))
                 for a, b in zip(*sides, strict=True))


def _joined(query: exp.Select) -> dict[str, tuple[str | None, str | None, str]]:
    """The tables of a join by the name that qualifies their columns (alias, else table name)."""
    source = query.args.get("from_") or query.args.get("from")
    tables = [source.this if isinstance(source, exp.From) else None,
              *(j.this for j in query.args.get("joins") or [])]
    out: dict[str, tuple[str | None, str | None, str]] = {}
    for table in tables:
        if not isinstance(table, exp.Table):
            continue
        parts = _table_parts(table)
        alias = table.args.get("alias")
        label = _name(alias.this) if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier) \
            else parts[2] if parts else None
        if parts is not None and label:
            out[label] = parts
    return out


def _scanned(source: exp.Expr | None) -> tuple[str | None, str | None, str] | None:
    """`TABLE(RESULT_SCAN('<id>'))` (LAST_QUERY_ID() is its id by now): the earlier result, as the one table
    read, named by translation.scanned_result."""
    call = source.this if isinstance(source, exp.TableFromRows) else None
    if not isinstance(call, exp.Anonymous) or call.name.upper() != "RESULT_SCAN" or len(call.expressions) != 1:
        return None
    arg = call.expressions[0]
    return scanned_result(arg.this) if isinstance(arg, exp.Literal) and arg.is_string else None


def select_projection(stmt: exp.Expr, sql: str = "") -> tuple[tuple[str | None, str | None, str] | None,
                                                              tuple[Projected, ...]]:
    """A plain SELECT: its one table and where each result column comes from (engine.sql.table_meta.describe)."""
    return _projection(stmt, None, sql) if isinstance(stmt, exp.Select | exp.SetOperation) else (None, ())


def _table_parts(table: exp.Table) -> tuple[str | None, str | None, str] | None:
    if not isinstance(table.this, exp.Identifier):
        return None
    catalog, db = table.args.get("catalog"), table.args.get("db")
    return (_name(catalog) or None if catalog else None, _name(db) or None if db else None, _name(table.this))


# ---------------------------------------------------------------------------------------------
# Keys: recorded, never handed to DuckDB
# ---------------------------------------------------------------------------------------------


def _take_keys(schema: exp.Schema) -> tuple[KeyDecl, ...]:
    """Remove the key constraints from the column list; a primary key's columns become NOT NULL."""
    keys: list[KeyDecl] = []
    kept: list[exp.Expr] = []
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            keys.extend(_column_keys(item))
            kept.append(item)
            continue
        key = _table_key(item)
        if key is None:
            kept.append(item)
        else:
            keys.append(key)
    schema.set("expressions", kept)
    primary = {c for k in keys if k.kind == "PRIMARY KEY" for c in k.columns}
    for item in kept:
        if isinstance(item, exp.ColumnDef) and _name(item.this) in primary:
            _not_null(item)
    return tuple(keys)


def _column_keys(column: exp.ColumnDef) -> list[KeyDecl]:
    """`a INT PRIMARY KEY`, `b INT UNIQUE`, `c INT [CONSTRAINT n FOREIGN KEY] REFERENCES p (id)`."""
    keys: list[KeyDecl] = []
    kept: list[exp.Expr] = []
    name: str | None = None
    me = (_name(column.this),)
    for constraint in column.args.get("constraints") or []:
        kind = constraint.args.get("kind")
        label = _name(constraint.this) or None if isinstance(constraint.this, exp.Identifier) else None
        name = label or name
        if isinstance(kind, exp.PrimaryKeyColumnConstraint):
            keys.append(KeyDecl("PRIMARY KEY", me, name))
        elif isinstance(kind, exp.UniqueColumnConstraint):
            keys.append(KeyDecl("UNIQUE", me, name))
        elif isinstance(kind, exp.Reference):
            keys.append(_foreign(me, kind, name))
        elif not isinstance(kind, exp.ForeignKey):  # `FOREIGN KEY` before REFERENCES only names it
            kept.append(constraint)
            continue
        if not isinstance(kind, exp.ForeignKey):
            name = None
    column.set("constraints", kept)
    return keys


def _table_key(item: exp.Expr) -> KeyDecl | None:
    """`[CONSTRAINT n] PRIMARY KEY (a, b)` / `UNIQUE (a)` / `FOREIGN KEY (a) REFERENCES p (id)`."""
    name = None
    if isinstance(item, exp.Constraint) and len(item.expressions) == 1:
        name = _name(item.this) or None
        item = item.expressions[0]
    if isinstance(item, exp.PrimaryKey):
        return KeyDecl("PRIMARY KEY", tuple(_name(c) for c in item.expressions), name)
    if isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema):
        return KeyDecl("UNIQUE", tuple(_name(c) for c in item.this.expressions), name)
    if isinstance(item, exp.ForeignKey) and isinstance(item.args.get("reference"), exp.Reference):
        return _foreign(tuple(_name(c) for c in item.expressions), item.args["reference"], name)
    return None


def _foreign(columns: tuple[str, ...], reference: exp.Reference, name: str | None) -> KeyDecl:
    target = reference.this
    table = target.this if isinstance(target, exp.Schema) else target
    parts = _table_parts(table) if isinstance(table, exp.Table) else None
    ref_columns = tuple(_name(c) for c in target.expressions) if isinstance(target, exp.Schema) else ()
    return KeyDecl("FOREIGN KEY", columns, name, parts, ref_columns)


def _not_null(column: exp.ColumnDef) -> None:
    constraints = column.args.get("constraints") or []
    if not any(isinstance(c.args.get("kind"), exp.NotNullColumnConstraint) for c in constraints):
        column.set("constraints", [*constraints, exp.ColumnConstraint(kind=exp.NotNullColumnConstraint())])


# ---------------------------------------------------------------------------------------------
# VARCHAR(n): a longer value is refused
# ---------------------------------------------------------------------------------------------


def length_checks(stmt: exp.Create) -> None:
    """Each VARCHAR(n) column of a translated CREATE TABLE gets a CHECK that raises Snowflake's text
    (engine.sql.duckerrors turns it into 100074)."""
    schema = stmt.this
    if not isinstance(schema, exp.Schema) or stmt.args.get("expression") is not None:
        return
    for column in schema.expressions:
        kind = column.args.get("kind") if isinstance(column, exp.ColumnDef) else None
        if not isinstance(kind, exp.DataType) or kind.this not in _TEXT:
            continue
        text = declared_type(kind)
        length = int(text[len("VARCHAR("):-1]) if text else TEXT_LENGTH
        if length >= TEXT_LENGTH:
            continue
        add_length_check(column, length)


def add_length_check(column: exp.ColumnDef, length: int) -> None:
    """Give a column a CHECK that raises 100074's text for a value longer than `length` characters."""
    value = exp.column(column.this.copy())
    message = exp.DPipe(this=exp.DPipe(this=exp.Literal.string(f"{TOO_LONG_MARK}String '"), expression=value),
                        expression=exp.Literal.string("' is too long and would be truncated"))
    check = exp.If(this=exp.GT(this=exp.Length(this=value.copy()), expression=exp.Literal.number(length)),
                   true=exp.Anonymous(this="error", expressions=[message]), false=exp.true())
    constraints = column.args.get("constraints") or []
    column.set("constraints", [*constraints, exp.ColumnConstraint(kind=exp.CheckColumnConstraint(this=check))])


# ---------------------------------------------------------------------------------------------
# Object properties snowreg does not keep (Time Travel retention, change tracking, tags on tables, …)
# ---------------------------------------------------------------------------------------------

# Property nodes DuckDB's generator writes or the translation drops on purpose (dml.create, create_comment).
_KEPT_PROPERTIES = (exp.TemporaryProperty, exp.TransientProperty, exp.SchemaCommentProperty, exp.LikeProperty,
                    exp.CopyGrantsProperty, exp.SequenceProperties, exp.ClusterProperty)


def refuse_properties(stmt: exp.Expr) -> int | None:
    """A CREATE property or ALTER … SET / UNSET that snowreg would drop or hand to DuckDB as broken SQL
    (`CHANGE_TRACKING`, `WITH TAG`, `SECURE`) → not supported, by name. CREATE TABLE's
    `DATA_RETENTION_TIME_IN_DAYS = n` leaves the statement and is returned (0 or 1: engine.retention)."""
    kind = str(stmt.args.get("kind") or "TABLE").upper()
    if kind not in ("TABLE", "VIEW"):
        return None
    days = _retention(stmt) if kind == "TABLE" and isinstance(stmt, exp.Create) else None
    if isinstance(stmt, exp.Create | exp.Alter) and stmt.find(exp.CheckColumnConstraint) is not None:
        raise not_supported("A CHECK constraint (Snowflake's constraints are PRIMARY KEY, UNIQUE, FOREIGN KEY and "
                            "NOT NULL: https://docs.snowflake.com/en/sql-reference/constraints-overview)")
    if isinstance(stmt, exp.Create | exp.Alter) and stmt.find(exp.CollateColumnConstraint) is not None:
        raise not_supported(f"A column's COLLATE specification in {type(stmt).__name__.upper()} {kind} (snowreg "
                            "compares text by its code points)")
    if isinstance(stmt, exp.Create):
        properties = stmt.args.get("properties")
        for p in properties.expressions if isinstance(properties, exp.Properties) else []:
            if isinstance(p, exp.SecureProperty) and kind == "VIEW":
                continue  # kept: create_view takes it out
            if isinstance(p, exp.SecureProperty | exp.MaterializedProperty):
                raise not_supported(f"CREATE {_property_name(p)} {kind}")
            if not isinstance(p, _KEPT_PROPERTIES):
                raise not_supported(f"CREATE {kind} with {_property_name(p)}")
    elif isinstance(stmt, exp.Alter):
        for action in stmt.args.get("actions") or []:
            if isinstance(action, exp.AlterSet):
                props = [p for e in action.expressions for p in
                         (e.expressions if isinstance(e, exp.Properties) else [e])]
                what = "TAG" if action.args.get("tag") else ", ".join(_property_name(p) for p in props)
                raise not_supported(f"ALTER {kind} … SET {what}")
            if isinstance(action, exp.Set):
                names = ", ".join(e.sql(dialect="snowflake") for e in action.expressions)
                raise not_supported(f"ALTER {kind} … {'UNSET' if action.args.get('unset') else 'SET'} {names}")
            if isinstance(action, exp.ClusterProperty):
                raise not_supported(f"ALTER {kind} … CLUSTER BY")
    return days


def _retention(stmt: exp.Create) -> int | None:
    """CREATE TABLE … DATA_RETENTION_TIME_IN_DAYS = n: n (checked), its property taken out of the statement."""
    properties = stmt.args.get("properties")
    for p in properties.expressions if isinstance(properties, exp.Properties) else []:
        if type(p) is exp.Property and p.name.upper() == PARAMETER:
            value = p.args.get("value")
            days = check_days(value.sql(dialect="snowflake") if isinstance(value, exp.Expr) else "")
            p.pop()
            return days
    return None


def _property_name(p: exp.Expr) -> str:
    """How Snowflake spells a property: `DATA_RETENTION_TIME_IN_DAYS`, `SECURE`, `WITH TAG`."""
    if isinstance(p, exp.Property) and type(p) is exp.Property:
        return p.name.upper()
    special: dict[type[exp.Expr], str] = {exp.SecureProperty: "SECURE", exp.Tags: "TAG",
                                          exp.SchemaCommentProperty: "COMMENT", exp.UsingTemplateProperty: "USING TEMPLATE"}
    return special.get(type(p), type(p).__name__.removesuffix("Property").upper())
