"""`snowreg run` and the command line itself: results per statement, one document per format, errors at
their file position with a caret, registries that must exist, a reader that leaves early, help texts."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.cli import build_parser, main


def snowreg_cmd(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "snowreg", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=120)


def test_csv_is_one_document_the_last_statements_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "ok.sql"
    script.write_text("CREATE DATABASE d;\nSELECT 1 AS one, 'x,y' AS two UNION ALL SELECT 2, NULL ORDER BY 1;\n")
    assert main(["run", str(script), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert list(csv.reader(io.StringIO(out))) == [["ONE", "TWO"], ["1", "x,y"], ["2", ""]]


def test_json_is_one_array_with_an_object_per_statement(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "ok.sql"
    script.write_text("CREATE DATABASE d;\n\nSELECT 1 AS one, 'x' AS two;\nSELECT 2 AS three;\n")
    assert main(["run", str(script), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [r["statement"] for r in document] == ["CREATE DATABASE d", "SELECT 1 AS one, 'x' AS two",
                                                   "SELECT 2 AS three"]
    assert [r["line"] for r in document] == [1, 3, 4]
    assert document[0]["columns"] == ["status"]
    assert document[1]["columns"] == ["ONE", "TWO"] and document[1]["rows"] == [{"ONE": 1, "TWO": "x"}]
    assert document[2]["rows"] == [{"THREE": 2}]


def test_json_line_is_where_the_statement_starts_after_its_comments(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "commented.sql"
    script.write_text("-- set up\n/* the\n   database */\nCREATE DATABASE d;\n-- then\nSELECT 1 AS one;\n")
    assert main(["run", str(script), "--format", "json"]) == 0
    assert [r["line"] for r in json.loads(capsys.readouterr().out)] == [4, 6]


def test_standard_input_is_named_alike_by_run_and_check(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("run", "check"):
        monkeypatch.setattr("sys.stdin", io.StringIO("SELECT 1;\nSELEC 2;\n"))
        assert main([command, "-"]) == 1
        captured = capsys.readouterr()
        assert (captured.out + captured.err).count("<stdin>:2:1: 001003 (42000)") == 1, command
        assert "-:" not in captured.out + captured.err


def test_json_stays_parseable_when_a_statement_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1 AS one;\nSELECT * FROM nope;\nSELECT 3 AS never;\n")
    assert main(["run", str(script), "--format", "json", "--database", "D"]) == 1
    captured = capsys.readouterr()
    assert [r["rows"] for r in json.loads(captured.out)] == [[{"ONE": 1}]]
    assert captured.err.startswith(f"{script}:2:15: 002003 (42S02)")


def test_csv_prints_nothing_when_a_statement_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1 AS one;\nSELECT * FROM nope;\n")
    assert main(["run", str(script), "--format", "csv", "--database", "D"]) == 1
    assert capsys.readouterr().out == ""


def test_run_stops_at_the_first_error_with_its_location_and_a_caret(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("CREATE DATABASE d;\nSELECT 1;\nALTER MODEL nope SET COMMENT = 'x';\nSELECT 2 AS never;\n")
    assert main(["run", str(script)]) == 1
    captured = capsys.readouterr()
    assert captured.err == (f"{script}:3:13: 002003 (02000): SQL compilation error:\n"
                            "Model 'D.PUBLIC.NOPE' does not exist or not authorized.\n"
                            "    ALTER MODEL nope SET COMMENT = 'x';\n"
                            "    " + " " * 12 + "^\n")
    assert "NEVER" not in captured.out


def test_a_syntax_error_lets_the_statements_before_it_run(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "syntax.sql"
    script.write_text("SELECT 'first' AS a;\n-- a comment\nSELECT 'second' AS b;\n\nALTER MODEL m\n  SET;\n"
                      "SELECT 'never' AS c;\n")
    assert main(["run", str(script)]) == 1
    captured = capsys.readouterr()
    assert "| first |" in captured.out and "| second |" in captured.out and "never" not in captured.out
    # The prefix and the line inside Snowflake's message are both counted in the file.
    assert captured.err == (f"{script}:6:6: 001003 (42000): SQL compilation error:\n"
                            "syntax error line 6 at position 5 unexpected '<EOF>'.\n"
                            "      SET;\n"
                            "    " + " " * 5 + "^\n")


def test_run_and_check_agree_on_where_an_error_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "syntax.sql"
    script.write_text("SELECT 1;\n\n  SELECT *\n  FORM t;\n")
    assert main(["run", str(script)]) == 1
    run_first = capsys.readouterr().err.splitlines()[:2]
    assert main(["check", str(script)]) == 1
    check_first = capsys.readouterr().out.splitlines()[0]
    assert run_first == [f"{script}:4:8: 001003 (42000): SQL compilation error:",
                         "syntax error line 4 at position 7 unexpected 't'."]
    assert check_first == f"{script}:4:8: 001003 (42000): SQL compilation error: " + run_first[1]


def test_a_script_with_windows_line_ends_shows_its_lines_clean(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "crlf.sql"
    script.write_bytes(b"SELECT 1 AS a;\r\nSELECT nope;\r\n")
    assert main(["run", str(script), "--database", "D"]) == 1
    run_err = capsys.readouterr().err
    assert main(["check", str(script), "--database", "D"]) == 1
    check_out = capsys.readouterr().out
    for shown in (run_err, check_out):
        assert "\r" not in shown and "    SELECT nope;\n           ^" in shown


def test_a_missing_registry_is_an_error_with_a_hint_unless_create(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text("CREATE DATABASE kept;\n")
    for command in (["run", "s.sql"], ["repl"]):
        done = snowreg_cmd(*command, "--db", "./typo", cwd=tmp_path, stdin="SELECT 1;\n")
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"snowreg {command[0]}: no registry at ./typo (pass --create to make a new one there, "
            "or `snowreg demo --db ./typo` makes one with the guide's models)"]
        assert not (tmp_path / "typo").exists()
    created = snowreg_cmd("run", "s.sql", "--db", "reg", "--create", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    again = snowreg_cmd("run", "-", "--db", "reg", cwd=tmp_path, stdin="SHOW DATABASES LIKE 'KEPT';\n")
    assert again.returncode == 0 and "| KEPT " in again.stdout  # a relative --db, opened without --create


def test_a_registry_open_elsewhere_is_a_one_line_error(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg"):
        done = snowreg_cmd("run", "-", "--db", "reg", cwd=tmp_path, stdin="SELECT 1;\n")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "in use by another process" in done.stderr
    assert str(tmp_path / "reg") in done.stderr  # it names the directory


def test_a_reader_leaving_early_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "s.sql").write_text("SELECT 1 AS one;\nSELECT 2 AS two;\n")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has left already, as `| head -1` does after its line
    try:
        done = subprocess.run([sys.executable, "-m", "snowreg", "run", "s.sql"], cwd=tmp_path, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 141 and done.stderr == ""


def test_version() -> None:
    done = subprocess.run([sys.executable, "-m", "snowreg", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == f"snowreg {snowreg.__version__}\n"


def test_every_command_and_option_has_help_text() -> None:
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    described = {c.dest: c.help for c in subcommands._choices_actions}
    assert set(described) == set(subcommands.choices) and all(described.values())
    for name, sub in [("snowreg", parser), *subcommands.choices.items()]:
        for action in sub._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{name} {action.option_strings or action.dest} has no help text"


# ---------------------------------------------------------------------------------------------
# snowreg demo
# ---------------------------------------------------------------------------------------------


def test_demo_with_a_relative_db_keeps_a_registry_and_reads_as_a_walkthrough(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    done = snowreg_cmd("demo", "--db", "reg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reg"]  # nothing half-built or temporary left
    for version in ("V1", "V2", "V3"):
        assert f"logged ML.DEV.MY_MODEL {version}:" in out
    # The placeholder's deliberate failure reads as expected, on one line, without a traceback.
    assert ("  expected error: 100357 (P0000): Python Interpreter Error: RuntimeError: model my_model is not "
            "ready for production yet\n") in out
    assert "Traceback" not in out and done.stderr == ""
    assert tempfile.gettempdir() + "/" not in out and str(tmp_path) not in out
    note = out.index("SET METADATA replaces a version's whole metadata")
    assert out.index("=== metrics.sql ===") < note < out.index("SET METADATA = '{\"metric\"")
    assert "go on with `snowreg repl --db reg --database ML --schema DEV`" in out
    kept = snowreg_cmd("run", "--db", "reg", "-", cwd=tmp_path, stdin="SHOW VERSIONS IN MODEL ML.DEV.MY_MODEL;")
    assert kept.returncode == 0 and all(f"| {v} " in kept.stdout for v in ("V1", "V2", "V3"))
    again = snowreg_cmd("demo", "--db", "reg", cwd=tmp_path)
    assert again.returncode == 2 and "reg holds a registry already" in again.stderr


def test_running_quick_start_again_says_how_to_go_on_with_its_registry(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Quick start 1 typed a second time failed at its end with "registry already exists … name a directory that
    does not exist yet", as if the registry the first run kept were in the way."""
    snowreg.connect(path=tmp_path / "registry").close()
    assert main(["demo", "--db", str(tmp_path / "registry")]) == 2
    assert capsys.readouterr().err == (
        f"snowreg demo: {tmp_path / 'registry'} holds a registry already (an earlier demo's?): go on with "
        f"`snowreg repl --db {tmp_path / 'registry'} --database ML --schema DEV`, or name a directory that "
        "does not exist yet\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("not a registry")
    assert main(["demo", "--db", str(tmp_path / "other")]) == 2
    assert "other already exists; the demo builds a new registry" in capsys.readouterr().err


def test_a_failed_demo_leaves_no_half_built_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("sklearn")
    from snowreg import demo, errors

    def fail(root: Path) -> None:  # a step after the first versions were logged
        raise errors.ProgrammingError("disk full", 1, "XX000")

    monkeypatch.setattr(demo, "write_dev_versions", fail)
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--db", "reg"]) == 1
    assert "snowreg demo: 000001 (XX000): disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# Errors of Snowflake Scripting: the positions of a block's text count in the file, a procedure's stay its own
# ---------------------------------------------------------------------------------------------

BLOCKS = """\
CREATE DATABASE d;
CREATE PROCEDURE p() RETURNS INT LANGUAGE SQL AS $$
BEGIN
  SELECT nope;
  RETURN 1;
END;
$$;
SELECT 1; CALL p();
"""


def test_a_failing_procedure_keeps_its_own_positions_and_points_at_the_call(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The body's `line 3 at position 2` and `line 1 at position 7` are in the procedure's text, not the file."""
    script = tmp_path / "call.sql"
    script.write_text(BLOCKS)
    assert main(["run", str(script)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{script}:8:11: 000904 (42000): Uncaught exception of type 'STATEMENT_ERROR' on line 3 at position 2 : "
        "SQL compilation error: error line 1 at position 7",
        "invalid identifier 'NOPE'",
        "    SELECT 1; CALL p();",
        "              ^"]


def test_an_anonymous_blocks_error_points_into_the_block_counted_in_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Snowflake says where the statement stands in the block, then the statement's own error: both are in the
    script's text, so both count in the file, and the caret stands under the unknown name."""
    script = tmp_path / "block.sql"
    script.write_text("CREATE DATABASE d;\n\nBEGIN\n  LET y INT := 5;\n  SELECT 1, nope INTO :y;\n  RETURN y;\nEND;\n")
    assert main(["run", str(script)]) == 1
    run_lines = capsys.readouterr().err.splitlines()
    assert run_lines == [
        f"{script}:5:13: 000904 (42000): Uncaught exception of type 'STATEMENT_ERROR' on line 5 at position 2 : "
        "SQL compilation error: error line 5 at position 12",
        "invalid identifier 'NOPE'",
        "      SELECT 1, nope INTO :y;",
        "    " + " " * 12 + "^"]
    assert main(["check", str(script)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == " ".join(run_lines[:2])


def test_the_uncaught_message_is_snowflakes_on_a_cursor(cur: Any) -> None:
    """Only the command line counts in the file: a cursor gets Snowflake's text, positions in the block."""
    with pytest.raises(snowreg.ProgrammingError) as raised:
        cur.execute("BEGIN\n  LET y INT := 5;\n  SELECT 1, nope INTO :y;\n  RETURN y;\nEND;")
    assert raised.value.msg == ("Uncaught exception of type 'STATEMENT_ERROR' on line 3 at position 2 : "
                                "SQL compilation error: error line 1 at position 10\ninvalid identifier 'NOPE'")


# ---------------------------------------------------------------------------------------------
# A REPL !command in a script: its own line, a clear error, never glued to the next statement
# ---------------------------------------------------------------------------------------------


def test_a_repl_command_in_a_script_is_named_and_stops_run_where_it_stands(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bang.sql"
    script.write_text("SELECT 1 AS one;\n!set output_format=csv\nSELECT 2 AS two;\n")
    assert main(["run", str(script)]) == 1
    captured = capsys.readouterr()
    assert "| ONE |" in captured.out and "TWO" not in captured.out
    assert captured.err.splitlines() == [
        f"{script}:2:1: !set is a command of snowreg repl, not SQL (the REPL's !source runs this script)",
        "    !set output_format=csv",
        "    ^"]


def test_check_reports_a_repl_command_and_checks_the_statement_after_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bang.sql"
    script.write_text("!source other.sql\nSELECT * FROM nope;\n")
    assert main(["check", str(script), "--database", "D", "--format", "json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["column"], p["errno"]) for p in problems] == [(1, 1, None), (2, 15, 2003)]
    assert problems[0]["message"].startswith("!source is a command of snowreg repl, not SQL")


def test_the_demo_shows_timestamps_as_snowreg_run_and_snowflake_do(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo printed the values of its tables with Python's isoformat (`19:11:14.275-08:00`), while `snowreg
    run`, the REPL and Snowflake show them by the session's output formats (`19:11:14.275 -0800`)."""
    import snowreg
    from snowreg import demo

    with snowreg.connect() as conn:
        cur = conn.cursor()
        sql = "SELECT '2024-01-02 03:04:05.678 +0100'::TIMESTAMP_TZ AS t, TRUE AS b"
        cur.execute(sql)
        demo.show(cur, sql)
        assert "| 2024-01-02 03:04:05.678 +0100 | True |" in capsys.readouterr().out
        cur.execute("ALTER SESSION SET TIMESTAMP_TZ_OUTPUT_FORMAT = 'YYYY-MM-DD'")
        cur.execute(sql)
        demo.show(cur, sql)
        assert "| 2024-01-02 | True |" in capsys.readouterr().out


def test_an_example_run_without_db_says_the_registry_is_empty_and_how_to_get_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """examples/aliases.sql run as `snowreg run examples/aliases.sql` (its header says: after `snowreg demo --db
    DIR`, with --db DIR) failed at `USE SCHEMA ML.DEV` with Snowflake's 002003 and nothing more; a newcomer had
    to guess that snowreg run starts from an empty in-memory registry."""
    script = tmp_path / "s.sql"
    script.write_text("USE SCHEMA ML.DEV;\n")
    assert main(["run", str(script)]) == 1
    err = capsys.readouterr().err
    assert "002003 (02000): SQL compilation error:\nSchema 'ML.DEV' does not exist or not authorized." in err
    assert ("    No database ML in this fresh in-memory registry (no --db given): create it in the script, or pass "
            "--db DIR of a registry that has it (`snowreg demo --db DIR` makes one holding ML.DEV).") in err
    assert main(["check", str(script)]) == 1
    assert "No database ML in this fresh in-memory registry" in capsys.readouterr().out
    # A database the script made: the schema is simply missing, and nothing more is said.
    script.write_text("CREATE DATABASE ML;\nUSE SCHEMA ML.DEV;\n")
    assert main(["run", str(script)]) == 1
    assert "fresh in-memory registry" not in capsys.readouterr().err
    # A persistent registry says nothing either: the database is missing from the registry the user chose.
    script.write_text("USE SCHEMA ML.DEV;\n")
    assert main(["run", "--db", str(tmp_path / "reg"), "--create", str(script)]) == 1
    assert "fresh in-memory registry" not in capsys.readouterr().err


def test_run_and_check_take_the_flow_operator_as_the_cursor_does(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`s1 ->> s2` (the README's pipe, https://docs.snowflake.com/en/sql-reference/operators-flow) ran through a
    cursor and the REPL, but snowreg run and check parsed the text as one statement: a syntax error at s2."""
    script = tmp_path / "pipe.sql"
    script.write_text("CREATE DATABASE d;\nSHOW SCHEMAS IN DATABASE d\n  ->> SELECT \"name\" AS n FROM $1 WHERE \"name\" = 'PUBLIC';\n")
    assert main(["run", str(script), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document[-1]["rows"] == [{"N": "PUBLIC"}] and document[-1]["line"] == 2
    assert main(["check", str(script)]) == 0
    capsys.readouterr()
    # An error in a later statement of the chain points into that statement, counted in the file.
    script.write_text("CREATE DATABASE d;\nSELECT 1 AS x\n  ->> SELECT nope FROM $1;\n")
    assert main(["run", str(script)]) == 1
    err = capsys.readouterr().err
    assert f"{script}:3:14: 000904 (42000): SQL compilation error: error line 3 at position 13\ninvalid identifier" in err
    assert "      ->> SELECT nope FROM $1;\n                 ^" in err
    assert main(["check", str(script)]) == 1
    assert f"{script}:3:14: 000904 (42000)" in capsys.readouterr().out
    # After `FROM $1` (read as a longer RESULT_SCAN call) the position is still the one written.
    script.write_text("SELECT 1 AS x ->> SELECT * FROM $1 WHERE nope = 1;\n")
    assert main(["check", str(script)]) == 1
    assert f"{script}:1:42: 000904 (42000): SQL compilation error: error line 1 at position 41 " in capsys.readouterr().out


def test_a_schema_without_its_database_is_refused_or_read_qualified(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`--schema DEV` without --database was silently dropped (the session had no schema at all, though the
    help says "current schema (created when missing)"); `--schema ML.DEV` made one schema named "ML.DEV"."""
    script = tmp_path / "where.sql"
    script.write_text("SELECT CURRENT_DATABASE() AS d, CURRENT_SCHEMA() AS s;\n")
    for command in ("run", "check", "repl", "serve"):
        assert main([command, "--schema", "DEV", *([str(script)] if command in ("run", "check") else [])]) == 2
        assert (f"snowreg {command}: --schema DEV needs --database (or name both: --schema DB.DEV)\n"
                == capsys.readouterr().err)
    assert main(["run", "--schema", "ML.DEV", str(script), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["rows"] == [{"D": "ML", "S": "DEV"}]
    assert main(["run", "--database", "ml", "--schema", 'ml."Dev"', str(script), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["rows"] == [{"D": "ML", "S": "Dev"}]
    assert main(["run", "--database", "OTHER", "--schema", "ML.DEV", str(script)]) == 2
    assert "snowreg run: --schema ML.DEV is in database ML, but --database names OTHER\n" == capsys.readouterr().err


def test_json_nests_variant_object_and_array_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` gave a VARIANT / OBJECT / ARRAY value as a string of its text (a model call's
    `{"output_feature_0": 1}` read back only through fromjson); it is the JSON value itself, table and csv
    keep Snowflake's text."""
    script = tmp_path / "semi.sql"
    script.write_text("SELECT PARSE_JSON('{\"a\": [1, 2.5]}') AS v, OBJECT_CONSTRUCT('k', 'x') AS o, "
                      "ARRAY_CONSTRUCT(1) AS a, PARSE_JSON('\"t\"') AS t, NULL::VARIANT AS n, '[1]' AS s;\n")
    assert main(["run", str(script), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["rows"] == [
        {"V": {"a": [1, 2.5]}, "O": {"k": "x"}, "A": [1], "T": "t", "N": None, "S": "[1]"}]
    assert main(["run", str(script), "--format", "csv"]) == 0
    assert '"{\n  ""k"": ""x""\n}"' in capsys.readouterr().out


def test_a_mistyped_database_or_schema_is_not_made_in_a_persistent_registry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`snowreg repl --db registry --database ML --schema DEVV` made an empty schema DEVV in the registry for
    good, and the prompt then showed no model at all: with --db, what --database / --schema name must exist
    (--create makes it, as it makes the registry); a fresh in-memory registry still makes them."""
    registry = tmp_path / "reg"
    snowreg.connect(database="ML", schema="DEV", path=registry).close()
    script = tmp_path / "where.sql"
    script.write_text("SELECT CURRENT_SCHEMA() AS s;\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # the REPL with a piped (here: empty) input
    for command in ("run", "check", "repl"):
        args = [command, "--db", str(registry), "--database", "ML", "--schema", "DEVV"]
        assert main([*args, *([str(script)] if command != "repl" else [])]) == 2
        create = ", or pass --create to make it" if command != "check" else ""
        assert capsys.readouterr().err == (f"snowreg {command}: no schema ML.DEVV in {registry} "
                                           f"(schemas of ML: DEV, PUBLIC){create}\n")
    assert main(["run", "--db", str(registry), "--database", "MLL", str(script)]) == 2
    assert "no database MLL in " in capsys.readouterr().err
    with snowreg.connect(path=registry) as conn:
        assert [r[1] for r in conn.cursor().execute("SHOW SCHEMAS IN DATABASE ML").fetchall()] == [
            "DEV", "INFORMATION_SCHEMA", "PUBLIC"]
    assert main(["run", "--db", str(registry), "--create", "--schema", "ML.DEVV", str(script), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["S", "DEVV"]
    assert main(["run", "--db", str(registry), "--schema", "ML.DEV", str(script), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["S", "DEV"]
