"""Spaces and comments before a statement are skipped in linear time. The readers that look at a text's
first words (a Scripting block, a model monitor, the server's statement type) used `(?:\\s+|--[^\\n]*|…)*`,
which on a failed match tried every way of cutting a run of newlines or a `-- -----` banner comment into
pieces: 22 newlines before SHOW took half a second, 30 minutes, and a script with a 76-dash banner (as
examples/multiple_schemas.sql has) never finished. A hang here is the failure."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.server.protocol import first_word

BANNER = "-- 3. Initial setup " + "-" * 200 + "\n"
BLANK = "\n" * 200 + " " * 200


@pytest.mark.parametrize("prefix", [BANNER, BLANK, BANNER * 3 + BLANK, "/* note */" + BLANK + BANNER])
def test_a_statement_after_long_spaces_or_banner_comments_runs(prefix: str) -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        cur = conn.cursor()
        assert cur.execute(prefix + "SELECT 1").fetchall() == [(1,)]
        assert cur.execute(prefix + "SHOW MODELS IN ACCOUNT").fetchall() == []
        assert cur.execute(prefix + "USE ROLE ACCOUNTADMIN").fetchall() == [("Statement executed successfully.",)]


def test_a_syntax_error_after_long_spaces_is_still_a_syntax_error() -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        with pytest.raises(snowreg.ProgrammingError) as caught:
            conn.cursor().execute("ALTER" + " " * 200 + "MODEL" + " " * 200 + "m SET NONSENSE = 1")
    assert caught.value.errno == 1003


def test_blocks_and_model_monitors_are_still_recognised_past_comments() -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        cur = conn.cursor()
        assert cur.execute(BANNER + "/* c */ BEGIN\n  RETURN 7;\nEND").fetchall() == [(7,)]
        assert cur.execute(BLANK + "DECLARE x NUMBER := 3;\nBEGIN\n  RETURN x;\nEND").fetchall() == [(3,)]
        with pytest.raises(snowreg.NotSupportedError, match="MODEL MONITOR"):
            cur.execute(BLANK + "DROP  -- gone\n MODEL" + " " * 50 + "MONITOR mon")


@pytest.mark.parametrize(("text", "word"), [
    (BLANK + ";", ""), (BANNER + ";", ""), (BANNER * 2 + "  insert into t values (1)", "INSERT"),
    ("/* x */ (select 1)", "("), ("-- only a comment " + "-" * 200, ""),
])
def test_the_server_reads_the_first_word_past_any_spaces_and_comments(text: str, word: str) -> None:
    assert first_word(text) == word


def test_a_block_after_a_long_header_comment_is_a_block() -> None:
    """Only the first 400 characters were read to tell a block from other statements, comments included, so a
    script's block after a licence header was a syntax error at DECLARE."""
    header = "".join(f"-- line {i} of a header comment that explains what the block below does\n" for i in range(12))
    with snowreg.connect(database="ML", schema="DEV") as conn:
        cur = conn.cursor()
        assert cur.execute(header + "DECLARE x NUMBER := 3;\nBEGIN\n  RETURN x;\nEND").fetchall() == [(3,)]
        assert cur.execute(header + "BEGIN\n  RETURN 4;\nEND").fetchall() == [(4,)]
        assert cur.execute(header + "BEGIN TRANSACTION").fetchall() == [("Statement executed successfully.",)]
        assert cur.execute("ROLLBACK").fetchall() == [("Statement executed successfully.",)]
