"""CREATE MODEL / ADD VERSION ... FROM @stage check the version folder when they run: MANIFEST.yml,
model/model.yaml and every file they name; a folder that could not be called is refused then, with a
message naming the missing file, and nothing is created."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    from sklearn.linear_model import LinearRegression

    from snowreg.packaging import package_model

    X = pd.DataFrame({"X1": [0.0, 1.0, 2.0], "X2": [1.0, 0.0, 1.0]})
    files = package_model(LinearRegression().fit(X, X["X1"]), model_name="M", version_name="V1",
                          sample_input_data=X)
    root = tmp_path / "v"
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def upload(conn: Any, root: Path, skip: str | None, where: str) -> None:
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if skip is not None and rel.startswith(skip):
            continue
        folder = rel.rpartition("/")[0]
        conn.cursor().execute(f"PUT '{path.as_uri()}' @st/{where}/{folder + '/' if folder else ''} "
                              "auto_compress = false")


@pytest.mark.parametrize(("skip", "message"), [
    ("MANIFEST.yml", "MANIFEST.yml is missing"),
    ("model/model.yaml", "model/model.yaml is missing"),
    ("functions/", "functions/predict.py (the handler of method PREDICT"),
    ("model/models/", "model/models/M/model.pkl (the file of model M in model/model.yaml)"),
    ("runtimes/", "runtimes/python_runtime/env/conda.yml (the conda dependencies of runtime python_runtime)"),
])
def test_an_incomplete_folder_is_refused_at_create_time(folder: Path, skip: str, message: str) -> None:
    conn = snowreg.connect(database="DB", schema="S")
    conn.cursor().execute("CREATE STAGE st")
    upload(conn, folder, None, "good")
    upload(conn, folder, skip, "bad")
    with pytest.raises(snowreg.ProgrammingError) as info:
        conn.cursor().execute("CREATE MODEL m WITH VERSION v1 FROM @st/bad")
    assert info.value.errno == 2000 and message in info.value.msg
    assert conn.cursor().execute("SHOW MODELS").fetchall() == []
    conn.cursor().execute("CREATE MODEL m WITH VERSION v1 FROM @st/good")
    with pytest.raises(snowreg.ProgrammingError, match="Invalid model version"):
        conn.cursor().execute("ALTER MODEL m ADD VERSION v2 FROM @st/bad")
    assert [r[1] for r in conn.cursor().execute("SHOW VERSIONS IN MODEL m").fetchall()] == ["V1"]
    got = conn.cursor().execute("SELECT m!predict(2.0, 0.0):output_feature_0::float").fetchall()
    assert got == [(pytest.approx(2.0),)]
