"""Errors carry where they happened: a missing object's error points at its name in the statement."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.mark.parametrize(("sql", "line", "column"), [
    ("DROP MODEL nope", 1, 11),
    ("SHOW VERSIONS IN MODEL DB.S.nope", 1, 23),
    ("USE SCHEMA DB.zz", 1, 11),
    ('ALTER MODEL\n  "m" SET COMMENT = \'x\'', 2, 2),
    ("CREATE MODEL m2 WITH VERSION v1 FROM MODEL missing", 1, 43),
])
def test_a_missing_object_error_points_at_its_name(sql: str, line: int, column: int) -> None:
    conn = snowreg.connect(database="DB", schema="S")
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute(sql)
    assert info.value.errno == 2003
    assert (info.value.line, info.value.column) == (line, column)


def test_model_call_errors_carry_the_call_position(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT 1,\n  nope!predict(1)")
    assert info.value.errno == 2003
    assert info.value.line is not None


def test_positions_are_not_invented(cur: Any) -> None:
    """An error about something the statement does not name has no position."""
    cur.execute("CREATE ROLE R1")
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("DROP ROLE R1")
        cur.execute("DROP ROLE R1")
    assert info.value.errno == 2003


@pytest.mark.parametrize(("sql", "why"), [
    ("SHOW SERVICES IN SCHEMA TEST_DB.PUBLIC STARTS WITH 'MY_SERVICE'", "Snowpark Container Services"),
    ("SHOW ENDPOINTS IN SERVICE my_service", "Snowpark Container Services"),
    ("DROP SERVICE IF EXISTS my_service", "Snowpark Container Services"),
    ("select SYSTEM$DGQL('{V(domain: MODULE, name: \"M\") {S {name}}}')", "ML lineage"),
    ("CALL SYSTEM$DEPLOY_MODEL('spec')", "Snowpark Container Services"),
    ("SHOW COMPUTE POOLS", "SHOW COMPUTE POOLS \\(Snowpark Container Services"),
    ("SHOW MODEL MONITORS IN TEST_DB.PUBLIC", "SHOW MODEL MONITORS \\(ML Observability"),
    ("SHOW MODEL MONITORS LIKE 'MY_MONITOR' IN TEST_DB.PUBLIC", "model monitors"),
])
def test_refusals_name_what_is_missing_and_print_nothing(cur: Any, sql: str, why: str,
                                                         capfd: pytest.CaptureFixture[str],
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """What snowflake-ml-python's create_service, lineage and show_model_monitors send is refused (not a
    syntax error: Snowflake accepts these statements), saying which feature is missing; the SQL parser's own 'falling back to a Command' warning never reaches the user."""
    with pytest.raises(snowreg.NotSupportedError, match=why) as info:
        cur.execute(sql)
    assert (info.value.errno, info.value.sqlstate) == (2, "0A000")
    assert "is not supported by snowreg" in info.value.msg
    assert capfd.readouterr().err == ""
    assert [r for r in caplog.records if r.name.startswith("sqlglot")] == []
