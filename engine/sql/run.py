"""Plain SQL statements: translate Snowflake SQL to DuckDB, run it on the session's cursor, shape results."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable
from typing import Any

import duckdb

from snowreg import errors
from snowreg.catalog.names import physical, snowflake
from snowreg.catalog.store import quote
from snowreg.engine import sequences, time_travel, transaction
from snowreg.engine.access import privileges
from snowreg.engine.access import temporary as temporaries
from snowreg.engine.result import Column, Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import (
    duckerrors,
    history,
    learned,
    renames,
    retype,
    reuse,
    session_texts,
    shaping,
    star_ilike,
    system,
    table_meta,
    tag_references,
)
from snowreg.engine.sql.shaping import shape
from snowreg.engine.sql.translation import (
    IDENTITY_MARK,
    ROLES_VARIABLE,
    FloatOperand,
    ScaleCut,
    TableRef,
    TextOperand,
    Translation,
    qualified,
    trivial,
)
from snowreg.engine.sql.unseen import if_exists_answer
from snowreg.grammar import generated
from snowreg.grammar.ast import NO_SPAN, Span
from snowreg.grammar.text import LITERALS_AND_COMMENTS, Spliced, literal, place

# How 090105 / 090106 name a plain statement ("Cannot perform CREATE TABLE. ...").
_STATEMENT_KINDS = {"select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE",
                    "merge": "MERGE", "create_table": "CREATE TABLE", "create_view": "CREATE VIEW",
                    "drop": "DROP", "alter": "ALTER TABLE", "truncate": "TRUNCATE TABLE"}

# Statement kinds that never create, drop or rename a table or view (nor end a transaction).
_NO_DDL = frozenset({"select", "insert", "update", "delete", "merge", "truncate"})


def run_sql(session: Session, sql: str, describe_only: bool = False, local: frozenset[str] = frozenset(),
            written: Spliced | None = None) -> Result:
    """One plain statement; `local`: relations the engine registered for it; `written`: what `sql` edits."""
    control = transaction.control(session, sql, describe_only)
    if control is not None:
        return control
    rewrites: list[Spliced] = [written] if written is not None else []  # each knows where its characters stood
    try:
        return _run_text(session, sql, describe_only, local, rewrites)
    except errors.Error as e:  # its place in the rewritten text: where the user wrote it
        for rewrite in reversed(rewrites):
            e = errors.remapped(e, rewrite.written_at)
        from snowreg.engine.sql import bind

        bind.at_identifier(e, sql)  # a 000904 raised before any place was known (DECISIONS.md O71)
        raise e from None


def _run_text(session: Session, sql: str, describe_only: bool, local: frozenset[str], rewrites: list[Spliced]
              ) -> Result:
    text = header = sql
    if rewrites:  # an engine's edit of the user's text: the select items are named from what was written
        header = rewrites[0].header(rewrites[0].header_base)
    named = "$" in text or not text.isascii() or _REWRITTEN.search(text) is not None  # else: only the last may apply
    for rewrite in TEXT_REWRITES if named else TEXT_REWRITES[-1:]:
        done = rewrite(session, text)
        if done is not None:
            rewrites.append(done)
            text, header = done.text, done.header(header)
    tr = trivial(text) if header == text else None
    if tr is None:  # sqlglot's translation (loaded with the first statement that needs one)
        from snowreg.engine.sql import shapes, translate

        floats = learned.floats(text)
        assigned = assign_early(session, text)

        def made(scales: frozenset[tuple[int, str]] | None) -> Translation:
            if assigned:  # an INSERT / UPDATE / MERGE of a table with columns whose values it casts (assign.py)
                return translate.translate(text, floats=floats, header=header if header != text else None,
                                           assigned=assigned, scales=scales)
            if header != text:  # headers come from what the user wrote: `SYSTEM$GET_TAG(…)`, `$V`, not their values
                return translate.translate(text, floats=floats, header=header, scales=scales)
            return generated.shared(text, lambda t: shapes.translation(t, floats, scales), ("translate", floats, scales))

        tr = made(None)
        # conditionals of table columns, typed from the catalog (engine.sql.conditionals); one decided may type another
        while tr.conditionals and (scales := learned.scales(session, text, tr)) != (tr.scales or frozenset()):
            tr = made(scales)
    if tr.kind == "transaction":
        raise errors.not_supported(f"The transaction statement {sql.strip()[:40]!r}")
    session.require_context(tr.tables, _STATEMENT_KINDS.get(tr.kind, "operation"))
    try:
        result = _run_translated(session, text, tr, describe_only, local)
    except errors.Error as e:  # an error about a table (a column) the statement names points at that name
        from snowreg.engine.sql import bind

        bind.at_table(e, tr.tables, text)
        raise
    return shaping.written_headers(result, sql, text) if rewrites and tr.kind == "select" else result


def _run_translated(session: Session, text: str, tr: Translation, describe_only: bool,
                    local: frozenset[str]) -> Result:
    if tr.tables:
        from snowreg.engine.sql import bind

        bind.resolve_tables(session, tr.tables, tr.kind, local)
        if (hidden := if_exists_answer(session, tr, _write_target(tr), describe_only)) is not None:
            return hidden  # IF EXISTS of an object the roles cannot see: as if it were missing (J24)
        privileges.check_tables(session, tr.tables, tr.kind)
        bind.check_view_owners(session, tr.tables)
    tr = qualified(tr, session.database, session.schema, local)  # DuckDB reads the objects checked, no other
    assigned = _assigned(session, tr) if tr.kind in ("insert", "update", "merge") else ()
    if assigned and assigned != assign_early(session, text):  # the target was named in a form `early` skips
        from snowreg.engine.sql import translate

        tr = translate.translate(text, floats=learned.floats(text), assigned=assigned)
    if not describe_only:
        transaction.before_plain(session, tr.kind, _locked_table(session, tr), tr.atomic)
    if tr.kind in ("truncate", "alter") and _missing_optional(session, tr):
        return status()  # TRUNCATE | ALTER TABLE IF EXISTS of a missing table: nothing to do
    reusable = None if describe_only or local else reuse.key(session, text, tr)
    if reusable is not None:
        return _reused_or_run(session, text, tr, reusable)
    if tr.kind == "select" and tr.table is None:  # reads only: none of the steps of a write below applies
        result = _run_typed(session, text, tr, describe_only, local, assigned)
        return table_meta.describe(session, tr, result) if tr.projected else result
    if tr.table is not None and tr.table.keys:
        tr = table_meta.check_keys(session, tr, _write_target(tr))
    if tr.table is not None and tr.table.retyped:
        retype.check(session, tr, _write_target(tr))
    swapped = renames.swapped(session, tr, _write_target(tr))
    temporary = tr.kind in _TEMPORARY_KINDS and _TEMPORARY.match(tr.sql) is not None
    tr = _without_temporary(tr)
    existing = _existing_target(session, tr)
    missing = _missing_drop_target(session, tr)
    kept = None if describe_only else time_travel.drop_table(session, tr)  # DROP TABLE, OR REPLACE: kept for UNDROP
    result = kept or time_travel.replacing(session, tr, text, temporary or describe_only, lambda: _run_typed(
        session, text, tr, describe_only, local, assigned))
    if tr.projected:
        result = table_meta.describe(session, tr, result)
    if not describe_only:
        transaction.after_plain(session, tr.kind, tr.sql, _locked_table(session, tr), tr.atomic)
    if existing is not None:  # CREATE … IF NOT EXISTS on an existing table changed nothing
        return result if describe_only else status(f"{existing} already exists, statement succeeded.")
    if missing is not None:  # DROP … IF EXISTS of a missing table
        return result if describe_only else status(f"Drop statement executed successfully ({missing} already dropped).")
    if not describe_only:
        if tr.kind == "create_table":
            _created(session, _write_target(tr))
        replaced = tr.kind in ("create_table", "create_view") and tr.sql.startswith("CREATE OR REPLACE ") \
            and _COPY_GRANTS.search(text) is None
        renaming = _RENAME.search(tr.sql) if tr.kind == "alter" else None
        privileges.record_tables(session, () if kept else tr.tables, tr.kind, replaced, renaming.group(1) if renaming else None)
        if swapped is not None:
            renames.record_swap(session, *swapped)
        elif tr.table is not None:
            table_meta.record(session, tr, _write_target(tr) if not renaming else None)
            _enforce_lengths(session, tr, _write_target(tr) if not renaming else None)
        if tr.kind in _TEMPORARY_KINDS:  # whose temporary relation the name is (engine.access.temporary)
            temporaries.created(session, _write_target(tr) or tr.tables[0], temporary)
    return result


def _reused_or_run(session: Session, text: str, tr: Translation, reusable: tuple[Any, ...]) -> Result:
    """A query over registry-derived relations: the result kept for its key, or run and kept (reuse.py)."""
    found = reuse.reused(session, reusable)
    if found is not None:
        return found
    from snowreg.engine.sql import information_rows  # a MODEL_VERSIONS query of a simple shape: no DuckDB

    answered = information_rows.answer(session, tr, shape) if learned.texts(text) is None else None
    result = answered if answered is not None else _run_typed(session, text, tr, False)
    if tr.projected:
        result = table_meta.describe(session, tr, result)
    reuse.keep(session, reusable, result)
    return result


def _run_typed(session: Session, text: str, tr: Translation, describe_only: bool,
               local: frozenset[str] = frozenset(), assigned: tuple[tuple[str, str | None], ...] = ()) -> Result:
    """Run a translation, translated again with what running its text teaches (engine.sql.learned): a
    division of a FLOAT, a VARCHAR arithmetic operand, a set operation item meeting a number."""
    scales = tr.scales
    if tr.set_probes:
        coerce = learned.coercions(session, text, tr, sync_context)
        if coerce:
            tr = _without_temporary(learned.translation(text, assigned=assigned, coerce=coerce, scales=scales))
    texts = learned.texts(text)
    if texts is not None:
        tr = _without_temporary(learned.translation(text, texts, assigned, scales=scales))
    while True:
        try:
            return run_translated(session, _plain_order(session, tr, local), describe_only, local)
        except FloatOperand as e:
            learned.learn_float(text, e.index)
        except TextOperand as e:
            texts = learned.learn_text(text, texts, e.index, e.refusal)
        except ScaleCut as e:
            scales = learned.scale_cut(session, text, scales, e.index, e.target)
        transaction.recover(session)  # the failed attempt aborted an open transaction
        tr = _without_temporary(learned.translation(text, texts, assigned, scales=scales))


def _plain_order(session: Session, tr: Translation, local: frozenset[str]) -> Translation:
    """The translation without the VARIANT sort keys of its bare columns (`plain`) when every relation it
    reads is a table without VARIANT columns: the key is then a constant NULL that DuckDB still spends
    ~0.35 ms planning."""
    if tr.plain is None or local:
        return tr
    databases = session.catalog.databases
    for ref in tr.tables:
        database, schema = ref.database or session.database, ref.schema or session.schema
        if database is None or schema is None or ref.schema == "INFORMATION_SCHEMA" \
                or databases.relation_kind(database, schema, ref.name) != "TABLE" \
                or databases.has_variant_column(database, schema, ref.name):
            return tr  # a view's column types are not looked up (they follow the tables it reads)
    return dataclasses.replace(tr, sql=tr.plain)


_COPY_GRANTS = re.compile(r"\bCOPY\s+GRANTS\b", re.I)
_RENAME = re.compile(r'^ALTER (?:TABLE|VIEW) (?:IF EXISTS )?\S+ RENAME TO "((?:[^"]|"")*)"\Z')


def _assigned(session: Session, tr: Translation) -> tuple[tuple[str, str | None], ...]:
    """The columns of the table an INSERT / UPDATE / MERGE writes whose values it must cast as Snowflake
    converts them (engine.sql.assign); () when none needs it."""
    from snowreg.engine.sql import assign

    ref = _write_target(tr)
    return assign.target(session, ref.database, ref.schema, ref.name) if ref is not None else ()


def assign_early(session: Session, text: str) -> tuple[tuple[str, str | None], ...]:
    """engine.sql.assign.early, for a statement that writes a table (any other text: nothing to read)."""
    if text.lstrip()[:1].upper() not in ("I", "U", "M"):
        return ()
    from snowreg.engine.sql import assign

    return assign.early(session, text)


def _locked_table(session: Session, tr: Translation) -> str | None:
    """The fully qualified name of the table a DML statement writes (what SHOW LOCKS shows it holds)."""
    ref = _write_target(tr) if tr.kind in transaction.DML_KINDS else None
    database = ref.database or session.database if ref is not None else None
    schema = ref.schema or session.schema if ref is not None else None
    if ref is None or database is None or schema is None:
        return None
    return f"{database}.{schema}.{ref.name}"


def _write_target(tr: Translation) -> TableRef | None:
    """The table the statement creates, drops or writes (its other names are read)."""
    return next((t for t in tr.tables if t.write), None)


def _missing_drop_target(session: Session, tr: Translation) -> str | None:
    """The name a `DROP … IF EXISTS` names when there is no such table or view."""
    ref = _write_target(tr)
    if tr.kind != "drop" or " IF EXISTS " not in tr.sql[:40].upper() or ref is None or not ref.name:
        return None
    database = ref.database or session.database
    schema = ref.schema or session.schema
    if database is None or schema is None:
        return None
    if ref.object_kind == "sequence":
        return None if privileges.sequence_exists(session, database, schema, ref.name) else ref.name
    return ref.name if session.catalog.databases.relation_kind(database, schema, ref.name) is None else None


def _missing_optional(session: Session, tr: Translation) -> bool:
    """Does the statement name, with IF EXISTS, a table that does not exist?"""
    ref = _write_target(tr)
    if ref is None or not ref.optional:
        return False
    database = ref.database or session.database
    schema = ref.schema or session.schema
    return database is None or schema is None or session.catalog.databases.get_schema(database, schema) is None \
        or session.catalog.databases.relation_kind(database, schema, ref.name) is None


def _created(session: Session, target: TableRef | None) -> None:
    """A CREATE TABLE ran (DDL: never inside a transaction that could take it back): DuckDB now holds a
    table of its name, which the steps that record its owner and columns need not ask DuckDB again."""
    database = target.database or session.database if target is not None else None
    schema = target.schema or session.schema if target is not None else None
    if target is not None and database is not None and schema is not None:
        session.catalog.databases.relation_created(database, schema, target.name)


def _existing_target(session: Session, tr: Translation) -> str | None:
    """The name of the table, view or sequence a `CREATE … IF NOT EXISTS` names when it already exists."""
    sequence = tr.kind == "ddl" and bool(tr.tables) and tr.tables[0].object_kind == "sequence"
    if (tr.kind not in ("create_table", "create_view") and not sequence) or _IF_NOT_EXISTS.match(tr.sql) is None:
        return None
    ref = _write_target(tr) or tr.tables[0]
    database = ref.database or session.database
    schema = ref.schema or session.schema
    if database is None or schema is None:
        return None
    if sequence:
        return ref.name if privileges.sequence_exists(session, database, schema, ref.name) else None
    return ref.name if session.catalog.databases.relation_kind(database, schema, ref.name) is not None else None


# DuckDB keeps temporary tables and views in its own `temp` catalog, where `db.schema.t` names cannot
# reach them; Snowflake's live in the schema. A temporary table (or view: dbt's incremental models
# make `temporary view db.schema.x__dbt_tmp`) is therefore an ordinary one of the schema that its
# session drops when it closes; other sessions do not see it (engine.access.privileges.others_temporary).
_TEMPORARY = re.compile(r"^((?:CREATE SEQUENCE [^;]*; )*CREATE (?:OR REPLACE )?)TEMPORARY ", re.I)
_TEMPORARY_KINDS = ("create_table", "create_view")
# CREATE … IF NOT EXISTS, after the CREATE SEQUENCE statements of its identity columns (engine.sql.dml)
_IF_NOT_EXISTS = re.compile(r"(?:CREATE SEQUENCE [^;]*; )*CREATE (?:OR REPLACE )?(?:TEMPORARY )?"
                            r"(?:TABLE|VIEW|SEQUENCE) IF NOT EXISTS ", re.I)


def _without_temporary(tr: Translation) -> Translation:
    """CREATE TEMPORARY TABLE|VIEW → CREATE TABLE|VIEW (see _TEMPORARY)."""
    if tr.kind not in _TEMPORARY_KINDS or _TEMPORARY.match(tr.sql) is None:
        return tr
    return dataclasses.replace(tr, sql=_TEMPORARY.sub(r"\1", tr.sql, count=1))


def _enforce_lengths(session: Session, tr: Translation, target: TableRef | None) -> None:
    """CTAS / LIKE / CLONE and ALTER TABLE … ADD COLUMN: VARCHAR(n) columns DuckDB made without their
    CHECK get it (engine.sql.lengths). A value already too long undoes the statement: the new table is
    dropped, the added columns go, and 100074 is raised."""
    table = tr.table
    if table is None or target is None or table.kind == "VIEW":
        return
    database, schema = target.database or session.database, target.schema or session.schema
    if database is None or schema is None:
        return
    from snowreg.engine.sql import lengths

    added = {name for name, _ in table.columns} - set(table.dropped) if table.action == "alter" else None
    missing = lengths.unchecked(session, database, schema, target.name)
    if added is not None:
        missing = {c: n for c, n in missing.items() if snowflake(c) in added}
        missing |= {physical(c): n for c, n in retype.text_lengths(tr).items()}  # its CHECK changes
    if not missing:
        return
    try:
        lengths.rebuild(session, database, schema, target.name, missing)
    except duckdb.Error as e:
        _undo_for_lengths(session, database, schema, target.name, sorted(added) if added is not None else None)
        raise duckerrors.translate(e, session.database, session.schema) from None


def _undo_for_lengths(session: Session, database: str, schema: str, name: str, added: list[str] | None) -> None:
    """Take back a CREATE TABLE (added is None) or the columns an ALTER TABLE added."""
    table = f"{quote(database)}.{quote(schema)}.{quote(physical(name))}"
    if added is None:
        session.duck.execute(f"DROP TABLE IF EXISTS {table}")
        session.catalog.forget_table(database, schema, name)
    else:
        for column in added:
            session.duck.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {quote(physical(column))}")
        session.catalog.tables.forget_columns(database, schema, name, added)
    session.catalog.store.relations_changed()


def _fresh_identities(sql: str) -> str:
    """A CREATE TABLE's identity sequences named for this run (engine.sql.translation.IDENTITY_MARK)."""
    if IDENTITY_MARK[-16:] not in sql:  # the same 16 characters end the ORDER mark
        return sql
    suffix = uuid.uuid4().hex[:16]
    return sql.replace(IDENTITY_MARK, "$SEQ$" + suffix).replace(IDENTITY_MARK.replace("$SEQ$", "$SEQO$"),
                                                                 "$SEQO$" + suffix)


def _execute(session: Session, tr: Translation) -> None:
    """Run the translation's DuckDB text; statements that must succeed or fail together run in a
    transaction of their own when the session has none open (inside one, a failure aborts it all and
    engine.transaction.recover replays the earlier writes). Leaves the statement's answer to fetch."""
    duck = session.duck
    if not tr.atomic and (tr.kind != "alter" or session.transaction or "; " not in tr.sql):
        duck.execute(_fresh_identities(tr.sql))
        return
    if not tr.atomic:  # an ALTER TABLE of several actions (DROP COLUMN a, b): all of them or none
        duck.execute("BEGIN TRANSACTION")
        try:
            duck.execute(tr.sql)
        except BaseException:
            duck.execute("ROLLBACK")
            raise
        duck.execute("COMMIT")
        return
    own = not session.transaction
    if own:
        duck.execute("BEGIN TRANSACTION")
    try:
        counts = _run_steps(duck, tr)
        from snowreg.engine.sql import dml, multi_insert

        duck.execute(f"DROP TABLE IF EXISTS temp.{dml.OVERWRITE_SOURCE}")
        duck.execute(f"DROP TABLE IF EXISTS temp.{multi_insert.SOURCE}")
    except BaseException:
        if own:
            duck.execute("ROLLBACK")
        raise
    if own:
        duck.execute("COMMIT")
    duck.execute("SELECT " + ", ".join("?" for _ in counts), counts)


def _run_steps(duck: duckdb.DuckDBPyConnection, tr: Translation) -> list[int]:
    """The statements of an atomic translation; the counts of its answer (INSERT OVERWRITE: the INSERT's;
    INSERT ALL / FIRST: the rows each target table received)."""
    if not tr.steps:
        duck.execute(tr.sql)
        rows = duck.fetchall()
        return [int(rows[0][0]) if rows and rows[0] else 0]
    totals = dict.fromkeys(tr.counts, 0)
    for sql, label in tr.steps:
        duck.execute(sql)
        rows = duck.fetchall()
        if label is not None:
            totals[label] += int(rows[0][0]) if rows and rows[0] else 0
    return list(totals.values())


def _multi_joined(session: Session, tr: Translation) -> tuple[int, int] | None:
    """UPDATE … FROM: the target rows it changes and those that join several rows, counted before the
    update; with ERROR_ON_NONDETERMINISTIC_UPDATE = TRUE any such row fails the UPDATE (100090), nothing
    changed."""
    if tr.multi_joined is None:
        return None
    found = session.duck.execute(tr.multi_joined).fetchone()
    counts = (int(found[0]), int(found[1] or 0)) if found else (0, 0)
    if counts[1] and session.parameters.get("ERROR_ON_NONDETERMINISTIC_UPDATE", "FALSE").upper() in ("TRUE", "1"):
        raise errors.duplicate_row()
    return counts


def _nondeterministic_merge(session: Session, tr: Translation) -> Translation:
    """100090; with ERROR_ON_NONDETERMINISTIC_MERGE = FALSE one joined row per target row (dml.picked_merge)."""
    if session.parameters.get("ERROR_ON_NONDETERMINISTIC_MERGE", "TRUE").upper() not in ("FALSE", "0"):
        raise errors.duplicate_row()
    from snowreg.engine.sql import dml
    return dataclasses.replace(tr, sql=dml.picked_merge(tr.sql))


def run_translated(session: Session, tr: Translation, describe_only: bool = False,
                   local: frozenset[str] = frozenset()) -> Result:
    duck = session.duck
    tr = qualified(tr, session.database, session.schema, local)  # a translation made again (learned, aliases)
    if tr.udfs or tr.tables:  # user functions' macros, once found and allowed (a view's Python ones: U35)
        from snowreg.engine.sql import udf_calls

        tr = udf_calls.bind(session, tr)
    session.catalog.store.functions_for(tr.sql if tr.guard is None else tr.sql + tr.guard)
    sync_context(session, tr)
    try:
        if describe_only:
            return _describe(duck, tr)
        if tr.guard is not None and duck.execute(tr.guard).fetchone() is not None:
            duck.execute(f"EXPLAIN {tr.sql}")  # a MERGE that does not compile fails with that error first
            tr = _nondeterministic_merge(session, tr)
        multi = _multi_joined(session, tr)
        _execute(session, tr)
        if tr.kind not in _NO_DDL:  # a CREATE TABLE makes no view (views over model calls stay listed)
            session.catalog.store.relations_changed(views=tr.kind != "create_table")
        rows = duck.fetchall()
        description = duck.description
    except duckdb.Error as e:
        from snowreg.engine.sql import bind, comparisons, conditionals, misplaced, numbers, translate

        index = numbers.float_operand(str(e))
        if index is not None:
            raise FloatOperand(index) from None
        text = numbers.text_operand(str(e))
        if text is not None or duckerrors.text_arithmetic(e) or comparisons.refused(str(e)):  # O50: comparisons
            raise TextOperand(text, comparisons.refusal(e, session.database, session.schema)) from None
        if (cut := conditionals.cut(str(e))) is not None:
            raise ScaleCut(*cut) from None
        if tr.join_aliases and bind.unbound_column(e) in tr.join_aliases:  # ON names a select alias
            return run_translated(session, translate.translate(tr.source, (), tr.join_aliases), describe_only, local)
        if isinstance(e, duckdb.DependencyException) and (held := _held_sequence(session, tr)) is not None:
            raise held from None
        if tr.kind == "alter" and (added := duckerrors.added_not_null(e, tr.sql)) is not None:
            raise added from None
        raise (bind.column_error(e, tr.columns, tr.source, lambda c: bind.column_bound(duck, tr.sql, c))
               or misplaced.error(str(e), tr.source)
               or duckerrors.translate(e, session.database, session.schema)) from None
    if not tr.returns_rows:
        return _status_result(tr, rows, multi)
    result = shape(rows, [(d[0], str(d[1])) for d in description or ()], tr.zoned)
    return _at_offsets(result, tr.offsets) if tr.offsets else result


def _held_sequence(session: Session, tr: Translation) -> errors.Error | None:
    """DROP or CREATE OR REPLACE of a sequence a column's default reads (engine.sequences.held_by_default)."""
    ref = tr.tables[0] if tr.tables and tr.tables[0].object_kind == "sequence" else None
    database, schema = (ref.database or session.database, ref.schema or session.schema) if ref else (None, None)
    if ref is None or database is None or schema is None:
        return None
    return sequences.held_by_default(session, (database, schema, ref.name), "Dropping" if tr.kind == "drop"
                                     else "Replacing")


def _at_offsets(result: Result, offsets: tuple[tuple[int, int | str], ...]) -> Result:
    """TIMESTAMP_TZ columns at their literal's offset or CONVERT_TIMEZONE's zone (dates.fixed_offsets, converted_zones)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    zones = {i: ZoneInfo(m) if isinstance(m, str) else dt.timezone(dt.timedelta(minutes=m)) for i, m in offsets}
    rows = [tuple(v.astimezone(zones[i]) if i in zones and isinstance(v, dt.datetime) and v.tzinfo else v
                  for i, v in enumerate(row)) for row in result.rows]
    result.rows = rows
    return result


def sync_context(session: Session, tr: Translation) -> None:
    """Hand DuckDB the session's context; INFORMATION_SCHEMA views also get the rows the role may see."""
    views = [t.name for t in tr.tables if t.schema == "INFORMATION_SCHEMA"]
    information = bool(views)
    extra: dict[str, Any] = {}
    if information:  # loaded with the first such query (it loads the user functions' module)
        from snowreg.engine.sql import information_filters

        extra = information_filters.filters(session, views)
    if ROLES_VARIABLE in tr.sql:  # IS_ROLE_IN_SESSION; CURRENT_AVAILABLE_ROLES (the user's: `…_available`)
        extra |= {ROLES_VARIABLE: sorted(privileges.access(session).roles), f"{ROLES_VARIABLE}_available":
                  sorted(session.catalog.grants.role_graph().user_closure(session.user))}
    # A SELECT that names no table or view and calls no getvariable reads no session variable: it
    # skips the SETs (~0.2 ms each); anything else may (views, column defaults) and gets them all.
    reads_variables = bool(tr.tables) or tr.kind != "select" or "GETVARIABLE" in tr.sql.upper()
    session.sync_duckdb_variables(extra, variables=reads_variables)
    if information:
        session.expose_information(privileges.visible_model_ids(session), views)
    else:
        session.withdraw_information()


def _describe(duck: duckdb.DuckDBPyConnection, tr: Translation) -> Result:
    """The columns a statement would return; DuckDB's errors go to run_translated's handler, whose
    typed retries (a FLOAT division operand, a VARCHAR arithmetic operand) a describe needs too."""
    if not tr.returns_rows:  # DML: its count columns (with no row), as it answers them; DDL: the status
        return Result([Column(n, "FIXED", 38, 0, False) for n in tr.counts], []) if tr.counts else status()
    rel = duck.sql(tr.sql)
    assert rel is not None
    return shape([], list(zip(rel.columns, [str(t) for t in rel.types], strict=True)), tr.zoned)


def _status_result(tr: Translation, rows: list[tuple[Any, ...]],
                   multi: tuple[int, int] | None = None) -> Result:
    """DML answers with its count columns, DDL with Snowflake's status text."""
    if tr.counts:
        values = _count_values(tr, rows, multi)
        result = Result([Column(name, "FIXED", 38, 0, False) for name in tr.counts], [tuple(values)])
        result.rowcount = sum(values)
        return result
    target = _write_target(tr)
    if tr.kind in ("create_table", "create_view") and target is not None:
        kind = "Table" if tr.kind == "create_table" else "View"
        return status(f"{kind} {target.name} successfully created.")
    if tr.kind == "ddl" and target is not None and target.object_kind == "sequence":
        return status(f"Sequence {target.name} successfully created.")
    if tr.kind == "drop" and target is not None:
        return status(f"{target.name or target.schema} successfully dropped.")
    return status()


def _count_values(tr: Translation, rows: list[tuple[Any, ...]], multi: tuple[int, int] | None) -> list[int]:
    """DuckDB's answer → Snowflake's counts: MERGE returns one merge_action per changed row; UPDATE … FROM
    was counted before it ran (DuckDB counts every joined row and updates each target row once)."""
    if tr.kind == "merge":
        from snowreg.engine.sql import dml

        names = [dml.MERGE_ACTIONS.get(str(r[0]).upper()) for r in rows]
        return [names.count(column) for column in tr.counts]
    if multi is not None and len(tr.counts) == 2:
        return list(multi)
    if tr.steps:  # INSERT ALL / FIRST: one count per target table (engine.sql.multi_insert)
        return [int(v) for v in rows[0]] if rows else [0] * len(tr.counts)
    count = int(rows[0][0]) if rows and rows[0] and isinstance(rows[0][0], int) else 0
    return [count] + [0] * (len(tr.counts) - 1)


_VARIABLE = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")  # not the `$` of `SYSTEM$GET_TAG`


def spliced_variables(session: Session, sql: str) -> Spliced | None:
    """The text with its session variables' values, knowing where each character was written; None when
    it names no variable. A variable never SET is 002211 at the place it is written."""
    if "$" not in sql:
        return None
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for skip in [*LITERALS_AND_COMMENTS.finditer(sql), None]:
        stop = len(sql) if skip is None else skip.start()
        for m in _VARIABLE.finditer(sql, pos, stop):
            edits.append((m.start(), m.end(), _variable_literal(session, m.group(1), sql, m.start())))
        pos = stop if skip is None else skip.end()
    return Spliced.edited(sql, edits) if edits else None


# Before translation, in order, each with the words it looks for (texts with `$` try all; the last runs on every text):
_WORDS = ((spliced_variables, ()), (system.expand, ("GET_DDL",)), (tag_references.expand, ("TAG_REFERENCES",)),
          (history.expand, ("LAST_QUERY_ID", "RESULT_SCAN")), (star_ilike.expand, ("ILIKE",)), (session_texts.expand, ()))
TEXT_REWRITES: tuple[Callable[[Session, str], Spliced | None], ...] = tuple(rewrite for rewrite, _ in _WORDS)
_REWRITTEN = re.compile("|".join(word for _, words in _WORDS for word in words), re.I)  # else only the last applies


def _variable_literal(session: Session, name: str, sql: str, at: int) -> str:
    key = name.upper()
    if key not in session.variables:
        raise errors.variable_not_found(f"${key}", *place(sql, at))
    return literal(session.variables[key])


def evaluate_scalars(session: Session, exprs: list[str], spans: tuple[Span, ...] = ()) -> list[Any]:
    """Values of Snowflake expressions (SET var = expr); an error points where the expression is written
    (`spans`, one per expression, when known)."""
    text = Spliced()
    for k, (expr, span) in enumerate(zip(exprs, spans or (NO_SPAN,) * len(exprs), strict=True)):
        text.put(", (" if k else "SELECT (", span.line, span.column)
        text.copy(expr, span.line, span.column)
        text.put(")", span.line, span.column)
    try:
        result = run_sql(session, text.text)
    except errors.Error as e:
        raise (errors.remapped(e, text.written_at) if spans else e) from None
    if not result.rows:
        raise errors.compilation_error("SET: the expression returned no row.")
    return list(result.rows[0])
