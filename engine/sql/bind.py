"""The binder: Snowflake's identifier rules, object resolution and column errors for plain SQL.

Translation calls `identifier` on every name of the sqlglot tree (unquoted → upper case, at most 255
characters, then the physical DuckDB name of `snowreg.catalog.names`) and records where each column
reference stands. Before DuckDB runs the result, `resolve_tables` finds every object the statement
names in the catalog, with the session's current database and schema, so a name snowreg does not know
is Snowflake's 002003 and never reaches DuckDB. Unknown columns are left to DuckDB's binder, whose
error `column_error` turns into Snowflake's 000904 at the identifier's line and position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import duckdb
import sqlglot
from sqlglot import exp

from snowreg import errors
from snowreg.catalog import information
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.names import MAX_IDENTIFIER, physical, snowflake
from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.engine.sql import udf_calls
from snowreg.engine.sql.translation import CURRENT_DATABASE, CURRENT_SCHEMA
from snowreg.grammar.text import quote_ident, split_name

# Kinds whose write target must already exist (CREATE makes it; DROP has its own IF EXISTS rules).
_TARGET_MUST_EXIST = frozenset({"insert", "update", "delete", "merge", "truncate", "alter"})
_NAME_PARTS = ("catalog", "db")


@dataclass(frozen=True, slots=True)
class ColumnSite:
    """Where a column reference stands in the statement text, to report it as Snowflake does."""

    physical: str  # the column's DuckDB name, as DuckDB reports it
    qualifier: str | None  # the physical table name or alias before it, if any
    display: str  # Snowflake's spelling: T.ZZZ, "zzz"
    start: int  # offset of its first character in the statement text
    owner: str | None = None  # unqualified, in a SELECT over one table: that table's Snowflake name or alias
    select_item: bool = False  # in a SELECT's item list, outside any aggregate or window function
    grouped: bool = False  # its SELECT has a GROUP BY clause


def identifier(node: exp.Identifier, container: bool) -> None:
    """Resolve one identifier in place; `container` names a database or schema (kept as resolved)."""
    name = node.this if node.quoted else node.this.upper()
    if len(name) > MAX_IDENTIFIER and node._meta:  # written in the text, not a column header made from it
        raise errors.identifier_too_long(name, MAX_IDENTIFIER)
    if CURRENT_DATABASE[0] in name:  # the character of the names `qualify` writes
        raise errors.not_supported("The character U+001E in an identifier")
    node.set("this", name if container else physical(name))
    node.set("quoted", True)


def qualify(table: exp.Table) -> None:
    """Give a table node naming an object the database and schema parts it lacks, as the marks the
    session's current database and schema replace when the statement runs (translation.qualified)."""
    if not table.args.get("db"):
        table.set("db", exp.Identifier(this=CURRENT_SCHEMA, quoted=True))
    if not table.args.get("catalog"):
        table.set("catalog", exp.Identifier(this=CURRENT_DATABASE, quoted=True))


def cte_reference(table: exp.Table) -> bool:
    """Does DuckDB read this unqualified (resolved) table name as a CTE? Only inside the query whose WITH
    defines it: in its body, or in a later CTE of the same WITH; in the CTE itself only when the WITH is
    RECURSIVE and the name stands in the recursive part (right of its UNION). Anywhere else DuckDB reads
    the table of that name, so it is an object the binder checks."""
    name = table.name
    path: list[exp.Expr] = [table]
    node = table.parent
    while node is not None:
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            ctes = list(with_.expressions)
            visible = ctes
            if path[-1] is with_:  # in the definition of one of its CTEs
                at = next(i for i, c in enumerate(ctes) if c is path[-2])
                own = with_.args.get("recursive") and _recursive_part(table, ctes[at])
                visible = ctes[:at + 1] if own else ctes[:at]
            if any(c.alias == name for c in visible):
                return True
        path.append(node)
        node = node.parent
    return False


def _recursive_part(table: exp.Table, cte: exp.CTE) -> bool:
    """The table stands right of the UNION that the CTE's query is (where a recursive CTE reads itself)."""
    query = cte.this
    if not isinstance(query, exp.SetOperation):
        return False
    node: exp.Expr | None = table
    while node is not None and node is not cte:
        if node is query.expression:
            return True
        node = node.parent
    return False


def is_container_part(node: exp.Identifier) -> bool:
    """The database or schema part of a qualified table or column name."""
    return node.arg_key in _NAME_PARTS and isinstance(node.parent, (exp.Table, exp.Column))


def column_site(node: exp.Column) -> ColumnSite | None:
    """The column reference's site, from the position sqlglot recorded for its first name part."""
    parts = [p for p in (node.args.get("table"), node.this) if isinstance(p, exp.Identifier)]
    if not parts or not isinstance(node.this, exp.Identifier):
        return None
    start = parts[0].meta.get("start")
    if start is None:
        return None
    table = node.args.get("table")
    qualifier = table.this if isinstance(table, exp.Identifier) else None
    display = ".".join(quote_ident(snowflake(p.this)) for p in parts)
    select = node.find_ancestor(exp.Select)
    if select is None:
        return ColumnSite(node.this.this, qualifier, display, int(start))
    owner = _single_table(select) if qualifier is None else None
    return ColumnSite(node.this.this, qualifier, display, int(start), owner, _select_item(node, select),
                      select.args.get("group") is not None)


def _single_table(select: exp.Select) -> str | None:
    """The Snowflake name (or alias) of the one table a SELECT reads, if it reads exactly one."""
    source = select.args.get("from_")
    if not isinstance(source, exp.From) or select.args.get("joins") or not isinstance(source.this, exp.Table):
        return None
    table = source.this
    alias = table.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else table.this
    if not isinstance(ident, exp.Identifier):
        return None
    return quote_ident(snowflake(ident.this if ident.quoted else ident.this.upper()))


def _select_item(node: exp.Expr, select: exp.Select) -> bool:
    """The column stands in the SELECT's item list, not inside an aggregate or window function."""
    while node.parent is not None and node.parent is not select:
        if isinstance(node.parent, (exp.AggFunc, exp.Window, exp.Subquery)):
            return False
        node = node.parent
    return node.parent is select and node.arg_key == "expressions"


def join_aliases(select: exp.Select, expand: frozenset[str]) -> set[str]:
    """Select aliases that JOIN … ON conditions name without a table: Snowflake lets ON use them.

    A table column of the same name wins, and which columns the tables have is only known when DuckDB
    binds; so the first translation leaves such names alone and reports them, and a second one (after
    DuckDB found no such column) puts the aliased expression in their place (the names in `expand`).
    """
    items = {p.alias: p.this for p in select.expressions if isinstance(p, exp.Alias)}
    names: set[str] = set()
    for join in select.args.get("joins") or ():
        on = join.args.get("on")
        if on is None:
            continue
        for column in list(on.find_all(exp.Column)):
            if column.table or column.name not in items:
                continue
            names.add(column.name)
            if column.name in expand:
                column.replace(exp.Paren(this=items[column.name].copy()))
    return names


def group_all(select: exp.Select) -> None:
    """`GROUP BY ALL` → `GROUP BY <positions of the items with no aggregate or window function>` (none:
    no GROUP BY), so ORDER BY keys built from the items still bind on DuckDB
    (https://docs.snowflake.com/en/sql-reference/constructs/group-by: ALL groups by every item that
    does not use an aggregate function)."""
    group = select.args.get("group")
    if not isinstance(group, exp.Group) or not group.args.get("all") or group.expressions:
        return
    items = [i.unalias() for i in select.expressions]
    if any(isinstance(i, exp.Star) or (isinstance(i, exp.Column) and isinstance(i.this, exp.Star)) for i in items):
        return
    keys = [exp.Literal.number(n) for n, item in enumerate(items, 1)
            if item.find(exp.AggFunc, exp.Window) is None]
    select.set("group", exp.Group(expressions=keys) if keys else None)


def unbound_column(e: duckdb.Error) -> str | None:
    """The column DuckDB could not bind, by its physical name (None for any other error)."""
    if not isinstance(e, duckdb.BinderException):
        return None
    m = _NOT_FOUND.search(str(e))
    return _names(m)[0] if m is not None else None


def name_sites(node: exp.Identifier) -> list[ColumnSite]:
    """The site of a bare column name (an INSERT column list), when sqlglot recorded its place."""
    start = node.meta.get("start")
    if start is None:
        return []
    return [ColumnSite(node.this, None, quote_ident(snowflake(node.this)), int(start))]


# ---------------------------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------------------------


class ObjectRef(Protocol):
    """What translation records of a named object (translate.TableRef)."""

    @property
    def database(self) -> str | None: ...
    @property
    def schema(self) -> str | None: ...
    @property
    def name(self) -> str: ...
    @property
    def write(self) -> bool: ...
    @property
    def object_kind(self) -> str: ...
    @property
    def start(self) -> int | None: ...
    @property
    def optional(self) -> bool: ...


def resolve_tables(session: Session, refs: Iterable[ObjectRef], kind: str, local: frozenset[str] = frozenset()
                   ) -> None:
    """Every table or view the statement reads (or writes into) must exist: else 002003, as Snowflake.

    `local` names relations the engine registered on the session's DuckDB handle for this statement.
    """
    catalog = session.catalog
    for ref in refs:
        if ref.schema is None and ref.database is None and ref.name in local:
            continue
        named = ref.database or session.database  # the current database's, for an unqualified INFORMATION_SCHEMA
        if ref.schema == "INFORMATION_SCHEMA" and named is not None \
                and (catalog.databases.get_database(named) is None
                     or not privileges.can_see_database(session, named)):  # not even that it exists
            raise errors.does_not_exist("Database", quote_ident(named))
        if ref.schema == "INFORMATION_SCHEMA" and ref.name not in information.VIEWS and ref.name != "TAG_REFERENCES" \
                and ref.name not in information.DOCUMENTED:  # a documented one not answered was refused already
            fqn = ".".join(quote_ident(p) for p in (ref.database or session.current_database(), ref.schema, ref.name))
            raise errors.does_not_exist("Object", fqn, "42S02")
        if ref.schema == "INFORMATION_SCHEMA" or ref.object_kind == "schema" \
                or (ref.object_kind == "sequence" and not ref.write):
            continue  # a sequence NEXTVAL names: DuckDB reports a missing one, privileges checks the rest
        database = ref.database or session.database
        schema = ref.schema or session.schema
        if database is None or schema is None:
            continue  # require_context has reported the missing current database or schema
        if ref.write and kind not in _TARGET_MUST_EXIST:  # CREATE / DROP: its schema must exist
            if catalog.databases.get_database(database) is None:
                raise errors.does_not_exist("Database", quote_ident(database))
            if catalog.databases.get_schema(database, schema) is None:
                raise errors.does_not_exist("Schema", f"{quote_ident(database)}.{quote_ident(schema)}")
            continue
        if catalog.databases.get_database(database) is None or catalog.databases.get_schema(database, schema) is None \
                or catalog.databases.relation_kind(database, schema, ref.name) is None:
            if ref.optional and kind in ("alter", "truncate"):
                continue  # ALTER | TRUNCATE TABLE IF EXISTS of a missing table does nothing (engine.sql.run)
            fqn = ".".join(quote_ident(p) for p in (database, schema, ref.name))
            raise errors.does_not_exist("Object", fqn, "42S02")


def check_view_owners(session: Session, refs: Iterable[ObjectRef]) -> None:
    """A view reads with its owner's rights, checked whenever it is read: the owner must still read every
    table and view its query names, and so on down (a privilege revoked since the view was made counts);
    else 002003 for the object it may no longer read."""
    seen: set[tuple[str, str, str]] = set()
    for ref in refs:
        database, schema = ref.database or session.database, ref.schema or session.schema
        if not ref.write and ref.object_kind == "table" and ref.schema != "INFORMATION_SCHEMA" \
                and database is not None and schema is not None:
            _view_owner_reads(session, (database, schema, ref.name), seen)


def _view_owner_reads(session: Session, view: tuple[str, str, str], seen: set[tuple[str, str, str]]) -> None:
    if view in seen or session.catalog.databases.relation_kind(*view) != "VIEW":
        return
    seen.add(view)
    owner = session.catalog.grants.owner_of(ObjectKey("VIEW", *view)) or ""
    reads, calls = view_names(session, *view)
    for read in reads:
        if not privileges.role_can_read(session, owner, *read):
            raise errors.does_not_exist("Object", ".".join(quote_ident(p) for p in read), "42S02")
        _view_owner_reads(session, read, seen)
    for database, schema, macro in calls:  # the user functions it calls: the owner's USAGE, then theirs
        row = next((r for r in session.catalog.udfs.listed(database, schema) if r.macro.lower() == macro), None)
        if row is None:
            continue  # gone: DuckDB reports the missing macro
        a = privileges.role_access(session, owner)
        held = a.held(("FUNCTION", database, schema, row.signature_name), row.owner)
        if not (a.schema_usable(database, schema) and held & privileges.USABLE):
            raise errors.unknown_function(".".join(quote_ident(p) for p in (database, schema, row.name)))
        udf_calls.owners_rights(session, row, set())


Names = tuple[tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]


def view_names(session: Session, database: str, schema: str, name: str) -> Names:
    """What a view's DuckDB query names: (database, schema, Snowflake name) of its tables and views (a name
    it leaves unqualified, as a view made before names were written in full: in the view's schema, where
    DuckDB reads it), and (database, schema, macro) of the user functions it calls; kept until the next
    change of the catalog."""
    def read() -> Names:
        import sqlglot

        rows = session.catalog.store.data_query(
            "SELECT sql FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND view_name = ?",
            [database, schema, physical(name)])
        if not rows:
            return (), ()
        tree = sqlglot.parse_one(str(rows[0][0]), read="duckdb")
        query = tree.expression if isinstance(tree, exp.Create) else tree
        found = (t for t in query.find_all(exp.Table) if isinstance(t.this, exp.Identifier))
        reads = tuple(dict.fromkeys((t.catalog or database, t.db or schema, snowflake(t.name)) for t in found
                                    if t.args.get("db") or not cte_reference(t)))
        return reads, tuple(dict.fromkeys((d or database, sch, m) for d, sch, m in _macro_calls(query)))

    return session.catalog.store.cached(("view_names", database, schema, name), read)


_MACRO = re.compile(r".+\(.*\)/\d+")  # catalog.udfs.macro_name: `F(NUMBER, VARCHAR)/2`


def _macro_calls(query: exp.Expr) -> Iterable[tuple[str | None, str, str]]:
    """(database, schema, macro without its arity, lower case) of the user-function macros a DuckDB query
    calls (DuckDB keeps a view's calls with their schema only, and their names in lower case)."""
    for call in query.find_all(exp.Anonymous):
        name = call.this.this if isinstance(call.this, exp.Identifier) else str(call.this)
        if not _MACRO.fullmatch(name):
            continue
        holder = call.parent
        parts = _dotted(holder.this) if isinstance(holder, exp.Dot) and holder.expression is call \
            else [p for p in (holder.catalog, holder.db) if p] if isinstance(holder, exp.Table) else []
        if 1 <= len(parts) <= 2 and all(parts):
            yield parts[0] if len(parts) == 2 else None, parts[-1], name.rsplit("/", 1)[0].lower()


def _dotted(node: exp.Expr) -> list[str]:
    """The names of `a` / `a.b` (an identifier, a column or a dot of them)."""
    if isinstance(node, exp.Identifier):
        return [node.name]
    if isinstance(node, exp.Dot):
        return [*_dotted(node.this), *_dotted(node.expression)]
    if isinstance(node, exp.Column):
        return [p.name for p in node.parts]
    return []


def table_start(node: exp.Table) -> int | None:
    """Where a table's (possibly qualified) name starts in the text, as sqlglot recorded it."""
    parts = [node.args.get(k) for k in ("catalog", "db", "this")]
    starts = [p.meta["start"] for p in parts if isinstance(p, exp.Identifier) and "start" in p.meta]
    return int(starts[0]) if starts else None


_UNPLACED = re.compile(r"error line 0 at position -1\ninvalid identifier '(.+)'$", re.S)
_NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|//[^\n]*|/\*.*?\*/|\$\$.*?\$\$", re.S)  # strings, comments


def at_identifier(error: errors.Error, sql: str) -> None:
    """Point a 000904 that has no place at the first place `sql` writes its identifier (outside strings and
    comments), as Snowflake points it; it keeps `line 0 at position -1` when the text does not show it."""
    m = _UNPLACED.search(error.msg) if error.errno == 904 and error.line is None else None
    if m is None:
        return
    parts = [re.escape(p[1:-1].replace('""', '"')) if p.startswith('"') else re.escape(p)
             for p in re.findall(r'"(?:[^"]|"")*"|[^."]+', m.group(1))]
    pattern = r'(?<![\w$"])"?' + r'"?\s*\.\s*"?'.join(parts) + r'"?(?![\w$])'
    code = _NOT_CODE.sub(lambda s: " " * len(s.group(0)), sql)
    found = re.search(pattern, code, 0 if m.group(1).startswith('"') else re.I)
    if found is not None:
        placed = errors.invalid_identifier(m.group(1), *_place(sql, found.start()))
        error.msg, error.args, error.line, error.column = placed.msg, placed.args, placed.line, placed.column


def code_only(sql: str) -> str:
    """`sql` with its strings and comments blanked (same length), for finding what the statement writes."""
    return _NOT_CODE.sub(lambda s: " " * len(s.group(0)), sql)


def at_table(error: errors.Error, refs: Iterable[ObjectRef], sql: str) -> None:
    """Point an error about an object the statement names at that name in `sql` (when sqlglot recorded it);
    a 000904 without a place at its identifier (`at_identifier`)."""
    at_identifier(error, sql)
    if error.line is not None or error.object_name is None:
        return
    try:
        wanted = split_name(error.object_name)
    except ValueError:
        return
    for ref in refs:
        given = [p for p in (ref.database, ref.schema, ref.name) if p]
        if ref.start is not None and given and wanted[-len(given):] == given:
            error.line, error.column = _place(sql, ref.start)
            return


# ---------------------------------------------------------------------------------------------
# Columns DuckDB could not bind
# ---------------------------------------------------------------------------------------------

_NAME = r'(?:"((?:[^"]|"")+)"|([^\s"!]+))'  # DuckDB quotes most names in its messages, not all
_NOT_FOUND = re.compile(rf"(?:Referenced column|Column|Referenced update column) {_NAME} (?:not found|referenced "
                        r"that exists in the SELECT clause)")
_AMBIGUOUS = re.compile(rf"Ambiguous reference to column name {_NAME}")
_NOT_IN_TABLE = re.compile(rf"(?:Table|Values list) {_NAME} does not have a column (?:named|with name) {_NAME}")
_NO_TABLE = re.compile(rf"Referenced table {_NAME} not found")
_DUPLICATE = re.compile(rf"Column with name {_NAME} already exists")
_UNGROUPED = re.compile(rf"column {_NAME} must appear in the GROUP BY clause")


def _names(m: re.Match[str]) -> list[str]:
    """The names a message pattern caught, unquoted."""
    groups = m.groups()
    return [(groups[i] or groups[i + 1] or "").replace('""', '"') for i in range(0, len(groups), 2)]


def column_error(e: duckdb.Error, sites: tuple[ColumnSite, ...], sql: str,
                 bound: Callable[[str], bool] | None = None) -> errors.Error | None:
    """DuckDB's "column not found" → `000904 … error line L at position P invalid identifier 'X'`.
    `bound` tells whether a column DuckDB calls ungrouped is one at all (see `column_bound`)."""
    if not isinstance(e, (duckdb.BinderException, duckdb.CatalogException)):
        return None
    text = str(e)
    if (m := _DUPLICATE.search(text)) is not None:
        return errors.duplicate_column(snowflake(_names(m)[0]))
    if (m := _AMBIGUOUS.search(text)) is not None:
        column = _names(m)[0]
        site = _site(sites, column, None)
        line, position = _place(sql, site.start if site is not None else None)
        return errors.ambiguous_column(site.display if site else quote_ident(snowflake(column)), line, position)
    if (m := _NO_TABLE.search(text)) is not None:
        table = _names(m)[0].lower()
        site = next((s for s in sites if (s.qualifier or "").lower() == table), None)
        return invalid_identifier(site.display if site else quote_ident(snowflake(_names(m)[0])), sql,
                                  site.start if site else None)
    if (m := _UNGROUPED.search(text)) is not None:
        column = _names(m)[0]
        site = _site(sites, column, None)
        if bound is not None and site is not None and not site.select_item and not bound(column):
            return invalid_identifier(site.display, sql, site.start)  # HAVING of no column: DuckDB says ungrouped
        return _ungrouped(column, sites, sql)
    qualifier: str | None = None
    if (m := _NOT_FOUND.search(text)) is not None:
        column = _names(m)[0]
    elif (m := _NOT_IN_TABLE.search(text)) is not None:
        qualifier, column = _names(m)
    else:
        return None
    table_function = next((f for f in ("FLATTEN", "SPLIT_TO_TABLE") if f in sql.upper()), None)  # flatten.seq
    if column.upper() in ("SEQ", "ROWID") and table_function is not None:
        return errors.not_supported(f"{table_function}'s SEQ column over a view, a subquery or a CTE")
    site = _site(sites, column, qualifier) or _site(sites, column, None)
    if site is None:
        return invalid_identifier(quote_ident(snowflake(column)), sql, None)
    return invalid_identifier(site.display, sql, site.start)


def column_bound(duck: duckdb.DuckDBPyConnection, duck_sql: str, column: str) -> bool:
    """Whether the FROM of some grouped SELECT in `duck_sql` has the column (physical name): DuckDB reports an
    unknown column in HAVING as one missing from GROUP BY. True when it cannot tell."""
    try:
        root = sqlglot.parse_one(duck_sql, dialect="duckdb")
    except sqlglot.errors.SqlglotError:
        return True
    grouped = [s for s in root.find_all(exp.Select) if s.args.get("group") or s.args.get("having")]
    for select in grouped:
        probe = select.copy()
        for key in ("group", "having", "qualify", "order", "limit", "offset", "distinct"):
            probe.set(key, None)
        probe.set("expressions", [exp.column(column, quoted=True)])
        if select is not root and root.args.get("with") is not None:  # a CTE's name in its FROM
            probe.set("with", root.args["with"].copy())
        try:
            duck.execute(f"EXPLAIN {probe.sql(dialect='duckdb')}")
            return True
        except duckdb.Error:
            continue
    return not grouped


def _ungrouped(column: str, sites: tuple[ColumnSite, ...], sql: str) -> errors.Error:
    """DuckDB's "must appear in the GROUP BY clause" → Snowflake's 001104 for a select item under an
    explicit GROUP BY (https://docs.snowflake.com/en/sql-reference/sql/select, last example), else 000979."""
    folded = column.lower()
    found = sorted((s for s in sites if s.physical.lower() == folded), key=lambda s: (not s.select_item, s.start))
    site = found[0] if found else None
    if site is None:
        return errors.invalid_group_by_expression(quote_ident(snowflake(column)))
    name = site.display if site.qualifier is not None or site.owner is None else f"{site.owner}.{site.display}"
    if site.select_item and site.grouped:
        return errors.not_in_group_by(name, *_place(sql, site.start))
    return errors.invalid_group_by_expression(name)


def _site(sites: tuple[ColumnSite, ...], column: str, qualifier: str | None) -> ColumnSite | None:
    """The first reference to the column (with that qualifier when given; unqualified ones first)."""
    folded = column.lower()
    matches = [s for s in sites if s.physical.lower() == folded  # DuckDB reports names as spelt, case-blind
               and (qualifier is None or (s.qualifier or "").lower() == qualifier.lower())]
    matches.sort(key=lambda s: (qualifier is None and s.qualifier is not None, s.start))
    return matches[0] if matches else None


def invalid_identifier(display: str, sql: str, start: int | None) -> errors.Error:
    """000904: Snowflake names the identifier and where it stands (line from 1, position from 0)."""
    error = errors.invalid_identifier(display, *_place(sql, start))
    at_identifier(error, sql)  # no place recorded: where the text writes it
    return error


def _place(sql: str, start: int | None) -> tuple[int, int]:
    """(line from 1, position from 0) of an offset; (0, 0) when unknown."""
    if start is None:
        return 0, 0
    return sql.count("\n", 0, start) + 1, start - (sql.rfind("\n", 0, start) + 1)
