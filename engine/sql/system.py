"""Snowflake's `SYSTEM$…` functions the clients call, and GET_DDL, evaluated before translation into SQL literals.

Their arguments are always literals in the clients' statements (`SYSTEM$GET_TAG($$DB.S.T$$, $$DB.S.M$$,
'MODULE')`), so each call is replaced by its value as a literal and the rest of the statement goes on to
the usual translation. A call with a non-literal argument, or a `SYSTEM$` function snowreg does not answer,
is refused with a clear "not supported" error rather than left for DuckDB to misreport; a `SYSTEM$` name
Snowflake has no function of (engine/sql/function_catalogue.py) is its 002140 Unknown function.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import orjson

from snowreg import errors
from snowreg.catalog import TagTarget
from snowreg.engine import transaction
from snowreg.engine.boundary import cancel_all, when_idle
from snowreg.engine.resolve import find_model, qualified_name
from snowreg.engine.session import Session
from snowreg.engine.sql import function_catalogue
from snowreg.grammar.text import LITERALS_AND_COMMENTS as _SKIP
from snowreg.grammar.text import Spliced, literal, place

# A literal or comment (skipped), or the start of a call (group 1: the function name).
_SCAN = re.compile(_SKIP.pattern + r"|(?<![\w$.])(SYSTEM\$[A-Za-z_][A-Za-z0-9_]*|GET_DDL)\s*\(", re.S | re.I)
_ARG = re.compile(r"\s*('(?:[^'\\]|\\.|'')*'|\$\$.*?\$\$|[-+]?\d+(?:\.\d*)?|NULL|TRUE|FALSE)\s*(?:,|$)", re.S | re.I)

# Reported to snowflake-ml-python (docs/SNOWFLAKE.md#c3-1, R3): live versions (CREATE MODEL ... WITH LIVE VERSION,
# PUT into snow://model/..., COMMIT VERSION; the hidden-name variant is what client 2.x reads) unless the
# connection turned them off, conda packaging without an artifact-repository probe, and signatures without
# method parameters.
LIVE_VERSION_CAPABILITIES = ("ENABLE_LIVE_VERSION_IN_SDK", "ENABLE_HIDDEN_LIVE_VERSION_IN_SDK")
CAPABILITIES = {
    "ENABLE_LIVE_VERSION_IN_SDK": False,
    "ENABLE_HIDDEN_LIVE_VERSION_IN_SDK": False,
    "ENABLE_PIP_ONLY_PACKAGING": False,
    "SET_MODULE_FUNCTIONS_VOLATILITY_FROM_MANIFEST": False,
    "ENABLE_MODEL_METHOD_SIGNATURE_PARAMETERS": False,
}


def expand(session: Session, sql: str) -> Spliced | None:
    """`SELECT SYSTEM$ML_PLATFORM_CAPABILITIES() AS F` → `SELECT '{…}' AS F` (text outside literals only);
    None when the text calls none."""
    lowered = sql.lower()
    if "system$" not in lowered and "get_ddl" not in lowered:
        return None
    edits: list[tuple[int, int, str]] = []
    pos = 0
    while (m := _next_call(sql, pos)) is not None:
        end, args = _arguments(sql, m.end())
        name = m.group(1).upper()
        if name not in _FUNCTIONS and not function_catalogue.is_snowflake_function(name):
            raise errors.unknown_function(name, at=place(sql, m.start(1)))  # no SYSTEM$ function of that name
        edits.append((m.start(), end, _evaluate(session, name, args)))
        pos = end
    return Spliced.edited(sql, edits) if edits else None


def _next_call(sql: str, pos: int) -> re.Match[str] | None:
    """The next `SYSTEM$NAME(` or `GET_DDL(` that is not inside a string, quoted name or comment (SYSTEM$TYPEOF, an
    ordinary function of the translator, is left in place)."""
    while (m := _SCAN.search(sql, pos)) is not None:
        if m.group(1) is not None and m.group(1).upper() != "SYSTEM$TYPEOF":
            return m
        pos = m.end()
    return None


def _arguments(sql: str, start: int) -> tuple[int, list[str | float | None]]:
    """(offset after the closing parenthesis, literal argument values) of a call opened before `start`."""
    depth, i = 1, start
    while i < len(sql) and depth:
        skip = _SKIP.match(sql, i)
        if skip is not None:
            i = skip.end()
            continue
        depth += {"(": 1, ")": -1}.get(sql[i], 0)
        i += 1
    inner = sql[start:i - 1]
    values: list[str | float | None] = []
    pos = 0
    while inner[pos:].strip():
        m = _ARG.match(inner, pos)
        if m is None:
            raise errors.not_supported("A SYSTEM$ function or GET_DDL with a non-literal argument")
        values.append(_value(m.group(1)))
        pos = m.end()
    return i, values


def _value(text: str) -> str | int | float | bool | None:
    if text.startswith("$$"):
        return text[2:-2]
    if text.startswith("'"):
        return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", text[1:-1])
    if text.upper() in ("NULL", "TRUE", "FALSE"):
        return {"NULL": None, "TRUE": True, "FALSE": False}[text.upper()]
    return int(text) if text.lstrip("+-").isdigit() else float(text)  # an id of 19 digits stays exact


def _evaluate(session: Session, name: str, args: list[str | float | None]) -> str:
    handler = _FUNCTIONS.get(name)
    if handler is None:
        raise errors.not_supported(f"The function {name}{_WHY.get(name, '')}")
    return literal(handler(session, args))


# What the refused SYSTEM$ functions the ML client sends are for (ModelVersion.lineage, create_service).
_WHY = {"SYSTEM$DGQL": " (ML lineage: ModelVersion.lineage)",
        "SYSTEM$DEPLOY_MODEL": " (Snowpark Container Services: model serving with create_service)"}


def capabilities(session: Session, args: list[str | float | None]) -> str:
    """`SYSTEM$ML_PLATFORM_CAPABILITIES()`: a JSON object of feature flags."""
    return orjson.dumps({**CAPABILITIES, **dict.fromkeys(LIVE_VERSION_CAPABILITIES, session.live_versions)}).decode()


def cancel_all_queries(session: Session, args: list[str | float | None]) -> str:
    """`SYSTEM$CANCEL_ALL_QUERIES(session_id)`: cancels what that session is running (`1 cancelled.`, as the
    page's example; `0 cancelled.` when it runs nothing, is the caller itself or another user's)."""
    if len(args) != 1 or args[0] is None or not str(args[0]).strip().removesuffix(".0").isdigit():
        raise errors.compilation_error("SYSTEM$CANCEL_ALL_QUERIES takes one session id.")
    if session.describing:  # cursor.describe(): the answer's shape, nothing cancelled
        return "0 cancelled."
    return f"{cancel_all(session, int(float(args[0])))} cancelled."


def cancel_query(session: Session, args: list[str | float | None]) -> str:
    """`SYSTEM$CANCEL_QUERY(query_id)`: cancels the statement if it is running and the session may (its
    own user's, or any under ACCOUNTADMIN); a finished or unknown one is reported, not an error."""
    if len(args) != 1 or not isinstance(args[0], str):
        raise errors.compilation_error("SYSTEM$CANCEL_QUERY takes one query id.")
    query_id = args[0]
    if session.describing:  # cursor.describe(): the answer's shape, nothing cancelled
        return "Identified SQL statement is not currently executing."
    if session.query_canceler is not None and session.query_canceler(query_id):
        return f"query [{query_id}] terminated."
    return "Identified SQL statement is not currently executing."


def abort_transaction(session: Session, args: list[str | float | None]) -> str:
    """`SYSTEM$ABORT_TRANSACTION(transaction_id)`: rolls back a running transaction of the user's (any user's
    for an account administrator); `Aborted transaction id: <id>`, as the page's example."""
    if len(args) != 1 or isinstance(args[0], bool) or not isinstance(args[0], int | str) \
            or re.fullmatch(r"\s*[-+]?\d+\s*", str(args[0])) is None:
        raise errors.compilation_error("SYSTEM$ABORT_TRANSACTION takes one transaction id.")
    if session.describing:  # cursor.describe(): the answer's shape, nothing aborted
        return f"Aborted transaction id: {int(str(args[0]))}"
    return transaction.abort(session, str(args[0]).strip(), when_idle)


def get_tag(session: Session, args: list[str | float | None]) -> str | None:
    """`SYSTEM$GET_TAG(tag, object, domain)`: the tag's value on a model (domain MODULE) or on a database, schema,
    table, view or column (engine.object_tags); NULL when not set."""
    if len(args) != 3 or not all(isinstance(a, str) for a in args):
        raise errors.compilation_error("SYSTEM$GET_TAG takes a tag name, an object name and a domain.")
    tag_text, object_text, domain = (str(a) for a in args)
    if domain.upper() not in ("MODULE", "MODEL"):
        from snowreg.engine import object_tags

        return object_tags.get_tag(session, tag_text, object_text, domain)
    model = find_model(session, qualified_name(object_text), "see")
    db, schema, name = session.qualify(qualified_name(tag_text))
    for tag_db, tag_schema, tag_name, value in session.catalog.objects.tags_on(TagTarget.model(model.id)):
        if (tag_db, tag_schema, tag_name) == (db, schema, name):
            return value
    return None


def get_ddl(session: Session, args: list[str | float | None]) -> str:
    """`GET_DDL(object_type, '[namespace.]name' [, use_fully_qualified_names])`
    (https://docs.snowflake.com/en/sql-reference/functions/get_ddl); a FUNCTION or PROCEDURE is named with its
    argument types, `'f(NUMBER, VARCHAR)'`."""
    if not 2 <= len(args) <= 3 or not isinstance(args[0], str) or not isinstance(args[1], str) \
            or (len(args) == 3 and not isinstance(args[2], bool)):
        raise errors.compilation_error("GET_DDL takes an object type, an object name and, optionally, a BOOLEAN.")
    from snowreg.engine import get_ddl as ddl  # loads with the first call

    kind, text = " ".join(args[0].upper().split()), args[1]
    types: tuple[str, ...] | None = None
    if kind in ("FUNCTION", "PROCEDURE"):
        text, types = _signature(text)
    return ddl.object_ddl(session, kind, qualified_name(text), types, len(args) == 3 and args[2] is True)


def _signature(text: str) -> tuple[str, tuple[str, ...]]:
    """`'f(NUMBER(10, 2), VARCHAR)'` → ('f', ('NUMBER(10, 2)', 'VARCHAR')): the name and its argument types."""
    opened = next((m.start() for m in re.finditer(r"\(", text) if not text[:m.start()].count('"') % 2), None)
    if opened is None or not text.rstrip().endswith(")"):
        raise errors.compilation_error(f"Invalid function signature '{text}': a function is named with its "
                                       "argument types, 'f(<type>, …)'.")
    inner, types, depth, part = text.rstrip()[opened + 1:-1], [], 0, ""
    for ch in inner:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            types.append(part.strip())
            part = ""
        else:
            part += ch
    if part.strip():
        types.append(part.strip())
    return text[:opened], tuple(types)


def _stream_has_data(session: Session, args: list[str | float | None]) -> bool:
    """`SYSTEM$STREAM_HAS_DATA('<stream>')`: TRUE when the stream has change records (engine.streams)."""
    from snowreg.engine.sql import create_stream

    return create_stream.has_data(session, args)


_FUNCTIONS: dict[str, Callable[[Session, list[str | float | None]], str | bool | None]] = {
    "SYSTEM$ML_PLATFORM_CAPABILITIES": capabilities,
    "SYSTEM$CANCEL_ALL_QUERIES": cancel_all_queries,
    "SYSTEM$CANCEL_QUERY": cancel_query,
    "SYSTEM$ABORT_TRANSACTION": abort_transaction,
    "SYSTEM$GET_TAG": get_tag,
    "SYSTEM$STREAM_HAS_DATA": _stream_has_data,
    "GET_DDL": get_ddl,
    # asked by Snowpark before it registers a function or procedure; NULL is "never set" (DECISIONS.md K68)
    "SYSTEM$GET_DEFAULT_PYTHON_ARTIFACT_REPOSITORY": lambda session, args: None,
}
