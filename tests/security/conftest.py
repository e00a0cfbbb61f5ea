"""What the security tests share: an administrator over a fresh registry and ALICE, a second user of the
same registry, whose role each test file's setup statements grant exactly what the file needs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import snowreg
from snowreg.dbapi import Connection

Pair = tuple[Connection, Connection]


def _pair_of(setup: Sequence[str], path: Path | None = None, schema: str | None = "ML.DEV") -> Iterator[Pair]:
    """The administrator (database ML, schema DEV) after `setup`, and ALICE in `schema` (None: none used)."""
    admin = snowreg.connect(database="ML", schema="DEV", path=path)
    for sql in setup:
        admin.cursor().execute(sql)
    alice = Connection(admin._catalog, user="ALICE")
    if schema is not None:
        alice.cursor().execute(f"USE SCHEMA {schema}")
    yield admin, alice
    alice.close()
    admin.close()


@pytest.fixture(scope="session")
def pair_of() -> Callable[..., Iterator[Pair]]:
    """A file's `pair` fixture is `yield from pair_of(SETUP)`, at the scope the file needs."""
    return _pair_of
