"""Persisted query results: a repeated INFORMATION_SCHEMA query is reused, never stale, never another role's."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import reuse

VERSIONS = "SELECT model_name, model_version_name, comment FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY 1, 2"


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture
def reuses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the queries answered from a kept result, in order (a spy on the reuse lookup)."""
    seen: list[str] = []
    lookup = reuse.reused

    def spy(session: Any, wanted: tuple[Any, ...]) -> Any:
        found = lookup(session, wanted)
        if found is not None:
            seen.append(str(wanted[0]))
        return found

    monkeypatch.setattr(reuse, "reused", spy)
    return seen


@pytest.fixture
def pair(analyst_pair: tuple[Any, Any]) -> tuple[Any, Any]:
    """ADMIN and ALICE (ANALYST) on one registry (tests/conftest.py analyst_pair)."""
    return analyst_pair


def test_a_reuse_is_a_new_query_with_the_same_rows_and_description(pair: tuple[Any, Any], reuses: list[str]
                                                                     ) -> None:
    admin, _ = pair
    cur = admin.cursor()
    first = cur.execute(VERSIONS).fetchall()
    first_id, first_description, first_rowcount = cur.sfqid, cur.description, cur.rowcount
    second = cur.execute(VERSIONS).fetchall()
    assert reuses == [VERSIONS]
    assert second == first == [("M", "V1", None)]
    assert cur.description == first_description and cur.rowcount == first_rowcount == 1
    assert cur.sfqid != first_id
    second_id = admin.cursor().execute(VERSIONS).sfqid
    assert run(admin, "SELECT LAST_QUERY_ID()") == [(second_id,)]
    assert run(admin, f"SELECT * FROM TABLE(RESULT_SCAN('{second_id}'))") == first
    assert run(admin, f"SELECT * FROM TABLE(RESULT_SCAN('{first_id}'))") == first


def test_a_registry_write_is_seen_at_once(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, alice = pair
    run(admin, "GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert run(alice, VERSIONS) == run(alice, VERSIONS) == [("M", "V1", None)]
    run(admin, "ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'new'")
    assert run(alice, VERSIONS) == [("M", "V1", "new")]
    run(admin, "ALTER MODEL M ADD VERSION V2 FROM @ST")
    assert run(alice, VERSIONS) == [("M", "V1", "new"), ("M", "V2", None)]
    run(admin, "DROP MODEL M")
    assert run(alice, VERSIONS) == []
    assert reuses == [VERSIONS]  # only the repeat with nothing changed in between


def test_grant_and_revoke_are_seen_at_once(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, alice = pair
    assert run(alice, VERSIONS) == run(alice, VERSIONS) == []
    run(admin, "GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert run(alice, VERSIONS) == run(alice, VERSIONS) == [("M", "V1", None)]
    run(admin, "REVOKE USAGE ON MODEL M FROM ROLE ANALYST")
    assert run(alice, VERSIONS) == []
    assert len(reuses) == 2


def test_another_role_never_gets_the_kept_rows(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, alice = pair
    assert run(admin, VERSIONS) == run(admin, VERSIONS) == [("M", "V1", None)]
    assert reuses == [VERSIONS]
    assert run(alice, VERSIONS) == []  # the same text, another user and role, one registry
    run(admin, "USE ROLE ANALYST")  # the same session: ANALYST holds nothing on M
    assert run(admin, VERSIONS) == []
    run(admin, "USE ROLE ACCOUNTADMIN")
    assert run(admin, VERSIONS) == [("M", "V1", None)]  # ACCOUNTADMIN's kept rows again
    assert len(reuses) == 2


def test_secondary_roles_are_part_of_the_key(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, alice = pair
    run(admin, "GRANT USAGE ON MODEL M TO ROLE READER")
    run(alice, "USE SECONDARY ROLES NONE")
    assert run(alice, VERSIONS) == run(alice, VERSIONS) == []
    run(alice, "USE SECONDARY ROLES ALL")  # READER, granted to ALICE, sees M
    assert run(alice, VERSIONS) == [("M", "V1", None)]
    run(alice, "USE SECONDARY ROLES NONE")
    assert run(alice, VERSIONS) == []
    assert len(reuses) == 2


def test_current_database_and_schema_are_part_of_the_key(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    run(admin, "CREATE DATABASE OTHER")
    run(admin, "CREATE SCHEMA OTHER.EXTRA")
    schemata = "SELECT schema_name FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY 1"
    run(admin, "USE DATABASE ML")
    ml = run(admin, schemata)
    assert "DEV" in [r[0] for r in ml] and ml == run(admin, schemata)
    run(admin, "USE DATABASE OTHER")
    other = run(admin, schemata)
    assert "EXTRA" in [r[0] for r in other] and "DEV" not in [r[0] for r in other]
    here = "SELECT CURRENT_SCHEMA(), count(*) FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS"
    run(admin, "USE SCHEMA ML.DEV")
    assert run(admin, here) == run(admin, here) == [("DEV", 1)]
    run(admin, "USE SCHEMA ML.PUBLIC")
    assert run(admin, here) == [("PUBLIC", 1)]
    assert reuses == [schemata, here]


def test_session_variables_and_time_zone_change_the_answer(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    run(admin, "ALTER MODEL M ADD VERSION V2 FROM @ST")
    by_variable = "SELECT model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_version_name = $V"
    run(admin, "SET V = 'V1'")
    assert run(admin, by_variable) == run(admin, by_variable) == [("V1",)]
    run(admin, "SET V = 'V2'")
    assert run(admin, by_variable) == [("V2",)]
    created = "SELECT created FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_version_name = 'V1'"
    run(admin, "ALTER SESSION SET TIMEZONE = 'UTC'")
    utc = run(admin, created)
    run(admin, "ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'")
    tokyo = run(admin, created)
    assert utc[0][0] == tokyo[0][0] and str(utc[0][0].utcoffset()) != str(tokyo[0][0].utcoffset())
    assert len(reuses) == 1


@pytest.mark.parametrize("call", ["UUID_STRING()", "RANDOM()", "CURRENT_TIMESTAMP()", "UNIFORM(1, 1000000, RANDOM())",
                                  "SQ.NEXTVAL"])
def test_functions_evaluated_at_execution_are_never_reused(pair: tuple[Any, Any], reuses: list[str],
                                                           call: str) -> None:
    admin, _ = pair
    run(admin, "CREATE SEQUENCE SQ")
    sql = f"SELECT {call} AS x, count(*) FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS"
    run(admin, sql)
    run(admin, sql)
    assert reuses == []
    assert len({run(admin, sql)[0][0] for _ in range(3)}) > 1  # the values really differ between runs


def test_use_cached_result_false_turns_reuse_off(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    assert run(admin, "SHOW PARAMETERS LIKE 'USE_CACHED_RESULT'")[0][1:4] == ("true", "true", "")
    run(admin, "ALTER SESSION SET USE_CACHED_RESULT = FALSE")
    assert run(admin, "SHOW PARAMETERS LIKE 'USE_CACHED_RESULT'")[0][1:4] == ("false", "true", "SESSION")
    assert run(admin, VERSIONS) == run(admin, VERSIONS) == [("M", "V1", None)]
    assert reuses == []
    with pytest.raises(snowreg.ProgrammingError) as refused:
        run(admin, "ALTER SESSION SET USE_CACHED_RESULT = 'maybe'")
    assert refused.value.errno == 1008 and "USE_CACHED_RESULT" in refused.value.msg
    assert run(admin, "SHOW PARAMETERS LIKE 'USE_CACHED_RESULT'")[0][1] == "false"  # unchanged
    run(admin, "ALTER SESSION UNSET USE_CACHED_RESULT")
    assert run(admin, VERSIONS) == run(admin, VERSIONS)
    assert reuses == [VERSIONS]


def test_nothing_is_reused_or_kept_inside_a_transaction(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    run(admin, "CREATE TABLE T (X INT)")
    run(admin, "BEGIN")
    run(admin, "INSERT INTO T VALUES (1)")
    assert run(admin, VERSIONS) == run(admin, VERSIONS) == [("M", "V1", None)]
    run(admin, "ROLLBACK")
    assert reuses == []
    assert run(admin, VERSIONS) == [("M", "V1", None)]
    assert reuses == []  # nothing read inside the transaction was kept
    assert run(admin, "SELECT count(*) FROM T") == [(0,)]


def test_ordinary_tables_are_always_read(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    run(admin, "CREATE TABLE T (X INT)")
    both = "SELECT (SELECT count(*) FROM T), count(*) FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS"
    assert run(admin, both) == [(0, 1)]
    run(admin, "INSERT INTO T VALUES (1)")
    assert run(admin, both) == [(1, 1)]
    tables = "SELECT table_name, row_count FROM ML.INFORMATION_SCHEMA.TABLES WHERE table_name = 'T'"
    assert run(admin, tables) == [("T", 1)]
    run(admin, "INSERT INTO T VALUES (2)")
    assert run(admin, tables) == [("T", 2)]  # TABLES reads DuckDB's live row counts: never reused
    assert reuses == []


def test_tag_references_and_flatten_are_reused_result_scan_never(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    run(admin, "CREATE TAG STAGE_TAG")
    run(admin, "ALTER MODEL M SET TAG STAGE_TAG = 'dev'")
    tags = "SELECT tag_name, tag_value FROM TABLE(ML.INFORMATION_SCHEMA.TAG_REFERENCES('ML.DEV.M', 'MODULE'))"
    assert run(admin, tags) == run(admin, tags) == [("STAGE_TAG", "dev")]
    run(admin, "ALTER MODEL M SET TAG STAGE_TAG = 'prod'")
    assert run(admin, tags) == [("STAGE_TAG", "prod")]
    aliases = ("SELECT f.value::STRING FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS v, "
               "LATERAL FLATTEN(input => v.version_aliases) f ORDER BY 1")
    assert run(admin, aliases) == run(admin, aliases) == [("DEFAULT",), ("FIRST",), ("LAST",)]
    assert reuses == [tags, aliases]
    query_id = admin.cursor().execute("SELECT 1 AS one").sfqid
    scan = f"SELECT count(*) FROM TABLE(RESULT_SCAN('{query_id}')), ML.INFORMATION_SCHEMA.MODEL_VERSIONS"
    assert run(admin, scan) == run(admin, scan) == [(1,)]
    assert reuses == [tags, aliases]


def test_only_the_most_recently_used_results_are_kept(pair: tuple[Any, Any], reuses: list[str]) -> None:
    admin, _ = pair
    texts = [f"SELECT {i} AS n, count(*) FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS" for i in range(reuse.LIMIT + 1)]
    for sql in texts:
        assert run(admin, sql) == [(int(sql.split()[1]), 1)]
    assert run(admin, texts[0]) == [(0, 1)]  # pushed out by the later ones: run again
    assert run(admin, texts[-1]) == [(reuse.LIMIT, 1)]
    assert reuses == [texts[-1]]
