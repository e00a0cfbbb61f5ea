"""Statements about roles, users, grants and warehouses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from snowreg.grammar.ast.names import NO_SPAN, Name, QualifiedName, Span

# ---------------------------------------------------------------------------------------------
# Roles, users, grants
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreateRole:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    comment: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropRole:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class CreateUser:
    name: Name
    or_replace: bool = False
    if_not_exists: bool = False
    properties: tuple[tuple[str, str], ...] = ()  # (PROPERTY, value text), e.g. DEFAULT_ROLE
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DropUser:
    name: Name
    if_exists: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class GrantRole:
    role: Name
    grantee_kind: Literal["ROLE", "USER"]
    grantee: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class RevokeRole:
    role: Name
    grantee_kind: Literal["ROLE", "USER"]
    grantee: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UseRole:
    name: Name
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class UseSecondaryRoles:
    mode: Literal["ALL", "NONE"]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowRoles:
    like: str | None = None
    terse: bool = False
    in_class: QualifiedName | None = None  # IN CLASS <class_name>: refused, snowreg has no classes
    starts_with: str | None = None
    limit: int | None = None
    limit_from: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowUsers:
    like: str | None = None
    terse: bool = False
    starts_with: str | None = None
    limit: int | None = None
    limit_from: str | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ObjectTarget:
    """ON <kind> name (kind: MODEL, SCHEMA, DATABASE, TABLE, VIEW, STAGE, TAG, ROLE, ...)."""

    kind: str
    name: QualifiedName
    arg_types: tuple[str, ...] | None = None  # a function's signature: ON FUNCTION f(NUMBER)


@dataclass(frozen=True, slots=True)
class BulkTarget:
    """ON ALL|FUTURE <kinds> IN SCHEMA s | DATABASE d."""

    mode: Literal["ALL", "FUTURE"]
    kind: str  # singular object kind: MODEL, TABLE, ...
    container_kind: Literal["SCHEMA", "DATABASE"]
    container: QualifiedName


@dataclass(frozen=True, slots=True)
class AccountTarget:
    """ON ACCOUNT (global privileges such as CREATE ROLE, MANAGE GRANTS, APPLY TAG)."""


GrantTarget = ObjectTarget | BulkTarget | AccountTarget


@dataclass(frozen=True, slots=True)
class GrantPrivileges:
    privileges: tuple[str, ...]  # upper-case, e.g. ("USAGE", "READ"), ("CREATE MODEL",), ("ALL",)
    target: GrantTarget
    role: Name
    with_grant_option: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class RevokePrivileges:
    privileges: tuple[str, ...]
    target: GrantTarget
    role: Name
    grant_option_for: bool = False
    cascade: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class GrantOwnership:
    target: GrantTarget
    role: Name
    current_grants: Literal["REVOKE", "COPY"] | None = None
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ShowGrants:
    """SHOW GRANTS [ON <kind> n | TO ROLE r | TO USER u | OF ROLE r]; SHOW FUTURE GRANTS IN SCHEMA|DATABASE n."""

    variant: Literal["ON", "TO_ROLE", "TO_USER", "OF_ROLE", "FUTURE_IN", "CURRENT_USER", "ON_ACCOUNT"]
    kind: str | None = None  # object kind for ON; SCHEMA/DATABASE for FUTURE_IN
    name: QualifiedName | None = None
    limit: int | None = None
    arg_types: tuple[str, ...] | None = None  # SHOW GRANTS ON FUNCTION f(NUMBER)
    span: Span = field(default=NO_SPAN, compare=False)
