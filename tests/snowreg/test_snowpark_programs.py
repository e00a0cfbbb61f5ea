"""Small Snowpark Python programs, as the developer guide and API reference write them, run unmodified under
`snowreg.patch()`: each checks the result the documentation gives (conformance/DECISIONS.md K60-K79).

Pages: https://docs.snowflake.com/en/developer-guide/snowpark/python/working-with-dataframes,
…/snowpark/python/creating-udfs, …/snowpark/python/calling-functions, …/snowpark/python/creating-session, and
the API reference of Session, DataFrame, DataFrameReader, FileOperation, Table and functions. In the project
environment (no clients) one test re-runs this file in `.venv-client`; one module-scoped session and small
frames keep it to seconds.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib.util
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg


def _have(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def rows(frame: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in frame.collect()]


if _have("snowflake.connector") and _have("snowflake.snowpark"):
    import pandas as pd
    import snowflake.connector
    from snowflake.connector.errors import NotSupportedError
    from snowflake.snowpark import Row, Session, Window
    from snowflake.snowpark import functions as F
    from snowflake.snowpark.exceptions import SnowparkSQLException
    from snowflake.snowpark.functions import pandas_udf, udf, udtf, when_matched, when_not_matched
    from snowflake.snowpark.types import (
        DateType,
        DecimalType,
        DoubleType,
        FloatType,
        IntegerType,
        LongType,
        PandasSeriesType,
        StringType,
        StructField,
        StructType,
        TimestampType,
    )

    def connect() -> Any:
        return snowflake.connector.connect(account="acme", user="me", password="x", database="DB", schema="PUBLIC",
                                           warehouse="WH")

    @pytest.fixture(scope="module")
    def patched() -> Iterator[None]:
        with snowreg.patch():
            yield

    @pytest.fixture(scope="module")
    def session(patched: None) -> Iterator[Any]:
        s = Session.builder.configs({"connection": connect()}).create()
        try:
            yield s
        finally:
            s.close()

    # -- user-defined functions (creating-udfs) ---------------------------------------------------

    def test_anonymous_and_named_udfs(session: Any) -> None:
        """udf(lambda …), @udf with type hints, session.udf.register(name=…) and call_udf: Snowpark makes
        temporary functions of pickled code (K60)."""
        df = session.create_dataframe([[1, "a"], [2, "b"]], schema=["A", "B"])
        add_one = udf(lambda x: x + 1, return_type=IntegerType(), input_types=[IntegerType()])
        assert rows(df.select(add_one("A"))) == [(2,), (3,)]

        @udf
        def shout(x: str) -> str:
            return x.upper() + "!"

        assert rows(df.select(shout("B").alias("S"))) == [("A!",), ("B!",)]
        session.udf.register(lambda x, y: x * y, return_type=IntegerType(), input_types=[IntegerType(), IntegerType()],
                             name="times", replace=True)
        assert rows(df.select(F.call_udf("times", F.col("A"), F.lit(10)))) == [(10,), (20,)]
        assert rows(session.sql("SELECT times(6, 7)")) == [(42,)]
        scaled = session.udf.register(lambda x: x * 2.5, return_type=FloatType(), input_types=[IntegerType()])
        assert rows(df.select(scaled("A"))) == [(2.5,), (5.0,)]

    def test_udfs_with_packages(session: Any) -> None:
        """session.add_packages and udf(packages=…) look the packages up in INFORMATION_SCHEMA.PACKAGES: those
        installed where snowreg runs are there (K63)."""
        session.add_packages("numpy")
        try:
            assert "numpy" in session.get_packages()
            total = udf(lambda x: int(__import__("numpy").add(x, 1)), return_type=IntegerType(),
                        input_types=[IntegerType()], packages=["pandas"])
            assert rows(session.range(2).select(total("ID"))) == [(1,), (2,)]
        finally:
            session.clear_packages()
        with pytest.raises(NotSupportedError, match="ARE_ANACONDA_TERMS_ACKNOWLEDGED"):
            session.add_packages("no-such-package-anywhere")

    def test_a_udtf_yields_rows(session: Any) -> None:
        class Counter:
            def process(self, n: int) -> Iterator[tuple[int]]:
                for i in range(n):
                    yield (i,)

        counter = udtf(Counter, output_schema=StructType([StructField("I", IntegerType())]), input_types=[IntegerType()])
        assert rows(session.table_function(counter(F.lit(3)))) == [(0,), (1,), (2,)]

    def test_temporary_udfs_are_the_sessions_own(patched: None) -> None:
        """"Temporary … only exists for the duration of the session" and other sessions do not see it."""
        mine = Session.builder.configs({"connection": connect()}).create()
        other = connect().cursor()
        minus = udf(lambda x: x - 1, return_type=IntegerType(), input_types=[IntegerType()], name="minus_one",
                    session=mine)
        assert rows(mine.range(1, 3).select(minus("ID"))) == [(0,), (1,)]
        with pytest.raises(snowflake.connector.errors.ProgrammingError) as caught:
            other.execute("SELECT minus_one(1)")
        assert caught.value.errno == 2140
        mine.close()
        assert [r for r in other.execute("SHOW USER FUNCTIONS LIKE 'MINUS_ONE'").fetchall()] == []

    def test_vectorized_udfs_are_refused_by_name(session: Any) -> None:
        with pytest.raises(NotSupportedError, match="Vectorized Python UDFs is not supported") as caught:
            pandas_udf(lambda x: x + 1, return_type=PandasSeriesType(IntegerType()),
                       input_types=[PandasSeriesType(IntegerType())])
        assert (caught.value.errno, caught.value.sqlstate) == (2, "0A000")

    # -- functions and stored procedures (calling-functions) ----------------------------------------

    def test_calling_system_and_user_functions_and_procedures(session: Any) -> None:
        df = session.create_dataframe([[-1, "a"], [2, "b"]], schema=["N", "S"])
        my_abs = F.function("abs")
        assert rows(df.select(F.call_function("abs", F.col("N")), F.call_builtin("upper", F.col("S")),
                              my_abs(F.col("N")))) == [(1, "A", 1), (2, "B", 2)]
        session.sql("CREATE OR REPLACE FUNCTION twice(x NUMBER) RETURNS NUMBER AS 'x * 2'").collect()
        assert rows(df.select(F.call_udf("twice", F.col("N")))) == [(-2,), (4,)]
        session.sql("CREATE OR REPLACE PROCEDURE tenfold(x NUMBER) RETURNS NUMBER LANGUAGE SQL "
                    "AS $$ BEGIN RETURN x * 10; END $$").collect()
        session.sql("CREATE OR REPLACE PROCEDURE next_of(x NUMBER) RETURNS VARCHAR LANGUAGE PYTHON "
                    "RUNTIME_VERSION = '3.12' PACKAGES = ('snowflake-snowpark-python') HANDLER = 'run' AS $$\n"
                    "def run(session, x):\n    return str(session.sql(f'SELECT {x} + 1').collect()[0][0])\n$$").collect()
        assert session.call("tenfold", 4) == 40 and session.call("next_of", 41) == "42"
        session.sql("CREATE OR REPLACE FUNCTION numbers(n NUMBER) RETURNS TABLE (V NUMBER) "
                    "AS 'SELECT SEQ4() AS v FROM TABLE(GENERATOR(ROWCOUNT => 3))'").collect()
        assert rows(session.table_function("numbers", F.lit(3))) == [(0,), (1,), (2,)]

    def test_stored_procedures_registered_from_python(session: Any) -> None:
        """@sproc and session.sproc.register make temporary procedures of pickled code (K65); the handler's
        session runs in the caller's."""
        from snowflake.snowpark.functions import sproc

        @sproc(packages=["snowflake-snowpark-python"])
        def plus_one(session: Session, x: int) -> int:
            return session.sql(f"SELECT {x} + 1").collect()[0][0]

        assert plus_one(41) == 42
        session.sql("CREATE OR REPLACE TABLE filled (a INT)").collect()

        def fill(session: Session, n: int) -> str:
            session.create_dataframe([[i] for i in range(n)], schema=["A"]).write.save_as_table("FILLED", mode="append")
            return f"{n} rows"

        session.sproc.register(fill, return_type=StringType(), input_types=[IntegerType()], name="fill_it",
                               replace=True, packages=["snowflake-snowpark-python"])
        assert session.call("fill_it", 3) == "3 rows"
        assert session.table("filled").count() == 3

    # -- creating DataFrames ------------------------------------------------------------------

    def test_create_dataframe_with_a_struct_type_schema(session: Any) -> None:
        schema = StructType([StructField("a", IntegerType()), StructField("b", StringType()),
                             StructField("c", DateType()), StructField("d", DecimalType(10, 2)),
                             StructField("e", TimestampType()), StructField("f", DoubleType())])
        when = dt.datetime(2020, 1, 2, 3, 4, 5)
        df = session.create_dataframe([[1, "x", dt.date(2020, 1, 2), decimal.Decimal("1.50"), when, 1.5]], schema=schema)
        assert rows(df) == [(1, "x", dt.date(2020, 1, 2), decimal.Decimal("1.50"), when, 1.5)]
        assert [type(f.datatype) for f in df.schema.fields] == [LongType, StringType, DateType, DecimalType,
                                                                TimestampType, DoubleType]
        assert df.schema.fields[3].datatype == DecimalType(10, 2)
        assert rows(session.create_dataframe([Row(a=1, b=2), Row(a=3, b=4)])) == [(1, 2), (3, 4)]
        assert session.create_dataframe([(1, "one")], schema=["id", "name"]).columns == ["ID", "NAME"]
        assert rows(session.create_dataframe([1, 2])) == [(1,), (2,)]

    def test_temp_views_and_session_table(session: Any) -> None:
        session.create_dataframe([[1, 2], [3, 4]], schema=["a", "b"]).create_or_replace_temp_view("pairs")
        assert rows(session.table("pairs").sort("A")) == [(1, 2), (3, 4)]
        assert rows(session.sql("SELECT SUM(a + b) FROM pairs")) == [(10,)]
        assert session.table(["DB", "PUBLIC", "PAIRS"]).columns == ["A", "B"]
        with pytest.raises(SnowparkSQLException, match="does not exist or not authorized") as caught:
            session.table("NOPE").collect()
        assert caught.value.sql_error_code == 2003

    # -- the session's context -----------------------------------------------------------------

    def test_current_context_and_use(session: Any) -> None:
        assert (session.get_current_database(), session.get_current_schema(), session.get_current_warehouse()) \
            == ('"DB"', '"PUBLIC"', '"WH"')
        assert session.get_fully_qualified_current_schema() == '"DB"."PUBLIC"'
        session.sql("CREATE DATABASE IF NOT EXISTS other_db").collect()
        session.sql("CREATE SCHEMA IF NOT EXISTS other_db.s2").collect()
        try:
            session.use_database("other_db")
            session.use_schema("s2")
            assert (session.get_current_database(), session.get_current_schema()) == ('"OTHER_DB"', '"S2"')
            session.use_role("PUBLIC")
            assert session.get_current_role() == '"PUBLIC"'
        finally:
            session.use_role("ACCOUNTADMIN")
            session.use_database("DB")
            session.use_schema("PUBLIC")

    def test_query_tag(session: Any) -> None:
        session.query_tag = "nightly_load"
        try:
            assert session.query_tag == "nightly_load"
            shown = session.sql("SHOW PARAMETERS LIKE 'QUERY_TAG' IN SESSION").collect()
            assert shown[0]["value"] == "nightly_load"
        finally:
            session.query_tag = None
        session.update_query_tag({"team": "ml"})
        assert session.query_tag == '{"team": "ml"}'
        session.query_tag = None

    # -- actions ----------------------------------------------------------------------------------

    def test_asynchronous_jobs(session: Any) -> None:
        df = session.create_dataframe([[1], [2]], schema=["A"])
        job = df.sort("A").collect_nowait()
        assert [r.A for r in job.result()] == [1, 2] and job.is_done()
        assert df.count(block=False).result() == 2
        assert df.to_pandas(block=False).result()["A"].tolist() == [1, 2]
        again = session.create_async_job(session.sql("SELECT 7 AS X").collect_nowait().query_id)
        assert again.result() == [Row(X=7)]

    def test_show_statements_as_dataframes(session: Any) -> None:
        session.create_dataframe([[1]], schema=["A"]).write.save_as_table("SHOWN", mode="overwrite")
        tables = session.sql("SHOW TABLES LIKE 'SHOWN'")
        assert rows(tables.select('"name"', '"rows"')) == [("SHOWN", 1)]
        session.sql("SHOW TABLES LIKE 'SHOWN'").collect()
        assert rows(session.sql('SELECT "name" FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))')) == [("SHOWN",)]
        assert len(session.sql("SHOW SCHEMAS IN DATABASE DB").collect()) >= 2

    def test_dynamic_table_from_a_dataframe(session: Any) -> None:
        """DataFrame.create_or_replace_dynamic_table writes `LAG = …` (K66); SHOW DYNAMIC TABLES read back
        through RESULT_SCAN (K67)."""
        session.create_dataframe([[1, "x"], [2, "y"]], schema=["A", "B"]).write.save_as_table("DT_SRC", mode="overwrite")
        session.table("DT_SRC").filter(F.col("A") > 1).create_or_replace_dynamic_table(
            "DT_OUT", warehouse="WH", lag="1 minute")
        assert rows(session.table("DT_OUT")) == [(2, "y")]
        shown = session.sql("SHOW DYNAMIC TABLES LIKE 'DT_OUT'").select('"name"', '"target_lag"', '"rows"')
        assert rows(shown) == [("DT_OUT", "1 minute", 1)]

    # -- joins, windows -----------------------------------------------------------------------

    def test_joins_with_the_same_column_names(session: Any) -> None:
        a = session.create_dataframe([[1, "x"], [2, "y"]], schema=["K", "V"])
        b = session.create_dataframe([[1, "p"], [3, "q"]], schema=["K", "V"])
        suffixed = a.join(b, a["K"] == b["K"], lsuffix="_a", rsuffix="_b")
        assert suffixed.columns == ["K_A", "V_A", "K_B", "V_B"] and rows(suffixed) == [(1, "x", 1, "p")]
        picked = a.join(b, a.K == b.K, "left").select(a.K.alias("K"), a.V.alias("AV"), b.V.alias("BV")).sort("K")
        assert rows(picked) == [(1, "x", "p"), (2, "y", None)]
        assert rows(a.join(b, ["K", "V"], how="full").sort("K", "V")) == [(1, "p"), (1, "x"), (2, "y"), (3, "q")]
        events = session.create_dataframe([[1, 5], [2, 15]], schema=["ID", "T"])
        prices = session.create_dataframe([[0, 100], [10, 110]], schema=["T0", "P"])
        asof = events.join(prices, how="asof", match_condition=events["T"] >= prices["T0"]).sort("ID")
        assert rows(asof.select("ID", "P")) == [(1, 100), (2, 110)]

    def test_moving_windows(session: Any) -> None:
        df = session.create_dataframe([["a", 1, 10], ["a", 2, 20], ["a", 3, 30], ["b", 1, 5]], schema=["G", "T", "V"])
        moving = Window.partition_by("G").order_by("T").rows_between(-1, Window.CURRENT_ROW)
        rest = Window.partition_by("G").order_by("T").rows_between(Window.CURRENT_ROW, Window.UNBOUNDED_FOLLOWING)
        got = df.select("G", "T", F.sum("V").over(moving).alias("S"), F.max("V").over(rest).alias("M"),
                        F.dense_rank().over(Window.order_by("V")).alias("R")).sort("G", "T")
        assert rows(got) == [("a", 1, 10, 30, 2), ("a", 2, 30, 30, 3), ("a", 3, 50, 30, 4), ("b", 1, 5, 5, 1)]

    # -- tables ------------------------------------------------------------------------------

    def test_merge_with_conditional_clauses(session: Any) -> None:
        session.create_dataframe([[1, "a", 10], [2, "b", 20], [3, "c", 30]],
                                 schema=["ID", "V", "N"]).write.save_as_table("TARGET", mode="overwrite")
        t = session.table("TARGET")
        src = session.create_dataframe([[1, "A", 100], [2, "B", 200], [4, "D", 400], [5, "E", 50]],
                                       schema=["ID", "V", "N"])
        result = t.merge(src, t["ID"] == src["ID"], [
            when_matched(src["N"] > 150).update({"V": src["V"], "N": src["N"]}),
            when_matched().delete(),
            when_not_matched(src["N"] > 300).insert([src["ID"], src["V"], src["N"]])])
        assert (result.rows_inserted, result.rows_updated, result.rows_deleted) == (1, 1, 1)
        assert rows(t.sort("ID")) == [(2, "B", 200), (3, "c", 30), (4, "D", 400)]
        assert t.update({"N": t["N"] + 1}, t["N"] > 100).rows_updated == 2
        assert t.delete(t["V"] == "c").rows_deleted == 1
        assert rows(t.sort("ID").select("N")) == [(201,), (401,)]

    # -- stages ------------------------------------------------------------------------------

    def test_read_parquet_and_json_from_a_stage(session: Any, tmp_path: Path) -> None:
        pd.DataFrame({"A": [1, 2], "B": ["x", "y"]}).to_parquet(tmp_path / "f.parquet")
        (tmp_path / "f.json").write_text('{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n')
        session.sql("CREATE OR REPLACE STAGE files").collect()
        session.file.put(str(tmp_path / "f.parquet"), "@files/p/", auto_compress=False)
        session.file.put(str(tmp_path / "f.json"), "@files/j/")
        parquet = session.read.parquet("@files/p/")
        assert [f.name for f in parquet.schema.fields] == ["A", "B"]
        assert rows(parquet.sort("A")) == [(1, "x"), (2, "y")]
        docs = session.read.json("@files/j/")
        assert sorted(rows(docs.select(F.col("$1")["a"].cast("int"), F.col("$1")["b"].cast("string")))) \
            == [(1, "x"), (2, "y")]
        assert session.file.get_stream("@files/j/f.json.gz", decompress=True).read().count(b"\n") == 2

    def test_put_stream_and_show_stages(session: Any) -> None:
        """FileOperation.put_stream (K62) and SHOW STAGES (K61) as a DataFrame."""
        session.sql("CREATE OR REPLACE STAGE streamed COMMENT = 'uploads'").collect()
        put = session.file.put_stream(io.BytesIO(b"1,x\n2,y\n"), "@streamed/in/rows.csv")
        assert (put.source, put.target, put.status) == ("rows.csv", "rows.csv.gz", "UPLOADED")
        schema = StructType([StructField("N", IntegerType()), StructField("S", StringType())])
        assert rows(session.read.schema(schema).csv("@streamed/in/").sort("N")) == [(1, "x"), (2, "y")]
        stages = session.sql("SHOW STAGES LIKE 'STREAMED'").select('"name"', '"type"', '"comment"')
        assert rows(stages) == [("STREAMED", "INTERNAL", "uploads")]
else:
    def test_snowpark_programs_in_client_environment(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=240)
