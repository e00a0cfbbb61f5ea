"""Timing helpers for bench/: warm-up, round-robin repetitions, medians, JSON results, ratio tables.

Peers that need their own virtualenv (fakesnow, MLflow) run as worker subprocesses: the bench script
re-runs itself with `--worker NAME` under the peer's interpreter, and the worker times the cases it is
asked for and answers with the raw timings. The parent interleaves local and remote contenders round
by round, so slow drifts of a shared, noisy machine hit every contender alike. This module uses the
standard library only, so it also runs inside the peers' virtualenvs.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENVS_DIR = BENCH_DIR / ".venvs"

Case = Callable[[], Any]


# -- statistics -----------------------------------------------------------------------------------


@dataclass
class Stats:
    """Per-call wall times (seconds) of one contender on one case."""

    times: list[float] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p90(self) -> float:
        return quantile(self.times, 0.9)

    @property
    def minimum(self) -> float:
        return min(self.times) if self.times else float("nan")

    def summary(self) -> dict[str, float | int]:
        return {"n": self.n, "median_s": self.median, "p90_s": self.p90, "min_s": self.minimum}


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def fmt_time(seconds: float) -> str:
    """A duration with a unit that keeps three significant digits readable."""
    if seconds != seconds:  # NaN
        return "-"
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    if seconds < 1e-3:
        return f"{sign}{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{sign}{seconds * 1e3:.3g} ms"
    return f"{sign}{seconds:.3g} s"


# -- running cases --------------------------------------------------------------------------------


def time_calls(fn: Case, calls: int, cpu: bool | str = False) -> list[float]:
    """Call `fn` `calls` times and return each call's wall time in seconds (`cpu`, or `BENCH_CLOCK=cpu`
    in the environment, which workers inherit: the CPU time of the whole process instead, DuckDB's
    threads included: steadier than wall time on a loaded machine; `cpu="thread"`: the calling
    thread's CPU time alone, the work nothing overlaps).

    A case with a `prepare` attribute (see `prepared`) has it called, untimed, before each call."""
    out = []
    clock = time.thread_time if cpu == "thread" else \
        time.process_time if cpu or os.environ.get("BENCH_CLOCK") == "cpu" else time.perf_counter
    prepare = getattr(fn, "prepare", None)
    for _ in range(calls):
        if prepare is not None:
            prepare()
        t0 = clock()
        fn()
        out.append(clock() - t0)
    return out


def prepared(fn: Case, prepare: Case) -> Case:
    """`fn` timed after an untimed `prepare` each call (e.g. a write, then the first read after it)."""
    def case() -> Any:
        return fn()
    case.prepare = prepare  # type: ignore[attr-defined]
    return case


class Contender(Protocol):
    """Anything that can time `calls` calls of one case and return per-call seconds."""

    def __call__(self, calls: int) -> list[float]: ...


def local(fn: Case) -> Contender:
    """A contender running in this process."""
    return lambda calls: time_calls(fn, calls)


def round_robin(contenders: Mapping[str, Contender], *, rounds: int, calls: int = 1, warmup: int = 3,
                budget_s: float | None = None) -> dict[str, Stats]:
    """Time every contender for `rounds` rounds of `calls` calls, rotating who goes first each round.

    Each contender is warmed up first. `budget_s` stops early (after at least 5 rounds) when the
    wall-clock budget is spent, so a slow peer cannot blow the script's time limit.
    """
    names = list(contenders)
    for name in names:
        contenders[name](warmup)
    stats = {name: Stats() for name in names}
    start = time.perf_counter()
    for r in range(rounds):
        for i in range(len(names)):
            name = names[(r + i) % len(names)]
            stats[name].times.extend(contenders[name](calls))
        if budget_s is not None and r >= 4 and time.perf_counter() - start > budget_s:
            break
    return stats


# -- fresh interpreters (cold start) -------------------------------------------------------------


def bytecode_env() -> dict[str, str]:
    """The environment for timing fresh interpreters: this one without PYTHONDONTWRITEBYTECODE.

    With that variable set (some shells and CI images set it), a module without a .pyc next to it is
    compiled from source at every start (an editable checkout: all of snowreg, ~+120 ms) and the .pyc
    is never written. Without it, the untimed warm-up run writes whatever .pyc is missing and the timed
    runs load bytecode, as an installed package does."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def compile_package(python: Path | str, package: str = "snowreg", cwd: Path | str = BENCH_DIR) -> str:
    """Byte-compile `package` as `python` imports it (its folder: an editable install's link tree or
    site-packages); returns that folder ("" when it cannot be imported)."""
    found = subprocess.run([str(python), "-c", f"import os, {package}; print(os.path.dirname({package}.__file__))"],
                           capture_output=True, text=True, cwd=str(cwd), env=bytecode_env())
    where = found.stdout.strip()
    if found.returncode == 0 and where:
        subprocess.run([str(python), "-m", "compileall", "-q", where], check=False, stdout=subprocess.DEVNULL,
                       env=bytecode_env())
    return where


def run_fresh(argv: Sequence[str], cwd: Path | str) -> tuple[float, float]:
    """Run one fresh interpreter to its end: (wall seconds, CPU seconds of the child, user + system)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(list(argv), cwd=str(cwd), check=True, stdout=subprocess.DEVNULL, env=bytecode_env())
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


BYTECODE_NOTE = ("children run without PYTHONDONTWRITEBYTECODE after an untimed warm-up and snowreg byte-compiled: "
                 "every module loads from its .pyc")


# -- peer workers ---------------------------------------------------------------------------------


def peer_python(name: str) -> Path | None:
    """The interpreter of a peer virtualenv made by setup_peers.sh, or None when it is missing."""
    path = VENVS_DIR / name / "bin" / "python"
    return path if path.exists() else None


def serve(setup: Callable[[], tuple[dict[str, Case], dict[str, Any]]]) -> None:
    """Worker main loop: build the cases, then answer `{"case", "calls"}` requests with timings.

    The protocol runs over a private copy of stdout; file descriptor 1 is pointed at stderr so that
    anything the peer library prints cannot corrupt it.
    """
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        cases, info = setup()
    except Exception as e:  # noqa: BLE001 - reported to the parent, which decides what to skip
        proto.write(json.dumps({"error": f"{type(e).__name__}: {e}"}) + "\n")
        return
    proto.write(json.dumps({"ready": sorted(cases), "info": info}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        try:
            if request.get("collect"):
                gc.collect()
            cpu = request.get("cpu")
            reply: dict[str, Any] = {"times": time_calls(cases[request["case"]], request["calls"],
                                                         cpu if cpu == "thread" else bool(cpu))}
        except Exception as e:  # noqa: BLE001
            reply = {"error": f"{type(e).__name__}: {e}"}
        proto.write(json.dumps(reply) + "\n")


class Worker:
    """A peer subprocess speaking the `serve` protocol."""

    def __init__(self, python: Path | str, script: Path | str, name: str, timeout_s: float = 300) -> None:
        self.name = name
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([str(python), str(Path(script).resolve()), "--worker", name],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, text=True,
                                     cwd=str(BENCH_DIR))
        self.cases: list[str] = []
        self.info: dict[str, Any] = {}

    def wait_ready(self) -> None:
        """Wait for the worker's set-up (it runs while the parent sets up its own side)."""
        first = self._read()
        if "error" in first:
            self.close()
            raise RuntimeError(f"peer {self.name} failed to start: {first['error']}")
        self.cases = first["ready"]
        self.info = first["info"]

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.stderr.seek(0)
            tail = " | ".join(self.stderr.read().strip().splitlines()[-3:])
            raise RuntimeError(f"peer {self.name} exited (code {self.proc.wait()}): {tail}")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def run(self, case: str, calls: int, cpu: bool | str = False) -> list[float]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"case": case, "calls": calls, "cpu": cpu}) + "\n")
        self.proc.stdin.flush()
        reply = self._read()
        if "error" in reply:
            raise RuntimeError(f"peer {self.name}, case {case}: {reply['error']}")
        times: list[float] = reply["times"]
        return times

    def contender(self, case: str, cpu: bool | str = False) -> Contender:
        """`cpu`: the worker's process CPU time per call instead of wall time, `"thread"` its calling
        thread's CPU time (see `time_calls`)."""
        return lambda calls: self.run(case, calls, cpu)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(json.dumps({"quit": True}) + "\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
        self.stderr.close()


def start_worker(venv: str, script: Path | str, name: str) -> Worker | str:
    """Launch a peer worker (call `ready_worker` later), or say why it is unavailable."""
    python = peer_python(venv)
    if python is None:
        return f"bench/.venvs/{venv} is missing: run bench/setup_peers.sh"
    return Worker(python, script, name)


def ready_worker(started: Worker | str) -> tuple[Worker | None, str]:
    """The worker once its set-up is done, or None and why it failed."""
    if isinstance(started, str):
        return None, started
    try:
        started.wait_ready()
    except RuntimeError as e:
        return None, str(e)
    return started, ""


# -- reporting ------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
            "platform": platform.platform(), "cpu": cpu, "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def versions(*dists: str) -> dict[str, str]:
    """Installed versions of the named distributions in this interpreter."""
    from importlib import metadata

    out = {}
    for dist in dists:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "-"
    return out


def table(title: str, rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    """A plain-text table with a title line."""
    body = [list(header)] + [list(r) for r in rows]
    widths = [max(len(r[i]) for r in body) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in body[1:]:
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return "\n".join(lines)


def comparison_rows(stats: Mapping[str, Stats], baseline: str | None) -> list[list[str]]:
    """Rows of name, median, p90, n, ratio to baseline, overhead over baseline."""
    base = stats[baseline].median if baseline is not None and baseline in stats else None
    rows = []
    for name, s in stats.items():
        ratio = f"{s.median / base:.2f}x" if base else "-"
        over = ("+" + fmt_time(s.median - base)).replace("+-", "-") if base and name != baseline else "-"
        rows.append([name, fmt_time(s.median), fmt_time(s.p90), str(s.n), ratio, over])
    return rows


COMPARISON_HEADER = ["contender", "median", "p90", "n", "ratio", "overhead"]


def save(script: str, payload: dict[str, Any]) -> Path:
    """Write results to bench/results/<script>-<UTC timestamp>.json and <script>-latest.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(payload, indent=2, default=str)
    path = RESULTS_DIR / f"{script}-{stamp}.json"
    path.write_text(text)
    (RESULTS_DIR / f"{script}-latest.json").write_text(text)
    return path


def stats_json(stats: Mapping[str, Stats]) -> dict[str, dict[str, float | int]]:
    return {name: s.summary() for name, s in stats.items()}
