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
any function sqlglot does not know as a built-in (user functions, RESULT_SCAN, GETVARIABLE) or one
evaluated at execution time, or sampling rows, is always run. A reuse is a new query: its own query
id and a result of its own (RESULT_SCAN, LAST_QUERY_ID); only the rows and columns are the earlier ones.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable
from typing import Any

import sqlglot
from sqlglot import exp

from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.engine.sql import translate

# INFORMATION_SCHEMA views whose rows depend only on registry state (catalog/information.py, views.sql);
# TABLES, COLUMNS, VIEWS and TABLE_CONSTRAINTS read DuckDB's live catalog (row counts move with DML).
REUSABLE_VIEWS = frozenset({"MODEL_VERSIONS", "TAG_REFERENCES", "PACKAGES", "SCHEMATA", "DATABASES"})
LIMIT = 32  # results kept per registry (least recently used go first)
MAX_ROWS = 10_000  # a bigger result is not kept

# Functions evaluated at execution time (and row sampling): a query calling one is never reused. Every
# function sqlglot does not know (exp.Anonymous: user functions, RESULT_SCAN, GETVARIABLE, …) neither.
_VOLATILE: tuple[type[exp.Expr], ...] = (
    exp.CurrentDate, exp.CurrentDatetime, exp.CurrentTime, exp.CurrentTimestamp, exp.CurrentTimestampLTZ,
    exp.Localtime, exp.Localtimestamp, exp.Systimestamp, exp.UtcTime, exp.UtcTimestamp,
    exp.Rand, exp.Randn, exp.Randstr, exp.Normal, exp.Uniform, exp.Zipf, exp.Seq1, exp.Seq2, exp.Seq4,
    exp.Seq8, exp.Uuid, exp.NextValueFor, exp.CurrentSession, exp.CurrentTransaction, exp.CurrentClient,
    exp.CurrentIpAddress, exp.Anonymous, exp.TableSample, exp.Unnest,
)
_FALSE = frozenset({"FALSE", "0", "OFF", "NO"})


def enabled(session: Session) -> bool:
    """The session's USE_CACHED_RESULT parameter (TRUE unless set otherwise)."""
    value = session.parameters.get("USE_CACHED_RESULT")
    return value is None or value.strip().upper() not in _FALSE


def key(session: Session, text: str, tr: translate.Translation) -> tuple[Hashable, ...] | None:
    """What a reusable result of `text` (the statement after its rewrites) is kept under; None when the
    statement's result must not be reused or kept."""
    if tr.kind != "select" or not tr.tables:
        return None
    for ref in tr.tables:
        if ref.schema != "INFORMATION_SCHEMA" or ref.name not in REUSABLE_VIEWS:
            return None
    store = session.catalog.store
    if session.transaction or store.in_transaction or not enabled(session) or not deterministic(text):
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


@functools.lru_cache(maxsize=1024)
def deterministic(text: str) -> bool:
    """Does the query call only built-in functions not evaluated at execution time, read no table
    function but FLATTEN and INFORMATION_SCHEMA.TAG_REFERENCES, and sample no rows?"""
    try:
        tree = sqlglot.parse_one(text, read="snowflake")
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError):
        return False
    if not isinstance(tree, exp.Query):
        return False
    allowed: set[int] = set()  # the TAG_REFERENCES calls of INFORMATION_SCHEMA (not user functions)
    for node in tree.walk():
        if isinstance(node, exp.TableFromRows | exp.Lateral):
            if isinstance(node.this, exp.Explode):
                continue
            if not _tag_references(node.this):
                return False
            allowed.add(id(node.this.expression))
        elif isinstance(node, _VOLATILE) and id(node) not in allowed:
            return False
    return True


def _tag_references(call: Any) -> bool:
    """`[db.]INFORMATION_SCHEMA.TAG_REFERENCES(…)`."""
    if not isinstance(call, exp.Dot) or not isinstance(call.expression, exp.Anonymous) \
            or call.expression.name.upper() != "TAG_REFERENCES":
        return False
    schema = call.this.expression if isinstance(call.this, exp.Dot) else call.this
    return isinstance(schema, exp.Identifier) and schema.name.upper() == "INFORMATION_SCHEMA"
