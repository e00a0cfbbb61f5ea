"""Materialized views: CREATE / ALTER / DROP MATERIALIZED VIEW, SHOW MATERIALIZED VIEWS.

https://docs.snowflake.com/en/user-guide/views-materialized: a materialized view is "always current" when
queried (Snowflake answers from its stored rows plus the base table's changes). snowreg holds it as a view
DuckDB expands on every query, which gives that answer, and keeps what makes it a materialized view: the
documented limits on its query (checked here, refused with Snowflake's "Invalid materialized view
definition"), its base table, its clustering key (catalog/tables.py, as a table's) and whether ALTER
MATERIALIZED VIEW … SUSPEND suspended it (a query of it then fails until RESUME). conformance/DECISIONS.md Q10-Q14.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from snowreg import error_catalog, errors
from snowreg.catalog.grants import ObjectKey
from snowreg.catalog.relations import list_columns
from snowreg.catalog.tables import Clustering
from snowreg.engine import transaction
from snowreg.engine.access import privileges
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.session import Session
from snowreg.engine.sql import clustering
from snowreg.engine.sql import run as query
from snowreg.grammar.text import quote_ident

# The aggregate functions a materialized view may use (the page's limitations).
_AGGREGATES = frozenset({"APPROX_COUNT_DISTINCT", "HLL", "AVG", "BITAND_AGG", "BITOR_AGG", "BITXOR_AGG", "COUNT",
                         "COUNT_IF", "MIN", "MAX", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "SUM", "VARIANCE",
                         "VARIANCE_SAMP", "VAR_SAMP", "VARIANCE_POP", "VAR_POP"})
# Functions whose answer changes between queries: "Functions used in a materialized view must be deterministic".
_NONDETERMINISTIC = (exp.CurrentDate, exp.CurrentTime, exp.CurrentTimestamp, exp.Rand, exp.Uuid)

_ALTER = re.compile(rf"\s*ALTER\s+MATERIALIZED\s+VIEW\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
                    rf"(?:RENAME\s+TO\s+(?P<new>{QUALIFIED_NAME})|CLUSTER\s+BY\s*(?P<key>\(.*\))|"
                    r"(?P<drop>DROP\s+CLUSTERING\s+KEY)|(?P<recluster>SUSPEND|RESUME)\s+RECLUSTER|"
                    r"(?P<switch>SUSPEND|RESUME)|(?P<set>SET|UNSET)\s+(?P<props>.*?))\s*;?\s*", re.I | re.S)
_DROP = re.compile(rf"\s*DROP\s+MATERIALIZED\s+VIEW\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s*;?\s*",
                   re.I | re.S)
CREATE = re.compile(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:SECURE\s+)?MATERIALIZED\s+VIEW\b", re.I)


# ---------------------------------------------------------------------------------------------
# CREATE
# ---------------------------------------------------------------------------------------------


def create(session: Session, text: str) -> Result:
    """CREATE [OR REPLACE] MATERIALIZED VIEW [IF NOT EXISTS] n [COPY GRANTS] [(cols)] [COMMENT = '…']
    [CLUSTER BY (…)] AS <select>: the query checked against the documented limits, then made as a view."""
    try:
        stmt = sqlglot.parse_one(text, read="snowflake")
    except ParseError:
        stmt = None
    if not isinstance(stmt, exp.Create) or not isinstance(stmt.expression, exp.Select):
        raise error_catalog.invalid_materialized_view("A materialized view is defined by one SELECT statement.")
    props = stmt.args.get("properties")
    kept: list[exp.Expr] = []
    key: list[exp.Expr] | None = None
    secure = False
    for p in props.expressions if isinstance(props, exp.Properties) else []:
        if isinstance(p, exp.SecureProperty):  # kept with the view (engine.secure_views)
            secure = True
        elif isinstance(p, exp.ClusterProperty):
            key = list(p.expressions)
        elif not isinstance(p, exp.MaterializedProperty):
            kept.append(p)
    target = stmt.this.this if isinstance(stmt.this, exp.Schema) else stmt.this
    database, schema, name = session.qualify(qualified_name(target.sql(dialect="snowflake")))
    privileges.check_create_in_schema(session, database, schema, "MATERIALIZED VIEW")
    source = _source(session, stmt.expression)
    existed = session.catalog.databases.relation_kind(database, schema, name) is not None
    if existed and stmt.args.get("exists"):
        return status(f"{name} already exists, statement succeeded.")
    plain = stmt.copy()
    plain.set("properties", exp.Properties(expressions=kept) if kept else None)
    with privileges.building("MATERIALIZED VIEW"):
        query.run_sql(session, plain.sql(dialect="snowflake"))
    tables = session.catalog.tables
    tables.record_materialized(database, schema, name, source, text.strip().rstrip(";").rstrip())
    if secure:
        tables.set_secure(database, schema, name, True)
    if key is not None:
        clustering.check_columns(key, (c.name for c in list_columns(session.catalog.store, database, schema, name)))
        tables.set_clustering(database, schema, name, Clustering(clustering.key_text(key)))
    return status(f"Materialized view {name} successfully created.")


def _source(session: Session, select: exp.Select) -> tuple[str, str, str]:
    """The one base table of a materialized view's query, after its documented limits
    (https://docs.snowflake.com/en/user-guide/views-materialized#limitations-on-creating-materialized-views)."""
    _check_shape(select)
    tables = list(select.find_all(exp.Table))
    if len(tables) != 1 or select.args.get("joins"):
        raise error_catalog.invalid_materialized_view("A materialized view can query only a single table.")
    table = tables[0]
    if isinstance(table.this, exp.Anonymous | exp.Func) or table.args.get("pivots"):
        raise error_catalog.invalid_materialized_view("A materialized view cannot query a table function.")
    parts = [p for p in (table.args.get("catalog"), table.args.get("db"), table.this) if p is not None]
    qn = qualified_name(".".join(p.sql(dialect="snowflake") for p in parts))
    database, schema, name = session.qualify(qn)
    kind = session.catalog.databases.relation_kind(database, schema, name)
    if kind == "VIEW":
        raise error_catalog.invalid_materialized_view(
            "A materialized view can query only a table, not a view or another materialized view.")
    return database, schema, name


def _check_shape(select: exp.Select) -> None:
    """The clauses and functions the page lists as unsupported in a materialized view."""
    limits: list[tuple[type[exp.Expr] | tuple[type[exp.Expr], ...], str]] = [
        (exp.Window, "Window functions are not supported in a materialized view."),
        (exp.Order, "ORDER BY is not supported in a materialized view."),
        ((exp.Limit, exp.Fetch), "LIMIT is not supported in a materialized view."),
        (exp.Having, "HAVING is not supported in a materialized view."),
        ((exp.Union, exp.Except, exp.Intersect), "Set operators are not supported in a materialized view."),
        ((exp.Subquery, exp.With), "Nested subqueries are not supported in a materialized view."),
        ((exp.Rollup, exp.Cube, exp.GroupingSets), "GROUP BY ROLLUP, CUBE and GROUPING SETS are not supported "
                                                   "in a materialized view."),
        (exp.Lateral, "LATERAL and FLATTEN are not supported in a materialized view."),
        (_NONDETERMINISTIC, "Functions used in a materialized view must be deterministic."),
    ]
    for kinds, why in limits:
        if select.find(kinds) is not None:  # type: ignore[arg-type]
            raise error_catalog.invalid_materialized_view(why)
    if any(isinstance(e, exp.Select) for e in select.find_all(exp.Select) if e is not select):
        raise error_catalog.invalid_materialized_view("Nested subqueries are not supported in a materialized view.")
    for call in select.find_all(exp.Func):
        if isinstance(call, exp.Anonymous):
            raise error_catalog.invalid_materialized_view(
                f"User-defined functions are not supported in a materialized view: {call.name.upper()}.")
        if isinstance(call, exp.AggFunc):
            fname = call.sql_name().upper()
            if fname not in _AGGREGATES:
                raise error_catalog.invalid_materialized_view(f"Aggregate function {fname} is not supported in a "
                                                              "materialized view.")
            if call.find(exp.Distinct) is not None:
                raise error_catalog.invalid_materialized_view("DISTINCT in an aggregate function is not supported "
                                                              "in a materialized view.")
            if any(isinstance(a, exp.AggFunc) for a in call.find_all(exp.AggFunc) if a is not call):
                raise error_catalog.invalid_materialized_view("Aggregate functions cannot be nested in a "
                                                              "materialized view.")


# ---------------------------------------------------------------------------------------------
# ALTER / DROP
# ---------------------------------------------------------------------------------------------


def _owned(session: Session, text: str, optional: bool, own: bool = True) -> tuple[str, str, str] | None:
    """The materialized view a statement names, visible to the session (and owned, `own`); None: IF EXISTS
    of a missing one. A plain view of that name is the wrong type of object."""
    database, schema, name = session.qualify(qualified_name(text))
    fqn = ".".join(quote_ident(p) for p in (database, schema, name))
    catalog = session.catalog
    a = privileges.access(session)
    owner = catalog.grants.owner_of(ObjectKey("VIEW", database, schema, name))
    kind = catalog.databases.relation_kind(database, schema, name)
    held = a.held(("TABLE", database, schema, name), owner) if kind and a.schema_usable(database, schema) \
        else frozenset()
    if kind is None or not (held or a.manage_grants):
        if optional:
            return None
        raise errors.does_not_exist("Materialized view", fqn)
    if catalog.tables.materialized(database, schema, name) is None:
        raise error_catalog.wrong_object_type("VIEW" if kind == "VIEW" else "TABLE", "MATERIALIZED_VIEW")
    if own and "OWNERSHIP" not in held:
        raise errors.insufficient_privileges("materialized view", name)
    return database, schema, name


def alter(session: Session, text: str) -> Result:
    """ALTER MATERIALIZED VIEW … RENAME TO | CLUSTER BY | DROP CLUSTERING KEY | SUSPEND | RESUME [RECLUSTER] |
    SET | UNSET COMMENT | SET | UNSET SECURE (its owner only)."""
    m = _ALTER.fullmatch(text)
    if m is None:
        raise errors.not_supported("This form of ALTER MATERIALIZED VIEW")
    place = _owned(session, m.group("name"), m.group("if_exists") is not None)
    if place is None:
        return status("Statement executed successfully.")
    database, schema, name = place
    fqn = ".".join(quote_ident(p) for p in place)
    tables = session.catalog.tables
    if m.group("new"):
        query.run_sql(session, f"ALTER VIEW {fqn} RENAME TO {m.group('new')}")
    elif m.group("switch"):
        transaction.before_plain(session, "ddl")
        tables.suspend_materialized(database, schema, name, m.group("switch").upper() == "SUSPEND")
    elif m.group("set") and m.group("props").strip().upper() == "SECURE":
        transaction.before_plain(session, "ddl")
        tables.set_secure(database, schema, name, m.group("set").upper() == "SET")
    elif m.group("set"):
        props = m.group("props").strip()
        if not re.fullmatch(r"COMMENT(?:\s*=\s*'(?:[^'\\]|\\.|'')*')?", props, re.I) \
                or (m.group("set").upper() == "SET") != ("=" in props):
            raise errors.not_supported(f"ALTER MATERIALIZED VIEW … {m.group('set').upper()} {props}")
        query.run_sql(session, f"ALTER VIEW {fqn} {m.group('set')} {props}")
    else:
        _alter_clustering(session, place, m)
    return status("Statement executed successfully.")


def _alter_clustering(session: Session, place: tuple[str, str, str], m: re.Match[str]) -> None:
    tables = session.catalog.tables
    if m.group("key"):
        parsed = sqlglot.parse_one(f"CREATE TABLE t (c INT) CLUSTER BY {m.group('key')}", read="snowflake")
        key = clustering.take_key(parsed) if isinstance(parsed, exp.Create) else None
        if not key:
            raise errors.syntax_error_detail(f"invalid clustering key {m.group('key')}")
        clustering.check_columns(key, (c.name for c in list_columns(session.catalog.store, *place)))
        new: Clustering | None = Clustering(clustering.key_text(key))
    elif m.group("drop"):
        new = None
    else:
        current = tables.clustering(*place)
        if current is None:
            return
        new = Clustering(current.key, m.group("recluster").upper() == "SUSPEND")
    transaction.before_plain(session, "ddl")
    tables.set_clustering(*place, new)


def drop(session: Session, text: str) -> Result:
    """DROP MATERIALIZED VIEW [IF EXISTS] n: its owner drops it (with its grants and records)."""
    m = _DROP.fullmatch(text)
    if m is None:
        raise errors.not_supported("This form of DROP MATERIALIZED VIEW")
    place = _owned(session, m.group("name"), m.group("if_exists") is not None)
    if place is None:
        return status(f"Drop statement executed successfully ({qualified_name(m.group('name')).name} already dropped).")
    query.run_sql(session, "DROP VIEW " + ".".join(quote_ident(p) for p in place))
    return status(f"{place[2]} successfully dropped.")
