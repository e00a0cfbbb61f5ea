"""Dynamic tables: CREATE [OR REPLACE] / ALTER / DROP DYNAMIC TABLE (SHOW DYNAMIC TABLES: engine/show_derived.py).

https://docs.snowflake.com/en/sql-reference/sql/create-dynamic-table, …/alter-dynamic-table. DuckDB holds a dynamic
table as a table with the rows of its last refresh; the registry keeps its query and settings. Nothing refreshes
on its own offline: INITIALIZE = ON_CREATE (the default) fills it when it is created, ALTER DYNAMIC TABLE … REFRESH
recomputes it, and a query in between reads the last refresh, as a query on Snowflake can within the target lag.
Only a refresh writes it: DML is refused (engine.access.privileges.check_tables). conformance/DECISIONS.md Q22-Q26.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from snowreg import error_catalog, errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.relations import list_columns
from snowreg.catalog.store import now
from snowreg.catalog.tables import Clustering
from snowreg.engine import procedures, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import clustering
from snowreg.engine.sql import run as query
from snowreg.grammar.text import quote_ident, top_level_as

_HEAD = re.compile(rf"\s*CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?P<transient>TRANSIENT\s+)?DYNAMIC\s+TABLE\s+"
                   rf"(?P<if_not>IF\s+NOT\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s*"
                   r"(?P<cols>\((?:[^()']|'(?:[^'\\]|\\.|'')*'|\([^()]*\))*\))?", re.I | re.S)
_CLUSTER = re.compile(r"\s*CLUSTER\s+BY\s*(?P<key>\((?:[^()]|\([^()]*\))*\))", re.I | re.S)
_PROPERTY = re.compile(r"\s*(?P<key>[A-Z_][A-Z0-9_]*)\s*=\s*(?P<value>'(?:[^'\\]|\\.|'')*'|[^\s,]+)", re.I | re.S)
_LAG = re.compile(r"\s*(?P<n>[0-9]+)\s*(?P<unit>seconds?|minutes?|hours?|days?)\s*", re.I)
_SECONDS = {"S": 1, "M": 60, "H": 3600, "D": 86400}
_ALTER = re.compile(rf"\s*ALTER\s+DYNAMIC\s+TABLE\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
                    rf"(?P<action>SUSPEND|RESUME|REFRESH|SET|UNSET|RENAME\s+TO)\b(?P<rest>.*?)\s*;?\s*", re.I | re.S)
_DROP = re.compile(rf"\s*DROP\s+DYNAMIC\s+TABLE\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s*;?\s*",
                   re.I | re.S)


Runner = Callable[[str], Result]  # runs one statement of any kind (model calls included)


def run(session: Session, verb: str, text: str, statement: Runner | None = None) -> Result:
    """`statement` runs the statements that fill the table from a query that calls a model (plain SQL alone
    cannot); without it, or for other queries, they run as plain SQL."""
    if verb == "CREATE DYNAMIC TABLE":
        return create(session, text, statement)
    if verb == "DROP DYNAMIC TABLE":
        return drop(session, text)
    return alter(session, text, statement)


def _runner(session: Session, body: str, statement: Runner | None) -> Runner:
    return statement if statement is not None and "!" in body else lambda sql: query.run_sql(session, sql)


def _literal(value: str) -> str:
    return value[1:-1].replace("''", "'").replace("\\'", "'") if value.startswith("'") else value


def check_lag(value: str) -> str:
    """TARGET_LAG = '<n> { seconds | minutes | hours | days }' (at least 60 seconds) | DOWNSTREAM."""
    if value.upper() == "DOWNSTREAM":
        return "DOWNSTREAM"
    m = _LAG.fullmatch(value)
    if m is None or int(m.group("n")) * _SECONDS[m.group("unit")[0].upper()] < 60:
        raise error_catalog.invalid_target_lag(value)
    return " ".join(value.split())


def _settings(header: str) -> tuple[dict[str, Any], str | None]:
    """The `KEY = value` settings and CLUSTER BY of a CREATE DYNAMIC TABLE header."""
    spec: dict[str, Any] = {"refresh_mode": "AUTO", "initialize": "ON_CREATE", "comment": None}
    key_text = None
    lags: set[str] = set()
    pos = 0
    while header[pos:].strip():
        cluster = _CLUSTER.match(header, pos)
        if cluster is not None:
            key_text = cluster.group("key")
            pos = cluster.end()
            continue
        m = _PROPERTY.match(header, pos)
        if m is None:
            raise errors.syntax_error_detail(f"unexpected '{header[pos:].split()[0]}' in CREATE DYNAMIC TABLE")
        key = m.group("key").upper()
        if key in ("LAG", "TARGET_LAG"):  # LAG: what Snowpark's create_or_replace_dynamic_table writes (K66)
            lags.add(key)
            if len(lags) > 1:
                raise errors.invalid_property_combination("LAG", "TARGET_LAG")
            key = "TARGET_LAG"
        _set(spec, key, m.group("value"))
        pos = m.end()
    for required in ("target_lag", "warehouse"):
        if required not in spec:
            raise errors.compilation_error(f"Missing option(s): [{required.upper()}].")
    return spec, key_text


def _set(spec: dict[str, Any], key: str, value: str) -> None:
    text = _literal(value)
    if key == "TARGET_LAG":
        spec["target_lag"] = check_lag(text)
    elif key == "WAREHOUSE":
        spec["warehouse"] = qualified_name(value).name
    elif key == "REFRESH_MODE" and text.upper() in ("AUTO", "FULL", "INCREMENTAL"):
        spec["refresh_mode"] = text.upper()
    elif key == "INITIALIZE" and text.upper() in ("ON_CREATE", "ON_SCHEDULE"):
        spec["initialize"] = text.upper()
    elif key == "COMMENT":
        spec["comment"] = text
    elif key in ("REFRESH_MODE", "INITIALIZE"):
        raise errors.invalid_parameter_value(key, text)
    else:
        raise errors.not_supported(f"CREATE | ALTER DYNAMIC TABLE with {key}")


def create(session: Session, text: str, statement: Runner | None = None) -> Result:
    head = _HEAD.match(text)
    if head is None:
        raise errors.syntax_error_detail("CREATE [OR REPLACE] DYNAMIC TABLE <name> TARGET_LAG = … WAREHOUSE = … AS <query>")
    if head.group("replace") and head.group("if_not"):
        raise errors.invalid_property_combination()
    at = top_level_as(text, head.end())
    if at is None:
        raise errors.syntax_error_detail("CREATE DYNAMIC TABLE needs AS <query>")
    spec, key_text = _settings(text[head.end():at])
    body = text[at + 2:].strip().rstrip(";").strip()
    database, schema, name = session.qualify(qualified_name(head.group("name")))
    privileges.check_create_in_schema(session, database, schema, "DYNAMIC TABLE")
    if head.group("if_not") and session.catalog.databases.relation_kind(database, schema, name) is not None:
        return status(f"{name} already exists, statement succeeded.")
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    filled = body if spec["initialize"] == "ON_CREATE" else f"SELECT * FROM ({body}) LIMIT 0"
    sql = (f"CREATE {'OR REPLACE ' if head.group('replace') else ''}{'TRANSIENT ' if head.group('transient') else ''}"
           f"TABLE {fqn} {head.group('cols') or ''} "
           f"{'COMMENT = ' + quote_literal(spec['comment']) + ' ' if spec['comment'] else ''}AS {filled}")
    with privileges.building("DYNAMIC TABLE"):
        _runner(session, body, statement)(sql)
    spec.update(query=body, text=text.strip().rstrip(";").rstrip(), context=[session.database, session.schema],
                scheduling_state="ACTIVE", refreshed_on=now().isoformat() if spec["initialize"] == "ON_CREATE" else None)
    del spec["comment"]  # the table's own comment
    tables = session.catalog.tables
    tables.set_dynamic(database, schema, name, spec)
    if key_text is not None:
        key = _key(key_text)
        clustering.check_columns(key, (c.name for c in list_columns(session.catalog.store, database, schema, name)))
        tables.set_clustering(database, schema, name, Clustering(clustering.key_text(key)))
    return status(f"Dynamic table {name} successfully created.")


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _key(text: str) -> list[Any]:
    import sqlglot
    from sqlglot import exp

    parsed = sqlglot.parse_one(f"CREATE TABLE t (c INT) CLUSTER BY {text}", read="snowflake")
    key = clustering.take_key(parsed) if isinstance(parsed, exp.Create) else None
    if not key:
        raise errors.syntax_error_detail(f"invalid clustering key {text}")
    return key


def _dynamic(session: Session, name: str, needs: tuple[str, ...], optional: bool
             ) -> tuple[tuple[str, str, str], dict[str, Any]] | None:
    """The dynamic table a statement names: missing or unseen → 002003 (None with IF EXISTS); another kind of
    table → wrong type; seen without one of `needs` (OWNERSHIP is enough for any) → 003001."""
    key = session.qualify(qualified_name(name))
    catalog = session.catalog
    a = privileges.access(session)
    kind = catalog.databases.relation_kind(*key)
    owner = catalog.grants.owner_of(ObjectKey("TABLE", *key)) if kind else None
    held = a.held(("TABLE", *key), owner) if kind and a.schema_usable(key[0], key[1]) else frozenset()
    if kind is None or not (held or a.manage_grants) or privileges.others_temporary(session, *key):
        if optional:
            return None
        raise errors.does_not_exist("Dynamic table", ".".join(quote_ident(p) for p in key))
    spec = catalog.tables.dynamic(*key)
    if spec is None:
        raise error_catalog.wrong_object_type(kind, "DYNAMIC_TABLE")
    if "OWNERSHIP" not in held and not any(n in held for n in needs):
        raise errors.insufficient_privileges("dynamic table", key[2])
    return key, spec


def alter(session: Session, text: str, statement: Runner | None = None) -> Result:
    """ALTER DYNAMIC TABLE … SUSPEND | RESUME | REFRESH (OWNERSHIP or OPERATE) | SET | UNSET | RENAME TO (OWNERSHIP)."""
    m = _ALTER.fullmatch(text)
    if m is None:
        raise errors.not_supported("This form of ALTER DYNAMIC TABLE")
    action = " ".join(m.group("action").upper().split())
    rest = m.group("rest").strip()
    operate = action in ("SUSPEND", "RESUME", "REFRESH")
    if operate and rest:
        raise errors.syntax_error_detail(f"unexpected '{rest.split()[0]}'")
    found = _dynamic(session, m.group("name"), ("OPERATE",) if operate else (), m.group("if_exists") is not None)
    if found is None:
        return status("Statement executed successfully.")
    key, spec = found
    fqn = ".".join(quote_ident(p) for p in key)
    tables = session.catalog.tables
    if action == "REFRESH":
        refresh(session, key, spec, statement)
        return status("Statement executed successfully.")
    if action == "RENAME TO":
        query.run_sql(session, f"ALTER TABLE {fqn} RENAME TO {rest}")
        return status("Statement executed successfully.")
    if action in ("SUSPEND", "RESUME"):
        spec["scheduling_state"] = "SUSPENDED" if action == "SUSPEND" else "ACTIVE"
        if action == "SUSPEND":
            spec["last_suspended_on"] = now().isoformat()
    elif action == "SET":
        pos = 0
        while rest[pos:].strip():
            p = _PROPERTY.match(rest, pos)
            if p is None or p.group("key").upper() not in ("TARGET_LAG", "WAREHOUSE", "COMMENT"):
                raise errors.not_supported(f"ALTER DYNAMIC TABLE … SET {rest[pos:].strip()}")
            if p.group("key").upper() == "COMMENT":
                query.run_sql(session, f"COMMENT ON TABLE {fqn} IS {p.group('value')}")
            else:
                _set(spec, p.group("key").upper(), p.group("value"))
            pos = p.end()
    elif rest.upper() == "COMMENT":  # UNSET
        query.run_sql(session, f"ALTER TABLE {fqn} UNSET COMMENT")
    else:
        raise errors.not_supported(f"ALTER DYNAMIC TABLE … UNSET {rest}")
    transaction.before_plain(session, "ddl")
    tables.set_dynamic(*key, spec)
    return status("Statement executed successfully.")


def refresh(session: Session, key: tuple[str, str, str], spec: dict[str, Any], statement: Runner | None = None) -> None:
    """Recompute the table from its query, with its owner's privileges, its names read where it was created."""
    owner = session.catalog.grants.owner_of(ObjectKey("TABLE", *key)) or session.role
    fqn = ".".join(quote_ident(p) for p in key)
    database, schema = spec.get("context") or list(key[:2])
    with procedures.as_owner(session, owner, database, schema), privileges.building("DYNAMIC TABLE"):
        _runner(session, spec["query"], statement)(f"INSERT OVERWRITE INTO {fqn} {spec['query']}")
    spec["refreshed_on"] = now().isoformat()
    session.catalog.tables.set_dynamic(*key, spec)


def drop(session: Session, text: str) -> Result:
    m = _DROP.fullmatch(text)
    if m is None:
        raise errors.syntax_error_detail("DROP DYNAMIC TABLE [IF EXISTS] <name>")
    found = _dynamic(session, m.group("name"), (), m.group("if_exists") is not None)
    if found is None:
        return status(f"Drop statement executed successfully ({qualified_name(m.group('name')).name} already dropped).")
    key, _ = found
    query.run_sql(session, "DROP TABLE " + ".".join(quote_ident(p) for p in key))
    return status(f"{key[2]} successfully dropped.")
