"""A typed literal is one constant: `TIMESTAMP '…'::VARCHAR` casts the TIMESTAMP, not the string.

https://docs.snowflake.com/en/sql-reference/data-types-datetime#date-and-time-constants (conformance/DECISIONS.md W34).
"""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Any:
    return snowreg.connect().cursor()


@pytest.mark.parametrize("sql, value, type_code", [
    ("TIMESTAMP '2024-01-01 10:00'::VARCHAR", "2024-01-01 10:00:00.000", 2),
    ("TIMESTAMP_NTZ '2024-01-01 10:00:05.5'::VARCHAR(30)", "2024-01-01 10:00:05.500", 2),
    ("DATE '2024-01-01'::VARCHAR", "2024-01-01", 2),
    ("TIME '10:00'::VARCHAR", "10:00:00", 2),
    ("TIMESTAMP_TZ '2024-01-01 10:00 +03:00'::VARCHAR", "2024-01-01 10:00:00.000 +0300", 2),
])
def test_the_cast_after_a_typed_literal_casts_the_constant(cur: Any, sql: str, value: str, type_code: int) -> None:
    cur.execute(f"SELECT {sql}")
    assert cur.fetchone() == (value,)
    assert cur.description[0][1] == type_code


def test_the_same_as_with_parentheses(cur: Any) -> None:
    cur.execute("SELECT TIMESTAMP '2024-01-01 10:00'::VARCHAR = (TIMESTAMP '2024-01-01 10:00')::VARCHAR, "
                "TIMESTAMP '2024-01-01 10:00'::VARCHAR || 'x', LENGTH(DATE '2024-01-01'::VARCHAR)")
    assert cur.fetchone() == (True, "2024-01-01 10:00:00.000x", 10)


def test_a_typed_literal_cast_to_another_date_type(cur: Any) -> None:
    cur.execute("SELECT TIMESTAMP '2024-01-01 10:00'::DATE, DATE '2024-01-01'::TIMESTAMP_NTZ")
    row = cur.fetchone()
    assert str(row[0]) == "2024-01-01" and str(row[1]) == "2024-01-01 00:00:00"
    assert [d[1] for d in cur.description] == [3, 8]


def test_an_interval_keeps_its_unit_after_the_string(cur: Any) -> None:
    # a bare interval is no value in Snowflake (refused: DECISIONS.md T81), so each one is added here
    cur.execute("SELECT DATE '2024-01-01' + INTERVAL '1' DAY AS d, TIMESTAMP '2024-01-01 10:00' + INTERVAL '3' HOUR AS h, "
                "TIMESTAMP '2024-01-01 10:00' - INTERVAL '2 hours' AS t")
    row = cur.fetchone()
    assert [d[0] for d in cur.description] == ["D", "H", "T"]
    assert str(row[0]).startswith("2024-01-02") and row[1].hour == 13 and row[2].hour == 8
