"""The function DDL the registry grammar hands on as plain text: CREATE / ALTER / DROP FUNCTION, `f(types)`.

The grammar reads these statements as plain SQL (a verb and a soup of tokens); their headers are read
here, by a small recursive-descent reader over a regex tokenizer, into grammar.ast.functions nodes.
A malformed statement is Snowflake's 001003 syntax error at the offending token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from snowreg import errors
from snowreg.grammar.ast.functions import (
    AlterFunction,
    CreateFunction,
    DropFunction,
    FunctionArg,
    FunctionSignature,
)
from snowreg.grammar.ast.names import QualifiedName
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import place, resolve_ident

_TOKEN = re.compile(r"""
    (?P<ws>\s+|--[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$)
  | (?P<ident>"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<number>\d+(?:\.\d*)?)
  | (?P<punct>::|=>|[(),.=;:+\-*/<>!|\[\]{}%@~^&?])
""", re.X | re.S)


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str
    text: str
    start: int


class _Reader:
    """Tokens of one statement with a cursor; `word` and `take` read keywords case-blind."""

    def __init__(self, sql: str) -> None:
        self.sql = sql
        self.toks: list[_Tok] = []
        pos = 0
        while pos < len(sql):
            m = _TOKEN.match(sql, pos)
            if m is None:
                raise self._error_at(pos, sql[pos])
            if m.lastgroup != "ws":
                self.toks.append(_Tok(m.lastgroup or "", m.group(0), pos))
            pos = m.end()
        while self.toks and self.toks[-1].text == ";":
            self.toks.pop()
        self.i = 0

    def _error_at(self, pos: int, token: str) -> errors.Error:
        return errors.syntax_error(*place(self.sql, pos), token)

    def error(self) -> errors.Error:
        if self.i >= len(self.toks):
            return self._error_at(len(self.sql), "<EOF>")
        tok = self.toks[self.i]
        return self._error_at(tok.start, tok.text)

    def peek(self, ahead: int = 0) -> _Tok | None:
        return self.toks[self.i + ahead] if self.i + ahead < len(self.toks) else None

    def word(self, *words: str) -> bool:
        """Are the next tokens these keywords (unquoted)? Consumes them when they are."""
        for k, w in enumerate(words):
            tok = self.peek(k)
            if tok is None or tok.kind != "ident" or tok.text.upper() != w:
                return False
        self.i += len(words)
        return True

    def take(self, text: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.text == text:
            self.i += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not (self.word(text) if text[0].isalpha() else self.take(text)):
            raise self.error()

    def ident(self) -> str:
        tok = self.peek()
        if tok is None or tok.kind != "ident":
            raise self.error()
        self.i += 1
        return resolve_ident(tok.text)

    def string(self) -> str:
        tok = self.peek()
        if tok is None or tok.kind != "string":
            raise self.error()
        self.i += 1
        return decode_string(tok.text)

    def qname(self) -> QualifiedName:
        parts = [self.ident()]
        while len(parts) < 3 and self.take("."):
            parts.append(self.ident())
        return QualifiedName(parts[-1], parts[-2] if len(parts) > 1 else None,
                             parts[-3] if len(parts) > 2 else None)

    def done(self) -> None:
        if self.i < len(self.toks):
            raise self.error()

    def balanced_text(self, stop: tuple[str, ...]) -> str:
        """The text of the tokens up to (not including) a `stop` token at depth 0."""
        start = self.peek()
        depth = 0
        while (tok := self.peek()) is not None:
            if depth == 0 and (tok.text in stop or (tok.kind == "ident" and tok.text.upper() in stop)):
                break
            depth += tok.text == "("
            depth -= tok.text == ")"
            self.i += 1
        end = self.toks[self.i - 1] if self.i else None
        if start is None or end is None or end.start < start.start:
            raise self.error()
        return self.sql[start.start:end.start + len(end.text)]


# Words that may follow a type name as part of it.
_TYPE_TAILS = {"DOUBLE": ("PRECISION",), "CHAR": ("VARYING",), "CHARACTER": ("VARYING",), "NCHAR": ("VARYING",)}


def _type(r: _Reader) -> str:
    """A data type as normalised text: `NUMBER(10,2)`, `VARCHAR`, `DOUBLE PRECISION`, `ARRAY(NUMBER)`."""
    tok = r.peek()
    if tok is None or tok.kind != "ident" or tok.text.startswith('"'):
        raise r.error()
    r.i += 1
    words = [tok.text.upper()]
    for tail in _TYPE_TAILS.get(words[0], ()):
        if r.word(tail):
            words.append(tail)
    text = " ".join(words)
    if r.take("("):
        parts: list[str] = []
        while not r.take(")"):
            if parts:
                r.expect(",")
            nxt = r.peek()
            if nxt is None:
                raise r.error()
            parts.append(_type(r) if nxt.kind == "ident" else _number(r))
        text += "(" + ",".join(parts) + ")"
    return text


def _number(r: _Reader) -> str:
    tok = r.peek()
    if tok is None or tok.kind != "number":
        raise r.error()
    r.i += 1
    return tok.text


def _signature_types(r: _Reader) -> tuple[str, ...]:
    """`(type, …)` after a function's name."""
    r.expect("(")
    types: list[str] = []
    while not r.take(")"):
        if types:
            r.expect(",")
        types.append(_type(r))
    return tuple(types)


def signature(text: str) -> FunctionSignature:
    """`f(type, …)` as written in DESCRIBE, GRANT … ON FUNCTION and SHOW GRANTS ON FUNCTION."""
    r = _Reader(text)
    name = r.qname()
    sig = FunctionSignature(name, _signature_types(r))
    r.done()
    return sig


def parse_drop(sql: str, kind: str = "FUNCTION") -> DropFunction:
    """DROP FUNCTION | PROCEDURE [IF EXISTS] f(types)."""
    r = _Reader(sql)
    r.expect("DROP")
    r.expect(kind)
    if_exists = r.word("IF", "EXISTS")
    name = r.qname()
    sig = FunctionSignature(name, _signature_types(r))
    r.done()
    return DropFunction(sig, if_exists)


def parse_alter(sql: str, kind: str = "FUNCTION") -> AlterFunction:
    """ALTER FUNCTION | PROCEDURE [IF EXISTS] f(types) RENAME TO g | SET COMMENT = '…' | UNSET COMMENT
    | [UN]SET SECURE; a procedure also EXECUTE AS OWNER | CALLER."""
    r = _Reader(sql)
    r.expect("ALTER")
    r.expect(kind)
    if_exists = r.word("IF", "EXISTS")
    sig = FunctionSignature(r.qname(), _signature_types(r))
    if r.word("RENAME", "TO"):
        new = r.qname()
        r.done()
        return AlterFunction(sig, "RENAME", if_exists, new_name=new)
    if r.word("SET", "COMMENT"):
        r.expect("=")
        comment = r.string()
        r.done()
        return AlterFunction(sig, "SET COMMENT", if_exists, comment=comment)
    actions: tuple[str, ...] = ("UNSET COMMENT", "SET SECURE", "UNSET SECURE")
    if kind == "PROCEDURE":
        actions += ("EXECUTE AS OWNER", "EXECUTE AS CALLER")
    for action in actions:
        if r.word(*action.split()):
            r.done()
            return AlterFunction(sig, action, if_exists)  # type: ignore[arg-type]
    raise r.error()


def parse_create(sql: str, kind: str = "FUNCTION") -> CreateFunction:
    """CREATE [OR REPLACE] [SECURE] [TEMPORARY] FUNCTION | PROCEDURE [IF NOT EXISTS] f(arg type [DEFAULT expr], …)
    RETURNS type [[NOT] NULL] | TABLE (col type, …) [properties] AS body."""
    r = _Reader(sql)
    r.expect("CREATE")
    or_replace = r.word("OR", "REPLACE")
    secure = temporary = False
    while True:
        if r.word("SECURE"):
            secure = True
        elif r.word("TEMPORARY") or r.word("TEMP"):
            temporary = True
        else:
            break
    r.expect(kind)
    if_not_exists = r.word("IF", "NOT", "EXISTS")
    name = r.qname()
    args = _arguments(r)
    if r.word("COPY", "GRANTS"):
        copy_grants = True
    else:
        copy_grants = False
    r.expect("RETURNS")
    returns: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    if r.word("TABLE"):
        columns = _columns(r)
    else:
        returns = _type(r)
    fields = _properties(r)
    if r.word("AS"):
        body = r.string()
    elif fields.language.upper() == "SQL":  # a handler in a staged file (IMPORTS) needs no body
        raise r.error()
    else:
        body = ""
    r.done()
    return CreateFunction(name, args, returns, columns, body, or_replace, if_not_exists, secure, temporary,
                          fields.not_null, fields.language, fields.volatility, fields.memoizable, fields.comment,
                          copy_grants or fields.copy_grants, fields.options, fields.execute_as, fields.values,
                          fields.strict)


def _arguments(r: _Reader) -> tuple[FunctionArg, ...]:
    r.expect("(")
    args: list[FunctionArg] = []
    while not r.take(")"):
        if args:
            r.expect(",")
        arg_name, arg_type = r.ident(), _type(r)
        default = r.balanced_text((",", ")")) if r.word("DEFAULT") else None
        args.append(FunctionArg(arg_name, arg_type, default))
    return tuple(args)


def _columns(r: _Reader) -> tuple[tuple[str, str], ...]:
    r.expect("(")
    cols: list[tuple[str, str]] = []
    while not r.take(")"):
        if cols:
            r.expect(",")
        cols.append((r.ident(), _type(r)))
    return tuple(cols)


@dataclass
class _Fields:
    not_null: bool = False
    language: str = "SQL"
    volatility: Literal["VOLATILE", "IMMUTABLE"] = "VOLATILE"
    memoizable: bool = False
    comment: str | None = None
    copy_grants: bool = False
    options: tuple[str, ...] = ()
    execute_as: str = "OWNER"
    values: tuple[tuple[str, str], ...] = ()
    strict: bool = False


def _properties(r: _Reader) -> _Fields:
    """The properties between the return type and AS, in any order."""
    f = _Fields()
    options: list[str] = []
    values: list[tuple[str, str]] = []
    while (tok := r.peek()) is not None and not (tok.kind == "ident" and tok.text.upper() == "AS"):
        if r.word("NOT", "NULL"):
            f.not_null = True
        elif r.word("NULL"):
            f.not_null = False
        elif r.word("LANGUAGE"):
            f.language = r.ident()
        elif r.word("IMMUTABLE"):
            f.volatility = "IMMUTABLE"
        elif r.word("VOLATILE"):
            f.volatility = "VOLATILE"
        elif r.word("MEMOIZABLE"):
            f.memoizable = True
        elif r.word("COPY", "GRANTS"):
            f.copy_grants = True
        elif r.word("EXECUTE", "AS"):  # a procedure's rights
            f.execute_as = _rights(r)
        elif r.word("COMMENT"):
            r.expect("=")
            f.comment = r.string()
        elif r.word("CALLED", "ON", "NULL", "INPUT"):
            options.append("NULL INPUT")
            f.strict = False
        elif r.word("RETURNS", "NULL", "ON", "NULL", "INPUT") or r.word("STRICT"):
            options.append("NULL INPUT")
            f.strict = True
        elif tok.kind == "ident":  # HANDLER = '…', RUNTIME_VERSION = '…', PACKAGES = (…), …
            r.i += 1
            options.append(tok.text.upper())
            if r.take("="):
                values.append((tok.text.upper(), r.balanced_text(("AS", "COMMENT", "HANDLER", "PACKAGES", "IMPORTS", "RUNTIME_VERSION",
                                 "TARGET_PATH", "LANGUAGE", "SECRETS", "EXTERNAL_ACCESS_INTEGRATIONS",
                                 "IMMUTABLE", "VOLATILE", "MEMOIZABLE", "STRICT", "CALLED",
                                                            "RETURNS", "NOT", "NULL", "COPY", "EXECUTE"))))
        else:
            raise r.error()
    f.options = tuple(options)
    f.values = tuple(values)
    return f


def _rights(r: _Reader) -> str:
    """EXECUTE AS OWNER | CALLER | RESTRICTED CALLER."""
    for rights in ("OWNER", "CALLER", "RESTRICTED CALLER"):
        if r.word(*rights.split()):
            return rights
    raise r.error()


def parse_call(sql: str) -> tuple[QualifiedName, tuple[str, ...]]:
    """CALL p(arg, …): the procedure's name and each argument's expression text."""
    r = _Reader(sql)
    r.expect("CALL")
    name = r.qname()
    r.expect("(")
    args: list[str] = []
    while not r.take(")"):
        if args:
            r.expect(",")
        args.append(r.balanced_text((",", ")")))
    r.done()
    return name, tuple(args)
