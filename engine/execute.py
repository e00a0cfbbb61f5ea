"""The executor: one dispatch from a statement to its handler."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import assert_never

from snowreg import errors
from snowreg.engine import (
    databases,
    describe_objects,
    live,
    loading,
    models,
    pipelines,
    retention,
    show,
    show_objects,
    stages,
    streams,
    tags,
    time_travel,
    transaction,
    variables,
    warehouses,
)
from snowreg.engine.access import governance, grants, showgrants
from snowreg.engine.inference import view_index
from snowreg.engine.result import Result, in_zone, status
from snowreg.engine.session import Session
from snowreg.engine.sql import run as query
from snowreg.engine.sql import shaping, write_pandas
from snowreg.engine.sql.session_texts import declared_types, mapped_text
from snowreg.grammar import ast, parse
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import split_name


def execute(stmt: ast.Statement, session: Session, describe_only: bool = False) -> Result:
    """Run one statement in a session. A failed statement leaves the catalog unchanged.

    An error about a named object that does not say where it stands gets the position of that name
    in the statement, from the AST, so every front end can point at it. Inside a transaction a failed
    statement is undone alone: the transaction and its earlier writes stay.
    """
    if describe_only and not session.describing:  # SYSTEM$ functions that act (engine.sql.system) only answer
        session.describing = True
        try:
            return execute(stmt, session, True)
        finally:
            session.describing = False
    if not describe_only:  # each check is called only when it has something to do (every statement passes here)
        if session.aborted_transaction is not None:
            transaction.refuse_if_aborted(session, stmt)
        if not isinstance(stmt, ast.Query):  # plain SQL: `before_plain` decides by its kind
            transaction.before_statement(session, stmt)
    before = transaction.mark(session) if session.transaction else None  # none open: nothing of it to keep
    try:
        result = dispatch(stmt, session, describe_only)
        parameters = session.parameters
        if "STRICT_JSON_OUTPUT" in parameters or "JSON_INDENT" in parameters:
            result = shaping.json_indented(shaping.json_strict(result, parameters.get("STRICT_JSON_OUTPUT")),
                                           parameters.get("JSON_INDENT"))
    except errors.Error as e:
        if session.transaction:
            _after_failure(session, describe_only, before)
        if e.errno in (90105, 90106) and "Cannot perform operation." in e.msg:
            raise errors.no_current_container(e, statement_kind(stmt)) from None
        if e.line is None and e.object_name is not None and e.object_name.startswith("$"):
            raise _at_variable(e, e.object_name, stmt) from None
        if e.line is None and (e.object_name is not None or e.object_parts is not None):
            _place(e, stmt)
        raise
    except Exception:
        if session.transaction:
            _after_failure(session, describe_only, before)
        raise
    # Rows built in Python (SHOW, DESCRIBE) keep UTC instants: TIMESTAMP_LTZ shows them in the session's zone.
    return result if isinstance(stmt, ast.Query) else in_zone(result, session.timezone)


def _after_failure(session: Session, describe_only: bool, before: tuple[str | None, int] | None) -> None:
    """A failed statement inside a transaction: undone alone, or the transaction aborted (TRANSACTION_ABORT_ON_ERROR)."""
    if describe_only:
        transaction.recover(session)
    else:
        transaction.after_failure(session, before)


def statement_kind(stmt: ast.Statement) -> str:
    """How Snowflake's messages name a registry statement: CreateModel → CREATE MODEL, SHOW TABLES."""
    if isinstance(stmt, ast.ShowObjects):
        return f"SHOW {stmt.kind}"
    words = re.findall(r"[A-Z][a-z]*", type(stmt).__name__)
    if words[:1] == ["Alter"] and len(words) > 2:
        words = words[:2]  # AlterModelSet → ALTER MODEL
    return " ".join(w.upper() for w in words)


def _place(error: errors.Error, stmt: ast.Statement) -> None:
    """Point an error about a named object at the first qualified name of the statement that names it
    (the parts both give must agree: `M` names `DB.S.M`, and `DB.S` names the schema `S`)."""
    try:
        wanted = list(error.object_parts) if error.object_parts else split_name(error.object_name or "")
    except ValueError:
        return
    if not wanted:
        return
    for qn in _qualified_names(stmt):
        given = [p for p in (qn.database, qn.schema, qn.name) if p is not None]
        n = min(len(given), len(wanted))
        if qn.span != ast.NO_SPAN and all(isinstance(p, str) for p in given) and wanted[-n:] == given[-n:]:
            error.line, error.column = qn.span.line, qn.span.column
            return
    for part in stmt.span.names:  # a role, a user, a database … written as a single name
        if part.name == wanted[-1]:
            error.line, error.column = part.span.line, part.span.column
            return


def _at_variable(error: errors.Error, name: str, stmt: ast.Statement) -> errors.Error:
    """A session variable never SET, at the first `IDENTIFIER($name)` (or `$name`) the statement names."""
    for part in stmt.span.names:
        if isinstance(part.name, ast.VarRef) and f"${part.name.var}" == name:
            return errors.variable_not_found(name, part.span.line, part.span.column)
    return error


def _qualified_names(node: object) -> Iterator[ast.QualifiedName]:
    """Every qualified name in an AST node, in field order."""
    if isinstance(node, ast.QualifiedName):
        yield node
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            yield from _qualified_names(getattr(node, f.name))
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _qualified_names(item)


def dispatch(stmt: ast.Statement, session: Session, describe_only: bool = False) -> Result:
    """The one dispatch from a statement to its handler."""
    match stmt:
        case ast.Query():
            return run_query(session, stmt, describe_only)
        case _ if describe_only:
            return describe(stmt, session)
        case ast.CreateDatabase():
            return databases.create_database(session, stmt)
        case ast.DropDatabase():
            return databases.drop_database(session, stmt)
        case ast.CreateSchema():
            return databases.create_schema(session, stmt)
        case ast.DropSchema():
            return databases.drop_schema(session, stmt)
        case ast.Use():
            return databases.use(session, stmt)
        case ast.ShowDatabases():
            return show.show_databases(session, stmt)
        case ast.ShowSchemas():
            return show.show_schemas(session, stmt)
        case ast.SetVariable():
            return variables.set_variable(session, stmt)
        case ast.UnsetVariable():
            return variables.unset_variable(session, stmt)
        case ast.AlterSession():
            return variables.alter_session(session, stmt)
        case ast.ShowParameters():
            return variables.show_parameters(session, stmt)
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
            return describe_objects.comment_on(session, stmt)
        case ast.ShowModels():
            return show.show_models(session, stmt)
        case ast.ShowObjects():
            return show_objects.show_objects(session, stmt)
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
        case ast.CreateRole():
            return governance.create_role(session, stmt)
        case ast.DropRole():
            return governance.drop_role(session, stmt)
        case ast.CreateUser():
            return governance.create_user(session, stmt)
        case ast.DropUser():
            return governance.drop_user(session, stmt)
        case ast.GrantRole():
            return governance.grant_role(session, stmt)
        case ast.RevokeRole():
            return governance.revoke_role(session, stmt)
        case ast.UseRole():
            return governance.use_role(session, stmt)
        case ast.UseSecondaryRoles():
            return governance.use_secondary_roles(session, stmt)
        case ast.ShowRoles():
            return showgrants.show_roles(session, stmt)
        case ast.ShowVariables():
            return variables.show_variables(session, stmt)
        case ast.ShowUsers():
            return showgrants.show_users(session, stmt)
        case ast.ShowAccountFunctions():
            return show.show_account_functions(session, stmt)
        case ast.ShowWarehouses():
            return warehouses.show_warehouses(session, stmt)
        case ast.ShowTransactions():
            return transaction.show_transactions(session, stmt)
        case ast.ShowLocks():
            return transaction.show_locks(session, stmt)
        case ast.CreateWarehouse():
            return warehouses.create_warehouse(session, stmt)
        case ast.DropWarehouse():
            return warehouses.drop_warehouse(session, stmt)
        case ast.AlterWarehouse():
            return warehouses.alter_warehouse(session, stmt)
        case ast.GrantPrivileges():
            return grants.grant_privileges(session, stmt)
        case ast.RevokePrivileges():
            return grants.revoke_privileges(session, stmt)
        case ast.GrantOwnership():
            return grants.grant_ownership(session, stmt)
        case ast.ShowGrants():
            return showgrants.show_grants(session, stmt)
        case ast.Describe():
            return describe_objects.describe_object(session, stmt)
        case ast.DescribeResult():
            return show_objects.describe_result(session, stmt)
        case ast.LiveVersion():
            return live.execute(session, stmt)
        case ast.AnonymousBlock():
            return run_block(session, stmt.text)
        case _:
            assert_never(stmt)


# Objects the grammar reads (so valid SQL is not called a syntax error) and snowreg does not emulate:
# no pipes … (grammar's unsupported_kind; dynamic tables, tasks and materialized views are emulated:
# _PIPELINES, UNDROP DYNAMIC TABLE with UNDROP TABLE, UNDROP TASK with the tasks; ALTER USER: engine.access.
# alter_user). ALTER ACCOUNT | SCHEMA | DATABASE:
# SET / UNSET DATA_RETENTION_TIME_IN_DAYS only (engine.retention).
_NOT_EMULATED = re.compile(r"(?:CREATE|ALTER|DROP|UNDROP) (?:EXTERNAL TABLE|"
                           r"EVENT TABLE|HYBRID TABLE|ICEBERG TABLE|PIPE|ALERT|NOTEBOOK|"
                           r"EXTERNAL FUNCTION|MASKING POLICY|ROW ACCESS POLICY)")
_RETENTION = re.compile(r"ALTER (?:ACCOUNT|SCHEMA|DATABASE|TABLE)")
_TAGGED_ALTERS = frozenset({"ALTER TABLE", "ALTER VIEW", "ALTER SCHEMA", "ALTER DATABASE"})  # SET / UNSET TAG


# UNDROP restores an object from Time Travel (https://docs.snowflake.com/en/sql-reference/sql/undrop-table):
# a dropped table is kept (engine.time_travel); a dropped schema or database is not (DECISIONS.md L2, L11).
_UNDROP = re.compile(r"UNDROP (?:SCHEMA|DATABASE)")


def run_query(session: Session, stmt: ast.Query, describe_only: bool = False) -> Result:
    """A plain SQL statement; model calls go through inference, write_pandas' statements to their own path."""
    if stmt.verb != "SELECT":  # a SELECT is none of the statements with a path of their own
        own = _own_path(session, stmt, describe_only)
        if own is not None:
            return own
    if stmt.verb == "COPY" and stmt.body.has_calls and loading.handles(stmt):  # unloading model calls
        with _positions_in_text(stmt):
            return loading.run(session, stmt, describe_only, lambda sql: run_text(session, sql))
    if stmt.body.has_calls or stmt.model_aliases:
        if _CALLS_REFUSED.match(stmt.body.text):  # (conformance/DECISIONS.md I50)
            what = "a multi-table INSERT" if "INSERT" in stmt.verb else "CREATE TEMPORARY TABLE … AS"
            raise errors.not_supported(f"A model call in {what}")
        result = _inference(session).run(session, stmt, describe_only)
        if result.columns and result.columns[0].name.startswith("number of rows"):
            transaction.after_other_write(session)
        return result
    if stmt.verb != "SELECT" and loading.handles(stmt):  # file formats, COPY INTO <table> FROM @stage
        with _positions_in_text(stmt):
            result = loading.run(session, stmt, describe_only)
        if stmt.verb == "COPY":
            transaction.after_other_write(session)
        return result
    text = stmt.body.text
    # one scan for the words the statements below with a path of their own are known by (a text with
    # other than ASCII characters is asked as each check asks, case-blind as str.lower and str.upper are)
    named = not text.isascii() or _NAMED.search(text) is not None
    if (stmt.verb == "COPY" or named) and write_pandas.handles(stmt):  # INFER_SCHEMA, COPY INTO … FROM (SELECT …)
        with _positions_in_text(stmt):
            result = write_pandas.run(session, stmt, describe_only)
        transaction.after_other_write(session)
        return result
    if view_index.mentioned(session, text):  # views over model calls expand when read
        return _inference(session).run(session, stmt, describe_only)
    if "@" in text:  # SELECT … FROM @stage: staged files read by engine.loading
        from snowreg.engine.loading import stage_query

        if stage_query.mentions_stage(text):
            if "VIEW" in stmt.verb:  # a view would keep reading the one statement's relation
                raise errors.not_supported("A view over staged files (FROM @stage)")
            with _positions_in_text(stmt):
                return stage_query.run(session, text, describe_only)
    if named and "TASK_HISTORY" in text.upper():  # TABLE(INFORMATION_SCHEMA.TASK_HISTORY(…)): engine.task_history
        from snowreg.engine import task_history

        if task_history.mentions(text):
            with _positions_in_text(stmt):
                return task_history.run(session, text, describe_only)
    if named and "MATCH_RECOGNIZE" in text.upper():  # row pattern matching: engine.sql.match_recognize
        from snowreg.engine.sql import match_recognize

        if "VIEW" in stmt.verb:  # a view would keep reading the one statement's relation
            raise errors.not_supported("A view over MATCH_RECOGNIZE")
        with _positions_in_text(stmt):
            return match_recognize.run(session, text, describe_only)
    if named and _PIVOT_VALUES.search(text):  # PIVOT … IN (ANY …) / IN (<subquery>): the values are read first
        from snowreg.engine.sql import pivot_values

        text = pivot_values.resolved(text, lambda sql: query.run_sql(session, sql))
    try:  # what _positions_in_text does, without a context manager on every statement's way
        if streams.all_streams(session):  # table streams read, tracked tables written (engine.sql.stream_changes)
            from snowreg.engine.sql import stream_changes

            result = stream_changes.run(session, stmt.verb, text, describe_only, lambda sql, local: query.run_sql(
                session, sql, describe_only, local))
        else:
            result = query.run_sql(session, text, describe_only)
        if stmt.verb == "TRUNCATE" and not describe_only:  # TRUNCATE TABLE deletes the table's load metadata
            loading.truncated(session, text)
        return result
    except errors.Error as e:
        if stmt.span.start == 0:
            raise
        raise errors.moved(e, stmt.span.line - 1, stmt.span.column) from e


def _own_path(session: Session, stmt: ast.Query, describe_only: bool) -> Result | None:
    """Statements the grammar leaves as plain text that do not run as plain SQL: user functions and
    procedures, EXECUTE IMMEDIATE, UNDROP; what snowreg does not emulate is refused. None: plain SQL."""
    if _NOT_EMULATED.fullmatch(stmt.verb):
        raise errors.not_supported(stmt.verb)
    if stmt.verb == "ALTER USER":
        from snowreg.engine.access import alter_user

        return status() if describe_only else alter_user.alter_user(session, stmt.body.text)
    if stmt.verb in pipelines.VERBS or (stmt.verb == "CREATE VIEW" and "MATERIALIZED" in stmt.body.text.upper()):
        with _positions_in_text(stmt):
            return pipelines.run(session, stmt, describe_only, lambda sql: run_text(session, sql))
    if stmt.verb in ("CREATE TABLE", "CREATE VIEW") and "TAG" in stmt.body.text.upper():
        from snowreg.engine import create_tags  # loads with the first CREATE … WITH TAG

        if create_tags.handles(stmt.body.text):
            with _positions_in_text(stmt):
                return status() if describe_only else create_tags.create(session, stmt.body.text,
                                                                          lambda sql: run_text(session, sql))
    if stmt.verb in ("CREATE FUNCTION", "DROP FUNCTION", "ALTER FUNCTION"):
        with _positions_in_text(stmt):
            from snowreg.engine import udfs  # user functions load with the first statement about one

            return status() if describe_only else udfs.run(session, stmt.verb, mapped_text(session, stmt.body.text))
    if stmt.verb in ("CREATE PROCEDURE", "DROP PROCEDURE", "ALTER PROCEDURE", "CALL") and not stmt.body.has_calls \
            and not _SYSTEM_CALL.match(stmt.body.text):  # CALL SYSTEM$…: the system functions' own path
        return _procedure(session, stmt, describe_only)
    if stmt.verb == "UNDROP STREAM":  # a dropped stream is not kept (conformance/DECISIONS.md W14)
        raise errors.not_supported(stmt.verb)
    if stmt.verb in ("CREATE STREAM", "DROP STREAM", "ALTER STREAM", "SHOW STREAMS"):
        with _positions_in_text(stmt):
            if describe_only and stmt.verb != "SHOW STREAMS":
                return status()
            if stmt.verb == "CREATE STREAM":
                from snowreg.engine.sql import create_stream

                return create_stream.create(session, stmt.body.text)
            run = {"DROP STREAM": streams.drop, "ALTER STREAM": streams.alter, "SHOW STREAMS": streams.show}[stmt.verb]
            return run(session, stmt.body.text)
    if stmt.verb == "ALTER VIEW" and "SECURE" in stmt.body.text.upper():
        from snowreg.engine import secure_views

        if secure_views.handles(stmt.body.text):
            with _positions_in_text(stmt):
                return status() if describe_only else secure_views.alter(session, stmt.body.text)
    if stmt.verb == "ALTER STAGE":
        from snowreg.engine import stage_alter

        with _positions_in_text(stmt):
            return status() if describe_only else stage_alter.alter(session, stmt.body.text)
    if stmt.verb == "ALTER SEQUENCE":
        from snowreg.engine import sequences

        return status() if describe_only else sequences.alter_sequence(session, stmt.body.text)
    if stmt.verb == "EXECUTE" and not stmt.body.has_calls:
        return execute_immediate(session, stmt.body.text, describe_only)
    if stmt.verb == "ALTER TAG":
        with _positions_in_text(stmt):
            return status() if describe_only else tags.alter_tag(session, stmt.body.text)
    if stmt.verb in _TAGGED_ALTERS and "TAG" in stmt.body.text.upper():
        from snowreg.engine import object_tags  # loads with the first statement setting a tag on an object

        if object_tags.handles(stmt.body.text):
            with _positions_in_text(stmt):
                return status() if describe_only else object_tags.alter(session, stmt.body.text)
    if _RETENTION.fullmatch(stmt.verb) and (stmt.verb != "ALTER TABLE" or retention.handles(stmt.body.text)):
        with _positions_in_text(stmt):
            if describe_only:
                return status()
            if stmt.verb == "ALTER ACCOUNT":
                return retention.alter_account(session, stmt.body.text)
            if stmt.verb != "ALTER TABLE":
                from snowreg.engine import container_alter

                return container_alter.alter(session, stmt.body.text)
            return retention.alter_object(session, stmt.verb, stmt.body.text)
    if stmt.verb == "ALTER TABLE" and "CLUSTER" in stmt.body.text.upper():
        from snowreg.engine import clustering  # it loads sqlglot: only with the first statement about a key

        if clustering.handles(stmt.body.text):
            with _positions_in_text(stmt):
                return status() if describe_only else clustering.alter(session, stmt.body.text)
    if stmt.verb in ("UNDROP TABLE", "UNDROP DYNAMIC TABLE"):
        return status() if describe_only else time_travel.undrop_table(session, stmt.body.text)
    if _UNDROP.fullmatch(stmt.verb):  # its errors, then refused as not supported (DECISIONS.md L11)
        return time_travel.undrop_container(session, stmt.verb, stmt.body.text)  # changes nothing: also described
    return None


# What write_pandas.handles (a SELECT), TASK_HISTORY, MATCH_RECOGNIZE and _PIVOT_VALUES look for, in one scan
_NAMED = re.compile(r"INFER_SCHEMA|TASK_HISTORY|MATCH_RECOGNIZE|PIVOT", re.I)
_PIVOT_VALUES = re.compile(r"\bPIVOT\b(?=.*\bIN\s*\(\s*(?:ANY|SELECT|WITH)\b)", re.I | re.S)
_SYSTEM_CALL = re.compile(r"\s*CALL\s+SYSTEM\$", re.I)
_CALLS_REFUSED = re.compile(r"\s*(?:INSERT\s+(?:OVERWRITE\s+)?(?:ALL|FIRST)\b|CREATE\s+(?:OR\s+REPLACE\s+)?"
                            r"(?:(?:LOCAL|GLOBAL)\s+)?(?:TEMP|TEMPORARY|VOLATILE)\s+TABLE\b)", re.I)

# EXECUTE IMMEDIATE '<statement>' | $$<statement>$$ | $variable [USING (…)]
# (https://docs.snowflake.com/en/sql-reference/sql/execute-immediate)
_IMMEDIATE = re.compile(r"\s*EXECUTE\s+IMMEDIATE\s+(?P<text>'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$|\$[A-Za-z_][A-Za-z0-9_$]*)"
                        r"\s*(?P<using>USING\b.*?)?\s*;?\s*", re.I | re.S)
# The other EXECUTE statements (https://docs.snowflake.com/en/sql-reference/sql/execute-task, …/execute-job-service,
# and the batch-inference jobs snowflake-ml-python's ModelVersion.run_batch submits) run services snowreg lacks.
_EXECUTE_OTHER = re.compile(r"\s*EXECUTE\s+(?!IMMEDIATE\b)(?P<what>INFERENCE\s+JOB\s+SERVICE|JOB\s+SERVICE|"
                            r"DBT\s+PROJECT|[A-Z_]+)\b", re.I)
_SPCS_JOBS = " (Snowpark Container Services: job services, and batch inference with ModelVersion.run_batch)"
_EXECUTE_WHY = {"INFERENCE JOB SERVICE": _SPCS_JOBS, "JOB SERVICE": _SPCS_JOBS}
_BLOCK = re.compile(r"\s*(?:BEGIN|DECLARE)\b(?!\s+(?:TRANSACTION|WORK)?\s*;?\s*$)", re.I)


def execute_immediate(session: Session, sql: str, describe_only: bool = False) -> Result:
    """EXECUTE IMMEDIATE of one SQL statement: run as if sent on its own. USING binds Snowflake Scripting
    variables, and blocks are Snowflake Scripting: neither is emulated."""
    m = _IMMEDIATE.fullmatch(sql)
    other = _EXECUTE_OTHER.match(sql)
    if m is None and other is not None:  # EXECUTE TASK, EXECUTE JOB SERVICE, …: not EXECUTE IMMEDIATE at all
        what = " ".join(other.group("what").upper().split())
        if what == "TASK":
            from snowreg.engine import tasks

            return status() if describe_only else tasks.execute_task(session, sql, lambda t: run_text(session, t))
        raise errors.not_supported(f"The statement EXECUTE {what}{_EXECUTE_WHY.get(what, '')}")
    if m is None:
        raise errors.not_supported("This form of EXECUTE IMMEDIATE (a string literal or a $session_variable "
                                   "holding one SQL statement)")
    if m.group("using"):
        raise errors.not_supported("EXECUTE IMMEDIATE … USING (bind variables of Snowflake Scripting)")
    text = m.group("text")
    if text.startswith("$") and not text.startswith("$$"):
        name = text[1:].upper()
        if name not in session.variables:
            raise errors.variable_not_found(f"${name}")
        text = str(session.variables[name])
    else:
        text = decode_string(text)
    return run_text(session, text, describe_only)


def run_text(session: Session, text: str, describe_only: bool = False) -> Result:
    """One statement or Snowflake Scripting block given as text (EXECUTE IMMEDIATE's, a task's body)."""
    if _BLOCK.match(text):
        from snowreg.grammar.scripting import starts_block  # Scripting loads with the first block

        if starts_block(text):
            if describe_only:  # its column's type is the RETURN value's, known only by running it
                raise errors.not_supported("Describing an anonymous block without running it")
            return run_block(session, text)
    statements = parse(text)
    if len(statements) != 1:
        raise errors.not_supported("EXECUTE IMMEDIATE of other than one statement")
    return execute(statements[0], session, describe_only)


def run_block(session: Session, text: str) -> Result:
    """An anonymous block (https://docs.snowflake.com/en/developer-guide/snowflake-scripting/blocks): its one
    column `anonymous block` holds the RETURN value, or RETURN TABLE's rows are the result."""
    from snowreg.engine import scripting  # Scripting loads with the first block
    from snowreg.grammar.scripting import parse_script

    block = parse_script(text)
    refuse = None
    if session.transaction:  # its BEGIN / COMMIT / ROLLBACK would be scoped, as a procedure's (DECISIONS.md M25)
        from snowreg.engine.procedures import refusals

        refuse = refusals(False, True, "an anonymous block run")
    interpreter = scripting.Interpreter(statement_runner(session, refuse), statement_runner(session, refuse, True),
                                        check=session.check_canceled,
                                        declared_type=declared_types(session))
    return interpreter.run(block, scripting.Scope())


def statement_runner(session: Session, refuse: Callable[[ast.Statement], None] | None = None,
                     record: bool = False) -> Callable[[str], Result]:
    """How a block runs one of its statements: parsed and executed as if sent alone (`refuse` may stop
    a statement an owner's-rights procedure may not run). A recorded statement (a SQL statement of the
    block, not an expression's SELECT) gets a query id: LAST_QUERY_ID() and RESULT_SCAN read it."""
    def run(text: str) -> Result:
        statements = parse(text)
        if len(statements) != 1:
            raise errors.not_supported("Several statements in one statement of a Snowflake Scripting block")
        if refuse is not None:
            refuse(statements[0])
        result = execute(statements[0], session)
        if record:
            result.query_id = str(uuid.uuid4())
            session.record_query(result.query_id, result)
        return result
    return run


def _procedure(session: Session, stmt: ast.Query, describe_only: bool = False) -> Result:
    """SQL stored procedures (engine.procedures): DDL, and CALL, whose body's statements run through here.
    Described, a CALL gives the procedure's declared result columns, DDL its status column."""
    from snowreg.engine import procedures  # procedures load with the first statement about one

    if describe_only and stmt.verb != "CALL":
        return status()
    with _positions_in_text(stmt):
        if describe_only:
            return procedures.describe_call(session, stmt.body.text,
                                            lambda refuse, record: statement_runner(session, refuse, record))
        if stmt.verb == "CALL":
            return procedures.call(session, stmt.body.text,
                                   lambda refuse, record: statement_runner(session, refuse, record))
        return procedures.run(session, stmt.verb, mapped_text(session, stmt.body.text))


def _inference(session: Session) -> ModuleType:
    """Inference (and what it imports) loads with the first statement that calls a model, not at connect().
    Its statements may call the prebuilt functions on paths of their own: they are attached first."""
    from snowreg.engine.inference import statement

    session.catalog.store.functions_for()

    return statement


@contextmanager
def _positions_in_text(stmt: ast.Query) -> Iterator[None]:
    """Errors of the plain SQL path count positions in the statement's own text; move them into the text
    the statement was parsed from, where the AST's spans (and so every other error's position) count."""
    try:
        yield
    except errors.Error as e:
        if stmt.span.start == 0:
            raise
        raise errors.moved(e, stmt.span.line - 1, stmt.span.column) from e


def describe(stmt: ast.Statement, session: Session) -> Result:
    """Type a non-query statement without running it: SHOW commands run (they change nothing)."""
    if isinstance(stmt, ast.ShowModels | ast.ShowObjects | ast.ShowVersions | ast.ShowFunctions | ast.ShowDatabases
                  | ast.ShowSchemas | ast.ShowParameters | ast.ShowRoles | ast.ShowGrants | ast.ListFiles
                  | ast.ShowUsers | ast.ShowWarehouses | ast.ShowAccountFunctions | ast.ShowTransactions
                  | ast.ShowLocks | ast.ShowVariables | ast.DescribeResult):
        result = execute(stmt, session)
        result.rows = []
        result.rowcount = 0
        return result
    if isinstance(stmt, ast.AnonymousBlock):  # its column's type is the RETURN value's, known only by running it
        raise errors.not_supported("Describing an anonymous block without running it")
    return status()
