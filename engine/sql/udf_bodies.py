"""A SQL UDF's body → the DuckDB macros that run it, through the same translation and binding as user SQL.

The body is Snowflake SQL: it is parsed, its argument names become macro parameters, its unqualified
object names are qualified with the function's own database and schema (a body resolves names where the
function lives, not where it is called), and the result goes through `translate` like any statement:
only Snowflake functions snowreg implements, only objects the catalog knows and the creating role may
read (`bind.resolve_tables`, `privileges.check_tables`), user functions bound to their macros. DuckDB
never receives text that did not pass that road.

Arguments are cast to their declared types and the result to the return type. A body that is a query
reads its arguments from a one-row derived table evaluated where the function is called
(`__SNOWREG_ARGS`), so an argument such as `t.a` can never be captured by a table of the body.
A function with DEFAULT arguments gets one macro per number of arguments it accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import duckdb
from sqlglot import exp

from snowreg import errors
from snowreg.engine.access import privileges
from snowreg.engine.session import Session
from snowreg.engine.sql import bind, duckerrors, timestamp_mapping, translate, udf_calls
from snowreg.engine.sql.translation import qualified
from snowreg.grammar.ast.functions import CreateFunction

_PARAM = "__SNOWREG_P{}"
_ARG = "__SNOWREG_A{}"
_COLUMN = "__SNOWREG_C{}"
_BODY = "__SNOWREG_BODY"
_ARGS = "__SNOWREG_ARGS"
_EXPRESSION = re.compile(r'SELECT (.*) AS "__SNOWREG_BODY"', re.S)
NULL_RESULT = "NULL result in a non-nullable column"
_MODEL_CALL = re.compile(r'[\w"]\s*!\s*[\w"]+\s*\(')


@dataclass(frozen=True, slots=True)
class Place:
    """Where the function lives: its body's unqualified names resolve here."""

    database: str
    schema: str
    name: str


@dataclass
class Compiled:
    """A function's macros ([arity, parameter names, DuckDB body]) and what its body reads and calls: the
    owner's privileges on those are checked again at every call (engine.sql.udf_calls)."""

    macros: list[list[object]] = field(default_factory=list)
    reads: list[list[str]] = field(default_factory=list)  # [database, schema, name] of tables and views
    calls: list[list[str]] = field(default_factory=list)  # [database, schema, name, arguments] of functions


def compile_body(session: Session, stmt: CreateFunction, place: Place) -> Compiled:
    """The macros for each number of arguments the function accepts, with what their bodies name."""
    required = sum(1 for a in stmt.args if a.default is None)
    if any(a.default is None for a in stmt.args[required:]):
        raise errors.compilation_error("Arguments with a DEFAULT value must come after those without one.")
    out = Compiled()
    for arity in range(required, len(stmt.args) + 1):
        out.macros.append([arity, [_PARAM.format(i) for i in range(arity)], _macro_body(session, stmt, place, arity,
                                                                                       out)])
    return out


def _names(tr: translate.Translation, session: Session, place: Place, out: Compiled) -> None:
    """Record the tables, views and functions a body's translation names (qualified by `_qualify`)."""
    for ref in tr.tables:
        found = [ref.database or place.database, ref.schema or place.schema, ref.name]
        if ref.schema != "INFORMATION_SCHEMA" and found not in out.reads:
            out.reads.append(found)
    for row in udf_calls.rows_of(session, tr, (place.database, place.schema)):
        found = [row.database_name, row.schema_name, row.name, row.arguments]
        if found not in out.calls:
            out.calls.append(found)


def _macro_body(session: Session, stmt: CreateFunction, place: Place, arity: int, out: Compiled) -> str:
    if _MODEL_CALL.search(stmt.body):  # sqlglot would drop `!method`: never a silently different body
        raise errors.not_supported("A model method call (m!method(…)) in the body of a function")
    tree = _parse_body(timestamp_mapping.mapped(session.parameters, stmt.body))  # the creator's mapping (W36)
    if tree.find(exp.Parameter, exp.Placeholder) is not None:
        raise errors.not_supported("Session variables and bind parameters in the body of a function")
    if stmt.returns is not None and isinstance(tree, (exp.Query, exp.Subquery)):
        tree = exp.Subquery(this=tree)
    # a body holding a query reads its arguments from a derived table, never by substitution into the
    # query's scopes (where a table's column could capture an argument `a`)
    wrapped = stmt.returns is not None and tree.find(exp.Select) is not None
    _arguments(tree, stmt, arity, wrapped or stmt.returns is None)
    _qualify(tree, place)
    _no_recursion(tree, place)
    text = _snowflake_text(tree, stmt, arity, wrapped)
    tr = translate.translate(text)
    if tr.kind != "select":
        raise errors.compilation_error("The body of a SQL function must be an expression or a query.")
    _check_objects(session, tr, place)
    _names(tr, session, place, out)
    if tr.udfs:
        tr = udf_calls.bind(session, tr, (place.database, place.schema))
    tr = qualified(tr, place.database, place.schema)  # the objects _check_objects checked, where it looked
    if stmt.returns is None:
        _count_columns(session, text, arity, place, stmt)
    _validate(session, tr, arity, stmt)
    if stmt.returns is None:
        return tr.sql
    m = _EXPRESSION.fullmatch(tr.sql)
    if not wrapped and m is None:
        raise errors.not_supported("This SQL function body")
    body = f"({tr.sql})" if wrapped or m is None else f"({m.group(1)})"
    # RETURNS … NOT NULL: a NULL result is Snowflake's 100072 (engine.sql.duckerrors)
    return f"(CASE WHEN {body} IS NULL THEN error('{NULL_RESULT}') ELSE {body} END)" if stmt.not_null else body


def _parse_body(body: str) -> exp.Expr:
    """The body as a query, or as an expression (`SELECT (<body>)` parsed, its one item taken)."""
    text = body.strip().rstrip(";")
    if re.match(r"(?:SELECT|WITH)\b|\(", text, re.I):
        try:
            found = translate.parse(text)
            if isinstance(found, (exp.Query, exp.Subquery)):
                return found
        except errors.Error:
            pass
    select = translate.parse(f"SELECT ({text})")
    if not isinstance(select, exp.Select) or len(select.expressions) != 1:
        raise errors.compilation_error("The body of a SQL function must be an expression or a query.")
    item = select.expressions[0]
    return item.this if isinstance(item, exp.Alias) else item


def _arguments(tree: exp.Expr, stmt: CreateFunction, arity: int, from_args: bool) -> None:
    """Argument names → parameters (cast to their types), or the derived table's columns; arguments
    beyond `arity` → their DEFAULT expressions."""
    index = {a.name: i for i, a in enumerate(stmt.args)}
    for column in list(tree.find_all(exp.Column)):
        name = column.this.this if column.this.quoted else column.this.name.upper()
        if column.table or name not in index:
            continue
        i = index[name]
        default = stmt.args[i].default
        if i >= arity and default is not None:
            column.replace(exp.Paren(this=_parse_body(default)))
        elif from_args:
            column.replace(exp.column(_ARG.format(i), _ARGS))
        else:
            column.replace(exp.Cast(this=exp.column(_PARAM.format(i)), to=exp.DataType.build(stmt.args[i].type,
                                                                                             dialect="snowflake")))


def _qualify(tree: exp.Expr, place: Place) -> None:
    """Unqualified tables of the body name objects of the function's schema (CTE names excepted)."""
    ctes = {c.alias.upper() for c in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue
        if not table.args.get("db") and table.name.upper() not in ctes and table.name != _ARGS:
            table.set("db", exp.Identifier(this=place.schema, quoted=True))
        if table.args.get("db") and not table.args.get("catalog"):
            table.set("catalog", exp.Identifier(this=place.database, quoted=True))


def _no_recursion(tree: exp.Expr, place: Place) -> None:
    """"A SQL UDF's defining expression … cannot refer recursively to itself"
    (https://docs.snowflake.com/en/developer-guide/udf/udf-overview)."""
    for call in tree.find_all(exp.Anonymous):
        if isinstance(call.this, str) and call.this.upper() == place.name:
            raise errors.compilation_error(f"Function {place.name} cannot call itself: a SQL UDF is not recursive.")


def _snowflake_text(tree: exp.Expr, stmt: CreateFunction, arity: int, wrapped: bool) -> str:
    """The SELECT that computes the function, as Snowflake SQL."""
    args = ", ".join(f"CAST({_PARAM.format(i)} AS {stmt.args[i].type}) AS {_ARG.format(i)}" for i in range(arity))
    body = tree.sql(dialect="snowflake")
    if stmt.returns is not None:
        select = f"SELECT CAST({body} AS {stmt.returns}) AS {_BODY}"
        return select + (f" FROM (SELECT {args}) AS {_ARGS}" if args and wrapped else "")
    columns = ", ".join(f"CAST({_BODY}.{_COLUMN.format(i)} AS {t}) AS {_quoted(n)}"
                        for i, (n, t) in enumerate(stmt.columns))
    names = ", ".join(_COLUMN.format(i) for i in range(len(stmt.columns)))
    source = f"(SELECT {args}) AS {_ARGS}, LATERAL ({body})" if args else f"({body})"
    return f"SELECT {columns} FROM {source} AS {_BODY}({names})"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _check_objects(session: Session, tr: translate.Translation, place: Place) -> None:
    """The objects the body reads exist and the creating role (the owner) may read them."""
    database, schema = session.database, session.schema
    session.database, session.schema = place.database, place.schema
    try:
        bind.resolve_tables(session, tr.tables, tr.kind)
        privileges.check_tables(session, tr.tables, tr.kind)
    finally:
        session.database, session.schema = database, schema


def _count_columns(session: Session, text: str, arity: int, place: Place, stmt: CreateFunction) -> None:
    """A table function's query returns as many columns as it declares."""
    select, _, source = text.partition(" FROM ")
    body = translate.translate(f"SELECT {_BODY}.* FROM {source.rsplit(' AS ', 1)[0]} AS {_BODY}")
    if body.udfs:
        body = udf_calls.bind(session, body, (place.database, place.schema))
    body = qualified(body, place.database, place.schema)
    params = ", ".join(f'NULL AS "{_PARAM.format(i)}"' for i in range(arity))
    sql = f'SELECT "__snowreg_body".* FROM (SELECT {params}) AS "__snowreg_check", LATERAL ({body.sql}) ' \
        'AS "__snowreg_body"' if params else body.sql
    session.catalog.store.functions_for(sql)
    found = len(session.duck.sql(sql).columns)
    if found != len(stmt.columns):
        raise errors.compilation_error(f"The query of table function {stmt.name.name} returns {found} columns, "
                                       f"not the {len(stmt.columns)} it declares.")


def _validate(session: Session, tr: translate.Translation, arity: int, stmt: CreateFunction) -> None:
    """Bind the body in DuckDB with NULL arguments: a column that does not exist, or a table function
    whose query has another number of columns than it declares, fails here, not when called."""
    params = ", ".join(f'NULL AS "{_PARAM.format(i)}"' for i in range(arity))
    sql = f'SELECT * FROM (SELECT {params}) AS "__snowreg_check", LATERAL ({tr.sql}) AS "__snowreg_body"' \
        if params else tr.sql
    session.catalog.store.functions_for(sql)
    try:
        session.duck.sql(sql)
    except duckdb.Error as e:
        raise (bind.column_error(e, tr.columns, tr.source) or duckerrors.translate(e)) from None
