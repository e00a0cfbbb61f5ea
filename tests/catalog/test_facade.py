"""The catalog as a façade: families are parts over one store, and writes across families are atomic."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg import catalog as catalog_package
from snowreg.catalog import Catalog, Store
from snowreg.catalog.databases import DatabasesPart
from snowreg.catalog.dropped import DroppedPart
from snowreg.catalog.files import FilesPart
from snowreg.catalog.grants import GrantsPart
from snowreg.catalog.models import ModelsPart
from snowreg.catalog.objects import ObjectsPart
from snowreg.catalog.udfs import UdfsPart
from snowreg.catalog.warehouses import WarehousesPart

PARTS = {"databases": DatabasesPart, "files": FilesPart, "models": ModelsPart, "objects": ObjectsPart,
         "grants": GrantsPart, "warehouses": WarehousesPart, "udfs": UdfsPart, "dropped": DroppedPart}
# the family modules, and the modules of the catalog each may import (shared pieces, never another family)
FAMILIES = {"databases": {"names", "pristine", "store"}, "files": {"store"},
            "models": {"files", "manifest", "store"}, "objects": {"files", "store"},
            "grants": {"passwords", "store"}, "warehouses": {"store"}, "udfs": {"store"}, "dropped": {"names", "store"}}
CATALOG_DIR = Path(inspect.getfile(catalog_package)).parent


def test_each_family_is_a_plain_class_over_the_one_store() -> None:
    for cls in (Catalog, Store, *PARTS.values()):
        assert cls.__mro__ == (cls, object), f"{cls.__name__} inherits {cls.__mro__[1:-1]}"
    catalog = Catalog.open()
    try:
        for name, cls in PARTS.items():
            part = getattr(catalog, name)
            assert type(part) is cls and part.store is catalog.store
        assert catalog.models.files is catalog.files and catalog.objects.files is catalog.files
    finally:
        catalog.release()


def _catalog_imports(module: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("snowreg.catalog"):
            rest = node.module.removeprefix("snowreg.catalog").lstrip(".")
            found |= {rest} if rest else {alias.name for alias in node.names}
    return found


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_family_module_imports_no_other_family(family: str) -> None:
    module = ast.parse((CATALOG_DIR / f"{family}.py").read_text())
    assert _catalog_imports(module) <= FAMILIES[family]


def test_no_part_reaches_into_another_parts_private_members() -> None:
    """`self.<part>._x` or `self.store._x` anywhere in the catalog: a cross-family call through a back door."""
    collaborators = {"store", *PARTS}
    offenders = []
    for path in sorted(CATALOG_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                    and isinstance(node.value, ast.Attribute) and node.value.attr in collaborators
                    and isinstance(node.value.value, ast.Name) and node.value.value.id in ("self", "catalog")):
                offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


# -- atomicity: a cross-family write whose last step fails leaves every family as it was ------------

SETUP = [
    "CREATE ROLE R",
    "GRANT USAGE ON DATABASE D TO ROLE R",
    "GRANT USAGE ON SCHEMA D.S TO ROLE R",
    "GRANT USAGE ON MODEL D.S.M TO ROLE R",
    "GRANT USAGE ON FUTURE MODELS IN SCHEMA D.S TO ROLE R",
    "CREATE STAGE D.S.ST",
    "GRANT READ ON STAGE D.S.ST TO ROLE R",
    "CREATE TAG D.S.LABEL",
    "ALTER MODEL D.S.M SET TAG D.S.LABEL = 'prod'",
    "CREATE TABLE D.S.T AS SELECT 1 AS A",
]
STATE = [
    "SHOW DATABASES LIKE 'D'",
    "SHOW SCHEMAS IN DATABASE D",
    "SHOW MODELS IN SCHEMA D.S",
    "SHOW VERSIONS IN MODEL D.S.M",
    "LIST 'snow://model/D.S.M/versions/V1/'",
    "LIST @D.S.ST",
    "SHOW GRANTS ON TAG D.S.LABEL",
    "SELECT SYSTEM$GET_TAG('D.S.LABEL', 'D.S.M', 'MODULE')",
    "SHOW GRANTS TO ROLE R",
    "SHOW GRANTS ON MODEL D.S.M",
    "SHOW GRANTS ON STAGE D.S.ST",
    "SHOW FUTURE GRANTS IN SCHEMA D.S",
    "SELECT * FROM D.S.T",
]


@pytest.fixture
def registry(tmp_path: Path) -> Any:
    conn = snowreg.connect(database="D", schema="S")
    df = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [2.0, 3.0, 5.0]})
    snowreg.Registry(conn).log_model(LinearRegression().fit(df, [1.0, 2.0, 3.0]), model_name="M",
                                     version_name="V1", sample_input_data=df)
    cur = conn.cursor()
    for sql in SETUP:
        cur.execute(sql)
    (tmp_path / "data.csv").write_text("1,2\n")
    cur.execute(f"PUT 'file://{tmp_path / 'data.csv'}' @D.S.ST AUTO_COMPRESS = FALSE")
    yield conn
    conn.close()


def _state(conn: Any) -> list[Any]:
    """What each STATE statement answers (rows, or the error of an object that is gone)."""
    cur, out = conn.cursor(), []
    for sql in STATE:
        try:
            out.append(cur.execute(sql).fetchall())
        except snowreg.Error as e:
            out.append(("error", e.errno))
    return out


class Injected(Exception):
    """The failure a test puts into the last step of a write."""


def _failing(step: Callable[..., Any]) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise Injected(step.__name__)
    return fail


# statement, the part whose step fails, the step: always the write's last step, after the other
# families' rows were already deleted inside the transaction
CASES = [
    ("DROP SCHEMA D.S", "grants", "forget_container"),
    ("DROP SCHEMA D.S", "objects", "delete_stage_rows"),
    ("DROP DATABASE D", "grants", "forget_container"),
    ("DROP MODEL D.S.M", "grants", "forget_object"),
    ("DROP STAGE D.S.ST", "grants", "forget_object"),
    ("DROP TAG D.S.LABEL", "grants", "forget_object"),
]


@pytest.mark.parametrize(("statement", "part", "step"), CASES)
def test_a_write_across_families_that_fails_midway_changes_nothing(
        registry: Any, monkeypatch: pytest.MonkeyPatch, statement: str, part: str, step: str) -> None:
    before = _state(registry)
    assert all(isinstance(rows, list) and rows for rows in before[:-1]), "the setup made every family's rows"
    monkeypatch.setattr(getattr(registry._catalog, part), step,
                        _failing(getattr(getattr(registry._catalog, part), step)))
    with pytest.raises(Injected):
        registry.cursor().execute(statement)
    assert _state(registry) == before
    monkeypatch.undo()
    registry.cursor().execute(statement)  # and the same statement, not failing, does its work
    assert _state(registry) != before


def test_drop_schema_takes_every_family_with_it(registry: Any) -> None:
    cur = registry.cursor()
    cur.execute("DROP SCHEMA D.S")
    cur.execute("CREATE SCHEMA D.S")
    cur.execute("CREATE STAGE D.S.ST")
    assert cur.execute("SHOW MODELS IN SCHEMA D.S").fetchall() == []
    assert cur.execute("LIST @D.S.ST").fetchall() == []
    assert cur.execute("SHOW FUTURE GRANTS IN SCHEMA D.S").fetchall() == []
    assert [r for r in cur.execute("SHOW GRANTS TO ROLE R").fetchall() if "D.S" in str(r)] == []
