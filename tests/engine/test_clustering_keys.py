"""Clustering keys kept, shown and carried along: GET_DDL, LIKE, owners only, reopening a registry.

https://docs.snowflake.com/en/user-guide/tables-clustering-keys (conformance/sql/clustering_keys.test has the
documented cases; DECISIONS.md S22 the readings).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection
from snowreg.errors import ProgrammingError


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def cluster_by(cur: Any, table: str) -> tuple[str, str]:
    """SHOW TABLES' (cluster_by, automatic_clustering) of one table."""
    cur.execute(f"SHOW TABLES LIKE '{table}'")
    names = [d.name for d in cur.description]
    row = cur.fetchone()
    return row[names.index("cluster_by")], row[names.index("automatic_clustering")]


def test_get_ddl_writes_the_key_and_runs_back(cur: Any) -> None:
    run(cur, "CREATE TABLE t (a INT, b DATE) CLUSTER BY (b, a) COMMENT = 'k'")
    ddl = run(cur, "SELECT GET_DDL('TABLE', 't')")[0][0]
    assert "cluster by (B, A)" in ddl
    run(cur, "DROP TABLE t")
    run(cur, ddl)  # GET_DDL's text creates the same table again
    assert cluster_by(cur, "T") == ("LINEAR(B, A)", "ON")
    run(cur, "ALTER TABLE t DROP CLUSTERING KEY")
    assert "cluster by" not in run(cur, "SELECT GET_DDL('TABLE', 't')")[0][0]


def test_like_copies_the_key_unless_it_gives_one(cur: Any) -> None:
    run(cur, "CREATE TABLE src (a INT, b INT) CLUSTER BY (a)")
    run(cur, "CREATE TABLE same LIKE src")
    run(cur, "CREATE TABLE own LIKE src CLUSTER BY (b)")
    run(cur, "CREATE TABLE plain AS SELECT * FROM src")
    assert cluster_by(cur, "SAME") == ("LINEAR(A)", "ON")
    assert cluster_by(cur, "OWN") == ("LINEAR(B)", "ON")
    assert cluster_by(cur, "PLAIN") == ("", "OFF")  # a CTAS takes only the key it gives


def test_replacing_a_table_drops_its_key(cur: Any) -> None:
    run(cur, "CREATE TABLE t (a INT) CLUSTER BY (a)")
    run(cur, "CREATE OR REPLACE TABLE t (a INT)")
    assert cluster_by(cur, "T") == ("", "OFF")


def test_a_failed_create_leaves_nothing(cur: Any) -> None:
    with pytest.raises(ProgrammingError) as caught:
        cur.execute("CREATE TABLE t (a INT) CLUSTER BY (a, nope)")
    assert caught.value.errno == 904
    assert run(cur, "SHOW TABLES LIKE 'T'") == []


def test_only_the_owner_changes_a_key(conn: Connection) -> None:
    admin = conn.cursor()
    for sql in ("CREATE USER alice", "CREATE ROLE analyst", "GRANT ROLE analyst TO USER alice", "CREATE DATABASE d",
                "CREATE SCHEMA d.s", "GRANT USAGE ON DATABASE d TO ROLE analyst",
                "GRANT USAGE ON SCHEMA d.s TO ROLE analyst", "CREATE TABLE d.s.seen (a INT) CLUSTER BY (a)",
                "CREATE TABLE d.s.unseen (a INT)", "GRANT SELECT ON TABLE d.s.seen TO ROLE analyst"):
        run(admin, sql)
    alice = Connection(conn._catalog, user="ALICE").cursor()
    run(alice, "USE ROLE analyst")
    for sql in ("ALTER TABLE d.s.seen CLUSTER BY (a)", "ALTER TABLE d.s.seen DROP CLUSTERING KEY",
                "ALTER TABLE d.s.seen SUSPEND RECLUSTER"):
        with pytest.raises(ProgrammingError) as caught:
            alice.execute(sql)
        assert caught.value.errno == 3001, sql
    with pytest.raises(ProgrammingError) as caught:  # a table the role cannot see: not even its existence
        alice.execute("ALTER TABLE d.s.unseen CLUSTER BY (a)")
    assert caught.value.errno == 2003
    run(admin, "USE SCHEMA d.s")
    assert cluster_by(admin, "SEEN") == ("LINEAR(A)", "ON")
    assert cluster_by(admin, "UNSEEN") == ("", "OFF")


def test_keys_survive_reopening_a_persistent_registry(tmp_path: Path) -> None:
    c = snowreg.connect(database="D", schema="S", path=tmp_path / "reg")
    run(c.cursor(), "CREATE TABLE t (a INT, b INT) CLUSTER BY (b)")
    run(c.cursor(), "ALTER TABLE t SUSPEND RECLUSTER")
    c.close()
    c = snowreg.connect(database="D", schema="S", path=tmp_path / "reg")
    assert cluster_by(c.cursor(), "T") == ("LINEAR(B)", "OFF")
    run(c.cursor(), "DROP TABLE t")  # the key goes with it: a new table of the name has none
    run(c.cursor(), "CREATE TABLE t (a INT)")
    assert cluster_by(c.cursor(), "T") == ("", "OFF")
    c.close()
