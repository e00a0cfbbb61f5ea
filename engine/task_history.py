"""TABLE(INFORMATION_SCHEMA.TASK_HISTORY(…)): the runs EXECUTE TASK recorded, as a relation registered for one
statement (https://docs.snowflake.com/en/sql-reference/functions/task_history; conformance/DECISIONS.md Q20)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.result import Column, Result
from snowreg.engine.session import Session
from snowreg.grammar.lexical import decode_string

CALL = re.compile(r"TABLE\s*\(\s*(?:(?:\"?\w+\"?\s*\.\s*)?INFORMATION_SCHEMA\s*\.\s*)?TASK_HISTORY\s*\("
                  r"(?P<args>(?:[^()']|'(?:[^'\\]|\\.|'')*'|\([^()]*\))*)\)\s*\)", re.I)
_ARG = re.compile(r"\s*(?P<name>\w+)\s*=>\s*(?P<value>'(?:[^'\\]|\\.|'')*'|[^,]+?)\s*(?:,|$)", re.I | re.S)
COLUMNS = ["QUERY_ID", "NAME", "DATABASE_NAME", "SCHEMA_NAME", "QUERY_TEXT", "CONDITION_TEXT", "STATE", "ERROR_CODE",
           "ERROR_MESSAGE", "SCHEDULED_TIME", "QUERY_START_TIME", "NEXT_SCHEDULED_TIME", "COMPLETED_TIME",
           "ROOT_TASK_ID", "GRAPH_VERSION", "RUN_ID", "RETURN_VALUE", "SCHEDULED_FROM", "ATTEMPT_NUMBER"]
_TYPES = {"SCHEDULED_TIME": "TIMESTAMP_LTZ", "QUERY_START_TIME": "TIMESTAMP_LTZ", "NEXT_SCHEDULED_TIME": "TIMESTAMP_LTZ",
          "COMPLETED_TIME": "TIMESTAMP_LTZ", "GRAPH_VERSION": "FIXED", "RUN_ID": "FIXED", "ATTEMPT_NUMBER": "FIXED"}


def mentions(text: str) -> bool:
    return "TASK_HISTORY" in text.upper() and CALL.search(text) is not None


def run(session: Session, text: str, describe_only: bool) -> Result:
    """The statement with each TASK_HISTORY call replaced by the rows of the tasks the session may see."""
    from snowreg.engine.sql.history import arrow_of
    from snowreg.engine.sql.run import run_sql

    registered: list[str] = []

    def replace(m: re.Match[str]) -> str:
        view = f"SNOWREG_TASK_HISTORY_{uuid.uuid4().hex.upper()}"
        session.duck.register(view, arrow_of(_rows(session, m.group("args"))))
        registered.append(view)
        return view

    try:
        return run_sql(session, CALL.sub(replace, text), describe_only, frozenset(registered))
    finally:
        for view in registered:
            session.duck.unregister(view)


def _options(args: str) -> dict[str, str]:
    out: dict[str, str] = {}
    pos = 0
    while pos < len(args) and args[pos:].strip():
        m = _ARG.match(args, pos)
        if m is None:
            raise errors.not_supported("TASK_HISTORY arguments other than name => value")
        value = m.group("value").strip()
        out[m.group("name").upper()] = decode_string(value) if value.startswith("'") else value
        pos = m.end()
    return out


def _rows(session: Session, args: str) -> Result:
    options = _options(args)
    unknown = set(options) - {"TASK_NAME", "RESULT_LIMIT", "ERROR_ONLY", "SCHEDULED_TIME_RANGE_START",
                              "SCHEDULED_TIME_RANGE_END", "ROOT_TASK_ID"}
    if unknown or "SCHEDULED_TIME_RANGE_START" in options or "SCHEDULED_TIME_RANGE_END" in options:
        raise errors.not_supported(f"TASK_HISTORY with {', '.join(sorted(unknown) or ['SCHEDULED_TIME_RANGE_*'])}")
    a = privileges.access(session)
    tasks = session.catalog.tasks
    rows: list[tuple[Any, ...]] = []
    limit = int(options.get("RESULT_LIMIT", "100"))
    for r in tasks.history():
        (query_id, database, schema, name, query_text, condition, state, code, message, scheduled, started, completed,
         root, graph_version, run_id, value) = r
        task = tasks.get_task(database, schema, name)
        if task is None or not (a.manage_grants or (a.schema_usable(database, schema)
                                                    and a.held(("TASK", database, schema, name), task.owner))):
            continue  # a role sees the runs of the tasks it holds a privilege on (the page's usage notes)
        if "TASK_NAME" in options and options["TASK_NAME"].upper() != name.upper():
            continue
        if options.get("ERROR_ONLY", "FALSE").upper() == "TRUE" and state != "FAILED":
            continue
        if "ROOT_TASK_ID" in options and options["ROOT_TASK_ID"] != root:
            continue
        rows.append((query_id, name, database, schema, query_text, condition, state, code, message, scheduled,
                     started, None, completed, root, graph_version, run_id, value, "EXECUTE TASK", 1))
    rows = rows[:limit]
    columns = [Column(c, _TYPES.get(c, "TEXT")) for c in COLUMNS]
    return Result(columns, rows)
