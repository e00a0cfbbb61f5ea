"""Users' passwords: stored only as salted PBKDF2 hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ROUNDS = 100_000
# Hashed for a login naming no user with a password, so that answer takes as long as a wrong password's
# and a client cannot tell by timing which users exist.
_DECOY = f"pbkdf2_sha256${secrets.token_hex(16)}$"


def hashed(password: str, salt: str | None = None) -> str:
    """`pbkdf2_sha256$<salt>$<hex digest>` of a password (a fresh random salt unless given)."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), ROUNDS).hex()
    return f"pbkdf2_sha256${salt}${digest}"


def is_hashed(stored: str) -> bool:
    return stored.startswith("pbkdf2_sha256$")


def matches(stored: str | None, password: str) -> bool:
    """Whether `password` is the one `stored` was made from (False, after as long, when nothing is stored).

    A value written before passwords were hashed is compared as it is (the login then rehashes it).
    """
    if not stored:
        hmac.compare_digest(_DECOY, hashed(password, _DECOY.split("$")[1]))
        return False
    if not is_hashed(stored):
        return hmac.compare_digest(stored.encode(), password.encode())
    _, salt, _ = stored.split("$", 2)
    return hmac.compare_digest(stored, hashed(password, salt))
