"""Right after CREATE TABLE (or VIEW, or ALTER TABLE … ADD COLUMN), a table's recorded shape (declared types, kind) is what the registry reads
back: the statements that follow a CREATE describe its columns from the shape kept by the CREATE itself,
and must describe them exactly as a connection that reads the shape from the registry does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import snowreg

CREATES = [
    "CREATE TABLE t (s VARCHAR(10), n NUMBER(10, 2), i INT, f FLOAT, ts TIMESTAMP_NTZ(3), b BOOLEAN, d DATE, "
    "v VARIANT, bin BINARY(16))",
    "CREATE TEMPORARY TABLE tmp (\"_ID\" NUMBER(38, 0), a FLOAT, note VARCHAR(3))",
    "CREATE TRANSIENT TABLE tr (c CHAR(4), t TIME(0))",
    "CREATE TABLE keyed (id INT PRIMARY KEY, name VARCHAR NOT NULL, note VARCHAR)",
    "CREATE TABLE ctas AS SELECT 'abc'::VARCHAR(5) AS s, 1.5::NUMBER(4, 1) AS n",
    "CREATE VIEW vw AS SELECT s, n, ts FROM t",
    "ALTER TABLE tr ADD COLUMN extra VARCHAR(7)",
]


def described(conn: Any, table: str) -> list[tuple[Any, ...]]:
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM {table}")
    return [tuple(d) for d in cur.description]


def kinds(conn: Any) -> list[tuple[Any, ...]]:
    rows = conn.cursor().execute("SHOW TABLES").fetchall()
    return sorted((r[1], r[4]) for r in rows)  # name, kind


def test_the_shape_kept_by_create_is_the_recorded_one(tmp_path: Path) -> None:
    path = tmp_path / "reg"
    conn = snowreg.connect(database="DB", schema="S", path=path)
    first = {}
    for sql in CREATES:
        conn.cursor().execute(sql)
        table = sql.split(" TABLE ")[1].split()[0] if " TABLE " in sql else sql.split()[2]
        first[table] = described(conn, table)  # the shape kept by the CREATE
    shown = kinds(conn)
    conn.close()
    again = snowreg.connect(database="DB", schema="S", path=path)  # read back from the registry
    try:
        for table, columns in first.items():
            if table == "tmp":  # gone with its session
                continue
            assert described(again, table) == columns, table
        assert [k for k in kinds(again) if k[0] != "TMP"] == [k for k in shown if k[0] != "TMP"]
    finally:
        again.close()
    assert first["t"][0][3] == 10 and first["t"][4][5] == 3  # VARCHAR(10)'s size, TIMESTAMP_NTZ(3)'s scale
    assert first["tmp"][2][3] == 3
    assert first["tr"][2][3] == 7 and first["vw"][0][3] == 10
