"""Declared column types, table kinds and unenforced keys of plain-SQL tables, through connect().

Snowflake reports a column by its declared type (https://docs.snowflake.com/en/sql-reference/sql/desc-table),
refuses a value longer than a VARCHAR(n) (https://docs.snowflake.com/en/sql-reference/data-types-text),
and does not enforce PRIMARY KEY / UNIQUE / FOREIGN KEY (https://docs.snowflake.com/en/sql-reference/constraints-overview).
The conformance cases (conformance/sql/ddl_types.test, constraints.test) cover the documented columns;
these tests cover what the .test format cannot express: `cursor.description`, errno and message,
persistence, and the records following renames, drops and session ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import errors


def _types(cur: Any, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in cur.execute(f"DESCRIBE TABLE {table}").fetchall()]


def _sizes(cur: Any) -> list[tuple[str, int | None, int | None, int | None]]:
    return [(d.name, d.internal_size, d.precision, d.scale) for d in cur.description]


def test_select_describes_declared_columns(cur: Any) -> None:
    cur.execute("CREATE TABLE t (code VARCHAR(10), amount NUMBER(10,2), at TIMESTAMP_NTZ(3), note STRING)")
    cur.execute("SELECT * FROM t")
    assert _sizes(cur) == [("CODE", 10, None, None), ("AMOUNT", None, 10, 2), ("AT", None, 0, 3),
                           ("NOTE", 16777216, None, None)]
    cur.execute("SELECT code AS c, UPPER(code) AS u FROM t WHERE amount > 0")
    assert _sizes(cur) == [("C", 10, None, None), ("U", 16777216, None, None)]
    cur.execute("WITH t AS (SELECT 'x' AS code) SELECT code FROM t")  # the CTE's literal, not the table
    assert _sizes(cur) == [("CODE", 1, None, None)]


def test_describe_only_matches_the_run(cur: Any) -> None:
    cur.execute("CREATE TABLE t (code VARCHAR(4))")
    described = cur.describe("SELECT code FROM t")
    assert [(d.name, d.internal_size) for d in described] == [("CODE", 4)]


def test_too_long_value_fails_with_100074_and_writes_nothing(cur: Any) -> None:
    cur.execute("CREATE TABLE t (code CHAR(3), note VARCHAR(5))")
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("INSERT INTO t VALUES ('abc', 'ok'), ('abcd', 'ok')")
    assert (e.value.errno, e.value.sqlstate) == (100074, "22000")
    assert e.value.msg == "String 'abcd' is too long and would be truncated"
    assert cur.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    cur.execute("INSERT INTO t VALUES ('abc', 'é€日本語')")  # characters, not bytes
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("UPDATE t SET note = note || '!'")
    assert e.value.errno == 100074
    assert cur.execute("SELECT note FROM t").fetchall() == [("é€日本語",)]


def test_widening_an_enforced_length_moves_its_check(cur: Any) -> None:
    cur.execute("CREATE TABLE t (code VARCHAR(3) NOT NULL DEFAULT 'abc' COMMENT 'the code', n INT)")
    cur.execute("INSERT INTO t (n) VALUES (1)")
    cur.execute("ALTER TABLE t ALTER COLUMN code SET DATA TYPE VARCHAR(10)")
    assert _types(cur, "t") == [("CODE", "VARCHAR(10)"), ("N", "NUMBER(38,0)")]
    cur.execute("INSERT INTO t VALUES ('abcdefghij', 2)")
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("INSERT INTO t VALUES ('abcdefghijk', 3)")
    assert e.value.errno == 100074
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("ALTER TABLE t ALTER COLUMN code SET DATA TYPE VARCHAR(5)")
    assert "reducing the byte-length of a varchar is not supported" in e.value.msg
    rows = cur.execute("DESCRIBE TABLE t").fetchall()
    assert [(r[0], r[3], r[4], r[9]) for r in rows][0] == ("CODE", "N", "'abc'", "the code")
    assert cur.execute("SELECT code, n FROM t ORDER BY n").fetchall() == [("abc", 1), ("abcdefghij", 2)]
    cur.execute("ALTER TABLE t ALTER COLUMN code SET DATA TYPE STRING")  # the maximum: no check left
    cur.execute("INSERT INTO t VALUES ('a much longer code', 4)")
    assert _types(cur, "t")[0] == ("CODE", "VARCHAR(16777216)")


def test_retyping_to_another_type_or_scale_is_refused(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a VARCHAR(3), b NUMBER(10,2))")
    for sql in ("ALTER TABLE t ALTER COLUMN a SET DATA TYPE NUMBER", "ALTER TABLE t ALTER COLUMN b SET DATA TYPE VARCHAR",
                "ALTER TABLE t ALTER COLUMN b SET DATA TYPE NUMBER(12,3)"):
        with pytest.raises(errors.ProgrammingError) as e:
            cur.execute(sql)
        assert e.value.msg.startswith("SQL compilation error:\ncannot change column ")
    assert _types(cur, "t") == [("A", "VARCHAR(3)"), ("B", "NUMBER(10,2)")]


def test_records_follow_alter_drop_and_replace(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a VARCHAR(3), b NUMBER(4,1), c INT)")
    cur.execute("ALTER TABLE t RENAME COLUMN a TO a2")
    cur.execute("ALTER TABLE t DROP COLUMN c")
    cur.execute("ALTER TABLE t RENAME TO t2")
    assert _types(cur, "t2") == [("A2", "VARCHAR(3)"), ("B", "NUMBER(4,1)")]
    cur.execute("ALTER TABLE t2 ALTER COLUMN b SET DATA TYPE NUMBER(8,1)")
    assert _types(cur, "t2")[1] == ("B", "NUMBER(8,1)")
    cur.execute("DROP TABLE t2")
    cur.execute("CREATE TABLE t2 AS SELECT 'x' AS a2")  # same name: the literal's type, no stale record
    assert _types(cur, "t2") == [("A2", "VARCHAR(1)")]
    cur.execute("CREATE TRANSIENT TABLE k (a INT)")
    cur.execute("CREATE OR REPLACE TABLE k (a VARCHAR(2))")
    assert [(r[1], r[4]) for r in cur.execute("SHOW TABLES LIKE 'K'").fetchall()] == [("K", "TABLE")]
    assert _types(cur, "k") == [("A", "VARCHAR(2)")]


def test_clone_and_like_keep_declared_types(cur: Any) -> None:
    cur.execute("CREATE TABLE src (a VARCHAR(3) PRIMARY KEY, b NUMBER(4,1))")
    cur.execute("CREATE TABLE dst CLONE src")
    assert _types(cur, "dst") == [("A", "VARCHAR(3)"), ("B", "NUMBER(4,1)")]
    cur.execute("CREATE TABLE shaped LIKE src")
    assert _types(cur, "shaped") == [("A", "VARCHAR(3)"), ("B", "NUMBER(4,1)")]
    assert [(r[3], r[4]) for r in cur.execute("SHOW PRIMARY KEYS IN TABLE shaped").fetchall()] == [("SHAPED", "A")]


def test_keys_are_recorded_not_enforced(cur: Any) -> None:
    cur.execute("CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(5) UNIQUE)")
    cur.execute("CREATE TABLE c (pid INT REFERENCES p (id))")
    cur.execute("INSERT INTO p VALUES (1, 'a'), (1, 'a')")
    cur.execute("INSERT INTO c VALUES (42)")
    assert cur.execute("SELECT COUNT(*) FROM p").fetchone() == (2,)
    with pytest.raises(errors.IntegrityError) as e:  # a primary key's column is NOT NULL
        cur.execute("INSERT INTO p (code) VALUES ('b')")
    assert e.value.errno == 100072
    rows = cur.execute("SHOW IMPORTED KEYS IN TABLE c").fetchall()
    assert [(r[3], r[4], r[7], r[8]) for r in rows] == [("P", "ID", "C", "PID")]
    assert rows[0][13] is not None and rows[0][13].startswith("SYS_CONSTRAINT_")  # p's primary key, unnamed


def test_truncate_if_exists(cur: Any) -> None:
    assert cur.execute("TRUNCATE TABLE IF EXISTS nothing_here").fetchall() == [("Statement executed successfully.",)]
    cur.execute("CREATE TABLE t (a INT)")
    cur.execute("INSERT INTO t VALUES (1)")
    cur.execute("TRUNCATE TABLE IF EXISTS t")
    assert cur.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("TRUNCATE TABLE nothing_here")
    assert e.value.errno == 2003


def test_temporary_table_records_end_with_the_session() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE keep (a INT)")
        other = conn.open_session()
        other.cursor().execute("CREATE TEMPORARY TABLE DB.PUBLIC.scratch (a VARCHAR(3))")
        assert [(r[1], r[4]) for r in other.cursor().execute("SHOW TABLES").fetchall()] == [
            ("KEEP", "TABLE"), ("SCRATCH", "TEMPORARY")]
        assert [r[1] for r in cur.execute("SHOW TABLES").fetchall()] == ["KEEP"]  # another session's: not seen
        other.close()
        cur.execute("CREATE TABLE scratch AS SELECT UPPER('abcd') AS a")  # an expression snowreg does not size
        assert [(r[1], r[4]) for r in cur.execute("SHOW TABLES LIKE 'SCRATCH'").fetchall()] == [("SCRATCH", "TABLE")]
        assert _types(cur, "scratch") == [("A", "VARCHAR(16777216)")]


def test_persistent_registry_keeps_types_kinds_and_keys(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg") as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE d")
        cur.execute("CREATE TRANSIENT TABLE t (id INT PRIMARY KEY, code VARCHAR(4))")
    with snowreg.connect(path=tmp_path / "reg", database="D", schema="PUBLIC") as conn:
        cur = conn.cursor()
        assert [(r[0], r[1], r[5]) for r in cur.execute("DESCRIBE TABLE t").fetchall()] == [
            ("ID", "NUMBER(38,0)", "Y"), ("CODE", "VARCHAR(4)", "N")]
        assert [r[4] for r in cur.execute("SHOW TABLES").fetchall()] == ["TRANSIENT"]
        cur.execute("INSERT INTO t VALUES (1, 'a'), (1, 'b')")
        with pytest.raises(errors.ProgrammingError) as e:
            cur.execute("INSERT INTO t VALUES (2, 'abcde')")
        assert e.value.errno == 100074


def test_dropped_schema_forgets_its_tables(cur: Any) -> None:
    cur.execute("CREATE SCHEMA s")
    cur.execute("CREATE TRANSIENT TABLE s.t (a VARCHAR(3) PRIMARY KEY)")
    cur.execute("DROP SCHEMA s")
    cur.execute("CREATE SCHEMA s")
    cur.execute("CREATE TABLE s.t AS SELECT UPPER('abcd') AS a")  # an expression snowreg does not size
    assert _types(cur, "s.t") == [("A", "VARCHAR(16777216)")]
    assert [r[4] for r in cur.execute("SHOW TABLES IN SCHEMA s").fetchall()] == ["TABLE"]
    assert cur.execute("SHOW PRIMARY KEYS IN SCHEMA s").fetchall() == []


def test_alter_table_adds_and_drops_keys(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a INT, b INT)")
    cur.execute("ALTER TABLE t ADD PRIMARY KEY (a)")
    cur.execute("ALTER TABLE t ADD CONSTRAINT t_b UNIQUE (b)")
    cur.execute("INSERT INTO t VALUES (1, 1), (1, 1)")  # not enforced
    with pytest.raises(errors.IntegrityError):  # but the primary key's column is NOT NULL
        cur.execute("INSERT INTO t (b) VALUES (2)")
    assert [(r[0], r[3], r[5], r[6]) for r in cur.execute("DESCRIBE TABLE t").fetchall()] == [
        ("A", "N", "Y", "N"), ("B", "Y", "N", "Y")]
    cur.execute("ALTER TABLE t DROP CONSTRAINT t_b")
    assert cur.execute("SHOW UNIQUE KEYS IN TABLE t").fetchall() == []
    cur.execute("ALTER TABLE t ALTER COLUMN b SET NOT NULL")
    with pytest.raises(errors.IntegrityError):
        cur.execute("INSERT INTO t (a) VALUES (3)")


@pytest.mark.parametrize(("written", "described"), [
    ("NVARCHAR(4)", "VARCHAR(4)"), ("CHARACTER(2)", "VARCHAR(2)"), ("NCHAR", "VARCHAR(1)"),
    ("VARCHAR", "VARCHAR(16777216)"), ("DOUBLE PRECISION", "FLOAT"), ("REAL", "FLOAT"), ("FLOAT8", "FLOAT"),
    ("BIGINT", "NUMBER(38,0)"), ("BYTEINT", "NUMBER(38,0)"), ("NUMERIC(12,3)", "NUMBER(12,3)"),
    ("DECIMAL(5)", "NUMBER(5,0)"), ("NUMBER", "NUMBER(38,0)"), ("DATETIME", "TIMESTAMP_NTZ(9)"),
    ("TIMESTAMP", "TIMESTAMP_NTZ(9)"), ("TIMESTAMP_LTZ", "TIMESTAMP_LTZ(9)"), ("TIMESTAMP_TZ(2)", "TIMESTAMP_TZ(2)"),
    ("TIME(3)", "TIME(3)"), ("VARBINARY", "BINARY(8388608)"), ("BINARY(4)", "BINARY(4)"),
])
def test_type_synonyms_describe_canonically(cur: Any, written: str, described: str) -> None:
    """https://docs.snowflake.com/en/sql-reference/intro-summary-data-types: synonyms and defaults."""
    cur.execute(f"CREATE TABLE t (c {written})")
    assert _types(cur, "t") == [("C", described)]
    cur.execute("SELECT c FROM t")  # the table stays usable (DuckDB took the column)
    assert cur.fetchall() == []


def test_foreign_key_must_reference_a_key(cur: Any) -> None:
    cur.execute("CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(3) UNIQUE, other INT)")
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("CREATE TABLE c (pid INT REFERENCES nope (id))")
    assert (e.value.errno, e.value.msg) == (2003, "SQL compilation error:\nTable 'TEST_DB.PUBLIC.NOPE' does not "
                                                  "exist or not authorized.")
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("CREATE TABLE c (x INT REFERENCES p (other))")
    assert e.value.errno == 2000
    assert cur.execute("SHOW TABLES LIKE 'C'").fetchall() == []  # nothing was created
    cur.execute("CREATE TABLE c (pid INT REFERENCES p, id INT PRIMARY KEY, up INT REFERENCES c (id))")
    rows = cur.execute("SHOW IMPORTED KEYS IN TABLE c").fetchall()
    assert [(r[3], r[4], r[8]) for r in rows] == [("P", "ID", "PID"), ("C", "ID", "UP")]


def test_view_columns_keep_declared_types(cur: Any) -> None:
    cur.execute("CREATE TABLE t (a VARCHAR(3), b NUMBER(5,2))")
    cur.execute("CREATE VIEW v (x, y) AS SELECT a, b FROM t")
    assert [(r[0], r[1]) for r in cur.execute("DESCRIBE VIEW v").fetchall()] == [("X", "VARCHAR(3)"),
                                                                              ("Y", "NUMBER(5,2)")]
    cur.execute("SELECT x FROM v")
    assert _sizes(cur) == [("X", 3, None, None)]
    cur.execute("CREATE OR REPLACE VIEW v AS SELECT a || a AS x FROM t")  # an expression: its storage type
    assert [(r[0], r[1]) for r in cur.execute("DESCRIBE VIEW v").fetchall()] == [("X", "VARCHAR(16777216)")]
