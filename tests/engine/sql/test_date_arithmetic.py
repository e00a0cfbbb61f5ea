"""Date arithmetic and formatting as the date functions' pages show it (conformance/DECISIONS.md T80-T86):
interval constants (engine.sql.intervals), TO_CHAR / TO_VARCHAR with a format (engine.sql.zoned), TRUNC of a
TIME, parts of a TIMESTAMP_LTZ, the difference of two timestamps."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import intervals
from snowreg.errors import Error

_DATE, _TIME, _NTZ = 3, 12, 8  # the connector's type codes


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'")
        yield cursor


def _one(cur: Any, sql: str) -> tuple[Any, list[int]]:
    row = cur.execute(sql).fetchone()
    return row, [d[1] for d in cur.description]


def test_interval_increments_parse_in_order_with_abbreviations() -> None:
    import sqlglot

    node = sqlglot.parse_one("SELECT d + INTERVAL '1 y, 3 q, 4 mm, 5 w, 6 d, 7 h, 9 m, 8 s, 1000 ms, 2 us, 3 ns'",
                             read="snowflake").expressions[0].expression
    assert intervals.increments(node) == [
        (1, "YEAR"), (3, "QUARTER"), (4, "MONTH"), (5, "WEEK"), (6, "DAY"), (7, "HOUR"), (9, "MINUTE"),
        (8, "SECOND"), (1000, "MILLISECOND"), (2, "MICROSECOND"), (3, "NANOSECOND")]
    bare = sqlglot.parse_one("SELECT d + INTERVAL '2'", read="snowflake").expressions[0].expression
    assert intervals.increments(bare) == [(2, "SECOND")]
    bad = sqlglot.parse_one("SELECT d + INTERVAL '2 fortnights'", read="snowflake").expressions[0].expression
    assert intervals.increments(bad) is None


def test_date_plus_interval_of_days_or_longer_stays_a_date(cur: Any) -> None:
    row, types = _one(cur, "SELECT TO_DATE('2018-04-15') + INTERVAL '1 year', '2024-03-31'::DATE - INTERVAL '1 month', "
                           "'2024-01-01'::DATE + INTERVAL '2 hours', TO_TIME('04:15:29') + INTERVAL '3 hours, 18 minutes'")
    assert row == (datetime.date(2019, 4, 15), datetime.date(2024, 2, 29), datetime.datetime(2024, 1, 1, 2),
                   datetime.time(7, 33, 29))
    assert types == [_DATE, _DATE, _NTZ, _TIME]


def test_date_column_plus_interval_stays_a_date(cur: Any) -> None:
    row, types = _one(cur, "SELECT d + INTERVAL '1 month', d + INTERVAL '1 day' + INTERVAL '2 hours' "
                           "FROM (SELECT '2024-01-31'::DATE AS d)")
    assert row == (datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 1, 2))
    assert types == [_DATE, _NTZ]


def test_interval_increments_are_added_in_the_order_written(cur: Any) -> None:
    row, _ = _one(cur, "SELECT '2024-01-30'::DATE + INTERVAL '1 day, 1 month', "
                       "'2024-01-30'::DATE + INTERVAL '1 month, 1 day'")
    assert row == (datetime.date(2024, 2, 29), datetime.date(2024, 3, 1))


def test_the_long_interval_of_the_page(cur: Any) -> None:
    row, _ = _one(cur, "SELECT TO_DATE('2025-01-17') + INTERVAL '1 y, 3 q, 4 mm, 5 w, 6 d, 7 h, 9 m, 8 s, "
                       "1000 ms, 445343232 us, 898498273498 ns'")
    assert row == (datetime.datetime(2027, 3, 30, 7, 31, 32, 841505),)


def test_to_char_keeps_quoted_text_offsets_and_times(cur: Any) -> None:
    row, _ = _one(cur, "SELECT TO_CHAR('2024-04-05'::DATE, 'YYYY\"th year\"'), "
                       "TO_CHAR('2024-04-05 01:02:03'::TIMESTAMP_LTZ, 'HH24:MI TZH:TZM'), "
                       "TO_CHAR('2024-04-05 01:02:03'::TIMESTAMP_NTZ, 'HH24:MI TZH:TZM'), "
                       "TO_VARCHAR('13:02:03.5'::TIME, 'HH12:MI:SS.FF3 AM'), "
                       "TO_CHAR('2024-04-05 13:02:03 +0530'::TIMESTAMP_TZ, 'YYYY-MM-DD HH24:MI TZHTZM')")
    assert row == ("2024th year", "01:02 -07:00", "01:02 Z", "01:02:03.500 PM", "2024-04-05 13:02 +0530")


def test_to_char_of_a_date_column_by_a_format(cur: Any) -> None:
    row, _ = _one(cur, "SELECT TO_CHAR(d, 'DD/MM/YYYY'), TO_CHAR(t, 'HH24\"h\"MI') "
                       "FROM (SELECT '2024-04-05'::DATE AS d, '13:02:03'::TIME AS t)")
    assert row == ("05/04/2024", "13h02")


def test_to_char_with_an_element_snowreg_cannot_write_is_refused(cur: Any) -> None:
    with pytest.raises(Error, match="not supported"):  # FF2 was written as nine digits
        cur.execute("SELECT TO_CHAR('2024-04-05 01:02:03.12'::TIMESTAMP_NTZ, 'FF2')")


def test_trunc_of_a_time_is_a_time(cur: Any) -> None:
    row, types = _one(cur, "SELECT TRUNC('08:50:48'::TIME, 'minute'), TRUNC(t, 'hour') FROM (SELECT '08:50:48'::TIME t)")
    assert row == (datetime.time(8, 50), datetime.time(8))
    assert types == [_TIME, _TIME]


def test_parts_of_a_timestamp_ltz_in_the_session_zone(cur: Any) -> None:
    row, _ = _one(cur, "SELECT EXTRACT(hour FROM '2013-05-08 23:39:20'::TIMESTAMP_LTZ), "
                       "DATE_PART(timezone_hour, '2013-05-08 23:39:20'::TIMESTAMP_LTZ), "
                       "HOUR(TO_TIMESTAMP_LTZ('2013-05-08 23:39:20'))")
    assert row == (23, -7, 23)


def test_a_part_of_a_timestamp_tz_literal_with_its_own_offset_is_read_at_that_offset(cur: Any) -> None:
    """It was refused (T84); T94 reads it at the offset the literal spells."""
    row, _ = _one(cur, "SELECT DATE_PART(timezone_hour, '2013-05-08T23:39:20-04:00'::TIMESTAMP_TZ), "
                       "DATE_PART(timezone_minute, '2013-05-08 23:39:20 -05:30'::TIMESTAMP_TZ), "
                       "HOUR('2013-05-08T23:39:20-04:00'::TIMESTAMP_TZ), "
                       "EXTRACT(day FROM '2013-05-08T23:39:20-04:00'::TIMESTAMP_TZ), "
                       "DATE_PART(nanosecond, '2013-05-08T23:39:20.5+09:00'::TIMESTAMP_TZ), "
                       "DATE_PART(epoch_second, '2013-05-08T23:39:20-04:00'::TIMESTAMP_TZ), "
                       "DATE_PART(timezone_hour, 'Thu, 21 Dec 2000 04:01:07 PM +0200'::TIMESTAMP_TZ)")
    assert row == (-4, -30, 23, 8, 500000000, 1368070760, 2)


def test_difference_of_two_timestamps_is_refused(cur: Any) -> None:
    with pytest.raises(Error, match="DATEDIFF"):
        cur.execute("SELECT '2024-01-10 10:00'::TIMESTAMP_NTZ - '2024-01-01'::TIMESTAMP_NTZ")
    assert cur.execute("SELECT '2024-01-10'::DATE - '2024-01-01'::DATE").fetchone() == (9,)


def test_convert_timezone_of_text_with_a_spaced_offset_inside_an_expression(cur: Any) -> None:
    row, _ = _one(cur, "SELECT TO_CHAR(CONVERT_TIMEZONE('America/Los_Angeles', '2018-04-05 12:00:00 +02:00'), "
                       "'YYYY-MM-DD HH24:MI')")
    assert row == ("2018-04-05 03:00",)


def test_date_functions_of_varchar_columns_read_them_as_timestamps(cur: Any) -> None:
    rows = cur.execute("SELECT DATEDIFF(year, column1, column2), DATEDIFF(day, column1, column2), YEAR(column1), "
                       "DAYNAME(column1), LAST_DAY(column1) FROM VALUES ('2015-12-31', '2016-01-01')").fetchall()
    assert rows == [(1, 1, 2015, "Thu", datetime.date(2015, 12, 31))]
    assert [d[1] for d in cur.description][-1] == _DATE


def test_a_varchar_cast_or_call_is_read_as_a_timestamp_too(cur: Any) -> None:
    row, _ = _one(cur, "SELECT YEAR(s::VARCHAR), MONTH(UPPER(s)) FROM (SELECT '2024-05-08' AS s)")
    assert row == (2024, 5)


def test_varchar_that_is_no_timestamp_is_snowflakes_error(cur: Any) -> None:
    with pytest.raises(Error, match="Timestamp 'abc' is not recognized"):
        cur.execute("SELECT YEAR(s) FROM (SELECT 'abc' AS s)")


def test_a_date_column_is_not_probed_and_a_number_is_still_refused(cur: Any) -> None:
    assert _one(cur, "SELECT YEAR(d) FROM (SELECT '2024-05-08'::DATE AS d)")[0] == (2024,)
    with pytest.raises(Error, match="YEAR"):
        cur.execute("SELECT YEAR(x) FROM (SELECT 5 AS x)")


def test_date_trunc_of_a_varchar_column_stays_refused(cur: Any) -> None:
    with pytest.raises(Error, match="not supported"):
        cur.execute("SELECT DATE_TRUNC('month', s) FROM (SELECT '2024-05-08' AS s)")


def test_time_slice_end_of_a_select_items_alias(cur: Any) -> None:
    row, types = _one(cur, "SELECT '2019-02-28'::DATE AS \"DATE\", TIME_SLICE(\"DATE\", 4, 'MONTH', 'END'), "
                           "'2019-02-28 10:00'::TIMESTAMP_NTZ AS t, TIME_SLICE(t, 1, 'HOUR', 'END')")
    assert row[1] == datetime.date(2019, 5, 1) and row[3] == datetime.datetime(2019, 2, 28, 11)
    assert types == [_DATE, _DATE, _NTZ, _NTZ]
    with pytest.raises(Error, match="not supported"):  # a FROM: the name may be a column's
        cur.execute("SELECT '2019-02-28'::DATE AS d, TIME_SLICE(d, 1, 'DAY', 'END') FROM (SELECT 1 AS d)")


def test_clock_functions_cut_to_their_fraction_digits(cur: Any) -> None:
    row, types = _one(cur, "SELECT CURRENT_TIMESTAMP(0), CURRENT_TIMESTAMP(3), CURRENT_TIME(0), LOCALTIME(2), "
                           "CURRENT_TIMESTAMP(9)")
    assert row[0].microsecond == 0 and row[1].microsecond % 1000 == 0
    assert row[2].microsecond == 0 and row[3].microsecond % 10000 == 0
    assert types == [6, 6, _TIME, _TIME, 6]


def test_nanosecond_of_a_time(cur: Any) -> None:
    row, _ = _one(cur, "SELECT DATE_PART(nanosecond, '10:00:00.5'::TIME), DATE_PART(nanosecond, t), "
                       "TO_CHAR('10:00:00.5'::TIME, 'FF3') FROM (SELECT '10:00:00.25'::TIME AS t)")
    assert row == (500000000, 250000000, "500")
