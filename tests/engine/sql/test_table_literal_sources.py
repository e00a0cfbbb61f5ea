"""`FROM TABLE('name')` / `TABLE($var)`, IDENTIFIER()'s synonym in a FROM clause: resolved, recorded and
privilege-checked as the table it names."""

from __future__ import annotations

import pytest

import snowreg
from snowreg.dbapi import Connection


def test_table_of_a_literal_or_variable_reads_the_table_it_names() -> None:
    with snowreg.connect(database="d", schema="s") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE d.s.t (i INT)")
        cur.execute("INSERT INTO t VALUES (1), (2)")
        cur.execute("SET tn = 'd.s.t'")
        assert cur.execute("SELECT * FROM TABLE($tn) ORDER BY 1").fetchall() == [(1,), (2,)]
        assert cur.execute("SELECT x.i FROM TABLE('t') AS x WHERE x.i > 1").fetchall() == [(2,)]
        with pytest.raises(snowreg.ProgrammingError) as info:
            cur.execute("SELECT * FROM TABLE('\"t\"')")  # quoted: case-sensitive, so no such table
        assert info.value.errno == 2003


def test_table_of_a_literal_needs_the_privileges_the_name_would() -> None:
    with snowreg.connect(database="d", schema="s") as admin:
        cur = admin.cursor()
        cur.execute("CREATE TABLE d.s.secret (i INT)")
        cur.execute("CREATE ROLE analyst")
        cur.execute("CREATE USER tester")
        cur.execute("GRANT ROLE analyst TO USER tester")
        cur.execute("GRANT USAGE ON DATABASE d TO ROLE analyst")
        cur.execute("GRANT USAGE ON SCHEMA d.s TO ROLE analyst")
        analyst = Connection(admin._catalog, user="tester", role="ANALYST")
        for sql in ("SELECT * FROM d.s.secret", "SELECT * FROM TABLE('d.s.secret')"):
            with pytest.raises(snowreg.ProgrammingError) as info:
                analyst.cursor().execute(sql)
            assert info.value.errno == 2003, sql
