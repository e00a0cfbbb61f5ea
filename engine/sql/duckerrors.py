"""DuckDB errors → Snowflake errors: the engine's one translation boundary for the database."""

from __future__ import annotations

import re

import duckdb

from snowreg import errors
from snowreg.catalog.names import SEPARATOR

_TABLE_MISSING = re.compile(r"(?:Table|View|Table Function) with name \"?([^\s\"]+)\"? does not exist")
_CATALOG_MISSING = re.compile(r"Catalog \"?([^\s\"]+)\"? does not exist")
_SCHEMA_MISSING = re.compile(r"Schema with name \"?([^\s\"]+)\"? does not exist")
_COLUMN_MISSING = re.compile(r"Referenced column \"?([^\s\"]+)\"? not found")
_FUNCTION_MISSING = re.compile(r"Scalar Function with name \"?([^\s\"]+)\"? does not exist")
_NOT_CONVERTED = re.compile(r"Could not convert string ['\"](.*)['\"] to ([A-Z0-9_(), ]+?)(?: when casting|$)")
_KIND_OF = {t: "Numeric" for t in ("TINYINT", "SMALLINT", "INTEGER", "INT32", "BIGINT", "INT64", "HUGEINT", "FLOAT",
                                   "DOUBLE", "DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "INT8",
                                   "INT16")}
_KIND_OF.update({"BOOL": "Boolean", "BOOLEAN": "Boolean"})
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


_PHYSICAL = re.compile(SEPARATOR + "[0-9a-f]+")


def translate(e: duckdb.Error, database: str | None = None, schema: str | None = None) -> errors.Error:
    """A Snowflake-shaped error for a DuckDB exception raised while running translated SQL."""
    text = _PHYSICAL.sub("", str(e))  # physical names (catalog/names.py) read as the Snowflake names
    detail = _PHYSICAL.sub("", _first_line(e))
    if isinstance(e, duckdb.CatalogException):
        for rx, kind in ((_TABLE_MISSING, "Object"), (_SCHEMA_MISSING, "Schema"), (_CATALOG_MISSING, "Database")):
            m = rx.search(text)
            if m:
                name = m.group(1) if kind != "Object" else _qualified(m.group(1), database, schema)
                return errors.does_not_exist(kind, name, "42S02" if kind == "Object" else "02000")
        m = _FUNCTION_MISSING.search(text)
        if m:
            return errors.unknown_function(m.group(1).upper())
        m = _ALREADY.search(text)
        if m:
            return errors.already_exists("Object", m.group(1))
    if isinstance(e, duckdb.BinderException):
        m = _COLUMN_MISSING.search(text)
        if m:
            return errors.invalid_identifier(m.group(1))
        return errors.compilation_error(detail)
    if isinstance(e, duckdb.ParserException):
        return errors.syntax_error_detail(detail)
    if isinstance(e, duckdb.InvalidInputException) and detail.startswith("Division by zero"):
        return errors.division_by_zero()
    if "snowreg_unsupported:" in detail:  # raised by engine.sql.numbers' macros
        what = detail.split("snowreg_unsupported:")[1].split("'")[0]
        return errors.not_supported(what[:1].upper() + what[1:])
    if isinstance(e, duckdb.ConversionException | duckdb.InvalidInputException):
        m = _NOT_CONVERTED.search(detail)
        value_kind = _KIND_OF.get(m.group(2).split("(")[0]) if m else None
        if m and value_kind:
            return errors.value_not_recognized(value_kind, m.group(1))
        return errors.numeric_not_recognized(detail)
    if isinstance(e, duckdb.OutOfRangeException):
        return errors.numeric_out_of_range(detail)
    if isinstance(e, duckdb.ConstraintException):
        return errors.null_violation(detail)
    if isinstance(e, duckdb.NotImplementedException):
        return errors.NotSupportedError(f"{errors.COMPILATION}{detail}", 2, "0A000")
    return errors.execution_error(detail)
