"""Numbers through the DB-API: division's scale in `description`, the Python types of values, 1/0."""

from __future__ import annotations

from decimal import Decimal

import pytest

import snowreg


@pytest.fixture
def cur() -> snowreg.dbapi.Cursor:
    conn = snowreg.connect(database="nums", schema="public")
    c = conn.cursor()
    c.execute("CREATE TABLE n (i INT, f FLOAT, d NUMBER(10, 2))")
    c.execute("INSERT INTO n VALUES (1, 1.5, 2.25), (2, 2.5, 3.5)")
    return c


def test_division_is_a_number_with_scale_6(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT 1/3, 7/2, i/2 FROM n ORDER BY i LIMIT 1")
    assert cur.fetchall() == [(Decimal("0.333333"), Decimal("3.500000"), Decimal("0.500000"))]
    assert [(d.type_code, d.scale) for d in cur.description] == [(0, 6), (0, 6), (0, 6)]
    assert str(cur.execute("SELECT 1/3").fetchone()[0]) == "0.333333"  # type: ignore[index]


def test_value_types_follow_the_column_types(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT SUM(i), AVG(i), AVG(f), SUM(d) FROM n")
    row = cur.fetchone()
    assert row is not None
    assert [type(v) for v in row] == [int, Decimal, float, Decimal]
    assert row == (3, Decimal("1.5"), 2.0, Decimal("5.75"))
    assert [(d.type_code, d.precision, d.scale) for d in cur.description] == [
        (0, 38, 0), (0, 38, 6), (1, None, None), (0, 38, 2)]


def test_float_columns_divide_as_float_even_without_rows(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("SELECT f/2, i/f FROM n WHERE i > 100")
    assert [d.type_code for d in cur.description] == [1, 1]
    cur.execute("SELECT f/2 FROM n ORDER BY i")
    assert cur.fetchall() == [(0.75,), (1.25,)]


def test_division_by_zero_is_100051(cur: snowreg.dbapi.Cursor) -> None:
    for sql in ("SELECT 1/0", "SELECT i/0 FROM n", "SELECT f/0 FROM n"):
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute(sql)
        assert (info.value.errno, info.value.sqlstate, info.value.msg) == (100051, "22012", "Division by zero")
    assert cur.execute("SELECT DIV0(1, 0), DIV0(f, 0) FROM n LIMIT 1").fetchone() == (0, 0.0)


def test_float_division_inside_a_transaction_keeps_the_transaction(cur: snowreg.dbapi.Cursor) -> None:
    cur.execute("BEGIN")
    cur.execute("INSERT INTO n VALUES (3, 4.0, 1)")
    cur.execute("INSERT INTO n SELECT i + 10, f/2, d/3 FROM n WHERE i = 3")
    cur.execute("ROLLBACK")
    assert cur.execute("SELECT COUNT(*) FROM n").fetchone() == (2,)


def test_arithmetic_past_38_digits_on_literals_is_100046(cur: snowreg.dbapi.Cursor) -> None:
    # https://docs.snowflake.com/en/sql-reference/data-types-numeric: NUMBER holds at most 38 digits; a literal
    # past BIGINT was DuckDB's HUGEINT, which went on to 39 digits (10^38) instead of failing.
    for sql in ("SELECT 99999999999999999999999999999999999999 + 1",
                "SELECT -99999999999999999999999999999999999999 - 1",
                "SELECT 12345678901234567890123456789012345678 * 10"):
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute(sql)
        assert info.value.errno == 100046
    cur.execute("SELECT 12345678901234567890 + 1, 99999999999999999999999999999999999999")
    assert cur.fetchall() == [(12345678901234567891, 10 ** 38 - 1)]
    assert [(d.type_code, d.precision, d.scale) for d in cur.description] == [(0, 38, 0), (0, 38, 0)]
