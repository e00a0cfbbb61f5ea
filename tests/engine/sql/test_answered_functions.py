"""Functions answered instead of refused: their result types, argument errors, NULL handling and refusals
(conformance/sql/docs_functions_6.test holds the documented examples)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection
from snowreg.errors import NotSupportedError, ProgrammingError

VARIANT, OBJECT, ARRAY, TEXT, NUMBER, TIMESTAMP_LTZ = 5, 9, 10, 2, 0, 6


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE fn6")
    yield cursor
    con.close()


@pytest.mark.parametrize(("call", "type_code"), [
    ("ARRAY_MIN([1, 2])", VARIANT), ("ARRAY_MAX([1, 2])", VARIANT), ("ARRAYS_ZIP([1], [2])", ARRAY),
    ("REGEXP_SUBSTR_ALL('a1', 'a.')", ARRAY), ("REGEXP_EXTRACT_ALL('a1', 'a.')", ARRAY),
    ("TO_OBJECT(PARSE_JSON('{}'))", OBJECT), ("ARRAYS_TO_OBJECT(['a'], [1])", OBJECT), ("TRANSFORM([1], a INT -> a + 1)", ARRAY),
    ("FILTER([1], a INT -> a > 0)", ARRAY), ("CURRENT_AVAILABLE_ROLES()", TEXT), ("CURRENT_ROLE_TYPE()", TEXT),
    ("SYSTIMESTAMP()", TIMESTAMP_LTZ),
])
def test_result_types(cur: Any, call: str, type_code: int) -> None:
    cur.execute(f"SELECT {call} AS r")
    assert cur.description[0][1] == type_code


def test_systimestamp_takes_no_precision(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute("SELECT SYSTIMESTAMP(3)")
    assert info.value.errno == 938


def test_split_to_table_columns_and_types(cur: Any) -> None:
    cur.execute("SELECT * FROM TABLE(SPLIT_TO_TABLE('a,b', ','))")
    assert [(d[0], d[1]) for d in cur.description] == [("SEQ", NUMBER), ("INDEX", NUMBER), ("VALUE", TEXT)]
    assert cur.fetchall() == [(1, 1, "a"), (1, 2, "b")]


def test_split_to_table_reads_a_number_as_its_text_and_an_empty_delimiter_keeps_the_string(cur: Any) -> None:
    assert cur.execute("SELECT value FROM TABLE(SPLIT_TO_TABLE(1020, 2))").fetchall() == [("10",), ("0",)]
    assert cur.execute("SELECT value FROM TABLE(SPLIT_TO_TABLE('abc', ''))").fetchall() == [("abc",)]
    assert cur.execute("SELECT value FROM TABLE(STRTOK_SPLIT_TO_TABLE(''))").fetchall() == []
    assert cur.execute("SELECT value FROM TABLE(STRTOK_SPLIT_TO_TABLE(NULL, ','))").fetchall() == []


def test_split_to_table_through_a_view(cur: Any) -> None:
    cur.execute("CREATE TABLE t (v VARCHAR)")
    cur.execute("INSERT INTO t VALUES ('x y'), ('z')")
    cur.execute("CREATE VIEW w AS SELECT v, value FROM t, LATERAL STRTOK_SPLIT_TO_TABLE(t.v)")
    assert sorted(cur.execute("SELECT * FROM w").fetchall()) == [("x y", "x"), ("x y", "y"), ("z", "z")]


def test_split_to_table_seq_over_a_view_or_subquery_is_refused(cur: Any) -> None:
    cur.execute("CREATE TABLE fn6.public.s (v VARCHAR)")
    cur.execute("CREATE VIEW fn6.public.vs AS SELECT * FROM fn6.public.s")
    for sql in ("SELECT SEQ, value FROM fn6.public.vs, LATERAL SPLIT_TO_TABLE(vs.v, '.')",
                "SELECT SEQ, value FROM (SELECT * FROM fn6.public.s) q, LATERAL STRTOK_SPLIT_TO_TABLE(q.v, '.')"):
        with pytest.raises(NotSupportedError, match="SPLIT_TO_TABLE's SEQ column"):
            cur.execute(sql)


def test_a_left_join_keeps_no_row_the_split_gives_nothing_for(cur: Any) -> None:
    cur.execute("CREATE TABLE fn6.public.n (id INT, s VARCHAR)")
    cur.execute("INSERT INTO fn6.public.n VALUES (1, 'a'), (2, NULL), (3, '')")
    for function, ids in (("SPLIT_TO_TABLE", [1, 3]), ("STRTOK_SPLIT_TO_TABLE", [1])):
        for join in (f"LEFT JOIN LATERAL {function}(n.s, ' ') f ON TRUE",
                     f"LEFT OUTER JOIN TABLE({function}(n.s, ' ')) f ON TRUE"):
            rows = cur.execute(f"SELECT n.id FROM fn6.public.n {join} ORDER BY 1").fetchall()
            assert [r[0] for r in rows] == ids, join


def test_split_to_table_outside_from_is_an_unknown_function(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute("SELECT SPLIT_TO_TABLE('a', 'b')")
    assert info.value.errno == 2140


@pytest.mark.parametrize("sql", [
    "SELECT ARRAY_MAX(PARSE_JSON('[1, \"a\"]'))", "SELECT ARRAY_MIN(PARSE_JSON('[1, null]'))",
    "SELECT ARRAY_MAX(PARSE_JSON('[[1], [2]]'))", "SELECT TO_OBJECT(PARSE_JSON('1'))", "SELECT TO_OBJECT('a')",
    "SELECT TRANSFORM([1, 2], a INT -> NULL)",
    "SELECT CONDITIONAL_CHANGE_EVENT(column2) OVER (ORDER BY column1) FROM VALUES (1, 'a'), (2, NULL), (3, 'b')",
    "SELECT ARRAYS_TO_OBJECT(PARSE_JSON('[\"a\", null]'), [1, 2])", "SELECT ARRAYS_TO_OBJECT(['a', 'a'], [1, 2])",
    "SELECT ARRAY_SUM([1, 2])", "SELECT IS_DATE(TO_VARIANT(CURRENT_DATE()))", "SELECT HASH_AGG(1)",
])
def test_what_cannot_be_faithful_is_refused(cur: Any, sql: str) -> None:
    with pytest.raises(NotSupportedError, match="is not supported by snowreg"):
        cur.execute(sql)


def test_array_min_max_compare_numbers_by_value_and_keep_the_element(cur: Any) -> None:
    rows = cur.execute("SELECT ARRAY_MIN(PARSE_JSON('[10, 9.5, 100]')), ARRAY_MAX(PARSE_JSON('[10, 9.5, 100]')), "
                       "ARRAY_MAX(['b', 'ab']), ARRAY_MIN([TRUE, FALSE]), ARRAY_MAX(NULL)").fetchall()
    assert rows == [("9.5", "100", '"b"', "false", None)]


def test_arrays_zip_keeps_each_inputs_element_as_it_is(cur: Any) -> None:
    rows = cur.execute("SELECT ARRAYS_ZIP(PARSE_JSON('[{\"a\": 1}, null]'), ['x']), ARRAYS_ZIP([])").fetchall()
    assert rows[0][0].replace(" ", "").replace("\n", "") == '[{"$1":{"a":1},"$2":"x"},{"$1":null,"$2":null}]'
    assert rows[0][1] == "[]"


def test_arrays_to_object_errors_are_the_pages(cur: Any) -> None:
    for sql, errno in (("SELECT ARRAYS_TO_OBJECT(['a', 'b'], [1])", 215001), ("SELECT ARRAYS_TO_OBJECT([1], [1])", 215002)):
        with pytest.raises(ProgrammingError) as info:
            cur.execute(sql)
        assert (info.value.errno, info.value.sqlstate) == (errno, "22000")
    row = cur.execute("SELECT ARRAYS_TO_OBJECT(['a', 'b'], PARSE_JSON('[null, [1]]')), ARRAYS_TO_OBJECT(NULL, [1])").fetchone()
    assert (row[0].replace(" ", "").replace("\n", ""), row[1]) == ('{"a":null,"b":[1]}', None)


def test_conditional_change_event_needs_a_window_with_an_order(cur: Any) -> None:
    for sql in ("SELECT CONDITIONAL_CHANGE_EVENT(1)", "SELECT CONDITIONAL_CHANGE_EVENT(1) OVER ()",
                "SELECT CONDITIONAL_CHANGE_EVENT(1) OVER (ORDER BY 1 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)"):
        with pytest.raises(ProgrammingError) as info:
            cur.execute(sql)
        assert "CONDITIONAL_CHANGE_EVENT" in info.value.msg and not isinstance(info.value, NotSupportedError)


def test_conditional_change_event_counts_per_partition_and_ignores_nulls_around_equal_values(cur: Any) -> None:
    rows = cur.execute(
        "SELECT column1, CONDITIONAL_CHANGE_EVENT(column3) OVER (PARTITION BY column1 ORDER BY column2) FROM VALUES "
        "('a', 1, 1), ('a', 2, NULL), ('a', 3, 1), ('a', 4, 2), ('b', 1, 7), ('b', 2, 8) ORDER BY column1, column2"
    ).fetchall()
    assert [r[1] for r in rows] == [0, 0, 0, 1, 0, 1]


def test_transform_coerces_each_element_to_the_lambda_arguments_type(cur: Any) -> None:
    rows = cur.execute("SELECT TRANSFORM([1, 2.5, '3'], a NUMBER -> a * 2), "
                       "TRANSFORM(PARSE_JSON('[\"x\", 1]'), s VARCHAR -> s || '!')").fetchall()
    assert [v.replace(" ", "").replace("\n", "") for v in rows[0]] == ["[2,6,6]", '["x!","1!"]']


def test_an_untyped_lambda_argument_is_a_variant(cur: Any) -> None:
    rows = cur.execute("SELECT FILTER([{'v': 50}, {'v': 75}, {'v': 25}], a -> a:v >= 50), TRANSFORM(['a', 'b'], "
                       "s -> s || '!'), TRANSFORM([{'n': 'x'}], o -> o:n), TRANSFORM([1, 2], a -> a::INT + 1), "
                       "TRANSFORM([1], a -> a * 2), FILTER([1, 2, 3], a -> a > 1)").fetchall()
    assert [v.replace(" ", "").replace("\n", "") for v in rows[0]] == [
        '[{"v":50},{"v":75}]', '["a!","b!"]', '["x"]', "[2,3]",
        "[2.000000000000000e+00]",  # VARIANT arithmetic is a FLOAT, as outside a lambda (TO_VARIANT's DOUBLE text)
        "[2,3]"]


def test_a_json_null_element_is_no_sql_null_in_a_lambda(cur: Any) -> None:
    row = cur.execute("SELECT FILTER(PARSE_JSON('[1, null]'), a -> a IS NULL), "
                      "FILTER(PARSE_JSON('[1, null]'), a -> IS_NULL_VALUE(a)), TRANSFORM(PARSE_JSON('[1, null]'), a -> a)"
                      ).fetchone()
    assert [v.replace(" ", "").replace("\n", "") for v in row] == ["[]", "[null]", "[1,null]"]


def test_columns_named_like_the_engines_lambda_arguments_are_read_as_columns(cur: Any) -> None:
    cur.execute("CREATE TABLE fn6.public.z (i VARIANT, n VARIANT, l VARIANT)")
    cur.execute("INSERT INTO fn6.public.z SELECT PARSE_JSON('[1, 2]'), PARSE_JSON('[\"x\"]'), PARSE_JSON('[5]')")
    row = cur.execute("SELECT ARRAYS_ZIP(i, n), TRANSFORM(i, a INT -> a + 1), FILTER(l, a -> a > 1) FROM fn6.public.z"
                      ).fetchone()
    assert [v.replace(" ", "").replace("\n", "") for v in row] == [
        '[{"$1":1,"$2":"x"},{"$1":2,"$2":null}]', "[2,3]", "[5]"]


def test_a_double_element_keeps_snowflakes_double_text(cur: Any) -> None:
    row = cur.execute("SELECT ARRAY_MAX(PARSE_JSON('[1e5, 2]')), ARRAYS_ZIP(PARSE_JSON('[1e5]')), "
                      "FILTER(PARSE_JSON('[1e5, 2]'), a -> a > 3), TRANSFORM(PARSE_JSON('[1e5]'), a -> a)").fetchone()
    assert [v.replace(" ", "").replace("\n", "") for v in row] == [
        "1.000000000000000e+05", '[{"$1":1.000000000000000e+05}]', "[1.000000000000000e+05]", "[1.000000000000000e+05]"]


def test_a_lambda_reads_no_table_its_role_cannot(cur: Any) -> None:
    cur.execute("CREATE TABLE fn6.public.secret (x INT)")
    cur.execute("CREATE ROLE fn6_reader")
    cur.execute("CREATE USER fn6_user")
    cur.execute("GRANT ROLE fn6_reader TO USER fn6_user")
    other = Connection(cur.connection._catalog, user="fn6_user", role="fn6_reader").cursor()
    with pytest.raises(ProgrammingError) as info:
        other.execute("SELECT FILTER([1], a INT -> a > (SELECT MAX(x) FROM fn6.public.secret))")
    assert info.value.errno == 2003
    with pytest.raises(ProgrammingError) as info:
        other.execute("SELECT TRANSFORM([1], a -> (SELECT MAX(x) FROM fn6.public.secret))")
    assert info.value.errno == 2003


def test_current_available_roles_are_the_users_own(cur: Any) -> None:
    for sql in ("CREATE ROLE fn6_a", "CREATE ROLE fn6_b", "CREATE ROLE fn6_other", "GRANT ROLE fn6_b TO ROLE fn6_a",
                "CREATE USER fn6_u", "GRANT ROLE fn6_a TO USER fn6_u"):
        cur.execute(sql)
    other = Connection(cur.connection._catalog, user="fn6_u", role="PUBLIC").cursor()
    assert other.execute("SELECT CURRENT_AVAILABLE_ROLES()").fetchone() == ('["FN6_A","FN6_B","PUBLIC"]',)
    cur.execute("GRANT ROLE fn6_other TO USER fn6_u")  # a grant shows in the next statement
    assert "FN6_OTHER" in other.execute("SELECT CURRENT_AVAILABLE_ROLES()").fetchone()[0]
