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

from snowreg.grammar import ast as a
from snowreg.grammar.lexical import (
    BuildError,
    decode_string,
    qualified,
    split_names,
    stage_from_text,
)
from snowreg.grammar.text import resolve_ident

Call = a.ModelCall | a.TableCall

# `TABLE` ending a text chunk right before `(`; `OVER`; `PARTITION BY`; `ORDER BY` outside quotes.
_TABLE_END = re.compile(r'(?<![\w$."])table$', re.I)
_PARTITION_BY = re.compile(r"partition\s+by(?![\w$])\s*", re.I)
_ORDER_BY = re.compile(
    r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"]|\"\")*\"|\$\$[\s\S]*?\$\$|(?<![\w$.])(order\s+by)(?![\w$])", re.I
)


_NONE: frozenset[str] = frozenset()
_TRANSIENT = frozenset({"TRANSIENT"})
_STAGE_MODS = frozenset({"TEMPORARY", "TEMP", "SCOPED"})
_PATTERN = frozenset({"PATTERN"})
_GET_OPTS = frozenset({"PATTERN", "PARALLEL"})


@dataclass(slots=True)
class _Seq:
    """A run of plain SQL from `start` to `end`: its items (tokens, groups, calls) and its calls in order."""

    start: int
    end: int
    items: list[Any]
    calls: list[Call]


# A version or alias name comes as an a.NameSpan; statements keep it as a field `x` and its `x_span`.
def _nm(at: a.NameSpan | None) -> a.Name | None:
    return at.name if at is not None else None


def _sp(at: a.NameSpan | None) -> a.Span:
    return at.span if at is not None else a.NO_SPAN


@dataclass(slots=True)
class _Opt:
    """`KEY = value` with the key upper-cased and the value as text (strings decoded)."""

    key: str
    value: str
    pos: int
    written: str


def _flag(value: object) -> bool:
    return value is not None


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
    handler of rule `x` is the method `rule_x`, or a plain function of the children in `_CLAUSES`
    or `_STATEMENTS`. (This avoids `v_args`, whose per-node wrappers cost more than the work.)
    """

    def __init__(self, text: str) -> None:
        super().__init__(visit_tokens=False)
        self.text = text
        self.names: list[a.NameSpan] = []  # every name part, in the order the parser met them

    # -- positions and errors -------------------------------------------------------------------

    def _span(self, meta: Meta) -> a.Span:
        return a.Span(meta.start_pos, meta.end_pos, meta.line, meta.column - 1)

    def _pos_span(self, start: int, end: int) -> a.Span:
        line = self.text.count("\n", 0, start) + 1
        return a.Span(start, end, line, start - (self.text.rfind("\n", 0, start) + 1))

    # -- templates ------------------------------------------------------------------------------

    def _template(self, start: int, end: int, calls: list[Call]) -> a.Template:
        """The text from `start` to `end` with the calls inside it cut out as nodes."""
        text = self.text
        parts: list[str | Call] = []
        pos = start
        for call in calls:
            if call.span.start < start or call.span.end > end:
                continue
            if call.span.start > pos:
                parts.append(text[pos : call.span.start])
            parts.append(call)
            pos = call.span.end
        if end > pos:
            parts.append(text[pos:end])
        return a.Template(tuple(parts))

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
        return a.TableCall(inner[0], partition, order, span=self._pos_span(start, group.end))

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

    def rule_option(self, meta: Meta, c: list[Any]) -> _Opt:
        return _Opt(str(c[0]).upper(), c[1], c[0].start_pos, str(c[0]))

    def rule_stage_url(self, meta: Meta, c: list[str]) -> _Opt:
        return _Opt("URL", c[0], meta.start_pos, "URL")

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
        return a.ModelCall(ref, method, args, span=span)

    def rule_version_name(self, meta: Meta, c: list[Any]) -> a.NameSpan:
        return a.NameSpan(c[0], self._span(meta))

    def rule_version_string(self, meta: Meta, c: list[Any]) -> a.NameSpan:
        return a.NameSpan(a.IdentFromString(c[0]), self._span(meta))

    def rule_model_call(self, meta: Meta, c: list[Any]) -> a.ModelCall:
        _, model, version, method, args = c
        ref = a.ModelRef(model, _nm(version), explicit=True, version_span=_sp(version))
        return a.ModelCall(ref, method, args, span=self._span(meta))

    def rule_verb(self, meta: Meta, c: list[Any]) -> str:
        return _words(c) if isinstance(c[0], Token) else f"CREATE {c[-1]}"

    def rule_show_verb(self, meta: Meta, c: list[Any]) -> str:
        return f"SHOW {c[-1]}"

    def rule_query(self, meta: Meta, c: list[Any]) -> a.Query:
        verb, soup = c
        body = self._template(meta.start_pos, meta.end_pos, soup.calls if soup else [])
        return a.Query(verb, body, span=self._span(meta))

    def rule_paren_query(self, meta: Meta, c: list[Any]) -> a.Query:
        calls = c[0].calls + (c[1].calls if c[1] else [])
        return a.Query("SELECT", self._template(meta.start_pos, meta.end_pos, calls), span=self._span(meta))

    def rule_with_model(self, meta: Meta, c: list[Any]) -> a.ModelAlias:
        return a.ModelAlias(c[0], c[1], _nm(c[2]), _sp(c[2]))

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
        parts: list[str | Call] = []
        if ctes:
            parts.append("WITH RECURSIVE " if c[0] else "WITH ")
            for k, cte in enumerate(ctes):
                parts.extend([", "] if k else [])
                parts.extend(self._template(cte.start, cte.end, cte.calls).parts)
            parts.append(" ")
        parts.extend(self._template(main.start, main.end, main.calls).parts)
        return a.Query("WITH", a.Template(_merged(parts)), aliases, span=self._span(meta))

    # -- statements that check or slice (the rest are in the tables below) ---------------------

    def __default__(self, data: Any, children: list[Any], meta: Meta) -> Any:
        rule = str(data)
        method = _METHODS.get(rule)
        if method is not None:
            return method(self, meta, children)
        if rule in _STATEMENTS:
            return _STATEMENTS[rule](children, self._span(meta))
        return _CLAUSES[rule](children)

    def rule_create_database(self, meta: Meta, c: list[Any]) -> a.CreateDatabase:
        orr, mods, ine, name, comment = c
        transient = "TRANSIENT" in _mods(mods, _TRANSIENT)
        return a.CreateDatabase(name, _flag(orr), _flag(ine), comment, transient, span=self._span(meta))

    def rule_create_schema(self, meta: Meta, c: list[Any]) -> a.CreateSchema:
        orr, mods, ine, name, managed, comment = c
        transient = "TRANSIENT" in _mods(mods, _TRANSIENT)
        span = self._span(meta)
        return a.CreateSchema(name, _flag(orr), _flag(ine), comment, transient, _flag(managed), span=span)

    def rule_create_model(self, meta: Meta, c: list[Any]) -> a.CreateModel:
        orr, mods, ine, name, version, source = c
        _mods(mods, _NONE)
        return a.CreateModel(name, source, _nm(version), _flag(orr), _flag(ine), span=self._span(meta),
                             version_span=_sp(version))

    def rule_create_tag(self, meta: Meta, c: list[Any]) -> a.CreateTag:
        orr, mods, ine, name, values, comment = c
        _mods(mods, _NONE)
        return a.CreateTag(name, _flag(orr), _flag(ine), values or (), comment, span=self._span(meta))

    def rule_create_stage(self, meta: Meta, c: list[Any]) -> a.CreateStage:
        orr, mods, ine, name, *opts = c
        temporary = bool(_mods(mods, _STAGE_MODS) & {"TEMPORARY", "TEMP"})
        urls = [o.value for o in opts if o.key == "URL"]  # URL is a keyword there: no other option has it
        options = tuple((o.key, o.value) for o in opts if o.key != "URL")
        url = urls[-1] if urls else None
        return a.CreateStage(name, _flag(orr), _flag(ine), temporary, url, options, span=self._span(meta))

    def rule_create_role(self, meta: Meta, c: list[Any]) -> a.CreateRole:
        orr, mods, ine, name, comment = c
        _mods(mods, _NONE)
        return a.CreateRole(name, _flag(orr), _flag(ine), comment, span=self._span(meta))

    def rule_create_user(self, meta: Meta, c: list[Any]) -> a.CreateUser:
        orr, mods, ine, name, *opts = c
        _mods(mods, _NONE)
        props = tuple((o.key, o.value) for o in opts)
        return a.CreateUser(name, _flag(orr), _flag(ine), props, span=self._span(meta))

    def rule_create_warehouse(self, meta: Meta, c: list[Any]) -> a.CreateWarehouse:
        orr, mods, ine, name, *opts = c
        _mods(mods, _NONE)
        props = tuple((o.key, o.value) for o in opts if isinstance(o, _Opt))
        return a.CreateWarehouse(name, _flag(orr), _flag(ine), props, span=self._span(meta))

    def rule_create_live_model(self, meta: Meta, c: list[Any]) -> a.LiveVersion:
        orr, mods, ine, name, version = c
        _mods(mods, _NONE)
        return a.LiveVersion("CREATE", name, version.name, _flag(orr), _flag(ine), span=self._span(meta),
                             version_span=version.span)

    def _expr(self, seq: _Seq) -> str:
        """A SET expression: plain text only (a model call there would reach sqlglot unseen)."""
        if seq.calls:
            raise BuildError(seq.calls[0].span.start)
        return self.text[seq.start : seq.end].strip()

    def rule_set_variable(self, meta: Meta, c: list[Any]) -> a.SetVariable:
        return a.SetVariable((c[0],), (self._expr(c[1]),), span=self._span(meta))

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
        return a.SetVariable(names, exprs, span=self._span(meta))

    def rule_name(self, meta: Meta, c: list[Any]) -> a.Name:
        name = _name(c)
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

def _merged(parts: list[str | Call]) -> tuple[str | Call, ...]:
    """Adjacent strings joined, empty ones dropped."""
    out: list[str | Call] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return tuple(out)


def _pattern(opts: list[_Opt], allowed: frozenset[str]) -> str | None:
    """The PATTERN option of GET/LIST/REMOVE; an option outside `allowed` is a syntax error."""
    pattern = None
    for opt in opts:
        if opt.key not in allowed:
            raise BuildError(opt.pos, opt.written)
        if opt.key == "PATTERN":
            pattern = opt.value
    return pattern


def _name(c: list[Any]) -> a.Name:
    x = c[0]
    if isinstance(x, Token):
        return a.VarRef(x[1:].upper()) if x.type == "VARIABLE" else resolve_ident(x)
    return x  # type: ignore[no-any-return]  # from ident_fn


def _ident_fn(c: list[Any]) -> a.Name:
    x = c[0]
    return a.VarRef(x[1:].upper()) if isinstance(x, Token) else a.IdentFromString(x)


def _text(c: list[Token]) -> str:
    """A string literal's value, or a bare token's text (FILE_URL)."""
    tok = c[0]
    return decode_string(tok) if tok.type in ("STRING", "DOLLAR_STRING") else str(tok)


def _first(c: list[Any]) -> Any:
    return c[0]


def _true(c: list[Any]) -> bool:
    return True


def _words(c: list[Any]) -> str:
    return " ".join(str(t).upper() for t in c if t is not None)


def _to_name(c: list[Any]) -> a.QualifiedName:
    return a.QualifiedName(c[0])


def _models_in(kind: str) -> Callable[[list[Any]], tuple[str, Any]]:
    return lambda c: (kind, c[0] if kind == "SCHEMA" or c[0] is None else a.QualifiedName(c[0]))


# Rules whose value is a plain function of their children (keywords already filtered out).
_CLAUSES: dict[str, Callable[[list[Any]], Any]] = {
    "ident": lambda c: resolve_ident(c[0]), "ident_fn": _ident_fn,
    "string": _text, "local_file": _text, "limit": lambda c: int(c[0]),
    "limit_from": lambda c: (int(c[0]), c[1]), "terse": _true, "history": _true,
    "function_kind": _words,
    "warehouse_set": lambda c: ("SET", tuple((o.key, o.value) for o in c), False),
    "warehouse_suspend": lambda c: ("SUSPEND", (), False),
    "warehouse_resume": lambda c: ("RESUME", (), c[0] is not None), "if_suspended": _true,
    "version_value": _first, "with_version": _first, "with_version_ref": _first,
    "like": _first, "starts_with": _first, "comment_prop": _first,
    "or_replace": _true, "if_not_exists": _true, "if_exists": _true, "managed_access": _true,
    "cascade": _true, "with_grant_option": _true, "grant_option_for": _true, "recursive": _true,
    "call_args": lambda c: tuple(x for x in c if x is not None),
    "object_kind": _words, "use_kind": _words, "secondary_mode": _words, "version_unset": _words,
    "grantee_kind": _words, "bulk_mode": _words, "container_kind": _words, "revoke_mode": _words,
    "desc_kind": _words, "query_kind": _words, "show_kind": _words, "bare_verb": _words,
    "plural_kind": lambda c: _words(c)[:-1],  # MODELS → MODEL, FILE FORMATS → FILE FORMAT
    "privilege": lambda c: "ALL" if _words(c) in ("ALL", "ALL PRIVILEGES") else _words(c),
    "privileges": tuple, "allowed_values": tuple, "obj_mods": list, "column_list": list,
    "param_scope": lambda c: str(c[-1]).upper(),
    "current_grants": lambda c: str(c[0]).upper(),
    "from_model": lambda c: a.FromModel(c[0], _nm(c[1]), _sp(c[1])),
    "from_stage": lambda c: a.FromStage(c[0]),
    "prop_comment": lambda c: ("COMMENT", c[0]), "vprop_comment": lambda c: ("COMMENT", c[0]),
    "prop_default_version": lambda c: ("DEFAULT_VERSION", c[0]),
    "vprop_metadata": lambda c: ("METADATA", c[0]),
    "tag_assign": tuple,
    "schemas_in_database": lambda c: ("DATABASE", c[0]),
    "in_account": lambda c: ("ACCOUNT", None),
    "models_in_database": _models_in("DATABASE"), "models_in_schema": _models_in("SCHEMA"),
    "objects_in_table": lambda c: ("TABLE", c[0]), "objects_in_view": lambda c: ("VIEW", c[0]),
    "objects_kind": _words,
    "object_target": lambda c: a.ObjectTarget(c[0], c[1]),
    "bulk_target": lambda c: a.BulkTarget(c[0], c[1], c[2], c[3]),
    "account_target": lambda c: a.AccountTarget(),
    "grants_on": lambda c: ("ON", c[0], c[1]),
    "grants_on_account": lambda c: ("ON_ACCOUNT", None, None),
    "grants_to_role": lambda c: ("TO_ROLE", None, _to_name(c)),
    "grants_to_user": lambda c: ("TO_USER", None, _to_name(c)),
    "grants_of_role": lambda c: ("OF_ROLE", None, _to_name(c)),
}

# Statements that are a plain function of their children; `s` is the statement's span.
_STATEMENTS: dict[str, Callable[[list[Any], a.Span], a.Statement]] = {
    "drop_database": lambda c, s: a.DropDatabase(c[1], _flag(c[0]), span=s),
    "drop_schema": lambda c, s: a.DropSchema(c[1], _flag(c[0]), span=s),
    "use": lambda c, s: a.Use(c[0], c[1], span=s),
    "use_role": lambda c, s: a.UseRole(c[0], span=s),
    "use_secondary": lambda c, s: a.UseSecondaryRoles(c[0], span=s),
    "show_databases": lambda c, s: a.ShowDatabases(
        c[2], c[3], c[4][0] if c[4] else None, c[0] is not None, c[1] is not None,
        c[4][1] if c[4] else None, span=s,
    ),
    "show_schemas": lambda c, s: a.ShowSchemas(
        c[1], c[2][1] if c[2] else None, bool(c[2]) and c[2][0] == "ACCOUNT", c[3], c[4], c[0] is not None, span=s
    ),
    "unset_variable": lambda c, s: a.UnsetVariable(tuple(c), span=s),
    "alter_session_set": lambda c, s: a.AlterSession(set=tuple((o.key, o.value) for o in c), span=s),
    "alter_session_unset": lambda c, s: a.AlterSession(unset=tuple(str(t).upper() for t in c), span=s),
    "show_parameters": lambda c, s: a.ShowParameters(c[0], c[1], span=s),
    "drop_model": lambda c, s: a.DropModel(c[1], _flag(c[0]), span=s),
    "alter_model_set": lambda c, s: a.AlterModelSet(
        c[1], dict(c[2:]).get("COMMENT"), _nm(dict(c[2:]).get("DEFAULT_VERSION")), _flag(c[0]), span=s,
        default_version_span=_sp(dict(c[2:]).get("DEFAULT_VERSION")),
    ),
    "alter_model_unset": lambda c, s: a.AlterModelUnset(c[1], True, _flag(c[0]), span=s),
    "alter_model_set_tag": lambda c, s: a.AlterModelSetTag(c[1], tuple(c[2:]), _flag(c[0]), span=s),
    "alter_model_unset_tag": lambda c, s: a.AlterModelUnsetTag(c[1], tuple(c[2:]), _flag(c[0]), span=s),
    "set_alias": lambda c, s: a.SetAlias(c[1], c[2].name, c[3].name, _flag(c[0]), span=s, version_span=c[2].span,
                                         alias_span=c[3].span),
    "unset_alias": lambda c, s: a.UnsetAlias(c[1], c[2].name, _flag(c[0]), span=s, version_span=c[2].span),
    "rename_model": lambda c, s: a.RenameModel(c[1], c[2], _flag(c[0]), span=s),
    "add_version": lambda c, s: a.AddVersion(c[1], c[2].name, c[3], _flag(c[0]), span=s, version_span=c[2].span),
    "drop_version": lambda c, s: a.DropVersion(c[1], c[2].name, _flag(c[0]), span=s, version_span=c[2].span),
    "modify_version_set": lambda c, s: a.ModifyVersion(
        c[1], c[2].name, dict(c[3:]).get("COMMENT"), dict(c[3:]).get("METADATA"), if_exists=_flag(c[0]), span=s,
        version_span=c[2].span,
    ),
    "modify_version_unset": lambda c, s: a.ModifyVersion(
        c[1], c[2].name, unset_comment="COMMENT" in c[3:], unset_metadata="METADATA" in c[3:],
        if_exists=_flag(c[0]), span=s, version_span=c[2].span,
    ),
    "comment_on": lambda c, s: a.CommentOn(c[1], c[2], c[3], _flag(c[0]), span=s),
    "show_models": lambda c, s: a.ShowModels(
        c[0], c[1][0] if c[1] else None, c[1][1] if c[1] else None, c[2], c[3], span=s
    ),
    "show_objects": lambda c, s: a.ShowObjects(
        c[1], _flag(c[0]), c[2], c[3][0] if c[3] else None, c[3][1] if c[3] else None, c[4], c[5], span=s
    ),
    "show_versions": lambda c, s: a.ShowVersions(c[1], c[0], span=s),
    "show_functions": lambda c, s: a.ShowFunctions(c[1], _nm(c[2]), c[0], span=s, version_span=_sp(c[2])),
    "drop_tag": lambda c, s: a.DropTag(c[1], _flag(c[0]), span=s),
    "drop_stage": lambda c, s: a.DropStage(c[1], _flag(c[0]), span=s),
    "put": lambda c, s: a.Put(c[0], c[1], tuple((o.key, o.value) for o in c[2:]), span=s),
    "get": lambda c, s: a.Get(c[0], c[1], _pattern(c[2:], _GET_OPTS), span=s),
    "list_files": lambda c, s: a.ListFiles(c[0], _pattern(c[1:], _PATTERN), span=s),
    "remove_files": lambda c, s: a.RemoveFiles(c[0], _pattern(c[1:], _PATTERN), span=s),
    "drop_role": lambda c, s: a.DropRole(c[1], _flag(c[0]), span=s),
    "drop_user": lambda c, s: a.DropUser(c[1], _flag(c[0]), span=s),
    "grant_role": lambda c, s: a.GrantRole(c[0], c[1], c[2], span=s),
    "revoke_role": lambda c, s: a.RevokeRole(c[0], c[1], c[2], span=s),
    "show_roles": lambda c, s: a.ShowRoles(c[0], span=s),
    "show_users": lambda c, s: a.ShowUsers(
        c[1], c[0] is not None, c[2], c[3][0] if c[3] else None, c[3][1] if c[3] else None, span=s
    ),
    "show_warehouses": lambda c, s: a.ShowWarehouses(c[0], span=s),
    "show_account_functions": lambda c, s: a.ShowAccountFunctions(
        c[0], c[1], c[2][0] if c[2] else None, c[2][1] if c[2] else None, span=s
    ),
    "drop_warehouse": lambda c, s: a.DropWarehouse(c[1], _flag(c[0]), span=s),
    "alter_warehouse": lambda c, s: a.AlterWarehouse(
        c[1], c[2][0], c[2][1], _flag(c[0]), c[2][2], span=s
    ),
    "grant_privileges": lambda c, s: a.GrantPrivileges(c[0], c[1], c[2], _flag(c[3]), span=s),
    "revoke_privileges": lambda c, s: a.RevokePrivileges(
        c[1], c[2], c[3], _flag(c[0]), c[4] == "CASCADE", span=s
    ),
    "grant_ownership": lambda c, s: a.GrantOwnership(c[0], c[1], c[2], span=s),
    "show_grants": lambda c, s: a.ShowGrants(
        c[0][0] if c[0] else "CURRENT_USER", c[0][1] if c[0] else None, c[0][2] if c[0] else None, c[1], span=s
    ),
    "show_future_grants": lambda c, s: a.ShowGrants("FUTURE_IN", c[0], c[1], c[2], span=s),
    "describe": lambda c, s: a.Describe(c[0], c[1], span=s),
    "add_live_version": lambda c, s: a.LiveVersion("ADD", c[1], c[2].name, if_exists=_flag(c[0]), span=s,
                                                   version_span=c[2].span),
    "commit_version": lambda c, s: a.LiveVersion(
        "COMMIT", c[1], c[2].name, if_exists=_flag(c[0]), rename_to=c[3], rename_version_to=_nm(c[4]), span=s,
        version_span=c[2].span, rename_version_to_span=_sp(c[4])),
    "commit_rename_model": lambda c, s: c[0],
    "commit_rename_version": lambda c, s: c[0],
}
