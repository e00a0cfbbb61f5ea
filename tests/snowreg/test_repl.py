"""`snowreg repl`: completion in every context, multi-line entry, errors, !-commands, history, piped input."""

from __future__ import annotations

import argparse
import io
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prompt_toolkit")

from prompt_toolkit.document import Document  # noqa: E402
from prompt_toolkit.input import create_pipe_input  # noqa: E402
from prompt_toolkit.output import DummyOutput  # noqa: E402

import snowreg  # noqa: E402
from snowreg import repl  # noqa: E402
from snowreg.repl_complete import SqlCompleter  # noqa: E402
from snowreg.repl_objects import Objects  # noqa: E402

ENTER = "\r"
CTRL_C = "\x03"
CTRL_D = "\x04"
UP = "\x1b[A"


@pytest.fixture(scope="module")
def registry_dir(registry_factory: Any) -> Path:
    """The shared registry (DB.S: M with V1, V2; T(A, B); role ANALYST), plus alias CHAMPION on V2,
    model SECRET and schema DB.OTHER."""
    def extra(conn: Any, path: Path) -> None:
        cur = conn.cursor()
        for sql in [
            "ALTER MODEL M VERSION V2 SET ALIAS = CHAMPION",
            "CREATE MODEL SECRET WITH VERSION V1 FROM MODEL M VERSION V1",
            "CREATE SCHEMA DB.OTHER",  # also makes it the current schema, as in Snowflake
        ]:
            cur.execute(sql)

    path: Path = registry_factory(extra)
    return path


@pytest.fixture
def conn(registry_dir: Path, fresh_copy: Any) -> Iterator[Any]:
    with snowreg.connect(database="DB", schema="S", path=fresh_copy(registry_dir)) as c:
        yield c


@pytest.fixture
def complete(conn: Any) -> Any:
    completer = SqlCompleter(Objects(conn))

    def run(text: str, cursor: int | None = None) -> dict[str, str]:
        doc = Document(text, len(text) if cursor is None else cursor)
        return {c.text: c.display_meta_text for c in completer.get_completions(doc, None)}  # type: ignore[arg-type]
    return run


def drive(conn: Any, keys: str, tmp_path: Path, history: Path | None = None) -> str:
    """Type `keys` into a REPL over `conn` and return everything it printed."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        session = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(),
                            history_file=history or tmp_path / "history")
        assert session.run() == 0
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Completion, context by context
# ---------------------------------------------------------------------------------------------


def test_keywords_follow_the_grammar(complete: Any) -> None:
    assert {"SELECT", "SHOW", "ALTER", "GRANT", "USE"} <= complete("").keys()
    shown = complete("SHOW ")
    assert {"MODELS", "VERSIONS", "FUNCTIONS", "GRANTS"} <= shown.keys() and "SELECT" not in shown
    after_model = complete("ALTER MODEL M ")
    assert {"SET", "UNSET", "VERSION", "ADD", "DROP", "MODIFY", "RENAME"} <= after_model.keys()
    assert set(complete("ALTER MODEL M VERSION V1 ")) == {"SET", "UNSET"}
    assert complete("sh") == {"show": "keyword"}  # follows the case being typed
    assert "MODEL" in complete("SELECT 1; ALTER M")


def test_databases_and_schemas(complete: Any) -> None:
    assert complete("USE DATABASE ")["DB"] == "database"
    assert "DB" in complete("SHOW SCHEMAS IN DATABASE ")
    schemas = complete("USE SCHEMA ")
    assert {"S", "OTHER", "PUBLIC"} <= schemas.keys() and schemas["S"] == "schema"
    assert {"S", "OTHER", "PUBLIC"} <= complete("USE SCHEMA DB.").keys()
    assert set(complete("USE SCHEMA DB.O")) == {"OTHER"}


def test_models_after_model_and_inside_model_parens(complete: Any) -> None:
    assert complete("ALTER MODEL ")["M"] == "model"
    assert {"M", "SECRET"} <= complete("SHOW VERSIONS IN MODEL DB.S.").keys()
    assert complete("SELECT MODEL(")["M"] == "model"
    assert set(complete("SELECT MODEL(DB.S.S")) == {"SECRET"}
    assert "M" in complete("DROP MODEL ")
    assert complete("CREATE MODEL ") == {} or "M" not in complete("CREATE MODEL ")  # a new name


def test_versions_and_aliases_after_version(complete: Any) -> None:
    found = complete("ALTER MODEL M VERSION ")
    assert found["V1"] == "version" and found["V2"] == "version"
    assert found["CHAMPION"] == "alias of V2"
    assert {"DEFAULT", "FIRST", "LAST"} <= found.keys()
    assert {"V1", "V2", "CHAMPION"} <= complete("SHOW FUNCTIONS IN MODEL DB.S.M VERSION ").keys()
    assert {"V1", "V2"} <= complete("WITH mv AS MODEL M VERSION ").keys()
    assert {"V1", "V2"} <= complete("ALTER MODEL M SET DEFAULT_VERSION = ").keys()
    assert "V1" not in complete("ALTER MODEL M ADD VERSION ")  # a new version's name


def test_versions_inside_model_parens(complete: Any) -> None:
    assert {"V1", "V2", "CHAMPION", "LAST"} <= complete("SELECT MODEL(M, ").keys()
    assert complete("SELECT MODEL(DB.S.M, ch") == {"champion": "alias of V2"}


def test_methods_after_bang(complete: Any) -> None:
    assert complete("SELECT M!") == {"PREDICT": "method"}
    assert complete("SELECT DB.S.M!pr FROM T", cursor=len("SELECT DB.S.M!pr")) == {"predict": "method"}
    assert complete("SELECT MODEL(M, V2)!") == {"PREDICT": "method"}
    assert complete("WITH mv AS MODEL M VERSION CHAMPION SELECT mv!") == {"PREDICT": "method"}
    assert complete("SELECT NOPE!") == {}


def test_table_methods_inside_table_parens(conn: Any, complete: Any) -> None:
    """Inside TABLE(…) only a model's table methods can stand, elsewhere only its scalar ones."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0], "B": [1.0, 0.0, 1.0]})
    snowreg.Registry(conn).log_model(linear_model.LinearRegression().fit(X, X.A + X.B), model_name="TM",
                                     version_name="V1", sample_input_data=X,
                                     options={"function_type": "TABLE_FUNCTION"})
    assert complete("SELECT * FROM T, TABLE(TM!") == {"PREDICT": "table method"}
    assert complete("SELECT * FROM T, TABLE(MODEL(TM, V1)!") == {"PREDICT": "table method"}
    assert complete("SELECT TM!") == {}
    assert complete("SELECT * FROM T, TABLE(M!") == {}  # M's PREDICT is scalar
    assert complete("SELECT M!") == {"PREDICT": "method"}


def test_session_variables_after_a_dollar(conn: Any, complete: Any) -> None:
    conn.cursor().execute("SET (chosen, threshold) = ('V2', 0.5)")
    assert complete("SELECT MODEL(M, IDENTIFIER($") == {"$CHOSEN": "variable", "$THRESHOLD": "variable"}
    assert complete("SELECT * FROM T WHERE A > $th") == {"$threshold": "variable"}  # the case being typed
    assert complete("SELECT $C") == {"$CHOSEN": "variable"}


def test_roles(complete: Any) -> None:
    roles = complete("USE ROLE ")
    assert roles["ANALYST"] == "role" and {"PUBLIC", "SYSADMIN"} <= roles.keys()
    assert "ANALYST" in complete("GRANT USAGE ON MODEL M TO ROLE ")
    assert "ANALYST" in complete("GRANT USAGE ON MODEL M TO ")
    assert "ANALYST" not in complete("CREATE ROLE ")


def test_privileges_after_grant_and_revoke(complete: Any) -> None:
    """GRANT's privilege list offers the privileges GRANT accepts, one word at a time, then ON."""
    first = complete("GRANT ")
    assert first["USAGE"] == "privilege" and {"READ", "ALL", "CREATE", "OWNERSHIP", "ROLE"} <= first.keys()
    assert set(complete("GRANT us")) == {"usage"}
    assert {"MODEL", "SCHEMA", "TABLE"} <= complete("GRANT CREATE ").keys() and "ON" not in complete("GRANT CREATE ")
    assert set(complete("GRANT USAGE ")) == {"ON"}
    assert {"PRIVILEGES", "ON"} == set(complete("GRANT ALL "))
    assert "READ" in complete("GRANT USAGE, ") and "READ" in complete("REVOKE GRANT OPTION FOR ")
    assert set(complete("GRANT OWNERSHIP ")) == {"ON"}


def test_tables_and_columns(complete: Any) -> None:
    assert complete("SELECT * FROM ")["T"] == "table"
    assert complete("SELECT * FROM DB.S.") == {"T": "table"}
    columns = complete("SELECT  FROM T", cursor=len("SELECT "))
    assert columns["A"] == "column" and columns["B"] == "column"
    assert columns["M"] == "model"  # for m!predict(…)
    assert complete("SELECT x. FROM T AS x", cursor=len("SELECT x.")) == {"A": "column", "B": "column"}
    assert set(complete("SELECT M!PREDICT(a, b) FROM T WHERE b")) >= {"b"}


def test_completion_shows_only_what_the_role_may_see(registry_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(registry_dir, tmp_path / "r")
    with snowreg.connect(database="DB", schema="S", role="ANALYST", path=tmp_path / "r") as c:
        models = {x.text for x in SqlCompleter(Objects(c)).get_completions(Document("ALTER MODEL "), None)}  # type: ignore[arg-type]
    assert "M" in models and "SECRET" not in models


def test_quoted_tables_and_columns_complete_by_their_snowflake_names(conn: Any, complete: Any) -> None:
    """A case-sensitive name is offered as it is written in SQL, never as snowreg stores it in DuckDB."""
    cur = conn.cursor()
    cur.execute('CREATE TABLE "Mixed Case" ("Quoted Col" INT, PLAIN INT)')
    cur.execute('CREATE SCHEMA DB."lower s"')
    cur.execute('CREATE TABLE DB."lower s".INNER_T (X INT)')
    cur.execute("USE SCHEMA DB.S")
    assert complete('SELECT * FROM "Mi') == {'"Mixed Case"': "table"}
    assert complete("SELECT * FROM ")['"Mixed Case"'] == "table"
    assert complete('SELECT  FROM "Mixed Case"', cursor=len("SELECT ")).keys() >= {'"Quoted Col"', "PLAIN"}
    assert complete('SELECT "Qu FROM "Mixed Case"', cursor=len('SELECT "Qu')) == {'"Quoted Col"': "column"}
    assert complete('SELECT * FROM DB."lower s".') == {"INNER_T": "table"}
    assert complete('SELECT  FROM DB."lower s".INNER_T', cursor=len("SELECT ")).get("X") == "column"


def test_information_schema_views_and_their_columns(conn: Any, complete: Any) -> None:
    """The guide's MODEL_VERSIONS query is typed with completion too, and completing changes no query id."""
    cur = conn.cursor()
    last = cur.execute("SELECT 1").sfqid
    assert "INFORMATION_SCHEMA" in complete("USE SCHEMA DB.")
    views = complete("SELECT * FROM DB.INFORMATION_SCHEMA.")
    assert views["MODEL_VERSIONS"] == "table" and {"TABLES", "COLUMNS", "SCHEMATA"} <= views.keys()
    assert complete("SELECT * FROM DB.INFORMATION_SCHEMA.MODEL_V") == {"MODEL_VERSIONS": "table"}
    columns = complete("SELECT  FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS", cursor=len("SELECT "))
    assert {"MODEL_NAME", "MODEL_VERSION_NAME", "METADATA"} <= columns.keys()
    assert complete("SELECT * FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS v WHERE v.MODEL_VERSION_N") == {
        "MODEL_VERSION_NAME": "column"}
    assert cur.execute("SELECT LAST_QUERY_ID()").fetchone() == (last,)


def test_tables_and_columns_complete_only_when_the_role_may_see_them(registry_dir: Path, tmp_path: Path) -> None:
    """ANALYST holds no privilege on table T: completion names neither it nor its columns, as SHOW would not."""
    shutil.copytree(registry_dir, tmp_path / "r")
    with snowreg.connect(database="DB", schema="S", role="ANALYST", path=tmp_path / "r") as c:
        completer = SqlCompleter(Objects(c))

        def offered(text: str, cursor: int) -> set[str]:
            return {x.text for x in completer.get_completions(Document(text, cursor), None)}  # type: ignore[arg-type]
        assert "T" not in offered("SELECT * FROM ", len("SELECT * FROM "))
        assert not {"A", "B"} & offered("SELECT  FROM T", len("SELECT "))
        c.cursor().execute("USE ROLE ACCOUNTADMIN")
        c.cursor().execute("GRANT SELECT ON TABLE DB.S.T TO ROLE ANALYST")
        c.cursor().execute("USE ROLE ANALYST")
        completer.objects.refresh()
        assert "T" in offered("SELECT * FROM ", len("SELECT * FROM "))
        assert {"A", "B"} <= offered("SELECT  FROM T", len("SELECT "))


def test_completion_sees_objects_created_in_the_session(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "CREATE TABLE NEWTAB (X INT);" + ENTER + "!quit" + ENTER, tmp_path)
    assert "successfully created" in out
    with create_pipe_input() as pipe:
        session = repl.Repl(conn, out=io.StringIO(), input=pipe, output=DummyOutput(),
                            history_file=tmp_path / "h2")
        found = {c.text for c in session.session.completer.get_completions(Document("SELECT * FROM "), None)}
    assert "NEWTAB" in found


# ---------------------------------------------------------------------------------------------
# Driving the prompt
# ---------------------------------------------------------------------------------------------


def test_multi_line_statement_runs_at_the_semicolon(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "SELECT 1 AS A," + ENTER + "  'x' AS B" + ENTER + ";" + ENTER + "!quit" + ENTER, tmp_path)
    assert "| A | B |" in out and "| 1 | x |" in out
    assert "1 Row(s) produced. Time Elapsed:" in out


def test_several_statements_in_one_input(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "SELECT 1 AS ONE; SELECT 2 AS TWO;" + ENTER + CTRL_D, tmp_path)
    assert "ONE" in out and "TWO" in out and out.count("Row(s) produced") == 2


def test_a_block_runs_at_its_end_not_at_its_first_semicolon(conn: Any, tmp_path: Path) -> None:
    keys = ("BEGIN" + ENTER + "  LET x := 40;" + ENTER + "  IF (x > 1) THEN" + ENTER + "    x := x + 2;" + ENTER
            + "  END IF;" + ENTER + "  RETURN x;" + ENTER + "END;" + ENTER + "BEGIN;" + ENTER + "ROLLBACK;" + ENTER
            + "CREATE PROCEDURE rp() RETURNS INT LANGUAGE SQL AS" + ENTER + "BEGIN" + ENTER + "  RETURN 3;" + ENTER
            + "END;" + ENTER + "CALL rp();" + ENTER + "!quit" + ENTER)
    out = drive(conn, keys, tmp_path)
    assert "anonymous block" in out and "| 42" in out
    assert "Function RP successfully created." in out and "| RP |" in out
    assert out.count("Statement executed successfully.") == 2  # BEGIN; and ROLLBACK: a transaction


def test_errors_show_snowflake_number_and_a_caret(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "SELECT *" + ENTER + "FORM T;" + ENTER + "ALTER MODEL M VERSION V9 UNSET ALIAS;" + ENTER
                + "!quit" + ENTER, tmp_path)
    lines = out.splitlines()
    i = lines.index("FORM T")
    assert lines[i - 2].startswith("001003 (42000): SQL compilation error:")
    assert lines[i + 1] == "     ^"  # under T, the token Lark could not take
    assert "002003 (02000): SQL compilation error:" in out
    j = lines.index("ALTER MODEL M VERSION V9 UNSET ALIAS")
    assert lines[j - 1] == "Model version 'DB.S.M.V9' does not exist or not authorized."
    assert lines[j + 1] == " " * len("ALTER MODEL M VERSION ") + "^"


def test_model_call_runs_in_the_repl(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "SELECT MODEL(M, CHAMPION)!PREDICT(A, B):output_feature_0::FLOAT AS P FROM T;" + ENTER
                + "!quit" + ENTER, tmp_path)
    assert "| P " in out and "1 Row(s) produced" in out


def test_set_output_format(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "!set output_format=csv" + ENTER + "SELECT 1 AS A, 2 AS B;" + ENTER
                + "!set output_format = json" + ENTER + "SELECT 3 AS C;" + ENTER
                + "!set output_format=xml" + ENTER + "!quit" + ENTER, tmp_path)
    assert "A,B\n1,2\n" in out
    assert '"C": 3' in out
    assert "Usage: !set output_format=table|csv|json" in out


def test_help_source_and_unknown_commands(conn: Any, tmp_path: Path) -> None:
    script = tmp_path / "script.sql"
    script.write_text("SELECT 41 + 1 AS ANSWER;\nSELECT * FROM NOPE;\nSHOW VERSIONS IN MODEL M;\n")
    out = drive(conn, "!help" + ENTER + f"!source {script}" + ENTER + "!nope" + ENTER
                + "!source /no/such/file.sql" + ENTER + "!exit" + ENTER, tmp_path)
    assert "!source FILE" in out and "!set output_format" in out
    assert "42" in out
    assert "002003 (42S02)" in out and "NOPE' does not exist or not authorized." in out  # and it goes on
    assert "CHAMPION" in out
    assert "Unknown command '!nope'" in out
    assert "Cannot read /no/such/file.sql" in out
    assert out.rstrip().endswith("Goodbye!")


def test_source_runs_the_commands_of_a_file(conn: Any, tmp_path: Path) -> None:
    """A `!` line of a sourced file is a command on its own line, as snowsql reads scripts."""
    script = tmp_path / "script.sql"
    script.write_text("!set output_format=csv\nSELECT 1 AS A, 2 AS B;\n")
    out = drive(conn, f"!source {script}" + ENTER + "!quit" + ENTER, tmp_path)
    assert "output_format set to csv" in out and "A,B\n1,2\n" in out and "error" not in out


def test_why_explains_access(conn: Any, tmp_path: Path) -> None:
    pytest.importorskip("snowreg.engine.access.explain")
    out = drive(conn, "!why USAGE MODEL DB.S.M" + ENTER + "!why" + ENTER + "!why USAGE MODL DB.S.M" + ENTER
                + "!quit" + ENTER, tmp_path)
    assert "USAGE on MODEL DB.S.M: GRANTED" in out
    assert out.count("Usage: !why PRIVILEGE KIND NAME") == 2
    assert "(KIND: DATABASE, SCHEMA, MODEL, STAGE, TABLE, VIEW, TAG, SEQUENCE, TASK; or !why PRIVILEGE ACCOUNT)" in out  # a typo's fix


def test_ctrl_c_cancels_the_input_and_ctrl_d_exits(conn: Any, tmp_path: Path) -> None:
    out = drive(conn, "SELECT 'cancelled' AS X" + ENTER + CTRL_C + "SELECT 'kept' AS Y;" + ENTER + CTRL_D,
                tmp_path)
    assert "kept" in out and "cancelled" not in out
    assert out.rstrip().endswith("Goodbye!")


def test_bare_quit_and_exit_leave_as_in_psql(conn: Any, tmp_path: Path) -> None:
    """Not SQL in Snowflake, and what a newcomer types first: they leave instead of waiting for a `;`."""
    for word in ("exit", "QUIT", "quit;"):
        out = drive(conn, word + ENTER + "SELECT 'still here' AS X;" + ENTER + CTRL_D, tmp_path)
        assert out.rstrip().endswith("Goodbye!") and "still here" not in out and "error" not in out


def test_bare_help_shows_the_help_as_in_psql(conn: Any, tmp_path: Path) -> None:
    """`help` alone was a syntax error at `help` (and without `;` the prompt waited for more): like `quit` and
    `exit`, it is not SQL in Snowflake, and a newcomer types it before reading the greeting's `!help`."""
    for word in ("help", "HELP;"):
        out = drive(conn, word + ENTER + "SELECT 'still here' AS X;" + ENTER + CTRL_D, tmp_path)
        assert repl.HELP in out and "still here" in out and "error" not in out


def test_history_persists_between_sessions(conn: Any, tmp_path: Path) -> None:
    history = tmp_path / "state" / "snowreg" / "history"
    drive(conn, "SELECT 'remembered' AS R;" + ENTER + "!quit" + ENTER, tmp_path, history)
    assert "SELECT 'remembered' AS R;" in history.read_text()
    out = drive(conn, UP + UP + ENTER + "!quit" + ENTER, tmp_path, history)  # !quit, then the SELECT
    assert "remembered" in out


def test_history_path_honours_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SNOWREG_HISTORY", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert repl.history_path() == tmp_path / "snowreg" / "history"
    monkeypatch.setenv("SNOWREG_HISTORY", str(tmp_path / "h"))
    assert repl.history_path() == tmp_path / "h"


def test_tab_completes_at_the_prompt(conn: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        session = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h")
        buffer = session.session.default_buffer

        def type_rest() -> None:  # completion runs in the background: wait for it, as a person would
            deadline = time.monotonic() + 10
            while "SECRET" not in buffer.text and time.monotonic() < deadline:
                time.sleep(0.02)
            pipe.send_text(";" + ENTER + "!quit" + ENTER)

        pipe.send_text("SHOW VERSIONS IN MODEL DB.S.SEC\t")
        typist = threading.Thread(target=type_rest)
        typist.start()
        session.run()
        typist.join()
    assert "| V1 " in out.getvalue()  # SECRET was completed and its one version listed


def test_highlighting_styles_tokens() -> None:
    lexer = repl._lexer()
    lines = lexer.lex_document(Document("SELECT 'a''b', \"Q\"\n  FROM t -- note"))
    first, second = lines(0), lines(1)
    assert ("class:keyword", "SELECT") in first
    assert ("class:string", "'a''b'") in first
    assert ("class:name.quoted", '"Q"') in first
    assert ("class:keyword", "FROM") in second and ("class:comment", "-- note") in second


# ---------------------------------------------------------------------------------------------
# Not a terminal: the piped script runs as with `snowreg run`
# ---------------------------------------------------------------------------------------------


def _args(**kw: Any) -> argparse.Namespace:
    base: dict[str, Any] = {"db": None, "database": "DB", "schema": "S", "role": None, "user": None}
    return argparse.Namespace(**{**base, **kw})


def test_piped_stdin_runs_the_script_like_run(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from snowreg import cli

    script = "SELECT 1 AS A;\nSELECT 'two' AS B;\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert repl.main(_args(command="repl")) == 0
    piped = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert cli.main(["run", "-", "--database", "DB", "--schema", "S"]) == 0
    assert piped == capsys.readouterr().out
    assert "| two |" in piped


# ---------------------------------------------------------------------------------------------
# Only what can stand there; !commands; the greeting
# ---------------------------------------------------------------------------------------------


def test_bang_commands_complete(complete: Any) -> None:
    assert complete("!he") == {"help": "list the commands"}
    assert {"help", "source", "load", "set", "why", "quit", "exit"} == complete("!").keys()
    assert set(complete("!q")) == {"quit"}
    assert set(complete("!set o")) == {"output_format=table", "output_format=csv", "output_format=json"}


def test_every_completed_command_is_handled(conn: Any, complete: Any, tmp_path: Path) -> None:
    out = drive(conn, "".join(f"!{c}" + ENTER for c in complete("!") if c not in ("quit", "exit")) + CTRL_D,
                tmp_path)
    assert "Unknown command" not in out


def test_file_names_complete_after_source(complete: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "promote.sql").write_text("SELECT 1;")
    (tmp_path / "scripts").mkdir()
    monkeypatch.chdir(tmp_path)
    assert set(complete("!source pro")) == {"mote.sql"}  # inserted after what was typed: promote.sql
    assert {"promote.sql", "scripts"} <= set(complete("!source "))
    assert set(complete(f"!load {tmp_path}/sc")) == {"ripts"}


def test_only_versions_and_aliases_inside_model_parens(complete: Any) -> None:
    found = complete("SELECT MODEL(M, ")
    assert found == {"V1": "version", "V2": "version", "CHAMPION": "alias of V2", "DEFAULT": "system alias",
                     "FIRST": "system alias", "LAST": "system alias"}
    assert set(complete("SELECT MODEL(")) <= {"M", "SECRET", "S", "OTHER", "PUBLIC", "DB"}  # no keywords
    assert "SELECT" not in complete("ALTER MODEL M VERSION ")


def test_a_condition_offers_expressions_then_operators(complete: Any) -> None:
    where = complete("SELECT * FROM T WHERE ")
    assert where["A"] == "column" and where["M"] == "model" and where["COALESCE"] == "function"
    assert {"NOT", "NULL", "CASE", "EXISTS"} <= where.keys()
    statement_words = {"SELECT", "ALTER", "CREATE", "SHOW", "GRANT", "USE", "DROP", "FROM", "WHERE", "TABLE"}
    assert not statement_words & where.keys()
    after = complete("SELECT * FROM T WHERE A ")
    assert {"AND", "OR", "IN", "IS", "LIKE", "BETWEEN", "ORDER", "GROUP", "LIMIT"} <= after.keys()
    assert "A" not in after and "SELECT" not in after
    assert set(complete("SELECT * FROM T WHERE A = 1 a")) == {"and"}
    assert "SELECT" in complete("SELECT * FROM T WHERE A IN (")  # a subquery may start there
    assert {"A", "B"} <= complete("SELECT * FROM T AS x JOIN T AS y ON x.A = ").keys()


def test_the_console_greets_with_a_one_line_hint(conn: Any, tmp_path: Path) -> None:
    first = drive(conn, CTRL_D, tmp_path).splitlines()[0]
    assert first == f"snowreg {snowreg.__version__} - !help lists the commands, Tab completes, Ctrl-D leaves."


def test_tab_completes_a_command_at_the_prompt(conn: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        session = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "h")
        buffer = session.session.default_buffer

        def type_rest() -> None:  # completion runs in the background: wait for it, as a person would
            deadline = time.monotonic() + 10
            while buffer.text != "!help" and time.monotonic() < deadline:
                time.sleep(0.02)
            pipe.send_text(ENTER + "!quit" + ENTER)

        pipe.send_text("!he\t")
        typist = threading.Thread(target=type_rest)
        typist.start()
        session.run()
        typist.join()
    assert "!source FILE" in out.getvalue()  # !he became !help, which ran


def test_a_select_list_offers_expressions_then_what_may_follow_one(complete: Any) -> None:
    """The select list offered every SQL word (AND, ASC, BY, JOIN … where an expression starts) and no
    function; a call's arguments and ORDER BY / GROUP BY did the same."""
    first = complete("SELECT  FROM T", 7)
    assert first["A"] == "column" and first["M"] == "model" and first["COALESCE"] == "function"
    assert {"CASE", "DISTINCT", "NOT"} <= first.keys()
    assert not {"AND", "ASC", "BY", "JOIN", "ON", "WHERE", "FROM"} & first.keys()
    after = complete("SELECT A ")
    assert {"AS", "FROM", "AND", "OR", "IS"} <= after.keys() and not {"A", "ASC", "JOIN"} & after.keys()
    assert complete("SELECT A AS ") == {}  # a new name
    assert {"FROM"} <= complete("SELECT * ").keys() and "A" not in complete("SELECT * FROM T", 9)
    argument = complete("SELECT M!PREDICT( FROM T", 17)
    assert {"A", "B", "COALESCE"} <= argument.keys() and not {"AND", "ASC", "FROM"} & argument.keys()
    assert {"AND", "IS"} <= complete("SELECT M!PREDICT(A ").keys()
    assert not {"AS", "FROM"} & complete("SELECT M!PREDICT(A ").keys()  # inside the call's parentheses
    assert {"A", "B"} <= complete("SELECT A, M!PREDICT(A, B) AS P FROM T ORDER BY ").keys()
    assert "ASC" not in complete("SELECT A FROM T ORDER BY ")
    assert {"ASC", "DESC", "NULLS", "LIMIT"} <= complete("SELECT A FROM T ORDER BY A ").keys()
    assert set(complete("SELECT A FROM T ORDER BY A DESC NULLS ")) == {"FIRST", "LAST"}
    assert set(complete("SELECT A FROM T ORDER ")) == {"BY"}
    assert {"A", "B"} <= complete("SELECT A, COUNT(*) FROM T GROUP BY ").keys()


def test_if_exists_keeps_the_object_kind(complete: Any) -> None:
    """`DROP MODEL IF EXISTS <Tab>` offered no model, and `ALTER MODEL IF EXISTS m VERSION` no version."""
    assert complete("DROP MODEL IF EXISTS ")["M"] == "model"
    assert complete("ALTER MODEL IF EXISTS M VERSION ")["V1"] == "version"
    assert complete("DROP TABLE IF EXISTS ")["T"] == "table"
    assert "M" not in complete("CREATE MODEL IF NOT EXISTS ")  # a new name


def test_a_method_calls_output_names_complete_after_its_colon(complete: Any) -> None:
    """`m!predict(…):<Tab>` offered every SQL word; a call returns an OBJECT keyed by the signature's outputs
    (the README's `:output_feature_0`), which are what may stand there, as written (path keys keep their case)."""
    for text in ("SELECT M!PREDICT(A, B):", "SELECT MODEL(M, V1)!PREDICT(A, B):",
                 "WITH mv AS MODEL M VERSION CHAMPION SELECT mv!predict(A, B):"):
        assert complete(text) == {"output_feature_0": "output of PREDICT"}, text
    assert set(complete("SELECT M!PREDICT(A, B):out")) == {"output_feature_0"}
    assert "output_feature_0" not in complete("SELECT M!PREDICT(A, B)::")  # a cast: a type follows
