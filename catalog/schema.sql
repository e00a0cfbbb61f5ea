-- Registry state: small tables in the schema "snowreg" of the registry's own DuckDB instance.
-- Snowflake databases are catalogs of a second, sandboxed instance (user tables live there, and
-- user SQL runs there); nothing a session's cursor can name reaches these tables.
CREATE SCHEMA IF NOT EXISTS snowreg;

CREATE TABLE IF NOT EXISTS snowreg.meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE SEQUENCE IF NOT EXISTS snowreg.ids;

CREATE TABLE IF NOT EXISTS snowreg.databases (
    name VARCHAR PRIMARY KEY,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    file VARCHAR              -- attached DuckDB file name (persistent registries), NULL in memory
);

CREATE TABLE IF NOT EXISTS snowreg.schemas (
    database_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    managed_access BOOLEAN DEFAULT false,
    PRIMARY KEY (database_name, name)
);

CREATE TABLE IF NOT EXISTS snowreg.models (
    id BIGINT PRIMARY KEY,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    default_version VARCHAR,  -- name of the default version
    model_type VARCHAR DEFAULT 'USER_MODEL'
);

CREATE TABLE IF NOT EXISTS snowreg.versions (
    id BIGINT PRIMARY KEY,
    model_id BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    seq BIGINT NOT NULL,      -- creation order: FIRST / LAST
    created_on TIMESTAMPTZ NOT NULL,
    last_altered_on TIMESTAMPTZ NOT NULL,
    comment VARCHAR,
    metadata VARCHAR NOT NULL DEFAULT '{}',     -- JSON object text, echoed verbatim
    alias VARCHAR,            -- the one user alias, if any
    model_spec VARCHAR,       -- model/model.yaml text
    model_type VARCHAR,       -- framework (sklearn, custom, ...)
    model_attributes VARCHAR DEFAULT '{}',
    runnable_in VARCHAR DEFAULT '["WAREHOUSE"]',
    user_data VARCHAR DEFAULT '{}',
    python_version VARCHAR,
    dependencies VARCHAR,
    language VARCHAR DEFAULT 'PYTHON',
    size BIGINT DEFAULT 0
);

-- Live versions (the client's live-commit path): made empty by CREATE MODEL ... WITH LIVE VERSION /
-- ADD LIVE VERSION, filled by PUT into snow://model/<fqn>/versions/<v>/, and neither listed nor callable
-- until ALTER MODEL ... COMMIT VERSION reads their MANIFEST.yml and removes the row here.
CREATE TABLE IF NOT EXISTS snowreg.live_versions (version_id BIGINT PRIMARY KEY);

CREATE TABLE IF NOT EXISTS snowreg.functions (
    version_id BIGINT NOT NULL,
    pos INTEGER NOT NULL,
    name VARCHAR NOT NULL,    -- SQL identifier (PREDICT, or "predict" when case-sensitive)
    spec VARCHAR NOT NULL     -- JSON of the FunctionSpec
);

CREATE TABLE IF NOT EXISTS snowreg.blobs (sha VARCHAR PRIMARY KEY, content BLOB NOT NULL);

-- Files of model versions and of internal stages: owner_kind 'version' | 'stage'. The key lets a PUT
-- be one INSERT OR IGNORE / OR REPLACE (schema version 2; migrations.py adds it to older registries).
CREATE TABLE IF NOT EXISTS snowreg.files (
    owner_kind VARCHAR NOT NULL,
    owner_id BIGINT NOT NULL,
    path VARCHAR NOT NULL,
    sha VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    md5 VARCHAR NOT NULL,
    last_modified TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_kind, owner_id, path)
);

CREATE TABLE IF NOT EXISTS snowreg.stages (
    id BIGINT PRIMARY KEY,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    url VARCHAR,              -- file:///dir for local-directory stages, NULL for internal ones
    temporary BOOLEAN DEFAULT false,
    session_id BIGINT,        -- the creating connection, for temporary stages
    comment VARCHAR
);

CREATE TABLE IF NOT EXISTS snowreg.tags (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    allowed_values VARCHAR,   -- JSON array or NULL
    PRIMARY KEY (database_name, schema_name, name)
);

-- User-defined functions (SQL UDFs and UDTFs). One row per signature: `arguments` lists the argument
-- type families ('NUMBER, VARCHAR'); the function runs as DuckDB macros named `macro` + '/' + arity in
-- the data instance's schema (one per arity its DEFAULT arguments allow). `definition` is JSON:
-- arguments, return type or columns, body and properties.
CREATE TABLE IF NOT EXISTS snowreg.udfs (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    arguments VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    secure BOOLEAN NOT NULL DEFAULT false,
    is_table BOOLEAN NOT NULL DEFAULT false,
    macro VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    PRIMARY KEY (database_name, schema_name, name, arguments)
);

-- SQL stored procedures (Snowflake Scripting bodies): the columns of snowreg.udfs, `macro` unused ('').
CREATE TABLE IF NOT EXISTS snowreg.procedures (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    arguments VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    comment VARCHAR,
    secure BOOLEAN NOT NULL DEFAULT false,
    is_table BOOLEAN NOT NULL DEFAULT false,
    macro VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    PRIMARY KEY (database_name, schema_name, name, arguments)
);

CREATE TABLE IF NOT EXISTS snowreg.tag_references (
    tag_database VARCHAR NOT NULL,
    tag_schema VARCHAR NOT NULL,
    tag_name VARCHAR NOT NULL,
    domain VARCHAR NOT NULL,  -- 'MODULE' for models; DATABASE, SCHEMA, TABLE (tables and views), COLUMN
    object_id BIGINT NOT NULL,  -- a model's id; 0 for the objects named by the columns below
    value VARCHAR NOT NULL,
    -- the object a tag is set on, by name ('' where the domain has no such part; all '' for models)
    object_database VARCHAR DEFAULT '',
    object_schema VARCHAR DEFAULT '',
    object_name VARCHAR DEFAULT '',
    column_name VARCHAR DEFAULT ''
);

-- ---------------------------------------------------------------------------------------------
-- Governance: roles, users, role grants, privilege grants and future grants.
-- Ownership of databases, schemas, models, stages and tags is their `owner` column; tables have no
-- row of their own, so their ownership is an OWNERSHIP row in snowreg.grants.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS snowreg.roles (
    name VARCHAR PRIMARY KEY,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR NOT NULL DEFAULT '',  -- the owning role ('' for system roles)
    comment VARCHAR
);

CREATE TABLE IF NOT EXISTS snowreg.users (
    name VARCHAR PRIMARY KEY,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR NOT NULL DEFAULT '',
    comment VARCHAR,
    default_role VARCHAR,
    properties VARCHAR NOT NULL DEFAULT '{}'  -- other CREATE USER properties, JSON object
);

-- `role` granted to a role (the grantee inherits it) or to a user. PUBLIC is implicit, never stored.
CREATE TABLE IF NOT EXISTS snowreg.role_grants (
    role VARCHAR NOT NULL,
    grantee_kind VARCHAR NOT NULL,  -- ROLE | USER
    grantee VARCHAR NOT NULL,
    granted_by VARCHAR NOT NULL DEFAULT '',
    created_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (role, grantee_kind, grantee)
);

-- Privileges granted to roles. Models and stages are named by id (a rename keeps its grants), other
-- objects by (database, schema, name); unused parts are ''.
CREATE TABLE IF NOT EXISTS snowreg.grants (
    object_kind VARCHAR NOT NULL,   -- ACCOUNT, DATABASE, SCHEMA, MODEL, TABLE, VIEW, STAGE, TAG
    database_name VARCHAR NOT NULL DEFAULT '',
    schema_name VARCHAR NOT NULL DEFAULT '',
    name VARCHAR NOT NULL DEFAULT '',
    object_id BIGINT NOT NULL DEFAULT 0,
    privilege VARCHAR NOT NULL,
    grantee VARCHAR NOT NULL,
    grant_option BOOLEAN NOT NULL DEFAULT false,
    granted_by VARCHAR NOT NULL DEFAULT '',
    created_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (object_kind, database_name, schema_name, name, object_id, privilege, grantee)
);

CREATE TABLE IF NOT EXISTS snowreg.future_grants (
    container_kind VARCHAR NOT NULL,  -- SCHEMA | DATABASE
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL DEFAULT '',
    object_kind VARCHAR NOT NULL,     -- MODEL, TABLE, ...
    privilege VARCHAR NOT NULL,       -- OWNERSHIP: new objects are owned by the grantee
    grantee VARCHAR NOT NULL,
    grant_option BOOLEAN NOT NULL DEFAULT false,
    created_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (container_kind, database_name, schema_name, object_kind, privilege, grantee)
);

-- The seeded account (system roles, ADMIN, their grants) is written by catalog/pristine.py `seed`.

-- Warehouses: snowreg runs no compute, so CREATE / ALTER / DROP WAREHOUSE are recorded for SHOW WAREHOUSES.
CREATE TABLE IF NOT EXISTS snowreg.warehouses (
    name VARCHAR PRIMARY KEY,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL,
    resumed_on TIMESTAMPTZ,
    owner VARCHAR NOT NULL DEFAULT '',
    state VARCHAR NOT NULL,  -- STARTED | SUSPENDED
    properties VARCHAR NOT NULL DEFAULT '{}'  -- CREATE / ALTER WAREHOUSE properties, JSON object
);

-- ---------------------------------------------------------------------------------------------
-- Tables made by plain SQL: what DuckDB's own catalog cannot hold. A table without rows here (one
-- made before these tables existed) reads from DuckDB's catalog alone.
-- ---------------------------------------------------------------------------------------------

-- TABLE | TRANSIENT | TEMPORARY, as SHOW TABLES' `kind` says it.
CREATE TABLE IF NOT EXISTS snowreg.table_kinds (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL
);

-- The declared Snowflake type of a column (catalog/coltypes.py). `duck_type` is the DuckDB type the
-- column had when it was recorded: a column whose DuckDB type differs now ignores the row.
CREATE TABLE IF NOT EXISTS snowreg.table_columns (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    duck_type VARCHAR NOT NULL,
    type_text VARCHAR NOT NULL,
    data_type VARCHAR NOT NULL,
    char_length BIGINT,
    byte_length BIGINT,
    num_precision BIGINT,
    num_scale BIGINT,
    time_scale BIGINT
);

-- The text of the CREATE VIEW statement that made a view, as written (SHOW VIEWS `text`,
-- INFORMATION_SCHEMA.VIEWS VIEW_DEFINITION); a view without a row here shows DuckDB's definition.
CREATE TABLE IF NOT EXISTS snowreg.view_texts (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);

-- The secure views (CREATE SECURE VIEW, ALTER VIEW … SET SECURE): their text is their owner's only (SHOW VIEWS,
-- INFORMATION_SCHEMA.VIEWS, GET_DDL). A row follows its view like the view's other records (catalog/tables.py).
CREATE TABLE IF NOT EXISTS snowreg.secure_views (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL
);

-- PRIMARY KEY / UNIQUE / FOREIGN KEY constraints: recorded, never enforced (as in Snowflake).
CREATE TABLE IF NOT EXISTS snowreg.table_keys (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR NOT NULL,            -- PRIMARY KEY | UNIQUE | FOREIGN KEY
    constraint_name VARCHAR NOT NULL,
    columns VARCHAR[] NOT NULL,
    ref_database VARCHAR,             -- FOREIGN KEY: the referenced table and columns
    ref_schema VARCHAR,
    ref_table VARCHAR,
    ref_columns VARCHAR[],
    created_on TIMESTAMPTZ NOT NULL
);

-- Tables DROP TABLE keeps for UNDROP TABLE (Time Travel, catalog/dropped.py): the DuckDB table renamed
-- in its schema to `hidden` (a name holding chr(30), which no listing shows), its records (table_kinds,
-- table_columns, table_keys) renamed with it, its grants kept in dropped_grants until it comes back or
-- its retention ends.
CREATE TABLE IF NOT EXISTS snowreg.dropped_tables (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    hidden VARCHAR NOT NULL PRIMARY KEY,
    created_on TIMESTAMPTZ,
    owner VARCHAR,
    dropped_on TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS snowreg.dropped_grants (
    hidden VARCHAR NOT NULL,
    object_kind VARCHAR NOT NULL,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    object_id BIGINT NOT NULL,
    privilege VARCHAR NOT NULL,
    grantee VARCHAR NOT NULL,
    grant_option BOOLEAN NOT NULL,
    granted_by VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL
);

-- Databases and schemas DROP DATABASE / DROP SCHEMA took away, remembered for their retention period for
-- SHOW DATABASES | SCHEMAS HISTORY and UNDROP's errors (catalog/dropped.py). Their contents are not kept:
-- UNDROP DATABASE | SCHEMA of one is refused as not supported (DECISIONS.md L11).
CREATE TABLE IF NOT EXISTS snowreg.dropped_containers (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR,  -- NULL: a database
    created_on TIMESTAMPTZ,
    owner VARCHAR,
    comment VARCHAR,
    dropped_on TIMESTAMPTZ NOT NULL
);

-- A table's clustering key (https://docs.snowflake.com/en/user-guide/tables-clustering-keys): `key_text` as SHOW
-- TABLES' cluster_by shows it (`LINEAR(C1, C2)`), `suspended` after ALTER TABLE … SUSPEND RECLUSTER. A row
-- follows its table like its other records (catalog/tables.py); no row: the table is not clustered.
CREATE TABLE IF NOT EXISTS snowreg.table_clustering (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    key_text VARCHAR NOT NULL,
    suspended BOOLEAN NOT NULL
);

-- DATA_RETENTION_TIME_IN_DAYS set on a table, schema or database (catalog/retention.py); the account's is the
-- meta row 'DATA_RETENTION_TIME_IN_DAYS'. A table's row follows it like its other records (catalog/tables.py);
-- a container's goes with it. No row: the value is inherited (table → schema → database → account → 1).
CREATE TABLE IF NOT EXISTS snowreg.table_retention (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    days INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS snowreg.container_retention (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR,  -- NULL: the database's own value
    days INTEGER NOT NULL
);

-- Named file formats (CREATE FILE FORMAT): `options` is the JSON of the options the statement gave.
CREATE TABLE IF NOT EXISTS snowreg.file_formats (
    id BIGINT PRIMARY KEY,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR,
    format_type VARCHAR NOT NULL,
    options VARCHAR NOT NULL,
    temporary BOOLEAN DEFAULT false,
    session_id BIGINT,
    comment VARCHAR
);

-- A stage's own FILE_FORMAT (CREATE STAGE … FILE_FORMAT = (…)): the JSON of its options.
CREATE TABLE IF NOT EXISTS snowreg.stage_formats (stage_id BIGINT PRIMARY KEY, options VARCHAR NOT NULL);

-- A stage's own COPY_OPTIONS (CREATE / ALTER STAGE … COPY_OPTIONS = (…)): the JSON of its options, which a
-- COPY INTO <table> from the stage applies under its own.
CREATE TABLE IF NOT EXISTS snowreg.stage_copy_options (stage_id BIGINT PRIMARY KEY, options VARCHAR NOT NULL);

-- COPY INTO <table>'s load metadata: the files a table (its name and creation time) has loaded, by path
-- and content, so a second COPY skips them unless FORCE = TRUE.
CREATE TABLE IF NOT EXISTS snowreg.load_history (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    table_created VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    md5 VARCHAR NOT NULL,
    loaded_on TIMESTAMPTZ NOT NULL
);

-- INFORMATION_SCHEMA.LOAD_HISTORY: a row per file each completed COPY INTO <table> processed (loaded or not),
-- of the table by its name and creation time (table_created, as load_history), so a dropped or re-created
-- table's rows no longer show; kept apart from load_history, which TRUNCATE empties.
CREATE TABLE IF NOT EXISTS snowreg.load_records (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    table_created VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    loaded_on TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    row_parsed BIGINT NOT NULL,
    first_error_message VARCHAR,
    first_error_line BIGINT,
    first_error_character BIGINT,
    first_error_column VARCHAR,
    error_count BIGINT NOT NULL,
    error_limit BIGINT NOT NULL
);

-- The stage every table (`@%t`) and every user (`@~`) has: an id for their rows in snowreg.files, made by
-- their first PUT. kind 'table' (the table's names and creation time; it follows a RENAME and goes with
-- the table) or 'user' (name: the user's name; database_name, schema_name and created are '').
CREATE TABLE IF NOT EXISTS snowreg.implicit_stages (
    kind VARCHAR NOT NULL,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created VARCHAR NOT NULL,
    id BIGINT NOT NULL
);

-- Materialized views (engine/materialized.py): DuckDB holds each as a view (table_kinds kind 'MATERIALIZED VIEW');
-- this row names its one base table and says whether ALTER MATERIALIZED VIEW … SUSPEND suspended it. A row
-- follows its view like the view's other records (catalog/tables.py).
CREATE TABLE IF NOT EXISTS snowreg.materialized_views (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    source_database VARCHAR NOT NULL,
    source_schema VARCHAR NOT NULL,
    source_table VARCHAR NOT NULL,
    suspended BOOLEAN NOT NULL
);

-- Tasks (CREATE TASK, engine/tasks.py): kept and shown, run only by EXECUTE TASK (nothing is scheduled offline).
-- `properties` is a JSON object of the task's settings (warehouse, schedule, predecessors, condition, …).
CREATE TABLE IF NOT EXISTS snowreg.tasks (
    id BIGINT PRIMARY KEY,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR NOT NULL,
    state VARCHAR NOT NULL,  -- started | suspended
    definition VARCHAR NOT NULL,
    comment VARCHAR,
    properties VARCHAR NOT NULL DEFAULT '{}'
);

-- Tasks DROP TASK keeps for UNDROP TASK (engine/tasks.py) for the retention period (catalog/dropped.py): the
-- task's row as it was, under the `hidden` name its grants are kept aside with (snowreg.dropped_grants).
CREATE TABLE IF NOT EXISTS snowreg.dropped_tasks (
    id BIGINT NOT NULL,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    owner VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    comment VARCHAR,
    properties VARCHAR NOT NULL DEFAULT '{}',
    hidden VARCHAR NOT NULL PRIMARY KEY,
    dropped_on TIMESTAMPTZ NOT NULL
);

-- One row per run of a task by EXECUTE TASK (INFORMATION_SCHEMA.TASK_HISTORY()).
CREATE TABLE IF NOT EXISTS snowreg.task_history (
    query_id VARCHAR NOT NULL,
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    query_text VARCHAR NOT NULL,
    condition_text VARCHAR,
    state VARCHAR NOT NULL,  -- SUCCEEDED | FAILED | SKIPPED
    error_code VARCHAR,
    error_message VARCHAR,
    scheduled_time TIMESTAMPTZ NOT NULL,
    query_start_time TIMESTAMPTZ,
    completed_time TIMESTAMPTZ,
    root_task_id VARCHAR NOT NULL,
    graph_version BIGINT NOT NULL,
    run_id BIGINT NOT NULL,
    return_value VARCHAR
);

-- Dynamic tables (engine/dynamic.py): DuckDB holds each as a table with the rows of its last refresh; this row
-- keeps its query and settings (`spec`, a JSON object: target_lag, warehouse, refresh_mode, initialize, query,
-- scheduling_state, refreshed_on, …). A row follows its table like the table's other records (catalog/tables.py).
CREATE TABLE IF NOT EXISTS snowreg.dynamic_tables (
    database_name VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    spec VARCHAR NOT NULL
);
