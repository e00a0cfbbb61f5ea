"""JSON_INDENT (https://docs.snowflake.com/en/sql-reference/parameters#json-indent): the spaces each new element of
a VARIANT / OBJECT / ARRAY result is indented by, 0 to 16, 0 the compact text without blank spaces or newlines
(conformance/DECISIONS.md V18-V19)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql.variant_values import relaid

_Q = ("SELECT OBJECT_CONSTRUCT('a', 1, 'b', ARRAY_CONSTRUCT(1, 'x: y', OBJECT_CONSTRUCT())), "
      "PARSE_JSON('\"text, with: spaces\"'), ARRAY_CONSTRUCT(), 'plain  text'")


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        yield conn.cursor()


def test_the_default_is_two_spaces_and_zero_is_compact(cur: Any) -> None:
    row = cur.execute(_Q).fetchone()
    assert row[0] == '{\n  "a": 1,\n  "b": [\n    1,\n    "x: y",\n    {}\n  ]\n}'
    cur.execute("ALTER SESSION SET JSON_INDENT = 0")
    assert cur.execute(_Q).fetchone() == ('{"a":1,"b":[1,"x: y",{}]}', '"text, with: spaces"', "[]", "plain  text")
    cur.execute("ALTER SESSION SET JSON_INDENT = 4")
    assert cur.execute(_Q).fetchone()[0] == '{\n    "a": 1,\n    "b": [\n        1,\n        "x: y",\n        {}\n    ]\n}'
    assert cur.execute("SHOW PARAMETERS LIKE 'JSON_INDENT'").fetchone()[1:4] == ("4", "2", "SESSION")
    cur.execute("ALTER SESSION UNSET JSON_INDENT")
    assert cur.execute(_Q).fetchone()[0] == row[0]


def test_at_connect() -> None:
    with snowreg.connect(session_parameters={"JSON_INDENT": 0}) as conn:
        assert conn.cursor().execute("SELECT ARRAY_CONSTRUCT(1, 2)").fetchone()[0] == "[1,2]"


@pytest.mark.parametrize("text", ['{\n  "k\\": ": "v: w",\n  "z": [\n    "\\"a\\": 1"\n  ]\n}', '42', '"a  b"'])
def test_keys_and_strings_keep_their_text(text: str) -> None:
    import json

    assert json.loads(relaid(text, 0)) == json.loads(text) and json.loads(relaid(text, 7)) == json.loads(text)
    assert "\n" not in relaid(text, 0)
