"""Who may set tags on databases, schemas, tables, views and columns, and who sees them
(https://docs.snowflake.com/en/user-guide/object-tagging/introduction, "Tag privileges": APPLY TAG on the account,
or APPLY on the tag and OWNERSHIP of the object; SYSTEM$GET_TAG needs what DESCRIBE of the object needs and USAGE
on the tag's database and schema; TAG_REFERENCES answers only for objects the role may access)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def errno(conn: Any, sql: str) -> int:
    with pytest.raises(snowreg.Error) as info:
        conn.cursor().execute(sql)
    return int(info.value.errno or 0)


@pytest.fixture
def admin() -> Iterator[Any]:
    """ACCOUNTADMIN on D.S (table T, view V, tag PII, tag GOV.SECRET the analyst holds nothing on) and D.HIDDEN
    (table H); role ANALYST of user BOB: USAGE on D and D.S, SELECT on T and V, APPLY on PII."""
    conn = snowreg.connect(database="D", schema="S")
    for sql in ("CREATE TABLE t (id INT, ssn VARCHAR)", "CREATE VIEW v AS SELECT id FROM t", "CREATE TAG pii",
                "CREATE SCHEMA gov", "CREATE TAG gov.secret", "CREATE SCHEMA hidden", "CREATE TABLE hidden.h (a INT)",
                "ALTER TABLE hidden.h SET TAG S.pii = 'hidden'", "USE SCHEMA S",
                "CREATE ROLE analyst", "CREATE USER bob", "GRANT ROLE analyst TO USER bob",
                "GRANT USAGE ON DATABASE D TO ROLE analyst", "GRANT USAGE ON SCHEMA D.S TO ROLE analyst",
                "GRANT SELECT ON TABLE D.S.T TO ROLE analyst", "GRANT SELECT ON VIEW D.S.V TO ROLE analyst",
                "GRANT APPLY ON TAG D.S.PII TO ROLE analyst"):
        run(conn, sql)
    yield conn
    conn.close()


@pytest.fixture
def analyst(admin: Any) -> Iterator[Any]:
    conn = Connection(admin._catalog, user="bob", role="analyst")
    run(conn, "USE SCHEMA D.S")
    yield conn
    conn.close()


def tag_on_t(admin: Any) -> Any:
    return run(admin, "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.S.T', 'TABLE')")[0][0]


def test_apply_on_the_tag_without_ownership_of_the_object_is_refused(admin: Any, analyst: Any) -> None:
    for sql in ("ALTER TABLE t SET TAG pii = 'x'", "ALTER VIEW v SET TAG pii = 'x'",
                "ALTER TABLE t MODIFY COLUMN ssn SET TAG pii = 'x'", "ALTER SCHEMA S SET TAG pii = 'x'",
                "ALTER DATABASE D SET TAG pii = 'x'", "ALTER TABLE t UNSET TAG pii"):
        assert errno(analyst, sql) == 3001, sql
    assert tag_on_t(admin) is None


def test_ownership_of_the_object_with_apply_on_the_tag_suffices(admin: Any, analyst: Any) -> None:
    run(admin, "GRANT OWNERSHIP ON TABLE D.S.T TO ROLE analyst COPY CURRENT GRANTS")
    run(analyst, "ALTER TABLE t SET TAG pii = 'owned'")
    run(analyst, "ALTER TABLE t MODIFY COLUMN ssn SET TAG pii = 'owned'")
    assert tag_on_t(admin) == "owned"
    # a tag the role holds nothing on: refused even on its own table (003001 where it may use the tag's schema)
    assert errno(analyst, "ALTER TABLE t SET TAG D.GOV.SECRET = 'x'") == 2003
    run(admin, "GRANT USAGE ON SCHEMA D.GOV TO ROLE analyst")
    assert errno(analyst, "ALTER TABLE t SET TAG D.GOV.SECRET = 'x'") == 3001


def test_apply_tag_on_the_account_needs_a_privilege_on_the_object(admin: Any, analyst: Any) -> None:
    run(admin, "GRANT APPLY TAG ON ACCOUNT TO ROLE analyst")
    run(analyst, "ALTER TABLE t SET TAG pii = 'global'")
    run(analyst, "ALTER SCHEMA S SET TAG pii = 'schema'")
    assert tag_on_t(admin) == "global"
    # objects it holds nothing on stay invisible, whatever the account privilege
    assert errno(analyst, "ALTER TABLE hidden.h SET TAG pii = 'x'") == 2003
    assert errno(analyst, "ALTER SCHEMA hidden SET TAG pii = 'x'") == 2003
    run(analyst, "ALTER TABLE IF EXISTS hidden.h SET TAG pii = 'x'")  # answered as for a missing table
    assert run(admin, "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.HIDDEN.H', 'TABLE')") == [("hidden",)]


def test_hidden_objects_answer_as_missing_everywhere(admin: Any, analyst: Any) -> None:
    for sql in ("SELECT SYSTEM$GET_TAG('D.S.PII', 'D.HIDDEN.H', 'TABLE')",
                "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.HIDDEN.H.A', 'COLUMN')",
                "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.HIDDEN', 'SCHEMA')",
                "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES('D.HIDDEN.H', 'TABLE'))",
                "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES('D.HIDDEN.H.A', 'COLUMN'))",
                "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('D.HIDDEN.H', 'TABLE'))",
                "ALTER TABLE hidden.h UNSET TAG pii"):
        assert errno(analyst, sql) == 2003, sql
    run(analyst, "ALTER TABLE IF EXISTS hidden.h UNSET TAG pii")  # as a missing table: nothing done
    assert run(admin, "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.HIDDEN.H', 'TABLE')")[0][0] == "hidden"
    # the same names, for a role that may see them
    assert run(admin, "SELECT tag_value FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES('D.HIDDEN.H', 'TABLE'))") \
        == [("hidden",)]


def test_a_visible_object_shows_its_tags_and_what_it_inherits(admin: Any, analyst: Any) -> None:
    run(admin, "ALTER TABLE t SET TAG pii = 'table'")
    run(admin, "ALTER DATABASE D SET TAG gov.secret = 'db'")
    assert run(analyst, "SELECT SYSTEM$GET_TAG('D.S.PII', 't', 'table')") == [("table",)]
    rows = run(analyst, "SELECT tag_name, tag_value, level FROM TABLE(INFORMATION_SCHEMA.TAG_REFERENCES('t', 'table')) "
                        "ORDER BY 1")
    assert rows == [("PII", "table", "TABLE"), ("SECRET", "db", "DATABASE")]
    # SYSTEM$GET_TAG of a tag in a schema the role may not use: the tag is not there for it
    assert errno(analyst, "SELECT SYSTEM$GET_TAG('D.GOV.SECRET', 'D', 'DATABASE')") == 2003


def test_another_sessions_temporary_table_is_not_there(admin: Any, analyst: Any) -> None:
    run(admin, "GRANT APPLY TAG ON ACCOUNT TO ROLE analyst")
    run(admin, "GRANT CREATE TABLE ON SCHEMA D.S TO ROLE analyst")
    run(analyst, "CREATE TEMPORARY TABLE tmp (a INT)")
    run(analyst, "ALTER TABLE tmp SET TAG pii = 'mine'")
    other = Connection(admin._catalog, user="bob", role="analyst")
    run(other, "USE SCHEMA D.S")
    assert errno(other, "ALTER TABLE tmp SET TAG pii = 'theirs'") == 2003
    assert errno(other, "SELECT SYSTEM$GET_TAG('pii', 'tmp', 'table')") == 2003
    assert run(analyst, "SELECT SYSTEM$GET_TAG('pii', 'tmp', 'table')") == [("mine",)]


def test_create_with_a_tag_the_role_may_not_apply_creates_nothing(admin: Any, analyst: Any) -> None:
    run(admin, "GRANT CREATE TABLE ON SCHEMA D.S TO ROLE analyst")
    run(admin, "GRANT USAGE ON SCHEMA D.GOV TO ROLE analyst")
    assert errno(analyst, "CREATE TABLE mine (a INT) WITH TAG (D.GOV.SECRET = 'x')") == 3001
    assert errno(analyst, "CREATE TABLE mine (a INT WITH TAG (D.GOV.SECRET = 'x'))") == 3001
    assert run(analyst, "SHOW TABLES LIKE 'MINE'") == []
    run(analyst, "CREATE TABLE mine (a INT WITH TAG (pii = 'mine')) WITH TAG (pii = 'table')")  # APPLY on PII
    assert run(admin, "SELECT SYSTEM$GET_TAG('D.S.PII', 'D.S.MINE.A', 'COLUMN')") == [("mine",)]


def test_alter_tag_needs_ownership_of_the_tag(admin: Any, analyst: Any) -> None:
    assert errno(analyst, "ALTER TAG D.S.PII ADD ALLOWED_VALUES 'x'") == 3001  # APPLY is not OWNERSHIP
    assert errno(analyst, "ALTER TAG D.GOV.SECRET SET COMMENT = 'x'") == 2003  # holds nothing on it
    run(analyst, "ALTER TAG IF EXISTS D.GOV.SECRET SET COMMENT = 'x'")  # as a missing tag: nothing done
    assert run(admin, "SHOW TAGS LIKE 'SECRET' IN SCHEMA D.GOV")[0][5] == ""
    assert run(admin, "SHOW TAGS LIKE 'PII' IN SCHEMA D.S")[0][6] is None
