"""Model packaging round trips: package_model -> read_version -> load_model -> call, and manifest errors."""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snowreg import errors
from snowreg.catalog.manifest import read_version, show_functions_row
from snowreg.engine.inference.load import load_model
from snowreg.packaging import package_model

COLUMNS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


@pytest.fixture(scope="module")
def iris() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.normal(size=(150, 4)), columns=COLUMNS)
    y = (x.sepal_length > 0).astype(int).to_numpy() + (x.sepal_width > 0.3).astype(int).to_numpy()
    return x, y


def _yaml(files: dict[str, bytes], path: str) -> dict:
    return yaml.safe_load(files[path])


class Doubler:
    """A plain Python model: pandas DataFrame in, DataFrame / Series out."""

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"doubled": df["x"] * 2.0, "label": df["name"].str.upper()})

    def score(self, df: pd.DataFrame, *, scale: float = 1.5, tag: str = "it's") -> pd.Series:
        return (df["x"] * scale).rename("scaled")


# ---------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------


def test_logistic_regression_round_trip(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = LogisticRegression().fit(x, y)
    files = package_model(model, model_name="IRIS", version_name="V1", sample_input_data=x)

    spec = read_version(files)
    assert [f.name for f in spec.functions] == ["PREDICT", "PREDICT_PROBA", "PREDICT_LOG_PROBA",
                                                "DECISION_FUNCTION"]
    predict = spec.functions[0]
    assert predict.target_method == "predict" and predict.type == "FUNCTION"
    assert predict.inputs == tuple((c.upper(), "DOUBLE") for c in COLUMNS)
    assert predict.outputs == (("output_feature_0", "BIGINT"),)
    assert spec.functions[1].outputs == tuple((f"output_feature_{i}", "DOUBLE") for i in range(3))
    assert spec.model_type == "sklearn" and spec.task == "TABULAR_MULTI_CLASSIFICATION"
    assert spec.model_attributes == {"framework": "sklearn", "task": "TABULAR_MULTI_CLASSIFICATION"}
    assert spec.runnable_in == ("WAREHOUSE", "SNOWPARK_CONTAINER_SERVICES")
    assert spec.language == "PYTHON" and spec.python_version == f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert spec.model_spec == files["model/model.yaml"].decode()

    loaded = load_model(files)
    got = loaded.call("predict", x)
    assert list(got.columns) == ["output_feature_0"]
    np.testing.assert_array_equal(got["output_feature_0"].to_numpy(), model.predict(x))
    proba = loaded.call("predict_proba", x)
    assert list(proba.columns) == ["output_feature_0", "output_feature_1", "output_feature_2"]
    np.testing.assert_allclose(proba.to_numpy(), model.predict_proba(x))
    assert loaded.numpy_ready("predict")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fast path must not trigger sklearn's feature-name warning
        fast = loaded.call_numpy("predict_proba", [x[c].to_numpy() for c in COLUMNS])
    np.testing.assert_allclose(np.column_stack(fast), model.predict_proba(x))


def test_inputs_are_taken_by_position(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = LogisticRegression().fit(x, y)
    loaded = load_model(package_model(model, model_name="M", version_name="V1", sample_input_data=x))
    renamed = x.set_axis(["A", "B", "C", "D"], axis=1)  # SQL argument names do not matter, their order does
    np.testing.assert_array_equal(loaded.call("predict", renamed)["output_feature_0"], model.predict(x))
    with pytest.raises(ValueError, match="takes 4 inputs"):
        loaded.call("predict", x.iloc[:, :3])


def test_numpy_sample_names_features_by_position(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = LogisticRegression().fit(x.to_numpy(), y)
    files = package_model(model, model_name="M", version_name="V1", sample_input_data=x.to_numpy())
    sig = _yaml(files, "model/model.yaml")["signatures"]["predict"]
    assert sig["inputs"][0] == {"name": "input_feature_0", "nullable": False, "type": "DOUBLE"}
    assert read_version(files).functions[0].inputs[3] == ("INPUT_FEATURE_3", "DOUBLE")
    loaded = load_model(files)
    np.testing.assert_array_equal(loaded.call_numpy("predict", [x[c].to_numpy() for c in COLUMNS])[0],
                                  model.predict(x.to_numpy()))


def test_regressor_round_trip(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, _ = iris
    target = x.sepal_length * 3 - x.petal_width
    model = LinearRegression().fit(x, target)
    files = package_model(model, model_name="REG", version_name="V1", sample_input_data=x)
    spec = read_version(files)
    assert [f.name for f in spec.functions] == ["PREDICT"]
    assert spec.task == "TABULAR_REGRESSION"
    got = load_model(files).call("predict", x)
    np.testing.assert_allclose(got["output_feature_0"].to_numpy(), model.predict(x))


def test_pipeline_round_trip(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())]).fit(x, y)
    files = package_model(model, model_name="PIPE", version_name="V1", sample_input_data=x)
    loaded = load_model(files)
    np.testing.assert_allclose(loaded.call("predict_proba", x).to_numpy(), model.predict_proba(x))
    assert not loaded.numpy_ready("predict")  # a pipeline fitted on names keeps the DataFrame path
    out = loaded.call_numpy("predict", [x[c].to_numpy() for c in COLUMNS])
    np.testing.assert_array_equal(out[0], model.predict(x))


def test_pipeline_selecting_columns_by_name() -> None:
    df = pd.DataFrame({"color": ["red", "blue", "red", "green"] * 10, "size": np.arange(40.0)})
    y = (df["size"] % 3 == 0).astype(int)
    pre = ColumnTransformer([("cat", OneHotEncoder(), ["color"])], remainder="passthrough")
    model = Pipeline([("pre", pre), ("clf", LogisticRegression())]).fit(df, y)
    files = package_model(model, model_name="P2", version_name="V1", sample_input_data=df)
    assert read_version(files).functions[0].inputs == (("COLOR", "STRING"), ("SIZE", "DOUBLE"))
    loaded = load_model(files)
    out = loaded.call_numpy("predict", [df["color"].to_numpy(), df["size"].to_numpy()])
    np.testing.assert_array_equal(out[0], model.predict(df))


def test_custom_pandas_class_round_trip() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0, 3.5], "name": ["a", "b", "c"]})
    files = package_model(Doubler(), model_name="D", version_name="V1", sample_input_data=df,
                          options={"target_methods": ["predict", "score"],
                                   "method_options": {"score": {"function_type": "TABLE_FUNCTION"}}})
    meta = _yaml(files, "model/model.yaml")
    assert meta["model_type"] == "custom"
    assert meta["function_properties"] == {"predict": {"PARTITIONED": False}, "score": {"PARTITIONED": False}}
    assert [o["name"] for o in meta["signatures"]["predict"]["outputs"]] == ["doubled", "label"]
    assert meta["signatures"]["score"]["params"] == [
        {"default_value": 1.5, "dtype": "DOUBLE", "name": "scale"},
        {"default_value": "it's", "dtype": "STRING", "name": "tag"},
    ]
    manifest = _yaml(files, "MANIFEST.yml")
    score = manifest["methods"][1]
    assert score["outputs"] == [{"name": "SCALED", "type": "DOUBLE"}]
    assert score["params"] == [{"default": "1.5", "name": "SCALE", "type": "DOUBLE"},
                               {"default": "'it\\'s'", "name": "TAG", "type": "STRING"}]

    spec = read_version(files)
    predict, score_fn = spec.functions
    assert predict.outputs == (("doubled", "DOUBLE"), ("label", "STRING"))
    assert predict.volatility == "VOLATILE"
    assert score_fn.type == "TABLE_FUNCTION" and score_fn.params[0] == ("SCALE", "DOUBLE", "1.5")

    loaded = load_model(files)
    got = loaded.call("predict", df)
    pd.testing.assert_frame_equal(got, Doubler().predict(df), check_dtype=False)
    assert loaded.call("score", df)["scaled"].tolist() == [1.5, 3.0, 5.25]
    assert loaded.call("score", df, params={"scale": 2.0})["scaled"].tolist() == [2.0, 4.0, 7.0]


def test_case_sensitive_method_keeps_its_case(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = LogisticRegression().fit(x, y)
    files = package_model(model, model_name="M", version_name="V1", sample_input_data=x,
                          options={"target_methods": ["predict"],
                                   "method_options": {"predict": {"case_sensitive": True}}})
    fn = read_version(files).functions[0]
    assert fn.name == "predict" and fn.target_method == "predict"
    assert fn.inputs[0] == ("sepal_length", "DOUBLE")
    assert _yaml(files, "model/model.yaml")["method_options"] == {"predict": {"case_sensitive": True}}


def test_version_directory_layout(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    files = package_model(LogisticRegression().fit(x, y), model_name="db.sch.Iris", version_name="V1",
                          sample_input_data=x)
    assert {
        "MANIFEST.yml", "model/model.yaml", "model/models/Iris/model.pkl", "functions/predict.py",
        "runtimes/python_runtime/env/conda.yml", "runtimes/python_runtime/env/requirements.txt",
        "model/env/conda.yml", "model/env/requirements.txt", "model/runtimes/cpu/env/conda.yml",
        "model/sample_input_data.json",
    } <= set(files)
    meta = _yaml(files, "model/model.yaml")
    assert meta["version"] == "2023-12-01" and meta["min_snowpark_ml_version"] == "1.0.12"
    assert meta["name"] == "Iris" and meta["models"]["Iris"]["path"] == "model.pkl"
    assert meta["models"]["Iris"]["handler_version"] == "2023-12-01"
    assert {"env", "runtimes", "metadata", "function_properties", "method_options", "task"} <= set(meta)
    runtime = _yaml(files, "MANIFEST.yml")["runtimes"]["python_runtime"]
    assert runtime["imports"] == ["model/"] and runtime["language"] == "PYTHON"
    assert runtime["dependencies"] == {"conda": "runtimes/python_runtime/env/conda.yml"}
    deps = _yaml(files, "model/env/conda.yml")["dependencies"]
    assert deps[0].startswith("python==") and any(d.startswith("scikit-learn==") for d in deps)
    relaxed = _yaml(files, "runtimes/python_runtime/env/conda.yml")["dependencies"]
    assert any(d.startswith("scikit-learn<") for d in relaxed)


def test_user_files_and_handler_stubs(tmp_path: Path, iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "a.bin").write_bytes(b"\x00\x01")
    files = package_model(LogisticRegression().fit(x, y), model_name="M", version_name="V1", sample_input_data=x,
                          user_files={"docs": [str(tmp_path / "notes.txt"), str(tmp_path / "assets")]},
                          target_platforms=["WAREHOUSE"])
    assert files["user_files/docs/notes.txt"] == b"hello"
    assert files["user_files/docs/assets/a.bin"] == b"\x00\x01"
    manifest = _yaml(files, "MANIFEST.yml")
    assert manifest["user_files"] == ["docs/notes.txt", "docs/assets"]
    assert read_version(files).runnable_in == ("WAREHOUSE",)
    for path in (p for p in files if p.startswith("functions/")):
        compile(files[path], path, "exec")  # the UDF handlers are valid Python


def test_signature_types_from_pandas_dtypes() -> None:
    df = pd.DataFrame({"f": [1.0, 2.0], "i": [1, 2], "s": ["a", "b"], "b": [True, False],
                       "n": pd.array([1, None], dtype="Int64"), "f32": np.array([1, 2], dtype=np.float32)})

    class Echo:
        def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
            return frame[["f"]]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = package_model(Echo(), model_name="E", version_name="V1", sample_input_data=df)
    inputs = _yaml(files, "model/model.yaml")["signatures"]["predict"]["inputs"]
    assert [i["type"] for i in inputs] == ["DOUBLE", "INT64", "STRING", "BOOL", "INT64", "FLOAT"]
    sql = [t for _, t in read_version(files).functions[0].inputs]
    assert sql == ["DOUBLE", "BIGINT", "STRING", "BOOLEAN", "BIGINT", "FLOAT"]


def test_unresolvable_feature_name_needs_case_sensitive() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0], "name": ["a", "b"]}).rename(columns={"x": "x value"})

    class Any1:
        def predict(self, frame: pd.DataFrame) -> pd.Series:
            return frame["name"]

    with pytest.raises(ValueError, match="case_sensitive"):
        package_model(Any1(), model_name="E", version_name="V1", sample_input_data=df)


def test_signature_or_sample_required(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    with pytest.raises(ValueError, match="sample_input_data"):
        package_model(LogisticRegression().fit(x, y), model_name="M", version_name="V1")


def test_explicit_signatures_are_used(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    sig = {"inputs": [{"name": c, "type": "DOUBLE", "nullable": True} for c in COLUMNS],
           "outputs": [{"name": "label", "type": "INT64", "nullable": True}]}
    files = package_model(LogisticRegression().fit(x, y), model_name="M", version_name="V1",
                          signatures={"predict": sig})
    spec = read_version(files)
    assert [f.name for f in spec.functions] == ["PREDICT"]
    assert spec.functions[0].outputs == (("label", "BIGINT"),)


# ---------------------------------------------------------------------------------------------
# MANIFEST.yml parsing and SHOW FUNCTIONS
# ---------------------------------------------------------------------------------------------

_GOOD = """
manifest_version: '1.0'
runtimes:
  python_runtime: {language: PYTHON, version: '3.10', imports: [model/], dependencies: {}}
methods:
- {name: PREDICT, runtime: python_runtime, type: FUNCTION, handler: functions.predict.infer,
   inputs: [{name: A, type: DOUBLE}], outputs: [{type: OBJECT}]}
"""


@pytest.mark.parametrize(("files", "message"), [
    ({}, "MANIFEST.yml is missing"),
    ({"MANIFEST.yml": b"methods: [unclosed"}, "MANIFEST.yml is not valid YAML"),
    ({"MANIFEST.yml": b"- just a list"}, "must be a mapping"),
    ({"MANIFEST.yml": b"manifest_version: '1.0'\nruntimes: {r: {}}\n"}, "at least one entry under 'methods'"),
    ({"MANIFEST.yml": _GOOD.replace("type: FUNCTION", "type: PROCEDURE").encode()}, "FUNCTION or TABLE_FUNCTION"),
    ({"MANIFEST.yml": _GOOD.replace("runtime: python_runtime", "runtime: nope").encode()}, "not declared"),
    ({"MANIFEST.yml": _GOOD.replace("name: PREDICT, ", "").encode()}, "'name' must be a non-empty string"),
    ({"MANIFEST.yml": _GOOD.replace("{name: A, type: DOUBLE}", "{type: DOUBLE}").encode()}, "must have a 'name'"),
    ({"MANIFEST.yml": (_GOOD + _GOOD.split("methods:")[1]).encode()}, "more than once"),
    ({"MANIFEST.yml": _GOOD.encode(), "model/model.yaml": b"name: [x"}, "model/model.yaml is not valid YAML"),
])
def test_manifest_errors(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(errors.ProgrammingError) as info:
        read_version(files)
    assert message in str(info.value)
    assert str(info.value).startswith("002000 (42601): SQL compilation error:")


def _folder(manifest: str) -> dict[str, bytes]:
    """A version folder holding `manifest` and a handler module for each of its methods."""
    files = {"MANIFEST.yml": manifest.encode()}
    for module in re.findall(r"handler: functions\.(\w+)\.infer", manifest):
        files[f"functions/{module}.py"] = b"# handler\n"
    return files


_BARE = _GOOD.replace("imports: [model/]", "imports: []")


def test_hand_written_manifest_without_model_yaml() -> None:
    spec = read_version(_folder(_BARE))
    fn = spec.functions[0]
    assert (fn.name, fn.target_method, fn.inputs, fn.outputs) == ("PREDICT", "predict", (("A", "DOUBLE"),), ())
    assert spec.python_version == "3.10" and spec.model_spec == "" and spec.task == "UNKNOWN"


def test_show_functions_row() -> None:
    manifest = _GOOD + """- {name: PART, runtime: python_runtime, type: TABLE_FUNCTION, handler: functions.part.infer,
   inputs: [{name: A, type: DOUBLE}, {name: B, type: STRING}], outputs: [{name: OUTPUT_FEATURE_0, type: DOUBLE}],
   params: [{name: TEMPERATURE, type: DOUBLE, default: '0.7'}]}
"""
    predict, part = read_version(_folder(manifest.replace("imports: [model/]", "imports: []"))).functions
    row = show_functions_row(predict, "V1")
    assert row["arguments"] == "(A DOUBLE)" and row["return_type"] == "OBJECT"
    assert (row["min_num_arguments"], row["max_num_arguments"], row["is_table_function"]) == (1, 1, "FALSE")
    row = show_functions_row(part, "V1")
    assert row["arguments"] == "(A DOUBLE, B STRING [, TEMPERATURE DOUBLE])"
    assert row["return_type"] == "TABLE (OUTPUT_FEATURE_0 DOUBLE)"
    assert (row["min_num_arguments"], row["max_num_arguments"], row["is_table_function"]) == (2, 3, "TRUE")
    # no model.yaml function_properties: the client's composer writes a `process` handler (not partitioned)
    assert not part.is_partitioned and row["language"] == "PYTHON" and row["version_name"] == "V1"


def test_manifest_module_stays_light(tmp_path: Path) -> None:
    code = ("import sys, snowreg.catalog; before = set(sys.modules); import snowreg.catalog.manifest; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in "
            "('pandas', 'sklearn', 'numpy')))")
    # Run outside the checkout: from its root, `snowreg/` would shadow the installed package.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def test_real_custom_model_without_client_is_a_clear_error(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    files = package_model(LogisticRegression().fit(x, y), model_name="M", version_name="V1", sample_input_data=x)
    meta = _yaml(files, "model/model.yaml")
    meta["model_type"] = meta["models"]["M"]["model_type"] = "custom"
    files["model/model.yaml"] = yaml.safe_dump(meta).encode()
    # What the client stores for a CustomModel: a pickle that refers to snowflake.ml classes.
    files["model/models/M/model.pkl"] = b"csnowflake.ml.model.custom_model\nCustomModel\n."
    if "snowflake.ml" in sys.modules or _importable("snowflake.ml"):
        pytest.skip("snowflake-ml-python is installed")
    with pytest.raises(errors.NotSupportedError, match="install snowflake-ml-python"):
        load_model(files)


def _importable(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def test_missing_blob_is_reported(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    files = package_model(LogisticRegression().fit(x, y), model_name="M", version_name="V1", sample_input_data=x)
    del files["model/models/M/model.pkl"]
    with pytest.raises(errors.ProgrammingError, match="model blob model/models/M/model.pkl is missing"):
        load_model(files)
    with pytest.raises(errors.ProgrammingError, match="model/model.yaml is missing"):
        load_model({"MANIFEST.yml": b""})


def test_blob_is_plain_pickle_of_the_estimator(iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    x, y = iris
    model = LogisticRegression().fit(x, y)
    files = package_model(model, model_name="M", version_name="V1", sample_input_data=x)
    again = pickle.loads(files["model/models/M/model.pkl"])
    np.testing.assert_array_equal(again.predict(x), model.predict(x))


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_boosted_trees_round_trip(library: str, iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    lib = pytest.importorskip(library)
    x, y = iris
    cls = lib.XGBClassifier if library == "xgboost" else lib.LGBMClassifier
    model = cls(n_estimators=5, **({"verbose": -1} if library == "lightgbm" else {})).fit(x, y)
    files = package_model(model, model_name="B", version_name="V1", sample_input_data=x)
    spec = read_version(files)
    assert [f.name for f in spec.functions] == ["PREDICT", "PREDICT_PROBA"]
    assert spec.model_type == library
    loaded = load_model(files)
    np.testing.assert_allclose(loaded.call("predict_proba", x).to_numpy(), model.predict_proba(x), rtol=1e-6)
    fast = loaded.call_numpy("predict", [x[c].to_numpy() for c in COLUMNS])
    np.testing.assert_array_equal(fast[0], model.predict(x))


@pytest.mark.slow
def test_layout_matches_the_real_client(tmp_path: Path, iris: tuple[pd.DataFrame, np.ndarray]) -> None:
    """Byte-for-byte the same text files as snowflake-ml-python's own packager (when it is installed)."""
    pytest.importorskip("snowflake.ml.model._packager.model_packager")
    from snowflake.ml._internal import platform_capabilities
    from snowflake.ml.model._model_composer.model_manifest import model_manifest
    from snowflake.ml.model._packager import model_packager

    x, y = iris
    model = LogisticRegression().fit(x, y)
    # The conda layout: what the client writes when pip-only packaging is off (as against snowreg).
    platform_capabilities.PlatformCapabilities.set_mock_features({"ENABLE_PIP_ONLY_PACKAGING": False})
    try:
        packager = model_packager.ModelPackager(str(tmp_path / "model"))
        packager.save(name="IRIS", model=model, sample_input_data=x, options={"relax_version": True})
        model_manifest.ModelManifest(tmp_path).save(model_meta=packager.meta, model_rel_path=Path("model"),
                                                    options={"relax_version": True})
    finally:
        platform_capabilities.PlatformCapabilities.clear_mock_features()
    real = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    mine = package_model(model, model_name="IRIS", version_name="V1", sample_input_data=x)
    assert set(real) == set(mine)
    for path, blob in real.items():
        if path.endswith((".pkl", ".py")):
            continue
        strip = [ln for ln in blob.splitlines() if not ln.startswith(b"creation_timestamp")]
        assert strip == [ln for ln in mine[path].splitlines() if not ln.startswith(b"creation_timestamp")], path


@pytest.mark.parametrize(("files", "message"), [
    ({"MANIFEST.yml": _BARE.encode()}, "functions/predict.py (the handler of method PREDICT"),
    (_folder(_GOOD) | {"model/x": b""}, "imports model/, but model/model.yaml is missing"),
    (_folder(_GOOD) | {"model/model.yaml": b"models: {M: {name: M, path: model.pkl}}\n"},
     "model/models/M/model.pkl (the file of model M in model/model.yaml)"),
    (_folder(_GOOD) | {"model/model.yaml": b"env: {conda: env/conda.yml}\n"},
     "model/env/conda.yml (the conda environment in model/model.yaml)"),
    (_folder(_BARE.replace("dependencies: {}", "dependencies: {conda: runtimes/python_runtime/env/conda.yml}")),
     "runtimes/python_runtime/env/conda.yml (the conda dependencies of runtime python_runtime)"),
])
def test_files_the_manifest_names_must_be_there(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(errors.ProgrammingError) as info:
        read_version(files)
    assert message in str(info.value)


def test_a_complete_folder_is_valid() -> None:
    files = _folder(_GOOD) | {"model/model.yaml": b"models: {M: {name: M, path: model.pkl}}\nenv: {conda: env/conda.yml}\n",
                              "model/models/M/model.pkl": b"", "model/env/conda.yml": b""}
    assert [f.name for f in read_version(files).functions] == ["PREDICT"]
