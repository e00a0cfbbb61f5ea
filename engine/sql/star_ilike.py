"""`SELECT * ILIKE 'p' REPLACE (…) [RENAME (…)]` and `SELECT * ILIKE 'p' RENAME (…)`, the combinations the
SELECT page lists (https://docs.snowflake.com/en/sql-reference/sql/select). DuckDB filters a star by a pattern
only when the star has nothing else, so where the star's columns are known (it reads named tables and views
only) the pattern is written, before translation, as the EXCLUDE of the columns it does not match, which DuckDB
combines with REPLACE and RENAME. Elsewhere (a subquery, a CTE, a table function, a join with USING) the
statement goes on to the refusal of conformance/DECISIONS.md S6.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from snowreg import errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.relations import list_columns
from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.grammar.text import LITERALS_AND_COMMENTS, Spliced, quote_ident

if TYPE_CHECKING:
    from sqlglot import exp

# `ILIKE '<pattern>'` right after a star and before REPLACE or RENAME (the keywords must follow in that order)
_PATTERN = re.compile(r"(?<=\*)\s*(ILIKE\s*'(?:[^']|'')*')\s*(?=(?:REPLACE|RENAME)\b)", re.I)
_QUICK = re.compile(r"\bILIKE\b[\s\S]*\b(?:REPLACE|RENAME)\b", re.I)


def expand(session: Session, text: str) -> Spliced | None:
    """The statement with its one `* ILIKE 'p'` followed by REPLACE / RENAME written as `* EXCLUDE (…)`, or None."""
    if _QUICK.search(text) is None:
        return None
    skipped = [(m.start(), m.end()) for m in LITERALS_AND_COMMENTS.finditer(text)]
    found = [m for m in _PATTERN.finditer(text) if not any(a <= m.start() < b for a, b in skipped)]
    if len(found) != 1:  # none, or several: which star each stands for is not followed (refused as before)
        return None
    import sqlglot  # loaded only for a statement that may need it
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(text, read="snowflake")
    except sqlglot.errors.ParseError:
        return None
    stars = [s for s in tree.find_all(exp.Star)
             if s.args.get("ilike") is not None and (s.args.get("replace") or s.args.get("rename"))]
    if len(stars) != 1 or stars[0].args.get("except_"):
        return None
    star = stars[0]
    columns = _columns(session, tree, star)
    if columns is None:
        return None
    pattern = star.args["ilike"]
    if not isinstance(pattern, exp.Literal) or not pattern.is_string:
        return None
    kept = {str(r[0]) for r in session.duck.execute(
        "SELECT unnest(list_filter(?::VARCHAR[], lambda c: c ILIKE ?))", [columns, pattern.this]).fetchall()}
    if not kept:  # the page: "If no columns match the specified pattern, a compilation error occurs"
        raise errors.compilation_error(f"SELECT * ILIKE '{pattern.this}' matches no column.")
    dropped = [c for c in columns if c not in kept]
    named = [(a.alias, a.args.get("alias")) for a in star.args.get("replace") or [] if isinstance(a, exp.Alias)]
    named += [(a.this.name, a.this.this) for a in star.args.get("rename") or []
              if isinstance(a, exp.Alias) and isinstance(a.this, exp.Column)]
    for name, ident in named:  # REPLACE / RENAME of a column the pattern left out: not among the star's (O31)
        if isinstance(ident, exp.Identifier) and _resolved(name, ident.quoted) in dropped:
            raise errors.invalid_identifier(_resolved(name, ident.quoted))
    new = f"EXCLUDE ({', '.join(quote_ident(c) for c in dropped)})" if dropped else ""
    return Spliced.edited(text, [(found[0].start(1), found[0].end(1), new)])


def _columns(session: Session, tree: exp.Expr, star: exp.Star) -> list[str] | None:
    """The Snowflake names of the columns the star stands for, in order; None where they are not known here."""
    from sqlglot import exp

    select = star.find_ancestor(exp.Select)
    if select is None or not isinstance(select.args.get("from_"), exp.From):
        return None
    joins = select.args.get("joins") or []
    if any(j.args.get("using") or j.args.get("method") for j in joins):  # USING / NATURAL merge columns
        return None
    items = [select.args["from_"].this, *(j.this for j in joins)]
    qualifier = star.parent.args.get("table") if isinstance(star.parent, exp.Column) else None
    if qualifier is not None:
        items = [t for t in items if _resolved(t.alias_or_name, _quoted(t)) == _resolved(qualifier.name, qualifier.quoted)]
        if len(items) != 1:
            return None
    ctes = {c.alias_or_name.upper() for c in tree.find_all(exp.CTE)}
    out: list[str] = []
    for item in items:
        if not isinstance(item, exp.Table) or not isinstance(item.this, exp.Identifier) or item.args.get("pivots") \
                or (not item.db and item.name.upper() in ctes):
            return None
        database = _part(item.args.get("catalog")) or session.database
        schema = _part(item.args.get("db")) or session.schema
        if database is None or schema is None:
            return None
        name = _part(item.this) or ""
        grants = session.catalog.grants
        owner = grants.owner_of(ObjectKey("TABLE", database, schema, name)) \
            or grants.owner_of(ObjectKey("VIEW", database, schema, name))
        if not privileges.can_see_table(session, database, schema, name, owner):  # its columns are not told
            return None
        rows = list_columns(session.catalog.store, database, schema, name)
        if not rows:
            return None
        out.extend(r.name for r in rows)
    return out


def _part(node: exp.Expr | None) -> str | None:
    from sqlglot import exp

    return _resolved(node.name, bool(node.args.get("quoted"))) if isinstance(node, exp.Identifier) else None


def _quoted(table: exp.Expr) -> bool:
    from sqlglot import exp

    alias = table.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else table.this
    return bool(isinstance(ident, exp.Identifier) and ident.quoted)


def _resolved(name: str, quoted: bool) -> str:
    return name if quoted else name.upper()
