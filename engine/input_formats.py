"""DATE_INPUT_FORMAT, TIME_INPUT_FORMAT, TIMESTAMP_INPUT_FORMAT (https://docs.snowflake.com/en/sql-reference/parameters#date-input-format
and the two after it; https://docs.snowflake.com/en/sql-reference/date-time-input-output#input-formats): AUTO
(the default) reads the formats of "Supported formats for AUTO detection", as snowreg always did; another value
is a format (its elements: https://docs.snowflake.com/en/sql-reference/date-time-input-output#about-the-elements-used-in-input-and-output-formats)
that text converted to the type must match, as the strptime pattern the session hands DuckDB
(engine.sql.input_texts reads it; conformance/DECISIONS.md T65-T66).

Only the elements DuckDB's strptime reads as Snowflake does are taken (YY's year then moved into the century
TWO_DIGIT_CENTURY_START says, engine.sql.input_texts); a format with another one (the time zone elements; DY) is
refused as not supported (000002)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from snowreg import errors
from snowreg.engine import output_formats

_ELEMENTS = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MON": "%b", "MM": "%m", "DD": "%d",
             "HH24": "%H", "HH12": "%I", "HH": "%H", "AM": "%p", "PM": "%p", "MI": "%M", "SS": "%S",
             **{f"FF{n}": "%n" for n in range(10)}, "FF": "%n"}
_DATE = frozenset({"YYYY", "YY", "MMMM", "MON", "MM", "DD"})
_TAKEN = {"DATE_INPUT_FORMAT": {k: v for k, v in _ELEMENTS.items() if k in _DATE},
          "TIME_INPUT_FORMAT": {k: v for k, v in _ELEMENTS.items() if k not in _DATE},
          "TIMESTAMP_INPUT_FORMAT": _ELEMENTS}

# Appended to the text of a session with a format of its own (engine.sql.session_texts): engine.sql.input_texts
# translates only such a text with its conversions.
MARKER = "/*snowreg:input_formats*/"
BINARY_VARIABLE = "snowreg_binary_input_format"  # BINARY_INPUT_FORMAT (NULL: HEX; engine.sql.binary_formats)
# The parameters and the DuckDB variable of each (NULL: AUTO).
VARIABLES = {"DATE_INPUT_FORMAT": "snowreg_date_input_format", "TIME_INPUT_FORMAT": "snowreg_time_input_format",
             "TIMESTAMP_INPUT_FORMAT": "snowreg_timestamp_input_format"}


@functools.lru_cache(maxsize=64)
def pattern(parameter: str, fmt: str) -> str | None:
    """The strptime pattern of `fmt`; None when snowreg cannot read one of its elements (a time element in
    DATE_INPUT_FORMAT, a date element in TIME_INPUT_FORMAT, or any element outside `_ELEMENTS`)."""
    return output_formats.strf_pattern(fmt, _TAKEN[parameter]) or None


def checked(parameter: str, fmt: str) -> None:
    """Refuse (000002) a format snowreg would not read exactly (AUTO is the default, always taken)."""
    if fmt.strip().upper() != "AUTO" and pattern(parameter, fmt) is None:
        raise errors.not_supported(f"{parameter} = {fmt or chr(39) * 2}")


def active(values: Mapping[str, str]) -> bool:
    """Does the session read some text by a format of its own (not AUTO)?"""
    return any(values.get(key, "AUTO").strip().upper() != "AUTO" for key in VARIABLES)


def variables(values: Mapping[str, str]) -> dict[str, str | None]:
    """The DuckDB variables of a session's values (NULL: AUTO, and HEX for BINARY_INPUT_FORMAT)."""
    binary = values.get("BINARY_INPUT_FORMAT", "HEX").upper()
    out: dict[str, str | None] = {BINARY_VARIABLE: None if binary == "HEX" else binary}
    for key, variable in VARIABLES.items():
        fmt = values.get(key, "AUTO")
        out[variable] = None if fmt.strip().upper() == "AUTO" else pattern(key, fmt)
    return out
