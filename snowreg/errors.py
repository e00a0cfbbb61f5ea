"""PEP 249 error hierarchy carrying Snowflake's errno, SQLSTATE and message, plus constructors."""

from __future__ import annotations


class Error(Exception):
    """Base of every snowreg error; `str(e)` reads like the real connector's."""

    def __init__(
        self,
        msg: str,
        errno: int = -1,
        sqlstate: str | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
        sfqid: str | None = None,
        query: str | None = None,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.errno = errno
        self.sqlstate = sqlstate
        self.line = line
        self.column = column
        self.sfqid = sfqid
        self.query = query
        self.excerpt: str | None = None  # the source line and a caret under the position (syntax errors)

    def __str__(self) -> str:
        if self.errno < 0:
            return self.msg
        return f"{self.errno:06d} ({self.sqlstate}): {self.msg}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class Warning(Exception):  # noqa: A001 - PEP 249 name
    """PEP 249 Warning."""


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class InternalError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class DataError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


# ---------------------------------------------------------------------------------------------
# Constructors for the errors Snowflake raises (reference §8.3). Messages keep Snowflake's text.
# ---------------------------------------------------------------------------------------------

COMPILATION = "SQL compilation error:\n"
ACCESS = "SQL access control error:\n"


def syntax_error(line: int, position: int, unexpected: str) -> ProgrammingError:
    return ProgrammingError(
        f"{COMPILATION}syntax error line {line} at position {position} unexpected '{unexpected}'.",
        1003,
        "42000",
        line=line,
        column=position,
    )


def does_not_exist(kind: str, fqn: str, sqlstate: str = "02000") -> ProgrammingError:
    """002003: `<Kind> 'FQN' does not exist or not authorized.` (missing or invisible, on purpose alike)."""
    return ProgrammingError(f"{COMPILATION}{kind} '{fqn}' does not exist or not authorized.", 2003, sqlstate)


def already_exists(kind: str, name: str) -> ProgrammingError:
    return ProgrammingError(f"{COMPILATION}{kind} '{name}' already exists.", 2002, "42710")


def object_not_found_or_op() -> ProgrammingError:
    return ProgrammingError(
        f"{COMPILATION}Object does not exist, or operation cannot be performed.", 2043, "02000"
    )


def insufficient_privileges(kind: str, name: str) -> ProgrammingError:
    return ProgrammingError(f"{ACCESS}Insufficient privileges to operate on {kind} '{name}'", 3001, "42501")


def role_not_assigned(role: str) -> ProgrammingError:
    return ProgrammingError(
        f"{ACCESS}Requested role '{role}' is not assigned to the executing user.  "
        "Specify another role to activate.",
        3013,
        "42501",
    )


def no_current_database() -> ProgrammingError:
    return ProgrammingError(
        "Cannot perform operation. This session does not have a current database. "
        "Call 'USE DATABASE', or use a qualified name.",
        90105,
        "22000",
    )


def no_current_schema() -> ProgrammingError:
    return ProgrammingError(
        "Cannot perform operation. This session does not have a current schema. "
        "Call 'USE SCHEMA', or use a qualified name.",
        90106,
        "22000",
    )


def compilation_error(msg: str, errno: int = 2000, sqlstate: str = "42601") -> ProgrammingError:
    """A generic `SQL compilation error:` with the given detail."""
    return ProgrammingError(f"{COMPILATION}{msg}", errno, sqlstate)


def not_supported(what: str) -> NotSupportedError:
    """Something Snowflake accepts that snowreg does not emulate: never a silently wrong answer."""
    return NotSupportedError(f"{COMPILATION}{what} is not supported by snowreg.", 2, "0A000")


def python_udf_error(method: str, detail: str) -> ProgrammingError:
    """100357: an exception raised by model code, as Snowflake reports a failing Python UDF."""
    return ProgrammingError(
        f"Python Interpreter Error:\n{detail} in function {method} with handler functions.{method.lower()}.infer",
        100357,
        "P0000",
    )


def tampered_file(path: str) -> OperationalError:
    """A stored file whose content no longer hashes to what the registry recorded: never unpickled."""
    return OperationalError(f"The stored file '{path}' does not match the hash recorded when it was stored; "
                            "the registry refuses to use it.", 250003, "XX000")


def nested_too_deeply() -> NotSupportedError:
    """A statement nested deeper than snowreg can compile (Snowflake's own limit is not documented)."""
    return NotSupportedError(f"{COMPILATION}A statement nested this deeply (parentheses, subqueries, CASE or NOT) "
                             "is not supported by snowreg; simplify it.", 2, "0A000")


def statement_timeout(seconds: int) -> OperationalError:
    """000630: the statement ran past STATEMENT_TIMEOUT_IN_SECONDS and was canceled."""
    return OperationalError(f"Statement reached its statement or warehouse timeout of {seconds} second(s) and was "
                            "canceled.", 630, "57014")


def invalid_regex(pattern: str, detail: str) -> ProgrammingError:
    """100048: a regular expression that does not compile."""
    return ProgrammingError(f"Invalid regular expression: '{pattern}', {detail}", 100048, "2201B")


def registry_unavailable(directory: str, locked: bool, detail: str) -> OperationalError:
    """A registry directory that cannot be opened; `locked`: another process holds it."""
    if locked:
        return OperationalError(f"The registry at {directory} is in use by another process; close it there first.",
                                250001, "08001")
    return OperationalError(f"Cannot open the registry at {directory}: {detail}", 250001, "08001")


def stage_path_outside(path: str) -> ProgrammingError:
    """A stage path that would leave its stage (`..`, absolute, or through a link)."""
    return ProgrammingError(f"{COMPILATION}The stage path '{path}' leaves its stage: '..', '.' and absolute "
                            "segments are not allowed.", 2003, "42S02")


def stage_url_not_allowed(url: str) -> ProgrammingError:
    """A local-directory stage outside the folders the embedding program granted."""
    return ProgrammingError(
        f"{COMPILATION}The stage URL '{url}' is outside the folders this registry may use for stages "
        "(grant one with connect(stage_roots=[...]), patch(stage_roots=[...]) or --stage-root).", 3001, "42501")
