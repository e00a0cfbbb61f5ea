"""Code written for snowflake.connector and Snowpark, run unmodified on `snowreg.patch()` (docs/CONNECTOR.md).

Each check states what the connector's or Snowpark's documentation says a call returns. In the project
environment (no clients: they need pandas < 3) one test re-runs this file in `.venv-client` (the connector
4.x and Snowpark, whose pins keep the connector below 5) and in `.venv-client5` (the connector 5.x alone,
where the Snowpark checks are absent); the whole file takes a few seconds there (no models are trained).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

import snowreg


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


HAVE_CONNECTOR = _have("snowflake.connector")
HAVE_SNOWPARK = HAVE_CONNECTOR and _have("snowflake.snowpark")

if HAVE_CONNECTOR:
    import pandas as pd
    import snowflake.connector
    from snowflake.connector import DictCursor
    from snowflake.connector.cursor import ResultMetadata
    from snowflake.connector.errors import DatabaseError, InterfaceError, ProgrammingError

    CONNECTOR_5X = int(snowflake.connector.__version__.split(".")[0]) >= 5

    @pytest.fixture
    def conn() -> Iterator[Any]:
        with snowreg.patch():
            connection = snowflake.connector.connect(account="acme", user="me", password="x", database="DB",
                                                     schema="PUBLIC", warehouse="WH")
            yield connection

    def test_the_pytest_plugins_patch(snowreg_patch: Any) -> None:
        """The plugin's `snowreg_patch` fixture: the connector's `connect()` is snowreg's for the test."""
        conn = snowflake.connector.connect(account="acme", user="me", password="x")
        assert conn.cursor().execute("SELECT CURRENT_DATABASE(), CURRENT_SCHEMA()").fetchone() == ("TEST_DB", "PUBLIC")
        assert snowreg_patch.connections == [conn]

    def test_the_asyncio_api_is_refused() -> None:
        """`snowflake.connector.aio.connect` is not emulated: refused, never a login to the real account."""
        import asyncio

        from snowflake.connector import aio

        with snowreg.patch(), pytest.raises(snowflake.connector.errors.NotSupportedError):
            asyncio.run(aio.connect(account="acme", user="me", password="x", login_timeout=5))

    # -- the connector: results -------------------------------------------------------------------

    def test_description_compares_equal_to_the_connectors_result_metadata(conn: Any) -> None:
        cur = conn.cursor()
        cur.execute("CREATE TABLE T (N NUMBER(10, 2), V VARCHAR(20), TS TIMESTAMP_NTZ, BIN BINARY, A ARRAY)")
        cur.execute("SELECT * FROM T")
        assert cur.description == [
            ResultMetadata("N", 0, None, None, 10, 2, True), ResultMetadata("V", 2, None, 20, None, None, True),
            ResultMetadata("TS", 8, None, None, 0, 9, True), ResultMetadata("BIN", 11, None, 8388608, None, None, True),
            ResultMetadata("A", 10, None, 16777216, None, None, True)]
        assert cur.describe("SELECT N, V FROM T") == cur.description[:2]

    def test_values_and_pandas_dtypes(conn: Any) -> None:
        cur = conn.cursor()
        row = cur.execute("SELECT 1 AS I, 2.50::NUMBER(5, 2) AS D, 1.5::FLOAT AS F, 'x' AS S, TRUE AS B, "
                          "'2024-01-02'::DATE AS DT, '2024-01-02 03:04:05'::TIMESTAMP_LTZ AS TL, "
                          "PARSE_JSON('{\"a\": [1]}') AS V, TO_BINARY('AB', 'HEX') AS BIN").fetchone()
        assert row == (1, Decimal("2.50"), 1.5, "x", True, dt.date(2024, 1, 2), row[6], '{\n  "a": [\n    1\n  ]\n}',
                       b"\xab")
        assert row[6].utcoffset() == dt.timedelta(hours=-8)  # the session's TIMEZONE, America/Los_Angeles
        assert type(row[8]) is bytearray  # the connector's Arrow converter gives BINARY as bytearray
        frame = cur.execute("SELECT 1 AS I, 2.50::NUMBER(5, 2) AS D, '2024-01-02 03:04:05'::TIMESTAMP_LTZ AS TL, "
                            "'x' AS S").fetch_pandas_all()
        text = "str" if pd.__version__ >= "3" else "object"  # pandas 3's text dtype (the connector 5.x allows it)
        assert [str(t) for t in frame.dtypes] == ["int8", "float64", "datetime64[ns, America/Los_Angeles]", text]
        batches = list(cur.execute("SELECT 1 AS I UNION ALL SELECT 2").fetch_pandas_batches())
        assert sum(len(b) for b in batches) == 2 and str(batches[0].dtypes["I"]) == "int8"

    def test_dict_cursor_rowcount_and_connection_context(conn: Any) -> None:
        cur = conn.cursor()
        assert (cur.description, cur.rowcount, cur.sfqid) == (None, None, None)
        cur.execute("CREATE TABLE T (ID INT, NAME VARCHAR)")
        cur.executemany("INSERT INTO T VALUES (%s, %s)", [(1, "a"), (2, "b"), (3, None)])
        assert cur.rowcount == 3
        assert cur.execute("UPDATE T SET NAME = 'z' WHERE ID > 1").rowcount == 2
        assert conn.cursor(DictCursor).execute("SELECT * FROM T ORDER BY ID").fetchall()[0] == {"ID": 1, "NAME": "a"}
        cur.execute("CREATE SCHEMA OTHER")
        cur.execute("USE SCHEMA PUBLIC")
        assert (conn.database, conn.schema, conn.warehouse) == ("DB", "PUBLIC", "WH")
        cur.execute("USE SCHEMA DB.OTHER")
        assert conn.schema == "OTHER"

    def test_paramstyles(conn: Any) -> None:
        day = dt.date(2024, 1, 2)
        # pyformat (default): client-side text, so a bound date selected alone is VARCHAR
        assert conn.cursor().execute("SELECT %s", (day,)).fetchone() == ("2024-01-02",)
        assert conn.cursor().execute("SELECT %(n)s", {"n": Decimal("1.5")}).fetchone() == ("1.5",)
        qmark = snowflake.connector.connect(database="DB", schema="PUBLIC", paramstyle="qmark")
        assert qmark.cursor().execute("SELECT ?, ?", (day, 1.5)).fetchone() == (day, 1.5)
        numeric = snowflake.connector.connect(database="DB", schema="PUBLIC", paramstyle="numeric")
        assert numeric.cursor().execute("SELECT :2, :1", (1, "a")).fetchone() == ("a", 1)
        saved = snowflake.connector.paramstyle
        snowflake.connector.paramstyle = "qmark"  # the module default, read when a connection names none
        try:
            assert snowflake.connector.connect(database="DB").cursor().execute("SELECT ?", [day]).fetchone() == (day,)
        finally:
            snowflake.connector.paramstyle = saved
        with pytest.raises(ProgrammingError) as bad:
            snowflake.connector.connect(paramstyle="named")
        assert bad.value.errno == 251007

    def test_async_queries(conn: Any) -> None:
        from snowflake.connector.constants import QueryStatus

        cur = conn.cursor()
        qid = cur.execute_async("SELECT 42 AS X")["queryId"]
        status = conn.get_query_status(qid)
        assert status == QueryStatus.SUCCESS and not conn.is_still_running(status)
        cur.get_results_from_sfqid(qid)
        assert cur.fetchall() == [(42,)]
        failed = conn.cursor().execute_async("SELECT * FROM NOPE")["queryId"]
        assert conn.is_an_error(conn.get_query_status(failed))
        with pytest.raises(ProgrammingError) as e:
            conn.get_query_status_throw_if_error(failed)
        assert (e.value.errno, e.value.sfqid) == (2003, failed)

    def test_errors_and_close(conn: Any) -> None:
        cur = conn.cursor()
        with pytest.raises(ProgrammingError) as e:
            cur.execute("SELECT * FROM NOPE")
        err = e.value
        assert (err.errno, err.sqlstate, err.query) == (2003, "42S02", "SELECT * FROM NOPE")
        assert err.msg == f"002003 (42S02): {err.raw_msg}" and err.sfqid == cur.sfqid
        # the connector 5.x's str() adds the query id
        assert str(err) == (f"{err.msg} (sfqid={err.sfqid})" if CONNECTOR_5X else err.msg)
        cur.close()
        with pytest.raises(InterfaceError) as closed:
            cur.execute("SELECT 1")
        assert (closed.value.errno, str(closed.value)) == \
            (252006, "252006: Cursor is closed." if CONNECTOR_5X else "252006: Cursor is closed in execute.")
        with conn as same:
            assert same.cursor().execute("SELECT 1").fetchone() == (1,)
        assert conn.is_closed()
        with pytest.raises(DatabaseError) as gone:
            conn.cursor()
        assert (gone.value.errno, str(gone.value)) == \
            (250002, "250002 (08003): Connection is closed" + ("." if CONNECTOR_5X else ""))

    def test_write_pandas_options(conn: Any) -> None:
        from snowflake.connector.pandas_tools import write_pandas

        frame = pd.DataFrame({"id": [1, 2, 3], "Name": ["a", "b", "c"]})
        ok, chunks, rows, _ = write_pandas(conn, frame, "people", auto_create_table=True)
        assert (ok, rows) == (True, 3)
        cur = conn.cursor()
        assert cur.execute('SELECT "id", "Name" FROM "people" ORDER BY 1').fetchall()[0] == (1, "a")
        write_pandas(conn, frame, "people", overwrite=True)
        assert cur.execute('SELECT COUNT(*) FROM "people"').fetchone() == (3,)
        ok, chunks, rows, copied = write_pandas(conn, frame, "PLAIN", auto_create_table=True, quote_identifiers=False,
                                                table_type="temporary", chunk_size=2)
        assert (ok, chunks, rows, [r[1] for r in copied]) == (True, 2, 3, ["LOADED", "LOADED"])  # a COPY row per chunk
        assert cur.execute("SELECT ID, NAME FROM plain ORDER BY ID").fetchall()[-1] == (3, "c")
        assert cur.execute("SHOW TABLES LIKE 'PLAIN'").fetchall()[0][4] == "TEMPORARY"
        write_pandas(conn, frame, "KEPT", auto_create_table=True, table_type="transient")
        assert cur.execute("SHOW TABLES LIKE 'KEPT'").fetchall()[0][4] == "TRANSIENT"
        with pytest.raises(ValueError, match="Unsupported table type"):
            write_pandas(conn, frame, "NOPE", auto_create_table=True, table_type="external")


# -- Snowpark (its pins keep the connector below 5) -------------------------------------------------

if HAVE_SNOWPARK:
    @pytest.fixture
    def session() -> Iterator[Any]:
        from snowflake.snowpark import Session

        with snowreg.patch():
            created = Session.builder.configs({"account": "acme", "user": "me", "password": "x", "database": "DB",
                                               "schema": "PUBLIC", "warehouse": "WH"}).create()
            try:
                yield created
            finally:
                created.close()

    def test_snowpark_session_and_rows(session: Any) -> None:
        from snowflake.snowpark import Row

        assert (session.get_current_database(), session.get_current_schema(),
                session.get_current_warehouse()) == ('"DB"', '"PUBLIC"', '"WH"')
        rows = session.sql("SELECT 1 AS A, 'x' AS B, 2.50::NUMBER(5, 2) AS C, 1.5::FLOAT AS D").collect()
        assert rows == [Row(A=1, B="x", C=Decimal("2.50"), D=1.5)] and rows[0]["B"] == "x"
        session.sql("CREATE SCHEMA S2").collect()
        session.use_schema("S2")
        assert session.get_current_schema() == '"S2"'

    def test_snowpark_dataframes(session: Any) -> None:
        from snowflake.snowpark import functions as F  # noqa: N812

        df = session.create_dataframe([[1, "a", 1.0], [2, "a", 2.0], [3, "b", 3.0]], schema=["ID", "G", "X"])
        assert df.filter(F.col("X") > 1).select("ID").sort(F.col("ID").desc()).collect() == [(3,), (2,)]
        assert df.group_by("G").agg(F.sum("X").alias("S")).sort("G").collect() == [("a", 3.0), ("b", 3.0)]
        assert df.count() == 3
        other = session.create_dataframe([[1, "one"], [3, "three"]], schema=["K", "LABEL"])
        assert df.join(other, df["ID"] == other["K"]).select("ID", "LABEL").sort("ID").collect() == [
            (1, "one"), (3, "three")]
        dtypes = {k: str(v) for k, v in df.to_pandas().dtypes.items()}
        assert dtypes == {"ID": "int8", "G": "object", "X": "float64"}
        assert session.range(1, 10, 4).collect() == [(1,), (5,), (9,)]
        # Snowpark's create_dataframe writes bytes as '01' :: BINARY (hex), and many rows to a temporary table
        assert session.create_dataframe([[1, b"\x01"]], schema=["I", "BIN"]).collect()[0]["BIN"] == bytearray(b"\x01")
        assert session.create_dataframe([[i] for i in range(600)], schema=["N"]).count() == 600
        assert [r[0] for r in session.generator(F.seq4(), rowcount=3).collect()] == [0, 1, 2]

    @pytest.mark.parametrize(("mode", "expected"), [("overwrite", 3), ("append", 6), ("ignore", 3),
                                                    ("truncate", 3), ("errorifexists", None)])
    def test_snowpark_save_as_table_modes(session: Any, mode: str, expected: int | None) -> None:
        from snowflake.snowpark.exceptions import SnowparkSQLException

        df = session.create_dataframe(pd.DataFrame({"ID": [1, 2, 3]}))
        df.write.save_as_table("T", mode="overwrite")
        if expected is None:
            with pytest.raises(SnowparkSQLException, match="already exists"):
                df.write.save_as_table("T", mode=mode)
            return
        df.write.save_as_table("T", mode=mode)
        assert session.table("T").count() == expected

    def test_snowpark_write_pandas(session: Any) -> None:
        frame = pd.DataFrame({"A": [1, 2], "B": ["x", "y"]})
        table = session.write_pandas(frame, "WP", auto_create_table=True, overwrite=True)
        assert table.sort("A").collect() == [(1, "x"), (2, "y")]
        assert table.to_pandas().to_dict("list") == frame.to_dict("list")
if not HAVE_CONNECTOR:  # the project's environment
    @pytest.mark.parametrize("venv", [".venv-client", ".venv-client5"])  # the connector 4.x and Snowpark; 5.x
    def test_client_conformance_in_client_environment(rerun_in_client: Callable[..., None], venv: str) -> None:
        """Re-run this file with a client environment's interpreter (CI creates both)."""
        rerun_in_client(__file__, timeout=240, venv=venv)
