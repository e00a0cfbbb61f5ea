"""Registry statements against their SQL reference pages: tags by APPLY TAG, system-alias version names,
SHOW MODELS scopes and LIMIT ... FROM, and the status of DROP MODEL IF EXISTS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection


def run(conn: Any, sql: str) -> list[Any]:
    return list(conn.cursor().execute(sql).fetchall())


def error(conn: Any, sql: str) -> snowreg.ProgrammingError:
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute(sql)
    return info.value


@pytest.fixture
def admin(tmp_path: Path, version_dir: Path) -> Iterator[Any]:
    """ACCOUNTADMIN on D.S with model M (V1 default, V2), tag D.S.LIVE and user TESTER."""
    conn = snowreg.connect(database="D", schema="S", stage_roots=[tmp_path])
    for sql in (f"CREATE STAGE ST URL = '{version_dir.as_uri()}'", "CREATE MODEL M WITH VERSION V1 FROM @ST",
                "ALTER MODEL M ADD VERSION V2 FROM @ST", "CREATE TAG LIVE", "CREATE USER tester",
                "CREATE ROLE prod", "GRANT ROLE prod TO USER tester",
                "GRANT USAGE ON DATABASE D TO ROLE prod", "GRANT USAGE ON SCHEMA D.S TO ROLE prod"):
        run(conn, sql)
    yield conn
    conn.close()


def tag_of(conn: Any) -> Any:
    return run(conn, "SELECT SYSTEM$GET_TAG('D.S.LIVE', 'D.S.M', 'MODULE')")[0][0]


def test_account_apply_tag_with_usage_sets_and_unsets_a_tag(admin: Any) -> None:
    """https://docs.snowflake.com/en/user-guide/object-tagging/work: APPLY TAG on the account suffices."""
    prod = Connection(admin._catalog, user="tester", role="prod")
    assert error(prod, "ALTER MODEL D.S.M SET TAG D.S.LIVE = 'V1'").errno == 2003  # no privilege on M
    run(admin, "GRANT USAGE ON MODEL M TO ROLE prod")
    assert error(prod, "ALTER MODEL D.S.M SET TAG D.S.LIVE = 'V1'").errno == 3001
    assert tag_of(admin) is None
    run(admin, "GRANT APPLY TAG ON ACCOUNT TO ROLE prod")
    run(prod, "ALTER MODEL D.S.M SET TAG D.S.LIVE = 'V2'")
    assert tag_of(admin) == "V2"
    run(prod, "ALTER MODEL D.S.M UNSET TAG D.S.LIVE")
    assert tag_of(admin) is None
    # APPLY TAG covers tags only: the model's own properties still need OWNERSHIP.
    assert error(prod, "ALTER MODEL D.S.M SET COMMENT = 'x'").errno == 3001


def test_apply_on_the_tag_needs_ownership_of_the_model(admin: Any) -> None:
    """Without the account privilege: APPLY on the tag and OWNERSHIP of the object, both."""
    prod = Connection(admin._catalog, user="tester", role="prod")
    run(admin, "GRANT USAGE ON MODEL M TO ROLE prod")
    run(admin, "GRANT APPLY ON TAG LIVE TO ROLE prod")
    assert error(prod, "ALTER MODEL D.S.M SET TAG D.S.LIVE = 'V1'").errno == 3001
    run(admin, "GRANT OWNERSHIP ON MODEL M TO ROLE prod COPY CURRENT GRANTS")
    run(prod, "ALTER MODEL D.S.M SET TAG D.S.LIVE = 'V1'")
    assert tag_of(prod) == "V1"


@pytest.mark.parametrize("sql", [
    "CREATE MODEL N WITH VERSION DEFAULT FROM MODEL M",
    "CREATE MODEL N WITH VERSION first FROM MODEL M VERSION V2",
    "CREATE OR REPLACE MODEL M WITH VERSION Last FROM MODEL M",
    "CREATE MODEL N WITH VERSION LAST FROM @ST",
])
def test_a_new_model_version_is_not_named_like_a_system_alias(admin: Any, sql: str) -> None:
    assert error(admin, sql).errno == 2000
    assert [r[1] for r in run(admin, "SHOW MODELS")] == ["M"]
    assert [r[1] for r in run(admin, "SHOW VERSIONS IN MODEL M")] == ["V1", "V2"]


def test_a_quoted_lower_case_system_alias_is_an_ordinary_name(admin: Any) -> None:
    run(admin, 'CREATE MODEL N WITH VERSION "last" FROM MODEL M')
    assert run(admin, "SHOW MODELS LIKE 'N'")[0][7] == "last"


def test_drop_model_if_exists_answers_like_other_drops(admin: Any) -> None:
    assert run(admin, "DROP MODEL IF EXISTS NOPE") == [("Drop statement executed successfully (NOPE already dropped).",)]
    assert run(admin, "DROP TABLE IF EXISTS NOPE") == [("Drop statement executed successfully (NOPE already dropped).",)]
    assert run(admin, "DROP MODEL IF EXISTS M") == [("M successfully dropped.",)]


def test_show_models_without_a_current_database_covers_the_account(admin: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/sql/show-models: IN DATABASE / IN SCHEMA without a name
    and no current database retrieve records for all databases and schemas."""
    run(admin, "CREATE DATABASE E")
    run(admin, "CREATE MODEL E.PUBLIC.N FROM MODEL D.S.M")
    other = Connection(admin._catalog)
    assert other._session.database is None
    for sql in ("SHOW MODELS", "SHOW MODELS IN DATABASE", "SHOW MODELS IN SCHEMA", "SHOW MODELS IN ACCOUNT"):
        assert [(r[3], r[1]) for r in run(other, sql)] == [("D", "M"), ("E", "N")], sql
    assert error(other, "SHOW MODELS IN SCHEMA S").errno == 2043


def test_show_models_limit_from_pages_by_name(admin: Any) -> None:
    for name in ("A", "B", "C"):
        run(admin, f"CREATE MODEL {name} FROM MODEL M")
    assert [r[1] for r in run(admin, "SHOW MODELS IN SCHEMA D.S LIMIT 2")] == ["A", "B"]
    assert [r[1] for r in run(admin, "SHOW MODELS IN SCHEMA D.S LIMIT 2 FROM 'B'")] == ["B", "C"]
    assert [r[1] for r in run(admin, "SHOW MODELS LIKE '%' STARTS WITH 'C' LIMIT 5 FROM 'A'")] == ["C"]


@pytest.mark.parametrize("sql", [
    "CREATE MODEL {long} FROM MODEL M",
    "ALTER MODEL M ADD VERSION {long} FROM MODEL M",
    "ALTER MODEL M VERSION V1 SET ALIAS = {long}",
    "SELECT MODEL(M, {long})!PREDICT(1.0, 2.0)",
])
def test_registry_names_are_at_most_255_characters(admin: Any, sql: str) -> None:
    """https://docs.snowflake.com/en/sql-reference/identifiers-syntax: identifiers hold at most 255 characters."""
    assert "maximum length is 255" in error(admin, sql.format(long="X" * 256)).msg
    assert [r[1] for r in run(admin, "SHOW VERSIONS IN MODEL M")] == ["V1", "V2"]
    assert [r[2] for r in run(admin, "SHOW VERSIONS IN MODEL M")] == ['["DEFAULT","FIRST"]', '["LAST"]']


def test_revoke_ownership_on_future_models_withdraws_the_future_grant(admin: Any) -> None:
    run(admin, "GRANT OWNERSHIP ON FUTURE MODELS IN SCHEMA D.S TO ROLE prod")
    run(admin, "CREATE MODEL F1 FROM MODEL M")
    run(admin, "REVOKE OWNERSHIP ON FUTURE MODELS IN SCHEMA D.S FROM ROLE prod")
    assert run(admin, "SHOW FUTURE GRANTS IN SCHEMA D.S") == []
    run(admin, "CREATE MODEL F2 FROM MODEL M")
    assert {r[1]: r[6] for r in run(admin, "SHOW MODELS LIKE 'F_'")} == {"F1": "PROD", "F2": "ACCOUNTADMIN"}
    assert error(admin, "REVOKE OWNERSHIP ON MODEL F2 FROM ROLE prod").errno == 2000


def test_identifier_of_a_variable_holding_a_qualified_name(admin: Any) -> None:
    """https://docs.snowflake.com/en/sql-reference/identifier-literal: `$db.schema.object` names an object."""
    run(admin, "CREATE DATABASE E")
    run(admin, "USE SCHEMA E.PUBLIC")
    run(admin, "SET m = 'D.S.M'")
    run(admin, "SET dotted = '\"D\".S.\"M\"'")
    assert [r[1] for r in run(admin, "SHOW VERSIONS IN MODEL IDENTIFIER($m)")] == ["V1", "V2"]
    assert [r[1] for r in run(admin, "SHOW VERSIONS IN MODEL IDENTIFIER($dotted)")] == ["V1", "V2"]
    run(admin, "CREATE MODEL N FROM MODEL IDENTIFIER($m)")
    assert [r[3:5] for r in run(admin, "SHOW MODELS LIKE 'N' IN ACCOUNT")] == [("E", "PUBLIC")]
    run(admin, "SET s = 'D.S'")
    assert [r[1] for r in run(admin, "SHOW MODELS IN SCHEMA IDENTIFIER($s)")] == ["M"]
    # A variable holding a name with a dot inside quotes stays one name.
    run(admin, "SET odd = '\"a.b\"'")
    assert "'E.PUBLIC.\"a.b\"'" in error(admin, "DROP MODEL IDENTIFIER($odd)").msg


def test_quoted_identifiers_ignore_case_true_is_refused_not_ignored(admin: Any) -> None:
    with pytest.raises(snowreg.NotSupportedError, match="QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE"):
        run(admin, "ALTER SESSION SET QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE")
    with pytest.raises(snowreg.NotSupportedError):
        snowreg.connect(session_parameters={"QUOTED_IDENTIFIERS_IGNORE_CASE": True})
    run(admin, 'CREATE MODEL "lower" FROM MODEL M')
    assert [r[1] for r in run(admin, "SHOW MODELS")] == ["M", "lower"]


@pytest.mark.parametrize("args", ["*", "T.*"])
def test_a_method_called_with_a_star_is_refused_as_not_supported(admin: Any, args: str) -> None:
    run(admin, "CREATE TABLE T (X1 FLOAT, X2 FLOAT)")
    with pytest.raises(snowreg.NotSupportedError, match=r"called with \* as its arguments"):
        run(admin, f"SELECT M!PREDICT({args}) FROM T")


def test_identifier_of_a_null_variable_names_nothing(admin: Any) -> None:
    run(admin, "ALTER MODEL M ADD VERSION NONE FROM MODEL M")
    run(admin, "SET v = NULL")
    assert "is NULL" in error(admin, "SELECT MODEL(M, IDENTIFIER($v))!PREDICT(1.0, 2.0)").msg
    assert "is NULL" in error(admin, "SHOW VERSIONS IN MODEL IDENTIFIER($v)").msg


def test_manage_grants_lists_versions_and_functions_but_does_not_call(admin: Any) -> None:
    """SHOW VERSIONS / FUNCTIONS IN MODEL: MANAGE GRANTS "implicitly allows its holder to see every object"."""
    run(admin, "GRANT OWNERSHIP ON MODEL M TO ROLE prod")  # ACCOUNTADMIN keeps no privilege on M
    assert [r[1] for r in run(admin, "SHOW VERSIONS IN MODEL M")] == ["V1", "V2"]
    assert [r[1] for r in run(admin, "SHOW FUNCTIONS IN MODEL M")] == ["PREDICT"]
    assert error(admin, "SELECT M!PREDICT(1.0, 2.0)").errno == 3001
    assert error(admin, "ALTER MODEL M SET COMMENT = 'x'").errno == 3001
