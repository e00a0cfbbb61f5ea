"""Snowflake → DuckDB translation: one before/after line per rewrite, then behaviour on DuckDB itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from snowreg.catalog import sandbox
from snowreg.catalog.names import snowflake
from snowreg.engine.sql import json_order, numbers, variant, variant_values
from snowreg.engine.sql.translate import TableRef, translate
from snowreg.engine.sql.translation import qualified
from snowreg.errors import NotSupportedError, ProgrammingError

# ---------------------------------------------------------------------------------------------
# One line per rewrite: Snowflake text → DuckDB text
# ---------------------------------------------------------------------------------------------

VK = '"snowreg_fn"."main".snowreg_vkey'
VO = '"snowreg_fn"."main".snowreg_vorder'


def _path(path: str) -> str:
    """`"V" -> '<path>'` as translated: snowreg_dpath keeps the document's DOUBLEs DOUBLEs."""
    return f'CAST("snowreg_fn"."main".snowreg_dpath("V", \'{path}\') AS JSON)'


A = _path("$.a")
QUOTED_KEY = _path('$."Quoted Key"')
REWRITES = [
    # identifiers: unquoted → upper case, everything quoted; Snowflake's names for select items
    ("SELECT a AS x FROM t", 'SELECT "A" AS "X" FROM "T"'),
    ('SELECT "a" FROM t', 'SELECT "a\x1f1" AS "a\x1f1" FROM "T"'),  # physical names: catalog/names.py
    ("SELECT 1", 'SELECT 1 AS "1"'),
    ("SELECT * FROM VALUES (1, 2)", 'SELECT * FROM (VALUES (1, 2)) AS "VALUES"("COLUMN1", "COLUMN2")'),
    ("SELECT CURRENT_DATABASE()", 'SELECT GETVARIABLE(\'snowreg_database\') AS "CURRENT_DATABASE()"'),
    ("SELECT a  +\n 1 FROM t", 'SELECT "A" + 1 AS "A + 1" FROM "T"'),
    ("SELECT *, FROM t", 'SELECT * FROM "T"'),
    # paths (keys keep their case)
    ("SELECT v:a.b AS x FROM t", f'SELECT {_path("$.a.b")} AS "X" FROM "T"'),
    ("SELECT v:a:b AS x FROM t", f'SELECT {_path("$.a.b")} AS "X" FROM "T"'),
    ("SELECT v['a']['b'] AS x FROM t", f'SELECT {_path("$.a.b")} AS "X" FROM "T"'),
    ("SELECT v:arr[0] AS x FROM t", f'SELECT {_path("$.arr[0]")} AS "X" FROM "T"'),
    ('SELECT v:"Quoted Key" AS x FROM t', f'SELECT {QUOTED_KEY} AS "X" FROM "T"'),
    ("SELECT GET_PATH(v, 'a.b') AS x FROM t", f'SELECT {_path("$.a.b")} AS "X" FROM "T"'),
    ("SELECT v[i] AS x FROM t", 'SELECT CAST("snowreg_fn"."main".snowreg_get("V", "I") AS JSON) AS "X" FROM "T"'),
    # casts
    ("SELECT v:a::VARCHAR AS x FROM t",
     'SELECT "snowreg_fn"."main".snowreg_dpath_text("V", \'$.a\') AS "X" FROM "T"'),
    ("SELECT CAST(v:a AS STRING) AS x FROM t",
     'SELECT "snowreg_fn"."main".snowreg_dpath_text("V", \'$.a\') AS "X" FROM "T"'),
    ("SELECT TO_VARCHAR(v:a) AS x FROM t",
     'SELECT "snowreg_fn"."main".snowreg_dpath_text("V", \'$.a\') AS "X" FROM "T"'),
    ("SELECT v::TEXT AS x FROM t", 'SELECT "snowreg_fn"."main".snowreg_varchar("V") AS "X" FROM "T"'),
    ("SELECT v:a::INT AS x FROM t", f'SELECT CAST({A} AS DECIMAL(38, 0)) AS "X" FROM "T"'),
    ("SELECT x::VARIANT AS y FROM t", 'SELECT CAST("snowreg_fn"."main".snowreg_variant("X") AS JSON) AS "Y" FROM "T"'),
    ("SELECT TO_VARIANT(x) AS y FROM t", 'SELECT CAST("snowreg_fn"."main".snowreg_variant("X") AS JSON) AS "Y" FROM "T"'),
    # constructors and aggregates
    ("SELECT PARSE_JSON(s) AS x FROM t",
     'SELECT CAST("snowreg_fn"."main".snowreg_json_sorted_of(CAST("snowreg_fn"."main".snowreg_parse_json("S", TRUE, '
     'FALSE) AS JSON)) AS JSON) AS "X" FROM "T"'),
    ("SELECT OBJECT_CONSTRUCT('a', 1, 'c', NULL) AS o",
     "SELECT CAST(CONCAT('{', CONCAT_WS(',', CONCAT(TO_JSON('a'), ':', TO_JSON(1))), '}') AS JSON) AS \"O\""),
    ("SELECT OBJECT_CONSTRUCT_KEEP_NULL('a', x) AS o FROM t", 'SELECT JSON_OBJECT(\'a\', "X") AS "O" FROM "T"'),
    ("SELECT ARRAY_CONSTRUCT(1, 'x') AS a",
     "SELECT CAST(CONCAT('[', CONCAT_WS(',', CAST(TO_JSON(1) AS TEXT), CAST(TO_JSON('x') AS TEXT)), ']') AS JSON) AS \"A\""),
    ("SELECT ARRAY_AGG(x) AS a FROM t",
     'SELECT COALESCE("snowreg_fn"."main".snowreg_agg_array(ARRAY_AGG("X") FILTER(WHERE "X" IS NOT NULL)), '
     'CAST(\'[]\' AS JSON)) AS "A" FROM "T"'),
    ("SELECT OBJECT_AGG(k, x) AS o FROM t",
     'SELECT "snowreg_fn"."main".snowreg_object_agg(LIST(TO_JSON(CAST("K" AS TEXT)) || \':\' || '
     'CAST("snowreg_fn"."main".snowreg_variant("X") AS JSON)), FALSE) AS "O" FROM "T"'),
    ("SELECT ARRAY_SIZE(v) AS n FROM t", 'SELECT "snowreg_fn"."main".snowreg_array_size("V") AS "N" FROM "T"'),
    # comparisons, arithmetic, MIN/MAX on VARIANT
    ("SELECT 1 AS o FROM t WHERE v:a > 5", f'SELECT 1 AS "O" FROM "T" WHERE TRY_CAST({A} AS DOUBLE) > 5'),
    ("SELECT 1 AS o FROM t WHERE v:s = 'x'", 'SELECT 1 AS "O" FROM "T" WHERE ("V" ->> \'$.s\') = \'x\''),
    ("SELECT v:a + 1 AS y FROM t", f'SELECT CAST({A} AS DOUBLE) + 1 AS "Y" FROM "T"'),
    ("SELECT MAX(v:a) AS m FROM t", f'SELECT ARG_MAX({A}, {VK}({A})) AS "M" FROM "T"'),
    # ORDER BY on VARIANT: a path alias sorts by the VARIANT key; a column of unknown type is guarded
    # (the statement's own SELECT sorts its rows outside itself, so the key reads the path's value by name)
    ("SELECT v:a AS acc FROM t ORDER BY acc DESC",
     f'SELECT * FROM (SELECT {A} AS "ACC" FROM "T") AS "snowreg_sorted" ORDER BY {VO}("ACC") DESC NULLS FIRST'),
    ("SELECT id, v:a AS acc FROM t ORDER BY 2, id LIMIT 3",
     f'SELECT * FROM (SELECT "ID" AS "ID", {A} AS "ACC" FROM "T") AS "snowreg_sorted" '
     f'ORDER BY {VO}("ACC"), {VK}_any("ID"), "ID" LIMIT 3'),
    ("SELECT v:a AS acc FROM t ORDER BY v:a",  # not by an item's name: the path is the key
     f'SELECT {A} AS "ACC" FROM "T" ORDER BY {VO}({A})'),
    ("SELECT * FROM (SELECT v:a AS acc FROM t ORDER BY acc)",  # not the statement's own SELECT
     f'SELECT * FROM (SELECT {A} AS "ACC" FROM "T" ORDER BY {VO}({A}))'),
    ("SELECT x FROM t ORDER BY x", f'SELECT "X" AS "X" FROM "T" ORDER BY {VK}_any("X"), "X"'),
    # INFORMATION_SCHEMA → the catalog's table macros
    ("SELECT * FROM db.INFORMATION_SCHEMA.MODEL_VERSIONS",
     'SELECT * FROM SNOWREG_MODEL_VERSIONS(\'DB\') AS "MODEL_VERSIONS"'),
    ("SELECT * FROM INFORMATION_SCHEMA.MODEL_VERSIONS mv",
     'SELECT * FROM SNOWREG_MODEL_VERSIONS(CURRENT_DATABASE()) AS "MV"'),
    ("SELECT * FROM TABLE(db.INFORMATION_SCHEMA.TAG_REFERENCES('m', 'model'))",
     'SELECT * FROM SNOWREG_TAG_REFERENCES(\'DB\', \'m\', \'model\') AS "TAG_REFERENCES"'),
    # data-building helpers and DDL
    ("SELECT SEQ4() AS i FROM TABLE(GENERATOR(ROWCOUNT => 3))", 'SELECT "range" % 4294967296 AS "I" FROM RANGE(3)'),
    ("SELECT IFF(a > 1, 'x', 'y') AS r FROM t", 'SELECT CASE WHEN "A" > 1 THEN \'x\' ELSE \'y\' END AS "R" FROM "T"'),
    ("CREATE TABLE t (a NUMBER, c VARIANT, d TIMESTAMP_NTZ, e INT, f REAL)",
     'CREATE TABLE "T" ("A" DECIMAL(38, 0), "C" JSON, "D" TIMESTAMP, "E" DECIMAL(38, 0), "F" DOUBLE)'),
    ("CREATE TRANSIENT TABLE t (a INT COMMENT 'c') CLUSTER BY (a) COMMENT = 'x'",
     'CREATE TABLE "T" ("A" DECIMAL(38, 0)); COMMENT ON TABLE "T" IS \'x\'; COMMENT ON COLUMN "T"."A" IS \'c\''),
]


# An object name the statement leaves unqualified gets the marks of the session's current database and
# schema, which the engine replaces before DuckDB runs it (translation.qualified); the lines above show
# the names without them.
MARKS = '"\x1edatabase"."\x1eschema".'


@pytest.mark.parametrize(("snowflake", "duck"), REWRITES, ids=[r[0] for r in REWRITES])
def test_rewrite(snowflake: str, duck: str) -> None:
    assert translate(snowflake).sql.replace(MARKS, "") == duck


@pytest.mark.parametrize(("snowflake", "duck"), [
    ("SELECT * FROM t", 'SELECT * FROM "DB"."S"."T"'),
    ("SELECT * FROM s2.t", 'SELECT * FROM "DB"."S2"."T"'),
    ("SELECT * FROM d.s2.t", 'SELECT * FROM "D"."S2"."T"'),
    ("WITH t AS (SELECT 1 AS a) SELECT * FROM t", 'WITH "T" AS (SELECT 1 AS "A") SELECT * FROM "T"'),
    ("SELECT 1 FROM (WITH t AS (SELECT 1 AS a) SELECT * FROM t), t",
     'SELECT 1 AS "1" FROM (WITH "T" AS (SELECT 1 AS "A") SELECT * FROM "T"), "DB"."S"."T"'),
    ("SELECT '\x1edatabase', '\"\x1edatabase\"' AS q", 'SELECT \'\x1edatabase\' AS "\' DATABASE\'", \'"DB"\' AS "Q"'),
])
def test_unqualified_names_are_written_qualified(snowflake: str, duck: str) -> None:
    assert qualified(translate(snowflake), "DB", "S").sql == duck


def test_model_call_names_the_column_like_snowflake() -> None:
    sql = translate("SELECT __snowreg_call_0(a, b):output_feature_0 FROM t", ("m!predict",)).sql.replace(MARKS, "")
    assert sql.endswith('AS "M!PREDICT(A, B):OUTPUT_FEATURE_0" FROM "T"')


def test_translate_is_cached_and_bounded() -> None:
    assert translate("SELECT 42") is translate("SELECT 42")
    assert translate.cache_info().maxsize == 1024


# ---------------------------------------------------------------------------------------------
# Statement kind and table references
# ---------------------------------------------------------------------------------------------

KINDS = [
    ("SELECT * FROM db.s.t", "select", True, (TableRef("DB", "S", "T"),)),
    ("WITH c AS (SELECT 1 AS x) SELECT * FROM c, \"q\"", "select", True, (TableRef(None, None, "q"),)),
    ("INSERT INTO t SELECT * FROM s", "insert", False, (TableRef(None, None, "S"), TableRef(None, None, "T", True))),
    ("UPDATE t SET a = 1", "update", False, (TableRef(None, None, "T", True),)),
    ("DELETE FROM t WHERE a = 1", "delete", False, (TableRef(None, None, "T", True),)),
    ("CREATE OR REPLACE TEMPORARY TABLE t AS SELECT 1 AS a", "create_table", False,
     (TableRef(None, None, "T", True),)),
    ("CREATE VIEW v AS SELECT * FROM t", "create_view", False,
     (TableRef(None, None, "T"), TableRef(None, None, "V", True, "view"))),
    ("DROP TABLE IF EXISTS t", "drop", False, (TableRef(None, None, "T", True),)),
    ("CREATE SCHEMA db.s", "ddl", False, (TableRef("DB", "S", "", True, "schema"),)),
    ("SELECT * FROM d.INFORMATION_SCHEMA.MODEL_VERSIONS", "select", True,
     (TableRef("D", "INFORMATION_SCHEMA", "MODEL_VERSIONS"),)),
]


@pytest.mark.parametrize(("sql", "kind", "rows", "tables"), KINDS, ids=[k[0] for k in KINDS])
def test_kind_and_tables(sql: str, kind: str, rows: bool, tables: tuple[TableRef, ...]) -> None:
    t = translate(sql)
    assert (t.kind, t.returns_rows, t.tables) == (kind, rows, tables)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


def test_syntax_error_has_snowflake_shape() -> None:
    with pytest.raises(ProgrammingError) as e:
        translate("SELECT * FROM t JOIN ON x")
    assert (e.value.errno, e.value.line, e.value.column) == (1003, 1, 21)
    assert "syntax error line 1 at position 21 unexpected 'ON'." in str(e.value)


NOT_SUPPORTED = [
    "SELECT OBJECT_CONSTRUCT(*) FROM t, u", "SELECT ARRAY_SUM(v) FROM t", "SELECT v::OBJECT(a INT) FROM t",
    "SELECT * FROM t AT(OFFSET => -60)", "INSERT ALL INTO t VALUES (DEFAULT) SELECT 1",
    "SELECT * FROM db.INFORMATION_SCHEMA.PIPES", "CREATE TABLE g (x GEOGRAPHY)", "SHOW TABLES",
    "SELECT * FROM TABLE(FLATTEN(input => v, mode => 'neither'))", "SELECT TO_VARCHAR(1.5, '9d999EE')",
    "SELECT 1; SELECT 2",
]


@pytest.mark.parametrize("sql", NOT_SUPPORTED)
def test_not_supported_is_loud(sql: str) -> None:
    with pytest.raises(NotSupportedError, match="is not supported by snowreg"):
        translate(sql)


# ---------------------------------------------------------------------------------------------
# Behaviour on DuckDB
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect()
    variant.install(c)
    variant.install(c)  # idempotent
    numbers.install(c)
    sandbox.PYTHON_FUNCTIONS[json_order.NAME](c)  # as Store.functions_for creates it for PARSE_JSON
    yield c
    c.close()


def run(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    rel = con.sql(qualified(translate(sql), "memory", "main").sql)
    return ([snowflake(c) for c in rel.columns], rel.fetchall()) if rel is not None else ([], [])


def column(con: duckdb.DuckDBPyConnection, sql: str) -> list[Any]:
    return [r[0] for r in run(con, sql)[1]]


def test_guide_query_orders_accuracy_numerically(con: duckdb.DuckDBPyConnection) -> None:
    cols = ("CATALOG_NAME, SCHEMA_NAME, MODEL_NAME, MODEL_VERSION_NAME, COMMENT, OWNER, FUNCTIONS, "
            "CREATED_ON, LAST_ALTERED_ON")
    con.execute("CREATE TABLE mv AS SELECT 'MY_DATABASE' AS DATABASE_NAME, * FROM (VALUES "
                "('V1', '{\"metric\": {\"accuracy\": 0.85}}'), ('V2', '{\"metric\": {\"accuracy\": 10}}'), "
                "('V3', '{\"metric\": {\"accuracy\": 2.5}}'), ('V4', '{}'), ('V5', '{\"metric\": {\"accuracy\": 9}}'), "
                "('V6', '{\"metric\": {\"accuracy\": 1}}'), ('V7', '{\"metric\": {\"accuracy\": 0.9}}')) "
                "v(MODEL_VERSION_NAME, METADATA_TEXT), LATERAL (SELECT 'MY_DATABASE' AS CATALOG_NAME, "
                "'PUBLIC' AS SCHEMA_NAME, 'M' AS MODEL_NAME, NULL AS COMMENT, 'R' AS OWNER, '[]' AS FUNCTIONS, "
                "now() AS CREATED_ON, now() AS LAST_ALTERED_ON, METADATA_TEXT::JSON AS METADATA)")
    con.execute("CREATE MACRO snowreg_model_versions(db) AS TABLE SELECT * FROM mv WHERE DATABASE_NAME = db")
    sql = ("SELECT catalog_name, schema_name, model_name, model_version_name, metadata:metric:accuracy AS accuracy, "
           "comment, owner, functions, created_on, last_altered_on FROM my_database.INFORMATION_SCHEMA.MODEL_VERSIONS "
           "ORDER BY accuracy DESC;")
    names, rows = run(con, sql)
    assert names == [*cols.split(", ")[:4], "ACCURACY", *cols.split(", ")[4:]]
    assert [r[4] for r in rows] == [None, "10", "9", "2.5", "1", "0.9", "0.85"]  # NULL first in DESC


@pytest.mark.parametrize(("order", "expected"), [
    ("ASC", ["0.85", "0.9", "1", "2.5", "9", "10", '"a"', "null", None]),
    ("DESC", [None, "null", '"a"', "10", "9", "2.5", "1", "0.9", "0.85"]),
    ("ASC NULLS FIRST", [None, "0.85", "0.9", "1", "2.5", "9", "10", '"a"', "null"]),
    ("DESC NULLS LAST", ["null", '"a"', "10", "9", "2.5", "1", "0.9", "0.85", None]),
])
def test_variant_order(con: duckdb.DuckDBPyConnection, order: str, expected: list[str | None]) -> None:
    run(con, "CREATE TABLE t (v VARIANT)")
    for text in ("10", "9", "2.5", "1", "0.9", "0.85", '"a"', "null"):
        run(con, f"INSERT INTO t SELECT PARSE_JSON('{{\"k\": {text}}}')")
    run(con, "INSERT INTO t SELECT PARSE_JSON('{}')")
    assert column(con, f"SELECT v:k AS k FROM t ORDER BY k {order}") == expected
    assert column(con, f"SELECT k FROM (SELECT v:k AS k FROM t) ORDER BY k {order}") == expected


# Every kind of VARIANT value in the order ORDER BY gives them: numbers by value (integers and
# decimals interleave), strings by their unquoted bytes ("10" before "9"), booleans, arrays, objects
# by their text, JSON null; SQL NULL last (ASC's default). Quoted, "a!" would sort before "a".
_MIXED = ["-3", "0.5", "1", "2.5", "9", "10", "18446744073709551615", '" "', '"10"', '"9"', '"a"', '"a!"',
          "false", "true", "[1,2]", "[10]", '{"a":1}', "{}", "null"]


@pytest.mark.parametrize("order", ["ASC", "DESC NULLS LAST"])
def test_variant_order_of_every_kind_of_value(con: duckdb.DuckDBPyConnection, order: str) -> None:
    run(con, "CREATE TABLE t (v VARIANT)")
    for text in reversed(_MIXED):
        run(con, f"INSERT INTO t SELECT PARSE_JSON('{{\"k\": {text}}}')")
    run(con, "INSERT INTO t SELECT PARSE_JSON('{}')")
    expected = [*(_MIXED if order == "ASC" else _MIXED[::-1]), None]
    path = [None if k is None else json.dumps(json.loads(k), separators=(",", ":")) for k in expected]
    assert column(con, f"SELECT v:k AS k FROM t ORDER BY k {order}") == path  # a path: snowreg_vorder
    assert column(con, f"SELECT k FROM (SELECT v:k AS k FROM t) ORDER BY k {order}") == path  # a column: _any


def test_result_column_names(con: duckdb.DuckDBPyConnection) -> None:
    run(con, 'CREATE TABLE t (a INT, "b" INT)')
    assert run(con, "SELECT 1 AS a, 1 AS \"q\", 1, CURRENT_DATABASE(), a, \"b\" FROM t")[0] == [
        "A", "q", "1", "CURRENT_DATABASE()", "A", "b"]
    assert run(con, "SELECT * FROM t")[0] == ["A", "b"]


def test_variant_values(con: duckdb.DuckDBPyConnection) -> None:
    run(con, "CREATE TABLE t (v VARIANT)")
    run(con, """INSERT INTO t SELECT PARSE_JSON('{"a": {"b": 2.5}, "s": "banana", "arr": [1, {"x": 3}],
                "Q K": 7, "n": null}')""")
    _, rows = run(con, """SELECT v:a.b, v:a:b, v['a']['b'], v:arr[1].x, v:"Q K", GET_PATH(v, 'a.b'),
        v:s, v:s::VARCHAR, v:s::STRING, TO_VARCHAR(v:s), v:a.b::FLOAT, v:a.b::NUMBER, v:a.b::NUMBER(10, 1),
        v:a.b::INT, v:missing, v:n, v:n::VARCHAR, v:A FROM t""")
    assert rows == [("2.5", "2.5", "2.5", "3", "7", "2.5", '"banana"', "banana", "banana", "banana", 2.5,
                     Decimal("3"), Decimal("2.5"), Decimal("3"), None, "null", None, None)]
    assert column(con, "SELECT COUNT(*) FROM t WHERE v:a.b > 2 AND v:a.b < 2.6 AND v:s = 'banana'") == [1]


def test_constructors(con: duckdb.DuckDBPyConnection) -> None:
    _, rows = run(con, """SELECT OBJECT_CONSTRUCT('a', 1, 'b', NULL, 'c', PARSE_JSON('null'), 'd', 'x'),
        OBJECT_CONSTRUCT_KEEP_NULL('a', 1, 'b', NULL), ARRAY_CONSTRUCT(1, 'x', PARSE_JSON('null')), TO_VARIANT(5),
        'a'::VARIANT, OBJECT_CONSTRUCT(), ARRAY_SIZE(ARRAY_CONSTRUCT(1, 2)), SPLIT('a,b', ',')""")
    assert rows == [('{"a":1,"c":null,"d":"x"}', '{"a":1,"b":null}', '[1,"x",null]', "5", '"a"', "{}", 2,
                     '["a","b"]')]


def test_flatten(con: duckdb.DuckDBPyConnection) -> None:
    run(con, "CREATE TABLE t (id INT, v VARIANT)")
    run(con, """INSERT INTO t SELECT 1, PARSE_JSON('{"arr": [10, 20], "o": {"k": "v"}}')""")
    assert run(con, "SELECT f.index, f.value, f.path FROM t, LATERAL FLATTEN(input => t.v:arr) f")[1] == [
        (0, "10", "[0]"), (1, "20", "[1]")]
    assert run(con, "SELECT key, value FROM t, LATERAL FLATTEN(input => v, path => 'o')")[1] == [("k", '"v"')]
    assert column(con, "SELECT value FROM TABLE(FLATTEN(input => PARSE_JSON('[1, 2, 3]')))") == ["1", "2", "3"]
    assert column(con, "SELECT COUNT(*) FROM t, LATERAL FLATTEN(input => v:none, outer => TRUE) f") == [1]


def test_scripts_that_build_data_run(con: duckdb.DuckDBPyConnection) -> None:
    # (TEMPORARY, which the engine makes an ordinary table of the schema, is left out: DuckDB's own temporary
    # tables cannot be qualified)
    run(con, """CREATE OR REPLACE TABLE d AS SELECT SEQ4() AS id, UNIFORM(1, 10, RANDOM()) AS u,
                NORMAL(0, 1, RANDOM()) AS z, IFF(SEQ4() % 2 = 0, 'even', 'odd') AS kind
                FROM TABLE(GENERATOR(ROWCOUNT => 100))""")
    assert column(con, "SELECT COUNT(*) FROM d WHERE u BETWEEN 1 AND 10") == [100]
    run(con, "CREATE TABLE t (id NUMBER, name VARCHAR, v VARIANT, ts TIMESTAMP_NTZ)")
    run(con, "INSERT INTO t (id, name) VALUES (1, 'a'), (2, NULL)")
    run(con, "INSERT INTO t SELECT id + 10, kind, OBJECT_CONSTRUCT('u', u), CURRENT_TIMESTAMP FROM d WHERE id < 3")
    run(con, "UPDATE t SET name = NVL(name, 'none') WHERE id = 2")
    run(con, "DELETE FROM t WHERE id = 1")
    assert run(con, """SELECT id, name, ZEROIFNULL(v:u::INT) > 0, DIV0(id, 0), TRY_TO_NUMBER('x'), TO_NUMBER('2.5'),
        TO_VARCHAR(id), DATEADD(day, 1, '2024-01-01'::DATE)::DATE FROM t ORDER BY id""")[1][0] == (
        2, "none", False, 0, None, 3, "2", __import__("datetime").date(2024, 1, 2))
    assert column(con, "SELECT id FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY name ORDER BY id DESC) = 1 "
                       "ORDER BY id") == [2, 11, 12]
    _, rows = run(con, """SELECT LISTAGG(name, ',') WITHIN GROUP (ORDER BY name), ARRAY_AGG(id) WITHIN GROUP
        (ORDER BY id), OBJECT_AGG(id::VARCHAR, v:u), ARRAY_AGG(id) FILTER (WHERE id > 100) FROM t WHERE id >= 10""")
    assert rows[0][:2] == ("even,even,odd", "[10,11,12]") and rows[0][3] == "[]"
    assert run(con, "SELECT *, FROM t WHERE id = 2")[0] == ["ID", "NAME", "V", "TS"]


def test_macros_resolve_after_use_of_another_database(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("ATTACH ':memory:' AS other")
    con.execute("USE other")
    assert column(con, "SELECT v FROM (SELECT PARSE_JSON('2') AS v UNION ALL SELECT PARSE_JSON('10')) ORDER BY 1") \
        == ["2", "10"]


# ---------------------------------------------------------------------------------------------
# Values as the Snowflake connector returns them
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "duck_type", "expected"), [
    ('{"a":1,"b":[1,2]}', "JSON", '{\n  "a": 1,\n  "b": [\n    1,\n    2\n  ]\n}'),
    ("42", "JSON", "42"),
    ('"banana"', "JSON", '"banana"'),
    ("[]", "JSON", "[]"),
    ("null", "JSON", "null"),
    (None, "JSON", None),
    ("12345678901234567890123", "JSON", "12345678901234567890123"),
    (Decimal("7"), "DECIMAL(38,0)", 7),
    (Decimal("7.50"), "DECIMAL(10,2)", Decimal("7.50")),
])
def test_to_snowflake_value(value: Any, duck_type: str, expected: Any) -> None:
    assert variant_values.to_snowflake_value(value, duck_type) == expected


def test_doubles_as_exponent_and_columns() -> None:
    out = variant_values.to_snowflake_value('{"output_feature_0":66.47030303030303}', duckdb.sqltypes.DuckDBPyType('JSON'),
                                     doubles_as_exponent=True)
    assert out == '{\n  "output_feature_0": 6.647030303030303e+01\n}'
    assert variant_values.to_snowflake_column(["1", None, '"x"'], "JSON") == ["1", None, '"x"']
