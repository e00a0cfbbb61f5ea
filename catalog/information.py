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
    "snowreg_is_versions": "SELECT * FROM snowreg.versions WHERE " + _VISIBLE.format(id="model_id"),
    "snowreg_is_functions": "SELECT f.version_id, f.pos, f.name FROM snowreg.functions f "
                            "JOIN snowreg.versions v ON v.id = f.version_id WHERE " + _VISIBLE.format(id="v.model_id"),
    "snowreg_is_tag_references": "SELECT * FROM snowreg.tag_references WHERE domain = 'MODULE' AND "
                                 + _VISIBLE.format(id="object_id"),
}


def tables(store: Store, visible: Sequence[int] | None) -> dict[str, Any]:
    """The rows of the models in `visible` (None: all models) as Arrow tables, read under the store's lock."""
    params = [visible is None, list(visible or [])]
    with store.lock, store.db.cursor() as reader:  # a cursor of its own: the store's may hold a result
        return {name: reader.sql(sql, params=params).to_arrow_table() for name, sql in QUERIES.items()}


def expose(store: Store, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None) -> None:
    """Hand a session cursor the rows its next query may read (an empty `visible` hides every model)."""
    for name, table in tables(store, visible).items():
        cursor.register(name, table)
