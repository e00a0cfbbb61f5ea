"""A misspelt keyword in a registry statement: Snowflake's syntax error unchanged, and for people (run,
check, REPL) a `Did you mean …?` line after the caret."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import cli

TYPOS = [
    ("ALTER MODEL m SET DEFAULT_VERSON = v2", "DEFAULT_VERSON", "DEFAULT_VERSION"),
    ("SHOW VERSION IN MODEL m", "VERSION", "VERSIONS"),
    ("ALTER MODLE m SET COMMENT = 'x'", "MODLE", "MODEL"),
    ("ALTER MODEL m VERSIONS v2 SET ALIAS = prod", "VERSIONS", "VERSION"),
    ("ALTER MODEL m MODIFY VERSION v2 SET METADAT = '{}'", "METADAT", "METADATA"),
    ("DROP MODELS m", "MODELS", "MODEL"),
]


@pytest.mark.parametrize(("sql", "word", "keyword"), TYPOS)
def test_the_error_stays_snowflakes_and_carries_a_hint(sql: str, word: str, keyword: str) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        snowreg.connect().cursor().execute(sql)
    err = info.value
    assert err.errno == 1003 and err.msg.endswith(f"unexpected '{word}'.")
    assert "Did you mean" not in err.msg and err.hint == f"Did you mean {keyword}?"


def test_no_hint_for_a_word_like_no_keyword() -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        snowreg.connect().cursor().execute("ALTER MODEL m SET xyzzy = 1")
    assert info.value.hint is None


def test_run_and_check_print_the_hint_after_the_caret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "typo.sql"
    script.write_text("SELECT 1;\nALTER MODEL m SET DEFAULT_VERSON = v2;\n")
    assert cli.main(["run", str(script)]) == 1
    err = capsys.readouterr().err.rstrip("\n").splitlines()
    assert err[-3:] == ["    ALTER MODEL m SET DEFAULT_VERSON = v2;", " " * 22 + "^",
                        "    Did you mean DEFAULT_VERSION?"]
    assert cli.main(["check", str(script)]) == 1
    assert "                      ^\n    Did you mean DEFAULT_VERSION?\n" in capsys.readouterr().out
    assert cli.main(["check", str(script), "--format", "json"]) == 1
    [problem] = json.loads(capsys.readouterr().out)
    assert set(problem) == {"file", "line", "column", "errno", "sqlstate", "message"}  # as documented


def test_repl_prints_the_hint(tmp_path: Path) -> None:
    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from snowreg import repl

    out = io.StringIO()
    conn: Any = snowreg.connect()
    with create_pipe_input() as pipe:
        pipe.send_text("SHOW VERSION IN MODEL m;\n!quit\n")
        assert repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h").run() == 0
    assert "SHOW VERSION IN MODEL m\n     ^\nDid you mean VERSIONS?\n" in out.getvalue()
