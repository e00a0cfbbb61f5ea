"""A temporary table is its session's alone (https://docs.snowflake.com/en/user-guide/tables-temp-transient):
other sessions over the same registry neither see nor touch it, and once its session closes the name is
free for anyone."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.dbapi import Connection


@pytest.fixture
def owner() -> Connection:
    conn = snowreg.connect()
    conn.cursor().execute("CREATE DATABASE d")
    return conn


def test_another_session_does_not_see_a_temporary_table(owner: Connection) -> None:
    owner.cursor().execute("CREATE TEMPORARY TABLE d.public.tmp (i INT)")
    other = Connection(owner._catalog).cursor()
    with pytest.raises(snowreg.ProgrammingError) as caught:
        other.execute("SELECT * FROM d.public.tmp")
    assert caught.value.errno == 2003
    assert other.execute("SHOW TABLES IN SCHEMA d.public").fetchall() == []
    assert [r[1] for r in owner.cursor().execute("SHOW TABLES IN SCHEMA d.public").fetchall()] == ["TMP"]


def test_the_name_is_free_once_the_owning_session_closes(owner: Connection) -> None:
    first = Connection(owner._catalog)
    first.cursor().execute("CREATE TEMPORARY TABLE d.public.tmp (i INT)")
    first.close()
    cur = owner.cursor()
    cur.execute("CREATE TABLE d.public.tmp (j INT)")
    cur.execute("INSERT INTO d.public.tmp VALUES (5)")
    assert Connection(owner._catalog).cursor().execute("SELECT j FROM d.public.tmp").fetchall() == [(5,)]


def test_a_table_made_after_a_dropped_temporary_one_is_visible(owner: Connection) -> None:
    first = Connection(owner._catalog).cursor()
    first.execute("CREATE TEMPORARY TABLE d.public.tmp (i INT)")
    first.execute("DROP TABLE d.public.tmp")
    first.execute("CREATE TABLE d.public.tmp (k INT)")
    assert Connection(owner._catalog).cursor().execute("SELECT COUNT(*) FROM d.public.tmp").fetchall() == [(0,)]
