"""Physical DuckDB names for Snowflake identifiers, so names differing only in case can coexist.

DuckDB matches identifiers case-blind; Snowflake's quoted identifiers are case-sensitive (`"t"` and
`T` are two names, `"T"` and `T` one). A name with no lower-case letter keeps its text;
any other gets a suffix recording where its lower-case letters are, so two Snowflake names that DuckDB
would fold together always differ physically. Decoding drops the suffix: no mapping table is needed.
"""

from __future__ import annotations

SEPARATOR = "\x1f"  # the ASCII unit separator: not a character anyone types in a name
HIDDEN = "\x1e"  # in a DuckDB table's name: a dropped table kept for UNDROP (catalog/dropped.py), never listed

# Snowflake: "Identifiers ... can be at most 255 characters" (identifier requirements).
MAX_IDENTIFIER = 255


def physical(name: str) -> str:
    """The DuckDB name of a resolved Snowflake identifier (`T` → `T`, `t` → `t\\x1f1`)."""
    if SEPARATOR not in name and (name.isupper() or not any(c.islower() for c in name)):
        return name
    mask = 0
    for i, c in enumerate(name):
        if c.islower():
            mask |= 1 << i
    return f"{name}{SEPARATOR}{mask:x}"


def snowflake(physical_name: str) -> str:
    """The Snowflake name of a DuckDB object, column or result column."""
    if SEPARATOR not in physical_name:
        return physical_name
    return physical_name.rsplit(SEPARATOR, 1)[0]
