"""No error speaks DuckDB: a corpus of malformed and unusual statements (made from templates over column
types, functions and clauses) runs against one registry; every failure must be one of snowreg's
Snowflake-format errors, with an error number and none of the storage's vocabulary, and leave the
registry as it was (conformance/DECISIONS.md O53-O60)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

import snowreg

# Words only the storage uses: an error holding one shows the user DuckDB instead of Snowflake.
VOCABULARY = ("Binder Error", "Catalog Error", "Parser Error", "Conversion Error", "Not implemented Error",
              "Invalid Input Error", "INTERNAL Error", "duckdb", "DuckDB", "HUGEINT", "DOUBLE[]", "STRUCT(",
              "main.", "memory.", "Candidate bindings", "LINE 1:", "INTEGER_LITERAL", "STRING_LITERAL",
              "snowreg_", "SNOWREG_", "an explicit cast is required", "Did you mean", "!", "DECIMAL", "decimal",
              "Could not", "Failed to cast value", "specifier", "candidate", "Translating this to", "BIGINT",
              "TIMESTAMP WITH TIME ZONE", "typeof", "Referenced column", "INT64", "INT32", "VARCHAR[]",
              "Unimplemented", "strftime", "strptime", "list_", "json_", "STRFTIME", "FROM_BASE64", "UNHEX",
              "REGEXP_FULL_MATCH", "UNNEST", "Values were not provided", "Subquery returns", "at least one window",
              "cannot contain", "cannot be negative", "term out of range", "hex digit", "source column",
              "Window functions are not supported here", "for ntile", "are not allowed in", "duplicate alias",
              "Frame starting", "UBIGINT", "is not an table", "base table", "QUANTILE", "PERCENTILEs",
              "Collation with name", "128-bit", "Python integer", "Expected ARRAY", "Expected OBJECT", "KeyError", "rowid", "list_",
              "struct_", "MAP(", "JSON[]", "Can only", "Existing object", "trying to replace",
              "GROUPING child", "sample_size", "USMALLINT", "UINTEGER", "Invalid Input", "Binder", "macro", "Macro")

COLUMNS = {"i": "INT", "n": "NUMBER(10,2)", "f": "FLOAT", "s": "VARCHAR", "b": "BOOLEAN", "d": "DATE",
           "ts": "TIMESTAMP_NTZ", "v": "VARIANT", "a": "ARRAY", "o": "OBJECT"}
ROW = ("1, 2.50, 1.5, 'x', TRUE, '2024-01-02'::DATE, '2024-01-02 03:04:05'::TIMESTAMP_NTZ, "
       "PARSE_JSON('{\"k\": [1, 2], \"n\": 3}'), ARRAY_CONSTRUCT(1, 2), OBJECT_CONSTRUCT('k', 1)")

FUNCTIONS = ("ABS", "UPPER", "LENGTH", "ROUND", "FLOOR", "SQRT", "TO_DATE", "TO_NUMBER", "TO_BOOLEAN",
             "TO_TIMESTAMP", "YEAR", "MONTHNAME", "PARSE_JSON", "ARRAY_SIZE", "TRIM", "REVERSE", "HASH",
             "TO_VARIANT", "TO_ARRAY", "BASE64_ENCODE", "SIGN", "LN", "DAYOFWEEK", "LAST_DAY", "OBJECT_KEYS",
             "TO_TIME", "HEX_DECODE_STRING", "BASE64_DECODE_STRING", "TRY_TO_NUMBER", "INITCAP")
TYPES = ("INT", "NUMBER(5,2)", "FLOAT", "VARCHAR(3)", "BOOLEAN", "DATE", "TIME", "TIMESTAMP_NTZ",
         "TIMESTAMP_TZ", "VARIANT", "ARRAY", "OBJECT", "BINARY")


def _corpus() -> list[str]:
    out: list[str] = []
    out += [f"SELECT {fn}({c}) FROM t" for fn, c in itertools.product(FUNCTIONS, COLUMNS)]
    out += [f"SELECT {c}::{ty} FROM t" for c, ty in itertools.product(COLUMNS, TYPES)]
    out += [f"SELECT {x} {op} {y} FROM t" for (x, y), op in
            itertools.product(itertools.combinations(COLUMNS, 2), ("<", "+"))]
    out += [sql.format(c=c) for c in COLUMNS for sql in (
        "SELECT {c} FROM t WHERE {c}", "SELECT SUM({c}), AVG({c}) FROM t", "SELECT {c}, COUNT(*) FROM t GROUP BY 1 "
        "HAVING MAX({c}) > 0", "SELECT {c} FROM t ORDER BY {c} LIMIT {c}", "SELECT {c} FROM t QUALIFY {c}",
        "SELECT LISTAGG({c}, ',') FROM t", "SELECT ARRAY_AGG({c}) WITHIN GROUP (ORDER BY {c}) FROM t",
        "SELECT {c} FROM t UNION SELECT 'x'", "SELECT {c} FROM t WHERE {c} IN (1, 'x')",
        "SELECT {c} FROM t WHERE {c} LIKE 1", "UPDATE t SET {c} = 'x' WHERE FALSE", "INSERT INTO t ({c}) VALUES ('x')")]
    out += [f"SELECT v:{k}::{ty} FROM t" for k, ty in itertools.product(("k", "n", "zz", "k[0]"),
                                                                    ("INT", "DATE", "BOOLEAN", "FLOAT"))]
    for part in ("fortnight", "'nope'", "epoch_nope"):
        out += [f"SELECT DATE_PART({part}, ts) FROM t", f"SELECT DATEADD({part}, 1, d) FROM t",
                f"SELECT DATEDIFF({part}, d, ts) FROM t", f"SELECT DATE_TRUNC({part}, ts) FROM t",
                f"SELECT EXTRACT({part.strip(chr(39))} FROM d) FROM t", f"SELECT LAST_DAY(d, {part}) FROM t"]
    out += [
        "SELECT SUM(i) FROM t WHERE SUM(i) > 1", "SELECT i FROM t WHERE COUNT(*) > 0",
        "SELECT SUM(SUM(i)) FROM t", "SELECT MAX(COUNT(*)) FROM t GROUP BY i",
        "SELECT SUM(i) FROM t GROUP BY SUM(i)", "SELECT COUNT(*) FROM t GROUP BY ROW_NUMBER() OVER (ORDER BY i)",
        "SELECT i FROM t WHERE ROW_NUMBER() OVER (ORDER BY i) = 1", "SELECT SUM(ROW_NUMBER() OVER (ORDER BY i)) FROM t",
        "SELECT i, s FROM t GROUP BY i", "SELECT i, COUNT(*) FROM t", "SELECT i FROM t GROUP BY s ORDER BY n",
        "SELECT i FROM t ORDER BY 5", "SELECT i FROM t ORDER BY 0", "SELECT i, s FROM t GROUP BY 3",
        "SELECT i FROM t LIMIT -1", "SELECT i FROM t LIMIT 1 OFFSET -1", "SELECT i FROM t LIMIT 'x'",
        "SELECT i FROM t JOIN t t2 ON SUM(t.i) = t2.i", "SELECT i FROM t HAVING s = 'x'",
        "SELECT i FROM t QUALIFY i > 0", "SELECT * FROM t, t", "SELECT i FROM t UNION SELECT i, s FROM t",
        "SELECT CONVERT_TIMEZONE('Nowhere/Zone', ts) FROM t",
        "SELECT CONVERT_TIMEZONE('UTC', 'Nowhere/Zone', ts) FROM t",
        "ALTER SESSION SET TIMEZONE = 'Nowhere/Zone'", "ALTER SESSION SET WEEK_START = 9",
        "SELECT TO_DATE('2024-13-45')", "SELECT TO_TIMESTAMP('yesterday-ish')", "SELECT TO_NUMBER('1e')",
        "SELECT TO_DATE(s, 'YYYY-MM-DD') FROM t", "SELECT TO_CHAR(d, 'QQQ') FROM t",
        "SELECT 1/0", "SELECT i % 0 FROM t", "SELECT 10::NUMBER(2,0) * 10", "SELECT 99999999999999999999999999999999999999 * 10",
        "SELECT PARSE_JSON('{')", "SELECT PARSE_JSON('[1,')", "SELECT CHECK_JSON(1)",
        "SELECT GET(v, 1, 2) FROM t", "SELECT FLATTEN(v) FROM t", "SELECT * FROM TABLE(FLATTEN(input => i)) f, t",
        "SELECT a[1.5] FROM t", "SELECT o:k:z::INT FROM t", "SELECT ARRAY_SLICE(a, 'x', 1) FROM t",
        "SELECT REGEXP_SUBSTR(s, '(') FROM t", "SELECT SPLIT_PART(s, ',', 'x') FROM t", "SELECT REPEAT(s, -1) FROM t",
        "SELECT LPAD(s, 'x') FROM t", "SELECT SUBSTR(s) FROM t", "SELECT SUBSTR(s, 1, 2, 3) FROM t",
        "SELECT nosuchfn(i) FROM t", "SELECT nosuchcol FROM t", "SELECT t2.i FROM t", "SELECT * FROM nosuch",
        "SELECT * FROM nosuchdb.public.t", "SELECT * FROM d.nosuchschema.t", "SELECT i FROM t t1, t t2",
        "SELECT IFF(i, 1, 2) FROM t", "SELECT CASE WHEN s THEN 1 END FROM t", "SELECT i FROM t WHERE s",
        "SELECT i FROM t WHERE i", "SELECT NOT s FROM t", "SELECT i AND b FROM t", "SELECT DECODE(i) FROM t",
        "SELECT GREATEST(i, s, d) FROM t", "SELECT LEAST(d, ts, i) FROM t", "SELECT COALESCE(d, i) FROM t",
        "SELECT NVL(b, d) FROM t", "SELECT IFF(b, d, i) FROM t", "SELECT i IN (d, ts) FROM t",
        "SELECT d BETWEEN i AND 2 FROM t", "SELECT ARRAY_CONTAINS(i, a) FROM t", "SELECT OBJECT_CONSTRUCT(i, s) FROM t",
        "SELECT LISTAGG(d) WITHIN GROUP (ORDER BY nosuch) FROM t", "SELECT MEDIAN(s) FROM t", "SELECT AVG(d) FROM t",
        "SELECT SUM(s) FROM t", "SELECT SUM(b) FROM t", "SELECT SUM(v) FROM t", "SELECT MAX(a) FROM t",
        "SELECT ROW_NUMBER() FROM t", "SELECT RANK() OVER () FROM t", "SELECT LAG(i, -1) OVER (ORDER BY i) FROM t",
        "SELECT NTILE(0) OVER (ORDER BY i) FROM t", "SELECT SUM(i) OVER (ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t",
        "SELECT (SELECT i, s FROM t)", "SELECT (SELECT i FROM t UNION ALL SELECT i FROM t)",
        "SELECT i FROM t WHERE i IN (SELECT i, s FROM t)", "SELECT i FROM t WHERE EXISTS (SELECT nosuch)",
        "WITH c AS (SELECT 1 x) SELECT y FROM c", "WITH RECURSIVE r AS (SELECT 1 x UNION ALL SELECT x FROM r, r r2) SELECT * FROM r",
        "SELECT * FROM t PIVOT (SUM(i) FOR s IN ('x')) p JOIN nosuch", "SELECT * FROM t UNPIVOT (val FOR col IN (i, s))",
        "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY i PATTERN (a) DEFINE a AS i > 0)",
        "SELECT SEQ4() FROM TABLE(GENERATOR(ROWCOUNT => -1))", "SELECT * FROM TABLE(GENERATOR(ROWCOUNT => 'x'))",
        "SELECT UNIFORM(1, 10, 'x')", "SELECT RANDOM('x')", "SELECT ZEROIFNULL(s) FROM t",
        "SELECT TRY_CAST(i AS DATE) FROM t", "SELECT CAST(a AS INT) FROM t", "SELECT CAST(o AS DATE) FROM t",
        "SELECT TO_GEOGRAPHY('POINT(1 1)')", "SELECT ST_X(1)", "SELECT SYSTEM$NOSUCH()",
        "SELECT 'a' || ", "SELECT FROM", "SELEC 1", "SELECT 1 +", "SELECT (1", "SELECT [1, 2", "SELECT {'a': }",
        "SELECT $1 FROM t", "SELECT :x", "SELECT $nosuchvar", "SELECT IDENTIFIER('nosuch') FROM t",
        "INSERT INTO t (i) VALUES ('x')", "INSERT INTO t (d) VALUES ('not a date')", "INSERT INTO t (b) VALUES ('maybe')",
        "INSERT INTO t (i, s) VALUES (1)", "INSERT INTO t (nosuch) VALUES (1)", "INSERT INTO t (n) VALUES (123456789012)",
        "INSERT INTO t (i) SELECT s FROM t", "INSERT INTO t VALUES (1)", "INSERT INTO t (v) VALUES (PARSE_JSON('{'))",
        "UPDATE t SET i = 'x'", "UPDATE t SET d = 'never'", "UPDATE t SET nosuch = 1", "UPDATE t SET i = SUM(i)",
        "DELETE FROM t WHERE SUM(i) > 0", "DELETE FROM t WHERE s > 1", "DELETE FROM nosuch",
        "MERGE INTO t USING t s2 ON t.i = s2.i WHEN MATCHED THEN UPDATE SET i = 'x'",
        "CREATE TABLE t (i INT)", "CREATE TABLE bad (i NOSUCHTYPE)", "CREATE TABLE bad (i NUMBER(40, 2))",
        "CREATE TABLE bad (i INT, i INT)", "CREATE TABLE bad AS SELECT 1/0 x", "CREATE VIEW w AS SELECT nosuch FROM t",
        "ALTER TABLE t ADD COLUMN i INT", "ALTER TABLE t DROP COLUMN nosuch", "ALTER TABLE t RENAME COLUMN nosuch TO z",
        "ALTER TABLE t ALTER COLUMN i SET DATA TYPE DATE", "ALTER TABLE t ALTER COLUMN s SET DATA TYPE INT",
        "DROP TABLE nosuch", "DROP VIEW t", "TRUNCATE TABLE nosuch", "CREATE SEQUENCE sq START = 'x'",
        "SELECT nosuch_seq.NEXTVAL", "DESCRIBE TABLE nosuch", "SHOW TABLES IN nosuchdb", "USE SCHEMA nosuch",
    ]
    return out + _newer_features()


def _newer_features() -> list[str]:
    """Bad input to the newer features: DML on views, COLLATE, ARRAY / OBJECT functions of other kinds of values,
    percentiles, day names, MATCH_RECOGNIZE, stages and COPY INTO, tasks, materialized views, dynamic tables,
    Python functions and session parameters (conformance/DECISIONS.md O80-O85)."""
    out = [f"{dml} {target}{rest}" for target in ("w", "mv") for dml, rest in (
        ("INSERT INTO", " VALUES (1, 'x')"), ("INSERT INTO", " (i) SELECT i FROM t"), ("UPDATE", " SET i = 2"),
        ("DELETE FROM", ""), ("TRUNCATE TABLE", ""), ("MERGE INTO", " USING t ON i = t.i WHEN MATCHED THEN DELETE"))]
    out += [f"SELECT s COLLATE '{spec}' FROM t" for spec in ("b", "nope-ci", "en-ci", "xx_yy", "en-upper")]
    out += [f"SELECT COLLATE(s, '{spec}') FROM t" for spec in ("b", "en-zz")]
    out += [f"SELECT {fn}({c}) FROM t" for fn, c in itertools.product(
        ("ARRAY_DISTINCT", "ARRAY_REVERSE", "ARRAY_FLATTEN", "ARRAY_COMPACT", "ARRAY_SORT", "ARRAY_MIN"),
        ("i", "s", "o", "v"))]
    out += [f"SELECT {call} FROM t" for call in (
        "ARRAY_POSITION(1, i)", "ARRAY_POSITION(1, s)", "ARRAYS_OVERLAP(i, a)", "ARRAYS_OVERLAP(a, o)",
        "OBJECT_DELETE(i, 'k')", "OBJECT_DELETE(a, 'k')", "OBJECT_PICK(s, 'k')", "OBJECT_INSERT(a, 'k', 1)",
        "ARRAY_CONTAINS(1, o)", "ARRAY_APPEND(i, 1)", "ARRAY_INSERT(s, 0, 1)", "ARRAY_SLICE(o, 0, 1)",
        "ARRAY_INTERSECTION(a, i)", "ARRAYS_ZIP(a, i)", "ARRAY_TO_STRING(i, ',')", "GET(i, 0)",
        "APPROX_PERCENTILE(i, 2)", "APPROX_PERCENTILE(i, 'x')", "APPROX_PERCENTILE(i, s)",
        "PERCENTILE_CONT(1.5) WITHIN GROUP (ORDER BY i)", "PERCENTILE_DISC(-1) WITHIN GROUP (ORDER BY i)",
        "PERCENTILE_CONT('x') WITHIN GROUP (ORDER BY i)", "PERCENTILE_DISC(i) WITHIN GROUP (ORDER BY s)",
        "MEDIAN(a)", "NEXT_DAY(d, 'xx')", "PREVIOUS_DAY(d, s)", "NEXT_DAY(d, 5)", "NEXT_DAY(s, 'mo')",
        "NEXT_DAY(ts, 'x' || s)")]
    mr = "SELECT * FROM t MATCH_RECOGNIZE ({} PATTERN ({}) DEFINE {})"
    out += [mr.format(clauses, pattern, define) for clauses, pattern, define in (
        ("ORDER BY i MEASURES COUNT(*) AS c", "a+", "a AS nosuch > 0"),
        ("ORDER BY i MEASURES FIRST(nosuch) AS c", "a", "a AS TRUE"),
        ("ORDER BY i MEASURES SUM(s) AS c", "a", "a AS s > 1"),
        ("ORDER BY i MEASURES COUNT(*) AS c", "a{x}", "a AS TRUE"),
        ("ORDER BY i MEASURES COUNT(*) AS c", "(a", "a AS TRUE"),
        ("ORDER BY i MEASURES COUNT(*) AS c", "a", "a AS PREV(i, -1) > 0"),
        ("ORDER BY i MEASURES COUNT(*) AS c", "a", "a AS SUM(i) OVER () > 0"),
        ("ORDER BY i MEASURES COUNT(*) AS c", "a", "a AS i > 0, a AS i < 0"),
        ("ORDER BY i MEASURES COUNT(*) AS c AFTER MATCH SKIP TO LAST nosuch", "a", "a AS TRUE"),
        ("ORDER BY i MEASURES COUNT(*) AS c ALL ROWS PER MATCH WITH UNMATCHED ROWS", "^a$", "a AS d"),
        ("PARTITION BY nosuch ORDER BY i", "a", "a AS TRUE"), ("ORDER BY o MEASURES LAST(a.v) AS c", "a", "a AS v"))]
    out += [
        "CREATE STAGE st", "COPY INTO t FROM @nosuchstage", "COPY INTO t FROM @st FILE_FORMAT = (TYPE = NOSUCH)",
        "COPY INTO t FROM @st FILE_FORMAT = (TYPE = AVRO)", "COPY INTO @st FROM t FILE_FORMAT = (TYPE = NOSUCH)",
        "COPY INTO t FROM @st FILE_FORMAT = (FORMAT_NAME = 'nosuch')", "COPY INTO t FROM @st ON_ERROR = 'maybe'",
        "COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV NOSUCH_OPTION = 1)", "COPY INTO nosuch FROM @st",
        "COPY INTO w FROM @st", "COPY INTO @st FROM nosuch", "COPY INTO @st FROM (SELECT nosuch FROM t)",
        "COPY INTO t (nosuch) FROM @st", "COPY INTO t FROM @st PATTERN = '('", "LIST @st PATTERN = '('",
        "LIST @nosuchstage", "REMOVE @nosuchstage", "SELECT $1 FROM @st (FILE_FORMAT => 'nosuch')",
        "SELECT $1 FROM @nosuchstage", "CREATE FILE FORMAT ff TYPE = NOSUCH", "CREATE STAGE st",
        "CREATE STAGE st2 URL = 'http://example.com'", "PUT file:///nonexistent/x.csv @st",
        "CREATE TASK tk SCHEDULE = 'bogus' AS SELECT 1", "CREATE TASK tk SCHEDULE = '0 minutes' AS SELECT 1",
        "CREATE TASK tk AFTER nosuch AS SELECT 1", "EXECUTE TASK nosuch", "ALTER TASK nosuch RESUME",
        "ALTER TASK nosuch SET SCHEDULE = '5 minutes'", "CREATE TASK tk2 SCHEDULE = '1 minute' AS INSERT INTO w VALUES (1)",
        "EXECUTE TASK tk2", "CREATE MATERIALIZED VIEW mv2 AS SELECT i FROM t JOIN t t2 USING (i)",
        "CREATE MATERIALIZED VIEW mv2 AS SELECT nosuch FROM t", "CREATE MATERIALIZED VIEW mv2 AS SELECT i FROM t LIMIT 1",
        "ALTER MATERIALIZED VIEW nosuch SUSPEND", "ALTER MATERIALIZED VIEW w SUSPEND", "DROP MATERIALIZED VIEW w",
        "CREATE DYNAMIC TABLE dt TARGET_LAG = 'soon' WAREHOUSE = wh AS SELECT i FROM t",
        "CREATE DYNAMIC TABLE dt TARGET_LAG = '1 minute' WAREHOUSE = wh AS SELECT nosuch FROM t",
        "CREATE DYNAMIC TABLE dt AS SELECT i FROM t", "ALTER DYNAMIC TABLE nosuch REFRESH", "ALTER DYNAMIC TABLE t REFRESH",
        "ALTER DYNAMIC TABLE nosuch SET TARGET_LAG = 'x'",
    ]
    udf = "CREATE FUNCTION {}(x {}) RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION = '{}' HANDLER = '{}' AS '{}'"
    out += [udf.format(*parts) for parts in (
        ("pf", "INT", "3.11", "nosuch", "def f(x): return x"), ("pf", "INT", "3.11", "f", "def f(x) return x"),
        ("pf", "INT", "2.7", "f", "def f(x): return x"), ("pf", "NOSUCHTYPE", "3.11", "f", "def f(x): return x"),
        ("pf2", "INT", "3.11", "f", "def f(x): return 1/0"), ("pf3", "INT", "3.11", "f", 'def f(x): return \"s\"'),
        ("pf4", "INT", "3.11", "f", "def f(x): return 10**40"), ("pf5", "INT", "3.11", "f", "def f(x): return [x]"))]
    out += ["SELECT pf2(1)", "SELECT pf3(1)", "SELECT pf4(i) FROM t", "SELECT pf5(1)", "SELECT pf2('x')",
            "SELECT pf2(1, 2)", "SELECT pf2(a) FROM t", "CALL nosuchproc()",
            "CREATE FUNCTION pf6(x INT) RETURNS INT LANGUAGE PYTHON RUNTIME_VERSION = '3.11' PACKAGES = ('nosuchpkg') "
            "HANDLER = 'f' AS 'def f(x): return x'"]
    out += [f"ALTER SESSION SET {p}" for p in (
        "NOSUCH_PARAM = 1", "TIMEZONE = 5", "WEEK_OF_YEAR_POLICY = 7", "WEEK_START = 'x'",
        "STATEMENT_TIMEOUT_IN_SECONDS = -1", "STATEMENT_TIMEOUT_IN_SECONDS = 'x'", "AUTOCOMMIT = 'maybe'",
        "BINARY_OUTPUT_FORMAT = 'OCTAL'", "TIMESTAMP_TYPE_MAPPING = 'TIMESTAMP_XX'", "DATE_INPUT_FORMAT = 'QQQ'",
        "TIMESTAMP_OUTPUT_FORMAT = 'YYYY-QQ'", "ROWS_PER_RESULTSET = -5", "JSON_INDENT = 99", "QUOTED_IDENTIFIERS_IGNORE_CASE = 2")]
    out += ["ALTER TABLE w ADD COLUMN z INT", "ALTER TABLE mv DROP COLUMN i", "ALTER VIEW t RENAME TO t9",
            "CREATE OR REPLACE TABLE w (i INT)", "CREATE OR REPLACE VIEW t AS SELECT 1 x",
            "CREATE OR REPLACE MATERIALIZED VIEW t AS SELECT i FROM t", "SELECT GROUPING(s) FROM t GROUP BY i",
            "SELECT i FROM t SAMPLE (150)", "SELECT i FROM t TABLESAMPLE BERNOULLI (100.5)"]
    out += ["ALTER SESSION UNSET NOSUCH_PARAM", "SET v = (SELECT i, s FROM t)", "SET (x, y) = (1)",
            "SHOW PARAMETERS LIKE 'x' IN TABLE nosuch", "SELECT $nosuch_variable"]
    return out


@pytest.fixture(scope="module")
def cur() -> Any:
    cur = snowreg.connect().cursor()
    cur.execute("CREATE DATABASE d")
    cur.execute("USE SCHEMA d.public")
    cur.execute(f"CREATE TABLE t ({', '.join(f'{c} {ty}' for c, ty in COLUMNS.items())})")
    cur.execute(f"INSERT INTO t SELECT {ROW}")
    cur.execute("CREATE VIEW w AS SELECT i, s FROM t")
    return cur


def _state(cur: Any) -> tuple[Any, ...]:
    """What a failed statement must not change: the tables and views, t's rows, the session's settings."""
    tables = sorted(str(r[1]) for r in cur.execute("SHOW TABLES IN SCHEMA d.public").fetchall())
    views = sorted(str(r[1]) for r in cur.execute("SHOW VIEWS IN SCHEMA d.public").fetchall())
    rows = sorted(map(str, cur.execute("SELECT * FROM t").fetchall()))
    zone = cur.execute("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION").fetchall()
    context = cur.execute("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").fetchall()
    return tables, views, rows, [r[1] for r in zone], context


def test_no_error_speaks_the_storages_words_and_a_failure_changes_nothing(cur: Any) -> None:
    corpus = _corpus()
    assert len(corpus) > 300
    before = _state(cur)
    leaks: list[str] = []
    failed = 0
    for sql in corpus:
        try:
            cur.execute(sql).fetchall()
        except snowreg.Error as e:
            failed += 1
            text = str(e)
            words = [w for w in VOCABULARY if w in text]
            if words or not isinstance(e.errno, int) or e.errno <= 0 or e.sqlstate is None:
                leaks.append(f"{sql}\n    -> {e.errno} {text!r}")
            after = _state(cur)
            if after != before:
                leaks.append(f"{sql}\n    -> changed the registry: {before} -> {after}")
                before = after
        except Exception as e:  # noqa: BLE001 - any other exception is itself a leak
            failed += 1
            leaks.append(f"{sql}\n    -> {type(e).__name__}: {e!r}")
        else:
            before = _state(cur)  # a statement that succeeded may change things
    assert failed > 150  # the corpus is about failures
    assert not leaks, f"{len(leaks)} of {len(corpus)} statements:\n" + "\n".join(leaks)
