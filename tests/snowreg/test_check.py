"""`snowreg check`: every mistake of a script at its line and column, a clean exit, an untouched registry."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import cli

try:
    from sklearn.linear_model import LinearRegression
except ImportError:  # pragma: no cover - the fixture skips without scikit-learn
    LinearRegression = object


class Tattletale(LinearRegression):  # type: ignore[misc, valid-type]
    """A regressor that leaves a file behind whenever it predicts: shows whether a check ran a model."""

    def predict(self, X: Any) -> Any:
        Path(self.marker).write_text("predicted")
        return super().predict(X)


@pytest.fixture(scope="module")
def registry_dir(registry_factory: Any) -> Path:
    """The shared registry (DB.S: M with V1, V2; T(A, B); role ANALYST with USAGE on M only), plus TELL."""
    pd = pytest.importorskip("pandas")

    def add_tattletale(conn: Any, path: Path) -> None:
        df = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [2.0, 3.0, 5.0]})
        tattletale = Tattletale().fit(df, [1.0, 2.0, 3.0])
        tattletale.marker = str(path.parent / "predicted")
        snowreg.Registry(conn).log_model(tattletale, model_name="TELL", version_name="V1", sample_input_data=df)
        Path(tattletale.marker).unlink(missing_ok=True)

    path: Path = registry_factory(add_tattletale)
    return path


def digest(root: Path) -> dict[str, str]:
    """Every file under a directory with the SHA-256 of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def check(tmp_path: Path, script: str, *args: str) -> int:
    file = tmp_path / "script.sql"
    file.write_text(script)
    return cli.main(["check", str(file), *args])


# One mistake of each kind; the expected (line, column, errno) points at the offending word.
MISTAKES = """\
USE SCHEMA DB.S;
SELECT * FORM T;
ALTER MODEL NOPE SET COMMENT = 'x';
ALTER MODEL M VERSION V9 SET ALIAS = PROD;
ALTER MODEL M VERSION PRODX UNSET ALIAS;
ALTER MODEL M
  DROP VERSION V1;
ALTER MODEL M VERSION V1 SET ALIAS = CHAMPION;
ALTER MODEL M VERSION V1 SET ALIAS = OTHER;
ALTER MODEL M VERSION V2 SET ALIAS = V1;
ALTER MODEL M VERSION V2 SET ALIAS = LAST;
SELECT M!PREDICT(A) FROM T;
SELECT * FROM NOPE_TABLE;
USE ROLE ANALYST;
DROP MODEL M;
"""
EXPECTED = [
    (2, 15, 1003),   # syntax error: the word after FORM
    (3, 13, 2003),   # unknown model
    (4, 23, 2003),   # unknown version
    (5, 23, 2003),   # unknown alias
    (7, 16, 2000),   # dropping the default version
    (9, 23, 2000),   # a second alias on V1
    (10, 38, 2000),  # an alias equal to a version name
    (11, 38, 2000),  # an alias equal to a system alias
    (12, 8, 1044),   # a model call with the wrong number of arguments
    (13, 15, 2003),  # unknown table
    (15, 12, 3001),  # missing privilege for the role
]


def test_each_mistake_is_reported_at_its_line_and_column(registry_dir: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(registry_dir)
    assert check(tmp_path, MISTAKES, "--db", str(registry_dir), "--format", "json") == 1
    found = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["column"], p["errno"]) for p in found] == EXPECTED
    assert {tuple(p) for p in found} == {("file", "line", "column", "errno", "sqlstate", "message")}
    # The line inside Snowflake's message is the file's line, as in the FILE:LINE:COL prefix.
    assert found[0]["message"].startswith("SQL compilation error:\nsyntax error line 2 at position 14")
    assert "Model 'DB.S.NOPE' does not exist or not authorized." in found[1]["message"]
    assert "default version" in found[4]["message"]
    assert found[10]["sqlstate"] == "42501"
    assert digest(registry_dir) == before


def test_text_format_is_file_line_column_and_the_error(registry_dir: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tmp_path, MISTAKES, "--db", str(registry_dir)) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    file = tmp_path / "script.sql"
    assert lines[0] == (f"{file}:2:15: 001003 (42000): SQL compilation error: "
                        "syntax error line 2 at position 14 unexpected 'T'.")
    assert lines[1:3] == ["    SELECT * FORM T;", "    " + " " * 14 + "^"]
    diagnostics = [line for line in lines if line.startswith(str(file))]
    assert len(diagnostics) == len(EXPECTED)
    assert f"{file}:4:23: 002003 (02000): SQL compilation error: Model version 'DB.S.M.V9'" in captured.out
    assert f"{file}: 11 problem(s) in 14 statement(s)" in captured.err


# A script that changes a lot: it must run clean against the copy and leave the original alone.
CLEAN = """\
-- promote V2 and retire V1
ALTER MODEL M VERSION V2 SET ALIAS = CHAMPION;
ALTER MODEL M SET DEFAULT_VERSION = V2;
ALTER MODEL M DROP VERSION V1;
SELECT MODEL(M, CHAMPION)!PREDICT(A, B) AS P FROM T;
WITH mv AS MODEL M VERSION LAST SELECT mv!PREDICT(A, B) FROM T;
CREATE TABLE SCORES AS SELECT M!PREDICT(A, B):output_feature_0::FLOAT AS P FROM T;
SELECT P FROM SCORES;
SHOW VERSIONS IN MODEL M;
GRANT USAGE ON MODEL M TO ROLE ANALYST;
CREATE SCHEMA DB.PROD;
CREATE MODEL DB.PROD.M WITH VERSION V1 FROM MODEL DB.S.M VERSION CHAMPION;
"""


def test_clean_script_exits_zero_and_leaves_the_registry_byte_for_byte(
        registry_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(registry_dir)
    assert check(tmp_path, CLEAN, "--db", str(registry_dir), "--database", "DB", "--schema", "S") == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 problem(s) in 11 statement(s)" in captured.err
    assert digest(registry_dir) == before
    with snowreg.connect(path=registry_dir) as conn:  # the changes happened in the copy only
        rows = conn.cursor().execute("SHOW VERSIONS IN MODEL DB.S.M").fetchall()
    assert [r[1] for r in rows] == ["V1", "V2"]
    assert digest(registry_dir) != {} and (registry_dir / "registry.duckdb").exists()


def test_clean_json_is_an_empty_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(tmp_path, "SELECT 1;\nCREATE DATABASE X;\nSHOW MODELS;\n", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_syntax_errors_do_not_hide_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = ("CREATE DATABASE D;\nSELEC 1;\nCREATE SCHEMA D.S;\n\n  ALTER MODEL;\n"
              "SELECT 'a;b' AS X, $$c;d$$ AS Y; -- a ; in a comment\n"
              "SELECT 1\n  FROM\n  WHERE;\nDROP MODEL D.S.NOPE;")
    assert check(tmp_path, script, "--format", "json") == 1
    found = [(p["line"], p["column"], p["errno"]) for p in json.loads(capsys.readouterr().out)]
    assert found == [(2, 1, 1003), (5, 14, 1003), (9, 3, 1003), (10, 12, 2003)]


def test_role_and_user_options(registry_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = "SHOW VERSIONS IN MODEL DB.S.M;\nSELECT DB.S.M!PREDICT(1.0, 2.0);\nALTER MODEL DB.S.M SET COMMENT = 'x';\n"
    assert check(tmp_path, script, "--db", str(registry_dir), "--role", "ANALYST", "--format", "json") == 1
    found = json.loads(capsys.readouterr().out)
    assert [(p["line"], p["column"], p["errno"]) for p in found] == [(3, 13, 3001)]
    assert check(tmp_path, script, "--db", str(registry_dir)) == 0  # ACCOUNTADMIN may


def test_model_calls_are_typed_not_run(registry_dir: Path, tmp_path: Path) -> None:
    marker = registry_dir.parent / "predicted"
    script = "SELECT TELL!PREDICT(A, B) FROM T;\nSELECT MODEL(TELL, V1)!PREDICT(A, B):output_feature_0 FROM T;\n"
    assert check(tmp_path, script, "--db", str(registry_dir), "--database", "DB", "--schema", "S") == 0
    assert not marker.exists()
    copy = tmp_path / "copy"
    shutil.copytree(registry_dir, copy)
    assert cli.main(["run", str(tmp_path / "script.sql"), "--db", str(copy), "--database", "DB",
                     "--schema", "S"]) == 0
    assert marker.exists()  # the same script, really run, does call the model


def test_cannot_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(tmp_path / "missing.sql")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert check(tmp_path, "SELECT 1;", "--db", str(tmp_path / "no-registry")) == 2
    assert "no registry at" in capsys.readouterr().err
    assert not (tmp_path / "no-registry").exists()


def test_check_script_api() -> None:
    from snowreg.check import check_script

    problems, sources = check_script("SELECT 1;\nDROP MODEL X.Y.Z;", "inline.sql")
    assert [str(p) for p in problems] == [
        "inline.sql:2:12: 002003 (02000): SQL compilation error: Model 'X.Y.Z' does not exist or not authorized."]
    assert sources == ["DROP MODEL X.Y.Z;\n           ^"]


def test_statements_failing_only_for_want_of_a_database_are_told_once(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`snowreg check examples/aliases.sql` without --db printed its failed `USE SCHEMA ML.DEV` and then the same
    090105 under each of the 13 statements after it; the text shows the first, then one line for the rest (the
    JSON for CI still lists each)."""
    script = "USE SCHEMA NOPE.S;\nCREATE TABLE t (a INT);\nSELECT 1;\nCREATE TABLE u (a INT);\nINSERT INTO u VALUES (1);\n"
    assert check(tmp_path, script) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "090105" in line] == [
        f"{tmp_path / 'script.sql'}:2:1: 090105 (22000): Cannot perform CREATE TABLE. This session does not have "
        "a current database. Call 'USE DATABASE', or use a qualified name."]
    assert out[-1] == (f"{tmp_path / 'script.sql'}: 2 more statement(s) failed as well for want of a current "
                       "database (lines 4, 5; --format json lists each)")
    assert check(tmp_path, script, "--format", "json") == 1
    assert [p["line"] for p in json.loads(capsys.readouterr().out)] == [1, 2, 4, 5]
