"""MATCH_RECOGNIZE reads its input through the ordinary SELECT path: a role without SELECT on the source
gets exactly the error a plain SELECT gives, however the source is written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE SECRET_T (o INT, x INT)", "INSERT INTO SECRET_T VALUES (1, 1), (2, 2)",
    "CREATE TABLE OPEN_T (o INT, x INT)", "INSERT INTO OPEN_T VALUES (1, 1), (2, 2)",
    "CREATE ROLE READER", "GRANT USAGE ON DATABASE ML TO ROLE READER", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE READER",
    "GRANT SELECT ON TABLE ML.DEV.OPEN_T TO ROLE READER",
    "CREATE USER ALICE DEFAULT_ROLE = READER", "GRANT ROLE READER TO USER ALICE",
]
_CLAUSE = "MATCH_RECOGNIZE (ORDER BY o MEASURES COUNT(*) AS n PATTERN (a+) DEFINE a AS x > 0)"


@pytest.fixture(scope="module")
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]]) -> Iterator[tuple[Connection, Connection]]:
    yield from pair_of(SETUP)


def _error(cur: Any, sql: str) -> tuple[int, str]:
    with pytest.raises(snowreg.Error) as caught:
        cur.execute(sql)
    return caught.value.errno, str(caught.value)


@pytest.mark.parametrize("source", ["SECRET_T", "ML.DEV.SECRET_T", "(SELECT * FROM SECRET_T)"])
def test_a_source_the_role_cannot_select_fails_as_a_plain_select(pair: tuple[Connection, Connection],
                                                                 source: str) -> None:
    _, alice = pair
    plain = _error(alice.cursor(), f"SELECT * FROM {source}")
    assert plain[0] == 2003
    assert _error(alice.cursor(), f"SELECT * FROM {source} {_CLAUSE}") == plain


def test_a_source_the_role_can_select_matches(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert alice.cursor().execute(f"SELECT * FROM OPEN_T {_CLAUSE}").fetchall() == [(2,)]
    assert admin.cursor().execute(f"SELECT * FROM SECRET_T {_CLAUSE}").fetchall() == [(2,)]


def test_a_hidden_table_in_define_fails_as_a_plain_select(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    clause = _CLAUSE.replace("x > 0", "x > (SELECT MIN(x) FROM SECRET_T)")
    plain = _error(alice.cursor(), "SELECT (SELECT MIN(x) FROM SECRET_T)")
    assert _error(alice.cursor(), f"SELECT * FROM OPEN_T {clause}")[0] == plain[0] == 2003
