"""What INSERT / UPDATE / DELETE / MERGE / TRUNCATE may write: a table, never a view, a materialized view or
(outside its own refresh) a dynamic table (conformance/DECISIONS.md O80)."""

from __future__ import annotations

from snowreg import error_catalog
from snowreg.engine.session import Session


def refuse_dynamic_table(session: Session, database: str, schema: str, name: str) -> None:
    """Only a dynamic table's refresh writes it (engine.dynamic)."""
    if (database, schema, name) in session.catalog.tables.dynamic_names():
        raise error_catalog.dynamic_table_dml(name)


_DML = frozenset({"insert", "update", "delete", "merge", "truncate"})  # privileges.TABLE_WRITE_PRIVILEGES' kinds


def refuse_view(session: Session, database: str, schema: str, name: str, kind: str) -> None:
    """A view or a materialized view is read, never written: Snowflake's error rather than the storage's
    (`W is not an table`, `Can only update base table`). Asked after the role's privileges on it were checked,
    so a role that may not see it learns nothing of its kind."""
    if kind not in _DML or session.catalog.databases.relation_kind(database, schema, name) != "VIEW":
        return
    materialized = session.catalog.tables.materialized(database, schema, name) is not None
    raise error_catalog.view_dml("materialized view" if materialized else "view", name)
