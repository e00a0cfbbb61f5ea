"""What INFORMATION_SCHEMA views read: registry rows a role may see, handed to a session cursor per query."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import duckdb
import orjson

from snowreg.catalog import coltypes
from snowreg.catalog.coltypes import ColumnType

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
    "snowreg_reg_secure_views": "SELECT database_name, schema_name, name FROM snowreg.secure_views",
    "snowreg_reg_dynamic_tables": "SELECT database_name, schema_name, name FROM snowreg.dynamic_tables",
    "snowreg_reg_table_clustering": "SELECT database_name, schema_name, name, key_text, suspended "
                                    "FROM snowreg.table_clustering",
    # grants on tables and views (TABLE_PRIVILEGES; a dropped table's are set aside: catalog/dropped.py)
    "snowreg_reg_table_grants": "SELECT database_name, schema_name, name, privilege, grantee, grant_option, "
                                "granted_by, created_on FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW')",
    "snowreg_reg_table_columns": "SELECT * FROM snowreg.table_columns",
    # DATA_RETENTION_TIME_IN_DAYS set on tables, schemas (name NULL), databases (schema_name NULL) and the
    # account (database_name NULL): views.sql's snowreg_retention (catalog/retention.py)
    "snowreg_reg_retention": "SELECT database_name, schema_name, name, days FROM snowreg.table_retention "
                             "UNION ALL SELECT database_name, schema_name, NULL, days FROM snowreg.container_retention "
                             "UNION ALL SELECT NULL, NULL, NULL, TRY_CAST(value AS INTEGER) FROM snowreg.meta "
                             "WHERE key = 'DATA_RETENTION_TIME_IN_DAYS'",
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
               'OWNERSHIP', owner, true, owner, created_on FROM snowreg.procedures WHERE owner <> ''
        UNION ALL SELECT 'TASK', 'TASK', database_name, schema_name, name, 'OWNERSHIP', owner, true, owner,
               created_on FROM snowreg.tasks WHERE owner <> ''""",
    # the files each COPY INTO <table> processed (LOAD_HISTORY), kept 14 days as the view's page says;
    # views.sql keeps those of the tables that still exist (by creation time) and the role sees
    "snowreg_reg_load_records": "SELECT * FROM snowreg.load_records WHERE loaded_on >= now() - INTERVAL 14 DAY",
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
_TABLE_VIEWS = ("snowreg_reg_databases", "snowreg_reg_schemas", "snowreg_reg_table_owners", "snowreg_reg_table_kinds", "snowreg_reg_view_texts",
                "snowreg_reg_retention", "snowreg_reg_table_clustering", "snowreg_reg_dynamic_tables")
READS: dict[str, tuple[str, ...]] = {
    "MODEL_VERSIONS": ("snowreg_is_model_versions",),
    "TAG_REFERENCES": ("snowreg_is_models", "snowreg_is_tag_references"),
    "PACKAGES": (), "INFORMATION_SCHEMA_CATALOG_NAME": (), "STAGES": (), "FILE_FORMATS": (),
    "EVENT_TABLES": ("snowreg_reg_databases",),
    "TABLES": _TABLE_VIEWS, "VIEWS": (*_TABLE_VIEWS, "snowreg_reg_secure_views"),
    "COLUMNS": (*_TABLE_VIEWS, "snowreg_reg_table_columns"),
    "TABLE_CONSTRAINTS": (*_TABLE_VIEWS, "snowreg_reg_table_keys"),
    "REFERENTIAL_CONSTRAINTS": (*_TABLE_VIEWS, "snowreg_reg_table_keys"),
    "TABLE_PRIVILEGES": (*_TABLE_VIEWS, "snowreg_reg_table_grants"),
    "SCHEMATA": ("snowreg_reg_schemas", "snowreg_reg_retention"),
    "SEQUENCES": ("snowreg_reg_schemas",),
    "DATABASES": ("snowreg_reg_databases", "snowreg_reg_retention"),
    "FUNCTIONS": ("snowreg_reg_udfs",),
    "PROCEDURES": ("snowreg_reg_procedures",),
    "OBJECT_PRIVILEGES": ("snowreg_reg_object_grants",),
    "USAGE_PRIVILEGES": ("snowreg_reg_object_grants",),
    "LOAD_HISTORY": ("snowreg_reg_load_records",),
    "APPLICABLE_ROLES": ("snowreg_reg_roles", "snowreg_reg_role_grants"),
    "ENABLED_ROLES": ("snowreg_reg_roles",),
}

# Columns of the views whose documented type their DuckDB type does not say (by view, column → canonical
# type): https://docs.snowflake.com/en/sql-reference/info-schema/model_versions gives VERSION_ALIASES ARRAY.
DECLARED: dict[str, dict[str, str]] = {
    "MODEL_VERSIONS": {"VERSION_ALIASES": "ARRAY"},
}


# The INFORMATION_SCHEMA views snowreg answers → (the table macro of views.sql behind it, whether it takes the
# database); engine.sql.translate adds the table functions. TABLES, COLUMNS and VIEWS list these views in the
# schema INFORMATION_SCHEMA, as Snowflake lists its own, and DESCRIBE VIEW describes them.
VIEWS: dict[str, tuple[str, bool]] = {
    "APPLICABLE_ROLES": ("snowreg_is_applicable_roles", False),
    "COLUMNS": ("snowreg_is_columns", True),
    "DATABASES": ("snowreg_is_databases", False),
    "ENABLED_ROLES": ("snowreg_is_enabled_roles", False),
    "EVENT_TABLES": ("snowreg_is_event_tables", True),
    "FILE_FORMATS": ("snowreg_is_file_formats", True),
    "FUNCTIONS": ("snowreg_is_functions", True),
    "INFORMATION_SCHEMA_CATALOG_NAME": ("snowreg_is_catalog_name", True),
    "LOAD_HISTORY": ("snowreg_is_load_history", True),
    "MODEL_VERSIONS": ("snowreg_model_versions", True),
    "OBJECT_PRIVILEGES": ("snowreg_is_object_privileges", True),
    "PACKAGES": ("snowreg_packages", False),
    "PROCEDURES": ("snowreg_is_procedures", True),
    "REFERENTIAL_CONSTRAINTS": ("snowreg_is_referential_constraints", True),
    "SCHEMATA": ("snowreg_is_schemata", True),
    "SEQUENCES": ("snowreg_is_sequences", True),
    "STAGES": ("snowreg_is_stages", True),
    "TABLES": ("snowreg_is_tables", True),
    "TABLE_CONSTRAINTS": ("snowreg_is_table_constraints", True),
    "TABLE_PRIVILEGES": ("snowreg_is_table_privileges", True),
    "USAGE_PRIVILEGES": ("snowreg_is_usage_privileges", True),
    "VIEWS": ("snowreg_is_views", True),
}
# Every view and table function https://docs.snowflake.com/en/sql-reference/info-schema lists: one snowreg does not
# answer is refused as not supported; any other name in INFORMATION_SCHEMA does not exist (002003).
DOCUMENTED = frozenset((
    "APPLICABLE_ROLES", "APPLICATION_SPECIFICATIONS", "BACKUP_POLICIES", "BACKUP_SETS", "BACKUPS",
    "CLASS_INSTANCE_FUNCTIONS", "CLASS_INSTANCE_PROCEDURES", "CLASS_INSTANCES", "CLASSES", "COLUMNS",
    "CORTEX_SEARCH_SERVICES", "CORTEX_SEARCH_SERVICE_SCORING_PROFILES", "CURRENT_PACKAGES_POLICY", "DATABASES",
    "ELEMENT_TYPES", "ENABLED_ROLES", "EVENT_TABLES", "EXTERNAL_TABLES", "FIELDS", "FILE_FORMATS", "FUNCTIONS",
    "HYBRID_TABLES", "INDEXES", "INDEX_COLUMNS", "INFORMATION_SCHEMA_CATALOG_NAME", "LOAD_HISTORY", "MODEL_VERSIONS",
    "OBJECT_PRIVILEGES", "PACKAGES", "PIPES", "PROCEDURES", "REFERENTIAL_CONSTRAINTS", "REPLICATION_DATABASES",
    "REPLICATION_GROUPS", "SCHEMATA", "SEMANTIC_DIMENSIONS", "SEMANTIC_FACTS", "SEMANTIC_METRICS",
    "SEMANTIC_RELATIONSHIPS", "SEMANTIC_TABLES", "SEMANTIC_VIEWS", "SEQUENCES", "SERVICES", "SNAPSHOT_POLICIES",
    "SNAPSHOT_SETS", "SNAPSHOTS", "STAGES", "TABLE_CONSTRAINTS", "TABLE_PRIVILEGES", "TABLE_STORAGE_METRICS", "TABLES",
    "USAGE_PRIVILEGES", "VIEWS",
    # table functions
    "ALERT_HISTORY", "AUTOMATIC_CLUSTERING_HISTORY", "AUTO_REFRESH_REGISTRATION_HISTORY",
    "AVAILABLE_LISTING_REFRESH_HISTORY", "COMPLETE_TASK_GRAPHS", "COPY_HISTORY", "CURRENT_TASK_GRAPHS",
    "DATA_METRIC_FUNCTION_REFERENCES", "DATA_TRANSFER_HISTORY", "DATABASE_REFRESH_HISTORY", "DATABASE_REFRESH_PROGRESS",
    "DATABASE_REFRESH_PROGRESS_BY_JOB", "DATABASE_REPLICATION_USAGE_HISTORY", "DATABASE_STORAGE_USAGE_HISTORY",
    "DBT_PROJECT_EXECUTION_HISTORY", "DYNAMIC_TABLES", "DYNAMIC_TABLE_GRAPH_HISTORY", "DYNAMIC_TABLE_REFRESH_HISTORY",
    "EXTERNAL_FUNCTIONS_HISTORY", "EXTERNAL_TABLE_FILES", "EXTERNAL_TABLE_FILE_REGISTRATION_HISTORY",
    "ICEBERG_TABLE_FILES", "ICEBERG_TABLE_SNAPSHOT_REFRESH_HISTORY", "LISTING_REFRESH_HISTORY", "LOGIN_HISTORY",
    "LOGIN_HISTORY_BY_USER", "MATERIALIZED_VIEW_REFRESH_HISTORY", "NOTIFICATION_HISTORY",
    "ONLINE_FEATURE_TABLE_REFRESH_HISTORY", "PIPE_USAGE_HISTORY", "POLICY_REFERENCES", "QUERY_ACCELERATION_HISTORY",
    "QUERY_HISTORY", "QUERY_HISTORY_BY_SESSION", "QUERY_HISTORY_BY_USER", "QUERY_HISTORY_BY_WAREHOUSE",
    "REPLICATION_GROUP_DANGLING_REFERENCES", "REPLICATION_GROUP_REFRESH_HISTORY", "REPLICATION_GROUP_REFRESH_HISTORY_ALL",
    "REPLICATION_GROUP_REFRESH_PROGRESS", "REPLICATION_GROUP_REFRESH_PROGRESS_BY_JOB",
    "REPLICATION_GROUP_REFRESH_PROGRESS_ALL", "REPLICATION_GROUP_USAGE_HISTORY", "REPLICATION_USAGE_HISTORY",
    "REST_EVENT_HISTORY", "SEARCH_OPTIMIZATION_HISTORY", "SERVERLESS_ALERT_HISTORY", "SERVERLESS_TASK_HISTORY",
    "STAGE_DIRECTORY_FILE_REGISTRATION_HISTORY", "STAGE_STORAGE_USAGE_HISTORY", "STORAGE_LIFECYCLE_POLICY_HISTORY",
    "TAG_REFERENCES", "TAG_REFERENCES_ALL_COLUMNS", "TASK_DEPENDENTS", "TASK_HISTORY", "VALIDATE_PIPE_LOAD",
    "WAREHOUSE_LOAD_HISTORY", "WAREHOUSE_METERING_HISTORY",
))
_OWN: dict[str, list[tuple[str, ColumnType]]] = {}  # view → its columns and types, described once per process


def own_columns(cursor: duckdb.DuckDBPyConnection | None = None) -> dict[str, list[tuple[str, ColumnType]]]:
    """Each view of VIEWS with its columns in order and their Snowflake types (from their DuckDB types, or the
    documented type DECLARED gives), described on `cursor`, a session cursor whose macros are installed; {}
    when none has been described yet and no cursor is given."""
    if not _OWN and cursor is not None:
        described = {}
        for name, (macro, takes_db) in VIEWS.items():
            rel = cursor.sql(f"SELECT * FROM {macro}({chr(39) * 2 if takes_db else ''})")
            declared = DECLARED.get(name, {})
            described[name] = [(c, coltypes.must(declared[c]) if c in declared else coltypes.from_duckdb(str(t)))
                                for c, t in zip(rel.columns, rel.types, strict=True)]
        _OWN.update(described)
    return _OWN


def install_own_columns(cursor: duckdb.DuckDBPyConnection) -> None:
    """`snowreg_own_columns()`: a row per column of each view of VIEWS, which the TABLES, COLUMNS and VIEWS
    macros of views.sql list (call after views.sql ran)."""
    def text(v: Any) -> str:
        return "NULL" if v is None else str(v) if isinstance(v, int) else f"'{v}'"

    rows = ", ".join(
        "(" + ", ".join(text(v) for v in (view, column, i, t.data_type, t.length, t.byte_length, t.precision,
                                          t.scale if t.precision is not None else None,
                                          t.scale if t.data_type.startswith("TIME") else None)) + ")"
        for view, columns in own_columns(cursor).items() for i, (column, t) in enumerate(columns, 1))
    cursor.execute("CREATE OR REPLACE TEMP MACRO snowreg_own_columns() AS TABLE SELECT * FROM (VALUES "
                   f"{rows}) AS t(view_name, column_name, position, data_type, char_length, byte_length, "
                   "num_precision, num_scale, time_scale)")


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

    With `models`, MODEL_VERSIONS is built from its cached reads (`model_version_parts`), not by a query."""
    with store.lock:
        if store.in_transaction:  # a rollback may undo what the transaction wrote: read afresh
            return _read(store, visible, needed)
        found = _kept(store, visible)
        missing = [name for name in needed if name not in found]
        if models is not None and MODEL_VERSIONS in missing:
            missing.remove(MODEL_VERSIONS)
            found[MODEL_VERSIONS] = _combined(store, _parts(store, models, visible, found), visible)
        if missing:
            found.update(_read(store, visible, missing))
        return {name: found[name] for name in needed}


def _kept(store: Store, visible: Sequence[int] | None) -> dict[str, Any]:
    """What is kept of the current generation for this set of visible models (call under the lock)."""
    if any(generation != store.generation for generation, _ in store.information_tables.values()):
        store.information_tables.clear()  # only the current generation's rows are kept
    key = None if visible is None else tuple(visible)
    return store.information_tables.setdefault(key, (store.generation, {}))[1]


# -- MODEL_VERSIONS from the catalog's cached reads -------------------------------------------------

MODEL_VERSIONS = "snowreg_is_model_versions"
# its columns, in the order of its query (QUERIES) and of the rows built here
MODEL_VERSIONS_COLUMNS = ("DATABASE_NAME", "SCHEMA_NAME", "MODEL_NAME", "MODEL_VERSION_NAME", "VERSION_ALIASES",
                          "COMMENT", "OWNER", "CREATED", "LAST_ALTERED", "FUNCTIONS", "MODEL_TYPE", "PYTHON_VERSION",
                          "LANGUAGE", "DEPENDENCIES", "METADATA", "USERDATA", "CATALOG_NAME", "CREATED_ON",
                          "LAST_ALTERED_ON")
_SCHEMA: list[Any] = []  # MODEL_VERSIONS' Arrow schema, as its query gives it (read once)
_PARTS = "model version parts"  # the key of the per-model rows among a generation's kept relations


class ModelVersionRows:
    """One model's MODEL_VERSIONS rows as Python tuples in MODEL_VERSIONS_COLUMNS' order and the view's
    (by version seq), with the model row and version index they were made of. A row a write did not
    change stays the same object from one generation to the next, so readers may keep what they derive
    from a row by its identity (engine.sql.information_rows). The Arrow table is made on first use."""

    __slots__ = ("model", "index", "rows", "_table", "_base")

    def __init__(self, model: ModelRow, index: VersionIndex, rows: tuple[tuple[Any, ...], ...],
                 replaced: ModelVersionRows | None) -> None:
        self.model, self.index, self.rows = model, index, rows
        self._table: Any = None
        # the latest rows before these whose table was made (a few changed rows patch it); never a chain
        # of entries whose tables no one asked for
        self._base: ModelVersionRows | None = replaced if replaced is None or replaced._table is not None else replaced._base

    def table(self) -> Any:
        """The rows as an Arrow table of the view's schema (made once; call under the store's lock)."""
        if self._table is None:
            base, self._base = self._base, None
            self._table = _patched_table(base, self.rows) if base is not None else None
            if self._table is None:
                self._table = _arrow(list(self.rows))
        return self._table


def model_version_parts(store: Store, models: ModelsPart, visible: Sequence[int] | None
                        ) -> list[ModelVersionRows] | None:
    """Each `visible` model's MODEL_VERSIONS rows (None: all models), by model id; kept until the next
    write. None inside a registry transaction (what it reads may be rolled back)."""
    with store.lock:
        if store.in_transaction:
            return None
        return _parts(store, models, visible, _kept(store, visible))


def forget_model_versions(store: Store) -> None:
    """Drop every kept MODEL_VERSIONS row and table (tests compare kept rows with rows made afresh)."""
    with store.lock:
        store.model_version_rows.clear()
        store.model_version_sets.clear()
        store.information_tables.clear()


def model_versions_schema(store: Store) -> Any:
    """MODEL_VERSIONS' Arrow schema (the column types its query gives)."""
    if not _SCHEMA:
        _SCHEMA.append(_read(store, [], [MODEL_VERSIONS])[MODEL_VERSIONS].schema)
    return _SCHEMA[0]


def _parts(store: Store, models: ModelsPart, visible: Sequence[int] | None, found: dict[str, Any]
           ) -> list[ModelVersionRows]:
    """The visible models' rows, from the catalog's cached reads: a model whose model row and version
    index are unchanged keeps its entry (`store.model_version_rows`); a changed one keeps the rows of its
    versions the write did not touch."""
    parts = found.get(_PARTS)
    if parts is not None:
        return parts  # type: ignore[no-any-return]
    model_versions_schema(store)
    every = models.list_models()
    shown = set(visible) if visible is not None else None
    listed = sorted((m for m in every if shown is None or m.id in shown), key=lambda m: m.id)
    indexes = models.list_versions_of([m.id for m in listed])
    kept = store.model_version_rows
    parts = []
    for m in listed:
        entry = kept.get(m.id)
        if entry is None or entry.index is not indexes[m.id] or (entry.model is not m and entry.model != m):
            entry = kept[m.id] = _remade(models, entry, m, indexes[m.id])
        parts.append(entry)
    for gone in kept.keys() - {m.id for m in every}:
        del kept[gone]
    found[_PARTS] = parts
    return parts


# the model's fields in every one of its rows (its default version marks one row: `_marked`)
_SHOWN = ("database_name", "schema_name", "name", "owner")


def _remade(models: ModelsPart, entry: ModelVersionRows | None, m: ModelRow, index: VersionIndex) -> ModelVersionRows:
    """The model's rows after a change: the row of a version whose row, functions, DEFAULT / FIRST / LAST
    marks and model fields are unchanged is kept (the same object); the others are made again. (A
    version's functions are written only with its version row, so an unchanged row has its functions.)"""
    new = index.rows
    same_model = entry is not None and all(getattr(entry.model, f) == getattr(m, f) for f in _SHOWN)
    rows: list[tuple[Any, ...] | None] | None = None
    todo: Iterable[int] = range(len(new))
    if entry is not None and same_model:
        old = entry.index.rows
        # versions in the same places: only those that are other objects, or gained or lost a mark
        moved = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a is not b]
        if len(moved) <= max(_PATCHED_AT_MOST, len(new) // 8):
            rows = [*entry.rows[:len(new)], *[None] * (len(new) - len(old))]
            marked = {*moved, *_marked(entry.model, entry.index), *_marked(m, index), *range(len(old), len(new))}
            todo = sorted(i for i in marked if i < len(new))
    if rows is None:
        rows = [None] * len(new)
    made = _model_rows(m, index, models.functions_of([new[i].id for i in todo]), todo)
    if entry is not None and same_model:  # an equal row of the same version keeps its object (a re-read
        positions, before = entry.index.positions, entry.index.rows  # index has new ones)
        for i, row in made.items():
            j = positions.get(new[i].name)
            kept = entry.rows[j] if j is not None and (before[j].id, before[j].seq) == (new[i].id, new[i].seq) else None
            made[i] = kept if kept is not None and kept == row else row
    for i, row in made.items():
        rows[i] = row
    return ModelVersionRows(m, index, tuple(rows), entry)  # type: ignore[arg-type]


def _marked(m: ModelRow, index: VersionIndex) -> list[int]:
    """Positions of the versions marked DEFAULT, FIRST or LAST."""
    if not index.rows:
        return []
    default = index.positions.get(m.default_version) if m.default_version is not None else None
    return [0, len(index.rows) - 1, *([] if default is None else [default])]


def _combined(store: Store, parts: list[ModelVersionRows], visible: Sequence[int] | None) -> Any:
    """MODEL_VERSIONS' rows for the `visible` models as one Arrow table, as its query in QUERIES gives
    them. The last combined table of each set of visible models is kept (`store.model_version_sets`) and
    a change to a few models replaces only their slices."""
    import pyarrow as pa

    tables = [part.table() for part in parts]
    if len(tables) <= 1:
        return tables[0] if tables else _arrow([])
    key = None if visible is None else tuple(sorted(visible))
    ids = tuple(part.model.id for part in parts)
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


_PATCHED_AT_MOST = 16  # rows changed at once beyond which a table is simply made again


def _patched_table(base: ModelVersionRows, rows: tuple[tuple[Any, ...], ...]) -> Any:
    """`base`'s Arrow table with the rows that are other objects now made again; None when the number of
    rows changed or many did."""
    import pyarrow as pa

    if len(base.rows) != len(rows):
        return None
    changed = [i for i, (a, b) in enumerate(zip(base.rows, rows, strict=True)) if a is not b]
    if len(changed) > _PATCHED_AT_MOST:
        return None
    table = base.table()
    if not changed:
        return table
    made = _arrow([rows[i] for i in changed])
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


def _model_rows(m: ModelRow, index: VersionIndex, functions: dict[int, tuple[Any, ...]],
                positions: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """The MODEL_VERSIONS rows of the model's versions at `positions` (by position), in the columns and
    order of its query; `functions`: by version id."""
    out = {}
    rows = index.rows
    first, last = (rows[0].seq, rows[-1].seq) if rows else (None, None)
    for i in positions:
        v = rows[i]
        aliases = [*(["DEFAULT"] if v.name == m.default_version else []), *(["FIRST"] if v.seq == first else []),
                   *(["LAST"] if v.seq == last else []), *([v.alias] if v.alias is not None else [])]
        out[i] = (m.database_name, m.schema_name, m.name, v.name, orjson.dumps(aliases).decode(), v.comment,
                  m.owner, v.created_on, v.last_altered_on,
                  orjson.dumps([f.name for f in functions.get(v.id, ())]).decode(), v.model_type,
                  v.python_version, v.language, v.dependencies, v.metadata, v.user_data, m.database_name,
                  v.created_on, v.last_altered_on)
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
