"""More of the catalogue of named errors (snowreg.errors holds the rest): a clause's part where Snowflake
refuses it, values that do not convert (what engine.sql.duckerrors reads DuckDB's errors as), session
parameters, and grants (role cycles, dependent grants, ownership transfers).

The texts are Snowflake's as seen in use; the numbers that are not documented are marked in
conformance/DECISIONS.md (O53-O60).
"""

from __future__ import annotations

from snowreg import errors
from snowreg.errors import (
    DatabaseError,
    NotSupportedError,
    ProgrammingError,
    compilation_error,
    not_supported,
)


def misplaced_aggregate(clause: str, call: str) -> ProgrammingError:
    """An aggregate in WHERE (`where clause`) or a join's ON (`ON clause`)."""
    return compilation_error(f"Invalid aggregate function in {clause} [{call}]")


def nested_aggregates(inner: str, outer: str) -> ProgrammingError:
    """An aggregate inside another's argument."""
    return compilation_error(f"Aggregate functions cannot be nested: [{inner}] nested in [{outer}]")


def misplaced_window(call: str) -> ProgrammingError:
    """A window function in WHERE, GROUP BY, ON or HAVING of an ungrouped query."""
    return compilation_error(f"Window function [{call}] appears outside of SELECT, QUALIFY, and ORDER BY clauses.")


def invalid_group_by_expression(call: str) -> ProgrammingError:
    """000979: an aggregate (or a column not grouped) where a group by expression must stand."""
    return errors.invalid_group_by_expression(call)


def window_in_aggregate(call: str) -> ProgrammingError:
    """A window function inside an aggregate's argument."""
    return compilation_error(f"Window function [{call}] may not appear inside an aggregate function.")


def qualify_without_window() -> ProgrammingError:
    """QUALIFY in a query that calls no window function."""
    return compilation_error("found QUALIFY clause but no window function.")


def multi_column_subquery() -> ProgrammingError:
    """A scalar subquery selecting more than one column."""
    return compilation_error("Unsupported: Scalar subquery with multi-column SELECT clause.")


def unnamed_function_arguments(types: str) -> ProgrammingError:
    """Argument types a built-in function has no form for, where the function the storage names is not the
    one the statement calls (its name would mislead)."""
    return compilation_error(f"Invalid argument types for a function this statement calls: ({types})", 1044,
                             "42P13")


def semi_structured_argument(function: str, types: str) -> ProgrammingError:
    """001044: an ARRAY / OBJECT function given an argument whose declared type is none of those, refused at
    compile time (conformance/DECISIONS.md W35)."""
    return compilation_error(f"Invalid argument types for function '{function}': ({types})", 1044, "42P13")


def arguments_not_taken() -> ProgrammingError:
    """001044 for arguments the database's function did not take where the statement's function is not named
    there (a helper macro's, or DuckDB's own): the names would mislead."""
    return compilation_error("Invalid argument types for a function this statement calls", 1044, "42P13")


def invalid_order_by_expression(text: str) -> ProgrammingError:
    """An ORDER BY position past the select list (`[9] is not a valid order by expression`)."""
    return compilation_error(f"[{text}] is not a valid order by expression")


def negative_row_count(clause: str, value: str) -> ProgrammingError:
    """LIMIT / OFFSET (FETCH) of a negative count."""
    return compilation_error(f"Invalid row count '{value}' in {clause} clause; it must be zero or more")


def not_a_date_part(part: str, function: str) -> ProgrammingError:
    """A date or time part no Snowflake function knows (`['FORTNIGHT'] is not a valid date/time component
    for function DATEADD.`)."""
    return compilation_error(f"['{part}'] is not a valid date/time component for function {function}.")


def unknown_timezone(name: str) -> ProgrammingError:
    """100094: a time zone name that is none (CONVERT_TIMEZONE)."""
    return ProgrammingError(f"Unknown timezone: '{name}'", 100094, "22000")


def variant_cast_failed(value: str, target: str) -> ProgrammingError:
    """100071: a VARIANT value that is not of the type it is cast to (`Failed to cast variant value [1,2] to
    FIXED`; FIXED for NUMBER, REAL for FLOAT)."""
    return ProgrammingError(f"Failed to cast variant value {value} to {target}", 100071, "22000")


def not_base64(value: str) -> ProgrammingError:
    """100033: BASE64_DECODE_* of text that is no base64."""
    return ProgrammingError(f"The following string is not a legal base64-encoded value: '{value}'", 100033, "22000")


def bad_url(reason: str) -> ProgrammingError:
    """PARSE_URL of text that is no URL with permissive 0 (https://docs.snowflake.com/en/sql-reference/functions/parse_url:
    "parse errors cause the function to fail"; number and text UNCERTAIN, conformance/DECISIONS.md F73)."""
    return ProgrammingError(f"Error parsing URL: {reason}", 100139, "22000")


def not_hex(value: str) -> ProgrammingError:
    """100115: HEX_DECODE_* / TO_BINARY(…, 'HEX') of text that is no hex
    (https://docs.snowflake.com/en/user-guide/binary-input-output)."""
    return ProgrammingError(f"The following string is not a legal hex-encoded value: '{value}'", 100115, "22000")


def invalid_digest_size(function: str, bits: int) -> ProgrammingError:
    """SHA2 with a digest size the page does not list (the text and number are not documented: DECISIONS.md F90)."""
    return ProgrammingError(f"{errors.COMPILATION}Invalid digest size {bits} for function {function}: the supported "
                            "sizes are 224, 256, 384 and 512", 1044, "42P13")


def invalid_utf8() -> ProgrammingError:
    """Bytes read as text (HEX_DECODE_STRING, BASE64_DECODE_STRING, TO_VARCHAR(…, 'UTF-8')) that are not UTF-8; the
    pages say the bytes must be UTF-8, not the text or number (DECISIONS.md F101)."""
    return ProgrammingError("Invalid UTF8 detected while decoding the binary value", 100096, "22000")


def invalid_character_code(code: str) -> ProgrammingError:
    """CHR of a value that is no Unicode code point: the text https://docs.snowflake.com/en/sql-reference/functions/chr
    shows (its number is not documented: DECISIONS.md F91)."""
    return ProgrammingError(f"Invalid character code {code} in the CHR input", 100000, "22000")


def invalid_uuid(text: str) -> ProgrammingError:
    """UUID_STRING with a namespace that is not a UUID's text (the text and number are not documented: DECISIONS.md
    F93)."""
    return ProgrammingError(f"Invalid UUID string: '{text}'", 100000, "22000")


def mixed_types(where: str, first: str, second: str) -> NotSupportedError:
    """Values of two types DuckDB will not bring to one in a conditional, GREATEST / LEAST or UNPIVOT."""
    return not_supported(f"{where} of a {first} value and a {second} value (cast one of them)")


def invalid_parameter(parameter: str) -> ProgrammingError:
    """001006: ALTER SESSION SET / UNSET of a name that is no session parameter (conformance/DECISIONS.md T31)."""
    return ProgrammingError(f"{errors.COMPILATION}invalid parameter '{parameter}'", 1006, "42601")


def arrays_to_object(detail: str) -> ProgrammingError:
    """215001 / 215002 (22000): ARRAYS_TO_OBJECT's arrays of unequal lengths, a key that is no string
    (https://docs.snowflake.com/en/sql-reference/functions/arrays_to_object gives both texts)."""
    return ProgrammingError(detail, 215001 if detail.startswith("Key array") else 215002, "22000")


def role_cycle(role: str, grantee: str) -> ProgrammingError:
    return ProgrammingError(f"{errors.EXECUTION}Granting role '{role}' to role '{grantee}' would create a cycle: "
                            f"'{grantee}' is already granted to '{role}'.", 3023, "42P17")


def dependent_grant(privilege: str, securable: str, grantee: str, advice: str) -> ProgrammingError:
    # Snowflake's wording; its error number is not documented (UNCERTAIN, docs/ARCHITECTURE.md).
    return ProgrammingError(
        f"{errors.EXECUTION}Dependent grant of privilege '{privilege}' on securable '{securable}' to role "
        f"'{grantee}' exists. It must be revoked first. More than one dependent grant may exist: use 'SHOW GRANTS' "
        f"command to view them. {advice}", 3111, "2BP01")


def ownership_recipient_not_active(kind: str) -> ProgrammingError:
    """GRANT OWNERSHIP to a role not active in the session, without MANAGE GRANTS (BCR 2395; the number is
    not documented: 003001, DECISIONS J20)."""
    return ProgrammingError(
        f"{errors.COMPILATION}{kind.capitalize()} ownership can only be transferred to a role that is activated in the "
        "current session or by a role with account-level MANAGE GRANTS.", 3001, "42501")


def python_handler_error(function: str, handler: str, detail: str) -> ProgrammingError:
    """100357: an exception raised by a Python UDF's handler (its traceback), as Snowflake reports it."""
    return python_interpreter_error(f"Python Interpreter Error:\n{detail} in function {function} with handler {handler}")


def python_interpreter_error(message: str) -> ProgrammingError:
    """100357 of a whole message (`python_handler_error`'s, carried through DuckDB)."""
    return ProgrammingError(message, 100357, "P0000")


def unknown_python_packages(names: list[str]) -> ProgrammingError:
    """PACKAGES naming a package that cannot be imported here (conformance/DECISIONS.md U32)."""
    return compilation_error("Cannot create a Python function with the specified packages. Please check your "
                             f"packages specification and try again. Unknown packages: {', '.join(names)}")


def invalid_materialized_view(detail: str) -> ProgrammingError:
    """CREATE MATERIALIZED VIEW of a query outside the documented limits (one table, no join, window
    function, ORDER BY, LIMIT, HAVING, UDF, …: https://docs.snowflake.com/en/user-guide/views-materialized)."""
    return compilation_error(f"Invalid materialized view definition. {detail}")


def materialized_view_suspended(name: str) -> ProgrammingError:
    """A query of a materialized view ALTER MATERIALIZED VIEW … SUSPEND suspended (usable again after RESUME)."""
    return compilation_error(f"Failure during expansion of view '{name}': SQL compilation error:\n"
                             f"Materialized View {name} is invalid.", 2037)


def wrong_object_type(found: str, wanted: str) -> ProgrammingError:
    """A statement about one kind of object naming another kind (DROP MATERIALIZED VIEW of a plain view)."""
    return compilation_error(f"Object found is of type '{found}', not specified type '{wanted}'.")


def sequence_interval(value: int) -> ProgrammingError:
    """CREATE | ALTER SEQUENCE … INCREMENT of 0 or past a 64-bit integer: the documented "any non-zero value
    that can be represented by a 64-bit two's complement integer" (X24)."""
    return compilation_error(f"Invalid value [{value}] for sequence interval.")


def dynamic_table_dml(name: str) -> ProgrammingError:
    """INSERT / UPDATE / DELETE / MERGE / TRUNCATE of a dynamic table: only its refreshes write it."""
    return compilation_error(f"DML operations are not allowed on dynamic table '{name}'.")


def invalid_target_lag(value: str) -> ProgrammingError:
    """TARGET_LAG other than '<n> seconds | minutes | hours | days' (at least 60 seconds) or DOWNSTREAM."""
    return compilation_error(f"Invalid value '{value}' for property 'TARGET_LAG'. Expected a time duration of at "
                             "least 1 minute ('<num> { seconds | minutes | hours | days }') or DOWNSTREAM.")


def stream_stale(table: str, stream: str) -> ProgrammingError:
    """091901: a stream whose source table was dropped or replaced (conformance/DECISIONS.md W15, UNCERTAIN)."""
    return ProgrammingError(f"SQL execution error: Base table '{table}' dropped, cannot read from stream "
                            f"'{stream}'.", 91901, "01000")


def view_dml(kind: str, name: str) -> ProgrammingError:
    """INSERT / UPDATE / DELETE / MERGE / TRUNCATE of a view or a materialized view: only tables are written
    (the wording follows dynamic_table_dml's; Snowflake's own text is not documented: DECISIONS.md O80)."""
    return compilation_error(f"DML operations are not allowed on {kind} '{name}'.")


def invalid_collation(spec: str) -> ProgrammingError:
    """COLLATE with a specification that is no locale and no specifier (ci, ai, pi, upper, trim, …:
    https://docs.snowflake.com/en/sql-reference/collation; the text is not documented: DECISIONS.md O81)."""
    return compilation_error(f"Invalid collation specification '{spec}'.")


def percentile_out_of_range(function: str) -> ProgrammingError:
    """A percentile outside 0.0 .. 1.0 (https://docs.snowflake.com/en/sql-reference/functions/percentile_cont:
    "The percentile must be a constant between 0.0 and 1.0"; the error's text is not documented: O83)."""
    return compilation_error(f"The percentile of {function} must be a constant between 0.0 and 1.0.")


def invalid_day_of_week(function: str, value: str, *, at_run_time: bool) -> ProgrammingError:
    """NEXT_DAY / PREVIOUS_DAY of a day name whose first two letters name no day
    (https://docs.snowflake.com/en/sql-reference/functions/next_day: it "must start with the first two
    characters" of one; the error's text and number are not documented: DECISIONS.md O84)."""
    detail = (f"Invalid day of week '{value}' for {function}: it must start with the first two letters of a "
              "day's name (MO, TU, WE, TH, FR, SA, SU)")
    return errors.execution_error(detail) if at_run_time else compilation_error(detail)


# -- logins over `snowreg serve` ------------------------------------------------------------------


def user_disabled() -> DatabaseError:
    """390101: a login to a user made with DISABLED = TRUE."""
    return DatabaseError("User access disabled. Contact your local system administrator.", 390101, "08004")


def user_locked() -> DatabaseError:
    """390102: a login to a user locked after too many wrong passwords in a row
    (https://docs.snowflake.com/en/sql-reference/sql/create-password-policy: PASSWORD_MAX_RETRIES 5,
    PASSWORD_LOCKOUT_TIME_MINS 15 by default)."""
    return DatabaseError("User temporarily locked. Try again later, or contact your local system administrator.",
                         390102, "28000")


def is_login_failure(e: errors.Error) -> bool:
    """Is this the answer to a wrong password or an unknown user (390100)?"""
    return e.errno == errors.login_failed().errno


def lock_wait() -> NotSupportedError:
    """A write Snowflake would hold until another session's transaction releases its lock on the table
    (https://docs.snowflake.com/en/sql-reference/transactions, resource locking; LOCK_TIMEOUT): snowreg
    does not wait (conformance/DECISIONS.md D3, M21)."""
    return not_supported("Writing rows that another session's open transaction has changed (Snowflake "
                         "waits for its lock until it ends or LOCK_TIMEOUT passes)")


def transaction_aborted(txn_id: str) -> ProgrammingError:
    """A statement sent while a transaction that TRANSACTION_ABORT_ON_ERROR aborted is still to be ended (the
    parameters page: "All statements issued inside that transaction will fail until a commit or rollback
    statement is executed"; the text and number are snowreg's, conformance/DECISIONS.md M29)."""
    return errors.execution_error(f"Transaction {txn_id} was aborted by an error in one of its statements "
                                  "(TRANSACTION_ABORT_ON_ERROR = TRUE): statements fail until COMMIT or ROLLBACK "
                                  "ends it.")


def transaction_of_another_scope() -> ProgrammingError:
    """COMMIT, ROLLBACK or DDL in a stored procedure called inside a transaction (the transactions page's own
    text; its number is not documented)."""
    return errors.execution_error("Modifying a transaction that has started at a different scope is not allowed.")


def transaction_left_open(procedure: str) -> ProgrammingError:
    """A stored procedure that ends with a transaction it began still open: the transaction is rolled back
    (the transactions page: "an error occurs and the transaction is rolled back"; snowreg's text)."""
    return errors.execution_error(f"Stored procedure {procedure} ended with an open transaction, which has been "
                                  "rolled back.")


def autocommit_in_procedure() -> ProgrammingError:
    """ALTER SESSION SET / UNSET AUTOCOMMIT in a stored procedure (the transactions page: "You will get an error
    message"; the text and number are snowreg's, conformance/DECISIONS.md M36)."""
    return errors.execution_error("AUTOCOMMIT cannot be changed inside a stored procedure.")
