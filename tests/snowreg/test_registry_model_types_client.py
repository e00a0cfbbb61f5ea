"""The built-in model types of Snowflake's Model Registry guide other than scikit-learn, logged and run
unmodified with snowflake-ml-python under `snowreg.patch()`:
- XGBoost, both APIs (the page's example logs a native `xgboost.Booster` from `xgboost.train`, with
  `case_sensitive` for the breast-cancer columns, whose names have spaces),
  https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/built-in-models/xgboost
- LightGBM, both APIs, with `enable_explainability` (the EXPLAIN table function),
  https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/built-in-models/lightgbm
- CatBoost, https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/built-in-models/overview
- a stateful partitioned custom model (one fitted sub-model per partition in its ModelContext), run from
  Python with `partition_column` and from SQL as `TABLE(MODEL(m)!PREDICT(…) OVER (PARTITION BY …))`,
  https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/partitioned-custom-models

Each framework's test skips when its library is not installed: the `client-tests` extra installs none of them. The clients
need pandas < 3, so they live in `.venv-client`; in the project environment one test re-runs this file there.
"""

import importlib.util
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_CLIENTS = _have("snowflake.ml") and _have("snowflake.snowpark") and _have("snowflake.connector")


if not HAVE_CLIENTS:
    def test_model_types_with_the_real_client(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=240)

else:
    import numpy as np
    import pandas as pd
    import snowflake.connector
    from sklearn import datasets, model_selection
    from sklearn.linear_model import LinearRegression
    from snowflake.ml._internal import platform_capabilities
    from snowflake.ml.model import custom_model
    from snowflake.ml.registry import Registry
    from snowflake.snowpark import Session

    import snowreg

    @pytest.fixture(scope="module")
    def session() -> Iterator[Any]:
        platform_capabilities.PlatformCapabilities._instance = None
        with snowreg.patch():
            conn = snowflake.connector.connect(account="acct", user="me", password="x", database="ML",
                                               schema="PUBLIC", warehouse="WH")
            sp = Session.builder.configs({"connection": conn}).create()
            try:
                yield sp
            finally:
                sp.close()
                platform_capabilities.PlatformCapabilities._instance = None

    @pytest.fixture(scope="module")
    def reg(session: Any) -> Any:
        return Registry(session)

    @pytest.fixture(scope="module")
    def cancer() -> tuple[Any, Any, Any, Any]:
        X, y = datasets.load_breast_cancer(as_frame=True, return_X_y=True)
        return tuple(model_selection.train_test_split(X, y, random_state=0))  # type: ignore[return-value]

    @pytest.fixture(scope="module")
    def iris() -> tuple[Any, Any, Any, Any]:
        X, y = datasets.load_iris(as_frame=True, return_X_y=True)
        X.columns = ["SEPAL_LENGTH", "SEPAL_WIDTH", "PETAL_LENGTH", "PETAL_WIDTH"]
        return tuple(model_selection.train_test_split(X, y, random_state=0))  # type: ignore[return-value]

    def test_xgboost_native_booster_as_the_page_logs_it(session: Any, reg: Any, cancer: tuple[Any, ...]) -> None:
        """The page's example: a Booster from xgboost.train, its `predict` case-sensitive. Its methods take a
        DMatrix, so running it used to fail in the model (100357, `Expecting data to be a DMatrix`)."""
        xgboost = pytest.importorskip("xgboost")
        X_train, X_test, y_train, _ = cancer
        params = dict(reg_lambda=1, gamma=0, max_depth=3, objective="binary:logistic")
        booster = xgboost.train(params, xgboost.DMatrix(data=X_train, label=y_train), num_boost_round=10)
        mv = reg.log_model(booster, model_name="xgBooster", version_name="v1", sample_input_data=X_test,
                           options={"target_methods": ["predict"],
                                    "method_options": {"predict": {"case_sensitive": True}}})
        assert [f["name"] for f in mv.show_functions()] == ['"predict"']
        expected = booster.predict(xgboost.DMatrix(X_test[-10:]))
        out = mv.run(X_test[-10:])
        assert np.allclose(out["output_feature_0"].to_numpy(), expected)
        # the same through SQL, on a Snowpark DataFrame whose column names have spaces
        sp_out = mv.run(session.create_dataframe(X_test[-10:])).to_pandas()
        assert np.allclose(sp_out["output_feature_0"].to_numpy(dtype=float), expected)

    def test_xgboost_scikit_learn_api(reg: Any, iris: tuple[Any, ...]) -> None:
        xgboost = pytest.importorskip("xgboost")
        X_train, X_test, y_train, _ = iris
        clf = xgboost.XGBClassifier(n_estimators=10, max_depth=3).fit(X_train, y_train)
        mv = reg.log_model(clf, model_name="xgb_clf", version_name="v1", sample_input_data=X_test)
        assert sorted(f["name"] for f in mv.show_functions()) == ["PREDICT", "PREDICT_PROBA"]
        assert str(mv.get_model_task()) == "Task.TABULAR_MULTI_CLASSIFICATION"
        assert np.array_equal(mv.run(X_test, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(X_test))
        proba = mv.run(X_test, function_name="predict_proba")
        assert np.allclose(proba[[f"output_feature_{i}" for i in range(3)]].to_numpy(), clf.predict_proba(X_test))

    def test_lightgbm_classifier_with_explainability(session: Any, reg: Any, iris: tuple[Any, ...]) -> None:
        lightgbm = pytest.importorskip("lightgbm")
        X_train, X_test, y_train, _ = iris
        clf = lightgbm.LGBMClassifier(n_estimators=10, verbose=-1).fit(X_train, y_train)
        mv = reg.log_model(clf, model_name="lgbm_clf", version_name="v1", sample_input_data=X_test,
                           options={"enable_explainability": True})
        assert [f["name"] for f in mv.show_functions()] == ["PREDICT", "PREDICT_PROBA", "EXPLAIN"]
        assert np.array_equal(mv.run(X_test, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(X_test))
        proba = mv.run(X_test, function_name="predict_proba")
        assert np.allclose(proba[[f"output_feature_{i}" for i in range(3)]].to_numpy(), clf.predict_proba(X_test))
        explained = mv.run(X_test, function_name="explain")
        assert [c for c in explained.columns if c.endswith("_explanation")] == [
            f"{c}_explanation" for c in X_test.columns]
        # SQL: PREDICT is a scalar function, EXPLAIN a table function (called in FROM)
        session.create_dataframe(X_test.head(3)).write.save_as_table("LGBM_INPUT", mode="overwrite")
        rows = session.sql("SELECT LGBM_CLF!PREDICT(SEPAL_LENGTH, SEPAL_WIDTH, PETAL_LENGTH, PETAL_WIDTH)"
                           ":output_feature_0::INT AS P FROM LGBM_INPUT").collect()
        assert sorted(r["P"] for r in rows) == sorted(int(p) for p in clf.predict(X_test.head(3)))
        rows = session.sql("SELECT e.* FROM LGBM_INPUT, TABLE(MODEL(LGBM_CLF, V1)!EXPLAIN("
                           "SEPAL_LENGTH, SEPAL_WIDTH, PETAL_LENGTH, PETAL_WIDTH)) e").collect()
        assert len(rows) == 3 and "PETAL_WIDTH_EXPLANATION" in rows[0].as_dict()

    def test_lightgbm_native_booster_and_regressor(reg: Any, iris: tuple[Any, ...]) -> None:
        lightgbm = pytest.importorskip("lightgbm")
        X_train, X_test, y_train, _ = iris
        booster = lightgbm.train({"objective": "multiclass", "num_class": 3, "verbose": -1},
                                 lightgbm.Dataset(X_train, label=y_train), num_boost_round=5)
        mv = reg.log_model(booster, model_name="lgbm_booster", version_name="v1", sample_input_data=X_test)
        assert [f["name"] for f in mv.show_functions()] == ["PREDICT"]
        out = mv.run(X_test, function_name="predict")
        assert np.allclose(out[[f"output_feature_{i}" for i in range(3)]].to_numpy(), booster.predict(X_test))
        regressor = lightgbm.LGBMRegressor(n_estimators=5, verbose=-1).fit(X_train, y_train)
        mv = reg.log_model(regressor, model_name="lgbm_reg", version_name="v1", sample_input_data=X_test)
        assert str(mv.get_model_task()) == "Task.TABULAR_REGRESSION"
        assert np.allclose(mv.run(X_test)["output_feature_0"].to_numpy(), regressor.predict(X_test))

    def test_catboost_classifier(reg: Any, iris: tuple[Any, ...]) -> None:
        catboost = pytest.importorskip("catboost")
        X_train, X_test, y_train, _ = iris
        clf = catboost.CatBoostClassifier(iterations=5, verbose=False, allow_writing_files=False).fit(X_train, y_train)
        mv = reg.log_model(clf, model_name="cb_clf", version_name="v1", sample_input_data=X_test)
        assert sorted(f["name"] for f in mv.show_functions()) == ["PREDICT", "PREDICT_PROBA"]
        assert np.array_equal(mv.run(X_test, function_name="predict")["output_feature_0"].to_numpy(),
                              clf.predict(X_test).ravel())
        proba = mv.run(X_test, function_name="predict_proba")
        assert np.allclose(proba[[f"output_feature_{i}" for i in range(3)]].to_numpy(), clf.predict_proba(X_test))

    class PerStore(custom_model.CustomModel):
        """Stateful partitioned inference: the model fitted for each store, picked by the partition's store."""

        @custom_model.partitioned_api
        def predict(self, input: pd.DataFrame) -> pd.DataFrame:
            store = str(input["STORE"].iloc[0])
            return pd.DataFrame({"STORE_OUT": input["STORE"],
                                 "PRED": self.context.model_ref(store).predict(input[["X"]])})

    def test_stateful_partitioned_custom_model(session: Any, reg: Any) -> None:
        rng = np.random.default_rng(0)
        sales = pd.DataFrame({"STORE": np.repeat([1, 2, 3], 10), "X": rng.normal(size=30)})
        sales["Y"] = sales.X * sales.STORE
        fitted = {str(s): LinearRegression().fit(g[["X"]], g.Y) for s, g in sales.groupby("STORE")}
        mv = reg.log_model(PerStore(custom_model.ModelContext(models=fitted)), model_name="per_store",
                           version_name="v1", sample_input_data=sales[["STORE", "X"]],
                           options={"function_type": "TABLE_FUNCTION"})
        assert [(f["name"], f["target_method_function_type"], f["is_partitioned"]) for f in mv.show_functions()] == [
            ("PREDICT", "TABLE_FUNCTION", True)]
        expected = sorted(zip(sales.STORE.tolist(), (sales.X * sales.STORE).round(9).tolist(), strict=True))
        out = mv.run(sales[["STORE", "X"]], partition_column="STORE")
        assert sorted(zip(out.STORE_OUT.tolist(), out.PRED.round(9).tolist(), strict=True)) == expected
        session.create_dataframe(sales).write.save_as_table("SALES", mode="overwrite")
        rows = session.sql("SELECT p.STORE_OUT, p.PRED FROM SALES, TABLE(MODEL(per_store)!PREDICT(SALES.STORE, "
                           "SALES.X) OVER (PARTITION BY SALES.STORE)) p").collect()
        assert sorted((r["STORE_OUT"], round(r["PRED"], 9)) for r in rows) == expected
