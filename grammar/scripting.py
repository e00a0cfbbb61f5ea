"""Reading Snowflake Scripting blocks: `[DECLARE …] BEGIN … [EXCEPTION …] END;` into grammar.ast.scripting.

https://docs.snowflake.com/en/developer-guide/snowflake-scripting/blocks. A recursive-descent reader over
tokens: the control statements are read here, expressions and SQL statements are kept as text for the
engine. A block is told from a transaction's BEGIN the way the BEGIN … END page tells them apart: "The
keyword BEGIN must not be followed immediately by a semicolon" in a block, and BEGIN [WORK | TRANSACTION]
[NAME n] is a transaction (https://docs.snowflake.com/en/sql-reference/sql/begin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from snowreg import errors
from snowreg.grammar.ast import scripting as s
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import resolve_ident

_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>--[^\n]*|//[^\n]*|/\*[\s\S]*?\*/)
    |(?P<dollar>\$\$[\s\S]*?\$\$)
    |(?P<string>'(?:[^'\\]|\\[\s\S]|'')*')
    |(?P<qident>"(?:[^"]|"")+")
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][\w$]*)
    |(?P<punct>:=|::|=>|->>|->|!=|<>|<=|>=|\|\||[\s\S])
    """,
    re.VERBOSE,
)

# Words that start a control statement (anything else starts a SQL statement).
_CONTROL = frozenset({"LET", "IF", "CASE", "FOR", "WHILE", "REPEAT", "LOOP", "BREAK", "EXIT", "CONTINUE",
                      "ITERATE", "RETURN", "RAISE", "OPEN", "FETCH", "CLOSE", "NULL"})
# Statements of Snowflake Scripting snowreg does not run: refused by name.
_NOT_EMULATED = {"AWAIT": "AWAIT (asynchronous child jobs)", "CANCEL": "CANCEL (asynchronous child jobs)",
                 "ASYNC": "ASYNC (asynchronous child jobs)"}


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str
    text: str
    start: int
    line: int
    column: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


def tokens(text: str) -> list[Tok]:
    """The significant tokens of a text (no spaces or comments), with their line and column."""
    out: list[Tok] = []
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append(Tok(kind, m.group(), m.start(), line, m.start() - line_start))
        newlines = m.group().count("\n")
        if newlines:
            line += newlines
            line_start = m.start() + m.group().rindex("\n") + 1
    return out


# The spaces and comments before a statement (taken whole, never given back: linear time), so that only the
# first words after them are read, however long a header comment is.
_LEAD = re.compile(r"(?>\s+|--[^\n]*|//[^\n]*|/\*[\s\S]*?\*/)*+")


def starts_block(text: str) -> bool:
    """Whether a statement's text is a Scripting block rather than a transaction's BEGIN."""
    lead = _LEAD.match(text)
    start = lead.end() if lead else 0
    return _block_start(tokens(text[start:start + 400]), 0)


def _block_start(toks: list[Tok], i: int) -> bool:
    if i >= len(toks) or toks[i].kind != "word":
        return False
    word = toks[i].upper
    if word == "DECLARE":
        return True
    if word != "BEGIN":
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or nxt.text == ";" or nxt.upper in ("TRANSACTION", "WORK"):
        return False
    if nxt.upper == "NAME":  # BEGIN NAME t: a named transaction, unless NAME is a variable assigned to
        after = toks[i + 2] if i + 2 < len(toks) else None
        return after is not None and after.text == ":="
    return True


# CREATE PROCEDURE (or TASK) whose body may follow AS without delimiters (`AS BEGIN … END;`), as the docs'
# examples for Snowsight and the connector's execute() write it.
PROCEDURE_HEAD = re.compile(r"\s*CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:(?:SECURE|TEMPORARY|TEMP)\s+)*"
                            r"(?:PROCEDURE|TASK)\b", re.I)


def unquoted_body(text: str) -> tuple[int, int] | None:
    """Where the body of `CREATE PROCEDURE … AS <block>` (a block without delimiters) stands in `text`:
    (its start, the offset after its `END;`), or None when `text` does not start with such a statement."""
    if not PROCEDURE_HEAD.match(text):
        return None
    toks = tokens(text)
    for i, tok in enumerate(toks):
        if tok.text == ";":
            return None
        if tok.upper == "AS" and _block_start(toks, i + 1):
            start = toks[i + 1].start
            _, length = parse_block(text[start:])
            return start, start + length
    return None


def parse_block(text: str) -> tuple[s.Block, int]:
    """The block that starts `text` and the offset just after its closing `END [label];`."""
    reader = _Reader(text)
    block = reader.block()
    reader.take(";")
    end = reader.toks[reader.i - 1].start + len(reader.toks[reader.i - 1].text)
    return block, end


def parse_script(text: str) -> s.Block:
    """A whole text that must be one block (an anonymous block, a procedure's body)."""
    block, end = parse_block(text)
    rest = tokens(text[end:])
    if rest:
        offset = end + rest[0].start
        line = text.count("\n", 0, offset) + 1
        raise errors.syntax_error(line, offset - (text.rfind("\n", 0, offset) + 1), rest[0].text)
    return block


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokens(text)
        self.i = 0

    # -- tokens -----------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Tok | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *words: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.upper in words

    def take(self, *words: str) -> bool:
        if self.at(*words):
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> Tok:
        tok = self.peek()
        if tok is None or tok.upper not in words:
            raise self.error()
        self.i += 1
        return tok

    def error(self) -> errors.Error:
        tok = self.peek()
        if tok is None:
            line = self.text.count("\n") + 1
            return errors.syntax_error(line, len(self.text) - (self.text.rfind("\n") + 1), "<EOF>")
        return errors.syntax_error(tok.line, tok.column, tok.text)

    def name(self) -> str:
        tok = self.peek()
        if tok is None or tok.kind not in ("word", "qident"):
            raise self.error()
        self.i += 1
        return resolve_ident(tok.text)

    def pos(self) -> s.Pos:
        tok = self.peek()
        return (tok.line, tok.column) if tok is not None else (1, 0)

    def text_until(self, *stops: str, allow_empty: bool = False) -> str:
        """The source text of the tokens up to (not including) a stop word or `;` at parenthesis depth 0."""
        first, depth = self.i, 0
        while (tok := self.peek()) is not None:
            if depth == 0 and (tok.text in (";", ")", "]", "}") or tok.upper in stops):
                break
            depth += tok.text in ("(", "[", "{")
            depth -= tok.text in (")", "]", "}")
            self.i += 1
        if self.i == first:
            if allow_empty:
                return ""
            raise self.error()
        last = self.toks[self.i - 1]
        return self.text[self.toks[first].start:last.start + len(last.text)]

    def end(self) -> None:
        self.expect(";")

    # -- blocks -----------------------------------------------------------------------------------

    def block(self) -> s.Block:
        pos = self.pos()
        declarations: list[s.Declaration] = []
        if self.take("DECLARE"):
            while not self.at("BEGIN"):
                declarations.append(self.declaration(let=False))
        self.expect("BEGIN")
        body = self.statements("EXCEPTION", "END")
        handlers: list[s.Handler] = []
        if self.take("EXCEPTION"):
            while self.take("WHEN"):
                names = [self.name()]
                while self.take("OR"):
                    names.append(self.name())
                self.expect("THEN")
                handlers.append(s.Handler(tuple(names), self.statements("WHEN", "END")))
            if not handlers:
                raise self.error()
        self.expect("END")
        if (tok := self.peek()) is not None and tok.kind in ("word", "qident") and tok.text != ";":
            self.i += 1  # END label
        return s.Block(tuple(declarations), body, tuple(handlers), pos)

    def declaration(self, let: bool) -> s.Declaration:
        pos = self.pos()
        name = self.name()
        if self.take("CURSOR"):
            self.expect("FOR")
            tok, nxt = self.peek(), self.peek(1)
            if tok is not None and tok.kind in ("word", "qident") and nxt is not None and nxt.text == ";" \
                    and tok.upper not in ("SELECT", "SHOW", "VALUES"):
                source = self.name()
                self.end()
                return s.DeclareCursor(name, None, source, pos)
            text = self.text_until()
            self.end()
            return s.DeclareCursor(name, text, None, pos)
        if self.take("RESULTSET"):
            query: str | None = None
            if self.take("DEFAULT", ":="):
                query = self.resultset_query()
            elif let:
                raise self.error()
            self.end()
            return s.DeclareResultset(name, query, pos)
        if not let and self.take("EXCEPTION"):
            code, message = -20000, ""
            if self.take("("):
                sign = -1 if self.take("-") else 1
                code = sign * int(self.expect_kind("number").text)
                self.expect(",")
                message = decode_string(self.expect_kind("string", "dollar").text)
                self.expect(")")
            self.end()
            return s.DeclareException(name, code, message, pos)
        type_text = self.text_until("DEFAULT", ":=", allow_empty=True) or None
        default = None
        if self.take("DEFAULT", ":="):
            default = self.text_until()
        elif let:
            raise self.error()
        self.end()
        return s.DeclareVar(name, type_text, default, pos)

    def expect_kind(self, *kinds: str) -> Tok:
        tok = self.peek()
        if tok is None or tok.kind not in kinds:
            raise self.error()
        self.i += 1
        return tok

    def resultset_query(self) -> str:
        """`(<query>)`: the query inside the parentheses; `ASYNC (…)` is refused."""
        if self.at("ASYNC"):
            raise errors.not_supported(_NOT_EMULATED["ASYNC"] + " in Snowflake Scripting")
        self.expect("(")
        text = self.text_until()
        self.expect(")")
        return text

    # -- statements -------------------------------------------------------------------------------

    def statements(self, *stops: str) -> tuple[s.Stmt, ...]:
        out: list[s.Stmt] = []
        while not self.at(*stops):
            if self.peek() is None:
                raise self.error()
            out.append(self.statement())
        return tuple(out)

    def statement(self) -> s.Stmt:
        tok = self.peek()
        assert tok is not None
        nxt = self.peek(1)
        if _block_start(self.toks, self.i):
            block = self.block()
            self.end()
            return block
        if tok.kind in ("word", "qident") and nxt is not None and nxt.text == ":=":
            pos, name = self.pos(), self.name()
            self.i += 1
            expr = self.text_until()
            self.end()
            return s.Assign(name, expr, pos)
        if tok.upper in _NOT_EMULATED:
            raise errors.not_supported(_NOT_EMULATED[tok.upper] + " in Snowflake Scripting")
        if tok.kind == "word" and tok.upper in _CONTROL:
            return self.control(tok.upper)
        pos = self.pos()
        text = self.text_until()
        self.end()
        return s.Sql(text, pos)

    def control(self, word: str) -> s.Stmt:
        pos = self.pos()
        self.i += 1
        if word == "LET":
            return s.Let(self.declaration(let=True), pos)
        if word == "IF":
            return self.if_(pos)
        if word == "CASE":
            return self.case(pos)
        if word in ("FOR", "WHILE", "REPEAT", "LOOP"):
            return self.loop(word, pos)
        if word in ("BREAK", "EXIT", "CONTINUE", "ITERATE"):
            label = None if self.at(";") else self.name()
            self.end()
            return s.Break(label, pos) if word in ("BREAK", "EXIT") else s.Continue(label, pos)
        if word == "RETURN":
            return self.return_(pos)
        if word == "RAISE":
            raised = None if self.at(";") else self.name()
            self.end()
            return s.Raise(raised, pos)
        if word == "OPEN":
            return self.open(pos)
        if word in ("FETCH", "CLOSE"):
            return self.fetch_close(word, pos)
        self.end()  # NULL;
        return s.Null(pos)

    def if_(self, pos: s.Pos) -> s.If:
        branches = []
        cond = self.text_until("THEN")
        self.expect("THEN")
        branches.append((cond, self.statements("ELSEIF", "ELSE", "END")))
        otherwise = None
        while True:
            if self.take("ELSEIF"):
                cond = self.text_until("THEN")
                self.expect("THEN")
                branches.append((cond, self.statements("ELSEIF", "ELSE", "END")))
            elif self.take("ELSE"):
                otherwise = self.statements("END")
            else:
                break
        self.expect("END")
        self.expect("IF")
        self.end()
        return s.If(tuple(branches), otherwise, pos)

    def case(self, pos: s.Pos) -> s.Case:
        operand = None if self.at("WHEN") else self.text_until("WHEN")
        whens = []
        while self.take("WHEN"):
            value = self.text_until("THEN")
            self.expect("THEN")
            whens.append((value, self.statements("WHEN", "ELSE", "END")))
        if not whens:
            raise self.error()
        otherwise = self.statements("END") if self.take("ELSE") else None
        self.expect("END")
        self.take("CASE")
        self.end()
        return s.Case(operand, tuple(whens), otherwise, pos)

    def loop(self, word: str, pos: s.Pos) -> s.Stmt:
        if word == "REPEAT":
            body = self.statements("UNTIL")
            self.expect("UNTIL")
            until = self.text_until("END")
            return s.Repeat(body, until, self.loop_end("REPEAT"), pos)
        if word == "LOOP":
            body = self.statements("END")
            return s.Loop(body, self.loop_end("LOOP"), pos)
        if word == "WHILE":
            cond = self.text_until("DO", "LOOP")
            self.expect("DO", "LOOP")
            body = self.statements("END")
            return s.While(cond, body, self.loop_end("WHILE", "LOOP"), pos)
        var = self.name()
        self.expect("IN")
        reverse = self.take("REVERSE")
        start = self.text_until("TO", "DO", "LOOP")
        if self.take("TO"):
            end = self.text_until("DO", "LOOP")
            self.expect("DO", "LOOP")
            body = self.statements("END")
            return s.ForRange(var, reverse, start, end, body, self.loop_end("FOR", "LOOP"), pos)
        if reverse:
            raise self.error()
        self.expect("DO", "LOOP")
        body = self.statements("END")
        return s.ForCursor(var, resolve_ident(start), body, self.loop_end("FOR", "LOOP"), pos)

    def loop_end(self, *kinds: str) -> str | None:
        self.expect("END")
        self.expect(*kinds)
        label = None if self.at(";") else self.name()
        self.end()
        return label

    def return_(self, pos: s.Pos) -> s.Stmt:
        if self.at(";"):
            self.end()
            return s.Return(None, pos)
        nxt = self.peek(1)
        if self.at("TABLE") and nxt is not None and nxt.text == "(":
            self.i += 2
            cursor = False
            if self.take("RESULTSET_FROM_CURSOR"):
                cursor = True
                self.expect("(")
            source = self.name()
            if cursor:
                self.expect(")")
            self.expect(")")
            self.end()
            return s.ReturnTable(source, cursor, pos)
        expr = self.text_until()
        self.end()
        return s.Return(expr, pos)

    def open(self, pos: s.Pos) -> s.Open:
        name = self.name()
        using: list[str] = []
        if self.take("USING"):
            self.expect("(")
            while True:
                using.append(self.text_until(",", ")"))
                if not self.take(","):
                    break
            self.expect(")")
        self.end()
        return s.Open(name, tuple(using), pos)

    def fetch_close(self, word: str, pos: s.Pos) -> s.Stmt:
        name = self.name()
        if word == "CLOSE":
            self.end()
            return s.Close(name, pos)
        self.expect("INTO")
        into = [self.name()]
        while self.take(","):
            into.append(self.name())
        self.end()
        return s.Fetch(name, tuple(into), pos)

