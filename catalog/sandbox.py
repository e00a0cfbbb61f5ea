"""The two DuckDB instances of a registry: the catalog's own, and the sandboxed one user SQL runs on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from snowreg import errors

# The catalog the functions translated SQL calls are attached (or created) as (engine.sql.variant: DuckDB
# looks a function up in the current catalog only, and `USE` moves that, so they are called qualified).
MACRO_CATALOG = "snowreg_fn"

# Settings fixed before the data instance starts: no extension is fetched or loaded behind a query.
_START: dict[str, str | bool | int | float | list[str]] = {
    "autoload_known_extensions": "false",
    "autoinstall_known_extensions": "false",
    "allow_community_extensions": "false",
    "allow_persistent_secrets": "false",
}


# Python functions translated SQL may call, by name: what creates one on the data instance. The engine modules
# that write such calls add theirs (engine/sql/digests.py); Store.functions_for creates one the first time a
# statement names it (the first Python function a process creates imports numpy: a registry that never calls
# one does not pay for it).
PYTHON_FUNCTIONS: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {}


@dataclass(frozen=True, slots=True)
class FunctionCatalog:
    """Functions all user SQL may call, prebuilt in a DuckDB file that data instances attach read-only
    as catalog `name` (instead of creating them in every session, which costs as much as a connection).

    `create` makes them on a connection instead (as catalog `name`), for when the file cannot be attached."""

    name: str
    file: Path
    create: Callable[[duckdb.DuckDBPyConnection], None] | None = None


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
              ) -> tuple[duckdb.DuckDBPyConnection, bool, FunctionCatalog | None]:
    """The instance holding the Snowflake databases users query, locked down before any user SQL runs.

    External access is off (no file readers or writers, no COPY TO a path, no INSTALL/LOAD from disk),
    which DuckDB never lets a statement turn back on, and extensions never autoload. The configuration
    stays unlocked so a session's TIMEZONE can be applied; user SQL never reaches DuckDB's own SET or
    PRAGMA (the grammar reads `SET` as a session variable, the binder allows only Snowflake's functions).
    The paths DuckDB may still open: `databases`, where the catalog attaches the files of persistent
    databases, and the `functions` file (with its write-ahead log's name, which DuckDB checks when
    attaching), only ever attached read-only by `attach_functions`.

    Returns the instance, whether the functions will be there (a damaged file is skipped: the sessions
    then create them themselves), and the functions still to attach: a persistent registry attaches
    them at once (the views in its files may call them), an in-memory one when a statement first
    calls one (`Store.functions_for`), so a fresh registry that never does pays nothing for them
    (then, should the file fail to attach, `functions.create` makes them instead).
    """
    if databases is None and functions is None:  # nothing to allow: locked down from the start
        return duckdb.connect(":memory:", config={**_START, "enable_external_access": False}), False, None
    con = duckdb.connect(":memory:", config=_START)
    try:
        if databases is None and functions is not None and functions.create is not None:
            file = str(functions.file)
            con.execute(f"SET allowed_paths = [{_literal(file)}, {_literal(file + '.wal')}]; "
                        "SET enable_external_access = false")
            return con, True, functions
        attached = functions is not None and attach_functions(con, functions)
        if databases is not None:  # only once started
            con.execute(f"SET allowed_directories = [{_literal(str(databases.resolve()) + '/')}]")
        con.execute("SET enable_external_access = false")
    except BaseException:
        con.close()
        raise
    return con, attached, None


def attach_functions(con: duckdb.DuckDBPyConnection, functions: FunctionCatalog) -> bool:
    """Attach the prebuilt functions file read-only; False when it cannot be (missing or damaged)."""
    try:
        con.execute(f"ATTACH {_literal(str(functions.file))} AS {functions.name} (READ_ONLY)")
    except duckdb.Error:
        return False
    return True


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(e: Exception) -> str:
    return str(e).split("\n")[0]
