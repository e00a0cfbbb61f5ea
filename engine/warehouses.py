"""CREATE / ALTER / DROP / SHOW WAREHOUSES: warehouses are recorded, never run (snowreg has no compute)."""

from __future__ import annotations

import zlib
from typing import Any

import orjson

from snowreg import errors
from snowreg.catalog import WarehouseRow
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident, resolve_ident

# CREATE / ALTER WAREHOUSE properties snowreg records (https://docs.snowflake.com/en/sql-reference/sql/create-warehouse).
PROPERTIES = frozenset({
    "WAREHOUSE_TYPE", "WAREHOUSE_SIZE", "GENERATION", "RESOURCE_CONSTRAINT", "MAX_CLUSTER_COUNT",
    "MIN_CLUSTER_COUNT", "SCALING_POLICY", "AUTO_SUSPEND", "AUTO_RESUME", "INITIALLY_SUSPENDED", "RESOURCE_MONITOR",
    "COMMENT", "ENABLE_QUERY_ACCELERATION", "QUERY_ACCELERATION_MAX_SCALE_FACTOR", "MAX_CONCURRENCY_LEVEL",
    "STATEMENT_QUEUED_TIMEOUT_IN_SECONDS", "STATEMENT_TIMEOUT_IN_SECONDS", "WAIT_FOR_COMPLETION",
})

# WAREHOUSE_SIZE values as SHOW WAREHOUSES spells them in its `size` column.
_SIZES = {
    "XSMALL": "X-Small", "X-SMALL": "X-Small", "SMALL": "Small", "MEDIUM": "Medium", "LARGE": "Large",
    "XLARGE": "X-Large", "X-LARGE": "X-Large", "XXLARGE": "2X-Large", "X2LARGE": "2X-Large",
    "2X-LARGE": "2X-Large", "XXXLARGE": "3X-Large", "X3LARGE": "3X-Large", "3X-LARGE": "3X-Large",
    "X4LARGE": "4X-Large", "4X-LARGE": "4X-Large", "X5LARGE": "5X-Large", "5X-LARGE": "5X-Large",
    "X6LARGE": "6X-Large", "6X-LARGE": "6X-Large",
}

SHOW_WAREHOUSES_COLUMNS = [
    "name", "state", "type", "size", "min_cluster_count", "max_cluster_count", "started_clusters", "running",
    "queued", "is_default", "is_current", "is_interactive", "auto_suspend", "auto_resume", "available", "provisioning",
    "quiescing", "other", "created_on", "resumed_on", "updated_on", "owner", "comment",
    "enable_query_acceleration", "query_acceleration_max_scale_factor", "resource_monitor", "actives",
    "pendings", "failed", "suspended", "uuid", "scaling_policy", "budget", "owner_role_type",
    "resource_constraint",  # BCR 2024_07 (1725)
    "warehouse_credit_limit", "target_statement_size", "disabled_reasons",  # BCR 2025_03 (1889)
]
_FIXED = {"min_cluster_count", "max_cluster_count", "started_clusters", "running", "queued", "auto_suspend",
          "query_acceleration_max_scale_factor", "actives", "pendings", "failed", "suspended"}
_TYPES = ["TIMESTAMP_LTZ" if c in ("created_on", "resumed_on", "updated_on") else "FIXED" if c in _FIXED
          else "TEXT" for c in SHOW_WAREHOUSES_COLUMNS]


def _properties(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    props: dict[str, str] = {}
    for key, value in pairs:
        if key not in PROPERTIES:
            raise errors.compilation_error(f"invalid property '{key}' for 'WAREHOUSE'")
        if key == "WAREHOUSE_SIZE" and value.upper() not in _SIZES:
            raise errors.compilation_error(f"invalid value '{value}' for property 'WAREHOUSE_SIZE'")
        props[key] = value
    return props


def _true(value: str | None, default: bool) -> bool:
    return default if value is None else value.upper() in ("TRUE", "T", "YES", "Y", "ON", "1")


def create_warehouse(session: Session, stmt: ast.CreateWarehouse) -> Result:
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.compilation_error("OR REPLACE and IF NOT EXISTS are incompatible.")
    name = session.name(stmt.name)
    props = _properties(stmt.properties)
    privileges.check_account(session, "CREATE WAREHOUSE")
    existing = session.catalog.warehouses.get_warehouse(name)
    if existing is not None:
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_warehouse(session, name, existing.owner, "own")
    state = "SUSPENDED" if _true(props.get("INITIALLY_SUSPENDED"), False) else "STARTED"
    session.catalog.create_warehouse(name, session.role, state, props, replace=existing is not None)
    session.warehouse = name  # CREATE WAREHOUSE makes it the session's current warehouse
    return status(f"Warehouse {quote_ident(name)} successfully created.")


def _existing(session: Session, name: ast.Name, if_exists: bool) -> WarehouseRow | str:
    resolved = session.name(name)
    row = session.catalog.warehouses.get_warehouse(resolved)
    if row is None and not if_exists:
        raise errors.does_not_exist("Warehouse", quote_ident(resolved))
    return row if row is not None else resolved


def drop_warehouse(session: Session, stmt: ast.DropWarehouse) -> Result:
    row = _existing(session, stmt.name, stmt.if_exists)
    if isinstance(row, str):
        return status(f"Drop statement executed successfully ({quote_ident(row)} already dropped).")
    privileges.check_warehouse(session, row.name, row.owner, "own")
    session.catalog.drop_warehouse(row.name)
    if session.warehouse == row.name:
        session.warehouse = None  # not listed again as the session's (never created) warehouse
    return status(f"{quote_ident(row.name)} successfully dropped.")


def alter_warehouse(session: Session, stmt: ast.AlterWarehouse) -> Result:
    row = _existing(session, stmt.name, stmt.if_exists)
    if isinstance(row, str):
        return status()
    if stmt.action == "SET":
        props = _properties(stmt.properties)
        privileges.check_warehouse(session, row.name, row.owner, "modify")
        session.catalog.warehouses.alter_warehouse(row.name, properties=props)
        return status()
    privileges.check_warehouse(session, row.name, row.owner, "operate")
    if stmt.action == "SUSPEND":
        if row.state == "SUSPENDED":
            raise errors.compilation_error(f"Invalid state. Warehouse '{row.name}' cannot be suspended.")
        session.catalog.warehouses.alter_warehouse(row.name, state="SUSPENDED")
    elif row.state == "STARTED" and not stmt.if_suspended:
        raise errors.compilation_error(f"Invalid state. Warehouse '{row.name}' cannot be resumed.")
    else:
        session.catalog.warehouses.alter_warehouse(row.name, state="STARTED")
    return status()


def _default_warehouse(session: Session) -> str | None:
    user = session.catalog.grants.get_user(session.user)
    if user is None:
        return None
    value = orjson.loads(user.properties).get("DEFAULT_WAREHOUSE")
    return resolve_ident(str(value)) if value else None


def _row(session: Session, w: WarehouseRow, default: str | None) -> tuple[Any, ...]:
    started = w.state == "STARTED"
    size = _SIZES.get((w.property("WAREHOUSE_SIZE") or "XSMALL").upper(), "X-Small")
    kind = (w.property("WAREHOUSE_TYPE") or "STANDARD").upper()
    suspend = w.property("AUTO_SUSPEND")
    return (
        w.name, w.state, kind, size, int(w.property("MIN_CLUSTER_COUNT") or 1),
        int(w.property("MAX_CLUSTER_COUNT") or 1), 1 if started else 0, 0, 0,
        "Y" if w.name == default else "N", "Y" if w.name == session.warehouse else "N", "N",
        600 if suspend is None else int(suspend), str(_true(w.property("AUTO_RESUME"), True)).lower(),
        "100" if started else "", "0" if started else "", "0" if started else "", "0" if started else "",
        w.created_on, w.resumed_on, w.updated_on, w.owner, w.property("COMMENT") or "",
        str(_true(w.property("ENABLE_QUERY_ACCELERATION"), False)).lower(),
        int(w.property("QUERY_ACCELERATION_MAX_SCALE_FACTOR") or 8), w.property("RESOURCE_MONITOR") or "null",
        1 if started else 0, 0, 0, 0 if started else 1, str(zlib.crc32(w.name.encode())),
        (w.property("SCALING_POLICY") or "STANDARD").upper(), None, "ROLE", w.property("RESOURCE_CONSTRAINT"),
        None, None, None,
    )


def _session_warehouse(session: Session) -> WarehouseRow | None:
    """The session's warehouse when it was never created (connect(warehouse=...), USE WAREHOUSE)."""
    name = session.warehouse
    if name is None or session.catalog.warehouses.get_warehouse(name) is not None:
        return None
    stamp = session.started_on
    return WarehouseRow(name, stamp, stamp, stamp, "SYSADMIN", "STARTED", "{}")


def show_warehouses(session: Session, stmt: ast.ShowWarehouses) -> Result:
    default = _default_warehouse(session)
    found = [w for w in session.catalog.warehouses.list_warehouses()
             if w.name == session.warehouse or privileges.can_see_warehouse(session, w.name, w.owner)]
    implicit = _session_warehouse(session)
    if implicit is not None:
        found.append(implicit)
    rows = [_row(session, w, default) for w in sorted(found, key=lambda w: w.name) if like(stmt.like, w.name)]
    return from_rows(SHOW_WAREHOUSES_COLUMNS, rows, _TYPES)


# SHOW PARAMETERS IN WAREHOUSE: the warehouse's object parameters
# (https://docs.snowflake.com/en/sql-reference/parameters, "Object parameters"; DECISIONS.md S42).
_PARAMETERS = (
    ("MAX_CONCURRENCY_LEVEL", "8", "Concurrency level for SQL statements executed by a warehouse cluster."),
    ("STATEMENT_QUEUED_TIMEOUT_IN_SECONDS", "0", "Seconds a statement may wait in the warehouse's queue."),
    ("STATEMENT_TIMEOUT_IN_SECONDS", "172800", "Timeout in seconds for statements run on the warehouse."),
)


def parameter_rows(session: Session, target: ast.QualifiedName | None, pattern: str | None) -> list[tuple[Any, ...]]:
    """SHOW PARAMETERS [LIKE] IN WAREHOUSE [w]: the three warehouse parameters, the value CREATE / ALTER
    WAREHOUSE set (level WAREHOUSE) or the default (level empty). The warehouse must be one SHOW WAREHOUSES lists."""
    if target is None and session.warehouse is None:
        raise errors.compilation_error("No active warehouse selected in the current session.")
    name = session.warehouse if target is None else session.name(target.name)
    assert name is not None
    row = session.catalog.warehouses.get_warehouse(name)
    if row is None:
        row = _session_warehouse(session) if name == session.warehouse else None
    elif name != session.warehouse and not privileges.can_see_warehouse(session, row.name, row.owner):
        row = None
    if row is None:
        raise errors.does_not_exist("Warehouse", quote_ident(name))
    rows = []
    for key, default, description in _PARAMETERS:
        if like(pattern, key):
            value = row.property(key)
            rows.append((key, default if value is None else str(value), default,
                         "" if value is None else "WAREHOUSE", description, "NUMBER"))
    return rows
