"""Names in user SQL reach DuckDB as the binder resolved them: CTE scopes, temporary relations, view schemas.

ADMIN owns ML.DEV.SECRET (42); ALICE's role ANALYST may read ML.DEV.OPEN and create tables and views in
ML.DEV and ML.MINE. Every statement here once read or wrote SECRET, or the registry's rows, because the
binder and DuckDB read a name differently.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE ML.DEV.SECRET (x INT)", "INSERT INTO ML.DEV.SECRET VALUES (42)",
    "CREATE TABLE ML.DEV.OPEN (x INT)", "INSERT INTO ML.DEV.OPEN VALUES (1)",
    "CREATE SCHEMA ML.MINE", "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.MINE TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST",
    "GRANT CREATE TABLE ON SCHEMA ML.DEV TO ROLE ANALYST", "GRANT CREATE VIEW ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT CREATE TABLE ON SCHEMA ML.MINE TO ROLE ANALYST", "GRANT CREATE VIEW ON SCHEMA ML.MINE TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def secret_untouched(admin: Connection) -> None:
    assert run(admin, "SELECT x FROM ML.DEV.SECRET") == [(42,)]


# ---------------------------------------------------------------------------------------------
# A CTE hides a table only where DuckDB would read the CTE: in its own scope, after its definition
# ---------------------------------------------------------------------------------------------

READS_THROUGH_A_CTE_NAME = [
    "SELECT * FROM (WITH SECRET AS (SELECT 1 AS y) SELECT * FROM SECRET) t, SECRET",
    "SELECT x FROM SECRET WHERE EXISTS (WITH SECRET AS (SELECT 1) SELECT 1)",
    "SELECT *, (WITH SECRET AS (SELECT 1 AS z) SELECT z FROM SECRET) FROM SECRET",
    "SELECT * FROM SECRET UNION ALL (WITH SECRET AS (SELECT 1 AS z) SELECT z FROM SECRET)",
    "WITH S2 AS (SELECT * FROM SECRET), SECRET AS (SELECT 1 AS x) SELECT * FROM S2",  # defined after its use
    "WITH SECRET AS (SELECT * FROM SECRET) SELECT * FROM SECRET",  # not recursive: the table
    "WITH RECURSIVE SECRET AS (SELECT x FROM SECRET UNION ALL SELECT 1) SELECT * FROM SECRET LIMIT 3",
    "WITH RECURSIVE SECRET AS (SELECT * FROM SECRET) SELECT * FROM SECRET",
    "WITH RECURSIVE A AS (SELECT * FROM SECRET), SECRET AS (SELECT 1 AS x) SELECT * FROM A",
    'WITH "SECRET\x1f0" AS (SELECT 1 AS x) SELECT * FROM SECRET',
    "CREATE TABLE ML.MINE.STOLEN AS SELECT * FROM SECRET UNION ALL (WITH SECRET AS (SELECT 1 AS z) SELECT z FROM SECRET)",
    "CREATE VIEW ML.MINE.STOLEN AS SELECT * FROM SECRET UNION ALL (WITH SECRET AS (SELECT 1 AS z) SELECT z FROM SECRET)",
]


@pytest.mark.parametrize("sql", READS_THROUGH_A_CTE_NAME)
def test_a_cte_name_elsewhere_does_not_open_the_table(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, alice = pair
    with pytest.raises(snowreg.Error) as info:
        run(alice, sql)
    assert info.value.errno in (2003, 2), info.value
    with pytest.raises(snowreg.Error):
        run(alice, "SELECT * FROM ML.MINE.STOLEN")
    secret_untouched(admin)


@pytest.mark.parametrize("sql", [
    "WITH SECRET AS (SELECT 1 AS x) INSERT INTO SECRET SELECT 99",
    "WITH SECRET AS (SELECT 1 AS x) DELETE FROM SECRET",
    "WITH SECRET AS (SELECT 1 AS x) UPDATE SECRET SET x = 0",
    "WITH SECRET AS (SELECT 1 AS x) MERGE INTO SECRET USING OPEN ON TRUE WHEN MATCHED THEN DELETE",
])
def test_a_cte_of_the_target_name_does_not_open_the_table_to_writes(pair: tuple[Connection, Connection],
                                                                    sql: str) -> None:
    admin, alice = pair
    with pytest.raises(snowreg.Error):
        run(alice, sql)
    secret_untouched(admin)


@pytest.mark.parametrize(("sql", "rows"), [
    ("WITH SECRET AS (SELECT 1 AS y) SELECT * FROM SECRET", [(1,)]),
    ("WITH A AS (SELECT 2 AS y), SECRET AS (SELECT y FROM A) SELECT * FROM SECRET", [(2,)]),
    ("SELECT (WITH SECRET AS (SELECT 3 AS y) SELECT y FROM SECRET)", [(3,)]),
    ("WITH SECRET AS (SELECT 4 AS y) SELECT * FROM (SELECT * FROM SECRET)", [(4,)]),
    ("WITH RECURSIVE SECRET AS (SELECT 1 AS y UNION ALL SELECT y + 1 FROM SECRET WHERE y < 3) "
     "SELECT * FROM SECRET ORDER BY y", [(1,), (2,), (3,)]),
    ("WITH SECRET AS (SELECT x FROM OPEN) SELECT * FROM SECRET", [(1,)]),
])
def test_a_cte_still_hides_a_table_of_its_name_in_its_scope(pair: tuple[Connection, Connection], sql: str,
                                                            rows: list[Any]) -> None:
    """https://docs.snowflake.com/en/sql-reference/constructs/with: a CTE name shadows a table of that name."""
    _, alice = pair
    assert run(alice, sql) == rows


# ---------------------------------------------------------------------------------------------
# A table named like a relation the engine registers on the session's DuckDB handle reads the table
# ---------------------------------------------------------------------------------------------

ENGINE_RELATIONS = {
    "SNOWREG_REG_UDFS": "FUNCTIONS", "SNOWREG_REG_VIEW_TEXTS": "VIEWS", "SNOWREG_REG_DATABASES": "DATABASES",
    "SNOWREG_REG_TABLE_COLUMNS": "COLUMNS", "SNOWREG_REG_SCHEMAS": "SCHEMATA",
    "SNOWREG_REG_TABLE_OWNERS": "TABLES", "SNOWREG_IS_MODEL_VERSIONS": "MODEL_VERSIONS",
}


@pytest.mark.parametrize("table", sorted(ENGINE_RELATIONS))
def test_a_table_named_like_an_engine_relation_reads_that_table(pair: tuple[Connection, Connection],
                                                                table: str) -> None:
    admin, alice = pair
    run(admin, "CREATE SECURE FUNCTION ML.DEV.HIDDEN_F(a NUMBER) RETURNS NUMBER AS 'a * 31337'")
    run(admin, "CREATE DATABASE HID")
    run(admin, "CREATE VIEW HID.PUBLIC.V AS SELECT 'hidden view text' AS y")
    run(alice, f"CREATE TABLE {table} (mine VARCHAR)")
    run(alice, f"INSERT INTO {table} VALUES ('only mine')")
    view = ENGINE_RELATIONS[table]
    rows = run(alice, f"SELECT u.* FROM ML.INFORMATION_SCHEMA.{view} f RIGHT JOIN {table} u ON TRUE "
                      "UNION ALL SELECT * FROM " + table)
    assert set(rows) == {("only mine",)}
    for unqualified in (table, table.lower(), f'"{table.lower()}"'):
        try:
            found = run(alice, f"SELECT * FROM ML.INFORMATION_SCHEMA.{view} i, {unqualified} u")
        except snowreg.Error:
            continue
        assert all("31337" not in str(r) and "hidden" not in str(r) and "HID" not in str(r) for r in found)


# ---------------------------------------------------------------------------------------------
# A view reads what its creator was checked for, wherever it is created and read from
# ---------------------------------------------------------------------------------------------

def test_a_view_made_in_another_schema_reads_the_table_its_creator_named(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(alice, "USE SCHEMA ML.MINE")
    run(alice, "CREATE TABLE SECRET (x INT)")
    run(alice, "INSERT INTO SECRET VALUES (7)")
    run(alice, "CREATE VIEW ML.DEV.V AS SELECT * FROM SECRET")  # her own ML.MINE.SECRET
    assert run(alice, "SELECT * FROM ML.DEV.V") == [(7,)]
    run(alice, "USE SCHEMA ML.DEV")
    assert run(alice, "SELECT * FROM ML.DEV.V") == [(7,)]
    secret_untouched(admin)


def test_a_view_reads_the_same_table_from_any_current_schema(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    run(alice, "CREATE VIEW ML.MINE.V2 AS SELECT * FROM OPEN")  # ML.DEV.OPEN, the current schema's
    assert run(alice, "SELECT * FROM ML.MINE.V2") == [(1,)]
    run(alice, "USE SCHEMA ML.MINE")
    assert run(alice, "SELECT * FROM V2") == [(1,)]


# ---------------------------------------------------------------------------------------------
# A database never takes the name of a catalog the data instance keeps for itself
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["SNOWREG_FN", '"snowreg_fn"', "Snowreg_Fn", "MEMORY", '"memory"', "SYSTEM", "TEMP"])
def test_a_database_cannot_take_the_name_of_the_instances_own_catalogs(name: str) -> None:
    """DuckDB matches catalog names case-blind: a database SNOWREG_FN was the functions every session calls
    (dropping it took them from everyone), MEMORY the data instance's own catalog."""
    with snowreg.connect() as admin:
        for sql in ("CREATE ROLE MAKER", "GRANT CREATE DATABASE ON ACCOUNT TO ROLE MAKER", "CREATE USER U",
                    "GRANT ROLE MAKER TO USER U"):
            run(admin, sql)
        maker = Connection(admin._catalog, user="U", role="MAKER")
        with pytest.raises(snowreg.Error):
            run(maker, f"CREATE DATABASE {name}")
        for sql in (f"DROP DATABASE {name}", f"CREATE SCHEMA {name}.MAIN"):
            with pytest.raises(snowreg.Error):
                run(maker, sql)
        assert run(admin, "SELECT DIV0(1, 0), PARSE_JSON('[7]')[0]::INT") == [(0, 7)]
        assert [r[1] for r in run(admin, "SHOW DATABASES")] == []
        maker.close()


def test_information_schema_of_a_database_the_role_does_not_see_does_not_exist(pair: tuple[Connection, Connection]
                                                                               ) -> None:
    admin, alice = pair
    run(admin, "CREATE DATABASE HID")
    for database in ("HID", "NOPE"):  # alike: no oracle of which databases exist
        for view in ("SCHEMATA", "TABLES", "DATABASES"):
            with pytest.raises(snowreg.Error) as info:
                run(alice, f"SELECT * FROM {database}.INFORMATION_SCHEMA.{view}")
            assert (info.value.errno, str(info.value).split(":", 1)[1]) == (
                2003, f" SQL compilation error:\nDatabase '{database}' does not exist or not authorized.")
    assert run(alice, "SELECT SCHEMA_NAME FROM ML.INFORMATION_SCHEMA.SCHEMATA ORDER BY 1") == [
        ("DEV",), ("INFORMATION_SCHEMA",), ("MINE",)]


def test_a_view_reads_with_its_owners_rights_of_now(pair: tuple[Connection, Connection]) -> None:
    """A view's owner must still read what its query names when the view is read
    (https://docs.snowflake.com/en/user-guide/views-introduction: the owner role needs the privileges)."""
    admin, alice = pair
    run(alice, "CREATE VIEW ML.MINE.AV AS SELECT * FROM ML.DEV.OPEN")
    run(alice, "CREATE VIEW ML.MINE.AV2 AS SELECT * FROM ML.MINE.AV")  # through another view of hers
    run(alice, "CREATE VIEW ML.MINE.AV3 AS WITH c AS (SELECT * FROM ML.MINE.AV2) SELECT * FROM c")
    assert run(alice, "SELECT * FROM ML.MINE.AV3") == [(1,)]
    run(admin, "REVOKE SELECT ON TABLE ML.DEV.OPEN FROM ROLE ANALYST")
    run(admin, "INSERT INTO ML.DEV.OPEN VALUES (77)")
    for view in ("AV", "AV2", "AV3"):
        with pytest.raises(snowreg.Error) as info:
            run(alice, f"SELECT * FROM ML.MINE.{view}")
        assert info.value.errno == 2003 and "77" not in str(info.value)
    with pytest.raises(snowreg.Error):
        run(alice, "CREATE TABLE ML.MINE.COPIED AS SELECT * FROM ML.MINE.AV")
    run(admin, "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST")
    assert sorted(run(alice, "SELECT * FROM ML.MINE.AV3")) == [(1,), (77,)]


def test_a_view_calls_a_function_only_while_its_owner_may_use_it(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    run(admin, "CREATE FUNCTION ML.DEV.PEEK(a NUMBER) RETURNS NUMBER AS 'a + (SELECT MAX(x) FROM ML.DEV.SECRET)'")
    run(admin, "CREATE FUNCTION ML.DEV.ROWS_OF() RETURNS TABLE (x NUMBER) AS 'SELECT x FROM ML.DEV.SECRET'")
    run(admin, "GRANT USAGE ON FUNCTION ML.DEV.PEEK(NUMBER) TO ROLE ANALYST")
    run(admin, "GRANT USAGE ON FUNCTION ML.DEV.ROWS_OF() TO ROLE ANALYST")
    run(alice, "CREATE VIEW ML.MINE.FV AS SELECT ML.DEV.PEEK(0) AS v")
    run(alice, "CREATE VIEW ML.MINE.TV AS SELECT * FROM TABLE(ML.DEV.ROWS_OF())")
    assert run(alice, "SELECT * FROM ML.MINE.FV") == run(alice, "SELECT * FROM ML.MINE.TV") == [(42,)]
    run(admin, "REVOKE USAGE ON FUNCTION ML.DEV.PEEK(NUMBER) FROM ROLE ANALYST")
    run(admin, "REVOKE USAGE ON FUNCTION ML.DEV.ROWS_OF() FROM ROLE ANALYST")
    run(admin, "INSERT INTO ML.DEV.SECRET VALUES (1000)")
    for view in ("FV", "TV"):
        with pytest.raises(snowreg.Error) as info:
            run(alice, f"SELECT * FROM ML.MINE.{view}")
        assert info.value.errno == 2140 and "1000" not in str(info.value)
