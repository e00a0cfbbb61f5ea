"""Plain SQL statements: translate Snowflake SQL to DuckDB, run it on the session's cursor, shape results."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import duckdb

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.result import Column, Result, duckdb_type, status
from snowreg.engine.session import Session
from snowreg.engine.sql import duckerrors, system, translate
from snowreg.grammar.text import LITERALS_AND_COMMENTS, literal

# What DML answers with, as Snowflake names the columns.
_DML_COLUMNS = {
    "insert": "number of rows inserted",
    "update": "number of rows updated",
    "delete": "number of rows deleted",
}


def run_sql(session: Session, sql: str, describe_only: bool = False) -> Result:
    tr = translate.translate(system.expand(session, substitute_variables(session, sql)))
    session.require_context(tr.tables)
    privileges.check_tables(session, tr.tables, tr.kind)
    temporary = tr.kind == "create_table" and _TEMPORARY.match(tr.sql) is not None
    if temporary:
        tr = dataclasses.replace(tr, sql=_TEMPORARY.sub(r"\1", tr.sql, count=1))
    existing = _existing_target(session, tr)
    result = run_translated(session, tr, describe_only)
    if existing is not None:  # CREATE … IF NOT EXISTS on an existing table changed nothing
        return result if describe_only else status(f"{existing} already exists, statement succeeded.")
    if not describe_only:
        privileges.record_tables(session, tr.tables, tr.kind)
        if temporary:
            ref = tr.tables[0]
            session.temporary_tables.add((ref.database or session.current_database(),
                                          ref.schema or session.schema or "PUBLIC", ref.name))
    return result


def _existing_target(session: Session, tr: translate.Translation) -> str | None:
    """The name of the table a `CREATE … IF NOT EXISTS` names when it already exists."""
    if tr.kind not in ("create_table", "create_view") or " IF NOT EXISTS " not in tr.sql[:60].upper():
        return None
    ref = tr.tables[0]
    database = ref.database or session.database
    schema = ref.schema or session.schema
    if database is None or schema is None:
        return None
    return ref.name if session.catalog.relation_kind(database, schema, ref.name) is not None else None


# DuckDB keeps temporary tables in its own `temp` catalog, where `db.schema.t` names cannot reach
# them; Snowflake's live in the schema. A temporary table is therefore an ordinary table of the
# schema that its session drops when it closes (other sessions can see it: a known difference).
_TEMPORARY = re.compile(r"^(CREATE (?:OR REPLACE )?)TEMPORARY ", re.I)


def run_translated(session: Session, tr: translate.Translation, describe_only: bool = False) -> Result:
    duck = session.duck
    sync_context(session, tr)
    try:
        if describe_only:
            return _describe(duck, tr)
        duck.execute(tr.sql)
        rows = duck.fetchall()
        description = duck.description
    except duckdb.Error as e:
        raise duckerrors.translate(e, session.database, session.schema) from None
    if not tr.returns_rows:
        return _status_result(tr, rows)
    return shape(rows, [(d[0], str(d[1])) for d in description or ()])


def sync_context(session: Session, tr: translate.Translation) -> None:
    """Hand DuckDB the session's context; INFORMATION_SCHEMA views also get the rows the role may see."""
    session.sync_duckdb_variables({})
    if any(t.schema == "INFORMATION_SCHEMA" for t in tr.tables):
        session.expose_information(privileges.visible_model_ids(session))
    else:
        session.expose_information([])


def _describe(duck: duckdb.DuckDBPyConnection, tr: translate.Translation) -> Result:
    if not tr.returns_rows:
        return status()
    rel = duck.sql(tr.sql)
    assert rel is not None
    return shape([], list(zip(rel.columns, [str(t) for t in rel.types], strict=True)))


def _status_result(tr: translate.Translation, rows: list[tuple[Any, ...]]) -> Result:
    count = int(rows[0][0]) if rows and rows[0] and isinstance(rows[0][0], int) else 0
    name = _DML_COLUMNS.get(tr.kind)
    if name is not None:
        result = Result([Column(name, "FIXED", 38, 0, False)], [(count,)])
        result.rowcount = count
        return result
    if tr.kind in ("create_table", "create_view") and tr.tables:
        kind = "Table" if tr.kind == "create_table" else "View"
        return status(f"{kind} {tr.tables[0].name} successfully created.")
    return status()


def shape(rows: list[tuple[Any, ...]], columns: list[tuple[str, str]]) -> Result:
    """Rows from DuckDB with Snowflake column metadata; VARIANT values become the connector's JSON text."""
    cols = []
    json_positions = []
    for i, (name, type_name) in enumerate(columns):
        kind, precision, scale = duckdb_type(type_name)
        cols.append(Column(name, kind, precision, scale, True, 16777216 if kind == "TEXT" else None))
        if kind in ("VARIANT", "OBJECT", "ARRAY") or (kind == "FIXED" and scale == 0):
            json_positions.append((i, type_name.upper() == "JSON"))
    if json_positions and rows:
        from snowreg.engine.sql.variant import to_snowflake_column

        columns_out = [list(c) for c in zip(*rows, strict=True)]
        for i, _ in json_positions:
            columns_out[i] = to_snowflake_column(columns_out[i], columns[i][1])
        rows = list(zip(*columns_out, strict=True))
    return Result(cols, rows)


_VARIABLE = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")  # not the `$` of `SYSTEM$GET_TAG`


def substitute_variables(session: Session, sql: str) -> str:
    """Session variables (`$name`) become literals; `$1` column positions and `$$` strings stay."""
    if "$" not in sql:
        return sql
    out, pos = [], 0
    for skip in LITERALS_AND_COMMENTS.finditer(sql):
        out.append(_VARIABLE.sub(lambda m: _variable_literal(session, m.group(1)), sql[pos:skip.start()]))
        out.append(skip.group(0))
        pos = skip.end()
    out.append(_VARIABLE.sub(lambda m: _variable_literal(session, m.group(1)), sql[pos:]))
    return "".join(out)




def _variable_literal(session: Session, name: str) -> str:
    key = name.upper()
    if key not in session.variables:
        raise errors.compilation_error(f"Session variable '${key}' does not exist", 2211, "02000")
    return literal(session.variables[key])


def evaluate_scalars(session: Session, exprs: list[str]) -> list[Any]:
    """Values of Snowflake expressions (SET var = expr)."""
    result = run_sql(session, "SELECT " + ", ".join(f"({e})" for e in exprs))
    if not result.rows:
        raise errors.compilation_error("SET: the expression returned no row.", 2000, "42601")
    return list(result.rows[0])
