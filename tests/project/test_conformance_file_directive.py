"""The conformance runner's `file` directive (conformance/README.md): a local file written for PUT, `{dir}`
in later SQL, the folder removed when the run ends, and malformed directives refused with file:line."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

RUNNER = Path(__file__).resolve().parents[2] / "conformance" / "runner.py"


def _runner() -> Any:
    name = "snowreg_conformance_runner"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, RUNNER)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


TEXT = """# ref: https://docs.snowflake.com/en/sql-reference/sql/put

file a.csv
1|x
2|y

statement ok
CREATE DATABASE conf_file_directive

statement ok
CREATE STAGE conf_file_directive.public.st

query TT project=source,status
PUT file://{dir}/a.csv @conf_file_directive.public.st
----
a.csv | UPLOADED
"""


def test_a_file_is_written_put_and_removed_after_the_run() -> None:
    runner = _runner()
    records = runner.Parser("t.test", TEXT.splitlines()).parse()
    assert [r.kind for r in records] == ["file", "statement", "statement", "query"]
    assert records[0].sql == "1|x\n2|y\n"
    run = runner.FileRun(runner.make_backend("snowreg", "t.test"))
    for rec in records:
        run.run(rec)
    folder = run.folder
    assert folder is not None and (folder / "a.csv").read_text() == "1|x\n2|y\n"
    cur = run.connection().cursor()
    assert cur.execute("SELECT $1 FROM @conf_file_directive.public.st ORDER BY 1").fetchall() == [("1|x",), ("2|y",)]
    run.close()
    assert not folder.exists()


@pytest.mark.parametrize("text, message", [
    ("# ref: x\nfile ../a.csv\n1\n", "plain file name"),
    ("# ref: x\nfile sub/a.csv\n1\n", "plain file name"),
    ("# ref: x\nfile a.csv\n\nstatement ok\nSELECT 1\n", "content"),
])
def test_a_malformed_file_directive_is_refused(text: str, message: str) -> None:
    runner = _runner()
    with pytest.raises(runner.FormatError, match=message):
        runner.Parser("t.test", text.splitlines()).parse()
