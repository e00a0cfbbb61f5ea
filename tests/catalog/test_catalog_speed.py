"""Fresh registries made fast stay isolated, complete and transactional (what a test fixture relies on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import snowreg

# ---------------------------------------------------------------------------------------------
# A fresh registry answers its first reads from Python: what it shows must be what it has
# ---------------------------------------------------------------------------------------------


def test_two_fresh_registries_in_one_process_never_see_each_other() -> None:
    a = snowreg.connect(database="DB", schema="PUBLIC")
    b = snowreg.connect(database="DB", schema="PUBLIC")
    try:
        ca, cb = a.cursor(), b.cursor()
        ca.execute("CREATE TABLE T (X INT)")
        ca.execute("INSERT INTO T VALUES (1)")
        ca.execute("CREATE SCHEMA ONLY_A")
        ca.execute("CREATE ROLE ONLY_A_ROLE")
        with pytest.raises(snowreg.ProgrammingError) as e:
            cb.execute("SELECT * FROM T")
        assert e.value.errno == 2003
        assert [r[1] for r in cb.execute("SHOW SCHEMAS IN DATABASE DB").fetchall()] == [
            "INFORMATION_SCHEMA", "PUBLIC"]
        assert "ONLY_A_ROLE" not in [r[1] for r in cb.execute("SHOW ROLES").fetchall()]
        cb.execute("CREATE TABLE T (Y VARCHAR)")
        assert cb.execute("SELECT count(*) FROM T").fetchall() == [(0,)]
        assert ca.execute("SELECT * FROM DB.PUBLIC.T").fetchall() == [(1,)]
    finally:
        a.close()
        b.close()


def test_a_fresh_registry_shows_its_seeded_account_and_first_writes() -> None:
    with snowreg.connect(database="FRESH", schema="WORK") as conn:
        cur = conn.cursor()
        assert cur.execute("SELECT CURRENT_USER(), CURRENT_ROLE(), CURRENT_DATABASE(), CURRENT_SCHEMA()"
                           ).fetchall() == [("ADMIN", "ACCOUNTADMIN", "FRESH", "WORK")]
        databases = {r[1]: r for r in cur.execute("SHOW DATABASES").fetchall()}
        assert databases["FRESH"][5] == "ACCOUNTADMIN"  # owner
        schemas = cur.execute("SHOW SCHEMAS IN DATABASE FRESH").fetchall()
        assert [r[1] for r in schemas] == ["INFORMATION_SCHEMA", "PUBLIC", "WORK"]
        roles = {r[1] for r in cur.execute("SHOW ROLES").fetchall()}
        assert {"ACCOUNTADMIN", "SECURITYADMIN", "USERADMIN", "SYSADMIN", "PUBLIC"} <= roles
        assert [r[0] for r in cur.execute("SHOW USERS").fetchall()] == ["ADMIN"]
        privileges = {(r[1], r[5]) for r in cur.execute("SHOW GRANTS TO ROLE SYSADMIN").fetchall()}
        assert ("CREATE DATABASE", "SYSADMIN") in privileges


def test_the_created_on_of_seeded_roles_does_not_move_when_the_registry_builds_its_tables() -> None:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        before = {r[1]: r[0] for r in cur.execute("SHOW ROLES").fetchall()}
        cur.execute("CREATE ROLE LATER")  # any write builds the registry tables
        after = {r[1]: r[0] for r in cur.execute("SHOW ROLES").fetchall()}
        assert {k: after[k] for k in before} == before


def test_a_fresh_registry_refuses_what_it_would_refuse_later() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE DB2")
        with pytest.raises(snowreg.ProgrammingError) as e:
            cur.execute("CREATE DATABASE DB2")
        assert e.value.errno == 2002
        cur.execute("USE ROLE PUBLIC")
        with pytest.raises(snowreg.ProgrammingError) as e:
            cur.execute("CREATE DATABASE DB3")
        assert e.value.errno == 3001


# ---------------------------------------------------------------------------------------------
# Functions and INFORMATION_SCHEMA macros: prebuilt or created on first use, never lost
# ---------------------------------------------------------------------------------------------


def test_information_schema_read_first_in_a_rolled_back_transaction_still_works_after() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE T (X INT)")
        cur.execute("BEGIN")
        assert cur.execute("SELECT TABLE_NAME FROM DB.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                           ).fetchall() == [("T",)]
        cur.execute("ROLLBACK")
        assert cur.execute("SELECT TABLE_NAME FROM DB.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                           ).fetchall() == [("T",)]
        assert cur.execute("SELECT count(*) FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS").fetchall() == [(0,)]


def test_variant_functions_work_in_a_fresh_registry() -> None:
    with snowreg.connect() as conn:
        got = conn.cursor().execute("SELECT ARRAY_SIZE(PARSE_JSON('[1, 2, 3]')), "
                                    "ARRAY_CONTAINS(2::VARIANT, ARRAY_CONSTRUCT(1, 2))").fetchall()
        assert got == [(3, True)]


def test_user_sql_cannot_change_the_prebuilt_functions() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        for sql in ("CREATE OR REPLACE MACRO snowreg_fn.main.snowreg_array_size(a) AS 42",
                    "DETACH snowreg_fn", "CREATE TABLE snowreg_fn.main.x (a INT)"):
            with pytest.raises(snowreg.Error):
                cur.execute(sql)
        assert cur.execute("SELECT ARRAY_SIZE(PARSE_JSON('[1, 2]'))").fetchall() == [(2,)]


def test_functions_first_called_in_a_rolled_back_transaction_still_work_after() -> None:
    """A fresh registry attaches its functions when a statement first calls one: a ROLLBACK of the
    transaction that did so takes nothing back, for this session or another of the registry."""
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        assert cur.execute("SELECT 1").fetchall() == [(1,)]
        cur.execute("BEGIN")
        assert cur.execute("SELECT DIV0(1, 0), ARRAY_SIZE(PARSE_JSON('[1, 2]'))").fetchall() == [(0, 2)]
        cur.execute("ROLLBACK")
        assert cur.execute("SELECT DIV0(4, 2), ARRAY_SIZE(PARSE_JSON('[1]'))").fetchall() == [(2, 1)]
        other = conn.open_session(user="ADMIN")
        try:
            assert other.cursor().execute("SELECT DIV0(9, 3)").fetchall() == [(3,)]
        finally:
            other.close()


def test_a_view_calling_functions_reads_the_same_from_every_session() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE T (A INT, B INT)")
        cur.execute("INSERT INTO T VALUES (10, 4), (1, 0)")
        cur.execute("CREATE VIEW V AS SELECT DIV0(A, B) AS Q FROM T")
        other = conn.open_session(user="ADMIN")
        try:
            cur2 = other.cursor()
            cur2.execute("USE SCHEMA DB.PUBLIC")
            assert sorted(cur2.execute("SELECT Q FROM V").fetchall()) == [(0,), (2.5,)]
        finally:
            other.close()


def test_functions_of_one_fresh_registry_are_not_another_ones_business() -> None:
    """One registry calling functions (and so attaching them) changes nothing for another, before or after."""
    a = snowreg.connect(database="DB", schema="PUBLIC")
    b = snowreg.connect(database="DB", schema="PUBLIC")
    try:
        ca, cb = a.cursor(), b.cursor()
        ca.execute("CREATE TABLE T AS SELECT DIV0(1, 0) AS Z")
        with pytest.raises(snowreg.ProgrammingError) as e:
            cb.execute("SELECT * FROM T")
        assert e.value.errno == 2003
        assert cb.execute("SELECT DIV0(6, 3)").fetchall() == [(2,)]
        assert ca.execute("SELECT Z FROM T").fetchall() == [(0,)]
    finally:
        a.close()
        b.close()


def test_functions_when_the_prebuilt_file_is_gone_before_first_use(tmp_path: Path) -> None:
    """The file removed after the registry opened (a cache cleaned): the functions are created instead."""
    code = ("import glob, os, snowreg; c = snowreg.connect(); cur = c.cursor(); cur.execute('SELECT 1'); "
            "[os.unlink(f) for f in glob.glob(os.path.join(os.environ['XDG_CACHE_HOME'], 'snowreg', 'functions-*'))]; "
            "print(cur.execute(\"SELECT ARRAY_SIZE(PARSE_JSON('[1, 2, 3]')), DIV0(1, 0)\").fetchall())")
    environ = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[(3, Decimal('0.000000'))]"


@pytest.mark.parametrize("env", [{"SNOWREG_NO_FUNCTION_CACHE": "1"}, {"XDG_CACHE_HOME": "{tmp}"}])
def test_functions_without_the_shared_cache_file(tmp_path: Path, env: dict[str, str]) -> None:
    """Turned off, or built into an empty cache folder: the same answers."""
    code = ("import snowreg; c = snowreg.connect(); "
            "print(c.cursor().execute(\"SELECT ARRAY_SIZE(PARSE_JSON('[1, 2, 3]'))\").fetchall())")
    environ = {**os.environ, **{k: v.format(tmp=tmp_path) for k, v in env.items()}}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[(3,)]"
    if "XDG_CACHE_HOME" in env:
        built = list((tmp_path / "snowreg").glob("functions-*.duckdb"))
        assert len(built) == 1 and oct(built[0].stat().st_mode & 0o777) == "0o600"


def test_a_loosened_function_file_is_never_attached(tmp_path: Path) -> None:
    """A file others could have written is rebuilt, never attached."""
    code = ("import snowreg; c = snowreg.connect(); "
            "print(c.cursor().execute(\"SELECT ARRAY_SIZE(PARSE_JSON('[1]'))\").fetchall())")
    environ = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, env=environ, timeout=120)
    (built,) = (tmp_path / "snowreg").glob("functions-*.duckdb")
    built.chmod(0o666)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=120)
    assert out.stdout.strip() == "[(1,)]", out.stderr
    assert built.stat().st_mode & 0o022 == 0


def test_session_context_is_current_whatever_the_previous_statement_skipped() -> None:
    """Table-less SELECTs skip handing DuckDB the session's variables; views and defaults still see them."""
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE VIEW WHO AS SELECT CURRENT_ROLE() AS R, CURRENT_SCHEMA() AS S")
        cur.execute("CREATE TABLE LOG (X INT, R VARCHAR DEFAULT CURRENT_ROLE())")
        cur.execute("GRANT ALL ON SCHEMA DB.PUBLIC TO ROLE SYSADMIN")
        cur.execute("GRANT SELECT, INSERT ON TABLE LOG TO ROLE SYSADMIN")
        cur.execute("GRANT SELECT ON VIEW WHO TO ROLE SYSADMIN")
        cur.execute("GRANT USAGE ON DATABASE DB TO ROLE SYSADMIN")
        cur.execute("SELECT 1")
        cur.execute("USE ROLE SYSADMIN")
        cur.execute("SELECT 2")
        assert cur.execute("SELECT * FROM WHO").fetchall() == [("SYSADMIN", "PUBLIC")]
        cur.execute("INSERT INTO LOG (X) VALUES (1)")
        assert cur.execute("SELECT R FROM LOG").fetchall() == [("SYSADMIN",)]
        assert cur.execute("SELECT CURRENT_ROLE(), CURRENT_ACCOUNT()").fetchall() == [("SYSADMIN", "SNOWREG")]


# ---------------------------------------------------------------------------------------------
# Small registry writes (comments, aliases, default version): answered from memory, stored in order
# ---------------------------------------------------------------------------------------------


def _logged(path: Path | None = None) -> snowreg.Connection:
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    conn = snowreg.connect(database="DB", schema="PUBLIC", path=path)
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0], "B": [1.0, 0.0, 1.0]})
    registry = snowreg.Registry(conn)
    for version in ("V1", "V2"):
        registry.log_model(linear_model.LinearRegression().fit(X, X["A"]), model_name="M", version_name=version,
                           sample_input_data=X)
    return conn


_IS = ("SELECT MODEL_VERSION_NAME, COMMENT, VERSION_ALIASES FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS "
       "ORDER BY 1")


def _named(cur: Any, sql: str) -> list[dict[str, Any]]:
    rows = cur.execute(sql).fetchall()
    return [dict(zip([d[0] for d in cur.description], r, strict=True)) for r in rows]


def test_many_small_writes_read_back_in_their_last_state_everywhere() -> None:
    with _logged() as conn:
        cur = conn.cursor()
        for i in range(5):
            cur.execute(f"ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'c{i}'")
            cur.execute(f"ALTER MODEL M VERSION V{1 + i % 2} SET ALIAS = A{i}")
            cur.execute(f"ALTER MODEL M SET DEFAULT_VERSION = V{1 + i % 2}")
            cur.execute(f"ALTER MODEL M SET COMMENT = 'm{i}'")
            cur.execute(f"ALTER MODEL M VERSION V{1 + i % 2} UNSET ALIAS")
        cur.execute("ALTER MODEL M VERSION V2 SET ALIAS = LATEST_ONE")
        versions = {r["name"]: r for r in _named(cur, "SHOW VERSIONS IN MODEL M")}
        assert versions["V1"]["comment"] == "c4"
        assert str(versions["V1"]["is_default_version"]).lower() == "true"
        assert _named(cur, "SHOW MODELS LIKE 'M'")[0]["comment"] == "m4"
        rows = cur.execute(_IS).fetchall()  # read by DuckDB from the registry tables themselves
        assert [(r[0], r[1]) for r in rows] == [("V1", "c4"), ("V2", None)]
        assert "DEFAULT" in rows[0][2] and "A4" not in rows[0][2]
        assert "LATEST_ONE" in rows[1][2]


def test_small_writes_are_not_undone_by_a_rolled_back_transaction() -> None:
    """ALTER MODEL is DDL: it commits the open transaction and stays when a later one rolls back."""
    with _logged() as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE T (X INT)")
        cur.execute("BEGIN")
        cur.execute("INSERT INTO T VALUES (1)")
        cur.execute("ALTER MODEL M MODIFY VERSION V2 SET COMMENT = 'kept'")
        cur.execute("BEGIN")
        cur.execute("INSERT INTO T VALUES (2)")
        cur.execute("ROLLBACK")
        assert cur.execute("SELECT X FROM T").fetchall() == [(1,)]
        assert cur.execute(_IS).fetchall()[1][1] == "kept"
        with pytest.raises(snowreg.ProgrammingError):
            cur.execute("ALTER MODEL M MODIFY VERSION V9 SET COMMENT = 'no'")
        assert [r[1] for r in cur.execute(_IS).fetchall()] == [None, "kept"]


def test_small_writes_of_a_persistent_registry_survive_reopening(tmp_path: Path) -> None:
    with _logged(tmp_path / "reg") as conn:
        conn.cursor().execute("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'durable'")
        conn.cursor().execute("ALTER MODEL M SET DEFAULT_VERSION = V2")
    with snowreg.connect(path=tmp_path / "reg") as again:
        cur = again.cursor()
        versions = {r["name"]: r for r in _named(cur, "SHOW VERSIONS IN MODEL DB.PUBLIC.M")}
        assert versions["V1"]["comment"] == "durable"
        assert str(versions["V2"]["is_default_version"]).lower() == "true"
