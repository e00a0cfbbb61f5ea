"""MATCH_RECOGNIZE (https://docs.snowflake.com/en/sql-reference/constructs/match_recognize,
https://docs.snowflake.com/en/user-guide/match-recognize-introduction).

DuckDB has no row pattern matching. The clause's input (its FROM source) is read as an ordinary query,
through the same privilege-checked path as any SELECT, with each DEFINE condition computed by the database
as a boolean column per row (LAG / LEAD / PREV / NEXT and other window functions over the clause's PARTITION BY
and ORDER BY), sorted by partition and order. The pattern is matched per partition in Python
(engine.sql.match_pattern), the MEASURES are computed per output row, and the rows go back to the database as
an Arrow relation registered for this statement only: the rest of the query runs as SQL over it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlglot import exp, parse_one
from sqlglot.errors import ParseError

from snowreg import errors
from snowreg.engine.result import Column, Result
from snowreg.engine.session import Session
from snowreg.engine.sql import match_pattern
from snowreg.engine.sql.match_pattern import Step

_views = itertools.count(1)
_SPECIAL = ("MATCH_NUMBER", "MATCH_SEQUENCE_NUMBER", "CLASSIFIER")
_NAVIGATION = ("PREV", "NEXT")
_BIG = Column("", "FIXED", 18, 0)
_TEXT = Column("", "TEXT", internal_size=16777216)


def mentions(text: str) -> bool:
    return "MATCH_RECOGNIZE" in text.upper()


def run(session: Session, text: str, describe_only: bool) -> Result:
    """The statement with each MATCH_RECOGNIZE (innermost first) replaced by its registered result."""
    from snowreg.engine.sql.run import run_sql

    try:
        stmt = parse_one(text, read="snowflake")
    except ParseError:  # the ordinary path gives Snowflake's syntax error
        return run_sql(session, text, describe_only)
    registered: list[str] = []
    try:
        for node in reversed(list(stmt.find_all(exp.MatchRecognize))):
            _replace(session, node, registered)
        return run_sql(session, stmt.sql(dialect="snowflake"), describe_only, frozenset(registered))
    finally:
        for view in registered:
            session.duck.unregister(view)


def _name(ident: exp.Expr | None) -> str:
    if not isinstance(ident, exp.Identifier):
        raise errors.not_supported("This MATCH_RECOGNIZE name")
    return ident.this if ident.quoted else ident.this.upper()


@dataclass(frozen=True)
class _Atom:
    """One value a measure reads, computed per output row: `kind` is MATCH_NUMBER, MATCH_SEQUENCE_NUMBER,
    CLASSIFIER, FIRST, LAST, COUNT, SUM, MIN, MAX, PREV or NEXT; `symbol` narrows the rows read (None: every row of the
    frame); `column` is the input column read (None: `*`); `final` reads the whole match, else up to the row."""

    kind: str
    symbol: str | None
    column: int | None
    final: bool
    offset: int = 0  # PREV / NEXT: how many rows back or forward


def _replace(session: Session, mr: exp.MatchRecognize, registered: list[str]) -> None:
    from snowreg.engine.sql.history import arrow_of
    from snowreg.engine.sql.run import run_sql

    select = mr.parent
    if not isinstance(select, exp.Select) or select.args.get("joins") or not isinstance(select.args.get("from_"), exp.From):
        raise errors.not_supported("MATCH_RECOGNIZE over a join")
    source = select.args["from_"].this
    partition = [p.copy() for p in mr.args.get("partition_by") or []]
    order_node = mr.args.get("order")
    order = [o.copy() for o in order_node.expressions] if isinstance(order_node, exp.Order) else []
    pattern_node = mr.args.get("pattern")
    pattern = match_pattern.parse(pattern_node.name if pattern_node is not None else "")
    used = match_pattern.symbols(pattern)
    defines: dict[str, exp.Expr] = {}
    for d in mr.args.get("define") or []:
        defines[_name(d.args.get("alias"))] = _condition(d.this.copy(), _name(d.args.get("alias")), partition, order)
    symbols = set(used) | set(defines)
    # the input: its own columns, the partition keys, each DEFINE condition (in pattern order)
    conditions = [s for s in used if s in defines]
    hidden = [f'{p.sql(dialect="snowflake")} AS "__MR_P{i}"' for i, p in enumerate(partition)]
    hidden += [f'({defines[s].sql(dialect="snowflake")}) IS TRUE AS "__MR_D{i}"' for i, s in enumerate(conditions)]
    sort = [p.sql(dialect="snowflake") for p in partition] + [o.sql(dialect="snowflake") for o in order]
    query = f"{_ctes(mr, source)}SELECT *{''.join(', ' + h for h in hidden)} FROM {source.sql(dialect='snowflake')}"
    if sort:
        query += f" ORDER BY {', '.join(sort)}"
    read = run_sql(session, query, False, frozenset(registered))
    width = len(read.columns) - len(hidden)
    inputs = read.columns[:width]
    names = {c.name: i for i, c in enumerate(inputs)}
    rows_node = mr.args.get("rows")
    rows_mode = (rows_node.name if rows_node is not None else "ONE ROW PER MATCH").upper()
    one_row = rows_mode.startswith("ONE")
    atoms: list[_Atom] = []
    measures = [_measure(m, atoms, names, symbols, one_row) for m in mr.args.get("measures") or []]
    base: list[Column] = list(inputs) if not one_row else [
        replace(read.columns[width + i], name=_partition_name(p)) for i, p in enumerate(partition)]
    if not base and not measures:
        raise errors.compilation_error("SELECT with no columns")
    columns = base + [replace(_atom_type(a, inputs), name=f"__MR_A{i}") for i, a in enumerate(atoms)]
    out_rows = _rows(read.rows, width, len(partition), conditions, pattern, rows_mode, _skip(mr, symbols),
                     atoms, one_row, _ticker(session))
    view = f"SNOWREG_MATCH_{next(_views)}"
    session.duck.register(view, arrow_of(Result(columns, out_rows)))
    registered.append(view)
    items = [_quoted(c.name) for c in base] + [f"{expr} AS {alias}" for expr, alias in measures]
    derived = parse_one(f"SELECT * FROM (SELECT {', '.join(items)} FROM {view}) AS {_alias(mr, source, view)}",
                        read="snowflake")
    select.set("from_", derived.args["from_"])
    select.set("match", None)


def _ctes(mr: exp.MatchRecognize, source: exp.Expr) -> str:
    """The WITH clause of the common table expressions the source reads (in scope of the clause), or ''."""
    known: dict[str, exp.CTE] = {}
    scope: exp.Expr | None = mr
    while scope is not None:
        with_ = scope.args.get("with_")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                known.setdefault(cte.alias_or_name.upper(), cte)
        scope = scope.parent
    needed: set[str] = set()
    pending = [source]
    while pending:
        for table in pending.pop().find_all(exp.Table):
            name = table.name.upper()
            if not table.args.get("db") and name in known and name not in needed:
                needed.add(name)
                pending.append(known[name].this)
    chosen = [c.sql(dialect="snowflake") for n, c in known.items() if n in needed]
    return f"WITH {', '.join(chosen)} " if chosen else ""


def _alias(mr: exp.MatchRecognize, source: exp.Expr, view: str) -> str:
    """The result's name in FROM: the clause's alias, else its source's alias or table name."""
    alias = mr.args.get("alias")
    if isinstance(alias, exp.TableAlias):
        return alias.sql(dialect="snowflake")
    if isinstance(source.args.get("alias"), exp.TableAlias):
        return str(source.args["alias"].sql(dialect="snowflake"))
    if isinstance(source, exp.Table):
        return source.this.sql(dialect="snowflake")
    return view


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _partition_name(p: exp.Expr) -> str:
    if not isinstance(p, exp.Column):
        raise errors.not_supported("A MATCH_RECOGNIZE PARTITION BY expression other than a column with ONE ROW PER MATCH")
    return _name(p.this)


def _condition(cond: exp.Expr, symbol: str, partition: list[exp.Expr], order: list[exp.Expr]) -> exp.Expr:
    """A DEFINE condition as a per-row expression over the partition, or refused when it reads the match so far."""
    def window(node: exp.Expr) -> exp.Expr:
        return exp.Window(this=node, partition_by=[p.copy() for p in partition],
                          order=exp.Order(expressions=[o.copy() for o in order]) if order else None)

    def fix(node: exp.Expr) -> exp.Expr:
        if node.find_ancestor(exp.Select, exp.Subquery) is not None:  # a subquery's own rows: ordinary SQL
            return node
        if isinstance(node, exp.Column) and node.table:
            if node.table.upper() != symbol.upper():
                raise errors.not_supported(f"A symbol predicate on another symbol ({node.sql()}) in MATCH_RECOGNIZE's DEFINE")
            return exp.Column(this=node.this)
        if isinstance(node, exp.Anonymous) and node.name.upper() in _SPECIAL:
            raise errors.not_supported(f"{node.name.upper()}() in MATCH_RECOGNIZE's DEFINE")
        if isinstance(node, exp.Anonymous) and node.name.upper() in _NAVIGATION:
            cls = exp.Lag if node.name.upper() == "PREV" else exp.Lead
            args = node.expressions
            return window(cls(this=args[0], offset=args[1] if len(args) > 1 else None,
                              default=args[2] if len(args) > 2 else None))
        if isinstance(node, exp.Last) and not isinstance(node.parent, exp.Window):
            return node.this  # LAST(x) in DEFINE: the frame ends at the current row
        if isinstance(node, exp.First) and not isinstance(node.parent, exp.Window):
            raise errors.not_supported("FIRST() of the match so far in MATCH_RECOGNIZE's DEFINE")
        if isinstance(node, exp.Window):
            if not node.args.get("partition_by") and partition:
                node.set("partition_by", [p.copy() for p in partition])
            if not node.args.get("order") and order:
                node.set("order", exp.Order(expressions=[o.copy() for o in order]))
            return node
        if isinstance(node, (exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue)) and not isinstance(node.parent, exp.Window):
            return window(node)
        if isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Window):
            raise errors.not_supported(f"A running aggregate ({node.sql(dialect='snowflake')}) over the match so far "
                                       "in MATCH_RECOGNIZE's DEFINE")
        return node

    wrapped = exp.Paren(this=cond)
    return wrapped.transform(fix, copy=False).this


def _measure(m: exp.Expr, atoms: list[_Atom], names: dict[str, int], symbols: set[str], one_row: bool
             ) -> tuple[str, str]:
    """A measure as SQL over the atom columns, and its alias."""
    aliased = m.this
    if not isinstance(aliased, exp.Alias):
        raise errors.not_supported("A MATCH_RECOGNIZE measure without an alias")
    frame = m.args.get("window_frame")
    final = one_row if not frame else str(frame).upper() == "FINAL"

    def atom(kind: str, symbol: str | None, column: int | None, offset: int = 0) -> exp.Expr:
        key = _Atom(kind, symbol, column, final, offset)
        if key not in atoms:
            atoms.append(key)
        return exp.Column(this=exp.Identifier(this=f"__MR_A{atoms.index(key)}", quoted=True))

    def target(arg: exp.Expr | None, star_ok: bool) -> tuple[str | None, int | None]:
        if isinstance(arg, exp.Star) and star_ok:
            return None, None
        if not isinstance(arg, exp.Column):
            raise errors.not_supported("A MATCH_RECOGNIZE measure over an expression other than a column")
        symbol = _name(arg.args["table"]) if arg.args.get("table") is not None else None
        if symbol is not None and symbol not in symbols:
            raise errors.invalid_identifier(arg.sql(dialect="snowflake"))
        if isinstance(arg.this, exp.Star):
            if not star_ok:
                raise errors.not_supported("This MATCH_RECOGNIZE measure")
            return symbol, None
        name = _name(arg.this)
        if name not in names:
            raise errors.invalid_identifier(name)
        return symbol, names[name]

    def classifier(node: exp.Expr | None) -> bool:
        return (isinstance(node, exp.Anonymous) and node.name.upper() == "CLASSIFIER" and not node.expressions) or (
            isinstance(node, exp.Column) and not node.table and not node.this.quoted
            and node.name.upper() == "CLASSIFIER" and "CLASSIFIER" not in names)

    def navigation(node: exp.Expr, back: bool, args: list[exp.Expr]) -> exp.Expr:
        if len(args) > 2 or (len(args) == 2 and not (isinstance(args[1], exp.Literal) and args[1].is_int)):
            raise errors.not_supported(f"{node.sql(dialect='snowflake')} in MATCH_RECOGNIZE's MEASURES")
        symbol, column = target(args[0], False)
        if symbol is not None:
            raise errors.not_supported(f"{node.sql(dialect='snowflake')} (a symbol predicate) in MATCH_RECOGNIZE's MEASURES")
        return atom("PREV" if back else "NEXT", None, column, int(args[1].name) if len(args) == 2 else 1)

    def fix(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name.upper() in _SPECIAL or classifier(node):
            return atom(node.name.upper(), None, None)
        if isinstance(node, (exp.First, exp.Last)) and classifier(node.this):
            return atom("FIRST_CLASSIFIER" if isinstance(node, exp.First) else "CLASSIFIER", None, None)
        if isinstance(node, (exp.First, exp.Last)):
            return atom("FIRST" if isinstance(node, exp.First) else "LAST", *target(node.this, False))
        if isinstance(node, (exp.Lag, exp.Lead)):
            args = [a for a in (node.this, node.args.get("offset"), node.args.get("default")) if a is not None]
            return navigation(node, isinstance(node, exp.Lag), args)
        if isinstance(node, exp.Anonymous) and node.name.upper() in _NAVIGATION:
            return navigation(node, node.name.upper() == "PREV", list(node.expressions))
        if isinstance(node, exp.Count):
            return atom("COUNT", *target(node.this, True))
        if isinstance(node, (exp.Sum, exp.Min, exp.Max)):
            return atom(type(node).__name__.upper(), *target(node.this, False))
        if isinstance(node, exp.Avg):
            where = target(node.this, False)
            return exp.Div(this=atom("SUM", *where), expression=exp.Nullif(
                this=atom("COUNT", *where), expression=exp.Literal.number(0)))
        if isinstance(node, exp.Column) and not node.name.startswith("__MR_A"):
            return atom("LAST", *target(node, False))
        if isinstance(node, (exp.Window, exp.AggFunc, exp.Lag, exp.Lead)) or (
                isinstance(node, exp.Anonymous) and node.name.upper() in _NAVIGATION):
            raise errors.not_supported(f"{node.sql(dialect='snowflake')} in MATCH_RECOGNIZE's MEASURES")
        return node

    if aliased.this.find(exp.Select, exp.Subquery) is not None:
        raise errors.not_supported("A subquery in MATCH_RECOGNIZE's MEASURES")
    expr = exp.Paren(this=aliased.this.copy()).transform(fix, copy=False)
    return expr.sql(dialect="snowflake"), aliased.args["alias"].sql(dialect="snowflake")


def _atom_type(a: _Atom, inputs: list[Column]) -> Column:
    if a.kind in ("MATCH_NUMBER", "MATCH_SEQUENCE_NUMBER", "COUNT"):
        return _BIG
    if a.kind in ("CLASSIFIER", "FIRST_CLASSIFIER"):
        return _TEXT
    assert a.column is not None
    column = inputs[a.column]
    if a.kind == "SUM" and column.type == "FIXED":
        return replace(column, precision=38)
    return column


_Skip = Callable[[int, list[Step]], int]


def _skip(mr: exp.MatchRecognize, symbols: set[str]) -> _Skip:
    """Where matching resumes after a non-empty match (its first row and steps)."""
    after = mr.args.get("after")
    words = (after.name if after is not None else "AFTER MATCH SKIP PAST LAST ROW").split()
    rest = [w.upper() for w in words[3:]]
    if rest == ["PAST", "LAST", "ROW"]:
        return lambda start, steps: steps[-1].row + 1
    if rest == ["TO", "NEXT", "ROW"]:
        return lambda start, steps: start + 1
    if len(rest) >= 2 and rest[0] == "TO":
        first = rest[1] == "FIRST"
        symbol = match_pattern.symbol_name(words[-1])
        if symbol not in symbols:
            raise errors.invalid_identifier(words[-1])

        def to_symbol(start: int, steps: list[Step]) -> int:
            rows = [s.row for s in steps if s.symbol == symbol]
            if not rows:
                raise errors.execution_error(f"AFTER MATCH SKIP TO {symbol}: no row of the match was mapped to {symbol}")
            row = rows[0] if first else rows[-1]
            if row <= start:
                raise errors.execution_error(f"AFTER MATCH SKIP TO {symbol} does not skip past the first row of the match")
            return row

        return to_symbol
    raise errors.not_supported(" ".join(words))


MAX_STEPS = 20_000_000  # steps of matching one clause may take (a few minutes of Python): DECISIONS.md J54


def _ticker(session: Session) -> Callable[[], None]:
    """The matcher's tick for one clause: a cancel or the statement timeout stops it (000604 / 000630), and so
    does a clause past MAX_STEPS, refused as not supported; the process is shared by every session."""
    spent = [0]

    def tick() -> None:
        session.check_canceled()
        spent[0] += match_pattern.TICK
        if spent[0] > MAX_STEPS:
            raise errors.not_supported(f"A MATCH_RECOGNIZE pattern that takes more than {MAX_STEPS:,} steps of "
                                       "backtracking to match")
    return tick


def _rows(rows: list[tuple[Any, ...]], width: int, keys: int, conditions: list[str], pattern: match_pattern.Node,
          rows_mode: str, skip: _Skip, atoms: list[_Atom], one_row: bool, tick: Callable[[], None] | None = None
          ) -> list[tuple[Any, ...]]:
    flags = {s: width + keys + i for i, s in enumerate(conditions)}
    out: list[tuple[Any, ...]] = []
    show_empty = "OMIT" not in rows_mode
    unmatched = "UNMATCHED" in rows_mode
    for _, group in itertools.groupby(rows, key=lambda r: r[width:width + keys]):
        part = list(group)

        def holds(i: int, symbol: str, part: list[tuple[Any, ...]] = part) -> bool:
            return symbol not in flags or part[i][flags[symbol]] is True

        matcher = match_pattern.Matcher(pattern, len(part), holds, tick)
        pos, number = 0, 0
        covered: set[int] = set()
        while pos < len(part):
            steps = matcher.at(pos)
            if steps is None:
                if unmatched and pos not in covered:
                    out.append(part[pos][:width] + (None,) * len(atoms))
                pos += 1
                continue
            number += 1
            covered.update(s.row for s in steps)
            if one_row:
                keys_values = part[pos][width:width + keys]
                out.append(keys_values + tuple(_value(a, part, steps, len(steps) - 1, number) for a in atoms))
            elif not steps:
                if show_empty:
                    out.append(part[pos][:width] + tuple(_value(a, part, [], -1, number) for a in atoms))
            else:
                for at, step in enumerate(steps):
                    if not step.excluded:
                        out.append(part[step.row][:width] + tuple(_value(a, part, steps, at, number) for a in atoms))
            pos = pos + 1 if not steps else skip(pos, steps)
    return out


def _value(a: _Atom, part: list[tuple[Any, ...]], steps: list[Step], at: int, number: int) -> Any:
    """An atom's value at step `at` of a match (-1: an empty match)."""
    if a.kind == "MATCH_NUMBER":
        return number
    end = len(steps) if a.final else at + 1  # the frame is steps[:end]
    if a.kind == "MATCH_SEQUENCE_NUMBER":
        return None if at < 0 else end
    if a.kind in ("PREV", "NEXT"):  # within the whole match, from the current row (the last one when FINAL)
        here = len(steps) - 1 if a.final else at
        there = here - a.offset if a.kind == "PREV" else here + a.offset
        assert a.column is not None
        return part[steps[there].row][a.column] if here >= 0 and 0 <= there < len(steps) else None
    if a.kind in ("CLASSIFIER", "FIRST_CLASSIFIER"):
        return None if end <= 0 else steps[end - 1 if a.kind == "CLASSIFIER" else 0].symbol
    if a.symbol is None and a.column is None:  # COUNT(*)
        return max(end, 0)
    if a.symbol is None and a.kind in ("FIRST", "LAST"):
        assert a.column is not None
        return None if end <= 0 else part[steps[0 if a.kind == "FIRST" else end - 1].row][a.column]
    frame = steps[:end]
    if a.symbol is not None:
        frame = [s for s in frame if s.symbol == a.symbol]
    if a.kind == "COUNT":
        if a.column is None:
            return len(frame)
        return sum(1 for s in frame if part[s.row][a.column] is not None)
    if a.kind in ("FIRST", "LAST"):
        if not frame:
            return None
        assert a.column is not None
        return part[(frame[0] if a.kind == "FIRST" else frame[-1]).row][a.column]
    assert a.column is not None
    values = [part[s.row][a.column] for s in frame if part[s.row][a.column] is not None]
    if not values:
        return None
    return sum(values) if a.kind == "SUM" else min(values) if a.kind == "MIN" else max(values)
