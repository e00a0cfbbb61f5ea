"""Plain Snowflake SQL: translation to DuckDB, VARIANT semantics, SYSTEM$ functions, write_pandas, errors."""
