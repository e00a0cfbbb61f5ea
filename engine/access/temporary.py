"""Which session a temporary table or view belongs to (DECISIONS.md J76, J81).

A temporary table or view is an ordinary DuckDB relation of its schema under its Snowflake name (engine.sql.run
explains why); `Catalog.temporary_owners` maps its name to the session that made it. Every other session is
answered as if it did not exist, and the entry follows the relation: a RENAME or SWAP WITH moves it (the
catalog's rename_table), a DROP or a replacement by an object that is not temporary takes it away, and the
session drops what its entries name when it closes.
"""

from __future__ import annotations

from typing import Any

from snowreg.engine.session import Session


def others_temporary(session: Session, database: str, schema: str, name: str) -> bool:
    """Is this another session's temporary table or view? "A temporary table … is not visible to other users
    or sessions" (https://docs.snowflake.com/en/user-guide/tables-temp-transient): it is to them as if it
    did not exist (a table of that name made since, of another kind, is not)."""
    owners = session.catalog.temporary_owners
    owner = owners.get((database, schema, name)) if owners else None
    return owner is not None and owner != session.id \
        and session.catalog.tables.table_shape(database, schema, name).kind in ("TEMPORARY", "VIEW")


def created(session: Session, ref: Any, temporary: bool) -> None:
    """After a CREATE [OR REPLACE] TABLE | VIEW of `ref` (a TableRef) by this session: the session's own
    temporary relation when it made one, else the name is no temporary relation's any more."""
    key = (ref.database or session.current_database(), ref.schema or session.schema or "PUBLIC", ref.name)
    owners = session.catalog.temporary_owners
    if temporary:
        owners[key] = session.id
    elif owners.get(key) == session.id:
        del owners[key]

