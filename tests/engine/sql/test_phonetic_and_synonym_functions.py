"""SOUNDEX / SOUNDEX_P123, the *FROMPARTS synonyms and REGEXP as a function, answered where they were refused
(conformance/sql/docs_functions_7.test holds the pages' examples; conformance/DECISIONS.md F51, F52)."""

from __future__ import annotations

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
