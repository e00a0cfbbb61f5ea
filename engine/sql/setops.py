"""Set operators over a NUMBER and a VARCHAR column: the text is converted to the number, as in Snowflake.

https://docs.snowflake.com/en/sql-reference/operators-query: the UNION page's example "Use the UNION
operator and cast mismatched data types" fails (100038) on a VARCHAR column holding text that is no
number next to a NUMBER column, so Snowflake converts the VARCHAR side to a number. DuckDB converts the
other way (both become VARCHAR). The types of each branch are known only once DuckDB binds it, so a
query with a set operator carries one describe-only probe per branch (`probes`); when a column meets a
number in one branch and a VARCHAR in another, the statement is translated again with that branch's
item cast to the numbers' type (`coerce`): FLOAT if any branch has a FLOAT there, else NUMBER(38, s) with
the largest scale (conformance/DECISIONS.md N1). Fixed-point columns whose common type DuckDB would cut to
fewer fraction digits (NUMBER(10,2) next to NUMBER(38,0)) are cast to NUMBER(38, s) alike (I8).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from sqlglot import exp

from snowreg.errors import not_supported

# (set operation, branch, column position, DuckDB type to cast to)
Coercion = tuple[int, int, int, str]
_INTEGERS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                       "UINTEGER", "UBIGINT", "UHUGEINT"})
_FLOATS = frozenset({"DOUBLE", "FLOAT"})
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")


def groups(stmt: exp.Expr) -> list[list[exp.Expr]]:
    """The branches of each outermost chain of set operations, in a fixed order."""
    found: list[list[exp.Expr]] = []
    for node in stmt.find_all(exp.SetOperation):
        if isinstance(node.parent, exp.SetOperation) and node.arg_key in ("this", "expression"):
            continue  # a link of a longer chain: its branches belong to the chain's root
        found.append(_leaves(node))
    return found


def _leaves(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.SetOperation):
        return [*_leaves(node.this), *_leaves(node.expression)]
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.SetOperation) and not node.alias:
        return _leaves(node.this)
    return [node.this if isinstance(node, exp.Subquery) and not node.alias else node]


# The first text of a chain whose links are all UNION [ALL] BY NAME: its columns meet by name, not position
BY_NAME = "-- BY NAME"


def _by_name(stmt: exp.Expr) -> list[bool]:
    """Per chain (as `groups` orders them), whether every link of it matches columns by name."""
    out: list[bool] = []
    for node in stmt.find_all(exp.SetOperation):
        if isinstance(node.parent, exp.SetOperation) and node.arg_key in ("this", "expression"):
            continue
        links = [n for n in node.walk() if isinstance(n, exp.SetOperation)
                 and (n is node or _in_chain(n, node))]
        out.append(all(bool(n.args.get("by_name")) for n in links))
    return out


def _in_chain(link: exp.Expr, root: exp.Expr) -> bool:
    node = link
    while node is not root and node is not None:
        parent = node.parent
        if isinstance(parent, exp.Subquery) and not parent.alias:
            node = parent
            continue
        if not isinstance(parent, exp.SetOperation) or node.arg_key not in ("this", "expression"):
            return False
        node = parent
    return node is root


def probes(stmt: exp.Expr, generate: Callable[[exp.Expr], str]) -> tuple[tuple[str, ...], ...]:
    """Per chain, the DuckDB text of each branch on its own (with the CTEs around it), for describing; a
    chain of UNION … BY NAME starts with BY_NAME."""
    out: list[tuple[str, ...]] = []
    for branches, by_name in zip(groups(stmt), _by_name(stmt), strict=True):
        ctes = [cte.copy() for w in _withs(branches[0]) for cte in w.expressions]
        texts: list[str] = []
        for branch in branches:
            probe = branch.copy()
            if ctes and isinstance(probe, exp.Query):
                own = probe.args.get("with_")
                probe.set("with_", exp.With(expressions=[*(c.copy() for c in ctes),
                                                        *(own.expressions if own else [])]))
            texts.append(generate(probe))
        out.append((BY_NAME, *texts) if by_name else tuple(texts))
    return tuple(out)


def _withs(node: exp.Expr) -> list[exp.With]:
    """The WITH clauses of the node's ancestors, outermost first."""
    found: list[exp.With] = []
    parent = node.parent
    while parent is not None:
        w = parent.args.get("with_")
        if isinstance(w, exp.With):
            found.insert(0, w)
        parent = parent.parent
    return found


def needed_by_name(described: Sequence[tuple[Sequence[str], Sequence[str]] | None]
                   ) -> tuple[tuple[int, int, str], ...]:
    """`needed` for UNION [ALL] BY NAME (https://docs.snowflake.com/en/sql-reference/operators-query): the
    columns (names, types) of each branch meet the other branches' columns of the same name, wherever
    they stand; a name only some branches have is NULL in the others and needs no cast."""
    if any(d is None for d in described):
        return ()
    known = [d for d in described if d is not None]
    out: list[tuple[int, int, str]] = []
    names = dict.fromkeys(n for columns, _ in known for n in columns)
    for name in names:
        places = [(b, list(columns).index(name), types[list(columns).index(name)].upper())
                  for b, (columns, types) in enumerate(known) if name in columns]
        for branch, _, wanted in needed([[t] for _, _, t in places]):
            out.append((places[branch][0], places[branch][1], wanted))
    return tuple(out)


def needed(types: Sequence[Sequence[str] | None]) -> tuple[tuple[int, int, str], ...]:
    """(branch, position, target type) for each VARCHAR item that meets a number at its position."""
    known = [t for t in types if t is not None]
    if len(known) != len(types) or len({len(t) for t in known}) != 1:
        return ()
    out: list[tuple[int, int, str]] = []
    for position in range(len(known[0])):
        column = [t[position].upper() for t in known]
        numbers = [c for c in column if is_number(c)]
        if numbers and "VARCHAR" in column:
            wanted = target(numbers)
            out.extend((b, position, wanted) for b, c in enumerate(column) if c == "VARCHAR")
        elif len(numbers) == len(column) and cut_scale(numbers):
            wanted = target(numbers)
            out.extend((b, position, wanted) for b, c in enumerate(column) if c.replace(" ", "") != wanted.replace(" ", ""))
    return tuple(out)


_DIGITS = {"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19, "HUGEINT": 38, "UTINYINT": 3,
           "USMALLINT": 5, "UINTEGER": 10, "UBIGINT": 20, "UHUGEINT": 38}


def cut_scale(numbers: list[str]) -> bool:
    """DuckDB's common type of these fixed-point types drops fraction digits (its width would pass 38, so it
    keeps the integer digits: NUMBER(10,2) and NUMBER(38,0) become DECIMAL(38,0)); Snowflake's keeps them."""
    if any(n in _FLOATS for n in numbers):
        return False
    decimals = [(int(m.group(1)), int(m.group(2))) for n in numbers if (m := _DECIMAL.fullmatch(n)) is not None]
    scale = max((s for _, s in decimals), default=0)
    digits = max([p - s for p, s in decimals] + [_DIGITS.get(n, 0) for n in numbers])
    return scale > 0 and digits + scale > 38


def digits(duck_type: str) -> tuple[int, int]:
    """A fixed-point DuckDB type's integer and fraction digits ((0, 0) for any other type)."""
    m = _DECIMAL.fullmatch(duck_type)
    return (int(m.group(1)) - int(m.group(2)), int(m.group(2))) if m is not None else (_DIGITS.get(duck_type, 0), 0)


def is_number(duck_type: str) -> bool:
    return duck_type in _INTEGERS or duck_type in _FLOATS or _DECIMAL.fullmatch(duck_type) is not None


def target(numbers: list[str]) -> str:
    if any(n in _FLOATS for n in numbers):
        return "DOUBLE"
    scales = [int(m.group(2)) for n in numbers if (m := _DECIMAL.fullmatch(n)) is not None]
    return f"DECIMAL(38, {max(scales, default=0)})"


def coerce(stmt: exp.Expr, coercions: frozenset[Coercion]) -> None:
    """Cast the named branch items to their numbers' type (the text that is no number fails: 100038)."""
    chains = groups(stmt)
    for chain, branch, position, target in sorted(coercions):
        leaf = chains[chain][branch] if chain < len(chains) and branch < len(chains[chain]) else None
        items = leaf.expressions if isinstance(leaf, exp.Select) else None
        if items is None or position >= len(items) or any(isinstance(i.unnest(), exp.Star) for i in items):
            raise not_supported("A set operation of a NUMBER and a VARCHAR column, or of NUMBER columns of "
                                "different scales, from `*` or VALUES (cast one side, e.g. x::NUMBER(38, 2))")
        item = items[position]
        value = item.this if isinstance(item, exp.Alias) else item
        cast = exp.Cast(this=value.copy(), to=exp.DataType.build(target, dialect="duckdb"))
        if isinstance(item, exp.Alias):
            item.set("this", cast)
        else:  # keep the column's name (the first branch names the result's columns)
            name = item.this.copy() if isinstance(item, exp.Column) else exp.to_identifier(item.sql())
            item.replace(exp.Alias(this=cast, alias=name))
