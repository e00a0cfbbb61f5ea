"""The output format parameters (https://docs.snowflake.com/en/sql-reference/parameters#date-output-format and the
five after it): a Snowflake format (https://docs.snowflake.com/en/sql-reference/date-time-input-output#about-the-elements-used-in-input-and-output-formats)
as the strftime pattern DuckDB writes DATE / TIME / TIMESTAMP_* text with (`::VARCHAR`, TO_VARCHAR / TO_CHAR
without a format, concatenation: the `snowreg_varchar` macro reads the pattern from a session variable,
conformance/DECISIONS.md T53, T60-T62), and the same text for people (`snowreg run`, the REPL: `text`).

TIMESTAMP_NTZ_, TIMESTAMP_LTZ_ and TIMESTAMP_TZ_OUTPUT_FORMAT fall back to TIMESTAMP_OUTPUT_FORMAT when they
are empty ("If no format is specified, defaults to TIMESTAMP_OUTPUT_FORMAT"): `effective`. A time zone element
(TZH, TZM) of a TIMESTAMP_NTZ's format writes the UTC indicator `Z` ("If the output format contains a time
zone, the UTC indicator (Z) is displayed", https://docs.snowflake.com/en/sql-reference/data-types-datetime).

Only the elements snowreg writes exactly are taken; a format with any other element is refused as not
supported (000002), never written with the element left as text."""

from __future__ import annotations

import base64
import datetime
import functools
import re
from collections.abc import Mapping

from snowreg import errors

# Longest first: MMMM before MM, HH24 before HH, FF9 before FF.
_DATE = {"YYYY": "%Y", "YY": "%y", "MMMM": "%B", "MON": "%b", "MM": "%m", "DD": "%d", "DY": "%a"}
_TIME = {"HH24": "%H", "HH12": "%I", "HH": "%H", "AM": "%p", "PM": "%p", "MI": "%M", "SS": "%S",
         "FF3": "%g", "FF6": "%f", "FF9": "%n", "FF": "%n"}
# The offset's hours (sign and two digits) and minutes: characters strftime leaves as they are, which the
# `snowreg_ztext` macro replaces with the value's offset.
TZH, TZM = "\x03", "\x04"
_ZONE = {"TZH": TZH, "TZM": TZM}
_ELEMENT = re.compile(r'"[^"]*"|[A-Za-z]+\d*|[^A-Za-z"]+')
_UTC = re.compile(f"{TZH}:?{TZM}|{TZH}|{TZM}")
# Every element snowreg writes exactly: TO_CHAR / TO_VARCHAR with a format (engine.sql.zoned.formatted).
ELEMENTS = _DATE | _TIME | _ZONE

DEFAULT_TIMESTAMP = "YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM"  # TIMESTAMP_OUTPUT_FORMAT's default
DEFAULT_NTZ = "YYYY-MM-DD HH24:MI:SS.FF3"  # TIMESTAMP_NTZ_OUTPUT_FORMAT's default
ZONED_PATTERN = f"%Y-%m-%d %H:%M:%S.%g {TZH}{TZM}"  # the pattern of DEFAULT_TIMESTAMP

# The parameters snowreg reads and the elements each takes; TIMESTAMP_OUTPUT_FORMAT is read through the
# three it stands in for.
_ELEMENTS = {"DATE_OUTPUT_FORMAT": _DATE, "TIME_OUTPUT_FORMAT": _TIME, "TIMESTAMP_NTZ_OUTPUT_FORMAT": _DATE | _TIME | _ZONE,
             "TIMESTAMP_LTZ_OUTPUT_FORMAT": _DATE | _TIME | _ZONE, "TIMESTAMP_TZ_OUTPUT_FORMAT": _DATE | _TIME | _ZONE,
             "TIMESTAMP_OUTPUT_FORMAT": _DATE | _TIME | _ZONE}
PARAMETERS = frozenset(_ELEMENTS)
_TIMESTAMPS = ("TIMESTAMP_NTZ_OUTPUT_FORMAT", "TIMESTAMP_LTZ_OUTPUT_FORMAT", "TIMESTAMP_TZ_OUTPUT_FORMAT")
_DEFAULTS = {"TIMESTAMP_OUTPUT_FORMAT": DEFAULT_TIMESTAMP, "TIMESTAMP_NTZ_OUTPUT_FORMAT": DEFAULT_NTZ}
BINARY_VARIABLE = "snowreg_binary_output_format"  # BINARY_OUTPUT_FORMAT (NULL: HEX; engine.sql.binary_formats)
# The DuckDB variables `snowreg_varchar` reads (NULL: the default text).
VARIABLES = {"DATE_OUTPUT_FORMAT": "snowreg_date_output_format", "TIME_OUTPUT_FORMAT": "snowreg_time_output_format",
             "TIMESTAMP_NTZ_OUTPUT_FORMAT": "snowreg_ntz_output_format",
             "TIMESTAMP_LTZ_OUTPUT_FORMAT": "snowreg_ltz_output_format",
             "TIMESTAMP_TZ_OUTPUT_FORMAT": "snowreg_tz_output_format"}


def strf_pattern(fmt: str, elements: Mapping[str, str]) -> str | None:
    """The strftime / strptime pattern of a Snowflake format whose elements are `elements`' keys (each the
    longest that matches; double-quoted text and other characters as they are); None when an element is not
    one of them. Output and input formats (engine.input_formats) read a format the same way."""
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
    return "".join(out)


@functools.lru_cache(maxsize=64)
def pattern(parameter: str, fmt: str) -> str | None:
    """The strftime pattern of `fmt` for one of the output format parameters; None when snowreg cannot write one
    of its elements (or `fmt` is empty). A TIMESTAMP_NTZ's time zone elements are the UTC indicator `Z`."""
    text = strf_pattern(fmt, _ELEMENTS[parameter])
    if text and parameter == "TIMESTAMP_NTZ_OUTPUT_FORMAT":
        text = _UTC.sub("Z", text)
    return text or None


def checked(parameter: str, fmt: str) -> None:
    """Refuse (000002) a format snowreg would not write exactly."""
    if parameter in _ELEMENTS and pattern(parameter, fmt) is None and (fmt or parameter not in _TIMESTAMPS):
        raise errors.not_supported(f"{parameter} = {fmt or chr(39) * 2}")


def effective(parameter: str, values: Mapping[str, str]) -> str:
    """The format a session's values give one of the parameters: an empty TIMESTAMP_NTZ_ / LTZ_ / TZ_ one is
    TIMESTAMP_OUTPUT_FORMAT's."""
    fmt = values.get(parameter, _DEFAULTS.get(parameter, ""))
    if not fmt and parameter in _TIMESTAMPS:
        fmt = values.get("TIMESTAMP_OUTPUT_FORMAT") or DEFAULT_TIMESTAMP
    return fmt


def variables(values: Mapping[str, str]) -> dict[str, str | None]:
    """The DuckDB variables of a session's values: each parameter's pattern, NULL while the session set none of
    the parameters its text depends on (the macro's default text, no cost)."""
    binary = values.get("BINARY_OUTPUT_FORMAT", "HEX").upper()
    out: dict[str, str | None] = {BINARY_VARIABLE: None if binary == "HEX" else binary}
    timestamp = "TIMESTAMP_OUTPUT_FORMAT" in values
    for key, variable in VARIABLES.items():
        if key in values or (timestamp and key in _TIMESTAMPS):
            out[variable] = pattern(key, effective(key, values))
        else:
            out[variable] = None
    return out


def text(value: object, kind: str, values: Mapping[str, str]) -> str | None:
    """A DATE / TIME / TIMESTAMP_* / BINARY value as Snowflake shows it under a session's formats (kind: DATE,
    TIME, TIMESTAMP_NTZ / LTZ / TZ, BINARY, the column's type); None for any other value."""
    if kind == "BINARY" and isinstance(value, bytes | bytearray):  # BINARY_OUTPUT_FORMAT: HEX or BASE64
        data = bytes(value)
        return base64.b64encode(data).decode() if values.get("BINARY_OUTPUT_FORMAT", "").upper() == "BASE64" \
            else data.hex().upper()
    key = {"DATE": "DATE_OUTPUT_FORMAT", "TIME": "TIME_OUTPUT_FORMAT"}.get(kind, f"{kind}_OUTPUT_FORMAT")
    if key not in _ELEMENTS or not isinstance(value, datetime.date | datetime.time):
        return None
    fmt = effective(key, values) or {"DATE_OUTPUT_FORMAT": "YYYY-MM-DD", "TIME_OUTPUT_FORMAT": "HH24:MI:SS"}[key]
    strf = pattern(key, fmt)
    if strf is None:
        return None
    if isinstance(value, datetime.time):
        value = datetime.datetime.combine(datetime.date(1970, 1, 1), value)
    elif not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    strf = (strf.replace("%%", "\x05").replace("%g", f"{value.microsecond // 1000:03d}")
            .replace("%n", f"{value.microsecond * 1000:09d}").replace("%f", f"{value.microsecond:06d}"))
    out = value.strftime(strf).replace("\x05", "%")
    return out.replace(TZH, f"{sign}{abs(minutes) // 60:02d}").replace(TZM, f"{abs(minutes) % 60:02d}")
