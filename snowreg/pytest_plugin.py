"""pytest plugin: fixtures giving each test a fresh in-memory snowreg registry."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def snowreg_conn() -> Iterator[Any]:
    """A connection over a fresh in-memory registry with database TEST_DB and schema PUBLIC."""
    import snowreg

    conn = snowreg.connect(database="TEST_DB", schema="PUBLIC")
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def snowreg_cursor(snowreg_conn: Any) -> Iterator[Any]:
    """A cursor of `snowreg_conn`."""
    with snowreg_conn.cursor() as cur:
        yield cur
