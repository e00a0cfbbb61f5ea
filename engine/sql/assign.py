"""Values written into BOOLEAN, DATE, TIME, TIMESTAMP and VARIANT columns convert as Snowflake converts them.

INSERT, UPDATE and MERGE convert a value to its column's type as a cast would
(https://docs.snowflake.com/en/sql-reference/data-type-conversion: VARCHAR → BOOLEAN / DATE / TIME /
TIMESTAMP and NUMBER → TIMESTAMP are coercions): `'off'` is FALSE, `'03-Apr-2024'` a date (AUTO), 1700000000
a timestamp of that many seconds, text a BINARY as BINARY_INPUT_FORMAT says (HEX: `'0A1B'` is two bytes), and a
VARCHAR becomes a string VARIANT (`'{"a":1}'` stays a string: only
PARSE_JSON reads JSON). DuckDB's own assignment cast knows none of these (into its JSON it parses the text). So the engine, which
knows the target's column types, has the statement translated again with each value bound for such a
column wrapped in an explicit Snowflake cast, which the translation then handles like any other.
"""

from __future__ import annotations

import re

from sqlglot import exp

from snowreg.engine.session import Session

# DuckDB column type → the Snowflake type a value written into it is cast to.
_CASTS = {"BOOLEAN": "BOOLEAN", "DATE": "DATE", "TIME": "TIME", "TIMESTAMP": "TIMESTAMP_NTZ",
          "TIMESTAMP WITH TIME ZONE": "TIMESTAMP_LTZ", "VARIANT": "VARIANT", "BLOB": "BINARY"}

# Every column of the target, in order: its Snowflake name and the Snowflake type values are cast to
# (None: DuckDB's assignment is Snowflake's).
Columns = tuple[tuple[str, str | None], ...]


def columns(types: tuple[tuple[str, str], ...]) -> Columns:
    """The target's columns from their DuckDB types; () when no column needs a cast."""
    found = tuple((name, _CASTS.get(kind)) for name, kind in types)
    return found if any(cast for _, cast in found) else ()


def target(session: Session, database: str | None, schema: str | None, name: str) -> Columns:
    """The casts of a table's columns (() for a missing table, or one whose values need none)."""
    database, schema = database or session.database, schema or session.schema
    if database is None or schema is None or session.catalog.databases.relation_kind(database, schema, name) != "TABLE":
        return ()
    types = session.catalog.databases.column_types(database, schema, name)
    if any(kind == "JSON" for _, kind in types):
        shape = session.catalog.tables.table_shape(database, schema, name)
        types = tuple((column, "VARIANT" if kind == "JSON" and shape.column_type(column, kind).text == "VARIANT"
                       else kind) for column, kind in types)
    return columns(types)


_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_WRITE = re.compile(rf"\s*(?:INSERT\s+(?:OVERWRITE\s+)?INTO|UPDATE|MERGE\s+INTO)\s+({_PART}(?:\s*\.\s*{_PART}){{0,2}})",
                    re.I)


def early(session: Session, text: str) -> Columns:
    """The casts for the table an INSERT / UPDATE / MERGE text names right after its verb, read from the
    text so the statement is translated once (a name in another form is found after translating)."""
    m = _WRITE.match(text)
    if m is None:
        return ()
    parts = [p[1:-1].replace('""', '"') if p.startswith('"') else p.upper() for p in re.findall(_PART, m.group(1))]
    names: list[str | None] = [None] * (3 - len(parts)) + list(parts)
    return target(session, names[0], names[1], parts[-1])


def cast_values(stmt: exp.Expr, target: Columns) -> None:
    """Wrap each value an INSERT, UPDATE or MERGE writes into a cast column in that cast."""
    if isinstance(stmt, exp.Insert) and not isinstance(stmt, exp.MultitableInserts):
        named = stmt.this.expressions if isinstance(stmt.this, exp.Schema) else None
        _insert(stmt.expression, _casts(named, target))
    elif isinstance(stmt, exp.Update):
        _sets(stmt.expressions, target)
    elif isinstance(stmt, exp.Merge):
        whens = stmt.args.get("whens")
        for when in whens.expressions if whens else []:
            then = when.args.get("then")
            if isinstance(then, exp.Update):
                _sets(then.expressions, target)
            elif isinstance(then, exp.Insert) and isinstance(then.expression, exp.Tuple):
                named = then.this.expressions if isinstance(then.this, exp.Tuple) else None
                _values(then.expression.expressions, _casts(named, target))


def _name(node: exp.Expr) -> str:
    ident = node.this if isinstance(node, exp.Column) else node
    if isinstance(ident, exp.Identifier):
        return ident.this if ident.quoted else ident.this.upper()
    return node.name.upper()


def _casts(named: list[exp.Expr] | None, target: Columns) -> list[str | None]:
    """The cast of each written column: the listed ones by name, else all of the target's in order."""
    if named is None:
        return [cast for _, cast in target]
    by_name = dict(target)
    return [by_name.get(_name(n)) for n in named]


def _cast(value: exp.Expr, to: str | None) -> None:
    """Put `CAST(value AS to)` where the value stands (not for NULL or DEFAULT, nor without a cast)."""
    if to is None or isinstance(value, exp.Null) or (isinstance(value, exp.Var) and value.name.upper() == "DEFAULT"):
        return
    value.replace(exp.Cast(this=value.copy(), to=exp.DataType.build(to, dialect="snowflake")))


def _values(values: list[exp.Expr], casts: list[str | None]) -> None:
    if len(values) != len(casts):
        return  # DuckDB reports the count mismatch (002020)
    for value, to in zip(list(values), casts, strict=True):
        _cast(value, to)


def _insert(source: exp.Expr | None, casts: list[str | None]) -> None:
    """VALUES rows, or the items of a plain SELECT (a set operation or `*` keeps DuckDB's assignment)."""
    if isinstance(source, exp.Values):
        for row in source.expressions:
            if isinstance(row, exp.Tuple):
                _values(row.expressions, casts)
    elif isinstance(source, exp.Select) and not any(isinstance(i.unnest(), exp.Star) or isinstance(i, exp.Star)
                                                    for i in source.expressions):
        items = source.expressions
        if len(items) != len(casts):
            return
        for item, to in zip(list(items), casts, strict=True):
            _cast(item.this if isinstance(item, exp.Alias) else item, to)
    elif isinstance(source, exp.Subquery):
        _insert(source.this, casts)


def _sets(assignments: list[exp.Expr], target: Columns) -> None:
    by_name = dict(target)
    for item in assignments:
        if isinstance(item, exp.EQ) and isinstance(item.this, exp.Column):
            _cast(item.expression, by_name.get(_name(item.this)))
