""".ci/run and pyproject.toml agree on the client environments the tests re-run files in.

CI installs from scratch: each `.venv-*` that tests/conftest.py's `rerun_in_client` names must be created by
.ci/run with the extra conftest names for it, and each extra must exist in pyproject.toml.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # tests/<room>/ -> the checkout
INSTALL = re.compile(r"^\s*(\.venv[\w-]*)/bin/pip install -q -e '\.\[([\w-]+)\]'", re.M)
CLIENT_EXTRAS = re.compile(r"CLIENT_EXTRAS = (\{[^}]*\})")


def _ci_installs() -> dict[str, str]:
    return dict(INSTALL.findall((ROOT / ".ci" / "run").read_text()))


def test_every_rerun_environment_is_installed_by_ci_with_its_extra() -> None:
    found = CLIENT_EXTRAS.search((ROOT / "tests" / "conftest.py").read_text())
    assert found is not None
    expected: dict[str, str] = ast.literal_eval(found.group(1))
    installs = _ci_installs()
    assert {venv: installs.get(venv) for venv in expected} == expected


def test_every_extra_ci_installs_is_in_pyproject() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    installs = _ci_installs()
    assert installs and set(installs.values()) <= set(extras)


def test_the_connector_5x_environment_holds_no_snowpark() -> None:
    """Snowpark and snowflake-ml-python pin the connector below 5: an environment for the connector 5.x
    that asked for them could not be resolved (or would resolve to a 4.x)."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    five = extras["client5-tests"]
    assert any(r.startswith("snowflake-connector-python") and ">=5" in r for r in five)
    assert not any(r.startswith(("snowflake-snowpark-python", "snowflake-ml-python")) for r in five)
