"""DATE_, TIME_ and TIMESTAMP_NTZ_OUTPUT_FORMAT (engine.output_formats): the text of a DATE / TIME / NTZ (`::VARCHAR`,
TO_VARCHAR, concatenation) follows the session's format, the same text answers by the default again after
UNSET, each session keeps its own, and a format with an element snowreg would not write exactly is refused
(conformance/DECISIONS.md T53)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine import output_formats

_TEXTS = "SELECT d::VARCHAR, TO_VARCHAR(d), d || '!', tm::VARCHAR, TO_CHAR(d, 'YYYY') FROM t"


@pytest.fixture
def conn() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE f")
        cur.execute("CREATE TABLE t (d DATE, tm TIME)")
        cur.execute("INSERT INTO t VALUES ('2017-01-04', '13:45:06.123')")
        yield conn


def test_same_text_follows_the_formats_and_unset(conn: Any) -> None:
    cur = conn.cursor()
    assert cur.execute(_TEXTS).fetchall() == [("2017-01-04", "2017-01-04", "2017-01-04!", "13:45:06", "2017")]
    cur.execute("ALTER SESSION SET DATE_OUTPUT_FORMAT = 'DD/MM/YYYY', TIME_OUTPUT_FORMAT = 'HH12:MI AM'")
    assert cur.execute(_TEXTS).fetchall() == [("04/01/2017", "04/01/2017", "04/01/2017!", "01:45 PM", "2017")]
    cur.execute("ALTER SESSION SET DATE_OUTPUT_FORMAT = 'DY, DD MON YYYY', TIME_OUTPUT_FORMAT = 'HH24:MI:SS.FF3'")
    assert cur.execute(_TEXTS).fetchall() == [("Wed, 04 Jan 2017", "Wed, 04 Jan 2017", "Wed, 04 Jan 2017!",
                                               "13:45:06.123", "2017")]
    cur.execute("ALTER SESSION UNSET DATE_OUTPUT_FORMAT, TIME_OUTPUT_FORMAT")
    assert cur.execute(_TEXTS).fetchall() == [("2017-01-04", "2017-01-04", "2017-01-04!", "13:45:06", "2017")]


def test_a_statement_reading_no_table_follows_the_format_at_once(conn: Any) -> None:
    cur = conn.cursor()
    text = "SELECT '2017-01-04'::DATE::VARCHAR"
    assert cur.execute(text).fetchone() == ("2017-01-04",)
    cur.execute("ALTER SESSION SET DATE_OUTPUT_FORMAT = 'YYYYMMDD'")
    assert cur.execute(text).fetchone() == ("20170104",)
    with snowreg.connect(session_parameters={"DATE_OUTPUT_FORMAT": "MM/DD/YY"}) as other:
        assert other.cursor().execute(text).fetchone() == ("01/04/17",)
        assert cur.execute(text).fetchone() == ("20170104",)


def test_values_stay_values(conn: Any) -> None:
    cur = conn.cursor()
    cur.execute("ALTER SESSION SET DATE_OUTPUT_FORMAT = 'DD/MM/YYYY'")
    row = cur.execute("SELECT d, d = '2017-01-04'::DATE FROM t").fetchone()
    assert str(row[0]) == "2017-01-04" and row[1] is True


@pytest.mark.parametrize("assignment", ["DATE_OUTPUT_FORMAT = 'YYYY-WW'", "DATE_OUTPUT_FORMAT = 'YYYY-MM-DD HH24'",
                                        "TIME_OUTPUT_FORMAT = 'HH24:MI:SS.FF2'", "TIME_OUTPUT_FORMAT = 'HH24 TZH'"])
def test_formats_snowreg_cannot_write_exactly_are_refused(conn: Any, assignment: str) -> None:
    cur = conn.cursor()
    with pytest.raises(snowreg.NotSupportedError, match="not supported") as e:
        cur.execute(f"ALTER SESSION SET {assignment}")
    assert e.value.errno == 2
    assert cur.execute("SELECT '2017-01-04'::DATE::VARCHAR").fetchone() == ("2017-01-04",)


def test_patterns() -> None:
    assert output_formats.pattern("DATE_OUTPUT_FORMAT", 'YYYY"年"MM"%"DD') == "%Y年%m%%%d"
    assert output_formats.pattern("DATE_OUTPUT_FORMAT", "mmmm dd, yyyy") == "%B %d, %Y"
    assert output_formats.pattern("TIME_OUTPUT_FORMAT", "HH24MISS") == "%H%M%S"
    assert output_formats.pattern("TIME_OUTPUT_FORMAT", "HH24:MI:SS.FF") == "%H:%M:%S.%n"
    assert output_formats.pattern("DATE_OUTPUT_FORMAT", "HH24") is None


def test_timestamp_ntz_output_format(conn: Any) -> None:
    cur = conn.cursor()
    text = ("SELECT '2017-01-04 13:45:06.123456'::TIMESTAMP_NTZ::VARCHAR, "
            "'2017-01-04 13:45:06'::TIMESTAMP_LTZ::VARCHAR")
    ltz = cur.execute(text).fetchone()[1]
    cur.execute("ALTER SESSION SET TIMESTAMP_NTZ_OUTPUT_FORMAT = 'DD.MM.YYYY HH24:MI:SS.FF6'")
    assert cur.execute(text).fetchone() == ("04.01.2017 13:45:06.123456", ltz)  # LTZ keeps its own format
    # empty: TIMESTAMP_OUTPUT_FORMAT's, whose time zone is the UTC indicator for an NTZ
    cur.execute("ALTER SESSION SET TIMESTAMP_NTZ_OUTPUT_FORMAT = ''")
    assert cur.execute(text).fetchone() == ("2017-01-04 13:45:06.123 Z", ltz)
    cur.execute("ALTER SESSION SET TIMESTAMP_NTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS TZH:TZM'")
    assert cur.execute(text).fetchone() == ("2017-01-04 13:45:06 Z", ltz)
    cur.execute("ALTER SESSION UNSET TIMESTAMP_NTZ_OUTPUT_FORMAT")
    assert cur.execute(text).fetchone() == ("2017-01-04 13:45:06.123", ltz)
