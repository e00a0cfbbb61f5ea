"""PARSE_URL (engine/sql/urls.py) and the ARRAY / OBJECT result types of the ARRAY functions
(engine/sql/item_types.py); conformance/sql/docs_strings_5.test holds the documented examples."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.errors import NotSupportedError, ProgrammingError

VARIANT, OBJECT, ARRAY = 5, 9, 10


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE urls")
    yield cursor
    con.close()


def parsed(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    value = cur.fetchone()[0]
    return None if value is None else json.loads(value)


def test_documented_url(cur: Any) -> None:
    assert parsed(cur, "SELECT PARSE_URL('HTTP://USER:PASS@EXAMPLE.INT:4345/HELLO.PHP?USER=1')") == {
        "fragment": None, "host": "USER:PASS@EXAMPLE.INT", "parameters": {"USER": "1"}, "path": "HELLO.PHP",
        "port": "4345", "query": "USER=1", "scheme": "HTTP"}
    assert cur.description[0][1] == OBJECT


@pytest.mark.parametrize(("url", "part", "expected"), [
    ("https://www.snowflake.com/", "path", ""),
    ("http://a.com", "path", None),  # nothing after the host
    ("http://a.com/x/y?a=1#top", "path", "x/y"),
    ("http://a.com/x/y?a=1#top", "fragment", "top"),
    ("http://a.com/x?a=1&b&c=3=4", "parameters", {"a": "1", "b": None, "c": "3=4"}),
    ("http://a.com/x?", "query", ""),
    ("http://a.com:8080", "port", "8080"),
    ("http://a.com:8080", "host", "a.com"),
    ("mailto:abc@xyz.com", "host", None),
    ("mailto:abc@xyz.com?subject=hi", "parameters", {"subject": "hi"}),
])
def test_parts(cur: Any, url: str, part: str, expected: Any) -> None:
    assert parsed(cur, f"SELECT PARSE_URL('{url}')")[part] == expected


def test_no_scheme(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as info:
        cur.execute("SELECT PARSE_URL('example.int/hello.php')")
    assert info.value.errno == 100139 and "scheme not specified" in str(info.value)
    assert parsed(cur, "SELECT PARSE_URL('example.int/hello.php', 1)") == {"error": "scheme not specified"}


def test_over_a_column_ordered_by_it(cur: Any) -> None:
    cur.execute("CREATE TABLE u (s VARCHAR)")
    cur.execute("INSERT INTO u VALUES ('http://b.com/'), ('http://a.com/'), (NULL)")
    cur.execute("SELECT PARSE_URL(s):host::VARCHAR AS h FROM u ORDER BY 1")
    assert cur.fetchall() == [("a.com",), ("b.com",), (None,)]


@pytest.mark.parametrize("call", [
    "PARSE_URL('http://a.com/?a=1&a=2')",  # a parameter named twice: the OBJECT's value not documented
    "PARSE_URL('http://a.com/', 2)",
])
def test_refused(cur: Any, call: str) -> None:
    with pytest.raises(NotSupportedError):
        cur.execute(f"SELECT {call}")


@pytest.mark.parametrize("call", [
    "ARRAY_SORT([2, 1])", "ARRAY_DISTINCT([1, 1])", "ARRAY_INTERSECTION([1], [1])", "ARRAY_EXCEPT([1], [2])",
    "ARRAY_FLATTEN([[1]])", "ARRAY_APPEND([1], 2)", "ARRAY_PREPEND([1], 0)", "ARRAY_INSERT([1], 0, 2)",
    "ARRAY_REMOVE([1, 2], 1)", "ARRAY_REMOVE_AT([1, 2], 0)", "ARRAY_GENERATE_RANGE(1, 3)", "ARRAY_REVERSE([1, 2])",
])
def test_array_functions_describe_an_array(cur: Any, call: str) -> None:
    cur.execute(f"SELECT {call} AS a")
    assert cur.description[0][1] == ARRAY
