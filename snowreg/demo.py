"""`snowreg demo`: train a model, log versions, and run the lifecycle schemes of Snowflake's guide."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from snowreg import errors

# Columns worth showing for the wide SHOW outputs; everything else is in the full result.
_SHOWN = {
    "SHOW MODELS": ["database_name", "schema_name", "name", "owner", "versions", "default_version_name", "aliases"],
    "SHOW VERSIONS": ["name", "aliases", "is_default_version", "comment", "metadata"],
    "SHOW FUNCTIONS": ["name", "version_name", "arguments", "return_type"],
}
SCRIPTS = ["multiple_schemas.sql", "default_version.sql", "aliases.sql", "metrics.sql"]


class NotReadyModel:
    """The guide's "initial version that immediately throws an error", until a real version is ready."""

    def predict(self, X: Any) -> Any:
        raise RuntimeError("model my_model is not ready for production yet")


def examples_dir() -> Path:
    """The example scripts (examples/ in the checkout, shipped as package data)."""
    return Path(str(resources.files("snowreg.examples")))


def _say(text: str) -> None:
    print(text, flush=True)


def _train(seed: int, c: float) -> tuple[Any, Any, float]:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.normal(size=(2000, 4)), columns=["A", "B", "C", "D"])
    y = ((x.A + 2 * x.B - x.C + rng.normal(scale=0.5, size=len(x))) > 0).astype(int)
    model = LogisticRegression(C=c).fit(x[:1500], y[:1500])
    return model, x, float(model.score(x[1500:], y[1500:]))


def setup(conn: Any) -> None:
    """Databases, roles, test data and model versions the example scripts use."""
    import snowreg

    cur = conn.cursor()
    for sql in [
        "CREATE DATABASE IF NOT EXISTS ML", "CREATE SCHEMA IF NOT EXISTS ML.DEV",
        "USE SCHEMA ML.DEV",
        "CREATE OR REPLACE TABLE scoring_input AS SELECT SEQ4() AS id, SIN(SEQ4()) AS a, COS(SEQ4() * 1.3) AS b, "
        "SIN(SEQ4() * 0.7) AS c, COS(SEQ4() * 2.1) AS d FROM TABLE(GENERATOR(ROWCOUNT => 1000))",
    ]:
        cur.execute(sql)
    reg = snowreg.Registry(conn, database_name="ML", schema_name="DEV")
    _, x, _ = _train(0, 1.0)
    # It cannot be run to infer its signature, so the signature is given.
    features = [{"name": n, "type": "DOUBLE"} for n in "ABCD"]
    signature = {"inputs": features, "outputs": [{"name": "output_feature_0", "type": "INT64"}]}
    reg.log_model(NotReadyModel(), model_name="my_model", version_name="V1", signatures={"predict": signature},
                  comment="placeholder: throws until a model is ready")
    for version, seed, c in (("V2", 1, 0.01), ("V3", 2, 1.0)):
        model, x, accuracy = _train(seed, c)
        reg.log_model(model, model_name="my_model", version_name=version, sample_input_data=x.head(),
                      metrics={"accuracy": round(accuracy, 4)}, comment=f"LogisticRegression(C={c})")
        _say(f"  logged ML.DEV.MY_MODEL {version}: LogisticRegression(C={c}), accuracy {accuracy:.3f}")


def write_dev_versions(root: Path) -> None:
    """Version directories dev_models/v12 and v24 (two-feature models) for multiple_schemas.sql."""
    from snowreg.packaging import package_model

    for version, seed in (("V12", 3), ("V24", 4)):
        model, x, accuracy = _train(seed, 1.0)
        model.fit(x[["A", "B"]], model.predict(x))  # production scores two features
        files = package_model(model, model_name="DEV_MODEL", version_name=version,
                              sample_input_data=x[["A", "B"]].head())
        for rel, data in files.items():
            path = root / "dev_models" / version.lower() / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _say(f"  packaged dev_models/{version.lower()} (DEV_MODEL {version})")


def show(cur: Any, sql: str) -> None:
    """Print one statement's result, narrowing the wide SHOW outputs to their telling columns."""
    from snowreg.display import table

    names = [d[0] for d in cur.description or []]
    rows = cur.fetchall()
    if names == ["status"] and len(rows) == 1:
        print(f"  {rows[0][0]}")
        return
    key = next((k for k in _SHOWN if sql.lstrip().upper().startswith(k)), None)
    if key is not None:
        keep = [i for i, n in enumerate(names) if n in _SHOWN[key]]
        names, rows = [names[i] for i in keep], [[r[i] for i in keep] for r in rows]
    print(table(names, rows))


def run_script(conn: Any, path: Path) -> None:
    import snowreg

    text = path.read_text()
    _say(f"\n=== {path.name} ===")
    for stmt in snowreg.parse(text):
        sql = text[stmt.span.start:stmt.span.end].strip()
        _say(f"\n> {' '.join(sql.split())}")
        cur = conn.cursor()
        cur._run(stmt, sql)
        show(cur, sql)


def main(args: argparse.Namespace) -> int:
    import snowreg

    started = time.perf_counter()
    conn = snowreg.connect(path=args.db)
    try:
        _say("Training scikit-learn models on generated data and logging versions ...")
        setup(conn)
        _say("\nThe default version V1 is the placeholder that throws until a real version is ready:")
        cur = conn.cursor()
        try:
            cur.execute("SELECT my_model!predict(A, B, C, D) FROM scoring_input LIMIT 1")
        except errors.ProgrammingError as e:
            _say(f"  {e}")
        with tempfile.TemporaryDirectory(prefix="snowreg-demo-") as tmp:
            write_dev_versions(Path(tmp))
            here = os.getcwd()
            os.chdir(tmp)  # multiple_schemas.sql reads file://dev_models relative to the current directory
            try:
                for name in SCRIPTS:
                    run_script(conn, examples_dir() / name)
            finally:
                os.chdir(here)
        _say(f"\nDone in {time.perf_counter() - started:.2f} s.")
        return 0
    except errors.Error as e:
        print(f"snowreg demo: {e}", file=sys.stderr)
        return 1
    finally:
        conn.close()
