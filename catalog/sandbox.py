"""The two DuckDB instances of a registry: the catalog's own, and the sandboxed one user SQL runs on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from snowreg import errors

# Settings fixed before the data instance starts: no extension is fetched or loaded behind a query.
_START: dict[str, str | bool | int | float | list[str]] = {
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    "allow_community_extensions": "false",
    "allow_persistent_secrets": "false",
}


@dataclass(frozen=True, slots=True)
class FunctionCatalog:
    """Functions all user SQL may call, prebuilt in a DuckDB file that data instances attach read-only
    as catalog `name` (instead of creating them in every session, which costs as much as a connection)."""

    name: str
    file: Path


def open_registry(directory: Path | None) -> duckdb.DuckDBPyConnection:
    """The registry's own instance (users, roles, grants, models, files); only the catalog holds it.

    A registry directory is used by one process at a time: DuckDB's file lock says so, and the error
    names the directory instead of DuckDB's message.
    """
    # One thread: registry statements touch a few rows each, and a second thread only makes each of
    # them wait for it (a file-row INSERT took twice as long in wall time with two).
    config = {**_START, "threads": 1}
    if directory is None:
        return duckdb.connect(":memory:", config=config)
    try:
        return duckdb.connect(str(directory / "registry.duckdb"), config=config)
    except duckdb.IOException as e:
        raise errors.registry_unavailable(str(directory), "lock" in str(e).lower(), _first_line(e)) from None


def open_data(databases: Path | None, functions: FunctionCatalog | None = None
              ) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """The instance holding the Snowflake databases users query, locked down before any user SQL runs.

    External access is off (no file readers or writers, no COPY TO a path, no INSTALL/LOAD from disk),
    which DuckDB never lets a statement turn back on, and extensions never autoload. The configuration
    stays unlocked so a session's TIMEZONE can be applied; user SQL never reaches DuckDB's own SET or
    PRAGMA (the grammar reads `SET` as a session variable, the binder allows only Snowflake's functions).
    The one directory DuckDB may still open is `databases`, where the catalog attaches the files of
    persistent databases. `functions` is attached read-only before the lock-down; the flag returned
    says whether it was (a damaged file is skipped: the sessions then create the functions themselves).
    """
    if databases is None and functions is None:  # nothing to allow: locked down from the start
        return duckdb.connect(":memory:", config={**_START, "enable_external_access": False}), False
    con = duckdb.connect(":memory:", config=_START)
    attached = False
    try:
        if functions is not None:
            try:
                con.execute(f"ATTACH {_literal(str(functions.file))} AS {functions.name} (READ_ONLY)")
                attached = True
            except duckdb.Error:
                attached = False
        if databases is not None:  # only once started
            con.execute(f"SET allowed_directories = [{_literal(str(databases.resolve()) + '/')}]")
        con.execute("SET enable_external_access = false")
    except BaseException:
        con.close()
        raise
    return con, attached


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(e: Exception) -> str:
    return str(e).split("\n")[0]
