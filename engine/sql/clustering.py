"""Clustering keys as CREATE TABLE … CLUSTER BY writes them and SHOW TABLES shows them.

https://docs.snowflake.com/en/user-guide/tables-clustering-keys: a key is a list of columns or expressions
of the table; SHOW TABLES' `cluster_by` shows it as `LINEAR(C1, C2)`. snowreg keeps the key (and whether
reclustering is suspended) and shows it; rows are stored as DuckDB stores them either way, which no query
answer depends on (conformance/DECISIONS.md S22).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlglot import exp

from snowreg.errors import invalid_identifier


def _column_name(column: exp.Column) -> str:
    ident = column.this
    if isinstance(ident, exp.Identifier):
        return ident.this if ident.quoted else ident.this.upper()
    return column.name.upper()


def key_text(expressions: Sequence[exp.Expr]) -> str:
    """`LINEAR(C1, C2)`: each column by its name as stored, each expression as Snowflake's SQL with its
    unquoted names upper-cased (UNCERTAIN for expressions, DECISIONS.md S22)."""
    parts = []
    for e in expressions:
        e = e.copy()
        for ident in e.find_all(exp.Identifier):
            if not ident.quoted:
                ident.set("this", ident.this.upper())
        if isinstance(e, exp.Column) and not e.table:
            parts.append(_column_name(e))
        else:
            parts.append(e.sql(dialect="snowflake"))
    return f"LINEAR({', '.join(parts)})"


def check_columns(expressions: Sequence[exp.Expr], columns: Iterable[str]) -> None:
    """Every column a key names must be one of the table's (000904 invalid identifier, as a query would say)."""
    known = set(columns)
    for e in expressions:
        for column in e.find_all(exp.Column):
            name = _column_name(column)
            if name not in known:
                quoted = isinstance(column.this, exp.Identifier) and column.this.quoted
                raise invalid_identifier(f'"{name}"' if quoted else name)


def take_key(stmt: exp.Create) -> list[exp.Expr] | None:
    """CREATE TABLE … CLUSTER BY (…): its expressions (None: no key)."""
    properties = stmt.args.get("properties")
    for p in properties.expressions if isinstance(properties, exp.Properties) else []:
        if isinstance(p, exp.ClusterProperty):
            return list(p.expressions)
    return None
