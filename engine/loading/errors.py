"""The errors of loading statements, in Snowflake's numbers (https://docs.snowflake.com/en/sql-reference/sql/copy-into-table)."""

from __future__ import annotations

from typing import Any

from snowreg.errors import Error, ProgrammingError, compilation_error


def syntax(detail: str) -> ProgrammingError:
    """001003 (42000): an option list the statement's grammar does not read."""
    return compilation_error(detail, 1003, "42000")


def invalid_value(detail: str) -> ProgrammingError:
    """001008 (22023) `invalid value ['X'] for parameter 'P'` (also an option COPY does not know)."""
    return compilation_error(detail, 1008, "22023")


def json_one_column(detail: str) -> ProgrammingError:
    """002019: a JSON or parquet load by position into other than one VARIANT / OBJECT / ARRAY column."""
    return compilation_error(detail, 2019, "0A000")


def column_count(found: int, expected: int) -> ProgrammingError:
    """100080: a CSV record with more or fewer fields than the table's (or the column list's) columns."""
    return ProgrammingError(
        f"Number of columns in file ({found}) does not match that of the corresponding table ({expected}), use "
        "file format option error_on_column_count_mismatch=false to ignore this error", 100080, "22000")


def decompression(name: str, cause: str) -> ProgrammingError:
    """100109: a staged file that does not decompress as its COMPRESSION says."""
    return ProgrammingError(f"Invalid data encountered during decompression for file: '{name}',compression type "
                            f"used: 'GZIP', cause: '{cause}'", 100109, "22000")


def bad_data(detail: str) -> ProgrammingError:
    """100069 (22P02): a JSON document that does not parse, or text that is not UTF-8."""
    return ProgrammingError(detail, 100069, "22P02")


def files_exist(path: str) -> ProgrammingError:
    """COPY INTO <location> onto a file that exists, without OVERWRITE = TRUE (number UNCERTAIN)."""
    return ProgrammingError(f"Files already existing at the unload destination: {path}. Use overwrite option to "
                            "force unloading.", 1030, "22000")


_CONTINUE_HINT = ("\n  If you would like to continue loading when an error is encountered, use other values such as "
                  "'SKIP_FILE' or 'CONTINUE' for the ON_ERROR option. For more information on loading options, "
                  "please run 'info loading_data' in a SQL client.")


def located(p: Any, shown: str, table: str) -> Error:
    """The error ABORT_STATEMENT fails with: the value's error, where it is in the file, and the hint."""
    where = f"\n  File '{shown}', line {p.line}, character {p.character}\n  Row {p.row}"
    if p.column is not None:
        where += f", column {column_label(table, p.column, p.position)}"
    e = p.error
    located = type(e)(f"{e.msg}{where}{_CONTINUE_HINT}", e.errno, e.sqlstate)
    return located


def column_label(table: str, column: str, position: int) -> str:
    return f'"{table}"["{column}":{position}]'
