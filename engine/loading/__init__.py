"""Loading data through stages: named file formats, COPY INTO <table> from staged CSV / JSON / parquet files,
and the readers of those files (https://docs.snowflake.com/en/user-guide/data-load-overview)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.render import template

_COMMENTS = re.compile(r"'(?:[^'\\]|\\.|'')*'|/\*.*?\*/|--[^\n]*", re.S)
VERBS = ("CREATE FILE FORMAT", "DROP FILE FORMAT", "ALTER FILE FORMAT", "SHOW FILE FORMATS")


def _uncommented(text: str) -> str:
    return _COMMENTS.sub(lambda m: m.group(0) if m.group(0).startswith("'") else " ", text).strip()


def _text(stmt: ast.Query) -> str:
    """The statement's text, with the model calls the grammar took out of it written back."""
    return _uncommented(template(stmt.body) if stmt.body.has_calls else stmt.body.text)


def handles(stmt: ast.Query) -> bool:
    """File format statements, and COPY INTO <table> FROM a stage location (not a transformation)."""
    if stmt.verb in VERBS:
        return True
    if stmt.verb != "COPY":
        return False
    from snowreg.engine.loading import copy, unload

    text = _text(stmt)
    return copy.handles(text) or unload.handles(text)


def run(session: Session, stmt: ast.Query, describe_only: bool = False,
        statement: Callable[[str], Result] | None = None) -> Result:
    """`statement` runs an unloaded query that calls a model (plain SQL cannot)."""
    from snowreg.engine.loading import copy, file_formats, unload

    text = _text(stmt)
    if stmt.verb == "COPY":
        if unload.handles(text):
            return unload.unload(session, text, describe_only, statement)
        return copy.load(session, text, describe_only)
    if stmt.verb == "SHOW FILE FORMATS":
        return file_formats.show(session, text)
    if describe_only:
        return status()
    if stmt.verb == "CREATE FILE FORMAT":
        return file_formats.create(session, text)
    if stmt.verb == "ALTER FILE FORMAT":
        return file_formats.alter(session, text)
    return file_formats.drop(session, text)


_TRUNCATE = re.compile(r"TRUNCATE\s+(?:TABLE\s+)?(?:IF\s+EXISTS\s+)?(?P<name>.+?)\s*;?\s*$", re.I | re.S)


def truncated(session: Session, text: str) -> None:
    """After TRUNCATE TABLE: its load metadata goes, so COPY loads the same files again
    (https://docs.snowflake.com/en/sql-reference/sql/truncate-table)."""
    from snowreg.engine.loading import file_formats
    from snowreg.errors import Error

    m = _TRUNCATE.match(_uncommented(text))
    if m is None:
        return
    try:
        db, schema, name = session.qualify(file_formats.qualified(m.group("name")))
    except (ValueError, Error):
        return
    forget_loads(session, db, schema, name)


def loaded(session: Session, table: tuple[str, str, str, str]) -> set[tuple[str, str]]:
    """(path, md5) of the files a table has loaded, as the session sees it (its open transaction's too)."""
    done = session.catalog.loads.loaded(table)
    for op in session.pending_loads:
        if op[0] == "record" and op[1] == table:
            done |= set(op[2])
        elif op[0] == "forget" and op[1:] == table[:3]:
            done = set()
    return done


def record_loads(session: Session, table: tuple[str, str, str, str], files: list[tuple[str, str]],
                 records: Sequence[tuple[Any, ...]] = ()) -> None:
    """The files a COPY loaded and its LOAD_HISTORY rows (catalog.loads); inside a transaction kept until it
    commits (a ROLLBACK forgets them)."""
    if session.transaction:
        session.pending_loads.append(("record", table, files, records))
    else:
        session.catalog.loads.record_loads(table, files, records)


def forget_loads(session: Session, database: str, schema: str, name: str) -> None:
    if session.transaction:
        session.pending_loads.append(("forget", database, schema, name))
    else:
        session.catalog.loads.forget_loads(database, schema, name)
