"""A fresh in-memory registry before its first registry query: the seeded state and its first writes, in Python.

Creating the registry tables costs about as much as a DuckDB connection, and a test fixture's fresh
registry often only logs in, creates its database and schema and runs plain SQL. Until something
else is asked of it, a fresh registry answers those few reads from this object and records the
writes, which are replayed (in order, after the same seed) on the registry instance the first time
any other catalog method needs DuckDB. Nothing here is shared between registries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb

# The account every registry starts with (Snowflake's system roles, their hierarchy, the bootstrap
# user ADMIN with ACCOUNTADMIN, and the system roles' account privileges).
SEED_ROLES = (
    ("ACCOUNTADMIN", "Account administrator can manage all aspects of the account."),
    ("SECURITYADMIN", "Security administrator can manage security aspects of the account."),
    ("USERADMIN", "User administrator can create and manage users and roles"),
    ("SYSADMIN", "System administrator can create and manage databases and warehouses."),
    ("PUBLIC", "Public role is automatically available to every user in the account."),
)
SEED_ROLE_GRANTS = (
    ("SECURITYADMIN", "ROLE", "ACCOUNTADMIN"), ("SYSADMIN", "ROLE", "ACCOUNTADMIN"),
    ("USERADMIN", "ROLE", "SECURITYADMIN"), ("ACCOUNTADMIN", "USER", "ADMIN"),
)
SEED_ACCOUNT_GRANTS = (
    ("MANAGE GRANTS", "SECURITYADMIN"), ("CREATE USER", "USERADMIN"), ("CREATE ROLE", "USERADMIN"),
    ("CREATE DATABASE", "SYSADMIN"), ("CREATE WAREHOUSE", "SYSADMIN"), ("APPLY TAG", "ACCOUNTADMIN"),
    ("EXECUTE TASK", "ACCOUNTADMIN"),  # https://docs.snowflake.com/en/user-guide/tasks-intro (held by default)
    ("EXECUTE MANAGED TASK", "ACCOUNTADMIN"),  # creating a serverless task (tasks-intro; DECISIONS.md Q35)
)
SEED_USER = "ADMIN"
SEED_USER_ROLE = "ACCOUNTADMIN"  # its owner and default role

INSERT_DATABASE = "INSERT INTO snowreg.databases VALUES (?, ?, ?, ?, ?)"
INSERT_SCHEMA = "INSERT INTO snowreg.schemas VALUES (?, ?, ?, ?, ?, ?)"


def seed(db: duckdb.DuckDBPyConnection, created_on: datetime) -> None:
    """Write the seeded account into new registry tables (once: a reopened registry keeps its own)."""
    if db.execute("SELECT 1 FROM snowreg.meta WHERE key = 'governance_seeded'").fetchone() is not None:
        return
    db.executemany("INSERT INTO snowreg.roles VALUES (?, ?, '', ?)", [[r, created_on, c] for r, c in SEED_ROLES])
    db.executemany("INSERT INTO snowreg.role_grants VALUES (?, ?, ?, '', ?)",
                   [[r, k, g, created_on] for r, k, g in SEED_ROLE_GRANTS])
    db.executemany("INSERT INTO snowreg.grants (object_kind, privilege, grantee, grant_option, granted_by, created_on) "
                   "VALUES ('ACCOUNT', ?, ?, true, '', ?)", [[p, r, created_on] for p, r in SEED_ACCOUNT_GRANTS])
    db.execute("INSERT INTO snowreg.users (name, created_on, owner, default_role) VALUES (?, ?, ?, ?)",
               [SEED_USER, created_on, SEED_USER_ROLE, SEED_USER_ROLE])
    db.execute("INSERT INTO snowreg.meta VALUES ('governance_seeded', '1')")


class Pristine:
    """The rows of a registry that has not needed its tables yet (same shapes as the tables' rows)."""

    def __init__(self, created_on: datetime) -> None:
        self.created_on = created_on
        self.databases: dict[str, tuple[Any, ...]] = {}  # name → snowreg.databases row
        self.schemas: dict[tuple[str, str], tuple[Any, ...]] = {}  # (database, name) → snowreg.schemas row
        self.writes: list[tuple[str, list[Any]]] = []  # replayed in order on the registry tables

    # -- reads (each answers what the table query of the same name in the catalog would) ------

    def user(self, name: str) -> tuple[Any, ...] | None:
        if name != SEED_USER:
            return None
        return (SEED_USER, self.created_on, SEED_USER_ROLE, None, SEED_USER_ROLE, "{}")

    def role(self, name: str) -> tuple[Any, ...] | None:
        comment = dict(SEED_ROLES).get(name)
        return None if comment is None else (name, self.created_on, "", comment)

    def role_edges(self) -> list[tuple[Any, ...]]:
        """role_grants rows ordered by created_on, role, grantee."""
        rows = [(r, k, g, "", self.created_on) for r, k, g in SEED_ROLE_GRANTS]
        return sorted(rows, key=lambda e: (e[4], e[0], e[2]))

    def grants_to(self, roles: Iterable[str]) -> list[tuple[Any, ...]]:
        wanted = set(roles)
        return [("ACCOUNT", "", "", "", 0, p, r, True, "", self.created_on)
                for p, r in SEED_ACCOUNT_GRANTS if r in wanted]

    def owned_by(self, roles: Iterable[str]) -> list[tuple[str, str, str, str]]:
        wanted = set(roles)
        out = [("DATABASE", d[0], "", d[2]) for d in self.databases.values() if d[2] in wanted]
        return out + [("SCHEMA", s[0], s[1], s[3]) for s in self.schemas.values() if s[3] in wanted]

    # -- writes --------------------------------------------------------------------------------

    def add_database(self, name: str, created_on: datetime, owner: str | None, comment: str | None) -> None:
        row = (name, created_on, owner, comment, None)
        self.databases[name] = row
        self.writes.append((INSERT_DATABASE, list(row)))

    def add_schema(self, database: str, name: str, created_on: datetime, owner: str | None, comment: str | None,
                   managed_access: bool) -> None:
        row = (database, name, created_on, owner, comment, managed_access)
        self.schemas[(database, name)] = row
        self.writes.append((INSERT_SCHEMA, list(row)))
