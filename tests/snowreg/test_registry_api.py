"""`snowreg.Registry`: snowflake-ml-python's Registry / Model / ModelVersion API, over SQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowreg

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def data(classifier: tuple[Any, Any]) -> tuple[Any, Any]:
    """(X, fitted LogisticRegression) from the suite's shared `classifier`."""
    return classifier


@pytest.fixture
def logged(snowreg_registry: Any, data: tuple[Any, Any]) -> Any:
    X, clf = data
    return snowreg_registry.log_model(clf, model_name="CLF", version_name="V1", sample_input_data=X.head(5))


def test_registry_location_and_missing_containers(snowreg_conn: Any) -> None:
    reg = snowreg.Registry(snowreg_conn)
    assert reg.location == "TEST_DB.PUBLIC"
    snowreg_conn.cursor().execute('CREATE SCHEMA "lower"')
    assert snowreg.Registry(snowreg_conn, database_name="TEST_DB", schema_name='"lower"').location == 'TEST_DB."lower"'
    assert snowreg.Registry(snowreg_conn, database_name="test_db").location == "TEST_DB.PUBLIC"
    with pytest.raises(ValueError, match="does not exist"):
        snowreg.Registry(snowreg_conn, database_name="NOPE")
    with pytest.raises(ValueError, match="does not exist"):
        snowreg.Registry(snowreg_conn, schema_name="NOPE")


def test_log_model_names_and_errors(snowreg_registry: Any, logged: Any, data: tuple[Any, Any]) -> None:
    X, clf = data
    assert (logged.model_name, logged.version_name) == ("CLF", "V1")
    assert logged.fully_qualified_model_name == "TEST_DB.PUBLIC.CLF"
    with pytest.raises(ValueError, match="already existed"):
        snowreg_registry.log_model(clf, model_name="CLF", version_name="v1", sample_input_data=X.head(5))
    auto = snowreg_registry.log_model(clf, model_name="CLF", sample_input_data=X.head(5))
    assert auto.version_name.count("_") == 2 and auto.version_name.isupper()
    quoted = snowreg_registry.log_model(clf, model_name='"myModel"', version_name='"v1"',
                                        sample_input_data=X.head(5))
    assert (quoted.model_name, quoted.version_name) == ('"myModel"', '"v1"')
    assert snowreg_registry.get_model('"myModel"').version('"v1"') == quoted
    with pytest.raises(ValueError, match="not allowed"):
        snowreg_registry.log_model(logged, model_name="COPY", version_name="V1", comment="no")
    with pytest.raises(ValueError, match="Unable to find model"):
        snowreg_registry.get_model("NOPE")


def test_models_and_show_models(snowreg_registry: Any, logged: Any) -> None:
    assert [m.name for m in snowreg_registry.models()] == ["CLF"]
    shown = snowreg_registry.show_models()
    assert list(shown.columns)[:3] == ["created_on", "name", "model_type"]
    assert shown.loc[0, "default_version_name"] == "V1"
    snowreg_registry.delete_model("CLF")
    assert snowreg_registry.show_models().empty


def test_model_comment_rename_and_versions(snowreg_registry: Any, snowreg_cursor: Any, logged: Any,
                                           data: tuple[Any, Any]) -> None:
    X, clf = data
    model = snowreg_registry.get_model("clf")
    assert model.comment is None
    model.description = "classifier"
    assert model.comment == "classifier"
    snowreg_registry.log_model(clf, model_name="CLF", version_name="V2", sample_input_data=X.head(5))
    assert [v.version_name for v in model.versions()] == ["V1", "V2"]
    assert (model.first().version_name, model.last().version_name) == ("V1", "V2")
    assert model.version("DEFAULT").version_name == "V1"
    assert list(model.show_versions()["name"]) == ["V1", "V2"]
    with pytest.raises(ValueError):
        model.version("V9")
    snowreg_cursor.execute("CREATE SCHEMA ARCHIVE")
    model.rename("TEST_DB.ARCHIVE.OLD_CLF")
    assert model.fully_qualified_name == "TEST_DB.ARCHIVE.OLD_CLF"
    assert snowreg_registry.models() == []
    model.delete_version("V2")
    assert [v.version_name for v in model.versions()] == ["V1"]


def test_tags(snowreg_registry: Any, snowreg_cursor: Any, logged: Any) -> None:
    snowreg_cursor.execute("CREATE TAG STAGE")
    model = snowreg_registry.get_model("CLF")
    assert model.get_tag("STAGE") is None
    model.set_tag("stage", "prod")
    assert model.get_tag("TEST_DB.PUBLIC.STAGE") == "prod"
    assert model.show_tags() == {"TEST_DB.PUBLIC.STAGE": "prod"}
    model.unset_tag("STAGE")
    assert model.show_tags() == {}


def test_version_metrics_comment_alias(snowreg_registry: Any, logged: Any) -> None:
    assert logged.show_metrics() == {}
    logged.set_metric("auc", 0.9)
    logged.set_metric("confusion", [[1, 2], [3, 4]])
    assert logged.show_metrics() == {"auc": 0.9, "confusion": [[1, 2], [3, 4]]}
    logged.delete_metric("auc")
    with pytest.raises(KeyError):
        logged.get_metric("auc")
    with pytest.raises(KeyError):
        logged.delete_metric("auc")
    logged.comment = "it's $ money"
    assert logged.description == "it's $ money"
    logged.set_alias("prod")
    model = snowreg_registry.get_model("CLF")
    assert model.version("PROD") == logged
    logged.unset_alias("PROD")
    assert logged.get_model_task() == "TABULAR_BINARY_CLASSIFICATION"


def test_show_functions_and_run(logged: Any, data: tuple[Any, Any]) -> None:
    X, clf = data
    functions = {f["name"]: f for f in logged.show_functions()}
    assert set(functions) >= {"PREDICT", "PREDICT_PROBA"}
    assert functions["PREDICT"]["target_method"] == "predict"
    assert functions["PREDICT"]["target_method_function_type"] == "FUNCTION"
    assert not functions["PREDICT"]["is_partitioned"]
    with pytest.raises(ValueError, match="more than 1"):
        logged.run(X)
    with pytest.raises(ValueError, match="no method"):
        logged.run(X, function_name="transform")
    out = logged.run(X[["C", "A", "B"]], function_name="predict")  # columns matched by name
    assert list(out.columns) == ["output_feature_0"]
    assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))
    proba = logged.run(X, function_name="PREDICT_PROBA")
    assert np.allclose(proba.to_numpy(dtype=float), clf.predict_proba(X))


def test_default_version_get_and_set(snowreg_registry: Any, logged: Any, data: tuple[Any, Any]) -> None:
    X, clf = data
    v2 = snowreg_registry.log_model(clf, model_name="CLF", version_name="V2", sample_input_data=X.head(5))
    model = snowreg_registry.get_model("CLF")
    model.default = v2
    assert model.default == v2
    model.default = "v1"
    assert model.default.version_name == "V1"


def test_export_and_load(logged: Any, data: tuple[Any, Any], tmp_path: Path) -> None:
    X, clf = data
    logged.export(str(tmp_path / "model_only"))
    files = {p.relative_to(tmp_path / "model_only").as_posix() for p in (tmp_path / "model_only").rglob("*")
             if p.is_file()}
    assert "model/model.yaml" in files and not any(f.startswith("MANIFEST") for f in files)
    logged.export(str(tmp_path / "full"), export_mode="full")
    assert (tmp_path / "full" / "MANIFEST.yml").is_file()
    with pytest.raises(ValueError, match="non-empty"):
        logged.export(str(tmp_path / "full"))
    loaded = logged.load()
    assert np.array_equal(loaded.predict(X), clf.predict(X))


def test_privileges_apply(data: tuple[Any, Any], tmp_path: Path) -> None:
    """A role with USAGE on the model can run it but neither load nor export it."""
    X, clf = data
    with snowreg.patch(database="DB", schema="S") as patched:
        admin = patched.connect()
        snowreg.Registry(admin).log_model(clf, model_name="M", version_name="V1", sample_input_data=X.head(5))
        for sql in ["CREATE ROLE ANALYST", "CREATE USER ALICE", "GRANT ROLE ANALYST TO USER ALICE",
                    "GRANT USAGE ON DATABASE DB TO ROLE ANALYST", "GRANT USAGE ON SCHEMA DB.S TO ROLE ANALYST",
                    "GRANT USAGE ON MODEL DB.S.M TO ROLE ANALYST"]:
            admin.cursor().execute(sql)
        alice = patched.connect(user="ALICE", role="ANALYST", database="DB", schema="S")
        version = snowreg.Registry(alice).get_model("M").version("V1")
        assert np.array_equal(version.run(X, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(X))
        with pytest.raises(RuntimeError, match="owner"):
            version.load()
        with pytest.raises(snowreg.ProgrammingError, match="Insufficient privileges"):
            version.export(str(tmp_path / "export"))


def test_show_columns_as_snowflake_has_them(logged: Any, snowreg_conn: Any) -> None:
    """SHOW VERSIONS carries the BCR-1778 columns and a BOOLEAN is_default_version (the client reads it
    with bool()); SHOW MODELS lists its columns in the order of real output."""
    cur = snowreg_conn.cursor().execute("SHOW VERSIONS IN MODEL CLF")
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone(), strict=True))
    assert names[11:16] == ["model_attributes", "size", "environment", "runnable_in", "inference_services"]
    assert row["is_default_version"] is True
    listed = snowreg_conn.cursor().execute("LIST 'snow://model/CLF/versions/V1/'").fetchall()
    assert row["size"] == sum(r[1] for r in listed) > 0
    assert row["inference_services"] == "[]" and row["environment"] is None
    models = snowreg_conn.cursor().execute("SHOW MODELS")
    assert [d[0] for d in models.description] == [
        "created_on", "name", "model_type", "database_name", "schema_name", "comment", "owner",
        "default_version_name", "versions", "aliases"]
    columns = snowreg_conn.cursor().execute(
        "SELECT VERSION_ALIASES, MODEL_TYPE, PYTHON_VERSION, LANGUAGE, DEPENDENCIES, METADATA, USERDATA "
        "FROM INFORMATION_SCHEMA.MODEL_VERSIONS").fetchall()
    assert len(columns) == 1 and columns[0][1] == "sklearn" and columns[0][3] == "PYTHON"
    assert "scikit-learn" in columns[0][4] and columns[0][2]


def test_each_version_holds_exactly_its_own_files(snowreg_registry: Any, snowreg_cursor: Any,
                                                  data: tuple[Any, Any], tmp_path: Path) -> None:
    """log_model reuses one upload directory: a file of an earlier upload never leaks into a later version,
    and a version is unchanged by the uploads after it."""
    X, clf = data
    extra = tmp_path / "notes.txt"
    extra.write_text("first")
    snowreg_registry.log_model(clf, model_name="M", version_name="V1", sample_input_data=X.head(5),
                               user_files={"docs": [str(extra)]})
    snowreg_registry.log_model(clf, model_name="M", version_name="V2", sample_input_data=X.head(5))
    extra.write_text("third, longer")
    snowreg_registry.log_model(clf, model_name="M", version_name="V3", sample_input_data=X.head(5),
                               user_files={"docs": [str(extra)]})

    def files(version: str) -> dict[str, int]:
        rows = snowreg_cursor.execute(f"LIST 'snow://model/M/versions/{version}/'").fetchall()
        return {r[0].split("/", 2)[2]: r[1] for r in rows}

    v1, v2, v3 = files("V1"), files("V2"), files("V3")
    assert v1["user_files/docs/notes.txt"] == len("first")
    assert not any(p.startswith("user_files/") for p in v2)
    assert v3["user_files/docs/notes.txt"] == len("third, longer")
    assert set(v1) - {"user_files/docs/notes.txt"} == set(v2) == set(v3) - {"user_files/docs/notes.txt"}
    assert snowreg_registry.get_model("M").version("LAST").version_name == "V3"


def test_show_versions_like_and_aliases_by_lookup(snowreg_cursor: Any, logged: Any) -> None:
    """SHOW VERSIONS LIKE without wildcards is a lookup, still case-insensitive; aliases resolve by index."""
    cur = snowreg_cursor
    for name in ('"v1"', '"V_1"', '"é1"'):
        cur.execute(f"ALTER MODEL CLF ADD VERSION {name} FROM MODEL CLF VERSION V1")

    def names(sql: str) -> list[str]:
        return [r[1] for r in cur.execute(sql).fetchall()]

    assert names("SHOW VERSIONS LIKE 'v1' IN MODEL CLF") == ["V1", "v1"]
    assert names("SHOW VERSIONS LIKE 'V_1' IN MODEL CLF") == ["V_1"]  # `_` is a wildcard, one character
    assert names("SHOW VERSIONS LIKE 'É1' IN MODEL CLF") == ["é1"]
    assert names("SHOW VERSIONS LIKE 'nope' IN MODEL CLF") == []
    cur.execute('ALTER MODEL CLF VERSION "v1" SET ALIAS = PROD')
    cur.execute("ALTER MODEL CLF MODIFY VERSION PROD SET COMMENT = 'via alias'")
    rows = {r[1]: r for r in cur.execute("SHOW VERSIONS IN MODEL CLF").fetchall()}
    assert rows["v1"][3] == "via alias" and rows["V1"][3] is None
    aliases = cur.execute("SHOW MODELS LIKE 'CLF'").fetchall()[0][9]
    assert aliases == '{"DEFAULT":"V1","FIRST":"V1","PROD":"v1","LAST":"é1"}'
    cur.execute('ALTER MODEL CLF VERSION PROD UNSET ALIAS')
    with pytest.raises(snowreg.ProgrammingError, match="does not exist"):
        cur.execute("ALTER MODEL CLF MODIFY VERSION PROD SET COMMENT = 'x'")
