"""DESCRIBE STAGE and ALTER STAGE of named internal stages and `file://` stages
(https://docs.snowflake.com/en/sql-reference/sql/desc-stage, https://docs.snowflake.com/en/sql-reference/sql/alter-stage;
conformance/DECISIONS.md S67-S68, U61-U62).

    ALTER STAGE [IF EXISTS] <name> RENAME TO <new_name>
    ALTER STAGE [IF EXISTS] <name> SET { FILE_FORMAT = ( … ) | COPY_OPTIONS = ( … ) | COMMENT = '<string>' } …
    ALTER STAGE [IF EXISTS] <name> UNSET COMMENT

The other properties (URL, credentials, encryption, directory, tags) are refused as not supported: snowreg keeps
none of them on a stage.
"""

from __future__ import annotations

import re
from typing import Any

from snowreg import errors
from snowreg.engine import stages, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast

_ALTER = re.compile(rf"\s*ALTER\s+STAGE\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+(?P<rest>.*?)\s*;?\s*",
                    re.I | re.S)
_RENAME = re.compile(rf"RENAME\s+TO\s+(?P<new>{QUALIFIED_NAME})", re.I)
_UNSET = re.compile(r"UNSET\s+COMMENT", re.I)
_SET = re.compile(r"SET\s+(?P<props>.+)", re.I | re.S)
_COMMENT = re.compile(r"COMMENT\s*=\s*(?P<value>'(?:[^'\\]|\\.|'')*')", re.I)
_STRING = r"'(?:[^'\\]|\\.|'')*'"
_COPY_OPTIONS = re.compile(rf"COPY_OPTIONS\s*=\s*(?P<value>\((?:[^()']|{_STRING}|\((?:[^()']|{_STRING})*\))*\))", re.I)
_FILE_FORMAT = re.compile(r"FILE_FORMAT\s*=\s*(?P<value>\((?:[^()']|'(?:[^'\\]|\\.|'')*')*\)|[\w$.\"]+)", re.I)


def alter(session: Session, sql: str) -> Result:
    m = _ALTER.fullmatch(sql)
    if m is None:
        raise errors.not_supported("This form of ALTER STAGE")
    rest = m.group("rest")
    comment: tuple[str | None] | None = None  # (new comment,) when the statement changes it
    file_format: str | None = None
    copy_options: dict[str, Any] | None = None
    new_name: tuple[str, str, str] | None = None
    if (rename := _RENAME.fullmatch(rest)) is not None:
        new_name = session.qualify(qualified_name(rename.group("new")))
    elif _UNSET.fullmatch(rest) is not None:
        comment = (None,)
    elif (set_ := _SET.fullmatch(rest)) is not None:
        props, at = set_.group("props"), 0
        while at < len(props):
            found = _COMMENT.match(props, at) or _FILE_FORMAT.match(props, at) or _COPY_OPTIONS.match(props, at)
            if found is None:
                word = props[at:].split("=")[0].split()[0].upper()
                raise errors.not_supported(f"ALTER STAGE … SET {word} (snowreg keeps a stage's FILE_FORMAT, "
                                           "COPY_OPTIONS and COMMENT only)")
            if found.re is _COMMENT:
                comment = (stages.string_value(found.group("value")),)
            elif found.re is _COPY_OPTIONS:
                from snowreg.engine.loading import copy_options as checks

                copy_options = checks.stage_copy_options(found.group("value"))  # checked before anything changes
            else:
                file_format = found.group("value")
            at = found.end() + len(props[found.end():]) - len(props[found.end():].lstrip(", \t\n"))
    else:
        words = " ".join(rest.split()[:2]).upper()
        raise errors.not_supported(f"ALTER STAGE … {words}")
    try:
        stage = stages.find_stage(session, qualified_name(m.group("name")), "own")
    except errors.ProgrammingError as e:
        if m.group("if_exists") and e.errno == 2003:
            return status()
        raise
    transaction.before_plain(session, "ddl")
    catalog = session.catalog
    if new_name is not None:
        db, schema, name = new_name
        if (db, schema) != (stage.database_name, stage.schema_name):
            privileges.check_create_in_schema(session, db, schema, "STAGE")
            privileges.check_move_into_schema(session, stage.owner, db, schema)
        existing = catalog.objects.get_stage(db, schema, name)
        if existing is not None:  # one the role cannot see is not told of to a role that may not create there
            privileges.check_create_before_telling(session, db, schema, "STAGE",
                                                   privileges.can_see_stage(session, existing))
            raise errors.already_exists("Object", name)
        catalog.objects.update_stage(stage.id, db, schema, name, stage.comment)
        return status()
    if file_format is not None:
        from snowreg.engine.loading import file_formats

        file_formats.set_stage_format(session, stage.id, file_format)  # checked before it is kept
    if copy_options is not None:  # the new set replaces the stage's (U61)
        catalog.loads.set_stage_copy_options(stage.id, copy_options)
    if comment is not None:
        catalog.objects.update_stage(stage.id, stage.database_name, stage.schema_name, stage.name, comment[0])
    return status()


def describe(session: Session, qn: ast.QualifiedName) -> Result:
    """DESCRIBE STAGE: parent_property, property, property_type, property_value, property_default; the stage's
    file format (its own options over its type's defaults, as DESCRIBE FILE FORMAT shows them), its location
    its copy options (its own over their defaults, U62) and its directory table (none)."""
    from snowreg.engine import stage_properties
    from snowreg.engine.loading import file_formats
    from snowreg.engine.loading import options as opts

    stage = stages.find_stage(session, qn, "read")
    fmt_type, layer = file_formats.stage_layer(session, stage)
    fmt = opts.resolve(fmt_type or "CSV", layer)
    rows = [("STAGE_FILE_FORMAT", "TYPE", "String", fmt.type, "CSV")]
    for name, value in fmt.options.items():
        default = opts.DEFAULTS[fmt.type][name]
        kind = "Boolean" if isinstance(default, bool) else "Integer" if isinstance(default, int) else \
            "List" if isinstance(default, list) else "String"
        rows.append(("STAGE_FILE_FORMAT", name, kind, opts.option_text(value), opts.option_text(default)))
    rows += stage_properties.describe_rows(session, stage.id)
    rows.append(("STAGE_LOCATION", "URL", "String", f'["{stage.url}"]' if stage.url else "", ""))
    rows.append(("DIRECTORY", "ENABLE", "Boolean", "false", "false"))
    return from_rows(["parent_property", "property", "property_type", "property_value", "property_default"], rows,
                     ["TEXT"] * 5)

