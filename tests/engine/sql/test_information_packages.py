"""INFORMATION_SCHEMA.PACKAGES lists the Python distributions installed where snowreg runs: what PACKAGES of a
Python function or procedure may name (DECISIONS.md U32, K63), and what Snowpark's add_packages and
udf(packages=…) look up (https://docs.snowflake.com/en/sql-reference/info-schema/packages)."""

from __future__ import annotations

from importlib import metadata
from typing import Any


def test_installed_distributions_are_listed(cur: Any) -> None:
    cur.execute("SELECT package_name, version, language, runtime_version FROM information_schema.packages "
                "WHERE package_name IN ('duckdb', 'sqlglot') AND language = 'python' ORDER BY 1")
    assert cur.fetchall() == [("duckdb", metadata.version("duckdb"), "python", None),
                              ("sqlglot", metadata.version("sqlglot"), "python", None)]
    assert [d[0] for d in cur.description] == ["PACKAGE_NAME", "VERSION", "LANGUAGE", "RUNTIME_VERSION"]


def test_names_are_normalized_and_absent_ones_missing(cur: Any) -> None:
    cur.execute("SELECT COUNT(*) FROM test_db.information_schema.packages p WHERE p.package_name = 'no-such-package-here'")
    assert cur.fetchall() == [(0,)]
    cur.execute("SELECT COUNT(*) FROM information_schema.packages WHERE package_name <> LOWER(package_name) "
                "OR package_name LIKE '%\\\\_%' ESCAPE '\\\\'")
    assert cur.fetchall() == [(0,)]
