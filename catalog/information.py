"""What INFORMATION_SCHEMA views read: registry rows a role may see, handed to a session cursor per query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from snowreg.catalog.store import Store

# relation name on the session cursor → the registry query behind it (`$1`: all models, `$2`: ids)
_VISIBLE = "($1 OR list_contains($2::BIGINT[], {id}))"
QUERIES = {
    "snowreg_is_models": "SELECT id, database_name, schema_name, name, owner, default_version "
                         "FROM snowreg.models WHERE " + _VISIBLE.format(id="id"),
    # FIRST / LAST and the function names are worked out here, once per change, not by every query
    "snowreg_is_versions": "SELECT *, seq = min(seq) OVER w AS is_first, seq = max(seq) OVER w AS is_last, "
                           "coalesce((SELECT list(f.name ORDER BY f.pos) FROM snowreg.functions f "
                           "WHERE f.version_id = v.id), []::VARCHAR[]) AS function_names "
                           "FROM snowreg.versions v WHERE " + _VISIBLE.format(id="model_id")
                           + " AND id NOT IN (SELECT version_id FROM snowreg.live_versions)"  # uncommitted
                           + " WINDOW w AS (PARTITION BY model_id)",
    "snowreg_is_tag_references": "SELECT * FROM snowreg.tag_references WHERE domain = 'MODULE' AND "
                                 + _VISIBLE.format(id="object_id"),
}
# Containers and table ownership for the TABLES / SCHEMATA / DATABASES views, which filter them by the
# session's visible containers (engine.access.privileges.visible_containers) themselves.
CONTAINER_QUERIES = {
    "snowreg_reg_databases": "SELECT * FROM snowreg.databases",
    "snowreg_reg_schemas": "SELECT * FROM snowreg.schemas",
    "snowreg_reg_table_owners": "SELECT database_name, schema_name, name, min(created_on) AS created, "
                                "arg_min(grantee, created_on) AS owner FROM snowreg.grants "
                                "WHERE object_kind IN ('TABLE', 'VIEW') AND privilege = 'OWNERSHIP' GROUP BY ALL",
    # what plain-SQL tables declared beyond DuckDB's catalog (catalog/tables.py)
    "snowreg_reg_table_kinds": "SELECT database_name, schema_name, name, kind FROM snowreg.table_kinds",
    "snowreg_reg_table_columns": "SELECT * FROM snowreg.table_columns",
    "snowreg_reg_table_keys": "SELECT database_name, schema_name, table_name, position, kind, constraint_name, "
                              "created_on FROM snowreg.table_keys",
}


def tables(store: Store, visible: Sequence[int] | None) -> dict[str, Any]:
    """The rows of the models in `visible` (None: all models) and of the containers, as Arrow tables,
    read under the store's lock; kept until the next write (the generation), never inside a transaction."""
    key = None if visible is None else tuple(visible)
    with store.lock:
        if store._in_tx:  # a rollback may undo what the transaction wrote: read afresh
            return _read(store, visible)
        found = store.information_tables.get(key)
        if found is not None and found[0] == store.generation:
            return found[1]
        if any(generation != store.generation for generation, _ in store.information_tables.values()):
            store.information_tables.clear()  # only the current generation's rows are kept
        out = store.information_tables[key] = (store.generation, _read(store, visible))
        return out[1]


def _read(store: Store, visible: Sequence[int] | None) -> dict[str, Any]:
    params = [visible is None, list(visible or [])]
    with store.lock, store.db.cursor() as reader:  # a cursor of its own: the store's may hold a result
        out = {name: reader.sql(sql, params=params).to_arrow_table() for name, sql in QUERIES.items()}
        out.update({name: reader.sql(sql).to_arrow_table() for name, sql in CONTAINER_QUERIES.items()})
        return out


def expose(store: Store, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None,
           registered: dict[str, Any]) -> None:
    """Hand a session cursor the rows its next query may read (`visible`: the model ids; None: all).

    `registered`: what the cursor holds now (name → Arrow table), kept up to date here; a relation whose
    rows are unchanged is not handed over again (no DuckDB call at all when nothing changed)."""
    for name, table in tables(store, visible).items():
        held = registered.get(name)
        if held is table or (held is not None and held.schema == table.schema and held.equals(table)):
            registered[name] = table
            continue
        if held is None:
            cursor.execute(f"DROP VIEW IF EXISTS {name}")  # the empty stand-in of `withdraw`
        cursor.register(name, table)
        registered[name] = table


def withdraw(store: Store, cursor: duckdb.DuckDBPyConnection) -> None:
    """Empty relations of the right columns in place of the registry rows (no Arrow, so no pyarrow import
    for a session that never reads INFORMATION_SCHEMA); the caller forgets what it had registered."""
    for name, ddl in _empty_views(store).items():
        try:
            cursor.unregister(name)
        except duckdb.Error:
            pass  # nothing registered under that name yet
        cursor.execute(ddl)


_EMPTY: dict[str, str] = {}


def _empty_views(store: Store) -> dict[str, str]:
    """`CREATE TEMP VIEW name AS SELECT NULL::type AS col, … WHERE false` for every relation, built once."""
    if not _EMPTY:
        params = [True, []]
        with store.lock, store.db.cursor() as reader:
            for name, sql in {**QUERIES, **CONTAINER_QUERIES}.items():
                rel = reader.sql(sql, params=params) if name in QUERIES else reader.sql(sql)
                columns = ", ".join(f'NULL::{t} AS "{c}"' for c, t in zip(rel.columns, rel.types, strict=True))
                _EMPTY[name] = f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {columns} WHERE false"
    return _EMPTY
