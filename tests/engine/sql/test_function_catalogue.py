"""Every Snowflake function is answered or refused as not supported; a name Snowflake has no function of is
002140 Unknown function (engine/sql/function_catalogue.py; conformance/DECISIONS.md F50)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import function_catalogue, functions, system
from snowreg.errors import Error, NotSupportedError, ProgrammingError

# Keywords sqlglot parses as calls (`EXISTS (…)`, `= ANY (…)`, `IDENTIFIER('t')`): syntax, not functions.
_SYNTAX = {"ALL", "ANY", "EXISTS", "IDENTIFIER"}
# Answered outside engine/sql/functions.py: the SYSTEM$ functions and GET_DDL evaluated before translation,
# and INFER_SCHEMA in FROM (write_pandas' form).
_ANSWERED_ELSEWHERE = set(system._FUNCTIONS) | {"INFER_SCHEMA"}
# A keyword of the grammar: `INTEGRATION(…)` is a syntax error before any function is looked up.
_KEYWORDS = {"INTEGRATION"}


@pytest.fixture(scope="module")
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE catalogue_db")
    yield cursor
    con.close()


def test_every_answered_function_is_a_snowflake_function() -> None:
    assert set(functions.FUNCTIONS) - _SYNTAX <= function_catalogue.NAMES
    assert functions.NOT_EMULATED <= function_catalogue.NAMES


def _refusal(cur: Any, sql: str) -> Exception | None:
    try:
        cur.execute(sql)
    except Exception as e:  # noqa: BLE001 - what a call raises is the subject
        return e
    return None


@pytest.mark.parametrize("name", sorted(function_catalogue.NAMES - set(functions.FUNCTIONS) - _ANSWERED_ELSEWHERE
                                        - _KEYWORDS))
def test_a_function_snowreg_does_not_answer_is_refused_as_not_supported(cur: Any, name: str) -> None:
    for args in ("", "1", "'a', 2"):
        error = _refusal(cur, f"SELECT {name}({args})")
        assert isinstance(error, NotSupportedError), (name, args, error)
        assert (error.errno, error.sqlstate) == (2, "0A000")
        # named as a function, or (TAG_REFERENCES_WITH_LINEAGE: Account Usage) with where it lives
        assert name in error.msg and error.msg.endswith("is not supported by snowreg.")


# Texts of DuckDB's (and of snowreg's internal macros) that a Snowflake error never holds.
_DUCKDB_TEXTS = ("Macro ", "snowreg_", "UNNEST", "takes exactly", "INT128", "No matching aggregate", "Binder Error",
                 "Catalog Error", "CAST_TO_STR_TYPE")

# A table function snowreg answers, called outside FROM, is an unknown (scalar) function, as in Snowflake
# (tests/engine/sql/test_answered_functions.py).
_TABLE_FUNCTIONS = function_catalogue.BY_CATEGORY["table"] & (set(functions.FUNCTIONS) | _ANSWERED_ELSEWHERE)


@pytest.mark.parametrize("name", sorted(function_catalogue.NAMES - _KEYWORDS - _TABLE_FUNCTIONS))
def test_no_snowflake_function_is_unknown(cur: Any, name: str) -> None:
    """Whatever the arguments, a Snowflake function is never reported as unknown (a wrong number of
    arguments is that function's error, or not supported), and never fails with a Python error."""
    for args in ("", "1", "'a', 'b'", "1, 2, 3"):
        error = _refusal(cur, f"SELECT {name}({args})")
        assert error is None or isinstance(error, Error), (name, args, repr(error))
        assert error is None or not any(text in error.msg for text in _DUCKDB_TEXTS), (name, args, error)
        assert not (isinstance(error, Error) and error.errno == 2140 and "Unknown function" in error.msg), \
            (name, args, error)


def test_a_name_snowflake_has_no_function_of_is_unknown(cur: Any) -> None:
    for sql, name in (("SELECT NO_SUCH_FUNCTION(1)", "NO_SUCH_FUNCTION"), ("SELECT SYSTEM$NO_SUCH(1)", "SYSTEM$NO_SUCH"),
                      ("SELECT ST_NO_SUCH(1, 2)", "ST_NO_SUCH")):
        error = _refusal(cur, sql)
        assert isinstance(error, ProgrammingError) and (error.errno, error.sqlstate) == (2140, "42601"), sql
        assert error.msg == f"SQL compilation error:\nUnknown function {name}"


def test_geospatial_and_phonetic_functions_are_refused_alike(cur: Any) -> None:
    """ST_POINT was 002140 Unknown function while SOUNDEX was not supported: both are Snowflake's."""
    for sql, name in (("SELECT ST_POINT(1, 2)", "ST_POINT"), ("SELECT H3_LATLNG_TO_CELL(52.5, 13.4, 8)", "H3_LATLNG_TO_CELL"),
                      ("SELECT SYSTEM$WAIT(1)", "SYSTEM$WAIT"), ("SELECT MAP_KEYS(x) FROM (SELECT 1 AS x)", "MAP_KEYS")):
        error = _refusal(cur, sql)
        assert isinstance(error, NotSupportedError), sql
        assert error.msg == f"SQL compilation error:\nThe function {name} is not supported by snowreg."


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT INITCAP()", "not enough arguments for function [INITCAP], expected 1, got 0"),
    ("SELECT INITCAP('a', 'b', 'c')", "too many arguments for function [INITCAP], expected 2, got 3"),
    ("SELECT DATE_PART(1)", "not enough arguments for function [DATE_PART], expected 2, got 1"),
    ("SELECT TIME()", "not enough arguments for function [TIME], expected 1, got 0"),
])
def test_a_wrong_number_of_arguments_is_that_functions_error(cur: Any, sql: str, message: str) -> None:
    """These failed with Python errors, or (INITCAP with three arguments) answered without the third."""
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    assert (info.value.errno, info.value.msg) == (938, f"SQL compilation error:\n{message}")


def test_a_call_sqlglot_cannot_build_is_refused_as_that_function(cur: Any) -> None:
    with pytest.raises(NotSupportedError, match="The function OBJECT_CONSTRUCT with these arguments"):
        cur.execute("SELECT OBJECT_CONSTRUCT('a')")
    assert cur.execute("SELECT INITCAP('a-b c', '-'), DATE_PART('year', '2020-01-01'::DATE)").fetchone() == ("A-B c", 2020)


def test_cast_takes_as(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute("SELECT CAST('a', 'b')")
    assert info.value.errno == 1003 and "CAST_TO_STR_TYPE" not in info.value.msg


def test_a_user_function_cannot_take_a_snowflake_function_name(cur: Any) -> None:
    """https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions: no UDF may be named
    like a system-defined function, answered by snowreg or not."""
    cur.execute("USE DATABASE catalogue_db")
    with pytest.raises(ProgrammingError, match="system-defined function"):
        cur.execute("CREATE FUNCTION st_point(a NUMBER, b NUMBER) RETURNS NUMBER AS 'a + b'")
    cur.execute("CREATE FUNCTION st_pointy(a NUMBER) RETURNS NUMBER AS 'a + 1'")
    assert cur.execute("SELECT st_pointy(1)").fetchone() == (2,)
