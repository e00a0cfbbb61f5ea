"""Tasks: CREATE [OR REPLACE | OR ALTER] / ALTER / DROP / DESCRIBE / SHOW TASKS, EXECUTE TASK, TASK_HISTORY.

https://docs.snowflake.com/en/sql-reference/sql/create-task, …/alter-task, …/execute-task, …/show-tasks,
https://docs.snowflake.com/en/sql-reference/functions/task_history. Nothing runs on a schedule offline: a task's
SCHEDULE is validated, kept and shown, never fired; EXECUTE TASK runs the task (its WHEN first) and then, in
order, the resumed tasks that follow it (AFTER), each with its owner's privileges, and records each run for
INFORMATION_SCHEMA.TASK_HISTORY() (conformance/DECISIONS.md Q15-Q22).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
import zoneinfo
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson

from snowreg import errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.store import now
from snowreg.catalog.tasks import TaskRow
from snowreg.engine import procedures, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, check_container, qualified_name
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import like, quote_ident, top_level_as

# https://docs.snowflake.com/en/sql-reference/sql/show-tasks (output)
SHOW_COLUMNS = ["created_on", "name", "id", "database_name", "schema_name", "owner", "comment", "warehouse",
                "schedule", "predecessors", "state", "definition", "condition", "allow_overlapping_execution",
                "error_integration", "last_committed_on", "last_suspended_on", "owner_role_type", "config", "budget",
                "task_relations", "last_suspended_reason"]
_TIMES = {"created_on", "last_committed_on", "last_suspended_on"}

_HEAD = re.compile(rf"\s*CREATE\s+(?P<mode>OR\s+REPLACE\s+|OR\s+ALTER\s+)?TASK\s+(?P<if_not>IF\s+NOT\s+EXISTS\s+)?"
                   rf"(?P<name>{QUALIFIED_NAME})", re.I | re.S)
_PROPERTY = re.compile(r"\s*(?P<key>[A-Z_][A-Z0-9_]*)\s*=\s*(?P<value>'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$|[^\s,]+)",
                       re.I | re.S)
_AFTER = re.compile(rf"\s*AFTER\s+(?P<names>{QUALIFIED_NAME}(?:\s*,\s*{QUALIFIED_NAME})*)", re.I | re.S)
_WHEN = re.compile(r"\s*WHEN\s+(?P<cond>.+)", re.I | re.S)
_SIZES = ("XSMALL", "SMALL", "MEDIUM", "LARGE", "XLARGE", "XXLARGE", "XXXLARGE", "X-SMALL", "X-LARGE", "2X-LARGE",
          "3X-LARGE")
_KNOWN = {"WAREHOUSE", "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE", "SCHEDULE", "COMMENT", "CONFIG",
          "ALLOW_OVERLAPPING_EXECUTION", "USER_TASK_TIMEOUT_MS", "SUSPEND_TASK_AFTER_NUM_FAILURES",
          "TASK_AUTO_RETRY_ATTEMPTS", "USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS", "ERROR_INTEGRATION"}
_CRON_FIELD = re.compile(r"[0-9A-Za-z*/,\-?LW#]+")
_INTERVAL = re.compile(r"(?P<n>[0-9]+)\s*(?P<unit>MINUTES?|M|HOURS?|H|SECONDS?|S)", re.I)


# ---------------------------------------------------------------------------------------------
# Reading a statement
# ---------------------------------------------------------------------------------------------


def _split_as(text: str, start: int) -> tuple[str, str]:
    """(header, body) of a CREATE TASK at its first `AS` outside literals and parentheses."""
    pos = top_level_as(text, start)
    if pos is None:
        raise errors.syntax_error_detail("CREATE TASK needs AS <sql>")
    return text[start:pos], text[pos + 2:].strip().rstrip(";").strip()


def _literal(value: str) -> str:
    if value.startswith("'"):
        return value[1:-1].replace("''", "'").replace("\\'", "'")
    return value


def _properties(session: Session, header: str) -> tuple[dict[str, Any], str | None]:
    """The header's `KEY = value` pairs, AFTER and WHEN; (properties, comment)."""
    props: dict[str, Any] = {}
    comment = None
    pos = 0
    while pos < len(header) and header[pos:].strip():
        after = _AFTER.match(header, pos)
        if after is not None:
            props["predecessors"] = [list(session.qualify(qualified_name(n)))
                                     for n in _names(after.group("names"))]
            pos = after.end()
            continue
        when = _WHEN.match(header, pos)
        if when is not None:
            props["condition"] = when.group("cond").strip()
            break
        m = _PROPERTY.match(header, pos)
        if m is None:
            raise errors.syntax_error_detail(f"unexpected '{header[pos:].strip().split()[0]}' in CREATE TASK")
        key, value = m.group("key").upper(), m.group("value")
        if key == "COMMENT":
            comment = _literal(value)
        else:
            props[key.lower()] = _setting(key, value)
        pos = m.end()
    return props, comment


def _names(text: str) -> list[str]:
    return [n for n in re.findall(QUALIFIED_NAME, text)]


def _setting(key: str, value: str) -> Any:
    """A property's value, checked where the page documents its values."""
    if key not in _KNOWN:
        raise errors.not_supported(f"The task property {key}")
    text = _literal(value)
    if key == "SCHEDULE":
        check_schedule(text)
    elif key == "WAREHOUSE":
        return qualified_name(value).name
    elif key == "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE" and text.upper() not in _SIZES:
        raise errors.invalid_parameter_value(key, text)
    elif key == "ALLOW_OVERLAPPING_EXECUTION":
        if text.upper() not in ("TRUE", "FALSE"):
            raise errors.invalid_parameter_value(key, text)
        return text.upper() == "TRUE"
    elif key in ("USER_TASK_TIMEOUT_MS", "SUSPEND_TASK_AFTER_NUM_FAILURES", "TASK_AUTO_RETRY_ATTEMPTS",
                 "USER_TASK_MINIMUM_TRIGGER_INTERVAL_IN_SECONDS"):
        if not text.isdigit():
            raise errors.invalid_parameter_value(key, text)
        return int(text)
    return text


# Each cron field's values (https://docs.snowflake.com/en/sql-reference/sql/create-task: minute 0-59, hour 0-23,
# day of month 1-31 or L, month 1-12 or JAN-DEC, day of week 0-6 or SUN-SAT or L) and the names it takes.
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_CRON_RANGES: tuple[tuple[tuple[int, int], tuple[str, ...]], ...] = (
    ((0, 59), ()), ((0, 23), ()), ((1, 31), ()), ((1, 12), _MONTHS), ((0, 6), _DAYS))


def _cron_field(field: str, bounds: tuple[int, int], names: tuple[str, ...]) -> bool:
    """A cron field's every value within its range (X21): a list of `*`, `?`, a value, a range `a-b`, each with
    an optional step `/n`; a value a number or a name, `L`, `nL`, `nW` or `n#k` (the suffixes as written)."""
    if not _CRON_FIELD.fullmatch(field):
        return False
    for item in field.split(","):
        base, _, step = item.partition("/")
        if step and not (step.isdigit() and int(step) >= 1):
            return False
        for value in base.split("-") if base not in ("*", "?", "L") else ():
            value = re.sub(r"(?:#[0-9]+|[LW])$", "", value.upper())
            if value in names:
                continue
            if not value.isdigit() or not bounds[0] <= int(value) <= bounds[1]:
                return False
    return True


def check_schedule(text: str) -> None:
    """SCHEDULE = '<n> MINUTE[S]' | '<n> HOUR[S]' | '<n> SECOND[S]' | 'USING CRON <5 fields> <time zone>'."""
    cron = re.fullmatch(r"\s*USING\s+CRON\s+(.+)", text, re.I)
    if cron is not None:
        parts = cron.group(1).split()
        ok = len(parts) == 6 and all(_cron_field(p, bounds, names)
                                     for p, (bounds, names) in zip(parts[:5], _CRON_RANGES, strict=True))
        if ok:
            try:
                zoneinfo.ZoneInfo(parts[5])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                ok = False
        if not ok:
            raise errors.invalid_parameter_value("SCHEDULE", text)
        return
    m = _INTERVAL.fullmatch(text.strip())
    if m is None or int(m.group("n")) < 1:
        raise errors.invalid_parameter_value("SCHEDULE", text)
    unit = m.group("unit")[0].upper()
    if unit == "M" and int(m.group("n")) > 11520:  # the page: at most 11520 minutes (8 days)
        raise errors.invalid_parameter_value("SCHEDULE", text)


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------


def _fqn(key: tuple[str, str, str]) -> str:
    return ".".join(quote_ident(p) for p in key)


def _held(session: Session, task: TaskRow) -> frozenset[str]:
    a = privileges.access(session)
    if not a.schema_usable(task.database_name, task.schema_name):
        return frozenset()
    return a.held(("TASK", *task.key), task.owner)


def _task(session: Session, name: str, needs: tuple[str, ...] = (), optional: bool = False) -> TaskRow | None:
    """The task a statement names: missing or unseen → 002003 (None with IF EXISTS); seen without one of
    `needs` (OWNERSHIP is enough for any) → 003001."""
    key = session.qualify(qualified_name(name))
    task = session.catalog.tasks.get_task(*key)
    held = _held(session, task) if task is not None else frozenset()
    if task is None or not (held or privileges.access(session).manage_grants):
        if optional:
            return None
        raise errors.does_not_exist("Task", _fqn(key))
    if needs and "OWNERSHIP" not in held and not any(n in held for n in needs):
        raise errors.insufficient_privileges("task", task.name)
    return task


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


def run(session: Session, verb: str, text: str) -> Result:
    if verb in ("CREATE TASK", "CREATE OR ALTER TASK"):
        return create(session, text)
    if verb == "DROP TASK":
        m = re.fullmatch(rf"\s*DROP\s+TASK\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s*;?\s*",
                         text, re.I | re.S)
        if m is None:
            raise errors.syntax_error_detail("DROP TASK [IF EXISTS] <name>")
        task = _task(session, m.group("name"), ("OWNERSHIP",), m.group("if_exists") is not None)
        if task is None:
            return status(f"Drop statement executed successfully ({qualified_name(m.group('name')).name} "
                          "already dropped).")
        transaction.before_plain(session, "ddl")
        session.catalog.drop_task(task)
        return status(f"{task.name} successfully dropped.")
    if verb == "UNDROP TASK":
        return _undrop(session, text)
    raise errors.not_supported(verb)  # ALTER TASK: engine.task_alter


def _undrop(session: Session, text: str) -> Result:
    """UNDROP TASK <name> (https://docs.snowflake.com/en/sql-reference/sql/undrop-task): the most recent dropped
    version comes back suspended, with its grants (DECISIONS.md Q42). 002002 when a task has the name, 002003
    when no version the session's roles owned was dropped within the retention period."""
    m = re.fullmatch(rf"\s*UNDROP\s+TASK\s+(?P<name>{QUALIFIED_NAME})\s*;?\s*", text, re.I | re.S)
    if m is None:
        raise errors.syntax_error_detail("UNDROP TASK <name>")
    key = session.qualify(qualified_name(m.group("name")))
    check_container(session, key[0], key[1])
    if not privileges.can_see_schema(session, key[0], key[1]):
        raise errors.does_not_exist("Schema", f"{quote_ident(key[0])}.{quote_ident(key[1])}")
    if session.catalog.tasks.get_task(*key) is not None:
        _task(session, m.group("name"))  # told only to a role that may see it (002003 otherwise)
        raise errors.already_exists("Object", key[2])
    a = privileges.access(session)
    kept = session.catalog.tasks.dropped(*key)
    if not kept or not (a.manage_grants or kept[0][0].owner in a.roles):
        raise errors.does_not_exist("Task", _fqn(key))
    task, hidden = kept[0]
    transaction.before_plain(session, "ddl")
    session.catalog.undrop_task(dataclasses.replace(task, state="suspended"), hidden)
    return status(f"Task {quote_ident(key[2])} successfully restored.")


def create(session: Session, text: str) -> Result:
    head = _HEAD.match(text)
    if head is None:
        raise errors.syntax_error_detail("CREATE [OR REPLACE | OR ALTER] TASK [IF NOT EXISTS] <name> … AS <sql>")
    mode = " ".join((head.group("mode") or "").upper().split())
    if mode and head.group("if_not"):
        raise errors.invalid_property_combination("OR REPLACE" if mode == "OR REPLACE" else "OR ALTER")
    key = session.qualify(qualified_name(head.group("name")))
    header, body = _split_as(text, head.end())
    props, comment = _properties(session, header)
    if body.startswith("'") and body.endswith("'"):  # a block written without delimiters (grammar.parse)
        body = decode_string(body).strip()
    if not body:
        raise errors.syntax_error_detail("CREATE TASK needs AS <sql>")
    privileges.check_create_in_schema(session, key[0], key[1], "TASK")
    if not props.get("warehouse"):  # serverless (https://docs.snowflake.com/en/user-guide/tasks-intro)
        privileges.check_account(session, "EXECUTE MANAGED TASK")
    tasks = session.catalog.tasks
    old = tasks.get_task(*key)
    if old is not None:
        if head.group("if_not"):
            return status(f"{key[2]} already exists, statement succeeded.")
        if not mode:
            raise errors.already_exists("Task", key[2])
        _task(session, head.group("name"), ("OWNERSHIP",))
    check_graph(session, key, props)
    keep = mode == "OR ALTER" and old is not None
    assert not keep or old is not None
    task = TaskRow(old.id if keep and old else tasks.new_id(), *key, old.created_on if keep and old else now(),
                   old.owner if keep and old else session.role, old.state if keep and old else "suspended", body,
                   comment, props)
    transaction.before_plain(session, "ddl")
    session.catalog.put_task(task, old)
    return status(f"Task {key[2]} successfully created." if not keep else "Statement executed successfully.")


def check_graph(session: Session, key: tuple[str, str, str], props: dict[str, Any]) -> None:
    """AFTER: the predecessors exist, in the task's schema (https://docs.snowflake.com/en/user-guide/tasks-graphs:
    all tasks of a graph are in one schema), no cycle; a child task has no SCHEDULE."""
    before = props.get("predecessors") or []
    if before and props.get("schedule"):
        raise errors.compilation_error("A task with predecessors (AFTER) cannot have a SCHEDULE.")
    for p in before:
        if tuple(p[:2]) != key[:2]:
            raise errors.compilation_error(f"Predecessor task {_fqn(tuple(p))} is not in the schema of task "
                                           f"{_fqn(key)}.")
        if session.catalog.tasks.get_task(*p) is None:
            raise errors.does_not_exist("Task", _fqn(tuple(p)))
        if _reaches(session, tuple(p), key):
            raise errors.compilation_error(f"Task graph cycle: {_fqn(key)} would precede itself.")


def _reaches(session: Session, start: tuple[str, ...], target: tuple[str, str, str]) -> bool:
    """Whether `target` is `start` or one of its predecessors, transitively."""
    seen, todo = set(), [start]
    while todo:
        k = todo.pop()
        if k == target:
            return True
        if k in seen:
            continue
        seen.add(k)
        t = session.catalog.tasks.get_task(*k)
        todo += [tuple(p) for p in (t.properties.get("predecessors") or [])] if t else []
    return False


# ---------------------------------------------------------------------------------------------
# SHOW / DESCRIBE
# ---------------------------------------------------------------------------------------------


def _row(t: TaskRow) -> tuple[Any, ...]:
    p = t.properties
    before = [".".join(quote_ident(x) for x in k) for k in p.get("predecessors") or []]
    return (t.created_on, t.name, str(uuid.UUID(int=t.id)), t.database_name, t.schema_name, t.owner, t.comment or "",
            p.get("warehouse"), p.get("schedule"), orjson.dumps(before).decode(), t.state, t.definition,
            p.get("condition"), "true" if p.get("allow_overlapping_execution") else "false", "null",
            None, _time(p.get("last_suspended_on")), "ROLE", p.get("config"), None,
            orjson.dumps({"Predecessors": before}).decode(), None)


def _time(value: Any) -> Any:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _result(rows: list[tuple[Any, ...]]) -> Result:
    types = ["TIMESTAMP_LTZ" if c in _TIMES else "TEXT" for c in SHOW_COLUMNS]
    return from_rows(SHOW_COLUMNS, rows, types)


def show(session: Session, stmt: ast.ShowObjects, database: str | None, schema: str | None) -> Result:
    """SHOW TASKS [LIKE] [IN …]: the tasks the session holds a privilege on."""
    if stmt.terse or stmt.history or stmt.starts_with is not None:
        raise errors.not_supported("SHOW TASKS with TERSE, HISTORY or STARTS WITH")
    a = privileges.access(session)
    chosen = [t for t in session.catalog.tasks.list_tasks(database, schema)
              if like(stmt.like, t.name) and (a.manage_grants or _held(session, t))]
    if stmt.limit is not None:
        chosen = chosen[:stmt.limit]
    return _result([_row(t) for t in chosen])


def _named(session: Session, qn: ast.QualifiedName) -> TaskRow:
    task = _task(session, ".".join(quote_ident(session.name(p)) for p in (qn.database, qn.schema, qn.name)
                                   if p is not None))
    assert task is not None
    return task


def describe(session: Session, stmt: ast.Describe) -> Result:
    return _result([_row(_named(session, stmt.name))])


def ddl(session: Session, qn: ast.QualifiedName, shown: int, text: Callable[[str], str]) -> str:
    """GET_DDL('TASK', …): `create or replace task N` and its settings one a line, tab-indented, then `as <body>;`
    (the layout is UNCERTAIN: DECISIONS.md Q16)."""
    task = _named(session, qn)
    p = task.properties
    lines = [f"create or replace task {'.'.join(quote_ident(x) for x in task.key[-shown:])}"]
    if p.get("warehouse"):
        lines.append(f"warehouse={quote_ident(p['warehouse'])}")
    for key in ("schedule", "user_task_managed_initial_warehouse_size", "config"):
        if p.get(key) is not None:
            lines.append(f"{key.upper() if key != 'schedule' else key}={text(str(p[key]))}")
    for key in sorted(_KNOWN - {"WAREHOUSE", "SCHEDULE", "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE", "CONFIG"}):
        if p.get(key.lower()) is not None:
            value = p[key.lower()]
            lines.append(f"{key}={str(value).upper() if isinstance(value, bool) else value}")
    if task.comment:
        lines.append(f"COMMENT={text(task.comment)}")
    if p.get("predecessors"):
        lines.append("after " + ", ".join(".".join(quote_ident(x) for x in k) for k in p["predecessors"]))
    if p.get("condition"):
        lines.append(f"when {p['condition']}")
    return "\n\t".join(lines) + f"\n\tas {task.definition};"


# ---------------------------------------------------------------------------------------------
# EXECUTE TASK
# ---------------------------------------------------------------------------------------------


def execute_task(session: Session, text: str, run_text: Callable[[str], Result]) -> Result:
    """EXECUTE TASK <name>: needs the EXECUTE TASK account privilege and OWNERSHIP or OPERATE on the task; runs
    it now (a suspended one too), then the resumed tasks after it whose predecessors all succeeded."""
    m = re.fullmatch(rf"\s*EXECUTE\s+TASK\s+(?P<name>{QUALIFIED_NAME})\s*;?\s*", text, re.I | re.S)
    if m is None:
        raise errors.not_supported("EXECUTE TASK … USING CONFIG | RETRY LAST")
    task = _task(session, m.group("name"), ("OPERATE",))
    assert task is not None
    privileges.check_account(session, "EXECUTE TASK")
    if task.properties.get("predecessors"):
        raise errors.compilation_error(f"Cannot execute task {task.name}: EXECUTE TASK runs a standalone or root "
                                       "task only.")
    transaction.before_plain(session, "ddl")
    run_id = int(now().timestamp() * 1000)
    root = str(uuid.UUID(int=task.id))
    done: dict[tuple[str, str, str], str] = {}
    rows: list[dict[str, Any]] = []
    order = [task] + _followers(session, task)
    for t in order:
        before = [tuple(p) for p in t.properties.get("predecessors") or []]
        if t is not task and (t.state != "started" or any(done.get(p) != "SUCCEEDED" for p in before)):
            continue
        row = _run_one(session, t, run_text)
        row.update(root_task_id=root, run_id=run_id, graph_version=1)
        rows.append(row)
        done[t.key] = row["state"]
    session.catalog.tasks.record_run(rows)
    return status(f"Task {task.name} is scheduled to run immediately.")


def _followers(session: Session, root: TaskRow) -> list[TaskRow]:
    """The tasks after `root` in its graph, each after all its predecessors (breadth first)."""
    tasks = session.catalog.tasks.list_tasks(root.database_name, root.schema_name)
    out: list[TaskRow] = []
    placed = {root.key}
    changed = True
    while changed:
        changed = False
        for t in tasks:
            before = {tuple(p) for p in t.properties.get("predecessors") or []}
            if t.key not in placed and before and before & placed and before <= placed | _outside(before, tasks):
                out.append(t)
                placed.add(t.key)
                changed = True
    return out


def _outside(keys: set[tuple[Any, ...]], tasks: list[TaskRow]) -> set[tuple[Any, ...]]:
    return keys - {t.key for t in tasks}


def _run_one(session: Session, task: TaskRow, run_text: Callable[[str], Result]) -> dict[str, Any]:
    """One task's run with its owner's privileges: its WHEN, then its body; the TASK_HISTORY row."""
    row: dict[str, Any] = {"query_id": str(uuid.uuid4()), "database_name": task.database_name,
                           "schema_name": task.schema_name, "name": task.name, "query_text": task.definition,
                           "condition_text": task.properties.get("condition"), "scheduled_time": now()}
    try:
        with procedures.as_owner(session, task.owner, task.database_name, task.schema_name):
            condition = task.properties.get("condition")
            if condition is not None and not _condition(run_text, condition):
                row.update(state="SKIPPED", completed_time=now())
                return row
            row["query_start_time"] = now()
            run_text(task.definition)  # RETURN_VALUE is SYSTEM$SET_RETURN_VALUE's, which snowreg lacks: NULL
            row.update(state="SUCCEEDED", completed_time=now())
    except errors.Error as e:
        row.update(state="FAILED", error_code=f"{e.errno:06d}" if e.errno else None, error_message=e.msg,
                   completed_time=now())
    return row


def _condition(run_text: Callable[[str], Result], condition: str) -> bool:
    """WHEN: a Boolean expression, run as a query (its calls resolve as any query's, so SYSTEM$STREAM_HAS_DATA
    answers here once a SELECT answers it; until then the run fails with that SELECT's error)."""
    result = run_text(f"SELECT ({condition})")
    return bool(result.rows and result.rows[0][0] is True)


def owner_key(task: TaskRow) -> ObjectKey:
    return ObjectKey("TASK", *task.key)
