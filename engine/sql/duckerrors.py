"""DuckDB errors → Snowflake errors: the engine's one translation boundary for the database."""

from __future__ import annotations

import re

import duckdb

from snowreg import error_catalog, errors
from snowreg.catalog.names import SEPARATOR
from snowreg.engine.sql import function_catalogue

BAD_CHR = "snowreg_bad_chr:"  # engine.sql.texts' CHR of no code point: the code follows
BAD_UUID = "snowreg_bad_uuid:"  # engine.sql.texts' UUID_STRING namespace that is no UUID: the text follows

SCALE_CUT_MARKER = "snowreg_scale_cut:"  # names a conditional that would cut fraction digits (engine.sql.conditionals)

_TABLE_MISSING = re.compile(r"(?:Table|View|Table Function|Sequence) with name \"?([^\s\"!]+)\"? does not exist")
_CATALOG_MISSING = re.compile(r"Catalog \"?([^\s\"]+)\"? does not exist")
_SCHEMA_MISSING = re.compile(r"Schema with name \"?([^\s\"]+)\"? does not exist")
_COLUMN_MISSING = re.compile(r"Referenced column \"?([^\s\"]+)\"? (?:was )?not found")
_USING_MISSING = re.compile(r'Column "([^"]+)" does not exist on (?:left|right) side of join')
_NO_COMPARISON = re.compile(r"Cannot compare values of type (.+?) and type (.+?) - an explicit cast is required")
_STAR_MISSING = re.compile(r'Column "([^"]+)" in (?:EXCLUDE|REPLACE|RENAME) list not found')
_FUNCTION_MISSING = re.compile(r"(?:Scalar|Table) Function with name \"?([^\s\"]+)\"? does not exist")
_UDF_MACRO = re.compile(r"(.+)\([A-Z_, ]*\)/\d+", re.I)  # a user function's macro (catalog.udfs.macro_name)
_NOT_CONVERTED = re.compile(r"Could not convert string ['\"](.*)['\"] to ([A-Z0-9_(), ]+?)(?: when casting|$)")
_KIND_OF = {t: "Numeric" for t in ("TINYINT", "SMALLINT", "INTEGER", "INT32", "BIGINT", "INT64", "HUGEINT", "FLOAT",
                                   "DOUBLE", "DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "INT8",
                                   "INT16", "INT128", "UHUGEINT")}
_KIND_OF.update({"BOOL": "Boolean", "BOOLEAN": "Boolean"})
_OTHER_KIND = re.compile(r'Existing object "?([^"]+)"? is of type \w+, trying to drop type')
_RENAMED_ONTO = re.compile(r'Could not rename "(?:[^"]|"")*" to "((?:[^"]|"")*)": another entry with this name already exists')
_ALREADY = re.compile(r"(?:Table|View) with name \"?([^\s\"]+)\"? already exists")


def _first_line(e: Exception) -> str:
    text = str(e)
    for prefix in ("Catalog Error: ", "Binder Error: ", "Parser Error: ", "Conversion Error: ",
                   "Invalid Input Error: ", "Constraint Error: ", "Out of Range Error: "):
        text = text.replace(prefix, "")
    return text.split("\n")[0].strip()


def _qualified(name: str, database: str | None, schema: str | None) -> str:
    """Snowflake names a missing object fully qualified by the current database and schema."""
    parts = name.split(".")
    if len(parts) == 1 and schema is not None:
        parts = [schema, *parts]
    if len(parts) == 2 and database is not None:
        parts = [database, *parts]
    return ".".join(parts)


# engine.sql.python_udfs: a failing handler's whole 100357 message, carried through DuckDB as an exception's text
_PYTHON_FAILURE = re.compile(r"Python exception occurred while executing the UDF: PythonUdfFailure: "
                             r"(Python Interpreter Error:\n.+)", re.S)
_PHYSICAL = re.compile(SEPARATOR + "[0-9a-f]+")


_FAILED_CAST = "' to INT32"  # how DuckDB ends a failed cast to INTEGER, the macros' way to fail without error()


def _marked(detail: str, marker: str) -> str:
    """The text after `marker` in an error a macro raised: by error(), or by a failing cast (which, unlike
    error(), leaves an ORDER BY alias of the expression allowed)."""
    rest = detail.split(marker, 1)[1]
    return rest[:rest.rfind(_FAILED_CAST)] if rest.endswith(_FAILED_CAST) else rest


def translate(e: duckdb.Error, database: str | None = None, schema: str | None = None) -> errors.Error:
    """A Snowflake-shaped error for a DuckDB exception raised while running translated SQL."""
    if (m := _PYTHON_FAILURE.search(str(e))) is not None:  # a Python UDF's handler raised: its 100357
        return error_catalog.python_interpreter_error(m.group(1))
    text = _PHYSICAL.sub("", str(e))  # physical names (catalog/names.py) read as the Snowflake names
    detail = _PHYSICAL.sub("", _first_line(e))
    if isinstance(e, duckdb.CatalogException):
        for rx, kind in ((_TABLE_MISSING, "Object"), (_SCHEMA_MISSING, "Schema"), (_CATALOG_MISSING, "Database")):
            m = rx.search(text)
            if m:
                name = m.group(1) if kind != "Object" else _qualified(m.group(1), database, schema)
                return errors.does_not_exist(kind, name, "42S02" if kind == "Object" else "02000")
        m = _FUNCTION_MISSING.search(text)
        if m:  # a user function dropped after a view or another function's body named it: its own name
            udf = _UDF_MACRO.fullmatch(m.group(1))
            if udf is None and function_catalogue.is_snowflake_function(m.group(1).upper()) \
                    and m.group(1).upper() not in function_catalogue.BY_CATEGORY["table"]:
                # a Snowflake function DuckDB has no form of for these arguments: never "Unknown function" (a
                # table function outside FROM is one: Snowflake's scalar functions have none of that name)
                return errors.not_supported(f"The function {m.group(1).upper()} with these arguments")
            return errors.unknown_function((udf.group(1) if udf else m.group(1)).upper())
        m = _ALREADY.search(text)
        if m:
            return errors.already_exists("Object", m.group(1))
    m = _RENAMED_ONTO.search(text)
    if m:  # ALTER TABLE … RENAME TO the name of another table or view
        return errors.already_exists("Object", m.group(1))
    m = _OTHER_KIND.search(text)
    if m:  # DROP TABLE of a view (or DROP VIEW of a table): no such table (view) there
        return errors.does_not_exist("Object", _qualified(m.group(1), database, schema), "42S02")
    if "Cannot drop column: table only has one column remaining" in text:  # conformance/DECISIONS.md K7
        return errors.compilation_error("Cannot drop the last column of a table.")
    if isinstance(e, duckdb.BinderException) and 'argument in function "round" must be a constant' in text:
        return errors.not_supported("ROUND of a NUMBER to a scale that is not a constant")
    if detail.startswith(("DECIMAL type scale cannot be greater than width", "DECIMAL type width must be between")):
        # NUMBER(p, s) with p outside 1..38 or s above p (conformance/DECISIONS.md E7)
        return errors.compilation_error("NUMBER(p, s) needs a precision p from 1 to 38 and a scale s from 0 to p")
    if isinstance(e, duckdb.BinderException) and 'argument in function "trunc" must be a constant' in text:
        return errors.not_supported("TRUNCATE of a NUMBER to a scale that is not a constant")
    if (found := _storage_words(detail, text)) is not None:
        return found
    if isinstance(e, duckdb.BinderException):
        if "Cannot change the type of a column that has a CHECK constraint" in detail:
            return errors.not_supported("Changing the type of a VARCHAR(n) column made by CREATE TABLE (snowreg "
                                        "enforces its length with a check it cannot change)")
        m = _COLUMN_MISSING.search(text) or _STAR_MISSING.search(text) or _USING_MISSING.search(text)
        if m:  # a column no table has, also in `* EXCLUDE` / `* REPLACE`, JOIN … USING (DECISIONS.md O31, O36)
            return errors.invalid_identifier(m.group(1))
        if _TEXT_ARITHMETIC.search(detail):  # a string literal that spells a number is read as it (translate._number)
            return errors.not_supported("Arithmetic on a VARCHAR value that is not a number literal (Snowflake reads "
                                        "it as a number: cast it, e.g. x::NUMBER)")
        if (m := _NO_COMPARISON.search(detail)) is not None:  # Snowflake converts one side (O36)
            return errors.not_supported(f"Comparing a {_snowflake_type(m.group(1))} value with a "
                                        f"{_snowflake_type(m.group(2))} value without a cast (cast one of them, "
                                        "e.g. x::NUMBER, x::DATE or x::VARCHAR)")
        if detail.startswith("Set operations can only apply to expressions with the same number of result"):
            return errors.set_operator_columns()
        m = _CTAS_COUNT.search(text)
        if m:  # engine.sql.dml.create's CTAS with a column list
            return errors.compilation_error(f"The column list names {m.group(2)} columns but the query returns "
                                            f"{m.group(1)}")
        m = _INSERT_COUNT.search(text)
        if m:
            return errors.insert_value_mismatch(int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4)))
        m = _NO_MATCH.search(detail)
        if m:
            return _argument_types(m.group(1), m.group(2))
        if _NOT_TAKEN.match(detail):  # a call's arguments one of the functions it became does not take
            return error_catalog.arguments_not_taken()
        return errors.compilation_error(detail)
    if isinstance(e, duckdb.ParserException):
        return errors.syntax_error_detail(detail)
    if detail.startswith("More than one row returned by a subquery used as an expression"):
        return errors.single_row_subquery()
    if isinstance(e, duckdb.InvalidInputException) and (m := _BAD_REGEX.match(detail)) is not None:
        return errors.invalid_regex(m.group(2), m.group(1))  # RE2's text names the part it stopped at
    if isinstance(e, duckdb.InvalidInputException) and detail.startswith("Division by zero"):
        return errors.division_by_zero()
    if isinstance(e, duckdb.InvalidInputException) and detail.startswith("NULL result in a non-nullable column"):
        return errors.null_violation(detail)  # a function declared RETURNS … NOT NULL (engine.sql.udf_bodies)
    if detail.startswith(TOO_LONG_MARK):  # CAST(… AS VARCHAR(n)) of a longer value (engine.sql.rewrites)
        return errors.string_too_long(detail.removeprefix(f"{TOO_LONG_MARK}String '").rsplit("' is too long", 1)[0])
    if detail.startswith("Duplicate field key"):  # engine.sql.arrays' OBJECT_INSERT (errno undocumented)
        return errors.execution_error(detail)
    if detail.startswith(("Key array and value array", "Key supplied for ARRAYS_TO_OBJECT")):  # engine.sql.arrays
        return error_catalog.arrays_to_object(detail)
    if detail.startswith("Not an array: "):  # engine.sql.arrays' ARRAY_FLATTEN
        return errors.not_an_array(detail)
    if detail.startswith("Malformed JSON"):  # DuckDB's words for the text, Snowflake's reason instead
        from snowreg.engine.sql import json_errors

        return errors.json_parse_error(json_errors.reason(detail) or "malformed JSON text")
    if detail.startswith("Error parsing JSON"):
        return errors.json_parse_error(re.sub(r" when casting from source column .*$", "",
                                              detail.removeprefix("Error parsing JSON: ")))
    if SCALE_CUT_MARKER in detail:  # engine.sql.conditionals' check, where no translation again follows
        return errors.not_supported("A conditional of NUMBER values of different scales here (cast its values, e.g. "
                                    "x::NUMBER(38, 2))")
    if "snowreg_not_recognized:" in detail:  # engine.sql.input_texts: text that does not match the input format
        kind, _, unread = _marked(detail, "snowreg_not_recognized:").partition(":")
        return errors.datetime_not_recognized(kind, unread)
    if BAD_UUID in detail:
        return error_catalog.invalid_uuid(_marked(detail, BAD_UUID))
    if BAD_CHR in detail:
        return error_catalog.invalid_character_code(_marked(detail, BAD_CHR))
    if "snowreg_not_hex:" in detail:  # engine.sql.texts' HEX_DECODE_*, engine.sql.binary_formats
        return error_catalog.not_hex(_marked(detail, "snowreg_not_hex:"))
    if (m := re.match(r"Pattern has (\d+) groups\. Cannot access group (\d+)", detail)) is not None:
        return errors.not_supported(f"A regular expression's group {m.group(2)} where the pattern has {m.group(1)}")
    if "snowreg_bad_url:" in detail:  # engine.sql.urls' PARSE_URL of a text without a scheme
        return error_catalog.bad_url(_marked(detail, "snowreg_bad_url:"))
    if "snowreg_unsupported:" in detail:  # raised by engine.sql.numbers' macros
        what = detail.split("snowreg_unsupported:")[1].split("'")[0]
        return errors.not_supported(what[:1].upper() + what[1:])
    if (m := _NO_CAST.search(detail)) is not None:  # e.g. EXP(<date>): no such conversion in Snowflake either
        return errors.compilation_error(f"Cannot convert a value of type {_snowflake_type(m.group(1))} to "
                                        f"{_snowflake_type(m.group(2))}")
    if isinstance(e, duckdb.ConversionException) and _SPACED_OFFSET.search(detail):
        return errors.not_supported("Text read as a timestamp with a space before its zone offset, outside a "
                                    "cast (write '2024-01-01 10:00:00+02:00')")
    if (m := _NOT_PARSED.search(detail)) is not None:  # TO_DATE / TO_TIMESTAMP with a format (conformance/DECISIONS.md F24)
        return errors.datetime_not_recognized("Timestamp", m.group(1))
    if isinstance(e, duckdb.ConversionException) and (m := _BAD_DATETIME.search(detail)) is not None:
        return errors.datetime_not_recognized(m.group(1).capitalize(), m.group(2))
    if isinstance(e, duckdb.ConversionException) and (value := _out_of_range(detail)) is not None:
        return errors.numeric_value_out_of_range(value)
    if detail.startswith("Failure in decode: could not convert blob to UTF8"):  # HEX_ / BASE64_DECODE_STRING
        return error_catalog.invalid_utf8()
    if isinstance(e, duckdb.ConversionException | duckdb.InvalidInputException):
        m = _NOT_CONVERTED.search(detail)
        value_kind = _KIND_OF.get(m.group(2).split("(")[0]) if m else None
        if m and value_kind:
            return errors.value_not_recognized(value_kind, m.group(1))
        return errors.numeric_not_recognized(detail)
    if isinstance(e, duckdb.OutOfRangeException):
        return errors.numeric_out_of_range(_overflow(detail))
    if isinstance(e, duckdb.ConstraintException):
        m = _TOO_LONG.search(text)
        return errors.string_too_long(m.group(1)) if m else _constraint(detail)
    if isinstance(e, duckdb.TransactionException) and "Conflict" in detail:
        # Snowflake would wait for the other transaction's lock (LOCK_TIMEOUT); DuckDB refuses at once
        # (conformance/DECISIONS.md P2)
        return error_catalog.lock_wait()
    if isinstance(e, duckdb.NotImplementedException):
        return errors.NotSupportedError(f"{errors.COMPILATION}{detail}", 2, "0A000")
    return errors.execution_error(detail)


# Starts the text of a too-long value's error (engine.sql.ddl's VARCHAR(n) CHECKs, engine.sql.rewrites' casts).
TOO_LONG_MARK = "TRUNCATED_STRING:"
_NO_MATCH = re.compile(r"No function matches the given name and argument types '([^(']+)\((.*)\)'")
_NOT_TAKEN = re.compile(r"Macro \S+ does not support the supplied arguments|No matching aggregate function|"
                        r"UNNEST - unsupported extra argument|\w+\(\) takes exactly")
_NO_CAST = re.compile(r"Unimplemented type for cast \((.+?) -> (.+)\)")
_TYPE_NAMES = {"INTEGER_LITERAL": "NUMBER(38,0)", "INTEGER": "NUMBER(38,0)", "BIGINT": "NUMBER(38,0)", "BOOL": "BOOLEAN",
               "SMALLINT": "NUMBER(38,0)", "TINYINT": "NUMBER(38,0)", "TIMESTAMP_NS": "TIMESTAMP_NTZ",
               "HUGEINT": "NUMBER(38,0)", "DOUBLE": "FLOAT", "STRING_LITERAL": "VARCHAR", "TIMESTAMP": "TIMESTAMP_NTZ",
               "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_LTZ", "JSON": "VARIANT", "BLOB": "BINARY",
               "JSON[]": "ARRAY", "VARCHAR[]": "ARRAY"}  # a list where an ARRAY function wants one (O85)


def snowflake_type(name: str) -> str:
    """A DuckDB type's Snowflake name, for messages (DECIMAL(p,s) is NUMBER(p,s))."""
    name = name.strip()
    return "NUMBER" + name[len("DECIMAL"):] if name.startswith("DECIMAL(") else _TYPE_NAMES.get(name, name)


_snowflake_type = snowflake_type


# DuckDB's names of the date and time functions a VARCHAR column reaches (W7): the hint casts to a date.
_DATE_FUNCTIONS = frozenset("""YEAR QUARTER MONTH WEEK DAY DAYOFWEEK DAYOFYEAR HOUR MINUTE SECOND DATE_DIFF DATE_SUB
    DATEDIFF DATE_TRUNC DATE_PART LAST_DAY DAYNAME MONTHNAME ISODOW ISOYEAR WEEKOFYEAR YEARWEEK EPOCH""".split())


def _argument_types(function: str, types: str) -> errors.Error:
    """A built-in function given arguments it has no form for (conformance/DECISIONS.md E11): Snowflake's
    001044 with the types in its names; a VARCHAR among them Snowflake would convert, which snowreg refuses."""
    names = [_snowflake_type(t) for t in re.split(r",\s*(?![^()]*\))", types) if t.strip()]
    if "VARCHAR" in names:
        hint = "x::DATE or x::TIMESTAMP" if any(n.startswith(("DATE", "TIME")) for n in names) \
            or function.upper() in _DATE_FUNCTIONS else "x::NUMBER(10, 2) or x::FLOAT"
        return errors.not_supported(f"{function.upper()} of a VARCHAR argument here (cast it, e.g. {hint})")
    return errors.invalid_arguments(f"Invalid argument types for function '{function.upper()}': ({', '.join(names)})")


def text_arithmetic(e: duckdb.Error) -> bool:
    """DuckDB refused an arithmetic operator, or a date function (engine.sql.date_texts), on a VARCHAR operand."""
    return isinstance(e, duckdb.BinderException) and (_TEXT_ARITHMETIC.search(_first_line(e)) is not None
                                                      or _TEXT_DATE.search(_first_line(e)) is not None)


_TEXT_ARITHMETIC = re.compile(r"""(?:function call "|argument types ')[-+*/%]\([^)]*\b(?:VARCHAR|STRING_LITERAL)\b""")
# DuckDB's names of the date functions engine.sql.date_texts probes, once translated.
_TEXT_DATE = re.compile(r"No function matches the given name and argument types '(?:datediff|date_diff|date_part|"
                        r"datepart|year|quarter|month|day|dayofmonth|dayofweek|isodow|dayofyear|week|weekofyear|"
                        r"yearweek|isoyear|hour|minute|second|strftime|dayname|monthname|last_day|epoch|epoch_us|"
                        r"epoch_ns)\([^']*\bVARCHAR\b", re.IGNORECASE)
_NOT_PARSED = re.compile(r'Could not parse string "(.*)" according to format specifier')
_BAD_DATETIME = re.compile(r'(date|timestamp|time) field (?:format|value out of range): "(.*?)"')
_CTAS_COUNT = re.compile(r'table "snowreg_ctas" has (\d+) columns available but (\d+) columns specified', re.I)
_INSERT_COUNT = re.compile(r"has (\d+) columns but (\d+) values were supplied|expected (\d+) columns but (\d+) values")
# The CHECK of a VARCHAR(n) column (engine.sql.ddl.length_checks) raises this text.
_TOO_LONG = re.compile(r"\(Error: TRUNCATED_STRING:String '(.*)' is too long and would be truncated\)\s*\Z", re.S)
_SPACED_OFFSET = re.compile(r"Unknown TimeZone '[+-]\d")


_DECIMAL_RANGE = (re.compile(r"Could not cast value (\S+) to DECIMAL\("),
                  re.compile(r'Casting value "(.*)" to type DECIMAL\(.*out of range'),
                  re.compile(r'Could not convert string "\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*" to DECIMAL\('),
                  # an integer argument (a position, a length, a count) cast to DuckDB's INTEGER
                  re.compile(r"Type \w+ with value (-?\d+) can't be cast because the value is out of range"))


_OVERFLOW = re.compile(r"Overflow in (?:(?:multiplication|addition|subtraction|subtract) of (\w+)(?:\(\d+\))? \(|"
                       r"(HUGEINT) \w+: )(-?\d+) ([-+*]) (-?\d+)")
_INTEGERS = frozenset({"INT8", "INT16", "INT32", "INT64", "INT128", "HUGEINT"})


def _overflow(detail: str) -> str:
    """Snowflake's text of an arithmetic result past NUMBER(38, 0)'s 38 digits (100046), with its value when
    the operands are integers; a DECIMAL's digits in DuckDB's text are unscaled, so its value is left out."""
    m = _OVERFLOW.search(detail)
    kind = (m.group(1) or m.group(2)) if m else None
    if m is None and not detail.startswith("Overflow in "):
        return detail  # another range error (a date, a cast): DuckDB's words
    if m is None or kind not in _INTEGERS:
        return "Number out of representable range: type FIXED[SB16](38,0)"
    a, op, b = int(m.group(3)), m.group(4), int(m.group(5))
    value = a * b if op == "*" else a + b if op == "+" else a - b
    return f"Number out of representable range: type FIXED[SB16](38,0), value {value}"


def _out_of_range(detail: str) -> str | None:
    """The number in DuckDB's text of a value too large for a DECIMAL(p, s) (a number that is one) or an INTEGER."""
    for rx in _DECIMAL_RANGE:
        m = rx.search(detail)
        if m:
            return m.group(1)
    return None


_NOT_NULL_FAILED = re.compile(r'NOT NULL constraint failed: "?([^".]+)"?\."?([^".]+)"?$')


def added_not_null(e: duckdb.Error, sql: str) -> errors.Error | None:
    """ALTER TABLE … ADD COLUMN c … NOT NULL (no default) to a table with rows: Snowflake refuses to add it
    (conformance/DECISIONS.md O32); DuckDB adds it, finds NULLs and says so as a NOT NULL violation."""
    m = _NOT_NULL_FAILED.search(_PHYSICAL.sub("", _first_line(e))) if isinstance(e, duckdb.ConstraintException) else None
    if m is None or re.search(rf'\bADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?{re.escape(m.group(2))}"?\s',
                              sql, re.I) is None:
        return None
    return errors.compilation_error(f"Non-nullable column '{m.group(2)}' cannot be added to non-empty table "
                                    f"'{m.group(1)}' unless it has a non-null default value.")


# RE2's compile errors, as DuckDB passes them on: `<what>: <the part of the pattern it stopped at>`.
_BAD_REGEX = re.compile(r"((?:missing|unexpected|no argument for|bad|invalid|trailing) [^:]*(?:\)|\]|operator|"
                        r"sequence|range|class|group|size|\\|UTF-8)): (.*)$", re.S)


def _constraint(detail: str) -> errors.Error:
    """NOT NULL is enforced as in Snowflake. PRIMARY KEY, UNIQUE and FOREIGN KEY are not enforced by
    Snowflake (https://docs.snowflake.com/en/sql-reference/constraints-overview) and snowreg no longer
    hands them to DuckDB (engine.sql.ddl), but DuckDB enforces them on tables made before that: a write
    they stop is refused as not supported rather than failing as Snowflake would not."""
    if "NOT NULL" in detail.upper():
        return errors.null_violation("NULL result in a non-nullable column")
    return errors.not_supported("A write that breaks a PRIMARY KEY, UNIQUE or FOREIGN KEY constraint "
                                "(Snowflake does not enforce them; snowreg's storage does)")


# DuckDB's texts for a VARIANT (JSON) value of another kind than a cast needs, and the Snowflake type it names.
_VARIANT_CAST = re.compile(r"(?:Failed to cast value to (decimal|numerical): (.*?)|Unable to cast '(.*?)' to "
                           r"(TIMESTAMP WITH TIME ZONE|TIMESTAMP|DATE|TIME|BOOLEAN))(?: when casting from source column .*)?$",
                           re.S)
_VARIANT_TARGETS = {"decimal": "FIXED", "numerical": "REAL", "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_TZ",
                    "TIMESTAMP": "TIMESTAMP_NTZ", "DATE": "DATE", "TIME": "TIME", "BOOLEAN": "BOOLEAN"}
_DUPLICATE_ALIAS = re.compile(r'Ambiguous reference to table "([^"]+)" \(duplicate alias')
_SUBQUERY_COLUMNS = re.compile(r"Subquery returns \d+ columns - expected 1")
_ZONE = re.compile(r"Unknown TimeZone '(.*)'!?$")
_DATE_PART = re.compile(r'extract specifier "(.*)" not recognized')
_BASE64 = re.compile(r'Could not decode string "(.*)" as base64', re.S)
_CANDIDATE = re.compile(r'Could not choose a best candidate function for the function call "\w+\(([^)]*)\)"')
_MIXED = re.compile(r"Cannot (?:mix values of type (.+?) and (.+?) in (COALESCE|CASE|BETWEEN)(?: operator| expression| clause)?|combine types of (.+?) "
                    r"and (.+?)|unpivot columns of types (.+?) and (.+?)) - an explicit cast is required")
_MIXED_WHERE = {"COALESCE": "COALESCE (NVL, IFNULL)", "CASE": "CASE (IFF, DECODE)", "BETWEEN": "BETWEEN"}


def _underlined(text: str) -> str:
    """The part of the statement DuckDB's `LINE n: …` excerpt underlines with `^` ('' when none)."""
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if line.startswith("LINE ") and (carets := re.search(r"\^+", lines[i + 1])) is not None:
            return line[carets.start():carets.end()]
    return ""


_COLLATION = re.compile(r"Collation with name (\S+) does not exist")
_LOCALE = re.compile(r"[a-z]{2,3}(?:_[a-z0-9]{2,4})*")  # https://docs.snowflake.com/en/sql-reference/collation-locales
_NOT_OF_KIND = re.compile(r"Expected (ARRAY|OBJECT), but got \w+: (.*?)(?: when casting from source column .*)?$", re.S)
_REPLACED_KIND = re.compile(r'Existing object "?([^"]+)"? is of type \w+, trying to replace with type')
_ALTERED_KIND = re.compile(r"Can only modify (view|table) with ALTER (?:VIEW|TABLE) statement")
_GROUPING = re.compile(r'GROUPING child "([^"]+)" must be a grouping column')
_SAMPLE = re.compile(r"Sample sample_size (\S+) out of range, must be between 0 and 100")
_PYTHON_INTEGER = re.compile(r"Python integer too large for 128-bit integer type: (-?\d+)")
_PERCENTILE = {"APPROXIMATE QUANTILE can only take parameters in range [0, 1]": "APPROX_PERCENTILE",
               "PERCENTILEs can only take parameters in the range [0, 1]": "PERCENTILE_CONT / PERCENTILE_DISC"}


def _storage_words(detail: str, text: str = "") -> errors.Error | None:
    """Snowflake's error for a DuckDB text whose words must not reach users (conformance/DECISIONS.md O56-O60,
    O81-O83)."""
    if (m := _COLLATION.match(detail)) is not None:  # sqlglot joined the specification's parts with dots
        spec = m.group(1).replace(".", "-")
        if all(_LOCALE.fullmatch(part) for part in m.group(1).split(".")):  # a locale DuckDB's ICU lacks
            return errors.not_supported(f"The collation '{spec}' (a locale snowreg does not know)")
        return error_catalog.invalid_collation(spec)
    if (m := _NOT_OF_KIND.match(detail)) is not None:  # an ARRAY / OBJECT function's argument of another kind
        return error_catalog.variant_cast_failed(m.group(2), m.group(1))
    if (m := _REPLACED_KIND.search(detail)) is not None:  # CREATE OR REPLACE TABLE over a view (or VIEW over a table)
        return errors.already_exists("Object", m.group(1))
    if (m := _ALTERED_KIND.match(detail)) is not None:  # ALTER TABLE of a view (ALTER VIEW of a table)
        return error_catalog.wrong_object_type(*(("VIEW", "TABLE") if m.group(1) == "view" else ("TABLE", "VIEW")))
    if (m := _GROUPING.match(detail)) is not None:  # GROUPING(c) of a column the GROUP BY does not name
        return errors.invalid_group_by_expression(m.group(1))
    if (m := _SAMPLE.match(detail)) is not None:  # https://docs.snowflake.com/en/sql-reference/constructs/sample
        return errors.compilation_error(f"Invalid sampling probability {float(m.group(1)):g}: it must be from 0 to 100")
    if (m := _PYTHON_INTEGER.match(detail)) is not None:  # a Python UDF's int past NUMBER(38, 0)
        return errors.numeric_out_of_range(f"Number out of representable range: type FIXED[SB16](38,0), value {m.group(1)}")
    if (function := _PERCENTILE.get(detail)) is not None:
        return error_catalog.percentile_out_of_range(function)
    if (m := _ZONE.search(detail)) is not None and not _SPACED_OFFSET.search(detail):
        return error_catalog.unknown_timezone(m.group(1))
    if (m := _VARIANT_CAST.search(detail)) is not None:
        value = m.group(2) if m.group(2) is not None else m.group(3)
        target = _VARIANT_TARGETS[m.group(1) or m.group(4)]
        if target == "REAL" and re.search(r"\bAS BOOLEAN\)$", _underlined(text)):  # DuckDB says numerical for both
            target = "BOOLEAN"
        return error_catalog.variant_cast_failed(value, target)
    if (m := _DATE_PART.search(detail)) is not None:
        return error_catalog.not_a_date_part(m.group(1).upper(), "DATE_PART")
    if "snowreg_bad_day:" in detail:  # engine.sql.date_parts' NEXT_DAY / PREVIOUS_DAY of a day name naming no day
        function, value = detail.split("snowreg_bad_day:", 1)[1].split(":", 1)
        return error_catalog.invalid_day_of_week(function, value, at_run_time=True)
    if (m := _BASE64.search(detail)) is not None:
        return error_catalog.not_base64(m.group(1))
    if (m := _CANDIDATE.search(detail)) is not None:
        kinds = sorted({_snowflake_type(t) for t in re.split(r",\s*", m.group(1)) if t.strip()} - {"VARCHAR"})
        return errors.not_supported("A date or time function of a VARCHAR or VARIANT value here (cast it, e.g. x::DATE)"
                                    if not kinds or kinds == ["VARIANT"] else
                                    f"A function of arguments of the types {', '.join(kinds)} here")
    if (m := _DUPLICATE_ALIAS.search(detail)) is not None:
        return errors.compilation_error(f"duplicate table alias '{m.group(1).rsplit('.', 1)[-1]}' (alias one of them)")
    if detail.startswith("Frame starting from following row cannot have preceding rows"):
        return errors.compilation_error("Invalid window frame: it starts after the current row and ends before it")
    if detail.startswith("at least one window function must appear in the SELECT column or QUALIFY clause"):
        return error_catalog.qualify_without_window()
    if _SUBQUERY_COLUMNS.match(detail):
        return error_catalog.multi_column_subquery()
    if detail.startswith("Values were not provided for the following parameters: "):
        return errors.bind_variable_not_set(":" + detail.rsplit(": ", 1)[1].split(",")[0].strip())
    if detail.startswith("UNNEST() can only be applied to"):  # FLATTEN called in the select list
        return errors.wrong_function_kind("FLATTEN is a table function: call it in FROM, as TABLE(FLATTEN(…)) or "
                                          "LATERAL FLATTEN(…)")
    if detail.startswith("Argument for ntile must be greater than zero"):
        return errors.execution_error("NTILE's number of buckets must be greater than zero")
    if detail.startswith("Window functions are not supported here"):
        return errors.compilation_error("A window function needs an OVER clause here")
    if (m := _MIXED.search(detail)) is not None:
        if m.group(3) is not None:
            types, where = (m.group(1), m.group(2)), _MIXED_WHERE[m.group(3)]
        elif m.group(4) is not None:
            types, where = (m.group(4), m.group(5)), "GREATEST (LEAST)"
        else:
            types, where = (m.group(6), m.group(7)), "UNPIVOT"
        return error_catalog.mixed_types(where, *(_snowflake_type(t) for t in types))
    return None
