"""INFORMATION_SCHEMA.PACKAGES (https://docs.snowflake.com/en/sql-reference/info-schema/packages): the Python
packages a function or procedure may name in PACKAGES, that is those installed where snowreg runs (DECISIONS.md
U32, K63). Snowpark's `add_packages` and `udf(packages=…)`, and snowflake-ml-python's log_model, read it."""

from __future__ import annotations

import re
from functools import cache

from sqlglot import exp, parse_one


@cache
def installed() -> tuple[tuple[str, str], ...]:
    """(name, version) of each distribution installed here, its name normalized as pip writes it (lower case,
    runs of `-`, `_`, `.` as one `-`), sorted; read once per process, when a statement first names the view."""
    from importlib import metadata

    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name, version = dist.metadata["Name"], dist.version
        if name and version:
            found.setdefault(re.sub(r"[-_.]+", "-", name).lower(), version)
    return tuple(sorted(found.items()))


def table(alias: exp.Expr | None) -> exp.Expr:
    """The view as a VALUES subquery (alias: the reference's, else PACKAGES); RUNTIME_VERSION is NULL, as for
    a package of any Python version."""
    def text(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    rows = ", ".join(f"({text(n)}, {text(v)}, 'python', NULL::VARCHAR)" for n, v in installed()) \
        or "(NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR)"
    query = parse_one(f'SELECT * FROM (VALUES {rows}) AS t("PACKAGE_NAME", "VERSION", "LANGUAGE", "RUNTIME_VERSION") '
                      'WHERE "PACKAGE_NAME" IS NOT NULL', read="duckdb")
    return exp.Subquery(this=query, alias=alias or exp.TableAlias(this=exp.Identifier(this="PACKAGES", quoted=True)))
