"""Handlers for databases, schemas and USE: the containers of schema objects and the session's place among them."""

from __future__ import annotations

from typing import Any

from snowreg import errors
from snowreg.catalog import TagTarget
from snowreg.engine import retention, tags
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident


def create_database(session: Session, stmt: ast.CreateDatabase) -> Result:
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.invalid_property_combination()
    if stmt.transient:  # not kept: its tables would be made permanent, SHOW would say so (DECISIONS.md S44)
        raise errors.not_supported("CREATE TRANSIENT DATABASE")
    name = session.name(stmt.name)
    _check_retention(stmt.retention)
    privileges.check_account(session, "CREATE DATABASE")
    cloned = _database_clone_source(session, stmt, name)  # checked before anything changes
    tagged = tags.for_new_object(session, stmt.tags) if stmt.tags else []
    if session.catalog.databases.get_database(name) is not None:
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_database_owner(session, name)
        session.catalog.drop_database(name, remember=_retained(session, name))
    if cloned is None:
        session.catalog.create_database(name, session.role, stmt.comment)
    else:
        _clone_database(session, stmt, cloned, name)
    if stmt.retention is not None:
        session.catalog.retention.set_container(name, None, stmt.retention)
    if tagged:
        session.catalog.objects.set_tags(TagTarget("DATABASE", database=name), tagged)
    session.database, session.schema = name, "PUBLIC"
    session.forget_duckdb_path()
    return status(f"Database {quote_ident(name)} successfully created.")


def _database_clone_source(session: Session, stmt: ast.CreateDatabase, target: str) -> Any:
    """CREATE DATABASE … CLONE: the source database and what its clone copies (engine.clone), or None."""
    if stmt.clone is None:
        return None
    from snowreg.engine import clone  # loads with the first clone (it reads DuckDB's table definitions)

    source = session.name(stmt.clone.name)
    if source == target and stmt.or_replace:
        raise errors.not_supported("CREATE DATABASE … CLONE of the database it replaces")
    return source, clone.check_database(session, source)


def _clone_database(session: Session, stmt: ast.CreateDatabase, cloned: Any, target: str) -> None:
    """The new database (the session's role owns it; its comment the source's unless the statement gives
    one), then a clone of each schema; on failure it is dropped again."""
    from snowreg.engine import clone

    source, schemas = cloned
    row = session.catalog.databases.get_database(source)
    comment = stmt.comment if stmt.comment is not None else row.comment if row else None
    session.catalog.create_database(target, session.role, comment)
    try:
        clone.copy_database(session, source, target, schemas)
    except BaseException:
        session.catalog.drop_database(target, remember=False)
        raise


def drop_database(session: Session, stmt: ast.DropDatabase) -> Result:
    name = session.name(stmt.name)
    if session.catalog.databases.get_database(name) is None or not privileges.can_see_database(session, name):
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("Database", quote_ident(name))
    privileges.check_database_owner(session, name)
    session.catalog.drop_database(name, remember=_retained(session, name))
    if session.database == name:
        session.database = session.schema = None
    session.forget_duckdb_path()
    return status(f"{quote_ident(name)} successfully dropped.")


def create_schema(session: Session, stmt: ast.CreateSchema) -> Result:
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.invalid_property_combination()
    if stmt.transient:  # as CREATE TRANSIENT DATABASE (DECISIONS.md S44)
        raise errors.not_supported("CREATE TRANSIENT SCHEMA")
    db, name = session.qualify_schema(stmt.name)
    _check_retention(stmt.retention)
    if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
        raise errors.does_not_exist("Database", quote_ident(db))
    if name == "INFORMATION_SCHEMA":
        raise errors.already_exists("Object", name)
    cloned = _clone_source(session, stmt, (db, name))  # checked before anything changes
    tagged = tags.for_new_object(session, stmt.tags) if stmt.tags else []
    if session.catalog.databases.get_schema(db, name) is not None:
        privileges.check_create_before_telling(session, db, None, "SCHEMA", privileges.can_see_schema(session, db, name))
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_schema_owner(session, db, name)
        session.catalog.drop_schema(db, name, remember=_retained(session, db, name))
    privileges.check_create_schema(session, db)
    if cloned is None:
        session.catalog.create_schema(db, name, session.role, stmt.comment, stmt.managed_access)
    else:
        _clone(session, stmt, cloned, (db, name))
    if stmt.retention is not None:
        session.catalog.retention.set_container(db, name, stmt.retention)
    if tagged:
        session.catalog.objects.set_tags(TagTarget("SCHEMA", database=db, schema=name), tagged)
    session.database, session.schema = db, name
    session.forget_duckdb_path()
    return status(f"Schema {quote_ident(name)} successfully created.")


def _clone_source(session: Session, stmt: ast.CreateSchema, target: tuple[str, str]) -> Any:
    """CREATE SCHEMA … CLONE: the source schema and what a clone of it copies (engine.clone), or None."""
    if stmt.clone is None:
        return None
    from snowreg.engine import clone  # loads with the first clone (it reads DuckDB's table definitions)

    source = session.qualify_schema(stmt.clone)
    if source == target and stmt.or_replace:
        raise errors.not_supported("CREATE SCHEMA … CLONE of the schema it replaces")
    return source, clone.check_source(session, source)


def _clone(session: Session, stmt: ast.CreateSchema, cloned: Any, target: tuple[str, str]) -> None:
    """The new schema (owned by the session's role, its comment and managed access the source's unless the
    statement gives them), then its contents; on failure it is dropped again."""
    from snowreg.engine import clone

    (db, schema), relations = cloned
    source_row = session.catalog.databases.get_schema(db, schema)
    comment = stmt.comment if stmt.comment is not None else source_row.comment if source_row else None
    managed = stmt.managed_access or session.catalog.databases.schema_managed_access(db, schema)
    session.catalog.create_schema(*target, session.role, comment, managed)
    try:
        clone.copy_contents(session, (db, schema), target, relations)
    except BaseException:
        session.catalog.drop_schema(*target, remember=False)
        raise


def drop_schema(session: Session, stmt: ast.DropSchema) -> Result:
    db, name = session.qualify_schema(stmt.name)
    if session.catalog.databases.get_schema(db, name) is None or not privileges.can_see_schema(session, db, name):
        if stmt.if_exists:
            return status(f"Drop statement executed successfully ({quote_ident(name)} already dropped).")
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(name)}")
    privileges.check_schema_owner(session, db, name)
    session.catalog.drop_schema(db, name, remember=_retained(session, db, name))
    if (session.database, session.schema) == (db, name):
        session.schema = None
    session.forget_duckdb_path()
    return status(f"{quote_ident(name)} successfully dropped.")


def _check_retention(days: int | None) -> None:
    """CREATE DATABASE | SCHEMA … DATA_RETENTION_TIME_IN_DAYS = n: checked before anything changes."""
    if days is not None:
        retention.check_days(str(days))


def _retained(session: Session, database: str, schema: str | None = None) -> bool:
    """A dropped database or schema is listed by SHOW … HISTORY only when its retention is above 0."""
    return session.catalog.retention.setting(database, schema)[0] > 0


def use(session: Session, stmt: ast.Use) -> Result:
    qn = stmt.name
    if stmt.kind == "WAREHOUSE":  # a created warehouse needs USAGE; a name none has stays the session's own
        name = session.name(qn.name)
        warehouse = session.catalog.warehouses.get_warehouse(name)
        if warehouse is not None:
            privileges.check_warehouse(session, name, warehouse.owner, "use")
        session.warehouse = name
        return status()
    if stmt.kind == "DATABASE" or (stmt.kind is None and qn.schema is None):
        db = session.name(qn.name)
        if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
        session.database = db
        session.schema = "PUBLIC" if session.catalog.databases.get_schema(db, "PUBLIC") is not None else None
    else:
        db, schema = session.qualify_schema(qn)
        if schema == "INFORMATION_SCHEMA":  # every database has one (its views), visible with the database
            if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
                raise errors.does_not_exist("Database", quote_ident(db))
        elif session.catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
            raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
        session.database, session.schema = db, schema
    return status()


def comment_on(session: Session, stmt: ast.CommentOn) -> Result:
    """COMMENT [IF EXISTS] ON DATABASE | SCHEMA (https://docs.snowflake.com/en/sql-reference/sql/comment): the
    owner sets the comment SHOW DATABASES / SHOW SCHEMAS and INFORMATION_SCHEMA show."""
    if stmt.kind == "DATABASE":
        if stmt.name.schema is not None or stmt.name.database is not None:
            raise errors.invalid_object_name(".".join(str(p) for p in (stmt.name.database, stmt.name.schema,
                                                                       stmt.name.name) if p is not None))
        db, schema = session.name(stmt.name.name), None
        exists = session.catalog.databases.get_database(db) is not None and privileges.can_see_database(session, db)
        what = ("Database", quote_ident(db))
    else:
        db, schema = session.qualify_schema(stmt.name)
        exists = session.catalog.databases.get_schema(db, schema) is not None \
            and privileges.can_see_schema(session, db, schema)
        what = ("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    if not exists:
        if stmt.if_exists:
            return status()
        raise errors.does_not_exist(*what)
    if schema is None:
        privileges.check_database_owner(session, db)
    else:
        privileges.check_schema_owner(session, db, schema)
    session.catalog.databases.set_comment(db, schema, stmt.comment)
    return status()
