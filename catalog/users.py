"""Changing a user: ALTER USER's writes (engine.access.alter_user decides who may make them)."""

from __future__ import annotations

import orjson

from snowreg.catalog import passwords
from snowreg.catalog.store import Store


def update_user(store: Store, name: str, properties: str, changes: dict[str, str | None]) -> None:
    """Set (a text) or unset (None) each of the user's properties (`properties`: its properties object as
    read): DEFAULT_ROLE and COMMENT are columns of their own, PASSWORD is stored only hashed, the others
    live in the properties object."""
    props = orjson.loads(properties)
    with store.transaction() as tx:
        for key, value in changes.items():
            if key in ("DEFAULT_ROLE", "COMMENT"):
                tx.execute(f"UPDATE snowreg.users SET {key.lower()} = ? WHERE name = ?", [value, name])
            elif value is None:
                props.pop(key, None)
            else:
                props[key] = passwords.hashed(value) if key == "PASSWORD" else value
        tx.execute("UPDATE snowreg.users SET properties = ? WHERE name = ?", [orjson.dumps(props).decode(), name])
        store.access_changed()


def rename_user(store: Store, old: str, new: str) -> None:
    """ALTER USER … RENAME TO: the user keeps its roles, the grants on it and its stage (`@~`)."""
    with store.transaction() as tx:
        tx.execute("UPDATE snowreg.users SET name = ? WHERE name = ?", [new, old])
        tx.execute("UPDATE snowreg.role_grants SET grantee = ? WHERE grantee_kind = 'USER' AND grantee = ?", [new, old])
        tx.execute("UPDATE snowreg.grants SET name = ? WHERE object_kind = 'USER' AND name = ?", [new, old])
        tx.execute("UPDATE snowreg.implicit_stages SET name = ? WHERE kind = 'user' AND name = ?", [new, old])
        store.access_changed()
