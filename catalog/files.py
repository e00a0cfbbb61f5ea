"""Files and blobs: the content of stages and versions, stored once per SHA-256 and checked when read."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from snowreg import errors
from snowreg.catalog.store import Store, nothing_stale, now


def stored_path(path: str) -> str:
    """A file path as stored: relative, '/'-separated, with no '.', '..' or empty segment (refused otherwise)."""
    if not path or path.startswith("/") or "\\" in path or "\0" in path or any(
            s in ("", ".", "..") for s in path.split("/")):
        raise errors.stage_path_outside(path)
    return path


@dataclass(frozen=True, slots=True)
class HeldFile:
    """A file PUT into a live version, kept in memory until the version is committed."""

    content: bytes
    sha: str
    md5: str
    last_modified: datetime

    @classmethod
    def of(cls, content: bytes, stamp: datetime) -> HeldFile:
        return cls(content, hashlib.sha256(content).hexdigest(),
                   hashlib.md5(content, usedforsecurity=False).hexdigest(), stamp)


class FilesPart:
    """File rows (owner kind 'stage' or 'version', owner id, path) over content-addressed blobs.

    The files PUT into a live version of an in-memory registry are held in memory (`hold`) and written,
    content and rows in one statement each, by the transaction that commits the version (`settle`):
    a log_model PUTs one folder at a time, and a DuckDB statement per PUT was most of its cost. Every
    read and write of this class sees the held files as stored ones; dropping the version drops them
    with it. Persistent registries write each PUT at once (what is held would not survive the process).
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._held: dict[int, dict[str, HeldFile]] = {}  # live version id → path → file

    # -- blobs -------------------------------------------------------------------------------

    def put_blob(self, content: bytes) -> str:
        return self.put_blobs([content])[0]

    def put_blobs(self, contents: list[bytes]) -> list[str]:
        """Store contents by SHA-256 in one statement (blobs already there are kept); returns the hashes."""
        shas = [hashlib.sha256(c).hexdigest() for c in contents]
        store = self.store
        with store.lock:
            known = self.known_blobs()
            new = {sha: c for sha, c in zip(shas, contents, strict=True) if sha not in known}
            if not new:
                return shas
            if store.in_transaction:  # remembered at once: a rollback forgets every remembered hash
                store.db.execute("INSERT INTO snowreg.blobs SELECT unnest(?::VARCHAR[]), unnest(?::BLOB[])",
                                 [list(new), list(new.values())])
            else:  # INSERT OR IGNORE costs ~10x: the remembered hashes say what is there
                store.write_one("INSERT INTO snowreg.blobs VALUES " + ", ".join(["(?, ?)"] * len(new)),
                                [x for item in new.items() for x in item], stale=nothing_stale)
            known.update(new)
        return shas

    def known_blobs(self) -> set[str]:
        """The hashes of the stored blobs, read once per catalog and again after content was freed or a
        transaction rolled back."""
        store = self.store
        known = store.blob_shas
        if known is None:  # read inside a transaction: forgotten again if it is rolled back
            known = store.blob_shas = {r[0] for r in store.db.execute("SELECT sha FROM snowreg.blobs").fetchall()}
        return known

    def mapping_files(self, files: Mapping[str, bytes]) -> tuple[tuple[str, str], ...]:
        """Store a path → bytes mapping as blobs (one statement); returns the (path, sha) pairs."""
        paths = sorted(files)
        return tuple(zip([stored_path(p) for p in paths], self.put_blobs([files[p] for p in paths]), strict=True))

    # -- reads -------------------------------------------------------------------------------

    def list_files(self, owner_kind: str, owner_id: int, prefix: str = "") -> list[tuple[str, int, str, datetime]]:
        """(path, size, md5, last_modified) of the files under `prefix`, sorted by path."""
        with self.store.lock:  # another thread may PUT into the same live version
            held = self._held_files(owner_kind, owner_id)
            if held is not None:
                return [(p, len(f.content), f.md5, f.last_modified) for p, f in sorted(held.items())
                        if p.startswith(prefix)]
        return [
            (r[0], int(r[1]), r[2], r[3])
            for r in self.store.query(
                "SELECT path, size, md5, last_modified FROM snowreg.files "
                "WHERE owner_kind = ? AND owner_id = ? AND starts_with(path, ?) ORDER BY path",
                [owner_kind, owner_id, prefix],
            )
        ]

    def read_files(self, owner_kind: str, owner_id: int, prefix: str = "") -> dict[str, bytes]:
        """The files under a prefix; each one's content must still hash to what was recorded when it was stored."""
        with self.store.lock:
            held = self._held_files(owner_kind, owner_id)
            if held is not None:
                return {p: f.content for p, f in held.items() if p.startswith(prefix)}
        rows = self.store.query(
            "SELECT f.path, f.sha, b.content FROM snowreg.files f JOIN snowreg.blobs b USING (sha) "
            "WHERE f.owner_kind = ? AND f.owner_id = ? AND starts_with(f.path, ?)",
            [owner_kind, owner_id, prefix],
        )
        files = {}
        for path, sha, content in rows:
            data = bytes(content)
            if hashlib.sha256(data).hexdigest() != sha:
                raise errors.tampered_file(path)
            files[path] = data
        return files

    def files_as_content(self, owner_kind: str, owner_id: int, prefix: str) -> tuple[tuple[str, str], ...]:
        """(relative path, sha) of the files under a prefix: the content of a version made from a stage."""
        self._store_held(owner_kind, owner_id)  # the new version's rows join the stored content
        rows = self.store.query(
            "SELECT path, sha FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND starts_with(path, ?) "
            "ORDER BY path",
            [owner_kind, owner_id, prefix],
        )
        return tuple((stored_path(p[len(prefix):]), s) for p, s in rows)

    # -- writes ------------------------------------------------------------------------------

    def write_file(self, owner_kind: str, owner_id: int, path: str, content: bytes, overwrite: bool = True) -> bool:
        """Store one file; False when it exists and `overwrite` is off."""
        stored_path(path)
        store = self.store
        self._store_held(owner_kind, owner_id)
        with store.transaction() as tx:  # one transaction with its blob: nothing frees it in between
            sha = self.put_blob(content)
            store.files_dropped()  # an overwritten file's old content
            exists = tx.execute(
                "SELECT 1 FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND path = ?",
                [owner_kind, owner_id, path],
            ).fetchone()
            if exists and not overwrite:
                return False
            tx.execute("DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND path = ?",
                       [owner_kind, owner_id, path])
            tx.execute(
                "INSERT INTO snowreg.files SELECT ?, ?, ?, sha, octet_length(content), md5(content), ? "
                "FROM snowreg.blobs WHERE sha = ?",
                [owner_kind, owner_id, path, now(), sha],
            )
        return True

    def write_files(self, owner_kind: str, owner_id: int, files: list[tuple[str, bytes]], overwrite: bool = True
                    ) -> list[bool]:
        """Store several files atomically; False for each one kept as it was (it exists, `overwrite` is off).

        New paths are written without reading first: one INSERT when their content is stored already, else
        one transaction with the content. The files' key refuses a path that exists (and then the attempt
        changes nothing): only then are the existing paths read and the files written, a statement per step."""
        rows = [(stored_path(p), c) for p, c in files]
        store = self.store
        with store.lock:
            held = self._held_files(owner_kind, owner_id)
            if held is not None:
                return self._hold_files(held, rows, overwrite)
            if not store.in_transaction:
                try:
                    if self._all_stored(rows):
                        store.write_one(*_insert_files(owner_kind, owner_id, rows), stale=nothing_stale)
                    else:
                        with store.transaction(stale=nothing_stale) as tx:  # no cached read holds files
                            self.put_blobs([c for _, c in rows])
                            tx.execute(*_insert_files(owner_kind, owner_id, rows))
                    return [True] * len(rows)
                except duckdb.ConstraintException:
                    pass  # a path exists: read which, below
            existing = {r[0] for r in store.db.execute(
                "SELECT path FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND list_contains(?, path)",
                [owner_kind, owner_id, [p for p, _ in rows]]).fetchall()}
            written = [overwrite or p not in existing for p, _ in rows]
            chosen = [row for row, w in zip(rows, written, strict=True) if w]
            if not chosen:
                return written
            with store.transaction(stale=nothing_stale) as tx:  # no cached read holds files
                self.put_blobs([c for _, c in chosen])
                replaced = [p for p, _ in chosen if p in existing]
                if replaced:
                    tx.execute("DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? "
                               "AND list_contains(?, path)", [owner_kind, owner_id, replaced])
                    store.files_dropped()  # an overwritten file's old content
                tx.execute(*_insert_files(owner_kind, owner_id, chosen))
        return written

    def _all_stored(self, rows: list[tuple[str, bytes]]) -> bool:
        known = self.known_blobs()
        return all(hashlib.sha256(c).hexdigest() in known for _, c in rows)

    def remove_files(self, owner_kind: str, owner_id: int, paths: list[str]) -> None:
        with self.store.lock:
            held = self._held_files(owner_kind, owner_id)
            if held is not None:
                for path in paths:
                    held.pop(path, None)
                return
        with self.store.transaction() as tx:
            self.store.files_dropped()
            tx.execute(
                "DELETE FROM snowreg.files WHERE owner_kind = ? AND owner_id = ? AND list_contains(?, path)",
                [owner_kind, owner_id, paths],
            )

    def insert_from_blobs(self, tx: duckdb.DuckDBPyConnection, owner_kind: str, owner_id: int,
                          files: tuple[tuple[str, str], ...], stamp: datetime) -> list[int]:
        """File rows for (path, sha) pairs whose blobs are stored, in one statement; returns their sizes."""
        sizes = tx.execute(
            "INSERT INTO snowreg.files SELECT ?, ?, f.path, b.sha, octet_length(b.content), md5(b.content), ? "
            "FROM (SELECT unnest(?::VARCHAR[]) AS path, unnest(?::VARCHAR[]) AS sha) f "
            "JOIN snowreg.blobs b ON b.sha = f.sha RETURNING size",
            [owner_kind, owner_id, stamp, [p for p, _ in files], [s for _, s in files]],
        ).fetchall()
        assert len(sizes) == len(files), "a blob of the content is missing"
        return [int(r[0]) for r in sizes]

    def delete_owned(self, tx: duckdb.DuckDBPyConnection, owner_kind: str, owner_ids: list[int]) -> None:
        """Inside a transaction: the files of stages or versions that go (their unshared content goes at commit)."""
        if not owner_ids:
            return
        if owner_kind == "version" and any(i in self._held for i in owner_ids):
            self.store.after_commit(lambda: self._release(owner_ids))  # a rollback keeps them
        tx.execute("DELETE FROM snowreg.files WHERE owner_kind = ? AND list_contains(?, owner_id)",
                   [owner_kind, owner_ids])
        self.store.files_dropped()

    # -- files held for live versions --------------------------------------------------------

    def hold(self, version_id: int) -> None:
        """Hold the files PUT into a new live version in memory until `settle` (in-memory registries)."""
        if self.store.path is None:
            with self.store.lock:
                self._held[version_id] = {}

    def settle(self, tx: duckdb.DuckDBPyConnection, version_id: int) -> None:
        """Inside the transaction that commits a live version: its held files' content and rows, a
        statement each; they stay held (and readable) until that transaction has committed."""
        held = self._held.get(version_id)
        if held is None:
            return
        if held:
            self._insert_held(tx, version_id, held)
        self.store.after_commit(lambda: self._release([version_id]))

    def _held_files(self, owner_kind: str, owner_id: int) -> dict[str, HeldFile] | None:
        return self._held.get(owner_id) if owner_kind == "version" else None

    @staticmethod
    def _hold_files(held: dict[str, HeldFile], rows: list[tuple[str, bytes]], overwrite: bool) -> list[bool]:
        stamp = now()
        written = []
        for path, content in rows:
            ok = overwrite or path not in held
            if ok:
                held[path] = HeldFile.of(content, stamp)
            written.append(ok)
        return written

    def _insert_held(self, tx: duckdb.DuckDBPyConnection, version_id: int, held: dict[str, HeldFile]) -> None:
        paths = sorted(held)
        files = [held[p] for p in paths]
        self.put_blobs([f.content for f in files])
        tx.execute("INSERT INTO snowreg.files SELECT 'version', ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                   "unnest(?::BIGINT[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMPTZ[])",
                   [version_id, paths, [f.sha for f in files], [len(f.content) for f in files],
                    [f.md5 for f in files], [f.last_modified for f in files]])

    def _store_held(self, owner_kind: str, owner_id: int) -> None:
        """Write a live version's held files to the catalog now, and stop holding its files (rare paths)."""
        store = self.store
        with store.lock:
            held = self._held_files(owner_kind, owner_id)
            if held is None:
                return
            with store.transaction(stale=nothing_stale) as tx:  # no cached read holds files
                if held:
                    self._insert_held(tx, owner_id, held)
                store.after_commit(lambda: self._release([owner_id]))

    def _release(self, version_ids: list[int]) -> None:
        with self.store.lock:
            for version_id in version_ids:
                self._held.pop(version_id, None)


def _insert_files(owner_kind: str, owner_id: int, files: list[tuple[str, bytes]]) -> tuple[str, list[Any]]:
    """The INSERT of file rows whose content is stored; size and MD5 as DuckDB's octet_length / md5
    of that content give them."""
    return ("INSERT INTO snowreg.files SELECT ?, ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "unnest(?::BIGINT[]), unnest(?::VARCHAR[]), ?",
            [owner_kind, owner_id, [p for p, _ in files], [hashlib.sha256(c).hexdigest() for _, c in files],
             [len(c) for _, c in files], [hashlib.md5(c, usedforsecurity=False).hexdigest() for _, c in files],
             now()])
