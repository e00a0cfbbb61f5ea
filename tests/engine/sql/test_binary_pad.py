"""BINARY values in string functions: LPAD / RPAD (https://docs.snowflake.com/en/sql-reference/functions/lpad,
https://docs.snowflake.com/en/sql-reference/functions/rpad) pad bytes with the bytes of a BINARY pad, as the pages'
`padding_example` shows (they failed with 001044: DuckDB pads no BLOB); HEX_ENCODE and `||` / CONCAT read the
bytes, not their hex text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import snowreg


@pytest.fixture
def cur() -> Iterator[Any]:
    con = snowreg.connect()
    cursor = con.cursor()
    cursor.execute("CREATE DATABASE pads")
    cursor.execute("USE SCHEMA pads.public")
    cursor.execute("CREATE TABLE padding_example (v VARCHAR, b BINARY)")
    cursor.execute("INSERT INTO padding_example (v, b) VALUES ('Hi', HEX_ENCODE('Hi')), "
                   "('-123.00', HEX_ENCODE('-123.00')), ('Twelve Dollars', TO_VARCHAR(HEX_ENCODE('Twelve Dollars')))")
    yield cursor
    con.close()


def test_the_pages_binary_examples(cur: Any) -> None:
    cur.execute("SELECT b, LPAD(b, 10, TO_BINARY(HEX_ENCODE('0'))) AS pad_with_zero FROM padding_example ORDER BY v")
    assert [(bytes(b), bytes(p)) for b, p in cur.fetchall()] == [
        (b"-123.00", b"000-123.00"), (b"Hi", b"00000000Hi"), (b"Twelve Dollars", b"Twelve Dol")]
    cur.execute("SELECT RPAD(b, 10, TO_BINARY(HEX_ENCODE('0'))) FROM padding_example ORDER BY v")
    assert [bytes(r[0]) for r in cur.fetchall()] == [b"-123.00000", b"Hi00000000", b"Twelve Dol"]


def test_a_pad_of_several_bytes_and_an_empty_one(cur: Any) -> None:
    cur.execute("SELECT LPAD(X'0101', 5, X'ABCD'), RPAD(X'0101', 5, X'ABCD'), LPAD(X'010203', 2, X''), "
                "RPAD(TO_BINARY('0101', 'HEX'), 3, TO_BINARY('FF', 'HEX'))")
    assert [bytes(v) for v in cur.fetchone()] == [b"\xab\xcd\xab\x01\x01", b"\x01\x01\xab\xcd\xab", b"\x01\x02",
                                                  b"\x01\x01\xff"]
    assert cur.description[0][1] == 11  # BINARY


def test_text_padding_is_unchanged(cur: Any) -> None:
    cur.execute("SELECT v, LPAD(v, 10, '_-'), RPAD(v, 3) FROM padding_example ORDER BY v")
    assert cur.fetchall() == [("-123.00", "_-_-123.00", "-12"), ("Hi", "_-_-_-_-Hi", "Hi "),
                              ("Twelve Dollars", "Twelve Dol", "Twe")]


def test_hex_encode_of_a_binary_column_is_the_hex_of_its_bytes(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/hex_encode: it was the hex of the BINARY's hex text
    cur.execute("SELECT HEX_ENCODE(b), HEX_ENCODE(b, 0), HEX_ENCODE(v) FROM padding_example WHERE v = 'Hi'")
    assert cur.fetchone() == ("4869", "4869", "4869")


def test_concatenated_binary_values_are_binary(cur: Any) -> None:
    # https://docs.snowflake.com/en/sql-reference/functions/concat: BINARY arguments give a BINARY (it was '0102')
    cur.execute("SELECT X'01' || X'02', CONCAT(X'01', X'02', TO_BINARY('03', 'HEX')), 'a' || 'b', CONCAT('a', 1)")
    assert [bytes(v) if isinstance(v, bytes | bytearray) else v for v in cur.fetchone()] == [
        b"\x01\x02", b"\x01\x02\x03", "ab", "a1"]
    assert [d[1] for d in cur.description] == [11, 11, 2, 2]
