"""The parser: one lazily built Lark LALR instance, `parse(text)`, and Snowflake-shaped syntax errors."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from snowreg.errors import ProgrammingError, syntax_error

from . import ast
from .build import BuildError, Builder

_CACHE_TEXT_LIMIT = 4096  # longer texts are parsed every time instead of being kept


class _AlwaysWord:
    """Post-lexer that only makes WORD acceptable in every parser state.

    With the contextual lexer a keyword is then recognised only where the grammar expects it; a
    word that is not valid at that point reaches the parser as a WORD and is reported as the
    unexpected token (rather than being cut into a known keyword and some leftover letters).
    """

    always_accept = ("WORD",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return stream


def build_parser(*, strict: bool = False) -> Lark:
    """A new parser for the registry dialect (`strict=True` also fails on any grammar conflict)."""
    grammar = resources.files(__package__).joinpath("snowreg.lark").read_text(encoding="utf-8")
    return Lark(
        grammar,
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=True,
        postlex=_AlwaysWord(),
        strict=strict,
    )


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The module's single parser, built on first use."""
    return build_parser()


def parse(text: str) -> list[ast.Statement]:
    """Parse one or more `;`-separated statements; raises ProgrammingError 001003 on bad syntax."""
    if len(text) <= _CACHE_TEXT_LIMIT:
        return list(_parse_cached(text))
    return list(_parse(text))


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> tuple[ast.Statement, ...]:
    # The AST is immutable, so a statement the client sends again and again is parsed only once.
    return _parse(text)


def _parse(text: str) -> tuple[ast.Statement, ...]:
    try:
        tree = parser().parse(text)
    except UnexpectedInput as e:
        raise _from_lark(e, text) from None
    try:
        return tuple(Builder(text).transform(tree))
    except VisitError as e:
        if isinstance(e.orig_exc, BuildError):
            raise error_at(text, e.orig_exc.pos, e.orig_exc.token) from None
        raise e.orig_exc from None
    except RecursionError:
        raise error_at(text, 0, _first_word(text)) from None


def error_at(text: str, pos: int, token: str) -> ProgrammingError:
    """001003 at offset `pos` of `text`, with `excerpt`: the source line and a caret under `pos`."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    source_line = text[line_start : line_end if line_end >= 0 else len(text)]
    column = pos - line_start
    err = syntax_error(text.count("\n", 0, pos) + 1, column, token)
    err.excerpt = f"{source_line}\n{' ' * column}^"  # type: ignore[attr-defined]
    return err


def _from_lark(e: UnexpectedInput, text: str) -> ProgrammingError:
    if isinstance(e, UnexpectedToken):
        token = e.token
        if token.type == "$END":
            # Lark places $END on the last token; Snowflake reports the end of the input.
            end = token.end_pos if token.end_pos is not None else 0
            return error_at(text, end, "<EOF>")
        return error_at(text, token.start_pos or 0, str(token))
    if isinstance(e, UnexpectedCharacters):
        return error_at(text, e.pos_in_stream, _first_word(text[e.pos_in_stream :]))
    return error_at(text, len(text), "<EOF>")


def _first_word(text: str) -> str:
    stripped = text.lstrip()
    if not stripped:
        return "<EOF>"
    end = 1
    while end < len(stripped) and (stripped[end].isalnum() or stripped[end] in "_$") and (
        stripped[0].isalnum() or stripped[0] in "_$"
    ):
        end += 1
    return stripped[:end]
