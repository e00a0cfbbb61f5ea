"""MERGE's clauses and INSERT are held to Snowflake's grammar: other databases' forms that sqlglot reads
(and DuckDB would run, or refuse in its own words) are Snowflake's 001003 syntax error at the token that
breaks the grammar, and change nothing (engine/sql/dml_grammar.py; conformance/DECISIONS.md M20)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.fixture
def tables(cur: Any) -> Any:
    cur.execute("CREATE TABLE t (k INT, v INT)")
    cur.execute("INSERT INTO t VALUES (1, 10), (2, 20)")
    cur.execute("CREATE TABLE s (k INT, v INT)")
    cur.execute("INSERT INTO s VALUES (1, 11), (3, 33)")
    return cur


def _rows(cur: Any) -> list[tuple[Any, ...]]:
    cur.execute("SELECT k, v FROM t ORDER BY k")
    return [tuple(r) for r in cur.fetchall()]


MERGE = "MERGE INTO t USING s ON t.k = s.k "


@pytest.mark.parametrize(("clause", "token"), [
    ("WHEN MATCHED THEN INSERT (k) VALUES (1)", "INSERT"),
    ("WHEN MATCHED THEN DO NOTHING", "DO"),
    ("WHEN MATCHED THEN UPDATE SET *", "*"),
    ("WHEN NOT MATCHED THEN DELETE", "DELETE"),
    ("WHEN NOT MATCHED THEN UPDATE SET v = 1", "UPDATE"),
    ("WHEN NOT MATCHED THEN INSERT *", "*"),
    ("WHEN NOT MATCHED THEN INSERT DEFAULT VALUES", "DEFAULT"),
    ("WHEN NOT MATCHED BY SOURCE THEN DELETE", "BY"),
    ("WHEN NOT MATCHED BY TARGET THEN INSERT VALUES (s.k, s.v)", "BY"),
    ("WHEN MATCHED THEN UPDATE SET (k, v) = (s.k, s.v)", "("),
])
def test_a_merge_clause_outside_snowflakes_grammar_is_a_syntax_error(tables: Any, clause: str, token: str) -> None:
    before = _rows(tables)
    sql = MERGE + clause
    with pytest.raises(snowreg.ProgrammingError) as info:
        tables.execute(sql)
    e = info.value
    assert e.errno == 1003, str(e)
    position = sql.index(token, len(MERGE))
    assert e.msg.endswith(f"syntax error line 1 at position {position} unexpected '{token}'."), e.msg
    assert _rows(tables) == before


@pytest.mark.parametrize(("clause", "counts", "after"), [
    ("WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v)",
     [(1, 1)], [(1, 11), (2, 20), (3, 33)]),
    ("WHEN MATCHED AND s.v > 100 THEN UPDATE SET v = 0 WHEN MATCHED THEN DELETE", [(0, 1)], [(2, 20)]),
    ("WHEN NOT MATCHED AND s.k = 3 THEN INSERT (k) VALUES (s.k)", [(1,)], [(1, 10), (2, 20), (3, None)]),
    ("WHEN MATCHED THEN UPDATE ALL BY NAME WHEN NOT MATCHED THEN INSERT ALL BY NAME",
     [(1, 1)], [(1, 11), (2, 20), (3, 33)]),
])
def test_snowflakes_merge_clauses_still_run(tables: Any, clause: str, counts: list[tuple[int, ...]],
                                            after: list[tuple[Any, ...]]) -> None:
    tables.execute(MERGE + clause)
    assert [tuple(r) for r in tables.fetchall()] == counts
    assert _rows(tables) == after


@pytest.mark.parametrize(("sql", "token"), [
    ("UPDATE t SET (k, v) = (1, 2)", "("),
    ("UPDATE t SET v = 1 ORDER BY k", "ORDER"),
    ("UPDATE t SET v = 1 LIMIT 1", "LIMIT"),
    ("INSERT OR REPLACE INTO t VALUES (1, 2)", "OR"),
    ("INSERT INTO t VALUES (1, 2) ON CONFLICT DO NOTHING", "ON"),
    ("INSERT INTO t BY NAME SELECT 1 AS v, 2 AS k", "BY"),
    ("INSERT INTO t DEFAULT VALUES", "DEFAULT"),
])
def test_an_update_or_insert_outside_snowflakes_grammar_is_a_syntax_error(tables: Any, sql: str, token: str) -> None:
    before = _rows(tables)
    with pytest.raises(snowreg.ProgrammingError) as info:
        tables.execute(sql)
    e = info.value
    assert e.errno == 1003, str(e)
    position = sql.index(" " + token) + 1
    assert e.msg.endswith(f"syntax error line 1 at position {position} unexpected '{token}'."), e.msg
    assert _rows(tables) == before


def test_insert_with_defaults_and_overwrite_still_run(tables: Any) -> None:
    tables.execute("INSERT INTO t (k, v) VALUES (DEFAULT, 5)")
    tables.execute("INSERT OVERWRITE INTO t SELECT k, v FROM s")
    assert _rows(tables) == [(1, 11), (3, 33)]


def test_an_unconditional_clause_before_another_of_its_kind_acts_first(tables: Any) -> None:
    """DuckDB refuses a clause after an unconditional one of its kind; Snowflake's first clause that holds
    acts, so the later one never does, and its kind still has its count column (DECISIONS.md M22)."""
    tables.execute(MERGE + "WHEN MATCHED THEN UPDATE SET v = s.v WHEN MATCHED THEN DELETE "
                           "WHEN NOT MATCHED THEN INSERT VALUES (s.k, s.v) WHEN NOT MATCHED THEN INSERT VALUES (0, 0)")
    assert [d[0] for d in tables.description] == ["number of rows inserted", "number of rows updated",
                                                  "number of rows deleted"]
    assert [tuple(r) for r in tables.fetchall()] == [(1, 1, 0)]
    assert _rows(tables) == [(1, 11), (2, 20), (3, 33)]


@pytest.mark.parametrize(("sql", "counts", "after"), [
    ("WITH c AS (SELECT 2 AS k, 5 AS v) UPDATE t SET v = c.v FROM c WHERE t.k = c.k", [(1, 0)], [(1, 10), (2, 5)]),
    ("WITH c AS (SELECT 2 AS k, 5 AS v) MERGE INTO t USING c ON t.k = c.k WHEN MATCHED THEN UPDATE SET v = c.v",
     [(1,)], [(1, 10), (2, 5)]),
    ("WITH c AS (SELECT 2 AS k) DELETE FROM t USING c WHERE t.k = c.k", [(1,)], [(1, 10)]),
])
def test_a_dml_statement_after_with_reads_its_ctes(tables: Any, sql: str, counts: list[tuple[int, ...]],
                                                   after: list[tuple[Any, ...]]) -> None:
    """The queries the engine runs beside an UPDATE … FROM (its counts) and a MERGE (its duplicate-row
    guard) read the statement's WITH too: they failed with 002003 for the CTE's name (DECISIONS.md M23)."""
    tables.execute(sql)
    assert [tuple(r) for r in tables.fetchall()] == counts
    assert _rows(tables) == after


def test_a_duplicate_row_after_with_is_still_found(tables: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        tables.execute("WITH c AS (SELECT 1 AS k, 5 AS v UNION ALL SELECT 1, 6) "
                       "MERGE INTO t USING c ON t.k = c.k WHEN MATCHED THEN UPDATE SET v = c.v")
    assert info.value.errno == 100090
    assert _rows(tables) == [(1, 10), (2, 20)]


@pytest.mark.parametrize(("sql", "expected", "got"), [
    ("INSERT INTO t VALUES (1, 2), (3)", 2, 1),
    ("INSERT INTO t VALUES (1, 2), (3, 4, 5)", 2, 3),
    ("INSERT INTO t (k) VALUES (1), (2, 3)", 1, 2),
])
def test_values_rows_of_another_length_are_002020(tables: Any, sql: str, expected: int, got: int) -> None:
    """A VALUES row whose length differs from the others: Snowflake's 002020, as for a single row (DuckDB's
    parser refused it in its own words; DECISIONS.md M20)."""
    with pytest.raises(snowreg.ProgrammingError) as info:
        tables.execute(sql)
    assert info.value.errno == 2020
    assert info.value.msg.endswith(f"expecting {expected} but got {got}")
    assert _rows(tables) == [(1, 10), (2, 20)]


def test_a_merge_insert_list_may_qualify_columns_by_the_target(tables: Any) -> None:
    """`INSERT (x.k, x.v)` naming the target by its alias: its columns (DuckDB's parser refused the dot in its
    own words); another qualifier is 000904 for the qualified name (DECISIONS.md M26)."""
    tables.execute("MERGE INTO t AS x USING s ON x.k = s.k WHEN NOT MATCHED THEN INSERT (x.k, x.v) VALUES (s.k, s.v)")
    assert _rows(tables) == [(1, 10), (2, 20), (3, 33)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        tables.execute("MERGE INTO t AS x USING s ON x.k = s.k WHEN NOT MATCHED THEN INSERT (s.k) VALUES (s.k)")
    assert info.value.errno == 904 and "'S.K'" in info.value.msg
