"""A lone plain SELECT skips the Lark parser: the shortcut must give exactly what the grammar gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from snowreg.grammar import parse
from snowreg.grammar.parse import _parse
from snowreg.grammar.shape import plain_select

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
_SQL_RECORD = re.compile(r"^(?:statement|query)[^\n]*\n(.*?)(?:\n----|\n\n|\Z)", re.S | re.M)


def _corpus() -> list[str]:
    texts = [line for line in (GOLDEN / "statements.sql").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.lstrip().startswith("--")]
    for raw in (GOLDEN / "syntax_errors.txt").read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith("#"):
            texts.append(raw.split("\t", 3)[3].replace("\\n", "\n"))
    for path in sorted((ROOT / "conformance").rglob("*.test")):
        texts += [m.group(1) for m in _SQL_RECORD.finditer(path.read_text(encoding="utf-8"))]
    return texts


CORPUS = _corpus()
HAND = [
    "SELECT 1", "select 1;", "  SELECT a FROM t WHERE b = 'x';", "\n\tSELECT a != b, v:x::int FROM t",
    "SELECT SYSTEM$TYPEOF(1)", "SELECT \"a;b\" FROM t", "SELECT 'a;b'", "SELECT 1 UNION ALL SELECT 2",
    "SELECT * FROM TABLE(FLATTEN(input => PARSE_JSON('[1]')))", "SELECT IFF(a > 1, 'x', 'y') FROM t;",
    "SELECT 1 ;", "SELECT 1; SELECT 2", "SELECT m!predict(1)", "SELECT $1 FROM t", "SELECT 1 -- c",
    "SELECT 'unterminated", "SELECT $$x$$", "WITH x AS (SELECT 1) SELECT * FROM x", "SELECT",
]


def _both(text: str) -> tuple[object, object]:
    try:
        slow: object = [(s, s.span) for s in _parse(text)]
    except Exception as e:  # noqa: BLE001 - the grammar's own error is what the shortcut must not hide
        slow = ("error", type(e).__name__, str(e))
    fast = plain_select(text)
    return slow, fast


@pytest.mark.parametrize("text", HAND + CORPUS)
def test_shortcut_agrees_with_the_grammar(text: str) -> None:
    slow, fast = _both(text)
    if fast is None:
        return  # the grammar decides: nothing to compare
    got = [(s, s.span) for s in parse(text)]
    assert got == slow, text


def test_the_shortcut_takes_plain_selects_and_leaves_the_rest() -> None:
    taken = [t for t in HAND if plain_select(t) is not None]
    assert taken == HAND[:10]
    assert sum(plain_select(t) is not None for t in CORPUS) > 100


def test_the_quick_match_finds_what_the_token_scan_finds() -> None:
    """plain_select's quick match (words, numbers and a few operators) never disagrees with its scan."""
    import random

    from snowreg.grammar.shape import _SIMPLE_SELECT, _scanned_select

    rng = random.Random(13)
    pieces = ["SELECT", "select", " ", "\n", "\t", "1", "0.5", "a", "_b", "T1", ",", ".", "+", "*", "=", "<", ">",
              "-", ";", "'", '"', "$", "(", ")", "/", "!", "ſ", "é", "\x0b", "FROM", "x_1"]
    texts = HAND + CORPUS + ["SELECT 1", " SELECT  a ,b  ", "SELECT a<>b", "SELECT a=>b", "SELECT ſ", "SELECT\x0b1"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    texts += ["SELECT " + "".join(rng.choice(pieces[2:]) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    quick = 0
    for text in texts:
        assert plain_select(text) == _scanned_select(text), repr(text)
        quick += _SIMPLE_SELECT.fullmatch(text) is not None
    assert quick > 500  # the random texts reach the quick match, not only the scan
