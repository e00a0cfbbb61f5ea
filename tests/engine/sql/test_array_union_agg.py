"""ARRAY_UNION_AGG (https://docs.snowflake.com/en/sql-reference/functions/array_union_agg; DECISIONS.md F134): the
union of the ARRAYs of a column with multiset semantics, NULLs ignored, `[]` for none; it was refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE d")
    cursor.execute("USE SCHEMA d.public")
    return cursor


def one(cur: Any, sql: str) -> Any:
    return json.loads(cur.execute(sql).fetchone()[0])


def test_the_pages_example_keeps_the_most_occurrences_of_one_array(cur: Any) -> None:
    cur.execute("CREATE TABLE union_test(a ARRAY)")
    cur.execute("INSERT INTO union_test SELECT PARSE_JSON('[ 1, 1, 2]') UNION ALL SELECT PARSE_JSON('[ 1, 2, 3]')")
    assert sorted(one(cur, "SELECT ARRAY_UNION_AGG(a) FROM union_test")) == [1, 1, 2, 3]
    cur.execute("SELECT ARRAY_UNION_AGG(a) AS u FROM union_test")
    assert cur.description[0].type_code == 10  # an ARRAY


def test_nulls_are_ignored_and_nothing_is_an_empty_array(cur: Any) -> None:
    cur.execute("CREATE TABLE t (g INT, a ARRAY)")
    cur.execute("INSERT INTO t SELECT 1, PARSE_JSON('[0, 0, null, 1]') UNION ALL SELECT 1, NULL "
                "UNION ALL SELECT 1, PARSE_JSON('[0, 4, 4, 4]') UNION ALL SELECT 2, NULL")
    got = {g: sorted(json.loads(a)) for g, a in cur.execute("SELECT g, ARRAY_UNION_AGG(a) FROM t GROUP BY g")}
    assert got == {1: [0, 0, 1, 4, 4, 4], 2: []}
    assert one(cur, "SELECT ARRAY_UNION_AGG(a) FROM t WHERE g = 3") == []


def test_values_compare_as_variants(cur: Any) -> None:
    got = one(cur, "SELECT ARRAY_UNION_AGG(a) FROM (SELECT PARSE_JSON('[1, {\"b\": 2, \"a\": 1}, \"x\"]') AS a "
                   "UNION ALL SELECT PARSE_JSON('[1.0, {\"a\": 1, \"b\": 2}, \"x\", \"x\"]'))")
    assert sorted(json.dumps(v, sort_keys=True) for v in got) == ['"x"', '"x"', '1', '{"a": 1, "b": 2}']


def test_refused_forms(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:  # the parser takes one argument
        cur.execute("SELECT ARRAY_UNION_AGG(a, a) FROM (SELECT [1] AS a)")
    assert caught.value.errno in (938, 1003)
    with pytest.raises(snowreg.ProgrammingError):  # not an ARRAY
        cur.execute("SELECT ARRAY_UNION_AGG(x) FROM (SELECT 1 AS x)")
    with pytest.raises(snowreg.NotSupportedError):  # the page's OVER takes a PARTITION BY only
        cur.execute("SELECT ARRAY_UNION_AGG(a) OVER (ORDER BY a) FROM (SELECT [1] AS a)")


def test_as_a_window_function_each_partition_has_its_union(cur: Any) -> None:
    got = cur.execute("SELECT g, ARRAY_UNION_AGG(a) OVER (PARTITION BY g) FROM (SELECT 1 AS g, [1, 1, 2] AS a "
                      "UNION ALL SELECT 1, [3, 1] UNION ALL SELECT 2, NULL) ORDER BY g").fetchall()
    assert [(g, sorted(json.loads(u))) for g, u in got] == [(1, [1, 1, 2, 3]), (1, [1, 1, 2, 3]), (2, [])]
