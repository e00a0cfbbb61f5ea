"""`SELECT * ILIKE 'p'` with REPLACE and RENAME, the combinations the SELECT page lists, in its order
(https://docs.snowflake.com/en/sql-reference/sql/select): answered where the star's columns are known (named
tables and views), refused as before elsewhere (conformance/DECISIONS.md S6, N41)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


@pytest.fixture
def emp(cur: Any) -> Any:
    cur.execute("CREATE TABLE employee_table (employee_ID INTEGER, last_name VARCHAR, first_name VARCHAR, "
                "department_ID INTEGER)")
    cur.execute("INSERT INTO employee_table VALUES (101, 'Montgomery', 'Pat', 1), (102, 'Levine', 'Terry', 2)")
    return cur


def answer(cur: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur.execute(sql)
    return [d[0] for d in cur.description], list(cur.fetchall())


def test_the_documented_combinations(emp: Any) -> None:
    assert answer(emp, "SELECT * ILIKE '%id%' RENAME department_id AS department FROM employee_table "
                       "ORDER BY employee_id") == (["EMPLOYEE_ID", "DEPARTMENT"], [(101, 1), (102, 2)])
    assert answer(emp, "SELECT * ILIKE '%id%' REPLACE ('DEPT-' || department_id AS department_id) "
                       "FROM employee_table ORDER BY employee_id") == (
        ["EMPLOYEE_ID", "DEPARTMENT_ID"], [(101, "DEPT-1"), (102, "DEPT-2")])
    assert answer(emp, "SELECT * ILIKE '%name' REPLACE (UPPER(last_name) AS last_name) RENAME (first_name AS fn) "
                       "FROM employee_table ORDER BY 1") == (
        ["LAST_NAME", "FN"], [("LEVINE", "Terry"), ("MONTGOMERY", "Pat")])


def test_a_qualified_star_over_a_join_and_a_view(emp: Any) -> None:
    emp.execute("CREATE TABLE dept (department_id INTEGER, name VARCHAR)")
    emp.execute("INSERT INTO dept VALUES (1, 'Sales'), (2, 'Ops')")
    assert answer(emp, "SELECT e.* ILIKE 'employee%' RENAME employee_id AS id, d.name FROM employee_table e "
                       "JOIN dept d ON d.department_id = e.department_id ORDER BY 1") == (
        ["ID", "NAME"], [(101, "Sales"), (102, "Ops")])
    emp.execute("CREATE VIEW v AS SELECT employee_id, last_name FROM employee_table")
    assert answer(emp, "SELECT * ILIKE '%' RENAME last_name AS ln FROM v ORDER BY 1") == (
        ["EMPLOYEE_ID", "LN"], [(101, "Montgomery"), (102, "Levine")])


def test_what_the_pattern_leaves_out_or_cannot_know(emp: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as none:  # the page: no column matching is a compilation error
        emp.execute("SELECT * ILIKE 'zz%' RENAME a AS b FROM employee_table")
    assert none.value.errno == 2000
    with pytest.raises(snowreg.ProgrammingError) as left_out:  # not among the star's columns (O31)
        emp.execute("SELECT * ILIKE '%id%' RENAME last_name AS ln FROM employee_table")
    assert (left_out.value.errno, "'LAST_NAME'" in str(left_out.value)) == (904, True)
    with pytest.raises(snowreg.ProgrammingError) as replaced:
        emp.execute("SELECT * ILIKE '%id%' REPLACE (1 AS first_name) FROM employee_table")
    assert replaced.value.errno == 904
    with pytest.raises(snowreg.NotSupportedError, match="ILIKE … with RENAME or REPLACE"):  # a subquery's columns
        emp.execute("SELECT * ILIKE '%id%' RENAME employee_id AS id FROM (SELECT * FROM employee_table)")
    with pytest.raises(snowreg.ProgrammingError, match="cannot be combined with EXCLUDE"):
        emp.execute("SELECT * ILIKE '%id%' EXCLUDE department_id FROM employee_table")
    # the pattern inside a string literal is not a star's
    assert answer(emp, "SELECT '* ILIKE ''x'' RENAME' AS s") == (["S"], [("* ILIKE 'x' RENAME",)])


def test_a_role_that_cannot_see_the_table_learns_nothing_of_its_columns(emp: Any) -> None:
    emp.execute("CREATE ROLE r")
    emp.execute("GRANT USAGE ON DATABASE test_db TO ROLE r")
    emp.execute("GRANT USAGE ON SCHEMA public TO ROLE r")
    emp.execute("GRANT ROLE r TO USER " + answer(emp, "SELECT CURRENT_USER()")[1][0][0])
    emp.execute("USE ROLE r")
    with pytest.raises(snowreg.Error) as e:
        emp.execute("SELECT * ILIKE 'zz%' RENAME a AS b FROM employee_table")
    assert e.value.errno != 2000  # not "matches no column": refused before its columns are looked at


def test_a_column_both_replaced_and_renamed_is_refused_not_duckdbs_syntax_error(emp: Any) -> None:
    for sql in ("SELECT * ILIKE '%id%' REPLACE (1 AS department_id) RENAME department_id AS d FROM employee_table",
                "SELECT * EXCLUDE last_name REPLACE (1 AS department_id) RENAME department_id AS d FROM employee_table"):
        with pytest.raises(snowreg.NotSupportedError, match="REPLACE and RENAME of the same column"):
            emp.execute(sql)
