"""Materialized views: a view with the documented limits, its own metadata, SUSPEND / RESUME, clustering.

https://docs.snowflake.com/en/user-guide/views-materialized, https://docs.snowflake.com/en/sql-reference/sql/
create-materialized-view (conformance/sql/materialized_views.test has the documented cases; DECISIONS.md Q10-Q14).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.errors import ProgrammingError


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def show(cur: Any, sql: str, *columns: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    names = [d.name for d in cur.description]
    return [tuple(r[names.index(c)] for c in columns) for r in cur.fetchall()]


@pytest.fixture
def base(cur: Any) -> Any:
    run(cur, "CREATE TABLE t (a INT, b VARCHAR)")
    run(cur, "INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'y')")
    return cur


def test_always_current_and_listed_with_its_base_table(base: Any) -> None:
    cur = base
    assert run(cur, "CREATE MATERIALIZED VIEW mv COMMENT = 'c' AS SELECT b, COUNT(*) AS n FROM t GROUP BY b") \
        == [("Materialized view MV successfully created.",)]
    run(cur, "INSERT INTO t VALUES (4, 'z')")
    assert sorted(run(cur, "SELECT b, n FROM mv")) == [("x", 1), ("y", 2), ("z", 1)]
    assert show(cur, "SHOW MATERIALIZED VIEWS", "name", "source_table_name", "invalid", "comment", "rows") == \
        [("MV", "T", "false", "c", 3)]
    assert show(cur, "SHOW VIEWS", "name", "is_materialized") == [("MV", "true")]
    assert run(cur, "SELECT table_type FROM information_schema.tables WHERE table_name = 'MV'") == \
        [("MATERIALIZED VIEW",)]
    assert [r[0] for r in run(cur, "DESC MATERIALIZED VIEW mv")] == ["B", "N"]


def test_suspended_view_cannot_be_queried_until_resumed(base: Any) -> None:
    cur = base
    run(cur, "CREATE MATERIALIZED VIEW mv AS SELECT a FROM t")
    run(cur, "ALTER MATERIALIZED VIEW mv SUSPEND")
    with pytest.raises(ProgrammingError, match="Materialized View MV is invalid") as info:
        run(cur, "SELECT * FROM mv")
    assert info.value.errno == 2037
    assert show(cur, "SHOW MATERIALIZED VIEWS", "invalid") == [("true",)]
    run(cur, "ALTER MATERIALIZED VIEW mv RESUME")
    assert run(cur, "SELECT COUNT(*) FROM mv") == [(3,)]


@pytest.mark.parametrize("query", [
    "SELECT t.a FROM t JOIN t t2 ON t.a = t2.a",
    "SELECT a, ROW_NUMBER() OVER (ORDER BY a) FROM t",
    "SELECT a FROM t ORDER BY a",
    "SELECT a FROM t LIMIT 1",
    "SELECT b, COUNT(*) FROM t GROUP BY b HAVING COUNT(*) > 1",
    "SELECT a FROM t UNION ALL SELECT a FROM t",
    "SELECT a FROM t WHERE a IN (SELECT a FROM t)",
    "SELECT COUNT(DISTINCT a) FROM t",
    "SELECT LISTAGG(b) FROM t",
    "SELECT a, CURRENT_TIMESTAMP() FROM t",
    "SELECT my_udf(a) FROM t",
    "SELECT x FROM v",
])
def test_documented_limits_are_refused_and_nothing_is_made(base: Any, query: str) -> None:
    cur = base
    run(cur, "CREATE VIEW v AS SELECT a AS x FROM t")
    with pytest.raises(ProgrammingError, match="Invalid materialized view definition"):
        run(cur, f"CREATE MATERIALIZED VIEW mv AS {query}")
    assert show(cur, "SHOW VIEWS", "name") == [("V",)]


def test_alter_rename_comment_cluster_and_get_ddl(base: Any) -> None:
    cur = base
    run(cur, "CREATE MATERIALIZED VIEW mv CLUSTER BY (a) AS SELECT a, b FROM t")
    assert show(cur, "SHOW MATERIALIZED VIEWS", "cluster_by", "automatic_clustering") == [("LINEAR(A)", "ON")]
    run(cur, "ALTER MATERIALIZED VIEW mv SUSPEND RECLUSTER")
    assert show(cur, "SHOW MATERIALIZED VIEWS", "automatic_clustering") == [("OFF",)]
    run(cur, "ALTER MATERIALIZED VIEW mv RENAME TO mv2")
    run(cur, "ALTER MATERIALIZED VIEW mv2 SET COMMENT = 'kept'")
    assert show(cur, "SHOW MATERIALIZED VIEWS", "name", "comment", "cluster_by") == [("MV2", "kept", "LINEAR(A)")]
    ddl = run(cur, "SELECT GET_DDL('VIEW', 'mv2')")[0][0]
    assert ddl.startswith("create or replace materialized view MV2(") and "cluster by (A)" in ddl
    run(cur, "DROP MATERIALIZED VIEW mv2")
    run(cur, ddl)  # GET_DDL's text makes it again
    assert show(cur, "SHOW MATERIALIZED VIEWS", "name", "cluster_by") == [("MV2", "LINEAR(A)")]
    run(cur, "ALTER MATERIALIZED VIEW mv2 DROP CLUSTERING KEY")
    assert show(cur, "SHOW MATERIALIZED VIEWS", "cluster_by") == [("",)]


def test_statements_of_one_kind_refuse_the_other(base: Any) -> None:
    cur = base
    run(cur, "CREATE VIEW v AS SELECT a FROM t")
    with pytest.raises(ProgrammingError, match="not specified type 'MATERIALIZED_VIEW'"):
        run(cur, "DROP MATERIALIZED VIEW v")
    with pytest.raises(ProgrammingError, match="does not exist"):
        run(cur, "ALTER MATERIALIZED VIEW nope SUSPEND")
    assert run(cur, "DROP MATERIALIZED VIEW IF EXISTS nope")
    assert show(cur, "SHOW MATERIALIZED VIEWS", "name") == []


def test_kept_in_a_persistent_registry(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg", database="D") as conn:
        cur = conn.cursor()
        run(cur, "CREATE TABLE t (a INT)")
        run(cur, "CREATE MATERIALIZED VIEW mv AS SELECT a FROM t")
        run(cur, "ALTER MATERIALIZED VIEW mv SUSPEND")
    with snowreg.connect(path=tmp_path / "reg", database="D", schema="PUBLIC") as conn:
        cur = conn.cursor()
        assert show(cur, "SHOW MATERIALIZED VIEWS", "name", "invalid") == [("MV", "true")]
        with pytest.raises(ProgrammingError, match="is invalid"):
            run(cur, "SELECT * FROM mv")


def test_drop_view_drops_a_materialized_view_and_its_record(cur: Any) -> None:
    """DROP VIEW of a materialized view drops it (the drop-view page is silent; DECISIONS.md Q14, Q33): a view made
    later under its name is a plain view, never suspended."""
    cur.execute("CREATE TABLE base (a INT)")
    cur.execute("CREATE MATERIALIZED VIEW gone AS SELECT a FROM base")
    cur.execute("ALTER MATERIALIZED VIEW gone SUSPEND")
    assert cur.execute("DROP VIEW gone").fetchall() == [("GONE successfully dropped.",)]
    cur.execute("CREATE VIEW gone AS SELECT 1 AS x")
    assert cur.execute("SELECT x FROM gone").fetchall() == [(1,)]
    assert cur.execute("SHOW MATERIALIZED VIEWS").fetchall() == []
