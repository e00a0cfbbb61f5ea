"""CREATE TEMPORARY VIEW with a qualified name (as dbt's incremental models send it) lives for its session.

Snowflake: "TEMPORARY ... the view is only visible to the session that created it and is dropped at the
end of the session" (https://docs.snowflake.com/en/sql-reference/sql/create-view). snowreg keeps it in
the schema until its session closes (other sessions can see it meanwhile: a known difference).
"""

from __future__ import annotations

import pytest

import snowreg
from snowreg import errors


def test_qualified_temporary_view_is_dropped_with_its_session() -> None:
    with snowreg.connect(database="DB", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("CREATE TABLE PEOPLE (ID INT, NAME VARCHAR)")
        cur.execute("INSERT INTO PEOPLE VALUES (1, 'a'), (2, 'b')")
        other = conn.open_session()
        ocur = other.cursor()
        ocur.execute("create or replace temporary view DB.PUBLIC.people__tmp\n  as (\n"
                     "select ID, NAME from DB.PUBLIC.PEOPLE where ID > 1\n  );")
        assert ocur.execute("SELECT ID, NAME FROM DB.PUBLIC.PEOPLE__TMP").fetchall() == [(2, "b")]
        ocur.execute("CREATE TEMPORARY TABLE DB.PUBLIC.SCRATCH (A INT)")
        other.close()
        for name in ("PEOPLE__TMP", "SCRATCH"):
            with pytest.raises(errors.ProgrammingError) as e:
                cur.execute(f"SELECT * FROM DB.PUBLIC.{name}")
            assert (e.value.errno, e.value.sqlstate) == (2003, "42S02")
        assert cur.execute("SELECT COUNT(*) FROM PEOPLE").fetchone() == (2,)
