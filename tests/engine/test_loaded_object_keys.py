"""OBJECTs that arrive through loading keep their keys in order, as the ones PARSE_JSON makes do (DECISIONS.md
F108, F130, F131), so `=`, DISTINCT and GROUP BY compare them by content: COPY INTO from JSON files, queries of
staged files, snowreg's write_pandas of dict values, and the connector's write_pandas (parquet COPY INTO)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import snowreg
from snowreg.pandas_tools import write_pandas

SAME = "PARSE_JSON('{\"a\": {\"c\": 1, \"d\": [{\"e\": 1, \"f\": 2}]}, \"b\": 2}')"
SORTED = '{"a":{"c":1,"d":[{"e":1,"f":2}]},"b":2}'
WRITTEN = {"b": 2, "a": {"d": [{"f": 2, "e": 1}], "c": 1}}


@pytest.fixture
def conn(tmp_path: Path) -> Any:
    connection = snowreg.connect()
    cur = connection.cursor()
    cur.execute("CREATE DATABASE ld")
    cur.execute("USE SCHEMA ld.public")
    cur.execute("CREATE STAGE st")
    connection.tmp = tmp_path
    return connection


def _put(conn: Any, name: str, data: bytes) -> None:
    path = conn.tmp / name
    path.write_bytes(data)
    conn.cursor().execute(f"PUT '{path.as_uri()}' @st AUTO_COMPRESS = FALSE")


def test_copy_into_from_json_files_keeps_keys_in_order(conn: Any) -> None:
    cur = conn.cursor()
    _put(conn, "a.json", b'{"id": 1, "doc": {"b": 2, "a": {"d": [{"f": 2, "e": 1}], "c": 1}}}\n')
    cur.execute("CREATE TABLE v (x VARIANT)")
    cur.execute("CREATE TABLE m (id INT, doc OBJECT)")
    cur.execute("COPY INTO v FROM @st FILE_FORMAT = (TYPE = JSON)")
    cur.execute("COPY INTO m FROM @st FILE_FORMAT = (TYPE = JSON) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert cur.execute(f"SELECT x:doc::VARCHAR, x:doc = {SAME} FROM v").fetchall() == [(SORTED, True)]
    assert cur.execute(f"SELECT doc::VARCHAR, doc = {SAME} FROM m").fetchall() == [(SORTED, True)]
    cur.execute("CREATE FILE FORMAT jf TYPE = JSON")
    assert cur.execute(f"SELECT $1:doc = {SAME} FROM @st (FILE_FORMAT => 'jf')").fetchall() == [(True,)]


def test_copy_into_from_parquet_files_keeps_keys_in_order(conn: Any) -> None:
    cur = conn.cursor()
    _put(conn, "n.parquet", _parquet(pd.DataFrame({"ID": [1], "DOC": [WRITTEN]})))
    cur.execute("CREATE TABLE v (x VARIANT)")
    cur.execute("CREATE TABLE m (id INT, doc OBJECT)")
    cur.execute("COPY INTO v FROM @st FILE_FORMAT = (TYPE = PARQUET)")
    cur.execute("COPY INTO m FROM @st FILE_FORMAT = (TYPE = PARQUET) MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE")
    assert cur.execute(f"SELECT x:DOC = {SAME}, x::VARCHAR FROM v").fetchall() == [(True, f'{{"DOC":{SORTED},"ID":1}}')]
    assert cur.execute(f"SELECT doc = {SAME} FROM m").fetchall() == [(True,)]


def test_snowreg_write_pandas_sorts_the_keys_of_dict_values(conn: Any) -> None:
    cur = conn.cursor()
    frame = pd.DataFrame({"ID": [1, 2], "D": [WRITTEN, {"a": {"c": 1, "d": [{"e": 1, "f": 2}]}, "b": 2}]})
    write_pandas(conn, frame, "T", auto_create_table=True)
    assert cur.execute(f'SELECT "D"::VARCHAR, "D" = {SAME} FROM T ORDER BY "ID"').fetchall() == [
        (SORTED, True), (SORTED, True)]
    assert cur.execute('SELECT COUNT(DISTINCT "D") FROM T').fetchall() == [(1,)]
    cur.execute("CREATE TABLE o (id INT, d OBJECT)")
    write_pandas(conn, frame, "O", quote_identifiers=False)
    assert cur.execute(f"SELECT COUNT(*) FROM o WHERE d = {SAME}").fetchall() == [(2,)]


def test_the_connectors_parquet_copy_sorts_the_keys_of_struct_values(conn: Any) -> None:
    cur = conn.cursor()
    frame = pd.DataFrame({"ID": [1], "D": [WRITTEN], "S": ["{\"b\": 1}"]})
    _put(conn, "f.parquet", _parquet(frame))
    cur.execute("CREATE TABLE p (id INT, d OBJECT, v VARIANT, s VARCHAR)")
    cur.execute("CREATE TEMPORARY FILE FORMAT pf TYPE=PARQUET")
    cur.execute('COPY INTO p ("ID", "D", "V", "S") FROM (SELECT $1:"ID"::NUMBER(38, 0), $1:"D"::OBJECT, '
                "$1:\"D\"::VARIANT, $1:\"S\"::VARCHAR FROM '@st') FILE_FORMAT=(FORMAT_NAME=pf) PURGE=TRUE")
    assert cur.execute(f"SELECT d::VARCHAR, d = {SAME}, v = {SAME}, s FROM p").fetchall() == [
        (SORTED, True, True, '{"b": 1}')]


def _parquet(frame: pd.DataFrame) -> bytes:
    import io

    out = io.BytesIO()
    frame.to_parquet(out)
    return out.getvalue()
