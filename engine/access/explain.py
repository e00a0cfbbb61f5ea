"""Why may (or may not) this connection use that object? A tester's aid beyond Snowflake.

`explain_access(conn, "MODEL db.s.m", "USAGE")` reports the connection's user, primary role and active
roles, who owns the object, which roles hold which privilege on it and through which chain of role
grants the session reaches them, the database / schema USAGE the object also needs, and the answer
Snowflake would give (granted, 003001 or 002003). Snowflake's own error texts are never changed: this is
a separate question asked of the emulator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from snowreg.catalog.grants import ObjectKey
from snowreg.engine.access import privileges
from snowreg.engine.access.privileges import index_of
from snowreg.engine.session import Session
from snowreg.grammar.text import quote_ident, resolve_ident

# Privileges that satisfy a requested one (OWNERSHIP satisfies everything).
SATISFIES: dict[tuple[str, str], frozenset[str]] = {
    ("MODEL", "USAGE"): frozenset({"USAGE", "READ", "OWNERSHIP"}),
    ("MODEL", "READ"): frozenset({"READ", "OWNERSHIP"}),
    ("STAGE", "READ"): frozenset({"READ", "WRITE", "USAGE", "OWNERSHIP"}),
    ("STAGE", "USAGE"): frozenset({"READ", "WRITE", "USAGE", "OWNERSHIP"}),
}
KINDS = ("ACCOUNT", "DATABASE", "SCHEMA", "MODEL", "STAGE", "TABLE", "VIEW", "TAG", "SEQUENCE", "TASK")


@dataclass(frozen=True, slots=True)
class Holder:
    """A role holding a privilege on the object, and how the session reaches it (None: it does not)."""

    role: str
    privilege: str
    grant_option: bool
    path: tuple[str, ...] | None

    def __str__(self) -> str:
        if self.path is None:
            via = "not reached by the session's roles"
        elif len(self.path) == 1:
            via = "the primary role itself"
        else:
            via = " → ".join(self.path)
        option = " WITH GRANT OPTION" if self.grant_option else ""
        return f"{self.privilege}{option} held by {self.role}: {via}"


@dataclass
class AccessExplanation:
    """The answer of `explain_access`; `str()` of it is a readable report."""

    object: str
    privilege: str
    user: str
    role: str
    secondary_roles: str
    active_roles: tuple[str, ...]
    exists: bool
    owner: str | None = None
    allowed: bool = False
    outcome: str = ""  # "granted", or the error Snowflake would raise
    holders: list[Holder] = field(default_factory=list)
    containers: list[str] = field(default_factory=list)
    missing: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __str__(self) -> str:
        verdict = "GRANTED" if self.allowed else f"DENIED, Snowflake answers {self.outcome}"
        lines = [f"{self.privilege} on {self.object}: {verdict}",
                 f"  user {self.user}, primary role {self.role}, secondary roles {self.secondary_roles}",
                 f"  active roles: {', '.join(self.active_roles)}"]
        if not self.exists:
            return "\n".join(lines + ["  the object does not exist"])
        if self.owner:
            lines.append(f"  owner: {self.owner}")
        lines += [f"  {h}" for h in self.holders] or ["  no role holds a privilege on it"]
        lines += [f"  {c}" for c in self.containers]
        if self.missing:
            lines.append(f"  missing: {self.missing}")
        return "\n".join(lines)


def _split(name: str) -> list[str]:
    return [resolve_ident(p) for p in re.findall(r'"(?:[^"]|"")*"|[^.\s]+', name)]


def _session(conn: Any) -> Session:
    session = getattr(conn, "session", None)
    if not isinstance(session, Session):
        raise TypeError("explain_access needs a snowreg connection")
    return session


def _qualify(session: Session, kind: str, parts: list[str]) -> list[str]:
    """The full name parts of an object: [db], [db, schema] or [db, schema, name], defaults from the session."""
    need = {"DATABASE": 1, "SCHEMA": 2}.get(kind, 3)
    parts = parts[-need:]
    defaults = [session.database or "", session.schema or ""]
    return defaults[:need - len(parts)] + parts


def _resolve(session: Session, kind: str, parts: list[str]) -> tuple[ObjectKey | None, str | None, str]:
    """(key, owner, display name) of the object; key None when it does not exist."""
    catalog = session.catalog
    if kind == "ACCOUNT":
        return ObjectKey("ACCOUNT"), None, privileges.ACCOUNT_NAME
    full = _qualify(session, kind, parts)
    display = ".".join(quote_ident(p) for p in full)
    row: Any
    if kind == "DATABASE":
        row, key = catalog.databases.get_database(full[0]), ObjectKey("DATABASE", full[0])
    elif kind == "SCHEMA":
        row, key = catalog.databases.get_schema(full[0], full[1]), ObjectKey("SCHEMA", full[0], full[1])
    elif kind == "MODEL":
        row = catalog.models.get_model(*full)
        key = ObjectKey("MODEL", id=row.id if row else 0)
    elif kind == "STAGE":
        row = catalog.objects.get_stage(*full)
        key = ObjectKey("STAGE", id=row.id if row else 0)
    elif kind in ("TAG", "TASK"):
        row = catalog.objects.get_tag(*full) if kind == "TAG" else catalog.tasks.get_task(*full)
        key = ObjectKey(kind, full[0], full[1], full[2])
    elif kind == "SEQUENCE":  # its owner is its OWNERSHIP grant
        key = ObjectKey("SEQUENCE", full[0], full[1], full[2])
        if not privileges.sequence_exists(session, *full):
            return None, None, display
        return key, catalog.grants.sequence_owner(*full), display
    else:
        relation = catalog.databases.relation_kind(*full)
        key = ObjectKey(relation or kind, full[0], full[1], full[2])
        return (key, catalog.grants.owner_of(key), display) if relation else (None, None, display)
    return (key, row.owner, display) if row is not None else (None, None, display)


def _path(session: Session, role: str) -> tuple[str, ...] | None:
    """How the session's roles reach `role`: from the primary role, else (secondary ALL) a user's role."""
    graph = session.catalog.grants.role_graph()
    found = graph.path(session.role, role)
    if found is None and session.secondary_roles == "ALL":
        for granted in sorted(graph.user_roles.get(session.user, ())):
            found = graph.path(granted, role)
            if found is not None:
                return (f"(secondary) {found[0]}", *found[1:])
    return tuple(found) if found is not None else None


def _holders(session: Session, key: ObjectKey, owner: str | None) -> list[Holder]:
    out = [Holder(owner, "OWNERSHIP", True, _path(session, owner))] if owner else []
    for g in session.catalog.grants.grants_on(key):
        if g.privilege != "OWNERSHIP":
            out.append(Holder(g.grantee, g.privilege, g.grant_option, _path(session, g.grantee)))
    return out


def _containers(session: Session, key: ObjectKey, a: privileges.Access) -> tuple[list[str], list[str]]:
    """Lines about the database / schema USAGE a schema object also needs, and the containers not usable."""
    db, schema = key.database, key.schema
    if key.kind in ("MODEL", "STAGE"):
        found = session.catalog.models.get_model_by_id(key.id) if key.kind == "MODEL" \
            else session.catalog.objects.get_stage_by_id(key.id)
        db, schema = (found.database_name, found.schema_name) if found is not None else ("", "")
    if key.kind in ("ACCOUNT", "DATABASE"):
        return [], []
    lines, missing = [], []
    checks = [("DATABASE", a.database_usable(db), quote_ident(db))]
    if key.kind != "SCHEMA":
        checks.append(("SCHEMA", a.schema_usable(db, schema), f"{quote_ident(db)}.{quote_ident(schema)}"))
    for kind, usable, name in checks:
        lines.append(f"needs USAGE on {kind} {name}: {'held' if usable else 'NOT held by the active roles'}")
        if not usable:
            missing.append(f"USAGE on {kind} {name}")
    return lines, missing


def explain_access(conn: Any, target: str, privilege: str) -> AccessExplanation:
    """Explain whether the connection's roles hold `privilege` on `target` (e.g. "MODEL db.s.m", "ACCOUNT")."""
    session = _session(conn)
    kind, _, name = target.strip().partition(" ")
    kind, wanted = kind.upper(), " ".join(privilege.upper().split())
    if kind not in KINDS:
        raise ValueError(f"explain_access: unknown object kind {kind!r} (one of {', '.join(KINDS)})")
    a = privileges.access(session)
    key, owner, display = _resolve(session, kind, _split(name))
    out = AccessExplanation(f"{kind} {display}", wanted, session.user, session.role, session.secondary_roles,
                            tuple(sorted(a.roles)), key is not None, owner)
    if key is None:
        noun = "Object" if kind in ("TABLE", "VIEW") else kind.title()
        out.outcome = f"002003: {noun} '{display}' does not exist or not authorized"
        return out
    out.holders = _holders(session, key, owner)
    out.containers, unusable = _containers(session, key, a)
    usable = not unusable
    held = a.held(index_of(key), owner)
    if wanted.startswith("CREATE ") and kind in ("ACCOUNT", "DATABASE", "SCHEMA"):
        held = a.create_privs.get(index_of(key), frozenset())  # CREATE comes from the primary role only
    needed = SATISFIES.get((kind, wanted), frozenset({wanted, "OWNERSHIP"}))
    out.allowed = bool(held & needed) and usable
    visible = (bool(held) and usable) or a.manage_grants
    noun = "Object" if kind in ("TABLE", "VIEW") else kind.title()
    out.outcome = "granted" if out.allowed else (
        f"003001: Insufficient privileges to operate on {kind.lower()}" if visible
        else f"002003: {noun} '{display}' does not exist or not authorized")
    if not out.allowed:
        out.missing = _missing(wanted, needed, held, unusable)
    return out


def _missing(wanted: str, needed: frozenset[str], held: frozenset[str], unusable: list[str]) -> str:
    parts = []
    if not held & needed:
        others = f" (the active roles hold {', '.join(sorted(held))})" if held else ""
        parts.append(f"one of {', '.join(sorted(needed))} for {wanted}{others}")
    return "; ".join(parts + unusable)
