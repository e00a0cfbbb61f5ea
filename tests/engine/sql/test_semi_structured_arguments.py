"""An ARRAY / OBJECT function given an argument whose declared type is none of ARRAY, OBJECT, VARIANT: Snowflake's
001044 at compile time, before any row is read; a VARIANT holding another kind stays 100071 at run time.

https://docs.snowflake.com/en/sql-reference/functions/array_distinct (array: "The input array"), the O82 / W35
readings of conformance/DECISIONS.md.
"""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg import errors


@pytest.fixture
def cur() -> Any:
    cursor = snowreg.connect(database="D", schema="S").cursor()
    cursor.execute("CREATE TABLE t (i INT, b BOOLEAN, d DATE, v VARIANT, a ARRAY, o OBJECT)")
    cursor.execute("INSERT INTO t SELECT 5, TRUE, '2024-01-01', TO_VARIANT(5), ARRAY_CONSTRUCT(2, 1), "
                   "OBJECT_CONSTRUCT('k', 1)")
    return cursor


def error_of(cur: Any, sql: str) -> errors.ProgrammingError:
    with pytest.raises(errors.ProgrammingError) as info:
        cur.execute(sql)
    return info.value


@pytest.mark.parametrize("sql, function, types", [
    ("SELECT ARRAY_DISTINCT(i) FROM t WHERE FALSE", "ARRAY_DISTINCT", "NUMBER(38,0)"),  # no row is read
    ("SELECT ARRAY_POSITION(1, i) FROM t", "ARRAY_POSITION", "NUMBER(38,0)"),
    ("SELECT ARRAYS_OVERLAP(a, b) FROM t", "ARRAYS_OVERLAP", "BOOLEAN"),
    ("SELECT OBJECT_DELETE(i, 'k') FROM t", "OBJECT_DELETE", "NUMBER(38,0)"),
    ("SELECT OBJECT_INSERT(d, 'k', 1) FROM t", "OBJECT_INSERT", "DATE"),
    ("SELECT ARRAY_SLICE(5, 0, 1)", "ARRAY_SLICE", "NUMBER(38,0)"),
    ("SELECT ARRAY_REVERSE(TRUE)", "ARRAY_REVERSE", "BOOLEAN"),
])
def test_a_typed_argument_of_another_kind_is_001044(cur: Any, sql: str, function: str, types: str) -> None:
    e = error_of(cur, sql)
    assert e.errno == 1044 and e.sqlstate == "42P13"
    assert f"Invalid argument types for function '{function}': ({types})" in e.msg


def test_a_variant_of_another_kind_fails_when_read(cur: Any) -> None:
    e = error_of(cur, "SELECT ARRAY_DISTINCT(v) FROM t")
    assert e.errno == 100071 and "Failed to cast variant value 5 to ARRAY" in e.msg
    cur.execute("SELECT ARRAY_DISTINCT(v) FROM t WHERE FALSE")
    assert cur.fetchall() == []


def test_arrays_objects_and_variants_are_taken(cur: Any) -> None:
    cur.execute("SELECT ARRAY_SORT(a), ARRAY_SIZE(ARRAY_DISTINCT(a::VARIANT)), OBJECT_DELETE(o, 'k'), "
                "ARRAY_DISTINCT(NULL), ARRAY_POSITION(1, a) FROM t")
    assert cur.fetchone() == ("[\n  1,\n  2\n]", 2, "{}", None, 1)
