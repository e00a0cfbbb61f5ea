"""What INSERT / UPDATE / DELETE / MERGE / TRUNCATE may write: a table, never a view, a materialized view or
(outside its own refresh) a dynamic table (conformance/DECISIONS.md O80); what ALTER TABLE | VIEW and
COMMENT ON TABLE | VIEW may change: an object of the kind they name (X20)."""

from __future__ import annotations

from typing import Any

from snowreg import error_catalog
from snowreg.engine.session import Session


def refuse_dynamic_table(session: Session, database: str, schema: str, name: str) -> None:
    """Only a dynamic table's refresh writes it (engine.dynamic)."""
    if (database, schema, name) in session.catalog.tables.dynamic_names():
        raise error_catalog.dynamic_table_dml(name)


_DML = frozenset({"insert", "update", "delete", "merge", "truncate"})  # privileges.TABLE_WRITE_PRIVILEGES' kinds


def refuse_view(session: Session, database: str, schema: str, ref: Any, kind: str) -> None:
    """A view or a materialized view is read, never written: Snowflake's error rather than the storage's
    (`W is not an table`, `Can only update base table`); ALTER | COMMENT ON of a table named as a view (or of a
    view named as a table) is refused as Snowflake does. Asked after the role's privileges on it were checked,
    so a role that may not see it learns nothing of its kind. `ref` is the translator's TableRef."""
    name = ref.name
    if kind == "alter":
        _refuse_other_kind(session, database, schema, name, ref.object_kind)
        return
    if kind not in _DML or session.catalog.databases.relation_kind(database, schema, name) != "VIEW":
        return
    materialized = session.catalog.tables.materialized(database, schema, name) is not None
    raise error_catalog.view_dml("materialized view" if materialized else "view", name)


def _refuse_other_kind(session: Session, database: str, schema: str, name: str, named: str) -> None:
    """`Object found is of type 'TABLE', not specified type 'VIEW'.` (and the reverse) before anything changes:
    DuckDB's COMMENT ON VIEW would comment a table. A materialized view is altered by its own statement
    (engine.materialized), which this leaves alone."""
    if named not in ("table", "view") or session.catalog.tables.materialized(database, schema, name) is not None:
        return
    found = session.catalog.databases.relation_kind(database, schema, name)
    if found is not None and found.lower() != named:
        raise error_catalog.wrong_object_type(found, named.upper())
