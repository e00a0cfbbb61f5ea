"""After CREATE / ALTER TABLE ran: record what DuckDB does not keep (engine.sql.ddl) in the registry."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from snowreg import errors
from snowreg.catalog import ColumnSpec, KeySpec, TableShape, coltypes, information
from snowreg.catalog.coltypes import TEXT_LENGTH, ColumnType
from snowreg.catalog.names import physical
from snowreg.catalog.relations import ColumnRow, column_types, list_columns, list_keys, list_relations
from snowreg.catalog.store import quote
from snowreg.catalog.tables import Clustering
from snowreg.engine import parameters
from snowreg.engine.access import privileges
from snowreg.engine.result import Column, Result
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import Projected, TableRef, Translation
from snowreg.grammar.text import quote_ident

if TYPE_CHECKING:
    from snowreg.engine.sql import ddl


def record(session: Session, tr: Translation, target: TableRef | None) -> None:
    """Record the declared column types, kind and keys of the table `tr` created or altered."""
    table = tr.table
    if table is None or target is None or not target.name:
        return
    database = target.database or session.database
    schema = target.schema or session.schema
    if database is None or schema is None:
        return
    catalog = session.catalog
    if table.copies_keys and table.action == "create":
        _copy_like_columns(session, _qualify(session, table.source), (database, schema, target.name))
    columns = column_types(catalog.store, database, schema, target.name)  # none: no such table (IF NOT EXISTS, …)
    if not columns:
        return
    if table.action == "alter":
        for old, new in table.renamed:
            catalog.tables.rename_column(database, schema, target.name, old, new)
        if table.dropped:
            catalog.tables.forget_columns(database, schema, target.name, table.dropped)
        added = dict(table.columns)
        specs = _specs([c for c in columns if c.name in added], added)
        if specs:
            catalog.tables.record_columns(database, schema, target.name, specs)
        dropped = [*table.dropped_keys, *_named_keys(session, (database, schema, target.name), table.dropped_kinds)]
        if dropped:
            catalog.tables.forget_keys(database, schema, target.name, dropped)
        if table.keys:
            catalog.tables.add_keys(database, schema, target.name, _keys(session, table))
        return
    declared = dict(table.columns) or _derived(session, table, columns)
    if table.kind == "VIEW":  # only its columns' types: a view has no kind of table nor keys
        catalog.tables.record_table(database, schema, target.name, "VIEW", _specs(columns, declared), [],
                                    parameters.unmarked(tr.source).strip())
        if table.secure:
            catalog.tables.set_secure(database, schema, target.name, True)
        return
    if table.kind == "TEMPORARY":  # only its session sees it (engine.access.privileges.others_temporary)
        catalog.temporary_owners[(database, schema, target.name)] = session.id
    keys = _keys(session, table) + (_copied_keys(session, table.source) if table.copies_keys else [])
    catalog.tables.record_table(database, schema, target.name, table.kind, _specs(columns, declared), keys,
                                not_null=frozenset(c.name for c in columns if not c.nullable))
    catalog.column_defaults(database, schema, target.name, [c.default for c in columns])  # for DROP
    if table.retention is not None:  # DATA_RETENTION_TIME_IN_DAYS = n (engine.retention)
        catalog.retention.set_table(database, schema, target.name, table.retention)
    source = _qualify(session, table.source) if table.copies_clustering else None
    key = Clustering(table.cluster_by) if table.cluster_by is not None else \
        catalog.tables.clustering(*source) if source is not None else None
    if key is not None:  # CLUSTER BY (…), or LIKE / CLONE of a clustered table (DECISIONS.md S22)
        catalog.tables.set_clustering(database, schema, target.name, key)


def _copy_like_columns(session: Session, source: tuple[str, str, str] | None, target: tuple[str, str, str]) -> None:
    """CREATE TABLE … LIKE copies "column names, types, defaults, and constraints" (DuckDB made the copy as
    `CREATE TABLE … AS SELECT … LIMIT 0`, without them): each column's NOT NULL and default, but a
    default calling the source's identity sequence (the copy would share it: DECISIONS.md O6)."""
    if source is None:
        return
    rows = session.catalog.store.data_query(
        "SELECT column_name, column_default, is_nullable FROM duckdb_columns() WHERE database_name = ? AND "
        "schema_name = ? AND table_name = ? ORDER BY column_index", [source[0], source[1], physical(source[2])])
    table = ".".join(quote(p) for p in (target[0], target[1], physical(target[2])))
    for column, default, nullable in rows:
        if default is not None and not str(default).lower().startswith("nextval("):
            session.duck.execute(f"ALTER TABLE {table} ALTER COLUMN {quote(column)} SET DEFAULT {default}")
        if not nullable:
            session.duck.execute(f"ALTER TABLE {table} ALTER COLUMN {quote(column)} SET NOT NULL")


def _named_keys(session: Session, table: tuple[str, str, str], kinds: tuple[tuple[str, tuple[str, ...]], ...]
                ) -> list[str]:
    """The names of the keys `DROP PRIMARY KEY` / `DROP UNIQUE (a, b)` name by kind and columns."""
    if not kinds:
        return []
    keys = list_keys(session.catalog.store, *table)
    return [k.name for kind, columns in kinds for k in keys
            if k.name is not None and k.kind == kind and (not columns or tuple(k.columns) == columns)]


def _keys(session: Session, table: ddl.TableDDL) -> list[KeySpec]:
    return [KeySpec(k.kind, k.columns, k.name, _qualify(session, k.references), k.ref_columns) for k in table.keys]


def check_keys(session: Session, tr: Translation, target: TableRef | None) -> Translation:
    """Before a CREATE / ALTER TABLE runs: each FOREIGN KEY must reference a table the session sees and
    a primary or unique key of it ("All foreign keys must reference a corresponding primary or unique
    key", https://docs.snowflake.com/en/sql-reference/constraints-overview); `REFERENCES t` alone means
    t's primary key. Returns the translation with the referenced columns filled in."""
    table = tr.table
    if table is None or target is None or not any(k.kind == "FOREIGN KEY" for k in table.keys):
        return tr
    own = _qualify(session, (target.database, target.schema, target.name))
    resolved = []
    for key in table.keys:
        ref = _qualify(session, key.references)
        if key.kind != "FOREIGN KEY" or ref is None:
            resolved.append(key)
            continue
        candidates = [(k.kind, k.columns) for k in table.keys]
        if ref != own or table.action == "alter":  # a table being created has only the keys it declares
            candidates += _visible_keys(session, ref)
        ref_columns = key.ref_columns or next((c for kind, c in candidates if kind == "PRIMARY KEY"), ())
        if not any(kind in ("PRIMARY KEY", "UNIQUE") and c == ref_columns for kind, c in candidates) \
                or len(ref_columns) != len(key.columns):
            raise errors.compilation_error(f"The foreign key {key.name or '(' + ', '.join(key.columns) + ')'} "
                                           f"does not reference a primary or unique key of {'.'.join(ref)}.")
        resolved.append(dataclasses.replace(key, ref_columns=ref_columns))
    return dataclasses.replace(tr, table=dataclasses.replace(table, keys=tuple(resolved)))


def _visible_keys(session: Session, ref: tuple[str, str, str]) -> list[tuple[str, tuple[str, ...]]]:
    """The keys of a referenced table; 002003 when there is no such table or the session may not see it."""
    found = list_relations(session.catalog.store, *ref)
    if not found or found[0].kind != "TABLE" or not privileges.can_see_table(session, *ref, found[0].owner):
        raise errors.does_not_exist("Table", ".".join(quote_ident(p) for p in ref), "42S02")
    return [(k.kind, k.columns) for k in list_keys(session.catalog.store, *ref)]


def _copied_keys(session: Session, source: tuple[str | None, str | None, str] | None) -> list[KeySpec]:
    """CREATE TABLE … LIKE copies the source's constraints (under new system names)."""
    parts = _qualify(session, source)
    if parts is None:
        return []
    return [KeySpec(k.kind, k.columns, None, k.references, k.ref_columns) for k in list_keys(session.catalog.store, *parts)]


def _specs(columns: list[ColumnRow], declared: dict[str, str | None]) -> list[ColumnSpec]:
    """The declared types that describe how DuckDB stores the column (others read from DuckDB's type)."""
    out = []
    for column in columns:
        text = declared.get(column.name)
        parsed = coltypes.parse(text) if text else None
        if parsed is not None and _compatible(parsed, coltypes.from_duckdb(column.duckdb_type)):
            out.append(ColumnSpec(column.name, column.duckdb_type, parsed))
    return out


def _compatible(declared: ColumnType, stored: ColumnType) -> bool:
    if declared.kind in ("OBJECT", "ARRAY"):
        return stored.kind == "VARIANT"
    if declared.kind == "TIMESTAMP_TZ":
        return stored.kind == "TIMESTAMP_LTZ"
    return declared.kind == stored.kind


def _qualify(session: Session, ref: tuple[str | None, str | None, str] | None) -> tuple[str, str, str] | None:
    if ref is None:
        return None
    return (ref[0] or session.database or "", ref[1] or session.schema or "", ref[2])


def _derived(session: Session, table: ddl.TableDDL, columns: list[ColumnRow]) -> dict[str, str | None]:
    """CTAS / CLONE: a column copied from the one source table (or earlier result) keeps its declared type;
    an item whose text decides its type gives that type (a CAST, engine.sql.item_types); any other
    expression reads from the DuckDB type of the result."""
    source: list[ColumnType] = []
    names: dict[str, ColumnType] = {}
    earlier = session.result_of(table.source[2]) if table.source is not None and table.source[0] == "" else None
    if earlier is not None:
        for name, spec in (_scanned(c) for c in earlier.columns):
            names[name] = spec.type
            source.append(spec.type)
    elif table.source is not None:
        database = table.source[0] or session.database
        schema = table.source[1] or session.schema
        if database is not None and schema is not None:
            shape = session.catalog.tables.table_shape(database, schema, table.source[2])
            for c in list_columns(session.catalog.store, database, schema, table.source[2]):
                names[c.name] = shape.column_type(c.name, c.duckdb_type)
                source.append(names[c.name])
    texts: list[str | None] = []
    for item in table.projected:
        if item.column == "*":
            if not source:
                return {}
            texts.extend(t.text for t in source)
        elif item.column is not None and item.source is not None:  # a column of a joined table
            joined = _shape_of(session, item.source).columns.get(item.column)
            texts.append(joined.type.text if joined is not None else None)
        elif item.column is not None:
            found = names.get(item.column)
            texts.append(found.text if found else None)
        elif item.branches:
            common = _common(item, lambda p: _branch_type(session, TableShape(), p) if p.source or not p.column
                             else names.get(p.column))
            texts.append(common.text if common is not None else None)
        else:
            texts.append(item.type)
    if len(texts) != len(columns):
        return {}
    return {c.name: text for c, text in zip(columns, texts, strict=True)}


def describe(session: Session, tr: Translation, result: Result) -> Result:
    """A SELECT's columns by the types Snowflake gives them, as the connector describes them: a column of
    the one table read by its declared type (a VARCHAR(10) column's internal_size is 10, a TIMESTAMP_NTZ(3)
    column's scale 3), an item whose text decides its type (engine.sql.item_types) by that type."""
    if tr.read_table is None and not any(p.type or p.source or p.branches for p in tr.projected):
        return result  # no table read and no item of its own type (`SELECT 1`): nothing to describe
    items = _expanded(tr.projected, result.columns)
    if items is None:
        return result
    shape = _read_shape(session, tr)
    if not shape.columns and not shape.not_null and not any(p.type or p.source or p.branches for p in tr.projected):
        return result
    columns = list(result.columns)
    for i, (column, item) in enumerate(zip(columns, items, strict=True)):
        if item.branches:
            common = _common(item, lambda p: _branch_type(session, shape, p))
            if common is not None and _same_storage(_storage(common), column):
                columns[i] = _described(column, common)
            continue
        name = column.name if item.column == "*" else item.column
        # a column of one of the joined tables: its type (not its NOT NULL: an outer join may add NULLs)
        own = shape if item.source is None else _shape_of(session, item.source)
        spec = own.columns.get(name) if name else None
        if spec is not None and _same_storage(coltypes.from_duckdb(spec.duck_type), column):
            columns[i] = _described(column, spec.type)
        elif item.type is not None:
            typed = coltypes.parse(item.type)
            if typed is not None and _same_storage(_storage(typed), column):
                columns[i] = _described(column, typed)
        if name in shape.not_null and item.source is None:  # the rowtype's `nullable` is the column's
            columns[i] = dataclasses.replace(columns[i], nullable=False)
    result.columns = columns
    return result


def _common(item: Projected, typed: Callable[[Projected], ColumnType | None]) -> ColumnType | None:
    """The ARRAY or OBJECT type every branch of a conditional item or set operation has (None: they differ,
    or one of them is of another type or not known)."""
    kinds = [typed(b) for b in item.branches]
    first = kinds[0] if kinds else None
    if first is None or first.kind not in ("ARRAY", "OBJECT"):
        return None
    return first if all(k is not None and k.kind == first.kind for k in kinds) else None


def _branch_type(session: Session, shape: TableShape, item: Projected) -> ColumnType | None:
    """The declared type of one branch: a column of the table read (or of the table it names), or its text's."""
    if item.branches:
        return _common(item, lambda p: _branch_type(session, shape, p))
    if item.column and item.column != "*":
        spec = (shape if item.source is None else _shape_of(session, item.source)).columns.get(item.column)
        return spec.type if spec is not None else None
    return coltypes.parse(item.type) if item.type else None


def _expanded(projected: tuple[Projected, ...], columns: list[Column]) -> list[Projected] | None:
    """One item per result column: a `*` stands for the columns the others leave (None when that is not
    known: no items, or more than one `*`)."""
    stars = sum(p.column == "*" for p in projected)
    width = len(columns) - (len(projected) - stars)
    if not projected or stars > 1 or (stars == 0 and width != 0) or width < 0:
        return None
    items: list[Projected] = []
    for p in projected:
        items.extend([p] * width if p.column == "*" else [p])
    return items


def _read_shape(session: Session, tr: Translation) -> TableShape:
    """What was recorded about the one table the SELECT reads (nothing when it reads no one table)."""
    if tr.read_table is None:
        return TableShape()
    if tr.read_table[0] == "":  # TABLE(RESULT_SCAN('<id>')): the earlier result's columns, "as if a table"
        earlier = session.result_of(tr.read_table[2])
        return TableShape(columns=dict(_scanned(c) for c in earlier.columns)) if earlier is not None else TableShape()
    if tr.read_table[1] == "INFORMATION_SCHEMA":
        declared = information.DECLARED.get(tr.read_table[2], {})
        return TableShape(columns={c: ColumnSpec(c, "JSON", coltypes.must(t)) for c, t in declared.items()})
    return _shape_of(session, tr.read_table)


def _shape_of(session: Session, table: tuple[str | None, str | None, str]) -> TableShape:
    """What was recorded about a table named in the statement (in the session's database and schema)."""
    database = table[0] or session.database
    schema = table[1] or session.schema
    if database is None or schema is None:
        return TableShape()
    return session.catalog.tables.table_shape(database, schema, table[2])


def _scanned(column: Column) -> tuple[str, ColumnSpec]:
    """A column of an earlier result, as a column of the table RESULT_SCAN makes of it: its canonical type
    and the DuckDB type its values come back as (engine.sql.history)."""
    declared = coltypes.parse(column.declared()) or coltypes.must(f"VARCHAR({TEXT_LENGTH})")
    kind = column.type
    stored = {"OBJECT": "JSON", "ARRAY": "JSON", "VARIANT": "JSON", "TIMESTAMP_TZ": "TIMESTAMP WITH TIME ZONE",
              "TIMESTAMP_LTZ": "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NTZ": "TIMESTAMP", "TEXT": "VARCHAR",
              "FIXED": f"DECIMAL({declared.precision},{declared.scale})", "REAL": "DOUBLE", "BINARY": "BLOB"}.get(kind, kind)
    return column.name, ColumnSpec(column.name, stored, declared)


def _storage(declared: ColumnType) -> ColumnType:
    """The type a value of a declared type reads as from DuckDB (ARRAY and OBJECT are JSON, as VARIANT)."""
    if declared.kind in ("OBJECT", "ARRAY"):
        return coltypes.from_duckdb("JSON")
    if declared.kind == "TIMESTAMP_TZ":
        return coltypes.from_duckdb("TIMESTAMP WITH TIME ZONE")
    return declared


def _same_storage(stored: ColumnType, column: Column) -> bool:
    if stored.kind == "FIXED":
        return column.type == "FIXED" and (column.precision, column.scale) == (stored.precision, stored.scale)
    return stored.kind == column.type or (stored.kind == "TIMESTAMP_LTZ" and column.type == "TIMESTAMP_TZ")


def _described(column: Column, declared: ColumnType) -> Column:
    if declared.kind in ("TEXT", "BINARY"):
        return dataclasses.replace(column, internal_size=declared.length)
    if declared.kind in ("OBJECT", "ARRAY"):  # stored as VARIANT (JSON): described as declared (9, 10)
        return dataclasses.replace(column, type=declared.kind)
    if declared.kind == "TIMESTAMP_TZ":  # stored as an instant (DECISIONS.md P10), still described as TZ (7)
        return dataclasses.replace(column, type=declared.kind, scale=declared.scale)
    if declared.kind.startswith("TIMESTAMP") or declared.kind == "TIME":
        return dataclasses.replace(column, scale=declared.scale)
    return column
