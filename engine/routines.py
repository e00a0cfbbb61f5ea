"""What SQL user-defined functions and stored procedures share: finding one by its signature, the privilege
check, DROP, and the texts DESCRIBE, SHOW and INFORMATION_SCHEMA show of it.

Both are kept as catalog.udfs rows (functions in one table, procedures in another) and granted by
signature; engine.udfs and engine.procedures hold what differs (bodies, CALL, their ALTER actions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from snowreg import errors
from snowreg.catalog.udfs import FunctionRow, UdfsPart
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import udf_calls
from snowreg.grammar.ast.functions import CreateFunction, FunctionSignature
from snowreg.grammar.text import quote_ident


@dataclass(frozen=True, slots=True)
class Kind:
    """FUNCTION or PROCEDURE: the grants' object kind, and which catalog rows hold them."""

    name: Literal["FUNCTION", "PROCEDURE"]

    @property
    def noun(self) -> str:
        return self.name.capitalize()

    def part(self, session: Session) -> UdfsPart:
        return session.catalog.udfs if self.name == "FUNCTION" else session.catalog.procedures


FUNCTION = Kind("FUNCTION")
PROCEDURE = Kind("PROCEDURE")

Key = tuple[str, str, str, str]  # database, schema, name, argument families


def fqn(*parts: str) -> str:
    return ".".join(quote_ident(p) for p in parts)


def arguments_of(types: tuple[str, ...]) -> str:
    """The signature's argument families, as the catalog keys them: 'NUMBER, VARCHAR'."""
    out = []
    for t in types:
        found = udf_calls.family(t)
        if found is None:
            raise errors.not_supported(f"The data type {t} in a function signature")
        out.append(found)
    return ", ".join(out)


def refuse_unemulated(kind: Kind, stmt: CreateFunction, only: str, python: bool = False) -> None:
    """CREATE of a kind snowreg does not run: another language (`only` says what runs; `python`: LANGUAGE
    PYTHON runs too). A TEMPORARY one is its session's (made_temporary; DECISIONS.md K60, K65)."""
    if stmt.language.upper() != "SQL" and not (python and stmt.language.upper() == "PYTHON"):
        raise errors.not_supported(f"CREATE {kind.name} … LANGUAGE {stmt.language.upper()} (snowreg runs {only})")


def creating(session: Session, kind: Kind, stmt: CreateFunction,
             check_name: Callable[[str], None] | None = None) -> tuple[Key, FunctionRow | None] | Result:
    """CREATE [OR REPLACE | IF NOT EXISTS]'s checks, in Snowflake's order: the key and the row it replaces, or
    IF NOT EXISTS' answer when one exists (`check_name`: a check of the name once its schema is known)."""
    if stmt.or_replace and stmt.if_not_exists:
        raise errors.invalid_property_combination()
    db, schema, name = session.qualify(stmt.name)
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", fqn(db, schema))
    if check_name is not None:
        check_name(name)
    arguments = arguments_of(tuple(a.type for a in stmt.args))
    existing = kind.part(session).get(db, schema, name, arguments)
    if existing is not None and existing.spec.get("temporary") \
            and (kind.name, db, schema, existing.signature_name) not in session.catalog.temporary_routines:
        privileges.check_create_in_schema(session, db, schema, kind.name)  # left by a session that is gone (K60)
        return (db, schema, name, arguments), existing
    if existing is not None:
        privileges.check_create_before_telling(session, db, schema, kind.name, bool(held(session, kind, existing)))
        if stmt.if_not_exists:
            return status(f"{quote_ident(name)} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
        check(session, kind, existing, "own")
    privileges.check_create_in_schema(session, db, schema, kind.name)
    return (db, schema, name, arguments), existing


def find(session: Session, kind: Kind, sig: FunctionSignature) -> tuple[Key, FunctionRow | None]:
    """The function or procedure a signature names ((db, schema, name, arguments), None when there is none)."""
    db, schema, name = session.qualify(sig.name)
    arguments = arguments_of(sig.types)
    return (db, schema, name, arguments), kind.part(session).get(db, schema, name, arguments)


def missing(kind: Kind, key: Key) -> errors.Error:
    db, schema, name, arguments = key
    return errors.does_not_exist(kind.noun, f"{fqn(db, schema, name)}({arguments})")


def held(session: Session, kind: Kind, row: FunctionRow) -> frozenset[str]:
    """The privileges the session's roles hold on the row (none without USAGE on its database and schema)."""
    a = privileges.access(session)
    if not a.schema_usable(row.database_name, row.schema_name) \
            or session.catalog.others_temporary_routine(session.id, row, kind.name):
        return frozenset()
    return a.held((kind.name, row.database_name, row.schema_name, row.signature_name), row.owner)


def check(session: Session, kind: Kind, row: FunctionRow, action: Literal["own", "see"]) -> None:
    """OWNERSHIP for DROP / ALTER / OR REPLACE (`own`); any privilege to DESCRIBE (`see`). A role that holds
    none is told it does not exist."""
    found = held(session, kind, row)
    if "OWNERSHIP" in found or (action == "see" and found):
        return
    if found:
        raise errors.insufficient_privileges(kind.name.lower(), row.name)
    raise missing(kind, (row.database_name, row.schema_name, row.name, row.arguments))


def drop(session: Session, kind: Kind, sig: FunctionSignature, if_exists: bool,
         remove: Callable[[FunctionRow], None]) -> Result:
    """DROP FUNCTION | PROCEDURE [IF EXISTS] name(types): `remove` takes the row and its grants away."""
    key, row = find(session, kind, sig)
    if row is not None and if_exists and not held(session, kind, row):  # hidden: answered as missing (J24)
        row = None
    if row is None:
        if if_exists:
            check_container(session, key[0], key[1])  # as DROP TABLE IF EXISTS: a missing schema is 002003
            return status(f"Drop statement executed successfully ({quote_ident(key[2])} already dropped).")
        raise missing(kind, key)
    check(session, kind, row, "own")
    remove(row)
    return status(f"{quote_ident(row.name)} successfully dropped.")


def made_temporary(session: Session, kind: Kind, row: FunctionRow, temporary: bool) -> None:
    """After CREATE (or a RENAME of `row`'s temporary predecessor): a TEMPORARY function or procedure is the
    session's alone and goes when it closes (engine.session.Session.close); a permanent one of the signature
    takes the place of any temporary one (DECISIONS.md K60, K65)."""
    routines = session.catalog.temporary_routines
    routines.pop((kind.name, row.database_name, row.schema_name, row.signature_name), None)
    if temporary:
        routines[(kind.name, row.database_name, row.schema_name, row.signature_name)] = session.id
        session.temporary_routines.add((kind.name, row.database_name, row.schema_name, row.name, row.arguments))


def type_details(stmt: CreateFunction) -> dict[str, object]:
    """What DESCRIBE and INFORMATION_SCHEMA show of a new row's signature and return type, for its JSON."""
    signature = "(" + ", ".join(f"{quote_ident(a.name)} {udf_calls.family(a.type)}" for a in stmt.args) + ")"
    sizes: list[int] = []
    if stmt.returns is None:
        kind = "TABLE (" + ", ".join(f"{quote_ident(n)} {display_type(t)}" for n, t in stmt.columns) + ")"
    else:
        shown = display_type(stmt.returns)
        kind = shown.split("(", 1)[0].strip()
        sizes = [int(s) for s in shown[shown.index("(") + 1:-1].split(",")] if "(" in shown else []
    return {"signature": signature, "data_type": kind,
            "precision": sizes[0] if kind == "NUMBER" else None, "scale": sizes[1] if kind == "NUMBER" else None,
            "length": sizes[0] if kind in ("VARCHAR", "BINARY") else None}


def signature_text(row: FunctionRow) -> str:
    """`(A NUMBER, B VARCHAR)`: the argument names and declared types."""
    return "(" + ", ".join(f"{quote_ident(a[0])} {udf_calls.family(a[1])}" for a in row.spec["args"]) + ")"


def display_type(declared: str) -> str:
    """A declared type as DESCRIBE shows it: `INT` → NUMBER(38,0), `VARCHAR` → VARCHAR(16777216)."""
    kind = udf_calls.family(declared) or declared
    sizes = declared[declared.index("("):] if "(" in declared else ""
    if kind == "NUMBER":
        return "NUMBER" + (sizes.replace(" ", "") if sizes else "(38,0)")
    if kind in ("VARCHAR", "BINARY"):
        return kind + (sizes if sizes else "(16777216)" if kind == "VARCHAR" else "(8388608)")
    return kind


def returns_text(row: FunctionRow) -> str:
    spec = row.spec
    if spec["returns"] is None:
        return "TABLE (" + ", ".join(f"{quote_ident(n)} {display_type(t)}" for n, t in spec["columns"]) + ")"
    return display_type(spec["returns"]) + (" NOT NULL" if spec["not_null"] else "")


def describe_rows(session: Session, kind: Kind, sig: FunctionSignature) -> tuple[FunctionRow, list[tuple[str, str]]]:
    """DESCRIBE FUNCTION | PROCEDURE's property / value rows both show; a secure one's body only to its owner."""
    key, row = find(session, kind, sig)
    if row is None:
        raise missing(kind, key)
    check(session, kind, row, "see")
    spec = row.spec
    body = spec["body"] if not row.secure or "OWNERSHIP" in held(session, kind, row) else ""
    py = spec.get("python")
    rows = [("signature", signature_text(row)), ("returns", returns_text(row)),
            ("language", spec.get("language", "SQL")),
            ("null handling", "RETURNS NULL ON NULL INPUT" if py and py["strict"] else "CALLED ON NULL INPUT"),
            ("volatility", spec["volatility"]), ("body", body)]
    if py:  # https://docs.snowflake.com/en/sql-reference/sql/desc-function: a Python function's properties
        rows += [("imports", "[]"), ("handler", py["handler"]), ("runtime_version", py["runtime"]),
                 ("packages", "[" + ",".join(f"'{p}'" for p in py["packages"]) + "]")]
    return row, rows


def show_rows(session: Session, kind: Kind, scope: tuple[str | None, str | None], like: str | None,
              tail: Callable[[FunctionRow], tuple[object, ...]]) -> list[tuple[object, ...]]:
    """SHOW USER FUNCTIONS' / SHOW PROCEDURES' rows: those in scope the session's roles hold a privilege on,
    their common columns and then `tail`'s."""
    from snowreg.grammar.text import like as matches

    out: list[tuple[object, ...]] = []
    for row in kind.part(session).listed(*scope):
        if not held(session, kind, row) or not matches(like, row.name):
            continue
        spec = row.spec
        ret = "TABLE (" + ", ".join(f"{quote_ident(n)} {t}" for n, t in spec["columns"]) + ")" \
            if row.is_table else udf_calls.family(spec["returns"]) or spec["returns"]
        out.append((row.created_on, row.name, row.schema_name, "N", "N", "N", row.min_arity, row.arity,
                    f"{row.name}({row.arguments}) RETURN {ret}", row.comment or f"user-defined {kind.name.lower()}",
                    row.database_name, "Y" if row.is_table else "N", "N", "Y" if row.secure else "N", None, None,
                    *tail(row)))
    return out
