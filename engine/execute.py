"""The executor: one dispatch from a statement to its handler."""

from __future__ import annotations

import re
from typing import assert_never

from snowreg import errors
from snowreg.engine import containers, models, show, stages, tags, transaction
from snowreg.engine.access import governance
from snowreg.engine.inference import statement as inference
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import run as query
from snowreg.engine.sql import write_pandas
from snowreg.grammar import ast


def execute(stmt: ast.Statement, session: Session, describe_only: bool = False) -> Result:
    """Run one statement in a session. A failed statement leaves the catalog unchanged.

    Inside a transaction a failed statement is undone alone: the transaction and its earlier writes stay.
    """
    if not describe_only:
        transaction.before_statement(session, stmt)
    try:
        return dispatch(stmt, session, describe_only)
    except errors.Error as e:
        if session.transaction:
            transaction.recover(session)
        if e.errno in (90105, 90106) and "Cannot perform operation." in e.msg:
            kind = statement_kind(stmt)
            raise type(e)(e.msg.replace("operation", kind, 1), e.errno, e.sqlstate) from None
        raise
    except Exception:
        if session.transaction:
            transaction.recover(session)
        raise


def statement_kind(stmt: ast.Statement) -> str:
    """How Snowflake's messages name a registry statement: CreateModel → CREATE MODEL."""
    words = re.findall(r"[A-Z][a-z]*", type(stmt).__name__)
    if words[:1] == ["Alter"] and len(words) > 2:
        words = words[:2]  # AlterModelSet → ALTER MODEL
    return " ".join(w.upper() for w in words)


def dispatch(stmt: ast.Statement, session: Session, describe_only: bool = False) -> Result:
    """The handler of each statement kind."""
    match stmt:
        case ast.Query():
            return run_query(session, stmt, describe_only)
        case _ if describe_only:
            return describe(stmt, session)
        case ast.CreateDatabase():
            return containers.create_database(session, stmt)
        case ast.DropDatabase():
            return containers.drop_database(session, stmt)
        case ast.CreateSchema():
            return containers.create_schema(session, stmt)
        case ast.DropSchema():
            return containers.drop_schema(session, stmt)
        case ast.Use():
            return containers.use(session, stmt)
        case ast.ShowDatabases():
            return show.show_databases(session, stmt)
        case ast.ShowSchemas():
            return show.show_schemas(session, stmt)
        case ast.SetVariable():
            return containers.set_variable(session, stmt)
        case ast.UnsetVariable():
            return containers.unset_variable(session, stmt)
        case ast.AlterSession():
            return containers.alter_session(session, stmt)
        case ast.ShowParameters():
            return containers.show_parameters(session, stmt)
        case ast.CreateModel():
            return models.create_model(session, stmt)
        case ast.DropModel():
            return models.drop_model(session, stmt)
        case ast.AlterModelSet():
            return models.alter_set(session, stmt)
        case ast.AlterModelUnset():
            return models.alter_unset(session, stmt)
        case ast.AlterModelSetTag():
            return models.set_tags(session, stmt)
        case ast.AlterModelUnsetTag():
            return models.unset_tags(session, stmt)
        case ast.SetAlias():
            return models.set_alias(session, stmt)
        case ast.UnsetAlias():
            return models.unset_alias(session, stmt)
        case ast.RenameModel():
            return models.rename_model(session, stmt)
        case ast.AddVersion():
            return models.add_version(session, stmt)
        case ast.DropVersion():
            return models.drop_version(session, stmt)
        case ast.ModifyVersion():
            return models.modify_version(session, stmt)
        case ast.CommentOn():
            return comment_on(session, stmt)
        case ast.ShowModels():
            return show.show_models(session, stmt)
        case ast.ShowVersions():
            return show.show_versions(session, stmt)
        case ast.ShowFunctions():
            return show.show_functions(session, stmt)
        case ast.CreateTag():
            return tags.create_tag(session, stmt)
        case ast.DropTag():
            return tags.drop_tag(session, stmt)
        case ast.CreateStage():
            return stages.create_stage(session, stmt)
        case ast.DropStage():
            return stages.drop_stage(session, stmt)
        case ast.Put():
            return stages.put(session, stmt)
        case ast.Get():
            return stages.get(session, stmt)
        case ast.ListFiles():
            return stages.list_files(session, stmt)
        case ast.RemoveFiles():
            return stages.remove(session, stmt)
        case (ast.CreateRole() | ast.DropRole() | ast.CreateUser() | ast.DropUser() | ast.GrantRole()
              | ast.RevokeRole() | ast.UseRole() | ast.UseSecondaryRoles() | ast.ShowRoles() | ast.ShowUsers()
              | ast.GrantPrivileges() | ast.RevokePrivileges() | ast.GrantOwnership() | ast.ShowGrants()):
            return governance.execute(session, stmt)
        case ast.Describe():
            return describe_object(session, stmt)
        case ast.LiveVersion():
            # The client only sends these when SYSTEM$ML_PLATFORM_CAPABILITIES enables live versions;
            # snowreg reports that capability off, so the client uses the stage path instead.
            raise errors.not_supported(f"{stmt.action} LIVE VERSION")
        case _:
            assert_never(stmt)


def run_query(session: Session, stmt: ast.Query, describe_only: bool = False) -> Result:
    """A plain SQL statement; model calls go through inference, write_pandas' statements to their own path."""
    if stmt.body.has_calls or stmt.model_aliases:
        result = inference.run(session, stmt, describe_only)
        if result.columns and result.columns[0].name.startswith("number of rows"):
            transaction.after_other_write(session)
        return result
    if write_pandas.handles(stmt):  # file formats, INFER_SCHEMA, COPY INTO from parquet
        result = write_pandas.run(session, stmt, describe_only)
        transaction.after_other_write(session)
        return result
    return query.run_sql(session, stmt.body.text, describe_only)


def describe(stmt: ast.Statement, session: Session) -> Result:
    """Type a non-query statement without running it: SHOW commands run (they change nothing)."""
    if isinstance(stmt, ast.ShowModels | ast.ShowVersions | ast.ShowFunctions | ast.ShowDatabases
                  | ast.ShowSchemas | ast.ShowParameters | ast.ShowRoles | ast.ShowGrants | ast.ListFiles):
        result = execute(stmt, session)
        result.rows = []
        result.rowcount = 0
        return result
    return status()


def comment_on(session: Session, stmt: ast.CommentOn) -> Result:
    if stmt.kind == "MODEL":
        return models.comment_on_model(session, stmt)
    raise errors.not_supported(f"COMMENT ON {stmt.kind}")


def describe_object(session: Session, stmt: ast.Describe) -> Result:
    if stmt.kind == "ARTIFACT REPOSITORY":
        raise errors.does_not_exist("Artifact repository", str(stmt.name.name))
    raise errors.not_supported(f"DESCRIBE {stmt.kind}")
