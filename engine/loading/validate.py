"""COPY INTO <table> … VALIDATION_MODE: the files are read and checked, nothing is loaded
(https://docs.snowflake.com/en/sql-reference/sql/copy-into-table, "VALIDATION_MODE").

RETURN_ERRORS (and RETURN_ALL_ERRORS, which also reads files loaded before) answers one row per failing record
across the files, in the columns the page's example shows; RETURN_<n>_ROWS answers the first n rows as they would
be loaded (the table's columns, converted), or fails with the first error among them."""

from __future__ import annotations

import re
from typing import Any

from snowreg.engine.access import privileges
from snowreg.engine.loading import convert
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading.convert import Target
from snowreg.engine.loading.options import FileFormat
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident

ERROR_COLUMNS = ["ERROR", "FILE", "LINE", "CHARACTER", "BYTE_OFFSET", "CATEGORY", "CODE", "SQL_STATE", "COLUMN_NAME",
                 "ROW_NUMBER", "ROW_START_LINE", "REJECTED_RECORD"]
ERROR_TYPES = ["TEXT", "TEXT", "FIXED", "FIXED", "FIXED", "TEXT", "FIXED", "TEXT", "TEXT", "FIXED", "FIXED", "TEXT"]
# the errors of a value its column's type does not take (P32); the others are the record's own
_CONVERSION = {100035, 100037, 100038, 100039, 100040, 100108}


def answer(session: Session, mode: str, files: list[Any], relation: Any, targets: list[Target],
           fmt: FileFormat) -> Result:
    from snowreg.engine.sql.translation import TableRef

    # a validation needs what the load would: INSERT on the table (READ on the stage was checked)
    privileges.check_tables(session, [TableRef(relation.database_name, relation.schema_name, relation.name,
                                               write=True)], "insert")
    m = re.fullmatch(r"RETURN_(\d+)_ROWS", mode)
    if m is None:
        rows = [(p.error.msg, f.shown, p.line, p.character, None, "conversion" if p.error.errno in _CONVERSION
                 else "parsing", p.error.errno, p.error.sqlstate,
                 None if p.column is None else lerrors.column_label(relation.name, p.column, p.position), p.row,
                 p.line, None)
                for f in files for p in f.problems]
        return from_rows(ERROR_COLUMNS, rows, ERROR_TYPES)
    wanted = int(m.group(1))
    good: list[list[str | None]] = []
    for f in files:
        events = sorted([(n, 1, cells) for n, cells in zip(f.numbers, f.good, strict=True)] +
                        [(p.row, 0, p) for p in f.problems], key=lambda e: (e[0], e[1]))
        for _, is_good, item in events:
            if len(good) == wanted:
                break
            if not is_good:
                raise lerrors.located(item, f.shown, relation.name)
            good.append(item)
    return _converted(session, targets, fmt, good)


def _converted(session: Session, targets: list[Target], fmt: FileFormat, rows: list[list[str | None]]) -> Result:
    """The rows as the load would write them: each target column's conversion, named after the column."""
    import pyarrow as pa


    names = [f"C{i}" for i in range(len(targets))]
    data = pa.table({n: pa.array([r[i] for r in rows], pa.string()) for i, n in enumerate(names)})
    select = ", ".join(f"{convert.expression(t, fmt, n)} AS {quote_ident(t.name)}"
                       for t, n in zip(targets, names, strict=True))
    return convert.over(session, f"SELECT {select} FROM {{view}}", data)
