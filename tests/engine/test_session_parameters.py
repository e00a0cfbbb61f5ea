"""Session parameters (engine.parameters): every one is honoured, provably inert, or refused for any value
but its default; unknown names and values a parameter cannot take are errors; nothing is set by a refused
statement; login parameters take the same checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine import parameters
from snowreg.engine.parameters import DEFAULT_ONLY, PARAMETERS, Parameter


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        yield conn.cursor()


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _other(p: Parameter, name: str = "") -> str:
    """A valid value of the parameter that is not its default."""
    if p.type == "BOOLEAN":
        return "false" if p.default == "true" else "true"
    if p.type == "NUMBER":
        return str(int(p.default) + 1 if int(p.default) < p.high else p.low)
    if p.values is not None:
        return sorted(v for v in p.values if v != p.default.upper() and v.replace("-", "") != p.default.upper())[0]
    formats = {"YYYY-MM-DD": "DD/MM/YYYY", "HH24:MI:SS": "HH24.MI",  # the output formats take only formats
               "YYYY-MM-DD HH24:MI:SS.FF3": "DD/MM/YYYY HH24:MI", "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM": "YYYY-MM-DD TZH:TZM"}
    if name.endswith("_OUTPUT_FORMAT") and p.default == "":  # TIMESTAMP_LTZ_ / TZ_OUTPUT_FORMAT
        return "DD/MM/YYYY HH24:MI TZH:TZM"
    inputs = {"DATE_INPUT_FORMAT": "DD/MM/YYYY", "TIME_INPUT_FORMAT": "HH24.MI", "TIMESTAMP_INPUT_FORMAT": "DD/MM/YYYY HH24:MI"}
    if name in inputs:
        return inputs[name]
    return "Europe/Paris" if p.default == "America/Los_Angeles" else formats.get(p.default, "something else")


def _shown(cur: Any, key: str, scope: str = "") -> tuple[str, str]:
    rows = cur.execute(f"SHOW PARAMETERS LIKE '{key}' {scope}").fetchall()
    assert len(rows) == 1 and rows[0][0] == key
    return rows[0][1], rows[0][3]


@pytest.mark.parametrize("key", sorted(PARAMETERS))
def test_every_parameter_takes_its_default(cur: Any, key: str) -> None:
    p = PARAMETERS[key]
    cur.execute(f"ALTER SESSION SET {key} = {_literal(p.default)}")
    assert _shown(cur, key) == (p.default, "SESSION")
    cur.execute(f"ALTER SESSION UNSET {key}")
    assert _shown(cur, key) == (p.default, "")


@pytest.mark.parametrize("key", sorted(k for k, p in PARAMETERS.items() if p.effect == DEFAULT_ONLY))
def test_another_value_of_an_unemulated_parameter_is_refused_and_changes_nothing(cur: Any, key: str) -> None:
    p = PARAMETERS[key]
    with pytest.raises(snowreg.NotSupportedError, match=f"{key} = .* is not supported by snowreg") as e:
        cur.execute(f"ALTER SESSION SET QUERY_TAG = 'before', {key} = {_literal(_other(p))}")
    assert e.value.errno == 2
    assert _shown(cur, key) == (p.default, "")
    assert _shown(cur, "QUERY_TAG") == ("", "")


@pytest.mark.parametrize("key", sorted(k for k, p in PARAMETERS.items() if p.effect != DEFAULT_ONLY
                                       and (p.values is None or len(p.values) > 1)))
def test_honoured_and_inert_parameters_keep_another_value(cur: Any, key: str) -> None:
    value = _other(PARAMETERS[key], key)
    if key == "MULTI_STATEMENT_COUNT":
        value = "0"  # another count would make every later single statement a count mismatch
    cur.execute(f"ALTER SESSION SET {key} = {_literal(value)}")
    assert _shown(cur, key) == (value, "SESSION")


def test_unknown_names_are_refused_for_set_and_unset(cur: Any) -> None:
    for sql in ("ALTER SESSION SET NO_SUCH_THING = 1", "ALTER SESSION UNSET NO_SUCH_THING",
                "ALTER SESSION UNSET TIMEZONE, NO_SUCH_THING"):
        with pytest.raises(snowreg.ProgrammingError, match="invalid parameter 'NO_SUCH_THING'") as e:
            cur.execute(sql)
        assert e.value.errno == 1006


@pytest.mark.parametrize("assignment", ["AUTOCOMMIT = 'maybe'", "WEEK_START = 8", "WEEK_START = '-1'",
                                        "JSON_INDENT = 'two'", "TIMESTAMP_TYPE_MAPPING = TIMESTAMP",
                                        "BINARY_OUTPUT_FORMAT = UTF8", "STATEMENT_TIMEOUT_IN_SECONDS = 604801",
                                        "TIMEZONE = 'Mars/Olympus_Mons'", "LOG_LEVEL = LOUD"])
def test_values_a_parameter_cannot_take_are_refused(cur: Any, assignment: str) -> None:
    with pytest.raises(snowreg.ProgrammingError, match="invalid value") as e:
        cur.execute(f"ALTER SESSION SET QUERY_TAG = 'before', {assignment}")
    assert e.value.errno == 1008
    assert _shown(cur, "QUERY_TAG") == ("", "")


def test_query_tag_is_at_most_2000_characters(cur: Any) -> None:
    cur.execute(f"ALTER SESSION SET QUERY_TAG = '{'x' * 2000}'")
    with pytest.raises(snowreg.ProgrammingError, match="invalid value"):
        cur.execute(f"ALTER SESSION SET QUERY_TAG = '{'x' * 2001}'")


def test_booleans_show_as_true_or_false_however_written(cur: Any) -> None:
    cur.execute("ALTER SESSION SET USE_CACHED_RESULT = 'FALSE'")
    assert _shown(cur, "USE_CACHED_RESULT") == ("false", "SESSION")
    cur.execute("ALTER SESSION SET USE_CACHED_RESULT = True")
    assert _shown(cur, "USE_CACHED_RESULT") == ("true", "SESSION")


def test_an_output_format_equal_to_what_snowreg_shows_is_accepted(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_NTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF3', "
                "TIMESTAMP_LTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM', DATE_OUTPUT_FORMAT = 'yyyy-mm-dd'")
    assert cur.execute("SELECT '2024-01-02'::DATE::VARCHAR").fetchone() == ("2024-01-02",)


def test_show_parameters_in_account_or_user_does_not_show_the_sessions_values(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMEZONE = 'UTC', QUERY_TAG = 'mine'")
    assert _shown(cur, "TIMEZONE", "IN SESSION") == ("UTC", "SESSION")
    assert _shown(cur, "TIMEZONE", "IN ACCOUNT") == ("America/Los_Angeles", "")
    assert _shown(cur, "QUERY_TAG", "IN USER") == ("", "")


def test_show_parameters_lists_every_session_parameter_with_its_type(cur: Any) -> None:
    rows = cur.execute("SHOW PARAMETERS").fetchall()
    assert [r[0] for r in rows] == sorted(PARAMETERS)
    assert {r[5] for r in rows} == {"BOOLEAN", "NUMBER", "STRING"}


def test_multi_statement_count_decides_how_many_statements_a_text_may_hold(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError, match="desired statement count 1"):
        cur.execute("SELECT 1; SELECT 2")
    cur.execute("ALTER SESSION SET MULTI_STATEMENT_COUNT = 0")
    cur.execute("SELECT 1; SELECT 2")
    assert cur.fetchall() == [(1,)]
    cur.execute("ALTER SESSION SET MULTI_STATEMENT_COUNT = 2; ALTER SESSION UNSET MULTI_STATEMENT_COUNT")
    with pytest.raises(snowreg.ProgrammingError, match="desired statement count 1"):
        cur.execute("SELECT 1; SELECT 2")
    cur.execute("SELECT 1; SELECT 2", num_statements=2)  # the call's own count comes first


def test_login_parameters_take_the_same_checks() -> None:
    with snowreg.connect(session_parameters={"TIMEZONE": "UTC", "QUERY_TAG": "from login",
                                             "CLIENT_STORE_TEMPORARY_CREDENTIAL": True}) as conn:
        cur = conn.cursor()
        assert _shown(cur, "TIMEZONE") == ("UTC", "SESSION")
        assert _shown(cur, "QUERY_TAG") == ("from login", "SESSION")
        assert cur.execute("SELECT CURRENT_TIMESTAMP()").fetchone()[0].utcoffset().total_seconds() == 0
    with pytest.raises(snowreg.NotSupportedError, match="ROWS_PER_RESULTSET = 4"):
        snowreg.connect(session_parameters={"ROWS_PER_RESULTSET": 4})
    with pytest.raises(snowreg.ProgrammingError, match="invalid parameter 'NOT_A_PARAMETER'"):
        snowreg.connect(session_parameters={"NOT_A_PARAMETER": 1})
    with pytest.raises(snowreg.ProgrammingError, match="invalid value"):
        snowreg.connect(session_parameters={"TIMEZONE": "Nowhere/At_All"})


def test_a_users_parameter_default_is_refused_not_called_a_syntax_error(cur: Any) -> None:
    """snowreg keeps no user-level parameter value (T33); a user that does not exist is IF EXISTS' success."""
    for sql in ("ALTER USER SET TIMEZONE = 'UTC'", "ALTER USER UNSET QUERY_TAG"):
        with pytest.raises(snowreg.NotSupportedError, match="ALTER USER … (UN)?SET (TIMEZONE|QUERY_TAG) is not supported"):
            cur.execute(sql)
    assert cur.execute("ALTER USER IF EXISTS someone UNSET QUERY_TAG").fetchall() == [("Statement executed successfully.",)]


def test_value_text_reads_literals_and_bare_words() -> None:
    assert parameters.value_text("'it''s'") == "it's"
    assert parameters.value_text(" TIMESTAMP_NTZ ") == "TIMESTAMP_NTZ"
    assert parameters.value_text("''") == ""


def test_statements_other_than_alter_session_never_consult_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parameter checks cost a statement nothing unless it sets a parameter."""
    def refuse(*_: Any) -> Any:
        raise AssertionError("a statement that sets no parameter consulted the catalogue")

    with snowreg.connect(database="PDB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        monkeypatch.setattr(parameters, "checked", refuse)
        monkeypatch.setattr(parameters, "lookup", refuse)
        cur.execute("CREATE TABLE t (d DATE, ts TIMESTAMP_LTZ)")
        cur.execute("INSERT INTO t VALUES ('2024-01-02', '2024-01-02 03:04:05')")
        assert cur.execute("SELECT d::VARCHAR FROM t").fetchall() == [("2024-01-02",)]
        cur.execute("SELECT 1; SELECT 2", num_statements=2)
