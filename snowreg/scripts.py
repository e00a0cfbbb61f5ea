"""Reading SQL script files for `snowreg run` and `snowreg check`: UTF-8, a leading BOM accepted."""

from __future__ import annotations

import sys
from pathlib import Path


class ScriptError(Exception):
    """A script that cannot be read or is not UTF-8 text; `str()` is one line for the user."""


def read_script(file: str) -> str:
    """The text of a script file ('-': standard input), decoded as UTF-8 with an optional BOM."""
    if file == "-" and not hasattr(sys.stdin, "buffer"):  # a text stream put in its place (tests, embedding)
        return sys.stdin.read().removeprefix("\ufeff")
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as e:
        raise ScriptError(f"cannot read {file}: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScriptError(f"{file} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None
