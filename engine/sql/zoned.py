"""The text of a TIMESTAMP_LTZ / TZ under the session's TIMESTAMP_LTZ_ / TZ_OUTPUT_FORMAT (engine.output_formats,
conformance/DECISIONS.md T60-T61): the strftime pattern the session hands DuckDB, whose TZH (chr 3) and TZM
(chr 4) marks the `snowreg_ztext` macro replaces with the value's offset."""

from __future__ import annotations

from sqlglot import exp

from snowreg.catalog.sandbox import MACRO_CATALOG

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
}
TEXT = (f"{MACRO_CATALOG}.main.snowreg_ztext(CAST(x AS TIMESTAMPTZ), "
        f"rpad(replace(strftime(CAST(x AS TIMESTAMPTZ), '%z'), ':', ''), 5, '0'), {FORMAT})")


def tz_format() -> exp.Expr:
    """The pattern of a TIMESTAMP_TZ whose own offset the translation sees (engine.sql.dates.spelled_texts):
    TIMESTAMP_TZ_OUTPUT_FORMAT's, read at run time."""
    variable = exp.Anonymous(this="getvariable", expressions=[exp.Literal.string("snowreg_tz_output_format")])
    return exp.Anonymous(this="coalesce", expressions=[variable, exp.Literal.string("%Y-%m-%d %H:%M:%S.%g \x03\x04")])
