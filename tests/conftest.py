"""Fixtures shared by the test suite, built on the snowreg pytest plugin's own (`snowreg_conn`, …).

- `conn` → `cur`: a fresh in-memory registry per test (TEST_DB.PUBLIC), as users get from the plugin.
- `classifier`: a small frame with columns A, B, C and a LogisticRegression fitted on it (module-wide).
- `registry_factory`: builds a persistent registry directory once per module: DB.S with model M
  (versions V1 default, V2) logged from a LinearRegression, table T(A, B), and role ANALYST holding
  USAGE on DB, DB.S and M, granted to the admin user; each test module adds its own statements.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg

ROOT = Path(__file__).resolve().parents[1]
# The real clients' environments (.ci/run creates both) and the extra each installs: `.venv-client` holds
# snowflake-connector-python 4.x with Snowpark and snowflake-ml-python (which pin the connector below 5),
# `.venv-client5` the connector 5.x alone.
CLIENT_EXTRAS = {".venv-client": "client-tests", ".venv-client5": "client5-tests"}
# The connector 5.x's core asks the EC2 metadata service (a link-local address) for AWS credentials and
# region as it connects; the tests keep every request on this machine.
CLIENT_ENV = {"AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture
def conn(snowreg_conn: Any) -> Any:
    """The plugin's connection: a fresh in-memory registry, current database TEST_DB, schema PUBLIC."""
    return snowreg_conn


@pytest.fixture
def cur(snowreg_cursor: Any) -> Any:
    """A cursor of `conn`."""
    return snowreg_cursor


@pytest.fixture(scope="module")
def classifier() -> tuple[Any, Any]:
    """(X, model): 200 rows of A, B, C and a LogisticRegression fitted on them."""
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.normal(size=(200, 3)), columns=["A", "B", "C"])
    y = (x["A"] + x["B"] > 0).astype(int)
    return x, linear_model.LogisticRegression().fit(x, y)


RegistryFactory = Callable[[Callable[[Any, Path], None] | None], Path]


@pytest.fixture(scope="module")
def registry_factory(tmp_path_factory: pytest.TempPathFactory) -> RegistryFactory:
    """`registry_factory(extra)`: a registry directory with the base objects, then `extra(conn, path)`."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")

    def build(extra: Callable[[Any, Path], None] | None = None) -> Path:
        path = tmp_path_factory.mktemp("registry")
        conn = snowreg.connect(database="DB", schema="S", path=path)
        df = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [2.0, 3.0, 5.0]})
        model = linear_model.LinearRegression().fit(df, [1.0, 2.0, 3.0])
        reg = snowreg.Registry(conn)
        reg.log_model(model, model_name="M", version_name="V1", sample_input_data=df)
        reg.log_model(model, model_name="M", version_name="V2", sample_input_data=df)
        cur = conn.cursor()
        for sql in [
            "CREATE TABLE T AS SELECT 1.0::DOUBLE AS A, 2.0::DOUBLE AS B",
            "CREATE ROLE ANALYST",
            "GRANT USAGE ON DATABASE DB TO ROLE ANALYST",
            "GRANT USAGE ON SCHEMA DB.S TO ROLE ANALYST",
            "GRANT USAGE ON MODEL DB.S.M TO ROLE ANALYST",
            f"GRANT ROLE ANALYST TO USER {conn.user}",
        ]:
            cur.execute(sql)
        if extra is not None:
            extra(conn, path)
        conn.close()
        return path

    return build


@pytest.fixture
def fresh_copy(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """`fresh_copy(dir)`: a private copy of a registry directory, so a test may change it freely."""
    import shutil

    def copy(source: Path) -> Path:
        target = tmp_path / "registry"
        shutil.copytree(source, target)
        return target

    yield copy


@pytest.fixture
def rerun_in_client() -> Callable[..., None]:
    """Runs a test file again with a client environment's interpreter (`venv`, `.venv-client` by default),
    where the real snowflake-connector-python / Snowpark / snowflake-ml-python are installed: skipped without that
    environment, failed with the run's output when a test there fails (pytest exits 5 when none ran)."""

    def rerun(file: str, keyword: str | None = None, timeout: int = 600, venv: str = ".venv-client") -> None:
        python = ROOT / venv / "bin" / "python"
        if not python.exists():
            pytest.skip(f"no {venv}: create it with `python3 -m venv {venv} && "
                        f"{venv}/bin/pip install -e '.[{CLIENT_EXTRAS[venv]}]'` (.ci/run does)")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}, **CLIENT_ENV}
        proc = subprocess.run(
            [str(python), "-m", "pytest", str(Path(file).resolve()), "-q", "-x", "-p", "no:cacheprovider",
             "-W", "ignore::DeprecationWarning", *(["-k", keyword] if keyword else [])],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, (proc.stdout[-6000:] + proc.stderr[-3000:])

    return rerun


@pytest.fixture
def version_dir(tmp_path: Path) -> Path:
    """`tmp_path / "v"`: a version directory as snowflake-ml-python writes it, a LinearRegression of
    X1, X2 named M / V1 (for `ALTER MODEL … ADD VERSION … FROM @stage` over a stage rooted at tmp_path)."""
    pd = pytest.importorskip("pandas")
    linear_model = pytest.importorskip("sklearn.linear_model")
    from snowreg.packaging import package_model

    root = tmp_path / "v"
    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.5]})
    model = linear_model.LinearRegression().fit(X, 2 * X["X1"] + X["X2"])
    for rel, data in package_model(model, model_name="M", version_name="V1", sample_input_data=X).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


@pytest.fixture
def analyst_pair(tmp_path: Path, version_dir: Path) -> Iterator[tuple[Any, Any]]:
    """ADMIN (ACCOUNTADMIN, may also use ANALYST) and ALICE (ANALYST by default, also granted READER) on
    one registry directory; ADMIN owns model ML.DEV.M (V1), which neither role has a privilege on."""
    path = tmp_path / "reg"
    admin = snowreg.connect(database="ML", schema="DEV", path=path, stage_roots=[tmp_path])
    for sql in ("CREATE SCHEMA IF NOT EXISTS ML.DEV", "CREATE ROLE ANALYST", "CREATE ROLE READER",
                "GRANT USAGE ON DATABASE ML TO ROLE ANALYST", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST",
                "GRANT USAGE ON DATABASE ML TO ROLE READER", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE READER",
                "CREATE USER ALICE DEFAULT_ROLE = ANALYST", "GRANT ROLE ANALYST TO USER ALICE",
                "GRANT ROLE READER TO USER ALICE", "GRANT ROLE ANALYST TO USER ADMIN", "USE SCHEMA ML.DEV",
                f"CREATE STAGE ST URL = '{(tmp_path / 'v').as_uri()}'",
                "CREATE MODEL M WITH VERSION V1 FROM @ST"):
        admin.cursor().execute(sql)
    alice = snowreg.connect(database="ML", schema="DEV", user="ALICE", path=path)
    yield admin, alice
    alice.close()
    admin.close()
