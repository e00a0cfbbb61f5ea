"""Stages and files: CREATE STAGE, PUT, GET, LIST, REMOVE over internal stages, local directories and
the files of model versions (`snow://model/<fqn>/versions/<v>/…`)."""

from __future__ import annotations

import glob
import gzip
import hashlib
import os
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

import duckdb

from snowreg import errors
from snowreg.catalog import StageRow
from snowreg.catalog.relations import list_relations
from snowreg.engine.access import privileges
from snowreg.engine.resolve import check_container, find_model, resolve_version
from snowreg.engine.result import Result, from_rows, status
from snowreg.engine.session import Session
from snowreg.grammar import ast
from snowreg.grammar.text import quote_ident

OwnerKind = Literal["stage", "version", "dir", "table", "user"]
Location = tuple[OwnerKind, int | str, str]  # (kind, stage/version id or directory, path prefix)


def local_path(url: str) -> Path:
    """A `file://` URL (or plain path) as a local path."""
    if url.lower().startswith("file://"):
        parsed = urlparse(url)
        return Path(unquote(parsed.netloc + parsed.path))
    return Path(url)


def host_path(session: Session, url: str) -> Path:
    """The local path a PUT reads or a GET writes: any for an in-process session; for a network session
    (`Session.host_files`) only one inside its own folder (links resolved), else 003001."""
    path = local_path(url)
    root = session.host_files
    if root is not None:
        base, found = root.resolve(), path.resolve()
        if found != base and base not in found.parents:
            raise errors.host_path_not_allowed(url)
    return path


def find_stage(session: Session, qn: ast.QualifiedName, action: privileges.StageAction = "read") -> StageRow:
    db, schema, name = session.qualify(qn)
    stage = session.catalog.objects.get_stage(db, schema, name)
    if stage is None or (stage.temporary and stage.session_id not in (None, session.id)):
        raise errors.does_not_exist("Stage", ".".join(quote_ident(p) for p in (db, schema, name)))
    privileges.check_stage(session, stage, action)
    return stage


def confined(path: str) -> str:
    """A path inside a stage: `..`, `.`, absolute and backslash segments would leave it, so they are refused."""
    segments = path.split("/")
    if path.startswith("/") or "\\" in path or "\0" in path or any(s in ("..", ".") for s in segments):
        raise errors.stage_path_outside(path)
    return path


def inside(root: Path, relative: str) -> Path:
    """`root / relative`, refused unless it (symbolic links resolved) stays below `root`."""
    base = root.resolve()
    target = (base / confined(relative)).resolve()
    if target != base and base not in target.parents:
        raise errors.stage_path_outside(relative)
    return target


def stage_directory(session: Session, url: str) -> Path:
    """The local directory of a `file://` stage URL, if the embedding program allows stages there."""
    root = local_path(url).resolve()
    if not session.catalog.store.stage_root_allowed(root):
        raise errors.stage_url_not_allowed(url)
    return root


def _locate(session: Session, ref: ast.StageRef, action: privileges.ModelAction) -> Location:
    confined(ref.path)
    if ref.kind == "model":
        assert ref.name is not None and ref.version is not None
        model = find_model(session, ref.name, action)
        if action == "own":  # PUT / REMOVE change only a live version, before COMMIT VERSION
            live = session.catalog.models.live_version(model.id, ref.version)
            if live is None:
                raise errors.not_supported("Changing the files of a committed model version (PUT and REMOVE "
                                           "write to a live version: ALTER MODEL ... ADD LIVE VERSION)")
            return "version", live.id, ref.path
        version = resolve_version(session, model, ref.version, at=ref.name.span)  # resolved text, as in the URL
        return "version", version.id, ref.path
    if ref.kind in ("table", "user"):
        key = _implicit_key(session, ref)
        stage_id = session.catalog.loads.implicit_stage(key, make=action == "own")
        return ref.kind, -1 if stage_id is None else stage_id, ref.path  # -1: no file PUT there yet
    assert ref.name is not None
    stage = find_stage(session, ref.name, "write" if action == "own" else "read")
    if stage.url is not None:
        return "dir", str(stage_directory(session, stage.url)), ref.path
    return "stage", stage.id, ref.path


def _implicit_key(session: Session, ref: ast.StageRef) -> tuple[str, str, str, str, str]:
    """The registry key of a user's stage (`@~`: the session's user alone) or a table's (`@%t`: the table's
    OWNERSHIP is needed, https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage)."""
    if ref.kind == "user":
        return "user", "", "", session.user, ""
    assert ref.name is not None
    db, schema, name = session.qualify(ref.name)
    shown = f"{quote_ident(db)}.{quote_ident(schema)}.%{name}"
    relation = next(iter(list_relations(session.catalog.store, db, schema, name)), None)
    if relation is None or relation.kind != "TABLE" or privileges.others_temporary(session, db, schema, name):
        raise errors.does_not_exist("Stage", shown)
    a = privileges.access(session)
    held = a.held(("TABLE", db, schema, name), relation.owner) if a.schema_usable(db, schema) else frozenset()
    if "OWNERSHIP" not in held:
        if held or a.manage_grants:
            raise errors.insufficient_privileges("table", name)
        raise errors.does_not_exist("Stage", shown)
    return "table", db, schema, name, str(relation.created_on)


def locate_for_read(session: Session, ref: ast.StageRef) -> Location:
    return _locate(session, ref, "read")


def as_dir(prefix: str) -> str:
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def read_tree(session: Session, kind: OwnerKind, owner: int | str, prefix: str) -> dict[str, bytes]:
    """The files below a directory prefix, keyed by their path relative to it."""
    prefix = as_dir(prefix)
    if kind == "dir":
        root = inside(Path(str(owner)), prefix) if prefix else Path(str(owner))
        if not root.is_dir():
            return {}
        return {rel: p.read_bytes() for rel, p in _dir_files(Path(str(owner)), root)}
    assert isinstance(owner, int)
    files = session.catalog.files.read_files(kind, owner, prefix)
    return {path[len(prefix):]: data for path, data in files.items()}


def _dir_files(stage_root: Path, root: Path) -> list[tuple[str, Path]]:
    """(path relative to `root`, file) of the regular files below `root` that resolve inside the stage."""
    base = stage_root.resolve()
    found = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and base in p.resolve().parents:
            found.append((p.relative_to(root).as_posix(), p))
    return found


# ---------------------------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------------------------


def create_stage(session: Session, stmt: ast.CreateStage) -> Result:
    db, schema, name = session.qualify(stmt.name)
    if session.catalog.databases.get_schema(db, schema) is None:
        raise errors.does_not_exist("Schema", f"{quote_ident(db)}.{quote_ident(schema)}")
    existing = session.catalog.objects.get_stage(db, schema, name)
    if existing is not None:
        privileges.check_create_before_telling(session, db, schema, "STAGE", privileges.can_see_stage(session, existing))
        if stmt.if_not_exists:
            return status(f"{name} already exists, statement succeeded.")
        if not stmt.or_replace:
            raise errors.already_exists("Object", name)
    privileges.check_create_in_schema(session, db, schema, "STAGE")
    url = stmt.url
    if url is not None:
        if not url.lower().startswith("file://"):
            raise errors.not_supported(f"Stage URL '{url}' (only file:// local directories are)")
        if session.host_files is not None:  # a folder of the server's host, named over the network
            raise errors.host_path_not_allowed(url)
        stage_directory(session, url)  # a folder that does not exist yet is an empty stage; PUT creates it
    from snowreg.engine import stage_properties

    copy_options = stage_properties.checked(stmt.options)  # checked (with ENCRYPTION, DIRECTORY) before any change
    file_format = next((v for k, v in stmt.options if k.upper() == "FILE_FORMAT"), None)
    comment = next((string_value(v) for k, v in stmt.options if k.upper() == "COMMENT"), None)
    with session.catalog.store.transaction():
        if existing is not None:
            session.catalog.drop_stage(existing.id)
        stage_id = session.catalog.create_stage(db, schema, name, session.role, url, stmt.temporary,
                                                session.id if stmt.temporary else None, comment)
        if file_format is not None:  # checked and kept with the stage: COPY and staged-file queries read it
            from snowreg.engine.loading import file_formats

            file_formats.set_stage_format(session, stage_id, file_format)
        if copy_options:  # COPY INTO <table> from the stage applies them under its own
            session.catalog.loads.set_stage_copy_options(stage_id, copy_options)
    return status(f"Stage area {quote_ident(name)} successfully created.")


def string_value(text: str) -> str:
    """An option's string literal as text (`'it''s'` → `it's`); any other value as written."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'").replace("\\'", "'")
    return text


def drop_stage(session: Session, stmt: ast.DropStage) -> Result:
    try:
        stage = find_stage(session, stmt.name, "own")
    except errors.ProgrammingError as e:
        if stmt.if_exists and e.errno == 2003:
            check_container(session, *session.qualify(stmt.name)[:2])
            return status()
        raise
    session.catalog.drop_stage(stage.id)
    return status(f"{quote_ident(stage.name)} successfully dropped.")


def _option(options: tuple[tuple[str, str], ...], key: str, default: str) -> str:
    for k, v in options:
        if k.upper() == key:
            return v.strip("'\"").upper()
    return default


def put(session: Session, stmt: ast.Put) -> Result:
    kind, owner, prefix = _locate(session, stmt.stage, "own")
    if session.upload_stream is not None:  # the stream's bytes, under the name the PUT gives (DECISIONS.md K62)
        streamed = session.upload_stream.read()
        sources = [(os.path.basename(str(local_path(stmt.local))), bytes(streamed, "utf-8")
                    if isinstance(streamed, str) else bytes(streamed))]
    else:
        found = sorted(str(host_path(session, s)) for s in glob.glob(str(host_path(session, stmt.local))))
        sources = [(os.path.basename(source), Path(source).read_bytes()) for source in found]
    if not sources:
        raise errors.local_file_missing(str(local_path(stmt.local)))
    compress = _option(stmt.options, "AUTO_COMPRESS", "TRUE") == "TRUE"
    overwrite = _option(stmt.options, "OVERWRITE", "FALSE") == "TRUE"
    read = []
    for name, data in sources:
        stored, target = (gzip.compress(data, mtime=0), name + ".gz") if compress else (data, name)
        read.append((name, target, data, stored))
    if kind == "dir":
        written = [_write_local(Path(str(owner)), as_dir(prefix) + target, stored, overwrite)
                   for _, target, _, stored in read]
    else:  # every file of one PUT in one catalog transaction
        assert isinstance(owner, int)
        written = session.catalog.files.write_files(kind, owner, [(as_dir(prefix) + t, s) for _, t, _, s in read], overwrite)
    rows = [(name, target, len(data), len(stored), "NONE", "GZIP" if compress else "NONE",
             "UPLOADED" if ok else "SKIPPED", "") for (name, target, data, stored), ok in zip(read, written, strict=True)]
    names = ["source", "target", "source_size", "target_size", "source_compression", "target_compression",
             "status", "message"]
    return from_rows(names, rows, ["TEXT", "TEXT", "FIXED", "FIXED", "TEXT", "TEXT", "TEXT", "TEXT"])


def _write_local(root: Path, path: str, stored: bytes, overwrite: bool) -> bool:
    """One file into a directory stage; False when it exists and `overwrite` is off."""
    dest = inside(root, path)
    if not overwrite and dest.exists():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(stored)
    return True


def _listing(session: Session, ref: ast.StageRef, pattern: str | None,
             action: privileges.ModelAction) -> tuple[Location, list[tuple[str, int, str, object]]]:
    """((kind, owner, prefix), [(path, size, md5, last_modified)]) of the files a location names."""
    loc = _locate(session, ref, action)
    kind, owner, prefix = loc
    if kind == "dir":
        root = Path(str(owner))
        entries = []
        for rel, p in _dir_files(root, root):
            if rel.startswith(prefix):
                data = p.read_bytes()
                entries.append((rel, len(data), hashlib.md5(data).hexdigest(), _mtime(p)))
    else:
        assert isinstance(owner, int)
        entries = list(session.catalog.files.list_files(kind, owner, prefix))  # type: ignore[arg-type]
    if pattern is not None:
        keep = set(matching(session, pattern, [e[0] for e in entries]))
        entries = [e for e in entries if e[0] in keep]
    return loc, entries


def matching(session: Session, pattern: str, names: list[str]) -> list[str]:
    """The names a PATTERN matches whole, by RE2 (DuckDB's regex engine): linear time, so no pattern
    can hang the statement as a backtracking engine would on `(a+)+$`."""
    if not names:
        names = [""]  # still compile the pattern: a bad one is an error even on an empty stage
    try:
        rows = session.catalog.store.data_query("SELECT list_filter(?::VARCHAR[], lambda x: regexp_full_match(x, ?))",
                                          [names, pattern])
    except duckdb.InvalidInputException as e:
        raise errors.invalid_regex(pattern, str(e).split(":")[-1].strip()) from None
    return [n for n in rows[0][0] if n]


def _mtime(p: Path) -> object:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(p.stat().st_mtime, UTC)


def list_files(session: Session, stmt: ast.ListFiles) -> Result:
    (kind, _, _), entries = _listing(session, stmt.stage, stmt.pattern, "read")
    base = _display_base(stmt.stage)
    rows = [(base + path, size, md5, _http_date(ts)) for path, size, md5, ts in entries]
    return from_rows(["name", "size", "md5", "last_modified"], rows, ["TEXT", "FIXED", "TEXT", "TEXT"])


def _display_base(ref: ast.StageRef) -> str:
    if ref.kind == "model":
        return f"versions/{ref.version}/"
    if ref.kind in ("table", "user"):
        return ""  # a table's or user's stage lists its paths alone (UNCERTAIN)
    assert ref.name is not None
    return f"{str(ref.name.name).lower()}/"


def _http_date(ts: object) -> str:
    from datetime import datetime

    return ts.strftime("%a, %d %b %Y %H:%M:%S GMT") if isinstance(ts, datetime) else str(ts)


def get(session: Session, stmt: ast.Get) -> Result:
    (kind, owner, prefix), entries = _listing(session, stmt.stage, stmt.pattern, "read")
    target = host_path(session, stmt.local)
    target.mkdir(parents=True, exist_ok=True)
    rows = []
    for path, size, _, _ in entries:
        data = read_tree(session, kind, owner, "").get(path) if kind == "dir" else \
            session.catalog.files.read_files(kind, owner, path).get(path)  # type: ignore[arg-type]
        if data is None:
            continue
        (target / os.path.basename(path)).write_bytes(data)
        rows.append((os.path.basename(path), size, "DOWNLOADED", ""))
    return from_rows(["file", "size", "status", "message"], rows, ["TEXT", "FIXED", "TEXT", "TEXT"])


def remove(session: Session, stmt: ast.RemoveFiles) -> Result:
    loc, entries = _listing(session, stmt.stage, stmt.pattern, "own")
    paths = [e[0] for e in entries]
    remove_paths(session, loc, paths)
    base = _display_base(stmt.stage)
    return from_rows(["name", "result"], [(base + p, "removed") for p in paths], ["TEXT", "TEXT"])


# ---------------------------------------------------------------------------------------------
# What loading statements read (engine.loading): a location's files, one file, removing loaded files
# ---------------------------------------------------------------------------------------------


def files_at(session: Session, ref: ast.StageRef, pattern: str | None = None
             ) -> tuple[Location, list[tuple[str, int, str, object]]]:
    """((kind, owner, prefix), [(path in the stage, size, md5, last_modified)]) of a location READ may see."""
    return _listing(session, ref, pattern, "read")


def read_file(session: Session, loc: Location, path: str) -> bytes | None:
    """One file of a location by its path in the stage (None if it is gone)."""
    kind, owner, _ = loc
    if kind == "dir":
        target = inside(Path(str(owner)), path)
        return target.read_bytes() if target.is_file() else None
    assert isinstance(owner, int)
    return session.catalog.files.read_files(kind, owner, path).get(path)


def remove_paths(session: Session, loc: Location, paths: list[str]) -> None:
    """REMOVE, and COPY's PURGE (the files it loaded): the files go from the stage."""
    kind, owner, _ = loc
    if kind == "dir":
        for p in paths:
            inside(Path(str(owner)), p).unlink(missing_ok=True)
    else:
        assert isinstance(owner, int)
        session.catalog.files.remove_files(kind, owner, paths)


def stage_row(session: Session, ref: ast.StageRef) -> StageRow | None:
    """The named stage a reference names (after a check of it), None for other locations."""
    if ref.kind != "named" or ref.name is None:
        return None
    return session.catalog.objects.get_stage(*session.qualify(ref.name))


def write_location(session: Session, ref: ast.StageRef) -> tuple[Location, list[str]]:
    """(the location, the paths in the stage below it) of a location WRITE may change (COPY INTO @stage)."""
    loc = _locate(session, ref, "own")
    kind, owner, prefix = loc
    if kind == "dir":
        return loc, [rel for rel, _ in _dir_files(Path(str(owner)), Path(str(owner))) if rel.startswith(prefix)]
    assert isinstance(owner, int)
    return loc, [e[0] for e in session.catalog.files.list_files(kind, owner, prefix)]


def write_paths(session: Session, loc: Location, files: list[tuple[str, bytes]]) -> None:
    kind, owner, _ = loc
    if kind == "dir":
        for path, data in files:
            _write_local(Path(str(owner)), path, data, True)
    else:
        assert isinstance(owner, int)
        session.catalog.files.write_files(kind, owner, [(confined(p), d) for p, d in files], True)


# SHOW STAGES (https://docs.snowflake.com/en/sql-reference/sql/show-stages; the columns of the 2023_06 bundle,
# https://docs.snowflake.com/en/release-notes/bcr-bundles/2023_06/bcr-1131): conformance/DECISIONS.md S60.
SHOW_STAGES_COLUMNS = ["created_on", "name", "database_name", "schema_name", "url", "has_credentials",
                       "has_encryption_key", "owner", "comment", "region", "type", "cloud", "notification_channel",
                       "storage_integration", "endpoint", "owner_role_type", "directory_enabled"]
_TERSE_COLUMNS = ["created_on", "name", "kind", "database_name", "schema_name"]


def show(session: Session, stmt: ast.ShowObjects, database: str | None, schema: str | None) -> Result:
    """SHOW [TERSE] STAGES [LIKE] [IN …] [STARTS WITH] [LIMIT … FROM]: the stages of the container (the
    current schema by default) the roles hold a privilege on, this session's temporary ones among them,
    in name order."""
    from snowreg.engine.show import page
    from snowreg.grammar.text import like

    if stmt.scope in ("TABLE", "VIEW") or stmt.history:
        raise errors.compilation_error(f"{'HISTORY' if stmt.history else 'IN ' + str(stmt.scope)} is not valid "
                                       "for SHOW STAGES.")
    found = [st for st in session.catalog.objects.list_stages(session.id)
             if (database is None or st.database_name == database) and (schema is None or st.schema_name == schema)
             and like(stmt.like, st.name) and privileges.can_see_stage(session, st)]
    found.sort(key=lambda st: (st.name, st.database_name, st.schema_name))
    found = page(found, lambda st: st.name, stmt.starts_with, stmt.limit, stmt.limit_from)
    if stmt.terse:
        return from_rows(_TERSE_COLUMNS, [(st.created_on, st.name, "STAGE", st.database_name, st.schema_name)
                                          for st in found], ["TIMESTAMP_LTZ", "TEXT", "TEXT", "TEXT", "TEXT"])
    rows = [(st.created_on, st.name, st.database_name, st.schema_name, st.url or "", "N", "N", st.owner or "",
             st.comment or "", None, ("EXTERNAL" if st.url else "INTERNAL") + (" TEMPORARY" if st.temporary else ""),
             None, None, None, None, "ROLE" if st.owner else None, "N") for st in found]
    return from_rows(SHOW_STAGES_COLUMNS, rows, ["TIMESTAMP_LTZ", *["TEXT"] * 16])
