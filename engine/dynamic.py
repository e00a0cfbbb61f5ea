"""Dynamic tables: refused until emulated (conformance/DECISIONS.md H2)."""

from __future__ import annotations

from typing import Any

from snowreg import errors
from snowreg.catalog.relations import RelationRow
from snowreg.engine.result import Result
from snowreg.engine.session import Session

SHOW_COLUMNS = ["created_on", "name", "database_name", "schema_name"]


def run(session: Session, verb: str, text: str) -> Result:
    raise errors.not_supported(verb)


def show_rows(session: Session, relations: list[RelationRow]) -> list[tuple[Any, ...]]:
    raise errors.not_supported("SHOW DYNAMIC TABLES")
