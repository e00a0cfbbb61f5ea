"""ORDER BY a select item that is a VARIANT path: the statement's rows are sorted outside it (so DuckDB binds
the path once), with the same rows, order, column names and types as ordering by the path itself."""

from __future__ import annotations

from typing import Any

import pytest

DOCS = ["{\"a\": 10}", "{\"a\": 9}", "{\"a\": \"x\"}", "{\"a\": 1.5e+00}", "{\"a\": null}", "{\"b\": 1}",
        "{\"a\": 2.25}", "{\"a\": [1, 2]}"]


def run(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(cur.execute(sql).fetchall())


@pytest.fixture
def docs(cur: Any) -> Any:
    """Table D: ID 1..8 and a VARIANT J holding integers, a DOUBLE, a decimal, a string, JSON null, an array
    and a document without the key."""
    run(cur, "CREATE TABLE D (ID INT, J VARIANT, A INT)")
    for i, doc in enumerate(DOCS, 1):
        run(cur, f"INSERT INTO D SELECT {i}, PARSE_JSON('{doc}'), {100 - i}")
    return cur


@pytest.mark.parametrize("order", ["", "ASC", "DESC", "DESC NULLS LAST", "ASC NULLS FIRST"])
def test_by_the_items_name_is_by_the_path(docs: Any, order: str) -> None:
    by_path = run(docs, f"SELECT ID, J:a AS K FROM D ORDER BY J:a {order}, ID")
    assert run(docs, f"SELECT ID, J:a AS K FROM D ORDER BY K {order}, ID") == by_path
    assert run(docs, f"SELECT ID, J:a AS K FROM D ORDER BY 2 {order}, 1") == by_path
    assert run(docs, f"SELECT ID, J:a AS K FROM D ORDER BY K {order}, ID LIMIT 3 OFFSET 2") == by_path[2:5]
    assert run(docs, f"WITH C AS (SELECT * FROM D) SELECT ID, J:a AS K FROM C ORDER BY K {order}, ID") == by_path


def test_numbers_sort_by_value_and_doubles_keep_their_text(docs: Any) -> None:
    rows = run(docs, "SELECT ID, J:a AS K, TYPEOF(K) AS T FROM D ORDER BY K DESC NULLS LAST, ID")
    # descending: JSON null, the array, the string, then the numbers by value (10, 9, 2.25, 1.5e+00), then
    # the document without the key (SQL NULL, NULLS LAST)
    assert [r[0] for r in rows] == [5, 8, 3, 1, 2, 7, 4, 6]
    assert rows[6][1:] == ("1.500000000000000e+00", "DOUBLE")
    assert rows[5][1:] == ("2.25", "DECIMAL")
    assert rows[-1][1:] == (None, None)


def test_names_and_types_of_the_result(docs: Any) -> None:
    cur = docs.execute('SELECT J:a AS "lower", ID, J AS whole FROM D ORDER BY "lower" DESC NULLS LAST LIMIT 1')
    assert [d[0] for d in cur.description] == ["lower", "ID", "WHOLE"]
    assert cur.fetchall() == [("null", 5, '{\n  "a": null\n}')]  # JSON null sorts after every other value
    described = docs.describe("SELECT J:a AS K, ID FROM D ORDER BY K")
    assert [(d.name, d.type_code) for d in described] == [(d[0], d[1]) for d in
                                                         docs.execute("SELECT J:a AS K, ID FROM D").description]


def test_an_item_named_like_a_column_and_items_reading_other_items(docs: Any) -> None:
    # A (the table's INT column) is also the name of the path item: ORDER BY A sorts by the item
    assert [r[0] for r in run(docs, "SELECT ID, J:a AS A FROM D ORDER BY A DESC NULLS LAST, ID")][:3] == [5, 8, 3]
    assert run(docs, "SELECT ID, J:a AS A FROM D ORDER BY A DESC NULLS LAST, ID") == \
        run(docs, "SELECT ID, J:a AS A FROM D ORDER BY J:a DESC NULLS LAST, ID")
    # an item reading another item by its name (Snowflake's lateral column alias) still can
    rows = run(docs, "SELECT ID, J:a AS K, K::NUMBER(10, 2) AS N FROM D WHERE IS_INTEGER(K) ORDER BY K")
    assert rows == [(2, "9", 9), (1, "10", 10)]


def test_a_query_that_cannot_sort_outside_keeps_its_answer(docs: Any) -> None:
    distinct = run(docs, "SELECT DISTINCT J:a AS K FROM D WHERE ID < 3 ORDER BY K")
    assert distinct == [("9",), ("10",)]
    grouped = run(docs, "SELECT J:a AS K, COUNT(*) AS N FROM D WHERE ID < 3 GROUP BY K ORDER BY K DESC")
    assert grouped == [("10", 1), ("9", 1)]
    nested = run(docs, "SELECT K FROM (SELECT J:a AS K FROM D WHERE ID < 3 ORDER BY K) ORDER BY K")
    assert nested == [("9",), ("10",)]
    by_other = run(docs, "SELECT J:a AS K FROM D WHERE ID < 3 ORDER BY ID DESC")  # not an item
    assert by_other == [("9",), ("10",)]


def test_created_tables_and_views_keep_their_column_names(docs: Any) -> None:
    run(docs, "CREATE TABLE S AS SELECT ID, J:a AS K FROM D ORDER BY K")
    run(docs, "CREATE VIEW W AS SELECT ID, J:a AS K FROM D ORDER BY K")
    for name in ("S", "W"):
        assert [d[0] for d in docs.execute(f"SELECT * FROM {name}").description] == ["ID", "K"]
    assert run(docs, "SELECT ID FROM W ORDER BY K DESC NULLS LAST, ID LIMIT 2") == [(5,), (8,)]
