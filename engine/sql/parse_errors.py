"""Snowflake's 001003 for what sqlglot could not read: where the error stands and which token it names
(https://docs.snowflake.com/en/sql-reference/constructs, conformance/core/syntax.test; DECISIONS.md O72)."""

from __future__ import annotations

from sqlglot.errors import ParseError
from sqlglot.tokens import Token, TokenType

from snowreg import errors


def token_error(sql: str) -> errors.Error:
    """A text sqlglot cannot cut into tokens: almost always an unterminated string or quoted identifier,
    pointed at its opening quote."""
    start = max(sql.rfind("'"), sql.rfind('"'), 0)
    line = sql.count("\n", 0, start) + 1
    return errors.syntax_error(line, start - (sql.rfind("\n", 0, start) + 1), sql[start:start + 20])


def parse_error(e: ParseError, tokens: list[Token], sql: str) -> errors.Error:
    """001003 at the token sqlglot stopped at; when that is the statement's last token and sqlglot wanted
    more after it (`SELECT 1 +`), at what follows it, as Snowflake reports: `';'` or `'<EOF>'`."""
    info = e.errors[0] if e.errors else {}
    token = info.get("highlight") or "<EOF>"
    line, col = int(info.get("line") or 1), int(info.get("col") or 0)
    wanted = str(info.get("description") or "").startswith(("Required keyword", "Expecting"))
    end = _offset(sql, line, col) - 1
    at = next((i for i, t in enumerate(tokens) if t.end == end and t.text == token), None)
    if wanted and at is not None and (at + 1 == len(tokens) or tokens[at + 1].token_type == TokenType.SEMICOLON):
        offset = tokens[at + 1].start if at + 1 < len(tokens) else tokens[at].end + 1
        token = ";" if at + 1 < len(tokens) else "<EOF>"
        line, col = sql.count("\n", 0, offset) + 1, offset - (sql.rfind("\n", 0, offset) + 1) + len(token)
    return errors.syntax_error(line, max(col - len(token), 0), token)


def _offset(sql: str, line: int, col: int) -> int:
    """The offset of 1-based line `line`, column `col` (sqlglot's: just after a token's last character)."""
    start = 0
    for _ in range(line - 1):
        start = sql.find("\n", start) + 1
    return start + col
