"""VARCHAR(n) lengths DuckDB could not check when the column was made (or that changed): the table is rebuilt.

CREATE TABLE gives each VARCHAR(n) column a CHECK (engine.sql.ddl.length_checks), but DuckDB cannot add
a CHECK to an existing table (ALTER TABLE … ADD COLUMN c VARCHAR(2)) nor to CREATE TABLE … AS SELECT.
After such a statement the table is rebuilt in one DuckDB transaction: a copy is created from DuckDB's
own definition of the table plus the missing CHECKs, the rows are copied in their order, the old table
is dropped and the copy takes its name (comments go with it). ALTER COLUMN … SET DATA TYPE VARCHAR(m)
replaces the column's CHECK the same way (DuckDB cannot change a CHECK, nor a type under one). A row already too long fails the rebuild
with 100074, as Snowflake's CTAS does (https://docs.snowflake.com/en/sql-reference/data-types-text).
"""

from __future__ import annotations

import duckdb
import sqlglot
from sqlglot import exp

from snowreg.catalog.coltypes import TEXT_LENGTH
from snowreg.catalog.names import physical
from snowreg.catalog.store import quote
from snowreg.engine.session import Session
from snowreg.engine.sql import ddl

_COPY = "snowreg_rebuild"  # the copy's name while it is being filled (then renamed)


def unchecked(session: Session, database: str, schema: str, name: str) -> dict[str, int]:
    """The recorded VARCHAR(n) columns (by DuckDB name) whose length DuckDB does not check."""
    shape = session.catalog.tables.table_shape(database, schema, name)
    lengths = {physical(c): s.type.length for c, s in shape.columns.items()
               if s.type.kind == "TEXT" and s.type.length is not None and s.type.length < TEXT_LENGTH}
    if not lengths:
        return {}
    checked = session.duck.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? AND constraint_type = 'CHECK' AND contains(expression, ?)",
        [database, schema, physical(name), ddl.TOO_LONG_MARK]).fetchall()
    for (columns,) in checked:
        for column in columns or ():
            lengths.pop(column, None)
    return lengths


def rebuild(session: Session, database: str, schema: str, name: str, lengths: dict[str, int]) -> None:
    """Rebuild the table with a CHECK for each of `lengths` (replacing the column's old one; none for
    VARCHAR's maximum length); on failure nothing changed and the error
    (100074 for a value already too long) is raised."""
    duck = session.duck
    target = f"{quote(database)}.{quote(schema)}.{quote(physical(name))}"
    found = duck.execute("SELECT sql, comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
                         "AND table_name = ?", [database, schema, physical(name)]).fetchone()
    if found is None:
        return
    create = sqlglot.parse_one(str(found[0]), read="duckdb")
    if not isinstance(create, exp.Create) or not isinstance(create.this, exp.Schema):
        return
    create.this.set("this", exp.Table(this=exp.to_identifier(_COPY, quoted=True),
                                      db=exp.to_identifier(schema, quoted=True),
                                      catalog=exp.to_identifier(database, quoted=True)))
    create.this.set("expressions", [c for c in create.this.expressions if _checked_column(c) not in lengths])
    for column in create.this.expressions:
        if isinstance(column, exp.ColumnDef) and column.name in lengths and lengths[column.name] < TEXT_LENGTH:
            ddl.add_length_check(column, lengths[column.name])
    comments = duck.execute("SELECT column_name, comment FROM duckdb_columns() WHERE database_name = ? AND "
                            "schema_name = ? AND table_name = ? AND comment IS NOT NULL",
                            [database, schema, physical(name)]).fetchall()
    copy = f"{quote(database)}.{quote(schema)}.{quote(_COPY)}"
    steps = [create.sql(dialect="duckdb"), f"INSERT INTO {copy} SELECT * FROM {target} ORDER BY rowid",
             f"DROP TABLE {target}", f"ALTER TABLE {copy} RENAME TO {quote(physical(name))}"]
    duck.execute("BEGIN TRANSACTION")
    try:
        for step in steps:
            duck.execute(step)
        if found[1]:
            duck.execute(f"COMMENT ON TABLE {target} IS {_literal(str(found[1]))}")
        for column, text in comments:
            duck.execute(f"COMMENT ON COLUMN {target}.{quote(column)} IS {_literal(str(text))}")
    except duckdb.Error:
        duck.execute("ROLLBACK")
        raise
    duck.execute("COMMIT")
    session.catalog.store.relations_changed()


def _checked_column(item: exp.Expr) -> str | None:
    """The column whose length a CHECK of ddl.add_length_check limits (DuckDB writes it after the columns)."""
    if isinstance(item, exp.ColumnDef) or ddl.TOO_LONG_MARK not in item.sql(dialect="duckdb"):
        return None
    found = item.find(exp.Length)
    return found.this.name if found is not None and isinstance(found.this, exp.Column) else None


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
