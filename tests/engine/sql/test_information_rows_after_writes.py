"""A MODEL_VERSIONS query answered from the registry's rows keeps its answer between queries and patches it
after a write (engine.sql.information_rows): after every kind of write, the answer must be the general
path's (DuckDB's) and the one made afresh. Every query here is answered from the rows (checked), under
a query tag of its own so no kept result answers it, for ACCOUNTADMIN and a role that sees part of the registry."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import information_rows

QUERIES = [  # every sort ends on a unique key, so the general path's order is the same
    "SELECT catalog_name, schema_name, model_name, model_version_name, metadata:metric:accuracy AS accuracy, "
    "metadata:metrics:accuracy AS logged, comment, owner, functions, version_aliases, created_on, last_altered_on "
    "FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY accuracy DESC, schema_name, model_name, model_version_name",
    "SELECT * FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS ORDER BY schema_name, model_name, model_version_name",
    "SELECT model_name, model_version_name, comment FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "WHERE schema_name = 'DEV' ORDER BY comment DESC NULLS LAST, 1, 2 LIMIT 4 OFFSET 1",
    "SELECT model_version_name, version_aliases, last_altered FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "WHERE model_name = 'M' AND schema_name = 'DEV' ORDER BY last_altered DESC, model_version_name",
]
TIED = [  # ties: the patched answer must still be the one made afresh (the view's order among ties)
    "SELECT model_name, model_version_name, metadata:metric:accuracy AS a FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS "
    "ORDER BY a DESC",
    "SELECT schema_name, model_name, model_version_name FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS",
]


_RUNS = itertools.count()


def fresh(conn: Any, sql: str) -> Any:
    """A cursor over `sql` made now: a query tag of its own each time (a session parameter, so part of
    what a kept result is kept under), so no result kept from an earlier run answers it."""
    conn.cursor().execute(f"ALTER SESSION SET QUERY_TAG = 'run {next(_RUNS)}'")
    return conn.cursor().execute(sql)


def run(conn: Any, sql: str, fast: bool) -> tuple[Any, ...]:
    """(description, rows, repr of the rows) of `sql`, answered from the registry's rows or not (`fast`)."""
    information_rows.ENABLED[0] = fast
    try:
        cur = fresh(conn, sql)
        rows = cur.fetchall()
        return cur.description, rows, repr(rows)  # repr: time zones and value types too
    finally:
        information_rows.ENABLED[0] = True


class Registry:
    """ADMIN (ACCOUNTADMIN) and ALICE (ANALYST: USAGE on ML, ML.DEV and model M), checked together."""

    def __init__(self, admin: Any, alice: Any, answered: list[bool]) -> None:
        self.admin, self.alice, self.answered = admin, alice, answered
        self.sql = admin.cursor().execute

    def check(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every query, for both users: the kept answers (patched after the last writes), then, with every
        kept answer dropped, the ones made afresh and the general path's; all agree. Returns ADMIN's rows
        of each query. The answers made afresh are kept for the next check."""
        users = (("admin", self.admin), ("alice", self.alice))
        kept = {}
        for who, conn in users:
            for sql in QUERIES + TIED:
                self.answered.clear()
                kept[who, sql] = run(conn, sql, True)
                assert self.answered == [True], sql
        information_rows.forget(self.admin._catalog)
        for who, conn in users:
            for sql in QUERIES + TIED:
                assert run(conn, sql, True) == kept[who, sql], (who, sql)  # made afresh
                if sql in QUERIES:
                    assert run(conn, sql, False) == kept[who, sql], (who, sql)  # DuckDB
        return {sql: kept["admin", sql][1] for sql in QUERIES + TIED}

    def after(self, *writes: str | Callable[[], Any]) -> dict[str, list[tuple[Any, ...]]]:
        """check() with the answers kept, then the writes (statements of ADMIN, or calls), then check()."""
        self.check()
        for write in writes:
            if isinstance(write, str):
                self.sql(write)
            else:
                write()
        return self.check()

    def rows(self, sql: str = QUERIES[1], conn: Any = None) -> list[dict[str, Any]]:
        information_rows.ENABLED[0] = True
        cur = fresh(conn or self.admin, sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def versions(self, conn: Any = None) -> list[tuple[str, str, str]]:
        cur = fresh(conn or self.admin, QUERIES[1])
        return [(r[1], r[2], r[3]) for r in cur.fetchall()]


@pytest.fixture
def reg(tmp_path: Path, version_dir: Path, answered: list[bool]) -> Iterator[Registry]:
    admin = snowreg.connect(database="ML", schema="DEV", stage_roots=[tmp_path, version_dir.parent])
    sql = admin.cursor().execute
    for statement in ("CREATE SCHEMA IF NOT EXISTS ML.DEV", "CREATE SCHEMA ML.PUB", "CREATE DATABASE OTHER",
                      "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
                      "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "CREATE USER ALICE DEFAULT_ROLE = ANALYST",
                      "GRANT ROLE ANALYST TO USER ALICE", "USE SCHEMA ML.DEV",
                      f"CREATE STAGE ST URL = '{version_dir.as_uri()}'", "CREATE MODEL M WITH VERSION V1 FROM @ST",
                      "ALTER MODEL M ADD VERSION V2 FROM @ST", "ALTER MODEL M ADD VERSION V3 FROM @ST",
                      "ALTER MODEL M ADD VERSION V4 FROM @ST", "CREATE MODEL N WITH VERSION V1 FROM @ST",
                      "ALTER MODEL N ADD VERSION V2 FROM @ST", "CREATE MODEL ML.PUB.O WITH VERSION V1 FROM @ST",
                      "CREATE MODEL OTHER.PUBLIC.W WITH VERSION V1 FROM @ST", "GRANT USAGE ON MODEL M TO ROLE ANALYST"):
        sql(statement)
    for (model, version), accuracy in zip([("M", "V1"), ("M", "V2"), ("M", "V3"), ("M", "V4"), ("N", "V1")],
                                          [0.5, 0.25, 0.75, 0.5, 0.125], strict=True):
        sql(f"""ALTER MODEL {model} MODIFY VERSION {version} SET METADATA = '{{"metric": {{"accuracy": {accuracy}}}}}'""")
    alice = admin.open_session(user="ALICE")
    alice.cursor().execute("USE SCHEMA ML.DEV")
    yield Registry(admin, alice, answered)
    alice.close()
    admin.close()


def test_new_versions_by_sql_and_by_log_model(reg: Registry) -> None:
    reg.after("ALTER MODEL M ADD VERSION V5 FROM @ST")
    rows = {r["MODEL_VERSION_NAME"]: r for r in reg.rows() if r["MODEL_NAME"] == "M"}
    assert json.loads(rows["V5"]["VERSION_ALIASES"]) == ["LAST"] and json.loads(rows["V4"]["VERSION_ALIASES"]) == []
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0], "B": [1.0, 0.0, 1.0]})
    model = linear_model.LinearRegression().fit(X, X["A"] + X["B"])
    registry = snowreg.Registry(reg.admin, database_name="ML", schema_name="DEV")
    out = reg.after(lambda: registry.log_model(model, model_name="M", version_name="V6", sample_input_data=X,
                                               comment="logged", metrics={"accuracy": 0.875}))
    (row,) = [r for r in out[QUERIES[0]] if r[3] == "V6"]
    assert row[5] == "0.875" and row[6] == "logged" and json.loads(row[9]) == ["LAST"]


def test_comments_metadata_and_metrics(reg: Registry) -> None:
    def comments() -> dict[str, str | None]:
        return {r["MODEL_VERSION_NAME"]: r["COMMENT"] for r in reg.rows() if r["MODEL_NAME"] == "M"}

    reg.after("ALTER MODEL M MODIFY VERSION V2 SET COMMENT = 'two'")
    assert comments() == {"V1": None, "V2": "two", "V3": None, "V4": None}
    out = reg.after("ALTER MODEL M MODIFY VERSION V3 SET COMMENT = 'three'", "ALTER MODEL M MODIFY VERSION V2 UNSET COMMENT")
    assert comments() == {"V1": None, "V2": None, "V3": "three", "V4": None}
    assert [r[2] for r in out[QUERIES[2]]] == [None, None, None, None]  # after 'three', by OFFSET 1
    out = reg.after("""ALTER MODEL M MODIFY VERSION V3 SET METADATA = '{"metric": {"accuracy": 0.99}}'""")
    assert [r[3:5] for r in out[QUERIES[0]] if r[4] is not None][:2] == [("V3", "0.99"), ("V1", "0.5")]  # NULLs first
    version = snowreg.Registry(reg.admin, database_name="ML", schema_name="DEV").get_model("M").version("V4")
    reg.after(lambda: version.set_metric("accuracy", 0.3))
    assert [r for r in reg.rows(QUERIES[0]) if r["MODEL_VERSION_NAME"] == "V4"][0]["LOGGED"] == "0.3"
    reg.after(lambda: version.delete_metric("accuracy"))
    assert [r for r in reg.rows(QUERIES[0]) if r["MODEL_VERSION_NAME"] == "V4"][0]["LOGGED"] is None
    reg.after("ALTER MODEL M SET COMMENT = 'a model comment'")  # not a MODEL_VERSIONS column


def test_aliases_and_the_default_version(reg: Registry) -> None:
    def aliases(version: str) -> list[str]:
        return [json.loads(r["VERSION_ALIASES"]) for r in reg.rows()
                if r["MODEL_NAME"] == "M" and r["MODEL_VERSION_NAME"] == version][0]  # type: ignore[no-any-return]

    reg.after("ALTER MODEL M VERSION V2 SET ALIAS = PROD")
    assert aliases("V2") == ["PROD"]
    reg.after("ALTER MODEL M VERSION V2 UNSET ALIAS", "ALTER MODEL M VERSION V3 SET ALIAS = PROD")
    assert aliases("V2") == [] and aliases("V3") == ["PROD"]
    reg.after("ALTER MODEL M SET DEFAULT_VERSION = V3")
    assert aliases("V1") == ["FIRST"] and aliases("V3") == ["DEFAULT", "PROD"]
    version = snowreg.Registry(reg.admin, database_name="ML", schema_name="DEV").get_model("M").version("V4")
    reg.after(lambda: version.set_alias("staging"))
    assert aliases("V4") == ["LAST", "STAGING"]


def test_dropped_versions_and_models(reg: Registry) -> None:
    reg.after("ALTER MODEL M DROP VERSION V2")
    assert ("DEV", "M", "V2") not in reg.versions()
    reg.after("ALTER MODEL M SET DEFAULT_VERSION = V3", "ALTER MODEL M DROP VERSION V1")  # the first: FIRST moves
    rows = [r for r in reg.rows() if r["MODEL_NAME"] == "M"]
    assert [(r["MODEL_VERSION_NAME"], json.loads(r["VERSION_ALIASES"])) for r in rows] == \
        [("V3", ["DEFAULT", "FIRST"]), ("V4", ["LAST"])]
    reg.after("ALTER MODEL M DROP VERSION V4")  # the last
    assert [json.loads(r["VERSION_ALIASES"]) for r in reg.rows() if r["MODEL_NAME"] == "M"] == \
        [["DEFAULT", "FIRST", "LAST"]]
    reg.after("DROP MODEL ML.PUB.O")
    assert [v for v in reg.versions() if v[0] == "PUB"] == []
    reg.after("DROP MODEL M")
    assert reg.versions() == [("DEV", "N", "V1"), ("DEV", "N", "V2")] and reg.versions(reg.alice) == []


def test_renamed_and_copied_models(reg: Registry) -> None:
    reg.after("ALTER MODEL N RENAME TO N2")
    assert ("DEV", "N2", "V1") in reg.versions() and ("DEV", "N", "V1") not in reg.versions()
    reg.after("ALTER MODEL ML.DEV.N2 RENAME TO ML.PUB.N3")
    assert ("PUB", "N3", "V2") in reg.versions()
    reg.after("ALTER MODEL ML.DEV.M RENAME TO OTHER.PUBLIC.M")  # out of the database queried
    assert [v for v in reg.versions() if v[1] == "M"] == [] and reg.versions(reg.alice) == []
    reg.after("ALTER MODEL OTHER.PUBLIC.M RENAME TO ML.DEV.M")
    assert len([v for v in reg.versions(reg.alice) if v[1] == "M"]) == 4
    reg.after("CREATE MODEL ML.PUB.C WITH VERSION V1 FROM MODEL ML.DEV.M VERSION V3")
    assert ("PUB", "C", "V1") in reg.versions()
    reg.after("ALTER MODEL ML.PUB.N3 ADD VERSION V9 FROM MODEL ML.PUB.C VERSION V1")
    assert ("PUB", "N3", "V9") in reg.versions()
    reg.after("CREATE MODEL ML.DEV.W WITH VERSION V1 FROM MODEL OTHER.PUBLIC.W VERSION V1")
    assert ("DEV", "W", "V1") in reg.versions()
    reg.after("CREATE OR REPLACE MODEL ML.DEV.W WITH VERSION V7 FROM MODEL ML.DEV.M VERSION V1")
    assert [v for v in reg.versions() if v[1] == "W"] == [("DEV", "W", "V7")]


def test_schemas_and_databases_dropped(reg: Registry) -> None:
    reg.after("DROP SCHEMA ML.PUB")
    assert [v for v in reg.versions() if v[0] == "PUB"] == []
    reg.after("CREATE SCHEMA ML.PUB", "CREATE MODEL ML.PUB.O WITH VERSION V2 FROM MODEL OTHER.PUBLIC.W VERSION V1")
    assert [v for v in reg.versions() if v[0] == "PUB"] == [("PUB", "O", "V2")]
    reg.after("DROP DATABASE OTHER")  # another database's models: nothing changes here
    reg.after("CREATE OR REPLACE SCHEMA ML.PUB")
    assert [v for v in reg.versions() if v[0] == "PUB"] == []


def test_grants_revokes_owners_and_roles(reg: Registry) -> None:
    reg.after("GRANT USAGE ON MODEL N TO ROLE ANALYST")
    assert {v[1] for v in reg.versions(reg.alice)} == {"M", "N"}
    reg.after("REVOKE USAGE ON MODEL M FROM ROLE ANALYST")
    assert {v[1] for v in reg.versions(reg.alice)} == {"N"}
    reg.after("GRANT USAGE ON SCHEMA ML.PUB TO ROLE ANALYST", "GRANT OWNERSHIP ON MODEL ML.PUB.O TO ROLE ANALYST")
    assert {v[1] for v in reg.versions(reg.alice)} == {"N", "O"}
    assert [r["OWNER"] for r in reg.rows(conn=reg.alice) if r["MODEL_NAME"] == "O"] == ["ANALYST"]
    assert ("PUB", "O", "V1") not in reg.versions()  # ANALYST's now, and not a role ACCOUNTADMIN holds
    reg.after("REVOKE USAGE ON SCHEMA ML.DEV FROM ROLE ANALYST")
    assert {v[1] for v in reg.versions(reg.alice)} == {"O"}
    alice = reg.alice.cursor().execute
    reg.sql("CREATE ROLE VIEWER")
    reg.after("GRANT USAGE ON DATABASE ML TO ROLE VIEWER", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE VIEWER",
              "GRANT ROLE VIEWER TO USER ALICE", lambda: alice("USE ROLE VIEWER"))  # a role switch
    assert reg.versions(reg.alice) == []
    reg.after("GRANT USAGE ON MODEL ML.DEV.N TO ROLE VIEWER")
    assert {v[1] for v in reg.versions(reg.alice)} == {"N"}
    reg.after(lambda: alice("USE ROLE ANALYST"))
    assert {v[1] for v in reg.versions(reg.alice)} == {"O"}
    reg.after("GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert {v[1] for v in reg.versions(reg.alice)} == {"N", "O"}
    reg.after("GRANT OWNERSHIP ON MODEL ML.PUB.O TO ROLE SYSADMIN")
    assert {v[1] for v in reg.versions(reg.alice)} == {"N"}


def test_time_zones(reg: Registry) -> None:
    before = reg.rows(QUERIES[1])[0]["CREATED_ON"]
    reg.after("ALTER SESSION SET TIMEZONE = 'Asia/Kolkata'")
    reg.after(lambda: reg.alice.cursor().execute("ALTER SESSION SET TIMEZONE = 'America/Los_Angeles'"))
    after = reg.rows(QUERIES[1])[0]["CREATED_ON"]
    assert after == before and str(after.tzinfo) == "Asia/Kolkata"
    reg.after("ALTER SESSION UNSET TIMEZONE")
    assert reg.rows(QUERIES[1])[0]["CREATED_ON"].tzinfo == before.tzinfo


def test_live_versions_committed(reg: Registry, version_dir: Path) -> None:
    reg.after("ALTER MODEL M ADD LIVE VERSION LV")
    assert ("DEV", "M", "LV") not in reg.versions()  # not listed before its COMMIT
    url = "snow://model/ML.DEV.M/versions/LV/"
    for path in sorted(p for p in version_dir.rglob("*") if p.is_file()):
        rel = path.parent.relative_to(version_dir).as_posix()
        reg.sql(f"PUT '{path.as_uri()}' '{url}{'' if rel == '.' else rel + '/'}' auto_compress = False")
    reg.after("ALTER MODEL M COMMIT VERSION LV RENAME VERSION TO V10")
    assert ("DEV", "M", "V10") in reg.versions()


def test_a_write_rolled_back(reg: Registry) -> None:
    reg.check()
    reg.sql("BEGIN")
    reg.sql("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'inside'")
    reg.sql("ALTER MODEL M ADD VERSION V5 FROM @ST")
    inside = [run(reg.admin, sql, True) for sql in QUERIES]
    assert inside == [run(reg.admin, sql, False) for sql in QUERIES]
    assert "'inside'" in inside[1][2] and "'V5'" in inside[1][2]
    reg.sql("ROLLBACK")
    out = reg.check()
    assert ("'inside'" in repr(out)) == ("'inside'" in inside[1][2])


def test_two_registries_in_one_process(reg: Registry, tmp_path: Path, version_dir: Path) -> None:
    """Answers are kept per registry: the same query over another registry's rows is its own."""
    reg.check()
    other = snowreg.connect(database="ML", schema="DEV", stage_roots=[tmp_path])
    try:
        other.cursor().execute(f"CREATE STAGE ST URL = '{version_dir.as_uri()}'")
        other.cursor().execute("CREATE MODEL Z WITH VERSION V1 FROM @ST")
        got = run(other, QUERIES[1], True)
        assert [(r[2], r[3]) for r in got[1]] == [("Z", "V1")]
        assert got == run(other, QUERIES[1], False)
    finally:
        other.close()
    assert ("DEV", "Z", "V1") not in reg.versions()

