"""A table made by plain SQL is its creator's at once, in every session that already resolved its roles.

Sessions keep a snapshot of what their roles hold; creating a table updates the snapshots in place
(the new OWNERSHIP grant) instead of rebuilding them, and plain DDL keeps the registry rows other
statements read. These tests hold sessions whose snapshots were taken before the table existed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def error(conn: Any, sql: str) -> snowreg.ProgrammingError:
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute(sql)
    return info.value


@pytest.fixture(params=["memory", "persistent"])
def sessions(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """Sessions on one registry: ADMIN, and user U as role OWNER_R, PARENT_R (which holds OWNER_R) and
    OTHER_R; each has already read table D.S.SEEN (so its role snapshot is cached)."""
    setup = [
        "CREATE TABLE D.S.SEEN (X INT)",
        "CREATE ROLE OWNER_R", "CREATE ROLE PARENT_R", "CREATE ROLE OTHER_R", "CREATE USER U",
        "GRANT ROLE OWNER_R TO ROLE PARENT_R",
        *[f"GRANT ROLE {r} TO USER U" for r in ("OWNER_R", "PARENT_R", "OTHER_R")],
        *[f"GRANT USAGE ON DATABASE D TO ROLE {r}" for r in ("OWNER_R", "PARENT_R", "OTHER_R")],
        *[f"GRANT USAGE ON SCHEMA D.S TO ROLE {r}" for r in ("OWNER_R", "PARENT_R", "OTHER_R")],
        *[f"GRANT SELECT ON TABLE D.S.SEEN TO ROLE {r}" for r in ("OWNER_R", "PARENT_R", "OTHER_R")],
        "GRANT CREATE TABLE ON SCHEMA D.S TO ROLE OWNER_R",
        "GRANT CREATE VIEW ON SCHEMA D.S TO ROLE OWNER_R",
    ]
    patch = None
    if request.param == "memory":
        patch = snowreg.patch(database="D", schema="S").__enter__()
        open_one: Any = lambda **kw: patch.connect(database="D", schema="S", **kw)  # noqa: E731
    else:
        open_one = lambda **kw: snowreg.connect(database="D", schema="S", path=tmp_path / "reg", **kw)  # noqa: E731
    admin = open_one()
    for sql in setup:
        run(admin, sql)
    out = {"admin": admin, **{r: open_one(user="U", role=r) for r in ("OWNER_R", "PARENT_R", "OTHER_R")}}
    for conn in out.values():
        assert run(conn, "SELECT COUNT(*) FROM D.S.SEEN") == [(0,)]
    yield out
    for conn in out.values():
        conn.close()
    if patch is not None:
        patch.__exit__(None, None, None)


@pytest.mark.parametrize("temporary", ["", "TEMPORARY "])
def test_the_creator_and_the_roles_above_it_hold_a_new_table_at_once(sessions: dict[str, Any],
                                                                      temporary: str) -> None:
    owner, parent, other = sessions["OWNER_R"], sessions["PARENT_R"], sessions["OTHER_R"]
    run(owner, f"CREATE {temporary}TABLE D.S.NEW (X INT)")
    run(owner, "INSERT INTO D.S.NEW VALUES (1), (2)")
    assert run(owner, "SELECT SUM(X) FROM D.S.NEW") == [(3,)]
    if not temporary:  # a temporary table is its session's alone
        assert run(parent, "SELECT SUM(X) FROM D.S.NEW") == [(3,)]
        e = error(other, "SELECT * FROM D.S.NEW")
        assert (e.errno, e.sqlstate) == (2003, "42S02")
        assert "does not exist or not authorized" in e.msg
        listed = {name: [r[1] for r in run(sessions[name], "SHOW TABLES IN SCHEMA D.S")]
                  for name in ("OWNER_R", "PARENT_R", "OTHER_R")}
        assert listed == {"OWNER_R": ["NEW", "SEEN"], "PARENT_R": ["NEW", "SEEN"], "OTHER_R": ["SEEN"]}


def test_the_owner_may_grant_on_its_new_table_and_the_grantee_reads_it(sessions: dict[str, Any]) -> None:
    owner, other = sessions["OWNER_R"], sessions["OTHER_R"]
    run(owner, "CREATE TABLE D.S.SHARED (X INT)")
    assert error(other, "SELECT * FROM D.S.SHARED").errno == 2003
    run(owner, "GRANT SELECT ON TABLE D.S.SHARED TO ROLE OTHER_R")
    assert run(other, "SELECT COUNT(*) FROM D.S.SHARED") == [(0,)]
    assert error(other, "INSERT INTO D.S.SHARED VALUES (1)").errno == 3001
    owners = [r for r in run(sessions["admin"], "SHOW GRANTS ON TABLE D.S.SHARED") if r[1] == "OWNERSHIP"]
    assert [(r[5], r[6]) for r in owners] == [("OWNER_R", "true")]


def test_a_secondary_role_that_created_a_table_lets_the_session_read_it(sessions: dict[str, Any]) -> None:
    owner, other = sessions["OWNER_R"], sessions["OTHER_R"]
    run(other, "USE SECONDARY ROLES ALL")
    assert run(other, "SELECT COUNT(*) FROM D.S.SEEN") == [(0,)]  # the snapshot with secondary roles
    run(owner, "CREATE TABLE D.S.BY_OWNER (X INT)")
    assert run(other, "SELECT COUNT(*) FROM D.S.BY_OWNER") == [(0,)]
    run(other, "USE SECONDARY ROLES NONE")
    assert error(other, "SELECT * FROM D.S.BY_OWNER").errno == 2003


def test_future_grants_of_the_schema_apply_to_a_new_table_at_once(sessions: dict[str, Any]) -> None:
    run(sessions["admin"], "GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO ROLE OTHER_R")
    run(sessions["OWNER_R"], "CREATE TABLE D.S.FUTURE (X INT)")
    assert run(sessions["OTHER_R"], "SELECT COUNT(*) FROM D.S.FUTURE") == [(0,)]


def test_a_dropped_table_recreated_by_another_role_keeps_none_of_its_grants(sessions: dict[str, Any]) -> None:
    admin, owner, other = sessions["admin"], sessions["OWNER_R"], sessions["OTHER_R"]
    run(owner, "CREATE TABLE D.S.AGAIN (X INT)")
    run(owner, "GRANT SELECT ON TABLE D.S.AGAIN TO ROLE OTHER_R")
    assert run(other, "SELECT COUNT(*) FROM D.S.AGAIN") == [(0,)]
    run(owner, "DROP TABLE D.S.AGAIN")
    run(admin, "CREATE TABLE D.S.AGAIN (Y INT)")
    assert error(other, "SELECT * FROM D.S.AGAIN").errno == 2003
    assert error(owner, "SELECT * FROM D.S.AGAIN").errno == 2003
    run(admin, "DROP TABLE D.S.AGAIN")
    run(owner, "CREATE VIEW D.S.AGAIN AS SELECT 1 AS Y")  # a view of the same name, its creator's
    assert run(owner, "SELECT Y FROM D.S.AGAIN") == [(1,)]
    assert error(other, "SELECT * FROM D.S.AGAIN").errno == 2003


def test_registry_answers_follow_plain_ddl_between_them(classifier: tuple[Any, Any]) -> None:
    """Model rows read before a CREATE TABLE are still right after it; a registry write after it is seen."""
    x, model = classifier
    conn = snowreg.connect(database="D", schema="S")
    snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=x.head(5))
    assert [r[1] for r in run(conn, "SHOW MODELS")] == ["M"]
    run(conn, "CREATE TEMPORARY TABLE D.S.ROWS (A FLOAT, B FLOAT, C FLOAT)")
    run(conn, "INSERT INTO D.S.ROWS VALUES " + ", ".join(f"({a}, {b}, {c})" for a, b, c in x.head(20).values))
    got = run(conn, "SELECT M!PREDICT(A, B, C):output_feature_0::INT FROM D.S.ROWS")
    assert [r[0] for r in got] == list(model.predict(x.head(20)))
    run(conn, "ALTER MODEL M ADD VERSION V2 FROM MODEL M VERSION V1")
    run(conn, "CREATE TABLE D.S.MORE (X INT)")
    assert [r[1] for r in run(conn, "SHOW VERSIONS IN MODEL M")] == ["V1", "V2"]
    run(conn, "DROP MODEL M")
    run(conn, "DROP TABLE D.S.MORE")
    assert run(conn, "SHOW MODELS") == []
    assert error(conn, "SELECT M!PREDICT(A, B, C) FROM D.S.ROWS").errno == 2003
    conn.close()
