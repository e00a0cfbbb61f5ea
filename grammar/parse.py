"""The parser: one lazily built Lark LALR instance, `parse(text)`, and Snowflake-shaped syntax errors."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from types import ModuleType
from typing import TYPE_CHECKING

from snowreg.errors import Error, ProgrammingError, moved, nested_too_deeply, not_supported, syntax_error
from snowreg.grammar import ast, generated
from snowreg.grammar.shape import lift, plain_select
from snowreg.grammar.text import outside_literals

if TYPE_CHECKING:  # Lark is imported on the first statement that needs it: a plain SELECT does not
    from lark import Lark, Token
    from lark.exceptions import UnexpectedInput

    from snowreg.grammar.build import BuildError

_CACHE_TEXT_LIMIT = 4096  # longer texts are parsed every time instead of being kept
# Spaces and comments before a statement's first word. Each is taken whole and never given back (an atomic
# group, repeated possessively): with plain `(?:\s+|--[^\n]*|…)*` a failed match tried every way of cutting
# a run of spaces or a `-- ------` banner into pieces, 2^n of them, and held the process for hours.
_GAP = r"(?>\s+|--[^\n]*|//[^\n]*|/\*[\s\S]*?\*/)*+"
# Past spaces and comments, the token a syntax error names: a word, or one other character.
_NEXT_TOKEN = re.compile(_GAP + r"(\$\$|\w[\w$]*|\S)?")
# Model monitors (ML Observability) need a warehouse and scheduled refreshes, which snowreg does not
# have. Their statements start like CREATE / ALTER / DROP / DESCRIBE MODEL, so the grammar reads
# `MONITOR` as a model's name and fails on the word after it; where that happens, the statement is
# refused by name instead (a model named MONITOR still parses: it never fails).
_SPACE = r"(?>\s+|--[^\n]*\n|/\*[\s\S]*?\*/)++"
_MODEL_MONITOR = re.compile(
    rf"(?:{_SPACE})?(CREATE(?:{_SPACE}OR{_SPACE}REPLACE)?|ALTER|DROP|DESC(?:RIBE)?)"
    rf"{_SPACE}MODEL{_SPACE}MONITOR(?![\w$])", re.I)
_SEMICOLON = re.compile(";")
# SHOW commands of objects snowreg does not emulate (https://docs.snowflake.com/en/sql-reference/sql/show): refused
# by name where the grammar, which knows only the emulated ones, stops at the object kind (DECISIONS.md K64)
_UNEMULATED_SHOW = re.compile(rf"(?:{_SPACE})?SHOW{_SPACE}(?:TERSE{_SPACE})?(?P<kind>(?:" + "|".join(
    k.replace(" ", _SPACE) for k in (
        "AGGREGATION POLICIES", "ALERTS", "API INTEGRATIONS", "APPLICATION PACKAGES", "APPLICATION ROLES",
        "APPLICATIONS", "AUTHENTICATION POLICIES", "CATALOG INTEGRATIONS", "CHANNELS", "CONNECTIONS", "CONTACTS",
        "CORTEX SEARCH SERVICES", "DATA METRIC FUNCTIONS", "DATABASE ROLES", "DATASETS", "DBT PROJECTS",
        "DELEGATED AUTHORIZATIONS", "EVENT TABLES", "EXTERNAL ACCESS INTEGRATIONS", "EXTERNAL FUNCTIONS",
        "EXTERNAL TABLES", "EXTERNAL VOLUMES", "FAILOVER GROUPS", "GIT BRANCHES", "GIT REPOSITORIES", "GIT TAGS",
        "GLOBAL ACCOUNTS", "HYBRID TABLES", "ICEBERG TABLES", "IMAGE REPOSITORIES", "INDEXES", "INTEGRATIONS",
        "JOIN POLICIES", "LISTINGS", "MANAGED ACCOUNTS", "MASKING POLICIES", "NETWORK POLICIES", "NETWORK RULES",
        "NOTEBOOKS", "NOTIFICATION INTEGRATIONS", "ORGANIZATION ACCOUNTS", "ACCOUNTS", "PACKAGES POLICIES",
        "PASSWORD POLICIES", "PIPES", "PRIVACY POLICIES", "PROJECTION POLICIES", "REGIONS", "RELEASE CHANNELS",
        "RELEASE DIRECTIVES", "REPLICATION ACCOUNTS", "REPLICATION DATABASES", "REPLICATION GROUPS",
        "RESOURCE MONITORS", "ROW ACCESS POLICIES", "SECRETS", "SECURITY INTEGRATIONS", "SEMANTIC VIEWS",
        "SESSION POLICIES", "SHARES", "SNAPSHOTS", "STORAGE INTEGRATIONS", "STREAMLITS")) + r"))(?![\w$])", re.I)
# A text that may open with a Snowflake Scripting block (grammar.scripting decides).
_MAY_BE_BLOCK = re.compile(_GAP + r"(?:BEGIN|DECLARE)(?![\w$])", re.I)
# …and a transaction's BEGIN, told apart without loading the Scripting reader
_BEGIN_TRANSACTION = re.compile(r"\s*BEGIN(?:\s+(?:WORK|TRANSACTION))?(?:\s+NAME\s+[\w$\"]+)?\s*(?:;\s*)?\Z", re.I)
# An anonymous procedure (https://docs.snowflake.com/en/sql-reference/sql/call-with): not emulated.
_ANONYMOUS_PROCEDURE = re.compile(r"\s*WITH\s+(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][\w$]*)\s+AS\s+PROCEDURE\b", re.I)
_MAY_BE_PROCEDURE = re.compile(r"\s*CREATE\s[\s\S]*?\b(?:PROCEDURE|TASK)\b[\s\S]*\bAS\s+(?:BEGIN|DECLARE)\b", re.I)


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
    from lark import Lark
    from lark import lexer as lark_lexer

    grammar = resources.files(__package__).joinpath("snowreg.lark").read_text(encoding="utf-8")
    options = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True,
               "maybe_placeholders": True, "postlex": _AlwaysWord(), "strict": strict}
    if strict:
        return Lark(grammar, **options)
    # Lark analyses every pair of regex terminals for overlaps whenever interegular is installed.
    # That is a grammar-development check, which the tests run in strict mode; skipping it at run
    # time makes building the parser (on the first parse) several times faster.
    saved = lark_lexer.has_interegular
    lark_lexer.has_interegular = False
    try:
        cache = _cache_file(grammar)
        if cache is not None:
            try:
                return Lark(grammar, **options, cache=cache)
            except OSError:
                pass
        return Lark(grammar, **options)
    finally:
        lark_lexer.has_interegular = saved


def _cache_file(grammar: str) -> str | None:
    """Lark's parse tables, kept in the user's own cache directory. The cache is a pickle, so it is
    used only from a directory that is this user's alone (owner-only permissions, not a link) and
    a file only this user can write; anything else is not read. The file name carries a hash of the
    grammar, so installs with different grammars do not overwrite each other's tables (Lark also
    checks the grammar and options inside the file). SNOWREG_NO_GRAMMAR_CACHE=1 turns it off."""
    if os.environ.get("SNOWREG_NO_GRAMMAR_CACHE") or not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "snowreg")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private(folder, directory=True):
            return None
        digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
        path = os.path.join(folder, f"grammar-lalr-{digest}.cache")
        if os.path.lexists(path) and not _private(path, directory=False):
            os.unlink(path)  # planted or loosened: never unpickle it; Lark writes a fresh one
    except OSError:
        return None
    return path


def _private(path: str, *, directory: bool) -> bool:
    """Owned by this user, not a link, and writable by no one else (a directory: no access for others)."""
    st = os.lstat(path)
    kind_ok = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
    others = 0o077 if directory else 0o022
    return kind_ok and st.st_uid == os.getuid() and not st.st_mode & others


@lru_cache(maxsize=1)
def parser() -> Lark:
    """The module's single parser, built on first use."""
    return build_parser()


def parse(text: str) -> list[ast.Statement]:
    """Parse one or more `;`-separated statements; raises ProgrammingError 001003 on bad syntax."""
    if _ANONYMOUS_PROCEDURE.match(text):
        raise not_supported("An anonymous procedure (WITH … AS PROCEDURE … CALL)")
    if len(text) <= _CACHE_TEXT_LIMIT:  # texts that differ only in generated names share one parse
        return list(generated.shared(text, _parse_cached, ("parse",)))
    if _MAY_BE_BLOCK.match(text) and _scripting().starts_block(text):
        return list(_block(text))
    if _MAY_BE_PROCEDURE.match(text):
        return list(_procedure_body(text))
    return list(_parse(text))


@lru_cache(maxsize=512)
def _parse_cached(text: str) -> tuple[ast.Statement, ...]:
    # The AST is immutable, so a statement the client sends again and again is parsed only once.
    plain = plain_select(text)
    if plain is not None:  # one chunk of plain SQL to the grammar: no parser needed
        return (_plain_query(text, *plain),)
    if _MAY_BE_BLOCK.match(text) and not _BEGIN_TRANSACTION.match(text) and _scripting().starts_block(text):
        return _block(text)
    if _MAY_BE_PROCEDURE.match(text):
        return _procedure_body(text)
    shape = lift(text)
    if shape is None:
        return _parse(text)
    known = _query_shapes.get(shape.key)
    if known is not None:  # a plain query of a known shape: only its text differs
        query, start, end = known
        return (ast.Query(query.verb, ast.Template((text[start:end],)), (), query.span),)
    statements = _parse(text)
    _remember_shape(shape.key, text, statements)
    return statements


# Shape key (grammar.shape) → a plain query of that shape and where its text stands. Only one plain
# statement without model calls is kept: literals never change how the grammar reads such a text,
# and an AST of it holds nothing but its text. Bounded: cleared when full.
_query_shapes: dict[str, tuple[ast.Query, int, int]] = {}


def _remember_shape(key: str, text: str, statements: tuple[ast.Statement, ...]) -> None:
    if len(statements) != 1 or not isinstance(query := statements[0], ast.Query) or query.model_aliases \
            or len(query.body.parts) != 1 or not isinstance(query.body.parts[0], str):
        return
    start, end = query.span.start, query.span.end
    if text[start:end] != query.body.parts[0]:
        return
    if len(_query_shapes) >= 1024:
        _query_shapes.clear()
    _query_shapes[key] = (query, start, end)


def _scripting() -> ModuleType:
    """The Scripting reader loads with the first text that may hold a block, not with the parser."""
    from snowreg.grammar import scripting

    return scripting


def _block(text: str) -> tuple[ast.Statement, ...]:
    """A Scripting block sent as a statement, and the statements after it (a block ends at `END;`)."""
    opened = _MAY_BE_BLOCK.match(text)
    assert opened is not None
    start = opened.end() - (5 if text[opened.end() - 5:opened.end()].upper() == "BEGIN" else 7)
    line_start = text.rfind("\n", 0, start) + 1
    span = ast.Span(start, start, text.count("\n", 0, start) + 1, start - line_start)
    try:
        _, length = _scripting().parse_block(text[start:])
    except Error as e:  # positions in the block → positions in the text
        raise (moved(e, span.line - 1, span.column) if start else e) from None
    end = start + length
    span = ast.Span(start, end, span.line, span.column)
    rest = text[end:]
    return (ast.AnonymousBlock(text[start:end], span), *(_parse_cached(rest) if rest.strip() else ()))


def _procedure_body(text: str) -> tuple[ast.Statement, ...]:
    """CREATE PROCEDURE … AS <block> with the block written without delimiters: the statement as if the
    block were a string literal, and the statements after it."""
    try:
        found = _scripting().unquoted_body(text)
    except Error as e:  # a body that does not parse: positions in the block → positions in the text
        opened = re.search(r"\bAS\s+(?=BEGIN|DECLARE)", text, re.I)
        start = opened.end() if opened else 0
        line_start = text.rfind("\n", 0, start) + 1
        raise moved(e, text.count("\n", 0, start), start - line_start) from None
    if found is None:
        return _parse(text)
    start, end = found
    quoted = "'" + text[start:end].replace("\\", "\\\\").replace("'", "''") + "'"
    statements = _parse(text[:start] + quoted)
    rest = text[end:]
    return (*statements, *(_parse_cached(rest) if rest.strip() else ()))


def _plain_query(text: str, start: int, end: int) -> ast.Query:
    """The AST the grammar gives a lone plain SELECT (grammar.shape.plain_select) standing at start:end."""
    line_start = text.rfind("\n", 0, start) + 1
    span = ast.Span(start, end, text.count("\n", 0, start) + 1, start - line_start)
    return ast.Query("SELECT", ast.Template((text[start:end],)), (), span)


def _parse(text: str) -> tuple[ast.Statement, ...]:
    from lark.exceptions import UnexpectedInput, VisitError

    from snowreg.grammar.build import Builder, BuildError

    try:
        tree = parser().parse(text)
    except UnexpectedInput as e:
        raise _unemulated(text, e.pos_in_stream or 0) or _from_lark(e, text) from None
    try:
        return tuple(Builder(text).transform(tree))
    except VisitError as e:
        if isinstance(e.orig_exc, BuildError):
            raise _from_build(e.orig_exc, text) from None
        raise e.orig_exc from None
    except BuildError as e:  # raised from Builder.__default__, which Lark does not wrap
        raise _from_build(e, text) from None
    except RecursionError:  # nesting deeper than the tree walk can follow
        raise nested_too_deeply() from None


def _unemulated(text: str, pos: int) -> Error | None:
    """The "not supported" error of a model-monitor statement, or of a SHOW of objects snowreg does not emulate,
    whose syntax error stands at `pos`."""
    start = max((m.end() for m in outside_literals(_SEMICOLON, text[:pos])), default=0)
    show = _UNEMULATED_SHOW.match(text, start)
    if show is not None and show.start("kind") == pos:
        return not_supported(f"The statement SHOW {' '.join(show.group('kind').upper().split())}")
    m = _MODEL_MONITOR.match(text, start)
    if m is None:
        return None
    verb = {"DESC": "DESCRIBE"}.get(word := m.group(1).split()[0].upper(), word)  # CREATE OR REPLACE: CREATE
    return not_supported(f"The statement {verb} MODEL MONITOR (ML Observability: model monitors, which need a "
                         "warehouse and scheduled refreshes)")


_AT_EOF = re.compile(r"syntax error line (\d+) at position (\d+) unexpected '<EOF>'\.")


def at_semicolon(error: Error, text: str) -> None:
    """A statement that ends too soon (`SELECT 1 +;`) was read without its `;`: Snowflake reports the `;`
    where the text has it, `unexpected ';'`, where the end of the text is `'<EOF>'`."""
    m = _AT_EOF.search(error.msg) if error.errno == 1003 else None
    if m is None:
        return
    line, position = int(m.group(1)), int(m.group(2))
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
    after = re.compile(r"\s*;").match(text, start + position)
    if after is None or start + position > len(text):
        return
    at = after.end() - 1
    line, position = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1)
    error.msg = error.msg.replace(m.group(0), f"syntax error line {line} at position {position} unexpected ';'.")
    error.args = (error.msg,)
    if error.line is not None:
        error.line, error.column = line, position


def error_at(text: str, pos: int, token: str) -> ProgrammingError:
    """001003 at offset `pos` of `text`, with `excerpt`: the source line and a caret under `pos`."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    source_line = text[line_start : line_end if line_end >= 0 else len(text)]
    column = pos - line_start
    err = syntax_error(text.count("\n", 0, pos) + 1, column, token)
    err.excerpt = f"{source_line}\n{' ' * column}^"
    return err


def _from_lark(e: UnexpectedInput, text: str) -> ProgrammingError:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(e, UnexpectedToken):
        token = e.token
        if token.type == "$END":
            # Lark gives $END the last token's position; the error names the end of that token.
            end = token.end_pos if token.end_pos is not None else 0
            return error_at(text, end, "<EOF>")
        start = token.start_pos or 0
        # A chunk of plain SQL is reported by its first word, as Snowflake reports one token.
        err = _at_token(text, start) if token.type == "TEXT" else error_at(text, start, str(token))
        err.hint = _did_you_mean(str(token), e.accepts or e.expected) if token.type == "WORD" else None
        return err
    if isinstance(e, UnexpectedCharacters):
        return _at_token(text, e.pos_in_stream or 0)
    return error_at(text, len(text), "<EOF>")


def _did_you_mean(word: str, accepted: set[str]) -> str | None:
    """`Did you mean VERSION?` when a misspelt word stands where the grammar wants a keyword like it."""
    keywords = keyword_terminals()
    wanted = sorted(keywords[t] for t in accepted if t in keywords)
    close = difflib.get_close_matches(word.upper(), wanted, n=1, cutoff=0.75)
    return f"Did you mean {close[0]}?" if close and close[0] != word.upper() else None


@lru_cache(maxsize=1)
def keyword_terminals() -> dict[str, str]:
    """Terminal name → keyword (upper case) for every keyword of the grammar."""
    from lark.lexer import PatternStr

    return {t.name: t.pattern.value.upper() for t in parser().terminals
            if isinstance(t.pattern, PatternStr) and t.pattern.value.replace("_", "").isalpha()}


def _from_build(e: BuildError, text: str) -> ProgrammingError:
    return error_at(text, e.pos, e.token) if e.token is not None else _at_token(text, e.pos)


def _at_token(text: str, pos: int) -> ProgrammingError:
    """The syntax error for the token at `pos`, or after the spaces and comments there."""
    m = _NEXT_TOKEN.match(text, pos)
    if m is None or m.group(1) is None:
        return error_at(text, len(text), "<EOF>")
    return error_at(text, m.start(1), m.group(1))
