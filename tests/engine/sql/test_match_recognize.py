"""MATCH_RECOGNIZE (engine.sql.match_recognize, engine.sql.match_pattern): pattern semantics, measures,
rows per match, AFTER MATCH SKIP, refusals and errors
(https://docs.snowflake.com/en/sql-reference/constructs/match_recognize)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import match_pattern


@pytest.fixture(scope="module")
def cur() -> Iterator[Any]:
    conn = snowreg.connect(database="DB", schema="S")
    c = conn.cursor()
    c.execute("CREATE TABLE t (p TEXT, o INT, x INT, v NUMBER(10,2))")
    # p = 'a': x = 1 2 3 1 2 0 5; p = 'b': x = 9 8 7
    c.execute("INSERT INTO t VALUES ('a',1,1,1.50),('a',2,2,2.25),('a',3,3,3.00),('a',4,1,4.00),('a',5,2,NULL),"
              "('a',6,0,6.00),('a',7,5,7.00),('b',1,9,1.00),('b',2,8,2.00),('b',3,7,3.00)")
    yield c
    conn.close()


def _mr(body: str, select: str = "*", where: str = "p = 'a'", tail: str = "") -> str:
    return (f"SELECT {select} FROM (SELECT * FROM t WHERE {where}) MATCH_RECOGNIZE (ORDER BY o {body}) {tail}")


def _rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in cur.execute(sql).fetchall()]


def test_greedy_plus_takes_the_longest_run_then_backtracks(cur: Any) -> None:
    # UP+ takes o2 and o3, then gives o3 back for U (o4 is no rise)
    sql = _mr("MEASURES FIRST(o) AS f, LAST(o) AS l, COUNT(up.*) AS n ONE ROW PER MATCH "
              "PATTERN (s up+ u) DEFINE up AS x > LAG(x), u AS x > LAG(x)", select="f, l, n")
    assert _rows(cur, sql) == [(1, 3, 1)]


def test_reluctant_quantifier_takes_the_fewest_rows(cur: Any) -> None:
    greedy = _mr("MEASURES COUNT(*) AS n ONE ROW PER MATCH PATTERN (a{1,3} b?) DEFINE a AS TRUE, b AS x = 1",
                 select="n")
    reluctant = _mr("MEASURES COUNT(*) AS n ONE ROW PER MATCH PATTERN (a{1,3}? b?) DEFINE a AS TRUE, b AS x = 1",
                    select="n")
    assert _rows(cur, greedy) == [(4,), (3,)]
    # a{1,3}? takes one row, then b? (greedy) the next when its x = 1: o3 o4 together
    assert _rows(cur, reluctant) == [(1,), (1,), (2,), (1,), (1,), (1,)]


def test_alternation_prefers_the_leftmost_alternative(cur: Any) -> None:
    sql = _mr("MEASURES CLASSIFIER() AS c ALL ROWS PER MATCH PATTERN ((big | other)) DEFINE big AS x >= 2, other AS TRUE",
              select="o, c", tail="ORDER BY o")
    assert _rows(cur, sql) == [(1, "OTHER"), (2, "BIG"), (3, "BIG"), (4, "OTHER"), (5, "BIG"), (6, "OTHER"), (7, "BIG")]


def test_exact_and_open_quantifiers(cur: Any) -> None:
    exact = _mr("MEASURES FIRST(o) AS f ONE ROW PER MATCH PATTERN (a{3}) DEFINE a AS TRUE", select="f")
    at_least = _mr("MEASURES COUNT(*) AS n ONE ROW PER MATCH PATTERN (a{5,}) DEFINE a AS TRUE", select="n")
    assert _rows(cur, exact) == [(1,), (4,)]
    assert _rows(cur, at_least) == [(7,)]


def test_undefined_symbols_match_every_row_and_anchors_pin_the_partition(cur: Any) -> None:
    sql = _mr("MEASURES COUNT(*) AS n ONE ROW PER MATCH PATTERN (^ anything{2} | last_one $) DEFINE z AS TRUE",
              select="n")
    assert _rows(cur, sql) == [(2,), (1,)]


def test_aggregates_over_a_symbol_and_the_whole_match(cur: Any) -> None:
    sql = _mr("MEASURES SUM(x) AS s, SUM(up.x) AS su, MIN(up.v) AS mn, MAX(v) AS mx, AVG(up.x) AS av, "
              "LAST(up.v) AS lv, COUNT(v) AS cv ONE ROW PER MATCH PATTERN (s up+) DEFINE up AS x > LAG(x)",
              select="s, su, mn, mx, av, lv, cv")
    rows = _rows(cur, sql)
    assert [r[:4] for r in rows] == [(6, 5, 2.25, 3), (3, 2, None, 4), (5, 5, 7, 7)]
    assert [float(r[4]) for r in rows] == [2.5, 2.0, 5.0]
    assert [r[5:] for r in rows] == [(3, 3), (None, 1), (7, 2)]
    assert str(rows[0][3]) == "3.00"  # MAX keeps the column's NUMBER(10,2)


def test_measures_are_running_in_all_rows_and_final_when_asked(cur: Any) -> None:
    sql = _mr("MEASURES COUNT(*) AS running, FINAL COUNT(*) AS final_n, MATCH_SEQUENCE_NUMBER() AS msq, "
              "LAST(x) - FIRST(x) AS rise ALL ROWS PER MATCH PATTERN (s up+) DEFINE up AS x > LAG(x)",
              select="o, running, final_n, msq, rise", tail="ORDER BY o")
    assert _rows(cur, sql) == [(1, 1, 3, 1, 0), (2, 2, 3, 2, 1), (3, 3, 3, 3, 2), (4, 1, 2, 1, 0), (5, 2, 2, 2, 1),
                               (6, 1, 2, 1, 0), (7, 2, 2, 2, 5)]


def test_prev_and_next_in_define(cur: Any) -> None:
    sql = _mr("MEASURES FIRST(o) AS f ONE ROW PER MATCH PATTERN (peak) "
              "DEFINE peak AS x > PREV(x) AND x > NEXT(x)", select="f")
    assert _rows(cur, sql) == [(3,), (5,)]


def test_partitions_match_independently_and_the_outer_query_runs_in_sql(cur: Any) -> None:
    sql = ("SELECT p, MAX(n) AS m FROM t MATCH_RECOGNIZE (PARTITION BY p ORDER BY o "
           "MEASURES COUNT(*) AS n PATTERN (down+) DEFINE down AS x < LAG(x)) r WHERE r.n >= 1 GROUP BY p ORDER BY p")
    assert _rows(cur, sql) == [("a", 1), ("b", 2)]


def test_show_empty_matches_gives_a_row_for_each_empty_match(cur: Any) -> None:
    sql = _mr("MEASURES MATCH_NUMBER() AS m, CLASSIFIER() AS c, COUNT(*) AS n ALL ROWS PER MATCH SHOW EMPTY MATCHES "
              "PATTERN (big*) DEFINE big AS x >= 2", select="o, m, c, n", tail="ORDER BY o")
    assert _rows(cur, sql) == [(1, 1, None, 0), (2, 2, "BIG", 1), (3, 2, "BIG", 2), (4, 3, None, 0), (5, 4, "BIG", 1),
                               (6, 5, None, 0), (7, 6, "BIG", 1)]


def test_skip_to_first_and_next_row(cur: Any) -> None:
    to_first = _mr("MEASURES FIRST(o) AS f AFTER MATCH SKIP TO FIRST b PATTERN (a b c) DEFINE a AS TRUE", select="f")
    to_next = _mr("MEASURES FIRST(o) AS f AFTER MATCH SKIP TO NEXT ROW PATTERN (a b c) DEFINE a AS TRUE",
                  select="f")
    assert _rows(cur, to_first) == [(1,), (2,), (3,), (4,), (5,)]
    assert _rows(cur, to_next) == _rows(cur, to_first)


def test_skip_to_a_symbol_that_does_not_move_on_is_an_error(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute(_mr("MEASURES FIRST(o) AS f AFTER MATCH SKIP TO FIRST a PATTERN (a b) DEFINE a AS TRUE"))
    assert caught.value.errno == 100000 and "does not skip past the first row" in str(caught.value)
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute(_mr("MEASURES FIRST(o) AS f AFTER MATCH SKIP TO LAST c PATTERN (a c?) DEFINE c AS x > 100"))
    assert caught.value.errno == 100000 and "no row of the match was mapped to C" in str(caught.value)


def test_a_common_table_expression_as_the_source(cur: Any) -> None:
    sql = ("WITH base AS (SELECT * FROM t WHERE p = 'b'), again AS (SELECT * FROM base) "
           "SELECT n FROM again MATCH_RECOGNIZE (ORDER BY o MEASURES COUNT(*) AS n PATTERN (d+) "
           "DEFINE d AS x < (SELECT MAX(x) FROM base))")
    assert _rows(cur, sql) == [(2,)]


@pytest.mark.parametrize("pattern", ["(a", "a{3,1}", "a | | b", "*a", "a ^+", "a {- b", "a -} b"])
def test_malformed_patterns_are_syntax_errors(cur: Any, pattern: str) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute(_mr(f"MEASURES COUNT(*) AS n PATTERN ({pattern}) DEFINE a AS TRUE"))
    assert caught.value.errno == 1003


@pytest.mark.parametrize(("define", "named"), [
    ("a AS x > AVG(x)", "running aggregate"),
    ("a AS x > FIRST(x)", "FIRST()"),
    ("a AS b.x > 1", "symbol predicate"),
    ("a AS MATCH_NUMBER() > 1", "MATCH_NUMBER()"),
])
def test_define_reading_the_match_so_far_is_refused_by_name(cur: Any, define: str, named: str) -> None:
    with pytest.raises(snowreg.NotSupportedError) as caught:
        cur.execute(_mr(f"MEASURES COUNT(*) AS n PATTERN (a b) DEFINE {define}"))
    assert caught.value.errno == 2 and named in str(caught.value) and "MATCH_RECOGNIZE" in str(caught.value)


def test_a_view_over_match_recognize_is_refused(cur: Any) -> None:
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("CREATE VIEW v AS " + _mr("MEASURES COUNT(*) AS n PATTERN (a) DEFINE a AS TRUE"))


def test_the_relation_handed_to_the_database_is_gone_after_the_statement(cur: Any) -> None:
    cur.execute(_mr("MEASURES COUNT(*) AS n PATTERN (a) DEFINE a AS TRUE"))
    views = [r[0] for r in cur.connection.session.duck.execute(
        "SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'SNOWREG_MATCH%'").fetchall()]
    assert views == []


def test_pattern_parser_expands_permute_in_order() -> None:
    node = match_pattern.parse("PERMUTE(a, b)")
    assert node == match_pattern.Alternation((
        match_pattern.Concat((match_pattern.Symbol("A"), match_pattern.Symbol("B"))),
        match_pattern.Concat((match_pattern.Symbol("B"), match_pattern.Symbol("A")))))
    assert match_pattern.parse('"lower" a') == match_pattern.Concat((match_pattern.Symbol("lower"),
                                                                      match_pattern.Symbol("A")))


def test_writing_statements_read_the_result(cur: Any) -> None:
    clause = "MATCH_RECOGNIZE (PARTITION BY p ORDER BY o MEASURES COUNT(*) AS n PATTERN (d+) DEFINE d AS x < LAG(x))"
    cur.execute(f"CREATE TABLE runs AS SELECT * FROM t {clause}")
    cur.execute(f"INSERT INTO runs SELECT p, n * 10 FROM t {clause}")
    assert _rows(cur, "SELECT p, n FROM runs ORDER BY p, n") == [
        ("a", 1), ("a", 1), ("a", 10), ("a", 10), ("b", 2), ("b", 20)]
