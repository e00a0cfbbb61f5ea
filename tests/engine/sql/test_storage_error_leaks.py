"""Errors the storage used to word: DML on a view, an unknown collation, an ARRAY / OBJECT function of another
kind of value, a percentile outside 0..1, a day name naming no day (conformance/DECISIONS.md O80-O84). Each
is Snowflake's error (or a clear refusal) and leaves the registry as it was."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import snowreg
import snowreg.dbapi


@pytest.fixture()
def cur() -> Any:
    cur = snowreg.connect().cursor()
    for sql in ("CREATE DATABASE d", "USE SCHEMA d.public",
                "CREATE TABLE t (i INT, s VARCHAR, a ARRAY, o OBJECT, d DATE)",
                "INSERT INTO t SELECT 1, 'x', ARRAY_CONSTRUCT(1, 2), OBJECT_CONSTRUCT('k', 1), '2024-01-02'::DATE",
                "CREATE VIEW w AS SELECT i, s FROM t", "CREATE MATERIALIZED VIEW mv AS SELECT i FROM t"):
        cur.execute(sql)
    return cur


def _error(cur: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        cur.execute(sql).fetchall()
    return info.value


@pytest.mark.parametrize(("sql", "kind", "name"), [
    ("INSERT INTO w VALUES (2, 'y')", "view", "W"),
    ("INSERT INTO w (i) SELECT i FROM t", "view", "W"),
    ("UPDATE w SET i = 2", "view", "W"),
    ("DELETE FROM w", "view", "W"),
    ("MERGE INTO w USING t ON w.i = t.i WHEN MATCHED THEN UPDATE SET i = 3", "view", "W"),
    ("TRUNCATE TABLE w", "view", "W"),
    ("INSERT INTO mv VALUES (2)", "materialized view", "MV"),
    ("UPDATE mv SET i = 2", "materialized view", "MV"),
    ("DELETE FROM mv", "materialized view", "MV"),
])
def test_dml_on_a_view_is_refused_and_changes_nothing(cur: Any, sql: str, kind: str, name: str) -> None:
    e = _error(cur, sql)
    assert (e.errno, e.sqlstate) == (2000, "42601")
    assert f"DML operations are not allowed on {kind} '{name}'." in str(e)
    assert cur.execute("SELECT i, s FROM t").fetchall() == [(1, "x")]


def test_a_role_without_privileges_on_the_view_learns_nothing_of_its_kind(cur: Any) -> None:
    for sql in ("CREATE ROLE reader", "GRANT USAGE ON DATABASE d TO ROLE reader",
                "GRANT USAGE ON SCHEMA d.public TO ROLE reader", "CREATE USER reader DEFAULT_ROLE = reader",
                "GRANT ROLE reader TO USER reader"):
        cur.execute(sql)
    other = snowreg.dbapi.Connection(cur.connection._catalog, user="READER").cursor()
    other.execute("USE SCHEMA d.public")
    e = _error(other, "DELETE FROM w")  # the refusal comes after the privilege check (engine.access.write_targets)
    assert e.errno == 2003 and "view" not in str(e)
    cur.execute("GRANT SELECT ON VIEW w TO ROLE reader")  # seeing it is not writing it
    assert _error(other, "DELETE FROM w").errno == 3001


@pytest.mark.parametrize(("sql", "spec"), [
    ("SELECT s COLLATE 'b' FROM t", "b"),
    ("SELECT COLLATE(s, 'nope') FROM t", "nope"),
    ("SELECT s FROM t ORDER BY s COLLATE 'b1'", "b1"),
])
def test_an_unknown_collation_is_snowflakes_error(cur: Any, sql: str, spec: str) -> None:
    e = _error(cur, sql)
    assert (e.errno, str(e).splitlines()[-1]) == (2000, f"Invalid collation specification '{spec}'.")


def test_a_collation_specifier_snowreg_cannot_honour_is_refused_in_its_own_words(cur: Any) -> None:
    e = _error(cur, "SELECT s COLLATE 'en-ci' FROM t")
    assert isinstance(e, snowreg.NotSupportedError)
    assert "COLLATE with 'ci'" in str(e) and "DuckDB" not in str(e)


@pytest.mark.parametrize(("sql", "value", "kind"), [
    # a VARIANT holding another kind (a typed argument is 001044 at compile time: test_semi_structured_arguments.py)
    ("SELECT ARRAY_POSITION(1, i::VARIANT) FROM t", "1", "ARRAY"),
    ("SELECT ARRAYS_OVERLAP(a, TO_VARIANT(5)) FROM t", "5", "ARRAY"),
    ("SELECT ARRAYS_OVERLAP(s, a) FROM t", '"x"', "ARRAY"),
    ("SELECT OBJECT_DELETE(TO_VARIANT(i), 'k') FROM t", "1", "OBJECT"),
    ("SELECT OBJECT_DELETE(a, 'k') FROM t", "[1,2]", "OBJECT"),
    ("SELECT ARRAY_DISTINCT(PARSE_JSON('5'))", "5", "ARRAY"),
])
def test_an_array_or_object_function_of_another_kind_of_value(cur: Any, sql: str, value: str, kind: str) -> None:
    e = _error(cur, sql)
    assert (e.errno, e.sqlstate) == (100071, "22000")
    assert str(e).endswith(f"Failed to cast variant value {value} to {kind}")


@pytest.mark.parametrize(("sql", "function"), [
    ("SELECT APPROX_PERCENTILE(i, 2) FROM t", "APPROX_PERCENTILE"),
    ("SELECT PERCENTILE_DISC(1.5) WITHIN GROUP (ORDER BY i) FROM t", "PERCENTILE_CONT / PERCENTILE_DISC"),
    ("SELECT PERCENTILE_CONT(-0.5) WITHIN GROUP (ORDER BY i) FROM t", "PERCENTILE_CONT / PERCENTILE_DISC"),
])
def test_a_percentile_outside_zero_to_one(cur: Any, sql: str, function: str) -> None:
    e = _error(cur, sql)
    assert e.errno == 2000
    assert str(e).endswith(f"The percentile of {function} must be a constant between 0.0 and 1.0.")


def test_a_day_name_naming_no_day_is_an_error_not_null(cur: Any) -> None:
    literal = _error(cur, "SELECT NEXT_DAY(d, 'xx') FROM t")
    assert literal.errno == 2000 and "Invalid day of week 'xx' for NEXT_DAY" in str(literal)
    column = _error(cur, "SELECT PREVIOUS_DAY(d, s) FROM t")
    assert column.errno == 100000 and "Invalid day of week 'x' for PREVIOUS_DAY" in str(column)
    # the documented readings stay: the first two letters after leading spaces, any case; NULL gives NULL
    assert cur.execute("SELECT NEXT_DAY(d, 'Friday '), NEXT_DAY(d, '  tu'), NEXT_DAY(d, 'su' || s), "
                       "NEXT_DAY(d, NULLIF(s, 'x')) FROM t").fetchall()[0] == (
        datetime.date(2024, 1, 5), datetime.date(2024, 1, 9), datetime.date(2024, 1, 7), None)


def test_a_file_format_type_no_format_has_is_snowflakes_error(cur: Any) -> None:
    cur.execute("CREATE STAGE st")
    for sql in ("COPY INTO t FROM @st FILE_FORMAT = (TYPE = NOSUCH)", "COPY INTO @st FROM t FILE_FORMAT = (TYPE = NOSUCH)"):
        e = _error(cur, sql)  # was a KeyError
        assert (e.errno, str(e).splitlines()[-1]) == (1008, "invalid value ['NOSUCH'] for parameter 'TYPE'")


def test_a_python_function_returning_an_integer_past_number_38(cur: Any) -> None:
    cur.execute("CREATE FUNCTION big(x INT) RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION = '3.11' HANDLER = 'f' "
                "AS 'def f(x): return 10**40'")
    e = _error(cur, "SELECT big(i) FROM t")
    assert "Python integer" not in str(e) and "128-bit" not in str(e)
    assert str(e).endswith("Number out of representable range: type FIXED[SB16](38,0), value 1" + "0" * 40)


@pytest.mark.parametrize("sql", ["ALTER TABLE w ADD COLUMN z INT", "ALTER TABLE mv RENAME COLUMN i TO z",
                                 "ALTER TABLE w DROP COLUMN i"])
def test_alter_table_of_a_view_names_the_kinds(cur: Any, sql: str) -> None:
    e = _error(cur, sql)
    assert (e.errno, str(e).splitlines()[-1]) == (2000, "Object found is of type 'VIEW', not specified type 'TABLE'.")
    assert [r[0] for r in cur.execute("DESCRIBE VIEW w").fetchall()] == ["I", "S"]


def _comments(cur: Any) -> tuple[Any, Any]:
    cur.execute("SHOW TABLES LIKE 'T'")
    table = cur.fetchall()[0][[d[0] for d in cur.description].index("comment")]
    cur.execute("SHOW VIEWS LIKE 'W'")
    view = cur.fetchall()[0][[d[0] for d in cur.description].index("comment")]
    return table, view


@pytest.mark.parametrize(("sql", "found", "named"), [
    ("ALTER VIEW t SET COMMENT = 'c'", "TABLE", "VIEW"), ("ALTER VIEW IF EXISTS t UNSET COMMENT", "TABLE", "VIEW"),
    ("COMMENT ON VIEW t IS 'c'", "TABLE", "VIEW"), ("ALTER TABLE w SET COMMENT = 'c'", "VIEW", "TABLE"),
    ("ALTER TABLE w UNSET COMMENT", "VIEW", "TABLE"), ("COMMENT ON TABLE w IS 'c'", "VIEW", "TABLE")])
def test_a_comment_on_another_kind_of_object_is_refused_and_changes_nothing(cur: Any, sql: str, found: str,
                                                                           named: str) -> None:
    """ALTER VIEW | TABLE … SET | UNSET COMMENT and COMMENT ON VIEW | TABLE change only an object of the kind they
    name (DECISIONS.md X20)."""
    cur.execute("COMMENT ON TABLE t IS 'table note'")
    cur.execute("ALTER VIEW w SET COMMENT = 'view note'")
    e = _error(cur, sql)
    assert (e.errno, str(e).splitlines()[-1]) == (2000, f"Object found is of type '{found}', not specified type '{named}'.")
    assert _comments(cur) == ("table note", "view note")
    cur.execute("ALTER TABLE t UNSET COMMENT")
    cur.execute("COMMENT ON VIEW w IS 'again'")
    assert _comments(cur) == ("", "again")


@pytest.mark.parametrize(("sql", "name"), [("CREATE OR REPLACE TABLE w (i INT)", "W"),
                                           ("CREATE OR REPLACE TABLE w AS SELECT 1 x", "W"),
                                           ("CREATE OR REPLACE VIEW t AS SELECT 1 x", "T"),
                                           ("CREATE OR REPLACE MATERIALIZED VIEW t AS SELECT i FROM t", "T")])
def test_create_or_replace_over_another_kind_of_object(cur: Any, sql: str, name: str) -> None:
    e = _error(cur, sql)
    assert (e.errno, str(e).splitlines()[-1]) == (2002, f"Object '{name}' already exists.")
    assert cur.execute("SELECT i, s FROM t").fetchall() == [(1, "x")]
    assert cur.execute("SELECT * FROM w").fetchall() == [(1, "x")]


def test_grouping_of_an_ungrouped_column_and_a_sample_past_100(cur: Any) -> None:
    e = _error(cur, "SELECT GROUPING(s) FROM t GROUP BY i")
    assert (e.errno, str(e).splitlines()[-1]) == (979, "[S] is not a valid group by expression")
    e = _error(cur, "SELECT i FROM t SAMPLE (150)")
    assert (e.errno, str(e).splitlines()[-1]) == (2000, "Invalid sampling probability 150: it must be from 0 to 100")
