"""Hints for people after a registry error (run, check, REPL): the model, version, alias or table a mistyped name
probably meant, chosen only among what the session's roles may see (never part of Snowflake's message)."""

from __future__ import annotations

import difflib
import re
from typing import Any

from snowreg import errors
from snowreg.grammar.text import quote_ident, resolve_client_ident
from snowreg.repl_objects import Objects

_NAME_PART = re.compile(r'"(?:[^"]|"")*"|[^."]+')
_MODEL = "SQL compilation error:\nModel '"
_VERSION = "SQL compilation error:\nModel version '"
_TABLE = "SQL compilation error:\nObject '"
_CONTAINERS = ("SQL compilation error:\nDatabase '", "SQL compilation error:\nSchema '")
_LISTED = 12  # at most this many names in a "Versions of …" line


def with_hint(conn: Any, error: errors.Error) -> errors.Error:
    """`error`, its `hint` filled in when a missing model or version has a visible look-alike, or when a
    database is missing from a fresh in-memory registry (`snowreg run` / `check` / `repl` without --db)."""
    if error.hint is None and error.errno == 2003 and error.object_name and hasattr(conn, "session"):
        try:
            objects = Objects(conn)
            error.hint = _object_hint(objects, error.msg, error.object_name) or _empty_hint(conn, objects, error)
        except Exception:  # a hint is a courtesy: never let it replace the error being reported
            error.hint = None
    return error


def _empty_hint(conn: Any, objects: Objects, error: errors.Error) -> str | None:
    if not error.msg.startswith(_CONTAINERS) or getattr(conn._catalog.store, "path", True) is not None:  # noqa: SLF001
        return None
    database = resolve_client_ident(_NAME_PART.findall(error.object_name or "")[0])
    if database in objects.databases():
        return None
    shown = quote_ident(database)
    return (f"No database {shown} in this fresh in-memory registry (no --db given): create it in the script, or "
            "pass --db DIR of a registry that has it (`snowreg demo --db DIR` makes one holding ML.DEV).")


def _object_hint(objects: Objects, msg: str, fqn: str) -> str | None:
    parts = [resolve_client_ident(p) for p in _NAME_PART.findall(fqn)]
    if msg.startswith(_VERSION) and len(parts) == 4:
        known = [name for name, kind in objects.versions([quote_ident(p) for p in parts[:3]]) if kind != "system alias"]
        if not known:
            return None
        close = _closest(parts[3], known)
        if close is not None:
            return f"Did you mean {quote_ident(close)}?"
        shown = ", ".join(quote_ident(n) for n in known[:_LISTED]) + (", …" if len(known) > _LISTED else "")
        return f"Versions and aliases of {'.'.join(quote_ident(p) for p in parts[:3])}: {shown}."
    if msg.startswith((_MODEL, _TABLE)) and len(parts) == 3 and parts[1] in objects.schemas(parts[0]):
        read = objects.models if msg.startswith(_MODEL) else objects.tables
        close = _closest(parts[2], read(parts[0], parts[1]))
        return f"Did you mean {quote_ident(close)}?" if close else None
    return None


def _closest(name: str, known: list[str]) -> str | None:
    by_upper = {k.upper(): k for k in known}
    close = difflib.get_close_matches(name.upper(), list(by_upper), n=1, cutoff=0.6)
    return by_upper[close[0]] if close else None
