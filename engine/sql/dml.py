"""DML and table DDL where Snowflake's SQL or answers differ from DuckDB's, rewritten before translation.

- MERGE: `UPDATE SET tgt.col = …` (DuckDB wants the bare column) and Snowflake's answer, one count
  column per kind of action the MERGE has (https://docs.snowflake.com/en/sql-reference/sql/merge).
- INSERT OVERWRITE empties its table first, in the same transaction.
- UPDATE answers "number of rows updated" and "number of multi-joined rows updated"
  (https://docs.snowflake.com/en/sql-reference/sql/update); DELETE and INSERT their one count.
- `CREATE TABLE t (c type, …) AS SELECT …`: the query's columns take the listed names and types
  (https://docs.snowflake.com/en/sql-reference/sql/create-table, CTAS).
- `CREATE TABLE t CLONE s`: a copy of s's columns and rows (no time travel, no shared storage).
- `ALTER TABLE t ADD COLUMN a int, b varchar`: one DuckDB ALTER per column.
- Comments on tables and views: `COMMENT ON TABLE t IS '…'`, `ALTER TABLE t SET COMMENT = '…'` and
  `CREATE TABLE … COMMENT = '…'` become DuckDB's COMMENT ON, read back by SHOW and INFORMATION_SCHEMA
  (https://docs.snowflake.com/en/sql-reference/sql/comment).
"""

from __future__ import annotations

from sqlglot import exp

from snowreg import error_catalog
from snowreg.catalog.names import physical
from snowreg.engine.sql import bind
from snowreg.engine.sql.renames import SWAP_NAME
from snowreg.engine.sql.translation import CURRENT_DATABASE, CURRENT_SCHEMA, IDENTITY_MARK
from snowreg.errors import not_supported

INSERTED, UPDATED, DELETED = "number of rows inserted", "number of rows updated", "number of rows deleted"
MULTI_JOINED = "number of multi-joined rows updated"

# DuckDB's merge_action → Snowflake's count column.
MERGE_ACTIONS = {"INSERT": INSERTED, "UPDATE": UPDATED, "DELETE": DELETED}


def action(then: exp.Expr | None) -> str | None:
    """What a MERGE clause does: INSERT, UPDATE or DELETE (also after `merge` rewrote ALL BY NAME)."""
    if isinstance(then, exp.Insert):
        return "INSERT"
    if isinstance(then, exp.Update):
        return "UPDATE"
    if isinstance(then, exp.Var):
        return then.name.upper().split()[0]
    return None


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
        kinds = {action(w.args.get("then")) for w in (whens.expressions if whens else [])}
        return tuple(name for kind, name in MERGE_ACTIONS.items() if kind in kinds)
    return ()


def merge(stmt: exp.Merge, sql: str) -> None:
    """Bare SET targets; `UPDATE ALL BY NAME` / `INSERT ALL BY NAME` (each column from the source column of
    the same name, https://docs.snowflake.com/en/sql-reference/sql/merge) as DuckDB's BY NAME, which
    sqlglot would write as the positional `SET *` / `INSERT *`; an unconditional clause followed by another
    of its kind as one whose condition is TRUE; and RETURNING merge_action so the engine can count each kind
    of action."""
    whens = stmt.args.get("whens")
    clauses = whens.expressions if whens else []
    for i, when in enumerate(clauses):
        if when.args.get("condition") is None and any(w.args.get("matched") == when.args.get("matched")
                                                      for w in clauses[i + 1:]):
            when.set("condition", exp.true())  # a clause after it never acts; DuckDB refuses one (DECISIONS.md M22)
        then = when.args.get("then")
        if isinstance(then, exp.Update) and [type(e) for e in then.expressions] == [exp.Star]:
            when.set("then", exp.Var(this="UPDATE BY NAME"))
        elif isinstance(then, exp.Insert) and isinstance(then.this, exp.Star):
            when.set("then", exp.Var(this="INSERT BY NAME"))
        elif isinstance(then, exp.Update):
            update_defaults(then)  # `SET c = DEFAULT` as in UPDATE (DECISIONS.md H1)
            bare_targets(then.expressions, stmt.this, sql)
        elif isinstance(then, exp.Insert) and isinstance(then.this, exp.Tuple):  # `INSERT (pt.id, …)`: M26
            then.this.set("expressions", [_bare(c, stmt.this, sql) if isinstance(c, exp.Column) else c
                                          for c in then.this.expressions])
    stmt.set("returning", exp.Returning(expressions=[exp.column("merge_action")]))


OVERWRITE_SOURCE = "snowreg_overwrite_source"  # a temporary table of the session's DuckDB connection


def overwrite(stmt: exp.Insert) -> list[exp.Expr]:
    """`INSERT OVERWRITE INTO t …`: the statements that run before the INSERT, in the same transaction
    (https://docs.snowflake.com/en/sql-reference/sql/insert, OVERWRITE: "the target table should be
    truncated before inserting"; it is DML, so it stays inside an open transaction): a query's rows are
    kept first (it reads the table as it was), then the table is emptied. The INSERT loses its flag and
    reads the kept rows."""
    stmt.set("overwrite", None)
    target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    empty = exp.Delete(this=target.copy())
    query = stmt.args.get("expression")
    if query is None or isinstance(query, exp.Values):
        return [empty]
    kept = exp.Table(this=exp.to_identifier(OVERWRITE_SOURCE), db=exp.to_identifier("temp"))
    keep = exp.Create(this=kept.copy(), kind="TABLE", replace=True, expression=query.copy(),
                      properties=exp.Properties(expressions=[exp.TemporaryProperty()]))
    stmt.set("expression", exp.select("*").from_(kept))
    return [keep, empty]


def create(stmt: exp.Create) -> None:
    """CTAS with a column list, and CLONE, as plain CREATE TABLE … AS SELECT; COPY GRANTS is the
    engine's business (engine.access.privileges.record_tables), not DuckDB's."""
    properties = stmt.args.get("properties")
    if isinstance(properties, exp.Properties):
        properties.set("expressions", [p for p in properties.expressions
                                       if not isinstance(p, exp.CopyGrantsProperty)])
        for p in properties.expressions:
            if isinstance(p, exp.SequenceProperties):
                _sequence(p)
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


def update_defaults(stmt: exp.Update) -> None:
    """`UPDATE t SET c = DEFAULT` (and MERGE's `UPDATE SET c = DEFAULT`): the bare word DEFAULT as a whole SET value is the column's default (NULL
    without one, as INSERT's DEFAULT), not a column named DEFAULT (conformance/DECISIONS.md H1)."""
    for item in stmt.expressions:
        value = item.expression if isinstance(item, exp.EQ) else None
        if isinstance(value, exp.Column) and not value.args.get("table") and isinstance(value.this, exp.Identifier) \
                and not value.this.quoted and value.name.upper() == "DEFAULT":
            value.replace(exp.Var(this="DEFAULT"))


def update_targets(stmt: exp.Update, sql: str) -> None:
    """`UPDATE t1 SET t1.c = …`: a SET target qualified by the updated table's name (or its alias, when it
    has one) is that table's column, as the UPDATE page's own example writes it
    (https://docs.snowflake.com/en/sql-reference/sql/update); DuckDB takes only the bare name."""
    bare_targets(stmt.expressions, stmt.this, sql)


def bare_targets(assignments: list[exp.Expr], target: exp.Expr, sql: str) -> None:
    """SET targets (of UPDATE or MERGE's UPDATE) as bare column names; a qualifier naming another table
    than the target is 000904 for the qualified name (the docs give no text)."""
    for item in assignments:
        column = item.this if isinstance(item, exp.EQ) else None
        if isinstance(column, exp.Column) and column.table:
            item.set("this", _bare(column, target, sql))


def _bare(column: exp.Column, target: exp.Expr, sql: str) -> exp.Column:
    """A column qualified by the target (its alias, when it has one) as its bare name; another qualifier is
    000904 for the qualified name."""
    if not isinstance(target, exp.Table) or not column.table:
        return column
    if _name(column.args["table"]) != _name(target.args["alias"].this if target.alias else target.this):
        start = column.args["table"].meta.get("start")
        raise bind.invalid_identifier(".".join(_name(p) for p in column.parts), sql, start)
    return exp.column(column.this.copy())


def _name(ident: exp.Expr) -> str:
    """An identifier as Snowflake resolves it: quoted as written, unquoted upper-cased."""
    return ident.name if isinstance(ident, exp.Identifier) and ident.quoted else ident.name.upper()


def alter_comment(stmt: exp.Expr) -> exp.Expr:
    """`ALTER TABLE | VIEW t SET COMMENT = '…'` → `COMMENT ON TABLE | VIEW t IS '…'`, UNSET COMMENT → `IS NULL`
    (any other statement as is)."""
    actions = stmt.args.get("actions") or [] if isinstance(stmt, exp.Alter) else []
    kind = str(stmt.args.get("kind") or "TABLE").upper()
    if len(actions) == 1 and isinstance(actions[0], exp.Set) and actions[0].args.get("unset") \
            and [e.name.upper() for e in actions[0].expressions] == ["COMMENT"]:  # UNSET COMMENT: no comment
        return exp.Comment(this=stmt.this, kind=kind, expression=exp.Null(), exists=stmt.args.get("exists"))
    if len(actions) != 1 or not isinstance(actions[0], exp.AlterSet):
        return stmt
    properties = [p for e in actions[0].expressions if isinstance(e, exp.Properties) for p in e.expressions]
    if len(properties) != 1 or not isinstance(properties[0], exp.SchemaCommentProperty):
        return stmt
    return exp.Comment(this=stmt.this, kind=kind, expression=properties[0].this, exists=stmt.args.get("exists"))


def column_comment(stmt: exp.Expr) -> exp.Expr:
    """`COMMENT [IF EXISTS] ON COLUMN t.c IS '…'` → `ALTER TABLE [IF EXISTS] t ALTER COLUMN c COMMENT '…'`, so
    it is checked and run as that statement (https://docs.snowflake.com/en/sql-reference/sql/comment)."""
    if not isinstance(stmt, exp.Comment) or str(stmt.args.get("kind") or "").upper() != "COLUMN" \
            or not isinstance(stmt.this, exp.Column) or not stmt.this.table:
        return stmt
    column = stmt.this
    table = exp.Table(this=column.args["table"].copy(), db=column.args["db"].copy() if column.args.get("db") else None,
                      catalog=column.args["catalog"].copy() if column.args.get("catalog") else None)
    action = exp.AlterColumn(this=column.this.copy(), comment=stmt.expression.copy())
    return exp.Alter(this=table, kind="TABLE", actions=[action], exists=bool(stmt.args.get("exists")))


def create_comment(stmt: exp.Create) -> exp.Expr | None:
    """The `COMMENT = '…'` of CREATE TABLE | VIEW, as a literal (taken before the property is dropped)."""
    properties = stmt.args.get("properties")
    found = [p.this for p in properties.expressions if isinstance(p, exp.SchemaCommentProperty)] \
        if isinstance(properties, exp.Properties) else []
    return found[0].copy() if found else None


def column_comments(stmt: exp.Create) -> list[tuple[exp.Identifier, exp.Expr]]:
    """CREATE TABLE's `c type COMMENT 'x'` (CREATE VIEW's `(c COMMENT 'x', …)`), each column by its DuckDB name (read before translation: the
    COMMENT leaves the column, and a CTAS column list leaves the statement)."""
    schema = stmt.this
    if str(stmt.args.get("kind") or "").upper() not in ("TABLE", "VIEW") or not isinstance(schema, exp.Schema):
        return []
    return _comments_of(schema.expressions)


def comment_columns(stmt: exp.Create, found: list[tuple[exp.Identifier, exp.Expr]]) -> list[exp.Expr]:
    """`COMMENT ON COLUMN <table>.<c> IS 'x'` for each column comment, built from the translated CREATE
    (DESCRIBE TABLE, SHOW COLUMNS and INFORMATION_SCHEMA.COLUMNS read them back)."""
    table = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    if not isinstance(table, exp.Table):
        return []
    return [exp.Comment(this=exp.Column(this=column.copy(), table=table.this.copy(),
                                        db=table.args["db"].copy() if table.args.get("db") else None,
                                        catalog=table.args["catalog"].copy() if table.args.get("catalog") else None),
                        kind="COLUMN", expression=text) for column, text in found]


def comment_on(stmt: exp.Create, text: exp.Expr) -> exp.Comment:
    """`COMMENT ON TABLE | VIEW <the created object> IS <text>`, built from the translated CREATE."""
    target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    return exp.Comment(this=target.copy(), kind=str(stmt.args.get("kind") or "TABLE").upper(), expression=text)


def split_alter(stmt: exp.Alter) -> list[exp.Expr]:
    """`ALTER TABLE t ADD COLUMN a int, b varchar` → one ALTER per added or altered column (DuckDB takes
    one); an ALTER left without actions (its keys are recorded, engine.sql.ddl) → a statement that does nothing."""
    actions = [one for a in stmt.args.get("actions") or [] for one in _each_column(a)]
    if len(actions) == 1 and isinstance(actions[0], exp.SwapTable):
        return swap(stmt, actions[0])
    if not actions:
        return [exp.select(exp.Null()).where(exp.false())]
    if len(actions) < 2 or not all(isinstance(a, exp.ColumnDef | exp.AlterColumn | exp.Drop) for a in actions):
        stmt.set("actions", actions)
        return [_column_comment(stmt, actions[0]) or stmt] if len(actions) == 1 else [stmt]
    out: list[exp.Expr] = []
    for action in actions:
        one = stmt.copy()
        one.set("actions", [action.copy()])
        out.append(_column_comment(one, action) or one)
    return out


def added_comments(stmt: exp.Expr) -> list[tuple[exp.Identifier, exp.Expr]]:
    """ALTER TABLE's `ADD COLUMN c INT COMMENT 'x'`, each column by its DuckDB name (read before translation,
    which drops the COMMENT: DuckDB has no column comment in ADD COLUMN)."""
    return _comments_of(stmt.args.get("actions") or [] if isinstance(stmt, exp.Alter) else [])


def _comments_of(items: list[exp.Expr]) -> list[tuple[exp.Identifier, exp.Expr]]:
    """The `COMMENT 'x'` of each column definition among `items`, by the column's DuckDB name."""
    found = []
    for column in items:
        for constraint in column.args.get("constraints") or [] if isinstance(column, exp.ColumnDef) else []:
            kind = constraint.args.get("kind")
            if isinstance(kind, exp.CommentColumnConstraint) and kind.this is not None:
                ident = column.this
                name = ident.this if ident.quoted else ident.this.upper()
                found.append((exp.Identifier(this=physical(name), quoted=True), kind.this.copy()))
    return found


def comment_added(stmt: exp.Alter, found: list[tuple[exp.Identifier, exp.Expr]]) -> list[exp.Expr]:
    """`COMMENT ON COLUMN t.c IS 'x'` for each added column's comment, after the translated ALTER."""
    out = [_column_comment(stmt, exp.AlterColumn(this=column, comment=text)) for column, text in found]
    return [c for c in out if c is not None]


def swap(stmt: exp.Alter, action: exp.SwapTable) -> list[exp.Expr]:
    """`ALTER TABLE a SWAP WITH b` → a renamed aside, b renamed a, a renamed b (DuckDB has no SWAP;
    https://docs.snowflake.com/en/sql-reference/sql/alter-table: "Swap all content and metadata")."""
    first, second = stmt.this, action.this
    if not isinstance(first, exp.Table) or not isinstance(second, exp.Table):
        raise not_supported("ALTER TABLE … SWAP WITH this name")
    aside = exp.Table(this=exp.to_identifier(SWAP_NAME, quoted=True), db=first.args.get("db"),
                      catalog=first.args.get("catalog"))

    def rename(table: exp.Table, to: exp.Identifier) -> exp.Alter:
        return exp.Alter(this=table.copy(), kind="TABLE", actions=[exp.AlterRename(this=exp.Table(this=to.copy()))])

    return [rename(first, aside.this), rename(second, first.this), rename(aside, second.this)]


def _each_column(action: exp.Expr) -> list[exp.Expr]:
    """`DROP COLUMN a, b` → `DROP COLUMN a`, `DROP COLUMN b` (any other action as is)."""
    columns = action.args.get("tables") or [] if isinstance(action, exp.Drop) else []
    if str(action.args.get("kind") or "").upper() != "COLUMN" or len(columns) < 2:
        return [action]
    out = []
    for column in columns:
        one = action.copy()
        one.set("tables", [column.copy()])
        out.append(one)
    return out


def _column_comment(stmt: exp.Alter, action: exp.Expr) -> exp.Expr | None:
    """`ALTER TABLE t ALTER COLUMN c COMMENT 'x'` → `COMMENT ON COLUMN t.c IS 'x'`
    (https://docs.snowflake.com/en/sql-reference/sql/alter-table-column)."""
    if not isinstance(action, exp.AlterColumn) or action.args.get("comment") is None \
            or any(action.args.get(k) for k in ("dtype", "default", "drop", "allow_null", "visible")):
        return None
    table = stmt.this
    if not isinstance(table, exp.Table):
        return None
    return exp.Comment(this=exp.Column(this=action.this.copy(), table=table.this.copy(),
                                       db=table.args["db"].copy() if table.args.get("db") else None,
                                       catalog=table.args["catalog"].copy() if table.args.get("catalog") else None),
                       kind="COLUMN", expression=action.args["comment"].copy())


# ---------------------------------------------------------------------------------------------
# Sequences: seq.NEXTVAL and AUTOINCREMENT / IDENTITY columns
# (https://docs.snowflake.com/en/sql-reference/sql/create-sequence,
#  https://docs.snowflake.com/en/user-guide/querying-sequences)
# ---------------------------------------------------------------------------------------------


def _qualified_text(parts: list[exp.Expr | None]) -> str:
    """The DuckDB text of a qualified name, for nextval('…')."""
    names = [p.name for p in parts if isinstance(p, exp.Identifier)]
    return ".".join('"' + n.replace('"', '""') + '"' for n in names)


def nextval(node: exp.Column) -> exp.Expr | None:
    """`seq.NEXTVAL` (or `db.s.seq.NEXTVAL`) → `nextval('"DB"."S"."SEQ"')`, a name left unqualified in the
    session's current database and schema (translation.qualified writes them), as the binder checks it."""
    if node.name.upper() != "NEXTVAL" or not node.table:
        return None
    catalog = node.args.get("catalog") or exp.Identifier(this=CURRENT_DATABASE, quoted=True)
    db = node.args.get("db") or exp.Identifier(this=CURRENT_SCHEMA, quoted=True)
    name = _qualified_text([catalog, db, node.args.get("table")])
    return exp.Anonymous(this="nextval", expressions=[exp.Literal.string(name)])


def identity_columns(stmt: exp.Create) -> list[exp.Expr]:
    """AUTOINCREMENT / IDENTITY columns → DEFAULT nextval of a sequence of their own; returns the
    CREATE SEQUENCE statements to run before the CREATE TABLE."""
    schema = stmt.this
    if not isinstance(schema, exp.Schema) or not isinstance(schema.this, exp.Table):
        return []
    table = schema.this
    sequences: list[exp.Expr] = []
    for column in schema.expressions:
        if not isinstance(column, exp.ColumnDef):
            continue
        for constraint in column.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            if not isinstance(kind, exp.AutoIncrementColumnConstraint | exp.GeneratedAsIdentityColumnConstraint):
                continue
            start = kind.args.get("start") if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) else None
            step = kind.args.get("increment") if isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) else None
            mark = IDENTITY_MARK.replace("$SEQ$", "$SEQO$") if kind.args.get("order") else IDENTITY_MARK
            name = exp.Identifier(this=f"{table.name}${column.name}{mark}", quoted=True)
            parts = [table.args.get("catalog"), table.args.get("db"), name]
            properties = _sequence(exp.SequenceProperties(start=start or exp.Literal.number(1),
                                                          increment=step or exp.Literal.number(1)))
            sequences.append(exp.Create(
                this=exp.Table(this=name, db=table.args.get("db"), catalog=table.args.get("catalog")),
                kind="SEQUENCE", properties=exp.Properties(expressions=[properties])))
            call = exp.Anonymous(this="nextval", expressions=[exp.Literal.string(_qualified_text(parts))])
            constraint.set("kind", exp.DefaultColumnConstraint(this=call))
    return sequences


def _sequence(properties: exp.SequenceProperties) -> exp.SequenceProperties:
    """A Snowflake sequence on DuckDB: ORDER / NOORDER only say whether values may come out of order (one
    process: they never do), and a negative INCREMENT counts down from START without a floor, where DuckDB
    would stop at -1 (https://docs.snowflake.com/en/sql-reference/sql/create-sequence)."""
    options = [o for o in properties.args.get("options") or []
               if not (isinstance(o, exp.Var) and o.name.upper() in ("ORDER", "NOORDER"))]
    properties.set("options", options or None)
    step = properties.args.get("increment")
    number = step.this if isinstance(step, exp.Neg) else step
    if isinstance(number, exp.Literal) and not number.is_string and number.this.isdigit():
        value = -int(number.this) if isinstance(step, exp.Neg) else int(number.this)
        if value == 0 or abs(value) >= 2 ** 63:  # DuckDB's parser would say it (X24)
            raise error_catalog.sequence_interval(value)
    if isinstance(step, exp.Neg) and properties.args.get("maxvalue") is None:
        properties.set("maxvalue", (properties.args.get("start") or exp.Literal.number(1)).copy())
        properties.set("minvalue", exp.Literal.number(-(2 ** 63)))
    return properties


def merge_guard(stmt: exp.Merge) -> exp.Select | None:
    """A query finding a target row whose MERGE is nondeterministic, which Snowflake refuses
    (ERROR_ON_NONDETERMINISTIC_MERGE is TRUE by default) where DuckDB would apply every match. Each
    joined source row acts by the first WHEN MATCHED clause whose condition holds; a target row is
    deterministic when the rows that act all DELETE, or exactly one acts and it UPDATEs
    (https://docs.snowflake.com/en/sql-reference/sql/merge, "Duplicate join behavior"). Built from the
    translated MERGE."""
    whens = stmt.args.get("whens")
    matched = [w for w in (whens.expressions if whens else []) if w.args.get("matched") and not w.args.get("source")]
    if not any(action(w.args.get("then")) == "UPDATE" for w in matched):
        return None  # deletes only: several source rows deleting one target row agree
    target, source = stmt.this, stmt.args.get("using")
    if not isinstance(target, exp.Table) or source is None:
        return None
    alias = target.alias or target.name
    rowid = exp.Column(this=exp.to_identifier("rowid"), table=exp.to_identifier(alias, quoted=True))
    act = exp.Case(ifs=[exp.If(this=(w.args.get("condition") or exp.true()).copy(),
                               true=exp.Literal.string("U" if action(w.args.get("then")) == "UPDATE" else "D"))
                        for w in matched])
    several = exp.GT(this=exp.Count(this=act), expression=exp.Literal.number(1))
    updates = exp.EQ(this=exp.Max(this=act.copy()), expression=exp.Literal.string("U"))
    guard = (exp.select(exp.Literal.number(1)).from_(target.copy())
             .join(source.copy(), on=stmt.args["on"].copy())
             .group_by(rowid).having(exp.and_(several, updates))
             .limit(1))
    with_ = stmt.args.get("with_")
    if isinstance(with_, exp.With):  # `WITH c AS (…) MERGE INTO t USING c …`: the guard reads the same CTEs
        guard.set("with_", with_.copy())
    return guard


def picked_merge(sql: str) -> str:
    """ERROR_ON_NONDETERMINISTIC_MERGE = FALSE: "one of the joined rows is used to update the target row"
    (https://docs.snowflake.com/en/sql-reference/parameters). The translated (DuckDB) MERGE `sql` again,
    its source being one joined row per target row (the first that a WHEN MATCHED clause acts on) and the
    source rows that join none; the ON condition also ties each picked row to its own target row."""
    import sqlglot

    stmt = sqlglot.parse_one(sql, read="duckdb")
    target, source, on = stmt.this, stmt.args.get("using"), stmt.args.get("on")
    if not isinstance(stmt, exp.Merge) or not isinstance(target, exp.Table) or source is None or on is None:
        raise not_supported("A nondeterministic MERGE of this form with ERROR_ON_NONDETERMINISTIC_MERGE = FALSE")
    t_name, s_name = target.alias_or_name, source.alias_or_name
    tie = exp.to_identifier("snowreg_merge_target", quoted=True)
    rowid = exp.Column(this=exp.to_identifier("rowid"), table=exp.to_identifier(t_name, quoted=True))
    whens = stmt.args.get("whens")
    matched = [w for w in (whens.expressions if whens else []) if w.args.get("matched") and not w.args.get("source")]
    rank = exp.Case(ifs=[exp.If(this=(w.args.get("condition") or exp.true()).copy(), true=exp.Literal.number(i))
                         for i, w in enumerate(matched)], default=exp.Literal.number(len(matched)))
    columns = exp.Column(this=exp.Star(), table=exp.to_identifier(s_name, quoted=True))
    alone = exp.select(columns.copy(), exp.cast(exp.null(), "BIGINT").as_(tie)).from_(source.copy()).where(
        exp.Not(this=exp.Exists(this=exp.select(exp.Literal.number(1)).from_(target.copy()).where(on.copy()))))
    first = exp.Window(this=exp.RowNumber(), partition_by=[rowid.copy()], order=exp.Order(expressions=[rank]))
    picked = exp.select(columns.copy(), rowid.copy().as_(tie)).from_(target.copy()).join(
        source.copy(), on=on.copy()).qualify(exp.EQ(this=first, expression=exp.Literal.number(1)))
    stmt.set("using", exp.Subquery(this=exp.union(alone, picked, distinct=False),
                                   alias=exp.TableAlias(this=exp.to_identifier(s_name, quoted=True))))
    stmt.set("on", exp.and_(on.copy(), exp.EQ(this=exp.Column(this=tie, table=exp.to_identifier(s_name, quoted=True)),
                                              expression=rowid.copy())))
    return stmt.sql(dialect="duckdb")


def multi_joined(stmt: exp.Update) -> exp.Select | None:
    """UPDATE … FROM: a query counting the target rows the UPDATE changes and those among them that join
    more than one row: Snowflake's two count columns (https://docs.snowflake.com/en/sql-reference/sql/update:
    a target row joining three source rows is "1 | 1"), where DuckDB counts every joined row. Built from
    the translated UPDATE; run before it."""
    source = stmt.args.get("from_") or stmt.args.get("from")
    target = stmt.this
    if not isinstance(source, exp.From) or not isinstance(target, exp.Table):
        return None
    alias = target.alias or target.name
    rowid = exp.Column(this=exp.to_identifier("rowid"), table=exp.to_identifier(alias, quoted=True))
    joined = exp.select(exp.Count(this=exp.Star()).as_("n")).from_(target.copy())
    joined.set("joins", [exp.Join(this=source.this.copy())])
    where = stmt.args.get("where")
    if isinstance(where, exp.Where):
        joined.set("where", where.copy())
    several = exp.GT(this=exp.column("n"), expression=exp.Literal.number(1))
    counted = exp.select(exp.Count(this=exp.Star()), exp.CountIf(this=several)).from_(
        joined.group_by(rowid).subquery("multi"))
    with_ = stmt.args.get("with_")
    if isinstance(with_, exp.With):  # `WITH c AS (…) UPDATE t … FROM c`: the count reads the same CTEs
        counted.set("with_", with_.copy())
    return counted
