"""Everyday SQL of tests-and-CI users: quiet refusals, headers of rewritten items, DDL snowreg does not emulate."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import snowreg


@pytest.mark.parametrize("sql, statement", [("EXPLAIN SELECT 1", "EXPLAIN SELECT")])
def test_a_statement_sqlglot_reads_as_a_command_writes_nothing_to_stderr(cur: Any, capfd: Any, sql: str,
                                                                         statement: str) -> None:
    with pytest.raises(snowreg.NotSupportedError) as info:
        cur.execute(sql)
    assert f"The statement {statement} is not supported by snowreg." in info.value.msg
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_call_of_an_unknown_procedure_is_unknown_and_writes_nothing_to_stderr(cur: Any, capfd: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CALL my_proc(1)")  # procedures are emulated (engine.procedures): this one does not exist
    assert info.value.errno == 2140
    assert capfd.readouterr() == ("", "")


def test_show_tags_lists_the_tags_in_scope(cur: Any, capfd: Any) -> None:
    cur.execute("CREATE TAG cost_center ALLOWED_VALUES 'finance', 'hr' COMMENT = 'who pays'")
    cur.execute("CREATE SCHEMA other")
    cur.execute("CREATE TAG elsewhere")
    cur.execute("USE SCHEMA public")
    cur.execute("SHOW TAGS IN SCHEMA public")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    assert [(r["name"], r["schema_name"], r["comment"], r["allowed_values"]) for r in rows] == \
        [("COST_CENTER", "PUBLIC", "who pays", '["finance","hr"]')]
    cur.execute("SHOW TAGS LIKE '%where'")  # no IN: the current database
    assert [r[1] for r in cur.fetchall()] == ["ELSEWHERE"]
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("sql, statement", [
    ("CREATE OR REPLACE STREAM s ON EXTERNAL TABLE t", "A stream on an external table"),
    ("CREATE PIPE p AS COPY INTO t FROM @s", "CREATE PIPE"),
    ("CREATE EXTERNAL TABLE e (a INT AS (value:c1::INT)) LOCATION = @s FILE_FORMAT = (TYPE = CSV)",
     "CREATE EXTERNAL TABLE"),
    ("ALTER TABLE t SET DATA_RETENTION_TIME_IN_DAYS = 30", "DATA_RETENTION_TIME_IN_DAYS = 30 (snowreg keeps a dropped "
     "table for one day or not at all: 0 or 1)"),
    ("ALTER SCHEMA public RENAME TO other", "ALTER SCHEMA … RENAME TO"),
])
def test_ddl_snowreg_does_not_emulate_is_refused_by_name(cur: Any, sql: str, statement: str) -> None:
    cur.execute("CREATE TABLE t (a INT)")
    with pytest.raises(snowreg.NotSupportedError) as info:
        cur.execute(sql)
    assert (info.value.errno, info.value.sqlstate) == (2, "0A000")
    assert f"{statement} is not supported by snowreg" in info.value.msg
    cur.execute("SHOW TABLES")
    assert [r[1] for r in cur.fetchall()] == ["T"]


def test_variable_and_system_function_items_are_named_by_their_text(cur: Any) -> None:
    cur.execute("SET (limit_value, label) = (10, 'a rather long value')")
    cur.execute("SELECT $limit_value, $label, $limit_value * 2, SYSTEM$CANCEL_QUERY('no-such-id')")
    assert [d[0] for d in cur.description] == ["$LIMIT_VALUE", "$LABEL", "$LIMIT_VALUE * 2",
                                              "SYSTEM$CANCEL_QUERY('NO-SUCH-ID')"]
    assert cur.fetchall() == [(10, "a rather long value", 20, "Identified SQL statement is not currently executing.")]


def test_update_set_default_and_comment_on_column(cur: Any) -> None:
    cur.execute("CREATE TABLE t (id INT, qty INT DEFAULT 7, note VARCHAR)")
    cur.execute("INSERT INTO t VALUES (1, 1, 'x'), (2, 2, 'y')")
    cur.execute("UPDATE t SET qty = DEFAULT, note = DEFAULT WHERE id = 2")
    cur.execute("COMMENT ON COLUMN t.qty IS 'how many'")
    cur.execute("SELECT id, qty, note FROM t ORDER BY id")
    assert cur.fetchall() == [(1, 1, "x"), (2, 7, None)]
    cur.execute("SELECT comment FROM information_schema.columns WHERE table_name = 'T' AND column_name = 'QTY'")
    assert cur.fetchall() == [("how many",)]


# Minutes of DuckDB work: only a working cancel ends it within the test's time limit.
_HEAVY = ("WITH X AS (SELECT SEQ4() AS I FROM TABLE(GENERATOR(ROWCOUNT => 200000))), "
          "Y AS (SELECT SEQ4() AS J FROM TABLE(GENERATOR(ROWCOUNT => 200000))) "
          "SELECT COUNT(*) AS N FROM X, Y WHERE MOD(I * J, 7) = 1")


def test_cancel_all_queries_cancels_what_another_session_runs() -> None:
    with snowreg.connect() as worker:
        monitor = snowreg.dbapi.Connection(worker._catalog)
        session_id = worker.cursor().execute("SELECT CURRENT_SESSION()").fetchone()[0]
        idle = monitor.cursor().execute(f"SELECT SYSTEM$CANCEL_ALL_QUERIES({session_id})").fetchone()
        assert idle == ("0 cancelled.",)  # nothing running there
        failure: list[BaseException] = []

        def work() -> None:
            try:
                worker.cursor().execute(_HEAVY)
            except BaseException as e:  # noqa: BLE001 - the assertion below looks at it
                failure.append(e)

        thread = threading.Thread(target=work)
        thread.start()
        answer = ("0 cancelled.",)
        deadline = time.monotonic() + 20
        while answer == ("0 cancelled.",) and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
            answer = monitor.cursor().execute(f"SELECT SYSTEM$CANCEL_ALL_QUERIES({session_id})").fetchone()
        thread.join(30)
        assert answer == ("1 cancelled.",)
        assert [(e.errno, e.sqlstate) for e in failure if isinstance(e, snowreg.Error)] == [(604, "57014")]
        assert worker.cursor().execute("SELECT 1").fetchone() == (1,)  # the session goes on
        assert monitor.cursor().execute(f"SELECT SYSTEM$CANCEL_ALL_QUERIES({session_id})").fetchone() == \
            ("0 cancelled.",)
        monitor.close()


def test_cancel_all_queries_of_its_own_session_cancels_nothing(cur: Any) -> None:
    session_id = cur.execute("SELECT CURRENT_SESSION()").fetchone()[0]
    assert cur.execute(f"SELECT SYSTEM$CANCEL_ALL_QUERIES({session_id})").fetchone() == ("0 cancelled.",)
    assert cur.execute("SELECT 1").fetchone() == (1,)
