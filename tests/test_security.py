"""The trust boundary, attacked as a user would: registry state, host files, pickles, paths, limits."""

from __future__ import annotations

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
