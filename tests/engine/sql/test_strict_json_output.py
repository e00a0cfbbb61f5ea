"""NaN and the infinities in VARIANT values, and STRICT_JSON_OUTPUT
(https://docs.snowflake.com/en/sql-reference/parameters#strict-json-output): by default JSON output holds them bare
(`NaN`, `Infinity`, `-Infinity`); TRUE writes them as JSON strings. conformance/sql/docs_strings_6.test holds the
documented cases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg

_SQL = ("SELECT 'NaN'::FLOAT::VARIANT, ARRAY_CONSTRUCT('-inf'::FLOAT, 1), OBJECT_CONSTRUCT('a', 'inf'::FLOAT, "
        "'b', 'NaN'), TO_JSON(ARRAY_CONSTRUCT('NaN'::FLOAT))")


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    yield con.cursor()
    con.close()


def test_a_float_that_is_no_number_made_a_variant(cur: Any) -> None:
    # it failed with Python's JSONDecodeError: DuckDB wrote NaN as `nan`
    assert cur.execute(_SQL).fetchone() == ("NaN", "[\n  -Infinity,\n  1\n]", '{\n  "a": Infinity,\n  "b": "NaN"\n}', "[NaN]")
    cur.execute("SELECT TYPEOF('NaN'::FLOAT::VARIANT), 'inf'::FLOAT::VARIANT::FLOAT > 1e308")
    assert cur.fetchone() == ("DOUBLE", True)
    cur.execute("SELECT ARRAY_AGG(x) FROM (SELECT 'NaN'::FLOAT AS x)")
    assert cur.fetchone() == ("[\n  NaN\n]",)


def test_strict_json_output_writes_them_as_strings(cur: Any) -> None:
    cur.execute("ALTER SESSION SET STRICT_JSON_OUTPUT = TRUE")
    assert cur.execute(_SQL).fetchone() == ('"NaN"', '[\n  "-Infinity",\n  1\n]', '{\n  "a": "Infinity",\n  "b": "NaN"\n}',
                                            '[NaN]')  # TO_JSON's VARCHAR is not JSON output here (DECISIONS.md F96)
    assert cur.execute("SHOW PARAMETERS LIKE 'STRICT_JSON_OUTPUT'").fetchone()[1:4] == ("true", "false", "SESSION")
    # strings that read NaN are left alone, and a value stays a number inside the statement
    cur.execute("SELECT PARSE_JSON('[\"NaN\", \"x NaN\"]'), 'NaN'::FLOAT::VARIANT::FLOAT = 'NaN'::FLOAT")
    assert cur.fetchone() == ('[\n  "NaN",\n  "x NaN"\n]', True)
    cur.execute("ALTER SESSION UNSET STRICT_JSON_OUTPUT")
    assert cur.execute("SELECT 'NaN'::FLOAT::VARIANT").fetchone() == ("NaN",)


def test_strict_json_output_with_json_indent(cur: Any) -> None:
    cur.execute("ALTER SESSION SET STRICT_JSON_OUTPUT = TRUE, JSON_INDENT = 0")
    assert cur.execute("SELECT ARRAY_CONSTRUCT('NaN'::FLOAT, 2)").fetchone() == ('["NaN",2]',)


def test_a_float_literal_made_a_variant_is_a_double(cur: Any) -> None:
    # `1.5e0` is a FLOAT constant (https://docs.snowflake.com/en/sql-reference/data-types-numeric#numeric-constants):
    # a VARIANT of it is a DOUBLE, written as Snowflake writes one; it was the DECIMAL 1.5
    cur.execute("SELECT 1.5e0::VARIANT, TYPEOF(TO_VARIANT(1.5e0)), ARRAY_CONSTRUCT(1e3, 2), TYPEOF(ARRAY_CONSTRUCT(1.5e0)[0])")
    assert cur.fetchone() == ("1.500000000000000e+00", "DOUBLE", "[\n  1.000000000000000e+03,\n  2\n]", "DOUBLE")
