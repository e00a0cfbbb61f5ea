-- Per-session (TEMP) table macros behind names DuckDB cannot hold: INFORMATION_SCHEMA views.
-- They read the relations snowreg_is_models / _versions / _functions / _tag_references that the
-- catalog hands the session's cursor for one query (catalog/information.py): only the rows of the
-- models the session's roles may see, never the registry's tables themselves.
CREATE OR REPLACE TEMP MACRO snowreg_model_versions(db) AS TABLE
WITH v AS (
    SELECT v.*, m.database_name, m.schema_name, m.name AS model_name, m.owner, m.default_version,
           v.seq = min(v.seq) OVER (PARTITION BY v.model_id) AS is_first,
           v.seq = max(v.seq) OVER (PARTITION BY v.model_id) AS is_last
    FROM snowreg_is_versions v JOIN snowreg_is_models m ON m.id = v.model_id
    WHERE m.database_name = db
)
SELECT database_name AS "DATABASE_NAME", schema_name AS "SCHEMA_NAME",
       model_name AS "MODEL_NAME", name AS "MODEL_VERSION_NAME",
       to_json(list_filter([CASE WHEN name = default_version THEN 'DEFAULT' END,
                            CASE WHEN is_first THEN 'FIRST' END,
                            CASE WHEN is_last THEN 'LAST' END, alias], lambda x: x IS NOT NULL)) AS "VERSION_ALIASES",
       comment AS "COMMENT", owner AS "OWNER", created_on AS "CREATED", last_altered_on AS "LAST_ALTERED",
       coalesce((SELECT to_json(list(f.name ORDER BY f.pos)) FROM snowreg_is_functions f
                 WHERE f.version_id = v.id)::VARCHAR, '[]') AS "FUNCTIONS",
       model_type AS "MODEL_TYPE", python_version AS "PYTHON_VERSION", language AS "LANGUAGE",
       dependencies AS "DEPENDENCIES", metadata::JSON AS "METADATA", user_data AS "USERDATA",
       -- the names the guide's example query uses (reference §4), after the documented columns
       database_name AS "CATALOG_NAME", created_on AS "CREATED_ON", last_altered_on AS "LAST_ALTERED_ON"
FROM v;

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
       IN (object_name, CASE WHEN strpos(object_name, '"') = 0 THEN upper(object_name) END));

CREATE OR REPLACE TEMP MACRO snowreg_packages() AS TABLE
SELECT * FROM (VALUES ('snowflake-ml-python', '{ml_version}', 'python', NULL))
    AS t("PACKAGE_NAME", "VERSION", "LANGUAGE", "RUNTIME_VERSION")
WHERE "VERSION" <> '';
