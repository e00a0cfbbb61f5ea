"""Two OBJECTs with the same keys and values are one value whatever order their keys were written in
(conformance/DECISIONS.md F108): `=`, `<>`, IN, DISTINCT, GROUP BY and joins compare them by content."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql.json_order import sorted_text


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect(database="DB", schema="PUBLIC")
    cursor = con.cursor()
    cursor.execute("CREATE TABLE v (id INT, o VARIANT)")
    cursor.execute("INSERT INTO v SELECT 1, PARSE_JSON('{\"a\":1,\"b\":2}') UNION ALL "
                   "SELECT 2, PARSE_JSON('{\"b\":2,\"a\":1}') UNION ALL SELECT 3, PARSE_JSON('{\"a\":1,\"b\":3}') UNION ALL "
                   "SELECT 4, OBJECT_CONSTRUCT('b', 2, 'a', 1)")
    yield cursor
    con.close()


def test_equal_objects_compare_equal_whatever_their_key_order(cur: Any) -> None:
    row = cur.execute("SELECT PARSE_JSON('{\"a\":1,\"b\":2}') = PARSE_JSON('{\"b\":2,\"a\":1}'), "
                      "PARSE_JSON('{\"a\":1,\"b\":2}') <> PARSE_JSON('{\"b\":2,\"a\":1}'), {'a': 1, 'b': 2} = {'b': 2, 'a': 1}, "
                      "PARSE_JSON('{\"x\":{\"b\":1,\"a\":2}}') = {'x': {'a': 2, 'b': 1}}, "
                      "PARSE_JSON('{\"a\":1}') = PARSE_JSON('{\"a\":2}')").fetchone()
    assert row == (True, False, True, True, False)


def test_where_in_distinct_group_by_and_join_of_a_variant_column(cur: Any) -> None:
    assert cur.execute("SELECT id FROM v WHERE o = PARSE_JSON('{\"b\":2,\"a\":1}') ORDER BY id").fetchall() == [(1,), (2,), (4,)]
    assert cur.execute("SELECT id FROM v WHERE o IN ({'b': 3, 'a': 1}) ORDER BY id").fetchall() == [(3,)]
    assert cur.execute("SELECT COUNT(DISTINCT o), COUNT(*) FROM (SELECT DISTINCT o FROM v)").fetchone() == (2, 2)
    assert cur.execute("SELECT COUNT(*) FROM v GROUP BY o ORDER BY 1").fetchall() == [(1,), (3,)]
    assert cur.execute("SELECT COUNT(*) FROM v x JOIN v y ON x.o = y.o").fetchone() == (10,)


def test_objects_built_by_functions_keep_their_keys_in_order(cur: Any) -> None:
    row = cur.execute("SELECT OBJECT_INSERT({'b': 1}, 'a', 2)::VARCHAR, OBJECT_CONSTRUCT(k, 1, 'a', 2)::VARCHAR, "
                      "TO_JSON(PARSE_JSON('{\"b\":{\"y\":1,\"x\":[{\"q\":1,\"p\":2}]},\"a\":\"s\"}')) "
                      "FROM (SELECT 'b' AS k)").fetchone()
    assert row == ('{"a":2,"b":1}', '{"a":2,"b":1}', '{"a":"s","b":{"x":[{"p":2,"q":1}],"y":1}}')
    assert cur.execute("SELECT OBJECT_AGG(k, v)::VARCHAR FROM (SELECT 'b' k, 1 v UNION ALL SELECT 'a', 2)"
                       ).fetchone() == ('{"a":2,"b":1}',)
    assert cur.execute("SELECT OBJECT_CONSTRUCT_KEEP_NULL('b', NULL, 'a', 1)::VARCHAR, OBJECT_CONSTRUCT_KEEP_NULL(k, 1, "
                       "'a', 2)::VARCHAR FROM (SELECT 'b' AS k)").fetchone() == ('{"a":1,"b":null}', '{"a":2,"b":1}')


@pytest.mark.parametrize(("text", "expected"), [
    ('{"b" : 1e5, "a":[{"d":"x\\"}","c":null}]}', '{"a":[{"c":null,"d":"x\\"}"}],"b":1e5}'),
    ("[1, 2]", "[1,2]"), ('"a"', '"a"'), ("{}", "{}"), ('{"a":1', '{"a":1'), ("nope", "nope"), (None, None),
])
def test_the_reordering_keeps_every_other_character(text: str | None, expected: str | None) -> None:
    assert sorted_text(text) == expected


def test_a_persistent_view_ordering_keys_still_answers_after_reopening(tmp_path: Path) -> None:
    con = snowreg.connect(path=tmp_path / "reg")
    con.cursor().execute("CREATE DATABASE keep")
    con.cursor().execute("CREATE VIEW keep.public.v AS SELECT PARSE_JSON('{\"b\":1,\"a\":{\"d\":2,\"c\":3}}') AS o")
    con.close()
    con = snowreg.connect(path=tmp_path / "reg")
    try:
        assert con.cursor().execute("SELECT o::VARCHAR FROM keep.public.v").fetchone() == ('{"a":{"c":3,"d":2},"b":1}',)
    finally:
        con.close()
