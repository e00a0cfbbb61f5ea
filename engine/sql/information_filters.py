"""What an INFORMATION_SCHEMA query may show the session: the keys of the objects and roles its views filter by."""

from __future__ import annotations

from typing import Any

from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.engine.sql import udf_calls

_RS = chr(30)  # between the parts of a key, as the macros of catalog/views.sql build them


def filters(session: Session, views: list[str]) -> dict[str, Any]:
    """The DuckDB variables the macros of these INFORMATION_SCHEMA views read (catalog/views.sql)."""
    extra: dict[str, Any] = dict(privileges.visible_containers(session))
    if "FUNCTIONS" in views:  # the functions the roles may use, and own
        extra.update(udf_calls.visible_keys(session))
    if "PROCEDURES" in views:  # likewise, the procedures
        extra.update(udf_calls.visible_keys(session, "PROCEDURE"))
    if "SEQUENCES" in views:  # the sequences the roles hold
        extra.update(privileges.visible_sequences(session))
    if "OBJECT_PRIVILEGES" in views or "USAGE_PRIVILEGES" in views:
        extra["snowreg_visible_objects"] = visible_objects(session)
    if "LOAD_HISTORY" in views:  # the tables that exist now, by name and creation time (catalog/loads.py)
        from snowreg.catalog.relations import list_relations

        extra["snowreg_load_tables"] = [_RS.join((r.database_name, r.schema_name, r.name, str(r.created_on)))
                                        for r in list_relations(session.catalog.store) if r.kind == "TABLE"]
    if "STAGES" in views or "FILE_FORMATS" in views:  # their rows, worked out in Python
        from snowreg.engine.sql import information_objects

        extra["snowreg_stage_rows"] = information_objects.stage_rows(session) if "STAGES" in views else []
        extra["snowreg_file_format_rows"] = information_objects.file_format_rows(session) \
            if "FILE_FORMATS" in views else []
    if "APPLICABLE_ROLES" in views:
        extra["snowreg_user_roles"] = sorted(session.catalog.grants.role_graph().user_closure(session.user))
    if "ENABLED_ROLES" in views or "VIEWS" in views:  # VIEWS: a secure view's text is its owner's only
        extra["snowreg_enabled_roles"] = sorted(privileges.access(session).roles)
    return extra


def visible_objects(session: Session) -> list[str] | None:
    """`KIND<RS>db<RS>schema<RS>name` of every object of a database the session's roles hold a privilege on
    (in a usable schema, for schema objects): what OBJECT_PRIVILEGES lists the grants of. None: all
    (MANAGE GRANTS, as for TABLE_PRIVILEGES)."""
    a = privileges.access(session)
    if a.manage_grants:
        return None
    keys: list[str] = []
    for index in a.privs:
        kind = index[0]
        if kind == "DATABASE":
            keys.append(_RS.join(("DATABASE", index[1], "", "")))
        elif kind == "SCHEMA" and a.sees_schema(index[1], index[2]):
            keys.append(_RS.join(("SCHEMA", index[1], index[2], "")))
        elif kind in ("TABLE", "SEQUENCE", "TAG", "TASK") and a.schema_usable(index[1], index[2]) \
                and not (kind == "TABLE" and privileges.others_temporary(session, *index[1:4])):
            keys.append(_RS.join(index))
    catalog = session.catalog
    shown = set(privileges.visible_model_ids(session) or ())
    keys += [_RS.join(("MODEL", m.database_name, m.schema_name, m.name)) for m in catalog.models.list_models()
             if m.id in shown]
    for tag in catalog.objects.list_tags():
        if tag.owner in a.roles and a.schema_usable(tag.database_name, tag.schema_name):
            keys.append(_RS.join(("TAG", tag.database_name, tag.schema_name, tag.name)))
    for task in catalog.tasks.list_tasks():
        if task.owner in a.roles and a.schema_usable(task.database_name, task.schema_name):
            keys.append(_RS.join(("TASK", *task.key)))
    for stage in catalog.objects.list_stages():
        held = a.held(("STAGE", stage.id), stage.owner)
        if stage.temporary and stage.session_id not in (None, session.id):
            continue
        if held and a.schema_usable(stage.database_name, stage.schema_name):
            keys.append(_RS.join(("STAGE", stage.database_name, stage.schema_name, stage.name)))
    for kind in ("FUNCTION", "PROCEDURE"):
        plural = "functions" if kind == "FUNCTION" else "procedures"
        keys += [f"{kind}{_RS}{key}" for key in udf_calls.visible_keys(session, kind)[f"snowreg_visible_{plural}"]]
    return keys
