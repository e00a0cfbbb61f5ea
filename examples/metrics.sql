-- Querying the registry: the INFORMATION_SCHEMA query of Snowflake's "Managing models" guide,
-- verbatim. Run after `snowreg demo --db DIR`.
-- Maintain an accuracy metric on every version (the guide's SQL form; log_model(metrics=...) stores
-- them under "metrics" instead).
ALTER MODEL ML.DEV.MY_MODEL MODIFY VERSION V1 SET METADATA = '{"metric": {"accuracy": 0}}';
ALTER MODEL ML.DEV.MY_MODEL MODIFY VERSION V2 SET METADATA = '{"metric": {"accuracy": 0.85}}';
ALTER MODEL ML.DEV.MY_MODEL MODIFY VERSION V3 SET METADATA = '{"metric": {"accuracy": 0.9}}';

SELECT
catalog_name,
schema_name,
model_name,
model_version_name,
metadata:metric:accuracy AS accuracy,
comment,
owner,
functions,
created_on,
last_altered_on
FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS
ORDER BY accuracy DESC;
