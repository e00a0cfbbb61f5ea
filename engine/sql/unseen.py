"""IF EXISTS of a table, view or sequence the session's roles hold nothing on: answered as for a missing one
(conformance/DECISIONS.md J24), so DROP / ALTER / TRUNCATE … IF EXISTS tells no role which hidden objects exist."""

from __future__ import annotations

from snowreg.catalog.grants import ObjectKey
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql.translation import TableRef, Translation


def if_exists_target(session: Session, tr: Translation, ref: TableRef | None) -> str | None:
    """The name a DROP / ALTER / TRUNCATE … IF EXISTS names when the roles hold nothing on that table, view
    or sequence: the statement answers as for a missing one, so it tells no role which hidden objects exist."""
    optional = ref is not None and (ref.optional or (tr.kind == "drop" and " IF EXISTS " in tr.sql[:40].upper()))
    if ref is None or not optional or not ref.name:
        return None
    database, schema = ref.database or session.database, ref.schema or session.schema
    if database is None or schema is None or session.catalog.databases.get_schema(database, schema) is None:
        return None
    if ref.object_kind == "sequence":
        hidden = privileges.sequence_exists(session, database, schema, ref.name) and not (
            privileges.sequence_privileges(session, database, schema, ref.name)
            or privileges.access(session).manage_grants)
    else:
        hidden = session.catalog.databases.relation_kind(database, schema, ref.name) is not None \
            and not privileges.can_see_table(session, database, schema, ref.name, session.catalog.grants.owner_of(
                ObjectKey("TABLE", database, schema, ref.name)))
    return ref.name if hidden else None


def if_exists_answer(session: Session, tr: Translation, ref: TableRef | None, describe_only: bool) -> Result | None:
    """The answer of such a statement (the one a missing object gets), or None to run it as usual."""
    hidden = if_exists_target(session, tr, ref)
    if hidden is None:
        return None
    if not describe_only:
        transaction.before_plain(session, tr.kind)  # DDL commits the open transaction, as for a missing one
    return status(f"Drop statement executed successfully ({hidden} already dropped).") if tr.kind == "drop" \
        else status()
