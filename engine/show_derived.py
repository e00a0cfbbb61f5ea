"""SHOW MATERIALIZED VIEWS' and SHOW DYNAMIC TABLES' rows (engine/materialized.py, engine/dynamic.py make them)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from snowreg.catalog.names import physical
from snowreg.catalog.relations import RelationRow
from snowreg.catalog.store import quote
from snowreg.engine import secure_views
from snowreg.engine.session import Session

# https://docs.snowflake.com/en/sql-reference/sql/show-materialized-views (output columns)
MATERIALIZED_COLUMNS = [
    "created_on", "name", "reserved", "database_name", "schema_name", "cluster_by", "rows", "bytes",
    "source_database_name", "source_schema_name", "source_table_name", "refreshed_on", "compacted_on", "owner",
    "invalid", "invalid_reason", "behind_by", "comment", "text", "is_secure", "automatic_clustering",
    "owner_role_type", "budget"]


def materialized_rows(session: Session, relations: Sequence[RelationRow]) -> list[tuple[Any, ...]]:
    """SHOW MATERIALIZED VIEWS' rows of the visible relations that are materialized views."""
    tables = session.catalog.tables
    rows = []
    for r in relations:
        found = tables.materialized(r.database_name, r.schema_name, r.name) if r.kind == "VIEW" else None
        if found is None:
            continue
        (sdb, ssch, stable), suspended = found
        key = tables.clustering(r.database_name, r.schema_name, r.name)
        count = _count(session, r) if not suspended else None
        rows.append((r.created_on, r.name, "", r.database_name, r.schema_name, key.key if key else "", count, 0,
                     sdb, ssch, stable, r.created_on, r.created_on, r.owner or "", "true" if suspended else "false",
                     "Materialized view is suspended" if suspended else None, "0s", r.comment or "",
                     r.text if secure_views.text_shown(session, r) else "",  # a secure one's: its owner's
                     "true" if secure_views.is_secure(session, r.database_name, r.schema_name, r.name) else "false",
                     ("ON" if not key.suspended else "OFF") if key else "OFF", "ROLE", None))
    return rows


def _count(session: Session, r: RelationRow) -> int | None:
    try:
        found = session.duck.execute("SELECT count(*) FROM " + ".".join(
            quote(physical(p)) for p in (r.database_name, r.schema_name, r.name))).fetchone()
    except Exception:  # noqa: BLE001 - a base table altered under it: SHOW still lists it
        return None
    return int(found[0]) if found else None


def is_materialized(session: Session, r: RelationRow) -> bool:
    return r.kind == "VIEW" and session.catalog.tables.materialized(r.database_name, r.schema_name, r.name) is not None


# https://docs.snowflake.com/en/sql-reference/sql/show-dynamic-tables (output columns)
DYNAMIC_COLUMNS = [
    "created_on", "name", "reserved", "database_name", "schema_name", "cluster_by", "rows", "bytes", "owner",
    "target_lag", "refresh_mode", "refresh_mode_reason", "warehouse", "comment", "text", "automatic_clustering",
    "scheduling_state", "last_suspended_on", "is_clone", "is_replica", "is_iceberg", "data_timestamp",
    "owner_role_type", "initialize", "budget"]


def dynamic_rows(session: Session, relations: Sequence[RelationRow]) -> list[tuple[Any, ...]]:
    """SHOW DYNAMIC TABLES' rows of the visible relations that are dynamic tables."""
    tables = session.catalog.tables
    rows = []
    for r in relations:
        spec = tables.dynamic(r.database_name, r.schema_name, r.name) if r.kind == "TABLE" else None
        if spec is None:
            continue
        key = tables.clustering(r.database_name, r.schema_name, r.name)
        mode = "FULL" if spec["refresh_mode"] == "AUTO" else spec["refresh_mode"]
        rows.append((r.created_on, r.name, "", r.database_name, r.schema_name, key.key if key else "", _count(session, r),
                     0, r.owner or "", spec["target_lag"], mode, None, spec["warehouse"], r.comment or "", spec["text"],
                     ("ON" if not key.suspended else "OFF") if key else "OFF", spec["scheduling_state"],
                     _time(spec.get("last_suspended_on")), "false", "false", "false", _time(spec.get("refreshed_on")),
                     "ROLE", spec["initialize"], None))
    return rows


def _time(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def is_dynamic(session: Session, r: RelationRow) -> bool:
    return r.kind == "TABLE" and (r.database_name, r.schema_name, r.name) in session.catalog.tables.dynamic_names()
