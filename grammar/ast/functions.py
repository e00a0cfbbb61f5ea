"""User-defined functions: CREATE / ALTER / DROP FUNCTION and the `name(types)` that names one signature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from snowreg.grammar.ast.names import QualifiedName


@dataclass(frozen=True, slots=True)
class FunctionArg:
    """One argument: its resolved name, its declared type (normalised text) and DEFAULT expression text."""

    name: str
    type: str
    default: str | None = None


@dataclass(frozen=True, slots=True)
class CreateFunction:
    """CREATE [OR REPLACE] [SECURE] FUNCTION [IF NOT EXISTS] f(args) RETURNS type | TABLE (cols) … AS body."""

    name: QualifiedName
    args: tuple[FunctionArg, ...]
    returns: str | None  # the return type; None for RETURNS TABLE
    columns: tuple[tuple[str, str], ...] = ()  # RETURNS TABLE (name type, …)
    body: str = ""
    or_replace: bool = False
    if_not_exists: bool = False
    secure: bool = False
    temporary: bool = False
    not_null: bool = False
    language: str = "SQL"
    volatility: Literal["VOLATILE", "IMMUTABLE"] = "VOLATILE"
    memoizable: bool = False
    comment: str | None = None
    copy_grants: bool = False
    options: tuple[str, ...] = ()  # other properties named (HANDLER, PACKAGES, …), upper-cased
    execute_as: str = "OWNER"  # a procedure's EXECUTE AS: OWNER, CALLER or RESTRICTED CALLER
    values: tuple[tuple[str, str], ...] = ()  # (property, its text as written) of `options` given a value
    strict: bool = False  # RETURNS NULL ON NULL INPUT | STRICT (CALLED ON NULL INPUT: the default)


@dataclass(frozen=True, slots=True)
class FunctionSignature:
    """`f(type, …)`: one function of an overloaded name (DROP, ALTER, DESCRIBE, GRANT … ON FUNCTION)."""

    name: QualifiedName
    types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DropFunction:
    signature: FunctionSignature
    if_exists: bool = False


@dataclass(frozen=True, slots=True)
class AlterFunction:
    """ALTER FUNCTION [IF EXISTS] f(types) RENAME TO g | SET COMMENT = '…' | UNSET COMMENT | SET | UNSET SECURE."""

    signature: FunctionSignature
    action: Literal["RENAME", "SET COMMENT", "UNSET COMMENT", "SET SECURE", "UNSET SECURE", "EXECUTE AS OWNER",
                    "EXECUTE AS CALLER"]
    if_exists: bool = False
    new_name: QualifiedName | None = None
    comment: str | None = None
