"""snowreg's own Registry logs native-API boosters as snowflake-ml-python does (the XGBoost and LightGBM
pages log `xgboost.train(...)` / `lightgbm.train(...)` results): `predict` is the default method, the task
comes from the booster's objective, the version's files name the estimator type `Booster`, and SQL calls
answer as the booster does. Skipped without xgboost / lightgbm (the project's extras install neither);
conformance/DECISIONS.md K41.
https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/built-in-models/xgboost
https://docs.snowflake.com/en/developer-guide/snowflake-ml/model-registry/built-in-models/lightgbm"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import snowreg
from snowreg.packaging import package_model

X = pd.DataFrame({"A": np.linspace(-2, 2, 40), "B": np.cos(np.linspace(0, 6, 40))})
Y = (X.A + X.B > 0).astype(int)


def _logged(model: Any) -> tuple[Any, dict[str, Any]]:
    conn = snowreg.connect(database="DB", schema="S")
    mv = snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=X)
    meta = yaml.safe_load(package_model(model, model_name="M", version_name="V1", sample_input_data=X)
                          ["model/model.yaml"])
    return conn, {"mv": mv, "meta": meta}


def test_xgboost_native_booster() -> None:
    xgboost = pytest.importorskip("xgboost")
    booster = xgboost.train({"objective": "binary:logistic", "max_depth": 2}, xgboost.DMatrix(X, label=Y),
                            num_boost_round=5)
    conn, got = _logged(booster)
    assert got["meta"]["models"]["M"]["options"] == {"enable_categorical": False, "xgb_estimator_type": "Booster"}
    assert got["meta"]["task"] == "TABULAR_BINARY_CLASSIFICATION"
    assert list(got["meta"]["signatures"]) == ["predict"]
    rows = conn.cursor().execute("SELECT M!PREDICT(1.5, 0.5):output_feature_0::FLOAT").fetchall()
    expected = booster.predict(xgboost.DMatrix(pd.DataFrame({"A": [1.5], "B": [0.5]})))[0]
    assert rows[0][0] == pytest.approx(float(expected), rel=1e-6)


def test_lightgbm_native_booster() -> None:
    lightgbm = pytest.importorskip("lightgbm")
    booster = lightgbm.train({"objective": "regression", "verbose": -1, "min_data_in_leaf": 5},
                             lightgbm.Dataset(X, label=X.A * 2.0), num_boost_round=5)
    conn, got = _logged(booster)
    assert got["meta"]["models"]["M"]["options"] == {"lightgbm_estimator_type": "Booster"}
    assert got["meta"]["task"] == "TABULAR_REGRESSION"
    assert list(got["meta"]["signatures"]) == ["predict"]
    rows = conn.cursor().execute("SELECT M!PREDICT(1.5, 0.5):output_feature_0::FLOAT").fetchall()
    expected = booster.predict(pd.DataFrame({"A": [1.5], "B": [0.5]}))[0]
    assert rows[0][0] == pytest.approx(float(expected), rel=1e-6)
