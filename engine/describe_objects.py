"""COMMENT ON and DESCRIBE <object>: each object kind's own handler (the executor's dispatch sends them here)."""

from __future__ import annotations

import dataclasses

from snowreg import errors
from snowreg.engine import databases, models, show, show_objects, streams
from snowreg.engine.access import showgrants
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import run as query
from snowreg.grammar import ast
from snowreg.grammar.render import qname, string


def comment_on(session: Session, stmt: ast.CommentOn) -> Result:
    if stmt.kind == "MODEL":
        return models.comment_on_model(session, stmt)
    if stmt.kind in ("DATABASE", "SCHEMA"):
        return databases.comment_on(session, stmt)
    if stmt.kind in ("TABLE", "VIEW"):  # plain SQL: the table's owner comments it (engine.sql.dml)
        try:
            return query.run_sql(session, f"COMMENT ON {stmt.kind} {qname(stmt.name)} IS {string(stmt.comment)}")
        except errors.ProgrammingError as e:
            if stmt.if_exists and e.errno == 2003:
                return status()
            raise
    raise errors.not_supported(f"COMMENT ON {stmt.kind}")


def describe_object(session: Session, stmt: ast.Describe) -> Result:
    if stmt.kind == "ARTIFACT REPOSITORY":
        raise errors.does_not_exist("Artifact repository", str(stmt.name.name))
    if stmt.type is not None and (stmt.type != "COLUMNS" or stmt.kind != "TABLE"):  # STAGE: the table's stage
        raise errors.not_supported(f"DESCRIBE {stmt.kind} … TYPE = {stmt.type}")
    if stmt.kind in ("TABLE", "VIEW", "MATERIALIZED VIEW", "DYNAMIC TABLE"):  # interchangeable (their pages)
        return show_objects.describe(session, dataclasses.replace(stmt, kind="VIEW" if "VIEW" in stmt.kind else "TABLE"))
    if stmt.kind == "TASK":
        from snowreg.engine import tasks

        return tasks.describe(session, stmt)
    if stmt.kind == "SEQUENCE":
        return show_objects.describe_sequence(session, stmt)
    if stmt.kind == "STREAM":
        return streams.describe(session, stmt.name)
    if stmt.kind == "FUNCTION":
        if stmt.arg_types is None:
            raise errors.compilation_error("A function is named with its argument types: FUNCTION f(<type>, …).")
        from snowreg.engine import udfs
        from snowreg.grammar.ast.functions import FunctionSignature

        return udfs.describe_function(session, FunctionSignature(stmt.name, stmt.arg_types))
    if stmt.kind == "PROCEDURE":
        if stmt.arg_types is None:
            raise errors.compilation_error("A procedure is named with its argument types: PROCEDURE p(<type>, …).")
        from snowreg.engine import procedures
        from snowreg.grammar.ast.functions import FunctionSignature

        return procedures.describe_procedure(session, FunctionSignature(stmt.name, stmt.arg_types))
    if stmt.kind in ("USER", "DATABASE", "SCHEMA"):
        return showgrants.describe_user(session, stmt) if stmt.kind == "USER" else \
            show.describe_database(session, stmt.name) if stmt.kind == "DATABASE" else \
            show_objects.describe_schema(session, stmt.name)
    if stmt.kind == "STAGE":
        from snowreg.engine import stage_alter

        return stage_alter.describe(session, stmt.name)
    if stmt.kind == "FILE FORMAT":
        from snowreg.engine.loading import file_formats

        return file_formats.describe(session, stmt.name)
    raise errors.not_supported(f"DESCRIBE {stmt.kind}")
