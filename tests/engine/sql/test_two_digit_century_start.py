"""TWO_DIGIT_CENTURY_START (https://docs.snowflake.com/en/sql-reference/parameters#two-digit-century-start): the
earliest year a two-digit year (the YY element) can stand for; YY is read as the year in [start, start + 99]
it ends with, in TO_DATE / TO_TIMESTAMP_* and their TRY_ forms with a format, and in the input formats
(conformance/DECISIONS.md V13-V15)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        yield conn.cursor()


_Q = ("SELECT TO_DATE('01/02/69', 'DD/MM/YY'), TO_DATE('01/02/70', 'DD/MM/YY'), "
      "TRY_TO_TIMESTAMP('01/02/99 10:30', 'DD/MM/YY HH24:MI'), TO_DATE('01/02/1969', 'DD/MM/YYYY'), "
      "TRY_TO_DATE('xx', 'DD/MM/YY')")


def test_the_default_reads_00_to_69_as_2000s(cur: Any) -> None:
    row = cur.execute(_Q).fetchone()
    assert row[:2] == (datetime.date(2069, 2, 1), datetime.date(1970, 2, 1))
    assert row[2] == datetime.datetime(1999, 2, 1, 10, 30) and row[3] == datetime.date(1969, 2, 1)
    assert row[4] is None


def test_the_session_value_moves_the_century(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TWO_DIGIT_CENTURY_START = 1980")
    row = cur.execute(_Q).fetchone()
    assert row[:2] == (datetime.date(2069, 2, 1), datetime.date(2070, 2, 1))
    assert row[2] == datetime.datetime(1999, 2, 1, 10, 30) and row[3] == datetime.date(1969, 2, 1)
    cur.execute("ALTER SESSION SET TWO_DIGIT_CENTURY_START = 1900")
    assert cur.execute(_Q).fetchone()[:2] == (datetime.date(1969, 2, 1), datetime.date(1970, 2, 1))
    assert cur.execute("SELECT TO_TIMESTAMP_NTZ('05-03-00', 'DD-MM-YY')").fetchone()[0] == datetime.datetime(1900, 3, 5)
    assert cur.execute("SHOW PARAMETERS LIKE 'TWO_DIGIT_CENTURY_START'").fetchone()[1:4] == ("1900", "1970", "SESSION")
    cur.execute("ALTER SESSION UNSET TWO_DIGIT_CENTURY_START")
    assert cur.execute(_Q).fetchone()[:2] == (datetime.date(2069, 2, 1), datetime.date(1970, 2, 1))


def test_at_connect(cur: Any) -> None:
    with snowreg.connect(session_parameters={"TWO_DIGIT_CENTURY_START": 2000}) as other:
        assert other.cursor().execute(_Q).fetchone()[1] == datetime.date(2070, 2, 1)
    assert cur.execute(_Q).fetchone()[1] == datetime.date(1970, 2, 1)


def test_input_formats_read_yy_in_the_century(cur: Any) -> None:
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YY', TIMESTAMP_INPUT_FORMAT = 'DD/MM/YY HH24:MI'")
    sql = "SELECT '01/02/69'::DATE, '01/02/70 10:30'::TIMESTAMP_NTZ, TRY_CAST('nope' AS DATE)"
    assert cur.execute(sql).fetchone() == (datetime.date(2069, 2, 1), datetime.datetime(1970, 2, 1, 10, 30), None)
    cur.execute("ALTER SESSION SET TWO_DIGIT_CENTURY_START = 1980")
    assert cur.execute(sql).fetchone()[:2] == (datetime.date(2069, 2, 1), datetime.datetime(2070, 2, 1, 10, 30))
