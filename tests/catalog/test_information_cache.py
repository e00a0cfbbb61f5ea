"""INFORMATION_SCHEMA rows are cached between queries: every change of what a role may see shows at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb
import pytest

import snowreg
from snowreg.catalog import information
from snowreg.engine.sql import information_rows

VERSIONS = "SELECT model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY 1, 2"
INTERNAL = ("SELECT * FROM snowreg_is_models", "SELECT * FROM snowreg_is_model_versions",
            "SELECT * FROM snowreg_model_versions('ML')")


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def assert_withdrawn(conn: Any) -> None:
    """Outside an INFORMATION_SCHEMA query the session's cursor holds no registry rows.

    User SQL cannot name the internal relations (first line of defence); the second is that they are
    empty on the data instance's cursor between queries, checked on the cursor itself after a statement
    that does not read INFORMATION_SCHEMA."""
    for sql in INTERNAL:
        try:
            assert run(conn, sql) == [], sql
        except snowreg.Error:
            pass  # refused is as good as empty
    run(conn, "SELECT 1")
    duck = conn._session.open_duck
    for name in information.ALL:
        try:
            assert duck.execute(f"SELECT count(*) FROM {name}").fetchall() == [(0,)], name
        except duckdb.CatalogException:
            pass  # never handed to this cursor: MODEL_VERSIONS answered without DuckDB (see `fast`)


@pytest.fixture(autouse=True, params=[True, False], ids=["fast", "cursor"])
def fast(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Each test with MODEL_VERSIONS queries answered from the registry's rows without DuckDB
    (engine.sql.information_rows, the default) and with every query handed to the cursor."""
    information_rows.ENABLED[0] = request.param
    yield request.param
    information_rows.ENABLED[0] = True


@pytest.fixture
def pair(analyst_pair: tuple[Any, Any]) -> tuple[Any, Any]:
    """ADMIN and ALICE (ANALYST) on one registry (tests/conftest.py analyst_pair)."""
    return analyst_pair


def test_grant_new_version_revoke_and_drop_show_at_once(pair: tuple[Any, Any]) -> None:
    admin, alice = pair
    assert run(alice, VERSIONS) == []
    assert run(admin, VERSIONS) == [("M", "V1")]
    run(admin, "GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert run(alice, VERSIONS) == [("M", "V1")]
    assert run(alice, VERSIONS) == [("M", "V1")]  # the same rows again, from what the cursor holds
    run(admin, "ALTER MODEL M ADD VERSION V2 FROM @ST")
    assert run(alice, VERSIONS) == [("M", "V1"), ("M", "V2")]
    run(admin, "REVOKE USAGE ON MODEL M FROM ROLE ANALYST")
    assert run(alice, VERSIONS) == []
    assert_withdrawn(alice)
    run(admin, "GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert run(alice, VERSIONS) == [("M", "V1"), ("M", "V2")]
    run(admin, "DROP MODEL M")
    assert run(alice, VERSIONS) == []
    assert run(admin, VERSIONS) == []


def test_a_role_switch_shows_only_the_new_roles_rows(pair: tuple[Any, Any]) -> None:
    admin, _ = pair
    assert run(admin, VERSIONS) == [("M", "V1")]
    run(admin, "USE ROLE ANALYST")  # no write in between: the cached rows of ACCOUNTADMIN must not serve
    assert run(admin, VERSIONS) == []
    assert_withdrawn(admin)
    run(admin, "USE ROLE ACCOUNTADMIN")
    assert run(admin, VERSIONS) == [("M", "V1")]
    assert_withdrawn(admin)


def test_rows_withdrawn_inside_a_rolled_back_transaction_stay_withdrawn(pair: tuple[Any, Any]) -> None:
    admin, _ = pair
    information_rows.ENABLED[0] = False  # the rows must reach the cursor for DuckDB to undo their withdrawal
    assert run(admin, VERSIONS) == [("M", "V1")]
    cur = admin.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT 1").fetchall()  # withdraws the rows inside the transaction ...
    cur.execute("ROLLBACK")  # ... which DuckDB would undo
    duck = admin._session.open_duck  # straight after the ROLLBACK, before any other statement
    assert duck.execute("SELECT count(*) FROM snowreg_is_model_versions").fetchall() == [(1,)]  # DuckDB undid it
    assert_withdrawn(admin)  # ... and the next statement withdraws them again
    run(admin, "USE ROLE ANALYST")
    assert run(admin, VERSIONS) == []


def test_rows_read_inside_a_rolled_back_transaction_are_withdrawn_after_it(pair: tuple[Any, Any]) -> None:
    admin, _ = pair
    cur = admin.cursor()
    cur.execute("BEGIN")
    assert cur.execute(VERSIONS).fetchall() == [("M", "V1")]
    cur.execute("ROLLBACK")
    assert_withdrawn(admin)
    assert run(admin, VERSIONS) == [("M", "V1")]
    run(admin, "USE ROLE ANALYST")
    assert run(admin, VERSIONS) == []


def test_sessions_of_two_roles_alternating_the_same_query_each_see_their_own_rows(pair: tuple[Any, Any]) -> None:
    admin, alice = pair
    for _ in range(2):  # the rows cached for one role's set of models never serve the other's
        assert run(alice, VERSIONS) == []
        assert run(admin, VERSIONS) == [("M", "V1")]
    run(admin, "GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert run(alice, VERSIONS) == [("M", "V1")]
    run(admin, "REVOKE USAGE ON MODEL M FROM ROLE ANALYST")  # between two identical queries of ALICE
    assert run(alice, VERSIONS) == []
    assert run(admin, VERSIONS) == [("M", "V1")]


def test_a_query_over_other_views_holds_no_rows_of_the_previous_role(pair: tuple[Any, Any]) -> None:
    """A query is handed only the relations its views read; what an earlier query of another role was
    handed is taken back, not left on the cursor while the new role's query runs."""
    admin, _ = pair
    assert run(admin, VERSIONS) == [("M", "V1")]
    run(admin, "USE ROLE ANALYST")
    run(admin, "SELECT table_name FROM ML.INFORMATION_SCHEMA.TABLES")  # reads no model rows
    duck = admin._session.open_duck  # straight after it: no other statement withdrew anything
    assert duck.execute("SELECT count(*) FROM snowreg_is_model_versions").fetchall() == [(0,)]
    assert run(admin, VERSIONS) == []
    run(admin, "USE ROLE ACCOUNTADMIN")
    assert run(admin, "SELECT count(*) FROM ML.INFORMATION_SCHEMA.SCHEMATA") == [(3,)]
    assert duck.execute("SELECT count(*) FROM snowreg_is_model_versions").fetchall() == [(0,)]
    assert run(admin, VERSIONS) == [("M", "V1")]


def test_rows_a_rollback_brings_back_are_taken_back_before_another_roles_query(pair: tuple[Any, Any]) -> None:
    """A query over other views, inside a transaction, takes the MODEL_VERSIONS rows back; the ROLLBACK
    undoes that, so the next INFORMATION_SCHEMA query (of another role) must not trust what it knew."""
    admin, _ = pair
    assert run(admin, VERSIONS) == [("M", "V1")]  # ACCOUNTADMIN's rows handed over, outside a transaction
    cur = admin.cursor()
    cur.execute("BEGIN")
    cur.execute("SELECT table_name FROM ML.INFORMATION_SCHEMA.TABLES").fetchall()
    cur.execute("ROLLBACK")
    run(admin, "USE ROLE ANALYST")
    run(admin, "SELECT table_name FROM ML.INFORMATION_SCHEMA.TABLES")
    duck = admin._session.open_duck  # straight after ANALYST's query over TABLES
    assert duck.execute("SELECT count(*) FROM snowreg_is_model_versions").fetchall() == [(0,)]
    assert run(admin, VERSIONS) == []
