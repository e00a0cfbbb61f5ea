"""Secure views as the registry keeps them: CREATE [OR REPLACE] SECURE VIEW, ALTER VIEW … SET | UNSET SECURE, and
the flag following the view through RENAME, DROP, CLONE and a reopened registry
(https://docs.snowflake.com/en/sql-reference/sql/create-view, …/alter-view, …/show-views)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg


def rows(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


def secure(cur: Any, name: str, schema: str = "TEST_DB.PUBLIC") -> list[str]:
    return [r[8] for r in rows(cur, f"SHOW VIEWS LIKE '{name}' IN SCHEMA {schema}")]


@pytest.fixture
def base(cur: Any) -> Any:
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("INSERT INTO t VALUES (1), (2)")
    return cur


def test_create_secure_view_reads_and_is_marked(base: Any) -> None:
    assert rows(base, "CREATE SECURE VIEW v AS SELECT a FROM t") == [("View V successfully created.",)]
    assert sorted(rows(base, "SELECT * FROM v")) == [(1,), (2,)]
    assert secure(base, "V") == ["true"]
    assert rows(base, "SELECT is_secure FROM information_schema.views WHERE table_name = 'V'") == [("YES",)]
    assert rows(base, "SELECT GET_DDL('VIEW', 'v')")[0][0].startswith("create or replace secure view V(")


def test_or_replace_and_drop_forget_the_flag(base: Any) -> None:
    base.execute("CREATE SECURE VIEW v AS SELECT a FROM t")
    base.execute("CREATE OR REPLACE VIEW v AS SELECT a FROM t")
    assert secure(base, "V") == ["false"]
    base.execute("CREATE OR REPLACE SECURE VIEW v AS SELECT a FROM t")
    base.execute("DROP VIEW v")
    base.execute("CREATE VIEW v AS SELECT a FROM t")
    assert secure(base, "V") == ["false"]


def test_alter_view_set_unset_secure_and_rename(base: Any) -> None:
    base.execute("CREATE VIEW v AS SELECT a FROM t")
    assert rows(base, "ALTER VIEW v SET SECURE") == [("Statement executed successfully.",)]
    assert secure(base, "V") == ["true"]
    base.execute("ALTER VIEW v RENAME TO w")
    assert secure(base, "W") == ["true"]
    base.execute("ALTER VIEW IF EXISTS w UNSET SECURE")
    assert secure(base, "W") == ["false"]
    with pytest.raises(snowreg.ProgrammingError) as info:
        base.execute("ALTER VIEW t SET SECURE")  # a table is no view
    assert info.value.errno == 2003


def test_clone_keeps_the_flag(base: Any) -> None:
    base.execute("CREATE SCHEMA s")
    base.execute("CREATE SECURE VIEW s.v AS SELECT 1 AS one")
    base.execute("CREATE SCHEMA s2 CLONE s")
    assert secure(base, "V", "TEST_DB.S2") == ["true"]


def test_secure_materialized_views(base: Any) -> None:
    base.execute("CREATE SECURE MATERIALIZED VIEW mv AS SELECT a FROM t")
    assert sorted(rows(base, "SELECT * FROM mv")) == [(1,), (2,)]
    shown = base.execute("SHOW MATERIALIZED VIEWS LIKE 'MV'")
    names = [d[0] for d in shown.description]
    assert dict(zip(names, shown.fetchone(), strict=True))["is_secure"] == "true"
    assert secure(base, "MV") == ["true"]
    assert rows(base, "SELECT GET_DDL('VIEW', 'mv')")[0][0].startswith("create or replace secure materialized view MV(")
    base.execute("ALTER MATERIALIZED VIEW mv UNSET SECURE")
    assert secure(base, "MV") == ["false"]
    base.execute("ALTER MATERIALIZED VIEW mv SET SECURE")
    assert secure(base, "MV") == ["true"]
    base.execute("CREATE OR REPLACE MATERIALIZED VIEW mv AS SELECT a FROM t")
    assert secure(base, "MV") == ["false"]


def test_the_flag_survives_a_reopened_registry(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg") as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE d")
        cur.execute("CREATE SECURE VIEW d.public.v AS SELECT 1 AS one")
    with snowreg.connect(path=tmp_path / "reg") as conn:
        assert secure(conn.cursor(), "V", "D.PUBLIC") == ["true"]


def test_a_role_that_does_not_own_a_secure_view_cannot_clone_its_schema(base: Any) -> None:
    """S66: the clone's views would be the cloning role's, which would then read the secure view's text."""
    base.execute("CREATE SCHEMA s")
    base.execute("CREATE SECURE VIEW s.v AS SELECT 1 AS one")
    base.execute("CREATE ROLE r")
    for grant in ("USAGE ON DATABASE test_db", "USAGE ON SCHEMA s", "SELECT ON VIEW s.v",
                  "CREATE SCHEMA ON DATABASE test_db"):
        base.execute(f"GRANT {grant} TO ROLE r")
    base.execute("GRANT ROLE r TO USER " + rows(base, "SELECT CURRENT_USER()")[0][0])
    base.execute("USE ROLE r")
    with pytest.raises(snowreg.NotSupportedError, match="secure view the role does not own"):
        base.execute("CREATE SCHEMA s2 CLONE s")
    base.execute("USE ROLE ACCOUNTADMIN")
    assert rows(base, "SHOW SCHEMAS LIKE 'S2'") == []
