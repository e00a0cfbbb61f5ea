"""A table (re)created under a name records what it is in place of whatever an earlier object of that name left:
every record kind and every grant of the earlier one goes, and a name never recorded is written without
touching another name's records (`record_table` and `record_table_owner` delete only what a look found)."""

from __future__ import annotations

from typing import Any

import snowreg
from snowreg.catalog import coltypes
from snowreg.catalog.tables import _RECORDS, Clustering, ColumnSpec, KeySpec


def _spec(name: str, text: str, duck: str) -> ColumnSpec:
    parsed = coltypes.parse(text)
    assert parsed is not None
    return ColumnSpec(name, duck, parsed)


def _records(catalog: Any, name: str) -> dict[str, int]:
    counts = {}
    for table, column in _RECORDS:
        row = catalog.store.query_one(f"SELECT count(*) FROM snowreg.{table} WHERE database_name = 'DB' AND "
                                      f"schema_name = 'S' AND {column} = ?", [name])
        counts[table] = row[0] if row else 0
    return counts


def _everything(catalog: Any, name: str) -> None:
    """Records of every kind under `name`."""
    tables = catalog.tables
    tables.record_table("DB", "S", name, "VIEW", [_spec("A", "NUMBER(10,2)", "DECIMAL(10,2)")], [
        KeySpec("PRIMARY KEY", ("A",), "PK")], text="CREATE VIEW v AS SELECT 1 AS a")
    tables.set_clustering("DB", "S", name, Clustering("LINEAR(A)"))
    tables.set_secure("DB", "S", name, True)
    catalog.retention.set_table("DB", "S", name, 3)
    db = catalog.store.db  # the kinds no call above writes
    db.execute("INSERT INTO snowreg.dynamic_tables VALUES ('DB', 'S', ?, '{}')", [name])
    db.execute("INSERT INTO snowreg.materialized_views VALUES ('DB', 'S', ?, 'DB', 'S', 'SRC', false)", [name])
    catalog.store.generation += 1

def test_every_record_of_an_earlier_object_goes_and_other_names_stay() -> None:
    conn = snowreg.connect(database="DB", schema="S")
    catalog = conn.session.catalog
    _everything(catalog, "OLD")
    _everything(catalog, "OTHER")
    assert all(_records(catalog, "OLD").values())
    catalog.tables.record_table("DB", "S", "OLD", "TEMPORARY", [_spec("B", "VARCHAR(5)", "VARCHAR")], [])
    assert _records(catalog, "OLD") == {table: 1 if table in ("table_kinds", "table_columns") else 0
                                        for table, _ in _RECORDS}
    assert catalog.tables.table_shape("DB", "S", "OLD").kind == "TEMPORARY"
    assert all(_records(catalog, "OTHER").values())
    catalog.tables.record_table("DB", "S", "NEW", "TABLE", [_spec("C", "NUMBER(38,0)", "BIGINT")], [])
    assert _records(catalog, "NEW")["table_kinds"] == 1
    assert all(_records(catalog, "OTHER").values())


def test_grants_of_an_earlier_table_go_when_one_of_that_name_is_made() -> None:
    conn = snowreg.connect(database="DB", schema="S")
    catalog = conn.session.catalog
    cur = conn.cursor()
    cur.execute("CREATE ROLE reader")
    for name in ("G", "KEPT"):  # a grant left without its OWNERSHIP, as by an object gone outside SQL
        catalog.store.db.execute("INSERT INTO snowreg.grants VALUES ('TABLE', 'DB', 'S', ?, 0, 'SELECT', 'READER', "
                                 "false, 'SYSADMIN', now())", [name])
    catalog.store.access_changed()
    assert catalog.grants.table_grants("DB", "S", "G") == (False, True)
    assert catalog.grants.table_grants("DB", "S", "NEVER") == (False, False)
    cur.execute("CREATE TABLE g (a INT)")
    assert catalog.grants.table_grants("DB", "S", "G") == (True, True)
    rows = cur.execute("SHOW GRANTS ON TABLE g").fetchall()
    assert [r[1] for r in rows] == ["OWNERSHIP"]
    cur.execute("CREATE TABLE never (a INT)")
    assert [r[1] for r in cur.execute("SHOW GRANTS ON TABLE never").fetchall()] == ["OWNERSHIP"]
    kept = catalog.store.query("SELECT privilege FROM snowreg.grants WHERE name = 'KEPT'")
    assert kept == [("SELECT",)]
