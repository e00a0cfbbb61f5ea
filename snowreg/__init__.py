"""snowreg: a faithful, fast, offline emulator of the Snowflake Model Registry."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, overload

from snowreg.errors import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
)


def _find_sibling_packages() -> None:
    """In a source checkout, `snowreg.grammar` / `.engine` / `.catalog` live in sibling folders.

    An installed snowreg maps them with package-dir; when this folder is imported straight from the
    checkout (`python -m pytest` or `python -c` in the repo root puts it first on sys.path), this
    finder maps them the same way, so both imports see one and the same package.
    """
    import importlib.abc
    import importlib.util
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    if not (root / "engine" / "__init__.py").exists():
        return

    class _SiblingFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
            head, _, sub = fullname.partition(".")
            if head != "snowreg" or sub not in ("grammar", "engine", "catalog"):
                return None
            init = root / sub / "__init__.py"
            return importlib.util.spec_from_file_location(
                fullname, init, submodule_search_locations=[str(root / sub)])

    if not any(type(f).__name__ == "_SiblingFinder" for f in sys.meta_path):
        sys.meta_path.append(_SiblingFinder())


_find_sibling_packages()

if TYPE_CHECKING:  # the lazily imported names below, for type checkers
    from collections.abc import Iterable

    from snowreg.dbapi import Connection, DictCursor
    from snowreg.engine.api import explain_access
    from snowreg.grammar.ast import Statement
    from snowreg.model_version import ExportMode, ModelVersion
    from snowreg.patching import patch
    from snowreg.registry import Model, Registry
    from snowreg.remote import RemoteConnection

__version__ = "0.1.0"
apilevel = "2.0"
threadsafety = 2
paramstyle = "pyformat"

__all__ = [
    "DataError", "DatabaseError", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "ProgrammingError", "Registry", "Model", "ModelVersion", "ExportMode",
    "DictCursor", "connect", "explain_access", "parse", "patch",
    "Date", "Time", "Timestamp", "Binary", "DateFromTicks", "TimeFromTicks", "TimestampFromTicks",
    "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID",
]


@overload
def connect(database: str | None = None, schema: str | None = None, role: str | None = None,
            user: str | None = None, path: str | os.PathLike[str] | None = None, *, live_versions: bool = True,
            stage_roots: Iterable[str | os.PathLike[str]] = (), server: None = None, **kwargs: Any) -> Connection:
    ...


@overload
def connect(database: str | None = None, schema: str | None = None, role: str | None = None,
            user: str | None = None, path: None = None, *, live_versions: bool = True,
            stage_roots: Iterable[str | os.PathLike[str]] = (), server: str, **kwargs: Any) -> RemoteConnection:
    ...


def connect(database: str | None = None, schema: str | None = None, role: str | None = None,
            user: str | None = None, path: str | os.PathLike[str] | None = None, *, live_versions: bool = True,
            stage_roots: Iterable[str | os.PathLike[str]] = (), server: str | None = None,
            **kwargs: Any) -> Connection | RemoteConnection:
    """A PEP 249 connection over a fresh private in-memory registry, or the persistent one at `path`.

    With `server="http://HOST:PORT"` it is instead a session on a running `snowreg serve` (HTTP, the
    standard library only), logging in as `user` with `password`; `database`, `schema`, `role` and
    `warehouse` are the login's (a missing database or schema is left unset, as Snowflake does), and
    nothing is created.

    `database` / `schema` are created when missing (a convenience for tests; Snowflake would refuse).
    `live_versions=False` stops reporting the live-version capability, so snowflake-ml-python (and
    `snowreg.Registry`) log models through a temporary stage and CREATE MODEL ... FROM @stage instead.
    `stage_roots`: the local folders `CREATE STAGE … URL = 'file://…'` may use (besides the registry
    directory); none by default. Connections to one `path` in one process share one state.
    Other keyword arguments of `snowflake.connector.connect` (account, password, warehouse, ...) are
    accepted; `warehouse` is remembered, the rest ignored.
    """
    if server is not None:
        return _connect_server(server, database, schema, role, user, path, kwargs)
    from snowreg.dbapi import Connection
    from snowreg.engine.api import open_catalog

    catalog = open_catalog(path, stage_roots)
    try:
        return Connection(catalog, user=user, role=role, database=database, schema=schema,
                          warehouse=kwargs.get("warehouse"), owns_catalog=True, live_versions=live_versions,
                          autocommit=kwargs.get("autocommit"), session_parameters=kwargs.get("session_parameters"),
                          paramstyle=kwargs.get("paramstyle"),
                          arrow_number_to_decimal=bool(kwargs.get("arrow_number_to_decimal", False)),
                          force_microsecond_precision=bool(kwargs.get("force_microsecond_precision", False)))
    except BaseException:
        catalog.release()
        raise


def _connect_server(server: str, database: str | None, schema: str | None, role: str | None, user: str | None,
                    path: str | os.PathLike[str] | None, kwargs: dict[str, Any]) -> RemoteConnection:
    from snowreg.remote import RemoteConnection

    if path is not None:
        raise InterfaceError("connect() takes a registry `path` or a `server` URL, not both")
    return RemoteConnection(server, user=user, password=kwargs.get("password"), database=database, schema=schema,
                            role=role, warehouse=kwargs.get("warehouse"),
                            session_parameters=kwargs.get("session_parameters"),
                            timeout=kwargs.get("network_timeout"), paramstyle=kwargs.get("paramstyle"))


def parse(text: str) -> list[Statement]:
    """Parse registry-dialect SQL into typed statements (raises ProgrammingError 001003 on bad syntax)."""
    from snowreg.grammar import parse as _parse

    return _parse(text)


# Public names imported on first use, so `import snowreg` stays light (no pandas, no snowflake.connector).
_LAZY = {
    "Registry": "snowreg.registry", "Model": "snowreg.registry", "ModelVersion": "snowreg.model_version",
    "ExportMode": "snowreg.model_version", "patch": "snowreg.patching", "explain_access": "snowreg.engine.api",
    "DictCursor": "snowreg.dbapi",
    **dict.fromkeys(("Date", "Time", "Timestamp", "Binary", "DateFromTicks", "TimeFromTicks", "TimestampFromTicks",
                     "STRING", "BINARY", "NUMBER", "DATETIME", "ROWID"), "snowreg.dbapi"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'snowreg' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
