"""GET_DDL('STREAM', …) and grants ON ALL / FUTURE STREAMS IN SCHEMA.

https://docs.snowflake.com/en/sql-reference/functions/get_ddl (STREAM is a valid object type),
https://docs.snowflake.com/en/sql-reference/sql/grant-privilege (ALL / FUTURE <object_type_plural>)
(conformance/DECISIONS.md W30, W31).
"""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg import errors


@pytest.fixture
def cur() -> Any:
    cursor = snowreg.connect(database="D", schema="S").cursor()
    cursor.execute("CREATE TABLE t (id INT, v VARCHAR)")
    return cursor


def ddl(cur: Any, *args: str) -> str:
    cur.execute("SELECT GET_DDL(" + ", ".join(args) + ")")
    return str(cur.fetchone()[0])


def test_get_ddl_of_a_stream_runs_back_as_the_same_stream(cur: Any) -> None:
    cur.execute("CREATE STREAM s ON TABLE t APPEND_ONLY = TRUE COMMENT = 'it''s new'")
    text = ddl(cur, "'STREAM'", "'s'")
    assert text == "create or replace stream S on table D.S.T append_only = true comment='it\\'s new';"
    assert ddl(cur, "'stream'", "'D.S.s'", "TRUE") == text.replace("stream S", "stream D.S.S")
    cur.execute("CREATE STREAM plain ON TABLE t SHOW_INITIAL_ROWS = TRUE")
    assert ddl(cur, "'STREAM'", "'plain'") == "create or replace stream PLAIN on table D.S.T show_initial_rows = true;"
    cur.execute("DROP STREAM s")
    cur.execute(text)
    cur.execute("SHOW STREAMS LIKE 'S'")
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    assert (row["mode"], row["comment"], row["table_name"]) == ("APPEND_ONLY", "it's new", "D.S.T")


def test_get_ddl_of_a_schema_holds_its_streams(cur: Any) -> None:
    cur.execute("CREATE STREAM s ON TABLE t")
    assert ddl(cur, "'SCHEMA'", "'S'").rstrip().endswith("create or replace stream S on table D.S.T;")


def test_get_ddl_of_a_missing_stream_does_not_exist(cur: Any) -> None:
    with pytest.raises(errors.ProgrammingError) as missing:
        ddl(cur, "'STREAM'", "'nope'")
    assert missing.value.errno == 2003


def grants_on(cur: Any, stream: str) -> set[tuple[str, str]]:
    cur.execute(f"SHOW GRANTS ON STREAM {stream}")
    cols = [d[0] for d in cur.description]
    return {(r[cols.index("privilege")], r[cols.index("grantee_name")]) for r in cur.fetchall()}


def test_grant_on_all_streams_in_a_schema_or_database(cur: Any) -> None:
    cur.execute("CREATE STREAM s1 ON TABLE t")
    cur.execute("CREATE STREAM D.S.s2 ON TABLE D.S.t")
    cur.execute("CREATE SCHEMA other")
    cur.execute("CREATE TABLE other.u (id INT)")
    cur.execute("CREATE STREAM other.s3 ON TABLE other.u")
    cur.execute("USE SCHEMA S")
    cur.execute("CREATE ROLE r")
    cur.execute("GRANT SELECT ON ALL STREAMS IN SCHEMA D.S TO ROLE r")
    assert ("SELECT", "R") in grants_on(cur, "s1") and ("SELECT", "R") in grants_on(cur, "s2")
    assert ("SELECT", "R") not in grants_on(cur, "D.OTHER.S3")
    cur.execute("GRANT SELECT ON ALL STREAMS IN DATABASE D TO ROLE r")
    assert ("SELECT", "R") in grants_on(cur, "D.OTHER.S3")
    cur.execute("REVOKE SELECT ON ALL STREAMS IN DATABASE D FROM ROLE r")
    assert all(("SELECT", "R") not in grants_on(cur, s) for s in ("s1", "s2", "D.OTHER.S3"))
    with pytest.raises(errors.ProgrammingError) as bad:
        cur.execute("GRANT USAGE ON ALL STREAMS IN SCHEMA D.S TO ROLE r")
    assert "USAGE" in bad.value.msg and grants_on(cur, "s1") == {("OWNERSHIP", "ACCOUNTADMIN")}


def test_future_streams_grants_apply_to_new_streams_and_are_listed(cur: Any) -> None:
    cur.execute("CREATE ROLE r")
    cur.execute("CREATE ROLE o")
    cur.execute("GRANT SELECT ON FUTURE STREAMS IN SCHEMA D.S TO ROLE r")
    cur.execute("SHOW FUTURE GRANTS IN SCHEMA D.S")
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    assert [(r["privilege"], r["grant_on"], r["name"], r["grantee_name"]) for r in rows] == [
        ("SELECT", "STREAM", "D.S.<STREAM>", "R")]
    cur.execute("CREATE STREAM s ON TABLE t")
    assert ("SELECT", "R") in grants_on(cur, "s")
    cur.execute("GRANT OWNERSHIP ON FUTURE STREAMS IN DATABASE D TO ROLE o")
    cur.execute("CREATE SCHEMA x")
    cur.execute("CREATE TABLE x.u (id INT)")
    cur.execute("CREATE STREAM x.s ON TABLE x.u")
    cur.execute("SHOW STREAMS IN SCHEMA D.X")
    assert cur.fetchone()[4] == "O"  # owner: the database's future owner (no schema-level future grants there)
    cur.execute("REVOKE SELECT ON FUTURE STREAMS IN SCHEMA D.S FROM ROLE r")
    cur.execute("SHOW FUTURE GRANTS IN SCHEMA D.S")
    assert cur.fetchall() == []
    cur.execute("CREATE STREAM D.S.s2 ON TABLE D.S.t")
    assert ("SELECT", "R") not in grants_on(cur, "D.S.s2")
