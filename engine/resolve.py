"""Registry objects by name: models and their versions (names, user and system aliases), privilege-checked."""

from __future__ import annotations

import re
from typing import TypeVar

from snowreg import errors
from snowreg.catalog import ModelRow, VersionIndex, VersionRow
from snowreg.engine.access import privileges
from snowreg.engine.session import Session, model_fqn
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident

SYSTEM_ALIASES = ("DEFAULT", "FIRST", "LAST")

E = TypeVar("E", bound=errors.Error)


def placed(error: E, at: ast.Span) -> E:
    """`error`, pointing at the AST node that stands at `at` (unless it already has a place, or `at` none)."""
    if error.line is None and at != ast.NO_SPAN:
        error.line, error.column = at.line, at.column
    return error


_NAME_PART = re.compile(r'"(?:[^"]|"")+"|[^."]+')
# A one- to three-part object name as written (the statements read by regular expression: ALTER … SET, CLUSTER BY).
QUALIFIED_NAME = r'(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)){0,2}'


def qualified_name(text: str) -> ast.QualifiedName:
    """`DB."sch".M` → QualifiedName('M', 'sch', 'DB'), by Snowflake's identifier rules."""
    parts = [p.strip() for p in _NAME_PART.findall(text.strip())]
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise errors.invalid_object_name(text)
    resolved = [p[1:-1].replace('""', '"') if p.startswith('"') else p.upper() for p in parts]
    resolved = [None] * (3 - len(resolved)) + resolved  # type: ignore[list-item]
    return ast.QualifiedName(resolved[2], resolved[1], resolved[0])  # type: ignore[arg-type]


def check_container(session: Session, db: str, schema: str) -> None:
    """The database and schema a schema object is named in must exist, also for DROP … IF EXISTS of an object
    that does not (002003 naming the database or the schema, as DROP TABLE IF EXISTS gives; DECISIONS.md L8)."""
    if session.catalog.databases.get_database(db) is None:
        raise errors.does_not_exist("Database", quote_ident(db))
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")


def find_model(session: Session, qn: ast.QualifiedName, action: privileges.ModelAction) -> ModelRow:
    """The model a name refers to, checked for `action`; 002003 when missing or invisible."""
    db, schema, name = session.qualify(qn)
    model = session.catalog.models.get_model(db, schema, name)
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
                    versions: VersionIndex | None = None, at: ast.Span = ast.NO_SPAN) -> VersionRow:
    """A version by name, user alias, or system alias DEFAULT / FIRST / LAST (lookups, not scans); a missing
    one is a 002003 error placed `at` the version name in the statement."""
    text = session.name(ref)
    index = versions if versions is not None else session.catalog.models.version_index(model.id)
    found = index.by_name.get(text) or index.by_alias.get(text)
    if found is not None:
        return found
    if text in SYSTEM_ALIASES and index.rows:
        if text == "FIRST":
            return index.rows[0]
        if text == "LAST":
            return index.rows[-1]
        return index.by_name[model.default_version or ""]
    raise placed(errors.does_not_exist("Model version", f"{model_fqn(model)}.{quote_ident(text)}"), at)


def version_aliases(model: ModelRow, version: VersionRow, versions: VersionIndex) -> list[str]:
    """System aliases that point at a version, then its user alias."""
    out = []
    rows = versions.rows
    if version.name == model.default_version:
        out.append("DEFAULT")
    if rows and version.id == rows[0].id:
        out.append("FIRST")
    if rows and version.id == rows[-1].id:
        out.append("LAST")
    if version.alias:
        out.append(version.alias)
    return out


def model_aliases(model: ModelRow, versions: VersionIndex) -> dict[str, str]:
    """alias → version name of every alias of a model (SHOW MODELS `aliases`), without visiting each version."""
    rows = versions.rows
    if len(rows) > 4:  # only DEFAULT, FIRST, LAST and the user aliases can hold an alias
        default = versions.by_name.get(model.default_version or "")
        holders = {v.id: v for v in (default, rows[0], rows[-1], *versions.by_alias.values()) if v is not None}
        rows = tuple(sorted(holders.values(), key=lambda r: r.seq))
    return {a: v.name for v in rows for a in version_aliases(model, v, versions)}
