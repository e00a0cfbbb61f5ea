"""Registry operations: snowreg.Registry (and the SQL under it) vs MLflow's local model registry.

Run: .venv/bin/python bench/bench_registry.py [--quick]
MLflow runs in bench/.venvs/mlflow as a worker subprocess (sqlite tracking store and file artifacts in a
temporary directory) and times itself; the parent interleaves it round by round with snowreg.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import common
from common import Case, fmt_time

LOG_MODEL_GOAL_S = 0.3  # issue 5: log_model median on this machine


def training_data() -> tuple[Any, Any]:
    """The same small classification problem on both sides."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["A", "B", "C"])
    y = (X["A"] + X["B"] > 0).astype(int)
    return X, y


def fitted_model() -> tuple[Any, Any]:
    from sklearn.linear_model import LogisticRegression

    X, y = training_data()
    return LogisticRegression().fit(X, y), X


# -- MLflow worker (runs inside bench/.venvs/mlflow) -----------------------------------------------------


def mlflow_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    """MLflow's registry on a sqlite store in a temp dir: model `m`, version 1 aliased `prod`, and 2."""
    warnings.simplefilter("ignore")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("DO_NOT_TRACK", "true")
    import logging

    import mlflow
    import mlflow.sklearn
    from mlflow import MlflowClient

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    mlflow.set_tracking_uri(f"sqlite:///{tmp / 'mlflow.db'}")
    exp = mlflow.create_experiment("bench", artifact_location=(tmp / "artifacts").as_uri())
    mlflow.set_experiment(experiment_id=exp)
    client = MlflowClient()
    model, X = fitted_model()
    sample = X.head(5)

    def log(**kwargs: Any) -> Any:
        with mlflow.start_run():
            return mlflow.sklearn.log_model(model, name="model", registered_model_name="m", input_example=sample,
                                            **kwargs)

    log(pip_requirements=["scikit-learn"])
    log(pip_requirements=["scikit-learn"])
    client.set_registered_model_alias("m", "prod", "1")
    cases: dict[str, Case] = {
        "log_model": lambda: log(pip_requirements=["scikit-learn"]),
        "log_model (defaults)": log,
        "get_model": lambda: client.get_registered_model("m"),
        "version by alias": lambda: client.get_model_version_by_alias("m", "prod"),
        "set + unset alias": lambda: (client.set_registered_model_alias("m", "candidate", "2"),
                                      client.delete_registered_model_alias("m", "candidate")),
        "set comment": lambda: client.update_model_version("m", "1", description="x"),
        "set metric / tag": lambda: client.set_model_version_tag("m", "1", "accuracy", "0.9"),
        "list versions": lambda: client.search_model_versions("name='m'"),
        "list models": lambda: client.search_registered_models(),
        "load model": lambda: mlflow.sklearn.load_model("models:/m@prod"),
    }
    return cases, common.versions("mlflow", "scikit-learn", "sqlalchemy")


# -- snowreg in this process -------------------------------------------------------------------------------


def snowreg_cases() -> tuple[dict[str, Case], dict[str, Case], dict[str, str]]:
    """snowreg.Registry calls and their SQL equivalents, on model M: V1 aliased PROD, and V2."""
    import snowreg

    conn = snowreg.connect(database="DB", schema="PUBLIC")
    cur = conn.cursor()
    reg = snowreg.Registry(conn, database_name="DB", schema_name="PUBLIC")
    model, X = fitted_model()
    sample = X.head(5)
    counter = {"n": 2}

    def log() -> Any:
        counter["n"] += 1
        return reg.log_model(model, model_name="M", version_name=f"V{counter['n']}", sample_input_data=sample)

    mv = reg.log_model(model, model_name="M", version_name="V1", sample_input_data=sample)
    mv.set_alias("PROD")
    mv2 = reg.log_model(model, model_name="M", version_name="V2", sample_input_data=sample)
    m = reg.get_model("M")

    def sql(text: str) -> Case:
        return lambda: cur.execute(text).fetchall()

    api: dict[str, Case] = {
        "log_model": log,
        "get_model": lambda: reg.get_model("M"),
        "version by alias": lambda: m.version("PROD"),
        "set + unset alias": lambda: (mv2.set_alias("CANDIDATE"), mv2.unset_alias("CANDIDATE")),
        "set comment": lambda: setattr(mv, "comment", "x"),
        "set metric / tag": lambda: mv.set_metric("accuracy", 0.9),
        "list versions": lambda: m.versions(),
        "list models": lambda: reg.models(),
    }
    if hasattr(mv, "load"):
        api["load model"] = lambda: mv.load()
    by_sql: dict[str, Case] = {
        "get_model": sql("SHOW MODELS LIKE 'M' IN SCHEMA DB.PUBLIC"),
        "set + unset alias": lambda: (cur.execute("ALTER MODEL M VERSION V2 SET ALIAS = CANDIDATE").fetchall(),
                                      cur.execute("ALTER MODEL M VERSION CANDIDATE UNSET ALIAS").fetchall()),
        "set comment": sql("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'"),
        "set metric / tag": sql("""ALTER MODEL M MODIFY VERSION V1 SET METADATA = '{"metrics": {"accuracy": 0.9}}'"""),
        "list versions": sql("SHOW VERSIONS IN MODEL M"),
        "list models": sql("SHOW MODELS IN SCHEMA DB.PUBLIC"),
    }
    notes = {} if "load model" in api else {"load model": "snowreg: ModelVersion.load() not there yet"}
    return api, by_sql, notes


# -- the comparison -------------------------------------------------------------------------------------------


PLAN: list[tuple[str, int, int]] = [  # operation, rounds, calls per round
    ("log_model", 12, 1),
    ("get_model", 120, 3),
    ("version by alias", 120, 3),
    ("set + unset alias", 100, 2),
    ("set comment", 120, 3),
    ("set metric / tag", 120, 3),
    ("list versions", 120, 3),
    ("list models", 120, 3),
    ("load model", 60, 2),
]


def compare(api: dict[str, Case], by_sql: dict[str, Case], flow: common.Worker | None,
            args: argparse.Namespace) -> dict[str, dict[str, common.Stats]]:
    """Each operation: snowreg.Registry vs snowreg SQL vs MLflow, interleaved."""
    results: dict[str, dict[str, common.Stats]] = {}
    for op, rounds, calls in PLAN:
        contenders: dict[str, common.Contender] = {}
        if op in api:
            contenders["snowreg.Registry"] = common.local(api[op])
        if op in by_sql:
            contenders["snowreg SQL"] = common.local(by_sql[op])
        if flow is not None and op in flow.cases:
            contenders["MLflow"] = flow.contender(op)
        if not contenders:
            continue
        rounds = max(5, rounds // 4) if args.quick else rounds
        warmup = 1 if op == "log_model" else 3
        results[op] = common.round_robin(contenders, rounds=rounds, calls=calls, warmup=warmup, budget_s=8)
    if flow is not None and not args.quick:  # MLflow's default log_model infers pip requirements in a subprocess
        results["log_model (MLflow defaults)"] = common.round_robin(
            {"MLflow": flow.contender("log_model (defaults)")}, rounds=1, warmup=0)
    return results


def report(results: dict[str, dict[str, common.Stats]]) -> list[list[str]]:
    rows = []
    for op, stats in results.items():
        reg = stats.get("snowreg.Registry")
        flow = stats.get("MLflow")
        sql = stats.get("snowreg SQL")
        ratio = f"{flow.median / reg.median:.1f}x" if reg and flow else "-"
        rows.append([op, fmt_time(reg.median) if reg else "-", fmt_time(sql.median) if sql else "-",
                     fmt_time(flow.median) if flow else "-", ratio,
                     "/".join(str(s.n) for s in stats.values())])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        common.serve(mlflow_setup)
        return
    t0 = time.perf_counter()
    out: dict[str, Any] = {"machine": common.machine_info(),
                           "versions": common.versions("snowreg", "duckdb", "scikit-learn")}
    print(f"bench_registry  {out['machine']['date']}  {out['machine']['cpu']} × {out['machine']['cpus']}  "
          f"python {out['machine']['python']}  {out['versions']}")
    started = common.start_worker("mlflow", __file__, "mlflow")
    api, by_sql, notes = snowreg_cases()  # while MLflow sets up (~10 s: imports, sqlite migrations)
    flow, why = common.ready_worker(started)
    if flow is None:
        print(f"(MLflow skipped: {why})")
    else:
        print(f"MLflow worker: {flow.info}  (own venv, subprocess, sqlite store in a temp dir; timed inside the worker)")
        out["mlflow_versions"] = flow.info
    try:
        results = compare(api, by_sql, flow, args)
    finally:
        if flow is not None:
            flow.close()
    print()
    print(common.table("registry operations, medians (MLflow/snowreg = how many times slower MLflow is)",
                       report(results),
                       ["operation", "snowreg.Registry", "snowreg SQL", "MLflow", "MLflow/snowreg", "n"]))
    for op, note in notes.items():
        print(f"  {op}: {note}")
    log = results.get("log_model", {}).get("snowreg.Registry")
    if log is not None:
        verdict = "meets" if log.median <= LOG_MODEL_GOAL_S else "MISSES"
        print(f"  snowreg log_model median {fmt_time(log.median)}: {verdict} the ≤ {LOG_MODEL_GOAL_S} s goal")
    out["operations"] = {op: common.stats_json(s) for op, s in results.items()}
    out["notes"] = notes
    out["wall_s"] = time.perf_counter() - t0
    print(f"\nresults: {common.save('bench_registry', out).relative_to(common.ROOT)}  (total {out['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
