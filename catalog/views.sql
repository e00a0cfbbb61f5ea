-- Per-session (TEMP) table macros behind names DuckDB cannot hold: INFORMATION_SCHEMA views.
-- They read the relations snowreg_is_model_versions / _models / _tag_references that the
-- catalog hands the session's cursor for one query (catalog/information.py): only the rows of the
-- models the session's roles may see, never the registry's tables themselves. MODEL_VERSIONS comes
-- worked out in its columns, once per registry change, so a query only picks the database's rows.
CREATE OR REPLACE TEMP MACRO snowreg_model_versions(db) AS TABLE
SELECT * FROM snowreg_is_model_versions WHERE "DATABASE_NAME" = db;

-- TABLE(db.INFORMATION_SCHEMA.TAG_REFERENCES('<name>', 'MODULE')): the name is in identifier form
-- (`DB."sch".M`); unquoted parts resolve upper case.
CREATE OR REPLACE TEMP MACRO snowreg_ident(x) AS
    CASE WHEN regexp_full_match(x, '[A-Z_][A-Z0-9_$]*') THEN x ELSE '"' || replace(x, '"', '""') || '"' END;

CREATE OR REPLACE TEMP MACRO snowreg_tag_references(db, object_name, domain) AS TABLE
SELECT r.tag_database AS "TAG_DATABASE", r.tag_schema AS "TAG_SCHEMA", r.tag_name AS "TAG_NAME",
       r.value AS "TAG_VALUE", 'MODEL' AS "LEVEL", m.database_name AS "OBJECT_DATABASE",
       m.schema_name AS "OBJECT_SCHEMA", m.name AS "OBJECT_NAME", upper(domain) AS "DOMAIN"
FROM snowreg_is_tag_references r JOIN snowreg_is_models m ON m.id = r.object_id
WHERE r.domain = 'MODULE' AND upper(domain) IN ('MODULE', 'MODEL')
  AND (snowreg_ident(m.database_name) || '.' || snowreg_ident(m.schema_name) || '.' || snowreg_ident(m.name)
       IN (object_name, CASE WHEN strpos(object_name, '"') = 0 THEN upper(object_name) END)
    -- a partly qualified name is in the session's current database (and schema), as any object name
    OR m.database_name = getvariable('snowreg_database')
       AND snowreg_ident(m.schema_name) || '.' || snowreg_ident(m.name)
           IN (object_name, CASE WHEN strpos(object_name, '"') = 0 THEN upper(object_name) END)
    OR m.database_name = getvariable('snowreg_database') AND m.schema_name = getvariable('snowreg_schema')
       AND snowreg_ident(m.name) IN (object_name, CASE WHEN strpos(object_name, '"') = 0 THEN upper(object_name) END));

-- https://docs.snowflake.com/en/sql-reference/info-schema/information_schema_catalog_name: "always a single row"
CREATE OR REPLACE TEMP MACRO snowreg_is_catalog_name(db) AS TABLE SELECT db AS "CATALOG_NAME";

-- INFORMATION_SCHEMA.PACKAGES' columns, for the views that list INFORMATION_SCHEMA's own (catalog/information.py);
-- its rows are the distributions installed here, read when a query names it (engine/sql/packages.py).
CREATE OR REPLACE TEMP MACRO snowreg_packages() AS TABLE
SELECT NULL::VARCHAR AS "PACKAGE_NAME", NULL::VARCHAR AS "VERSION", NULL::VARCHAR AS "LANGUAGE",
       NULL::VARCHAR AS "RUNTIME_VERSION" WHERE false;

-- ---------------------------------------------------------------------------------------------
-- INFORMATION_SCHEMA views over the tables and views of Snowflake databases. Physical DuckDB names
-- (catalog/names.py) read back as Snowflake names; getvariable('snowreg_visible_tables') is the list
-- of 'db<RS>schema<RS>name' keys the session's roles may see (NULL: all), set by the engine.
-- ---------------------------------------------------------------------------------------------
-- The sequence of an AUTOINCREMENT / IDENTITY column (`<table>$<column>$SEQ$<16 hex digits>`, `$SEQO$` for ORDER:
-- engine/sql/dml.py;
-- registries of earlier versions name it `<table>$<column>$SEQ`, matched where it is used).
CREATE OR REPLACE TEMP MACRO snowreg_identity_seq(n) AS regexp_full_match(n, '.*\$SEQO?\$[0-9a-f]{16}');

CREATE OR REPLACE TEMP MACRO snowreg_sf_name(n) AS regexp_replace(n, chr(31) || '[0-9a-f]+$', '');

-- A column DEFAULT as Snowflake shows it (engine/show_objects.py does the same for SHOW / DESCRIBE): a
-- sequence's `DB.SCHEMA.SEQ.NEXTVAL`, the clock functions by their Snowflake names.
CREATE OR REPLACE TEMP MACRO snowreg_sf_default(d, db, sch) AS CASE
    WHEN d IS NULL THEN NULL
    WHEN regexp_full_match(d, 'nextval\(''("[^"]*"\.){0,2}"[^"]*"''\)')
        THEN array_to_string(list_concat([db, sch], regexp_extract_all(d, '"([^"]*)"', 1))[-3:], '.') || '.NEXTVAL'
    WHEN lower(d) = 'get_current_timestamp()' THEN 'CURRENT_TIMESTAMP()'
    WHEN lower(d) IN ('current_date()', 'current_date') THEN 'CURRENT_DATE()'
    ELSE d END;

CREATE OR REPLACE TEMP MACRO snowreg_sees_table(db, s, n) AS
    getvariable('snowreg_visible_tables') IS NULL
    OR list_contains(getvariable('snowreg_visible_tables'), db || chr(30) || s || chr(30) || n);

CREATE OR REPLACE TEMP MACRO snowreg_sf_type(t) AS CASE
    WHEN t LIKE 'DECIMAL%' OR t IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT') THEN 'NUMBER'
    WHEN t IN ('DOUBLE', 'FLOAT', 'REAL') THEN 'FLOAT' WHEN t = 'VARCHAR' THEN 'TEXT'
    WHEN t = 'TIMESTAMP WITH TIME ZONE' THEN 'TIMESTAMP_LTZ' WHEN t LIKE 'TIMESTAMP%' THEN 'TIMESTAMP_NTZ'
    WHEN t = 'BLOB' THEN 'BINARY' WHEN t = 'JSON' THEN 'VARIANT' ELSE t END;

-- DATA_RETENTION_TIME_IN_DAYS of a table (name), schema (name NULL) or database (schema NULL): its own, else
-- inherited from its schema, database, the account, else 1 (catalog/retention.py)
CREATE OR REPLACE TEMP MACRO snowreg_retention(ret_db, ret_sch, ret_name) AS coalesce(
    (SELECT max(r.days) FROM snowreg_reg_retention r WHERE ret_name IS NOT NULL AND r.database_name = ret_db
        AND r.schema_name = ret_sch AND r.name = ret_name),
    (SELECT max(r.days) FROM snowreg_reg_retention r WHERE ret_sch IS NOT NULL AND r.database_name = ret_db
        AND r.schema_name = ret_sch AND r.name IS NULL),
    (SELECT max(r.days) FROM snowreg_reg_retention r WHERE r.database_name = ret_db AND r.schema_name IS NULL),
    (SELECT max(r.days) FROM snowreg_reg_retention r WHERE r.database_name IS NULL), 1);

CREATE OR REPLACE TEMP MACRO snowreg_relations(db) AS TABLE
SELECT r.* REPLACE (coalesce(w.text, r.text) AS text), o.created, o.owner, coalesce(k.kind, 'TABLE') AS table_kind FROM (
    SELECT t.database_name AS db, t.schema_name AS sch, snowreg_sf_name(t.table_name) AS name,
           'BASE TABLE' AS kind, t.estimated_size AS row_count, t.comment, NULL::VARCHAR AS text
    FROM duckdb_tables() t WHERE t.database_name = db AND NOT t.internal
      AND NOT contains(t.table_name, chr(30))  -- a dropped table kept for UNDROP (catalog/dropped.py)
    UNION ALL
    SELECT v.database_name, v.schema_name, snowreg_sf_name(v.view_name), 'VIEW', NULL, v.comment,
           regexp_replace(v.sql, chr(31) || '[0-9a-f]+', '', 'g')
    FROM duckdb_views() v WHERE v.database_name = db AND NOT v.internal) r
JOIN snowreg_reg_schemas s ON s.database_name = r.db AND s.name = r.sch
LEFT JOIN snowreg_reg_table_owners o ON o.database_name = r.db AND o.schema_name = r.sch AND o.name = r.name
LEFT JOIN snowreg_reg_table_kinds k ON k.database_name = r.db AND k.schema_name = r.sch
     AND k.name = r.name
LEFT JOIN snowreg_reg_view_texts w ON r.kind = 'VIEW' AND w.database_name = r.db AND w.schema_name = r.sch
     AND w.name = r.name
WHERE snowreg_sees_table(r.db, r.sch, r.name);

-- The views of INFORMATION_SCHEMA itself (catalog/information.py VIEWS, snowreg_own_columns() installed after this
-- file), listed by TABLES, VIEWS and COLUMNS in every database the role may use: no owner, created with the database.
CREATE OR REPLACE TEMP MACRO snowreg_own_columns() AS TABLE  -- replaced by its rows (information.install_own_columns)
SELECT NULL::VARCHAR AS view_name, NULL::VARCHAR AS column_name, NULL::INTEGER AS position, NULL::VARCHAR AS data_type,
       NULL::INTEGER AS char_length, NULL::INTEGER AS byte_length, NULL::INTEGER AS num_precision,
       NULL::INTEGER AS num_scale, NULL::INTEGER AS time_scale
WHERE false;

CREATE OR REPLACE TEMP MACRO snowreg_own_views(db) AS TABLE
SELECT DISTINCT view_name AS name, (SELECT max(d.created_on) FROM snowreg_reg_databases d WHERE d.name = db) AS created
FROM snowreg_own_columns();

-- "a row for each event table and view in the specified (or current) database, including the views in the
-- INFORMATION_SCHEMA schema itself" (https://docs.snowflake.com/en/sql-reference/info-schema/event_tables):
-- snowreg has no event tables (CREATE EVENT TABLE is refused), so the schema's own views are its rows.
CREATE OR REPLACE TEMP MACRO snowreg_is_event_tables(db) AS TABLE
SELECT db AS "TABLE_CATALOG", 'INFORMATION_SCHEMA' AS "TABLE_SCHEMA", name AS "TABLE_NAME", NULL::VARCHAR AS "TABLE_OWNER",
       created AS "CREATED", created AS "LAST_ALTERED", NULL::VARCHAR AS "COMMENT"
FROM snowreg_own_views(db) ORDER BY 3;

CREATE OR REPLACE TEMP MACRO snowreg_is_tables(db) AS TABLE
SELECT * FROM (
SELECT db AS "TABLE_CATALOG", sch AS "TABLE_SCHEMA", name AS "TABLE_NAME", owner AS "TABLE_OWNER",
       CASE WHEN table_kind = 'TEMPORARY' THEN 'TEMPORARY TABLE' WHEN table_kind = 'MATERIALIZED VIEW'
            THEN 'MATERIALIZED VIEW' ELSE kind END AS "TABLE_TYPE",
       CASE WHEN kind = 'BASE TABLE' THEN CASE WHEN table_kind = 'TRANSIENT' THEN 'YES' ELSE 'NO' END END
           AS "IS_TRANSIENT",
       (SELECT max(c.key_text) FROM snowreg_reg_table_clustering c WHERE kind = 'BASE TABLE'
            AND c.database_name = db AND c.schema_name = rel.sch AND c.name = rel.name) AS "CLUSTERING_KEY",
       row_count AS "ROW_COUNT", NULL::BIGINT AS "BYTES",
       CASE WHEN kind = 'BASE TABLE' THEN snowreg_retention(db, sch, name) END AS "RETENTION_TIME",
       NULL::VARCHAR AS "SELF_REFERENCING_COLUMN_NAME", NULL::VARCHAR AS "REFERENCE_GENERATION",
       NULL::VARCHAR AS "USER_DEFINED_TYPE_CATALOG", NULL::VARCHAR AS "USER_DEFINED_TYPE_SCHEMA",
       NULL::VARCHAR AS "USER_DEFINED_TYPE_NAME", CASE WHEN kind = 'BASE TABLE' THEN 'YES' ELSE 'NO' END
       AS "IS_INSERTABLE_INTO", 'YES' AS "IS_TYPED", NULL::VARCHAR AS "COMMIT_ACTION", created AS "CREATED",
       created AS "LAST_ALTERED", created AS "LAST_DDL", owner AS "LAST_DDL_BY",
       CASE WHEN kind = 'BASE TABLE' THEN CASE WHEN EXISTS (SELECT 1 FROM snowreg_reg_table_clustering c
            WHERE c.database_name = db AND c.schema_name = rel.sch AND c.name = rel.name AND NOT c.suspended) THEN 'YES'
            ELSE 'NO' END END AS "AUTO_CLUSTERING_ON", comment AS "COMMENT",
       CASE WHEN table_kind = 'TEMPORARY' THEN 'YES' ELSE 'NO' END AS "IS_TEMPORARY", 'NO' AS "IS_ICEBERG",
       CASE WHEN EXISTS (SELECT 1 FROM snowreg_reg_dynamic_tables d WHERE kind = 'BASE TABLE' AND d.database_name = db
            AND d.schema_name = rel.sch AND d.name = rel.name) THEN 'YES' ELSE 'NO' END AS "IS_DYNAMIC", 'NO' AS "IS_IMMUTABLE",
       'NO' AS "IS_HYBRID"
FROM snowreg_relations(db) rel
UNION ALL
SELECT db, 'INFORMATION_SCHEMA', name, NULL, 'VIEW', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'NO',
       'YES', NULL, created, created, created, NULL, NULL, NULL, 'NO', 'NO', 'NO', 'NO', 'NO'
FROM snowreg_own_views(db)) ORDER BY 2, 3;

-- A secure view's definition is shown only to the roles granted its owner role
-- (https://docs.snowflake.com/en/user-guide/views-secure): getvariable('snowreg_enabled_roles') holds the session's.
CREATE OR REPLACE TEMP MACRO snowreg_is_views(db) AS TABLE
SELECT db AS "TABLE_CATALOG", sch AS "TABLE_SCHEMA", name AS "TABLE_NAME", owner AS "TABLE_OWNER",
       CASE WHEN secure AND NOT list_contains(getvariable('snowreg_enabled_roles'), owner) THEN NULL
            ELSE text END AS "VIEW_DEFINITION", 'NONE' AS "CHECK_OPTION", 'NO' AS "IS_UPDATABLE",
       'NO' AS "INSERTABLE_INTO", CASE WHEN secure THEN 'YES' ELSE 'NO' END AS "IS_SECURE",
       created AS "CREATED", created AS "LAST_ALTERED", created AS "LAST_DDL", owner AS "LAST_DDL_BY",
       comment AS "COMMENT"
FROM (SELECT rel.*, EXISTS (SELECT 1 FROM snowreg_reg_secure_views sv WHERE sv.database_name = db
              AND sv.schema_name = rel.sch AND sv.name = rel.name) AS secure
      FROM snowreg_relations(db) rel WHERE rel.kind = 'VIEW')
UNION ALL
SELECT db, 'INFORMATION_SCHEMA', name, NULL, NULL, 'NONE', 'NO', 'NO', 'NO', created, created, created, NULL, NULL
FROM snowreg_own_views(db) ORDER BY 2, 3;

CREATE OR REPLACE TEMP MACRO snowreg_is_columns(db) AS TABLE
SELECT * FROM (
SELECT r.db AS "TABLE_CATALOG", r.sch AS "TABLE_SCHEMA", r.name AS "TABLE_NAME",
       snowreg_sf_name(c.column_name) AS "COLUMN_NAME", c.column_index AS "ORDINAL_POSITION",
       CASE WHEN q.sequence_name IS NULL THEN snowreg_sf_default(c.column_default, r.db, r.sch) END
           AS "COLUMN_DEFAULT", CASE WHEN c.is_nullable THEN 'YES' ELSE 'NO' END AS "IS_NULLABLE",
       coalesce(m.data_type, c.sf_type) AS "DATA_TYPE",
       CASE WHEN m.data_type IS NOT NULL THEN m.char_length WHEN c.data_type = 'VARCHAR' THEN 16777216
            WHEN c.data_type = 'BLOB' THEN 8388608 END AS "CHARACTER_MAXIMUM_LENGTH",
       CASE WHEN m.data_type IS NOT NULL THEN m.byte_length WHEN c.data_type = 'VARCHAR' THEN 16777216
            WHEN c.data_type = 'BLOB' THEN 8388608 END AS "CHARACTER_OCTET_LENGTH",
       CASE WHEN m.data_type IS NOT NULL THEN m.num_precision
            WHEN c.sf_type = 'NUMBER' THEN coalesce(c.numeric_precision, 38) END
           AS "NUMERIC_PRECISION",
       CASE WHEN c.sf_type = 'NUMBER' THEN 10 END AS "NUMERIC_PRECISION_RADIX",
       CASE WHEN m.data_type IS NOT NULL THEN m.num_scale
            WHEN c.sf_type = 'NUMBER' THEN coalesce(c.numeric_scale, 0) END AS "NUMERIC_SCALE",
       CASE WHEN m.data_type IS NOT NULL THEN m.time_scale WHEN c.data_type LIKE 'TIME%' THEN 9 END
           AS "DATETIME_PRECISION",
       NULL::VARCHAR AS "INTERVAL_TYPE", NULL::VARCHAR AS "INTERVAL_PRECISION",
       NULL::VARCHAR AS "CHARACTER_SET_CATALOG", NULL::VARCHAR AS "CHARACTER_SET_SCHEMA",
       NULL::VARCHAR AS "CHARACTER_SET_NAME", NULL::VARCHAR AS "COLLATION_CATALOG",
       NULL::VARCHAR AS "COLLATION_SCHEMA", NULL::VARCHAR AS "COLLATION_NAME", NULL::VARCHAR AS "DOMAIN_CATALOG",
       NULL::VARCHAR AS "DOMAIN_SCHEMA", NULL::VARCHAR AS "DOMAIN_NAME", NULL::VARCHAR AS "UDT_CATALOG",
       NULL::VARCHAR AS "UDT_SCHEMA", NULL::VARCHAR AS "UDT_NAME", NULL::VARCHAR AS "SCOPE_CATALOG",
       NULL::VARCHAR AS "SCOPE_SCHEMA", NULL::VARCHAR AS "SCOPE_NAME", NULL::VARCHAR AS "MAXIMUM_CARDINALITY",
       NULL::VARCHAR AS "DTD_IDENTIFIER", 'NO' AS "IS_SELF_REFERENCING",
       CASE WHEN q.sequence_name IS NULL THEN 'NO' ELSE 'YES' END AS "IS_IDENTITY",
       NULL::VARCHAR AS "IDENTITY_GENERATION", CAST(q.start_value AS VARCHAR) AS "IDENTITY_START",
       CAST(q.increment_by AS VARCHAR) AS "IDENTITY_INCREMENT", NULL::VARCHAR AS "IDENTITY_MAXIMUM",
       NULL::VARCHAR AS "IDENTITY_MINIMUM", CASE WHEN q.sequence_name IS NOT NULL THEN 'NO' END AS "IDENTITY_CYCLE",
       CASE WHEN q.sequence_name IS NOT NULL THEN CASE WHEN q.sequence_name LIKE '%$SEQO$%' THEN 'YES' ELSE 'NO' END
       END AS "IDENTITY_ORDERED",
       NULL::VARCHAR AS "SCHEMA_EVOLUTION_RECORD", c.comment AS "COMMENT"
FROM snowreg_relations(db) r
JOIN (SELECT *, snowreg_sf_type(data_type) AS sf_type, snowreg_sf_name(table_name) AS sf_table
      FROM duckdb_columns() WHERE database_name = db) c  -- the type worked out once, not in four columns
     ON c.database_name = r.db AND c.schema_name = r.sch AND c.sf_table = r.name
LEFT JOIN snowreg_reg_table_columns m ON m.database_name = r.db AND m.schema_name = r.sch
     AND m.table_name = r.name AND m.column_name = snowreg_sf_name(c.column_name) AND m.duck_type = c.data_type
LEFT JOIN duckdb_sequences() q  -- an AUTOINCREMENT / IDENTITY column's own sequence (engine/sql/dml.py)
     ON q.database_name = c.database_name AND q.schema_name = c.schema_name
     AND (q.sequence_name = c.table_name || '$' || c.column_name || '$SEQ' OR snowreg_identity_seq(q.sequence_name))
     AND starts_with(c.column_default, 'nextval(') AND ends_with(c.column_default, '"' || q.sequence_name || '"'')')
UNION ALL  -- the columns of INFORMATION_SCHEMA's own views, typed as a query over them describes them
SELECT db, 'INFORMATION_SCHEMA', o.view_name, o.column_name, o.position, NULL, 'YES', o.data_type, o.char_length,
       o.byte_length, o.num_precision, CASE WHEN o.num_precision IS NOT NULL THEN 10 END, o.num_scale, o.time_scale,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, 'NO', 'NO', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM snowreg_own_columns() o) ORDER BY 2, 3, 5;

-- Keys recorded by the registry (catalog/tables.py), then those DuckDB holds for tables made before it did.
-- Snowflake's defaults: NOT ENFORCED, DEFERRABLE, INITIALLY DEFERRED
-- (https://docs.snowflake.com/en/sql-reference/constraints-properties).
CREATE OR REPLACE TEMP MACRO snowreg_is_table_constraints(db) AS TABLE
SELECT * EXCLUDE (pos) FROM (
    SELECT k.database_name AS "CONSTRAINT_CATALOG", k.schema_name AS "CONSTRAINT_SCHEMA",
           k.constraint_name AS "CONSTRAINT_NAME", k.database_name AS "TABLE_CATALOG",
           k.schema_name AS "TABLE_SCHEMA", r.name AS "TABLE_NAME", k.kind AS "CONSTRAINT_TYPE",
           'YES' AS "IS_DEFERRABLE", 'YES' AS "INITIALLY_DEFERRED", 'NO' AS "ENFORCED", NULL::VARCHAR AS "COMMENT",
           k.created_on AS "CREATED", k.created_on AS "LAST_ALTERED", 'NO' AS "RELY", k.position AS pos
    FROM snowreg_reg_table_keys k
    JOIN snowreg_relations(db) r ON r.db = k.database_name AND r.sch = k.schema_name AND r.name = k.table_name
    UNION ALL
    SELECT c.database_name, c.schema_name,
           'SYS_CONSTRAINT_' || md5(c.database_name || '.' || c.schema_name || '.' || r.name || '.'
                                    || c.constraint_index),
           c.database_name, c.schema_name, r.name, c.constraint_type, 'YES', 'YES', 'NO', NULL::VARCHAR,
           r.created, r.created, 'NO', c.constraint_index
    FROM duckdb_constraints() c
    JOIN snowreg_relations(db) r ON r.db = c.database_name AND r.sch = c.schema_name
         AND r.name = snowreg_sf_name(c.table_name)
    WHERE c.constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY'))
ORDER BY 2, 6, pos;

-- FOREIGN KEY constraints recorded by the registry, each with the PRIMARY KEY or UNIQUE constraint it
-- references (https://docs.snowflake.com/en/sql-reference/info-schema/referential_constraints); MATCH FULL
-- and NO ACTION are Snowflake's defaults (https://docs.snowflake.com/en/sql-reference/constraints-properties).
CREATE OR REPLACE TEMP MACRO snowreg_is_referential_constraints(db) AS TABLE
SELECT k.database_name AS "CONSTRAINT_CATALOG", k.schema_name AS "CONSTRAINT_SCHEMA",
       k.constraint_name AS "CONSTRAINT_NAME", u.database_name AS "UNIQUE_CONSTRAINT_CATALOG",
       u.schema_name AS "UNIQUE_CONSTRAINT_SCHEMA", u.constraint_name AS "UNIQUE_CONSTRAINT_NAME",
       'FULL' AS "MATCH_OPTION", 'NO ACTION' AS "UPDATE_RULE", 'NO ACTION' AS "DELETE_RULE",
       NULL::VARCHAR AS "COMMENT", k.created_on AS "CREATED", k.created_on AS "LAST_ALTERED"
FROM snowreg_reg_table_keys k
JOIN snowreg_relations(db) r ON r.db = k.database_name AND r.sch = k.schema_name AND r.name = k.table_name
LEFT JOIN snowreg_reg_table_keys u ON u.database_name = k.ref_database AND u.schema_name = k.ref_schema
     AND u.table_name = k.ref_table AND u.kind IN ('PRIMARY KEY', 'UNIQUE') AND u.columns = k.ref_columns
WHERE k.kind = 'FOREIGN KEY'
ORDER BY 2, k.table_name, k.position;

-- A row per grant on each table and view the role sees (https://docs.snowflake.com/en/sql-reference/info-schema/table_privileges:
-- "only displays objects for which the current role for the session has been granted access privileges"),
-- every grantee's; the owner's OWNERSHIP is one row, not the separate privileges (the page's usage notes).
CREATE OR REPLACE TEMP MACRO snowreg_is_table_privileges(db) AS TABLE
SELECT g.granted_by AS "GRANTOR", g.grantee AS "GRANTEE", 'ROLE' AS "GRANTED_TO", r.db AS "TABLE_CATALOG",
       r.sch AS "TABLE_SCHEMA", r.name AS "TABLE_NAME", g.privilege AS "PRIVILEGE_TYPE",
       CASE WHEN g.grant_option THEN 'YES' ELSE 'NO' END AS "IS_GRANTABLE", 'NO' AS "WITH_HIERARCHY",
       g.created_on AS "CREATED"
FROM snowreg_relations(db) r
JOIN snowreg_reg_table_grants g ON g.database_name = r.db AND g.schema_name = r.sch AND g.name = r.name
ORDER BY 4, 5, 6, 7, 2;

-- A row per file each COPY INTO <table> processed in the last 14 days, of the tables of the database that exist
-- (the same table: getvariable('snowreg_load_tables') holds 'db<RS>schema<RS>name<RS>created' of every table,
-- engine/sql/information_filters.py) and the role sees
-- (https://docs.snowflake.com/en/sql-reference/info-schema/load_history).
CREATE OR REPLACE TEMP MACRO snowreg_is_load_history(db) AS TABLE
SELECT l.schema_name AS "SCHEMA_NAME", l.file_name AS "FILE_NAME", l.table_name AS "TABLE_NAME",
       l.loaded_on AS "LAST_LOAD_TIME", l.status AS "STATUS", l.row_count AS "ROW_COUNT",
       l.row_parsed AS "ROW_PARSED", l.first_error_message AS "FIRST_ERROR_MESSAGE",
       l.first_error_line AS "FIRST_ERROR_LINE_NUMBER", l.first_error_character AS "FIRST_ERROR_CHARACTER_POSITION",
       l.first_error_column AS "FIRST_ERROR_COL_NAME", l.error_count AS "ERROR_COUNT", l.error_limit AS "ERROR_LIMIT"
FROM snowreg_reg_load_records l
WHERE l.database_name = db AND snowreg_sees_table(l.database_name, l.schema_name, l.table_name)
  AND list_contains(getvariable('snowreg_load_tables'), l.database_name || chr(30) || l.schema_name || chr(30)
                    || l.table_name || chr(30) || l.table_created)
ORDER BY l.loaded_on, l.schema_name, l.table_name, l.file_name;

-- STAGES and FILE_FORMATS: the rows engine/sql/information_objects.py worked out for the session (the objects its
-- roles hold a privilege on), one JSON text each, picked by database
-- (https://docs.snowflake.com/en/sql-reference/info-schema/stages, …/file_formats).
CREATE OR REPLACE TEMP MACRO snowreg_json_rows(v) AS TABLE
SELECT CAST(j AS JSON) AS j FROM (SELECT unnest(coalesce(getvariable(v), []::VARCHAR[])) AS j);

CREATE OR REPLACE TEMP MACRO snowreg_is_stages(db) AS TABLE
SELECT j->>'STAGE_CATALOG' AS "STAGE_CATALOG", j->>'STAGE_SCHEMA' AS "STAGE_SCHEMA", j->>'STAGE_NAME' AS "STAGE_NAME",
       j->>'STAGE_URL' AS "STAGE_URL", NULL::VARCHAR AS "STAGE_REGION", j->>'STAGE_TYPE' AS "STAGE_TYPE",
       j->>'STAGE_OWNER' AS "STAGE_OWNER", j->>'COMMENT' AS "COMMENT", CAST(j->>'CREATED' AS TIMESTAMPTZ) AS "CREATED",
       CAST(j->>'CREATED' AS TIMESTAMPTZ) AS "LAST_ALTERED"
FROM snowreg_json_rows('snowreg_stage_rows') WHERE j->>'STAGE_CATALOG' = db ORDER BY 2, 3;

CREATE OR REPLACE TEMP MACRO snowreg_is_file_formats(db) AS TABLE
SELECT j->>'FILE_FORMAT_CATALOG' AS "FILE_FORMAT_CATALOG", j->>'FILE_FORMAT_SCHEMA' AS "FILE_FORMAT_SCHEMA",
       j->>'FILE_FORMAT_NAME' AS "FILE_FORMAT_NAME", j->>'FILE_FORMAT_OWNER' AS "FILE_FORMAT_OWNER",
       j->>'FILE_FORMAT_TYPE' AS "FILE_FORMAT_TYPE", j->>'RECORD_DELIMITER' AS "RECORD_DELIMITER",
       j->>'FIELD_DELIMITER' AS "FIELD_DELIMITER", CAST(j->>'SKIP_HEADER' AS BIGINT) AS "SKIP_HEADER",
       j->>'DATE_FORMAT' AS "DATE_FORMAT", j->>'TIME_FORMAT' AS "TIME_FORMAT", j->>'TIMESTAMP_FORMAT' AS "TIMESTAMP_FORMAT",
       j->>'BINARY_FORMAT' AS "BINARY_FORMAT", j->>'ESCAPE' AS "ESCAPE",
       j->>'ESCAPE_UNENCLOSED_FIELD' AS "ESCAPE_UNENCLOSED_FIELD", j->>'TRIM_SPACE' AS "TRIM_SPACE",
       j->>'FIELD_OPTIONALLY_ENCLOSED_BY' AS "FIELD_OPTIONALLY_ENCLOSED_BY", j->>'NULL_IF' AS "NULL_IF",
       j->>'COMPRESSION' AS "COMPRESSION", j->>'ERROR_ON_COLUMN_COUNT_MISMATCH' AS "ERROR_ON_COLUMN_COUNT_MISMATCH",
       CAST(j->>'CREATED' AS TIMESTAMPTZ) AS "CREATED", CAST(j->>'CREATED' AS TIMESTAMPTZ) AS "LAST_ALTERED",
       j->>'COMMENT' AS "COMMENT"
FROM snowreg_json_rows('snowreg_file_format_rows') WHERE j->>'FILE_FORMAT_CATALOG' = db ORDER BY 2, 3;

-- Sequences made by CREATE SEQUENCE (not the ones behind AUTOINCREMENT / IDENTITY columns) in the schemas
-- the role sees (https://docs.snowflake.com/en/sql-reference/info-schema/sequences). snowreg records no
-- owner or creation time for sequences: SEQUENCE_OWNER and CREATED are NULL (conformance/DECISIONS.md T16).
CREATE OR REPLACE TEMP MACRO snowreg_is_sequences(db) AS TABLE
SELECT q.database_name AS "SEQUENCE_CATALOG", q.schema_name AS "SEQUENCE_SCHEMA",
       snowreg_sf_name(q.sequence_name) AS "SEQUENCE_NAME", NULL::VARCHAR AS "SEQUENCE_OWNER",
       'NUMBER' AS "DATA_TYPE", 38 AS "NUMERIC_PRECISION", 10 AS "NUMERIC_PRECISION_RADIX", 0 AS "NUMERIC_SCALE",
       CAST(q.start_value AS VARCHAR) AS "START_VALUE", NULL::VARCHAR AS "MINIMUM_VALUE",
       NULL::VARCHAR AS "MAXIMUM_VALUE",
       CAST(coalesce(q.last_value + q.increment_by, q.start_value) AS VARCHAR) AS "NEXT_VALUE",
       CAST(q.increment_by AS VARCHAR) AS "INCREMENT", NULL::VARCHAR AS "CYCLE_OPTION",
       NULL::TIMESTAMPTZ AS "CREATED", NULL::TIMESTAMPTZ AS "LAST_ALTERED", 'NO' AS "ORDERED", q.comment AS "COMMENT"
FROM duckdb_sequences() q
JOIN snowreg_reg_schemas s ON s.database_name = q.database_name AND s.name = q.schema_name
WHERE q.database_name = db
  AND (getvariable('snowreg_visible_schemas') IS NULL
       OR list_contains(getvariable('snowreg_visible_schemas'), q.database_name || chr(30) || q.schema_name))
  -- the sequences the session's roles hold (engine.access.privileges.visible_sequences)
  AND list_contains(getvariable('snowreg_visible_sequences'),
                    q.database_name || chr(30) || q.schema_name || chr(30) || q.sequence_name)
  AND NOT snowreg_identity_seq(q.sequence_name)
  AND NOT EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.database_name = q.database_name
                  AND c.schema_name = q.schema_name AND starts_with(c.column_default, 'nextval(')
                  AND ends_with(c.column_default, '"' || q.sequence_name || '"'')')
                  AND q.sequence_name = c.table_name || '$' || c.column_name || '$SEQ')
ORDER BY 2, 3;

CREATE OR REPLACE TEMP MACRO snowreg_is_schemata(db) AS TABLE
SELECT database_name AS "CATALOG_NAME", name AS "SCHEMA_NAME", owner AS "SCHEMA_OWNER", 'NO' AS "IS_TRANSIENT",
       CASE WHEN managed_access THEN 'YES' ELSE 'NO' END AS "IS_MANAGED_ACCESS",
       snowreg_retention(database_name, name, NULL) AS "RETENTION_TIME",
       NULL::VARCHAR AS "DEFAULT_CHARACTER_SET_CATALOG", NULL::VARCHAR AS "DEFAULT_CHARACTER_SET_SCHEMA",
       NULL::VARCHAR AS "DEFAULT_CHARACTER_SET_NAME", NULL::VARCHAR AS "SQL_PATH", created_on AS "CREATED",
       created_on AS "LAST_ALTERED", comment AS "COMMENT", 'NO' AS "REPLICABLE_WITH_FAILOVER_GROUPS",
       'ROLE' AS "OWNER_ROLE_TYPE"
FROM (SELECT database_name, name, owner, managed_access, created_on, comment FROM snowreg_reg_schemas
      WHERE database_name = db
        AND (getvariable('snowreg_visible_schemas') IS NULL
             OR list_contains(getvariable('snowreg_visible_schemas'), database_name || chr(30) || name))
      UNION ALL SELECT db, 'INFORMATION_SCHEMA', NULL, false, NULL,
                       'Views describing the contents of schemas in this database')
ORDER BY 2;

CREATE OR REPLACE TEMP MACRO snowreg_is_databases() AS TABLE
SELECT name AS "DATABASE_NAME", owner AS "DATABASE_OWNER", 'NO' AS "IS_TRANSIENT", comment AS "COMMENT",
       created_on AS "CREATED", created_on AS "LAST_ALTERED", snowreg_retention(name, NULL, NULL) AS "RETENTION_TIME",
       'STANDARD' AS "TYPE",
       'NO' AS "REPLICABLE_WITH_FAILOVER_GROUPS", 'ROLE' AS "OWNER_ROLE_TYPE"
FROM snowreg_reg_databases
WHERE getvariable('snowreg_visible_databases') IS NULL
   OR list_contains(getvariable('snowreg_visible_databases'), name)
ORDER BY 1;

-- User-defined functions of the database that the session's roles hold a privilege on
-- (https://docs.snowflake.com/en/sql-reference/info-schema/functions); a secure function's definition is
-- shown to its owner only. Columns after COMMENT are left out (conformance/DECISIONS.md U10).
CREATE OR REPLACE TEMP MACRO snowreg_is_functions(db) AS TABLE
SELECT f.database_name AS "FUNCTION_CATALOG", f.schema_name AS "FUNCTION_SCHEMA", f.name AS "FUNCTION_NAME",
       f.owner AS "FUNCTION_OWNER", json_extract_string(f.definition, '$.signature') AS "ARGUMENT_SIGNATURE",
       json_extract_string(f.definition, '$.data_type') AS "DATA_TYPE",
       CAST(json_extract(f.definition, '$.length') AS INTEGER) AS "CHARACTER_MAXIMUM_LENGTH",
       CAST(json_extract(f.definition, '$.length') AS INTEGER) AS "CHARACTER_OCTET_LENGTH",
       CAST(json_extract(f.definition, '$.precision') AS INTEGER) AS "NUMERIC_PRECISION",
       CASE WHEN json_extract_string(f.definition, '$.precision') IS NOT NULL THEN 10 END AS "NUMERIC_PRECISION_RADIX",
       CAST(json_extract(f.definition, '$.scale') AS INTEGER) AS "NUMERIC_SCALE",
       coalesce(json_extract_string(f.definition, '$.language'), 'SQL') AS "FUNCTION_LANGUAGE",
       CASE WHEN f.secure AND NOT list_contains(getvariable('snowreg_owned_functions'), k.key) THEN NULL
            ELSE json_extract_string(f.definition, '$.body') END AS "FUNCTION_DEFINITION",
       json_extract_string(f.definition, '$.volatility') AS "VOLATILITY",
       CASE WHEN json_extract(f.definition, '$.python.strict') = 'true' THEN 'NO' ELSE 'YES' END AS "IS_NULL_CALL",
       CASE WHEN f.secure THEN 'YES' ELSE 'NO' END AS "IS_SECURE", f.created_on AS "CREATED",
       f.created_on AS "LAST_ALTERED", f.comment AS "COMMENT"
FROM snowreg_reg_udfs f,
     LATERAL (SELECT f.database_name || chr(30) || f.schema_name || chr(30) || f.name || '(' || f.arguments || ')'
              AS key) k
WHERE f.database_name = db AND list_contains(getvariable('snowreg_visible_functions'), k.key)
ORDER BY 2, 3, 5;

-- Stored procedures of the database that the session's roles hold a privilege on
-- (https://docs.snowflake.com/en/sql-reference/info-schema/procedures); a secure procedure's definition is
-- shown to its owner only. Columns after COMMENT are left out (conformance/DECISIONS.md X11).
CREATE OR REPLACE TEMP MACRO snowreg_is_procedures(db) AS TABLE
SELECT p.database_name AS "PROCEDURE_CATALOG", p.schema_name AS "PROCEDURE_SCHEMA", p.name AS "PROCEDURE_NAME",
       p.owner AS "PROCEDURE_OWNER", json_extract_string(p.definition, '$.signature') AS "ARGUMENT_SIGNATURE",
       json_extract_string(p.definition, '$.data_type') AS "DATA_TYPE",
       CAST(json_extract(p.definition, '$.length') AS INTEGER) AS "CHARACTER_MAXIMUM_LENGTH",
       CAST(json_extract(p.definition, '$.length') AS INTEGER) AS "CHARACTER_OCTET_LENGTH",
       CAST(json_extract(p.definition, '$.precision') AS INTEGER) AS "NUMERIC_PRECISION",
       CASE WHEN json_extract_string(p.definition, '$.precision') IS NOT NULL THEN 10 END AS "NUMERIC_PRECISION_RADIX",
       CAST(json_extract(p.definition, '$.scale') AS INTEGER) AS "NUMERIC_SCALE",
       coalesce(json_extract_string(p.definition, '$.language'), 'SQL') AS "PROCEDURE_LANGUAGE",
       CASE WHEN p.secure AND NOT list_contains(getvariable('snowreg_owned_procedures'), k.key) THEN NULL
            ELSE json_extract_string(p.definition, '$.body') END AS "PROCEDURE_DEFINITION",
       p.created_on AS "CREATED", p.created_on AS "LAST_ALTERED", p.comment AS "COMMENT"
FROM snowreg_reg_procedures p,
     LATERAL (SELECT p.database_name || chr(30) || p.schema_name || chr(30) || p.name || '(' || p.arguments || ')'
              AS key) k
WHERE p.database_name = db AND list_contains(getvariable('snowreg_visible_procedures'), k.key)
ORDER BY 2, 3, 5;

-- A row per grant on each object of the database that the role holds a privilege on
-- (https://docs.snowflake.com/en/sql-reference/info-schema/object_privileges: "only displays objects for
-- which the current role for the session has been granted access privileges"), every grantee's, OWNERSHIP
-- too; getvariable('snowreg_visible_objects') is the list of 'KIND<RS>db<RS>schema<RS>name' keys of those
-- objects (NULL: all), set by the engine (engine/sql/information_filters.py; conformance/DECISIONS.md J3).
CREATE OR REPLACE TEMP MACRO snowreg_object_privileges(db) AS TABLE
SELECT g.granted_by AS "GRANTOR", g.grantee AS "GRANTEE", 'ROLE' AS "GRANTED_TO",
       CASE WHEN g.object_kind <> 'DATABASE' THEN g.database_name END AS "OBJECT_CATALOG",
       CASE WHEN g.object_kind NOT IN ('DATABASE', 'SCHEMA') THEN g.schema_name END AS "OBJECT_SCHEMA",
       CASE g.object_kind WHEN 'DATABASE' THEN g.database_name WHEN 'SCHEMA' THEN g.schema_name ELSE g.name END
           AS "OBJECT_NAME",
       g.object_kind AS "OBJECT_TYPE", g.privilege AS "PRIVILEGE_TYPE",
       CASE WHEN g.grant_option THEN 'YES' ELSE 'NO' END AS "IS_GRANTABLE", g.created_on AS "CREATED"
FROM snowreg_reg_object_grants g
WHERE g.database_name = db
  AND (getvariable('snowreg_visible_objects') IS NULL
       OR list_contains(getvariable('snowreg_visible_objects'),
                        g.key_kind || chr(30) || g.database_name || chr(30) || g.schema_name || chr(30) || g.name));

CREATE OR REPLACE TEMP MACRO snowreg_is_object_privileges(db) AS TABLE
SELECT * FROM snowreg_object_privileges(db) ORDER BY 4 NULLS FIRST, 5 NULLS FIRST, 6, 7, 8, 2;

-- The same rows for sequences only (https://docs.snowflake.com/en/sql-reference/info-schema/usage_privileges).
CREATE OR REPLACE TEMP MACRO snowreg_is_usage_privileges(db) AS TABLE
SELECT * FROM snowreg_object_privileges(db) WHERE "OBJECT_TYPE" = 'SEQUENCE' ORDER BY 5, 6, 8, 2;

-- A row per role grant applied to the session's user: to the user, and to each role it holds through them
-- (https://docs.snowflake.com/en/sql-reference/info-schema/applicable_roles); getvariable('snowreg_user_roles')
-- is every role the user may activate. IS_GRANTABLE: may the user's roles grant the role on (they own it).
CREATE OR REPLACE TEMP MACRO snowreg_is_applicable_roles() AS TABLE
SELECT e.grantee AS "GRANTEE", e.role AS "ROLE_NAME", r.owner AS "ROLE_OWNER",
       CASE WHEN list_contains(getvariable('snowreg_user_roles'), r.owner) THEN 'YES' ELSE 'NO' END AS "IS_GRANTABLE"
FROM snowreg_reg_role_grants e JOIN snowreg_reg_roles r ON r.name = e.role
WHERE (e.grantee_kind = 'USER' AND e.grantee = getvariable('snowreg_user'))
   OR (e.grantee_kind = 'ROLE' AND list_contains(getvariable('snowreg_user_roles'), e.grantee))
ORDER BY 1, 2;

-- A row per role enabled in the session: the primary role, the roles granted to it (and the secondary roles'
-- with USE SECONDARY ROLES ALL), and PUBLIC (https://docs.snowflake.com/en/sql-reference/info-schema/enabled_roles).
CREATE OR REPLACE TEMP MACRO snowreg_is_enabled_roles() AS TABLE
SELECT name AS "ROLE_NAME", owner AS "ROLE_OWNER" FROM snowreg_reg_roles
WHERE list_contains(getvariable('snowreg_enabled_roles'), name)
ORDER BY 1;
