"""CREATE SCHEMA … CLONE: a new schema holding a copy of each table (with its rows), view, sequence, materialized view,
dynamic table and task of the source.

https://docs.snowflake.com/en/sql-reference/sql/create-clone and https://docs.snowflake.com/en/user-guide/object-clone:
the clones of the child objects inherit every grant on them (OWNERSHIP too), the new schema's own
grants are not copied (the cloning role owns it); a cloned table whose default reads a sequence of the
same schema reads the sequence's clone; internal stages are cloned only with INCLUDE INTERNAL STAGES,
which snowreg does not take; temporary tables (a session's own) are not cloned. Cloned tasks and dynamic
tables are suspended (object-clone: "Cloning and tasks"; https://docs.snowflake.com/en/user-guide/dynamic-tables-clone);
a cloned materialized view reads the clone of its base table (DECISIONS.md Q30-Q31). A source holding models,
tags, functions, procedures or streams (DECISIONS.md W14), or a table, view, sequence or task the role cannot
see, is refused by name (DECISIONS.md L4, J50): the docs do not say what becomes of models, and a copy the
role could not read would be a copy it should not have made. All or nothing: on any failure the new
schema is dropped again.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from snowreg import errors
from snowreg.catalog.names import physical
from snowreg.catalog.relations import (
    RelationRow,
    list_columns,
    list_relations,
    list_sequences,
    schema_sequences,
)
from snowreg.catalog.store import quote
from snowreg.engine import secure_views, streams
from snowreg.engine.access import privileges
from snowreg.engine.get_ddl import view_query
from snowreg.engine.inference.view_index import model_views
from snowreg.engine.session import Session
from snowreg.engine.sql import run
from snowreg.grammar.text import quote_ident


def check_source(session: Session, source: tuple[str, str]) -> list[RelationRow]:
    """The tables and views a clone of `source` copies; refuses what cannot be cloned faithfully."""
    db, schema = source
    catalog = session.catalog
    if catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    held = [kind for kind, found in (("models", catalog.models.list_models(db, schema)),
                                     ("tags", catalog.objects.list_tags(db, schema)),
                                     ("functions", catalog.udfs.listed(db, schema)),
                                     ("procedures", catalog.procedures.listed(db, schema)),
                                     ("streams", [s for s in streams.all_streams(session)
                                                  if (s.database, s.schema) == source])) if found]
    if held:
        raise errors.not_supported(f"CREATE SCHEMA … CLONE of a schema holding {' and '.join(held)}")
    relations = [r for r in list_relations(catalog.store, db, schema)  # a session's temporary tables stay behind
                 if r.kind == "VIEW" or catalog.tables.table_shape(db, schema, r.name).kind != "TEMPORARY"]
    for r in relations:
        if not privileges.can_see_table(session, db, schema, r.name, r.owner):
            raise errors.not_supported("CREATE SCHEMA … CLONE of a schema holding a table or view the role cannot see")
        if r.kind == "VIEW" and not secure_views.text_shown(session, r):  # its clone's owner would read its text
            raise errors.not_supported("CREATE SCHEMA … CLONE of a schema holding a secure view the role does not own")
        if r.kind == "VIEW" and (db, schema, r.name) in model_views(catalog):  # a column list is refused there
            raise errors.not_supported(f"CREATE SCHEMA … CLONE of the view {r.name} over model calls")
        if r.kind == "VIEW" and catalog.tables.view_text(db, schema, r.name) is None:
            raise errors.not_supported(f"CREATE SCHEMA … CLONE of the view {r.name} (its statement was not kept)")
    a = privileges.access(session)
    if not a.manage_grants and any(not a.held(("TASK", db, schema, t.name), t.owner)
                                   for t in catalog.tasks.list_tasks(db, schema)):
        raise errors.not_supported("CREATE SCHEMA … CLONE of a schema holding a task the role cannot see")
    if any(q.database_name == db and q.schema_name == schema
           and not privileges.can_use_sequence(session, db, schema, q.name) for q in list_sequences(catalog.store)):
        raise errors.not_supported("CREATE SCHEMA … CLONE of a schema holding a sequence the role cannot see")
    return relations


def check_database(session: Session, source: str) -> list[tuple[str, list[RelationRow]]]:
    """CREATE DATABASE … CLONE: each schema of the source with what its clone copies; refuses a schema the
    role cannot see and what check_source refuses."""
    catalog = session.catalog
    if catalog.databases.get_database(source) is None or not privileges.can_see_database(session, source):
        raise errors.does_not_exist("Database", quote_ident(source))
    out = []
    for schema in catalog.databases.list_schemas(source):
        if not privileges.can_see_schema(session, source, schema.name):
            raise errors.not_supported("CREATE DATABASE … CLONE of a database holding a schema the role cannot see")
        out.append((schema.name, check_source(session, (source, schema.name))))
    return out


def copy_database(session: Session, source: str, target: str, schemas: list[tuple[str, list[RelationRow]]]) -> None:
    """Each schema cloned into the new database (made with its PUBLIC schema); a cloned schema inherits the
    source schema's owner and grants once its contents are made (https://docs.snowflake.com/en/user-guide/object-clone:
    for databases the child objects include the schemas)."""
    catalog = session.catalog
    for name, relations in schemas:
        row = catalog.databases.get_schema(source, name)
        assert row is not None
        if catalog.databases.get_schema(target, name) is None:
            catalog.create_schema(target, name, session.role, row.comment,
                                  catalog.databases.schema_managed_access(source, name))
        elif row.comment is not None:  # PUBLIC, made with the database
            catalog.databases.set_comment(target, name, row.comment)
        copy_contents(session, (source, name), (target, name), relations, whole_database=True)
        catalog.inherit_schema((source, name), target, row.owner)


def copy_contents(session: Session, source: tuple[str, str], target: tuple[str, str],
                  relations: list[RelationRow], whole_database: bool = False) -> None:
    """Sequences, tables with their rows and comments, then views, then tasks, into the new (empty) schema
    `target` (`whole_database`: part of CREATE DATABASE … CLONE)."""
    duck = session.duck
    duck.execute("BEGIN TRANSACTION")
    try:
        for name, next_value, increment, comment in schema_sequences(session.catalog.store, *source):
            _sequence(session, target, name, next_value, increment, comment)
        for r in relations:
            if r.kind == "TABLE":
                _table(session, source, target, r)
    except BaseException:
        duck.execute("ROLLBACK")
        raise
    duck.execute("COMMIT")
    session.catalog.store.relations_changed()
    _views(session, source, target, [r for r in relations if r.kind == "VIEW"])
    sequences = [q.name for q in list_sequences(session.catalog.store)
                 if (q.database_name, q.schema_name) == source]
    session.catalog.copy_table_records(source, target, [r.name for r in relations], sequences)
    _dynamic_tables(session, source, target, relations, whole_database)
    session.catalog.copy_tasks(source, target)


def _dynamic_tables(session: Session, source: tuple[str, str], target: tuple[str, str], relations: list[RelationRow],
                    whole_database: bool) -> None:
    """A cloned dynamic table is suspended (https://docs.snowflake.com/en/user-guide/dynamic-tables-clone) and its
    query reads names where the clone is, as a cloned view's does: the context it was created in moves with it
    when it is the source schema (or, cloning a database, any schema of the source database)."""
    tables = session.catalog.tables
    for r in relations:
        spec = tables.dynamic(*target, r.name) if r.kind == "TABLE" else None
        if spec is None:
            continue
        context = list(spec.get("context") or source)
        if context == list(source):
            context = list(target)
        elif whole_database and context[0] == source[0]:
            context[0] = target[0]
        tables.set_dynamic(*target, r.name, {**spec, "context": context, "scheduling_state": "SUSPENDED"})


def _sequence(session: Session, target: tuple[str, str], name: str, next_value: int, increment: int,
              comment: str | None) -> None:
    """A sequence (`name`: DuckDB's) going on from where the source's is."""
    qualified = f"{quote(target[0])}.{quote(target[1])}.{quote(name)}"
    low = f" MINVALUE {next_value}" if next_value < 1 else ""
    session.duck.execute(f"CREATE SEQUENCE {qualified} START WITH {next_value} INCREMENT BY {increment}{low}")
    if comment:
        session.duck.execute(f"COMMENT ON SEQUENCE {qualified} IS {_literal(comment)}")


def _table(session: Session, source: tuple[str, str], target: tuple[str, str], r: RelationRow) -> None:
    """DuckDB's own definition of the table (defaults, NOT NULL, length checks) under the new schema, its
    rows in their order, its comments."""
    duck = session.duck
    found = duck.execute("SELECT sql FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND "
                         "table_name = ?", [*source, physical(r.name)]).fetchone()
    create = sqlglot.parse_one(str(found[0]), read="duckdb") if found else None
    if not isinstance(create, exp.Create) or not isinstance(create.this, exp.Schema):
        raise errors.not_supported(f"CREATE SCHEMA … CLONE of the table {r.name}")
    create.this.set("this", exp.Table(this=exp.to_identifier(physical(r.name), quoted=True),
                                      db=exp.to_identifier(target[1], quoted=True),
                                      catalog=exp.to_identifier(target[0], quoted=True)))
    _sequences_of(create, source, target)
    copy = ".".join(quote(p) for p in (*target, physical(r.name)))
    duck.execute(create.sql(dialect="duckdb"))
    duck.execute(f"INSERT INTO {copy} SELECT * FROM {'.'.join(quote(p) for p in (*source, physical(r.name)))} "
                 "ORDER BY rowid")
    if r.comment:
        duck.execute(f"COMMENT ON TABLE {copy} IS {_literal(r.comment)}")
    for column in list_columns(session.catalog.store, *source, r.name):
        if column.comment:
            duck.execute(f"COMMENT ON COLUMN {copy}.{quote(physical(column.name))} IS {_literal(column.comment)}")


def _sequences_of(create: exp.Create, source: tuple[str, str], target: tuple[str, str]) -> None:
    """A default reading a sequence of the source schema (`nextval('"DB"."S"."SEQ"')`, as translation writes
    it: the name qualified) reads the sequence's clone instead (object-clone: "Cloning and default sequences")."""
    prefix, cloned = (".".join(quote(p) for p in names) + "." for names in (source, target))
    for literal in create.find_all(exp.Literal):
        call = literal.parent
        if literal.is_string and isinstance(call, exp.Anonymous) and call.name.upper() == "NEXTVAL" \
                and literal.this.startswith(prefix):
            literal.set("this", cloned + literal.this[len(prefix):])


def _views(session: Session, source: tuple[str, str], target: tuple[str, str], views: list[RelationRow]) -> None:
    """Each view made again from its CREATE statement's query in the new schema's context (its unqualified
    names read the clones), in an order that lets views over views be made after them."""
    pending = list(views)
    saved = session.database, session.schema
    session.database, session.schema = target
    session.forget_duckdb_path()
    try:
        while pending:
            failed: list[RelationRow] = []
            error: Exception | None = None
            for v in pending:
                try:
                    run.run_sql(session, _view_statement(session, source, target, v))
                except errors.Error as e:
                    failed.append(v)
                    error = e
            if len(failed) == len(pending):
                assert error is not None
                raise error
            pending = failed
    finally:
        session.database, session.schema = saved
        session.forget_duckdb_path()


def _view_statement(session: Session, source: tuple[str, str], target: tuple[str, str], v: RelationRow) -> str:
    written = session.catalog.tables.view_text(*source, v.name) or ""
    body = view_query(written)
    if not body:
        raise errors.not_supported(f"CREATE SCHEMA … CLONE of the view {v.name}")
    columns = ", ".join(quote_ident(c.name) for c in list_columns(session.catalog.store, *source, v.name))
    comment = f" COMMENT = {_literal(v.comment)}" if v.comment else ""
    name = ".".join(quote_ident(p) for p in (*target, v.name))
    secure = "SECURE " if secure_views.is_secure(session, *source, v.name) else ""
    return f"CREATE {secure}VIEW {name} ({columns}){comment} AS {body}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

