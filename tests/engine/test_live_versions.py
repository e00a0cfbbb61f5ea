"""Live versions: CREATE MODEL ... WITH LIVE VERSION / ADD LIVE VERSION, PUT, COMMIT VERSION, and the
guide's model_owner role logging models through `snowreg.Registry` with USAGE and CREATE MODEL only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


def version_dir(tmp_path: Path, fitted: tuple[Any, Any]) -> Path:
    from snowreg.packaging import package_model

    X, model = fitted
    files = package_model(model, model_name="M", version_name="V1", sample_input_data=X)
    root = tmp_path / "version"
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def put_tree(conn: Connection, root: Path, url: str) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        folder = path.parent.relative_to(root).as_posix()
        dest = url + ("" if folder == "." else folder + "/")
        conn.cursor().execute(f"PUT '{path.as_uri()}' '{dest}' auto_compress = False overwrite = True")


def rows(conn: Connection, sql: str) -> list[tuple[Any, ...]]:
    return conn.cursor().execute(sql).fetchall()


def model_row(conn: Connection, like: str = "%") -> dict[str, Any]:
    cur = conn.cursor().execute(f"SHOW MODELS LIKE '{like}'")
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def test_live_version_is_hidden_until_committed(tmp_path: Path, fitted: tuple[Any, Any]) -> None:
    conn = snowreg.connect(database="DB", schema="S")
    assert rows(conn, "CREATE MODEL m WITH LIVE VERSION v1") == [("Model M successfully created.",)]
    assert rows(conn, "SHOW VERSIONS IN MODEL m") == []
    put_tree(conn, version_dir(tmp_path, fitted), "snow://model/DB.S.M/versions/V1/")
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute("SELECT MODEL(m, v1)!predict(1.0, 1.0)")
    assert info.value.errno == 2003
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION v1")
    assert [r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL m")] == ["V1"]
    assert model_row(conn, "M")["default_version_name"] == "V1"
    got = rows(conn, "SELECT m!predict(1.0, 1.0):output_feature_0::float")
    assert got == [(pytest.approx(5.0),)]
    assert rows(conn, "SELECT COUNT(*) FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS") == [(1,)]
    with pytest.raises(snowreg.NotSupportedError):  # a committed version's files do not change
        put_tree(conn, version_dir(tmp_path, fitted), "snow://model/DB.S.M/versions/V1/")


def test_add_live_version_commit_renames_and_errors(tmp_path: Path, fitted: tuple[Any, Any]) -> None:
    conn = snowreg.connect(database="DB", schema="S")
    root = version_dir(tmp_path, fitted)
    conn.cursor().execute("CREATE MODEL p_model WITH LIVE VERSION live_a")
    put_tree(conn, root, "snow://model/DB.S.P_MODEL/versions/LIVE_A/")
    conn.cursor().execute("ALTER MODEL p_model COMMIT VERSION live_a RENAME TO DB.S.IRIS RENAME VERSION TO v1")
    assert [r[1] for r in rows(conn, "SHOW MODELS")] == ["IRIS"]
    conn.cursor().execute("ALTER MODEL iris ADD LIVE VERSION live_b")
    with pytest.raises(snowreg.ProgrammingError):  # the version name is taken, even by a live version
        conn.cursor().execute("ALTER MODEL iris ADD LIVE VERSION live_b")
    with pytest.raises(snowreg.ProgrammingError, match="MANIFEST.yml"):  # nothing PUT yet
        conn.cursor().execute("ALTER MODEL iris COMMIT VERSION live_b RENAME VERSION TO v2")
    with pytest.raises(snowreg.ProgrammingError):  # V1 is taken
        conn.cursor().execute("ALTER MODEL iris COMMIT VERSION live_b RENAME VERSION TO v1")
    assert [r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL iris")] == ["V1"]
    put_tree(conn, root, "snow://model/DB.S.IRIS/versions/LIVE_B/")
    conn.cursor().execute("ALTER MODEL iris COMMIT VERSION live_b RENAME VERSION TO v2")
    assert sorted(r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL iris")) == ["V1", "V2"]
    assert model_row(conn)["default_version_name"] == "V1"  # the default stays
    with pytest.raises(snowreg.ProgrammingError):  # committed: no longer a live version
        conn.cursor().execute("ALTER MODEL iris COMMIT VERSION v2")


def test_capability_follows_the_connection_option() -> None:
    for live in (True, False):
        conn = snowreg.connect(live_versions=live)
        features = json.loads(rows(conn, "SELECT SYSTEM$ML_PLATFORM_CAPABILITIES() AS F")[0][0])
        assert features["ENABLE_LIVE_VERSION_IN_SDK"] is live
        assert features["ENABLE_HIDDEN_LIVE_VERSION_IN_SDK"] is live


@pytest.mark.parametrize("live", [True, False])
def test_the_guides_model_owner_logs_models(fitted: tuple[Any, Any], live: bool) -> None:
    """The guide's model_owner holds USAGE on the database and schema and CREATE MODEL on the schema:
    enough on the live-version path; the stage path also needs CREATE STAGE."""
    admin = snowreg.connect(database="ML", schema="REG", live_versions=live)
    for sql in ("CREATE ROLE model_owner", "GRANT USAGE ON DATABASE ml TO ROLE model_owner",
                "GRANT USAGE ON SCHEMA ml.reg TO ROLE model_owner",
                "GRANT CREATE MODEL ON SCHEMA ml.reg TO ROLE model_owner",
                "CREATE USER owner_user", "GRANT ROLE model_owner TO USER owner_user"):
        admin.cursor().execute(sql)
    owner = Connection(admin._catalog, user="owner_user", role="model_owner", database="ML", schema="REG",
                       live_versions=live)
    X, model = fitted
    reg = snowreg.Registry(owner)
    if not live:
        with pytest.raises(snowreg.ProgrammingError):
            reg.log_model(model, model_name="M", version_name="V1", sample_input_data=X)
        assert rows(admin, "SHOW MODELS") == []
        return
    mv = reg.log_model(model, model_name="M", version_name="V1", sample_input_data=X)
    reg.log_model(model, model_name="M", version_name="V2", sample_input_data=X)
    assert [v.version_name for v in reg.get_model("M").versions()] == ["V1", "V2"]
    assert mv.run(X, function_name="predict")["output_feature_0"].tolist() == pytest.approx(
        list(model.predict(X)))
    assert [r[1] for r in rows(admin, "SHOW MODELS")] == ["M"]  # no pending model is left behind
    assert model_row(admin)["owner"] == "MODEL_OWNER"


def test_versions_committed_out_of_creation_order_list_as_on_reopen(tmp_path: Path, fitted: tuple[Any, Any]) -> None:
    root = version_dir(tmp_path, fitted)
    conn = snowreg.connect(path=tmp_path / "reg", database="DB", schema="S")
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_a")
    put_tree(conn, root, "snow://model/DB.S.M/versions/LIVE_A/")
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_a RENAME VERSION TO v1")
    assert [r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL m")] == ["V1"]
    for live in ("live_b", "live_c"):
        conn.cursor().execute(f"ALTER MODEL m ADD LIVE VERSION {live}")
        put_tree(conn, root, f"snow://model/DB.S.M/versions/{live.upper()}/")
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_c RENAME VERSION TO v3")
    assert [r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL m")] == ["V1", "V3"]
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_b RENAME VERSION TO v2")
    listed = [r[1] for r in rows(conn, "SHOW VERSIONS IN MODEL m")]
    assert sorted(listed) == ["V1", "V2", "V3"]
    assert rows(conn, "SELECT m!predict(1.0, 1.0):output_feature_0::float") == [(pytest.approx(5.0),)]
    conn.close()
    again = snowreg.connect(path=tmp_path / "reg", database="DB", schema="S")
    assert [r[1] for r in rows(again, "SHOW VERSIONS IN MODEL m")] == listed
