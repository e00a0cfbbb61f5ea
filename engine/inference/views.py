"""Views over model calls: the Snowflake text is kept with the view and expanded at query time.

A view whose definition calls a model method (or reads such a view) cannot be a DuckDB view: the
version a call runs must be resolved when the view is read, so that `SET DEFAULT_VERSION` or moving
an alias changes what the view returns (the guide's "without any changes to production code"). The
view is therefore a DuckDB view that only raises a clear error if it is ever read directly, and its
comment holds the Snowflake text of its query and the database and schema its names resolve in. A
statement naming such a view is bound through the inference path, where each reference becomes the
view's query, bound with the view owner's privileges (Snowflake views run with owner's rights:
https://docs.snowflake.com/en/user-guide/views-introduction; DECISIONS R3).
Keeping the text in the view object itself means DROP VIEW, CREATE OR REPLACE VIEW and dropping the
schema or database keep the two consistent without a second record.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
import sqlglot
from sqlglot import exp

from snowreg import errors
from snowreg.catalog import coltypes, quote
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.tables import ColumnSpec
from snowreg.engine import parameters
from snowreg.engine.access import privileges
from snowreg.engine.inference.view_index import MARK, ModelView, forget, model_views
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import translate
from snowreg.engine.sql.translation import qualified
from snowreg.grammar import ast
from snowreg.grammar.parse import parse
from snowreg.grammar.render import render
from snowreg.grammar.text import quote_ident

if TYPE_CHECKING:
    from collections.abc import Callable

_MAX_DEPTH = 16

_HEAD = re.compile(
    r"^\s*CREATE\s+(?P<replace>OR\s+REPLACE\s+)?(?P<secure>SECURE\s+)?VIEW\s+(?P<ine>IF\s+NOT\s+EXISTS\s+)?"
    r"(?P<name>(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][\w$]*)){0,2})"
    r"\s*(?P<cols>\()?", re.I)
_AS = re.compile(r"(?:COMMENT\s*=\s*'(?:[^']|'')*'\s*)?AS\s+", re.I)

# Result column kinds → the DuckDB type of the placeholder view's column (typing only).
_DUCK_OF_KIND = {"FIXED": "DECIMAL(38,0)", "REAL": "DOUBLE", "TEXT": "VARCHAR", "BOOLEAN": "BOOLEAN",
                 "DATE": "DATE", "TIMESTAMP_NTZ": "TIMESTAMP", "BINARY": "BLOB"}


# ---------------------------------------------------------------------------------------------
# CREATE VIEW
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ViewHead:
    replace: bool
    if_not_exists: bool
    body: ast.Query


def split(stmt: ast.Query) -> ViewHead:
    """`CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [COMMENT = '…'] AS <query>` → its parts."""
    first = stmt.body.parts[0] if stmt.body.parts and isinstance(stmt.body.parts[0], str) else ""
    head = _HEAD.match(first)
    if head is None:
        raise errors.not_supported("This form of CREATE VIEW over model calls")
    if head.group("secure"):  # its text could not be kept from other roles (DECISIONS.md S64)
        raise errors.not_supported("CREATE SECURE VIEW over model calls")
    if head.group("cols"):
        raise errors.not_supported("A column list in CREATE VIEW over model calls")
    rest = _AS.match(first, head.end())
    if rest is None:
        raise errors.not_supported("CREATE VIEW options other than COMMENT over model calls")
    body = ast.Template((first[rest.end():], *stmt.body.parts[1:]), _after(stmt.body.source, first, rest.end()))
    return ViewHead(bool(head.group("replace")), bool(head.group("ine")),
                    ast.Query("SELECT", body, stmt.model_aliases))


def _after(source: tuple[tuple[int, int, int, int], ...], first: str, cut: int) -> tuple[tuple[int, int, int, int], ...]:
    """A template's source map once the first `cut` characters of its first piece `first` are gone."""
    out = []
    for at, length, line, column in source:
        if at + length <= cut:
            continue
        if at < cut:  # the stretch the cut falls in starts later now
            skipped = first[at:cut]
            newlines = skipped.count("\n")
            column = column + len(skipped) if not newlines else len(skipped) - (skipped.rfind("\n") + 1)
            line, length, at = line + newlines, length - (cut - at), cut
        out.append((at - cut, length, line, column))
    return tuple(out)


def create(session: Session, stmt: ast.Query, tr: translate.Translation,
           describe: Callable[[Session, ast.Query], Result]) -> Result:
    """CREATE VIEW over model calls: the query is typed (and its calls bound) now, run when read."""
    head = split(stmt)
    target = next(t for t in tr.tables if t.write)
    database = target.database or session.current_database()
    schema = target.schema or session.schema
    if schema is None:
        raise errors.no_current_schema()
    privileges.check_tables(session, tr.tables, "create_view")
    exists = session.catalog.databases.relation_kind(database, schema, target.name) is not None
    if exists and head.if_not_exists:
        return status(f"{target.name} already exists, statement succeeded.")
    if exists and not head.replace:
        raise errors.already_exists("Object", target.name)
    columns = describe(session, head.body).columns
    fqn = ".".join(quote(p) for p in (database, schema, target.name))
    message = (f"View {quote_ident(target.name)} calls a model method: read it in a query of its own "
               "(SELECT ... FROM the view), not through another DuckDB object.").replace("'", "''")
    items = ", ".join(f"CAST(error('{message}') AS {_DUCK_OF_KIND.get(c.type, 'JSON' if c.type in ('VARIANT', 'OBJECT', 'ARRAY') else 'VARCHAR')}) AS {quote(c.name)}"
                      for c in columns)
    comment = MARK + orjson.dumps({"text": _render(head.body)}).decode()
    duck = session.duck
    duck.execute(f"CREATE OR REPLACE VIEW {fqn} AS SELECT {items}")
    try:
        duck.execute(f"COMMENT ON VIEW {fqn} IS '{comment.replace(chr(39), chr(39) * 2)}'")
    except Exception:
        duck.execute(f"DROP VIEW IF EXISTS {fqn}")
        raise
    session.catalog.store.relations_changed()  # DuckDB's catalog changed: cached relation reads go
    # OBJECT / ARRAY columns (a method's call: OBJECT) are JSON to DuckDB: their Snowflake types are recorded
    # the statement as written is SHOW VIEWS' text and GET_DDL's query, as for any view (DECISIONS.md H7)
    session.catalog.tables.record_table(database, schema, target.name, "VIEW", [
        ColumnSpec(c.name, "JSON", parsed) for c in columns
        if c.type in ("OBJECT", "ARRAY") and (parsed := coltypes.parse(c.type)) is not None], [],
        _as_written(stmt))
    privileges.record_owner(session, database, schema, target.name, "VIEW")
    forget(session.catalog)
    return status(f"View {target.name} successfully created.")


# ---------------------------------------------------------------------------------------------
# Reading: each reference becomes the view's query
# ---------------------------------------------------------------------------------------------

def reads_model_view(session: Session, tables: tuple[translate.TableRef, ...]) -> bool:
    views = model_views(session.catalog)
    return bool(views) and any(_key(session, t.database, t.schema, t.name) in views for t in tables if not t.write)


def expand(session: Session, tree: exp.Expr, bind: Callable[[Session, ast.Query], translate.Translation],
           depth: int = 0) -> None:
    """Replace every table node naming a view over model calls by that view's query, bound now."""
    views = model_views(session.catalog)
    if not views:
        return
    ctes = {c.alias_or_name.upper() for c in tree.find_all(exp.CTE)}
    for node in list(tree.find_all(exp.Table)):
        if not isinstance(node.this, exp.Identifier) or (not node.args.get("db") and node.name.upper() in ctes):
            continue
        if _is_target(node):
            continue
        view = views.get(_key(session, node.catalog or None, node.db or None, node.name))
        if view is None:
            continue
        if depth >= _MAX_DEPTH:
            raise errors.not_supported("Views over model calls nested more than 16 deep")
        node.replace(exp.Subquery(this=_bound(session, view, bind, depth),
                                  alias=exp.TableAlias(this=exp.to_identifier(node.alias_or_name, quoted=True))))


def _bound(session: Session, view: ModelView, bind: Callable[[Session, ast.Query], translate.Translation],
           depth: int) -> exp.Expr:
    """The view's query as a DuckDB tree, its names resolved in the view's schema with its owner's role."""
    owner = session.catalog.grants.owner_of(ObjectKey("VIEW", view.database, view.schema, view.name))
    as_owner = dataclasses.replace(session, database=view.database, schema=view.schema,
                                   role=owner or session.role, secondary_roles="NONE", _cursor=None)
    stmt = parse(view.text)[0]
    assert isinstance(stmt, ast.Query)
    tr = bind(as_owner, stmt)
    privileges.check_tables(as_owner, tr.tables, "select")
    tr = qualified(tr, view.database, view.schema)  # the objects checked, in the view's schema
    body = sqlglot.parse_one(tr.sql, read="duckdb")
    _qualify(body, view.database, view.schema)
    expand(as_owner, body, bind, depth + 1)
    return body


def _qualify(tree: exp.Expr, database: str, schema: str) -> None:
    """Unqualified table names of a view's query name objects of the view's own schema."""
    ctes = {c.alias_or_name.upper() for c in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.Table):
        if not isinstance(node.this, exp.Identifier) or node.args.get("catalog"):
            continue
        if not node.args.get("db"):
            if node.name.upper() in ctes:
                continue
            node.set("db", exp.to_identifier(schema, quoted=True))
        node.set("catalog", exp.to_identifier(database, quoted=True))


_WRITES = (exp.Drop, exp.Create, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Alter, exp.TruncateTable,
           exp.Comment)


def _is_target(node: exp.Table) -> bool:
    """Whether a table node is the object a statement writes, drops or creates (not one it reads)."""
    child: exp.Expr = node
    parent = node.parent
    while isinstance(parent, exp.Schema):
        child, parent = parent, parent.parent
    return isinstance(parent, exp.Drop) or (isinstance(parent, _WRITES) and parent.this is child)


def _key(session: Session, database: str | None, schema: str | None, name: str) -> tuple[str, str, str]:
    return (database or session.database or "", schema or session.schema or "", name)


def _as_written(stmt: ast.Query) -> str:
    """The CREATE VIEW statement as written: its model calls as their own text, not re-rendered."""
    parts = tuple(p if isinstance(p, str) else p.written or render(ast.Query("SELECT", ast.Template((p,))))
                  for p in stmt.body.parts)
    return parameters.unmarked(render(dataclasses.replace(stmt, body=ast.Template(parts)))).strip()


def _render(query: ast.Query) -> str:
    return render(query)
