"""CREATE STREAM (https://docs.snowflake.com/en/sql-reference/sql/create-stream) and SYSTEM$STREAM_HAS_DATA:
what needs both a stream's record (engine/streams.py) and its source's change tracking (stream_changes.py)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from snowreg import errors
from snowreg.catalog.store import now
from snowreg.engine import streams, transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import stream_changes
from snowreg.engine.sql.translation import TableRef
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import quote_ident

_STRING = streams.STRING


# CREATE [OR REPLACE] STREAM [IF NOT EXISTS] <name> … (https://docs.snowflake.com/en/sql-reference/sql/create-stream)
_CREATE = re.compile(rf"\s*CREATE\s+(?P<replace>OR\s+REPLACE\s+)?STREAM\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
                     rf"(?P<name>{QUALIFIED_NAME})(?P<rest>.*?)\s*;?\s*\Z", re.I | re.S)
_CLAUSES = [
    ("tag", re.compile(r"\s*(?:WITH\s+)?TAG\s*\(", re.I)),
    ("copy", re.compile(r"\s*COPY\s+GRANTS\b", re.I)),
    ("clone", re.compile(r"\s*CLONE\b", re.I)),
    ("on", re.compile(rf"\s*ON\s+(?P<kind>TABLE|VIEW|EXTERNAL\s+TABLE|STAGE|EVENT\s+TABLE|DYNAMIC\s+TABLE|"
                      rf"ICEBERG\s+TABLE|HYBRID\s+TABLE)\s+(?P<source>{QUALIFIED_NAME})", re.I)),
    ("at", re.compile(r"\s*(?P<which>AT|BEFORE)\s*\(", re.I)),
    ("append_only", re.compile(r"\s*APPEND_ONLY\s*=\s*(?P<value>TRUE|FALSE)\b", re.I)),
    ("show_initial_rows", re.compile(r"\s*SHOW_INITIAL_ROWS\s*=\s*(?P<value>TRUE|FALSE)\b", re.I)),
    ("insert_only", re.compile(r"\s*INSERT_ONLY\s*=", re.I)),
    ("comment", re.compile(rf"\s*COMMENT\s*=\s*(?P<value>{_STRING})", re.I | re.S)),
]
_REFUSED = {"tag": "CREATE STREAM … WITH TAG", "copy": "CREATE STREAM … COPY GRANTS",
            "clone": "CREATE STREAM … CLONE", "insert_only": "INSERT_ONLY streams (on external tables)"}


def create(session: Session, text: str) -> Result:
    m = _CREATE.fullmatch(text)
    if m is None:
        raise errors.syntax_error_detail("CREATE STREAM <name> ON TABLE <table> expected.")
    rest, pos = m.group("rest"), 0
    found: dict[str, re.Match[str]] = {}
    while rest[pos:].strip():
        key, clause = next(((k, c) for k, p in _CLAUSES if (c := p.match(rest, pos)) is not None), ("", None))
        if clause is None:
            raise errors.syntax_error_detail(f"unexpected '{rest[pos:].split()[0]}' in CREATE STREAM.")
        if key in _REFUSED:
            raise errors.not_supported(_REFUSED[key])
        if key == "at":
            raise errors.not_supported(f"CREATE STREAM … {clause.group('which').upper()} (Time Travel offsets)")
        found[key] = clause
        pos = clause.end()
    if "on" not in found:
        raise errors.syntax_error_detail("CREATE STREAM needs ON TABLE <table>.")
    kind = " ".join(found["on"].group("kind").upper().split())
    if kind != "TABLE":
        article = "an" if kind[0] in "AEIOU" else "a"
        raise errors.not_supported(f"A stream on {article} {kind.lower()}")
    if m.group("replace") and m.group("ine"):
        raise errors.invalid_property_combination()
    database, schema, name = streams.name_of(session, m.group("name"))
    source = streams.name_of(session, found["on"].group("source"))
    transaction.commit(session)  # DDL: the open transaction commits first
    existing = streams.find(session, database, schema, name)
    privileges.check_create_before_telling(session, database, schema, "STREAM",
                                           bool(existing and streams.held(session, existing)))
    if existing is not None and m.group("ine"):
        return status(f"{name} already exists, statement succeeded.")
    if existing is not None and not m.group("replace"):
        raise errors.already_exists("Object", name)
    if existing is not None:
        streams.visible(session, database, schema, name, "OWNERSHIP")
    privileges.check_create_in_schema(session, database, schema, "STREAM")
    relation = session.catalog.databases.relation_kind(*source)
    fqn = ".".join(quote_ident(p) for p in source)
    if relation == "VIEW":
        raise errors.not_supported("A stream on a view")
    if relation is None or source in session.temporary_tables:
        if relation is None:
            raise errors.does_not_exist("Table", fqn)
        raise errors.not_supported("A stream on a temporary table")
    privileges.check_tables(session, [TableRef(*source)], "select")
    append_only = "append_only" in found and found["append_only"].group("value").upper() == "TRUE"
    initial = "show_initial_rows" in found and found["show_initial_rows"].group("value").upper() == "TRUE"
    comment = decode_string(found["comment"].group("value")) if "comment" in found else None
    stream = streams.Stream(database, schema, name, uuid.uuid4().hex[:16], source, append_only, initial, comment, now(), False)
    duck = session.duck
    if existing is not None:
        streams.drop_rows(session, existing)
    # The source's side (shadow, offset), then the stream's record: a DuckDB transaction writes one database
    duck.execute("BEGIN TRANSACTION")
    try:
        stream_changes.start_tracking(session, source, existing.id if existing else None)
        # The offset: a standard stream's snapshot of the shadow (empty with SHOW_INITIAL_ROWS: every row
        # is then an insert), an append-only stream's inserts since it (the rows there with SHOW_INITIAL_ROWS)
        keep = "" if initial == append_only else " LIMIT 0"
        duck.execute(f"CREATE TABLE {stream.offset_table} AS SELECT * FROM {streams.shadow_table(source)}{keep}")
    except BaseException:
        duck.execute("ROLLBACK")
        raise
    duck.execute("COMMIT")
    duck.execute(f"CREATE TABLE IF NOT EXISTS {streams.streams_table(database, schema)} (name VARCHAR, id VARCHAR, "
                 "source_database VARCHAR, source_schema VARCHAR, source_name VARCHAR, append_only BOOLEAN, "
                 "show_initial_rows BOOLEAN, comment VARCHAR, created_on TIMESTAMPTZ, stale BOOLEAN)")
    duck.execute(f"INSERT INTO {streams.streams_table(database, schema)} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
                 [name, stream.id, *source, append_only, initial, comment, stream.created_on])
    session.catalog.store.relations_changed(views=False)
    session.catalog.grants.record_sequence_owner(database, schema, name, session.role, kind="STREAM")
    return status(f"Stream {name} successfully created.")



def has_data(session: Session, args: list[Any]) -> bool:
    """SYSTEM$STREAM_HAS_DATA('<stream>') (https://docs.snowflake.com/en/sql-reference/functions/system_stream_has_data)."""
    if len(args) != 1 or not isinstance(args[0], str):
        raise errors.compilation_error("SYSTEM$STREAM_HAS_DATA takes one stream name.")
    database, schema, name = streams.name_of(session, args[0])
    stream = streams.visible(session, database, schema, name, "SELECT")
    streams.check_readable(session, stream)
    return stream_changes.has_changes(session, stream)
