"""The regular-expression functions' parameters ('c', 'i', 'm', 's', 'e') and REGEXP_REPLACE's occurrence
(engine/sql/regexps.py; conformance/sql/docs_strings_5.test holds the documented examples)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import NotSupportedError


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    yield con.cursor()
    con.close()


def one(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    return cur.fetchone()[0]


@pytest.mark.parametrize(("call", "expected"), [
    # 's': the wildcard matches a newline; without it, it does not
    ("REGEXP_SUBSTR('a\\nb', 'a.b', 1, 1, 's')", "a\nb"),
    ("REGEXP_SUBSTR('a\\nb', 'a.b')", None),
    ("REGEXP_SUBSTR_ALL('a\\nb', 'a.b', 1, 1, 's')", '[\n  "a\\nb"\n]'),
    ("REGEXP_LIKE('a\\nb', 'a.b', 's')", True),
    ("REGEXP_LIKE('a\\nb', 'a.b')", False),
    ("REGEXP_REPLACE('a\\nb', 'a.b', 'X', 1, 0, 's')", "X"),
    ("REGEXP_COUNT('a\\nb', 'a.b', 1, 's')", 1),
    # 'm': ^ and $ at every line
    ("REGEXP_SUBSTR('x\\nab', '^ab', 1, 1, 'm')", "ab"),
    ("REGEXP_SUBSTR('x\\nab', '^ab')", None),
    ("REGEXP_SUBSTR_ALL('x\\nab\\nab', '^ab', 1, 1, 'm')", '[\n  "ab",\n  "ab"\n]'),
    ("REGEXP_REPLACE('x\\nab', '^ab', 'X', 1, 0, 'm')", "x\nX"),
    ("REGEXP_REPLACE('x\\nab', '^ab', 'X')", "x\nab"),
    ("REGEXP_COUNT('ab\\nab', '^ab', 1, 'm')", 2),
    ("REGEXP_INSTR('x\\nab', '^ab', 1, 1, 0, 'm')", 3),
    # 'c' after 'i' wins, and 'c' alone is the default
    ("REGEXP_COUNT('abc', 'B', 1, 'c')", 0),
    ("REGEXP_COUNT('abc', 'B', 1, 'ic')", 0),
    ("REGEXP_COUNT('abc', 'B', 1, 'ci')", 1),
    ("REGEXP_INSTR('abc', 'B', 1, 1, 0, 'ic')", 0),
    ("REGEXP_LIKE('abc', 'ABC', 'ci')", True),
    ("REGEXP_REPLACE('abc', 'B', 'X', 1, 0, 'ic')", "abc"),
    # 'e' means nothing to REGEXP_REPLACE
    ("REGEXP_REPLACE('abc', 'b', 'X', 1, 0, 'e')", "aXc"),
])
def test_parameters(cur: Any, call: str, expected: Any) -> None:
    assert one(cur, f"SELECT {call}") == expected


@pytest.mark.parametrize(("call", "expected"), [
    ("REGEXP_REPLACE('abcabc', 'b', 'X', 1, 2)", "abcaXc"),
    ("REGEXP_REPLACE('abcabc', 'b', 'X', 1, 1)", "aXcabc"),
    ("REGEXP_REPLACE('abcabc', 'b', 'X', 1, 3)", "abcabc"),  # no third match: unchanged
    ("REGEXP_REPLACE('abcabcabc', 'b', 'X', 2, 2)", "abcaXcabc"),  # counted from the position
    ("REGEXP_REPLACE('abcabcabc', 'b', 'X', 3, 2)", "abcabcaXc"),
    ("REGEXP_REPLACE('firstname middlename lastname', '(\\\\w+)', '<\\\\1>', 1, 2)", "firstname <middlename> lastname"),
    ("REGEXP_REPLACE('❄b❄b', 'b', 'X', 1, 2)", "❄b❄X"),
    ("REGEXP_REPLACE('aBcabc', 'b', 'X', 1, 2, 'i')", "aBcaXc"),
    ("REGEXP_REPLACE(NULL, 'b', 'X', 1, 2)", None),
])
def test_replace_occurrence(cur: Any, call: str, expected: Any) -> None:
    assert one(cur, f"SELECT {call}") == expected


def test_replace_occurrence_over_a_column(cur: Any) -> None:
    cur.execute("SELECT REGEXP_REPLACE(s, 'o', '0', 1, 2) FROM (SELECT 'foo boo' AS s UNION ALL SELECT 'x') ORDER BY 1")
    assert cur.fetchall() == [("fo0 boo",), ("x",)]


@pytest.mark.parametrize("call", [
    "REGEXP_REPLACE('a b', '\\\\bb', 'X', 1, 2)",  # looks at the character before the match
    "REGEXP_REPLACE('ab', '^a', 'X', 1, 2)",
    "REGEXP_REPLACE('aaa', 'x*', 'X', 1, 2)",  # matches empty strings
    "REGEXP_SUBSTR('abc', 'b', 1, 1, 'x')",  # no such parameter
    "REGEXP_COUNT('abc', 'b', 1, 'g')",
])
def test_refused(cur: Any, call: str) -> None:
    with pytest.raises(NotSupportedError):
        one(cur, f"SELECT {call}")


def test_posix_class_that_matches_empty_is_refused_when_it_runs(cur: Any) -> None:
    # Python's `re` reads [[:digit:]] otherwise than RE2: the empty matches are looked for in the rows
    with pytest.raises(NotSupportedError):
        one(cur, "SELECT REGEXP_REPLACE('a1', '[[:digit:]]*', 'X', 1, 2)")
    assert one(cur, "SELECT REGEXP_REPLACE('a1b2', '[[:digit:]]', 'X', 1, 2)") == "a1bX"


@pytest.mark.parametrize(("call", "expected"), [
    ("REGEXP_INSTR('It was the best of times', 'the\\\\W+(\\\\w+)', 1, 1, 0, 'e', 1)", 12),
    ("REGEXP_INSTR('It was the best of times', 'the\\\\W+(\\\\w+)', 1, 1, 1, 'e', 1)", 16),  # after the group
    ("REGEXP_INSTR('nevermore1, nevermore2', 'nevermore(\\\\d)', 1, 2, 0, 'e')", 22),
    ("REGEXP_INSTR('nevermore1, nevermore2', 'nevermore(\\\\d)', 1, 3, 0, 'e')", 0),
    ("REGEXP_INSTR('xxABCabc', '(b)(c)', 1, 1, 0, 'ie', 2)", 5),
    ("REGEXP_INSTR('abcabc', 'a(b)', 3, 1, 0, 'e')", 5),  # from the position
    ("REGEXP_INSTR('x a1 a2', 'a([[:digit:]])', 1, 2, 0, 'e')", 7),
    ("REGEXP_INSTR('❄❄ab', 'a(b)', 1, 1, 0, 'e')", 4),  # characters, not bytes
    ("REGEXP_INSTR(NULL, 'a(b)', 1, 1, 0, 'e')", None),
])
def test_instr_group(cur: Any, call: str, expected: Any) -> None:
    assert one(cur, f"SELECT {call}") == expected


@pytest.mark.parametrize("call", [
    "REGEXP_INSTR('ab', '(a)|(b)', 1, 1, 0, 'e')",  # alternatives outside groups
    "REGEXP_INSTR('ab', '((a))', 1, 1, 0, 'e', 2)",  # a group inside another
    "REGEXP_INSTR('aab', '(a)+b', 1, 1, 0, 'e')",  # a repeated group
    "REGEXP_INSTR('ab', 'a(b)', 1, 1, 0, 'e', 2)",  # no second group
    "REGEXP_INSTR('a b', '\\\\b(b)', 1, 1, 0, 'e')",  # looks at the character before the match
    "REGEXP_INSTR('a1', '(x*)', 1, 1, 0, 'e')",  # matches an empty string
])
def test_instr_group_refused(cur: Any, call: str) -> None:
    with pytest.raises(NotSupportedError):
        one(cur, f"SELECT {call}")


def test_instr_group_with_multi_line_and_dotall(cur: Any) -> None:
    # the match is matched again from its start to its end, whatever 'm' does to ^ and $
    assert one(cur, "SELECT REGEXP_INSTR('x\\nab\\ncd', 'b\\\\n(c)', 1, 1, 0, 'me')") == 6
    assert one(cur, "SELECT REGEXP_INSTR('a\\nb\\nc', 'a.b(.)c', 1, 1, 0, 'se')") == 4


@pytest.mark.parametrize(("call", "expected"), [
    # 'e' in a pattern without groups: as if it were not set (they failed with DuckDB's "Pattern has 0 groups")
    ("REGEXP_SUBSTR('abc', 'b', 1, 1, 'e')", "b"),
    ("REGEXP_SUBSTR_ALL('abcb', 'b', 1, 1, 'e')", '[\n  "b",\n  "b"\n]'),
    ("REGEXP_INSTR('abc', 'b', 1, 1, 0, 'e')", 2),
    ("REGEXP_INSTR('abc', 'b', 1, 1, 1, 'e')", 3),
])
def test_extract_without_groups(cur: Any, call: str, expected: Any) -> None:
    assert one(cur, f"SELECT {call}") == expected


def test_group_the_pattern_lacks_is_refused_in_snowflake_words(cur: Any) -> None:
    with pytest.raises(NotSupportedError) as info:
        one(cur, "SELECT REGEXP_SUBSTR('abc', '(b)', 1, 1, 'e', 2)")
    assert "Pattern has" not in str(info.value) and "group 2" in str(info.value)
