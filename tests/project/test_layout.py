"""The shape of the house: imports flow down (grammar, catalog → engine → face), with no cycles.

The graph is drawn from the source folders the way the package-dir mapping of pyproject.toml builds
the package, counting function-level imports too (they hide cycles just as well).
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/<room>/ -> the checkout

# Layers, lowest first: a module may import its own layer or lower ones only.
LAYERS = {"snowreg.errors": 0, "snowreg.grammar": 1, "snowreg.catalog": 2, "snowreg.engine": 3, "snowreg": 4}
# What the face may import from the engine: its public API only.
ENGINE_API = "snowreg.engine.api"


def _modules() -> dict[str, Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapping: dict[str, str] = config["tool"]["setuptools"]["package-dir"]
    out: dict[str, Path] = {}
    for package in config["tool"]["setuptools"]["packages"]:
        folder = ROOT / mapping.get(package, package.replace(".", "/"))
        for path in folder.glob("*.py"):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """The snowreg modules `name` imports (TYPE_CHECKING blocks excluded: they do not run)."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for n in ast.walk(node))
    package = name if path.stem == "__init__" else name.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for target in targets:
            parts = target.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            found = ".".join(parts)
            if found and found != name and not (path.stem == "__init__" and found.startswith(name + ".")):
                yield found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: set(_imports(name, path, modules)) for name, path in modules.items()}


def _layer(module: str) -> int:
    return max(level for prefix, level in LAYERS.items() if module == prefix or module.startswith(prefix + "."))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_the_packages() -> None:
    graph = _graph()
    assert "snowreg.engine.execute" in graph and "snowreg.grammar.text" in graph
    assert "snowreg.engine.session" in graph["snowreg.engine.execute"]


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_cycle_detection_works() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_flow_down() -> None:
    upward = [f"{m} -> {t}" for m, targets in _graph().items() for t in targets if _layer(t) > _layer(m)]
    assert upward == []


def test_the_face_uses_the_engine_api_only() -> None:
    graph = _graph()
    face = [m for m in graph if _layer(m) == LAYERS["snowreg"]]
    reaching_in = [f"{m} -> {t}" for m in face for t in graph[m]
                   if (_layer(t) in (LAYERS["snowreg.engine"], LAYERS["snowreg.catalog"])) and t != ENGINE_API]
    assert reaching_in == []
