"""What the cursor gives per Snowflake type, as the Python connector documents it (docs/CONNECTOR.md).

`description` entries as the connector's ResultMetadata, Python values per column type, the pandas dtypes
of `fetch_pandas_all`, the Arrow types of `fetch_arrow_all`, and the three paramstyles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import snowreg

TYPES_TABLE = """CREATE TABLE T (N NUMBER(10, 2), I INT, F FLOAT, V VARCHAR(20), S STRING, B BOOLEAN, D DATE,
    TM TIME, TN TIMESTAMP_NTZ, TN3 TIMESTAMP_NTZ(3), TL TIMESTAMP_LTZ, TZ TIMESTAMP_TZ, VA VARIANT, O OBJECT,
    A ARRAY, BIN BINARY, BIN4 BINARY(4))"""
TYPES_ROW = """INSERT INTO T SELECT 12.34, 5, 1.5, 'abc', 'x', TRUE, '2024-01-02', '12:34:56.789',
    '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.123', '2024-01-02 03:04:05 +01:00'::TIMESTAMP_LTZ,
    '2024-01-02 03:04:05 +01:00'::TIMESTAMP_TZ, PARSE_JSON('{"a": 1}'), OBJECT_CONSTRUCT('k', 2),
    ARRAY_CONSTRUCT(1, 2), TO_BINARY('ABCD', 'HEX'), TO_BINARY('AB', 'HEX')"""

# (name, type_code, display_size, internal_size, precision, scale, is_nullable) as ResultMetadata.from_column
# builds them from Snowflake's rowtype: `length` only for text, binary and array columns; precision and
# scale for NUMBER and the fractional digits (precision 0) of TIME / TIMESTAMP_*.
EXPECTED_DESCRIPTION = [
    ("N", 0, None, None, 10, 2, True), ("I", 0, None, None, 38, 0, True), ("F", 1, None, None, None, None, True),
    ("V", 2, None, 20, None, None, True), ("S", 2, None, 16777216, None, None, True),
    ("B", 13, None, None, None, None, True), ("D", 3, None, None, None, None, True),
    ("TM", 12, None, None, 0, 9, True), ("TN", 8, None, None, 0, 9, True), ("TN3", 8, None, None, 0, 3, True),
    ("TL", 6, None, None, 0, 9, True), ("TZ", 7, None, None, 0, 9, True), ("VA", 5, None, None, None, None, True),
    ("O", 9, None, None, None, None, True), ("A", 10, None, 16777216, None, None, True),
    ("BIN", 11, None, 8388608, None, None, True), ("BIN4", 11, None, 4, None, None, True),
]


@pytest.fixture
def typed(snowreg_conn: Any) -> Any:
    cur = snowreg_conn.cursor()
    cur.execute(TYPES_TABLE)
    cur.execute(TYPES_ROW)
    return cur.execute("SELECT * FROM T")


def test_description_is_the_connectors_result_metadata(typed: Any) -> None:
    assert [tuple(d) for d in typed.description] == EXPECTED_DESCRIPTION
    assert typed.description[0]._fields == ("name", "type_code", "display_size", "internal_size", "precision",
                                            "scale", "is_nullable")


def test_not_null_columns_are_not_nullable(snowreg_conn: Any) -> None:
    cur = snowreg_conn.cursor()
    cur.execute("CREATE TABLE K (ID INT PRIMARY KEY, NAME VARCHAR NOT NULL, NOTE VARCHAR)")
    cur.execute("SELECT * FROM K")
    assert [d.is_nullable for d in cur.description] == [False, False, True]
    assert [d.is_nullable for d in cur.execute("SELECT NOTE, NAME FROM K").description] == [True, False]
    assert [d.is_nullable for d in cur.describe("SELECT NAME FROM K WHERE ID = 1")] == [False]


def test_python_value_types_per_column_type(typed: Any) -> None:
    row = dict(zip([d.name for d in typed.description], typed.fetchone(), strict=True))
    assert row["N"] == Decimal("12.34") and type(row["I"]) is int and type(row["F"]) is float
    assert (row["V"], row["B"], row["D"]) == ("abc", True, dt.date(2024, 1, 2))
    assert row["TM"] == dt.time(12, 34, 56, 789000)
    assert row["TN"] == dt.datetime(2024, 1, 2, 3, 4, 5, 123456) and row["TN"].tzinfo is None
    assert row["TL"].tzinfo is not None and row["TL"] == dt.datetime(2024, 1, 2, 2, 4, 5, tzinfo=dt.UTC)
    assert row["TZ"].tzinfo is not None and row["TZ"] == dt.datetime(2024, 1, 2, 2, 4, 5, tzinfo=dt.UTC)
    assert row["VA"] == '{\n  "a": 1\n}' and row["A"] == "[\n  1,\n  2\n]"  # JSON text, 2-space indent
    assert row["BIN"] == b"\xab\xcd" and type(row["BIN"]) is bytes


def test_fetch_pandas_all_dtypes(snowreg_conn: Any) -> None:
    pd = pytest.importorskip("pandas")
    cur = snowreg_conn.cursor()
    cur.execute(TYPES_TABLE)
    cur.execute(TYPES_ROW)
    frame = cur.execute("SELECT * FROM T").fetch_pandas_all()
    dtypes = {k: str(v) for k, v in frame.dtypes.items()}
    # integers in the narrowest width their values need, scaled NUMBER as float64, LTZ / TZ in the session zone
    assert (dtypes["I"], dtypes["N"], dtypes["F"], dtypes["B"]) == ("int8", "float64", "float64", "bool")
    assert dtypes["TN"] == "datetime64[ns]" and dtypes["TN3"] == "datetime64[ms]"
    assert dtypes["TL"] == dtypes["TZ"] == "datetime64[ns, America/Los_Angeles]"
    assert all(dtypes[c] == "object" for c in ("D", "TM", "BIN"))
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in ("V", "VA", "O", "A"))
    assert isinstance(frame["D"][0], dt.date) and isinstance(frame["TM"][0], dt.time)
    wide = cur.execute("SELECT 1 AS A, 300 AS B, 70000 AS C, 5000000000 AS D, NULL::INT AS E, "
                       "10::NUMBER(38, 0) * 1e30::NUMBER(38, 0) AS F").fetch_pandas_all()
    assert [str(t) for t in wide.dtypes] == ["int8", "int16", "int32", "int64", "float64", "object"]
    cur.execute("ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'")
    tokyo = cur.execute("SELECT TL FROM T").fetch_pandas_all()
    assert str(tokyo.dtypes["TL"]) == "datetime64[ns, Asia/Tokyo]" and tokyo["TL"][0].hour == 11


def test_fetch_arrow_all_types(typed: Any) -> None:
    pa = pytest.importorskip("pyarrow")
    table = typed.fetch_arrow_all()
    types = dict(zip(table.column_names, table.schema.types, strict=True))
    assert types["I"] == pa.int8() and types["N"] == pa.float64() and types["D"] == pa.date32()
    assert types["TN"] == pa.timestamp("ns") and types["TN3"] == pa.timestamp("ms")
    assert types["TL"] == pa.timestamp("ns", "America/Los_Angeles") and types["TM"] == pa.time64("us")
    assert types["BIN"] == pa.binary() and types["VA"] == pa.string()


def test_pyformat_binds_as_the_connector_writes_the_text(snowreg_conn: Any) -> None:
    """Client-side binding: a date, datetime, time or Decimal becomes a quoted string, so `SELECT %s` of
    one is VARCHAR; in a comparison or an INSERT Snowflake converts it as usual."""
    cur = snowreg_conn.cursor()
    values = (1, 1.5, "it's", None, True, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5, 6),
              Decimal("1.25"), b"\x01", dt.time(1, 2, 3))
    cur.execute("SELECT " + ", ".join(["%s"] * len(values)), values)
    assert cur.fetchone() == (1, Decimal("1.5"), "it's", None, True, "2024-01-02", "2024-01-02 03:04:05.000006",
                              "1.25", b"\x01", "01:02:03")
    assert [d.type_code for d in cur.description] == [0, 0, 2, 2, 13, 2, 2, 2, 11, 2]
    assert cur.execute("SELECT 1 WHERE 2 IN (%s)", ([1, 2, 3],)).fetchall() == [(1,)]
    assert cur.execute("SELECT %(a)s || '%%'", {"a": "x%%"}).fetchall() == [("x%%%",)]
    cur.execute("CREATE TABLE E (D DATE, N NUMBER(10, 2))")
    cur.execute("INSERT INTO E VALUES (%s, %s)", (dt.date(2024, 1, 2), Decimal("1.25")))
    assert cur.execute("SELECT * FROM E WHERE D = %s", (dt.date(2024, 1, 2),)).fetchall() == [
        (dt.date(2024, 1, 2), Decimal("1.25"))]
    with pytest.raises(snowreg.ProgrammingError) as e:
        cur.execute("SELECT %s", (object(),))
    assert e.value.errno == 252004


@pytest.mark.parametrize("style", ["qmark", "numeric"])
def test_qmark_and_numeric_bind_typed_values(style: str) -> None:
    with snowreg.connect(database="DB", schema="PUBLIC", paramstyle=style) as conn:
        cur = conn.cursor()
        values = (1, 1.5, "it's", None, True, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5, 6),
                  Decimal("1.25"), b"\x01", dt.time(1, 2, 3))
        marks = ["?"] * len(values) if style == "qmark" else [f":{i + 1}" for i in range(len(values))]
        cur.execute("SELECT " + ", ".join(marks), values)
        assert cur.fetchone() == values
        assert [d.type_code for d in cur.description] == [0, 1, 2, 2, 13, 3, 8, 0, 11, 12]
        mark = "?" if style == "qmark" else ":1"
        cur.execute(f"SELECT {mark}", [("TIMESTAMP_LTZ", dt.datetime(2024, 1, 1, 12))])
        assert cur.description[0].type_code == 6 and cur.fetchone()[0].hour == 12
        with pytest.raises(snowreg.ProgrammingError) as e:
            cur.execute(f"SELECT {mark}", [object()])
        assert e.value.errno == 252011
    assert conn.is_closed()


def test_an_unknown_paramstyle_is_refused() -> None:
    with pytest.raises(snowreg.ProgrammingError) as e:
        snowreg.connect(paramstyle="named")
    assert (e.value.errno, e.value.msg) == (251007, "Invalid paramstyle is specified")


def test_arrow_number_to_decimal_keeps_scaled_numbers_exact() -> None:
    """The connection parameter arrow_number_to_decimal: scaled NUMBER columns as decimals in pandas / Arrow."""
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    with snowreg.connect(arrow_number_to_decimal=True) as conn:
        assert conn.arrow_number_to_decimal
        cur = conn.cursor()
        table = cur.execute("SELECT 1.25::NUMBER(10, 2) AS D, 1 AS I").fetch_arrow_all()
        assert table.schema.types == [pa.decimal128(38, 2), pa.int8()]
        frame = cur.execute("SELECT 1.25::NUMBER(10, 2) AS D").fetch_pandas_all()
        assert frame["D"][0] == Decimal("1.25")


def test_force_microsecond_precision_brings_nanosecond_timestamps_to_microseconds() -> None:
    """`fetch_arrow_all` / `fetch_pandas_all(force_microsecond_precision=True)` (the connector 4.x and 5.x
    take it per call; the 5.2 connection parameter of the same name is the default): a timestamp the
    connector hands out in nanoseconds comes in microseconds; a coarser unit stays (the connector's own
    answer over `snowreg serve`, tests/snowreg/server/test_server.py)."""
    pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    sql = ("SELECT '2024-01-02 03:04:05.123456789'::TIMESTAMP_NTZ AS N, '2024-01-02 03:04:05.1'::TIMESTAMP_LTZ AS L, "
           "'2024-01-02 03:04:05.1'::TIMESTAMP_NTZ(3) AS N3")
    with snowreg.connect() as conn:
        cur = conn.cursor()
        assert [f.type.unit for f in cur.execute(sql).fetch_arrow_all().schema] == ["ns", "ns", "ms"]
        table = cur.execute(sql).fetch_arrow_all(force_microsecond_precision=True)
        assert [f.type.unit for f in table.schema] == ["us", "us", "ms"]
        assert table.column("N")[0].as_py().microsecond == 123456 and table.schema.field("L").type.tz
        frame = cur.execute(sql).fetch_pandas_all(force_microsecond_precision=True)
        assert str(frame.dtypes["N"]) == "datetime64[us]"
        batches = list(cur.execute(sql).fetch_arrow_batches(force_microsecond_precision=True))
        assert batches[0].schema.field("N").type == pa.timestamp("us")
    with snowreg.connect(force_microsecond_precision=True) as conn:
        cur = conn.cursor()
        assert cur.execute(sql).fetch_arrow_all().schema.field("N").type == pa.timestamp("us")
        assert cur.execute(sql).fetch_arrow_all(force_microsecond_precision=False).schema.field("N").type == \
            pa.timestamp("ns")


def test_show_output_is_described_as_snowflake_describes_it(snowreg_cursor: Any) -> None:
    """SHOW's created_on is TIMESTAMP_LTZ to the millisecond (precision 0, scale 3), numbers NUMBER(38,0),
    text VARCHAR(16777216)."""
    snowreg_cursor.execute("CREATE TABLE T (A INT)")
    described = {d.name: tuple(d)[1:] for d in snowreg_cursor.execute("SHOW TABLES").description}
    assert described["created_on"] == (6, None, None, 0, 3, True)
    assert described["rows"] == (0, None, None, 38, 0, True)
    assert described["name"] == (2, None, 16777216, None, None, True)


def test_an_empty_result_has_the_connectors_empty_table_types(snowreg_cursor: Any) -> None:
    """No rows: the connector builds the table from its fixed type per column type (int64 for NUMBER)."""
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    snowreg_cursor.execute("SELECT 1 AS I, 1.5 AS D, CURRENT_TIMESTAMP AS T, CURRENT_DATE AS DT WHERE FALSE")
    table = snowreg_cursor.fetch_arrow_all(force_return_table=True)
    assert table.schema.types == [pa.int64(), pa.int64(), pa.timestamp("ns"), pa.date64()]
    frame = snowreg_cursor.execute("SELECT 1 AS I, 'x' AS S WHERE FALSE").fetch_pandas_all()
    assert list(frame.columns) == ["I", "S"] and str(frame.dtypes["I"]) == "int64" and frame.empty


def test_pep_249_type_objects_and_constructors(snowreg_cursor: Any) -> None:
    snowreg_cursor.execute("SELECT 1 AS N, 'a' AS S, CURRENT_DATE AS D, TO_BINARY('01') AS B, 1.5::FLOAT AS F")
    codes = [d.type_code for d in snowreg_cursor.description]
    assert codes == [snowreg.NUMBER, snowreg.STRING, snowreg.DATETIME, snowreg.BINARY, snowreg.NUMBER]
    assert codes[0] != snowreg.STRING and snowreg.ROWID != 0
    assert snowreg.Date(2024, 1, 2) == dt.date(2024, 1, 2) and snowreg.Binary(b"x") == b"x"
    assert snowreg.TimestampFromTicks(0) == dt.datetime.fromtimestamp(0)


def test_timestamps_beyond_nanoseconds_range_stay_exact(snowreg_cursor: Any) -> None:
    """int64 nanoseconds end in 2262: the connector then keeps the column in microseconds, never wraps."""
    pytest.importorskip("pandas")
    frame = snowreg_cursor.execute("SELECT '1500-01-01 00:00:00'::TIMESTAMP_NTZ AS T UNION ALL "
                                   "SELECT '2024-01-01'::TIMESTAMP_NTZ ORDER BY 1").fetch_pandas_all()
    assert str(frame.dtypes["T"]) == "datetime64[us]"
    assert [t.year for t in frame["T"]] == [1500, 2024]
