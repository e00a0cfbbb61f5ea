"""OBJECT keys in one order: a VARIANT, OBJECT or ARRAY value's objects are kept with their keys sorted, at every
depth, as Snowflake shows them (DECISIONS.md I2), so that two OBJECTs with the same keys and values are one value
whatever order they were written in: `=`, `<>`, IN, DISTINCT, GROUP BY and joins compare them by content, as
Snowflake does (https://docs.snowflake.com/en/sql-reference/data-types-semistructured: an OBJECT is a set of
key-value pairs; the ARRAY_EXCEPT page treats `{'a': 1, 'b': 2}` and `{'b': 2, 'a': 1}` as one value;
conformance/DECISIONS.md F108).

PARSE_JSON / TRY_PARSE_JSON and OBJECT_CONSTRUCT with keys that are not constants call `snowreg_json_sorted`, a
Python function on the data instance (created as engine.sql.digests' is: the first time a statement's text names
it). It reorders the members of every object by key and keeps every other character of the text as it was
(numbers as written, string escapes, no blanks outside strings), so F4's DOUBLE texts are untouched. A text
without `{` needs no call; nor does one whose only object has its keys in order already.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlglot import exp

from snowreg.catalog import sandbox

if TYPE_CHECKING:
    import duckdb

NAME = "snowreg_json_sorted"
_BLANKS = " \t\n\r"
_ENDS = ",]}" + _BLANKS


def sorted_text(text: str | None) -> str | None:
    """The JSON text with every object's members in the order of their keys; text that is no JSON is returned
    as it is (its reader reports it)."""
    if text is None:
        return None
    try:
        out, end = _value(text, _skip(text, 0))
    except (IndexError, ValueError):
        return text
    return out if _skip(text, end) == len(text) else text


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _BLANKS:
        at += 1
    return at


def _string(text: str, at: int) -> tuple[str, int]:
    end = at + 1
    while text[end] != '"':
        end += 2 if text[end] == "\\" else 1
    return text[at:end + 1], end + 1


def _value(text: str, at: int) -> tuple[str, int]:
    first = text[at]
    if first == '"':
        return _string(text, at)
    if first in "[{":
        return _compound(text, at)
    end = at
    while end < len(text) and text[end] not in _ENDS:
        end += 1
    if end == at:
        raise ValueError(text)
    return text[at:end], end


def _compound(text: str, at: int) -> tuple[str, int]:
    close = "]" if text[at] == "[" else "}"
    items: list[tuple[str, str]] = []
    at = _skip(text, at + 1)
    while text[at] != close:
        key = ""
        if close == "}":
            key, at = _string(text, at)
            at = _skip(text, at)
            if text[at] != ":":
                raise ValueError(text)
            at = _skip(text, at + 1)
        value, at = _value(text, at)
        items.append((key, value))
        at = _skip(text, at)
        if text[at] == ",":
            at = _skip(text, at + 1)
        elif text[at] != close:
            raise ValueError(text)
    if close == "]":
        return "[" + ",".join(value for _, value in items) + "]", at + 1
    ordered = sorted(items, key=lambda item: json.loads(item[0]))
    return "{" + ",".join(f"{key}:{value}" for key, value in ordered) + "}", at + 1


# The macro's name holds the Python function's: Store.functions_for creates that function for a statement whose
# text names it, and digests.ensure_stored for a stored view or function whose text does. The value is bound once
# (a one-element list's lambda, as engine.sql.variant's macros do): it is often a whole PARSE_JSON.
MACRO = f"{NAME}_of"
MACROS: dict[str, str] = {
    f"{MACRO}(j)": f"""list_transform([j], lambda v: CASE WHEN v IS NULL OR NOT contains(CAST(v AS VARCHAR), '{{')
        OR (len(regexp_extract_all(CAST(v AS VARCHAR), '[{{]')) = 1 AND json_keys(v) = list_sort(json_keys(v))) THEN v
        ELSE CAST({NAME}(CAST(v AS VARCHAR)) AS JSON) END)[1]""",
}


def ordered(value: exp.Expr) -> exp.Expr:
    """`value` (a VARIANT expression) with its objects' keys in order: the Python function, skipped for a text
    without `{` and for one object whose keys are in order already."""
    call = exp.Anonymous(this=MACRO, expressions=[value.copy()])
    qualified = exp.Dot.build([exp.to_identifier(sandbox.MACRO_CATALOG), exp.to_identifier("main"), call])
    return exp.Cast(this=qualified, to=exp.DataType(this=exp.DataType.Type.JSON))  # a VARIANT (variant.is_json)


def _create(data: duckdb.DuckDBPyConnection) -> None:
    import duckdb

    data.create_function(NAME, sorted_text, [duckdb.sqltype("VARCHAR")],  # type: ignore[call-overload]
                         duckdb.sqltype("VARCHAR"), side_effects=False)


sandbox.PYTHON_FUNCTIONS[NAME] = _create
