"""Which views call models: found by the marker in their comment, cached per catalog generation (no sqlglot).

`engine.inference.views` creates and expands such views; this index is all a statement needs to know
whether it may read one (`mentioned`), so plain statements never load the expansion code.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import orjson

from snowreg.catalog import Catalog
from snowreg.catalog.relations import MODEL_VIEW_MARK
from snowreg.engine.session import Session

MARK = MODEL_VIEW_MARK  # how a view over model calls' comment starts (then its text, as JSON)


@dataclass(frozen=True, slots=True)
class ModelView:
    """A view over model calls: where it lives, who owns it, and its query's Snowflake text."""

    database: str
    schema: str
    name: str
    text: str


# catalog → (its views generation, its views over model calls): that generation moves with every change
# to DuckDB's catalog but a CREATE TABLE (plain DDL, databases and schemas created or dropped, a
# transaction ending; the model client creates a temporary table before each call),
# not with registry writes that leave it alone (a comment, an alias), after which the first statement
# would otherwise read duckdb_views() again (~1.4 ms). The statements that make a view over model calls
# call `forget` as well.
_CACHE: weakref.WeakKeyDictionary[Catalog, tuple[int, dict[tuple[str, str, str], ModelView]]] = \
    weakref.WeakKeyDictionary()


def model_views(catalog: Catalog) -> dict[tuple[str, str, str], ModelView]:
    """Every view over model calls, by (database, schema, name); cached until the catalog changes."""
    if catalog.store.pristine is not None:  # creating a view over model calls records its owner: never pristine
        return {}
    found = _CACHE.get(catalog)
    generation = catalog.store.views_generation
    if found is not None and found[0] == generation:
        return found[1]
    views = _load(catalog)
    _CACHE[catalog] = (generation, views)
    return views


def forget(catalog: Catalog) -> None:
    """After DDL that may have replaced or dropped a view over model calls."""
    _CACHE.pop(catalog, None)


def _load(catalog: Catalog) -> dict[tuple[str, str, str], ModelView]:
    rows = catalog.store.data_query("SELECT database_name, schema_name, view_name, comment FROM duckdb_views() "
                         "WHERE NOT internal AND starts_with(comment, ?)", [MARK])
    out = {}
    for db, schema, name, comment in rows:
        text = orjson.loads(comment[len(MARK):])["text"]
        out[(db, schema, name)] = ModelView(db, schema, name, text)
    return out


def mentioned(session: Session, text: str) -> bool:
    """Whether a statement may read a view over model calls (a cheap test on names, before parsing)."""
    views = model_views(session.catalog)
    if not views:
        return False
    upper = text.upper()
    return any(v.name.upper() in upper for v in views.values())
