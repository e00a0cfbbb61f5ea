"""The only writer of registry state: DuckDB tables, SHOW / INFORMATION_SCHEMA views, stages and files."""

from __future__ import annotations

import importlib.util
from functools import cache
from importlib import resources

import duckdb

from snowreg.catalog.models import ModelRow, VersionContent, VersionIndex, VersionRow
from snowreg.catalog.objects import StageRow, TagRow
from snowreg.catalog.store import DatabaseRow, SchemaRow, quote
from snowreg.catalog.warehouses import WarehouseRow, WarehousesPart

__all__ = [
    "Catalog", "DatabaseRow", "ModelRow", "SchemaRow", "StageRow", "TagRow", "VersionContent", "VersionIndex",
    "VersionRow", "WarehouseRow", "quote",
]


@cache
def _ml_version() -> str:
    """snowflake-ml-python's version, or "" (importlib.metadata is loaded only when the package is there)."""
    try:
        if importlib.util.find_spec("snowflake.ml") is None:
            return ""
    except (ImportError, ValueError):
        return ""
    from importlib import metadata

    try:
        return metadata.version("snowflake-ml-python")
    except metadata.PackageNotFoundError:
        return ""


class Catalog(WarehousesPart):
    """A registry: in memory, or persistent under a directory."""

    _views_sql: str | None = None

    def install_session(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Create the per-session macros behind INFORMATION_SCHEMA names on a new DuckDB cursor."""
        if Catalog._views_sql is None:
            Catalog._views_sql = resources.files("snowreg.catalog").joinpath("views.sql").read_text()
        sql = Catalog._views_sql.replace("{main}", quote(self.main)).replace("{ml_version}", _ml_version())
        cursor.execute(sql)
