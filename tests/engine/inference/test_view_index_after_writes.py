"""Views over model calls stay known exactly through registry writes (which no longer make snowreg list
DuckDB's views again) and through everything that does change DuckDB's catalog: plain DDL, schemas and
databases created or dropped, other sessions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

import snowreg
from snowreg.errors import ProgrammingError


class Affine:
    """y = k * A, to tell versions apart."""

    def __init__(self, k: float) -> None:
        self.k = k

    def predict(self, df: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"y": df["A"] * self.k})


@pytest.fixture
def conn() -> Iterator[Any]:
    c = snowreg.connect(database="DB", schema="S")
    c.cursor().execute("CREATE TABLE T (A DOUBLE)")
    c.cursor().execute("INSERT INTO T VALUES (1), (2)")
    registry = snowreg.Registry(c)
    for version, k in (("V1", 2.0), ("V2", 3.0)):
        registry.log_model(Affine(k), model_name="AFF", version_name=version,
                           sample_input_data=pd.DataFrame({"A": [0.1]}))
    c.cursor().execute("ALTER MODEL AFF SET DEFAULT_VERSION = V1")
    yield c
    c.close()


def rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(conn.cursor().execute(sql).fetchall())


def test_registry_writes_between_reads_of_a_view(conn: Any) -> None:
    rows(conn, "CREATE VIEW SCORED AS SELECT A, AFF!PREDICT(A):y::FLOAT AS P FROM T")
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)]
    for write in ("ALTER MODEL AFF MODIFY VERSION V1 SET COMMENT = 'c'", "ALTER MODEL AFF SET COMMENT = 'm'",
                  "ALTER MODEL AFF VERSION V2 SET ALIAS = PROD", "CREATE ROLE R", "GRANT USAGE ON MODEL AFF TO ROLE R"):
        rows(conn, write)
        assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)], write
    rows(conn, "ALTER MODEL AFF SET DEFAULT_VERSION = V2")  # the view resolves the version when read
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(3.0,), (6.0,)]
    rows(conn, "CREATE OR REPLACE VIEW SCORED AS SELECT A, A * 10 AS P FROM T")
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(10.0,), (20.0,)]


def test_a_dropped_schema_or_database_takes_its_views_along(conn: Any) -> None:
    rows(conn, "CREATE SCHEMA S2")
    rows(conn, "CREATE VIEW DB.S2.V AS SELECT A, DB.S.AFF!PREDICT(A):y::FLOAT AS P FROM DB.S.T")
    assert rows(conn, "SELECT P FROM DB.S2.V ORDER BY A") == [(2.0,), (4.0,)]
    rows(conn, "DROP SCHEMA DB.S2")
    with pytest.raises(ProgrammingError, match="002003"):
        rows(conn, "SELECT P FROM DB.S2.V")
    rows(conn, "CREATE SCHEMA DB.S2")
    rows(conn, "CREATE TABLE DB.S2.V (A DOUBLE, P DOUBLE)")  # a plain table of the view's name
    rows(conn, "INSERT INTO DB.S2.V VALUES (1, 7)")
    assert rows(conn, "SELECT P FROM DB.S2.V") == [(7.0,)]
    rows(conn, "CREATE DATABASE D2")
    rows(conn, "CREATE VIEW D2.PUBLIC.V AS SELECT A, DB.S.AFF!PREDICT(A):y::FLOAT AS P FROM DB.S.T")
    assert rows(conn, "SELECT P FROM D2.PUBLIC.V ORDER BY A") == [(2.0,), (4.0,)]
    rows(conn, "DROP DATABASE D2")
    with pytest.raises(ProgrammingError, match="002003"):
        rows(conn, "SELECT P FROM D2.PUBLIC.V")


def test_another_session_sees_a_view_made_after_its_last_read(conn: Any) -> None:
    other = conn.open_session()
    assert rows(other, "SELECT A FROM DB.S.T ORDER BY A") == [(1.0,), (2.0,)]
    rows(conn, "CREATE VIEW SCORED AS SELECT A, AFF!PREDICT(A):y::FLOAT AS P FROM T")
    rows(conn, "ALTER MODEL AFF MODIFY VERSION V1 SET COMMENT = 'c'")
    assert rows(other, "SELECT P FROM DB.S.SCORED ORDER BY A") == [(2.0,), (4.0,)]
    rows(conn, "DROP VIEW SCORED")
    with pytest.raises(ProgrammingError, match="002003"):
        rows(other, "SELECT P FROM DB.S.SCORED")
    other.close()


def test_tables_created_between_reads_leave_the_views_known(conn: Any) -> None:
    """A CREATE TABLE does not make snowreg list DuckDB's views again (no view can have changed); the
    DDL that can change views still does, right after such a CREATE."""
    rows(conn, "CREATE VIEW SCORED AS SELECT A, AFF!PREDICT(A):y::FLOAT AS P FROM T")
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)]
    for create in ("CREATE TABLE U (X INT)", "CREATE TEMPORARY TABLE W (X INT)", "CREATE OR REPLACE TABLE U (Y INT)",
                   "CREATE TABLE C AS SELECT A FROM T", "CREATE TABLE IF NOT EXISTS U (X INT)"):
        rows(conn, create)
        assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)], create
    with pytest.raises(ProgrammingError):
        rows(conn, "CREATE OR REPLACE TABLE SCORED (X INT)")  # a view's name: refused, the view stays
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)]
    rows(conn, "CREATE TABLE V2 (X INT)")
    rows(conn, "CREATE OR REPLACE VIEW SCORED AS SELECT A, A * 10 AS P FROM T")
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(10.0,), (20.0,)]
    rows(conn, "CREATE VIEW SCORED2 AS SELECT A, AFF!PREDICT(A):y::FLOAT AS P FROM T")
    rows(conn, "CREATE TABLE V3 (X INT)")
    assert rows(conn, "SELECT P FROM SCORED2 ORDER BY A") == [(2.0,), (4.0,)]
    rows(conn, "DROP VIEW SCORED2")
    with pytest.raises(ProgrammingError):
        rows(conn, "SELECT P FROM SCORED2")


def test_a_secure_view_over_model_calls_is_refused(conn: Any) -> None:
    """Secure views are kept (conformance/DECISIONS.md S64), but one over model calls has no kept text to hide:
    it is refused as not supported, and nothing is made."""
    with pytest.raises(snowreg.NotSupportedError, match="CREATE SECURE VIEW over model calls"):
        rows(conn, "CREATE SECURE VIEW SCORED AS SELECT A, AFF!PREDICT(A):y::FLOAT AS P FROM T")
    assert rows(conn, "SHOW VIEWS LIKE 'SCORED'") == []


def test_a_view_over_model_calls_shows_its_statement_as_written(conn: Any) -> None:
    """SHOW VIEWS `text`, INFORMATION_SCHEMA.VIEWS VIEW_DEFINITION and GET_DDL give the CREATE VIEW statement as
    written (DECISIONS.md H7), not the placeholder DuckDB holds; CREATE OR REPLACE and DROP follow it."""
    written = "create view Scored  as select A, aff!predict(A):y::float as p  /* kept */ from T"
    rows(conn, written)
    conn.cursor().execute("SHOW VIEWS LIKE 'SCORED'")
    shown = conn.cursor().execute('SELECT "text" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))').fetchall()
    assert shown == [(written,)]
    assert rows(conn, "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'SCORED'") == [(written,)]
    ddl = rows(conn, "SELECT GET_DDL('VIEW', 'SCORED')")[0][0]
    assert ddl == "create or replace view SCORED(\n\tA,\n\tP\n) as select A, aff!predict(A):y::float as p  /* kept */ from T;"
    assert rows(conn, "SELECT P FROM SCORED ORDER BY A") == [(2.0,), (4.0,)]  # still read through the model
    replaced = "CREATE OR REPLACE VIEW SCORED AS SELECT A, AFF!PREDICT(A):y::FLOAT * 10 AS P FROM T"
    rows(conn, replaced)
    assert rows(conn, "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'SCORED'") == [(replaced,)]
    rows(conn, "DROP VIEW SCORED")
    rows(conn, "CREATE VIEW SCORED AS SELECT 1 AS ONE")
    assert rows(conn, "SELECT VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'SCORED'") == [
        ("CREATE VIEW SCORED AS SELECT 1 AS ONE",)]


def test_a_schema_holding_a_view_over_model_calls_is_not_cloned(conn: Any) -> None:
    """Its statement is kept now, but it could not be made again with the column list a clone writes: the clone
    is refused as before, by name and before anything is made."""
    rows(conn, "CREATE SCHEMA S2")
    rows(conn, "CREATE VIEW S2.V AS SELECT A, DB.S.AFF!PREDICT(A):y::FLOAT AS P FROM DB.S.T")
    with pytest.raises(snowreg.NotSupportedError, match="CLONE of the view V over model calls"):
        rows(conn, "CREATE SCHEMA S3 CLONE S2")
    assert rows(conn, "SHOW SCHEMAS LIKE 'S3'") == []
