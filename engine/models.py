"""Handlers of the model statements: CREATE / ALTER / DROP MODEL, versions, aliases, default version."""

from __future__ import annotations

import orjson

from snowreg import errors
from snowreg.catalog import ModelRow, TagTarget, VersionContent
from snowreg.catalog.manifest import read_version
from snowreg.engine import stages, tags
from snowreg.engine.access import privileges
from snowreg.engine.resolve import (
    SYSTEM_ALIASES,
    check_container,
    find_model,
    find_model_or_none,
    placed,
    resolve_version,
)
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import is_plain_ident, quote_ident


def rule_error(msg: str) -> errors.ProgrammingError:
    """A registry-rule violation. Snowflake documents no texts for them (docs/SNOWFLAKE.md#s8-3)."""
    return errors.compilation_error(msg)


# ---------------------------------------------------------------------------------------------
# CREATE / DROP / RENAME
# ---------------------------------------------------------------------------------------------


def _content(session: Session, source: ast.ModelSource) -> tuple[VersionContent, str | None]:
    """What a new version copies: (content, source version name when copied from a model)."""
    if isinstance(source, ast.FromModel):
        src = find_model(session, source.model, "read")
        ref = source.version if source.version is not None else "DEFAULT"
        version = resolve_version(session, src, ref, at=source.version_span)
        return session.catalog.models.version_content(version), version.name
    owner_kind, owner_id, prefix = stages.locate_for_read(session, source.stage)
    files = stages.read_tree(session, owner_kind, owner_id, prefix)
    spec = read_version(files)
    if owner_kind == "dir":
        pairs = session.catalog.files.mapping_files(files)
    else:
        assert isinstance(owner_id, int)
        pairs = session.catalog.files.files_as_content(owner_kind, owner_id, stages.as_dir(prefix))
    return VersionContent(pairs, spec), None


def create_model(session: Session, stmt: ast.CreateModel) -> Result:
    target = creation_target(session, stmt.name, stmt.or_replace, stmt.if_not_exists)
    if isinstance(target, Result):
        return target
    db, schema, name, existing = target
    with session.catalog.store.transaction():  # the files' blobs too: a failure leaves nothing behind
        content, source_version = _content(session, stmt.source)
        version = session.name(stmt.version) if stmt.version is not None else source_version or "V1"
        if version in SYSTEM_ALIASES:  # as ADD VERSION: DEFAULT / FIRST / LAST would shadow the system aliases
            raise placed(rule_error(f"Version name '{version}' is a system alias."), stmt.version_span)
        if existing is not None:
            session.catalog.drop_model(existing.id)
        session.catalog.create_model(db, schema, name, session.role, version, content)
    return status(f"Model {quote_ident(name)} successfully created.")


def creation_target(session: Session, qn: ast.QualifiedName, or_replace: bool, if_not_exists: bool
                    ) -> tuple[str, str, str, ModelRow | None] | Result:
    """Where CREATE [OR REPLACE] MODEL [IF NOT EXISTS] puts a model and the model it replaces, checked;
    or the statement's answer when IF NOT EXISTS finds the model already there."""
    if or_replace and if_not_exists:
        raise errors.invalid_property_combination()
    db, schema, name = session.qualify(qn)
    check_container(session, db, schema)
    existing = session.catalog.models.get_model(db, schema, name)
    if existing is not None:
        privileges.check_create_before_telling(session, db, schema, "MODEL", privileges.can_see_model(session, existing))
        if if_not_exists:
            return status(f"{name} already exists, statement succeeded.")
        if not or_replace:
            raise errors.already_exists("Object", name)
        privileges.check_model(session, existing, "own")
    privileges.check_create_in_schema(session, db, schema, "MODEL")
    return db, schema, name, existing


def drop_model(session: Session, stmt: ast.DropModel) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:  # Snowflake's text for any DROP ... IF EXISTS of a missing object
        check_container(session, *session.qualify(stmt.name)[:2])
        return status(f"Drop statement executed successfully ({quote_ident(session.name(stmt.name.name))} "
                      "already dropped).")
    session.catalog.drop_model(model.id)
    return status(f"{quote_ident(model.name)} successfully dropped.")


def rename_model(session: Session, stmt: ast.RenameModel) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    new = stmt.new_name
    if new.schema is None:  # an unqualified new name stays in the model's schema
        db, schema, name = model.database_name, model.schema_name, session.name(new.name)
    else:
        db, schema, name = session.qualify(new)
    check_container(session, db, schema)
    if session.catalog.models.get_model(db, schema, name) is not None:
        raise errors.already_exists("Object", name)
    if (db, schema) != (model.database_name, model.schema_name):
        privileges.check_create_in_schema(session, db, schema, "MODEL")
        privileges.check_move_into_schema(session, model.owner, db, schema)
    session.catalog.models.update_model(model.id, database_name=db, schema_name=schema, name=name)
    return status()


# ---------------------------------------------------------------------------------------------
# ALTER MODEL
# ---------------------------------------------------------------------------------------------


def alter_set(session: Session, stmt: ast.AlterModelSet) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    values: dict[str, object] = {}
    if stmt.default_version is not None:
        values["default_version"] = resolve_version(session, model, stmt.default_version,
                                                    at=stmt.default_version_span).name
    if stmt.comment is not None:
        values["comment"] = stmt.comment
    if values:
        session.catalog.models.update_model(model.id, **values)
    return status()


def alter_unset(session: Session, stmt: ast.AlterModelUnset) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is not None and stmt.comment:
        session.catalog.models.update_model(model.id, comment=None)
    return status()


def comment_on_model(session: Session, stmt: ast.CommentOn) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is not None:
        session.catalog.models.update_model(model.id, comment=stmt.comment)
    return status()


def set_alias(session: Session, stmt: ast.SetAlias) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    versions = session.catalog.models.version_index(model.id)
    version = resolve_version(session, model, stmt.version, versions, at=stmt.version_span)
    alias = session.name(stmt.alias)
    if not is_plain_ident(alias):  # "Aliases must be valid identifiers without double quotes" (DECISIONS.md I52)
        raise placed(rule_error(
            f"Invalid alias '{alias}': an alias must be a valid identifier that needs no double quotes "
            "(letters, digits, _ and $, not starting with a digit, not a reserved word)."), stmt.alias_span)
    if alias in SYSTEM_ALIASES:
        raise placed(rule_error(f"Alias '{alias}' is a system alias and cannot be set."), stmt.alias_span)
    if alias in versions.by_name:
        raise placed(rule_error(f"Alias '{alias}' is the name of a version of model '{model_fqn(model)}'."),
                     stmt.alias_span)
    holder = versions.by_alias.get(alias)
    if holder is not None and holder.id != version.id:
        raise placed(rule_error(
            f"Alias '{alias}' is already set on version '{holder.name}' of model '{model_fqn(model)}'. "
            "Unset it first."), stmt.alias_span)
    if version.alias is not None and version.alias != alias:
        raise placed(rule_error(
            f"Version '{version.name}' of model '{model_fqn(model)}' already has alias '{version.alias}'. "
            "A version can have at most one alias; unset it first."), stmt.version_span)
    session.catalog.models.update_version(version, alias=alias)
    return status()


def unset_alias(session: Session, stmt: ast.UnsetAlias) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    version = resolve_version(session, model, stmt.version, at=stmt.version_span)
    session.catalog.models.update_version(version, alias=None)
    return status()


def add_version(session: Session, stmt: ast.AddVersion) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    name = session.name(stmt.version)
    versions = session.catalog.models.version_index(model.id)
    if name in versions.by_name:
        raise placed(errors.already_exists("Model version", name), stmt.version_span)
    if name in versions.by_alias or name in SYSTEM_ALIASES:
        raise placed(rule_error(f"Version name '{name}' is an alias of model '{model_fqn(model)}'."),
                     stmt.version_span)
    if len(versions.rows) >= 1000:
        raise rule_error(f"Model '{model_fqn(model)}' already has the maximum of 1000 versions.")
    with session.catalog.store.transaction():
        content, _ = _content(session, stmt.source)
        session.catalog.models.add_version(model.id, name, content)
    return status()


def drop_version(session: Session, stmt: ast.DropVersion) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    versions = session.catalog.models.version_index(model.id)
    version = resolve_version(session, model, stmt.version, versions, at=stmt.version_span)
    if len(versions.rows) == 1:
        raise placed(rule_error(
            f"Cannot drop version '{version.name}': it is the only version of model '{model_fqn(model)}'. "
            "Drop the model instead."), stmt.version_span)
    if version.name == model.default_version:
        raise placed(rule_error(
            f"Cannot drop version '{version.name}': it is the default version of model '{model_fqn(model)}'. "
            "Set another default version first."), stmt.version_span)
    session.catalog.models.drop_version(version.id)
    return status()


def modify_version(session: Session, stmt: ast.ModifyVersion) -> Result:
    model = find_model_or_none(session, stmt.name, "own", stmt.if_exists)
    if model is None:
        return status()
    version = resolve_version(session, model, stmt.version, at=stmt.version_span)
    values: dict[str, object] = {}
    if stmt.metadata is not None:
        values["metadata"] = _metadata(stmt.metadata)
    if stmt.comment is not None:
        values["comment"] = stmt.comment
    if stmt.unset_comment:
        values["comment"] = None
    if stmt.unset_metadata:
        values["metadata"] = "{}"
    if values:
        session.catalog.models.update_version(version, **values)
    return status()


def _metadata(text: str) -> str:
    """METADATA must be a JSON object of at most 100 KB (docs/SNOWFLAKE.md#s2-3); stored verbatim."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as e:
        raise errors.compilation_error(f"Invalid METADATA: not valid JSON ({e}).") from None
    if not isinstance(value, dict):
        raise errors.compilation_error("Invalid METADATA: it must be a JSON object.")
    if len(text.encode()) > 100 * 1024:
        raise errors.compilation_error("Invalid METADATA: larger than 100 KB.")
    return text


def set_tags(session: Session, stmt: ast.AlterModelSetTag) -> Result:
    model = find_model_or_none(session, stmt.name, "tag", stmt.if_exists)
    if model is None:
        return status()
    tags.set_values(session, TagTarget.model(model.id), tags.checked_values(session, stmt.tags),
                    f"model '{model.name}'")
    return status()


def unset_tags(session: Session, stmt: ast.AlterModelUnsetTag) -> Result:
    model = find_model_or_none(session, stmt.name, "tag", stmt.if_exists)
    if model is None:
        return status()
    session.catalog.objects.unset_tags(TagTarget.model(model.id), [tags.find_tag(session, t) for t in stmt.tags])
    return status()
