"""Attacks on the trust boundary that are refused already, kept refused: DuckDB's own functions and
names, the engine's internal names, string-built SQL, other users' results, comments and look-alike names.

ADMIN owns ML.DEV.SECRET (42) and a secure function whose body reads it; ALICE (role ANALYST) may read
ML.DEV.OPEN and use that function. Nothing ALICE sends may show 42 (other than through the function's
result, which runs with its owner's rights), the function's body, or a host file.
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
    "CREATE SECURE FUNCTION ML.DEV.HIDDEN_F(a NUMBER) RETURNS NUMBER AS "
    "'a * 31337 + (SELECT MAX(x) FROM ML.DEV.SECRET)'",
    "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT SELECT ON TABLE ML.DEV.OPEN TO ROLE ANALYST", "GRANT USAGE ON FUNCTION ML.DEV.HIDDEN_F(NUMBER) TO ROLE ANALYST",
    "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
]


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


@pytest.fixture(scope="module")
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


REFUSED = [
    # DuckDB's own table functions, settings, environment and file readers
    "SELECT * FROM duckdb_tables()", "SELECT * FROM duckdb_databases()", "SELECT * FROM duckdb_settings()",
    "SELECT * FROM system.main.duckdb_tables()", "SELECT current_setting('threads')", "SELECT getenv('HOME')",
    "SELECT system.main.getenv('HOME')", "SELECT * FROM pragma_database_list()", "SELECT * FROM read_json('/etc/passwd')",
    "SELECT * FROM read_json_auto('/etc/passwd')", "SELECT * FROM parquet_scan('/etc/passwd')",
    "SELECT * FROM query_table('ML.DEV.SECRET')", "SELECT * FROM query('SELECT * FROM ML.DEV.SECRET')",
    "SELECT json_execute_serialized_sql('x')", "SELECT list_transform([1], x -> x + 1)",
    "SELECT FILTER([1], a -> a > (SELECT MAX(x) FROM ML.DEV.SECRET))", "SELECT 'ML.DEV.SECRET'::REGCLASS",
    # DuckDB's schemas and catalogs, the engine's own catalogs, macros and placeholders
    "SELECT * FROM pg_catalog.pg_class", "SELECT * FROM temp.main.x", "SELECT * FROM snowreg_fn.main.x",
    "SELECT snowreg_fn.main.snowreg_ndiv(1, 0)", "SELECT * FROM snowreg_is_tables('ML')",
    "SELECT * FROM TABLE(snowreg_is_tables('ML'))", "SELECT __snowreg_udf_0(1)", 'SELECT "__snowreg_udf_0"(1)',
    "SELECT * FROM TABLE(__snowreg_udf_0())", 'SELECT ML.DEV."HIDDEN_F(NUMBER)/1"(1)',
    'SELECT * FROM ML.DEV."HIDDEN_F(NUMBER)/1"', "SELECT GETVARIABLE('snowreg_role')",
    # the table by any other spelling, through any clause
    'SELECT * FROM ML.DEV."secret"', 'SELECT * FROM ML.DEV."SECRET\u200b"', "SELECT * FROM ＳＥＣＲＥＴ",
    "SELECT * FROM IDENTIFIER('ML.DEV.\"SECRET\"')", "SELECT * FROM ML.DEV.SECRET SAMPLE (100)",
    "SELECT * FROM ML.DEV.OPEN, LATERAL (SELECT * FROM ML.DEV.SECRET)", "SELECT (SELECT x FROM ML.DEV.SECRET) IS NULL",
    "SELECT * FROM TABLE(FLATTEN(INPUT => (SELECT ARRAY_AGG(x) FROM ML.DEV.SECRET)))",
    "SELECT * FROM ML.DEV.SECRET AT(OFFSET => -1)",
    # SQL built from strings and session variables goes the same road
    "EXECUTE IMMEDIATE 'SELECT * FROM ML.DEV.SECRET'", "EXECUTE IMMEDIATE $$SELECT * FROM SECRET$$",
    # secure function bodies
    "SELECT GET_DDL('FUNCTION', 'HIDDEN_F(NUMBER)')", "EXPLAIN SELECT HIDDEN_F(1)",
]


@pytest.mark.parametrize("sql", REFUSED)
def test_refused(pair: tuple[Connection, Connection], sql: str) -> None:
    admin, alice = pair
    with pytest.raises(snowreg.Error) as info:
        run(alice, sql)
    assert "42" not in str(info.value).replace("42S02", "").replace("42601", "").replace("42000", "") \
        and "31337" not in str(info.value) and "root:" not in str(info.value)
    assert run(admin, "SELECT x FROM ML.DEV.SECRET") == [(42,)]


def test_a_comment_cannot_smuggle_sql_past_the_binder(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert run(alice, "SELECT 1 AS a -- */ , (SELECT x FROM ML.DEV.SECRET) AS b /*\n") == [(1,)]
    assert run(alice, "SELECT 1 AS a /* */ /* -- */") == [(1,)]


def test_session_variables_cannot_stand_for_the_engines_filters(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    for name in ("SNOWREG_VISIBLE_TABLES", '"snowreg_visible_tables"', "snowreg_visible_schemas",
                 "SNOWREG_VISIBLE_FUNCTIONS", "snowreg_visible_sequences"):
        run(alice, f"SET {name} = NULL")
    assert run(alice, "SELECT TABLE_NAME FROM ML.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'") \
        == [("OPEN",)]
    assert run(alice, "SELECT SCHEMA_NAME FROM ML.INFORMATION_SCHEMA.SCHEMATA ORDER BY 1") == [
        ("DEV",), ("INFORMATION_SCHEMA",)]
    assert run(alice, "SELECT FUNCTION_NAME, FUNCTION_DEFINITION FROM ML.INFORMATION_SCHEMA.FUNCTIONS") == [
        ("HIDDEN_F", None)]


def test_a_secure_functions_body_shows_to_its_owner_only(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert run(alice, "SELECT HIDDEN_F(0)") == [(42,)]  # runs with its owner's rights
    described = dict(run(alice, "DESCRIBE FUNCTION HIDDEN_F(NUMBER)"))
    assert described["body"] == ""
    assert "31337" not in str(run(alice, "SHOW USER FUNCTIONS"))
    assert "31337" in dict(run(admin, "DESCRIBE FUNCTION HIDDEN_F(NUMBER)"))["body"]


def test_another_users_results_cannot_be_scanned(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    cur = admin.cursor()
    cur.execute("SELECT x FROM ML.DEV.SECRET")
    query_id = cur.sfqid
    with pytest.raises(snowreg.Error) as info:
        run(alice, f"SELECT * FROM TABLE(RESULT_SCAN('{query_id}'))")
    assert info.value.errno == 709
    assert run(admin, f"SELECT * FROM TABLE(RESULT_SCAN('{query_id}'))") == [(42,)]


def test_execute_immediate_of_itself_ends_with_an_error(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    run(alice, "SET LOOP = 'EXECUTE IMMEDIATE $LOOP'")
    with pytest.raises(snowreg.Error):
        run(alice, "EXECUTE IMMEDIATE $LOOP")
    assert run(alice, "SELECT 1") == [(1,)]


def test_a_tampered_model_file_is_never_unpickled_by_load(tmp_path: Any) -> None:
    """The Python API's ModelVersion.load() reads the version's files as GET does: each must still hash to
    what the registry recorded, so a pickle changed on disk after log_model never runs."""
    import subprocess
    import sys

    import duckdb

    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0]})
    path = tmp_path / "reg"
    with snowreg.connect(database="ML", schema="DEV", path=path) as conn:
        snowreg.Registry(conn).log_model(linear_model.LinearRegression().fit(X, X["A"]), model_name="M",
                                         version_name="V1", sample_input_data=X)
    marker = tmp_path / "pwned"
    db = duckdb.connect(str(path / "registry.duckdb"))  # someone with write access to the registry's files
    db.execute("UPDATE snowreg.blobs SET content = ? WHERE sha IN (SELECT sha FROM snowreg.files "
               "WHERE path LIKE 'model/models/%')", [b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."])
    db.close()
    code = ("import snowreg\n"
            f"c = snowreg.connect(database='ML', schema='DEV', path={str(path)!r})\n"
            "snowreg.Registry(c).get_model('M').version('V1').load()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "does not match the hash" in done.stderr, done.stderr[-2000:]
    assert not marker.exists()
