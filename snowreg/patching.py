"""`snowreg.patch()`: make `snowflake.connector.connect` (and Snowpark, and write_pandas) use snowreg.

Inside `with snowreg.patch():` (or on a function decorated with `@snowreg.patch()`), every
`snowflake.connector.connect(...)` returns a snowreg connection; all of them share one registry (in
memory, or the persistent one at `path`) until the block ends. Errors raised through these connections
are the real connector's classes (`snowflake.connector.errors.ProgrammingError` with errno, sqlstate,
msg and sfqid), so code written against the connector, Snowpark and snowflake-ml-python runs unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
from collections.abc import Callable, Iterable
from typing import Any

from snowreg import errors
from snowreg.connector import CURSOR_METHODS, connector_error, translating, with_bytearrays
from snowreg.dbapi import Connection, Cursor, DictCursor
from snowreg.engine.api import Catalog, open_catalog
from snowreg.grammar.text import resolve_ident

# (module, attribute) pairs replaced when the module can be imported. Snowpark imports `connect` and
# `write_pandas` by name at its own import time, so its copies are replaced too.
CONNECT_TARGETS = (
    ("snowflake.connector", "connect"),
    ("snowflake.connector", "Connect"),
    ("snowflake.snowpark._internal.server_connection", "connect"),
)
WRITE_PANDAS_TARGETS = (
    ("snowflake.connector.pandas_tools", "write_pandas"),
    ("snowflake.snowpark.session", "write_pandas"),
)
# The connector's asyncio API (4.x and 5.x), which snowreg does not emulate: refused rather than left to
# log in to the real account.
REFUSED_TARGETS = (("snowflake.connector.aio", "connect"),)


class _ConnectorValues(Cursor):
    """Values as the real connector's cursor gives them: BINARY as `bytearray`."""

    def _run(self, stmt: Any, text: str, describe_only: bool = False) -> None:
        super()._run(stmt, text, describe_only)
        self._result = with_bytearrays(self._result)

    def _load_query(self, sfqid: str) -> None:
        super()._load_query(sfqid)
        self._result = with_bytearrays(self._result)


class PatchedCursor(_ConnectorValues):
    """A snowreg cursor whose errors and values are the real connector's."""


class PatchedDictCursor(_ConnectorValues, DictCursor):
    """A snowreg DictCursor whose errors and values are the real connector's."""


for _cls in (PatchedCursor, PatchedDictCursor):
    for _name in CURSOR_METHODS:
        setattr(_cls, _name, translating(getattr(_cls, _name)))


class PatchedConnection(Connection):
    """The connection `snowflake.connector.connect` returns under `patch()`."""

    def __init__(self, catalog: Catalog, **kwargs: Any) -> None:
        try:
            super().__init__(catalog, **kwargs)
        except errors.Error as e:
            raise connector_error(e) from None

    def cursor(self, cursor_class: type[Any] | None = None) -> Cursor:
        """A cursor; the real connector's `DictCursor` class (or snowreg's) gives dict rows."""
        if cursor_class is not None and cursor_class.__name__ == "DictCursor":
            cursor_class = PatchedDictCursor
        elif cursor_class is None or not issubclass(cursor_class, Cursor):
            cursor_class = PatchedCursor
        try:
            return super().cursor(cursor_class)
        except errors.Error as e:
            raise connector_error(e) from None

    @translating
    def execute_string(self, sql_text: str, remove_comments: bool = False,
                       return_cursors: bool = True) -> list[Cursor]:
        return super().execute_string(sql_text, remove_comments, return_cursors)



# ---------------------------------------------------------------------------------------------
# patch()
# ---------------------------------------------------------------------------------------------


class patch(contextlib.ContextDecorator):  # noqa: N801 - used like a function, as mock.patch is
    """Context manager and decorator: `snowflake.connector.connect(...)` returns snowreg connections.

    `path`: a persistent registry directory/file (default: a fresh in-memory one per patch).
    `targets`: more dotted names to replace, e.g. `"myapp.db.connect"` for code that did
    `from snowflake.connector import connect`; a name ending in `write_pandas` gets snowreg's
    write_pandas, any other name the patched `connect`.
    `database` / `schema`: defaults for connections that name none.
    `live_versions=False`: the connections do not report the live-version capability, so
    snowflake-ml-python logs models through a temporary stage (as against an older account).
    `stage_roots`: local folders `CREATE STAGE … URL = 'file://…'` may use (none by default).
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, targets: Iterable[str] = (),
                 database: str | None = None, schema: str | None = None, live_versions: bool = True,
                 stage_roots: Iterable[str | os.PathLike[str]] = ()) -> None:
        self.path = path
        self.stage_roots = tuple(stage_roots)
        self.targets = tuple(targets)
        self.database, self.schema = database, schema
        self.live_versions = live_versions
        self.catalog: Catalog | None = None
        self.connections: list[PatchedConnection] = []
        self._saved: list[tuple[Any, str, Any]] = []

    def _recreate_cm(self) -> patch:
        """Each call of a decorated function gets its own fresh registry."""
        return patch(self.path, targets=self.targets, database=self.database, schema=self.schema,
                     live_versions=self.live_versions, stage_roots=self.stage_roots)

    def __enter__(self) -> patch:
        if self.catalog is not None:
            raise RuntimeError("this patch() is already active")
        self.catalog = open_catalog(self.path, self.stage_roots)
        try:
            for module, attr in CONNECT_TARGETS:
                self._replace(module, attr, optional=True)
            for module, attr in (*WRITE_PANDAS_TARGETS, *REFUSED_TARGETS):
                self._replace(module, attr, optional=True)
            for target in self.targets:
                module, _, attr = target.rpartition(".")
                self._replace(module, attr, optional=False)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, attr, original in reversed(self._saved):
            setattr(owner, attr, original)
        self._saved.clear()
        for conn in self.connections:
            with contextlib.suppress(Exception):
                conn.close()
        self.connections.clear()
        if self.catalog is not None:
            self.catalog.release()
            self.catalog = None

    def _replace(self, module_name: str, attr: str, optional: bool) -> None:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            if optional:
                return
            raise
        if not hasattr(module, attr):
            if optional:
                return
            raise AttributeError(f"{module_name} has no attribute {attr!r} to patch")
        original = getattr(module, attr)
        self._saved.append((module, attr, original))
        if (module_name, attr) in REFUSED_TARGETS:
            replacement: Any = _refused(f"{module_name}.{attr}")
        else:
            replacement = _write_pandas(original) if attr == "write_pandas" else self.connect
        setattr(module, attr, replacement)

    # -- what the patched names do ------------------------------------------------------------

    def connect(self, *args: Any, **kwargs: Any) -> PatchedConnection:
        """`snowflake.connector.connect(**kwargs)` on the shared registry: database, schema, role, user and
        warehouse are honoured (a missing database or schema is created; see `_known` for users and roles);
        other arguments (account, password, authenticator, ...) are ignored."""
        if self.catalog is None:
            raise RuntimeError("snowreg.patch() is not active")
        params = _settings(kwargs)
        user, role = self._known(params.get("user"), params.get("role"))
        conn = PatchedConnection(
            self.catalog, user=user, role=role,
            database=params.get("database", self.database), schema=params.get("schema", self.schema),
            warehouse=params.get("warehouse"), live_versions=self.live_versions, autocommit=params.get("autocommit"),
            session_parameters=params.get("session_parameters"),
            paramstyle=params.get("paramstyle") or _module_paramstyle(),
            arrow_number_to_decimal=bool(params.get("arrow_number_to_decimal", False)),
            force_microsecond_precision=bool(params.get("force_microsecond_precision", False)))
        self.connections.append(conn)
        return conn

    def _known(self, user: str | None, role: str | None) -> tuple[str | None, str | None]:
        """The user and role to log in with: those of the real account's credentials are usually unknown
        here, so a user or role the registry does not hold is ignored (the login is then ADMIN, holding
        ACCOUNTADMIN). Users and roles a test creates with SQL are honoured, privileges and all."""
        assert self.catalog is not None
        if user and self.catalog.grants.get_user(resolve_ident(user)) is None:
            user = None
        if role and self.catalog.grants.get_role(resolve_ident(role)) is None:
            role = None
        return user, role


def _settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    """The settings of a `connect(...)` call, by lower-case name: its keyword arguments, over the fields
    of the connector 5.x's `config=ConnectionConfig(...)` (a dataclass; names it does not know are in its
    `_extra`)."""
    config = kwargs.get("config")
    params: dict[str, Any] = {}
    if config is not None:
        fields = {k: v for k, v in vars(config).items() if not k.startswith("_") and v is not None}
        params.update({k.lower(): v for k, v in {**fields, **(getattr(config, "_extra", None) or {})}.items()})
    params.update({k.lower(): v for k, v in kwargs.items() if k != "config"})
    if params.get("connection_name"):
        named = _named_connection(str(params["connection_name"]), params.get("connections_file_path"))
        params = {**{k.lower(): v for k, v in named.items()}, **params}
    return params


def _named_connection(name: str, path: Any = None) -> dict[str, Any]:
    """The settings of connection `name` as the connector reads them: a table of `connections_file_path`,
    or of `connections.toml` in SNOWFLAKE_HOME (~/.snowflake), else `[connections.<name>]` of its
    `config.toml`. None when neither has it (the real account's settings are not needed here)."""
    import tomllib
    from pathlib import Path

    home = Path(os.environ.get("SNOWFLAKE_HOME") or Path.home() / ".snowflake").expanduser()
    sources = [(Path(path), ())] if path else [(home / "connections.toml", ()),
                                               (home / "config.toml", ("connections",))]
    for file, keys in sources:
        try:
            table: Any = tomllib.loads(file.read_text())
        except (OSError, tomllib.TOMLDecodeError):
            continue
        for key in (*keys, name):
            table = table.get(key) if isinstance(table, dict) else None
        if isinstance(table, dict):
            return table
    return {}


def _module_paramstyle() -> str | None:
    """`snowflake.connector.paramstyle`, which the connector reads when a connection names none."""
    import sys

    style = getattr(sys.modules.get("snowflake.connector"), "paramstyle", None)
    return style if isinstance(style, str) else None


def _refused(name: str) -> Callable[..., Any]:
    """An async stand-in for `name` that raises the connector's NotSupportedError when awaited."""

    async def refused(*args: Any, **kwargs: Any) -> Any:
        raise connector_error(errors.client_api_not_supported(
            f"{name} (the connector's asyncio API; use snowflake.connector.connect)"))

    return refused


def _write_pandas(original: Callable[..., Any]) -> Callable[..., Any]:
    """snowreg's write_pandas on snowreg connections, `original` on any other (same signature, which
    Snowpark inspects)."""
    from snowreg.pandas_tools import write_pandas

    @functools.wraps(write_pandas)
    def replacement(conn: Any, df: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(conn, Connection):
            return original(conn, df, table_name, *args, **kwargs)
        try:
            return write_pandas(conn, df, table_name, *args, **kwargs)
        except errors.Error as e:
            raise connector_error(e) from None

    return replacement
