"""Dates and times through the DB-API: type codes and Python values, TIMEZONE, bad zone names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import snowreg


@pytest.fixture
def cur() -> snowreg.dbapi.Cursor:
    return snowreg.connect().cursor()


def test_dateadd_of_a_date_is_a_date(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT DATEADD(month, 1, '2024-01-31'::DATE), DATEADD('MINUTE', 3, '2023-04-02 01:15:00')")
    assert cur.fetchone() == (date(2024, 2, 29), datetime(2023, 4, 2, 1, 18))
    assert [d.type_code for d in cur.description] == [3, 8]


def test_timestamp_kinds_have_their_type_codes(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT '2024-01-01 10:00:00'::TIMESTAMP_NTZ, '2024-01-01 10:00:00'::TIMESTAMP_LTZ, "
                "TO_DATE('2024-05-06 10:11:12'::TIMESTAMP)")
    assert [d.type_code for d in cur.description] == [8, 6, 3]
    ntz, ltz, d = cur.fetchone()  # type: ignore[misc]
    assert ntz.tzinfo is None and ltz.tzinfo is not None and d == date(2024, 5, 6)


def test_epoch_seconds_and_offsets(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT 1700000000::TIMESTAMP, '1700000000'::TIMESTAMP, '2026-01-01 10:00:00 +09:00'::TIMESTAMP_TZ")
    ntz, from_text, tz = cur.fetchone()  # type: ignore[misc]
    assert ntz == from_text == datetime(2023, 11, 14, 22, 13, 20)
    assert tz == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)


def test_timezone_parameter_is_honoured_and_checked(cur: snowreg.dbapi.Cursor) -> None:
    ltz = "SELECT 1700000000::TIMESTAMP_LTZ"
    assert str(cur.execute(ltz).fetchone()[0].tzinfo) == "America/Los_Angeles"  # type: ignore[index]
    cur.execute("ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'")
    value = cur.execute(ltz).fetchone()[0]  # type: ignore[index]
    assert (str(value.tzinfo), value.hour) == ("Asia/Tokyo", 7)
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("ALTER SESSION SET TIMEZONE = 'Nowhere/Bad'")
    assert info.value.sqlstate == "22007"
    assert str(cur.execute(ltz).fetchone()[0].tzinfo) == "Asia/Tokyo"  # type: ignore[index]


def test_timestamp_tz_casts_are_described_as_timestamp_tz(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT '2026-01-01 10:00:00 +09:00'::TIMESTAMP_TZ, TO_TIMESTAMP_TZ('2024-01-01 10:00:00 +02:00'), "
                "'2026-01-01 10:00:00'::TIMESTAMP_LTZ")
    assert [d.type_code for d in cur.description] == [7, 7, 6]
    assert cur.fetchone()[0] == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)  # type: ignore[index]
