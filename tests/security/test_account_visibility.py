"""What a role without MANAGE GRANTS learns of grants and users it has no part in: SHOW FUTURE GRANTS IN
SCHEMA / DATABASE and SHOW GRANTS ON ACCOUNT list only the rows whose grantee the session's roles could
already see with SHOW GRANTS TO ROLE (its roles and the roles they own; all with MANAGE GRANTS or as the
container's owner), and DROP USER of a user the role may not see answers as for a user nothing has.

https://docs.snowflake.com/en/sql-reference/sql/show-grants, https://docs.snowflake.com/en/sql-reference/sql/drop-user
(OWNERSHIP on the user), https://docs.snowflake.com/en/user-guide/security-access-control-overview (objects a role
holds no privilege on are not visible to it). ALICE's role ANALYST may only use ML and ML.DEV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import snowreg

SETUP = [
    "CREATE ROLE ANALYST", "CREATE ROLE OTHER", "GRANT USAGE ON DATABASE ML TO ROLE ANALYST",
    "GRANT USAGE ON SCHEMA ML.DEV TO ROLE ANALYST", "CREATE USER ALICE DEFAULT_ROLE = ANALYST",
    "GRANT ROLE ANALYST TO USER ALICE", "CREATE USER BOB", "USE SCHEMA ML.DEV",
    "GRANT SELECT ON FUTURE TABLES IN SCHEMA ML.DEV TO ROLE OTHER",
    "GRANT SELECT ON FUTURE TABLES IN DATABASE ML TO ROLE OTHER",
    "GRANT SELECT ON FUTURE VIEWS IN SCHEMA ML.DEV TO ROLE ANALYST",
    "GRANT CREATE DATABASE ON ACCOUNT TO ROLE OTHER", "GRANT CREATE WAREHOUSE ON ACCOUNT TO ROLE ANALYST",
]


@pytest.fixture(scope="module")
def pair(pair_of: Callable[..., Iterator[Any]]) -> Iterator[Any]:
    yield from pair_of(SETUP)


def grantees(conn: Any, sql: str) -> set[str]:
    cur = conn.cursor()
    cur.execute(sql)
    column = [d[0] for d in cur.description].index("grantee_name")
    return {r[column] for r in cur.fetchall()}


@pytest.mark.parametrize("sql", ["SHOW FUTURE GRANTS IN SCHEMA ML.DEV", "SHOW FUTURE GRANTS IN DATABASE ML",
                                 "SHOW GRANTS ON ACCOUNT"])
def test_a_role_sees_only_the_grant_rows_of_roles_it_could_see(pair: Any, sql: str) -> None:
    admin, alice = pair
    assert "OTHER" in grantees(admin, sql)
    seen = grantees(alice, sql)
    assert "OTHER" not in seen
    assert seen <= {"ANALYST", "PUBLIC"}


def test_a_role_sees_its_own_future_and_account_grants(pair: Any) -> None:
    _, alice = pair
    assert grantees(alice, "SHOW FUTURE GRANTS IN SCHEMA ML.DEV") == {"ANALYST"}
    assert "ANALYST" in grantees(alice, "SHOW GRANTS ON ACCOUNT")


@pytest.mark.parametrize("if_exists", [True, False])
def test_drop_user_of_a_hidden_user_answers_as_for_a_missing_one(pair: Any, if_exists: bool) -> None:
    admin, alice = pair
    sql = "DROP USER IF EXISTS {}" if if_exists else "DROP USER {}"
    answers = []
    for name in ("BOB", "NOBODY_HERE"):
        try:
            cur = alice.cursor()
            cur.execute(sql.format(name))
            answers.append(("ok", cur.fetchall()[0][0].replace(name, "N")))
        except snowreg.Error as e:
            answers.append((e.errno, e.msg.replace(name, "N")))
    assert answers[0] == answers[1]
    cur = admin.cursor()
    cur.execute("SHOW USERS LIKE 'BOB'")
    assert len(cur.fetchall()) == 1  # still there


def test_drop_user_of_ones_own_user_without_ownership_is_insufficient_privileges(pair: Any) -> None:
    _, alice = pair
    with pytest.raises(snowreg.Error) as info:
        alice.cursor().execute("DROP USER ALICE")
    assert info.value.errno == 3001
