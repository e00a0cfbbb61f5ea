"""`snowreg repl`: an interactive SQL console with registry-aware completion, in the style of snowsql."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import snowreg
from snowreg import errors
from snowreg.grammar.text import excerpt
from snowreg.hints import with_hint
from snowreg.repl_text import bare_command, error_offset, is_command, is_complete, split_statements, tokenize

FORMATS = ("table", "csv", "json")
HELP = """\
Statements end with ';' and may span several lines. Tab completes keywords, databases, schemas,
models, versions and aliases, methods (after '!'), roles, privileges, tables and columns; the !commands below,
and file names after !source.
Ctrl-C cancels the input, Ctrl-D (or !quit, or quit) leaves; help alone is !help.

  !help                               this text
  !source FILE                        run the statements of a file (also !load)
  !set output_format=table|csv|json   how results are printed
  !why PRIVILEGE KIND NAME            why the session may or may not use an object,
                                      e.g. !why USAGE MODEL db.s.m
  !quit, !exit                        leave"""


GREETING = f"snowreg {snowreg.__version__} - !help lists the commands, Tab completes, Ctrl-D leaves."


def history_path() -> Path:
    """Where the history is kept: $SNOWREG_HISTORY, else the XDG state directory (~/.local/state)."""
    override = os.environ.get("SNOWREG_HISTORY")
    if override:
        return Path(override)
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "snowreg" / "history"


def main(args: argparse.Namespace) -> int:
    """Entry point of `snowreg repl`: interactive on a terminal, otherwise it runs the piped script."""
    from snowreg.script import open_connection, run_command

    if not sys.stdin.isatty():
        piped = argparse.Namespace(**{**vars(args), "file": "-", "format": "table"})
        return run_command(piped, sys.stdin.read(), "snowreg repl", sys.stdout, sys.stderr)
    try:
        import prompt_toolkit  # noqa: F401
    except ImportError:
        print("snowreg repl needs prompt_toolkit: pip install -e '.[repl]' in the snowreg checkout",
              file=sys.stderr)
        return 2
    conn = open_connection(args, "snowreg repl", sys.stderr)
    if conn is None:
        return 2
    with conn:
        return Repl(conn).run()


class Repl:
    """The read-eval-print loop over one connection. `input`/`output` are prompt_toolkit's (tests pass pipes)."""

    def __init__(self, conn: Any, *, out: TextIO | None = None, input: Any = None, output: Any = None,
                 history_file: str | os.PathLike[str] | None = None) -> None:
        from snowreg.remote import RemoteConnection
        from snowreg.repl_objects import Objects
        from snowreg.repl_remote import RemoteObjects

        self.conn = conn
        self.out = out if out is not None else sys.stdout
        self.format = "table"
        self.objects: Any = RemoteObjects(conn) if isinstance(conn, RemoteConnection) else Objects(conn)
        self.session = _prompt_session(self.objects, input, output,
                                       Path(history_file) if history_file is not None else history_path())

    # -- the loop ----------------------------------------------------------------------------------

    def run(self) -> int:
        """Read and run input until Ctrl-D or !quit; Ctrl-C only drops the input being typed."""
        self.say(GREETING)
        while True:
            try:
                text = self.session.prompt(self.prompt())
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not self.handle(text):
                break
        if hasattr(self.objects, "close"):
            self.objects.close()
        self.say("Goodbye!")
        return 0

    def prompt(self) -> str:
        where = ".".join(p for p in (self.conn.database, self.conn.schema) if p) or "(no database)"
        return f"{self.conn.role}@{where}> "

    def handle(self, text: str) -> bool:
        """Run one input (SQL statements or a !command); False to leave."""
        stripped = text.strip()
        if stripped.startswith("!"):
            return self.command(stripped[1:])
        if bare_command(stripped):
            return self.command(stripped)
        self.run_sql(text)
        return True

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    # -- SQL ---------------------------------------------------------------------------------------

    def run_sql(self, text: str) -> int:
        """Run each statement of a text, reporting errors and going on; returns the number that failed."""
        failed = 0
        for piece in split_statements(text):
            if is_command(piece):  # a !command line of a sourced file
                self.command(piece.text[1:])
            else:
                failed += not self.run_statement(piece.text)
        return failed

    def run_statement(self, sql: str) -> bool:
        from snowreg.display import as_shown, render

        start = time.perf_counter()
        cur = self.conn.cursor()
        try:
            cur.execute(sql)
            names = [d[0] for d in cur.description or []]
            rows = cur.fetchall()
            session = getattr(self.conn, "session", None)  # a remote connection holds no session here
            if session is not None:
                rows = as_shown([d[1] for d in cur.description or []], rows, session.parameters)
        except errors.Error as e:
            self.show_error(e, sql)
            return False
        except KeyboardInterrupt:
            self.say("Statement cancelled.")
            return False
        except Exception as e:  # a bug in snowreg: report it and keep the session alive
            self.say(f"snowreg internal error: {type(e).__name__}: {e}")
            return False
        finally:
            self.objects.refresh()
        self.say(render(names, rows, self.format))
        self.say(f"{len(rows)} Row(s) produced. Time Elapsed: {time.perf_counter() - start:.3f}s")
        return True

    def show_error(self, e: errors.Error, sql: str) -> None:
        """Snowflake's number and text, then the statement's line with a caret under the position."""
        self.say(str(e))
        offset = error_offset(e, sql)
        if offset is not None:
            self.say(excerpt(sql, offset))
        if with_hint(self.conn, e).hint:
            self.say(e.hint or "")

    # -- !commands ---------------------------------------------------------------------------------

    def command(self, line: str) -> bool:
        name, _, rest = line.strip().rstrip(";").strip().partition(" ")  # snowsql takes `!set …;` as well
        handlers: dict[str, Callable[[str], bool]] = {
            "help": self._help, "quit": lambda _: False, "exit": lambda _: False, "source": self._source,
            "load": self._source, "set": self._set, "why": self._why,
        }
        handler = handlers.get(name.lower())
        if handler is None:
            self.say(f"Unknown command '!{name}'. Type !help for the list.")
            return True
        return handler(rest.strip())

    def _help(self, _: str) -> bool:
        self.say(HELP)
        return True

    def _source(self, rest: str) -> bool:
        try:
            path = Path(shlex.split(rest)[0]).expanduser()
            text = path.read_text()
        except (IndexError, ValueError):
            self.say("Usage: !source FILE")
            return True
        except OSError as e:
            self.say(f"Cannot read {rest}: {e.strerror}")
            return True
        self.run_sql(text)
        return True

    def _set(self, rest: str) -> bool:
        key, _, value = rest.replace("=", " ", 1).partition(" ")
        key, value = key.strip().lower(), value.strip().lower()
        if key != "output_format" or value not in FORMATS:
            self.say(f"Usage: !set output_format={'|'.join(FORMATS)}")
            return True
        self.format = value
        self.say(f"output_format set to {value}")
        return True

    def _why(self, rest: str) -> bool:
        if not hasattr(self.conn, "session"):
            self.say("!why is not supported over snowreg serve (it reads the registry in-process).")
            return True
        try:
            from snowreg.engine.api import KINDS, explain_access
        except ImportError:
            self.say("!why is not available in this snowreg.")
            return True
        words = rest.split()
        if len(words) >= 2 and words[-1].upper() == "ACCOUNT":
            split = len(words) - 1
        elif len(words) >= 3 and words[-2].upper() in KINDS:
            split = len(words) - 2
        else:
            kinds = ", ".join(k for k in KINDS if k != "ACCOUNT")
            self.say(f"Usage: !why PRIVILEGE KIND NAME   e.g. !why USAGE MODEL db.s.m   (KIND: {kinds}; "
                     "or !why PRIVILEGE ACCOUNT)")
            return True
        try:
            self.say(str(explain_access(self.conn, " ".join(words[split:]), " ".join(words[:split]))))
        except (ValueError, errors.Error) as e:
            self.say(str(e))
        return True


# ---------------------------------------------------------------------------------------------
# prompt_toolkit wiring: session, key bindings, highlighting
# ---------------------------------------------------------------------------------------------


def _prompt_session(objects: Any, input: Any, output: Any, history: Path) -> Any:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.styles import Style

    from snowreg.repl_complete import SqlCompleter

    history.parent.mkdir(parents=True, exist_ok=True)
    return PromptSession(
        multiline=True, key_bindings=_key_bindings(), history=FileHistory(str(history)),
        completer=SqlCompleter(objects), complete_while_typing=False, lexer=_lexer(),
        style=Style.from_dict(STYLE), prompt_continuation=_continuation, input=input, output=output,
    )


STYLE = {
    "keyword": "bold #5f87ff", "string": "#5faf5f", "number": "#d78700", "comment": "italic #808080",
    "name.quoted": "#af87d7", "variable": "#d7af5f", "operator": "bold",
}


def _continuation(width: int, line_number: int, is_soft_wrap: int) -> str:
    return "-> ".rjust(width)


def _key_bindings() -> Any:
    """Enter runs the input once it is a complete statement (ends with `;`) or a !command."""
    from prompt_toolkit.filters import has_completions
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("enter", filter=~has_completions)
    def _enter(event: Any) -> None:
        buffer = event.current_buffer
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @kb.add("enter", filter=has_completions)
    def _pick(event: Any) -> None:
        buffer = event.current_buffer
        buffer.complete_state = None  # keep the chosen completion, close the menu

    return kb


def _lexer() -> Any:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.lexers import Lexer

    class SqlLexer(Lexer):
        """Keywords, strings, quoted names, numbers, variables and comments, line by line."""

        def lex_document(self, document: Any) -> Callable[[int], StyleAndTextTuples]:
            lines: list[StyleAndTextTuples] = [[]]
            for tok in tokenize(document.text):
                style = token_style(tok.kind, tok.text)
                for i, chunk in enumerate(tok.text.split("\n")):
                    if i:
                        lines.append([])
                    if chunk:
                        lines[-1].append((style, chunk))
            return lambda n: lines[n] if n < len(lines) else []

    return SqlLexer()


def token_style(kind: str, text: str) -> str:
    """The style class of a token (used by the highlighter)."""
    if kind == "word":
        return "class:keyword" if text.upper() in _keywords() else ""
    return {
        "string": "class:string", "dollar": "class:string", "file": "class:string", "stage": "class:string",
        "qident": "class:name.quoted", "number": "class:number", "comment": "class:comment",
        "variable": "class:variable", "punct": "class:operator" if text == "!" else "",
    }.get(kind, "")


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    from snowreg.grammar.parse import keyword_terminals
    from snowreg.repl_complete import SOUP_KEYWORDS

    return frozenset(keyword_terminals().values()) | frozenset(SOUP_KEYWORDS)
