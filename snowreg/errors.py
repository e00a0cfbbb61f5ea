"""PEP 249 error hierarchy carrying Snowflake's errno, SQLSTATE and message, and the catalogue of named errors.

Every error snowreg raises is built here: raise sites call a named constructor (`does_not_exist`,
`invalid_identifier`, …) and never write an errno or SQLSTATE themselves. Errors about a place in a
statement carry its line and position, so the CLI and REPL point at it without reading the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable


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
        self.hint: str | None = None  # a line for people after the caret (`Did you mean VERSION?`), not Snowflake's
        self.object_name: str | None = None  # the object an error is about, as Snowflake writes it
        self.object_parts: tuple[str, ...] | None = None  # or its name parts, when they are known as such
        # A message ending with another error's (`Uncaught …: <its message>`): that error, where its text starts
        # in this one's (line, position), or None for another text (a procedure's body), whose places stay.
        self.inner: Error | None = None
        self.inner_at: tuple[int, int] | None = None

    def __str__(self) -> str:
        if self.errno == -1:  # no number (a Scripting exception's own number is negative: -20002)
            return self.msg
        if self.sqlstate is None:  # client-side errors (the connector's 25xxxx) carry no SQLSTATE
            return f"{self.errno:06d}: {self.msg}"
        return f"{self.errno:06d} ({self.sqlstate}): {self.msg}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


_AT = re.compile(r"line (\d+) at position (\d+)")


def moved(error: Error, lines: int, first_column: int) -> Error:
    """`error` with its position counted in a larger text: `lines` more lines before it, and on its first
    line `first_column` more characters. The line / column fields and a `line L at position P` in the
    message move alike (line 0, Snowflake's "unknown", stays). `error` itself is the new one's cause."""
    return remapped(error, lambda line, column: within((lines + 1, first_column), line, column))


def within(at: tuple[int, int], line: int, column: int) -> tuple[int, int]:
    """A position in a text starting at `at` of a larger one, counted in the larger one (line 0 stays)."""
    return (line, column) if line <= 0 else (at[0] + line - 1, column + (at[1] if line == 1 else 0))


def remapped(error: Error, where: Callable[[int, int], tuple[int, int]]) -> Error:
    """`error` with its place taken from `where(line, column)`: the line / column fields and a `line L at
    position P` in the message alike (an inner error's only when within). Its cause is `error` (or it is `error`)."""
    def moved_in(text: str) -> str:
        return _AT.sub(lambda m: "line {} at position {}".format(*where(int(m.group(1)), int(m.group(2)))), text)

    inner, at = error.inner, error.inner_at
    msg = moved_in(error.msg if inner is None else error.msg[:len(error.msg) - len(inner.msg)])
    if inner is not None:
        inner = inner if at is None else remapped(inner, lambda line, column: where(*within(at, line, column)))
        msg += inner.msg
    if msg == error.msg and error.line is None:
        return error
    line, column = error.line, error.column
    if line is not None and column is not None:
        line, column = where(line, column)
    new = type(error)(msg, error.errno, error.sqlstate, line=line, column=column, sfqid=error.sfqid,
                      query=error.query)
    new.object_name, new.object_parts, new.hint = error.object_name, error.object_parts, error.hint
    if error.inner is not None:
        new.inner, new.inner_at = inner, None if at is None else where(*at)
    new.__cause__ = error
    return new


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
# Constructors for the errors Snowflake raises (docs/SNOWFLAKE.md#s8-3). Messages keep Snowflake's text.
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
    error = ProgrammingError(f"{COMPILATION}{kind} '{fqn}' does not exist or not authorized.", 2003, sqlstate)
    error.object_name = fqn
    return error


def already_exists(kind: str, name: str) -> ProgrammingError:
    error = ProgrammingError(f"{COMPILATION}{kind} '{name}' already exists.", 2002, "42710")
    error.object_name = name
    return error


def object_not_found_or_op() -> ProgrammingError:
    return ProgrammingError(
        f"{COMPILATION}Object does not exist, or operation cannot be performed.", 2043, "02000"
    )


def insufficient_privileges(kind: str, name: str) -> ProgrammingError:
    """003001 about the object named `name` (its own name, unquoted)."""
    error = ProgrammingError(f"{ACCESS}Insufficient privileges to operate on {kind} '{name}'", 3001, "42501")
    error.object_parts = (name,)
    return error


def role_not_assigned(role: str) -> ProgrammingError:
    return ProgrammingError(
        f"{ACCESS}Requested role '{role}' is not assigned to the executing user.  "
        "Specify another role to activate.",
        3013,
        "42501",
    )


def no_current_database(kind: str = "operation") -> ProgrammingError:
    """090105: `kind` names the statement (`Cannot perform CREATE TABLE. ...`)."""
    return ProgrammingError(
        f"Cannot perform {kind}. This session does not have a current database. "
        "Call 'USE DATABASE', or use a qualified name.",
        90105,
        "22000",
    )


def no_current_schema(kind: str = "operation") -> ProgrammingError:
    """090106: `kind` names the statement."""
    return ProgrammingError(
        f"Cannot perform {kind}. This session does not have a current schema. "
        "Call 'USE SCHEMA', or use a qualified name.",
        90106,
        "22000",
    )


def compilation_error(msg: str, errno: int = 2000, sqlstate: str = "42601", *,
                      line: int | None = None, column: int | None = None) -> ProgrammingError:
    """A generic `SQL compilation error:` with the given detail (Snowflake's 002000 unless told).

    With a place, Snowflake puts it on the first line: `SQL compilation error: error line L at position P`.
    """
    if line is None or column is None:
        return ProgrammingError(f"{COMPILATION}{msg}", errno, sqlstate)
    return ProgrammingError(f"SQL compilation error: error line {line} at position {column}\n{msg}", errno,
                            sqlstate, line=line, column=column)


# ---------------------------------------------------------------------------------------------
# Compilation: names, functions and arguments
# ---------------------------------------------------------------------------------------------


def invalid_identifier(name: str, line: int | None = None, column: int | None = None) -> ProgrammingError:
    """000904: a column (or other identifier) the statement names that does not exist. Without a place
    Snowflake writes `error line 0 at position -1` (its SYSTEM$CREATE_SEMANTIC_VIEW_FROM_YAML page); the
    error then has no line and column (nothing to put a caret under)."""
    if line is None or column is None or line <= 0:
        return ProgrammingError(f"SQL compilation error: error line 0 at position -1\ninvalid identifier '{name}'",
                                904, "42000")
    return compilation_error(f"invalid identifier '{name}'", 904, "42000", line=line, column=column)


def ambiguous_column(name: str, line: int, column: int) -> ProgrammingError:
    """000918: a column name more than one table of the FROM clause has."""
    return compilation_error(f"ambiguous column name '{name}'", 918, "42000", line=line, column=column)


def not_in_group_by(name: str, line: int, column: int) -> ProgrammingError:
    """001104: a select item column that is neither grouped nor aggregated, under an explicit GROUP BY."""
    return compilation_error(f"'{name}' in select clause is neither an aggregate nor in the group by clause.",
                             1104, "42601", line=line, column=column)


def invalid_group_by_expression(name: str) -> ProgrammingError:
    """000979: a column an aggregate query (no GROUP BY, or in HAVING / ORDER BY) reads ungrouped."""
    return compilation_error(f"[{name}] is not a valid group by expression", 979, "42601")


def syntax_error_detail(detail: str) -> ProgrammingError:
    """001003 without a position: the database's parser refused text the grammar let through."""
    return compilation_error(f"syntax error: {detail}", 1003, "42000")


def invalid_object_name(text: str) -> ProgrammingError:
    return compilation_error(f"Invalid object name '{text}'.", 2003, "02000")


def unknown_function(name: str, hint: str = "", *, line: int | None = None, column: int | None = None,
                     at: tuple[int, int] | None = None) -> ProgrammingError:
    """002140: `Unknown function NAME` (a hint, such as the model's methods, may follow). `line` and
    `column` put the place in the message too; `at` only carries it (Snowflake's message for an unknown
    SQL function names no place)."""
    err = compilation_error(f"Unknown function {name}{'. ' + hint if hint else ''}", 2140, "42601",
                            line=line, column=column)
    if at is not None:
        err.line, err.column = at
    return err


def wrong_function_kind(detail: str, *, line: int | None = None, column: int | None = None) -> ProgrammingError:
    """002140 for a table function called as a scalar one, or the other way round."""
    return compilation_error(detail, 2140, "42601", line=line, column=column)


def invalid_arguments(detail: str, *, line: int | None = None, column: int | None = None) -> ProgrammingError:
    """001044: arguments that do not fit a function's signature."""
    return compilation_error(detail, 1044, "42P13", line=line, column=column)


def invalid_property_combination(first: str = "OR REPLACE", second: str = "IF NOT EXISTS") -> ProgrammingError:
    return compilation_error(f"invalid property combination '{first}' and '{second}'", 2025)


def variable_not_found(name: str, line: int | None = None, column: int | None = None) -> ProgrammingError:
    """002211: a session variable that was never SET (`name` as Snowflake shows it, `$X` or `X`), at the
    place it is written when known (`error line L at position P` first, as for 000904). Without a place,
    the engine puts it at the variable's name in the statement (`object_name`)."""
    err = compilation_error(f"Session variable '{name}' does not exist", 2211, "02000", line=line, column=column)
    err.object_name = name
    return err


def system_role(name: str) -> ProgrammingError:
    return compilation_error(f"Cannot drop or replace the system role '{name}'.", 3021, "42501")


# ---------------------------------------------------------------------------------------------
# Execution
# ---------------------------------------------------------------------------------------------

EXECUTION = "SQL execution error:\n"


def execution_error(detail: str) -> ProgrammingError:
    """100000: a failure while running a statement that Snowflake reports without a specific number."""
    return ProgrammingError(f"{EXECUTION}{detail}", 100000, "XX000")


def numeric_not_recognized(detail: str) -> ProgrammingError:
    """100038: text where a number was expected (`Numeric value 'a' is not recognized`)."""
    return ProgrammingError(detail, 100038, "22018")


def numeric_value_out_of_range(value: str) -> ProgrammingError:
    """100039 (22003) `Numeric value '12.3456' is out of range`: a number that does not fit the NUMBER(p, s) it
    is converted to (https://docs.snowflake.com/en/sql-reference/functions/to_decimal, its example)."""
    return ProgrammingError(f"Numeric value '{value}' is out of range", 100039, "22003")


def numeric_out_of_range(detail: str) -> ProgrammingError:
    return ProgrammingError(detail, 100046, "22003")


def string_too_long(value: str) -> ProgrammingError:
    """100074 (22000) `String '…' is too long and would be truncated`: a value longer than a VARCHAR(n)
    column holds (conformance/DECISIONS.md T2)."""
    return ProgrammingError(f"String '{value}' is too long and would be truncated", 100074, "22000")


def null_violation(detail: str) -> IntegrityError:
    return IntegrityError(detail, 100072, "22000")


def parquet_error(name: str, detail: str) -> ProgrammingError:
    return ProgrammingError(f"Error parsing the parquet file: {name} ({detail}).", 100152, "22000")


def os_error(detail: str) -> OperationalError:
    """An operating-system failure while a statement ran (a file snowreg itself reads or writes)."""
    return OperationalError(detail, 253006, "58030")


def local_file_missing(path: str) -> ProgrammingError:
    """253006: PUT of a local file that does not exist (the connector's text)."""
    return ProgrammingError(f"File doesn't exist: ['{path}']", 253006, "22000")


# ---------------------------------------------------------------------------------------------
# The connector's own errors (client side)
# ---------------------------------------------------------------------------------------------


def bind_variable_not_set(name: str) -> ProgrammingError:
    return ProgrammingError(f"Bind variable '{name}' is not set", 252004, "22000")


def owner_rights_statement(kind: str) -> ProgrammingError:
    """A statement an owner's-rights stored procedure may not run (it reads or changes the caller's session)."""
    return ProgrammingError(f"Stored procedure execution error: Unsupported statement type '{kind}'.", 90232,
                            "0A000")


def script_bind_not_set(name: str) -> ProgrammingError:
    """A `:name` in a statement of a Snowflake Scripting block that names no variable in scope."""
    return compilation_error(f"Bind variable :{name} not set.", 2049, "42601")


def bind_not_a_list(params: object) -> ProgrammingError:
    """252004 ER_FAILED_PROCESSING_PYFORMAT: qmark / numeric parameters must be a list or tuple."""
    return ProgrammingError(f"Binding parameters must be a list: {params}", 252004, None)


def bind_type_not_supported(type_name: str) -> ProgrammingError:
    """252004: a pyformat parameter of a type the connector cannot write into the text."""
    return ProgrammingError(f"Failed processing pyformat-parameters: Binding data in type ({type_name}) "
                            "is not supported.", 252004, None)


def bind_type_not_inferred(type_name: str) -> ProgrammingError:
    """252011 ER_NOT_IMPLICITY_SNOWFLAKE_DATATYPE: a qmark / numeric parameter with no Snowflake type."""
    return ProgrammingError(f"Python data type [{type_name}] cannot be automatically mapped to Snowflake data "
                            "type. Specify the snowflake data type explicitly.", 252011, None)


def bind_type_unknown(kind: str) -> ProgrammingError:
    """255001 ER_NOT_SUPPORT_DATA_TYPE: a `(type, value)` parameter naming no Snowflake binding type."""
    return ProgrammingError(f"Binding data in type ({kind.lower()}) is not supported.", 255001, None)


def bind_count_mismatch() -> ProgrammingError:
    return ProgrammingError("Bind variable ? not set. The number of binding parameters does not match.",
                            2049, "07002")


def no_current_container(error: Error, statement: str) -> Error:
    """090105 / 090106 naming the statement that needed a current database or schema (`Cannot perform
    CREATE TABLE.`), where the check itself only knew "operation"."""
    return type(error)(error.msg.replace("operation", statement, 1), error.errno, error.sqlstate)


def statement_count_mismatch(actual: int, expected: int) -> ProgrammingError:
    """000008: a text holding a different number of statements than `num_statements` said."""
    return ProgrammingError(
        f"Actual statement count {actual} did not match the desired statement count {expected}.", 8, "0A000")


def duplicate_column(name: str) -> ProgrammingError:
    """002025: a table definition naming one column twice."""
    return ProgrammingError(f"{COMPILATION}duplicate column name '{name}'", 2025, "42S21")


def column_type_change(column: str, old: str, new: str, why: str = "") -> ProgrammingError:
    """ALTER COLUMN … SET DATA TYPE to a type Snowflake does not change a column to (the changes allowed:
    https://docs.snowflake.com/en/sql-reference/sql/alter-table-column; the text and number are
    UNCERTAIN, conformance/DECISIONS.md C1)."""
    return ProgrammingError(f"{COMPILATION}cannot change column {column} from type {old} to {new}{why}.",
                            2108, "42601")


def wrong_arguments(function: str, expected: int, got: int) -> ProgrammingError:
    """000938: a call with the wrong number of arguments."""
    few = "not enough" if got < expected else "too many"
    return ProgrammingError(f"{COMPILATION}{few} arguments for function [{function}], expected {expected}, "
                            f"got {got}", 938, "22023")


def identifier_too_long(name: str, limit: int) -> ProgrammingError:
    return ProgrammingError(f"{COMPILATION}Identifier '{name[:40]}...' is too long; the maximum length is "
                            f"{limit} characters.", 2000, "42601")


def not_supported(what: str) -> NotSupportedError:
    """Something Snowflake accepts that snowreg does not emulate: never a silently wrong answer."""
    return NotSupportedError(f"{COMPILATION}{what} is not supported by snowreg.", 2, "0A000")


def client_api_not_supported(what: str) -> NotSupportedError:
    """A client API snowreg does not emulate (refused under patch() rather than reaching Snowflake)."""
    return NotSupportedError(f"{what} is not supported by snowreg.", 2, "0A000")


def sequence_in_default(doing: str, sequence: str, column: str) -> NotSupportedError:
    """DROP, CREATE OR REPLACE or ALTER of a sequence a column's default reads: Snowflake lets it go and that
    default then fails (https://docs.snowflake.com/en/sql-reference/sql/drop-sequence); snowreg's storage
    keeps the sequence while the default reads it (conformance/DECISIONS.md O30)."""
    return not_supported(f"{doing} the sequence {sequence} while the default of column {column} reads it")


def value_not_recognized(kind: str, value: str) -> ProgrammingError:
    """100038 `Numeric value 'a' is not recognized` (100037 for `Boolean value ...`): a string that does
    not convert to the type an expression or a model argument needs."""
    errno = {"Numeric": 100038, "Boolean": 100037}[kind]
    return ProgrammingError(f"{kind} value '{value}' is not recognized", errno, "22018")


def datetime_not_recognized(kind: str, value: str) -> ProgrammingError:
    """`Date '2024-13-45' is not recognized` (100040), `Timestamp '…' is not recognized` (100035), `Time '…'
    is not recognized` (100108): text that is no date, timestamp or time."""
    errno = {"Date": 100040, "Timestamp": 100035, "Time": 100108}[kind]
    return ProgrammingError(f"{kind} '{value}' is not recognized", errno, "22007")


def insert_value_mismatch(expected: int, got: int) -> ProgrammingError:
    """002020: an INSERT whose values are more or fewer than its target columns."""
    return ProgrammingError(f"{COMPILATION}Insert value list does not match column list expecting {expected} "
                            f"but got {got}", 2020, "21S01")


def invalid_timezone(name: str) -> ProgrammingError:
    """A zone name that is not a time zone (ALTER SESSION SET TIMEZONE)."""
    return invalid_parameter_value("TIMEZONE", name)


def invalid_parameter_value(parameter: str, value: str) -> ProgrammingError:
    """001008: ALTER SESSION SET of a value the parameter cannot take."""
    return ProgrammingError(f"{COMPILATION}invalid value ['{value}'] for parameter '{parameter}'", 1008, "22007")


def json_parse_error(detail: str) -> ProgrammingError:
    """100069: PARSE_JSON of text that is not JSON (https://docs.snowflake.com/en/sql-reference/functions/parse_json)."""
    return ProgrammingError(f"Error parsing JSON: {detail}", 100069, "22P02")


def not_an_array(detail: str) -> ProgrammingError:
    """100107 (22000): ARRAY_FLATTEN of an element that is no ARRAY (the ARRAY_FLATTEN page's example:
    `Not an array: 'Input argument to ARRAY_FLATTEN is not an array of arrays'`)."""
    return ProgrammingError(detail, 100107, "22000")


def division_by_zero() -> ProgrammingError:
    """100051 (22012): `1/0`, for NUMBER and FLOAT alike."""
    return ProgrammingError("Division by zero", 100051, "22012")


def duplicate_row() -> ProgrammingError:
    """100090 (42P18): a MERGE whose matched target row several source rows match."""
    return ProgrammingError("Duplicate row detected during DML action", 100090, "42P18")


def python_udf_error(method: str, detail: str) -> ProgrammingError:
    """100357: an exception raised by model code, as Snowflake reports a failing Python UDF."""
    return ProgrammingError(
        f"Python Interpreter Error:\n{detail} in function {method} with handler functions.{method.lower()}.infer",
        100357,
        "P0000",
    )


def login_failed() -> DatabaseError:
    """390100: a wrong password or an unknown user, alike on purpose (as Snowflake answers both)."""
    return DatabaseError("Incorrect username or password was specified.", 390100, "28000")


def session_gone() -> DatabaseError:
    """390104: a request whose session token the server does not know (never issued, or logged out)."""
    return DatabaseError("User must login again to access the service.", 390104, "08001")


def session_expired() -> DatabaseError:
    """390112: a session token past its validity; the drivers renew it with the master token."""
    return DatabaseError("Your session has expired. Please login again.", 390112, "08001")


def master_token_expired() -> DatabaseError:
    """390114: the master token cannot renew the session any more; the client must log in again."""
    return DatabaseError("Authentication token has expired.  The user must authenticate again.", 390114, "08001")


def login_role_not_granted(role: str) -> DatabaseError:
    """390189: a login naming a role the user does not hold."""
    return DatabaseError(f"Role '{role}' specified in the connect string is not granted to this user. Contact "
                         "your local system administrator, or attempt to login with another role, e.g. PUBLIC.",
                         390189, "08004")


def internal_error(detail: str) -> InternalError:
    """A server-side bug, answered as an error rather than a dropped connection."""
    return InternalError(f"Internal error: {detail}", 200001, "XX000")


# ---------------------------------------------------------------------------------------------
# Client-side errors, with the connector's own numbers (snowflake.connector errorcode)
# ---------------------------------------------------------------------------------------------


def connection_closed() -> DatabaseError:
    """250002 ER_CONNECTION_IS_CLOSED (08003): a closed connection was used."""
    return DatabaseError("Connection is closed", 250002, "08003")


def cursor_closed(in_execute: bool = False) -> InterfaceError:
    """252006 ER_CURSOR_IS_CLOSED: a closed cursor (or one of a closed connection) was used; the
    connector's words when it was `execute`."""
    return InterfaceError("Cursor is closed in execute." if in_execute else "Cursor is closed.", 252006, None)


def no_result_set() -> ProgrammingError:
    """252009 ER_NO_DATA_FOUND: a fetch before any statement produced a result."""
    return ProgrammingError("No results available (not produced by this query)", 252009, None)


def statement_not_found(sfqid: str) -> ProgrammingError:
    """000709 (02000): a query id this connection never ran (get_results_from_sfqid, query_result)."""
    return ProgrammingError(f"Statement {sfqid} not found", 709, "02000")


def invalid_value(msg: str) -> ProgrammingError:
    """251007 ER_INVALID_VALUE: a bad argument to a connector method (autocommit("yes"))."""
    return ProgrammingError(msg, 251007, None)


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


def single_row_subquery() -> ProgrammingError:
    """090150: a scalar subquery that returned more than one row ("a runtime error is generated",
    https://docs.snowflake.com/en/user-guide/querying-subqueries; its text: conformance/DECISIONS.md O35)."""
    return ProgrammingError("Single-row subquery returns more than one row.", 90150, "22000")


def set_operator_columns() -> ProgrammingError:
    """002057: the queries a set operator joins select different numbers of columns
    (https://docs.snowflake.com/en/sql-reference/operators-query). Snowflake's text goes on with the counts
    (`, expected 1, got 2 in branch 2`), which DuckDB's error does not give (conformance/DECISIONS.md O35)."""
    return ProgrammingError(f"{COMPILATION}invalid number of result columns for set operator input branches",
                            2057, "42601")


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


def host_path_not_allowed(url: str) -> ProgrammingError:
    """A path on the server's host named by a statement sent over the network (PUT / GET wrapped where the
    server cannot answer them with presigned URLs, a stage URL): those name the client's files."""
    return ProgrammingError(
        f"{COMPILATION}The local path '{url}' is on the server's host, which a statement sent to snowreg serve "
        "may not read or write: send PUT and GET as statements of their own (the driver moves the client's "
        "files).", 3001, "42501")


def stage_url_not_allowed(url: str) -> ProgrammingError:
    """A local-directory stage outside the folders the embedding program granted."""
    return ProgrammingError(
        f"{COMPILATION}The stage URL '{url}' is outside the folders this registry may use for stages "
        "(grant one with connect(stage_roots=[...]), patch(stage_roots=[...]) or --stage-root).", 3001, "42501")


def server_unreachable(url: str, detail: str) -> OperationalError:
    """250001: `snowreg.connect(server=...)` cannot reach (or understand) the server, as the connector says."""
    return OperationalError(f"Could not connect to snowreg serve at {url}: {detail}", 250001, "08001")


def statement_canceled() -> OperationalError:
    """000604: the running statement was cancelled (abort request, SYSTEM$CANCEL_QUERY, the client's timeout)."""
    return OperationalError("SQL execution canceled", 604, "57014")
