"""A version whose spec lists a method only snowflake-ml-python's wrapper has (EXPLAIN, logged with
`options={"enable_explainability": True}`), run where that client is not installed: the estimator's own
methods still answer, and the wrapper-only method is refused as not supported, saying what to install.
(With the client installed, tests/snowreg/test_registry_docs_client.py runs EXPLAIN itself.)"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

import snowreg


def _client_installed() -> bool:
    try:
        return importlib.util.find_spec("snowflake.ml") is not None
    except ModuleNotFoundError:
        return False


pytestmark = pytest.mark.skipif(_client_installed(), reason="runs where snowflake-ml-python is not installed")


@pytest.fixture
def explained_dir(version_dir: Path) -> Path:
    """The conftest's version directory (M / V1, PREDICT of X1, X2) with an EXPLAIN method added to its
    MANIFEST.yml and model.yaml as the client writes one: a table function of one column per feature."""
    yaml = pytest.importorskip("yaml")
    manifest = yaml.safe_load((version_dir / "MANIFEST.yml").read_text())
    manifest["methods"].append({
        "name": "EXPLAIN", "runtime": "python_runtime", "type": "TABLE_FUNCTION",
        "handler": "functions.explain.infer",
        "inputs": [{"name": "X1", "type": "DOUBLE"}, {"name": "X2", "type": "DOUBLE"}],
        "outputs": [{"name": "X1_explanation", "type": "DOUBLE"}, {"name": "X2_explanation", "type": "DOUBLE"}]})
    (version_dir / "MANIFEST.yml").write_text(yaml.safe_dump(manifest))
    (version_dir / "functions" / "explain.py").write_bytes((version_dir / "functions" / "predict.py").read_bytes())
    spec_path = version_dir / "model" / "model.yaml"
    spec = yaml.safe_load(spec_path.read_text())
    spec["signatures"]["explain"] = {
        "inputs": spec["signatures"]["predict"]["inputs"],
        "outputs": [{"name": f"{c}_explanation", "type": "DOUBLE", "nullable": True} for c in ("X1", "X2")],
        "params": []}
    spec["explainability"] = {"algorithm": "shap"}
    spec_path.write_text(yaml.safe_dump(spec))
    return version_dir


def test_predict_runs_and_explain_is_refused_without_the_client(tmp_path: Path, explained_dir: Path) -> None:
    conn = snowreg.connect(database="DB", schema="S", stage_roots=[tmp_path])
    cur = conn.cursor()
    cur.execute(f"CREATE STAGE ST URL = '{explained_dir.as_uri()}'")
    cur.execute("CREATE MODEL M WITH VERSION V1 FROM @ST")
    functions = sorted(r[1] for r in cur.execute("SHOW FUNCTIONS IN MODEL M VERSION V1").fetchall())
    assert functions == ["EXPLAIN", "PREDICT"]
    got: Any = cur.execute("SELECT M!PREDICT(2.0, 1.0):output_feature_0::DOUBLE").fetchone()
    assert got[0] == pytest.approx(2 * 2.0 + 1.0)  # the conftest's model is 2·X1 + X2
    with pytest.raises(snowreg.NotSupportedError, match="install snowflake-ml-python") as refused:
        cur.execute("SELECT * FROM TABLE(M!EXPLAIN(2.0, 1.0))")
    assert refused.value.errno == 2
    conn.close()
