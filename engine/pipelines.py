"""The statements of materialized views, tasks and dynamic tables, each handed to its module (engine.materialized,
engine.task_alter, engine.tasks, engine.dynamic), loaded with the first statement about one."""

from __future__ import annotations

from collections.abc import Callable

from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.render import render
from snowreg.grammar.render import template as render_template

VERBS = ("ALTER MATERIALIZED VIEW", "DROP MATERIALIZED VIEW", "CREATE TASK", "CREATE OR ALTER TASK", "ALTER TASK",
              "DROP TASK", "UNDROP TASK",
              "CREATE DYNAMIC TABLE", "ALTER DYNAMIC TABLE", "DROP DYNAMIC TABLE")


def run(session: Session, stmt: ast.Query, describe_only: bool, run_text: Callable[[str], Result]) -> Result | None:
    """One of `VERBS`, or a CREATE VIEW (None when it makes no materialized view). `run_text` runs a statement
    through the whole pipeline (a dynamic table's query that calls a model)."""
    # the query is kept as text: its model calls, which the grammar takes out of the text, written back
    # (and a `WITH … AS MODEL` clause inside it, which the grammar takes out too: grammar.nested_with)
    text = render(stmt) if stmt.aliases_part is not None else \
        render_template(stmt.body) if stmt.body.has_calls else stmt.body.text
    if stmt.verb == "CREATE VIEW":
        from snowreg.engine import materialized

        if not materialized.CREATE.match(text):
            return None
        return status() if describe_only else materialized.create(session, text)
    if describe_only:
        return status()
    if stmt.verb.endswith("MATERIALIZED VIEW"):
        from snowreg.engine import materialized

        return materialized.alter(session, text) if stmt.verb.startswith("ALTER") else materialized.drop(session, text)
    if stmt.verb == "ALTER TASK":
        from snowreg.engine import task_alter

        return task_alter.alter(session, text)
    if stmt.verb.endswith("TASK"):
        from snowreg.engine import tasks

        return tasks.run(session, stmt.verb, text)  # EXECUTE TASK: execute_immediate
    from snowreg.engine import dynamic

    return dynamic.run(session, stmt.verb, text, run_text)
