"""PUT of several files at once (a wildcard): every file is stored, each with its own status row."""

from __future__ import annotations

from pathlib import Path

import snowreg


def test_put_wildcard_stores_every_file_and_reports_each(tmp_path: Path) -> None:
    for name, text in [("a.txt", "alpha"), ("b.txt", "beta"), ("c.txt", "")]:
        (tmp_path / name).write_text(text)
    cur = snowreg.connect().cursor()
    cur.execute("CREATE DATABASE pm")
    cur.execute("USE SCHEMA pm.public")
    cur.execute("CREATE STAGE s")
    rows = cur.execute(f"PUT '{tmp_path.as_uri()}/*' @s/sub/ AUTO_COMPRESS = FALSE").fetchall()
    assert [(r[0], r[1], r[2], r[6]) for r in rows] == [
        ("a.txt", "a.txt", 5, "UPLOADED"), ("b.txt", "b.txt", 4, "UPLOADED"), ("c.txt", "c.txt", 0, "UPLOADED")]
    listed = sorted((r[0], r[1]) for r in cur.execute("LIST @s").fetchall())
    assert listed == [("s/sub/a.txt", 5), ("s/sub/b.txt", 4), ("s/sub/c.txt", 0)]
    (tmp_path / "a.txt").write_text("changed!")
    (tmp_path / "d.txt").write_text("delta")
    again = cur.execute(f"PUT '{tmp_path.as_uri()}/*' @s/sub/ AUTO_COMPRESS = FALSE").fetchall()
    assert [(r[0], r[6]) for r in again] == [("a.txt", "SKIPPED"), ("b.txt", "SKIPPED"), ("c.txt", "SKIPPED"),
                                             ("d.txt", "UPLOADED")]
    cur.execute(f"PUT '{tmp_path.as_uri()}/a*' @s/sub/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE")
    sizes = dict((r[0], r[1]) for r in cur.execute("LIST @s").fetchall())
    assert sizes == {"s/sub/a.txt": 8, "s/sub/b.txt": 4, "s/sub/c.txt": 0, "s/sub/d.txt": 5}


def test_content_freed_by_remove_is_stored_again_by_a_later_put(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("alpha")
    (tmp_path / "b.txt").write_text("beta")
    out = tmp_path / "out"
    cur = snowreg.connect().cursor()
    cur.execute("CREATE DATABASE pf")
    cur.execute("USE SCHEMA pf.public")
    cur.execute("CREATE STAGE s")
    cur.execute(f"PUT '{tmp_path.as_uri()}/*.txt' @s/ AUTO_COMPRESS = FALSE")
    cur.execute("REMOVE @s/a.txt")  # its content is used by no other file: freed
    cur.execute(f"PUT '{tmp_path.as_uri()}/*.txt' @s/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE")
    listed = sorted((r[0], r[1], r[2]) for r in cur.execute("LIST @s").fetchall())
    assert listed == [("s/a.txt", 5, "2c1743a391305fbf367df8e4f069f9f9"),
                      ("s/b.txt", 4, "987bcab01b929eb2c07877b224215c92")]
    cur.execute(f"GET @s/a.txt '{out.as_uri()}/'")
    assert (out / "a.txt").read_text() == "alpha"
