"""The `snowreg` command: run, check, repl and demo."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from snowreg import errors


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PATH", help="persistent registry directory (default: in memory)")
    p.add_argument("--database", metavar="D", help="current database (created when missing)")
    p.add_argument("--schema", metavar="S", help="current schema (created when missing)")
    p.add_argument("--role", metavar="R", help="primary role (USE ROLE at connect)")
    p.add_argument("--user", metavar="U", help="user name (created holding PUBLIC when missing)")
    p.add_argument("--stage-root", metavar="DIR", action="append", default=[], dest="stage_roots",
                   help="a folder local-directory stages may use (repeatable; default: none)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="snowreg", description="An offline Snowflake Model Registry.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a SQL script, printing each result")
    run.add_argument("file", help="SQL script ('-' for standard input)")
    _common(run)
    run.add_argument("--format", choices=["table", "csv", "json"], default="table")
    check = sub.add_parser("check", help="dry-run a SQL script and report every problem")
    check.add_argument("file")
    _common(check)
    check.add_argument("--format", choices=["text", "json"], default="text")
    repl = sub.add_parser("repl", help="interactive SQL console with registry-aware completion")
    _common(repl)
    demo = sub.add_parser("demo", help="train a model, log versions and run the guide's lifecycle schemes")
    demo.add_argument("--db", metavar="PATH", help="persistent registry directory (default: in memory)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_file(args)
    if args.command == "check":
        from snowreg.check import main as check_main

        return check_main(args)
    if args.command == "repl":
        from snowreg.repl import main as repl_main

        return repl_main(args)
    from snowreg.demo import main as demo_main

    return demo_main(args)


def run_file(args: argparse.Namespace) -> int:
    import snowreg
    from snowreg.display import render
    from snowreg.grammar.text import location
    from snowreg.repl_text import error_offset
    from snowreg.scripts import ScriptError, read_script

    try:
        text = read_script(args.file)
    except ScriptError as e:
        print(f"snowreg: {e}", file=sys.stderr)
        return 2
    try:
        conn = snowreg.connect(database=args.database, schema=args.schema, role=args.role, user=args.user,
                               path=args.db, stage_roots=getattr(args, "stage_roots", ()))
    except errors.Error as e:
        print(f"snowreg: {e}", file=sys.stderr)
        return 1
    try:
        try:
            statements = snowreg.parse(text)
        except errors.Error as e:
            print(f"{args.file}:{e.line or 1}:{(e.column or 0) + 1}: {e}", file=sys.stderr)
            return 1
        for stmt in statements:
            cur = conn.cursor()
            try:
                cur._run(stmt, text[stmt.span.start:stmt.span.end])
            except errors.Error as e:
                statement = text[stmt.span.start:stmt.span.end]
                line, col = location(text, stmt.span.start + (error_offset(e, statement) or 0))
                print(f"{args.file}:{line}:{col}: {e}", file=sys.stderr)
                return 1
            names = [d[0] for d in cur.description or []]
            print(render(names, cur.fetchall(), args.format))
        return 0
    finally:
        conn.close()


if __name__ == "__main__":
    raise SystemExit(main())
