"""ALTER DATABASE / ALTER SCHEMA: SET / UNSET COMMENT and DATA_RETENTION_TIME_IN_DAYS, and a schema's
ENABLE / DISABLE MANAGED ACCESS (https://docs.snowflake.com/en/sql-reference/sql/alter-database,
https://docs.snowflake.com/en/sql-reference/sql/alter-schema; conformance/DECISIONS.md S62). The other forms
(RENAME TO, SWAP WITH, SET TAG, the other properties) are refused as not supported, by name."""

from __future__ import annotations

import re

from snowreg import errors
from snowreg.engine import retention, transaction
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session

_ALTER = re.compile(rf"\s*ALTER\s+(?P<kind>SCHEMA|DATABASE)\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})"
                    r"\s+(?P<rest>.*?)\s*;?\s*", re.I | re.S)
_MANAGED = re.compile(r"(?P<switch>ENABLE|DISABLE)\s+MANAGED\s+ACCESS", re.I)
_SET = re.compile(r"SET\s+(?P<pairs>.+)", re.I | re.S)
_UNSET = re.compile(r"UNSET\s+(?P<names>[A-Z_]+(?:\s*,\s*[A-Z_]+)*)", re.I)
_PAIR = re.compile(r"\s*,?\s*(?P<key>[A-Z_]+)\s*=\s*(?P<value>'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$|[^\s,']+)", re.I | re.S)
_KEPT = (retention.PARAMETER, "COMMENT")


def alter(session: Session, sql: str) -> Result:
    m = _ALTER.fullmatch(sql)
    if m is None:
        raise errors.not_supported("This form of ALTER DATABASE / SCHEMA")
    kind, rest = m.group("kind").upper(), m.group("rest")
    settings = _settings(kind, rest, m.start("rest"))
    place = retention.owned_object(session, kind, qualified_name(m.group("name")), m.group("if_exists") is not None,
                                   owner_or_manage_grants=isinstance(settings, bool))
    if place is None:
        return status()
    database, schema = place[0], (place[1] if kind == "SCHEMA" else None)
    transaction.before_plain(session, "ddl")
    if isinstance(settings, bool):
        assert schema is not None
        session.catalog.databases.set_managed_access(database, schema, settings)
        return status()
    if retention.PARAMETER in settings:
        days = settings[retention.PARAMETER]
        session.catalog.retention.set_container(database, schema, days if isinstance(days, int) else None)
    if "COMMENT" in settings:
        comment = settings["COMMENT"]
        session.catalog.databases.set_comment(database, schema, comment if isinstance(comment, str) else None)
    return status()


def _settings(kind: str, rest: str, offset: int) -> dict[str, int | str | None] | bool:
    """What the statement changes: {property: new value (None: unset)}, or True / False for ENABLE / DISABLE
    MANAGED ACCESS. Checked before anything is looked up or changed (`offset`: where `rest` starts)."""
    if (managed := _MANAGED.fullmatch(rest)) is not None:
        if kind != "SCHEMA":  # not in ALTER DATABASE's syntax
            raise errors.syntax_error(1, offset, managed.group("switch"))
        return managed.group("switch").upper() == "ENABLE"
    values: dict[str, int | str | None] = {}
    if (unset := _UNSET.fullmatch(rest)) is not None:
        for name in (n.strip().upper() for n in unset.group("names").split(",")):
            values[_known(kind, name, "UNSET")] = None
        return values
    if (set_ := _SET.fullmatch(rest)) is None or set_.group("pairs").upper().startswith("TAG "):
        words = " ".join(rest.split()[:2]).upper()
        raise errors.not_supported(f"ALTER {kind} … {words}")
    pairs, at, start = set_.group("pairs"), 0, offset + set_.start("pairs")
    while at < len(pairs):
        pair = _PAIR.match(pairs, at)
        if pair is None or pair.end() == at:
            raise errors.syntax_error(1, start + at, pairs[at:].split()[0])
        key, value = _known(kind, pair.group("key").upper(), "SET"), pair.group("value")
        if key == retention.PARAMETER:
            values[key] = retention.check_days(value)
        elif not value.startswith(("'", "$$")):
            raise errors.syntax_error(1, start + pair.start("value"), value)
        else:
            values[key] = _text(value)
        at = pair.end()
        while at < len(pairs) and pairs[at].isspace():
            at += 1
    return values


def _known(kind: str, name: str, verb: str) -> str:
    if name not in _KEPT:
        raise errors.not_supported(f"ALTER {kind} … {verb} {name}")
    return name


def _text(value: str) -> str:
    """A string constant's text ('…' with '' and backslash escapes, or $$…$$)."""
    if value.startswith("$$"):
        return value[2:-2]
    return re.sub(r"''|\\(.)", lambda m: "'" if m.group(0) == "''" else m.group(1), value[1:-1])
