"""The two DuckDB instances of a registry: the catalog's own, and the sandboxed one user SQL runs on."""

from __future__ import annotations

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


def open_registry(directory: Path | None) -> duckdb.DuckDBPyConnection:
    """The registry's own instance (users, roles, grants, models, files); only the catalog holds it.

    A registry directory is used by one process at a time: DuckDB's file lock says so, and the error
    names the directory instead of DuckDB's message.
    """
    if directory is None:
        return duckdb.connect(":memory:", config=_START)
    try:
        return duckdb.connect(str(directory / "registry.duckdb"), config=_START)
    except duckdb.IOException as e:
        raise errors.registry_unavailable(str(directory), "lock" in str(e).lower(), _first_line(e)) from None


def open_data(databases: Path | None) -> duckdb.DuckDBPyConnection:
    """The instance holding the Snowflake databases users query, locked down before any user SQL runs.

    External access is off (no file readers or writers, no COPY TO a path, no INSTALL/LOAD from disk),
    which DuckDB never lets a statement turn back on, and extensions never autoload. The configuration
    stays unlocked so a session's TIMEZONE can be applied; user SQL never reaches DuckDB's own SET or
    PRAGMA (the grammar reads `SET` as a session variable, the binder allows only Snowflake's functions).
    The one directory DuckDB may still open is `databases`, where the catalog attaches the files of
    persistent databases.
    """
    if databases is None:  # nothing to allow: locked down from the start
        return duckdb.connect(":memory:", config={**_START, "enable_external_access": False})
    con = duckdb.connect(":memory:", config=_START)
    con.execute(f"SET allowed_directories = [{_literal(str(databases.resolve()) + '/')}]")  # only once started
    con.execute("SET enable_external_access = false")
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(e: Exception) -> str:
    return str(e).split("\n")[0]
