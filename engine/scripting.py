"""Running Snowflake Scripting blocks: anonymous blocks and the bodies of SQL stored procedures.

https://docs.snowflake.com/en/developer-guide/snowflake-scripting/index. Control flow runs here; every
expression (as `SELECT <expr>`) and every SQL statement goes, with the variables bound as literals,
through `Runner`: the engine's one dispatch, with its privileges and transaction rules, as if sent alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from snowreg import errors
from snowreg.engine.result import Column, Result
from snowreg.engine.script_statements import SqlParts, split_sql
from snowreg.engine.script_values import (
    CursorVar,
    ExceptionVar,
    Record,
    ResultsetVar,
    Scope,
    Slot,
    Value,
    bind_expression,
    bind_placeholders,
    bind_statement,
    literal,
    quick_value,
    type_of,
)
from snowreg.grammar.ast import scripting as s
from snowreg.grammar.lexical import decode_string

Runner = Callable[[str], Result]  # one SQL statement's text → its result, through the engine's dispatch

_NUMBER = Column("anonymous block", "FIXED", 38, 0)
_BUILT_IN = ("SQLROWCOUNT", "SQLFOUND", "SQLNOTFOUND", "SQLCODE", "SQLERRM", "SQLSTATE")


class ScriptError(Exception):
    """An exception raised in a block: a failed statement (STATEMENT_ERROR), a failed expression
    (EXPRESSION_ERROR) or a declared exception RAISEd (`declared`)."""

    def __init__(self, kind: str, error: errors.Error, pos: s.Pos, declared: ExceptionVar | None = None) -> None:
        super().__init__(error.msg)
        self.kind, self.error, self.pos, self.declared = kind, error, pos, declared

    def uncaught(self) -> errors.Error:
        """The error the client sees when no handler catches it."""
        line, column = self.pos
        msg = f"Uncaught exception of type '{self.kind}' on line {line} at position {column} : {self.error.msg}"
        inner = self.error
        if self.kind != "STATEMENT_ERROR":  # an expression's error counts in a SELECT of snowreg's: no place
            out = type(inner)(msg, inner.errno, inner.sqlstate)
            out.inner = inner
            return out
        # The statement's own error counts in the statement, which stands at (line, column) of the block: the
        # error points there, or at the place in it the statement's error names.
        place = (line, column) if inner.line is None or inner.column is None \
            else errors.within((line, column), inner.line, inner.column)
        out = type(inner)(msg, inner.errno, inner.sqlstate, line=place[0], column=place[1])
        out.inner, out.inner_at = inner, (line, column)
        return out


class _Break(Exception):
    def __init__(self, label: str | None) -> None:
        self.label = label


class _Continue(_Break):
    pass


class _Return(Exception):
    def __init__(self, result: Result) -> None:
        self.result = result


@dataclass
class Interpreter:
    """One run of a block (and the blocks nested in it)."""

    runner: Runner  # expressions' SELECTs
    sql_runner: Runner  # the block's SQL statements
    column: str = "anonymous block"  # the name of the result's one column
    returns: str | None = None  # a procedure's declared return type: the RETURN value is cast to it
    dml: Result | None = None  # the last statement's result when it was DML (SQLROWCOUNT …), else None
    handling: list[ScriptError] = field(default_factory=list)
    # called before each iteration of a loop: a cancel or the statement timeout stops one that runs no SQL
    # (`LOOP i := i + 1; END LOOP` never reached DuckDB, which alone was interrupted: DECISIONS.md J55)
    check: Callable[[], None] | None = None
    # a declared type as the session's TIMESTAMP_TYPE_MAPPING names it when declared (DECISIONS.md W36)
    declared_type: Callable[[str], str] | None = None

    def run(self, block: s.Block, scope: Scope) -> Result:
        """The block's result: its RETURN value (NULL without one) or RETURN TABLE's rows."""
        try:
            self.block(block, scope)
        except _Return as r:
            return r.result
        except ScriptError as e:
            raise e.uncaught() from None
        except _Break:
            raise errors.compilation_error("BREAK or CONTINUE outside a loop.") from None
        return self.null_result()

    def null_result(self) -> Result:
        """RETURN without a value (or none at all): NULL, of a procedure's return type."""
        if self.returns is None:
            return self.value_result(Value(None, None, Column(self.column)))
        try:
            return self.value_result(self.evaluate("NULL", Scope(), self.returns, (1, 0)))
        except ScriptError as e:
            raise e.uncaught() from None

    # -- blocks -----------------------------------------------------------------------------------

    def block(self, block: s.Block, outer: Scope) -> None:
        scope = Scope(parent=outer)
        try:
            for d in block.declarations:
                self.declare(d, scope)
            self.statements(block.body, scope)
        except ScriptError as e:
            handler = self.handler(block, scope, e)
            if handler is None:
                raise
            self.handling.append(e)
            try:
                self.statements(handler.body, scope)
            finally:
                self.handling.pop()

    def handler(self, block: s.Block, scope: Scope, e: ScriptError) -> s.Handler | None:
        for h in block.handlers:
            for name in h.names:
                if name == "OTHER" or (name == e.kind and e.declared is None):
                    return h
                declared = scope.lookup(name)
                if isinstance(declared, ExceptionVar) and declared is e.declared:
                    return h
        return None

    def declare(self, d: s.Declaration, scope: Scope) -> None:
        if isinstance(d, s.DeclareVar):
            if d.default is None and d.type is None:
                scope.names[d.name] = Value(None, None, Column(d.name))
            else:  # a declared type without DEFAULT: NULL of that type
                declared = self.declared_type(d.type) if d.type and self.declared_type else d.type
                scope.names[d.name] = self.evaluate(d.default or "NULL", scope, declared, d.pos)
        elif isinstance(d, s.DeclareCursor):
            scope.names[d.name] = CursorVar(d.query, d.resultset)
        elif isinstance(d, s.DeclareResultset):
            scope.names[d.name] = ResultsetVar(self.query(d.query, scope, d.pos) if d.query else None)
        else:
            scope.names[d.name] = ExceptionVar(d.name, d.code, d.message)

    def statements(self, body: tuple[s.Stmt, ...], scope: Scope) -> None:
        for stmt in body:
            self.statement(stmt, scope)

    def statement(self, stmt: s.Stmt, scope: Scope) -> None:  # noqa: C901 - one dispatch over the statement kinds
        match stmt:
            case s.Sql():
                self.sql(stmt.text, scope, stmt.pos)
            case s.Block():
                self.block(stmt, scope)
            case s.Let():
                self.declare(stmt.declaration, scope)
            case s.Assign():
                self.assign(stmt, scope)
            case s.If():
                self.if_(stmt, scope)
            case s.Case():
                self.case(stmt, scope)
            case s.ForRange() | s.ForCursor() | s.While() | s.Repeat() | s.Loop():
                self.loop(stmt, scope)
            case s.Break():
                raise _Break(stmt.label)
            case s.Continue():
                raise _Continue(stmt.label)
            case s.Return():
                self.return_(stmt, scope)
            case s.ReturnTable():
                raise _Return(self.table(stmt, scope))
            case s.Raise():
                self.raise_(stmt, scope)
            case s.Open():
                self.open(stmt, scope)
            case s.Fetch():
                self.fetch(stmt, scope)
            case s.Close():
                self.cursor(stmt.name, scope, stmt.pos).result = None
            case s.Null():
                pass

    # -- values -----------------------------------------------------------------------------------

    def lookup(self, scope: Scope) -> Callable[[str], Slot | None]:
        def find(name: str) -> Slot | None:
            found = scope.lookup(name)
            if found is None and name in _BUILT_IN:
                return self.built_in(name)
            return found
        return find

    def built_in(self, name: str) -> Value:
        if name.startswith("SQLROW") or name.endswith("FOUND"):
            count = None if self.dml is None else self.dml.rowcount
            if name == "SQLROWCOUNT":
                return Value(count, "NUMBER(38,0)", _NUMBER)
            found = None if count is None else (count > 0) == (name == "SQLFOUND")
            return Value(found, "BOOLEAN", Column(name, "BOOLEAN"))
        if not self.handling:
            return Value(None, None, Column(name))
        e = self.handling[-1]
        if name == "SQLCODE":
            code = e.declared.code if e.declared else e.error.errno
            return Value(code, "NUMBER(38,0)", _NUMBER)
        text = e.error.sqlstate if name == "SQLSTATE" else e.error.msg
        return Value(text, "VARCHAR", Column(name, "TEXT"))

    def evaluate(self, expr: str, scope: Scope, declared: str | None, pos: s.Pos) -> Value:
        """An expression's value (cast to a declared type), computed as `SELECT <expr>` by the engine."""
        cast = _declared(declared)
        quick = quick_value(expr, self.lookup(scope), cast)
        if quick is not None:
            return quick
        try:
            bound = bind_expression(expr, self.lookup(scope))
            result = self.runner(f"SELECT CAST(({bound}) AS {cast})" if cast else f"SELECT ({bound})")
        except errors.NotSupportedError:
            raise  # never caught by a handler: the block would go on where Snowflake's would not
        except errors.Error as e:
            raise ScriptError("EXPRESSION_ERROR", e, pos) from None
        col = result.columns[0]
        return Value(result.rows[0][0] if result.rows else None, cast or type_of(col), col, cast is not None)

    def truth(self, expr: str, scope: Scope, pos: s.Pos) -> bool:
        return self.evaluate(expr, scope, None, pos).value is True

    def assign(self, stmt: s.Assign, scope: Scope) -> None:
        target = scope.lookup(stmt.name)
        owner = scope.owner(stmt.name)
        if isinstance(target, ResultsetVar):
            expr = stmt.expr.strip()
            if not (expr.startswith("(") and expr.endswith(")")):
                raise ScriptError("EXPRESSION_ERROR", errors.compilation_error(
                    f"A RESULTSET is assigned a query in parentheses: {stmt.name} := (SELECT …)."), stmt.pos)
            target.result = self.query(expr[1:-1], scope, stmt.pos)
            return
        if owner is None or not isinstance(target, Value):
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                f"Variable '{stmt.name}' is not declared: declare it or assign it with LET."), stmt.pos)
        owner.names[stmt.name] = self.evaluate(stmt.expr, scope, target.type if target.declared else None,
                                               stmt.pos)

    def return_(self, stmt: s.Return, scope: Scope) -> None:
        if stmt.expr is None:
            raise _Return(self.null_result())
        value = self.evaluate(stmt.expr, scope, self.returns, stmt.pos)
        raise _Return(self.value_result(value))

    def value_result(self, value: Value) -> Result:
        col = value.column
        return Result([Column(self.column, col.type, col.precision, col.scale, True, col.internal_size)],
                      [(value.value,)])

    # -- SQL statements ---------------------------------------------------------------------------

    def sql(self, text: str, scope: Scope, pos: s.Pos) -> Result:
        """A SQL statement of the block: INTO targets assigned, SQLROWCOUNT kept."""
        parts = split_sql(text)
        try:
            result = self.run_parts(parts, scope)
        except errors.NotSupportedError:
            raise  # never caught by a handler: the block would go on where Snowflake's would not
        except errors.Error as e:
            raise ScriptError("STATEMENT_ERROR", e, pos) from None
        self.dml = result if result.columns and result.columns[0].name.startswith("number of rows") else None
        if parts.into:
            self.into(parts.into, result, scope, pos)
        return result

    def run_parts(self, parts: SqlParts, scope: Scope) -> Result:
        if parts.immediate is None:
            return self.sql_runner(bind_statement(parts.text, self.lookup(scope)))
        target = parts.immediate
        if target.startswith("$") and not target.startswith("$$"):  # a session variable: the engine's own form
            if parts.using:
                raise errors.not_supported("EXECUTE IMMEDIATE $session_variable USING (…)")
            return self.sql_runner(parts.text)
        if target.startswith(("'", "$$")):
            statement: Any = decode_string(target)
        else:
            statement = self.evaluate(target.lstrip(":"), scope, "VARCHAR", (1, 0)).value
        if statement is None:
            raise errors.compilation_error("EXECUTE IMMEDIATE of a NULL statement.")
        values = [self.evaluate(e, scope, None, (1, 0)) for e in parts.using]
        return self.sql_runner(bind_placeholders(str(statement), values) if parts.using else str(statement))

    def query(self, text: str, scope: Scope, pos: s.Pos) -> Result:
        """A RESULTSET's or cursor's query: its result, rows kept."""
        try:
            return self.run_parts(split_sql(text), scope)
        except errors.NotSupportedError:
            raise  # never caught by a handler: the block would go on where Snowflake's would not
        except errors.Error as e:
            raise ScriptError("STATEMENT_ERROR", e, pos) from None

    def into(self, names: tuple[str, ...], result: Result, scope: Scope, pos: s.Pos) -> None:
        row = result.rows[0] if result.rows else (None,) * len(result.columns)
        if len(names) != len(result.columns):
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                f"The INTO clause names {len(names)} variables for {len(result.columns)} columns."), pos)
        for name, col, value in zip(names, result.columns, row, strict=True):
            self.set(name, Value(value, type_of(col), col), scope, pos)

    def set(self, name: str, value: Value, scope: Scope, pos: s.Pos) -> None:
        """Assign a value computed elsewhere (INTO, FETCH), cast to the variable's declared type."""
        owner = scope.owner(name)
        current = scope.lookup(name)
        if owner is None or not isinstance(current, Value):
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(f"Variable '{name}' is not declared."),
                              pos)
        if current.declared and current.type != value.type:
            value = self.evaluate(literal(value), scope, current.type, pos)
        owner.names[name] = value

    # -- control flow -----------------------------------------------------------------------------

    def if_(self, stmt: s.If, scope: Scope) -> None:
        for cond, body in stmt.branches:
            if self.truth(cond, scope, stmt.pos):
                self.statements(body, scope)
                return
        if stmt.otherwise is not None:
            self.statements(stmt.otherwise, scope)

    def case(self, stmt: s.Case, scope: Scope) -> None:
        for value, body in stmt.whens:
            cond = value if stmt.operand is None else f"({stmt.operand}) = ({value})"
            if self.truth(cond, scope, stmt.pos):
                self.statements(body, scope)
                return
        if stmt.otherwise is not None:
            self.statements(stmt.otherwise, scope)

    def loop(self, stmt: s.ForRange | s.ForCursor | s.While | s.Repeat | s.Loop, scope: Scope) -> None:
        for inner in self.iterations(stmt, scope):
            if self.check is not None:
                self.check()
            try:
                self.statements(stmt.body, inner)
            except _Break as b:
                if b.label is not None and b.label != stmt.label:
                    raise
                if not isinstance(b, _Continue):
                    return
            if isinstance(stmt, s.Repeat) and self.truth(stmt.until, scope, stmt.pos):
                return

    def iterations(self, stmt: s.ForRange | s.ForCursor | s.While | s.Repeat | s.Loop, scope: Scope) -> Any:
        """The scopes the loop's body runs in, one per iteration, as they come."""
        if isinstance(stmt, s.ForRange):
            start = self.evaluate(stmt.start, scope, "NUMBER(38,0)", stmt.pos).value
            end = self.evaluate(stmt.end, scope, "NUMBER(38,0)", stmt.pos).value
            if start is None or end is None:
                return
            steps = range(end, start - 1, -1) if stmt.reverse else range(start, end + 1)
            for i in steps:
                yield Scope({stmt.var: Value(i, "NUMBER(38,0)", _NUMBER)}, scope)
        elif isinstance(stmt, s.ForCursor):
            result = self.rows_of(stmt.source, scope, stmt.pos)
            for row in result.rows:
                yield Scope({stmt.var: Record(result.columns, row)}, scope)
        elif isinstance(stmt, s.While):
            while self.truth(stmt.cond, scope, stmt.pos):
                yield scope
        else:
            while True:
                yield scope

    def rows_of(self, name: str, scope: Scope, pos: s.Pos) -> Result:
        """A FOR loop's rows: a cursor's query run now, or a RESULTSET's rows."""
        found = scope.lookup(name)
        if isinstance(found, ResultsetVar) and found.result is not None:
            return found.result
        cursor = self.cursor(name, scope, pos)
        return self.open_result(cursor, [], scope, pos)

    def cursor(self, name: str, scope: Scope, pos: s.Pos) -> CursorVar:
        found = scope.lookup(name)
        if not isinstance(found, CursorVar):
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(f"Cursor '{name}' is not declared."), pos)
        return found

    def open_result(self, cursor: CursorVar, using: list[Value], scope: Scope, pos: s.Pos) -> Result:
        if cursor.resultset is not None:
            rs = scope.lookup(cursor.resultset)
            if not isinstance(rs, ResultsetVar) or rs.result is None:
                raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                    f"RESULTSET '{cursor.resultset}' has no query result."), pos)
            return rs.result
        assert cursor.query is not None
        text = bind_placeholders(cursor.query, using) if using else cursor.query
        return self.query(text, scope, pos)

    def open(self, stmt: s.Open, scope: Scope) -> None:
        cursor = self.cursor(stmt.name, scope, stmt.pos)
        using = [self.evaluate(e, scope, None, stmt.pos) for e in stmt.using]
        cursor.result, cursor.pos = self.open_result(cursor, using, scope, stmt.pos), 0

    def fetch(self, stmt: s.Fetch, scope: Scope) -> None:
        """The next row into the variables; past the last row they are set to NULL."""
        cursor = self.cursor(stmt.name, scope, stmt.pos)
        if cursor.result is None:
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                f"Cursor '{stmt.name}' is not open."), stmt.pos)
        result = cursor.result
        row = result.rows[cursor.pos] if cursor.pos < len(result.rows) else (None,) * len(result.columns)
        cursor.pos += 1
        for i, name in enumerate(stmt.into):
            if i < len(result.columns):
                self.set(name, Value(row[i], type_of(result.columns[i]), result.columns[i]), scope, stmt.pos)

    def table(self, stmt: s.ReturnTable, scope: Scope) -> Result:
        if stmt.cursor:
            cursor = self.cursor(stmt.source, scope, stmt.pos)
            if cursor.result is None:
                cursor.result, cursor.pos = self.open_result(cursor, [], scope, stmt.pos), 0
            rows = cursor.result.rows[cursor.pos:]
            return Result(list(cursor.result.columns), rows)
        found = scope.lookup(stmt.source)
        if not isinstance(found, ResultsetVar) or found.result is None:
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                f"RESULTSET '{stmt.source}' has no query result."), stmt.pos)
        return Result(list(found.result.columns), list(found.result.rows))

    def raise_(self, stmt: s.Raise, scope: Scope) -> None:
        if stmt.name is None:
            if not self.handling:
                raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                    "RAISE without an exception is only valid in an exception handler."), stmt.pos)
            raise self.handling[-1]
        declared = scope.lookup(stmt.name)
        if not isinstance(declared, ExceptionVar):
            raise ScriptError("STATEMENT_ERROR", errors.compilation_error(
                f"Exception '{stmt.name}' is not declared."), stmt.pos)
        error = errors.ProgrammingError(declared.message, declared.code, "P0001")
        raise ScriptError(declared.name, error, stmt.pos, declared)


def _declared(type_text: str | None) -> str | None:
    """A declared type as SQL names it (None: the type comes from the value)."""
    return " ".join(type_text.split()) if type_text else None


def argument_scope(names: list[str], values: list[Value]) -> Scope:
    """A procedure's arguments, as variables of the scope its body's block runs in."""
    return Scope(dict(zip(names, values, strict=True)))
