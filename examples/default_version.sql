-- Lifecycle scheme 1 of Snowflake's "Managing models" guide: the default version is production.
-- Run after `snowreg demo --db DIR` (which logs ML.DEV.MY_MODEL with versions V1, V2, V3 and
-- creates the role PROD_ROLE), e.g. `snowreg run --db DIR default_version.sql`.
USE ROLE ACCOUNTADMIN;
USE SCHEMA ML.DEV;

-- Initial setup: the model owner grants usage on the model to a production role.
GRANT USAGE ON MODEL my_model TO ROLE prod_role;

-- When the model is initially logged, its sole version is the default.
SHOW VERSIONS IN MODEL my_model;

-- Promoting a model to production: designate the new version as the default.
ALTER MODEL my_model SET DEFAULT_VERSION = V2;

-- Using the model in production: call the model directly to use the default version.
SELECT ID, my_model!predict(A, B, C, D):output_feature_0::int AS prediction
FROM scoring_input ORDER BY ID LIMIT 5;

-- Development and testing: call a pre-release version by name.
WITH my_version AS MODEL my_model VERSION V3
SELECT ID, my_version!predict(A, B, C, D):output_feature_0::int AS prediction
FROM scoring_input ORDER BY ID LIMIT 5;

-- Rolling out V3, then rolling back to V2 without touching production code.
ALTER MODEL my_model SET DEFAULT_VERSION = V3;
SHOW VERSIONS IN MODEL my_model;
ALTER MODEL my_model SET DEFAULT_VERSION = V2;
SHOW MODELS LIKE 'MY_MODEL';
