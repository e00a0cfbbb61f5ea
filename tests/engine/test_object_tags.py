"""Tags on databases, schemas, tables, views and columns (engine/object_tags.py, engine/sql/tag_references.py):
setting and unsetting them, SYSTEM$GET_TAG and TAG_REFERENCES(_ALL_COLUMNS) with inheritance, the checks on values
and counts, and how they follow the objects (rename, drop, UNDROP, column changes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def error(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        conn.cursor().execute(sql)
    return info.value


@pytest.fixture
def conn() -> Iterator[Any]:
    c = snowreg.connect(database="D", schema="S")
    for sql in ("CREATE TAG cost_center ALLOWED_VALUES 'sales', 'hr'", "CREATE TAG pii",
                "CREATE TABLE t (id INT, ssn VARCHAR(10))", "CREATE VIEW v AS SELECT id FROM t"):
        run(c, sql)
    yield c
    c.close()


def get_tag(conn: Any, tag: str, name: str, domain: str) -> Any:
    return run(conn, f"SELECT SYSTEM$GET_TAG('{tag}', '{name}', '{domain}')")[0][0]


def refs(conn: Any, name: str, domain: str, function: str = "TAG_REFERENCES") -> list[tuple[Any, ...]]:
    return [tuple(r) for r in run(conn, f"SELECT tag_name, tag_value, apply_method, level, object_database, "
                                        f"object_schema, object_name, domain, column_name FROM "
                                        f"TABLE(D.INFORMATION_SCHEMA.{function}('{name}', '{domain}')) "
                                        "ORDER BY column_name, tag_name")]


def test_set_and_unset_on_each_domain(conn: Any) -> None:
    run(conn, "ALTER TABLE t SET TAG cost_center = 'sales', pii = 'table'")
    run(conn, "ALTER TABLE t MODIFY COLUMN ssn SET TAG pii = 'ssn'")
    run(conn, "ALTER VIEW v SET TAG pii = 'view'")
    run(conn, "ALTER SCHEMA S SET TAG pii = 'schema'")
    run(conn, "ALTER DATABASE D SET TAG cost_center = 'hr'")
    assert get_tag(conn, "cost_center", "t", "table") == "sales"
    assert get_tag(conn, "pii", "D.S.T.SSN", "COLUMN") == "ssn"
    assert get_tag(conn, "pii", "v", "TABLE") == "view"  # TABLE: "all table-like objects such as views"
    assert get_tag(conn, "pii", "S", "schema") == "schema"
    assert get_tag(conn, "cost_center", "D", "database") == "hr"
    run(conn, "ALTER TABLE t UNSET TAG cost_center, pii")
    run(conn, "ALTER TABLE t ALTER COLUMN ssn UNSET TAG pii")
    assert get_tag(conn, "cost_center", "t", "table") is None
    assert get_tag(conn, "pii", "t.ssn", "column") is None
    assert get_tag(conn, "pii", "t.id", "column") is None  # inherited values are TAG_REFERENCES' (G22)


def test_tag_references_inherit_from_table_schema_and_database(conn: Any) -> None:
    run(conn, "ALTER DATABASE D SET TAG cost_center = 'hr', pii = 'db'")
    run(conn, "ALTER SCHEMA S SET TAG pii = 'schema'")
    run(conn, "ALTER TABLE t SET TAG cost_center = 'sales'")
    run(conn, "ALTER TABLE t MODIFY COLUMN ssn SET TAG pii = 'ssn'")
    assert refs(conn, "t.ssn", "COLUMN") == [
        ("COST_CENTER", "sales", "INHERITED", "TABLE", "D", "S", "T", "COLUMN", "SSN"),
        ("PII", "ssn", "MANUAL", "COLUMN", "D", "S", "T", "COLUMN", "SSN")]
    assert refs(conn, "t", "table") == [
        ("COST_CENTER", "sales", "MANUAL", "TABLE", "D", "S", "T", "TABLE", None),
        ("PII", "schema", "INHERITED", "SCHEMA", "D", "S", "T", "TABLE", None)]
    assert refs(conn, "S", "SCHEMA") == [
        ("COST_CENTER", "hr", "INHERITED", "DATABASE", "D", None, "S", "SCHEMA", None),
        ("PII", "schema", "MANUAL", "SCHEMA", "D", None, "S", "SCHEMA", None)]
    assert refs(conn, "D", "DATABASE") == [
        ("COST_CENTER", "hr", "MANUAL", "DATABASE", None, None, "D", "DATABASE", None),
        ("PII", "db", "MANUAL", "DATABASE", None, None, "D", "DATABASE", None)]
    # every column of the table, in column order, with what each inherits
    assert refs(conn, "t", "table", "TAG_REFERENCES_ALL_COLUMNS") == [
        ("COST_CENTER", "sales", "INHERITED", "TABLE", "D", "S", "T", "COLUMN", "ID"),
        ("PII", "schema", "INHERITED", "SCHEMA", "D", "S", "T", "COLUMN", "ID"),
        ("COST_CENTER", "sales", "INHERITED", "TABLE", "D", "S", "T", "COLUMN", "SSN"),
        ("PII", "ssn", "MANUAL", "COLUMN", "D", "S", "T", "COLUMN", "SSN")]


def test_tag_references_columns_and_the_model_domain_share_them(conn: Any) -> None:
    cur = conn.cursor().execute("SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('t', 'table'))")
    names = ["TAG_DATABASE", "TAG_SCHEMA", "TAG_NAME", "TAG_VALUE", "APPLY_METHOD", "LEVEL", "OBJECT_DATABASE",
             "OBJECT_SCHEMA", "OBJECT_NAME", "DOMAIN", "COLUMN_NAME"]
    assert [d[0] for d in cur.description] == names
    assert cur.fetchall() == []
    cur = conn.cursor().execute("SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('m', 'MODULE'))")
    assert [d[0] for d in cur.description] == names


def test_allowed_values_length_and_the_fifty_tag_limit_change_nothing(conn: Any) -> None:
    assert "not an allowed value" in str(error(conn, "ALTER TABLE t SET TAG pii = 'a', cost_center = 'nope'"))
    assert get_tag(conn, "pii", "t", "table") is None  # the whole statement is refused
    assert "longer than 256" in str(error(conn, f"ALTER SCHEMA S SET TAG pii = '{'x' * 257}'"))
    run(conn, f"ALTER SCHEMA S SET TAG pii = '{'x' * 256}'")
    for k in range(50):
        run(conn, f"CREATE TAG t{k}")
    run(conn, "ALTER TABLE t SET TAG " + ", ".join(f"t{k} = 'v'" for k in range(50)))  # 50: the limit
    run(conn, "ALTER TABLE t SET TAG t0 = 'again'")  # a new value of a tag already set is no new tag
    e = error(conn, "ALTER TABLE t SET TAG pii = 'one too many'")
    assert "limit of 50 tags" in str(e)
    assert get_tag(conn, "pii", "t", "table") is None
    run(conn, "ALTER TABLE t MODIFY COLUMN id SET TAG pii = 'a column counts apart'")


def test_missing_objects_tags_and_columns(conn: Any) -> None:
    assert error(conn, "ALTER TABLE nope SET TAG pii = 'x'").errno == 2003
    assert error(conn, "ALTER TABLE v SET TAG pii = 'x'").errno == 2003  # a view is not ALTER TABLE's
    assert error(conn, "ALTER VIEW t SET TAG pii = 'x'").errno == 2003
    assert error(conn, "ALTER TABLE t SET TAG nope = 'x'").errno == 2003
    assert error(conn, "ALTER TABLE t MODIFY COLUMN nope SET TAG pii = 'x'").errno == 904
    assert error(conn, "ALTER SCHEMA nope SET TAG pii = 'x'").errno == 2003
    assert error(conn, "ALTER DATABASE nope SET TAG pii = 'x'").errno == 2003
    run(conn, "ALTER TABLE IF EXISTS nope SET TAG pii = 'x'")
    run(conn, "ALTER SCHEMA IF EXISTS nope UNSET TAG pii")
    assert error(conn, "SELECT SYSTEM$GET_TAG('pii', 'nope', 'table')").errno == 2003
    assert error(conn, "SELECT SYSTEM$GET_TAG('nope', 't', 'table')").errno == 2003
    assert error(conn, "SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('nope', 'table'))").errno == 2003
    assert error(conn, "ALTER TABLE t SET TAG pii = 'x' COMMENT = 'y'").errno == 1003
    assert isinstance(error(conn, "SELECT SYSTEM$GET_TAG('pii', 'st', 'stage')"), snowreg.NotSupportedError)


def test_tags_follow_renames_and_go_with_drops(conn: Any) -> None:
    run(conn, "ALTER TABLE t SET TAG pii = 'table'")
    run(conn, "ALTER TABLE t MODIFY COLUMN ssn SET TAG pii = 'ssn'")
    run(conn, "ALTER TABLE t RENAME TO t2")
    run(conn, "ALTER TABLE t2 RENAME COLUMN ssn TO ssn2")
    assert get_tag(conn, "pii", "t2", "table") == "table"
    assert get_tag(conn, "pii", "t2.ssn2", "column") == "ssn"
    run(conn, "ALTER TABLE t2 ALTER COLUMN ssn2 SET DATA TYPE VARCHAR(20)")  # retyped: still the column's
    assert get_tag(conn, "pii", "t2.ssn2", "column") == "ssn"
    run(conn, "DROP TABLE t2")
    run(conn, "UNDROP TABLE t2")  # the table comes back with its tags
    assert get_tag(conn, "pii", "t2.ssn2", "column") == "ssn"
    run(conn, "ALTER TABLE t2 DROP COLUMN ssn2")
    run(conn, "ALTER TABLE t2 ADD COLUMN ssn2 VARCHAR")
    assert get_tag(conn, "pii", "t2.ssn2", "column") is None
    run(conn, "CREATE OR REPLACE TABLE t2 (id INT)")  # a new table of the name carries none
    assert get_tag(conn, "pii", "t2", "table") is None


def test_drop_tag_and_drop_schema_take_their_references(conn: Any) -> None:
    run(conn, "CREATE SCHEMA gov")
    run(conn, "USE SCHEMA S")
    run(conn, "CREATE TAG gov.owner_team")
    run(conn, "ALTER TABLE S.t SET TAG gov.owner_team = 'a', pii = 'b'")
    run(conn, "DROP TAG gov.owner_team")
    assert [r[0] for r in refs(conn, "S.t", "table")] == ["PII"]
    run(conn, "CREATE TAG gov.owner_team")
    assert get_tag(conn, "gov.owner_team", "S.t", "table") is None  # a new tag of the name is set on nothing
    run(conn, "CREATE SCHEMA other")
    run(conn, "USE SCHEMA S")
    run(conn, "CREATE TABLE other.x (a INT)")
    run(conn, "ALTER SCHEMA other SET TAG pii = 's'")
    run(conn, "ALTER TABLE other.x SET TAG pii = 't'")
    run(conn, "DROP SCHEMA other")
    run(conn, "CREATE SCHEMA other")
    run(conn, "USE SCHEMA S")
    run(conn, "CREATE TABLE other.x (a INT)")
    assert refs(conn, "other.x", "table") == []


def test_a_cloned_schema_s_tables_carry_their_tags(conn: Any) -> None:
    for sql in ("CREATE SCHEMA gov", "CREATE TAG gov.label", "CREATE SCHEMA src",
                "CREATE TABLE src.t (id INT, ssn VARCHAR)", "CREATE VIEW src.v AS SELECT id FROM src.t",
                "ALTER TABLE src.t SET TAG gov.label = 'table'",
                "ALTER TABLE src.t MODIFY COLUMN ssn SET TAG gov.label = 'column'",
                "ALTER VIEW src.v SET TAG gov.label = 'view'", "CREATE SCHEMA copy CLONE src"):
        run(conn, sql)
    assert get_tag(conn, "D.GOV.LABEL", "D.COPY.T", "table") == "table"
    assert get_tag(conn, "D.GOV.LABEL", "D.COPY.T.SSN", "column") == "column"
    assert get_tag(conn, "D.GOV.LABEL", "D.COPY.V", "table") == "view"
    run(conn, "ALTER TABLE D.COPY.T UNSET TAG D.GOV.LABEL")  # the clone's own values, apart from the source's
    assert get_tag(conn, "D.GOV.LABEL", "D.SRC.T", "table") == "table"


def test_create_table_and_view_with_tag_on_the_object_and_its_columns(conn: Any) -> None:
    run(conn, "CREATE TABLE c (id NUMBER(10, 2), email VARCHAR WITH TAG (pii = 'email'), \"Mixed\" INT TAG (pii = 'q'))"
              " WITH TAG (cost_center = 'sales') COMMENT = 'tagged'")
    assert get_tag(conn, "cost_center", "c", "table") == "sales"
    assert get_tag(conn, "pii", "c.email", "column") == "email"
    assert get_tag(conn, "pii", 'c."Mixed"', "column") == "q"
    assert run(conn, "SHOW TABLES LIKE 'C'")[0][5] == "tagged"  # the rest of the statement ran as written
    run(conn, "CREATE VIEW cv (id WITH TAG (pii = 'view column'), email) WITH TAG (cost_center = 'hr') "
              "AS SELECT id, email FROM c")
    assert refs(conn, "cv", "table", "TAG_REFERENCES_ALL_COLUMNS") == [
        ("COST_CENTER", "hr", "INHERITED", "TABLE", "D", "S", "CV", "COLUMN", "EMAIL"),
        ("COST_CENTER", "hr", "INHERITED", "TABLE", "D", "S", "CV", "COLUMN", "ID"),
        ("PII", "view column", "MANUAL", "COLUMN", "D", "S", "CV", "COLUMN", "ID")]
    run(conn, "CREATE OR REPLACE TABLE c WITH TAG (pii = 'ctas') AS SELECT 'TAG (x)' AS a")
    assert (get_tag(conn, "pii", "c", "table"), get_tag(conn, "cost_center", "c", "table")) == ("ctas", None)
    run(conn, "CREATE TABLE IF NOT EXISTS c (a INT) WITH TAG (pii = 'not set')")  # exists: nothing done
    assert get_tag(conn, "pii", "c", "table") == "ctas"


def test_create_with_a_bad_tag_creates_nothing(conn: Any) -> None:
    assert "not an allowed value" in str(error(conn, "CREATE TABLE bad (a INT) WITH TAG (cost_center = 'nope')"))
    assert error(conn, "CREATE TABLE bad (a INT WITH TAG (nope = 'x'))").errno == 2003
    assert error(conn, "CREATE VIEW bad WITH TAG (pii = 'x' junk) AS SELECT 1 AS a").errno == 1003
    assert run(conn, "SHOW TABLES LIKE 'BAD'") == [] and run(conn, "SHOW VIEWS LIKE 'BAD'") == []


def test_other_domains_and_account_usage_are_refused_by_name(conn: Any) -> None:
    for sql in ("SELECT * FROM TABLE(SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES_WITH_LINEAGE('D.S.PII'))",
                "SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('D', 'warehouse'))",
                "SELECT SYSTEM$GET_TAG('pii', 'admin', 'user')",
                "ALTER TABLE t MODIFY COLUMN id SET TAG pii = 'a', COLUMN ssn SET TAG pii = 'b'"):
        assert isinstance(error(conn, sql), snowreg.NotSupportedError), sql
    assert error(conn, "SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('D', 'bogus'))").errno == 2000
    # a literal that merely mentions the function is no call
    assert run(conn, "SELECT 'TAG_REFERENCES_WITH_LINEAGE(x)'") == [("TAG_REFERENCES_WITH_LINEAGE(x)",)]


def test_create_schema_and_database_with_tag(conn: Any) -> None:
    run(conn, "CREATE SCHEMA tagged WITH MANAGED ACCESS COMMENT = 'c' WITH TAG (S.pii = 'schema')")
    assert get_tag(conn, "D.S.PII", "D.TAGGED", "schema") == "schema"
    run(conn, "CREATE DATABASE D2 TAG (D.S.cost_center = 'hr')")
    assert get_tag(conn, "D.S.COST_CENTER", "D2", "database") == "hr"
    # checked before anything is made: a bad value creates no schema or database
    assert "not an allowed value" in str(error(conn, "CREATE SCHEMA D.bad WITH TAG (D.S.cost_center = 'nope')"))
    assert error(conn, "CREATE DATABASE D3 WITH TAG (D.S.nope = 'x')").errno == 2003
    assert run(conn, "SHOW SCHEMAS LIKE 'BAD' IN DATABASE D") == []
    assert run(conn, "SHOW DATABASES LIKE 'D3'") == []
    run(conn, "CREATE SCHEMA IF NOT EXISTS D.tagged WITH TAG (D.S.pii = 'not set')")  # exists: nothing done
    assert get_tag(conn, "D.S.PII", "D.TAGGED", "schema") == "schema"


def test_tag_references_of_objects_are_answered_for_a_statement_only(conn: Any) -> None:
    """Its rows are worked out for the statement's text: a view or a function body would keep them frozen or
    answer none, so both are refused by name."""
    view = "CREATE VIEW frozen AS SELECT * FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('t', 'table'))"
    assert isinstance(error(conn, view), snowreg.NotSupportedError)
    body = "CREATE FUNCTION tagged() RETURNS TABLE (n VARCHAR) AS " \
           "'SELECT tag_name FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES(''D.S.T'', ''TABLE''))'"
    assert isinstance(error(conn, body), snowreg.NotSupportedError)
    run(conn, "ALTER TABLE t SET TAG pii = 'x'")
    assert run(conn, "CREATE TABLE snapshot AS SELECT tag_name FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES("
                     "'t', 'table'))") is not None
    assert run(conn, "SELECT * FROM snapshot") == [("PII",)]


def test_alter_tag_allowed_values_and_comment(conn: Any) -> None:
    run(conn, "ALTER TAG cost_center ADD ALLOWED_VALUES 'legal', 'hr'")
    run(conn, "ALTER TABLE t SET TAG cost_center = 'legal'")
    run(conn, "ALTER TAG cost_center DROP ALLOWED_VALUES 'sales'")
    assert "not an allowed value" in str(error(conn, "ALTER VIEW v SET TAG cost_center = 'sales'"))
    run(conn, "ALTER TAG cost_center SET COMMENT = 'who pays'")
    assert tuple(run(conn, "SHOW TAGS LIKE 'COST_CENTER'")[0][5:7]) == ("who pays", '["hr","legal"]')
    run(conn, "ALTER TAG cost_center UNSET ALLOWED_VALUES")
    run(conn, "ALTER TAG cost_center UNSET COMMENT")
    assert tuple(run(conn, "SHOW TAGS LIKE 'COST_CENTER'")[0][5:7]) == ("", None)
    run(conn, "ALTER VIEW v SET TAG cost_center = 'anything'")
    assert isinstance(error(conn, "ALTER TAG cost_center RENAME TO cc"), snowreg.NotSupportedError)
    assert error(conn, "ALTER TAG nope SET COMMENT = 'x'").errno == 2003
    run(conn, "ALTER TAG IF EXISTS nope UNSET COMMENT")
