"""Table streams at run time: change tracking of their source tables, reading a stream, consuming it.

Change tracking (conformance/DECISIONS.md W11). A tracked table has a shadow (engine/streams.py): its rows,
each with a row id that never changes. A DML statement that may write a tracked table is bracketed, in one
DuckDB transaction (where DuckDB's rowids are stable): before it, the table's rows are paired with the
shadow's (equal values, duplicates in turn), giving each rowid its row id; after it, the shadow is rebuilt
from the table, each row keeping its rowid's row id (an updated row keeps its id), new rows getting new
ids. Writes that take other roads (COPY, write_pandas, model calls) are caught the same way, by values,
before the table's streams are next read. Statements that name no tracked table pay one cached lookup.

Reading (W12). A stream reads as a relation registered for the statement: a standard stream is the
difference between its offset (the shadow as of the offset) and the shadow, by row id: a new id is an
INSERT, a gone one a DELETE, an id whose values changed a DELETE + INSERT pair with METADATA$ISUPDATE
TRUE; a row inserted and deleted in between is not there. An append-only stream reads its log of inserted
rows. Inside a transaction a stream reads the shadow as the transaction found it (an image taken at its
first touch), so every statement of the transaction sees the same changes (repeatable read).

Consuming (W13). A DML statement (or CREATE TABLE … AS SELECT) that reads a stream moves its offset to
what it read, when its transaction commits: a rolled-back transaction leaves the offset where it was, and
a plain SELECT never moves it.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from snowreg import errors
from snowreg.catalog.names import HIDDEN, physical
from snowreg.catalog.store import quote
from snowreg.engine import streams, transaction
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result
from snowreg.engine.session import Session
from snowreg.engine.streams import ROW_ID, Stream

_ID = quote(ROW_ID)
_RID, _N = (quote(HIDDEN + n) for n in ("RID", "N"))  # names no user column has
_NEW_ID = "sha1(gen_random_uuid()::VARCHAR)"
_names = itertools.count(1)
_WORD = re.compile(r'"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)')
_WRITES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"})
_CONSUMES = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "CREATE TABLE"})


@dataclass
class _State:
    """A session's stream work inside its open transaction."""

    images: dict[str, str] = field(default_factory=dict)  # a hidden table → its temporary copy
    pending: dict[str, tuple[Stream, str]] = field(default_factory=dict)  # stream id → (stream, what it read)
    temporary: list[str] = field(default_factory=list)  # temporary tables and views to drop at its end
    writes_only: bool = False  # a tracked write in a transaction of its own: nothing reads images
    written: str | None = None  # the database the transaction's change tracking wrote


class _States:
    """Each session's _State, by the session's identity (sessions compare by value)."""

    def __init__(self) -> None:
        self._by_id: dict[int, _State] = {}

    def get(self, session: Session, default: _State | None = None) -> _State | None:
        return self._by_id.get(id(session), default)

    def setdefault(self, session: Session, state: _State) -> _State:
        return self._by_id.setdefault(id(session), state)

    def pop(self, session: Session, default: None = None) -> _State | None:
        return self._by_id.pop(id(session), default)


_states = _States()


def _write(session: Session, sql: str) -> None:
    """A write of change tracking: replayed with the transaction's other writes (engine.transaction.recover)."""
    session.duck.execute(sql)
    if session.transaction:
        session.transaction_writes.append(sql)


def _columns(session: Session, table: tuple[str, str, str]) -> list[str]:
    database, schema, name = table
    rows = session.duck.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
                                "AND table_name = ? ORDER BY column_index", [database, schema, physical(name)]).fetchall()
    return [str(r[0]) for r in rows]


def _checked_columns(session: Session, source: tuple[str, str, str]) -> list[str]:
    """The source's columns, which its shadow must still have (W16: a changed table is refused)."""
    columns = _columns(session, source)
    database, schema, name = source
    shadow = session.duck.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
        "ORDER BY column_index", [database, schema, streams.shadow_name(name)]).fetchall()
    if [str(r[0]) for r in shadow][1:] != columns:
        raise errors.not_supported(f"Reading a stream on {name} after its columns changed (ALTER TABLE)")
    return columns


def start_tracking(session: Session, source: tuple[str, str, str], replacing: str | None = None) -> None:
    """The source's shadow, up to date: kept while another stream reads it, else made anew (one left by
    streams dropped with their schema is replaced). `replacing`: the id of the stream CREATE OR REPLACE drops."""
    shadow = streams.shadow_table(source)
    database, schema, name = source
    kept = session.duck.execute("SELECT 1 FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? AND "
                                "table_name = ?", [database, schema, streams.shadow_name(name)]).fetchone()
    if kept and [s for s in streams.on_table(session, source) if s.id != replacing and not s.stale]:
        _refresh(session, source, _pair(session, source))
        return
    session.duck.execute(f"CREATE OR REPLACE TABLE {shadow} AS SELECT {_NEW_ID} AS {_ID}, * FROM "
                         f"{streams.source_table(source)}")


def _pair(session: Session, source: tuple[str, str, str]) -> str:
    """A temporary table of the source's rowids and row ids: rows paired with the shadow's by values."""
    columns = [quote(c) for c in _checked_columns(session, source)]
    pairing = f"temp.{quote('snowreg_pairing_' + str(next(_names)))}"
    listed = ", ".join(columns)
    same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM h.{c}" for c in columns)
    _write(session, f"CREATE TEMP TABLE {pairing} AS WITH "
           f"t AS (SELECT rowid AS {_RID}, {listed}, row_number() OVER (PARTITION BY {listed}) AS {_N} "
           f"FROM {streams.source_table(source)}), "
           f"h AS (SELECT {_ID}, {listed}, row_number() OVER (PARTITION BY {listed}) AS {_N} "
           f"FROM {streams.shadow_table(source)}) "
           f"SELECT t.{_RID}, h.{_ID} FROM t JOIN h ON t.{_N} = h.{_N} AND {same}")
    return pairing


def _refresh(session: Session, source: tuple[str, str, str], pairing: str, touch: bool = True) -> None:
    """Rebuild the shadow from the source: rows keep their rowid's row id, others get new ones; the new
    rows go to the logs of the source's append-only streams."""
    shadow = streams.shadow_table(source)
    if touch:
        _touch(session, source)
    if session.transaction:
        _states.setdefault(session, _State()).written = source[0]
    # A new row's id: the SHA-1 of a value new to this rebuild and its rowid, so the shadow and the logs agree
    salt = uuid.uuid4().hex
    rows = (f"SELECT coalesce(p.{_ID}, sha1('{salt}' || t.rowid::VARCHAR)) AS {_ID}, t.* FROM "
            f"{streams.source_table(source)} t LEFT JOIN {pairing} p ON t.rowid = p.{_RID}")
    for stream in streams.on_table(session, source):
        if stream.append_only:
            _write(session, f"INSERT INTO {stream.offset_table} {rows} WHERE p.{_ID} IS NULL")
    _write(session, f"DELETE FROM {shadow}")
    _write(session, f"INSERT INTO {shadow} {rows}")
    _write(session, f"DROP TABLE {pairing}")


def _touch(session: Session, source: tuple[str, str, str]) -> None:
    """Inside a transaction, before its first change of a source's tracking: images of the shadow and of
    the append-only logs as the transaction found them (what its statements read: W12)."""
    state = _states.get(session)
    if not session.transaction or (state is not None and state.writes_only):
        return
    state = _states.setdefault(session, _State())
    tables = [streams.shadow_table(source)] + [s.offset_table for s in streams.on_table(session, source)
                                                if s.append_only]
    for table in tables:
        if table not in state.images:
            image = f"temp.{quote('snowreg_image_' + str(next(_names)))}"
            _write(session, f"CREATE TEMP TABLE {image} AS SELECT * FROM {table}")
            state.images[table] = image
            state.temporary.append(f"TABLE {image}")


def _read_from(session: Session, table: str) -> str:
    state = _states.get(session)
    return state.images.get(table, table) if state is not None and session.transaction else table


def _in_step(session: Session, source: tuple[str, str, str]) -> bool:
    """Does the shadow hold the source's rows (so a read writes nothing, and waits on no other session)?"""
    listed = ", ".join(quote(c) for c in _checked_columns(session, source))
    table, shadow = streams.source_table(source), streams.shadow_table(source)
    found = session.duck.execute(f"SELECT NOT EXISTS (SELECT {listed} FROM {table} EXCEPT ALL SELECT {listed} FROM "
                                 f"{shadow}) AND NOT EXISTS (SELECT {listed} FROM {shadow} EXCEPT ALL SELECT "
                                 f"{listed} FROM {table})").fetchone()
    return bool(found and found[0])


def _changes(session: Session, stream: Stream) -> tuple[str, str]:
    """The stream's rows as a query (and the relation it reads: the offset a consumption moves to)."""
    source = stream.source
    if not _in_step(session, source) and not session.transaction:
        # writes that did not come through here (COPY, …); one DuckDB transaction keeps rowids
        duck = session.duck
        duck.execute("BEGIN TRANSACTION")
        try:
            _refresh(session, source, _pair(session, source), touch=False)
        except BaseException:
            duck.execute("ROLLBACK")
            raise
        duck.execute("COMMIT")
    elif session.transaction and streams.shadow_table(source) not in (_states.get(session) or _State()).images:
        written = (_states.get(session) or _State()).written or transaction.written_database(session)
        if written in (None, source[0]) and not _in_step(session, source):  # a transaction writes one database
            _refresh(session, source, _pair(session, source), touch=False)
        _touch(session, source)
    columns = [quote(c) for c in _checked_columns(session, source)]
    if stream.append_only:
        log = _read_from(session, stream.offset_table)
        return (f"SELECT {', '.join(columns)}, 'INSERT' AS \"METADATA$ACTION\", FALSE AS \"METADATA$ISUPDATE\", "
                f"{_ID} AS \"METADATA$ROW_ID\" FROM {log}", log)
    shadow, offset = _read_from(session, streams.shadow_table(source)), stream.offset_table
    differ = f"({', '.join('o.' + c for c in columns)}) IS DISTINCT FROM ({', '.join('h.' + c for c in columns)})"
    sql = (f"SELECT {', '.join('h.' + c for c in columns)}, 'INSERT' AS \"METADATA$ACTION\", o.{_ID} IS NOT NULL "
           f"AS \"METADATA$ISUPDATE\", h.{_ID} AS \"METADATA$ROW_ID\" FROM {shadow} h LEFT JOIN {offset} o "
           f"ON h.{_ID} = o.{_ID} WHERE o.{_ID} IS NULL OR {differ} UNION ALL "
           f"SELECT {', '.join('o.' + c for c in columns)}, 'DELETE', h.{_ID} IS NOT NULL, o.{_ID} "
           f"FROM {offset} o LEFT JOIN {shadow} h ON h.{_ID} = o.{_ID} WHERE h.{_ID} IS NULL OR {differ}")
    return sql, shadow


def has_changes(session: Session, stream: Stream) -> bool:
    sql, _ = _changes(session, stream)
    found = session.duck.execute(f"SELECT EXISTS ({sql})").fetchone()
    return bool(found and found[0])


def _advance(session: Session, stream: Stream, read: str) -> None:
    """Move the stream's offset to what a consuming statement read."""
    if stream.append_only:
        _write(session, f"DELETE FROM {stream.offset_table} WHERE {_ID} IN (SELECT {_ID} FROM {read})")
    else:
        _write(session, f"DELETE FROM {stream.offset_table}")
        _write(session, f"INSERT INTO {stream.offset_table} SELECT * FROM {read}")


def _before_commit(session: Session) -> None:
    """The consumed streams' offsets move in the transaction that consumed them when it writes their
    database (a DuckDB transaction writes one), else right after its COMMIT (W13)."""
    state = _states.pop(session, None)
    _committing.pop(id(session), None)  # what a failed COMMIT left
    if state is None:
        return
    written = state.written or transaction.written_database(session)
    later = []
    for stream, read in state.pending.values():
        if stream.source[0] == written:
            _advance(session, stream, read)
        else:
            later.append((stream, read))
    _committing[id(session)] = (later, state.temporary)


def _after_commit(session: Session) -> None:
    later, temporary = _committing.pop(id(session), ([], []))
    duck = session.duck
    for stream, read in later:
        duck.execute("BEGIN TRANSACTION")
        _advance(session, stream, read)
        duck.execute("COMMIT")
    for what in reversed(temporary):
        kind, name = what.split(" ", 1)
        duck.execute(f"DROP {kind} IF EXISTS {name}")


def _ended(session: Session) -> None:
    _states.pop(session, None)  # a rollback took its images and offsets back


_committing: dict[int, tuple[list[tuple[Stream, str]], list[str]]] = {}  # a session's work after its COMMIT
transaction.BEFORE_COMMIT.append(_before_commit)
transaction.AFTER_COMMIT.append(_after_commit)
transaction.ENDED.append(_ended)


_REPLACED = re.compile(rf"\s*(?:CREATE\s+OR\s+REPLACE\s+(?:\w+\s+)*?TABLE|DROP\s+TABLE|ALTER\s+TABLE)\s+"
                       rf"(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?P<name>{QUALIFIED_NAME})(?P<rest>.*)", re.I | re.S)
_RENAME = re.compile(rf"\s*RENAME\s+TO\s+(?P<name>{QUALIFIED_NAME})\s*;?\s*\Z", re.I)
_SWAP = re.compile(r"\s*SWAP\s+WITH\b", re.I)


def _replaced(session: Session, text: str, known: list[Stream]) -> tuple[str, str, str] | None:
    """The tracked table a CREATE OR REPLACE TABLE, DROP TABLE or ALTER TABLE names (None: no such table)."""
    m = _REPLACED.match(text)
    if m is None:
        return None
    try:
        source = session.qualify(qualified_name(m.group("name")))
    except errors.Error:
        return None  # no current database or schema: the statement's own error follows
    return source if any(s.source == source for s in known) else None


def _stale(session: Session, text: str, source: tuple[str, str, str]) -> None:
    """A tracked table dropped, replaced or swapped: its streams are stale for good, its shadow goes; renamed
    in its schema, its streams and shadow follow it (W15)."""
    m = _REPLACED.match(text)
    assert m is not None
    tracked = streams.on_table(session, source)
    altered = text.lstrip()[:5].upper() == "ALTER"
    renamed = _RENAME.match(m.group("rest")) if altered else None
    if altered and renamed is None and _SWAP.match(m.group("rest")) is None:
        return  # an ALTER TABLE that keeps the table (a column's change is refused when the stream is read)
    target = session.qualify(qualified_name(renamed.group("name"))) if renamed else None
    if target is not None and target[:2] == source[:2]:
        session.duck.execute(f"ALTER TABLE {streams.shadow_table(source)} RENAME TO {quote(streams.shadow_name(target[2]))}")
        for stream in tracked:
            streams.retarget(session, stream, target)
    else:
        for stream in tracked:
            streams.mark_stale(session, stream)
        session.duck.execute(f"DROP TABLE IF EXISTS {streams.shadow_table(source)}")
    session.catalog.store.relations_changed(views=False)


def _words(text: str) -> set[str]:
    return {q.replace('""', '"') if q else w.upper() for q, w in _WORD.findall(text)}


def run(session: Session, verb: str, text: str, describe_only: bool,
        runner: Callable[[str, frozenset[str]], Result]) -> Result:
    """A plain statement, when the catalog has streams: the streams it reads become relations of their
    changes; a DML statement on a tracked table keeps its shadow in step; a consuming one moves offsets."""
    known = streams.all_streams(session)
    words = _words(text) if known else set()
    if verb in ("CREATE TABLE", "DROP TABLE", "ALTER TABLE") and not describe_only \
            and (replaced := _replaced(session, text, known)) is not None:
        result = runner(text, frozenset())
        _stale(session, text, replaced)
        return result
    mentioned = [s for s in known if s.name in words]
    sources = {s.source for s in known if s.source[2] in words} if verb in _WRITES and not describe_only else set()
    if sources:  # a name in the text: the tables the statement writes, if its text says
        sources &= _targets(session, text, sources)
    if not mentioned and not sources:
        return runner(text, frozenset())
    consuming = bool(mentioned) and verb in _CONSUMES and not describe_only
    if consuming and verb == "CREATE TABLE":
        transaction.commit(session)  # DDL: it commits the open transaction before it reads
    # A write of a tracked table, or a consumption, runs in one transaction (DuckDB's rowids are stable in
    # one): the statement's own under AUTOCOMMIT, else the one it opens, as any DML does (engine.transaction)
    own = False
    if (consuming or sources) and not session.transaction and verb != "CREATE TABLE":
        own = transaction.autocommit(session)
        transaction.begin(session)
        if own and not consuming:
            _states.setdefault(session, _State()).writes_only = True
    local: list[str] = []
    try:
        read: list[tuple[Stream, str]] = []
        if mentioned:
            text = _rewrite(session, text, local, read)
            if read and "VIEW" in verb:  # a view would keep reading the one statement's relation
                raise errors.not_supported("A view over a stream")
        pairings = [(source, _pair(session, source)) for source in sorted(sources)]
        result = runner(text, frozenset(local))
        for source, pairing in pairings:
            _refresh(session, source, pairing)
        if consuming and session.transaction:
            state = _states.setdefault(session, _State())
            for stream, relation in read:
                state.pending.setdefault(stream.id, (stream, relation))
        elif consuming:  # CREATE TABLE … AS SELECT ran as a transaction of its own
            session.duck.execute("BEGIN TRANSACTION")
            for stream, relation in read:
                _advance(session, stream, relation)
            session.duck.execute("COMMIT")
    except BaseException:
        if own:
            transaction.rollback(session)
        raise
    finally:
        if not session.transaction:
            for view in local:
                session.duck.execute(f"DROP VIEW IF EXISTS {quote(view)}")
    if own:
        transaction.commit(session)
    return result


def _targets(session: Session, text: str, candidates: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """The tables a DML statement writes (the candidates when its text does not parse)."""
    from sqlglot import exp, parse_one
    from sqlglot.errors import ParseError

    try:
        tree = parse_one(text, read="snowflake")
    except ParseError:
        return candidates
    if isinstance(tree, exp.TruncateTable):
        tables = list(tree.expressions)
    elif isinstance(tree, exp.Insert | exp.Update | exp.Delete | exp.Merge):
        tables = [tree.this.this if isinstance(tree.this, exp.Schema) else tree.this]
    elif isinstance(tree, exp.MultitableInserts):
        tables = [i.this.this if isinstance(i.this, exp.Schema) else i.this for i in tree.find_all(exp.Insert)]
    else:
        return candidates
    found = set()
    for table in tables:
        named = _resolved(session, table)
        if named is None:
            return candidates
        found.add(named)
    return found


def _resolved(session: Session, table: object) -> tuple[str, str, str] | None:
    """A sqlglot table's Snowflake name, qualified by the session (None: not a plain name)."""
    from sqlglot import exp

    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
        return None
    parts = [p for p in (table.args.get("catalog"), table.args.get("db"), table.this) if p is not None]
    names = [p.this if p.quoted else p.this.upper() for p in parts]
    database = names[-3] if len(names) == 3 else session.database
    schema = names[-2] if len(names) >= 2 else session.schema
    return None if database is None or schema is None else (database, schema, names[-1])


def _rewrite(session: Session, text: str, local: list[str], read: list[tuple[Stream, str]]) -> str:
    """The statement with each stream it reads replaced by a temporary view of the stream's changes."""
    from sqlglot import exp, parse_one
    from sqlglot.errors import ParseError

    try:
        tree = parse_one(text, read="snowflake")
    except ParseError:
        return text  # the ordinary path gives Snowflake's syntax error
    ctes = {c.alias_or_name.upper() for c in tree.find_all(exp.CTE)}
    replaced = False
    for table in list(tree.find_all(exp.Table)):
        named = _resolved(session, table)
        if named is None or (not table.db and table.name.upper() in ctes):
            continue
        stream = streams.find(session, *named)
        if stream is None:
            continue
        target = table.parent.parent if isinstance(table.parent, exp.Schema) else table.parent
        if isinstance(target, exp.Insert | exp.Update | exp.Delete | exp.Merge) and target.this is table \
                or isinstance(target, exp.Insert) and isinstance(table.parent, exp.Schema):
            raise errors.not_supported("Writing rows into a stream (a stream is read, its source table written)")
        streams.check_readable(session, stream)
        sql, relation = _changes(session, stream)
        view = f"SNOWREG_STREAM_{next(_names)}"
        _write(session, f"CREATE TEMP VIEW {quote(view)} AS {sql}")
        local.append(view)
        if session.transaction:
            _states.setdefault(session, _State()).temporary.append(f"VIEW {quote(view)}")
        read.append((stream, relation))
        alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(stream.name, quoted=True))
        table.replace(exp.Table(this=exp.to_identifier(view, quoted=True), alias=alias))
        replaced = True
    return tree.sql(dialect="snowflake") if replaced else text
