"""SQL text for people: tokens, statements split at top-level `;`, error positions and caret excerpts.

Shared by the REPL (highlighting, completion, "is this statement complete?") and `snowreg check`
(one statement at a time, so one syntax error does not hide the rest of a script). Pure Python: no
prompt_toolkit here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from snowreg import errors
from snowreg.grammar.text import offset_of

# Token kinds: ws, comment, string, dollar, qident, variable, number, word, stage, file, punct, semicolon.
_TOKEN = re.compile(
    r"""
     (?P<ws>\s+)
    |(?P<comment>--[^\n]*|//[^\n]*|/\*[\s\S]*?(?:\*/|\Z))
    |(?P<dollar>\$\$[\s\S]*?(?:\$\$|\Z))
    |(?P<string>'(?:[^'\\]|\\[\s\S]|'')*'?)
    |(?P<qident>"(?:[^"]|"")*"?)
    |(?P<variable>\$[A-Za-z0-9_][\w$]*)
    |(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<file>file://[^\s;]*)
    |(?P<word>[A-Za-z_][\w$]*)
    |(?P<stage>@[^\s;,()]*)
    |(?P<semicolon>;)
    |(?P<punct>::|=>|->>|->|!=|<>|<=|>=|\|\||[\s\S])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def significant(self) -> bool:
        return self.kind not in ("ws", "comment")

    @property
    def closed(self) -> bool:
        """False for a string, quoted name or comment still open at the end of the text."""
        if self.kind == "string":
            return len(self.text) >= 2 and self.text.endswith("'") and not _odd_tail(self.text)
        if self.kind == "qident":
            return len(self.text) >= 2 and self.text.endswith('"') and not _odd_tail(self.text, '"')
        if self.kind == "dollar":
            return len(self.text) >= 4 and self.text.endswith("$$")
        if self.kind == "comment" and self.text.startswith("/*"):
            return len(self.text) >= 4 and self.text.endswith("*/")
        return True

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else self.text


def _odd_tail(text: str, quote: str = "'") -> bool:
    """True when the closing quote is really the first half of an escaped (doubled) quote."""
    body = text[1:]
    if quote == "'":
        body = re.sub(r"\\[\s\S]", "", body)
    run = len(body) - len(body.rstrip(quote))
    return run % 2 == 0


def tokenize(text: str) -> list[Token]:
    """All tokens of a text, whitespace and comments included, covering it without gaps."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        assert kind is not None
        out.append(Token(kind, m.group(), m.start()))
    return out


@dataclass(frozen=True, slots=True)
class Piece:
    """One statement of a script: its text (without the `;`) and where it starts in the script."""

    text: str
    start: int


def split_statements(text: str) -> list[Piece]:
    """The statements of a script, split at semicolons outside strings, quoted names and comments.

    Leading whitespace is left out of each piece; pieces holding only comments are dropped. A Snowflake
    Scripting block (`[DECLARE …] BEGIN … END;`) is one piece, its inner semicolons kept: the whole
    block up to its `END;`, or, when it does not parse, the rest of the script (whose error then shows).
    A REPL command (`!set …`, `!source …`: a `!` where a statement starts) is a piece of its own line, as
    snowsql reads scripts (`is_command`).
    """
    pieces: list[Piece] = []
    begin = 0
    has_code = False
    skip_to = 0
    for tok in tokenize(text):
        if tok.start < skip_to:
            continue
        if not has_code and tok.text == "!":
            line_end = text.find("\n", tok.start)
            line_end = len(text) if line_end < 0 else line_end
            pieces.append(_piece(text, tok.start, line_end))
            begin, skip_to = line_end, line_end
            continue
        end = _block_end(text, tok.start, tok.upper) if not has_code and tok.kind == "word" else None
        if end is not None:
            pieces.append(_piece(text, begin, end - 1 if text[end - 1:end] == ";" else end))
            begin, skip_to = end, end
            continue
        if tok.kind == "semicolon":
            if has_code:
                pieces.append(_piece(text, begin, tok.start))
            begin, has_code = tok.end, False
        elif tok.significant:
            has_code = True
    if has_code:
        pieces.append(_piece(text, begin, len(text)))
    return pieces


def is_command(piece: Piece) -> bool:
    """Whether a piece of a script is a REPL command (`!set …`) rather than SQL."""
    return piece.text.startswith("!")


def command_error(piece: Piece) -> str:
    """What `snowreg run` and `check` say of a REPL command in a script (they take SQL only)."""
    name = piece.text.split(maxsplit=1)[0]
    return f"{name} is a command of snowreg repl, not SQL (the REPL's !source runs this script)"


def _block_end(text: str, start: int, word: str) -> int | None:
    """Where a block (or CREATE PROCEDURE … AS <block>) starting at `start` ends (after its `;`), the end of
    the text when it does not parse, or None when no block starts there."""
    if word not in ("BEGIN", "DECLARE", "CREATE"):
        return None
    from snowreg.grammar.scripting import (  # loads with the first block
        parse_block,
        starts_block,
        unquoted_body,
    )

    rest = text[start:]
    try:
        if word in ("BEGIN", "DECLARE") and starts_block(rest):
            return start + parse_block(rest)[1]
        if word == "CREATE" and _unquoted_body(rest):
            found = unquoted_body(rest)
            return None if found is None else start + found[1]
    except errors.Error:
        return len(text)
    return None


def _unquoted_body(text: str) -> bool:
    """Whether a statement may be CREATE PROCEDURE … AS <block> with the block written without delimiters."""
    from snowreg.grammar.scripting import PROCEDURE_HEAD

    return PROCEDURE_HEAD.match(text) is not None and _AS_BLOCK.search(text) is not None


def _piece(text: str, begin: int, end: int) -> Piece:
    chunk = text[begin:end]
    stripped = chunk.lstrip()
    return Piece(stripped.rstrip(), begin + len(chunk) - len(stripped))


# `AS BEGIN` / `AS DECLARE`: a procedure's body written without delimiters follows
_AS_BLOCK = re.compile(r"\bAS\s+(?=(?:BEGIN|DECLARE)\b)", re.I)


def is_complete(text: str) -> bool:
    """Whether a REPL buffer is ready to run: a `!command`, or SQL whose last token is a closing `;`."""
    stripped = text.strip()
    if not stripped or stripped.startswith("!") or bare_command(stripped):
        return True
    tokens = [t for t in tokenize(text) if t.significant or not t.closed]
    if tokens and tokens[0].kind == "word" and tokens[0].upper in ("BEGIN", "DECLARE") \
            and _starts_block(text[tokens[0].start:]):
        return _block_complete(text[tokens[0].start:])
    if tokens and tokens[0].upper == "CREATE" and _unquoted_body(text[tokens[0].start:]):
        body = _AS_BLOCK.search(text)
        return body is not None and _block_complete(text[body.end():])
    return bool(tokens) and tokens[-1].kind == "semicolon"


def bare_command(text: str) -> str | None:
    """`exit`, `quit` or `help` typed at the prompt without the `!` (as psql accepts them; none is SQL in
    Snowflake): the command, or None."""
    word = text.strip().rstrip(";").strip().lower()
    return word if word in ("exit", "quit", "help") else None


def _starts_block(text: str) -> bool:
    from snowreg.grammar.scripting import starts_block

    return starts_block(text)


def _block_complete(text: str) -> bool:
    """A block is complete at its closing `END;` (or once it is wrong before its end: the error shows)."""
    from snowreg.grammar.scripting import parse_block

    try:
        parse_block(text)
    except errors.Error as e:
        return "'<EOF>'" not in e.msg and text.rstrip().endswith(";")
    return text.rstrip().endswith(";")


def error_offset(error: errors.Error, text: str) -> int | None:
    """Where in `text` (the text the statement was parsed from) an error points, or None when it does
    not say. Positions come from the error alone: the parser's, or the AST node the engine placed it at."""
    if error.line is None or error.column is None:
        return None
    return offset_of(text, error.line, error.column)


def one_line(message: str) -> str:
    """A multi-line Snowflake message on one line (`SQL compilation error: …`)."""
    return " ".join(part.strip() for part in message.split("\n") if part.strip())
