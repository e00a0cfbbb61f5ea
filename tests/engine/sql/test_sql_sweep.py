"""Plain SQL behaviours of the fidelity sweep through connect(): MERGE determinism, tags of a dropped
schema, transaction ids, INSERT OVERWRITE and multi-table INSERT, VARCHAR(n) lengths, VARIANT doubles."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


@pytest.fixture
def conn() -> Connection:
    return snowreg.connect(database="sweep", schema="public")


def _rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.cursor().execute(sql).fetchall()]


def test_a_nondeterministic_merge_with_the_error_parameter_off_uses_one_joined_row(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (k INT, v INT)")
    cur.execute("INSERT INTO t VALUES (0, 10)")
    cur.execute("CREATE TABLE s (k INT, v INT)")
    cur.execute("INSERT INTO s VALUES (0, 11), (0, 12)")
    merge = "MERGE INTO t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v"
    with pytest.raises(snowreg.ProgrammingError) as default:
        cur.execute(merge)
    assert default.value.errno == 100090
    assert _rows(conn, "SELECT k, v FROM t") == [(0, 10)]
    cur.execute("ALTER SESSION SET ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    assert cur.execute(merge).fetchall() == [(1,)]
    assert _rows(conn, "SELECT k, v FROM t") in ([(0, 11)], [(0, 12)])


def test_dropping_a_schema_drops_its_tags_and_their_values(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE SCHEMA tags")
    cur.execute("CREATE TAG sweep.tags.stage")
    cur.execute("DROP SCHEMA sweep.tags")
    cur.execute("CREATE SCHEMA sweep.tags")
    with pytest.raises(snowreg.ProgrammingError) as gone:
        cur.execute("DROP TAG sweep.tags.stage")
    assert gone.value.errno == 2003
    cur.execute("CREATE TAG sweep.tags.stage")  # no "already exists"


def test_transaction_ids_follow_begin_commit_and_autocommitted_statements(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (i INT)")
    ddl = _rows(conn, "SELECT CURRENT_TRANSACTION(), LAST_TRANSACTION()")[0]
    assert ddl[0] is None and ddl[1] is not None  # the CREATE TABLE ran as a transaction of its own
    cur.execute("BEGIN")
    current = _rows(conn, "SELECT CURRENT_TRANSACTION()")[0][0]
    assert current.isdigit() and int(current) > int(ddl[1])
    conn.commit()
    assert _rows(conn, "SELECT CURRENT_TRANSACTION(), LAST_TRANSACTION()") == [(None, current)]
    cur.execute("INSERT INTO t VALUES (1)")
    assert int(_rows(conn, "SELECT LAST_TRANSACTION()")[0][0]) > int(current)


def test_insert_overwrite_leaves_no_work_table_and_replays_in_a_transaction(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (i INT)")
    cur.execute("INSERT INTO t VALUES (1), (2)")
    cur.execute("INSERT OVERWRITE INTO t SELECT i * 10 FROM t")
    assert sorted(_rows(conn, "SELECT i FROM t")) == [(10,), (20,)]
    cur.execute("BEGIN")
    cur.execute("INSERT OVERWRITE INTO t SELECT i + 1 FROM t")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("INSERT INTO t VALUES ('x')")  # fails: the transaction keeps the overwrite
    assert sorted(_rows(conn, "SELECT i FROM t")) == [(11,), (21,)]
    conn.commit()
    assert sorted(_rows(conn, "SELECT i FROM t")) == [(11,), (21,)]


def test_a_ctas_or_added_column_whose_values_are_too_long_changes_nothing(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (a VARCHAR(3))")
    cur.execute("INSERT INTO t VALUES ('abc')")
    with pytest.raises(snowreg.ProgrammingError) as ctas:
        cur.execute("CREATE TABLE short (x VARCHAR(2)) AS SELECT a FROM t")
    assert ctas.value.errno == 100074
    assert _rows(conn, "SHOW TABLES LIKE 'SHORT'") == []
    with pytest.raises(snowreg.ProgrammingError) as added:
        cur.execute("ALTER TABLE t ADD COLUMN c VARCHAR(2) DEFAULT 'abc'")
    assert added.value.errno == 100074
    assert [r[0] for r in _rows(conn, "DESCRIBE TABLE t")] == ["A"]
    cur.execute("ALTER TABLE t ADD COLUMN c VARCHAR(2) DEFAULT 'ab'")  # the name is free again
    assert _rows(conn, "SELECT a, c FROM t") == [("abc", "ab")]


def test_insert_all_counts_each_table_and_runs_its_query_once(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE TABLE a (x FLOAT)")
    cur.execute("CREATE TABLE b (x FLOAT)")
    cur.execute("INSERT ALL INTO a INTO b INTO a SELECT RANDOM() AS x FROM TABLE(GENERATOR(ROWCOUNT => 3))")
    assert [d[0] for d in cur.description] == ["number of rows inserted into A", "number of rows inserted into B"]
    assert cur.fetchall() == [(6, 3)]
    # every INTO saw the same rows: each value of b is in a twice
    assert _rows(conn, "SELECT COUNT(*) FROM b JOIN a ON a.x = b.x") == [(6,)]
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("INSERT ALL INTO a VALUES (DEFAULT) SELECT 1")
