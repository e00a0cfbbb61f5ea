"""String functions of BINARY arguments work in bytes (conformance/DECISIONS.md F107): SUBSTR, POSITION / CHARINDEX,
CONTAINS, STARTSWITH, ENDSWITH (https://docs.snowflake.com/en/sql-reference/functions/substr and the pages of the others)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg

BINARY = 11


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect(database="DB", schema="PUBLIC")
    yield con.cursor()
    con.close()


def test_substr_of_a_binary_is_its_bytes_as_a_binary(cur: Any) -> None:
    row = cur.execute("SELECT SUBSTR(TO_BINARY('abcd', 'hex'), 1, 1), SUBSTR(X'ABCDEF', 2), SUBSTR(X'ABCDEF', -1), "
                      "SUBSTR(X'ABCDEF', 0, 2), SUBSTRING(X'010203' FROM 2 FOR 1), SUBSTR(X'ABCDEF', 2, -1), "
                      "SUBSTR(X'AB', NULL, 1)").fetchone()
    assert row == (b"\xab", b"\xcd\xef", b"\xef", b"\xab\xcd", b"\x02", b"", None)
    assert cur.description[0][1] == BINARY


def test_position_counts_bytes_and_matches_only_whole_bytes(cur: Any) -> None:
    row = cur.execute("SELECT POSITION(TO_BINARY('cd', 'hex') IN TO_BINARY('abcd', 'hex')), POSITION(X'BC', X'ABCABC'), "
                      "POSITION(X'AB', X'ABCDAB', 2), CHARINDEX(X'CD', X'ABCD'), POSITION(X'FF' IN X'ABCD'), "
                      "POSITION(NULL::BINARY IN X'AB')").fetchone()
    assert row == (2, 3, 3, 2, 0, None)


def test_contains_startswith_endswith_of_binaries(cur: Any) -> None:
    row = cur.execute("SELECT CONTAINS(TO_BINARY('abcd', 'hex'), TO_BINARY('cd', 'hex')), CONTAINS(X'ABCA', X'BC'), "
                      "STARTSWITH(X'ABCD', X'AB'), ENDSWITH(X'ABCD', X'CD'), ENDSWITH(X'ABCD', X'AB')").fetchone()
    assert row == (True, False, True, True, False)


def test_the_same_functions_of_text_are_unchanged(cur: Any) -> None:
    row = cur.execute("SELECT SUBSTR('abcd', 0, 2), POSITION('c', 'abcdc', 4), CONTAINS('abc', 'b'), "
                      "STARTSWITH('abc', 'a'), ENDSWITH('abc', 'c')").fetchone()
    assert row == ("ab", 5, True, True, True)
