"""INSERT [OVERWRITE] ALL / FIRST (multi-table insert) as DuckDB statements run in one transaction.

https://docs.snowflake.com/en/sql-reference/sql/insert-multi-table: the subquery runs once (its rows are
kept in a temporary table, so every INTO sees the same rows); an unconditional ALL sends each row to every
INTO; a conditional ALL to the INTO clauses of every WHEN whose condition is TRUE, FIRST to those of the
first such WHEN only; ELSE takes the rows no WHEN took. A WHEN / VALUES expression names the subquery's
columns by alias (explicit or default) or position ($1). OVERWRITE empties each target table first.
Built from the translated statement (names already bound).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from snowreg.catalog.names import snowflake
from snowreg.errors import not_supported, syntax_error_detail

SOURCE = "snowreg_multi_insert_source"  # a temporary table of the session's DuckDB connection


@dataclass(frozen=True, slots=True)
class Plan:
    """The statements in order, and for each the count column its inserted rows add to (None: not counted)."""

    steps: tuple[exp.Expr, ...]
    labels: tuple[str | None, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The answer's columns: one per target table, in the order the statement first names them."""
        return tuple(dict.fromkeys(label for label in self.labels if label is not None))


def plan(stmt: exp.MultitableInserts, overwrite: bool) -> Plan:
    kept = exp.Table(this=exp.to_identifier(SOURCE), db=exp.to_identifier("temp"))
    source = stmt.args.get("source")
    if not isinstance(source, exp.Query):
        raise not_supported("A multi-table INSERT whose source is not a query")
    steps: list[exp.Expr] = [exp.Create(this=kept.copy(), kind="TABLE", replace=True, expression=source.copy(),
                                        properties=exp.Properties(expressions=[exp.TemporaryProperty()]))]
    labels: list[str | None] = [None]
    inserts = [(_insert(clause.this, kept, where), _label(clause.this)) for clause, where in _conditions(stmt)]
    if overwrite:
        targets = {t.sql(): t for t in (_table(clause.this) for clause in stmt.expressions)}
        steps.extend(exp.Delete(this=t.copy()) for t in targets.values())
        labels.extend(None for _ in targets)
    for insert, label in inserts:
        steps.append(insert)
        labels.append(label)
    return Plan(tuple(steps), tuple(labels))


def _conditions(stmt: exp.MultitableInserts) -> list[tuple[exp.ConditionalInsert, exp.Expr | None]]:
    """Each INTO clause with the condition its rows must meet (None: every row). An INTO without WHEN
    or ELSE of its own belongs to the clause before it (sqlglot lists each INTO separately)."""
    first = str(stmt.args.get("kind") or "ALL").upper() == "FIRST"
    if first and not any(c.args.get("expression") is not None or c.args.get("else_") for c in stmt.expressions):
        # "If the FIRST keyword is specified in an unconditional multi-table insert … a syntax error"
        raise syntax_error_detail("unexpected 'INTO': INSERT FIRST needs WHEN clauses")
    whens: list[exp.Expr] = []
    out: list[tuple[exp.ConditionalInsert, exp.Expr | None]] = []
    current: exp.Expr | None = None
    for clause in stmt.expressions:
        condition = clause.args.get("expression")
        if clause.args.get("else_"):
            current = _none_of(whens)
        elif condition is not None:
            holds = _true(condition)
            current = exp.and_(holds, _none_of(whens)) if first and whens else holds
            whens.append(condition)
        out.append((clause, current.copy() if current is not None else None))
    return out


def _true(condition: exp.Expr) -> exp.Expr:
    """TRUE only when the condition is TRUE (NULL is not)."""
    return exp.Coalesce(this=exp.Paren(this=condition.copy()), expressions=[exp.false()])


def _none_of(conditions: list[exp.Expr]) -> exp.Expr:
    if not conditions:
        return exp.true()
    return exp.and_(*(exp.Not(this=_true(c)) for c in conditions))


def _table(insert: exp.Insert) -> exp.Table:
    target = insert.this.this if isinstance(insert.this, exp.Schema) else insert.this
    if not isinstance(target, exp.Table):
        raise not_supported("A multi-table INSERT into something other than a table")
    return target


def _label(insert: exp.Insert) -> str:
    """The count column of a target table (conformance/DECISIONS.md P14)."""
    return f"number of rows inserted into {snowflake(_table(insert).name)}"


def _insert(insert: exp.Insert, kept: exp.Table, where: exp.Expr | None) -> exp.Insert:
    """`INTO t [(cols)] [VALUES (…)]` → `INSERT INTO t [(cols)] SELECT … FROM <kept rows> [WHERE …]`;
    a DEFAULT value leaves its column out, so the column takes its default."""
    target = insert.this
    columns = list(target.expressions) if isinstance(target, exp.Schema) else None
    values = insert.args.get("expression")
    items: list[exp.Expr] = [exp.Star()]
    if isinstance(values, exp.Values):
        row = values.expressions[0] if values.expressions else None
        items = list(row.expressions) if isinstance(row, exp.Tuple) else []
        default = [isinstance(i, exp.Var) and i.name.upper() == "DEFAULT" for i in items]
        if any(default):
            if columns is None or len(columns) != len(items):
                raise not_supported("DEFAULT in a multi-table INSERT without a column list")
            columns = [c for c, d in zip(columns, default, strict=True) if not d]
            items = [i for i, d in zip(items, default, strict=True) if not d]
            if not items:
                raise not_supported("A multi-table INSERT clause whose every value is DEFAULT")
    select = exp.select(*(i.copy() for i in items)).from_(kept.copy())
    if where is not None:
        select = select.where(where)
    table = _table(insert).copy()
    into: exp.Expr = exp.Schema(this=table, expressions=[c.copy() for c in columns]) if columns else table
    return exp.Insert(this=into, expression=select)
