"""TIMESTAMP_DAY_IS_ALWAYS_24H (https://docs.snowflake.com/en/sql-reference/parameters#timestamp-day-is-always-24h):
FALSE (the default) adds calendar days to a TIMESTAMP_LTZ / TZ in DATEADD (the time of day kept across a daylight
saving change); TRUE adds 24 hours per day (conformance/DECISIONS.md V16-V17)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'")
        yield cur


# 2020-03-08 is the day Los Angeles moves its clocks forward an hour.
_Q = ("SELECT DATEADD(day, 1, '2020-03-07 12:00'::TIMESTAMP_LTZ), TIMESTAMPADD(days, 1, '2020-03-07 12:00'::TIMESTAMP_NTZ), "
      "DATEADD(day, 1, '2020-03-07'::DATE), DATEADD(hour, 24, '2020-03-07 12:00'::TIMESTAMP_LTZ)")


def test_days_are_calendar_days_by_default_and_24_hours_when_set(cur: Any) -> None:
    ltz, ntz, date, hours = cur.execute(_Q).fetchone()
    assert (ltz.hour, ntz, date, hours.hour) == (12, datetime.datetime(2020, 3, 8, 12), datetime.date(2020, 3, 8), 13)
    cur.execute("ALTER SESSION SET TIMESTAMP_DAY_IS_ALWAYS_24H = TRUE")
    ltz, ntz, date, hours = cur.execute(_Q).fetchone()
    assert (ltz.hour, ntz, date, hours.hour) == (13, datetime.datetime(2020, 3, 8, 12), datetime.date(2020, 3, 8), 13)
    assert [d[1] for d in cur.description] == [6, 8, 3, 6]  # the types stay
    assert cur.execute("SHOW PARAMETERS LIKE 'TIMESTAMP_DAY_IS_ALWAYS_24H'").fetchone()[1:4] == (
        "true", "false", "SESSION")
    cur.execute("ALTER SESSION UNSET TIMESTAMP_DAY_IS_ALWAYS_24H")
    assert cur.execute(_Q).fetchone()[0].hour == 12


def test_at_connect() -> None:
    with snowreg.connect(session_parameters={"TIMESTAMP_DAY_IS_ALWAYS_24H": True, "TIMEZONE": "America/Los_Angeles"}) as c:
        assert c.cursor().execute(_Q).fetchone()[0].hour == 13
