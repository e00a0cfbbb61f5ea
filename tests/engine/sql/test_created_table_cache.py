"""A table just created by plain SQL is known as a table without asking DuckDB again: what that
knowledge feeds (its owner grant, DROP TABLE / DROP VIEW, SHOW, IF NOT EXISTS) stays right."""

from __future__ import annotations

from typing import Any

import pytest

import snowreg


def _grants(cur: Any, kind: str, name: str) -> list[tuple[str, str]]:
    cur.execute(f"SHOW GRANTS ON {kind} {name}")
    names = [d.name for d in cur.description]
    return [(r[names.index("privilege")], r[names.index("granted_on")]) for r in cur.fetchall()]


def test_a_created_table_is_a_table_and_a_created_view_a_view(cur: Any) -> None:
    for _ in range(2):
        cur.execute("CREATE TABLE X_ABCDEFGHI1 (A INT)")
        assert _grants(cur, "TABLE", "X_ABCDEFGHI1") == [("OWNERSHIP", "TABLE")]
        assert cur.execute("CREATE TABLE IF NOT EXISTS X_ABCDEFGHI1 (B INT)").fetchall() == [
            ("X_ABCDEFGHI1 already exists, statement succeeded.",)]
        with pytest.raises(snowreg.Error, match="does not exist or not authorized"):
            cur.execute("DROP VIEW X_ABCDEFGHI1")
        cur.execute("DROP TABLE X_ABCDEFGHI1")
        cur.execute("CREATE VIEW X_ABCDEFGHI1 AS SELECT 1 AS A")
        assert _grants(cur, "VIEW", "X_ABCDEFGHI1") == [("OWNERSHIP", "VIEW")]
        with pytest.raises(snowreg.Error, match="does not exist or not authorized"):
            cur.execute("DROP TABLE X_ABCDEFGHI1")
        cur.execute("DROP VIEW X_ABCDEFGHI1")
        cur.execute("CREATE TEMPORARY TABLE X_ABCDEFGHI1 AS SELECT 2 AS B")
        assert cur.execute("SELECT * FROM X_ABCDEFGHI1").fetchall() == [(2,)]
        assert _grants(cur, "TABLE", "X_ABCDEFGHI1") == [("OWNERSHIP", "TABLE")]
        cur.execute("DROP TABLE X_ABCDEFGHI1")


def test_an_existing_view_or_a_missing_name_is_seen_as_such(cur: Any) -> None:
    """DuckDB's tables and views are looked up one after the other (relation_kind): a view is found
    when no table has the name, and a name neither has is missing."""
    cur.execute("CREATE VIEW V_ABCDEFGHI2 AS SELECT 1 AS A")
    assert cur.execute("CREATE TABLE IF NOT EXISTS V_ABCDEFGHI2 (B INT)").fetchall() == [
        ("V_ABCDEFGHI2 already exists, statement succeeded.",)]
    assert cur.execute("SELECT * FROM V_ABCDEFGHI2").fetchall() == [(1,)]
    assert cur.execute("DROP TABLE IF EXISTS N_ABCDEFGHI3").fetchall() == [
        ("Drop statement executed successfully (N_ABCDEFGHI3 already dropped).",)]
    assert cur.execute("DROP VIEW IF EXISTS V_ABCDEFGHI2").fetchall()
    assert cur.execute("CREATE TABLE IF NOT EXISTS V_ABCDEFGHI2 (B INT)").fetchall() == [
        ("Table V_ABCDEFGHI2 successfully created.",)]
