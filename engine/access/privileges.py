"""Privilege checks: which privilege each action needs on which object, and one check per object kind.

Every handler asks here; nothing else in the engine decides access. A role that holds no privilege on a
model is told the model does not exist (002003); a role that sees it but lacks the needed privilege gets
003001. What the session's roles hold is resolved once per (user, role, secondary roles, access
generation of the catalog) into an `Access` snapshot, so a check is a few dictionary lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, Literal

from snowreg import error_catalog, errors
from snowreg.catalog import ModelRow, StageRow, TagRow
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.names import physical, snowflake
from snowreg.catalog.relations import list_relations
from snowreg.engine.access import write_targets
from snowreg.engine.access.temporary import others_temporary
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar.text import quote_ident

ACCOUNT_NAME = "SNOWREG"

# What an action on a model needs: any one of the listed privileges.
ModelAction = Literal["see", "show", "usage", "read", "own", "tag"]
MODEL_ACTION_PRIVILEGES: dict[str, frozenset[str]] = {
    "see": frozenset({"OWNERSHIP", "USAGE", "READ"}),
    # SHOW VERSIONS / FUNCTIONS IN MODEL: any privilege, or MANAGE GRANTS, which "implicitly allows its
    # holder to see every object" (https://docs.snowflake.com/en/sql-reference/sql/show-versions-in-model).
    "show": frozenset({"OWNERSHIP", "USAGE", "READ"}),
    "usage": frozenset({"OWNERSHIP", "USAGE", "READ"}),
    "read": frozenset({"OWNERSHIP", "READ"}),
    "own": frozenset({"OWNERSHIP"}),
    # SET / UNSET TAG: OWNERSHIP (with APPLY on the tag), or the account's APPLY TAG (check_model).
    "tag": frozenset({"OWNERSHIP"}),
}
# https://docs.snowflake.com/en/user-guide/object-tagging/work: "a role with the APPLY TAG privilege on
# the account, or the APPLY TAG privilege on the tag and the OWNERSHIP privilege on the object".
GLOBAL_APPLY_TAG = "APPLY TAG"

StageAction = Literal["read", "write", "own"]
STAGE_ACTION_PRIVILEGES: dict[str, frozenset[str]] = {
    "read": frozenset({"OWNERSHIP", "READ", "WRITE", "USAGE"}),
    "write": frozenset({"OWNERSHIP", "WRITE"}),
    "own": frozenset({"OWNERSHIP"}),
}

# Plain SQL: the privilege a statement kind needs on the table it writes (reads need SELECT).
TABLE_WRITE_PRIVILEGES: dict[str, frozenset[str]] = {
    "insert": frozenset({"INSERT"}), "update": frozenset({"UPDATE"}), "delete": frozenset({"DELETE"}),
    "merge": frozenset({"INSERT", "UPDATE", "DELETE"}), "truncate": frozenset({"TRUNCATE"}),
}
# Account privileges that create objects: only the primary role's hierarchy counts for them.
CREATE_ACCOUNT_PRIVILEGES = frozenset({"CREATE DATABASE", "CREATE ROLE", "CREATE USER", "CREATE WAREHOUSE"})
USABLE = frozenset({"USAGE", "OWNERSHIP"})

Index = tuple[Any, ...]


def index_of(key: ObjectKey) -> Index:
    """The lookup key of an object in an Access snapshot (tables and views share one namespace)."""
    if key.kind in ("MODEL", "STAGE"):
        return (key.kind, key.id)
    if key.kind in ("TABLE", "VIEW", "TAG", "FUNCTION", "PROCEDURE", "SEQUENCE", "TASK", "STREAM"):
        return ("TABLE" if key.kind == "VIEW" else key.kind, key.database, key.schema, key.name)
    if key.kind == "SCHEMA":
        return ("SCHEMA", key.database, key.schema)
    if key.kind == "DATABASE":
        return ("DATABASE", key.database)
    if key.kind == "ACCOUNT":
        return ("ACCOUNT",)
    return (key.kind, key.name)


@dataclass(frozen=True, slots=True)
class Access:
    """What the active roles of a session hold, resolved once."""

    primary: str
    roles: frozenset[str]  # primary role's hierarchy, plus secondary roles' when USE SECONDARY ROLES ALL
    create_roles: frozenset[str]  # the primary role's hierarchy: CREATE privileges come only from it
    privs: Mapping[Index, frozenset[str]]
    create_privs: Mapping[Index, frozenset[str]]
    grantable: Mapping[Index, Mapping[str, str]]  # privilege → a role holding it WITH GRANT OPTION
    manage_grants: bool

    def held(self, index: Index, owner: str | None = None) -> frozenset[str]:
        found = self.privs.get(index, frozenset())
        return found | {"OWNERSHIP"} if owner is not None and owner in self.roles else found

    def database_usable(self, database: str) -> bool:
        return bool(self.privs.get(("DATABASE", database), frozenset()) & USABLE)

    def schema_usable(self, database: str, schema: str) -> bool:
        return self.database_usable(database) and bool(self.privs.get(("SCHEMA", database, schema),
                                                                      frozenset()) & USABLE)

    def sees_database(self, database: str) -> bool:
        return self.manage_grants or ("DATABASE", database) in self.privs

    def sees_schema(self, database: str, schema: str) -> bool:
        return self.manage_grants or (("DATABASE", database) in self.privs and ("SCHEMA", database, schema)
                                      in self.privs)


def access(session: Session) -> Access:
    """The session's Access snapshot, cached per catalog until grants, roles or owners change."""
    catalog = session.catalog
    cache = catalog.store.access_cache
    if cache.get("generation") != catalog.store.access_generation:
        cache.clear()
        cache["generation"] = catalog.store.access_generation
    key = (session.user, session.role, session.secondary_roles)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _build(session.catalog, session.user, session.role, session.secondary_roles)
    return found  # type: ignore[no-any-return]


def role_access(session: Session, role: str) -> Access:
    """What one role (with the roles granted to it) holds: an owner's rights, as a function body runs with."""
    access(session)  # brings the cache to the current generation
    cache = session.catalog.store.access_cache
    key = ("ROLE", role)
    found = cache.get(key)
    if found is None:
        found = cache[key] = _build(session.catalog, "", role, None)
    return found  # type: ignore[no-any-return]


def _build(catalog: Any, user: str, role: str, secondary: Any) -> Access:
    graph = catalog.grants.role_graph()
    primary = graph.closure(role)
    roles = primary | graph.user_closure(user) if secondary == "ALL" else primary
    privs: dict[Index, set[str]] = {}
    create_privs: dict[Index, set[str]] = {}
    grantable: dict[Index, dict[str, str]] = {}
    for g in catalog.grants.grants_to(roles):
        index = index_of(g.key)
        privs.setdefault(index, set()).add(g.privilege)
        if g.grantee in primary:
            create_privs.setdefault(index, set()).add(g.privilege)
        if g.grant_option:
            grantable.setdefault(index, {}).setdefault(g.privilege, g.grantee)
    for key, owner in catalog.grants.owned_by(roles):
        privs.setdefault(index_of(key), set()).add("OWNERSHIP")
        if owner in primary:
            create_privs.setdefault(index_of(key), set()).add("OWNERSHIP")
    return Access(
        primary=role, roles=roles, create_roles=primary,
        privs={k: frozenset(v) for k, v in privs.items()},
        create_privs={k: frozenset(v) for k, v in create_privs.items()},
        grantable=grantable, manage_grants="MANAGE GRANTS" in privs.get(("ACCOUNT",), set()),
    )


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


def model_privileges(session: Session, model: ModelRow) -> frozenset[str]:
    """The privileges the session's roles may use on a model (none unless its database and schema are usable)."""
    a = access(session)
    if not a.schema_usable(model.database_name, model.schema_name):
        return frozenset()
    return a.held(("MODEL", model.id), model.owner)


def check_model(session: Session, model: ModelRow, action: ModelAction) -> None:
    """Raise 002003 when the model is invisible to the session, 003001 when the privilege is missing."""
    held = model_privileges(session, model)
    if held & MODEL_ACTION_PRIVILEGES[action]:
        return
    a = access(session)
    if action == "show" and a.manage_grants:
        return
    if action == "tag" and (held or a.manage_grants) and GLOBAL_APPLY_TAG in a.privs.get(("ACCOUNT",), frozenset()):
        return
    if held or a.manage_grants:
        raise errors.insufficient_privileges("model", model.name)
    raise errors.does_not_exist("Model", model_fqn(model))


def can_see_model(session: Session, model: ModelRow) -> bool:
    """SHOW MODELS lists a model when the roles hold any privilege on it (MANAGE GRANTS sees everything)."""
    return bool(model_privileges(session, model)) or access(session).manage_grants


def visible_model_ids(session: Session) -> list[int] | None:
    """Ids of the models the session may see, for the INFORMATION_SCHEMA macros (None: all)."""
    a = access(session)  # the same snapshot until grants, roles, owners or containers change
    catalog = session.catalog
    key = ("visible", session.user, session.role, session.secondary_roles)
    # what else the answer depends on: the models and where they are (a cached read: a registry write
    # that changes neither, such as SET COMMENT, keeps the answer)
    owners = tuple((m.id, m.database_name, m.schema_name, m.owner or "") for m in catalog.models.list_models())
    found = catalog.store.access_cache.get(key)
    if found is None or found[0] != owners:
        found = catalog.store.access_cache[key] = (owners, [
            model_id for model_id, db, schema, owner in owners
            if a.schema_usable(db, schema) and a.held(("MODEL", model_id), owner)
        ])
    return list(found[1])


# ---------------------------------------------------------------------------------------------
# Databases, schemas, account
# ---------------------------------------------------------------------------------------------


def _schema_name(database: str, schema: str) -> str:
    return f"{quote_ident(database)}.{quote_ident(schema)}"


def can_see_table(session: Session, database: str, schema: str, name: str, owner: str | None) -> bool:
    """SHOW TABLES and INFORMATION_SCHEMA list a table or view when the roles hold a privilege on it."""
    if others_temporary(session, database, schema, name):
        return False
    a = access(session)
    if a.manage_grants:
        return True
    return a.schema_usable(database, schema) and bool(a.held(("TABLE", database, schema, name), owner))


def visible_containers(session: Session) -> dict[str, list[str] | None]:
    """The INFORMATION_SCHEMA macros' filters: keys of the tables, schemas and databases the roles see.

    A table key is `db<RS>schema<RS>name` (RS = chr(30)); None means everything (MANAGE GRANTS).
    """
    a = access(session)
    sep = chr(30)
    if a.manage_grants:
        hidden = {k for k in session.catalog.temporary_owners if others_temporary(session, *k)}
        tables = [sep.join(k) for r in list_relations(session.catalog.store)
                  if (k := (r.database_name, r.schema_name, r.name)) not in hidden] if hidden else None
        return {"snowreg_visible_tables": tables, "snowreg_visible_schemas": None, "snowreg_visible_databases": None}
    tables = [sep.join(k[1:]) for k in a.privs if k[0] == "TABLE" and a.schema_usable(k[1], k[2])
              and not others_temporary(session, k[1], k[2], k[3])]
    schemas = [f"{k[1]}{sep}{k[2]}" for k in a.privs if k[0] == "SCHEMA" and a.sees_schema(k[1], k[2])]
    databases = [k[1] for k in a.privs if k[0] == "DATABASE"]
    return {"snowreg_visible_tables": tables, "snowreg_visible_schemas": schemas,
            "snowreg_visible_databases": databases}


def check_create_in_schema(session: Session, database: str, schema: str, kind: str) -> None:
    """Creating an object of `kind` (MODEL, STAGE, TAG, TABLE) needs CREATE <kind> on the schema."""
    a = access(session)
    if not a.schema_usable(database, schema):
        if a.sees_schema(database, schema):
            raise errors.insufficient_privileges("schema", schema)
        raise errors.does_not_exist("Schema", _schema_name(database, schema))
    held = a.create_privs.get(("SCHEMA", database, schema), frozenset())
    if "OWNERSHIP" not in held and f"CREATE {kind}" not in held:
        raise errors.insufficient_privileges("schema", schema)


def check_create_before_telling(session: Session, database: str, schema: str | None, kind: str, seen: bool) -> None:
    """Before a CREATE says anything of an object already under its name (already exists, IF NOT EXISTS'
    success, OR REPLACE's owner check): a role that cannot see that object gets the answer a free name
    gets, so the privilege to create (CREATE <kind> on the schema, or CREATE SCHEMA on the database when
    `schema` is None) is checked first (DECISIONS J23)."""
    if seen or access(session).manage_grants:
        return
    if schema is None:
        check_create_schema(session, database)
    else:
        check_create_in_schema(session, database, schema, kind)


def check_move_into_schema(session: Session, owner: str | None, database: str, schema: str) -> None:
    """Moving an object into a managed-access schema "is prohibited unless the object owner ... also owns the
    target schema" (https://docs.snowflake.com/en/sql-reference/sql/alter-model, RENAME TO)."""
    catalog = session.catalog
    if catalog.databases.schema_managed_access(database, schema) and \
            catalog.grants.owner_of(ObjectKey("SCHEMA", database, schema)) != owner:
        raise errors.insufficient_privileges("schema", schema)


def check_database_usage(session: Session, database: str) -> None:
    """Using objects in a database needs at least USAGE on it."""
    a = access(session)
    if not a.database_usable(database):
        if a.sees_database(database):
            raise errors.insufficient_privileges("database", database)
        raise errors.does_not_exist("Database", quote_ident(database))


def can_see_database(session: Session, database: str) -> bool:
    return access(session).sees_database(database)


def can_see_schema(session: Session, database: str, schema: str) -> bool:
    return access(session).sees_schema(database, schema)


def check_account(session: Session, privilege: str) -> None:
    """Account-level privileges: CREATE DATABASE, CREATE ROLE, CREATE USER, MANAGE GRANTS, ..."""
    a = access(session)
    held = a.create_privs if privilege in CREATE_ACCOUNT_PRIVILEGES else a.privs
    if privilege not in held.get(("ACCOUNT",), frozenset()):
        raise errors.insufficient_privileges("account", ACCOUNT_NAME)


# What an action on a warehouse needs: any one of the listed privileges (OWNERSHIP implies all).
WAREHOUSE_ACTION_PRIVILEGES: dict[str, frozenset[str]] = {
    "see": frozenset({"OWNERSHIP", "USAGE", "OPERATE", "MONITOR", "MODIFY"}),
    "use": frozenset({"OWNERSHIP", "USAGE"}),  # USE WAREHOUSE
    "operate": frozenset({"OWNERSHIP", "OPERATE"}),
    "modify": frozenset({"OWNERSHIP", "MODIFY"}),
    "own": frozenset({"OWNERSHIP"}),
}


def can_see_warehouse(session: Session, name: str, owner: str) -> bool:
    """SHOW WAREHOUSES lists a warehouse when the roles hold any privilege on it (MANAGE GRANTS sees all)."""
    a = access(session)
    return a.manage_grants or bool(a.held(("WAREHOUSE", name), owner) & WAREHOUSE_ACTION_PRIVILEGES["see"])


def check_warehouse(session: Session, name: str, owner: str, action: str) -> None:
    """ALTER (MODIFY / OPERATE) and DROP (OWNERSHIP) of a warehouse; an unseen one does not exist."""
    a = access(session)
    held = a.held(("WAREHOUSE", name), owner)
    if held & WAREHOUSE_ACTION_PRIVILEGES[action]:
        return
    if held or a.manage_grants:
        raise errors.insufficient_privileges("warehouse", name)
    raise errors.does_not_exist("Warehouse", quote_ident(name))


def check_database_owner(session: Session, database: str) -> None:
    """Replacing or dropping a database needs OWNERSHIP of it."""
    a = access(session)
    if "OWNERSHIP" not in a.privs.get(("DATABASE", database), frozenset()):
        if not a.sees_database(database):
            raise errors.does_not_exist("Database", quote_ident(database))
        raise errors.insufficient_privileges("database", database)


def check_schema_owner(session: Session, database: str, schema: str) -> None:
    """Replacing or dropping a schema needs OWNERSHIP of it."""
    a = access(session)
    if "OWNERSHIP" not in a.privs.get(("SCHEMA", database, schema), frozenset()):
        if not a.sees_schema(database, schema):
            raise errors.does_not_exist("Schema", _schema_name(database, schema))
        raise errors.insufficient_privileges("schema", schema)


def check_create_schema(session: Session, database: str) -> None:
    """CREATE SCHEMA needs CREATE SCHEMA (or OWNERSHIP) on the database, held by the primary role."""
    a = access(session)
    if not a.sees_database(database):
        raise errors.does_not_exist("Database", quote_ident(database))
    if not a.create_privs.get(("DATABASE", database), frozenset()) & {"CREATE SCHEMA", "OWNERSHIP"}:
        raise errors.insufficient_privileges("database", database)


# ---------------------------------------------------------------------------------------------
# Stages and tags
# ---------------------------------------------------------------------------------------------


def check_stage(session: Session, stage: StageRow, action: StageAction = "read") -> None:
    """Using a stage needs a privilege on it: READ (or WRITE/USAGE) to read, WRITE to write, OWNERSHIP to drop."""
    a = access(session)
    held = a.held(("STAGE", stage.id), stage.owner) if a.schema_usable(stage.database_name,
                                                                        stage.schema_name) else frozenset()
    if held & STAGE_ACTION_PRIVILEGES[action]:
        return
    if held or a.manage_grants:
        raise errors.insufficient_privileges("stage", stage.name)
    raise errors.does_not_exist("Stage", ".".join(quote_ident(p) for p in (stage.database_name,
                                                                            stage.schema_name, stage.name)))


def can_see_stage(session: Session, stage: StageRow) -> bool:
    """A stage the roles hold any privilege on (MANAGE GRANTS: every stage)."""
    a = access(session)
    return a.manage_grants or bool(a.held(("STAGE", stage.id), stage.owner) if a.schema_usable(
        stage.database_name, stage.schema_name) else frozenset())


def can_see_tag(session: Session, tag: TagRow) -> bool:
    """SHOW TAGS lists a tag the roles hold any privilege on (MANAGE GRANTS: every tag)."""
    a = access(session)
    return a.manage_grants or bool(a.held(("TAG", tag.database_name, tag.schema_name, tag.name), tag.owner))


def check_tag(session: Session, tag: TagRow, action: Literal["apply", "own"] = "apply") -> None:
    """Setting a tag needs APPLY on it (or the global APPLY TAG); dropping it needs OWNERSHIP."""
    a = access(session)
    held = a.held(("TAG", tag.database_name, tag.schema_name, tag.name), tag.owner)
    if "OWNERSHIP" in held:
        return
    if action == "apply" and ("APPLY" in held or GLOBAL_APPLY_TAG in a.privs.get(("ACCOUNT",), frozenset())):
        return
    # DROP / ALTER TAG of a tag the roles hold nothing on: it does not exist for them (as SHOW TAGS, SHOW GRANTS)
    if held or a.manage_grants or (action == "apply" and a.sees_schema(tag.database_name, tag.schema_name)):
        raise errors.insufficient_privileges("tag", tag.name)
    raise errors.does_not_exist("Tag", tag.fqn)


# ---------------------------------------------------------------------------------------------
# Tables read and written by plain SQL
# ---------------------------------------------------------------------------------------------


def check_tables(session: Session, tables: Iterable[Any], kind: str = "select") -> None:
    """Plain SQL reading or writing tables needs SELECT / INSERT / ... on them (translation gives the list).

    `tables` are the translator's `TableRef`s; `kind` is the statement kind (select, insert, drop, ...).
    """
    for ref in tables:
        if ref.schema == "INFORMATION_SCHEMA":
            continue  # filtered by role: Session.sync_duckdb_variables hands DuckDB the visible ids
        if ref.object_kind == "schema":
            _check_schema_ddl(session, ref, kind)
            continue
        if ref.object_kind == "sequence":
            _check_sequence(session, ref, kind)
            continue
        database = ref.database or session.database
        schema = ref.schema or session.schema
        if database is None or schema is None:
            continue  # DuckDB reports the missing current database or schema
        if not ref.write:
            if (database, schema, ref.name) in session.catalog.tables.suspended_materialized():
                raise error_catalog.materialized_view_suspended(ref.name)  # until ALTER … RESUME (engine.materialized)
            _check_table(session, database, schema, ref.name, frozenset({"SELECT"}))
        elif kind in ("create_table", "create_view"):
            _check_create_table(session, database, schema, ref.name, kind)
        else:
            if kind in TABLE_WRITE_PRIVILEGES and _BUILDING.get() != "DYNAMIC TABLE":
                write_targets.refuse_dynamic_table(session, database, schema, ref.name)
            _check_table(session, database, schema, ref.name, TABLE_WRITE_PRIVILEGES.get(kind, frozenset()))
            write_targets.refuse_view(session, database, schema, ref, kind)


def _check_table(session: Session, database: str, schema: str, name: str, needed: frozenset[str]) -> None:
    """Needed privilege held → fine; else look at the table: missing → DuckDB's error; hidden → 002003."""
    if others_temporary(session, database, schema, name):
        raise errors.does_not_exist("Object", ".".join(quote_ident(p) for p in (database, schema, name)), "42S02")
    a = access(session)
    index = ("TABLE", database, schema, name)
    usable = a.schema_usable(database, schema)
    held = a.privs.get(index, frozenset())
    if usable and ("OWNERSHIP" in held or (needed and needed <= held)):
        return
    catalog = session.catalog
    if catalog.databases.relation_kind(database, schema, name) is None:
        return  # not a table snowreg knows (missing, temporary, a CTE): DuckDB decides
    owner = catalog.grants.owner_of(ObjectKey("TABLE", database, schema, name))
    held = a.held(index, owner) if usable else frozenset()
    if "OWNERSHIP" in held or (needed and needed <= held):
        return
    if held or a.manage_grants:
        raise errors.insufficient_privileges("table", name)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    raise errors.does_not_exist("Object", fqn, "42S02")


def _check_sequence(session: Session, ref: Any, kind: str) -> None:
    """NEXTVAL (in a query or a column default) needs USAGE on the sequence; DROP and CREATE OR REPLACE need
    its OWNERSHIP, and CREATE SEQUENCE needs CREATE SEQUENCE on the schema
    (https://docs.snowflake.com/en/user-guide/security-access-control-privileges: sequence USAGE, OWNERSHIP).
    A role holding no privilege on it is told it does not exist (002003); one holding USAGE only gets
    003001 for what needs OWNERSHIP. A sequence that does not exist is left to DuckDB (or IF EXISTS)."""
    database, schema = ref.database or session.database, ref.schema or session.schema
    if database is None or schema is None:
        return
    if not ref.write and not sequence_exists(session, database, schema, ref.name):
        # NEXTVAL of a missing sequence: the text a hidden one gets, so neither tells which exists (J24)
        raise errors.does_not_exist("Sequence", ".".join(quote_ident(p) for p in (database, schema, ref.name)))
    if sequence_exists(session, database, schema, ref.name):
        held = sequence_privileges(session, database, schema, ref.name)
        if kind == "ddl":
            check_create_before_telling(session, database, schema, "SEQUENCE", bool(held))
        if not held & (frozenset({"OWNERSHIP"}) if ref.write else USABLE):
            if not held and not access(session).manage_grants:
                raise errors.does_not_exist("Sequence", ".".join(quote_ident(p) for p in (database, schema, ref.name)))
            raise errors.insufficient_privileges("sequence", ref.name)
    if kind == "ddl":
        check_create_in_schema(session, database, schema, "SEQUENCE")


def sequence_privileges(session: Session, database: str, schema: str, name: str) -> frozenset[str]:
    """What the session's roles hold on a sequence (nothing unless its database and schema are usable)."""
    a = access(session)
    if not a.schema_usable(database, schema):
        return frozenset()
    return a.held(("SEQUENCE", database, schema, name), session.catalog.grants.sequence_owner(database, schema, name))


def sequence_exists(session: Session, database: str, schema: str, name: str) -> bool:
    return bool(session.catalog.store.data_query(
        "SELECT 1 FROM duckdb_sequences() WHERE database_name = ? AND schema_name = ? AND sequence_name = ?",
        [database, schema, physical(name)]))


def can_use_sequence(session: Session, database: str, schema: str, name: str) -> bool:
    """Does the session hold a privilege on a sequence (SHOW SEQUENCES, INFORMATION_SCHEMA.SEQUENCES)?"""
    return bool(sequence_privileges(session, database, schema, name))


def visible_sequences(session: Session) -> dict[str, list[str]]:
    """INFORMATION_SCHEMA.SEQUENCES' filter: `db<RS>schema<RS>name` (DuckDB's name) of the sequences the
    session holds (RS = chr(30))."""
    found = session.catalog.store.data_query("SELECT database_name, schema_name, sequence_name FROM duckdb_sequences()")
    keys = [chr(30).join((db, schema, name)) for db, schema, name in found
            if can_use_sequence(session, db, schema, snowflake(name))]
    return {"snowreg_visible_sequences": keys}


def role_can_read(session: Session, role: str, database: str, schema: str, name: str) -> bool:
    """May `role` (an owner, for a function body) read the table or view? A relation that is gone is left
    to DuckDB to report."""
    a = role_access(session, role)
    if not a.schema_usable(database, schema):
        return False
    held = a.privs.get(("TABLE", database, schema, name), frozenset())
    if held & {"OWNERSHIP", "SELECT"}:
        return True
    catalog = session.catalog
    if catalog.databases.relation_kind(database, schema, name) is None:
        return True
    return catalog.grants.owner_of(ObjectKey("TABLE", database, schema, name)) in a.roles


_BUILDING = ContextVar("building", default="")  # the kind a CREATE TABLE / VIEW run for builds (its privilege)


@contextmanager
def building(kind: str) -> Iterator[None]:
    """Building a MATERIALIZED VIEW / DYNAMIC TABLE: CREATE <kind> on the schema; a refresh may write it."""
    token = _BUILDING.set(kind)
    try:
        yield
    finally:
        _BUILDING.reset(token)


def _check_create_table(session: Session, database: str, schema: str, name: str, kind: str) -> None:
    if others_temporary(session, database, schema, name):  # not to be replaced (DECISIONS.md J81, J76)
        raise errors.not_supported(f"Creating {quote_ident(name)} while it names a temporary table of another session")
    a = access(session)
    if "OWNERSHIP" in a.privs.get(("TABLE", database, schema, name), frozenset()) and a.schema_usable(database,
                                                                                                       schema):
        return
    if session.catalog.databases.relation_kind(database, schema, name) is not None:  # OR REPLACE: the owner replaces it
        owner = session.catalog.grants.owner_of(ObjectKey("TABLE", database, schema, name))
        seen = a.schema_usable(database, schema) and bool(a.held(("TABLE", database, schema, name), owner))
        check_create_before_telling(session, database, schema, _created_kind(kind), seen)
        _check_table(session, database, schema, name, frozenset())
    check_create_in_schema(session, database, schema, _created_kind(kind))


def _created_kind(kind: str) -> str:
    return _BUILDING.get() or ("VIEW" if kind == "create_view" else "TABLE")


def _check_schema_ddl(session: Session, ref: Any, kind: str) -> None:
    database = ref.database or session.current_database()
    if session.catalog.databases.get_schema(database, ref.schema) is None:
        check_create_schema(session, database)
    elif kind != "create_table":
        check_schema_owner(session, database, ref.schema)


def record_tables(session: Session, tables: Iterable[Any], kind: str, replaced: bool = False,
                  renamed_to: str | None = None) -> None:
    """After a statement ran: the creating primary role owns a new table or view; a dropped one loses its
    grants, and so does a replaced one (`replaced`: CREATE OR REPLACE without COPY GRANTS); a renamed one
    keeps them under its new name."""
    if kind in ("ddl", "drop"):
        _record_sequences(session, tables, kind)
    if kind not in ("create_table", "create_view", "drop", "alter"):
        return
    catalog = session.catalog
    for ref in tables:
        if not ref.write or ref.object_kind in ("schema", "sequence"):
            continue
        database, schema = ref.database or session.database, ref.schema or session.schema
        if database is None or schema is None:
            continue
        if kind == "alter":
            if renamed_to is not None:
                catalog.rename_table(database, schema, ref.name, renamed_to)
            continue
        if replaced:
            catalog.forget_table(database, schema, ref.name)
        relation = catalog.databases.relation_kind(database, schema, ref.name)
        if kind == "drop" and relation is None:
            catalog.forget_table(database, schema, ref.name)
        elif kind != "drop" and relation is not None:
            owned, granted = catalog.grants.table_grants(database, schema, ref.name)
            if not owned:
                record_owner(session, database, schema, ref.name, relation, clear=granted)


def _record_sequences(session: Session, tables: Iterable[Any], kind: str) -> None:
    """After CREATE [OR REPLACE] SEQUENCE the creating primary role owns it; a dropped one's grants go."""
    for ref in tables:
        database, schema = ref.database or session.database, ref.schema or session.schema
        if not ref.write or ref.object_kind != "sequence" or database is None or schema is None:
            continue
        if kind == "ddl":
            session.catalog.grants.record_sequence_owner(database, schema, ref.name, session.role)
        elif not sequence_exists(session, database, schema, ref.name):
            session.catalog.grants.forget_sequence(database, schema, ref.name)


def record_owner(session: Session, database: str, schema: str, name: str, kind: str, clear: bool = True) -> None:
    """A table or view the session just created: its primary role owns it, in the registry and in the
    cached Access snapshots (`clear=False`: no grant of an earlier object of that name is recorded)."""
    if session.catalog.grants.record_table_owner(database, schema, name, kind, session.role, clear):
        _owner_added(session, ("TABLE", database, schema, name), session.role)


def _owner_added(session: Session, index: Index, owner: str) -> None:
    """A new table's OWNERSHIP grant (WITH GRANT OPTION) was the only change to who may do what: the
    cached Access snapshots take it as `_build` would read it (the table had no grants before), instead
    of every snapshot being rebuilt from the registry."""
    catalog = session.catalog
    cache = catalog.store.access_cache
    if cache.get("generation") != catalog.store.access_generation:
        return  # rebuilt on next use anyway
    for key, found in list(cache.items()):
        if not isinstance(found, Access) or owner not in found.roles:
            continue
        create_privs = found.create_privs
        if owner in found.create_roles:
            create_privs = {**create_privs, index: create_privs.get(index, frozenset()) | {"OWNERSHIP"}}
        grantable = {**found.grantable, index: {"OWNERSHIP": owner, **found.grantable.get(index, {})}}
        cache[key] = replace(
            found, privs={**found.privs, index: found.privs.get(index, frozenset()) | {"OWNERSHIP"}},
            create_privs=create_privs, grantable=grantable)



