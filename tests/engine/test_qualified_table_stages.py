"""A table stage named with its namespace: `@[<namespace>.]%<table_name>[/<path>]`, the internalStage form of
CREATE MODEL (https://docs.snowflake.com/en/sql-reference/sql/create-model), ALTER MODEL … ADD VERSION
(…/alter-model-add-version), LIST, PUT and COPY INTO. Only `@%t` and `@%db.s.t` were read: `@s.%t` and
`@db.s.%t` were syntax errors at the dot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import snowreg

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "conformance"))
from backends import train, write_version_dir  # noqa: E402  (the runner's version folder)


@pytest.fixture
def cur(tmp_path: Path) -> Any:
    cursor = snowreg.connect().cursor()
    cursor.execute("CREATE DATABASE qs")
    cursor.execute("CREATE SCHEMA qs.other")
    cursor.execute("CREATE TABLE qs.other.t (id INT, name VARCHAR)")
    cursor.execute("USE SCHEMA qs.public")
    cursor.tmp = tmp_path
    return cursor


@pytest.mark.parametrize("where", ["@qs.other.%t", "@other.%t", '@"QS"."OTHER".%"T"'])
def test_put_list_and_copy_through_a_qualified_table_stage(cur: Any, where: str) -> None:
    path = cur.tmp / "a.csv"
    path.write_text("1,x\n2,y\n")
    assert cur.execute(f"PUT '{path.as_uri()}' {where}").fetchall()[0][6] == "UPLOADED"
    assert [r[0] for r in cur.execute(f"LIST {where}").fetchall()] == ["a.csv.gz"]
    assert [r[0] for r in cur.execute("LIST @qs.other.%t").fetchall()] == ["a.csv.gz"]
    rows = cur.execute(f"COPY INTO qs.other.t FROM {where}").fetchall()
    assert [(r[1], r[3]) for r in rows] == [("LOADED", 2)]
    assert cur.execute("SELECT id, name FROM qs.other.t ORDER BY id").fetchall() == [(1, "x"), (2, "y")]


def test_a_model_is_created_from_a_qualified_table_stage(cur: Any) -> None:
    model, _, methods = train("regressor")
    root = cur.tmp / "vdir"
    write_version_dir(root, model, methods, "regressor")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.parent.relative_to(root).as_posix()
        dest = "@qs.other.%t/vdir/" + ("" if rel == "." else rel + "/")
        cur.execute(f"PUT '{path.as_uri()}' '{dest}' auto_compress = False")
    cur.execute("CREATE MODEL m WITH VERSION v1 FROM @qs.other.%t/vdir")
    cur.execute("ALTER MODEL m ADD VERSION v2 FROM @other.%t/vdir")
    assert [r[1] for r in cur.execute("SHOW VERSIONS IN MODEL m").fetchall()] == ["V1", "V2"]
    assert cur.execute("SELECT MODEL(m, v2)!predict(1.0, 1.0):output_feature_0::INT").fetchall() == [(5,)]


def test_a_qualified_table_stage_of_a_missing_table_does_not_exist(cur: Any) -> None:
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("LIST @other.%nosuch")
    assert caught.value.errno == 2003
    with pytest.raises(snowreg.ProgrammingError) as caught:
        cur.execute("LIST @a.b.c.%t")
    assert caught.value.errno == 1003
