"""Table streams: change records between offsets, consumption by committed DML, isolation, staleness.

https://docs.snowflake.com/en/user-guide/streams-intro, https://docs.snowflake.com/en/sql-reference/sql/create-stream
(conformance/DECISIONS.md W10-W18).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg import errors
from snowreg.dbapi import Connection


@pytest.fixture
def cur() -> Any:
    cursor = snowreg.connect(database="D", schema="S").cursor()
    cursor.execute("CREATE TABLE t (id INT, v VARCHAR)")
    cursor.execute("CREATE STREAM s ON TABLE t")
    return cursor


def changes(cur: Any, stream: str = "s") -> list[tuple[Any, ...]]:
    cur.execute(f'SELECT id, v, METADATA$ACTION, METADATA$ISUPDATE FROM {stream} ORDER BY METADATA$ACTION, id, v')
    return list(cur.fetchall())


def test_an_update_is_a_delete_and_insert_pair_with_the_row_id_kept(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    cur.execute("CREATE TABLE sink AS SELECT id, v FROM s")  # consumed by CREATE TABLE … AS SELECT
    assert changes(cur) == []
    cur.execute("UPDATE t SET v = 'z' WHERE id = 1")
    cur.execute("SELECT METADATA$ACTION, METADATA$ROW_ID FROM s")
    ids = dict(cur.fetchall())
    assert ids["INSERT"] == ids["DELETE"]
    assert changes(cur) == [(1, "a", "DELETE", True), (1, "z", "INSERT", True)]


def test_net_changes_between_offsets(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("DELETE FROM t")
    assert changes(cur) == []  # inserted and deleted between the offsets
    cur.execute("INSERT INTO t VALUES (1, 'a'), (1, 'a'), (2, NULL)")
    cur.execute("UPDATE t SET v = 'b' WHERE id = 2")
    assert changes(cur) == [(1, "a", "INSERT", False), (1, "a", "INSERT", False), (2, "b", "INSERT", False)]


def test_duplicates_and_nulls_keep_their_ids(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, NULL), (1, NULL), (2, 'x')")
    cur.execute("CREATE TABLE sink AS SELECT * FROM s")
    cur.execute("UPDATE t SET id = 3 WHERE v = 'x'")  # the NULL rows are paired again by their values
    assert changes(cur) == [(2, "x", "DELETE", True), (3, "x", "INSERT", True)]


def test_truncate_and_insert_overwrite_are_deletes_and_inserts(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("CREATE TABLE sink AS SELECT * FROM s")
    cur.execute("INSERT OVERWRITE INTO t VALUES (1, 'a2')")
    assert changes(cur) == [(1, "a", "DELETE", False), (1, "a2", "INSERT", False)]
    cur.execute("TRUNCATE TABLE t")
    assert changes(cur) == [(1, "a", "DELETE", False)]


def test_a_plain_select_does_not_consume_and_a_rollback_keeps_the_offset(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("CREATE TABLE sink (id INT, v VARCHAR)")
    assert len(changes(cur)) == 1 and len(changes(cur)) == 1
    cur.execute("BEGIN")
    cur.execute("INSERT INTO sink SELECT id, v FROM s")
    cur.execute("ROLLBACK")
    assert len(changes(cur)) == 1
    cur.execute("INSERT INTO sink SELECT id, v FROM s")
    assert changes(cur) == []
    assert cur.execute("SELECT COUNT(*) FROM sink").fetchall() == [(1,)]


def test_cdc_merge_in_a_transaction_is_repeatable_until_commit(cur: Any) -> None:
    cur.execute("CREATE TABLE target (id INT, v VARCHAR)")
    cur.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    cur.execute("BEGIN")
    cur.execute("MERGE INTO target g USING (SELECT * FROM s WHERE METADATA$ACTION = 'INSERT') c ON g.id = c.id "
                "WHEN MATCHED THEN UPDATE SET v = c.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (c.id, c.v)")
    cur.execute("INSERT INTO t VALUES (3, 'c')")  # after the transaction's start: not in its changes
    assert len(changes(cur)) == 2  # consumed, but the offset moves at COMMIT
    cur.execute("COMMIT")
    assert changes(cur) == [(3, "c", "INSERT", False)]
    assert cur.execute("SELECT * FROM target ORDER BY id").fetchall() == [(1, "a"), (2, "b")]


def test_a_failed_statement_in_the_transaction_keeps_the_tracking(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("CREATE TABLE sink AS SELECT * FROM s")
    cur.execute("BEGIN")
    cur.execute("UPDATE t SET v = 'b'")
    with pytest.raises(errors.ProgrammingError):
        cur.execute("INSERT INTO t VALUES ('not a number', 'x')")
    cur.execute("COMMIT")
    assert changes(cur) == [(1, "a", "DELETE", True), (1, "b", "INSERT", True)]


def test_append_only_and_several_streams_on_one_table(cur: Any) -> None:
    cur.execute("CREATE STREAM appends ON TABLE t APPEND_ONLY = TRUE")
    cur.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
    cur.execute("UPDATE t SET v = 'c' WHERE id = 1")
    cur.execute("DELETE FROM t WHERE id = 2")
    assert changes(cur, "appends") == [(1, "a", "INSERT", False), (2, "b", "INSERT", False)]
    cur.execute("CREATE TABLE sink AS SELECT id, v FROM appends")
    assert changes(cur, "appends") == []
    assert changes(cur) == [(1, "c", "INSERT", False)]  # the other stream keeps its offset


def test_other_writes_are_caught_by_value(cur: Any, tmp_path: Path) -> None:
    cur.execute("CREATE STAGE st")
    (tmp_path / "rows.csv").write_text("5,e\n6,f\n")
    cur.execute(f"PUT '{(tmp_path / 'rows.csv').as_uri()}' @st")
    cur.execute("COPY INTO t FROM @st FILE_FORMAT = (TYPE = CSV)")
    assert changes(cur) == [(5, "e", "INSERT", False), (6, "f", "INSERT", False)]
    assert cur.execute("SELECT SYSTEM$STREAM_HAS_DATA('S')").fetchall() == [(True,)]


def test_stale_after_the_source_is_dropped_and_renames_followed(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("ALTER TABLE t RENAME TO t2")
    cur.execute("INSERT INTO t2 VALUES (2, 'b')")
    assert [r[:2] for r in changes(cur)] == [(1, "a"), (2, "b")]
    assert [r[6] for r in cur.execute("SHOW STREAMS").fetchall()] == ["D.S.T2"]
    cur.execute("DROP TABLE t2")
    with pytest.raises(errors.ProgrammingError) as e:
        changes(cur)
    assert e.value.errno == 91901
    assert [r[10] for r in cur.execute("SHOW STREAMS").fetchall()] == ["true"]


def test_a_changed_source_is_refused_by_name(cur: Any) -> None:
    cur.execute("ALTER TABLE t ADD COLUMN w INT")
    with pytest.raises(errors.NotSupportedError, match="columns changed"):
        changes(cur)


def test_refused_forms(cur: Any) -> None:
    cur.execute("CREATE VIEW v AS SELECT * FROM t")
    for sql in ("CREATE STREAM x ON VIEW v", "CREATE STREAM x ON TABLE v", "CREATE STREAM x ON TABLE t AT (OFFSET => -1)",
                "CREATE STREAM x ON TABLE t BEFORE (STATEMENT => 'q')", "CREATE STREAM x ON EXTERNAL TABLE t",
                "CREATE STREAM x ON STAGE st", "CREATE STREAM x CLONE s", "ALTER STREAM s SET TAG a = 'b'",
                "UNDROP STREAM s", "INSERT INTO s VALUES (1, 'a', 'INSERT', FALSE, 'x')", "INSERT INTO s (id) VALUES (1)",
                "DELETE FROM s", "UPDATE s SET v = 'b'"):
        with pytest.raises(errors.NotSupportedError):
            cur.execute(sql)
    with pytest.raises(errors.ProgrammingError) as e:
        cur.execute("CREATE OR REPLACE STREAM IF NOT EXISTS x ON TABLE t")
    assert e.value.errno == 2025


def test_uncommitted_consumption_is_invisible_to_another_session() -> None:
    first = snowreg.connect(database="D", schema="S")
    a = first.cursor()
    a.execute("CREATE TABLE t (id INT)")
    a.execute("CREATE STREAM s ON TABLE t")
    a.execute("INSERT INTO t VALUES (1)")
    a.execute("CREATE TABLE sink (id INT)")
    b = Connection(first._catalog, database="D", schema="S").cursor()
    a.execute("BEGIN")
    a.execute("INSERT INTO sink SELECT id FROM s")
    assert b.execute("SELECT COUNT(*) FROM s").fetchall() == [(1,)]
    a.execute("COMMIT")
    assert b.execute("SELECT COUNT(*) FROM s").fetchall() == [(0,)]


def test_a_persistent_registry_keeps_streams_and_offsets(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg") as conn:
        cur = conn.cursor()
        cur.execute("CREATE DATABASE d")
        cur.execute("CREATE TABLE t (id INT)")
        cur.execute("CREATE STREAM s ON TABLE t")
        cur.execute("INSERT INTO t VALUES (1), (2)")
        cur.execute("CREATE TABLE sink AS SELECT id FROM s")
        cur.execute("UPDATE t SET id = 3 WHERE id = 2")
    with snowreg.connect(path=tmp_path / "reg", database="D", schema="PUBLIC") as conn:
        cur = conn.cursor()
        cur.execute("SELECT id, METADATA$ACTION, METADATA$ISUPDATE FROM s ORDER BY METADATA$ACTION")
        assert cur.fetchall() == [(2, "DELETE", True), (3, "INSERT", True)]
        assert [r[1] for r in cur.execute("SHOW TABLES").fetchall()] == ["SINK", "T"]  # nothing hidden listed


def test_ctas_reading_a_stream_and_its_source_consumes_it(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("CREATE OR REPLACE TABLE joined AS SELECT s.id, t.v FROM s JOIN t ON s.id = t.id")
    assert cur.execute("SELECT * FROM joined").fetchall() == [(1, "a")]
    assert changes(cur) == []


def test_a_replaced_stream_and_a_stream_after_the_last_one_was_dropped(cur: Any) -> None:
    cur.execute("INSERT INTO t VALUES (1, 'a')")
    cur.execute("CREATE OR REPLACE STREAM s ON TABLE t SHOW_INITIAL_ROWS = TRUE")
    assert changes(cur) == [(1, "a", "INSERT", False)]
    cur.execute("CREATE SCHEMA other")
    cur.execute("CREATE STREAM other.elsewhere ON TABLE s.t")
    cur.execute("DROP STREAM s.s")
    cur.execute("DROP SCHEMA other")  # the table's last stream goes with its schema
    cur.execute("USE SCHEMA d.s")
    cur.execute("ALTER TABLE t ADD COLUMN w INT")
    cur.execute("CREATE STREAM again ON TABLE t")
    cur.execute("INSERT INTO t VALUES (2, 'b', 3)")
    cur.execute("SELECT id, w, METADATA$ACTION FROM again")
    assert cur.fetchall() == [(2, 3, "INSERT")]


def test_cloning_a_schema_with_streams_is_refused_by_name(cur: Any) -> None:
    with pytest.raises(errors.NotSupportedError, match="holding streams"):
        cur.execute("CREATE SCHEMA s2 CLONE s")


def test_a_stream_in_another_database_consumed_into_a_third(cur: Any) -> None:
    """DuckDB lets a transaction write one database: the offset lives beside the source, and moves right
    after the COMMIT of a consumption that wrote elsewhere (W13)."""
    cur.execute('CREATE TABLE "low" ("k" INT, v VARCHAR)')
    cur.execute("CREATE DATABASE e")
    cur.execute('CREATE STREAM e.public."str" ON TABLE d.s."low"')
    cur.execute("CREATE DATABASE f")
    cur.execute("CREATE TABLE f.public.tgt (k INT, v VARCHAR)")
    cur.execute("USE SCHEMA d.s")
    cur.execute("INSERT INTO \"low\" VALUES (1, 'a')")
    cur.execute('UPDATE "low" SET v = \'b\'')
    cur.execute('SELECT x."k", x.v, x.METADATA$ACTION FROM e.public."str" x')
    assert cur.fetchall() == [(1, "b", "INSERT")]
    cur.execute("BEGIN")
    cur.execute('MERGE INTO f.public.tgt t USING e.public."str" c ON t.k = c."k" '
                "WHEN NOT MATCHED THEN INSERT VALUES (c.\"k\", c.v)")
    assert cur.execute('SELECT COUNT(*) FROM e.public."str"').fetchall() == [(1,)]
    cur.execute("COMMIT")
    assert cur.execute('SELECT COUNT(*) FROM e.public."str"').fetchall() == [(0,)]
    assert cur.execute("SELECT * FROM f.public.tgt").fetchall() == [(1, "b")]
    assert cur.execute("SELECT SYSTEM$STREAM_HAS_DATA('e.public.\"str\"')").fetchall() == [(False,)]
    cur.execute("DROP STREAM e.public.\"str\"")
