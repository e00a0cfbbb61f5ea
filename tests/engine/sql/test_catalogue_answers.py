"""Functions of the catalogue answered where they were refused or answered wrongly: SOUNDEX / SOUNDEX_P123, the
*FROMPARTS synonyms, REGEXP as a function, INTERPOLATE_FFILL / _BFILL, NEXT_DAY's day names
(conformance/sql/docs_functions_7.test holds the pages' examples; conformance/DECISIONS.md F51-F55)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import ProgrammingError

TEXT = 2


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE phon")
    yield cursor
    con.close()


@pytest.mark.parametrize(("word", "soundex", "p123"), [
    ("Pfister", "P236", "P123"), ("Marsha", "M620", "M620"), ("Marcia", "M620", "M620"), ("Levine", "L150", "L150"),
    ("Lavine", "L150", "L150"), ("Ashcraft", "A261", "A261"), ("Tymczak", "T522", "T522"), ("Honeyman", "H555", "H555"),
    ("Rubin", "R150", "R150"), ("Lee", "L000", "L000"), ("I love rock and roll music.", "I416", "I416"),
    ("sea", "s000", "s000"), ("", "", ""), ("1234", "", ""),
])
def test_soundex_codes(cur: Any, word: str, soundex: str, p123: str) -> None:
    cur.execute("SELECT SOUNDEX(%s), SOUNDEX_P123(%s)", (word, word))
    assert cur.fetchone() == (soundex, p123)
    assert [d[1] for d in cur.description] == [TEXT, TEXT]


def test_soundex_of_a_column_with_nulls(cur: Any) -> None:
    cur.execute("CREATE TABLE names (n VARCHAR)")
    cur.execute("INSERT INTO names VALUES ('Smith'), ('Smythe'), (NULL)")
    rows = cur.execute("SELECT n, SOUNDEX(n) FROM names ORDER BY n NULLS LAST").fetchall()
    assert rows == [("Smith", "S530"), ("Smythe", "S530"), (None, None)]
    rows = cur.execute("SELECT a.n, b.n FROM names a JOIN names b ON SOUNDEX(a.n) = SOUNDEX(b.n) AND a.n < b.n").fetchall()
    assert rows == [("Smith", "Smythe")]


def test_soundex_takes_one_argument(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute("SELECT SOUNDEX('a', 'b')")
    assert info.value.errno == 938


@pytest.mark.parametrize(("synonym", "name", "args"), [
    ("DATEFROMPARTS", "DATE_FROM_PARTS", "2004, 0, 1"), ("TIMEFROMPARTS", "TIME_FROM_PARTS", "12, 34, 56"),
    ("TIMESTAMPFROMPARTS", "TIMESTAMP_FROM_PARTS", "2013, 4, 5, 12, 0, -3600"),
    ("TIMESTAMPNTZFROMPARTS", "TIMESTAMP_NTZ_FROM_PARTS", "2013, 4, 5, 12, 0, 0"),
    ("TIMESTAMPLTZFROMPARTS", "TIMESTAMP_LTZ_FROM_PARTS", "2013, 4, 5, 12, 0, 0"),
])
def test_from_parts_synonyms_answer_as_their_functions(cur: Any, synonym: str, name: str, args: str) -> None:
    cur.execute(f"SELECT {synonym}({args}), {name}({args})")
    first, second = cur.fetchone()
    assert first == second
    assert cur.description[0][1] == cur.description[1][1]


def test_regexp_as_a_function(cur: Any) -> None:
    cur.execute("SELECT REGEXP('abc', 'a.c'), REGEXP('abc', 'A.C'), REGEXP('abc', 'A.C', 'i'), 'abc' REGEXP 'b'")
    assert cur.fetchone() == (True, False, True, False)


def test_interpolate_fill_functions(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/interpolate_bfill: gap-fill from the previous (FFILL)
    or next (BFILL) observed row of the partition in the window's order; the input's type."""
    cur.execute("CREATE TABLE temps (city VARCHAR, observed TIMESTAMP_NTZ, temperature NUMBER(5, 1))")
    cur.execute("INSERT INTO temps VALUES ('a', '2024-03-01 09:00', 10.0), ('a', '2024-03-01 09:05', NULL), "
                "('a', '2024-03-01 09:10', 13.0), ('a', '2024-03-01 09:15', NULL), "
                "('b', '2024-03-01 09:00', NULL), ('b', '2024-03-01 09:05', 5.5)")
    cur.execute("SELECT city, INTERPOLATE_FFILL(temperature) OVER (PARTITION BY city ORDER BY observed), "
                "INTERPOLATE_BFILL(temperature) OVER (PARTITION BY city ORDER BY observed) "
                "FROM temps ORDER BY city, observed")
    rows = [(city, None if f is None else float(f), None if b is None else float(b)) for city, f, b in cur.fetchall()]
    assert rows == [("a", 10.0, 10.0), ("a", 10.0, 13.0), ("a", 13.0, 13.0), ("a", 13.0, None),
                    ("b", None, 5.5), ("b", 5.5, 5.5)]
    assert [(d[1], d[4], d[5]) for d in cur.description[1:]] == [(0, 5, 1), (0, 5, 1)]
    cur.execute("SELECT INTERPOLATE_BFILL(temperature) OVER (ORDER BY observed DESC, city) FROM temps "
                "ORDER BY observed DESC, city")
    assert [None if v is None else float(v) for (v,) in cur.fetchall()] == [13.0, 13.0, 5.5, 5.5, 10.0, None]


@pytest.mark.parametrize("sql", [
    "SELECT INTERPOLATE_FFILL(1)",
    "SELECT INTERPOLATE_FFILL(1) OVER (PARTITION BY 1)",
    "SELECT INTERPOLATE_BFILL(1) OVER (ORDER BY 1 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
])
def test_interpolate_fill_needs_order_and_no_frame(cur: Any, sql: str) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute(sql)
    assert info.value.errno == 2000


@pytest.mark.parametrize("day", ["Friday ", "  fr", "FRI", "friday"])
def test_next_day_reads_the_first_two_letters(cur: Any, day: str) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/next_day: "Any leading spaces and trailing characters,
    including spaces, in the string are ignored" (the page's example is 'Friday ', which was refused)."""
    cur.execute("SELECT NEXT_DAY('2018-06-12'::DATE, %s), PREVIOUS_DAY('2018-06-12'::DATE, %s)", (day, day))
    assert cur.fetchone() == (datetime.date(2018, 6, 15), datetime.date(2018, 6, 8))
    literal = day.replace("'", "''")
    cur.execute(f"SELECT NEXT_DAY('2018-06-12'::DATE, '{literal}'), PREVIOUS_DAY('2018-06-12'::DATE, '{literal}')")
    assert cur.fetchone() == (datetime.date(2018, 6, 15), datetime.date(2018, 6, 8))


def test_object_pick_takes_an_array_of_keys(cur: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/functions/object_pick: the keys as arguments or as one ARRAY
    (the ARRAY form was refused); OBJECT_DELETE takes its keys as arguments only."""
    cur.execute("SELECT OBJECT_PICK(OBJECT_CONSTRUCT('a', 1, 'b', 2, 'c', 3), ARRAY_CONSTRUCT('a', 'b')), "
                "OBJECT_PICK({'a': 1, 'b': 2}, []), OBJECT_PICK({'a': 1, 'b': 2}, PARSE_JSON('[\"b\", \"z\"]'))")
    assert cur.fetchone() == ('{\n  "a": 1,\n  "b": 2\n}', "{}", '{\n  "b": 2\n}')
    assert cur.description[0][1] == 9  # OBJECT
    assert cur.execute("SELECT OBJECT_PICK(NULL, ['a'])").fetchone() == (None,)
