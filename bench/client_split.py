"""Where the unmodified client's time goes: its own Python work vs snowreg's handling of each statement.

Run by `bench_client.py --split` in the client's environment (.venv-client). Every entry point the
client reaches snowreg through (the patched connection's cursor methods, `cursor()`, `write_pandas`)
is wrapped with a timer that counts only the outermost call, so per client call:

- `snowreg` = wall time spent inside those entry points (parsing, planning, DuckDB, the model call);
- `client` = the rest (signature inference, YAML and manifests, pickling, the Snowpark plan and its
  pandas conversions, telemetry, ...);
- each statement the client sends, grouped by kind (its text with literals and generated names blanked),
  with count and time per call.

Then cProfile of a few more calls with the profiler paused inside snowreg, so it shows the client's own
work only: self time summed per package (standard-library modules by name) and the client's costliest
functions by cumulative time. Profiling inflates Python-heavy code more than native calls: use it for
the split of the client's own work, not for absolute times.
"""

from __future__ import annotations

import cProfile
import functools
import os
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

_NAMES = [
    (re.compile(r"'[^']*'"), "'…'"),
    (re.compile(r"\b(SNOWPARK_TEMP_TABLE|SNOWPARK_ML_MODEL_INFERENCE_INPUT|TMP_RESULT)_[A-Z0-9]{10}\b"), r"\1_…"),
    (re.compile(r"\bLIVE_[0-9A-F]{8}_VERSION\b"), "LIVE_…"),
    (re.compile(r"\bV\d+\b"), "V…"),
    (re.compile(r"\s+"), " "),
]
_PACKAGES = [("snowflake/ml/", "client: snowflake-ml-python"), ("snowflake/snowpark/", "client: snowpark"),
             ("snowflake/connector/", "client: connector"), ("/snowreg/", "snowreg"), ("/engine/", "snowreg"),
             ("/catalog/", "snowreg"), ("/grammar/", "snowreg"), ("sqlglot/", "snowreg: sqlglot"),
             ("lark/", "snowreg: lark"), ("duckdb", "snowreg: duckdb"), ("pandas/", "pandas"),
             ("numpy", "numpy"), ("pyarrow", "pyarrow"), ("sklearn/", "scikit-learn"), ("yaml/", "yaml"),
             ("cloudpickle", "pickle"), ("pickle", "pickle")]


# BENCH_CLOCK=cpu (bench_client.py --cpu): CPU time of the process instead of wall time
CLOCK = time.process_time if os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter


def kind(sql: str) -> str:
    """A statement's text with literals and generated names blanked, cut to 90 characters."""
    text = sql.strip()
    for pattern, repl in _NAMES:
        text = pattern.sub(repl, text)
    return text[:90]


class Split:
    """Timers on snowreg's entry points; `take()` returns and resets what one client call spent."""

    def __init__(self) -> None:
        self.depth = 0
        self.profiler: cProfile.Profile | None = None  # paused while snowreg runs
        self.inside = 0.0
        self.statements: dict[str, list[float]] = defaultdict(list)

    def wrap(self, owner: Any, attr: str) -> None:
        original = getattr(owner, attr)
        statement = attr in ("execute", "describe", "_describe_internal", "execute_string")

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return original(*args, **kwargs)
            self.depth += 1
            if self.profiler is not None:
                self.profiler.disable()
            t0 = CLOCK()
            try:
                return original(*args, **kwargs)
            finally:
                spent = CLOCK() - t0
                if self.profiler is not None:
                    self.profiler.enable()
                self.depth -= 1
                self.inside += spent
                label = kind(str(args[1])) if statement and len(args) > 1 else f"({attr})"
                self.statements[label].append(spent)

        setattr(owner, attr, timed)

    def take(self) -> tuple[float, dict[str, list[float]]]:
        out = self.inside, dict(self.statements)
        self.inside, self.statements = 0.0, defaultdict(list)
        return out


def install() -> Split:
    """Wrap the patched connection's entry points (call after `snowreg.patch()` is active)."""
    import snowflake.snowpark.session as snowpark_session

    from snowreg import connector, patching

    split = Split()
    for cls in (patching.PatchedCursor, patching.PatchedDictCursor):
        for name in (*connector.CURSOR_METHODS, "fetch_arrow_batches", "fetch_pandas_batches", "_upload"):
            if name in vars(cls) or hasattr(cls, name):
                split.wrap(cls, name)
    split.wrap(patching.PatchedConnection, "cursor")
    split.wrap(patching.PatchedConnection, "execute_string")
    split.wrap(snowpark_session, "write_pandas")
    return split


def package(filename: str) -> str:
    for needle, name in _PACKAGES:
        if needle in filename:
            return name
    stdlib = f"/lib/python{sys.version_info.major}.{sys.version_info.minor}/"
    if stdlib in filename and "site-packages" not in filename:
        return "stdlib: " + filename.split(stdlib, 1)[1].split("/")[0].removesuffix(".py")
    return "site-packages (other)" if "site-packages" in filename else "builtins"


def report(cases: dict[str, Callable[[], Any]], ops: list[str], calls: int, out: Callable[[str], None]) -> None:
    split = install()
    for op in ops:
        cases[op]()
        split.take()
        totals, insides, per_kind = [], [], defaultdict(list)
        for _ in range(calls):
            t0 = CLOCK()
            cases[op]()
            totals.append(CLOCK() - t0)
            inside, statements = split.take()
            insides.append(inside)
            for label, times in statements.items():
                per_kind[label].append((len(times), sum(times)))
        total, inside = statistics.median(totals), statistics.median(insides)
        n_statements = sum(n for runs in per_kind.values() for n, _ in runs) / calls
        out(f"\n=== {op}: median of {calls} calls {total * 1e3:.1f} ms = snowreg {inside * 1e3:.1f} ms "
            f"({n_statements:.0f} entry-point calls) + client {max(total - inside, 0) * 1e3:.1f} ms")
        rows = sorted(per_kind.items(), key=lambda kv: -sum(t for _, t in kv[1]))
        for label, runs in rows:  # time: the median over the calls (0 for a call that did not send it)
            count = sum(n for n, _ in runs) / calls
            spent = statistics.median([t for _, t in runs] + [0.0] * (calls - len(runs)))
            if spent >= 0.0002:
                out(f"  {count:5.1f}x  {spent * 1e3:7.2f} ms  {label}")
        _profile(split, cases[op], op, out)


def _profile(split: Split, case: Callable[[], Any], op: str, out: Callable[[str], None], calls: int = 5) -> None:
    prof = split.profiler = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        case()
    prof.disable()
    split.profiler = None
    split.take()
    by_package: dict[str, float] = defaultdict(float)
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = 0.0
    for (filename, _, function), (_, _, tottime, _, _) in stats.items():
        name = package(filename) if filename != "~" else package(function)
        by_package[name] += tottime
        total += tottime
    out(f"  the client's own work under cProfile ({op}, {calls} calls, {total / calls * 1e3:.0f} ms/call profiled), "
        "self time by package:")
    for name, spent in sorted(by_package.items(), key=lambda kv: -kv[1]):
        if spent / total >= 0.02:
            out(f"    {spent / total:6.1%}  {name}")
    out("  its costliest snowflake-ml-python / Snowpark functions (cumulative, share of its own work):")
    shown = 0
    for (filename, line, function), (_, _, _, cumtime, _) in sorted(stats.items(), key=lambda kv: -kv[1][3]):
        if "snowflake/ml/" in filename and "telemetry" not in filename and "/_internal/utils/" not in filename:
            out(f"    {cumtime / total:6.1%}  {filename.split('site-packages/')[-1]}:{line}({function})")
            shown += 1
            if shown == 12:
                break


if __name__ == "__main__":
    sys.exit("run through bench_client.py --split")
