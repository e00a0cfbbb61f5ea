"""Registries written by an older snowreg, brought to the current schema version when they are opened."""

from __future__ import annotations

import duckdb

from snowreg import errors

SCHEMA_VERSION = "3"


def _key_files(db: duckdb.DuckDBPyConnection) -> None:
    """1 → 2: snowreg.files gains its key (owner_kind, owner_id, path), by a rebuild (DuckDB adds a key
    to a table only outside a transaction). A path stored twice for one owner keeps its latest row."""
    db.execute("CREATE TABLE snowreg.files_keyed (owner_kind VARCHAR NOT NULL, owner_id BIGINT NOT NULL, "
               "path VARCHAR NOT NULL, sha VARCHAR NOT NULL, size BIGINT NOT NULL, md5 VARCHAR NOT NULL, "
               "last_modified TIMESTAMPTZ NOT NULL, PRIMARY KEY (owner_kind, owner_id, path))")
    db.execute("INSERT INTO snowreg.files_keyed SELECT owner_kind, owner_id, path, sha, size, md5, last_modified "
               "FROM snowreg.files QUALIFY row_number() OVER (PARTITION BY owner_kind, owner_id, path "
               "ORDER BY last_modified DESC) = 1")
    db.execute("DROP TABLE snowreg.files")
    db.execute("ALTER TABLE snowreg.files_keyed RENAME TO files")


def _named_tag_references(db: duckdb.DuckDBPyConnection) -> None:
    """2 → 3: snowreg.tag_references names the databases, schemas, tables, views and columns tags are set on
    (models keep their id)."""
    for column in ("object_database", "object_schema", "object_name", "column_name"):
        db.execute(f"ALTER TABLE snowreg.tag_references ADD COLUMN IF NOT EXISTS {column} VARCHAR DEFAULT ''")


_STEPS = {"1": ("2", _key_files), "2": ("3", _named_tag_references)}  # from version → (to version, the step)


def migrate(db: duckdb.DuckDBPyConnection) -> None:
    """Record the schema version of new registry tables, or bring older ones up to it (one transaction);
    a registry of a newer snowreg is refused."""
    row = db.execute("SELECT value FROM snowreg.meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        db.execute("INSERT INTO snowreg.meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        return
    version = str(row[0])
    if version == SCHEMA_VERSION:
        return
    if version not in _STEPS:
        raise errors.OperationalError(
            f"registry schema version {version} is not supported (expected {SCHEMA_VERSION})")
    db.execute("BEGIN TRANSACTION")
    try:
        while version != SCHEMA_VERSION:
            version, step = _STEPS[version]
            step(db)
        db.execute("UPDATE snowreg.meta SET value = ? WHERE key = 'schema_version'", [version])
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
