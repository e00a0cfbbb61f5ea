"""Account-level SHOW commands and warehouses through connect(): visibility, privileges, persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def rows(conn: Any, sql: str) -> list[dict[str, Any]]:
    cur = conn.cursor()
    cur.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def test_the_session_warehouse_is_listed_even_if_never_created() -> None:
    with snowreg.connect(warehouse="my_wh") as conn:
        found = rows(conn, "SHOW WAREHOUSES")
        assert [(w["name"], w["state"], w["is_current"], w["size"]) for w in found] == [
            ("MY_WH", "STARTED", "Y", "X-Small")]
        assert rows(conn, "SELECT CURRENT_WAREHOUSE() AS W") == [{"W": "MY_WH"}]
        cur = conn.cursor()
        described = [d[0] for d in cur.describe("SHOW WAREHOUSES")]
        assert described[:4] == ["name", "state", "type", "size"]


def test_a_role_sees_and_operates_only_warehouses_it_holds_privileges_on() -> None:
    with snowreg.connect() as admin:
        admin.cursor().execute("CREATE WAREHOUSE wh_private")
        admin.cursor().execute("CREATE ROLE analyst")
        admin.cursor().execute("CREATE USER tester")
        admin.cursor().execute("GRANT ROLE analyst TO USER tester")
        analyst = Connection(admin._catalog, user="tester", role="ANALYST")
        assert rows(analyst, "SHOW WAREHOUSES") == []
        with pytest.raises(snowreg.ProgrammingError) as info:
            analyst.cursor().execute("DROP WAREHOUSE wh_private")
        assert info.value.errno == 2003
        with pytest.raises(snowreg.ProgrammingError) as info:
            analyst.cursor().execute("CREATE WAREHOUSE wh_mine")
        assert info.value.errno == 3001
        admin.cursor().execute("GRANT USAGE ON WAREHOUSE wh_private TO ROLE analyst")
        assert [w["name"] for w in rows(analyst, "SHOW WAREHOUSES")] == ["WH_PRIVATE"]
        with pytest.raises(snowreg.ProgrammingError) as info:
            analyst.cursor().execute("ALTER WAREHOUSE wh_private SUSPEND")
        assert info.value.errno == 3001
        admin.cursor().execute("GRANT OPERATE ON WAREHOUSE wh_private TO ROLE analyst")
        analyst.cursor().execute("ALTER WAREHOUSE wh_private SUSPEND")
        assert rows(admin, "SHOW WAREHOUSES LIKE 'wh_private'")[0]["state"] == "SUSPENDED"
        analyst.close()


def test_warehouses_persist_and_bad_properties_leave_nothing(tmp_path: Path) -> None:
    with snowreg.connect(path=tmp_path / "reg") as conn:
        conn.cursor().execute("CREATE WAREHOUSE wh_kept WAREHOUSE_SIZE = LARGE AUTO_SUSPEND = 60")
        with pytest.raises(snowreg.ProgrammingError):
            conn.cursor().execute("CREATE WAREHOUSE wh_bad WAREHOUSE_SIZE = HUGE")
        with pytest.raises(snowreg.ProgrammingError):
            conn.cursor().execute("CREATE WAREHOUSE wh_bad NO_SUCH_PROPERTY = 1")
    with snowreg.connect(path=tmp_path / "reg") as conn:
        found = rows(conn, "SHOW WAREHOUSES")
        assert [(w["name"], w["size"], w["auto_suspend"], w["is_current"]) for w in found] == [
            ("WH_KEPT", "Large", 60, "N")]


def test_show_functions_lists_built_ins_in_name_order_and_user_functions_apart() -> None:
    with snowreg.connect() as conn:
        names = [f["name"] for f in rows(conn, "SHOW FUNCTIONS")]
        assert names == sorted(names) and "CURRENT_WAREHOUSE" in names
        assert {f["is_builtin"] for f in rows(conn, "SHOW FUNCTIONS")} == {"Y"}
        assert rows(conn, "SHOW USER FUNCTIONS") == []
        with pytest.raises(snowreg.ProgrammingError) as info:
            conn.cursor().execute("SHOW FUNCTIONS IN DATABASE nope")
        assert info.value.errno == 2003


def test_show_databases_terse_and_history_shapes() -> None:
    with snowreg.connect() as conn:
        conn.cursor().execute("CREATE DATABASE zeta")
        conn.cursor().execute("CREATE DATABASE alpha")
        full = rows(conn, "SHOW DATABASES")
        assert [d["name"] for d in full] == ["ALPHA", "ZETA"]
        assert all(d["retention_time"] == 1 and d["object_visibility"] is None for d in full)
        history = rows(conn, "SHOW DATABASES HISTORY")
        assert all(d["dropped_on"] is None for d in history)
        terse = rows(conn, "SHOW TERSE DATABASES STARTS WITH 'Z'")
        assert terse == [{"created_on": terse[0]["created_on"], "name": "ZETA", "kind": None,
                          "database_name": None, "schema_name": None}]


def test_dropping_a_warehouse_drops_its_grants() -> None:
    with snowreg.connect() as conn:
        conn.cursor().execute("CREATE ROLE r1")
        conn.cursor().execute("CREATE WAREHOUSE wh_gone")
        conn.cursor().execute("GRANT USAGE ON WAREHOUSE wh_gone TO ROLE r1")
        assert [g["privilege"] for g in rows(conn, "SHOW GRANTS TO ROLE r1")] == ["USAGE"]
        conn.cursor().execute("DROP WAREHOUSE wh_gone")
        conn.cursor().execute("CREATE WAREHOUSE wh_gone")
        assert rows(conn, "SHOW GRANTS TO ROLE r1") == []
