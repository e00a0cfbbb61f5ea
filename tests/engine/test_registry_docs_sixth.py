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


@pytest.mark.parametrize("alias", ['"Prod X"', '"prod"', "'Prod X'", "select", '"SELECT"', '"1A"', "IDENTIFIER('a-b')"])
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
