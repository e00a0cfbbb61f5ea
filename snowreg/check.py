"""`snowreg check`: a dry run of a SQL script against a registry, reporting every problem it meets.

The script runs statement by statement in a throw-away registry (a fresh in-memory one, or a copy of the
`--db` directory in a temporary directory: the original is never opened). A statement that fails is
reported as `FILE:LINE:COL: <Snowflake error>` and, being atomic, changes nothing; the run goes on with
the next one. Queries are only typed and validated (describe-only), so model methods are not run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from snowreg import errors
from snowreg.grammar.text import excerpt, location
from snowreg.hints import with_hint
from snowreg.repl_text import Piece, command_error, error_offset, is_command, one_line, split_statements
from snowreg.script import NoNamespace, missing_registry, pipe_chain, relocate, require_namespace, run_chain

# Plain SQL that only reads: typed without running it (model calls validated, not executed).
READ_ONLY_VERBS = ("SELECT", "WITH", "VALUES", "EXPLAIN", "(")
# No current database / schema: one cause (a failed USE, a missing --database) that stops every later
# statement naming objects unqualified; the text shows its first problem and one line for the rest.
NO_CONTEXT = {90105: "database", 90106: "schema"}
_FOLDED_LINES = 8  # at most this many line numbers in that one line


@dataclass(frozen=True, slots=True)
class Problem:
    """One failing statement: where (1-based line and column) and Snowflake's error."""

    file: str
    line: int
    column: int
    errno: int | None
    sqlstate: str | None
    message: str

    def __str__(self) -> str:
        code = "" if self.errno is None else f"{self.errno:06d} ({self.sqlstate}): "  # None: not Snowflake's error
        return f"{self.file}:{self.line}:{self.column}: {code}{one_line(self.message)}"


def main(args: argparse.Namespace) -> int:
    """Entry point of `snowreg check`: 0 when clean, 1 when a problem was found, 2 when it could not run."""
    from snowreg.script import ScriptError, read_script, shown_name

    try:
        text = read_script(args.file)
    except ScriptError as e:
        print(f"snowreg check: {e}", file=sys.stderr)
        return 2
    missing = missing_registry(args.db, can_create=False)
    if missing is not None:
        print(f"snowreg check: {missing}", file=sys.stderr)
        return 2
    try:
        name = shown_name(args.file)
        problems, sources = check_script(text, name, path=args.db, database=args.database,
                                         schema=args.schema, role=args.role, user=args.user,
                                         stage_roots=getattr(args, "stage_roots", ()))
    except (OSError, errors.Error, NoNamespace) as e:
        print(f"snowreg check: {e}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(orjson.dumps([asdict(p) for p in problems], option=orjson.OPT_INDENT_2).decode())
    else:
        folded: dict[int, list[int]] = {}
        for problem, source in zip(problems, sources, strict=True):
            if problem.errno in NO_CONTEXT and problem.errno in folded:
                folded[problem.errno].append(problem.line)
                continue
            folded.update({problem.errno: []} if problem.errno in NO_CONTEXT else {})
            print(problem)
            print("    " + source.replace("\n", "\n    "))
        for errno, lines in folded.items():
            if lines:
                shown = ", ".join(map(str, lines[:_FOLDED_LINES])) + (", …" if len(lines) > _FOLDED_LINES else "")
                print(f"{name}: {len(lines)} more statement(s) failed as well for want of a current "
                      f"{NO_CONTEXT[errno]} ({'line' if len(lines) == 1 else 'lines'} {shown}; --format json lists each)")
        count = len(split_statements(text))
        print(f"{name}: {len(problems)} problem(s) in {count} statement(s)", file=sys.stderr)
    return 1 if problems else 0


def check_script(text: str, file: str = "<script>", *, path: str | None = None, database: str | None = None,
                 schema: str | None = None, role: str | None = None, user: str | None = None,
                 stage_roots: Sequence[str] = ()) -> tuple[list[Problem], list[str]]:
    """Dry-run a script; the problems found, each with its source line and a caret under the column.

    Nothing outside the temporary copy changes: statements that would write local files are only
    described, and stages read only the folders granted in `stage_roots`.
    """
    import snowreg

    with registry_copy(path) as copy:
        if path is not None and database is not None:  # as `snowreg run --db` would refuse them
            with snowreg.connect(role=role, user=user, path=copy, stage_roots=stage_roots) as probe:
                require_namespace(probe, path, database, schema, can_create=False)
        conn = snowreg.connect(database=database, schema=schema, role=role, user=user, path=copy,
                               stage_roots=stage_roots)
        try:
            return check_text(conn, text, file)
        finally:
            conn.close()


@contextmanager
def registry_copy(path: str | None) -> Iterator[str | None]:
    """None for a fresh in-memory registry, or a temporary copy of the registry directory `path`."""
    if path is None:
        yield None
        return
    source = Path(path)
    if not source.is_dir():
        raise FileNotFoundError(2, "no registry directory", str(source))
    with tempfile.TemporaryDirectory(prefix="snowreg-check-") as tmp:
        target = Path(tmp) / "registry"
        shutil.copytree(source, target)
        yield str(target)


def check_text(conn: Any, text: str, file: str) -> tuple[list[Problem], list[str]]:
    """Run every statement of `text` on `conn`, going on past failures."""
    problems, sources = [], []
    for piece in split_statements(text):
        failure = run_piece(conn, piece)
        if failure is None:
            continue
        err, start, offset = failure
        line, column = location(text, start + offset)
        err = relocate(err, text, start)  # `line L at position P` in the message counted in the file too
        problems.append(Problem(file, line, column, err.errno if err.errno >= 0 else None, err.sqlstate, err.msg))
        sources.append(excerpt(text, start + offset) + (f"\n{err.hint}" if err.hint else ""))
    return problems, sources


def run_piece(conn: Any, piece: Piece) -> tuple[errors.Error, int, int] | None:
    """Parse and run one statement: None when it is fine, else the error, the start of the text it was
    raised for (in the script) and its offset in that text."""
    import snowreg

    if is_command(piece):
        return errors.Error(command_error(piece)), piece.start, 0
    chain = pipe_chain(piece)
    if chain is not None:  # the statements before the last run: their results are what it reads
        _, error, part = run_chain(conn, chain, dry=lambda stmt: dry(conn, stmt))
        if error is None:
            return None
        at = error_offset(error, part.text)
        return with_hint(conn, error), part.start, at if at is not None else 0
    try:
        statements = snowreg.parse(piece.text)
    except errors.Error as e:
        return e, piece.start, error_offset(e, piece.text) or 0
    for stmt in statements:
        cur = conn.cursor()
        sql = piece.text[stmt.span.start:stmt.span.end]
        try:
            cur._run(stmt, sql, describe_only=dry(conn, stmt))
        except errors.Error as e:  # its position counts in the piece, as the parser's spans do
            at = error_offset(e, piece.text)
            return with_hint(conn, e), piece.start, at if at is not None else stmt.span.start
        except Exception as e:  # a bug in snowreg, not in the script: still reported, and the run goes on
            return errors.Error(f"snowreg internal error: {type(e).__name__}: {e}"), piece.start, stmt.span.start
    return None


def dry(conn: Any, stmt: Any) -> bool:
    """Whether a statement is only described: read-only queries, and what would touch local files."""
    from snowreg.grammar import ast

    if isinstance(stmt, ast.Query):
        return stmt.verb.split()[0] in READ_ONLY_VERBS
    if isinstance(stmt, ast.Get):
        return True  # it would write local files
    if isinstance(stmt, ast.Put | ast.RemoveFiles):
        return _local_stage(conn, stmt.stage)  # a stage backed by a local directory would change it
    return False


def _local_stage(conn: Any, ref: Any) -> bool:
    if ref.kind != "named" or ref.name is None:
        return False
    session = conn.session
    try:
        stage = session.catalog.objects.get_stage(*session.qualify(ref.name))
    except errors.Error:
        return False
    return stage is not None and stage.url is not None
