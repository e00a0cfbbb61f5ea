"""Roles, users, role grants, privilege grants and future grants: the governance state of a registry."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import duckdb
import orjson

from snowreg.catalog import passwords
from snowreg.catalog.store import Store, now

SYSTEM_ROLES = ("ACCOUNTADMIN", "SECURITYADMIN", "USERADMIN", "SYSADMIN", "PUBLIC")
# Objects that carry their owner in an `owner` column of their own table.
OWNER_TABLES = {"DATABASE": "databases", "SCHEMA": "schemas", "MODEL": "models", "STAGE": "stages",
                "TAG": "tags", "ROLE": "roles", "USER": "users", "FUNCTION": "udfs",
                "PROCEDURE": "procedures", "TASK": "tasks"}
# Owners kept outside OWNER_TABLES (their owner is read by their own modules), and of objects kept for UNDROP
_OTHER_OWNER_TABLES = ("warehouses", "file_formats", "dropped_tables", "dropped_tasks", "dropped_containers")
GRANT_COLS = ("object_kind, database_name, schema_name, name, object_id, privilege, grantee, grant_option, "
              "granted_by, created_on")
FUTURE_COLS = "container_kind, database_name, schema_name, object_kind, privilege, grantee, grant_option, created_on"


@dataclass(frozen=True, slots=True)
class ObjectKey:
    """A securable object. Models and stages are named by id; other objects by their names ('' unused)."""

    kind: str  # ACCOUNT, DATABASE, SCHEMA, MODEL, TABLE, VIEW, STAGE, TAG, ROLE, USER
    database: str = ""
    schema: str = ""
    name: str = ""
    id: int = 0

    def params(self) -> list[Any]:
        return [self.kind, self.database, self.schema, self.name, self.id]


KEY_WHERE = "object_kind = ? AND database_name = ? AND schema_name = ? AND name = ? AND object_id = ?"


@dataclass(frozen=True, slots=True)
class RoleRow:
    name: str
    created_on: datetime
    owner: str
    comment: str | None


@dataclass(frozen=True, slots=True)
class UserRow:
    name: str
    created_on: datetime
    owner: str
    comment: str | None
    default_role: str | None
    properties: str


@dataclass(frozen=True, slots=True)
class RoleEdge:
    """`role` granted to a ROLE or USER `grantee`."""

    role: str
    grantee_kind: str
    grantee: str
    granted_by: str
    created_on: datetime


@dataclass(frozen=True, slots=True)
class GrantRow:
    object_kind: str
    database_name: str
    schema_name: str
    name: str
    object_id: int
    privilege: str
    grantee: str
    grant_option: bool
    granted_by: str
    created_on: datetime

    @property
    def key(self) -> ObjectKey:
        return ObjectKey(self.object_kind, self.database_name, self.schema_name, self.name, self.object_id)


@dataclass(frozen=True, slots=True)
class FutureGrantRow:
    container_kind: str
    database_name: str
    schema_name: str
    object_kind: str
    privilege: str
    grantee: str
    grant_option: bool
    created_on: datetime


@dataclass
class RoleGraph:
    """A snapshot of the role hierarchy: who is granted to whom. Closures are memoised."""

    edges: tuple[RoleEdge, ...]
    children: dict[str, set[str]] = field(default_factory=dict)  # parent role -> roles granted to it
    user_roles: dict[str, set[str]] = field(default_factory=dict)
    _closures: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for e in self.edges:
            target = self.children if e.grantee_kind == "ROLE" else self.user_roles
            target.setdefault(e.grantee, set()).add(e.role)

    def closure(self, role: str) -> frozenset[str]:
        """The role, every role granted to it through the hierarchy, and PUBLIC."""
        found = self._closures.get(role)
        if found is None:
            seen = {role, "PUBLIC"}
            todo = [role]
            while todo:
                for child in self.children.get(todo.pop(), ()):
                    if child not in seen:
                        seen.add(child)
                        todo.append(child)
            found = self._closures[role] = frozenset(seen)
        return found

    def user_closure(self, user: str) -> frozenset[str]:
        """Every role a user may activate: its granted roles with their hierarchies, and PUBLIC."""
        out: set[str] = {"PUBLIC"}
        for role in self.user_roles.get(user, ()):
            out |= self.closure(role)
        return frozenset(out)

    def path(self, start: str, goal: str) -> list[str] | None:
        """The chain of roles start → … → goal through which `start` inherits `goal` (None: it does not)."""
        if goal == "PUBLIC" or start == goal:
            return [start] if start == goal else [start, "PUBLIC"]
        previous: dict[str, str] = {}
        queue = deque([start])
        while queue:
            role = queue.popleft()
            for child in sorted(self.children.get(role, ())):
                if child not in previous and child != start:
                    previous[child] = role
                    if child == goal:
                        chain = [goal]
                        while chain[-1] != start:
                            chain.append(previous[chain[-1]])
                        return chain[::-1]
                    queue.append(child)
        return None


class GrantsPart:
    """Governance rows: roles, users, grants, future grants and ownership. Every write here moves the
    store's `access_generation` (who may do what)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._graph: tuple[int, RoleGraph] | None = None

    # -- roles -------------------------------------------------------------------------------

    def get_role(self, name: str) -> RoleRow | None:
        pristine = self.store.pristine
        if pristine is not None:
            found = pristine.role(name)
            return RoleRow(*found) if found else None
        row = self.store.query_one("SELECT name, created_on, owner, comment FROM snowreg.roles WHERE name = ?", [name])
        return RoleRow(*row) if row else None

    def list_roles(self) -> list[RoleRow]:
        return [RoleRow(*r) for r in self.store.query("SELECT name, created_on, owner, comment FROM snowreg.roles "
                                                 "ORDER BY name")]

    def create_role(self, name: str, owner: str, comment: str | None = None) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO snowreg.roles VALUES (?, ?, ?, ?)", [name, now(), owner, comment])
            self.store.access_changed()

    def drop_role(self, name: str, heir: str) -> None:
        """Drop a role; what it owned passes to `heir` (the dropping role), as Snowflake does: every object with
        an owner, those kept for UNDROP and SHOW … HISTORY included (DECISIONS.md W32)."""
        with self.store.transaction() as tx:
            for table in (*OWNER_TABLES.values(), *_OTHER_OWNER_TABLES):
                tx.execute(f"UPDATE snowreg.{table} SET owner = ? WHERE owner = ?", [heir, name])
            for grants in ("grants", "dropped_grants"):  # a dropped object's grants come back with it
                tx.execute(f"UPDATE snowreg.{grants} SET grantee = ? WHERE privilege = 'OWNERSHIP' AND grantee = ?",
                           [heir, name])
                tx.execute(f"UPDATE snowreg.{grants} SET granted_by = ? WHERE granted_by = ?", [heir, name])
                tx.execute(f"DELETE FROM snowreg.{grants} WHERE grantee = ?", [name])
            tx.execute("UPDATE snowreg.role_grants SET granted_by = ? WHERE granted_by = ?", [heir, name])
            tx.execute("DELETE FROM snowreg.future_grants WHERE grantee = ?", [name])
            tx.execute("DELETE FROM snowreg.role_grants WHERE role = ? OR (grantee_kind = 'ROLE' AND grantee = ?)",
                       [name, name])
            tx.execute("UPDATE snowreg.users SET default_role = NULL WHERE default_role = ?", [name])
            tx.execute("DELETE FROM snowreg.roles WHERE name = ?", [name])
            self.store.access_changed()

    # -- users -------------------------------------------------------------------------------

    def get_user(self, name: str) -> UserRow | None:
        pristine = self.store.pristine
        if pristine is not None:
            found = pristine.user(name)
            return UserRow(*found) if found else None
        row = self.store.query_one("SELECT name, created_on, owner, comment, default_role, properties FROM snowreg.users "
                             "WHERE name = ?", [name])
        return UserRow(*row) if row else None

    def list_users(self) -> list[UserRow]:
        rows = self.store.query("SELECT name, created_on, owner, comment, default_role, properties FROM snowreg.users "
                          "ORDER BY name")
        return [UserRow(*r) for r in rows]

    def create_user(self, name: str, owner: str, default_role: str | None = None, comment: str | None = None,
                    properties: dict[str, str] | None = None) -> None:
        props = dict(properties or {})
        if "PASSWORD" in props:  # stored only as a salted hash: SHOW USERS says has_password, nothing more
            props["PASSWORD"] = passwords.hashed(props["PASSWORD"])
        with self.store.transaction() as tx:
            tx.execute("INSERT INTO snowreg.users VALUES (?, ?, ?, ?, ?, ?)",
                       [name, now(), owner, comment, default_role, orjson.dumps(props).decode()])
            self.store.access_changed()

    def password_matches(self, name: str, password: str) -> bool | None:
        """Whether `password` is the user's; None when the user has no password (or does not exist)."""
        user = self.get_user(name)
        stored = orjson.loads(user.properties).get("PASSWORD") if user else None
        if not stored:
            return None
        return passwords.matches(stored, password)

    def set_password(self, name: str, password: str | None) -> None:
        """Give the user this password (stored hashed), or take its password away (None)."""
        user = self.get_user(name)
        if user is None:
            return
        props = orjson.loads(user.properties)
        props.pop("PASSWORD", None)
        if password is not None:
            props["PASSWORD"] = passwords.hashed(password)
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.users SET properties = ? WHERE name = ?", [orjson.dumps(props).decode(), name])
            self.store.access_changed()

    def drop_user(self, name: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.role_grants WHERE grantee_kind = 'USER' AND grantee = ?", [name])
            tx.execute("DELETE FROM snowreg.users WHERE name = ?", [name])
            # the user's stage goes with its files: a later user of that name starts with an empty one
            tx.execute("DELETE FROM snowreg.files WHERE owner_kind = 'user' AND owner_id IN (SELECT id FROM "
                       "snowreg.implicit_stages WHERE kind = 'user' AND name = ?)", [name])
            tx.execute("DELETE FROM snowreg.implicit_stages WHERE kind = 'user' AND name = ?", [name])
            self.store.access_changed()

    # -- role grants -------------------------------------------------------------------------

    def role_graph(self) -> RoleGraph:
        """The role hierarchy, read once per access generation."""
        if self._graph is not None and self._graph[0] == self.store.access_generation:
            return self._graph[1]
        generation = self.store.access_generation
        pristine = self.store.pristine
        edges = tuple(RoleEdge(*r) for r in (pristine.role_edges() if pristine is not None else self.store.query(
            "SELECT role, grantee_kind, grantee, granted_by, created_on FROM snowreg.role_grants "
            "ORDER BY created_on, role, grantee")))
        graph = RoleGraph(edges)
        self._graph = (generation, graph)
        return graph

    def grant_role(self, role: str, grantee_kind: str, grantee: str, granted_by: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("INSERT OR IGNORE INTO snowreg.role_grants VALUES (?, ?, ?, ?, ?)",
                       [role, grantee_kind, grantee, granted_by, now()])
            self.store.access_changed()

    def revoke_role(self, role: str, grantee_kind: str, grantee: str) -> None:
        with self.store.transaction() as tx:
            tx.execute("DELETE FROM snowreg.role_grants WHERE role = ? AND grantee_kind = ? AND grantee = ?",
                       [role, grantee_kind, grantee])
            self.store.access_changed()

    # -- privilege grants --------------------------------------------------------------------

    def grants_to(self, roles: Iterable[str]) -> list[GrantRow]:
        pristine = self.store.pristine
        if pristine is not None:
            return [GrantRow(*r) for r in pristine.grants_to(roles)]
        rows = self.store.query(f"SELECT {GRANT_COLS} FROM snowreg.grants WHERE list_contains(?, grantee)", [list(roles)])
        return [GrantRow(*r) for r in rows]

    def grants_on(self, key: ObjectKey) -> list[GrantRow]:
        rows = self.store.query(f"SELECT {GRANT_COLS} FROM snowreg.grants WHERE {KEY_WHERE} ORDER BY created_on, "
                          "privilege, grantee", key.params())
        return [GrantRow(*r) for r in rows]

    def add_grant(self, key: ObjectKey, privilege: str, grantee: str, grant_option: bool, granted_by: str) -> None:
        """Grant a privilege; granting it again only ever adds the grant option."""
        with self.store.transaction() as tx:
            tx.execute(
                f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO UPDATE SET grant_option = grant_option OR excluded.grant_option",
                [*key.params(), privilege, grantee, grant_option, granted_by, now()])
            self.store.access_changed()

    def remove_grant(self, key: ObjectKey, privilege: str, grantee: str, only_grant_option: bool = False) -> None:
        with self.store.transaction() as tx:
            if only_grant_option:
                tx.execute(f"UPDATE snowreg.grants SET grant_option = false WHERE {KEY_WHERE} AND privilege = ? "
                           "AND grantee = ?", [*key.params(), privilege, grantee])
            else:
                tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE} AND privilege = ? AND grantee = ?",
                           [*key.params(), privilege, grantee])
            self.store.access_changed()

    def owned_by(self, roles: Iterable[str]) -> list[tuple[ObjectKey, str]]:
        """(object, owner) of the databases and schemas owned by any of the roles (models, stages and tags
        carry their owner in their rows; tables have OWNERSHIP grants)."""
        pristine = self.store.pristine
        rows = pristine.owned_by(roles) if pristine is not None else self.store.query(
            "SELECT 'DATABASE', name, '', owner FROM snowreg.databases WHERE list_contains($1, owner) "
            "UNION ALL SELECT 'SCHEMA', database_name, name, owner FROM snowreg.schemas "
            "WHERE list_contains($1, owner)", [list(roles)])
        return [(ObjectKey("DATABASE", d) if k == "DATABASE" else ObjectKey("SCHEMA", d, s), o)
                for k, d, s, o in rows]

    def owner_of(self, key: ObjectKey) -> str | None:
        """The owning role of an object (None: the object does not exist)."""
        if key.kind in ("TABLE", "VIEW"):
            row = self.store.query_one("SELECT grantee FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW') AND "
                                 "database_name = ? AND schema_name = ? AND name = ? AND privilege = 'OWNERSHIP'",
                                 [key.database, key.schema, key.name])
            if row is not None:
                return str(row[0])
            schema = self.store.query_one(  # tables made before governance: their schema's owner
                "SELECT owner FROM snowreg.schemas WHERE database_name = ? AND name = ?", [key.database, key.schema])
            return None if schema is None else schema[0]
        if key.kind in ("SEQUENCE", "STREAM"):
            return self.sequence_owner(key.database, key.schema, key.name, key.kind)
        table = OWNER_TABLES.get(key.kind)
        if table is None:
            return None
        where, params = _owner_where(key)
        row = self.store.query_one(f"SELECT owner FROM snowreg.{table} WHERE {where}", params)
        return None if row is None else str(row[0] or "")

    def set_owner(self, key: ObjectKey, role: str, current_grants: Literal["REVOKE", "COPY"] | None) -> None:
        """Transfer ownership; REVOKE drops the grants on the object, COPY re-records them as the new owner's."""
        with self.store.transaction() as tx:
            if key.kind in ("TABLE", "VIEW"):
                tx.execute("DELETE FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW') AND database_name = ? "
                           "AND schema_name = ? AND name = ? AND privilege = 'OWNERSHIP'",
                           [key.database, key.schema, key.name])
                tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, 'OWNERSHIP', ?, "
                           "true, ?, ?)", [*key.params(), role, role, now()])
            elif key.kind in ("SEQUENCE", "STREAM"):  # its owner is its OWNERSHIP grant, as a table's
                tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE} AND privilege = 'OWNERSHIP'", key.params())
                tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, 'OWNERSHIP', ?, "
                           "true, ?, ?)", [*key.params(), role, role, now()])
            else:
                where, params = _owner_where(key)
                tx.execute(f"UPDATE snowreg.{OWNER_TABLES[key.kind]} SET owner = ? WHERE {where}", [role, *params])
            if current_grants == "REVOKE":
                tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE} AND privilege <> 'OWNERSHIP'", key.params())
            elif current_grants == "COPY":
                tx.execute(f"UPDATE snowreg.grants SET granted_by = ? WHERE {KEY_WHERE} AND privilege <> 'OWNERSHIP'",
                           [role, *key.params()])
            self.store.access_changed()

    def record_table_owner(self, database: str, schema: str, name: str, kind: str, owner: str,
                           clear: bool = True) -> bool:
        """A table or view created by plain SQL: its creator owns it (and the future grants of its schema apply).

        True when the new OWNERSHIP grant (to `owner`, WITH GRANT OPTION) is all that changed about who may
        do what: `access_generation` then stays where it was, and the caller brings the access snapshots it
        keeps up to date (privileges.record_tables). False when it moved: grants of an earlier object of
        that name went, future grants applied, or the write joined an outer transaction (which may still
        roll back). `clear=False`: `table_grants` saw no grant of an earlier object of that name to delete.
        """
        key = ObjectKey(kind, database, schema, name)
        before = None if self.store.in_transaction else self.store.access_generation
        with self.store.transaction(stale=_no_cached_read, tables_only=True) as tx:
            removed = tx.execute("DELETE FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW') AND "
                                 "database_name = ? AND schema_name = ? AND name = ? AND object_id = 0",
                                 [database, schema, name]) if clear else None
            if removed is not None and (removed.fetchone() or (0,))[0]:
                self.store.access_changed()
            owner = self.apply_future_grants(tx, key, database, schema, owner)
            tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, 'OWNERSHIP', ?, true, ?, ?)",
                       [*key.params(), owner, owner, now()])
        return self.store.access_generation == before

    def record_sequence_owner(self, database: str, schema: str, name: str, owner: str, kind: str = "SEQUENCE") -> None:
        """A sequence made by CREATE [OR REPLACE] SEQUENCE: its creator owns it (an earlier one's grants go),
        and its schema's (else database's) future grants on sequences apply. A stream (`kind` STREAM) too."""
        key = ObjectKey(kind, database, schema, name)
        with self.store.transaction(stale=_no_cached_read, tables_only=True) as tx:
            tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE}", key.params())
            owner = self.apply_future_grants(tx, key, database, schema, owner)
            tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, 'OWNERSHIP', ?, true, ?, ?)",
                       [*key.params(), owner, owner, now()])
        self.store.access_changed()

    def forget_sequence(self, database: str, schema: str, name: str, kind: str = "SEQUENCE") -> None:
        """A dropped sequence's (or stream's) grants."""
        with self.store.transaction(stale=_no_cached_read, tables_only=True) as tx:
            tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE}",
                       ObjectKey(kind, database, schema, name).params())
        self.store.access_changed()

    def rename_sequence(self, old: tuple[str, str, str], new: tuple[str, str, str]) -> None:
        """ALTER SEQUENCE … RENAME TO: the sequence keeps its owner and grants under its new name."""
        with self.store.transaction(stale=_no_cached_read, tables_only=True) as tx:
            tx.execute(f"UPDATE snowreg.grants SET database_name = ?, schema_name = ?, name = ? WHERE {KEY_WHERE}",
                       [*new, *ObjectKey("SEQUENCE", *old).params()])
        self.store.access_changed()

    def sequence_owner(self, database: str, schema: str, name: str, kind: str = "SEQUENCE") -> str | None:
        """The role owning a sequence (or stream): its OWNERSHIP grant, else (a sequence made before sequences
        had owners) its schema's owner."""
        row = self.store.query_one(f"SELECT grantee FROM snowreg.grants WHERE {KEY_WHERE} AND privilege = 'OWNERSHIP'",
                                   ObjectKey(kind, database, schema, name).params())
        if row is not None:
            return str(row[0])
        return self.owner_of(ObjectKey("SCHEMA", database, schema))

    def table_grants(self, database: str, schema: str, name: str) -> tuple[bool, bool]:
        """Of a table or view of that name: is OWNERSHIP recorded, and any grant `record_table_owner` clears?"""
        row = self.store.query_one(
            "SELECT count(*) FILTER (WHERE privilege = 'OWNERSHIP') > 0, count(*) FILTER (WHERE object_id = 0) > 0 "
            "FROM snowreg.grants WHERE object_kind IN ('TABLE', 'VIEW') AND database_name = ? AND schema_name = ? "
            "AND name = ?", [database, schema, name])
        return (bool(row[0]), bool(row[1])) if row is not None else (False, True)

    def forget_table(self, database: str, schema: str, name: str) -> None:
        with self.store.transaction(stale=_no_cached_read) as tx:
            self.forget_object(tx, ObjectKey("TABLE", database, schema, name))
            self.forget_object(tx, ObjectKey("VIEW", database, schema, name))

    def keep_table_grants(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str, name: str, hidden: str,
                          copy: bool = False, kinds: Sequence[str] = ("TABLE", "VIEW")
                          ) -> tuple[datetime | None, str | None]:
        """A dropped table (an object of `kinds`: a task) kept for UNDROP (catalog/dropped.py): its grants set aside
        under `hidden` (`copy`: a copy set aside, the grants stay); returns when it was created and who owns it
        (its OWNERSHIP grant's time and grantee)."""
        where = "list_contains(?::VARCHAR[], object_kind) AND database_name = ? AND schema_name = ? AND name = ?"
        sql = f"SELECT {GRANT_COLS} FROM snowreg.grants WHERE {where}" if copy else \
            f"DELETE FROM snowreg.grants WHERE {where} RETURNING {GRANT_COLS}"
        kept = tx.execute(sql, [list(kinds), database, schema, name]).fetchall()
        if kept:
            values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(kept))
            tx.execute(f"INSERT INTO snowreg.dropped_grants VALUES {values}", [v for r in kept for v in (hidden, *r)])
        self.store.access_changed()
        owner = next((r for r in kept if r[5] == "OWNERSHIP"), None)
        return (owner[9], owner[6]) if owner else (None, None)

    def copy_table_grants(self, tx: duckdb.DuckDBPyConnection, source: tuple[str, str], target: tuple[str, str],
                          names: Sequence[str], kinds: Sequence[str] = ("TABLE", "VIEW")) -> None:
        """CREATE SCHEMA … CLONE: the clones of tables and views (or of the objects of `kinds`, named by name)
        inherit every grant on them, OWNERSHIP too (https://docs.snowflake.com/en/user-guide/object-clone); what
        the clone got on creation goes first."""
        where = ("list_contains(?::VARCHAR[], object_kind) AND database_name = ? AND schema_name = ? "
                 "AND list_contains(?::VARCHAR[], name)")
        tx.execute(f"DELETE FROM snowreg.grants WHERE {where}", [list(kinds), *target, list(names)])
        tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) SELECT object_kind, ?, ?, name, object_id, privilege, grantee, "
                   f"grant_option, granted_by, created_on FROM snowreg.grants WHERE {where}",
                   [*target, list(kinds), *source, list(names)])
        self.store.access_changed()

    def copy_sequence_grants(self, tx: duckdb.DuckDBPyConnection, source: tuple[str, str], target: tuple[str, str],
                             owners: dict[str, str | None]) -> None:
        """CREATE SCHEMA … CLONE: the clones of sequences (`owners`: name → the source's owner) inherit every
        grant on them, OWNERSHIP too, as tables do (a sequence made before sequences had owners: its owner of
        then, its schema's)."""
        where = "object_kind = 'SEQUENCE' AND database_name = ? AND schema_name = ? AND list_contains(?::VARCHAR[], name)"
        names = list(owners)
        tx.execute(f"DELETE FROM snowreg.grants WHERE {where}", [*target, names])
        tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) SELECT object_kind, ?, ?, name, object_id, privilege, grantee, "
                   f"grant_option, granted_by, created_on FROM snowreg.grants WHERE {where}", [*target, *source, names])
        for name, owner in owners.items():
            key = ObjectKey("SEQUENCE", *target, name)
            if owner and tx.execute(f"SELECT 1 FROM snowreg.grants WHERE {KEY_WHERE} AND privilege = 'OWNERSHIP'",
                                    key.params()).fetchone() is None:
                tx.execute(f"INSERT INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, 'OWNERSHIP', ?, true, ?, ?)",
                           [*key.params(), owner, owner, now()])
        self.store.access_changed()

    def copy_schema_grants(self, tx: duckdb.DuckDBPyConnection, source: str, target: str, schema: str) -> None:
        """CREATE DATABASE … CLONE: a cloned schema inherits the grants on the source's (its owner is set with
        the schema row)."""
        tx.execute(f"INSERT OR IGNORE INTO snowreg.grants ({GRANT_COLS}) SELECT object_kind, ?, schema_name, name, "
                   "object_id, privilege, grantee, grant_option, granted_by, created_on FROM snowreg.grants "
                   "WHERE object_kind = 'SCHEMA' AND database_name = ? AND schema_name = ?", [target, source, schema])
        self.store.access_changed()

    def kept_table_grantees(self, hidden: str) -> frozenset[str]:
        """The roles holding a privilege on a dropped table kept for UNDROP."""
        return frozenset(str(r[0]) for r in self.store.query(
            "SELECT grantee FROM snowreg.dropped_grants WHERE hidden = ?", [hidden]))

    def restore_table_grants(self, tx: duckdb.DuckDBPyConnection, hidden: str, restore: bool = True) -> None:
        """UNDROP TABLE: the grants set aside come back (`restore` False: they go, with the purged table)."""
        if restore:
            tx.execute(f"INSERT OR IGNORE INTO snowreg.grants ({GRANT_COLS}) SELECT {GRANT_COLS} FROM "
                       "snowreg.dropped_grants WHERE hidden = ?", [hidden])
            self.store.access_changed()
        tx.execute("DELETE FROM snowreg.dropped_grants WHERE hidden = ?", [hidden])

    def rename_table(self, database: str, schema: str, old: str, new: str) -> None:
        """ALTER TABLE … RENAME: the table keeps its owner and grants under its new name."""
        with self.store.transaction() as tx:
            tx.execute("UPDATE snowreg.grants SET name = ? WHERE object_kind IN ('TABLE', 'VIEW') "
                       "AND database_name = ? AND schema_name = ? AND name = ?", [new, database, schema, old])
            self.store.access_changed()

    # -- future grants -----------------------------------------------------------------------

    def future_grants(self, container_kind: str, database: str, schema: str = "") -> list[FutureGrantRow]:
        rows = self.store.query(f"SELECT {FUTURE_COLS} FROM snowreg.future_grants WHERE container_kind = ? AND "
                          "database_name = ? AND schema_name = ? ORDER BY created_on, privilege, grantee",
                          [container_kind, database, schema])
        return [FutureGrantRow(*r) for r in rows]

    def future_grants_to(self, role: str) -> list[FutureGrantRow]:
        rows = self.store.query(f"SELECT {FUTURE_COLS} FROM snowreg.future_grants WHERE grantee = ? "
                          "ORDER BY created_on, privilege", [role])
        return [FutureGrantRow(*r) for r in rows]

    def add_future_grant(self, container_kind: str, database: str, schema: str, object_kind: str, privilege: str,
                         grantee: str, grant_option: bool) -> None:
        with self.store.transaction() as tx:
            if privilege == "OWNERSHIP":  # one future owner per container and kind
                tx.execute("DELETE FROM snowreg.future_grants WHERE container_kind = ? AND database_name = ? AND "
                           "schema_name = ? AND object_kind = ? AND privilege = 'OWNERSHIP'",
                           [container_kind, database, schema, object_kind])
            tx.execute(f"INSERT INTO snowreg.future_grants ({FUTURE_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT DO UPDATE SET grant_option = grant_option OR excluded.grant_option",
                       [container_kind, database, schema, object_kind, privilege, grantee, grant_option, now()])
            self.store.access_changed()

    def remove_future_grant(self, container_kind: str, database: str, schema: str, object_kind: str,
                            privilege: str, grantee: str, only_grant_option: bool = False) -> None:
        where = ("container_kind = ? AND database_name = ? AND schema_name = ? AND object_kind = ? AND privilege = ? "
                 "AND grantee = ?")
        params = [container_kind, database, schema, object_kind, privilege, grantee]
        with self.store.transaction() as tx:
            if only_grant_option:
                tx.execute(f"UPDATE snowreg.future_grants SET grant_option = false WHERE {where}", params)
            else:
                tx.execute(f"DELETE FROM snowreg.future_grants WHERE {where}", params)
            self.store.access_changed()

    def apply_future_grants(self, tx: duckdb.DuckDBPyConnection, key: ObjectKey, database: str, schema: str,
                             owner: str) -> str:
        """Grant a new object what its schema's (else its database's) future grants say; returns its owner."""
        rows = [FutureGrantRow(*r) for r in tx.execute(
            f"SELECT {FUTURE_COLS} FROM snowreg.future_grants WHERE database_name = ? AND object_kind = ? AND "
            "(container_kind = 'SCHEMA' AND schema_name = ? OR container_kind = 'DATABASE')",
            [database, key.kind, schema]).fetchall()]
        if any(r.container_kind == "SCHEMA" for r in rows):  # schema-level future grants take precedence
            rows = [r for r in rows if r.container_kind == "SCHEMA"]
        for r in rows:
            if r.privilege == "OWNERSHIP":
                owner = r.grantee
        for r in rows:
            if r.privilege != "OWNERSHIP":
                tx.execute(f"INSERT OR IGNORE INTO snowreg.grants ({GRANT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [*key.params(), r.privilege, r.grantee, r.grant_option, owner, now()])
        if rows:
            self.store.access_changed()
        return owner

    # -- objects of other families appear and disappear (Catalog's writes call these) ----------

    def forget_object(self, tx: duckdb.DuckDBPyConnection, key: ObjectKey) -> None:
        """Inside a transaction: the grants on an object that goes."""
        tx.execute(f"DELETE FROM snowreg.grants WHERE {KEY_WHERE}", key.params())
        self.store.access_changed()

    def forget_container(self, tx: duckdb.DuckDBPyConnection, database: str, schema: str | None) -> None:
        """Grants on a dropped database or schema and on everything in it (by name) go with it."""
        if schema is None:
            tx.execute("DELETE FROM snowreg.grants WHERE database_name = ? AND object_kind <> 'ACCOUNT'", [database])
            tx.execute("DELETE FROM snowreg.future_grants WHERE database_name = ?", [database])
        else:
            tx.execute("DELETE FROM snowreg.grants WHERE database_name = ? AND schema_name = ?", [database, schema])
            tx.execute("DELETE FROM snowreg.future_grants WHERE database_name = ? AND schema_name = ?",
                       [database, schema])
        self.forget_dropped_stages(tx)

    def forget_dropped_stages(self, tx: duckdb.DuckDBPyConnection) -> None:
        """Inside a transaction: the grants on stages that are gone."""
        tx.execute("DELETE FROM snowreg.grants WHERE object_kind = 'STAGE' AND object_id NOT IN "
                   "(SELECT id FROM snowreg.stages)")
        self.store.access_changed()

    # -- reads for SHOW and INFORMATION_SCHEMA -----------------------------------------------

    def owned_objects(self, role: str, session_id: int) -> list[tuple[str, str, str, str, int, datetime]]:
        """(kind, database, schema, name, id, created_on) of what a role owns through an `owner` column (tables,
        views, sequences and streams: see its grants). A function's or procedure's name is its signature,
        F(NUMBER, VARCHAR), as in its grants. Temporary stages and file formats are the session's own only:
        another session's are not there for it (conformance/DECISIONS.md Q43)."""
        rows = self.store.query(
            "SELECT 'DATABASE', name, '', '', 0, created_on FROM snowreg.databases WHERE owner = $1 "
            "UNION ALL SELECT 'SCHEMA', database_name, name, '', 0, created_on FROM snowreg.schemas WHERE owner = $1 "
            "UNION ALL SELECT 'MODEL', database_name, schema_name, name, id, created_on FROM snowreg.models "
            "WHERE owner = $1 UNION ALL SELECT 'STAGE', database_name, schema_name, name, id, created_on "
            "FROM snowreg.stages WHERE owner = $1 AND (NOT temporary OR session_id = $2) UNION ALL SELECT 'TAG', database_name, schema_name, name, 0, "
            "created_on FROM snowreg.tags WHERE owner = $1 UNION ALL SELECT 'ROLE', '', '', name, 0, created_on "
            "FROM snowreg.roles WHERE owner = $1 UNION ALL SELECT 'USER', '', '', name, 0, created_on "
            "FROM snowreg.users WHERE owner = $1 UNION ALL SELECT 'TASK', database_name, schema_name, name, 0, "
            "created_on FROM snowreg.tasks WHERE owner = $1 UNION ALL SELECT 'FUNCTION', database_name, "
            "schema_name, name || '(' || arguments || ')', 0, created_on FROM snowreg.udfs WHERE owner = $1 "
            "UNION ALL SELECT 'PROCEDURE', database_name, schema_name, name || '(' || arguments || ')', 0, "
            "created_on FROM snowreg.procedures WHERE owner = $1 UNION ALL SELECT 'FILE_FORMAT', database_name, "
            "schema_name, name, 0, created_on FROM snowreg.file_formats WHERE owner = $1 AND (NOT temporary OR "
            "session_id = $2) UNION ALL SELECT 'WAREHOUSE', '', '', name, 0, created_on FROM snowreg.warehouses "
            "WHERE owner = $1 ORDER BY 6", [role, session_id])
        return [(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]


def _no_cached_read(key: tuple[Any, ...]) -> bool:
    """The `stale` of a write to grants only: no cached registry read holds grants (the access snapshots
    follow `access_generation`)."""
    return False


def _owner_where(key: ObjectKey) -> tuple[str, list[Any]]:
    """The WHERE clause selecting an object's row in its own table."""
    if key.kind in ("MODEL", "STAGE"):
        return "id = ?", [key.id]
    if key.kind == "DATABASE":
        return "name = ?", [key.database]
    if key.kind == "SCHEMA":
        return "database_name = ? AND name = ?", [key.database, key.schema]
    if key.kind in ("TAG", "TASK"):
        return "database_name = ? AND schema_name = ? AND name = ?", [key.database, key.schema, key.name]
    if key.kind in ("FUNCTION", "PROCEDURE"):  # named by signature: F(NUMBER, VARCHAR)
        return ("database_name = ? AND schema_name = ? AND name || '(' || arguments || ')' = ?",
                [key.database, key.schema, key.name])
    return "name = ?", [key.name]

