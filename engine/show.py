"""SHOW DATABASES / SCHEMAS / MODELS / VERSIONS / FUNCTIONS with Snowflake's documented columns."""

from __future__ import annotations

from typing import Any

import orjson

from snowreg import errors
from snowreg.catalog import ModelRow, VersionIndex, VersionRow
from snowreg.catalog.manifest import show_functions_row
from snowreg.engine.access import privileges
from snowreg.engine.resolve import find_model, model_aliases, resolve_version, version_aliases
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident


def _limit(rows: list[Any], starts_with: str | None, limit: int | None, key: int = 1) -> list[Any]:
    if starts_with is not None:
        rows = [r for r in rows if str(r[key]).startswith(starts_with)]
    return rows[:limit] if limit is not None else rows


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def show_databases(session: Session, stmt: ast.ShowDatabases) -> Result:
    rows = [
        (d.created_on, d.name, "N", "Y" if d.name == session.database else "N", "", d.owner or "",
         d.comment or "", "", "1", "STANDARD", None, "ROLE")
        for d in session.catalog.list_databases()
        if like(stmt.like, d.name) and privileges.can_see_database(session, d.name)
    ]
    names = ["created_on", "name", "is_default", "is_current", "origin", "owner", "comment", "options",
             "retention_time", "kind", "budget", "owner_role_type"]
    return from_rows(names, _limit(rows, stmt.starts_with, stmt.limit), _types(names, rows))


def show_schemas(session: Session, stmt: ast.ShowSchemas) -> Result:
    database = None if stmt.in_account else (
        session.name(stmt.in_database) if stmt.in_database is not None else session.current_database())
    if database is not None and session.catalog.get_database(database) is None:
        raise errors.does_not_exist("Database", quote_ident(database))
    rows: list[tuple[Any, ...]] = []
    if database is None or privileges.can_see_database(session, database):
        for s in session.catalog.list_schemas(database):
            if like(stmt.like, s.name) and privileges.can_see_schema(session, s.database_name, s.name):
                current = "Y" if (s.database_name, s.name) == (session.database, session.schema) else "N"
                rows.append((s.created_on, s.name, "N", current, s.database_name, s.owner or "", s.comment or "",
                             "", "1", "ROLE", None))
        if database is not None and like(stmt.like, "INFORMATION_SCHEMA"):
            rows.append((None, "INFORMATION_SCHEMA", "N", "N", database, "", "Views describing the contents of "
                         "schemas in this database", "", "1", "", None))
        rows.sort(key=lambda r: (r[4], r[1]))
    names = ["created_on", "name", "is_default", "is_current", "database_name", "owner", "comment", "options",
             "retention_time", "owner_role_type", "budget"]
    return from_rows(names, _limit(rows, stmt.starts_with, stmt.limit), _types(names, rows))


def _types(names: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    return ["TIMESTAMP_LTZ" if n == "created_on" else "TEXT" for n in names]


def _models_in_scope(session: Session, stmt: ast.ShowModels) -> list[ModelRow]:
    scope, qn = stmt.scope, stmt.scope_name
    if scope is None:
        scope = "DATABASE" if session.database is not None else "ACCOUNT"
    if scope == "ACCOUNT":
        return session.catalog.list_models()
    if scope == "DATABASE":
        db = session.name(qn.name) if qn is not None else session.current_database()
        if session.catalog.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
        return session.catalog.list_models(db)
    if qn is None:
        if session.database is None:
            raise errors.object_not_found_or_op()
        return session.catalog.list_models(session.database, session.schema)
    if qn.schema is None and session.database is None:
        raise errors.object_not_found_or_op()
    db, schema = session.qualify_schema(qn)
    if session.catalog.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    return session.catalog.list_models(db, schema)


# The order of real output (docs/SNOWFLAKE.md#c6, from a Snowflake notebook): `comment` before `owner` and
# `default_version_name` before `versions`, where the SHOW MODELS page lists them the other way round
# (DECISIONS #13).
SHOW_MODELS_COLUMNS = ["created_on", "name", "model_type", "database_name", "schema_name", "comment", "owner",
                       "default_version_name", "versions", "aliases"]


def show_models(session: Session, stmt: ast.ShowModels) -> Result:
    models = [m for m in _models_in_scope(session, stmt)
              if like(stmt.like, m.name) and privileges.can_see_model(session, m)]
    all_versions = session.catalog.list_versions_of([m.id for m in models])
    rows = []
    for m in models:
        versions = all_versions[m.id]
        rows.append((m.created_on, m.name, m.model_type, m.database_name, m.schema_name, m.comment, m.owner,
                     m.default_version, _json(list(versions.by_name)), _json(model_aliases(m, versions))))
    types = ["TIMESTAMP_LTZ"] + ["TEXT"] * 9
    return from_rows(SHOW_MODELS_COLUMNS, _limit(rows, stmt.starts_with, stmt.limit), types)


# The documented columns (https://docs.snowflake.com/en/sql-reference/sql/show-versions-in-model), `comment`
# fourth and the BCR-1778 columns (https://docs.snowflake.com/en/release-notes/bcr-bundles/2024_08/bcr-1778)
# in the order of real output (docs/SNOWFLAKE.md#c6), then `model_spec`. `is_default_version` is a BOOLEAN:
# the client reads it with `bool(row["is_default_version"])`.
SHOW_VERSIONS_COLUMNS = ["created_on", "name", "aliases", "comment", "database_name", "schema_name", "model_name",
                         "is_default_version", "functions", "metadata", "user_data", "model_attributes", "size",
                         "environment", "runnable_in", "inference_services", "model_spec"]
_SHOW_VERSIONS_TYPES = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BOOLEAN", "TEXT", "TEXT",
                        "TEXT", "TEXT", "FIXED", "TEXT", "TEXT", "TEXT", "TEXT"]


def show_versions(session: Session, stmt: ast.ShowVersions) -> Result:
    model = find_model(session, stmt.model, "usage")
    versions = session.catalog.version_index(model.id)
    chosen = _versions_like(versions, stmt.like)
    functions = session.catalog.functions_of([v.id for v in chosen])
    rows = []
    for v in chosen:
        rows.append((v.created_on, v.name, _json(version_aliases(model, v, versions)), v.comment,
                     model.database_name, model.schema_name, model.name,
                     v.name == model.default_version, _json([f.name for f in functions[v.id]]), v.metadata,
                     v.user_data, v.model_attributes, v.size, None, v.runnable_in, "[]", v.model_spec))
    return from_rows(SHOW_VERSIONS_COLUMNS, rows, _SHOW_VERSIONS_TYPES)


def _versions_like(versions: VersionIndex, pattern: str | None) -> list[VersionRow]:
    """The versions whose names match a LIKE pattern; a pattern without wildcards is one lookup."""
    if pattern is None:
        return list(versions.rows)
    if versions.ascii_names and pattern.isascii() and not any(c in pattern for c in "%_\\"):
        return list(versions.by_lower_name.get(pattern.lower(), ()))
    return [v for v in versions.rows if like(pattern, v.name)]


SHOW_FUNCTIONS_COLUMNS = ["created_on", "name", "version_name", "min_num_arguments", "max_num_arguments",
                          "arguments", "return_type", "description", "language", "is_table_function"]


def show_functions(session: Session, stmt: ast.ShowFunctions) -> Result:
    model = find_model(session, stmt.model, "usage")
    version = resolve_version(session, model, stmt.version if stmt.version is not None else "DEFAULT")
    rows = []
    for fn in session.catalog.functions(version.id):
        if not like(stmt.like, fn.name):
            continue
        values = show_functions_row(fn, version.name)
        rows.append(tuple([version.created_on] + [values[c] for c in SHOW_FUNCTIONS_COLUMNS[1:]]))
    types = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "FIXED", "FIXED", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT"]
    return from_rows(SHOW_FUNCTIONS_COLUMNS, rows, types)
