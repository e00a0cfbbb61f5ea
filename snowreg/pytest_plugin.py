"""pytest plugin (entry point `snowreg`): fixtures giving each test a fresh, isolated fake Snowflake.

Function-scoped fixtures (a new in-memory registry per test, so tests never see each other's objects):

- `snowreg_conn`: a snowreg connection, current database/schema TEST_DB.PUBLIC (ini `snowreg_database`,
  `snowreg_schema`), logged in as ADMIN with role ACCOUNTADMIN.
- `snowreg_cursor`: a cursor of `snowreg_conn`.
- `snowreg_registry`: a `snowreg.Registry` on `snowreg_conn`.
- `snowreg_patch`: an active `snowreg.patch()`: `snowflake.connector.connect(...)`, Snowpark and
  write_pandas use one fresh registry for the test; yields the patch (`.connect(...)`, `.catalog`).
- `snowreg_snowpark_session`: a Snowpark `Session` on a connection of `snowreg_patch` (needs Snowpark).

Session-scoped variant (one registry for the whole test session, for suites that set up expensive
models once): `snowreg_session_patch`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("snowreg_database", "database of the snowreg fixtures' connections", default="TEST_DB")
    parser.addini("snowreg_schema", "schema of the snowreg fixtures' connections", default="PUBLIC")


def _context(config: pytest.Config) -> tuple[str, str]:
    return str(config.getini("snowreg_database")), str(config.getini("snowreg_schema"))


@pytest.fixture
def snowreg_conn(pytestconfig: pytest.Config) -> Iterator[Any]:
    """A connection over a fresh in-memory registry (current database TEST_DB, schema PUBLIC)."""
    import snowreg

    database, schema = _context(pytestconfig)
    conn = snowreg.connect(database=database, schema=schema)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def snowreg_cursor(snowreg_conn: Any) -> Iterator[Any]:
    """A cursor of `snowreg_conn`."""
    with snowreg_conn.cursor() as cur:
        yield cur


@pytest.fixture
def snowreg_registry(snowreg_conn: Any) -> Any:
    """A `snowreg.Registry` (snowflake-ml-python's API) on `snowreg_conn`'s database and schema."""
    import snowreg

    return snowreg.Registry(snowreg_conn)


@pytest.fixture
def snowreg_patch(pytestconfig: pytest.Config) -> Iterator[Any]:
    """`snowreg.patch()` for one test: snowflake.connector / Snowpark use a fresh registry."""
    import snowreg

    database, schema = _context(pytestconfig)
    with snowreg.patch(database=database, schema=schema) as patched:
        yield patched


@pytest.fixture(scope="session")
def snowreg_session_patch(pytestconfig: pytest.Config) -> Iterator[Any]:
    """`snowreg.patch()` for the whole test session: one registry shared by every test that uses it."""
    import snowreg

    database, schema = _context(pytestconfig)
    with snowreg.patch(database=database, schema=schema) as patched:
        yield patched


@pytest.fixture
def snowreg_snowpark_session(snowreg_patch: Any) -> Iterator[Any]:
    """A Snowpark Session on a `snowreg_patch` connection (skips when Snowpark is not installed)."""
    snowpark = pytest.importorskip("snowflake.snowpark")
    session = snowpark.Session.builder.configs({"connection": snowreg_patch.connect()}).create()
    try:
        yield session
    finally:
        session.close()
