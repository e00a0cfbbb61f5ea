"""SHOW STAGES beyond test_show_stages.py (https://docs.snowflake.com/en/sql-reference/sql/show-stages; DECISIONS.md
S60, K61), and SHOW of the object kinds snowreg never makes: a valid statement refused as not supported (K64)."""

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


def test_a_local_directory_stage_shows_its_url_as_an_external_stage(tmp_path: Path) -> None:
    conn = snowreg.connect(database="DB", schema="PUBLIC", stage_roots=[tmp_path])
    url = (tmp_path / "files").as_uri()
    conn.cursor().execute(f"CREATE STAGE outside URL = '{url}'")
    (row,) = _shown(conn)
    assert (row["url"], row["type"], row["has_credentials"], row["cloud"]) == (url, "EXTERNAL", "N", None)


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
