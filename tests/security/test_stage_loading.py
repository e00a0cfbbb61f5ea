"""COPY INTO <table> FROM @stage and file formats across roles: READ on the stage, INSERT on the table
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, access control), no path out of the
stage, and the relation the loader hands DuckDB is never an object user SQL can name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

SETUP = [
    "CREATE STAGE SECRET_ST", "CREATE STAGE READ_ST", "CREATE TABLE OPEN_T (a INT)", "CREATE TABLE SECRET_T (a INT)", "CREATE TABLE READ_ONLY_T (a INT)",
    "CREATE FILE FORMAT ADMIN_FF TYPE = CSV",
    "CREATE ROLE LOADER", "GRANT USAGE ON DATABASE ML TO ROLE LOADER", "GRANT USAGE ON SCHEMA ML.DEV TO ROLE LOADER",
    "GRANT READ ON STAGE ML.DEV.READ_ST TO ROLE LOADER", "GRANT SELECT, INSERT ON TABLE ML.DEV.OPEN_T TO ROLE LOADER",
    "GRANT SELECT ON TABLE ML.DEV.READ_ONLY_T TO ROLE LOADER",
    "CREATE USER ALICE DEFAULT_ROLE = LOADER", "GRANT ROLE LOADER TO USER ALICE",
]


@pytest.fixture
def pair(pair_of: Callable[..., Iterator[tuple[Connection, Connection]]], tmp_path: Path
         ) -> Iterator[tuple[Connection, Connection]]:
    gen = pair_of(SETUP)
    admin, alice = next(gen)
    (tmp_path / "n.csv").write_text("1\n2\n")
    for stage in ("SECRET_ST", "READ_ST"):
        admin.cursor().execute(f"PUT '{(tmp_path / 'n.csv').as_uri()}' @{stage}")
    yield admin, alice
    for _ in gen:
        pass


def _errno(cur: Any, sql: str) -> int:
    with pytest.raises(snowreg.Error) as caught:
        cur.execute(sql)
    return caught.value.errno


def test_a_stage_without_a_privilege_does_not_exist(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert _errno(alice.cursor(), "COPY INTO OPEN_T FROM @SECRET_ST") == 2003
    assert alice.cursor().execute("SELECT COUNT(*) FROM OPEN_T").fetchall() == [(0,)]


def test_read_on_the_stage_and_insert_on_the_table_load(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    rows = alice.cursor().execute("COPY INTO OPEN_T FROM @READ_ST").fetchall()
    assert rows[0][1:4] == ("LOADED", 2, 2)


def test_insert_on_the_table_is_needed(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert _errno(alice.cursor(), "COPY INTO READ_ONLY_T FROM @READ_ST") == 3001
    assert alice.cursor().execute("SELECT COUNT(*) FROM READ_ONLY_T").fetchall() == [(0,)]


def test_read_is_not_enough_to_purge(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert _errno(alice.cursor(), "REMOVE @READ_ST") == 3001
    assert len(admin.cursor().execute("LIST @READ_ST").fetchall()) == 1


def test_another_roles_file_format_cannot_be_replaced_or_dropped(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert _errno(alice.cursor(), "DROP FILE FORMAT ADMIN_FF") == 2003
    assert _errno(alice.cursor(), "CREATE OR REPLACE FILE FORMAT ADMIN_FF TYPE = JSON") == 2003
    assert [r[4] for r in admin.cursor().execute("SHOW FILE FORMATS").fetchall()] == ["CSV"]


@pytest.mark.parametrize("sql", [
    "COPY INTO OPEN_T FROM @READ_ST FILES = ('../SECRET_ST/n.csv.gz')",
    "COPY INTO OPEN_T FROM @READ_ST/../SECRET_ST",
    "COPY INTO OPEN_T FROM '@READ_ST/./x'",
])
def test_no_path_leaves_the_stage(pair: tuple[Connection, Connection], sql: str) -> None:
    _, alice = pair
    with pytest.raises(snowreg.Error, match="leaves its stage"):
        alice.cursor().execute(sql)
    assert alice.cursor().execute("SELECT COUNT(*) FROM OPEN_T").fetchall() == [(0,)]


def test_a_link_out_of_a_directory_stage_is_not_read(tmp_path: Path) -> None:
    root, outside = tmp_path / "stage", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.csv").write_text("42\n")
    (root / "link.csv").symlink_to(outside / "secret.csv")
    (root / "sub").symlink_to(outside, target_is_directory=True)
    cur = snowreg.connect(database="ML", schema="DEV", stage_roots=[str(root)]).cursor()
    cur.execute(f"CREATE STAGE ds URL = '{root.as_uri()}'")
    cur.execute("CREATE TABLE t (a INT)")
    assert cur.execute("COPY INTO t FROM @ds").fetchall() == [("Copy executed with 0 files processed.",)]
    assert cur.execute("SELECT COUNT(*) FROM t").fetchall() == [(0,)]


def test_user_sql_cannot_name_the_loaders_relation(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    alice.cursor().execute("COPY INTO OPEN_T FROM @READ_ST")
    assert _errno(alice.cursor(), "SELECT * FROM SNOWREG_LOAD_1") == 2003


def test_querying_a_stage_needs_a_privilege_on_it(pair: tuple[Connection, Connection]) -> None:
    _, alice = pair
    assert _errno(alice.cursor(), "SELECT $1 FROM @SECRET_ST") == 2003
    assert alice.cursor().execute("SELECT $1 FROM @READ_ST ORDER BY 1").fetchall() == [("1",), ("2",)]
    assert _errno(alice.cursor(), "SELECT $1 FROM @READ_ST/../SECRET_ST") == 2003


def test_unloading_needs_write_on_the_stage_and_select_on_the_source(pair: tuple[Connection, Connection]) -> None:
    admin, alice = pair
    assert _errno(alice.cursor(), "COPY INTO @READ_ST/out/ FROM OPEN_T") == 3001
    assert _errno(alice.cursor(), "COPY INTO @SECRET_ST/out/ FROM OPEN_T") == 2003
    admin.cursor().execute("GRANT WRITE ON STAGE ML.DEV.READ_ST TO ROLE LOADER")
    assert _errno(alice.cursor(), "COPY INTO @READ_ST/out/ FROM SECRET_T") == 2003
    assert _errno(alice.cursor(), "COPY INTO @READ_ST/../SECRET_ST/ FROM OPEN_T") == 2003
    assert [r[0] for r in admin.cursor().execute("LIST @READ_ST").fetchall()] == ["read_st/n.csv.gz"]
