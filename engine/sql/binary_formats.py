"""BINARY_INPUT_FORMAT and BINARY_OUTPUT_FORMAT (https://docs.snowflake.com/en/user-guide/binary-input-output,
https://docs.snowflake.com/en/sql-reference/parameters#binary-input-format; conformance/DECISIONS.md T67): text
becomes BINARY (a cast, TO_BINARY / TRY_TO_BINARY without a format) as HEX, BASE64 or UTF-8 says, and BINARY
becomes text (`::VARCHAR`, TO_VARCHAR / TO_CHAR without a format, concatenation) as HEX or BASE64 says.

As the week and output format parameters (T51, T53), the translation never holds the value: the macros read it
from a DuckDB variable (NULL while unset: HEX), so a translation cached by its text serves every session."""

from __future__ import annotations

from snowreg.catalog.sandbox import MACRO_CATALOG
from snowreg.engine.input_formats import BINARY_VARIABLE as INPUT_VARIABLE
from snowreg.engine.output_formats import BINARY_VARIABLE as OUTPUT_VARIABLE

NOT_HEX = "snowreg_not_hex:"  # starts the error of text that is no hex (engine.sql.duckerrors: 100115)

MACROS = {
    # text read as BINARY_INPUT_FORMAT says (`safe`: NULL for text that is not in it)
    "snowreg_text_binary(s, safe)": f"""CASE WHEN s IS NULL THEN NULL
        WHEN coalesce(getvariable('{INPUT_VARIABLE}'), 'HEX') = 'BASE64'
            THEN CASE WHEN safe THEN try(from_base64(s)) ELSE from_base64(s) END
        WHEN getvariable('{INPUT_VARIABLE}') IN ('UTF-8', 'UTF8') THEN encode(s)
        WHEN regexp_full_match(s, '([0-9A-Fa-f]{{2}})*') THEN unhex(s)
        WHEN safe THEN NULL ELSE CAST(CAST('{NOT_HEX}' || s AS INTEGER) AS BLOB) END""",  # fails (not error():
    # that would make the expression volatile, and `ORDER BY 1` of it refused)
}
# A BINARY's text as BINARY_OUTPUT_FORMAT says (in `snowreg_varchar`, whose argument is `x`).
TEXT = (f"CASE WHEN getvariable('{OUTPUT_VARIABLE}') = 'BASE64' THEN to_base64(TRY_CAST(x AS BLOB)) "
        "ELSE hex(TRY_CAST(x AS BLOB)) END")
CALL = f"{MACRO_CATALOG}.main.snowreg_text_binary"

