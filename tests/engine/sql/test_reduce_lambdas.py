"""REDUCE (https://docs.snowflake.com/en/sql-reference/functions/reduce) and lambda arguments over structured ARRAYs
(https://docs.snowflake.com/en/sql-reference/functions/transform); conformance/DECISIONS.md F105, F106."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import NotSupportedError, ProgrammingError


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect(database="DB", schema="PUBLIC")
    yield con.cursor()
    con.close()


def test_reduce_sums_the_pages_arrays(cur: Any) -> None:
    row = cur.execute("SELECT REDUCE([1,2,3], 0, (acc, val) -> acc + val), REDUCE([1,2,3], 10, (acc, val) -> acc + val), "
                      "REDUCE([1,2,3], 0, (acc, val) -> acc + val * val), "
                      "REDUCE([1,2,3]::ARRAY(INT), 0, (acc, val) -> acc + val)").fetchone()
    assert [float(v) for v in row] == [6, 16, 14, 6]


def test_reduce_with_an_array_accumulator_reverses(cur: Any) -> None:
    row = cur.execute("SELECT REDUCE([1,2,3,4], [], (acc, val) -> ARRAY_PREPEND(acc, val))").fetchone()
    assert row[0].replace("\n", "").replace(" ", "") == "[4,3,2,1]"


def test_reduce_of_strings_typed_arguments_and_nulls(cur: Any) -> None:
    row = cur.execute("SELECT REDUCE(['a','b'], '>', (acc, val) -> acc || val), "
                      "REDUCE([1,2], 0, (acc INT, val INT) -> acc + val), REDUCE([], 5, (acc, val) -> acc + val), "
                      "REDUCE(NULL, 5, (acc, val) -> acc + val), REDUCE([1], NULL, (acc, val) -> acc + val), "
                      "REDUCE([1,2], 0, (acc, val) -> NULL)").fetchone()
    assert row[0] == ">ab" and row[1] == 3 and float(row[2]) == 5 and row[3:] == (None, None, None)


def test_reduce_over_a_table_column(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, a ARRAY)")
    cur.execute("INSERT INTO t SELECT 1, [1, 2] UNION ALL SELECT 2, [5]")
    rows = cur.execute("SELECT id, REDUCE(a, 100, (acc, v) -> acc - v) FROM t ORDER BY id").fetchall()
    assert [(i, float(v)) for i, v in rows] == [(1, 97), (2, 95)]


def test_reduce_needs_a_lambda_of_two_arguments(cur: Any) -> None:
    with pytest.raises(ProgrammingError, match="two arguments"):
        cur.execute("SELECT REDUCE([1], 0, acc -> acc)")


def test_an_untyped_argument_over_a_structured_array_has_the_elements_type(cur: Any) -> None:
    row = cur.execute("SELECT TRANSFORM([1, 2, 3]::ARRAY(INT), a -> a * 2), FILTER([1, 2, 3]::ARRAY(INT), a -> a > 1)"
                      ).fetchone()
    assert [v.replace("\n", "").replace(" ", "") for v in row] == ["[2,4,6]", "[2,3]"]


def test_a_variant_divided_is_read_as_a_number(cur: Any) -> None:
    row = cur.execute("SELECT PARSE_JSON('1500') / PARSE_JSON('3'), PARSE_JSON('{\"a\": 1500}'):a / 4, "
                      "10 / PARSE_JSON('4')").fetchone()
    assert [float(v) for v in row] == [500, 375, 2.5]


def test_the_transform_pages_table_example_divides_paths(cur: Any) -> None:
    row = cur.execute("SELECT TRANSFORM([{'subtotal': 1500, 'quantity': 3}], i -> OBJECT_INSERT(i, 'unit_price', "
                      "(i:subtotal / i:quantity)::NUMERIC(10,3), true))").fetchone()
    assert json.loads(row[0]) == [{"quantity": 3, "subtotal": 1500, "unit_price": 500}]


def test_a_structured_array_cast_coerces_each_element(cur: Any) -> None:
    row = cur.execute("SELECT [1.5, 2]::ARRAY(INT), [1, 2]::ARRAY(VARCHAR), NULL::ARRAY(INT)").fetchone()
    assert [json.loads(v) if v is not None else None for v in row] == [[2, 2], ["1", "2"], None]
    with pytest.raises(ProgrammingError, match="Failed to cast variant value"):
        cur.execute("SELECT ['x']::ARRAY(INT)")


@pytest.mark.parametrize("sql", ["SELECT {'a': '1'}::OBJECT(a INT)", "SELECT {'a': 1}::MAP(VARCHAR, INT)",
                                 "SELECT [[1]]::ARRAY(ARRAY(INT))", "SELECT TRY_CAST([1] AS ARRAY(INT))"])
def test_other_structured_casts_are_refused(cur: Any, sql: str) -> None:
    with pytest.raises(NotSupportedError, match="structured type"):
        cur.execute(sql)
