"""Context-aware completion for the REPL: keywords by grammar position, and the registry's own objects.

Keywords come from the parser itself: Lark's interactive parser is fed the statement up to the word
being typed and asked which terminals it accepts there. Objects depend on the words before the cursor:
databases, schemas, models (also inside `MODEL(…)`), versions and aliases after `VERSION` (of the model
named earlier) and inside `MODEL(m, …)`, methods after `!`, roles after `ROLE`, privileges after `GRANT` /
`REVOKE`, tables after `FROM`, the columns of the statement's tables inside a query, and session
variables after `$`. Where only a name can stand (inside `MODEL(…)`,
after `!`, after `VERSION`) no keyword is offered; inside a condition (`WHERE`, `ON`, `HAVING`,
`QUALIFY`) only what makes an expression: columns, models, functions and expression words, then the
operators and clauses that may follow an operand. A line starting with `!` completes the REPL's
commands, and file names after `!source` / `!load`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from snowreg.engine import api
from snowreg.grammar.text import quote_ident
from snowreg.grammar.text import resolve_ident as ident_text
from snowreg.repl_objects import Objects
from snowreg.repl_text import Token, tokenize

NAMES = ("word", "qident")
PATH_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # a path element written bare (`v:key`); others are quoted
# Offered inside plain SQL, where the grammar only sees a "soup" of tokens.
SOUP_KEYWORDS = (
    "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CROSS", "DESC", "DISTINCT", "ELSE", "END", "EXCEPT", "FROM",
    "FULL", "GROUP", "HAVING", "ILIKE", "IN", "INNER", "INTERSECT", "IS", "JOIN", "LATERAL", "LEFT", "LIKE",
    "LIMIT", "MODEL", "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION",
    "QUALIFY", "RIGHT", "SELECT", "TABLE", "THEN", "UNION", "USING", "VALUES", "WHEN", "WHERE", "WITH",
)
SOUP_VERBS = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "EXPLAIN", "(")
NOT_ALIASES = frozenset(SOUP_KEYWORDS) | {"SET", "WINDOW", "MINUS", "NATURAL", "SAMPLE", "PIVOT", "UNPIVOT"}
# The REPL's !commands (snowreg.repl handles each) and what they do.
COMMANDS = {
    "help": "list the commands", "source": "run a file's statements", "load": "run a file's statements",
    "set": "output_format=table|csv|json", "why": "explain access to an object", "quit": "leave",
    "exit": "leave",
}
SET_OPTIONS = ("output_format=table", "output_format=csv", "output_format=json")
# Conditions: the clause keywords a top-level `(…)` or clause word opens, and what may stand in one.
CLAUSES = frozenset({"SELECT", "FROM", "JOIN", "ON", "WHERE", "GROUP", "HAVING", "QUALIFY", "ORDER", "LIMIT"})
CONDITIONS = frozenset({"WHERE", "ON", "HAVING", "QUALIFY"})
OPERAND_KEYWORDS = ("CASE", "EXISTS", "FALSE", "MODEL", "NOT", "NULL", "TRUE")
AFTER_OPERAND_KEYWORDS = (
    "AND", "BETWEEN", "EXCEPT", "GROUP", "HAVING", "ILIKE", "IN", "INTERSECT", "IS", "LIKE", "LIMIT", "MINUS",
    "NOT", "OR", "ORDER", "QUALIFY", "UNION",
)
ENDS_OPERAND = frozenset({"NULL", "TRUE", "FALSE", "END"})
# Lists of expressions (the select list, ORDER BY, GROUP BY) and what may follow one of their items; inside a
# call's parentheses only operators follow an argument.
EXPRESSION_LISTS = frozenset({"SELECT", "ORDER", "GROUP"})
OPERATORS = ("AND", "BETWEEN", "ILIKE", "IN", "IS", "LIKE", "NOT", "OR")
FOLLOWS = {
    "SELECT": ("AS", "FROM", "OVER", "WHERE", *AFTER_OPERAND_KEYWORDS),
    "ORDER": ("ASC", "DESC", "NULLS", "LIMIT", "OFFSET"),
    "GROUP": ("HAVING", "QUALIFY", "ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "MINUS", *OPERATORS),
}
# Common Snowflake functions, offered where an expression may start.
FUNCTIONS = (
    "ABS", "ARRAY_SIZE", "AVG", "CEIL", "COALESCE", "CONCAT", "COUNT", "CURRENT_DATE", "CURRENT_TIMESTAMP",
    "DATEADD", "DATEDIFF", "FLOOR", "IFF", "LENGTH", "LOWER", "MAX", "MIN", "NVL", "PARSE_JSON", "ROUND",
    "SQRT", "SUM", "TO_NUMBER", "TO_VARCHAR", "TRIM", "TRY_CAST", "UPPER",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    meta: str


@dataclass
class Position:
    """Where the cursor stands: the statement around it, the name being typed and what precedes it."""

    statement: str  # the whole current statement (also what follows the cursor), without the name being typed
    before: str  # the statement's text before the name being typed
    tokens: list[Token]  # significant tokens of `before`
    qualifier: list[str]  # name parts typed before the last dot: `db.s.` → ["db", "s"]
    partial: str  # the part being typed (may be empty, or an open `"quoted`)


@dataclass
class Context:
    kind: str  # none, model, version, method, role, user, database, schema, use, table, column, operator
    model: list[str] = field(default_factory=list)
    version: str | None = None
    only_names: bool = False  # only objects fit here (inside MODEL(…), after `!` or VERSION): no keywords
    table: bool = False  # after `!`: the call stands in TABLE(…), so only table methods fit (else only scalar ones)
    words: tuple[str, ...] = ()  # keywords that fit: after an operand (operator), or beside an operand's (operand)
    method: str | None = None  # after `m!f(…):`, the method whose outputs key the OBJECT it returns


def position(text: str, cursor: int) -> Position:
    """Split a buffer at the cursor into the current statement and the name being typed."""
    tokens = tokenize(text)
    start = max((t.end for t in tokens if t.kind == "semicolon" and t.end <= cursor), default=0)
    end = min((t.start for t in tokens if t.kind == "semicolon" and t.start >= cursor), default=len(text))
    head = tokenize(text[start:cursor])
    partial = ""
    if head and head[-1].end == cursor - start and (head[-1].kind in ("word", "variable") or head[-1].text == "$"
                                                   or (head[-1].kind == "qident" and not head[-1].closed)):
        partial = head.pop().text
    qualifier: list[str] = []
    while len(head) >= 2 and head[-1].text == "." and head[-2].kind in NAMES and len(qualifier) < 2:
        qualifier.insert(0, head[-2].text)
        head = head[:-2]
    before_end = head[-1].end if head else 0
    before = text[start:start + before_end]
    # The name being typed is left out of the statement: an open `"Qu` would otherwise run on to the next quote
    # (`SELECT "Qu FROM "T"`) and swallow the FROM whose table's columns are wanted.
    statement = text[start:cursor - len(partial)] + text[cursor:end]
    return Position(statement, before, [t for t in head if t.significant], qualifier, partial)


class SqlCompleter(Completer):
    """prompt_toolkit completer over a connection's registry (see `Objects`)."""

    def __init__(self, objects: Objects) -> None:
        self.objects = objects

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        if document.text.lstrip().startswith("!"):
            yield from command_completions(document, complete_event)
            return
        pos = position(document.text, document.cursor_position)
        try:
            found = self.candidates(pos)
        except Exception:  # a completion bug must never take the prompt down: offer nothing instead
            found = []
        for c in found:
            yield Completion(c.text, start_position=-len(pos.partial), display_meta=c.meta)

    def candidates(self, pos: Position) -> list[Candidate]:
        """Objects for the context first, then the keywords the grammar accepts here."""
        if pos.partial.startswith("$"):  # a session variable ($name), wherever a value may stand
            found = [Candidate(f"${name}", "variable") for name in self.objects.variables()]
            return [Candidate(cased(c.text, pos.partial), c.meta) for c in found if matches(c.text, pos.partial)]
        ctx = context(pos)
        found = objects_for(self.objects, ctx, pos)
        if ctx.kind == "operand":
            found += [Candidate(f, "function") for f in FUNCTIONS] if not pos.qualifier else []
            found += [Candidate(k, "keyword") for k in (*OPERAND_KEYWORDS, *ctx.words)] if not pos.qualifier else []
        elif ctx.kind in ("operator", "keywords"):
            found += [Candidate(k, "keyword") for k in ctx.words]
        elif not pos.qualifier and not ctx.only_names:
            found += [Candidate(k, "keyword") for k in keywords_at(pos.before, ctx.kind != "table")]
        seen: set[str] = set()
        out = []
        for c in found:
            if c.text not in seen and matches(c.text, pos.partial):
                seen.add(c.text)
                out.append(Candidate(cased(c.text, pos.partial), c.meta))
        return out


def command_completions(document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
    """`!he` → `!help`; file names after `!source` / `!load`; the options of `!set`."""
    text = document.text_before_cursor.lstrip()
    name, space, rest = text[1:].partition(" ")
    if not space:
        for command, meta in COMMANDS.items():
            if command.startswith(name.lower()):
                yield Completion(command, start_position=-len(name), display_meta=meta)
        return
    if name.lower() in ("source", "load"):
        from prompt_toolkit.completion import PathCompleter

        yield from PathCompleter(expanduser=True).get_completions(Document(rest.lstrip()), complete_event)
    elif name.lower() == "set":
        typed = rest.lstrip()
        for option in SET_OPTIONS:
            if option.startswith(typed.lower().replace(" ", "")):
                yield Completion(option, start_position=-len(typed), display_meta="output format")


def matches(text: str, partial: str) -> bool:
    if partial.startswith('"'):
        return text.startswith(partial)
    return text.upper().startswith(partial.upper())


def cased(text: str, partial: str) -> str:
    """Follow the user's case: lower-case typing gets lower-case keywords and unquoted names."""
    if partial and partial.islower() and not text.startswith('"'):
        return text.lower()
    return text


# ---------------------------------------------------------------------------------------------
# Keywords by grammar position
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def keywords_at(before: str, soup: bool = True) -> tuple[str, ...]:
    """The keywords the grammar accepts after `before` (and, if `soup`, common SQL words in plain SQL)."""
    from lark.exceptions import LarkError

    from snowreg.grammar.parse import keyword_terminals, parser

    try:
        interactive = parser().parse_interactive(before)
        interactive.exhaust_lexer()
        accepted = interactive.accepts()
    except LarkError:
        return ()
    names = keyword_terminals()
    words = {names[t] for t in accepted if t in names}
    if soup and "TEXT" in accepted:
        words.update(SOUP_KEYWORDS)
    return tuple(sorted(words))


# ---------------------------------------------------------------------------------------------
# Which objects fit here
# ---------------------------------------------------------------------------------------------


def context(pos: Position) -> Context:
    """What kind of object the name being typed is, from the words before it."""
    toks = pos.tokens
    if not toks:
        return Context("none")
    if toks[-1].text == "!":
        return _method_context(toks, pos.statement)
    if toks[-1].text == ":" and len(toks) > 1 and toks[-2].text == ")":
        outputs = _outputs_context(toks[:-1], pos.statement)
        if outputs is not None:
            return outputs
    inside = _model_parens(toks)
    if inside is not None:
        return inside
    words = [t.upper for t in toks]
    return _keyword_context(words, toks)


def _keyword_context(words: list[str], toks: list[Token]) -> Context:
    if len(words) > 2 and words[-2:] == ["IF", "EXISTS"]:  # `DROP MODEL IF EXISTS …`: the kind stands before IF
        words, toks = words[:-2], toks[:-2]
    first, prev = words[0], words[-1]
    prev2 = words[-2] if len(words) > 1 else ""
    creating = first == "CREATE" and "FROM" not in words
    simple = {"ROLE": "role", "USER": "user", "DATABASE": "database", "SCHEMA": "schema", "MODEL": "model"}
    if prev in simple:
        return Context("none" if creating else simple[prev])
    if prev == "VERSION":
        if prev2 in ("WITH", "ADD", "LIVE"):
            return Context("none")  # a new version's name
        return Context("version", _model_before(toks), only_names=True)
    if prev == "=" and prev2 == "DEFAULT_VERSION":
        return Context("version", _model_before(toks), only_names=True)
    if prev == "USE":
        return Context("use")
    if (first, prev) in (("GRANT", "TO"), ("REVOKE", "FROM")) and (len(words) < 2 or words[1] != "ROLE"):
        return Context("role")
    if first in ("GRANT", "REVOKE") and "ON" not in words and words[1:2] not in (["ROLE"], ["OWNERSHIP"]):
        return _privilege_context(words)
    if prev in ("FROM", "JOIN", "INTO", "UPDATE") or (prev == "TABLE" and not creating):
        return Context("none" if first in ("ALTER", "CREATE") else "table")
    if first in SOUP_VERBS:
        clause = clause_at(toks)
        if clause in CONDITIONS:
            if ends_operand(toks[-1]):
                return Context("operator", words=AFTER_OPERAND_KEYWORDS)
            return Context("operand", words=("SELECT",) if toks[-1].text == "(" else ())  # a subquery may start
        if clause in EXPRESSION_LISTS:
            return _list_context(clause, words, toks)
        return Context("column")
    return Context("none")


def _list_context(clause: str, words: list[str], toks: list[Token]) -> Context:
    """In the select list, ORDER BY or GROUP BY: an expression, then what may follow it there."""
    prev = words[-1]
    if prev in ("ORDER", "GROUP"):
        return Context("keywords", words=("BY",))
    if prev == "NULLS":
        return Context("keywords", words=("FIRST", "LAST"))
    if prev == "AS":
        return Context("none", only_names=True)  # a new name
    j = _open_paren(toks)
    in_call = j is not None and j > 0 and (toks[j - 1].kind in NAMES or toks[j - 1].text == ")") \
        and not any(t.upper == "SELECT" for t in toks[j:])
    if j is not None and j > 0 and toks[j - 1].upper == "OVER" and j == len(toks) - 1:
        return Context("keywords", words=("PARTITION", "ORDER"))
    star = toks[-1].text == "*" and (toks[-2].text in (",", ".", "(") or toks[-2].upper in ("SELECT", "DISTINCT"))
    if prev in ("ASC", "DESC") or ends_operand(toks[-1]) or star:
        if in_call:
            return Context("operator", words=OPERATORS)
        return Context("operator", words=("NULLS", "LIMIT", "OFFSET") if prev in ("ASC", "DESC") else FOLLOWS[clause])
    if in_call:
        return Context("operand")
    return Context("operand", words=("DISTINCT",) if prev == "SELECT" else ("SELECT",) if prev == "(" else ())


def _privilege_context(words: list[str]) -> Context:
    """In GRANT / REVOKE's privilege list: a privilege's first word after GRANT (or GRANT OPTION FOR) and
    after a comma; the rest of a two-word privilege after its first word (`CREATE` → `MODEL`, …)."""
    typed = words[4:] if words[1:4] == ["GRANT", "OPTION", "FOR"] else words[1:]
    current = list(itertools.takewhile(lambda w: w != ",", reversed(typed)))[::-1]
    if typed and typed[-1] != "," and not current:
        return Context("none")
    complete = " ".join(current) in known_privileges()
    return Context("privilege", model=current, only_names=bool(current) and not complete)


def clause_at(toks: Sequence[Token]) -> str | None:
    """The clause keyword governing the end of `toks` (a `(` keeps its clause until a SELECT inside)."""
    stack: list[str | None] = [None]
    for t in toks:
        if t.text == "(":
            stack.append(stack[-1])
        elif t.text == ")" and len(stack) > 1:
            stack.pop()
        elif t.kind == "word" and t.upper in CLAUSES:
            stack[-1] = t.upper
    return stack[-1]


def ends_operand(tok: Token) -> bool:
    """Whether a token completes an operand (a name, literal or `)`), so an operator or clause follows."""
    if tok.kind == "word":
        return tok.upper in ENDS_OPERAND or not (tok.upper in NOT_ALIASES or tok.upper in CLAUSES
                                                 or tok.upper in AFTER_OPERAND_KEYWORDS)
    return tok.kind in ("qident", "number", "string", "dollar", "variable") or tok.text == ")"


def _model_before(toks: list[Token]) -> list[str]:
    """The name after the last MODEL keyword: the model a VERSION refers to."""
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].upper == "MODEL":
            rest = toks[i + 1:]
            return _leading_name(rest[2:] if [t.upper for t in rest[:2]] == ["IF", "EXISTS"] else rest)
    return []


def _leading_name(toks: Sequence[Token]) -> list[str]:
    parts: list[str] = []
    for i, t in enumerate(toks):
        if i % 2 == 0 and t.kind in NAMES:
            parts.append(t.text)
        elif i % 2 == 1 and t.text == ".":
            continue
        else:
            break
    return parts


def _trailing_name(toks: Sequence[Token]) -> list[str]:
    return list(reversed(_leading_name(list(reversed(toks)))))


def _open_paren(toks: list[Token]) -> int | None:
    depth = 0
    for i in range(len(toks) - 1, -1, -1):
        if toks[i].text == ")":
            depth += 1
        elif toks[i].text == "(":
            if depth == 0:
                return i
            depth -= 1
    return None


def _split_args(toks: Sequence[Token]) -> list[list[Token]]:
    args: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.text == "," and depth == 0:
            args.append([])
            continue
        depth += (t.text == "(") - (t.text == ")")
        args[-1].append(t)
    return args


def _model_parens(toks: list[Token]) -> Context | None:
    """Inside `MODEL(`: the model first, then its versions and aliases after the comma."""
    j = _open_paren(toks)
    if j is None or j == 0 or toks[j - 1].upper != "MODEL":
        return None
    args = _split_args(toks[j + 1:])
    if len(args) == 1:
        return Context("model", only_names=True)
    if len(args) == 2:
        return Context("version", _leading_name(args[0]), only_names=True)
    return Context("none", only_names=True)


def _method_context(toks: list[Token], statement: str) -> Context:
    """After `!`: the callee is `m`, `db.s.m`, `MODEL(m[, v])` or a `WITH … AS MODEL` alias."""
    head = toks[:-1]
    if head and head[-1].text == ")":
        depth, j = 0, len(head) - 1
        while j >= 0:
            depth += (head[j].text == ")") - (head[j].text == "(")
            if depth == 0:
                break
            j -= 1
        if j <= 0 or head[j - 1].upper != "MODEL":
            return Context("none", only_names=True)
        args = _split_args(head[j + 1:-1])
        version = args[1][0].text if len(args) > 1 and len(args[1]) == 1 else None
        return Context("method", _leading_name(args[0]), version, only_names=True, table=_in_table(head, j - 1))
    parts = _trailing_name(head)
    table = _in_table(head, len(head) - (2 * len(parts) - 1))
    if len(parts) == 1:
        alias = model_aliases(statement).get(ident_text(parts[0]))
        if alias is not None:
            return Context("method", alias[0], alias[1], only_names=True, table=table)
    return Context("method", parts, only_names=True, table=table)


def _outputs_context(toks: list[Token], statement: str) -> Context | None:
    """`…!f(…)` ends `toks`: the outputs of that method of the callee's version, None for another call."""
    j = _open_paren(toks[:-1])
    if j is None or j < 2 or toks[j - 1].kind not in NAMES or toks[j - 2].text != "!":
        return None
    callee = _method_context(toks[:j - 1], statement)
    return Context("output", callee.model, callee.version, only_names=True, method=toks[j - 1].text)


def _in_table(toks: list[Token], callee: int) -> bool:
    """Whether the callee starting at token `callee` is the first thing inside `TABLE(`."""
    return callee >= 2 and toks[callee - 1].text == "(" and toks[callee - 2].upper == "TABLE"


def model_aliases(statement: str) -> dict[str, tuple[list[str], str | None]]:
    """`WITH alias AS MODEL m [VERSION v]` items of a statement: alias → (model name parts, version)."""
    toks = [t for t in tokenize(statement) if t.significant]
    out: dict[str, tuple[list[str], str | None]] = {}
    for i in range(len(toks) - 3):
        if toks[i].kind in NAMES and toks[i + 1].upper == "AS" and toks[i + 2].upper == "MODEL":
            parts = _leading_name(toks[i + 3:])
            k = i + 3 + 2 * len(parts) - 1  # the token after the model's name
            has_version = k + 1 < len(toks) and toks[k].upper == "VERSION"
            out[ident_text(toks[i].text)] = (parts, toks[k + 1].text if has_version else None)
    return out


def table_refs(statement: str) -> dict[str, list[str]]:
    """Tables named after FROM / JOIN / INTO / UPDATE: alias or table name → table name parts."""
    toks = [t for t in tokenize(statement) if t.significant]
    out: dict[str, list[str]] = {}
    for i, t in enumerate(toks):
        if t.upper not in ("FROM", "JOIN", "INTO", "UPDATE"):
            continue
        parts = _leading_name(toks[i + 1:])
        if not parts or ident_text(parts[0]) == "MODEL":
            continue
        out[ident_text(parts[-1])] = parts
        k = i + 2 * len(parts)
        if k < len(toks) and toks[k].upper == "AS":
            k += 1
        if k < len(toks) and toks[k].kind in NAMES and toks[k].upper not in NOT_ALIASES:
            out[ident_text(toks[k].text)] = parts
    return out


# ---------------------------------------------------------------------------------------------
# Candidates per context
# ---------------------------------------------------------------------------------------------


def objects_for(objects: Objects, ctx: Context, pos: Position) -> list[Candidate]:
    q = [ident_text(p) for p in pos.qualifier]
    kind = ctx.kind
    if kind == "model" or kind == "table":
        return _in_schema(objects, kind, q)
    if kind in ("schema", "use"):
        if q:
            return _named(objects.schemas(q[0], True), "schema") if len(q) == 1 else []
        return _named(objects.schemas(objects.database, True), "schema") + _named(objects.databases(), "database")
    if q:
        return _column_qualified(objects, pos, q) if kind in ("column", "operand") else []
    if kind == "database":
        return _named(objects.databases(), "database")
    if kind == "version":
        return [Candidate(quote_ident(n), meta) for n, meta in objects.versions(ctx.model)] if ctx.model else []
    if kind == "output":
        return [Candidate(name if PATH_KEY.fullmatch(name) else '"' + name.replace('"', '""') + '"',
                          f"output of {ident_text(ctx.method or '')}")
                for name in objects.outputs(ctx.model, ctx.version, ctx.method or "")] if ctx.model else []
    if kind == "method":
        if not ctx.model:
            return []
        return _named(objects.methods(ctx.model, ctx.version, ctx.table), "table method" if ctx.table else "method")
    if kind in ("role", "user"):
        return _named(objects.roles() if kind == "role" else objects.users(), kind)
    if kind in ("column", "operand"):
        return _columns(objects, pos)
    if kind == "privilege":
        return privileges_after(ctx.model)
    return []


@lru_cache(maxsize=1)
def known_privileges() -> tuple[str, ...]:
    """Every privilege GRANT / REVOKE accepts on some object kind, and ALL [PRIVILEGES]."""
    return tuple(sorted({p for names in api.VALID_PRIVILEGES.values() for p in names} | {"ALL", "ALL PRIVILEGES"}))


def privileges_after(typed: list[str]) -> list[Candidate]:
    """The next word of a privilege whose first words are `typed` (none: every privilege's first word)."""
    out: list[Candidate] = []
    for privilege in known_privileges():
        words = privilege.split()
        if words[:len(typed)] == typed and len(words) > len(typed):
            out.append(Candidate(words[len(typed)], "privilege"))
    return out


def _named(names: Iterable[str], meta: str) -> list[Candidate]:
    return [Candidate(quote_ident(n), meta) for n in names]


def _in_schema(objects: Objects, kind: str, q: list[str]) -> list[Candidate]:
    """Models or tables, completing `[db.][schema.]name` one part at a time."""
    read = objects.models if kind == "model" else objects.tables
    views = kind == "table"  # INFORMATION_SCHEMA holds views, never models
    if len(q) == 2:
        return _named(read(q[0], q[1]), kind)
    if len(q) == 1:
        return _named(read(objects.database, q[0]), kind) + _named(objects.schemas(q[0], views), "schema")
    return (_named(read(objects.database, objects.schema), kind)
            + _named(objects.schemas(objects.database, views), "schema") + _named(objects.databases(), "database"))


def _columns(objects: Objects, pos: Position) -> list[Candidate]:
    out = []
    for parts in _unique(table_refs(pos.statement).values()):
        out += _named(objects.columns(parts), "column")
    out += [Candidate(quote_ident(a), "model alias") for a in model_aliases(pos.statement)]
    return out + _named(objects.models(objects.database, objects.schema), "model")


def _column_qualified(objects: Objects, pos: Position, q: list[str]) -> list[Candidate]:
    """`t.` → columns of table or alias t; otherwise `db.s.` / `s.` → models (for `db.s.m!predict`)."""
    refs = table_refs(pos.statement)
    if len(q) == 1 and q[0] in refs:
        return _named(objects.columns(refs[q[0]]), "column")
    return _in_schema(objects, "model", q)


def _unique(items: Iterable[list[str]]) -> list[list[str]]:
    seen: list[list[str]] = []
    for parts in items:
        if parts not in seen:
            seen.append(parts)
    return seen
