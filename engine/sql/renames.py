"""ALTER TABLE … SWAP WITH and RENAME TO: what DuckDB's renames cannot say, checked and recorded."""

from __future__ import annotations

import re

from snowreg import errors
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import TableRef, Translation

SWAP_NAME = "SNOWREG_SWAP"  # a table's name while two tables swap names (engine.sql.dml.swap)
_SWAP = re.compile(r'^ALTER TABLE (?:IF EXISTS )?\S+ RENAME TO "SNOWREG_SWAP"; ')


def swapped(session: Session, tr: Translation, target: TableRef | None) -> tuple[str, str, str, str] | None:
    """ALTER TABLE a SWAP WITH b: (database, schema, a, b); both must be in one schema. A RENAME TO another
    schema is refused here too (_same_schema_rename)."""
    _same_schema_rename(session, tr, target)
    targets = [t for t in tr.tables if t.write] if tr.kind == "alter" and _SWAP.search(tr.sql) else []
    if len(targets) != 2:
        return None
    first, second = ((t.database or session.database or "", t.schema or session.schema or "") for t in targets)
    if first != second:
        raise errors.not_supported("ALTER TABLE … SWAP WITH a table of another schema")
    return (*first, targets[0].name, targets[1].name)


def _same_schema_rename(session: Session, tr: Translation, target: TableRef | None) -> None:
    """ALTER TABLE … RENAME TO a name in another database or schema moves the table there in Snowflake;
    DuckDB renames only within the schema, so such a move is refused (it renamed in place)."""
    to = tr.table.renamed_to if tr.table is not None else None
    if to is None or target is None or (to[0] is None and to[1] is None):
        return
    here = (target.database or session.database, target.schema or session.schema)
    there = (to[0] or session.database, to[1] or session.schema)
    if there != here:
        what = "VIEW" if tr.sql.upper().startswith("ALTER VIEW") else "TABLE"
        raise errors.not_supported(f"ALTER {what} … RENAME TO a name in another schema (moving the {what.lower()})")


def record_swap(session: Session, database: str, schema: str, first: str, second: str) -> None:
    """The registry's records and grants follow each table to its new name."""
    catalog = session.catalog
    catalog.rename_table(database, schema, first, SWAP_NAME)
    catalog.rename_table(database, schema, second, first)
    catalog.rename_table(database, schema, SWAP_NAME, second)
