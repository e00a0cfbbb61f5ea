"""The text of a TIMESTAMP_LTZ / TZ under the session's TIMESTAMP_LTZ_ / TZ_OUTPUT_FORMAT (engine.output_formats,
conformance/DECISIONS.md T60-T61): the strftime pattern the session hands DuckDB, whose TZH (chr 3) and TZM
(chr 4) marks the `snowreg_ztext` macro replaces with the value's offset; TO_CHAR / TO_VARCHAR of a date or time
with a format of its own (`formatted`, DECISIONS.md T82) writes by such a pattern too."""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.catalog.sandbox import MACRO_CATALOG
from snowreg.engine.output_formats import ELEMENTS
from snowreg.errors import not_supported

# `YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM`, TIMESTAMP_OUTPUT_FORMAT's default, while the session sets no format.
DEFAULT = "'%Y-%m-%d %H:%M:%S.%g ' || chr(3) || chr(4)"
# One variable of each (NULL: the default); DuckDB holds LTZ and TZ values as one zoned type, so while the two
# formats differ a zoned value's text is refused rather than written in the wrong one.
FORMAT = ("CASE WHEN getvariable('snowreg_ltz_output_format') IS NOT DISTINCT FROM "
          "getvariable('snowreg_tz_output_format') THEN coalesce(getvariable('snowreg_ltz_output_format'), "
          f"{DEFAULT}) ELSE CAST(CAST('snowreg_unsupported:the text of a TIMESTAMP_LTZ or TIMESTAMP_TZ value while "
          "TIMESTAMP_LTZ_OUTPUT_FORMAT and TIMESTAMP_TZ_OUTPUT_FORMAT differ' AS INTEGER) AS VARCHAR) END")
# (a failing cast, not error(), which would make every `::VARCHAR` volatile and `ORDER BY 1` of it refused)

MACROS = {
    # `t` (a zoned value, or the wall-clock time of one) as text by the pattern `f`, `o` its offset (`+HHMM`)
    "snowreg_ztext(t, o, f)": "replace(replace(strftime(t, f), chr(3), substr(o, 1, 3)), chr(4), substr(o, 4, 2))",
    # TO_CHAR / TO_VARCHAR of a date or time by the pattern `f` (`formatted`): a zoned value at its offset, a
    # TIMESTAMP_NTZ's zone elements as the UTC indicator `Z`, a TIME as the time of day of 1970-01-01.
    "snowreg_dtformat(x, f)": f"""CASE WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN {MACRO_CATALOG}.main.snowreg_ztext(
            CAST(x AS TIMESTAMPTZ), rpad(replace(strftime(CAST(x AS TIMESTAMPTZ), '%z'), ':', ''), 5, '0'), f)
        WHEN typeof(x) = 'TIME' THEN strftime(DATE '1970-01-01' + CAST(x AS TIME), f)
        WHEN typeof(x) = 'DATE' THEN strftime(CAST(x AS DATE), f)
        ELSE strftime(CAST(x AS TIMESTAMP), regexp_replace(f, chr(3) || ':?' || chr(4) || '|' || chr(3) || '|' || chr(4),
            'Z', 'g')) END""",
}
TEXT = (f"{MACRO_CATALOG}.main.snowreg_ztext(CAST(x AS TIMESTAMPTZ), "
        f"rpad(replace(strftime(CAST(x AS TIMESTAMPTZ), '%z'), ':', ''), 5, '0'), {FORMAT})")


def tz_format() -> exp.Expr:
    """The pattern of a TIMESTAMP_TZ whose own offset the translation sees (engine.sql.dates.spelled_texts):
    TIMESTAMP_TZ_OUTPUT_FORMAT's, read at run time."""
    variable = exp.Anonymous(this="getvariable", expressions=[exp.Literal.string("snowreg_tz_output_format")])
    return exp.Anonymous(this="coalesce", expressions=[variable, exp.Literal.string("%Y-%m-%d %H:%M:%S.%g \x03\x04")])


_UNWRITTEN = re.compile(r"FF[0124578]", re.IGNORECASE)  # fraction digits DuckDB's strftime cannot write
_PIECE = re.compile(r'"[^"]*"|[A-Za-z]+\d*|[^A-Za-z"]+')
_NAMES = sorted(ELEMENTS, key=len, reverse=True)


def pattern(fmt: str) -> str | None:
    """The strftime pattern of a TO_CHAR format of a date or time (TZH / TZM as the marks snowreg_ztext replaces):
    its elements, text in double quotes and any other character as it is (the page's `'mm/dd/yyyy, hh24:mi hours'`
    writes `hours`); None when it has fraction digits snowreg does not write exactly."""
    if _UNWRITTEN.search(fmt):
        return None
    out: list[str] = []
    for piece in _PIECE.findall(fmt):
        rest = piece[1:-1] if piece.startswith('"') else piece
        while rest:
            name = None if piece.startswith('"') else next((n for n in _NAMES if rest.upper().startswith(n)), None)
            out.append(ELEMENTS[name] if name else (rest if piece.startswith('"') else rest[0]).replace("%", "%%"))
            rest = rest[len(name):] if name else ("" if piece.startswith('"') else rest[1:])
    return "".join(out) or None


def formatted(value: exp.Expr, fmt: str) -> exp.Expr:
    """TO_CHAR(value, fmt) of a date or time (https://docs.snowflake.com/en/sql-reference/functions/to_char): by the
    elements the output formats take (T53, T60: text in double quotes written without them, TZH:TZM the value's
    own offset); refused (000002) when `fmt` has another element (DECISIONS.md T82)."""
    written = pattern(fmt)
    if written is None:
        raise not_supported(f"TO_CHAR / TO_VARCHAR with the format '{fmt}'")
    call = exp.Anonymous(this="snowreg_dtformat", expressions=[value, exp.Literal.string(written)])
    return exp.Dot.build([exp.to_identifier(MACRO_CATALOG), exp.to_identifier("main"), call])
