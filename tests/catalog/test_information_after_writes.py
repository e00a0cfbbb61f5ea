"""INFORMATION_SCHEMA.MODEL_VERSIONS right after each kind of registry write: the rows agree with SHOW
MODELS / SHOW VERSIONS of the same moment, for ACCOUNTADMIN and for a role that sees one model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg

COLUMNS = ("MODEL_NAME", "MODEL_VERSION_NAME", "VERSION_ALIASES", "COMMENT", "OWNER", "FUNCTIONS", "METADATA",
           "CREATED", "LAST_ALTERED", "SCHEMA_NAME")
QUERY = f"SELECT {', '.join(COLUMNS)} FROM ML.INFORMATION_SCHEMA.MODEL_VERSIONS"


def dicts(conn: Any, sql: str) -> list[dict[str, Any]]:
    cur = conn.cursor().execute(sql)
    names = [d[0].upper() for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def information(conn: Any) -> list[tuple[Any, ...]]:
    rows = conn.cursor().execute(QUERY).fetchall()
    return sorted((r[9], r[0], r[1], json.loads(r[2]), r[3], r[4], json.loads(r[5]), json.loads(r[6]), r[7], r[8])
                  for r in rows)


def from_show(conn: Any) -> list[tuple[Any, ...]]:
    """The same facts from SHOW MODELS and SHOW VERSIONS (aliases: DEFAULT, FIRST, LAST, then the user's)."""
    out = []
    for m in dicts(conn, "SHOW MODELS IN DATABASE ML"):
        versions = dicts(conn, f'SHOW VERSIONS IN MODEL ML."{m["SCHEMA_NAME"]}"."{m["NAME"]}"')
        for i, v in enumerate(versions):
            aliases = json.loads(v["ALIASES"])
            system = [*(["DEFAULT"] if v["IS_DEFAULT_VERSION"] in (True, "true") else []),
                      *(["FIRST"] if i == 0 else []), *(["LAST"] if i == len(versions) - 1 else [])]
            user = [a for a in aliases if a not in ("DEFAULT", "FIRST", "LAST")]
            assert sorted(aliases) == sorted(system + user), aliases
            out.append((m["SCHEMA_NAME"], m["NAME"], v["NAME"], system + user, v["COMMENT"], m["OWNER"],
                        json.loads(v["FUNCTIONS"]), json.loads(v["METADATA"]), v["CREATED_ON"],
                        v["LAST_ALTERED_ON"] if "LAST_ALTERED_ON" in v else None))
    return sorted(out)


def same(conn: Any) -> list[tuple[Any, ...]]:
    """MODEL_VERSIONS' rows, checked against SHOW (which has no last-altered time: not compared)."""
    got = information(conn)
    want = from_show(conn)
    assert [r[:9] for r in got] == [r[:9] for r in want]
    return got


@pytest.fixture(params=["memory", "disk"])
def pair(request: pytest.FixtureRequest, tmp_path: Path, version_dir: Path) -> Iterator[tuple[Any, Any]]:
    """ADMIN (ACCOUNTADMIN) and ALICE (ANALYST, USAGE on ML and ML.DEV only) on one registry."""
    path = tmp_path / "reg" if request.param == "disk" else None
    admin = snowreg.connect(database="ML", schema="DEV", path=path, stage_roots=[tmp_path])
    for sql in ("CREATE SCHEMA IF NOT EXISTS ML.DEV", "CREATE ROLE ANALYST", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
                "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "CREATE USER ALICE DEFAULT_ROLE = ANALYST",
                "GRANT ROLE ANALYST TO USER ALICE", "USE SCHEMA ML.DEV",
                f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'", "CREATE MODEL M WITH VERSION V1 FROM @ST",
                "CREATE MODEL N WITH VERSION V1 FROM @ST"):
        admin.cursor().execute(sql)
    alice = admin.open_session(user="ALICE")
    alice.cursor().execute("USE SCHEMA ML.DEV")
    yield admin, alice
    alice.close()
    admin.close()


def names(rows: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    return [(r[1], r[2]) for r in rows]


def test_each_kind_of_write_shows_in_the_next_query(pair: tuple[Any, Any]) -> None:
    admin, alice = pair
    sql = admin.cursor().execute
    assert names(same(admin)) == [("M", "V1"), ("N", "V1")]
    sql("ALTER MODEL M ADD VERSION V2 FROM @ST")
    rows = same(admin)
    assert names(rows) == [("M", "V1"), ("M", "V2"), ("N", "V1")]
    assert rows[0][3] == ["DEFAULT", "FIRST"] and rows[1][3] == ["LAST"]
    sql("ALTER MODEL M MODIFY VERSION V2 SET COMMENT = 'second'")
    assert same(admin)[1][4] == "second"
    sql("ALTER MODEL M MODIFY VERSION V1 SET METADATA = '{\"metric\": {\"accuracy\": 0.5}}'")
    assert same(admin)[0][7] == {"metric": {"accuracy": 0.5}}
    sql("ALTER MODEL M VERSION V2 SET ALIAS = PROD")
    assert same(admin)[1][3] == ["LAST", "PROD"]
    sql("ALTER MODEL M SET DEFAULT_VERSION = V2")
    rows = same(admin)
    assert rows[0][3] == ["FIRST"] and rows[1][3] == ["DEFAULT", "LAST", "PROD"]
    sql("ALTER MODEL M VERSION V2 UNSET ALIAS")
    assert same(admin)[1][3] == ["DEFAULT", "LAST"]
    sql("ALTER MODEL M SET COMMENT = 'a model comment'")  # not a MODEL_VERSIONS column: nothing moves
    assert same(admin) == information(admin)
    sql("ALTER MODEL M DROP VERSION V1")
    rows = same(admin)
    assert names(rows) == [("M", "V2"), ("N", "V1")] and rows[0][3] == ["DEFAULT", "FIRST", "LAST"]
    sql("ALTER MODEL N RENAME TO N2")
    assert names(same(admin)) == [("M", "V2"), ("N2", "V1")]
    sql("CREATE SCHEMA ML.OTHER")
    sql("ALTER MODEL ML.DEV.N2 RENAME TO ML.OTHER.N3")
    assert [(r[0], r[1]) for r in same(admin)] == [("DEV", "M"), ("OTHER", "N3")]
    sql("DROP MODEL ML.OTHER.N3")
    assert names(same(admin)) == [("M", "V2")]
    sql("USE SCHEMA ML.DEV")
    sql("CREATE MODEL N WITH VERSION V1 FROM @ST")
    assert names(same(admin)) == [("M", "V2"), ("N", "V1")]


def test_a_role_sees_exactly_the_models_it_holds_a_privilege_on(pair: tuple[Any, Any]) -> None:
    admin, alice = pair
    sql = admin.cursor().execute
    assert information(alice) == []
    sql("GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert names(same(alice)) == [("M", "V1")]
    sql("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'seen'")  # a write that changes no privilege
    assert [r[4] for r in same(alice)] == ["seen"]
    sql("ALTER MODEL N MODIFY VERSION V1 SET COMMENT = 'unseen'")
    assert names(same(alice)) == [("M", "V1")]
    sql("ALTER MODEL M ADD VERSION V2 FROM @ST")
    assert names(same(alice)) == [("M", "V1"), ("M", "V2")]
    sql("GRANT OWNERSHIP ON MODEL N TO ROLE ANALYST")
    rows = same(alice)
    assert names(rows) == [("M", "V1"), ("M", "V2"), ("N", "V1")] and rows[2][5] == "ANALYST"
    sql("REVOKE USAGE ON MODEL M FROM ROLE ANALYST")
    assert names(same(alice)) == [("N", "V1")]
    alice.cursor().execute("ALTER MODEL N RENAME TO N2")  # the owner renames: still its model
    assert names(same(alice)) == [("N2", "V1")]
    sql("REVOKE USAGE ON SCHEMA ML.DEV FROM ROLE ANALYST")  # no schema: no model in it is seen
    assert information(alice) == []
    sql("GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST")
    assert names(information(alice)) == [("N2", "V1")]
    alice.cursor().execute("DROP MODEL N2")
    assert information(alice) == []
    assert names(same(admin)) == [("M", "V1"), ("M", "V2")]


def test_a_logged_model_and_a_failed_log_model(pair: tuple[Any, Any]) -> None:
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    admin, _ = pair
    X = pd.DataFrame({"A": [0.0, 1.0, 2.0], "B": [1.0, 0.0, 1.0]})
    model = linear_model.LinearRegression().fit(X, X["A"] + X["B"])
    reg = snowreg.Registry(admin, database_name="ML", schema_name="DEV")
    reg.log_model(model, model_name="M", version_name="V2", sample_input_data=X, comment="logged")
    rows = same(admin)
    assert names(rows) == [("M", "V1"), ("M", "V2"), ("N", "V1")] and rows[1][4] == "logged"
    assert rows[1][6] == ["PREDICT"]
    with pytest.raises(TypeError):
        reg.log_model(model, model_name="M", version_name="V3", sample_input_data=X, metrics={"x": object()})
    with pytest.raises(TypeError):
        reg.log_model(model, model_name="P", version_name="V1", sample_input_data=X, metrics={"x": object()})
    assert names(same(admin)) == [("M", "V1"), ("M", "V2"), ("N", "V1")]


def test_writes_to_a_few_versions_of_a_large_model(pair: tuple[Any, Any]) -> None:
    """A write that changes a few versions remakes only their rows (the rest of the model's are kept):
    every other row must stay exactly what SHOW VERSIONS says, for the administrator and for a role."""
    admin, alice = pair
    sql = admin.cursor().execute
    for i in range(2, 41):
        sql(f"ALTER MODEL M ADD VERSION V{i} FROM @ST")
    sql("GRANT USAGE ON MODEL M TO ROLE ANALYST")
    assert len(same(admin)) == 41 and len(same(alice)) == 40
    for write in ("ALTER MODEL M MODIFY VERSION V20 SET COMMENT = 'middle'",
                  "ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'first'",
                  "ALTER MODEL M MODIFY VERSION V40 SET COMMENT = 'last'",
                  "ALTER MODEL M MODIFY VERSION V7 SET METADATA = '{\"metric\": {\"accuracy\": 0.75}}'",
                  "ALTER MODEL M VERSION V9 SET ALIAS = PROD",
                  "ALTER MODEL M VERSION V9 UNSET ALIAS",
                  "ALTER MODEL M VERSION V11 SET ALIAS = PROD",
                  "ALTER MODEL M MODIFY VERSION V20 UNSET COMMENT",
                  "ALTER MODEL M SET DEFAULT_VERSION = V30",
                  "ALTER MODEL M DROP VERSION V15",
                  "ALTER MODEL M DROP VERSION V1",
                  "ALTER MODEL M DROP VERSION V40",
                  "ALTER MODEL M ADD VERSION V41 FROM @ST",
                  "ALTER MODEL M MODIFY VERSION V41 SET COMMENT = 'new last'",
                  "ALTER MODEL M SET COMMENT = 'the model'",
                  "ALTER MODEL N MODIFY VERSION V1 SET COMMENT = 'another model'"):
        sql(write)
        rows = same(admin)
        assert [r[:9] for r in same(alice)] == [r[:9] for r in rows if r[1] == "M"], write
    rows = {r[2]: r for r in same(admin) if r[1] == "M"}
    assert len(rows) == 38 and rows["V41"][3] == ["LAST"] and rows["V41"][4] == "new last"
    assert rows["V2"][3] == ["FIRST"] and rows["V30"][3] == ["DEFAULT"] and rows["V11"][3] == ["PROD"]
    assert rows["V7"][7] == {"metric": {"accuracy": 0.75}} and rows["V20"][4] is None


def test_writes_to_one_of_many_models(pair: tuple[Any, Any]) -> None:
    """The rows of many models are kept combined and a write replaces only its model's slice: the other
    models' rows, and what a role that sees a subset is shown, stay exact."""
    admin, alice = pair
    sql = admin.cursor().execute
    for i in range(30):
        sql(f"CREATE MODEL P{i} WITH VERSION V1 FROM @ST")
        if i % 3 == 0:
            sql(f"GRANT USAGE ON MODEL P{i} TO ROLE ANALYST")
    assert len(same(admin)) == 32 and len(same(alice)) == 10
    for write in ("ALTER MODEL P15 MODIFY VERSION V1 SET COMMENT = 'fifteen'",
                  "ALTER MODEL P3 MODIFY VERSION V1 SET COMMENT = 'three'",
                  "ALTER MODEL P3 ADD VERSION V2 FROM @ST",
                  "ALTER MODEL P27 VERSION V1 SET ALIAS = PROD",
                  "ALTER MODEL P0 SET DEFAULT_VERSION = V1",
                  "DROP MODEL P6",
                  "CREATE MODEL P6 WITH VERSION V9 FROM @ST",
                  "ALTER MODEL P9 RENAME TO Q9",
                  "REVOKE USAGE ON MODEL P12 FROM ROLE ANALYST",
                  "GRANT USAGE ON MODEL P13 TO ROLE ANALYST"):
        sql(write)
        rows = same(admin)
        seen = {r[1] for r in same(alice)}
        assert [r[:9] for r in same(alice)] == [r[:9] for r in rows if r[1] in seen], write
    rows = {(r[1], r[2]): r for r in same(admin)}
    assert rows[("P15", "V1")][4] == "fifteen" and rows[("P3", "V2")][3] == ["LAST"]
    assert ("P6", "V9") in rows and ("Q9", "V1") in rows and ("P9", "V1") not in rows
    assert {r[1] for r in same(alice)} == {"P0", "P3", "P13", "P15", "P18", "P21", "P24", "P27", "Q9"}
