"""Handlers for databases, schemas, USE, session variables and session parameters."""

from __future__ import annotations

from typing import Any

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident

# Session parameters that SHOW PARAMETERS knows, with their defaults (a small, honest subset).
PARAMETER_DEFAULTS: dict[str, tuple[str, str, str]] = {
    "QUOTED_IDENTIFIERS_IGNORE_CASE": ("false", "BOOLEAN", "If true, the case of quoted identifiers is ignored."),
    "TIMEZONE": ("America/Los_Angeles", "STRING", "time zone"),
    "QUERY_TAG": ("", "STRING", "String (up to 4000 characters) with which to tag queries"),
    "AUTOCOMMIT": ("true", "BOOLEAN", "The autocommit property determines whether statement should be "
                   "implicitly wrapped within a transaction or not."),
    "TIMESTAMP_TYPE_MAPPING": ("TIMESTAMP_NTZ", "STRING", "If TIMESTAMP type is used, what specific TIMESTAMP "
                               "type it should map to."),
    "DEFAULT_NULL_ORDERING": ("LAST", "STRING", "Default NULL ordering"),
    "STATEMENT_TIMEOUT_IN_SECONDS": ("172800", "NUMBER", "Timeout in seconds for statements."),
    "PYTHON_CONNECTOR_QUERY_RESULT_FORMAT": ("ARROW", "STRING", "Format used for query results."),
}


def create_database(session: Session, stmt: ast.CreateDatabase) -> Result:
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.compilation_error("invalid property combination 'OR REPLACE' and 'IF NOT EXISTS'", 2025)
    name = session.name(stmt.name)
    privileges.check_account(session, "CREATE DATABASE")
    if session.catalog.get_database(name) is not None:
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_database_owner(session, name)
        session.catalog.drop_database(name)
    session.catalog.create_database(name, session.role, stmt.comment)
    session.database, session.schema = name, "PUBLIC"
    session.forget_duckdb_path()
    return status(f"Database {quote_ident(name)} successfully created.")


def drop_database(session: Session, stmt: ast.DropDatabase) -> Result:
    name = session.name(stmt.name)
    if session.catalog.get_database(name) is None or not privileges.can_see_database(session, name):
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("Database", quote_ident(name))
    privileges.check_database_owner(session, name)
    session.catalog.drop_database(name)
    if session.database == name:
        session.database = session.schema = None
    session.forget_duckdb_path()
    return status(f"{quote_ident(name)} successfully dropped.")


def create_schema(session: Session, stmt: ast.CreateSchema) -> Result:
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.compilation_error("invalid property combination 'OR REPLACE' and 'IF NOT EXISTS'", 2025)
    db, name = session.qualify_schema(stmt.name)
    if session.catalog.get_database(db) is None or not privileges.can_see_database(session, db):
        raise errors.does_not_exist("Database", quote_ident(db))
    if name == "INFORMATION_SCHEMA":
        raise errors.already_exists("Object", name)
    if session.catalog.get_schema(db, name) is not None:
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_schema_owner(session, db, name)
        session.catalog.drop_schema(db, name)
    privileges.check_create_schema(session, db)
    session.catalog.create_schema(db, name, session.role, stmt.comment, stmt.managed_access)
    session.database, session.schema = db, name
    session.forget_duckdb_path()
    return status(f"Schema {quote_ident(name)} successfully created.")


def drop_schema(session: Session, stmt: ast.DropSchema) -> Result:
    db, name = session.qualify_schema(stmt.name)
    if session.catalog.get_schema(db, name) is None or not privileges.can_see_schema(session, db, name):
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(name)}")
    privileges.check_schema_owner(session, db, name)
    session.catalog.drop_schema(db, name)
    if (session.database, session.schema) == (db, name):
        session.schema = None
    session.forget_duckdb_path()
    return status(f"{quote_ident(name)} successfully dropped.")


def use(session: Session, stmt: ast.Use) -> Result:
    qn = stmt.name
    if stmt.kind == "WAREHOUSE":
        session.warehouse = session.name(qn.name)
        return status()
    if stmt.kind == "DATABASE" or (stmt.kind is None and qn.schema is None):
        db = session.name(qn.name)
        if session.catalog.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
        session.database = db
        session.schema = "PUBLIC" if session.catalog.get_schema(db, "PUBLIC") is not None else None
    else:
        db, schema = session.qualify_schema(qn)
        if schema == "INFORMATION_SCHEMA":  # every database has one (its views), visible with the database
            if session.catalog.get_database(db) is None or not privileges.can_see_database(session, db):
                raise errors.does_not_exist("Database", quote_ident(db))
        elif session.catalog.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
            raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
        session.database, session.schema = db, schema
    return status()


def set_variable(session: Session, stmt: ast.SetVariable) -> Result:
    from snowreg.engine.sql.run import evaluate_scalars

    if len(stmt.names) != len(stmt.exprs):
        raise errors.compilation_error("SET: the number of variables and values differ.", 2000, "42601")
    values = evaluate_scalars(session, list(stmt.exprs))
    for name, value in zip(stmt.names, values, strict=True):
        session.variables[name.upper()] = value
    return status()


def unset_variable(session: Session, stmt: ast.UnsetVariable) -> Result:
    for name in stmt.names:
        if session.variables.pop(name.upper(), None) is None:
            raise errors.compilation_error(f"Session variable '{name.upper()}' does not exist", 2211, "02000")
    return status()


def alter_session(session: Session, stmt: ast.AlterSession) -> Result:
    for key, value in stmt.set:
        if key.upper() == "TIMEZONE":
            session.use_timezone(value.strip("'"))  # a bad zone name fails here, the parameter unchanged
        session.parameters[key.upper()] = value.strip("'")
    for key in stmt.unset:
        session.parameters.pop(key.upper(), None)
    return status()


def show_parameters(session: Session, stmt: ast.ShowParameters) -> Result:
    from snowreg.grammar.text import like

    rows: list[tuple[Any, ...]] = []
    for key, (default, kind, description) in sorted(PARAMETER_DEFAULTS.items()):
        if not like(stmt.like, key):
            continue
        value = session.parameters.get(key, default)
        level = "SESSION" if key in session.parameters else ""
        rows.append((key, value, default, level, description, kind))
    return from_rows(["key", "value", "default", "level", "description", "type"], rows)
