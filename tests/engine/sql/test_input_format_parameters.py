"""DATE_INPUT_FORMAT, TIME_INPUT_FORMAT, TIMESTAMP_INPUT_FORMAT (engine.input_formats, engine.sql.input_texts;
conformance/DECISIONS.md T65-T66): text converted to a date, time or timestamp (casts, TO_DATE / TO_TIME /
TO_TIMESTAMP_* without a format, INSERT / UPDATE values, comparisons, COPY) is read by the session's format;
AUTO (the default, and after UNSET) reads as before; a session that keeps AUTO runs the same translation."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.engine import input_formats
from snowreg.engine.sql import input_texts, translate

_D = datetime.date


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE f")
        cur.execute("CREATE TABLE t (d DATE, tm TIME, ts TIMESTAMP_NTZ, l TIMESTAMP_LTZ, s STRING, n INT)")
        yield cur


def test_casts_and_conversions_read_the_dates_format(cur: Any) -> None:
    sql = "SELECT '03/04/2021'::DATE, TO_DATE('03/04/2021'), DATE('03/04/2021'), TRY_TO_DATE('2021-04-03')"
    assert cur.execute(sql).fetchone() == (_D(2021, 3, 4), _D(2021, 3, 4), _D(2021, 3, 4), _D(2021, 4, 3))  # AUTO
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY'")
    assert cur.execute(sql).fetchone() == (_D(2021, 4, 3), _D(2021, 4, 3), _D(2021, 4, 3), None)
    assert cur.execute("SELECT TO_DATE('2021-04-03', 'YYYY-MM-DD')").fetchone() == (_D(2021, 4, 3),)  # its own
    with pytest.raises(snowreg.ProgrammingError, match="Date '2021-04-03' is not recognized") as e:
        cur.execute("SELECT '2021-04-03'::DATE")
    assert e.value.errno == 100040
    cur.execute("ALTER SESSION UNSET DATE_INPUT_FORMAT")
    assert cur.execute(sql).fetchone() == (_D(2021, 3, 4), _D(2021, 3, 4), _D(2021, 3, 4), _D(2021, 4, 3))


def test_insert_update_compare_and_columns(cur: Any) -> None:
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY', TIME_INPUT_FORMAT = 'HH12:MI AM', "
                "TIMESTAMP_INPUT_FORMAT = 'DD/MM/YYYY HH24:MI'")
    cur.execute("INSERT INTO t VALUES ('01/02/2020', '01:45 PM', '01/02/2020 13:45', '01/02/2020 13:45', "
                "'05/06/2022', 5)")
    row = cur.execute("SELECT d, tm, ts, l FROM t").fetchone()
    assert row[:3] == (_D(2020, 2, 1), datetime.time(13, 45), datetime.datetime(2020, 2, 1, 13, 45))
    assert (row[3].day, row[3].month, row[3].hour, row[3].utcoffset()) == (1, 2, 13, datetime.timedelta(hours=-8))
    counts = ("SELECT COUNT_IF(d = '01/02/2020'), COUNT_IF(d IN ('02/01/2020', '01/02/2020')), "
              "COUNT_IF(d BETWEEN '31/01/2020' AND '02/02/2020'), COUNT_IF(n = '5'), COUNT_IF(s = '05/06/2022'), "
              "COUNT_IF(tm > '01:00 PM') FROM t")
    assert cur.execute(counts).fetchone() == (1, 1, 1, 1, 1, 1)
    assert cur.execute("SELECT s::DATE, TO_TIMESTAMP(s || ' 10:00') FROM t").fetchone() == (
        _D(2022, 6, 5), datetime.datetime(2022, 6, 5, 10, 0))
    cur.execute("UPDATE t SET d = '05/06/2022'")
    assert cur.execute("SELECT d FROM t").fetchone() == (_D(2022, 6, 5),)


def test_copy_reads_the_format(cur: Any, tmp_path: Path) -> None:
    data = tmp_path / "dates.csv"
    data.write_text("01/02/2020\n")
    cur.execute("CREATE TABLE days (d DATE)")
    cur.execute("CREATE STAGE st")
    cur.execute(f"PUT file://{data} @st AUTO_COMPRESS=FALSE")
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY'")
    cur.execute("COPY INTO days FROM @st FILE_FORMAT = (TYPE = CSV)")
    assert cur.execute("SELECT d FROM days").fetchone() == (_D(2020, 2, 1),)


def test_each_session_reads_by_its_own(cur: Any) -> None:
    sql = "SELECT TRY_TO_DATE('03/04/2021')"
    with snowreg.connect(session_parameters={"DATE_INPUT_FORMAT": "DD/MM/YYYY"}) as other:
        ocur = other.cursor()
        for _ in range(2):
            assert cur.execute(sql).fetchone() == (_D(2021, 3, 4),)
            assert ocur.execute(sql).fetchone() == (_D(2021, 4, 3),)


def test_a_session_that_keeps_auto_runs_the_same_translation() -> None:
    sql = "SELECT '03/04/2021'::DATE, d = '2020-01-01' FROM t"
    assert input_texts.MARKER not in translate.translate(sql).sql
    assert "snowreg_in_date" in translate.translate(f"{sql} {input_texts.MARKER}").sql


@pytest.mark.parametrize("assignment", ["TIME_INPUT_FORMAT = 'YY HH24'", "DATE_INPUT_FORMAT = 'YYYY-MM-DD HH24'",
                                        "TIME_INPUT_FORMAT = 'YYYY HH24'", "TIMESTAMP_INPUT_FORMAT = 'YYYY TZH:TZM'",
                                        "TIMESTAMP_INPUT_FORMAT = ''"])
def test_formats_snowreg_cannot_read_exactly_are_refused(cur: Any, assignment: str) -> None:
    with pytest.raises(snowreg.NotSupportedError, match="not supported") as e:
        cur.execute(f"ALTER SESSION SET {assignment}")
    assert e.value.errno == 2
    assert cur.execute(f"SHOW PARAMETERS LIKE '{assignment.split()[0]}'").fetchone()[1:4] == ("AUTO", "AUTO", "")


def test_patterns() -> None:
    assert input_formats.pattern("TIMESTAMP_INPUT_FORMAT", 'YYYY"T"HH24:MI:SS.FF3') == "%YT%H:%M:%S.%n"
    assert input_formats.pattern("DATE_INPUT_FORMAT", "dd mon yyyy") == "%d %b %Y"
    assert input_formats.pattern("DATE_INPUT_FORMAT", "HH24") is None
    assert input_formats.variables({"DATE_INPUT_FORMAT": "auto", "TIME_INPUT_FORMAT": "HH24MI"}) == {
        "snowreg_date_input_format": None, "snowreg_time_input_format": "%H%M", "snowreg_timestamp_input_format": None,
        "snowreg_binary_input_format": None}


def test_headers_and_error_places_are_what_the_user_wrote(cur: Any) -> None:
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY'")
    cur.execute("SELECT '01/02/2020'::DATE, 1 + 1")
    assert [d[0] for d in cur.description] == ["'01/02/2020'::DATE", "1 + 1"]
    with pytest.raises(snowreg.ProgrammingError, match="position 27") as e:
        cur.execute("SELECT '01/02/2020'::DATE, nosuch")
    assert e.value.errno == 904
