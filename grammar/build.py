"""Tree → AST: the Lark Transformer that turns a parse tree of `snowreg.lark` into `ast` statements."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lark import Token, Transformer
from lark.tree import Meta

from snowreg import errors
from snowreg.grammar import ast as a
from snowreg.grammar import nested_with
from snowreg.grammar.lexical import (
    BuildError,
    decode_string,
    names_at,
    qualified,
    split_names,
    stage_from_text,
)
from snowreg.grammar.rule_tables import CLAUSES, STATEMENTS, Opt, flag, name_from, name_of, span_of, words
from snowreg.grammar.text import SNOWFLAKE_RESERVED, resolve_ident

Call = a.ModelCall | a.TableCall

# `TABLE` ending a text chunk right before `(`; `OVER`; `PARTITION BY`; `ORDER BY` outside quotes.
_NEWLINE = re.compile("\n")
_TABLE_END = re.compile(r'(?<![\w$."])table$', re.I)
_PARTITION_BY = re.compile(r"partition\s+by(?![\w$])\s*", re.I)
_ORDER_BY = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"]|\"\")*\"|\$\$[\s\S]*?\$\$|(?<![\w$.])(order\s+by)(?![\w$])", re.I
)


_NONE: frozenset[str] = frozenset()
_TRANSIENT = frozenset({"TRANSIENT"})
_STAGE_MODS = frozenset({"TEMPORARY", "TEMP", "SCOPED"})


@dataclass(slots=True)
class _Seq:
    """A run of plain SQL from `start` to `end`: its items (tokens, groups, calls) and its calls in order."""

    start: int
    end: int
    items: list[Any]
    calls: list[Call]


def _pos(token: Token) -> int:
    return token.start_pos or 0


def _mods(mods: list[Token] | None, allowed: frozenset[str]) -> set[str]:
    """CREATE modifiers (TEMPORARY, TRANSIENT, ...) valid for this object kind; else an error at the kind."""
    found = {str(m).upper() for m in mods or ()}
    if not found <= allowed:
        assert mods is not None
        raise BuildError(mods[-1].end_pos or 0)
    return found


def _order_by(items: list[Any]) -> tuple[int, int] | None:
    """The offsets of the first `ORDER BY` outside quotes in the text chunks among `items`."""
    for item in items:
        if isinstance(item, Token) and item.type == "TEXT":
            for m in _ORDER_BY.finditer(item):
                if m.group(1):
                    return _pos(item) + m.start(1), _pos(item) + m.end(1)
    return None


def _between_commas(items: list[Any], start: int, stop: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of the pieces that the top-level commas among `items` cut [start, stop) into."""
    cuts = [_pos(t) for t in items if isinstance(t, Token) and t.type == "COMMA" and start <= _pos(t) < stop]
    return list(zip([start, *(c + 1 for c in cuts)], [*cuts, stop], strict=True))


class Builder(Transformer[Token, list[a.Statement]]):
    """Builds the AST; one instance per parsed text (it slices that text for templates).

    Every rule goes through `__default__`, which Lark calls with the node's meta (positions): the
    handler of rule `x` is the method `rule_x`, or a plain function of the children in `CLAUSES`
    or `STATEMENTS`. (This avoids `v_args`, whose per-node wrappers cost more than the work.)
    """

    def __init__(self, text: str) -> None:
        super().__init__(visit_tokens=False)
        self.text = text
        self.names: list[a.NameSpan] = []  # every name part, in the order the parser met them
        self._newlines: list[int] | None = None

    # -- positions and errors -------------------------------------------------------------------

    def _span(self, meta: Meta) -> a.Span:
        return a.Span(meta.start_pos, meta.end_pos, meta.line, meta.column - 1)

    def _pos_span(self, start: int, end: int) -> a.Span:
        if self._newlines is None:  # offsets of the text's line breaks, found once per text
            self._newlines = [m.start() for m in _NEWLINE.finditer(self.text)]
        line = bisect_left(self._newlines, start)
        return a.Span(start, end, line + 1, start - (self._newlines[line - 1] + 1 if line else 0))

    # -- templates ------------------------------------------------------------------------------

    def _template(self, start: int, end: int, calls: list[Call]) -> a.Template:
        """The text from `start` to `end` with the calls inside it cut out as nodes."""
        text = self.text
        parts: list[str | Call] = []
        source: list[tuple[int, int, int, int]] = []
        pos, flat = start, 0
        for call in [c for c in calls if start <= c.span.start and c.span.end <= end] + [None]:
            stop = end if call is None else call.span.start
            if stop > pos:
                parts.append(text[pos:stop])
                span = self._pos_span(pos, stop)
                source.append((flat, stop - pos, span.line, span.column))
                flat += stop - pos
            if call is not None:
                parts.append(call)
                pos = call.span.end
        return a.Template(tuple(parts), tuple(source))

    def _trimmed(self, start: int, end: int, calls: list[Call]) -> a.Template:
        text = self.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            raise BuildError(start)
        return self._template(start, end, calls)

    def _seq(self, meta: Meta, items: list[Any]) -> _Seq:
        """Collect the calls of a soup/group/arg, turning `TABLE(<call> [OVER (...)])` into TableCalls."""
        calls: list[Call] = []
        for i, item in enumerate(items):
            if isinstance(item, _Seq):
                before = items[i - 1] if i else None
                table = self._table_call(before, item) if isinstance(before, Token) else None
                calls.extend([table] if table else item.calls)
            elif isinstance(item, a.ModelCall):
                calls.append(item)
        return _Seq(meta.start_pos, meta.end_pos, items, calls)

    def _table_call(self, before: Token, group: _Seq) -> a.TableCall | None:
        if before.type != "TEXT" or not _TABLE_END.search(before):
            return None
        inner = group.items
        if len(inner) == 1 and isinstance(inner[0], a.ModelCall):
            partition, order = None, None
        elif (
            len(inner) == 3
            and isinstance(inner[0], a.ModelCall)
            and isinstance(inner[1], Token)
            and inner[1].upper() == "OVER"
            and isinstance(inner[2], _Seq)
        ):
            partition, order = self._over(inner[2])
        else:
            return None
        start = (before.end_pos or 0) - 5
        return a.TableCall(inner[0], partition, order, span=self._pos_span(start, group.end),
                           written=self.text[start:group.end])

    def _over(self, over: _Seq) -> tuple[tuple[a.Template, ...], a.Template | None]:
        """`OVER ([PARTITION BY e1, e2] [ORDER BY ...])`."""
        items, end = over.items, over.end - 1
        if not items:
            return (), None
        first = items[0]
        if not (isinstance(first, Token) and first.type == "TEXT"):
            raise BuildError(over.start + 1)
        order = _order_by(items)
        partition: tuple[a.Template, ...] = ()
        head = _PARTITION_BY.match(first)
        if head:
            start = _pos(first) + head.end()
            bounds = _between_commas(items, start, order[0] if order else end)
            partition = tuple(self._trimmed(s, e, over.calls) for s, e in bounds)
        elif not order or order[0] != _pos(first):
            raise BuildError(_pos(first))
        return partition, (self._trimmed(order[1], end, over.calls) if order else None)

    # -- names and small clauses that need the text or raise ------------------------------------

    def _qualified(self, parts: list[a.Name], limit: int) -> a.QualifiedName:
        """`IDENTIFIER('db.s.x')` in a qualified position splits into its parts."""
        only = parts[0]
        if len(parts) == 1 and isinstance(only, a.IdentFromString):
            names, end = split_names(only.text)
            if 1 < len(names) <= limit and end == len(only.text):
                parts = [a.IdentFromString(n) for n in names]
        return qualified(parts)

    def rule_qname(self, meta: Meta, c: list[a.Name]) -> a.QualifiedName:
        return dataclasses.replace(self._qualified(c, 3), span=self._span(meta))

    def rule_qname2(self, meta: Meta, c: list[a.Name]) -> a.QualifiedName:
        return dataclasses.replace(self._qualified(c, 2), span=self._span(meta))

    def rule_opt_value(self, meta: Meta, c: list[Any]) -> str:
        x = c[0]
        if isinstance(x, _Seq):
            if x.calls:
                raise BuildError(x.calls[0].span.start)
            return self.text[x.start : x.end]
        return decode_string(x) if x.type in ("STRING", "DOLLAR_STRING") else str(x)

    def rule_option(self, meta: Meta, c: list[Any]) -> Opt:
        return Opt(str(c[0]).upper(), c[1], c[0].start_pos, str(c[0]))

    def rule_stage_url(self, meta: Meta, c: list[str]) -> Opt:
        return Opt("URL", c[0], meta.start_pos, "URL")

    def rule_stage_ref(self, meta: Meta, c: list[Token]) -> a.StageRef:
        tok = c[0]
        text = decode_string(tok) if tok.type == "STRING" else str(tok)
        ref = stage_from_text(text)
        if ref is None:
            raise BuildError(_pos(tok), str(tok))
        if ref.name is None:
            return ref
        return dataclasses.replace(ref, name=dataclasses.replace(ref.name, span=self._span(meta)))  # at the `@`

    # -- plain SQL ------------------------------------------------------------------------------

    def rule_soup(self, meta: Meta, c: list[Any]) -> _Seq:
        return self._seq(meta, c)

    rule_group = rule_paren = rule_soup

    def rule_with_main(self, meta: Meta, c: list[Any]) -> _Seq:
        return self._seq(meta, c[1:])

    def rule_arg(self, meta: Meta, c: list[Any]) -> a.Arg:
        seq = self._seq(meta, c)
        start = seq.start + len(self.text[seq.start:seq.end]) - len(self.text[seq.start:seq.end].lstrip())
        return a.Arg(self._template(seq.start, seq.end, seq.calls), span=self._pos_span(start, seq.end))

    def rule_named_arg(self, meta: Meta, c: list[Any]) -> a.Arg:
        tok, arg = c
        names, end = split_names(tok)
        if len(names) != 1 or end != len(tok):
            raise BuildError(_pos(tok))
        return a.Arg(arg.value, resolve_ident(tok), span=arg.span)

    def rule_plain_call(self, meta: Meta, c: list[Any]) -> a.ModelCall:
        callee, method, args = c
        names, _ = split_names(callee)
        span = self._span(meta)
        ref = a.ModelRef(dataclasses.replace(qualified([resolve_ident(n) for n in names]), span=span))
        return a.ModelCall(ref, method, args, span=span, written=self.text[span.start:span.end])

    def rule_var_name(self, meta: Meta, c: list[Token]) -> a.NameSpan:
        return a.NameSpan(resolve_ident(c[0]), self._span(meta))

    def rule_version_name(self, meta: Meta, c: list[Any]) -> a.NameSpan:
        return a.NameSpan(c[0], self._span(meta))

    def rule_version_string(self, meta: Meta, c: list[Any]) -> a.NameSpan:
        return a.NameSpan(a.IdentFromString(c[0]), self._span(meta))

    def rule_model_call(self, meta: Meta, c: list[Any]) -> a.ModelCall:
        _, model, version, method, args = c
        ref = a.ModelRef(model, name_of(version), explicit=True, version_span=span_of(version))
        span = self._span(meta)
        return a.ModelCall(ref, method, args, span=span, written=self.text[span.start:span.end])

    def rule_verb(self, meta: Meta, c: list[Any]) -> str:
        return words(c) if isinstance(c[0], Token) else f"CREATE {c[-1]}"

    def rule_show_verb(self, meta: Meta, c: list[Any]) -> str:
        return f"SHOW {c[-1]}"

    def rule_query(self, meta: Meta, c: list[Any]) -> a.Query:
        verb, soup = c
        return self._plain_query(meta, verb, soup.calls if soup else [])

    def rule_paren_query(self, meta: Meta, c: list[Any]) -> a.Query:
        return self._plain_query(meta, "SELECT", c[0].calls + (c[1].calls if c[1] else []))

    def _plain_query(self, meta: Meta, verb: str, calls: list[Call]) -> a.Query:
        """A plain statement; a `WITH … AS MODEL` clause inside it (CTAS, INSERT, CREATE VIEW, a subquery:
        grammar.nested_with) leaves its text, blanked, as its own piece, its aliases go to the binder."""
        start, end = meta.start_pos, meta.end_pos
        clauses = nested_with.find(self.text, start, end, [(k.span.start, k.span.end) for k in calls])
        if not clauses:
            return a.Query(verb, self._template(start, end, calls), span=self._span(meta))
        if len(clauses) > 1:  # each its own scope, in subqueries: not read (DECISIONS.md I54)
            raise errors.not_supported("More than one WITH … AS MODEL clause inside one statement")
        clause = clauses[0]
        cut_start, cut_end = clause.cut
        before = self._template(start, cut_start, calls)
        after = self._template(cut_end, end, calls)
        blank = " " * (cut_end - cut_start)
        source = before.source + ((sum(n for _, n, _, _ in before.source), len(blank), *self._line_col(cut_start)),)
        shift = source[-1][0] + len(blank)
        source += tuple((o + shift, n, line, col) for o, n, line, col in after.source)
        body = a.Template((*before.parts, blank, *after.parts), source)
        aliases = tuple(self._nested_alias(item) for item in clause.items)
        return a.Query(verb, body, aliases, span=self._span(meta), aliases_part=len(before.parts))

    def _line_col(self, pos: int) -> tuple[int, int]:
        span = self._pos_span(pos, pos)
        return span.line, span.column

    def _nested_alias(self, item: nested_with.Item) -> a.ModelAlias:
        found = names_at(self.text, item.model[0])
        if found is None or found[1] != item.model[1]:
            raise BuildError(item.model[0])
        model = dataclasses.replace(found[0], span=self._pos_span(*item.model))
        alias = resolve_ident(self.text[item.alias[0]:item.alias[1]])
        if item.version is None:
            return a.ModelAlias(alias, model)
        return a.ModelAlias(alias, model, resolve_ident(self.text[item.version[0]:item.version[1]]),
                            self._pos_span(*item.version))

    def rule_with_model(self, meta: Meta, c: list[Any]) -> a.ModelAlias:
        return a.ModelAlias(c[0], c[1], name_of(c[2]), span_of(c[2]))

    def rule_with_cte(self, meta: Meta, c: list[Any]) -> _Seq:
        return _Seq(meta.start_pos, meta.end_pos, [], c[-1].calls)

    def rule_with_query(self, meta: Meta, c: list[Any]) -> a.Query:
        """`WITH` items: model aliases leave the body; ordinary CTEs stay, with their WITH keyword."""
        items, main = c[1:-1], c[-1]
        aliases = tuple(i for i in items if isinstance(i, a.ModelAlias))
        ctes = [i for i in items if isinstance(i, _Seq)]
        if not aliases:
            calls = [call for cte in ctes for call in cte.calls] + main.calls
            return a.Query("WITH", self._template(meta.start_pos, meta.end_pos, calls), span=self._span(meta))
        pieces: list[str | a.Template] = []
        if ctes:
            pieces.append("WITH RECURSIVE " if c[0] else "WITH ")
            for k, cte in enumerate(ctes):
                pieces.extend([", "] if k else [])
                pieces.append(self._template(cte.start, cte.end, cte.calls))
            pieces.append(" ")
        pieces.append(self._template(main.start, main.end, main.calls))
        return a.Query("WITH", _joined(pieces), aliases, span=self._span(meta))

    # -- statements that check or slice (the rest are in the tables below) ---------------------

    def __default__(self, data: Any, children: list[Any], meta: Meta) -> Any:
        rule = str(data)
        method = _METHODS.get(rule)
        if method is not None:
            return method(self, meta, children)
        if rule in STATEMENTS:
            return STATEMENTS[rule](children, self._span(meta))
        return CLAUSES[rule](children)

    def rule_create_database(self, meta: Meta, c: list[Any]) -> a.CreateDatabase:
        orr, mods, ine, name, clone, retention, comment, tags = c
        transient = "TRANSIENT" in _mods(mods, _TRANSIENT)
        if clone is not None and clone.schema is not None:  # a database is named by one identifier
            raise BuildError(clone.span.start)
        return a.CreateDatabase(name, flag(orr), flag(ine), comment, transient, clone, retention, tags or (),
                                span=self._span(meta))

    def rule_create_schema(self, meta: Meta, c: list[Any]) -> a.CreateSchema:
        orr, mods, ine, name, clone, managed, retention, comment, tags = c
        transient = "TRANSIENT" in _mods(mods, _TRANSIENT)
        span = self._span(meta)
        return a.CreateSchema(name, flag(orr), flag(ine), comment, transient, flag(managed), clone, retention,
                              tags or (), span=span)

    def rule_create_model(self, meta: Meta, c: list[Any]) -> a.CreateModel:
        orr, mods, ine, name, version, source = c
        _mods(mods, _NONE)
        return a.CreateModel(name, source, name_of(version), flag(orr), flag(ine), span=self._span(meta),
                             version_span=span_of(version))

    def rule_create_tag(self, meta: Meta, c: list[Any]) -> a.CreateTag:
        orr, mods, ine, name, values, comment = c
        _mods(mods, _NONE)
        return a.CreateTag(name, flag(orr), flag(ine), values or (), comment, span=self._span(meta))

    def rule_create_stage(self, meta: Meta, c: list[Any]) -> a.CreateStage:
        orr, mods, ine, name, *opts = c
        temporary = bool(_mods(mods, _STAGE_MODS) & {"TEMPORARY", "TEMP"})
        urls = [o.value for o in opts if o.key == "URL"]  # URL is a keyword there: no other option has it
        options = tuple((o.key, o.value) for o in opts if o.key != "URL")
        url = urls[-1] if urls else None
        return a.CreateStage(name, flag(orr), flag(ine), temporary, url, options, span=self._span(meta))

    def rule_create_role(self, meta: Meta, c: list[Any]) -> a.CreateRole:
        orr, mods, ine, name, comment = c
        _mods(mods, _NONE)
        return a.CreateRole(name, flag(orr), flag(ine), comment, span=self._span(meta))

    def rule_create_user(self, meta: Meta, c: list[Any]) -> a.CreateUser:
        orr, mods, ine, name, *opts = c
        _mods(mods, _NONE)
        props = tuple((o.key, o.value) for o in opts)
        return a.CreateUser(name, flag(orr), flag(ine), props, span=self._span(meta))

    def rule_create_warehouse(self, meta: Meta, c: list[Any]) -> a.CreateWarehouse:
        orr, mods, ine, name, *opts = c
        _mods(mods, _NONE)
        props = tuple((o.key, o.value) for o in opts if isinstance(o, Opt))
        return a.CreateWarehouse(name, flag(orr), flag(ine), props, span=self._span(meta))

    def rule_create_live_model(self, meta: Meta, c: list[Any]) -> a.LiveVersion:
        orr, mods, ine, name, version = c
        _mods(mods, _NONE)
        return a.LiveVersion("CREATE", name, version.name, flag(orr), flag(ine), span=self._span(meta),
                             version_span=version.span)

    def _expr(self, seq: _Seq) -> str:
        """A SET expression: plain text only (a model call there would reach sqlglot unseen)."""
        if seq.calls:
            raise BuildError(seq.calls[0].span.start)
        return self.text[seq.start : seq.end].strip()

    def _expr_span(self, seq: _Seq) -> a.Span:
        written = self.text[seq.start : seq.end]
        start = seq.start + len(written) - len(written.lstrip())
        return self._pos_span(start, seq.start + len(written.rstrip()))

    def rule_set_variable(self, meta: Meta, c: list[Any]) -> a.SetVariable:
        return a.SetVariable((c[0],), (self._expr(c[1]),), span=self._span(meta), expr_spans=(self._expr_span(c[1]),))

    def rule_set_variables(self, meta: Meta, c: list[Any]) -> a.SetVariable:
        """`SET (a, b) = (e1, e2)`: one parenthesised list with as many expressions as names."""
        names, soup = tuple(c[:-1]), c[-1]
        group = soup.items[0]
        if len(soup.items) != 1 or not isinstance(group, _Seq):
            raise BuildError(soup.start)
        bounds = _between_commas(group.items, group.start + 1, group.end - 1)
        inside = [_Seq(s, e, [], [x for x in group.calls if s <= x.span.start < e]) for s, e in bounds]
        exprs = tuple(self._expr(seq) for seq in inside)
        if len(exprs) != len(names) or not all(exprs):
            raise BuildError(group.start)
        spans = tuple(self._expr_span(seq) for seq in inside)
        return a.SetVariable(names, exprs, span=self._span(meta), expr_spans=spans)

    def rule_name(self, meta: Meta, c: list[Any]) -> a.Name:
        if isinstance(c[0], Token) and c[0].type == "WORD" and c[0].upper() in SNOWFLAKE_RESERVED:
            raise BuildError(meta.start_pos)  # a reserved word names nothing unless quoted (DECISIONS.md I55)
        name = name_from(c)
        self.names.append(a.NameSpan(name, self._span(meta)))
        return name

    def rule_start(self, meta: Meta, c: list[a.Statement]) -> list[a.Statement]:
        """The statements, each span holding the name parts written inside it."""
        names = sorted(self.names, key=lambda n: n.span.start)
        starts = [n.span.start for n in names]
        out = []
        for stmt in c:
            s = stmt.span
            inside = tuple(names[bisect_left(starts, s.start):bisect_left(starts, s.end)])
            out.append(dataclasses.replace(stmt, span=a.Span(s.start, s.end, s.line, s.column, inside)))
        return out


_METHODS: dict[str, Callable[[Builder, Meta, list[Any]], Any]] = {
    name.removeprefix("rule_"): method for name, method in vars(Builder).items() if name.startswith("rule_")
}


def _joined(pieces: list[str | a.Template]) -> a.Template:
    """Templates and new text (keywords, commas) as one template; its source keeps the templates' stretches."""
    parts: list[str | Call] = []
    source: list[tuple[int, int, int, int]] = []
    flat = 0
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
            flat += len(piece)
            continue
        parts.extend(piece.parts)
        source.extend((at + flat, length, line, column) for at, length, line, column in piece.source)
        flat += len(piece.text)
    return a.Template(_merged(parts), tuple(source))


def _merged(parts: list[str | Call]) -> tuple[str | Call, ...]:
    """Adjacent strings joined, empty ones dropped."""
    out: list[str | Call] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)

