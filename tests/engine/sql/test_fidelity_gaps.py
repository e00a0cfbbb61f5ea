"""Small fidelity gaps in plain SQL: an unknown column in HAVING named as such, a VARIANT cast to BOOLEAN
named BOOLEAN, a column's non-hex text read as BINARY refused with Snowflake's 100115 (through connect())."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


def error(cur: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        cur.execute(sql)
    assert "Error:" not in info.value.msg and "DuckDB" not in info.value.msg, info.value.msg
    return info.value


@pytest.fixture
def t(cur: Any) -> Any:
    cur.execute("CREATE TABLE t (a INT, b INT, s VARCHAR, v VARIANT)")
    cur.execute("INSERT INTO t SELECT 1, 2, 'zz', PARSE_JSON('{\"x\": 1}')")
    return cur


@pytest.mark.parametrize("sql", ["SELECT a FROM t GROUP BY a HAVING ^zz > 1",
                                 "SELECT a FROM t GROUP BY a HAVING a > 0 AND ^zz > 1",
                                 "SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > 0 OR ^t.zz = 1",
                                 "SELECT a FROM (SELECT a, b FROM t) GROUP BY a HAVING ^zz > 1",
                                 "WITH c AS (SELECT a FROM t) SELECT a FROM c GROUP BY a HAVING ^zz > 1",
                                 "SELECT a FROM t GROUP BY a QUALIFY ^zz > 1", "SELECT a FROM t GROUP BY a ORDER BY ^zz",
                                 "SELECT a, SUM(a) OVER (PARTITION BY ^zz) FROM t GROUP BY a"])
def test_an_unknown_column_in_having_is_an_invalid_identifier(t: Any, sql: str) -> None:
    at = sql.index("^")
    e = error(t, sql.replace("^", ""))
    assert e.errno == 904, str(e)
    assert "invalid identifier 'ZZ'" in e.msg or "invalid identifier 'T.ZZ'" in e.msg, e.msg
    assert (e.line, e.column) == (1, at)


@pytest.mark.parametrize("sql", ["SELECT a FROM t GROUP BY a HAVING b > 1",
                                 "WITH c AS (SELECT a, b FROM t) SELECT a FROM c GROUP BY a HAVING b > 1"])
def test_an_ungrouped_column_in_having_stays_not_a_valid_group_by_expression(t: Any, sql: str) -> None:
    e = error(t, sql)
    assert e.errno == 979 and "B] is not a valid group by expression" in e.msg, str(e)


@pytest.mark.parametrize(("sql", "target"), [("SELECT v::BOOLEAN FROM t", "BOOLEAN"),
                                             ("SELECT TO_BOOLEAN(v) FROM t", "BOOLEAN"),
                                             ("SELECT v::FLOAT FROM t", "REAL")])
def test_a_variant_cast_names_its_target(t: Any, sql: str, target: str) -> None:
    e = error(t, sql)
    assert e.errno == 100071 and e.msg.endswith(f"to {target}"), str(e)


@pytest.mark.parametrize("sql", ["SELECT TO_BINARY(s, 'HEX') FROM t", "SELECT s::BINARY FROM t",
                                 "SELECT TO_BINARY(s) FROM t", "SELECT CAST(s AS BINARY) FROM t"])
def test_a_columns_non_hex_text_is_no_binary(t: Any, sql: str) -> None:
    e = error(t, sql)
    assert e.errno == 100115, str(e)
    assert "The following string is not a legal hex-encoded value: 'zz'" in e.msg, e.msg


def test_a_columns_hex_text_reads_as_binary(cur: Any) -> None:
    cur.execute("CREATE TABLE h (s VARCHAR)")
    cur.execute("INSERT INTO h VALUES ('48454C50'), ('00ff')")
    cur.execute("SELECT s::BINARY, TO_BINARY(s, 'HEX'), TO_BINARY(s) FROM h ORDER BY s")
    assert [tuple(r) for r in cur.fetchall()] == [(b"\x00\xff",) * 3, (b"HELP",) * 3]


@pytest.mark.parametrize("sql", ["SELECT * EXCLUDE (^nope) FROM t",
                                 "SELECT a FROM t JOIN t AS u USING (^nope)",
                                 "CREATE TABLE c (a INT) CLUSTER BY (^nope)",
                                 "ALTER TABLE t ALTER COLUMN ^nope SET DATA TYPE VARCHAR(5)",
                                 "-- 'nope' in a comment\nSELECT * EXCLUDE (^nope) FROM t"])
def test_an_invalid_identifier_points_at_the_name_as_written(t: Any, sql: str) -> None:
    at = sql.index("^")
    text = sql.replace("^", "")
    e = error(t, text)
    assert e.errno == 904, str(e)
    line, position = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1)
    assert (e.line, e.column) == (line, position), str(e)
    assert e.msg.startswith(f"SQL compilation error: error line {line} at position {position}\ninvalid identifier")


def test_an_invalid_identifier_without_a_place_says_line_0_at_position_minus_1() -> None:
    # https://docs.snowflake.com/en/sql-reference/stored-procedures/system_create_semantic_view_from_yaml shows
    # `SQL compilation error: error line 0 at position -1\n  invalid identifier 'NONEXISTENT'`
    e = snowreg.errors.invalid_identifier("NONEXISTENT")
    assert e.msg == "SQL compilation error: error line 0 at position -1\ninvalid identifier 'NONEXISTENT'"
    assert (e.line, e.column) == (None, None)  # no caret for the command line and the REPL


@pytest.mark.parametrize(("sql", "position", "unexpected"), [
    ("SELECT 1 +", 10, "<EOF>"), ("SELECT 1 +;", 10, ";"), ("SELECT a FROM t WHERE;", 21, ";"),
    ("SELECT (1 + 2", 13, "<EOF>"), ("SELECT 1 + FROM t", 11, "FROM")])
def test_a_truncated_statement_is_unexpected_at_what_follows_it(t: Any, sql: str, position: int,
                                                               unexpected: str) -> None:
    e = error(t, sql)
    assert e.errno == 1003 and e.msg.endswith(f"syntax error line 1 at position {position} unexpected '{unexpected}'."), \
        str(e)
