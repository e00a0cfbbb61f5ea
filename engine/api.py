"""The engine's public API: everything the face (DB-API, Registry, REPL, CLI, server) may call.

The face never imports engine internals; what it needs from the engine is named here, so the engine can
change its rooms without the face noticing.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import duckdb

from snowreg.catalog import Catalog, ModelRow, VersionRow, information, quote
from snowreg.catalog.manifest import TABLE_FUNCTION, resolve_name, sql_type, written_yaml
from snowreg.catalog.names import physical
from snowreg.catalog.relations import list_columns, list_relations
from snowreg.engine import transaction
from snowreg.engine.access import privileges, showgrants
from snowreg.engine.access.explain import KINDS, AccessExplanation, explain_access
from snowreg.engine.access.governance import authenticate, login
from snowreg.engine.access.grants import VALID_PRIVILEGES
from snowreg.engine.boundary import cancel, guarded
from snowreg.engine.execute import execute
from snowreg.engine.python_procedures import set_session_factory
from snowreg.engine.resolve import SYSTEM_ALIASES, resolve_version
from snowreg.engine.result import Column, Result
from snowreg.engine.session import Session
from snowreg.engine.sql import duckerrors, history, prebuilt
from snowreg.engine.sql.system import qualified_name

if TYPE_CHECKING:
    from snowreg.engine.inference.load import LoadedModel, load_model

__all__ = [
    "KINDS", "SYSTEM_ALIASES", "TABLE_FUNCTION", "AccessExplanation", "Catalog", "Column", "LoadedModel",
    "VALID_PRIVILEGES", "Result", "Session", "authenticate", "cancel", "execute", "explain_access", "guarded", "history",
    "information_schema_views",
    "insert_frame", "load_model", "login", "open_catalog", "transaction",
    "qualify_table", "resolve_name", "set_session_factory", "sql_type", "visible_databases", "visible_method_outputs", "visible_methods", "visible_model",
    "visible_columns", "visible_models", "visible_schemas", "visible_tables", "visible_versions", "written_yaml",
]


def open_catalog(path: str | os.PathLike[str] | None = None,
                 stage_roots: Iterable[str | os.PathLike[str]] = ()) -> Catalog:
    """A fresh in-memory registry or the shared one of a directory (`Catalog.open`), whose data instance
    attaches the prebuilt functions translated SQL calls."""
    return Catalog.open(path, stage_roots, prebuilt.function_catalog())


# ---------------------------------------------------------------------------------------------
# What a session may see (REPL completion and the like): filtered by the session's roles
# ---------------------------------------------------------------------------------------------


def visible_databases(session: Session) -> list[str]:
    return [d.name for d in session.catalog.databases.list_databases() if privileges.can_see_database(session, d.name)]


def visible_schemas(session: Session, database: str) -> list[str]:
    return [s.name for s in session.catalog.databases.list_schemas(database)
            if privileges.can_see_schema(session, database, s.name)]


def visible_models(session: Session, database: str, schema: str) -> list[str]:
    return [m.name for m in session.catalog.models.list_models(database, schema) if privileges.can_see_model(session, m)]


def visible_model(session: Session, database: str, schema: str, name: str) -> ModelRow | None:
    model = session.catalog.models.get_model(database, schema, name)
    return model if model is not None and privileges.can_see_model(session, model) else None


def visible_users(session: Session) -> list[str]:
    """The users SHOW USERS would list to the session (the REPL completes no other name)."""
    return [u.name for u in showgrants.visible_users(session)]


def visible_tables(session: Session, database: str, schema: str) -> list[str]:
    """The Snowflake names of the tables and views of a schema the session's roles may see (as SHOW TABLES)."""
    return [r.name for r in list_relations(session.catalog.store, database, schema)
            if privileges.can_see_table(session, r.database_name, r.schema_name, r.name, r.owner)]


def visible_columns(session: Session, database: str, schema: str, name: str) -> list[str]:
    """The Snowflake names of a visible table's or view's columns, in order (none when it is not visible)."""
    store = session.catalog.store
    if not any(privileges.can_see_table(session, database, schema, r.name, r.owner)
               for r in list_relations(store, database, schema, name)):
        return []
    return [c.name for c in list_columns(store, database, schema, name)]


def information_schema_views() -> list[str]:
    """The INFORMATION_SCHEMA views snowreg answers, as a FROM names them (TAG_REFERENCES is a table function)."""
    return sorted(information.VIEWS)


def visible_versions(session: Session, model: ModelRow) -> list[VersionRow]:
    return session.catalog.models.list_versions(model.id)


def visible_methods(session: Session, model: ModelRow, version: str, table: bool | None = None) -> list[str]:
    """Method names of a version (name, alias or system alias) of a model the session can see: only its
    table functions (`table=True`) or only its scalar ones (`table=False`), or all of them."""
    found = resolve_version(session, model, version)
    return [fn.name for fn in session.catalog.models.functions(found.id)
            if table is None or fn.is_table_function == table]


def visible_method_outputs(session: Session, model: ModelRow, version: str, method: str) -> list[str]:
    """The output names of a method of a version of a model the session can see: the keys of the OBJECT a
    call returns, as the signature spells them."""
    found = resolve_version(session, model, version)
    return [name for fn in session.catalog.models.functions(found.id) if fn.name == method for name, _ in fn.outputs]


# ---------------------------------------------------------------------------------------------
# write_pandas: a DataFrame straight into a table the caller has already checked with SQL
# ---------------------------------------------------------------------------------------------

_frames = itertools.count(1)


def qualify_table(session: Session, name: str) -> tuple[str, str, str]:
    """(database, schema, table) a table name written in SQL stands for in this session."""
    return session.qualify(qualified_name(name))


def insert_frame(session: Session, name: str, frame: Any, columns: list[str]) -> None:
    """INSERT a pandas frame's rows (positionally) into the named table's `columns`."""
    db, schema, table = qualify_table(session, name)
    view = f"__snowreg_frame_{next(_frames)}"
    transaction.before_plain(session, "insert")  # COPY INTO is DML: AUTOCOMMIT off opens a transaction
    duck = session.duck
    duck.register(view, frame)
    try:
        target = f"{quote(db)}.{quote(schema)}.{quote(physical(table))}"
        listed = ", ".join(quote(physical(c)) for c in columns)
        duck.execute(f"INSERT INTO {target} ({listed}) SELECT * FROM {quote(view)}")
    except duckdb.Error as e:  # a value the column cannot hold, as Snowflake's COPY would refuse it
        error = duckerrors.translate(e)
        transaction.recover(session)  # an open transaction keeps its earlier writes
        raise error from None
    finally:
        duck.unregister(view)
    transaction.after_other_write(session)


def __getattr__(name: str) -> Any:
    """The model loader, imported on first use: connecting and plain SQL do not need it."""
    if name in ("LoadedModel", "load_model"):
        from snowreg.engine.inference import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
