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
    for sql in ("ALTER STAGE s SET COMMENT = 'x' COPY_OPTIONS = (ON_ERROR = CONTINUE)",
                "ALTER STAGE s SET URL = 'file:///tmp'", "ALTER STAGE s REFRESH"):
        with pytest.raises(snowreg.NotSupportedError):
            cur.execute(sql)
    with pytest.raises(snowreg.Error):
        cur.execute("ALTER STAGE s SET FILE_FORMAT = (TYPE = NOPE) COMMENT = 'x'")
    assert rows(cur, "SHOW STAGES LIKE 'S'")[0][8] == "keep"


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
