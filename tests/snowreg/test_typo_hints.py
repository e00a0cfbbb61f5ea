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


@pytest.fixture
def registry(tmp_path: Path) -> Any:
    """ML.DEV.MY_MODEL (V1, V2 with alias PRODUCTION) owned by ACCOUNTADMIN, and role OUTSIDER (user U),
    which may use the database and schema but holds no privilege on the model."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0], "B": [1.0, 0.0, 1.0]})
    conn = snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg")
    reg = snowreg.Registry(conn)
    for version in ("V1", "V2"):
        reg.log_model(linear_model.LinearRegression().fit(X, X.A), model_name="MY_MODEL", version_name=version,
                      sample_input_data=X)
    for sql in ("ALTER MODEL MY_MODEL VERSION V2 SET ALIAS = PRODUCTION", "CREATE ROLE OUTSIDER", "CREATE USER U",
                "GRANT ROLE OUTSIDER TO USER U", "GRANT USAGE ON DATABASE ML TO ROLE OUTSIDER",
                "GRANT USAGE ON SCHEMA ML.DEV TO ROLE OUTSIDER"):
        conn.cursor().execute(sql)
    conn.close()
    return tmp_path / "reg"


def run_hint(registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], sql: str, *role: str) -> str:
    """What `snowreg run` prints about the failing statement (on standard error)."""
    script = tmp_path / "s.sql"
    script.write_text(f"USE SCHEMA ML.DEV;\n{sql};\n")
    assert cli.main(["run", "--db", str(registry), *role, str(script)]) == 1
    return capsys.readouterr().err.rstrip("\n")


@pytest.mark.parametrize(("sql", "hint"), [
    ("ALTER MODEL my_modl SET COMMENT = 'x'", "    Did you mean MY_MODEL?"),
    ("SELECT mymodel!predict(1.0, 2.0)", "    Did you mean MY_MODEL?"),
    ("SELECT MODEL(my_model, productoin)!predict(1.0, 2.0)", "    Did you mean PRODUCTION?"),
    ("ALTER MODEL my_model SET DEFAULT_VERSION = v7", "    Versions and aliases of ML.DEV.MY_MODEL: V1, V2, PRODUCTION."),
])
def test_a_missing_model_or_version_suggests_a_visible_one(registry: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str], sql: str,
                                                           hint: str) -> None:
    assert run_hint(registry, tmp_path, capsys, sql).splitlines()[-1] == hint


@pytest.mark.parametrize("sql", ["SELECT my_model!predict(1.0)", "SELECT my_model!predict(1.0, 2.0, 3.0)",
                                 "SELECT MODEL(my_model, production)!predict(1.0)"])
def test_a_method_call_with_the_wrong_arguments_shows_the_signature(registry: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    sql: str) -> None:
    """Snowflake's 001044 names only the types given; the hint says what the method takes."""
    err = run_hint(registry, tmp_path, capsys, sql).splitlines()
    assert "001044 (42P13)" in err[0] and err[1].startswith("Invalid argument types for function 'PREDICT': (")
    assert err[-1].endswith("!PREDICT takes (A DOUBLE, B DOUBLE).")  # as SHOW FUNCTIONS writes them


def test_no_hint_names_what_the_role_cannot_see(registry: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """OUTSIDER holds nothing on MY_MODEL: the error is the same as for a missing model, and so is the hint."""
    err = run_hint(registry, tmp_path, capsys, "ALTER MODEL my_modl SET COMMENT = 'x'", "--user", "U",
                   "--role", "OUTSIDER")
    assert "Model 'ML.DEV.MY_MODL' does not exist or not authorized." in err
    assert err.splitlines()[-1].strip() == "^" and "MY_MODEL" not in err


def test_repl_and_check_print_the_object_hint(registry: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from snowreg import repl

    out = io.StringIO()
    with snowreg.connect(database="ML", schema="DEV", path=registry) as conn, create_pipe_input() as pipe:
        pipe.send_text("SHOW VERSIONS IN MODEL my_modle;\n!quit\n")
        assert repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h").run() == 0
    assert "^\nDid you mean MY_MODEL?\n" in out.getvalue()
    script = tmp_path / "c.sql"
    script.write_text("USE SCHEMA ML.DEV;\nDROP MODEL my_modle;\n")
    assert cli.main(["check", str(script), "--db", str(registry)]) == 1
    assert "^\n    Did you mean MY_MODEL?\n" in capsys.readouterr().out


def test_a_missing_table_suggests_a_visible_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`FROM scoring_inptu` got Snowflake's 002003 and nothing more, while a mistyped model got `Did you mean`."""
    script = tmp_path / "t.sql"
    made = ("CREATE DATABASE ML;\nCREATE SCHEMA ML.DEV;\nCREATE TABLE scoring_input (a INT);\nCREATE ROLE R;\n"
            "GRANT USAGE ON DATABASE ML TO ROLE R;\nGRANT USAGE ON SCHEMA ML.DEV TO ROLE R;\n"
            "GRANT ROLE R TO USER ADMIN;\n")
    script.write_text(made + "SELECT * FROM scoring_inptu;\n")
    assert cli.main(["run", str(script)]) == 1
    err = capsys.readouterr().err.rstrip("\n").splitlines()
    assert "Object 'ML.DEV.SCORING_INPTU' does not exist or not authorized." in err[1]
    assert err[-1] == "    Did you mean SCORING_INPUT?"
    script.write_text(made + "USE ROLE R;\nSELECT * FROM scoring_inptu;\n")  # R may not see the table
    assert cli.main(["run", str(script)]) == 1
    assert "SCORING_INPUT" not in capsys.readouterr().err
