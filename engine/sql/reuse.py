"""Persisted query results: a repeated query over registry-derived relations is answered without running it.

Snowflake reuses a query's result when the new query matches it exactly, the data behind it has not
changed, the role may read what it reads, no option that shaped the result changed, and it calls no
function evaluated at execution time (CURRENT_TIMESTAMP, UUID_STRING, …); the session parameter
USE_CACHED_RESULT (default TRUE) turns reuse off (https://docs.snowflake.com/en/user-guide/querying-persisted-results).

snowreg reuses results only of SELECTs that read nothing but INFORMATION_SCHEMA views whose rows come
from the registry alone (`REUSABLE_VIEWS`), so "the data has not changed" is exactly "no registry write
and no change of who may do what since": the key holds the store's write generation and its access
generation, with the statement text (bound parameters and session variables already written into it),
the user, role, secondary roles, current database, schema and warehouse, and every session parameter.
Nothing is reused or kept inside a transaction (the session's or the registry's), and a query calling
a function evaluated at execution time or one sqlglot does not know as a built-in (RESULT_SCAN, …),
or sampling rows, is always run (the translation's `deterministic`, engine/sql/volatility.py). A reuse is a new query: its own query
id and a result of its own (RESULT_SCAN, LAST_QUERY_ID); only the rows and columns are the earlier ones.
"""

from __future__ import annotations

from collections.abc import Hashable

from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import Translation

# INFORMATION_SCHEMA views whose rows depend only on registry state (catalog/information.py, views.sql);
# TABLES, COLUMNS, VIEWS and TABLE_CONSTRAINTS read DuckDB's live catalog (row counts move with DML).
REUSABLE_VIEWS = frozenset({"MODEL_VERSIONS", "TAG_REFERENCES", "PACKAGES", "SCHEMATA", "DATABASES"})
LIMIT = 32  # results kept per registry (least recently used go first)
MAX_ROWS = 10_000  # a bigger result is not kept

_FALSE = frozenset({"FALSE", "0", "OFF", "NO"})


def enabled(session: Session) -> bool:
    """The session's USE_CACHED_RESULT parameter (TRUE unless set otherwise)."""
    value = session.parameters.get("USE_CACHED_RESULT")
    return value is None or value.strip().upper() not in _FALSE


def key(session: Session, text: str, tr: Translation) -> tuple[Hashable, ...] | None:
    """What a reusable result of `text` (the statement after its rewrites) is kept under; None when the
    statement's result must not be reused or kept."""
    if tr.kind != "select" or not tr.tables:
        return None
    for ref in tr.tables:
        if ref.schema != "INFORMATION_SCHEMA" or ref.name not in REUSABLE_VIEWS:
            return None
    store = session.catalog.store
    if session.transaction or store.in_transaction or not enabled(session) or not tr.deterministic:
        return None
    return (text, session.user, session.role, session.secondary_roles, session.database, session.schema,
            session.warehouse, tuple(sorted(session.parameters.items())), store.generation,
            store.access_generation)


def reused(session: Session, wanted: tuple[Hashable, ...]) -> Result | None:
    """A new result with the rows and columns kept under `wanted`, or None."""
    store = session.catalog.store
    with store.lock:
        kept = store.query_results.pop(wanted, None)
        if kept is None:
            return None
        store.query_results[wanted] = kept  # now the most recently used
    columns, rows, rowcount = kept
    return Result(list(columns), list(rows), rowcount)


def keep(session: Session, wanted: tuple[Hashable, ...], result: Result) -> None:
    """Keep a result just computed under `wanted`, if the registry did not change while it ran."""
    store = session.catalog.store
    if len(result.rows) > MAX_ROWS or wanted[-2:] != (store.generation, store.access_generation):
        return
    with store.lock:
        results = store.query_results
        for old in [k for k in results if k[-2:] != wanted[-2:]]:  # of an older registry state: never used
            del results[old]
        results.pop(wanted, None)
        results[wanted] = (tuple(result.columns), tuple(result.rows), result.rowcount)
        while len(results) > LIMIT:
            del results[next(iter(results))]
