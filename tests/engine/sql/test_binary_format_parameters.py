"""BINARY_INPUT_FORMAT and BINARY_OUTPUT_FORMAT (engine.sql.binary_formats, conformance/DECISIONS.md T67): text
becomes BINARY as the input format says (casts, TO_BINARY / TRY_TO_BINARY without a format, INSERT values),
BINARY becomes text as the output format says; UNSET brings back HEX; `snowreg run` shows BINARY the same way."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Iterator[Any]:
    with snowreg.connect() as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE b")
        cur.execute("CREATE TABLE t (b BINARY, s STRING)")
        yield cur


def test_inserted_text_is_read_as_the_input_format(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES ('534E4F57', 'U05PVw==')")  # HEX: four bytes, not eight characters
    cur.execute("ALTER SESSION SET BINARY_INPUT_FORMAT = BASE64")
    cur.execute("INSERT INTO t VALUES ('U05PVw==', NULL)")
    cur.execute("ALTER SESSION SET BINARY_INPUT_FORMAT = 'utf-8'")
    cur.execute("INSERT INTO t VALUES ('SNOW', NULL)")
    assert cur.execute("SELECT b FROM t").fetchall() == [(b"SNOW",)] * 3


def test_casts_and_to_binary_follow_the_input_format(cur: Any) -> None:
    sql = "SELECT '534E4F57'::BINARY, TO_BINARY('534E4F57'), TRY_TO_BINARY('zz'), TRY_CAST('zz' AS BINARY)"
    assert cur.execute(sql).fetchone() == (b"SNOW", b"SNOW", None, None)
    cur.execute("INSERT INTO t VALUES (NULL, 'U05PVw==')")
    cur.execute("ALTER SESSION SET BINARY_INPUT_FORMAT = BASE64")
    assert cur.execute("SELECT 'U05PVw=='::BINARY, TO_BINARY(s), s::BINARY, TRY_TO_BINARY('!!') FROM t").fetchone() \
        == (b"SNOW", b"SNOW", b"SNOW", None)
    with pytest.raises(snowreg.ProgrammingError, match="not a legal base64-encoded value"):
        cur.execute("SELECT '!!'::BINARY")
    assert cur.execute("SELECT TO_BINARY('534E4F57', 'HEX')").fetchone() == (b"SNOW",)  # its own format
    cur.execute("ALTER SESSION UNSET BINARY_INPUT_FORMAT")
    with pytest.raises(snowreg.ProgrammingError, match="not a legal hex-encoded value") as e:
        cur.execute("SELECT s::BINARY FROM t")
    assert e.value.errno == 100115


def test_text_of_binary_follows_the_output_format(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES ('534E4F57', NULL)")
    sql = "SELECT b::VARCHAR, TO_VARCHAR(b), b || '!', TO_VARCHAR(b, 'HEX') FROM t"
    assert cur.execute(sql).fetchone() == ("534E4F57", "534E4F57", "534E4F57!", "534E4F57")
    cur.execute("ALTER SESSION SET BINARY_OUTPUT_FORMAT = 'base64'")
    assert cur.execute(sql).fetchone() == ("U05PVw==", "U05PVw==", "U05PVw==!", "534E4F57")
    assert cur.execute("SHOW PARAMETERS LIKE 'BINARY_OUTPUT_FORMAT'").fetchone()[1:4] == ("BASE64", "HEX", "SESSION")
    cur.execute("ALTER SESSION UNSET BINARY_OUTPUT_FORMAT")
    assert cur.execute(sql).fetchone() == ("534E4F57", "534E4F57", "534E4F57!", "534E4F57")


def test_snowreg_run_shows_binary_by_the_output_format() -> None:
    from snowreg import script

    out, err = io.StringIO(), io.StringIO()
    with snowreg.connect() as conn:
        script.run_text(conn, "SELECT TO_BINARY('SNOW', 'UTF-8') AS b;\nALTER SESSION SET BINARY_OUTPUT_FORMAT = BASE64;\n"
                        "SELECT TO_BINARY('SNOW', 'UTF-8') AS b;\n", "t.sql", "table", out, err)
    assert "| 534E4F57 |" in out.getvalue() and "| U05PVw== |" in out.getvalue()


@pytest.mark.parametrize("assignment", ["BINARY_OUTPUT_FORMAT = 'UTF-8'", "BINARY_INPUT_FORMAT = BASE32"])
def test_values_they_cannot_take_are_refused(cur: Any, assignment: str) -> None:
    with pytest.raises(snowreg.ProgrammingError, match="invalid value") as e:
        cur.execute(f"ALTER SESSION SET {assignment}")
    assert e.value.errno == 1008
