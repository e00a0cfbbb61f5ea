"""Running a SQL script for people (`snowreg run`, a piped `snowreg repl`): statement by statement, results printed.

The script is split at top-level `;` and each statement is parsed and run in turn, so a syntax error in
statement N still lets statements 1..N-1 run and print, as snowsql does; the first error stops the run.
Errors read `FILE:LINE:COL: <Snowflake error>` followed by the source line and a caret, with every line
number (the prefix and the `line L at position P` inside Snowflake's message) counted in the file.

Formats: `table` prints each result as it comes; `json` prints one document, an array holding one object
per statement that ran (`statement`, `line`, `columns`, `rows` as objects keyed by column name); `csv`
prints one CSV document, the result of the script's last statement (earlier statements run but are not
printed, as `psql -c` does), and nothing when a statement failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import orjson

from snowreg import errors
from snowreg.grammar.text import excerpt, location, offset_of, place
from snowreg.hints import with_hint
from snowreg.repl_text import Piece, command_error, error_offset, is_command, split_statements

# The file a registry directory holds; its absence means the directory is not (yet) a registry.
REGISTRY_FILE = "registry.duckdb"


# ---------------------------------------------------------------------------------------------
# Opening the registry a command names
# ---------------------------------------------------------------------------------------------


def missing_registry(path: str | None, *, can_create: bool = True) -> str | None:
    """Why `path` cannot be opened as an existing registry (one line with a hint), or None when it can."""
    if path is None:
        return None
    where = Path(path)
    if (where / REGISTRY_FILE).is_file():
        return None
    if where.exists() and not where.is_dir():
        return f"{path} is not a registry directory (it is a file)"
    create = "pass --create to make a new one there, or " if can_create else ""
    return f"no registry at {path} ({create}`snowreg demo --db {path}` makes one with the guide's models)"


def shown_name(file: str) -> str:
    """How messages name a script: its path as given, `<stdin>` for '-'."""
    return "<stdin>" if file == "-" else file


class ScriptError(Exception):
    """A script that cannot be read or is not UTF-8 text; `str()` is one line for the user."""


def read_script(file: str) -> str:
    """The text of a script file ('-': standard input), decoded as UTF-8 with an optional BOM."""
    if file == "-" and not hasattr(sys.stdin, "buffer"):  # a text stream put in its place (tests, embedding)
        return sys.stdin.read().removeprefix("\ufeff")
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as e:
        raise ScriptError(f"cannot read {file}: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScriptError(f"{file} is not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})") from None


def connect(args: argparse.Namespace) -> Any:
    """The connection a `run` / `repl` command line asks for (raises errors.Error, or NoNamespace when the
    --database / --schema it names are not in its --db registry and --create is not given)."""
    import snowreg

    if getattr(args, "server", None):
        return snowreg.connect(server=args.server, database=args.database, schema=args.schema, role=args.role,
                               user=args.user, password=args.password or os.environ.get("SNOWREG_PASSWORD"))
    path = Path(args.db).resolve() if args.db else None
    stage_roots = getattr(args, "stage_roots", ())
    if path is None or args.create or args.database is None:
        return snowreg.connect(database=args.database, schema=args.schema, role=args.role, user=args.user,
                               path=path, stage_roots=stage_roots)
    with snowreg.connect(role=args.role, user=args.user, path=path, stage_roots=stage_roots) as probe:
        require_namespace(probe, args.db, args.database, args.schema, can_create=True)
        return snowreg.connect(database=args.database, schema=args.schema, role=args.role, user=args.user,
                               path=path, stage_roots=stage_roots)


class NoNamespace(Exception):
    """The database or schema a command names is not in its registry; `str()` is one line for the user."""


def require_namespace(conn: Any, shown: str, database: str, schema: str | None, *, can_create: bool) -> None:
    """Raise NoNamespace unless the session sees `database` (and `schema` in it): a persistent registry is
    not given a database or schema by a mistyped --database / --schema (an in-memory one makes them)."""
    from snowreg.engine.api import visible_databases, visible_schemas
    from snowreg.grammar.text import quote_ident, resolve_ident

    create = ", or pass --create to make it" if can_create else ""
    db, session = resolve_ident(database), conn.session
    known = sorted(visible_databases(session))
    if db not in known:
        listed = ", ".join(quote_ident(n) for n in known) or "none"
        raise NoNamespace(f"no database {quote_ident(db)} in {shown} (its databases: {listed}){create}")
    name = None if schema is None else resolve_ident(schema)
    schemas = sorted(visible_schemas(session, db))
    if name is not None and name not in schemas and name != "INFORMATION_SCHEMA":
        listed = ", ".join(quote_ident(n) for n in schemas) or "none"
        raise NoNamespace(f"no schema {quote_ident(db)}.{quote_ident(name)} in {shown} "
                          f"(schemas of {quote_ident(db)}: {listed}){create}")


# ---------------------------------------------------------------------------------------------
# Positions: everything counted in the file
# ---------------------------------------------------------------------------------------------


def relocate(error: errors.Error, text: str, start: int) -> errors.Error:
    """`error`, raised for the text starting at offset `start` of `text`, with file line numbers.

    The line and column fields and a `line L at position P` inside the message are rewritten; an error
    without a position is returned as it is.
    """
    before = text[:start]
    return errors.moved(error, before.count("\n"), start - (before.rfind("\n") + 1))


@dataclass(frozen=True, slots=True)
class Failure:
    """A statement that failed: the error (file line numbers) and its 1-based place in the file."""

    error: errors.Error
    line: int
    column: int
    source: str  # the source line and a caret under the column

    def report(self, file: str) -> str:
        return f"{file}:{self.line}:{self.column}: {self.error}\n    " + self.source.replace("\n", "\n    ")


Ran = tuple[str, int, list[str], list[Any]]  # a statement's text, its offset in the script, its columns and rows


def run_piece(conn: Any, text: str, piece: Piece) -> tuple[list[Ran], Failure | None]:
    """Parse and run one statement of `text`: its results, and its failure if any."""
    import snowreg
    from snowreg.remote import RemoteConnection

    remote = isinstance(conn, RemoteConnection)
    results: list[Ran] = []
    if is_command(piece):
        line, column = location(text, piece.start)
        return results, Failure(errors.Error(command_error(piece)), line, column, excerpt(text, piece.start))
    chain = pipe_chain(piece)
    if chain is not None:  # `s1 ->> s2 …`: one statement for the reader, its last result shown
        cur, error, part = run_chain(conn, chain)
        if error is not None:
            return results, _failure(text, part, with_hint(conn, error), 0)
        return [(piece.text, piece.start, *_fetched(conn, cur, remote))], None
    try:
        statements = snowreg.parse(piece.text)
    except errors.Error as e:
        return results, _failure(text, piece, e, 0)
    for stmt in statements:
        sql = piece.text[stmt.span.start:stmt.span.end]
        cur = conn.cursor()
        try:
            if remote:  # the server parses the statement again; the text is what travels
                cur.execute(sql)
            else:
                cur._run(stmt, sql)
            names, rows = _fetched(conn, cur, remote)
        except errors.Error as e:
            return results, _failure(text, piece, with_hint(conn, e), stmt.span.start)
        results.append((sql, piece.start + stmt.span.start, names, rows))
    return results, None


def _fetched(conn: Any, cur: Any, remote: bool) -> tuple[list[str], list[Any]]:
    """A result's column names and rows, dates, times and timestamps as Snowflake shows them (the session's
    output formats; a server's connection gets its values already shown)."""
    from snowreg.display import as_shown, json_marked

    names = [d[0] for d in cur.description or []]
    codes = [d[1] for d in cur.description or []]
    rows = cur.fetchall()
    return names, json_marked(codes, rows) if remote else as_shown(codes, rows, conn.session.parameters)


def pipe_chain(piece: Piece) -> list[Piece] | None:
    """The statements of a flow operator chain `s1 ->> s2 …` (https://docs.snowflake.com/en/sql-reference/
    operators-flow), each placed in the script; None when the piece is no chain."""
    from snowreg.engine.api import history

    if "->>" not in piece.text:
        return None
    parts = history.split_pipe(piece.text)
    if len(parts) < 2:
        return None
    chain, at = [], 0
    for part in parts:
        at = piece.text.index(part, at)
        chain.append(Piece(part, piece.start + at))
        at += len(part)
    return chain


def run_chain(conn: Any, chain: list[Piece], dry: Callable[[Any], bool] | None = None
              ) -> tuple[Any, errors.Error | None, Piece]:
    """Run a chain's statements in turn, `FROM $n` reading the result n statements back, as a cursor does:
    the last one's cursor, or the error and the part it was raised for (its position counted in the part as
    written). `dry(stmt)`: whether the last statement is only described (`snowreg check`)."""
    import snowreg
    from snowreg.engine.api import history
    from snowreg.remote import RemoteConnection

    ids: list[str] = []
    for part in chain:
        cur = conn.cursor()
        edits: list[tuple[int, int, str]] = []
        statement = part.text
        try:
            edits = history.pipe_input_edits(part.text, ids)
            statement = history.pipe_inputs(part.text, ids)
            parsed = snowreg.parse(statement)
            if len(parsed) != 1:
                raise errors.compilation_error("Each statement of a pipe must be one statement")
            if isinstance(conn, RemoteConnection):
                cur.execute(statement)
            else:
                cur._run(parsed[0], statement, describe_only=dry is not None and part is chain[-1] and dry(parsed[0]))
        except errors.Error as e:
            return cur, _as_written(e, part.text, statement, edits), part
        ids.append(cur.sfqid or "")
    return cur, None, chain[-1]


def _as_written(error: errors.Error, part: str, statement: str, edits: list[tuple[int, int, str]]) -> errors.Error:
    """An error raised for a chain's statement with its `FROM $n` rewritten, placed where the user wrote it."""
    if not edits:
        return error

    def where(line: int, position: int) -> tuple[int, int]:
        if line <= 0:
            return line, position
        offset, shift = offset_of(statement, line, position), 0
        for start, end, replacement in edits:
            if offset < start + shift:
                break
            if offset < start + shift + len(replacement):
                return place(part, start)
            shift += len(replacement) - (end - start)
        return place(part, offset - shift)

    return errors.remapped(error, where)


def _failure(text: str, piece: Piece, error: errors.Error, statement_start: int) -> Failure:
    """A failure at the error's own position in the piece (it counts in the text it was parsed from),
    or at the start of the statement when the error has none."""
    at = error_offset(error, piece.text)
    offset = piece.start + (at if at is not None else statement_start)
    line, column = location(text, offset)
    hint = f"\n{error.hint}" if error.hint else ""
    return Failure(relocate(error, text, piece.start), line, column, excerpt(text, offset) + hint)


# ---------------------------------------------------------------------------------------------
# Output, one class per format
# ---------------------------------------------------------------------------------------------


@dataclass
class Output:
    """Where results go: `add` each statement's result, `finish` once (ok: every statement ran)."""

    out: TextIO
    fmt: str
    _kept: list[dict[str, Any]] = field(default_factory=list)

    def add(self, sql: str, line: int, names: list[str], rows: list[Any]) -> None:
        from snowreg.display import json_records, render

        if self.fmt == "table":
            self.out.write(render(names, rows, "table") + "\n")
            self.out.flush()
        elif self.fmt == "json":
            self._kept.append({"statement": sql, "line": line, "columns": names,
                               "rows": json_records(names, rows)})
        else:
            self._kept[:] = [{"names": names, "rows": rows}]

    def finish(self, ok: bool) -> None:
        from snowreg.display import to_csv

        if self.fmt == "json":
            self.out.write(orjson.dumps(self._kept, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")
        elif self.fmt == "csv" and ok and self._kept:
            self.out.write(to_csv(self._kept[0]["names"], self._kept[0]["rows"]) + "\n")
        self.out.flush()


def run_text(conn: Any, text: str, file: str, fmt: str, out: TextIO, err: TextIO) -> int:
    """Run a script's statements in order, printing results; 0 when all ran, 1 at the first error."""
    output = Output(out, fmt)
    for piece in split_statements(text):
        results, failure = run_piece(conn, text, piece)
        for sql, start, names, rows in results:
            output.add(sql, location(text, start)[0], names, rows)
        if failure is not None:
            output.finish(ok=False)
            err.write(failure.report(file) + "\n")
            err.flush()
            return 1
    output.finish(ok=True)
    return 0


# ---------------------------------------------------------------------------------------------
# The command: open, run, close
# ---------------------------------------------------------------------------------------------


def open_connection(args: argparse.Namespace, prog: str, err: TextIO) -> Any:
    """The connection for `run` / `repl`, or None after saying (one line on `err`) why there is none."""
    if getattr(args, "server", None) and (args.db or args.stage_roots or args.create):
        err.write(f"{prog}: --server runs on the server's registry: --db, --create and --stage-root do not apply\n")
        return None
    problem = None if getattr(args, "create", False) or getattr(args, "server", None) else missing_registry(args.db)
    if problem is not None:
        err.write(f"{prog}: {problem}\n")
        return None
    try:
        return connect(args)
    except (errors.Error, NoNamespace) as e:  # a registry locked by another process among them
        err.write(f"{prog}: {e}\n")
    return None


def run_command(args: argparse.Namespace, text: str, prog: str, out: TextIO, err: TextIO) -> int:
    """`snowreg run` on a script's text: 0 when every statement ran, 1 at the first error, 2 when it cannot run."""
    conn = open_connection(args, prog, err)
    if conn is None:
        return 2
    try:
        return run_text(conn, text, shown_name(args.file), args.format, out, err)
    finally:
        conn.close()
