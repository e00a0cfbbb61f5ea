"""The snowflake-connector-python surface of snowreg connections and cursors (docs/SNOWFLAKE.md#c8)."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg
from snowreg.dbapi import ResultMetadata


def test_fetch_tuples_dicts_and_description(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    assert cur.execute("SELECT 1 AS A, 'x' AS B, 1.5::FLOAT AS C").fetchall() == [(1, "x", 1.5)]
    assert [(d.name, d.type_code) for d in cur.description] == [("A", 0), ("B", 2), ("C", 1)]
    assert isinstance(cur.description[0], ResultMetadata)
    assert cur.query == "SELECT 1 AS A, 'x' AS B, 1.5::FLOAT AS C"
    assert cur.sfqid and cur.rowcount == 1
    rows = snowreg_conn.cursor(snowreg.DictCursor).execute("SELECT 1 AS A, 'x' AS B").fetchall()
    assert rows == [{"A": 1, "B": "x"}]


def test_fetch_arrow_and_pandas(snowreg_conn: Any) -> None:
    pd = pytest.importorskip("pandas")
    cur = snowreg_conn.cursor()
    cur.execute("SELECT 1 AS N, 'a' AS S UNION ALL SELECT 2, 'b' ORDER BY 1")
    table = cur.fetch_arrow_all()
    assert table.column_names == ["N", "S"] and table.to_pydict() == {"N": [1, 2], "S": ["a", "b"]}
    assert cur.fetch_arrow_all() is None  # nothing left
    assert cur.fetch_arrow_all(force_return_table=True).num_rows == 0
    cur.execute("SELECT 1 AS N, 2.5 AS D WHERE 1 = 1")
    frame = cur.fetch_pandas_all()
    assert list(frame.columns) == ["N", "D"] and frame["N"].tolist() == [1] and frame["D"].tolist() == [2.5]
    cur.execute("SELECT 1 AS N WHERE FALSE")
    empty = cur.fetch_pandas_all()
    assert isinstance(empty, pd.DataFrame) and list(empty.columns) == ["N"] and empty.empty
    cur.execute("SELECT 1 AS N UNION ALL SELECT 2")
    assert [len(b) for b in cur.fetch_pandas_batches()] == [2]
    cur.execute("SELECT 1 AS N")
    assert [b.num_rows for b in cur.fetch_arrow_batches()] == [1]


def test_show_columns_are_lower_case_and_json_is_text(snowreg_cursor: Any) -> None:
    snowreg_cursor.execute("SHOW MODELS")
    assert [d.name for d in snowreg_cursor.description][:3] == ["created_on", "name", "model_type"]
    snowreg_cursor.execute("SELECT PARSE_JSON('{\"a\": 1}') AS V")
    assert snowreg_cursor.description[0].type_code == 5
    assert isinstance(snowreg_cursor.fetchone()[0], str)


def test_results_by_query_id_and_async(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    qid = cur.execute("SELECT 42 AS X").sfqid
    other = snowreg_conn.cursor()
    other.get_results_from_sfqid(qid)
    assert other.fetchall() == [(42,)]
    assert snowreg_conn.cursor().query_result(qid).fetchall() == [(42,)]
    handle = cur.execute_async("SELECT 7 AS Y")
    assert snowreg_conn.get_query_status(handle["queryId"]).name == "SUCCESS"
    assert not snowreg_conn.is_still_running(snowreg_conn.get_query_status(handle["queryId"]))
    later = snowreg_conn.cursor()
    later.get_results_from_sfqid(handle["queryId"])
    assert later.fetchall() == [(7,)]


def test_failed_async_query_reports_its_error(snowreg_conn: Any) -> None:
    handle = snowreg_conn.cursor().execute_async("SELECT * FROM NOPE")
    status = snowreg_conn.get_query_status(handle["queryId"])
    assert snowreg_conn.is_an_error(status)
    with pytest.raises(snowreg.ProgrammingError) as e:
        snowreg_conn.get_query_status_throw_if_error(handle["queryId"])
    assert e.value.errno == 2003


def test_describe_types_without_running(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    cur.execute("CREATE TABLE T (A NUMBER(10, 2), B VARCHAR)")
    described = cur._describe_internal("INSERT INTO T SELECT 1, 'x'")
    assert [c.name for c in described] == ["number of rows inserted"]  # its count column (DECISIONS.md M24)
    columns = cur.describe("SELECT A, B FROM T")
    assert [(c.name, c.type_code, c.precision, c.scale) for c in columns] == [("A", 0, 10, 2), ("B", 2, None, None)]
    assert cur.execute("SELECT COUNT(*) AS N FROM T").fetchall() == [(0,)]


def test_execute_keyword_arguments_snowpark_passes(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    cur.execute("SELECT ? AS A", params=[5], _statement_params={"project": "x"}, _is_internal=True,
                _describe_only=False, num_statements=1, _force_qmark_paramstyle=True)
    assert cur.fetchall() == [(5,)]
    assert cur.execute("SELECT 1; SELECT 2", num_statements=0).fetchall() == [(1,)]
    assert cur.nextset() and cur.fetchall() == [(2,)]


def test_execute_string_and_errors(snowreg_conn: Any) -> None:
    cursors = snowreg_conn.execute_string("CREATE TABLE T (A INT); INSERT INTO T VALUES (1); SELECT A FROM T")
    assert cursors[-1].fetchall() == [(1,)]
    with pytest.raises(snowreg.ProgrammingError) as e:
        snowreg_conn.cursor().execute("SELEC 1")
    assert (e.value.errno, e.value.sqlstate) == (1003, "42000")
    assert str(e.value).startswith("001003 (42000): SQL compilation error:")
    assert e.value.sfqid is not None


def test_connection_attributes_snowpark_reads(snowreg_conn: Any) -> None:
    assert snowreg_conn.database == "TEST_DB" and snowreg_conn.schema == "PUBLIC"
    assert snowreg_conn._session_parameters == {} and snowreg_conn._telemetry is None
    assert isinstance(snowreg_conn.session_id, int) and not snowreg_conn.expired
    assert snowreg_conn._paramstyle == "pyformat" and not snowreg_conn.is_closed()


@pytest.mark.parametrize(("sql", "value"), [
    ("SELECT SYSTEM$ML_PLATFORM_CAPABILITIES() AS FEATURES;", '"ENABLE_LIVE_VERSION_IN_SDK":true'),
    ("select system$cancel_all_queries(12)", "0 cancelled."),
    ("SELECT 'SYSTEM$GET_TAG(x)' AS T", "SYSTEM$GET_TAG(x)"),
])
def test_system_functions(snowreg_cursor: Any, sql: str, value: str) -> None:
    assert value in snowreg_cursor.execute(sql).fetchone()[0]


def test_system_get_tag(snowreg_cursor: Any, snowreg_registry: Any) -> None:
    pytest.importorskip("sklearn")
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit([[1.0], [2.0]], [1.0, 2.0])
    snowreg_registry.log_model(model, model_name="M", version_name="V1", sample_input_data=[[1.0]])
    snowreg_cursor.execute("CREATE TAG STAGE_TAG")
    get = "SELECT SYSTEM$GET_TAG($$TEST_DB.PUBLIC.STAGE_TAG$$, $$TEST_DB.PUBLIC.M$$, 'MODULE') AS TAG_VALUE"
    assert snowreg_cursor.execute(get).fetchall() == [(None,)]
    snowreg_cursor.execute("ALTER MODEL M SET TAG STAGE_TAG = $$prod$$")
    assert snowreg_cursor.execute(get).fetchall() == [("prod",)]
    assert [d.name for d in snowreg_cursor.description] == ["TAG_VALUE"]
    with pytest.raises(snowreg.NotSupportedError):
        snowreg_cursor.execute("SELECT SYSTEM$GET_TAG(A, 'M', 'MODULE') FROM (SELECT 'x' AS A)")
    with pytest.raises(snowreg.NotSupportedError):
        snowreg_cursor.execute("SELECT SYSTEM$ALLOWLIST()")


def test_write_pandas_sql_path(snowreg_conn: Any, tmp_path: Any) -> None:
    """The statements the connector's own write_pandas sends (docs/SNOWFLAKE.md#c8): parquet via a stage."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"A": [1, 2], "b": ["x", None], "C": [0.5, 1.5]}), tmp_path / "file0.txt")
    cur = snowreg_conn.cursor()
    stage, fmt, table = '"TEST_DB"."PUBLIC"."ST"', '"TEST_DB"."PUBLIC"."FF"', '"TEST_DB"."PUBLIC"."T"'
    cur.execute("CREATE TEMP STAGE /* Python:write_pandas() */ identifier(?) FILE_FORMAT=(TYPE=PARQUET "
                "COMPRESSION=auto BINARY_AS_TEXT=FALSE)", [stage])
    cur._upload(f"'file://{tmp_path / 'file0.txt'}'", "@" + stage, {"parallel": 4})
    cur.execute("CREATE TEMP FILE FORMAT identifier(?) /* c */ TYPE=PARQUET COMPRESSION=auto", [fmt])
    inferred = cur.execute("SELECT COLUMN_NAME, TYPE FROM table(infer_schema(location=>?, file_format=>?))",
                           ["@" + stage, fmt]).fetchall()
    assert inferred == [("A", "NUMBER(38, 0)"), ("b", "TEXT"), ("C", "REAL")]
    cur.execute('CREATE TABLE IF NOT EXISTS identifier(?) ("A" NUMBER(38, 0), "b" TEXT, "C" REAL)', [table])
    loaded = cur.execute(
        'COPY INTO identifier(?) /* c */ ("A","b","C") FROM (SELECT $1:"A"::NUMBER(38, 0),$1:"b"::TEXT,'
        f"$1:\"C\"::REAL FROM '@{stage}') FILE_FORMAT=(TYPE=PARQUET COMPRESSION=auto) PURGE=TRUE ON_ERROR=?",
        [table, "abort_statement"]).fetchall()
    assert [(r[0], r[1], r[3]) for r in loaded] == [("file0.txt", "LOADED", 2)]
    assert cur.execute('SELECT "A", "b", "C" FROM T ORDER BY 1').fetchall() == [(1, "x", 0.5), (2, None, 1.5)]
    assert cur.execute(f"LIST @{stage}").fetchall() == []  # PURGE = TRUE
    cur.execute("DROP FILE FORMAT IF EXISTS identifier(?)", [fmt])
    with pytest.raises(snowreg.NotSupportedError):
        cur.execute("CREATE FILE FORMAT F TYPE = XML")


def test_identifier_table_names_are_checked(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    cur.execute("CREATE TABLE identifier('\"TEST_DB\".PUBLIC.\"t\"') (A INT)")
    cur.execute("ALTER TABLE identifier('TEST_DB.PUBLIC.\"t\"') RENAME TO identifier('U')")
    assert cur.execute("SELECT COUNT(*) FROM identifier('test_db.public.u')").fetchall() == [(0,)]


def test_results_by_query_id_from_another_session_of_the_same_user(snowreg_conn: Any) -> None:
    """RESULT_SCAN's page: "the command or query can be from the current session or any of your other
    sessions"; only the user who ran it may read it (not even ACCOUNTADMIN another user's)."""
    cur = snowreg_conn.cursor()
    cur.execute("CREATE USER BOB")
    cur.execute("GRANT ROLE ACCOUNTADMIN TO USER BOB")
    qid = cur.execute("SELECT 42 AS X").sfqid
    failed = cur.execute_async("SELECT * FROM NOPE")["queryId"]
    other = snowreg_conn.open_session(user=snowreg_conn.user)
    later = other.cursor()
    later.get_results_from_sfqid(qid)
    assert later.fetchall() == [(42,)]
    assert other.get_query_status(qid).name == "SUCCESS"
    assert later.execute(f"SELECT X + 1 FROM TABLE(RESULT_SCAN('{qid}'))").fetchall() == [(43,)]
    assert other.get_query_status(failed).name == "NO_DATA"  # the error stays with its connection
    bob = snowreg_conn.open_session(user="BOB", role="ACCOUNTADMIN").cursor()
    for attempt in (lambda: bob.get_results_from_sfqid(qid),
                    lambda: bob.execute(f"SELECT * FROM TABLE(RESULT_SCAN('{qid}'))")):
        with pytest.raises(snowreg.ProgrammingError) as e:
            attempt()
        assert e.value.errno == 709


def test_execute_stream_and_is_valid(snowreg_conn: Any) -> None:
    import io

    cursors = snowreg_conn.execute_stream(io.StringIO("CREATE TABLE S (A INT);\nINSERT INTO S VALUES (1), (2);\n"
                                                      "SELECT COUNT(*) FROM S;"))
    assert [c.fetchall() for c in cursors][-1] == [(2,)]
    assert snowreg_conn.is_valid()
    snowreg_conn.close()
    assert not snowreg_conn.is_valid()

def test_executemany_insert_is_one_statement(snowreg_conn: Any) -> None:
    # The connector sends executemany of INSERT … VALUES as one multi-row INSERT (pyformat: the VALUES
    # tuple repeated; qmark: array binding): one count for all rows, and a bad row inserts none.
    cur = snowreg_conn.cursor()
    cur.execute("CREATE OR REPLACE TABLE em (i INT, v VARCHAR(3))")
    cur.executemany("INSERT INTO em (i, v) VALUES (%s, %s)", [(1, "a"), (2, "b'"), (3, None)])
    assert (cur.rowcount, cur.fetchall()) == (3, [(3,)])
    with pytest.raises(snowreg.ProgrammingError) as failed:
        cur.executemany("insert into em values (%s, %s)", [(4, "ok"), (5, "long")])
    assert failed.value.errno == 100074
    cur.executemany("INSERT INTO em VALUES (%(i)s, %(v)s)", [{"i": 6, "v": "(x"}, {"i": 7, "v": ")"}])
    cur.executemany("UPDATE em SET v = %s WHERE i = %s", [("u", 1), ("w", 2)])
    assert cur.rowcount == 2
    assert cur.execute("SELECT i, v FROM em ORDER BY i").fetchall() == [
        (1, "u"), (2, "w"), (3, None), (6, "(x"), (7, ")")]


def test_statement_arguments_by_pep_249s_names(snowreg_conn: Any) -> None:
    """PEP 249 (and the connector 5.x) name them `operation` / `parameters` (`seq_of_parameters` for
    executemany); the connector 4.x `command` / `params` (`seqparams`); 5.x keeps `params` and `seqparams`
    as aliases. Each spelling binds its values."""
    # ref: https://peps.python.org/pep-0249/#id15
    cur = snowreg_conn.cursor()
    cur.execute(operation="CREATE TABLE P (A INT)")
    cur.executemany(operation="INSERT INTO P VALUES (%s)", seq_of_parameters=[(1,), (2,)])
    cur.executemany("INSERT INTO P VALUES (%s)", seqparams=[(3,)])
    assert cur.execute("SELECT COUNT(*) FROM P WHERE A > %s", parameters=(1,)).fetchone() == (2,)
    assert cur.execute(operation="SELECT COUNT(*) FROM P WHERE A < %s", params=(3,)).fetchone() == (2,)
    assert cur.execute(command="SELECT %s", params=("c",)).fetchone() == ("c",)
    assert [d.name for d in cur.describe(operation="SELECT A AS X FROM P WHERE A = %s", parameters=(1,))] == ["X"]
    qid = cur.execute_async(operation="SELECT %s + 1", parameters=(41,))["queryId"]
    cur.get_results_from_sfqid(qid)
    assert cur.fetchall() == [(42,)]


def test_put_reads_a_file_stream(snowreg_conn: Any) -> None:
    """`cursor.execute("PUT file:///…/name @stage", file_stream=f)` uploads the stream's bytes as `name` (what
    Snowpark's FileOperation.put_stream sends, https://docs.snowflake.com/developer-guide/snowpark/reference/python/api/snowflake.snowpark.FileOperation.put_stream.html;
    DECISIONS.md K62)."""
    import io

    cur = snowreg_conn.cursor()
    cur.execute("CREATE STAGE streamed")
    cur.execute("PUT 'file:///tmp/placeholder/g.csv' @streamed/c/", file_stream=io.BytesIO(b"3,z\n"))
    assert [(r[0], r[1], r[2], r[6]) for r in cur.fetchall()] == [("g.csv", "g.csv.gz", 4, "UPLOADED")]
    cur.execute("PUT 'file:///tmp/placeholder/h.csv' @streamed/c/ AUTO_COMPRESS = FALSE", file_stream=io.BytesIO(b"4,w\n"))
    assert [r[0] for r in cur.execute("LIST @streamed").fetchall()] == ["streamed/c/g.csv.gz", "streamed/c/h.csv"]
    assert cur.execute("SELECT $1, $2 FROM @streamed/c/ ORDER BY 1").fetchall() == [("3", "z"), ("4", "w")]
