"""The connector's client-side surface: sqlstate, result batches, closed objects, unknown query ids."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.dbapi import DictCursor


def test_sqlstate_after_an_error_and_after_success() -> None:
    cur = snowreg.connect().cursor()
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT * FROM nowhere.at.all")
    assert cur.sqlstate == "42S02"
    cur.execute("SELECT 1")
    assert cur.sqlstate is None


def test_statement_kind_is_named_when_there_is_no_current_database() -> None:
    cur = snowreg.connect().cursor()
    with pytest.raises(snowreg.ProgrammingError, match=r"^090105 \(22000\): Cannot perform CREATE TABLE\. "):
        cur.execute("CREATE TABLE t (i INT)")
    with pytest.raises(snowreg.ProgrammingError, match=r"Cannot perform SELECT\."):
        cur.execute("SELECT * FROM t")


def test_result_batches_after_a_select() -> None:
    cur = snowreg.connect().cursor()
    cur.execute("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'")
    batches = cur.get_result_batches()
    assert batches is not None and sum(b.rowcount for b in batches) == 2
    assert [tuple(r) for b in batches for r in b] == [(1, "x"), (2, "y")]
    assert list(batches[0].to_pandas().columns) == ["A", "B"]


def test_execute_string_with_dict_cursor() -> None:
    conn = snowreg.connect()
    cursors = conn.execute_string("SELECT 1 AS a; SELECT 2 AS b", cursor_class=DictCursor)
    assert [c.fetchall() for c in cursors] == [[{"A": 1}], [{"B": 2}]]


def test_fetch_before_execute_and_use_after_close() -> None:
    conn = snowreg.connect()
    cur = conn.cursor()
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.fetchone()
    assert info.value.errno == 252009
    cur.execute("SELECT 1")
    cur.close()
    with pytest.raises(snowreg.InterfaceError) as closed:
        cur.fetchall()
    assert closed.value.errno == 252006
    conn.close()
    for use in (conn.cursor, conn.commit, conn.rollback):
        with pytest.raises(snowreg.DatabaseError) as gone:
            use()
        assert (gone.value.errno, gone.value.sqlstate, str(gone.value)) == (
            250002, "08003", "250002 (08003): Connection is closed")


def test_unknown_query_id() -> None:
    cur = snowreg.connect().cursor()
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.get_results_from_sfqid("01b2c3d4-0000-0000-0000-000000000000")
    assert (info.value.errno, info.value.sqlstate) == (709, "02000")


def test_connect_to_information_schema() -> None:
    conn = snowreg.connect(database="db", schema="information_schema")
    assert conn.schema == "INFORMATION_SCHEMA"
    assert conn.cursor().execute("SELECT CURRENT_SCHEMA()").fetchone() == ("INFORMATION_SCHEMA",)
