"""The shape caches change nothing: the conformance SQL corpus gives the same answers with them and without.

Each query of the corpus runs as written and with its value literals changed twice (so a shape is
seen, then templated, then answered from the template), on two connections that run the same
statements in the same order: one with the shape caches, one without. Rows, column metadata and
errors must be identical.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.grammar import shape

ROOT = Path(__file__).resolve().parents[3]  # tests/engine/sql/ -> the checkout
CORPUS = sorted((ROOT / "conformance" / "sql").glob("*.test")) + [ROOT / "conformance" / "core" / "plain_sql.test"]
# Answers that change from one run to the next, or name the query they ran in.
_UNSTABLE = re.compile(r"^\s*(?:SHOW|DESC)|CURRENT_|SYSDATE|GETDATE|LOCALTIME|UUID|RANDOM|LAST_QUERY_ID|RESULT_SCAN|->>|NEXTVAL"
                       r"|SEQ\d|CURRENT_STATEMENT|SELECT\s+\*\s+FROM\s+\S*INFORMATION_SCHEMA\.", re.I)  # the last: CREATED times
_IDS = re.compile(r"\d{16,}")  # a transaction's id in an error's text: each connection has its own
_SHIFT = str.maketrans("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
                       "1234567890bcdefghijklmnopqrstuvwxyzaBCDEFGHIJKLMNOPQRSTUVWXYZA")


def _records(path: Path) -> list[Any]:
    spec = importlib.util.spec_from_file_location("_conformance_runner", ROOT / "conformance" / "runner.py")
    assert spec is not None and spec.loader is not None
    runner = sys.modules.get(spec.name)
    if runner is None:
        runner = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(runner)
    return [r for r in runner.parse_file(path) if r.kind in ("statement", "query")]


def _variants(sql: str) -> Iterator[str]:
    """The text itself, then twice with every lifted literal changed (same length and class)."""
    yield sql
    found = shape.lift(sql)
    if found is None or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return
    text = sql
    for _ in range(2):
        out, pos = [], 0
        for a, b in found.spans:
            literal = text[a:b]
            changed = literal.translate(_SHIFT)
            if changed[0] == "0" and len(changed) > 1 and changed[1] != ".":
                changed = "1" + changed[1:]  # no leading zero: it must stay a plain number
            out += [text[pos:a], changed]
            pos = b
        text = "".join(out) + text[pos:]
        yield text


def _answer(cur: Any, sql: str, cached: bool, rowsort: bool) -> tuple[Any, ...]:
    """What the statement answers; rows in a stable order where the case leaves their order open."""
    shape.ENABLED = cached
    try:
        cur.execute(sql)
        rows = cur.fetchall() if cur.description else None
        if rows is not None and rowsort:
            rows.sort(key=repr)
        return ("ok", rows, [tuple(d) for d in cur.description or ()])
    except snowreg.Error as e:
        return ("error", e.errno, e.sqlstate, _IDS.sub("<id>", e.msg))
    finally:
        shape.ENABLED = True


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_same_with_and_without_shape_cache(path: Path) -> None:
    cached, plain = snowreg.connect().cursor(), snowreg.connect().cursor()
    compared = 0
    for record in _records(path):
        if _UNSTABLE.search(record.sql):
            continue
        for sql in _variants(record.sql):
            want = _answer(plain, sql, cached=False, rowsort=record.sort == "rowsort")
            got = _answer(cached, sql, cached=True, rowsort=record.sort == "rowsort")
            assert got == want, f"{record.where}: {sql}"
            compared += 1
    assert compared > 0


def test_select_literals_share_a_shape_and_keep_their_types() -> None:
    cur = snowreg.connect().cursor()
    seen = []
    for sql in ["SELECT 5", "SELECT 6", "SELECT 7", "SELECT 1.5", "SELECT 2.5", "SELECT 3.5",
                "SELECT 'ab', 10 + 1 AS n", "SELECT 'cd', 20 + 2 AS n", "SELECT 'e f', 30 + 3 AS n"]:
        cur.execute(sql)
        seen.append((cur.fetchall(), [(d.name, d.type_code, d.precision, d.scale) for d in cur.description]))
    assert seen[2] == ([(7,)], [("7", 0, 38, 0)])
    assert seen[5][0] == [(__import__("decimal").Decimal("3.5"),)] and seen[5][1][0][:2] == ("3.5", 0)
    assert seen[8] == ([("e f", 33)], [("'E F'", 2, None, None), ("N", 0, 38, 0)])


def test_value_dependent_literals_stay_in_the_shape() -> None:
    # LIMIT n, ORDER BY position and a TO_DATE format are not values: each text is translated anew.
    cur = snowreg.connect().cursor()
    cur.execute("CREATE DATABASE shp")
    cur.execute("CREATE TABLE shp.public.t (a INT, b TEXT)")
    cur.execute("INSERT INTO shp.public.t VALUES (1, 'z'), (2, 'y'), (3, 'x')")
    assert cur.execute("SELECT a, b FROM shp.public.t ORDER BY 1 LIMIT 2").fetchall() == [(1, "z"), (2, "y")]
    assert cur.execute("SELECT a, b FROM shp.public.t ORDER BY 2 LIMIT 1").fetchall() == [(3, "x")]
    assert cur.execute("SELECT a, b FROM shp.public.t ORDER BY 1 LIMIT 3").fetchall() == [(1, "z"), (2, "y"), (3, "x")]
    dates = [cur.execute(f"SELECT TO_DATE('{d}', '{f}')").fetchall()[0][0].isoformat()
             for d, f in [("2024-01-02", "YYYY-MM-DD"), ("2024-02-01", "YYYY-DD-MM"), ("2024-03-04", "YYYY-MM-DD")]]
    assert dates == ["2024-01-02", "2024-01-02", "2024-03-04"]


@pytest.mark.parametrize("sql", ["SELECT {} AS n", "SELECT {} + 1 AS n, 'x' AS s",
                                 "SELECT a FROM shp2.public.t WHERE a > {} ORDER BY a"])
def test_a_known_shape_is_not_translated_again(sql: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """After two texts of one shape, a third is answered from the template (no sqlglot translation):
    every field of the translation must be carried by the template, or it would be rejected. (A bare
    `SELECT 103` never reaches the templates: engine.sql.translation.trivial writes its translation.)"""
    from snowreg.engine.sql import shapes, translate

    cur = snowreg.connect().cursor()
    cur.execute("CREATE DATABASE shp2")
    cur.execute("CREATE TABLE shp2.public.t (a INT)")
    cur.execute("INSERT INTO shp2.public.t VALUES (1), (2), (3)")
    expected = [cur.execute(sql.format(n)).fetchall() for n in (101, 102)]
    calls: list[str] = []
    real = translate.translate
    monkeypatch.setattr(translate, "translate", lambda text, *a, **k: calls.append(text) or real(text, *a, **k))
    third = cur.execute(sql.format(103)).fetchall()
    assert calls == [], calls
    monkeypatch.setattr(shapes, "_templates", {})  # the same text translated afresh answers the same
    monkeypatch.setattr(shapes, "_filled", {})
    assert third == cur.execute(sql.format(103)).fetchall()
    assert calls == [sql.format(103)] and len(expected) == 2
