"""`import snowreg` and `snowreg.connect()` keep heavy libraries out of the import path (cold start)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("pandas", "sklearn", "snowflake.connector", "snowflake.snowpark", "snowflake.ml", "pyarrow", "numpy")

PROBE = """
import json, sys
{code}
heavy = {heavy!r}
print(json.dumps(sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in heavy))))
"""


def heavy_modules_after(code: str, cwd: Path, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """Run `code` in a fresh interpreter and list the modules of `heavy` it left in sys.modules."""
    # A fresh process: this test session itself may already have imported pandas.
    # cwd away from the repository root, so `import snowreg` finds the installed package.
    probe = PROBE.format(code=code, heavy=heavy)
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    found: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("code", [
    "import snowreg",
    "import snowreg; snowreg.connect()",
    "import snowreg; snowreg.connect().cursor().execute('SELECT 1').fetchall()",
    "import snowreg; snowreg.connect(database='DB', schema='PUBLIC').cursor().execute('SHOW MODELS').fetchall()",
])
def test_no_heavy_imports(code: str, tmp_path: Path) -> None:
    assert heavy_modules_after(code, tmp_path) == []


def test_probe_detects_heavy_imports(tmp_path: Path) -> None:
    """The probe itself works: importing pandas is seen."""
    pytest.importorskip("pandas")
    assert "pandas" in heavy_modules_after("import pandas", tmp_path)


def test_plain_select_needs_neither_the_parser_nor_inference(tmp_path: Path) -> None:
    """A plain SELECT skips the Lark parser (grammar.shape.plain_select) and the model-call machinery."""
    code = "import snowreg; snowreg.connect().cursor().execute('SELECT 1').fetchall()"
    assert heavy_modules_after(code, tmp_path, ("lark", "snowreg.engine.inference.statement")) == []
    # …and the same probe sees the parser once a registry statement needs it.
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('SHOW MODELS')"
    assert heavy_modules_after(code, tmp_path, ("lark",)) != []


def test_select_of_integers_needs_no_sqlglot(tmp_path: Path) -> None:
    """`connect(); SELECT 1` loads neither sqlglot nor the modules that translate with it (their
    translation is written directly: engine.sql.translation.trivial); the first statement that needs
    a translation loads them."""
    lazy = ("sqlglot", "snowreg.engine.sql.translate", "snowreg.engine.sql.variant", "snowreg.engine.inference.views",
            "snowreg.engine.udfs")
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('SELECT 1').fetchall(); c.execute('SELECT 1, 2')"
    assert heavy_modules_after(code, tmp_path, lazy) == []
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('SELECT 2 + 3 AS X').fetchall()"
    found = heavy_modules_after(code, tmp_path, lazy)
    assert "sqlglot" in found and "snowreg.engine.sql.translate" in found


def test_plain_sql_builds_only_the_ast_nodes_it_uses(tmp_path: Path) -> None:
    """The registry statements' AST topics (models, access, objects, containers) load with their first
    use: connecting and sending plain SQL builds none of their dataclasses; a registry statement all."""
    topics = tuple(f"snowreg.grammar.ast.{t}" for t in ("access", "containers", "models", "objects"))
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('SELECT 1'); c.execute('SELECT 2 + 3 AS X')"
    assert heavy_modules_after(code, tmp_path, topics) == []
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('SHOW MODELS')"
    assert heavy_modules_after(code, tmp_path, topics) == sorted(topics)


def test_every_ast_name_resolves_to_its_topics_node() -> None:
    """The lazily loaded names of the AST package are exactly its topic modules' nodes, and `Statement`
    is the union of the statements."""
    import typing

    from snowreg.grammar import ast
    from snowreg.grammar.ast import access, containers, models, names, objects, queries

    for name in set(ast.__all__) - {"Statement"}:
        node = getattr(ast, name)
        homes = [m for m in (access, containers, models, names, objects, queries) if getattr(m, name, None) is node]
        assert homes, name
    assert all(isinstance(t, type) for t in typing.get_args(ast.Statement))
    assert ast.Query in typing.get_args(ast.Statement) and ast.CreateModel in typing.get_args(ast.Statement)
    with pytest.raises(AttributeError):
        _ = ast.NoSuchNode


def test_scripting_loads_with_the_first_block(tmp_path: Path) -> None:
    """Snowflake Scripting's reader, AST and interpreter load with the first block, not with the parser:
    statements that are not blocks (BEGIN; included) build none of their dataclasses."""
    modules = ("snowreg.grammar.scripting", "snowreg.grammar.ast.scripting", "snowreg.engine.scripting",
               "snowreg.engine.procedures")
    code = ("import snowreg; c = snowreg.connect().cursor(); c.execute('SELECT 1'); c.execute('SHOW MODELS'); "
            "c.execute('BEGIN'); c.execute('COMMIT')")
    assert heavy_modules_after(code, tmp_path, modules) == []
    code = "import snowreg; c = snowreg.connect().cursor(); c.execute('BEGIN RETURN 1; END;')"
    assert heavy_modules_after(code, tmp_path, modules) == sorted(modules[:3])
