"""The trust boundary, attacked as a user would: registry state, host files, pickles, paths, limits."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

# ---------------------------------------------------------------------------------------------
# Fixtures: ADMIN owns ML.DEV.SECRET; ALICE's role ANALYST has USAGE on ML, ML.DEV and SELECT on OPEN
# ---------------------------------------------------------------------------------------------

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE TABLE ML.DEV.OPEN (x INT)", "INSERT INTO ML.DEV.OPEN VALUES (1)",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def refused(conn: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        run(conn, sql)
    return info.value


def setup(admin: Connection) -> Connection:
    for sql in SETUP:
        run(admin, sql)
    alice = Connection(admin._catalog, user="ALICE")
    run(alice, "USE SCHEMA ML.DEV")
    return alice


@pytest.fixture(params=["memory", "directory"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Connection, Connection]]:
    path = None if request.param == "memory" else tmp_path / "reg"
    admin = snowreg.connect(database="ML", schema="DEV", path=path)
    alice = setup(admin)
    yield admin, alice
    alice.close()
    admin.close()


# ---------------------------------------------------------------------------------------------
# 1. Registry state is not reachable from SQL
# ---------------------------------------------------------------------------------------------

REGISTRY_NAMES = ["memory.snowreg.{t}", '"memory"."snowreg"."{t}"', "registry.snowreg.{t}", "snowreg.{t}"]


@pytest.mark.parametrize("name", REGISTRY_NAMES)
def test_registry_tables_cannot_be_read(pair: tuple[Connection, Connection], name: str) -> None:
    admin, alice = pair
    for conn in (admin, alice):  # not even ACCOUNTADMIN: registry state is not a Snowflake object
        for table in ("users", "grants", "role_grants", "blobs", "files", "meta"):
            assert refused(conn, f"SELECT * FROM {name.format(t=table)}").errno == 2003


@pytest.mark.parametrize("sql", [
    "INSERT INTO {n}.role_grants VALUES ('ACCOUNTADMIN', 'USER', 'ALICE', '', now())",
    "INSERT INTO {n}.role_grants SELECT 'ACCOUNTADMIN', 'USER', 'ALICE', '', now()",
    "UPDATE {n}.users SET default_role = 'ACCOUNTADMIN'",
])
def test_inserting_a_role_grant_does_not_make_alice_admin(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, alice = pair
    for n in ("memory.snowreg", "registry.snowreg", "snowreg"):
        refused(alice, sql.format(n=n))
    assert refused(alice, "USE ROLE ACCOUNTADMIN").errno == 3013


def test_deleting_users_or_dropping_meta_leaves_the_registry_usable(tmp_path: Path) -> None:
    admin = snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg")
    alice = setup(admin)
    for conn in (alice, admin):
        for sql in ("DELETE FROM snowreg.users", "DELETE FROM memory.snowreg.users", "DROP TABLE snowreg.meta",
                    "DROP TABLE registry.snowreg.meta", "DROP SCHEMA memory.snowreg", "TRUNCATE TABLE snowreg.grants"):
            refused(conn, sql)
    alice.close()
    admin.close()
    again = snowreg.connect(path=tmp_path / "reg")  # reopens: meta is intact, ADMIN still logs in
    assert run(again, "SELECT CURRENT_USER(), CURRENT_ROLE()") == [("ADMIN", "ACCOUNTADMIN")]
    assert run(again, "SELECT x FROM ML.DEV.SECRET") == [(42,)]
    again.close()


def test_stored_model_files_cannot_be_read_or_overwritten(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    for sql in ("SELECT content FROM snowreg.blobs", "UPDATE snowreg.blobs SET content = 'x'::BLOB",
                "DELETE FROM snowreg.files", "SELECT * FROM memory.snowreg.blobs"):
        refused(alice, sql)


# ---------------------------------------------------------------------------------------------
# 2. The session's DuckDB handle is sandboxed
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/proc/self/environ')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM read_parquet('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/etc/*')",
])
def test_host_files_cannot_be_read(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, alice = pair
    for conn in (admin, alice):
        e = refused(conn, sql)
        assert "root:" not in str(e) and "PATH=" not in str(e)


_FUNCTION_FILE_SQL = (
    "SELECT * FROM read_blob('{f}')", "SELECT * FROM read_text('{f}.wal')", "ATTACH '{f}' AS fn2",
    "ATTACH '{f}' AS fn2 (READ_ONLY)", "COPY (SELECT 1) TO '{f}.wal'", "SELECT * FROM '{f}'",
)


def test_the_prebuilt_functions_file_is_out_of_user_sqls_reach(tmp_path: Path) -> None:
    """The one file (and its write-ahead log's name) a fresh registry's sandbox may still open, to attach
    the functions read-only when first called: user SQL can neither read, attach nor write it."""
    code = ("import glob, os, sys, snowreg; c = snowreg.connect(); cur = c.cursor(); "
            "f = glob.glob(os.path.join(os.environ['XDG_CACHE_HOME'], 'snowreg', 'functions-*'))[0]\n"
            "for sql in sys.argv[1:]:\n"
            "    try:\n        print('ran', cur.execute(sql.format(f=f)).fetchall())\n"
            "    except snowreg.Error as e:\n        print('refused', e.errno)\n"
            "    print(cur.execute('SELECT DIV0(1, 0)').fetchall())")
    out = subprocess.run([sys.executable, "-c", code, *_FUNCTION_FILE_SQL], capture_output=True, text=True,
                         timeout=120, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 2 * len(_FUNCTION_FILE_SQL), out.stdout
    for sql, answer, after in zip(_FUNCTION_FILE_SQL, lines[::2], lines[1::2], strict=True):
        assert answer.startswith("refused"), (sql, answer)
        assert after == "[(Decimal('0.000000'),)]"
    assert not list((tmp_path / "snowreg").glob("*.wal"))  # nothing written beside it


@pytest.mark.parametrize("sql", [
    "ATTACH '{d}/x.duckdb' AS x", "DETACH ML", "INSTALL httpfs", "LOAD httpfs", "FORCE INSTALL httpfs",
    "COPY (SELECT 1) TO '{d}/out.csv'", "COPY ML.DEV.OPEN TO '{d}/out.csv'", "EXPORT DATABASE '{d}/exp'",
    "IMPORT DATABASE '{d}'", "PRAGMA enable_external_access", "SET enable_external_access = true",
    "SET GLOBAL enable_external_access = true", "RESET lock_configuration", "CALL pragma_version()",
    "CHECKPOINT", "VACUUM", "CREATE SECRET s (TYPE s3)",
])
def test_duckdb_statements_are_refused(pair: tuple[Connection, Connection], tmp_path: Path, sql: str) -> None:
    admin, alice = pair
    before = set(tmp_path.iterdir())
    for conn in (admin, alice):
        try:
            run(conn, sql.format(d=tmp_path))
        except snowreg.Error:
            continue
        # accepted as a Snowflake statement (SET is a session variable): it must have changed nothing
    assert set(tmp_path.iterdir()) == before
    assert run(admin, "SELECT x FROM ML.DEV.SECRET") == [(42,)]
    assert refused(alice, "SELECT * FROM read_csv('/etc/passwd')")


def test_a_session_variable_cannot_change_current_role(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    for name in ("snowreg_role", "SNOWREG_ROLE", '"snowreg_role"'):
        try:
            run(alice, f"SET {name} = 'ACCOUNTADMIN'")
        except snowreg.Error:
            pass
        assert run(alice, "SELECT CURRENT_ROLE()") == [("ANALYST",)]
    assert refused(alice, "SELECT * FROM ML.DEV.SECRET").errno == 2003


# ---------------------------------------------------------------------------------------------
# 3. Files: stage paths stay in their stage; local stages only under granted folders
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> Iterator[tuple[Connection, Path]]:
    granted = tmp_path / "granted"
    (granted / "st").mkdir(parents=True)
    (tmp_path / "payload.txt").write_text("payload")
    admin = snowreg.connect(database="ML", schema="DEV", stage_roots=[granted])
    run(admin, "CREATE STAGE INTERNAL_ST")
    run(admin, f"CREATE STAGE LOCAL_ST URL = '{(granted / 'st').as_uri()}'")
    yield admin, tmp_path
    admin.close()


@pytest.mark.parametrize("target", ["../outside/", "a/../../outside/", "m/../../x/", "./x/", "a/./../../x/"])
@pytest.mark.parametrize("stage", ["INTERNAL_ST", "LOCAL_ST"])
def test_put_cannot_leave_its_stage(files: tuple[Connection, Path], stage: str, target: str) -> None:
    admin, tmp = files
    before = sorted(p for p in tmp.rglob("*"))
    e = refused(admin, f"PUT '{(tmp / 'payload.txt').as_uri()}' @{stage}/{target} OVERWRITE = TRUE")
    assert "leaves its stage" in str(e)
    assert sorted(p for p in tmp.rglob("*")) == before
    assert run(admin, f"LIST @{stage}") == []


@pytest.mark.parametrize("sql", [
    "CREATE MODEL M WITH VERSION V1 FROM @LOCAL_ST/../",
    "CREATE MODEL M WITH VERSION V1 FROM @LOCAL_ST/../../granted/st",
    "LIST @LOCAL_ST/../", "REMOVE @LOCAL_ST/../payload.txt", "GET @LOCAL_ST/../payload.txt 'file:///tmp/'",
])
def test_stage_paths_with_dot_dot_are_refused(files: tuple[Connection, Path], sql: str) -> None:
    admin, tmp = files
    assert "leaves its stage" in str(refused(admin, sql))
    assert (tmp / "payload.txt").read_text() == "payload"


def test_a_link_inside_a_local_stage_does_not_reach_outside(files: tuple[Connection, Path]) -> None:
    admin, tmp = files
    (tmp / "granted" / "st" / "link").symlink_to(tmp)
    (tmp / "granted" / "st" / "ok.txt").write_text("ok")
    assert [r[0] for r in run(admin, "LIST @LOCAL_ST")] == ["local_st/ok.txt"]
    refused(admin, f"PUT '{(tmp / 'payload.txt').as_uri()}' @LOCAL_ST/link/ OVERWRITE = TRUE")
    assert (tmp / "payload.txt").read_text() == "payload"


@pytest.mark.parametrize("url", ["file:///etc", "file:///", "file:///proc/self", "file://relative_dir"])
def test_local_stages_only_under_granted_folders(files: tuple[Connection, Path], url: str) -> None:
    admin, _ = files
    assert refused(admin, f"CREATE STAGE ETC URL = '{url}'").errno == 3001
    assert refused(admin, "LIST @ETC").errno == 2003
    alice = setup(admin)
    run(admin, "GRANT CREATE STAGE ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert refused(alice, f"CREATE STAGE ETC URL = '{url}'").errno == 3001


def test_a_stage_is_rechecked_when_the_registry_is_reopened_without_the_grant(tmp_path: Path) -> None:
    (tmp_path / "granted").mkdir()
    (tmp_path / "granted" / "f.txt").write_text("x")
    with snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg", stage_roots=[tmp_path / "granted"]) as c:
        run(c, f"CREATE STAGE ST URL = '{(tmp_path / 'granted').as_uri()}'")
        assert len(run(c, "LIST @ST")) == 1
    with snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg") as c:
        assert refused(c, "LIST @ST").errno == 3001


def test_check_does_not_create_stage_folders(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = tmp_path / "s.sql"
    where = tmp_path / "made_by_check"
    script.write_text(f"CREATE DATABASE D;\nCREATE STAGE D.PUBLIC.S URL = '{where.as_uri()}';\n")
    for roots in ([], ["--stage-root", str(tmp_path)]):
        subprocess.run([sys.executable, "-m", "snowreg", "check", str(script), *roots], capture_output=True,
                       cwd=tmp_path, timeout=120)
        assert not where.exists()


# ---------------------------------------------------------------------------------------------
# 6. Sharing and lifetimes
# ---------------------------------------------------------------------------------------------


def test_connections_to_one_directory_share_privileges(tmp_path: Path) -> None:
    admin = snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg")
    setup(admin).close()
    alice = snowreg.connect(user="ALICE", path=tmp_path / "reg")
    assert run(alice, "SELECT x FROM ML.DEV.OPEN") == [(1,)]
    other_admin = snowreg.connect(path=tmp_path / "reg")
    run(other_admin, "REVOKE SELECT ON TABLE ML.DEV.OPEN FROM ROLE ANALYST")
    assert refused(alice, "SELECT x FROM ML.DEV.OPEN").errno == 2003
    run(admin, "INSERT INTO ML.DEV.SECRET VALUES (7)")
    assert sorted(run(other_admin, "SELECT x FROM ML.DEV.SECRET")) == [(7,), (42,)]
    for conn in (alice, other_admin, admin):
        conn.close()


def test_a_second_process_gets_a_one_line_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    with snowreg.connect(database="ML", path=tmp_path / "reg"):
        code = f"import snowreg; snowreg.connect(path={str(tmp_path / 'reg')!r})"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode != 0
        last = done.stderr.strip().splitlines()[-1]
        assert "in use by another process" in last and str(tmp_path / "reg") in last
        done = subprocess.run([sys.executable, "-m", "snowreg", "run", "-", "--db", str(tmp_path / "reg")],
                              input="SELECT 1;", capture_output=True, text=True, timeout=120)
        assert done.returncode != 0
        assert len(done.stderr.strip().splitlines()) == 1 and str(tmp_path / "reg") in done.stderr


def test_drop_database_removes_its_data(tmp_path: Path) -> None:
    for path in (None, tmp_path / "reg"):
        with snowreg.connect(database="ML", schema="DEV", path=path) as conn:
            run(conn, "CREATE TABLE T (x INT)")
            run(conn, "INSERT INTO T VALUES (1)")
            run(conn, "DROP DATABASE ML")
            run(conn, "CREATE DATABASE ML")
            assert refused(conn, "SELECT * FROM ML.PUBLIC.T").errno == 2003
            assert refused(conn, "SELECT * FROM ML.DEV.T").errno == 2003


# ---------------------------------------------------------------------------------------------
# 4. Pickles: stored files are checked against their hash; the grammar cache is private or unused
# ---------------------------------------------------------------------------------------------


def _parse_in_subprocess(cache_home: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("SNOWREG_NO_GRAMMAR_CACHE", None)
    subprocess.run([sys.executable, "-c", "import snowreg; snowreg.parse('SHOW MODELS')"], env=env, check=True,
                   timeout=120, capture_output=True)


@pytest.mark.parametrize("loosen", ["directory", "file"])
def test_a_pickle_planted_in_the_grammar_cache_never_runs(tmp_path: Path, loosen: str) -> None:
    import pickle

    _parse_in_subprocess(tmp_path)  # a genuine cache: its first line is the key Lark checks
    (cache,) = (tmp_path / "snowreg").glob("grammar-lalr-*.cache")  # named by a hash of the grammar
    key = cache.read_bytes().split(b"\n", 1)[0]
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[Any, ...]:
            return (open, (str(marker), "w"))

    cache.write_bytes(key + b"\n" + pickle.dumps(Payload()))
    if loosen == "directory":
        cache.parent.chmod(0o777)
    else:
        cache.chmod(0o666)
    _parse_in_subprocess(tmp_path)
    assert not marker.exists()


def test_a_tampered_model_file_is_never_unpickled(tmp_path: Path, version_dir: Path) -> None:
    pytest.importorskip("sklearn")
    import duckdb

    path = tmp_path / "reg"
    with snowreg.connect(database="ML", schema="DEV", path=path, stage_roots=[tmp_path]) as admin:
        run(admin, f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'")
        run(admin, "CREATE MODEL M WITH VERSION V1 FROM @ST")
        assert run(admin, "SELECT M!PREDICT(1.0, 2.0)['output_feature_0'] > 0")[0][0] is True
    db = duckdb.connect(str(path / "registry.duckdb"))  # someone with write access to the files
    marker = tmp_path / "pwned"
    payload = b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."
    db.execute("UPDATE snowreg.blobs SET content = ? WHERE sha IN (SELECT sha FROM snowreg.files "
               "WHERE path LIKE 'model/models/%')", [payload])
    db.close()
    import subprocess
    import sys

    # a fresh process: this one still holds the genuine model in memory
    done = subprocess.run([sys.executable, "-m", "snowreg", "run", "-", "--db", str(path)],
                          input="SELECT ML.DEV.M!PREDICT(1.0, 2.0);", capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "does not match the hash" in done.stderr
    assert not marker.exists()


# ---------------------------------------------------------------------------------------------
# 5. One error boundary: nesting, regex, timeouts, transactions, script encodings
# ---------------------------------------------------------------------------------------------

DEEP = {
    "parentheses": "SELECT " + "(" * 1000 + "1" + ")" * 1000,
    "subqueries": "SELECT * FROM " + "(SELECT * FROM " * 300 + "(SELECT 1 AS a)" + " t)" * 300,
    "case": "SELECT " + "CASE WHEN 1 = 1 THEN " * 500 + "1" + " END" * 500,
    "not": "SELECT " + "NOT " * 3000 + "TRUE",
    "in where": "SELECT 1 WHERE " + "(1 = 1 AND " * 800 + "TRUE" + ")" * 800,
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deep_nesting_is_a_clear_error(shape: str) -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        try:
            run(conn, DEEP[shape])
        except snowreg.Error as e:
            assert e.errno in (2, 1003), e
        assert run(conn, "SELECT 1") == [(1,)]


def test_list_pattern_cannot_hang_on_a_backtracking_regex(tmp_path: Path) -> None:
    name = tmp_path / ("a" * 40 + "b")
    name.write_text("x")
    with snowreg.connect(database="ML", schema="DEV") as conn:
        run(conn, "CREATE STAGE S")
        run(conn, f"PUT '{name.as_uri()}' @S AUTO_COMPRESS = FALSE")
        assert run(conn, "LIST @S PATTERN = '(a+)+$'") == []  # Python's re would backtrack for hours
        assert len(run(conn, "LIST @S PATTERN = '(a|aa)+b'")) == 1
        assert refused(conn, "LIST @S PATTERN = '(('").errno == 100048
        assert refused(conn, "REMOVE @S PATTERN = '[z-a]'").errno == 100048


def test_statement_timeout_interrupts_and_the_connection_goes_on() -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        run(conn, "ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 1")
        e = refused(conn, "SELECT count(*) FROM TABLE(GENERATOR(ROWCOUNT => 100000000000)) a, "
                          "TABLE(GENERATOR(ROWCOUNT => 100000)) b")
        assert (e.errno, e.sqlstate) == (630, "57014")
        assert run(conn, "SELECT 1") == [(1,)]


@pytest.mark.parametrize("failing", ["CREATE SCHEMA ML.X", "INSERT INTO T VALUES ('not a number')",
                                     "SELECT * FROM NOSUCH", "SELECT 1 +"])
def test_a_failed_statement_in_a_transaction_never_leaves_the_connection_stuck(failing: str) -> None:
    with snowreg.connect(database="ML", schema="DEV") as conn:
        run(conn, "CREATE TABLE T (x INT)")
        for sql in ("BEGIN", "INSERT INTO T VALUES (1)", failing, "ROLLBACK"):
            try:
                run(conn, sql)
            except snowreg.Error:
                pass
        run(conn, "USE SCHEMA ML.DEV")
        run(conn, "INSERT INTO T VALUES (2)")
        assert (2,) in run(conn, "SELECT x FROM T")


def test_os_errors_are_snowreg_errors(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    with snowreg.connect(database="ML", schema="DEV") as conn:
        run(conn, "CREATE STAGE S")
        refused(conn, f"PUT '{(tmp_path / 'adir').as_uri()}' @S")


@pytest.mark.parametrize("command", ["run", "check"])
def test_scripts_with_a_bom_run_and_bad_encodings_exit_2(tmp_path: Path, command: str) -> None:
    import subprocess
    import sys

    good, bad = tmp_path / "bom.sql", tmp_path / "latin1.sql"
    good.write_bytes(b"\xef\xbb\xbfSELECT 1;\n")
    bad.write_bytes("SELECT 'caf\u00e9';\n".encode("latin-1"))
    done = subprocess.run([sys.executable, "-m", "snowreg", command, str(good)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-m", "snowreg", command, str(bad)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "not UTF-8" in done.stderr


def test_threads_sharing_a_connection_take_turns() -> None:
    from concurrent.futures import ThreadPoolExecutor

    with snowreg.connect(database="ML", schema="DEV") as conn:
        run(conn, "CREATE TABLE T (x INT)")

        def work(i: int) -> int:
            for j in range(10):
                run(conn, f"INSERT INTO T VALUES ({i * 100 + j})")
            return len(run(conn, "SELECT x FROM T"))

        with ThreadPoolExecutor(8) as pool:
            counts = list(pool.map(work, range(8)))
        assert max(counts) == 80 and run(conn, "SELECT count(*) FROM T") == [(80,)]


def _blob_count(path: Path) -> int:
    import duckdb

    db = duckdb.connect(str(path / "registry.duckdb"), read_only=True)
    try:
        row = db.execute("SELECT count(*) FROM snowreg.blobs").fetchone()
        assert row is not None
        return int(row[0])
    finally:
        db.close()


def test_dropped_versions_and_files_are_freed(tmp_path: Path, version_dir: Path) -> None:
    pytest.importorskip("sklearn")
    path = tmp_path / "reg"
    with snowreg.connect(database="ML", schema="DEV", path=path, stage_roots=[tmp_path]) as admin:
        run(admin, f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'")
        run(admin, "CREATE STAGE INTERNAL")
        run(admin, "CREATE MODEL M WITH VERSION V1 FROM @ST")
        (tmp_path / 'one.txt').write_text('one')
        run(admin, f"PUT '{(tmp_path / 'one.txt').as_uri()}' @INTERNAL")
    assert _blob_count(path) > 0
    with snowreg.connect(database="ML", schema="DEV", path=path) as admin:
        run(admin, "DROP MODEL M")
        run(admin, "REMOVE @INTERNAL")
    assert _blob_count(path) == 0


def test_a_failed_log_model_leaves_no_model(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0]})
    model = linear_model.LinearRegression().fit(X, X["A"])
    with snowreg.connect(database="ML", schema="DEV") as conn:
        reg = snowreg.Registry(conn)
        with pytest.raises(TypeError):
            reg.log_model(model, model_name="M", version_name="V1", sample_input_data=X,
                          metrics={"bad": object()})
        assert run(conn, "SHOW MODELS") == []
        reg.log_model(model, model_name="M", version_name="V1", sample_input_data=X)
        with pytest.raises(TypeError):
            reg.log_model(model, model_name="M", version_name="V2", sample_input_data=X,
                          metrics={"bad": object()})
        assert [r[1] for r in run(conn, "SHOW VERSIONS IN MODEL M")] == ["V1"]


def test_a_killed_process_leaves_no_stale_stage_or_scratch(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "reg"
    (tmp_path / "f.txt").write_text("x")
    code = (
        "import os, snowreg\n"
        f"c = snowreg.connect(database='ML', schema='DEV', path={str(path)!r})\n"
        "c.cursor().execute('CREATE TEMPORARY STAGE TMP')\n"
        f"c.cursor().execute(\"PUT '{(tmp_path / 'f.txt').as_uri()}' @TMP\")\n"
        "(c.session.catalog.store.scratch() / 'half-written').write_text('x')\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", code], timeout=120)
    assert (path / "scratch" / "half-written").exists()
    with snowreg.connect(database="ML", schema="DEV", path=path) as conn:
        assert refused(conn, "LIST @TMP").errno == 2003
        assert not (path / "scratch").exists()
    assert _blob_count(path) == 0


def test_internal_table_macros_list_only_what_the_role_sees(tmp_path: Path, version_dir: Path) -> None:
    pytest.importorskip("sklearn")
    with snowreg.connect(database="ML", schema="DEV", stage_roots=[tmp_path]) as admin:
        alice = setup(admin)
        run(admin, f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'")
        run(admin, "CREATE MODEL HIDDEN WITH VERSION V1 FROM @ST")
        run(admin, "CREATE TAG T")
        run(admin, "ALTER MODEL HIDDEN SET TAG T = 'x'")
        assert len(run(admin, "SELECT * FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS")) == 1
        for sql in ("SELECT * FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS",
                    "SELECT * FROM TABLE(ML.INFORMATION_SCHEMA.TAG_REFERENCES('ML.DEV.HIDDEN', 'MODULE'))",
                    "SELECT * FROM snowreg_model_versions('ML')",
                    "SELECT * FROM snowreg_tag_references('ML', 'ML.DEV.HIDDEN', 'MODULE')",
                    "SELECT * FROM snowreg_is_models", "SELECT * FROM snowreg_is_model_versions"):
            try:
                assert run(alice, sql) == [], sql
            except snowreg.Error:
                pass
        run(admin, "SELECT * FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS")  # the admin's rows ...
        for sql in ("SELECT * FROM snowreg_model_versions('ML')", "SELECT * FROM snowreg_is_models",
                    "SELECT * FROM snowreg_is_model_versions"):
            try:  # ... are withdrawn before any other statement runs
                assert run(admin, sql) == [], sql
            except snowreg.Error:
                pass
        alice.close()


# ---------------------------------------------------------------------------------------------
# Property: whatever ALICE sends, the secret table, her role, the grants and the host stay as they were
# ---------------------------------------------------------------------------------------------

_TARGETS = ["memory.snowreg.{t}", "registry.snowreg.{t}", "snowreg.{t}", '"memory"."snowreg"."{t}"',
            "ML.DEV.SECRET", "ML.DEV.secret", "SECRET", "ML.PUBLIC.SECRET"]
_TABLES = ["users", "grants", "role_grants", "meta", "blobs", "files", "roles", "models"]
_VERBS = [
    "SELECT * FROM {x}", "DELETE FROM {x}", "DROP TABLE {x}", "TRUNCATE TABLE {x}",
    "INSERT INTO {x} SELECT * FROM {x}", "UPDATE {x} SET x = 0", "CREATE OR REPLACE TABLE {x} (x INT)",
    "ALTER TABLE {x} RENAME TO ML.DEV.MINE", "CREATE VIEW ML.DEV.V AS SELECT * FROM {x}",
    "SELECT * FROM read_csv('{f}')", "SELECT * FROM read_blob('{f}')", "COPY (SELECT 1) TO '{f}'",
    "SET snowreg_role = 'ACCOUNTADMIN'", "SET snowreg_user = 'ADMIN'", "USE ROLE ACCOUNTADMIN",
    "GRANT SELECT ON TABLE ML.DEV.SECRET TO ROLE ANALYST", "GRANT ROLE ACCOUNTADMIN TO USER ALICE",
    "ATTACH '{f}' AS z", "CREATE STAGE S URL = 'file://{d}'", "PUT 'file:///etc/hostname' @~/../",
]


def test_no_statement_alice_sends_changes_what_she_has_no_privilege_on(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    admin = snowreg.connect(database="ML", schema="DEV", path=tmp_path / "reg")
    alice = setup(admin)
    before = (run(admin, "SHOW GRANTS TO ROLE ANALYST"), run(admin, "SHOW GRANTS TO USER ALICE"))
    outside = tmp_path / "outside"

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(_VERBS), st.sampled_from(_TARGETS), st.sampled_from(_TABLES))
    def attack(verb: str, target: str, table: str) -> None:
        sql = verb.format(x=target.format(t=table), f=outside / "f", d=outside)
        try:
            rows = run(alice, sql)
        except snowreg.Error:
            rows = []
        assert (42,) not in rows, sql
        assert run(alice, "SELECT CURRENT_ROLE()") == [("ANALYST",)], sql
        assert run(admin, "SELECT x FROM ML.DEV.SECRET") == [(42,)], sql
        assert (run(admin, "SHOW GRANTS TO ROLE ANALYST"), run(admin, "SHOW GRANTS TO USER ALICE")) == before, sql
        assert not outside.exists(), sql

    attack()
    alice.close()
    admin.close()


def test_a_session_variable_does_not_defeat_the_owner_check_of_load() -> None:
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0]})
    with snowreg.connect(database="ML", schema="DEV") as admin:
        alice = setup(admin)
        snowreg.Registry(admin).log_model(linear_model.LinearRegression().fit(X, X["A"]), model_name="M",
                                          version_name="V1", sample_input_data=X)
        run(admin, "GRANT USAGE ON MODEL ML.DEV.M TO ROLE ANALYST")
        version = snowreg.Registry(alice).get_model("M").version("V1")
        for sql in ("SET snowreg_role = 'ACCOUNTADMIN'", "SET SNOWREG_ROLE = 'ACCOUNTADMIN'"):
            run(alice, sql)
            with pytest.raises(RuntimeError, match="only the model's owner role"):
                version.load()
        assert snowreg.Registry(admin).get_model("M").version("V1").load() is not None
        alice.close()
