"""What the REPL offers for completion when it runs against `snowreg serve`: the same names, read by SQL.

`repl_objects.Objects` reads the in-process catalog; over a server there is none, so this class asks the
server with SHOW statements and INFORMATION_SCHEMA queries. They run on a second session of the same
user, kept on the REPL session's role, so completing never changes what the REPL's own session did last
(its LAST_QUERY_ID, its results) and shows exactly what that role may see.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from snowreg.grammar.text import literal, quote_ident
from snowreg.grammar.text import resolve_ident as ident_text
from snowreg.remote import RemoteConnection

T = TypeVar("T")
SYSTEM_ALIASES = ("DEFAULT", "FIRST", "LAST")


class RemoteObjects:
    """Databases, schemas, models, versions, methods, roles, users, tables and columns, asked by SQL."""

    def __init__(self, conn: RemoteConnection) -> None:
        self._conn = conn
        self._side: RemoteConnection | None = None
        self._cache: dict[tuple[Any, ...], Any] = {}

    def refresh(self) -> None:
        """Forget what was read: call after every statement (it may have created, dropped or granted)."""
        self._cache.clear()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

    def _memo(self, key: tuple[Any, ...], read: Callable[[], list[T]]) -> list[T]:
        if key not in self._cache:
            try:
                self._cache[key] = read()
            except Exception:  # completion must never break the prompt; no candidates instead
                self._cache[key] = []
        return list(self._cache[key])

    def _query(self, sql: str) -> list[dict[str, Any]]:
        """Rows (as dicts) of a statement on the completion session, switched to the REPL's role first."""
        if self._side is None or self._side.is_closed():
            self._side = self._conn.sibling()
        side = self._side
        if self._conn.role and side.role != self._conn.role:
            side.cursor().execute(f"USE ROLE {quote_ident(self._conn.role)}")
        cur = side.cursor()
        cur.execute(sql)
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def _names(self, key: tuple[Any, ...], sql: str, column: str = "name") -> list[str]:
        return self._memo(key, lambda: [str(r[column]) for r in self._query(sql)])

    @property
    def database(self) -> str | None:
        return self._conn.database

    @property
    def schema(self) -> str | None:
        return self._conn.schema

    # -- containers and models ---------------------------------------------------------------------

    def databases(self) -> list[str]:
        return self._names(("databases",), "SHOW DATABASES")

    def variables(self) -> list[str]:
        """None offered: variables belong to the REPL's own session, which completion never queries."""
        return []

    def schemas(self, database: str | None, information: bool = False) -> list[str]:
        """As `Objects.schemas`: SHOW SCHEMAS lists INFORMATION_SCHEMA, kept only where views are named."""
        if database is None:
            return []
        found = self._names(("schemas", database), f"SHOW SCHEMAS IN DATABASE {quote_ident(database)}")
        return found if information else [s for s in found if s != "INFORMATION_SCHEMA"]

    def models(self, database: str | None, schema: str | None) -> list[str]:
        if database is None or schema is None:
            return []
        return self._names(("models", database, schema),
                           f"SHOW MODELS IN SCHEMA {quote_ident(database)}.{quote_ident(schema)}")

    def _model(self, parts: Sequence[str]) -> str | None:
        where = self.qualify(parts)
        return None if where is None else ".".join(quote_ident(p) for p in where)

    def versions(self, parts: Sequence[str]) -> list[tuple[str, str]]:
        """(name, kind) of a model's versions, user aliases and system aliases."""
        def read() -> list[tuple[str, str]]:
            model = self._model(parts)
            if model is None:
                return []
            rows = self._query(f"SHOW VERSIONS IN MODEL {model}")
            out = [(str(r["name"]), "version") for r in rows]
            for r in rows:
                aliases = json.loads(r.get("aliases") or "[]")
                out += [(str(a), f"alias of {r['name']}") for a in aliases if a not in SYSTEM_ALIASES]
            return out + [(a, "system alias") for a in SYSTEM_ALIASES]
        return self._memo(("versions", tuple(parts)), read)

    def methods(self, parts: Sequence[str], version: str | None, table: bool | None = None) -> list[str]:
        """Methods of the named version (or the default one) of a model: table functions, scalar ones, or all."""
        model = self._model(parts)
        if model is None:
            return []
        name = quote_ident(ident_text(version)) if version else "DEFAULT"
        sql = f"SHOW FUNCTIONS IN MODEL {model} VERSION {name}"
        rows = self._memo(("methods", tuple(parts), version), lambda: self._query(sql))
        return [str(r["name"]) for r in rows
                if table is None or (str(r.get("is_table_function")).upper() == "TRUE") == table]

    def outputs(self, parts: Sequence[str], version: str | None, method: str) -> list[str]:
        """None over a server: SHOW FUNCTIONS gives a method's return type (OBJECT), not its output names."""
        return []

    # -- roles, users, tables ----------------------------------------------------------------------

    def roles(self) -> list[str]:
        return self._names(("roles",), "SHOW ROLES")

    def users(self) -> list[str]:
        return self._names(("users",), "SHOW USERS")

    def tables(self, database: str | None, schema: str | None) -> list[str]:
        if database is None or schema is None:
            return []
        return self._names(("tables", database, schema),
                           f"SELECT TABLE_NAME FROM {quote_ident(database)}.INFORMATION_SCHEMA.TABLES "
                           f"WHERE TABLE_SCHEMA = {literal(schema)} ORDER BY TABLE_NAME", "TABLE_NAME")

    def columns(self, parts: Sequence[str]) -> list[str]:
        where = self.qualify(parts)
        if where is None:
            return []
        database, schema, table = where
        return self._names(("columns", tuple(parts)),
                           f"SELECT COLUMN_NAME FROM {quote_ident(database)}.INFORMATION_SCHEMA.COLUMNS "
                           f"WHERE TABLE_SCHEMA = {literal(schema)} AND TABLE_NAME = {literal(table)} "
                           "ORDER BY ORDINAL_POSITION", "COLUMN_NAME")

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
