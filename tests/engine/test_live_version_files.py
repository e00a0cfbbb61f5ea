"""The files PUT into a live version before COMMIT VERSION: found, replaced and removed like stored
files, kept by a failed commit, gone with a dropped model, the same in memory and on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

import snowreg
from snowreg.dbapi import Connection

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


def version_files(fitted: tuple[Any, Any]) -> dict[str, bytes]:
    from snowreg.packaging import package_model

    X, model = fitted
    return package_model(model, model_name="M", version_name="V1", sample_input_data=X)


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def put_files(conn: Connection, root: Path, url: str, overwrite: bool = True) -> list[str]:
    """One PUT per file, as snowflake-ml-python sends them; the statuses of all files."""
    statuses = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.parent.relative_to(root).as_posix()
        dest = url + ("" if rel == "." else rel + "/")
        got = conn.cursor().execute(f"PUT '{path.as_uri()}' '{dest}' auto_compress = False "
                                    f"overwrite = {overwrite}").fetchall()
        statuses += [r[6] for r in got]
    return statuses


def listing(conn: Connection, url: str) -> list[tuple[str, int, str]]:
    return sorted((r[0], r[1], r[2]) for r in conn.cursor().execute(f"LIST '{url}'").fetchall())


def expected(files: dict[str, bytes], base: str) -> list[tuple[str, int, str]]:
    return sorted((base + p, len(c), hashlib.md5(c, usedforsecurity=False).hexdigest()) for p, c in files.items())


@pytest.fixture(params=["memory", "disk"])
def conn(request: pytest.FixtureRequest, tmp_path: Path) -> Connection:
    path = tmp_path / "registry" if request.param == "disk" else None
    c = snowreg.connect(database="DB", schema="S", path=path)
    yield c
    c.close()


def test_files_put_before_commit_are_found_replaced_and_removed(conn: Connection, tmp_path: Path,
                                                               fitted: tuple[Any, Any]) -> None:
    files = version_files(fitted)
    root = write_tree(tmp_path / "v", files)
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_1")
    url = "snow://model/DB.S.M/versions/LIVE_1/"
    assert set(put_files(conn, root, url)) == {"UPLOADED"}
    # again without OVERWRITE: every file is there, none is written
    assert set(put_files(conn, root, url, overwrite=False)) == {"SKIPPED"}
    # a live version is not listed or read before COMMIT (it does not exist for LIST / GET yet)
    with pytest.raises(snowreg.ProgrammingError, match="does not exist"):
        conn.cursor().execute(f"LIST '{url}'")
    # a file removed before COMMIT is not part of the version
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "notes.txt").write_text("scratch")
    conn.cursor().execute(f"PUT '{(tmp_path / 'extra' / 'notes.txt').as_uri()}' '{url}extra/' auto_compress = False")
    removed = conn.cursor().execute(f"REMOVE '{url}extra/'").fetchall()
    assert removed == [("versions/LIVE_1/extra/notes.txt", "removed")]
    assert conn.cursor().execute(f"REMOVE '{url}extra/'").fetchall() == []
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_1 RENAME VERSION TO v1")
    assert listing(conn, "snow://model/DB.S.M/versions/V1/") == expected(files, "versions/V1/")
    out = tmp_path / "got"
    conn.cursor().execute(f"GET 'snow://model/DB.S.M/versions/V1/MANIFEST.yml' '{out.as_uri()}'")
    assert (out / "MANIFEST.yml").read_bytes() == files["MANIFEST.yml"]
    got = conn.cursor().execute("SELECT m!predict(1.0, 1.0):output_feature_0::float").fetchall()
    assert got == [(pytest.approx(5.0),)]


def test_replaced_file_before_commit_is_the_one_committed(conn: Connection, tmp_path: Path,
                                                          fitted: tuple[Any, Any]) -> None:
    files = version_files(fitted)
    root = write_tree(tmp_path / "v", files)
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_1")
    url = "snow://model/DB.S.M/versions/LIVE_1/"
    put_files(conn, root, url)
    commented = files["MANIFEST.yml"] + b"# replaced\n"
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "MANIFEST.yml").write_bytes(commented)
    conn.cursor().execute(f"PUT '{(tmp_path / 'm' / 'MANIFEST.yml').as_uri()}' '{url}' auto_compress = False "
                          "overwrite = True")
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_1")
    out = tmp_path / "got"
    conn.cursor().execute(f"GET '{url}MANIFEST.yml' '{out.as_uri()}'")
    assert (out / "MANIFEST.yml").read_bytes() == commented


def test_a_failed_commit_keeps_the_files_and_a_later_one_uses_them(conn: Connection, tmp_path: Path,
                                                                  fitted: tuple[Any, Any]) -> None:
    files = version_files(fitted)
    broken = {p: c for p, c in files.items() if not p.startswith("functions/")}  # handlers missing
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_1")
    url = "snow://model/DB.S.M/versions/LIVE_1/"
    put_files(conn, write_tree(tmp_path / "broken", broken), url)
    with pytest.raises(snowreg.ProgrammingError, match="is not in the version folder"):
        conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_1")
    assert conn.cursor().execute("SHOW VERSIONS IN MODEL m").fetchall() == []
    # the files PUT before are still there: only the missing handlers are new
    statuses = put_files(conn, write_tree(tmp_path / "whole", files), url, overwrite=False)
    assert statuses.count("UPLOADED") == len(files) - len(broken) and statuses.count("SKIPPED") == len(broken)
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_1")
    assert listing(conn, url) == expected(files, "versions/LIVE_1/")


def test_a_dropped_live_version_leaves_no_files(conn: Connection, tmp_path: Path, fitted: tuple[Any, Any]) -> None:
    files = version_files(fitted)
    root = write_tree(tmp_path / "v", files)
    url = "snow://model/DB.S.M/versions/LIVE_1/"
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_1")
    put_files(conn, root, url)
    conn.cursor().execute("DROP MODEL m")
    conn.cursor().execute("CREATE MODEL m WITH LIVE VERSION live_1")  # the same names again: empty
    assert set(put_files(conn, root, url, overwrite=False)) == {"UPLOADED"}
    conn.cursor().execute("CREATE OR REPLACE MODEL m WITH LIVE VERSION live_1")
    assert set(put_files(conn, root, url, overwrite=False)) == {"UPLOADED"}
    conn.cursor().execute("ALTER MODEL m COMMIT VERSION live_1")
    assert listing(conn, url) == expected(files, "versions/LIVE_1/")


def test_a_failed_log_model_leaves_no_model_version_or_files(conn: Connection, fitted: tuple[Any, Any]) -> None:
    X, model = fitted
    reg = snowreg.Registry(conn, database_name="DB", schema_name="S")
    reg.log_model(model, model_name="M", version_name="V1", sample_input_data=X)
    with pytest.raises(TypeError):  # metrics must be JSON: the version is dropped again
        reg.log_model(model, model_name="M", version_name="V2", sample_input_data=X, metrics={"m": object()})
    with pytest.raises(TypeError):  # the same for a new model
        reg.log_model(model, model_name="N", version_name="V1", sample_input_data=X, metrics={"m": object()})
    assert [r[1] for r in conn.cursor().execute("SHOW MODELS IN SCHEMA DB.S").fetchall()] == ["M"]
    assert [r[1] for r in conn.cursor().execute("SHOW VERSIONS IN MODEL M").fetchall()] == ["V1"]
    with pytest.raises(snowreg.ProgrammingError):
        conn.cursor().execute("LIST 'snow://model/DB.S.M/versions/V2/'")
    # the same names logged again work and hold exactly their own files
    reg.log_model(model, model_name="M", version_name="V2", sample_input_data=X)
    v1 = [r[1:3] for r in listing(conn, "snow://model/DB.S.M/versions/V1/")]
    v2 = [r[1:3] for r in listing(conn, "snow://model/DB.S.M/versions/V2/")]
    assert len(v2) == len(v1) > 3
