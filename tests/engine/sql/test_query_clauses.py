"""Query clauses Snowflake writes differently from DuckDB: empty-string row counts, (+) outer joins,
ASOF JOIN … USING (conformance/DECISIONS.md Q50-Q52; conformance/sql/docs_query_6.test).

https://docs.snowflake.com/en/sql-reference/constructs/limit,
https://docs.snowflake.com/en/sql-reference/constructs/where,
https://docs.snowflake.com/en/sql-reference/constructs/asof-join
"""

from __future__ import annotations

from typing import Any

import pytest

from snowreg.errors import NotSupportedError, ProgrammingError


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


@pytest.fixture
def tables(cur: Any) -> Any:
    run(cur, "CREATE TABLE t1 (col1 INTEGER, tag VARCHAR)")
    run(cur, "CREATE TABLE t2 (col1 INTEGER, note VARCHAR)")
    run(cur, "INSERT INTO t1 VALUES (2, 'two'), (3, 'three'), (4, 'four')")
    run(cur, "INSERT INTO t2 VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd')")
    return cur


@pytest.mark.parametrize("count", ["''", "$$$$", "NULL"])
def test_an_empty_count_is_unlimited(tables: Any, count: str) -> None:
    assert run(tables, f"SELECT col1 FROM t2 ORDER BY col1 LIMIT {count}") == [(1,), (2,), (2,), (3,)]
    assert run(tables, f"SELECT col1 FROM t2 ORDER BY col1 FETCH FIRST {count} ROWS ONLY") == [(1,), (2,), (2,), (3,)]


@pytest.mark.parametrize("start", ["''", "$$$$", "NULL"])
def test_an_empty_offset_skips_nothing(tables: Any, start: str) -> None:
    assert run(tables, f"SELECT col1 FROM t2 ORDER BY col1 LIMIT 2 OFFSET {start}") == [(1,), (2,)]
    assert run(tables, f"SELECT col1 FROM t2 ORDER BY col1 OFFSET {start} ROWS FETCH NEXT 1 ROWS ONLY") == [(1,)]


def test_a_string_that_is_no_number_still_fails(tables: Any) -> None:
    with pytest.raises(Exception, match="100038"):
        run(tables, "SELECT col1 FROM t2 LIMIT 'x'")


def test_a_marked_column_makes_its_table_the_outer_one(tables: Any) -> None:
    left = run(tables, "SELECT t1.col1, t2.note FROM t1, t2 WHERE t1.col1 = t2.col1(+) ORDER BY 1, 2")
    assert left == [(2, "b"), (2, "c"), (3, "d"), (4, None)]
    right = run(tables, "SELECT t1.tag, t2.col1 FROM t1, t2 WHERE t1.col1(+) = t2.col1 ORDER BY 2, 1")
    assert right == [(None, 1), ("two", 2), ("two", 2), ("three", 3)]


def test_names_are_matched_as_snowflake_matches_them(tables: Any) -> None:
    rows = run(tables, "SELECT T1.col1, X.note FROM t2 x, t1 WHERE t1.COL1 = x.col1 (+) ORDER BY 1, 2")
    assert rows == [(2, "b"), (2, "c"), (3, "d"), (4, None)]


def test_marked_filters_join_and_unmarked_ones_filter(tables: Any) -> None:
    joined = run(tables, "SELECT a.col1, b.note FROM t1 a, t2 b WHERE a.col1 = b.col1(+) AND b.note(+) = 'c' "
                         "ORDER BY 1")
    assert joined == [(2, "c"), (3, None), (4, None)]
    filtered = run(tables, "SELECT a.col1, b.note FROM t1 a, t2 b WHERE a.col1 = b.col1(+) AND b.note = 'c'")
    assert filtered == [(2, "c")]


def test_three_tables_keep_the_from_order(tables: Any) -> None:
    rows = run(tables, "SELECT a.col1, b.note, c.tag FROM t1 a, t2 b, t1 c WHERE c.col1(+) = b.col1 + 1 "
                       "AND b.col1(+) = a.col1 ORDER BY 1, 2")
    assert rows == [(2, "b", "three"), (2, "c", "three"), (3, "d", "four"), (4, None, None)]


def test_a_marked_outer_join_inside_a_subquery(tables: Any) -> None:
    rows = run(tables, "SELECT COUNT(*) FROM (SELECT t1.col1 FROM t1, t2 WHERE t1.col1 = t2.col1(+))")
    assert rows == [(4,)]


@pytest.mark.parametrize("sql", [
    "SELECT a.col1 FROM t1 a, t2 b WHERE a.col1 = b.col1(+) OR a.col1 = 4",
    "SELECT a.col1 FROM t1 a, t2 b WHERE NOT (a.col1 = b.col1(+))",
    "SELECT a.col1 FROM t1 a, t2 b WHERE a.col1 = note(+)",
    "SELECT a.col1 FROM t1 a JOIN t2 b ON a.col1 = b.col1(+)",
    "SELECT a.col1 FROM t1 a JOIN t2 b ON a.col1 = b.col1, t2 c WHERE a.col1 = c.col1(+)",
    "SELECT col1(+) FROM t1",
])
def test_other_uses_of_the_mark_are_refused(tables: Any, sql: str) -> None:
    with pytest.raises(NotSupportedError, match=r"\(\+\) outer join operator"):
        run(tables, sql)


def test_asof_using_reads_the_equality_and_the_left_column(tables: Any) -> None:
    rows = run(tables, "SELECT col1, b.note FROM t1 a ASOF JOIN t2 b MATCH_CONDITION(a.tag >= b.note) "
                       "USING (col1) ORDER BY col1")
    assert rows == [(2, "c"), (3, "d"), (4, None)]
    assert [d.name for d in tables.description] == ["COL1", "NOTE"]


def test_asof_using_under_a_star_is_refused(tables: Any) -> None:
    with pytest.raises(NotSupportedError, match="ASOF JOIN"):
        run(tables, "SELECT * FROM t1 a ASOF JOIN t2 b MATCH_CONDITION(a.tag >= b.note) USING (col1)")


@pytest.mark.parametrize("call", ["ROW_NUMBER()", "RANK()", "DENSE_RANK()", "NTILE(2)", "PERCENT_RANK()",
                                  "CUME_DIST()", "LAG(col1)", "LEAD(col1, 1)"])
def test_rank_related_functions_need_order_by(tables: Any, call: str) -> None:
    name = call.split("(")[0]
    for over in ("OVER ()", "OVER (PARTITION BY note)"):
        with pytest.raises(ProgrammingError, match=rf"Window function type \[{name}\] requires ORDER BY in window "
                                                   r"specification\."):
            run(tables, f"SELECT {call} {over} FROM t2")
    assert len(run(tables, f"SELECT {call} OVER (PARTITION BY note ORDER BY col1) FROM t2")) == 4


def test_the_order_by_check_leaves_other_window_functions(tables: Any) -> None:
    assert run(tables, "SELECT SUM(col1) OVER (), FIRST_VALUE(col1) OVER (PARTITION BY col1) FROM t2 ORDER BY 2") \
        == [(8, 1), (8, 2), (8, 2), (8, 3)]


@pytest.mark.parametrize("method", ["SYSTEM", "BLOCK"])
def test_block_sampling_takes_no_row_count(tables: Any, method: str) -> None:
    with pytest.raises(ProgrammingError, match=f"{method} sampling does not support a fixed number of rows"):
        run(tables, f"SELECT * FROM t2 SAMPLE {method} (2 ROWS)")
    assert len(run(tables, f"SELECT * FROM t2 SAMPLE {method} (100)")) == 4


@pytest.mark.parametrize("rows", ["1000001", "2.5"])
def test_a_row_count_is_an_integer_up_to_a_million(tables: Any, rows: str) -> None:
    with pytest.raises(ProgrammingError, match=f"Invalid number of rows {rows} in SAMPLE"):
        run(tables, f"SELECT * FROM t2 SAMPLE ({rows} ROWS)")
    assert len(run(tables, "SELECT * FROM t2 SAMPLE ROW (1000000 ROWS)")) == 4


@pytest.fixture
def reordered(cur: Any) -> Any:
    run(cur, "CREATE TABLE order1 (a INTEGER, b VARCHAR)")
    run(cur, "CREATE TABLE order2 (B VARCHAR, A INTEGER)")
    run(cur, "INSERT INTO order1 VALUES (1, 'one'), (2, 'two'), (3, 'three')")
    run(cur, "INSERT INTO order2 VALUES ('three', 3), ('four', 4)")
    return cur


def test_union_by_name_matches_stars_by_name(reordered: Any) -> None:
    rows = run(reordered, "SELECT * FROM order1 UNION BY NAME SELECT * FROM order2 ORDER BY a")
    assert rows == [(1, "one"), (2, "two"), (3, "three"), (4, "four")]
    assert [d.name for d in reordered.description] == ["A", "B"]
    assert len(run(reordered, "SELECT * FROM order1 UNION ALL BY NAME SELECT * FROM order2")) == 5


def test_union_by_name_converts_text_meeting_a_number_of_its_name(reordered: Any) -> None:
    assert run(reordered, "SELECT 1 a, 'x' b UNION ALL BY NAME SELECT 'y' b, '2' a ORDER BY a") == [(1, "x"), (2, "y")]
    with pytest.raises(ProgrammingError, match="100038"):
        run(reordered, "SELECT a, b FROM order1 UNION ALL BY NAME SELECT b AS a, a AS b FROM order2")


def test_a_qualified_position_of_values_reads_its_column(cur: Any) -> None:
    rows = run(cur, "SELECT v1.$2, v2.$2 FROM (VALUES (1, 'one'), (2, 'two')) AS v1 "
                    "INNER JOIN (VALUES (1, 'One'), (3, 'three')) AS v2 WHERE v2.$1 = v1.$1")
    assert rows == [("one", "One")]
    assert [d.name for d in cur.description] == ["V1.$2", "V2.$2"]
    assert run(cur, "SELECT a FROM (VALUES (1, 2), (3, 4)) v (a, b) WHERE v.$2 = 4") == [(3,)]


def test_a_qualified_position_past_the_values_or_of_a_table(cur: Any) -> None:
    with pytest.raises(ProgrammingError, match=r"(?s)000904.*invalid identifier 'X\.\$3'"):
        run(cur, "SELECT x.$3 FROM (VALUES (1, 2)) x")
    run(cur, "CREATE TABLE tt (a INT)")
    with pytest.raises(NotSupportedError, match=r"tt\.\$1"):
        run(cur, "SELECT tt.$1 FROM tt")


def test_a_token_duckdb_refuses_is_placed_where_the_statement_writes_it(tables: Any) -> None:
    with pytest.raises(ProgrammingError) as raised:
        run(tables, "SELECT * FROM t1 NATURAL JOIN t2 ON t1.col1 = t2.col1")
    assert raised.value.errno == 1003
    assert raised.value.msg.endswith("syntax error line 1 at position 33 unexpected 'ON'.")
    with pytest.raises(ProgrammingError, match=r"syntax error line 2 at position 12 unexpected 'BY'\."):
        run(tables, "SELECT 'by' AS x -- by\n  INTERSECT BY NAME SELECT 'y'")
