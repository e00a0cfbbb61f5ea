"""What running a statement text taught snowreg about its operands, and the text translated with it.

DuckDB alone knows the type of a column or call, so four things are learnt when a statement runs and
remembered by its text (each map bounded: cleared when full):
- divisions with a FLOAT operand (engine.sql.numbers.Divisions): translated again as FLOAT divisions;
- arithmetic operands that are VARCHARs (engine.sql.numbers.text_operands): read as the numbers they hold;
- set operation items that meet a NUMBER in another branch as a VARCHAR (engine.sql.setops): cast to it,
  found by describing each branch, again only after DDL (conformance/DECISIONS.md N1);
- conditionals whose values DuckDB would cut to fewer fraction digits (engine.sql.conditionals): their values
  cast to NUMBER(38, s), again only after DDL (DECISIONS.md I31).
sqlglot and the translator load only when a translation is made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb

from snowreg import errors
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import Translation

Assigned = tuple[tuple[str, str | None], ...]
Coercions = frozenset[tuple[int, int, int, str]]
_LIMIT = 1024

_floats: dict[str, frozenset[int]] = {}  # text → the divisions found to have a FLOAT operand
_texts: dict[str, frozenset[int]] = {}  # text → the arithmetic operands found to be VARCHARs
# (text, session, registry generation, database, schema) → the set operation items to cast: the branches'
# types change only with DDL, which moves the generation on (the session: its temporary tables are its own).
_coercions: dict[tuple[str, int, int, str | None, str | None], Coercions] = {}
# … → the conditionals a check found to cut fraction digits, and the type their values are cast to
_cuts: dict[tuple[str, int, int, str | None, str | None], frozenset[tuple[int, str]]] = {}


def floats(text: str) -> frozenset[int]:
    """The divisions of `text` known to divide a FLOAT."""
    return _floats.get(text, frozenset())


def texts(text: str) -> frozenset[int] | None:
    """The arithmetic operands of `text` known to be VARCHARs (None: none was ever refused)."""
    return _texts.get(text)


def learn_float(text: str, index: int) -> None:
    """Division `index` of `text` divides a FLOAT."""
    _remember(_floats, text, floats(text) | {index})


def learn_text(text: str, known: frozenset[int] | None, index: int | None,
               refusal: Exception | None = None) -> frozenset[int]:
    """The operands to read as numbers (dates, timestamps) after a TextOperand signal (remembered);
    refused (`refusal`, if given) when probing found none new."""
    if known is None and index is None:
        found: frozenset[int] = frozenset()  # DuckDB refused a VARCHAR operand: probe them all
    elif index is None or (known is not None and index in known):
        raise refusal or errors.not_supported("Arithmetic on this VARCHAR value (cast it, e.g. x::NUMBER)")
    else:  # (known None: the first translation probed already, engine.sql.input_texts)
        found = (known or frozenset()) | {index}
    _remember(_texts, text, found)
    return found


def translation(text: str, operands: frozenset[int] | None = None, assigned: Assigned = (),
                coerce: Coercions = frozenset(), scales: frozenset[tuple[int, str]] | None = None) -> Translation:
    """`text` translated with what is known of its divisions, VARCHAR operands, set operation items and
    conditionals (engine.sql.conditionals)."""
    from snowreg.engine.sql import translate

    return translate.translate(text, floats=floats(text), texts=operands, assigned=assigned, coerce=coerce,
                               scales=scales)


def scales(session: Session, text: str, tr: Translation) -> frozenset[tuple[int, str]]:
    """The decisions on `tr`'s conditionals (engine.sql.conditionals): those a check of `text` made (until the
    next DDL), and those whose values are columns of tables, their types looked up in the catalog (cached
    until the next DDL): no check left for DuckDB to fold."""
    from snowreg.engine.sql import conditionals

    databases = session.catalog.databases

    def columns(database: str | None, schema: str | None, name: str) -> dict[str, str]:
        database, schema = database or session.database, schema or session.schema
        if database is None or schema is None or schema == "INFORMATION_SCHEMA" \
                or databases.relation_kind(database, schema, name) != "TABLE":
            return {}  # a view, a missing table: its values keep their check
        return dict(databases.column_types(database, schema, name))

    known = (tr.scales or frozenset()) | _cuts.get(_key(session, text), frozenset())
    return known | conditionals.decisions(tr.conditionals, columns)


def scale_cut(session: Session, text: str, known: frozenset[tuple[int, str]] | None, index: int,
              target: str) -> frozenset[tuple[int, str]]:
    """The decisions after conditional `index` of `text` was found to cut its values' fraction digits
    (remembered until the next DDL)."""
    if known is not None and index in dict(known):
        raise errors.not_supported("A conditional of NUMBER values of different scales (cast its values, e.g. "
                                   "x::NUMBER(38, 2))")
    found = (known or frozenset()) | {(index, target)}
    _remember(_cuts, _key(session, text), _cuts.get(_key(session, text), frozenset()) | {(index, target)})
    return found


def _key(session: Session, text: str) -> tuple[str, int, int, str | None, str | None]:
    return (text, session.id, session.catalog.store.generation, session.database, session.schema)


def coercions(session: Session, text: str, tr: Translation, sync: Callable[[Session, Translation], None]
              ) -> Coercions:
    """The set operation items of `tr` to cast to a number: each branch described alone (after `sync`
    puts the session's context on its DuckDB connection), remembered until the next DDL."""
    key = (text, session.id, session.catalog.store.generation, session.database, session.schema)
    found = _coercions.get(key)
    if found is None:
        found = _described(session, tr, sync)
        _remember(_coercions, key, found)
    return found


def _described(session: Session, tr: Translation, sync: Callable[[Session, Translation], None]) -> Coercions:
    from snowreg.engine.sql import setops

    sync(session, tr)
    found: set[setops.Coercion] = set()
    for chain, branches in enumerate(tr.set_probes):
        by_name = bool(branches) and branches[0] == setops.BY_NAME
        described: list[tuple[list[str], list[str]] | None] = []
        for probe in branches[1:] if by_name else branches:
            try:
                relation = session.duck.sql(probe)
                described.append((list(relation.columns), [str(t) for t in relation.types]))
            except duckdb.Error:
                described.append(None)  # a branch DuckDB cannot describe alone is left as it is
        found.update((chain, *item) for item in (
            setops.needed_by_name(described) if by_name
            else setops.needed([d[1] if d is not None else None for d in described])))
    return frozenset(found)


def _remember(memo: dict[Any, Any], key: Any, value: Any) -> None:
    if len(memo) > _LIMIT:
        memo.clear()
    memo[key] = value
