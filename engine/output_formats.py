"""DATE_OUTPUT_FORMAT, TIME_OUTPUT_FORMAT, TIMESTAMP_NTZ_OUTPUT_FORMAT: a Snowflake format (https://docs.snowflake.com/en/sql-reference/
date-time-input-output#about-the-elements-used-in-input-and-output-formats) as the strftime pattern DuckDB
writes DATE / TIME / TIMESTAMP_NTZ text with (`::VARCHAR`, TO_VARCHAR / TO_CHAR without a format, concatenation: the
`snowreg_varchar` macro reads the pattern from a session variable, conformance/DECISIONS.md T53).

Only the elements snowreg writes exactly are taken; a format with any other element is refused as not
supported (000002), never written with the element left as text."""

from __future__ import annotations

import functools
import re

from snowreg import errors

# Longest first: MMMM before MM, HH24 before HH, FF9 before FF.
_DATE = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MON": "%b", "MM": "%m", "DD": "%d", "DY": "%a"}
_TIME = {"HH24": "%H", "HH12": "%I", "HH": "%H", "AM": "%p", "PM": "%p", "MI": "%M", "SS": "%S",
         "FF3": "%g", "FF6": "%f", "FF9": "%n", "FF": "%n"}
_ELEMENT = re.compile(r'"[^"]*"|[A-Za-z]+\d*|[^A-Za-z"]+')

VARIABLES = {"DATE_OUTPUT_FORMAT": "snowreg_date_output_format", "TIME_OUTPUT_FORMAT": "snowreg_time_output_format",
             "TIMESTAMP_NTZ_OUTPUT_FORMAT": "snowreg_ntz_output_format"}
_ELEMENTS = {"DATE_OUTPUT_FORMAT": _DATE, "TIME_OUTPUT_FORMAT": _TIME, "TIMESTAMP_NTZ_OUTPUT_FORMAT": _DATE | _TIME}


@functools.lru_cache(maxsize=64)
def pattern(parameter: str, fmt: str) -> str | None:
    """The strftime pattern of `fmt` for one of `VARIABLES`' parameters; None when snowreg cannot write one of
    its elements (or `fmt` is empty)."""
    elements = _ELEMENTS[parameter]
    names = sorted(elements, key=len, reverse=True)
    out: list[str] = []
    for piece in _ELEMENT.findall(fmt):
        if piece.startswith('"'):
            out.append(piece[1:-1].replace("%", "%%"))
        elif piece[0].isalpha():
            rest = piece.upper()
            while rest:
                name = next((n for n in names if rest.startswith(n)), None)
                if name is None:
                    return None
                out.append(elements[name])
                rest = rest[len(name):]
        else:
            out.append(piece.replace("%", "%%"))
    return "".join(out) if out else None


def checked(parameter: str, fmt: str) -> None:
    """Refuse (000002) a format snowreg would not write exactly."""
    if pattern(parameter, fmt) is None:
        raise errors.not_supported(f"{parameter} = {fmt or chr(39) * 2}")
