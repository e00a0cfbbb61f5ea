"""What the REPL may offer for completion: registry objects as the session's roles see them, cached.

Reads the catalog directly instead of running SHOW statements through the user's session, so that
completing never changes what the session did last (query ids, results). Every read is filtered by the
same privilege checks SHOW uses; a role never sees a name it could not see through SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from snowreg.engine import api
from snowreg.grammar.text import quote_ident
from snowreg.grammar.text import resolve_ident as ident_text

T = TypeVar("T")
INFORMATION_SCHEMA = "INFORMATION_SCHEMA"  # every database's, not among its schemas in the catalog


class Objects:
    """Databases, schemas, models, versions, methods, roles, users, tables and columns of a connection."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._cache: dict[tuple[Any, ...], Any] = {}

    def refresh(self) -> None:
        """Forget what was read: call after every statement (it may have created, dropped or granted)."""
        self._cache.clear()

    def _memo(self, key: tuple[Any, ...], read: Callable[[], list[T]]) -> list[T]:
        if key not in self._cache:
            try:
                self._cache[key] = read()
            except Exception:  # completion must never break the prompt; no candidates instead
                self._cache[key] = []
        return list(self._cache[key])

    @property
    def _session(self) -> Any:
        return self._conn.session

    @property
    def database(self) -> str | None:
        return self._conn.database

    @property
    def schema(self) -> str | None:
        return self._conn.schema

    # -- containers --------------------------------------------------------------------------------

    def databases(self) -> list[str]:
        def read() -> list[str]:
            return api.visible_databases(self._session)
        return self._memo(("databases",), read)

    def schemas(self, database: str | None, information: bool = False) -> list[str]:
        """The schemas of a database the roles may see, and its INFORMATION_SCHEMA if `information` (where
        tables and views, not models, are named)."""
        if database is None:
            return []

        def read() -> list[str]:
            return api.visible_schemas(self._session, database)
        schemas = self._memo(("schemas", database), read)
        return sorted([*schemas, INFORMATION_SCHEMA]) if information and database in self.databases() else schemas

    # -- models ------------------------------------------------------------------------------------

    def models(self, database: str | None, schema: str | None) -> list[str]:
        if database is None or schema is None:
            return []

        def read() -> list[str]:
            return api.visible_models(self._session, database, schema)
        return self._memo(("models", database, schema), read)

    def _model(self, parts: Sequence[str]) -> Any:
        where = self.qualify(parts)
        return None if where is None else api.visible_model(self._session, *where)

    def versions(self, parts: Sequence[str]) -> list[tuple[str, str]]:
        """(name, kind) of a model's versions, user aliases and system aliases."""
        def read() -> list[tuple[str, str]]:
            model = self._model(parts)
            if model is None:
                return []
            rows = api.visible_versions(self._session, model)
            out = [(v.name, "version") for v in rows]
            out += [(v.alias, f"alias of {v.name}") for v in rows if v.alias]
            return out + [(a, "system alias") for a in api.SYSTEM_ALIASES]
        return self._memo(("versions", tuple(parts)), read)

    def methods(self, parts: Sequence[str], version: str | None, table: bool | None = None) -> list[str]:
        """Methods of the named version (or the default one) of a model: table functions, scalar ones, or all."""
        def read() -> list[str]:
            model = self._model(parts)
            if model is None:
                return []
            return api.visible_methods(self._session, model, ident_text(version) if version else "DEFAULT", table)
        return self._memo(("methods", tuple(parts), version, table), read)

    def outputs(self, parts: Sequence[str], version: str | None, method: str) -> list[str]:
        """The output names of a method of the named version (or the default one): the keys of what it returns."""
        def read() -> list[str]:
            model = self._model(parts)
            if model is None:
                return []
            return api.visible_method_outputs(self._session, model, ident_text(version) if version else "DEFAULT",
                                              ident_text(method))
        return self._memo(("outputs", tuple(parts), version, method), read)

    # -- roles and users ---------------------------------------------------------------------------

    def roles(self) -> list[str]:
        return self._memo(("roles",), lambda: [r.name for r in self._session.catalog.grants.list_roles()])

    def users(self) -> list[str]:
        return self._memo(("users",), lambda: api.visible_users(self._session))

    def variables(self) -> list[str]:
        """The session's variables (SET), by name."""
        return sorted(self._session.variables)

    # -- tables and views -------------------------------------------------------------------------

    def tables(self, database: str | None, schema: str | None) -> list[str]:
        if database is None or schema is None:
            return []
        if schema == INFORMATION_SCHEMA:
            return api.information_schema_views() if database in self.databases() else []
        return self._memo(("tables", database, schema), lambda: api.visible_tables(self._session, database, schema))

    def columns(self, parts: Sequence[str]) -> list[str]:
        def read() -> list[str]:
            where = self.qualify(parts)
            if where is None:
                return []
            if where[1] == INFORMATION_SCHEMA:
                return self._view_columns(*where)
            return api.visible_columns(self._session, *where)
        return self._memo(("columns", tuple(parts)), read)

    def _view_columns(self, database: str, schema: str, view: str) -> list[str]:
        """An INFORMATION_SCHEMA view's columns, from describing a query over it (run nothing, record nothing)."""
        if view not in api.information_schema_views():
            return []
        from snowreg import parse

        query = parse(f"SELECT * FROM {quote_ident(database)}.{schema}.{view}")[0]
        return [c.name for c in api.execute(query, self._session, True).columns]

    # -- names -------------------------------------------------------------------------------------

    def qualify(self, parts: Sequence[str]) -> tuple[str, str, str] | None:
        """(database, schema, name) of a name as typed (1 to 3 parts), using the current database/schema."""
        names = [ident_text(p) for p in parts]
        if len(names) == 3:
            return names[0], names[1], names[2]
        if len(names) == 2 and self.database is not None:
            return self.database, names[0], names[1]
        if len(names) == 1 and self.database is not None and self.schema is not None:
            return self.database, self.schema, names[0]
        return None
