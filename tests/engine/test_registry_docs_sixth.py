"""The registry's SQL pages, a sixth pass (conformance/core/docs_registry_6.test; DECISIONS.md I51-I55).

- Snowflake has no DESCRIBE MODEL (https://docs.snowflake.com/en/sql-reference/sql/alter-model and its
  siblings are the model's commands; only DESCRIBE MODEL MONITOR exists): `DESC MODEL m` is the syntax
  error at MODEL, not a "not supported" refusal.
- "Aliases must be valid identifiers without double quotes"
  (https://docs.snowflake.com/en/sql-reference/sql/alter-model-modify-version): `SET ALIAS = "Prod X"`,
  `'Prod X'`, `"prod"` or a reserved word made aliases no call could name without quotes.
- A model method returns an OBJECT (SHOW FUNCTIONS IN MODEL: return_type OBJECT); a CREATE TABLE … AS
  SELECT of a call recorded the column as VARIANT, and lost the table's kind (TRANSIENT) and the other
  columns' declared types, which the plain road records.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg
from snowreg.dbapi import Connection

X = pd.DataFrame({"X1": [0.0, 1.0, 2.0, 3.0], "X2": [1.0, 0.0, 1.0, 0.0]})


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE t (X1 FLOAT, X2 FLOAT)")
    c.cursor().execute("INSERT INTO t VALUES (1, 2), (3, 4)")
    reg = snowreg.Registry(c)
    reg.log_model(LinearRegression().fit(X, [0.0, 1.0, 2.0, 3.0]), model_name="M", version_name="V1",
                  sample_input_data=X)
    yield c
    c.close()


def rows(conn: Connection, sql: str) -> list[tuple[object, ...]]:
    return conn.cursor().execute(sql).fetchall()


def errno_of(conn: Connection, sql: str) -> tuple[int, str]:
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute(sql)
    return info.value.errno, str(info.value)


@pytest.mark.parametrize("sql, position", [("DESCRIBE MODEL m", 9), ("desc model DB.S.M", 5)])
def test_describe_model_is_a_syntax_error(conn: Connection, sql: str, position: int) -> None:
    errno, text = errno_of(conn, sql)
    assert errno == 1003
    assert f"syntax error line 1 at position {position} unexpected '{sql.split()[1]}'." in text


def test_describe_model_monitor_is_still_refused_by_name(conn: Connection) -> None:
    with pytest.raises(snowreg.NotSupportedError, match="DESCRIBE MODEL MONITOR"):
        conn.cursor().execute("DESCRIBE MODEL MONITOR mon")


def _aliases(conn: Connection) -> str:
    return rows(conn, "SHOW VERSIONS IN MODEL m ->> SELECT \"aliases\" FROM $1")[0][0]  # type: ignore[return-value]


@pytest.mark.parametrize("alias", ['"Prod X"', '"prod"', "'Prod X'", '"SELECT"', '"1A"', "IDENTIFIER('a-b')"])
def test_an_alias_that_needs_quotes_is_refused(conn: Connection, alias: str) -> None:
    before = _aliases(conn)
    errno, text = errno_of(conn, f"ALTER MODEL m VERSION v1 SET ALIAS = {alias}")
    assert errno == 2000
    assert "an alias must be a valid identifier that needs no double quotes" in text
    assert _aliases(conn) == before


@pytest.mark.parametrize("alias, stored", [('"PROD"', "PROD"), ("'prod'", "PROD"), ("a$1", "A$1"), ("_x", "_X")])
def test_an_alias_written_quoted_but_plain_is_taken(conn: Connection, alias: str, stored: str) -> None:
    conn.cursor().execute(f"ALTER MODEL m VERSION v1 SET ALIAS = {alias}")
    try:
        assert stored in _aliases(conn)
        assert rows(conn, f"SELECT MODEL(m, {stored.lower()})!predict(1.0, 2.0):output_feature_0 IS NOT NULL") == [(True,)]
    finally:
        conn.cursor().execute("ALTER MODEL m VERSION v1 UNSET ALIAS")


def test_ctas_of_a_call_records_an_object_column_and_the_tables_kind(conn: Connection) -> None:
    conn.cursor().execute("CREATE OR REPLACE TRANSIENT TABLE preds AS SELECT m!predict(x1, x2) AS r, "
                          "MODEL(m, v1)!predict(x1, x2):output_feature_0 AS o, 'abc' AS s, x1 FROM t")
    described = [(r[0], r[1]) for r in rows(conn, "DESCRIBE TABLE preds")]
    assert described == [("R", "OBJECT"), ("O", "VARIANT"), ("S", "VARCHAR(3)"), ("X1", "FLOAT")]
    assert [r[4] for r in rows(conn, "SHOW TABLES LIKE 'PREDS'")] == ["TRANSIENT"]
    assert rows(conn, "SELECT TYPEOF(r), r:output_feature_0::FLOAT = o::FLOAT FROM preds ORDER BY x1") == \
        [("OBJECT", True), ("OBJECT", True)]
    cur = conn.cursor().execute("SELECT r FROM preds")
    assert cur.description[0][1] == 9  # OBJECT, as the call itself is described


# `WITH <alias> AS MODEL <m> VERSION <v>` is a query's first clause; CTAS, INSERT, CREATE VIEW and a
# subquery take any query (https://docs.snowflake.com/en/sql-reference/sql/create-table, …/insert,
# …/create-view). It reached DuckDB as text there, and the calls named the alias as a model.
@pytest.mark.parametrize("sql", [
    "CREATE OR REPLACE TABLE w AS WITH mv AS MODEL m VERSION v1 SELECT mv!predict(x1, x2) AS r FROM t",
    "CREATE OR REPLACE TABLE w AS WITH mv AS MODEL DB.S.M VERSION FIRST, d AS (SELECT * FROM t) "
    "SELECT mv!predict(x1, x2) AS r FROM d",
    "CREATE OR REPLACE TABLE w AS SELECT * FROM (WITH mv AS MODEL m SELECT mv!predict(x1, x2) AS r FROM t)",
])
def test_a_model_alias_clause_inside_a_ctas(conn: Connection, sql: str) -> None:
    conn.cursor().execute(sql)
    assert rows(conn, "SELECT r:output_feature_0::FLOAT FROM w ORDER BY 1") == \
        rows(conn, "SELECT MODEL(m, v1)!predict(x1, x2):output_feature_0::FLOAT FROM t ORDER BY 1")
    assert [(r[0], r[1]) for r in rows(conn, "DESCRIBE TABLE w")] == [("R", "OBJECT")]


def test_a_model_alias_clause_inside_insert_view_and_task(conn: Connection) -> None:
    conn.cursor().execute("CREATE OR REPLACE TABLE w2 (r OBJECT)")
    cur = conn.cursor().execute("INSERT INTO w2 WITH mv AS MODEL m VERSION v1 SELECT mv!predict(x1, x2) FROM t")
    assert cur.fetchall() == [(2,)]
    conn.cursor().execute("CREATE OR REPLACE VIEW wv AS WITH mv AS MODEL m VERSION v1 "
                          "SELECT mv!predict(x1, x2):output_feature_0::FLOAT AS r FROM t")
    expected = rows(conn, "SELECT m!predict(x1, x2):output_feature_0::FLOAT FROM t ORDER BY 1")
    assert rows(conn, "SELECT r FROM wv ORDER BY 1") == expected
    conn.cursor().execute("CREATE OR REPLACE TASK wt AS INSERT INTO w2 WITH mv AS MODEL m VERSION v1 "
                          "SELECT mv!predict(x1, x2) FROM t")
    conn.cursor().execute("EXECUTE TASK wt")
    assert rows(conn, "SELECT COUNT(*) FROM w2") == [(4,)]


def test_a_model_alias_clause_inside_names_its_version_like_a_leading_one(conn: Connection) -> None:
    errno, text = errno_of(conn, "CREATE OR REPLACE TABLE w3 AS WITH mv AS MODEL m VERSION nope "
                                 "SELECT mv!predict(x1, x2) FROM t")
    assert errno == 2003 and "Model version 'DB.S.M.NOPE' does not exist or not authorized." in text
    # a string that spells the clause is a string
    assert rows(conn, "SELECT 'WITH mv AS MODEL m VERSION v1' || x1::VARCHAR FROM t ORDER BY x1 LIMIT 1") == \
        [("WITH mv AS MODEL m VERSION v11",)]


def test_two_model_alias_clauses_inside_one_statement_are_refused(conn: Connection) -> None:
    with pytest.raises(snowreg.NotSupportedError, match="More than one WITH … AS MODEL clause"):
        conn.cursor().execute("SELECT * FROM (WITH a AS MODEL m SELECT a!predict(x1, x2) r FROM t), "
                              "(WITH b AS MODEL m SELECT b!predict(x1, x2) r2 FROM t)")


# A reserved word names an object only quoted (https://docs.snowflake.com/en/sql-reference/reserved-keywords):
# `CREATE TABLE select` was a syntax error, `CREATE MODEL select` and `ADD VERSION select` made objects.
@pytest.mark.parametrize("sql, word", [
    ("CREATE MODEL select FROM MODEL m", "select"),
    ("ALTER MODEL m ADD VERSION Table FROM MODEL m VERSION v1", "Table"),
    ("CREATE DATABASE from", "from"),
    ("ALTER MODEL m VERSION v1 SET ALIAS = select", "select"),
])
def test_a_reserved_word_unquoted_is_a_syntax_error(conn: Connection, sql: str, word: str) -> None:
    errno, text = errno_of(conn, sql)
    assert errno == 1003
    assert f"at position {sql.index(' ' + word) + 1} unexpected '{word}'." in text


def test_a_reserved_word_quoted_names_a_version(conn: Connection) -> None:
    conn.cursor().execute('ALTER MODEL m ADD VERSION "TABLE" FROM MODEL m VERSION v1')
    try:
        assert rows(conn, 'SELECT MODEL(m, "TABLE")!predict(1.0, 2.0) IS NOT NULL') == [(True,)]
    finally:
        conn.cursor().execute('ALTER MODEL m DROP VERSION "TABLE"')


def test_a_view_over_calls_describes_the_call_as_object(conn: Connection) -> None:
    conn.cursor().execute("CREATE OR REPLACE VIEW pv AS SELECT m!predict(x1, x2) AS r, x1 FROM t")
    assert [(r[0], r[1]) for r in rows(conn, "DESCRIBE VIEW pv")] == [("R", "OBJECT"), ("X1", "FLOAT")]
    cur = conn.cursor().execute("SELECT * FROM pv")
    assert [d[1] for d in cur.description] == [9, 1]  # OBJECT, FLOAT: as the call itself is described
    conn.cursor().execute("CREATE OR REPLACE VIEW pv AS SELECT x1 FROM t")  # a plain view again: its own types
    assert [(r[0], r[1]) for r in rows(conn, "DESCRIBE VIEW pv")] == [("X1", "FLOAT")]
