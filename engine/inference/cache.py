"""Deserialised models shared by every connection: one load per version content, bounded, thread-safe."""

from __future__ import annotations

import hashlib
import itertools
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from snowreg.catalog import Catalog, VersionRow
from snowreg.engine.inference.load import LoadedModel, load_model

DEFAULT_CAPACITY = 8


@dataclass
class _Entry:
    """One cached model and the versions (per catalog) that resolved to it."""

    model: LoadedModel | None = None
    error: BaseException | None = None
    loaded: threading.Event = field(default_factory=threading.Event)
    users: set[tuple[int, int]] = field(default_factory=set)  # (_token(catalog), version id)


class ModelCache:
    """LRU of loaded models keyed by the digest of a version's `model/` files.

    Keying by content (not by version id) makes the cache safe across connections and registries:
    a version dropped and re-created under the same name, or a model replaced by CREATE OR REPLACE,
    has other files and therefore another key. Entries whose versions were all dropped are evicted
    the next time the catalog that held them has changed.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._catalogs: weakref.WeakValueDictionary[int, Catalog] = weakref.WeakValueDictionary()
        self._generations: dict[int, int] = {}
        self._content: dict[tuple[int, int], tuple[int | None, str]] = {}
        # list_files answers of the current generation, per (catalog, version): the sweep and the content
        # key of one call read the same listing once
        self._listings: dict[tuple[int, int], tuple[int | None, list[Any]]] = {}
        self.loads = 0  # how many times a model was deserialised (tests and benchmarks read it)

    def get(self, catalog: Catalog, version: VersionRow) -> LoadedModel:
        """The loaded model of a version; deserialised at most once while it stays cached."""
        self._sweep(catalog)
        key = self._key(catalog, version.id)
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if entry is None:
                entry = self._entries[key] = _Entry()
                self._evict()
            self._entries.move_to_end(key)
            entry.users.add((_token(catalog), version.id))
            self._catalogs[_token(catalog)] = catalog
        if owner:
            self._load(catalog, version, key, entry)
        entry.loaded.wait()
        if entry.error is not None:
            raise entry.error
        assert entry.model is not None
        return entry.model

    def _key(self, catalog: Catalog, version_id: int) -> str:
        """The content key of a version, remembered until a model, version or file may have changed (plain
        DDL, such as the temporary table a client makes before each call, changes none)."""
        generation = catalog.store.versions_generation
        memo = (_token(catalog), version_id)
        known = self._content.get(memo)
        if known is not None and known[0] == generation:
            return known[1]
        key = content_key(catalog, version_id, self._files(catalog, version_id))
        self._content[memo] = (generation, key)
        return key

    def _files(self, catalog: Catalog, version_id: int) -> list[Any]:
        """The version's `model/` files; read once per `versions_generation` of the catalog."""
        generation = catalog.store.versions_generation
        memo = (_token(catalog), version_id)
        known = self._listings.get(memo)
        if known is not None and known[0] == generation:
            return known[1]
        files = list(catalog.files.list_files("version", version_id, "model/"))
        with self._lock:
            self._listings = {k: v for k, v in self._listings.items() if k[0] != memo[0] or v[0] == generation}
            self._listings[memo] = (generation, files)
        return files

    def _load(self, catalog: Catalog, version: VersionRow, key: str, entry: _Entry) -> None:
        try:
            entry.model = load_model(catalog.files.read_files("version", version.id, "model/"))
            self.loads += 1
        except BaseException as e:  # noqa: B036 - handed to every waiter, then forgotten
            entry.error = e
            with self._lock:
                if self._entries.get(key) is entry:
                    del self._entries[key]
        finally:
            entry.loaded.set()

    def _evict(self) -> None:
        while len(self._entries) > self.capacity:
            oldest = next(iter(self._entries))
            if not self._entries[oldest].loaded.is_set():
                break  # still loading: keep it; the cache is briefly over capacity
            del self._entries[oldest]

    def _sweep(self, catalog: Catalog) -> None:
        """Forget models whose versions no longer exist, once per `versions_generation` of the catalog."""
        generation = catalog.store.versions_generation
        if self._generations.get(_token(catalog)) == generation:
            return
        self._generations[_token(catalog)] = generation
        with self._lock:
            self._content = {k: v for k, v in self._content.items() if k[0] != _token(catalog)}
            users = [(key, user) for key, entry in self._entries.items() for user in entry.users
                     if user[0] == _token(catalog) and entry.loaded.is_set()]
        gone = {user for _, user in users if not self._files(catalog, user[1])}
        if not gone:
            return
        with self._lock:
            for key, entry in list(self._entries.items()):
                entry.users -= gone
                if not entry.users and entry.loaded.is_set():
                    del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Any) -> bool:
        return key in self._entries


def content_key(catalog: Catalog, version_id: int, files: list[Any] | None = None) -> str:
    """A digest of the version's `model/` files (path, size, md5): equal content, equal model. `files`:
    their listing when the caller has it."""
    if files is None:
        files = catalog.files.list_files("version", version_id, "model/")
    digest = hashlib.sha256()
    for path, size, md5, _ in files:
        digest.update(f"{path}\0{size}\0{md5}\n".encode())
    return digest.hexdigest()


_TOKENS: weakref.WeakKeyDictionary[Catalog, int] = weakref.WeakKeyDictionary()
_next_token = itertools.count(1)


def _token(catalog: Catalog) -> int:
    """A number naming one catalog for as long as it lives (`id()` is reused after it is collected, and a
    fresh catalog at the same address must not inherit another's remembered content keys)."""
    token = _TOKENS.get(catalog)
    if token is None:
        token = _TOKENS[catalog] = next(_next_token)
    return token


MODELS = ModelCache()
