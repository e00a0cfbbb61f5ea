"""`snowreg.connect(server=URL)`, `snowreg run/repl --server URL` and REPL completion over a running server.

The server is started as a user starts it (`python -m snowreg serve --port 0`) over a registry directory
holding a model; every check compares the HTTP connection with the in-process one on the same SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.remote import RemoteConnection

ROOT = Path(__file__).resolve().parents[3]  # tests/snowreg/server/ -> the checkout
pytestmark = pytest.mark.slow

TYPES_SQL = ("SELECT 7 AS N, 1.5::NUMBER(5,2) AS D, 2.5::FLOAT AS F, 'it''s' AS S, TRUE AS B, NULL AS Z, "
             "'2024-01-02'::DATE AS DAY, '12:34:56.789'::TIME AS T, "
             "'2024-01-02 03:04:05.5'::TIMESTAMP_NTZ AS NTZ, '1969-12-31 23:59:58.5'::TIMESTAMP_NTZ AS OLD, "
             "'2024-01-02 03:04:05.5'::TIMESTAMP_LTZ AS LTZ, '2024-01-02 03:04:05 +02:00'::TIMESTAMP_TZ AS TZ, "
             "'abcd'::BINARY AS BIN, PARSE_JSON('{\"k\": [1, 2]}') AS V, 12345678901234567890123 AS BIG")


@pytest.fixture(scope="module")
def registry_dir(clf_registry: Callable[..., Path]) -> Path:
    """A registry directory holding model CLF (V1 aliased PROD, V2) and table DB.PUBLIC.FEATURES."""
    return clf_registry(("V1", "V2"), ("ALTER MODEL CLF VERSION V1 SET ALIAS = PROD",))


@pytest.fixture(scope="module")
def server(registry_dir: Path, serve_command: Any) -> Iterator[str]:
    proc, url = serve_command.start("--db", str(registry_dir), "--database", "DB", "--schema", "PUBLIC")
    yield url
    code, _, err = serve_command.stop(proc)
    assert code == 0 and "Traceback" not in err, err


@pytest.fixture
def remote(server: str) -> Iterator[RemoteConnection]:
    with snowreg.connect(server=server, password="admin-pw", database="DB", schema="PUBLIC") as conn:
        yield conn


def test_values_and_description_match_the_in_process_cursor(remote: RemoteConnection) -> None:
    with snowreg.connect() as local:
        expected = local.cursor().execute(TYPES_SQL)
        want_rows, want_description = expected.fetchall(), [tuple(d) for d in expected.description or []]
    cur = remote.cursor().execute(TYPES_SQL)
    rows = cur.fetchall()
    assert rows == want_rows  # aware datetimes compare as instants
    assert cur.description == want_description
    row = rows[0]
    assert row[:5] == (7, Decimal("1.50"), 2.5, "it's", True)
    assert row[8:10] == (dt.datetime(2024, 1, 2, 3, 4, 5, 500000), dt.datetime(1969, 12, 31, 23, 59, 58, 500000))
    assert isinstance(row[12], bytes) and row[14] == 12345678901234567890123
    assert str(row[10].tzinfo) == "America/Los_Angeles"  # the session's TIMEZONE, as in-process


def test_dml_rowcount_executemany_dict_cursor_and_context(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    cur.execute("CREATE OR REPLACE TABLE PEOPLE (ID INT, NAME VARCHAR)")
    cur.execute("INSERT INTO PEOPLE VALUES (%s, %s), (%s, %s)", (1, "a", 2, None))
    assert (cur.rowcount, cur.fetchall()) == (2, [(2,)])
    cur.executemany("INSERT INTO PEOPLE VALUES (%(id)s, %(name)s)", [{"id": 3, "name": "c"}, {"id": 4, "name": "d"}])
    assert cur.rowcount == 2
    cur.execute("UPDATE PEOPLE SET NAME = 'x' WHERE ID > 2")
    assert cur.rowcount == 2
    dicts = remote.cursor(snowreg.DictCursor).execute("SELECT ID, NAME FROM PEOPLE WHERE ID < 3 ORDER BY ID")
    assert dicts.fetchall() == [{"ID": 1, "NAME": "a"}, {"ID": 2, "NAME": None}]
    assert [d[0] for d in cur.describe("SELECT NAME, ID FROM PEOPLE")] == ["NAME", "ID"]
    assert cur.execute("SELECT COUNT(*) FROM PEOPLE").fetchone() == (4,) and cur.sfqid
    cur.execute("CREATE SCHEMA IF NOT EXISTS DB.OTHER")
    cur.execute("USE SCHEMA DB.OTHER")
    assert (remote.database, remote.schema, remote.role, remote.user) == ("DB", "OTHER", "ACCOUNTADMIN", "ADMIN")


@pytest.mark.parametrize("sql", ["SELECT * FROM NOPE", "SELEC 1", "SELECT 1/0", "DROP MODEL NOPE",
                                 "SHOW VERSIONS IN MODEL CLF VERSION"])
def test_errors_are_the_in_process_ones(remote: RemoteConnection, registry_dir: Path, sql: str) -> None:
    with pytest.raises(snowreg.Error) as over_http:
        remote.cursor().execute(sql)
    with snowreg.connect(database="DB", schema="PUBLIC") as local, pytest.raises(snowreg.Error) as in_process:
        local.cursor().execute(sql)
    got, want = over_http.value, in_process.value
    assert type(got) is type(want)
    assert (got.errno, got.sqlstate, got.msg, got.line, got.column) == \
        (want.errno, want.sqlstate, want.msg, want.line, want.column)
    assert got.sfqid and got.query == sql


def test_users_passwords_and_roles(remote: RemoteConnection, server: str) -> None:
    remote.cursor().execute("CREATE USER IF NOT EXISTS CAROL PASSWORD = 'pw'")
    with pytest.raises(snowreg.DatabaseError) as e:
        snowreg.connect(server=server, user="CAROL", password="wrong")
    assert (e.value.errno, e.value.sqlstate) == (390100, "28000")
    with snowreg.connect(server=server, user="carol", password="pw", database="DB") as carol:
        assert carol.cursor().execute("SELECT CURRENT_USER(), CURRENT_ROLE()").fetchone() == ("CAROL", "PUBLIC")
        assert carol.database is None  # PUBLIC sees nothing of DB: the login leaves it unset, as Snowflake's
        with pytest.raises(snowreg.ProgrammingError) as denied:
            carol.cursor().execute("SHOW VERSIONS IN MODEL DB.PUBLIC.CLF")
        assert denied.value.errno == 2003
    with pytest.raises(snowreg.InterfaceError):
        snowreg.connect(server=server, path="somewhere")


def test_statement_arguments_by_pep_249s_names(remote: RemoteConnection) -> None:
    """`operation` / `parameters` / `seq_of_parameters` (PEP 249, the connector 5.x) as in-process."""
    cur = remote.cursor()
    cur.execute(operation="CREATE OR REPLACE TABLE PEP (A INT)")
    cur.executemany(operation="INSERT INTO PEP VALUES (%s)", seq_of_parameters=iter([(1,), (2,)]))
    assert cur.execute(operation="SELECT COUNT(*) FROM PEP WHERE A > %s", parameters=(1,)).fetchone() == (1,)
    assert [d[0] for d in cur.describe(operation="SELECT A AS X FROM PEP", parameters=None)] == ["X"]
    qid = cur.execute_async(operation="SELECT %s + 1", parameters=(41,))["queryId"]
    cur.get_results_from_sfqid(qid)
    assert cur.fetchall() == [(42,)]


def test_async_results_and_status(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    qid = cur.execute_async("SELECT COUNT(*) FROM FEATURES")["queryId"]
    cur.get_results_from_sfqid(qid)
    assert cur.fetchall() == [(2,)]
    assert remote.get_query_status(qid).name == "SUCCESS"


def test_model_calls_and_registry_sql(remote: RemoteConnection) -> None:
    cur = remote.cursor()
    rows = cur.execute("SELECT CLF!PREDICT(A, B, C):output_feature_0::INT FROM FEATURES ORDER BY A").fetchall()
    assert rows == [(0,), (1,)]
    assert "CLF" in [r[1] for r in cur.execute("SHOW MODELS").fetchall()]


def test_closed_connection_and_unreachable_server(server: str) -> None:
    conn = snowreg.connect(server=server, password="admin-pw")
    conn.close()
    with pytest.raises(snowreg.Error):
        conn.cursor()
    with pytest.raises(snowreg.OperationalError) as e:
        snowreg.connect(server="http://127.0.0.1:9")
    assert e.value.sqlstate == "08001"


# ---------------------------------------------------------------------------------------------
# The command line: run and repl against the server, check offline
# ---------------------------------------------------------------------------------------------


def snowreg_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "snowreg", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, "SNOWREG_PASSWORD": "admin-pw"})


def test_run_and_repl_share_the_servers_registry(server: str, tmp_path: Path) -> None:
    script = tmp_path / "make.sql"
    script.write_text("CREATE OR REPLACE TABLE SHARED (X INT);\nINSERT INTO SHARED VALUES (41), (1);\n")
    made = snowreg_cli("run", "--server", server, "--database", "DB", "--schema", "PUBLIC", str(script))
    assert made.returncode == 0, made.stderr
    read = snowreg_cli("repl", "--server", server, "--database", "DB", "--schema", "PUBLIC",
                       stdin="SELECT SUM(X) AS TOTAL FROM SHARED;\n")
    assert read.returncode == 0, read.stderr
    assert "| 42    |" in read.stdout
    bad = tmp_path / "bad.sql"
    bad.write_text("SELECT 1;\n\nSELECT * FROM\n  MISSING_TABLE;\n")
    failed = snowreg_cli("run", "--server", server, "--database", "DB", "--schema", "PUBLIC", str(bad))
    assert failed.returncode == 1
    assert failed.stderr.startswith(f"{bad}:4:3: 002003 (42S02)")


def test_server_options_are_checked(server: str, tmp_path: Path) -> None:
    both = snowreg_cli("run", "--server", server, "--db", str(tmp_path), "-", stdin="SELECT 1;")
    assert both.returncode == 2 and "--server" in both.stderr
    wrong = snowreg_cli("run", "--server", server, "--user", "NOBODY", "--password", "x", "-", stdin="SELECT 1;")
    assert wrong.returncode == 2 and "390100" in wrong.stderr
    offline = snowreg_cli("check", "--server", server, "-", stdin="SELECT 1;")
    assert offline.returncode == 2 and "unrecognized arguments" in offline.stderr


def test_repl_completion_over_the_server(remote: RemoteConnection) -> None:
    pytest.importorskip("prompt_toolkit")
    from prompt_toolkit.document import Document

    from snowreg.repl import Repl

    repl = Repl(remote, out=open(os.devnull, "w"), history_file=os.devnull)  # noqa: SIM115
    completer = repl.session.completer

    def complete(text: str) -> set[str]:
        return {c.text for c in completer.get_completions(Document(text), None)}

    assert "CLF" in complete("ALTER MODEL ")
    versions = complete("SELECT * FROM MODEL(CLF, ")
    assert {"V1", "V2", "PROD", "DEFAULT"} <= versions
    assert "PREDICT" in {t.upper() for t in complete("SELECT CLF!")}
    assert "FEATURES" in complete("SELECT * FROM ")
    assert "PUBLIC" in complete("USE SCHEMA DB.")
    repl.run_statement("CREATE OR REPLACE TABLE FRESH (Z INT)")  # completion sees what the session made
    assert "FRESH" in complete("SELECT * FROM ")
    cur = remote.cursor()
    cur.execute("SELECT 1")
    before = cur.execute("SELECT LAST_QUERY_ID()").fetchone()
    repl.objects.refresh()
    assert "CLF" in complete("ALTER MODEL ")  # completing runs on a session of its own, not the REPL's
    assert cur.execute("SELECT LAST_QUERY_ID(-2)").fetchone() == before
    repl.objects.close()
