"""`snowreg demo`: train a model, log versions, and run the lifecycle schemes of Snowflake's guide."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from snowreg import errors
from snowreg.script import missing_registry

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


def setup(conn: Any) -> dict[str, float]:
    """Databases, roles, test data and model versions the example scripts use; the logged accuracies."""
    import snowreg

    cur = conn.cursor()
    for sql in [
        "CREATE DATABASE IF NOT EXISTS ML", "CREATE SCHEMA IF NOT EXISTS ML.DEV",
        "USE SCHEMA ML.DEV",
        "CREATE OR REPLACE TABLE scoring_input AS SELECT SEQ4() AS id, SIN(SEQ4()) AS a, COS(SEQ4() * 1.3) AS b, "
        "SIN(SEQ4() * 0.7) AS c, COS(SEQ4() * 2.1) AS d FROM TABLE(GENERATOR(ROWCOUNT => 1000))",
    ]:
        cur.execute(sql)
    _say("  created table ML.DEV.SCORING_INPUT (ID, A, B, C, D): 1000 rows to score")
    reg = snowreg.Registry(conn, database_name="ML", schema_name="DEV")
    # It cannot be run to infer its signature, so the signature is given.
    features = [{"name": n, "type": "DOUBLE"} for n in "ABCD"]
    signature = {"inputs": features, "outputs": [{"name": "output_feature_0", "type": "INT64"}]}
    reg.log_model(NotReadyModel(), model_name="my_model", version_name="V1", signatures={"predict": signature},
                  comment="placeholder: throws until a model is ready")
    _say("  logged ML.DEV.MY_MODEL V1: a placeholder whose predict raises an error (the default version)")
    accuracies = {}
    for version, seed, c in (("V2", 1, 0.01), ("V3", 2, 1.0)):
        model, x, accuracy = _train(seed, c)
        reg.log_model(model, model_name="my_model", version_name=version, sample_input_data=x.head(),
                      metrics={"accuracy": round(accuracy, 4)}, comment=f"LogisticRegression(C={c})")
        accuracies[version] = round(accuracy, 3)
        _say(f"  logged ML.DEV.MY_MODEL {version}: LogisticRegression(C={c}), metric accuracy {accuracy:.3f}")
    return accuracies


def expected_error(conn: Any) -> None:
    """Call the placeholder, as production would before a real version is ready, and show its error."""
    _say("\nCalling the default version V1 fails on purpose until a real version becomes the default:")
    _say("> SELECT my_model!predict(A, B, C, D) FROM scoring_input LIMIT 1")
    try:
        conn.cursor().execute("SELECT my_model!predict(A, B, C, D) FROM scoring_input LIMIT 1")
    except errors.ProgrammingError as e:
        lines = e.msg.splitlines()
        raised = next((line for line in lines if line.startswith("RuntimeError:")), "")
        _say(f"  expected error: {e.errno:06d} ({e.sqlstate}): {lines[0]} {raised}".rstrip())
        return
    raise errors.Error("the placeholder version V1 answered instead of raising its error")


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
        _say(f"  wrote dev_models/{version.lower()}: the files of a two-feature model, to become DEV_MODEL {version}")


def show(cur: Any, sql: str) -> None:
    """Print one statement's result, narrowing the wide SHOW outputs to their telling columns."""
    from snowreg.display import as_shown, table

    names = [d[0] for d in cur.description or []]
    # dates, times and timestamps as `snowreg run` and Snowflake show them (the session's output formats)
    rows = as_shown([d[1] for d in cur.description or []], cur.fetchall(), cur.connection.session.parameters)
    if names == ["status"] and len(rows) == 1:
        print(f"  {rows[0][0]}")
        return
    key = next((k for k in _SHOWN if sql.lstrip().upper().startswith(k)), None)
    if key is not None:
        keep = [i for i, n in enumerate(names) if n in _SHOWN[key]]
        names, rows = [names[i] for i in keep], [tuple(r[i] for i in keep) for r in rows]
    print(table(names, rows))


def run_script(conn: Any, path: Path, intro: str) -> None:
    import snowreg

    text = path.read_text()
    _say(f"\n=== {path.name} ===\n{intro}")
    for stmt in snowreg.parse(text):
        sql = text[stmt.span.start:stmt.span.end].strip()
        _say(f"\n> {' '.join(sql.split())}")
        cur = conn.cursor()
        cur._run(stmt, sql)
        show(cur, sql)


def intros(accuracies: dict[str, float]) -> dict[str, str]:
    """What each example script shows, said before it runs."""
    logged = ", ".join(f"{v} {a}" for v, a in accuracies.items())
    return {
        "multiple_schemas.sql": "Development and production in separate schemas: versions are promoted by "
                                "copying them,\nwith the guide's roles model_owner, prod_role and ml_admin.",
        "default_version.sql": "The default version is production: promote and roll back with "
                               "SET DEFAULT_VERSION.",
        "aliases.sql": "Aliases alpha / beta / production: production code calls the alias.",
        "metrics.sql": "The guide's INFORMATION_SCHEMA query over a metric in each version's metadata.\n"
                       "Note: SET METADATA replaces a version's whole metadata, so the accuracies logged "
                       f"above\n({logged}, under \"metrics\") give way to the guide's values "
                       "(0, 0.85, 0.9, under \"metric\").",
    }


def lifecycle(conn: Any, tmp: Path) -> None:
    """The whole demo on an open connection: set up, the placeholder's error, the example scripts.

    `tmp` is the folder the connection may use for local-directory stages (file://dev_models in it).
    """
    _say("Training scikit-learn models on generated data and logging versions of ML.DEV.MY_MODEL ...")
    accuracies = setup(conn)
    expected_error(conn)
    _say("\nmultiple_schemas.sql reads two model versions from the stage URL file://dev_models "
         "(a temporary folder, removed at the end):")
    write_dev_versions(tmp)
    here = os.getcwd()
    os.chdir(tmp)  # file://dev_models is relative to the current directory; every path held is absolute
    try:
        texts = intros(accuracies)
        for name in SCRIPTS:
            run_script(conn, examples_dir() / name, texts[name])
    finally:
        os.chdir(here)


def main(args: argparse.Namespace) -> int:
    """Entry point of `snowreg demo`: 0 when it ran, 1 when a step failed, 2 when it could not start."""
    try:
        import pandas  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError:
        print("snowreg demo needs pandas and scikit-learn: pip install -e '.[ml]' in the snowreg checkout",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        with building(args.db) as path:
            run_demo(path)
    except FileExistsError as e:
        if missing_registry(e.filename) is None:  # quick start typed again: its registry is there to use
            print(f"snowreg demo: {e.filename} holds a registry already (an earlier demo's?): go on with "
                  f"`snowreg repl --db {e.filename} --database ML --schema DEV`, or name a directory that does not "
                  "exist yet", file=sys.stderr)
        else:
            print(f"snowreg demo: {e.filename} already exists; the demo builds a new registry: "
                  "name a directory that does not exist yet", file=sys.stderr)
        return 2
    except errors.Error as e:
        print(f"snowreg demo: {e}", file=sys.stderr)
        return 1
    _say(f"\nDone in {time.perf_counter() - started:.2f} s.")
    if args.db:
        _say(f"The registry is kept in {args.db}: go on with `snowreg repl --db {args.db} --database ML "
             "--schema DEV`.")
    else:
        _say("The registry lived in memory; `snowreg demo --db DIR` keeps one to go on with.")
    return 0


def run_demo(path: Path | None) -> None:
    import snowreg

    with tempfile.TemporaryDirectory(prefix="snowreg-demo-") as tmp:
        conn = snowreg.connect(path=path, stage_roots=[tmp])  # the demo grants its own temporary folder
        try:
            lifecycle(conn, Path(tmp))
        finally:
            conn.close()


@contextmanager
def building(db: str | None) -> Iterator[Path | None]:
    """None (in memory), or a new directory beside `db` that becomes `db` only when the demo succeeded.

    `db` is resolved first (the demo changes directory); on failure the half-built registry is removed.
    """
    if db is None:
        yield None
        return
    target = Path(db).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(17, "exists", db)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        yield work
        os.replace(work, target)  # atomic; an empty `target` directory is replaced
    finally:
        shutil.rmtree(work, ignore_errors=True)
