"""SELECTs of integer literals are translated without sqlglot, into exactly what sqlglot's path makes.

`engine.sql.translation.trivial` writes the DuckDB text of `SELECT 1` (and `SELECT 1, 2`) itself, so a
fresh interpreter that connects and runs `SELECT 1` never imports sqlglot (tests/project/test_imports.py).
Here: for every text it accepts, its translation equals `translate.translate`'s field for field, and
through connect() the answers (rows and column metadata) equal those of the same statement sent the
long way (the text with a trailing comment, which `trivial` refuses).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from snowreg.engine.sql import prebuilt, translate
from snowreg.engine.sql.translation import trivial

ACCEPTED = [
    "SELECT 1", "select 1", "SeLeCt 0", "SELECT 1, 2", "SELECT 1,2,3", "SELECT  7 ,  8", "\n SELECT\t42 \n",
    "SELECT 1, 1", "SELECT 123456789012345678", "SELECT 999999999999999999, 0",
]
REFUSED = [
    "SELECT 01", "SELECT -1", "SELECT +1", "SELECT 1.0", "SELECT 1e3", "SELECT 1 AS x", "SELECT 1;",
    "SELECT 1 -- c", "SELECT 1 /* c */", "SELECT '1'", "SELECT 1234567890123456789", "SELECT 1 + 1",
    "SELECT 1 FROM t", "SELECT", "SELECT ,1", "SELECT 1,", "WITH x AS (SELECT 1) SELECT 1", "SELECT ١",
    "SELECT 1 UNION SELECT 2", "SELECT DISTINCT 1", "SELECT TOP 1 1",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_trivial_translation_equals_sqlglots(text: str) -> None:
    fast = trivial(text)
    assert fast is not None
    assert fast == translate.translate(text)
    assert fast == translate.translate(text, floats=frozenset())


@pytest.mark.parametrize("text", REFUSED)
def test_other_texts_take_sqlglots_path(text: str) -> None:
    assert trivial(text) is None


@pytest.mark.parametrize("text", ["SELECT 1", "SELECT 1, 2", "SELECT 0, 123456789012345678", "select 5,5"])
def test_answers_equal_the_long_ways(cur: Any, text: str) -> None:
    cur.execute(text)
    short = (cur.fetchall(), [tuple(d) for d in cur.description])
    cur.execute(text + " -- the comment keeps it on sqlglot's path")
    long = (cur.fetchall(), [tuple(d) for d in cur.description])
    assert short == long
    assert short[0] == [tuple(int(d) for d in text.split(None, 1)[1].split(","))]


def test_the_function_file_name_covers_every_module_making_the_macros() -> None:
    """prebuilt names its file by the source of `_MACRO_SOURCES`: every engine.sql module the macro
    modules import must be among them, or a change there would keep a stale file."""
    here = Path(prebuilt.__file__).parent
    sources = set(prebuilt._MACRO_SOURCES)  # noqa: SLF001
    for name in ("variant", "numbers", "dates", "arrays"):
        assert name in sources
    for name in sources:
        tree = ast.parse((here / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "snowreg.engine.sql":
                assert {a.name for a in node.names} <= sources, name
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snowreg.engine.sql."):
                assert node.module.rsplit(".", 1)[1] in sources, name
