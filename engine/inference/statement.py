"""Model methods in SQL: resolve every call, translate the statement, run models on whole batches.

The road of a statement with model calls:

1. bind: each `m!method(…)` / `MODEL(m, v)!method(…)` / WITH-alias call is resolved to a version and
   one of its functions (USAGE checked), its arguments checked and ordered; the SQL text gets a
   placeholder `__snowreg_call_<n>(args)` (`TABLE(__snowreg_tcall_<n>(args) OVER (…))` in FROM);
2. translate: Snowflake → DuckDB as for any query (placeholders are typed VARIANT there);
3. in the DuckDB tree: arguments are cast to the signature's types, table calls become Arrow
   tables (inference_tables), the fast path (inference_fast) replaces every scalar call it can by
   columns computed with one model call, and the calls left get a vectorised UDF (the fallback);
4. run the DuckDB statement. Describe-only runs no model (and loads none): UDFs are only declared,
   and a table call's source is read with LIMIT 0 to type its columns.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import weakref
from collections import OrderedDict

import duckdb
import orjson
from sqlglot import exp

from snowreg import errors
from snowreg.catalog import Catalog
from snowreg.catalog.manifest import FunctionSpec
from snowreg.engine.access import privileges
from snowreg.engine.inference import doubles, outer, shortcut, trees, view_index, views
from snowreg.engine.inference import fast as inference_fast
from snowreg.engine.inference import tables as inference_tables
from snowreg.engine.inference.cache import MODELS
from snowreg.engine.inference.methods import Method
from snowreg.engine.inference.plan import CALL, Plan, Site, arity_error, call_nodes, datatype, snowflake_type
from snowreg.engine.inference.rows import ARROW_TYPES, object_texts, rows_of
from snowreg.engine.resolve import find_model, resolve_version
from snowreg.engine.result import Column, Result, duckdb_type, status
from snowreg.engine.session import Session, model_fqn
from snowreg.engine.sql import bind, history, table_meta, translate, udf_calls
from snowreg.engine.sql import run as query
from snowreg.engine.sql.translation import qualified
from snowreg.engine.sql.variant_values import to_snowflake_column
from snowreg.grammar import ast, generated
from snowreg.grammar.render import name as render_name
from snowreg.grammar.text import Spliced, quote_ident


def run(session: Session, stmt: ast.Query, describe_only: bool = False) -> Result:
    """Run (or type, when `describe_only`) a statement holding model calls."""
    key = None if describe_only else _shape(session, stmt)
    recipe = _PLANS.get(session.catalog, key)
    if recipe is not None:
        replayed = _replay(session, recipe)
        if replayed is not None:
            return replayed
    binder = Binder(session, stmt.model_aliases)
    tr, places = _translated(session, stmt, binder)
    if tr.kind == "create_view":
        if not binder.sites and not views.reads_model_view(session, tr.tables):
            view_index.forget(session.catalog)  # it may replace a view over model calls
            try:  # only its text named a model view
                return query.run_sql(session, places.rendered.text, describe_only)
            except errors.Error as e:
                raise errors.remapped(e, places.rendered.written_at) from None
        if describe_only:
            return status()
        # The view keeps its Snowflake text: its calls are bound each time it is read.
        return views.create(session, stmt, tr, lambda s, q: run(s, q, describe_only=True))
    try:
        local = _resolve_tables(session, tr)
        privileges.check_tables(session, tr.tables, tr.kind)
        bind.check_view_owners(session, tr.tables)
    except errors.Error as e:  # an unknown table points at its name
        bind.at_table(e, tr.tables, places.text)
        raise places.error(e) from None
    tr = qualified(tr, session.database, session.schema, local)  # DuckDB reads the objects checked, no other
    plan = Plan(session.duck, binder.sites, describe_only, loader=lambda site: _load(session, site),
                check_canceled=session.check_canceled, stats=session.inference_stats)
    session.catalog.store.functions_for(tr.sql)  # PARSE_JSON's key order (json_order) and the like, as run_sql
    query.sync_context(session, tr)
    try:
        tree = trees.duckdb_tree(tr.sql)
        bound = len(plan.sites)
        views.expand(session, tree, binder.view_binder)
        marks = _call_columns(tree)
        _prepare(plan, tree)
        inference_tables.expand(plan, tree)
        if not describe_only:
            inference_fast.materialise(plan, tree)
            outer.simplify(plan, tree)
            doubles.as_variant(tree)
        plan.ensure_udfs(tree)
        cut = None if describe_only or plan.functions else shortcut.find(tree, plan)
        final = dataclasses.replace(tr, sql=trees.duckdb_text(tree), guard=None)  # the tree is done with
        described: shortcut.Described = {}
        result = _typed(session, final, _execute(session, plan, final, marks[1], places, cut, described))
        if key is not None and len(plan.sites) == bound and not places.volatile:  # no view added calls
            _remember(session, key, plan, final, marks, cut, described)
    finally:
        plan.close()
    if not describe_only:
        privileges.record_tables(session, tr.tables, tr.kind)
        if tr.kind not in ("select", "insert", "update", "delete", "merge"):
            view_index.forget(session.catalog)
            table_meta.record(session, tr, next((t for t in tr.tables if t.write), None))  # CTAS: as the plain road
    return _mark(result, marks[0])


def _translated(session: Session, stmt: ast.Query, binder: Binder) -> tuple[translate.Translation, _Places]:
    """The statement's calls bound, its variables valued, translated; and where each place was written."""
    rendered = binder.spliced(stmt.body, stmt.span)
    edits: list[Spliced] = []  # the plain road's text rewrites: $v, SYSTEM$ functions and GET_DDL, LAST_QUERY_ID,
    volatile = False  # and the session's parameters that change a translation (the plan's key holds them: _shape)
    for rewrite in query.TEXT_REWRITES:
        try:
            done = rewrite(session, edits[-1].text if edits else rendered.text)
        except errors.Error as e:
            raise _Places(rendered, edits).error(e) from None
        if done is not None:
            edits.append(done)
            volatile = volatile or rewrite is history.expand
    places = _Places(rendered, edits, volatile)
    try:
        labels, heads = tuple(binder.labels), tuple(binder.heads)
        tr = generated.shared(places.text, lambda t: translate.translate(t, labels, call_heads=heads),
                              ("translate", labels, heads))
        return (udf_calls.bind(session, tr) if tr.udfs else tr), places  # user functions: their macros
    except errors.Error as e:
        raise places.error(e) from None


def _resolve_tables(session: Session, tr: translate.Translation) -> frozenset[str]:
    """Every table the statement names exists (else 002003, as on the plain road), or is a frame the
    Python API registered on the session's handle for this statement (looked up only then, and never
    one of the relations the engine itself registers there, all named `snowreg_…` or `__snowreg_…`);
    returns the names of those frames."""
    try:
        bind.resolve_tables(session, tr.tables, tr.kind)
        return frozenset()
    except errors.Error:
        registered = session.duck.execute(
            "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal").fetchall()
        frames = frozenset(str(r[0]) for r in registered if not _ENGINE_RELATION.match(str(r[0])))
        bind.resolve_tables(session, tr.tables, tr.kind, frames)
        return frames


_ENGINE_RELATION = re.compile(r"(?:__)?snowreg_")  # lower case: not SNOWREG_RUN_INPUT_…, the Python API's


class _Places:
    """Where a place in the text sent to DuckDB's translation was written: back through the variables'
    values, then through the calls' placeholders, to the statement as the user wrote it."""

    def __init__(self, rendered: Spliced, edits: list[Spliced], volatile: bool = False) -> None:
        self.rendered, self.edits = rendered, edits
        self.text = edits[-1].text if edits else rendered.text
        self.volatile = volatile  # LAST_QUERY_ID's value is in the text: never kept as a recipe

    def __call__(self, line: int, column: int) -> tuple[int, int]:
        for edit in reversed(self.edits):
            line, column = edit.written_at(line, column)
        return self.rendered.written_at(line, column)

    def error(self, error: errors.Error) -> errors.Error:
        return errors.remapped(error, self)


# ---------------------------------------------------------------------------------------------
# Plans reused by statements of the same shape
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Recipe:
    """A SELECT whose every call ran on the fast path: what to run again, in order, and how to show it."""

    final: translate.Translation
    sites: dict[int, Site]
    uid: int  # the plan's registered names (`__snowreg_in_<uid>_<n>`) are baked into the SQL
    rounds: list[inference_fast.Round]
    formatted: set[str]
    deferred: dict[str, tuple[str, str]]
    marks: tuple[set[str], set[str]]
    cut: shortcut.Shortcut | None
    described: shortcut.Described  # how DuckDB bound a shortcut's final statement (`_execute`)


def _shape(session: Session, stmt: ast.Query) -> tuple[object, ...] | None:
    """What a statement's plan depends on besides the registry: its text, who runs it, where, and the
    session's variables and parameters. The registry's generations (any committed write, grants
    included, and DDL or DML through SQL) complete the key in `_Plans`."""
    key = (stmt, session.id, session.user, session.role, session.secondary_roles, session.database,
           session.schema, tuple(sorted(session.variables.items(), key=lambda kv: kv[0])),
           tuple(sorted(session.parameters.items())))
    try:
        hash(key)
    except TypeError:  # a variable holding a value that cannot be a key: plan every time
        return None
    return key


class _Plans:
    """Recipes per catalog, keyed by statement shape and the catalog's generations; bounded (LRU)."""

    capacity = 64

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_catalog: weakref.WeakKeyDictionary[Catalog, OrderedDict[tuple[object, ...], _Recipe]] = \
            weakref.WeakKeyDictionary()

    def get(self, catalog: Catalog, key: tuple[object, ...] | None) -> _Recipe | None:
        if key is None:
            return None
        full = (*key, catalog.store.generation, catalog.store.access_generation)
        with self._lock:
            recipes = self._by_catalog.get(catalog)
            recipe = recipes.get(full) if recipes is not None else None
            if recipe is not None:
                recipes.move_to_end(full)  # type: ignore[union-attr]
            return recipe

    def put(self, catalog: Catalog, key: tuple[object, ...], recipe: _Recipe) -> None:
        full = (*key, catalog.store.generation, catalog.store.access_generation)
        with self._lock:
            recipes = self._by_catalog.setdefault(catalog, OrderedDict())
            recipes[full] = recipe
            while len(recipes) > self.capacity:
                recipes.popitem(last=False)


_PLANS = _Plans()


def _remember(session: Session, key: tuple[object, ...], plan: Plan, final: translate.Translation,
              marks: tuple[set[str], set[str]], cut: shortcut.Shortcut | None, described: shortcut.Described) -> None:
    """Keep the plan of a SELECT whose every call ran on the fast path (no UDF, no table method)."""
    if final.kind != "select" or plan.functions or any(s.fn.is_table_function for s in plan.sites.values()):
        return
    sites = {i: dataclasses.replace(site, method=None) for i, site in plan.sites.items()}  # models load anew
    _PLANS.put(session.catalog, key, _Recipe(final, sites, plan.uid, list(plan.rounds), set(plan.formatted),
                                             dict(plan.deferred), marks, cut, described))


def _replay(session: Session, recipe: _Recipe) -> Result | None:
    """Run a recipe: the same table privilege checks, materialisations, model calls and final SQL as
    the statement it was recorded from, without binding or planning. None when it no longer fits."""
    final = recipe.final
    privileges.check_tables(session, final.tables, final.kind)
    bind.check_view_owners(session, final.tables)
    sites = {i: dataclasses.replace(site, method=None) for i, site in recipe.sites.items()}
    plan = Plan(session.duck, sites, False, loader=lambda site: _load(session, site),
                stats=session.inference_stats, uid=recipe.uid)
    query.sync_context(session, final)
    try:
        if not inference_fast.replay(plan, recipe.rounds):
            return None
        plan.formatted, plan.deferred = set(recipe.formatted), dict(recipe.deferred)
        result = _typed(session, final, _execute(session, plan, final, recipe.marks[1], cut=recipe.cut, described=recipe.described))
    finally:
        plan.close()
    privileges.record_tables(session, final.tables, final.kind)
    return _mark(result, recipe.marks[0])


def _load(session: Session, site: Site) -> Method:
    assert site.version is not None
    return Method(site.sql_name, site.fn, MODELS.get(session.catalog, site.version))


# ---------------------------------------------------------------------------------------------
# Binding: calls → sites, SQL text with placeholders
# ---------------------------------------------------------------------------------------------


class Binder:
    """Resolves the calls of one statement and renders its text with placeholders."""

    def __init__(self, session: Session, aliases: tuple[ast.ModelAlias, ...]) -> None:
        self.session = session
        self.aliases = {a.alias: a for a in aliases}
        self.sites: dict[int, Site] = {}
        self.labels: list[str] = []
        self.heads: list[str | None] = []  # a call by name as written, which names its column (translate)

    def view_binder(self, owner: Session, stmt: ast.Query) -> translate.Translation:
        """A view's query, its calls bound (as the view's owner, in its schema) into this statement's sites."""
        child = Binder(owner, stmt.model_aliases)
        child.sites, child.labels, child.heads = self.sites, self.labels, self.heads
        tr = translate.translate(child.render(stmt.body), tuple(self.labels), call_heads=tuple(self.heads))
        return udf_calls.bind(owner, tr) if tr.udfs else tr

    def render(self, template: ast.Template, at: ast.Span = ast.NO_SPAN) -> str:
        return self.spliced(template, at).text

    def spliced(self, template: ast.Template, at: ast.Span = ast.NO_SPAN) -> Spliced:
        """The template's text with placeholders for its calls, knowing where each character was written
        (a template without a source map counts from `at`, where its text starts)."""
        out = Spliced()
        flat = 0
        source = template.source
        if not source and len(template.parts) == 1:
            source = ((0, len(template.text), at.line, at.column),)
        for part in template.parts:
            if isinstance(part, str):
                _copy(out, part, flat, source, at)
                flat += len(part)
            elif isinstance(part, ast.TableCall):
                self._table(part, out)
            else:
                site, args = self._bind(part, table=False)
                _call(out, f"__snowreg_call_{site.index}", args, part.span)
        return out

    def _table(self, call: ast.TableCall, out: Spliced) -> None:
        site, args = self._bind(call.call, table=True)
        span = call.span
        out.put("TABLE(", span.line, span.column)
        _call(out, f"__snowreg_tcall_{site.index}", args, call.call.span)
        if call.partition_by is not None or call.order_by is not None:
            out.put(" OVER (", span.line, span.column)
            if call.partition_by:
                out.put("PARTITION BY ", span.line, span.column)
                for k, p in enumerate(call.partition_by):
                    if k:
                        out.put(", ", span.line, span.column)
                    out.extend(self.spliced(p))
            if call.order_by is not None:
                out.put(" ORDER BY " if call.partition_by else "ORDER BY ", span.line, span.column)
                out.extend(self.spliced(call.order_by))
            out.put(")", span.line, span.column)
        out.put(")", span.line, span.column)

    def _bind(self, call: ast.ModelCall, table: bool) -> tuple[Site, list[Spliced | str]]:
        qn, version_ref, version_at = self._target(call.callee)
        model = find_model(self.session, qn, "usage")
        version = resolve_version(self.session, model, version_ref if version_ref is not None else "DEFAULT",
                                  at=version_at)
        if "WAREHOUSE" not in orjson.loads(version.runnable_in or '["WAREHOUSE"]'):
            raise errors.not_supported(  # (conformance/DECISIONS.md K40)
                f"Calling a method of version {quote_ident(version.name)} of model {model_fqn(model)} in a "
                f"warehouse (its runnable_in {version.runnable_in} has no WAREHOUSE: it was logged for "
                "Snowpark Container Services only)")
        label = f"{_callee_text(call.callee)}!{quote_ident(call.method)}"
        functions = self.session.catalog.models.functions(version.id)
        fn = next((f for f in functions if f.name == call.method), None)
        at = {"line": call.span.line, "column": call.span.column}
        if fn is None:
            names = ", ".join(quote_ident(f.name) for f in functions) or "none"
            raise errors.unknown_function(
                label, f"Version {quote_ident(version.name)} of model {model_fqn(model)} has the methods: "
                f"{names}.", line=call.span.line, column=call.span.column)
        if fn.is_table_function != table:
            how = "in FROM as TABLE(…)" if fn.is_table_function else "as a scalar function, not in TABLE(…)"
            raise errors.wrong_function_kind(
                f"{quote_ident(fn.name)} of model {model_fqn(model)} is a "
                f"{'table' if fn.is_table_function else 'scalar'} function: call it {how}.", **at)
        args, arity_ok, named = self._arguments(call, fn, at)
        index = len(self.labels)
        self.labels.append(label)
        self.heads.append(f"{label}({named})" if named is not None else None)
        written = tuple((a.value.text.strip(), a.span.line, a.span.column) for a in call.args)
        site = Site(index, fn, fn.name, label, call.span.line, call.span.column, arity_ok, version, args=written)
        self.sites[index] = site
        return site, args

    def _target(self, ref: ast.ModelRef) -> tuple[ast.QualifiedName, ast.Name | None, ast.Span]:
        """The model and version a callee names, and where the version stands: a callee naming a
        `WITH … AS MODEL` alias resolves to that alias's model and version."""
        qn = ref.model
        alias = self.aliases.get(qn.name) if isinstance(qn.name, str) and qn.schema is None else None
        if alias is not None and (not ref.explicit or ref.version is None):
            return alias.model, alias.version, alias.version_span
        return qn, ref.version, ref.version_span

    def _arguments(self, call: ast.ModelCall, fn: FunctionSpec, at: dict[str, int]
                   ) -> tuple[list[Spliced | str], bool, str | None]:
        """Argument texts in signature order; named arguments are all-or-nothing (docs/SNOWFLAKE.md#s5-2).
        For a call by name, also its argument list as written (`X2 => 2.0, X1 => 1.0`), which names it."""
        inputs = [n for n, _ in fn.inputs]
        names = inputs + [p[0] for p in fn.params]
        texts = [_stripped(self.spliced(a.value)) for a in call.args]
        if any(t.text == "*" or t.text.endswith(".*") for t in texts):  # `*`, `t.*`
            raise errors.not_supported("A model method called with * as its arguments")
        given = [a.name for a in call.args]
        if not any(given):
            return list[Spliced | str](texts), len(inputs) <= len(texts) <= len(names), None
        if not all(given):
            raise errors.invalid_arguments(
                f"Invalid argument list for function '{fn.name}': named and positional arguments "
                "cannot be mixed; name every argument or none.", **at)
        by_name: dict[str, Spliced] = {}
        for name, text in zip(given, texts, strict=True):
            assert name is not None
            if name not in names or name in by_name:
                problem = "is given twice" if name in by_name else "is not an argument"
                raise errors.invalid_arguments(
                    f"Invalid argument '{name}' for function '{fn.name}': it {problem}. "
                    f"The arguments are: {', '.join(names)}.", **at)
            by_name[name] = text
        missing = [n for n in inputs if n not in by_name]
        if missing:
            raise errors.invalid_arguments(
                f"Missing argument {', '.join(missing)} for function '{fn.name}'.", **at)
        written = ", ".join(f"{name} => {text.text}" for name, text in zip(given, texts, strict=True))
        return [by_name.get(n, "NULL") for n in names], True, written


def _copy(out: Spliced, part: str, flat: int, source: tuple[tuple[int, int, int, int], ...], at: ast.Span) -> None:
    """A text piece of a template, standing at `flat` in the template's text, with where it was written:
    each source stretch inside it is copied; new text between (a keyword the builder put between CTEs)
    stands for the stretch that follows it, and without any stretch for `at`."""
    pos, end = flat, flat + len(part)
    for start, length, line, column in source:
        if start < pos or start + length > end:  # not inside this piece
            continue
        if start > pos:
            out.put(part[pos - flat : start - flat], line, column)
        out.copy(part[start - flat : start + length - flat], line, column)
        pos = start + length
    if pos < end:
        line, column = (source[-1][2], source[-1][3]) if source else (at.line, at.column)
        out.put(part[pos - flat :], line, column)


def _stripped(text: Spliced) -> Spliced:
    """An argument's text without the spaces around it."""
    full = text.text
    out = Spliced()
    out.extend(text, len(full) - len(full.lstrip()), len(full.rstrip()))
    return out


def _call(out: Spliced, name: str, args: list[Spliced | str], span: ast.Span) -> None:
    """`name(arg, …)`: the name and punctuation stand for the call, the arguments keep their places."""
    out.put(f"{name}(", span.line, span.column)
    for k, arg in enumerate(args):
        if k:
            out.put(", ", span.line, span.column)
        if isinstance(arg, str):
            out.put(arg, span.line, span.column)
        else:
            out.extend(arg)
    out.put(")", span.line, span.column)


def _callee_text(ref: ast.ModelRef) -> str:
    parts = [p for p in (ref.model.database, ref.model.schema, ref.model.name) if p is not None]
    name = ".".join(render_name(p) for p in parts)
    if not ref.explicit:
        return name
    return f"MODEL({name}, {render_name(ref.version)})" if ref.version is not None else f"MODEL({name})"


# ---------------------------------------------------------------------------------------------
# The DuckDB tree: typed arguments, one UDF per call, argument errors
# ---------------------------------------------------------------------------------------------


def _prepare(plan: Plan, tree: exp.Expr) -> None:
    """Cast every argument to its signature type and point each call at its (fallback) UDF."""
    bad: list[tuple[exp.Anonymous, Site]] = []
    for node, index in list(call_nodes(tree, CALL)):
        site = plan.sites[index]
        if not site.arity_ok:
            bad.append((node, site))
            continue
        types = site.arg_types()
        args = list(node.expressions) + [exp.Null() for _ in range(len(types) - len(node.expressions))]
        node.set("expressions", [exp.Cast(this=a, to=datatype(t)) for a, t in zip(args, types, strict=True)])
        node.set("this", plan.udf_name(site))
    if bad:
        raise _arity_error(plan, tree, *bad[0])


_ARG_TYPES = re.compile(r"argument types '[^(']*\((.*?)\)'")


def _arity_error(plan: Plan, tree: exp.Expr, node: exp.Anonymous, site: Site) -> errors.ProgrammingError:
    """Let DuckDB's binder name the argument types, then report them as Snowflake does."""
    node.set("this", plan.udf_name(site))
    plan.ensure_udfs(tree)
    found: list[str] = []
    try:
        plan.sql("EXPLAIN " + tree.sql(dialect="duckdb", identify=True))
    except duckdb.Error as e:
        m = _ARG_TYPES.search(str(e))
        if m and plan.udf_name(site).lower() in str(e).lower():
            found = _split_types(m.group(1))
    if len(found) != len(node.expressions):
        found = ["?"] * len(node.expressions)
    return arity_error(site, [snowflake_type(t, a) for t, a in zip(found, node.expressions, strict=True)])


def _split_types(text: str) -> list[str]:
    out, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


# ---------------------------------------------------------------------------------------------
# Results: a scalar method's value is an OBJECT; its doubles print as Snowflake prints them
# ---------------------------------------------------------------------------------------------


def _call_columns(tree: exp.Expr) -> tuple[set[str], set[str]]:
    """Names of the result columns that are a call (OBJECT) and of those computed from one."""
    direct: set[str] = set()
    derived: set[str] = set()
    if isinstance(tree, exp.Select):
        for item in tree.expressions:
            if not isinstance(item, exp.Alias):
                continue
            inner = item.this
            if isinstance(inner, exp.Anonymous) and CALL.match(inner.name):
                direct.add(item.alias)
            if next(call_nodes(inner, CALL), None) is not None:
                derived.add(item.alias)
    return direct, derived


def _execute(session: Session, plan: Plan, final: translate.Translation, derived: set[str],
             places: _Places | None = None, cut: shortcut.Shortcut | None = None,
             described: shortcut.Described | None = None) -> Result:
    """Run the DuckDB statement; JSON columns computed from calls print doubles as Snowflake does.
    `described`: what DuckDB bound a shortcut's final statement to (a recipe's, filled and read here;
    shortcut.py `final_rows`, and `_fetch_arrow` by the fast path's Arrow schemas)."""
    if plan.describe_only or not final.returns_rows:
        plan.flush()
        try:
            return query.run_translated(session, final, plan.describe_only)
        except errors.Error as e:
            if plan.failures:
                raise plan.failure(duckdb.Error()) from None
            raise (places.error(e) if places else e) from None
    duck = session.duck
    partials = None
    if isinstance(cut, shortcut.Aggregates) and shortcut.ENABLED and final.kind == "select":
        partials = shortcut.aggregate(plan, cut)
        final = final if partials is None else dataclasses.replace(final, sql=cut.sql)
    if (plan.formatted or plan.deferred) and final.kind == "select" \
            and (fetched := _fetch_arrow(duck, plan, final, places, cut, described)) is not None:
        return fetched
    if partials is None:  # the statement reads the fast path's tables
        plan.flush()
    try:
        rows, columns = shortcut.final_rows(duck, final.sql, partials, cut, described)
    except duckdb.Error as e:
        raise _duckdb_error(plan, final, places, e) from None
    formatted = [i for i, (name, t) in enumerate(columns) if name in plan.formatted and t.upper() == "JSON"]
    deferred = {i: plan.deferred[name] for i, (name, _) in enumerate(columns) if name in plan.deferred}
    if deferred:
        rows = object_texts(rows, deferred)
    for i in [*formatted, *deferred]:
        columns[i] = (columns[i][0], "VARIANT")  # already the connector's text
    done = {*formatted, *deferred}
    if done and not any(_converted(t) for i, (_, t) in enumerate(columns) if i not in done):
        result = query.shape([], columns)  # nothing to convert: the rows stay as DuckDB returned them
        result.rows, result.rowcount = rows, len(rows)
        return result
    exponent = [i for i, (name, t) in enumerate(columns) if name in derived and t.upper() == "JSON"]
    if exponent and rows:
        values = [list(c) for c in zip(*rows, strict=True)]
        for i in exponent:
            values[i] = to_snowflake_column(values[i], "JSON", doubles_as_exponent=True)
            columns[i] = (columns[i][0], "VARIANT")  # already the connector's text: shape keeps it
        rows = list(zip(*values, strict=True))
    return query.shape(rows, columns)


def _duckdb_error(plan: Plan, final: translate.Translation, places: _Places | None, e: duckdb.Error
                  ) -> errors.Error:
    """A column DuckDB did not find is 000904 where the user wrote it; else what a model call's failure was."""
    unbound = None if plan.failures else bind.column_error(e, final.columns, final.source)
    if unbound is None:
        return plan.failure(e)
    return places.error(unbound) if places else unbound


def _fetch_arrow(duck: duckdb.DuckDBPyConnection, plan: Plan, final: translate.Translation,
                 places: _Places | None, cut: shortcut.Shortcut | None,
                 described: shortcut.Described | None = None) -> Result | None:
    """A SELECT with OBJECT texts made by the fast path, read as Arrow (see rows.py) when every column converts
    to the same Python values that way; None (nothing run) otherwise. A projection of the fast path's table
    (shortcut.py) is only bound by DuckDB, its rows taken from that table; bound once per recipe and Arrow
    schema of the tables it reads (`described`: the same SQL over the same columns binds alike)."""
    projection = isinstance(cut, shortcut.Projection) and shortcut.ENABLED
    key = shortcut.schemas(plan) if projection and described is not None else None
    try:
        columns = described.get(key) if described is not None and key is not None else None
        rel = None
        if columns is None:
            plan.flush()
            rel = duck.sql(final.sql)
            assert rel is not None
            columns = [(str(name), str(t)) for name, t in zip(rel.columns, rel.types, strict=True)]
            if described is not None and key is not None:
                if len(described) >= 8:  # schemas change only with the data's types: keep a few
                    described.clear()
                described[key] = columns
        if not all(name in plan.deferred or (t.upper() in ARROW_TYPES and (t.upper() != "JSON" or name in plan.formatted))
                   for name, t in columns):
            return None
        if projection:
            assert isinstance(cut, shortcut.Projection)
            table = shortcut.project(plan, cut)
        else:
            assert rel is not None
            table = rel.to_arrow_table()
    except duckdb.Error as e:
        raise _duckdb_error(plan, final, places, e) from None
    deferred = {i: plan.deferred[name] for i, (name, _) in enumerate(columns) if name in plan.deferred}
    # OBJECT texts are the connector's already: VARIANT keeps them as they are
    columns = [(name, "VARIANT" if t.upper() == "JSON" or i in deferred else t) for i, (name, t) in enumerate(columns)]
    result = query.shape([], columns)
    result.rows = rows_of(table, deferred)
    result.rowcount = len(result.rows)
    return result


def _typed(session: Session, final: translate.Translation, result: Result) -> Result:
    """The columns typed as the plain road types them (engine.sql.table_meta), not by DuckDB's types alone."""
    return table_meta.describe(session, final, result) if final.projected and final.returns_rows else result


def _converted(type_name: str) -> bool:
    """Does `query.shape` rewrite the values of a column of this DuckDB type?"""
    kind, _, scale = duckdb_type(type_name)
    return kind in ("VARIANT", "OBJECT", "ARRAY") or (kind == "FIXED" and scale == 0)


def _mark(result: Result, direct: set[str]) -> Result:
    """A column that is a scalar method's value is an OBJECT (also when only described)."""
    for i, col in enumerate(result.columns):
        if col.name in direct and col.type in ("VARIANT", "OBJECT"):
            result.columns[i] = Column(col.name, "OBJECT", None, None, col.nullable)
    return result
