"""GET_DDL: the CREATE statement that recreates a table, view, sequence, function, schema or database.

https://docs.snowflake.com/en/sql-reference/functions/get_ddl. The layout follows the page's examples
and Snowflake's own output (`create or replace TABLE T (` + one tab-indented column a line + `);`); what
neither shows is recorded in conformance/DECISIONS.md (L1). An object the session's roles cannot see is
reported as missing, as DESCRIBE reports it; a schema's or database's text holds only what they see.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from snowreg import errors
from snowreg.catalog.relations import RelationRow, SequenceRow, list_keys, list_relations, list_sequences
from snowreg.catalog.udfs import FunctionRow
from snowreg.engine import secure_views, show_objects, streams
from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.engine.streams import Stream
from snowreg.grammar import ast
from snowreg.grammar.text import LITERALS_AND_COMMENTS, quote_ident

# object_type values the page lists that snowreg has no such object of (or does not render).
_UNEMULATED = frozenset("""ALERT CONTACT CORTEX_AGENT DYNAMIC_TABLE EVENT_TABLE FILE_FORMAT ICEBERG_TABLE
    INTEGRATION PIPE POLICY TAG WAREHOUSE AGENT""".split()) | {"SEMANTIC VIEW"}
_AS = re.compile(r"\bAS\b", re.I)


def object_ddl(session: Session, kind: str, name: ast.QualifiedName, arg_types: tuple[str, ...] | None,
               qualified: bool) -> str:
    """GET_DDL(kind, name [, qualified]); `arg_types` are a FUNCTION's or PROCEDURE's argument types."""
    kind = " ".join(kind.upper().split())
    if kind in ("TABLE", "VIEW"):  # interchangeable (the page's usage notes)
        return _relation(session, show_objects.one_relation(session, name, kind.title()), 3 if qualified else 1)
    if kind == "SEQUENCE":
        return _sequence(session, name, 3 if qualified else 1)
    if kind == "STREAM":
        return _stream_text(streams.visible(session, *session.qualify(name)), 3 if qualified else 1)
    if kind in ("FUNCTION", "PROCEDURE"):
        return _function(session, name, arg_types or (), 3 if qualified else 1, kind)
    if kind == "SCHEMA":
        db, schema = session.qualify_schema(ast.QualifiedName(name.name, name.schema))
        return _schema(session, db, schema, qualified)
    if kind == "DATABASE":
        return _database(session, session.name(name.name), qualified)
    if kind == "TASK":
        from snowreg.engine import tasks

        return tasks.ddl(session, name, 3 if qualified else 1, _text)
    if kind in _UNEMULATED:
        raise errors.not_supported(f"GET_DDL of a {kind}")
    raise errors.compilation_error(f"Invalid object type '{kind}' for GET_DDL.")


def _name(parts: Iterable[str], shown: int) -> str:
    """The last `shown` parts of a name (3: fully qualified, as TRUE asks; 2 inside a database's text)."""
    return ".".join(quote_ident(p) for p in list(parts)[-shown:])


def _text(value: str) -> str:
    """A string literal as GET_DDL writes one: `'` and `\\` escaped with a backslash."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# ---------------------------------------------------------------------------------------------
# Tables and views
# ---------------------------------------------------------------------------------------------


def _relation(session: Session, r: RelationRow, shown: int) -> str:
    if r.kind == "VIEW" and not secure_views.text_shown(session, r):  # as a secure function's (DECISIONS.md S65)
        raise errors.does_not_exist("View", ".".join(quote_ident(p) for p in (r.database_name, r.schema_name, r.name)))
    return _view(session, r, shown) if r.kind == "VIEW" else _table(session, r, shown)


def _table(session: Session, r: RelationRow, shown: int) -> str:
    kind = session.catalog.tables.table_shape(r.database_name, r.schema_name, r.name).kind
    head = f"create or replace {kind + ' ' if kind in ('TRANSIENT', 'TEMPORARY') else ''}TABLE " \
           + _name((r.database_name, r.schema_name, r.name), shown) + " ("
    lines = []
    for column, t in show_objects.column_types(session, r):
        line = f"{quote_ident(column.name)} {t.text}" + ("" if column.nullable else " NOT NULL")
        default, identity = show_objects.column_default(session, r, column)
        if identity is not None:
            line += f" autoincrement {identity}"
        elif default is not None:
            line += f" DEFAULT {default}"
        if column.comment:
            line += f" COMMENT {_text(column.comment)}"
        lines.append(line)
    lines.extend(_keys(session, r))
    key = session.catalog.tables.clustering(r.database_name, r.schema_name, r.name)
    clustered = f"cluster by {key.key.removeprefix('LINEAR')}\n" if key else ""  # UNCERTAIN layout (DECISIONS.md S22)
    tail = ")" + clustered + (f"COMMENT={_text(r.comment)}\n" if r.comment else "") + ";"
    return head + "\n" + ",\n".join("\t" + line for line in lines) + "\n" + tail


_KEY_WORDS = {"PRIMARY KEY": "primary key", "UNIQUE": "unique", "FOREIGN KEY": "foreign key"}


def _keys(session: Session, r: RelationRow) -> list[str]:
    """Out-of-line constraints after the columns (the page's hybrid-table example: `primary key (ID)`); a
    name the statement gave is kept (`constraint PK primary key (ID)`)."""
    out = []
    for key in list_keys(session.catalog.store, r.database_name, r.schema_name, r.name):
        text = f"{_KEY_WORDS[key.kind]} (" + ", ".join(quote_ident(c) for c in key.columns) + ")"
        if key.kind == "FOREIGN KEY":
            if key.references is None:
                continue
            text += " references " + ".".join(quote_ident(p) for p in key.references) \
                + "(" + ", ".join(quote_ident(c) for c in key.ref_columns) + ")"
        if key.name and not key.name.startswith("SYS_CONSTRAINT_"):
            text = f"constraint {quote_ident(key.name)} {text}"
        out.append(text)
    return out


def _view(session: Session, r: RelationRow, shown: int) -> str:
    """`create or replace view V(\\n\\tA,\\n\\tB\\n) as <query>;`: lower case, with OR REPLACE and the column
    list, the query as the CREATE VIEW statement wrote it (the page's usage notes for views)."""
    written = session.catalog.tables.view_text(r.database_name, r.schema_name, r.name)
    body = view_query(written) if written is not None else None
    if body is None:
        raise errors.not_supported("GET_DDL of a view made by an earlier snowreg (its statement was not kept)")
    columns = [quote_ident(c.name) + (f" COMMENT {_text(c.comment)}" if c.comment else "")
               for c, _ in show_objects.column_types(session, r)]
    comment = f" COMMENT={_text(r.comment)}" if r.comment else ""
    tables = session.catalog.tables
    kind = "secure view" if secure_views.is_secure(session, r.database_name, r.schema_name, r.name) else "view"
    if tables.materialized(r.database_name, r.schema_name, r.name) is not None:  # DECISIONS.md Q13
        kind = kind.replace("view", "materialized view")  # `secure materialized view` for a secure one
        key = tables.clustering(r.database_name, r.schema_name, r.name)
        comment += f" cluster by ({key.key[len('LINEAR('):-1]})" if key is not None else ""
    return (f"create or replace {kind} " + _name((r.database_name, r.schema_name, r.name), shown) + "(\n"
            + ",\n".join("\t" + c for c in columns) + f"\n){comment} as {body};")


def view_query(statement: str) -> str | None:
    """The query of a CREATE VIEW statement: what follows its first AS outside literals and parentheses."""
    depth, pos = 0, 0
    while pos < len(statement):
        skip = LITERALS_AND_COMMENTS.match(statement, pos)
        if skip is not None:
            pos = skip.end()
            continue
        depth += {"(": 1, ")": -1}.get(statement[pos], 0)
        if depth == 0 and _AS.match(statement, pos) and (pos == 0 or not _word(statement[pos - 1])):
            return statement[pos + 2:].strip().rstrip(";").rstrip() or None
        pos += 1
    return None


def _word(ch: str) -> bool:
    return ch.isalnum() or ch in "_$\""


# ---------------------------------------------------------------------------------------------
# Sequences and functions
# ---------------------------------------------------------------------------------------------


def _sequence(session: Session, name: ast.QualifiedName, shown: int) -> str:
    db, schema, seq = session.qualify(name)
    if privileges.can_use_sequence(session, db, schema, seq):  # a privilege on it, in a usable schema
        for q in list_sequences(session.catalog.store):
            if (q.database_name, q.schema_name, q.name) == (db, schema, seq):
                return _sequence_text(q, shown)
    raise errors.does_not_exist("Sequence", ".".join(quote_ident(p) for p in (db, schema, seq)))


def _sequence_text(q: SequenceRow, shown: int) -> str:
    comment = f" comment={_text(q.comment)}" if q.comment else ""
    return (f"create or replace sequence {_name((q.database_name, q.schema_name, q.name), shown)} "
            f"start with {q.start} increment by {q.increment} noorder{comment};")


def _stream_text(stream: Stream, shown: int) -> str:
    """`create or replace stream S on table DB.S.T[ append_only = true][ show_initial_rows = true][ comment='…'];`
    (the layout is UNCERTAIN: DECISIONS.md W30). The table is named in full: the stream may be in another schema."""
    options = (" append_only = true" if stream.append_only else "") \
        + (" show_initial_rows = true" if stream.show_initial_rows else "") \
        + (f" comment={_text(stream.comment)}" if stream.comment else "")
    return (f"create or replace stream {_name((stream.database, stream.schema, stream.name), shown)} on table "
            f"{_name(stream.source, 3)}{options};")


def _function(session: Session, name: ast.QualifiedName, types: tuple[str, ...], shown: int,
              kind: str = "FUNCTION") -> str:
    from snowreg.engine import routines  # user functions load with the first statement about one
    from snowreg.grammar.ast.functions import FunctionSignature

    of = routines.PROCEDURE if kind == "PROCEDURE" else routines.FUNCTION
    key, row = routines.find(session, of, FunctionSignature(name, types))
    if row is None:
        raise routines.missing(of, key)
    routines.check(session, of, row, "see")
    if row.secure and row.owner not in privileges.access(session).roles:  # the page: the owner's only
        raise routines.missing(of, key)
    return _function_text(row, routines.returns_text(row), shown, kind)


def _function_text(row: FunctionRow, returns: str, shown: int, kind: str = "FUNCTION") -> str:
    """The page's UDF example: `CREATE OR REPLACE FUNCTION "MULTIPLY"(...)` and one clause a line; a
    procedure's (its stproc example) says EXECUTE AS before its body."""
    from snowreg.engine.sql import udf_calls

    spec = row.spec
    args = ", ".join(f'"{a[0]}" {udf_calls.family(a[1]) or a[1]}' + (f" DEFAULT {a[2]}" if a[2] is not None else "")
                     for a in spec["args"])
    named = '"' + row.name.replace('"', '""') + '"' if shown == 1 else \
        _name((row.database_name, row.schema_name, row.name), shown)
    lines = [f"CREATE OR REPLACE {'SECURE ' if row.secure else ''}{kind} {named}({args})", f"RETURNS {returns}",
             f"LANGUAGE {spec.get('language', 'SQL')}"]
    py = spec.get("python")
    if py:  # the Python properties, and the code between $$ as CREATE FUNCTION's examples write it
        if py["strict"]:
            lines.append("RETURNS NULL ON NULL INPUT")
        lines.append(f"RUNTIME_VERSION = '{py['runtime']}'")
        if py["packages"]:
            lines.append("PACKAGES = (" + ",".join(_text(p) for p in py["packages"]) + ")")
        lines.append(f"HANDLER = {_text(py['handler'])}")
    if spec["volatility"] == "IMMUTABLE":
        lines.append("IMMUTABLE")
    if spec.get("memoizable"):
        lines.append("MEMOIZABLE")
    if row.comment:
        lines.append(f"COMMENT={_text(row.comment)}")
    if kind == "PROCEDURE":
        lines.append(f"EXECUTE AS {spec['execute_as']}")
    lines.append(f"AS $${spec['body']}$$;" if py and "$$" not in spec["body"] else
                 "AS '" + str(spec["body"]).replace("'", "''") + "';")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Schemas and databases: every object the roles see, after the container's own statement
# ---------------------------------------------------------------------------------------------


def _schema(session: Session, db: str, schema: str, qualified: bool) -> str:
    row = session.catalog.databases.get_schema(db, schema)
    if row is None or not privileges.can_see_schema(session, db, schema):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    return "\n\n".join(_schema_statements(session, db, schema, 3 if qualified else 1, 2 if qualified else 1)) + "\n"


def _schema_statements(session: Session, db: str, schema: str, shown: int, schema_shown: int) -> list[str]:
    row = session.catalog.databases.get_schema(db, schema)
    assert row is not None
    managed = " with managed access" if session.catalog.databases.schema_managed_access(db, schema) else ""
    comment = f" comment={_text(row.comment)}" if row.comment else ""
    out = [f"create or replace schema {_name((db, schema), schema_shown)}{managed}{comment};"]
    out += [_sequence_text(q, shown) for q in list_sequences(session.catalog.store)
            if (q.database_name, q.schema_name) == (db, schema) and privileges.can_use_sequence(session, db, schema,
                                                                                                 q.name)]
    relations = [r for r in list_relations(session.catalog.store, db, schema)
                 if privileges.can_see_table(session, db, schema, r.name, r.owner)]
    out += [_table(session, r, shown) for r in relations if r.kind == "TABLE"]
    out += [_view(session, r, shown) for r in relations if r.kind == "VIEW" and secure_views.text_shown(session, r)]
    out += _streams(session, db, schema, shown)
    out += _functions(session, db, schema, shown)
    out += _functions(session, db, schema, shown, "PROCEDURE")  # recursive: "all supported objects" (the page)
    return out


def _streams(session: Session, db: str, schema: str, shown: int) -> list[str]:
    """The schema's streams the roles hold a privilege on, after the tables they read."""
    return [_stream_text(s, shown) for s in streams.all_streams(session)
            if (s.database, s.schema) == (db, schema) and streams.held(session, s)]


def _functions(session: Session, db: str, schema: str, shown: int, kind: str = "FUNCTION") -> list[str]:
    """The schema's functions (or procedures) the roles hold a privilege on; a secure one its owner's only."""
    part = session.catalog.procedures if kind == "PROCEDURE" else session.catalog.udfs
    if not part.any_defined():
        return []
    from snowreg.engine import routines

    a = privileges.access(session)
    out = []
    for row in part.listed(db, schema):
        if session.catalog.others_temporary_routine(session.id, row, kind):
            continue
        held = a.held((kind, row.database_name, row.schema_name, row.signature_name), row.owner)
        if held and (not row.secure or "OWNERSHIP" in held):
            out.append(_function_text(row, routines.returns_text(row), shown, kind))
    return out


def _database(session: Session, db: str, qualified: bool) -> str:
    row = session.catalog.databases.get_database(db)
    if row is None or not privileges.can_see_database(session, db):
        raise errors.does_not_exist("Database", quote_ident(db))
    comment = f" comment={_text(row.comment)}" if row.comment else ""
    out = [f"create or replace database {quote_ident(db)}{comment};"]
    for schema in session.catalog.databases.list_schemas(db):
        if schema.name != "INFORMATION_SCHEMA" and privileges.can_see_schema(session, db, schema.name):
            out += _schema_statements(session, db, schema.name, 3 if qualified else 2, 2 if qualified else 1)
    return "\n\n".join(out) + "\n"
