"""DATA_RETENTION_TIME_IN_DAYS on the account, databases, schemas and tables, seen through the DB-API (DECISIONS.md L30-L35)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

_LIKE = "SHOW PARAMETERS LIKE 'DATA_RETENTION_TIME_IN_DAYS'"


@pytest.fixture
def conn() -> Connection:
    return snowreg.connect(database="RT", schema="PUBLIC")


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return list(conn.cursor().execute(sql).fetchall())


def _setting(conn: Connection, scope: str) -> tuple[str, str]:
    """(value, level) of DATA_RETENTION_TIME_IN_DAYS in a SHOW PARAMETERS scope."""
    rows = _rows(conn, f"{_LIKE} IN {scope}")
    assert [(r[0], r[2], r[5]) for r in rows] == [("DATA_RETENTION_TIME_IN_DAYS", "1", "NUMBER")]
    return rows[0][1], rows[0][3]


def _no_undrop(conn: Connection, name: str) -> None:
    with pytest.raises(snowreg.ProgrammingError) as e:
        _rows(conn, f"UNDROP TABLE {name}")
    assert e.value.errno == 2003


def test_the_account_opt_out_drops_and_replaces_for_good(conn: Connection) -> None:
    """What a test suite sharing one registry does: after it, nothing dropped is kept."""
    _rows(conn, "ALTER ACCOUNT SET DATA_RETENTION_TIME_IN_DAYS = 0")
    assert _setting(conn, "ACCOUNT") == ("0", "ACCOUNT")
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (1)")
    assert _rows(conn, "DROP TABLE t") == [("T successfully dropped.",)]
    _no_undrop(conn, "t")
    _rows(conn, "CREATE TABLE r (a INT)")
    _rows(conn, "CREATE OR REPLACE TABLE r (b INT)")
    assert [r[1] for r in _rows(conn, "SHOW TABLES HISTORY")] == ["R"]  # the current one only
    # nothing is left in DuckDB's catalog under a hidden name either
    assert _rows(conn, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'PUBLIC'") == [(1,)]
    hidden = conn._catalog.store.data_query("SELECT COUNT(*) FROM duckdb_tables() WHERE contains(table_name, chr(30))")
    assert hidden == [(0,)]
    _rows(conn, "ALTER ACCOUNT UNSET DATA_RETENTION_TIME_IN_DAYS")
    assert _setting(conn, "ACCOUNT") == ("1", "")
    _rows(conn, "DROP TABLE r")
    assert _rows(conn, "UNDROP TABLE r") == [("Table R successfully restored.",)]


def test_a_table_inherits_from_its_schema_database_and_account_and_its_own_value_wins(conn: Connection) -> None:
    _rows(conn, "CREATE SCHEMA s")
    _rows(conn, "CREATE TABLE s.t (a INT)")
    assert _setting(conn, "TABLE rt.s.t") == ("1", "")
    _rows(conn, "ALTER ACCOUNT SET DATA_RETENTION_TIME_IN_DAYS = 0")
    assert _setting(conn, "TABLE rt.s.t") == ("0", "ACCOUNT")
    _rows(conn, "ALTER DATABASE rt SET DATA_RETENTION_TIME_IN_DAYS = 1")
    assert _setting(conn, "TABLE rt.s.t") == ("1", "DATABASE")
    _rows(conn, "ALTER SCHEMA rt.s SET DATA_RETENTION_TIME_IN_DAYS = 0")
    assert _setting(conn, "TABLE rt.s.t") == ("0", "SCHEMA")
    assert _setting(conn, "SCHEMA rt.s") == ("0", "SCHEMA")
    assert _setting(conn, "DATABASE rt") == ("1", "DATABASE")
    _rows(conn, "ALTER TABLE rt.s.t SET DATA_RETENTION_TIME_IN_DAYS = 1")
    assert _setting(conn, "TABLE rt.s.t") == ("1", "TABLE")
    assert [(r[1], r[10]) for r in _rows(conn, "SHOW TABLES IN SCHEMA rt.s")] == [("T", "1")]
    _rows(conn, "CREATE TABLE rt.s.u (a INT)")
    assert _rows(conn, "SELECT table_name, retention_time FROM rt.information_schema.tables "
                       "WHERE table_schema = 'S' ORDER BY 1") == [("T", 1), ("U", 0)]
    _rows(conn, "DROP TABLE rt.s.t")
    _rows(conn, "DROP TABLE rt.s.u")
    assert [r[1] for r in _rows(conn, "SHOW TABLES HISTORY IN SCHEMA rt.s")] == ["T"]
    assert _rows(conn, "UNDROP TABLE rt.s.t") == [("Table T successfully restored.",)]
    _no_undrop(conn, "rt.s.u")
    assert _setting(conn, "TABLE rt.s.t") == ("1", "TABLE")  # its own value came back with it


def test_create_statements_set_it_and_or_replace_starts_afresh(conn: Connection) -> None:
    _rows(conn, "CREATE DATABASE d2 DATA_RETENTION_TIME_IN_DAYS = 0 COMMENT = 'quick'")
    assert [(r[1], r[6], r[8]) for r in _rows(conn, "SHOW DATABASES LIKE 'D2'")] == [("D2", "quick", 0)]
    _rows(conn, "CREATE SCHEMA d2.s2 WITH MANAGED ACCESS DATA_RETENTION_TIME_IN_DAYS = 1")
    assert [(r[1], r[8]) for r in _rows(conn, "SHOW SCHEMAS IN DATABASE d2")] == [
        ("INFORMATION_SCHEMA", 0), ("PUBLIC", 0), ("S2", 1)]
    _rows(conn, "CREATE TABLE d2.public.t (a INT) DATA_RETENTION_TIME_IN_DAYS = 1 COMMENT = 'kept'")
    assert _setting(conn, "TABLE d2.public.t") == ("1", "TABLE")
    assert [r[5] for r in _rows(conn, "SHOW TABLES IN SCHEMA d2.public")] == ["kept"]
    _rows(conn, "CREATE OR REPLACE TABLE d2.public.t (b INT)")  # kept: the old table's own value was 1
    assert _setting(conn, "TABLE d2.public.t") == ("0", "DATABASE")
    assert len(_rows(conn, "SHOW TABLES HISTORY IN SCHEMA d2.public")) == 2
    _rows(conn, "CREATE TABLE d2.public.c DATA_RETENTION_TIME_IN_DAYS = 1 AS SELECT 1 AS x")
    assert _setting(conn, "TABLE d2.public.c") == ("1", "TABLE")


def test_dropped_containers_with_retention_zero_are_not_in_history(conn: Connection) -> None:
    _rows(conn, "CREATE SCHEMA gone DATA_RETENTION_TIME_IN_DAYS = 0")
    _rows(conn, "CREATE SCHEMA kept")
    _rows(conn, "DROP SCHEMA rt.gone")
    _rows(conn, "DROP SCHEMA rt.kept")
    names = [r[1] for r in _rows(conn, "SHOW SCHEMAS HISTORY IN DATABASE rt") if r[9] is not None]
    assert names == ["KEPT"]
    _rows(conn, "CREATE SCHEMA gone")  # a schema made again does not inherit the dropped one's value
    assert _setting(conn, "SCHEMA rt.gone") == ("1", "")


@pytest.mark.parametrize("sql, errno", [
    ("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 2", 2),
    ("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = -1", 1008),
    ("CREATE OR REPLACE TABLE t (b INT) DATA_RETENTION_TIME_IN_DAYS = 90", 2),
    ("CREATE OR REPLACE SCHEMA public DATA_RETENTION_TIME_IN_DAYS = 7", 2),
    ("ALTER ACCOUNT SET DATA_RETENTION_TIME_IN_DAYS = 3", 2),
    ("ALTER DATABASE rt SET DATA_RETENTION_TIME_IN_DAYS = 1, MAX_DATA_EXTENSION_TIME_IN_DAYS = 3", 2),
    ("CREATE VIEW v DATA_RETENTION_TIME_IN_DAYS = 0 AS SELECT 1 AS a", 2),
    ("ALTER TABLE nope SET DATA_RETENTION_TIME_IN_DAYS = 0", 2003),
])
def test_refused_values_and_forms_change_nothing(conn: Connection, sql: str, errno: int) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (1)")
    with pytest.raises(snowreg.Error) as e:
        _rows(conn, sql)
    assert e.value.errno == errno
    assert _rows(conn, "SELECT a FROM t") == [(1,)]
    assert _setting(conn, "TABLE t") == ("1", "")
    assert _setting(conn, "ACCOUNT") == ("1", "")
    assert _setting(conn, "DATABASE rt") == ("1", "")


def test_if_exists_of_a_missing_object_changes_nothing(conn: Connection) -> None:
    for kind in ("TABLE", "SCHEMA", "DATABASE"):
        assert _rows(conn, f"ALTER {kind} IF EXISTS nope SET DATA_RETENTION_TIME_IN_DAYS = 0") == [
            ("Statement executed successfully.",)]


@pytest.mark.parametrize("scope", ["TABLE nosuch", "SCHEMA nosuch", "DATABASE nosuch"])
@pytest.mark.parametrize("like", ["", " LIKE 'DATA_RETENTION%'", " LIKE 'NO_SUCH_PARAMETER'"])
def test_parameters_of_a_missing_object_are_an_error_whatever_like_says(conn: Connection, scope: str,
                                                                        like: str) -> None:
    """SHOW PARAMETERS … IN TABLE | SCHEMA | DATABASE of an object that does not exist is 002003, also when LIKE
    would leave no row (DECISIONS.md X22)."""
    with pytest.raises(snowreg.ProgrammingError) as e:
        _rows(conn, f"SHOW PARAMETERS{like} IN {scope}")
    assert e.value.errno == 2003
    _rows(conn, "CREATE TABLE here (i INT)")
    assert _rows(conn, "SHOW PARAMETERS LIKE 'NO_SUCH_PARAMETER' IN TABLE here") == []


def test_only_accountadmin_sets_the_account_and_only_owners_their_objects(conn: Connection) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "CREATE ROLE analyst")
    _rows(conn, "GRANT ROLE analyst TO USER admin")
    _rows(conn, "GRANT USAGE ON DATABASE rt TO ROLE analyst")
    _rows(conn, "GRANT USAGE ON SCHEMA rt.public TO ROLE analyst")
    _rows(conn, "GRANT SELECT ON TABLE t TO ROLE analyst")
    _rows(conn, "USE ROLE analyst")
    for sql, errno in (("ALTER ACCOUNT SET DATA_RETENTION_TIME_IN_DAYS = 0", 3001),
                       ("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 0", 3001),
                       ("ALTER SCHEMA rt.public SET DATA_RETENTION_TIME_IN_DAYS = 0", 3001),
                       ("ALTER DATABASE rt UNSET DATA_RETENTION_TIME_IN_DAYS", 3001)):
        with pytest.raises(snowreg.ProgrammingError) as e:
            _rows(conn, sql)
        assert e.value.errno == errno, sql
    _rows(conn, "USE ROLE accountadmin")
    assert _setting(conn, "TABLE t") == ("1", "")


def test_settings_survive_reopening_a_persistent_registry(tmp_path: Path) -> None:
    c = snowreg.connect(database="RT", schema="PUBLIC", path=tmp_path / "reg")
    _rows(c, "ALTER ACCOUNT SET DATA_RETENTION_TIME_IN_DAYS = 0")
    _rows(c, "CREATE SCHEMA s DATA_RETENTION_TIME_IN_DAYS = 1")
    _rows(c, "CREATE TABLE rt.public.t (a INT) DATA_RETENTION_TIME_IN_DAYS = 1")
    c.close()
    c = snowreg.connect(database="RT", schema="PUBLIC", path=tmp_path / "reg")
    assert _setting(c, "ACCOUNT") == ("0", "ACCOUNT")
    assert _setting(c, "SCHEMA rt.s") == ("1", "SCHEMA")
    assert _setting(c, "TABLE rt.public.t") == ("1", "TABLE")
    assert _setting(c, "DATABASE rt") == ("0", "ACCOUNT")
    c.close()
