"""SHOW DATABASES / SCHEMAS / MODELS / VERSIONS / FUNCTIONS with Snowflake's documented columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import orjson

from snowreg import errors
from snowreg.catalog import ModelRow, VersionIndex, VersionRow
from snowreg.catalog.manifest import show_functions_row
from snowreg.engine import time_travel
from snowreg.engine.access import privileges
from snowreg.engine.resolve import find_model, model_aliases, resolve_version, version_aliases
from snowreg.engine.result import Result, from_rows
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident, split_name

T = TypeVar("T")

def _limit(rows: list[Any], starts_with: str | None, limit: int | None, key: int = 1) -> list[Any]:
    if starts_with is not None:
        rows = [r for r in rows if str(r[key]).startswith(starts_with)]
    return rows[:limit] if limit is not None else rows


def page(items: list[T], name_of: Callable[[T], str], starts_with: str | None, limit: int | None,
         start: str | None) -> list[T]:
    """STARTS WITH, then LIMIT n [FROM 'name'] over items in name order (FROM: names >= it, case-sensitive)."""
    if starts_with is not None:
        items = [i for i in items if name_of(i).startswith(starts_with)]
    if start is not None:
        items = [i for i in items if name_of(i) >= start]
    return items[:limit] if limit is not None else items


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


SHOW_DATABASES_COLUMNS = ["created_on", "name", "is_default", "is_current", "origin", "owner", "comment", "options",
                          "retention_time", "kind", "budget", "owner_role_type", "object_visibility"]
TERSE_COLUMNS = ["created_on", "name", "kind", "database_name", "schema_name"]


def show_databases(session: Session, stmt: ast.ShowDatabases) -> Result:
    """https://docs.snowflake.com/en/sql-reference/sql/show-databases: lexicographic by name."""
    found = sorted((d for d in session.catalog.databases.list_databases()
                    if like(stmt.like, d.name) and privileges.can_see_database(session, d.name)),
                   key=lambda d: d.name)
    found = page(found, lambda d: d.name, stmt.starts_with, stmt.limit, stmt.limit_from)
    if stmt.terse:
        return from_rows(TERSE_COLUMNS, [(d.created_on, d.name, None, None, None) for d in found],
                         ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT"])
    names = list(SHOW_DATABASES_COLUMNS)
    default = _default_database(session)
    rows: list[tuple[Any, ...]] = [
        (d.created_on, d.name, "Y" if d.name == default else "N", "Y" if d.name == session.database else "N", "", d.owner or "",
         d.comment or "", "", session.catalog.retention.setting(d.name)[0], "STANDARD", None, "ROLE", None)
        for d in found
    ]
    types = ["TIMESTAMP_LTZ"] + ["FIXED" if n == "retention_time" else "TEXT" for n in names[1:]]
    if stmt.history:  # the dropped databases the roles owned, after the others (DECISIONS.md L11)
        at = names.index("retention_time") + 1
        names.insert(at, "dropped_on")
        types.insert(at, "TIMESTAMP_LTZ")
        rows = [r[:at] + (None,) + r[at:] for r in rows]
        dropped = [d for d in time_travel.dropped_containers(session, None, schemas=False) if like(stmt.like, d.database_name)]
        rows += page([(d.created_on, d.database_name, "N", "N", "", d.owner or "", d.comment or "", "", 1, d.dropped_on,
                       "STANDARD", None, "ROLE", None) for d in dropped], lambda r: str(r[1]), stmt.starts_with, stmt.limit,
                     stmt.limit_from)
    return from_rows(names, rows, types)


def _default_database(session: Session) -> str | None:
    """is_default: the database of the user's DEFAULT_NAMESPACE (`db` or `db.schema`)."""
    user = session.catalog.grants.get_user(session.user)
    namespace = orjson.loads(user.properties).get("DEFAULT_NAMESPACE") if user is not None else None
    try:
        return split_name(str(namespace))[0] if namespace else None
    except ValueError:  # a namespace that is not a name shows no default
        return None


def show_schemas(session: Session, stmt: ast.ShowSchemas) -> Result:
    """Without IN: the current database's schemas, or the account's when the session has none (the page:
    "No database: ACCOUNT is the default")."""
    database = None if stmt.in_account else (
        session.name(stmt.in_database) if stmt.in_database is not None else session.database)
    if database is not None and (session.catalog.databases.get_database(database) is None or (
            stmt.in_database is not None and not privileges.can_see_database(session, database))):
        raise errors.does_not_exist("Database", quote_ident(database))  # a named database the roles cannot see too
    rows: list[tuple[Any, ...]] = []
    if database is None or privileges.can_see_database(session, database):
        for s in session.catalog.databases.list_schemas(database):
            if like(stmt.like, s.name) and privileges.can_see_schema(session, s.database_name, s.name):
                current = "Y" if (s.database_name, s.name) == (session.database, session.schema) else "N"
                days = session.catalog.retention.setting(s.database_name, s.name)[0]
                managed = session.catalog.databases.schema_managed_access(s.database_name, s.name)
                rows.append((s.created_on, s.name, "N", current, s.database_name, s.owner or "", s.comment or "",
                             "MANAGED ACCESS" if managed else "", days, "ROLE", None, None))
        if database is not None and like(stmt.like, "INFORMATION_SCHEMA"):
            rows.append((None, "INFORMATION_SCHEMA", "N", "N", database, "", "Views describing the contents of "
                         "schemas in this database", "", session.catalog.retention.setting(database)[0], "", None,
                         None))
        rows.sort(key=lambda r: (r[4], r[1]))
    rows = page(rows, lambda r: str(r[1]), stmt.starts_with, stmt.limit, stmt.limit_from)
    if stmt.terse:  # SHOW SCHEMAS: TERSE keeps created_on, name, kind, database_name, schema_name
        return from_rows(TERSE_COLUMNS, [(r[0], r[1], None, r[4], None) for r in rows],
                         ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT"])
    # retention_time is a number and object_visibility is appended (BCR-1759), as for SHOW DATABASES.
    names = ["created_on", "name", "is_default", "is_current", "database_name", "owner", "comment", "options",
             "retention_time", "owner_role_type", "budget", "object_visibility"]
    types = ["FIXED" if n == "retention_time" else t for n, t in zip(names, _types(names, rows), strict=True)]
    if stmt.history:  # the dropped schemas the roles owned, after the others (DECISIONS.md L11)
        at = names.index("retention_time") + 1
        names.insert(at, "dropped_on")
        types.insert(at, "TIMESTAMP_LTZ")
        rows = [r[:at] + (None,) + r[at:] for r in rows] + _dropped_schemas(session, stmt, database)
    return from_rows(names, rows, types)


def _dropped_schemas(session: Session, stmt: ast.ShowSchemas, database: str | None) -> list[tuple[Any, ...]]:
    """SHOW SCHEMAS HISTORY's rows of dropped schemas (dropped_on after retention_time), in databases the
    roles see."""
    found = [d for d in time_travel.dropped_containers(session, database, schemas=True)
             if like(stmt.like, str(d.schema_name)) and privileges.can_see_database(session, d.database_name)]
    rows = [(d.created_on, d.schema_name, "N", "N", d.database_name, d.owner or "", d.comment or "", "", 1, d.dropped_on,
             "ROLE", None, None) for d in found]
    return page(rows, lambda r: str(r[1]), stmt.starts_with, stmt.limit, stmt.limit_from)


def _types(names: list[str], rows: list[tuple[Any, ...]]) -> list[str]:
    return ["TIMESTAMP_LTZ" if n == "created_on" else "TEXT" for n in names]


def _models_in_scope(session: Session, stmt: ast.ShowModels) -> list[ModelRow]:
    """https://docs.snowflake.com/en/sql-reference/sql/show-models: without a current database, no scope,
    IN DATABASE and IN SCHEMA without a name all mean the account; an unqualified schema name is 002043."""
    scope, qn = stmt.scope, stmt.scope_name
    if scope is None or (qn is None and session.database is None):
        scope = "DATABASE" if session.database is not None else "ACCOUNT"
    if scope == "ACCOUNT":
        return session.catalog.models.list_models()
    if scope == "DATABASE":
        db = session.name(qn.name) if qn is not None else session.current_database()
        if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
        return session.catalog.models.list_models(db)
    if qn is None:  # the current schema, or every schema of the current database when there is none
        return session.catalog.models.list_models(session.database, session.schema)
    if qn.schema is None and session.database is None:
        raise errors.object_not_found_or_op()
    db, schema = session.qualify_schema(qn)
    if session.catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    return session.catalog.models.list_models(db, schema)


# The order of real output (docs/SNOWFLAKE.md#c6, from a Snowflake notebook): `comment` before `owner` and
# `default_version_name` before `versions`, where the SHOW MODELS page lists them the other way round
# (DECISIONS #13).
SHOW_MODELS_COLUMNS = ["created_on", "name", "model_type", "database_name", "schema_name", "comment", "owner",
                       "default_version_name", "versions", "aliases"]


def show_models(session: Session, stmt: ast.ShowModels) -> Result:
    models = [m for m in _models_in_scope(session, stmt)
              if like(stmt.like, m.name) and privileges.can_see_model(session, m)]
    all_versions = session.catalog.models.list_versions_of([m.id for m in models])
    rows = []
    for m in models:
        versions = all_versions[m.id]
        rows.append((m.created_on, m.name, m.model_type, m.database_name, m.schema_name, m.comment, m.owner,
                     m.default_version, _json(list(versions.by_name)), _json(model_aliases(m, versions))))
    types = ["TIMESTAMP_LTZ"] + ["TEXT"] * 9
    # LIMIT n FROM 'name' pages by name within the database, schema, name order, which is why the SHOW
    # MODELS page says a result spanning schemas "might break pagination".
    rows = page(rows, lambda r: str(r[1]), stmt.starts_with, stmt.limit, stmt.limit_from)
    return from_rows(SHOW_MODELS_COLUMNS, rows, types)


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
    model = find_model(session, stmt.model, "show")
    versions = session.catalog.models.version_index(model.id)
    chosen = _versions_like(versions, stmt.like)
    functions = session.catalog.models.functions_of([v.id for v in chosen])
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
    model = find_model(session, stmt.model, "show")
    version = resolve_version(session, model, stmt.version if stmt.version is not None else "DEFAULT",
                              at=stmt.version_span)
    rows = []
    for fn in session.catalog.models.functions(version.id):
        if not like(stmt.like, fn.name):
            continue
        values = show_functions_row(fn, version.name)
        rows.append(tuple([version.created_on] + [values[c] for c in SHOW_FUNCTIONS_COLUMNS[1:]]))
    types = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "FIXED", "FIXED", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT"]
    return from_rows(SHOW_FUNCTIONS_COLUMNS, rows, types)


# ---------------------------------------------------------------------------------------------
# SHOW [USER] FUNCTIONS (account level): https://docs.snowflake.com/en/sql-reference/sql/show-functions
# ---------------------------------------------------------------------------------------------

SHOW_ACCOUNT_FUNCTIONS_COLUMNS = [
    "created_on", "name", "schema_name", "is_builtin", "is_aggregate", "is_ansi", "min_num_arguments",
    "max_num_arguments", "arguments", "description", "catalog_name", "is_table_function", "valid_for_clustering",
    "is_secure", "secrets", "external_access_integrations", "is_external_function", "language", "is_memoizable",
    "is_data_metric",
]
_ACCOUNT_FUNCTION_TYPES = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "FIXED", "FIXED"] + ["TEXT"] * 12


def show_account_functions(session: Session, stmt: ast.ShowAccountFunctions) -> Result:
    """Built-in functions (from `builtin_functions()`) unless USER; snowreg keeps no user-defined functions."""
    scope = stmt.scope
    if scope == "DATABASE" and stmt.scope_name is not None:
        db = session.name(stmt.scope_name.name)
        if session.catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db):
            raise errors.does_not_exist("Database", quote_ident(db))
    elif scope == "SCHEMA" and stmt.scope_name is not None:
        db, schema = session.qualify_schema(stmt.scope_name)
        if session.catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema):
            raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    rows: list[tuple[Any, ...]] = []
    if stmt.kind != "USER" and not stmt.procedures:  # built-ins belong to no database: every scope lists them
        for fn in sorted(builtin_functions(), key=lambda f: (f.name, len(f.arguments))):
            if like(stmt.like, fn.name):
                rows.append(_builtin_row(fn))
    if stmt.kind != "BUILT-IN":  # user functions of the scope (no IN: the current database's; DECISIONS.md)
        where: tuple[str | None, str | None]
        if scope == "SCHEMA":
            where = session.qualify_schema(stmt.scope_name) if stmt.scope_name is not None else \
                (session.current_database(), session.schema)
        elif scope == "DATABASE":
            where = (session.name(stmt.scope_name.name) if stmt.scope_name is not None else
                     session.current_database(), None)
        else:
            where = (None, None) if scope == "ACCOUNT" else (session.database, None)
        if stmt.procedures:  # SHOW [USER] PROCEDURES: snowreg has no built-in procedures (DECISIONS.md X11)
            from snowreg.engine import procedures

            return procedures.show_procedures(session, where, stmt.like)
        from snowreg.engine import udfs  # user functions load with the first statement about one

        user = udfs.show_rows(session, where[0], where[1], stmt.like)
        if user:  # one list, by name
            rows = sorted([*rows, *user], key=lambda r: str(r[1]))
    return from_rows(SHOW_ACCOUNT_FUNCTIONS_COLUMNS, rows, _ACCOUNT_FUNCTION_TYPES)


def _builtin_row(fn: BuiltinFunction) -> tuple[Any, ...]:
    arguments = f"{fn.name}({', '.join(fn.arguments)}) RETURN {fn.returns}"
    n = len(fn.arguments)
    return (None, fn.name, "", "Y", "Y" if fn.aggregate else "N", "Y" if fn.ansi else "N", n - fn.optional, n,
            arguments, fn.description, "", "Y" if fn.table else "N", "N" if fn.aggregate or fn.table else "Y", "N",
            None, None, "N", "SQL", "N", "N")


class BuiltinFunction(NamedTuple):
    """One signature of a Snowflake built-in function, as SHOW FUNCTIONS lists it."""

    name: str
    arguments: tuple[str, ...]
    returns: str
    description: str
    aggregate: bool = False
    table: bool = False
    ansi: bool = False
    optional: int = 0  # trailing arguments that may be left out


_F = BuiltinFunction
# A documented subset of Snowflake's built-in functions that snowreg answers (descriptions after
# https://docs.snowflake.com/en/sql-reference/functions-all). To be pointed at the engine's function table.
_BUILTINS: tuple[BuiltinFunction, ...] = (
    _F("ABS", ("NUMBER",), "NUMBER", "Returns the absolute value of a numeric expression.", ansi=True),
    _F("ARRAY_AGG", ("ANY",), "ARRAY", "Returns the input values, pivoted into an array.", aggregate=True),
    _F("ARRAY_CONSTRUCT", ("ANY",), "ARRAY", "Returns an array constructed from zero, one, or more inputs."),
    _F("ARRAY_SIZE", ("ARRAY",), "NUMBER", "Returns the size of the input array."),
    _F("AVG", ("NUMBER",), "NUMBER", "Returns the average of non-NULL records.", aggregate=True, ansi=True),
    _F("CEIL", ("NUMBER", "NUMBER"), "NUMBER", "Returns values from the input rounded to the nearest equal or "
       "larger integer, or to the nearest equal or larger value with the specified number of places after the "
       "decimal point.", ansi=True, optional=1),
    _F("COALESCE", ("ANY", "ANY"), "ANY", "Returns the first non-NULL expression among its arguments, or NULL if "
       "all its arguments are NULL.", ansi=True),
    _F("CONCAT", ("VARCHAR", "VARCHAR"), "VARCHAR", "Concatenates one or more strings, or concatenates one or "
       "more binary values."),
    _F("COUNT", ("ANY",), "NUMBER", "Returns either the number of non-NULL records for the specified columns, "
       "or the total number of records.", aggregate=True, ansi=True),
    _F("CURRENT_ACCOUNT", (), "VARCHAR", "Returns the account locator used by the user's current session."),
    _F("CURRENT_DATABASE", (), "VARCHAR", "Returns the name of the current database, which varies depending on "
       "where you call the function."),
    _F("CURRENT_DATE", (), "DATE", "Returns the current date of the system.", ansi=True),
    _F("CURRENT_REGION", (), "VARCHAR", "Returns the name of the region for the account where the current user "
       "is logged in."),
    _F("CURRENT_ROLE", (), "VARCHAR", "Returns the name of the primary role in use for the current session."),
    _F("CURRENT_SCHEMA", (), "VARCHAR", "Returns the name of the current schema, which varies depending on where "
       "you call the function."),
    _F("CURRENT_SESSION", (), "VARCHAR", "Returns a unique system identifier for the Snowflake session "
       "corresponding to the present connection."),
    _F("CURRENT_TIMESTAMP", (), "TIMESTAMP_LTZ", "Returns the current timestamp for the system in the local "
       "time zone.", ansi=True),
    _F("CURRENT_USER", (), "VARCHAR", "Returns the name of the user currently logged into the system."),
    _F("CURRENT_WAREHOUSE", (), "VARCHAR", "Returns the name of the warehouse in use for the current session."),
    _F("DATEADD", ("VARCHAR", "NUMBER", "TIMESTAMP_NTZ"), "TIMESTAMP_NTZ", "Adds the specified value for the "
       "specified date or time part to a date, time, or timestamp."),
    _F("DATEDIFF", ("VARCHAR", "TIMESTAMP_NTZ", "TIMESTAMP_NTZ"), "NUMBER", "Calculates the difference between "
       "two date, time, or timestamp expressions based on the date or time part requested."),
    _F("DIV0", ("NUMBER", "NUMBER"), "NUMBER", "Performs division like the division operator (/), but returns 0 "
       "when the divisor is 0 (rather than reporting an error)."),
    _F("FLATTEN", ("VARIANT",), "TABLE", "Flattens (explodes) compound values into multiple rows.", table=True),
    _F("IFF", ("BOOLEAN", "ANY", "ANY"), "ANY", "Returns one of two values depending on whether a Boolean "
       "expression evaluates to true or false."),
    _F("LENGTH", ("VARCHAR",), "NUMBER", "Returns the length of an input string or binary value."),
    _F("LOWER", ("VARCHAR",), "VARCHAR", "Returns the input string with all characters converted to lowercase.",
       ansi=True),
    _F("MAX", ("ANY",), "ANY", "Returns the maximum value for the records within expr.", aggregate=True,
       ansi=True),
    _F("MIN", ("ANY",), "ANY", "Returns the minimum value for the records within expr.", aggregate=True,
       ansi=True),
    _F("NVL", ("ANY", "ANY"), "ANY", "If expr1 is NULL, returns expr2, otherwise returns expr1."),
    _F("OBJECT_CONSTRUCT", ("ANY",), "OBJECT", "Returns an OBJECT constructed from the arguments."),
    _F("PARSE_JSON", ("VARCHAR",), "VARIANT", "Interprets an input string as a JSON document, producing a "
       "VARIANT value."),
    _F("ROUND", ("NUMBER", "NUMBER"), "NUMBER", "Returns rounded values for the input expression.", ansi=True,
       optional=1),
    _F("SUM", ("NUMBER",), "NUMBER", "Returns the sum of non-NULL records for expr.", aggregate=True, ansi=True),
    _F("TO_DATE", ("VARCHAR",), "DATE", "Converts an input expression to a date."),
    _F("TO_VARCHAR", ("ANY",), "VARCHAR", "Converts the input expression to a string."),
    _F("TRIM", ("VARCHAR", "VARCHAR"), "VARCHAR", "Removes leading and trailing characters from a string.",
       ansi=True, optional=1),
    _F("UPPER", ("VARCHAR",), "VARCHAR", "Returns the input string with all characters converted to uppercase.",
       ansi=True),
)


def builtin_functions() -> tuple[BuiltinFunction, ...]:
    """The built-in functions SHOW FUNCTIONS lists: the provider to point at the engine's function table."""
    return _BUILTINS


DESCRIBE_CONTAINER_COLUMNS = ["created_on", "name", "kind"]


def describe_database(session: Session, name: ast.QualifiedName) -> Result:
    """DESCRIBE DATABASE d (https://docs.snowflake.com/en/sql-reference/sql/desc-database): `created_on`, `name`
    and `kind` (SCHEMA) of the schemas SHOW SCHEMAS IN DATABASE d lists, INFORMATION_SCHEMA included (created
    with its database, as the page's example shows), in name order (DECISIONS.md S43)."""
    if name.schema is not None:
        raise errors.does_not_exist("Database", ".".join(quote_ident(session.name(p)) for p in
                                                         (name.database, name.schema, name.name) if p is not None))
    schemas = show_schemas(session, ast.ShowSchemas(in_database=name.name))
    database = session.catalog.databases.get_database(session.name(name.name))
    made = database.created_on if database is not None else None
    rows = [(r[0] if r[1] != "INFORMATION_SCHEMA" else made, r[1], "SCHEMA") for r in schemas.rows]
    return from_rows(DESCRIBE_CONTAINER_COLUMNS, sorted(rows, key=lambda r: r[1]), ["TIMESTAMP_LTZ", "TEXT", "TEXT"])
