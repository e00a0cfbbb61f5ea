"""ALTER TABLE … CLUSTER BY (…) | DROP CLUSTERING KEY | SUSPEND RECLUSTER | RESUME RECLUSTER.

https://docs.snowflake.com/en/sql-reference/sql/alter-table (clustering actions) and
https://docs.snowflake.com/en/user-guide/tables-clustering-keys: a key is set, changed or dropped by the
table's owner; SUSPEND / RESUME RECLUSTER turn Automatic Clustering off and on (SHOW TABLES'
`automatic_clustering`). snowreg keeps the key and the switch (engine.sql.clustering; DECISIONS.md S22).
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from snowreg import errors
from snowreg.catalog.relations import list_columns
from snowreg.catalog.tables import Clustering
from snowreg.engine import transaction
from snowreg.engine.resolve import QUALIFIED_NAME, qualified_name
from snowreg.engine.result import Result, status
from snowreg.engine.retention import owned_object
from snowreg.engine.session import Session
from snowreg.engine.sql import clustering

_ALTER = re.compile(rf"\s*ALTER\s+TABLE\s+(?P<if_exists>IF\s+EXISTS\s+)?(?P<name>{QUALIFIED_NAME})\s+"
                    r"(?:CLUSTER\s+BY\s*(?P<key>\(.*\))|(?P<drop>DROP\s+CLUSTERING\s+KEY)|"
                    r"(?P<switch>SUSPEND|RESUME)\s+RECLUSTER)\s*;?\s*", re.I | re.S)


def handles(sql: str) -> bool:
    """Whether an ALTER TABLE is a clustering action `alter` runs (any other goes the plain SQL path)."""
    return "CLUSTER" in sql.upper() and _ALTER.fullmatch(sql) is not None


def alter(session: Session, sql: str) -> Result:
    """Set, drop, suspend or resume a table's clustering key (its owner only; IF EXISTS of a missing table
    does nothing)."""
    m = _ALTER.fullmatch(sql)
    assert m is not None  # handles() said so
    key = _key(m.group("key")) if m.group("key") else None
    place = owned_object(session, "TABLE", qualified_name(m.group("name")), m.group("if_exists") is not None)
    if place is None:
        return status()
    database, schema, name = place
    tables = session.catalog.tables
    if key is not None:
        clustering.check_columns(key, (c.name for c in list_columns(session.catalog.store, database, schema, name)))
        new: Clustering | None = Clustering(clustering.key_text(key))
    elif m.group("drop"):
        new = None
    else:  # SUSPEND / RESUME RECLUSTER of a table without a key changes nothing (DECISIONS.md S22)
        current = tables.clustering(database, schema, name)
        if current is None:
            return status()
        new = Clustering(current.key, m.group("switch").upper() == "SUSPEND")
    transaction.before_plain(session, "ddl")
    tables.set_clustering(database, schema, name, new)
    return status()


def _key(text: str) -> list[exp.Expr]:
    """The expressions of `CLUSTER BY (…)`, read as a CREATE TABLE's would be."""
    try:
        parsed = sqlglot.parse_one(f"CREATE TABLE t (c INT) CLUSTER BY {text}", read="snowflake")
    except ParseError:
        raise errors.syntax_error_detail(f"invalid clustering key {text}") from None
    key = clustering.take_key(parsed) if isinstance(parsed, exp.Create) else None
    if not key:
        raise errors.syntax_error_detail(f"invalid clustering key {text}")
    return key
