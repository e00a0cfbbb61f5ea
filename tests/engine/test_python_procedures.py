"""In-line Python stored procedures (engine/python_procedures.py): CREATE and the metadata of one without
Snowpark; with Snowpark (the client environment: this file re-runs there), CALL with the handler's Session,
values both ways, errors as 100357, RETURNS TABLE, named arguments, persistence and Snowpark's Session.call."""

from __future__ import annotations

import datetime
import importlib.util
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.engine.sql import python_udfs


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


HAVE_SNOWPARK = _have("snowflake.snowpark")
needs_snowpark = pytest.mark.skipif(not HAVE_SNOWPARK, reason="re-run in the client environment")


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return list(cur.fetchall())


def proc(name: str, args: str, returns: str, code: str, extra: str = "", handler: str = "run") -> str:
    return (f"CREATE OR REPLACE PROCEDURE {name}({args}) RETURNS {returns} LANGUAGE PYTHON RUNTIME_VERSION = '3.12' "
            f"PACKAGES = ('snowflake-snowpark-python') {extra} HANDLER = '{handler}' AS $$\n{code}\n$$")


COPY = proc("my_copy_sp", "from_table STRING, to_table STRING, count INT", "STRING",
            "def run(session, from_table, to_table, count):\n"
            "    session.table(from_table).limit(count).write.save_as_table(to_table)\n"
            "    return 'SUCCESS'")


def error_of(cur: Any, sql: str) -> snowreg.Error:
    with pytest.raises(snowreg.Error) as info:
        cur.execute(sql)
    return info.value


# ---------------------------------------------------------------------------------------------
# Without Snowpark: CREATE and metadata
# ---------------------------------------------------------------------------------------------


def test_create_needs_no_snowpark_and_a_call_names_the_missing_package(cur: Any, monkeypatch: Any) -> None:
    cur.execute(COPY)
    monkeypatch.setattr(python_udfs, "snowpark_installed", lambda: False)
    e = error_of(cur, "CALL my_copy_sp('a', 'b', 1)")
    assert (e.errno, e.sqlstate) == (100357, "P0000")
    assert "snowflake-snowpark-python" in e.msg and "in function MY_COPY_SP with handler run" in e.msg
    assert rows(cur, "SHOW TABLES") == []  # nothing ran


def test_metadata_of_a_python_procedure(cur: Any) -> None:
    cur.execute(COPY)
    described = dict(rows(cur, "DESCRIBE PROCEDURE my_copy_sp(VARCHAR, VARCHAR, NUMBER)"))
    assert described["language"] == "PYTHON" and described["handler"] == "run"
    assert described["runtime_version"] == "3.12" and described["execute as"] == "OWNER"
    assert described["packages"] == "['snowflake-snowpark-python']" and "save_as_table" in described["body"]
    assert rows(cur, "SELECT procedure_language, data_type FROM information_schema.procedures") == [("PYTHON", "VARCHAR")]
    ddl = rows(cur, "SELECT GET_DDL('PROCEDURE', 'my_copy_sp(VARCHAR, VARCHAR, NUMBER)')")[0][0]
    assert ddl.startswith('CREATE OR REPLACE PROCEDURE "MY_COPY_SP"("FROM_TABLE" VARCHAR, "TO_TABLE" VARCHAR, ')
    assert "LANGUAGE PYTHON\nRUNTIME_VERSION = '3.12'\nPACKAGES = ('snowflake-snowpark-python')\nHANDLER = 'run'\n" \
           "EXECUTE AS OWNER\nAS $$" in ddl
    cur.execute("DROP PROCEDURE my_copy_sp(VARCHAR, VARCHAR, NUMBER)")
    cur.execute(ddl)  # GET_DDL's text makes the procedure again
    assert dict(rows(cur, "DESCRIBE PROCEDURE my_copy_sp(VARCHAR, VARCHAR, NUMBER)")) == described
    cur.execute("CREATE PROCEDURE sq() RETURNS INT LANGUAGE SQL AS $$ BEGIN RETURN 1; END $$")
    assert "LANGUAGE SQL\nEXECUTE AS OWNER\nAS '" in rows(cur, "SELECT GET_DDL('procedure', 'sq()')")[0][0]


def test_a_schemas_ddl_recreates_its_procedures(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/get_ddl: recursive for schemas, procedures supported
    cur.execute(COPY)
    cur.execute("CREATE PROCEDURE sq(a INT DEFAULT 1) RETURNS INT LANGUAGE SQL EXECUTE AS CALLER AS $$ BEGIN RETURN a; END $$")
    text = rows(cur, "SELECT GET_DDL('SCHEMA', 'PUBLIC')")[0][0]
    assert 'CREATE OR REPLACE PROCEDURE "MY_COPY_SP"(' in text and "LANGUAGE PYTHON" in text
    assert 'CREATE OR REPLACE PROCEDURE "SQ"("A" NUMBER DEFAULT 1)' in text and "EXECUTE AS CALLER" in text
    cur.execute("CREATE ROLE R")
    cur.execute("GRANT USAGE ON DATABASE TEST_DB TO ROLE R")
    cur.execute("GRANT USAGE ON SCHEMA TEST_DB.PUBLIC TO ROLE R")
    cur.execute("GRANT USAGE ON PROCEDURE sq(NUMBER) TO ROLE R")
    cur.execute("GRANT ROLE R TO USER ADMIN")
    cur.execute("USE ROLE R")
    text = rows(cur, "SELECT GET_DDL('SCHEMA', 'PUBLIC')")[0][0]
    assert '"SQ"' in text and "MY_COPY_SP" not in text  # only what the role holds a privilege on


def test_a_syntax_error_refuses_the_create(cur: Any) -> None:
    e = error_of(cur, proc("bad", "", "INT", "def run(session)\n    return 1"))
    assert e.errno == 100357 and "SyntaxError" in e.msg and 'File "_udf_code.py", line 2' in e.msg
    assert rows(cur, "SHOW PROCEDURES") == []


@pytest.mark.parametrize(("sql", "what"), [
    (proc("p", "", "INT", "def run(s): return 1", "IMPORTS = ('@st/m.py')"), "IMPORTS in CREATE PROCEDURE"),
    (proc("p", "", "INT", "def run(s): return 1", "EXECUTE AS RESTRICTED CALLER"), "RESTRICTED CALLER"),
    (proc("p", "", "INT", "def run(s): return 1", handler="m.run"), "A handler in a module"),
    (proc("p", "", "GEOGRAPHY", "def run(s): return 1"), "GEOGRAPHY"),
    ("WITH p AS PROCEDURE () RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION = '3.12' PACKAGES = "
     "('snowflake-snowpark-python') HANDLER = 'run' AS $$def run(s): return 1$$ CALL p()", "anonymous procedure"),
])
def test_what_is_not_emulated_is_refused_by_name(cur: Any, sql: str, what: str) -> None:
    with pytest.raises(snowreg.NotSupportedError, match=what):
        cur.execute(sql)
    assert rows(cur, "SHOW PROCEDURES") == []


def test_other_packages_must_be_installed(cur: Any) -> None:
    e = error_of(cur, proc("p", "", "INT", "def run(s): return 1").replace(
        "('snowflake-snowpark-python')", "('snowflake-snowpark-python', 'no-such-package-here')"))
    assert e.errno == 2000 and "no-such-package-here" in e.msg and "snowflake-snowpark" not in e.msg


def test_named_arguments_of_a_sql_procedure(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE sub(a INT, b INT DEFAULT 10) RETURNS INT LANGUAGE SQL AS $$ BEGIN RETURN a - b; END $$")
    assert rows(cur, "CALL sub(b => 1, a => 5)") == [(4,)]
    assert rows(cur, "CALL sub(a => 15)") == [(5,)]
    assert rows(cur, "CALL sub(3, 1)") == [(2,)]
    for bad in ("CALL sub(b => 1)", "CALL sub(c => 1, a => 1)"):  # a required one left out; an unknown name
        assert error_of(cur, bad).errno == 1044
    assert error_of(cur, "CALL sub(a => 1, a => 2)").errno == 2000
    assert error_of(cur, "CALL sub(1, b => 2)").errno == 2000  # all by position or all by name


# ---------------------------------------------------------------------------------------------
# With Snowpark: CALL
# ---------------------------------------------------------------------------------------------


@needs_snowpark
def test_the_docs_copy_example_writes_through_the_handlers_session(cur: Any) -> None:
    # https://docs.snowflake.com/en/developer-guide/stored-procedure/python/procedure-python-writing
    cur.execute("CREATE TABLE src (s VARCHAR) AS SELECT column1 FROM VALUES ('a'), ('b'), ('c')")
    cur.execute(COPY)
    cur.execute("CALL my_copy_sp('src', 'dst', 2)")
    assert [d.name for d in cur.description] == ["MY_COPY_SP"] and cur.fetchall() == [("SUCCESS",)]
    assert rows(cur, "SELECT COUNT(*) FROM dst") == [(2,)]
    assert rows(cur, "CALL my_copy_sp(count => 1, to_table => 'dst1', from_table => 'src')") == [("SUCCESS",)]
    assert rows(cur, "SELECT COUNT(*) FROM dst1") == [(1,)]


@needs_snowpark
def test_dataframe_writes_and_nested_calls_in_the_handler(cur: Any) -> None:
    cur.execute(proc("twice", "x INT", "INT", "def run(session, x):\n    return x * 2"))
    cur.execute(proc("writes", "", "VARCHAR", "\n".join([
        "def run(session):",
        "    df = session.create_dataframe([[1, 'a'], [2, 'b']], schema=['N', 'S'])",
        "    df.write.mode('overwrite').save_as_table('T1')",
        "    df.write.mode('append').save_as_table('T1')",
        "    session.table('T1').filter('N > 1').write.save_as_table('T2')",
        "    return f\"{session.table('T1').count()} {session.table('T2').count()} {session.call('twice', 5)}\""])))
    assert rows(cur, "CALL writes()") == [("4 2 10",)]
    cur.execute(proc("active", "", "BOOLEAN", "from snowflake.snowpark.context import get_active_session\n"
                     "def run(session):\n    return get_active_session() is session"))
    assert rows(cur, "CALL active()") == [(True,)]
    assert rows(cur, "SELECT N, S FROM T2 ORDER BY N") == [(2, "b"), (2, "b")]
    assert [d.name for d in cur.describe("CALL writes()")] == ["WRITES"]


@needs_snowpark
def test_defaults_overloads_and_rights_switch(cur: Any) -> None:
    cur.execute(proc("greet", "who VARCHAR, punct VARCHAR DEFAULT '!'", "VARCHAR",
                     "def run(session, who, punct):\n    return 'hi ' + who + punct"))
    cur.execute(proc("greet", "n INT", "VARCHAR", "def run(session, n):\n    return 'number ' + str(n)"))
    assert rows(cur, "CALL greet('ann')") == [("hi ann!",)]
    assert rows(cur, "CALL greet(punct => '?', who => 'bo')") == [("hi bo?",)]
    assert rows(cur, "CALL greet(7)") == [("number 7",)]
    cur.execute("ALTER PROCEDURE greet(NUMBER) EXECUTE AS CALLER")
    assert dict(rows(cur, "DESCRIBE PROCEDURE greet(NUMBER)"))["execute as"] == "CALLER"
    assert rows(cur, "CALL greet(8)") == [("number 8",)]


@needs_snowpark
def test_values_cross_by_the_type_mappings(cur: Any) -> None:
    cur.execute(proc("kinds", "n INT, d NUMBER(10,2), f FLOAT, s VARCHAR, b BOOLEAN, dt DATE, ts TIMESTAMP_NTZ, "
                     "v VARIANT, o OBJECT, a ARRAY, x BINARY", "VARCHAR",
                     "def run(session, *args):\n    return ','.join(type(a).__name__ for a in args)"))
    assert rows(cur, "CALL kinds(1, 1.5, 2.5, 'x', TRUE, '2024-01-02'::DATE, '2024-01-02 03:04:05'::TIMESTAMP_NTZ, "
                     "PARSE_JSON('[1]'), OBJECT_CONSTRUCT('a', 1), ARRAY_CONSTRUCT(1, 'b'), TO_BINARY('ABCD', 'HEX'))") \
        == [("int,Decimal,float,str,bool,date,datetime,list,dict,list,bytes",)]
    cur.execute(proc("half", "x NUMBER(10,2)", "NUMBER(10,2)", "def run(session, x):\n    return x / 2"))
    cur.execute(proc("tomorrow", "d DATE", "DATE",
                     "import datetime\ndef run(session, d):\n    return d + datetime.timedelta(days=1)"))
    cur.execute(proc("obj", "i INT", "VARIANT", "def run(session, i):\n    return {'i': i, 'l': [i, None]}"))
    cur.execute(proc("rows_text", "", "VARCHAR", "def run(session):\n    return session.sql('SELECT 1 AS A').collect()"))
    assert rows(cur, "CALL half(5)") == [(Decimal("2.50"),)]
    assert rows(cur, "CALL tomorrow('2024-02-28')") == [(datetime.date(2024, 2, 29),)]
    cur.execute("CALL obj(3)")
    assert cur.description[0].type_code == 5 and '"i": 3' in cur.fetchall()[0][0]
    assert rows(cur, "CALL rows_text()") == [("[Row(A=1)]",)]  # VARCHAR: the value's str() (DECISIONS.md U44)


@needs_snowpark
def test_nulls_strict_and_not_null(cur: Any) -> None:
    cur.execute(proc("echo", "s VARCHAR", "VARCHAR", "def run(session, s):\n    return repr(s)"))
    cur.execute(proc("strict_echo", "s VARCHAR", "VARCHAR", "def run(session, s):\n    return repr(s)", "STRICT"))
    cur.execute(proc("nothing", "", "INT NOT NULL", "def run(session):\n    return None"))
    assert rows(cur, "CALL echo(NULL)") == [("None",)]
    assert rows(cur, "CALL strict_echo(NULL)") == [(None,)]
    assert error_of(cur, "CALL nothing()").errno == 100072


@needs_snowpark
def test_the_handlers_failures_are_100357_with_its_own_frames(cur: Any) -> None:
    cur.execute(proc("boom", "x INT", "INT", "def helper(x):\n    return x / 0\ndef run(session, x):\n    return helper(x)"))
    e = error_of(cur, "CALL boom(1)")
    assert (e.errno, e.sqlstate) == (100357, "P0000")
    assert e.msg.startswith("Python Interpreter Error:\nTraceback (most recent call last):\n")
    assert 'File "_udf_code.py", line 5, in run' in e.msg and "ZeroDivisionError: division by zero" in e.msg
    assert e.msg.endswith(" in function BOOM with handler run") and "snowreg" not in e.msg
    cur.execute(proc("wrong", "", "INT", "def run(session):\n    return 'text'"))
    assert "TypeError: Cannot convert a Python str to NUMBER" in error_of(cur, "CALL wrong()").msg
    cur.execute(proc("nohandler", "", "INT", "def other(session):\n    return 1"))
    assert error_of(cur, "CALL nohandler()").errno == 2000


@needs_snowpark
def test_a_failed_statement_is_the_handlers_to_catch(cur: Any) -> None:
    cur.execute(proc("lookup", "", "VARCHAR",
                     "from snowflake.snowpark.exceptions import SnowparkSQLException\n"
                     "def run(session):\n    try:\n        session.sql('SELECT * FROM missing_t').collect()\n"
                     "    except SnowparkSQLException as e:\n        return 'caught ' + str(e.sql_error_code)\n"))
    assert rows(cur, "CALL lookup()") == [("caught 2003",)]
    cur.execute(proc("uncaught", "", "INT", "def run(session):\n    return session.sql('SELECT * FROM missing_t').collect()"))
    e = error_of(cur, "CALL uncaught()")
    assert e.errno == 100357 and "MISSING_T" in e.msg and "does not exist or not authorized" in e.msg


@needs_snowpark
def test_what_snowreg_refuses_inside_the_handler_stays_not_supported(cur: Any) -> None:
    cur.execute(proc("refused", "", "INT", "def run(session):\n    return session.sql('SELECT HASH(1)').collect()"))
    e = error_of(cur, "CALL refused()")
    assert isinstance(e, snowreg.NotSupportedError) and "not supported by snowreg" in e.msg


@needs_snowpark
def test_returns_table_from_a_dataframe(cur: Any) -> None:
    # https://docs.snowflake.com/en/developer-guide/stored-procedure/python/procedure-python-tabular-data
    cur.execute("CREATE TABLE employees(id NUMBER, name VARCHAR, role VARCHAR)")
    cur.execute("INSERT INTO employees VALUES (1, 'Alice', 'op'), (2, 'Bob', 'dev'), (3, 'Cindy', 'dev')")
    code = ("from snowflake.snowpark.functions import col\n"
            "def filter_by_role(session, table_name, role):\n"
            "    return session.table(table_name).filter(col('role') == role)")
    cur.execute(proc("filterByRole", "tableName VARCHAR, role VARCHAR", "TABLE(id NUMBER, who VARCHAR, role VARCHAR)",
                     code, handler="filter_by_role"))
    cur.execute("CALL filterByRole('employees', 'dev')")
    assert [d.name for d in cur.description] == ["ID", "WHO", "ROLE"]  # the declared names, by position
    assert sorted(cur.fetchall()) == [(2, "Bob", "dev"), (3, "Cindy", "dev")]
    cur.execute(proc("made", "", "TABLE()", "def run(session):\n    return session.create_dataframe([[1, 'x']], "
                     "schema=['N', 'S'])"))
    assert rows(cur, "CALL made()") == [(1, "x")]
    cur.execute(proc("notframe", "", "TABLE(a INT)", "def run(session):\n    return [1]"))
    assert "TypeError" in error_of(cur, "CALL notframe()").msg
    cur.execute(proc("frame_for_int", "", "INT", "def run(session):\n    return session.table('employees')"))
    assert "TypeError" in error_of(cur, "CALL frame_for_int()").msg


@needs_snowpark
def test_a_procedure_persists_and_runs_from_its_stored_text(tmp_path: Path) -> None:
    path = tmp_path / "reg"
    with snowreg.connect(database="D", schema="S", path=path) as conn:
        conn.cursor().execute(proc("counter", "", "INT", "calls = []\ndef run(session):\n    calls.append(1)\n"
                                   "    return len(calls)"))
        assert rows(conn.cursor(), "CALL counter()") == [(1,)]
        assert rows(conn.cursor(), "CALL counter()") == [(1,)]  # the code runs afresh at each CALL (U41)
    with snowreg.connect(database="D", schema="S", path=path) as conn:
        assert rows(conn.cursor(), "CALL counter()") == [(1,)]


@needs_snowpark
def test_snowparks_session_call_reaches_a_procedure() -> None:
    import snowflake.connector
    from snowflake.snowpark import Session

    with snowreg.patch():
        conn = snowflake.connector.connect(database="D", schema="S")
        session = Session.builder.configs({"connection": conn}).create()
        session.sql("CREATE TABLE src (s VARCHAR) AS SELECT column1 FROM VALUES ('a'), ('b')").collect()
        session.sql(COPY).collect()
        assert session.call("my_copy_sp", "src", "dst", 1) == "SUCCESS"
        assert session.table("dst").count() == 1
        session.close()


if not HAVE_SNOWPARK:
    def test_python_procedures_in_client_environment(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file (and the conformance cases that need Snowpark) where Snowpark is installed."""
        rerun_in_client(__file__, timeout=300)
        rerun_in_client(str(Path(__file__).parents[2] / "conformance" / "sql" / "python_procedures.test"), timeout=300)
