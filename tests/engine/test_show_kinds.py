"""SHOW STAGES (https://docs.snowflake.com/en/sql-reference/sql/show-stages; DECISIONS.md S60), and SHOW of the
object kinds snowreg never makes: a valid statement refused as not supported, not a syntax error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection
from snowreg.errors import NotSupportedError, ProgrammingError


@pytest.fixture
def conn() -> Connection:
    return snowreg.connect(database="DB", schema="PUBLIC")


def _shown(conn: Connection, sql: str = "SHOW STAGES") -> list[dict[str, Any]]:
    cur = conn.cursor().execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_a_temporary_stage_is_shown_to_its_own_session_only(conn: Connection) -> None:
    conn.cursor().execute("CREATE TEMPORARY STAGE scratch")
    conn.cursor().execute("CREATE STAGE kept")
    mine = {r["name"]: r["type"] for r in _shown(conn)}
    assert mine == {"KEPT": "INTERNAL", "SCRATCH": "INTERNAL TEMPORARY"}
    other = conn.session.catalog  # a second session of the same registry
    second = snowreg.dbapi.Connection(other, database="DB", schema="PUBLIC")
    assert [r["name"] for r in _shown(second)] == ["KEPT"]


def test_a_local_directory_stage_shows_its_url_as_an_external_stage(tmp_path: Path) -> None:
    conn = snowreg.connect(database="DB", schema="PUBLIC", stage_roots=[tmp_path])
    url = (tmp_path / "files").as_uri()
    conn.cursor().execute(f"CREATE STAGE outside URL = '{url}'")
    (row,) = _shown(conn)
    assert (row["url"], row["type"], row["has_credentials"], row["cloud"]) == (url, "EXTERNAL", "N", None)


def test_a_stage_the_role_holds_nothing_on_is_not_shown(conn: Connection) -> None:
    cur = conn.cursor()
    cur.execute("CREATE STAGE hidden")
    cur.execute("CREATE STAGE readable")
    cur.execute("CREATE ROLE r")
    cur.execute("GRANT USAGE ON DATABASE DB TO ROLE r")
    cur.execute("GRANT USAGE ON SCHEMA DB.PUBLIC TO ROLE r")
    cur.execute("GRANT READ ON STAGE readable TO ROLE r")
    cur.execute("GRANT ROLE r TO USER ADMIN")
    cur.execute("USE ROLE r")
    assert [r["name"] for r in _shown(conn)] == ["READABLE"]
    assert [r["name"] for r in _shown(conn, "SHOW STAGES IN ACCOUNT")] == ["READABLE"]


def test_show_stages_of_a_schema_that_is_not_there_is_002003(conn: Connection) -> None:
    with pytest.raises(ProgrammingError) as e:
        conn.cursor().execute("SHOW STAGES IN SCHEMA DB.NOPE")
    assert e.value.errno == 2003


@pytest.mark.parametrize("kind", ["PIPES", "TERSE PIPES", "SHARES", "INTEGRATIONS", "STORAGE INTEGRATIONS",
                                  "EXTERNAL TABLES", "ICEBERG TABLES", "MASKING POLICIES", "ROW ACCESS POLICIES",
                                  "NETWORK POLICIES", "SECRETS", "ALERTS", "RESOURCE MONITORS", "DATABASE ROLES",
                                  "REPLICATION DATABASES", "GIT REPOSITORIES"])
def test_show_of_a_kind_snowreg_never_makes_is_refused_as_not_supported(conn: Connection, kind: str) -> None:
    with pytest.raises(NotSupportedError) as e:
        conn.cursor().execute(f"SHOW {kind} LIKE 'x%' IN ACCOUNT")
    assert e.value.errno == 2 and "not supported" in e.value.msg
    assert kind.removeprefix("TERSE ") in e.value.msg


def test_a_misspelt_show_is_still_a_syntax_error(conn: Connection) -> None:
    with pytest.raises(ProgrammingError) as e:
        conn.cursor().execute("SHOW STAGESS")
    assert e.value.errno == 1003
