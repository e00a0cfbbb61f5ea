"""cursor.describe() of a CALL gives the procedure's declared result columns; of an anonymous block, a
clear refusal (its column's type is the RETURN value's): never DDL's status column."""

from __future__ import annotations

from typing import Any

import pytest

from snowreg import errors


def test_describe_call_gives_the_declared_return_type(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE p() RETURNS NUMBER(10,2) LANGUAGE SQL AS $$ BEGIN RETURN 42; END $$")
    described = cur.describe("CALL p()")
    assert [(d.name, d.type_code, d.precision, d.scale) for d in described] == [("P", 0, 10, 2)]
    cur.execute("CALL p()")
    assert [(d.name, d.precision, d.scale) for d in cur.description] == [("P", 10, 2)]


def test_describe_call_of_a_table_procedure_gives_its_columns(cur: Any) -> None:
    cur.execute("CREATE PROCEDURE pt(x INT) RETURNS TABLE (a INT, b VARCHAR) LANGUAGE SQL AS $$ "
                "DECLARE r RESULTSET DEFAULT (SELECT 1 a, 'x' b); BEGIN RETURN TABLE(r); END $$")
    assert [(d.name, d.type_code) for d in cur.describe("CALL pt(3)")] == [("A", 0), ("B", 2)]


def test_describe_call_runs_nothing(cur: Any) -> None:
    cur.execute("CREATE TABLE log (i INT)")
    cur.execute("CREATE PROCEDURE w() RETURNS INT LANGUAGE SQL AS $$ BEGIN INSERT INTO log VALUES (1); RETURN 1; END $$")
    cur.describe("CALL w()")
    cur.execute("SELECT COUNT(*) FROM log")
    assert cur.fetchone() == (0,)


def test_describe_call_of_an_unknown_procedure_fails_as_call_does(cur: Any) -> None:
    with pytest.raises(errors.ProgrammingError) as caught:
        cur.describe("CALL nope()")
    assert caught.value.errno == 2140


@pytest.mark.parametrize("text", ["BEGIN RETURN 1; END", "EXECUTE IMMEDIATE $$ BEGIN RETURN 1; END $$"])
def test_describe_block_is_refused(cur: Any, text: str) -> None:
    with pytest.raises(errors.NotSupportedError):
        cur.describe(text)
