"""The `snowreg` command: run, check, repl, demo and serve (one parser-builder and one handler per subcommand)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import snowreg
from snowreg import errors

# Exit status of a command whose reader went away (`snowreg run x.sql | head`): 128 + SIGPIPE, as shells say.
BROKEN_PIPE = 141


def _connection_options(p: argparse.ArgumentParser, *, create: bool) -> None:
    p.add_argument("--db", metavar="PATH",
                   help="persistent registry directory (default: a fresh in-memory registry)")
    if create:
        p.add_argument("--create", action="store_true",
                       help="create the registry directory --db names when it holds no registry yet, and the "
                            "--database / --schema it lacks")
    made = "with --db only under --create" if create else "with --db it must exist"
    p.add_argument("--database", metavar="D", help=f"current database (created when missing; {made})")
    p.add_argument("--schema", metavar="S", help=f"current schema, in --database or named DB.S (created when missing; "
                                                 f"{made})")
    p.add_argument("--role", metavar="R", help="primary role (USE ROLE at connect)")
    p.add_argument("--user", metavar="U", help="user name (created holding PUBLIC when missing)")
    p.add_argument("--stage-root", metavar="DIR", action="append", default=[], dest="stage_roots",
                   help="a folder local-directory stages may use (repeatable; default: none)")
    if create:  # run and repl may work on a running server; check always stays offline
        p.add_argument("--server", metavar="URL",
                       help="run against a running `snowreg serve` (http://HOST:PORT) instead of --db")
        p.add_argument("--password", metavar="P",
                       help="the --user's password on the server (default: $SNOWREG_PASSWORD)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="snowreg", description="An offline Snowflake Model Registry.")
    parser.add_argument("--version", action="version", version=f"snowreg {snowreg.__version__}",
                        help="print snowreg's version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_run, _add_check, _add_repl, _add_demo, _add_serve):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problem = _qualify_schema(args)
    if problem is not None:
        print(f"snowreg {args.command}: {problem}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except BrokenPipeError:
        # The reader left: stop quietly, and keep the interpreter's final flush from failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE


def _qualify_schema(args: argparse.Namespace) -> str | None:
    """`--schema DB.S` names its database too; a bare `--schema S` needs `--database` (a session has no
    schema without a database, so it was dropped unsaid). Why not, or None when the pair is fine."""
    from snowreg.grammar.text import quote_ident, resolve_ident, split_name

    schema = getattr(args, "schema", None)
    if schema is None:
        return None
    try:
        parts = split_name(schema)
    except ValueError:
        parts = []
    if len(parts) == 2:
        if args.database is not None and resolve_ident(args.database) != parts[0]:
            return f"--schema {schema} is in database {parts[0]}, but --database names {resolve_ident(args.database)}"
        args.database, args.schema = quote_ident(parts[0]), quote_ident(parts[1])
    elif len(parts) != 1:
        return f"--schema {schema} is not a schema name (S, or DB.S)"
    elif args.database is None:
        return f"--schema {schema} needs --database (or name both: --schema DB.{schema})"
    return None


def _read(file: str, prog: str) -> str | None:
    """A script's text (UTF-8, a BOM accepted), or None after one line on stderr saying why not."""
    from snowreg.script import ScriptError, read_script

    try:
        return read_script(file)
    except ScriptError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return None


# -- run -----------------------------------------------------------------------------------------


def _add_run(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("run", help="run a SQL script, printing each result",
                       description="Run a SQL script statement by statement; the first error stops it (exit 1).")
    p.add_argument("file", help="SQL script ('-' for standard input)")
    _connection_options(p, create=True)
    p.add_argument("--format", choices=["table", "csv", "json"], default="table",
                   help="table: each result as it comes; json: one array, an object per statement; "
                        "csv: the last statement's result (default: table)")
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    from snowreg.script import run_command

    text = _read(args.file, "snowreg run")
    if text is None:
        return 2
    return run_command(args, text, "snowreg run", sys.stdout, sys.stderr)


# -- check ---------------------------------------------------------------------------------------


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="dry-run a SQL script and report every problem",
                       description="Dry-run a SQL script in a throw-away copy of the registry, "
                                   "reporting every failing statement (exit 1 when any).")
    p.add_argument("file", help="SQL script ('-' for standard input)")
    _connection_options(p, create=False)
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="text: one problem per line with its source; json: a list for CI (default: text)")
    p.set_defaults(handler=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    from snowreg.check import main as check_main

    return check_main(args)


# -- repl ----------------------------------------------------------------------------------------


def _add_repl(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("repl", help="interactive SQL console with registry-aware completion",
                       description="An interactive SQL console; with a piped standard input it runs the "
                                   "script as `snowreg run -` does.")
    _connection_options(p, create=True)
    p.set_defaults(handler=cmd_repl)


def cmd_repl(args: argparse.Namespace) -> int:
    from snowreg.repl import main as repl_main

    return repl_main(args)


# -- demo ----------------------------------------------------------------------------------------


def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="train a model, log versions and run the guide's lifecycle schemes",
                       description="Train scikit-learn models, log versions and run the example scripts.")
    p.add_argument("--db", metavar="PATH",
                   help="keep the registry in this new directory (default: in memory, gone at exit)")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from snowreg.demo import main as demo_main

    return demo_main(args)


# -- serve ---------------------------------------------------------------------------------------


def _add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("serve", help="serve the registry over Snowflake's HTTP protocol to real drivers",
                       description="Serve one registry to Snowflake drivers (Python, Node.js, ...) over HTTP.")
    p.add_argument("--db", metavar="PATH", help="persistent registry directory (default: in memory)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8080, help="port (0: any free port; default 8080)")
    p.add_argument("--database", metavar="D", help="database for logins naming none (created when missing)")
    p.add_argument("--schema", metavar="S", help="schema for logins naming none (created when missing)")
    p.add_argument("--grace", metavar="SECONDS", type=float, default=10.0,
                   help="on SIGINT/SIGTERM, how long running statements may finish before they are "
                        "cancelled (default 10)")
    p.epilog = ("Every login needs its user's password. ADMIN's is $SNOWREG_ADMIN_PASSWORD when set (stored "
                "hashed); otherwise ADMIN keeps the one it has, and a registry whose ADMIN has none gets a "
                "random one, printed on stderr.")
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from snowreg.server import serve as serve_forever

    try:
        serve_forever(args.db, args.host, args.port, args.database, args.schema, grace=args.grace,
                      admin_password=os.environ.get("SNOWREG_ADMIN_PASSWORD") or None)
    except OSError as e:
        print(f"snowreg serve: cannot listen on {args.host}:{args.port}: {e.strerror}", file=sys.stderr)
        return 2
    except errors.Error as e:
        print(f"snowreg serve: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
