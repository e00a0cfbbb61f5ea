"""The only writer of registry state: DuckDB tables, SHOW / INFORMATION_SCHEMA views, stages and files."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata, resources

import duckdb

from snowreg.catalog import information
from snowreg.catalog.grants import GrantsPart
from snowreg.catalog.models import ModelRow, VersionContent, VersionRow
from snowreg.catalog.objects import StageRow, TagRow
from snowreg.catalog.store import DatabaseRow, SchemaRow, quote

__all__ = [
    "Catalog", "DatabaseRow", "ModelRow", "SchemaRow", "StageRow", "TagRow", "VersionContent", "VersionRow",
    "quote",
]


def _ml_version() -> str:
    try:
        return metadata.version("snowflake-ml-python")
    except metadata.PackageNotFoundError:
        return ""


class Catalog(GrantsPart):
    """A registry: in memory, or persistent under a directory."""

    _views_sql: str | None = None

    def install_session(self, cursor: duckdb.DuckDBPyConnection) -> None:
        """Create the per-session macros behind INFORMATION_SCHEMA names on a new DuckDB cursor."""
        if Catalog._views_sql is None:
            Catalog._views_sql = resources.files("snowreg.catalog").joinpath("views.sql").read_text()
        information.expose(self, cursor, [])
        cursor.execute(Catalog._views_sql.replace("{ml_version}", _ml_version()))

    def expose_information(self, cursor: duckdb.DuckDBPyConnection, visible: Sequence[int] | None) -> None:
        """Give a session cursor, for its next query, the INFORMATION_SCHEMA rows of the `visible` models."""
        information.expose(self, cursor, visible)
