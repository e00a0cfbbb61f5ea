"""FLATTEN with RECURSIVE => TRUE (engine/sql/flatten.py) and ARRAY_CONTAINS (engine/sql/arrays.py);
conformance/sql/docs_semistructured_5.test holds the
documented examples)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg

VARIANT, TEXT, NUMBER = 5, 2, 0


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE flat")
    yield cursor
    con.close()


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


def test_columns_and_types(cur: Any) -> None:
    cur.execute("SELECT * FROM TABLE(FLATTEN(input => PARSE_JSON('{\"a\":[1]}'), recursive => TRUE))")
    assert [(d[0], d[1]) for d in cur.description] == [
        ("SEQ", NUMBER), ("KEY", TEXT), ("PATH", TEXT), ("INDEX", NUMBER), ("VALUE", VARIANT), ("THIS", VARIANT)]
    assert sorted(cur.fetchall(), key=lambda r: r[2]) == [
        (1, "a", "a", None, "[\n  1\n]", '{\n  "a": [\n    1\n  ]\n}'), (1, None, "a[0]", 0, "1", "[\n  1\n]")]


def test_doubles_keep_their_text(cur: Any) -> None:
    # a number written with an exponent stays a DOUBLE in VALUE and THIS, as non-recursive FLATTEN keeps it
    found = rows(cur, "SELECT path, value, TYPEOF(value) FROM TABLE(FLATTEN(input => PARSE_JSON('[[2.5e3]]'), "
                      "recursive => TRUE)) ORDER BY path")
    assert [(p, json.loads(v), t) for p, v, t in found] == [("[0]", [2500.0], "ARRAY"), ("[0][0]", 2500.0, "DOUBLE")]
    assert found[1][1] == "2.500000000000000e+03"


def test_keys_needing_quotes(cur: Any) -> None:
    found = rows(cur, "SELECT key, path FROM TABLE(FLATTEN(input => PARSE_JSON('{\"a b\":{\"c.d\":1}}'), "
                      "recursive => TRUE)) ORDER BY path")
    assert found == [("a b", "a b"), ("c.d", "a b.c.d")]


def test_seq_over_a_table_and_nulls(cur: Any) -> None:
    cur.execute("CREATE TABLE t (v VARIANT)")
    cur.execute("INSERT INTO t SELECT PARSE_JSON('[[1]]') UNION ALL SELECT NULL UNION ALL SELECT PARSE_JSON('{}')")
    cur.execute("SELECT f.seq, f.path FROM t, LATERAL FLATTEN(input => t.v, recursive => TRUE) f ORDER BY 2")
    assert cur.fetchall() == [(1, "[0]"), (1, "[0][0]")]
    cur.execute("SELECT COUNT(*) FROM t, LATERAL FLATTEN(input => t.v, recursive => TRUE, outer => TRUE) f")
    assert cur.fetchone()[0] == 4  # two elements, and one row of NULLs each for NULL and {}


@pytest.mark.parametrize(("call", "expected"), [
    ("ARRAY_CONTAINS(PARSE_JSON('null'), [1, PARSE_JSON('null')])", True),  # it was FALSE
    ("ARRAY_CONTAINS(PARSE_JSON('null'), [1])", False),
    ("ARRAY_CONTAINS(NULL, [1])", None),
    ("ARRAY_CONTAINS(2, [1, 2.0])", True),  # numbers by value, as ARRAY_POSITION compares them
    ("ARRAY_CONTAINS(PARSE_JSON('{\"a\": 1}'), [PARSE_JSON('{\"a\":1}')])", True),
    ("ARRAY_CONTAINS('1'::VARIANT, [1])", False),
])
def test_array_contains(cur: Any, call: str, expected: Any) -> None:
    cur.execute(f"SELECT {call}")
    assert cur.fetchone()[0] is expected
