"""ORDER BY a bare column sorts VARIANT values by Snowflake's order whenever the column can hold them.

A query over tables without VARIANT columns runs without the VARIANT sort key (it would be a constant
there); every other source keeps it: these cases sort numbers held in VARIANTs, which text order
('10' < '9') would get wrong.
"""

from __future__ import annotations

from typing import Any

import pytest

NUMBERS = "PARSE_JSON('10'), PARSE_JSON('9'), PARSE_JSON('\"x\"')"


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


@pytest.fixture
def tables(cur: Any) -> Any:
    """P (plain columns) and J (a VARIANT column J holding 10, 9 and "x")."""
    run(cur, "CREATE TABLE P (ID INT, S VARCHAR)")
    run(cur, "INSERT INTO P VALUES (2, 'b'), (1, 'a'), (3, NULL)")
    run(cur, "CREATE TABLE J (ID INT, J VARIANT)")
    run(cur, "INSERT INTO J SELECT 1, PARSE_JSON('10') UNION ALL SELECT 2, PARSE_JSON('9') "
             "UNION ALL SELECT 3, PARSE_JSON('\"x\"')")
    return cur


def test_plain_tables_sort_as_before(tables: Any) -> None:
    assert run(tables, "SELECT ID FROM P ORDER BY ID") == [(1,), (2,), (3,)]
    assert run(tables, "SELECT ID, S FROM P ORDER BY 2 DESC") == [(3, None), (2, "b"), (1, "a")]
    for n in (5, 6, 7):  # one shape, texts answered from its template
        assert run(tables, f"SELECT ID FROM P ORDER BY S LIMIT {n}") == [(1,), (2,), (3,)]


@pytest.mark.parametrize("sql", [
    "SELECT ID FROM J ORDER BY J",
    "SELECT ID FROM J ORDER BY J LIMIT 5",
    "SELECT ID FROM J ORDER BY J LIMIT 6",
    "SELECT J.ID FROM J JOIN P ON P.ID = J.ID ORDER BY J.J",
    "SELECT ID FROM V ORDER BY J",  # a view over J
    "WITH C AS (SELECT ID, J FROM J) SELECT ID FROM C ORDER BY J",
    "SELECT ID FROM (SELECT ID, J FROM J) ORDER BY J",
    "SELECT ID FROM P, LATERAL (SELECT J AS K FROM J WHERE J.ID = P.ID) ORDER BY K",
])
def test_variant_columns_sort_by_snowflake_order(tables: Any, sql: str) -> None:
    run(tables, "CREATE VIEW V AS SELECT ID, J FROM J")
    assert run(tables, sql) == [(2,), (1,), (3,)]  # 9, 10, then the string


def test_a_table_that_gains_a_variant_column_is_seen_at_once(tables: Any) -> None:
    sql = "SELECT ID FROM P ORDER BY S"
    assert run(tables, sql) == [(1,), (2,), (3,)]
    run(tables, "CREATE OR REPLACE TABLE P (ID INT, S VARIANT)")
    run(tables, "INSERT INTO P SELECT 1, PARSE_JSON('10') UNION ALL SELECT 2, PARSE_JSON('9')")
    assert run(tables, sql) == [(2,), (1,)]
    run(tables, "CREATE OR REPLACE TABLE P (ID INT, S INT)")
    run(tables, "INSERT INTO P VALUES (1, 10), (2, 9)")
    assert run(tables, sql) == [(2,), (1,)]
    run(tables, "ALTER TABLE P ADD COLUMN T VARIANT")
    run(tables, "UPDATE P SET T = PARSE_JSON(CASE WHEN ID = 1 THEN '9' ELSE '10' END)")
    assert run(tables, "SELECT ID FROM P ORDER BY T") == [(1,), (2,)]


def test_variant_select_items_sort_by_snowflake_order(tables: Any) -> None:
    """ORDER BY (of the query or of a window) may name a VARIANT select item over a table without any."""
    run(tables, "CREATE TABLE N (ID INT, S VARCHAR)")
    run(tables, "INSERT INTO N VALUES (1, '10'), (2, '9')")
    numbered = "SELECT ID, TO_VARIANT(S::INT) AS K, ROW_NUMBER() OVER (ORDER BY K) AS R FROM N ORDER BY ID"
    assert run(tables, numbered) == [(1, "10", 2), (2, "9", 1)]
    first = "SELECT ID FROM N QUALIFY ROW_NUMBER() OVER (ORDER BY TO_VARIANT(S::INT)) = 1"
    assert run(tables, first) == [(2,)]
    for sql in ("SELECT ID, TO_VARIANT(S::INT) AS K FROM N ORDER BY K",
                "SELECT ID, TO_VARIANT(S::INT) FROM N ORDER BY 2"):
        assert run(tables, sql) == [(2, "9"), (1, "10")], sql
