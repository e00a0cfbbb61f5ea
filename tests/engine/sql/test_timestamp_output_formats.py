"""TIMESTAMP_OUTPUT_FORMAT, TIMESTAMP_LTZ_ and TIMESTAMP_TZ_OUTPUT_FORMAT (engine.output_formats,
conformance/DECISIONS.md T60-T62): the text of a zoned timestamp follows them, the NTZ / LTZ / TZ ones fall back
to TIMESTAMP_OUTPUT_FORMAT when empty, and `snowreg run` / the REPL show values by the same formats."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine import output_formats

_Q = ("SELECT '2017-01-04 13:45:06.5'::TIMESTAMP_LTZ::VARCHAR, TO_VARCHAR('2017-01-04 13:45:06 +0300'::TIMESTAMP_TZ), "
      "TO_CHAR('2017-01-04 13:45:06'::TIMESTAMP_NTZ), '2017-01-04 01:00:00'::TIMESTAMP_LTZ || '!'")


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        yield conn.cursor()


def test_timestamp_output_format_sets_the_zoned_text_and_unset_restores(cur: Any) -> None:
    default = ("2017-01-04 13:45:06.500 -0800", "2017-01-04 13:45:06.000 +0300", "2017-01-04 13:45:06.000",
               "2017-01-04 01:00:00.000 -0800!")
    assert cur.execute(_Q).fetchone() == default
    cur.execute("ALTER SESSION SET TIMESTAMP_OUTPUT_FORMAT = 'DY, DD MON YYYY HH12:MI:SS AM TZH:TZM'")
    assert cur.execute(_Q).fetchone() == ("Wed, 04 Jan 2017 01:45:06 PM -08:00", "Wed, 04 Jan 2017 01:45:06 PM +03:00",
                                          "2017-01-04 13:45:06.000",  # NTZ keeps its own (non-empty) default
                                          "Wed, 04 Jan 2017 01:00:00 AM -08:00!")
    assert cur.execute("SHOW PARAMETERS LIKE 'TIMESTAMP_OUTPUT_FORMAT'").fetchone()[1:4] == (
        "DY, DD MON YYYY HH12:MI:SS AM TZH:TZM", "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM", "SESSION")
    cur.execute("ALTER SESSION UNSET TIMESTAMP_OUTPUT_FORMAT")
    assert cur.execute(_Q).fetchone() == default


def test_the_specific_formats_win_and_empty_ones_fall_back(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_OUTPUT_FORMAT = 'YYYY-MM-DD HH24:MI TZHTZM', "
                "TIMESTAMP_LTZ_OUTPUT_FORMAT = 'YYYYMMDD TZH', TIMESTAMP_TZ_OUTPUT_FORMAT = 'YYYYMMDD TZH', "
                "TIMESTAMP_NTZ_OUTPUT_FORMAT = ''")
    assert cur.execute(_Q).fetchone() == ("20170104 -08", "20170104 +03", "2017-01-04 13:45 Z", "20170104 -08!")
    cur.execute("ALTER SESSION SET TIMESTAMP_LTZ_OUTPUT_FORMAT = '', TIMESTAMP_TZ_OUTPUT_FORMAT = ''")
    assert cur.execute(_Q).fetchone() == ("2017-01-04 13:45 -0800", "2017-01-04 13:45 +0300", "2017-01-04 13:45 Z",
                                          "2017-01-04 01:00 -0800!")


def test_the_zone_is_the_sessions_and_changes_with_it(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_LTZ_OUTPUT_FORMAT = 'HH24:MI TZH:TZM', TIMEZONE = 'Asia/Kolkata'")
    cur.execute("ALTER SESSION SET TIMESTAMP_TZ_OUTPUT_FORMAT = 'HH24:MI TZH:TZM'")
    assert cur.execute("SELECT '2017-01-04 13:45:06'::TIMESTAMP_LTZ::VARCHAR").fetchone() == ("13:45 +05:30",)


def test_differing_ltz_and_tz_formats_refuse_a_zoned_text_rather_than_guess(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMESTAMP_LTZ_OUTPUT_FORMAT = 'YYYY TZH'")
    with pytest.raises(snowreg.NotSupportedError, match="TIMESTAMP_TZ_OUTPUT_FORMAT differ") as e:
        cur.execute("SELECT CURRENT_TIMESTAMP()::VARCHAR")
    assert e.value.errno == 2
    assert cur.execute("SELECT TO_VARCHAR('2017-01-04 13:45:06 +0300'::TIMESTAMP_TZ)").fetchone() == (
        "2017-01-04 13:45:06.000 +0300",)  # its type is known: TIMESTAMP_TZ_OUTPUT_FORMAT (unset: the default)


@pytest.mark.parametrize("assignment", ["TIMESTAMP_OUTPUT_FORMAT = 'YYYY-WW'", "TIMESTAMP_OUTPUT_FORMAT = ''",
                                        "TIMESTAMP_LTZ_OUTPUT_FORMAT = 'YYYY TZR'",
                                        "TIMESTAMP_TZ_OUTPUT_FORMAT = 'HH24:MI:SS.FF2'"])
def test_formats_snowreg_cannot_write_exactly_are_refused(cur: Any, assignment: str) -> None:
    with pytest.raises(snowreg.NotSupportedError, match="not supported") as e:
        cur.execute(f"ALTER SESSION SET {assignment}")
    assert e.value.errno == 2
    key = assignment.split()[0]
    assert cur.execute(f"SHOW PARAMETERS LIKE '{key}'").fetchone()[3] == ""


def test_a_login_sets_them(cur: Any) -> None:
    with snowreg.connect(session_parameters={"TIMESTAMP_OUTPUT_FORMAT": "YYYY/MM/DD TZHTZM",
                                             "TIMEZONE": "UTC"}) as other:
        assert other.cursor().execute("SELECT '2017-01-04 13:45'::TIMESTAMP_LTZ::VARCHAR").fetchone() == (
            "2017/01/04 +0000",)
    assert cur.execute("SELECT '2017-01-04 13:45'::TIMESTAMP_LTZ::VARCHAR").fetchone() == (
        "2017-01-04 13:45:00.000 -0800",)


def test_text_for_people() -> None:
    values = {"TIMESTAMP_OUTPUT_FORMAT": "DD.MM.YYYY HH24:MI:SS.FF3 TZH:TZM", "TIMESTAMP_NTZ_OUTPUT_FORMAT": "",
              "DATE_OUTPUT_FORMAT": "MON DD, YYYY", "TIME_OUTPUT_FORMAT": "HH12 AM"}
    zone = datetime.timezone(datetime.timedelta(hours=-3, minutes=-30))
    moment = datetime.datetime(2017, 1, 4, 13, 45, 6, 123456, tzinfo=zone)
    assert output_formats.text(moment, "TIMESTAMP_LTZ", values) == "04.01.2017 13:45:06.123 -03:30"
    assert output_formats.text(moment.replace(tzinfo=None), "TIMESTAMP_NTZ", values) == "04.01.2017 13:45:06.123 Z"
    assert output_formats.text(datetime.date(2017, 1, 4), "DATE", values) == "Jan 04, 2017"
    assert output_formats.text(datetime.time(13, 45), "TIME", values) == "01 PM"
    assert output_formats.text(moment, "TIMESTAMP_TZ", {}) == "2017-01-04 13:45:06.123 -0330"
    assert output_formats.text(moment.replace(tzinfo=None), "TIMESTAMP_NTZ", {}) == "2017-01-04 13:45:06.123"


def test_snowreg_run_shows_values_by_the_sessions_formats() -> None:
    from snowreg import script

    out, err = io.StringIO(), io.StringIO()
    with snowreg.connect() as conn:
        script.run_text(conn, "SELECT '2017-01-04 13:45:06'::TIMESTAMP_LTZ AS l, '2017-01-04'::DATE AS d;\n"
                        "ALTER SESSION SET TIMESTAMP_OUTPUT_FORMAT = 'YYYY-MM-DD\"T\"HH24:MI:SS TZH:TZM', "
                        "DATE_OUTPUT_FORMAT = 'DD/MM/YYYY';\n"
                        "SELECT '2017-01-04 13:45:06'::TIMESTAMP_LTZ AS l, '2017-01-04'::DATE AS d;\n",
                        "t.sql", "table", out, err)
    text = out.getvalue()
    assert "| 2017-01-04 13:45:06.000 -0800 | 2017-01-04 |" in text
    assert "| 2017-01-04T13:45:06 -08:00 | 04/01/2017 |" in text


def test_an_item_of_these_texts_can_be_ordered_by(cur: Any) -> None:
    """The macros fail by a failing cast, not error(), which would make the item volatile: `ORDER BY 1` of it
    refused (the result_reuse FLATTEN case)."""
    cur.execute("ALTER SESSION SET DATE_INPUT_FORMAT = 'DD/MM/YYYY', BINARY_OUTPUT_FORMAT = BASE64")
    sql = ("SELECT v::STRING AS s, '01/02/2020'::DATE AS d, '534E4F57'::BINARY AS b, "
           "'2017-01-04 13:45:06'::TIMESTAMP_LTZ::VARCHAR AS l FROM (SELECT 'x' AS v) ORDER BY 1, 2, 3, 4")
    assert cur.execute(sql).fetchone() == ("x", datetime.date(2020, 2, 1), b"SNOW", "2017-01-04 13:45:06.000 -0800")
