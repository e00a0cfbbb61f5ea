"""ALTER TASK (https://docs.snowflake.com/en/sql-reference/sql/alter-task): RESUME | SUSPEND (OWNERSHIP or OPERATE;
RESUME also the EXECUTE TASK account privilege), SET | UNSET, ADD | REMOVE AFTER, MODIFY AS | WHEN, REMOVE WHEN
(OWNERSHIP). conformance/DECISIONS.md Q17."""

from __future__ import annotations

import dataclasses
import re

from snowreg import errors
from snowreg.catalog.store import now
from snowreg.engine import tasks, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session

_ALTER = re.compile(rf"\s*ALTER\s+TASK\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+(?P<action>"
                    r"RESUME|SUSPEND|SET|UNSET|ADD\s+AFTER|REMOVE\s+AFTER|MODIFY\s+AS|MODIFY\s+WHEN|REMOVE\s+WHEN)\b"
                    r"(?P<rest>.*?)\s*;?\s*", re.I | re.S)


def alter(session: Session, text: str) -> Result:
    m = _ALTER.fullmatch(text)
    if m is None:
        raise errors.not_supported("This form of ALTER TASK")
    action = " ".join(m.group("action").upper().split())
    rest = m.group("rest").strip()
    switch = action in ("RESUME", "SUSPEND")
    task = tasks._task(session, m.group("name"), ("OPERATE",) if switch else ("OWNERSHIP",),
                       m.group("if_exists") is not None)
    if task is None:
        return status("Statement executed successfully.")
    props = dict(task.properties)
    comment, definition, state = task.comment, task.definition, task.state
    if switch:
        if rest:
            raise errors.syntax_error_detail(f"unexpected '{rest.split()[0]}'")
        if action == "RESUME":
            privileges.check_account(session, "EXECUTE TASK")
        state = "started" if action == "RESUME" else "suspended"
        if action == "SUSPEND" and task.state == "started":
            props["last_suspended_on"] = now().isoformat()
    elif action == "SET":
        new, new_comment = tasks._properties(session, rest)
        if "predecessors" in new or "condition" in new:
            raise errors.syntax_error_detail("ALTER TASK … SET takes properties (KEY = value)")
        props.update(new)
        comment = new_comment if new_comment is not None else comment
    elif action == "UNSET":
        for key in (k.strip().upper() for k in rest.split(",")):
            if key == "COMMENT":
                comment = None
            elif key in tasks._KNOWN:
                if key == "WAREHOUSE" and props.get("warehouse"):  # serverless from now on: as CREATE TASK
                    privileges.check_account(session, "EXECUTE MANAGED TASK")  # without one (DECISIONS.md Q41)
                props.pop(key.lower(), None)
            else:
                raise errors.not_supported(f"ALTER TASK … UNSET {key}")
    elif action in ("ADD AFTER", "REMOVE AFTER"):
        named = [list(session.qualify(qualified_name(n))) for n in tasks._names(rest)]
        current = [p for p in props.get("predecessors") or [] if p not in named]
        props["predecessors"] = current + named if action == "ADD AFTER" else current
    elif action == "MODIFY AS":
        definition = rest
    elif action == "MODIFY WHEN":
        props["condition"] = rest
    else:  # REMOVE WHEN
        props.pop("condition", None)
    if not definition:
        raise errors.syntax_error_detail("ALTER TASK … MODIFY AS <sql>")
    if action in ("SET", "ADD AFTER") or (action == "RESUME" and props.get("schedule")):
        tasks.check_graph(session, task.key, props)
    if not switch and task.state == "started":  # the page: suspend a task before changing it
        raise errors.compilation_error(f"Unable to update task {task.name} while it is resumed: suspend it first.")
    transaction.before_plain(session, "ddl")
    session.catalog.put_task(dataclasses.replace(task, properties=props, comment=comment, definition=definition,
                                                       state=state), task)
    return status("Statement executed successfully.")
