"""DML and table DDL where Snowflake's SQL or answers differ from DuckDB's, rewritten before translation.

- MERGE: `UPDATE SET tgt.col = …` (DuckDB wants the bare column) and Snowflake's answer, one count
  column per kind of action the MERGE has (https://docs.snowflake.com/en/sql-reference/sql/merge).
- UPDATE answers "number of rows updated" and "number of multi-joined rows updated"
  (https://docs.snowflake.com/en/sql-reference/sql/update); DELETE and INSERT their one count.
- `CREATE TABLE t (c type, …) AS SELECT …`: the query's columns take the listed names and types
  (https://docs.snowflake.com/en/sql-reference/sql/create-table, CTAS).
- `CREATE TABLE t CLONE s`: a copy of s's columns and rows (no time travel, no shared storage).
- `ALTER TABLE t ADD COLUMN a int, b varchar`: one DuckDB ALTER per column.
"""

from __future__ import annotations

from sqlglot import exp

from snowreg.errors import not_supported

INSERTED, UPDATED, DELETED = "number of rows inserted", "number of rows updated", "number of rows deleted"
MULTI_JOINED = "number of multi-joined rows updated"

# DuckDB's merge_action → Snowflake's count column.
MERGE_ACTIONS = {"INSERT": INSERTED, "UPDATE": UPDATED, "DELETE": DELETED}


def counts(stmt: exp.Expr) -> tuple[str, ...]:
    """The count columns a DML statement answers with, in Snowflake's order."""
    if isinstance(stmt, exp.Insert):
        return (INSERTED,)
    if isinstance(stmt, exp.Update):
        return (UPDATED, MULTI_JOINED)
    if isinstance(stmt, exp.Delete):
        return (DELETED,)
    if isinstance(stmt, exp.Merge):
        whens = stmt.args.get("whens")
        kinds = {type(w.args.get("then")) for w in (whens.expressions if whens else [])}
        present = [(exp.Insert, INSERTED), (exp.Update, UPDATED), (exp.Delete, DELETED)]
        if any(isinstance(w.args.get("then"), exp.Var) and w.args["then"].name.upper() == "DELETE"
               for w in (whens.expressions if whens else [])):
            kinds.add(exp.Delete)
        return tuple(name for cls, name in present if cls in kinds)
    return ()


def merge(stmt: exp.Merge) -> None:
    """Bare SET targets, and RETURNING merge_action so the engine can count each kind of action."""
    whens = stmt.args.get("whens")
    for when in whens.expressions if whens else []:
        then = when.args.get("then")
        if isinstance(then, exp.Update):
            for assignment in then.expressions:
                target = assignment.this
                if isinstance(target, exp.Column) and target.table:
                    assignment.set("this", exp.column(target.this.copy()))
    stmt.set("returning", exp.Returning(expressions=[exp.column("merge_action")]))


def create(stmt: exp.Create) -> None:
    """CTAS with a column list, and CLONE, as plain CREATE TABLE … AS SELECT; COPY GRANTS is the
    engine's business (engine.access.privileges.record_tables), not DuckDB's."""
    properties = stmt.args.get("properties")
    if isinstance(properties, exp.Properties):
        properties.set("expressions", [p for p in properties.expressions
                                       if not isinstance(p, exp.CopyGrantsProperty)])
    clone = stmt.args.get("clone")
    if isinstance(clone, exp.Clone):
        if clone.args.get("shallow") or clone.args.get("copy") or clone.args.get("expression"):
            raise not_supported("CLONE with AT | BEFORE")
        stmt.set("clone", None)
        stmt.set("expression", exp.select("*").from_(clone.this.copy()))
        return
    schema, query = stmt.this, stmt.args.get("expression")
    if not isinstance(schema, exp.Schema) or query is None:
        return
    defs = [d for d in schema.expressions if isinstance(d, exp.ColumnDef)]
    if len(defs) != len(schema.expressions):
        return
    names = [d.this.copy() for d in defs]
    source = exp.Subquery(this=query.copy(), alias=exp.TableAlias(
        this=exp.to_identifier("snowreg_ctas"), columns=[n.copy() for n in names]))
    items = [exp.Alias(this=exp.Cast(this=exp.column(n.copy()), to=d.args["kind"].copy()) if d.args.get("kind")
                       else exp.column(n.copy()), alias=n.copy()) for n, d in zip(names, defs, strict=True)]
    stmt.set("this", schema.this)
    stmt.set("expression", exp.select(*items).from_(source))


def split_alter(stmt: exp.Alter) -> list[exp.Alter]:
    """`ALTER TABLE t ADD COLUMN a int, b varchar` → one ALTER per added column (DuckDB takes one)."""
    actions = stmt.args.get("actions") or []
    if len(actions) < 2 or not all(isinstance(a, exp.ColumnDef) for a in actions):
        return [stmt]
    out = []
    for action in actions:
        one = stmt.copy()
        one.set("actions", [action.copy()])
        out.append(one)
    return out
