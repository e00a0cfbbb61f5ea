"""SHOW commands of Snowflake objects snowreg does not emulate are refused as not supported, naming the
command, rather than reported as a syntax error in valid SQL (DECISIONS.md K64; the SHOW commands of
https://docs.snowflake.com/en/sql-reference/sql/show)."""

from __future__ import annotations

import pytest

import snowreg


@pytest.mark.parametrize(("sql", "named"), [
    ("SHOW PIPES", "SHOW PIPES"),
    ("show terse pipes like 'p%' in schema d.s", "SHOW PIPES"),
    ("SHOW INTEGRATIONS", "SHOW INTEGRATIONS"),
    ("SHOW STORAGE INTEGRATIONS", "SHOW STORAGE INTEGRATIONS"),
    ("SHOW MASKING POLICIES IN ACCOUNT", "SHOW MASKING POLICIES"),
    ("SHOW ROW ACCESS POLICIES", "SHOW ROW ACCESS POLICIES"),
    ("SHOW EXTERNAL TABLES", "SHOW EXTERNAL TABLES"),
    ("SHOW SHARES", "SHOW SHARES"),
    ("SHOW DATABASE ROLES IN DATABASE d", "SHOW DATABASE ROLES"),
])
def test_refused_by_name(sql: str, named: str) -> None:
    with pytest.raises(snowreg.NotSupportedError) as caught:
        snowreg.connect().cursor().execute(sql)
    assert (caught.value.errno, caught.value.sqlstate) == (2, "0A000")
    assert f"The statement {named} is not supported by snowreg." in caught.value.msg


def test_a_misspelled_show_is_still_a_syntax_error() -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        snowreg.connect().cursor().execute("SHOW TABELS")
    assert caught.value.errno == 1003
