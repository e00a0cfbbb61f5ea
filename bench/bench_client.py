"""The registry client lifecycle in-process: log_model and run on 1,000 rows, median per call.

Contenders: the unmodified snowflake-ml-python Registry over a Snowpark session on a `snowreg.patch()`
connection (runs in .venv-client as a worker subprocess: the clients need pandas < 3), and
`snowreg.Registry` on a snowreg connection (in this process, and also inside the client worker so both
APIs are compared under the same library versions). Goal (issue 13): the client's log_model <= 150 ms
and run on 1,000 rows <= 50 ms median (issue 5's were 0.3 s / 0.1 s).

`--before PYTHON`: an interpreter with another snowreg build and the same client pins (a venv made with
`pip install '<old checkout>[client-tests]'`), run as a second client worker interleaved with this one.
`--cpu`: CPU time instead of wall time (for a loaded machine). `--split`: where the client's calls spend their time, snowreg's handling of each statement vs the
client's own work (client_split.py, run in .venv-client).

Run: .venv/bin/python bench/bench_client.py [--quick] [--profile] [--before PYTHON] [--cpu] [--split]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import common
from common import Case, fmt_time

LOG_MODEL_GOAL_S = 0.15
RUN_GOAL_S = 0.05
CLIENT_PYTHON = common.ROOT / ".venv-client" / "bin" / "python"
PLAN = [("log_model", 12, 1), ("run 1,000 rows (pandas)", 30, 2), ("run 1,000 rows (Snowpark frame)", 30, 2)]


def data() -> tuple[Any, Any, Any]:
    """A fitted LogisticRegression, a 5-row sample and 1,000 rows to score (same on both sides)."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["A", "B", "C"])
    model = LogisticRegression().fit(X, (X["A"] + X["B"] > 0).astype(int))
    return model, X.head(5), pd.DataFrame(rng.normal(size=(1000, 3)), columns=["A", "B", "C"])


def snowreg_cases(conn: Any) -> dict[str, Case]:
    """snowreg.Registry: log a new version per call; run PREDICT on 1,000 pandas rows."""
    import snowreg

    model, sample, rows = data()
    reg = snowreg.Registry(conn)
    counter = iter(range(2, 10**6))
    mv = reg.log_model(model, model_name="M", version_name="V1", sample_input_data=sample)
    return {
        "log_model": lambda: reg.log_model(model, model_name="M", version_name=f"V{next(counter)}",
                                           sample_input_data=sample),
        "run 1,000 rows (pandas)": lambda: mv.run(rows, function_name="predict"),
    }


def client_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    """In .venv-client: the real Registry over Snowpark on snowreg.patch(), plus snowreg.Registry."""
    warnings.simplefilter("ignore")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import snowreg

    patched = snowreg.patch(database="DB", schema="PUBLIC").__enter__()
    import snowflake.connector
    from snowflake.ml.registry import Registry
    from snowflake.snowpark import Session

    session = Session.builder.configs({"connection": snowflake.connector.connect()}).create()
    model, sample, rows = data()
    reg = Registry(session)
    counter = iter(range(2, 10**6))
    mv = reg.log_model(model, model_name="REAL", version_name="V1", sample_input_data=sample)
    frame = session.create_dataframe(rows)
    cases: dict[str, Case] = {
        "log_model": lambda: reg.log_model(model, model_name="REAL", version_name=f"V{next(counter)}",
                                           sample_input_data=sample),
        "run 1,000 rows (pandas)": lambda: mv.run(rows, function_name="predict"),
        "run 1,000 rows (Snowpark frame)": lambda: mv.run(frame, function_name="predict").to_pandas(),
    }
    ours = snowreg_cases(patched.connect())
    cases.update({f"snowreg.Registry: {k}": v for k, v in ours.items()})
    return cases, common.versions("snowflake-ml-python", "snowflake-snowpark-python",
                                  "snowflake-connector-python", "pandas", "scikit-learn")


def compare(worker: common.Worker | None, args: argparse.Namespace,
            before: common.Worker | None = None) -> dict[str, dict[str, common.Stats]]:
    import snowreg

    local = snowreg_cases(snowreg.connect(database="DB", schema="PUBLIC"))
    results: dict[str, dict[str, common.Stats]] = {}
    for op, rounds, calls in PLAN:
        contenders: dict[str, common.Contender] = {}
        if worker is not None and op in worker.cases:
            contenders["snowflake-ml-python"] = worker.contender(op)
        if before is not None and op in before.cases:
            contenders["snowflake-ml-python (before)"] = before.contender(op)
        if worker is not None and f"snowreg.Registry: {op}" in worker.cases:
            contenders["snowreg.Registry (client env)"] = worker.contender(f"snowreg.Registry: {op}")
        if op in local:
            contenders["snowreg.Registry"] = common.local(local[op])
        if contenders:
            rounds = max(5, rounds // 4) if args.quick else rounds
            results[op] = common.round_robin(contenders, rounds=rounds, calls=calls, warmup=1, budget_s=20)
    if args.profile:
        profile(local)
    return results


def profile(cases: dict[str, Case]) -> None:
    """Where snowreg.Registry's time goes (cProfile, cumulative, top entries) — printed to stderr."""
    for name, case in cases.items():
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(3):
            case()
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
        print(f"--- profile: {name} (3 calls)\n{out.getvalue()}", file=sys.stderr)


def split_here(quick: bool) -> None:
    """In .venv-client: the client's calls split into snowreg's statements and the client's own work."""
    import client_split

    cases, info = client_setup()
    print(f"load average {os.getloadavg()}; {info}")
    ops = [op for op, _, _ in PLAN]
    client_split.report(cases, ops, calls=5 if quick else 15, out=print)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--profile", action="store_true", help="also profile snowreg.Registry's cases")
    parser.add_argument("--before", help="an interpreter with another snowreg build (and the client), measured alongside")
    parser.add_argument("--split", action="store_true", help="only the split: snowreg's statements vs the client's own work")
    parser.add_argument("--cpu", action="store_true", help="time CPU (process time) instead of wall time")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "split":
        split_here(args.quick)
        return
    if args.worker:
        common.serve(client_setup)
        return
    if args.cpu:
        os.environ["BENCH_CLOCK"] = "cpu"  # the workers inherit it (common.time_calls)
    if args.split:
        sys.exit(subprocess.call([str(CLIENT_PYTHON), __file__, "--worker", "split", *(["--quick"] * args.quick)]))
    t0, load_before = time.perf_counter(), os.getloadavg()
    started: common.Worker | str = (common.Worker(CLIENT_PYTHON, Path(__file__), "client")
                                    if CLIENT_PYTHON.exists() else "no .venv-client (see .ci/run)")
    before_started = common.Worker(args.before, Path(__file__), "before") if args.before else None
    worker, why = common.ready_worker(started)
    before = common.ready_worker(before_started)[0] if before_started is not None else None
    try:
        results = compare(worker, args, before)
    finally:
        for w in (worker, before):
            if w is not None:
                w.close()
    rows = []
    for op, stats in results.items():
        goal = LOG_MODEL_GOAL_S if op == "log_model" else RUN_GOAL_S
        for name, s in stats.items():
            rows.append([op, name, fmt_time(s.median), fmt_time(s.p90), str(s.n),
                         "yes" if s.median <= goal else f"no (goal {fmt_time(goal)})"])
    clock = "CPU time" if args.cpu else "wall time"
    print(common.table(f"Client lifecycle, in-process (median {clock} per call)", rows,
                       ["operation", "contender", "median", "p90", "n", "meets goal"]))
    if worker is None:
        print(f"snowflake-ml-python: skipped ({why})")
    print(f"load average (1, 5, 15 min) at start {load_before}, at end {os.getloadavg()}")
    payload = {"machine": common.machine_info(), "client": worker.info if worker else {"skipped": why},
               "before": args.before, "load_average_at_start": load_before, "clock": clock,
               "results": {op: common.stats_json(s) for op, s in results.items()},
               "wall_s": time.perf_counter() - t0}
    print(f"saved {common.save('bench_client', payload)}")


if __name__ == "__main__":
    main()
