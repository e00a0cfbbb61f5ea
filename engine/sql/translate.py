"""Snowflake SQL → DuckDB SQL: parse with sqlglot, one pass of Snowflake fix-ups, DuckDB text + tables."""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError, UnsupportedError
from sqlglot.parsers.snowflake import SnowflakeParser
from sqlglot.tokens import Token, TokenType

from snowreg.catalog import information
from snowreg.catalog.names import physical, snowflake
from snowreg.engine.sql import (
    aggregates,
    assign,
    auto_formats,
    bind,
    call_headers,
    connect_by,
    conversions,
    create_forms,
    date_parts,
    dates,
    ddl,
    dml,
    flatten,
    functions,
    information_refs,
    input_texts,
    marks,
    multi_insert,
    numbers,
    parse_errors,
    recursion,
    rewrites,
    setops,
    snowflake_calls,
    texts,
    udf_calls,
    variant,
    volatility,
    weeks,
)
from snowreg.engine.sql.bind import ColumnSite
from snowreg.engine.sql.translation import INFORMATION_MARKER as MARK
from snowreg.engine.sql.translation import FunctionRef, Kind, ObjectKind, TableRef, Translation, history_view
from snowreg.errors import not_supported
from snowreg.grammar.text import HEADER_PAD

_SNOWFLAKE = Dialect.get_or_raise("snowflake")
logging.getLogger("sqlglot").addHandler(logging.NullHandler())  # its warnings never reach a user's stderr
_OVERWRITE = re.compile(r"\s*INSERT\s+OVERWRITE\s", re.I)  # sqlglot drops it from INSERT OVERWRITE ALL / FIRST
_MAY_EXTRACT = re.compile(r":|\[|GET", re.I)  # a statement without these has no VARIANT path (variant.double_paths)
_DUCKDB = Dialect.get_or_raise("duckdb")


@functools.lru_cache(maxsize=1024)
def translate(sql: str, call_names: tuple[str, ...] = (), expand: frozenset[str] = frozenset(),
              floats: frozenset[int] | None = None, header: str | None = None,
              assigned: assign.Columns = (), coerce: frozenset[setops.Coercion] = frozenset(),
              texts: frozenset[int] | None = None, scales: frozenset[tuple[int, str]] | None = None,
              call_heads: tuple[str | None, ...] = ()) -> Translation:
    """Translate one Snowflake statement (model calls already replaced by `__snowreg_call_<n>(…)`).

    `call_names[n]` is the Snowflake text of model call n (e.g. `"m!predict"`); it only names
    unaliased result columns as Snowflake would (`M!PREDICT(X)`), never changes the SQL; where
    `call_heads[n]` is given, it is the whole call as written (`m!predict(x2 => 2.0, x1 => 1.0)`: the
    placeholder's arguments are in signature order) and names the call with its arguments. `expand`
    names the select aliases that JOIN … ON conditions mean (no table has such a column).
    `floats` numbers the divisions known to have a FLOAT operand (engine.sql.numbers); None divides
    operands of unknown type as FLOAT. `header` (as long as `sql`) is the text unaliased select items are
    named from, when it is not `sql` itself (grammar.text.Spliced.header). `assigned` gives the columns
    of an INSERT / UPDATE / MERGE target whose values are cast as Snowflake converts them (engine.sql.assign).
    `coerce` names the set operation items to cast to a number (engine.sql.setops). `texts`, when given,
    probes the arithmetic operands whose type the text does not show and reads those it numbers as
    VARCHARs holding integers (engine.sql.numbers.text_operands). `scales` decides conditionals (engine.sql.conditionals).
    """
    tr = _translate(sql, call_names, expand, floats, header=header, assigned=assigned, coerce=coerce, texts=texts,
                    scales=scales, call_heads=call_heads)
    assert tr is not None  # only a marked translation can give up
    return tr


def marked(sql: str, spans: tuple[tuple[int, int], ...], floats: frozenset[int] | None,
           scales: frozenset[tuple[int, str]] | None = None) -> Translation | None:
    """`translate` with the literals at `spans` written as `engine.sql.marks` (None if one was changed)."""
    return _translate(sql, (), frozenset(), floats, spans, scales=scales)


def _translate(sql: str, call_names: tuple[str, ...], expand: frozenset[str], floats: frozenset[int] | None,
               spans: tuple[tuple[int, int], ...] = (), header: str | None = None,
               assigned: assign.Columns = (), coerce: frozenset[setops.Coercion] = frozenset(),
               texts: frozenset[int] | None = None, scales: frozenset[tuple[int, str]] | None = None,
               call_heads: tuple[str | None, ...] = ()) -> Translation | None:
    stmt = parse(sql, call_names, header if header is not None else marks.header_text(sql, spans), call_heads)
    upper = sql.upper()
    steady = "INFORMATION_SCHEMA" in upper and volatility.deterministic(stmt)  # before any rewrite
    only_tables = "ORDER" in upper and volatility.reads_only_tables(stmt)
    if "MATCH_RECOGNIZE" in upper and stmt.find(exp.MatchRecognize) is not None:  # before its functions bind
        raise not_supported("MATCH_RECOGNIZE")
    if isinstance(stmt, exp.Values):  # a bare `VALUES (…)` statement: DuckDB names no columns there
        stmt = exp.Select(expressions=[exp.Star()]).from_(stmt)
    stmt = dml.column_comment(dml.alter_comment(stmt))
    if "ON NULL" in upper:
        rewrites.pivot_defaults(stmt)
    retention = ddl.refuse_properties(stmt)
    kind, targets = _classify(stmt)
    for select in stmt.find_all(exp.Select) if " ALL" in sql.upper() else ():
        bind.group_all(select)
    for node in list(stmt.find_all(exp.CurrentStatement)):  # the text of this statement
        node.replace(exp.Literal.string(sql.strip()))
    if "{" in sql:
        variant.object_constant_keys(stmt)
    table_ddl = _table_ddl(stmt, kind, sql)
    if table_ddl is not None and retention is not None:
        table_ddl = dataclasses.replace(table_ddl, retention=retention)
    read_table, projected = ddl.select_projection(stmt, sql) if kind == "select" else (None, ())
    column_comments = dml.column_comments(stmt) if isinstance(stmt, exp.Create) else dml.added_comments(stmt)
    if isinstance(stmt, exp.Update):
        dml.update_defaults(stmt)
        dml.update_targets(stmt, sql)
    if isinstance(stmt, exp.Merge):
        dml.merge(stmt, sql)
    elif isinstance(stmt, exp.Create):
        dml.create(stmt)
    if assigned:
        assign.cast_values(stmt, assigned)
    own = input_texts.MARKER in sql and input_texts.literals(stmt)  # formats of the session's own, or AUTO text
    if (auto_formats.compared(stmt, sql) or own) and texts is None:  # besides ISO (T92): a compared literal is
        texts = frozenset()  # converted as a VARCHAR operand, probed from the first run
    comment = dml.create_comment(stmt) if isinstance(stmt, exp.Create) else None
    offsets: tuple[tuple[int, int | str], ...] = ()
    if "TIMESTAMP_TZ" in upper:
        dates.spelled_texts(stmt)
        offsets = dates.fixed_offsets(stmt)
    zoned = dates.zoned_columns(stmt)
    if "CONVERT_TIMEZONE" in upper:
        converted = dates.converted_zones(stmt)
        offsets, zoned = offsets + converted, zoned + tuple(n for n, _ in converted)
    if texts is not None:
        numbers.text_operands(stmt, texts)
    sites: list[ColumnSite] = []
    aliases: set[str] = set()
    udfs: list[FunctionRef] = []
    divisions = numbers.Divisions(floats, scales)
    tables = _rewrite(stmt, targets, sql, _Found(sites, aliases, expand, udfs), len(call_names), divisions)
    if weeks.MAY_DEPEND.search(sql):
        weeks.rewrite(stmt)
    if input_texts.MARKER in sql:
        input_texts.casts(stmt)
    if coerce:
        setops.coerce(stmt, coerce)
    if isinstance(stmt, (exp.Alter, exp.TruncateTable)) and stmt.args.get("exists"):
        tables = tuple(dataclasses.replace(t, optional=True) if t.write else t for t in tables)
        if isinstance(stmt, exp.TruncateTable):
            stmt.set("exists", False)  # DuckDB has no TRUNCATE … IF EXISTS
    parts: list[exp.Expr] = [*dml.split_alter(stmt)] if isinstance(stmt, exp.Alter) else [stmt]
    atomic = isinstance(stmt, exp.Insert) and bool(stmt.args.get("overwrite"))
    if isinstance(stmt, exp.Insert) and atomic:
        parts = [*dml.overwrite(stmt), stmt]
    plan = multi_insert.plan(stmt, _OVERWRITE.match(sql) is not None) \
        if isinstance(stmt, exp.MultitableInserts) else None
    if plan is not None:
        parts, atomic = list(plan.steps), True
    if isinstance(stmt, exp.Create) and kind == "create_table":
        ddl.length_checks(stmt)
        parts = [*dml.identity_columns(stmt), *parts]
    if isinstance(stmt, exp.Create) and comment is not None:
        parts.append(dml.comment_on(stmt, comment))
    if isinstance(stmt, exp.Create) and column_comments:
        parts.extend(dml.comment_columns(stmt, column_comments))
    if isinstance(stmt, exp.Alter) and column_comments:
        parts.extend(dml.comment_added(stmt, column_comments))
    if _MAY_EXTRACT.search(sql):
        for part in parts:
            variant.double_paths(part)
    if spans and not marks.mark_literals(parts, sql, spans):
        return None
    for i, part in enumerate(parts) if "CONNECT" in upper or "RENAME" in upper or "WITH" in upper else ():
        parts[i] = part = connect_by.guarded(part)
        rewrites.star_rename_guard(part)
        recursion.limit(part)
    plain = _without_variant_keys(parts) if only_tables and kind == "select" else None  # after the guards
    probes = setops.probes(stmt, _probe_text) if kind == "select" and not coerce and len(parts) == 1 \
        and stmt.find(exp.SetOperation) is not None else ()
    outs = _generate(parts)
    text = "; ".join(outs)
    steps = tuple(zip(outs, plan.labels, strict=True)) if plan is not None else ()
    counts = plan.columns if plan is not None else dml.counts(stmt)
    guard = dml.merge_guard(stmt) if isinstance(stmt, exp.Merge) else None
    guard_sql = _DUCKDB.generate(guard, identify=True) if guard is not None else None
    multi = dml.multi_joined(stmt) if isinstance(stmt, exp.Update) else None
    multi_sql = _DUCKDB.generate(multi, identify=True) if multi is not None else None
    return Translation(text, tables, kind, kind == "select", sql, tuple(sites), frozenset(aliases),
                       counts, zoned, guard_sql, table_ddl, read_table, projected, steady, plain, atomic,
                       multi_sql, steps, tuple(udfs), probes, offsets, tuple(divisions.checks.sites), scales)


def _probe_text(node: exp.Expr) -> str:
    return _DUCKDB.generate(node, identify=True)


def _generate(parts: list[exp.Expr]) -> list[str]:
    """DuckDB's text of each of the statement's parts (the parts may be changed)."""
    try:
        return [_DUCKDB.generate(p, copy=False, identify=True, unsupported_level=ErrorLevel.RAISE) for p in parts]
    except UnsupportedError as e:
        raise date_parts.refusal(str(e)) from None


def _without_variant_keys(parts: list[exp.Expr]) -> str | None:
    """The text without the VARIANT sort keys of bare columns (rewrites.VARIANT_KEY); None if it has none."""
    copies = [p.copy() for p in parts]
    keys = [o for p in copies for o in p.find_all(exp.Ordered) if o.meta.get(rewrites.VARIANT_KEY)]
    if not keys:
        return None
    for key in keys:
        key.pop()
    return "; ".join(_generate(copies))


def _table_ddl(stmt: exp.Expr, kind: Kind, sql: str) -> ddl.TableDDL | None:
    """Read what a CREATE / ALTER TABLE declares (its keys leave the statement: DuckDB would enforce them)."""
    if isinstance(stmt, exp.Create) and kind == "create_table":
        return ddl.create_table(stmt, sql)
    if isinstance(stmt, exp.Create) and kind == "create_view":
        return ddl.create_view(stmt, sql)
    altered = str(stmt.args.get("kind") or "").upper() if isinstance(stmt, exp.Alter) and kind == "alter" else ""
    if altered in ("TABLE", "VIEW") and isinstance(stmt, exp.Alter):
        return ddl.alter_table(stmt) if altered == "TABLE" else ddl.alter_view(stmt)
    return None


# ---------------------------------------------------------------------------------------------
# Parsing: sqlglot's Snowflake parser, plus Snowflake's names for unaliased select items
# ---------------------------------------------------------------------------------------------


class _Parser(create_forms.ColumnAlterParser):
    """Names every select item as Snowflake would, from the item's own source text."""

    call_names: tuple[str, ...] = ()
    call_heads: tuple[str | None, ...] = ()
    header_text = ""

    def _warn_unsupported(self) -> None:
        """sqlglot logs a warning for a statement it reads as a Command; snowreg refuses such a statement by
        name (_classify), and library code never writes to the user's stderr."""

    def _parse_projections(self) -> tuple[list[exp.Expr], list[exp.Expr] | None]:
        items: list[exp.Expr] = []
        while True:
            start = self._index
            item = self._parse_expression()
            if item is None:
                break
            items.append(_named(item, self._tokens[start:self._index], self.header_text, self.call_names,
                                self.sql, self.call_heads))
            if not self._match(TokenType.COMMA):
                break
            self._add_comments(item)
        return items, None

    FUNCTIONS = snowflake_calls.builders(SnowflakeParser.FUNCTIONS)  # Snowflake's functions only (SEC(x) is a UDF's)
    FUNCTION_PARSERS = snowflake_calls.function_parsers(SnowflakeParser.FUNCTION_PARSERS)

    UNARY_PARSERS = {
        **SnowflakeParser.UNARY_PARSERS,
        TokenType.PLUS: lambda self: numbers.signed(self._parse_unary(), negate=False),
        TokenType.DASH: lambda self: numbers.signed(self._parse_unary(), negate=True),
    }

    def _parse_term(self, parse_mod: bool = True) -> exp.Expr | None:
        return numbers.folded(numbers.numeric_operands(super()._parse_term(parse_mod=parse_mod)))

    def _parse_factor(self, parse_mod: bool = True) -> exp.Expr | None:
        return numbers.folded(numbers.numeric_operands(super()._parse_factor(parse_mod=parse_mod)))


def _named(item: exp.Expr, tokens: list[Token], sql: str, call_names: tuple[str, ...], source: str = "",
           call_heads: tuple[str | None, ...] = ()) -> exp.Expr:
    """`a` → `a AS "A"`; `v:x + 1` → `… AS "V:X + 1"` (Snowflake's header: the text, upper-cased). `sql` is
    the header text; where it is not the parsed `source`, an item ending in a value padded with spaces
    (`$V` → `5 `) takes in the padding, where the rest of what the user wrote stands."""
    if isinstance(item, (exp.Alias, exp.Star)) or isinstance(item.unnest(), exp.Star) or not tokens \
            or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):  # `t.*`, even edited
        return item
    written = sql[tokens[0].start:tokens[-1].end + 1] if sql is not source else ""
    edited = written.replace(HEADER_PAD, "").strip() != "" and written != source[tokens[0].start:tokens[-1].end + 1]
    if isinstance(item, exp.Column) and not edited and isinstance(item.this, exp.Identifier | exp.Star):
        # a column the engine wrote for `t.$2` is named `T.$2`; `v.$2` itself is named by its text
        if isinstance(item.this, exp.Star):
            return item
        name = item.this.this if item.this.quoted else item.this.this.upper()
    else:
        end = tokens[-1].end + 1
        if sql is not source:
            while end < len(source) and source[end] == " ":
                end += 1
        text = " ".join(sql[tokens[0].start:end].replace(HEADER_PAD, "").split()).upper()
        name = call_headers.named(text, call_names, call_heads)
    return exp.Alias(this=item, alias=exp.Identifier(this=name, quoted=True))


def parse(sql: str, call_names: tuple[str, ...] = (), header_text: str | None = None,
          call_heads: tuple[str | None, ...] = ()) -> exp.Expr:
    """One Snowflake statement → sqlglot tree (select items named from `header_text`, default `sql`)."""
    try:
        tokens = _SNOWFLAKE.tokenize(sql)
    except TokenError:
        raise parse_errors.token_error(sql) from None
    tokens = create_forms.temporary_synonyms(_drop_trailing_commas(tokens))
    recursive = create_forms.recursive_view(tokens)
    if recursive is not None:
        tokens = tokens[:recursive] + tokens[recursive + 1:]
    parser = _Parser(dialect=_SNOWFLAKE, error_level=ErrorLevel.IMMEDIATE)
    parser.call_names = call_names
    parser.call_heads = call_heads
    parser.header_text = sql if header_text is None else header_text
    try:
        statements = [s for s in parser.parse(tokens, sql) if s is not None]
    except ParseError as e:
        raise parse_errors.parse_error(e, tokens, sql) from None
    if len(statements) != 1:
        raise not_supported("More than one statement in one call" if statements else "An empty statement")
    return create_forms.as_recursive(statements[0]) if recursive is not None else statements[0]


def headers(sql: str) -> list[str | None] | None:
    """The names Snowflake gives a query's select items, from its own text (None per item not known, None
    for a statement that is no plain SELECT list): the text before session variables or LAST_QUERY_ID()
    are written into it names `$X` and `LAST_QUERY_ID()`, not their values."""
    try:
        stmt = parse(sql)
    except Exception:  # noqa: BLE001 - a text only the rewritten form parses: keep DuckDB's names
        return None
    while isinstance(stmt, exp.SetOperation):
        stmt = stmt.this
    if not isinstance(stmt, exp.Select) or any(isinstance(p.unnest(), exp.Star) for p in stmt.expressions):
        return None
    out: list[str | None] = []
    for item in stmt.expressions:
        ident = item.args.get("alias") if isinstance(item, exp.Alias) else None
        out.append((ident.this if ident.quoted else ident.this.upper()) if isinstance(ident, exp.Identifier) else None)
    return out


def _drop_trailing_commas(tokens: list[Token]) -> list[Token]:
    """`SELECT *, FROM t` (Snowflake accepts a comma before FROM) → `SELECT * FROM t`."""
    drop = {i for i in range(len(tokens) - 1)
            if tokens[i].token_type is TokenType.COMMA and tokens[i + 1].token_type is TokenType.FROM}
    return [t for i, t in enumerate(tokens) if i not in drop] if drop else tokens


# ---------------------------------------------------------------------------------------------
# Statement kind and write targets: decided once, from the root
# ---------------------------------------------------------------------------------------------

_CREATE_KINDS: dict[str, tuple[Kind, ObjectKind]] = {
    "TABLE": ("create_table", "table"), "VIEW": ("create_view", "view"), "SCHEMA": ("ddl", "schema"),
    "SEQUENCE": ("ddl", "sequence")}
_DROP_KINDS: dict[str, ObjectKind] = {"TABLE": "table", "VIEW": "view", "SCHEMA": "schema", "SEQUENCE": "sequence"}
_DML: dict[type[exp.Expr], Kind] = {exp.Insert: "insert", exp.Update: "update", exp.Delete: "delete",
                                    exp.Merge: "merge"}


def _classify(stmt: exp.Expr) -> tuple[Kind, dict[int, ObjectKind]]:
    """The statement's kind and its write targets (Table node id → object kind)."""
    if isinstance(stmt, (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)):
        return "select", {}
    if isinstance(stmt, (exp.Transaction, exp.Commit, exp.Rollback)):
        return "transaction", {}
    if isinstance(stmt, exp.MultitableInserts):  # INSERT ALL / FIRST: every INTO table is a target
        return "insert", {k: v for c in stmt.expressions for k, v in _target(c.this.this, "table").items()}
    if type(stmt) in _DML:
        return _DML[type(stmt)], _target(stmt.this, "table")
    kind = str(stmt.args.get("kind") or "").upper()
    if isinstance(stmt, exp.Create) and kind in _CREATE_KINDS:
        stmt_kind, object_kind = _CREATE_KINDS[kind]
        return stmt_kind, _target(stmt.this, object_kind)
    if isinstance(stmt, exp.Drop) and kind in _DROP_KINDS:
        nodes = stmt.args.get("tables") or [stmt.this]
        return "drop", {k: v for t in nodes for k, v in _target(t, _DROP_KINDS[kind]).items()}
    if isinstance(stmt, exp.Alter) and kind == "TABLE":  # SWAP WITH: both tables are renamed
        swaps = [a.this for a in stmt.args.get("actions") or [] if isinstance(a, exp.SwapTable)]
        return "alter", {k: v for t in [stmt.this, *swaps] for k, v in _target(t, "table").items()}
    if isinstance(stmt, exp.Alter) and kind == "VIEW" and create_forms.view_actions(stmt):
        return "alter", _target(stmt.this, "view")
    if isinstance(stmt, exp.Comment) and kind in ("TABLE", "VIEW"):
        return "alter", _target(stmt.this, "view" if kind == "VIEW" else "table")
    if isinstance(stmt, exp.TruncateTable):
        return "truncate", {k: v for t in stmt.expressions for k, v in _target(t, "table").items()}
    if isinstance(stmt, exp.Command):
        rest = stmt.expression.name if isinstance(stmt.expression, exp.Literal) else str(stmt.expression or "")
        words = rest.upper().split()
        what = " ".join([stmt.name.upper(), *words[:2 if words[:1] in (["MODEL"], ["COMPUTE"]) else 1]])
    else:
        what = f"{stmt.key.upper()} {kind}".strip()
    raise not_supported(f"The statement {what}{_WHY.get(what.split()[-1], '')}")


# Why some families of statements are refused, named after the refusal (`SHOW SERVICES` is what
# snowflake-ml-python's ModelVersion.create_service sends first, `SHOW MODEL MONITORS` what
# Registry.show_model_monitors sends).
_SPCS = " (Snowpark Container Services: services, compute pools and model serving with create_service)"
_WHY = {"SERVICE": _SPCS, "SERVICES": _SPCS, "ENDPOINTS": _SPCS, "POOLS": _SPCS,
        "MONITORS": " (ML Observability: model monitors)"}


def _target(node: exp.Expr | None, object_kind: ObjectKind) -> dict[int, ObjectKind]:
    if isinstance(node, exp.Schema):
        node = node.this
    return {id(node): object_kind} if isinstance(node, exp.Table) else {}


# ---------------------------------------------------------------------------------------------
# The one pass: children before parents, one dispatch per node
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """What the binder notes while translating: column sites and aliases JOIN … ON may mean."""

    sites: list[ColumnSite]
    join_aliases: set[str]
    expand: frozenset[str]
    udfs: list[FunctionRef]

    def udf_call(self, node: exp.Func, name: str) -> exp.Expr:
        """A call of a user-defined function: recorded, and renamed to its placeholder."""
        return udf_calls.placeholder(self.udfs, node, name)


def _rewrite(stmt: exp.Expr, targets: dict[int, ObjectKind], sql: str, found: _Found,
             model_calls: int, divisions: numbers.Divisions) -> tuple[TableRef, ...]:
    refs: list[TableRef] = []
    named: dict[int, exp.Table] = {}  # refs' index → the table node naming an object (bind.qualify)
    information_current = MARK in sql  # the session's current schema is INFORMATION_SCHEMA
    rewrites.before_walk(stmt, sql)
    for node in reversed(list(stmt.walk(bfs=False))):
        cls = type(node)
        new: exp.Expr | None
        if isinstance(node, exp.Identifier):
            bind.identifier(node, bind.is_container_part(node) or targets.get(id(node.parent)) == "schema")
            if (isinstance(node.parent, exp.Schema) and isinstance(node.parent.parent, exp.Insert)) \
                    or (isinstance(node.parent, exp.AlterColumn) and node.arg_key == "this"):
                found.sites.extend(bind.name_sites(node))  # INSERT INTO t (a, b), ALTER COLUMN c, COMMENT ON COLUMN
            continue
        if isinstance(node, exp.Func) and node._meta:
            new = functions.bind_call(node, sql, model_calls, found.udf_call)
            if new is not None:
                node.replace(new)
                continue
        if isinstance(node, exp.Column):
            sequence = dml.nextval(node)  # seq.NEXTVAL reads like a column
            if sequence is not None:
                refs.append(TableRef(_part(node.args.get("catalog")), _part(node.args.get("db")),
                                     snowflake(node.table), object_kind="sequence"))
                node.replace(sequence)
                continue
            site = bind.column_site(node)
            if site is not None:
                found.sites.append(site)
            continue
        if isinstance(node, exp.Select) and node.args.get("joins"):
            found.join_aliases.update(bind.join_aliases(node, found.expand))
        if isinstance(node, exp.Table):
            count = len(refs)
            new = _table(node, targets, refs, information_current)
            if new is None and len(refs) > count and refs[-1].object_kind != "schema":
                named[count] = node
        elif isinstance(node, exp.TableFromRows):
            new = _table_function(node, refs, information_current)
        elif cls in _UNSUPPORTED:
            raise not_supported(_UNSUPPORTED[cls])
        elif isinstance(node, exp.Div):
            new = divisions.div(node)
        elif isinstance(node, exp.Mod):
            new = divisions.mod(node)
        elif isinstance(node, exp.Avg):
            new = divisions.avg(node)
        elif cls in numbers.WIDENED:
            new = divisions.conditional(node)
        elif isinstance(node, exp.DateAdd):
            new = divisions.dateadd(node)
        elif isinstance(node, exp.TimestampTrunc | exp.DateTrunc | exp.AddMonths):
            new = divisions.keeps_date(node)
        elif isinstance(node, exp.Cast) and ((new := dates.cast(node)) is not None
                                             or (new := conversions.boolean_cast(node)) is not None):
            pass
        else:
            handler = _DISPATCH.get(cls)
            if handler is None:
                continue
            new = handler(node)
            if isinstance(node, exp.Window):
                new = divisions.window(node)
        if new is not None and new is not node:
            node.replace(new)
    kept: list[TableRef] = []
    for i, ref in enumerate(refs):
        table = named.get(i)
        if table is not None:
            if not ref.write and ref.database is None and ref.schema is None and bind.cte_reference(table):
                continue  # DuckDB reads the CTE: no object
            bind.qualify(table)
        kept.append(ref)
    return tuple(dict.fromkeys(kept))


def _part(node: exp.Expr | None) -> str | None:
    return snowflake(node.name) if isinstance(node, exp.Identifier) else None


def _table(node: exp.Table, targets: dict[int, ObjectKind], refs: list[TableRef],
           information_current: bool = False) -> exp.Expr | None:
    """Record the reference; redirect INFORMATION_SCHEMA views to the catalog's table macros (an unqualified
    name too, when INFORMATION_SCHEMA is the current schema and the name is no CTE's)."""
    _dynamic_name(node)
    database, schema = _part(node.args.get("catalog")), _part(node.args.get("db"))
    if information_current and schema is None and targets.get(id(node)) is None and node.name \
            and not isinstance(node.parent, exp.AlterRename) and not bind.cte_reference(node):
        schema = "INFORMATION_SCHEMA"
    if schema == "INFORMATION_SCHEMA":
        call = node.this if isinstance(node.this, exp.Anonymous) else None
        name = call.name.upper() if call else node.name
        refs.append(TableRef(database, schema, name))
        return information_refs.reference(name, database, call.expressions if call else [], node.args.get("alias"))
    object_kind = targets.get(id(node))
    if object_kind == "schema":  # `CREATE SCHEMA db.s` parses as a table without a name
        refs.append(TableRef(database, schema or node.name, "", True, "schema"))
    elif isinstance(node.parent, exp.AlterRename):
        return None  # the new name of ALTER TABLE … RENAME TO: not an object that exists yet
    elif isinstance(node.this, exp.Identifier):  # not a table function such as RANGE(…)
        refs.append(TableRef(database, schema, snowflake(node.name), object_kind is not None,
                             object_kind or "table", bind.table_start(node)))
    return None


_NAME_PART = re.compile(r'"(?:[^"]|"")*"|[^."]+')


def _dynamic_name(node: exp.Table) -> None:
    """`IDENTIFIER('db."s".t')` as a table name → `"DB"."s"."T"` (so it is recorded and checked like any)."""
    dynamic = node.this
    if not isinstance(dynamic, exp.DynamicIdentifier) or not isinstance(dynamic.this, exp.Literal) \
            or not dynamic.this.is_string:
        return
    parts = [p.strip() for p in _NAME_PART.findall(dynamic.this.this)]
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise not_supported(f"The object name {dynamic.this.this!r} in IDENTIFIER()")
    names = [exp.Identifier(this=p[1:-1].replace('""', '"') if p.startswith('"') else p.upper(), quoted=True)
             for p in parts]
    for key, ident in zip(("catalog", "db", "this")[3 - len(names):], names, strict=True):
        if key == "this":
            ident.set("this", physical(ident.this))
        node.set(key, ident)


def _table_function(node: exp.TableFromRows, refs: list[TableRef], information_current: bool = False
                    ) -> exp.Expr | None:
    """`TABLE(FLATTEN(…))`, `TABLE(db.INFORMATION_SCHEMA.TAG_REFERENCES(…))`, `TABLE(RESULT_SCAN('id'))`; with
    INFORMATION_SCHEMA the current schema, `TABLE(TAG_REFERENCES(…))` and the schema's other functions."""
    if isinstance(node.this, flatten.TABLE_FUNCTIONS):
        return flatten.rewrite(node)
    if udf_calls.is_placeholder(node.this):  # TABLE(f(…)) of a user-defined table function
        return exp.Table(this=node.this, alias=node.args.get("alias"))
    if isinstance(node.this, exp.Anonymous) and node.this.name.upper() == "RESULT_SCAN":
        return _result_scan(node.this, node.args.get("alias"))
    if information_current and isinstance(node.this, exp.Anonymous) \
            and node.this.name.upper() in information.DOCUMENTED:
        refs.append(TableRef(None, "INFORMATION_SCHEMA", node.this.name.upper()))
        return information_refs.reference(node.this.name.upper(), None, node.this.expressions, node.args.get("alias"))
    if isinstance(node.this, exp.Dot) and isinstance(node.this.expression, exp.Anonymous):
        parts: list[str] = []
        head: exp.Expr = node.this.this
        while isinstance(head, exp.Dot):
            parts.insert(0, head.expression.name)
            head = head.this
        parts.insert(0, head.name)
        if parts[-1] == "INFORMATION_SCHEMA":
            call = node.this.expression
            database = snowflake(parts[-2]) if len(parts) > 1 else None  # bound names are physical
            refs.append(TableRef(database, "INFORMATION_SCHEMA", call.name.upper()))
            return information_refs.reference(call.name.upper(), database, call.expressions, node.args.get("alias"))
    return None


def _result_scan(call: exp.Anonymous, alias: exp.Expr | None) -> exp.Expr:
    """RESULT_SCAN('<query id>') → the Arrow view engine.sql.history registered for that result."""
    arg = call.expressions[0] if len(call.expressions) == 1 else None
    if not isinstance(arg, exp.Literal) or not arg.is_string:
        raise not_supported("RESULT_SCAN of anything but a query id or LAST_QUERY_ID()")
    return exp.Table(this=exp.Identifier(this=history_view(arg.this), quoted=True), alias=alias)


def _lateral(node: exp.Lateral) -> exp.Expr | None:
    return flatten.rewrite(node) if isinstance(node.this, flatten.TABLE_FUNCTIONS) else None


_UNSUPPORTED: dict[type[exp.Expr], str] = {
    **{cls: f"{name} on semi-structured values" for cls, name in variant.UNSUPPORTED.items()},
    exp.HistoricalData: "Time travel (AT | BEFORE)",
}

_DISPATCH: dict[type[exp.Expr], Callable[[Any], exp.Expr | None]] = {
    **variant.REWRITES,
    **dict.fromkeys(texts.SUBJECTS, texts.text_subjects),
    **rewrites.REWRITES,
    exp.Lateral: _lateral,
    exp.Floor: functions.floor_ceil,
    exp.Extract: dates.extract,
    **dict.fromkeys(dates.PART_CALLS, dates.wall_clock_part),
    **dict.fromkeys((exp.Substring, exp.StrPosition, exp.Chr, exp.BitwiseLeftShift, exp.BitwiseRightShift),
                    functions.integer_operands),
    exp.Ceil: functions.floor_ceil,
    exp.CastToStrType: functions.cast_as,
    **aggregates.NODES,
    **dict.fromkeys(conversions.BITWISE, conversions.bitwise_operands),
}

__all__ = ["Kind", "TableRef", "Translation", "headers", "parse", "translate"]
