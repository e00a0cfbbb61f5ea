"""In-line scalar Python UDFs (engine/sql/python_udfs.py): types both ways, NULL handling, the handler's
errors as 100357, properties refused or checked, privileges, DROP / OR REPLACE / RENAME, persistence."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(cur: Any, sql: str) -> list[tuple[Any, ...]]:
    cur.execute(sql)
    return list(cur.fetchall())


def py(name: str, args: str, returns: str, code: str, extra: str = "", handler: str = "h") -> str:
    return (f"CREATE OR REPLACE FUNCTION {name}({args}) RETURNS {returns} LANGUAGE PYTHON "
            f"RUNTIME_VERSION = '3.12' {extra} HANDLER = '{handler}' AS $$\n{code}\n$$")


def test_the_docs_addone_example(cur: Any) -> None:
    # https://docs.snowflake.com/en/developer-guide/udf/python/udf-python-introduction
    cur.execute(py("addone", "i INT", "INT", "def addone_py(i):\n    return i+1", handler="addone_py"))
    assert rows(cur, "SELECT addone(1), addone(41)") == [(2, 42)]
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("INSERT INTO t VALUES (1), (2), (3)")
    assert rows(cur, "SELECT addone(a) FROM t WHERE addone(a) > 2 ORDER BY 1") == [(3,), (4,)]


def test_arguments_arrive_as_the_type_mappings_say(cur: Any) -> None:
    cur.execute(py("kinds", "n INT, d NUMBER(10,2), f FLOAT, s VARCHAR, b BOOLEAN, dt DATE, ts TIMESTAMP_NTZ, "
                   "v VARIANT, o OBJECT, a ARRAY, x BINARY", "VARCHAR",
                   "def h(*args):\n    return ','.join(type(a).__name__ for a in args)"))
    found = rows(cur, "SELECT kinds(1, 1.5, 2.5, 'x', TRUE, '2024-01-02'::DATE, '2024-01-02 03:04:05'::TIMESTAMP_NTZ, "
                      "PARSE_JSON('[1]'), OBJECT_CONSTRUCT('a', 1), ARRAY_CONSTRUCT(1, 'b'), TO_BINARY('ABCD', 'HEX'))")
    assert found == [("int,Decimal,float,str,bool,date,datetime,list,dict,list,bytes",)]
    cur.execute(py("echo_v", "v VARIANT", "VARCHAR", "def h(v):\n    return repr(v)"))
    assert rows(cur, "SELECT echo_v(PARSE_JSON('{\"k\": [1, \"two\", null]}'))") == [("{'k': [1, 'two', None]}",)]


def test_an_object_result_keeps_its_keys_in_order(cur: Any) -> None:
    """A dict's keys in order at every depth, as PARSE_JSON keeps an OBJECT's (DECISIONS.md F108, F135)."""
    cur.execute(py("nested", "i INT", "OBJECT", "def h(i):\n    return {'b': i, 'a': [{'d': 1, 'c': 2}]}"))
    assert rows(cur, "SELECT nested(1)::VARCHAR, nested(1) = PARSE_JSON('{\"a\": [{\"c\": 2, \"d\": 1}], \"b\": 1}')") \
        == [('{"a":[{"c":2,"d":1}],"b":1}', True)]


def test_results_convert_to_the_declared_type(cur: Any) -> None:
    cur.execute(py("half", "x NUMBER(10,2)", "NUMBER(10,2)", "def h(x):\n    return x / 2"))
    cur.execute(py("obj", "i INT", "OBJECT", "def h(i):\n    return {'i': i, 'l': [i, None]}"))
    cur.execute(py("tomorrow", "d DATE", "DATE", "import datetime\ndef h(d):\n    return d + datetime.timedelta(days=1)"))
    cur.execute(py("ratio", "a INT, b INT", "FLOAT", "def h(a, b):\n    return a / b"))
    assert rows(cur, "SELECT half(5), obj(3):l[0]::INT, tomorrow('2024-02-28'::DATE), ratio(1, 4)") == \
        [(Decimal("2.50"), 3, datetime.date(2024, 2, 29), 0.25)]
    cur.execute(py("wrong", "i INT", "INT", "def h(i):\n    return 'text'"))
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT wrong(1)")
    assert info.value.errno == 100357 and "Cannot convert a Python str to NUMBER" in info.value.msg


def test_null_arguments_reach_the_handler_unless_strict(cur: Any) -> None:
    cur.execute(py("isnull", "i INT", "BOOLEAN", "def h(i):\n    return i is None"))
    assert rows(cur, "SELECT isnull(NULL), isnull(1)") == [(True, False)]
    cur.execute(py("strict_one", "i INT", "BOOLEAN", "def h(i):\n    return i is None", "STRICT"))
    cur.execute(py("strict_two", "i INT", "BOOLEAN", "def h(i):\n    return i is None",
                   "RETURNS NULL ON NULL INPUT"))
    assert rows(cur, "SELECT strict_one(NULL), strict_two(NULL), strict_two(1)") == [(None, None, False)]
    assert dict(rows(cur, "DESCRIBE FUNCTION strict_one(INT)"))["null handling"] == "RETURNS NULL ON NULL INPUT"
    assert dict(rows(cur, "DESCRIBE FUNCTION isnull(INT)"))["null handling"] == "CALLED ON NULL INPUT"


def test_an_exception_in_the_handler_is_100357_with_its_traceback(cur: Any) -> None:
    cur.execute(py("boom", "i INT", "INT", "def helper(i):\n    return 1 // i\n\ndef h(i):\n    return helper(i)"))
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT boom(0)")
    e = info.value
    assert (e.errno, e.sqlstate) == (100357, "P0000")
    assert e.msg.startswith("Python Interpreter Error:\nTraceback (most recent call last):\n")
    assert 'File "_udf_code.py", line 3, in helper' in e.msg and 'line 6, in h' in e.msg
    assert "ZeroDivisionError: integer division or modulo by zero" in e.msg
    assert e.msg.endswith(" in function BOOM with handler h")
    assert "python_udfs" not in e.msg  # snowreg's own frames are not shown
    assert rows(cur, "SELECT boom(2)") == [(0,)]


def test_code_that_fails_to_load_or_lacks_its_handler_is_refused(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute(py("bad", "i INT", "INT", "def h(i):\n    return (i"))
    assert info.value.errno == 100357 and "SyntaxError" in info.value.msg
    with pytest.raises(snowreg.ProgrammingError, match="handler function 'nope' is not defined"):
        cur.execute(py("bad", "i INT", "INT", "def h(i):\n    return i", handler="nope"))
    with pytest.raises(snowreg.ProgrammingError, match="RUNTIME_VERSION"):
        cur.execute("CREATE FUNCTION bad(i INT) RETURNS INT LANGUAGE PYTHON HANDLER = 'h' AS $$\ndef h(i): return i\n$$")
    assert rows(cur, "SHOW USER FUNCTIONS") == []


def test_packages_must_be_importable(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError, match="Unknown packages: no-such-package-xyz==1.0"):
        cur.execute(py("p", "i INT", "INT", "def h(i):\n    return i", "PACKAGES = ('orjson', 'no-such-package-xyz==1.0')"))
    cur.execute(py("p", "i INT", "INT", "import orjson\ndef h(i):\n    return len(orjson.dumps([i]))",
                   "PACKAGES = ('orjson')"))
    assert rows(cur, "SELECT p(7)") == [(3,)]
    assert dict(rows(cur, "DESCRIBE FUNCTION p(INT)"))["packages"] == "['orjson']"


@pytest.mark.parametrize(("extra", "code", "handler", "what"), [
    ("IMPORTS = ('@s/m.py')", "def h(i):\n    return i", "h", "IMPORTS"),
    ("", "from _snowflake import vectorized\n@vectorized(input=object)\ndef h(df):\n    return df[0]", "h", "Vectorized"),
    ("", "def h(i):\n    return i", "m.h", "module"),
])
def test_what_is_not_emulated_is_refused_by_name(cur: Any, extra: str, code: str, handler: str, what: str) -> None:
    with pytest.raises(snowreg.NotSupportedError, match=what):
        cur.execute(py("nope", "i INT", "INT", code, extra, handler))
    with pytest.raises(snowreg.NotSupportedError, match="IMPORTS in CREATE PROCEDURE"):  # a procedure's too
        cur.execute("CREATE PROCEDURE pp() RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION = '3.12' IMPORTS = ('@s/m.py') "
                    "PACKAGES = ('snowflake-snowpark-python') HANDLER = 'run' AS $$\ndef run(session): return 1\n$$")
    assert rows(cur, "SHOW USER FUNCTIONS") == []


def test_replace_rename_and_drop(cur: Any) -> None:
    cur.execute(py("f", "i INT", "INT", "def h(i):\n    return i + 1"))
    cur.execute(py("f", "i INT", "INT", "def h(i):\n    return i + 100"))
    assert rows(cur, "SELECT f(1)") == [(101,)]
    cur.execute("ALTER FUNCTION f(INT) RENAME TO g")
    assert rows(cur, "SELECT g(1)") == [(101,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT f(1)")
    assert info.value.errno == 2140
    cur.execute("DROP FUNCTION g(INT)")
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT g(1)")
    assert info.value.errno == 2140


def test_metadata_shows_language_python(cur: Any) -> None:
    cur.execute(py("addone", "i INT", "INT", "def addone_py(i):\n    return i+1", handler="addone_py"))
    shown = rows(cur, "SHOW USER FUNCTIONS")
    assert [(r[1], r[17]) for r in shown] == [("ADDONE", "PYTHON")]
    described = dict(rows(cur, "DESCRIBE FUNCTION addone(INT)"))
    assert (described["language"], described["handler"], described["runtime_version"]) == ("PYTHON", "addone_py", "3.12")
    assert rows(cur, "SELECT function_language, is_null_call FROM information_schema.functions") == [("PYTHON", "YES")]
    ddl = rows(cur, "SELECT GET_DDL('FUNCTION', 'addone(INT)')")[0][0]
    assert "LANGUAGE PYTHON\nRUNTIME_VERSION = '3.12'\nHANDLER = 'addone_py'\nAS $$" in ddl
    cur.execute("DROP FUNCTION addone(INT)")
    cur.execute(ddl)  # the DDL makes the function again
    assert rows(cur, "SELECT addone(1)") == [(2,)]


def test_a_sql_function_and_a_view_may_call_one(cur: Any) -> None:
    cur.execute(py("twice", "i INT", "INT", "def h(i):\n    return 2 * i"))
    cur.execute("CREATE FUNCTION four_times(i INT) RETURNS INT AS 'twice(twice(i))'")
    cur.execute("CREATE VIEW v AS SELECT twice(21) AS x")
    assert rows(cur, "SELECT four_times(1), x FROM v") == [(4, 42)]


def test_persists_as_its_definition(tmp_path: Path) -> None:
    with snowreg.connect(database="D", schema="S", path=tmp_path) as conn:
        cur = conn.cursor()
        cur.execute(py("addone", "i INT", "INT", "def h(i):\n    return i + 1"))
        cur.execute("CREATE VIEW v AS SELECT addone(1) AS x")
    with snowreg.connect(database="D", schema="S", path=tmp_path) as conn:
        assert rows(conn.cursor(), "SELECT x FROM v") == [(2,)]  # a view first: registered without a bind
    with snowreg.connect(database="D", schema="S", path=tmp_path) as conn:
        assert rows(conn.cursor(), "SELECT addone(41)") == [(42,)]
    assert not list(tmp_path.rglob("*.pkl")) and not list(tmp_path.rglob("*.pickle"))


# ---------------------------------------------------------------------------------------------
# Governance: calling needs USAGE, as for a SQL UDF; the body is what CREATE stored
# ---------------------------------------------------------------------------------------------


def _analyst(cur: Any) -> Any:
    for sql in ("CREATE ROLE analyst", "CREATE USER ann", "GRANT ROLE analyst TO USER ann",
                "GRANT USAGE ON DATABASE test_db TO ROLE analyst",
                "GRANT USAGE ON SCHEMA test_db.public TO ROLE analyst"):
        cur.execute(sql)
    conn = Connection(cur.connection._catalog, user="ann", role="analyst")
    other = conn.cursor()
    other.execute("USE SCHEMA test_db.public")
    return other


def test_calling_needs_usage_on_the_function(cur: Any) -> None:
    cur.execute(py("secret", "i INT", "INT", "def h(i):\n    return i * 7"))
    cur.execute(py("sql_twin", "i INT", "INT", "def h(i):\n    return i"))
    other = _analyst(cur)
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute("SELECT secret(1)")
    cur.execute("CREATE FUNCTION plain(i INT) RETURNS INT AS 'i'")
    with pytest.raises(snowreg.ProgrammingError) as sql_info:
        other.execute("SELECT plain(1)")
    assert (info.value.errno, info.value.sqlstate) == (sql_info.value.errno, sql_info.value.sqlstate) == (2140, "42601")
    assert rows(other, "SHOW USER FUNCTIONS") == []
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute("DESCRIBE FUNCTION secret(INT)")
    assert info.value.errno == 2003
    cur.execute("GRANT USAGE ON FUNCTION secret(INT) TO ROLE analyst")
    assert rows(other, "SELECT secret(6)") == [(42,)]
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute(py("secret", "i INT", "INT", "def h(i):\n    return -1"))  # no OWNERSHIP: no replacing
    assert rows(other, "SELECT secret(6)") == [(42,)]
    cur.execute("REVOKE USAGE ON FUNCTION secret(INT) FROM ROLE analyst")
    with pytest.raises(snowreg.ProgrammingError):
        other.execute("SELECT secret(6)")


def test_the_registered_function_is_not_reachable_by_name(cur: Any) -> None:
    cur.execute(py("f", "i INT", "INT", "def h(i):\n    return i"))
    (row,) = cur.connection._catalog.udfs.listed()
    name = "__snowreg_py_" + row.spec["python"]["id"]  # registered in DuckDB under this name
    for sql in (f"SELECT {name}(1)", "SELECT \"F(NUMBER)/1\"(1)"):
        with pytest.raises(snowreg.Error):
            cur.execute(sql)
    described = dict(rows(cur, "DESCRIBE FUNCTION f(INT)"))
    assert "__snowreg_py_" not in "".join(described.values())


def test_no_code_runs_for_a_role_that_may_not_create(cur: Any) -> None:
    import builtins

    other = _analyst(cur)  # USAGE on the schema, no CREATE FUNCTION
    probe = "import builtins\nbuiltins._snowreg_probe = True\ndef h(i):\n    return i"
    with pytest.raises(snowreg.ProgrammingError) as info:
        other.execute(py("sneaky", "i INT", "INT", probe))
    assert info.value.errno == 3001
    assert not hasattr(builtins, "_snowreg_probe")
    assert rows(cur, "SHOW USER FUNCTIONS") == []


def test_get_ddl_of_a_strict_function_with_packages_makes_it_again(cur: Any) -> None:
    cur.execute(py("size", "s VARCHAR", "INT", "import orjson\ndef h(s):\n    return len(orjson.dumps(s))",
                   "PACKAGES = ('orjson') STRICT"))
    ddl = rows(cur, "SELECT GET_DDL('FUNCTION', 'size(VARCHAR)')")[0][0]
    assert "RETURNS NULL ON NULL INPUT" in ddl and "PACKAGES = ('orjson')" in ddl
    cur.execute("DROP FUNCTION size(VARCHAR)")
    cur.execute(ddl)
    assert rows(cur, "SELECT size('ab'), size(NULL)") == [(4, None)]
    assert dict(rows(cur, "DESCRIBE FUNCTION size(VARCHAR)"))["null handling"] == "RETURNS NULL ON NULL INPUT"


def test_a_table_function_runs_its_handler_class_per_row(cur: Any) -> None:
    # https://docs.snowflake.com/en/developer-guide/udf/python/udf-python-tabular-functions
    cur.execute(py("sale_sum", "symbol VARCHAR, quantity NUMBER, price NUMBER(10,2)",
                   "TABLE (symbol VARCHAR, total NUMBER(10,2))",
                   "class S:\n    def __init__(self):\n        self.total = 0\n        self.symbol = ''\n"
                   "    def process(self, symbol, quantity, price):\n        self.symbol = symbol\n"
                   "        self.total += quantity * price\n        yield (symbol, quantity * price)\n"
                   "    def end_partition(self):\n        yield (self.symbol, self.total)", handler="S"))
    cur.execute("CREATE TABLE stocks (symbol VARCHAR, quantity NUMBER, price NUMBER(10,2))")
    cur.execute("INSERT INTO stocks VALUES ('CSCO', 50, 51.00), ('PSUN', 60, 12.00)")
    assert rows(cur, "SELECT * FROM TABLE(sale_sum('X', 2, 1.50))") == [("X", Decimal("3.00")), ("X", Decimal("3.00"))]
    found = rows(cur, "SELECT s.quantity, t.symbol, t.total FROM stocks s, TABLE(sale_sum(s.symbol, s.quantity, "
                      "s.price)) t ORDER BY 1, 3")
    assert found == [(50, "CSCO", Decimal("2550.00")), (50, "CSCO", Decimal("2550.00")),
                     (60, "PSUN", Decimal("720.00")), (60, "PSUN", Decimal("720.00"))]
    assert dict(rows(cur, "DESCRIBE FUNCTION sale_sum(VARCHAR, NUMBER, NUMBER)"))["returns"] == \
        "TABLE (SYMBOL VARCHAR(16777216), TOTAL NUMBER(10,2))"
    with pytest.raises(snowreg.ProgrammingError, match="must be a class with a process method"):
        cur.execute(py("not_a_class", "i INT", "TABLE (a INT)", "def h(i):\n    return i"))
    cur.execute(py("wide", "i INT", "TABLE (a INT)", "class W:\n    def process(self, i):\n        yield (i, i)",
                   handler="W"))
    with pytest.raises(snowreg.ProgrammingError) as info:
        cur.execute("SELECT * FROM TABLE(wide(1))")
    assert info.value.errno == 100357 and "must be a tuple of 1 values" in info.value.msg
