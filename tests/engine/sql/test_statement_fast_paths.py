"""The per-statement shortcuts (result columns made once per name and type, the read-only SELECT path, a SELECT
with nothing to describe, the quick plain-SELECT match, the text caches) never keep an answer the catalog,
the role or the session has since changed: the same text, run again after each change, answers anew."""

from __future__ import annotations

import decimal
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Iterator[Any]:
    conn = snowreg.connect(database="DB", schema="S")
    yield conn.cursor()
    conn.close()


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(cur.execute(sql).fetchall())


def types(cur: Any) -> list[tuple[str, int, int | None, int | None, int | None]]:
    return [(d.name, d.type_code, d.internal_size, d.precision, d.scale) for d in cur.description]


def error(cur: Any, sql: str) -> str:
    with pytest.raises(snowreg.ProgrammingError) as raised:
        cur.execute(sql)
    return str(raised.value)


def test_a_repeated_select_sees_a_table_dropped_created_and_altered(cur: Any) -> None:
    cur.execute("CREATE TABLE T (A INT)")
    cur.execute("INSERT INTO T VALUES (1)")
    assert rows(cur, "SELECT * FROM T") == [(1,)]
    assert types(cur) == [("A", 0, None, 38, 0)]
    cur.execute("ALTER TABLE T ADD COLUMN B VARCHAR(5)")
    assert rows(cur, "SELECT * FROM T") == [(1, None)]
    assert types(cur) == [("A", 0, None, 38, 0), ("B", 2, 5, None, None)]
    cur.execute("DROP TABLE T")
    assert "Object 'DB.S.T' does not exist or not authorized." in error(cur, "SELECT * FROM T")
    cur.execute("CREATE TABLE T (A VARCHAR(3))")
    cur.execute("INSERT INTO T VALUES ('x')")
    assert rows(cur, "SELECT * FROM T") == [("x",)]
    assert types(cur) == [("A", 2, 3, None, None)]


def test_a_repeated_select_follows_use_schema(cur: Any) -> None:
    cur.execute("CREATE TABLE T (A INT)")
    cur.execute("INSERT INTO T VALUES (1)")
    cur.execute("CREATE SCHEMA S2")  # now current
    cur.execute("CREATE TABLE T (A INT)")
    cur.execute("INSERT INTO T VALUES (2)")
    assert rows(cur, "SELECT A FROM T") == [(2,)]
    cur.execute("USE SCHEMA S")
    assert rows(cur, "SELECT A FROM T") == [(1,)]
    cur.execute("USE SCHEMA S2")
    assert rows(cur, "SELECT A FROM T") == [(2,)]


def test_a_restricted_role_never_gets_an_answer_made_for_another(cur: Any) -> None:
    cur.execute("CREATE TABLE T (A INT)")
    cur.execute("INSERT INTO T VALUES (7)")
    cur.execute("CREATE ROLE ANALYST")
    cur.execute("GRANT ROLE ANALYST TO USER ADMIN")
    assert rows(cur, "SELECT A FROM T") == [(7,)]
    assert rows(cur, "SELECT 1") == [(1,)]
    cur.execute("USE ROLE ANALYST")
    assert "Object 'DB.S.T' does not exist or not authorized." in error(cur, "SELECT A FROM T")
    assert rows(cur, "SELECT 1") == [(1,)]  # a statement that reads nothing needs no privilege
    assert rows(cur, "SELECT CURRENT_ROLE()") == [("ANALYST",)]
    cur.execute("USE ROLE ACCOUNTADMIN")
    for grant in ("GRANT USAGE ON DATABASE DB TO ROLE ANALYST", "GRANT USAGE ON SCHEMA DB.S TO ROLE ANALYST",
                  "GRANT SELECT ON TABLE DB.S.T TO ROLE ANALYST"):
        cur.execute(grant)
    cur.execute("USE ROLE ANALYST")
    assert rows(cur, "SELECT A FROM T") == [(7,)]
    cur.execute("USE ROLE ACCOUNTADMIN")
    cur.execute("REVOKE SELECT ON TABLE DB.S.T FROM ROLE ANALYST")
    cur.execute("USE ROLE ANALYST")
    assert "Object 'DB.S.T' does not exist or not authorized." in error(cur, "SELECT A FROM T")
    assert rows(cur, "SELECT CURRENT_ROLE()") == [("ANALYST",)]


def test_a_repeated_select_follows_alter_session(cur: Any) -> None:
    sql = "SELECT '2024-01-01 12:00:00 +00:00'::TIMESTAMP_LTZ::VARCHAR"
    cur.execute("ALTER SESSION SET TIMEZONE = 'UTC'")
    assert rows(cur, sql) == [("2024-01-01 12:00:00.000 +0000",)]
    cur.execute("ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'")
    assert rows(cur, sql) == [("2024-01-01 21:00:00.000 +0900",)]


def test_columns_of_one_name_keep_their_own_types_and_values(cur: Any) -> None:
    """Result columns are made once per name and DuckDB type: another type under the same name is another
    column; DECIMAL(p, 0) values come back as int, other decimals as Decimal, VARIANT as the connector's text."""
    for _ in range(2):  # the second round reads the columns made in the first
        assert rows(cur, "SELECT 1 AS X") == [(1,)]
        assert types(cur) == [("X", 0, None, 38, 0)]
        assert rows(cur, "SELECT 'a' AS X") == [("a",)]
        assert types(cur) == [("X", 2, 1, None, None)]
        assert rows(cur, "SELECT 12345678901::NUMBER(20, 0) AS X") == [(12345678901,)]
        assert type(rows(cur, "SELECT 5::NUMBER(20, 0) AS X")[0][0]) is int
        assert rows(cur, "SELECT 1.5::NUMBER(10, 2) AS X") == [(decimal.Decimal("1.50"),)]
        assert rows(cur, "SELECT PARSE_JSON('{\"a\": [1, 2]}') AS X") == [('{\n  "a": [\n    1,\n    2\n  ]\n}',)]
        assert types(cur)[0][:2] == ("X", 5)
        assert rows(cur, "SELECT 1 AS X, 2.5 AS Y, 'b' AS Z") == [(1, decimal.Decimal("2.5"), "b")]


def test_new_texts_answer_their_own_values(cur: Any) -> None:
    for n in (1, 2, 10, 123456789012345678, 0):
        assert rows(cur, f"SELECT {n}") == [(n,)]
        assert types(cur) == [(str(n), 0, None, 38, 0)]
    assert rows(cur, "  select  1 ,2  ") == [(1, 2)]
    assert rows(cur, "SELECT 3 + 4 * 2") == [(11,)]
    assert rows(cur, "SELECT 1 < 2") == [(True,)]


def test_query_ids_are_distinct_version_4_uuids(cur: Any) -> None:
    seen = set()
    for _ in range(50):
        cur.execute("SELECT 1")
        parsed = uuid.UUID(cur.sfqid)
        assert str(parsed) == cur.sfqid and parsed.version == 4 and parsed.variant == uuid.RFC_4122
        seen.add(cur.sfqid)
    assert len(seen) == 50
    cur.execute("SELECT 2")
    last = cur.sfqid
    assert rows(cur, "SELECT LAST_QUERY_ID()") == [(last,)]
    assert rows(cur, f"SELECT * FROM TABLE(RESULT_SCAN('{last}'))") == [(2,)]


def test_a_cancel_between_statements_does_not_leak_into_the_next(cur: Any) -> None:
    """The boundary clears a cancel only when one was set: a statement after a finished one runs."""
    for _ in range(3):
        assert rows(cur, "SELECT 1") == [(1,)]
    cur.connection.session.canceled.set()  # as a cancel that came when no statement ran
    with pytest.raises(snowreg.errors.Error) as raised:
        cur.execute("SELECT 1")
    assert raised.value.errno == 604
    assert rows(cur, "SELECT 1") == [(1,)]


# -- the checks every statement passes, each made only when its condition holds ------------------------------


def test_json_output_parameters_act_on_a_repeated_text_once_set(cur: Any) -> None:
    """STRICT_JSON_OUTPUT and JSON_INDENT are read only when set: set, they change the next run of the same text."""
    sql = "SELECT PARSE_JSON('{\"a\": [1, 2]}') AS V, 'NaN'::FLOAT::VARIANT AS N"
    plain = [('{\n  "a": [\n    1,\n    2\n  ]\n}', "NaN")]
    assert rows(cur, sql) == plain
    cur.execute("ALTER SESSION SET JSON_INDENT = 0")
    assert rows(cur, sql) == [('{"a":[1,2]}', "NaN")]
    cur.execute("ALTER SESSION SET STRICT_JSON_OUTPUT = TRUE")
    assert rows(cur, sql) == [('{"a":[1,2]}', '"NaN"')]
    cur.execute("ALTER SESSION UNSET JSON_INDENT")
    cur.execute("ALTER SESSION UNSET STRICT_JSON_OUTPUT")
    assert rows(cur, sql) == plain


def test_an_aborted_transaction_refuses_the_repeated_text(cur: Any) -> None:
    """TRANSACTION_ABORT_ON_ERROR: the check for an aborted transaction runs only when one is; it then refuses the
    text that ran a moment before, until ROLLBACK."""
    cur.execute("ALTER SESSION SET TRANSACTION_ABORT_ON_ERROR = TRUE")
    assert rows(cur, "SELECT 1") == [(1,)]
    cur.execute("BEGIN")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT * FROM NOSUCH")
    with pytest.raises(snowreg.ProgrammingError, match="aborted"):
        cur.execute("SELECT 1")
    cur.execute("ROLLBACK")
    assert rows(cur, "SELECT 1") == [(1,)]


@pytest.mark.parametrize("begin", ["begin", "  Begin Transaction", "start transaction"])
def test_transaction_control_in_any_case_is_recognised(cur: Any, begin: str) -> None:
    cur.execute(begin)
    assert rows(cur, "select current_transaction() is not null") == [(True,)]
    cur.execute(" commit ")
    assert rows(cur, "select current_transaction() is null") == [(True,)]


def test_statements_with_a_path_of_their_own_are_found_in_any_case(cur: Any) -> None:
    """One scan decides whether a SELECT names INFER_SCHEMA, TASK_HISTORY, MATCH_RECOGNIZE, PIVOT, GET_DDL,
    LAST_QUERY_ID or RESULT_SCAN: written in lower or mixed case, each still reaches its own path."""
    cur.execute("create table t (k varchar, o int, v int)")
    cur.execute("insert into t values ('a', 1, 1), ('b', 2, 2), ('a', 3, 3)")
    assert rows(cur, "select * from (select k, v from t) pivot (sum(v) for k in (any order by k))") == [(4, 2)]
    assert rows(cur, "select * from t Match_Recognize (order by o measures match_number() as m all rows per match "
                     "pattern (a+) define a as v > 0) order by o") == [("a", 1, 1, 1), ("b", 2, 2, 1), ("a", 3, 3, 1)]
    assert rows(cur, "select count(*) from table(information_schema.task_history())") == [(0,)]
    assert rows(cur, "select get_ddl('table', 't')")[0][0].startswith("create or replace TABLE T (")
    cur.execute("select 7")
    last = cur.sfqid
    assert rows(cur, "select last_query_id()") == [(last,)]
    assert rows(cur, f"select * from table(result_scan('{last}'))") == [(7,)]


def test_execute_takes_its_text_by_any_name_and_refuses_what_is_no_text(cur: Any) -> None:
    assert cur.execute(operation="SELECT 1").fetchall() == [(1,)]
    assert cur.execute(command="SELECT %s", params=(2,)).fetchall() == [(2,)]
    assert cur.execute("SELECT '%s'", None).fetchall() == [("%s",)]  # no parameters: the text as written
    with pytest.raises(TypeError):
        cur.execute(None)
