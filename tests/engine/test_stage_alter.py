"""DESCRIBE STAGE and ALTER STAGE (https://docs.snowflake.com/en/sql-reference/sql/desc-stage,
…/alter-stage): the stage's format and comment change, a rename keeps its files and grants, only its owner alters
it, and what snowreg does not keep is refused before anything changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def test_describe_stage_shows_its_format_and_location(cur: Any) -> None:
    cur.execute("CREATE STAGE s FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ';')")
    described = rows(cur, "DESC STAGE s")
    assert [d[0] for d in cur.description] == ["parent_property", "property", "property_type", "property_value",
                                               "property_default"]
    found = {(r[0], r[1]): (r[3], r[4]) for r in described}
    assert found[("STAGE_FILE_FORMAT", "TYPE")] == ("CSV", "CSV")
    assert found[("STAGE_FILE_FORMAT", "FIELD_DELIMITER")] == (";", ",")
    assert found[("STAGE_LOCATION", "URL")] == ("", "")


def test_alter_stage_set_unset_and_rename_keeps_files(cur: Any, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("1\n")
    cur.execute("CREATE STAGE s")
    cur.execute(f"PUT file://{f} @s AUTO_COMPRESS = FALSE")
    cur.execute("ALTER STAGE s SET FILE_FORMAT = (TYPE = JSON) COMMENT = 'c'")
    assert rows(cur, "SHOW STAGES LIKE 'S'")[0][8] == "c"
    assert ("STAGE_FILE_FORMAT", "TYPE", "String", "JSON", "CSV") in rows(cur, "DESC STAGE s")
    cur.execute("ALTER STAGE s RENAME TO s2")
    assert [r[0] for r in rows(cur, "LIST @s2")] == ["s2/a.csv"]
    cur.execute("ALTER STAGE s2 UNSET COMMENT")
    assert rows(cur, "SHOW STAGES LIKE 'S2'")[0][8] == ""
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("LIST @s")
    assert info.value.errno == 2003


def test_what_is_not_kept_is_refused_before_anything_changes(cur: Any) -> None:
    cur.execute("CREATE STAGE s COMMENT = 'keep'")
    for sql in ("ALTER STAGE s SET COMMENT = 'x' COPY_OPTIONS = (SIZE_LIMIT = 10)",
                "ALTER STAGE s SET COMMENT = 'x' ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE')",
                "ALTER STAGE s SET URL = 'file:///tmp'", "ALTER STAGE s REFRESH"):
        with pytest.raises(snowreg.NotSupportedError):
            cur.execute(sql)
    with pytest.raises(snowreg.Error):
        cur.execute("ALTER STAGE s SET FILE_FORMAT = (TYPE = NOPE) COMMENT = 'x'")
    assert rows(cur, "SHOW STAGES LIKE 'S'")[0][8] == "keep"


def copy_rows(cur: Any, stage: str) -> dict[str, tuple[str, str, str]]:
    return {r[1]: (r[2], r[3], r[4]) for r in rows(cur, f"DESC STAGE {stage}") if r[0] == "STAGE_COPY_OPTIONS"}


def test_describe_stage_shows_its_copy_options_over_the_defaults(cur: Any) -> None:
    cur.execute("CREATE STAGE plain")
    assert copy_rows(cur, "plain") == {
        "ON_ERROR": ("String", "ABORT_STATEMENT", "ABORT_STATEMENT"), "SIZE_LIMIT": ("Long", "", ""),
        "PURGE": ("Boolean", "false", "false"), "RETURN_FAILED_ONLY": ("Boolean", "false", "false"),
        "ENFORCE_LENGTH": ("Boolean", "true", "true"), "TRUNCATECOLUMNS": ("Boolean", "false", "false"),
        "FORCE": ("Boolean", "false", "false")}
    cur.execute("CREATE STAGE s COPY_OPTIONS = (on_error = 'continue', PURGE = TRUE MATCH_BY_COLUMN_NAME = case_sensitive)")
    found = copy_rows(cur, "s")
    assert found["ON_ERROR"] == ("String", "CONTINUE", "ABORT_STATEMENT")
    assert found["PURGE"] == ("Boolean", "true", "false")
    assert found["MATCH_BY_COLUMN_NAME"] == ("String", "CASE_SENSITIVE", "NONE")
    assert [r[0] for r in rows(cur, "DESC STAGE s")].index("STAGE_COPY_OPTIONS") > 0


def test_alter_stage_set_copy_options_replaces_them(cur: Any) -> None:
    cur.execute("CREATE STAGE s COPY_OPTIONS = (ON_ERROR = CONTINUE)")
    cur.execute("ALTER STAGE s SET COPY_OPTIONS = (FORCE = TRUE) COMMENT = 'c'")
    found = copy_rows(cur, "s")
    assert found["FORCE"][1] == "true" and found["ON_ERROR"][1] == "ABORT_STATEMENT"
    assert rows(cur, "SHOW STAGES LIKE 'S'")[0][8] == "c"


@pytest.mark.parametrize("options", ["COPY_OPTIONS = (SIZE_LIMIT = 10)", "COPY_OPTIONS = (TRUNCATECOLUMNS = TRUE)",
                                     "COPY_OPTIONS = (ON_ERROR = SKIP_FILE_2)", "DIRECTORY = (ENABLE = TRUE)",
                                     "DIRECTORY = (ENABLE = FALSE AUTO_REFRESH = TRUE)",
                                     "ENCRYPTION = (TYPE = 'AWS_SSE_S3')",
                                     "ENCRYPTION = (TYPE = 'SNOWFLAKE_FULL' MASTER_KEY = 'k')"])
def test_what_a_stage_cannot_honour_is_refused_and_nothing_is_made(cur: Any, options: str) -> None:
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute(f"CREATE STAGE s {options}")
    assert rows(cur, "SHOW STAGES LIKE 'S'") == []


@pytest.mark.parametrize("options", ["CREDENTIALS = (AWS_KEY_ID = 'k' AWS_SECRET_KEY = 's')",
                                     "STORAGE_INTEGRATION = my_integration"])
def test_an_external_stages_settings_are_refused(cur: Any, options: str) -> None:
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute(f"CREATE STAGE s {options}")
    assert rows(cur, "SHOW STAGES LIKE 'S'") == []


def test_an_unknown_stage_option_is_a_syntax_error(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:  # it was accepted and dropped
        cur.execute("CREATE STAGE s NO_SUCH_OPTION = 1")
    assert info.value.errno == 1003
    assert rows(cur, "SHOW STAGES LIKE 'S'") == []


@pytest.mark.parametrize("options", ["COPY_OPTIONS = (FILES = ('a.csv'))", "COPY_OPTIONS = (NOSUCH = 1)",
                                     "COPY_OPTIONS = (PURGE = 1)", "COPY_OPTIONS = (ON_ERROR = NEVER)",
                                     "COPY_OPTIONS = (MATCH_BY_COLUMN_NAME = SOMETIMES)"])
def test_bad_copy_options_are_001008_and_change_nothing(cur: Any, options: str) -> None:
    cur.execute("CREATE STAGE s COPY_OPTIONS = (ON_ERROR = CONTINUE)")
    for sql in (f"CREATE OR REPLACE STAGE s {options}", f"ALTER STAGE s SET {options}"):
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute(sql)
        assert info.value.errno == 1008
    assert copy_rows(cur, "s")["ON_ERROR"][1] == "CONTINUE"


def test_internal_stage_encryption_and_no_directory_table_are_accepted(cur: Any) -> None:
    cur.execute("CREATE STAGE s ENCRYPTION = (TYPE= 'SNOWFLAKE_SSE')")
    cur.execute("CREATE OR REPLACE STAGE s ENCRYPTION = (TYPE = 'SNOWFLAKE_FULL') DIRECTORY = (ENABLE = FALSE)")
    assert ("DIRECTORY", "ENABLE", "Boolean", "false", "false") in rows(cur, "DESC STAGE s")
    assert rows(cur, "SHOW STAGES LIKE 'S'")[0][6] == "N"


def test_a_directory_table_is_refused_as_not_supported(cur: Any) -> None:
    cur.execute("CREATE STAGE s")
    for sql in ("SELECT * FROM DIRECTORY(@s)", "SELECT relative_path FROM directory( '@s' )"):
        with pytest.raises(snowreg.NotSupportedError):  # it was 002003 for an object named DIRECTORY
            cur.execute(sql)
    assert rows(cur, "SELECT 'DIRECTORY(@s)'") == [("DIRECTORY(@s)",)]


def test_only_the_owner_alters_and_readers_describe(conn: Any) -> None:
    cur = conn.cursor()
    for sql in ("CREATE STAGE s", "CREATE STAGE hidden", "CREATE ROLE r", "GRANT USAGE ON DATABASE TEST_DB TO ROLE r",
                "GRANT USAGE ON SCHEMA TEST_DB.PUBLIC TO ROLE r", "GRANT READ ON STAGE s TO ROLE r",
                "CREATE USER bob DEFAULT_ROLE = r", "GRANT ROLE r TO USER bob"):
        cur.execute(sql)
    bob = Connection(conn._catalog, user="BOB").cursor()
    bob.execute("USE SCHEMA TEST_DB.PUBLIC")
    assert rows(bob, "DESC STAGE s")
    for sql, errno in (("ALTER STAGE s SET COMMENT = 'x'", 3001), ("ALTER STAGE s RENAME TO t", 3001),
                       ("ALTER STAGE hidden SET COMMENT = 'x'", 2003), ("DESC STAGE hidden", 2003)):
        with pytest.raises(snowreg.ProgrammingError) as info:
            bob.execute(sql)
        assert info.value.errno == errno, sql
    assert [r[1] for r in rows(cur, "SHOW STAGES")] == ["HIDDEN", "S"]


def test_a_rename_onto_a_hidden_stage_tells_nothing_of_it(conn: Any) -> None:
    cur = conn.cursor()
    for sql in ("CREATE STAGE mine", "CREATE STAGE secret", "CREATE ROLE r", "GRANT USAGE ON DATABASE TEST_DB TO ROLE r",
                "GRANT USAGE ON SCHEMA TEST_DB.PUBLIC TO ROLE r", "GRANT OWNERSHIP ON STAGE mine TO ROLE r",
                "CREATE USER bob DEFAULT_ROLE = r", "GRANT ROLE r TO USER bob"):
        cur.execute(sql)
    bob = Connection(conn._catalog, user="BOB").cursor()
    bob.execute("USE SCHEMA TEST_DB.PUBLIC")
    with pytest.raises(snowreg.ProgrammingError) as info:
        bob.execute("ALTER STAGE mine RENAME TO secret")
    assert info.value.errno == 3001  # not 002002: the role may not see SECRET nor create stages here
    bob.execute("ALTER STAGE mine RENAME TO mine2")
    assert [r[1] for r in rows(cur, "SHOW STAGES")] == ["MINE2", "SECRET"]
