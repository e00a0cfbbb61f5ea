"""Table stages and user stages across users and roles
(https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage): a user's `@~` is
theirs alone; a table's `@%t` needs OWNERSHIP of the table (INSERT or SELECT is not enough, and a table the
role cannot see has no stage for it); no path leaves either stage; a refused statement changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE TABLE SECRET_T (a INT)", "CREATE TABLE INSERT_T (a INT)", "CREATE TABLE SELECT_T (a INT)",
    "CREATE ROLE LOADER", "GRANT USAGE ON DATABASE ML TO ROLE LOADER", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE LOADER",
    "GRANT CREATE TABLE ON SCHEMA ML.DEV TO ROLE LOADER",
    "GRANT SELECT, INSERT ON TABLE ML.DEV.INSERT_T TO ROLE LOADER", "GRANT SELECT ON TABLE ML.DEV.SELECT_T TO ROLE LOADER",
    "CREATE USER ALICE DEFAULT_ROLE = LOADER", "GRANT ROLE LOADER TO USER ALICE",
]


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]], tmp_path: Path
         ) -> Iterator[tuple[Connection, Connection, Path]]:
    gen = pair_of(SETUP)
    admin, alice = next(gen)
    (tmp_path / "n.csv").write_text("1\n2\n")
    for where in ("@~/mine", "@%SECRET_T", "@%INSERT_T"):
        admin.cursor().execute(f"PUT '{(tmp_path / 'n.csv').as_uri()}' {where}")
    yield admin, alice, tmp_path
    for _ in gen:
        pass


def _error(cur: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as caught:
        cur.execute(sql)
    return caught.value


def test_another_users_stage_is_never_seen(pair: tuple[Connection, Connection, Path]) -> None:
    admin, alice, tmp = pair
    cur = alice.cursor()
    assert cur.execute("LIST @~").fetchall() == []
    assert cur.execute("REMOVE @~/mine").fetchall() == []
    assert cur.execute("SELECT COUNT(*) FROM @~").fetchall() == [(0,)]
    cur.execute(f"PUT '{(tmp / 'n.csv').as_uri()}' @~/alice")
    assert [r[0] for r in cur.execute("LIST @~").fetchall()] == ["alice/n.csv.gz"]
    # the administrator's own stage is unchanged, and does not show ALICE's file
    assert [r[0] for r in admin.cursor().execute("LIST @~").fetchall()] == ["mine/n.csv.gz"]


def test_a_hidden_tables_stage_does_not_exist(pair: tuple[Connection, Connection, Path]) -> None:
    admin, alice, tmp = pair
    cur = alice.cursor()
    for sql in ("LIST @%SECRET_T", "REMOVE @%SECRET_T", f"PUT '{(tmp / 'n.csv').as_uri()}' @%SECRET_T",
                f"GET @%SECRET_T '{(tmp / 'out').as_uri()}'",
                "COPY INTO INSERT_T FROM @%SECRET_T"):
        e = _error(cur, sql)
        assert (e.errno, "does not exist or not authorized" in e.msg) == (2003, True), sql
    assert not (tmp / "out").exists()
    assert [r[0] for r in admin.cursor().execute("LIST @%SECRET_T").fetchall()] == ["n.csv.gz"]
    assert cur.execute("SELECT COUNT(*) FROM INSERT_T").fetchall() == [(0,)]


def test_insert_on_a_table_is_not_its_stage(pair: tuple[Connection, Connection, Path]) -> None:
    admin, alice, tmp = pair
    cur = alice.cursor()
    for sql in ("LIST @%INSERT_T", "REMOVE @%INSERT_T", "COPY INTO INSERT_T",
                f"PUT '{(tmp / 'n.csv').as_uri()}' @%INSERT_T OVERWRITE = TRUE"):
        assert _error(cur, sql).errno == 3001, sql
    assert cur.execute("SELECT COUNT(*) FROM INSERT_T").fetchall() == [(0,)]
    assert [r[0] for r in admin.cursor().execute("LIST @%INSERT_T").fetchall()] == ["n.csv.gz"]


def test_the_owner_of_a_table_uses_its_stage(pair: tuple[Connection, Connection, Path]) -> None:
    _, alice, tmp = pair
    cur = alice.cursor()
    cur.execute("CREATE TABLE MINE (a INT)")
    cur.execute(f"PUT '{(tmp / 'n.csv').as_uri()}' @%MINE")
    assert cur.execute("COPY INTO MINE").fetchall()[0][1:4] == ("LOADED", 2, 2)


def test_no_path_leaves_a_table_or_user_stage(pair: tuple[Connection, Connection, Path]) -> None:
    admin, _, tmp = pair
    cur = admin.cursor()
    for sql in (f"PUT '{(tmp / 'n.csv').as_uri()}' @~/../x", f"PUT '{(tmp / 'n.csv').as_uri()}' @%SECRET_T/../x",
                "LIST @~/..", "REMOVE @%SECRET_T/../", "COPY INTO SECRET_T FROM @%SECRET_T FILES = ('../n.csv.gz')",
                "COPY INTO @~/../out FROM SECRET_T"):
        assert _error(cur, sql).errno == 2003, sql
    assert [r[0] for r in cur.execute("LIST @~").fetchall()] == ["mine/n.csv.gz"]
    assert cur.execute("SELECT COUNT(*) FROM SECRET_T").fetchall() == [(0,)]


def test_a_new_user_of_a_dropped_users_name_starts_with_an_empty_stage(
        pair: tuple[Connection, Connection, Path]) -> None:
    admin, alice, tmp = pair
    alice.cursor().execute(f"PUT '{(tmp / 'n.csv').as_uri()}' @~")
    alice.close()
    admin.cursor().execute("DROP USER ALICE")
    admin.cursor().execute("CREATE USER ALICE DEFAULT_ROLE = LOADER")
    admin.cursor().execute("GRANT ROLE LOADER TO USER ALICE")
    again = Connection(admin._catalog, user="ALICE")
    assert again.cursor().execute("LIST @~").fetchall() == []
    again.close()


def test_validation_needs_what_a_load_needs(pair: tuple[Connection, Connection, Path]) -> None:
    _, alice, tmp = pair
    cur = alice.cursor()
    cur.execute(f"PUT '{(tmp / 'n.csv').as_uri()}' @~/v")
    assert _error(cur, "COPY INTO SELECT_T FROM @~/v VALIDATION_MODE = RETURN_1_ROWS").errno == 3001
    assert _error(cur, "COPY INTO SECRET_T FROM @~/v VALIDATION_MODE = RETURN_ERRORS").errno == 2003
    assert cur.execute("COPY INTO INSERT_T FROM @~/v VALIDATION_MODE = RETURN_1_ROWS").fetchall() == [(1,)]
    assert cur.execute("SELECT COUNT(*) FROM INSERT_T").fetchall() == [(0,)]
