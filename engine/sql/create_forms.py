"""CREATE and ALTER forms sqlglot does not read as Snowflake means them, put in the shape it reads."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from snowreg.engine.sql.dml_grammar import DmlParser
from snowreg.engine.sql.null_ordering import NullOrderingParser
from snowreg.engine.sql.typed_literals import TypedLiteralParser
from snowreg.errors import not_supported


def temporary_synonyms(tokens: list[Token]) -> list[Token]:
    """`CREATE [OR REPLACE] {LOCAL | GLOBAL} TEMP[ORARY] | VOLATILE TABLE` → `… TEMPORARY TABLE`: the synonyms
    of TEMPORARY (https://docs.snowflake.com/en/sql-reference/sql/create-table, "TEMPORARY | TEMP")."""
    if not tokens or tokens[0].token_type is not TokenType.CREATE:
        return tokens
    at = 3 if len(tokens) > 3 and tokens[1].token_type is TokenType.OR else 1
    if at + 1 >= len(tokens):
        return tokens
    word = tokens[at].text.upper()
    if word in ("LOCAL", "GLOBAL") and tokens[at + 1].token_type is TokenType.TEMPORARY:
        return tokens[:at] + tokens[at + 1:]
    if word == "VOLATILE" and tokens[at + 1].token_type is TokenType.TABLE:
        temporary = Token(TokenType.TEMPORARY, "TEMPORARY", tokens[at].line, tokens[at].col, tokens[at].start,
                          tokens[at].end)
        return [*tokens[:at], temporary, *tokens[at + 1:]]
    return tokens


_RECURSIVE_NAME = "SNOWREG_RECURSIVE"  # what a recursive view's query calls the view


def recursive_view(tokens: list[Token]) -> int | None:
    """Where RECURSIVE stands in `CREATE [OR REPLACE] [SECURE] RECURSIVE VIEW` (None: elsewhere or nowhere)."""
    words = [t.text.upper() for t in tokens[:6]]
    if words[:1] != ["CREATE"] or "RECURSIVE" not in words:
        return None
    at = words.index("RECURSIVE")
    return at if at + 1 < len(words) and words[at + 1] == "VIEW" else None


def as_recursive(stmt: exp.Expr) -> exp.Expr:
    """`CREATE RECURSIVE VIEW v (c1, c2) AS <query>` → `CREATE VIEW v (c1, c2) AS WITH RECURSIVE v (c1, c2) AS
    (<query>) SELECT c1, c2 FROM v`: inside, the view's name is the query itself
    (https://docs.snowflake.com/en/sql-reference/sql/create-view, RECURSIVE)."""
    schema, query = stmt.this, stmt.args.get("expression")
    if not isinstance(stmt, exp.Create) or not isinstance(schema, exp.Schema) or query is None \
            or not isinstance(schema.this, exp.Table) or not schema.expressions:
        raise not_supported("CREATE RECURSIVE VIEW without a column list")
    columns = [c.this if isinstance(c, exp.ColumnDef) else c for c in schema.expressions]
    view = schema.this.name if schema.this.this.quoted else schema.this.name.upper()
    name = exp.to_identifier(_RECURSIVE_NAME, quoted=True)  # the view's own name stays its write target
    for node in query.find_all(exp.Table, exp.Column):
        part = node.this if isinstance(node, exp.Table) and not node.args.get("db") else \
            node.args.get("table") if isinstance(node, exp.Column) and not node.args.get("db") else None
        if isinstance(part, exp.Identifier) and (part.this if part.quoted else part.this.upper()) == view:
            node.set("this" if isinstance(node, exp.Table) else "table", name.copy())
    cte = exp.CTE(this=query, alias=exp.TableAlias(this=name.copy(), columns=[c.copy() for c in columns]))
    body = exp.select(*[exp.column(c.copy()) for c in columns]).from_(exp.Table(this=name.copy()))
    body.set("with_" if "with_" in exp.Select.arg_types else "with", exp.With(expressions=[cte], recursive=True))
    stmt.set("expression", body)
    return stmt


def view_actions(stmt: exp.Alter) -> bool:
    """ALTER VIEW … RENAME TO, or column comments (https://docs.snowflake.com/en/sql-reference/sql/alter-view)."""
    actions = stmt.args.get("actions") or []
    return bool(actions) and all(isinstance(a, exp.AlterRename) or (
        isinstance(a, exp.AlterColumn) and a.args.get("comment") is not None
        and not any(a.args.get(k) for k in ("dtype", "default", "drop", "allow_null", "visible"))) for a in actions)


class ColumnAlterParser(NullOrderingParser, TypedLiteralParser, DmlParser):
    """Snowflake's parser, reading ALTER TABLE's lists of column actions (with DEFAULT_NULL_ORDERING's ORDER BY
    keys, typed literals, and held to Snowflake's grammar of MERGE and INSERT: engine/sql/dml_grammar.py)."""

    ALTER_PARSERS = {
        **NullOrderingParser.ALTER_PARSERS,
        "ALTER": lambda self: self._parse_column_alters(),
        "MODIFY": lambda self: self._parse_column_alters(),
    }

    def _parse_column_alters(self) -> list[exp.Expr]:
        """`ALTER | MODIFY [(] [COLUMN] c <action> [, [COLUMN] c2 <action>]… [)]`, UNSET COMMENT among the
        actions (https://docs.snowflake.com/en/sql-reference/sql/alter-table-column)."""
        wrapped = self._match(TokenType.L_PAREN)
        actions: list[exp.Expr] = []
        while True:
            action = self._parse_unset_comment() or self._parse_alter_table_alter()
            if action is None:
                break
            actions.append(action)
            if not self._match(TokenType.COMMA):
                break
            if self._match_texts(self.ALTER_PARSERS, advance=False) and not self._match(TokenType.COLUMN, advance=False):
                self._retreat(self._index - 1)  # `, ADD …`: the next action of the statement
                break
        if wrapped:
            self._match_r_paren()
        return actions

    def _parse_alter_table_drop(self) -> list[exp.Expr]:
        """`DROP FOREIGN KEY (a, b)` (https://docs.snowflake.com/en/sql-reference/sql/alter-table), which
        sqlglot does not read, as the action its fallback makes of `DROP UNIQUE (a, b)`."""
        start = self._index
        if self._match(TokenType.FOREIGN_KEY) and self._match(TokenType.L_PAREN, advance=False):
            first = self._curr
            self._parse_wrapped_csv(self._parse_id_var)
            self._match_texts(("CASCADE", "RESTRICT"))
            assert first is not None
            return [exp.Command(this="drop", expression=" FOREIGN KEY " + self.sql[first.start:self._prev.end + 1])]
        self._retreat(start)
        return super()._parse_alter_table_drop()

    def _parse_unset_comment(self) -> exp.Expr | None:
        """`[COLUMN] c UNSET COMMENT` → the column's comment set to NULL."""
        start = self._index
        self._match(TokenType.COLUMN)
        column = self._parse_field(any_token=True)
        if column is not None and self._match_text_seq("UNSET", "COMMENT"):
            return self.expression(exp.AlterColumn(this=column, comment=exp.Null()))
        self._retreat(start)
        return None
