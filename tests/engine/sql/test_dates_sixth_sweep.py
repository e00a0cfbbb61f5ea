"""Dates and times, sixth sweep (conformance/DECISIONS.md T90-T99): interval constants inside larger
expressions, the AUTO input formats DuckDB's cast does not read, fraction digits past the sixth."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import snowreg
from snowreg.errors import Error

_DATE, _TZ, _NTZ, _TIME, _BOOLEAN = 3, 7, 8, 12, 13  # the connector's type codes


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cursor = conn.cursor()
        cursor.execute("ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'")
        yield cursor


def _one(cur: Any, sql: str) -> tuple[Any, list[int]]:
    row = cur.execute(sql).fetchone()
    return row, [d[1] for d in cur.description]


# -- interval constants (T90, T91) ---------------------------------------------------------------------------

def test_an_interval_first_then_a_cast_literal(cur: Any) -> None:
    row, types = _one(cur, "SELECT INTERVAL '1 day' + '2024-01-01'::DATE, INTERVAL '2 hours' + '2024-01-01'::DATE, "
                           "INTERVAL '1 month' + TO_DATE('2024-01-31')")
    assert row == (datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 1, 2), datetime.date(2024, 2, 29))
    assert types == [_DATE, _NTZ, _DATE]


def test_a_column_plus_an_interval_compared(cur: Any) -> None:
    cur.execute("CREATE OR REPLACE DATABASE iv_db")
    cur.execute("CREATE TABLE t (d DATE, ts TIMESTAMP_NTZ)")
    cur.execute("INSERT INTO t VALUES ('2024-01-31', '2024-01-01 10:00'), ('2024-03-01', '2024-01-05 10:00')")
    rows = cur.execute("SELECT d FROM t WHERE d + INTERVAL '1 month' > '2024-03-15'::DATE ORDER BY d").fetchall()
    assert rows == [(datetime.date(2024, 3, 1),)]
    rows = cur.execute("SELECT ts FROM t WHERE INTERVAL '3 days' + ts < '2024-01-05'::TIMESTAMP").fetchall()
    assert rows == [(datetime.datetime(2024, 1, 1, 10),)]


def test_a_difference_of_timestamps_compared_with_an_interval_of_days_or_less(cur: Any) -> None:
    row, types = _one(cur, "SELECT '2024-01-03 10:00'::TIMESTAMP - '2024-01-01'::TIMESTAMP > INTERVAL '2 days', "
                           "'2024-01-03 10:00'::TIMESTAMP - '2024-01-01'::TIMESTAMP > INTERVAL '2 d, 11 h', "
                           "'2024-01-03 10:00'::TIMESTAMP - '2024-01-01'::TIMESTAMP <= INTERVAL '1 w', "
                           "'2024-01-01 00:00:01'::TIMESTAMP - '2024-01-01'::TIMESTAMP = INTERVAL '1000 ms'")
    assert row == (True, False, True, True)
    assert types == [_BOOLEAN] * 4


def test_an_interval_of_months_compared_with_a_difference_is_refused(cur: Any) -> None:
    with pytest.raises(Error) as e:
        cur.execute("SELECT '2024-03-03'::TIMESTAMP - '2024-01-01'::TIMESTAMP > INTERVAL '1 month'")
    assert e.value.errno == 2 and "not supported" in str(e.value) and "month" in str(e.value).lower()


# -- AUTO input formats (T92) --------------------------------------------------------------------------------

_RFC = [
    ("Thu, 21 Dec 2000 16:01:07 +0200", datetime.datetime(2000, 12, 21, 16, 1, 7), 120),
    ("Thu, 21 Dec 2000 16:01:07.123456789 +0200", datetime.datetime(2000, 12, 21, 16, 1, 7, 123456), 120),
    ("Thu, 21 Dec 2000 04:01:07 PM +0200", datetime.datetime(2000, 12, 21, 16, 1, 7), 120),
    ("Thu, 21 Dec 2000 04:01:07.123456789 PM +0200", datetime.datetime(2000, 12, 21, 16, 1, 7, 123456), 120),
    ("Thu, 21 Dec 2000 16:01:07", datetime.datetime(2000, 12, 21, 16, 1, 7), None),
    ("Thu, 21 Dec 2000 16:01:07.123456789", datetime.datetime(2000, 12, 21, 16, 1, 7, 123456), None),
    ("Thu, 21 Dec 2000 04:01:07 PM", datetime.datetime(2000, 12, 21, 16, 1, 7), None),
    ("Thu, 21 Dec 2000 04:01:07.123456789 PM", datetime.datetime(2000, 12, 21, 16, 1, 7, 123456), None),
    ("2/18/2008 02:36:48", datetime.datetime(2008, 2, 18, 2, 36, 48), None),
    ("Mon Jul 08 18:09:51 +0000 2013", datetime.datetime(2013, 7, 8, 18, 9, 51), 0),
    ("2013-04-28T20", datetime.datetime(2013, 4, 28, 20), None),
    ("2013-04-28 20", datetime.datetime(2013, 4, 28, 20), None),
    ("2013-04-28 20:57:01-07", datetime.datetime(2013, 4, 28, 20, 57, 1), -420),
    ("2013-04-28 20:57+07:00", datetime.datetime(2013, 4, 28, 20, 57), 420),
]


@pytest.mark.parametrize(("text", "wall", "offset"), _RFC)
def test_auto_timestamp_formats_of_the_page_as_literals(cur: Any, text: str, wall: datetime.datetime,
                                                        offset: int | None) -> None:
    row, types = _one(cur, f"SELECT '{text}'::TIMESTAMP_NTZ, TO_TIMESTAMP('{text}'), '{text}'::DATE, "
                           f"'{text}'::TIMESTAMP_TZ")
    assert row[:3] == (wall, wall, wall.date())
    assert types == [_NTZ, _NTZ, _DATE, _TZ]
    zone = (datetime.timezone(datetime.timedelta(minutes=offset)) if offset is not None
            else ZoneInfo("America/Los_Angeles"))
    assert row[3] == wall.replace(tzinfo=zone)


@pytest.mark.parametrize(("text", "wall", "offset"), _RFC)
def test_auto_timestamp_formats_of_the_page_in_a_column(cur: Any, text: str, wall: datetime.datetime,
                                                        offset: int | None) -> None:
    cur.execute("CREATE OR REPLACE DATABASE auto_db")
    cur.execute("CREATE TABLE s (v VARCHAR)")
    cur.execute(f"INSERT INTO s VALUES ('{text}')")
    row, _ = _one(cur, "SELECT v::TIMESTAMP_NTZ, TO_TIMESTAMP_NTZ(v), v::DATE, TRY_TO_TIMESTAMP(v), "
                       "v::TIMESTAMP_LTZ FROM s")
    assert row[:4] == (wall, wall, wall.date(), wall)
    instant = wall.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=offset)) if offset is not None
                           else ZoneInfo("America/Los_Angeles"))
    assert row[4] == instant


def test_auto_timestamps_inserted_into_a_column(cur: Any) -> None:
    cur.execute("CREATE OR REPLACE DATABASE ins_db")
    cur.execute("CREATE TABLE t (ts TIMESTAMP_NTZ, d DATE)")
    cur.execute("INSERT INTO t VALUES ('Thu, 21 Dec 2000 04:01:07 PM +0200', 'Mon Jul 08 18:09:51 +0000 2013')")
    assert cur.execute("SELECT ts, d FROM t").fetchall() == [
        (datetime.datetime(2000, 12, 21, 16, 1, 7), datetime.date(2013, 7, 8))]


@pytest.mark.parametrize(("text", "value"), [
    ("1:14 PM", datetime.time(13, 14)), ("04:01 AM", datetime.time(4, 1)), ("12:01 AM", datetime.time(0, 1)),
    ("04:01:07 AM", datetime.time(4, 1, 7)), ("07:57:01.123456789 PM", datetime.time(19, 57, 1, 123456)),
    ("20:57:01.123456789+07:00", datetime.time(20, 57, 1, 123456)), ("20:57", datetime.time(20, 57)),
])
def test_auto_time_formats_of_the_page(cur: Any, text: str, value: datetime.time) -> None:
    row, types = _one(cur, f"SELECT '{text}'::TIME, TO_TIME('{text}'), TRY_TO_TIME('{text}'), TIME('{text}')")
    assert row == (value,) * 4 and types == [_TIME] * 4
    cur.execute("CREATE OR REPLACE DATABASE time_db")
    cur.execute("CREATE TABLE s (v VARCHAR)")
    cur.execute(f"INSERT INTO s VALUES ('{text}')")
    assert cur.execute("SELECT v::TIME, TO_TIME(v) FROM s").fetchone() == (value, value)


def test_text_in_no_auto_format_is_still_snowflakes_error(cur: Any) -> None:
    with pytest.raises(Error) as e:
        cur.execute("SELECT 'Thu 21 Dec 2000'::TIMESTAMP")
    assert e.value.errno == 100035
    with pytest.raises(Error) as e:
        cur.execute("SELECT '13:14 PM'::TIME")
    assert e.value.errno == 100108
    assert cur.execute("SELECT TRY_TO_TIME('13:14 PM'), TRY_TO_TIMESTAMP('Thu, 32 Dec 2000 16:01:07')").fetchone() \
        == (None, None)


# -- fraction digits past the sixth (T93) ----------------------------------------------------------------------

_NINE = "2024-01-01 12:00:00.123456789"


def test_nine_fraction_digits_keep_six_cut_everywhere(cur: Any) -> None:
    """Every road to a value with nine fraction digits keeps the same six (cut, never rounded), and FF9 writes
    them followed by 000."""
    cur.execute("CREATE OR REPLACE DATABASE ns_db")
    cur.execute("CREATE TABLE t (a TIMESTAMP_NTZ(9), b TIMESTAMP(9), c TIME(9))")
    cur.execute(f"INSERT INTO t VALUES ('{_NINE}', '{_NINE}', '12:00:00.123456789')")
    row = cur.execute("SELECT TO_CHAR(a, 'FF9'), TO_CHAR(b, 'FF9'), TO_CHAR(c, 'FF9'), a, b, c FROM t").fetchone()
    assert row == ("123456000",) * 3 + (datetime.datetime(2024, 1, 1, 12, 0, 0, 123456),) * 2 \
        + (datetime.time(12, 0, 0, 123456),)
    texts = cur.execute(
        f"SELECT TO_CHAR('{_NINE}'::TIMESTAMP_NTZ(9), 'FF9'), TO_CHAR('{_NINE}'::TIMESTAMP, 'FF9'), "
        f"TO_CHAR(TO_TIMESTAMP('{_NINE}', 'YYYY-MM-DD HH24:MI:SS.FF9'), 'FF9'), "
        f"TO_CHAR(TO_TIMESTAMP('{_NINE}', 'YYYY-MM-DD HH24:MI:SS.FF'), 'FF9'), "
        f"TO_CHAR(TO_TIME('12:00:00.123456789', 'HH24:MI:SS.FF9'), 'FF9'), "
        f"TO_CHAR(TIMESTAMP_FROM_PARTS(2024, 1, 1, 12, 0, 0, 123456789), 'FF9'), "
        f"TO_CHAR(TO_TIMESTAMP(1704110400123456789, 9), 'FF9'), "
        f"DATE_PART(nanosecond, '{_NINE}'::TIMESTAMP_NTZ(9))").fetchone()
    assert texts == ("123456000",) * 7 + (123456000,)


def test_an_output_format_with_ff9_writes_the_six_kept_digits(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_NTZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9'")
    row = cur.execute(f"SELECT '{_NINE}'::TIMESTAMP_NTZ(9)::VARCHAR, "
                      f"TO_TIMESTAMP('{_NINE}', 'YYYY-MM-DD HH24:MI:SS.FF9')::VARCHAR").fetchone()
    assert row == ("2024-01-01 12:00:00.123456000",) * 2


def test_to_time_of_a_varchar_column_of_digits_counts_from_the_epoch(cur: Any) -> None:
    """The TO_TIME page's demo1_time example: a string of digits is seconds, milli-, micro- or nanoseconds."""
    cur.execute("CREATE OR REPLACE DATABASE digits_db")
    cur.execute("CREATE TABLE demo1_time (description VARCHAR, value VARCHAR)")
    cur.execute("INSERT INTO demo1_time (description, value) VALUES ('Seconds', '31536001'), "
                "('Milliseconds', '31536002400'), ('Microseconds', '31536003600000'), "
                "('Nanoseconds', '31536004900000000')")
    rows = cur.execute("SELECT TO_TIME(value), value::TIME FROM demo1_time ORDER BY value").fetchall()
    assert rows == [(datetime.time(0, 0, 1),) * 2, (datetime.time(0, 0, 2, 400000),) * 2,
                    (datetime.time(0, 0, 3, 600000),) * 2, (datetime.time(0, 0, 4, 900000),) * 2]


def test_timeadd_of_a_date_by_days_or_longer_stays_a_date(cur: Any) -> None:
    """TIMEADD is DATEADD's alias (https://docs.snowflake.com/en/sql-reference/functions/dateadd); sqlglot reads it
    as another node, and the sum was a TIMESTAMP_NTZ."""
    row, types = _one(cur, "SELECT TIMEADD(month, 1, '2023-02-28'::DATE), TIMEADD(day, 1, d), TIMEADD(hour, 1, d) "
                           "FROM (SELECT '2024-01-31'::DATE AS d)")
    assert row == (datetime.date(2023, 3, 28), datetime.date(2024, 2, 1), datetime.datetime(2024, 1, 31, 1))
    assert types == [_DATE, _DATE, _NTZ]


def test_an_offset_of_24_hours_or_more_is_not_recognized(cur: Any) -> None:
    """Hours run 00 to 23 (the page's valid ranges), an offset's too: it was a Python ValueError while the
    connector made the value."""
    for sql in ("SELECT TO_TIMESTAMP_TZ('2024-01-01 10:00 +25:00')", "SELECT '2024-01-01 10:00+24:00'::TIMESTAMP_TZ",
                "SELECT '2024-01-01 10:00:00 -2500'::TIMESTAMP_LTZ"):
        with pytest.raises(Error) as e:
            cur.execute(sql)
        assert e.value.errno == 100035, sql
    assert cur.execute("SELECT TRY_TO_TIMESTAMP_TZ('2024-01-01 10:00 +25:00'), "
                       "TRY_CAST('2024-01-01 10:00+30:00' AS TIMESTAMP_TZ)").fetchone() == (None, None)
    assert cur.execute("SELECT HOUR('2024-01-01 10:00 +14:00'::TIMESTAMP_TZ)").fetchone() == (10,)


def test_a_string_in_an_auto_format_compared_with_a_date_time_or_timestamp(cur: Any) -> None:
    """Snowflake converts the string to the other side's type; DuckDB read only the ISO forms."""
    cur.execute("CREATE OR REPLACE DATABASE cmp_db")
    cur.execute("CREATE TABLE t (t TIME, d DATE, ts TIMESTAMP_NTZ, v VARCHAR)")
    cur.execute("INSERT INTO t VALUES ('13:14', '1980-12-17', '2000-12-21 16:01:07', '17-DEC-1980')")
    for where in ("d = '17-DEC-1980'", "d = '12/17/1980'", "ts = '12/21/2000 16:01:07'",
                  "ts = 'Thu, 21 Dec 2000 16:01:07'", "'Thu, 21 Dec 2000 04:01:07 PM +0200' = ts", "t = '1:14 PM'",
                  "ts BETWEEN 'Thu, 21 Dec 2000 16:01:06' AND '2000-12-22'", "d IN ('17-DEC-1980', '1999-01-01')",
                  "v = '17-DEC-1980'", "t < '11:00 PM'"):
        assert cur.execute(f"SELECT COUNT(*) FROM t WHERE {where}").fetchone() == (1,), where
    assert cur.execute("SELECT COUNT(*) FROM t WHERE v = '1980-12-17'").fetchone() == (0,)


def test_a_timestamp_tz_literal_with_an_hours_only_offset_keeps_it(cur: Any) -> None:
    """`YYYY-MM-DD HH24:MI:SS.FFTZH` is one of the page's AUTO formats: the literal's own offset, as for
    `+07:00` (N4); it came back in the session's zone."""
    row, types = _one(cur, "SELECT '2013-04-28 20:57:01.123+07'::TIMESTAMP_TZ, HOUR('2013-04-28 20:57:01-07'::TIMESTAMP_TZ)")
    assert row == (datetime.datetime(2013, 4, 28, 20, 57, 1, 123000,
                                     tzinfo=datetime.timezone(datetime.timedelta(hours=7))), 20)
    assert types[0] == _TZ and row[0].utcoffset() == datetime.timedelta(hours=7)


def test_timestamp_tz_from_parts_without_a_zone_is_in_the_sessions(cur: Any) -> None:
    """The TIMESTAMP_FROM_PARTS page: `timestamp_tz_from_parts(2013, 4, 5, 12, 00, 00)` in America/New_York is
    `2013-04-05 12:00:00.000000000 -0400` (T98); with a time zone argument it stays refused (W4)."""
    cur.execute("ALTER SESSION SET TIMEZONE = 'America/New_York'")
    row, types = _one(cur, "SELECT timestamp_tz_from_parts(2013, 4, 5, 12, 00, 00), "
                           "TIMESTAMPTZFROMPARTS(2013, 4, 5, 12, 0, -3600), "
                           "TO_CHAR(timestamp_tz_from_parts(2013, 4, 5, 12, 0, 0, 5000000), 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM')")
    assert row[0] == datetime.datetime(2013, 4, 5, 12, tzinfo=ZoneInfo("America/New_York"))
    assert row[0].utcoffset() == datetime.timedelta(hours=-4) and row[1].hour == 11
    assert row[2] == "2013-04-05 12:00:00.005 -0400"
    assert types[:2] == [_TZ, _TZ]
    cur.execute("ALTER SESSION SET TIMESTAMP_TYPE_MAPPING = 'TIMESTAMP_TZ'")
    assert cur.execute("SELECT TIMESTAMP_FROM_PARTS(2013, 4, 5, 12, 0, 0)").fetchone()[0].hour == 12
    with pytest.raises(Error, match="not supported"):
        cur.execute("SELECT timestamp_tz_from_parts(2013, 4, 5, 12, 0, 0, 0, 'America/Los_Angeles')")


def test_ff9_of_a_timestamp_tz_literal_writes_its_six_digits_too(cur: Any) -> None:
    """A TIMESTAMP_TZ literal's text is written from the literal (N4): under an output format with FF9 it kept
    three digits (`.123000000`) where TO_CHAR(…, 'FF9') wrote six (T93)."""
    cur.execute("ALTER SESSION SET TIMESTAMP_TZ_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9 TZH:TZM'")
    row = cur.execute("SELECT '2024-01-01 12:00:00.123456789 +01:00'::TIMESTAMP_TZ::VARCHAR, "
                      "TO_CHAR('2024-01-01 12:00:00.123456789 +01:00'::TIMESTAMP_TZ, 'FF9')").fetchone()
    assert row == ("2024-01-01 12:00:00.123456000 +01:00", "123456000")
    cur.execute("ALTER SESSION UNSET TIMESTAMP_TZ_OUTPUT_FORMAT")
    assert cur.execute("SELECT '2024-01-01 12:00:00.123456789 +01:00'::TIMESTAMP_TZ::VARCHAR").fetchone() == (
        "2024-01-01 12:00:00.123 +0100",)


def test_extract_takes_every_abbreviation_of_the_parts_page(cur: Any) -> None:
    """EXTRACT(<abbreviation> FROM …) (https://docs.snowflake.com/en/sql-reference/functions-date-time#label-supported-date-time-parts):
    DATE_PART read them, EXTRACT passed WEEKDAY_ISO, NS, WEEK_ISO … on to DuckDB, which refused them."""
    ts = "'2013-05-08 23:39:20.123456'::TIMESTAMP_NTZ"
    row = cur.execute(", ".join(f"EXTRACT({p} FROM {ts})" for p in (
        "weekday_iso", "dow_iso", "dw_iso", "week_iso", "weekofyeariso", "weekofyear_iso", "ns", "nsec", "nanosec",
        "nsecond", "nanosecs", "nseconds")).join(("SELECT ", ""))).fetchone()
    assert row == (3, 3, 3, 19, 19, 19) + (123456000,) * 6
