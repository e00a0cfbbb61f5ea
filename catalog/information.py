"""What INFORMATION_SCHEMA views read: registry rows a role may see, handed to a session cursor per query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import orjson

if TYPE_CHECKING:
    from snowreg.catalog.models import ModelRow, ModelsPart, VersionIndex
    from snowreg.catalog.store import Store

# relation name on the session cursor → the registry query behind it (`$1`: all models, `$2`: ids)
_VISIBLE = "($1 OR list_contains($2::BIGINT[], {id}))"
QUERIES = {
    # MODEL_VERSIONS whole, in its columns (views.sql only picks the database): worked out here once
    # per change and per set of visible models, not by every query (FIRST / LAST among the listed
    # versions, the aliases and function names as JSON)
    "snowreg_is_model_versions": """
        WITH listed AS (SELECT * FROM snowreg.versions WHERE """ + _VISIBLE.format(id="model_id") + """
                          AND id NOT IN (SELECT version_id FROM snowreg.live_versions))  -- uncommitted
        SELECT m.database_name AS "DATABASE_NAME", m.schema_name AS "SCHEMA_NAME", m.name AS "MODEL_NAME",
               v.name AS "MODEL_VERSION_NAME",
               to_json(list_concat(CASE WHEN v.name = m.default_version THEN ['DEFAULT'] ELSE []::VARCHAR[] END,
                                   CASE WHEN v.seq = b.first_seq THEN ['FIRST'] ELSE []::VARCHAR[] END,
                                   CASE WHEN v.seq = b.last_seq THEN ['LAST'] ELSE []::VARCHAR[] END,
                                   CASE WHEN v.alias IS NOT NULL THEN [v.alias] ELSE []::VARCHAR[] END))
                   AS "VERSION_ALIASES",
               v.comment AS "COMMENT", m.owner AS "OWNER", v.created_on AS "CREATED",
               v.last_altered_on AS "LAST_ALTERED",
               to_json(coalesce(f.names, []::VARCHAR[]))::VARCHAR AS "FUNCTIONS",
               v.model_type AS "MODEL_TYPE", v.python_version AS "PYTHON_VERSION", v.language AS "LANGUAGE",
               v.dependencies AS "DEPENDENCIES", v.metadata::JSON AS "METADATA", v.user_data AS "USERDATA",
               -- the names the guide's example query uses (docs/SNOWFLAKE.md#s4), after the documented columns
               m.database_name AS "CATALOG_NAME", v.created_on AS "CREATED_ON",
               v.last_altered_on AS "LAST_ALTERED_ON"
        FROM listed v JOIN snowreg.models m ON m.id = v.model_id
        -- FIRST / LAST of the listed versions by a join, not window functions (half the cost here)
        JOIN (SELECT model_id, min(seq) AS first_seq, max(seq) AS last_seq FROM listed GROUP BY model_id) b
          ON b.model_id = v.model_id
        LEFT JOIN (SELECT version_id, list(name ORDER BY pos) AS names FROM snowreg.functions
                   GROUP BY version_id) f ON f.version_id = v.id
        ORDER BY v.model_id, v.seq""",
    "snowreg_is_models": "SELECT id, database_name, schema_name, name, owner, default_version "
                         "FROM snowreg.models WHERE " + _VISIBLE.format(id="id"),
    "snowreg_is_tag_references": "SELECT * FROM snowreg.tag_references WHERE domain = 'MODULE' AND "
                                 + _VISIBLE.format(id="object_id"),
}
# Containers and table ownership for the TABLES / SCHEMATA / DATABASES views, which filter them by the
# session's visible containers (engine.access.privileges.visible_containers) themselves.
CONTAINER_QUERIES = {
    "snowreg_reg_databases": "SELECT * FROM snowreg.databases",
    "snowreg_reg_schemas": "SELECT * FROM snowreg.schemas",
    "snowreg_reg_table_owners": "SELECT database_name, schema_name, name, min(created_on) AS created, "
                                "arg_min(grantee, created_on) AS owner FROM snowreg.grants "
                                "WHERE object_kind IN ('TABLE', 'VIEW') AND privilege = 'OWNERSHIP' GROUP BY ALL",
    # what plain-SQL tables declared beyond DuckDB's catalog (catalog/tables.py)
    "snowreg_reg_table_kinds": "SELECT database_name, schema_name, name, kind FROM snowreg.table_kinds",
    "snowreg_reg_view_texts": "SELECT database_name, schema_name, name, text FROM snowreg.view_texts",
    # grants on tables and views (TABLE_PRIVILEGES; a dropped table's are set aside: catalog/dropped.py)
    "snowreg_reg_table_grants": "SELECT database_name, schema_name, name, privilege, grantee, grant_option, "
                                "granted_by, created_on FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW')",
    "snowreg_reg_table_columns": "SELECT * FROM snowreg.table_columns",
    # every grant on an object of a database, by name (models and stages are granted by id), with the
    # owners that live in the objects' own rows as OWNERSHIP grants (OBJECT_PRIVILEGES, USAGE_PRIVILEGES)
    "snowreg_reg_object_grants": """
        SELECT CASE g.object_kind WHEN 'VIEW' THEN 'TABLE' ELSE g.object_kind END AS key_kind, g.object_kind,
               coalesce(m.database_name, s.database_name, g.database_name) AS database_name,
               coalesce(m.schema_name, s.schema_name, g.schema_name) AS schema_name,
               coalesce(m.name, s.name, g.name) AS name, g.privilege, g.grantee, g.grant_option, g.granted_by,
               g.created_on
        FROM snowreg.grants g LEFT JOIN snowreg.models m ON g.object_kind = 'MODEL' AND m.id = g.object_id
        LEFT JOIN snowreg.stages s ON g.object_kind = 'STAGE' AND s.id = g.object_id
        WHERE g.object_kind NOT IN ('ACCOUNT', 'ROLE', 'USER', 'WAREHOUSE')
        UNION ALL SELECT 'DATABASE', 'DATABASE', name, '', '', 'OWNERSHIP', owner, true, owner, created_on
        FROM snowreg.databases WHERE owner <> ''
        UNION ALL SELECT 'SCHEMA', 'SCHEMA', database_name, name, '', 'OWNERSHIP', owner, true, owner, created_on
        FROM snowreg.schemas WHERE owner <> ''
        UNION ALL SELECT 'MODEL', 'MODEL', database_name, schema_name, name, 'OWNERSHIP', owner, true, owner,
               created_on FROM snowreg.models WHERE owner <> ''
        UNION ALL SELECT 'STAGE', 'STAGE', database_name, schema_name, name, 'OWNERSHIP', owner, true, owner,
               created_on FROM snowreg.stages WHERE owner <> '' AND NOT temporary
        UNION ALL SELECT 'TAG', 'TAG', database_name, schema_name, name, 'OWNERSHIP', owner, true, owner, created_on
        FROM snowreg.tags WHERE owner <> ''
        UNION ALL SELECT 'FUNCTION', 'FUNCTION', database_name, schema_name, name || '(' || arguments || ')',
               'OWNERSHIP', owner, true, owner, created_on FROM snowreg.udfs WHERE owner <> ''
        UNION ALL SELECT 'PROCEDURE', 'PROCEDURE', database_name, schema_name, name || '(' || arguments || ')',
               'OWNERSHIP', owner, true, owner, created_on FROM snowreg.procedures WHERE owner <> ''""",
    # roles and who holds them (APPLICABLE_ROLES, ENABLED_ROLES)
    "snowreg_reg_roles": "SELECT name, owner FROM snowreg.roles",
    "snowreg_reg_role_grants": "SELECT role, grantee_kind, grantee FROM snowreg.role_grants",
    "snowreg_reg_table_keys": "SELECT database_name, schema_name, table_name, position, kind, constraint_name, "
                              "created_on, columns, ref_database, ref_schema, ref_table, ref_columns "
                              "FROM snowreg.table_keys",
    # user-defined functions (catalog/udfs.py), filtered by the session's visible functions in views.sql
    "snowreg_reg_udfs": "SELECT database_name, schema_name, name, arguments, created_on, owner, comment, secure, "
                        "is_table, definition FROM snowreg.udfs",
    "snowreg_reg_procedures": "SELECT database_name, schema_name, name, arguments, created_on, owner, comment, "
                              "secure, is_table, definition FROM snowreg.procedures",
}
ALL = (*QUERIES, *CONTAINER_QUERIES)
# The relations each INFORMATION_SCHEMA view's macro (views.sql) reads; a query is handed only those.
_TABLE_VIEWS = ("snowreg_reg_schemas", "snowreg_reg_table_owners", "snowreg_reg_table_kinds", "snowreg_reg_view_texts")
READS: dict[str, tuple[str, ...]] = {
    "MODEL_VERSIONS": ("snowreg_is_model_versions",),
    "TAG_REFERENCES": ("snowreg_is_models", "snowreg_is_tag_references"),
    "PACKAGES": (),
    "TABLES": _TABLE_VIEWS, "VIEWS": _TABLE_VIEWS,
    "COLUMNS": (*_TABLE_VIEWS, "snowreg_reg_table_columns"),
    "TABLE_CONSTRAINTS": (*_TABLE_VIEWS, "snowreg_reg_table_keys"),
    "REFERENTIAL_CONSTRAINTS": (*_TABLE_VIEWS, "snowreg_reg_table_keys"),
    "TABLE_PRIVILEGES": (*_TABLE_VIEWS, "snowreg_reg_table_grants"),
    "SCHEMATA": ("snowreg_reg_schemas",),
    "SEQUENCES": ("snowreg_reg_schemas",),
    "DATABASES": ("snowreg_reg_databases",),
    "FUNCTIONS": ("snowreg_reg_udfs",),
    "PROCEDURES": ("snowreg_reg_procedures",),
    "OBJECT_PRIVILEGES": ("snowreg_reg_object_grants",),
    "USAGE_PRIVILEGES": ("snowreg_reg_object_grants",),
    "APPLICABLE_ROLES": ("snowreg_reg_roles", "snowreg_reg_role_grants"),
    "ENABLED_ROLES": ("snowreg_reg_roles",),
}

# Columns of the views whose documented type their DuckDB type does not say (by view, column → canonical
# type): https://docs.snowflake.com/en/sql-reference/info-schema/model_versions gives VERSION_ALIASES ARRAY.
DECLARED: dict[str, dict[str, str]] = {
    "MODEL_VERSIONS": {"VERSION_ALIASES": "ARRAY"},
}


def relations(views: Iterable[str]) -> frozenset[str]:
    """The relations a query over these INFORMATION_SCHEMA views reads (a view not known here: all)."""
    out: set[str] = set()
    for view in views:
        out.update(READS.get(view.upper(), ALL))
    return frozenset(out)


def tables(store: Store, visible: Sequence[int] | None, needed: Iterable[str] = ALL,
           models: ModelsPart | None = None) -> dict[str, Any]:
    """The `needed` relations' rows for the models in `visible` (None: all models), as Arrow tables read
    under the store's lock; each kept until the next write (the generation), never inside a transaction.

    With `models`, MODEL_VERSIONS is built from its cached reads (`model_versions`), not by a query."""
    key = None if visible is None else tuple(visible)
    with store.lock:
        if store.in_transaction:  # a rollback may undo what the transaction wrote: read afresh
            return _read(store, visible, needed)
        if any(generation != store.generation for generation, _ in store.information_tables.values()):
            store.information_tables.clear()  # only the current generation's rows are kept
        found = store.information_tables.setdefault(key, (store.generation, {}))[1]
        missing = [name for name in needed if name not in found]
        if models is not None and MODEL_VERSIONS in missing:
            missing.remove(MODEL_VERSIONS)
            found[MODEL_VERSIONS] = model_versions(store, models, visible)
        if missing:
            found.update(_read(store, visible, missing))
        return {name: found[name] for name in needed}


# -- MODEL_VERSIONS from the catalog's cached reads -------------------------------------------------

MODEL_VERSIONS = "snowreg_is_model_versions"
# its columns, in the order of its query (QUERIES) and of the Arrow tables built here
MODEL_VERSIONS_COLUMNS = ("DATABASE_NAME", "SCHEMA_NAME", "MODEL_NAME", "MODEL_VERSION_NAME", "VERSION_ALIASES",
                          "COMMENT", "OWNER", "CREATED", "LAST_ALTERED", "FUNCTIONS", "MODEL_TYPE", "PYTHON_VERSION",
                          "LANGUAGE", "DEPENDENCIES", "METADATA", "USERDATA", "CATALOG_NAME", "CREATED_ON",
                          "LAST_ALTERED_ON")
_SCHEMA: list[Any] = []  # MODEL_VERSIONS' Arrow schema, as its query gives it (read once)


def model_versions(store: Store, models: ModelsPart, visible: Sequence[int] | None) -> Any:
    """MODEL_VERSIONS' rows for the `visible` models, as its query in QUERIES gives them, built from the
    models' cached rows, version indexes and functions. A model's rows are kept as an Arrow table with what
    they were made of (`store.model_version_rows`) and made again only when one of those changed; a write
    that changed a few versions of a model (a comment, an alias) remakes only their rows, so the first
    query after it costs ~a dict lookup per model, not a row and its Arrow conversion per version."""
    import pyarrow as pa

    if not _SCHEMA:
        _SCHEMA.append(_read(store, [], [MODEL_VERSIONS])[MODEL_VERSIONS].schema)
    shown = set(visible) if visible is not None else None
    listed = sorted((m for m in models.list_models() if shown is None or m.id in shown), key=lambda m: m.id)
    indexes = models.list_versions_of([m.id for m in listed])
    functions = models.functions_of([v.id for m in listed for v in indexes[m.id].rows])
    kept = store.model_version_rows
    tables: list[Any] = []
    for m in listed:
        index = indexes[m.id]
        names = tuple(functions.get(v.id, ()) for v in index.rows)
        entry = kept.get(m.id)
        if entry is None or not (entry[0] == m and entry[1] is index and entry[2] == names):
            table = _patched(entry, m, index, names) if entry is not None else None
            if table is None:
                table = _arrow(_model_rows(m, index, names, range(len(index.rows))))
            entry = kept[m.id] = (m, index, names, table)
        tables.append(entry[3])
    for gone in kept.keys() - {m.id for m in models.list_models()}:
        del kept[gone]
    if len(tables) <= 1:
        return tables[0] if tables else _arrow([])
    key = None if visible is None else tuple(sorted(shown or ()))
    ids = tuple(m.id for m in listed)
    last = store.model_version_sets.get(key)
    combined = _spliced(last[1], last[2], tables) if last is not None and last[0] == ids else None
    if combined is None:
        combined = pa.concat_tables(tables).combine_chunks()
    if len(store.model_version_sets) >= _SETS_KEPT and key not in store.model_version_sets:
        store.model_version_sets.clear()
    store.model_version_sets[key] = (ids, tuple(tables), combined)
    return combined


_SETS_KEPT = 8  # sets of visible models whose combined MODEL_VERSIONS table is kept (roles that query it)


def _spliced(before: tuple[Any, ...], combined: Any, tables: list[Any]) -> Any:
    """The combined table of the same models (in the same order) made from the last one by replacing the
    slices of the models whose tables changed (concatenating a hundred one-model tables costs more than
    building their rows); None when many changed."""
    import pyarrow as pa

    changed = [i for i, (a, b) in enumerate(zip(before, tables, strict=True)) if a is not b]
    if not changed:
        return combined
    if len(changed) > _PATCHED_AT_MOST:
        return None
    offsets = [0]
    for table in before:
        offsets.append(offsets[-1] + table.num_rows)
    pieces, start = [], 0
    for i in changed:
        pieces += [combined.slice(start, offsets[i] - start), tables[i]]
        start = offsets[i + 1]
    pieces.append(combined.slice(start))
    return pa.concat_tables(pieces).combine_chunks()


_PATCHED_AT_MOST = 16  # versions changed at once beyond which a model's rows are simply made again


def _patched(entry: tuple[Any, ...], m: ModelRow, index: VersionIndex, functions: tuple[Any, ...]) -> Any:
    """The model's kept Arrow table with the rows of the versions that changed since made again; None when
    more than that changed. A row depends only on the model row, its version row, its functions and the
    first and last versions (FIRST / LAST), so with the model row and those unchanged, the rows of
    unchanged versions stay as they are."""
    import pyarrow as pa

    old_m, old_index, old_functions, table = entry
    old, new = old_index.rows, index.rows
    if old_m != m or len(old) != len(new) or (new and (old[0].seq, old[-1].seq) != (new[0].seq, new[-1].seq)):
        return None
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a is not b or old_functions[i] != functions[i]]
    if len(changed) > _PATCHED_AT_MOST:
        return None
    if not changed:
        return table
    made = _arrow(_model_rows(m, index, functions, changed))
    pieces, start = [], 0
    for k, i in enumerate(changed):
        pieces += [table.slice(start, i - start), made.slice(k, 1)]
        start = i + 1
    pieces.append(table.slice(start))
    return pa.concat_tables(pieces).combine_chunks()


def _arrow(rows: list[tuple[Any, ...]]) -> Any:
    """Rows in MODEL_VERSIONS' columns as an Arrow table of its query's schema."""
    import pyarrow as pa

    schema = _SCHEMA[0]
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema, strict=True)],
                                schema=schema)


def _model_rows(m: ModelRow, index: VersionIndex, functions: tuple[Any, ...],
                positions: Iterable[int]) -> list[tuple[Any, ...]]:
    """The MODEL_VERSIONS rows of the model's versions at `positions`, in the columns and order of its query."""
    out = []
    rows = index.rows
    first, last = (rows[0].seq, rows[-1].seq) if rows else (None, None)
    for i in positions:
        v, fns = rows[i], functions[i]
        aliases = [*(["DEFAULT"] if v.name == m.default_version else []), *(["FIRST"] if v.seq == first else []),
                   *(["LAST"] if v.seq == last else []), *([v.alias] if v.alias is not None else [])]
        out.append((m.database_name, m.schema_name, m.name, v.name, orjson.dumps(aliases).decode(), v.comment,
                    m.owner, v.created_on, v.last_altered_on, orjson.dumps([f.name for f in fns]).decode(),
                    v.model_type, v.python_version, v.language, v.dependencies, v.metadata, v.user_data,
                    m.database_name, v.created_on, v.last_altered_on))
    return out


def _read(store: Store, visible: Sequence[int] | None, names: Iterable[str]) -> dict[str, Any]:
    params = [visible is None, list(visible or [])]
    out: dict[str, Any] = {}
    with store.lock, store.db.cursor() as reader:  # a cursor of its own: the store's may hold a result
        reader.execute("SET SESSION arrow_lossless_conversion = true")  # JSON columns stay JSON
        for name in names:
            rel = reader.sql(QUERIES[name], params=params) if name in QUERIES else reader.sql(CONTAINER_QUERIES[name])
            out[name] = rel.to_arrow_table()
    return out


def expose(store: Store, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None,
           registered: dict[str, Any], needed: Iterable[str] = ALL, models: ModelsPart | None = None) -> None:
    """Hand a session cursor the `needed` relations' rows its next query may read (`visible`: the model
    ids; None: all); every other relation is left empty.

    `registered`: what the cursor holds now (name → Arrow table), kept up to date here; a relation whose
    rows are unchanged is not handed over again (no DuckDB call at all when nothing changed)."""
    current = tables(store, visible, needed, models)
    for name in ALL:
        held = registered.get(name)
        table = current.get(name)
        if table is None:
            if held is not None:  # rows of an earlier query (perhaps of another role) the query does not read
                _withdraw(store, cursor, name)
                del registered[name]
            continue
        if held is table or (held is not None and held.schema == table.schema and held.equals(table)):
            registered[name] = table
            continue
        if held is None:
            cursor.execute(f"DROP VIEW IF EXISTS {name}")  # the empty stand-in of `withdraw`
        cursor.register(name, table)
        registered[name] = table


def withdraw(store: Store, cursor: duckdb.DuckDBPyConnection) -> None:
    """Empty relations of the right columns in place of the registry rows (no Arrow, so no pyarrow import
    for a session that never reads INFORMATION_SCHEMA); the caller forgets what it had registered."""
    for name in ALL:
        _withdraw(store, cursor, name)


def _withdraw(store: Store, cursor: duckdb.DuckDBPyConnection, name: str) -> None:
    try:
        cursor.unregister(name)
    except duckdb.Error:
        pass  # nothing registered under that name yet
    cursor.execute(_empty_views(store)[name])


_EMPTY: dict[str, str] = {}


def _empty_views(store: Store) -> dict[str, str]:
    """`CREATE TEMP VIEW name AS SELECT NULL::type AS col, … WHERE false` for every relation, built once."""
    if not _EMPTY:
        params = [True, []]
        with store.lock, store.db.cursor() as reader:
            for name, sql in {**QUERIES, **CONTAINER_QUERIES}.items():
                rel = reader.sql(sql, params=params) if name in QUERIES else reader.sql(sql)
                columns = ", ".join(f'NULL::{t} AS "{c}"' for c, t in zip(rel.columns, rel.types, strict=True))
                _EMPTY[name] = f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {columns} WHERE false"
    return _EMPTY
