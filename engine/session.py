"""Session state of one connection (user, role, database, schema, variables) and name resolution."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import duckdb

from snowreg import errors
from snowreg.catalog import Catalog, ModelRow, quote
from snowreg.engine.sql import variant
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident, resolve_ident

_session_ids = itertools.count(1)


@dataclass
class Session:
    """What a Snowflake session holds; shared by all cursors of one connection."""

    catalog: Catalog
    user: str
    role: str
    database: str | None = None
    schema: str | None = None
    warehouse: str | None = None
    secondary_roles: str = "NONE"
    variables: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_session_ids))
    _cursor: duckdb.DuckDBPyConnection | None = None
    _cursor_path: tuple[str | None, str | None] = (None, None)
    _duck_vars: dict[str, Any] = field(default_factory=dict)
    _stale: bool = False
    _exposed: bool = False  # INFORMATION_SCHEMA rows are registered on the cursor
    temporary_tables: set[tuple[str, str, str]] = field(default_factory=set)  # dropped at close

    # -- DuckDB side ----------------------------------------------------------------------------

    @property
    def duck(self) -> duckdb.DuckDBPyConnection:
        """This session's DuckDB connection, switched to the current database and schema."""
        if self._cursor is None:
            self._cursor = self.catalog.cursor()
            self.catalog.install_session(self._cursor)
            variant.install(self._cursor)
            self._cursor_path = (None, None)
            self._duck_vars = {}
            self._exposed = False
        want = (self.database, self.schema)
        if want != self._cursor_path or self._stale:
            self._stale = False
            self._use_in_duckdb(want)
        return self._cursor

    @property
    def open_duck(self) -> duckdb.DuckDBPyConnection | None:
        """The DuckDB connection if one was opened (no switching of database or schema)."""
        return self._cursor

    def _use_in_duckdb(self, want: tuple[str | None, str | None]) -> None:
        """Point the DuckDB cursor at the current schema, or at an empty one while there is none."""
        assert self._cursor is not None
        db, schema = want
        target = f"{quote(self.catalog.main)}.snowreg_none"
        if db is not None and schema is not None and self.catalog.get_schema(db, schema) is not None:
            target = f"{quote(db)}.{quote(schema)}"
        elif db is not None and self.catalog.get_database(db) is not None:
            target = f"{quote(db)}.main"  # `schema.table` names resolve in the current database
        try:
            self._cursor.execute(f"USE {target}")
        except duckdb.Error:
            # Inside an explicit transaction begun before the schema existed (it was created through the
            # catalog's handle), DuckDB cannot see it yet: stand in the empty schema, never the previous
            # one, and try again once the transaction has ended (a ROLLBACK still runs).
            self._stale = True
            try:
                self._cursor.execute(f"USE {quote(self.catalog.main)}.snowreg_none")
            except duckdb.Error:
                pass  # the transaction is aborted: the statement fails and the boundary rolls back
            return
        self._cursor_path = want

    def require_context(self, tables: Any) -> None:
        """Unqualified object names need a current database (090105) and schema (090106)."""
        for t in tables:
            if t.database is None and getattr(t, "object_kind", "table") != "schema":
                if self.database is None or self.catalog.get_database(self.database) is None:
                    raise errors.no_current_database()
                if t.schema is None and (
                        self.schema is None or self.catalog.get_schema(self.database, self.schema) is None):
                    raise errors.no_current_schema()

    def sync_duckdb_variables(self, extra: dict[str, Any]) -> None:
        """Hand the session's context to DuckDB as variables the translated SQL reads (only on change)."""
        want: dict[str, Any] = {
            "snowreg_role": self.role, "snowreg_user": self.user, "snowreg_database": self.database,
            "snowreg_schema": self.schema, "snowreg_warehouse": self.warehouse, "snowreg_session": str(self.id),
        }
        for key, value in self.variables.items():
            if not key.lower().startswith("snowreg_"):  # DuckDB's names are case-blind: never shadow ours
                want[key] = value
        want.update(extra)
        duck = self.duck
        for key, value in want.items():
            if key not in self._duck_vars or self._duck_vars[key] != value:
                duck.execute(f"SET VARIABLE {quote(key)} = ?", [value])
                self._duck_vars[key] = value

    def expose_information(self, visible: list[int] | None) -> None:
        """INFORMATION_SCHEMA rows of the `visible` models for the next query; `[]` withdraws them."""
        if visible == [] and not self._exposed:
            return
        self.catalog.expose_information(self.duck, visible)
        self._exposed = visible != []

    def forget_duckdb_path(self) -> None:
        """Called when a database or schema was dropped or created: re-run USE before the next query."""
        self._stale = True

    def close(self) -> None:
        self.catalog.drop_session_stages(self.id)
        if self._cursor is not None:
            for db, schema, name in self.temporary_tables:
                try:
                    self._cursor.execute(f"DROP TABLE IF EXISTS {quote(db)}.{quote(schema)}.{quote(name)}")
                except duckdb.Error:
                    pass  # its database or schema went first
            self._cursor.close()
            self._cursor = None

    # -- names ----------------------------------------------------------------------------------

    def name(self, part: ast.Name) -> str:
        """Resolve a name part: plain text, `IDENTIFIER($var)` or `IDENTIFIER('text')`."""
        if isinstance(part, str):
            return part
        if isinstance(part, ast.VarRef):
            if part.var not in self.variables:
                raise errors.compilation_error(f"Session variable '${part.var}' does not exist", 2211, "02000")
            return resolve_ident(str(self.variables[part.var]))
        return resolve_ident(part.text)

    def current_database(self) -> str:
        if self.database is None:
            raise errors.no_current_database()
        return self.database

    def qualify(self, qn: ast.QualifiedName) -> tuple[str, str, str]:
        """(database, schema, name) of a schema object name, using the current database and schema."""
        name = self.name(qn.name)
        if qn.database is not None:
            assert qn.schema is not None
            return self.name(qn.database), self.name(qn.schema), name
        if qn.schema is not None:
            return self.current_database(), self.name(qn.schema), name
        if self.database is None:
            raise errors.no_current_database()
        if self.schema is None:
            raise errors.no_current_schema()
        return self.database, self.schema, name

    def qualify_schema(self, qn: ast.QualifiedName) -> tuple[str, str]:
        """(database, schema) of a schema name `[db.]schema`."""
        schema = self.name(qn.name)
        if qn.schema is not None:
            return self.name(qn.schema), schema
        return self.current_database(), schema


def model_fqn(model: ModelRow) -> str:
    return ".".join(quote_ident(p) for p in (model.database_name, model.schema_name, model.name))
