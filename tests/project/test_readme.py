"""The README as a newcomer follows it: every Python block runs as written, every `snowreg` command line
it shows parses, the SQL, `snowreg check` and REPL examples give what they show on quick start's registry,
and every install hint works from a clone (snowreg is on no package index)."""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
import os
import re
import shlex
import shutil
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
    password = re.search(r"SNOWREG_ADMIN_PASSWORD='([^']*)' snowreg serve", README)
    assert password is not None, "the README says how ADMIN's password is set"
    server = subprocess.Popen([sys.executable, "-m", "snowreg", "serve", "--port", number,
                               "--database", "ML", "--schema", "DEV"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "SNOWREG_ADMIN_PASSWORD": password.group(1)})
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
            words = list(itertools.dropwhile(lambda w: re.fullmatch(r"[A-Z_]+=.*", w) is not None, words))  # env
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


def snowreg_cmd(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "snowreg", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where quick start 1 ran: its demo registry is `registry` there."""
    pytest.importorskip("sklearn")
    where = tmp_path_factory.mktemp("quick_start")
    demo = snowreg_cmd(*next(words for words in commands("snowreg") if words[0] == "demo"), cwd=where)
    assert demo.returncode == 0, demo.stderr
    return where


def test_the_check_example_prints_what_the_readme_shows(quick_start: Path, tmp_path: Path) -> None:
    """Quick start's registry, the README's promote.sql, and `snowreg check` in both formats."""
    script = next(body for body in blocks("sql") if "my_model DROP VERSION" in body)
    command, *shown = next(body for body in blocks("text") if body.startswith("$ snowreg check")).splitlines()
    shutil.copytree(quick_start / "registry", tmp_path / "registry")
    (tmp_path / "promote.sql").write_text(script)
    args = shlex.split(command.removeprefix("$ snowreg "))
    done = snowreg_cmd(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.splitlines() + done.stderr.splitlines() == shown
    as_json = snowreg_cmd(*args, "--format", "json", cwd=tmp_path)
    assert json.loads(as_json.stdout) == json.loads(blocks("json")[0])


def test_the_local_stage_example_runs_on_an_exported_version(tmp_path: Path) -> None:
    """The stage block, with its placeholder folder made real: a version exported as its comment says."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    import snowreg
    from snowreg.repl_text import split_statements

    script = next(body for body in blocks("sql") if "CREATE STAGE" in body).replace("/path/to", str(tmp_path))
    with snowreg.connect(database="ML", schema="DEV", stage_roots=[str(tmp_path)]) as conn:
        X = pd.DataFrame({"A": [1.0, 2.0, 3.0]})
        mv = snowreg.Registry(conn).log_model(linear_model.LinearRegression().fit(X, [1.0, 2.0, 3.0]),
                                              model_name="SRC", version_name="V1", sample_input_data=X)
        (tmp_path / "dir").mkdir()
        mv.export(str(tmp_path / "dir" / "v1"), export_mode=snowreg.ExportMode.FULL)
        cur = conn.cursor()
        results = [cur.execute(piece.text).fetchall() for piece in split_statements(script)]
        assert [row[0] for row in results[1]] == ["models/v1/MANIFEST.yml"]
        assert cur.execute("SELECT M!PREDICT(2.0):output_feature_0::FLOAT").fetchone() == (2.0,)


def test_the_repl_session_shows_what_the_readme_shows(quick_start: Path, tmp_path: Path) -> None:
    """The README's REPL transcript on quick start's registry: the Tab listing as the completer offers it,
    then each statement's output (times aside) and the goodbye."""
    pytest.importorskip("prompt_toolkit")
    import io

    from prompt_toolkit.document import Document
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    import snowreg
    from snowreg import repl

    command, *lines = next(body for body in blocks("text") if body.startswith("$ snowreg repl")).splitlines()
    args = build_parser().parse_args(shlex.split(command.removeprefix("$ snowreg ")))
    shutil.copytree(quick_start / args.db, tmp_path / args.db)
    prompt = re.compile(r"^\w+@[\w.]+> ")
    with snowreg.connect(database=args.database, schema=args.schema, path=tmp_path / args.db) as conn, \
            create_pipe_input() as pipe:
        out = io.StringIO()
        console = repl.Repl(conn, out=out, input=pipe, output=DummyOutput(), history_file=tmp_path / "history")
        assert lines.pop(0) == repl.GREETING
        while lines:
            line = lines.pop(0)
            assert line.startswith(console.prompt()), line
            typed = line.removeprefix(console.prompt())
            while lines and lines[0].lstrip().startswith("-> "):
                typed += "\n" + lines.pop(0).lstrip()[3:]
            shown = []
            while lines and not prompt.match(lines[0]):
                shown.append(lines.pop(0))
            if typed.endswith("<Tab>"):
                text = typed.removesuffix("<Tab>")
                offered = [(c.text, c.display_meta_text)
                           for c in console.session.completer.get_completions(Document(text), None)]
                assert [tuple(line.split(maxsplit=1)) for line in shown] == offered
                continue
            out.seek(0)
            out.truncate()
            if not console.handle(typed):
                console.say("Goodbye!")
            timed = re.compile(r"Time Elapsed: \d+\.\d+s")
            assert [timed.sub("Time Elapsed", line) for line in out.getvalue().splitlines()] == \
                [timed.sub("Time Elapsed", line) for line in shown], typed


def test_the_example_schemes_run_again_on_quick_starts_registry(quick_start: Path, tmp_path: Path) -> None:
    """The README (`snowreg run --db DIR examples/…` "to run a scheme again") and each script's own header
    (`Run after snowreg demo --db DIR`) promise a second run on the demo's registry."""
    shutil.copytree(quick_start / "registry", tmp_path / "registry")
    again = sorted(p for p in (ROOT / "examples").glob("*.sql") if "Run after `snowreg demo --db DIR`" in
                   " ".join(line.lstrip("- ") for line in p.read_text().splitlines()[:4]))
    assert {p.name for p in again} >= {"aliases.sql", "default_version.sql", "metrics.sql"}
    for script in again:
        done = snowreg_cmd("run", "--db", "registry", str(script), cwd=tmp_path)
        assert done.returncode == 0, f"{script.name}:\n{done.stderr}"
