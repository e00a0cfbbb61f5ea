"""Conditionals (IFF, CASE, COALESCE, NVL, NVL2, GREATEST, LEAST) of NUMBERs of different scales keep the fraction.

DuckDB's common type of NUMBER(38,0) (an INT column) and a NUMBER with fraction digits is DECIMAL(38,0): its
width would pass 38, so it keeps the integer digits and cuts the fraction (`IFF(i > 100, i, 2.75)` gave 3).
Snowflake keeps it (https://docs.snowflake.com/en/sql-reference/functions/greatest: the result is "widened"
over the numeric types of all arguments), so such a conditional's values are cast to NUMBER(38, s), s the
largest scale (conformance/DECISIONS.md I8, I30-I32). Each value's type is found, cheapest first:
- from the text (a literal, a CAST, NULL): decided while translating;
- a column of a table the SELECT reads (`Site`): its DuckDB type is looked up in the catalog when the statement
  runs, and the statement is translated again with each such conditional's decision (`scales`);
- anything else: a check DuckDB folds while planning (one typeof per value) fails at the first row where it
  may cut, naming the conditional and its values' types (`CUT_MARKER`); the engine decides, remembers it for
  the text until the next DDL, and translates the statement again with that decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from snowreg.catalog.names import snowflake
from snowreg.engine.sql import setops, variant
from snowreg.engine.sql.duckerrors import SCALE_CUT_MARKER

CUT_MARKER = SCALE_CUT_MARKER
_CUT = re.compile(CUT_MARKER + r"(\d+):((?:<[^<>]*>)*)")

# A value's type: a DuckDB type the text shows, a column ((database, schema, table) candidates, column), or
# None (not known before DuckDB binds it).
Column = tuple[tuple[tuple[str | None, str | None, str], ...], str]
Value = str | Column | None
Site = tuple[int, tuple[Value, ...]]  # a conditional whose values' types the text does not all show
Columns = Callable[[str | None, str | None, str], dict[str, str]]  # a table's column names → DuckDB types

_VALUE_KEYS: dict[type[exp.Expr], tuple[str, ...]] = {
    exp.Greatest: ("this", "expressions"), exp.Least: ("this", "expressions"),
    exp.Coalesce: ("this", "expressions"), exp.If: ("true", "false"), exp.Nvl2: ("true", "false"),
    exp.Case: ("default",)}
WIDENED = tuple(_VALUE_KEYS)

# The check a value of unknown type gets: `CUT_MARKER<k>:` followed by `<typeof(v)>` per value passes (folds to
# 0 while DuckDB plans: no row pays) when no type has fraction digits or none leaves little room for them (a
# DECIMAL of 30 or more digits, a HUGEINT); else it fails to become an integer at the first row, naming the
# conditional and the types, and the engine decides: cast to NUMBER(38, s) where DuckDB would cut, else nothing
# (remembered for the text until the next DDL: the check is then gone). One regular expression, one typeof per value.
_OTHER = "[^DH>][^>]*|D(?:[^E>][^>]*)?|DE(?:[^C>][^>]*)?|H(?:[^U>][^>]*)?"
_NARROW = f"DECIMAL\\((?:[0-9]|[12][0-9]),[0-9]+\\)|{_OTHER}"
_WHOLE = f"DECIMAL\\([0-9]+,0\\)|HUGEINT|{_OTHER}"
MACROS: dict[str, str] = {"snowreg_scale_cut(s)": (
    f"CAST(regexp_replace(s, '^{CUT_MARKER}[0-9]+:(?:(?:<(?:{_NARROW})>)*|(?:<(?:{_WHOLE})>)*)$', '0') AS INTEGER)")}


class Checks:
    """The conditionals of one statement, numbered; `scales` gives decisions made earlier (k → a DuckDB type
    to cast the values to, or '' for none); `sites` collects those whose table columns decide."""

    def __init__(self, scales: frozenset[tuple[int, str]] | None) -> None:
        self.scales = dict(scales or ())
        self.count = 0
        self.sites: list[Site] = []
        self._numbers: dict[tuple[int, str], int] = {}

    def _number(self, node: exp.Expr) -> int:
        """One number per conditional text within a SELECT (`… GROUP BY COALESCE(x, 0.5)` repeats an item, and
        DuckDB matches it by its text), in the order met: the numbers stay when the statement is translated again
        with decisions (identical conditionals get identical ones)."""
        key = (id(node.find_ancestor(exp.Select)), node.sql())
        if key not in self._numbers:
            self._numbers[key] = self.count
            self.count += 1
        return self._numbers[key]

    def visit(self, node: exp.Expr) -> exp.Expr | None:
        """The conditional with its values cast, behind a check, or None (unchanged, or changed in place)."""
        if isinstance(node, exp.If) and isinstance(node.parent, exp.Case):
            return None  # a WHEN of a CASE: the CASE is the conditional
        values = [v for v in _values(node) if not isinstance(v, exp.Null)]
        _widen_integer_literals(values)
        leaves = _leaves(values)  # a conditional among the values counts by its own values
        kinds = [_kind(v) for v in leaves]
        if not _may_cut(kinds):
            return None
        if all(isinstance(k, str) for k in kinds):
            return _cast(node, cut_target([k for k in kinds if isinstance(k, str)]))
        k = self._number(node)
        if k in self.scales:
            return _cast(node, self.scales[k])
        if any(_guarded(v) for v in leaves):
            return None  # (a value holding a check inside an expression: its text would double)
        self.sites.append((k, tuple(kinds)))  # (decided when the statement runs, or kept for a check's decision)
        return _guard(node, leaves, kinds, k)


def cut_target(types: list[str]) -> str:
    """The type to cast a conditional's values to: NUMBER(38, s) where DuckDB's common type would cut the
    fraction, else '' (FLOAT, text and other types meet no such cut)."""
    if not types or not all(setops.is_number(t) for t in types):
        return ""
    return setops.target(types) if setops.cut_scale(types) else ""


def decisions(sites: tuple[Site, ...], columns: Columns) -> frozenset[tuple[int, str]]:
    """Each site's decision, its columns typed by `columns(database, schema, table)` (name → DuckDB type,
    {} for no table); a site with a column not found in exactly one candidate table keeps its check."""
    out: set[tuple[int, str]] = set()
    for k, kinds in sites:
        types: list[str] = []
        for kind in kinds:
            found = kind if isinstance(kind, str) else _column_type(kind, columns) if kind is not None else None
            if found is None:
                break
            types.append(found)
        else:
            out.add((k, cut_target(types)))
    return frozenset(out)


def cut(message: str) -> tuple[int, str] | None:
    """(conditional, type to cast its values to or '' for none) when a DuckDB error is a failed check (CUT_MARKER)."""
    m = _CUT.search(message)
    return (int(m.group(1)), cut_target(re.findall(r"<([^<>]*)>", m.group(2)))) if m is not None else None


def _column_type(kind: Column, columns: Columns) -> str | None:
    tables, name = kind
    found = [t for t in (columns(*table).get(name) for table in tables) if t is not None]
    return found[0].replace(" ", "") if len(found) == 1 else None


def _values(node: exp.Expr) -> list[exp.Expr]:
    values = [v for key in _VALUE_KEYS[type(node)] for v in _as_list(node.args.get(key))]
    if isinstance(node, exp.Case):
        values += [i.args["true"] for i in node.args.get("ifs") or [] if isinstance(i.args.get("true"), exp.Expr)]
    return values


def _as_list(value: Any) -> list[exp.Expr]:
    return list(value) if isinstance(value, list) else [value] if isinstance(value, exp.Expr) else []


def _widen_integer_literals(values: list[exp.Expr]) -> None:
    """Integer literals next to a decimal literal become NUMBER(digits, 0) (https://docs.snowflake.com/en/sql-reference/
    functions/greatest: `10` is NUMBER(2, 0), so GREATEST(1, 2.5) is NUMBER(2, 1); DECISIONS.md N3)."""
    if not any(_literal_digits(v, decimal=True) for v in values):
        return
    for i, value in enumerate(values):
        digits = _literal_digits(value, decimal=False)
        if digits:
            values[i] = exp.Cast(this=value.copy(), to=exp.DataType.build(f"DECIMAL({min(len(digits), 38)}, 0)"))
            value.replace(values[i])


def _literal_digits(node: exp.Expr, decimal: bool) -> str | None:
    """The digits of a (signed) number literal: a decimal one (`2.5`) or an integer one (`10`)."""
    literal = node.this if isinstance(node, exp.Neg) else node
    if not isinstance(literal, exp.Literal) or literal.is_string or "e" in literal.this.lower():
        return None
    text = literal.this
    if ("." in text) != decimal:
        return None
    return text.lstrip("0") or "0"


_TYPED = "snowreg_conditional_type"  # the type a conditional's values were cast to
_T = exp.DataType.Type
_TEXT_TYPES = {_T.DOUBLE: "DOUBLE", _T.FLOAT: "DOUBLE", _T.VARCHAR: "VARCHAR", _T.TEXT: "VARCHAR",
               _T.BOOLEAN: "BOOLEAN", _T.DATE: "DATE", _T.INT: "INTEGER", _T.BIGINT: "BIGINT",
               _T.SMALLINT: "SMALLINT", _T.TINYINT: "TINYINT"}


def _kind(node: exp.Expr) -> Value:
    """What the text shows of a value's DuckDB type (engine.sql.setops' spelling), a table column, or None."""
    while isinstance(node, exp.Paren | exp.Neg):
        node = node.this
    if isinstance(node, exp.Literal):
        return _literal_type(node)
    if node.meta.get(_TYPED):
        return str(node.meta[_TYPED]).replace(" ", "")
    if isinstance(node, exp.Boolean):
        return "BOOLEAN"
    if isinstance(node, exp.Cast) and isinstance(node.to, exp.DataType):
        if node.to.this is _T.DECIMAL:
            params = [p.name for p in node.to.expressions]
            return f"DECIMAL({params[0]},{params[1] if len(params) > 1 else 0})" if params else None
        return _TEXT_TYPES.get(node.to.this)
    if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
        return _column(node)
    return None


def _literal_type(node: exp.Literal) -> str | None:
    if node.is_string:
        return "VARCHAR"
    text = node.this.lower()
    if "e" in text:
        return "DOUBLE"
    whole, _, fraction = text.partition(".")
    if fraction or "." in text:
        digits = len(whole) + len(fraction)
        return f"DECIMAL({digits},{len(fraction)})" if digits <= 38 else None
    return "INTEGER" if int(text) < 2 ** 31 else "BIGINT" if int(text) < 2 ** 63 else None


def _may_cut(kinds: list[Value]) -> bool:
    """Could DuckDB's common type of these values cut fraction digits (two different values: one with fraction
    digits, one whose integer digits leave no room for them)? Types the text shows are checked exactly later."""
    if any(k in ("DOUBLE", "VARCHAR") for k in kinds):
        return False  # DuckDB's common type is then DOUBLE or VARCHAR: no fraction cut
    known = [setops.digits(k) if isinstance(k, str) else None for k in kinds]
    scale = max([d[1] for d in known if d is not None] + [1])
    fractions = {i for i, d in enumerate(known) if d is None or d[1] > 0}
    wide = {i for i, d in enumerate(known) if d is None or d[0] + scale > 38}
    return all(d is not None for d in known) or any(i != j for i in fractions for j in wide)


def _name(ident: Any) -> str:
    """The Snowflake name of an identifier, resolved (bind.identifier) or as written."""
    return snowflake(ident.this) if ident.quoted else ident.this.upper()


def _column(node: exp.Column) -> Column | None:
    """A column of a table the conditional's SELECT reads (in its items or WHERE), with the tables it may belong to."""
    select = node.find_ancestor(exp.Select)
    child: exp.Expr = node
    while child.parent is not None and child.parent is not select:
        child = child.parent
    if select is None or child.arg_key not in ("expressions", "where"):
        return None
    source = select.args.get("from_")
    nodes = [source.this] if isinstance(source, exp.From) else []
    nodes += [j.this for j in select.args.get("joins") or []]
    tables: list[tuple[tuple[str | None, str | None, str], str]] = []
    for table in nodes:
        if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier) or _is_cte(table) \
                or table.args.get("pivots") or (table.args.get("alias") and table.args["alias"].columns):
            return None  # a subquery, table function, CTE, pivot or renamed columns: not the catalog's columns
        database, schema = (_name(p) if isinstance(p, exp.Identifier) else None
                            for p in (table.args.get("catalog"), table.args.get("db")))
        alias = table.args.get("alias")
        named = alias.this if isinstance(alias, exp.TableAlias) and isinstance(alias.this, exp.Identifier) else table.this
        tables.append(((database, schema, _name(table.this)), _name(named)))
    qualifier = node.args.get("table")
    if isinstance(qualifier, exp.Identifier):
        chosen = [t for t, alias in tables if alias == _name(qualifier)]
        return ((chosen[0],), _name(node.this)) if len(chosen) == 1 else None
    return (tuple(t for t, _ in tables), _name(node.this)) if tables else None


def _is_cte(table: exp.Table) -> bool:
    name = _name(table.this)
    return table.args.get("db") is None and any(_name(c.args["alias"].this) == name
                                                for w in table.root().find_all(exp.With) for c in w.expressions
                                                if c.args.get("alias") is not None)


def _guarded(node: exp.Expr) -> bool:
    return any(isinstance(n, exp.Literal) and n.is_string and n.this.startswith(CUT_MARKER) for n in node.walk())


def _unguarded(node: exp.Expr) -> exp.Expr:
    """The conditional a check (`_guard`) stands around, or the node itself."""
    ifs = node.args.get("ifs") if isinstance(node, exp.Case) else None
    if ifs and len(ifs) == 1 and isinstance(ifs[0].this, exp.NEQ) and _guarded(ifs[0].this):
        return node.args["default"]
    return node


def _conditional(node: exp.Expr) -> bool:
    return type(node) in _VALUE_KEYS and not (isinstance(node, exp.If) and isinstance(node.parent, exp.Case))


def _leaves(values: list[exp.Expr]) -> list[exp.Expr]:
    """The values, a conditional among them (not yet cast) replaced by its own values: DuckDB's common type of
    `COALESCE(n, COALESCE(i, 0.5))` is that of n, i and 0.5 (and the inner check may never run: COALESCE
    evaluates its second value only where the first is NULL)."""
    out: list[exp.Expr] = []
    for value in values:
        inner = _unguarded(value)
        if _conditional(inner) and not inner.meta.get(_TYPED):
            out += _leaves([v for v in _values(inner) if not isinstance(v, exp.Null)])
        else:
            out.append(inner)
    return out


def _cast(node: exp.Expr, target: str) -> exp.Expr | None:
    """The conditional with each value cast to `target` (None: nothing to change), a conditional among them
    through its own values (without its check)."""
    if not target:
        return None
    node.meta[_TYPED] = target  # its type, for a conditional holding it
    for value in _values(node):
        inner = _unguarded(value)
        if inner is not value:
            value.replace(inner)
        if _conditional(inner):
            _cast(inner, target)
        elif not isinstance(inner, exp.Null):
            inner.replace(exp.Cast(this=inner.copy(), to=exp.DataType.build(target, dialect="duckdb")))
    return None


def _guard(node: exp.Expr, values: list[exp.Expr], kinds: list[Value], k: int) -> exp.Expr:
    """`node` behind the check snowreg_scale_cut folds: one typeof per value whose type the text does not show."""
    parts: list[exp.Expr] = [exp.Literal.string(f"{CUT_MARKER}{k}:")]
    for value, kind in zip(values, kinds, strict=True):
        if isinstance(kind, str):
            parts.append(exp.Literal.string(f"<{kind}>"))
        else:
            parts += [exp.Literal.string("<"), variant.fn("typeof", value.copy()), exp.Literal.string(">")]
    text = parts[0]
    for part in parts[1:]:
        text = exp.DPipe(this=text, expression=part)
    check = exp.NEQ(this=variant.macro("snowreg_scale_cut", text), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=check, true=exp.Null())], default=node.copy())
