"""Statement latency: snowreg vs plain DuckDB vs fakesnow, registry statements, a SELECT 1 profile, cold start.

Run: .venv/bin/python bench/bench_statements.py [--quick] [--only SECTION ...] [--before PYTHON]
Peers come from bench/setup_peers.sh; fakesnow runs in its own venv as a worker subprocess (see common.py).
`--before PYTHON`: an interpreter with another snowreg build; the select section then also times that
build and its own DuckDB in a worker subprocess, interleaved with this build (its overhead over its DuckDB).
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import common
from common import Case, Stats, fmt_time

SECTIONS = ("select", "registry", "profile", "coldstart")

# The same 10,000 rows everywhere: x is a permutation of k/10000, so `x > 0.99` keeps 99 rows.
CREATE_T_SNOWFLAKE = ("CREATE OR REPLACE TABLE t AS SELECT seq4() AS id, ((seq4() * 7919) % 10000)::FLOAT / 10000 AS x "
                      "FROM TABLE(GENERATOR(ROWCOUNT => 10000))")
CREATE_T_DUCKDB = ("CREATE OR REPLACE TABLE t AS SELECT range::BIGINT AS id, ((range * 7919) % 10000)::DOUBLE / 10000 AS x "
                   "FROM range(10000)")
FILTER_SQL = "SELECT id, x FROM t WHERE x > 0.99 ORDER BY id"
SCAN_SQL = "SELECT id, x FROM t"
GUIDE_SQL = ("SELECT catalog_name, schema_name, model_name, model_version_name, metadata:metric:accuracy AS accuracy, "
             "comment, owner, functions, created_on, last_altered_on FROM DB.INFORMATION_SCHEMA.MODEL_VERSIONS "
             "ORDER BY accuracy DESC")


TEXT_IDS = itertools.count(1)  # one sequence for the whole process: no two contenders share a text


def run_sql(cur: Any, sql: str) -> Callable[[], Any]:
    return lambda: cur.execute(sql).fetchall()


# -- the fakesnow worker (runs inside bench/.venvs/fakesnow) -------------------------------------------


def fakesnow_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    """fakesnow and plain DuckDB, both in the fakesnow venv (same duckdb for a fair baseline)."""
    warnings.simplefilter("ignore")
    import duckdb
    import fakesnow
    import snowflake.connector
    from fakesnow.instance import FakeSnow

    # What fakesnow.patch() does, minus the patching, so `fresh` below can patch in its turn.
    conn = FakeSnow().connect(database="DB", schema="PUBLIC")
    cur = conn.cursor()
    cur.execute(CREATE_T_SNOWFLAKE)
    duck = duckdb.connect()
    duck.execute(CREATE_T_DUCKDB)

    def fresh() -> None:  # what an isolated test fixture pays: a new fake account + a connection
        with fakesnow.patch():
            snowflake.connector.connect(database="DB", schema="PUBLIC").close()

    cases: dict[str, Case] = {
        "fakesnow:select1": run_sql(cur, "SELECT 1"), "duckdb:select1": run_sql(duck, "SELECT 1"),
        "fakesnow:select_n": counter_sql(cur, "SELECT {}"), "duckdb:select_n": counter_sql(duck, "SELECT {}"),
        "fakesnow:filter": run_sql(cur, FILTER_SQL), "duckdb:filter": run_sql(duck, FILTER_SQL),
        "fakesnow:scan": run_sql(cur, SCAN_SQL), "duckdb:scan": run_sql(duck, SCAN_SQL),
        "fakesnow:connect": fresh, "duckdb:connect": lambda: duckdb.connect().close(),
    }
    info = common.versions("fakesnow", "duckdb", "sqlglot", "snowflake-connector-python")
    return cases, info


def before_setup() -> tuple[dict[str, Case], dict[str, Any]]:
    """Another snowreg build (--before) and DuckDB, both in that build's interpreter."""
    local = Local()
    cases: dict[str, Case] = {
        "snowreg:select1": run_sql(local.cur, "SELECT 1"), "duckdb:select1": run_sql(local.duck, "SELECT 1"),
        "snowreg:select_n": counter_sql(local.cur, "SELECT {}"), "duckdb:select_n": counter_sql(local.duck, "SELECT {}"),
        "snowreg:connect": local.fresh, "duckdb:connect": lambda: local.duckdb.connect().close(),
    }
    if not local.table_error:
        cases.update({"snowreg:filter": run_sql(local.cur, FILTER_SQL), "duckdb:filter": run_sql(local.duck, FILTER_SQL),
                      "snowreg:scan": run_sql(local.cur, SCAN_SQL), "duckdb:scan": run_sql(local.duck, SCAN_SQL)})
    return cases, common.versions("snowreg", "duckdb")


# -- snowreg and DuckDB in this process ---------------------------------------------------------------


class Local:
    """snowreg and plain DuckDB in this interpreter, with the 10k-row table in both."""

    def __init__(self) -> None:
        import duckdb

        import snowreg

        self.snowreg, self.duckdb = snowreg, duckdb
        self.conn = snowreg.connect(database="DB", schema="PUBLIC")
        self.cur = self.conn.cursor()
        self.duck = duckdb.connect()
        self.duck.execute(CREATE_T_DUCKDB)
        self.table_error = ""
        try:
            self.cur.execute(CREATE_T_SNOWFLAKE)
        except Exception as e:  # noqa: BLE001 - reported, the table cases are then skipped
            self.table_error = f"{type(e).__name__}: {e}"

    def fresh(self) -> None:
        self.snowreg.connect(database="DB", schema="PUBLIC").close()


def select_section(local: Local, fake: common.Worker | None, args: argparse.Namespace, out: dict[str, Any],
                   before: common.Worker | None = None) -> None:
    """SELECT 1, a filter and a scan of 10k rows, and a fresh connection: snowreg vs DuckDB vs fakesnow."""
    groups: list[tuple[str, str, dict[str, Case], int, int]] = [
        ("SELECT 1", "select1", {"snowreg": run_sql(local.cur, "SELECT 1"),
                                 "duckdb": run_sql(local.duck, "SELECT 1")}, 400, 10),
        ("SELECT <n>  [new text each call: no cache keyed on the text helps]", "select_n",
         {"snowreg": counter_sql(local.cur, "SELECT {}"), "duckdb": counter_sql(local.duck, "SELECT {}")}, 300, 10),
        ("fresh connection (test-fixture cost)", "connect",
         {"snowreg": local.fresh, "duckdb": lambda: local.duckdb.connect().close()}, 40, 2),
    ]
    if local.table_error:
        print(f"\n(10k-row table skipped: snowreg could not create it: {local.table_error})")
    else:
        groups[1:1] = [
            (f"{FILTER_SQL}  [10k rows → 99]", "filter",
             {"snowreg": run_sql(local.cur, FILTER_SQL), "duckdb": run_sql(local.duck, FILTER_SQL)}, 150, 5),
            (f"{SCAN_SQL}  [10k rows fetched]", "scan",
             {"snowreg": run_sql(local.cur, SCAN_SQL), "duckdb": run_sql(local.duck, SCAN_SQL)}, 40, 2),
        ]
    for title, key, cases, rounds, calls in groups:
        contenders: dict[str, common.Contender] = {k: common.local(v) for k, v in cases.items()}
        if fake is not None:
            contenders["fakesnow"] = fake.contender(f"fakesnow:{key}")
            contenders["duckdb (fakesnow venv)"] = fake.contender(f"duckdb:{key}")
        if before is not None and f"snowreg:{key}" in before.cases:
            contenders["snowreg (before)"] = before.contender(f"snowreg:{key}")
            contenders["duckdb (before venv)"] = before.contender(f"duckdb:{key}")
        rounds = max(5, rounds // 4) if args.quick else rounds
        stats = common.round_robin(contenders, rounds=rounds, calls=calls, budget_s=10)
        print()
        print(common.table(title, common.comparison_rows(stats, "duckdb"), common.COMPARISON_HEADER))
        print_overheads(stats)
        out.setdefault("select", {})[key] = {"title": title, "stats": common.stats_json(stats),
                                             **overheads(stats)}


def overheads(stats: dict[str, Stats]) -> dict[str, float]:
    """Each fake's median overhead over the DuckDB of its own process."""
    res = {"snowreg_overhead_s": stats["snowreg"].median - stats["duckdb"].median}
    if "fakesnow" in stats:
        res["fakesnow_overhead_s"] = stats["fakesnow"].median - stats["duckdb (fakesnow venv)"].median
    if "snowreg (before)" in stats:
        res["before_overhead_s"] = stats["snowreg (before)"].median - stats["duckdb (before venv)"].median
    return res


def print_overheads(stats: dict[str, Stats]) -> None:
    o = overheads(stats)
    line = f"  overhead over DuckDB: snowreg {fmt_time(o['snowreg_overhead_s'])}"
    if "fakesnow_overhead_s" in o:
        ratio = o["fakesnow_overhead_s"] / o["snowreg_overhead_s"] if o["snowreg_overhead_s"] > 0 else float("nan")
        line += f", fakesnow {fmt_time(o['fakesnow_overhead_s'])} (fakesnow/snowreg overhead = {ratio:.1f}x)"
    if "before_overhead_s" in o:
        line += f"; --before build {fmt_time(o['before_overhead_s'])}"
    print(line)


# -- registry statements ------------------------------------------------------------------------------


def make_model(local: Local) -> None:
    """Model DB.PUBLIC.M with versions V1 and V2 (a tiny scikit-learn classifier), via snowreg.Registry."""
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(200, 3)), columns=["A", "B", "C"])
    y = (X["A"] + X["B"] > 0).astype(int)
    reg = local.snowreg.Registry(local.conn, database_name="DB", schema_name="PUBLIC")
    for version in ("V1", "V2"):
        reg.log_model(LogisticRegression().fit(X, y), model_name="M", version_name=version,
                      sample_input_data=X.head(5), metrics={"metric": {"accuracy": 0.9}})


def registry_section(local: Local, args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Median latency of the registry statements through cursor.execute + fetchall (goal: < 1 ms)."""
    try:
        make_model(local)
    except Exception as e:  # noqa: BLE001
        print(f"\n(registry statements skipped: could not log model M: {type(e).__name__}: {e})")
        out["registry"] = {"error": f"{type(e).__name__}: {e}"}
        return
    cur = local.cur
    flip = {"i": 0}

    def set_default() -> Any:
        flip["i"] ^= 1
        return cur.execute(f"ALTER MODEL M SET DEFAULT_VERSION = V{flip['i'] + 1}").fetchall()

    statements = {
        "SELECT 1 (reference)": "SELECT 1",
        "SHOW VERSIONS LIKE 'V1' IN MODEL M": None,
        "ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'": None,
        "SHOW MODELS": None,
        "ALTER MODEL M SET DEFAULT_VERSION = V1|V2": set_default,
        "SHOW VERSIONS IN MODEL M": None,
        "ALTER MODEL M VERSION V2 SET ALIAS = A + UNSET ALIAS (2 stmts)": lambda: (
            cur.execute("ALTER MODEL M VERSION V2 SET ALIAS = A").fetchall(),
            cur.execute("ALTER MODEL M VERSION A UNSET ALIAS").fetchall()),
        "guide's INFORMATION_SCHEMA.MODEL_VERSIONS query": GUIDE_SQL,
    }
    contenders: dict[str, common.Contender] = {}
    errors: dict[str, str] = {}
    for name, how in statements.items():
        fn: Case = how if callable(how) else run_sql(cur, how or name)
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            errors[name] = f"{type(e).__name__}: {e}"
            continue
        contenders[name] = common.local(fn)
    rounds = 60 if args.quick else 250
    stats = common.round_robin(contenders, rounds=rounds, calls=4, budget_s=15)
    rows = [[n, fmt_time(s.median), fmt_time(s.p90), str(s.n), "yes" if s.median < 1e-3 else "NO"]
            for n, s in stats.items()]
    rows += [[n, "failed", e[:60], "", ""] for n, e in errors.items()]
    print()
    print(common.table("registry statements through snowreg (cursor.execute + fetchall)", rows,
                       ["statement", "median", "p90", "n", "< 1 ms"]))
    out["registry"] = {"stats": common.stats_json(stats), "errors": errors}


# -- where the time goes -------------------------------------------------------------------------------


class DuckSpy:
    """A stand-in for a DuckDB connection that makes its native calls visible to cProfile.

    DuckDB 2's methods are not ordinary builtins, so cProfile books their time to the Python caller.
    Routing them through these Python methods gives DuckDB its own line (each adds ~1 µs).
    """

    def __init__(self, target: Any) -> None:
        self._target = target

    def _wrap(self, result: Any) -> Any:
        return self if result is self._target else result

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._wrap(self._target.execute(*args, **kwargs))

    def executemany(self, *args: Any, **kwargs: Any) -> Any:
        return self._wrap(self._target.executemany(*args, **kwargs))

    def sql(self, *args: Any, **kwargs: Any) -> Any:
        return self._target.sql(*args, **kwargs)

    def fetchall(self) -> Any:
        return self._target.fetchall()

    def fetchone(self) -> Any:
        return self._target.fetchone()

    def cursor(self) -> DuckSpy:
        return DuckSpy(self._target.cursor())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


SPY_METHODS = {"execute", "executemany", "sql", "fetchall", "fetchone", "cursor"}


def spy_on_duckdb(conn: Any) -> bool:
    """Swap the connection's DuckDB handles for spies (internal attributes; False if they moved)."""
    try:
        session = conn.session
        session.duck  # noqa: B018 - creates the session's DuckDB cursor
        session._cursor = DuckSpy(session._cursor)
        session.catalog.store.db = DuckSpy(session.catalog.store.db)
        conn.cursor().execute("SELECT 1").fetchall()
    except Exception:  # noqa: BLE001 - the profile still runs, with DuckDB inside its callers
        return False
    return True


def is_spy(filename: str, func: str) -> bool:
    return func in SPY_METHODS and filename.replace(os.sep, "/").endswith("/bench/bench_statements.py")


def stage_of(filename: str, func: str) -> str:
    """Where a profiled function's own time belongs: DuckDB, lark, sqlglot, a snowreg module, stdlib."""
    f = filename.replace(os.sep, "/")
    if is_spy(f, func):
        return "DuckDB (native)"
    if "duckdb" in func.lower() or "/duckdb/" in f:
        return "DuckDB (native)"
    for lib in ("lark", "sqlglot", "orjson"):
        if f"/{lib}/" in f:
            return lib
    if "/__editable__" in f and "/snowreg/" in f:
        return "snowreg " + f.rsplit("/snowreg/", 1)[1].removesuffix(".py")
    if "/site-packages/snowreg/" in f:
        return "snowreg " + f.split("/site-packages/snowreg/", 1)[1].removesuffix(".py")
    root = str(common.ROOT).replace(os.sep, "/") + "/"
    if f.startswith(root) and "/bench/" not in f and "/site-packages/" not in f:
        return "snowreg " + f.removeprefix(root).removesuffix(".py").removeprefix("snowreg/")
    return "other libraries, stdlib, builtins"


def profile(fn: Case, budget_s: float, max_runs: int = 2000) -> tuple[dict[Any, Any], float, int]:
    """cProfile of `fn` run for about `budget_s` seconds: raw stats, total profiled time, runs."""
    prof = cProfile.Profile()
    runs, start = 0, time.perf_counter()
    while runs < max_runs and (runs < 30 or time.perf_counter() - start < budget_s):
        prof.enable()
        fn()
        prof.disable()
        runs += 1
    raw: dict[Any, Any] = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    return raw, sum(v[2] for v in raw.values()), runs


def counter_sql(cur: Any, template: str) -> Case:
    """A statement whose text is new on every call, so no cache keyed on the text can answer it."""
    return lambda: cur.execute(template.format(next(TEXT_IDS))).fetchall()


def pieces_table(local: Local, args: argparse.Namespace) -> dict[str, Stats]:
    """Medians of SELECT 1 and of its stages run alone, without a profiler."""
    import sqlglot

    cur, snowreg = local.cur, local.snowreg
    parts: dict[str, common.Contender] = {
        "snowreg SELECT 1 (repeated text)": common.local(run_sql(cur, "SELECT 1")),
        "snowreg SELECT <n> (new text)": common.local(counter_sql(cur, "SELECT {}")),
        "  snowreg.parse('SELECT <n>')": common.local(lambda: snowreg.parse(f"SELECT {next(TEXT_IDS)}")),
        "  sqlglot.transpile('SELECT <n>')": common.local(
            lambda: sqlglot.transpile(f"SELECT {next(TEXT_IDS)}", read="snowflake", write="duckdb")),
        "  duckdb SELECT <n>": common.local(lambda: local.duck.execute(f"SELECT {next(TEXT_IDS)}").fetchall()),
        "duckdb SELECT 1": common.local(run_sql(local.duck, "SELECT 1")),
    }
    stats = common.round_robin(parts, rounds=60 if args.quick else 200, calls=10, budget_s=10)
    total = stats["snowreg SELECT <n> (new text)"].median
    rows = [[n, fmt_time(s.median), f"{100 * s.median / total:.0f}%"] for n, s in stats.items()]
    print()
    print(common.table("SELECT, piece by piece (medians, no profiler; % of snowreg SELECT <n>)", rows,
                       ["piece", "median", "%"]))
    return stats


def profile_section(local: Local, args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Stage medians without a profiler, then cProfile by stage and by function for key statements."""
    pieces = pieces_table(local, args)
    spied = spy_on_duckdb(local.conn)
    cur = local.cur
    targets: dict[str, Case] = {"SELECT 1": run_sql(cur, "SELECT 1"), "SELECT <n>": counter_sql(cur, "SELECT {}")}
    if "error" not in out.get("registry", {"error": "not run"}):
        targets["SHOW VERSIONS LIKE 'V1'"] = run_sql(cur, "SHOW VERSIONS LIKE 'V1' IN MODEL M")
        targets["ALTER … SET COMMENT"] = run_sql(cur, "ALTER MODEL M MODIFY VERSION V1 SET COMMENT = 'x'")
    if not local.table_error:
        targets["10k-row fetch"] = run_sql(cur, SCAN_SQL)
    profiles = {name: profile(fn, 1.0 if args.quick else 3.0) for name, fn in targets.items()}
    stages: dict[str, dict[str, float]] = {}
    for name, (raw, _grand, n) in profiles.items():
        for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
            by = stages.setdefault(stage_of(filename, func), {})
            by[name] = by.get(name, 0.0) + tt / n
    order = sorted(stages, key=lambda st: -sum(stages[st].values()))
    rows = [[st] + [fmt_time(stages[st].get(t, 0.0)) for t in targets] for st in order]
    rows.append(["total (profiled)"] + [fmt_time(profiles[t][1] / profiles[t][2]) for t in targets])
    rows.append(["runs profiled"] + [str(profiles[t][2]) for t in targets])
    note = "DuckDB split out" if spied else "DuckDB time hidden inside its callers (spy failed)"
    print()
    print(common.table(f"cProfile, own time per statement by stage ({note}; the profiler inflates "
                       "Python-heavy code)", rows, ["stage"] + list(targets)))
    tops: dict[str, list[list[str]]] = {}
    for name, (raw, grand, n) in profiles.items():
        tops[name] = top_functions(raw, n, grand, key=3, limit=14)
        print()
        print(common.table(f"{name}: top functions by cumulative time", tops[name],
                           ["function", "cum %", "per stmt", "calls/stmt"]))
    out["profile"] = {"pieces": common.stats_json(pieces), "duckdb_split": spied,
                      "stages_per_stmt_s": stages, "top_cumulative": tops}


def top_functions(raw: dict[Any, Any], n: int, grand: float, key: int, limit: int) -> list[list[str]]:
    """The heaviest functions by own (key=2) or cumulative (key=3) time, with readable locations."""
    items = sorted(raw.items(), key=lambda kv: -kv[1][key])
    rows = []
    for (filename, line, func), values in items:
        spy = is_spy(filename, func)
        if "/bench/" in filename.replace(os.sep, "/") and not spy:
            continue  # the benchmark's own lambdas
        where = short_path(filename)
        label = f"DuckDB .{func}()" if spy else f"{where}:{line}({func})" if where != "~" else func
        rows.append([label[:90], f"{100 * values[key] / grand:.1f}%", fmt_time(values[key] / n), f"{values[1] / n:.1f}"])
        if len(rows) == limit:
            break
    return rows


def short_path(filename: str) -> str:
    f = filename.replace(os.sep, "/")
    if "/__editable__" in f and "/snowreg/" in f:
        return f.rsplit("/snowreg/", 1)[1]
    for marker in ("/site-packages/", "/lib/python3.11/", "/lib/python3"):
        if marker in f:
            return f.split(marker, 1)[1]
    root = str(common.ROOT).replace(os.sep, "/") + "/"
    return f.replace(root, "")


# -- cold start -----------------------------------------------------------------------------------------


def coldstart_section(args: argparse.Namespace, out: dict[str, Any]) -> None:
    """Wall time of fresh interpreters importing snowreg (and peers), hyperfine passes interleaved.

    The baseline is what issue 13 names: `import duckdb; duckdb.connect().execute('select 1').fetchall()`.
    Every child loads bytecode: PYTHONDONTWRITEBYTECODE is stripped from its environment (common.bytecode_env),
    snowreg is byte-compiled first, and each command has an untimed warm-up run."""
    py = sys.executable
    commands: dict[str, list[str]] = {
        "python -c pass": [py, "-c", "pass"],
        "import duckdb": [py, "-c", "import duckdb"],
        DUCKDB_COLD: [py, "-c", "import duckdb; duckdb.connect().execute('select 1').fetchall()"],
        "import snowreg": [py, "-c", "import snowreg"],
        "import snowreg; snowreg.connect()": [py, "-c", "import snowreg; snowreg.connect()"],
        "... + SELECT 1": [py, "-c", COLD_SELECT],
    }
    fpy = common.peer_python("fakesnow")
    if fpy is not None:
        commands["fakesnow: import fakesnow"] = [str(fpy), "-W", "ignore", "-c", "import fakesnow"]
        commands["fakesnow: patch() + connect()"] = [
            str(fpy), "-W", "ignore", "-c",
            "import fakesnow, snowflake.connector; p = fakesnow.patch(); p.__enter__(); "
            "snowflake.connector.connect(database='DB', schema='PUBLIC')"]
    passes, runs = (1, 3) if args.quick else (3, 5)
    common.compile_package(py)
    with tempfile.TemporaryDirectory() as tmp:  # cwd away from the repo root: import the installed package
        stats, tool = interleaved_runs(commands, passes, runs, Path(tmp))
    print()
    print(f"({common.BYTECODE_NOTE}; load average {os.getloadavg()[0]:.2f})")
    print(common.table(f"cold start: fresh interpreter wall time ({tool}, interleaved passes; overhead over "
                       f"{DUCKDB_COLD!r})", common.comparison_rows(stats, DUCKDB_COLD), common.COMPARISON_HEADER))
    heavy = import_time_top(py)
    print()
    print(common.table("python -X importtime, import snowreg; connect(); SELECT 1: biggest cumulative imports",
                       heavy, ["module", "cumulative"]))
    out["coldstart"] = {"tool": tool, "bytecode": common.BYTECODE_NOTE, "baseline": DUCKDB_COLD,
                        "stats": common.stats_json(stats), "importtime_top": heavy}


DUCKDB_COLD = "duckdb: import, connect(), select 1"
COLD_SELECT = "import snowreg; snowreg.connect().cursor().execute('SELECT 1').fetchall()"


def interleaved_runs(commands: dict[str, list[str]], passes: int, runs: int, cwd: Path,
                     budget_s: float = 30) -> tuple[dict[str, Stats], str]:
    """Up to `passes` passes over all commands (rotating the order), stopping when the budget is spent."""
    hyperfine = shutil.which("hyperfine")
    stats = {name: Stats() for name in commands}
    start = time.perf_counter()
    for p in range(passes):
        if p and time.perf_counter() - start > budget_s:
            break
        names = list(commands)
        for i in range(len(names)):
            name = names[(p + i) % len(names)]
            stats[name].times.extend(run_command(commands[name], runs, cwd, hyperfine))
    return stats, "hyperfine -N" if hyperfine else "subprocess loop"


def run_command(argv: list[str], runs: int, cwd: Path, hyperfine: str | None) -> list[float]:
    env = common.bytecode_env()
    if hyperfine is None:
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=env)  # warm-up: writes missing .pyc
        return [common.run_fresh(argv, cwd)[0] for _ in range(runs)]
    export = cwd / "hf.json"
    cmd = " ".join(shell_quote(a) for a in argv)
    subprocess.run([hyperfine, "-N", "--warmup", "1", "--runs", str(runs), "--style", "none", "--export-json",
                    str(export), cmd], cwd=cwd, check=True, capture_output=True, env=env)
    measured: list[float] = json.loads(export.read_text())["results"][0]["times"]
    return measured


def shell_quote(arg: str) -> str:
    if arg and all(c.isalnum() or c in "-_./=:" for c in arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_time_top(py: str, limit: int = 10) -> list[list[str]]:
    """The biggest top-level imports by cumulative time, from `python -X importtime`."""
    with tempfile.TemporaryDirectory() as tmp:
        res = subprocess.run([py, "-X", "importtime", "-c", COLD_SELECT], cwd=tmp,
                             capture_output=True, text=True, env=common.bytecode_env())
    entries = []
    for line in res.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cum, name = (p.strip() for p in line.split(":", 1)[1].split("|"))
        depth = (len(name) - len(name.lstrip())) // 2
        if depth <= 1:
            entries.append((int(cum), name.strip()))
    entries.sort(reverse=True)
    return [[name, fmt_time(us / 1e6)] for us, name in entries[:limit]]


# -- main -------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--before", help="an interpreter with another snowreg build, timed alongside (select)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        common.serve(before_setup if args.worker == "before" else fakesnow_setup)
        return
    t0 = time.perf_counter()
    out: dict[str, Any] = {"machine": common.machine_info(),
                           "versions": common.versions("snowreg", "duckdb", "sqlglot", "lark")}
    print(f"bench_statements  {out['machine']['date']}  {out['machine']['cpu']} × {out['machine']['cpus']}  "
          f"python {out['machine']['python']}  {out['versions']}")
    if {"select", "registry", "profile"} & set(args.only):
        started = common.start_worker("fakesnow", __file__, "fakesnow") if "select" in args.only else ""
        before_started = common.Worker(args.before, __file__, "before") \
            if args.before and "select" in args.only else None
        local = Local()  # while fakesnow sets up
        fake, why = (None, "")
        before = None
        if before_started is not None:
            before, why_before = common.ready_worker(before_started)
            print(f"--before build: {before.info}" if before is not None else f"(--before skipped: {why_before})")
            out["before"] = {"python": args.before, "versions": before.info if before is not None else why_before}
        if "select" in args.only:
            fake, why = common.ready_worker(started)
            if fake is None:
                print(f"(fakesnow skipped: {why})")
            else:
                print(f"fakesnow worker: {fake.info}  (own venv, subprocess; timed inside the worker)")
                out["fakesnow_versions"] = fake.info
        try:
            if "select" in args.only:
                select_section(local, fake, args, out, before)
        finally:
            for worker in (fake, before):
                if worker is not None:
                    worker.close()
        if "registry" in args.only:
            registry_section(local, args, out)
        if "profile" in args.only:
            profile_section(local, args, out)
    if "coldstart" in args.only:
        coldstart_section(args, out)
    out["wall_s"] = time.perf_counter() - t0
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"\nload average (1, 5, 15 min) at start {out['machine']['load_average']}, at end {out['load_average_at_end']}")
    print(f"\nresults: {common.save('bench_statements', out).relative_to(common.ROOT)}  "
          f"(total {out['wall_s']:.0f} s)")


if __name__ == "__main__":
    main()
