"""Registry objects by name: models and their versions (names, user and system aliases), privilege-checked."""

from __future__ import annotations

from snowreg import errors
from snowreg.catalog import ModelRow, VersionRow
from snowreg.engine.access import privileges
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident

SYSTEM_ALIASES = ("DEFAULT", "FIRST", "LAST")


def find_model(session: Session, qn: ast.QualifiedName, action: privileges.ModelAction) -> ModelRow:
    """The model a name refers to, checked for `action`; 002003 when missing or invisible."""
    db, schema, name = session.qualify(qn)
    model = session.catalog.get_model(db, schema, name)
    if model is None:
        raise errors.does_not_exist("Model", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_model(session, model, action)
    return model


def find_model_or_none(session: Session, qn: ast.QualifiedName, action: privileges.ModelAction,
                       if_exists: bool) -> ModelRow | None:
    try:
        return find_model(session, qn, action)
    except errors.ProgrammingError as e:
        if if_exists and e.errno == 2003:
            return None
        raise


def resolve_version(session: Session, model: ModelRow, ref: ast.Name,
                    versions: list[VersionRow] | None = None) -> VersionRow:
    """A version by name, user alias, or system alias DEFAULT / FIRST / LAST."""
    text = session.name(ref)
    versions = versions if versions is not None else session.catalog.list_versions(model.id)
    for v in versions:
        if v.name == text:
            return v
    for v in versions:
        if v.alias is not None and v.alias == text:
            return v
    if text in SYSTEM_ALIASES and versions:
        if text == "FIRST":
            return versions[0]
        if text == "LAST":
            return versions[-1]
        return next(v for v in versions if v.name == model.default_version)
    raise errors.does_not_exist("Model version", f"{model_fqn(model)}.{quote_ident(text)}")


def version_aliases(model: ModelRow, version: VersionRow, versions: list[VersionRow]) -> list[str]:
    """System aliases that point at a version, then its user alias."""
    out = []
    if version.name == model.default_version:
        out.append("DEFAULT")
    if versions and version.id == versions[0].id:
        out.append("FIRST")
    if versions and version.id == versions[-1].id:
        out.append("LAST")
    if version.alias:
        out.append(version.alias)
    return out
