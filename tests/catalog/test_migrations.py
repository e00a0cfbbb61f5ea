"""Registries written by an older snowreg open with the current one: their tables are migrated once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

import snowreg

# snowreg.files as schema version 1 created it: no key, so a path could in principle be stored twice
FILES_V1 = """CREATE TABLE snowreg.files (
    owner_kind VARCHAR NOT NULL, owner_id BIGINT NOT NULL, path VARCHAR NOT NULL, sha VARCHAR NOT NULL,
    size BIGINT NOT NULL, md5 VARCHAR NOT NULL, last_modified TIMESTAMPTZ NOT NULL)"""


def _registry(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path / "registry.duckdb"))


def _as_version_1(path: Path) -> None:
    """Rewrite a closed registry's files table and version as schema version 1 had them, with one stage
    file stored twice (an older row with other content)."""
    db = _registry(path)
    try:
        db.execute("CREATE TABLE snowreg.files_old AS SELECT * FROM snowreg.files")
        db.execute("DROP TABLE snowreg.files")
        db.execute(FILES_V1)
        db.execute("INSERT INTO snowreg.files SELECT * FROM snowreg.files_old")
        db.execute("DROP TABLE snowreg.files_old")
        db.execute("INSERT INTO snowreg.files SELECT owner_kind, owner_id, path, sha, size, 'stale', "
                   "last_modified - INTERVAL 1 DAY FROM snowreg.files WHERE owner_kind = 'stage'")
        db.execute("UPDATE snowreg.meta SET value = '1' WHERE key = 'schema_version'")
    finally:
        db.close()


def _schema(path: Path) -> tuple[str, list[str], int]:
    """(schema version, the files table's constraint kinds, file rows) of a closed registry."""
    db = duckdb.connect(str(path / "registry.duckdb"), read_only=True)
    try:
        version = db.execute("SELECT value FROM snowreg.meta WHERE key = 'schema_version'").fetchone()
        kinds = db.execute("SELECT DISTINCT constraint_type FROM duckdb_constraints() WHERE schema_name = 'snowreg' "
                           "AND table_name = 'files' ORDER BY 1").fetchall()
        count = db.execute("SELECT count(*) FROM snowreg.files").fetchone()
        assert version is not None and count is not None
        return str(version[0]), [str(k[0]) for k in kinds], int(count[0])
    finally:
        db.close()


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    return conn.cursor().execute(sql).fetchall()  # type: ignore[no-any-return]


def test_a_version_1_registry_gains_the_files_key_and_keeps_its_files(tmp_path: Path) -> None:
    path = tmp_path / "reg"
    df = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [2.0, 3.0, 5.0]})
    model = LinearRegression().fit(df, [1.0, 2.0, 3.0])
    (tmp_path / "a.txt").write_text("first")
    with snowreg.connect(database="D", schema="S", path=path) as conn:
        snowreg.Registry(conn).log_model(model, model_name="M", version_name="V1", sample_input_data=df)
        conn.cursor().execute("CREATE STAGE ST")
        conn.cursor().execute(f"PUT '{(tmp_path / 'a.txt').as_uri()}' @ST AUTO_COMPRESS = FALSE")
        model_files = _rows(conn, "LIST 'snow://model/D.S.M/versions/V1/'")
        stage_files = _rows(conn, "LIST @ST")
    rows = _schema(path)[2]
    _as_version_1(path)
    assert _schema(path) == ("1", ["NOT NULL"], rows + 1)

    with snowreg.connect(database="D", schema="S", path=path) as conn:
        assert _rows(conn, "LIST 'snow://model/D.S.M/versions/V1/'") == model_files
        assert _rows(conn, "LIST @ST") == stage_files  # the older duplicate is gone
        x = snowreg.Registry(conn).get_model("M").version("V1").run(df)
        assert list(x.iloc[:, -1].round(6)) == [1.0, 2.0, 3.0]
        (tmp_path / "a.txt").write_text("second")
        put = f"PUT '{(tmp_path / 'a.txt').as_uri()}' @ST AUTO_COMPRESS = FALSE"
        assert _rows(conn, put)[0][6] == "SKIPPED"
        assert _rows(conn, put + " OVERWRITE = TRUE")[0][6] == "UPLOADED"
        assert [r[1] for r in _rows(conn, "LIST @ST")] == [len("second")]
    assert _schema(path) == ("3", ["NOT NULL", "PRIMARY KEY"], rows)


def test_a_registry_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reg"
    snowreg.connect(path=path).close()
    db = _registry(path)
    db.execute("UPDATE snowreg.meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(snowreg.OperationalError, match="schema version 99 is not supported"):
        snowreg.connect(path=path)


def test_a_version_2_registry_names_the_objects_its_tags_are_set_on(tmp_path: Path) -> None:
    """2 → 3: snowreg.tag_references gains the columns naming tables, views, columns, schemas and databases; the
    values set on models stay."""
    path = tmp_path / "reg"
    with snowreg.connect(database="D", schema="S", path=path) as conn:
        _rows(conn, "CREATE TAG LABEL")
        _rows(conn, "CREATE TABLE T (A INT)")
    db = _registry(path)
    try:
        for column in ("object_database", "object_schema", "object_name", "column_name"):
            db.execute(f"ALTER TABLE snowreg.tag_references DROP COLUMN {column}")
        db.execute("INSERT INTO snowreg.tag_references VALUES ('D', 'S', 'LABEL', 'MODULE', 42, 'prod')")
        db.execute("UPDATE snowreg.meta SET value = '2' WHERE key = 'schema_version'")
    finally:
        db.close()
    with snowreg.connect(database="D", schema="S", path=path) as conn:
        _rows(conn, "ALTER TABLE T SET TAG LABEL = 'table'")
        assert _rows(conn, "SELECT SYSTEM$GET_TAG('LABEL', 'T', 'TABLE')") == [("table",)]
    db = duckdb.connect(str(path / "registry.duckdb"), read_only=True)
    try:
        assert db.execute("SELECT value FROM snowreg.meta WHERE key = 'schema_version'").fetchone() == ("3",)
        assert db.execute("SELECT domain, object_id, object_name, value FROM snowreg.tag_references "
                          "ORDER BY domain").fetchall() == [("MODULE", 42, "", "prod"), ("TABLE", 0, "T", "table")]
    finally:
        db.close()
