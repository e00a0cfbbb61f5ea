"""Snowflake's own grammar of MERGE's clauses and of single-table INSERT, where sqlglot's Snowflake parser also
reads other databases' forms that DuckDB would then run (or refuse with its own words).

MERGE (https://docs.snowflake.com/en/sql-reference/sql/merge):

    matchedClause    ::= WHEN MATCHED [ AND <case_predicate> ] THEN { UPDATE SET <col> = <expr> [ , … ]
                                                                     | UPDATE ALL BY NAME | DELETE }
    notMatchedClause ::= WHEN NOT MATCHED [ AND <case_predicate> ] THEN { INSERT [ ( <col> [ , … ] ) ]
                                                                         VALUES ( <expr> [ , … ] )
                                                                         | INSERT ALL BY NAME }

so `WHEN NOT MATCHED BY SOURCE | BY TARGET`, `DO NOTHING`, `UPDATE SET *`, `INSERT *`, `INSERT DEFAULT
VALUES`, an INSERT in a matched clause and an UPDATE or DELETE in a not-matched one are syntax errors
(001003 at the token that breaks the grammar), as Snowflake's parser reports them.

UPDATE (https://docs.snowflake.com/en/sql-reference/sql/update): `SET <col_name> = <value> [ , … ]`, so a
row of columns assigned together (`SET (a, b) = (1, 2)`, in MERGE's UPDATE too), ORDER BY and LIMIT are
syntax errors.

INSERT (https://docs.snowflake.com/en/sql-reference/sql/insert): `INSERT [ OVERWRITE ] INTO <table>
[ ( <col> [ , … ] ) ] { VALUES ( … ) [ , … ] | <query> }`, so `INSERT OR REPLACE`, `ON CONFLICT …`,
`BY NAME`, `DEFAULT VALUES` and `REPLACE WHERE` are syntax errors too.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokens import Token, TokenType

from snowreg import errors


class DmlParser(SnowflakeParser):
    """Snowflake's parser, held to Snowflake's grammar of MERGE's clauses and of INSERT."""

    def _unexpected(self, token: Token | None = None) -> None:
        """001003 at `token` (default: the current one), or after the last token when the text ends early."""
        if token is None and self._curr is None:
            self.raise_error("Expecting more of the statement", self._prev)
        self.raise_error("Unexpected token", token or self._curr)

    def _parse_when_matched(self) -> exp.Whens:
        whens = []
        while self._match(TokenType.WHEN):
            matched = not self._match(TokenType.NOT)
            if not self._match_text_seq("MATCHED"):
                self._unexpected()
            condition = self._parse_disjunction() if self._match(TokenType.AND) else None
            if not self._match(TokenType.THEN):
                self._unexpected()
            then = self._matched_action() if matched else self._not_matched_action()
            whens.append(self.expression(exp.When(matched=matched, source=False, condition=condition, then=then)))
        return self.expression(exp.Whens(expressions=whens))

    def _matched_action(self) -> exp.Expr:
        if self._match(TokenType.DELETE):
            return self.expression(exp.Var(this=self._prev.text))
        if not self._match(TokenType.UPDATE):
            self._unexpected()
        if self._match_text_seq("ALL", "BY", "NAME"):
            return self.expression(exp.Update(expressions=[exp.Star()]))
        if not self._match(TokenType.SET):
            self._unexpected()
        if self._match(TokenType.STAR, advance=False):
            self._unexpected()
        return self.expression(exp.Update(expressions=self._parse_csv(self._parse_update_assignment)))

    def _not_matched_action(self) -> exp.Expr:
        if not self._match(TokenType.INSERT):
            self._unexpected()
        if self._match_text_seq("ALL", "BY", "NAME"):
            return self.expression(exp.Insert(this=exp.Star()))
        columns = self._parse_value(values=False) if self._match(TokenType.L_PAREN, advance=False) else None
        if not self._match(TokenType.VALUES):
            self._unexpected()
        if not self._match(TokenType.L_PAREN, advance=False):
            self._unexpected()
        return self.expression(exp.Insert(this=columns, expression=self._parse_value()))

    def _parse_update_assignment(self) -> exp.Expr | None:
        if self._match(TokenType.L_PAREN, advance=False):  # `SET (a, b) = (…)`: one column per assignment
            self._unexpected()
        return super()._parse_update_assignment()

    def _parse_update(self) -> exp.Update:
        start = self._index
        update = super()._parse_update()
        for flag, kind in (("order", TokenType.ORDER_BY), ("limit", TokenType.LIMIT)):
            if update.args.get(flag):
                self._unexpected(_first_word(next(t for t in self._tokens[start:self._index] if t.token_type == kind)))
        return update

    def _parse_insert(self) -> exp.Insert | exp.MultitableInserts:
        start = self._index
        if self._match_set((TokenType.OR, TokenType.IGNORE), advance=False):
            self._unexpected()
        insert = super()._parse_insert()
        if isinstance(insert, exp.Insert):
            tokens = self._tokens[start:self._index]
            for flag, words in (("default", ("DEFAULT", "VALUES")), ("by_name", ("BY", "NAME")),
                                ("conflict", ("ON",)), ("replace_where", ("REPLACE",)),
                                ("replace_using", ("REPLACE",)), ("alternative", ("OR",))):
                if insert.args.get(flag):
                    self._unexpected(_last(tokens, words))
            _check_rows(insert)
        return insert


def _last(tokens: list[Token], words: tuple[str, ...]) -> Token | None:
    """The last place in `tokens` where `words` stand in a row (its first token)."""
    for i in range(len(tokens) - len(words), -1, -1):
        if all(tokens[i + j].text.upper() == w for j, w in enumerate(words)):
            return tokens[i]
    return None


def _first_word(token: Token) -> Token:
    """`ORDER BY` as Snowflake's error names it: its first word."""
    word = token.text.split()[0]
    cut = len(token.text) - len(word)
    return Token(token.token_type, word, token.line, token.col - cut, token.start, token.end - cut)


def _check_rows(insert: exp.Insert) -> None:
    """`INSERT INTO t [(cols)] VALUES (…), (…)` whose rows differ in length: 002020 for the first row that does
    not match the column list (or, without one, the first row), as for a single short row, where DuckDB's
    parser would refuse the VALUES in its own words."""
    values = insert.expression
    if not isinstance(values, exp.Values):
        return
    rows = [len(row.expressions) if isinstance(row, exp.Tuple) else 1 for row in values.expressions]
    listed = insert.this.expressions if isinstance(insert.this, exp.Schema) else None
    expected = len(listed) if listed else rows[0] if rows else 0
    wrong = next((n for n in rows if n != expected), None)
    if wrong is not None and len(set(rows)) > 1:
        raise errors.insert_value_mismatch(expected, wrong)
