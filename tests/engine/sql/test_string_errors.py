"""Bad input to string and semi-structured functions fails with Snowflake's text, never DuckDB's: CHR of a
value that is no code point, PARSE_JSON of text that is not JSON, UUID_STRING with a namespace that is no UUID,
OBJECT_CONSTRUCT with a key given twice (conformance/sql/docs_strings_6.test holds the documented cases)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import ProgrammingError

_DUCKDB_WORDS = ("Codepoint", "Malformed JSON", "Input:", "byte", "Conversion Error", "INT32", "hex-encoded", "Failure in",
                 "can't be cast")


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE texts")
    cursor.execute("USE SCHEMA texts.public")
    yield cursor
    con.close()


def failure(cur: Any, sql: str) -> ProgrammingError:
    with pytest.raises(ProgrammingError) as caught:
        cur.execute(sql)
        cur.fetchall()
    assert not any(word in caught.value.msg for word in _DUCKDB_WORDS), caught.value.msg
    return caught.value


def test_chr_of_valid_code_points(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/chr
    cur.execute("SELECT column1, CHR(column1) FROM (VALUES (83), (33), (169), (8364), (0), (NULL)) ORDER BY 1 NULLS LAST")
    assert cur.fetchall() == [(0, "\x00"), (33, "!"), (83, "S"), (169, "©"), (8364, "€"), (None, None)]
    cur.execute("SELECT CHAR(1114111), CHR(65.0)")
    assert cur.fetchone() == ("\U0010ffff", "A")


@pytest.mark.parametrize("value", ["-1", "999999999999", "1114112", "55296"])
def test_chr_of_an_invalid_code_point_is_the_pages_error(cur: Any, value: str) -> None:
    error = failure(cur, f"SELECT column1, CHR(column1) FROM (VALUES ({value}))")
    assert error.msg == f"Invalid character code {value} in the CHR input"
    error = failure(cur, f"SELECT CHAR({value})")
    assert error.msg == f"Invalid character code {value} in the CHR input"


def test_chr_of_a_column(cur: Any) -> None:
    cur.execute("CREATE TABLE codes (n INT)")
    cur.execute("INSERT INTO codes VALUES (72), (-7)")
    assert failure(cur, "SELECT CHR(n) FROM codes").msg == "Invalid character code -7 in the CHR input"
    assert cur.execute("SELECT CHR(n) FROM codes WHERE n > 0").fetchall() == [("H",)]


@pytest.mark.parametrize(("text", "reason"), [
    ("abc", 'unknown keyword "abc", pos 3'),
    ("tru", 'unknown keyword "tru", pos 3'),
    ('{"a": 1', "incomplete object value, pos 7"),
    ("[1, 2", "incomplete array value, pos 5"),
    ('"abc', "unterminated string, pos 4"),
])
def test_parse_json_of_text_that_is_not_json(cur: Any, text: str, reason: str) -> None:
    error = failure(cur, f"SELECT PARSE_JSON('{text}')")
    assert error.errno == 100069
    assert error.msg == f"Error parsing JSON: {reason}"


def test_parse_json_of_a_column_that_is_not_json(cur: Any) -> None:
    cur.execute("CREATE TABLE docs (t VARCHAR)")
    cur.execute("""INSERT INTO docs VALUES ('{"ok": true}'), ('{ "bad" : "json", "missing" : TRUE, "close_brace": 10 ')""")
    error = failure(cur, "SELECT PARSE_JSON(t) FROM docs")
    assert error.errno == 100069 and error.msg.startswith("Error parsing JSON: ")
    cur.execute("SELECT TRY_PARSE_JSON(t) IS NULL FROM docs ORDER BY 1")
    assert cur.fetchall() == [(False,), (True,)]


@pytest.mark.parametrize("namespace", ["bad", "zz971b24-9572-4005-b22f-351e9c09274d", "fe971b249572-4005-b22f-351e9c09274d",
                                       "fe971b24-9572-4005-b22f-351e9c09274"])
def test_uuid_string_with_a_namespace_that_is_no_uuid(cur: Any, namespace: str) -> None:
    error = failure(cur, f"SELECT UUID_STRING('{namespace}', 'foo')")
    assert namespace in error.msg


def test_uuid_string_version_5_as_documented(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/uuid_string
    cur.execute("SELECT UUID_STRING('fe971b24-9572-4005-b22f-351e9c09274d', 'foo'), "
                "UUID_STRING('FE971B24-9572-4005-B22F-351E9C09274D', 'foo'), UUID_STRING(NULL, 'foo')")
    assert cur.fetchone() == ("dc0b6f65-fca6-5b4b-9d37-ccc3fde1f3e2", "dc0b6f65-fca6-5b4b-9d37-ccc3fde1f3e2", None)


def test_object_construct_with_a_key_given_twice(cur: Any) -> None:
    error = failure(cur, "SELECT OBJECT_CONSTRUCT('a', 1, 'b', 2, 'a', 3)")
    assert "Duplicate field key 'a'" in error.msg
    cur.execute("CREATE TABLE kv (k VARCHAR, v INT)")
    cur.execute("INSERT INTO kv VALUES ('x', 1)")
    assert "Duplicate field key 'x'" in failure(cur, "SELECT OBJECT_CONSTRUCT(k, v, 'x', 2) FROM kv").msg
    # a pair left out (a NULL value) does not count
    assert cur.execute("SELECT OBJECT_CONSTRUCT('a', NULL, 'a', 1)::VARCHAR").fetchone() == ('{"a":1}',)


def test_object_construct_keep_null_with_a_key_given_twice(cur: Any) -> None:
    assert "Duplicate field key 'a'" in failure(cur, "SELECT OBJECT_CONSTRUCT_KEEP_NULL('a', 1, 'a', NULL)").msg
    assert cur.execute("SELECT OBJECT_CONSTRUCT_KEEP_NULL('a', 1, 'b', NULL)::VARCHAR").fetchone() == ('{"a":1,"b":null}',)


def test_parse_json_reads_keywords_in_any_case(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/try_parse_json: the page's `"y" : FALSE` parses
    cur.execute("""SELECT PARSE_JSON('[ "abc", FALSE, Null, "TRUE"] ')::VARCHAR,
                   TRY_PARSE_JSON('[True, NULL]')::VARCHAR, TRY_PARSE_JSON('[Truth]')""")
    assert cur.fetchone() == ('["abc",false,null,"TRUE"]', "[true,null]", None)


@pytest.mark.parametrize("sql", ["SELECT HEX_DECODE_STRING('FF')", "SELECT BASE64_DECODE_STRING('/w==')",
                                 "SELECT TO_VARCHAR(X'FF', 'UTF-8')"])
def test_bytes_that_are_not_utf8_read_as_text(cur: Any, sql: str) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/hex_decode_string: the bytes must be UTF-8 (F101)
    error = failure(cur, sql)
    assert error.msg.startswith("Invalid UTF8 detected while decoding") and "blob" not in error.msg
    assert cur.execute(sql.replace("SELECT ", "SELECT TRY_", 1) if "DECODE" in sql else "SELECT 1").fetchone()[0] in (None, 1)


def test_positions_and_lengths_past_any_text(cur: Any) -> None:
    # an integer constant beyond DuckDB's INTEGER range is still a position or length (F102): it failed with
    # DuckDB's "Substring offset outside of supported range"
    cur.execute("SELECT LEFT('abc', 99999999999), RIGHT('abc', 99999999999), SUBSTR('abc', 99999999999), "
                "SUBSTR('abc', 1, 99999999999), SPLIT_PART('a.b', '.', 99999999999), STRTOK('a.b', '.', 99999999999), "
                "POSITION('a', 'abc', 99999999999), SUBSTR('abc', -99999999999, 2), LEFT('abc', -99999999999)")
    assert cur.fetchone() == ("abc", "abc", "", "abc", "", None, 0, "", "")


def test_array_elements_that_are_objects_match_whatever_their_key_order(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/array_except: {'a': 1, 'b': 2} is {'b': 2, 'a': 1} (F103)
    cur.execute("SELECT ARRAY_EXCEPT([{'a': 1, 'b': 2}, 1], [{'b': 2, 'a': 1}, 3])::VARCHAR, "
                "ARRAY_CONTAINS({'b': 2, 'a': 1}::VARIANT, [{'a': 1, 'b': 2}]), "
                "ARRAY_SIZE(ARRAY_DISTINCT([{'a': 1, 'b': 2}, {'b': 2, 'a': 1}, {'a': 1}])), "
                "ARRAY_POSITION({'b': 2, 'a': 1}::VARIANT, [0, {'a': 1, 'b': 2}])")
    assert cur.fetchone() == ("[1]", True, 2, 1)


def test_an_integer_argument_beyond_32_bits_is_snowflakes_out_of_range_error(cur: Any) -> None:
    # it was DuckDB's "Type INT64 with value … can't be cast … INT32" under 100038
    error = failure(cur, "SELECT EDITDISTANCE('a', 'b', 99999999999)")
    assert (error.errno, error.msg) == (100039, "Numeric value '99999999999' is out of range")


def test_chr_of_text(cur: Any) -> None:
    assert cur.execute("SELECT CHR('65')").fetchone() == ("A",)
    assert failure(cur, "SELECT CHR('x')").msg == "Numeric value 'x' is not recognized"
