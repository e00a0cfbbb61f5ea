"""INFORMATION_SCHEMA views as https://docs.snowflake.com/en/sql-reference/info-schema and each view's page
describe them: LOAD_HISTORY, STAGES, FILE_FORMATS, INFORMATION_SCHEMA_CATALOG_NAME, the schema's own views listed
in TABLES / COLUMNS / VIEWS and described by DESCRIBE VIEW, unqualified names under USE SCHEMA
<db>.INFORMATION_SCHEMA, and what a role that holds no privilege on an object never sees of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

LOAD_HISTORY = ["SCHEMA_NAME", "FILE_NAME", "TABLE_NAME", "LAST_LOAD_TIME", "STATUS", "ROW_COUNT", "ROW_PARSED",
                "FIRST_ERROR_MESSAGE", "FIRST_ERROR_LINE_NUMBER", "FIRST_ERROR_CHARACTER_POSITION",
                "FIRST_ERROR_COL_NAME", "ERROR_COUNT", "ERROR_LIMIT"]


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE ld")
    cursor.execute("USE SCHEMA ld.public")
    cursor.execute("CREATE STAGE st")
    cursor.tmp = tmp_path
    return cursor


def put(cur: Any, name: str, text: str) -> None:
    path = cur.tmp / name
    path.write_text(text)
    cur.execute(f"PUT '{path.as_uri()}' @st AUTO_COMPRESS = FALSE")


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(cur.execute(sql).fetchall())


# -- LOAD_HISTORY (https://docs.snowflake.com/en/sql-reference/info-schema/load_history) ----------------


def test_load_history_has_a_row_per_file_a_copy_loaded(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, amount NUMBER(10, 2))")
    put(cur, "good.csv", "1,10.5\n2,3\n")
    put(cur, "bad.csv", "3,abc\n4,4\n")
    cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV) ON_ERROR = CONTINUE")
    cur.execute("SELECT * FROM ld.information_schema.load_history ORDER BY file_name")
    assert [d[0] for d in cur.description] == LOAD_HISTORY
    assert [d[1] for d in cur.description][3] in (6, 7)  # LAST_LOAD_TIME: TIMESTAMP_LTZ
    got = [r[:3] + r[4:] for r in cur.fetchall()]
    assert got == [
        ("PUBLIC", "st/bad.csv", "T", "PARTIALLY LOADED", 1, 2, "Numeric value 'abc' is not recognized", 1, 3,
         '"T"["AMOUNT":2]', 1, 2),
        ("PUBLIC", "st/good.csv", "T", "LOADED", 2, 2, None, None, None, None, 0, 2)]


def test_load_history_keeps_failed_files_and_no_aborted_or_rolled_back_load(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT)")
    put(cur, "bad.csv", "x\n")
    with pytest.raises(snowreg.ProgrammingError):  # ABORT_STATEMENT: the statement did not complete
        cur.execute("COPY INTO t FROM @st")
    assert rows(cur, "SELECT file_name FROM information_schema.load_history") == []
    cur.execute("BEGIN")
    cur.execute("COPY INTO t FROM @st ON_ERROR = SKIP_FILE")
    cur.execute("ROLLBACK")
    assert rows(cur, "SELECT file_name FROM information_schema.load_history") == []
    cur.execute("BEGIN")
    cur.execute("COPY INTO t FROM @st ON_ERROR = SKIP_FILE")
    cur.execute("COMMIT")
    assert rows(cur, "SELECT file_name, status, row_count, row_parsed FROM information_schema.load_history") == [
        ("st/bad.csv", "LOAD FAILED", 0, 1)]


def test_load_history_rows_go_with_a_dropped_table(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT)")
    put(cur, "a.csv", "1\n")
    cur.execute("COPY INTO t FROM @st")
    cur.execute("DROP TABLE t")
    assert rows(cur, "SELECT * FROM information_schema.load_history") == []
    cur.execute("CREATE TABLE t (id INT)")  # a new table of the same name has loaded nothing
    assert rows(cur, "SELECT * FROM information_schema.load_history") == []


def test_load_history_shows_only_the_tables_a_role_sees(cur: Any) -> None:
    cur.execute("CREATE TABLE seen (id INT)")
    cur.execute("CREATE TABLE hidden (id INT)")
    put(cur, "a.csv", "1\n")
    cur.execute("COPY INTO seen FROM @st")
    cur.execute("COPY INTO hidden FROM @st")
    for sql in ("CREATE ROLE analyst", "GRANT USAGE ON DATABASE ld TO ROLE analyst",
                "GRANT USAGE ON SCHEMA ld.public TO ROLE analyst", "GRANT SELECT ON TABLE seen TO ROLE analyst",
                "CREATE USER alice DEFAULT_ROLE = analyst", "GRANT ROLE analyst TO USER alice"):
        cur.execute(sql)
    alice = Connection(cur.connection._catalog, user="ALICE").cursor()
    assert rows(alice, "SELECT table_name FROM ld.information_schema.load_history") == [("SEEN",)]
    assert len(rows(cur, "SELECT table_name FROM ld.information_schema.load_history")) == 2


# -- the schema's own views (https://docs.snowflake.com/en/sql-reference/info-schema: "Views for all the objects
# contained in the database"; TABLES "Displays tables and views") -------------------------------------------

ANSWERED = ["APPLICABLE_ROLES", "COLUMNS", "DATABASES", "ENABLED_ROLES", "EVENT_TABLES", "FILE_FORMATS", "FUNCTIONS",
            "INFORMATION_SCHEMA_CATALOG_NAME", "LOAD_HISTORY", "MODEL_VERSIONS", "OBJECT_PRIVILEGES", "PACKAGES",
            "PROCEDURES", "REFERENTIAL_CONSTRAINTS", "SCHEMATA", "SEQUENCES", "STAGES", "TABLES",
            "TABLE_CONSTRAINTS", "TABLE_PRIVILEGES", "USAGE_PRIVILEGES", "VIEWS"]


def test_tables_and_views_list_the_information_schema_views(cur: Any) -> None:
    listed = rows(cur, "SELECT table_name, table_type, table_owner, is_insertable_into FROM ld.information_schema.tables "
                       "WHERE table_schema = 'INFORMATION_SCHEMA' ORDER BY table_name")
    assert [r[0] for r in listed] == sorted(ANSWERED)
    assert {r[1:] for r in listed} == {("VIEW", None, "NO")}
    assert [r[0] for r in rows(cur, "SELECT table_name FROM information_schema.views "
                                    "WHERE table_schema = 'INFORMATION_SCHEMA' ORDER BY 1")] == sorted(ANSWERED)
    # listed in every database, to every role that may use the database
    cur.execute("CREATE DATABASE other")
    assert len(rows(cur, "SELECT * FROM other.information_schema.tables WHERE table_schema = 'INFORMATION_SCHEMA'")) \
        == len(ANSWERED)


@pytest.mark.parametrize("view", ANSWERED)
def test_columns_lists_each_view_as_a_query_describes_it(cur: Any, view: str) -> None:
    listed = rows(cur, "SELECT column_name, ordinal_position FROM ld.information_schema.columns "
                       f"WHERE table_schema = 'INFORMATION_SCHEMA' AND table_name = '{view}' ORDER BY 2")
    names = [d[0] for d in cur.execute(f"SELECT * FROM ld.information_schema.{view}").description]
    assert [r[0] for r in listed] == names
    assert [r[1] for r in listed] == list(range(1, len(listed) + 1))
    assert [r[0] for r in rows(cur, f"DESCRIBE VIEW ld.information_schema.{view}")] == names


def test_the_types_of_the_information_schema_columns(cur: Any) -> None:
    got = rows(cur, "SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, "
                    "is_nullable FROM information_schema.columns WHERE table_schema = 'INFORMATION_SCHEMA' "
                    "AND table_name = 'TABLES' AND column_name IN ('TABLE_NAME', 'ROW_COUNT', 'CREATED') ORDER BY 1")
    assert got == [("CREATED", "TIMESTAMP_LTZ", None, None, None, "YES"),
                   ("ROW_COUNT", "NUMBER", None, 38, 0, "YES"),
                   ("TABLE_NAME", "TEXT", 16777216, None, None, "YES")]
    assert rows(cur, "SELECT data_type FROM information_schema.columns WHERE table_name = 'MODEL_VERSIONS' "
                     "AND column_name = 'VERSION_ALIASES'") == [("ARRAY",)]
    described = {r[0]: r[1] for r in rows(cur, "DESCRIBE VIEW information_schema.tables")}
    assert (described["TABLE_NAME"], described["ROW_COUNT"], described["CREATED"]) == (
        "VARCHAR(16777216)", "NUMBER(38,0)", "TIMESTAMP_LTZ(9)")


def test_a_name_the_schema_does_not_hold_does_not_exist(cur: Any) -> None:
    for sql in ("SELECT * FROM information_schema.no_such_view", "SELECT * FROM ld.information_schema.\"tables\"",
                "SELECT * FROM TABLE(ld.information_schema.no_such_function())"):
        with pytest.raises(snowreg.ProgrammingError) as caught:
            cur.execute(sql)
        assert caught.value.errno == 2003
        assert "'LD.INFORMATION_SCHEMA." in caught.value.msg and "does not exist or not authorized" in caught.value.msg
    # a documented view snowreg does not answer is refused as such, never answered otherwise
    with pytest.raises(snowreg.NotSupportedError, match="INFORMATION_SCHEMA.PIPES"):
        cur.execute("SELECT * FROM information_schema.pipes")


def test_with_information_schema_in_use_its_names_need_no_qualifier(cur: Any) -> None:
    """The overview page's third way: USE SCHEMA testdb.INFORMATION_SCHEMA, then `FROM TABLES`."""
    cur.execute("CREATE TABLE t (id INT)")
    cur.execute("USE SCHEMA ld.information_schema")
    assert rows(cur, "SELECT table_name FROM tables WHERE table_schema = 'PUBLIC'") == [("T",)]
    assert rows(cur, "SELECT t.table_name FROM tables t JOIN columns c ON c.table_name = t.table_name "
                     "AND c.table_schema = t.table_schema WHERE t.table_schema = 'PUBLIC'") == [("T",)]
    assert rows(cur, "WITH tables AS (SELECT 1 AS x) SELECT x FROM tables") == [(1,)]  # a CTE is the CTE
    assert rows(cur, "SELECT catalog_name FROM information_schema_catalog_name") == [("LD",)]
    assert rows(cur, "SELECT count(*) FROM public.t") == [(0,)]  # a qualified name is as written
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("SELECT * FROM t")  # INFORMATION_SCHEMA holds no table T
    assert caught.value.errno == 2003 and "LD.INFORMATION_SCHEMA.T" in caught.value.msg
    cur.execute("USE SCHEMA ld.public")
    assert rows(cur, "SELECT count(*) FROM t") == [(0,)]


def test_the_current_databases_information_schema_needs_a_privilege_on_it_still(cur: Any) -> None:
    for sql in ("CREATE ROLE analyst", "GRANT USAGE ON DATABASE ld TO ROLE analyst",
                "GRANT USAGE ON SCHEMA ld.public TO ROLE analyst", "CREATE USER alice DEFAULT_ROLE = analyst",
                "GRANT ROLE analyst TO USER alice"):
        cur.execute(sql)
    alice = Connection(cur.connection._catalog, user="ALICE").cursor()
    alice.execute("USE SCHEMA ld.information_schema")
    assert rows(alice, "SELECT count(*) FROM tables WHERE table_schema = 'PUBLIC'") == [(0,)]
    cur.execute("REVOKE USAGE ON DATABASE ld FROM ROLE analyst")
    for sql in ("SELECT * FROM tables", "SELECT * FROM information_schema.schemata", "DESCRIBE VIEW tables",
                "DESCRIBE VIEW ld.information_schema.tables"):
        with pytest.raises(snowreg.ProgrammingError) as caught:
            alice.execute(sql)
        assert caught.value.errno == 2003 and "Database 'LD'" in caught.value.msg


# -- STAGES and FILE_FORMATS (https://docs.snowflake.com/en/sql-reference/info-schema/stages, …/file_formats:
# "only displays objects for which the current role for the session has been granted access privileges") ------

STAGES = ["STAGE_CATALOG", "STAGE_SCHEMA", "STAGE_NAME", "STAGE_URL", "STAGE_REGION", "STAGE_TYPE", "STAGE_OWNER",
          "COMMENT", "CREATED", "LAST_ALTERED"]
FILE_FORMATS = ["FILE_FORMAT_CATALOG", "FILE_FORMAT_SCHEMA", "FILE_FORMAT_NAME", "FILE_FORMAT_OWNER",
                "FILE_FORMAT_TYPE", "RECORD_DELIMITER", "FIELD_DELIMITER", "SKIP_HEADER", "DATE_FORMAT", "TIME_FORMAT",
                "TIMESTAMP_FORMAT", "BINARY_FORMAT", "ESCAPE", "ESCAPE_UNENCLOSED_FIELD", "TRIM_SPACE",
                "FIELD_OPTIONALLY_ENCLOSED_BY", "NULL_IF", "COMPRESSION", "ERROR_ON_COLUMN_COUNT_MISMATCH", "CREATED",
                "LAST_ALTERED", "COMMENT"]


def _alice(cur: Any, *grants: str) -> Any:
    for sql in ("CREATE ROLE analyst", "GRANT USAGE ON DATABASE ld TO ROLE analyst",
                "GRANT USAGE ON SCHEMA ld.public TO ROLE analyst", "CREATE USER alice DEFAULT_ROLE = analyst",
                "GRANT ROLE analyst TO USER alice", *grants):
        cur.execute(sql)
    return Connection(cur.connection._catalog, user="ALICE").cursor()


def test_stages_lists_the_stages_a_role_holds_a_privilege_on(cur: Any) -> None:
    cur.execute("CREATE STAGE hidden COMMENT = 'not for analysts'")
    cur.execute("SELECT * FROM ld.information_schema.stages ORDER BY stage_name")
    assert [d[0] for d in cur.description] == STAGES
    assert [r[:8] for r in cur.fetchall()] == [
        ("LD", "PUBLIC", "HIDDEN", None, None, "Internal Named", "ACCOUNTADMIN", "not for analysts"),
        ("LD", "PUBLIC", "ST", None, None, "Internal Named", "ACCOUNTADMIN", None)]
    alice = _alice(cur, "GRANT READ ON STAGE st TO ROLE analyst")
    assert rows(alice, "SELECT stage_name FROM ld.information_schema.stages") == [("ST",)]
    # MANAGE GRANTS shows every stage, as SHOW does (the 2026_07 bundle, bcr-2416)
    cur.execute("GRANT MANAGE GRANTS ON ACCOUNT TO ROLE analyst")
    assert rows(alice, "SELECT stage_name FROM ld.information_schema.stages") == [("HIDDEN",), ("ST",)]


def test_file_formats_lists_the_formats_a_role_holds_a_privilege_on(cur: Any) -> None:
    cur.execute("CREATE FILE FORMAT pipes TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1 COMMENT = 'piped'")
    cur.execute("CREATE FILE FORMAT js TYPE = JSON")
    cur.execute("SELECT * FROM ld.information_schema.file_formats ORDER BY file_format_name")
    assert [d[0] for d in cur.description] == FILE_FORMATS
    got = {r[2]: r for r in cur.fetchall()}
    assert got["PIPES"][:8] == ("LD", "PUBLIC", "PIPES", "ACCOUNTADMIN", "CSV", "\\n", "|", 1)
    assert got["PIPES"][-1] == "piped"
    assert got["JS"][4:8] == ("JSON", None, None, None)  # no delimiters or header for JSON
    # grants on a file format are not emulated (refused): a role's privilege on one is its ownership
    alice = _alice(cur, "GRANT CREATE FILE FORMAT ON SCHEMA ld.public TO ROLE analyst")
    alice.execute("CREATE FILE FORMAT ld.public.mine TYPE = CSV")
    assert rows(alice, "SELECT file_format_name, file_format_owner FROM ld.information_schema.file_formats") == [
        ("MINE", "ANALYST")]


def test_event_tables_lists_the_schemas_own_views_only(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/info-schema/event_tables: "a row for each event table and view
    …, including the views in the INFORMATION_SCHEMA schema itself"; snowreg has no event tables."""
    cur.execute("CREATE TABLE t (id INT)")
    cur.execute("SELECT * FROM ld.information_schema.event_tables")
    assert [d[0] for d in cur.description] == ["TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_OWNER", "CREATED",
                                               "LAST_ALTERED", "COMMENT"]
    got = cur.fetchall()
    assert {r[:2] for r in got} == {("LD", "INFORMATION_SCHEMA")} and sorted(r[2] for r in got) == sorted(ANSWERED)
    assert rows(cur, "SELECT table_name FROM information_schema.event_tables "
                     "WHERE table_schema != 'INFORMATION_SCHEMA'") == []


def test_the_information_schema_mark_never_shows_in_what_a_statement_keeps(cur: Any) -> None:
    cur.execute("USE SCHEMA ld.information_schema")
    cur.execute("CREATE FUNCTION ld.public.twice(x INT) RETURNS INT AS 'x * 2'")
    cur.execute("CREATE VIEW ld.public.v AS SELECT 1 AS one")
    ddl = rows(cur, "SELECT GET_DDL('FUNCTION', 'ld.public.twice(INT)') || GET_DDL('VIEW', 'ld.public.v')")[0][0]
    assert "snowreg" not in ddl
    assert rows(cur, "SELECT ld.public.twice(2)") == [(4,)]
    assert rows(cur, "SELECT view_definition FROM views WHERE table_name = 'V'") == [
        ("CREATE VIEW ld.public.v AS SELECT 1 AS one",)]
