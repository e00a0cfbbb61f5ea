"""Result types as users see them through the public API: `cursor.description`, CTAS column types, SHOW
timestamps in the session's zone (conformance/sql/result_types.test states the documented rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import snowreg


def _codes(cur: Any, sql: str) -> list[tuple[str, int, int | None]]:
    cur.execute(sql)
    return [(d.name, d.type_code, d.internal_size) for d in cur.description]


def test_array_and_object_expressions_describe_as_array_and_object(cur: Any) -> None:
    found = _codes(cur, "SELECT ARRAY_CONSTRUCT(1, 2) A, OBJECT_CONSTRUCT('a', 1) O, [1, 2] AL, {'a': 1} OL, "
                        "SPLIT('a,b', ',') S, PARSE_JSON('[1]')::ARRAY PA, STRTOK_TO_ARRAY('a b') T, "
                        "ARRAY_AGG(1) OVER () W")
    assert found == [("A", 10, 16777216), ("O", 9, None), ("AL", 10, 16777216), ("OL", 9, None),
                     ("S", 10, 16777216), ("PA", 10, 16777216), ("T", 10, 16777216), ("W", 10, 16777216)]


def test_aggregates_describe_as_array_and_object_also_over_a_join(cur: Any) -> None:
    cur.execute("CREATE TABLE t (k VARCHAR, v NUMBER)")
    cur.execute("INSERT INTO t VALUES ('a', 1), ('b', 2)")
    found = _codes(cur, "SELECT ARRAY_AGG(x.v) A, OBJECT_AGG(x.k, x.v::VARIANT) O FROM t x JOIN t y ON x.k = y.k")
    assert [c[:2] for c in found] == [("A", 10), ("O", 9)]


def test_variant_stays_variant(cur: Any) -> None:
    found = _codes(cur, "SELECT PARSE_JSON('{\"a\": [1]}') V, PARSE_JSON('{\"a\": [1]}'):a P, "
                        "GET(PARSE_JSON('[1]'), 0) G, PARSE_JSON('[1]')[0] I, TO_VARIANT(1) TV")
    assert [c[1] for c in found] == [5, 5, 5, 5, 5]


def test_describe_only_gives_the_same_types(conn: Any) -> None:
    cur = conn.cursor()
    described = cur.describe("SELECT ARRAY_CONSTRUCT(1) A, OBJECT_CONSTRUCT() O, 'abc' T")
    assert [(d.name, d.type_code, d.internal_size) for d in described] == \
        [("A", 10, 16777216), ("O", 9, None), ("T", 2, 3)]


def test_ctas_from_array_and_object_expressions_makes_array_and_object_columns(cur: Any) -> None:
    cur.execute("CREATE TABLE t AS SELECT ARRAY_CONSTRUCT(1, 2) A, OBJECT_CONSTRUCT('k', 1) O, "
                "PARSE_JSON('1') V, 'abc' S, 'ab' || 'cde' C, 'x'::VARCHAR(10) X")
    cur.execute("DESCRIBE TABLE t")
    assert [(r[0], r[1]) for r in cur.fetchall()] == [
        ("A", "ARRAY"), ("O", "OBJECT"), ("V", "VARIANT"), ("S", "VARCHAR(3)"), ("C", "VARCHAR(5)"),
        ("X", "VARCHAR(10)")]
    assert [c[1:] for c in _codes(cur, "SELECT * FROM t")] == [
        (10, 16777216), (9, None), (5, None), (2, 3), (2, 5), (2, 10)]
    cur.execute("SELECT A[1], O:k FROM t")  # still arrays and objects to read from
    assert cur.fetchall() == [("2", "1")]


def test_a_ctas_text_column_sized_by_its_literal_refuses_a_longer_value(cur: Any) -> None:
    cur.execute("CREATE TABLE t AS SELECT 'abc' S")
    with pytest.raises(snowreg.ProgrammingError, match="too long"):
        cur.execute("INSERT INTO t VALUES ('abcd')")


def test_string_literal_and_cast_lengths(cur: Any) -> None:
    found = _codes(cur, "SELECT 'abc' A, 'x'::VARCHAR(10) B, CONCAT('every', 'body') C, UPPER('abc') U, '' E")
    assert found == [("A", 2, 3), ("B", 2, 10), ("C", 2, 9), ("U", 2, 16777216), ("E", 2, 1)]


def _created_on(cur: Any, sql: str) -> dt.datetime:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    value = cur.fetchall()[0][names.index("created_on")]
    assert isinstance(value, dt.datetime)
    return value


@pytest.mark.parametrize("show", ["SHOW DATABASES LIKE 'TEST_DB'", "SHOW TABLES LIKE 'T'", "SHOW ROLES",
                                  "SHOW USERS", "SHOW OBJECTS LIKE 'T'"])
def test_show_timestamps_are_in_the_session_zone(cur: Any, show: str) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    default = _created_on(cur, show)
    assert default.utcoffset() == default.astimezone(ZoneInfo("America/Los_Angeles")).utcoffset()
    cur.execute("ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'")
    tokyo = _created_on(cur, show)
    assert tokyo.utcoffset() == dt.timedelta(hours=9)
    assert tokyo == default  # the same instant


def test_model_versions_version_aliases_is_an_array(tmp_path: Path, classifier: tuple[Any, Any]) -> None:
    x, model = classifier
    conn = snowreg.connect(database="DB", schema="S", path=tmp_path / "reg")
    snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=x)
    cur = conn.cursor()
    found = _codes(cur, "SELECT VERSION_ALIASES, MODEL_NAME FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS")
    assert found == [("VERSION_ALIASES", 10, 16777216), ("MODEL_NAME", 2, 16777216)]
    cur.execute("SELECT * FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS")
    assert {d.name: d.type_code for d in cur.description}["VERSION_ALIASES"] == 10
    conn.close()


def test_result_scan_keeps_the_earlier_result_types(cur: Any) -> None:
    first = _codes(cur, "SELECT ARRAY_CONSTRUCT(1) A, PARSE_JSON('{\"x\": 1}') V, 'ab'::VARCHAR(10) T, "
                        "1.5::NUMBER(5, 2) N, 1.5::FLOAT F, '2024-01-01'::DATE D")
    assert _codes(cur, "SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))") == first
    cur.execute("SELECT V:x, N FROM TABLE(RESULT_SCAN(LAST_QUERY_ID(-2)))")  # still a VARIANT to read
    assert cur.fetchall() == [("1", Decimal("1.50"))]
    assert [d.precision for d in cur.description] == [None, 5]
    cur.execute("CREATE TABLE scanned AS SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID(-3)))")
    cur.execute("DESCRIBE TABLE scanned")
    assert [(r[0], r[1]) for r in cur.fetchall()] == [
        ("A", "ARRAY"), ("V", "VARIANT"), ("T", "VARCHAR(10)"), ("N", "NUMBER(5,2)"), ("F", "FLOAT"), ("D", "DATE")]


def test_describe_result_names_the_earlier_result_types(cur: Any) -> None:
    cur.execute("SELECT OBJECT_CONSTRUCT('k', 1) O, 'x'::VARCHAR(4) T, CURRENT_TIMESTAMP() TS")
    query_id = cur.sfqid
    cur.execute("SELECT 1")
    cur.execute(f"DESC RESULT '{query_id}'")
    assert [(r[0], r[1], r[3]) for r in cur.fetchall()] == [
        ("O", "OBJECT", "Y"), ("T", "VARCHAR(4)", "Y"), ("TS", "TIMESTAMP_LTZ(9)", "Y")]
    assert [d.name for d in cur.description][:3] == ["name", "type", "kind"]
    with pytest.raises(snowreg.ProgrammingError, match="not found"):
        cur.execute("DESCRIBE RESULT 'not-a-query'")


def test_star_with_other_items_keeps_the_declared_and_decided_types(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a ARRAY, s VARCHAR(5))")
    assert _codes(cur, "SELECT 'ab' Y, *, OBJECT_CONSTRUCT() O FROM t") == [
        ("Y", 2, 2), ("A", 10, 16777216), ("S", 2, 5), ("O", 9, None)]


def test_qualified_columns_of_a_join_keep_their_declared_types(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, a ARRAY, s VARCHAR(5) NOT NULL)")
    cur.execute("CREATE TABLE u (id INT, o OBJECT)")
    found = _codes(cur, "SELECT t.a, x.o, t.s FROM t LEFT JOIN u x ON t.id = x.id")
    assert found == [("A", 10, 16777216), ("O", 9, None), ("S", 2, 5)]
    assert cur.description[2].is_nullable  # NOT NULL does not hold through an outer join
    cur.execute("CREATE TABLE j AS SELECT t.a, x.o, t.s FROM t JOIN u x ON t.id = x.id")
    cur.execute("DESCRIBE TABLE j")
    assert [(r[0], r[1]) for r in cur.fetchall()] == [("A", "ARRAY"), ("O", "OBJECT"), ("S", "VARCHAR(5)")]


def test_conditionals_of_arrays_and_objects_keep_their_type(cur: Any) -> None:
    cur.execute("CREATE TABLE t (i INT, a ARRAY, o OBJECT)")
    cur.execute("INSERT INTO t SELECT 1, ARRAY_CONSTRUCT(1), OBJECT_CONSTRUCT('k', 1)")
    found = _codes(cur, "SELECT IFF(i > 1, a, ARRAY_CONSTRUCT()) A1, CASE WHEN i > 1 THEN o ELSE {'x': 1} END O1, "
                        "COALESCE(a, [1]) A2, NVL(o, OBJECT_CONSTRUCT()) O2, NVL2(a, a, NULL) A3, "
                        "DECODE(i, 1, a, [2]) A4, IFF(i > 1, a, PARSE_JSON('[1]')) V1, IFF(i > 1, a, o) V2 FROM t")
    assert [c[1] for c in found] == [10, 9, 10, 9, 10, 10, 5, 5]
    cur.execute("CREATE TABLE c AS SELECT IFF(i > 1, a, ARRAY_CONSTRUCT()) A1, NVL(o, {'x': 1}) O1 FROM t")
    cur.execute("DESCRIBE TABLE c")
    assert [(r[0], r[1]) for r in cur.fetchall()] == [("A1", "ARRAY"), ("O1", "OBJECT")]


def test_subqueries_ctes_views_and_set_operations_keep_array_and_object(cur: Any) -> None:
    cur.execute("CREATE TABLE t (i INT, a ARRAY, o OBJECT)")
    cur.execute("CREATE VIEW v AS SELECT COALESCE(a, [1]) X, o FROM t")
    for sql in ["SELECT x, y FROM (SELECT ARRAY_CONSTRUCT(1) x, OBJECT_CONSTRUCT() y)",
                "SELECT * FROM (SELECT ARRAY_CONSTRUCT(1) x, OBJECT_CONSTRUCT() y)",
                "WITH c AS (SELECT a x, o y FROM t) SELECT x, y FROM c",
                "WITH c AS (SELECT * FROM t), d AS (SELECT * FROM c) SELECT a x, o y FROM d",
                "SELECT s.a, s.o FROM (SELECT * FROM t) s",
                "SELECT x, o FROM v",
                "SELECT a, o FROM t UNION ALL SELECT [1], {'k': 1}",
                "SELECT x, y FROM (SELECT a x, o y FROM t UNION SELECT ARRAY_CONSTRUCT(), OBJECT_CONSTRUCT())"]:
        assert [c[1] for c in _codes(cur, sql)] == [10, 9], sql
    assert [c[1] for c in _codes(cur, "SELECT a FROM t UNION ALL SELECT o FROM t")] == [5]  # not one type


def test_object_keys_come_back_sorted(cur: Any) -> None:
    cur.execute("SELECT OBJECT_CONSTRUCT('b', 1, 'a', 2), {'y': {'d': 1, 'c': 2}, 'x': 3}, PARSE_JSON('{\"b\":1,\"a\":2}')")
    assert cur.fetchone() == ('{\n  "a": 2,\n  "b": 1\n}', '{\n  "x": 3,\n  "y": {\n    "c": 2,\n    "d": 1\n  }\n}',
                              '{\n  "a": 2,\n  "b": 1\n}')


def test_numeric_expressions_follow_the_documented_scales(cur: Any) -> None:
    cur.execute("CREATE TABLE n (a NUMBER(10,2), b NUMBER(5,3), i INT)")
    cur.execute("SELECT a + b, a - b, a * b, -a, ROUND(a, 1), TRUNC(a), TO_NUMBER('12.345', 10, 2), "
                "a::NUMBER(6,1), a / b FROM n")
    assert [(d.type_code, d.precision, d.scale) for d in cur.description] == [
        (0, 12, 3), (0, 12, 3), (0, 15, 5), (0, 10, 2), (0, 10, 1), (0, 10, 0), (0, 10, 2), (0, 6, 1), (0, 38, 8)]
    cur.execute("SELECT SUM(a), MIN(a), COUNT(a), AVG(i) FROM n")
    assert [(d.type_code, d.precision, d.scale) for d in cur.description] == [
        (0, 38, 2), (0, 10, 2), (0, 38, 0), (0, 38, 6)]


def test_two_argument_convert_timezone_is_a_timestamp_tz_in_the_target_zone(cur: Any) -> None:
    cur.execute("ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'")
    cur.execute("SELECT CONVERT_TIMEZONE('America/New_York', '2024-07-01 14:00:00'::TIMESTAMP_NTZ) T, "
                "HOUR(CONVERT_TIMEZONE('America/New_York', '2024-07-01 14:00:00'::TIMESTAMP_NTZ)) H")
    value, hour = cur.fetchone()
    assert [d.type_code for d in cur.description] == [7, 0]
    assert value == dt.datetime(2024, 7, 1, 21, tzinfo=dt.UTC)  # 14:00 in Los Angeles
    assert value.utcoffset() == dt.timedelta(hours=-4) and hour == 17
    cur.execute("SELECT CONVERT_TIMEZONE('Europe/Paris', 'America/New_York', '2024-07-01 14:00:00'::TIMESTAMP_NTZ)")
    assert cur.description[0].type_code == 8  # the three-argument form is a TIMESTAMP_NTZ


def test_typeof_of_values_made_variants_names_their_type(cur: Any) -> None:
    cur.execute("SELECT TYPEOF(TO_VARIANT('2024-01-02'::DATE)), TYPEOF('2024-01-02 03:04:05'::TIMESTAMP_NTZ::VARIANT), "
                "TYPEOF(TO_VARIANT(TO_BINARY('ab', 'HEX'))), TYPEOF(TO_VARIANT(TO_TIMESTAMP_TZ('2024-01-01 00:00 +01:00'))), "
                "TYPEOF(TO_VARIANT(1.5)), TYPEOF(PARSE_JSON('\"x\"'))")
    assert cur.fetchone() == ("DATE", "TIMESTAMP_NTZ", "BINARY", "TIMESTAMP_TZ", "DECIMAL", "VARCHAR")
    cur.execute("CREATE TABLE z (z TIMESTAMP_TZ)")
    cur.execute("INSERT INTO z VALUES ('2024-01-01 10:00:00 +0300')")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("SELECT TYPEOF(TO_VARIANT(z)) FROM z")


def test_check_json_gives_the_documented_message(cur: Any) -> None:
    cur.execute("CREATE TABLE j (v VARCHAR)")
    cur.execute("INSERT INTO j VALUES ('{\"ValidKey1\": \"ValidValue1\"}'), ('{\"Malformed -- Missing value\": }'), "
                "('{\"a\": \"x: }\", \"b\": ]'), (NULL)")
    cur.execute("SELECT CHECK_JSON(v), CHECK_JSON(v::VARIANT) FROM j")
    assert cur.fetchall() == [(None, None), ("misplaced }, pos 32", "misplaced }, pos 32"),
                              ("misplaced ], pos 20", "misplaced ], pos 20"), (None, None)]


def test_numbers_of_different_scales_keep_their_fraction(cur: Any) -> None:
    cur.execute("CREATE TABLE n (a NUMBER(10,2), i INT, j INT, f FLOAT)")
    cur.execute("INSERT INTO n VALUES (12.34, 7, 3, 1.5), (NULL, NULL, 4, NULL)")
    cur.execute("SELECT a FROM n UNION ALL SELECT i FROM n")  # DuckDB's common type would be DECIMAL(38,0)
    assert [r[0] for r in cur.fetchall()] == [Decimal("12.34"), None, Decimal("7.00"), None]
    assert (cur.description[0].precision, cur.description[0].scale) == (38, 2)
    cur.execute("SELECT COALESCE(a, 0), IFF(i > 1, a, 1.5), COALESCE(a, i::NUMBER(38, 2)) FROM n")
    assert cur.fetchall()[0] == (Decimal("12.34"), Decimal("12.34"), Decimal("12.34"))


# (sql, values of the first column, (precision, scale)): columns typed from the catalog, constants from the
# text, other expressions by the check DuckDB folds; each keeps the fraction Snowflake keeps (DECISIONS.md I30-I32)
_KEPT = [
    ("SELECT COALESCE(i, 0.5) FROM n", [Decimal("7.0"), Decimal("0.5")], (38, 1)),
    ("SELECT IFF(i > 100, i, 2.75) FROM n", [Decimal("2.75"), Decimal("2.75")], (38, 2)),
    ("SELECT COALESCE(a, i) FROM n", [Decimal("12.34"), None], (38, 2)),
    ("SELECT GREATEST(a, i) FROM n", [Decimal("12.34"), None], (38, 2)),
    ("SELECT NVL(x.i, y.a) FROM n x JOIN n y ON x.j = y.j", [Decimal("7.00"), None], (38, 2)),
    ("SELECT CASE WHEN j > 3 THEN 0.125 ELSE i END FROM n", [Decimal("7.000"), Decimal("0.125")], (38, 3)),
    ("SELECT COALESCE(i + 0, a) FROM n", [Decimal("7.00"), None], (38, 2)),
    ("SELECT COALESCE(SUM(i), 0.5) FROM n", [Decimal("7.0")], (38, 1)),
    ("WITH c AS (SELECT i FROM n) SELECT COALESCE(i, 0.5) FROM c", [Decimal("7.0"), Decimal("0.5")], (38, 1)),
    ("SELECT COALESCE(a, COALESCE(i, 0.5)) FROM n", [Decimal("12.34"), Decimal("0.50")], (38, 2)),
    ("SELECT IFF(i > 5, i, j) FROM n", [7, 4], (38, 0)),
    ("SELECT COALESCE(a, j) FROM n", [Decimal("12.34"), Decimal("4.00")], (38, 2)),
]


@pytest.mark.parametrize(("sql", "values", "typed"), _KEPT)
def test_conditionals_of_numbers_of_different_scales_keep_the_fraction(cur: Any, sql: str, values: list[Any],
                                                                       typed: tuple[int, int]) -> None:
    cur.execute("CREATE OR REPLACE TABLE n (a NUMBER(10,2), i INT, j INT)")
    cur.execute("INSERT INTO n VALUES (12.34, 7, 3), (NULL, NULL, 4)")
    cur.execute(sql)
    assert [r[0] for r in cur.fetchall()] == values
    assert (cur.description[0].precision, cur.description[0].scale) == typed


def test_a_conditional_in_where_compares_the_kept_fraction(cur: Any) -> None:
    cur.execute("CREATE TABLE n (a NUMBER(10,2), i INT)")
    cur.execute("INSERT INTO n VALUES (12.34, 7)")
    cur.execute("SELECT i FROM n WHERE CASE WHEN i > 1 THEN a ELSE i END > 12.3")
    assert cur.fetchall() == [(7,)]  # 12.34, not 12


def test_conditionals_of_float_or_text_values_keep_their_type(cur: Any) -> None:
    cur.execute("CREATE TABLE n (i INT, f FLOAT, s VARCHAR)")
    cur.execute("INSERT INTO n VALUES (7, 1.5, 'x')")
    cur.execute("SELECT COALESCE(i, f), COALESCE(f, 0.5), IFF(i > 1, s, 'y') FROM n")
    assert cur.fetchall() == [(7.0, 1.5, "x")]
    assert [d.type_code for d in cur.description] == [1, 1, 2]


def test_a_table_altered_between_runs_is_typed_again(cur: Any) -> None:
    cur.execute("CREATE TABLE n (a NUMBER(10,2), i INT)")
    cur.execute("INSERT INTO n VALUES (12.34, 7)")
    cur.execute("SELECT COALESCE(a, i) FROM n")
    assert cur.fetchall() == [(Decimal("12.34"),)]
    cur.execute("CREATE OR REPLACE TABLE n (a NUMBER(10,3), i INT)")
    cur.execute("INSERT INTO n VALUES (1.125, 7)")
    cur.execute("SELECT COALESCE(a, i) FROM n")
    assert cur.fetchall() == [(Decimal("1.125"),)]
    assert cur.description[0].scale == 3


def test_a_check_learnt_for_a_text_is_forgotten_after_ddl_and_keeps_an_open_transaction(cur: Any) -> None:
    cur.execute("CREATE TABLE n (a NUMBER(10,2), i INT)")
    cur.execute("INSERT INTO n VALUES (12.34, 7)")
    sql = "SELECT COALESCE(i + 0, a) FROM n"  # i + 0: typed by the check DuckDB folds, not the catalog
    assert cur.execute(sql).fetchall() == [(Decimal("7.00"),)]
    cur.execute("CREATE OR REPLACE TABLE n (a FLOAT, i INT)")
    cur.execute("INSERT INTO n VALUES (1.5, 7)")
    assert cur.execute(sql).fetchall() == [(7.0,)]
    assert cur.description[0].type_code == 1  # a FLOAT, not the NUMBER(38, 2) learnt before
    cur.execute("CREATE OR REPLACE TABLE n (a NUMBER(10,2), i INT)")
    cur.execute("BEGIN")
    cur.execute("INSERT INTO n VALUES (1.25, NULL)")
    assert cur.execute("SELECT COALESCE(i * 1, a) FROM n").fetchall() == [(Decimal("1.25"),)]
    cur.execute("COMMIT")
    assert cur.execute("SELECT COUNT(*) FROM n").fetchall() == [(1,)]
