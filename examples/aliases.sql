-- Lifecycle scheme 2 of Snowflake's "Managing models" guide: aliases alpha / beta / production.
-- Run after `snowreg demo --db DIR`, e.g. `snowreg run --db DIR aliases.sql`.
USE ROLE ACCOUNTADMIN;
USE SCHEMA ML.DEV;

-- Start with no aliases on V2 and V3 (a version without one is left as it is), so the scheme runs again.
ALTER MODEL my_model VERSION V2 UNSET ALIAS;
ALTER MODEL my_model VERSION V3 UNSET ALIAS;

-- Promoting the initial version: point the production alias at the first real version.
ALTER MODEL my_model VERSION V2 SET ALIAS = production;

-- A new version starts as alpha, then moves to beta.
ALTER MODEL my_model VERSION V3 SET ALIAS = alpha;
ALTER MODEL my_model VERSION V3 UNSET ALIAS;
ALTER MODEL my_model VERSION V3 SET ALIAS = beta;
SHOW VERSIONS IN MODEL my_model;

-- Testing the beta version through its alias.
WITH my_version AS MODEL my_model VERSION beta
SELECT ID, my_version!predict(A, B, C, D):output_feature_0::int AS prediction
FROM scoring_input ORDER BY ID LIMIT 3;

-- Promoting V3: take production off V2 and put it on V3.
ALTER MODEL my_model VERSION V2 UNSET ALIAS;
ALTER MODEL my_model VERSION V3 UNSET ALIAS;
ALTER MODEL my_model VERSION V3 SET ALIAS = production;

-- Production code calls the production alias and never changes.
WITH my_version AS MODEL my_model VERSION production
SELECT ID, my_version!predict(A, B, C, D):output_feature_0::int AS prediction
FROM scoring_input ORDER BY ID LIMIT 3;

-- The same through MODEL(m, alias).
SELECT COUNT(*) AS positives FROM scoring_input
WHERE MODEL(my_model, production)!predict(A, B, C, D):output_feature_0::int = 1;
