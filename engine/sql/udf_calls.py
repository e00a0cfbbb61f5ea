"""Calls of user-defined functions: recorded while translating, bound to their macros when the statement runs.

Translation is the same for every session, so a call of a name no built-in function has becomes a
placeholder (`__snowreg_udf_<n>(…)`) and a FunctionRef. Before DuckDB runs the text, `bind` finds each
function the way Snowflake does (its schema, else the session's current schema then PUBLIC: the default
SEARCH_PATH; https://docs.snowflake.com/en/sql-reference/name-resolution), checks USAGE on it, picks the
overload by number of arguments (then by the types of literal arguments) and writes the qualified name of
its macro in the placeholder's place. A function that does not exist or that the session's roles may not
use is 002140, as an unknown built-in name always was; DuckDB never sees an unbound name.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from snowreg import errors
from snowreg.catalog.udfs import FunctionRow, macro_name
from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.engine.sql import digests, python_udfs
from snowreg.engine.sql.translation import FunctionRef, Translation, udf_placeholder
from snowreg.grammar.text import outside_literals, place, quote_ident

if TYPE_CHECKING:  # sqlglot loads with the first statement that translates (this module must not load it)
    from sqlglot import exp

_PLACEHOLDER = re.compile(r"\b__snowreg_udf_(\d+)(?=\()", re.I)

# Snowflake's data type synonyms → the family a signature names (argument precision is no part of it).
_FAMILIES = {
    **dict.fromkeys(("NUMBER", "DECIMAL", "NUMERIC", "INT", "INTEGER", "BIGINT", "SMALLINT", "TINYINT",
                     "BYTEINT"), "NUMBER"),
    **dict.fromkeys(("FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION", "REAL"), "FLOAT"),
    **dict.fromkeys(("VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER", "NCHAR", "NVARCHAR", "NVARCHAR2",
                     "CHAR VARYING", "CHARACTER VARYING", "NCHAR VARYING"), "VARCHAR"),
    **dict.fromkeys(("BINARY", "VARBINARY"), "BINARY"),
    **dict.fromkeys(("TIMESTAMP", "TIMESTAMP_NTZ", "DATETIME", "TIMESTAMPNTZ", "TIMESTAMP WITHOUT TIME ZONE"),
                    "TIMESTAMP_NTZ"),
    **dict.fromkeys(("TIMESTAMP_LTZ", "TIMESTAMPLTZ"), "TIMESTAMP_LTZ"),
    **dict.fromkeys(("TIMESTAMP_TZ", "TIMESTAMPTZ"), "TIMESTAMP_TZ"),
    **{t: t for t in ("BOOLEAN", "DATE", "TIME", "VARIANT", "OBJECT", "ARRAY", "GEOGRAPHY", "GEOMETRY",
                      "VECTOR")},
}


def family(type_text: str) -> str | None:
    """`NUMBER(10,2)` → NUMBER, `STRING` → VARCHAR, `DOUBLE PRECISION` → FLOAT; None: not a known type."""
    return _FAMILIES.get(type_text.split("(", 1)[0].strip().upper())


def is_placeholder(node: exp.Expr | None) -> bool:
    from sqlglot import exp

    return isinstance(node, exp.Anonymous) and isinstance(node.this, str) and node.this.lower().startswith("__snowreg_udf_")


def placeholder(refs: list[FunctionRef], node: exp.Func, name: str) -> exp.Expr:
    """Record call `node` of `name` (qualified by the `a.b.` before it, if any) and rename it to its
    placeholder; returns the node that takes the call's place in the walk (translate._rewrite)."""
    from sqlglot import exp

    target: exp.Expr = node
    qualifier: list[str] = []
    if isinstance(node.parent, exp.Dot) and node.parent.expression is node:
        target = node.parent
        qualifier = _parts(target.this)
    if len(qualifier) > 2:
        raise errors.not_supported(f"The function name {'.'.join(qualifier)}.{name}")
    args = list(node.expressions)
    if any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in args):
        raise errors.not_supported("Named arguments (name => value) in a call of a user-defined function")
    table = isinstance(target.parent, (exp.TableFromRows, exp.Lateral))
    start = (node.meta or {}).get("start") if node._meta else None
    database = qualifier[0] if len(qualifier) == 2 else None
    schema = qualifier[-1] if qualifier else None
    refs.append(FunctionRef(database, schema, name, len(args), table, tuple(_kind(a) for a in args),
                            int(start) if start is not None else None))
    call = exp.Anonymous(this=udf_placeholder(len(refs) - 1), expressions=args)
    if target is node:
        return call
    target.replace(call)
    return node  # the call replaced its qualified name: nothing else to replace


def _parts(node: exp.Expr) -> list[str]:
    """The resolved names of `a` / `a.b` before a call."""
    from sqlglot import exp

    if isinstance(node, exp.Dot):
        return [*_parts(node.this), *_parts(node.expression)]
    if isinstance(node, exp.Column):
        return [*(_parts(node.args["table"]) if node.args.get("table") else []), *_parts(node.this)]
    if isinstance(node, exp.Identifier):
        return [node.this if node.quoted else node.this.upper()]
    raise errors.not_supported("This qualified function name")


def _kind(arg: exp.Expr) -> str | None:
    """The type family of a literal (or cast) argument; None where only DuckDB would know it."""
    from sqlglot import exp

    if isinstance(arg, exp.Literal):
        if arg.is_string:
            return "VARCHAR"
        return "FLOAT" if "e" in arg.this.lower() else "NUMBER"
    if isinstance(arg, exp.Neg):
        return _kind(arg.this)
    if isinstance(arg, exp.Boolean):
        return "BOOLEAN"
    if isinstance(arg, exp.Cast):
        return family(arg.to.sql(dialect="snowflake"))
    return None


# ---------------------------------------------------------------------------------------------
# Binding when the statement runs
# ---------------------------------------------------------------------------------------------


def bind(session: Session, tr: Translation, context: tuple[str, str] | None = None) -> Translation:
    """The translation with each placeholder replaced by the qualified name of its function's macro;
    `context` is the (database, schema) unqualified names resolve in, when not the session's (a body).
    The registry's Python functions are registered first (once): a view's text may call one."""
    python_udfs.ensure_all(session)
    digests.ensure_stored(session.catalog.store)
    if not tr.udfs:
        return tr
    names = [macro_name(row, ref.arity)
             for ref, row in ((r, resolve(session, r, tr.source, context)) for r in tr.udfs)]

    def named(text: str | None) -> str | None:
        """The placeholders outside string literals replaced (a string may hold their text)."""
        if text is None:
            return None
        out: list[str] = []
        pos = 0
        for m in outside_literals(_PLACEHOLDER, text):
            if int(m.group(1)) >= len(names):
                raise errors.not_supported("A function name starting with __snowreg_udf_")
            out.extend((text[pos:m.start()], names[int(m.group(1))]))
            pos = m.end()
        return "".join(out) + text[pos:]

    steps = tuple((named(s) or "", label) for s, label in tr.steps)
    return dataclasses.replace(tr, sql=named(tr.sql) or "", plain=named(tr.plain), guard=named(tr.guard),
                               multi_joined=named(tr.multi_joined), steps=steps, udfs=())


def rows_of(session: Session, tr: Translation, context: tuple[str, str]) -> list[FunctionRow]:
    """The functions a translation calls, as `bind` would find them in `context`."""
    return [resolve(session, ref, tr.source, context) for ref in tr.udfs]


def resolve(session: Session, ref: FunctionRef, source: str = "", context: tuple[str, str] | None = None
            ) -> FunctionRow:
    """The function a call names, usable by the session's roles, with an overload for its arguments."""
    database, schema = context or (session.database, session.schema)
    visible = [row for row in _named(session, ref, database, schema) if can_use(session, row)]
    shown = ".".join(quote_ident(p) for p in (ref.database, ref.schema, ref.name) if p)
    if not visible:
        at = place(source, ref.start) if ref.start is not None and source else None
        raise errors.unknown_function(shown, at=at)
    fits = [row for row in visible if row.min_arity <= ref.arity <= row.arity]
    if len(fits) > 1:
        fits = _by_types(fits, ref)
    if len(fits) != 1:
        given = ", ".join(k or "?" for k in ref.kinds)
        raise errors.invalid_arguments(f"Invalid argument types for function '{shown}': ({given})")
    row = fits[0]
    if row.is_table != ref.table:
        how = "in FROM as TABLE(…)" if row.is_table else "as a scalar function, not in TABLE(…)"
        raise errors.wrong_function_kind(f"{shown} is a {'table' if row.is_table else 'scalar'} function: "
                                         f"call it {how}.")
    owners_rights(session, row, set())
    python_udfs.ensure(session, row)
    return row


def owners_rights(session: Session, row: FunctionRow, seen: set[tuple[str, ...]]) -> None:
    """A body runs with its owner's privileges, checked at every call as Snowflake checks them: the owner
    must still read every table and view it names and use every function it calls (and so on down)."""
    seen.add((row.database_name, row.schema_name, row.signature_name))
    owner = row.owner or ""
    for database, schema, name in row.spec.get("reads", ()):
        if not privileges.role_can_read(session, owner, database, schema, name):
            fqn = ".".join(quote_ident(p) for p in (database, schema, name))
            raise errors.does_not_exist("Object", fqn, "42S02")
    a = privileges.role_access(session, owner)
    for database, schema, name, arguments in row.spec.get("calls", ()):
        inner = session.catalog.udfs.get(database, schema, name, arguments)
        if inner is None or (database, schema, inner.signature_name) in seen:
            continue  # gone: DuckDB reports the missing macro
        held = a.held(("FUNCTION", database, schema, inner.signature_name), inner.owner)
        if not (a.schema_usable(database, schema) and held & privileges.USABLE):
            raise errors.unknown_function(".".join(quote_ident(p) for p in (database, schema, name)))
        owners_rights(session, inner, seen)


def _named(session: Session, ref: FunctionRef, database: str | None, schema: str | None) -> list[FunctionRow]:
    """The functions of the name in the schema the call names, or along the search path."""
    udfs = session.catalog.udfs
    database = ref.database or database
    if database is None:
        return []
    if ref.schema is not None:
        return udfs.named(database, ref.schema, ref.name)
    found = udfs.named(database, schema, ref.name) if schema is not None else []
    return found or udfs.named(database, "PUBLIC", ref.name)


def _by_types(rows: list[FunctionRow], ref: FunctionRef) -> list[FunctionRow]:
    """Overloads of one arity: those whose argument families match the most literal arguments' exactly."""
    def score(row: FunctionRow) -> int:
        families = [family(a[1]) for a in row.spec["args"]]
        return sum(1 for k, f in zip(ref.kinds, families, strict=False) if k is not None and k == f)

    best = max(score(r) for r in rows)
    return [r for r in rows if score(r) == best]


def visible_keys(session: Session, kind: str = "FUNCTION") -> dict[str, list[str]]:
    """INFORMATION_SCHEMA.FUNCTIONS' (PROCEDURES') filters: `db<RS>schema<RS>F(NUMBER)` of the functions
    (procedures) the roles may use (USAGE or OWNERSHIP: they have no other privilege) and of those they
    own (RS = chr(30))."""
    roles = privileges.access(session).roles
    sep = chr(30)
    rows = (session.catalog.udfs if kind == "FUNCTION" else session.catalog.procedures).listed()
    key = {id(r): sep.join((r.database_name, r.schema_name, r.signature_name)) for r in rows}
    plural = "functions" if kind == "FUNCTION" else "procedures"
    return {f"snowreg_visible_{plural}": [key[id(r)] for r in rows if can_use(session, r, kind)],
            f"snowreg_owned_{plural}": [key[id(r)] for r in rows if r.owner in roles]}


def can_use(session: Session, row: FunctionRow, kind: str = "FUNCTION") -> bool:
    """USAGE (or OWNERSHIP) on the function (procedure) and USAGE on its database and schema
    (https://docs.snowflake.com/en/user-guide/security-access-control-privileges#user-defined-function-udf-and-external-function-privileges)."""
    if session.catalog.others_temporary_routine(session.id, row, kind):
        return False
    a = privileges.access(session)
    held = a.held((kind, row.database_name, row.schema_name, row.signature_name), row.owner)
    return a.schema_usable(row.database_name, row.schema_name) and bool(held & privileges.USABLE)
