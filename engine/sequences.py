"""ALTER SEQUENCE: rename a sequence, change its increment, order and comment.

https://docs.snowflake.com/en/sql-reference/sql/alter-sequence:

    ALTER SEQUENCE [ IF EXISTS ] <name> RENAME TO <new_name>
    ALTER SEQUENCE [ IF EXISTS ] <name> [ SET ] [ INCREMENT [ BY ] [ = ] <n> ]
    ALTER SEQUENCE [ IF EXISTS ] <name> SET { [ ORDER | NOORDER ] [ COMMENT = '<string>' ] }
    ALTER SEQUENCE [ IF EXISTS ] <name> UNSET COMMENT

DuckDB alters no sequence, so a changed one is made again under its (new) name, going on from the value
SHOW SEQUENCES calls `next_value` (DECISIONS.md O3). ORDER / NOORDER change nothing snowreg shows: one
process hands values out in order either way. A sequence a column default calls cannot be made again
(DuckDB keeps the dependency): refused as not supported, naming the column (`held_by_default`).
"""

from __future__ import annotations

import re

import duckdb

from snowreg import error_catalog, errors
from snowreg.catalog.names import physical
from snowreg.catalog.relations import sequence_readers
from snowreg.catalog.store import quote
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.lexical import decode_string
from snowreg.grammar.text import quote_ident, resolve_ident

_PART = r'(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)'
_NAME = rf"{_PART}(?:\s*\.\s*{_PART}){{0,2}}"
_ALTER = re.compile(rf"\s*ALTER\s+SEQUENCE\s+(?P<if>IF\s+EXISTS\s+)?(?P<name>{_NAME})\s+(?P<rest>.*?)\s*;?\s*",
                    re.I | re.S)
_RENAME = re.compile(rf"RENAME\s+TO\s+(?P<new>{_NAME})", re.I)
_INCREMENT = re.compile(r"INCREMENT\s*(?:BY\s*)?(?:=\s*)?(?P<n>[+-]?\d+)", re.I)
_ORDER = re.compile(r"(?:NO)?ORDER\b", re.I)
_COMMENT = re.compile(r"COMMENT\s*=\s*(?P<text>'(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$)", re.I | re.S)
_UNSET = re.compile(r"UNSET\s+COMMENT", re.I)


def _name(text: str) -> ast.QualifiedName:
    parts = [resolve_ident(p) for p in re.findall(_PART, text)]
    padded: list[str | None] = [None] * (3 - len(parts)) + list(parts)
    return ast.QualifiedName(padded[2] or "", padded[1], padded[0])


def _settings(rest: str) -> tuple[int | None, str | None, bool]:
    """The new increment, the new comment ('' to unset) and whether anything at all was set."""
    if _UNSET.fullmatch(rest):
        return None, "", True
    text = re.sub(r"^SET\b\s*", "", rest, flags=re.I)
    increment, comment, found = None, None, False
    while text:
        if (m := _INCREMENT.match(text)) is not None:
            increment = int(m.group("n"))
            if increment == 0 or abs(increment) >= 2 ** 63:  # a nonzero 64-bit integer
                raise error_catalog.sequence_interval(increment)
        elif (m := _COMMENT.match(text)) is not None:
            comment = decode_string(m.group("text"))
        elif (m := _ORDER.match(text)) is not None:
            if m.group(0).upper() == "ORDER":  # SHOW SEQUENCES reads every sequence as NOORDER
                raise errors.not_supported("ALTER SEQUENCE … SET ORDER")
        else:
            raise errors.syntax_error_detail(f"unexpected '{text.split()[0]}' in ALTER SEQUENCE")
        found = True
        text = text[m.end():].lstrip()
    return increment, comment, found


def alter_sequence(session: Session, sql: str) -> Result:
    m = _ALTER.fullmatch(sql)
    if m is None:
        raise errors.syntax_error_detail("ALTER SEQUENCE needs a sequence name and an action")
    name = _name(m.group("name"))
    database, schema, seq = session.qualify(name)
    rename = _RENAME.fullmatch(m.group("rest"))
    increment, comment, found = (None, None, True) if rename else _settings(m.group("rest"))
    if not found:
        raise errors.syntax_error_detail("ALTER SEQUENCE … SET needs INCREMENT, ORDER, NOORDER or COMMENT")
    transaction.commit(session)  # DDL: the open transaction ends first
    fqn = ".".join(quote_ident(p) for p in (database, schema, seq))
    state = _state(session, database, schema, seq)
    if state is None or not privileges.can_use_sequence(session, database, schema, seq):
        if m.group("if"):
            return status()
        raise errors.does_not_exist("Sequence", fqn)
    if "OWNERSHIP" not in privileges.sequence_privileges(session, database, schema, seq):  # USAGE alone: 003001
        raise errors.insufficient_privileges("sequence", seq)
    target = session.qualify(_name(rename.group("new"))) if rename else (database, schema, seq)
    if rename and target != (database, schema, seq):
        _check_destination(session, target, (database, schema))
    held = held_by_default(session, (database, schema, seq), "Altering")
    if held is not None:
        raise held
    next_value, step, old_comment = state
    _recreate(session, (database, schema, seq), target, next_value, increment or step,
              old_comment if comment is None else comment)
    if rename:
        session.catalog.grants.rename_sequence((database, schema, seq), target)
    session.last_transaction = transaction.new_id()
    return status()


def held_by_default(session: Session, sequence: tuple[str, str, str], doing: str) -> errors.Error | None:
    """Not supported, naming the column, when a column's default reads the sequence (DECISIONS.md O30);
    None when none does."""
    readers = sequence_readers(session.catalog.store, *sequence)
    if not readers:
        return None
    return errors.sequence_in_default(doing, ".".join(quote_ident(p) for p in sequence),
                                      ".".join(quote_ident(p) for p in readers[0]))


def _check_destination(session: Session, target: tuple[str, str, str], source: tuple[str, str]) -> None:
    """RENAME TO: the destination schema exists (and takes a new sequence, when it is another one) and has
    no sequence of that name."""
    database, schema, name = target
    if session.catalog.databases.get_schema(database, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
    if (database, schema) != source:
        privileges.check_create_in_schema(session, database, schema, "SEQUENCE")
    if privileges.sequence_exists(session, database, schema, name):
        raise errors.already_exists("Object", ".".join(quote_ident(p) for p in target))


def _state(session: Session, database: str, schema: str, name: str) -> tuple[int, int, str | None] | None:
    """The next value, the increment and the comment of a sequence (None: no such sequence)."""
    rows = session.catalog.store.data_query(
        "SELECT coalesce(last_value + increment_by, start_value), increment_by, comment FROM duckdb_sequences() "
        "WHERE database_name = ? AND schema_name = ? AND sequence_name = ?", [database, schema, physical(name)])
    return (int(rows[0][0]), int(rows[0][1]), rows[0][2]) if rows else None


def _recreate(session: Session, old: tuple[str, str, str], new: tuple[str, str, str], next_value: int,
              increment: int, comment: str | None) -> None:
    """Drop the sequence and make it again (all or nothing), going on from `next_value`."""
    duck = session.duck
    source = ".".join(quote(p) for p in (old[0], old[1], physical(old[2])))
    target = ".".join(quote(p) for p in (new[0], new[1], physical(new[2])))
    bound = f" MINVALUE {next_value}" if increment > 0 and next_value < 1 else ""
    if increment < 0:
        bound = f" MAXVALUE {next_value} MINVALUE {-(2 ** 63)}"
    duck.execute("BEGIN TRANSACTION")
    try:
        duck.execute(f"DROP SEQUENCE {source}")
        duck.execute(f"CREATE SEQUENCE {target} START WITH {next_value} INCREMENT BY {increment}{bound}")
        if comment:
            quoted = "'" + comment.replace("'", "''") + "'"
            duck.execute(f"COMMENT ON SEQUENCE {target} IS {quoted}")
    except duckdb.DependencyException as e:  # a default `held_by_default` did not find (written another way)
        duck.execute("ROLLBACK")
        raise errors.not_supported("ALTER SEQUENCE of a sequence a column's default reads") from e
    except BaseException:
        duck.execute("ROLLBACK")
        raise
    duck.execute("COMMIT")
