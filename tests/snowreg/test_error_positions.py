"""Where errors point: each error about a name the statement writes (a version, an alias, a role, a
table, …) carries that name's line and position, read the same by connect(), `snowreg check`,
`snowreg run` and the REPL, also after other statements, comments and blank lines."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import cli

# `^` marks where the error must point (it is removed from the statement). The registry is the shared
# one of conftest.py (DB.S: M with V1 default and V2; T(A, B); role ANALYST), plus alias CHAMPION on V2.
CASES = [
    # versions and aliases
    ("ALTER MODEL M DROP VERSION ^V9", 2003),
    ("ALTER MODEL M VERSION ^V9 SET ALIAS = PROD", 2003),
    ("ALTER MODEL M VERSION ^NOPE UNSET ALIAS", 2003),
    ("ALTER MODEL M MODIFY VERSION ^V9 SET COMMENT = 'x'", 2003),
    ("ALTER MODEL M SET DEFAULT_VERSION = ^V9", 2003),
    ("ALTER MODEL M SET DEFAULT_VERSION = ^'v9'", 2003),
    ("SHOW FUNCTIONS IN MODEL M VERSION ^V9", 2003),
    ("CREATE MODEL M2 WITH VERSION V1 FROM MODEL M VERSION ^V9", 2003),
    ("SELECT MODEL(M, ^V9)!PREDICT(A, B) FROM T", 2003),
    ("WITH P AS MODEL M VERSION ^V9 SELECT P!PREDICT(A, B) FROM T", 2003),
    ("LIST ^'snow://model/DB.S.M/versions/V9/'", 2003),
    ("ALTER MODEL M ADD VERSION ^V1 FROM MODEL M", 2002),
    ("ALTER MODEL M ADD VERSION ^DEFAULT FROM MODEL M", 2000),
    ("ALTER MODEL M ADD LIVE VERSION ^V2", 2002),
    ("ALTER MODEL M COMMIT VERSION ^NOPE", 2003),
    ("ALTER MODEL M DROP VERSION ^V1", 2000),
    ("ALTER MODEL M VERSION V1 SET ALIAS = ^LAST", 2000),
    ("ALTER MODEL M VERSION V1 SET ALIAS = ^V2", 2000),
    ("ALTER MODEL M VERSION V1 SET ALIAS = ^CHAMPION", 2000),
    ("ALTER MODEL M VERSION ^V2 SET ALIAS = OTHER", 2000),
    # other single names: roles, users, databases, warehouses, tags, stages
    ("USE ROLE ^NOPE", 2003),
    ("GRANT ROLE ^NOPE TO ROLE ANALYST", 2003),
    ("GRANT ROLE ANALYST TO USER ^NOPE", 2003),
    ("SHOW GRANTS TO ROLE ^NOPE", 2003),
    ("CREATE ROLE ^ANALYST", 2002),
    ("DROP DATABASE ^NOPE", 2003),
    ("SHOW MODELS IN DATABASE ^NOPE", 2003),
    ("DROP WAREHOUSE ^NOPE", 2003),
    ("ALTER MODEL M SET TAG ^NOPE = 'x'", 2003),
    ("LIST ^@NOPE", 2003),
    # tables in plain SQL
    ("SELECT * FROM T JOIN ^NOPE ON TRUE", 2003),
    ("DROP TABLE ^NOPE", 2003),
    ("CREATE TABLE ^T (A INT)", 2002),
]

LEAD = "-- why this statement\n  /* and a block comment */  "


def marked(case: str) -> tuple[str, int]:
    """The statement without its `^`, and the offset the `^` marked."""
    return case.replace("^", "", 1), case.index("^")


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and 0-based position (Snowflake's) of an offset."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1)


@pytest.fixture(scope="module")
def registry_dir(registry_factory: Any) -> Path:
    def alias(conn: Any, _path: Path) -> None:
        conn.cursor().execute("ALTER MODEL DB.S.M VERSION V2 SET ALIAS = CHAMPION")

    path: Path = registry_factory(alias)
    return path


@pytest.fixture
def conn(registry_dir: Path, fresh_copy: Any) -> Any:
    return snowreg.connect(database="DB", schema="S", path=fresh_copy(registry_dir))


@pytest.mark.parametrize(("case", "errno"), CASES)
@pytest.mark.parametrize("lead", ["", LEAD], ids=["bare", "after-comments"])
def test_connect_errors_carry_the_names_position(conn: Any, case: str, errno: int, lead: str) -> None:
    sql, at = marked(lead + case)
    with pytest.raises(snowreg.Error) as info:
        conn.cursor().execute(sql)
    assert info.value.errno == errno
    assert (info.value.line, info.value.column) == line_column(sql, at)


def script_of(cases: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A script of the statements, each after a comment line and some blank space, and where each `^`
    is (1-based line and column, as `snowreg check` and `snowreg run` print them)."""
    text, places = "", []
    for i, case in enumerate(cases):
        text += f"-- statement {i}\n\n   " + ("/* x */ " if i % 2 else "")
        if "^" in case:
            sql, at = marked(case)
            line, position = line_column(text + sql, len(text) + at)
            places.append((line, position + 1))
        text += case.replace("^", "") + ";\n"
    return text, places


def test_check_reports_every_error_at_its_name(registry_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    text, places = script_of(["USE SCHEMA DB.S"] + [c for c, _ in CASES] + ["USE ROLE ANALYST", "DROP MODEL ^M"])
    script = tmp_path / "script.sql"
    script.write_text(text)
    assert cli.main(["check", str(script), "--db", str(registry_dir), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["column"]) for p in found] == places
    assert [p["errno"] for p in found] == [e for _, e in CASES] + [3001]


@pytest.mark.parametrize("case", ["ALTER MODEL M VERSION V1 SET ALIAS = ^V2", "SHOW GRANTS TO ROLE ^NOPE",
                                  "SELECT A FROM T JOIN ^NOPE ON TRUE"])
def test_run_stops_at_the_name_with_a_caret(registry_dir: Path, fresh_copy: Any, tmp_path: Path, case: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    text, places = script_of(["USE SCHEMA DB.S", "SELECT 1 AS ONE", case, "SELECT 2"])
    script = tmp_path / "script.sql"
    script.write_text(text)
    assert cli.main(["run", str(script), "--db", str(fresh_copy(registry_dir)), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)) == 2  # the statements before it ran
    line, column = places[0]
    assert captured.err.startswith(f"{script}:{line}:{column}: ")
    lines = captured.err.rstrip("\n").splitlines()
    at = max(i for i, x in enumerate(lines) if x.strip() == "^")  # a hint line may follow the caret
    source, caret = lines[at - 1:at + 1]  # the excerpt, indented by four
    assert source == "    " + text.splitlines()[line - 1]
    assert caret == " " * (4 + column - 1) + "^"


def test_repl_puts_the_caret_under_the_name(conn: Any, tmp_path: Path) -> None:
    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from snowreg import repl

    sql, at = marked("-- first a comment\n  ALTER MODEL M\n    VERSION ^V9 SET ALIAS = PROD")
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("SELECT 1 AS ONE; " + sql + ";\n!quit\n")
        session = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h")
        assert session.run() == 0
    lines = out.getvalue().splitlines()
    caret = next(i for i, t in enumerate(lines) if t.strip() == "^")
    line, position = line_column(sql, at)
    assert lines[caret - 1] == sql.splitlines()[line - 1]
    assert lines[caret].index("^") == position
