"""The README as a newcomer follows it: every Python block runs as written, every `snowreg` command line
it shows parses, and every install hint works from a clone (snowreg is on no package index)."""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from snowreg.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]  # tests/<room>/ -> the checkout
README = (ROOT / "README.md").read_text()
CLIENT_PYTHON = ROOT / ".venv-client" / "bin" / "python"
CLIENT_MODULES = ("snowflake.connector", "snowflake.snowpark", "snowflake.ml")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def blocks(lang: str) -> list[str]:
    return [body for kind, body in FENCE.findall(README) if kind == lang]


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _client_env_has(modules: list[str]) -> bool:
    if not CLIENT_PYTHON.exists():
        return False
    probe = "import importlib.util, sys; sys.exit(not all(importlib.util.find_spec(m) for m in sys.argv[1:]))"
    return subprocess.run([str(CLIENT_PYTHON), "-c", probe, "pandas", "sklearn", *modules],
                          capture_output=True, timeout=120).returncode == 0


def interpreter(code: str, number: int) -> str:
    """This Python, or the client environment's when the block needs the Snowflake clients."""
    needs = [m for m in CLIENT_MODULES if re.search(rf"^(from|import) {re.escape(m)}\b", code, re.M)]
    if all(_have(m) for m in needs):
        return sys.executable
    if _client_env_has(needs):
        return str(CLIENT_PYTHON)
    pytest.skip(f"README Python block {number} needs {', '.join(needs)}, which is not importable here "
                "(install the client-tests extra into .venv-client to run it)")


@contextlib.contextmanager
def _server_for(code: str) -> Iterator[None]:
    """A block that connects to `snowreg serve` on the README's port gets one, started as the README says."""
    port = re.search(r"host=\"127\.0\.0\.1\", port=(\d+)|server=\"http://127\.0\.0\.1:(\d+)\"", code)
    if port is None:
        yield
        return
    number = port.group(1) or port.group(2)
    server = subprocess.Popen([sys.executable, "-m", "snowreg", "serve", "--port", number,
                               "--database", "ML", "--schema", "DEV"], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        ready = server.stdout.readline()
        if "listening on" not in ready:
            pytest.skip(f"snowreg serve could not listen on the README's port {number}: {ready!r}")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def expected_output(code: str) -> list[str]:
    """What `print(...)  # shown` lines of a block say they print."""
    return [m.group(1) for m in re.finditer(r"^print\(.*\)\s+#\s*(.+)$", code, re.M)]


PYTHON = blocks("python")


def test_the_readme_has_python_blocks() -> None:
    assert len(PYTHON) >= 3


@pytest.mark.parametrize("number", range(1, len(PYTHON) + 1))
def test_python_block_runs_as_written(number: int, tmp_path: Path) -> None:
    code = PYTHON[number - 1]
    python = interpreter(code, number)
    if re.search(r"^def test_", code, re.M):  # a test module: run it with pytest and snowreg's fixtures
        (tmp_path / "test_readme_block.py").write_text(code)
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_block.py"]
    else:
        (tmp_path / "readme_block.py").write_text(code)
        command = [python, "readme_block.py"]
    with _server_for(code):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"README Python block {number} failed:\n{done.stdout}\n{done.stderr}"
    shown = expected_output(code)
    if shown:
        assert done.stdout.splitlines() == shown


def command_lines() -> list[str]:
    """Commands of the ```sh blocks, `$ ` lines of ```text blocks, and one-line inline `snowreg …` spans."""
    lines = [line for body in blocks("sh") for line in body.splitlines() if line and not line.startswith("#")]
    lines += [line[2:] for body in blocks("text") for line in body.splitlines() if line.startswith("$ ")]
    inline = re.findall(r"`(snowreg [^`\n]*)`", README)
    # Synopses (`[--db PATH]`, `FILE`) and bare command names (`snowreg check`) are not command lines.
    return lines + [span for span in inline
                    if len(span.split()) > 2 and not any(mark in span for mark in ("[", "…", "FILE", "COMMAND"))]


def commands(program: str) -> list[list[str]]:
    found = []
    for line in command_lines():
        for part in re.split(r"&&|\|", line):
            words = list(itertools.takewhile(lambda w: w not in ("<", ">"), shlex.split(part)))  # no redirections
            if words and Path(words[0]).name == program:
                found.append(words[1:])
    return found


def test_every_snowreg_command_line_parses() -> None:
    shown = commands("snowreg")
    assert {"demo", "run", "repl", "check"} <= {words[0] for words in shown}
    parser = build_parser()
    for words in shown:
        try:
            parser.parse_args(words)
        except SystemExit:
            pytest.fail(f"README command does not parse: snowreg {shlex.join(words)}")


def extras_of(words: list[str]) -> set[str]:
    target = next(w for w in words if w.startswith(".["))
    return set(target[2:-1].split(","))


def test_installs_work_from_a_clone_with_extras_that_exist() -> None:
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    hints = re.findall(r"pip install ([^`\n]*)", README)
    assert hints
    for hint in hints:
        words = shlex.split(hint)
        if not any("[" in w for w in words):  # prose: "every install below is `pip install -e` from the clone"
            continue
        assert "-e" in words and any(w.startswith(".[") for w in words), f"not from the clone: pip install {hint}"
        assert extras_of(words) <= declared, hint


def test_quick_start_installs_what_the_readme_then_suggests() -> None:
    first = next(words for words in commands("pip") if "install" in words)
    assert {"ml", "repl"} <= extras_of(first)  # the demo needs ml; the REPL the README shows needs repl


def test_the_check_example_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """Quick start's registry, the README's promote.sql, and `snowreg check` in both formats."""
    pytest.importorskip("sklearn")
    script = next(body for body in blocks("sql") if "my_model DROP VERSION" in body)
    command, *shown = next(body for body in blocks("text") if body.startswith("$ snowreg check")).splitlines()
    (tmp_path / "promote.sql").write_text(script)

    def snowreg_cmd(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "snowreg", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600)

    demo = snowreg_cmd(*next(words for words in commands("snowreg") if words[0] == "demo"))  # quick start 1
    assert demo.returncode == 0, demo.stderr
    args = shlex.split(command.removeprefix("$ snowreg "))
    done = snowreg_cmd(*args)
    assert done.returncode == 1
    assert done.stdout.splitlines() + done.stderr.splitlines() == shown
    as_json = snowreg_cmd(*args, "--format", "json")
    assert json.loads(as_json.stdout) == json.loads(blocks("json")[0])
