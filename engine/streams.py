"""Table streams (https://docs.snowflake.com/en/user-guide/streams-intro): CREATE / ALTER / DROP / SHOW /
DESCRIBE STREAM and where a stream's state lives.

Everything about a stream lives in the data instance, in hidden tables (names holding HIDDEN, which no
listing shows) of DuckDB's own schemas, so a user's transaction commits or rolls back a stream's offset with
its own writes, and DROP SCHEMA / DATABASE takes its streams along (conformance/DECISIONS.md W10):

* `<schema>.␞STREAMS`: one row per stream of the schema (its source, mode, comment, creation time);
* `<source schema>.␞SHADOW␞<table>`: the source table's rows, each with a stable row id (`␞ROW_ID`), kept
  in step with the table by engine/sql/stream_changes.py: the change tracking columns Snowflake adds to a
  table when its first stream is created;
* `<source schema>.␞STREAM␞<id>`: the stream's offset, beside the shadow (a DuckDB transaction writes one
  database, and a write of the source writes both): the shadow's rows as of the offset (a standard
  stream), or the rows inserted since it (an append-only stream).

A stream's owner is its OWNERSHIP grant (as a sequence's); SELECT on it is granted as on a table.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from snowreg import error_catalog, errors
from snowreg.catalog.names import HIDDEN, physical
from snowreg.catalog.store import Store, quote
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, from_rows, in_zone, status
from snowreg.engine.session import Session
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import like, quote_ident

STREAMS = f"{HIDDEN}STREAMS"
ROW_ID = f"{HIDDEN}ROW_ID"
_COLS = ("name", "id", "source_database", "source_schema", "source_name", "append_only", "show_initial_rows",
         "comment", "created_on", "stale")


@dataclass(frozen=True, slots=True)
class Stream:
    database: str
    schema: str
    name: str
    id: str
    source: tuple[str, str, str]  # database, schema, table (Snowflake names)
    append_only: bool
    show_initial_rows: bool
    comment: str | None
    created_on: datetime
    stale: bool

    @property
    def fqn(self) -> str:
        return ".".join(quote_ident(p) for p in (self.database, self.schema, self.name))

    @property
    def offset_table(self) -> str:
        """Beside the source's shadow: a DuckDB transaction writes one database, and a tracked write
        writes both (W10)."""
        database, schema, _ = self.source
        return f"{quote(database)}.{quote(schema)}.{quote(HIDDEN + 'STREAM' + HIDDEN + self.id)}"


def shadow_name(table: str) -> str:
    return HIDDEN + "SHADOW" + HIDDEN + physical(table)


def shadow_table(source: tuple[str, str, str]) -> str:
    database, schema, name = source
    return f"{quote(database)}.{quote(schema)}.{quote(shadow_name(name))}"


def source_table(source: tuple[str, str, str]) -> str:
    database, schema, name = source
    return f"{quote(database)}.{quote(schema)}.{quote(physical(name))}"


def streams_table(database: str, schema: str) -> str:
    return f"{quote(database)}.{quote(schema)}.{quote(STREAMS)}"


# Every stream of a catalog, read once per change of DuckDB's relations (a plain statement asks on each run).
_known: weakref.WeakKeyDictionary[Store, tuple[int, list[Stream]]] = weakref.WeakKeyDictionary()


def all_streams(session: Session) -> list[Stream]:
    store = session.catalog.store
    generation = store.generation  # stream DDL moves it (relations_changed), as dropped schemas and databases do
    found = _known.get(store)
    if found is not None and found[0] == generation:
        return found[1]
    if store.pristine is not None:  # nothing created yet: no stream either
        return []
    streams: list[Stream] = []
    for database, schema in store.data_query(
            "SELECT database_name, schema_name FROM duckdb_tables() WHERE table_name = ?", [STREAMS]):
        for row in store.data_query(f"SELECT {', '.join(_COLS)} FROM {streams_table(database, schema)}"):
            streams.append(Stream(database, schema, row[0], row[1], (row[2], row[3], row[4]), bool(row[5]),
                                  bool(row[6]), row[7], row[8], bool(row[9])))
    streams.sort(key=lambda s: (s.database, s.schema, s.name))
    _known[store] = (generation, streams)
    return streams


def find(session: Session, database: str, schema: str, name: str) -> Stream | None:
    return next((s for s in all_streams(session) if (s.database, s.schema, s.name) == (database, schema, name)), None)


def on_table(session: Session, source: tuple[str, str, str]) -> list[Stream]:
    return [s for s in all_streams(session) if s.source == source]


def held(session: Session, stream: Stream) -> frozenset[str]:
    """What the session's roles hold on the stream (nothing unless its schema is usable)."""
    a = privileges.access(session)
    if not a.schema_usable(stream.database, stream.schema):
        return frozenset()
    owner = session.catalog.grants.sequence_owner(stream.database, stream.schema, stream.name, kind="STREAM")
    return a.held(("STREAM", stream.database, stream.schema, stream.name), owner)


def visible(session: Session, database: str, schema: str, name: str, need: str | None = None) -> Stream:
    """The stream, when the session holds a privilege on it (and `need`, or OWNERSHIP); else 002003 (none
    held) or 003001."""
    stream = find(session, database, schema, name)
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    got = held(session, stream) if stream is not None else frozenset()
    if stream is None or not (got or privileges.access(session).manage_grants):
        raise errors.does_not_exist("Stream", fqn)
    if need is not None and "OWNERSHIP" not in got and need not in got:
        raise errors.insufficient_privileges("stream", name)
    return stream


def check_readable(session: Session, stream: Stream) -> None:
    """Querying a stream needs SELECT on the stream and on its source table
    (https://docs.snowflake.com/en/user-guide/streams-intro: access control requirements)."""
    visible(session, stream.database, stream.schema, stream.name, "SELECT")
    if stream.stale or session.catalog.databases.relation_kind(*stream.source) != "TABLE":
        raise error_catalog.stream_stale(".".join(quote_ident(p) for p in stream.source), stream.name)
    from snowreg.engine.sql.translation import TableRef

    privileges.check_tables(session, [TableRef(*stream.source)], "select")


def name_of(session: Session, text: str) -> tuple[str, str, str]:
    return session.qualify(qualified_name(text))


def mark_stale(session: Session, stream: Stream) -> None:
    session.duck.execute(f"UPDATE {streams_table(stream.database, stream.schema)} SET stale = TRUE WHERE name = ?",
                         [stream.name])


def retarget(session: Session, stream: Stream, source: tuple[str, str, str]) -> None:
    """Its source table was renamed (in its schema): the stream follows it."""
    session.duck.execute(f"UPDATE {streams_table(stream.database, stream.schema)} SET source_name = ? WHERE name = ?",
                         [source[2], stream.name])


def drop_rows(session: Session, stream: Stream) -> None:
    """A stream's record, then its offset; the source's shadow goes with its last stream. Two DuckDB
    transactions when the stream and its source are in two databases (a transaction writes one)."""
    duck = session.duck
    duck.execute(f"DELETE FROM {streams_table(stream.database, stream.schema)} WHERE name = ?", [stream.name])
    duck.execute("BEGIN TRANSACTION")
    try:
        duck.execute(f"DROP TABLE IF EXISTS {stream.offset_table}")
        if not [s for s in on_table(session, stream.source) if s.id != stream.id]:
            duck.execute(f"DROP TABLE IF EXISTS {shadow_table(stream.source)}")
    except BaseException:
        duck.execute("ROLLBACK")
        raise
    duck.execute("COMMIT")


STRING = r"'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$"
_DROP = re.compile(rf"\s*DROP\s+STREAM\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s*;?\s*\Z", re.I)


def drop(session: Session, text: str) -> Result:
    m = _DROP.fullmatch(text)
    if m is None:
        raise errors.syntax_error_detail("DROP STREAM [IF EXISTS] <name> expected.")
    database, schema, name = name_of(session, m.group("name"))
    transaction.commit(session)
    stream = find(session, database, schema, name)
    if m.group("ie") and (stream is None or not held(session, stream)):
        return status(f"Drop statement executed successfully ({name} already dropped).")
    stream = visible(session, database, schema, name, "OWNERSHIP")
    drop_rows(session, stream)
    session.catalog.store.relations_changed(views=False)
    session.catalog.grants.forget_sequence(database, schema, name, kind="STREAM")
    return status(f"{name} successfully dropped.")


# ALTER STREAM [IF EXISTS] <name> SET COMMENT = '…' | UNSET COMMENT (https://docs.snowflake.com/en/sql-reference/sql/alter-stream)
_ALTER = re.compile(rf"\s*ALTER\s+STREAM\s+(?P<ie>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
                    rf"(?:SET\s+COMMENT\s*=\s*(?P<comment>{STRING})|(?P<unset>UNSET\s+COMMENT)|(?P<other>.*?))"
                    r"\s*;?\s*\Z", re.I | re.S)


def alter(session: Session, text: str) -> Result:
    m = _ALTER.fullmatch(text)
    if m is None:
        raise errors.syntax_error_detail("ALTER STREAM <name> SET COMMENT = '<string>' expected.")
    if m.group("other") is not None:
        raise errors.not_supported(f"ALTER STREAM … {' '.join(m.group('other').split()[:2]).upper()}")
    database, schema, name = name_of(session, m.group("name"))
    transaction.commit(session)
    stream = find(session, database, schema, name)
    if m.group("ie") and (stream is None or not held(session, stream)):
        return status()
    stream = visible(session, database, schema, name, "OWNERSHIP")
    comment = decode_string(m.group("comment")) if m.group("comment") is not None else None
    session.duck.execute(f"UPDATE {streams_table(database, schema)} SET comment = ? WHERE name = ?",
                         [comment, stream.name])
    session.catalog.store.relations_changed(views=False)
    return status()


SHOW_COLUMNS = ["created_on", "name", "database_name", "schema_name", "owner", "comment", "table_name",
                "source_type", "base_tables", "type", "stale", "mode", "stale_after", "invalid_reason",
                "owner_role_type"]
_SHOW_TYPES = ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT",
               "TEXT", "TIMESTAMP_LTZ", "TEXT", "TEXT"]
_TERSE = {"created_on": "created_on", "name": "name", "type": "kind", "database_name": "database_name",
          "schema_name": "schema_name", "table_name": "tableOn"}
# SHOW [TERSE] STREAMS [LIKE '<p>'] [IN ACCOUNT | DATABASE [<db>] | [SCHEMA] [<schema>]] [STARTS WITH '<s>'] [LIMIT <n>]
_SHOW = re.compile(rf"\s*SHOW\s+(?P<terse>TERSE\s+)?STREAMS(?:\s+LIKE\s+(?P<like>{STRING}))?"
                   rf"(?:\s+IN\s+(?:(?P<account>ACCOUNT)|DATABASE(?:\s+(?P<db>{QUALIFIED_NAME}))?|"
                   rf"(?:SCHEMA\s*)?(?P<schema>{QUALIFIED_NAME})?))?"
                   rf"(?:\s+STARTS\s+WITH\s+(?P<starts>{STRING}))?(?:\s+LIMIT\s+(?P<limit>\d+))?\s*;?\s*\Z", re.I | re.S)


def row(session: Session, stream: Stream) -> tuple[Any, ...]:
    stale = stream.stale or session.catalog.databases.relation_kind(*stream.source) != "TABLE"
    owner = session.catalog.grants.sequence_owner(stream.database, stream.schema, stream.name, kind="STREAM")
    table = ".".join(stream.source)
    return (stream.created_on, stream.name, stream.database, stream.schema, owner, stream.comment or "", table,
            "Table", table, "DELTA", str(stale).lower(), "APPEND_ONLY" if stream.append_only else "DEFAULT",
            None, "N/A", "ROLE")


def show(session: Session, text: str) -> Result:
    m = _SHOW.fullmatch(text)
    if m is None:
        raise errors.syntax_error_detail("SHOW STREAMS [LIKE '<pattern>'] [IN …] expected.")
    if m.group("account"):
        scope: tuple[str | None, str | None] = (None, None)
    elif m.group("db") is not None or "DATABASE" in text.upper().split():
        scope = (str(qualified_name(m.group("db")).name) if m.group("db") else session.current_database(), None)
    elif m.group("schema") is not None:
        scope = session.qualify_schema(qualified_name(m.group("schema")))
    else:
        scope = (session.current_database(), session.schema)
    pattern = decode_string(m.group("like")) if m.group("like") else None
    starts = decode_string(m.group("starts")) if m.group("starts") else None
    rows = []
    for stream in all_streams(session):
        if scope[0] is not None and stream.database != scope[0] or scope[1] is not None and stream.schema != scope[1]:
            continue
        if not like(pattern, stream.name) or starts is not None and not stream.name.startswith(starts):
            continue
        if held(session, stream) or privileges.access(session).manage_grants:
            rows.append(row(session, stream))
    if m.group("limit"):
        rows = rows[:int(m.group("limit"))]
    if m.group("terse"):
        keep = [SHOW_COLUMNS.index(c) for c in _TERSE]
        return in_zone(from_rows(list(_TERSE.values()), [tuple(r[i] for i in keep) for r in rows],
                                 [_SHOW_TYPES[i] for i in keep]), session.timezone)
    return in_zone(from_rows(SHOW_COLUMNS, rows, _SHOW_TYPES), session.timezone)


def describe(session: Session, name: Any) -> Result:
    """DESCRIBE STREAM: SHOW STREAMS' columns for the one stream (https://docs.snowflake.com/en/sql-reference/sql/desc-stream)."""
    database, schema, stream_name = session.qualify(name)
    stream = visible(session, database, schema, stream_name)
    return from_rows(SHOW_COLUMNS, [row(session, stream)], _SHOW_TYPES)
