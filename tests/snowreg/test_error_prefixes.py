"""Error places move exactly with what stands before a statement: for each kind of error (unknown model,
version, alias, method, column, table, function, session variable; bad syntax), on the plain road and
on the model-call road, the line and position an error carries shift by a leading line comment, block
comment or blank lines and by nothing else, read through connect() and through `snowreg run` (and the
REPL's caret for a few)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import cli

# `^` marks where the error must point (it is removed from the statement). The registry is the shared
# one of conftest.py: DB.S holds model M (V1 default, V2; no alias CHAMPION) over columns A, B and table
# T(A, B); the session has variable LONG set (a value longer than its name: a place after it must not
# drift).
KINDS = [
    ("unknown model", "SELECT ^NOPE!PREDICT(A, B) FROM T", 2003),
    ("unknown version", "SELECT MODEL(M, ^V9)!PREDICT(A, B) FROM T", 2003),
    ("unknown alias", "WITH P AS MODEL M VERSION ^CHAMPION SELECT P!PREDICT(A, B) FROM T", 2003),
    ("unknown alias, DDL", "ALTER MODEL M SET DEFAULT_VERSION = ^CHAMPION", 2003),
    ("unknown method", "SELECT ^M!NOPE(A, B) FROM T", 2140),
    ("unknown column", "SELECT ^NOSUCH FROM T", 904),
    ("unknown column, second line", "SELECT A,\n       ^NOSUCH\nFROM T", 904),
    ("unknown column after a variable", "SELECT $LONG, ^NOSUCH FROM T", 904),
    ("unknown column after LAST_QUERY_ID()", "SELECT LAST_QUERY_ID(), ^NOSUCH FROM T", 904),
    ("unknown column after a SYSTEM$ call", "SELECT SYSTEM$ML_PLATFORM_CAPABILITIES(), ^NOSUCH FROM T", 904),
    ("unknown column in a call", "SELECT M!PREDICT(^NOSUCH, B) FROM T", 904),
    ("unknown column in MODEL(m, v)", "SELECT MODEL(M, V1)!PREDICT(A, ^NOSUCH) FROM T", 904),
    ("unknown column through WITH", "WITH MV AS MODEL M VERSION V1 SELECT MV!PREDICT(A, ^NOSUCH) FROM T", 904),
    ("unknown column through WITH beside a CTE",
     "WITH X AS (SELECT A, B FROM T), MV AS MODEL M SELECT MV!PREDICT(A, ^NOSUCH) FROM X", 904),
    ("unknown column in a view over a call", "CREATE VIEW V COMMENT = 'x'\n  AS SELECT A,\n  M!PREDICT(A, ^NOSUCH) AS P FROM T",
     904),
    ("unknown column beside a call", "SELECT ^NOSUCH, M!PREDICT(A, B) FROM T", 904),
    ("unknown column after a call", "SELECT M!PREDICT(A, B) FROM T WHERE ^NOSUCH = 1", 904),
    ("unknown column, call over lines", "SELECT A,\n  M!PREDICT(A,\n    ^NOSUCH) FROM T", 904),
    ("unknown column after a variable in a call", "SELECT M!PREDICT($LONG, ^NOSUCH) FROM T", 904),
    ("unknown table", "SELECT * FROM ^NOPE", 2003),
    ("unknown table under a call", "SELECT M!PREDICT(A, B) FROM ^NOPE", 2003),
    ("unknown function", "SELECT ^NOPEFN(A) FROM T", 2140),
    ("unknown function in a call", "SELECT M!PREDICT(^NOPEFN(A), B) FROM T", 2140),
    ("session variable", "SELECT A FROM T WHERE A = ^$NOSUCH", 2211),
    ("session variable in a call", "SELECT M!PREDICT(A, ^$NOSUCH) FROM T", 2211),
    ("session variable in SET", "SET X = 1 + ^$NOSUCH", 2211),
    ("session variable naming an object", "DROP MODEL ^IDENTIFIER($NOSUCH)", 2211),
    ("session variable in UNSET", "UNSET (LONG, ^NOSUCH)", 2211),  # and LONG stays
    ("bad syntax", "^SELEC 1", 1003),
    ("bad syntax in a call", "SELECT M!PREDICT(A ^B) FROM T", 1003),
    ("bad syntax after a call", "SELECT M!PREDICT(A, B) FROM T WHERE A = ^= 1", 1003),
]
PREFIXES = {"bare": "", "line comment": "-- why\n", "block comment": "/* why */ ", "blank lines": "\n\n"}
SETUP = "SET LONG = 'a value longer than its name';\n"
_AT = re.compile(r"line (\d+) at position (\d+)")


def marked(case: str) -> tuple[str, int]:
    """The statement without its `^`, and the offset the `^` marked."""
    return case.replace("^", "", 1), case.index("^")


def line_position(text: str, offset: int) -> tuple[int, int]:
    """Snowflake's place of an offset: 1-based line, 0-based position in that line."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1)


@pytest.fixture(scope="module")
def registry_dir(registry_factory: Any) -> Path:
    path: Path = registry_factory(None)
    return path


@pytest.fixture(scope="module")
def cursor(registry_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One session for every case: each fails, so none changes what the next one sees."""
    import shutil

    copy = tmp_path_factory.mktemp("prefixes") / "registry"
    shutil.copytree(registry_dir, copy)
    conn = snowreg.connect(database="DB", schema="S", path=copy)
    cur = conn.cursor()
    cur.execute(SETUP)
    yield cur
    conn.close()


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
@pytest.mark.parametrize(("kind", "case", "errno"), KINDS, ids=[k for k, _, _ in KINDS])
def test_connect_places_move_with_the_prefix(cursor: Any, kind: str, case: str, errno: int, prefix: str) -> None:
    sql, at = marked(prefix + case)
    with pytest.raises(snowreg.Error) as info:
        cursor.execute(sql)
    error = info.value
    assert error.errno == errno, str(error)
    assert (error.line, error.column) == line_position(sql, at), str(error)
    shown = _AT.search(error.msg)  # a place the message shows is the same place
    if shown is not None:
        assert (int(shown.group(1)), int(shown.group(2))) == (error.line, error.column)


def run_expectation(prefix: str, case: str) -> tuple[str, int, int]:
    """The script (the session's SET first) and where `snowreg run` must report the error: 1-based
    line and column in the file."""
    sql, at = marked(case)
    text = SETUP + prefix + sql + ";\n"
    line, position = line_position(text, len(SETUP) + len(prefix) + at)
    return text, line, position + 1


def run_args(script: Path, registry: Path) -> list[str]:
    return ["run", str(script), "--db", str(registry), "--database", "DB", "--schema", "S", "--format", "json"]


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
@pytest.mark.parametrize(("kind", "case", "errno"), KINDS, ids=[k for k, _, _ in KINDS])
def test_run_places_move_with_the_prefix(registry_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         kind: str, case: str, errno: int, prefix: str) -> None:
    text, line, column = run_expectation(prefix, case)
    script = tmp_path / "script.sql"
    script.write_text(text)
    assert cli.main(run_args(script, registry_dir)) == 1
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 1  # the SET ran
    assert captured.err.startswith(f"{script}:{line}:{column}: {errno:06d} "), captured.err
    lines = captured.err.rstrip("\n").splitlines()
    at = max(i for i, x in enumerate(lines) if x.strip() == "^")  # a hint line may follow the caret
    source, caret = lines[at - 1:at + 1]  # the excerpt, indented by four
    assert source == "    " + text.splitlines()[line - 1]
    assert caret == " " * (4 + column - 1) + "^"


# The same through a `snowreg run` process, for one kind per prefix (a process costs about a second of
# CPU; the in-process runs above cover every pair through the same code).
PROCESS_CASES = [
    ("unknown column in a call", "block comment"),
    ("unknown column through WITH", "line comment"),
    ("session variable in a call", "blank lines"),
    ("unknown function", "bare"),
]
ROTATION = [(kind, case, errno, PREFIXES[prefix]) for wanted, prefix in PROCESS_CASES
            for kind, case, errno in KINDS if kind == wanted]


@pytest.mark.parametrize(("kind", "case", "errno", "prefix"), ROTATION, ids=[f"{k}-{p}" for k, p in PROCESS_CASES])
def test_the_snowreg_run_process_reports_the_place(registry_dir: Path, tmp_path: Path, kind: str, case: str,
                                                   errno: int, prefix: str) -> None:
    text, line, column = run_expectation(prefix, case)
    script = tmp_path / "script.sql"
    script.write_text(text)
    done = subprocess.run([sys.executable, "-m", "snowreg", *run_args(script, registry_dir)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"{script}:{line}:{column}: {errno:06d} "), done.stderr


@pytest.mark.parametrize("case", ["SELECT A,\n  M!PREDICT(A, ^NOSUCH) FROM T", "SELECT M!PREDICT(A, ^$NOSUCH) FROM T",
                                  "SELECT ^NOPEFN(A) FROM T"])
def test_the_repl_puts_the_caret_where_the_error_is(registry_dir: Path, tmp_path: Path, case: str) -> None:
    pytest.importorskip("prompt_toolkit")
    import shutil

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from snowreg import repl

    shutil.copytree(registry_dir, tmp_path / "registry")
    conn = snowreg.connect(database="DB", schema="S", path=tmp_path / "registry")
    sql, at = marked("-- a comment first\n  /* and another */ " + case)
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(sql + ";\n!quit\n")
        session = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h")
        assert session.run() == 0
    lines = out.getvalue().splitlines()
    caret = next(i for i, t in enumerate(lines) if t.strip() == "^")
    line, position = line_position(sql, at)
    assert lines[caret - 1] == sql.splitlines()[line - 1]
    assert lines[caret].index("^") == position
