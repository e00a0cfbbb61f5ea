"""The cost of the trust boundary: SELECT 1, a 1M-row scan and connect(), this tree vs another snowreg.

Run: .venv/bin/python bench/bench_sandbox.py [--base DIR] [--rounds N]
`--base DIR`: a directory holding another installed snowreg (e.g. `pip install --no-deps --target DIR
<checkout of the base commit>`). Workers for both alternate in one run, so machine noise hits both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROWS = 1_000_000


def _median_per_call(fn: Any, calls: int, batches: int) -> float:
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return statistics.median(times)


def worker() -> dict[str, float]:
    """One process: the timings of this interpreter's snowreg."""
    import snowreg

    connect = _median_per_call(lambda: snowreg.connect().close(), 5, 5)
    conn = snowreg.connect(database="B", schema="S")
    cur = conn.cursor()
    cur.execute(f"CREATE TABLE T AS SELECT seq4() AS id, uniform(0, 1000, random()) AS x "
                f"FROM TABLE(GENERATOR(ROWCOUNT => {ROWS}))")
    select1 = _median_per_call(lambda: cur.execute("SELECT 1").fetchall(), 500, 5)
    scan = _median_per_call(lambda: cur.execute("SELECT SUM(x), COUNT(*) FROM T WHERE id % 7 <> 3").fetchall(), 5, 3)
    fetch = _median_per_call(lambda: cur.execute("SELECT id, x FROM T").fetchall(), 1, 3)
    return {"connect": connect, "select1": select1, "scan_1m": scan, "fetch_1m": fetch}


def _run_worker(pythonpath: str | None) -> dict[str, float]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker"], env=env, check=True,
                         capture_output=True, text=True, cwd=str(Path(__file__).resolve().parent)).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--base", help="directory with another installed snowreg to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker()))
        return
    contenders = {"this tree": None} | ({"base": args.base} if args.base else {})
    results: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, path in contenders.items():
            results[name].append(_run_worker(path))
    print(f"{'':12}" + "".join(f"{k:>14}" for k in results[next(iter(results))][0]))
    for name, runs in results.items():
        medians = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"{name:12}" + "".join(f"{v * 1000:>12.3f}ms" for v in medians.values()))


if __name__ == "__main__":
    main()
