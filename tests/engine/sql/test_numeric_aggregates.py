"""Aggregates of NUMBERs whose values DuckDB's own forms cut or refused: PERCENTILE_CONT's interpolation,
AVG in a PIVOT, AVG with FILTER."""

from __future__ import annotations

from decimal import Decimal

import pytest

import snowreg


@pytest.fixture
def cur() -> snowreg.dbapi.Cursor:
    conn = snowreg.connect(database="aggs", schema="public")
    c = conn.cursor()
    c.execute("CREATE TABLE t (k VARCHAR, i INT, d NUMBER(10, 2), f FLOAT)")
    c.execute("INSERT INTO t VALUES ('a', 1, 1.50, 1.5), ('a', 2, 2.25, 2.25), ('a', NULL, NULL, NULL), "
              "('b', 4, 3.50, 3.5), ('b', 10, 10, 10), ('b', 10, 10, 10)")
    return c


def test_percentile_cont_of_numbers_keeps_the_interpolated_fraction(cur: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/percentile_cont: linear interpolation of the two
    # nearest values; a NUMBER(p, s) gets scale s + 3 as MEDIAN (PERCENTILE_CONT(0.5)) does.
    cur.execute("SELECT k, PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY i), "
                "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY d DESC), "
                "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY f) FROM t GROUP BY k ORDER BY k")
    assert cur.fetchall() == [("a", Decimal("1.250"), Decimal("1.87500"), 1.875),
                              ("b", Decimal("7.000"), Decimal("10.00000"), 10.0)]
    assert [(d.type_code, d.scale) for d in cur.description][1:] == [(0, 3), (0, 5), (1, None)]


def test_percentile_cont_as_a_window_function(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT k, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY i) OVER (PARTITION BY k) FROM t "
                "WHERE i IS NOT NULL ORDER BY k, i")
    assert [row[1] for row in cur.fetchall()] == [Decimal("1.5")] * 2 + [Decimal("10")] * 3


def test_percentile_disc_keeps_the_values_type(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY d) FROM t")
    assert cur.fetchall() == [(Decimal("3.50"),)]
    assert cur.description[0].scale == 2


def test_avg_in_a_pivot(cur: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/constructs/pivot: AVG is one of the pivot's aggregates.
    cur.execute("SELECT * FROM (SELECT k, i, d FROM t) PIVOT (AVG(d) FOR k IN ('a', 'b')) ORDER BY i")
    assert cur.fetchall() == [(1, Decimal("1.50000000"), None), (2, Decimal("2.25000000"), None),
                              (4, None, Decimal("3.50000000")), (10, None, Decimal("10.00000000")),
                              (None, None, None)]
    assert [d.scale for d in cur.description] == [0, 8, 8]
    cur.execute("SELECT * FROM (SELECT k, f FROM t) PIVOT (AVG(f) FOR k IN ('a', 'b'))")
    assert cur.fetchall() == [(1.875, 7.833333333333333)]


def test_avg_with_a_filter_is_the_average_of_the_rows_kept(cur: snowreg.dbapi.Cursor) -> None:
    # It failed with DuckDB's macro message under 100038.
    cur.execute("SELECT k, AVG(i) FILTER (WHERE i > 1), SUM(i) FILTER (WHERE i > 1) FROM t GROUP BY k ORDER BY k")
    assert cur.fetchall() == [("a", Decimal("2.000000"), 2), ("b", Decimal("8.000000"), 24)]


@pytest.fixture
def objects(cur: snowreg.dbapi.Cursor) -> snowreg.dbapi.Cursor:
    cur.execute("CREATE TABLE o (g INT, k VARCHAR, v VARIANT)")
    cur.execute("INSERT INTO o SELECT 0, 'name', 'Joe'::VARIANT UNION ALL SELECT 0, 'age', 21::VARIANT "
                "UNION ALL SELECT 1, 'zip', 94401::VARIANT UNION ALL SELECT 1, 'zip', 94401::VARIANT "
                "UNION ALL SELECT 2, 'zip', 1::VARIANT UNION ALL SELECT 2, 'zip', 2::VARIANT "
                "UNION ALL SELECT 3, NULL, 1::VARIANT UNION ALL SELECT 3, 'a', NULL")
    return cur


def test_object_agg_refuses_a_key_given_twice(objects: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/object_agg: "Duplicate keys within a group result
    # in a Duplicate field key 'key' error"; it kept the last value.
    for sql in ("SELECT OBJECT_AGG(k, v) FROM o WHERE g = 1", "SELECT OBJECT_AGG(DISTINCT k, v) FROM o WHERE g = 2",
                "SELECT OBJECT_AGG(k, v) OVER (PARTITION BY g) FROM o WHERE g = 1"):
        with pytest.raises(snowreg.ProgrammingError, match="Duplicate field key 'zip'"):
            objects.execute(sql)


def test_object_agg_distinct_leaves_out_equal_pairs(objects: snowreg.dbapi.Cursor) -> None:
    # "The DISTINCT keyword is supported, but it only filters out duplicate rows where both key and value are
    # equal"; it was a syntax error.
    objects.execute("SELECT g, OBJECT_AGG(DISTINCT k, v) FROM o WHERE g <> 2 GROUP BY g ORDER BY g")
    assert objects.fetchall() == [(0, '{\n  "age": 21,\n  "name": "Joe"\n}'), (1, '{\n  "zip": 94401\n}'), (3, "{}")]
    objects.execute("SELECT g, OBJECT_AGG(k, v) OVER (PARTITION BY g) FROM o WHERE g = 0")
    assert objects.fetchall() == [(0, '{\n  "age": 21,\n  "name": "Joe"\n}')] * 2
    assert objects.execute("SELECT OBJECT_AGG(k, v) FROM o WHERE g > 9").fetchall() == [("{}",)]


def test_count_of_several_expressions_counts_rows_without_a_null(cur: snowreg.dbapi.Cursor) -> None:
    # COUNT([DISTINCT] expr1, expr2, …): the rows (distinct combinations) where no expression is NULL. The
    # form without DISTINCT was refused as "COUNT of a VARCHAR argument".
    cur.execute("SELECT COUNT(k, i), COUNT(i, d, f), COUNT(DISTINCT k, i), COUNT(DISTINCT k, d) FROM t")
    assert cur.fetchall() == [(5, 5, 4, 4)]
    cur.execute("SELECT k, COUNT(k, i) OVER (PARTITION BY k) FROM t ORDER BY k")
    assert cur.fetchall() == [("a", 2)] * 3 + [("b", 3)] * 3


@pytest.mark.parametrize("call", ["MEDIAN(i)", "MODE(i)", "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY i)",
                                  "PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY i)", "OBJECT_AGG(k, i::VARIANT)"])
@pytest.mark.parametrize("over", ["ORDER BY i", "PARTITION BY k ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW"])
def test_window_forms_without_order_by_or_frame(cur: snowreg.dbapi.Cursor, call: str, over: str) -> None:
    # Their pages: "When this function is called as a window function, it does not support: An ORDER BY
    # clause within the OVER clause. Explicit window frames." snowreg answered a running value.
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute(f"SELECT {call} OVER ({over}) FROM t")
    assert info.value.errno == 2000 and "OVER" in info.value.msg
    assert cur.execute(f"SELECT {call} OVER (PARTITION BY k) FROM t WHERE i = 4").fetchall()[0][0] is not None


def test_approx_count_distinct_and_hll_count_exactly(cur: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/approx_count_distinct: an estimate; snowreg's is
    # the exact count (an estimate with no error, DECISIONS.md N38), not DuckDB's own HyperLogLog (50244 here).
    sub = "(SELECT SEQ4() % 50000 g FROM TABLE(GENERATOR(ROWCOUNT => 200000)))"
    cur.execute(f"SELECT APPROX_COUNT_DISTINCT(g), HLL(g), APPROX_COUNT_DISTINCT(DISTINCT g) FROM {sub}")
    assert cur.fetchall() == [(50000, 50000, 50000)]
    cur.execute("SELECT APPROX_COUNT_DISTINCT(k, i), HLL(i) FROM t")
    assert cur.fetchall() == [(4, 4)]
    cur.execute("SELECT k, APPROX_COUNT_DISTINCT(i) OVER (PARTITION BY k) FROM t ORDER BY k")
    assert cur.fetchall() == [("a", 2)] * 3 + [("b", 2)] * 3


def test_approx_percentile_is_a_float(cur: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/approx_percentile: "The output is returned as a
    # DOUBLE value"; it was a NUMBER(38, 0) (DuckDB's approx_quantile of an INT column: 1 and 2 gave 2).
    cur.execute("SELECT APPROX_PERCENTILE(i, 0.5), APPROX_PERCENTILE(d, 0.5) FROM t WHERE k = 'a'")
    assert cur.fetchall() == [(1.5, 1.875)]
    assert [d.type_code for d in cur.description] == [1, 1]
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT APPROX_PERCENTILE(i, 0.5) OVER (ORDER BY i) FROM t")


def test_avg_with_a_filter_over_a_window_is_refused_in_snowflake_words(cur: snowreg.dbapi.Cursor) -> None:
    with pytest.raises(snowreg.NotSupportedError):  # it was DuckDB's "Window function macro bodies …"
        cur.execute("SELECT AVG(i) FILTER (WHERE i > 1) OVER () FROM t")
