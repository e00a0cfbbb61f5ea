"""Named file formats: CREATE [OR REPLACE] [TEMPORARY] FILE FORMAT, DROP, SHOW FILE FORMATS, DESCRIBE FILE
FORMAT (https://docs.snowflake.com/en/sql-reference/sql/create-file-format, …/show-file-formats,
…/desc-file-format), and the format a load or a staged-file query uses: the statement's FILE_FORMAT, else
the stage's own, else CSV with its defaults."""

from __future__ import annotations

import re
from typing import Any

from snowreg import errors
from snowreg.catalog import StageRow
from snowreg.catalog.loads import FileFormatRow
from snowreg.engine.access import privileges
from snowreg.engine.loading import errors as lerrors
from snowreg.engine.loading import options as opts
from snowreg.engine.loading.options import FileFormat, Word
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import like, quote_ident, split_name

NAME = r'(?:identifier\s*\(\s*\'(?:[^\']|\'\')*\'\s*\)|(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)' \
        r'(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)){0,2})'
_CREATE = re.compile(r"CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?P<temp>(?:LOCAL\s+|GLOBAL\s+|SCOPED\s+)?(?:TEMP|TEMPORARY|"
                     r"VOLATILE)\s+)?FILE\s+FORMAT\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?(?P<name>" + NAME + r")(?P<rest>.*)$",
                     re.I | re.S)
_DROP = re.compile(r"DROP\s+FILE\s+FORMAT\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>" + NAME + r")\s*;?\s*$", re.I | re.S)
_SHOW = re.compile(r"SHOW\s+(?P<kind>FILE\s+FORMATS)(?:\s+LIKE\s+'(?P<like>(?:[^']|'')*)')?(?:\s+IN\s+(?P<scope>ACCOUNT|"
                   r"DATABASE|SCHEMA)(?:\s+(?P<in>" + NAME + r"))?)?\s*;?\s*$", re.I | re.S)


def qualified(text: str) -> ast.QualifiedName:
    """A name as the statement writes it (`identifier('…')` too)."""
    text = text.strip()
    m = re.fullmatch(r"identifier\s*\(\s*'((?:[^']|'')*)'\s*\)", text, re.I)
    if m:
        text = m.group(1).replace("''", "'")
    parts = split_name(text)
    return ast.QualifiedName(name=parts[-1], schema=parts[-2] if len(parts) > 1 else None,
                             database=parts[-3] if len(parts) > 2 else None)


def _visible(session: Session, row: FileFormatRow) -> bool:
    return not row.temporary or row.session_id == session.id


def find(session: Session, qn: ast.QualifiedName, own: bool = False) -> FileFormatRow:
    """A file format the session may use (USAGE on its schema; OWNERSHIP to drop it), else 002003."""
    db, schema, name = session.qualify(qn)
    rows = [r for r in session.catalog.loads.get_format(db, schema, name) if _visible(session, r)]
    a = privileges.access(session)
    if rows and a.schema_usable(db, schema) and (not own or "OWNERSHIP" in a.held(("FILE FORMAT", db, schema, name),
                                                                                     rows[0].owner)):
        return rows[0]
    raise errors.does_not_exist("File format", ".".join(quote_ident(p) for p in (db, schema, name)))


def create(session: Session, text: str) -> Result:
    m = _CREATE.match(text)
    if m is None:
        raise lerrors.syntax("syntax error in CREATE FILE FORMAT.")
    db, schema, name = session.qualify(qualified(m.group("name")))
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    given = opts.parse_options(m.group("rest"))
    fmt_type = str(given.get("TYPE", "CSV")).upper()
    checked = opts.checked(fmt_type, given)
    opts.resolve(fmt_type, checked)  # what cannot be used is refused now
    temporary = bool(m.group("temp"))  # another session's temporary format is none of this one's business
    existing = [r for r in session.catalog.loads.get_format(db, schema, name)
                if r.temporary == temporary and _visible(session, r)]
    seen = bool(existing) and privileges.access(session).schema_usable(db, schema)
    privileges.check_create_before_telling(session, db, schema, "FILE FORMAT", seen)  # DECISIONS J23, J56
    if existing:
        if m.group("ine"):
            return status(f"{name} already exists, statement succeeded.")
        if not m.group("replace"):
            raise errors.already_exists("Object", name)
        find(session, ast.QualifiedName(name=name, schema=schema, database=db), own=True)
    privileges.check_create_in_schema(session, db, schema, "FILE FORMAT")
    comment = given.get("COMMENT")
    session.catalog.loads.create_format(db, schema, name, session.role, fmt_type, checked, temporary,
                                        session.id if temporary else None,
                                        None if comment is None else str(comment),
                                        existing[0].id if existing else None)
    return status(f"File format {quote_ident(name)} successfully created.")


def drop(session: Session, text: str) -> Result:
    m = _DROP.match(text)
    if m is None:
        raise lerrors.syntax("syntax error in DROP FILE FORMAT.")
    qn = qualified(m.group("name"))
    try:
        row = find(session, qn, own=True)
    except errors.ProgrammingError as e:
        if m.group("ie") and e.errno == 2003:
            return status(f"Drop statement executed successfully ({quote_ident(session.qualify(qn)[2])} "
                          "already dropped).")
        raise
    session.catalog.loads.drop_format(row.id)
    return status(f"{quote_ident(row.name)} successfully dropped.")


_ALTER = re.compile(r"ALTER\s+FILE\s+FORMAT\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>" + NAME + r")\s+(?:RENAME\s+TO\s+"
                    r"(?P<new>" + NAME + r")|SET\s+(?P<set>.*?))\s*;?\s*$", re.I | re.S)


def alter(session: Session, text: str) -> Result:
    """ALTER FILE FORMAT [IF EXISTS] f RENAME TO g | SET <format type options> [COMMENT = '…']
    (https://docs.snowflake.com/en/sql-reference/sql/alter-file-format; TYPE cannot change). Its owner's role."""
    m = _ALTER.match(text)
    if m is None:
        raise errors.not_supported("This form of ALTER FILE FORMAT (RENAME TO and SET are emulated)")
    qn = qualified(m.group("name"))
    try:
        row = find(session, qn, own=True)
    except errors.ProgrammingError as e:
        if m.group("ie") and e.errno == 2003:
            return status()
        raise
    loads = session.catalog.loads
    if m.group("new"):
        db, schema, name = session.qualify(qualified(m.group("new")))
        if loads.get_format(db, schema, name):
            raise errors.already_exists("Object", name)
        privileges.check_create_in_schema(session, db, schema, "FILE FORMAT")
        loads.create_format(db, schema, name, row.owner, row.format_type, row.options, row.temporary, row.session_id,
                            row.comment, row.id)
        return status("Statement executed successfully.")
    given = opts.parse_options(m.group("set"))
    if "TYPE" in given and str(given["TYPE"]).upper() != row.format_type:
        raise errors.not_supported("Changing a file format's TYPE (ALTER FILE FORMAT … SET TYPE)")
    changed = {**row.options, **opts.checked(row.format_type, given)}
    opts.resolve(row.format_type, changed)
    comment = str(given["COMMENT"]) if "COMMENT" in given else row.comment
    loads.create_format(row.database_name, row.schema_name, row.name, row.owner, row.format_type, changed,
                        row.temporary, row.session_id, comment, row.id)
    return status("Statement executed successfully.")


_SHOW_COLUMNS = ["created_on", "name", "database_name", "schema_name", "type", "owner", "comment",
                 "format_options", "owner_role_type"]


def show(session: Session, text: str) -> Result:
    """SHOW FILE FORMATS [LIKE '…'] [IN ACCOUNT | DATABASE [d] | SCHEMA [s]]."""
    m = _SHOW.match(text)
    if m is None:
        raise errors.not_supported("SHOW FILE FORMATS with TERSE, STARTS WITH or LIMIT")
    db, schema = _scope(session, (m.group("scope") or "SCHEMA").upper(), m.group("in"))
    pattern = m.group("like").replace("''", "'") if m.group("like") is not None else None
    a = privileges.access(session)
    rows = []
    for r in session.catalog.loads.list_formats():
        if (db and r.database_name != db) or (schema and r.schema_name != schema) or not _visible(session, r):
            continue
        if not a.schema_usable(r.database_name, r.schema_name) or (pattern is not None and not like(pattern, r.name)):
            continue
        shown = opts.resolve(r.format_type, r.options)
        rows.append((r.created_on, r.name, r.database_name, r.schema_name, r.format_type, r.owner, r.comment or "",
                     _options_json(shown), "ROLE"))
    return from_rows(_SHOW_COLUMNS, rows, ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT",
                                           "TEXT"])


def _scope(session: Session, scope: str, where: str | None) -> tuple[str | None, str | None]:
    """The database and schema a SHOW … IN names (None: any); a container the role cannot see is one that
    does not exist, as for SHOW TABLES (J53)."""
    db: str | None
    schema: str | None
    if scope == "SCHEMA":
        if where:
            qn = qualified(where)
            db, schema = session.qualify_schema(ast.QualifiedName(name=str(qn.name), schema=qn.schema))
        else:
            db, schema = session.current_database(), session.schema
            if schema is None:
                raise errors.no_current_schema()
    elif scope == "DATABASE":
        db, schema = (str(qualified(where).name) if where else session.current_database()), None
    else:
        db = schema = None
    catalog = session.catalog
    if schema is not None and db is not None and (
            catalog.databases.get_schema(db, schema) is None or not privileges.can_see_schema(session, db, schema)):
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    if scope == "DATABASE" and db is not None and (
            catalog.databases.get_database(db) is None or not privileges.can_see_database(session, db)):
        raise errors.does_not_exist("Database", quote_ident(db))
    return db, schema


def _options_json(fmt: FileFormat) -> str:
    import orjson

    return orjson.dumps({"TYPE": fmt.type, **{k: v for k, v in fmt.options.items()}}).decode()


def describe(session: Session, qn: ast.QualifiedName) -> Result:
    """DESCRIBE FILE FORMAT: a row per option of its type (property, property_type, property_value,
    property_default)."""
    row = find(session, qn)
    fmt = opts.resolve(row.format_type, row.options)
    rows = [("TYPE", "String", row.format_type, "CSV")]
    for name, value in fmt.options.items():
        default = opts.DEFAULTS[fmt.type][name]
        kind = "Boolean" if isinstance(default, bool) else "Integer" if isinstance(default, int) else \
            "List" if isinstance(default, list) else "String"
        rows.append((name, kind, opts.option_text(value), opts.option_text(default)))
    return from_rows(["property", "property_type", "property_value", "property_default"], rows,
                     ["TEXT", "TEXT", "TEXT", "TEXT"])


# ---------------------------------------------------------------------------------------------
# The format a statement uses
# ---------------------------------------------------------------------------------------------


def _layer(session: Session, value: Any) -> tuple[str | None, dict[str, Any]]:
    """(TYPE, options) of a FILE_FORMAT value: `( FORMAT_NAME = … )`, `( TYPE = … … )` or a bare name."""
    if isinstance(value, str):
        value = {"FORMAT_NAME": value}
    if not isinstance(value, dict):
        raise lerrors.syntax("FILE_FORMAT must be ( FORMAT_NAME = '<name>' ) or ( TYPE = … ).")
    if "FORMAT_NAME" in value:
        if len(value) > 1:
            raise errors.compilation_error("FORMAT_NAME and TYPE are mutually exclusive in FILE_FORMAT.")
        row = find(session, qualified(_name_text(value["FORMAT_NAME"])))
        return row.format_type, row.options
    fmt_type = value.get("TYPE")
    return (None if fmt_type is None else str(fmt_type).upper()), value


def _name_text(value: Any) -> str:
    """A FORMAT_NAME value: a string literal names the format as written inside it; a word is an identifier."""
    if isinstance(value, Word):
        return str(value)
    text = str(value)
    return text if "." in text or '"' in text else f'"{text}"' if not re.fullmatch(r"[A-Za-z_][\w$]*", text) \
        else text


def stage_layer(session: Session, stage: StageRow | None) -> tuple[str | None, dict[str, Any]]:
    if stage is None:
        return None, {}
    stored = session.catalog.loads.stage_format(stage.id)
    return (None, {}) if stored is None else _layer(session, stored)


def resolve_for(session: Session, stage: StageRow | None, given: Any | None) -> FileFormat:
    """The format of a load or a staged-file query: the statement's (its options without TYPE or
    FORMAT_NAME change the stage's), else the stage's, else CSV with its defaults."""
    stage_type, stage_options = stage_layer(session, stage)
    if given is None:
        return opts.resolve(stage_type or "CSV", stage_options)
    fmt_type, layer = _layer(session, given)
    if fmt_type is not None:
        return opts.resolve(fmt_type, layer)
    return opts.resolve(stage_type or "CSV", stage_options, layer)


def set_stage_format(session: Session, stage_id: int, text: str) -> None:
    """CREATE STAGE … FILE_FORMAT = ( … ) | name: kept with the stage (checked first)."""
    value = opts.parse_options(f"FILE_FORMAT = {text}")["FILE_FORMAT"]
    stored = value if isinstance(value, dict) else {"FORMAT_NAME": str(value)}
    fmt_type, layer = _layer(session, stored)
    opts.resolve(fmt_type or "CSV", layer)
    session.catalog.loads.set_stage_format(stage_id, stored)
