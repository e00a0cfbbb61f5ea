"""What DROP TABLE and CREATE OR REPLACE TABLE keep for UNDROP TABLE, seen through the DB-API (DECISIONS.md L2, L10, L11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


@pytest.fixture
def conn() -> Connection:
    c = snowreg.connect(database="TT", schema="PUBLIC")
    c.cursor().execute("CREATE ROLE reader")
    return c


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return list(conn.cursor().execute(sql).fetchall())


def test_a_table_made_again_after_drop_gets_none_of_the_kept_ones_records(conn: Connection) -> None:
    """The kept table's declared types, keys and grants stay with it: the new table of the name has its own."""
    _rows(conn, "CREATE TABLE t (id NUMBER(5, 0) PRIMARY KEY, s VARCHAR(3))")
    _rows(conn, "GRANT SELECT ON TABLE t TO ROLE reader")
    _rows(conn, "DROP TABLE t")
    _rows(conn, "CREATE TABLE t (x STRING)")
    assert [(r[0], r[1]) for r in _rows(conn, "DESCRIBE TABLE t")] == [("X", "VARCHAR(16777216)")]
    assert _rows(conn, "SHOW PRIMARY KEYS IN TABLE t") == []
    assert {r[1] for r in _rows(conn, "SHOW GRANTS ON TABLE t")} == {"OWNERSHIP"}
    _rows(conn, "ALTER TABLE t RENAME TO t_new")
    _rows(conn, "UNDROP TABLE t")
    assert [(r[0], r[1]) for r in _rows(conn, "DESCRIBE TABLE t")] == [("ID", "NUMBER(5,0)"), ("S", "VARCHAR(3)")]
    assert [r[4] for r in _rows(conn, "SHOW PRIMARY KEYS IN TABLE t")] == ["ID"]
    assert {(r[1], r[5]) for r in _rows(conn, "SHOW GRANTS ON TABLE t")} == {("OWNERSHIP", "ACCOUNTADMIN"),
                                                                            ("SELECT", "READER")}


def test_a_kept_table_is_seen_nowhere(conn: Connection) -> None:
    """Listings, INFORMATION_SCHEMA, DESCRIBE, GET_DDL, queries and a role's grants know no dropped table."""
    _rows(conn, "CREATE TABLE gone (a INT COMMENT 'c')")
    _rows(conn, "GRANT SELECT ON TABLE gone TO ROLE reader")
    _rows(conn, "DROP TABLE gone")
    assert _rows(conn, "SHOW TABLES") == []
    assert _rows(conn, "SHOW OBJECTS") == []
    for view in ("TABLES", "COLUMNS", "TABLE_PRIVILEGES"):
        assert _rows(conn, f"SELECT COUNT(*) FROM information_schema.{view.lower()} WHERE table_schema = 'PUBLIC'") == [(0,)]
    assert _rows(conn, "SHOW GRANTS TO ROLE reader") == []
    for sql in ("DESCRIBE TABLE gone", "SELECT * FROM gone", "SELECT GET_DDL('TABLE', 'GONE')",
                "INSERT INTO gone VALUES (1)", "GRANT SELECT ON TABLE gone TO ROLE reader"):
        with pytest.raises(snowreg.ProgrammingError) as e:
            _rows(conn, sql)
        assert e.value.errno == 2003, sql


def test_create_or_replace_keeps_the_replaced_table_and_copy_grants_keeps_them_on_both(conn: Connection) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (7)")
    _rows(conn, "GRANT SELECT ON TABLE t TO ROLE reader")
    _rows(conn, "CREATE OR REPLACE TABLE t (b INT) COPY GRANTS")
    assert {r[1] for r in _rows(conn, "SHOW GRANTS ON TABLE t")} == {"OWNERSHIP", "SELECT"}
    history = _rows(conn, "SHOW TABLES HISTORY")
    at = [d[0] for d in conn.cursor().execute("SHOW TABLES HISTORY").description].index("dropped_on")
    assert sorted(r[at] is None for r in history) == [False, True]
    _rows(conn, "ALTER TABLE t RENAME TO t_b")
    _rows(conn, "UNDROP TABLE t")
    assert _rows(conn, "SELECT a FROM t") == [(7,)]
    assert {r[1] for r in _rows(conn, "SHOW GRANTS ON TABLE t")} == {"OWNERSHIP", "SELECT"}
    assert {r[1] for r in _rows(conn, "SHOW GRANTS ON TABLE t_b")} == {"OWNERSHIP", "SELECT"}


def test_a_replacement_reading_the_table_it_replaces_still_works(conn: Connection) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (1), (2)")
    _rows(conn, "CREATE OR REPLACE TABLE t AS SELECT a * 10 AS a FROM t")
    assert sorted(_rows(conn, "SELECT a FROM t")) == [(10,), (20,)]


def test_a_failed_replacement_leaves_the_table_as_it_was(conn: Connection) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (1)")
    _rows(conn, "GRANT SELECT ON TABLE t TO ROLE reader")
    with pytest.raises(snowreg.Error):
        _rows(conn, "CREATE OR REPLACE TABLE t AS SELECT 1/0 AS z")
    assert _rows(conn, "SELECT a FROM t") == [(1,)]
    assert {r[1] for r in _rows(conn, "SHOW GRANTS ON TABLE t")} == {"OWNERSHIP", "SELECT"}
    at = [d[0] for d in conn.cursor().execute("SHOW TABLES HISTORY").description].index("dropped_on")
    assert [r[at] for r in _rows(conn, "SHOW TABLES HISTORY")] == [None]


def test_a_table_reading_a_shared_sequence_is_dropped_for_good_and_the_sequence_can_go(conn: Connection) -> None:
    _rows(conn, "CREATE SEQUENCE seq")
    _rows(conn, "CREATE TABLE t (a INT DEFAULT seq.NEXTVAL, b INT)")
    _rows(conn, "DROP TABLE t")
    _rows(conn, "DROP SEQUENCE seq")
    with pytest.raises(snowreg.ProgrammingError) as e:
        _rows(conn, "UNDROP TABLE t")
    assert e.value.errno == 2003


def test_a_kept_table_survives_reopening_a_persistent_registry(tmp_path: Path) -> None:
    c = snowreg.connect(database="TT", schema="PUBLIC", path=tmp_path / "reg")
    _rows(c, "CREATE TABLE t (a INT IDENTITY, b VARCHAR)")
    _rows(c, "INSERT INTO t (b) VALUES ('x')")
    _rows(c, "DROP TABLE t")
    c.close()
    c = snowreg.connect(database="TT", schema="PUBLIC", path=tmp_path / "reg")
    assert _rows(c, "SHOW TABLES") == []
    _rows(c, "UNDROP TABLE t")
    _rows(c, "INSERT INTO t (b) VALUES ('y')")
    assert _rows(c, "SELECT a, b FROM t ORDER BY a") == [(1, "x"), (2, "y")]
    c.close()


def test_dropped_schemas_and_databases_are_listed_but_not_restored(conn: Connection) -> None:
    """SHOW … HISTORY lists them; UNDROP of one is refused whole (not supported), nothing comes back partly."""
    _rows(conn, "CREATE SCHEMA s")
    _rows(conn, "CREATE TABLE s.t (a INT)")
    _rows(conn, "DROP SCHEMA s")
    names = [r[1] for r in _rows(conn, "SHOW SCHEMAS HISTORY IN DATABASE tt")]
    assert "S" in names
    with pytest.raises(snowreg.NotSupportedError):
        _rows(conn, "UNDROP SCHEMA tt.s")
    assert "S" not in [r[1] for r in _rows(conn, "SHOW SCHEMAS IN DATABASE tt")]
    with pytest.raises(snowreg.ProgrammingError) as e:
        _rows(conn, "UNDROP TABLE tt.s.t")
    assert e.value.errno == 2003


def test_a_replacement_reading_the_table_through_a_view_still_works(conn: Connection) -> None:
    _rows(conn, "CREATE TABLE t (a INT)")
    _rows(conn, "INSERT INTO t VALUES (3)")
    _rows(conn, "CREATE VIEW v AS SELECT a FROM t")
    _rows(conn, "CREATE OR REPLACE TABLE t AS SELECT a + 1 AS a FROM v")
    assert _rows(conn, "SELECT a FROM t") == [(4,)]
