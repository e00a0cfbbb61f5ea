"""PUT without OVERWRITE of content the registry already stores (the client uploads the same files for
every version it logs): new paths are stored, existing ones skipped, and what is listed and read back
is each path's own content."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import snowreg


@pytest.mark.parametrize("persistent", [False, True])
def test_known_content_to_new_and_existing_paths(tmp_path: Path, persistent: bool) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("alpha")
    (src / "b.txt").write_text("beta")
    conn = snowreg.connect(database="D", schema="S", path=tmp_path / "reg" if persistent else None)
    cur = conn.cursor()
    cur.execute("CREATE STAGE ST")
    put = f"PUT '{src.as_uri()}/%s' @ST/%s AUTO_COMPRESS = FALSE"
    assert [r[6] for r in cur.execute(put % ("*", "one/")).fetchall()] == ["UPLOADED", "UPLOADED"]
    # the same content again: to a new folder (stored), then to the same one (skipped)
    assert [r[6] for r in cur.execute(put % ("*", "two/")).fetchall()] == ["UPLOADED", "UPLOADED"]
    assert [r[6] for r in cur.execute(put % ("a.txt", "two/")).fetchall()] == ["SKIPPED"]
    (src / "a.txt").write_text("beta")  # now the content of b.txt, already stored
    assert [r[6] for r in cur.execute(put % ("*", "two/")).fetchall()] == ["SKIPPED", "SKIPPED"]
    (src / "c.txt").write_text("alpha")
    assert [(r[0], r[6]) for r in cur.execute(put % ("*", "two/")).fetchall()] == [
        ("a.txt", "SKIPPED"), ("b.txt", "SKIPPED"), ("c.txt", "UPLOADED")]
    listed = {r[0]: (r[1], r[2]) for r in cur.execute("LIST @ST").fetchall()}
    md5 = {text: hashlib.md5(text.encode(), usedforsecurity=False).hexdigest() for text in ("alpha", "beta")}
    assert listed == {"st/one/a.txt": (5, md5["alpha"]), "st/one/b.txt": (4, md5["beta"]),
                      "st/two/a.txt": (5, md5["alpha"]), "st/two/b.txt": (4, md5["beta"]),
                      "st/two/c.txt": (5, md5["alpha"])}
    out = tmp_path / "out"
    cur.execute(f"GET @ST/two/ '{out.as_uri()}'")
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.txt": "alpha", "b.txt": "beta", "c.txt": "alpha"}
    cur.execute(put % ("a.txt", "two/") + " OVERWRITE = TRUE")  # now replaced by "beta"
    assert cur.execute("LIST @ST/two/a.txt").fetchall()[0][1:3] == (4, md5["beta"])
    conn.close()


def test_live_versions_filled_by_put_from_the_same_files(classifier: tuple, tmp_path: Path) -> None:
    """As snowflake-ml-python logs a version: one PUT per file into a live version, without OVERWRITE.
    The second model's files are the first's, so all their content is already stored."""
    from snowreg.packaging import package_model

    x, model = classifier
    files = tmp_path / "version"
    for rel, data in package_model(model, model_name="M", version_name="V1", sample_input_data=x.head(5)).items():
        (files / rel).parent.mkdir(parents=True, exist_ok=True)
        (files / rel).write_bytes(data)
    local = sorted(p for p in files.rglob("*") if p.is_file())
    assert len(local) > 3
    conn = snowreg.connect(database="D", schema="S")
    cur = conn.cursor()
    listings = []
    for name in ("M", "N"):
        cur.execute(f"CREATE MODEL {name} WITH LIVE VERSION L")
        for round_ in range(2):  # the second round finds every file there
            statuses = []
            for path in local:
                folder = path.parent.relative_to(files).as_posix()
                dest = f"snow://model/D.S.{name}/versions/L/" + ("" if folder == "." else folder)
                rows = cur.execute(f"PUT '{path.as_uri()}' '{dest}' AUTO_COMPRESS = FALSE").fetchall()
                statuses += [r[6] for r in rows]
            assert set(statuses) == ({"UPLOADED"} if round_ == 0 else {"SKIPPED"})
        cur.execute(f"ALTER MODEL {name} COMMIT VERSION L RENAME VERSION TO V1")
        listings.append(sorted((r[0].split("/", 1)[1], r[1], r[2])
                               for r in cur.execute(f"LIST 'snow://model/D.S.{name}/versions/V1/'")))
        got = cur.execute(f"SELECT {name}!PREDICT(A, B, C):output_feature_0::INT "
                          "FROM (SELECT 1.0 A, -2.0 B, 0.5 C)").fetchall()
        assert got == [(int(model.predict(x.head(1).assign(A=1.0, B=-2.0, C=0.5))[0]),)]
    assert listings[0] == listings[1]
    conn.close()
