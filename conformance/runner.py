"""sqllogictest-style conformance runner: parse .test files and run their records on DB-API connections.

The format is described in conformance/README.md. Run files by hand with
`python conformance/runner.py [--target snowreg|snowflake] FILE...`; pytest collects them through
conformance/conftest.py (one item per record).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

TARGETS = ("snowreg", "snowflake")
TYPE_LETTERS = "TIRBVAD"
ANY = "<any>"


def load_sibling(name: str) -> ModuleType:
    """Import conformance/<name>.py under a private module name (the folder is not a package)."""
    key = f"snowreg_conformance_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, Path(__file__).with_name(f"{name}.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------
# Records and the parser of .test files
# ---------------------------------------------------------------------------------------------


class FormatError(Exception):
    """A .test file that does not follow the format (reported as a collection error)."""


class Failure(AssertionError):
    """A record whose outcome differs from what the file expects."""


Unsupported = load_sibling("backends").Unsupported  # a record the target cannot run: reported as a skip


@dataclass
class Record:
    """One unit of a .test file: a statement, a query, or a `connection` / `model` / `file` directive."""

    kind: str  # statement | query | connection | model | file
    path: str
    line: int
    ref: str | None
    sql: str = ""
    comments: list[str] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)  # targets on which the record does not run
    xfail: dict[str, str] = field(default_factory=dict)  # target -> reason
    expect_error: bool = False
    errno: int | None = None
    pattern: str | None = None
    types: str = ""
    sort: str = "nosort"
    project: tuple[str, ...] = ()
    expected: list[tuple[str, ...]] = field(default_factory=list)
    columns: tuple[str, ...] | None = None
    columns_prefix: bool = False
    args: dict[str, str] = field(default_factory=dict)
    requires: set[str] = field(default_factory=set)  # client packages snowreg needs to run it (`requires`)

    @property
    def where(self) -> str:
        ref = f" (reference {self.ref})" if self.ref else ""
        return f"{self.path}:{self.line}{ref}"

    def reason(self, target: str) -> str:
        """Why a record is skipped or expected to fail: the directive's text, else its comments."""
        return self.xfail.get(target) or " ".join(self.comments) or "marked in the .test file"


@dataclass
class _Pending:
    """Directives and comments that apply to the next record."""

    comments: list[str] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)
    xfail: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] | None = None
    columns_prefix: bool = False
    requires: set[str] = field(default_factory=set)


# `requires <name>`: the module snowreg needs in its own process to run the record (a Python stored
# procedure's handler gets a Snowpark Session); without it the record is skipped on snowreg.
REQUIREMENTS = {"snowpark": "snowflake.snowpark"}


def parse_file(path: str | Path) -> list[Record]:
    """All records of a .test file; raises FormatError with file:line on malformed input."""
    p = Path(path)
    try:
        shown = p.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        shown = str(p)
    return Parser(shown, p.read_text(encoding="utf-8").splitlines()).parse()


class Parser:
    """Line-oriented parser: one directive line, then SQL until a blank line (or `----` for queries)."""

    def __init__(self, path: str, lines: list[str]) -> None:
        self.path, self.lines, self.i = path, lines, 0
        self.ref: str | None = None
        self.pending = _Pending()
        self.records: list[Record] = []

    def error(self, msg: str, line: int | None = None) -> FormatError:
        return FormatError(f"{self.path}:{line or self.i}: {msg}")

    def parse(self) -> list[Record]:
        while self.i < len(self.lines):
            raw = self.lines[self.i].rstrip()
            self.i += 1
            if raw.strip():
                self._line(raw.strip())
        if self.pending.skip or self.pending.xfail or self.pending.columns is not None or self.pending.requires:
            raise self.error("a directive at the end of the file applies to no record")
        return self.records

    def _line(self, line: str) -> None:
        if line.startswith("#"):
            m = re.match(r"#\s*ref:\s*(.+)", line)
            if m:
                self.ref = m.group(1).strip()
            else:
                self.pending.comments.append(line.lstrip("#").strip())
            return
        word, _, rest = line.partition(" ")
        handler = {
            "statement": self._statement, "query": self._query, "columns": self._columns,
            "skipif": self._condition, "onlyif": self._condition, "xfail": self._condition,
            "connection": self._connection, "model": self._model, "file": self._file, "requires": self._requires,
        }.get(word)
        if handler is None:
            raise self.error(f"unknown directive {word!r}")
        handler(word, rest.strip())

    def _new(self, kind: str) -> Record:
        if self.ref is None:
            raise self.error("no `# ref: §N` comment names the reference section of this record")
        p = self.pending
        rec = Record(kind, self.path, self.i, self.ref, comments=p.comments, skip=p.skip, xfail=p.xfail,
                     requires=p.requires,
                     columns=p.columns, columns_prefix=p.columns_prefix)
        self.pending = _Pending()
        self.records.append(rec)
        return rec

    def _condition(self, word: str, rest: str) -> None:
        target, _, reason = rest.partition(" ")
        if target not in TARGETS:
            raise self.error(f"{word} needs a target ({' or '.join(TARGETS)}), not {target!r}")
        if word == "skipif":
            self.pending.skip.add(target)
        elif word == "onlyif":
            self.pending.skip.update(t for t in TARGETS if t != target)
        else:
            self.pending.xfail[target] = reason.strip()

    def _requires(self, word: str, rest: str) -> None:
        if rest not in REQUIREMENTS:
            raise self.error(f"requires names one of {', '.join(REQUIREMENTS)}, not {rest!r}")
        self.pending.requires.add(rest)

    def _columns(self, word: str, rest: str) -> None:
        names = [c.strip() for c in rest.split(" | ")]
        prefix = names[-1] == "..."
        self.pending.columns = tuple(names[:-1] if prefix else names)
        self.pending.columns_prefix = prefix

    def _sql(self, stop_at_dashes: bool) -> tuple[str, bool]:
        """SQL lines up to a blank line (or `----`); returns (sql, saw_dashes)."""
        out: list[str] = []
        while self.i < len(self.lines):
            line = self.lines[self.i].rstrip()
            if not line.strip():
                break
            self.i += 1
            if stop_at_dashes and line.strip() == "----":
                return "\n".join(out), True
            out.append(line)
        return "\n".join(out), False

    def _statement(self, word: str, rest: str) -> None:
        rec = self._new("statement")
        m = re.fullmatch(r"(ok|error)(?:\s+(\d+))?(?:\s+(.*))?", rest)
        if m is None or (m.group(1) == "ok" and (m.group(2) or m.group(3))):
            raise self.error("expected `statement ok` or `statement error [<errno> [<regex>]]`")
        rec.expect_error = m.group(1) == "error"
        rec.errno = int(m.group(2)) if m.group(2) else None
        rec.pattern = m.group(3)
        if rec.pattern is not None:
            try:
                re.compile(rec.pattern)
            except re.error as e:
                raise self.error(f"bad regex: {e}") from None
        rec.sql, _ = self._sql(stop_at_dashes=False)
        if not rec.sql:
            raise self.error("a statement needs SQL on the following lines")

    def _query(self, word: str, rest: str) -> None:
        rec = self._new("query")
        parts = rest.split()
        if not parts or any(c not in TYPE_LETTERS for c in parts[0]):
            raise self.error(f"`query` needs column types, letters of {TYPE_LETTERS}")
        rec.types = parts[0]
        for opt in parts[1:]:
            if opt in ("rowsort", "nosort"):
                rec.sort = opt
            elif opt.startswith("project="):
                rec.project = tuple(opt[len("project="):].split(","))
            else:
                raise self.error(f"unknown query option {opt!r}")
        if rec.project and len(rec.project) != len(rec.types):
            raise self.error("project= must name one column per type letter")
        rec.sql, dashes = self._sql(stop_at_dashes=True)
        if not rec.sql or not dashes:
            raise self.error("a query needs SQL, then `----`, then the expected rows")
        while self.i < len(self.lines) and self.lines[self.i].strip():
            cells = tuple(c.strip() for c in self.lines[self.i].strip().split(" | "))
            self.i += 1
            if len(cells) != len(rec.types):
                raise self.error(f"{len(cells)} values for {len(rec.types)} columns")
            rec.expected.append(tuple(canonical_expected(c, t, self) for c, t in zip(cells, rec.types,
                                                                                       strict=True)))

    def _connection(self, word: str, rest: str) -> None:
        rec = self._new("connection")
        name, *opts = rest.split()
        rec.args = {"name": name, **_options(opts, ("user", "role"), self)}

    def _file(self, word: str, rest: str) -> None:
        """`file <name>`, then its content up to a blank line: a local file in the run's folder `{dir}`."""
        if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]*", rest):
            raise self.error("`file` needs a plain file name (letters, digits, `_`, `.`, `-`; no folder)")
        rec = self._new("file")
        content, _ = self._sql(stop_at_dashes=False)
        if not content:
            raise self.error("a file needs its content on the following lines")
        rec.args = {"name": rest}
        rec.sql = content + "\n"

    def _model(self, word: str, rest: str) -> None:
        rec = self._new("model")
        words = rest.split()
        if not words:
            raise self.error("`model` needs a model name")
        rec.args = {"name": words[0], "version": "V1", "kind": "logreg"}
        rest_words = words[1:]
        if len(rest_words) >= 2 and rest_words[0].lower() == "version":
            rec.args["version"] = rest_words[1]
            rest_words = rest_words[2:]
        rec.args.update(_options(rest_words, ("kind",), self))
        if rec.args["kind"] not in ("logreg", "regressor", "table", "table_cased", "raising"):
            raise self.error("kind= must be logreg, regressor, table, table_cased or raising")


def _options(words: list[str], allowed: tuple[str, ...], parser: Parser) -> dict[str, str]:
    out = {}
    for w in words:
        key, eq, value = w.partition("=")
        if not eq or key not in allowed:
            raise parser.error(f"unknown option {w!r} (allowed: {', '.join(a + '=' for a in allowed)})")
        out[key] = value
    return out


# ---------------------------------------------------------------------------------------------
# Values: how actual results and expected cells are compared
# ---------------------------------------------------------------------------------------------


def _json_canonical(value: Any, unordered: bool) -> str:
    def norm(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() else float(v)
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            items = [norm(x) for x in v]
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True)) if unordered else items
        return v

    return json.dumps(norm(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _real(x: float) -> str:
    return format(x, ".12g")


def _text(s: str) -> str:
    if s == "":
        return "(empty)"
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def render(value: Any, t: str) -> str:
    """An actual result value in its canonical text for type letter `t`."""
    if value is None:
        return "NULL"
    if t == "D":
        return ANY
    if t == "B":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower()
        return "true" if value else "false"
    if t == "I" and not isinstance(value, bool):
        try:
            d = Decimal(str(value))
            return str(int(d)) if d == d.to_integral_value() else str(d)
        except ArithmeticError:
            return _text(str(value))
    if t == "R" and not isinstance(value, bool):
        try:
            return _real(float(value))
        except ValueError:
            return _text(str(value))
    if t in "VA":
        try:
            data = json.loads(value) if isinstance(value, str) else value
            return _json_canonical(data, unordered=t == "A")
        except (ValueError, TypeError):
            return _text(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return _text(value if isinstance(value, str) else str(value))


def canonical_expected(cell: str, t: str, parser: Parser) -> str:
    """An expected cell as written in a .test file, in the same canonical text as render()."""
    if cell in ("NULL", ANY):
        return cell
    try:
        if t == "I":
            return str(int(cell))
        if t == "R":
            return _real(float(cell))
        if t in "VA":
            return _json_canonical(json.loads(cell), unordered=t == "A")
    except ValueError:
        raise parser.error(f"{cell!r} is not a valid {t} value") from None
    if t == "B":
        return cell.lower()
    return cell


def cells_match(expected: tuple[str, ...], actual: tuple[str, ...]) -> bool:
    return len(expected) == len(actual) and all(
        e == a or (e == ANY and a != "NULL") for e, a in zip(expected, actual, strict=True))


# ---------------------------------------------------------------------------------------------
# Executing records
# ---------------------------------------------------------------------------------------------


def error_parts(exc: BaseException) -> tuple[int | None, str]:
    """(errno, message) of a DB-API error from snowreg or snowflake.connector."""
    errno = getattr(exc, "errno", None)
    msg = getattr(exc, "msg", None)
    return (errno if isinstance(errno, int) else None), (msg if isinstance(msg, str) else str(exc))


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


class FileRun:
    """The state of one .test file on one target: its connections over one fresh registry."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.connections: dict[str, Any] = {}
        self.current = "default"
        self.folder: Path | None = None  # the local files of `file` directives, `{dir}` in the SQL

    def connection(self) -> Any:
        if self.current not in self.connections:
            self.connections[self.current] = self.backend.connect(None, None)
        return self.connections[self.current]

    def close(self) -> None:
        self.backend.close()
        if self.folder is not None:
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _sql(self, rec: Record) -> str:
        """The record's SQL with `{dir}` standing for the folder of the file's local files."""
        if self.folder is None:
            return rec.sql
        return rec.sql.replace("{dir}", self.folder.as_posix())

    def run(self, rec: Record) -> None:
        """Run one record; raise Failure when its outcome differs from the file's expectation."""
        if type(self.backend).__name__ == "SnowregBackend":
            for need in rec.requires:
                if not _importable(REQUIREMENTS[need]):
                    raise Unsupported(f"needs {REQUIREMENTS[need]} in snowreg's environment (`requires {need}`)")
        if rec.kind == "connection":
            name = rec.args["name"]
            if name not in self.connections:
                self.connections[name] = self.backend.connect(rec.args.get("user"), rec.args.get("role"))
            elif "user" in rec.args or "role" in rec.args:
                raise Failure(f"{rec.where}: connection {name!r} already exists; user=/role= apply on creation")
            self.current = name
        elif rec.kind == "file":
            if self.folder is None:
                import tempfile

                self.folder = Path(tempfile.mkdtemp(prefix="conformance-"))
            (self.folder / rec.args["name"]).write_text(rec.sql, encoding="utf-8")
        elif rec.kind == "model":
            try:
                self.backend.log_model(self.connection(), rec.args["name"], rec.args["version"], rec.args["kind"])
            except Unsupported:
                raise
            except Exception as e:
                raise Failure(f"{rec.where}: model directive failed: {type(e).__name__}: {e}") from None
        elif rec.kind == "statement":
            self._statement(rec)
        else:
            self._query(rec)

    def _execute(self, rec: Record) -> tuple[Any, BaseException | None]:
        cur = self.connection().cursor()
        try:
            cur.execute(self._sql(rec))
        except Exception as e:
            return cur, e
        return cur, None

    def _statement(self, rec: Record) -> None:
        cur, exc = self._execute(rec)
        if not rec.expect_error:
            if exc is not None:
                raise Failure(f"{rec.where}: statement failed: {exc}\n{_indent(rec.sql)}")
            self._check_columns(rec, cur)
            return
        if exc is None:
            raise Failure(f"{rec.where}: expected error {rec.errno or ''}, but the statement succeeded\n"
                          f"{_indent(rec.sql)}")
        errno, msg = error_parts(exc)
        if rec.errno is not None and errno != rec.errno:
            raise Failure(f"{rec.where}: expected error {rec.errno:06d}, got {exc}\n{_indent(rec.sql)}")
        if rec.pattern is not None and re.search(rec.pattern, msg, re.S) is None:
            raise Failure(f"{rec.where}: error message does not match /{rec.pattern}/: {exc}\n{_indent(rec.sql)}")

    def _check_columns(self, rec: Record, cur: Any) -> list[str]:
        names = [d[0] for d in cur.description or ()]
        if rec.columns is not None:
            got = tuple(names[:len(rec.columns)]) if rec.columns_prefix else tuple(names)
            if got != rec.columns:
                raise Failure(f"{rec.where}: columns differ\n  expected: {' | '.join(rec.columns)}"
                              f"{' | ...' if rec.columns_prefix else ''}\n  actual:   {' | '.join(names)}")
        return names

    def _query(self, rec: Record) -> None:
        cur, exc = self._execute(rec)
        if exc is not None:
            raise Failure(f"{rec.where}: query failed: {exc}\n{_indent(rec.sql)}")
        names = self._check_columns(rec, cur)
        rows = [tuple(r) for r in cur.fetchall()]
        if rec.project:
            missing = [p for p in rec.project if p not in names]
            if missing:
                raise Failure(f"{rec.where}: no column {', '.join(missing)} in the result ({', '.join(names)})")
            idx = [names.index(p) for p in rec.project]
            rows = [tuple(r[i] for i in idx) for r in rows]
        if rows and len(rows[0]) != len(rec.types):
            raise Failure(f"{rec.where}: expected {len(rec.types)} columns, got {len(rows[0])} ({', '.join(names)})")
        actual = [tuple(render(v, t) for v, t in zip(r, rec.types, strict=True)) for r in rows]
        expected = list(rec.expected)
        if rec.sort == "rowsort":
            actual.sort()
            expected.sort()
        if len(actual) != len(expected) or not all(cells_match(e, a) for e, a in zip(expected, actual,
                                                                                       strict=True)):
            raise Failure(f"{rec.where}: rows differ\n{_indent(rec.sql)}\n  expected:\n{_rows(expected)}"
                          f"\n  actual:\n{_rows(actual)}")


def _indent(text: str) -> str:
    return "\n".join("    " + ln for ln in text.splitlines())


def _rows(rows: list[tuple[str, ...]]) -> str:
    return "\n".join("    " + " | ".join(r) for r in rows) or "    (no rows)"


# ---------------------------------------------------------------------------------------------
# Targets and the command line
# ---------------------------------------------------------------------------------------------


def make_backend(target: str, path: str | Path) -> Any:
    """A fresh backend (connection factory + model logger) for one file on `target`."""
    backends = load_sibling("backends")
    if target == "snowreg":
        return backends.SnowregBackend()
    return backends.SnowflakeBackend(Path(path).read_text(encoding="utf-8"))


def snowflake_configured() -> str | None:
    """None when real-Snowflake runs are possible, else the reason they are skipped."""
    reason: str | None = load_sibling("backends").snowflake_unavailable()
    return reason


def run_records(records: list[Record], target: str, backend_factory: Callable[[], Any]
                ) -> Iterator[tuple[Record, str, str]]:
    """(record, outcome, detail) for each record; outcome is pass, fail, skip, xfail or xpass."""
    run = FileRun(backend_factory())
    try:
        for rec in records:
            if target in rec.skip:
                yield rec, "skip", rec.reason(target)
                continue
            try:
                run.run(rec)
            except Unsupported as e:
                yield rec, "skip", str(e)
            except Failure as e:
                yield rec, ("xfail" if target in rec.xfail else "fail"), str(e)
            else:
                yield rec, ("xpass" if target in rec.xfail else "pass"), ""
    finally:
        run.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Run conformance .test files on snowreg or a Snowflake account.")
    ap.add_argument("--target", choices=TARGETS, default="snowreg")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every record, not only failures")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    if args.target == "snowflake" and (why := snowflake_configured()) is not None:
        print(f"cannot run on Snowflake: {why}", file=sys.stderr)
        return 2
    counts: dict[str, int] = {}
    for path in args.files:
        records = parse_file(path)

        def factory(p: str = path) -> Any:
            return make_backend(args.target, p)

        for rec, outcome, detail in run_records(records, args.target, factory):
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome in ("fail", "xpass") or args.verbose:
                shown = detail if detail.startswith(f"{rec.path}:{rec.line}") else f"{rec.where} {detail}"
                print(f"{outcome.upper():5} {shown}")
    print(", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    return 1 if counts.get("fail") or counts.get("xpass") else 0


if __name__ == "__main__":
    sys.exit(main())
