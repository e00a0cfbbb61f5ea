"""Cost against size (issue 13): 10 / 100 / 1,000 versions of one model and 1 / 100 / 1,000 models,
plus a fresh isolated registry, cold start and 1M-row inference, each against its peer in the same run.

Every contender runs in a worker subprocess speaking common.py's protocol, so a second snowreg build
can be measured in the same run (`--before PYTHON`: an interpreter with an older snowreg installed,
e.g. a venv with `pip install <older checkout>`); rounds are interleaved across contenders.

- versions axis, model M with n versions: log_model of one more version, Model.version("PROD"),
  Model.versions(), SHOW VERSIONS, ALTER MODEL … MODIFY VERSION … SET COMMENT. MLflow: log_model,
  get_model_version_by_alias, search_model_versions, update_model_version(description=…).
- models axis, n models in one schema: get_model, models() / SHOW MODELS, SET COMMENT on a model.
  MLflow: get_registered_model, search_registered_models, update_registered_model.
- fresh: `snowreg.connect(database=, schema=)` + `SELECT 1` + close, against `duckdb.connect()` +
  `SELECT 1` in the same worker; fakesnow: a fresh fake account + connection + SELECT 1.
- coldstart: fresh interpreters running `import snowreg; connect(); SELECT 1` vs plain duckdb
  (`import duckdb; duckdb.connect().execute('SELECT 1').fetchall()`), wall and CPU, every module
  loaded from bytecode (PYTHONDONTWRITEBYTECODE stripped from the children's environment).
- inference: SUM(m!predict(…)) over 1M rows and fetching 1M OBJECT results vs model.predict, wall and
  CPU time; the same over 1,000 rows (the per-statement cost).
- logmodel: log_model of a new version (~10 versions), snowreg against --before only, 60 turns of one
  call each (issue 13's log_model goal; the versions axis takes only four).
- information: the guide's INFORMATION_SCHEMA.MODEL_VERSIONS query over database INFO with 1 / 100
  models (median and p90): repeated, first after a registry write (SET COMMENT, untimed), first after
  a statement that reads no INFORMATION_SCHEMA view (`SELECT 1`, untimed: the rows are handed over
  again); and `SELECT *` of the other INFORMATION_SCHEMA views over a few tables. Wall time and the
  worker's CPU time (steadier on a shared machine), interleaved. Best with --before. Then the guide
  query over database VINFO holding one model with 100 / ~1,000 versions, repeated and first after a
  write (SET COMMENT on one version).

A model holds at most 1,000 versions, so the largest size is 990 versions plus the timed log_model calls.
Versions are added with `ALTER MODEL … ADD VERSION … FROM MODEL …` (MLflow: create_model_version on the
first version's artifacts), so growing to 1,000 takes seconds, not a log_model per version.

Run: .venv/bin/python bench/bench_scale.py [--quick] [--before PYTHON]
     [--only versions models fresh coldstart inference logmodel information]
Writes bench/results/bench_scale-*.json and bench/results/bench_scale.png (matplotlib, when installed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
from common import Case, fmt_time

SECTIONS = ("versions", "models", "fresh", "coldstart", "inference", "logmodel", "information")
VERSION_SIZES = (10, 100, 1000)
MODEL_SIZES = (1, 100, 1000)
VERSION_OPS = ("log_model", "version by alias", "versions()", "SHOW VERSIONS", "set comment")
MODEL_OPS = ("get_model", "models()", "SHOW MODELS", "set comment")
INFERENCE_ROWS = 1_000_000
SMALL_ROWS = 1_000
SUM_SQL = "SELECT SUM(m!predict(a, b, c, d):output_feature_0::int) FROM t"
OBJECT_SQL = "SELECT m!predict(a, b, c, d) FROM t"
CREATE_T = ("CREATE OR REPLACE TABLE t AS SELECT "
            "((seq4() * 7919) % 10007)::FLOAT / 10007 - 0.5 AS a, "
            "((seq4() * 104729) % 10009)::FLOAT / 10009 - 0.5 AS b, "
            "((seq4() * 1299709) % 10037)::FLOAT / 10037 - 0.5 AS c, "
            "((seq4() * 15485863) % 10039)::FLOAT / 10039 - 0.5 AS d "
            "FROM TABLE(GENERATOR(ROWCOUNT => {rows}))")
INFO_SIZES = (1, 100)
INFO_VERSION_SIZES = (100, 1000)
INFO_VERSION_OPS = ("MODEL_VERSIONS (guide)", "MODEL_VERSIONS after a write")
GUIDE_SQL = ("SELECT catalog_name, schema_name, model_name, model_version_name, metadata:metric:accuracy AS accuracy, "
             "comment, owner, functions, created_on, last_altered_on FROM INFO.INFORMATION_SCHEMA.MODEL_VERSIONS "
             "ORDER BY accuracy DESC")
INFO_VIEWS = ("TABLES", "COLUMNS", "VIEWS", "SCHEMATA", "DATABASES", "TABLE_CONSTRAINTS")
INFO_OPS = ("SELECT 1 (reference)", "MODEL_VERSIONS (guide)", "MODEL_VERSIONS after a write",
            "MODEL_VERSIONS after SELECT 1", *INFO_VIEWS)
COLD_SNIPPET = ("import snowreg; c = snowreg.connect(); c.cursor().execute('SELECT 1').fetchall()")
COLD_DUCKDB = "import duckdb; duckdb.connect().execute('SELECT 1').fetchall()"


def fitted_model() -> tuple[Any, Any]:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["A", "B", "C"])
    return LogisticRegression().fit(X, (X["A"] + X["B"] > 0).astype(int)), X.head(5)


class Lazy(dict):  # type: ignore[type-arg]
    """Cases made on first use: `<section>:<size>:<op>` grows the worker's state to `size` first."""

    def __init__(self, make: Callable[[str], Case]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Case:
        case = self[key] = self.make(key)
        return case


# -- snowreg worker (this checkout, or --before's interpreter) -------------------------------------------


class SnowregSide:
    """Registry state grown on demand: model M in DB.PUBLIC with n versions; n models in DB.MANY."""

    def __init__(self) -> None:
        import snowreg

        self.snowreg = snowreg
        self.conn = snowreg.connect(database="DB", schema="PUBLIC")
        self.cur = self.conn.cursor()
        self.reg = snowreg.Registry(self.conn, database_name="DB", schema_name="PUBLIC")
        self.model, self.sample = fitted_model()
        self.reg.log_model(self.model, model_name="M", version_name="V1", sample_input_data=self.sample)
        self.cur.execute("ALTER MODEL M VERSION V1 SET ALIAS = PROD")
        self.m = self.reg.get_model("M")
        self.versions = 1
        self.logged = 0
        self.cur.execute("CREATE SCHEMA DB.MANY")
        self.cur.execute("USE SCHEMA DB.PUBLIC")  # CREATE SCHEMA made MANY current
        self.many = snowreg.Registry(self.conn, database_name="DB", schema_name="MANY")
        self.models = 0

    def grow_versions(self, n: int) -> None:
        n = min(n, 990)  # room for the timed log_model calls under Snowflake's 1,000-version limit
        while self.versions < n:
            self.versions += 1
            self.cur.execute(f"ALTER MODEL M ADD VERSION V{self.versions} FROM MODEL M VERSION V1")

    def grow_models(self, n: int) -> None:
        while self.models < n:
            self.cur.execute(f"CREATE MODEL DB.MANY.M{self.models} WITH VERSION V1 FROM MODEL DB.PUBLIC.M VERSION V1")
            self.models += 1

    def log(self) -> None:
        self.logged += 1
        self.versions += 1
        self.reg.log_model(self.model, model_name="M", version_name=f"L{self.logged}", sample_input_data=self.sample)

    def case(self, key: str) -> Case:
        section, size, op = key.split(":", 2)
        n, sql = int(size), self.cur.execute
        if section == "versions":
            self.grow_versions(n)
            return {"log_model": self.log, "version by alias": lambda: self.m.version("PROD"),
                    "versions()": self.m.versions, "SHOW VERSIONS": lambda: sql("SHOW VERSIONS IN MODEL M").fetchall(),
                    "set comment": lambda: sql("ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'").fetchall()}[op]
        if section == "models":
            self.grow_models(n)
            return {"get_model": lambda: self.many.get_model("M0"), "models()": self.many.models,
                    "SHOW MODELS": lambda: sql("SHOW MODELS IN SCHEMA DB.MANY").fetchall(),
                    "set comment": lambda: sql("ALTER MODEL DB.MANY.M0 SET COMMENT = 'x'").fetchall()}[op]
        if section == "information":
            return self.information_case(n, op)
        if section == "infoversions":
            return self.information_versions_case(n, op)
        if section == "fresh":
            return self.fresh_case(op)
        if section == "inference":
            return self.inference_case(op)
        raise KeyError(key)

    def information_case(self, n: int, op: str) -> Case:
        """Database INFO: n models (accuracy in their metadata), three tables, a view."""
        sql = self.cur.execute
        if not hasattr(self, "info_models"):
            self.info_models = 0
            for statement in ("CREATE DATABASE INFO", "CREATE TABLE INFO.PUBLIC.A (ID INT PRIMARY KEY, X FLOAT, S VARCHAR)",
                              "CREATE TABLE INFO.PUBLIC.B (ID INT, T TIMESTAMP_NTZ, D NUMBER(10, 2))",
                              "CREATE TABLE INFO.PUBLIC.C (V VARIANT)", "CREATE VIEW INFO.PUBLIC.W AS SELECT ID FROM INFO.PUBLIC.A",
                              "USE SCHEMA DB.PUBLIC"):
                sql(statement)
        while self.info_models < n:
            name = f"INFO.PUBLIC.M{self.info_models}"
            sql(f"CREATE MODEL {name} WITH VERSION V1 FROM MODEL DB.PUBLIC.M VERSION V1")
            sql(f"ALTER MODEL {name} MODIFY VERSION V1 SET METADATA = "
                f"'{{\"metric\": {{\"accuracy\": {self.info_models / 1000}}}}}'")
            self.info_models += 1
        guide = lambda: sql(GUIDE_SQL).fetchall()  # noqa: E731
        flip = {"i": 0}

        def write() -> None:
            flip["i"] ^= 1
            sql(f"ALTER MODEL INFO.PUBLIC.M0 MODIFY VERSION V1 SET COMMENT = 'c{flip['i']}'").fetchall()

        cases = {"SELECT 1 (reference)": lambda: sql("SELECT 1").fetchall(), "MODEL_VERSIONS (guide)": guide,
                 "MODEL_VERSIONS after a write": common.prepared(guide, write),
                 "MODEL_VERSIONS after SELECT 1": common.prepared(guide, lambda: sql("SELECT 1").fetchall())}
        if op in cases:
            return cases[op]
        view = f"SELECT * FROM INFO.INFORMATION_SCHEMA.{op}"
        return lambda: sql(view).fetchall()

    def information_versions_case(self, n: int, op: str) -> Case:
        """Database VINFO: one model MV with n versions (990 at most, as grow_versions)."""
        sql = self.cur.execute
        if not hasattr(self, "vinfo_versions"):
            sql("CREATE DATABASE VINFO")
            sql("CREATE MODEL VINFO.PUBLIC.MV WITH VERSION V1 FROM MODEL DB.PUBLIC.M VERSION V1")
            sql("USE SCHEMA DB.PUBLIC")
            self.vinfo_versions = 1
        while self.vinfo_versions < min(n, 990):
            self.vinfo_versions += 1
            sql(f"ALTER MODEL VINFO.PUBLIC.MV ADD VERSION V{self.vinfo_versions} FROM MODEL DB.PUBLIC.M VERSION V1")
        guide = lambda: sql(GUIDE_SQL.replace("INFO.", "VINFO.")).fetchall()  # noqa: E731
        flip = {"i": 0}

        def write() -> None:
            flip["i"] ^= 1
            sql(f"ALTER MODEL VINFO.PUBLIC.MV MODIFY VERSION V1 SET COMMENT = 'c{flip['i']}'").fetchall()

        return {"MODEL_VERSIONS (guide)": guide, "MODEL_VERSIONS after a write": common.prepared(guide, write)}[op]

    def fresh_case(self, op: str) -> Case:
        import duckdb

        def fresh() -> None:
            c = self.snowreg.connect(database="DB", schema="PUBLIC")
            c.cursor().execute("SELECT 1").fetchall()
            c.close()

        def plain() -> None:
            d = duckdb.connect()
            d.execute("SELECT 1").fetchall()
            d.close()

        return {"snowreg": fresh, "duckdb": plain}[op]

    def inference_case(self, op: str) -> Case:
        if not hasattr(self, "infer"):
            self.infer = _inference_setup(self.snowreg)
        conn, model, X = self.infer
        cur = conn.cursor()
        small = X[:SMALL_ROWS]
        return {"model.predict": lambda: model.predict(X), "SUM(m!predict)": lambda: cur.execute(SUM_SQL).fetchall(),
                "fetch 1M OBJECT": lambda: cur.execute(OBJECT_SQL).fetchall(),
                "model.predict, 1k rows": lambda: model.predict(small),
                "SUM, 1k rows": lambda: cur.execute(SUM_SQL.replace("FROM t", "FROM t1k")).fetchall(),
                "OBJECT, 1k rows": lambda: cur.execute(OBJECT_SQL.replace("FROM t", "FROM t1k")).fetchall()}[op]


def _inference_setup(snowreg: Any) -> tuple[Any, Any, Any]:
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    conn = snowreg.connect(database="BENCH", schema="PUBLIC")
    conn.cursor().execute(CREATE_T.format(rows=INFERENCE_ROWS))
    conn.cursor().execute(f"CREATE TABLE t1k AS SELECT * FROM t LIMIT {SMALL_ROWS}")  # the per-statement cost
    data = conn.session.duck.sql('SELECT "A", "B", "C", "D" FROM "T"').fetchnumpy()
    X = np.column_stack([data[k] for k in "ABCD"])
    frame = pd.DataFrame(X[:10_000], columns=list("ABCD"))
    model = LogisticRegression().fit(frame, (frame.A + 2 * frame.B - frame.C > 0).astype(int))
    snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=frame.head(10),
                                     options={"target_methods": ["predict"]})
    expected = int(model.predict(X).sum())
    got = int(conn.cursor().execute(SUM_SQL).fetchall()[0][0])
    if got != expected:
        raise RuntimeError(f"wrong inference answer: {got} != {expected}")
    return conn, model, X


def snowreg_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    warnings.simplefilter("ignore")
    side = SnowregSide()
    info = common.versions("snowreg", "duckdb")
    info["snowreg_path"] = str(Path(side.snowreg.__file__).parent)
    return Lazy(side.case), info


# -- MLflow worker ---------------------------------------------------------------------------------------------


def mlflow_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    """MLflow's registry on a sqlite store: model m with n versions (alias prod on 1), n models m0…"""
    warnings.simplefilter("ignore")
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import logging
    import tempfile

    import mlflow
    import mlflow.sklearn
    from mlflow import MlflowClient

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    mlflow.set_tracking_uri(f"sqlite:///{tmp / 'mlflow.db'}")
    exp = mlflow.create_experiment("bench", artifact_location=(tmp / "artifacts").as_uri())
    mlflow.set_experiment(experiment_id=exp)
    client = MlflowClient()
    model, sample = fitted_model()

    def log(name: str) -> Any:
        with mlflow.start_run():
            return mlflow.sklearn.log_model(model, name="model", registered_model_name=name, input_example=sample,
                                            pip_requirements=["scikit-learn"])

    log("m")
    first = client.get_model_version("m", "1")
    client.set_registered_model_alias("m", "prod", "1")
    state = {"versions": 1, "models": 0}

    def grow(section: str, n: int) -> None:
        while section == "versions" and state["versions"] < n:
            client.create_model_version("m", first.source, run_id=first.run_id)
            state["versions"] += 1
        while section == "models" and state["models"] < n:
            client.create_registered_model(f"m{state['models']}")
            client.create_model_version(f"m{state['models']}", first.source, run_id=first.run_id)
            state["models"] += 1

    def logged() -> None:
        log("m")
        state["versions"] += 1

    def case(key: str) -> Case:
        section, size, op = key.split(":", 2)
        grow(section, int(size))
        cases = {
            "versions": {"log_model": logged, "version by alias": lambda: client.get_model_version_by_alias("m", "prod"),
                         "versions()": lambda: client.search_model_versions("name='m'", max_results=10_000),
                         "set comment": lambda: client.update_model_version("m", "1", description="x")},
            "models": {"get_model": lambda: client.get_registered_model("m0"),
                       "models()": lambda: client.search_registered_models(max_results=1000),
                       "set comment": lambda: client.update_registered_model("m0", description="x")},
        }
        return cases[section][op]

    return Lazy(case), common.versions("mlflow", "scikit-learn")


# -- fakesnow worker ------------------------------------------------------------------------------------------


def fakesnow_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    warnings.simplefilter("ignore")
    import duckdb
    import fakesnow
    import snowflake.connector

    def fresh() -> None:
        with fakesnow.patch():
            c = snowflake.connector.connect(database="DB", schema="PUBLIC")
            c.cursor().execute("SELECT 1").fetchall()
            c.close()

    def plain() -> None:
        d = duckdb.connect()
        d.execute("SELECT 1").fetchall()
        d.close()

    return {"fresh:0:fakesnow": fresh, "fresh:0:duckdb": plain}, common.versions("fakesnow", "duckdb")


WORKERS = {"snowreg": snowreg_setup, "before": snowreg_setup, "mlflow": mlflow_setup, "fakesnow": fakesnow_setup}


# -- the parent ------------------------------------------------------------------------------------------------


def start_workers(args: argparse.Namespace, wanted: set[str]) -> dict[str, common.Worker]:
    """snowreg (this interpreter), `before` (--before), and the peers the chosen sections need."""
    started: dict[str, common.Worker | str] = {"snowreg": common.Worker(sys.executable, __file__, "snowreg")}
    if args.before:
        started["before"] = common.Worker(args.before, __file__, "before")
    if wanted & {"versions", "models"}:
        started["mlflow"] = common.start_worker("mlflow", __file__, "mlflow")
    if "fresh" in wanted:
        started["fakesnow"] = common.start_worker("fakesnow", __file__, "fakesnow")
    workers = {}
    for name, s in started.items():
        worker, why = common.ready_worker(s)
        if worker is None:
            print(f"({name} skipped: {why})")
        else:
            workers[name] = worker
            print(f"{name} worker: {worker.info}")
    return workers


def axis(workers: dict[str, common.Worker], section: str, sizes: tuple[int, ...], ops: tuple[str, ...],
         peer_ops: set[str], quick: bool) -> dict[str, dict[int, dict[str, common.Stats]]]:
    """op → size → contender → stats, sizes ascending (the workers' state only grows)."""
    out: dict[str, dict[int, dict[str, common.Stats]]] = {op: {} for op in ops}
    for n in sizes:
        for op in ops:
            contenders = {name: w.contender(f"{section}:{n}:{op}") for name, w in workers.items()
                          if name in ("snowreg", "before") or (name == "mlflow" and op in peer_ops)}
            rounds, calls = (4, 1) if op == "log_model" else (12, 3)
            if quick:
                rounds, calls = 3, 1
            out[op][n] = common.round_robin(contenders, rounds=rounds, calls=calls, warmup=1, budget_s=6)
            print(f"  {section} n={n} {op}: " + ", ".join(f"{k} {fmt_time(s.median)}" for k, s in out[op][n].items()),
                  flush=True)
    return out


def logmodel(workers: dict[str, common.Worker], quick: bool) -> dict[str, common.Stats]:
    """log_model of a new version of a model with ~10 versions: snowreg and --before only, one call per
    turn, many turns (the versions axis takes four; this is the number issue 13's goal is about)."""
    contenders = {name: w.contender("versions:10:log_model") for name, w in workers.items()
                  if name in ("snowreg", "before")}
    return common.round_robin(contenders, rounds=10 if quick else 60, calls=1, warmup=3, budget_s=150)


def fresh(workers: dict[str, common.Worker], quick: bool) -> dict[str, common.Stats]:
    contenders = {}
    for name in ("snowreg", "before"):
        if name in workers:
            contenders[name] = workers[name].contender("fresh:0:snowreg")
            contenders[f"duckdb ({name} venv)"] = workers[name].contender("fresh:0:duckdb")
    if "fakesnow" in workers:
        contenders["fakesnow"] = workers["fakesnow"].contender("fresh:0:fakesnow")
        contenders["duckdb (fakesnow venv)"] = workers["fakesnow"].contender("fresh:0:duckdb")
    return common.round_robin(contenders, rounds=5 if quick else 30, calls=3, warmup=2, budget_s=40)


def coldstart(args: argparse.Namespace, runs: int) -> dict[str, common.Stats]:
    """Fresh interpreters, interleaved: `import snowreg; connect(); SELECT 1` vs plain duckdb, wall and CPU.

    Every child loads bytecode (common.bytecode_env: PYTHONDONTWRITEBYTECODE stripped, the untimed
    warm-up writes any missing .pyc; snowreg byte-compiled in both builds). Each contender gets a wall
    row and a ` cpu` row (user + system CPU of the child: steadier than wall time on a loaded machine)."""
    commands = {"snowreg": [sys.executable, "-c", COLD_SNIPPET], "duckdb": [sys.executable, "-c", COLD_DUCKDB]}
    if args.before:
        commands["before"] = [args.before, "-c", COLD_SNIPPET]
    fake = common.peer_python("fakesnow")
    if fake is not None:
        commands["fakesnow (import alone)"] = [str(fake), "-c", "import fakesnow"]
        commands["duckdb (fakesnow venv)"] = [str(fake), "-c", COLD_DUCKDB]
    for python in {sys.executable, args.before} - {None}:
        common.compile_package(str(python))
    print(f"  coldstart: {common.BYTECODE_NOTE}; load average {os.getloadavg()[0]:.2f}", flush=True)
    names = list(commands)
    for name in names:  # warm-up, untimed: writes any missing .pyc
        common.run_fresh(commands[name], common.BENCH_DIR)
    stats = {f"{name}{clock}": common.Stats() for name in names for clock in ("", " cpu")}
    start = time.perf_counter()
    for r in range(runs):
        for i in range(len(names)):
            name = names[(r + i) % len(names)]
            wall, cpu = common.run_fresh(commands[name], common.BENCH_DIR)
            stats[name].times.append(wall)
            stats[f"{name} cpu"].times.append(cpu)
        if r >= 4 and time.perf_counter() - start > 120:
            break
    print(f"  coldstart: load average after {os.getloadavg()[0]:.2f}", flush=True)
    return stats


INFERENCE_OPS = ("model.predict", "SUM(m!predict)", "fetch 1M OBJECT", "model.predict, 1k rows", "SUM, 1k rows",
                 "OBJECT, 1k rows")


def inference(workers: dict[str, common.Worker], quick: bool) -> dict[str, dict[str, common.Stats]]:
    out = {}
    for op in INFERENCE_OPS:
        contenders = {f"{name}{clock}": workers[name].contender(f"inference:0:{op}", cpu=bool(clock))
                      for name in ("snowreg", "before") if name in workers for clock in ("", " cpu")}
        out[op] = common.round_robin(contenders, rounds=3 if quick else 11, calls=20 if "1k" in op else 1,
                                     warmup=1, budget_s=150)
        print(f"  inference {op}: " + ", ".join(f"{k} {fmt_time(s.median)}" for k, s in out[op].items()), flush=True)
    return out


def information(workers: dict[str, common.Worker], quick: bool) -> dict[str, dict[str, dict[str, common.Stats]]]:
    """op → number of models (or `v<n>`: one model with n versions) → snowreg / before → stats."""
    out: dict[str, dict[str, dict[str, common.Stats]]] = {op: {} for op in INFO_OPS}
    cases = [("information", n, op) for n in ((1,) if quick else INFO_SIZES) for op in INFO_OPS]
    cases += [] if quick else [("infoversions", n, op) for n in INFO_VERSION_SIZES for op in INFO_VERSION_OPS]
    for section, n, op in cases:
        contenders = {f"{name}{clock}": workers[name].contender(f"{section}:{n}:{op}", cpu=bool(clock))
                      for name in ("snowreg", "before") if name in workers for clock in ("", " cpu")}
        size = str(n) if section == "information" else f"v{n}"
        out[op][size] = common.round_robin(contenders, rounds=5 if quick else 30, calls=5, warmup=2, budget_s=12)
        print(f"  information n={size} {op}: " + ", ".join(f"{k} {fmt_time(s.median)} (p90 {fmt_time(s.p90)})"
                                                       for k, s in out[op][size].items()), flush=True)
    return out


def plot(results: dict[str, Any], path: Path) -> str:
    """Median cost against size, one panel per axis; returns what was written."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed: no plot"
    panels = [(k, v) for k, v in results.items() if k in ("versions", "models")]
    if not panels:
        return "no axis measured: no plot"
    fig, axes = plt.subplots(1, len(panels), figsize=(7 * len(panels), 5), squeeze=False)
    for ax, (section, ops) in zip(axes[0], panels, strict=True):
        for k, (op, by_size) in enumerate(ops.items()):
            names = sorted({c for stats in by_size.values() for c in stats})
            for c in names:  # one colour per operation, one line style per contender
                pts = [(n, s[c].median) for n, s in sorted(by_size.items()) if c in s]
                style = {"snowreg": "-", "before": ":", "mlflow": "--"}.get(c, "-.")
                ax.plot([p[0] for p in pts], [p[1] * 1e3 for p in pts], style, marker="o", color=f"C{k}",
                        label=f"{op} ({'after' if c == 'snowreg' else c})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"number of {section}")
        ax.set_ylabel("median ms per call")
        ax.set_title(f"cost against the number of {section}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    return str(path.relative_to(common.ROOT))


def axis_rows(ops: dict[str, dict[int, dict[str, common.Stats]]]) -> list[list[str]]:
    rows = []
    for op, by_size in ops.items():
        for n, stats in by_size.items():
            rows.append([op, str(n)] + [fmt_time(stats[c].median) if c in stats else "-"
                                        for c in ("before", "snowreg", "mlflow")])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer rounds (a smoke run)")
    parser.add_argument("--before", help="an interpreter with another snowreg build, measured alongside")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="sections to run (default: all)")
    parser.add_argument("--replot", help="redraw the plot from a results JSON of this script")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        common.serve(WORKERS[args.worker])
        return
    if args.replot:
        saved = json.loads(Path(args.replot).read_text())
        print(plot({section: {op: {int(n): {c: common.Stats([v["median_s"]]) for c, v in by_c.items()}
                                        for n, by_c in by_n.items()} for op, by_n in saved[section].items()}
                    for section in ("versions", "models") if section in saved},
                   common.RESULTS_DIR / "bench_scale.png"))
        return
    wanted = set(args.only or SECTIONS)
    t0 = time.perf_counter()
    out: dict[str, Any] = {"machine": common.machine_info(), "before": args.before}
    print(f"bench_scale  {out['machine']['date']}  {out['machine']['cpu']} × {out['machine']['cpus']}")
    workers = {} if wanted == {"coldstart"} else start_workers(args, wanted)
    out["workers"] = {k: w.info for k, w in workers.items()}
    results: dict[str, Any] = {}
    try:
        vs, ms = ((10, 100), (1, 100)) if args.quick else (VERSION_SIZES, MODEL_SIZES)
        if "versions" in wanted:
            results["versions"] = axis(workers, "versions", vs, VERSION_OPS,
                                       {"log_model", "version by alias", "versions()", "set comment"}, args.quick)
        if "models" in wanted:
            results["models"] = axis(workers, "models", ms, MODEL_OPS,
                                     {"get_model", "models()", "set comment"}, args.quick)
        if "fresh" in wanted:
            results["fresh"] = fresh(workers, args.quick)
        if "logmodel" in wanted:
            results["logmodel"] = logmodel(workers, args.quick)
        if "inference" in wanted and not args.quick:
            results["inference"] = inference(workers, args.quick)
        if "information" in wanted:
            results["information"] = information(workers, args.quick)
    finally:
        for w in workers.values():
            w.close()
    if "coldstart" in wanted:
        results["coldstart"] = coldstart(args, 4 if args.quick else 15)
    report(results, out)
    out["plot"] = plot(results, common.RESULTS_DIR / "bench_scale.png")
    out["wall_s"] = time.perf_counter() - t0
    print(f"\nplot: {out['plot']}\nresults: {common.save('bench_scale', out).relative_to(common.ROOT)}  "
          f"(total {out['wall_s']:.0f} s)")


def report(results: dict[str, Any], out: dict[str, Any]) -> None:
    header = ["operation", "n", "before", "snowreg", "peer (MLflow)"]
    for section in ("versions", "models"):
        if section in results:
            print("\n" + common.table(f"{section} axis: median per call", axis_rows(results[section]), header))
            out[section] = {op: {str(n): common.stats_json(s) for n, s in by.items()}
                            for op, by in results[section].items()}
    if "coldstart" in results:
        for clock in ("", " cpu"):
            part = {k: v for k, v in results["coldstart"].items() if k.endswith(" cpu") == bool(clock)}
            print("\n" + common.table(f"coldstart: median per fresh interpreter ({'CPU' if clock else 'wall'})",
                                      common.comparison_rows(part, f"duckdb{clock}"), common.COMPARISON_HEADER))
        out["coldstart"] = common.stats_json(results["coldstart"])
    for section, base in (("fresh", None), ("logmodel", "before")):
        if section in results:
            print("\n" + common.table(f"{section}: median per call", common.comparison_rows(results[section], base),
                                      common.COMPARISON_HEADER))
            out[section] = common.stats_json(results[section])
    if "information" in results:
        names = ("before", "snowreg", "before cpu", "snowreg cpu")
        rows = [[op, str(n), *(f"{fmt_time(s[c].median)} / {fmt_time(s[c].p90)}" if c in s else "-" for c in names)]
                for op, by_n in results["information"].items() for n, s in by_n.items()]
        print("\n" + common.table("INFORMATION_SCHEMA queries (models in INFO; v<n>: one model with n versions "
                                  "in VINFO): median / p90 of wall time, then of the worker's CPU time", rows,
                                  ["query", "models", *names]))
        out["information"] = {op: {n: common.stats_json(s) for n, s in by_n.items()}
                              for op, by_n in results["information"].items()}
    if "inference" in results:
        names = ("before", "snowreg", "before cpu", "snowreg cpu")
        by_op = results["inference"]
        rows = [[op, *(_with_ratio(s, c, by_op["model.predict" + (", 1k rows" if "1k" in op else "")]) for c in names)]
                for op, s in by_op.items()]
        print("\n" + common.table(f"inference over {INFERENCE_ROWS:,} rows: median wall, then the worker's CPU "
                                  "time (× that worker's own model.predict)", rows, ["case", *names]))
        out["inference"] = {op: common.stats_json(s) for op, s in results["inference"].items()}


def _with_ratio(stats: dict[str, common.Stats], name: str, baseline: dict[str, common.Stats]) -> str:
    if name not in stats:
        return "-"
    ratio = stats[name].median / baseline[name].median if name in baseline else None
    return fmt_time(stats[name].median) + (f" ({ratio:.1f}×)" if ratio is not None else "")


if __name__ == "__main__":
    main()
