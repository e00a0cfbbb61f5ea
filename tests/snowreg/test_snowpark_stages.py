"""Snowpark's readers and writers over stages on a `snowreg.patch()` session: `session.read.csv` (with and
without a schema; by default it asks INFER_SCHEMA), `DataFrame.copy_into_table` and
`DataFrameWriter.copy_into_location` (https://docs.snowflake.com/en/developer-guide/snowpark/python/working-with-dataframes,
the DataFrameReader and DataFrameWriter reference pages). In the project environment one test re-runs this file
in `.venv-client`."""

from __future__ import annotations

import importlib.util
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


if _have("snowflake.connector") and _have("snowflake.snowpark"):
    import snowflake.connector
    from snowflake.snowpark import Session
    from snowflake.snowpark.types import IntegerType, StringType, StructField, StructType

    @pytest.fixture
    def session(tmp_path: Path) -> Iterator[Any]:
        with snowreg.patch():
            conn = snowflake.connector.connect(account="acme", user="me", password="x", database="DB",
                                               schema="PUBLIC", warehouse="WH")
            s = Session.builder.configs({"connection": conn}).create()
            (tmp_path / "people.csv").write_text("id,name\n1,ann\n2,bob\n")
            s.sql("CREATE STAGE st").collect()
            s.file.put(str(tmp_path / "people.csv"), "@st/in/", auto_compress=False)
            try:
                yield s
            finally:
                s.close()

    SCHEMA = StructType([StructField("id", IntegerType()), StructField("name", StringType())])

    def test_read_csv_with_a_schema_and_copy_into_table(session: Any) -> None:
        reader = session.read.schema(SCHEMA).option("skip_header", 1)
        assert [tuple(r) for r in reader.csv("@st/in/").collect()] == [(1, "ann"), (2, "bob")]
        session.sql("CREATE TABLE people (id INT, name VARCHAR)").collect()
        reader.csv("@st/in/").copy_into_table("people")
        assert [tuple(r) for r in session.table("people").sort("ID").collect()] == [(1, "ann"), (2, "bob")]

    def test_read_csv_infers_the_header_and_types(session: Any) -> None:
        frame = session.read.option("parse_header", True).csv("@st/in/")
        assert [f.name for f in frame.schema.fields] == ['"id"', '"name"']
        assert [tuple(r) for r in frame.collect()] == [(1, "ann"), (2, "bob")]

    def test_copy_into_location_writes_files_that_read_back(session: Any) -> None:
        df = session.create_dataframe([[1, "x"], [2, "y"]], schema=["A", "B"])
        result = df.write.copy_into_location("@st/out/", file_format_type="csv", header=True, overwrite=True)
        assert result[0]["rows_unloaded"] == 2
        back = session.read.option("parse_header", True).csv("@st/out/")
        assert sorted(tuple(r) for r in back.collect()) == [(1, "x"), (2, "y")]
else:
    def test_snowpark_stages_in_client_environment(rerun_in_client: Callable[..., None]) -> None:
        """Re-run this file with the client environment's interpreter (CI creates `.venv-client`)."""
        rerun_in_client(__file__, timeout=240)
