"""Live versions: the client's live-commit path to a new version without a stage of its own.

`CREATE MODEL m WITH LIVE VERSION v` / `ALTER MODEL m ADD LIVE VERSION v` make an empty version, the
client PUTs the version directory into `snow://model/<fqn>/versions/<v>/`, and `ALTER MODEL m COMMIT
VERSION v [RENAME TO m2] [RENAME VERSION TO v2]` reads its MANIFEST.yml like CREATE MODEL ... FROM a
stage does. Until then the version is neither listed nor callable (docs/SNOWFLAKE.md#c5-1). The
statements are undocumented; the privileges are those of their documented counterparts: CREATE MODEL
on the schema for a new model, OWNERSHIP of the model for the others (DECISIONS R5).
"""

from __future__ import annotations

from snowreg import errors
from snowreg.catalog import ModelRow
from snowreg.catalog.manifest import read_version
from snowreg.engine import stages
from snowreg.engine.access import privileges
from snowreg.engine.models import creation_target, rule_error
from snowreg.engine.resolve import SYSTEM_ALIASES, find_model_or_none, placed
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident


def execute(session: Session, stmt: ast.LiveVersion) -> Result:
    if stmt.action == "CREATE":
        return _create(session, stmt)
    if stmt.action == "ADD":
        return _add(session, stmt)
    return _commit(session, stmt)


def _create(session: Session, stmt: ast.LiveVersion) -> Result:
    target = creation_target(session, stmt.name, stmt.or_replace, stmt.if_not_exists)
    if isinstance(target, Result):
        return target
    db, schema, name, existing = target
    version = _new_version_name(session, stmt.version, stmt.version_span)
    with session.catalog.store.transaction():
        if existing is not None:
            session.catalog.drop_model(existing.id)
        session.catalog.create_live_model(db, schema, name, session.role, version)
    return status(f"Model {quote_ident(name)} successfully created.")


def _add(session: Session, stmt: ast.LiveVersion) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    version = _new_version_name(session, stmt.version, stmt.version_span, model)
    session.catalog.models.add_live_version(model.id, version)
    return status()


def _new_version_name(session: Session, ref: ast.Name, at: ast.Span, model: ModelRow | None = None) -> str:
    """The name a new version is given, checked; errors point `at` it in the statement."""
    name = session.name(ref)
    if name in SYSTEM_ALIASES:
        raise placed(rule_error(f"Version name '{name}' is a system alias."), at)
    if model is None:
        return name
    if session.catalog.models.has_version_named(model.id, name):
        raise placed(errors.already_exists("Model version", name), at)
    if any(v.alias == name for v in session.catalog.models.list_versions(model.id)):
        raise placed(rule_error(f"Version name '{name}' is an alias of model '{model_fqn(model)}'."), at)
    return name


def _commit(session: Session, stmt: ast.LiveVersion) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    live = session.catalog.models.live_version(model.id, session.name(stmt.version))
    if live is None:
        missing = errors.does_not_exist("Live version", f"{model_fqn(model)}.{quote_ident(session.name(stmt.version))}")
        raise placed(missing, stmt.version_span)
    spec = read_version(stages.read_tree(session, "version", live.id, ""))
    name = live.name
    if stmt.rename_version_to is not None:
        name = session.name(stmt.rename_version_to)
        if name != live.name:
            _new_version_name(session, stmt.rename_version_to, stmt.rename_version_to_span, model)
    session.catalog.models.commit_live_version(live, spec, name, _renamed(session, model, stmt.rename_to))
    return status()


def _renamed(session: Session, model: ModelRow, new: ast.QualifiedName | None) -> dict[str, object]:
    """The model columns a `RENAME TO` changes, checked as ALTER MODEL ... RENAME TO checks them."""
    if new is None:
        return {}
    if new.schema is None:
        db, schema, name = model.database_name, model.schema_name, session.name(new.name)
    else:
        db, schema, name = session.qualify(new)
    if (db, schema, name) == (model.database_name, model.schema_name, model.name):
        return {}
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    if session.catalog.models.get_model(db, schema, name) is not None:
        raise errors.already_exists("Object", name)
    if (db, schema) != (model.database_name, model.schema_name):
        privileges.check_create_in_schema(session, db, schema, "MODEL")
    return {"database_name": db, "schema_name": schema, "name": name}
