"""GRANT / REVOKE privileges and GRANT OWNERSHIP: which privileges exist, on what, and who may grant them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from snowreg import error_catalog, errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.relations import list_sequences
from snowreg.engine.access import privileges
from snowreg.engine.access.privileges import ACCOUNT_NAME, Access, index_of
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident

# The privileges each object kind accepts in GRANT / REVOKE (OWNERSHIP goes through GRANT OWNERSHIP).
# `ALL [PRIVILEGES]` means every privilege of the kind's list.
VALID_PRIVILEGES: dict[str, tuple[str, ...]] = {
    "ACCOUNT": ("CREATE DATABASE", "CREATE ROLE", "CREATE USER", "CREATE WAREHOUSE", "MANAGE GRANTS",
                "APPLY TAG", "EXECUTE TASK", "EXECUTE MANAGED TASK", "MONITOR USAGE"),
    "DATABASE": ("USAGE", "CREATE SCHEMA", "MONITOR", "MODIFY", "CREATE DATABASE ROLE"),
    "SCHEMA": ("USAGE", "CREATE MODEL", "CREATE TABLE", "CREATE VIEW", "CREATE STAGE", "CREATE TAG",
               "CREATE FUNCTION", "CREATE PROCEDURE", "CREATE SEQUENCE", "CREATE FILE FORMAT", "CREATE STREAM", "MODIFY", "MONITOR",
               "CREATE MATERIALIZED VIEW", "CREATE TASK", "CREATE DYNAMIC TABLE"),
    "MODEL": ("USAGE", "READ"),
    "TABLE": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES"),
    "VIEW": ("SELECT", "REFERENCES"),
    "STAGE": ("USAGE", "READ", "WRITE"),
    "TAG": ("APPLY", "READ"),
    "WAREHOUSE": ("USAGE", "OPERATE", "MONITOR", "MODIFY"),
    # https://docs.snowflake.com/en/user-guide/security-access-control-privileges (functions: USAGE, OWNERSHIP)
    "FUNCTION": ("USAGE",),
    "PROCEDURE": ("USAGE",),
    "SEQUENCE": ("USAGE",),  # the same page: sequence USAGE, OWNERSHIP
    "TASK": ("MONITOR", "OPERATE"),  # the same page: task MONITOR, OPERATE, OWNERSHIP (engine.tasks)
    "DYNAMIC TABLE": ("SELECT", "MONITOR", "OPERATE"),  # the same page (engine.dynamic)
    "STREAM": ("SELECT",),  # the same page: stream SELECT, OWNERSHIP
}
ALIASES = {"MATERIALIZED VIEW": "VIEW", "DYNAMIC TABLE": "TABLE"}  # a materialized view's grants are a view's (engine.materialized)
FUTURE_KINDS = ("MODEL", "TABLE", "VIEW", "STAGE", "SEQUENCE", "STREAM")
SCHEMA_OBJECTS = ("MODEL", "TABLE", "VIEW", "STAGE", "TAG", "SEQUENCE", "STREAM")
PLURALS = {"MODELS": "MODEL", "TABLES": "TABLE", "VIEWS": "VIEW", "STAGES": "STAGE", "SCHEMAS": "SCHEMA",
           "TAGS": "TAG", "SEQUENCES": "SEQUENCE", "STREAMS": "STREAM"}


@dataclass(frozen=True, slots=True)
class Target:
    """One object a grant names, resolved and visible to the session."""

    key: ObjectKey
    owner: str
    display: str  # the `name` column of SHOW GRANTS
    short: str  # the name in "Insufficient privileges to operate on <kind> '<short>'"
    database: str = ""  # the container of a schema object
    schema: str = ""


def singular(kind: str) -> str:
    return PLURALS.get(kind.upper(), kind.upper())


def expand(kind: str, names: Iterable[str]) -> list[str]:
    """The privileges a GRANT/REVOKE list names on an object kind; an invalid one is a compilation error."""
    valid = VALID_PRIVILEGES.get(kind)
    if valid is None:
        raise errors.not_supported(f"Privileges on {kind}")
    out: list[str] = []
    for raw in names:
        name = " ".join(raw.upper().split())
        chosen = valid if name in ("ALL", "ALL PRIVILEGES") else (name,)
        if name == "OWNERSHIP":
            raise errors.compilation_error(
                f"OWNERSHIP on {kind} is transferred with GRANT OWNERSHIP and cannot be revoked.")
        if chosen == (name,) and name not in valid:
            raise errors.compilation_error(
                f"Invalid privilege '{name}' for object type {kind}: {name} is not a valid privilege for {kind} "
                f"objects. Valid privileges: {', '.join(valid)}, ALL [PRIVILEGES].")
        out.extend(p for p in chosen if p not in out)
    return out


# ---------------------------------------------------------------------------------------------
# Resolving what a grant names
# ---------------------------------------------------------------------------------------------


def _fqn(*parts: str) -> str:
    return ".".join(quote_ident(p) for p in parts)


def resolve(session: Session, kind: str, qn: ast.QualifiedName) -> Target:
    """The object `kind name` names; 002003 when it is missing or the session may not see it."""
    a = privileges.access(session)
    catalog = session.catalog
    if kind == "DATABASE":
        db = session.name(qn.name)
        row = catalog.databases.get_database(db)
        if row is None or not a.sees_database(db):
            raise errors.does_not_exist("Database", quote_ident(db))
        return Target(ObjectKey("DATABASE", db), row.owner or "", quote_ident(db), db)
    if kind == "SCHEMA":
        db, schema = session.qualify_schema(qn)
        srow = catalog.databases.get_schema(db, schema)
        if srow is None or not a.sees_schema(db, schema):
            raise errors.does_not_exist("Schema", _fqn(db, schema))
        return Target(ObjectKey("SCHEMA", db, schema), srow.owner or "", _fqn(db, schema), schema, db, schema)
    if kind in ("ROLE", "USER"):
        return _account_object(session, a, kind, session.name(qn.name))
    if kind == "WAREHOUSE":  # a warehouse never created (the session's own) counts as SYSADMIN's
        name = session.name(qn.name)
        wh = catalog.warehouses.get_warehouse(name)
        if wh is not None and not privileges.can_see_warehouse(session, name, wh.owner):
            raise errors.does_not_exist("Warehouse", quote_ident(name))
        return Target(ObjectKey("WAREHOUSE", name=name), wh.owner if wh else "SYSADMIN", quote_ident(name), name)
    if kind in SCHEMA_OBJECTS:
        return _schema_object(session, a, kind, *session.qualify(qn))
    if kind == "TASK":
        db, schema, name = session.qualify(qn)
        task = catalog.tasks.get_task(db, schema, name)
        key = ObjectKey("TASK", db, schema, name)
        if task is None or not (a.manage_grants or (a.schema_usable(db, schema) and a.held(index_of(key), task.owner))):
            raise errors.does_not_exist("Task", _fqn(db, schema, name))
        return Target(key, task.owner, _fqn(db, schema, name), name, db, schema)
    raise errors.not_supported(f"Grants on {kind}")


def _account_object(session: Session, a: Access, kind: str, name: str) -> Target:
    row = session.catalog.grants.get_role(name) if kind == "ROLE" else session.catalog.grants.get_user(name)
    if row is None:
        raise errors.does_not_exist(kind.title(), quote_ident(name))
    return Target(ObjectKey(kind, name=name), row.owner, quote_ident(name), name)


def _schema_object(session: Session, a: Access, kind: str, db: str, schema: str, name: str) -> Target:
    if kind == "MODEL":
        model = session.catalog.models.get_model(db, schema, name)
        if model is None or not privileges.can_see_model(session, model):
            raise errors.does_not_exist("Model", _fqn(db, schema, name))
        return Target(ObjectKey("MODEL", id=model.id), model.owner or "", model_fqn(model), name, db, schema)
    key, owner = _schema_object_key(session, kind, db, schema, name)
    if key is None or not (a.manage_grants or (a.schema_usable(db, schema) and a.held(index_of(key), owner))):
        raise errors.does_not_exist(kind.title(), _fqn(db, schema, name))
    return Target(key, owner, _fqn(db, schema, name), name, db, schema)


def _schema_object_key(session: Session, kind: str, db: str, schema: str, name: str) -> tuple[ObjectKey | None, str]:
    """(key, owner) of a stage, tag, sequence, table or view; (None, '') when there is none of that name."""
    catalog = session.catalog
    if kind == "SEQUENCE":
        if not privileges.sequence_exists(session, db, schema, name):
            return None, ""
        return ObjectKey("SEQUENCE", db, schema, name), catalog.grants.sequence_owner(db, schema, name) or ""
    if kind == "STREAM":
        from snowreg.engine import streams

        if streams.find(session, db, schema, name) is None:
            return None, ""
        return ObjectKey("STREAM", db, schema, name), catalog.grants.sequence_owner(db, schema, name, kind) or ""
    if kind == "STAGE":
        stage = catalog.objects.get_stage(db, schema, name)
        if stage is None or (stage.temporary and stage.session_id not in (None, session.id)):
            return None, ""  # another session's temporary stage does not exist for this one (J81)
        return ObjectKey("STAGE", id=stage.id), stage.owner or ""
    if kind == "TAG":
        tag = catalog.objects.get_tag(db, schema, name)
        return (ObjectKey("TAG", db, schema, name), tag.owner or "") if tag else (None, "")
    relation = catalog.databases.relation_kind(db, schema, name)
    if relation is None or privileges.others_temporary(session, db, schema, name):  # DECISIONS.md J81
        return None, ""
    key = ObjectKey(relation, db, schema, name)
    return key, catalog.grants.owner_of(key) or ""


def _bulk(session: Session, target: ast.BulkTarget) -> tuple[str, list[Target]]:
    """(object kind, objects) of ON ALL <kind>s IN SCHEMA | DATABASE, skipping what the session cannot see."""
    kind = singular(target.kind)
    db, schema = _container(session, target)
    catalog = session.catalog
    schemas = [schema] if schema else [s.name for s in catalog.databases.list_schemas(db)]
    out: list[Target] = []
    for s in schemas:
        if kind in ("FUNCTION", "PROCEDURE"):  # every signature of every function (procedure) of the schema
            out.extend(_visible_functions(session, db, s, kind))
            continue
        if kind == "MODEL":
            names = [m.name for m in catalog.models.list_models(db, s)]
        elif kind in ("TABLE", "VIEW"):
            names = catalog.databases.relation_names(db, s, kind)
        elif kind == "SCHEMA":
            names = [s]
        elif kind == "STAGE":
            names = catalog.objects.stage_names(db, s)
        elif kind == "SEQUENCE":
            names = [q.name for q in list_sequences(catalog.store) if (q.database_name, q.schema_name) == (db, s)]
        elif kind == "STREAM":
            from snowreg.engine import streams

            names = [x.name for x in streams.all_streams(session) if (x.database, x.schema) == (db, s)]
        else:
            raise errors.not_supported(f"ON ALL {target.kind} IN {target.container_kind}")
        for name in names:
            qn = ast.QualifiedName(name, db) if kind == "SCHEMA" else ast.QualifiedName(name, s, db)
            try:
                out.append(resolve(session, kind, qn))
            except errors.ProgrammingError as e:
                if e.errno != 2003:
                    raise
    return kind, out


def _visible_functions(session: Session, db: str, schema: str, kind: str = "FUNCTION") -> list[Target]:
    found: list[Target] = []
    part = session.catalog.udfs if kind == "FUNCTION" else session.catalog.procedures
    for row in part.listed(db, schema):
        qn = ast.QualifiedName(row.name, schema, db)
        try:
            found.append(function_target(session, ast.ObjectTarget(kind, qn, _types(row.arguments))))
        except errors.ProgrammingError as e:
            if e.errno != 2003:
                raise
    return found


def _types(arguments: str) -> tuple[str, ...]:
    return tuple(arguments.split(", ")) if arguments else ()


def _container(session: Session, target: ast.BulkTarget) -> tuple[str, str]:
    """(database, schema or '') of an ALL / FUTURE target, visible to the session."""
    a = privileges.access(session)
    if target.container_kind == "DATABASE":
        db = session.name(target.container.name)
        if session.catalog.databases.get_database(db) is None or not a.sees_database(db):
            raise errors.does_not_exist("Database", quote_ident(db))
        return db, ""
    db, schema = session.qualify_schema(target.container)
    if session.catalog.databases.get_schema(db, schema) is None or not a.sees_schema(db, schema):
        raise errors.does_not_exist("Schema", _fqn(db, schema))
    return db, schema


def _privilege_kind(session: Session, t: Target, kind: str) -> str:
    """The kind whose privileges a grant on `t` may name (a dynamic table's are not a table's)."""
    if t.key.kind == "TABLE" and (t.key.database, t.key.schema, t.key.name) in session.catalog.tables.dynamic_names():
        return "DYNAMIC TABLE"
    return t.key.kind if t.key.kind in VALID_PRIVILEGES else kind


def _targets(session: Session, target: ast.GrantTarget) -> tuple[str, list[Target]]:
    if isinstance(target, ast.AccountTarget):
        return "ACCOUNT", [Target(ObjectKey("ACCOUNT"), "", ACCOUNT_NAME, ACCOUNT_NAME)]
    if isinstance(target, ast.BulkTarget):
        return _bulk(session, target)
    kind = " ".join(target.kind.upper().split())
    kind = ALIASES.get(kind, kind)
    if kind in ("FUNCTION", "PROCEDURE"):
        return kind, [function_target(session, target)]
    return kind, [resolve(session, kind, target.name)]


def function_target(session: Session, target: ast.ObjectTarget) -> Target:
    """ON FUNCTION f(types) | ON PROCEDURE p(types): one signature, visible to the session (else 002003)."""
    kind = " ".join(target.kind.upper().split())
    word = kind.lower()
    if target.arg_types is None:
        raise errors.compilation_error(f"A {word} is named with its argument types: {kind} f(<type>, …).")
    from snowreg.grammar.ast.functions import FunctionSignature

    sig = FunctionSignature(target.name, target.arg_types)
    from snowreg.engine import routines  # functions and procedures load with the first statement about one

    (db, schema, name, arguments), row = routines.find(
        session, routines.PROCEDURE if kind == "PROCEDURE" else routines.FUNCTION, sig)
    a = privileges.access(session)
    key = ObjectKey(kind, db, schema, f"{name}({arguments})")
    if row is None or session.catalog.others_temporary_routine(session.id, row, kind) \
            or not (a.manage_grants or (a.schema_usable(db, schema) and a.held(index_of(key), row.owner))):
        raise errors.does_not_exist(word.capitalize(), f"{_fqn(db, schema, name)}({arguments})")
    return Target(key, row.owner or "", f"{_fqn(db, schema, name)}({arguments})", name, db, schema)


# ---------------------------------------------------------------------------------------------
# Who may grant
# ---------------------------------------------------------------------------------------------


def grantor(session: Session, a: Access, target: Target, privilege: str) -> str | None:
    """The grantor to record, or None when the session may not grant `privilege` on `target`.

    The owner may grant (in a managed-access schema only the schema's owner); so may a role holding the
    privilege WITH GRANT OPTION, and a role with MANAGE GRANTS (the owner is then recorded as grantor).
    """
    owner = target.owner
    if target.schema and target.key.kind in SCHEMA_OBJECTS and \
            session.catalog.databases.schema_managed_access(target.database, target.schema):
        owner = session.catalog.grants.owner_of(ObjectKey("SCHEMA", target.database, target.schema)) or ""
    if owner and owner in a.roles:
        return owner
    holder = a.grantable.get(index_of(target.key), {}).get(privilege)
    if holder is not None:
        return holder
    if a.manage_grants:
        return owner or a.primary
    return None


def _denied(target: Target) -> errors.ProgrammingError:
    return errors.insufficient_privileges(target.key.kind.lower(), target.short)


def _role(session: Session, name: ast.Name) -> str:
    role = session.name(name)
    if session.catalog.grants.get_role(role) is None:
        raise errors.does_not_exist("Role", quote_ident(role))
    return role


def _check_future_authority(session: Session, db: str, schema: str) -> None:
    """Future grants need MANAGE GRANTS, or the schema's ownership in a managed-access schema."""
    a = privileges.access(session)
    if a.manage_grants:
        return
    if schema and session.catalog.databases.schema_managed_access(db, schema) and \
            session.catalog.grants.owner_of(ObjectKey("SCHEMA", db, schema)) in a.roles:
        return
    raise errors.insufficient_privileges("schema" if schema else "database", schema or db)


def _future_kind(target: ast.BulkTarget) -> str:
    kind = singular(target.kind)
    if kind not in FUTURE_KINDS:
        raise errors.not_supported(f"FUTURE {target.kind} grants")
    return kind


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


def grant_privileges(session: Session, stmt: ast.GrantPrivileges) -> Result:
    role = _role(session, stmt.role)
    target = stmt.target
    if isinstance(target, ast.BulkTarget) and target.mode == "FUTURE":
        kind = _future_kind(target)
        db, schema = _container(session, target)
        _check_future_authority(session, db, schema)
        with session.catalog.store.transaction():
            for p in expand(kind, stmt.privileges):
                session.catalog.grants.add_future_grant(target.container_kind, db, schema, kind, p, role,
                                                 stmt.with_grant_option)
        return status()
    kind, targets = _targets(session, target)
    is_all = any(" ".join(p.upper().split()) in ("ALL", "ALL PRIVILEGES") for p in stmt.privileges)
    a = privileges.access(session)
    with session.catalog.store.transaction():
        for t in targets:
            granted = 0
            for p in expand(_privilege_kind(session, t, kind), stmt.privileges):
                by = grantor(session, a, t, p)
                if by is None:
                    if is_all:
                        continue  # ALL grants what the grantor may grant
                    raise _denied(t)
                session.catalog.grants.add_grant(t.key, p, role, stmt.with_grant_option, by)
                granted += 1
            if is_all and not granted:
                raise _denied(t)
    return status()


def revoke_privileges(session: Session, stmt: ast.RevokePrivileges) -> Result:
    role = _role(session, stmt.role)
    target = stmt.target
    if isinstance(target, ast.BulkTarget) and target.mode == "FUTURE":
        kind = _future_kind(target)
        db, schema = _container(session, target)
        _check_future_authority(session, db, schema)
        with session.catalog.store.transaction():
            for p in _future_revoked(kind, stmt.privileges):
                session.catalog.grants.remove_future_grant(target.container_kind, db, schema, kind, p, role,
                                                    stmt.grant_option_for)
        return status()
    kind, targets = _targets(session, target)
    a = privileges.access(session)
    with session.catalog.store.transaction():
        for t in targets:
            held = {g.privilege: g for g in session.catalog.grants.grants_on(t.key) if g.grantee == role}
            for p in expand(_privilege_kind(session, t, kind), stmt.privileges):
                grant = held.get(p)
                if grant is None:
                    continue  # revoking what was not granted succeeds
                if grant.granted_by not in a.roles and t.owner not in a.roles and not a.manage_grants:
                    raise _denied(t)
                _revoke(session, t, p, role, stmt.grant_option_for, stmt.cascade)
    return status()


def _future_revoked(kind: str, names: Iterable[str]) -> list[str]:
    """The privileges REVOKE ... ON FUTURE withdraws: OWNERSHIP too, which is how a future ownership grant
    (GRANT OWNERSHIP ON FUTURE ...) is taken back (`REVOKE OWNERSHIP ON FUTURE TABLES IN SCHEMA s FROM ROLE r`)."""
    names = list(names)
    rest = [n for n in names if " ".join(n.upper().split()) != "OWNERSHIP"]
    return (["OWNERSHIP"] if len(rest) < len(names) else []) + (expand(kind, rest) if rest else [])


def _revoke(session: Session, target: Target, privilege: str, role: str, grant_option_only: bool,
            cascade: bool) -> None:
    """Revoke one grant; grants `role` made with its grant option depend on it (RESTRICT refuses, CASCADE follows)."""
    dependents = [g for g in session.catalog.grants.grants_on(target.key)
                  if g.privilege == privilege and g.granted_by == role and g.grantee != role]
    if dependents and not cascade:
        raise dependent_grant(privilege, target, dependents[0].grantee,
                              "To revoke all dependent grants while revoking the current grant use 'CASCADE' option.")
    for g in dependents:
        _revoke(session, target, privilege, g.grantee, False, True)
    session.catalog.grants.remove_grant(target.key, privilege, role, grant_option_only)


def dependent_grant(privilege: str, target: Target, grantee: str, advice: str) -> errors.ProgrammingError:
    return error_catalog.dependent_grant(privilege, target.display, grantee, advice)


def grant_ownership(session: Session, stmt: ast.GrantOwnership) -> Result:
    """Transfer ownership: the owner or MANAGE GRANTS may; existing grants need REVOKE or COPY CURRENT GRANTS."""
    role = _role(session, stmt.role)
    target = stmt.target
    if isinstance(target, ast.BulkTarget) and target.mode == "FUTURE":
        kind = _future_kind(target)
        db, schema = _container(session, target)
        _check_future_authority(session, db, schema)
        _check_ownership_recipient(session, role, kind)
        session.catalog.grants.add_future_grant(target.container_kind, db, schema, kind, "OWNERSHIP", role, False)
        return status()
    if isinstance(target, ast.AccountTarget):
        raise errors.compilation_error("OWNERSHIP cannot be granted on ACCOUNT.")
    kind, targets = _targets(session, target)
    _check_ownership_recipient(session, role, kind)
    a = privileges.access(session)
    with session.catalog.store.transaction():
        for t in targets:
            if t.owner not in a.roles and not a.manage_grants:
                raise _denied(t)
            outbound = [g for g in session.catalog.grants.grants_on(t.key) if g.privilege != "OWNERSHIP"]
            if outbound and stmt.current_grants is None:
                raise dependent_grant(
                    outbound[0].privilege, t, outbound[0].grantee,
                    "To revoke all dependent grants while transferring object ownership, use convenience command "
                    "'GRANT OWNERSHIP ON <target_objects> TO <target_role> REVOKE CURRENT GRANTS'.")
            session.catalog.grants.set_owner(t.key, role, stmt.current_grants)
    return status()


def _check_ownership_recipient(session: Session, role: str, kind: str) -> None:
    """Ownership goes only to a role active in the session, unless the session holds MANAGE GRANTS
    (https://docs.snowflake.com/en/release-notes/bcr-bundles/2026_07/bcr-2395, DECISIONS J20): else a role
    could hand an owner's-rights procedure it wrote, or a schema whose future objects it makes, to a
    stronger role and run its code with that role's privileges."""
    a = privileges.access(session)
    if role in a.roles or a.manage_grants:
        return
    raise error_catalog.ownership_recipient_not_active(kind)
