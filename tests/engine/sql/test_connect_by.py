"""CONNECT BY queries: SYS_CONNECT_BY_PATH, and the depth guard on every text a query may run as.

https://docs.snowflake.com/en/sql-reference/constructs/connect-by
"""

from __future__ import annotations

from typing import Any

import pytest

from snowreg.errors import NotSupportedError, ProgrammingError

HIERARCHY = "START WITH manager_id IS NULL CONNECT BY manager_id = PRIOR employee_id"


def run(cur: Any, sql: str) -> list[Any]:
    return list(cur.execute(sql).fetchall())


@pytest.fixture
def employees(cur: Any) -> Any:
    run(cur, "CREATE TABLE employees (title VARCHAR, employee_id INTEGER, manager_id INTEGER)")
    run(cur, "INSERT INTO employees VALUES ('President', 1, NULL), ('VP', 10, 1), (NULL, 100, 10), "
             "('Intern', 1000, 100)")
    return cur


def test_the_page_example_keeps_the_leading_separator(employees: Any) -> None:
    rows = run(employees, f"SELECT SYS_CONNECT_BY_PATH(title, ' -> '), employee_id FROM employees {HIERARCHY} "
                          "ORDER BY employee_id")
    assert rows == [(" -> President", 1), (" -> President -> VP", 10), (" -> President -> VP -> ", 100),
                    (" -> President -> VP ->  -> Intern", 1000)]  # a NULL value adds only its separator
    assert employees.description[0].name == "SYS_CONNECT_BY_PATH(TITLE, ' -> ')"
    assert employees.description[0].type_code == 2  # TEXT


def test_paths_beside_root_level_and_star(employees: Any) -> None:
    rows = run(employees, f"SELECT *, SYS_CONNECT_BY_PATH(employee_id, '/') AS p, CONNECT_BY_ROOT title AS r, "
                          f"LEVEL FROM employees {HIERARCHY} ORDER BY employee_id")
    assert [d.name for d in employees.description] == ["TITLE", "EMPLOYEE_ID", "MANAGER_ID", "P", "R", "LEVEL"]
    assert [(r[3], r[4], r[5]) for r in rows] == [("/1", "President", 1), ("/1/10", "President", 2),
                                                  ("/1/10/100", "President", 3), ("/1/10/100/1000", "President", 4)]


def test_two_paths_and_an_expression_around_one(employees: Any) -> None:
    rows = run(employees, f"SELECT UPPER(SYS_CONNECT_BY_PATH(title, '/')), SYS_CONNECT_BY_PATH(employee_id, '.') "
                          f"FROM employees {HIERARCHY} ORDER BY 2")
    assert rows[:2] == [("/PRESIDENT", ".1"), ("/PRESIDENT/VP", ".1.10")]


@pytest.mark.parametrize(("sql", "errno"), [
    ("SELECT SYS_CONNECT_BY_PATH(title, '/') FROM employees", 2000),
    (f"SELECT title FROM employees {HIERARCHY} ORDER BY SYS_CONNECT_BY_PATH(title, '/')", 2000),
    (f"SELECT SYS_CONNECT_BY_PATH(title) FROM employees {HIERARCHY}", 938),
])
def test_misuse_is_an_error(employees: Any, sql: str, errno: int) -> None:
    with pytest.raises(ProgrammingError) as caught:
        employees.execute(sql)
    assert caught.value.errno == errno


@pytest.mark.parametrize("order", ["", " ORDER BY id", " ORDER BY 1 DESC"])
def test_a_cycle_is_refused_with_or_without_order_by(cur: Any, order: str) -> None:
    """A statement over plain tables runs a text written without VARIANT sort keys; it carries the guard
    as the other does (it once did not, and the query never ended)."""
    run(cur, "CREATE TABLE cyclic (id INT, parent INT)")
    run(cur, "INSERT INTO cyclic VALUES (1, 2), (2, 1)")
    with pytest.raises(NotSupportedError, match="CONNECT BY deeper than"):
        cur.execute(f"SELECT id FROM cyclic START WITH id = 1 CONNECT BY parent = PRIOR id{order}")
    with pytest.raises(NotSupportedError, match="WITH RECURSIVE past"):
        cur.execute(f"WITH RECURSIVE r (id) AS (SELECT id FROM cyclic UNION ALL SELECT c.id FROM r JOIN cyclic c "
                    f"ON c.parent = r.id) SELECT id FROM r{order}")


@pytest.mark.parametrize(("items", "names"), [
    ("*", ["TITLE", "EMPLOYEE_ID", "MANAGER_ID"]),
    ("*, LEVEL", ["TITLE", "EMPLOYEE_ID", "MANAGER_ID", "LEVEL"]),
    ("* EXCLUDE title, LEVEL", ["EMPLOYEE_ID", "MANAGER_ID", "LEVEL"]),
    ("* EXCLUDE (title, manager_id)", ["EMPLOYEE_ID"]),
    ("* RENAME employee_id AS id, CONNECT_BY_ROOT title", ["TITLE", "ID", "MANAGER_ID", "CONNECT_BY_ROOT TITLE"]),
    ("* REPLACE (LOWER(title) AS title)", ["TITLE", "EMPLOYEE_ID", "MANAGER_ID"]),
])
def test_star_is_the_sources_columns_as_written(employees: Any, items: str, names: list[str]) -> None:
    """sqlglot rebuilds `*` over its recursive CTE: it dropped EXCLUDE / REPLACE / RENAME and, with LEVEL in
    the select list, kept LEVEL in the star as well."""
    rows = run(employees, f"SELECT {items} FROM employees {HIERARCHY} ORDER BY employee_id")
    assert [d.name for d in employees.description] == names
    assert len(rows) == 4 and all(len(r) == len(names) for r in rows)
    if "REPLACE" in items:
        assert rows[0][0] == "president"
