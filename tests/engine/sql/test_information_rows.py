"""MODEL_VERSIONS queries answered without DuckDB (engine.sql.information_rows) give the general path's
rows, column metadata and errors: every query here runs both ways, right after a registry write (so no
persisted result answers it), for ACCOUNTADMIN and a role that sees one model, in three time zones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import information_rows

METADATA = ['{"metric": {"accuracy": 0.91}}', '{"metric": {"accuracy": 1.5e-3}}', '{"metric": {"accuracy": 7}}',
            '{"metric": {"accuracy": "high"}}', '{"metric": {"accuracy": [1, 2.5e0]}}',
            '{"metric": {"accuracy": {"a": true, "b": 1E+2}}}', '{"metric": {"accuracy": null}}', '{"metric": {}}',
            '{"metric": {"accuracy": 12345678901234567890}}', '{"metric": {"accuracy": -0.25, "name": "ünï"}}',
            '{"metric": {"accuracy": true}}', '{"metric": {"accuracy": 0.910}, "n": 2.0E-7}']
COMMENTS = [None, "b", "a", None, "ünï", "A", "b2", None, "", "z", None, "c"]
# (model, version) of each METADATA / COMMENTS entry; N's V5 keeps the default metadata and no comment
VERSIONS = [("M", f"V{i}") for i in range(1, 9)] + [("N", f"V{i}") for i in range(1, 5)]

ORDERED = [  # answered from the registry's rows; every sort ends on a unique key
    "SELECT catalog_name, schema_name, model_name, model_version_name, metadata:metric:accuracy AS accuracy, "
    "comment, owner, functions, created_on, last_altered_on FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY accuracy DESC, model_name, model_version_name",
    "SELECT model_name, model_version_name, metadata:metric:accuracy AS acc FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY acc, model_name, model_version_name",
    "SELECT model_name, model_version_name, metadata:metric:accuracy AS acc FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY acc DESC NULLS LAST, 1, 2",
    "SELECT model_name, model_version_name, metadata:metric:accuracy AS acc FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY acc NULLS FIRST, 1 DESC, 2 DESC",
    "SELECT * FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY model_name, model_version_name",
    "SELECT model_version_name, comment FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_name = 'M' "
    "ORDER BY comment NULLS FIRST, model_version_name",
    "SELECT model_version_name, comment FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_name = 'N' "
    "ORDER BY comment DESC, model_version_name DESC",
    "SELECT model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_name = 'M' AND schema_name = 'DEV' "
    "ORDER BY 1 DESC LIMIT 3 OFFSET 1",
    "SELECT model_name AS m, model_version_name v, created_on FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY created_on DESC, m, v",
    "SELECT metadata:metric AS metric, metadata['metric']['accuracy'] a, model_version_name, model_name "
    "FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY a DESC, model_version_name, model_name LIMIT 5",
    "SELECT metadata:n AS n, model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY n NULLS FIRST, model_name, model_version_name",
    "SELECT model_name, version_aliases, functions, metadata, userdata FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "WHERE model_version_name = 'V1'",
    "select model_name, model_version_name from ml.information_schema.model_versions limit 2",
    "SELECT model_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE model_name = 'NONE'",
    "SELECT v.model_name, v.model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS v ORDER BY 1, 2",
    "SELECT created, last_altered, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "WHERE comment = 'b' ORDER BY model_version_name",
]
TIED = [  # answered from the registry's rows; rows whose sort keys are equal may come in either order
    "SELECT model_name, model_version_name, metadata:metric:accuracy AS accuracy FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY accuracy DESC",
    "SELECT model_name, model_version_name, comment FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY comment",
    "SELECT model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY model_name DESC",
]
GENERAL = [  # shapes left to DuckDB (still compared: the switch must not change them)
    "SELECT last_altered_on, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY model_name, 2",
    "SELECT COUNT(*) AS n FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS",
    "SELECT model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY version_aliases, 1, 2",
    "SELECT model_name, model_version_name FROM INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY 1, 2",
    "SELECT UPPER(model_name) AS u, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY 1, 2",
    "SELECT model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS WHERE comment IS NULL "
    "ORDER BY 1, 2",
]
FAILING = [  # errors: the same both ways
    "SELECT nosuch FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS",
    'SELECT "model_name" FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS',
    "SELECT metadata:metric:accuracy::FLOAT AS acc FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY acc",
    "SELECT model_name FROM NOWHERE.INFORMATION_SCHEMA.MODEL_VERSIONS",
]


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """ADMIN (ACCOUNTADMIN) and ALICE (ANALYST: USAGE on ML, ML.DEV and model M only), models M and N in
    ML.DEV and O in ML.PUB with varied metadata and comments."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    from snowreg.packaging import package_model

    tmp_path = tmp_path_factory.mktemp("information_rows")
    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.5]})
    model = linear_model.LinearRegression().fit(X, 2 * X["X1"] + X["X2"])
    for rel, data in package_model(model, model_name="M", version_name="V1", sample_input_data=X).items():
        (tmp_path / "v" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "v" / rel).write_bytes(data)
    admin = snowreg.connect(database="ML", schema="DEV", stage_roots=[tmp_path])
    sql = admin.cursor().execute
    for statement in ("CREATE SCHEMA IF NOT EXISTS ML.DEV", "CREATE SCHEMA ML.PUB", "CREATE DATABASE OTHER",
                      "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
                      "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "CREATE USER ALICE DEFAULT_ROLE = ANALYST",
                      "GRANT ROLE ANALYST TO USER ALICE", "USE SCHEMA ML.DEV",
                      f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'", "CREATE MODEL M WITH VERSION V1 FROM @ST",
                      "CREATE MODEL N WITH VERSION V1 FROM @ST", "CREATE MODEL ML.PUB.O WITH VERSION V1 FROM @ST",
                      "CREATE MODEL OTHER.PUBLIC.W WITH VERSION V1 FROM @ST", "GRANT USAGE ON MODEL M TO ROLE ANALYST"):
        sql(statement)
    for model_name, top in (("M", 8), ("N", 5)):
        for i in range(2, top + 1):
            sql(f"ALTER MODEL {model_name} ADD VERSION V{i} FROM @ST")
    for (model_name, version), metadata, comment in zip(VERSIONS, METADATA, COMMENTS, strict=True):
        sql(f"ALTER MODEL {model_name} MODIFY VERSION {version} SET METADATA = '{metadata}'")
        if comment is not None:
            sql(f"ALTER MODEL {model_name} MODIFY VERSION {version} SET COMMENT = '{comment}'")
    sql("ALTER MODEL M VERSION V3 SET ALIAS = PROD")
    alice = admin.open_session(user="ALICE")
    alice.cursor().execute("USE SCHEMA ML.DEV")
    yield admin, alice
    alice.close()
    admin.close()


def both_ways(admin: Any, conn: Any, sql: str) -> list[tuple[Any, Any]]:
    """(description, rows) or the error text, first answered from the rows, then by DuckDB, each right
    after a registry write that changes no row of ML (a comment in another database)."""
    out = []
    for fast in (True, False):
        admin.cursor().execute(f"ALTER MODEL OTHER.PUBLIC.W MODIFY VERSION V1 SET COMMENT = '{fast}'")
        information_rows.ENABLED[0] = fast
        try:
            cur = conn.cursor().execute(sql)
            rows = cur.fetchall()
            out.append((cur.description, rows, repr(rows)))  # repr: time zones and value types too
        except snowreg.Error as e:
            out.append((type(e), str(e)))
        finally:
            information_rows.ENABLED[0] = True
    return out


@pytest.fixture(params=["America/Los_Angeles", "UTC", "Asia/Kolkata"])
def zone(request: pytest.FixtureRequest, pair: tuple[Any, Any]) -> Iterator[str]:
    for conn in pair:
        conn.cursor().execute(f"ALTER SESSION SET TIMEZONE = '{request.param}'")
    yield request.param
    for conn in pair:
        conn.cursor().execute("ALTER SESSION UNSET TIMEZONE")


@pytest.mark.parametrize("who", ["admin", "alice"])
@pytest.mark.parametrize("sql", ORDERED)
def test_answered_from_the_rows_as_duckdb_answers(pair: tuple[Any, Any], answered: list[bool], zone: str, who: str,
                                                   sql: str) -> None:
    admin, alice = pair
    fast, general = both_ways(admin, admin if who == "admin" else alice, sql)
    assert answered == [True]
    assert fast == general
    assert fast[1] or who == "alice" or "NONE" in sql  # the comparison saw rows


def test_a_role_sees_only_its_models(pair: tuple[Any, Any], answered: list[bool]) -> None:
    admin, alice = pair
    sql = ("SELECT model_name, model_version_name, metadata:metric:accuracy AS a FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
           "ORDER BY a DESC, 2")
    fast, general = both_ways(admin, alice, sql)
    assert answered == [True] and fast == general
    assert {row[0] for row in fast[1]} == {"M"} and len(fast[1]) == 8


@pytest.mark.parametrize("sql", TIED)
def test_ties_may_come_in_another_order(pair: tuple[Any, Any], answered: list[bool], sql: str) -> None:
    admin, _ = pair
    fast, general = both_ways(admin, admin, sql)
    assert answered == [True]
    assert fast[0] == general[0]
    assert sorted(fast[1], key=repr) == sorted(general[1], key=repr)
    assert [row[-1] if "comment" in sql or "accuracy" in sql else row[0] for row in fast[1]] == \
           [row[-1] if "comment" in sql or "accuracy" in sql else row[0] for row in general[1]]


@pytest.mark.parametrize("sql", GENERAL)
def test_other_shapes_go_to_duckdb(pair: tuple[Any, Any], answered: list[bool], sql: str) -> None:
    admin, _ = pair
    fast, general = both_ways(admin, admin, sql)
    assert answered == [False]
    assert fast == general and fast[1]


@pytest.mark.parametrize("sql", FAILING)
def test_errors_are_the_general_paths(pair: tuple[Any, Any], sql: str) -> None:
    admin, _ = pair
    fast, general = both_ways(admin, admin, sql)
    assert fast == general
    assert isinstance(fast[0], type) and issubclass(fast[0], snowreg.Error)


def test_a_changed_document_is_read_again(pair: tuple[Any, Any], answered: list[bool]) -> None:
    """A path's value comes from the document as it is now (values are kept per document text)."""
    admin, _ = pair
    sql = ("SELECT model_version_name, metadata:metric:accuracy AS a FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
           "WHERE model_name = 'N' ORDER BY a DESC, 1")
    before = both_ways(admin, admin, sql)
    admin.cursor().execute("""ALTER MODEL N MODIFY VERSION V5 SET METADATA = '{"metric": {"accuracy": 9.5e1}}'""")
    try:
        after = both_ways(admin, admin, sql)
    finally:
        admin.cursor().execute("ALTER MODEL N MODIFY VERSION V5 SET METADATA = '{}'")
    assert answered == [True, True]
    assert before[0] == before[1] and after[0] == after[1] and before[0] != after[0]
    assert ("V5", "9.500000000000000e+01") in after[0][1] and ("V5", None) in before[0][1]
