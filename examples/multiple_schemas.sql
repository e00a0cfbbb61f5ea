-- The model-management guide's "Using multiple schemas" lifecycle, with its roles.
--
-- Development happens in dev_db.dev_sch, owned in practice by the role model_owner; production code only
-- calls models in prod_db.prod_schema, where prod_role may use them. The role ml_admin, holding both,
-- promotes versions by copying them from one schema to the other.
--
-- Run it with `snowreg run --stage-root . examples/multiple_schemas.sql` from a directory holding two model
-- version directories, dev_models/v12 and dev_models/v24 (as snowflake-ml-python writes them, or
-- `mv.export("dev_models/v12", export_mode=ExportMode.FULL)`; `snowreg.packaging.package_model(...)` returns
-- such a folder's files as a dict of path -> bytes), which become dev versions V12 and V24. `--stage-root .`
-- lets the stage below read that directory: snowreg grants no local folder to stages unless told to.
-- tests/engine/access/test_governance.py and `snowreg demo` run this script end to end.
--
-- Where the guide's own text would fail on Snowflake, this script follows Snowflake and says so.

-- 1. The guide's "existing roles": model_owner develops, prod_role runs production. ------------------
USE ROLE ACCOUNTADMIN;

CREATE DATABASE dev_db;
CREATE SCHEMA dev_db.dev_sch;
CREATE DATABASE prod_db;
CREATE SCHEMA prod_db.prod_schema;

CREATE ROLE model_owner;
GRANT USAGE ON DATABASE dev_db TO ROLE model_owner;
GRANT USAGE, CREATE MODEL, CREATE STAGE ON SCHEMA dev_db.dev_sch TO ROLE model_owner;

CREATE ROLE prod_role;
GRANT USAGE ON DATABASE prod_db TO ROLE prod_role;
GRANT USAGE, CREATE MODEL ON SCHEMA prod_db.prod_schema TO ROLE prod_role;

-- Custom roles belong under SYSADMIN (Snowflake's recommendation): the administrator may then use them.
GRANT ROLE model_owner TO ROLE SYSADMIN;
GRANT ROLE prod_role TO ROLE SYSADMIN;

-- 2. Development: model_owner logs versions V12 and V24 of dev_model. ----------------------------------
USE ROLE model_owner;
CREATE STAGE dev_db.dev_sch.artifacts URL = 'file://dev_models';
CREATE MODEL dev_db.dev_sch.dev_model WITH VERSION V12 FROM @dev_db.dev_sch.artifacts/v12;
ALTER MODEL dev_db.dev_sch.dev_model ADD VERSION V24 FROM @dev_db.dev_sch.artifacts/v24;

-- 3. Initial setup (guide). ----------------------------------------------------------------------------
-- The guide grants model_owner and prod_role to ml_admin while using those very roles
-- (`USE ROLE model_owner; GRANT ROLE model_owner TO ROLE ml_admin;`). In Snowflake only a role's owner or
-- a role with MANAGE GRANTS may grant it, and a role does not own itself, so ACCOUNTADMIN grants them.
USE ROLE ACCOUNTADMIN;
CREATE ROLE ml_admin;
GRANT ROLE model_owner TO ROLE ml_admin;
GRANT ROLE prod_role TO ROLE ml_admin;
GRANT ROLE ml_admin TO ROLE SYSADMIN;

-- 4. Promoting the initial version: development V12 becomes production V1. ----------------------------
USE ROLE ml_admin;
CREATE MODEL prod_db.prod_schema.prod_model WITH VERSION V1
FROM MODEL dev_db.dev_sch.dev_model VERSION V12;

-- The guide writes `my_model`; it means the production model.
GRANT USAGE ON MODEL prod_db.prod_schema.prod_model TO ROLE prod_role;

-- 5. Promoting a subsequent version: development V24 becomes production V2, the new default. -----------
-- (The guide writes dev_db.dev_schema.dev_model, a typo for the dev_sch schema it created.)
ALTER MODEL prod_db.prod_schema.prod_model ADD VERSION V2
FROM MODEL dev_db.dev_sch.dev_model VERSION V24;
ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V2;
SHOW VERSIONS IN MODEL prod_db.prod_schema.prod_model;

-- Rolling back is setting the default to an earlier version.
ALTER MODEL prod_db.prod_schema.prod_model SET DEFAULT_VERSION = V1;

-- 6. Production: prod_role calls the default version. ---------------------------------------------------
-- prod_role holds only USAGE: ALTER, DROP, ADD VERSION and the version files are refused to it
-- (003001 Insufficient privileges to operate on model 'PROD_MODEL').
USE ROLE prod_role;
USE SCHEMA prod_db.prod_schema;
SELECT prod_model!predict(1.0, 2.0) AS prediction;
SHOW GRANTS ON MODEL prod_db.prod_schema.prod_model;
