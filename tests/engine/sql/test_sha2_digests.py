"""SHA2 / SHA2_HEX / SHA2_BINARY with the 224-, 384- and 512-bit digests (engine/sql/digests.py), answered
where they were refused; conformance/sql/docs_strings_6.test holds the documented examples."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.errors import NotSupportedError, ProgrammingError


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE digests")
    yield cursor
    con.close()


def one(cur: Any, sql: str) -> Any:
    cur.execute(sql)
    return cur.fetchone()[0]


@pytest.mark.parametrize("size", [224, 256, 384, 512])
def test_every_documented_size_is_the_hex_digest_of_the_utf8_text(cur: Any, size: int) -> None:
    expected = hashlib.new(f"sha{size}", "Snowflake ❄".encode()).hexdigest()
    assert one(cur, f"SELECT SHA2('Snowflake ❄', {size})") == expected
    assert one(cur, f"SELECT SHA2_HEX('Snowflake ❄', {size})") == expected
    assert one(cur, f"SELECT SHA2_BINARY('Snowflake ❄', {size})") == bytes.fromhex(expected)


def test_the_pages_224_bit_example(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/sha2
    assert one(cur, "SELECT SHA2('Snowflake', 224)") == "6267d3d7a59929e6864dd4b737d98e3ef8569d9f88a7466647838532"


def test_a_column_a_binary_and_null(cur: Any) -> None:
    cur.execute("CREATE TABLE digests.public.t (v VARCHAR, b BINARY)")
    cur.execute("INSERT INTO digests.public.t SELECT 'AbCd0', TO_BINARY('00FF', 'HEX') UNION ALL SELECT NULL, NULL")
    cur.execute("SELECT SHA2(v, 512), SHA2_BINARY(b, 384), SHA2(b, 224) FROM digests.public.t ORDER BY v NULLS LAST")
    assert cur.fetchall() == [
        (hashlib.sha512(b"AbCd0").hexdigest(), hashlib.sha384(b"\x00\xff").digest(), hashlib.sha224(b"\x00\xff").hexdigest()),
        (None, None, None)]


def test_a_view_and_a_sql_function_reading_them(cur: Any) -> None:
    cur.execute("CREATE VIEW digests.public.v AS SELECT SHA2('a', 384) AS h")
    assert one(cur, "SELECT h FROM digests.public.v") == hashlib.sha384(b"a").hexdigest()
    cur.execute("CREATE FUNCTION digests.public.h512(x VARCHAR) RETURNS VARCHAR AS 'SHA2(x, 512)'")
    assert one(cur, "SELECT digests.public.h512('a')") == hashlib.sha512(b"a").hexdigest()


def test_a_persistent_view_still_answers_after_reopening(tmp_path: Path) -> None:
    con = snowreg.connect(path=tmp_path / "reg")
    cur = con.cursor()
    cur.execute("CREATE DATABASE keep")
    cur.execute("CREATE VIEW keep.public.v AS SELECT SHA2('a', 512) AS h")
    con.close()
    con = snowreg.connect(path=tmp_path / "reg")
    try:
        assert one(con.cursor(), "SELECT h FROM keep.public.v") == hashlib.sha512(b"a").hexdigest()
    finally:
        con.close()


@pytest.mark.parametrize("call", ["SHA2('a', 100)", "SHA2_HEX('a', 0)", "SHA2_BINARY('a', 1024)"])
def test_another_size_is_an_error_not_a_digest(cur: Any, call: str) -> None:
    with pytest.raises(ProgrammingError, match="digest size") as caught:
        cur.execute(f"SELECT {call}")
    assert not isinstance(caught.value, NotSupportedError)


def test_a_size_that_is_not_a_constant_is_refused(cur: Any) -> None:
    with pytest.raises(NotSupportedError):
        cur.execute("SELECT SHA2('a', n) FROM (SELECT 512 AS n)")


def test_user_sql_cannot_call_the_python_function_by_name(cur: Any) -> None:
    one(cur, "SELECT SHA2('a', 512)")  # created now
    for call in ("snowreg_sha2_digest(TO_BINARY('00'), 512)", '"snowreg_sha2_digest"(TO_BINARY(\'00\'), 512)'):
        with pytest.raises(ProgrammingError, match="Unknown function"):
            cur.execute(f"SELECT {call}")
