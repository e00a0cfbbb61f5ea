"""SQL user-defined functions end to end through connect(): definitions, calls, metadata, governance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return [tuple(r) for r in cur.fetchall()]


@pytest.fixture
def scores(cur: Any) -> Any:
    cur.execute("CREATE TABLE scores (id INT, name VARCHAR)")
    cur.execute("INSERT INTO scores VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    return cur


def test_a_scalar_function_casts_its_arguments_and_its_result(cur: Any) -> None:
    assert rows(cur, "CREATE FUNCTION add1(x NUMBER) RETURNS NUMBER AS 'x + 1'") == \
        [("Function ADD1 successfully created.",)]
    assert rows(cur, "SELECT add1(2), add1(2.6), add1('5')") == [(3, 4, 6)]
    assert [d[0] for d in cur.description] == ["ADD1(2)", "ADD1(2.6)", "ADD1('5')"]
    cur.execute("CREATE FUNCTION half(x FLOAT) RETURNS NUMBER(10, 1) AS 'x / 2'")
    assert rows(cur, "SELECT half(5)") == [(pytest.approx(2.5),)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT add1('abc')")
    assert info.value.errno == 100038


def test_calls_in_every_clause_and_qualified(scores: Any) -> None:
    cur = scores
    cur.execute("CREATE FUNCTION twice(x INT) RETURNS INT AS $$ x * 2 $$")
    assert rows(cur, "SELECT id FROM scores WHERE twice(id) > 2 ORDER BY twice(id) DESC") == [(3,), (2,)]
    assert rows(cur, "SELECT twice(SUM(id)) FROM scores") == [(12,)]
    assert rows(cur, "SELECT test_db.public.twice(4), public.twice(5)") == [(8, 10)]


def test_overloads_by_number_and_type_of_arguments(cur: Any) -> None:
    cur.execute("CREATE FUNCTION f(x NUMBER) RETURNS VARCHAR AS $$ 'number' $$")
    cur.execute("CREATE FUNCTION f(x VARCHAR) RETURNS VARCHAR AS $$ 'varchar' $$")
    cur.execute("CREATE FUNCTION f(x NUMBER, y NUMBER) RETURNS VARCHAR AS $$ 'two' $$")
    assert rows(cur, "SELECT f(1), f('a'), f(1, 2), f(1::VARCHAR)") == [("number", "varchar", "two", "varchar")]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT f(1, 2, 3)")
    assert info.value.errno == 1044
    cur.execute("DROP FUNCTION f(VARCHAR)")
    assert rows(cur, "SELECT f('a')") == [("number",)]


def test_default_arguments_may_be_left_out(cur: Any) -> None:
    cur.execute("CREATE FUNCTION greet(name VARCHAR, greeting VARCHAR DEFAULT 'hello') RETURNS VARCHAR "
                "AS $$ greeting || ' ' || name $$")
    assert rows(cur, "SELECT greet('ann'), greet('bo', 'hi')") == [("hello ann", "hi bo")]
    cur.execute("SHOW USER FUNCTIONS LIKE 'GREET'")
    row = dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))
    assert (row["min_num_arguments"], row["max_num_arguments"]) == (1, 2)


def test_a_query_body_is_correlated_with_its_arguments_only(scores: Any) -> None:
    cur = scores
    # the body's table has a column ID too: the argument `id` of the caller must not be captured by it
    cur.execute("CREATE FUNCTION below(x NUMBER) RETURNS NUMBER AS 'SELECT COUNT(*) FROM scores WHERE id < x'")
    assert rows(cur, "SELECT id, below(id) FROM scores ORDER BY id") == [(1, 0), (2, 1), (3, 2)]


def test_table_functions_in_from_and_laterally(scores: Any) -> None:
    cur = scores
    cur.execute("CREATE FUNCTION from_id(n NUMBER) RETURNS TABLE (id NUMBER, label VARCHAR) "
                "AS 'SELECT id, name FROM scores WHERE id >= n'")
    assert rows(cur, "SELECT * FROM TABLE(from_id(2)) ORDER BY id") == [(2, "b"), (3, "c")]
    assert [d[0] for d in cur.description] == ["ID", "LABEL"]
    assert rows(cur, "SELECT s.id, f.label FROM scores s, TABLE(from_id(s.id)) f ORDER BY s.id, f.label") == \
        [(1, "a"), (1, "b"), (1, "c"), (2, "b"), (2, "c"), (3, "c")]
    with pytest.raises(snowreg.ProgrammingError, match="is a table function"):
        cur.execute("SELECT from_id(1)")
    with pytest.raises(snowreg.ProgrammingError, match="returns 2 columns, not the 1 it declares"):
        cur.execute("CREATE FUNCTION bad() RETURNS TABLE (a NUMBER) AS 'SELECT id, name FROM scores'")


def test_a_table_function_of_text_as_a_fresh_registry_first_statement() -> None:
    # The body's check needs snowreg's SQL functions (VARCHAR results go through them); a fresh
    # in-memory registry attaches them on first use, which the check must ask for.
    cur = snowreg.connect(database="D", schema="S").cursor()
    cur.execute("CREATE FUNCTION shout(a VARCHAR) RETURNS TABLE (x VARCHAR) AS 'SELECT UPPER(a)'")
    assert rows(cur, "SELECT * FROM TABLE(shout('hi'))") == [("HI",)]


def test_errors_leave_nothing_behind(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT nosuch(1)")
    assert (info.value.errno, info.value.msg.splitlines()[-1]) == (2140, "Unknown function NOSUCH")
    cur.execute("CREATE FUNCTION one() RETURNS NUMBER AS '1'")
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CREATE FUNCTION one() RETURNS NUMBER AS '2'")
    assert info.value.errno == 2002
    assert rows(cur, "CREATE FUNCTION IF NOT EXISTS one() RETURNS NUMBER AS '2'") == \
        [("ONE already exists, statement succeeded.",)]
    assert rows(cur, "SELECT one()") == [(1,)]
    for bad in ("CREATE FUNCTION b(x INT) RETURNS INT AS 'nosuch + x'",
                "CREATE FUNCTION b(x INT) RETURNS INT AS 'SELECT 1 FROM nosuch'",
                "CREATE FUNCTION upper(x INT) RETURNS INT AS 'x'",
                "CREATE FUNCTION b(x INT) RETURNS INT AS 'b(x)'"):
        with pytest.raises(snowreg.ProgrammingError):
            cur.execute(bad)
    assert rows(cur, "SHOW USER FUNCTIONS") and [r[1] for r in rows(cur, "SHOW USER FUNCTIONS")] == ["ONE"]


@pytest.mark.parametrize("language", ["JAVA", "JAVASCRIPT", "SCALA"])  # PYTHON: test_python_udfs.py
def test_handler_languages_are_refused(cur: Any, language: str) -> None:
    with pytest.raises(snowreg.NotSupportedError, match=f"LANGUAGE {language}"):
        cur.execute(f"CREATE FUNCTION h(x INT) RETURNS INT LANGUAGE {language} HANDLER = 'h' AS $$ x $$")
    assert rows(cur, "SHOW USER FUNCTIONS") == []


def test_bodies_reach_only_what_user_sql_reaches(cur: Any) -> None:
    for body in ("read_csv('/etc/passwd')", '"read_csv"(\'/etc/passwd\')', "SELECT * FROM read_csv('/etc/passwd')",
                 "SELECT COUNT(*) FROM duckdb_tables()", "current_setting('threads')"):
        with pytest.raises(snowreg.Error):
            cur.execute(f"CREATE FUNCTION leak() RETURNS VARCHAR AS $${body}$$")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute('SELECT "read_csv"(\'/etc/passwd\')')
    assert rows(cur, "SHOW USER FUNCTIONS") == []


def test_drop_alter_describe(cur: Any) -> None:
    cur.execute("CREATE SECURE FUNCTION area(r FLOAT) RETURNS FLOAT COMMENT = 'circle' AS 'pi() * r * r'")
    assert rows(cur, "DESCRIBE FUNCTION area(FLOAT)") == [
        ("signature", "(R FLOAT)"), ("returns", "FLOAT"), ("language", "SQL"),
        ("null handling", "CALLED ON NULL INPUT"), ("volatility", "VOLATILE"), ("body", "pi() * r * r")]
    cur.execute("ALTER FUNCTION area(FLOAT) RENAME TO circle_area")
    assert rows(cur, "SELECT ROUND(circle_area(1), 2)")[0][0] == pytest.approx(3.14)
    cur.execute("ALTER FUNCTION circle_area(FLOAT) SET COMMENT = 'disc'")
    cur.execute("ALTER FUNCTION circle_area(FLOAT) UNSET SECURE")
    cur.execute("SHOW USER FUNCTIONS")
    names = [d[0] for d in cur.description]
    row = dict(zip(names, cur.fetchone(), strict=True))
    assert (row["name"], row["arguments"], row["description"], row["is_secure"], row["catalog_name"]) == \
        ("CIRCLE_AREA", "CIRCLE_AREA(FLOAT) RETURN FLOAT", "disc", "N", "TEST_DB")
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("DROP FUNCTION circle_area(NUMBER)")
    assert info.value.errno == 2003
    assert rows(cur, "DROP FUNCTION IF EXISTS circle_area(NUMBER)")[0][0].startswith("Drop statement executed")
    assert rows(cur, "DROP FUNCTION circle_area(DOUBLE)") == [("CIRCLE_AREA successfully dropped.",)]
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT circle_area(1)")


def test_dropping_the_schema_drops_its_functions(cur: Any) -> None:
    cur.execute("CREATE SCHEMA tmp")
    cur.execute("CREATE FUNCTION tmp.f() RETURNS NUMBER AS '7'")
    assert rows(cur, "SELECT tmp.f()") == [(7,)]
    cur.execute("DROP SCHEMA tmp")
    cur.execute("CREATE SCHEMA tmp")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT tmp.f()")
    assert rows(cur, "SHOW USER FUNCTIONS IN ACCOUNT") == []


def test_functions_persist_with_the_registry(tmp_path: Path) -> None:
    with snowreg.connect(database="D", schema="S", path=tmp_path) as conn:
        conn.cursor().execute("CREATE TABLE t (a INT)")
        conn.cursor().execute("INSERT INTO t VALUES (4)")
        conn.cursor().execute("CREATE FUNCTION biggest() RETURNS NUMBER AS 'SELECT MAX(a) FROM t'")
    with snowreg.connect(database="D", schema="S", path=tmp_path) as conn:
        assert rows(conn.cursor(), "SELECT biggest()") == [(4,)]


# ---------------------------------------------------------------------------------------------
# Governance
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def admin(scores: Any) -> Any:
    cur = scores
    for sql in ("CREATE ROLE analyst", "CREATE USER ann", "GRANT ROLE analyst TO USER ann",
                "GRANT USAGE ON DATABASE test_db TO ROLE analyst", "GRANT USAGE ON SCHEMA test_db.public TO ROLE analyst",
                "CREATE FUNCTION top_id() RETURNS NUMBER AS 'SELECT MAX(id) FROM scores'"):
        cur.execute(sql)
    return cur


def analyst(admin: Any) -> Any:
    conn = Connection(admin.connection._catalog, user="ann", role="analyst")
    cur = conn.cursor()
    cur.execute("USE SCHEMA test_db.public")
    return cur


def test_usage_on_the_function_is_what_calling_needs(admin: Any) -> None:
    cur = analyst(admin)
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT top_id()")
    assert info.value.errno == 2140  # not authorized: unknown, as if it did not exist
    assert rows(cur, "SHOW USER FUNCTIONS") == []
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("DESCRIBE FUNCTION top_id()")
    assert info.value.errno == 2003
    admin.execute("GRANT USAGE ON FUNCTION top_id() TO ROLE analyst")
    # the body runs with its owner's rights: the analyst may not read SCORES, yet the function may
    assert rows(cur, "SELECT top_id()") == [(3,)]
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT MAX(id) FROM scores")
    assert [r[1] for r in rows(cur, "SHOW USER FUNCTIONS")] == ["TOP_ID"]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("DROP FUNCTION top_id()")
    assert info.value.errno == 3001
    admin.execute("REVOKE USAGE ON FUNCTION top_id() FROM ROLE analyst")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT top_id()")


def test_creating_needs_create_function_on_the_schema(admin: Any) -> None:
    cur = analyst(admin)
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("CREATE FUNCTION mine() RETURNS NUMBER AS '1'")
    assert info.value.errno == 3001
    admin.execute("GRANT CREATE FUNCTION ON SCHEMA test_db.public TO ROLE analyst")
    cur.execute("CREATE FUNCTION mine() RETURNS NUMBER AS '1'")
    assert rows(cur, "SELECT mine()") == [(1,)]
    # the body is checked with the creating role's privileges: it may not read SCORES
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("CREATE FUNCTION peek() RETURNS NUMBER AS 'SELECT MAX(id) FROM scores'")
    cur.execute("DROP FUNCTION mine()")  # its owner may


def test_or_replace_drops_grants_unless_copy_grants(admin: Any) -> None:
    cur = analyst(admin)
    admin.execute("GRANT USAGE ON FUNCTION top_id() TO ROLE analyst")
    admin.execute("CREATE OR REPLACE FUNCTION top_id() COPY GRANTS RETURNS NUMBER AS 'SELECT MIN(id) FROM scores'")
    assert rows(cur, "SELECT top_id()") == [(1,)]
    admin.execute("CREATE OR REPLACE FUNCTION top_id() RETURNS NUMBER AS 'SELECT MAX(id) FROM scores'")
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT top_id()")


def test_a_secure_function_hides_its_body_from_other_roles(admin: Any) -> None:
    admin.execute("CREATE SECURE FUNCTION hidden() RETURNS NUMBER AS '42'")
    admin.execute("GRANT USAGE ON FUNCTION hidden() TO ROLE analyst")
    cur = analyst(admin)
    assert dict(rows(cur, "DESCRIBE FUNCTION hidden()"))["body"] == ""
    assert dict(rows(admin, "DESCRIBE FUNCTION hidden()"))["body"] == "42"
    assert rows(cur, "SELECT hidden()") == [(42,)]


def test_information_schema_functions_lists_what_the_role_may_use(admin: Any) -> None:
    admin.execute("CREATE SECURE FUNCTION hidden(x NUMBER(10, 2)) RETURNS VARCHAR AS $$ 'body' $$")
    shown = rows(admin, "SELECT function_name, argument_signature, data_type, character_maximum_length, is_secure, "
                        "function_definition FROM information_schema.functions ORDER BY 1")
    assert shown == [("HIDDEN", "(X NUMBER)", "VARCHAR", 16777216, "YES", " 'body' "),
                     ("TOP_ID", "()", "NUMBER", None, "NO", "SELECT MAX(id) FROM scores")]
    cur = analyst(admin)
    assert rows(cur, "SELECT function_name FROM information_schema.functions") == []
    admin.execute("GRANT USAGE ON FUNCTION hidden(NUMBER) TO ROLE analyst")
    assert rows(cur, "SELECT function_name, function_definition FROM information_schema.functions") == \
        [("HIDDEN", None)]


# ---------------------------------------------------------------------------------------------
# EXECUTE IMMEDIATE of one statement
# ---------------------------------------------------------------------------------------------


def test_execute_immediate_runs_one_statement_as_if_sent(cur: Any) -> None:
    assert rows(cur, "EXECUTE IMMEDIATE $$ CREATE FUNCTION sq(x NUMBER) RETURNS NUMBER AS 'x * x' $$") == \
        [("Function SQ successfully created.",)]
    assert rows(cur, "EXECUTE IMMEDIATE 'SELECT sq(3) AS nine'") == [(9,)]
    assert [d[0] for d in cur.description] == ["NINE"]
    cur.execute("SET stmt = 'SELECT sq(4)'")
    assert rows(cur, "EXECUTE IMMEDIATE $stmt") == [(16,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("EXECUTE IMMEDIATE $missing")
    assert info.value.errno == 2211
    for sql in ("EXECUTE IMMEDIATE 'SELECT ?' USING (x)", "EXECUTE IMMEDIATE 'SELECT 1; SELECT 2'"):
        with pytest.raises(snowreg.NotSupportedError):
            cur.execute(sql)
    # blocks are Snowflake Scripting (tests/engine/test_scripting.py)
    assert rows(cur, "EXECUTE IMMEDIATE $$ DECLARE x INT; BEGIN RETURN x; END $$") == [(None,)]


def test_procedures_in_other_languages_stay_refused(cur: Any) -> None:
    # SQL procedures run (tests/engine/test_procedures.py), in-line Python ones too (test_python_procedures.py)
    for sql in ("CREATE PROCEDURE p() RETURNS INT LANGUAGE JAVA RUNTIME_VERSION = '11' "
                "PACKAGES = ('com.snowflake:snowpark:latest') HANDLER = 'P.run' AS $$class P {}$$",
                "CREATE PROCEDURE p() RETURNS INT LANGUAGE JAVASCRIPT AS $$ return 1; $$"):
        with pytest.raises(snowreg.NotSupportedError):
            cur.execute(sql)


def test_a_string_holding_a_placeholder_text_is_left_alone(cur: Any) -> None:
    cur.execute("CREATE FUNCTION ident(x VARCHAR) RETURNS VARCHAR AS 'x'")
    assert rows(cur, "SELECT ident('a'), '__snowreg_udf_0(x)', ident('__snowreg_udf_0(')") == \
        [("a", "__snowreg_udf_0(x)", "__snowreg_udf_0(")]
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT __snowreg_udf_0('a')")


def test_returns_not_null_refuses_a_null_result(cur: Any) -> None:
    cur.execute("CREATE FUNCTION must(x NUMBER) RETURNS NUMBER NOT NULL AS 'x'")
    assert rows(cur, "SELECT must(1)") == [(1,)]
    with pytest.raises(snowreg.IntegrityError) as info:
        cur.execute("SELECT must(NULL)")
    assert (info.value.errno, info.value.msg) == (100072, "NULL result in a non-nullable column")
    assert dict(rows(cur, "DESCRIBE FUNCTION must(NUMBER)"))["returns"] == "NUMBER(38,0) NOT NULL"


def test_bodies_call_other_functions_of_their_schema(cur: Any) -> None:
    cur.execute("CREATE FUNCTION inc(x INT) RETURNS INT AS 'x + 1'")
    cur.execute("CREATE FUNCTION inc2(x INT) RETURNS INT AS 'inc(inc(x))'")
    cur.execute("CREATE FUNCTION upto(n INT) RETURNS TABLE (v INT) AS 'SELECT inc(n) UNION ALL SELECT inc2(n)'")
    cur.execute("CREATE VIEW incs AS SELECT inc(1) AS two")
    cur.execute("CREATE SCHEMA elsewhere")
    cur.execute("USE SCHEMA elsewhere")  # the bodies still find INC in their own schema
    assert rows(cur, "SELECT public.inc2(1)") == [(3,)]
    assert rows(cur, "SELECT * FROM TABLE(public.upto(1)) ORDER BY v") == [(2,), (3,)]
    cur.execute("DROP FUNCTION public.inc(INT)")
    for sql in ("SELECT public.inc2(1)", "SELECT * FROM public.incs"):
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute(sql)
        assert (info.value.errno, info.value.msg.splitlines()[-1]) == (2140, "Unknown function INC")
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("CREATE FUNCTION v() RETURNS INT AS '$x'")


def test_a_create_or_drop_that_fails_midway_changes_nothing(cur: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cur.execute("CREATE FUNCTION kept() RETURNS NUMBER AS '1'")
    catalog = cur.connection._catalog

    def failing(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(catalog.udfs, "insert", failing)
    with pytest.raises(Exception, match="injected"):
        cur.execute("CREATE OR REPLACE FUNCTION kept() RETURNS NUMBER AS '2'")
    with pytest.raises(Exception, match="injected"):
        cur.execute("CREATE FUNCTION fresh() RETURNS NUMBER AS '3'")
    monkeypatch.undo()
    assert rows(cur, "SELECT kept()") == [(1,)]  # the old macro is back
    with pytest.raises(snowreg.ProgrammingError):
        cur.execute("SELECT fresh()")
    monkeypatch.setattr(catalog.grants, "forget_object", failing)
    with pytest.raises(Exception, match="injected"):
        cur.execute("DROP FUNCTION kept()")
    monkeypatch.undo()
    assert rows(cur, "SELECT kept()") == [(1,)]
    assert [r[1] for r in rows(cur, "SHOW USER FUNCTIONS")] == ["KEPT"]


def test_grant_on_all_functions_in_a_schema(admin: Any) -> None:
    admin.execute("CREATE FUNCTION other(x VARCHAR) RETURNS VARCHAR AS 'x'")
    admin.execute("GRANT USAGE ON ALL FUNCTIONS IN SCHEMA test_db.public TO ROLE analyst")
    cur = analyst(admin)
    assert rows(cur, "SELECT top_id(), other('a')") == [(3, "a")]
    with pytest.raises(snowreg.NotSupportedError):
        admin.execute("GRANT USAGE ON FUTURE FUNCTIONS IN SCHEMA test_db.public TO ROLE analyst")


def test_an_expression_body_with_a_subquery_does_not_capture_the_arguments(scores: Any) -> None:
    cur = scores
    cur.execute("CREATE FUNCTION plus_below(id NUMBER) RETURNS NUMBER AS "
                "'id * 10 + (SELECT COUNT(*) FROM scores s WHERE s.id < id)'")
    assert rows(cur, "SELECT id, plus_below(id) FROM scores ORDER BY id") == [(1, 10), (2, 21), (3, 32)]


def test_the_owner_must_still_hold_what_the_body_reads(admin: Any) -> None:
    admin.execute("GRANT CREATE FUNCTION ON SCHEMA test_db.public TO ROLE analyst")
    admin.execute("GRANT SELECT ON TABLE scores TO ROLE analyst")
    cur = analyst(admin)
    cur.execute("CREATE FUNCTION lowest() RETURNS NUMBER AS 'SELECT MIN(id) FROM scores'")
    cur.execute("CREATE FUNCTION lowest_plus() RETURNS NUMBER AS 'lowest() + 1'")
    assert rows(cur, "SELECT lowest(), lowest_plus()") == [(1, 2)]
    admin.execute("REVOKE SELECT ON TABLE scores FROM ROLE analyst")
    for sql in ("SELECT lowest()", "SELECT lowest_plus()"):
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute(sql)
        assert info.value.errno == 2003
    admin.execute("GRANT ROLE analyst TO ROLE sysadmin")  # ACCOUNTADMIN may now use the function ...
    with pytest.raises(snowreg.ProgrammingError) as info:  # ... which still runs with its owner's rights
        admin.execute("SELECT test_db.public.lowest()")
    assert info.value.errno == 2003
