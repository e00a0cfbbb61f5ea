"""Model inference through SQL vs the model's own call, over 1,000,000 rows (issue 3).

    SELECT SUM(m!predict(a, b, c, d):output_feature_0::int) FROM t      -- LogisticRegression, 4 floats

is timed against `model.predict(X)` on the same rows already in numpy (the baseline: the limit of
SQL inference is the model's own cost plus one scan). Contenders, interleaved round by round:

- direct:        model.predict(X)
- sql:           the statement above through a snowreg cursor (the fast path: the model called on parts)
- sql_object:    SELECT m!predict(...) FROM t, every row fetched (the OBJECT column, JSON text per row)
- sql_previous_calls: the SUM with the model called once per DuckDB batch as it comes (before the
                 tenth round: 17 calls per million rows; now a first batch and parts of `fast.call_rows`)
- sql_read_ahead: the SUM with the next part read and its matrix filled on a thread while the model runs
                 on this one (stream.AHEAD: the default before the eleventh round)
- sql_general, sql_object_general: the same two with the shortcuts past DuckDB's final scan turned off
                 (engine/inference/shortcut.py), i.e. the previous road
- duckdb_scan:   plain DuckDB summing the four columns: the floor of reading the arguments out of DuckDB
- sql_fallback:  the same SUM with a join in FROM, which keeps the per-vector UDF (2,048 rows a call)

Each contender is timed three ways: wall time, the process's CPU time (every thread) and the calling
thread's CPU time alone (`time.thread_time`: the work nothing overlaps; the process's CPU less this is
DuckDB's worker threads, which scan ahead into the stream's buffer, and BLAS's threads), which stays
readable on a loaded machine where wall time mostly measures the wait for a core. The model's fixed
cost per call (`predict` on 16 rows) times the number of batches says what calling it per batch costs.
Then one profiled run of `sql` says where the time goes. `--before PYTHON` (an interpreter with another
snowreg build) adds direct / sql / sql_object of both builds, each in its own worker process over
1,000,000 rows, interleaved round by round: wall, each worker's process CPU and its main thread's CPU.

Run: .venv/bin/python bench/bench_inference.py [--rows N] [--rounds R] [--quick] [--before PYTHON]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
import warnings
from contextlib import nullcontext
from typing import Any

import common
from common import fmt_time

SUM_SQL = "SELECT SUM(m!predict(a, b, c, d):output_feature_0::int) FROM t"
FALLBACK_SQL = ("SELECT SUM(m!predict(a, b, c, d):output_feature_0::int) FROM t "
                "JOIN (SELECT 1 AS one) u ON TRUE")
OBJECT_SQL = "SELECT m!predict(a, b, c, d) FROM t"
SCAN_SQL = 'SELECT SUM("A"), SUM("B"), SUM("C"), SUM("D") FROM "T"'  # plain DuckDB reading the four columns

# Deterministic features in [-0.5, 0.5): permutations of k/p for four primes p.
CREATE_T = ("CREATE OR REPLACE TABLE t AS SELECT "
            "((seq4() * 7919) % 10007)::FLOAT / 10007 - 0.5 AS a, "
            "((seq4() * 104729) % 10009)::FLOAT / 10009 - 0.5 AS b, "
            "((seq4() * 1299709) % 10037)::FLOAT / 10037 - 0.5 AS c, "
            "((seq4() * 15485863) % 10039)::FLOAT / 10039 - 0.5 AS d "
            "FROM TABLE(GENERATOR(ROWCOUNT => {rows}))")


def setup(rows: int) -> tuple[Any, Any, Any]:
    """A registry with table t and model M (LogisticRegression on 4 features); X is t as numpy."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    import snowreg

    conn = snowreg.connect(database="BENCH", schema="PUBLIC")
    cur = conn.cursor()
    cur.execute(CREATE_T.format(rows=rows))
    data = conn.session.duck.sql('SELECT "A", "B", "C", "D" FROM "T"').fetchnumpy()
    X = np.column_stack([data[k] for k in "ABCD"])
    frame = pd.DataFrame(X[:10_000], columns=list("ABCD"))
    y = (frame.A + 2 * frame.B - frame.C > 0).astype(int)
    model = LogisticRegression().fit(frame, y)
    snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=frame.head(10),
                                     options={"target_methods": ["predict"]})
    return conn, model, X


def general(fn: Any) -> Any:
    """`fn` with the shortcuts past DuckDB's final scan (engine/inference/shortcut.py) turned off."""
    from snowreg.engine.inference import shortcut

    def run() -> Any:
        shortcut.ENABLED = False
        try:
            return fn()
        finally:
            shortcut.ENABLED = True
    return run


def previous_calls(fn: Any) -> Any:
    """`fn` with the model called as before the tenth round (bench/README.md): once per DuckDB batch as
    it comes (65,536 and 57,344 rows in turn: its batches never span a 122,880-row row group; 17 calls
    per million rows), instead of a small first batch and then parts of `fast.call_rows` rows."""
    from snowreg.engine.inference import fast, stream

    def as_they_come(reader: Any, rows: int, check: Any) -> Any:
        while True:
            check()
            batch = stream._next(reader)
            if batch is None:
                return
            if batch.num_rows:
                yield batch

    def run() -> Any:
        saved = fast.BATCH_VALUES, fast.CALL_VALUES, stream._parts
        fast.BATCH_VALUES = fast.CALL_VALUES = 1 << 18
        stream._parts = as_they_come
        try:
            return fn()
        finally:
            fast.BATCH_VALUES, fast.CALL_VALUES, stream._parts = saved
    return run


def read_ahead(fn: Any) -> Any:
    """`fn` with the next part read and prepared on a thread while the model runs (stream.AHEAD)."""
    from snowreg.engine.inference import stream

    def run() -> Any:
        saved, stream.AHEAD = stream.AHEAD, True
        try:
            return fn()
        finally:
            stream.AHEAD = saved
    return run


def cases(conn: Any, cur: Any, model: Any, X: Any) -> dict[str, Any]:
    """The contenders but the slow per-vector fallback."""
    return {
        "direct": lambda: model.predict(X),
        "sql": lambda: cur.execute(SUM_SQL).fetchall(),
        "sql_previous_calls": previous_calls(lambda: cur.execute(SUM_SQL).fetchall()),
        "sql_read_ahead": read_ahead(lambda: cur.execute(SUM_SQL).fetchall()),
        "sql_general": general(lambda: cur.execute(SUM_SQL).fetchall()),
        "sql_object": lambda: cur.execute(OBJECT_SQL).fetchall(),
        "sql_object_general": general(lambda: cur.execute(OBJECT_SQL).fetchall()),
        "duckdb_scan": lambda: conn.session.duck.sql(SCAN_SQL).fetchall(),
    }


def cpu_time(fn: Any) -> Any:
    """A contender timed by the process's CPU time (all threads) instead of wall time."""
    def timed(calls: int) -> list[float]:
        out = []
        for _ in range(calls):
            t0 = time.process_time()
            fn()
            out.append(time.process_time() - t0)
        return out
    return timed


def main_thread_cpu(fn: Any) -> Any:
    """A contender timed by the calling thread's CPU time only: the work that cannot overlap anything.
    The process's CPU time minus this is DuckDB's worker threads (its share of the scan) and BLAS's."""
    def timed(calls: int) -> list[float]:
        out = []
        for _ in range(calls):
            t0 = time.thread_time()
            fn()
            out.append(time.thread_time() - t0)
        return out
    return timed


def per_call_cost(model: Any, X: Any, calls: int = 200) -> tuple[float, float]:
    """The model's fixed cost per call (`predict` on 16 rows: validation, no data) and one batch's
    call at the fast path's batch size, median main-thread CPU seconds of `calls` each."""
    import numpy as np

    from snowreg.engine.inference.fast import call_rows

    small, batch = np.asfortranarray(X[:16]), np.asfortranarray(X[:call_rows(X.shape[1])])
    fixed, full = [], []
    for _ in range(calls):
        for part, out in ((small, fixed), (batch, full)):
            t0 = time.thread_time()
            model.predict(part)
            out.append(time.thread_time() - t0)
    return statistics.median(fixed), statistics.median(full)


def paired(cur: Any, sql: str, pairs: int, switch: Any = None) -> dict[str, tuple[float, float]]:
    """The statement with a switch on and off (default: the shortcuts; `switch` a module with a boolean
    attribute, as `(module, name)`), back to back, the order swapped every pair (in the round-robin
    table each contender always follows the same neighbour, which on this machine moves medians by more
    than the shortcuts do): median (wall, CPU) seconds of each."""
    from snowreg.engine.inference import shortcut

    module, name = switch or (shortcut, "ENABLED")
    default = getattr(module, name)
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for i in range(pairs):
        for flag in ((True, False) if i % 2 else (False, True)):
            setattr(module, name, flag)
            wall, cpu = time.perf_counter(), time.process_time()
            cur.execute(sql).fetchall()
            times[flag].append((time.perf_counter() - wall, time.process_time() - cpu))
    setattr(module, name, default)
    return {("on" if flag else "off"): (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
            for flag, t in times.items()}


def one_blas_thread(cur: Any, model: Any, X: Any, rounds: int) -> dict[str, tuple[float, float]]:
    """The model call and both statements with BLAS limited to one thread (threadpoolctl) against the
    default, interleaved: what a user's `OPENBLAS_NUM_THREADS=1` would give. Measured only: snowreg
    leaves the process's BLAS threads as the user set them. Median (wall, CPU) seconds of each."""
    from threadpoolctl import threadpool_limits

    runs = {"direct": lambda: model.predict(X), "sql": lambda: cur.execute(SUM_SQL).fetchall(),
            "sql_object": lambda: cur.execute(OBJECT_SQL).fetchall()}
    times: dict[str, list[tuple[float, float]]] = {}
    for i in range(rounds):
        for limited in ((True, False) if i % 2 else (False, True)):
            for name, fn in runs.items():
                with threadpool_limits(limits=1, user_api="blas") if limited else nullcontext():
                    wall, cpu = time.perf_counter(), time.process_time()
                    fn()
                    elapsed = (time.perf_counter() - wall, time.process_time() - cpu)
                times.setdefault(f"{name}, BLAS {'1 thread' if limited else 'default'}", []).append(elapsed)
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}


def check(conn: Any, model: Any, X: Any) -> int:
    """The SQL answer must be the model's own answer."""
    expected = int(model.predict(X).astype(int).sum())
    got = conn.cursor().execute(SUM_SQL).fetchall()[0][0]
    fallback = conn.cursor().execute(FALLBACK_SQL).fetchall()[0][0]
    if not (int(got) == int(fallback) == expected):
        raise SystemExit(f"wrong answer: sql={got} fallback={fallback} direct={expected}")
    return expected


def profile(conn: Any, top: int = 18) -> str:
    """cProfile of one fast-path statement: the biggest cumulative entries."""
    cur = conn.cursor()
    prof = cProfile.Profile()
    prof.enable()
    cur.execute(SUM_SQL).fetchall()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def phases(conn: Any, model: Any, X: Any) -> dict[str, float]:
    """The fast path's phases timed one by one, outside the engine (same SQL, same data, same steps)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from snowreg.engine.inference.fast import call_rows
    from snowreg.engine.inference.rows import rows_of

    duck = conn.session.duck
    out: dict[str, float] = {}
    clock = time.perf_counter
    t = clock()
    duck.sql('SELECT SUM("A"), SUM("B"), SUM("C"), SUM("D") FROM "T"').fetchall()
    out["DuckDB alone: SUM of the four columns (its scan, no output)"], t = clock() - t, clock()
    args = ('SELECT CAST("A" AS DOUBLE) a0, CAST("B" AS DOUBLE) a1, CAST("C" AS DOUBLE) a2, '
            'CAST("D" AS DOUBLE) a3 FROM "T"')
    table = duck.sql(args).to_arrow_table()
    out["the arguments as one Arrow table (DuckDB → Arrow; the previous road)"], t = clock() - t, clock()
    matrix = np.empty((table.num_rows, 4), order="F")
    for j in range(4):
        offset = 0
        for chunk in table.column(j).chunks:
            part = chunk.to_numpy()
            matrix[offset:offset + len(part), j] = part
            offset += len(part)
    out["Arrow chunks → one F-order matrix (the previous road)"], t = clock() - t, clock()
    model.predict(matrix)
    out["model.predict on it, one call (the previous road)"], t = clock() - t, clock()
    model.predict(X)
    out["model.predict(X) (the baseline's C-order X)"] = clock() - t
    rows = call_rows(4)  # DuckDB's batches at the size of the engine's calls (it joins them across row groups)
    read = fill = call = 0.0
    parts = []
    reader = duck.sql(args).to_arrow_reader(rows)
    while True:
        t = clock()
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            break
        u = clock()
        part = np.empty((batch.num_rows, 4), order="F")
        for j in range(4):
            part[:, j] = batch.column(j).to_numpy()
        v = clock()
        parts.append(model.predict(part))
        read, fill, call = read + u - t, fill + v - u, call + clock() - v
    reader.close()
    out[f"streamed: DuckDB → Arrow batches of {rows:,} rows"] = read
    out["streamed: each batch → its F-order matrix"] = fill
    out["streamed: model.predict per batch"] = call
    labels = np.concatenate(parts)
    t = clock()
    outputs = pa.table({"o": labels})
    duck.register("__bench_out", outputs)
    duck.sql('SELECT CAST(SUM("o") AS DECIMAL(38, 0)) FROM "__bench_out"').fetchall()  # the general path
    duck.unregister("__bench_out")
    out["SUM, general: DuckDB over the registered output"], t = clock() - t, clock()
    pc.min_max(outputs.column(0))
    total = pc.sum(outputs.column(0)).as_py()
    out["SUM, shortcut: the partial in Arrow (replayed: the answer, no DuckDB)"], t = clock() - t, clock()
    duck.execute('SELECT CAST(SUM("p") AS DECIMAL(38, 0)) FROM (VALUES (CAST(? AS BIGINT))) AS "T"("p")',
                 [total]).fetchall()
    out["SUM, shortcut: DuckDB over the partial's row (the planning run only)"], t = clock() - t, clock()
    listed = rows_of(outputs, {0: ('{\n  "output_feature_0": ', "\n}")})
    out["OBJECT: the row tuples from the labels (rows.py)"], t = clock() - t, clock()
    listed[0:]
    out["OBJECT: the cursor's copy of the list (fetchall)"] = clock() - t
    return out


def worker_setup() -> tuple[dict[str, Any], dict[str, Any]]:
    """A `--before` comparison's worker (this build or the other): the three cases over 1M rows."""
    warnings.filterwarnings("ignore", message="X does not have valid feature names")
    import snowreg

    conn, model, X = setup(1_000_000)
    cur = conn.cursor()
    check(conn, model, X)
    return ({"direct": lambda: model.predict(X), "sql": lambda: cur.execute(SUM_SQL).fetchall(),
             "sql_object": lambda: cur.execute(OBJECT_SQL).fetchall()}, {"snowreg_path": snowreg.__file__})


def against_before(before: str, rounds: int) -> dict[str, common.Stats]:
    """This build and `before`, each in a worker, the three cases interleaved, wall and CPU."""
    workers = {"now": common.Worker(sys.executable, __file__, "now"),
               "before": common.Worker(before, __file__, "before")}
    try:
        for worker in workers.values():
            worker.wait_ready()
        clocks = {"": False, " cpu": True, " main": "thread"}
        contenders = {f"{name} {case}{suffix}": worker.contender(case, clock)
                      for name, worker in workers.items() for case in ("direct", "sql", "sql_object")
                      for suffix, clock in clocks.items()}
        return common.round_robin(contenders, rounds=rounds, warmup=2, budget_s=300)
    finally:
        for worker in workers.values():
            worker.close()


def before_rows(stats: dict[str, common.Stats]) -> list[list[str]]:
    """One row per build and case: wall, process CPU and main-thread CPU medians, each × that build's
    own model call."""
    out = []
    for name in ("before", "now"):
        for case in ("direct", "sql", "sql_object"):
            row = [f"{name}: {case}"]
            for suffix in ("", " cpu", " main"):
                value, direct = stats[f"{name} {case}{suffix}"].median, stats[f"{name} direct{suffix}"].median
                row.append(f"{fmt_time(value)} ({value / direct:.2f}×)")
            out.append(row)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="100,000 rows, 5 rounds")
    parser.add_argument("--before", help="an interpreter with another snowreg build, measured alongside")
    parser.add_argument("--only-before", action="store_true", help="with --before: only that comparison")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        common.serve(worker_setup)
        return
    if args.before:
        load = os.getloadavg()
        compared = against_before(args.before, args.rounds)
        print(common.table(f"this build and --before ({args.before}), 1,000,000 rows, interleaved, medians "
                           f"(load {load[0]:.2f} → {os.getloadavg()[0]:.2f})", before_rows(compared),
                           ["build: case", "wall", "process CPU", "main thread's CPU"]))
        common.save("bench_inference_before", {"machine": common.machine_info(), "before": args.before,
                                               "stats": common.stats_json(compared),
                                               "loadavg": [load, os.getloadavg()]})
        if args.only_before:
            return
    rows, rounds = (100_000, 5) if args.quick else (args.rows, args.rounds)
    # scikit-learn warns on each numpy call of a model fitted on a frame; snowreg's own calls silence it,
    # which resets the warning registry, so the baseline would print it on every call: not model work
    warnings.filterwarnings("ignore", message="X does not have valid feature names")
    conn, model, X = setup(rows)
    answer = check(conn, model, X)
    cur = conn.cursor()
    contenders = {name: common.local(fn) for name, fn in cases(conn, cur, model, X).items()}
    contenders["sql_fallback"] = common.local(lambda: cur.execute(FALLBACK_SQL).fetchall())
    stats = common.round_robin(contenders, rounds=rounds, warmup=2, budget_s=240)
    # CPU time of the whole process (every thread: DuckDB's and BLAS's too): what the work costs, less
    # sensitive than wall time to waiting for a core on a shared machine.
    cpu = common.round_robin({name: cpu_time(fn) for name, fn in cases(conn, cur, model, X).items()},
                             rounds=rounds, warmup=1, budget_s=120)
    ratio = stats["sql"].median / stats["direct"].median
    print(common.table(f"SUM(m!predict(a, b, c, d):output_feature_0::int) over {rows:,} rows "
                       f"(answer {answer}); sql_object fetches all {rows:,} OBJECT rows",
                       common.comparison_rows(stats, "direct"), common.COMPARISON_HEADER))
    best = stats["sql"].minimum / stats["direct"].minimum
    objects = stats["sql_object"].median / stats["direct"].median
    print(f"\nsql / direct = {ratio:.2f}x by medians, {best:.2f}x by best runs (goal: within 1.5x)")
    print(f"sql_object / direct = {objects:.2f}x by medians (goal: within 5x)")
    print("\n" + common.table("the same, CPU time of the process (all threads)",
                              common.comparison_rows(cpu, "direct"), common.COMPARISON_HEADER))
    print(f"CPU time: sql / direct = {cpu['sql'].median / cpu['direct'].median:.2f}x, sql_object / direct = "
          f"{cpu['sql_object'].median / cpu['direct'].median:.2f}x by medians")
    main = common.round_robin({name: main_thread_cpu(fn) for name, fn in cases(conn, cur, model, X).items()},
                              rounds=rounds, warmup=1, budget_s=120)
    print("\n" + common.table("the same, CPU time of the calling thread only (the process's CPU less DuckDB's "
                              "worker and BLAS's threads)", common.comparison_rows(main, "direct"),
                              common.COMPARISON_HEADER))
    fixed, full = per_call_cost(model, X)
    from snowreg.engine.inference.fast import batch_rows, call_rows

    calls = 1 + -(-max(rows - batch_rows(4), 0) // call_rows(4))
    print(f"model.predict's fixed cost per call (16 rows) {fmt_time(fixed)}, one call of {call_rows(4):,} rows "
          f"{fmt_time(full)} (main-thread CPU); {calls} calls (a first batch of {batch_rows(4):,} rows, then "
          f"parts of {call_rows(4):,}): {fmt_time(calls * fixed)} of fixed cost")
    print(f"load average during the run: {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min)")
    ab = {name: paired(cur, sql, max(rounds, 10)) for name, sql in (("sum", SUM_SQL), ("object", OBJECT_SQL))}
    print("\n" + common.table("shortcuts on / off, back to back, order swapped each pair (medians)",
                              [[f"{name} {k}", fmt_time(w), fmt_time(c)] for name, r in ab.items()
                               for k, (w, c) in r.items()], ["statement", "wall", "CPU"]))
    from snowreg.engine.inference import stream

    ahead = {name: paired(cur, sql, max(rounds, 10), (stream, "AHEAD"))
             for name, sql in (("sum", SUM_SQL), ("object", OBJECT_SQL))}
    print("\n" + common.table("the next batch read and its matrix filled in a thread (engine/inference/stream.py "
                              "AHEAD) on / off, "
                              "back to back (medians)",
                              [[f"{name} ahead {k}", fmt_time(w), fmt_time(c)] for name, r in ahead.items()
                               for k, (w, c) in r.items()], ["statement", "wall", "CPU"]))
    blas = one_blas_thread(cur, model, X, max(rounds // 2, 5))
    print("\n" + common.table("BLAS limited to one thread (threadpoolctl) vs the default, interleaved (medians; "
                              "measured only, snowreg does not change it)",
                              [[k, fmt_time(w), fmt_time(c)] for k, (w, c) in blas.items()], ["case", "wall", "CPU"]))
    runs = [phases(conn, model, X) for _ in range(5)]
    split = {name: min(r[name] for r in runs) for name in runs[0]}
    print("\n" + common.table("fast-path phases, timed alone (best of 5)",
                              [[k, fmt_time(v)] for k, v in split.items()], ["phase", "time"]))
    prof = profile(conn)
    print("\n" + prof)
    common.save("bench_inference", {
        "machine": common.machine_info(),
        "versions": common.versions("duckdb", "pyarrow", "numpy", "scikit-learn", "sqlglot"),
        "rows": rows, "stats": common.stats_json(stats), "cpu_stats": common.stats_json(cpu),
        "main_thread_cpu_stats": common.stats_json(main), "model_call_fixed_s": fixed, "model_batch_call_s": full, "ratio_sql_to_direct": ratio, "ratio_best_runs": best,
        "phases_s": split, "shortcuts_on_off_s": ab, "ahead_on_off_s": ahead, "one_blas_thread_s": blas, "profile": prof, "loadavg": os.getloadavg(),
    })
    conn.close()


if __name__ == "__main__":
    sys.exit(main())
