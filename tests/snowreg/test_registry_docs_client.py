"""The Python examples of Snowflake's Model Registry guide, run unmodified with snowflake-ml-python.

Each test follows one part of the guide and asserts the results it documents:
- https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/overview (logging models,
  working with models and versions, aliases, default version, tags, metrics, comments, deleting,
  copying between registries, running methods, export and load)
- https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/model-management
  (promoting a model from a development schema to a production one)
- the API reference pages of snowflake.ml.registry.Registry, snowflake.ml.model.Model and
  snowflake.ml.model.ModelVersion (https://docs.snowflake.com/en/developer-guide/snowpark-ml/reference/latest/api/)

The clients (snowflake-connector-python, Snowpark, snowflake-ml-python) need pandas < 3, so they live in
the `.venv-client` environment; in the project environment one test re-runs this file there.
"""

# No `from __future__ import annotations`: CustomModel checks its methods' annotations at runtime.

import importlib.util
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_CLIENTS = _have("snowflake.ml") and _have("snowflake.snowpark") and _have("snowflake.connector")

SHOW_MODELS_COLUMNS = ["created_on", "name", "model_type", "database_name", "schema_name", "comment", "owner",
                       "default_version_name", "versions", "aliases"]
SHOW_VERSIONS_COLUMNS = ["created_on", "name", "aliases", "comment", "database_name", "schema_name", "model_name",
                         "is_default_version", "functions", "metadata", "user_data"]


if not HAVE_CLIENTS:
    def test_documented_examples_with_the_real_client(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=300)

else:
    import numpy as np
    import pandas as pd
    import snowflake.connector
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    from snowflake.ml._internal import platform_capabilities
    from snowflake.ml.model import ExportMode, custom_model, model_signature, type_hints
    from snowflake.ml.registry import Registry
    from snowflake.snowpark import Session
    from snowflake.snowpark.exceptions import SnowparkSQLException

    import snowreg

    @pytest.fixture(scope="module")
    def iris() -> tuple[Any, Any, Any]:
        """Iris features (upper-case columns), labels, and a fitted LogisticRegression."""
        X, y = load_iris(return_X_y=True, as_frame=True)
        X.columns = ["SEPAL_LENGTH", "SEPAL_WIDTH", "PETAL_LENGTH", "PETAL_WIDTH"]
        return X, y, LogisticRegression(max_iter=1000).fit(X, y)

    @pytest.fixture
    def session(request: pytest.FixtureRequest) -> Iterator[Any]:
        """A Snowpark session on a patched connection; database ML with schemas REGISTRY and PROD. The
        client logs through live versions unless a test asks for `session` with the parameter False
        (then it uses a temporary stage); it reads that capability once per process, so it is forgotten."""
        platform_capabilities.PlatformCapabilities._instance = None
        with snowreg.patch(live_versions=getattr(request, "param", True)):
            conn = snowflake.connector.connect(account="acct", user="me", password="x", database="ML",
                                               schema="REGISTRY", warehouse="WH")
            # CREATE SCHEMA makes the new schema current, as on Snowflake: REGISTRY is made current again
            for sql in ("CREATE SCHEMA IF NOT EXISTS ML.PROD", "CREATE SCHEMA IF NOT EXISTS ML.REGISTRY",
                        "USE SCHEMA ML.REGISTRY"):
                conn.cursor().execute(sql)
            sp = Session.builder.configs({"connection": conn}).create()
            try:
                yield sp
            finally:
                sp.close()
                platform_capabilities.PlatformCapabilities._instance = None

    @pytest.fixture
    def reg(session: Any) -> Any:
        """`Registry(session=session, database_name="ML", schema_name="REGISTRY")`, as the guide opens it."""
        return Registry(session=session, database_name="ML", schema_name="REGISTRY")

    # -----------------------------------------------------------------------------------------
    # Logging models
    # -----------------------------------------------------------------------------------------

    def test_log_model_with_the_documented_arguments(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, y, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", conda_dependencies=["scikit-learn"],
                           comment="My awesome ML model", metrics={"score": 96}, sample_input_data=X.head(10),
                           task=type_hints.Task.TABULAR_MULTI_CLASSIFICATION)
        assert (mv.model_name, mv.version_name) == ("MY_MODEL", "V1")
        assert mv.fully_qualified_model_name == "ML.REGISTRY.MY_MODEL"
        assert mv.comment == "My awesome ML model"
        assert mv.show_metrics() == {"score": 96}
        assert mv.get_model_task() == type_hints.Task.TABULAR_MULTI_CLASSIFICATION
        names = sorted(f["name"] for f in mv.show_functions())
        assert names == ["DECISION_FUNCTION", "PREDICT", "PREDICT_LOG_PROBA", "PREDICT_PROBA"]
        out = mv.run(X, function_name="predict")
        assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))

    def test_log_model_with_pip_requirements_target_platforms_and_options(reg: Any,
                                                                         iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        # Warehouse models with pip requirements name the artifact repository that serves them
        mv = reg.log_model(clf, model_name="pip_model", version_name="v1", pip_requirements=["scikit-learn"],
                           artifact_repository_map={"pip": "snowflake.snowpark.pypi_shared_repository"},
                           sample_input_data=X.head(10), target_platforms=["WAREHOUSE"],
                           options={"relax_version": False, "target_methods": ["predict"]})
        assert [f["name"] for f in mv.show_functions()] == ["PREDICT"]
        assert json.loads(reg.get_model("pip_model").show_versions()["runnable_in"][0]) == ["WAREHOUSE"]
        assert np.array_equal(mv.run(X)["output_feature_0"].to_numpy(), clf.predict(X))

    def test_log_model_with_explicit_signatures(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        sig = model_signature.infer_signature(input_data=X, output_data=pd.DataFrame({"OUT": clf.predict(X)}))
        mv = reg.log_model(clf, model_name="sig_model", version_name="v1", signatures={"predict": sig})
        assert [f["name"] for f in mv.show_functions()] == ["PREDICT"]
        assert np.array_equal(mv.run(X)["OUT"].to_numpy(), clf.predict(X))

    def test_explicit_model_signature(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """A ModelSignature written out with FeatureSpec / DataType (no sample input needed)."""
        from snowflake.ml.model.model_signature import DataType, FeatureSpec, ModelSignature

        X, _, clf = iris
        sig = ModelSignature(inputs=[FeatureSpec(dtype=DataType.DOUBLE, name=c) for c in X.columns],
                             outputs=[FeatureSpec(dtype=DataType.INT64, name="CLASS")])
        mv = reg.log_model(clf, model_name="typed", version_name="v1", signatures={"predict": sig})
        info = mv.show_functions()[0]
        assert (info["name"], info["target_method"], info["target_method_function_type"]) == (
            "PREDICT", "predict", "FUNCTION")
        assert info["signature"] == sig
        assert mv.run(X)["CLASS"].tolist() == clf.predict(X).tolist()

    class Rescaled(custom_model.CustomModel):
        """A custom model that uses a file artifact and a sub-model from its ModelContext."""

        def __init__(self, context: custom_model.ModelContext) -> None:
            super().__init__(context)
            with open(self.context["config"]) as f:
                self.scale = json.load(f)["scale"]

        @custom_model.inference_api
        def predict(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"OUT": self.context.model_ref("clf").predict(X) * self.scale})

    def test_custom_model_with_artifacts(reg: Any, iris: tuple[Any, Any, Any], tmp_path: Path) -> None:
        X, _, clf = iris
        (tmp_path / "config.json").write_text(json.dumps({"scale": 3}))
        context = custom_model.ModelContext(artifacts={"config": str(tmp_path / "config.json")}, models={"clf": clf})
        mv = reg.log_model(Rescaled(context), model_name="rescaled", version_name="v1", sample_input_data=X.head(5))
        assert mv.run(X)["OUT"].tolist() == (clf.predict(X) * 3).tolist()

    def test_a_version_name_is_generated_when_none_is_given(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        first = reg.log_model(clf, model_name="auto", sample_input_data=X.head(5))
        second = reg.log_model(clf, model_name="auto", sample_input_data=X.head(5))
        assert first.version_name != second.version_name
        assert sorted(reg.get_model("auto").show_versions()["name"]) == sorted(
            [first.version_name, second.version_name])

    def test_logging_an_existing_version_again_is_refused(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        reg.log_model(clf, model_name="dup", version_name="v1", sample_input_data=X.head(5))
        with pytest.raises(ValueError, match="already existed|already exists"):
            reg.log_model(clf, model_name="dup", version_name="v1", sample_input_data=X.head(5))
        assert list(reg.get_model("dup").show_versions()["name"]) == ["V1"]

    # -----------------------------------------------------------------------------------------
    # Working with models
    # -----------------------------------------------------------------------------------------

    def test_show_models_get_model_models_and_delete(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        assert list(reg.show_models().columns[:0]) == [] and len(reg.show_models()) == 0
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5),
                           comment="the first version")  # log_model's comment is the version's
        reg.log_model(clf, model_name="other", version_name="v1", sample_input_data=X.head(5))
        assert mv.comment == "the first version"
        reg.get_model("my_model").comment = "a classifier"
        models = reg.show_models()
        assert list(models.columns[:len(SHOW_MODELS_COLUMNS)]) == SHOW_MODELS_COLUMNS
        assert sorted(models["name"]) == ["MY_MODEL", "OTHER"]
        row = models[models["name"] == "MY_MODEL"].iloc[0]
        assert (row["database_name"], row["schema_name"], row["comment"]) == ("ML", "REGISTRY", "a classifier")
        assert row["default_version_name"] == "V1"
        assert json.loads(row["versions"]) == ["V1"]
        assert json.loads(row["aliases"]) == {"DEFAULT": "V1", "FIRST": "V1", "LAST": "V1"}
        assert len(models[models["comment"].str.contains("classifier", na=False)]) == 1
        assert sorted(m.name for m in reg.models()) == ["MY_MODEL", "OTHER"]
        m = reg.get_model("MY_MODEL")
        assert (m.name, m.fully_qualified_name) == ("MY_MODEL", "ML.REGISTRY.MY_MODEL")
        assert reg.get_model("my_model").name == "MY_MODEL"
        reg.delete_model("other")
        assert list(reg.show_models()["name"]) == ["MY_MODEL"]
        with pytest.raises(ValueError, match="Unable to find model"):
            reg.get_model("other")

    def test_model_comment_and_description(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        m = reg.get_model("my_model")
        assert m.comment is None
        m.comment = "A model that classifies irises"
        assert m.comment == "A model that classifies irises"
        m.description = "it's a $ model"
        assert reg.get_model("MY_MODEL").description == "it's a $ model"

    def test_model_tags(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        session.sql("CREATE TAG live_version").collect()
        reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        m = reg.get_model("my_model")
        assert m.show_tags() == {}
        assert m.get_tag("live_version") is None
        m.set_tag("live_version", "v1")
        assert m.get_tag("live_version") == "v1"
        assert m.get_tag("ML.REGISTRY.LIVE_VERSION") == "v1"
        assert m.show_tags() == {"ML.REGISTRY.LIVE_VERSION": "v1"}
        m.set_tag("live_version", "v2")
        assert m.show_tags() == {"ML.REGISTRY.LIVE_VERSION": "v2"}
        m.unset_tag("live_version")
        assert m.show_tags() == {}
        session.sql("CREATE TAG ML.PROD.STAGE ALLOWED_VALUES 'dev', 'prod'").collect()
        m.set_tag("ML.PROD.STAGE", "prod")  # a tag of another schema, named fully qualified
        assert m.show_tags() == {"ML.PROD.STAGE": "prod"}
        with pytest.raises(SnowparkSQLException, match="not an allowed value"):
            m.set_tag("ML.PROD.STAGE", "qa")
        assert m.get_tag("ML.PROD.STAGE") == "prod"
        with pytest.raises(SnowparkSQLException, match="does not exist"):
            m.set_tag("no_such_tag", "x")

    def test_rename_and_move_a_model(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        m = reg.get_model("my_model")
        m.rename("my_model_renamed")
        assert m.name == "MY_MODEL_RENAMED"
        assert list(reg.show_models()["name"]) == ["MY_MODEL_RENAMED"]
        reg.log_model(clf, model_name="taken", version_name="v1", sample_input_data=X.head(5))
        with pytest.raises(SnowparkSQLException, match="already exists"):
            m.rename("taken")
        reg.delete_model("taken")
        m.rename("ML.PROD.MY_MODEL")  # a fully qualified name moves the model
        assert len(reg.show_models()) == 0
        prod = Registry(session=session, database_name="ML", schema_name="PROD")
        moved = prod.get_model("my_model").version("v1")
        assert np.array_equal(moved.run(X, function_name="predict")["output_feature_0"].to_numpy(), clf.predict(X))

    # -----------------------------------------------------------------------------------------
    # Working with versions: default, aliases, comments, metrics, deleting
    # -----------------------------------------------------------------------------------------

    def test_versions_default_and_aliases(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        for v in ("v1", "v2", "v3"):
            reg.log_model(clf, model_name="my_model", version_name=v, sample_input_data=X.head(5))
        m = reg.get_model("my_model")
        versions = m.show_versions()
        assert list(versions.columns[:len(SHOW_VERSIONS_COLUMNS)]) == SHOW_VERSIONS_COLUMNS
        assert list(versions["name"]) == ["V1", "V2", "V3"]
        assert list(versions["is_default_version"]) == [True, False, False]  # BOOLEAN, as documented
        assert [v.version_name for v in m.versions()] == ["V1", "V2", "V3"]
        assert m.version("v2").version_name == "V2"
        assert m.default.version_name == "V1"
        m.default = "v2"
        assert m.default.version_name == "V2"
        m.default = m.version("v3")
        assert m.default.version_name == "V3"
        assert (m.first().version_name, m.last().version_name) == ("V1", "V3")
        assert m.version("DEFAULT").version_name == "V3"
        mv = m.version("v1")
        mv.set_alias("fixed")
        assert m.version("fixed").version_name == "V1"
        assert "FIXED" in json.loads(m.show_versions().set_index("name")["aliases"]["V1"])
        mv.unset_alias("fixed")
        with pytest.raises(ValueError):
            m.version("fixed")
        with pytest.raises(ValueError):
            m.version("v9")

    def test_version_comment_and_description(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        assert mv.comment in (None, "")
        mv.comment = "The first version"
        assert mv.comment == "The first version"
        mv.description = "multi\nline 'text'"
        assert reg.get_model("my_model").version("v1").description == "multi\nline 'text'"

    @pytest.mark.parametrize("session", [True, False], ids=["live-versions", "stage"], indirect=True)
    def test_metrics(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, y, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        assert mv.show_metrics() == {}
        test_acc = float(clf.score(X, y))
        mv.set_metric("test_accuracy", test_acc)
        conf_matrix = [[50, 0, 0], [0, 47, 3], [0, 1, 49]]
        mv.set_metric("confusion_matrix", conf_matrix)
        mv.set_metric("details", {"split": "test", "rows": 150})
        assert mv.get_metric("test_accuracy") == test_acc
        assert reg.get_model("my_model").version("v1").show_metrics() == {
            "test_accuracy": test_acc, "confusion_matrix": conf_matrix, "details": {"split": "test", "rows": 150}}
        mv.delete_metric("test_accuracy")
        assert set(mv.show_metrics()) == {"confusion_matrix", "details"}
        with pytest.raises(KeyError):
            mv.get_metric("test_accuracy")
        with pytest.raises(KeyError):
            mv.delete_metric("test_accuracy")

    def test_delete_version(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        for v in ("v1", "v2"):
            reg.log_model(clf, model_name="my_model", version_name=v, sample_input_data=X.head(5))
        m = reg.get_model("my_model")
        with pytest.raises(SnowparkSQLException, match="default version"):
            m.delete_version("v1")  # the default version: set another default first
        m.delete_version("v2")
        assert list(m.show_versions()["name"]) == ["V1"]
        with pytest.raises(SnowparkSQLException, match="only version"):
            m.delete_version("v1")  # the only version: drop the model instead
        assert list(m.show_versions()["name"]) == ["V1"]

    # -----------------------------------------------------------------------------------------
    # Running methods
    # -----------------------------------------------------------------------------------------

    def test_run_on_pandas_and_snowpark_frames(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        with pytest.raises(ValueError):
            mv.run(X)  # several functions and no function_name
        with pytest.raises(ValueError):
            mv.run(X, function_name="no_such_function")
        proba = mv.run(X, function_name="predict_proba")
        assert np.allclose(proba.to_numpy(dtype=float), clf.predict_proba(X))
        sp_df = session.create_dataframe(X.assign(ID=range(len(X))))
        out = mv.run(sp_df, function_name="predict").to_pandas().sort_values("ID")
        assert sorted(out.columns) == sorted([*X.columns, "ID", "output_feature_0"])
        assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))

    def test_pipelines_tables_and_sql_calls(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """A scikit-learn Pipeline run on a Snowpark table, and the version's methods called from SQL by
        default version, by version, by alias and through WITH … AS MODEL (the guide's SQL examples)."""
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        X, y, _ = iris
        clf = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(max_iter=1000))]).fit(X, y)
        reg.log_model(clf, model_name="pipe", version_name="v1", sample_input_data=X.head(5))
        mv = reg.log_model(clf, model_name="pipe", version_name="v2", sample_input_data=X.head(5))
        mv.set_alias("champion")
        session.write_pandas(X.assign(ID=range(len(X))), "IRIS", auto_create_table=True)
        out = mv.run(session.table("IRIS"), function_name="predict").to_pandas().sort_values("ID")
        assert np.array_equal(out["output_feature_0"].to_numpy(), clf.predict(X))
        expected = [int(v) for v in clf.predict(X)]
        for call in ("pipe!predict", "MODEL(pipe, v1)!predict", "MODEL(pipe, champion)!predict"):
            rows = session.sql(f"SELECT {call}(SEPAL_LENGTH, SEPAL_WIDTH, PETAL_LENGTH, PETAL_WIDTH)"
                               ":output_feature_0::INT AS P FROM IRIS ORDER BY ID").collect()
            assert [r["P"] for r in rows] == expected, call
        rows = session.sql("WITH mv AS MODEL pipe VERSION champion SELECT mv!predict_proba(SEPAL_LENGTH, "
                           "SEPAL_WIDTH, PETAL_LENGTH, PETAL_WIDTH) AS P FROM IRIS ORDER BY ID LIMIT 2").collect()
        got = [[json.loads(r["P"])[f"output_feature_{k}"] for k in range(3)] for r in rows]
        assert np.allclose(got, clf.predict_proba(X.head(2)))

    def test_method_options_params_and_quoted_names(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """options={"method_options": {...: {"case_sensitive": True}}} keeps a lower-case function name;
        a quoted version name keeps its case; custom-model parameters take run(params=) or their default;
        strict_input_validation checks the input and still answers."""
        X, _, clf = iris
        cs = reg.log_model(clf, model_name="cs", version_name="v1", sample_input_data=X.head(5),
                           options={"method_options": {"predict": {"case_sensitive": True}}})
        assert '"predict"' in [f["name"] for f in cs.show_functions()]  # the SQL identifier form
        assert np.array_equal(cs.run(X, function_name='"predict"')["output_feature_0"].to_numpy(), clf.predict(X))
        quoted = reg.log_model(clf, model_name='"MyModel"', version_name='"v1"', sample_input_data=X.head(5))
        assert (quoted.fully_qualified_model_name, quoted.version_name) == ('ML.REGISTRY."MyModel"', '"v1"')
        assert "MyModel" in list(reg.show_models()["name"])
        again = reg.get_model('"MyModel"').version('"v1"')
        assert np.array_equal(again.run(X, function_name="predict", strict_input_validation=True)["output_feature_0"]
                              .to_numpy(), clf.predict(X))
        scaled = reg.log_model(Scaled(custom_model.ModelContext()), model_name="scaled", version_name="v1",
                               sample_input_data=X.head(5))
        assert scaled.run(X.head(2), params={"scale": 2.0})["OUT"].tolist() == list(X["SEPAL_LENGTH"].head(2) * 2)
        assert scaled.run(X.head(2))["OUT"].tolist() == list(X["SEPAL_LENGTH"].head(2))

    def test_target_platforms(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """A version logged only for Snowpark Container Services is not run in the warehouse."""
        X, _, clf = iris
        spcs = reg.log_model(clf, model_name="spcs", version_name="v1", sample_input_data=X.head(5),
                             target_platforms=["SNOWPARK_CONTAINER_SERVICES"])
        assert json.loads(reg.get_model("spcs").show_versions()["runnable_in"][0]) == ["SNOWPARK_CONTAINER_SERVICES"]
        with pytest.raises(ValueError, match="not logged for inference in Warehouse"):
            spcs.run(X, function_name="predict")

    class Scaled(custom_model.CustomModel):
        """A custom model with a method parameter."""

        @custom_model.inference_api
        def predict(self, X: pd.DataFrame, *, scale: float = 1.0) -> pd.DataFrame:
            return pd.DataFrame({"OUT": X["SEPAL_LENGTH"] * scale})

    class Summary(custom_model.CustomModel):
        """A partitioned method: one row per partition."""

        @custom_model.partitioned_api
        def summarize(self, X: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"N": [len(X)], "TOTAL": [float(X["SEPAL_LENGTH"].sum())]})

    def test_partitioned_custom_model(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, y, _ = iris
        mv = reg.log_model(Summary(custom_model.ModelContext()), model_name="summ", version_name="v1",
                           sample_input_data=X.head(10), options={"function_type": "TABLE_FUNCTION"})
        got = mv.run(X.assign(SPECIES=y.to_numpy()), function_name="summarize", partition_column="SPECIES")
        assert sorted(got["N"].tolist()) == [50, 50, 50]
        assert sorted(got["TOTAL"].round(6).tolist()) == sorted(
            X.groupby(y.to_numpy())["SEPAL_LENGTH"].sum().round(6).tolist())
        frame = session.create_dataframe(X.assign(SPECIES=y.to_numpy()))
        got = mv.run(frame, function_name="summarize", partition_column="SPECIES").to_pandas()
        assert sorted(got["N"].tolist()) == [50, 50, 50]

    def test_explain_with_shap(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """Explainability: a version logged with enable_explainability has an EXPLAIN function giving one
        `<feature>_explanation` column per feature (an object of per-class values), Shapley values that add
        up to the explained output's difference from its mean over the background (the sample input)."""
        pytest.importorskip("shap")
        X, _, clf = iris
        background = X.sample(30, random_state=0)
        mv = reg.log_model(clf, model_name="explained", version_name="v1", sample_input_data=background,
                           options={"enable_explainability": True})
        assert "EXPLAIN" in [f["name"] for f in mv.show_functions()]
        rows = X.iloc[[0, 60, 120]]
        got = mv.run(rows, function_name="explain")
        assert list(got.columns[-4:]) == [f"{c}_explanation" for c in X.columns]
        # shap explains a linear model's margin (decision_function) against the background's mean margin
        margin = clf.decision_function(rows)
        base = clf.decision_function(background).mean(axis=0)
        for i in range(len(rows)):
            per_class = [json.loads(got[f"{c}_explanation"].iloc[i]) for c in X.columns]
            for k in range(3):
                total = sum(float(feature[str(k)]) for feature in per_class)
                assert total == pytest.approx(margin[i, k] - base[k], abs=1e-6)
        assert np.array_equal(mv.run(rows, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(rows))
        # In SQL, EXPLAIN is a table function (one row of explanations per input row)
        assert [f["target_method_function_type"] for f in mv.show_functions() if f["name"] == "EXPLAIN"] == [
            "TABLE_FUNCTION"]
        session.write_pandas(rows.assign(ID=[0, 1, 2]), "TO_EXPLAIN", auto_create_table=True)
        sql_rows = session.sql("SELECT t.ID, e.* FROM TO_EXPLAIN AS t, TABLE(explained!EXPLAIN(t.SEPAL_LENGTH, "
                               "t.SEPAL_WIDTH, t.PETAL_LENGTH, t.PETAL_WIDTH)) AS e ORDER BY t.ID").collect()
        assert [r["ID"] for r in sql_rows] == [0, 1, 2]
        for i, r in enumerate(sql_rows):
            assert json.loads(r["PETAL_WIDTH_EXPLANATION"]) == pytest.approx(
                json.loads(got["PETAL_WIDTH_explanation"].iloc[i]))

    # -----------------------------------------------------------------------------------------
    # Copying and promoting models between registries
    # -----------------------------------------------------------------------------------------

    @pytest.mark.parametrize("session", [True, False], ids=["live-versions", "stage"], indirect=True)
    def test_copy_a_version_to_another_registry(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        source_mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5),
                                  metrics={"score": 96})
        prod = Registry(session=session, database_name="ML", schema_name="PROD")
        copied = prod.log_model(source_mv, model_name="my_model", version_name="v1")
        assert copied.fully_qualified_model_name == "ML.PROD.MY_MODEL"
        assert np.array_equal(copied.run(X, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(X))
        second = prod.log_model(source_mv, model_name="my_model", version_name="v2")
        assert list(prod.get_model("my_model").show_versions()["name"]) == ["V1", "V2"]
        assert second.version_name == "V2"
        with pytest.raises(ValueError):
            prod.log_model(source_mv, model_name="copy", version_name="v1", comment="not allowed with a copy")

    def test_usage_and_read_privileges(session: Any, reg: Any, iris: tuple[Any, Any, Any], tmp_path: Path) -> None:
        """The model-management guide's governance: USAGE allows inference and SHOW but not the model's
        files or metadata changes; READ allows the files (export); only the owner role may load()."""
        X, _, clf = iris
        reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        session.write_pandas(X, "IRIS", auto_create_table=True)
        for sql in ("CREATE ROLE prod_role", "CREATE ROLE reader", "CREATE USER bob",
                    "GRANT ROLE prod_role TO USER bob", "GRANT ROLE reader TO USER bob",
                    "GRANT SELECT ON TABLE ML.REGISTRY.IRIS TO ROLE prod_role",
                    "GRANT USAGE ON MODEL ML.REGISTRY.my_model TO ROLE prod_role",
                    "GRANT READ ON MODEL ML.REGISTRY.my_model TO ROLE reader",
                    *(f"GRANT USAGE ON {kind} TO ROLE {role}" for kind in ("DATABASE ML", "SCHEMA ML.REGISTRY")
                      for role in ("prod_role", "reader"))):
            session.sql(sql).collect()
        conn = snowflake.connector.connect(user="bob", role="prod_role", database="ML", schema="REGISTRY")
        bob = Session.builder.configs({"connection": conn}).create()
        try:
            mv = Registry(bob).get_model("my_model").version("v1")
            out = mv.run(bob.table("IRIS"), function_name="predict").to_pandas()
            assert sorted(out["output_feature_0"].tolist()) == sorted(clf.predict(X).tolist())
            with pytest.raises(SnowparkSQLException, match="Insufficient privileges to operate on model"):
                mv.export(str(tmp_path))
            with pytest.raises(SnowparkSQLException, match="Insufficient privileges to operate on model"):
                mv.set_metric("accuracy", 1.0)
            with pytest.raises(RuntimeError, match="only the model's owner"):
                mv.load()
            bob.use_role("reader")
            Registry(bob).get_model("my_model").version("v1").export(str(tmp_path))
            assert (tmp_path / "model" / "model.yaml").is_file()
        finally:
            bob.close()

    # -----------------------------------------------------------------------------------------
    # Export and load
    # -----------------------------------------------------------------------------------------

    @pytest.mark.parametrize("session", [True, False], ids=["live-versions", "stage"], indirect=True)
    def test_export_and_load(reg: Any, iris: tuple[Any, Any, Any], tmp_path: Path) -> None:
        X, _, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        for target in ("model", "full"):  # the client lists the target folder before creating it
            (tmp_path / target).mkdir()
        mv.export(str(tmp_path / "model"))
        exported = sorted(str(p.relative_to(tmp_path / "model")) for p in (tmp_path / "model").rglob("*")
                          if p.is_file())
        assert "model/model.yaml" in exported and "MANIFEST.yml" not in exported
        assert any(p.startswith("model/models/") for p in exported)
        mv.export(str(tmp_path / "full"), export_mode=ExportMode.FULL)
        assert (tmp_path / "full" / "MANIFEST.yml").is_file()
        assert (tmp_path / "full" / "model" / "model.yaml").is_file()
        assert (tmp_path / "full" / "model" / "model.yaml").read_bytes() == (
            tmp_path / "model" / "model" / "model.yaml").read_bytes()
        with pytest.raises(ValueError):
            mv.export(str(tmp_path / "model"))  # a non-empty folder
        loaded = mv.load()
        assert np.array_equal(loaded.predict(X), clf.predict(X))
        assert np.array_equal(mv.load(force=True).predict(X), clf.predict(X))

    # -----------------------------------------------------------------------------------------
    # What snowreg cannot do: clear refusals
    # -----------------------------------------------------------------------------------------

    def test_create_service_is_refused_clearly(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        """Model serving needs Snowpark Container Services (a compute pool, an image repository): refused
        with an error that says so. No service exists, so list_services() is empty."""
        X, _, clf = iris
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        assert len(mv.list_services()) == 0
        with pytest.raises(snowflake.connector.errors.NotSupportedError,
                           match=r"(?s)SHOW SERVICES \(Snowpark Container Services.*not supported by snowreg"):
            mv.create_service(service_name="my_service", service_compute_pool="my_pool",
                              image_repo="my_repo", ingress_enabled=True, max_instances=1)
        assert list(reg.get_model("my_model").show_versions()["name"]) == ["V1"]
        assert len(mv.list_services()) == 0

    def test_lineage_and_monitors_are_refused_clearly(reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        with pytest.raises(snowflake.connector.errors.NotSupportedError,
                           match=r"SHOW MODEL MONITORS \(ML Observability"):
            reg.show_model_monitors()
        mv = reg.log_model(clf, model_name="my_model", version_name="v1", sample_input_data=X.head(5))
        with pytest.raises(snowflake.connector.errors.NotSupportedError, match=r"SYSTEM\$DGQL \(ML lineage"):
            mv.lineage(direction="upstream")

    # -----------------------------------------------------------------------------------------
    # Misuse: the documented errors
    # -----------------------------------------------------------------------------------------

    def test_registry_location_and_misuse(session: Any, reg: Any, iris: tuple[Any, Any, Any]) -> None:
        X, _, clf = iris
        with pytest.raises(ValueError, match="Database NOPE does not exist"):
            Registry(session, database_name="NOPE")
        with pytest.raises(ValueError, match="Schema NOPE does not exist"):
            Registry(session, database_name="ML", schema_name="NOPE")
        assert Registry(session, database_name="ML").location == "ML.PUBLIC"  # schema defaults to PUBLIC
        mv = reg.log_model(clf, model_name="ML.PROD.QUALIFIED", version_name="v1", sample_input_data=X.head(5))
        assert mv.fully_qualified_model_name == "ML.PROD.QUALIFIED"
        assert list(Registry(session, database_name="ML", schema_name="PROD").show_models()["name"]) == ["QUALIFIED"]
        m = reg.get_model("ML.PROD.QUALIFIED")
        with pytest.raises(ValueError, match="does not exist"):
            m.default = "v9"
        with pytest.raises(ValueError, match="Unable to find version or alias"):
            m.version("v9")
        with pytest.raises(SnowparkSQLException, match="does not exist or not authorized"):
            reg.delete_model("no_such_model")
