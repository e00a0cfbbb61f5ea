"""The DuckDB text of a statement with model calls, parsed for the planner (once per shape of text) and printed back.

The planner changes the tree, so each statement gets a copy; texts that differ only in generated names
(the model client's temporary table, CTE and result column) share one parse, copied and renamed
(`grammar.generated`), trusted once a text's own parse printed the same.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from snowreg import errors
from snowreg.grammar import generated

_DUCKDB = Dialect.get_or_raise("duckdb")


def duckdb_text(tree: exp.Expr) -> str:
    """DuckDB's text of a tree its caller no longer needs: generated in place, without the copy of the
    whole tree sqlglot makes first by default (~0.3 ms for a model client's statement)."""
    return _DUCKDB.generate(tree, copy=False, identify=True)


def duckdb_tree(sql: str) -> exp.Expr:
    """The translator's DuckDB text parsed: a tree of its own (the planner changes it). Texts that differ
    only in generated names share one parse, copied and renamed (grammar.generated)."""
    return generated.shared(sql, _parsed, ("duckdb tree",), rename=_renamed_tree,
                            same=lambda a, b: repr(a) == repr(b) and a.sql() == b.sql())


# DuckDB text → its parse, for texts without generated names (a text of a shape among them); bounded
_TREES: dict[str, exp.Expr] = {}


def _parsed(sql: str) -> exp.Expr:
    tree = _TREES.get(sql)
    if tree is None:
        try:
            tree = sqlglot.parse_one(sql, read="duckdb")
        except sqlglot.errors.ParseError as e:  # the translator's own output: should never happen
            raise errors.not_supported(f"This statement with model calls ({str(e).splitlines()[0]})") from None
        if generated.lift_names(sql) is None:  # a text with generated names is not seen again
            if len(_TREES) >= 64:
                _TREES.clear()
            _TREES[sql] = tree
    return tree.copy()


def _renamed_tree(tree: exp.Expr, renames: generated.Renames) -> exp.Expr:
    """The canonical names of a (fresh) tree's strings written back, in place."""
    for node in list(tree.walk()):
        for key, value in list(node.args.items()):
            if type(value) is str and any(canonical in value for canonical, _ in renames):
                for canonical, name in renames:
                    value = value.replace(canonical, name)
                node.set(key, value)
    return tree
