"""A version made from YAML this process just wrote (taken without parsing it again) is the same as one
made from the same YAML read from disk and parsed, for models with metadata, user files and options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowreg

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")

# what the two versions may differ in: their names, times, and model_spec (the YAML text itself)
VARYING = {"created_on", "name", "model_name", "model_spec", "aliases", "is_default_version", "size"}


def described(conn: Any, sql: str) -> list[dict[str, Any]]:
    cur = conn.cursor().execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def version_facts(conn: Any, model: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    versions = [{k: v for k, v in row.items() if k not in VARYING}
                for row in described(conn, f"SHOW VERSIONS IN MODEL {model}")]
    functions = [{k: v for k, v in row.items() if k != "created_on"}
                 for row in described(conn, f"SHOW FUNCTIONS IN MODEL {model} VERSION V1")]
    return versions, functions


def write(root: Path, files: dict[str, bytes], suffix: bytes = b"") -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data + suffix if rel.endswith((".yml", ".yaml")) else data)


@pytest.mark.parametrize("kind", ["classifier", "options"])
def test_a_version_from_just_written_yaml_is_the_version_from_parsed_yaml(tmp_path: Path, kind: str) -> None:
    from sklearn.linear_model import LogisticRegression

    from snowreg.packaging import package_model

    X = pd.DataFrame({"A": [0.0, 1.0, 2.0, 3.0], "B": [1.0, 0.0, 1.0, 0.5]})
    model = LogisticRegression().fit(X, [0, 1, 0, 1])
    extra: dict[str, Any] = {}
    if kind == "options":
        (tmp_path / "notes.txt").write_text("notes")
        extra = {"user_files": {"docs": [str(tmp_path / "notes.txt")]}, "metadata": {"owner": "team é", "n": 3},
                 "options": {"target_methods": ["predict", "predict_proba"], "relax_version": False},
                 "pip_requirements": ["scikit-learn"], "target_platforms": ["WAREHOUSE"]}
    files = package_model(model, model_name="M", version_name="V1", sample_input_data=X, **extra)
    write(tmp_path / "written", files)  # the same bytes as dumped: taken as they were dumped
    write(tmp_path / "reread", files, suffix=b"# read from disk\n")  # other bytes: parsed
    conn = snowreg.connect(database="DB", schema="S", stage_roots=[tmp_path])
    for name in ("written", "reread"):
        conn.cursor().execute(f"CREATE STAGE {name} URL = '{(tmp_path / name).as_uri()}'")
        conn.cursor().execute(f"CREATE MODEL {name}_m WITH VERSION V1 FROM @{name}")
    conn.cursor().execute("CREATE MODEL again_m WITH VERSION V1 FROM @written")  # taken a second time
    written, reread, again = (version_facts(conn, m) for m in ("written_m", "reread_m", "again_m"))
    assert written == reread == again
    assert written[0] and written[1]
    got = [conn.cursor().execute(f"SELECT {m}!predict(1.0, 0.0):output_feature_0::int").fetchall()
           for m in ("written_m", "reread_m")]
    assert got[0] == got[1] == [(int(model.predict(pd.DataFrame({"A": [1.0], "B": [0.0]}))[0]),)]
